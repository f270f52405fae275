/*
 * gitmodule.h — what the core and the git module (policyc-git.so,
 * compiler/git/) share: the history's tree, which the module makes and
 * the core hangs on the documents, and the module's table.  The core
 * reaches the module through gitmodule_get alone (gitmodule.c says when
 * it is loaded); history.h and changed.h are the API the rest of
 * policyc calls.
 */
#ifndef POLICYC_GITMODULE_H
#define POLICYC_GITMODULE_H

#include <stddef.h>

#include <libxml/tree.h>

#include "changed.h"
#include "corpus.h"
#include "diag.h"
#include "history.h"
#include "strtab.h"

struct git_repository;

struct history {
	xmlDocPtr x;               /* <history> */
	strtab *by_path;           /* content-relative path → lineage index */
	xmlNodePtr *lines;         /* <lineage> nodes */
	size_t nlines;
	struct git_repository *repo;   /* open while judging; NULL after */
	char *as_of_label;
};

typedef struct {
	const char *build_id;
	/* The project's release history read from its repository, with
	 * generated amendments and amendment-missing judged; NULL when
	 * there is none (said in ds when explicit_, as history_judge
	 * would).  pats: the tag patterns (NULL-terminated), o the options
	 * history_configure was given. */
	history *(*judge)(corpus *c, diag_set *ds, const history_options *o,
	    char **pats, int explicit_);
	/* history_releases, history_checkout and changed_since (history.h,
	 * changed.h) */
	int (*releases)(const char *dir, history_release **out, size_t *n,
	    char **why);
	int (*checkout)(const char *dir, const char *commit,
	    const char *dest, char **project_out, char **why);
	changed_set *(*changed_since)(const char *project_dir,
	    const char *ref, diag_set *ds);
} git_module;

extern const git_module policyc_git;

/* The module's table, loading it on the first call; NULL, with why in
 * err, when it cannot be loaded (missing, broken, of another build). */
const git_module *gitmodule_get(char *err, size_t errsize);

#endif
