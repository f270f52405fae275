/*
 * git/changed.c — `policyc check --changed-since REF` in the git module:
 * the project's files that differ between REF's tree and the working
 * tree (index and untracked files included), in process with libgit2,
 * into the set changed.c keeps; and the repository a project folder is
 * in, for the release history (git/history.c).
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include <git2.h>

#include "changed.h"
#include "gitint.h"
#include "strtab.h"
#include "util.h"

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
		changed_add(c->cs, path + n);
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
		else if ((rest = changed_below(root, rw)) != NULL)
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
	char *spec = prefix;   /* opts points at it until the diff is made */
	diff_ctx c;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED |
	    GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	if (prefix[0]) {
		/* only the project's files are diffed: a monorepo's other
		 * folders cost nothing */
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
	cs = changed_new();
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
changed_since_repo(const char *project_dir, const char *ref, diag_set *ds)
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
	else if ((rest = changed_below(root, rw)) != NULL)
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
