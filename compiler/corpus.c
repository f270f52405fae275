/*
 * corpus.c — every document of a build and the indexes the link pass
 * needs: by id, by last id segment (unique ones only), by title
 * (case-insensitive) and by source path.  Duplicate ids are reported here;
 * the later document keeps a suffixed id so it is still published and
 * nothing is lost.  Two documents with one title (case-insensitive) make
 * a title-duplicate warning: a reader of the contents page cannot tell
 * them apart.  Lookups are hash tables: a corpus reaches 50,000 documents
 * and every link asks.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "corpus.h"
#include "strtab.h"
#include "util.h"

#define AMBIGUOUS (-2)

struct corpus_index {
	strtab *by_id, *by_last, *by_title, *by_path;
	/* names that match several documents (by_last, by_title) */
	strtab *ambiguous_last, *ambiguous_title;
};
typedef struct corpus_index indexes;

/* Adds key -> val; a second, different val marks the key ambiguous. */
static void
put_multi(strtab *t, strtab *ambiguous, const char *key, long val)
{
	if (strtab_put(t, key, val) && strtab_get(t, key) != val)
		strtab_put(ambiguous, key, 1);
}

/* The value of a key of a table with an ambiguous set. */
static long
get_multi(const strtab *t, const strtab *ambiguous, const char *key)
{
	return strtab_get(ambiguous, key) >= 0 ? AMBIGUOUS : strtab_get(t, key);
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
	strtab *first;
	size_t i;

	first = strtab_new(c->ndocs);
	for (i = 0; i < c->ndocs; i++) {
		const document *d = c->docs[i];
		char *t;
		if (!d->title || !*d->title)
			continue;
		t = lower(d->title);
		if (strtab_put(first, t, (long)i))
			diag_report_sev(ds, SEV_WARNING, R_TITLE_DUPLICATE, d->path,
			    d->title_line > 0 ? d->title_line : 1, 0,
			    "title \"%s\" is also the title of %s", d->title,
			    c->docs[strtab_get(first, t)]->path);
		free(t);
	}
	strtab_free(first);
}

/* ---- sections ---- */

static int
cmp_section(const void *a, const void *b)
{
	return strcmp(((const corpus_section *)a)->path,
	    ((const corpus_section *)b)->path);
}

/* A folder's name as a title: "hr_benefits" -> "Hr benefits". */
static char *
folder_title(const char *path)
{
	const char *base = strrchr(path, '/');
	char *t = xstrdup(base ? base + 1 : path);
	for (char *q = t; *q; q++)
		if (*q == '-' || *q == '_')
			*q = ' ';
	if (t[0])
		t[0] = (char)toupper((unsigned char)t[0]);
	return t;
}

/* Is d the page of its folder (index.md, _index.md, README.md)? */
static int
is_folder_page(const document *d)
{
	static const char *const names[] = {
		"index.md", "_index.md", "README.md", "readme.md",
		"index.markdown", NULL
	};
	const char *base = strrchr(d->relpath, '/');
	base = base ? base + 1 : d->relpath;
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(base, names[i]))
			return 1;
	return 0;
}

/* Every folder holding documents, and its ancestors; titles and parents
 * as corpus_section says.  sections: keys that name no folder are
 * reported (config-invalid) with the nearest folder. */
static void
build_sections(corpus *c, diag_set *ds)
{
	const project *p = c->project;
	strtab *seen = strtab_new(16);
	size_t i, cap = 0;

	for (i = 0; i < c->ndocs; i++) {
		/* the section as the document has it (id rules applied), so
		 * back ends can look each document's section up */
		char *dir = xasprintf("%s/", c->docs[i]->section), *sl;
		while ((sl = strrchr(dir, '/')) != NULL) {
			*sl = '\0';
			if (!*dir || strtab_put(seen, dir, (long)c->nsections))
				continue;
			if (c->nsections == cap) {
				cap = cap ? cap * 2 : 16;
				c->sections = xrealloc(c->sections,
				    cap * sizeof *c->sections);
			}
			memset(&c->sections[c->nsections], 0,
			    sizeof *c->sections);
			c->sections[c->nsections].path = xstrdup(dir);
			c->sections[c->nsections++].index_doc = -1;
		}
		free(dir);
	}
	strtab_free(seen);
	if (c->nsections > 1)
		qsort(c->sections, c->nsections, sizeof *c->sections,
		    cmp_section);
	for (i = 0; i < c->ndocs; i++) {
		const document *d = c->docs[i];
		corpus_section *s;
		if (*d->section && is_folder_page(d) &&
		    (s = (corpus_section *)corpus_find_section(c, d->section)) &&
		    s->index_doc < 0)
			s->index_doc = (long)i;
	}
	for (i = 0; i < c->nsections; i++) {
		corpus_section *s = &c->sections[i];
		const yval *v = p && p->sections ? yval_get(p->sections, s->path) :
		    NULL;
		char *sl = strrchr(s->path, '/');
		if (v && yval_str(v) && *v->str)
			s->title = xstrdup(v->str);
		else if (s->index_doc >= 0)
			s->title = xstrdup(c->docs[s->index_doc]->title);
		else
			s->title = folder_title(s->path);
		s->parent = sl ? xstrndup(s->path, (size_t)(sl - s->path)) :
		    NULL;
	}
	if (p && p->sections) {
		const char **paths = xcalloc(c->nsections ? c->nsections : 1,
		    sizeof *paths);
		for (i = 0; i < c->nsections; i++)
			paths[i] = c->sections[i].path;
		for (i = 0; i < p->sections->n; i++) {
			const char *k = p->sections->keys[i], *near;
			if (corpus_find_section(c, k))
				continue;
			near = suggest(k, paths, c->nsections);
			diag_report(ds, R_CONFIG_INVALID, "policyc.yaml",
			    p->sections->key_lines[i], p->sections->key_cols[i],
			    "sections: '%s' is no folder of the content%s%s%s", k,
			    near ? " (did you mean '" : "", near ? near : "",
			    near ? "'?)" : "");
		}
		free(paths);
	}
}

const corpus_section *
corpus_find_section(const corpus *c, const char *path)
{
	size_t lo = 0, hi = c->nsections;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(c->sections[mid].path, path);
		if (!r)
			return &c->sections[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
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

	ix->by_id = strtab_new(n);
	for (i = 0; i < n; i++)
		docs[i]->index = i;

	for (i = 0; i < n; i++) {
		document *d = docs[i];
		long prev = strtab_get(ix->by_id, d->id);
		if (prev >= 0) {
			char *fresh;
			int k = 2;
			diag_report(ds, R_ID_DUPLICATE, d->path,
			    d->id_line ? d->id_line : 1, d->id_line ? d->id_col : 0,
			    "id '%s' is already used by %s", d->id,
			    docs[prev]->path);
			do {
				fresh = xasprintf("%s-%d", d->id, k++);
				if (strtab_get(ix->by_id, fresh) < 0)
					break;
				free(fresh);
			} while (1);
			free(d->id);
			d->id = fresh;
		}
		strtab_put(ix->by_id, d->id, (long)i);
	}
	/* ids may have changed: keep the array sorted, and index it anew
	 * (every id is unique now) */
	if (n > 1)
		qsort(docs, n, sizeof *docs, cmp_doc);
	strtab_free(ix->by_id);
	ix->by_id = strtab_new(n);
	ix->by_last = strtab_new(n);
	ix->by_title = strtab_new(n);
	ix->by_path = strtab_new(n);
	ix->ambiguous_last = strtab_new(0);
	ix->ambiguous_title = strtab_new(0);
	for (i = 0; i < n; i++) {
		document *d = docs[i];
		const char *last = strrchr(d->id, '/');
		char *t;
		strtab_put(ix->by_id, d->id, (long)i);
		put_multi(ix->by_last, ix->ambiguous_last,
		    last ? last + 1 : d->id, (long)i);
		t = lower(d->title);
		put_multi(ix->by_title, ix->ambiguous_title, t, (long)i);
		free(t);
		strtab_put(ix->by_path, d->relpath, (long)i);
	}
	report_title_duplicates(c, ds);
	build_sections(c, ds);
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
	strtab_free(c->left_out);
	strtab_free(ix->by_id);
	strtab_free(ix->by_last);
	strtab_free(ix->by_title);
	strtab_free(ix->by_path);
	strtab_free(ix->ambiguous_last);
	strtab_free(ix->ambiguous_title);
	free(ix);
	for (i = 0; i < c->npacks; i++)
		free(c->packs[i].docs);
	free(c->packs);
	for (i = 0; i < c->nsections; i++) {
		free(c->sections[i].path);
		free(c->sections[i].title);
		free(c->sections[i].parent);
	}
	free(c->sections);
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
	free(c->faces);
	free(c->link_faces);
	free(c->neigh);
	free(c->link_raw);
	free(c->link_raw_len);
	free(c);
}

long
corpus_find_id(const corpus *c, const char *id)
{
	return strtab_get(c->index->by_id, id);
}

long
corpus_find_path(const corpus *c, const char *relpath)
{
	return strtab_get(c->index->by_path, relpath);
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
	if ((r = strtab_get(ix->by_id, name)) >= 0)
		return r;
	r = get_multi(ix->by_last, ix->ambiguous_last, name);
	if (r == AMBIGUOUS) {
		if (candidates)
			*candidates = candidates_for(c, name, 0);
		return AMBIGUOUS;
	}
	if (r >= 0)
		return r;
	t = lower(name);
	r = get_multi(ix->by_title, ix->ambiguous_title, t);
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

int
corpus_left_out(const corpus *c, const char *name)
{
	char *t;
	int r;

	if (!c->left_out || !name || !*name)
		return 0;
	if (strtab_get(c->left_out, name) >= 0)
		return 1;
	t = lower(name);
	r = strtab_get(c->left_out, t) >= 0;
	free(t);
	return r;
}

int
corpus_tree_need(corpus *c, size_t i)
{
	document *d;
	int deferred;

	if (!c || i >= c->ndocs || !c->tree_make)
		return 0;
	d = c->docs[i];
	if (d->broken)
		return 0;
	if (d->root) {
		/* parsed, its links the build cache's: linked now, in
		 * place, and kept (incrlinks.c) */
		if (d->links_pending)
			c->tree_make(c->tree_ctx, i);
		return 0;
	}
	/* a body the load left to the cache (incrparse.c) is parsed now,
	 * and kept; a bounded build's is made for the caller to drop */
	deferred = d->tree_deferred;
	c->tree_make(c->tree_ctx, i);
	return !deferred && d->root != NULL;
}

void
corpus_tree_done(corpus *c, size_t i, int made)
{
	if (made && c && i < c->ndocs)
		document_drop_tree(c->docs[i]);
}

int
corpus_source_need(corpus *c, size_t i)
{
	document *d;

	if (!c || i >= c->ndocs || !c->source_read)
		return 0;
	d = c->docs[i];
	if (d->source || !d->source_dropped)
		return 0;
	c->source_read(c->tree_ctx, i);
	return d->source != NULL;
}

void
corpus_source_done(corpus *c, size_t i, int read)
{
	document *d;

	if (!read || !c || i >= c->ndocs)
		return;
	d = c->docs[i];
	if (!d->root) {    /* else it goes with the tree */
		free(d->source);
		d->source = NULL;
	}
}
