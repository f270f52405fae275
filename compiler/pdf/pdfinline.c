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
	k->line = -1;
}

/* The layout line of each term link of tx, found while the layout is
 * the laying-out worker's own (again whenever the layout is measured
 * anew: a table's cells): the pack's glossary, drawn later in a process
 * of its own, reads the line of every term's every use, and asking the
 * layout there cost a tenth of that process (each call writes to the
 * layout, a page copied from the parent's).  Only for a document a pack
 * includes (t->term_lines, set by pdf.c's layout); the rest are never
 * asked. */
void
pdfib_term_lines(const pdf_thread *t, pdf_text *tx)
{
	size_t k;

	for (k = 0; k < tx->nlinks; k++) {
		pdf_link *l = &tx->links[k];
		l->line = -1;
		if (t->term_lines && l->kind == LK_TERM && tx->layout)
			pango_layout_index_to_line_x(tx->layout, l->start, 0,
			    &l->line, NULL);
	}
}

/* The number of digits right before p (dir -1, not before s0) or right
 * after it (dir 1). */
static int
digit_run(const char *s0, const char *p, int dir)
{
	int n = 0;

	if (dir < 0)
		while (p > s0 && p[-1] >= '0' && p[-1] <= '9')
			p--, n++;
	else
		while (p[1] >= '0' && p[1] <= '9')
			p++, n++;
	return n;
}

void
pdfib_text(ibuild *b, const char *s)
{
	const char *s0 = s;

	for (; *s; s++) {
		/* A space between two groups of three or more digits is
		 * one inside a telephone number ("01202 714747"): it must
		 * not break, in a narrow table cell least of all. */
		if (*s == ' ' && digit_run(s0, s, -1) >= 3 &&
		    digit_run(s0, s, 1) >= 3) {
			buf_puts(&b->text, "\xc2\xa0");
			continue;
		}
		buf_putc(&b->text, *s == '\n' || *s == '\t' ? ' ' : *s);
	}
}

void pdfib_walk(ibuild *b, xmlNodePtr n);

/* Inline code: monospace, a little smaller, on the code background. */
static void
ib_code(ibuild *b, xmlNodePtr c, size_t s)
{
	const pdf_style *st = b->st;
	char *v = xmlread_text_or(c, "");

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
	char *kind = xmlread_attr(c, "kind");
	char *href = xmlread_attr(c, "href");
	char *ref = xmlread_attr(c, "ref");
	char *anchor = xmlread_attr(c, "anchor");
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
	char *ref = xmlread_attr(c, "ref");

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
		b->imgs[b->nimgs].src = xmlread_attr(c, "src");
		b->imgs[b->nimgs].alt = xmlread_attr(c, "alt");
		b->imgs[b->nimgs].file = xmlread_attr(c, "file");
		b->imgs[b->nimgs].kind = xmlread_attr(c, "kind");
		b->imgs[b->nimgs].line = b->line;
		b->nimgs++;
	} else if (!strcmp(name, "html")) {
		char *v = xmlread_text_or(c, "");
		pdfib_text(b, v);
		free(v);
	} else if (!strcmp(name, "footnote-ref")) {
		char *nn = xmlread_attr(c, "n");

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
		char *v = xmlread_text_or(n, "");
		pdfib_text(b, v);
		free(v);
		return;
	}
	b->depth++;
	for (c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE)
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
	pango_attr_list_insert(al, pdf_ranged(pdf_colour_attr(col), 0,
	    G_MAXUINT));
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
	pdfib_term_lines(b->t, tx);
	buf_free(&b->text);
}

/* ---- long paragraphs ---- */

/*
 * Pango lays a paragraph out in time that grows faster than its length (a
 * 10 MB paragraph took 48 s), so a paragraph longer than PDF_SPLIT bytes
 * is shaped in pieces of about PDF_PIECE bytes, cut after a sentence or a
 * word, laid out one after the other.  Shorter paragraphs are untouched.
 */
#define PDF_PIECE 4000
#define PDF_SPLIT 8000

/* The end of the piece that starts at s. */
static size_t
piece_end(const char *t, size_t s, size_t len)
{
	size_t lim = s + PDF_PIECE, lo = s + PDF_PIECE / 2, i;

	if (len - s <= PDF_PIECE + PDF_PIECE / 2)
		return len;
	for (i = lim; i > lo; i--)
		if (t[i - 1] == ' ' && strchr(".!?", t[i - 2]))
			return i;
	for (i = lim; i > lo; i--)
		if (t[i - 1] == ' ')
			return i;
	for (i = lim; i > s + 1 && ((unsigned char)t[i] & 0xC0) == 0x80; i--)
		;
	return i;
}

static int
cmp_link_start(const void *a, const void *b)
{
	const pdf_link *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Ranges open over a piece: items sorted by start, opened as the pieces
 * reach them and dropped once they end before a piece. */
typedef struct {
	size_t *ix;
	size_t n, next;
} sweep;

static void
sweep_to(sweep *sw, size_t total, size_t s, size_t e,
    int (*start)(const void *, size_t), int (*end)(const void *, size_t),
    const void *items)
{
	size_t i, k = 0;

	while (sw->next < total && (size_t)start(items, sw->next) < e)
		sw->ix[sw->n++] = sw->next++;
	for (i = 0; i < sw->n; i++)
		if ((size_t)end(items, sw->ix[i]) > s)
			sw->ix[k++] = sw->ix[i];
	sw->n = k;
}

static int
attr_start(const void *v, size_t i)
{
	return (int)((PangoAttribute *const *)v)[i]->start_index;
}

static int
attr_end(const void *v, size_t i)
{
	guint e = ((PangoAttribute *const *)v)[i]->end_index;

	return e > G_MAXINT ? G_MAXINT : (int)e;
}

static int
link_start(const void *v, size_t i)
{
	return ((const pdf_link *)v)[i].start;
}

static int
link_end(const void *v, size_t i)
{
	return ((const pdf_link *)v)[i].end;
}

/* Lays out bytes [s, e) of b's text into tx with the open attributes and
 * links clipped to the piece. */
static void
piece(ibuild *b, pdf_text *tx, const PangoFontDescription *fd, double w,
    pdf_rgb col, size_t s, size_t e, PangoAttribute **attrs, sweep *sa,
    pdf_link *links, sweep *sl)
{
	PangoLayout *l = pdftext_layout(b->t, fd, w);
	PangoAttrList *al = pango_attr_list_new();
	size_t i;

	pango_attr_list_insert(al, pdf_ranged(pdf_colour_attr(col), 0,
	    G_MAXUINT));
	for (i = 0; i < sa->n; i++) {
		PangoAttribute *a = pango_attribute_copy(attrs[sa->ix[i]]);
		size_t as = a->start_index > s ? a->start_index : s;
		size_t ae = a->end_index < e ? a->end_index : e;
		pango_attr_list_insert(al, pdf_ranged(a, as - s, ae - s));
	}
	pango_layout_set_text(l, b->text.data + s, (int)(e - s));
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	pdftext_set(b->t, tx, l);
	tx->links = sl->n ? xcalloc(sl->n, sizeof *tx->links) : NULL;
	for (i = 0; i < sl->n; i++) {
		const pdf_link *k = &links[sl->ix[i]];
		pdf_link *o = &tx->links[tx->nlinks++];
		*o = *k;
		o->start = ((size_t)k->start > s ? (size_t)k->start : s) - s;
		o->end = ((size_t)k->end < e ? (size_t)k->end : e) - s;
		o->target = xstrdup(k->target);
		o->anchor = k->anchor ? xstrdup(k->anchor) : NULL;
	}
	pdfib_term_lines(b->t, tx);
}

pdf_text *
pdfib_finish_pieces(ibuild *b, const PangoFontDescription *fd, double w,
    pdf_rgb col, size_t *n)
{
	pdf_text *out = NULL;
	GSList *list, *g;
	PangoAttribute **attrs;
	size_t na = 0, s = 0, i, len = b->text.len, cap = 0;
	sweep sa, sl;

	*n = 0;
	if (len <= PDF_SPLIT) {
		out = xcalloc(1, sizeof *out);
		pdfib_finish(b, out, fd, w, col);
		*n = 1;
		return out;
	}
	list = pango_attr_list_get_attributes(b->al);
	attrs = xcalloc(g_slist_length(list) + 1, sizeof *attrs);
	for (g = list; g; g = g->next)
		attrs[na++] = g->data;
	if (b->nlinks > 1)
		qsort(b->links, b->nlinks, sizeof *b->links, cmp_link_start);
	memset(&sa, 0, sizeof sa);
	memset(&sl, 0, sizeof sl);
	sa.ix = xcalloc(na + 1, sizeof *sa.ix);
	sl.ix = xcalloc(b->nlinks + 1, sizeof *sl.ix);
	while (s < len) {
		size_t e = piece_end(b->text.data, s, len);
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			out = xrealloc(out, cap * sizeof *out);
		}
		memset(&out[*n], 0, sizeof *out);
		sweep_to(&sa, na, s, e, attr_start, attr_end, attrs);
		sweep_to(&sl, b->nlinks, s, e, link_start, link_end, b->links);
		piece(b, &out[(*n)++], fd, w, col, s, e, attrs, &sa, b->links,
		    &sl);
		s = e;
	}
	for (i = 0; i < na; i++)
		pango_attribute_destroy(attrs[i]);
	g_slist_free(list);
	free(attrs);
	free(sa.ix);
	free(sl.ix);
	for (i = 0; i < b->nlinks; i++) {
		free(b->links[i].target);
		free(b->links[i].anchor);
	}
	free(b->links);
	b->links = NULL;
	pango_attr_list_unref(b->al);
	b->al = NULL;
	buf_free(&b->text);
	return out;
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
