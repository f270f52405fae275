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
#include "document.h"
#include "fsio.h"
#include "htmlsearch.h"
#include "htmlxsl.h"
#include "incremental.h"
#include "jobs.h"
#include "reviewcal.h"
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
	diag_set *judged;           /* stylesheet loading problems: reported
	                               by html_check_templates already */
} site_job;

static int
write_out(const backend_input *in, const char *path, const char *data)
{
	if (fsio_write(path, data, strlen(data)) != 0) {
		diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, "", 0, 0,
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
	char *out, *rel;

	(void)worker;
	if (!document_id_safe(id)) {
		diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, path, 0, 0,
		    "document id \"%s\" would leave the output folder", id);
		free(id);
		free(path);
		return;
	}
	rel = xasprintf("html/%s.html", id);
	/* the build cache: an unchanged page is carried over */
	out = incr_reuse(in->incr, INCR_HTML, i, in->out_dir, rel) ? NULL :
	    htmlxsl_apply(j->xsl, j->page, in->docs[i], j->params, in->ds,
	    path, DOCTYPE, 1);
	if (out) {
		/* written beneath the staging folder without following links:
		 * the id was judged, and is checked again where it is opened */
		if (fsio_write_beneath(in->out_dir, rel, out, strlen(out)) != 0) {
			diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, path, 0,
			    0, "cannot write %s: %s", rel, strerror(errno));
			__atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
		} else
			incr_wrote(in->incr, INCR_HTML, i, out, strlen(out));
		free(out);
	}
	free(rel);
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
		diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, "", 0, 0,
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
			res = colour_or(v, fallback);
			free(v);
		}
		free(nm);
	}
	return res ? res : xstrdup(fallback);
}

/* The logo's path in the site, or NULL: brand.c judged the logo and
 * corpus.xml's logo/@asset names its published copy (publish copies the
 * assets with the images). */
static char *
logo_href_of(xmlNodePtr org)
{
	return xmlread_attr(xmlread_child(org, "logo"), "asset");
}

static const char *const corpus_pages[][2] = {
	{ "index.xsl", "index.html" },          /* contents by section */
	{ "glossary.xsl", "glossary.html" },    /* A-Z of terms */
	{ "whats-new.xsl", "whats-new.html" },  /* amendments, newest first */
	{ "review.xsl", "review.html" },        /* review dashboard */
	{ "contacts.xsl", "contacts.html" },    /* contacts and who uses them */
	{ "sources.xsl", "sources.html" },      /* guidance cited, by edition */
	{ "search.xsl", "search.html" },        /* the search page */
	{ "404.xsl", "404.html" },              /* not found */
	{ "feed.xsl", "feed.xml" },             /* Atom 1.0 of amendments */
	{ "sitemap.xsl", "sitemap.xml" },       /* sitemaps.org */
};

/*
 * Judges the project's template overrides before any back end runs, so
 * `check` reports what `build` would: every stylesheet the site uses is
 * loaded and compiled through the one sandboxed loader (files outside the
 * template folders, external entities and stylesheets that do not compile
 * are reported here).  What a stylesheet does only when it runs (a
 * document() call refused, a budget spent) is known only to the build.
 */
void
html_check_templates(const char *project_dir, const char *data_dir,
    diag_set *ds)
{
	htmlxsl *e = htmlxsl_new(project_dir, data_dir);
	xsltStylesheetPtr st;
	size_t k;

	if ((st = htmlxsl_load(e, "document.xsl", ds)) != NULL)
		xsltFreeStylesheet(st);
	for (k = 0; k < sizeof corpus_pages / sizeof corpus_pages[0]; k++)
		if ((st = htmlxsl_load(e, corpus_pages[k][0], ds)) != NULL)
			xsltFreeStylesheet(st);
	htmlxsl_free(e);
}

/* The pages made from corpus.xml; nonzero on a failed write. */
static int
corpus_site(site_job *j)
{
	const backend_input *in = j->in;
	size_t k;
	int rc = 0;

	for (k = 0; k < sizeof corpus_pages / sizeof corpus_pages[0]; k++) {
		xsltStylesheetPtr st;
		const char *pre = str_has_suffix(corpus_pages[k][1], ".html") ?
		    DOCTYPE : NULL;
		char *s, *file, *rel = xasprintf("html/%s", corpus_pages[k][1]);

		/* unchanged since OUT was made: carried over (incremental.h) */
		if (incr_reuse_corpus(in->incr, in->out_dir, rel) ||
		    !(st = htmlxsl_load(j->xsl, corpus_pages[k][0], j->judged))) {
			free(rel);
			continue;
		}
		s = htmlxsl_apply(j->xsl, st, in->corpus, j->params, in->ds,
		    "corpus.xml", pre, pre != NULL);
		if (s) {
			file = path_join(j->html_dir, corpus_pages[k][1]);
			if (write_out(in, file, s) != 0)
				rc = 1;
			else
				incr_wrote_corpus(in->incr, rel, s, strlen(s));
			free(file);
			free(s);
		}
		free(rel);
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
		diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, "", 0, 0,
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
	logo_href = logo_href_of(org);
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
	j.judged = diag_new();
	j.page = htmlxsl_load(j.xsl, "document.xsl", j.judged);
	j.entries = xcalloc(in->ndocs + 1, sizeof *j.entries);
	if (j.page != NULL && in->ndocs > 0) {
		jobs_run(in->ndocs, in->jobs > 0 ? in->jobs : 1, page_job, &j);
		if (j.failed)
			rc = 1;
	}
	if (corpus_site(&j) != 0 || reviewcal_write(in) != 0)
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
	diag_free(j.judged);
	free(primary);
	free(accent);
	free(logo_href);
	free(j.html_dir);
	return rc;
}
