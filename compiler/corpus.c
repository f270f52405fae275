/*
 * corpus.c — every document of a build and the indexes the link pass
 * needs: by id, by last id segment (unique ones only), by title
 * (case-insensitive) and by source path.  Duplicate ids are reported here;
 * the later document keeps a suffixed id so it is still published and
 * nothing is lost.  Two documents with one title (case-insensitive) make
 * a title-duplicate warning: a reader of the contents page cannot tell
 * them apart.  Lookups are hash tables: a corpus reaches 50,000 documents
 * and every link asks.
 *
 * MERGE: branch links brings strtab.c, the one string->index table.  The
 * private `table` below has exactly its semantics (put keeps the first
 * value and says so, get gives -1 when absent), so at merge it goes and
 * table_init/table_free/table_put/table_get become strtab_new/strtab_free/
 * strtab_put/strtab_get on `strtab *` members.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "corpus.h"
#include "util.h"

#define AMBIGUOUS (-2)

typedef struct {
	char **keys;
	long *vals;
	size_t cap, n;
} table;

struct corpus_index {
	table by_id, by_last, by_title, by_path;
	/* names that match several documents (by_last, by_title) */
	table ambiguous_last, ambiguous_title;
};
typedef struct corpus_index indexes;

static unsigned long
hash(const char *s)
{
	unsigned long h = 1469598103934665603UL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
}

static void
table_init(table *t, size_t n)
{
	t->cap = 16;
	while (t->cap < n * 2 + 1)
		t->cap *= 2;
	t->keys = xcalloc(t->cap, sizeof *t->keys);
	t->vals = xcalloc(t->cap, sizeof *t->vals);
	t->n = 0;
}

static void
table_free(table *t)
{
	size_t i;
	for (i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->vals);
}

static long *
table_slot(table *t, const char *key, int create)
{
	size_t i = hash(key) & (t->cap - 1);
	while (t->keys[i]) {
		if (strcmp(t->keys[i], key) == 0)
			return &t->vals[i];
		i = (i + 1) & (t->cap - 1);
	}
	if (!create)
		return NULL;
	t->keys[i] = xstrdup(key);
	t->n++;
	return &t->vals[i];
}

static long
table_get(const table *t, const char *key)
{
	long *v = table_slot((table *)t, key, 0);
	return v ? *v : -1;
}

/* Adds key -> val unless key is there; returns 1 (keeping the old value)
 * when it was. */
static int
table_put(table *t, const char *key, long val)
{
	if (table_slot(t, key, 0))
		return 1;
	*table_slot(t, key, 1) = val;
	return 0;
}

/* Adds key -> val; a second, different val marks the key ambiguous. */
static void
put_multi(table *t, table *ambiguous, const char *key, long val)
{
	if (table_put(t, key, val) && table_get(t, key) != val)
		table_put(ambiguous, key, 1);
}

/* The value of a key of a table with an ambiguous set. */
static long
get_multi(const table *t, const table *ambiguous, const char *key)
{
	return table_get(ambiguous, key) >= 0 ? AMBIGUOUS : table_get(t, key);
}

static char *
lower(const char *s)
{
	char *r = xstrdup(s), *p;
	for (p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

static int
cmp_doc(const void *a, const void *b)
{
	const document *x = *(document *const *)a, *y = *(document *const *)b;
	int c = strcmp(x->id, y->id);
	return c ? c : strcmp(x->path, y->path);
}

/* title-duplicate: each later document (in id order) sharing a title,
 * case-insensitively, with an earlier one is reported at its title. */
static void
report_title_duplicates(const corpus *c, diag_set *ds)
{
	table first;
	size_t i;

	table_init(&first, c->ndocs);
	for (i = 0; i < c->ndocs; i++) {
		const document *d = c->docs[i];
		char *t;
		if (!d->title || !*d->title)
			continue;
		t = lower(d->title);
		if (table_put(&first, t, (long)i))
			diag_report_sev(ds, SEV_WARNING, "title-duplicate", d->path,
			    d->title_line > 0 ? d->title_line : 1, 0,
			    "title \"%s\" is also the title of %s", d->title,
			    c->docs[table_get(&first, t)]->path);
		free(t);
	}
	table_free(&first);
}

corpus *
corpus_new(const project *p, document **docs, size_t n, diag_set *ds)
{
	corpus *c = xcalloc(1, sizeof *c);
	indexes *ix = xcalloc(1, sizeof *ix);
	size_t i;

	c->project = p;
	c->docs = docs;
	c->ndocs = n;
	c->index = ix;
	if (n > 1)
		qsort(docs, n, sizeof *docs, cmp_doc);

	table_init(&ix->by_id, n);

	for (i = 0; i < n; i++) {
		document *d = docs[i];
		long prev = table_get(&ix->by_id, d->id);
		if (prev >= 0) {
			char *fresh;
			int k = 2;
			diag_report(ds, "id-duplicate", d->path,
			    d->id_line ? d->id_line : 1, d->id_line ? d->id_col : 0,
			    "id '%s' is already used by %s", d->id,
			    docs[prev]->path);
			do {
				fresh = xasprintf("%s-%d", d->id, k++);
				if (table_get(&ix->by_id, fresh) < 0)
					break;
				free(fresh);
			} while (1);
			free(d->id);
			d->id = fresh;
		}
		table_put(&ix->by_id, d->id, (long)i);
	}
	/* ids may have changed: keep the array sorted, and index it anew
	 * (every id is unique now) */
	if (n > 1)
		qsort(docs, n, sizeof *docs, cmp_doc);
	table_free(&ix->by_id);
	table_init(&ix->by_id, n);
	table_init(&ix->by_last, n);
	table_init(&ix->by_title, n);
	table_init(&ix->by_path, n);
	table_init(&ix->ambiguous_last, 0);
	table_init(&ix->ambiguous_title, 0);
	for (i = 0; i < n; i++) {
		document *d = docs[i];
		const char *last = strrchr(d->id, '/');
		char *t;
		table_put(&ix->by_id, d->id, (long)i);
		put_multi(&ix->by_last, &ix->ambiguous_last,
		    last ? last + 1 : d->id, (long)i);
		t = lower(d->title);
		put_multi(&ix->by_title, &ix->ambiguous_title, t, (long)i);
		free(t);
		table_put(&ix->by_path, d->relpath, (long)i);
	}
	report_title_duplicates(c, ds);
	return c;
}

void
corpus_free(corpus *c)
{
	indexes *ix;
	size_t i;
	if (!c)
		return;
	ix = c->index;
	table_free(&ix->by_id);
	table_free(&ix->by_last);
	table_free(&ix->by_title);
	table_free(&ix->by_path);
	table_free(&ix->ambiguous_last);
	table_free(&ix->ambiguous_title);
	free(ix);
	for (i = 0; i < c->npacks; i++)
		free(c->packs[i].docs);
	free(c->packs);
	assets_free(c->assets);
	for (i = 0; i < c->ndocs; i++)
		document_free(c->docs[i]);
	free(c->docs);
	for (i = 0; i < c->nedges; i++)
		free(c->edges[i].note);
	free(c->edges);
	for (i = 0; i < c->nurls; i++) {
		free(c->urls[i].href);
		free(c->urls[i].title);
	}
	free(c->urls);
	free(c->out_off);
	free(c->out_idx);
	free(c->in_off);
	free(c->in_idx);
	free(c);
}

long
corpus_find_id(const corpus *c, const char *id)
{
	return table_get(&c->index->by_id, id);
}

long
corpus_find_path(const corpus *c, const char *relpath)
{
	return table_get(&c->index->by_path, relpath);
}

static char *
candidates_for(const corpus *c, const char *name, int by_title)
{
	buf b;
	size_t i;
	buf_init(&b);
	for (i = 0; i < c->ndocs; i++) {
		const document *d = c->docs[i];
		const char *last = strrchr(d->id, '/');
		int match = by_title ? str_ieq(d->title, name) :
		    strcmp(last ? last + 1 : d->id, name) == 0;
		if (match)
			buf_printf(&b, "%s%s", b.len ? ", " : "", d->id);
	}
	return buf_detach(&b);
}

long
corpus_resolve_name(const corpus *c, const char *name, char **candidates)
{
	indexes *ix = c->index;
	long r;
	char *t;

	if (candidates)
		*candidates = NULL;
	if ((r = table_get(&ix->by_id, name)) >= 0)
		return r;
	r = get_multi(&ix->by_last, &ix->ambiguous_last, name);
	if (r == AMBIGUOUS) {
		if (candidates)
			*candidates = candidates_for(c, name, 0);
		return AMBIGUOUS;
	}
	if (r >= 0)
		return r;
	t = lower(name);
	r = get_multi(&ix->by_title, &ix->ambiguous_title, t);
	free(t);
	if (r == AMBIGUOUS && candidates)
		*candidates = candidates_for(c, name, 1);
	return r;
}

void
corpus_add_edge(corpus *c, size_t from, size_t to, edge_kind k,
    const char *note, int line)
{
	edge *e;
	if (c->nedges == c->edges_cap) {
		c->edges_cap = c->edges_cap ? c->edges_cap * 2 : 64;
		c->edges = xrealloc(c->edges, c->edges_cap * sizeof *c->edges);
	}
	e = &c->edges[c->nedges++];
	e->from = from;
	e->to = to;
	e->kind = k;
	e->note = note ? xstrdup(note) : NULL;
	e->line = line;
}

/* Counting sort of edge indexes by source and by target document. */
void
corpus_index_edges(corpus *c)
{
	size_t i, n = c->ndocs;
	size_t *fill;

	free(c->out_off);
	free(c->out_idx);
	free(c->in_off);
	free(c->in_idx);
	c->out_off = xcalloc(n + 1, sizeof *c->out_off);
	c->in_off = xcalloc(n + 1, sizeof *c->in_off);
	c->out_idx = xcalloc(c->nedges + 1, sizeof *c->out_idx);
	c->in_idx = xcalloc(c->nedges + 1, sizeof *c->in_idx);
	for (i = 0; i < c->nedges; i++) {
		c->out_off[c->edges[i].from + 1]++;
		c->in_off[c->edges[i].to + 1]++;
	}
	for (i = 0; i < n; i++) {
		c->out_off[i + 1] += c->out_off[i];
		c->in_off[i + 1] += c->in_off[i];
	}
	fill = xcalloc(n + 1, sizeof *fill);
	for (i = 0; i < c->nedges; i++) {
		size_t f = c->edges[i].from;
		c->out_idx[c->out_off[f] + fill[f]++] = i;
	}
	memset(fill, 0, (n + 1) * sizeof *fill);
	for (i = 0; i < c->nedges; i++) {
		size_t t = c->edges[i].to;
		c->in_idx[c->in_off[t] + fill[t]++] = i;
	}
	free(fill);
}
