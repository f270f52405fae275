/*
 * pdfint.h — the private interface of the PDF back end (compiler/pdf/).
 * pdf.c drives it: for every document a flow of items is built from the
 * policy XML (pdfflow.c: Pango shapes each paragraph once), the flow is
 * broken into A4 pages (pdfpage.c), and the pages are drawn with cairo
 * (pdfdraw.c) into the document's own PDF and into every pack that
 * includes it, sharing the same PangoLayouts.  pdfstyle.c reads the style
 * defaults from templates/pdf/style.conf and the project's branding.
 */
#ifndef POLICYC_PDFINT_H
#define POLICYC_PDFINT_H

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <libxml/tree.h>

#include "backend.h"
#include "meta.h"
#include "xmlread.h"
#include "util.h"

#define PDF_PAGE_W 595.2756
#define PDF_PAGE_H 841.8898

typedef struct {
	double r, g, b;
} pdf_rgb;

/* Style: fonts, sizes (pt), colours, margins (pt).  See style.conf. */
typedef struct {
	char *font_body, *font_mono, *font_head;
	double size_body, size_small, size_code, size_title, size_h[7];
	double line_spacing;
	double margin_top, margin_bottom, margin_left, margin_right;
	double para_gap, list_indent, quote_indent, cell_pad;
	int sign_rows;
	pdf_rgb text, muted, primary, accent, rule, code_bg, box_bg,
	    head_bg, border, overdue, due_soon, current, term;
	/* branding (from the XML <project>) */
	char *org_name, *org_address, *org_phone, *org_registration,
	    *org_charity, *logo_path, *project_title, *base_url, *lang;
	char *as_of_label;    /* build --as-of: "As in force on ..." (history.c) */
} pdf_style;

/* A font this thread pinned, and a language its metrics were made for
 * (by their sample string: Pango keeps a font's metrics by it). */
typedef struct {
	PangoFont *font;
	const char *sample;
} pdf_known_font;

/* Per-thread Pango state: fontmaps and contexts are not shared between
 * threads (pango's font maps are not thread-safe). */
typedef struct {
	PangoFontMap *fontmap;
	PangoContext *pc;
	PangoFontDescription *fd_body, *fd_mono, *fd_small;
	const pdf_style *st;
	/* what this thread's layouts may be shaped in without the font
	 * lock (pdffont.c) */
	pdf_known_font *known;
	size_t nknown, known_cap;
	/* the document being laid out is in a pack: its term links get
	 * their lines (pdfib_term_lines) */
	int term_lines;
} pdf_thread;

enum { LK_URI, LK_DOC, LK_ANCHOR, LK_TERM, LK_FOOTNOTE };

typedef struct {
	int start, end;   /* byte range in the layout text */
	int kind;
	char *target;     /* uri, doc id, anchor, term ref, footnote n */
	char *anchor;     /* LK_DOC: optional anchor */
	int line;         /* LK_TERM: the layout line of start, found as the
	                     text is laid out (pdfib_term_lines; a pack's
	                     glossary asks it of every term's every use), or
	                     -1 */
} pdf_link;

/* One shaped paragraph with its line metrics (pt, from the layout top). */
typedef struct {
	PangoLayout *layout;
	int nlines;
	double *top, *bot, *base, *lx;
	pdf_link *links;
	size_t nlinks;
} pdf_text;

enum { IT_TEXT, IT_SPACE, IT_RULE, IT_IMAGE, IT_ROW, IT_BREAK, IT_TOC };
enum { DECO_NONE, DECO_BAR, DECO_BG, DECO_BOX };
enum { TAG_NONE, TAG_P, TAG_H, TAG_CODE, TAG_QUOTE, TAG_LI, TAG_FIG, TAG_TR };

typedef struct pdf_table pdf_table;

typedef struct {
	int type;
	double x, w;          /* offset from the content's left edge; width */
	double h;             /* whole height, padding included */
	double pad;           /* padding above and below (DECO_BG/BOX) */
	double gap;           /* space above, dropped at a page top */
	int keep_next;        /* never end a page after this item */
	int tag, level;       /* structure tag; heading level */
	pdf_text text;        /* IT_TEXT, IT_TOC */
	PangoLayout *marker;  /* list marker, right-aligned before x */
	int deco;
	pdf_rgb deco_col;
	double deco_x0, deco_x1;
	int outline;          /* 0: none; else outline depth (1 = top) */
	char *outline_title;
	char *dest;           /* named destination placed at the item */
	cairo_surface_t *img; /* IT_IMAGE */
	double img_scale;
	pdf_table *table;     /* IT_ROW */
	int header;           /* IT_ROW: the header row of its table */
	pdf_text *cells;
	int ncells;
	char *toc_dest;       /* IT_TOC: the flow it points at */
	int toc_flow;
	int toc_line;         /* IT_TOC: the line that carries the number */
	int in_column;        /* set in a column of a two-column flow */
} pdf_item;

struct pdf_table {
	int ncols;
	double *colx, *colw;
	int header_item;      /* index of the header row, -1 when none */
	int shade_first_col;
};

/* One placed piece of an item on a page. */
typedef struct {
	int item;
	double y;             /* top, from the content top */
	double h;
	int l0, l1;           /* IT_TEXT: lines [l0, l1) */
	int *cl0, *cl1;       /* IT_ROW: per-cell line ranges */
	int repeat;           /* a repeated header row */
	int cont;             /* the "(continued)" line over a split table */
	double dx;            /* the column's offset (two-column flows) */
} pdf_place;

typedef struct {
	pdf_place *pl;
	size_t n, cap;
} pdf_page;

typedef struct {
	char *name;
	int page;             /* page within the flow */
	double y, dx;
} pdf_dest;

/* A flow: a document, or a pack's cover, contents or glossary. */
typedef struct {
	char *id, *title, *path;
	char *header;         /* running header text */
	pdf_item *items;
	size_t n, cap;
	pdf_page *pages;
	size_t npages;
	pdf_dest *dests;
	size_t ndests;
	pdf_table **tables;
	size_t ntables;
	char **tags;          /* document tags (metadata keywords) */
	size_t ntags;
	char *type, *owner;
	char *version;        /* meta version, or NULL */
	char *review_due;     /* review/@due (YYYY-MM-DD), or NULL */
	char *section;        /* the document's section path, or NULL */
	int review;           /* enum review_state, read once (pdf_review_of) */
	int status;           /* enum doc_status, read once (pdf_status_of) */
	int no_chrome;        /* no running header or footer (a pack cover) */
	/* In a pack (pdfpack_sections): how deep the document stands under
	 * the corpus's sections, and the sections it is the first of, with
	 * their depths (0 = top), for the contents and the outline. */
	int sec_depth;
	char **sec_open;
	int *sec_open_depth;
	int nsec_open;
	int columns;          /* 2: items marked in_column are set in two
	                         columns (the glossary); else 1 */
	int first_page;       /* global page number (1-based) in the output */
	struct pdf_control *control;  /* controlled-copy stamp (pdfcontrol.c) */
} pdf_flow;

/* Output-wide link resolution for drawing. */
typedef struct {
	pdf_flow **flows;
	size_t nflows;
	int in_pack;
	int has_glossary;
	int total_pages;
	char *drawn;          /* the file cairo wrote (pdfdraw_write), kept
	                         in memory for pdftag_finish, which makes it
	                         accessible, writes it and frees it */
	size_t ndrawn;
} pdf_out;

/* pdfstyle.c */
void pdfstyle_init(pdf_style *st, const backend_input *in);
void pdfstyle_free(pdf_style *st);
void pdfthread_init(pdf_thread *t, const pdf_style *st);
void pdfthread_free(pdf_thread *t);
/* The judged status and review state the XML carries (<meta><status>,
 * <review state=>), read once here: no back-end code compares the words. */
enum doc_status pdf_status_of(xmlNodePtr meta);
enum review_state pdf_review_of(xmlNodePtr review);
/* The height of the "(continued)" line pdfpage.c reserves over the rest
 * of a split table and pdfdraw.c fills. */
#define PDF_CONT_H 13.0
/* The gutter between the columns of a two-column flow. */
#define PDF_COL_GAP 22.0
/* The footer's line pitch: two lines under the rule, then room for one
 * more (a controlled-copy line) above the page's bottom edge. */
#define PDF_FOOTER_LINE 10.0

/* pdfflow.c */
pdf_flow *pdfflow_new(const char *id, const char *title);
void pdfflow_free(pdf_flow *f);
pdf_item *pdfflow_add(pdf_flow *f, int type);
void pdftext_set(pdf_thread *t, pdf_text *tx, PangoLayout *l);
PangoLayout *pdf_layout(pdf_thread *t, const char *font, double size,
    double width, const char *text, int bold, pdf_rgb *col);
pdf_flow *pdfflow_document(pdf_thread *t, const backend_input *in,
    xmlDocPtr doc);
pdf_flow *pdfflow_cover(pdf_thread *t, const backend_input *in,
    xmlNodePtr pack, pdf_flow **docs, size_t ndocs);
/* The contents of a pack: its documents under their sections (corpus.xml
 * <sections>, nested), each with type, version and review date, and a
 * Glossary entry when has_glossary. */
pdf_flow *pdfflow_contents(pdf_thread *t, const backend_input *in,
    pdf_flow **docs, size_t ndocs, int has_glossary);
/* Sets each pack document's sections (sec_depth, sec_open) from
 * corpus.xml <sections>; pdfpack_sections_clear forgets them once the
 * pack is drawn (a document's flow is drawn again in other packs). */
void pdfpack_sections(const backend_input *in, pdf_flow **docs,
    size_t ndocs);
void pdfpack_sections_clear(pdf_flow **docs, size_t ndocs);
/* The glossary entries (corpus.xml) the pack's documents use, by name;
 * an array of *n the caller frees (NULL when none). */
xmlNodePtr *pdfpack_terms(const backend_input *in, pdf_flow **docs,
    size_t ndocs, size_t *n);
/* The two-column glossary of entries sel, each with the documents and
 * pages that use it: the documents' first_page must be set. */
pdf_flow *pdfflow_glossary(pdf_thread *t, const backend_input *in,
    xmlNodePtr *sel, size_t nsel, pdf_flow **docs, size_t ndocs);

/* pdffont.c: every font a layout uses is pinned (its FreeType face kept
 * open) until pdffont_unpin_all.  pdffont_shape shapes l: without the
 * font lock when pdffont_known finds every font its text will be shaped
 * in pinned by t already, else under it, pinning and learning what it
 * met. */
void pdffont_lock(void);
void pdffont_unlock(void);
int pdffont_known(pdf_thread *t, PangoLayout *l);
int pdffont_shape(pdf_thread *t, PangoLayout *l);
/* layouts pdffont_shape shaped since the last pdffont_unpin_all, and
 * of them without the lock */
void pdffont_counts(size_t *all, size_t *without_lock);
/* counted in another process (a pack's, pdf.c) */
void pdffont_add_counts(size_t all, size_t without_lock);
void pdffont_unpin_all(void);

/* pdfimage.c: loads a PNG (bounded: the size it declares is checked
 * before decoding) or an SVG; *kind 1 or 2; NULL when it cannot. */
cairo_surface_t *pdfimage_load(const char *path, int *kind);

/* pdfcontrol.c: the controlled-copy stamp of a document (NULL without
 * print-validity:), drawn at the foot of each of its pages */
typedef struct pdf_control pdf_control;
pdf_control *pdfcontrol_new(xmlDocPtr doc);
void pdfcontrol_free(pdf_control *pc);
void pdfcontrol_draw(pdf_thread *t, cairo_t *cr, const pdf_control *pc);
/* The width the stamp's QR code takes at the footer's right end (with its
 * gap), 0 without one: the footer's text and page number end before it. */
double pdfcontrol_room(const pdf_control *pc);

/* pdfpage.c */
void pdfpage_paginate(pdf_flow *f, const pdf_style *st);

/* pdfdraw.c: appends s to b with the spaces inside telephone numbers and
 * postcodes made non-breaking. */
void pdf_nbsp_numbers(buf *b, const char *s);
/* pdfdraw.c: draws flows into one PDF at path; returns 0 on success. */
int pdfdraw_write(pdf_thread *t, const backend_input *in, const char *path,
    pdf_out *out, const char *title, const char *subject,
    const char *keywords);

/* pdf_identity (backend.h), handed to the core in policyc_pdf_backend */
void pdf_identity_of(const char *project_dir, const char *data_dir,
    xmlDocPtr corpus, char out[33]);

#endif
