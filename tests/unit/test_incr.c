/*
 * test_incr.c — unit tests of the build cache's share of the search index
 * (incrsearch.c): entries are found by the tree hash they were recorded
 * under and by nothing else, lines that are not well-formed "se" lines
 * are ignored, and what incr_search_write writes reads back the same.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
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

UNIT_TEST(incr_search_finds_by_tree_hash_only)
{
	char *text;
	incr_search *s = read_text(
	    "doc\tx\ty\n"
	    "se\t" H2 "\t{u:\"b.html\"}\n"
	    "se\t" H1 "\t{u:\"a.html\",x:\"text with spaces\"}\n"
	    "se\tshort\t{u:\"bad.html\"}\n"
	    "se\t" H3 "{u:\"no-tab.html\"}\n"
	    "out\tk\th\t1\thtml/a.html\n", &text);

	CHECK_STR(incr_search_find(s, H1), "{u:\"a.html\",x:\"text with spaces\"}");
	CHECK_STR(incr_search_find(s, H2), "{u:\"b.html\"}");
	CHECK(incr_search_find(s, H3) == NULL);
	CHECK(incr_search_find(s, "short") == NULL);
	CHECK(incr_search_find(s, "") == NULL);
	CHECK(incr_search_find(s, NULL) == NULL);
	CHECK(incr_search_find(NULL, H1) == NULL);
	incr_search_free(s);
	free(text);
}

UNIT_TEST(incr_search_write_reads_back)
{
	char hashes[3][33] = { H1, "", H2 };
	const char *texts[3] = { "{u:\"a.html\"}", "{u:\"nohash.html\"}",
	    "{u:\"tab\there.html\"}" };
	spool *entries = spool_new(NULL, 3);
	incr_search *s;
	incr_out o;
	char *text;
	size_t i;

	for (i = 0; i < 3; i++)
		spool_put(entries, i, xstrdup(texts[i]));
	memset(&o, 0, sizeof o);
	buf_init(&o.b);
	buf_puts(&o.b, "");
	incr_hash_init(&o.h);
	incr_search_write(&o, hashes, entries, 3);
	/* no hash, or a tab the line format cannot carry: not written */
	CHECK(strstr(o.b.data, "nohash") == NULL);
	CHECK(strstr(o.b.data, "tab") == NULL);
	s = read_text(o.b.data, &text);
	CHECK_STR(incr_search_find(s, H1), "{u:\"a.html\"}");
	CHECK(incr_search_find(s, H2) == NULL);
	incr_search_free(s);
	free(text);
	buf_free(&o.b);
	spool_free(entries);
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
