/*
 * baseline.h — a project's accepted findings (`policyc check
 * --write-baseline FILE`, `--baseline FILE`): recorded once, then only
 * new findings are printed and fail the check.
 */
#ifndef POLICYC_BASELINE_H
#define POLICYC_BASELINE_H

#include <stdio.h>
#include "changed.h"
#include "diag.h"
#include "diagfmt.h"

typedef struct baseline baseline;

typedef struct {
	size_t total;    /* findings the baseline holds */
	size_t remain;   /* of them, still found (or in files not checked) */
	size_t fixed;    /* of them, no longer found */
	size_t fresh;    /* findings not in the baseline: the ones printed */
} baseline_counts;

/* Reads a baseline file.  NULL, with a located `baseline-invalid` error
 * in err, when it is missing, unreadable or not a policyc baseline. */
baseline *baseline_read(const char *path, diag_set *err);
void baseline_free(baseline *b);

/* Writes every finding of ds (the whole project's) to path, each with
 * its rule, file, line, message and fingerprints of the source around it
 * (project_dir is where the files are read).  0, or -1 with a
 * `baseline-invalid` error in err. */
int baseline_write(const char *path, const char *project_dir, diag_set *ds,
    diag_set *err);

/* Drops from ds every finding the baseline holds (each baseline entry
 * matches one finding: same rule and file, same fingerprint of the source
 * line and masked message, the one with the same neighbouring lines
 * first) and counts.  With scope, only entries of files in it can count
 * as fixed (the others were not checked). */
void baseline_apply(const baseline *b, const char *project_dir,
    diag_set *ds, const changed_set *scope, baseline_counts *out);

/* "312 findings in the baseline: 298 remain, 14 fixed", as a line of its
 * own (text), or a workflow notice (github). */
void baseline_print_summary(const baseline_counts *c, FILE *fp,
    diag_format fmt);

#endif
