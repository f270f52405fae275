/*
 * pdfflow.c — turns a policy XML document (docs/xml-format.md) into a flow:
 * the title block, document control table, amendments, the body (through
 * pdfblock.c), notes, related documents and the adoption log.  Each
 * PangoLayout is built and shaped once (pdftext.c), measured line by line
 * so pdfpage.c can break pages between lines and pdfdraw.c can draw the
 * same layouts.  The pack pages are in pdfpack.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "pdfflow.h"

static void
section_heading(fctx *c, benv *e, const char *title, const char *dest)
{
	PangoFontDescription *fd = pdf_sized(c, c->st->font_head,
	    c->st->size_h[2], 1);
	pdf_item *it;

	pdfblock_simple_text(c, e, title, fd, c->st->primary, 0, 18, TAG_H);
	pango_font_description_free(fd);
	it = &c->f->items[c->f->n - 1];
	it->keep_next = 1;
	it->level = 2;
	it->outline = 2;
	it->outline_title = xstrdup(title);
	it->dest = xasprintf("%s#%s", c->f->id, dest);
}

/* A cell of plain text (optionally bold, coloured). */
static void
cell_text(fctx *c, pdf_text *tx, const char *s, int bold, pdf_rgb col)
{
	ibuild b;

	pdfib_init(&b, c->t, 0);
	pdfib_text(&b, s ? s : "");
	if (bold)
		pango_attr_list_insert(b.al, pdf_ranged(pango_attr_weight_new(
		    PANGO_WEIGHT_BOLD), 0, b.text.len));
	pdfib_finish(&b, tx, c->t->fd_body, -1, col);
}

static char *
meta_text(xmlNodePtr meta, const char *name)
{
	xmlNodePtr n = xmlread_child(meta, name);

	return n ? xmlread_text_or(n, "") : NULL;
}

static void
capitalise(char *s)
{
	if (s && *s)
		*s = (char)toupper((unsigned char)*s);
}

/* "Review due": the date and the state meta_judge gave it; a document
 * that is not judged (draft, withdrawn, superseded) still shows the date
 * it carries.  "Not set" only when it has none. */
static void
review_phrase(xmlNodePtr rev, enum doc_status status, const pdf_style *st,
    char *out, size_t n, pdf_rgb *col)
{
	char *due = rev ? xmlread_attr(rev, "due") : NULL;
	char *days = rev ? xmlread_attr(rev, "days") : NULL;
	char date[64];
	long d = days ? atol(days) : 0;

	*col = st->text;
	date_long(due, date, sizeof date);
	if (!due || !*due) {
		snprintf(out, n, "Not set");
		*col = st->due_soon;
	} else switch (pdf_review_of(rev)) {
	case REVIEW_OVERDUE:
		snprintf(out, n, "%s \xe2\x80\x94 OVERDUE by %ld day%s", date,
		    -d, -d == 1 ? "" : "s");
		*col = st->overdue;
		break;
	case REVIEW_DUE_SOON:
		snprintf(out, n, "%s \xe2\x80\x94 due soon (in %ld day%s)",
		    date, d, d == 1 ? "" : "s");
		*col = st->due_soon;
		break;
	case REVIEW_OK:
		snprintf(out, n, "%s \xe2\x80\x94 current", date);
		*col = st->current;
		break;
	default:
		/* Not judged: the review rules skip what is not active. */
		if (status != STATUS_ACTIVE)
			snprintf(out, n, "%s (not tracked while %s)", date,
			    meta_status_name(status));
		else
			snprintf(out, n, "%s", date);
		break;
	}
	free(due);
	free(days);
}

static const double control_fracs[] = { 0.24, 0.76 };

static void
control_table(fctx *c, benv *e, xmlNodePtr meta)
{
	const char *labels[] = { "Owner", "Version", "Approved", "Approved by",
		"Review due", "Status" };
	const char *keys[] = { "owner", "version", "approved", "approved-by",
		NULL, "status" };
	pdf_text cells[12];
	int r;

	memset(cells, 0, sizeof cells);
	for (r = 0; r < 6; r++) {
		char val[256];
		pdf_rgb col = c->st->text;
		char *v = NULL;

		cell_text(c, &cells[r * 2], labels[r], 1, c->st->text);
		if (keys[r]) {
			v = meta_text(meta, keys[r]);
			if (v && !strcmp(keys[r], "approved")) {
				date_long(v, val, sizeof val);
				free(v);
				v = xstrdup(val);
			}
			if (!strcmp(keys[r], "status")) {
				free(v);
				v = xstrdup(meta_status_name(
				    (enum doc_status)c->f->status));
				capitalise(v);
			}
			if (!v || !*v) {
				free(v);
				v = xstrdup("\xe2\x80\x94");
			}
			cell_text(c, &cells[r * 2 + 1], v, 0, col);
		} else {
			review_phrase(xmlread_child(meta, "review"),
			    (enum doc_status)c->f->status, c->st, val,
			    sizeof val, &col);
			cell_text(c, &cells[r * 2 + 1], val, 1, col);
		}
		free(v);
	}
	/* The same label column in every document (a fitted one was a
	 * quarter of the width in one document and two thirds in the next). */
	pdftable_build(c, e, cells, 6, 2, 0, 1, 0, 12, control_fracs);
}

static void
amendments(fctx *c, benv *e, xmlNodePtr meta)
{
	xmlNodePtr am = xmlread_child(meta, "amendments"), a;
	ibuild b;
	pdf_text tx;
	pdf_item *it;
	int any = 0;
	size_t s;
	double inset = 10, pad = 7;

	if (!am)
		return;
	pdfib_init(&b, c->t, 0);
	pdfib_text(&b, "Amendments");
	pango_attr_list_insert(b.al, pdf_ranged(pango_attr_weight_new(
	    PANGO_WEIGHT_BOLD), 0, b.text.len));
	pango_attr_list_insert(b.al, pdf_ranged(pdf_colour_attr(
	    c->st->accent), 0, b.text.len));
	for (a = am->children; a; a = a->next) {
		char *date, *txt, ld[64];
		if (!xmlread_is(a, "amendment"))
			continue;
		date = xmlread_attr(a, "date");
		txt = xmlread_text_or(a, "");
		buf_puts(&b.text, "\n");
		if (date && *date) {   /* as the site: an undated one is its text */
			date_long(date, ld, sizeof ld);
			s = b.text.len;
			pdfib_text(&b, ld);
			pango_attr_list_insert(b.al, pdf_ranged(
			    pango_attr_weight_new(PANGO_WEIGHT_BOLD), s,
			    b.text.len));
			pdfib_text(&b, ": ");
		}
		pdfib_text(&b, txt);
		free(date);
		free(txt);
		any = 1;
	}
	if (!any) {
		pango_attr_list_unref(b.al);
		buf_free(&b.text);
		return;
	}
	pdfib_finish(&b, &tx, c->t->fd_body, e->w - 2 * inset, c->st->text);
	it = pdfblock_add_text(c, e, &tx, 12, TAG_P);
	it->x = e->x + inset;
	it->w = e->w - 2 * inset;
	it->pad = pad;
	it->h += 2 * pad;
	it->deco = DECO_BOX;
	it->deco_col = c->st->accent;
	it->deco_x0 = e->x;
	it->deco_x1 = e->x + e->w;
}

static void
footnotes(fctx *c, benv *e, xmlNodePtr fns)
{
	xmlNodePtr fn, p;
	int any = 0;
	benv sub = *e;

	for (fn = fns ? fns->children : NULL; fn; fn = fn->next) {
		char *nn;
		size_t before;

		if (!xmlread_is(fn, "footnote"))
			continue;
		if (!any) {
			section_heading(c, e, "Notes", "notes");
			any = 1;
		}
		nn = xmlread_attr(fn, "n");
		before = c->f->n;
		sub.x = e->x + 18;
		sub.w = e->w - 18;
		sub.first = 0;
		sub.tight = 0;
		for (p = fn->children; p; p = p->next)
			if (xmlread_is(p, "para")) {
				pdfblock_para(c, &sub, p, c->t->fd_body,
				    c->st->text);
			}
		if (c->f->n > before) {
			char *m = xasprintf("%s.", nn ? nn : "?");
			c->f->items[before].marker = pdfblock_marker(c, m);
			c->f->items[before].dest = xasprintf("fn:%s:%s",
			    c->f->id, nn ? nn : "?");
			free(m);
		}
		free(nn);
	}
}

/* A list of documents (<ref ref title note>) and web pages (<external
 * href>) under a heading: "Related documents", "Referenced by". */
static void
ref_list(fctx *c, benv *e, xmlNodePtr rel, const char *heading,
    const char *dest)
{
	xmlNodePtr r;
	int any = 0;

	for (r = rel ? rel->children : NULL; r; r = r->next) {
		ibuild b;
		pdf_text tx;
		char *ref, *title, *note;
		size_t s;
		pdf_item *it;
		benv sub = *e;

		if (!xmlread_is(r, "ref") && !xmlread_is(r, "external"))
			continue;
		if (!any) {
			section_heading(c, e, heading, dest);
			any = 1;
		}
		ref = xmlread_attr(r, xmlread_is(r, "ref") ? "ref" : "href");
		title = xmlread_attr(r, "title");
		note = xmlread_attr(r, "note");
		pdfib_init(&b, c->t, 0);
		s = b.text.len;
		pdfib_text(&b, title && *title ? title : (ref ? ref : ""));
		/* A related URL the URL policy refused has no href: text. */
		if (ref) {
			pango_attr_list_insert(b.al, pdf_ranged(pdf_colour_attr(
			    c->st->primary), s, b.text.len));
			pango_attr_list_insert(b.al, pdf_ranged(
			    pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), s,
			    b.text.len));
			pdfib_link(&b, s, xmlread_is(r, "ref") ? LK_DOC : LK_URI,
			    ref, NULL);
		}
		if (note && *note) {
			pdfib_text(&b, " \xe2\x80\x94 ");
			pdfib_text(&b, note);
		}
		sub.x = e->x + c->st->list_indent;
		sub.w = e->w - c->st->list_indent;
		pdfib_finish(&b, &tx, c->t->fd_body, sub.w, c->st->text);
		it = pdfblock_add_text(c, &sub, &tx, 2, TAG_LI);
		it->marker = pdfblock_marker(c, "\xe2\x80\xa2");
		free(ref);
		free(title);
		free(note);
	}
}

static void
adoption_log(fctx *c, benv *e, xmlNodePtr meta)
{
	xmlNodePtr hist = xmlread_child(meta, "history"), h;
	const char *heads[] = { "Version", "Date", "By", "Note",
		"Signed", "Next review" };
	/* Note gets the room: Signed needs a signature's width, no more. */
	static const double fracs[] = { 0.10, 0.15, 0.17, 0.33, 0.14, 0.11 };
	int nrows = 1, r = 0, k, ncols = 6;
	pdf_text *cells;
	char *review = NULL;
	xmlNodePtr rev = xmlread_child(meta, "review");
	char line[512], due[64];
	PangoFontDescription *small;

	for (h = hist ? hist->children : NULL; h; h = h->next)
		if (xmlread_is(h, "entry"))
			nrows++;
	nrows += c->st->sign_rows;
	section_heading(c, e, "Adoption and review", "adoption-and-review");
	if (rev)
		review = xmlread_attr(rev, "due");
	date_long(review, due, sizeof due);
	{
		char *org = c->st->org_name ? c->st->org_name : "the setting";
		snprintf(line, sizeof line, "This document was adopted by %s. "
		    "Each review is recorded below, signed and dated by the "
		    "person authorising it.%s%s%s", org,
		    review ? " Next review due: " : "", review ? due : "",
		    review ? "." : "");
	}
	small = pango_font_description_copy(c->t->fd_body);
	pdfblock_simple_text(c, e, line, small, c->st->text, 0, 4, TAG_P);
	pango_font_description_free(small);
	c->f->items[c->f->n - 1].keep_next = 1;
	cells = xcalloc((size_t)(nrows * ncols), sizeof *cells);
	for (k = 0; k < ncols; k++)
		cell_text(c, &cells[k], heads[k], 1, c->st->text);
	r = 1;
	for (h = hist ? hist->children : NULL; h; h = h->next) {
		char *v, *d, *by, *note, ld[64];
		if (!xmlread_is(h, "entry"))
			continue;
		v = xmlread_attr(h, "version");
		d = xmlread_attr(h, "date");
		by = xmlread_attr(h, "by");
		note = xmlread_text_or(h, "");
		date_long(d, ld, sizeof ld);
		cell_text(c, &cells[r * ncols + 0], v, 0, c->st->text);
		cell_text(c, &cells[r * ncols + 1], ld, 0, c->st->text);
		cell_text(c, &cells[r * ncols + 2], by, 0, c->st->text);
		cell_text(c, &cells[r * ncols + 3], note, 0, c->st->text);
		cell_text(c, &cells[r * ncols + 4], "", 0, c->st->text);
		cell_text(c, &cells[r * ncols + 5], "", 0, c->st->text);
		free(v);
		free(d);
		free(by);
		free(note);
		r++;
	}
	for (; r < nrows; r++)
		for (k = 0; k < ncols; k++)
			cell_text(c, &cells[r * ncols + k],
			    k == 3 ? "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0" :
			    k == 4 ? "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0"
			    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0" : "",
			    0, c->st->text);
	pdftable_build(c, e, cells, nrows, ncols, 1, 0, c->st->sign_rows, 6,
	    fracs);
	free(cells);
	free(review);
}

/* The document's tags (meta/tags/tag), for the PDF's keywords. */
static void
read_tags(pdf_flow *f, xmlNodePtr meta)
{
	xmlNodePtr n = xmlread_child(meta, "tags");

	for (n = n ? n->children : NULL; n; n = n->next)
		if (xmlread_is(n, "tag")) {
			f->tags = xrealloc(f->tags,
			    (f->ntags + 1) * sizeof *f->tags);
			f->tags[f->ntags++] = xmlread_text_or(n, "");
		}
}

pdf_flow *
pdfflow_document(pdf_thread *t, const backend_input *in, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr meta = xmlread_child(root, "meta"), n, sup;
	char *id = xmlread_attr(root, "id"), *title = meta_text(meta, "title");
	char *type = meta_text(meta, "type");
	enum doc_status status = pdf_status_of(meta);
	fctx c;
	benv e;
	pdf_flow *f;
	PangoFontDescription *fd;
	pdf_item *it;
	char kicker[256];

	f = pdfflow_new(id, title);
	f->path = xmlread_attr(root, "path");
	f->type = xstrdup(type ? type : "");
	f->owner = meta_text(meta, "owner");
	f->control = pdfcontrol_new(doc);
	f->version = meta_text(meta, "version");
	f->status = (int)status;
	f->review = (int)pdf_review_of(xmlread_child(meta, "review"));
	if ((n = xmlread_child(meta, "review")))
		f->review_due = xmlread_attr(n, "due");
	f->section = xmlread_attr(root, "section");
	memset(&c, 0, sizeof c);
	c.t = t;
	c.st = t->st;
	c.in = in;
	c.f = f;
	c.docpath = f->path;
	c.cw = PDF_PAGE_W - t->st->margin_left - t->st->margin_right;
	memset(&e, 0, sizeof e);
	e.w = c.cw;
	read_tags(f, meta);

	/* Title block. */
	capitalise(type);
	snprintf(kicker, sizeof kicker, "%s%s%s", type && *type ? type :
	    "Document", c.st->org_name ? " \xc2\xb7 " : "",
	    c.st->org_name ? c.st->org_name : "");
	fd = pdf_sized(&c, c.st->font_body, c.st->size_body, 1);
	pdfblock_simple_text(&c, &e, kicker, fd, c.st->accent, 0, 0, TAG_P);
	pango_font_description_free(fd);
	f->items[f->n - 1].keep_next = 1;
	fd = pdf_sized(&c, c.st->font_head, c.st->size_title, 1);
	pdfblock_simple_text(&c, &e, title ? title : "", fd, c.st->primary, 0,
	    4, TAG_H);
	pango_font_description_free(fd);
	it = &f->items[f->n - 1];
	it->level = 1;
	it->keep_next = 1;
	it->outline = 1;
	it->outline_title = xstrdup(title ? title : "");
	it->dest = xstrdup(f->id);
	if (status != STATUS_ACTIVE) {
		char msg[512], word[32];
		snprintf(word, sizeof word, "%s", meta_status_name(status));
		capitalise(word);
		snprintf(msg, sizeof msg, "Status: %s", word);
		if ((sup = xmlread_child(meta, "superseded-by"))) {
			char *st2 = xmlread_attr(sup, "title");
			snprintf(msg, sizeof msg, "Status: %s \xe2\x80\x94 "
			    "superseded by %s", word, st2 ? st2 : "");
			free(st2);
		}
		fd = pdf_sized(&c, c.st->font_body, c.st->size_h[4], 1);
		pdfblock_simple_text(&c, &e, msg, fd, c.st->overdue, 0, 6,
		    TAG_P);
		pango_font_description_free(fd);
	}
	{
		/* a document an edition added or replaced (extends.c) */
		char *local = xmlread_attr(root, "local");
		if (local) {
			char *msg = xasprintf("Local procedure \xe2\x80\x94 %s",
			    local);
			pdfblock_simple_text(&c, &e, msg, c.t->fd_body,
			    c.st->accent, 1, 6, TAG_P);
			free(msg);
			free(local);
		}
	}
	control_table(&c, &e, meta);
	amendments(&c, &e, meta);
	if ((n = xmlread_child(root, "body")))
		pdfblock_blocks(&c, n, &e);
	footnotes(&c, &e, xmlread_child(root, "footnotes"));
	ref_list(&c, &e, xmlread_child(root, "related"), "Related documents",
	    "related");
	ref_list(&c, &e, xmlread_child(root, "referenced-by"), "Referenced by",
	    "referenced-by");
	adoption_log(&c, &e, meta);

	free(id);
	free(title);
	free(type);
	return f;
}
