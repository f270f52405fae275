/*
 * importodt.c — OpenDocument Text (.odt) into the block model of
 * import.h, for `policyc import`: content.xml's headings (text:h and
 * its outline level), paragraphs, spans whose automatic style is bold
 * or italic, lists (numbered or bulleted by their list style, nested),
 * tables (spanned cells leave the cells they cover empty), notes
 * (footnotes), links and images under Pictures/.  The same model as the
 * Word reader, so front matter recovery and Markdown are shared.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "import.h"
#include "strtab.h"
#include "xmlread.h"

#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define FO_NS "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define DRAW_NS "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define XLINK_NS "http://www.w3.org/1999/xlink"
#define SVG_NS "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"

typedef struct {
	char *name;
	int bold, italic, title, heading;
	int ordered;     /* a list style: numbered at level 1 */
	int toc;         /* Contents 1…: an entry of a table of contents */
} ostyle;

typedef struct {
	importzip *z;
	imp_doc *d;
	ostyle *st;
	size_t nst;
	strtab *st_ix;   /* name -> index in st: each span and paragraph
	                    looks its style up, and a scan of thousands of
	                    styles for each took minutes */
	int next_list;
	int last_count;  /* items of the last top-level list */
	int toc;         /* contents entries dropped */
	int links_nowhere;  /* in the paragraph being read */
} octx;

static const ostyle *
find(octx *c, const char *name)
{
	long k = name ? strtab_get(c->st_ix, name) : -1;
	return k >= 0 ? &c->st[k] : NULL;
}

static void
load_styles(octx *c, xmlNodePtr n)
{
	for (n = n ? n->children : NULL; n; n = n->next) {
		ostyle *s;
		xmlNodePtr p;
		char *parent, *dn;
		if (!xmlread_is_ns(n, STYLE_NS, "style") && !xmlread_is_ns(n, TEXT_NS, "list-style"))
			continue;
		c->st = xrealloc(c->st, (c->nst + 1) * sizeof *c->st);
		s = &c->st[c->nst++];
		memset(s, 0, sizeof *s);
		s->name = xmlread_attr_ns(n, STYLE_NS, "name");
		if (!s->name)
			s->name = xstrdup("");
		if (!c->st_ix)
			c->st_ix = strtab_new(64);
		strtab_put(c->st_ix, s->name, (long)(c->nst - 1));   /* first wins */
		parent = xmlread_attr_ns(n, STYLE_NS, "parent-style-name");
		dn = xmlread_attr_ns(n, STYLE_NS, "display-name");
		if (parent) {
			const ostyle *ps = find(c, parent);
			if (ps) {
				s->bold = ps->bold;
				s->italic = ps->italic;
				s->title = ps->title;
				s->heading = ps->heading;
				s->toc = ps->toc;
			}
			if (!strncmp(parent, "Contents_20_", 12))
				s->toc = 1;
		}
		if (!strcmp(s->name, "Title") || (dn && !strcmp(dn, "Title")))
			s->title = 1;
		if (!strncmp(s->name, "Contents_20_", 12))
			s->toc = 1;
		if (!strncmp(s->name, "Heading_20_", 11))
			s->heading = atoi(s->name + 11);
		for (p = n->children; p; p = p->next) {
			if (xmlread_is_ns(p, STYLE_NS, "text-properties")) {
				char *w = xmlread_attr_ns(p, FO_NS, "font-weight"),
				    *i = xmlread_attr_ns(p, FO_NS, "font-style");
				if (w)
					s->bold = !strcmp(w, "bold") ||
					    atoi(w) >= 600;
				if (i)
					s->italic = !strcmp(i, "italic") ||
					    !strcmp(i, "oblique");
				free(w);
				free(i);
			}
			if (xmlread_is_ns(p, TEXT_NS, "list-level-style-number")) {
				char *lv = xmlread_attr_ns(p, TEXT_NS, "level");
				if (!lv || !strcmp(lv, "1"))
					s->ordered = 1;
				free(lv);
			}
		}
		free(parent);
		free(dn);
	}
}

static void inlines(octx *c, xmlNodePtr n, imp_inline *il, int bold,
    int italic);

static void
do_note(octx *c, xmlNodePtr n, imp_inline *il)
{
	xmlNodePtr body, p;
	imp_inline nl;
	char *md;
	imp_doc *d = c->d;

	for (body = n->children; body && !xmlread_is_ns(body, TEXT_NS, "note-body");
	    body = body->next)
		;
	if (!body)
		return;
	imp_inline_init(&nl);
	for (p = body->children; p; p = p->next)
		if (xmlread_is_ns(p, TEXT_NS, "p")) {
			if (nl.text.len)
				imp_inline_text(&nl, " ", 0, 0);
			inlines(c, p, &nl, 0, 0);
		}
	imp_inline_flush(&nl);
	d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof *d->notes);
	{
		const char *t = nl.md.data ? nl.md.data : "";
		size_t len;
		while (*t == ' ')
			t++;
		len = strlen(t);
		while (len && t[len - 1] == ' ')
			len--;
		d->notes[d->nnotes++] = xstrndup(t, len);
	}
	imp_inline_free(&nl);
	md = xasprintf("[^%zu]", d->nnotes);
	imp_inline_raw(il, md, "", 1);
	free(md);
}

static void
do_image(octx *c, xmlNodePtr n, imp_inline *il)
{
	char *href = xmlread_attr_ns(n, XLINK_NS, "href"), *target = NULL;
	xmlNodePtr f;
	char *alt = NULL;

	/* the description the frame carries (svg:desc, else svg:title) */
	for (f = n->parent ? n->parent->children : NULL; f; f = f->next)
		if ((xmlread_is_ns(f, SVG_NS, "desc") || (xmlread_is_ns(f, SVG_NS, "title") && !alt))) {
			xmlChar *t = xmlNodeGetContent(f);
			if (t && *t) {
				free(alt);
				alt = xstrdup((const char *)t);
			}
			xmlFree(t);
		}
	if (href)
		target = imp_image_part(c->d, c->z, href);
	if (target) {
		char *ealt = imp_escape(alt ? alt : "Image");
		char *md = xasprintf("![%s](%s)", ealt, target);
		imp_inline_raw(il, md, "", 1);
		free(md);
		free(ealt);
		if (!alt)
			buf_puts(&c->d->report, "an image has no description: "
			    "its alt text is \"Image\"; write one\n");
	}
	free(alt);
	free(target);
	free(href);
}

static void
inlines(octx *c, xmlNodePtr n, imp_inline *il, int bold, int italic)
{
	for (n = n->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE) {
			imp_inline_text(il, (const char *)n->content, bold, italic);
			continue;
		}
		if (xmlread_is_ns(n, TEXT_NS, "span")) {
			char *sn = xmlread_attr_ns(n, TEXT_NS, "style-name");
			const ostyle *s = find(c, sn);
			free(sn);
			inlines(c, n, il, s && s->bold ? 1 : bold,
			    s && s->italic ? 1 : italic);
		} else if (xmlread_is_ns(n, TEXT_NS, "s") || xmlread_is_ns(n, TEXT_NS, "tab") ||
		    xmlread_is_ns(n, TEXT_NS, "line-break"))
			imp_inline_text(il, " ", bold, italic);
		else if (xmlread_is_ns(n, TEXT_NS, "a")) {
			char *href = xmlread_attr_ns(n, XLINK_NS, "href"), *md;
			imp_inline sub;
			imp_inline_init(&sub);
			inlines(c, n, &sub, bold, italic);
			imp_inline_flush(&sub);
			if (!href || !*href || !strcmp(href, "#")) {
				md = xasprintf("[%s](#)", sub.md.data ? sub.md.data : "");
				c->d->nplaceholders++;
				c->links_nowhere++;
			} else if (href[0] == '#') {
				md = xstrdup(sub.md.data ? sub.md.data : "");
				c->links_nowhere++;
			}
			else {
				char *t = imp_md_target(href);
				md = xasprintf("[%s](%s)", sub.md.data ? sub.md.data : "", t);
				free(t);
				c->d->nlinks++;
			}
			imp_inline_raw(il, md, sub.text.data ? sub.text.data : "",
			    sub.any_text && !sub.any_plain);
			free(md);
			free(href);
			imp_inline_free(&sub);
		} else if (xmlread_is_ns(n, TEXT_NS, "note"))
			do_note(c, n, il);
		else if (xmlread_is_ns(n, DRAW_NS, "image"))
			do_image(c, n, il);
		else if (xmlread_is_ns(n, DRAW_NS, "frame") || xmlread_is_ns(n, TEXT_NS, "bookmark-ref"))
			inlines(c, n, il, bold, italic);
	}
}

static char *
trimmed(const char *s)
{
	const char *e;
	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		e--;
	return xstrndup(s, (size_t)(e - s));
}

static imp_block *
do_para(octx *c, xmlNodePtr p, enum imp_kind kind)
{
	char *sn = xmlread_attr_ns(p, TEXT_NS, "style-name");
	const ostyle *s = find(c, sn);
	imp_inline il;
	imp_block *b;

	/* the built-in names mean what they say without a definition */
	int title = s ? s->title : sn && !strcmp(sn, "Title");
	int heading = s ? s->heading : sn && !strncmp(sn, "Heading_20_", 11) ?
	    atoi(sn + 11) : 0;
	char *sn0 = sn;

	imp_inline_init(&il);
	c->links_nowhere = 0;
	inlines(c, p, &il, s ? s->bold : 0, s ? s->italic : 0);
	imp_inline_flush(&il);
	if (kind == IMP_PARA && (title || heading))
		kind = IMP_HEADING;
	if (kind == IMP_PARA && ((s && s->toc) ||
	    (!s && sn0 && !strncmp(sn0, "Contents_20_", 12)))) {
		/* a table of contents entry: the site and PDF make their own */
		c->toc++;
		free(sn0);
		imp_inline_free(&il);
		return NULL;
	}
	free(sn0);
	b = imp_add(c->d, kind);
	if (kind == IMP_HEADING) {
		char *ol = xmlread_attr_ns(p, TEXT_NS, "outline-level");
		b->level = ol ? atoi(ol) : heading ? heading : 1;
		if (b->level < 1)
			b->level = 1;
		free(ol);
		b->title_style = title;
	}
	b->md = trimmed(il.md.data ? il.md.data : "");
	b->text = trimmed(il.text.data ? il.text.data : "");
	b->all_bold = il.any_text && !il.any_plain;
	b->link_only = c->links_nowhere == 1 && b->text[0];
	imp_inline_free(&il);
	return b;
}

static void
do_list(octx *c, xmlNodePtr l, int level, int ordered, int id)
{
	xmlNodePtr it, p;
	char *sn = xmlread_attr_ns(l, TEXT_NS, "style-name");
	const ostyle *s = find(c, sn);
	int n = 0;

	free(sn);
	if (s)
		ordered = s->ordered;
	if (level == 0) {
		/* a list that continues the one before counts on from it */
		char *cn = xmlread_attr_ns(l, TEXT_NS, "continue-numbering"),
		    *cl = xmlread_attr_ns(l, TEXT_NS, "continue-list");
		if ((cn && !strcmp(cn, "true")) || cl) {
			id = c->next_list;
			n = c->last_count;
		} else
			id = ++c->next_list;
		free(cn);
		free(cl);
	}
	for (it = l->children; it; it = it->next) {
		int first = 1;
		char *sv;
		if (!xmlread_is_ns(it, TEXT_NS, "list-item") && !xmlread_is_ns(it, TEXT_NS, "list-header"))
			continue;
		if (n < IMP_LIST_NUMBER_MAX)
			n++;
		sv = xmlread_attr_ns(it, TEXT_NS, "start-value");
		if (sv && imp_list_number(sv) > 0) {
			n = imp_list_number(sv);
			if (level == 0)
				id = ++c->next_list;   /* a restart: a new list */
		}
		free(sv);
		for (p = it->children; p; p = p->next) {
			if (xmlread_is_ns(p, TEXT_NS, "list"))
				do_list(c, p, level + 1, ordered, id);
			else if (xmlread_is_ns(p, TEXT_NS, "p") || xmlread_is_ns(p, TEXT_NS, "h")) {
				imp_block *b = do_para(c, p, first ? IMP_ITEM :
				    IMP_PARA);
				if (!b)
					continue;
				if (first) {
					b->kind = IMP_ITEM;
					b->level = level;
					b->ordered = ordered;
					b->number = n;
					b->list_id = id;
				} else {
					/* a second paragraph of an item: joined
					 * as its own item text continuation */
					b->kind = IMP_ITEM;
					b->level = level + 1;
					b->ordered = 0;
					b->list_id = id;
				}
				first = 0;
			}
		}
	}
	if (level == 0)
		c->last_count = n;
}

static void
cell(octx *c, xmlNodePtr n, imp_inline *il)
{
	for (n = n->children; n; n = n->next) {
		if (xmlread_is_ns(n, TEXT_NS, "p") || xmlread_is_ns(n, TEXT_NS, "h")) {
			if (il->text.len || il->run.len)
				imp_inline_text(il, " ", 0, 0);
			inlines(c, n, il, 0, 0);
		} else if (n->type == XML_ELEMENT_NODE)
			cell(c, n, il);
	}
}

static void
rows_of(xmlNodePtr t, xmlNodePtr **out, size_t *n)
{
	xmlNodePtr r;
	for (r = t->children; r; r = r->next) {
		if (xmlread_is_ns(r, TABLE_NS, "table-row")) {
			*out = xrealloc(*out, (*n + 1) * sizeof **out);
			(*out)[(*n)++] = r;
		} else if (xmlread_is_ns(r, TABLE_NS, "table-header-rows") ||
		    xmlread_is_ns(r, TABLE_NS, "table-rows") ||
		    xmlread_is_ns(r, TABLE_NS, "table-row-group"))
			rows_of(r, out, n);
	}
}

static void
do_table(octx *c, xmlNodePtr t)
{
	xmlNodePtr *rows = NULL, tc;
	size_t nrows = 0, ncols = 0, r, k;
	imp_block *b;

	rows_of(t, &rows, &nrows);
	for (r = 0; r < nrows; r++) {
		size_t cols = 0;
		for (tc = rows[r]->children; tc; tc = tc->next)
			if (xmlread_is_ns(tc, TABLE_NS, "table-cell") ||
			    xmlread_is_ns(tc, TABLE_NS, "covered-table-cell"))
				cols++;
		if (cols > ncols)
			ncols = cols;
	}
	if (ncols > IMP_MAX_COLS) {
		buf_printf(&c->d->report, "a table wider than %d columns: the "
		    "cells past the %dth dropped\n", IMP_MAX_COLS, IMP_MAX_COLS);
		ncols = IMP_MAX_COLS;
	}
	b = imp_add(c->d, IMP_TABLE);
	b->nrows = nrows;
	b->ncols = ncols;
	b->cells = xcalloc(nrows * ncols + 1, sizeof *b->cells);
	b->ctext = xcalloc(nrows * ncols + 1, sizeof *b->ctext);
	for (r = 0; r < nrows; r++) {
		k = 0;
		for (tc = rows[r]->children; tc && k < ncols; tc = tc->next) {
			imp_inline il;
			if (!xmlread_is_ns(tc, TABLE_NS, "table-cell") &&
			    !xmlread_is_ns(tc, TABLE_NS, "covered-table-cell"))
				continue;
			imp_inline_init(&il);
			if (xmlread_is_ns(tc, TABLE_NS, "table-cell"))
				cell(c, tc, &il);
			imp_inline_flush(&il);
			b->cells[r * ncols + k] = trimmed(il.md.data ? il.md.data : "");
			b->ctext[r * ncols + k] = trimmed(il.text.data ? il.text.data : "");
			imp_inline_free(&il);
			k++;
		}
		for (; k < ncols; k++) {
			b->cells[r * ncols + k] = xstrdup("");
			b->ctext[r * ncols + k] = xstrdup("");
		}
	}
	free(rows);
}

static void
blocks(octx *c, xmlNodePtr n)
{
	for (n = n->children; n; n = n->next) {
		if (xmlread_is_ns(n, TEXT_NS, "p"))
			do_para(c, n, IMP_PARA);
		else if (xmlread_is_ns(n, TEXT_NS, "h"))
			do_para(c, n, IMP_HEADING);
		else if (xmlread_is_ns(n, TEXT_NS, "list"))
			do_list(c, n, 0, 0, 0);
		else if (xmlread_is_ns(n, TABLE_NS, "table"))
			do_table(c, n);
		else if (xmlread_is_ns(n, TEXT_NS, "table-of-content")) {
			buf_puts(&c->d->report, "a table of contents dropped "
			    "(the site and PDF make their own)\n");
		} else if (xmlread_is_ns(n, TEXT_NS, "section"))
			blocks(c, n);
	}
}

static xmlDocPtr
parse(importzip *z, const char *name, char **err)
{
	size_t len;
	char *data = importzip_read(z, name, &len, err);
	xmlDocPtr doc;
	if (!data)
		return NULL;
	doc = imp_parse_xml(data, len, name, err);
	free(data);
	return doc;
}

int
importodt_read(importzip *z, imp_doc *d, char **err)
{
	octx c;
	xmlDocPtr doc, sty;
	xmlNodePtr n, body = NULL;
	size_t i;
	char *serr = NULL;

	memset(&c, 0, sizeof c);
	c.z = z;
	c.d = d;
	*err = NULL;
	doc = parse(z, "content.xml", err);
	if (!doc) {
		if (!*err)
			*err = xstrdup("content.xml is missing");
		return -1;
	}
	sty = parse(z, "styles.xml", &serr);
	free(serr);
	if (sty)
		for (n = xmlDocGetRootElement(sty)->children; n; n = n->next)
			if (xmlread_is_ns(n, OFFICE_NS, "styles"))
				load_styles(&c, n);
	for (n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		if (xmlread_is_ns(n, OFFICE_NS, "automatic-styles"))
			load_styles(&c, n);
		if (xmlread_is_ns(n, OFFICE_NS, "body"))
			for (body = n->children; body &&
			    !xmlread_is_ns(body, OFFICE_NS, "text"); body = body->next)
				;
	}
	if (!body) {
		*err = xstrdup("content.xml has no office:text: not a text "
		    "document");
		strtab_free(c.st_ix);
		xmlFreeDoc(doc);
		if (sty)
			xmlFreeDoc(sty);
		return -1;
	}
	blocks(&c, body);
	if (c.toc)
		buf_printf(&d->report, "a table of contents (%d entries) dropped: "
		    "the site and PDF make their own\n", c.toc);
	xmlFreeDoc(doc);
	if (sty)
		xmlFreeDoc(sty);
	for (i = 0; i < c.nst; i++)
		free(c.st[i].name);
	free(c.st);
	strtab_free(c.st_ix);
	return 0;
}
