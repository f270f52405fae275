/*
 * changed.c — which files of a project a change touched, for `policyc
 * check --changed-since REF` and `--files`: the set the command line
 * narrows the diagnostics to after the whole project was read, linked and
 * checked (so links and terms into unchanged documents still resolve).
 * The list form is here: it takes paths as a pre-commit hook or a CI
 * script passes them.  The git form diffs REF's tree against the working
 * tree (index and untracked files included) in process with libgit2, in
 * the git module (git/changed.c, loaded by gitmodule.c).  Either way the
 * set holds paths relative to the project folder, as diagnostics name
 * their files.  Whether a folder is in a git repository at all is found
 * here, with lstat alone, so a project outside git never loads libgit2.
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "changed.h"
#include "strtab.h"
#include "util.h"

struct changed_set {
	strtab *files;
};

changed_set *
changed_new(void)
{
	changed_set *cs = xcalloc(1, sizeof *cs);

	cs->files = strtab_new(64);
	return cs;
}

void
changed_add(changed_set *cs, const char *file)
{
	strtab_put(cs->files, file, 0);
}

void
changed_free(changed_set *cs)
{
	if (!cs)
		return;
	strtab_free(cs->files);
	free(cs);
}

int
changed_has(const changed_set *cs, const char *file)
{
	return cs && file && strtab_get(cs->files, file) >= 0;
}

size_t
changed_count(const changed_set *cs)
{
	return cs ? strtab_count(cs->files) : 0;
}

/* The real path of a file that may not exist (a deleted document): its
 * folder's real path and its name.  NULL when the folder is not there. */
static char *
real_file(const char *path)
{
	char *real = realpath(path, NULL), *dir, *slash, *rdir, *out;

	if (real)
		return real;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (!slash) {
		free(dir);
		dir = xstrdup(".");
		slash = NULL;
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	rdir = realpath(dir, NULL);
	free(dir);
	if (!rdir)
		return NULL;
	slash = strrchr(path, '/');
	out = path_join(rdir, slash ? slash + 1 : path);
	free(rdir);
	return out;
}

/* abs below root ("/a/b" under "/a")? The rest after the slash, or NULL. */
const char *
changed_below(const char *abs, const char *root)
{
	size_t n = strlen(root);

	if (n && root[n - 1] == '/')
		n--;
	if (strncmp(abs, root, n) != 0 || abs[n] != '/' || !abs[n + 1])
		return NULL;
	return abs + n + 1;
}

changed_set *
changed_from_list(const char *project_dir, const char *const *files,
    size_t n, diag_set *ds)
{
	changed_set *cs = changed_new();
	char *root = realpath(project_dir, NULL);
	size_t i;

	for (i = 0; i < n; i++) {
		const char *f = files[i], *rel = NULL;
		char *abs, *joined;

		if (!f[0])
			continue;
		/* as the shell named it (relative to the working folder, as
		 * pre-commit passes them) ... */
		abs = real_file(f);
		if (abs && root)
			rel = changed_below(abs, root);
		if (rel) {
			changed_add(cs, rel);
			free(abs);
			continue;
		}
		free(abs);
		/* ... else relative to the project folder, as diagnostics
		 * name files; a file of neither is no file of this project
		 * and is left out */
		joined = path_join(project_dir, f);
		abs = real_file(joined);
		free(joined);
		if (abs && root && (rel = changed_below(abs, root)))
			changed_add(cs, rel);
		free(abs);
	}
	(void)ds;
	free(root);
	return cs;
}

int
changed_repo_depth(const char *project_dir)
{
	char *d = realpath(project_dir, NULL), *slash;
	int depth = 0, found = 0;

	if (d == NULL)
		return 0;   /* let libgit2 say what is wrong */
	for (;; depth++) {
		char *g = path_join(d[0] ? d : "/", ".git");
		struct stat st;
		found = lstat(g, &st) == 0;
		free(g);
		if (found || (slash = strrchr(d, '/')) == NULL || d[0] == '\0')
			break;
		*slash = '\0';
	}
	free(d);
	return found ? depth : -1;
}
