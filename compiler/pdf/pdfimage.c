/*
 * pdfimage.c — images of the PDF flow: loads a PNG (or an SVG through
 * librsvg when built with it) named by the policy XML and adds it as an
 * item scaled to the column and the page; what cannot be drawn becomes its
 * alt text.  Images were judged before any back end ran (present, inside
 * the project, a regular file): image/@kind says what was found, so
 * nothing here reports; a file that still cannot be decoded draws its
 * alt text.  Called by the block builder (pdfblock.c), for the pack
 * cover's logo (pdfpack.c) and the running header's logo (pdfdraw.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<librsvg/rsvg.h>)
#include <librsvg/rsvg.h>
#define PDF_HAVE_RSVG 1
#endif
#endif

#include "pdfflow.h"

/* Decoded images are bounded whatever a file declares: a 17 KB PNG can
 * declare 12,000 x 12,000 pixels (a 576 MB surface).  The bounds are
 * branch xml's image-too-large ones (docs/xml-format.md), which refuses
 * such images before any back end runs; this is the back end's own
 * guard. */
#define PDF_IMAGE_MAX_SIDE 10000
#define PDF_IMAGE_MAX_PIXELS (40u * 1000 * 1000)

/* 1 when the PNG at path declares dimensions within the bounds (read from
 * its IHDR before anything is decoded). */
static int
png_size_ok(const char *path)
{
	unsigned char h[24];
	FILE *fp = fopen(path, "rb");
	uint32_t w, hh;
	size_t n;

	if (!fp)
		return 0;
	n = fread(h, 1, sizeof h, fp);
	fclose(fp);
	if (n != sizeof h || memcmp(h, "\x89PNG\r\n\x1a\n", 8) ||
	    memcmp(h + 12, "IHDR", 4))
		return 0;
	w = (uint32_t)h[16] << 24 | (uint32_t)h[17] << 16 |
	    (uint32_t)h[18] << 8 | h[19];
	hh = (uint32_t)h[20] << 24 | (uint32_t)h[21] << 16 |
	    (uint32_t)h[22] << 8 | h[23];
	return w > 0 && hh > 0 && w <= PDF_IMAGE_MAX_SIDE &&
	    hh <= PDF_IMAGE_MAX_SIDE &&
	    (uint64_t)w * hh <= PDF_IMAGE_MAX_PIXELS;
}

cairo_surface_t *
pdfimage_load(const char *path, int *ok)
{
	cairo_surface_t *s = NULL;

	*ok = 0;
	if (str_has_suffix(path, ".png") || str_has_suffix(path, ".PNG")) {
		if (!png_size_ok(path))
			return NULL;
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

/* The alt text in place of an image: "[Image: alt]" for one on the web,
 * "[Image not available: alt]" for one that is missing, refused or
 * cannot be decoded. */
static void
alt_text(fctx *c, benv *e, const char *what, const char *alt, int line)
{
	ibuild b;
	pdf_text tx;
	char *msg = xasprintf("[%s: %s]", what, alt ? alt : "");

	pdfib_init(&b, c->t, line);
	pdfib_text(&b, msg);
	pango_attr_list_insert(b.al, pdf_ranged(pango_attr_style_new(
	    PANGO_STYLE_ITALIC), 0, b.text.len));
	pdfib_finish(&b, &tx, c->t->fd_body, e->w, c->st->muted);
	pdfblock_add_text(c, e, &tx, pdfblock_gap(c, e), TAG_P);
	free(msg);
}

/* The file an image names, as a path to open: image/@file (kind asset,
 * judged inside the project before any back end ran) joined with the
 * project folder.  Any other image, or one the XML does not say was
 * judged, is never opened: its alt text is drawn. */
static char *
image_path(fctx *c, const pimg *im)
{
	if (!im->kind || strcmp(im->kind, "asset") || !im->file || !*im->file)
		return NULL;
	return c->in->project_dir ? path_join(c->in->project_dir, im->file) :
	    xstrdup(im->file);
}

/* Adds the image s (kind 1 PNG, 2 SVG) scaled to the column and the
 * page. */
static void
place(fctx *c, benv *e, cairo_surface_t *s, int kind, const char *alt)
{
	double w, h, scale, maxh;
	pdf_item *it;

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

void
pdfimage_add(fctx *c, benv *e, const pimg *im)
{
	char *path = image_path(c, im);
	cairo_surface_t *s = NULL;
	int kind = 0;

	if (path)
		s = pdfimage_load(path, &kind);
	free(path);
	if (s)
		place(c, e, s, kind, im->alt);
	else
		alt_text(c, e, im->kind && !strcmp(im->kind, "external") ?
		    "Image" : "Image not available", im->alt && *im->alt ?
		    im->alt : (im->src ? im->src : ""), im->line);
}

void
pdfimage_add_file(fctx *c, benv *e, const char *file, const char *alt)
{
	pimg im;

	memset(&im, 0, sizeof im);
	im.kind = (char *)"asset";
	im.file = (char *)file;
	im.alt = (char *)alt;
	pdfimage_add(c, e, &im);
}
