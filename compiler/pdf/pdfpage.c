/*
 * pdfpage.c — breaks a flow (pdfflow.c) into A4 pages: the measuring half
 * of the two-pass layout.  Paragraphs split between lines with no single
 * widow or orphan line, headings stay with the block after them, table
 * rows split between lines of their cells with the header row repeated on
 * the next page, and nothing is ever placed below the bottom margin (an
 * item taller than a page is split or was scaled when it was built).
 * Records where every named destination landed.
 */
#include <stdlib.h>
#include <string.h>

#include "pdfint.h"

/* How far a chain of kept items is followed (a short table's rows). */
#define PDF_KEEP_CHAIN 10

typedef struct {
	pdf_flow *f;
	double avail;         /* content height */
	double y;
	pdf_page *cur;
	int prev_table_row;   /* the last placed item was a row of a table */
	/* Two-column flows (the glossary): the column being filled, the
	 * page's place count and y when it began, and the offset of the
	 * second column. */
	int col;
	size_t col_n;
	double col_top, col_dx;
} pager;

/* Nothing placed yet in this column (or on this page). */
#define FRESH(p) ((p)->cur->n == (p)->col_n)

static void
new_page(pager *p)
{
	pdf_flow *f = p->f;

	/* In a two-column flow the first column's end starts the second,
	 * at the height where the columns began on this page. */
	if (f->columns == 2 && p->col == 0 && p->col_dx > 0) {
		p->col = 1;
		p->col_n = p->cur->n;
		p->y = p->col_top;
		return;
	}
	f->pages = xrealloc(f->pages, (f->npages + 1) * sizeof *f->pages);
	p->cur = &f->pages[f->npages++];
	memset(p->cur, 0, sizeof *p->cur);
	p->y = 0;
	p->col = 0;
	p->col_n = 0;
	p->col_top = 0;
}

static pdf_place *
place(pager *p, int item, double h)
{
	pdf_page *pg = p->cur;
	pdf_place *pl;
	pdf_item *it = &p->f->items[item];

	if (pg->n == pg->cap) {
		pg->cap = pg->cap ? pg->cap * 2 : 32;
		pg->pl = xrealloc(pg->pl, pg->cap * sizeof *pg->pl);
	}
	pl = &pg->pl[pg->n++];
	memset(pl, 0, sizeof *pl);
	pl->item = item;
	pl->y = p->y;
	pl->dx = p->col ? p->col_dx : 0;
	pl->h = h;
	pl->l0 = 0;
	pl->l1 = it->type == IT_TEXT || it->type == IT_TOC ?
	    it->text.nlines : 0;
	if (it->dest && !it->header) {
		size_t k;
		int seen = 0;
		for (k = 0; k < p->f->ndests; k++)
			if (!strcmp(p->f->dests[k].name, it->dest))
				seen = 1;
		if (!seen) {
			p->f->dests = xrealloc(p->f->dests,
			    (p->f->ndests + 1) * sizeof *p->f->dests);
			p->f->dests[p->f->ndests].name = xstrdup(it->dest);
			p->f->dests[p->f->ndests].page = (int)p->f->npages - 1;
			p->f->dests[p->f->ndests].y = p->y;
			p->f->dests[p->f->ndests].dx = pl->dx;
			p->f->ndests++;
		}
	}
	p->y += h;
	return pl;
}

static double
lines_h(const pdf_text *tx, int l0, int l1)
{
	if (l1 <= l0)
		return 0;
	return tx->bot[l1 - 1] - tx->top[l0];
}

/* The least height of item i that must stand on the same page as the
 * item before it when that one keeps with it: two lines of a paragraph,
 * a row (two with a table header), the whole of anything else; followed
 * through chains of kept items (a heading after a heading). */
static double
min_h(pdf_flow *f, size_t i, int depth)
{
	pdf_item *it;
	double h;

	if (i >= f->n || depth > PDF_KEEP_CHAIN)
		return 0;
	it = &f->items[i];
	switch (it->type) {
	case IT_TEXT:
	case IT_TOC:
		if (it->text.nlines <= 2 || it->keep_next)
			h = it->h;
		else
			h = lines_h(&it->text, 0, 2) + it->pad;
		break;
	case IT_BREAK:
		return 0;
	default:
		h = it->h;
	}
	if (it->keep_next && i + 1 < f->n)
		h += f->items[i + 1].gap + min_h(f, i + 1, depth + 1);
	return h;
}

/* Places the lines of a text item starting at line l0 (the item's gap
 * already decided); breaks pages as needed. */
static void
place_text(pager *p, size_t i, double gap)
{
	pdf_item *it = &p->f->items[i];
	const pdf_text *tx = &it->text;
	int n = tx->nlines, l0 = 0;

	while (l0 < n) {
		double room = p->avail - p->y - gap;
		double padtop = l0 == 0 ? it->pad : 0;
		int k = 0, rest;
		pdf_place *pl;
		double h;

		/* How many lines fit (the bottom padding only with the
		 * last line). */
		while (l0 + k < n) {
			double hh = padtop + lines_h(tx, l0, l0 + k + 1) +
			    (l0 + k + 1 == n ? it->pad : 0);
			if (hh > room + 0.01)
				break;
			k++;
		}
		rest = n - l0 - k;
		/* No widows, no orphans: at least two lines on each side
		 * of a break, when the paragraph has four or more. */
		if (rest > 0 && rest < 2 && k > 2 && n - l0 >= 4)
			k -= 2 - rest;
		if (rest > 0 && k < 2 && n - l0 >= 2 && !FRESH(p))
			k = 0;
		if (k == 0) {
			if (FRESH(p)) {
				k = 1;   /* a line taller than a page */
			} else {
				new_page(p);
				gap = 0;
				continue;
			}
		}
		p->y += gap;
		h = padtop + lines_h(tx, l0, l0 + k) +
		    (l0 + k == n ? it->pad : 0);
		pl = place(p, (int)i, h);
		pl->l0 = l0;
		pl->l1 = l0 + k;
		l0 += k;
		gap = 0;
		if (l0 < n)
			new_page(p);
	}
}

/* Does item i continue a table whose earlier rows are placed? */
static int
row_continues(pdf_flow *f, size_t i)
{
	return f->items[i].type == IT_ROW && i > 0 &&
	    f->items[i - 1].type == IT_ROW &&
	    f->items[i - 1].table == f->items[i].table;
}

/* At the top of a fresh page, over the rest of a table (or of a row): a
 * "(continued)" line, then the table's header row again. */
static void
continue_table(pager *p, size_t i)
{
	pdf_item *it = &p->f->items[i];
	pdf_place *pl = place(p, (int)i, PDF_CONT_H);

	pl->cont = 1;
	if (it->table->header_item >= 0 && !it->header) {
		pdf_item *hd = &p->f->items[it->table->header_item];
		int k;

		pl = place(p, it->table->header_item, hd->h);
		pl->repeat = 1;
		pl->cl0 = xcalloc((size_t)hd->ncells, sizeof(int));
		pl->cl1 = xcalloc((size_t)hd->ncells, sizeof(int));
		for (k = 0; k < hd->ncells; k++)
			pl->cl1[k] = hd->cells[k].nlines;
	}
}

static int
any_from(const int *from, int n)
{
	int k;

	for (k = 0; k < n; k++)
		if (from[k])
			return 1;
	return 0;
}

/* The most lines of any cell in [from, to) and in [to, end). */
static void
split_lines(const pdf_item *it, const int *from, const int *to, int *placed,
    int *left)
{
	int k;

	*placed = *left = 0;
	for (k = 0; k < it->ncells; k++) {
		if (to[k] - from[k] > *placed)
			*placed = to[k] - from[k];
		if (it->cells[k].nlines - to[k] > *left)
			*left = it->cells[k].nlines - to[k];
	}
}

static void
place_row(pager *p, size_t i, double gap)
{
	pdf_item *it = &p->f->items[i];
	int nc = it->ncells, k, done = 0;
	int *from = xcalloc((size_t)nc, sizeof(int));

	while (!done) {
		double room = p->avail - p->y - gap - 2 * it->pad, h = 0;
		int *to = xcalloc((size_t)nc, sizeof(int));
		int any = 0, all = 1;
		pdf_place *pl;

		for (k = 0; k < nc; k++) {
			const pdf_text *tx = &it->cells[k];
			int e = from[k];
			while (e < tx->nlines &&
			    lines_h(tx, from[k], e + 1) <= room + 0.01)
				e++;
			to[k] = e;
			if (e > from[k])
				any = 1;
			if (e < tx->nlines)
				all = 0;
		}
		/* A whole row that fits; else a split only when the page has
		 * other content would waste little — rows with one line per
		 * cell are never split. */
		if (!all && !FRESH(p)) {
			int single = 1, placed, left;
			for (k = 0; k < nc; k++)
				if (it->cells[k].nlines - from[k] > 1)
					single = 0;
			/* Never a lone line on either side of a split. */
			split_lines(it, from, to, &placed, &left);
			if (!any || single || room < 30 || placed < 2 ||
			    left < 2) {
				int cont = row_continues(p->f, i) ||
				    any_from(from, nc);
				free(to);
				new_page(p);
				gap = 0;
				if (cont)
					continue_table(p, i);
				continue;
			}
		}
		if (!any && !all) {
			/* Nothing fits on an empty page: take a line each. */
			for (k = 0; k < nc; k++)
				if (to[k] < it->cells[k].nlines)
					to[k]++;
			all = 1;
			for (k = 0; k < nc; k++)
				if (to[k] < it->cells[k].nlines)
					all = 0;
		}
		for (k = 0; k < nc; k++) {
			double ch = lines_h(&it->cells[k], from[k], to[k]);
			if (ch > h)
				h = ch;
		}
		h += 2 * it->pad;
		if (all && from[0] == 0 && h < it->h)
			h = it->h;   /* keeps a minimum row height */
		p->y += gap;
		pl = place(p, (int)i, h);
		pl->cl0 = from;
		pl->cl1 = to;
		gap = 0;
		if (all) {
			done = 1;
		} else {
			from = xcalloc((size_t)nc, sizeof(int));
			memcpy(from, to, (size_t)nc * sizeof(int));
			new_page(p);
			continue_table(p, i);
		}
	}
}

void
pdfpage_paginate(pdf_flow *f, const pdf_style *st)
{
	pager p;
	size_t i;

	memset(&p, 0, sizeof p);
	p.f = f;
	p.avail = PDF_PAGE_H - st->margin_top - st->margin_bottom;
	new_page(&p);
	for (i = 0; i < f->n; i++) {
		pdf_item *it = &f->items[i];
		double gap;

		/* The columns begin below the first item set in one (what
		 * comes before, the heading, spans the page), that item's
		 * own space below what spans it: the first entry of each
		 * column stood against the line above them. */
		if (f->columns == 2 && it->in_column && p.col_dx == 0) {
			p.col_dx = (PDF_PAGE_W - st->margin_left -
			    st->margin_right + PDF_COL_GAP) / 2;
			if (p.cur->n)
				p.y += it->gap;
			p.col_top = p.y;
			p.col_n = p.cur->n;
		}
		gap = !FRESH(&p) ? it->gap : 0;
		double need;

		if (it->type == IT_BREAK) {
			if (!FRESH(&p))
				new_page(&p);
			continue;
		}
		if (it->type == IT_SPACE) {
			if (!FRESH(&p) && p.y + it->h <= p.avail)
				p.y += it->h;
			else if (FRESH(&p))
				p.y += it->h < p.avail / 3 ? it->h : 0;
			continue;
		}
		/* Keep with next: move to a fresh page when this item and
		 * the start of the next one do not fit together. */
		if (it->keep_next && !FRESH(&p)) {
			need = gap + it->h + (i + 1 < f->n ?
			    f->items[i + 1].gap + min_h(f, i + 1, 0) : 0);
			if (p.y + need > p.avail && need <= p.avail) {
				new_page(&p);
				gap = 0;
			}
		}
		/* A row continuing a table on a fresh page repeats the
		 * header. */
		if (it->type == IT_ROW && FRESH(&p) && !it->header &&
		    row_continues(f, i))
			continue_table(&p, i);
		if (it->type == IT_ROW) {
			place_row(&p, i, !FRESH(&p) ? gap : 0);
			continue;
		}
		if (p.y + gap + it->h <= p.avail + 0.01) {
			pdf_place *pl;
			p.y += gap;
			pl = place(&p, (int)i, it->h);
			(void)pl;
			continue;
		}
		if (it->type == IT_TEXT || it->type == IT_TOC) {
			place_text(&p, i, gap);
			continue;
		}
		/* Images and rules move whole to the next page. */
		if (!FRESH(&p))
			new_page(&p);
		place(&p, (int)i, it->h);
	}
	/* A trailing empty page is dropped. */
	if (f->npages > 1 && f->pages[f->npages - 1].n == 0) {
		free(f->pages[f->npages - 1].pl);
		f->npages--;
	}
}
