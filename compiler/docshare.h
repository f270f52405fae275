/*
 * docshare.h — one parse of a document text shared between editions
 * built in one run (docshare.c).
 */
#ifndef POLICYC_DOCSHARE_H
#define POLICYC_DOCSHARE_H

#include <stddef.h>
#include <cmark-gfm.h>

/* Sharing on (editions.c, for a run of several editions) or off. */
void docshare_enable(int yes);
/* A copy of the tree of text[0..len) when it was parsed before in this
 * run (waiting for a parse under way), with every source position;
 * NULL when sharing is off or when the caller is the first to ask: it
 * then parses the text and hands the tree to docshare_put. */
cmark_node *docshare_get(const char *text, size_t len);
/* Keeps a copy of root, text's tree, for the later askers. */
void docshare_put(const char *text, size_t len, cmark_node *root);
/* A deep copy of a cmark tree (positions, literals, tables, footnotes). */
cmark_node *docshare_copy(cmark_node *root);
/* Texts parsed, and parses saved by sharing, since the last clear. */
void docshare_stats(size_t *parses, size_t *shared);
/* Frees the shared trees and turns sharing off. */
void docshare_clear(void);

#endif
