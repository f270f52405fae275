/*
 * htmlbody.h — a document page's body as HTML, in C: the same result
 * nodes templates/html/body.xsl's mode "body" makes from the XML body,
 * built straight into the page transform's output (the pc:body
 * extension element of the shipped document.xsl).  htmlxsl.c decides
 * when it may stand in for the templates (no stylesheet of the project's
 * own, a body of the elements it knows) and lends it the pc: functions
 * body.xsl calls, so both ways give one page, byte for byte
 * (tests/html-body.t compares them).
 */
#ifndef POLICYC_HTMLBODY_H
#define POLICYC_HTMLBODY_H

#include <libxml/tree.h>
#include <libxslt/xsltInternals.h>

/* The pc: functions of htmlxsl.c that body.xsl calls. */
typedef struct {
	char *(*href)(const char *s);        /* pc:href, newly allocated */
	char *(*tagfilter)(const char *s);   /* pc:tagfilter */
	/* pc:ref-index() of a footnote-ref */
	double (*ref_index)(xsltTransformContextPtr ctxt, xmlNodePtr ref);
	/* pc:col-width(table, i), newly allocated */
	char *(*col_width)(xsltTransformContextPtr ctxt, xmlNodePtr table,
	    long i);
} htmlbody_fns;

/* 1 when every element below body is one the C renders and the nesting
 * is shallow enough for its recursion; else the templates do it. */
int htmlbody_known(xmlNodePtr body);

/* Appends body's HTML (body.xsl's apply-templates select="body"
 * mode="body" on a site page) to parent, a node of ctxt's output. */
void htmlbody_render(xsltTransformContextPtr ctxt, const htmlbody_fns *fns,
    xmlNodePtr body, xmlNodePtr parent);

/* 1 when footnotes (the page's /document/footnotes) holds only footnote
 * elements of what the C renders. */
int htmlbody_footnotes_known(xmlNodePtr footnotes);

/* Appends footnotes' HTML (body.xsl's template for footnotes in mode
 * "body") to parent. */
void htmlbody_render_footnotes(xsltTransformContextPtr ctxt,
    const htmlbody_fns *fns, xmlNodePtr footnotes, xmlNodePtr parent);

/* normalize-space(s), newly allocated. */
char *htmlbody_normalize(const char *s);

#endif
