/*
 * htmlsearch.h — the site's search index (OUT/html/search-index.js), made
 * from the XML trees by html.c's site writer.
 */
#ifndef POLICYC_HTMLSEARCH_H
#define POLICYC_HTMLSEARCH_H

#include <libxml/tree.h>

#include "util.h"

/* One index entry (a JS object literal) for a document tree; newly
 * allocated.  Safe to call from several threads on different trees. */
char *htmlsearch_entry(xmlDocPtr doc);

/* Appends ",\n{...}" for every glossary entry of corpus.xml to b. */
void htmlsearch_glossary(xmlDocPtr corpus, buf *b);

/* The whole search-index.js: entries (n of them, NULL ones skipped; the
 * caller still owns them) then the glossary.  Newly allocated. */
char *htmlsearch_script(char **entries, size_t n, xmlDocPtr corpus);

#endif
