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

/*
 * What one document's links read of the other documents, recorded when
 * the corpus records its links for the build cache (corpus link_record;
 * incrlinks.c): the documents its links reached (their faces,
 * prelink_face, were read) and the names it looked up
 * (corpus_resolve_name: by title too, so a retitled document can change
 * what a name finds).  Everything else it reads is its own text or the
 * names world (prelink.h).
 */
typedef struct {
	char *name;
	long result;             /* the document, -1 none, -2 several */
	char *cands;             /* with -2: the candidates as reported */
} link_name_use;

typedef struct link_deps {
	size_t *targets; size_t ntargets, tcap;
	link_name_use *names; size_t nnames, ncap;
} link_deps;

void link_deps_free(link_deps *x);

#endif
