/*
 * pdftag.h — finishing a written PDF as an accessible (tagged, PDF/UA)
 * document: pdftag.c, called by pdf.c once cairo has written each file.
 */
#ifndef POLICYC_PDFTAG_H
#define POLICYC_PDFTAG_H

#include "pdfint.h"

/* Makes the PDF pdfdraw_write drew from out (out->drawn, which this
 * frees) a tagged document in language lang, and writes it at path
 * (beneath in->out_dir).  0 on success; else reports pdf-write and
 * returns 1 (the file must not be published untagged: the caller fails
 * the build). */
int pdftag_finish(const backend_input *in, const char *path, pdf_out *out,
    const char *lang);

/* Marks the page content that no structure element owns as artifacts
 * and turns the marked-content sequences whose MCID is in art (sorted,
 * nart long) into artifacts.  Returns a malloc'd stream of *outlen
 * bytes; *converted counts the MCIDs found.  Exposed for unit tests. */
char *pdftag_mark_stream(const char *s, size_t n, const int *art,
    size_t nart, size_t *outlen, size_t *converted);

#endif
