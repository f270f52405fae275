/*
 * incrsearch.c — the build cache's share of the site's search index.  Each
 * document's entry in OUT/html/search-index.js (htmlsearch_entry) is a
 * function of its XML tree alone, so the cache (OUT/.policyc-cache, one
 * "se" line a document) keeps it under the hash of that tree.  A rebuild
 * whose document kept its tree (incrmodel.c) and whose page and XML file
 * are carried over then needs no tree at all: not made, not read back
 * from OUT, not walked for its text.  The lines are written with the rest
 * of the cache and checked by its checksum; an entry is only ever looked
 * up by the tree hash it was made from, so a stale one cannot be found.
 */
#include <stdlib.h>
#include <string.h>

#include "incremental.h"
#include "util.h"

typedef struct {
	const char *hash;        /* 32 hex digits, in the cache's text */
	const char *entry;       /* NUL-terminated, in the cache's text */
} se_line;

/* The "se" lines of the cache's text (incr_cache_lines: the pipeline's,
 * which outlives this). */
struct incr_search {
	se_line *lines;          /* sorted by hash */
	size_t n;
};

static int
cmp_line(const void *a, const void *b)
{
	return memcmp(((const se_line *)a)->hash, ((const se_line *)b)->hash,
	    32);
}

incr_search *
incr_search_new(void)
{
	return xcalloc(1, sizeof(incr_search));
}

void
incr_search_line(incr_search *s, const char *line)
{
	/* "se\t" HASH "\t" ENTRY: an entry holds no tab or newline
	 * (htmlsearch.c's js_string writes them as spaces) */
	if (strncmp(line, "se\t", 3) != 0 || strlen(line) < 3 + 32 + 1 ||
	    line[3 + 32] != '\t')
		return;
	s->lines = xrealloc(s->lines, (s->n + 1) * sizeof *s->lines);
	s->lines[s->n].hash = line + 3;
	s->lines[s->n].entry = line + 3 + 32 + 1;
	s->n++;
}

void
incr_search_sort(incr_search *s)
{
	if (s->n > 1)
		qsort(s->lines, s->n, sizeof *s->lines, cmp_line);
}

const char *
incr_search_find(const incr_search *s, const char *hash)
{
	se_line probe, *hit;

	if (!s || !s->n || !hash || strlen(hash) != 32)
		return NULL;
	probe.hash = hash;
	hit = bsearch(&probe, s->lines, s->n, sizeof *s->lines, cmp_line);
	return hit ? hit->entry : NULL;
}

void
incr_search_write(incr_out *o, char (*dochash)[33], const spool *entries,
    size_t n)
{
	buf *b = &o->b;
	size_t i;

	/* appended, not printed: an entry holds a page's whole text, and
	 * vsnprintf copies %s a few bytes at a time */
	for (i = 0; entries && i < n; i++) {
		char *e = strlen(dochash[i]) == 32 ? spool_get(entries, i) : NULL;
		if (e && !strpbrk(e, "\t\n\r")) {
			buf_puts(b, "se\t");
			buf_putn(b, dochash[i], 32);
			buf_putc(b, '\t');
			buf_puts(b, e);
			buf_putc(b, '\n');
			incr_out_room(o);
		}
		free(e);
	}
}

void
incr_search_free(incr_search *s)
{
	if (!s)
		return;
	free(s->lines);
	free(s);
}
