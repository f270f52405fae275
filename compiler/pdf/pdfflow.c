/*
 * pdfflow.c — turns a policy XML document (docs/xml-format.md) into a flow:
 * a list of items (shaped paragraphs, table rows, images, rules, spaces),
 * each PangoLayout built and shaped once here, measured line by line so
 * pdfpage.c can break pages between lines and pdfdraw.c can draw the same
 * layouts.  Also the flows of a pack's cover, contents and glossary.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__has_include)
#if __has_include(<librsvg/rsvg.h>)
#include <librsvg/rsvg.h>
#define PDF_HAVE_RSVG 1
#endif
#endif

#include "pdfint.h"

/* ---- flows and items ---- */

pdf_flow *
pdfflow_new(const char *id, const char *title)
{
	pdf_flow *f = xcalloc(1, sizeof *f);

	f->id = xstrdup(id ? id : "");
	f->title = xstrdup(title ? title : "");
	f->header = xstrdup(f->title);
	return f;
}

static void
text_free(pdf_text *tx)
{
	size_t i;

	if (tx->layout)
		g_object_unref(tx->layout);
	free(tx->top);
	free(tx->bot);
	free(tx->base);
	free(tx->lx);
	for (i = 0; i < tx->nlinks; i++) {
		free(tx->links[i].target);
		free(tx->links[i].anchor);
	}
	free(tx->links);
}

void
pdfflow_free(pdf_flow *f)
{
	size_t i, j;

	if (!f)
		return;
	for (i = 0; i < f->n; i++) {
		pdf_item *it = &f->items[i];
		text_free(&it->text);
		if (it->marker)
			g_object_unref(it->marker);
		free(it->outline_title);
		free(it->dest);
		free(it->toc_dest);
		if (it->img)
			cairo_surface_destroy(it->img);
		for (j = 0; j < (size_t)it->ncells; j++)
			text_free(&it->cells[j]);
		free(it->cells);
	}
	free(f->items);
	for (i = 0; i < f->npages; i++) {
		for (j = 0; j < f->pages[i].n; j++) {
			free(f->pages[i].pl[j].cl0);
			free(f->pages[i].pl[j].cl1);
		}
		free(f->pages[i].pl);
	}
	free(f->pages);
	for (i = 0; i < f->ndests; i++)
		free(f->dests[i].name);
	free(f->dests);
	for (i = 0; i < f->ntables; i++) {
		free(f->tables[i]->colx);
		free(f->tables[i]->colw);
		free(f->tables[i]);
	}
	free(f->tables);
	for (i = 0; i < f->ntags; i++)
		free(f->tags[i]);
	free(f->tags);
	free(f->id);
	free(f->title);
	free(f->path);
	free(f->header);
	free(f->type);
	free(f->owner);
	free(f->review_state);
	free(f);
}

pdf_item *
pdfflow_add(pdf_flow *f, int type)
{
	pdf_item *it;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->items = xrealloc(f->items, f->cap * sizeof *f->items);
	}
	it = &f->items[f->n++];
	memset(it, 0, sizeof *it);
	it->type = type;
	return it;
}

/* Measures a layout's lines into tx (tx owns the layout afterwards). */
void
pdftext_set(pdf_thread *t, pdf_text *tx, PangoLayout *l)
{
	PangoLayoutIter *iter;
	int n, i = 0;

	(void)t;
	tx->layout = l;
	n = pango_layout_get_line_count(l);
	tx->nlines = n;
	tx->top = xcalloc((size_t)n, sizeof(double));
	tx->bot = xcalloc((size_t)n, sizeof(double));
	tx->base = xcalloc((size_t)n, sizeof(double));
	tx->lx = xcalloc((size_t)n, sizeof(double));
	iter = pango_layout_get_iter(l);
	do {
		PangoRectangle r;

		if (i >= n)
			break;
		pango_layout_iter_get_line_extents(iter, NULL, &r);
		tx->top[i] = r.y / (double)PANGO_SCALE;
		tx->bot[i] = (r.y + r.height) / (double)PANGO_SCALE;
		tx->lx[i] = r.x / (double)PANGO_SCALE;
		tx->base[i] = pango_layout_iter_get_baseline(iter) /
		    (double)PANGO_SCALE;
		i++;
	} while (pango_layout_iter_next_line(iter));
	pango_layout_iter_free(iter);
	tx->nlines = i;
}

static double
text_height(const pdf_text *tx)
{
	if (!tx->nlines)
		return 0;
	return tx->bot[tx->nlines - 1] - tx->top[0];
}

static PangoLayout *
new_layout(pdf_thread *t, const PangoFontDescription *fd, double width)
{
	PangoLayout *l = pango_layout_new(t->pc);

	pango_layout_set_font_description(l, fd);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_line_spacing(l, (float)t->st->line_spacing);
	return l;
}

static PangoAttribute *
ranged(PangoAttribute *a, size_t s, size_t e)
{
	a->start_index = (guint)s;
	a->end_index = (guint)e;
	return a;
}

static PangoAttribute *
colour_attr(pdf_rgb c)
{
	return pango_attr_foreground_new((guint16)(c.r * 65535),
	    (guint16)(c.g * 65535), (guint16)(c.b * 65535));
}

/* A layout of plain text in a font family at a size. */
PangoLayout *
pdf_layout(pdf_thread *t, const char *font, double size, double width,
    const char *text, int bold, pdf_rgb *col)
{
	PangoFontDescription *fd = pango_font_description_from_string(font);
	PangoLayout *l;
	PangoAttrList *al = pango_attr_list_new();

	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	l = new_layout(t, fd, width);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	pango_attr_list_insert(al, ranged(colour_attr(col ? *col :
	    t->st->text), 0, G_MAXUINT));
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	return l;
}

/* ---- inline content ---- */

typedef struct {
	char *src, *alt;
	int line;
} pimg;

typedef struct {
	pdf_thread *t;
	const pdf_style *st;
	buf text;
	PangoAttrList *al;
	pdf_link *links;
	size_t nlinks, cap;
	pimg *imgs;
	size_t nimgs;
	int line;
} ibuild;

static void
ib_init(ibuild *b, pdf_thread *t, int line)
{
	memset(b, 0, sizeof *b);
	b->t = t;
	b->st = t->st;
	buf_init(&b->text);
	buf_puts(&b->text, "");
	b->al = pango_attr_list_new();
	b->line = line;
}

static void
ib_link(ibuild *b, size_t s, int kind, const char *target,
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

static void
ib_text(ibuild *b, const char *s)
{
	for (; *s; s++)
		buf_putc(&b->text, *s == '\n' || *s == '\t' ? ' ' : *s);
}

static void ib_walk(ibuild *b, xmlNodePtr n);

static void
ib_elem(ibuild *b, xmlNodePtr c)
{
	size_t s = b->text.len;
	const char *name = (const char *)c->name;
	const pdf_style *st = b->st;

	if (!strcmp(name, "emph")) {
		ib_walk(b, c);
		pango_attr_list_insert(b->al, ranged(pango_attr_style_new(
		    PANGO_STYLE_ITALIC), s, b->text.len));
	} else if (!strcmp(name, "strong")) {
		ib_walk(b, c);
		pango_attr_list_insert(b->al, ranged(pango_attr_weight_new(
		    PANGO_WEIGHT_BOLD), s, b->text.len));
	} else if (!strcmp(name, "strike")) {
		ib_walk(b, c);
		pango_attr_list_insert(b->al, ranged(
		    pango_attr_strikethrough_new(TRUE), s, b->text.len));
	} else if (!strcmp(name, "code")) {
		char *v = pdf_content(c);
		buf_puts(&b->text, v);
		free(v);
		pango_attr_list_insert(b->al, ranged(pango_attr_family_new(
		    st->font_mono), s, b->text.len));
		pango_attr_list_insert(b->al, ranged(pango_attr_scale_new(0.9),
		    s, b->text.len));
		pango_attr_list_insert(b->al, ranged(pango_attr_background_new(
		    (guint16)(st->code_bg.r * 65535),
		    (guint16)(st->code_bg.g * 65535),
		    (guint16)(st->code_bg.b * 65535)), s, b->text.len));
	} else if (!strcmp(name, "br")) {
		buf_puts(&b->text, "\xe2\x80\xa8");   /* U+2028 line separator */
	} else if (!strcmp(name, "softbreak")) {
		buf_putc(&b->text, ' ');
	} else if (!strcmp(name, "link")) {
		char *kind = pdf_prop(c, "kind");
		char *href = pdf_prop(c, "href");
		char *ref = pdf_prop(c, "ref");
		char *anchor = pdf_prop(c, "anchor");
		int live = 1;

		ib_walk(b, c);
		if (kind && !strcmp(kind, "external"))
			ib_link(b, s, LK_URI, href, NULL);
		else if (kind && !strcmp(kind, "doc"))
			ib_link(b, s, LK_DOC, ref, anchor);
		else if (kind && !strcmp(kind, "anchor"))
			ib_link(b, s, LK_ANCHOR, anchor, NULL);
		else
			live = 0;
		if (live) {
			pango_attr_list_insert(b->al, ranged(colour_attr(
			    st->primary), s, b->text.len));
			pango_attr_list_insert(b->al, ranged(
			    pango_attr_underline_new(PANGO_UNDERLINE_SINGLE),
			    s, b->text.len));
		}
		free(kind);
		free(href);
		free(ref);
		free(anchor);
	} else if (!strcmp(name, "term")) {
		char *ref = pdf_prop(c, "ref");

		ib_walk(b, c);
		/* As on the site: the term keeps the text colour, with an
		 * accent underline; in a pack it links to the glossary. */
		pango_attr_list_insert(b->al, ranged(colour_attr(st->term), s,
		    b->text.len));
		pango_attr_list_insert(b->al, ranged(pango_attr_underline_new(
		    PANGO_UNDERLINE_SINGLE), s, b->text.len));
		pango_attr_list_insert(b->al, ranged(
		    pango_attr_underline_color_new(
		    (guint16)(st->accent.r * 65535),
		    (guint16)(st->accent.g * 65535),
		    (guint16)(st->accent.b * 65535)), s, b->text.len));
		ib_link(b, s, LK_TERM, ref, NULL);
		free(ref);
	} else if (!strcmp(name, "image")) {
		b->imgs = xrealloc(b->imgs, (b->nimgs + 1) * sizeof *b->imgs);
		b->imgs[b->nimgs].src = pdf_prop(c, "src");
		b->imgs[b->nimgs].alt = pdf_prop(c, "alt");
		b->imgs[b->nimgs].line = b->line;
		b->nimgs++;
	} else if (!strcmp(name, "html")) {
		char *v = pdf_content(c);
		ib_text(b, v);
		free(v);
	} else if (!strcmp(name, "footnote-ref")) {
		char *nn = pdf_prop(c, "n");

		buf_puts(&b->text, nn ? nn : "?");
		pango_attr_list_insert(b->al, ranged(pango_attr_rise_new(
		    (int)(st->size_body * 0.35 * PANGO_SCALE)), s,
		    b->text.len));
		pango_attr_list_insert(b->al, ranged(pango_attr_scale_new(0.7),
		    s, b->text.len));
		pango_attr_list_insert(b->al, ranged(colour_attr(st->primary),
		    s, b->text.len));
		ib_link(b, s, LK_FOOTNOTE, nn, NULL);
		free(nn);
	} else {
		ib_walk(b, c);
	}
}

static void
ib_walk(ibuild *b, xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
			ib_text(b, (const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE)
			ib_elem(b, c);
	}
}

/* Finishes an inline build into tx: a layout of width w in font fd with
 * the base colour col and optional weight. */
static void
ib_finish(ibuild *b, pdf_text *tx, const PangoFontDescription *fd,
    double w, pdf_rgb col)
{
	PangoLayout *l = new_layout(b->t, fd, w);
	PangoAttrList *al = pango_attr_list_new();

	/* The base colour first, so later ranges win. */
	pango_attr_list_insert(al, ranged(colour_attr(col), 0, G_MAXUINT));
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

static void
ib_free_imgs(ibuild *b)
{
	size_t i;

	for (i = 0; i < b->nimgs; i++) {
		free(b->imgs[i].src);
		free(b->imgs[i].alt);
	}
	free(b->imgs);
}

static int
blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* ---- blocks ---- */

typedef struct {
	pdf_thread *t;
	const pdf_style *st;
	const backend_input *in;
	pdf_flow *f;
	const char *docpath;
	double cw;            /* content width */
} fctx;

typedef struct {
	double x, w;
	int quote;            /* inside a block quote: bar at bar_x */
	double bar_x;
	int list_depth;
	int tight;
	int first;            /* the next block is the first of a list item */
} benv;

static void blocks(fctx *c, xmlNodePtr parent, benv *e);

static int
getint(xmlNodePtr n, const char *name, int def)
{
	char *v = pdf_prop(n, name);
	int r = v ? atoi(v) : def;

	free(v);
	return r;
}

static double
block_gap(fctx *c, benv *e)
{
	if (e->first) {
		e->first = 0;
		return e->tight ? 1.5 : c->st->para_gap * 0.6;
	}
	return e->tight ? 1.5 : c->st->para_gap;
}

static void
decorate(pdf_item *it, benv *e, const pdf_style *st)
{
	if (e->quote && it->deco == DECO_NONE) {
		it->deco = DECO_BAR;
		it->deco_col = st->rule;
		it->deco_x0 = e->bar_x;
	}
}

static pdf_item *
add_text_item(fctx *c, benv *e, pdf_text *tx, double gap, int tag)
{
	pdf_item *it = pdfflow_add(c->f, IT_TEXT);

	it->x = e->x;
	it->w = e->w;
	it->text = *tx;
	it->h = text_height(tx);
	it->gap = gap;
	it->tag = tag;
	decorate(it, e, c->st);
	return it;
}

static cairo_surface_t *
load_image(const char *path, int *ok)
{
	cairo_surface_t *s = NULL;

	*ok = 0;
	if (str_has_suffix(path, ".png") || str_has_suffix(path, ".PNG")) {
		s = cairo_image_surface_create_from_png(path);
		if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
			cairo_surface_destroy(s);
			return NULL;
		}
		*ok = 1;
		return s;
	}
#ifdef PDF_HAVE_RSVG
	if (str_has_suffix(path, ".svg") || str_has_suffix(path, ".SVG")) {
		RsvgHandle *h = rsvg_handle_new_from_file(path, NULL);
		gdouble w = 0, hh = 0;
		cairo_t *cr;
		RsvgRectangle vp;

		if (!h)
			return NULL;
		if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh) ||
		    w <= 0 || hh <= 0) {
			w = 300;
			hh = 150;
		}
		/* A recording surface keeps the SVG as vectors in the PDF. */
		s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA,
		    &(cairo_rectangle_t){ 0, 0, w, hh });
		cr = cairo_create(s);
		vp.x = vp.y = 0;
		vp.width = w;
		vp.height = hh;
		rsvg_handle_render_document(h, cr, &vp, NULL);
		cairo_destroy(cr);
		g_object_unref(h);
		*ok = 2;
		return s;
	}
#endif
	return NULL;
}

static void
image_size(cairo_surface_t *s, int kind, double *w, double *h)
{
	if (kind == 2) {
		cairo_rectangle_t r;

		*w = 300;
		*h = 150;
		if (cairo_recording_surface_get_extents(s, &r)) {
			*w = r.width;
			*h = r.height;
		}
		return;
	}
	*w = cairo_image_surface_get_width(s);
	*h = cairo_image_surface_get_height(s);
}

static void
add_image(fctx *c, benv *e, const char *src, const char *alt, int line)
{
	char *dir, *rel, *path, *slash;
	cairo_surface_t *s = NULL;
	int kind = 0;
	double w, h, scale, maxh;
	pdf_item *it;

	if (!src || str_has_prefix(src, "http:") ||
	    str_has_prefix(src, "https:") || str_has_prefix(src, "data:")) {
		kind = 0;
	} else {
		dir = xstrdup(c->docpath ? c->docpath : "");
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			dir[0] = '\0';
		rel = *dir ? path_join(dir, src) : xstrdup(src);
		path = c->in->project_dir ? path_join(c->in->project_dir, rel) :
		    xstrdup(rel);
		s = load_image(path, &kind);
		free(path);
		free(rel);
		free(dir);
	}
	if (!s) {
		ibuild b;
		pdf_text tx;
		char *msg = xasprintf("[Image not available: %s]",
		    alt && *alt ? alt : (src ? src : ""));

		diag_report_sev(c->in->ds, SEV_WARNING, "image-missing",
		    c->docpath, line, 0, "image %s is missing or unreadable "
		    "(PNG%s only)", src ? src : "(none)",
#ifdef PDF_HAVE_RSVG
		    " or SVG"
#else
		    ""
#endif
		    );
		ib_init(&b, c->t, line);
		ib_text(&b, msg);
		pango_attr_list_insert(b.al, ranged(pango_attr_style_new(
		    PANGO_STYLE_ITALIC), 0, b.text.len));
		ib_finish(&b, &tx, c->t->fd_body, e->w, c->st->muted);
		add_text_item(c, e, &tx, block_gap(c, e), TAG_P);
		free(msg);
		return;
	}
	image_size(s, kind, &w, &h);
	/* 96 dpi for pixels; never wider than the column nor taller than
	 * most of a page. */
	maxh = (PDF_PAGE_H - c->st->margin_top - c->st->margin_bottom) * 0.85;
	scale = kind == 2 ? 1.0 : 0.75;
	if (w * scale > e->w)
		scale = e->w / w;
	if (h * scale > maxh)
		scale = maxh / h;
	it = pdfflow_add(c->f, IT_IMAGE);
	it->x = e->x;
	it->w = w * scale;
	it->h = h * scale;
	it->img = s;
	it->img_scale = scale;
	it->gap = block_gap(c, e);
	it->tag = TAG_FIG;
	it->outline_title = xstrdup(alt ? alt : "");
}

static void
para(fctx *c, benv *e, xmlNodePtr n, const PangoFontDescription *fd,
    pdf_rgb col)
{
	ibuild b;
	pdf_text tx;
	size_t i;
	double gap = block_gap(c, e);

	memset(&tx, 0, sizeof tx);
	ib_init(&b, c->t, getint(n, "line", 0));
	ib_walk(&b, n);
	if (b.nimgs && blank(b.text.data)) {
		pango_attr_list_unref(b.al);
		buf_free(&b.text);
		free(b.links);
		e->first = 0;
	} else {
		ib_finish(&b, &tx, fd, e->w, col);
		add_text_item(c, e, &tx, gap, TAG_P);
	}
	for (i = 0; i < b.nimgs; i++)
		add_image(c, e, b.imgs[i].src, b.imgs[i].alt, b.imgs[i].line);
	ib_free_imgs(&b);
}

static void
heading(fctx *c, benv *e, xmlNodePtr n, int in_body_section)
{
	int level = getint(n, "level", 2);
	char *id = pdf_prop(n, "id");
	PangoFontDescription *fd;
	ibuild b;
	pdf_text tx;
	pdf_item *it;
	double gap;

	if (level < 1)
		level = 1;
	if (level > 6)
		level = 6;
	fd = pango_font_description_from_string(c->st->font_head);
	pango_font_description_set_size(fd,
	    (int)(c->st->size_h[level] * PANGO_SCALE));
	pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	ib_init(&b, c->t, getint(n, "line", 0));
	ib_walk(&b, n);
	ib_finish(&b, &tx, fd, e->w, level <= 3 ? c->st->primary :
	    c->st->text);
	pango_font_description_free(fd);
	gap = level <= 2 ? 16 : level == 3 ? 12 : 9;
	e->first = 0;
	it = add_text_item(c, e, &tx, gap, TAG_H);
	it->level = level;
	it->keep_next = 1;
	if (id && in_body_section && !e->quote && !e->list_depth) {
		char *plain = xstrdup(pango_layout_get_text(tx.layout));
		it->outline = level < 2 ? 2 : level;
		it->outline_title = plain;
		it->dest = xasprintf("%s#%s", c->f->id, id);
	}
	free(id);
}

static void
mono_block(fctx *c, benv *e, xmlNodePtr n)
{
	char *v = pdf_content(n);
	size_t len = strlen(v);
	PangoLayout *l;
	PangoAttrList *al;
	pdf_text tx;
	pdf_item *it;
	double pad = 5, inset = 6;

	memset(&tx, 0, sizeof tx);
	while (len && v[len - 1] == '\n')
		v[--len] = '\0';
	l = new_layout(c->t, c->t->fd_mono, e->w - 2 * inset);
	pango_layout_set_wrap(l, PANGO_WRAP_CHAR);
	pango_layout_set_line_spacing(l, 1.1f);
	pango_layout_set_text(l, len ? v : " ", -1);
	al = pango_attr_list_new();
	pango_attr_list_insert(al, ranged(colour_attr(c->st->text), 0,
	    G_MAXUINT));
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	pdftext_set(c->t, &tx, l);
	it = add_text_item(c, e, &tx, block_gap(c, e), TAG_CODE);
	it->x = e->x + inset;
	it->w = e->w - 2 * inset;
	it->pad = pad;
	it->h += 2 * pad;
	it->deco = DECO_BG;
	it->deco_col = c->st->code_bg;
	it->deco_x0 = e->x;
	it->deco_x1 = e->x + e->w;
	free(v);
}

static PangoLayout *
marker_layout(fctx *c, const char *s)
{
	return pdf_layout(c->t, c->st->font_body, c->st->size_body, -1, s, 0,
	    (pdf_rgb *)&c->st->text);
}

static void
list(fctx *c, benv *e, xmlNodePtr n)
{
	static const char *bullets[] = { "\xe2\x80\xa2", "\xe2\x97\xa6",
		"\xe2\x96\xaa" };
	char *type = pdf_prop(n, "type");
	char *tight = pdf_prop(n, "tight");
	char *delim = pdf_prop(n, "delim");
	int ordered = type && !strcmp(type, "ordered");
	int num = getint(n, "start", 1);
	xmlNodePtr it;
	benv sub = *e;
	double indent = c->st->list_indent + (ordered ? 6 : 0);
	double gap = block_gap(c, e);
	int firstitem = 1;

	/* Deep nesting stops indenting once the text column would fall
	 * below 40% of the page. */
	if (e->w - indent < c->cw * 0.4)
		indent = 0;
	sub.x = e->x + indent;
	sub.w = e->w - indent;
	sub.list_depth = e->list_depth + 1;
	sub.tight = tight && !strcmp(tight, "true");
	for (it = n->children; it; it = it->next) {
		char mark[64];
		char *task;
		size_t before;

		if (!pdf_is(it, "item"))
			continue;
		task = pdf_prop(it, "task");
		if (task && !strcmp(task, "checked"))
			snprintf(mark, sizeof mark, "\xe2\x98\x91");
		else if (task)
			snprintf(mark, sizeof mark, "\xe2\x98\x90");
		else if (ordered)
			snprintf(mark, sizeof mark, "%d%s", num,
			    delim && !strcmp(delim, "paren") ? ")" : ".");
		else
			snprintf(mark, sizeof mark, "%s",
			    bullets[e->list_depth % 3]);
		free(task);
		num++;
		before = c->f->n;
		sub.first = 1;
		blocks(c, it, &sub);
		if (c->f->n == before) {
			pdf_text tx;
			ibuild b;

			memset(&tx, 0, sizeof tx);
			ib_init(&b, c->t, 0);
			ib_text(&b, " ");
			ib_finish(&b, &tx, c->t->fd_body, sub.w, c->st->text);
			add_text_item(c, &sub, &tx, 1.5, TAG_LI);
		}
		/* The first item of a list takes the gap before the list. */
		if (firstitem)
			c->f->items[before].gap = gap;
		firstitem = 0;
		if (!c->f->items[before].marker) {
			c->f->items[before].marker = marker_layout(c, mark);
			c->f->items[before].tag = TAG_LI;
		}
	}
	free(type);
	free(tight);
	free(delim);
}

/* ---- tables ---- */

/* Fits column widths into w from each cell's natural and minimum width,
 * then lays the cells out at their column width. */
static void
table_build(fctx *c, benv *e, pdf_text *cells, int nrows, int ncols,
    int has_header, int shade_first, int min_row_h_rows, double gap,
    const double *fracs)
{
	pdf_table *tb = xcalloc(1, sizeof *tb);
	double *mx = xcalloc((size_t)ncols, sizeof(double));
	double *mn = xcalloc((size_t)ncols, sizeof(double));
	double pad = c->st->cell_pad, avail, smax = 0, smin = 0, x;
	int r, k;

	tb->ncols = ncols;
	tb->colx = xcalloc((size_t)ncols, sizeof(double));
	tb->colw = xcalloc((size_t)ncols, sizeof(double));
	tb->header_item = -1;
	tb->shade_first_col = shade_first;
	for (r = 0; r < nrows; r++)
		for (k = 0; k < ncols; k++) {
			PangoLayout *l = cells[r * ncols + k].layout;
			PangoRectangle lr;
			pango_layout_set_width(l, -1);
			pango_layout_get_extents(l, NULL, &lr);
			if (lr.width / (double)PANGO_SCALE > mx[k])
				mx[k] = lr.width / (double)PANGO_SCALE;
			pango_layout_set_wrap(l, PANGO_WRAP_WORD);
			pango_layout_set_width(l, 1);
			pango_layout_get_extents(l, NULL, &lr);
			if (lr.width / (double)PANGO_SCALE > mn[k])
				mn[k] = lr.width / (double)PANGO_SCALE;
			pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		}
	avail = e->w - ncols * 2 * pad;
	for (k = 0; k < ncols; k++) {
		mx[k] += 1;
		mn[k] += 1;
		if (mn[k] > avail * 0.5)
			mn[k] = avail * 0.5;
		if (mx[k] < mn[k])
			mx[k] = mn[k];
		smax += mx[k];
		smin += mn[k];
	}
	for (k = 0; k < ncols; k++) {
		double cwk;
		if (smax <= avail)
			cwk = mx[k] + (shade_first ? 0 : 0);
		else if (smin >= avail)
			cwk = avail * mn[k] / smin;
		else
			cwk = mn[k] + (mx[k] - mn[k]) * (avail - smin) /
			    (smax - smin);
		tb->colw[k] = cwk + 2 * pad;
	}
	if (fracs)
		for (k = 0; k < ncols; k++)
			tb->colw[k] = e->w * fracs[k];
	/* Tables span the column: spread what is left in proportion. */
	else if (smax < avail) {
		double total = 0;
		for (k = 0; k < ncols; k++)
			total += tb->colw[k];
		for (k = 0; k < ncols; k++)
			tb->colw[k] += (e->w - total) * tb->colw[k] / total;
	}
	x = 0;
	for (k = 0; k < ncols; k++) {
		tb->colx[k] = x;
		x += tb->colw[k];
	}
	c->f->tables = xrealloc(c->f->tables,
	    (c->f->ntables + 1) * sizeof *c->f->tables);
	c->f->tables[c->f->ntables++] = tb;
	for (r = 0; r < nrows; r++) {
		pdf_item *it = pdfflow_add(c->f, IT_ROW);
		double h = 0;

		it->x = e->x;
		it->w = e->w;
		it->table = tb;
		it->ncells = ncols;
		it->cells = xcalloc((size_t)ncols, sizeof(pdf_text));
		it->pad = pad;
		it->tag = TAG_TR;
		it->gap = r == 0 ? gap : 0;
		for (k = 0; k < ncols; k++) {
			pdf_text *src = &cells[r * ncols + k];
			PangoLayout *l = src->layout;
			pango_layout_set_width(l, (int)((tb->colw[k] - 2 * pad) *
			    PANGO_SCALE));
			free(src->top);
			free(src->bot);
			free(src->base);
			free(src->lx);
			it->cells[k] = *src;
			pdftext_set(c->t, &it->cells[k], l);
			if (text_height(&it->cells[k]) > h)
				h = text_height(&it->cells[k]);
		}
		if (r >= nrows - min_row_h_rows && h < 26)
			h = 26;
		it->h = h + 2 * pad;
		if (r == 0 && has_header) {
			it->header = 1;
			it->keep_next = 1;
			tb->header_item = (int)(c->f->n - 1);
		}
		decorate(it, e, c->st);
	}
	free(mx);
	free(mn);
}

static void
table(fctx *c, benv *e, xmlNodePtr n)
{
	xmlNodePtr row, cell;
	int nrows = 0, ncols = 0, r = 0, k, has_header = 0;
	pdf_text *cells;
	PangoFontDescription *bold = pango_font_description_copy(
	    c->t->fd_body);

	pango_font_description_set_weight(bold, PANGO_WEIGHT_BOLD);
	for (row = n->children; row; row = row->next) {
		int cn = 0;
		if (!pdf_is(row, "row"))
			continue;
		nrows++;
		for (cell = row->children; cell; cell = cell->next)
			if (pdf_is(cell, "cell"))
				cn++;
		if (cn > ncols)
			ncols = cn;
	}
	if (!nrows || !ncols) {
		pango_font_description_free(bold);
		return;
	}
	cells = xcalloc((size_t)(nrows * ncols), sizeof *cells);
	for (row = n->children; row; row = row->next) {
		char *hdr;
		if (!pdf_is(row, "row"))
			continue;
		hdr = pdf_prop(row, "header");
		if (r == 0 && hdr && !strcmp(hdr, "true"))
			has_header = 1;
		k = 0;
		for (cell = row->children; cell; cell = cell->next) {
			ibuild b;
			char *align;

			if (!pdf_is(cell, "cell"))
				continue;
			ib_init(&b, c->t, getint(n, "line", 0));
			ib_walk(&b, cell);
			ib_free_imgs(&b);
			ib_finish(&b, &cells[r * ncols + k],
			    hdr ? bold : c->t->fd_body, -1, c->st->text);
			align = pdf_prop(cell, "align");
			if (align && !strcmp(align, "right"))
				pango_layout_set_alignment(
				    cells[r * ncols + k].layout,
				    PANGO_ALIGN_RIGHT);
			else if (align && !strcmp(align, "center"))
				pango_layout_set_alignment(
				    cells[r * ncols + k].layout,
				    PANGO_ALIGN_CENTER);
			free(align);
			k++;
		}
		for (; k < ncols; k++) {
			ibuild b;
			ib_init(&b, c->t, 0);
			ib_finish(&b, &cells[r * ncols + k], c->t->fd_body, -1,
			    c->st->text);
		}
		free(hdr);
		r++;
	}
	table_build(c, e, cells, nrows, ncols, has_header, 0, 0,
	    block_gap(c, e) + 2, NULL);
	free(cells);
	pango_font_description_free(bold);
}

static void
blocks(fctx *c, xmlNodePtr parent, benv *e)
{
	xmlNodePtr n;

	for (n = parent->children; n; n = n->next) {
		const char *name;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		name = (const char *)n->name;
		if (!strcmp(name, "section")) {
			blocks(c, n, e);
		} else if (!strcmp(name, "heading")) {
			heading(c, e, n, pdf_is(n->parent, "section"));
		} else if (!strcmp(name, "para")) {
			para(c, e, n, c->t->fd_body, c->st->text);
		} else if (!strcmp(name, "blockquote")) {
			benv sub = *e;
			sub.quote = 1;
			sub.bar_x = e->x;
			sub.x = e->x + c->st->quote_indent;
			sub.w = e->w - c->st->quote_indent;
			blocks(c, n, &sub);
			e->first = 0;
		} else if (!strcmp(name, "list")) {
			list(c, e, n);
		} else if (!strcmp(name, "codeblock") ||
		    !strcmp(name, "htmlblock")) {
			mono_block(c, e, n);
		} else if (!strcmp(name, "rule")) {
			pdf_item *it = pdfflow_add(c->f, IT_RULE);
			it->x = e->x;
			it->w = e->w;
			it->h = 8;
			it->gap = block_gap(c, e) + 4;
		} else if (!strcmp(name, "table")) {
			table(c, e, n);
		}
	}
}

/* ---- the document flow ---- */

static void
simple_text(fctx *c, benv *e, const char *s, const PangoFontDescription *fd,
    pdf_rgb col, int bold, double gap, int tag)
{
	ibuild b;
	pdf_text tx;

	ib_init(&b, c->t, 0);
	ib_text(&b, s);
	if (bold)
		pango_attr_list_insert(b.al, ranged(pango_attr_weight_new(
		    PANGO_WEIGHT_BOLD), 0, b.text.len));
	ib_finish(&b, &tx, fd, e->w, col);
	add_text_item(c, e, &tx, gap, tag);
}

static PangoFontDescription *
sized(fctx *c, const char *family, double size, int bold)
{
	PangoFontDescription *fd = pango_font_description_from_string(family);

	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	return fd;
}

static void
section_heading(fctx *c, benv *e, const char *title, const char *dest)
{
	PangoFontDescription *fd = sized(c, c->st->font_head, c->st->size_h[2],
	    1);
	pdf_item *it;

	simple_text(c, e, title, fd, c->st->primary, 0, 18, TAG_H);
	pango_font_description_free(fd);
	it = &c->f->items[c->f->n - 1];
	it->keep_next = 1;
	it->level = 2;
	it->outline = 2;
	it->outline_title = xstrdup(title);
	it->dest = xasprintf("%s#%s", c->f->id, dest);
}

/* A cell of plain text (optionally bold, coloured). */
static void
cell_text(fctx *c, pdf_text *tx, const char *s, int bold, pdf_rgb col)
{
	ibuild b;

	ib_init(&b, c->t, 0);
	ib_text(&b, s ? s : "");
	if (bold)
		pango_attr_list_insert(b.al, ranged(pango_attr_weight_new(
		    PANGO_WEIGHT_BOLD), 0, b.text.len));
	ib_finish(&b, tx, c->t->fd_body, -1, col);
}

static char *
meta_text(xmlNodePtr meta, const char *name)
{
	xmlNodePtr n = pdf_child(meta, name);

	return n ? pdf_content(n) : NULL;
}

static void
capitalise(char *s)
{
	if (s && *s)
		*s = (char)toupper((unsigned char)*s);
}

static void
review_phrase(xmlNodePtr rev, const pdf_style *st, char *out, size_t n,
    pdf_rgb *col, char **state_out)
{
	char *due = pdf_prop(rev, "due"), *state = pdf_prop(rev, "state");
	char *days = pdf_prop(rev, "days");
	char date[64];
	long d = days ? atol(days) : 0;

	*col = st->text;
	pdf_date_long(due, date, sizeof date);
	if (!due || !state || !strcmp(state, "none")) {
		snprintf(out, n, "Not set");
		*col = st->due_soon;
	} else if (!strcmp(state, "overdue")) {
		snprintf(out, n, "%s \xe2\x80\x94 OVERDUE by %ld day%s", date,
		    -d, -d == 1 ? "" : "s");
		*col = st->overdue;
	} else if (!strcmp(state, "due-soon")) {
		snprintf(out, n, "%s \xe2\x80\x94 due soon (in %ld day%s)", date,
		    d, d == 1 ? "" : "s");
		*col = st->due_soon;
	} else {
		snprintf(out, n, "%s \xe2\x80\x94 current", date);
		*col = st->current;
	}
	if (state_out)
		*state_out = xstrdup(state ? state : "none");
	free(due);
	free(state);
	free(days);
}

static void
control_table(fctx *c, benv *e, xmlNodePtr meta)
{
	const char *labels[] = { "Owner", "Version", "Approved", "Approved by",
		"Review due", "Status" };
	const char *keys[] = { "owner", "version", "approved", "approved-by",
		NULL, "status" };
	pdf_text cells[12];
	int r;

	memset(cells, 0, sizeof cells);
	for (r = 0; r < 6; r++) {
		char val[256];
		pdf_rgb col = c->st->text;
		char *v = NULL;

		cell_text(c, &cells[r * 2], labels[r], 1, c->st->text);
		if (keys[r]) {
			v = meta_text(meta, keys[r]);
			if (v && !strcmp(keys[r], "approved")) {
				pdf_date_long(v, val, sizeof val);
				free(v);
				v = xstrdup(val);
			}
			if (v && !strcmp(keys[r], "status"))
				capitalise(v);
			if (!v || !*v) {
				free(v);
				v = xstrdup("\xe2\x80\x94");
			}
			cell_text(c, &cells[r * 2 + 1], v, 0, col);
		} else {
			review_phrase(pdf_child(meta, "review"), c->st, val,
			    sizeof val, &col, &c->f->review_state);
			cell_text(c, &cells[r * 2 + 1], val, 1, col);
		}
		free(v);
	}
	table_build(c, e, cells, 6, 2, 0, 1, 0, 12, NULL);
}

static void
amendments(fctx *c, benv *e, xmlNodePtr meta)
{
	xmlNodePtr am = pdf_child(meta, "amendments"), a;
	ibuild b;
	pdf_text tx;
	pdf_item *it;
	int any = 0;
	size_t s;
	double inset = 10, pad = 7;

	if (!am)
		return;
	ib_init(&b, c->t, 0);
	ib_text(&b, "Amendments");
	pango_attr_list_insert(b.al, ranged(pango_attr_weight_new(
	    PANGO_WEIGHT_BOLD), 0, b.text.len));
	pango_attr_list_insert(b.al, ranged(colour_attr(c->st->accent), 0,
	    b.text.len));
	for (a = am->children; a; a = a->next) {
		char *date, *txt, ld[64];
		if (!pdf_is(a, "amendment"))
			continue;
		date = pdf_prop(a, "date");
		txt = pdf_content(a);
		pdf_date_long(date, ld, sizeof ld);
		buf_puts(&b.text, "\n");
		s = b.text.len;
		ib_text(&b, ld);
		pango_attr_list_insert(b.al, ranged(pango_attr_weight_new(
		    PANGO_WEIGHT_BOLD), s, b.text.len));
		ib_text(&b, ": ");
		ib_text(&b, txt);
		free(date);
		free(txt);
		any = 1;
	}
	if (!any) {
		pango_attr_list_unref(b.al);
		buf_free(&b.text);
		return;
	}
	ib_finish(&b, &tx, c->t->fd_body, e->w - 2 * inset, c->st->text);
	it = add_text_item(c, e, &tx, 12, TAG_P);
	it->x = e->x + inset;
	it->w = e->w - 2 * inset;
	it->pad = pad;
	it->h += 2 * pad;
	it->deco = DECO_BOX;
	it->deco_col = c->st->accent;
	it->deco_x0 = e->x;
	it->deco_x1 = e->x + e->w;
}

static void
footnotes(fctx *c, benv *e, xmlNodePtr fns)
{
	xmlNodePtr fn, p;
	int any = 0;
	benv sub = *e;

	for (fn = fns ? fns->children : NULL; fn; fn = fn->next) {
		char *nn;
		size_t before;

		if (!pdf_is(fn, "footnote"))
			continue;
		if (!any) {
			section_heading(c, e, "Notes", "notes");
			any = 1;
		}
		nn = pdf_prop(fn, "n");
		before = c->f->n;
		sub.x = e->x + 18;
		sub.w = e->w - 18;
		sub.first = 0;
		sub.tight = 0;
		for (p = fn->children; p; p = p->next)
			if (pdf_is(p, "para")) {
				para(c, &sub, p, c->t->fd_body, c->st->text);
			}
		if (c->f->n > before) {
			char *m = xasprintf("%s.", nn ? nn : "?");
			c->f->items[before].marker = marker_layout(c, m);
			c->f->items[before].dest = xasprintf("fn:%s:%s",
			    c->f->id, nn ? nn : "?");
			free(m);
		}
		free(nn);
	}
}

static void
related(fctx *c, benv *e, xmlNodePtr rel)
{
	xmlNodePtr r;
	int any = 0;

	for (r = rel ? rel->children : NULL; r; r = r->next) {
		ibuild b;
		pdf_text tx;
		char *ref, *title, *note;
		size_t s;
		pdf_item *it;
		benv sub = *e;

		if (!pdf_is(r, "ref") && !pdf_is(r, "external"))
			continue;
		if (!any) {
			section_heading(c, e, "Related documents", "related");
			any = 1;
		}
		ref = pdf_prop(r, pdf_is(r, "ref") ? "ref" : "href");
		title = pdf_prop(r, "title");
		note = pdf_prop(r, "note");
		ib_init(&b, c->t, 0);
		s = b.text.len;
		ib_text(&b, title && *title ? title : (ref ? ref : ""));
		pango_attr_list_insert(b.al, ranged(colour_attr(c->st->primary),
		    s, b.text.len));
		pango_attr_list_insert(b.al, ranged(pango_attr_underline_new(
		    PANGO_UNDERLINE_SINGLE), s, b.text.len));
		ib_link(&b, s, pdf_is(r, "ref") ? LK_DOC : LK_URI, ref, NULL);
		if (note && *note) {
			ib_text(&b, " \xe2\x80\x94 ");
			ib_text(&b, note);
		}
		sub.x = e->x + c->st->list_indent;
		sub.w = e->w - c->st->list_indent;
		ib_finish(&b, &tx, c->t->fd_body, sub.w, c->st->text);
		it = add_text_item(c, &sub, &tx, 2, TAG_LI);
		it->marker = marker_layout(c, "\xe2\x80\xa2");
		free(ref);
		free(title);
		free(note);
	}
}

static void
adoption_log(fctx *c, benv *e, xmlNodePtr meta)
{
	xmlNodePtr hist = pdf_child(meta, "history"), h;
	const char *heads[] = { "Version", "Date", "By", "Note",
		"Signed", "Next review" };
	static const double fracs[] = { 0.11, 0.15, 0.17, 0.27, 0.17, 0.13 };
	int nrows = 1, r = 0, k, ncols = 6;
	pdf_text *cells;
	char *review = NULL;
	xmlNodePtr rev = pdf_child(meta, "review");
	char line[512], due[64];
	PangoFontDescription *small;

	for (h = hist ? hist->children : NULL; h; h = h->next)
		if (pdf_is(h, "entry"))
			nrows++;
	nrows += c->st->sign_rows;
	section_heading(c, e, "Adoption and review", "adoption-and-review");
	if (rev)
		review = pdf_prop(rev, "due");
	pdf_date_long(review, due, sizeof due);
	{
		char *org = c->st->org_name ? c->st->org_name : "the setting";
		snprintf(line, sizeof line, "This document was adopted by %s. "
		    "Each review is recorded below, signed and dated by the "
		    "person authorising it.%s%s%s", org,
		    review ? " Next review due: " : "", review ? due : "",
		    review ? "." : "");
	}
	small = pango_font_description_copy(c->t->fd_body);
	simple_text(c, e, line, small, c->st->text, 0, 4, TAG_P);
	pango_font_description_free(small);
	c->f->items[c->f->n - 1].keep_next = 1;
	cells = xcalloc((size_t)(nrows * ncols), sizeof *cells);
	for (k = 0; k < ncols; k++)
		cell_text(c, &cells[k], heads[k], 1, c->st->text);
	r = 1;
	for (h = hist ? hist->children : NULL; h; h = h->next) {
		char *v, *d, *by, *note, ld[64];
		if (!pdf_is(h, "entry"))
			continue;
		v = pdf_prop(h, "version");
		d = pdf_prop(h, "date");
		by = pdf_prop(h, "by");
		note = pdf_content(h);
		pdf_date_long(d, ld, sizeof ld);
		cell_text(c, &cells[r * ncols + 0], v, 0, c->st->text);
		cell_text(c, &cells[r * ncols + 1], ld, 0, c->st->text);
		cell_text(c, &cells[r * ncols + 2], by, 0, c->st->text);
		cell_text(c, &cells[r * ncols + 3], note, 0, c->st->text);
		cell_text(c, &cells[r * ncols + 4], "", 0, c->st->text);
		cell_text(c, &cells[r * ncols + 5], "", 0, c->st->text);
		free(v);
		free(d);
		free(by);
		free(note);
		r++;
	}
	for (; r < nrows; r++)
		for (k = 0; k < ncols; k++)
			cell_text(c, &cells[r * ncols + k],
			    k == 3 ? "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0" :
			    k == 4 ? "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0" : "",
			    0, c->st->text);
	table_build(c, e, cells, nrows, ncols, 1, 0, c->st->sign_rows, 6,
	    fracs);
	free(cells);
	free(review);
}

pdf_flow *
pdfflow_document(pdf_thread *t, const backend_input *in, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr meta = pdf_child(root, "meta"), n, sup;
	char *id = pdf_prop(root, "id"), *title = meta_text(meta, "title");
	char *type = meta_text(meta, "type"), *status = meta_text(meta,
	    "status");
	fctx c;
	benv e;
	pdf_flow *f;
	PangoFontDescription *fd;
	pdf_item *it;
	char kicker[256];

	f = pdfflow_new(id, title);
	f->path = pdf_prop(root, "path");
	f->type = xstrdup(type ? type : "");
	f->owner = meta_text(meta, "owner");
	memset(&c, 0, sizeof c);
	c.t = t;
	c.st = t->st;
	c.in = in;
	c.f = f;
	c.docpath = f->path;
	c.cw = PDF_PAGE_W - t->st->margin_left - t->st->margin_right;
	memset(&e, 0, sizeof e);
	e.w = c.cw;
	if ((n = pdf_child(meta, "tags")))
		for (n = n->children; n; n = n->next)
			if (pdf_is(n, "tag")) {
				f->tags = xrealloc(f->tags,
				    (f->ntags + 1) * sizeof *f->tags);
				f->tags[f->ntags++] = pdf_content(n);
			}

	/* Title block. */
	capitalise(type);
	snprintf(kicker, sizeof kicker, "%s%s%s", type && *type ? type :
	    "Document", c.st->org_name ? " \xc2\xb7 " : "",
	    c.st->org_name ? c.st->org_name : "");
	fd = sized(&c, c.st->font_body, c.st->size_body, 1);
	simple_text(&c, &e, kicker, fd, c.st->accent, 0, 0, TAG_P);
	pango_font_description_free(fd);
	f->items[f->n - 1].keep_next = 1;
	fd = sized(&c, c.st->font_head, c.st->size_title, 1);
	simple_text(&c, &e, title ? title : "", fd, c.st->primary, 0, 4, TAG_H);
	pango_font_description_free(fd);
	it = &f->items[f->n - 1];
	it->level = 1;
	it->keep_next = 1;
	it->outline = 1;
	it->outline_title = xstrdup(title ? title : "");
	it->dest = xstrdup(f->id);
	if (status && strcmp(status, "active")) {
		char msg[512];
		capitalise(status);
		snprintf(msg, sizeof msg, "Status: %s", status);
		if ((sup = pdf_child(meta, "superseded-by"))) {
			char *st2 = pdf_prop(sup, "title");
			snprintf(msg, sizeof msg, "Status: %s \xe2\x80\x94 "
			    "superseded by %s", status, st2 ? st2 : "");
			free(st2);
		}
		fd = sized(&c, c.st->font_body, c.st->size_h[4], 1);
		simple_text(&c, &e, msg, fd, c.st->overdue, 0, 6, TAG_P);
		pango_font_description_free(fd);
	}
	control_table(&c, &e, meta);
	amendments(&c, &e, meta);
	if ((n = pdf_child(root, "body")))
		blocks(&c, n, &e);
	footnotes(&c, &e, pdf_child(root, "footnotes"));
	related(&c, &e, pdf_child(root, "related"));
	adoption_log(&c, &e, meta);

	free(id);
	free(title);
	free(type);
	free(status);
	return f;
}

/* ---- pack flows ---- */

static void
space(pdf_flow *f, double h)
{
	pdf_item *it = pdfflow_add(f, IT_SPACE);
	it->h = h;
}

pdf_flow *
pdfflow_cover(pdf_thread *t, const backend_input *in, xmlNodePtr pack,
    pdf_flow **docs, size_t ndocs)
{
	char *ptitle = pdf_prop(pack, "title"), *pid = pdf_prop(pack, "id");
	char *today = NULL, date[64], line[512];
	pdf_flow *f = pdfflow_new("cover", ptitle ? ptitle : pid);
	fctx c;
	benv e;
	PangoFontDescription *fd;
	size_t i, ncur = 0, nsoon = 0, nover = 0, nnone = 0;
	int listed = 0;

	memset(&c, 0, sizeof c);
	c.t = t;
	c.st = t->st;
	c.in = in;
	c.f = f;
	c.cw = PDF_PAGE_W - t->st->margin_left - t->st->margin_right;
	memset(&e, 0, sizeof e);
	e.w = c.cw;
	if (in->corpus)
		today = pdf_prop(xmlDocGetRootElement(in->corpus), "today");
	pdf_date_long(today ? today : in->today, date, sizeof date);
	space(f, 40);
	if (c.st->logo_path) {
		size_t before = f->n;
		char *docp = xstrdup("x");
		c.docpath = docp;   /* the logo is relative to the project */
		add_image(&c, &e, c.st->logo_path, "logo", 0);
		if (f->n > before && f->items[before].type == IT_IMAGE) {
			pdf_item *im = &f->items[before];
			double sc = 90 / (im->h / im->img_scale);
			if (im->w / im->img_scale * sc > 240)
				sc = 240 / (im->w / im->img_scale);
			im->w = im->w / im->img_scale * sc;
			im->h = im->h / im->img_scale * sc;
			im->img_scale = sc;
		}
		free(docp);
	}
	fd = sized(&c, c.st->font_head, 16, 1);
	simple_text(&c, &e, c.st->org_name ? c.st->org_name : "", fd,
	    c.st->muted, 0, 24, TAG_P);
	pango_font_description_free(fd);
	fd = sized(&c, c.st->font_head, 30, 1);
	simple_text(&c, &e, ptitle ? ptitle : (pid ? pid : ""), fd,
	    c.st->primary, 0, 14, TAG_H);
	f->items[f->n - 1].outline = 1;
	f->items[f->n - 1].outline_title = xstrdup(f->title);
	f->items[f->n - 1].dest = xstrdup("cover");
	pango_font_description_free(fd);
	fd = sized(&c, c.st->font_body, 12, 0);
	snprintf(line, sizeof line, "%zu document%s \xc2\xb7 Built %s", ndocs,
	    ndocs == 1 ? "" : "s", date);
	simple_text(&c, &e, line, fd, c.st->text, 0, 10, TAG_P);
	pango_font_description_free(fd);

	for (i = 0; i < ndocs; i++) {
		const char *s = docs[i]->review_state ? docs[i]->review_state :
		    "none";
		if (!strcmp(s, "overdue"))
			nover++;
		else if (!strcmp(s, "due-soon"))
			nsoon++;
		else if (!strcmp(s, "current"))
			ncur++;
		else
			nnone++;
	}
	space(f, 30);
	fd = sized(&c, c.st->font_head, c.st->size_h[3], 1);
	simple_text(&c, &e, "Review status", fd, c.st->primary, 0, 0, TAG_H);
	f->items[f->n - 1].keep_next = 1;
	pango_font_description_free(fd);
	snprintf(line, sizeof line, "%zu current \xc2\xb7 %zu due for review "
	    "soon \xc2\xb7 %zu overdue%s", ncur, nsoon, nover,
	    nnone ? " \xc2\xb7 " : "");
	if (nnone)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%zu without a review date", nnone);
	simple_text(&c, &e, line, c.t->fd_body, nover ? c.st->overdue :
	    c.st->current, 1, 4, TAG_P);
	for (i = 0; i < ndocs && listed < 25; i++) {
		const char *s = docs[i]->review_state ? docs[i]->review_state :
		    "none";
		ibuild b;
		pdf_text tx;
		pdf_item *it;
		benv sub = e;
		size_t st0;

		if (strcmp(s, "overdue") && strcmp(s, "due-soon"))
			continue;
		ib_init(&b, t, 0);
		st0 = b.text.len;
		ib_text(&b, docs[i]->title);
		pango_attr_list_insert(b.al, ranged(colour_attr(c.st->primary),
		    st0, b.text.len));
		ib_link(&b, st0, LK_DOC, docs[i]->id, NULL);
		ib_text(&b, !strcmp(s, "overdue") ? " \xe2\x80\x94 overdue" :
		    " \xe2\x80\x94 due soon");
		sub.x = e.x + 14;
		sub.w = e.w - 14;
		ib_finish(&b, &tx, c.t->fd_body, sub.w, c.st->text);
		it = add_text_item(&c, &sub, &tx, 2, TAG_LI);
		it->marker = marker_layout(&c, "\xe2\x80\xa2");
		listed++;
	}
	space(f, 30);
	line[0] = '\0';
	if (c.st->org_address)
		snprintf(line, sizeof line, "%s", c.st->org_address);
	if (c.st->org_phone)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%sTelephone %s", *line ? "\n" : "", c.st->org_phone);
	if (c.st->org_registration)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%sOfsted registration %s", *line ? "\n" : "",
		    c.st->org_registration);
	if (c.st->org_charity)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%sRegistered charity %s", *line ? "\n" : "",
		    c.st->org_charity);
	if (*line) {
		ibuild b;
		pdf_text tx;
		ib_init(&b, t, 0);
		buf_puts(&b.text, line);
		ib_finish(&b, &tx, c.t->fd_body, e.w, c.st->muted);
		add_text_item(&c, &e, &tx, 0, TAG_P);
	}
	free(ptitle);
	free(pid);
	free(today);
	return f;
}

/*
 * Starts a pack page of its own (contents, glossary): the context for a
 * full-width flow f and its heading, which is outlined and a link target.
 */
static void
pack_page_start(fctx *c, benv *e, pdf_thread *t, const backend_input *in,
    pdf_flow *f, const char *title, const char *dest)
{
	PangoFontDescription *fd;

	memset(c, 0, sizeof *c);
	c->t = t;
	c->st = t->st;
	c->in = in;
	c->f = f;
	c->cw = PDF_PAGE_W - t->st->margin_left - t->st->margin_right;
	memset(e, 0, sizeof *e);
	e->w = c->cw;
	fd = sized(c, c->st->font_head, c->st->size_h[1], 1);
	simple_text(c, e, title, fd, c->st->primary, 0, 0, TAG_H);
	pango_font_description_free(fd);
	f->items[f->n - 1].outline = 1;
	f->items[f->n - 1].outline_title = xstrdup(title);
	f->items[f->n - 1].dest = xstrdup(dest);
	f->items[f->n - 1].keep_next = 1;
}

pdf_flow *
pdfflow_contents(pdf_thread *t, pdf_flow **flows, size_t nflows)
{
	pdf_flow *f = pdfflow_new("contents", "Contents");
	fctx c;
	benv e;
	size_t i;

	pack_page_start(&c, &e, t, NULL, f, "Contents", "contents");
	space(f, 8);
	for (i = 0; i < nflows; i++) {
		ibuild b;
		pdf_text tx;
		pdf_item *it;
		const char *ty = flows[i]->type;

		ib_init(&b, t, 0);
		ib_text(&b, flows[i]->title);
		if (ty && *ty) {
			size_t s = b.text.len;
			ib_text(&b, "  ");
			ib_text(&b, ty);
			pango_attr_list_insert(b.al, ranged(colour_attr(
			    c.st->muted), s, b.text.len));
			pango_attr_list_insert(b.al, ranged(
			    pango_attr_scale_new(0.85), s, b.text.len));
		}
		ib_finish(&b, &tx, c.t->fd_body, e.w - 60, c.st->text);
		it = add_text_item(&c, &e, &tx, 5, TAG_P);
		it->type = IT_TOC;
		it->w = e.w;
		it->toc_dest = xstrdup(flows[i]->id);
	}
	return f;
}

static int
cmp_entry_name(const void *a, const void *b)
{
	char *na = pdf_content(pdf_child(*(xmlNodePtr const *)a, "name"));
	char *nb = pdf_content(pdf_child(*(xmlNodePtr const *)b, "name"));
	int r = strcasecmp(na, nb);

	free(na);
	free(nb);
	return r;
}

pdf_flow *
pdfflow_glossary(pdf_thread *t, const backend_input *in, pdf_flow **docs,
    size_t ndocs)
{
	xmlNodePtr gl = NULL, en, u;
	xmlNodePtr *sel = NULL;
	size_t nsel = 0, i, k;
	pdf_flow *f;
	fctx c;
	benv e;
	PangoFontDescription *bold;

	if (in->corpus)
		gl = pdf_child(xmlDocGetRootElement(in->corpus), "glossary");
	for (en = gl ? gl->children : NULL; en; en = en->next) {
		int used = 0;
		if (!pdf_is(en, "entry"))
			continue;
		for (u = pdf_child(pdf_child(en, "uses"), "use"); u && !used;
		    u = u->next) {
			char *d;
			if (!pdf_is(u, "use"))
				continue;
			d = pdf_prop(u, "doc");
			for (k = 0; d && k < ndocs; k++)
				if (!strcmp(d, docs[k]->id))
					used = 1;
			free(d);
		}
		if (used) {
			sel = xrealloc(sel, (nsel + 1) * sizeof *sel);
			sel[nsel++] = en;
		}
	}
	if (!nsel) {
		free(sel);
		return NULL;
	}
	qsort(sel, nsel, sizeof *sel, cmp_entry_name);
	f = pdfflow_new("glossary", "Glossary");
	pack_page_start(&c, &e, t, in, f, "Glossary", "glossary");
	simple_text(&c, &e, "The terms used in the documents of this pack.",
	    c.t->fd_body, c.st->muted, 0, 4, TAG_P);
	bold = sized(&c, c.st->font_body, c.st->size_h[4], 1);
	for (i = 0; i < nsel; i++) {
		char *name = pdf_content(pdf_child(sel[i], "name"));
		char *abbr = pdf_child(sel[i], "abbr") ?
		    pdf_content(pdf_child(sel[i], "abbr")) : NULL;
		char *id = pdf_prop(sel[i], "id");
		char *label = abbr && *abbr ? xasprintf("%s (%s)", name, abbr) :
		    xstrdup(name);
		xmlNodePtr def = pdf_child(sel[i], "definition");
		benv sub = e;
		ibuild b;
		pdf_text tx;
		int nuse = 0;
		pdf_item *it;

		simple_text(&c, &e, label, bold, c.st->text, 0, 12, TAG_H);
		it = &f->items[f->n - 1];
		it->keep_next = 1;
		it->dest = xasprintf("term:%s", id ? id : "");
		sub.x = e.x + 12;
		sub.w = e.w - 12;
		sub.first = 1;
		sub.tight = 1;
		if (def)
			blocks(&c, def, &sub);
		ib_init(&b, t, 0);
		ib_text(&b, "Used in: ");
		for (u = pdf_child(pdf_child(sel[i], "uses"), "use"); u;
		    u = u->next) {
			char *d;
			if (!pdf_is(u, "use"))
				continue;
			d = pdf_prop(u, "doc");
			for (k = 0; d && k < ndocs; k++)
				if (!strcmp(d, docs[k]->id)) {
					size_t s;
					if (nuse++)
						ib_text(&b, "; ");
					s = b.text.len;
					ib_text(&b, docs[k]->title);
					ib_link(&b, s, LK_DOC, d, NULL);
					pango_attr_list_insert(b.al, ranged(
					    colour_attr(c.st->primary), s,
					    b.text.len));
				}
			free(d);
		}
		ib_finish(&b, &tx, c.t->fd_small, sub.w, c.st->muted);
		add_text_item(&c, &sub, &tx, 3, TAG_P);
		free(name);
		free(abbr);
		free(id);
		free(label);
	}
	pango_font_description_free(bold);
	free(sel);
	return f;
}
