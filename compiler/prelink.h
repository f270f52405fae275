/*
 * prelink.h — `policyc serve`'s documents linked ahead.  Between saves
 * the standby process (standby.h) parses every document and then runs
 * the load and the link pass over the project as it stands, each
 * document's link findings and edges kept with it (doc_prelink).  The
 * build after the save takes those documents with their links already
 * made, and the link pass only hands their findings and edges on, when
 * nothing the pass reads across the project has changed since the
 * standby linked: its "link world", which the standby and the build each
 * work out (prelink_world) and compare.  When they differ (a title,
 * heading, front matter, glossary or file of the project changed) the
 * build parses those documents again and links every one, as it would
 * have without a standby.  A document the save changed is parsed and
 * linked by the build in any case.
 */
#ifndef POLICYC_PRELINK_H
#define POLICYC_PRELINK_H

#include <stddef.h>

#include "diag.h"
#include "project.h"

struct document;

typedef struct {
	size_t to;       /* the target's place in the corpus */
	int line;
} prelink_edge;

/* What the link pass found for one document, linked ahead. */
typedef struct doc_prelink {
	diag_set *ds;                /* its link and citation findings */
	prelink_edge *edges;         /* its body's links to other documents */
	size_t nedges;
	void *cites;                 /* its citations as judged (govern.h) */
	size_t ncites;
	int judged;                  /* the citations were judged ahead */
} doc_prelink;

void prelink_free(doc_prelink *r);

/*
 * The link world of docs (in load order, before drafts are left out):
 * this binary; policyc.yaml's bytes; the glossary file's; the registry
 * of sources citations are judged against (data/sources.yaml); --drafts;
 * each document's path, face (prelink_face) and front matter (as
 * written); and every name in the project folder with its kind (a
 * symbolic link with its target), OUT and its staging folders and .git
 * left out — the files a link or image may name.  Whatever in it
 * changes, a document linked against the old world is linked again.
 *
 * names gets the same without each document's face and front matter:
 * of each document only what a link finds it by — its path, id and
 * redirects (a left-out draft's title too).  The build cache's link
 * records (incrlinks.c) are kept under it: each names the faces of the
 * documents its links reached and the names it looked up, and is taken
 * only while those are as they were, so a retitled document is linked
 * again with the documents that link to it, not with every other.
 *
 * key and names are "" when the project folder holds too many names to
 * list on each save (then nothing is linked ahead).
 */
void prelink_world(const project *p, const char *data_dir,
    struct document *const *docs, size_t n, int drafts, const char *out,
    char key[33], char names[33]);

/* What the link pass reads of a document when another links to it: its
 * id, title, type, status, superseded-by and headings (the anchors),
 * hashed. */
void prelink_face(const struct document *d, char out[33]);

#endif
