/*
 * pdfblock.c — block content of the policy XML into flow items: sections,
 * headings, paragraphs, quotes, lists, code blocks, rules and tables (with
 * column widths fitted to the cells' natural and minimum widths).  The
 * document flow (pdfflow.c) and the pack glossary (pdfpack.c) call
 * pdfblock_blocks on a body; the small text helpers at the end are shared
 * by both.
 */
#include <stdlib.h>
#include <string.h>

#include "pdfflow.h"

void pdfblock_blocks(fctx *c, xmlNodePtr parent, benv *e);

int
pdf_getint(xmlNodePtr n, const char *name, int def)
{
	char *v = xmlread_attr(n, name);
	int r = v ? atoi(v) : def;

	free(v);
	return r;
}

double
pdfblock_gap(fctx *c, benv *e)
{
	if (e->first) {
		e->first = 0;
		return e->tight ? 1.5 : c->st->para_gap * 0.6;
	}
	return e->tight ? 1.5 : c->st->para_gap;
}

void
pdfblock_decorate(pdf_item *it, benv *e, const pdf_style *st)
{
	if (e->quote && it->deco == DECO_NONE) {
		it->deco = DECO_BAR;
		it->deco_col = st->rule;
		it->deco_x0 = e->bar_x;
	}
}

pdf_item *
pdfblock_add_text(fctx *c, benv *e, pdf_text *tx, double gap, int tag)
{
	pdf_item *it = pdfflow_add(c->f, IT_TEXT);

	it->x = e->x;
	it->w = e->w;
	it->text = *tx;
	it->h = pdftext_height(tx);
	it->gap = gap;
	it->tag = tag;
	pdfblock_decorate(it, e, c->st);
	return it;
}


void
pdfblock_para(fctx *c, benv *e, xmlNodePtr n, const PangoFontDescription *fd,
    pdf_rgb col)
{
	ibuild b;
	pdf_text *tx;
	size_t i, np;
	double gap = pdfblock_gap(c, e);

	pdfib_init(&b, c->t, pdf_getint(n, "line", 0));
	pdfib_walk(&b, n);
	if (b.nimgs && pdf_blank(b.text.data)) {
		pango_attr_list_unref(b.al);
		buf_free(&b.text);
		free(b.links);
		e->first = 0;
	} else {
		tx = pdfib_finish_pieces(&b, fd, e->w, col, &np);
		/* Pieces of a long paragraph follow at its own leading. */
		for (i = 0; i < np; i++)
			pdfblock_add_text(c, e, &tx[i], !i ? gap :
			    tx[i - 1].nlines >= 2 ? tx[i - 1].top[1] -
			    tx[i - 1].bot[0] : 0, TAG_P);
		free(tx);
	}
	for (i = 0; i < b.nimgs; i++)
		pdfimage_add(c, e, &b.imgs[i]);
	pdfib_free_imgs(&b);
}

static void
heading(fctx *c, benv *e, xmlNodePtr n, int in_body_section)
{
	int level = pdf_getint(n, "level", 2);
	char *id = xmlread_attr(n, "id");
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
	pdfib_init(&b, c->t, pdf_getint(n, "line", 0));
	pdfib_walk(&b, n);
	pdfib_finish(&b, &tx, fd, e->w, level <= 3 ? c->st->primary :
	    c->st->text);
	pango_font_description_free(fd);
	gap = level <= 2 ? 16 : level == 3 ? 12 : 9;
	e->first = 0;
	it = pdfblock_add_text(c, e, &tx, gap, TAG_H);
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
	char *v = xmlread_text_or(n, "");
	size_t len = strlen(v);
	PangoLayout *l;
	PangoAttrList *al;
	pdf_text tx;
	pdf_item *it;
	double pad = 5, inset = 6;

	memset(&tx, 0, sizeof tx);
	while (len && v[len - 1] == '\n')
		v[--len] = '\0';
	l = pdftext_layout(c->t, c->t->fd_mono, e->w - 2 * inset);
	pango_layout_set_wrap(l, PANGO_WRAP_CHAR);
	pango_layout_set_line_spacing(l, 1.1f);
	pango_layout_set_text(l, len ? v : " ", -1);
	al = pango_attr_list_new();
	pango_attr_list_insert(al, pdf_ranged(pdf_colour_attr(c->st->text), 0,
	    G_MAXUINT));
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	pdftext_set(c->t, &tx, l);
	it = pdfblock_add_text(c, e, &tx, pdfblock_gap(c, e), TAG_CODE);
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

PangoLayout *
pdfblock_marker(fctx *c, const char *s)
{
	PangoLayout *l = pdf_layout(c->t, c->st->font_body, c->st->size_body,
	    -1, s, 0, (pdf_rgb *)&c->st->text);

	/* Shaped now, and its fonts pinned: a marker (a ballot box, say)
	 * may need a font nothing else used, and the drawing pass runs
	 * without the lock (pdffont.c). */
	(void)pdffont_shape(c->t, l);
	return l;
}

static void
list(fctx *c, benv *e, xmlNodePtr n)
{
	static const char *bullets[] = { "\xe2\x80\xa2", "\xe2\x97\xa6",
		"\xe2\x96\xaa" };
	char *type = xmlread_attr(n, "type");
	char *tight = xmlread_attr(n, "tight");
	char *delim = xmlread_attr(n, "delim");
	int ordered = type && !strcmp(type, "ordered");
	int num = pdf_getint(n, "start", 1);
	xmlNodePtr it;
	benv sub = *e;
	double indent = c->st->list_indent + (ordered ? 6 : 0);
	double gap = pdfblock_gap(c, e);
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

		if (!xmlread_is(it, "item"))
			continue;
		task = xmlread_attr(it, "task");
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
		pdfblock_blocks(c, it, &sub);
		if (c->f->n == before) {
			pdf_text tx;
			ibuild b;

			memset(&tx, 0, sizeof tx);
			pdfib_init(&b, c->t, 0);
			pdfib_text(&b, " ");
			pdfib_finish(&b, &tx, c->t->fd_body, sub.w,
			    c->st->text);
			pdfblock_add_text(c, &sub, &tx, 1.5, TAG_LI);
		}
		/* The first item of a list takes the gap before the list. */
		if (firstitem)
			c->f->items[before].gap = gap;
		firstitem = 0;
		if (!c->f->items[before].marker) {
			c->f->items[before].marker = pdfblock_marker(c, mark);
			c->f->items[before].tag = TAG_LI;
		}
	}
	free(type);
	free(tight);
	free(delim);
}

/* ---- tables ---- */

/* Fits the column widths of tb into e->w from each cell's natural and
 * minimum width (or to the fractions fracs of the column). */
static void
fit_columns(fctx *c, benv *e, pdf_table *tb, pdf_text *cells, int nrows,
    int ncols, int shade_first, const double *fracs)
{
	double *mx = xcalloc((size_t)ncols, sizeof(double));
	double *mn = xcalloc((size_t)ncols, sizeof(double));
	double *mn0 = xcalloc((size_t)ncols, sizeof(double));
	double pad = c->st->cell_pad, avail, smax = 0, smin = 0, x;
	int r, k, locked;

	/* Measuring shapes: under the font lock (pdffont.c) unless every
	 * cell is in fonts this thread pinned when it was first laid out. */
	for (r = 0, locked = 0; r < nrows * ncols && !locked; r++)
		locked = !pdffont_known(c->t, cells[r].layout);
	if (locked)
		pdffont_lock();
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
			if (r == 0)
				mn0[k] = lr.width / (double)PANGO_SCALE + 1;
			pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		}
	if (locked)
		pdffont_unlock();
	avail = e->w - ncols * 2 * pad;
	for (k = 0; k < ncols; k++) {
		mx[k] += 1;
		mn[k] += 1;
		/* A browser's auto layout, with one change: a column whose
		 * minimum is one long word (an e-mail address, a URL) may
		 * not claim more than an even share, as long as its first
		 * row's (the header's) words still fit; the word wraps
		 * inside it.  Else such a column stayed wide and mostly
		 * empty while "Name and role" wrapped to ten lines. */
		if (ncols > 1 && mn[k] > avail / ncols) {
			double share = avail / ncols;
			mn[k] = share > mn0[k] ? share : mn0[k];
		}
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
	if (fracs) {
		/* A column's share, but never narrower than its first row's
		 * longest word (a header's "Version" was broken "Versio-n"
		 * at ten per cent of an A4 column): what a column needs is
		 * taken from the others in proportion to their room to
		 * spare, and no more than they have. */
		double want = 0, spare = 0, take;
		for (k = 0; k < ncols; k++) {
			double fl = mn0[k] + 2 * pad;
			tb->colw[k] = e->w * fracs[k];
			if (tb->colw[k] < fl)
				want += fl - tb->colw[k];
			else
				spare += tb->colw[k] - fl;
		}
		take = want < spare ? want : spare;
		for (k = 0; take > 0 && k < ncols; k++) {
			double fl = mn0[k] + 2 * pad;
			if (tb->colw[k] < fl)
				tb->colw[k] += (fl - tb->colw[k]) * take / want;
			else
				tb->colw[k] -= (tb->colw[k] - fl) * take / spare;
		}
	}
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
	free(mx);
	free(mn);
	free(mn0);
}

/* Fits column widths into w from each cell's natural and minimum width,
 * then lays the cells out at their column width. */
void
pdftable_build(fctx *c, benv *e, pdf_text *cells, int nrows, int ncols,
    int has_header, int shade_first, int min_row_h_rows, double gap,
    const double *fracs)
{
	pdf_table *tb = xcalloc(1, sizeof *tb);
	double pad = c->st->cell_pad;
	int r, k;

	tb->ncols = ncols;
	tb->colx = xcalloc((size_t)ncols, sizeof(double));
	tb->colw = xcalloc((size_t)ncols, sizeof(double));
	tb->header_item = -1;
	tb->shade_first_col = shade_first;
	fit_columns(c, e, tb, cells, nrows, ncols, shade_first, fracs);
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
			pango_layout_set_width(l, (int)((tb->colw[k] -
			    2 * pad) * PANGO_SCALE));
			free(src->top);
			free(src->bot);
			free(src->base);
			free(src->lx);
			it->cells[k] = *src;
			pdftext_set(c->t, &it->cells[k], l);
			pdfib_term_lines(c->t, &it->cells[k]);
			if (pdftext_height(&it->cells[k]) > h)
				h = pdftext_height(&it->cells[k]);
		}
		if (r >= nrows - min_row_h_rows && h < 26)
			h = 26;
		it->h = h + 2 * pad;
		if (r == 0 && has_header) {
			it->header = 1;
			it->keep_next = 1;
			tb->header_item = (int)(c->f->n - 1);
		}
		pdfblock_decorate(it, e, c->st);
	}
	/* A short table (the adoption log's few rows to sign) is kept on
	 * one page rather than split over two. */
	if (nrows <= PDF_KEEP_ROWS) {
		double total = 0;
		size_t first = c->f->n - (size_t)nrows, j;
		for (j = first; j < c->f->n; j++)
			total += c->f->items[j].h;
		if (total < 260)
			for (j = first; j + 1 < c->f->n; j++)
				c->f->items[j].keep_next = 1;
	}
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
		if (!xmlread_is(row, "row"))
			continue;
		nrows++;
		for (cell = row->children; cell; cell = cell->next)
			if (xmlread_is(cell, "cell"))
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
		if (!xmlread_is(row, "row"))
			continue;
		hdr = xmlread_attr(row, "header");
		if (r == 0 && hdr && !strcmp(hdr, "true"))
			has_header = 1;
		k = 0;
		for (cell = row->children; cell; cell = cell->next) {
			ibuild b;
			char *align;

			if (!xmlread_is(cell, "cell"))
				continue;
			pdfib_init(&b, c->t, pdf_getint(n, "line", 0));
			pdfib_walk(&b, cell);
			pdfib_free_imgs(&b);
			pdfib_finish(&b, &cells[r * ncols + k],
			    hdr ? bold : c->t->fd_body, -1, c->st->text);
			align = xmlread_attr(cell, "align");
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
			pdfib_init(&b, c->t, 0);
			pdfib_finish(&b, &cells[r * ncols + k],
			    c->t->fd_body, -1, c->st->text);
		}
		free(hdr);
		r++;
	}
	pdftable_build(c, e, cells, nrows, ncols, has_header, 0, 0,
	    pdfblock_gap(c, e) + 2, NULL);
	free(cells);
	pango_font_description_free(bold);
}

static int
is_container(xmlNodePtr n)
{
	return xmlread_is(n, "section") || xmlread_is(n, "local") ||
	    xmlread_is(n, "blockquote") ||
	    xmlread_is(n, "list") || xmlread_is(n, "item");
}

static void
quote(fctx *c, benv *e, xmlNodePtr n)
{
	benv sub = *e;
	double indent = c->st->quote_indent;

	/* As for lists: deep nesting stops indenting once the text column
	 * would fall below 40% of the page. */
	if (e->w - indent < c->cw * 0.4)
		indent = 0;
	sub.quote = 1;
	sub.bar_x = e->x;
	sub.x = e->x + indent;
	sub.w = e->w - indent;
	pdfblock_blocks(c, n, &sub);
	e->first = 0;
}

/* An edition's local text (<local>, extends.c): labelled "Local
 * procedure — <edition>" and set off with the quote bar. */
static void
local_text(fctx *c, benv *e, xmlNodePtr n)
{
	char *ed = xmlread_attr_or(n, "edition", "");
	char *label = xasprintf("Local procedure \u2014 %s", ed);
	benv sub = *e;

	sub.quote = 1;
	sub.bar_x = e->x;
	sub.x = e->x + c->st->quote_indent;
	sub.w = e->w - c->st->quote_indent;
	pdfblock_simple_text(c, &sub, label, c->t->fd_body, c->st->accent, 1,
	    pdfblock_gap(c, e), TAG_P);
	pdfblock_blocks(c, n, &sub);
	e->first = 0;
	free(label);
	free(ed);
}

/* One block element n. */
static void
block(fctx *c, benv *e, xmlNodePtr n)
{
	const char *name = (const char *)n->name;

	if (!strcmp(name, "local")) {
		local_text(c, e, n);
	} else if (!strcmp(name, "section")) {
		pdfblock_blocks(c, n, e);
	} else if (!strcmp(name, "heading")) {
		heading(c, e, n, xmlread_is(n->parent, "section"));
	} else if (!strcmp(name, "para")) {
		pdfblock_para(c, e, n, c->t->fd_body, c->st->text);
	} else if (!strcmp(name, "blockquote")) {
		quote(c, e, n);
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
		it->gap = pdfblock_gap(c, e) + 4;
	} else if (!strcmp(name, "table")) {
		table(c, e, n);
	}
}

/*
 * Below PDF_MAX_DEPTH levels the blocks under top are laid out flat, at
 * e's indent, in document order: a walk by parent pointers, so no input
 * can exhaust the stack.
 */
static void
flat(fctx *c, xmlNodePtr top, benv *e)
{
	xmlNodePtr n = top->children;

	while (n) {
		if (n->type == XML_ELEMENT_NODE && is_container(n) &&
		    n->children) {
			n = n->children;
			continue;
		}
		if (n->type == XML_ELEMENT_NODE && !is_container(n))
			block(c, e, n);
		while (n != top && !n->next)
			n = n->parent;
		if (n == top)
			break;
		n = n->next;
	}
}

void
pdfblock_blocks(fctx *c, xmlNodePtr parent, benv *e)
{
	xmlNodePtr n;
	int depth = e->depth;

	if (depth >= PDF_MAX_DEPTH) {
		flat(c, parent, e);
		return;
	}
	e->depth = depth + 1;
	for (n = parent->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			block(c, e, n);
	e->depth = depth;
}

void
pdfblock_simple_text(fctx *c, benv *e, const char *s,
    const PangoFontDescription *fd, pdf_rgb col, int bold, double gap, int tag)
{
	ibuild b;
	pdf_text tx;

	pdfib_init(&b, c->t, 0);
	pdfib_text(&b, s);
	if (bold)
		pango_attr_list_insert(b.al, pdf_ranged(pango_attr_weight_new(
		    PANGO_WEIGHT_BOLD), 0, b.text.len));
	pdfib_finish(&b, &tx, fd, e->w, col);
	pdfblock_add_text(c, e, &tx, gap, tag);
}

PangoFontDescription *
pdf_sized(fctx *c, const char *family, double size, int bold)
{
	PangoFontDescription *fd = pango_font_description_from_string(family);

	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	return fd;
}
