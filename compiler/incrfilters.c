/*
 * incrfilters.c — the Lua filters' share of the build cache
 * (incremental.h).  It sits inside pipeline_check: after the link pass
 * and before the filters, every document gets a key made of everything a
 * document-local filter can see of it (its source, its tree as the link
 * and glossary passes left it — link kinds, targets, anchors, generated
 * term links — its computed fields, and the filter files, policyc.yaml,
 * the glossary, the rule severities and today); a document whose key is
 * the one OUT's cache recorded skips the built-in filters marked
 * "-- policyc: document-local", and their findings for it are replayed
 * from the cache.  The built-ins marked "-- policyc: corpus-index"
 * (orphan: a corpus() that reads only the ids, the edges and each
 * document's status, title line and the like, never its title) get one
 * key of all of that
 * (index_key) and are replayed whole while it is the cache's.  Every
 * other filter that may look across documents (the project's own)
 * always runs over every document.  The findings are written with the
 * rest of the cache by incr_finish.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "corpus.h"
#include "document.h"
#include "filters.h"
#include "glossary.h"
#include "incremental.h"
#include "jobs.h"
#include "luamodel.h"
#include "rules.h"
#include "strtab.h"
#include "util.h"

struct incr_filters {
	pipeline *pl;
	size_t ndocs;
	char (*key)[33];          /* per document */
	unsigned char *skip;      /* per document: findings replayed */
	char **old;               /* per document: its cached findings
	                             ("fd" lines), when skipped */
	char **rec;               /* per document: findings to record */
	strtab *paths;            /* document path -> index */
	int ok;                   /* records may be written */
	/* the corpus-index filters (filters.h), replayed whole */
	char index_key[33];
	char *index_old;          /* their cached findings ("fx" lines),
	                             when the key is the cache's */
	char *index_rec;          /* their findings to record */
	int index_ok;
	/* each document's view (incr_filters_view) as the cache has it,
	 * by path: its source hash and view hash, kept while the link
	 * world is the cache's ("vw", "vh" lines) */
	strtab *views;
	char (*view_src)[33], (*view_hash)[33];
	unsigned char *view_linked;   /* per view: good only for a document
	                                 whose links the cache gave (its
	                                 names world is this build's, its
	                                 whole link world not) */
	size_t nviews;
	size_t views_kept;
};

/* A yval tree, with its positions (filters see meta lines). */
static void
hash_yval(incr_hash *h, const yval *v)
{
	size_t i;

	if (!v) {
		incr_hash_long(h, -1);
		return;
	}
	incr_hash_long(h, v->kind);
	incr_hash_long(h, v->line);
	incr_hash_long(h, v->col);
	incr_hash_long(h, v->quoted);
	incr_hash_str(h, v->str);
	incr_hash_long(h, (long)v->n);
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			incr_hash_str(h, v->keys[i]);
		hash_yval(h, v->items[i]);
	}
}

/* What every document-local filter sees besides the document. */
static void
world_key(pipeline *pl, diag_set *ds, char out[33])
{
	const project *p = pipeline_project(pl);
	corpus *c = pipeline_corpus(pl);
	incr_hash h;
	char bin[33], *t;
	int r;

	incr_hash_init(&h);
	incr_hash_str(&h, "filters 2");
	incr_binary_identity(bin);
	incr_hash_str(&h, bin);
	incr_hash_str(&h, c->today);
	/* the built-in filters the run uses (pipeline_options filters_dir,
	 * else the data folder's) */
	t = pipeline_options_of(pl)->filters_dir ?
	    xstrdup(pipeline_options_of(pl)->filters_dir) :
	    path_join(pipeline_data_dir(), "filters");
	incr_hash_tree(&h, t, "builtin");
	free(t);
	t = path_join(p->dir, "filters");
	incr_hash_tree(&h, t, "project");
	free(t);
	/* the registry of sources citations are judged against */
	t = path_join(pipeline_data_dir(), "data");
	incr_hash_tree(&h, t, "data");
	free(t);
	hash_yval(&h, p->config);
	t = path_join(p->dir, p->glossary_path ? p->glossary_path : "");
	incr_hash_file(&h, "glossary", t);
	free(t);
	for (r = 0; r < R__COUNT; r++)
		incr_hash_long(&h, diag_severity_of(ds, rule_get((enum rule_id)r)->id));
	incr_hash_hex(&h, out);
}

/* The tree as the passes left it: every node, and the link
 * information the link and glossary passes attached. */
static void
hash_tree_nodes(incr_hash *h, cmark_node *root)
{
	cmark_iter *it;
	cmark_event_type ev;

	if (!root)
		return;
	it = cmark_iter_new(root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		link_info *li;
		if (ev != CMARK_EVENT_ENTER) {
			incr_hash_long(h, -2);
			continue;
		}
		/* a word for the type, one for each end's line and column
		 * (the type's number is fixed for a binary and its
		 * cmark-gfm, and both are in the world key) */
		incr_hash_long(h, (long)cmark_node_get_type(n));
		incr_hash_str(h, cmark_node_get_literal(n));
		incr_hash_long(h, (long)((unsigned long)(unsigned)
		    cmark_node_get_start_line(n) << 32 |
		    (unsigned)cmark_node_get_start_column(n)));
		incr_hash_long(h, (long)((unsigned long)(unsigned)
		    cmark_node_get_end_line(n) << 32 |
		    (unsigned)cmark_node_get_end_column(n)));
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING:
			incr_hash_long(h, cmark_node_get_heading_level(n));
			break;
		case CMARK_NODE_CODE_BLOCK:
			incr_hash_str(h, cmark_node_get_fence_info(n));
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			incr_hash_str(h, cmark_node_get_url(n));
			incr_hash_str(h, cmark_node_get_title(n));
			li = cmark_node_get_user_data(n);
			if (!li)
				break;
			incr_hash_long(h, li->kind);
			incr_hash_str(h, li->target_id);
			incr_hash_str(h, li->anchor);
			incr_hash_str(h, li->term_slug);
			incr_hash_str(h, li->href);
			incr_hash_long(h, li->from_source);
			incr_hash_long(h, li->wiki);
			incr_hash_str(h, li->file);
			incr_hash_long(h, li->line);
			incr_hash_long(h, li->col);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

typedef struct {
	incr_filters *f;
	corpus *c;
	const char *world;
} key_ctx;

/* A document's place in the corpus's index: part of its own key, and
 * (without its title) all a corpus-index filter reads of it
 * (index_key). */
static void
hash_index_fields(incr_hash *h, const document *d, int title)
{
	incr_hash_str(h, d->path);
	incr_hash_str(h, d->relpath);
	incr_hash_str(h, d->id);
	incr_hash_str(h, d->section);
	if (title)
		incr_hash_str(h, d->title);
	incr_hash_long(h, d->title_line);
	incr_hash_str(h, d->type);
	incr_hash_str(h, d->status);
	incr_hash_long(h, d->status_kind);
}

/*
 * A document's view hash from OUT's cache, when it is that of the text
 * just read, linked in the same link world (prelink.h: everything the
 * link and glossary passes read across the project): its tree, as those
 * passes left it, is then the one hashed before, node for node.  The
 * tree is then neither walked nor settled for the filters here; those
 * that are given it settle it (filters_run_memo).
 */
static int
view_from_cache(incr_filters *f, document *d)
{
	long k;

	if (!f->views || d->view_hashed || !d->path)
		return 0;
	k = strtab_get(f->views, d->path);
	if (k < 0 || strcmp(f->view_src[k], d->source_hash) ||
	    (f->view_linked[k] && !d->links_kept))
		return 0;
	memcpy(d->view_hash, f->view_hash[k], 33);
	d->view_hashed = 1;
	return 1;
}

/*
 * The "vw WORLD NAMES" and "vh SOURCE VIEW PATH" lines of OUT's cache,
 * when WORLD is this build's link world; when only NAMES is this
 * build's names world (a title or heading changed somewhere), each
 * view is good for a document whose links the cache gave this build
 * (incrlinks.c: what its links read of the others is as it was, so its
 * linked tree is too).
 */
static void
read_views(incr_filters *f, const char *out)
{
	const char *world = pipeline_link_world(f->pl), *body, *end, *line;
	incr_cache_walk w;
	const char *names = pipeline_link_names(f->pl);
	int same = 0;

	if (!world || !*world ||
	    !(end = incr_cache_lines(out, f->pl, 1, &body)))
		return;
	for (line = incr_cache_walk_first(&w, f->pl, "v"); line;
	    line = incr_cache_walk_next(&w)) {
		if (!strncmp(line, "vw\t", 3)) {
			same = strlen(line) == 3 + 32 + 1 + 32 &&
			    line[3 + 32] == '\t' ? (!strncmp(line + 3, world,
			    32) ? 1 : *names && !strcmp(line + 3 + 33, names) ?
			    2 : 0) : 0;
			continue;
		}
		if (!same || strncmp(line, "vh\t", 3) || strlen(line) < 3 + 33 +
		    33 + 1 || line[3 + 32] != '\t' || line[3 + 65] != '\t')
			continue;
		if (!f->views)
			f->views = strtab_new(f->ndocs + 1);
		if (strtab_get(f->views, line + 3 + 66) >= 0)
			continue;
		f->view_src = xrealloc(f->view_src, (f->nviews + 1) *
		    sizeof *f->view_src);
		f->view_hash = xrealloc(f->view_hash, (f->nviews + 1) *
		    sizeof *f->view_hash);
		f->view_linked = xrealloc(f->view_linked, f->nviews + 1);
		memcpy(f->view_src[f->nviews], line + 3, 32);
		f->view_src[f->nviews][32] = '\0';
		memcpy(f->view_hash[f->nviews], line + 3 + 33, 32);
		f->view_hash[f->nviews][32] = '\0';
		f->view_linked[f->nviews] = same == 2;
		strtab_put(f->views, line + 3 + 66, (long)f->nviews);
		f->nviews++;
	}
}

/* The part of a document's key its text and tree make — the expensive
 * part: every node of the tree — once a document (incremental.h). */
void
incr_filters_view(document *d)
{
	incr_hash h;
	size_t j;

	if (d->view_hashed)
		return;
	incr_hash_init(&h);
	incr_hash_long(&h, (long)d->source_len);
	if (d->source)
		incr_hash_add(&h, d->source, d->source_len);
	hash_yval(&h, d->meta);
	for (j = 0; j < d->nheadings; j++) {
		incr_hash_long(&h, d->headings[j].level);
		incr_hash_str(&h, d->headings[j].text);
		incr_hash_str(&h, d->headings[j].slug);
		incr_hash_long(&h, d->headings[j].line);
	}
	for (j = 0; j < d->nterms; j++) {
		incr_hash_str(&h, d->terms[j].term_slug);
		incr_hash_long(&h, d->terms[j].line);
		incr_hash_long(&h, d->terms[j].col);
		incr_hash_long(&h, d->terms[j].kind);
	}
	incr_hash_long(&h, d->title_node != NULL);
	/* the filters' preparation of the tree, while it is at hand */
	luamodel_settle_document(d);
	hash_tree_nodes(&h, d->root);
	incr_hash_hex(&h, d->view_hash);
	d->view_hashed = 1;
}

static void
key_one(void *arg, size_t i, int worker)
{
	key_ctx *k = arg;
	document *d = k->c->docs[i];
	incr_hash h;
	int made = 0;

	(void)worker;
	incr_hash_init(&h);
	incr_hash_str(&h, k->world);
	hash_index_fields(&h, d, 1);
	incr_hash_long(&h, d->review_state);
	incr_hash_long(&h, d->review_days);
	incr_hash_str(&h, d->review);
	incr_hash_str(&h, d->approved);
	incr_hash_long(&h, d->broken);
	incr_hash_long(&h, d->body_line);
	incr_hash_long(&h, d->meta_line);
	(void)incr_text_hash(d);   /* what view_from_cache matches */
	if (view_from_cache(k->f, d)) {
		__atomic_add_fetch(&k->f->views_kept, 1, __ATOMIC_RELAXED);
	} else {
		/* a bounded build's tree, made for the key and dropped
		 * after; a tree made again is hashed again */
		if ((made = corpus_tree_need(k->c, i)))
			d->view_hashed = 0;
		incr_filters_view(d);
	}
	incr_hash_str(&h, d->view_hash);
	incr_hash_hex(&h, k->f->key[i]);
	corpus_tree_done(k->c, i, made);
}

/*
 * What a corpus-index filter reads: every document's place, id, path,
 * section, title line (not its title), type and status, every edge of
 * the graph, and what every filter sees (world).  A body edit that
 * keeps the links, or a retitled document, leaves it as it was, and the
 * orphan filter's child is not forked.
 */
static void
index_key(const corpus *c, const char *world, char out[33])
{
	incr_hash h;
	size_t i;

	incr_hash_init(&h);
	incr_hash_str(&h, "corpus-index 1");
	incr_hash_str(&h, world);
	incr_hash_long(&h, (long)c->ndocs);
	for (i = 0; i < c->ndocs; i++) {
		/* not the title: a corpus-index filter reads where it is
		 * written (title_line), never what it says, so retitling a
		 * document does not run them again */
		hash_index_fields(&h, c->docs[i], 0);
		incr_hash_long(&h, c->docs[i]->broken);
	}
	/* nor an edge's line: they read what links to what, not where
	 * the link is written, so a paragraph added above a link does not
	 * run them again */
	incr_hash_long(&h, (long)c->nedges);
	for (i = 0; i < c->nedges; i++) {
		const edge *e = &c->edges[i];
		incr_hash_long(&h, (long)e->from);
		incr_hash_long(&h, (long)e->to);
		incr_hash_long(&h, e->kind);
		incr_hash_str(&h, e->note);
	}
	incr_hash_hex(&h, out);
}

void
incr_put_numbers(buf *b, const char *tag, const long long *v, size_t n)
{
	size_t k;

	buf_puts(b, tag);
	for (k = 0; k < n; k++) {
		buf_putc(b, '\t');
		buf_put_long(b, v[k]);
	}
}

int
incr_get_numbers(const char **s, long long *v, size_t n)
{
	const char *p = *s;
	size_t k;

	/* by hand, not strtoll: a rebuild reads some 120,000 of them, and
	 * strtoll's locale and base handling were most of their cost */
	for (k = 0; k < n; k++) {
		if (!(p = parse_decimal(p, &v[k])) || (*p && *p != '\t') ||
		    (!*p && k + 1 < n))
			return 0;
		if (*p)
			p++;
	}
	*s = p;
	return 1;
}

/* "TAG SEV LINE COL RULE [PATH] MESSAGE", the message escaped: the
 * filters' "fd" (no path) and "fx" lines, and the link and body
 * records' "lf" and "pf" (incrlinks.c, incrparse.c). */
void
incr_put_finding(buf *b, const char *tag, const diagnostic *g,
    const char *path)
{
	incr_put_numbers(b, tag, (long long[]){ (int)g->sev, g->line,
	    g->col }, 3);
	buf_putc(b, '\t');
	buf_puts(b, g->rule);
	buf_putc(b, '\t');
	if (path) {
		buf_puts(b, path);
		buf_putc(b, '\t');
	}
	buf_put_escaped(b, g->message);
	buf_putc(b, '\n');
}

static void
put_finding_of(buf *b, const diagnostic *g, const char *path)
{
	incr_put_finding(b, path ? "fx" : "fd", g, path);
}

static void
put_finding(buf *b, const diagnostic *g)
{
	put_finding_of(b, g, NULL);
}

int
incr_get_finding(char *line, const char *tag, const char *path,
    diag_set *ds)
{
	char *f[7], *s = line;
	int k, nf = path ? 6 : 7;

	for (k = 0; k < nf; k++) {
		f[k] = s;
		if (k < nf - 1) {
			if (!(s = strchr(s, '\t')))
				return 0;
			*s++ = '\0';
		}
	}
	if (strcmp(f[0], tag) || !*f[4])
		return 0;
	if (!path) {
		path = f[5];
		f[5] = f[6];
	}
	str_unescape(f[5]);
	diag_report_named(ds, atoi(f[1]), f[4], path, atoi(f[2]), atoi(f[3]),
	    "%s", f[5]);
	return 1;
}

/* Replays one "fd" line for document path into ds, or one "fx" line
 * (path NULL: the line names it); 0 on a bad line. */
static int
get_finding(char *line, const char *path, diag_set *ds)
{
	return incr_get_finding(line, path ? "fd" : "fx", path, ds);
}

/* The "flt KEY PATH" records of OUT's cache and their findings. */
static void
read_old(incr_filters *f, const char *out)
{
	corpus *c = pipeline_corpus(f->pl);
	const char *body, *end, *line;
	incr_cache_walk w;
	const strtab *paths = f->paths;
	long cur = -1;
	size_t i;
	buf acc;

	if (!(end = incr_cache_lines(out, f->pl, 1, &body)))
		return;
	buf_init(&acc);
	for (line = incr_cache_walk_first(&w, f->pl, "f"); line;
	    line = incr_cache_walk_next(&w)) {
		if (!strncmp(line, "fix\t", 4)) {
			/* the corpus-index filters' findings follow */
			if (!strcmp(line + 4, f->index_key) && !f->index_old) {
				const char *x;
				buf fx;
				buf_init(&fx);
				buf_puts(&fx, "");
				for (x = INCR_NEXT_LINE(line); x < end &&
				    !strncmp(x, "fx\t", 3); x = INCR_NEXT_LINE(x)) {
					buf_puts(&fx, x);
					buf_putc(&fx, '\n');
				}
				f->index_old = buf_detach(&fx);
			}
		}
		if (!strncmp(line, "flt\t", 4) || strncmp(line, "fd\t", 3)) {
			if (cur >= 0)
				f->old[cur] = buf_detach(&acc);
			buf_init(&acc);
			cur = -1;
		}
		if (!strncmp(line, "flt\t", 4) && strlen(line) > 4 + 33 &&
		    line[4 + 32] == '\t') {
			long k = strtab_get(paths, line + 4 + 33);
			if (k >= 0 && !memcmp(line + 4, f->key[k], 32) &&
			    !f->old[k]) {
				cur = k;
				buf_puts(&acc, "");
			}
		} else if (cur >= 0 && !strncmp(line, "fd\t", 3)) {
			buf_puts(&acc, line);
			buf_putc(&acc, '\n');
		}
	}
	if (cur >= 0)
		f->old[cur] = buf_detach(&acc);
	buf_free(&acc);
	for (i = 0; i < c->ndocs; i++)
		f->skip[i] = f->old[i] != NULL;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of s in byte order (the filters run side by side, so their
 * reports arrive in any order; the cache must not depend on it).
 * Returns a new string; frees s. */
static char *
sorted_lines(char *s)
{
	char **v = NULL, *line, *next;
	size_t n = 0, i;
	buf b;

	for (line = s; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = line;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_line);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		buf_puts(&b, v[i]);
		buf_putc(&b, '\n');
	}
	free(v);
	free(s);
	return buf_detach(&b);
}

/* 1 when the lines of s are in byte order already (as a record this
 * code wrote is): it is then recorded again as it is. */
static int
lines_sorted(const char *s)
{
	const char *prev = NULL, *line, *next;

	for (line = s; *line; line = next + 1) {
		if (!(next = strchr(line, '\n')))
			return 0;
		if (prev) {
			/* compare the two lines up to their newlines, so
			 * "a\tb" before "a" is out of order as strcmp has it */
			size_t n1 = (size_t)(line - 1 - prev), n2 =
			    (size_t)(next - line);
			int d = memcmp(prev, line, n1 < n2 ? n1 : n2);
			if (d > 0 || (d == 0 && n1 > n2))
				return 0;
		}
		prev = line;
	}
	return 1;
}

incr_filters *
incr_filters_begin(pipeline *pl, const char *out)
{
	corpus *c = pipeline_corpus(pl);
	incr_filters *f;
	key_ctx k;
	char world[33];

	if (!c || !out)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->pl = pl;
	f->ndocs = c->ndocs;
	f->key = xcalloc(c->ndocs + 1, sizeof *f->key);
	f->skip = xcalloc(c->ndocs + 1, 1);
	f->old = xcalloc(c->ndocs + 1, sizeof *f->old);
	f->rec = xcalloc(c->ndocs + 1, sizeof *f->rec);
	f->paths = strtab_new(c->ndocs + 1);
	for (size_t i = 0; i < c->ndocs; i++)
		strtab_put(f->paths, c->docs[i]->path, (long)i);
	world_key(pl, pipeline_diags(pl), world);
	if (!pipeline_options_of(pl)->cache_fresh)
		read_views(f, out);
	k.f = f;
	k.c = c;
	k.world = world;
	jobs_run(c->ndocs, pipeline_jobs(pl), key_one, &k);
	index_key(c, world, f->index_key);
	if (!pipeline_options_of(pl)->cache_fresh)
		read_old(f, out);
	return f;
}

const char *
incr_filters_key(const incr_filters *f, size_t i)
{
	return f && i < f->ndocs ? f->key[i] : "";
}

const unsigned char *
incr_filters_skip(const incr_filters *f)
{
	return f ? f->skip : NULL;
}

int
incr_filters_index_replay(const incr_filters *f)
{
	return f && f->index_old != NULL;
}

/* The corpus-index filters' findings: replayed into ds when they did
 * not run, and recorded either way (unless one is not about a document,
 * a filter-error say: then they run again next time). */
static void
index_end(incr_filters *f, const filters_memo *m, diag_set *ds,
    const strtab *paths)
{
	corpus *c = pipeline_corpus(f->pl);
	buf acc;
	size_t i;

	buf_init(&acc);
	buf_puts(&acc, "");
	f->index_ok = 1;
	if (m->index_replay && f->index_old) {
		diag_set *tmp = diag_new();
		char *copy = xstrdup(f->index_old), *line, *next;

		for (line = copy; *line; line = next) {
			next = strchr(line, '\n');
			*next++ = '\0';
			if (!get_finding(line, NULL, tmp))
				f->index_ok = 0;
		}
		free(copy);
		/* a cache line that cannot be read: what was replayed is
		 * dropped, and nothing is recorded (the next build runs them) */
		if (f->index_ok) {
			diag_merge(ds, tmp);
			buf_puts(&acc, f->index_old);
		}
		diag_free(tmp);
	} else {
		for (i = m->index_first; i < m->index_end; i++) {
			const diagnostic *g = diag_at(ds, i);
			if (strtab_get(paths, g->file) < 0 ||
			    strpbrk(g->file, "\t\n\r") ||
			    !strcmp(g->rule, "filter-error")) {
				f->index_ok = 0;
				break;
			}
			put_finding_of(&acc, g, g->file);
		}
	}
	(void)c;
	f->index_rec = sorted_lines(buf_detach(&acc));
}

int
incr_filters_end(incr_filters *f, const filters_memo *m, diag_set *ds)
{
	corpus *c;
	const strtab *paths;
	diag_set *tmp;
	size_t i;
	buf *acc, scratch;

	if (!f)
		return 1;
	c = pipeline_corpus(f->pl);
	paths = f->paths;
	if (!m->only_local)
		index_end(f, m, ds, paths);
	acc = xcalloc(c->ndocs + 1, sizeof *acc);
	for (i = 0; i < c->ndocs; i++)
		buf_init(&acc[i]);
	f->ok = 1;
	for (i = m->local_first; i < m->local_end; i++) {
		const diagnostic *g = diag_at(ds, i);
		long k = strtab_get(paths, g->file);
		if (k < 0 || !strcmp(g->rule, "filter-error"))
			f->ok = 0;   /* about a filter, not a document */
		else
			put_finding(&acc[k], g);
	}
	if (f->ok) {
		/* the skipped documents' findings, as they were: read from
		 * a copy (reading splits the lines), and recorded again as
		 * they are when nothing else joined them (most of a
		 * rebuild's thousands of findings) */
		tmp = diag_new();
		buf_init(&scratch);
		for (i = 0; i < c->ndocs; i++) {
			char *line, *next;
			if (!f->skip[i] || !f->old[i])
				continue;
			scratch.len = 0;
			buf_puts(&scratch, f->old[i]);
			for (line = scratch.data; *line; line = next) {
				next = strchr(line, '\n');
				*next++ = '\0';
				if (!get_finding(line, c->docs[i]->path, tmp))
					f->ok = 0;
			}
			if (acc[i].len == 0 && lines_sorted(f->old[i])) {
				f->rec[i] = f->old[i];
				f->old[i] = NULL;
			} else
				buf_puts(&acc[i], f->old[i]);
		}
		buf_free(&scratch);
		if (f->ok)
			diag_merge(ds, tmp);
		diag_free(tmp);
	}
	for (i = 0; i < c->ndocs; i++) {
		if (!f->rec[i])
			f->rec[i] = sorted_lines(buf_detach(&acc[i]));
		else
			buf_free(&acc[i]);
		free(f->old[i]);
		f->old[i] = NULL;
	}
	free(acc);
	return f->ok;
}

void
incr_filters_write(const incr_filters *f, incr_out *o)
{
	buf *b = &o->b;
	corpus *c;
	size_t i;

	if (!f)
		return;
	c = pipeline_corpus(f->pl);
	if (*pipeline_link_world(f->pl)) {
		buf_printf(b, "vw\t%s\t%s\n", pipeline_link_world(f->pl),
		    pipeline_link_names(f->pl));
		for (i = 0; i < c->ndocs; i++) {
			const document *d = c->docs[i];
			if (!d->view_hashed || !d->source_hash[0] ||
			    strpbrk(d->path, "\t\n\r"))
				continue;
			buf_printf(b, "vh\t%s\t%s\t%s\n", d->source_hash,
			    d->view_hash, d->path);
			incr_out_room(o);
		}
	}
	if (f->index_ok && f->index_rec) {
		buf_printf(b, "fix\t%s\n", f->index_key);
		buf_puts(b, f->index_rec);
		incr_out_room(o);
	}
	if (!f->ok)
		return;
	c = pipeline_corpus(f->pl);
	for (i = 0; i < f->ndocs && i < c->ndocs; i++) {
		if (strpbrk(c->docs[i]->path, "\t\n\r"))
			continue;
		buf_printf(b, "flt\t%s\t%s\n", f->key[i], c->docs[i]->path);
		if (f->rec[i])
			buf_puts(b, f->rec[i]);
		incr_out_room(o);
	}
}

void
incr_filters_free(incr_filters *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->ndocs; i++) {
		free(f->old[i]);
		free(f->rec[i]);
	}
	free(f->old);
	free(f->rec);
	strtab_free(f->paths);
	free(f->index_old);
	free(f->index_rec);
	strtab_free(f->views);
	free(f->view_linked);
	free(f->view_src);
	free(f->view_hash);
	free(f->key);
	free(f->skip);
	free(f);
}
