/*
 * pdfcontrol.c — the controlled-copy stamp at the foot of every page of a
 * document's PDF (and of its pages in packs): "Printed copies are
 * uncontrolled. Valid until <date>", the build date, the version, the
 * short content hash and the live URL, with a QR code of that URL
 * (libqrencode) in the bottom-right corner so a reader of a paper copy
 * can check it is current.  Everything it draws was decided by govern.c
 * and is read from the document's <control> element: this file judges
 * nothing.  pdfflow_document makes one per document flow, draw_chrome
 * draws it on each page; a project without print-validity: gets none.
 */
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "pdfint.h"

#define QR_SIZE 40.0          /* points: 14 mm; level L keeps modules >= 1.2 pt */
#define QR_GAP 8.0            /* between the footer's text and the code */

struct pdf_control {
	char *text;               /* the stamp, two short lines */
	QRcode *qr;               /* of the URL; NULL without one */
};

pdf_control *
pdfcontrol_new(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr ctl = xmlread_child(root, "control");
	char *until, *built, *sh, *url, *version;
	char u[64], b[64];
	pdf_control *pc;
	buf t;

	if (!ctl || !(until = xmlread_attr(ctl, "valid-until")))
		return NULL;
	built = xmlread_attr_or(ctl, "built", "");
	sh = xmlread_attr_or(ctl, "short-hash", "");
	url = xmlread_attr(ctl, "url");
	version = xmlread_child_text(xmlread_child(root, "meta"), "version");
	date_long(until, u, sizeof u);
	date_long(built, b, sizeof b);
	buf_init(&t);
	buf_printf(&t, "Printed copies are uncontrolled. Valid until %s.\n"
	    "Built %s", u, b);
	if (version && *version)
		buf_printf(&t, " \xc2\xb7 Version %s", version);
	buf_printf(&t, " \xc2\xb7 %s", sh);
	if (url)
		buf_printf(&t, " \xc2\xb7 %s", url);
	pc = xcalloc(1, sizeof *pc);
	pc->text = buf_detach(&t);
	if (url)
		pc->qr = QRcode_encodeString8bit(url, 0, QR_ECLEVEL_L);
	free(until);
	free(built);
	free(sh);
	free(url);
	free(version);
	return pc;
}

void
pdfcontrol_free(pdf_control *pc)
{
	if (!pc)
		return;
	if (pc->qr)
		QRcode_free(pc->qr);
	free(pc->text);
	free(pc);
}

/* The QR code's dark modules as filled squares (one path, one fill). */
/* The code stands at the right end of the footer, inside the text block
 * (so clear of a printer's unprintable edge), its top level with the
 * footer's first line; the footer's text and page number end
 * pdfcontrol_room() points before it. */
static void
draw_qr(const pdf_style *st, cairo_t *cr, const QRcode *qr)
{
	double m = QR_SIZE / qr->width;
	double x0 = PDF_PAGE_W - st->margin_right - QR_SIZE;
	double y0 = PDF_PAGE_H - st->margin_bottom + 13;
	int x, y;

	cairo_save(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				cairo_rectangle(cr, x0 + x * m, y0 + y * m, m, m);
	/* adjoining squares must not leave hairline seams */
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_fill(cr);
	cairo_restore(cr);
}

double
pdfcontrol_room(const pdf_control *pc)
{
	return pc && pc->qr ? QR_SIZE + QR_GAP : 0;
}

void
pdfcontrol_draw(pdf_thread *t, cairo_t *cr, const pdf_control *pc)
{
	const pdf_style *st = t->st;
	double w = PDF_PAGE_W - st->margin_left - st->margin_right -
	    pdfcontrol_room(pc);
	PangoLayout *l;

	if (!pc)
		return;
	l = pdf_layout(t, st->font_body, st->size_small - 1, w, pc->text, 0,
	    (pdf_rgb *)&st->muted);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_MIDDLE);
	(void)pdffont_shape(t, l);
	cairo_move_to(cr, st->margin_left, PDF_PAGE_H - 31);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	if (pc->qr)
		draw_qr(st, cr, pc->qr);
}
