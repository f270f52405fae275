/*
 * backend.h — what every back end (HTML, PDF) is handed: the XML trees in
 * memory and where to write.  Back ends read only these trees (never the
 * Markdown) and write only below out_dir.
 */
#ifndef POLICYC_BACKEND_H
#define POLICYC_BACKEND_H

#include <stddef.h>
#include <libxml/tree.h>
#include "diag.h"

typedef struct {
	const char *project_dir;    /* the policy project folder */
	const char *data_dir;       /* built-in templates/ and filters/ live here */
	const char *out_dir;        /* staging output folder (write below it) */
	xmlDocPtr corpus;           /* corpus.xml tree */
	xmlDocPtr *docs;            /* one tree per document, in corpus order */
	size_t ndocs;
	int jobs;                   /* threads to use */
	const char *today;          /* YYYY-MM-DD */
	diag_set *ds;
} backend_input;

/* Writes OUT/html/.  Returns 0 on success, nonzero on a fatal failure
 * (reported to ds). */
int html_render(const backend_input *in);
/* Renders one document tree's body (no page around it) to an HTML
 * fragment through the same XSLT templates, for `policyc render --to html`
 * and the GFM spec test.  Returns a newly allocated string, or NULL after
 * reporting to ds. */
char *html_render_fragment(xmlDocPtr doc, const char *data_dir,
    diag_set *ds);
/* Writes OUT/pdf/<id>.pdf and OUT/pdf/<pack>.pdf.  Returns 0 on success. */
int pdf_render(const backend_input *in);

#endif
