/*
 * pdfflow.h — the private interface between the flow builders of the PDF
 * back end: text primitives (pdftext.c), the inline builder (pdfinline.c),
 * blocks and tables (pdfblock.c), images (pdfimage.c), the document flow
 * (pdfflow.c) and the pack pages (pdfpack.c).  pdf.c, pdfpage.c and
 * pdfdraw.c see only pdfint.h.
 */
#ifndef POLICYC_PDFFLOW_H
#define POLICYC_PDFFLOW_H

#include "pdfint.h"

/* ---- text primitives (pdftext.c) ---- */

/* Height of all the lines of tx. */
double pdftext_height(const pdf_text *tx);
/* A new layout in the thread's context: font fd, width (pt; <= 0 for
 * none), word-or-char wrapping, the style's line spacing. */
PangoLayout *pdftext_layout(pdf_thread *t, const PangoFontDescription *fd,
    double width);
/* Sets a's byte range to [s, e) and returns it. */
PangoAttribute *pdf_ranged(PangoAttribute *a, size_t s, size_t e);
/* A foreground colour attribute. */
PangoAttribute *pdf_colour_attr(pdf_rgb c);

/* ---- inline content (pdfinline.c) ---- */

typedef struct {
	char *src, *alt;      /* image/@src (external) and @alt */
	char *file;           /* image/@file (kind asset), project-relative */
	char *kind;           /* image/@kind */
	int line;
} pimg;

/* One paragraph's text under construction: text, attributes, link ranges
 * and the images met inline. */
typedef struct {
	pdf_thread *t;
	const pdf_style *st;
	buf text;
	PangoAttrList *al;
	pdf_link *links;
	size_t nlinks, cap;
	pimg *imgs;
	size_t nimgs;
	int line;
	int depth;            /* inline nesting, bounded by PDF_MAX_DEPTH */
} ibuild;

void pdfib_init(ibuild *b, pdf_thread *t, int line);
/* Records a link of kind over [s, end of text) to target (copied). */
void pdfib_link(ibuild *b, size_t s, int kind, const char *target,
    const char *anchor);
/* Appends s with newlines and tabs as spaces. */
void pdfib_text(ibuild *b, const char *s);
/* Appends the inline children of n. */
void pdfib_walk(ibuild *b, xmlNodePtr n);
/* The layout line of each term link of tx (pdf_link.line) when t lays
 * out a pack's document, after tx's layout is measured (pdfib_finish
 * does it; a table's cells measured again at their column's width call
 * it again). */
void pdfib_term_lines(const pdf_thread *t, pdf_text *tx);
/* Shapes the text into tx (width w, font fd, base colour col); the text,
 * attributes and links move into tx, the images stay in b. */
void pdfib_finish(ibuild *b, pdf_text *tx, const PangoFontDescription *fd,
    double w, pdf_rgb col);
/* As pdfib_finish, for a paragraph of any length: one text when it is
 * short, else pieces of a few thousand bytes cut after a sentence or a
 * word (an array of *n texts, the caller's). */
pdf_text *pdfib_finish_pieces(ibuild *b, const PangoFontDescription *fd,
    double w, pdf_rgb col, size_t *n);
void pdfib_free_imgs(ibuild *b);
int pdf_blank(const char *s);

/* ---- blocks (pdfblock.c) ---- */

/* Nesting deeper than this (quotes, lists, inline elements) is laid out
 * flat: the XML can nest without bound, the C stack cannot. */
#define PDF_MAX_DEPTH 64
/* A table of at most this many rows (and under 260 pt) is not split. */
#define PDF_KEEP_ROWS 8

typedef struct {
	pdf_thread *t;
	const pdf_style *st;
	const backend_input *in;
	pdf_flow *f;
	const char *docpath;
	double cw;            /* content width */
} fctx;

typedef struct {
	double x, w;
	int quote;            /* inside a block quote: bar at bar_x */
	double bar_x;
	int list_depth;
	int tight;
	int first;            /* the next block is the first of a list item */
	int depth;            /* block nesting, bounded by PDF_MAX_DEPTH */
} benv;

void pdfblock_blocks(fctx *c, xmlNodePtr parent, benv *e);
void pdfblock_para(fctx *c, benv *e, xmlNodePtr n,
    const PangoFontDescription *fd, pdf_rgb col);
int pdf_getint(xmlNodePtr n, const char *name, int def);
double pdfblock_gap(fctx *c, benv *e);
void pdfblock_decorate(pdf_item *it, benv *e, const pdf_style *st);
/* Adds a text item of tx (moved into the flow) at e's indent. */
pdf_item *pdfblock_add_text(fctx *c, benv *e, pdf_text *tx, double gap,
    int tag);
/* A list marker layout (bullet, number, footnote number). */
PangoLayout *pdfblock_marker(fctx *c, const char *s);
/* Lays out a table of nrows x ncols cells (moved into the flow). */
void pdftable_build(fctx *c, benv *e, pdf_text *cells, int nrows,
    int ncols, int has_header, int shade_first, int min_row_h_rows,
    double gap, const double *fracs);
/* A paragraph of plain text s. */
void pdfblock_simple_text(fctx *c, benv *e, const char *s,
    const PangoFontDescription *fd, pdf_rgb col, int bold, double gap,
    int tag);
/* A font description of family at size (the caller frees it). */
PangoFontDescription *pdf_sized(fctx *c, const char *family, double size,
    int bold);

/* ---- images (pdfimage.c) ---- */

/* Adds image im: the file of an asset, else its alt text. */
void pdfimage_add(fctx *c, benv *e, const pimg *im);
/* Adds the image at file (relative to the project folder). */
void pdfimage_add_file(fctx *c, benv *e, const char *file,
    const char *alt);

#endif
