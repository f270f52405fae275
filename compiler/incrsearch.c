/*
 * incrsearch.c — the build cache's share of the site's search index.  The
 * documents' entries are cut into parts (htmlsearch.h: by id, about 64
 * documents a part), each part a file OUT/html/search/<key>.js whose key
 * hashes the tree hashes of its documents in order; each entry is a
 * function of its document's XML tree alone.  The cache records each
 * part as an "out" line (its key, bytes' hash, size and stat, like every
 * carried file) and an "se" line: its file and its documents' tree
 * hashes, one a line of the file.  A rebuild carries a part whose key is
 * the recorded one as it carries a page; a part with a changed document
 * is written again, its other documents' entries read back from the
 * part they were in (the file checked against its recorded hash first),
 * so a document whose page and XML file are carried over needs no tree
 * at all, and the cache holds no entry's text (it held every one: 105 MB
 * at 10,000 documents, read and written on each rebuild).  An entry is
 * only ever looked up by the tree hash it was made from, so a stale one
 * cannot be found.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "htmlsearch.h"
#include "incremental.h"
#include "util.h"

/* One document of an old part. */
typedef struct {
	const char *hash;        /* 32 hex digits, in the cache's text */
	size_t part, pos;        /* its part and its line there */
} se_doc;

/* One part of the old OUT, as the cache recorded it. */
typedef struct {
	char *rel;               /* html/search/<key>.js */
	size_t n;                /* its documents */
	int state;               /* 0 not read yet, 1 read, -1 unusable */
	char *text;              /* the file, its lines NUL-terminated */
	char **lines;            /* the n entries, in text */
} se_part;

struct incr_search {
	se_part *parts;
	size_t nparts;
	se_doc *docs;            /* sorted by hash */
	size_t ndocs;
};

static int
cmp_doc(const void *a, const void *b)
{
	return memcmp(((const se_doc *)a)->hash, ((const se_doc *)b)->hash,
	    32);
}

incr_search *
incr_search_new(void)
{
	return xcalloc(1, sizeof(incr_search));
}

static int
hex32(const char *s)
{
	for (int k = 0; k < 32; k++)
		if (!((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' &&
		    s[k] <= 'f')))
			return 0;
	return 1;
}

void
incr_search_line(incr_search *s, const char *line)
{
	const char *rel, *tab, *h;
	size_t n = 0, part;

	/* "se\t" REL "\t" HASH ("," HASH)* */
	if (strncmp(line, "se\t", 3) != 0)
		return;
	rel = line + 3;
	if (!(tab = strchr(rel, '\t')) || tab == rel)
		return;
	for (h = tab + 1; ; h += 33) {
		if (strlen(h) < 32 || !hex32(h) || (h[32] != ',' &&
		    h[32] != '\0'))
			return;   /* not a line this policyc wrote: unused */
		n++;
		if (h[32] == '\0')
			break;
	}
	part = s->nparts;
	s->parts = xrealloc(s->parts, (part + 1) * sizeof *s->parts);
	memset(&s->parts[part], 0, sizeof *s->parts);
	s->parts[part].rel = xstrndup(rel, (size_t)(tab - rel));
	s->parts[part].n = n;
	s->nparts++;
	s->docs = xrealloc(s->docs, (s->ndocs + n) * sizeof *s->docs);
	for (h = tab + 1, n = 0; n < s->parts[part].n; h += 33, n++) {
		s->docs[s->ndocs].hash = h;
		s->docs[s->ndocs].part = part;
		s->docs[s->ndocs].pos = n;
		s->ndocs++;
	}
}

void
incr_search_sort(incr_search *s)
{
	if (s->ndocs > 1)
		qsort(s->docs, s->ndocs, sizeof *s->docs, cmp_doc);
}

int
incr_search_find(const incr_search *s, const char *hash, size_t *part,
    size_t *pos)
{
	se_doc probe, *hit;

	if (!s || !s->ndocs || !hash || strlen(hash) != 32)
		return 0;
	probe.hash = hash;
	hit = bsearch(&probe, s->docs, s->ndocs, sizeof *s->docs, cmp_doc);
	if (!hit)
		return 0;
	*part = hit->part;
	*pos = hit->pos;
	return 1;
}

const char *
incr_search_part_rel(const incr_search *s, size_t part)
{
	return s && part < s->nparts ? s->parts[part].rel : NULL;
}

/* Reads dir/rel, which must be size bytes hashing to ohash, and splits
 * its entry lines: 1 when they are the n the cache recorded. */
static int
load_part(se_part *p, const char *dir, const char *ohash, size_t size)
{
	char *path = path_join(dir, p->rel), *line, *nl, got[33];
	size_t head = strlen(HTMLSEARCH_PART_HEAD), k;
	struct stat st;
	incr_hash h;
	int fd, ok = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == size && size > head) {
		p->text = xmalloc(size + 1);
		ok = read(fd, p->text, size + 1) == (ssize_t)size;
	}
	close(fd);
	if (!ok)
		return 0;
	p->text[size] = '\0';
	incr_hash_init(&h);
	incr_hash_add(&h, p->text, size);
	incr_hash_hex(&h, got);
	if (strcmp(got, ohash) != 0 || memcmp(p->text, HTMLSEARCH_PART_HEAD,
	    head) != 0)
		return 0;
	p->lines = xcalloc(p->n + 1, sizeof *p->lines);
	line = p->text + head;
	for (k = 0; k < p->n; k++) {
		size_t len;
		if (!(nl = strchr(line, '\n')))
			return 0;
		*nl = '\0';
		len = (size_t)(nl - line);
		if (k + 1 < p->n) {
			if (len == 0 || line[len - 1] != ',')
				return 0;
			line[len - 1] = '\0';
		}
		p->lines[k] = line;
		line = nl + 1;
	}
	return strcmp(line, "]);\n") == 0;
}

const char *
incr_search_entry(incr_search *s, const char *dir, size_t part, size_t pos,
    const char *ohash, size_t size)
{
	se_part *p;

	if (!s || part >= s->nparts || pos >= s->parts[part].n)
		return NULL;
	p = &s->parts[part];
	if (p->state == 0)
		p->state = ohash && load_part(p, dir, ohash, size) ? 1 : -1;
	return p->state == 1 ? p->lines[pos] : NULL;
}

void
incr_search_free(incr_search *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nparts; i++) {
		free(s->parts[i].rel);
		free(s->parts[i].text);
		free(s->parts[i].lines);
	}
	free(s->parts);
	free(s->docs);
	free(s);
}
