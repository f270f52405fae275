/*
 * build.h — the pipeline from a project folder to diagnostics and
 * published output: project → documents → corpus → links → filters →
 * XML → HTML/PDF, staged and swapped into OUT.  `check` runs the same
 * pipeline and stops before any output.
 */
#ifndef POLICYC_BUILD_H
#define POLICYC_BUILD_H

#include "diagfmt.h"

/* Named exit codes (jq's habit). */
enum policyc_exit {
	EXIT_OK = 0,        /* no errors (check), or published (build) */
	EXIT_ERRORS = 1,    /* errors (or warnings under --strict) */
	EXIT_USAGE = 2      /* bad usage, or a project that cannot be read */
};

enum {
	OUTPUT_XML = 1,
	OUTPUT_HTML = 2,
	OUTPUT_PDF = 4
};

typedef struct {
	const char *dir;         /* project folder */
	const char *out;         /* output folder (build) */
	unsigned outputs;        /* OUTPUT_* bits */
	const char *today;       /* --today, or NULL */
	int strict;
	diag_format format;
	int jobs;
	int check_only;
	int timings;             /* print stage times to stderr */
} build_options;

/* Runs check or build; returns an enum policyc_exit value. */
int build_run(const build_options *o);
/* The folder holding templates/ and filters/. */
const char *build_data_dir(void);

#endif
