/*
 * test_incr.c — unit tests of the build cache's hash (the same bytes in
 * any pieces give the same hash, which is the one this version of
 * policyc has always given) and of its share of the search index
 * (incrsearch.c): an entry is found by the tree hash it was recorded
 * under and by nothing else, lines that are not well-formed "se" lines
 * are ignored, and a part's lines are read back only from the file the
 * cache recorded (its size and hash), never from another.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsio.h"
#include "harness.h"
#include "htmlsearch.h"
#include "incremental.h"
#include "spool.h"
#include "util.h"

#define H1 "0123456789abcdef0123456789abcdef"
#define H2 "fedcba9876543210fedcba9876543210"
#define H3 "00000000000000000000000000000000"

/* Reads cache text the way read_cache does: split into lines, each
 * offered to incr_search_line.  *data holds the lines (the caller frees
 * it after the search: the search borrows them). */
static incr_search *
read_text(const char *text, char **data_out)
{
	char *data = xstrdup(text), *line, *next;
	incr_search *s = incr_search_new();

	*data_out = data;
	for (line = data; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		incr_search_line(s, line);
	}
	incr_search_sort(s);
	return s;
}

UNIT_TEST(incr_hash_is_the_same_in_any_pieces)
{
	char text[300], whole[33], pieces[33];
	incr_hash h;
	size_t i, at, n, seed = 7;

	for (i = 0; i < sizeof text; i++)
		text[i] = (char)('a' + (i * 7 + i / 13) % 26);
	incr_hash_init(&h);
	incr_hash_add(&h, text, sizeof text);
	incr_hash_hex(&h, whole);
	/* pinned: a change of the hash changes every cache key (and the
	 * search parts' names), and goes with a new CACHE_MAGIC */
	incr_hash_init(&h);
	incr_hash_add(&h, "policyc", 7);
	incr_hash_hex(&h, pieces);
	CHECK_STR(pieces, "2c71599414db48c708d1a05d7b4a6239");
	for (int round = 0; round < 50; round++) {
		incr_hash_init(&h);
		for (at = 0; at < sizeof text; at += n) {
			seed = seed * 1103515245 + 12345;
			n = (seed >> 8) % 12;   /* 0 to 11 bytes a piece */
			if (n > sizeof text - at)
				n = sizeof text - at;
			incr_hash_add(&h, text + at, n);
		}
		incr_hash_hex(&h, pieces);
		CHECK_STR(pieces, whole);
	}
}

UNIT_TEST(incr_search_finds_by_tree_hash_only)
{
	char *text;
	size_t part = 9, pos = 9;
	incr_search *s = read_text(
	    "doc\tx\ty\n"
	    "se\thtml/search/b.js\t" H2 "\n"
	    "se\thtml/search/a.js\t" H3 "," H1 "\n"
	    "se\thtml/search/short.js\tabc\n"
	    "se\thtml/search/upper.js\t" "0123456789ABCDEF0123456789abcdef" "\n"
	    "se\t" H3 "\n"
	    "out\tk\th\t1\thtml/a.html\n", &text);

	CHECK(incr_search_find(s, H1, &part, &pos));
	CHECK_STR(incr_search_part_rel(s, part), "html/search/a.js");
	CHECK(pos == 1);
	CHECK(incr_search_find(s, H3, &part, &pos) && pos == 0);
	CHECK(incr_search_find(s, H2, &part, &pos) && pos == 0);
	CHECK_STR(incr_search_part_rel(s, part), "html/search/b.js");
	CHECK(!incr_search_find(s, "0123456789ABCDEF0123456789abcdef", &part,
	    &pos));
	CHECK(!incr_search_find(s, "short", &part, &pos));
	CHECK(!incr_search_find(s, "", &part, &pos));
	CHECK(!incr_search_find(s, NULL, &part, &pos));
	CHECK(!incr_search_find(NULL, H1, &part, &pos));
	CHECK(incr_search_part_rel(s, 7) == NULL);
	incr_search_free(s);
	free(text);
}

/* Writes a part's file as html.c does; its hash into ohash. */
static size_t
write_part(const char *dir, char *const *ents, size_t n, char ohash[33])
{
	char *path = path_join(dir, "html/search/p.js");
	buf b;
	incr_hash h;
	size_t len;

	buf_init(&b);
	htmlsearch_part(&b, ents, n);
	CHECK(fsio_write(path, b.data, b.len) == 0);
	incr_hash_init(&h);
	incr_hash_add(&h, b.data, b.len);
	incr_hash_hex(&h, ohash);
	len = b.len;
	buf_free(&b);
	free(path);
	return len;
}

UNIT_TEST(incr_search_reads_a_part_back_only_as_recorded)
{
	char dir[] = "/tmp/policyc-incr-XXXXXX", ohash[33], *text;
	char *ents[3] = { "{u:\"a.html\",x:\"one, two\"}", "{u:\"b.html\"}",
	    "{u:\"c.html\"}" };
	const char *cache = "se\thtml/search/p.js\t" H1 "," H2 "," H3 "\n";
	incr_search *s;
	size_t len;

	CHECK(mkdtemp(dir) != NULL);
	len = write_part(dir, ents, 3, ohash);
	s = read_text(cache, &text);
	CHECK_STR(incr_search_entry(s, dir, 0, 0, ohash, len), ents[0]);
	CHECK_STR(incr_search_entry(s, dir, 0, 2, ohash, len), ents[2]);
	CHECK(incr_search_entry(s, dir, 0, 3, ohash, len) == NULL);
	incr_search_free(s);
	free(text);

	/* another size or hash than recorded: nothing is read from it */
	s = read_text(cache, &text);
	CHECK(incr_search_entry(s, dir, 0, 1, ohash, len + 1) == NULL);
	incr_search_free(s);
	free(text);
	s = read_text(cache, &text);
	CHECK(incr_search_entry(s, dir, 0, 1, H1, len) == NULL);
	CHECK(incr_search_entry(s, dir, 0, 1, ohash, len) == NULL);  /* said once */
	incr_search_free(s);
	free(text);

	/* the hash right but fewer lines than the cache names */
	len = write_part(dir, ents, 2, ohash);
	s = read_text(cache, &text);
	CHECK(incr_search_entry(s, dir, 0, 0, ohash, len) == NULL);
	incr_search_free(s);
	free(text);
	CHECK(fsio_rmtree(dir) == 0);
}

/* A spool in a file gives back what was put, in any order, and nothing
 * for what was not; in memory (no folder) the same. */
UNIT_TEST(spool_keeps_strings)
{
	const char *dirs[2] = { "/tmp", NULL };
	size_t d, i;

	for (d = 0; d < 2; d++) {
		spool *sp = spool_new(dirs[d], 5);
		char *got;
		spool_put(sp, 3, xstrdup("three"));
		spool_put(sp, 0, xstrdup(""));
		spool_put(sp, 1, xstrdup("one, after an empty one"));
		spool_put(sp, 9, xstrdup("out of range: dropped"));
		spool_put(sp, 4, NULL);
		CHECK(spool_count(sp) == 5);
		got = spool_get(sp, 1);
		CHECK_STR(got, "one, after an empty one");
		free(got);
		got = spool_get(sp, 3);
		CHECK_STR(got, "three");
		free(got);
		got = spool_get(sp, 0);
		CHECK_STR(got, "");
		free(got);
		for (i = 2; i < 6; i += 2)
			CHECK(spool_get(sp, i) == NULL);
		CHECK(spool_get(sp, 9) == NULL);
		spool_free(sp);
	}
}

/* The cache's numbers: what incr_put_numbers writes reads back, and
 * nothing else does (a sign, a letter, a missing or extra field, a
 * number past the range). */
UNIT_TEST(incr_numbers_read_back_and_nothing_else)
{
	long long in[4] = { 0, 7, 1796545816145885895LL, 9223372036854775807LL };
	long long out[4];
	const char *s;
	buf b;

	buf_init(&b);
	incr_put_numbers(&b, "ps", in, 4);
	s = b.data + 3;
	CHECK(incr_get_numbers(&s, out, 4));
	CHECK(*s == '\0');
	CHECK(out[0] == in[0] && out[1] == in[1] && out[2] == in[2] &&
	    out[3] == in[3]);
	s = "12\t34\trest";
	CHECK(incr_get_numbers(&s, out, 2));
	CHECK_STR(s, "rest");
	CHECK(out[0] == 12 && out[1] == 34);
	s = "9223372036854775808";
	CHECK(!incr_get_numbers(&s, out, 1));
	s = "99999999999999999999";
	CHECK(!incr_get_numbers(&s, out, 1));
	s = "-1";
	CHECK(!incr_get_numbers(&s, out, 1));
	s = "+1";
	CHECK(!incr_get_numbers(&s, out, 1));
	s = "1x";
	CHECK(!incr_get_numbers(&s, out, 1));
	s = "1\t2";
	CHECK(!incr_get_numbers(&s, out, 3));
	s = "";
	CHECK(!incr_get_numbers(&s, out, 1));
	buf_free(&b);
}
