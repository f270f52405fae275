/*
 * pdfmodule.c — the core's side of the PDF back end.  The back end
 * (compiler/pdf/) is the module policyc-pdf.so (module.c says why and
 * where it is looked for), loaded the first time a build lays out a PDF
 * or asks what PDFs are made from; `check`, a build without PDFs and
 * serve until a PDF is asked for never load Pango, cairo and the rest.
 * Programs that link the back end in (the unit tests, fuzzers) find its
 * table without loading anything: the reference below is weak.
 *
 * Also the facts of a written PDF the site shows (its pages and size),
 * which need none of those libraries.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "diag.h"
#include "rules.h"
#include "module.h"
#include "util.h"

/* present when the back end is linked into this program */
extern const pdf_backend policyc_pdf_backend __attribute__((weak));

static const pdf_backend *
pdf_backend_get(char *err, size_t errsize)
{
	return module_table("policyc-pdf.so", "policyc_pdf_backend",
	    &policyc_pdf_backend, err, errsize);
}

/* No back end: the PDFs cannot be written, which fails the build as a
 * write that failed does (the previous OUT is kept). */
int
pdf_render(const backend_input *in)
{
	char err[1500];
	const pdf_backend *b = pdf_backend_get(err, sizeof err);

	if (b)
		return b->render(in);
	diag_report_sev(in->ds, SEV_ERROR, R_PDF_WRITE, "policyc-pdf.so", 0, 0,
	    "cannot load the PDF back end: %s", err);
	return 1;
}

void
pdf_identity(const char *project_dir, const char *data_dir, xmlDocPtr corpus,
    char out[33])
{
	char err[1500];
	const pdf_backend *b = pdf_backend_get(err, sizeof err);

	if (b) {
		b->identity(project_dir, data_dir, corpus, out);
		return;
	}
	/* nothing made by a back end is carried over (and the render
	 * that follows fails the build, saying why) */
	snprintf(out, 33, "%032d", 0);
}

long
pdf_count_pages(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	long n = 0;

	/* "/Type /Pages" is the page tree, not a page; a marker with
	 * nothing after it is not counted (html.c always counted so) */
	while (p < end && (p = memmem(p, (size_t)(end - p), "/Type /Page",
	    11)) != NULL) {
		if (p + 11 < end && p[11] != 's')
			n++;
		p += 11;
	}
	return n;
}

int
pdf_file_facts(const char *path, long *pages, long *kb)
{
	size_t len = 0;
	char *data = read_file(path, &len);

	if (!data)
		return 0;
	*pages = pdf_count_pages(data, len);
	*kb = (long)((len + 1023) / 1024);
	free(data);
	return 1;
}
