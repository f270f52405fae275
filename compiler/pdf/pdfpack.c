/*
 * pdfpack.c — the flows only a pack has: the cover (logo, organisation,
 * title, review summary), the contents (dotted leaders and page numbers,
 * drawn by pdfdraw.c once pages are known) and the glossary appendix of
 * the terms the pack's documents use.  pdf.c assembles them around the
 * documents' own flows.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "pdfflow.h"

/* ---- pack flows ---- */

static void
space(pdf_flow *f, double h)
{
	pdf_item *it = pdfflow_add(f, IT_SPACE);
	it->h = h;
}

/* The project's logo at the top of the cover, at most 90 pt high and
 * 240 pt wide. */
static void
cover_logo(fctx *c, benv *e)
{
	pdf_flow *f = c->f;
	size_t before = f->n;

	/* The logo is relative to the project (judged by brand_resolve). */
	pdfimage_add_file(c, e, c->st->logo_path, "logo");
	if (f->n > before && f->items[before].type == IT_IMAGE) {
		pdf_item *im = &f->items[before];
		double sc = 90 / (im->h / im->img_scale);
		if (im->w / im->img_scale * sc > 240)
			sc = 240 / (im->w / im->img_scale);
		im->w = im->w / im->img_scale * sc;
		im->h = im->h / im->img_scale * sc;
		im->img_scale = sc;
	}
}

/* The review summary of the pack's documents and the overdue and due-soon
 * ones as links (at most 25). */
static void
cover_review(fctx *c, benv *e, pdf_flow **docs, size_t ndocs)
{
	pdf_flow *f = c->f;
	PangoFontDescription *fd;
	size_t i, ncur = 0, nsoon = 0, nover = 0, nnone = 0;
	int listed = 0;
	char line[512];

	for (i = 0; i < ndocs; i++) {
		switch (docs[i]->review) {
		case REVIEW_OVERDUE: nover++; break;
		case REVIEW_DUE_SOON: nsoon++; break;
		case REVIEW_OK: ncur++; break;
		default: nnone++; break;
		}
	}
	space(f, 30);
	fd = pdf_sized(c, c->st->font_head, c->st->size_h[3], 1);
	pdfblock_simple_text(c, e, "Review status", fd, c->st->primary, 0, 0,
	    TAG_H);
	f->items[f->n - 1].keep_next = 1;
	pango_font_description_free(fd);
	snprintf(line, sizeof line, "%zu current \xc2\xb7 %zu due for review "
	    "soon \xc2\xb7 %zu overdue%s", ncur, nsoon, nover,
	    nnone ? " \xc2\xb7 " : "");
	if (nnone)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%zu without a review date", nnone);
	pdfblock_simple_text(c, e, line, c->t->fd_body, nover ? c->st->overdue :
	    c->st->current, 1, 4, TAG_P);
	for (i = 0; i < ndocs && listed < 25; i++) {
		int s = docs[i]->review;
		ibuild b;
		pdf_text tx;
		pdf_item *it;
		benv sub = *e;
		size_t st0;

		if (s != REVIEW_OVERDUE && s != REVIEW_DUE_SOON)
			continue;
		pdfib_init(&b, c->t, 0);
		st0 = b.text.len;
		pdfib_text(&b, docs[i]->title);
		pango_attr_list_insert(b.al, pdf_ranged(pdf_colour_attr(
		    c->st->primary), st0, b.text.len));
		pdfib_link(&b, st0, LK_DOC, docs[i]->id, NULL);
		pdfib_text(&b, s == REVIEW_OVERDUE ? " \xe2\x80\x94 overdue" :
		    " \xe2\x80\x94 due soon");
		sub.x = e->x + 14;
		sub.w = e->w - 14;
		pdfib_finish(&b, &tx, c->t->fd_body, sub.w, c->st->text);
		it = pdfblock_add_text(c, &sub, &tx, 2, TAG_LI);
		it->marker = pdfblock_marker(c, "\xe2\x80\xa2");
		listed++;
	}
}

/* The organisation's address, telephone and registrations. */
static void
cover_address(fctx *c, benv *e)
{
	char line[512];

	line[0] = '\0';
	if (c->st->org_address)
		snprintf(line, sizeof line, "%s", c->st->org_address);
	if (c->st->org_phone)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%sTelephone %s", *line ? "\n" : "", c->st->org_phone);
	if (c->st->org_registration)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%sOfsted registration %s", *line ? "\n" : "",
		    c->st->org_registration);
	if (c->st->org_charity)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%sRegistered charity %s", *line ? "\n" : "",
		    c->st->org_charity);
	if (*line) {
		ibuild b;
		pdf_text tx;
		pdfib_init(&b, c->t, 0);
		buf_puts(&b.text, line);
		pdfib_finish(&b, &tx, c->t->fd_body, e->w, c->st->muted);
		pdfblock_add_text(c, e, &tx, 0, TAG_P);
	}
}

/* The address at the foot of the cover: a space that fills what the
 * cover's other items leave of the page (when they leave any). */
static void
cover_foot(fctx *c, benv *e)
{
	pdf_flow *f = c->f;
	double avail = PDF_PAGE_H - c->st->margin_top - c->st->margin_bottom;
	double used = 0, h;
	size_t i, before = f->n;
	pdf_item *sp = pdfflow_add(f, IT_SPACE);

	cover_address(c, e);
	for (i = 0; i < f->n; i++)
		if (i != before)
			used += f->items[i].h + (i ? f->items[i].gap : 0);
	h = avail - used - 4;
	/* Too much for one page: the usual gap, the address follows on. */
	sp = &f->items[before];
	sp->h = h > 30 ? h : 30;
	if (used + 30 > avail)
		sp->h = 30;
}

pdf_flow *
pdfflow_cover(pdf_thread *t, const backend_input *in, xmlNodePtr pack,
    pdf_flow **docs, size_t ndocs)
{
	char *ptitle = xmlread_attr(pack, "title"), *pid = xmlread_attr(pack, "id");
	char *today = NULL, date[64], line[512];
	pdf_flow *f = pdfflow_new("cover", ptitle ? ptitle : pid);
	fctx c;
	benv e;
	PangoFontDescription *fd;

	memset(&c, 0, sizeof c);
	c.t = t;
	c.st = t->st;
	c.in = in;
	c.f = f;
	c.cw = PDF_PAGE_W - t->st->margin_left - t->st->margin_right;
	memset(&e, 0, sizeof e);
	e.w = c.cw;
	if (in->corpus)
		today = xmlread_attr(xmlDocGetRootElement(in->corpus), "today");
	date_long(today ? today : in->today, date, sizeof date);
	space(f, 40);
	if (c.st->logo_path)
		cover_logo(&c, &e);
	fd = pdf_sized(&c, c.st->font_head, 16, 1);
	pdfblock_simple_text(&c, &e, c.st->org_name ? c.st->org_name : "", fd,
	    c.st->muted, 0, 24, TAG_P);
	pango_font_description_free(fd);
	fd = pdf_sized(&c, c.st->font_head, 30, 1);
	pdfblock_simple_text(&c, &e, ptitle ? ptitle : (pid ? pid : ""), fd,
	    c.st->primary, 0, 14, TAG_H);
	f->items[f->n - 1].outline = 1;
	f->items[f->n - 1].outline_title = xstrdup(f->title);
	f->items[f->n - 1].dest = xstrdup("cover");
	pango_font_description_free(fd);
	fd = pdf_sized(&c, c.st->font_body, 12, 0);
	snprintf(line, sizeof line, "%zu document%s \xc2\xb7 Built %s", ndocs,
	    ndocs == 1 ? "" : "s", date);
	pdfblock_simple_text(&c, &e, line, fd, c.st->text, 0, 10, TAG_P);
	pango_font_description_free(fd);
	cover_review(&c, &e, docs, ndocs);
	cover_foot(&c, &e);
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
	fd = pdf_sized(c, c->st->font_head, c->st->size_h[1], 1);
	pdfblock_simple_text(c, e, title, fd, c->st->primary, 0, 0, TAG_H);
	pango_font_description_free(fd);
	f->items[f->n - 1].outline = 1;
	f->items[f->n - 1].outline_title = xstrdup(title);
	f->items[f->n - 1].dest = xstrdup(dest);
	f->items[f->n - 1].keep_next = 1;
}

/* ---- contents ---- */

#define MAX_SECTION_DEPTH 12

/* The chain of section paths from the top down to path (corpus.xml
 * <sections>, each with its parent), at most MAX_SECTION_DEPTH deep;
 * titles[i] borrows the section's title (its path when untitled). */
static int
section_chain(xmlNodePtr secs, const char *path, xmlNodePtr *chain)
{
	xmlNodePtr up[MAX_SECTION_DEPTH];
	int n = 0, i;
	char *want = path && *path ? xstrdup(path) : NULL;

	while (want && n < MAX_SECTION_DEPTH) {
		xmlNodePtr s, found = NULL;
		for (s = secs ? secs->children : NULL; s && !found; s = s->next) {
			char *sp;
			if (!xmlread_is(s, "section"))
				continue;
			sp = xmlread_attr(s, "path");
			if (sp && !strcmp(sp, want))
				found = s;
			free(sp);
		}
		free(want);
		want = NULL;
		if (!found)
			break;
		up[n++] = found;
		want = xmlread_attr(found, "parent");
	}
	free(want);
	for (i = 0; i < n; i++)
		chain[i] = up[n - 1 - i];
	return n;
}

/* A section's heading in the contents, indented by its depth. */
static void
toc_section(fctx *c, benv *e, const char *title, int depth)
{
	PangoFontDescription *fd = pdf_sized(c, c->st->font_head, depth ?
	    c->st->size_body : c->st->size_h[3], 1);
	benv sub = *e;

	sub.x = e->x + 14 * depth;
	sub.w = e->w - 14 * depth;
	pdfblock_simple_text(c, &sub, title, fd, depth ? c->st->text :
	    c->st->primary, 0, depth ? 8 : 16, TAG_P);
	c->f->items[c->f->n - 1].keep_next = 1;
	pango_font_description_free(fd);
}

/* The title of section element sec (its path when untitled). */
static char *
section_title(xmlNodePtr sec)
{
	char *t = xmlread_attr(sec, "title");

	if (!t || !*t) {
		free(t);
		t = xmlread_attr(sec, "path");
	}
	return t ? t : xstrdup("");
}

void
pdfpack_sections(const backend_input *in, pdf_flow **docs, size_t ndocs)
{
	xmlNodePtr secs = NULL, prev[MAX_SECTION_DEPTH], cur[MAX_SECTION_DEPTH];
	int nprev = 0, ncur, j;
	size_t i;

	if (in && in->corpus)
		secs = xmlread_child(xmlDocGetRootElement(in->corpus),
		    "sections");
	for (i = 0; i < ndocs; i++) {
		pdf_flow *d = docs[i];

		ncur = section_chain(secs, d->section, cur);
		/* A folder's own page (its index.md) stands for the folder:
		 * no heading of the same name over it. */
		if (ncur > 0) {
			char *ref = xmlread_attr(cur[ncur - 1], "ref");
			if (ref && !strcmp(ref, d->id))
				ncur--;
			free(ref);
		}
		/* The sections it opens: those of its chain the document
		 * before did not share. */
		for (j = 0; j < ncur && j < nprev && cur[j] == prev[j]; j++)
			;
		d->sec_depth = ncur;
		for (; j < ncur; j++) {
			d->sec_open = xrealloc(d->sec_open, (size_t)(
			    d->nsec_open + 1) * sizeof *d->sec_open);
			d->sec_open_depth = xrealloc(d->sec_open_depth,
			    (size_t)(d->nsec_open + 1) * sizeof(int));
			d->sec_open[d->nsec_open] = section_title(cur[j]);
			d->sec_open_depth[d->nsec_open++] = j;
		}
		memcpy(prev, cur, sizeof cur);
		nprev = ncur;
	}
}

void
pdfpack_sections_clear(pdf_flow **docs, size_t ndocs)
{
	size_t i;
	int k;

	for (i = 0; i < ndocs; i++) {
		for (k = 0; k < docs[i]->nsec_open; k++)
			free(docs[i]->sec_open[k]);
		free(docs[i]->sec_open);
		free(docs[i]->sec_open_depth);
		docs[i]->sec_open = NULL;
		docs[i]->sec_open_depth = NULL;
		docs[i]->nsec_open = 0;
		docs[i]->sec_depth = 0;
	}
}

/* One contents entry: the title (the page number on its last line, the
 * type never pushed onto a line of its own), then a line of type,
 * version and review date. */
static void
toc_entry(fctx *c, benv *e, int depth, const char *title, const char *dest,
    const char *detail)
{
	ibuild b;
	pdf_text tx;
	pdf_item *it;
	benv sub = *e;
	size_t tend, s;
	int line = 0;

	sub.x = e->x + 14 * depth;
	sub.w = e->w - 14 * depth;
	pdfib_init(&b, c->t, 0);
	pdfib_text(&b, title);
	tend = b.text.len;
	if (detail && *detail) {
		buf_puts(&b.text, "\n");
		s = b.text.len;
		pdfib_text(&b, detail);
		pango_attr_list_insert(b.al, pdf_ranged(pdf_colour_attr(
		    c->st->muted), s, b.text.len));
		pango_attr_list_insert(b.al, pdf_ranged(pango_attr_scale_new(
		    0.85), s, b.text.len));
	}
	pdfib_finish(&b, &tx, c->t->fd_body, sub.w - 44, c->st->text);
	it = pdfblock_add_text(c, &sub, &tx, 6, TAG_P);
	it->type = IT_TOC;
	it->w = sub.w;
	it->toc_dest = xstrdup(dest);
	if (it->text.layout && tend > 0)
		pango_layout_index_to_line_x(it->text.layout, (int)tend - 1, 0,
		    &line, NULL);
	it->toc_line = line < it->text.nlines ? line : it->text.nlines - 1;
	if (it->toc_line < 0)
		it->toc_line = 0;
}

/* "Policy · Version 1.1 · Review due 31 December 2014 (overdue)". */
static char *
toc_detail(const pdf_flow *d)
{
	buf b;
	char date[64];

	buf_init(&b);
	buf_puts(&b, "");
	if (d->type && *d->type) {
		buf_puts(&b, d->type);
		if (b.data[0] >= 'a' && b.data[0] <= 'z')
			b.data[0] = (char)(b.data[0] - 'a' + 'A');
	}
	if (d->version && *d->version)
		buf_printf(&b, "%sVersion %s", b.len ? " \xc2\xb7 " : "",
		    d->version);
	if (d->status != STATUS_ACTIVE) {
		const char *w = meta_status_name((enum doc_status)d->status);
		buf_printf(&b, "%s%c%s", b.len ? " \xc2\xb7 " : "",
		    w[0] - 'a' + 'A', w + 1);
	}
	date_long(d->review_due, date, sizeof date);
	buf_printf(&b, "%sReview due %s%s", b.len ? " \xc2\xb7 " : "",
	    d->review_due && *d->review_due ? date : "not set",
	    d->review == REVIEW_OVERDUE ? " (overdue)" :
	    d->review == REVIEW_DUE_SOON ? " (due soon)" : "");
	return buf_detach(&b);
}

pdf_flow *
pdfflow_contents(pdf_thread *t, const backend_input *in, pdf_flow **docs,
    size_t ndocs, int has_glossary)
{
	pdf_flow *f = pdfflow_new("contents", "Contents");
	fctx c;
	benv e;
	size_t i;
	int k;

	pack_page_start(&c, &e, t, in, f, "Contents", "contents");
	space(f, 4);
	for (i = 0; i < ndocs; i++) {
		char *detail = toc_detail(docs[i]);

		for (k = 0; k < docs[i]->nsec_open; k++)
			toc_section(&c, &e, docs[i]->sec_open[k],
			    docs[i]->sec_open_depth[k]);
		toc_entry(&c, &e, docs[i]->sec_depth, docs[i]->title,
		    docs[i]->id, detail);
		free(detail);
	}
	if (has_glossary)
		toc_entry(&c, &e, 0, "Glossary", "glossary",
		    "The terms used in this pack, with the pages they are "
		    "used on");
	return f;
}

static int
cmp_entry_name(const void *a, const void *b)
{
	char *na = xmlread_text_or(xmlread_child(*(xmlNodePtr const *)a, "name"), "");
	char *nb = xmlread_text_or(xmlread_child(*(xmlNodePtr const *)b, "name"), "");
	int r = strcasecmp(na, nb);

	free(na);
	free(nb);
	return r;
}

/* ---- glossary ---- */

xmlNodePtr *
pdfpack_terms(const backend_input *in, pdf_flow **docs, size_t ndocs,
    size_t *n)
{
	xmlNodePtr gl = NULL, en, u;
	xmlNodePtr *sel = NULL;
	size_t nsel = 0, k;

	if (in->corpus)
		gl = xmlread_child(xmlDocGetRootElement(in->corpus), "glossary");
	for (en = gl ? gl->children : NULL; en; en = en->next) {
		int used = 0;
		if (!xmlread_is(en, "entry"))
			continue;
		for (u = xmlread_child(xmlread_child(en, "uses"), "use"); u && !used;
		    u = u->next) {
			char *d;
			if (!xmlread_is(u, "use"))
				continue;
			d = xmlread_attr(u, "doc");
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
	if (nsel)
		qsort(sel, nsel, sizeof *sel, cmp_entry_name);
	*n = nsel;
	return sel;
}

/* Does text tx link to term id on one of its lines [l0, l1)? */
static int
links_term(const pdf_text *tx, int l0, int l1, const char *id)
{
	size_t k;

	for (k = 0; k < tx->nlinks; k++) {
		int line = 0;
		if (tx->links[k].kind != LK_TERM || !tx->links[k].target ||
		    strcmp(tx->links[k].target, id))
			continue;
		if (!tx->layout)
			continue;
		line = tx->links[k].line;   /* found as it was laid out */
		if (line < 0)
			pango_layout_index_to_line_x(tx->layout,
			    tx->links[k].start, 0, &line, NULL);
		if (line >= l0 && line < l1)
			return 1;
	}
	return 0;
}

/* The pages (global numbers, d->first_page set) of document d where term
 * id is linked, at most max; returns how many. */
static int
term_pages(const pdf_flow *d, const char *id, int *pages, int max)
{
	size_t p, j;
	int n = 0, c;

	for (p = 0; p < d->npages && n < max; p++) {
		int hit = 0;
		for (j = 0; j < d->pages[p].n && !hit; j++) {
			const pdf_place *pl = &d->pages[p].pl[j];
			const pdf_item *it = &d->items[pl->item];
			if (pl->repeat || pl->cont)
				continue;
			if (it->type == IT_TEXT || it->type == IT_TOC)
				hit = links_term(&it->text, pl->l0, pl->l1, id);
			else if (it->type == IT_ROW)
				for (c = 0; c < it->ncells && !hit; c++)
					hit = links_term(&it->cells[c],
					    pl->cl0 ? pl->cl0[c] : 0, pl->cl1 ?
					    pl->cl1[c] : it->cells[c].nlines, id);
		}
		if (hit)
			pages[n++] = d->first_page + (int)p;
	}
	return n;
}

/* "Used in: Title (p. 5, 7); Title (p. 30)", the titles linked. */
static void
used_in(fctx *c, benv *sub, xmlNodePtr entry, const char *id,
    pdf_flow **docs, size_t ndocs, PangoFontDescription *fd)
{
	xmlNodePtr u;
	ibuild b;
	pdf_text tx;
	size_t k;
	int nuse = 0, pages[24], np, j;

	pdfib_init(&b, c->t, 0);
	pdfib_text(&b, "Used in: ");
	for (u = xmlread_child(xmlread_child(entry, "uses"), "use"); u;
	    u = u->next) {
		char *d;
		if (!xmlread_is(u, "use"))
			continue;
		d = xmlread_attr(u, "doc");
		for (k = 0; d && k < ndocs; k++) {
			size_t s;
			if (strcmp(d, docs[k]->id))
				continue;
			if (nuse++)
				pdfib_text(&b, "; ");
			s = b.text.len;
			pdfib_text(&b, docs[k]->title);
			pdfib_link(&b, s, LK_DOC, d, NULL);
			pango_attr_list_insert(b.al, pdf_ranged(pdf_colour_attr(
			    c->st->primary), s, b.text.len));
			np = term_pages(docs[k], id ? id : "", pages, 24);
			for (j = 0; j < np; j++)
				buf_printf(&b.text, "%s%d%s", j ? ", " :
				    (np > 1 ? "\xc2\xa0(pp.\xc2\xa0" :
				    "\xc2\xa0(p.\xc2\xa0"), pages[j],
				    j == np - 1 ? ")" : "");
		}
		free(d);
	}
	pdfib_finish(&b, &tx, fd, sub->w, c->st->text);
	pdfblock_add_text(c, sub, &tx, 3, TAG_P)->in_column = 1;
}

pdf_flow *
pdfflow_glossary(pdf_thread *t, const backend_input *in, xmlNodePtr *sel,
    size_t nsel, pdf_flow **docs, size_t ndocs)
{
	pdf_flow *f;
	fctx c;
	benv e, col;
	size_t i, j;
	PangoFontDescription *bold, *small;

	if (!nsel)
		return NULL;
	f = pdfflow_new("glossary", "Glossary");
	f->columns = 2;
	pack_page_start(&c, &e, t, in, f, "Glossary", "glossary");
	pdfblock_simple_text(&c, &e, "The terms used in the documents of this "
	    "pack, with the documents and pages where each is used.",
	    c.t->fd_body, c.st->muted, 0, 4, TAG_P);
	bold = pdf_sized(&c, c.st->font_body, c.st->size_h[4], 1);
	small = pdf_sized(&c, c.st->font_body, 8.5, 0);
	col = e;
	col.w = (e.w - PDF_COL_GAP) / 2;
	for (i = 0; i < nsel; i++) {
		char *name = xmlread_text_or(xmlread_child(sel[i], "name"), "");
		char *abbr = xmlread_child(sel[i], "abbr") ?
		    xmlread_text_or(xmlread_child(sel[i], "abbr"), "") : NULL;
		char *id = xmlread_attr(sel[i], "id");
		char *label = abbr && *abbr ? xasprintf("%s (%s)", name, abbr) :
		    xstrdup(name);
		xmlNodePtr def = xmlread_child(sel[i], "definition");
		benv sub = col;
		size_t first = f->n;
		pdf_item *it;

		pdfblock_simple_text(&c, &col, label, bold, c.st->text, 0,
		    i ? 11 : 14, TAG_H);
		it = &f->items[f->n - 1];
		it->dest = xasprintf("term:%s", id ? id : "");
		sub.first = 1;
		sub.tight = 1;
		if (def)
			pdfblock_blocks(&c, def, &sub);
		used_in(&c, &sub, sel[i], id, docs, ndocs, small);
		/* An entry is kept together with its "Used in" line. */
		for (j = first; j < f->n; j++) {
			f->items[j].in_column = 1;
			if (j + 1 < f->n)
				f->items[j].keep_next = 1;
		}
		free(name);
		free(abbr);
		free(id);
		free(label);
	}
	pango_font_description_free(bold);
	pango_font_description_free(small);
	return f;
}
