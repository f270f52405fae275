/*
 * diag.h — the one diagnostics module.  Every stage reports problems here as
 * {severity, rule, file, line, column, message}; nothing else in policyc
 * prints to stderr.  The set is sorted (file, line, column, rule) before it
 * is printed (diagfmt.h), so output is stable.  Reporting is thread-safe:
 * documents are compiled in parallel.
 */
#ifndef POLICYC_DIAG_H
#define POLICYC_DIAG_H

#include <stdio.h>
#include "rules.h"
#include "util.h"


typedef struct {
	severity sev;
	char *rule, *file, *message;
	int line, col;
} diagnostic;

typedef struct diag_set diag_set;

diag_set *diag_new(void);
/* An empty set with like's rule severities (rules: in policyc.yaml), for
 * reports made while like is being read by other threads; diag_merge
 * them back after. */
diag_set *diag_new_like(diag_set *like);
/* Like diag_new_like, but every report is dropped: for work done again
 * whose findings were reported the first time (a document's tree made
 * again from its source in a bounded build, pipeline.c). */
diag_set *diag_new_quiet(diag_set *like);
void diag_free(diag_set *ds);

/* Built-in default severity of a rule id (SEV_WARNING for unknown ids,
 * which are project filters' own rules). */
severity diag_rule_default(const char *rule);
/* One-line description of a built-in rule, or NULL. */
const char *diag_rule_description(const char *rule);
/* Overrides a rule's severity (from rules: in policyc.yaml). */
void diag_set_severity(diag_set *ds, const char *rule, severity sev);
/* Effective severity of a rule after overrides. */
severity diag_severity_of(diag_set *ds, const char *rule);
int diag_severity_parse(const char *s, severity *out);

/* Reports at the rule's effective severity (dropped when off). file is
 * relative to the project folder; line/col are 1-based, 0 when unknown. */
void diag_report(diag_set *ds, enum rule_id rule, const char *file,
    int line, int col, const char *fmt, ...) PC_PRINTF(6, 7);
/* Reports at an explicit severity (still dropped when the rule is off;
 * a configured severity for the rule wins over sev). */
void diag_report_sev(diag_set *ds, severity sev, enum rule_id rule,
    const char *file, int line, int col, const char *fmt, ...)
    PC_PRINTF(7, 8);
/* A rule named by a string: what Lua filters report (built-in rules by
 * their id, a project's own rules by any name) and diagnostics replayed
 * from another set.  sev < 0: the rule's configured or default
 * severity.  C code reports through the two above, so a misspelt rule id
 * does not compile. */
void diag_report_named(diag_set *ds, int sev, const char *rule,
    const char *file, int line, int col, const char *fmt, ...)
    PC_PRINTF(7, 8);

/* One diagnostic as another process reported it (wire.c): at severity
 * sev as judged there (no rule setting applied again), its strings of
 * the given lengths, not NUL-terminated. */
void diag_add_sent(diag_set *ds, int sev, const char *rule, size_t nrule,
    const char *file, size_t nfile, int line, int col, const char *msg,
    size_t nmsg);

/* Appends every diagnostic of src to dst as it is (its severity was
 * judged when it was reported into src): how reports made apart, such as
 * a filter's in its child process, join the build's set.  Nothing may
 * report into src meanwhile. */
void diag_merge(diag_set *dst, const diag_set *src);

/* What the JSON format adds to a diagnostic about a document's file: the
 * document's owner and page URL, kept (copied) with the set.
 * diag_set_documents replaces the table (govern.c, once the corpus is
 * judged); diag_add_document appends one, and for a path added twice the
 * first wins (editions.c gathers each edition's in edition order).
 * diag_document_info finds path's (1), or sets both to NULL (0). */
void diag_set_documents(diag_set *ds, const char *const *paths,
    const char *const *owners, const char *const *urls, size_t n);
void diag_add_document(diag_set *ds, const char *path, const char *owner,
    const char *url);
size_t diag_document_count(diag_set *ds);
void diag_document_at(diag_set *ds, size_t i, const char **path,
    const char **owner, const char **url);
int diag_document_info(diag_set *ds, const char *path, const char **owner,
    const char **url);

/* Keeps only the diagnostics keep() says yes to (in order), freeing the
 * rest: how `check --changed-since` and `--baseline` narrow the set to
 * what a change brought, after every judgement was made.  Nothing may
 * report into ds meanwhile. */
void diag_filter(diag_set *ds, int (*keep)(void *ctx, const diagnostic *d),
    void *ctx);

/* Sorts the set (file, line, column, rule, message). */
void diag_sort(diag_set *ds);
size_t diag_count(const diag_set *ds);
const diagnostic *diag_at(const diag_set *ds, size_t i);
/* After diag_sort: the index range [*first, *end) of a file's
 * diagnostics (binary search). */
void diag_file_range(const diag_set *ds, const char *file, size_t *first,
    size_t *end);
size_t diag_count_sev(const diag_set *ds, severity s);
severity diag_worst(const diag_set *ds);

#endif
