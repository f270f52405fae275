/*
 * pdfannot.h — a link annotation or a structure element read from the
 * bytes cairo wrote, and the text of a PDF string: pdfannot.c, for
 * pdftag.c's link descriptions and moved elements without qpdf parsing
 * each object.
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

/* What restructuring needs of a structure element cairo wrote, read
 * from its bytes as pdfannot_read reads an annotation (pdftag.c, so that
 * qpdf neither parses nor writes again the elements it only moves). */
enum { ELEM_K_NONE, ELEM_K_EMPTY, ELEM_K_SOME, ELEM_K_REF };

typedef struct {
	char type[32];        /* /S with its slash ("/P"), at most 31 bytes */
	size_t p_at, p_len;   /* where /P's value (a reference) is in the
	                         object's bytes */
	int k;                /* /K absent or null, an empty array, a
	                         reference (to object k_ref), or anything
	                         else */
	int k_ref;
} pdfelem;

/* Reads one object's bytes as a structure element (/Type /StructElem,
 * /S a name, /P a reference); 0 on success, -1 when this reader is not
 * sure of them (a key twice, a stream, anything malformed). */
int pdfannot_elem(const char *obj, size_t n, pdfelem *e);

/* 1 when one object's bytes ("N G obj ...") hold a dictionary (or a
 * stream's), as qpdf would find it: not null, not an array. */
int pdfannot_is_dict(const char *obj, size_t n);

/* UTF-8 text s as a PDF text string: a literal string when it is
 * printable ASCII, else UTF-16BE with its byte order mark, in hex.
 * malloc'd; NULL when s is not UTF-8. */
char *pdfannot_text_string(const char *s);

#endif
