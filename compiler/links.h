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

#endif
