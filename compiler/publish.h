/*
 * publish.h — from a checked pipeline to OUT: the output folder's safety,
 * a staging folder beside OUT, the XML files, the HTML and PDF back ends,
 * and the swap into OUT only when every output was written.  Also the one
 * place an output path is made from a document id (publish_path) and the
 * one way a back end opens a file below the staging folder
 * (publish_write/publish_open), so no id can write outside OUT.
 */
#ifndef POLICYC_PUBLISH_H
#define POLICYC_PUBLISH_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "diagfmt.h"
#include "pipeline.h"

enum {
	OUTPUT_XML = 1,
	OUTPUT_HTML = 2,
	OUTPUT_PDF = 4
};

typedef struct {
	const char *out;         /* output folder */
	unsigned outputs;        /* OUTPUT_* bits */
	int no_cache;            /* --no-cache: reuse nothing (incremental.h) */
	int keep_old;            /* serve: the previous OUT is left as
	                            OUT.old-PID, removed by the standby
	                            between saves (fsio_swap) */
	int last;                /* the process ends after this build (one
	                            `policyc build`, not serve, editions or
	                            archives): see backend_input's
	                            leave_to_exit */
} publish_options;

/* Judges OUT, makes the XML trees (pipeline_model, or streamed), writes every output
 * into a staging folder and swaps it into OUT.  Any write failure of any
 * back end keeps the old OUT.  Returns EXIT_OK, EXIT_ERRORS (a write
 * failed; reported to ds) or EXIT_USAGE (OUT may not be replaced). */
int publish_run(pipeline *pl, const publish_options *o, diag_set *ds);

/* Installs the SIGINT/SIGTERM handlers of a build: the staging folder, if
 * any, is removed and the process exits 128 + the signal (130, 143). */
void publish_signals_install(void);
/* A process forked to write into the staging folder: that handler kills
 * and reaps it before it removes the folder.  The slot to give back to
 * publish_unwatch_child before the process is reaped (or -1 when every
 * slot is taken: it then ends with the build, by PR_SET_PDEATHSIG). */
int publish_watch_child(pid_t pid);
void publish_unwatch_child(int slot);

/* The output path of a document, relative to the staging folder:
 * "SUB/ID.EXT" (ext with its dot: ".xml").  NULL when the id is not safe
 * (document_id_safe): the one place an id becomes a path.  Caller
 * frees. */
char *publish_path(const char *sub, const char *id, const char *ext);
/* Writes staging/rel (made by publish_path, or a fixed name), opening
 * every folder beneath staging without following links, so the write
 * cannot land outside it.  0 on success; -1 with errno set. */
int publish_write(const char *staging, const char *rel, const char *data,
    size_t len);
/* The same, as a descriptor to write to (for cairo's stream surfaces);
 * -1 with errno set. */
int publish_open(const char *staging, const char *rel);
/* The same as a stream (the PDF writer's, the search index written a
 * piece at a time); NULL with errno set, and no descriptor left open. */
FILE *publish_fopen(const char *staging, const char *rel);

#endif
