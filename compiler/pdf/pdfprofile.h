/*
 * pdfprofile.h — a pack's own audience profile in its PDF (pdfprofile.c).
 */
#ifndef POLICYC_PDFPROFILE_H
#define POLICYC_PDFPROFILE_H

#include "pdfint.h"

typedef struct pdfprofile pdfprofile;

/* For pack pk with an audience attribute: each of docs[0..ndocs) (the
 * pack's flows, from flows[] of in->docs) whose tree holds blocks the
 * pack leaves out is laid out again from a pruned copy and replaced in
 * docs.  Returns what to release after the pack is written (NULL when
 * the pack has no profile of its own). */
pdfprofile *pdfprofile_pack(pdf_thread *t, const backend_input *in,
    xmlNodePtr pk, pdf_flow **flows, pdf_flow **docs, size_t ndocs);
void pdfprofile_release(pdfprofile *pp);

#endif
