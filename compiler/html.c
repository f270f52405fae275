/*
 * html.c — the HTML back end's site writer: after the model is made and
 * judged, it writes OUT/html/ from the in-memory XML trees that xmlout.c
 * built (never from Markdown, never re-parsing serialised XML): a page per
 * document (in parallel through jobs_run), the contents, glossary, what's
 * new, review dashboard, search and 404 pages, feed.xml and sitemap.xml
 * (each made by an XSLT stylesheet run by htmlxsl.c), the search index
 * (htmlsearch.c), brand.css with the judged brand colours, the CSS, the
 * search script and the logo.  It judges nothing: every colour, URL and
 * path it writes comes from the trees; it may only fail to write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxslt/transform.h>

#include "backend.h"
#include "diag.h"
#include "fsio.h"
#include "htmlsearch.h"
#include "htmlxsl.h"
#include "jobs.h"
#include "util.h"
#include "xmlread.h"

#define DOCTYPE "<!DOCTYPE html>\n"

/* ------------------------------------------------------------------ */
/* The fragment: one body through the same templates.                   */

char *
html_render_fragment(xmlDocPtr doc, const char *data_dir, diag_set *ds)
{
	htmlxsl *e = htmlxsl_new(NULL, data_dir);
	xsltStylesheetPtr st = htmlxsl_load(e, "fragment.xsl", ds);
	char *s = NULL;

	if (st != NULL) {
		s = htmlxsl_apply(e, st, doc, NULL, ds, "", NULL, 1);
		xsltFreeStylesheet(st);
	}
	htmlxsl_free(e);
	return s;
}

/* ------------------------------------------------------------------ */
/* The site                                                             */

typedef struct {
	const backend_input *in;
	htmlxsl *xsl;
	xsltStylesheetPtr page;
	const char **params;
	char *html_dir;
	char **entries;             /* search entry per document */
	int failed;
} site_job;

/* A document id as a path below OUT/html: no empty, absolute or ".."
 * segment.  The model checks ids (id-invalid); this is the check where
 * the file is opened.  MERGE: main's publish_path("html", id, ".html")
 * and publish_write() (publish.h) replace id_safe and fsio_write here. */
static int
id_safe(const char *id)
{
	const char *p = id;

	if (*id == '\0' || *id == '/')
		return 0;
	while (*p) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0') &&
		    (p == id || p[-1] == '/'))
			return 0;
		p++;
	}
	return 1;
}

static int
write_out(const backend_input *in, const char *path, const char *data)
{
	if (fsio_write(path, data, strlen(data)) != 0) {
		diag_report_sev(in->ds, SEV_ERROR, "html-write", "", 0, 0,
		    "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* jobs_run body: the page and search entry of document i.  Everything a
 * worker touches is its own (a transform context per call inside
 * htmlxsl_apply, entries[i]); the compiled stylesheet is shared. */
static void
page_job(void *ctx, size_t i, int worker)
{
	site_job *j = ctx;
	const backend_input *in = j->in;
	xmlNodePtr root = xmlDocGetRootElement(in->docs[i]);
	char *id = xmlread_attr_or(root, "id", "");
	char *path = xmlread_attr_or(root, "path", "");
	char *out, *rel, *file;

	(void)worker;
	if (!id_safe(id)) {
		diag_report_sev(in->ds, SEV_ERROR, "html-write", path, 0, 0,
		    "document id \"%s\" would leave the output folder", id);
		free(id);
		free(path);
		return;
	}
	out = htmlxsl_apply(j->xsl, j->page, in->docs[i], j->params, in->ds,
	    path, DOCTYPE, 1);
	if (out) {
		rel = xasprintf("%s.html", id);
		file = path_join(j->html_dir, rel);
		if (write_out(in, file, out) != 0)
			__atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
		free(file);
		free(rel);
		free(out);
	}
	j->entries[i] = htmlsearch_entry(in->docs[i]);
	free(id);
	free(path);
}

/* A static file: the project's templates/html/NAME, else the built-in. */
static int
copy_static(const backend_input *in, htmlxsl *x, const char *name,
    const char *html_dir)
{
	char *from = htmlxsl_resolve(x, name), *to = path_join(html_dir, name);
	int rc = fsio_copy(from, to);

	if (rc != 0)
		diag_report_sev(in->ds, SEV_ERROR, "html-write", "", 0, 0,
		    "cannot copy %s to %s", from, to);
	free(from);
	free(to);
	return rc;
}

/* "#rrggbb" only: anything else in the tree (which brand.c should never
 * let through) gives the fallback rather than reaching the CSS. */
static char *
colour_or(const char *v, const char *fallback)
{
	if (v && v[0] == '#' && strlen(v) == 7 &&
	    strspn(v + 1, "0123456789abcdefABCDEF") == 6)
		return xstrdup(v);
	return xstrdup(fallback);
}

/* The judged brand colour called name in corpus.xml's organisation. */
static char *
brand_colour(xmlNodePtr org, const char *name, const char *fallback)
{
	xmlNodePtr c;
	char *res = NULL;

	for (c = xmlread_child(org, "colour"); c && res == NULL;
	    c = xmlread_next(c, "colour")) {
		char *nm = xmlread_attr_or(c, "name", "");
		if (strcmp(nm, name) == 0) {
			char *v = xmlread_attr(c, "value");
			/* MERGE: branch xml writes value=; until then the
			 * element's text holds the configured colour. */
			if (v == NULL)
				v = xmlread_text(c);
			res = colour_or(v, fallback);
			free(v);
		}
		free(nm);
	}
	return res ? res : xstrdup(fallback);
}

/* The logo's path in the site, or NULL.  brand.c judged the logo and
 * corpus.xml's logo/@asset names its published copy (publish copies the
 * assets).  MERGE: until branch xml's logo/@asset reaches this branch,
 * the logo is copied to assets/ here, from a path inside the project. */
static char *
copy_logo(const backend_input *in, xmlNodePtr org, const char *html_dir)
{
	char *logo, *abs = NULL, *href, *to;
	const char *base;

	href = xmlread_attr(xmlread_child(org, "logo"), "asset");
	if (href != NULL)
		return href;
	logo = xmlread_child_text(org, "logo");
	if (logo == NULL || *logo == '\0' || in->project_dir == NULL) {
		free(logo);
		return NULL;
	}
	base = strrchr(logo, '/');
	base = base ? base + 1 : logo;
	if (*base && fsio_resolve_inside(in->project_dir, logo, FSIO_WANT_FILE,
	    &abs) == FSIO_INSIDE) {
		href = xasprintf("assets/%s", base);
		to = path_join(html_dir, href);
		if (fsio_copy(abs, to) != 0) {
			diag_report_sev(in->ds, SEV_WARNING, "html-write",
			    "policyc.yaml", 0, 0, "cannot copy the logo %s", logo);
			free(href);
			href = NULL;
		}
		free(to);
	}
	free(abs);
	free(logo);
	return href;
}

static const char *const corpus_pages[][2] = {
	{ "index.xsl", "index.html" },          /* contents by section */
	{ "glossary.xsl", "glossary.html" },    /* A-Z of terms */
	{ "whats-new.xsl", "whats-new.html" },  /* amendments, newest first */
	{ "review.xsl", "review.html" },        /* review dashboard */
	{ "search.xsl", "search.html" },        /* the search page */
	{ "404.xsl", "404.html" },              /* not found */
	{ "feed.xsl", "feed.xml" },             /* Atom 1.0 of amendments */
	{ "sitemap.xsl", "sitemap.xml" },       /* sitemaps.org */
};

/* The pages made from corpus.xml; nonzero on a failed write. */
static int
corpus_site(site_job *j)
{
	const backend_input *in = j->in;
	size_t k;
	int rc = 0;

	for (k = 0; k < sizeof corpus_pages / sizeof corpus_pages[0]; k++) {
		xsltStylesheetPtr st = htmlxsl_load(j->xsl, corpus_pages[k][0],
		    in->ds);
		const char *pre = str_has_suffix(corpus_pages[k][1], ".html") ?
		    DOCTYPE : NULL;
		char *s, *file;

		if (st == NULL)
			continue;
		s = htmlxsl_apply(j->xsl, st, in->corpus, j->params, in->ds,
		    "corpus.xml", pre, pre != NULL);
		if (s) {
			file = path_join(j->html_dir, corpus_pages[k][1]);
			if (write_out(in, file, s) != 0)
				rc = 1;
			free(file);
			free(s);
		}
		xsltFreeStylesheet(st);
	}
	return rc;
}

int
html_render(const backend_input *in)
{
	site_job j;
	xmlNodePtr org;
	char *primary, *accent, *logo_href, *s, *file;
	const char *params[16];
	size_t np = 0;
	int rc = 0;

	memset(&j, 0, sizeof j);
	j.in = in;
	j.html_dir = path_join(in->out_dir, "html");
	if (fsio_mkdirs(j.html_dir) != 0) {
		diag_report_sev(in->ds, SEV_ERROR, "html-write", "", 0, 0,
		    "cannot create %s", j.html_dir);
		free(j.html_dir);
		return 1;
	}
	j.xsl = htmlxsl_new(in->project_dir, in->data_dir);

	/* Brand colours (judged by brand.c) and logo, from corpus.xml. */
	org = xmlread_child(xmlread_child(xmlDocGetRootElement(in->corpus),
	    "project"), "organisation");
	primary = brand_colour(org, "primary", "#1d70b8");
	accent = brand_colour(org, "accent", "#00703c");
	logo_href = copy_logo(in, org, j.html_dir);
	params[np++] = "brand";
	params[np++] = primary;
	params[np++] = "accent";
	params[np++] = accent;
	params[np++] = "logo";
	params[np++] = logo_href ? logo_href : "";
	params[np++] = "today";
	params[np++] = in->today ? in->today : "";
	params[np] = NULL;
	j.params = params;

	/* Document pages, in parallel.  A stylesheet that does not compile
	 * or a page that fails to transform is an html-template error; the
	 * rest of the site is still written (only a failed write is fatal). */
	j.page = htmlxsl_load(j.xsl, "document.xsl", in->ds);
	j.entries = xcalloc(in->ndocs + 1, sizeof *j.entries);
	if (j.page != NULL && in->ndocs > 0) {
		jobs_run(in->ndocs, in->jobs > 0 ? in->jobs : 1, page_job, &j);
		if (j.failed)
			rc = 1;
	}
	if (corpus_site(&j) != 0)
		rc = 1;

	/* The search index, as a script so it loads from file://. */
	s = htmlsearch_script(j.entries, in->ndocs, in->corpus);
	file = path_join(j.html_dir, "search-index.js");
	if (write_out(in, file, s) != 0)
		rc = 1;
	free(file);
	free(s);

	/* The brand colours as a stylesheet: the Content-Security-Policy
	 * allows no inline style. */
	s = xasprintf("/* policyc brand colours: generated, do not edit. */\n"
	    ":root{--brand:%s;--accent:%s}\n", primary, accent);
	file = path_join(j.html_dir, "brand.css");
	if (write_out(in, file, s) != 0)
		rc = 1;
	free(file);
	free(s);

	if (copy_static(in, j.xsl, "style.css", j.html_dir) != 0 ||
	    copy_static(in, j.xsl, "search.js", j.html_dir) != 0)
		rc = 1;

	free(j.entries);
	if (j.page)
		xsltFreeStylesheet(j.page);
	htmlxsl_free(j.xsl);
	free(primary);
	free(accent);
	free(logo_href);
	free(j.html_dir);
	return rc;
}
