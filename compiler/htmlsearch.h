/*
 * htmlsearch.h — the site's search index (OUT/html/search-index.js and
 * its parts, OUT/html/search/<key>.js), made from the XML trees by html.c's
 * site writer.
 */
#ifndef POLICYC_HTMLSEARCH_H
#define POLICYC_HTMLSEARCH_H

#include <stdio.h>
#include <libxml/tree.h>

#include "spool.h"
#include "util.h"

/* One index entry (a JS object literal) for a document tree; newly
 * allocated.  Safe to call from several threads on different trees. */
char *htmlsearch_entry(xmlDocPtr doc);

/* Appends ",\n{...}" for every glossary entry of corpus.xml to b. */
void htmlsearch_glossary(xmlDocPtr corpus, buf *b);

/* The documents' entries are cut into parts of about
 * HTMLSEARCH_PART_DOCS documents (a power of two of them, at most
 * HTMLSEARCH_PARTS_MAX), each document in the part its id hashes to, so
 * it stays there while the count of parts does. */
#define HTMLSEARCH_PART_DOCS 64
#define HTMLSEARCH_PARTS_MAX 256
unsigned htmlsearch_parts(size_t ndocs);
unsigned htmlsearch_part_of(const char *id, unsigned nparts);

/* A part's file (html/search/<key>.js): its entries, one a line after
 * the two lines of HTMLSEARCH_PART_HEAD, in document order, then "]);".
 * incrsearch.c reads the lines back. */
#define HTMLSEARCH_PART_HEAD \
	"/* policyc search index part: generated, do not edit. */\n" \
	"window.POLICYC_SEARCH_ADD([\n"
void htmlsearch_part(buf *b, char *const *entries, size_t n);

/* Writes search-index.js to f: the glossary's entries, then the part
 * files' URLs (relative to the site's root).  0, or -1 when a write
 * failed (the caller's fclose may still fail). */
int htmlsearch_write(FILE *f, xmlDocPtr corpus, char *const *parts,
    size_t n);

#endif
