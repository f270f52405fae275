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

#endif
