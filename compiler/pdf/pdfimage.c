/*
 * pdfimage.c — images of the PDF flow: loads a PNG (or an SVG through
 * librsvg when built with it) named by the policy XML and adds it as an
 * item scaled to the column and the page; what cannot be drawn becomes its
 * alt text.  Called by the block builder (pdfblock.c) and for the pack
 * cover's logo (pdfpack.c).
 */
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<librsvg/rsvg.h>)
#include <librsvg/rsvg.h>
#define PDF_HAVE_RSVG 1
#endif
#endif

#include "pdfflow.h"

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

void
pdfimage_add(fctx *c, benv *e, const char *src, const char *alt, int line)
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
		pdfib_init(&b, c->t, line);
		pdfib_text(&b, msg);
		pango_attr_list_insert(b.al, pdf_ranged(pango_attr_style_new(
		    PANGO_STYLE_ITALIC), 0, b.text.len));
		pdfib_finish(&b, &tx, c->t->fd_body, e->w, c->st->muted);
		pdfblock_add_text(c, e, &tx, pdfblock_gap(c, e), TAG_P);
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
	it->gap = pdfblock_gap(c, e);
	it->tag = TAG_FIG;
	it->outline_title = xstrdup(alt ? alt : "");
}
