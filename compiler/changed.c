/*
 * changed.c — which files of a project a change touched, for `policyc
 * check --changed-since REF` and `--files`: the set the command line
 * narrows the diagnostics to after the whole project was read, linked and
 * checked (so links and terms into unchanged documents still resolve).
 * The git form diffs REF's tree against the working tree (index and
 * untracked files included) in process with libgit2; the list form takes
 * paths as a pre-commit hook or a CI script passes them.  Either way the
 * set holds paths relative to the project folder, as diagnostics name
 * their files.
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include <git2.h>

#include "changed.h"
#include "strtab.h"
#include "util.h"

struct changed_set {
	strtab *files;
};

static changed_set *
set_new(void)
{
	changed_set *cs = xcalloc(1, sizeof *cs);

	cs->files = strtab_new(64);
	return cs;
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
static const char *
below(const char *abs, const char *root)
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
	changed_set *cs = set_new();
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
			rel = below(abs, root);
		if (rel) {
			strtab_put(cs->files, rel, 0);
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
		if (abs && root && (rel = below(abs, root)))
			strtab_put(cs->files, rel, 0);
		free(abs);
	}
	(void)ds;
	free(root);
	return cs;
}

/* ---- git ------------------------------------------------------------- */

typedef struct {
	changed_set *cs;
	const char *prefix;   /* the project folder within the work tree,
	                         "" at its top, else "dir/" */
} diff_ctx;

static void
add_repo_path(diff_ctx *c, const char *path)
{
	size_t n = strlen(c->prefix);

	if (path && strncmp(path, c->prefix, n) == 0 && path[n])
		strtab_put(c->cs->files, path + n, 0);
}

static int
on_file(const git_diff_delta *d, float progress, void *payload)
{
	diff_ctx *c = payload;

	(void)progress;
	add_repo_path(c, d->old_file.path);
	add_repo_path(c, d->new_file.path);
	return 0;
}

static const char *
git_reason(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "no reason given";
}

/* Opens the git repository holding the project folder root into *repo;
 * -1, reported, when there is none or it cannot be opened. */
static int
open_repo(git_repository **repo, const char *root, const char *project_dir,
    const char *ref, diag_set *ds)
{
	int rc;

	if ((rc = git_repository_open_ext(repo, root, 0, NULL)) != 0) {
		if (rc == GIT_ENOTFOUND)
			diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
			    "--changed-since %s: '%s' is not in a git "
			    "repository (use --files to name the changed "
			    "documents instead)", ref, project_dir);
		else
			/* e.g. a checkout owned by another user: libgit2
			 * keeps git's safe.directory rule, and so do we */
			diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
			    "--changed-since %s: cannot open the git "
			    "repository of '%s' (%s)", ref, project_dir,
			    git_reason());
		return -1;
	}
	return 0;
}

/* The project folder within the work tree, "" at its top, else "dir/";
 * NULL, reported, when the work tree cannot be read or the project is
 * outside it. */
static char *
project_prefix(const char *workdir, const char *root, const char *project_dir,
    const char *ref, diag_set *ds)
{
	char *prefix = NULL;
	const char *rest;

	/* the work tree's real path too, so a symlinked checkout lines up
	 * with the project's */
	{
		char *rw = realpath(workdir, NULL);

		if (!rw) {
			diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
			    "--changed-since %s: the working tree '%s' "
			    "cannot be read", ref, workdir);
			return NULL;
		}
		if (!strcmp(rw, root))
			prefix = xstrdup("");
		else if ((rest = below(root, rw)) != NULL)
			prefix = xasprintf("%s/", rest);
		free(rw);
	}
	if (!prefix) {
		diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
		    "--changed-since %s: '%s' is outside the working tree of "
		    "its git repository", ref, project_dir);
	}
	return prefix;
}

/* The project's files that differ between tree and the working tree
 * (index and untracked files included); NULL, reported, on failure. */
static changed_set *
diff_set(git_repository *repo, git_tree *tree, char *prefix,
    const char *ref, diag_set *ds)
{
	git_diff *diff = NULL;
	git_diff_options opts;
	changed_set *cs = NULL;
	diff_ctx c;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED |
	    GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	if (prefix[0]) {
		/* only the project's files are diffed: a monorepo's other
		 * folders cost nothing */
		char *spec = prefix;

		opts.pathspec.strings = &spec;
		opts.pathspec.count = 1;
		opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	}
	if (git_diff_tree_to_workdir_with_index(&diff, repo,
	    tree, &opts) != 0) {
		diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
		    "--changed-since %s: cannot compare the working tree "
		    "with it (%s)", ref, git_reason());
		goto out;
	}
	cs = set_new();
	c.cs = cs;
	c.prefix = prefix;
	if (git_diff_foreach(diff, on_file, NULL, NULL, NULL, &c) != 0) {
		diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
		    "--changed-since %s: cannot list the changes (%s)", ref,
		    git_reason());
		changed_free(cs);
		cs = NULL;
	}
out:
	git_diff_free(diff);
	return cs;
}

changed_set *
changed_since(const char *project_dir, const char *ref, diag_set *ds)
{
	git_repository *repo = NULL;
	git_object *obj = NULL, *tree = NULL;
	changed_set *cs = NULL;
	char *root = realpath(project_dir, NULL), *prefix = NULL;
	const char *workdir;

	git_libgit2_init();
	if (!root) {
		diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
		    "--changed-since: the project folder '%s' cannot be read",
		    project_dir);
		goto out;
	}
	if (open_repo(&repo, root, project_dir, ref, ds) != 0)
		goto out;
	workdir = git_repository_workdir(repo);
	if (!workdir) {
		diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
		    "--changed-since %s: the git repository of '%s' is bare "
		    "(it has no working tree to compare)", ref, project_dir);
		goto out;
	}
	if (git_revparse_single(&obj, repo, ref) != 0 ||
	    git_object_peel(&tree, obj, GIT_OBJECT_TREE) != 0) {
		diag_report(ds, R_CHANGED_SINCE_INVALID, ".", 0, 0,
		    "--changed-since %s: no such commit in the repository "
		    "(%s); in a shallow CI checkout, fetch it first", ref,
		    git_reason());
		goto out;
	}
	prefix = project_prefix(workdir, root, project_dir, ref, ds);
	if (!prefix)
		goto out;
	cs = diff_set(repo, (git_tree *)tree, prefix, ref, ds);
out:
	git_object_free(tree);
	git_object_free(obj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	free(prefix);
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

int
changed_repo_open(const char *project_dir, git_repository **repo,
    char **prefix)
{
	char *root = realpath(project_dir, NULL), *rw = NULL;
	const char *workdir, *rest;

	*repo = NULL;
	*prefix = NULL;
	if (!root || git_repository_open_ext(repo, root, 0, NULL) != 0)
		goto fail;
	if (!(workdir = git_repository_workdir(*repo)) ||
	    !(rw = realpath(workdir, NULL)))
		goto fail;
	if (!strcmp(rw, root))
		*prefix = xstrdup("");
	else if ((rest = below(root, rw)) != NULL)
		*prefix = xasprintf("%s/", rest);
	else
		goto fail;
	free(rw);
	free(root);
	return 0;
fail:
	git_repository_free(*repo);
	*repo = NULL;
	free(rw);
	free(root);
	return -1;
}
