/*
 * changed.h — the files of a project a change touched (`check
 * --changed-since REF`, `check --files ...`), as paths relative to the
 * project folder, for narrowing the diagnostics after a whole-project
 * check.
 */
#ifndef POLICYC_CHANGED_H
#define POLICYC_CHANGED_H

#include <stddef.h>
#include "diag.h"

typedef struct changed_set changed_set;

/* The files under project_dir that differ between REF's tree and the
 * working tree (staged, unstaged and untracked; deleted and renamed
 * files by both names).  NULL, with a `changed-since` error in ds, when
 * the folder is in no git repository (or a bare one), or REF names no
 * commit, or the git module cannot be loaded (gitmodule.c). */
changed_set *changed_since(const char *project_dir, const char *ref,
    diag_set *ds);
/* The files of a list: each as named from the working folder, else
 * relative to project_dir; files outside the project are left out. */
changed_set *changed_from_list(const char *project_dir,
    const char *const *files, size_t n, diag_set *ds);
/* Is file (relative to the project folder) in the set? */
int changed_has(const changed_set *cs, const char *file);
size_t changed_count(const changed_set *cs);
void changed_free(changed_set *cs);

/* Where project_dir could be in a git work tree: 0 when it holds a
 * ".git" itself, N when the nearest ".git" is N folders above it, -1
 * when there is none (changed_repo_open would fail too).  It answers
 * without loading libgit2 (gitmodule.c) or starting it, whose start-up
 * loads the system's TLS certificates: some 15 ms of every build of a
 * project outside git. */
int changed_repo_depth(const char *project_dir);

/* For the git module (git/changed.c): an empty set, a file added to
 * it, and abs's rest below root ("/a/b" under "/a" is "b"), or NULL. */
changed_set *changed_new(void);
void changed_add(changed_set *cs, const char *file);
const char *changed_below(const char *abs, const char *root);

#endif
