/*
 * history.c — a project's release history, the core's side: the
 * settings (policyc.yaml `history:`), whether git is there to read at
 * all, and the history tree hung on each document's tree and on
 * corpus.xml.  Reading the history from git (the releases, each
 * document's versions and their word-level diffs, amendment-missing)
 * is the git module's (git/history.c, policyc-git.so, gitmodule.c):
 * libgit2 and the dozen libraries it brings are loaded only by a build
 * whose project is in a git repository, or that asks for its history
 * (--as-of, --archive, history: on).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "changed.h"
#include "date.h"
#include "document.h"
#include "gitmodule.h"
#include "history.h"
#include "project.h"
#include "strtab.h"
#include "util.h"
#include "xmlnode.h"
#include "xmlread.h"

static history_options opts;

void
history_configure(const history_options *o)
{
	opts = *o;
}

/* ---- settings ---- */

/* history: off | on | auto, or { tags: PATTERN | [PATTERNS] }.  The
 * patterns into *tags (NULL-terminated; the caller frees the array). 0
 * off, 1 on, 2 auto. */
static int
read_settings(const project *p, char ***tags, diag_set *ds)
{
	const yval *v = yval_get(p->config, "history"), *t;
	char **out = xcalloc(3, sizeof *out);
	int mode = 2;
	size_t i, n = 0;

	*tags = out;
	if (v && yval_is_scalar(v)) {
		const char *s = yval_str(v);
		if (s && (!strcmp(s, "off") || !strcmp(s, "false")))
			mode = 0;
		else if (s && (!strcmp(s, "on") || !strcmp(s, "true")))
			mode = 1;
		else if (!s || strcmp(s, "auto"))
			diag_report(ds, R_CONFIG_INVALID, p->config_path,
			    v->line, v->col, "history: use on, off, auto or "
			    "a map with tags:");
	} else if (v && v->kind == YV_MAP) {
		mode = 1;
		for (i = 0; i < v->n; i++)
			if (strcmp(v->keys[i], "tags"))
				diag_report(ds, R_CONFIG_UNKNOWN_KEY,
				    p->config_path, v->items[i]->line,
				    v->items[i]->col, "unknown key 'history: "
				    "%s' (known: tags)", v->keys[i]);
		if ((t = yval_get(v, "tags")) && yval_is_scalar(t) &&
		    yval_str(t))
			out[n++] = xstrdup(yval_str(t));
		else if (t && t->kind == YV_LIST) {
			out = xrealloc(out, (t->n + 1) * sizeof *out);
			for (i = 0; i < t->n; i++)
				if (yval_is_scalar(t->items[i]) &&
				    yval_str(t->items[i]))
					out[n++] = xstrdup(yval_str(t->items[i]));
			out[n] = NULL;
			*tags = out;
		}
	}
	if (!n) {
		out[n++] = xstrdup("v*");
		out[n++] = xstrdup("release-*");
		out[n] = NULL;
	}
	return mode;
}

static char *
banner_label(void)
{
	char day[48], *s;

	if (!opts.as_of)
		return NULL;
	date_long(opts.as_of, day, sizeof day);
	s = xasprintf("As in force on %s \xe2\x80\x94 not the current version",
	    day);
	return s;
}

history *
history_judge(corpus *c, diag_set *ds)
{
	const project *p = c->project;
	char **pats = NULL, err[1500];
	int mode = read_settings(p, &pats, ds), explicit_, depth;
	const git_module *git;
	history *h = NULL;
	size_t i;

	explicit_ = mode == 1 || opts.repo_dir || opts.as_of || opts.archive;
	if (opts.banner_only || !mode)
		goto out;
	depth = changed_repo_depth(opts.repo_dir ? opts.repo_dir : p->dir);
	if (depth < 0) {
		if (explicit_)
			diag_report(ds, R_HISTORY_UNAVAILABLE, "", 0, 0,
			    "the project is not in a git repository: no "
			    "release history");
		goto out;
	}
	if (!explicit_ && depth > 0)
		goto out;   /* auto, in a folder of a larger repository */
	if ((git = gitmodule_get(err, sizeof err)) == NULL)
		diag_report(ds, R_HISTORY_UNAVAILABLE, "", 0, 0,
		    "cannot load the git module: %s; no release history", err);
	else
		h = git->judge(c, ds, &opts, pats, explicit_);
out:
	for (i = 0; pats && pats[i]; i++)
		free(pats[i]);
	free(pats);
	if (!h && opts.as_of)
		h = xcalloc(1, sizeof *h);
	if (h)
		h->as_of_label = banner_label();
	return h;
}

/* ---- the model ---- */

static void
banner(xmlNodePtr root, const history *h)
{
	if (!h->as_of_label)
		return;
	set_attr(root, "as-of", opts.as_of);
	set_attr(root, "as-of-label", h->as_of_label);
}

static xmlNodePtr
changes_of(const history *h, const document *d)
{
	xmlNodePtr ch = xmlNewNode(NULL, X("changes")), v;
	long k = d->relpath ? strtab_get(h->by_path, d->relpath) : -1;

	if (opts.archive)
		set_attr(ch, "archive", "yes");
	if (k < 0)
		return ch;
	for (v = xmlread_child(h->lines[k], "version"); v;
	    v = xmlread_next(v, "version")) {
		xmlNodePtr copy = xmlDocCopyNode(v, NULL, 1);
		char *path = xmlread_attr(v, "path"), *tag;

		if (opts.archive && path) {
			char *id = document_id_from_relpath(path);
			tag = xmlread_attr(v, "tag");
			set_attr(copy, "id", id);
			if (tag) {
				char *f = history_folder_of(tag);
				set_attr(copy, "folder", f);
				free(f);
			}
			free(tag);
			free(id);
		}
		free(path);
		xmlAddChild(ch, copy);
	}
	return ch;
}

void
history_model_doc(const history *h, const document *d, xmlDocPtr x)
{
	xmlNodePtr ch;

	if (!h || !x)
		return;
	banner(xmlDocGetRootElement(x), h);
	if (!h->x)
		return;
	ch = changes_of(h, d);
	xmlSetTreeDoc(ch, x);
	xmlAddChild(xmlDocGetRootElement(x), ch);
}

void
history_model_corpus(const history *h, xmlDocPtr cx)
{
	xmlNodePtr rels, copy;

	if (!h || !cx)
		return;
	banner(xmlDocGetRootElement(cx), h);
	if (!h->x)
		return;
	rels = xmlread_child(xmlDocGetRootElement(h->x), "releases");
	copy = xmlDocCopyNode(rels, cx, 1);
	if (opts.archive)
		set_attr(copy, "archive", "yes");
	xmlAddChild(xmlDocGetRootElement(cx), copy);
}

/* The settings changes_of and banner read, then the document's lineage
 * as the history tree holds it: changes_of copies its versions, so the
 * two are the same exactly when these bytes are. */
char *
history_doc_print(const history *h, const document *d, size_t *len)
{
	xmlBufferPtr b;
	char *s;
	long k;

	if (!h)
		return NULL;
	b = xmlBufferCreate();
	xmlBufferCCat(b, opts.archive ? "archive\n" : "-\n");
	xmlBufferCCat(b, h->as_of_label ? h->as_of_label : "-");
	xmlBufferCCat(b, "\n");
	xmlBufferCCat(b, opts.as_of && h->as_of_label ? opts.as_of : "-");
	xmlBufferCCat(b, h->x ? "\nhistory\n" : "\nnone\n");
	k = h->x && d->relpath ? strtab_get(h->by_path, d->relpath) : -1;
	if (k >= 0)
		xmlNodeDump(b, h->x, h->lines[k], 0, 0);
	*len = (size_t)xmlBufferLength(b);
	s = xmalloc(*len + 1);
	memcpy(s, xmlBufferContent(b), *len);
	s[*len] = '\0';
	xmlBufferFree(b);
	return s;
}

void
history_free(history *h)
{
	if (!h)
		return;
	if (h->x)
		xmlFreeDoc(h->x);
	strtab_free(h->by_path);
	free(h->lines);
	free(h->as_of_label);
	free(h);
}

/* ---- releases, for --as-of and --archive ---- */

/* A tag as a folder name: letters, digits, '.', '-', '_' kept, the rest
 * '-'; never "", "." or "..". */
char *
history_folder_of(const char *tag)
{
	char *f = xstrdup(tag), *p;

	for (p = f; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			*p = '-';
	if (f[0] == '.' || !f[0]) {
		char *g = xasprintf("r%s", f);
		free(f);
		f = g;
	}
	return f;
}

void
history_releases_free(history_release *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].tag);
		free(r[i].folder);
	}
	free(r);
}
