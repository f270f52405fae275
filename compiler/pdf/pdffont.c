/*
 * pdffont.c — what the PDF workers share through cairo, kept safe.  Each
 * worker has its own Pango font map and context (pdfstyle.c), but cairo
 * keeps one FreeType face per font file for the whole process and closes
 * an idle one when more than ten are open; the face it picks to close is
 * chosen by reading another font's lock count without that font's lock,
 * so with many fonts in play (multilingual text: Latin, Greek, Arabic,
 * Devanagari, CJK, emoji) one worker could close the face another was
 * about to use and both crashed inside FreeType.  So: shaping a layout
 * (where a font is met for the first time) runs under one lock, and every
 * font a layout uses is pinned — its face held open — before the lock is
 * let go, until pdf_render ends; everything else (walking the XML,
 * pagination, drawing) runs in parallel on pinned faces only.
 */
#include <pthread.h>
#include <stdlib.h>

#include <cairo-ft.h>

#include "pdfflow.h"

static pthread_mutex_t font_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	PangoFont **fonts;          /* pinned, with a reference */
	cairo_scaled_font_t **sfs;  /* their scaled fonts, faces locked */
	size_t n, cap;
} pins;

void
pdffont_lock(void)
{
	pthread_mutex_lock(&font_lock);
}

void
pdffont_unlock(void)
{
	pthread_mutex_unlock(&font_lock);
}

/* Pins font.  The caller holds the font lock, or no worker runs (the
 * packs are laid out after jobs_run has returned). */
static void
pin(PangoFont *font)
{
	cairo_scaled_font_t *sf;
	size_t i;

	for (i = pins.n; i > 0; i--)
		if (pins.fonts[i - 1] == font)
			return;
	if (!PANGO_IS_CAIRO_FONT(font))
		return;
	sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	if (!sf || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS ||
	    cairo_scaled_font_get_type(sf) != CAIRO_FONT_TYPE_FT)
		return;
	if (pins.n == pins.cap) {
		pins.cap = pins.cap ? pins.cap * 2 : 32;
		pins.fonts = xrealloc(pins.fonts, pins.cap *
		    sizeof *pins.fonts);
		pins.sfs = xrealloc(pins.sfs, pins.cap * sizeof *pins.sfs);
	}
	if (!cairo_ft_scaled_font_lock_face(sf))
		return;
	pins.fonts[pins.n] = g_object_ref(font);
	pins.sfs[pins.n] = cairo_scaled_font_reference(sf);
	pins.n++;
}

void
pdffont_pin_layout(PangoLayout *l)
{
	GSList *ln, *r;
	PangoFont *last = NULL;

	for (ln = pango_layout_get_lines_readonly(l); ln; ln = ln->next) {
		PangoLayoutLine *line = ln->data;
		for (r = line->runs; r; r = r->next) {
			PangoGlyphItem *run = r->data;
			PangoFont *font = run->item->analysis.font;
			if (font && font != last)
				pin(font);
			last = font;
		}
	}
}

void
pdffont_unpin_all(void)
{
	size_t i;

	pdffont_lock();
	for (i = 0; i < pins.n; i++) {
		cairo_ft_scaled_font_unlock_face(pins.sfs[i]);
		cairo_scaled_font_destroy(pins.sfs[i]);
		g_object_unref(pins.fonts[i]);
	}
	free(pins.fonts);
	free(pins.sfs);
	pins.fonts = NULL;
	pins.sfs = NULL;
	pins.n = pins.cap = 0;
	pdffont_unlock();
}
