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
/* The model stage: history_model_doc puts <changes> (and the as-of
 * banner) on a document's tree as it is made (safe from several threads
 * at once: h is only read), history_model_corpus <releases> (and the
 * banner) on corpus.xml once it is whole.  h may be NULL. */
void history_model_doc(const history *h, const document *d, xmlDocPtr x);
void history_model_corpus(const history *h, xmlDocPtr cx);
/* What history_model_doc adds to d's tree, as bytes to hash (a tree read
 * back from an earlier build is kept only when these are as they were).
 * NULL when h is; the caller frees. */
char *history_doc_print(const history *h, const document *d, size_t *len);
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
