/*
 * xhtmlsave.h — a transform's result tree written as XHTML the way
 * browsers and cmark expect HTML written as XML (htmlxsl.c's pages):
 * libxml2's XHTML writer, with most of the tree written ahead of it in
 * the same bytes (xhtmlsave.c says how).
 */
#ifndef POLICYC_XHTMLSAVE_H
#define POLICYC_XHTMLSAVE_H

#include <libxml/tree.h>

/* prefix (may be NULL) and then res as XHTML: void elements as "<br />",
 * others always with an end tag ("<p></p>"), no XML declaration, no
 * doctype node.  res is changed (parts of it replaced by their text) and
 * is only fit to be freed after.  Newly allocated. */
char *xhtmlsave_page(xmlDocPtr res, const char *prefix);

#endif
