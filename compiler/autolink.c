/*
 * autolink.c — term auto-linking, the third step of the link pass
 * (links.c) for each document, after [[wiki]] links and every written
 * link are resolved.  A walk of the cmark tree gathers "events" in order:
 * runs of consecutive text and soft-break siblings outside links, images,
 * headings and code, and the explicit term links written by the author
 * (which count as the first use of their term).  Each run is joined into
 * one string so a term broken over a line still matches, given to the
 * glossary matcher (termmatch.c through glossary_find), and rebuilt with
 * link nodes (from_source = 0) around the matches the glossary-links mode
 * keeps.  Every match is recorded as a term use, linked or not.  Nothing
 * inside a link is ever linked again: a term link is never nested in a
 * link (the walk counts every ENTER/EXIT of a blocking node, empty ones
 * included).
 */
#include <stdlib.h>
#include <string.h>

#include "autolink.h"
#include "glossary.h"
#include "util.h"

/* A run of consecutive text/softbreak siblings, or an explicit term link. */
typedef struct {
	cmark_node *first, *last;  /* run; NULL for an explicit link */
	long entry;                /* explicit link's entry */
} event;

typedef struct {
	cmark_node *node;
	size_t start, end;    /* bytes in the joined run */
	int line, col;
	int is_break;
} seg;

/* One run being linked. */
typedef struct {
	buf text;             /* the run's text joined */
	seg *sg; size_t nseg;
	glossary_match *m; size_t nm;
} run;

/* Joins the text of the run first..last into r->text, one segment per
 * node, with each segment's source position. */
static void
join_run(run *r, cmark_node *first, cmark_node *last)
{
	size_t cap = 8;
	int line = 0, col = 0;
	buf_init(&r->text);
	r->nseg = 0;
	r->sg = xmalloc(cap * sizeof *r->sg);
	for (cmark_node *n = first;; n = cmark_node_next(n)) {
		if (r->nseg == cap) {
			cap *= 2;
			r->sg = xrealloc(r->sg, cap * sizeof *r->sg);
		}
		seg *s = &r->sg[r->nseg++];
		s->node = n;
		s->start = r->text.len;
		s->is_break = cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK;
		if (s->is_break) {
			buf_putc(&r->text, '\n');
			line++;
			col = 1;
		} else {
			buf_puts(&r->text, cmark_node_get_literal(n));
			if (cmark_node_get_start_line(n) > 0) {
				line = cmark_node_get_start_line(n);
				col = cmark_node_get_start_column(n);
			}
		}
		s->line = line;
		s->col = col;
		s->end = r->text.len;
		if (n == last)
			break;
	}
}

/* Finds the terms of the run, records every use, and keeps in r->m only
 * the matches to link (all, or each entry's first in the document). */
static void
pick_matches(run *r, document *d, const glossary *g,
    glossary_links_mode mode, unsigned char *linked)
{
	r->nm = r->text.data ? glossary_find(g, r->text.data, r->text.len,
	    &r->m) : 0;
	size_t nl = 0;
	for (size_t i = 0, si = 0; i < r->nm; i++) {
		while (si + 1 < r->nseg && r->sg[si].end <= r->m[i].start)
			si++;
		const glossary_entry *ge = glossary_at(g, r->m[i].entry);
		int ul = r->sg[si].line, uc = r->sg[si].col +
		    (int)(r->m[i].start - r->sg[si].start);
		document_add_term_use(d, ge->slug, ul, uc, 0);
		if (!glossary_may_autolink(g, &r->m[i], r->text.data))
			continue;   /* a use, not linked (glossary link:) */
		if (mode == GLINKS_ALL ||
		    (mode == GLINKS_FIRST && !linked[r->m[i].entry])) {
			linked[r->m[i].entry] = 1;
			r->m[nl++] = r->m[i];
		}
	}
	r->nm = nl;
}

/* A term link node around text[start..end) of the run. */
static cmark_node *
term_link_node(const glossary_entry *ge, const run *r, size_t start,
    size_t end, int line, int col)
{
	cmark_node *lk = cmark_node_new(CMARK_NODE_LINK);
	size_t sl = strlen(ge->slug);
	char *u = xmalloc(sl + 10);
	memcpy(u, "glossary:", 9);
	memcpy(u + 9, ge->slug, sl + 1);
	cmark_node_set_url(lk, u);
	link_info *li = document_link_info(lk);
	li->kind = LINK_TERM;
	li->from_source = 0;
	li->term_slug = xstrdup(ge->slug);
	li->href = u;
	li->line = line;
	li->col = col;
	char *t = xstrndup(r->text.data + start, end - start);
	for (char *p = t; *p; p++)
		if (*p == '\n')
			*p = ' ';
	cmark_node *tx = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(tx, t);
	free(t);
	cmark_node_append_child(lk, tx);
	return lk;
}

/* Where rebuilt nodes go: before `anchor`, or at the end of `parent`. */
typedef struct {
	cmark_node *parent, *anchor;
} place;

static void
emit(const place *p, cmark_node *node)
{
	if (p->anchor)
		cmark_node_insert_before(p->anchor, node);
	else
		cmark_node_append_child(p->parent, node);
}

/* Replaces the run's nodes by text pieces and term links, reusing the
 * original nodes where a piece starts a segment. */
static void
rebuild_run(run *r, const glossary *g)
{
	place pl = { cmark_node_parent(r->sg[0].node),
	    cmark_node_next(r->sg[r->nseg - 1].node) };
	for (size_t i = 0; i < r->nseg; i++)
		cmark_node_unlink(r->sg[i].node);
	unsigned char *reused = xcalloc(r->nseg, 1);
	size_t mi = 0;
	const glossary_match *m = r->m;
	for (size_t si = 0; si < r->nseg; si++) {
		const seg *s = &r->sg[si];
		size_t pos = s->start;
		while (pos < s->end) {
			if (mi < r->nm && m[mi].start <= pos) {
				if (m[mi].start == pos)
					emit(&pl, term_link_node(glossary_at(g,
					    m[mi].entry), r, m[mi].start,
					    m[mi].end, s->line,
					    s->col + (int)(pos - s->start)));
				if (m[mi].end <= s->end) {
					pos = m[mi].end;
					mi++;
				} else
					pos = s->end;
				continue;
			}
			size_t next = mi < r->nm && m[mi].start < s->end ?
			    m[mi].start : s->end;
			if (s->is_break) {
				reused[si] = 1;
				emit(&pl, s->node);
			} else {
				char *piece = xstrndup(r->text.data + pos,
				    next - pos);
				cmark_node *tx;
				if (pos == s->start) {
					tx = s->node;
					reused[si] = 1;
				} else
					tx = cmark_node_new(CMARK_NODE_TEXT);
				cmark_node_set_literal(tx, piece);
				free(piece);
				emit(&pl, tx);
			}
			pos = next;
		}
	}
	for (size_t i = 0; i < r->nseg; i++)
		if (!reused[i])
			cmark_node_free(r->sg[i].node);
	free(reused);
}

static void
link_run(corpus *c, size_t di, cmark_node *first, cmark_node *last,
    unsigned char *linked)
{
	const glossary *g = c->glossary;
	glossary_links_mode mode = c->project ? c->project->glossary_links :
	    GLINKS_FIRST;
	run r;
	memset(&r, 0, sizeof r);
	join_run(&r, first, last);
	pick_matches(&r, c->docs[di], g, mode, linked);
	if (r.nm > 0)
		rebuild_run(&r, g);
	free(r.m);
	free(r.sg);
	buf_free(&r.text);
}

/* Nodes whose text is never auto-linked. */
static int
blocks_terms(cmark_node_type t)
{
	return t == CMARK_NODE_HEADING || t == CMARK_NODE_LINK ||
	    t == CMARK_NODE_IMAGE || t == CMARK_NODE_CODE_BLOCK ||
	    t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_CUSTOM_BLOCK ||
	    t == CMARK_NODE_CUSTOM_INLINE;
}

/* cmark gives no EXIT event for leaves (code blocks, raw HTML). */
static int
is_leaf(cmark_node_type t)
{
	return t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_BLOCK ||
	    t == CMARK_NODE_THEMATIC_BREAK || t == CMARK_NODE_TEXT ||
	    t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK ||
	    t == CMARK_NODE_CODE || t == CMARK_NODE_HTML_INLINE;
}

typedef struct {
	event *v; size_t n, cap;
} event_vec;

static event *
event_push(event_vec *ev)
{
	if (ev->n == ev->cap) {
		ev->cap = ev->cap ? ev->cap * 2 : 32;
		ev->v = xrealloc(ev->v, ev->cap * sizeof *ev->v);
	}
	return &ev->v[ev->n++];
}

/* The events of a document in order: text runs outside blocking nodes,
 * and explicit term links (outside other blocking nodes). */
static void
gather_events(const glossary *g, cmark_node *root, event_vec *ev)
{
	int blocked = 0;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type e;
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (blocks_terms(t)) {
			if (e == CMARK_EVENT_ENTER && t == CMARK_NODE_LINK &&
			    !blocked) {
				link_info *li = cmark_node_get_user_data(n);
				if (li && li->kind == LINK_TERM && li->term_slug) {
					event *x = event_push(ev);
					x->first = x->last = NULL;
					x->entry = glossary_find_slug(g,
					    li->term_slug);
				}
			}
			/* every ENTER of a container has its EXIT, even
			 * when it has no children ("![](x.png)") */
			if (!is_leaf(t))
				blocked += e == CMARK_EVENT_ENTER ? 1 : -1;
			continue;
		}
		if (blocked || e != CMARK_EVENT_ENTER)
			continue;
		if (t != CMARK_NODE_TEXT && t != CMARK_NODE_SOFTBREAK)
			continue;
		if (ev->n && ev->v[ev->n - 1].first &&
		    cmark_node_next(ev->v[ev->n - 1].last) == n) {
			ev->v[ev->n - 1].last = n;
			continue;
		}
		if (t == CMARK_NODE_SOFTBREAK)
			continue;   /* a run starts with text */
		event *x = event_push(ev);
		x->first = x->last = n;
		x->entry = -1;
	}
	cmark_iter_free(it);
}

void
autolink_document(corpus *c, size_t di)
{
	document *d = c->docs[di];
	const glossary *g = c->glossary;
	if (!d->root || !g || glossary_count(g) == 0)
		return;
	event_vec ev = { 0 };
	gather_events(g, d->root, &ev);
	unsigned char *linked = xcalloc(glossary_count(g), 1);
	for (size_t i = 0; i < ev.n; i++) {
		if (!ev.v[i].first) {
			if (ev.v[i].entry >= 0)
				linked[ev.v[i].entry] = 1;
			continue;
		}
		link_run(c, di, ev.v[i].first, ev.v[i].last, linked);
	}
	free(linked);
	free(ev.v);
}
