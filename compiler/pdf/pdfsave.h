/*
 * pdfsave.h — writing a tagged PDF by copying what did not change:
 * pdfsave.c, used by pdftag.c in place of qpdf's writer.
 */
#ifndef POLICYC_PDFSAVE_H
#define POLICYC_PDFSAVE_H

#include <stddef.h>

#include <qpdf/qpdf-c.h>

typedef struct pdfsave pdfsave;

/* Reads the cross-reference table of the PDF in data (len bytes, kept
 * by the caller until pdfsave_free): a save of it, or NULL when the file
 * is not of the one shape this writer copies from (what cairo writes:
 * one classic table, every object of generation 0, each at its offset),
 * and qpdf's writer must do. */
pdfsave *pdfsave_open(const char *data, size_t len);

/* A number for a new object (the trailer's /Size, then up). */
int pdfsave_new_id(pdfsave *s);

/* Object id (an old or a new one) has changed: it is written from
 * qpdf's own serialisation of it, not copied. */
void pdfsave_touch(pdfsave *s, int id);

/* Old object id is left out of the new file (nothing refers to it any
 * more: a rewritten stream's old /Length). */
void pdfsave_drop(pdfsave *s, int id);

/* Old object id's bytes as they are in the file ("N 0 obj" up to the
 * next object), *n of them; NULL for a number the file does not have. */
const char *pdfsave_raw(const pdfsave *s, int id, size_t *n);

/* Old object id, a dictionary, is copied with text added at its end,
 * before its closing ">>" (or written so, when it is touched too); 0,
 * or -1 when it is not a dictionary object (nothing is recorded). */
int pdfsave_append(pdfsave *s, int id, const char *text);

/* Old object id, a dictionary, is copied with its bytes [at, at + len)
 * (inside the dictionary) replaced by text; 0, or -1 when it cannot be
 * (not a dictionary object, a range outside it, a replacement already
 * recorded).  An object so recorded and then touched makes
 * pdfsave_write fail: qpdf's serialisation would not have the new
 * bytes. */
int pdfsave_replace(pdfsave *s, int id, size_t at, size_t len,
    const char *text);

/* Object id is written as a stream of these len bytes under dict (a
 * dictionary's text, without /Length or /Filter), compressed with
 * Flate when flate is nonzero.  Copies data. */
void pdfsave_stream(pdfsave *s, int id, const char *dict,
    const void *data, size_t len, int flate);

/* The new file: every object as it was, but those touched or given as
 * streams; the new ones; a new cross-reference table and a trailer of
 * root and info (object numbers; info 0 for none) and an /ID of the
 * file's hash.  A malloc'd buffer of *len bytes, or NULL when an object
 * touched cannot be written from its serialisation (a stream). */
char *pdfsave_write(pdfsave *s, qpdf_data q, int root, int info,
    size_t *len);

void pdfsave_free(pdfsave *s);

#endif
