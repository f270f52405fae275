/*
 * options.h — the one option table of the command line (options.c):
 * main.c (build, check, render, new, rules), editions.c (--edition,
 * several folders) and serve.c read the struct it fills, so an option is
 * added once and read the same way by every command.
 */
#ifndef POLICYC_OPTIONS_H
#define POLICYC_OPTIONS_H

#include <stddef.h>
#include "diagfmt.h"
#include "pipeline.h"
#include "publish.h"

#define OPTIONS_MAX 64   /* operands, and --edition names */

typedef struct {
	const char *cmd;            /* argv[1] */
	pipeline_options po;        /* today, jobs, timings, drafts */
	publish_options pub;        /* out, outputs (all three unless said),
	                               no_cache */
	diag_format format;         /* FMT_TEXT unless --format */
	int strict, help, version;
	const char *to;             /* render --to: "html" unless said */
	int allow_html;
	/* CI (main.c): --baseline, --write-baseline, --changed-since,
	 * --files-from, and --files A B ... (taken out before the table) */
	const char *baseline, *write_baseline, *changed_since, *files_from;
	char **files;
	size_t nfiles;
	int have_files;
	const char *as_of;          /* --as-of DATE */
	int archive;                /* --archive */
	/* editions: --edition NAME|all (repeatable), --stats */
	const char *editions[OPTIONS_MAX];
	size_t neditions;
	int all_editions, stats;
	/* serve: --port, --bind */
	int port;
	const char *bind;
	/* the operands (project folders, a file for render) */
	const char *operands[OPTIONS_MAX];
	size_t noperands;
	unsigned long long seen;    /* the table rows used (options.c) */
} options;

/* Reads argv[2..] of command argv[1] into o.  An option the command has
 * no use for is refused as unknown (serve) or ignored (the others, as
 * they always have).  Returns -1, or the exit status after a usage error
 * (printed).  argv is reordered (--files taken out). */
int options_parse(int argc, char **argv, options *o);
void options_free(options *o);

/* The long name of the first option used that editions do not take, or
 * NULL. */
const char *options_not_for_editions(const options *o);

/* Bad usage: "policyc: ... (see policyc --help)" on stderr; EXIT_USAGE. */
int options_usage(const char *fmt, const char *arg);

#endif
