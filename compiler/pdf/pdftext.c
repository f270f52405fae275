/*
 * pdftext.c — the text primitives of the PDF back end's measuring pass:
 * flows and their items, the one way a PangoLayout is made (font, width,
 * wrapping, line spacing of the style) and measured line by line
 * (pdftext_set), and the attribute helpers every flow builder uses.  The
 * inline builder (pdfinline.c), the blocks (pdfblock.c) and the pack pages
 * (pdfpack.c) sit on top of it; pdfpage.c and pdfdraw.c read what it makes.
 */
#include <stdlib.h>
#include <string.h>

#include "pdfflow.h"

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
	pdfcontrol_free(f->control);
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
	free(f->version);
	free(f->review_due);
	free(f->section);
	for (i = 0; i < (size_t)f->nsec_open; i++)
		free(f->sec_open[i]);
	free(f->sec_open);
	free(f->sec_open_depth);
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

	tx->layout = l;
	/* Shaping may meet fonts: under the font lock unless every font it
	 * will use is pinned already (pdffont.c). */
	n = pdffont_shape(t, l);
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

double
pdftext_height(const pdf_text *tx)
{
	if (!tx->nlines)
		return 0;
	return tx->bot[tx->nlines - 1] - tx->top[0];
}

PangoLayout *
pdftext_layout(pdf_thread *t, const PangoFontDescription *fd, double width)
{
	PangoLayout *l = pango_layout_new(t->pc);

	pango_layout_set_font_description(l, fd);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_line_spacing(l, (float)t->st->line_spacing);
	return l;
}

PangoAttribute *
pdf_ranged(PangoAttribute *a, size_t s, size_t e)
{
	a->start_index = (guint)s;
	a->end_index = (guint)e;
	return a;
}

PangoAttribute *
pdf_colour_attr(pdf_rgb c)
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
	l = pdftext_layout(t, fd, width);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	pango_attr_list_insert(al, pdf_ranged(pdf_colour_attr(col ? *col :
	    t->st->text), 0, G_MAXUINT));
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	return l;
}
