/*
 * pdfinline.c — inline content of the policy XML (emph, strong, code,
 * links, terms, footnote references, images) gathered into one text with
 * Pango attributes and link ranges, then shaped into one layout
 * (pdfib_finish).  Images met inline are collected for the block builder
 * (pdfblock.c) to place after the paragraph.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pdfflow.h"

/* ---- inline content ---- */

void
pdfib_init(ibuild *b, pdf_thread *t, int line)
{
	memset(b, 0, sizeof *b);
	b->t = t;
	b->st = t->st;
	buf_init(&b->text);
	buf_puts(&b->text, "");
	b->al = pango_attr_list_new();
	b->line = line;
}

void
pdfib_link(ibuild *b, size_t s, int kind, const char *target,
    const char *anchor)
{
	pdf_link *k;

	if (!target)
		return;
	if (b->nlinks == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4;
		b->links = xrealloc(b->links, b->cap * sizeof *b->links);
	}
	k = &b->links[b->nlinks++];
	k->start = (int)s;
	k->end = (int)b->text.len;
	k->kind = kind;
	k->target = xstrdup(target);
	k->anchor = anchor && *anchor ? xstrdup(anchor) : NULL;
}

void
pdfib_text(ibuild *b, const char *s)
{
	for (; *s; s++)
		buf_putc(&b->text, *s == '\n' || *s == '\t' ? ' ' : *s);
}

void pdfib_walk(ibuild *b, xmlNodePtr n);

/* Inline code: monospace, a little smaller, on the code background. */
static void
ib_code(ibuild *b, xmlNodePtr c, size_t s)
{
	const pdf_style *st = b->st;
	char *v = pdf_content(c);

	buf_puts(&b->text, v);
	free(v);
	pango_attr_list_insert(b->al, pdf_ranged(pango_attr_family_new(
	    st->font_mono), s, b->text.len));
	pango_attr_list_insert(b->al, pdf_ranged(pango_attr_scale_new(0.9),
	    s, b->text.len));
	pango_attr_list_insert(b->al, pdf_ranged(pango_attr_background_new(
	    (guint16)(st->code_bg.r * 65535),
	    (guint16)(st->code_bg.g * 65535),
	    (guint16)(st->code_bg.b * 65535)), s, b->text.len));
}

/* A link: live (coloured, underlined, a link range) when it resolved to
 * a place; unresolved links (broken, placeholder, unsafe) stay text. */
static void
ib_linkel(ibuild *b, xmlNodePtr c, size_t s)
{
	const pdf_style *st = b->st;
	char *kind = pdf_prop(c, "kind");
	char *href = pdf_prop(c, "href");
	char *ref = pdf_prop(c, "ref");
	char *anchor = pdf_prop(c, "anchor");
	int live = 1;

	pdfib_walk(b, c);
	if (kind && !strcmp(kind, "external"))
		pdfib_link(b, s, LK_URI, href, NULL);
	else if (kind && !strcmp(kind, "doc"))
		pdfib_link(b, s, LK_DOC, ref, anchor);
	else if (kind && !strcmp(kind, "anchor"))
		pdfib_link(b, s, LK_ANCHOR, anchor, NULL);
	else
		live = 0;
	if (live) {
		pango_attr_list_insert(b->al, pdf_ranged(pdf_colour_attr(
		    st->primary), s, b->text.len));
		pango_attr_list_insert(b->al, pdf_ranged(
		    pango_attr_underline_new(PANGO_UNDERLINE_SINGLE),
		    s, b->text.len));
	}
	free(kind);
	free(href);
	free(ref);
	free(anchor);
}

/* A glossary term: as on the site, the text colour with an accent
 * underline; in a pack it links to the glossary. */
static void
ib_term(ibuild *b, xmlNodePtr c, size_t s)
{
	const pdf_style *st = b->st;
	char *ref = pdf_prop(c, "ref");

	pdfib_walk(b, c);
	pango_attr_list_insert(b->al, pdf_ranged(pdf_colour_attr(st->term), s,
	    b->text.len));
	pango_attr_list_insert(b->al, pdf_ranged(pango_attr_underline_new(
	    PANGO_UNDERLINE_SINGLE), s, b->text.len));
	pango_attr_list_insert(b->al, pdf_ranged(
	    pango_attr_underline_color_new(
	    (guint16)(st->accent.r * 65535),
	    (guint16)(st->accent.g * 65535),
	    (guint16)(st->accent.b * 65535)), s, b->text.len));
	pdfib_link(b, s, LK_TERM, ref, NULL);
	free(ref);
}

static void
ib_elem(ibuild *b, xmlNodePtr c)
{
	size_t s = b->text.len;
	const char *name = (const char *)c->name;
	const pdf_style *st = b->st;

	if (!strcmp(name, "emph")) {
		pdfib_walk(b, c);
		pango_attr_list_insert(b->al, pdf_ranged(pango_attr_style_new(
		    PANGO_STYLE_ITALIC), s, b->text.len));
	} else if (!strcmp(name, "strong")) {
		pdfib_walk(b, c);
		pango_attr_list_insert(b->al, pdf_ranged(pango_attr_weight_new(
		    PANGO_WEIGHT_BOLD), s, b->text.len));
	} else if (!strcmp(name, "strike")) {
		pdfib_walk(b, c);
		pango_attr_list_insert(b->al, pdf_ranged(
		    pango_attr_strikethrough_new(TRUE), s, b->text.len));
	} else if (!strcmp(name, "code")) {
		ib_code(b, c, s);
	} else if (!strcmp(name, "br")) {
		buf_puts(&b->text, "\xe2\x80\xa8");   /* U+2028 line separator */
	} else if (!strcmp(name, "softbreak")) {
		buf_putc(&b->text, ' ');
	} else if (!strcmp(name, "link")) {
		ib_linkel(b, c, s);
	} else if (!strcmp(name, "term")) {
		ib_term(b, c, s);
	} else if (!strcmp(name, "image")) {
		b->imgs = xrealloc(b->imgs, (b->nimgs + 1) * sizeof *b->imgs);
		b->imgs[b->nimgs].src = pdf_prop(c, "src");
		b->imgs[b->nimgs].alt = pdf_prop(c, "alt");
		b->imgs[b->nimgs].file = pdf_prop(c, "file");
		b->imgs[b->nimgs].kind = pdf_prop(c, "kind");
		b->imgs[b->nimgs].line = b->line;
		b->nimgs++;
	} else if (!strcmp(name, "html")) {
		char *v = pdf_content(c);
		pdfib_text(b, v);
		free(v);
	} else if (!strcmp(name, "footnote-ref")) {
		char *nn = pdf_prop(c, "n");

		buf_puts(&b->text, nn ? nn : "?");
		pango_attr_list_insert(b->al, pdf_ranged(pango_attr_rise_new(
		    (int)(st->size_body * 0.35 * PANGO_SCALE)), s,
		    b->text.len));
		pango_attr_list_insert(b->al, pdf_ranged(
		    pango_attr_scale_new(0.7), s, b->text.len));
		pango_attr_list_insert(b->al, pdf_ranged(
		    pdf_colour_attr(st->primary), s, b->text.len));
		pdfib_link(b, s, LK_FOOTNOTE, nn, NULL);
		free(nn);
	} else {
		pdfib_walk(b, c);
	}
}

void
pdfib_walk(ibuild *b, xmlNodePtr n)
{
	xmlNodePtr c;

	/* Inline nesting past the bound keeps its text, not its styles. */
	if (b->depth >= PDF_MAX_DEPTH) {
		char *v = pdf_content(n);
		pdfib_text(b, v);
		free(v);
		return;
	}
	b->depth++;
	for (c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
			pdfib_text(b, (const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE)
			ib_elem(b, c);
	}
	b->depth--;
}

/* Finishes an inline build into tx: a layout of width w in font fd with
 * the base colour col and optional weight. */
void
pdfib_finish(ibuild *b, pdf_text *tx, const PangoFontDescription *fd,
    double w, pdf_rgb col)
{
	PangoLayout *l = pdftext_layout(b->t, fd, w);
	PangoAttrList *al = pango_attr_list_new();

	/* The base colour first, so later ranges win. */
	pango_attr_list_insert(al, pdf_ranged(pdf_colour_attr(col), 0, G_MAXUINT));
	pango_attr_list_splice(al, b->al, 0, 0);
	pango_layout_set_text(l, b->text.data, (int)b->text.len);
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	pango_attr_list_unref(b->al);
	b->al = NULL;
	pdftext_set(b->t, tx, l);
	tx->links = b->links;
	tx->nlinks = b->nlinks;
	b->links = NULL;
	buf_free(&b->text);
}

void
pdfib_free_imgs(ibuild *b)
{
	size_t i;

	for (i = 0; i < b->nimgs; i++) {
		free(b->imgs[i].src);
		free(b->imgs[i].alt);
		free(b->imgs[i].file);
		free(b->imgs[i].kind);
	}
	free(b->imgs);
}

int
pdf_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}
