/*
 * filters.h — the Lua validation filters.  Each filter (built-in ones from
 * the data folder's filters/, then the project's filters/NAME.lua) runs in a
 * fresh sandboxed Lua state with an instruction budget and a memory cap,
 * in a child process with a time limit; it sees each document as plain
 * Lua tables and reports diagnostics through ctx.report.  A filter that breaks the sandbox or raises an error gets
 * filter-error and the build goes on.
 */
#ifndef POLICYC_FILTERS_H
#define POLICYC_FILTERS_H

#include "corpus.h"
#include "diag.h"

/* Runs every filter over every document, then each filter's corpus
 * function.  builtin_dir is the folder of the shipped filters; up to
 * `jobs` filters run at once, each in its own thread and Lua state. */
void filters_run(corpus *c, const char *builtin_dir, diag_set *ds, int jobs);

/* The build cache's view of the stage (incremental.c): the built-in
 * filters marked "-- policyc: document-local" (a document() that reads
 * only the document it is given and keeps nothing between documents,
 * no corpus()) run first, skipping the documents skip[i] marks (their
 * findings are replayed from the cache); their reports are ds's
 * [local_first, local_end).  Then the built-ins marked "-- policyc:
 * corpus-index" (a corpus() that reads only corpus.ids, corpus.edges
 * but not their lines, and each document's id, path, section,
 * title_line, type and status, never its title; no document()): none
 * of them runs when index_replay is set (their findings are replayed
 * from the cache), else their reports are ds's [index_first,
 * index_end).  Every other filter — the project's own,
 * other corpus-wide ones — runs over every document as in filters_run. */
typedef struct filters_memo {
	const unsigned char *skip;   /* per document, or NULL */
	int only_local;              /* run the document-local ones only */
	size_t local_first, local_end;
	size_t local_docs;           /* the documents they ran over (none:
	                                no child was forked for them) */
	int index_replay;            /* the corpus-index ones: replayed */
	size_t index_first, index_end;
} filters_memo;
void filters_run_memo(corpus *c, const char *builtin_dir, diag_set *ds,
    int jobs, filters_memo *m);

/* Of the shipped filters the last run in this process found, how many
 * ran as their C mirrors (cfilters.h), in *mirrored: for --timings and
 * the tests that compare the two. */
size_t filters_last_shipped(size_t *mirrored);
#define FILTERS_LOCAL_MARK "-- policyc: document-local"
#define FILTERS_INDEX_MARK "-- policyc: corpus-index"

#endif
