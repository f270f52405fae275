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

/* Runs the whole pass over c (documents may be processed by `jobs`
 * threads).  Annotates link nodes with link_info and inserts term links. */
void links_resolve(corpus *c, int jobs, diag_set *ds);

#endif
