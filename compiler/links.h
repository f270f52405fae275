/*
 * links.h — the link pass: after the corpus is indexed, resolve every link
 * of every document (relative .md paths, [[id]] and [[Title]], #anchors,
 * [text](#) placeholders, glossary: links) and image, auto-link glossary
 * terms in body text (autolink.h), build the related-policies graph and
 * backlinks, and report link-broken, link-unsafe, link-placeholder,
 * term-unknown, related-unknown, superseded-link and term-unused.
 */
#ifndef POLICYC_LINKS_H
#define POLICYC_LINKS_H

#include "corpus.h"
#include "diag.h"

/* Called for document `doc` by the worker that linked it, as soon as its
 * links and term links are final (the tree is then still in that
 * worker's cache); may run on any of the pass's threads at once. */
typedef void (*links_after_fn)(void *ctx, size_t doc);

/* Runs the whole pass over c (documents may be processed by `jobs`
 * threads).  Annotates link nodes with link_info and inserts term links;
 * after (may be NULL) is called for each document. */
void links_resolve(corpus *c, int jobs, diag_set *ds, links_after_fn after,
    void *after_ctx);

/* A bounded build (pipeline.c) drops each tree after the pass and parses
 * it again for the filters and the model: links_replay does to document
 * di's new tree what the pass did to the first (wiki links split, every
 * link_info, term links inserted), and nothing else — no report, edge,
 * term use or asset is recorded again.  Thread-safe for different di. */
typedef struct links_replayer links_replayer;
links_replayer *links_replayer_new(corpus *c, diag_set *like);
void links_replay(links_replayer *r, size_t di);
void links_replayer_free(links_replayer *r);

#endif
