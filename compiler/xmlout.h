/*
 * xmlout.h — the document model as XML (libxml2 trees): one tree per
 * document and one for the corpus, valid against templates/xml/policy.rng.
 * These trees are the single source of truth for the back ends: html.c
 * hands them to libxslt in memory and pdf/ lays them out; they are also
 * written to OUT/xml/.  See docs/xml-format.md for the element reference.
 */
#ifndef POLICYC_XMLOUT_H
#define POLICYC_XMLOUT_H

#include <libxml/tree.h>
#include "corpus.h"
#include "diag.h"
#include "util.h"
#include "xmldump.h"

/* Builds the tree of document i of the corpus.  Caller frees (xmlFreeDoc). */
xmlDocPtr xmlout_document(const corpus *c, size_t i, diag_set *ds);
/* Builds corpus.xml (metadata of every document, glossary with uses, graph,
 * packs, diagnostics so far).  Caller frees. */
xmlDocPtr xmlout_corpus(const corpus *c, diag_set *ds);
/* The same tree in two steps, so that a streamed build (publish.c) need
 * not hold all of it while every document's cmark tree is alive.  The
 * head is <project>, <documents> and <sections>: what the site needs
 * before its corpus pages (brand, trails, the graph's titles, the build
 * cache's keys); *diags is a copy of ds as it is now, sorted (what the
 * back ends report after is not corpus.xml's): a diagnostic as C
 * strings is a tenth of one as XML nodes, and a large corpus has
 * hundreds of thousands.  xmlout_corpus_finish adds the rest, each part
 * in its place, <diagnostics> made from diags, which it frees: the tree
 * and its bytes are xmlout_corpus's. */
xmlDocPtr xmlout_corpus_head(const corpus *c, diag_set *ds,
    diag_set **diags);
void xmlout_corpus_finish(xmlDocPtr doc, const corpus *c, diag_set *diags);
/* ... or lean (a streamed site build with the built-in templates): the
 * three largest parts, none of which a built-in corpus page reads whole,
 * are not held as nodes.  <graph> and <diagnostics> stay empty elements;
 * each term's <uses> holds its first GLOSSARY_USES_HELD <use> (what the
 * glossary page lists; its count= says how many there are).  The rest
 * is kept as data in the returned parts (diags taken over), and written
 * in its place when the tree is written (xmlout_corpus_write), so
 * corpus.xml's bytes are the whole tree's.  xmlout_corpus_fill puts it all in the tree
 * after all (a tree xmldump cannot write itself) and frees parts. */
#define GLOSSARY_USES_HELD 100
typedef struct xmlout_parts xmlout_parts;
xmlout_parts *xmlout_corpus_finish_lean(xmlDocPtr doc, const corpus *c,
    diag_set *diags);
/* corpus.xml's bytes through write, a piece at a time (xmldump.h), a
 * lean tree's parts p written in their place (p NULL: a whole tree).  0,
 * or -1 when a write failed.  Only for a tree xmldump_plain accepts. */
int xmlout_corpus_write(xmlDocPtr doc, const corpus *c,
    const xmlout_parts *p, xmldump_write_fn write, void *ctx);
void xmlout_corpus_fill(xmlDocPtr doc, const corpus *c, xmlout_parts *p);
/* What the rest of corpus.xml is made from beyond its head (the term
 * uses, the graph, packs, owners, contacts, sources and diagnostics),
 * through put (util.h): a head and a digest equal to an earlier build's
 * make corpus.xml byte for byte the same (incremental.c carries it over
 * unfinished).  diags: what xmlout_corpus_head set aside. */
void xmlout_corpus_rest_digest(const corpus *c, const diag_set *diags,
    int lean, digest_put_fn put, void *ctx);
void xmlout_parts_free(xmlout_parts *p);
/* The k-th <edge> of corpus.xml's graph: 1 and its values, or 0 past
 * the last (a lean tree's graph for the site's section graphs). */
int xmlout_corpus_edge(const corpus *c, size_t k, const char **from,
    const char **to, const char **kind);

/* Frees what the writer prepared for the corpus (definitions as plain
 * text); call before corpus_free. */
void xmlout_release(corpus *c);

#endif
