/*
 * htmlsearch.h — the site's search index (OUT/html/search-index.js), made
 * from the XML trees by html.c's site writer.
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

/* Writes the whole search-index.js to f: the entries (spool.h; one a
 * document, in order, missing ones skipped) then the glossary.  0, or -1
 * when a write failed (the caller's fclose may still fail). */
int htmlsearch_write(FILE *f, const spool *entries, xmlDocPtr corpus);

#endif
