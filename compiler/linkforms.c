/*
 * linkforms.c — the link forms of the other tools a repository may have
 * been written for (Jekyll, Hugo, Eleventy, Middleman, GitHub), the part
 * of the link pass (links.c) that reads a link the way the source site
 * did: "x.html" as the published name of x.md, pretty URLs ("x/", "x"),
 * folder pages (index.md, _index.md, README.md), paths from the site's
 * root under links: root (or of a links: external host), and the
 * redirect_from:/aliases: paths, judged once before any link is resolved
 * so that links to an alias reach its document.  It also makes the "did
 * you mean" suggestions of broken links (nearest document path, nearest
 * heading anchor) and holds the path helpers both files use (scheme
 * length, "."/".." normalisation).  links.c calls it while resolving each
 * document; it annotates link_info and reports link-broken and
 * alias-invalid, and never calls back into links.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "linkforms.h"
#include "fsio.h"
#include "strtab.h"
#include "util.h"

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

/* A URI scheme ("http:", "mailto:", "glossary:") of at least two letters,
 * so a Windows drive letter is not taken for one. */
size_t
linkforms_scheme_len(const char *s)
{
	size_t i = 0;
	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
	    s[i] == '.')
		i++;
	return (s[i] == ':' && i >= 2) ? i : 0;
}

/* Joins dir and rel and resolves "." and ".." segments.  Returns NULL
 * when the path climbs above dir's root.  Caller frees. */
char *
linkforms_norm_path(const char *dir, const char *rel)
{
	char *all = (*rel == '/' || !*dir) ? xstrdup(*rel == '/' ? rel + 1 : rel)
	    : xasprintf("%s/%s", dir, rel);
	char **seg = xmalloc((strlen(all) + 2) * sizeof *seg);
	size_t n = 0;
	int bad = 0;
	for (char *save = NULL, *t = strtok_r(all, "/", &save); t;
	    t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			if (n == 0) { bad = 1; break; }
			n--;
			continue;
		}
		seg[n++] = t;
	}
	char *out = NULL;
	if (!bad) {
		buf b;
		buf_init(&b);
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_putc(&b, '/');
			buf_puts(&b, seg[i]);
		}
		out = b.data ? buf_detach(&b) : xstrdup("");
	}
	free(seg);
	free(all);
	return out;
}

/* The site key of a content-relative path as another tool publishes
 * it: "a/b.html", "a/b/", "a/b/index.html", "a/b" (and the source
 * "a/b.md") all give "a/b"
 * (and "", "index.html" give ""). */
char *
linkforms_site_key(const char *path)
{
	char *k = xstrdup(path);
	size_t n = strlen(k);
	while (n && k[n - 1] == '/')
		k[--n] = '\0';
	if (str_has_suffix(k, ".html") || str_has_suffix(k, ".htm") ||
	    str_has_suffix(k, ".md") || str_has_suffix(k, ".markdown"))
		*strrchr(k, '.') = '\0';
	n = strlen(k);
	if (n >= 5 && !strcmp(k + n - 5, "index") &&
	    (n == 5 || k[n - 6] == '/'))
		k[n == 5 ? 0 : n - 6] = '\0';
	return k;
}

/* The document a site key names: KEY.md, KEY/index.md, KEY/_index.md
 * (Hugo), KEY/README.md (GitHub shows it as the folder's page), or a
 * judged alias.  -1 when none. */
static long
find_doc_by_key(const linkforms *ps, const char *key)
{
	static const char *const forms[] = {
		"%s.md", "%s/index.md", "%s/_index.md", "%s.markdown",
		"%s/index.markdown", "%s/README.md", "%s/readme.md", NULL
	};
	long ti = -1;
	if (!*key) {
		ti = corpus_find_path(ps->c, "index.md");
		if (ti < 0)
			ti = corpus_find_path(ps->c, "_index.md");
		return ti >= 0 ? ti : corpus_find_path(ps->c, "README.md");
	}
	for (size_t i = 0; forms[i] && ti < 0; i++) {
		char *cand = xasprintf(forms[i], key);
		ti = corpus_find_path(ps->c, cand);
		free(cand);
	}
	if (ti < 0 && ps->aliases)
		ti = strtab_get(ps->aliases, key);
	return ti;
}

/* A link as the source site resolved it, relative to dir (a folder of
 * the content): "x.html" (the published name of x.md), "x/" and "x"
 * (pretty URLs), an alias.  -1 when none. */
long
linkforms_find_as_site(const linkforms *ps, const char *dir,
    const char *path)
{
	char *norm = linkforms_norm_path(dir, path), *key;
	long ti;
	if (!norm)
		return -1;
	key = linkforms_site_key(norm);
	ti = find_doc_by_key(ps, key);
	free(key);
	free(norm);
	return ti;
}

/* The folder a page's relative links are read from on a site with pretty
 * URLs: a/b.md is served as /a/b/, so "../c/" there means a/c. */
char *
linkforms_pretty_dir(const document *d)
{
	char *k = linkforms_site_key(d->relpath), *dot;
	if ((dot = strrchr(k, '.')) && !strchr(dot, '/'))
		*dot = '\0';
	return k;
}

/* "did you mean": the document path nearest to target (content-relative),
 * or NULL. */
const char *
linkforms_near_path(const linkforms *ps, const char *target)
{
	return target && *target ? suggest(target, ps->relpaths,
	    ps->c->ndocs) : NULL;
}

/* "did you mean": the anchor of t nearest to a, or NULL. */
const char *
linkforms_near_anchor(const document *t, const char *a)
{
	const char **slugs;
	const char *hit;
	if (!t->nheadings)
		return NULL;
	slugs = xmalloc(t->nheadings * sizeof *slugs);
	for (size_t i = 0; i < t->nheadings; i++)
		slugs[i] = t->headings[i].slug;
	hit = suggest(a, slugs, t->nheadings);
	free(slugs);
	return hit;
}

/* Reports a link to a missing document, with a suggestion. */
void
linkforms_report_missing(const linkforms *ps, document *d, link_info *li,
    const char *url, const char *target, const char *what)
{
	const char *near;
	li->kind = LINK_BROKEN;
	if (linkforms_report_draft(ps, d, li, url, target))
		return;
	near = linkforms_near_path(ps, target);
	if (near)
		diag_report(ps->ds, R_LINK_BROKEN, d->path, li->line, li->col,
		    "link to %s: %s (did you mean %s?)", url, what, near);
	else
		diag_report(ps->ds, R_LINK_BROKEN, d->path, li->line, li->col,
		    "link to %s: %s", url, what);
}

int
linkforms_report_draft(const linkforms *ps, document *d, link_info *li,
    const char *url, const char *target)
{
	char *key = target ? linkforms_site_key(target) : NULL;
	int draft = target && (corpus_left_out(ps->c, target) ||
	    corpus_left_out(ps->c, key));
	free(key);
	if (!draft)
		return 0;
	li->kind = LINK_BROKEN;
	diag_report(ps->ds, R_LINK_DRAFT, d->path, li->line, li->col,
	    "link to %s, a draft left out of this run (--drafts publishes "
	    "it); shown as text", url);
	return 1;
}

/* A path from the site's root: "/site-policy/x/" with links: {root:
 * /site-policy/}.  Under a root (or anywhere when no root is set) it is
 * read from the content folder's top; outside every root, with links:
 * {external: [host]}, it is a page of that host.  Returns the document
 * it names (the caller resolves it with its anchor), or -1 with *file
 * set (caller frees) when it names a file the caller judges, or -1 with
 * li already resolved or reported. */
long
linkforms_site_rooted(const linkforms *ps, size_t di, cmark_node *n,
    link_info *li, const char *url, const char *path, char **file)
{
	const project *p = ps->c->project;
	document *d = ps->c->docs[di];
	const char *rest = NULL;
	long ti;

	for (size_t i = 0; i < p->nlink_roots && !rest; i++) {
		const char *r = p->link_roots[i];
		size_t rl = strlen(r);
		while (rl > 1 && r[rl - 1] == '/')
			rl--;
		if (!strncmp(path, r, rl) && (path[rl] == '/' || !path[rl]))
			rest = path + rl;
	}
	if (!rest && !p->nlink_roots)
		rest = path;
	if (!rest && p->nlink_external) {
		char *abs = xasprintf("https://%s%s", p->link_external[0],
		    url);
		li->kind = LINK_EXTERNAL;
		cmark_node_set_url(n, abs);
		set_str(&li->href, abs);
		free(abs);
		return -1;
	}
	if (!rest) {
		li->kind = LINK_BROKEN;
		diag_report(ps->ds, R_LINK_BROKEN, d->path, li->line, li->col,
		    "link to %s: a path from the site's root outside links: "
		    "root (%s); add its prefix to links: root, or the host "
		    "it belongs to to links: external", url, p->link_roots[0]);
		return -1;
	}
	while (*rest == '/')
		rest++;
	if ((ti = linkforms_find_as_site(ps, "", rest)) >= 0)
		return ti;
	{
		char *norm = linkforms_norm_path("", rest);
		char *key = norm ? linkforms_site_key(norm) : NULL;
		char *md = key ? xasprintf("%s.md", *key ? key : "index") :
		    NULL;
		const char *base = strrchr(rest, '/') ? strrchr(rest, '/') :
		    rest;
		if (strchr(base, '.') && !str_has_suffix(rest, ".html") &&
		    !str_has_suffix(rest, ".htm") && !str_has_suffix(rest, ".md")) {
			/* a file of the site: read from the content folder */
			/* a file of the site: the content folder is the site's
			 * top; else (as before) the project folder */
			char *rel = xasprintf("%s/%s", ps->c->project->content,
			    rest);
			char *nrel = linkforms_norm_path("", rel);
			int in_content = nrel && fsio_resolve_inside(
			    ps->c->project->dir, nrel, FSIO_WANT_FILE, NULL) ==
			    FSIO_INSIDE;
			free(nrel);
			free(rel);
			rel = in_content ? xasprintf("/%s/%s",
			    ps->c->project->content, rest) : xstrdup(path);
			*file = rel;
		} else
			linkforms_report_missing(ps, d, li, url, md, "no "
			    "document at that path of the site");
		free(md);
		free(key);
		free(norm);
	}
	return -1;
}

/* Pages the site writer makes itself: no alias may take their names. */
static const char *const generated_pages[] = {
	"index", "glossary", "whats-new", "review", "search", "404", "assets",
	"packs", NULL
};

/* Judges every redirect_from:/aliases: path before any link is resolved
 * (links to an alias resolve to its document): a path under links: root
 * or from the site's root, safe as an output path, and no page's
 * already.  Accepted ones get their key and go in ps->aliases. */
void
linkforms_judge_aliases(linkforms *ps)
{
	const project *p = ps->c->project;
	strtab *t = strtab_new(16);
	size_t i, k, r;

	for (i = 0; i < ps->c->ndocs; i++) {
		document *d = ps->c->docs[i];
		for (k = 0; k < d->naliases; k++) {
			meta_alias *a = &d->aliases[k];
			const char *path = a->path, *why = NULL;
			char *norm, *key = NULL;
			long other = -1;
			for (r = 0; r < p->nlink_roots; r++) {
				size_t rl = strlen(p->link_roots[r]);
				while (rl > 1 && p->link_roots[r][rl - 1] == '/')
					rl--;
				if (!strncmp(path, p->link_roots[r], rl) &&
				    (path[rl] == '/' || !path[rl])) {
					path += rl;
					break;
				}
			}
			while (*path == '/')
				path++;
			norm = linkforms_scheme_len(path) ? NULL :
			    linkforms_norm_path("", path);
			if (norm)
				key = linkforms_site_key(norm);
			if (!key || !*key || !document_id_safe(key) ||
			    strpbrk(key, "?#%:\\"))
				why = "is not safe as a path of the site";
			else {
				for (r = 0; generated_pages[r]; r++)
					if (!strcmp(key, generated_pages[r]) ||
					    (!strncmp(key, generated_pages[r],
					    strlen(generated_pages[r])) &&
					    key[strlen(generated_pages[r])] == '/'))
						why = "is a page the site makes itself";
				char *ix = xasprintf("%s/index", key);
				if (!why && ((other = corpus_find_id(ps->c, key)) >= 0 ||
				    (other = corpus_find_id(ps->c, ix)) >= 0 ||
				    (other = find_doc_by_key(ps, key)) >= 0))
					why = "is already a document's page";
				else if (!why && strtab_put(t, key, (long)i)) {
					other = strtab_get(t, key);
					why = "is already another document's redirect";
				}
				free(ix);
			}
			if (why) {
				diag_report(ps->ds, R_ALIAS_INVALID, d->path, a->line,
				    a->col, "redirect '%s' %s%s%s; no redirect is "
				    "published for it", a->path, why,
				    other >= 0 ? ": " : "",
				    other >= 0 ? ps->c->docs[other]->path : "");
				free(key);
			} else {
				a->key = key;
				a->html = str_has_suffix(norm, ".html") ||
				    str_has_suffix(norm, ".htm");
			}
			free(norm);
		}
	}
	ps->aliases = t;
}
