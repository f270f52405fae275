/*
 * gitmodule.c — the core's side of the git module, policyc-git.so
 * (compiler/git/; module.c says where modules are looked for).  libgit2
 * and what it links (libssh2, Kerberos, mbed TLS, OpenSSL's libcrypto,
 * http-parser: thirteen shared objects) cost every start of policyc
 * some 110 page faults, about 5 ms on this project's machine — while
 * only a project in a git repository, `check --changed-since` and
 * `build --as-of` / `--archive` read git.  So the module is loaded by the first
 * of those that needs it: history_judge (history.c) once it has found a
 * ".git" with lstat alone, and the three entry points below.  A module
 * that cannot be loaded fails what needed it, saying why: the history
 * as history-unavailable, --changed-since as changed-since, --as-of and
 * --archive as their release that cannot be read.  Programs that link
 * the module in (the unit tests) find its table without loading
 * anything.
 */
#include <stddef.h>

#include "changed.h"
#include "gitmodule.h"
#include "history.h"
#include "module.h"
#include "rules.h"
#include "util.h"

/* present when the module is linked into this program */
extern const git_module policyc_git __attribute__((weak));

const git_module *
gitmodule_get(char *err, size_t errsize)
{
	return module_table("policyc-git.so", "policyc_git", &policyc_git,
	    err, errsize);
}

int
history_releases(const char *dir, history_release **out, size_t *n,
    char **why)
{
	char err[1500];
	const git_module *g = gitmodule_get(err, sizeof err);

	*out = NULL;
	*n = 0;
	if (!g) {
		*why = xasprintf("cannot load the git module: %s", err);
		return -1;
	}
	return g->releases(dir, out, n, why);
}

int
history_checkout(const char *dir, const char *commit, const char *dest,
    char **project_out, char **why)
{
	char err[1500];
	const git_module *g = gitmodule_get(err, sizeof err);

	if (!g) {
		*why = xasprintf("cannot load the git module: %s", err);
		return -1;
	}
	return g->checkout(dir, commit, dest, project_out, why);
}

changed_set *
changed_since(const char *project_dir, const char *ref, diag_set *ds)
{
	char err[1500];
	const git_module *g = gitmodule_get(err, sizeof err);

	if (!g) {
		diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
		    "--changed-since %s: cannot load the git module: %s", ref,
		    err);
		return NULL;
	}
	return g->changed_since(project_dir, ref, ds);
}
