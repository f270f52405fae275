/*
 * htmlbody.c — a document page's body as HTML, in C (htmlbody.h).
 *
 * templates/html/body.xsl stays the definition: each function below is
 * one of its templates in mode "body", as that template behaves on a
 * site page ($pc-site true), written against the same XML and making the
 * same result nodes in the same order (attributes too), so the
 * serialiser writes the same bytes.  The XPath functions the templates
 * lean on are spelt out where they are used: normalize-space (XML white
 * space trimmed and each run one space), substring (counted in
 * characters, not bytes), string values (xmlNodeGetContent).  Whatever
 * this file does not know — an element body.xsl has no template for, a
 * nesting deeper than MAX_DEPTH — htmlbody_known refuses, and the
 * templates render that body as before.
 *
 * Why: on 1,000 generated documents the body's templates were a quarter
 * of the whole build's CPU (matching, XPath, result tree fragments for
 * every paragraph, link and term), for a fixed mapping of elements to
 * elements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/parserInternals.h>   /* xmlStringTextNoenc */
#include <libxml/tree.h>
#include <libxslt/xsltInternals.h>

#include "htmlbody.h"
#include "util.h"

#define MAX_DEPTH 200   /* deeper bodies are the templates' (their limits) */

/* ---- reading the XML ------------------------------------------------- */

static int named(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The value of attribute name (no namespace), or NULL when absent.  The
 * model's attributes are one text each; any other shape is read whole
 * into *spare (freed by the caller). */
static const char *attr(xmlNodePtr n, const char *name, xmlChar **spare)
{
	xmlAttrPtr a;

	*spare = NULL;
	for (a = n->properties; a; a = a->next) {
		if (a->ns != NULL || strcmp((const char *)a->name, name) != 0)
			continue;
		if (a->children == NULL)
			return "";
		if (a->children->type == XML_TEXT_NODE &&
		    a->children->next == NULL)
			return a->children->content ?
			    (const char *)a->children->content : "";
		*spare = xmlNodeListGetString(n->doc, a->children, 1);
		return *spare ? (const char *)*spare : "";
	}
	return NULL;
}

/* string(@name): "" when absent. */
static const char *sattr(xmlNodePtr n, const char *name, xmlChar **spare)
{
	const char *v = attr(n, name, spare);

	return v ? v : "";
}

static int xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* normalize-space(s), newly allocated. */
char *htmlbody_normalize(const char *s)
{
	size_t n = strlen(s), k = 0;
	char *o = xmalloc(n + 1);
	int space = 0;

	for (; *s; s++) {
		if (xml_space((unsigned char)*s)) {
			space = k > 0;
			continue;
		}
		if (space)
			o[k++] = ' ';
		space = 0;
		o[k++] = *s;
	}
	o[k] = '\0';
	return o;
}

/* substring(s, 1, n): s cut after n characters (in place). */
static void cut_chars(char *s, long n)
{
	long chars = 0;
	char *p;

	for (p = s; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80 && chars++ == n) {
			*p = '\0';
			return;
		}
}

/* normalize-space(string(n)), newly allocated; "" for no node. */
static char *norm_value(xmlNodePtr n)
{
	xmlChar *v;
	char *r;

	if (n == NULL)
		return xstrdup("");
	v = xmlNodeGetContent(n);
	r = htmlbody_normalize(v ? (const char *)v : "");
	xmlFree(v);
	return r;
}

static xmlNodePtr first_named(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* ---- a run ----------------------------------------------------------- */

/* A key of the page's own XML: the elements a key() of body.xsl finds by
 * their attribute, in document order. */
typedef struct {
	xmlNodePtr *v;
	size_t n, cap;
} node_list;

typedef struct {
	xsltTransformContextPtr ctxt;
	const htmlbody_fns *fns;
	xmlDocPtr out;
	const char *root;         /* $pc-root */
	xmlHashTablePtr terms;    /* key('pc-term', ref): node_list */
	xmlHashTablePtr notes;    /* key('pc-footnote', label): the node */
	int in_link;              /* link or term elements above */
} run;

static void free_list(void *p, const xmlChar *name)
{
	node_list *l = p;

	(void)name;
	free(l->v);
	free(l);
}

/* The keys of body.xsl over the page's XML: /document/terms/term by @ref
 * and /document/footnotes/footnote by @label. */
static void make_keys(run *r, xmlDocPtr doc)
{
	xmlNodePtr top = xmlDocGetRootElement(doc), g, c;
	xmlChar *spare;

	r->terms = xmlHashCreate(32);
	r->notes = xmlHashCreate(8);
	if (!named(top, "document"))
		return;
	for (g = top->children; g; g = g->next) {
		int terms = named(g, "terms"), notes = named(g, "footnotes");

		if (!terms && !notes)
			continue;
		for (c = g->children; c; c = c->next) {
			const char *k;

			if (terms && named(c, "term") &&
			    (k = attr(c, "ref", &spare)) != NULL) {
				node_list *l = xmlHashLookup(r->terms,
				    (const xmlChar *)k);
				if (l == NULL) {
					l = xcalloc(1, sizeof *l);
					xmlHashAddEntry(r->terms,
					    (const xmlChar *)k, l);
				}
				if (l->n == l->cap) {
					l->cap = l->cap ? 2 * l->cap : 2;
					l->v = xrealloc(l->v,
					    l->cap * sizeof *l->v);
				}
				l->v[l->n++] = c;
			} else if (notes && named(c, "footnote") &&
			    (k = attr(c, "label", &spare)) != NULL)
				(void)xmlHashAddEntry(r->notes,
				    (const xmlChar *)k, c);
			xmlFree(spare);
		}
	}
}

/* ---- writing the result ------------------------------------------------ */

static xmlNodePtr el(run *r, xmlNodePtr parent, const char *name)
{
	xmlNodePtr e = xmlNewDocNode(r->out, NULL, (const xmlChar *)name, NULL);

	return xmlAddChild(parent, e);
}

static void at(xmlNodePtr e, const char *name, const char *value)
{
	xmlNewProp(e, (const xmlChar *)name, (const xmlChar *)value);
}

/* A text node (xsl:value-of and xsl:text make none for ""). */
static void text(run *r, xmlNodePtr parent, const char *s)
{
	if (s && *s)
		xmlAddChild(parent, xmlNewDocText(r->out, (const xmlChar *)s));
}

/* disable-output-escaping="yes" */
static void raw_text(run *r, xmlNodePtr parent, const char *s)
{
	xmlNodePtr t;

	if (s == NULL || *s == '\0')
		return;
	t = xmlNewDocText(r->out, (const xmlChar *)s);
	t->name = xmlStringTextNoenc;
	xmlAddChild(parent, t);
}

static void nl(run *r, xmlNodePtr parent)   /* pc-nl */
{
	text(r, parent, "\n");
}

/* xsl:value-of select="." */
static void value_of(run *r, xmlNodePtr parent, xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);

	text(r, parent, (const char *)v);
	xmlFree(v);
}

static void apply(run *r, xmlNodePtr n, xmlNodePtr out);

static void children(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next)
		apply(r, c, out);
}

/* ---- blocks -------------------------------------------------------- */

static void local_text(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlNodePtr div = el(r, out, "div"), p, c;
	xmlChar *spare;

	at(div, "class", "local-text");
	p = el(r, div, "p");
	at(p, "class", "local-text__label");
	text(r, p, "Local procedure \xe2\x80\x94 ");
	text(r, p, sattr(n, "edition", &spare));
	xmlFree(spare);
	for (c = n->children; c; c = c->next)   /* select="*" */
		if (c->type == XML_ELEMENT_NODE)
			apply(r, c, div);
	nl(r, out);
}

static void heading(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *spare, *spare2;
	char *name = xasprintf("h%s", sattr(n, "level", &spare));
	const char *id = attr(n, "id", &spare2);
	xmlNodePtr h = el(r, out, name);

	if (id && *id)
		at(h, "id", id);
	xmlFree(spare);
	xmlFree(spare2);
	free(name);
	children(r, n, h);
	nl(r, out);
}

static void para(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *spare = NULL;
	const char *tight = NULL;

	if (named(n->parent, "item") && n->parent->parent &&
	    n->parent->parent->type == XML_ELEMENT_NODE)
		tight = attr(n->parent->parent, "tight", &spare);
	if (tight && strcmp(tight, "true") == 0)
		children(r, n, out);
	else {
		children(r, n, el(r, out, "p"));
		nl(r, out);
	}
	xmlFree(spare);
}

static void blockquote(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlNodePtr q = el(r, out, "blockquote");

	nl(r, q);
	children(r, n, q);
	nl(r, out);
}

static void list(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *spare, *spare2;
	const char *type = attr(n, "type", &spare);
	xmlNodePtr l, c;

	if (type && strcmp(type, "ordered") == 0) {
		const char *start = attr(n, "start", &spare2);

		l = el(r, out, "ol");
		if (start && strcmp(start, "1") != 0)
			at(l, "start", start);
		xmlFree(spare2);
	} else
		l = el(r, out, "ul");
	xmlFree(spare);
	nl(r, l);
	for (c = n->children; c; c = c->next)   /* select="item" */
		if (named(c, "item"))
			apply(r, c, l);
	nl(r, out);
}

static void item(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlNodePtr li = el(r, out, "li");
	xmlChar *spare;
	const char *task = attr(n, "task", &spare);

	if (task) {
		xmlNodePtr in = el(r, li, "input");
		char *label = norm_value(first_named(n, "para"));

		at(in, "type", "checkbox");
		at(in, "disabled", "");
		cut_chars(label, 120);
		at(in, "aria-label", label);
		free(label);
		if (strcmp(task, "checked") == 0)
			at(in, "checked", "");
		text(r, li, " ");
	}
	xmlFree(spare);
	children(r, n, li);
	nl(r, out);
}

static void codeblock(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *spare;
	char *raw = xstrdup(sattr(n, "info", &spare)), *info, *p;
	xmlNodePtr pre = el(r, out, "pre"), code = el(r, pre, "code");

	xmlFree(spare);
	for (p = raw; *p; p++)   /* translate(@info, '&#9;', ' ') */
		if (*p == '\t')
			*p = ' ';
	info = htmlbody_normalize(raw);
	if (*info) {
		char *cls;

		if ((p = strchr(raw, ' ')) != NULL)
			*p = '\0';
		cls = xasprintf("language-%s", raw);
		at(code, "class", cls);
		free(cls);
	}
	free(info);
	free(raw);
	value_of(r, code, n);
	nl(r, out);
}

static void htmlblock(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *spare, *v = xmlNodeGetContent(n);
	const char *allowed = attr(n, "allowed", &spare), *s = v ?
	    (const char *)v : "";

	if (allowed && strcmp(allowed, "true") == 0) {
		char *f = r->fns->tagfilter(s);
		size_t len = strlen(s);

		raw_text(r, out, f);
		free(f);
		if (len == 0 || s[len - 1] != '\n')
			nl(r, out);
	} else {
		xmlNodePtr pre = el(r, out, "pre"), code;

		at(pre, "class", "raw-html");
		code = el(r, pre, "code");
		text(r, code, s);
		nl(r, out);
	}
	xmlFree(spare);
	xmlFree(v);
}

static void row(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlNodePtr tr = el(r, out, "tr"), c;

	nl(r, tr);
	for (c = n->children; c; c = c->next)   /* select="cell" */
		if (named(c, "cell"))
			apply(r, c, tr);
	nl(r, out);
}

static int header_row(xmlNodePtr row)
{
	xmlChar *spare;
	const char *h = attr(row, "header", &spare);
	int yes = h && strcmp(h, "true") == 0;

	xmlFree(spare);
	return yes;
}

static void cell(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *spare;
	xmlNodePtr c = el(r, out, n->parent && n->parent->type ==
	    XML_ELEMENT_NODE && header_row(n->parent) ? "th" : "td");
	const char *align = attr(n, "align", &spare);

	if (align)
		at(c, "align", align);
	xmlFree(spare);
	children(r, n, c);
	nl(r, out);
}

static void table(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlNodePtr wrap = el(r, out, "div"), t, first = first_named(n, "row");
	xmlNodePtr c, rows, group;
	char *label = norm_value(first), *s;
	long cols = 0, i;
	int head = 0, rest = 0;

	at(wrap, "class", "table-wrap");
	at(wrap, "tabindex", "0");
	at(wrap, "role", "region");
	cut_chars(label, 80);
	s = xasprintf("Table: %s", label);
	at(wrap, "aria-label", s);
	free(s);
	free(label);

	/* mode pc-table */
	t = el(r, wrap, "table");
	for (c = first ? first->children : NULL; c; c = c->next)
		cols += named(c, "cell");
	s = xasprintf("fit cols-%ld", cols);
	at(t, "class", s);
	free(s);
	if (cols > 1) {
		group = el(r, t, "colgroup");
		for (i = 1; i <= cols; i++) {
			xmlNodePtr col = el(r, group, "col");
			char *w = r->fns->col_width(r->ctxt, n, i);

			at(col, "width", w);
			free(w);
		}
	}
	nl(r, t);
	for (c = n->children; c; c = c->next)
		if (named(c, "row")) {
			if (header_row(c))
				head = 1;
			else
				rest = 1;
		}
	if (head) {
		rows = el(r, t, "thead");
		nl(r, rows);
		for (c = n->children; c; c = c->next)
			if (named(c, "row") && header_row(c))
				apply(r, c, rows);
		nl(r, t);
	}
	if (rest) {
		rows = el(r, t, "tbody");
		nl(r, rows);
		for (c = n->children; c; c = c->next)
			if (named(c, "row") && !header_row(c))
				apply(r, c, rows);
		nl(r, t);
	}
	nl(r, wrap);
	nl(r, out);
}

/* ---- inlines ------------------------------------------------------- */

static void wrap_in(run *r, xmlNodePtr n, xmlNodePtr out, const char *tag,
    const char *cls)
{
	xmlNodePtr e = el(r, out, tag);

	if (cls)
		at(e, "class", cls);
	children(r, n, e);
}

/* pc-active-url: a script, file or data: URL however it is spelt. */
static int active_url(const char *u)
{
	char s[64];
	size_t k = 0;
	long chars = 0;

	/* translate($u, tab nl cr space, ''), its first 16 characters,
	 * lower-cased (ASCII) */
	for (; *u && k < sizeof s - 1; u++) {
		unsigned char c = (unsigned char)*u;

		if (c == '\t' || c == '\n' || c == '\r' || c == ' ')
			continue;
		if ((c & 0xC0) != 0x80 && chars++ == 16)
			break;
		s[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	s[k] = '\0';
	return !strncmp(s, "javascript:", 11) || !strncmp(s, "vbscript:", 9) ||
	    !strncmp(s, "file:", 5) || (!strncmp(s, "data:", 5) &&
	    strncmp(s, "data:image/", 11) != 0);
}

/* .//image[normalize-space(@alt) != ''] */
static int named_image_below(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (named(c, "image")) {
			xmlChar *spare;
			char *alt = htmlbody_normalize(sattr(c, "alt", &spare));
			int yes = *alt != '\0';

			free(alt);
			xmlFree(spare);
			if (yes)
				return 1;
		}
		if (named_image_below(c))
			return 1;
	}
	return 0;
}

static void live_link(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *sp[6];
	const char *kind = attr(n, "kind", &sp[0]);
	const char *asset = sattr(n, "asset", &sp[1]);
	const char *title = sattr(n, "title", &sp[2]);
	const char *ref = sattr(n, "ref", &sp[3]);
	const char *href = sattr(n, "href", &sp[4]);
	const char *anchor = attr(n, "anchor", &sp[5]);
	xmlNodePtr a = el(r, out, "a");
	char *h, *v;
	int i;

	if (kind && strcmp(kind, "asset") == 0 && *asset)
		h = xasprintf("%s%s", r->root, asset);
	else if (kind && strcmp(kind, "doc") == 0) {
		if (anchor && *anchor) {
			char *e = r->fns->href(anchor);
			h = xasprintf("%s%s.html#%s", r->root, ref, e);
			free(e);
		} else
			h = xasprintf("%s%s.html", r->root, ref);
	} else
		h = r->fns->href(href);
	at(a, "href", h);
	free(h);
	if (*title)
		at(a, "title", title);
	v = norm_value(n);
	if (*v == '\0' && !named_image_below(n))
		at(a, "aria-label", *title ? title : kind &&
		    strcmp(kind, "doc") == 0 ? ref : href);
	free(v);
	for (i = 0; i < 6; i++)
		xmlFree(sp[i]);
	children(r, n, a);
}

static void link(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *sp[3] = { NULL, NULL, NULL };
	const char *kind = attr(n, "kind", &sp[0]);
	const char *asset = sattr(n, "asset", &sp[1]);

	if (kind && (!strcmp(kind, "broken") || !strcmp(kind, "placeholder") ||
	    !strcmp(kind, "unsafe")))
		wrap_in(r, n, out, "span", "link-unresolved");
	else if (kind && !strcmp(kind, "asset") && *asset == '\0')
		wrap_in(r, n, out, "span", "link-unresolved");
	else if (kind == NULL || !strcmp(kind, "doc") ||
	    !strcmp(kind, "anchor"))
		live_link(r, n, out);
	else if (active_url(sattr(n, "href", &sp[2])))
		wrap_in(r, n, out, "span", "link-unresolved");
	else
		live_link(r, n, out);
	xmlFree(sp[0]);
	xmlFree(sp[1]);
	xmlFree(sp[2]);
}

/* pc-term-text */
static void term_text(run *r, xmlNodePtr n, xmlNodePtr out, node_list *t)
{
	xmlChar *v = NULL;
	const char *name = NULL;
	int abbr = 0;
	size_t i;

	for (i = 0; t && i < t->n; i++) {
		xmlChar *spare;
		const char *a = attr(t->v[i], "abbr", &spare);

		if (a) {
			if (v == NULL)
				v = xmlNodeGetContent(n);
			if (strcmp(a, v ? (const char *)v : "") == 0)
				abbr = 1;
		}
		xmlFree(spare);
	}
	xmlFree(v);
	if (abbr) {
		xmlChar *spare = NULL;
		xmlNodePtr e = el(r, out, "abbr");

		/* {$t/@name}: the first in document order that has one */
		for (i = 0; i < t->n && name == NULL; i++) {
			xmlFree(spare);
			name = attr(t->v[i], "name", &spare);
		}
		at(e, "title", name ? name : "");
		xmlFree(spare);
		children(r, n, e);
	} else
		children(r, n, out);
}

static void term(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *sp[2];
	const char *ref = attr(n, "ref", &sp[0]);
	const char *title = sattr(n, "title", &sp[1]);
	node_list *t = ref ? xmlHashLookup(r->terms, (const xmlChar *)ref) :
	    NULL;
	char *def = NULL, *h;
	size_t i;
	xmlNodePtr a;

	/* key('pc-entry', @ref) reads /corpus/glossary, never in a page's
	 * own XML */
	if (t == NULL || t->n == 0) {
		wrap_in(r, n, out, "span", "link-unresolved");
		goto done;
	}
	/* normalize-space($t/definition): the first in document order */
	for (i = 0; i < t->n && def == NULL; i++) {
		xmlNodePtr d = first_named(t->v[i], "definition");
		if (d)
			def = norm_value(d);
	}
	if (def == NULL)
		def = xstrdup("");
	h = xasprintf("%sglossary.html#%s", r->root, ref);
	a = el(r, out, "a");
	at(a, "class", "term");
	at(a, "href", h);
	free(h);
	if (*title == '\0' && *def != '\0')
		at(a, "title", def);
	else {
		char *nt = htmlbody_normalize(title);
		if (*nt)
			at(a, "title", nt);
		free(nt);
	}
	free(def);
	term_text(r, n, a, t);
done:
	xmlFree(sp[0]);
	xmlFree(sp[1]);
}

static void image(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *sp[5];
	const char *kind = attr(n, "kind", &sp[0]);
	const char *alt = sattr(n, "alt", &sp[1]);
	const char *src = sattr(n, "src", &sp[2]);
	const char *asset = sattr(n, "asset", &sp[3]);
	const char *title = sattr(n, "title", &sp[4]);
	int is_asset = kind && strcmp(kind, "asset") == 0;
	int i;

	if ((kind && (!strcmp(kind, "missing") || !strcmp(kind, "unsafe"))) ||
	    (active_url(src) && !is_asset)) {
		xmlNodePtr s = el(r, out, "span");
		at(s, "class", "image-unresolved");
		text(r, s, alt);
	} else {
		xmlNodePtr img = el(r, out, "img");
		char *u = is_asset ? xasprintf("%s%s", r->root, asset) :
		    r->fns->href(src);

		at(img, "src", u);
		at(img, "alt", alt);
		free(u);
		if (*title)
			at(img, "title", title);
	}
	for (i = 0; i < 5; i++)
		xmlFree(sp[i]);
}

static void footnote_ref(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *sp[2];
	const char *label = attr(n, "label", &sp[0]);
	const char *num = sattr(n, "n", &sp[1]);
	long k = (long)r->fns->ref_index(r->ctxt, n) - 1;
	xmlNodePtr sup = el(r, out, "sup");

	at(sup, "class", "footnote-ref");
	if (label == NULL ||
	    xmlHashLookup(r->notes, (const xmlChar *)label) == NULL)
		text(r, sup, num);   /* no definition: nothing to link to */
	else {
		xmlNodePtr a = el(r, sup, "a");
		char *s = xasprintf("#fn-%s", num);

		at(a, "href", s);
		free(s);
		at(a, "data-footnote-ref", "");
		s = k > 0 ? xasprintf("fnref-%s-%ld", num, k + 1) :
		    xasprintf("fnref-%s", num);
		at(a, "id", s);
		free(s);
		text(r, a, num);
	}
	xmlFree(sp[0]);
	xmlFree(sp[1]);
}

static void html_inline(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlChar *spare, *v = xmlNodeGetContent(n);
	const char *allowed = attr(n, "allowed", &spare);

	if (allowed && strcmp(allowed, "true") == 0) {
		char *f = r->fns->tagfilter(v ? (const char *)v : "");
		raw_text(r, out, f);
		free(f);
	} else {
		xmlNodePtr c = el(r, out, "code");
		at(c, "class", "raw-html");
		text(r, c, (const char *)v);
	}
	xmlFree(spare);
	xmlFree(v);
}

/* ---- dispatch ---------------------------------------------------------- */

/* The parents whose text children body.xsl drops. */
static int drops_text(xmlNodePtr p)
{
	static const char *const names[] = { "body", "section", "blockquote",
	    "list", "item", "table", "row", "footnotes", "footnote",
	    "definition", NULL };
	size_t i;

	if (p == NULL || p->type != XML_ELEMENT_NODE || p->ns != NULL)
		return 0;
	for (i = 0; names[i]; i++)
		if (strcmp((const char *)p->name, names[i]) == 0)
			return 1;
	return 0;
}

static void element(run *r, xmlNodePtr n, xmlNodePtr out)
{
	const char *name = (const char *)n->name;
	int nests = named(n, "link") || named(n, "term");

	if (n->ns != NULL) {
		children(r, n, out);   /* the built-in template */
		return;
	}
	if (nests && r->in_link > 0) {
		/* link//term | link//link | term//link | term//term */
		r->in_link++;
		children(r, n, out);
		r->in_link--;
		return;
	}
	r->in_link += nests;
	if (!strcmp(name, "para"))
		para(r, n, out);
	else if (!strcmp(name, "term"))
		term(r, n, out);
	else if (!strcmp(name, "link"))
		link(r, n, out);
	else if (!strcmp(name, "emph"))
		wrap_in(r, n, out, "em", NULL);
	else if (!strcmp(name, "strong"))
		wrap_in(r, n, out, "strong", NULL);
	else if (!strcmp(name, "strike"))
		wrap_in(r, n, out, "del", NULL);
	else if (!strcmp(name, "code")) {
		xmlNodePtr c = el(r, out, "code");
		value_of(r, c, n);
	} else if (!strcmp(name, "softbreak"))
		nl(r, out);
	else if (!strcmp(name, "br")) {
		el(r, out, "br");
		nl(r, out);
	} else if (!strcmp(name, "section") || !strcmp(name, "body"))
		children(r, n, out);
	else if (!strcmp(name, "heading"))
		heading(r, n, out);
	else if (!strcmp(name, "list"))
		list(r, n, out);
	else if (!strcmp(name, "item"))
		item(r, n, out);
	else if (!strcmp(name, "image"))
		image(r, n, out);
	else if (!strcmp(name, "blockquote"))
		blockquote(r, n, out);
	else if (!strcmp(name, "codeblock"))
		codeblock(r, n, out);
	else if (!strcmp(name, "htmlblock"))
		htmlblock(r, n, out);
	else if (!strcmp(name, "html"))
		html_inline(r, n, out);
	else if (!strcmp(name, "rule")) {
		el(r, out, "hr");
		nl(r, out);
	} else if (!strcmp(name, "table"))
		table(r, n, out);
	else if (!strcmp(name, "row"))
		row(r, n, out);
	else if (!strcmp(name, "cell"))
		cell(r, n, out);
	else if (!strcmp(name, "footnote-ref"))
		footnote_ref(r, n, out);
	else if (!strcmp(name, "local"))
		local_text(r, n, out);
	else
		children(r, n, out);   /* htmlbody_known keeps these out */
	r->in_link -= nests;
}

static void apply(run *r, xmlNodePtr n, xmlNodePtr out)
{
	switch (n->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (!drops_text(n->parent))
			text(r, out, (const char *)n->content);
		break;
	case XML_ELEMENT_NODE:
		element(r, n, out);
		break;
	default:
		break;   /* comments, processing instructions */
	}
}

/* ---- the entry points ---------------------------------------------- */

static int known_below(xmlNodePtr n, int depth)
{
	static const char *const names[] = { "section", "heading", "para",
	    "blockquote", "list", "item", "codeblock", "htmlblock", "rule",
	    "table", "row", "cell", "emph", "strong", "strike", "code", "br",
	    "softbreak", "html", "link", "term", "image", "footnote-ref",
	    "local", NULL };
	xmlNodePtr c;
	size_t i;

	if (depth > MAX_DEPTH)
		return 0;
	for (c = n->children; c; c = c->next) {
		if (c->type == XML_ENTITY_REF_NODE ||
		    c->type == XML_XINCLUDE_START)
			return 0;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (c->ns != NULL)
			return 0;
		for (i = 0; names[i]; i++)
			if (strcmp((const char *)c->name, names[i]) == 0)
				break;
		if (names[i] == NULL || !known_below(c, depth + 1))
			return 0;
	}
	return 1;
}

int htmlbody_known(xmlNodePtr body)
{
	return named(body, "body") && known_below(body, 0);
}

int htmlbody_footnotes_known(xmlNodePtr footnotes)
{
	xmlNodePtr c;

	if (!named(footnotes, "footnotes"))
		return 0;
	for (c = footnotes->children; c; c = c->next) {
		if (c->type == XML_ENTITY_REF_NODE ||
		    c->type == XML_XINCLUDE_START)
			return 0;
		if (c->type == XML_ELEMENT_NODE &&
		    (!named(c, "footnote") || !known_below(c, 1)))
			return 0;
	}
	return 1;
}

/* footnotes and footnote in mode body (outside the body: the page's
 * notes under their heading) */
static void footnotes(run *r, xmlNodePtr n, xmlNodePtr out)
{
	xmlNodePtr sec, ol, c;
	xmlChar *spare;

	if (first_named(n, "footnote") == NULL)
		return;
	sec = el(r, out, "section");
	at(sec, "class", "footnotes");
	at(sec, "aria-label", "Footnotes");
	nl(r, sec);
	ol = el(r, sec, "ol");
	nl(r, ol);
	for (c = n->children; c; c = c->next) {
		xmlNodePtr li, p, a;
		char *v;
		const char *num;

		if (!named(c, "footnote"))
			continue;
		num = sattr(c, "n", &spare);
		li = el(r, ol, "li");
		v = xasprintf("fn-%s", num);
		at(li, "id", v);
		free(v);
		nl(r, li);
		children(r, c, li);
		p = el(r, li, "p");
		at(p, "class", "footnote-back");
		a = el(r, p, "a");
		v = xasprintf("#fnref-%s", num);
		at(a, "href", v);
		free(v);
		at(a, "class", "footnote-backref");
		v = xasprintf("Back to reference %s", num);
		at(a, "aria-label", v);
		free(v);
		text(r, a, "\xe2\x86\xa9");
		nl(r, ol);
		xmlFree(spare);
	}
	nl(r, sec);
	nl(r, out);
}

/* Renders body (a body, or with notes set a footnotes element). */
static void render(xsltTransformContextPtr ctxt, const htmlbody_fns *fns,
    xmlNodePtr n, xmlNodePtr parent, int notes)
{
	run r;
	xmlChar *spare = NULL;
	xmlNodePtr top = xmlDocGetRootElement(n->doc);

	memset(&r, 0, sizeof r);
	r.ctxt = ctxt;
	r.fns = fns;
	r.out = ctxt->output;
	r.root = top ? sattr(top, "root", &spare) : "";   /* $pc-root */
	make_keys(&r, n->doc);
	if (notes)
		footnotes(&r, n, parent);
	else
		apply(&r, n, parent);
	xmlHashFree(r.terms, free_list);
	xmlHashFree(r.notes, NULL);
	xmlFree(spare);
}

void htmlbody_render(xsltTransformContextPtr ctxt, const htmlbody_fns *fns,
    xmlNodePtr body, xmlNodePtr parent)
{
	render(ctxt, fns, body, parent, 0);
}

void htmlbody_render_footnotes(xsltTransformContextPtr ctxt,
    const htmlbody_fns *fns, xmlNodePtr footnotes, xmlNodePtr parent)
{
	render(ctxt, fns, footnotes, parent, 1);
}
