/*
 * xmldump.h — a document's XML tree as the bytes of its XML file (and of
 * its tree hash): what xmlDocDumpFormatMemoryEnc(doc, ..., "UTF-8", 0)
 * writes, made faster for the trees the writers make (xmldump.c).
 */
#ifndef POLICYC_XMLDUMP_H
#define POLICYC_XMLDUMP_H

#include <stddef.h>
#include <stdio.h>
#include <libxml/tree.h>

#include "util.h"

/* doc serialised as UTF-8 without formatting, XML declaration first;
 * *len is its length.  Newly allocated (free with free); NULL when
 * libxml2 could not write it. */
char *xmldump_doc(xmlDocPtr doc, size_t *len);

/* The same bytes through write (0 on success, else a failure), a piece
 * at a time (a large corpus.xml is never one string), with each child c of the root element for which
 * part(part_ctx, c, b) returns 1 written by part into b instead of
 * walked, and end(part_ctx, n, b) called before each other element's
 * end tag (to add children the tree does not hold): corpus.xml's parts
 * a lean corpus tree holds as data (xmlout.h).  part and end may be
 * NULL, and may call xmldump_room(b) as they go.  0, or -1 when a write
 * failed.  Only for a tree xmldump_plain accepts. */
typedef int (*xmldump_write_fn)(void *ctx, const char *data, size_t n);
int xmldump_doc_parts(xmlDocPtr doc, xmldump_write_fn write, void *ctx,
    int (*part)(void *part_ctx, xmlNodePtr c, buf *b),
    void (*end)(void *part_ctx, xmlNodePtr n, buf *b), void *part_ctx);
/* Inside a part: hands on what b holds when it has grown large. */
void xmldump_room(buf *b);
/* 1 when every node of doc is one written here (not handed to libxml2),
 * and its root element has children. */
int xmldump_plain(xmlDocPtr doc);

/* Element n's attributes (plain text, no namespace), each as ' name="value"'
 * with libxml2's escaping: the one attribute writer of both writers. */
void xmldump_attrs(buf *b, xmlNodePtr n);

/* Writes element top and its subtree as libxml2 writes them, without
 * recursion (a tree may be deep): each element's start tag by start,
 * text escaped as libxml2 escapes it (xmlStringTextNoenc text as it is),
 * then the end tags.  0 when start refuses an element (returns 0) or a
 * node is neither element nor text; b then holds a part written.  The
 * one walker of xmldump.c and xhtmlsave.c. */
int xmldump_walk(buf *b, xmlNodePtr top, int (*start)(buf *, xmlNodePtr));

#endif
