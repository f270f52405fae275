/*
 * pdfdraw.c — the drawing pass: paints paginated flows (pdfpage.c) onto a
 * cairo PDF surface with the very PangoLayouts the measuring pass shaped,
 * now that every page number is known.  Adds the running header and footer
 * ("Page X of Y"), live links (uri= for the web, dest= for places inside the
 * file), named destinations, the outline, structure tags and metadata with
 * a fixed date, so the same input gives the same bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pdfint.h"
#include "publish.h"

typedef struct {
	pdf_thread *t;
	const pdf_style *st;
	const backend_input *in;
	pdf_out *out;
	cairo_t *cr;
	cairo_surface_t *surf;
	cairo_surface_t *logo;
	double logo_w, logo_h;
	PangoLayout *footer[2];   /* the footer's two lines */
	double qr_room;           /* the controlled-copy QR code's width at the
	                             footer's right end (pdfcontrol_room) */
	PangoLayout *watermark;   /* "DRAFT", made on the first draft page */
	PangoLayout *cont;        /* "(continued)", made when first needed */
	PangoLayout *draft_label; /* "DRAFT" in the footer of a draft */
	PangoLayout *org;         /* running header: organisation */
	PangoLayout *head;        /* running header: head_flow's header */
	const pdf_flow *head_flow;
	double head_x;
	int outline_ids[8];
	int tagged;
	GHashTable *dests;        /* name -> dest_ref: every flow's
	                             destinations, made at the first lookup */
	struct dest_ref *dest_refs;
} dctx;

/* Where a destination is: its flow and its place in the flow's list. */
typedef struct dest_ref {
	const pdf_flow *f;
	size_t k;
} dest_ref;

static void settle(dctx *d, PangoLayout *l);

static void
set_rgb(cairo_t *cr, pdf_rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* Appends s quoted for a cairo tag attribute string. */
static void
attr_str(buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/*
 * Appends uri percent-encoded: every byte but the unreserved and reserved
 * characters of RFC 3986, and of those also ( ) ' and *, which cairo 1.16
 * writes into the PDF string unescaped (a backslash or an unbalanced
 * parenthesis there breaks the file).  An existing %XX escape is kept.
 */
static void
uri_encode(buf *b, const char *uri)
{
	static const char keep[] = "-._~:/?#[]@!$&+,;=";
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)uri;

	for (; *u; u++) {
		if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
		    (*u >= '0' && *u <= '9') || strchr(keep, *u))
			buf_putc(b, (char)*u);
		else if (*u == '%' && isxdigit(u[1]) && isxdigit(u[2]))
			buf_putc(b, '%');
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[*u >> 4]);
			buf_putc(b, hex[*u & 15]);
		}
	}
}

/* Appends uri= and the encoded uri as a cairo tag attribute. */
static void
uri_attr(buf *b, const char *uri)
{
	buf e;

	buf_init(&e);
	buf_puts(&e, "");
	uri_encode(&e, uri);
	buf_puts(b, "uri=");
	attr_str(b, e.data);
	buf_free(&e);
}

/* The destination name of the file being drawn: 1 when there is one
 * (the first of that name, in the flows' order), its global page and y
 * set.  A pack's ten thousand links looked each name up in every flow's
 * list; the lists are fixed once the flows are paginated, so they are
 * indexed once a file. */
static int
find_dest(dctx *d, const char *name, int *page, double *y)
{
	const dest_ref *r;
	size_t i, k, n = 0;

	if (!d->dests) {
		d->dests = g_hash_table_new(g_str_hash, g_str_equal);
		for (i = 0; i < d->out->nflows; i++)
			n += d->out->flows[i]->ndests;
		d->dest_refs = xcalloc(n + 1, sizeof *d->dest_refs);
		n = 0;
		for (i = 0; i < d->out->nflows; i++) {
			const pdf_flow *f = d->out->flows[i];
			for (k = 0; k < f->ndests; k++)
				if (!g_hash_table_contains(d->dests,
				    f->dests[k].name)) {
					d->dest_refs[n].f = f;
					d->dest_refs[n].k = k;
					g_hash_table_insert(d->dests,
					    f->dests[k].name, &d->dest_refs[n++]);
				}
		}
	}
	if (!(r = g_hash_table_lookup(d->dests, name)))
		return 0;
	if (page)
		*page = r->f->first_page + r->f->dests[r->k].page;
	if (y)
		*y = r->f->dests[r->k].y;
	return 1;
}

static int
flow_in_out(pdf_out *out, const char *id)
{
	size_t i;

	for (i = 0; i < out->nflows; i++)
		if (!strcmp(out->flows[i]->id, id))
			return 1;
	return 0;
}

/* The link attributes for a link of flow f, or 0 when it goes nowhere
 * in this file and nowhere on the web. */
static int
link_attrs(dctx *d, pdf_flow *f, const pdf_link *k, buf *b)
{
	char *name = NULL;
	int ok = 0;

	switch (k->kind) {
	case LK_URI:
		uri_attr(b, k->target);
		return 1;
	case LK_ANCHOR:
		name = xasprintf("%s#%s", f->id, k->target);
		break;
	case LK_FOOTNOTE:
		name = xasprintf("fn:%s:%s", f->id, k->target);
		break;
	case LK_TERM:
		name = xasprintf("term:%s", k->target);
		break;
	case LK_DOC:
		if (d->out->in_pack && flow_in_out(d->out, k->target)) {
			name = k->anchor ? xasprintf("%s#%s", k->target,
			    k->anchor) : xstrdup(k->target);
			if (!find_dest(d, name, NULL, NULL)) {
				free(name);
				name = xstrdup(k->target);
			}
		} else if (d->st->base_url && *d->st->base_url) {
			const char *bu = d->st->base_url;
			char *u = xasprintf("%s%s%s.html%s%s", bu,
			    bu[strlen(bu) - 1] == '/' ? "" : "/", k->target,
			    k->anchor ? "#" : "", k->anchor ? k->anchor : "");
			uri_attr(b, u);
			free(u);
			return 1;
		}
		break;
	}
	if (name && find_dest(d, name, NULL, NULL)) {
		buf_puts(b, "dest=");
		attr_str(b, name);
		ok = 1;
	}
	free(name);
	return ok;
}

static void
link_rect(dctx *d, const char *attrs, double x, double y, double w, double h)
{
	buf b;

	if (w <= 0 || h <= 0)
		return;
	buf_init(&b);
	buf_printf(&b, "rect=[%.2f %.2f %.2f %.2f] %s", x, y, w, h, attrs);
	cairo_tag_begin(d->cr, CAIRO_TAG_LINK, b.data);
	cairo_tag_end(d->cr, CAIRO_TAG_LINK);
	buf_free(&b);
}

/* Draws lines [l0, l1) of tx with the top of line l0 at (x, y); adds the
 * link areas of its links. */
static void
draw_lines(dctx *d, pdf_flow *f, const pdf_text *tx, int l0, int l1,
    double x, double y)
{
	int l;
	size_t i;
	GSList *first, *it;

	if (!tx->layout)
		return;
	/* the layout's lines are a list: walked, not indexed line by line
	 * (pango_layout_get_line_readonly counts from the first each time) */
	first = g_slist_nth(pango_layout_get_lines_readonly(tx->layout),
	    (guint)l0);
	for (l = l0, it = first; l < l1 && it; l++, it = it->next) {
		PangoLayoutLine *line = it->data;
		cairo_move_to(d->cr, x + tx->lx[l], y + tx->base[l] -
		    tx->top[l0]);
		pango_cairo_show_layout_line(d->cr, line);
	}
	for (i = 0; i < tx->nlinks; i++) {
		const pdf_link *k = &tx->links[i];
		buf attrs;

		buf_init(&attrs);
		if (!link_attrs(d, f, k, &attrs)) {
			buf_free(&attrs);
			continue;
		}
		for (l = l0, it = first; l < l1 && it; l++, it = it->next) {
			PangoLayoutLine *line = it->data;
			int ls = line->start_index, le = ls + line->length;
			int s = k->start > ls ? k->start : ls;
			int e = k->end < le ? k->end : le;
			int *ranges = NULL, nr = 0, r;

			if (s >= e)
				continue;
			pango_layout_line_get_x_ranges(line, s, e, &ranges,
			    &nr);
			for (r = 0; r < nr; r++) {
				double x0 = ranges[2 * r] / (double)PANGO_SCALE;
				double x1 = ranges[2 * r + 1] /
				    (double)PANGO_SCALE;
				link_rect(d, attrs.data, x + x0, y +
				    tx->top[l] - tx->top[l0], x1 - x0,
				    tx->bot[l] - tx->top[l]);
			}
			g_free(ranges);
		}
		buf_free(&attrs);
	}
}

static void
dest_here(dctx *d, const char *name, double x, double y)
{
	buf b;

	buf_init(&b);
	buf_puts(&b, "name=");
	attr_str(&b, name);
	buf_printf(&b, " x=%.2f y=%.2f", x, y);
	cairo_tag_begin(d->cr, CAIRO_TAG_DEST, b.data);
	cairo_tag_end(d->cr, CAIRO_TAG_DEST);
	buf_free(&b);
}

static void
outline_add(dctx *d, int depth, const char *title, int page, double y,
    int open)
{
	char attrs[128];
	int parent = CAIRO_PDF_OUTLINE_ROOT, j;

	if (depth < 1)
		depth = 1;
	if (depth > 7)
		depth = 7;
	for (j = depth - 1; j >= 1; j--)
		if (d->outline_ids[j] > 0) {
			parent = d->outline_ids[j];
			break;
		}
	snprintf(attrs, sizeof attrs, "page=%d pos=[%.2f %.2f]", page,
	    d->st->margin_left, y);
	d->outline_ids[depth] = cairo_pdf_surface_add_outline(d->surf, parent,
	    title, attrs, open ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
	for (j = depth + 1; j < 8; j++)
		d->outline_ids[j] = 0;
}

static const char *
tag_name(const pdf_item *it)
{
	static const char *h[] = { "H1", "H1", "H2", "H3", "H4", "H5", "H6" };

	switch (it->tag) {
	case TAG_H:
		return h[it->level >= 1 && it->level <= 6 ? it->level : 1];
	case TAG_CODE:
		return "Code";
	case TAG_LI:
		return "LI";
	case TAG_FIG:
		return "Figure";
	case TAG_TR:
		return "TR";
	default:
		return "P";
	}
}

/* The background, box or quote bar of a text item. */
static void
draw_deco(dctx *d, const pdf_item *it, const pdf_place *pl, double y0)
{
	const pdf_style *st = d->st;
	cairo_t *cr = d->cr;
	double ml = st->margin_left + pl->dx;

	if (it->deco == DECO_BG || it->deco == DECO_BOX) {
		set_rgb(cr, it->deco == DECO_BOX ? st->box_bg :
		    it->deco_col);
		cairo_rectangle(cr, ml + it->deco_x0, y0,
		    it->deco_x1 - it->deco_x0, pl->h);
		cairo_fill(cr);
		if (it->deco == DECO_BOX) {
			set_rgb(cr, it->deco_col);
			cairo_rectangle(cr, ml + it->deco_x0, y0, 4,
			    pl->h);
			cairo_fill(cr);
		}
	} else if (it->deco == DECO_BAR) {
		set_rgb(cr, it->deco_col);
		cairo_rectangle(cr, ml + it->deco_x0, y0 - it->gap,
		    3, pl->h + it->gap);
		cairo_fill(cr);
	}
}

/* A contents entry's page number, its dotted leader and its link. */
static void
draw_toc_number(dctx *d, const pdf_item *it, const pdf_place *pl, double x0,
    double y0, double padtop)
{
	const pdf_style *st = d->st;
	cairo_t *cr = d->cr;
	int pg = 0;
	char num[32];
	PangoLayout *nl;
	PangoRectangle lr, ink;
	PangoLayoutLine *last;
	double endx, base, nx;
	buf attrs;

	find_dest(d, it->toc_dest, &pg, NULL);
	snprintf(num, sizeof num, "%d", pg);
	nl = pdf_layout(d->t, st->font_body, st->size_body, -1,
	    num, 0, NULL);
	pango_layout_get_extents(nl, NULL, &lr);
	nx = x0 + it->w - lr.width / (double)PANGO_SCALE;
	base = y0 + padtop + it->text.base[it->toc_line] -
	    it->text.top[pl->l0];
	cairo_move_to(cr, nx, base);
	pango_cairo_show_layout_line(cr,
	    pango_layout_get_line_readonly(nl, 0));
	g_object_unref(nl);
	last = pango_layout_get_line_readonly(it->text.layout,
	    it->toc_line);
	pango_layout_line_get_extents(last, &ink, &lr);
	endx = x0 + it->text.lx[it->toc_line] +
	    lr.width / (double)PANGO_SCALE + 6;
	set_rgb(cr, st->muted);
	for (double dx = nx - 8; dx > endx; dx -= 4.5) {
		cairo_rectangle(cr, dx, base - 0.8, 0.8, 0.8);
	}
	cairo_fill(cr);
	buf_init(&attrs);
	buf_puts(&attrs, "dest=");
	attr_str(&attrs, it->toc_dest);
	if (find_dest(d, it->toc_dest, NULL, NULL))
		link_rect(d, attrs.data, x0, y0, it->w, pl->h);
	buf_free(&attrs);
}

/* The line over the rest of a table split across pages. */
static void
draw_continued(dctx *d, const pdf_item *it, const pdf_place *pl)
{
	if (!d->cont) {
		d->cont = pdf_layout(d->t, d->st->font_body, d->st->size_small +
		    0.5, -1, "(continued)", 0, (pdf_rgb *)&d->st->muted);
		settle(d, d->cont);
	}
	if (d->tagged)
		cairo_tag_begin(d->cr, "P", NULL);
	cairo_move_to(d->cr, d->st->margin_left + pl->dx + it->x,
	    d->st->margin_top + pl->y + 1);
	pango_cairo_show_layout(d->cr, d->cont);
	if (d->tagged)
		cairo_tag_end(d->cr, "P");
}

static void
draw_item(dctx *d, pdf_flow *f, const pdf_place *pl, int gpage)
{
	const pdf_style *st = d->st;
	pdf_item *it = &f->items[pl->item];
	cairo_t *cr = d->cr;
	double ml = st->margin_left + pl->dx, mt = st->margin_top;
	double x0 = ml + it->x, y0 = mt + pl->y;
	int first = pl->l0 == 0 && !pl->repeat && (!pl->cl0 ||
	    pl->cl0[0] == 0);
	int k;

	if (pl->cont) {
		draw_continued(d, it, pl);
		return;
	}
	if (d->tagged)
		cairo_tag_begin(cr, tag_name(it), NULL);
	if (it->dest && first)
		dest_here(d, it->dest, ml, y0);
	if (it->outline && first && it->outline_title) {
		/* In a pack, a document stands under its sections. */
		int base = d->out->in_pack ? f->sec_depth : 0;
		if (it->outline == 1 && d->out->in_pack)
			for (k = 0; k < f->nsec_open; k++)
				outline_add(d, f->sec_open_depth[k] + 1,
				    f->sec_open[k], gpage, y0, 1);
		outline_add(d, it->outline + base, it->outline_title, gpage,
		    y0, it->outline == 1 && !d->out->in_pack);
	}
	switch (it->type) {
	case IT_TEXT:
	case IT_TOC: {
		double padtop = pl->l0 == 0 ? it->pad : 0;

		draw_deco(d, it, pl, y0);
		set_rgb(cr, st->text);
		draw_lines(d, f, &it->text, pl->l0, pl->l1, x0, y0 + padtop);
		if (it->marker && pl->l0 == 0 && it->text.nlines) {
			PangoRectangle lr;
			pango_layout_get_extents(it->marker, NULL, &lr);
			cairo_move_to(cr, x0 - lr.width / (double)PANGO_SCALE -
			    5, y0 + padtop + it->text.base[0] -
			    it->text.top[0]);
			pango_cairo_show_layout_line(cr,
			    pango_layout_get_line_readonly(it->marker, 0));
		}
		if (it->type == IT_TOC && it->toc_dest &&
		    it->toc_line >= pl->l0 && it->toc_line < pl->l1)
			draw_toc_number(d, it, pl, x0, y0, padtop);
		break;
	}
	case IT_ROW: {
		pdf_table *tb = it->table;
		for (k = 0; k < it->ncells && k < tb->ncols; k++) {
			double cx = x0 + tb->colx[k];
			if (it->header || (tb->shade_first_col && k == 0)) {
				set_rgb(cr, st->head_bg);
				cairo_rectangle(cr, cx, y0, tb->colw[k], pl->h);
				cairo_fill(cr);
			}
			set_rgb(cr, st->border);
			cairo_set_line_width(cr, 0.5);
			cairo_rectangle(cr, cx, y0, tb->colw[k], pl->h);
			cairo_stroke(cr);
			set_rgb(cr, st->text);
			if (d->tagged)
				cairo_tag_begin(cr, it->header ? "TH" : "TD",
				    NULL);
			draw_lines(d, f, &it->cells[k], pl->cl0 ? pl->cl0[k] :
			    0, pl->cl1 ? pl->cl1[k] : it->cells[k].nlines,
			    cx + it->pad, y0 + it->pad);
			if (d->tagged)
				cairo_tag_end(cr, it->header ? "TH" : "TD");
		}
		break;
	}
	case IT_IMAGE:
		cairo_save(cr);
		cairo_translate(cr, x0, y0);
		cairo_scale(cr, it->img_scale, it->img_scale);
		cairo_set_source_surface(cr, it->img, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
		break;
	case IT_RULE:
		set_rgb(cr, st->rule);
		cairo_set_line_width(cr, 0.75);
		cairo_move_to(cr, x0, y0 + it->h / 2);
		cairo_line_to(cr, x0 + it->w, y0 + it->h / 2);
		cairo_stroke(cr);
		break;
	}
	if (d->tagged)
		cairo_tag_end(cr, tag_name(it));
}

/* Shapes l now, and pins its fonts (pdffont.c): a layout made while
 * drawing may meet a font no document used, and is then shaped under
 * the font lock. */
static void
settle(dctx *d, PangoLayout *l)
{
	(void)pdffont_shape(d->t, l);
}

/* The width of s in the footer's font (shaped under the font lock). */
static double
footer_w(dctx *d, const char *s)
{
	PangoLayout *l = pdf_layout(d->t, d->st->font_body, d->st->size_small,
	    -1, s, 0, NULL);
	PangoRectangle r;

	settle(d, l);
	pango_layout_get_extents(l, NULL, &r);
	g_object_unref(l);
	return r.width / (double)PANGO_SCALE;
}

/* Is the word at s..e a UK postcode's outward code (AB1, W1A, SW1A)? */
static int
outward_code(const char *s, const char *e)
{
	const char *p = s;

	while (p < e && isupper((unsigned char)*p))
		p++;
	if (p - s < 1 || p - s > 2 || p == e || !isdigit((unsigned char)*p))
		return 0;
	p++;
	if (p < e && isalnum((unsigned char)*p))
		p++;
	return p == e;
}

/*
 * Appends s with the spaces that must not break made non-breaking: between
 * two groups of digits (a telephone number, "01632 960123") and inside a
 * postcode ("AB1 2CD").  A footer line then never ends mid-number.
 */
void
pdf_nbsp_numbers(buf *b, const char *s)
{
	const char *w = s, *p;

	for (p = s; *p; p++) {
		if (*p != ' ') {
			buf_putc(b, *p);
			continue;
		}
		int digits = p > s && isdigit((unsigned char)p[-1]) &&
		    isdigit((unsigned char)p[1]);
		int post = outward_code(w, p) && isdigit((unsigned char)p[1]) &&
		    isupper((unsigned char)p[2]) && isupper((unsigned char)p[3]);
		buf_puts(b, digits || post ? "\xc2\xa0" : " ");
		w = p + 1;
	}
}

/* Appends "  ·  LABEL VALUE" (the label joined to the value by a
 * non-breaking space, the value's numbers kept whole). */
static void
foot_part(buf *b, const char *label, const char *v)
{
	if (!v || !*v)
		return;
	if (b->len)
		buf_puts(b, "  \xc2\xb7  ");
	if (label) {
		buf_puts(b, label);
		buf_puts(b, "\xc2\xa0");
		pdf_nbsp_numbers(b, v);
	} else
		buf_puts(b, v);
}

/*
 * The footer: at most two lines, whatever the address (a third is left
 * for a controlled-copy line): organisation and address on the first,
 * telephone and registrations on the second, no part ever broken inside
 * a number.
 */
static void
make_footer(dctx *d)
{
	const pdf_style *st = d->st;
	double w = PDF_PAGE_W - st->margin_left - st->margin_right - 90 -
	    d->qr_room;
	buf name, addr, l1, l2;
	int k;

	buf_init(&name);
	buf_init(&addr);
	buf_init(&l1);
	buf_init(&l2);
	buf_puts(&name, "");
	buf_puts(&addr, "");
	buf_puts(&l1, "");
	buf_puts(&l2, "");
	if (st->org_name)
		pdf_nbsp_numbers(&name, st->org_name);
	if (st->org_address)
		pdf_nbsp_numbers(&addr, st->org_address);
	/* The second line: telephone and registrations, each whole. */
	foot_part(&l2, "Tel", st->org_phone);
	foot_part(&l2, "Ofsted registration", st->org_registration);
	foot_part(&l2, "Registered charity", st->org_charity);
	/* The first: organisation and address; when both do not fit, the
	 * organisation moves to the head of the second line if it fits
	 * there (it is in the running header too), else the address is
	 * cut short. */
	foot_part(&l1, NULL, name.data);
	foot_part(&l1, NULL, addr.data);
	if (name.len && addr.len && footer_w(d, l1.data) > w) {
		buf t;
		buf_init(&t);
		buf_puts(&t, "");
		foot_part(&t, NULL, name.data);
		foot_part(&t, NULL, l2.data);
		if (footer_w(d, t.data) <= w) {
			buf_free(&l2);
			l2 = t;
			buf_free(&l1);
			buf_init(&l1);
			buf_puts(&l1, addr.data);
		} else
			buf_free(&t);
	}
	for (k = 0; k < 2; k++) {
		PangoLayout *l = pdf_layout(d->t, st->font_body, st->size_small,
		    w, k ? l2.data : l1.data, 0, (pdf_rgb *)&st->muted);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		settle(d, l);
		d->footer[k] = l;
	}
	buf_free(&name);
	buf_free(&addr);
	buf_free(&l1);
	buf_free(&l2);
}

/* The running header's layouts: the organisation once per file, the
 * flow's header once per flow. */
static void
chrome_layouts(dctx *d, const pdf_flow *f, double tx)
{
	const pdf_style *st = d->st;
	double cw = PDF_PAGE_W - st->margin_left - st->margin_right;
	PangoLayout *l;

	if (!d->org && st->org_name) {
		l = pdf_layout(d->t, st->font_body, st->size_small + 0.5, -1,
		    st->org_name, 0, (pdf_rgb *)&st->muted);
		pango_layout_set_width(l, (int)(cw * 0.38 * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
		settle(d, l);
		d->org = l;
	}
	if (d->head_flow == f && d->head_x == tx)
		return;
	if (d->head)
		g_object_unref(d->head);
	l = pdf_layout(d->t, st->font_body, st->size_small + 0.5,
	    cw * 0.6 - (tx - st->margin_left), f->header ? f->header : "", 1,
	    (pdf_rgb *)&st->primary);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	settle(d, l);
	d->head = l;
	d->head_flow = f;
	d->head_x = tx;
}

static void
draw_chrome(dctx *d, pdf_flow *f, int gpage)
{
	const pdf_style *st = d->st;
	cairo_t *cr = d->cr;
	double ml = st->margin_left, cw = PDF_PAGE_W - ml - st->margin_right;
	double hy = st->margin_top - 26, fy = PDF_PAGE_H - st->margin_bottom +
	    16, tx = ml;
	char num[64];
	PangoLayout *l;
	PangoRectangle r;

	if (d->logo) {
		double s = 18 / d->logo_h;
		if (d->logo_w * s > 60)
			s = 60 / d->logo_w;
		cairo_save(cr);
		cairo_translate(cr, ml, hy - 3);
		cairo_scale(cr, s, s);
		cairo_set_source_surface(cr, d->logo, 0, 0);
		cairo_rectangle(cr, 0, 0, d->logo_w, d->logo_h);
		cairo_fill(cr);
		cairo_restore(cr);
		tx = ml + d->logo_w * s + 8;
	}
	chrome_layouts(d, f, tx);
	if (st->as_of_label) {   /* build --as-of: above the running header */
		l = pdf_layout(d->t, st->font_body, st->size_small + 0.5, cw,
		    st->as_of_label, 1, (pdf_rgb *)&st->overdue);
		cairo_move_to(cr, ml, hy - 20);
		pango_cairo_show_layout(cr, l);
		g_object_unref(l);
	}
	cairo_move_to(cr, tx, hy);
	pango_cairo_show_layout(cr, d->head);
	if (d->org) {
		cairo_move_to(cr, ml + cw * 0.62, hy);
		pango_cairo_show_layout(cr, d->org);
	}
	set_rgb(cr, st->primary);
	cairo_set_line_width(cr, 0.75);
	cairo_move_to(cr, ml, st->margin_top - 10);
	cairo_line_to(cr, ml + cw, st->margin_top - 10);
	cairo_stroke(cr);

	set_rgb(cr, st->rule);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, ml, fy - 6);
	cairo_line_to(cr, ml + cw, fy - 6);
	cairo_stroke(cr);
	cairo_move_to(cr, ml, fy);
	pango_cairo_show_layout(cr, d->footer[0]);
	cairo_move_to(cr, ml, fy + PDF_FOOTER_LINE);
	pango_cairo_show_layout(cr, d->footer[1]);
	/* fy + 2 * PDF_FOOTER_LINE is left free: a third line (a
	 * controlled-copy notice) fits above the page's bottom edge. */
	/* In the body font, which every document's own layout pinned. */
	snprintf(num, sizeof num, "Page %d of %d", gpage,
	    d->out->total_pages);
	l = pdf_layout(d->t, st->font_body, st->size_small + 0.5, -1, num, 1,
	    (pdf_rgb *)&st->text);
	pango_layout_get_extents(l, NULL, &r);
	cairo_move_to(cr, ml + cw - d->qr_room - r.width / (double)PANGO_SCALE,
	    fy);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	pdfcontrol_draw(d->t, cr, f->control);
	/* The watermark is diagonal, which text extraction and screen
	 * readers drop: the word is also set plainly under the number. */
	if (f->status == STATUS_DRAFT) {
		if (!d->draft_label) {
			d->draft_label = pdf_layout(d->t, st->font_body,
			    st->size_small + 0.5, -1, "DRAFT", 1,
			    (pdf_rgb *)&st->overdue);
			settle(d, d->draft_label);
		}
		pango_layout_get_extents(d->draft_label, NULL, &r);
		cairo_move_to(cr, ml + cw - d->qr_room -
		    r.width / (double)PANGO_SCALE, fy + PDF_FOOTER_LINE);
		pango_cairo_show_layout(cr, d->draft_label);
	}
}

/*
 * A cover's own frame in place of the running header and footer: a band
 * of the primary colour across the top and a thin accent rule at the
 * foot.  (Drawn first and untagged: cairo 1.16 crashes finishing a tagged
 * file whose page opens with a structure tag and no content before it.)
 */
static void
draw_cover_frame(dctx *d)
{
	cairo_t *cr = d->cr;

	set_rgb(cr, d->st->primary);
	cairo_rectangle(cr, 0, 0, PDF_PAGE_W, 16);
	cairo_fill(cr);
	set_rgb(cr, d->st->accent);
	cairo_rectangle(cr, 0, 16, PDF_PAGE_W, 4);
	cairo_fill(cr);
	set_rgb(cr, d->st->primary);
	cairo_rectangle(cr, d->st->margin_left, PDF_PAGE_H - 48,
	    PDF_PAGE_W - d->st->margin_left - d->st->margin_right, 1.5);
	cairo_fill(cr);
}

/* "DRAFT" across the page, pale, under the page's content: a draft
 * printed and left on a desk must not pass for the adopted text. */
static void
draw_watermark(dctx *d)
{
	cairo_t *cr = d->cr;
	PangoRectangle r;
	pdf_rgb col = { 0.86, 0.86, 0.86 };

	if (!d->watermark) {
		d->watermark = pdf_layout(d->t, d->st->font_head, 110, -1,
		    "DRAFT", 1, &col);
		settle(d, d->watermark);
	}
	pango_layout_get_extents(d->watermark, NULL, &r);
	cairo_save(cr);
	cairo_translate(cr, PDF_PAGE_W / 2, PDF_PAGE_H / 2);
	cairo_rotate(cr, -G_PI / 4);
	cairo_move_to(cr, -r.width / 2.0 / PANGO_SCALE,
	    -r.height / 2.0 / PANGO_SCALE);
	pango_cairo_show_layout(cr, d->watermark);
	cairo_restore(cr);
}

static void
pdf_date(const backend_input *in, char *out, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *today = NULL;

	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (!*end && v >= 0) {
			time_t tt = (time_t)v;
			struct tm tm;
			gmtime_r(&tt, &tm);
			strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
			return;
		}
	}
	if (in->corpus)
		today = xmlread_attr(xmlDocGetRootElement(in->corpus), "today");
	snprintf(out, n, "%sT00:00:00Z", today ? today : (in->today ?
	    in->today : "1970-01-01"));
	free(today);
}

/* The PDF's output stream: cairo's file, in memory.  pdftag_finish
 * reads it from there (qpdf reads from memory: through stdio it seeks
 * for every object) and writes the accessible file; cairo's own, whose
 * page content is not compressed (pdf.c), never reaches the disk. */
static cairo_status_t
stream_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_putn(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Finishes the surface: 0, its bytes in out->drawn; else reports
 * pdf-write and returns 1 (the caller fails the build, so the old output
 * is kept). */
static int
finish_file(const backend_input *in, const char *path, pdf_out *out,
    cairo_surface_t *surf, buf *b)
{
	cairo_status_t status;

	cairo_surface_finish(surf);
	status = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	if (status != CAIRO_STATUS_SUCCESS) {
		buf_free(b);
		diag_report_sev(in->ds, SEV_ERROR, R_PDF_WRITE,
		    backend_out_rel(in, path), 0, 0,
		    "cannot write PDF: %s", cairo_status_to_string(status));
		return 1;
	}
	out->ndrawn = b->len;
	out->drawn = buf_detach(b);
	return 0;
}

/* The running header's logo: a PNG or an SVG (a recording surface, so
 * the logo stays vectors), or none when it cannot be read. */
static void
load_logo(dctx *d, const backend_input *in)
{
	if (d->st->logo_path && in->project_dir) {
		char *lp = path_join(in->project_dir, d->st->logo_path);
		int kind = 0;

		/* PNG or SVG (a recording surface: the logo stays vectors). */
		if ((d->logo = pdfimage_load(lp, &kind)) != NULL) {
			cairo_rectangle_t r;
			if (kind == 2 && cairo_recording_surface_get_extents(
			    d->logo, &r)) {
				d->logo_w = r.width;
				d->logo_h = r.height;
			} else if (kind == 1) {
				d->logo_w = cairo_image_surface_get_width(d->logo);
				d->logo_h = cairo_image_surface_get_height(
				    d->logo);
			}
			if (d->logo_w <= 0 || d->logo_h <= 0) {
				cairo_surface_destroy(d->logo);
				d->logo = NULL;
			}
		}
		free(lp);
	}
}

/* The document information dictionary: title, author (the
 * organisation), subject, keywords, creator and the build's dates. */
static void
set_metadata(dctx *d, const char *title, const char *subject,
    const char *keywords)
{
	char date[64];

	pdf_date(d->in, date, sizeof date);
	cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_TITLE, title);
	if (d->t->st->org_name)
		cairo_pdf_surface_set_metadata(d->surf,
		    CAIRO_PDF_METADATA_AUTHOR, d->t->st->org_name);
	if (subject)
		cairo_pdf_surface_set_metadata(d->surf,
		    CAIRO_PDF_METADATA_SUBJECT, subject);
	if (keywords && *keywords)
		cairo_pdf_surface_set_metadata(d->surf,
		    CAIRO_PDF_METADATA_KEYWORDS, keywords);
	cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATOR,
	    "policyc");
	cairo_pdf_surface_set_metadata(d->surf,
	    CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_MOD_DATE,
	    date);
}

/* What the drawing of one file made: its layouts, logo and context
 * (the surface is finish_file's). */
static void
free_drawing(dctx *d)
{
	g_object_unref(d->footer[0]);
	g_object_unref(d->footer[1]);
	if (d->watermark)
		g_object_unref(d->watermark);
	if (d->cont)
		g_object_unref(d->cont);
	if (d->draft_label)
		g_object_unref(d->draft_label);
	if (d->org)
		g_object_unref(d->org);
	if (d->head)
		g_object_unref(d->head);
	if (d->logo)
		cairo_surface_destroy(d->logo);
	if (d->dests)
		g_hash_table_destroy(d->dests);
	free(d->dest_refs);
	cairo_destroy(d->cr);
}

int
pdfdraw_write(pdf_thread *t, const backend_input *in, const char *path,
    pdf_out *out, const char *title, const char *subject,
    const char *keywords)
{
	dctx d;
	size_t i, p, k;
	int page = 1;
	buf drawn;

	memset(&d, 0, sizeof d);
	d.t = t;
	d.st = t->st;
	d.in = in;
	d.out = out;
	/* cairo 1.16 writes link annotations that point at structure
	 * elements it only emits for a tagged document: links need tags. */
	d.tagged = 1;
	for (i = 0; i < out->nflows; i++) {
		out->flows[i]->first_page = page;
		page += (int)out->flows[i]->npages;
	}
	out->total_pages = page - 1;
	free(out->drawn);
	out->drawn = NULL;
	out->ndrawn = 0;
	/* a file beneath the staging folder (the id was checked when the
	 * path was made; pdftag_finish writes it without following links) */
	if (!backend_beneath_out(in, path)) {
		diag_report_sev(in->ds, SEV_ERROR, R_PDF_WRITE, path, 0, 0,
		    "cannot create PDF: %s", strerror(EINVAL));
		return 1;
	}
	buf_init(&drawn);
	buf_grow(&drawn, 64 * 1024);
	d.surf = cairo_pdf_surface_create_for_stream(stream_write, &drawn,
	    PDF_PAGE_W, PDF_PAGE_H);
	if (cairo_surface_status(d.surf) != CAIRO_STATUS_SUCCESS)
		return finish_file(in, path, out, d.surf, &drawn);
	set_metadata(&d, title, subject, keywords);
	d.cr = cairo_create(d.surf);
	load_logo(&d, in);
	for (i = 0; i < out->nflows; i++)   /* the same room on every page */
		if (pdfcontrol_room(out->flows[i]->control) > d.qr_room)
			d.qr_room = pdfcontrol_room(out->flows[i]->control);
	make_footer(&d);
	if (d.tagged)
		cairo_tag_begin(d.cr, "Document", NULL);
	page = 1;
	for (i = 0; i < out->nflows; i++) {
		pdf_flow *f = out->flows[i];
		for (p = 0; p < f->npages; p++, page++) {
			if (f->status == STATUS_DRAFT)
				draw_watermark(&d);
			if (!f->no_chrome)
				draw_chrome(&d, f, page);
			else
				draw_cover_frame(&d);
			for (k = 0; k < f->pages[p].n; k++)
				draw_item(&d, f, &f->pages[p].pl[k], page);
			cairo_show_page(d.cr);
		}
	}
	if (d.tagged)
		cairo_tag_end(d.cr, "Document");
	free_drawing(&d);
	return finish_file(in, path, out, d.surf, &drawn);
}
