/*
 * history.h — the release history of a project from git (history.c):
 * releases (tags, else each commit that changed a document), each
 * document's versions across them with a word-level diff (worddiff.c),
 * generated amendments and amendment-missing, judged in the check stage;
 * the history as XML for the back ends; and what `build --as-of` and
 * `--archive` need (the releases, a release's tree checked out).
 */
#ifndef POLICYC_HISTORY_H
#define POLICYC_HISTORY_H

#include <stddef.h>
#include <libxml/tree.h>

#include "corpus.h"
#include "diag.h"

typedef struct {
	const char *repo_dir;  /* read git here, not in the project folder
	                          (a build of a release checked out elsewhere) */
	const char *as_of;     /* YYYY-MM-DD: releases up to this day only,
	                          and every page says "As in force on ..." */
	int archive;           /* releases are published under archive/<tag>/ */
	int banner_only;       /* an archived copy: the banner, no history */
} history_options;

/* Set by the command line before the pipeline runs (--as-of, --archive);
 * the strings are borrowed. */
void history_configure(const history_options *o);

typedef struct history history;

/* The check stage: reads (or takes from its cache) the history of the
 * corpus's project, adds generated amendments to the documents, reports
 * amendment-missing and history-unavailable.  NULL when there is none. */
history *history_judge(corpus *c, diag_set *ds);
/* The model stage: <changes> into each document's XML, <releases> into
 * corpus.xml, the as-of banner on both.  h may be NULL. */
void history_model(history *h, const corpus *c, xmlDocPtr cx, xmlDocPtr *dx);
void history_free(history *h);

typedef struct {
	char *tag;             /* the tag, or a commit's short id */
	char *folder;          /* the tag made safe as a folder name */
	char date[11];
	char commit[41];
} history_release;

/* The releases of the project in dir, oldest first; -1 with *why set
 * (the caller frees it) when the project is not in git. */
int history_releases(const char *dir, history_release **out, size_t *n,
    char **why);
void history_releases_free(history_release *r, size_t n);
/* Checks out commit's tree into dest (created), without touching the
 * working tree; *project_out is the project folder in it.  0, or -1 with
 * *why set. */
int history_checkout(const char *dir, const char *commit, const char *dest,
    char **project_out, char **why);
/* A tag as a folder name under archive/ (letters, digits, . - _).
 * Caller frees. */
char *history_folder_of(const char *tag);

#endif
