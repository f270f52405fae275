/*
 * links.c — the link pass, run once after the corpus is indexed and before
 * the filters and back ends.  For every document it (1) turns "[[name]]"
 * and "[[name|text]]" in text nodes into link nodes (cmark leaves the
 * brackets as text), (2) resolves every link and image of the body —
 * relative .md paths (and folders with an index.md), #anchors, [text](#)
 * placeholders, glossary: links, external schemes, assets — into a
 * link_info, judging every URL by the one URL policy (url.c: refused ones
 * become LINK_UNSAFE) and every image once (inside the project and a
 * regular file, through fsio_resolve_inside), and (3) hands the document
 * to the term auto-linker (autolink.c).  Documents are independent here,
 * so they run through jobs_run; the edges each finds are kept per document
 * and added to the corpus graph after the join, followed by related: and
 * superseded-by: edges and the corpus-wide checks (term-unused).  Only the
 * model is annotated: xmlout.c turns link_info, term uses and edges into
 * XML.  cmark line numbers are already file lines (document.c feeds the
 * front matter to cmark as blank lines).  The other tools' link forms
 * (x.html, pretty URLs, paths from the site's root, aliases) and the "did
 * you mean" suggestions are linkforms.c's.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "links.h"
#include "autolink.h"
#include "extends.h"
#include "fsio.h"
#include "glossary.h"
#include "jobs.h"
#include "linkforms.h"
#include "prelink.h"
#include "strtab.h"
#include "url.h"
#include "util.h"

/* An edge a worker found, added to the corpus after the join. */
typedef struct {
	size_t to;
	int line;
} found_edge;

typedef struct {
	found_edge *v; size_t n, cap;
} edge_vec;

typedef struct {
	corpus *c;
	diag_set *ds;
	edge_vec *edges;     /* one per document */
	linkforms forms;     /* the other tools' forms, aliases, "did you
	                        mean" (linkforms.c) */
	links_after_fn after;  /* each document, once its links are final */
	void *after_ctx;
	int replay;          /* links_replay: the tree only; ds is quiet,
	                        edges NULL, the document's records kept */
	link_deps *deps;     /* what this document reads of the others,
	                        when recorded (resolve_ahead); else NULL */
} pass;

/* ---- what a document reads of the others ---------------------------- */

void
link_deps_free(link_deps *x)
{
	if (!x)
		return;
	for (size_t k = 0; k < x->nnames; k++) {
		free(x->names[k].name);
		free(x->names[k].cands);
	}
	free(x->names);
	free(x->targets);
	free(x);
}

static void
deps_target(pass *ps, size_t ti)
{
	link_deps *x = ps->deps;
	if (!x)
		return;
	for (size_t k = 0; k < x->ntargets; k++)
		if (x->targets[k] == ti)
			return;
	if (x->ntargets == x->tcap)
		x->targets = xrealloc(x->targets, (x->tcap = x->tcap ?
		    2 * x->tcap : 8) * sizeof *x->targets);
	x->targets[x->ntargets++] = ti;
}

static void
deps_name(pass *ps, const char *name, long result, const char *cands)
{
	link_deps *x = ps->deps;
	if (!x)
		return;
	for (size_t k = 0; k < x->nnames; k++)
		if (!strcmp(x->names[k].name, name))
			return;
	if (x->nnames == x->ncap)
		x->names = xrealloc(x->names, (x->ncap = x->ncap ?
		    2 * x->ncap : 8) * sizeof *x->names);
	x->names[x->nnames].name = xstrdup(name);
	x->names[x->nnames].result = result;
	x->names[x->nnames++].cands = cands ? xstrdup(cands) : NULL;
}

/* ---- small string helpers ---------------------------------------------- */

/* %XX-decodes s[0..n).  Caller frees. */
static char *
pct_decode(const char *s, size_t n)
{
	char *o = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
			o[k++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			i += 2;
		} else
			o[k++] = s[i];
	}
	o[k] = '\0';
	return o;
}

static char *
trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) { s++; n--; }
	while (n && isspace((unsigned char)s[n - 1])) n--;
	return xstrndup(s, n);
}

static char *
dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');
	return sl ? xstrndup(path, (size_t)(sl - path)) : xstrdup("");
}

static int
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Plain text of a node's children (link text, image alt). */

static char *
node_text(cmark_node *n)
{
	cmark_node *only = cmark_node_first_child(n);
	/* the usual link, one text node: its literal, without a walk */
	if (only && !cmark_node_next(only) &&
	    cmark_node_get_type(only) == CMARK_NODE_TEXT) {
		const char *lit = cmark_node_get_literal(only);
		return lit ? trim_dup(lit, strlen(lit)) : xstrdup("");
	}
	buf b;
	buf_init(&b);
	document_plain_text(n, &b, ' ');
	if (!b.data)
		return xstrdup("");
	char *t = buf_detach(&b);
	char *r = trim_dup(t, strlen(t));
	free(t);
	return r;
}

static int
status_is_stale(const document *d)
{
	return d->status_kind == STATUS_WITHDRAWN ||
	    d->status_kind == STATUS_SUPERSEDED;
}

static void
edge_push(edge_vec *e, size_t to, int line)
{
	/* repeats are dropped when the edges are added to the corpus */
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n].to = to;
	e->v[e->n].line = line;
	e->n++;
}

/* ---- resolution of one link -------------------------------------------- */

/* Looks a placeholder's text up in the glossary: as written, then without
 * a possessive ("LADO's") or a plural "s". */
static long
lookup_loose(const glossary *g, const char *text)
{
	long e = glossary_lookup(g, text);
	if (e >= 0)
		return e;
	size_t n = strlen(text);
	char *t = NULL;
	if (n > 2 && (!strcmp(text + n - 2, "'s")))
		t = xstrndup(text, n - 2);
	else if (n > 4 && !strcmp(text + n - 4, "\xe2\x80\x99s"))
		t = xstrndup(text, n - 4);
	else if (n > 1 && (text[n - 1] == 's' || text[n - 1] == 'S'))
		t = xstrndup(text, n - 1);
	if (t) {
		e = glossary_lookup(g, t);
		free(t);
	}
	return e;
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

/* Resolves a document target found by path or name, with its anchor. */
static void
resolve_doc_target(pass *ps, size_t di, long ti, const char *anchor,
    link_info *li, const char *shown)
{
	corpus *c = ps->c;
	document *d = c->docs[di], *t = c->docs[ti];
	deps_target(ps, (size_t)ti);
	if (!document_id_safe(t->id)) {
		/* id-invalid was reported at the target: it is not published,
		 * so a live link to it would be dead */
		li->kind = LINK_BROKEN;
		diag_report(ps->ds, R_LINK_BROKEN, d->path, li->line, li->col,
		    "link to %s: that document is not published (its id is "
		    "not safe as a path)", shown);
		return;
	}
	if (anchor && *anchor && !document_find_anchor(t, anchor)) {
		const char *near = linkforms_near_anchor(t, anchor);
		li->kind = LINK_BROKEN;
		diag_report(ps->ds, R_LINK_BROKEN, d->path, li->line, li->col,
		    "link to %s: %s has no heading with the anchor #%s%s%s%s",
		    shown, t->id, anchor, near ? " (did you mean #" : "",
		    near ? near : "", near ? "?)" : "");
		return;
	}
	li->kind = LINK_DOCUMENT;
	set_str(&li->target_id, t->id);
	set_str(&li->anchor, anchor && *anchor ? anchor : NULL);
	if ((size_t)ti != di) {
		if (ps->edges)
			edge_push(&ps->edges[di], (size_t)ti, li->line);
		if (status_is_stale(t) && !status_is_stale(d))
			diag_report(ps->ds, R_SUPERSEDED_LINK, d->path, li->line,
			    li->col, "link to %s, which is %s%s%s", t->id,
			    t->status, t->superseded_by ? " by " : "",
			    t->superseded_by ? t->superseded_by : "");
	}
}

/* Anchor lookup in this document: as written (decoded), then lower-cased
 * (GitHub slugs are lower case; people write #Roles). */
static const char *
find_anchor_loose(const document *d, const char *a, char **fixed)
{
	*fixed = NULL;
	if (document_find_anchor(d, a))
		return a;
	char *l = xstrdup(a);
	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (document_find_anchor(d, l)) {
		*fixed = l;
		return l;
	}
	free(l);
	return NULL;
}

/* Makes li a link to glossary entry e and records the use (kind as
 * document_add_term_use takes it); 0 when e is no entry. */
static int
term_link(document *d, link_info *li, const glossary *g, long e, int kind)
{
	const glossary_entry *ge;
	if (e < 0)
		return 0;
	ge = glossary_at(g, (size_t)e);
	li->kind = LINK_TERM;
	set_str(&li->term_slug, ge->slug);
	document_add_term_use(d, ge->slug, li->line, li->col, kind);
	return 1;
}

/* [text](#) and [text](): a term named by the link text, or a
 * placeholder. */
static void
resolve_placeholder(pass *ps, document *d, cmark_node *n, link_info *li)
{
	const glossary *g = ps->c->glossary;
	char *text = node_text(n);
	long e = g && *text ? lookup_loose(g, text) : -1;
	if (!term_link(d, li, g, e, 2)) {
		li->kind = LINK_PLACEHOLDER;
		diag_report(ps->ds, R_LINK_PLACEHOLDER, d->path, li->line,
		    li->col, "placeholder link \"%s\" (#) names no glossary "
		    "term", text);
	}
	free(text);
}

/* #anchor in this document. */
static void
resolve_anchor(pass *ps, document *d, link_info *li, const char *url)
{
	char *a = pct_decode(url + 1, strlen(url + 1)), *fixed;
	const char *hit = find_anchor_loose(d, a, &fixed);
	if (hit) {
		li->kind = LINK_ANCHOR;
		set_str(&li->anchor, hit);
	} else {
		const char *near = linkforms_near_anchor(d, a);
		li->kind = LINK_BROKEN;
		diag_report(ps->ds, R_LINK_BROKEN, d->path, li->line, li->col,
		    "no heading in this document has the anchor #%s%s%s%s", a,
		    near ? " (did you mean #" : "", near ? near : "",
		    near ? "?)" : "");
	}
	free(fixed);
	free(a);
}

/* glossary:name.  An unknown term stays unresolved (kind broken: back
 * ends write it as text, never as a live link). */
static void
resolve_glossary(pass *ps, document *d, link_info *li, const char *url)
{
	const glossary *g = ps->c->glossary;
	char *name = pct_decode(url + 9, strlen(url + 9));
	long e = g ? glossary_lookup(g, name) : -1;
	if (!term_link(d, li, g, e, 1)) {
		li->kind = LINK_BROKEN;
		diag_report(ps->ds, R_TERM_UNKNOWN, d->path, li->line, li->col,
		    "glossary link to \"%s\", which is not in the glossary",
		    name);
	}
	free(name);
}

/* Finds the document a relative path names: the .md file, or a folder's
 * index.md (or "folder.md").  target gets the content-relative path (NULL
 * when it climbs out of the content folder). */
static long
find_doc_by_path(const corpus *c, const document *d, const char *path,
    int is_md, char **target)
{
	char *cdir = dir_of(d->relpath);
	long ti = -1;
	*target = *path ? linkforms_norm_path(cdir, path) : xstrdup(d->relpath);
	free(cdir);
	if (!*target)
		return -1;
	if (is_md) {
		ti = corpus_find_path(c, *target);
		if (ti < 0) {
			char *id = document_id_from_relpath(*target);
			ti = corpus_find_id(c, id);
			free(id);
		}
		return ti;
	}
	char *ix = **target ? xasprintf("%s/index.md", *target) :
	    xstrdup("index.md");
	ti = corpus_find_path(c, ix);
	free(ix);
	if (ti < 0 && **target) {
		char *md = xasprintf("%s.md", *target);
		ti = corpus_find_path(c, md);
		free(md);
	}
	return ti;
}

/* A non-Markdown file beside the documents (or elsewhere in the
 * project), checked on disk the way images are: inside the project
 * (symlinks followed) and a regular file. */
static void
resolve_file_link_near(pass *ps, document *d, link_info *li, const char *url,
    const char *path, const char *near);

static void
resolve_file_link(pass *ps, document *d, link_info *li, const char *url,
    const char *path)
{
	resolve_file_link_near(ps, d, li, url, path, NULL);
}

/* rel (project-relative) inside the content folder: the rest of it, else
 * NULL. */
static const char *
in_content(const pass *ps, const char *rel)
{
	size_t n = strlen(ps->c->project->content);
	return strncmp(rel, ps->c->project->content, n) == 0 && rel[n] == '/' ?
	    rel + n + 1 : NULL;
}

/* The same; near, when not NULL, is the document the link probably
 * meant, named when the link is broken. */
static void
resolve_file_link_near(pass *ps, document *d, link_info *li, const char *url,
    const char *path, const char *near)
{
	char *pdir = dir_of(d->path);
	char *rel = *path ? extends_norm_link(ps->c->project, pdir, path) :
	    NULL;
	char *shown = NULL;  /* the edition's file of that name, or a core's */
	enum fsio_inside r = rel ? extends_resolve(ps->c->project, rel,
	    FSIO_WANT_FILE, NULL, &shown) : FSIO_OUTSIDE;
	if (r == FSIO_INSIDE) {
		li->kind = LINK_ASSET;
		set_str(&li->file, shown);
	} else if (rel && in_content(ps, rel) &&
	    linkforms_report_draft(&ps->forms, d, li, url, in_content(ps, rel))) {
		/* a folder-style link to a draft left out: said as such */
	} else {
		char *abs = rel ? path_join(ps->c->project->dir, rel) : NULL;
		const char *why = !rel ? "it leaves the project folder" :
		    r == FSIO_MISSING ? "no such file" :
		    r == FSIO_OUTSIDE ? "it resolves outside the project folder" :
		    is_dir(abs) ? "a folder without an index.md" :
		    "not a regular file";
		li->kind = LINK_BROKEN;
		diag_report(ps->ds, R_LINK_BROKEN, d->path, li->line, li->col,
		    "link to %s: %s%s%s%s", url, why, near ? " (did you mean " :
		    "", near ? near : "", near ? "?)" : "");
		free(abs);
	}
	free(shown);
	free(rel);
	free(pdir);
}

/* A relative path, with maybe ?query and #fragment: a document or a
 * file. */
static void
resolve_relative(pass *ps, size_t di, cmark_node *n, link_info *li,
    const char *url)
{
	corpus *c = ps->c;
	document *d = c->docs[di];
	size_t plen = strcspn(url, "?#");
	const char *hash = strchr(url, '#');
	char *path = pct_decode(url, plen);
	char *anchor = hash ? pct_decode(hash + 1, strlen(hash + 1)) : NULL;
	char *target = NULL;
	int is_md = str_has_suffix(path, ".md") || str_has_suffix(path, ".MD");
	int is_html = str_has_suffix(path, ".html") ||
	    str_has_suffix(path, ".htm");
	int dirlike = !*path || path[strlen(path) - 1] == '/';
	const char *base = strrchr(path, '/') ? strrchr(path, '/') : path;

	if (path[0] == '/') {
		char *file = NULL;
		long ti = linkforms_site_rooted(&ps->forms, di, n, li, url,
		    path, &file);
		if (ti >= 0)
			resolve_doc_target(ps, di, ti, anchor, li, url);
		else if (file)
			resolve_file_link(ps, d, li, url, file);
		free(file);
	} else if (is_md || is_html || dirlike || !strchr(base, '.')) {
		long ti = is_html ? -1 :
		    find_doc_by_path(c, d, path, is_md, &target);
		if (ti < 0 && *path) {
			/* as the source site read it: x.html, pretty URLs,
			 * aliases; from the file's folder, then from the
			 * folder a pretty URL puts the page in */
			char *cdir = dir_of(d->relpath);
			char *pdir = linkforms_pretty_dir(d);
			ti = linkforms_find_as_site(&ps->forms, cdir, path);
			if (ti < 0 && !is_md)
				ti = linkforms_find_as_site(&ps->forms, pdir,
				    path);
			if (!target)
				target = linkforms_norm_path(cdir, path);
			free(cdir);
			free(pdir);
		}
		if (ti >= 0)
			resolve_doc_target(ps, di, ti, anchor, li, url);
		else if (is_md) {
			if (!target) {
				li->kind = LINK_BROKEN;
				diag_report(ps->ds, R_LINK_BROKEN, d->path,
				    li->line, li->col, "link to %s leaves the "
				    "content folder", url);
			} else {
				char *what = xasprintf("no document %s/%s",
				    c->project->content, target);
				linkforms_report_missing(&ps->forms, d, li, url,
				    target, what);
				free(what);
			}
		} else if (is_html && target) {
			/* a real .html file beside the documents is an asset */
			char *pdir = dir_of(d->path);
			char *rel = linkforms_norm_path(pdir, path);
			enum fsio_inside r = rel ? fsio_resolve_inside(
			    c->project->dir, rel, FSIO_WANT_FILE, NULL) :
			    FSIO_OUTSIDE;
			if (r == FSIO_INSIDE)
				resolve_file_link(ps, d, li, url, path);
			else {
				char *key = linkforms_site_key(target);
				char *md = xasprintf("%s.md", *key ? key : "index");
				linkforms_report_missing(&ps->forms, d, li, url,
				    md, "no document is published under that "
				    "name");
				free(md);
				free(key);
			}
			free(rel);
			free(pdir);
		} else {
			/* a folder or a name without an extension: a file if
			 * there is one, else say which document was meant */
			char *key = target ? linkforms_site_key(target) : NULL;
			char *md = key && *key ? xasprintf("%s.md", key) : NULL;
			resolve_file_link_near(ps, d, li, url, path,
			    linkforms_near_path(&ps->forms, md));
			free(md);
			free(key);
		}
	} else
		resolve_file_link(ps, d, li, url, path);
	free(target);
	free(anchor);
	free(path);
}

/* An image, judged here only (one rule, one report): a file of the
 * project (inside it, symlinks followed, and a regular file), an http(s)
 * or data:image/... URL, or refused. */
static void
resolve_image(pass *ps, document *d, link_info *li, const char *url)
{
	const char *file = d->path;
	char *scheme = url_scheme(url);
	if (scheme || !strncmp(url, "//", 2)) {
		int web = !scheme || !strcmp(scheme, "http") ||
		    !strcmp(scheme, "https") || !strcmp(scheme, "data");
		if (!url_check(url, URL_IMAGE, "image", file, li->line,
		    li->col, ps->ds))
			li->kind = LINK_UNSAFE;
		else if (!web) {
			li->kind = LINK_UNSAFE;
			diag_report(ps->ds, R_LINK_UNSAFE, file, li->line,
			    li->col, "image %s: an image is a file of the "
			    "project, an http(s) URL or a data: image", url);
		} else
			li->kind = LINK_EXTERNAL;
		free(scheme);
		return;
	}
	char *path = pct_decode(url, strcspn(url, "?#"));
	char *pdir = dir_of(d->path);
	char *rel = *path ? extends_norm_link(ps->c->project, pdir, path) :
	    NULL, *shown = NULL;
	enum fsio_inside r = !*path ? FSIO_MISSING : !rel ? FSIO_OUTSIDE :
	    extends_resolve(ps->c->project, rel, FSIO_WANT_FILE, NULL,
	    &shown);   /* the project's, else a core's (extends.c) */
	if (r == FSIO_INSIDE) {
		li->kind = LINK_ASSET;
		set_str(&li->file, shown);
	} else {
		li->kind = LINK_BROKEN;
		if (!*url)
			diag_report(ps->ds, R_LINK_BROKEN, file, li->line,
			    li->col, "image with an empty path");
		else
			diag_report(ps->ds, R_LINK_BROKEN, file, li->line,
			    li->col, "image %s %s", url, fsio_inside_reason(r));
	}
	free(shown);
	free(rel);
	free(pdir);
	free(path);
}

/* Source columns of autolinks: cmark-gfm gives a "<scheme:...>" autolink
 * a column counted from the start of its paragraph, not its line.  The
 * line is right, so a column past the end of the line is found again in
 * that line's text.  Searches on one line go on after the previous hit,
 * so many autolinks on a long line cost one pass over it; the line index
 * is made only when a document needs it. */
typedef struct {
	size_t *off; size_t n;    /* start of each line */
	int last_line;
	size_t last_at;
} srcpos;

static void
fix_column(const document *d, srcpos *sp, link_info *li, const char *url)
{
	if (!d->source || li->line < 1 || !*url)
		return;
	if (!sp->off) {
		size_t cap = 64;
		sp->off = xmalloc(cap * sizeof *sp->off);
		sp->off[sp->n++] = 0;
		for (size_t i = 0; i < d->source_len; i++)
			if (d->source[i] == '\n') {
				if (sp->n == cap)
					sp->off = xrealloc(sp->off,
					    (cap *= 2) * sizeof *sp->off);
				sp->off[sp->n++] = i + 1;
			}
	}
	if ((size_t)li->line > sp->n)
		return;
	size_t a = sp->off[li->line - 1];
	size_t b = (size_t)li->line < sp->n ? sp->off[li->line] :
	    d->source_len;
	if (li->col >= 1 && (size_t)li->col <= b - a)
		return;
	size_t from = sp->last_line == li->line && sp->last_at > a ?
	    sp->last_at : a;
	const char *hit = from < b ? memmem(d->source + from, b - from, url,
	    strlen(url)) : NULL;
	if (!hit)
		return;
	size_t at = (size_t)(hit - d->source);
	li->col = (int)(at - a);     /* the '<' before the URL, 1-based */
	sp->last_line = li->line;
	sp->last_at = at + strlen(url);
}

static void
resolve_link(pass *ps, size_t di, cmark_node *n, int image, srcpos *sp)
{
	document *d = ps->c->docs[di];
	link_info *li = document_link_info(n);
	if (li->kind != LINK_UNRESOLVED)
		return;      /* made by the wiki step, already resolved */
	const char *url = cmark_node_get_url(n);
	if (!url)
		url = "";
	set_str(&li->href, url);
	if (image) {
		resolve_image(ps, d, li, url);
		return;
	}
	if (!*url || !strcmp(url, "#")) {
		resolve_placeholder(ps, d, n, li);
		return;
	}
	if (url[0] == '#') {
		resolve_anchor(ps, d, li, url);
		return;
	}
	size_t sl = linkforms_scheme_len(url);
	if (sl == 8 && !strncmp(url, "glossary", 8)) {
		resolve_glossary(ps, d, li, url);
		return;
	}
	/* the URL policy, after variables (document.c substituted them) and
	 * before anything is taken for a path: "%6Aavascript:" is refused
	 * here, not reported as a missing file */
	if (!url_is_safe(url, URL_LINK))
		fix_column(d, sp, li, url);
	if (!url_check(url, URL_LINK, "link", d->path, li->line, li->col,
	    ps->ds)) {
		li->kind = LINK_UNSAFE;
		return;
	}
	if (sl || !strncmp(url, "//", 2)) {
		li->kind = LINK_EXTERNAL;
		return;
	}
	resolve_relative(ps, di, n, li, url);
}

/* ---- [[wiki]] links ------------------------------------------------------ */

/* Builds a link node for "[[inner]]" written at line/col. */
static cmark_node *
make_wiki_link(pass *ps, size_t di, const char *inner, size_t n, int line,
    int col)
{
	corpus *c = ps->c;
	document *d = c->docs[di];
	const char *bar = memchr(inner, '|', n);
	char *name = trim_dup(inner, bar ? (size_t)(bar - inner) : n);
	char *text = bar ? trim_dup(bar + 1, n - (size_t)(bar - inner) - 1) :
	    NULL;
	char *anchor = NULL;
	char *h = strchr(name, '#');
	if (h) {
		anchor = xstrdup(h + 1);
		*h = '\0';
	}
	cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
	link_info *li = document_link_info(link);
	li->line = line;
	li->col = col;
	li->wiki = 1;
	li->href = xasprintf("[[%.*s]]", (int)n, inner);

	char *cands = NULL;
	long ti = *name ? corpus_resolve_name(c, name, &cands) :
	    (long)di;
	if (*name)
		deps_name(ps, name, ti, cands);
	if (ti >= 0) {
		resolve_doc_target(ps, di, ti, anchor, li, li->href);
		cmark_node_set_url(link, c->docs[ti]->id);
	} else {
		li->kind = LINK_BROKEN;
		cmark_node_set_url(link, name);
		if (ti == -2)
			diag_report(ps->ds, R_LINK_BROKEN, d->path, line, col,
			    "%s matches several documents: %s", li->href,
			    cands ? cands : "");
		else if (corpus_left_out(c, name))
			diag_report(ps->ds, R_LINK_DRAFT, d->path, line, col,
			    "%s names a draft left out of this run (--drafts "
			    "publishes it); shown as text", li->href);
		else
			diag_report(ps->ds, R_LINK_BROKEN, d->path, line, col,
			    "%s names no document (no id, unique last "
			    "segment or title)", li->href);
	}
	const char *shown = text && *text ? text :
	    ti >= 0 ? c->docs[ti]->title : name;
	if (!shown || !*shown)
		shown = ti >= 0 ? c->docs[ti]->id : name;
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(t, shown);
	cmark_node_append_child(link, t);
	free(cands);
	free(anchor);
	free(name);
	free(text);
	return link;
}

/* Replaces the [[...]] of one text node by link nodes. */
static void
split_wiki(pass *ps, size_t di, cmark_node *tn)
{
	const char *lit = cmark_node_get_literal(tn);
	char *s = xstrdup(lit ? lit : "");
	int line = cmark_node_get_start_line(tn);
	int col = cmark_node_get_start_column(tn);
	size_t pos = 0, kept_end = SIZE_MAX;
	char *cl = NULL;
	cmark_node *after = tn;    /* insert new nodes after this one */
	for (;;) {
		char *o = strstr(s + pos, "[[");
		if (!o)
			break;
		while (o[2] == '[')
			o++;   /* "[[[x]]" links x */
		/* the first "]]" after an earlier opening is also the first
		 * after this one when it lies beyond it: "[[a [[b [[c" stays
		 * linear */
		if (!cl || cl < o + 2)
			cl = strstr(o + 2, "]]");
		if (!cl)
			break;
		char *again = strstr(o + 2, "[[");
		if (again && again < cl) {
			pos = (size_t)(again - s);
			continue;
		}
		size_t inner_n = (size_t)(cl - (o + 2));
		size_t sp = 0;
		while (sp < inner_n && isspace((unsigned char)o[2 + sp]))
			sp++;
		if (sp == inner_n || memchr(o + 2, '\n', inner_n) ||
		    o[2 + sp] == '|') {
			pos = (size_t)(cl + 2 - s);
			continue;
		}
		size_t ostart = (size_t)(o - s);
		if (kept_end == SIZE_MAX)
			kept_end = ostart;     /* tn keeps s[0..ostart) */
		else {
			cmark_node *mid = cmark_node_new(CMARK_NODE_TEXT);
			char *piece = xstrndup(s + pos, ostart - pos);
			cmark_node_set_literal(mid, piece);
			free(piece);
			cmark_node_insert_after(after, mid);
			after = mid;
		}
		cmark_node *link = make_wiki_link(ps, di, o + 2, inner_n, line,
		    col + (int)ostart);
		cmark_node_insert_after(after, link);
		after = link;
		pos = (size_t)(cl + 2 - s);
	}
	if (kept_end != SIZE_MAX) {
		if (s[pos]) {
			cmark_node *rest = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(rest, s + pos);
			cmark_node_insert_after(after, rest);
		}
		if (kept_end == 0)
			cmark_node_free(tn);
		else {
			s[kept_end] = '\0';
			cmark_node_set_literal(tn, s);
		}
	}
	free(s);
}

/* ---- one document ---------------------------------------------------------- */

static void
resolve_document(pass *ps, size_t di)
{
	document *d = ps->c->docs[di];
	if (!d->root)
		return;   /* nothing to link; resolve_job still calls the hook */
	/* One walk finds both what step 1 rewrites — the text nodes
	 * outside links and images that hold "[[" — and what step 2
	 * resolves: every link and image the author wrote.  The links step
	 * 1 makes are resolved as they are made, so step 2 needs no second
	 * walk to find them. */
	size_t nw = 0, wcap = 8, n = 0, cap = 16;
	cmark_node **wiki = xmalloc(wcap * sizeof *wiki);
	cmark_node **nodes = xmalloc(cap * sizeof *nodes);
	int inlink = 0;
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type e;
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(nd);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			inlink += e == CMARK_EVENT_ENTER ? 1 : -1;
			if (e != CMARK_EVENT_ENTER)
				continue;
			if (n == cap)
				nodes = xrealloc(nodes, (cap *= 2) * sizeof *nodes);
			nodes[n++] = nd;
			continue;
		}
		if (e != CMARK_EVENT_ENTER || inlink || t != CMARK_NODE_TEXT)
			continue;
		const char *lit = cmark_node_get_literal(nd);
		if (!lit || !strstr(lit, "[["))
			continue;
		if (nw == wcap)
			wiki = xrealloc(wiki, (wcap *= 2) * sizeof *wiki);
		wiki[nw++] = nd;
	}
	cmark_iter_free(it);
	/* 1. [[wiki]] links: text nodes outside links, images and code */
	for (size_t i = 0; i < nw; i++)
		split_wiki(ps, di, wiki[i]);
	free(wiki);

	/* 2. every link and image */
	srcpos sp = { NULL, 0, 0, 0 };
	size_t na = 0, acap = 0;
	doc_asset *assets = NULL;
	for (size_t i = 0; i < n; i++) {
		resolve_link(ps, di, nodes[i],
		    cmark_node_get_type(nodes[i]) == CMARK_NODE_IMAGE, &sp);
		link_info *li = cmark_node_get_user_data(nodes[i]);
		if (ps->replay || !li || li->kind != LINK_ASSET || !li->file)
			continue;
		/* kept for assets.c and the build cache, as data */
		if (na == acap)
			assets = xrealloc(assets, (acap = acap ? 2 * acap : 4) *
			    sizeof *assets);
		assets[na].file = xstrdup(li->file);
		assets[na].line = li->line;
		assets[na].col = li->col;
		assets[na].is_link =
		    cmark_node_get_type(nodes[i]) == CMARK_NODE_LINK;
		na++;
	}
	free(sp.off);
	free(nodes);
	if (!ps->replay) {
		for (size_t i = 0; i < d->nassets; i++)
			free(d->assets[i].file);
		free(d->assets);
		d->assets = assets;
		d->nassets = na;
	}

	/* 3. glossary terms in body text */
	autolink_document(ps->c, di);
}

/* Links document i as the standby does (prelink.h): its findings in a
 * set of its own, kept with its edges on the document. */
static void
resolve_ahead(pass *ps, size_t i)
{
	document *d = ps->c->docs[i];
	pass own = *ps;
	doc_prelink *r = xcalloc(1, sizeof *r);
	edge_vec *e = &ps->edges[i];

	r->ds = diag_new_like(ps->ds);
	own.ds = r->ds;
	own.forms.ds = r->ds;
	own.deps = ps->c->link_record ? xcalloc(1, sizeof *own.deps) : NULL;
	resolve_document(&own, i);
	if (own.deps) {
		link_deps_free(d->link_deps);
		d->link_deps = own.deps;
	}
	r->edges = xcalloc(e->n ? e->n : 1, sizeof *r->edges);
	for (size_t k = 0; k < e->n; k++) {
		r->edges[k].to = e->v[k].to;
		r->edges[k].line = e->v[k].line;
	}
	r->nedges = e->n;
	prelink_free(d->prelink);
	d->prelink = r;
}

static void
resolve_job(void *ctx, size_t i, int worker)
{
	pass *ps = ctx;
	document *d = ps->c->docs[i];
	/* a bounded build made the tree only to read the index: made
	 * again here, and dropped once linked; one linked ahead, or
	 * whose links the build cache kept (incrlinks.c), needs none */
	int ahead = d->prelink && !ps->c->link_ahead;
	int made = ahead ? 0 : corpus_tree_need(ps->c, i);
	if (ahead) {
		/* linked ahead against this same world (prelink.h): its
		 * edges now, its findings after the join */
		for (size_t k = 0; k < d->prelink->nedges; k++)
			edge_push(&ps->edges[i], d->prelink->edges[k].to,
			    d->prelink->edges[k].line);
	} else if (ps->c->link_ahead || ps->c->link_record)
		resolve_ahead(ps, i);
	else
		resolve_document(ps, i);
	/* every document, with a tree or not (its cites: still count) */
	if (ps->after)
		ps->after(ps->after_ctx, i);
	corpus_tree_done(ps->c, i, made);
}

/* ---- corpus-wide: related:, superseded-by:, term-unused ------------------- */

static int
looks_like_url(const char *s)
{
	return linkforms_scheme_len(s) > 0 || !strncmp(s, "www.", 4);
}

static void
add_url(corpus *c, size_t di, const char *href, const char *title, int line)
{
	if (c->nurls == c->urls_cap) {
		c->urls_cap = c->urls_cap ? c->urls_cap * 2 : 16;
		c->urls = xrealloc(c->urls, c->urls_cap * sizeof *c->urls);
	}
	related_url *u = &c->urls[c->nurls++];
	u->doc = di;
	u->href = xstrdup(href);
	u->title = title ? xstrdup(title) : NULL;
	u->line = line;
}

/* Resolves a name from related: or superseded-by:; -1 after reporting. */
static long
resolve_meta_name(corpus *c, size_t di, const char *key, const char *name,
    int line, int col, diag_set *ds)
{
	char *cands = NULL;
	long ti = corpus_resolve_name(c, name, &cands);
	if (ti == -2)
		diag_report(ds, R_RELATED_UNKNOWN, c->docs[di]->path, line,
		    col, "%s: \"%s\" matches several documents: %s", key,
		    name, cands ? cands : "");
	else if (ti < 0 && corpus_left_out(c, name))
		diag_report(ds, R_LINK_DRAFT, c->docs[di]->path, line, col,
		    "%s: \"%s\" is a draft left out of this run (--drafts "
		    "publishes it)", key, name);
	else if (ti < 0)
		diag_report(ds, R_RELATED_UNKNOWN, c->docs[di]->path, line,
		    col, "%s: \"%s\" names no document", key, name);
	free(cands);
	return ti;
}

static void
related_edges(corpus *c, size_t di, diag_set *ds)
{
	document *d = c->docs[di];
	for (size_t i = 0; i < d->nrelated; i++) {
		const meta_related *it = &d->related[i];
		const char *name = it->name, *href = it->url;
		if (!name || looks_like_url(name)) {
			const char *u = href ? href : name;
			if (url_check(u, URL_LINK, "related: URL", d->path,
			    it->line, it->col, ds))
				add_url(c, di, u, it->title, it->line);
			continue;
		}
		long ti = resolve_meta_name(c, di, "related", name, it->line,
		    it->col, ds);
		if (ti < 0 || (size_t)ti == di)
			continue;
		corpus_add_edge(c, di, (size_t)ti, EDGE_RELATED, it->note,
		    it->line);
		if (status_is_stale(c->docs[ti]) && !status_is_stale(d))
			diag_report(ds, R_SUPERSEDED_LINK, d->path, it->line,
			    it->col, "related: %s is %s", c->docs[ti]->id,
			    c->docs[ti]->status);
	}
}

static void
superseded_edge(corpus *c, size_t di, diag_set *ds)
{
	document *d = c->docs[di];
	const char *name = d->superseded_by;
	if (!name)
		return;
	if (looks_like_url(name)) {
		/* replaced by something outside this set: a URL, judged
		 * like every other (xmlout writes a refused one as text) */
		url_check(name, URL_LINK, "superseded-by: URL", d->path,
		    d->superseded_by_line, d->superseded_by_col, ds);
		return;
	}
	long ti = resolve_meta_name(c, di, "superseded-by", name,
	    d->superseded_by_line, d->superseded_by_col, ds);
	if (ti >= 0 && (size_t)ti != di)
		corpus_add_edge(c, di, (size_t)ti, EDGE_SUPERSEDED_BY, NULL,
		    d->superseded_by_line);
}

static void
terms_unused(corpus *c, diag_set *ds)
{
	const glossary *g = c->glossary;
	size_t ng = glossary_count(g);
	if (!ng)
		return;
	unsigned char *used = xcalloc(ng, 1);
	for (size_t i = 0; i < c->ndocs; i++)
		for (size_t k = 0; k < c->docs[i]->nterms; k++) {
			long e = glossary_find_slug(g,
			    c->docs[i]->terms[k].term_slug);
			if (e >= 0)
				used[e] = 1;
		}
	const char *file = c->project && c->project->glossary_path ?
	    c->project->glossary_path : "glossary.yaml";
	for (size_t i = 0; i < ng; i++) {
		const glossary_entry *ge = glossary_at(g, i);
		if (!used[i])
			diag_report(ds, R_TERM_UNUSED, file, ge->line, 0,
			    "\"%s\" is used by no document", ge->term);
		/* see: naming no term */
		for (size_t k = 0; k < ge->nsee; k++)
			if (glossary_lookup(g, ge->see[k]) < 0)
				diag_report(ds, R_TERM_UNKNOWN, file, ge->line,
				    0, "\"%s\" refers to \"%s\" (see:), which "
				    "is not in the glossary", ge->term,
				    ge->see[k]);
	}
	free(used);
}

/* What every run of the pass shares: the corpus, where reports go, and
 * the other tools' link forms with the aliases judged (reported to ds). */
static void
pass_open(pass *ps, corpus *c, diag_set *ds)
{
	memset(ps, 0, sizeof *ps);
	ps->c = c;
	ps->ds = ds;
	ps->forms.c = c;
	ps->forms.ds = ds;
	ps->forms.relpaths = xcalloc(c->ndocs ? c->ndocs : 1,
	    sizeof *ps->forms.relpaths);
	for (size_t i = 0; i < c->ndocs; i++)
		ps->forms.relpaths[i] = c->docs[i]->relpath;
	linkforms_judge_aliases(&ps->forms);
}

static void
pass_close(pass *ps)
{
	strtab_free(ps->forms.aliases);
	free(ps->forms.relpaths);
}

void
links_resolve(corpus *c, int jobs, diag_set *ds, links_after_fn after,
    void *after_ctx)
{
	pass ps;
	pass_open(&ps, c, ds);
	ps.after = after;
	ps.after_ctx = after_ctx;
	ps.edges = xcalloc(c->ndocs ? c->ndocs : 1, sizeof *ps.edges);
	jobs_run(c->ndocs, jobs < 1 ? 1 : jobs, resolve_job, &ps);
	pass_close(&ps);
	/* the findings of the documents linked ahead, as if made now */
	for (size_t i = 0; i < c->ndocs && !c->link_ahead; i++)
		if (c->docs[i]->prelink) {
			document *d = c->docs[i];
			diag_merge(ds, d->prelink->ds);
			if (c->link_record) {   /* for the cache's record */
				diag_free(d->link_found);
				d->link_found = d->prelink->ds;
				d->prelink->ds = NULL;
			}
			prelink_free(d->prelink);
			d->prelink = NULL;
		}

	/* the graph, in document order so output is stable; one link edge
	 * per pair, with the first line (seen[to] marks pairs from i) */
	size_t *seen = xcalloc(c->ndocs ? c->ndocs : 1, sizeof *seen);
	for (size_t i = 0; i < c->ndocs; i++) {
		related_edges(c, i, ds);
		for (size_t k = 0; k < ps.edges[i].n; k++) {
			size_t to = ps.edges[i].v[k].to;
			if (seen[to] == i + 1)
				continue;
			seen[to] = i + 1;
			corpus_add_edge(c, i, to, EDGE_LINK, NULL,
			    ps.edges[i].v[k].line);
		}
		superseded_edge(c, i, ds);
		free(ps.edges[i].v);
	}
	free(seen);
	free(ps.edges);
	terms_unused(c, ds);
}

/* ---- the same pass again, over one document's new tree ------------------- */

struct links_replayer {
	pass ps;
	diag_set *quiet;
};

links_replayer *
links_replayer_new(corpus *c, diag_set *like)
{
	links_replayer *r = xcalloc(1, sizeof *r);

	r->quiet = diag_new_quiet(like);
	pass_open(&r->ps, c, r->quiet);
	r->ps.replay = 1;
	return r;
}

void
links_replay(links_replayer *r, size_t di)
{
	document *d = r->ps.c->docs[di];

	/* the term uses were recorded the first time: the same again */
	d->terms_frozen = 1;
	resolve_document(&r->ps, di);
	d->terms_frozen = 0;
}

void
links_replayer_free(links_replayer *r)
{
	if (!r)
		return;
	pass_close(&r->ps);
	diag_free(r->quiet);
	free(r);
}
