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
#include "util.h"

#define H1 "0123456789abcdef0123456789abcdef"
#define H2 "fedcba9876543210fedcba9876543210"
#define H3 "00000000000000000000000000000000"

/* Reads cache text the way read_cache does: split into lines, each
 * offered to incr_search_line. */
static incr_search *
read_text(const char *text)
{
	char *data = xstrdup(text), *line, *next;
	incr_search *s = incr_search_new(data);

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
	incr_search *s = read_text(
	    "doc\tx\ty\n"
	    "se\t" H2 "\t{u:\"b.html\"}\n"
	    "se\t" H1 "\t{u:\"a.html\",x:\"text with spaces\"}\n"
	    "se\tshort\t{u:\"bad.html\"}\n"
	    "se\t" H3 "{u:\"no-tab.html\"}\n"
	    "out\tk\th\t1\thtml/a.html\n");

	CHECK_STR(incr_search_find(s, H1), "{u:\"a.html\",x:\"text with spaces\"}");
	CHECK_STR(incr_search_find(s, H2), "{u:\"b.html\"}");
	CHECK(incr_search_find(s, H3) == NULL);
	CHECK(incr_search_find(s, "short") == NULL);
	CHECK(incr_search_find(s, "") == NULL);
	CHECK(incr_search_find(s, NULL) == NULL);
	CHECK(incr_search_find(NULL, H1) == NULL);
	incr_search_free(s);
}

UNIT_TEST(incr_search_write_reads_back)
{
	char hashes[3][33] = { H1, "", H2 };
	char *entries[3] = { "{u:\"a.html\"}", "{u:\"nohash.html\"}",
	    "{u:\"tab\there.html\"}" };
	incr_search *s;
	buf b;

	buf_init(&b);
	buf_puts(&b, "");
	incr_search_write(&b, hashes, entries, 3);
	/* no hash, or a tab the line format cannot carry: not written */
	CHECK(strstr(b.data, "nohash") == NULL);
	CHECK(strstr(b.data, "tab") == NULL);
	s = read_text(b.data);
	CHECK_STR(incr_search_find(s, H1), "{u:\"a.html\"}");
	CHECK(incr_search_find(s, H2) == NULL);
	incr_search_free(s);
	buf_free(&b);
}
