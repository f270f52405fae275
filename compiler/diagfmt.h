/*
 * diagfmt.h — printing the diagnostics set: text (as compilers print),
 * JSON, SARIF 2.1.0, JUnit XML and GitHub workflow commands.
 */
#ifndef POLICYC_DIAGFMT_H
#define POLICYC_DIAGFMT_H

#include <stdio.h>
#include "diag.h"

typedef enum {
	FMT_TEXT,
	FMT_JSON,
	FMT_SARIF,
	FMT_JUNIT,
	FMT_GITHUB
} diag_format;

/* "text", "json", ... to a format; returns 1 when known. */
int diag_format_parse(const char *s, diag_format *out);
/* Sorts the set and prints it in a format.  ndocs is used in the text
 * summary line and for JUnit test cases (doc_paths lists every document's
 * path so a clean document is a passing test case; may be NULL). */
void diag_print(diag_set *ds, FILE *fp, diag_format fmt,
    const char *const *doc_paths, size_t ndocs);

/* With a baseline: every result printed is one the baseline does not
 * hold, and SARIF results say so ("baselineState": "new"). */
void diag_print_baselined(int on);
/* The project folder relative to the working directory, ending in '/'
 * ("" or NULL when it is the working directory or outside it): prefixed to
 * file names in the SARIF and GitHub formats, which CI reads from the
 * repository root. */
void diag_print_root(const char *prefix);

#endif
