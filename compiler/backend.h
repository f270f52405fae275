/*
 * backend.h — what every back end (HTML, PDF) is handed by publish.c: the
 * XML trees in memory and where to write.  Back ends read only these trees
 * (never the Markdown), judge no input (pipeline.c has, before they run),
 * and write only below out_dir: a path made from a document id comes from
 * publish_path() and is opened with publish_write()/publish_open()
 * (publish.h).  A back end that cannot write returns nonzero; the build
 * then fails and the previous OUT is kept.
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
	struct incr *incr;          /* the build cache (incremental.h), or NULL */
} backend_input;

/* Writes OUT/html/.  Returns 0 on success, nonzero on a fatal failure
 * (reported to ds). */
int html_render(const backend_input *in);
/* Loads and compiles every stylesheet of the site (the project's
 * templates/html/ overrides first) and reports what is wrong with them;
 * run before any back end, by check and build alike. */
void html_check_templates(const char *project_dir, const char *data_dir,
    diag_set *ds);
/* Renders one document tree's body (no page around it) to an HTML
 * fragment through the same XSLT templates, for `policyc render --to html`
 * and the GFM spec test.  Returns a newly allocated string, or NULL after
 * reporting to ds. */
char *html_render_fragment(xmlDocPtr doc, const char *data_dir,
    diag_set *ds);
/* Writes OUT/pdf/<id>.pdf and OUT/pdf/<pack>.pdf.  Returns 0 on success,
 * nonzero when any file could not be written (a full disk included). */
int pdf_render(const backend_input *in);

#endif
