/*
 * pdfannot.h — a link annotation read from the bytes cairo wrote, and
 * the text of a PDF string: pdfannot.c, for pdftag.c's link
 * descriptions without qpdf parsing each annotation.
 */
#ifndef POLICYC_PDFANNOT_H
#define POLICYC_PDFANNOT_H

#include <stddef.h>

/* What a link annotation's description is made from. */
enum { ANNOT_DEST_NONE, ANNOT_DEST_OTHER, ANNOT_DEST_TEXT };

typedef struct {
	int is_link;          /* /Subtype /Link */
	int has_contents;     /* /Contents present */
	char *uri;            /* /A's /URI, its bytes, or NULL */
	int action;           /* /A is a dictionary */
	int dest_kind;        /* /Dest, or /A's /D: none, another kind of
	                         object (an explicit destination), or a
	                         string or name: */
	char *dest;           /* its text, in UTF-8 */
} pdfannot;

/* Reads one object's bytes ("N 0 obj << ... >> endobj", n long) as a
 * link annotation; 0 on success, -1 when they are not a dictionary this
 * reader is sure of (a string it would have to guess the encoding of, a
 * stream, anything malformed): the caller asks qpdf then. */
int pdfannot_read(const char *obj, size_t n, pdfannot *a);
void pdfannot_clear(pdfannot *a);

/* UTF-8 text s as a PDF text string: a literal string when it is
 * printable ASCII, else UTF-16BE with its byte order mark, in hex.
 * malloc'd; NULL when s is not UTF-8. */
char *pdfannot_text_string(const char *s);

#endif
