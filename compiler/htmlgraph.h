/*
 * htmlgraph.h — the related-policies graph of a document page, drawn on
 * the server as inline SVG (no script), from the document's own XML and
 * corpus.xml's titles.
 */
#ifndef POLICYC_HTMLGRAPH_H
#define POLICYC_HTMLGRAPH_H

#include <libxml/tree.h>

typedef struct htmlgraph htmlgraph;

/* Indexes the documents of corpus.xml (id -> title, status).  Caller
 * frees with htmlgraph_free.  Read-only after: shared by page workers. */
htmlgraph *htmlgraph_new(xmlDocPtr corpus);
void htmlgraph_free(htmlgraph *g);
/* A <graph> element holding the <svg> of the document whose XML root is
 * root (its related, referenced-by, links out and superseded-by
 * neighbours), or NULL when it has none.  The node is not linked into any
 * tree; the caller adds it and frees it. */
xmlNodePtr htmlgraph_document(const htmlgraph *g, xmlNodePtr root);
/* <section-graphs> with a <graph path="..."><svg/></graph> for each
 * section whose documents refer to each other (an arc diagram; sections
 * of more than 24 documents are not drawn).  Not linked; caller frees.
 * The edges are corpus.xml's <graph>, or edge(edge_ctx, k, ...) when not
 * NULL (a lean corpus tree: backend.h corpus_edge). */
xmlNodePtr htmlgraph_sections(const htmlgraph *g, xmlDocPtr corpus,
    int (*edge)(void *ctx, size_t k, const char **from, const char **to,
    const char **kind), void *edge_ctx);

#endif
