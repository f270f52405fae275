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
	pdf_date_long(today ? today : in->today, date, sizeof date);
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
	space(f, 30);
	cover_address(&c, &e);
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

pdf_flow *
pdfflow_contents(pdf_thread *t, pdf_flow **flows, size_t nflows)
{
	pdf_flow *f = pdfflow_new("contents", "Contents");
	fctx c;
	benv e;
	size_t i;

	pack_page_start(&c, &e, t, NULL, f, "Contents", "contents");
	space(f, 8);
	for (i = 0; i < nflows; i++) {
		ibuild b;
		pdf_text tx;
		pdf_item *it;
		const char *ty = flows[i]->type;

		pdfib_init(&b, t, 0);
		pdfib_text(&b, flows[i]->title);
		if (ty && *ty) {
			size_t s = b.text.len;
			pdfib_text(&b, "  ");
			pdfib_text(&b, ty);
			pango_attr_list_insert(b.al, pdf_ranged(pdf_colour_attr(
			    c.st->muted), s, b.text.len));
			pango_attr_list_insert(b.al, pdf_ranged(
			    pango_attr_scale_new(0.85), s, b.text.len));
		}
		pdfib_finish(&b, &tx, c.t->fd_body, e.w - 60, c.st->text);
		it = pdfblock_add_text(&c, &e, &tx, 5, TAG_P);
		it->type = IT_TOC;
		it->w = e.w;
		it->toc_dest = xstrdup(flows[i]->id);
	}
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

pdf_flow *
pdfflow_glossary(pdf_thread *t, const backend_input *in, pdf_flow **docs,
    size_t ndocs)
{
	xmlNodePtr gl = NULL, en, u;
	xmlNodePtr *sel = NULL;
	size_t nsel = 0, i, k;
	pdf_flow *f;
	fctx c;
	benv e;
	PangoFontDescription *bold;

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
	if (!nsel) {
		free(sel);
		return NULL;
	}
	qsort(sel, nsel, sizeof *sel, cmp_entry_name);
	f = pdfflow_new("glossary", "Glossary");
	pack_page_start(&c, &e, t, in, f, "Glossary", "glossary");
	pdfblock_simple_text(&c, &e,
	    "The terms used in the documents of this pack.",
	    c.t->fd_body, c.st->muted, 0, 4, TAG_P);
	bold = pdf_sized(&c, c.st->font_body, c.st->size_h[4], 1);
	for (i = 0; i < nsel; i++) {
		char *name = xmlread_text_or(xmlread_child(sel[i], "name"), "");
		char *abbr = xmlread_child(sel[i], "abbr") ?
		    xmlread_text_or(xmlread_child(sel[i], "abbr"), "") : NULL;
		char *id = xmlread_attr(sel[i], "id");
		char *label = abbr && *abbr ? xasprintf("%s (%s)", name, abbr) :
		    xstrdup(name);
		xmlNodePtr def = xmlread_child(sel[i], "definition");
		benv sub = e;
		ibuild b;
		pdf_text tx;
		int nuse = 0;
		pdf_item *it;

		pdfblock_simple_text(&c, &e, label, bold, c.st->text, 0, 12,
		    TAG_H);
		it = &f->items[f->n - 1];
		it->keep_next = 1;
		it->dest = xasprintf("term:%s", id ? id : "");
		sub.x = e.x + 12;
		sub.w = e.w - 12;
		sub.first = 1;
		sub.tight = 1;
		if (def)
			pdfblock_blocks(&c, def, &sub);
		pdfib_init(&b, t, 0);
		pdfib_text(&b, "Used in: ");
		for (u = xmlread_child(xmlread_child(sel[i], "uses"), "use"); u;
		    u = u->next) {
			char *d;
			if (!xmlread_is(u, "use"))
				continue;
			d = xmlread_attr(u, "doc");
			for (k = 0; d && k < ndocs; k++)
				if (!strcmp(d, docs[k]->id)) {
					size_t s;
					if (nuse++)
						pdfib_text(&b, "; ");
					s = b.text.len;
					pdfib_text(&b, docs[k]->title);
					pdfib_link(&b, s, LK_DOC, d, NULL);
					pango_attr_list_insert(b.al, pdf_ranged(
					    pdf_colour_attr(c.st->primary), s,
					    b.text.len));
				}
			free(d);
		}
		pdfib_finish(&b, &tx, c.t->fd_small, sub.w, c.st->muted);
		pdfblock_add_text(&c, &sub, &tx, 3, TAG_P);
		free(name);
		free(abbr);
		free(id);
		free(label);
	}
	pango_font_description_free(bold);
	free(sel);
	return f;
}
