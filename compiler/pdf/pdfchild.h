/*
 * pdfchild.h — work of the PDF back end done in a child process of its
 * own (pdfchild.c says why and when it is safe), its reports and font
 * counts sent back, watched so that it cannot hang the build.
 */
#ifndef POLICYC_PDFCHILD_H
#define POLICYC_PDFCHILD_H

#include "backend.h"

typedef struct pdfchild pdfchild;

/* The child's work: 0 on success, 1 when a file could not be written
 * (said in in->ds, as in-process). */
typedef int (*pdfchild_fn)(void *ctx);

/* 1 when a child may be forked now: POLICYC_PDF_PACKS is not "inline",
 * no thread of jobs_run is running, and every other thread of the
 * process (Pango's, one a font map) waits idle. */
int pdfchild_possible(void);

/* Forks a child running fn(ctx), named policyc-<what> (15 bytes at
 * most), which expects to use about fresh bytes of new heap (faulted in
 * beside it: hugepages_prefault); NULL when it could not be started
 * (the caller does the work itself). */
pdfchild *pdfchild_start(const backend_input *in, const char *what,
    pdfchild_fn fn, void *ctx, size_t fresh);

/* The MiB of fresh heap the children that ended had faulted in beside
 * them (--timings). */
size_t pdfchild_prefaulted_mib(void);

typedef enum {
	PDFCHILD_OK,       /* done; its reports are in in->ds */
	PDFCHILD_FAILED,   /* done, a file not written; said in in->ds */
	PDFCHILD_DIED,     /* killed, crashed or garbled: *how says how */
	PDFCHILD_STUCK     /* waited idle for seconds and was killed; the
	                      caller does its work itself */
} pdfchild_end;

/* Waits for c to end and frees it; how (NULL or of howsize bytes) says
 * how a child that died ended. */
pdfchild_end pdfchild_finish(pdfchild *c, const backend_input *in,
    char *how, size_t howsize);

#endif
