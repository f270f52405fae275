/*
 * git/releases.c — the releases of a policy repository and the checkout
 * of one, with libgit2, in the git module: for the release history
 * (git/history.c, in the check stage) and for `policyc build --as-of
 * DATE` and `--archive` (main.c, through gitmodule.c),
 * which build a release's tree checked out into a temporary folder so
 * the working tree is never touched.  A release is a tag matching the
 * project's patterns, dated by its tagger (an annotated tag) or its
 * commit; with no such tag, each commit that changed the content folder.
 * A shallow clone lists what it has: tags whose commits are missing are
 * left out, and the walk back from HEAD stops where the clone stops.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>

#include "changed.h"
#include "diag.h"
#include "history.h"
#include "gitint.h"
#include "gitmodule.h"
#include "project.h"
#include "util.h"

static void
day_of(git_time_t t, int offset_min, char out[11])
{
	time_t tt = (time_t)(t + (git_time_t)offset_min * 60);
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void
add_rel(hrel **r, size_t *n, const char *tag, const git_commit *c,
    const git_signature *when)
{
	hrel *x;

	*r = xrealloc(*r, (*n + 1) * sizeof **r);
	x = &(*r)[(*n)++];
	memset(x, 0, sizeof *x);
	x->tag = xstrdup(tag);
	git_oid_cpy(&x->commit, git_commit_id(c));
	if (when) {
		x->time = when->when.time;
		day_of(when->when.time, when->when.offset, x->date);
	} else {
		x->time = git_commit_time(c);
		day_of(git_commit_time(c), git_commit_time_offset(c), x->date);
	}
}

static int
rel_cmp(const void *a, const void *b)
{
	const hrel *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->tag, y->tag);
}

typedef struct {
	git_repository *repo;
	char *const *patterns;
	hrel *r;
	size_t n;
	buf *key;
	int missing;
} tag_ctx;

static int
on_tag(const char *name, git_oid *oid, void *payload)
{
	tag_ctx *t = payload;
	const char *short_name = name + strlen("refs/tags/");
	git_object *o = NULL, *peeled = NULL;
	const git_signature *when = NULL;
	size_t i;
	int match = 0;

	for (i = 0; t->patterns[i]; i++)
		if (fnmatch(t->patterns[i], short_name, 0) == 0)
			match = 1;
	if (!match)
		return 0;
	if (git_object_lookup(&o, t->repo, oid, GIT_OBJECT_ANY) != 0) {
		t->missing = 1;      /* a shallow clone lacks it */
		goto out;
	}
	if (git_object_peel(&peeled, o, GIT_OBJECT_COMMIT) != 0)
		goto out;            /* a tag of a tree or a blob: no release */
	if (git_object_type(o) == GIT_OBJECT_TAG)
		when = git_tag_tagger((git_tag *)o);
	add_rel(&t->r, &t->n, short_name, (git_commit *)peeled, when);
	{
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, git_object_id(peeled));
		buf_printf(t->key, "|%s=%s", short_name, hex);
	}
out:
	git_object_free(peeled);
	git_object_free(o);
	return 0;
}

/* Each commit from HEAD back along first parents (the mainline: a merge
 * counts as one change) that changed content, oldest first.  The walk
 * stops where a shallow clone's history stops: HEAD alone is a release
 * then, rather than none. */
static void
commit_releases(git_repository *repo, const char *content, tag_ctx *t)
{
	git_commit *c = NULL, *parent;
	git_oid *seq = NULL, head;
	size_t n = 0, i;

	if (git_reference_name_to_id(&head, repo, "HEAD") != 0 ||
	    git_commit_lookup(&c, repo, &head) != 0)
		return;
	while (c) {
		git_oid mine, theirs;
		int has, had = 0;

		parent = NULL;
		has = history_content_oid(repo, git_commit_id(c), content,
		    &mine) == 0;
		if (git_commit_parentcount(c) > 0) {
			if (git_commit_parent(&parent, c, 0) == 0)
				had = history_content_oid(repo,
				    git_commit_id(parent), content, &theirs) == 0;
			else
				t->missing = 1;
		}
		if (has && (!had || !git_oid_equal(&mine, &theirs))) {
			seq = xrealloc(seq, (n + 1) * sizeof *seq);
			git_oid_cpy(&seq[n++], git_commit_id(c));
		}
		git_commit_free(c);
		c = parent;
	}
	for (i = n; i-- > 0;) {
		char hex[8];

		if (git_commit_lookup(&c, repo, &seq[i]) != 0)
			continue;
		git_oid_tostr(hex, sizeof hex, &seq[i]);
		add_rel(&t->r, &t->n, hex, c, NULL);
		git_commit_free(c);
	}
	free(seq);
}

static hrel *
list_releases(git_repository *repo, char *const *patterns,
    const char *content, const char *as_of, size_t *n, char **key,
    int *shallow, int walk)
{
	tag_ctx t;
	buf k;
	git_oid head;
	char hex[GIT_OID_HEXSZ + 1] = "none";
	size_t i, kept = 0;

	buf_init(&k);
	memset(&t, 0, sizeof t);
	t.repo = repo;
	t.patterns = patterns;
	t.key = &k;
	if (git_reference_name_to_id(&head, repo, "HEAD") == 0)
		git_oid_tostr(hex, sizeof hex, &head);
	buf_printf(&k, "head=%s|content=%s|as-of=%s|pat", hex, content,
	    as_of ? as_of : "");
	for (i = 0; patterns[i]; i++)
		buf_printf(&k, ":%s", patterns[i]);
	{
		git_strarray names;
		if (git_reference_list(&names, repo) == 0) {
			for (i = 0; i < names.count; i++) {
				git_oid oid;
				if (strncmp(names.strings[i], "refs/tags/", 10) ||
				    git_reference_name_to_id(&oid, repo,
				    names.strings[i]) != 0)
					continue;
				on_tag(names.strings[i], &oid, &t);
			}
			git_strarray_dispose(&names);
		}
	}
	if (!t.n && walk)
		commit_releases(repo, content, &t);
	if (t.n)
		qsort(t.r, t.n, sizeof *t.r, rel_cmp);
	for (i = 0; i < t.n; i++) {
		if (as_of && strcmp(t.r[i].date, as_of) > 0) {
			free(t.r[i].tag);
			continue;
		}
		t.r[kept++] = t.r[i];
	}
	*n = kept;
	*key = buf_detach(&k);
	*shallow = t.missing || git_repository_is_shallow(repo) == 1;
	return t.r;
}

hrel *
history_list_releases(git_repository *repo, char *const *patterns,
    const char *content, const char *as_of, size_t *n, char **key,
    int *shallow)
{
	return list_releases(repo, patterns, content, as_of, n, key, shallow,
	    1);
}

hrel *
history_list_tags(git_repository *repo, char *const *patterns,
    const char *content, const char *as_of, size_t *n, char **key,
    int *shallow)
{
	return list_releases(repo, patterns, content, as_of, n, key, shallow,
	    0);
}

void
history_free_releases(hrel *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].tag);
		free(r[i].removed);
	}
	free(r);
}

char *
history_content_path(const char *prefix, const char *content)
{
	buf b;
	const char *s = content;

	/* "policies", "./policies/", "." → "dir/policies", "dir" */
	buf_init(&b);
	buf_puts(&b, prefix);
	while (s[0] == '.' && s[1] == '/')
		s += 2;
	if (!strcmp(s, "."))
		s = "";
	buf_puts(&b, s);
	while (b.len && b.data[b.len - 1] == '/')
		b.data[--b.len] = '\0';
	return buf_detach(&b);
}

/* ---- for --as-of and --archive ---- */

/* The tag patterns of the project in dir (the defaults when it has
 * none, or its policyc.yaml cannot be read: the build says why). */
static char **
patterns_of(const char *dir)
{
	diag_set *ds = diag_new();
	project *p = project_load(dir, ds);
	const yval *h = p ? yval_get(p->config, "history") : NULL, *t;
	char **out = xcalloc(3, sizeof *out);
	size_t n = 0, i;

	t = h && h->kind == YV_MAP ? yval_get(h, "tags") : NULL;
	if (t && yval_is_scalar(t) && yval_str(t))
		out[n++] = xstrdup(yval_str(t));
	else if (t && t->kind == YV_LIST) {
		out = xrealloc(out, (t->n + 3) * sizeof *out);
		for (i = 0; i < t->n; i++)
			if (yval_is_scalar(t->items[i]) && yval_str(t->items[i]))
				out[n++] = xstrdup(yval_str(t->items[i]));
	}
	if (!n) {
		out[n++] = xstrdup("v*");
		out[n++] = xstrdup("release-*");
	}
	out[n] = NULL;
	if (p)
		project_free(p);
	diag_free(ds);
	return out;
}

int
history_releases_repo(const char *dir, history_release **out, size_t *n,
    char **why)
{
	git_repository *repo = NULL;
	char *prefix = NULL, *content, **pats, *key = NULL;
	hrel *r;
	size_t nr, i;
	int shallow;
	diag_set *ds;
	project *p;

	*out = NULL;
	*n = 0;
	git_libgit2_init();
	if (changed_repo_open(dir, &repo, &prefix) != 0) {
		*why = xasprintf("'%s' is not in a git working tree", dir);
		git_libgit2_shutdown();
		return -1;
	}
	ds = diag_new();
	p = project_load(dir, ds);
	content = history_content_path(prefix, p ? p->content : "policies");
	if (p)
		project_free(p);
	diag_free(ds);
	pats = patterns_of(dir);
	r = history_list_releases(repo, pats, content, NULL, &nr, &key,
	    &shallow);
	*out = xcalloc(nr ? nr : 1, sizeof **out);
	for (i = 0; i < nr; i++) {
		(*out)[i].tag = xstrdup(r[i].tag);
		(*out)[i].folder = history_folder_of(r[i].tag);
		memcpy((*out)[i].date, r[i].date, 11);
		git_oid_tostr((*out)[i].commit, 41, &r[i].commit);
	}
	*n = nr;
	history_free_releases(r, nr);
	for (i = 0; pats[i]; i++)
		free(pats[i]);
	free(pats);
	free(key);
	free(content);
	free(prefix);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return 0;
}

int
history_checkout_repo(const char *dir, const char *commit, const char *dest,
    char **project_out, char **why)
{
	git_repository *repo = NULL;
	git_object *o = NULL;
	git_checkout_options co;
	char *prefix = NULL;
	int rc = -1;

	git_libgit2_init();
	if (changed_repo_open(dir, &repo, &prefix) != 0) {
		*why = xasprintf("'%s' is not in a git working tree", dir);
		goto out;
	}
	if (git_revparse_single(&o, repo, commit) != 0) {
		*why = xasprintf("no commit %s in the repository", commit);
		goto out;
	}
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	/* into dest, never the working tree or the index */
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
	co.target_directory = dest;
	if (git_checkout_tree(repo, o, &co) != 0) {
		const git_error *e = git_error_last();
		*why = xasprintf("cannot check out %s (%s)", commit,
		    e && e->message ? e->message : "no reason given");
		goto out;
	}
	*project_out = path_join(dest, prefix);
	rc = 0;
out:
	git_object_free(o);
	free(prefix);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

