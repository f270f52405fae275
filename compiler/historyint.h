/*
 * historyint.h — what history.c (the history and its judgements) and
 * historygit.c (the releases, the checkout of one) share.
 */
#ifndef POLICYC_HISTORYINT_H
#define POLICYC_HISTORYINT_H

#include <git2.h>

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

#endif
