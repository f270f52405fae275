/*
 * gitint.h — what the git module's files share: git/history.c (the
 * history and its judgements), git/releases.c (the releases, the
 * checkout of one) and git/changed.c (the repository a folder is in,
 * --changed-since).  The core never includes it (gitmodule.h is its
 * side).
 */
#ifndef POLICYC_GITINT_H
#define POLICYC_GITINT_H

#include <git2.h>

#include "changed.h"
#include "history.h"

typedef struct {
	char *tag;
	char date[11];
	git_time_t time;
	git_oid commit;
	const char **removed;      /* paths gone in this release (borrowed) */
	size_t nremoved;
} hrel;

/* The releases of the repository, oldest first: tags matching one of
 * patterns (NULL-terminated), else each commit from HEAD back that
 * changed content; only those on or before as_of (YYYY-MM-DD, or NULL).
 * *key is a text naming exactly what they were made of (HEAD, the tags),
 * for the cache; *shallow 1 when commits were missing. */
hrel *history_list_releases(git_repository *repo, char *const *patterns,
    const char *content, const char *as_of, size_t *n, char **key,
    int *shallow);
/* The same, without the walk back from HEAD when no tag matches (the key
 * is the same): enough to look the history up in the cache. */
hrel *history_list_tags(git_repository *repo, char *const *patterns,
    const char *content, const char *as_of, size_t *n, char **key,
    int *shallow);
void history_free_releases(hrel *r, size_t n);
/* The tree id of content in commit; -1 when it has none. */
int history_content_oid(git_repository *repo, const git_oid *commit,
    const char *content, git_oid *out);
/* The content folder of project p within the repository whose work tree
 * has the project at prefix ("" or "dir/").  Caller frees. */
char *history_content_path(const char *prefix, const char *content);

/* The git repository holding the project folder, opened without a word
 * (the release history is silent outside git), and the project folder
 * within its work tree ("" at its top, else "dir/"; the caller frees).
 * 0, or -1 when there is no readable repository with a work tree
 * holding the folder. */
int changed_repo_open(const char *project_dir, git_repository **repo,
    char **prefix);

/* The table's entries (gitmodule.h says what each does). */
history *history_judge_repo(corpus *c, diag_set *ds,
    const history_options *o, char **pats, int explicit_);
int history_releases_repo(const char *dir, history_release **out,
    size_t *n, char **why);
int history_checkout_repo(const char *dir, const char *commit,
    const char *dest, char **project_out, char **why);
changed_set *changed_since_repo(const char *project_dir, const char *ref,
    diag_set *ds);

#endif
