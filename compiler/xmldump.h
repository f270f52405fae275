/*
 * xmldump.h — a document's XML tree as the bytes of its XML file (and of
 * its tree hash): what xmlDocDumpFormatMemoryEnc(doc, ..., "UTF-8", 0)
 * writes, made faster for the trees the writers make (xmldump.c).
 */
#ifndef POLICYC_XMLDUMP_H
#define POLICYC_XMLDUMP_H

#include <stddef.h>
#include <libxml/tree.h>

/* doc serialised as UTF-8 without formatting, XML declaration first;
 * *len is its length.  Newly allocated (free with free); NULL when
 * libxml2 could not write it. */
char *xmldump_doc(xmlDocPtr doc, size_t *len);

#endif
