/*
 * worddiff.h — a document version as plain text by section, and the
 * word-level difference of two versions as XML with a summary (see
 * worddiff.c).  Used by history.c.
 */
#ifndef POLICYC_WORDDIFF_H
#define POLICYC_WORDDIFF_H

#include <stddef.h>
#include <libxml/tree.h>

typedef struct {
	char *title;          /* the heading's plain text; "" before any */
	char **paras;         /* each block's words, one space between */
	size_t npara;
} wd_section;

typedef struct {
	wd_section *s;
	size_t n;
	char *version;        /* front matter version:, or NULL */
} wd_text;

/* Reads a Markdown file's text (front matter set aside). */
wd_text *worddiff_text(const char *src, size_t len);
void worddiff_text_free(wd_text *t);
/* 1 when the two have the same words in the same sections. */
int worddiff_equal(const wd_text *a, const wd_text *b);
/* Appends a <section> per changed section of b to parent (paragraphs
 * with <ins>/<del>); returns the summary ("Section 4 Process: 2
 * paragraphs changed, 1 added; ..."), or NULL when the text is the same.
 * Caller frees. */
char *worddiff_xml(const wd_text *a, const wd_text *b, xmlNodePtr parent);
/* Share of paragraphs the two have in common, 0..1 (rename detection). */
double worddiff_similarity(const wd_text *a, const wd_text *b);

#endif
