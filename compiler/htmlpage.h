/*
 * htmlpage.h — a document's whole site page in C: the same result nodes
 * the shipped templates/html/document.xsl (with layout.xsl's frame and
 * history.xsl's banner) make from the document's XML, built straight
 * into the page transform's output by the <pc:page/> extension element.
 * htmlxsl.c decides when it may stand in for the templates: the shipped
 * stylesheets exactly as this file was written from them (their
 * SHA-256), none of the project's own, and a page of the parts it knows
 * (htmlpage_known).  Both ways give one page, byte for byte
 * (tests/html-body.t compares them).
 */
#ifndef POLICYC_HTMLPAGE_H
#define POLICYC_HTMLPAGE_H

#include <libxml/tree.h>
#include <libxslt/xsltInternals.h>

#include "htmlbody.h"

/* The SHA-256 of document.xsl, layout.xsl, history.xsl and body.xsl
 * (each file's digest in hex, in that order, joined by newlines, then
 * hashed) that the C was written from. */
extern const char htmlpage_templates_sha256[];

/* 1 when the page of root (the input's /document) holds only what the C
 * makes: bodies and footnotes of known elements, no release history. */
int htmlpage_known(xmlNodePtr root);

/* Writes the page of the input document under parent (ctxt's output),
 * as document.xsl's template for "/" does; the stylesheet's parameters
 * and global variables are read from ctxt. */
void htmlpage_render(xsltTransformContextPtr ctxt, const htmlbody_fns *fns,
    xmlNodePtr root, xmlNodePtr parent);

#endif
