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
 *
 * Most layouts meet no new font, and shaping them under the lock kept
 * one of two workers waiting: a third of the PDF stage's wall time.  So
 * pdffont_shape takes the lock only where a layout could open a face.
 * It opens none when every font its text will be shaped in is one this
 * thread pinned (a pinned face is open and locked for good, so cairo
 * never picks it to close), with metrics already made for the item's
 * language (making them lays out a sample string, which may meet other
 * fonts), and when nothing in it has Pango load a font beside its
 * items' own and its empty paragraphs' (an empty paragraph's height
 * comes from the first font of its description, learnt the same way):
 *   - a tab (the width of spaces in the base font);
 *   - an ellipsis (itemized apart);
 *   - a character its font lacks (a hex box, drawn in a mini font);
 *   - a font variant (small capitals are made with a second font);
 *   - a set height or single-paragraph mode.
 * pdffont_known finds the fonts by itemizing the text as the layout
 * will.  pango_itemize loads fonts but opens no face: a Pango font's
 * coverage is fontconfig's charset, and its cairo font is made only when
 * it is first measured (Pango 1.50's itemize.c, pangofc-font.c,
 * pangocairo-fcfont.c).  Anything else takes the lock, as before, and
 * what it met is learnt (learn).  POLICYC_FONT_AUDIT=1 checks each unlocked
 * layout afterwards and aborts when it was shaped in a font not known
 * (tests/pdf.t runs the multilingual documents so).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangofc-font.h>

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

/* Pins font: 1 when it is pinned (now or before).  The caller holds the
 * font lock, or no worker runs (the packs are laid out after jobs_run
 * has returned). */
static int
pin(PangoFont *font)
{
	cairo_scaled_font_t *sf;
	size_t i;

	for (i = pins.n; i > 0; i--)
		if (pins.fonts[i - 1] == font)
			return 1;
	if (!PANGO_IS_CAIRO_FONT(font))
		return 0;
	sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	if (!sf || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS ||
	    cairo_scaled_font_get_type(sf) != CAIRO_FONT_TYPE_FT)
		return 0;
	if (pins.n == pins.cap) {
		pins.cap = pins.cap ? pins.cap * 2 : 32;
		pins.fonts = xrealloc(pins.fonts, pins.cap *
		    sizeof *pins.fonts);
		pins.sfs = xrealloc(pins.sfs, pins.cap * sizeof *pins.sfs);
	}
	if (!cairo_ft_scaled_font_lock_face(sf))
		return 0;
	pins.fonts[pins.n] = g_object_ref(font);
	pins.sfs[pins.n] = cairo_scaled_font_reference(sf);
	pins.n++;
	return 1;
}

/* ---- shaping without the lock ---- */

static int
is_known(const pdf_thread *t, PangoFont *font, const char *sample)
{
	size_t i;

	for (i = t->nknown; i > 0; i--)
		if (t->known[i - 1].font == font &&
		    t->known[i - 1].sample == sample)
			return 1;
	return 0;
}

/* The attributes this back end sets that load no font of their own (a
 * font description only without a variant). */
static gboolean
attr_unsafe(PangoAttribute *a, gpointer data)
{
	(void)data;
	switch ((int)a->klass->type) {
	case PANGO_ATTR_FOREGROUND:
	case PANGO_ATTR_BACKGROUND:
	case PANGO_ATTR_UNDERLINE:
	case PANGO_ATTR_UNDERLINE_COLOR:
	case PANGO_ATTR_STRIKETHROUGH:
	case PANGO_ATTR_STRIKETHROUGH_COLOR:
	case PANGO_ATTR_RISE:
	case PANGO_ATTR_SCALE:
	case PANGO_ATTR_WEIGHT:
	case PANGO_ATTR_STYLE:
	case PANGO_ATTR_FAMILY:
	case PANGO_ATTR_SIZE:
	case PANGO_ATTR_ABSOLUTE_SIZE:
	case PANGO_ATTR_LANGUAGE:
		return FALSE;
	case PANGO_ATTR_FONT_DESC:
		return pango_font_description_get_variant(
		    ((PangoAttrFontDesc *)a)->desc) != PANGO_VARIANT_NORMAL;
	default:
		return TRUE;
	}
}

/* The text has no break Pango treats apart from a line feed, and no tab
 * (its width is that of spaces in the base font). */
static int
text_plain(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		switch (*p) {
		case '\t': case '\r': case '\v': case '\f':
			return 0;
		case 0xc2:   /* U+0085 */
			if (p[1] == 0x85)
				return 0;
			break;
		case 0xe2:   /* U+2028, U+2029 */
			if (p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
				return 0;
			break;
		default:
			break;
		}
	return 1;
}

/* The font Pango measures an empty paragraph of l at index i in: the
 * context's description, the layout's over it and the font attributes
 * there over both, the first font of their fontset (Pango 1.50's
 * pango_layout_get_empty_extents_and_height_at_index).  A reference,
 * or NULL. */
static PangoFont *
empty_font(PangoLayout *l, int i)
{
	PangoContext *ctx = pango_layout_get_context(l);
	const PangoFontDescription *lfd = pango_layout_get_font_description(l);
	PangoAttrList *al = pango_layout_get_attributes(l);
	PangoFontDescription *fd =
	    pango_font_description_copy(pango_context_get_font_description(ctx));
	PangoFont *f;

	if (lfd)
		pango_font_description_merge(fd, lfd, TRUE);
	if (al) {
		PangoAttrIterator *it = pango_attr_list_get_iterator(al);
		do {
			int s, e;
			pango_attr_iterator_range(it, &s, &e);
			if (s <= i && i < e) {
				pango_attr_iterator_get_font(it, fd, NULL, NULL);
				break;
			}
		} while (pango_attr_iterator_next(it));
		pango_attr_iterator_destroy(it);
	}
	f = pango_context_load_font(ctx, fd);
	pango_font_description_free(fd);
	return f;
}

/* The font of an empty paragraph of l at index i is one t knows for the
 * context's language (its metrics give the paragraph's height). */
static int
empty_known(const pdf_thread *t, PangoLayout *l, int i)
{
	PangoFont *f = empty_font(l, i);
	int ok = f && is_known(t, f, pango_language_get_sample_string(
	    pango_context_get_language(pango_layout_get_context(l))));

	if (f)
		g_object_unref(f);
	return ok;
}

/* Every item of items is in a font t knows for its language, and the
 * font has every character of the item and a hyphen: by the font's
 * charset from fontconfig, which is what Pango's coverage of it is. */
static int
items_known(const pdf_thread *t, const char *text, GList *items)
{
	GList *it;

	for (it = items; it; it = it->next) {
		PangoItem *item = it->data;
		PangoFont *font = item->analysis.font;
		FcCharSet *cs;
		const char *p, *end;

		if (!font || !PANGO_IS_FC_FONT(font) || !is_known(t, font,
		    pango_language_get_sample_string(item->analysis.language)) ||
		    FcPatternGetCharSet(pango_fc_font_get_pattern(
		    PANGO_FC_FONT(font)), FC_CHARSET, 0, &cs) != FcResultMatch ||
		    !FcCharSetHasChar(cs, '-'))
			return 0;
		p = text + item->offset;
		end = p + item->length;
		for (; p < end; p++) {
			/* ASCII a byte at a time, the rest as UTF-8 */
			FcChar32 c = (unsigned char)*p;
			if (c >= 0x80) {
				c = g_utf8_get_char(p);
				p = g_utf8_next_char(p) - 1;
			}
			if (!FcCharSetHasChar(cs, c))
				return 0;
		}
	}
	return 1;
}

int
pdffont_known(pdf_thread *t, PangoLayout *l)
{
	const char *text = pango_layout_get_text(l), *para, *nl;
	const PangoFontDescription *fd = pango_layout_get_font_description(l);
	PangoAttrList *given = pango_layout_get_attributes(l), *attrs, *bad;
	int ok = 1, empty = 0;

	/* (a layout of another thread's context is shaped under the lock:
	 * its fonts are that thread's) */
	if (!t->nknown || pango_layout_get_context(l) != t->pc ||
	    !text_plain(text) ||
	    pango_layout_get_ellipsize(l) != PANGO_ELLIPSIZE_NONE ||
	    pango_layout_get_height(l) >= 0 ||
	    pango_layout_get_single_paragraph_mode(l) ||
	    (fd && pango_font_description_get_variant(fd) !=
	    PANGO_VARIANT_NORMAL))
		return 0;
	/* the layout's own attributes (a copy: filtering takes out what
	 * it finds), its description first (Pango's
	 * pango_layout_get_effective_attributes) */
	attrs = given ? pango_attr_list_copy(given) : pango_attr_list_new();
	if ((bad = pango_attr_list_filter(attrs, attr_unsafe, NULL))) {
		pango_attr_list_unref(bad);
		pango_attr_list_unref(attrs);
		return 0;
	}
	if (fd)
		pango_attr_list_insert_before(attrs,
		    pango_attr_font_desc_new(fd));
	/* paragraph by paragraph, as the layout itemizes; an empty one
	 * (the empty text's, one after a final line feed, or between two)
	 * has the font of its description */
	for (para = text; ok; para = nl + 1) {
		size_t len;

		nl = strchr(para, '\n');
		len = nl ? (size_t)(nl - para) : strlen(para);
		if (!len) {
			ok = empty_known(t, l, (int)(para - text));
			empty = 1;
		} else {
			GList *items = pango_itemize(t->pc, text,
			    (int)(para - text), (int)len, attrs, NULL);
			ok = items_known(t, text, items);
			g_list_free_full(items,
			    (GDestroyNotify)pango_item_free);
		}
		if (!nl)
			break;
	}
	/* (an iterator's run extents past a line with no run are taken
	 * at index 0) */
	if (ok && empty)
		ok = empty_known(t, l, 0);
	pango_attr_list_unref(attrs);
	return ok;
}

/* Under the font lock: pins font and learns it for the sample string
 * of lang, with its metrics for lang made now. */
static void
learn_font(pdf_thread *t, PangoFont *font, PangoLanguage *lang)
{
	const char *sample = pango_language_get_sample_string(lang);

	if (!pin(font) || is_known(t, font, sample))
		return;
	pango_font_metrics_unref(pango_font_get_metrics(font, lang));
	if (t->nknown == t->known_cap) {
		t->known_cap = t->known_cap ? t->known_cap * 2 : 16;
		t->known = xrealloc(t->known, t->known_cap * sizeof *t->known);
	}
	t->known[t->nknown].font = font;
	t->known[t->nknown].sample = sample;
	t->nknown++;
}

/* Under the font lock, after l was shaped: pins the fonts it used and
 * learns them, with their metrics made for each run's language, and
 * the fonts of its empty paragraphs (pdffont_known's). */
static void
learn(pdf_thread *t, PangoLayout *l)
{
	PangoLanguage *lang =
	    pango_context_get_language(pango_layout_get_context(l));
	const char *text = pango_layout_get_text(l), *para, *nl;
	GSList *ln, *r;

	for (ln = pango_layout_get_lines_readonly(l); ln; ln = ln->next) {
		PangoLayoutLine *line = ln->data;
		for (r = line->runs; r; r = r->next) {
			PangoItem *item = ((PangoGlyphItem *)r->data)->item;
			if (item->analysis.font)
				learn_font(t, item->analysis.font,
				    item->analysis.language);
		}
	}
	if (pango_layout_get_context(l) != t->pc)
		return;
	for (para = text; ; para = nl + 1) {
		nl = strchr(para, '\n');
		if (nl == para || (!nl && !*para)) {
			int at[2] = { (int)(para - text), 0 };
			for (int k = 0; k < 2; k++) {
				PangoFont *f = empty_font(l, at[k]);
				if (f) {
					learn_font(t, f, lang);
					g_object_unref(f);
				}
			}
		}
		if (!nl)
			break;
	}
}

static int audit;
static pthread_once_t audit_once = PTHREAD_ONCE_INIT;
/* layouts shaped, and of them without the lock (--timings) */
static atomic_size_t shaped, unlocked;

static void
audit_init(void)
{
	const char *s = getenv("POLICYC_FONT_AUDIT");

	audit = s && !strcmp(s, "1");
}

/* POLICYC_FONT_AUDIT: every run of a layout shaped without the lock is
 * in a font t knew. */
static void
audit_layout(const pdf_thread *t, PangoLayout *l)
{
	GSList *ln, *r;

	for (ln = pango_layout_get_lines_readonly(l); ln; ln = ln->next) {
		PangoLayoutLine *line = ln->data;
		for (r = line->runs; r; r = r->next) {
			PangoItem *item = ((PangoGlyphItem *)r->data)->item;
			if (!item->analysis.font || !is_known(t,
			    item->analysis.font,
			    pango_language_get_sample_string(
			    item->analysis.language))) {
				fprintf(stderr, "policyc: font audit: \"%s\" "
				    "was shaped without the font lock in a "
				    "font not pinned\n",
				    pango_layout_get_text(l));
				abort();
			}
		}
	}
}

int
pdffont_shape(pdf_thread *t, PangoLayout *l)
{
	int n;

	pthread_once(&audit_once, audit_init);
	atomic_fetch_add(&shaped, 1);
	if (pdffont_known(t, l)) {
		atomic_fetch_add(&unlocked, 1);
		n = pango_layout_get_line_count(l);
		if (audit)
			audit_layout(t, l);
		return n;
	}
	pdffont_lock();
	n = pango_layout_get_line_count(l);
	learn(t, l);
	pdffont_unlock();
	return n;
}

void
pdffont_counts(size_t *all, size_t *without_lock)
{
	*all = atomic_load(&shaped);
	*without_lock = atomic_load(&unlocked);
}

void
pdffont_add_counts(size_t all, size_t without_lock)
{
	atomic_fetch_add(&shaped, all);
	atomic_fetch_add(&unlocked, without_lock);
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
	atomic_store(&shaped, 0);
	atomic_store(&unlocked, 0);
	pdffont_unlock();
}
