/*
 * htmlxsl.h — the XSLT engine of the HTML back end: finds stylesheets (a
 * project's templates/html/NAME first, then the built-in NAME), compiles
 * them, and runs transforms with the sandbox and the limits DESIGN.md
 * promises.  html.c (the site writer) is its only user.
 */
#ifndef POLICYC_HTMLXSL_H
#define POLICYC_HTMLXSL_H

#include <libxml/tree.h>
#include <libxslt/xsltInternals.h>

#include "diag.h"

typedef struct htmlxsl htmlxsl;

/* Opens an engine over project_dir/templates/html (when it exists;
 * project_dir may be NULL) and data_dir/templates/html.  Free with
 * htmlxsl_free. */
htmlxsl *htmlxsl_new(const char *project_dir, const char *data_dir);
void htmlxsl_free(htmlxsl *e);
/* The folder policyc's own stylesheets are read from. */
const char *htmlxsl_builtin_dir(const htmlxsl *e);

/* The file a template name (a stylesheet, style.css, search.js) resolves
 * to: the project's own first.  Newly allocated. */
char *htmlxsl_resolve(const htmlxsl *e, const char *name);

/* Compiles stylesheet name (with its imports and includes).  NULL after
 * an html-template error in ds.  Free with xsltFreeStylesheet.  Call from
 * one thread at a time. */
xsltStylesheetPtr htmlxsl_load(htmlxsl *e, const char *name, diag_set *ds);

/* Transforms doc with st (params: NULL-terminated name/value pairs, taken
 * as strings) and returns the serialised result, newly allocated, after
 * prefix: written as HTML (void elements as "<br />", no XML declaration)
 * when xhtml is set, else as the stylesheet's xsl:output says.  NULL after
 * an html-template error in ds (file: what the page is made from, used
 * when the error has no stylesheet line).  Safe to call from several
 * threads at once with one compiled stylesheet.  The budgets grow with
 * doc's size, htmlxsl_size(doc); nodes is that size, or 0 to count it
 * here (a caller transforming one tree again and again counts it once:
 * a walk of corpus.xml costs as much as a small page). */
char *htmlxsl_apply(htmlxsl *e, xsltStylesheetPtr st, xmlDocPtr doc,
    const char **params, diag_set *ds, const char *file,
    const char *prefix, int xhtml, size_t nodes);
/* How many page transforms of e asked pc:body-in-c() (the document
 * pages), and of those how many had their body rendered in C, in
 * *in_c (htmlbody.h; for --timings and the tests). */
size_t htmlxsl_bodies(const htmlxsl *e, size_t *in_c);

/* How many document pages asked pc:page-in-c(), and (*in_c) how many
 * were made in C. */
size_t htmlxsl_pages(const htmlxsl *e, size_t *in_c);

/* The number of doc's nodes and attributes. */
size_t htmlxsl_size(xmlDocPtr doc);

/* Limits of one transform (decisions.md, "Template limits"). */
#define HTMLXSL_OPS_BASE     50000000UL  /* XPath steps, plus 200 a node */
#define HTMLXSL_MEM_BASE     (256UL << 20) /* bytes, plus 64 a node */

#endif
