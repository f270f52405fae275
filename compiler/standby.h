/*
 * standby.h — `policyc serve`'s next build, made ready before the save
 * that asks for it.  Between saves a standby process (serve.c) reads
 * policyc.yaml and parses every document of the project, as the load
 * stage would; when the save comes, the build's load stage
 * (pipeline.c) takes each document from the standby whose file is, by
 * its stat, the one parsed, and parses only the others.  So a rebuild
 * after one save parses one document, not the whole project.  The
 * standby then links what it parsed, as the build would
 * (standby_link_ahead, prelink.h), and the build keeps those links
 * when nothing the link pass reads across the project has changed.
 *
 * A parse is taken only when it is certainly the parse the build would
 * make: the same bytes of policyc.yaml (every setting a parse reads
 * comes from there); the same file, by device, inode, size, mode and
 * modification and change times; and a file last changed well before
 * the standby began (STANDBY_RACY_NS), so that a save in the same tick
 * of the file system's clock as the standby's read cannot go unseen
 * (git's "racily clean" rule).  Anything else is parsed again.
 * Editions (extends:) and bounded builds are not made ready: their load
 * is not one parse per file.
 */
#ifndef POLICYC_STANDBY_H
#define POLICYC_STANDBY_H

#include <stddef.h>

#include "diag.h"
#include "document.h"
#include "pipeline.h"
#include "project.h"

/* A file changed this close to the standby's start (or after it) is
 * parsed again at the build: 2 s covers the coarsest clocks (FAT). */
#define STANDBY_RACY_NS 2000000000LL

typedef struct standby standby;

/* Reads policyc.yaml and parses every document as pipeline_load would,
 * each document's reports kept with it.  o is a build's options (dir,
 * jobs; the rest unread).  NULL when there is nothing to make ready:
 * no readable project, an edition, a bounded build. */
standby *standby_make(const pipeline_options *o);
/* As standby_make, with the racy margin given (the unit tests). */
standby *standby_make_margin(const pipeline_options *o, long long racy_ns);
/* 1 when p (the build's project, just loaded) is the one the standby
 * parsed with: the same folder and the same bytes of policyc.yaml. */
int standby_fits(const standby *s, const project *p);
/* The parse of the document at path (relative to the project folder;
 * rel to the content folder) when its file is still the one parsed:
 * its reports are added to ds and the document is the caller's.  NULL
 * when it must be parsed again.  Safe from several threads at once
 * (each path is asked for once). */
document *standby_take(standby *s, const project *p, const char *path,
    const char *rel, diag_set *ds);
/* Links the parsed documents ahead (prelink.h): loads and links the
 * project as a build with options build would, taking the parses, and
 * gives the documents back to the standby linked, each with its link
 * findings and edges, the link world noted.  Nothing is lost when it
 * cannot: the documents are then parsed (or linked) by the build. */
void standby_link_ahead(standby *s, const pipeline_options *build);
/* The link world the documents were linked in, or NULL when none was
 * linked ahead. */
const char *standby_link_world(const standby *s);
/* How many documents the standby parsed, and how many builds took. */
size_t standby_count(const standby *s);
size_t standby_taken(const standby *s);
/* Frees what was not taken.  After the build that took from it is freed
 * (its documents were parsed against the standby's project). */
void standby_free(standby *s);

#endif
