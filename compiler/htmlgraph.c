/*
 * htmlgraph.c — draws the related-policies graph DESIGN.md promises the
 * site: for each document page a small SVG of its neighbours in the
 * corpus graph — the documents it links to, lists as related or is
 * superseded by, and those that link to it or list it — grafted into the
 * page's tree by html.c before document.xsl runs and copied into the page
 * as inline SVG.  It needs no script and no style attribute (classes,
 * styled by style.css, so the Content-Security-Policy holds); it is one
 * picture with a text alternative (its <title> names every neighbour),
 * and the page's own lists stay the way to follow the links.  The layout
 * is a vertical tree (documents that point here, this document, documents
 * it points to) so that it stays legible at 320 px.  It judges nothing:
 * every id and title comes from the XML the pipeline made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htmlgraph.h"
#include "meta.h"
#include "strtab.h"
#include "util.h"
#include "xmlread.h"

#define SVG_NS "http://www.w3.org/2000/svg"
#define GRAPH_MAX 14         /* neighbours drawn; the rest are counted */
#define TITLE_MAX 40         /* characters of a title in a node */
#define W 360                /* viewBox width */
#define ROW 50               /* height of a node's row */

struct htmlgraph {
	strtab *ids;             /* document id -> index */
	char **titles, **statuses, **sections;
	size_t n;
};

htmlgraph *
htmlgraph_new(xmlDocPtr corpus)
{
	htmlgraph *g = xcalloc(1, sizeof *g);
	xmlNodePtr docs = xmlread_child(xmlDocGetRootElement(corpus),
	    "documents"), d;
	size_t n = 0;

	for (d = docs ? docs->children : NULL; d; d = d->next)
		n += xmlread_is(d, "doc");
	g->ids = strtab_new(n);
	g->titles = xcalloc(n + 1, sizeof *g->titles);
	g->statuses = xcalloc(n + 1, sizeof *g->statuses);
	g->sections = xcalloc(n + 1, sizeof *g->sections);
	for (d = docs ? docs->children : NULL; d; d = d->next) {
		char *id;
		if (!xmlread_is(d, "doc"))
			continue;
		id = xmlread_attr_or(d, "id", "");
		if (strtab_put(g->ids, id, (long)g->n) == 0) {
			g->titles[g->n] = xmlread_attr_or(d, "title", id);
			g->statuses[g->n] = xmlread_attr_or(d, "status", "");
			g->sections[g->n] = xmlread_attr_or(d, "section", "");
			g->n++;
		}
		free(id);
	}
	return g;
}

void
htmlgraph_free(htmlgraph *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->titles[i]);
		free(g->statuses[i]);
		free(g->sections[i]);
	}
	free(g->titles);
	free(g->statuses);
	free(g->sections);
	strtab_free(g->ids);
	free(g);
}

/* One neighbour: a document index and how it is joined to this one. */
typedef struct {
	long doc;
	int in;                  /* it points here (else this points there) */
	const char *kind;        /* "related", "link", "superseded-by" */
} nb;

typedef struct {
	nb list[GRAPH_MAX];
	size_t n, more;
} nbs;

static void
add(const htmlgraph *g, nbs *s, const char *id, int in, const char *kind)
{
	long k = id ? strtab_get(g->ids, id) : -1;
	size_t i;

	if (k < 0)
		return;
	for (i = 0; i < s->n; i++)
		if (s->list[i].doc == k && s->list[i].in == in)
			return;     /* the first (strongest) kind wins */
	if (s->n == GRAPH_MAX) {
		s->more++;
		return;
	}
	s->list[s->n++] = (nb){ k, in, kind };
}

/* Body links to other documents, anywhere in the body. */
static void
links_out(const htmlgraph *g, nbs *s, xmlNodePtr n, const char *self)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlread_is(n, "link")) {
			char *kind = xmlread_attr_or(n, "kind", "");
			char *ref = xmlread_attr(n, "ref");
			if (strcmp(kind, "doc") == 0 && ref && strcmp(ref, self))
				add(g, s, ref, 0, "link");
			free(kind);
			free(ref);
		}
		links_out(g, s, n->children, self);
	}
}

/* A title cut to TITLE_MAX characters (UTF-8 aware) with an ellipsis. */
static char *
shorten(const char *t)
{
	size_t chars = 0, i = 0;

	for (; t[i]; i++) {
		if (((unsigned char)t[i] & 0xC0) != 0x80 && ++chars > TITLE_MAX)
			return xasprintf("%.*s\xE2\x80\xA6", (int)i, t);
	}
	return xstrdup(t);
}

static xmlNodePtr
el(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *cls)
{
	xmlNodePtr x = xmlNewChild(parent, ns, BAD_CAST name, NULL);
	if (cls)
		xmlSetProp(x, BAD_CAST "class", BAD_CAST cls);
	return x;
}

static void
num(xmlNodePtr x, const char *attr, long v)
{
	char b[32];
	snprintf(b, sizeof b, "%ld", v);
	xmlSetProp(x, BAD_CAST attr, BAD_CAST b);
}

static void
text(xmlNodePtr parent, xmlNsPtr ns, long x, long y, const char *cls,
    const char *s)
{
	xmlNodePtr t = el(parent, ns, "text", cls);
	num(t, "x", x);
	num(t, "y", y);
	xmlNodeAddContent(t, BAD_CAST s);
}

/* A superseded or withdrawn document: drawn as old. */
static int
is_old(const char *status)
{
	enum doc_status s = meta_status_parse(status);
	return s == STATUS_SUPERSEDED || s == STATUS_WITHDRAWN;
}

static const char *
kind_words(const nb *b, const char *status)
{
	int old = is_old(status);
	if (strcmp(b->kind, "superseded-by") == 0)
		return b->in ? "Superseded by this" : "Replaced by";
	if (strcmp(b->kind, "related") == 0)
		return old ? "Related (superseded)" : "Related";
	if (b->in)
		return old ? "Links here (superseded)" : "Links here";
	return old ? "Linked from here (superseded)" : "Linked from here";
}

/* One node at row y: a box, its kind line and its title, joined to the
 * spine at x = 14. */
static void
node(const htmlgraph *g, xmlNodePtr svg, xmlNsPtr ns, const nb *b, long y)
{
	const char *st = g->statuses[b->doc];
	char *cls = xasprintf("graph__node graph__node--%s%s", b->kind,
	    is_old(st) ?
	    " graph__node--old" : "");
	char *t = shorten(g->titles[b->doc]);
	xmlNodePtr r, l;

	l = el(svg, ns, "path", "graph__edge");
	{
		char d[64];
		snprintf(d, sizeof d, "M14 %ld H34", y + 21);
		xmlSetProp(l, BAD_CAST "d", BAD_CAST d);
	}
	r = el(svg, ns, "rect", cls);
	num(r, "x", 34);
	num(r, "y", y);
	num(r, "width", W - 36);
	num(r, "height", 42);
	num(r, "rx", 4);
	text(svg, ns, 44, y + 16, "graph__kind", kind_words(b, st));
	text(svg, ns, 44, y + 33, "graph__title", t);
	free(t);
	free(cls);
}

/* A document's neighbours: what supersedes it, related documents both
 * ways, those that link here and those its body links to. */
static void
gather(const htmlgraph *g, nbs *s, xmlNodePtr root, xmlNodePtr meta,
    const char *self)
{
	xmlNodePtr x;
	char *sup;

	memset(s, 0, sizeof *s);
	sup = xmlread_attr(xmlread_child(meta, "superseded-by"), "ref");
	add(g, s, sup, 0, "superseded-by");
	free(sup);
	for (x = xmlread_child(xmlread_child(root, "related"), "ref"); x;
	    x = xmlread_next(x, "ref")) {
		char *ref = xmlread_attr(x, "ref");
		char *dir = xmlread_attr_or(x, "direction", "out");
		add(g, s, ref, strcmp(dir, "in") == 0, "related");
		free(ref);
		free(dir);
	}
	for (x = xmlread_child(xmlread_child(root, "referenced-by"), "ref");
	    x; x = xmlread_next(x, "ref")) {
		char *ref = xmlread_attr(x, "ref");
		add(g, s, ref, 1, "link");
		free(ref);
	}
	links_out(g, s, xmlread_child(root, "body") ?
	    xmlread_child(root, "body")->children : NULL, self);
}

/* The text alternative: every neighbour and how it is joined. */
static void
add_alternative(const htmlgraph *g, const nbs *s, xmlNodePtr svg,
    xmlNsPtr ns, const char *title)
{
	xmlNodePtr tl;
	char *alt;
	size_t i;
	buf a;

	buf_init(&a);
	buf_puts(&a, "");
	for (i = 0; i < s->n; i++) {
		const nb *b = &s->list[i];
		buf_puts(&a, i ? "; " : ": ");
		buf_puts(&a, kind_words(b, g->statuses[b->doc]));
		buf_puts(&a, " \xE2\x80\x93 ");
		buf_puts(&a, g->titles[b->doc]);
	}
	alt = xasprintf("How %s connects to %zu other document%s%s%s", title,
	    s->n + s->more, s->n + s->more == 1 ? "" : "s", a.data,
	    s->more ? "; and more" : "");
	tl = el(svg, ns, "title", NULL);
	xmlSetProp(tl, BAD_CAST "id", BAD_CAST "pc-graph-t");
	xmlNodeAddContent(tl, BAD_CAST alt);
	free(alt);
	buf_free(&a);
}

xmlNodePtr
htmlgraph_document(const htmlgraph *g, xmlNodePtr root)
{
	nbs s;
	xmlNodePtr meta = xmlread_child(root, "meta"), x, graph, svg, r;
	xmlNsPtr ns;
	char *self = xmlread_attr_or(root, "id", "");
	char *title;
	size_t i, nin = 0, k;
	long y, h, selfy;

	gather(g, &s, root, meta, self);
	if (s.n == 0) {
		free(self);
		return NULL;
	}
	for (i = 0; i < s.n; i++)
		nin += s.list[i].in;

	graph = xmlNewNode(NULL, BAD_CAST "graph");
	svg = xmlNewChild(graph, NULL, BAD_CAST "svg", NULL);
	ns = xmlNewNs(svg, BAD_CAST SVG_NS, NULL);
	xmlSetNs(svg, ns);
	h = (long)(s.n + 1) * ROW + (s.more ? 24 : 0) + 8;
	{
		char vb[64];
		snprintf(vb, sizeof vb, "0 0 %d %ld", W, h);
		xmlSetProp(svg, BAD_CAST "viewBox", BAD_CAST vb);
	}
	num(svg, "width", W);
	num(svg, "height", h);
	xmlSetProp(svg, BAD_CAST "class", BAD_CAST "graph");
	xmlSetProp(svg, BAD_CAST "role", BAD_CAST "img");
	xmlSetProp(svg, BAD_CAST "aria-labelledby", BAD_CAST "pc-graph-t");
	xmlSetProp(svg, BAD_CAST "focusable", BAD_CAST "false");

	title = xmlread_text_or(xmlread_child(meta, "title"), self);
	add_alternative(g, &s, svg, ns, title);

	/* the spine, then: those pointing here, this one, those it points to */
	selfy = (long)nin * ROW + 4;
	x = el(svg, ns, "path", "graph__spine");
	{
		char d[64];
		snprintf(d, sizeof d, "M14 25 V%ld", (long)s.n * ROW + 25);
		xmlSetProp(x, BAD_CAST "d", BAD_CAST d);
	}
	y = 4;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < s.n; i++)
			if (s.list[i].in == (k == 0)) {
				node(g, svg, ns, &s.list[i], y);
				y += ROW;
			}
		if (k == 0) {
			char *t = shorten(title);
			r = el(svg, ns, "rect", "graph__self");
			num(r, "x", 4);
			num(r, "y", selfy);
			num(r, "width", W - 6);
			num(r, "height", 42);
			num(r, "rx", 4);
			text(svg, ns, 14, selfy + 16, "graph__kind graph__kind--self",
			    "This document");
			text(svg, ns, 14, selfy + 33, "graph__title graph__title--self", t);
			free(t);
			y += ROW;
		}
	}
	if (s.more) {
		char *m = xasprintf("and %zu more (see the lists on this page)",
		    s.more);
		text(svg, ns, 34, y + 14, "graph__kind", m);
		free(m);
	}
	free(title);
	free(self);
	return graph;
}

/* ---- a section's graph ---------------------------------------------- */

#define SECTION_MAX 24       /* documents a section's drawing can hold */
#define ARC_X 84             /* where the arcs meet the documents' dots */
#define SROW 30

typedef struct {
	long from, to;
	const char *kind;
} sedge;

typedef struct {
	char *path;
	sedge *e;
	size_t n, cap;
} sgroup;

/* An arc diagram: the section's documents one a row, each link or
 * related pair an arc on the left between their rows.  Legible at any
 * width, and nothing crosses the titles. */
static xmlNodePtr
section_svg(const htmlgraph *g, const sgroup *sg)
{
	long rows[SECTION_MAX], row_of_n = 0;
	size_t i, k;
	xmlNodePtr graph, svg, tl;
	xmlNsPtr ns;
	long h;
	buf a;
	char *alt;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->sections[i], sg->path) == 0) {
			if (row_of_n == SECTION_MAX)
				return NULL;     /* too many to draw legibly */
			rows[row_of_n++] = (long)i;
		}
	graph = xmlNewNode(NULL, BAD_CAST "graph");
	xmlSetProp(graph, BAD_CAST "path", BAD_CAST sg->path);
	svg = xmlNewChild(graph, NULL, BAD_CAST "svg", NULL);
	ns = xmlNewNs(svg, BAD_CAST SVG_NS, NULL);
	xmlSetNs(svg, ns);
	h = row_of_n * SROW + 10;
	{
		char vb[64];
		snprintf(vb, sizeof vb, "0 0 %d %ld", W, h);
		xmlSetProp(svg, BAD_CAST "viewBox", BAD_CAST vb);
	}
	num(svg, "width", W);
	num(svg, "height", h);
	xmlSetProp(svg, BAD_CAST "class", BAD_CAST "graph graph--section");
	xmlSetProp(svg, BAD_CAST "role", BAD_CAST "img");
	xmlSetProp(svg, BAD_CAST "focusable", BAD_CAST "false");
	tl = el(svg, ns, "title", NULL);
	buf_init(&a);
	buf_puts(&a, "How the documents of this section refer to each other");
	for (k = 0; k < sg->n && k < 40; k++) {
		buf_puts(&a, k ? "; " : ": ");
		buf_puts(&a, g->titles[sg->e[k].from]);
		buf_puts(&a, strcmp(sg->e[k].kind, "link") == 0 ? " links to " :
		    strcmp(sg->e[k].kind, "related") == 0 ? " lists as related " :
		    " is superseded by ");
		buf_puts(&a, g->titles[sg->e[k].to]);
	}
	alt = xasprintf("%s%s", a.data, sg->n > 40 ? "; and more" : "");
	xmlNodeAddContent(tl, BAD_CAST alt);
	free(alt);
	buf_free(&a);
	for (k = 0; k < sg->n; k++) {
		long y1 = -1, y2 = -1, t;
		char d[128], *cls;
		xmlNodePtr p;
		for (i = 0; i < (size_t)row_of_n; i++) {
			if (rows[i] == sg->e[k].from)
				y1 = (long)i * SROW + 20;
			if (rows[i] == sg->e[k].to)
				y2 = (long)i * SROW + 20;
		}
		if (y1 < 0 || y2 < 0 || y1 == y2)
			continue;
		if (y1 > y2) {
			t = y1; y1 = y2; y2 = t;
		}
		t = (y2 - y1) / 2;
		snprintf(d, sizeof d, "M%d %ld A%ld %ld 0 0 0 %d %ld", ARC_X, y1,
		    t < ARC_X - 6 ? t : ARC_X - 6, t, ARC_X, y2);
		cls = xasprintf("graph__arc graph__arc--%s", sg->e[k].kind);
		p = el(svg, ns, "path", cls);
		xmlSetProp(p, BAD_CAST "d", BAD_CAST d);
		free(cls);
	}
	for (i = 0; i < (size_t)row_of_n; i++) {
		long y = (long)i * SROW + 20;
		const char *st = g->statuses[rows[i]];
		int old = is_old(st);
		char *t = shorten(g->titles[rows[i]]);
		xmlNodePtr c = el(svg, ns, "circle", old ? "graph__dot graph__dot--old" : "graph__dot");
		num(c, "cx", ARC_X);
		num(c, "cy", y);
		num(c, "r", 4);
		text(svg, ns, ARC_X + 10, y + 4, old ? "graph__label graph__label--old" : "graph__label", t);
		free(t);
	}
	return graph;
}

typedef struct {
	strtab *idx;
	sgroup *groups;
	size_t ng, capg;
} sgroups;

/* An edge of corpus.xml's graph: kept when both ends are in one section. */
static void
section_edge(const htmlgraph *g, sgroups *sg, const char *f, const char *t,
    const char *kind)
{
	long a = strtab_get(g->ids, f), b = strtab_get(g->ids, t), s;

	if (a < 0 || b < 0 || a == b || !*g->sections[a] ||
	    strcmp(g->sections[a], g->sections[b]) != 0)
		return;
	s = strtab_get(sg->idx, g->sections[a]);
	if (s < 0) {
		if (sg->ng == sg->capg) {
			sg->capg = sg->capg ? sg->capg * 2 : 8;
			sg->groups = xrealloc(sg->groups,
			    sg->capg * sizeof *sg->groups);
		}
		memset(&sg->groups[sg->ng], 0, sizeof sg->groups[sg->ng]);
		sg->groups[sg->ng].path = g->sections[a];
		strtab_put(sg->idx, g->sections[a], (long)sg->ng);
		s = (long)sg->ng++;
	}
	if (sg->groups[s].n == sg->groups[s].cap) {
		sg->groups[s].cap = sg->groups[s].cap ? sg->groups[s].cap * 2 : 8;
		sg->groups[s].e = xrealloc(sg->groups[s].e,
		    sg->groups[s].cap * sizeof *sg->groups[s].e);
	}
	sg->groups[s].e[sg->groups[s].n++] = (sedge){ a, b,
	    !strcmp(kind, "related") ? "related" :
	    !strcmp(kind, "superseded-by") ? "superseded-by" : "link" };
}

xmlNodePtr
htmlgraph_sections(const htmlgraph *g, xmlDocPtr corpus,
    int (*edge)(void *ctx, size_t k, const char **from, const char **to,
    const char **kind), void *edge_ctx)
{
	xmlNodePtr gr = xmlread_child(xmlread_child(xmlDocGetRootElement(corpus),
	    "graph"), "edge"), out;
	sgroups sg;
	const char *ef, *et, *ek;
	size_t i;

	memset(&sg, 0, sizeof sg);
	sg.idx = strtab_new(16);
	/* a lean corpus.xml tree (xmlout.h) has its graph as data */
	for (i = 0; edge && edge(edge_ctx, i, &ef, &et, &ek); i++)
		section_edge(g, &sg, ef, et, ek);
	for (; !edge && gr; gr = xmlread_next(gr, "edge")) {
		char *f = xmlread_attr_or(gr, "from", ""), *t = xmlread_attr_or(gr, "to", "");
		char *kind = xmlread_attr_or(gr, "kind", "link");
		section_edge(g, &sg, f, t, kind);
		free(f);
		free(t);
		free(kind);
	}
	out = xmlNewNode(NULL, BAD_CAST "section-graphs");
	for (i = 0; i < sg.ng; i++) {
		xmlNodePtr one = section_svg(g, &sg.groups[i]);
		if (one)
			xmlAddChild(out, one);
		free(sg.groups[i].e);
	}
	free(sg.groups);
	strtab_free(sg.idx);
	return out;
}
