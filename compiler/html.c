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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxslt/transform.h>

#include "backend.h"
#include "date.h"
#include "diag.h"
#include "document.h"
#include "fsio.h"
#include "htmlgraph.h"
#include "htmlsearch.h"
#include "htmlxsl.h"
#include "incremental.h"
#include "strtab.h"
#include "jobs.h"
#include "publish.h"
#include "reviewcal.h"
#include "util.h"
#include "xmlout.h"
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
		s = htmlxsl_apply(e, st, doc, NULL, ds, "", NULL, 1, 0);
		xsltFreeStylesheet(st);
	}
	htmlxsl_free(e);
	return s;
}

/* ------------------------------------------------------------------ */
/* The site                                                             */

/* corpus.xml's sections, read once for every page's breadcrumb trail */
typedef struct {
	char *path, *title, *parent;
} site_section;

typedef struct {
	const backend_input *in;
	htmlxsl *xsl;
	xsltStylesheetPtr page;
	const char **params;
	size_t nparams;             /* entries of params before its NULL */
	site_section *sections;
	size_t nsections;
	htmlgraph *graph;           /* titles for the related-policies SVG */
	xmlDocPtr corpus;           /* corpus.xml whole, once a corpus page
	                               is made (backend_corpus) */
	int ahead;                  /* corpus.xml's rest is the pages'
	                               item 0 (backend.h corpus_rest) */
	int beside;                 /* in->beside is the next item */
	char *html_dir;
	spool *entries;             /* search entry per document, spooled */
	int failed;
	diag_set *judged;           /* stylesheet loading problems: reported
	                               by html_check_templates already; NULL
	                               when check judged none (load_stylesheet) */
	atomic_int damaged;         /* one of policyc's own stylesheets
	                               does not compile (damaged) */
	int pdf_dir;                /* OUT/pdf is being made: a PDF may be
	                               there to read the facts of */
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

/* The sections from the top down to the document's own, as
 * <trail><section path title/>...</trail> under the page's root: the
 * breadcrumb and the caption name each folder by its title.  The caller
 * unlinks and frees it after the transform (the tree is this worker's). */
static xmlNodePtr
trail_graft(const site_job *j, xmlNodePtr root)
{
	char *sec = xmlread_attr_or(root, "section", "");
	const site_section *chain[64];
	size_t n = 0, k;
	xmlNodePtr t = xmlNewNode(NULL, BAD_CAST "trail");
	const char *want = sec;

	while (*want && n < 64) {
		const site_section *hit = NULL;
		for (k = 0; k < j->nsections && !hit; k++)
			if (strcmp(j->sections[k].path, want) == 0)
				hit = &j->sections[k];
		if (!hit)
			break;
		chain[n++] = hit;
		want = hit->parent ? hit->parent : "";
	}
	while (n > 0) {
		xmlNodePtr x = xmlNewChild(t, NULL, BAD_CAST "section", NULL);
		n--;
		xmlSetProp(x, BAD_CAST "path", BAD_CAST chain[n]->path);
		xmlSetProp(x, BAD_CAST "title", BAD_CAST chain[n]->title);
	}
	free(sec);
	xmlAddChild(root, t);
	return t;
}

/* Pages and size of document i's PDF (i: -1 for a pack's), for
 * "Download (PDF, 14 pages, 210 KB)": what the build cache knows of the
 * PDF it made or carried over, else read from the file pdf_render
 * wrote (pdf_file_facts).  0 when there is none. */
static int
pdf_facts(const site_job *j, long i, const char *id, long *pages, long *kb)
{
	const backend_input *in = j->in;
	char *rel, *file;
	int ok;

	if (i >= 0 && incr_pdf_facts(in->incr, (size_t)i, pages, kb))
		return 1;
	if (!j->pdf_dir)
		return 0;   /* a site without PDFs: no file to try for each */
	rel = xasprintf("pdf/%s.pdf", id);
	file = path_join(in->out_dir, rel);
	ok = pdf_file_facts(file, pages, kb);
	free(file);
	free(rel);
	return ok;
}

/* The page of one document: its trail grafted on for the transform, and
 * its PDF's facts as parameters when the PDFs were made first. */
static char *
page_apply(site_job *j, size_t i, xmlDocPtr doc, xmlNodePtr root,
    const char *id, const char *path)
{
	const char *params[32];
	char *npages = NULL, *nkb = NULL;
	xmlNodePtr trail = trail_graft(j, root);
	xmlNodePtr graph = htmlgraph_document(j->graph, root);
	long pages, kb;
	size_t k = 0;
	char *out;

	for (; k < j->nparams && k < 24; k++)
		params[k] = j->params[k];
	if (pdf_facts(j, (long)i, id, &pages, &kb)) {
		npages = xasprintf("%ld", pages);
		nkb = xasprintf("%ld", kb);
		params[k++] = "pdf-pages";
		params[k++] = npages;
		params[k++] = "pdf-kb";
		params[k++] = nkb;
	}
	params[k] = NULL;
	if (graph)
		xmlAddChild(root, graph);
	out = htmlxsl_apply(j->xsl, j->page, doc, params, j->in->ds, path,
	    DOCTYPE, 1, 0);
	xmlUnlinkNode(trail);
	xmlFreeNode(trail);
	if (graph) {
		xmlUnlinkNode(graph);
		xmlFreeNode(graph);
	}
	free(npages);
	free(nkb);
	return out;
}

/* jobs_run body: the page and search entry of document i.  Everything a
 * worker touches is its own (a transform context per call inside
 * htmlxsl_apply, its spooled entry); the compiled stylesheet is shared. */
static void
page_job(void *ctx, size_t i, int worker)
{
	site_job *j = ctx;
	const backend_input *in = j->in;
	xmlDocPtr doc;
	xmlNodePtr root;
	char *id, *path, *out, *rel;

	(void)worker;
	/* unchanged since OUT was made: page, XML file and search entry
	 * carried over without the tree (publish.c, incrsearch.c); the
	 * entry is read back from OUT's index if its part is written */
	if (in->carry && in->carry(in->tree_ctx, i))
		return;
	doc = backend_tree(in, i);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root)
		return;
	id = xmlread_attr_or(root, "id", "");
	path = xmlread_attr_or(root, "path", "");
	if (!document_id_safe(id)) {
		diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, path, 0, 0,
		    "document id \"%s\" would leave the output folder", id);
		goto done;
	}
	if (strcmp(id, "index") == 0) {
		/* the root index.md: its body is the home page's text
		 * (home_graft), not a page of its own */
		spool_put(j->entries, i, htmlsearch_entry(doc));
		goto done;
	}
	rel = xasprintf("html/%s.html", id);
	/* the build cache: an unchanged page is carried over */
	out = incr_reuse(in->incr, INCR_HTML, i, in->out_dir, rel) ? NULL :
	    page_apply(j, i, doc, root, id, path);
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
	spool_put(j->entries, i, htmlsearch_entry(doc));
done:
	free(id);
	free(path);
	backend_release(in, i);
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
	{ "packs.xsl", "packs.html" },          /* the packs and PDFs */
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

/* <pdf id pages kb/> for the PDF of a doc or pack element, if written. */
static void
pdf_graft(const site_job *j, const strtab *ids, xmlNodePtr pdfs,
    xmlNodePtr el)
{
	char *id = xmlread_attr_or(el, "id", "");
	long pages, kb, i = xmlread_is(el, "doc") ? strtab_get(ids, id) : -1;

	if (document_id_safe(id) && pdf_facts(j, i, id, &pages, &kb)) {
		xmlNodePtr p = xmlNewChild(pdfs, NULL, BAD_CAST "pdf", NULL);
		char *n = xasprintf("%ld", pages), *k = xasprintf("%ld", kb);
		xmlSetProp(p, BAD_CAST "id", BAD_CAST id);
		xmlSetProp(p, BAD_CAST "pages", BAD_CAST n);
		xmlSetProp(p, BAD_CAST "kb", BAD_CAST k);
		free(n);
		free(k);
	}
	free(id);
}

/* What the corpus pages need beyond corpus.xml, grafted onto its root
 * for their transforms and taken off after: the root index.md's title and
 * body as <home> (the home page's text), each section's graph
 * (<section-graphs>, htmlgraph.c), and <pdfs><pdf id pages kb/>
 * for every document and pack PDF published (the packs page, the
 * download links).  Returns the grafted nodes' parent list head. */
static xmlNodePtr
corpus_graft(site_job *j)
{
	const backend_input *in = j->in;
	xmlNodePtr root = xmlDocGetRootElement(j->corpus), pdfs, x, d;
	strtab *ids;
	size_t i;

	for (i = 0; i < in->ndocs; i++) {
		/* streamed trees: only the root index.md's is kept */
		xmlNodePtr dr = in->docs[i] ?
		    xmlDocGetRootElement(in->docs[i]) : NULL;
		char *id = dr ? xmlread_attr_or(dr, "id", "") : xstrdup("");
		if (strcmp(id, "index") == 0) {
			xmlNodePtr home = xmlNewChild(root, NULL, BAD_CAST "home",
			    NULL);
			xmlAddChild(home, xmlDocCopyNode(xmlread_child(dr, "meta"),
			    j->corpus, 1));
			xmlAddChild(home, xmlDocCopyNode(xmlread_child(dr, "body"),
			    j->corpus, 1));
		}
		free(id);
	}
	xmlAddChild(root, htmlgraph_sections(j->graph, j->corpus,
	    j->in->corpus_edge, j->in->corpus_ctx));
	pdfs = xmlNewChild(root, NULL, BAD_CAST "pdfs", NULL);
	ids = strtab_new(in->ndocs + 1);
	for (i = 0; in->ids && i < in->ndocs; i++)
		if (in->ids[i])
			strtab_put(ids, in->ids[i], (long)i);
	d = xmlread_child(root, "documents");
	for (x = d ? d->children : NULL; x; x = x->next)
		if (xmlread_is(x, "doc"))
			pdf_graft(j, ids, pdfs, x);
	d = xmlread_child(root, "packs");
	for (x = d ? d->children : NULL; x; x = x->next)
		if (xmlread_is(x, "pack"))
			pdf_graft(j, ids, pdfs, x);
	strtab_free(ids);
	return root;
}

static void
corpus_ungraft(xmlNodePtr root)
{
	xmlNodePtr x = root->children, next;

	for (; x; x = next) {
		next = x->next;
		if (xmlread_is(x, "home") || xmlread_is(x, "pdfs") ||
		    xmlread_is(x, "section-graphs")) {
			xmlUnlinkNode(x);
			xmlFreeNode(x);
		}
	}
}

/*
 * The pages made from corpus.xml run side by side, two at a time: the
 * review and contents pages alone are ~90 ms of XSLT at 1,000
 * documents, and every title edit makes them all again.  A transform
 * writes into the document it reads (libxslt orders its nodes first),
 * so the second worker reads a copy of its own (~180 bytes a node:
 * 34 MiB at 1,000 generated documents); past CORPUS_COPY_MAX nodes
 * (about 5,000 documents: the larger the corpus, the more its memory
 * counts) they run one after another.  Each worker compiles its page's
 * stylesheet too (each imports layout.xsl: the eleven compiled one after
 * another were ~17 ms of a title edit) and writes the page (the cache's
 * records of them are kept in order of name).  Their times are said in
 * the table's order once all are made.
 */
#define CORPUS_COPY_MAX 1000000

/* Longest first (measured), so the two workers finish together. */
static const unsigned corpus_order[] = { 3, 0, 5, 1, 2, 10, 9, 4, 6, 7, 8 };

typedef struct {
	site_job *j;
	xmlDocPtr doc[2];           /* worker 0 reads corpus.xml, 1 a copy */
	size_t nodes;
	xsltStylesheetPtr st[sizeof corpus_pages / sizeof corpus_pages[0]];
	double secs[sizeof corpus_pages / sizeof corpus_pages[0]];
	unsigned todo[sizeof corpus_pages / sizeof corpus_pages[0]];
	atomic_int failed;          /* a page could not be written */
} corpus_run;

/* The stylesheet name, compiled, or NULL (reported).  A project with
 * templates of its own had them judged by check (html_check_templates,
 * in->templates_judged), and a failure here is said there already.
 * One without has only policyc's own, which check does not judge (they
 * are part of policyc): one that does not compile is a damaged
 * installation, reported here and a failed build (the previous OUT is
 * kept), as a write that fails is: a site without its home page is not
 * published as if nothing were wrong. */
static xsltStylesheetPtr
load_stylesheet(site_job *j, const char *name)
{
	xsltStylesheetPtr st = htmlxsl_load(j->xsl, name,
	    j->judged ? j->judged : j->in->ds);

	if (st == NULL && !j->judged && !atomic_exchange(&j->damaged, 1))
		diag_report_sev(j->in->ds, SEV_ERROR, R_HTML_TEMPLATE,
		    htmlxsl_builtin_dir(j->xsl), 0, 0, "policyc's own site "
		    "templates do not compile: the installation is damaged, "
		    "and the site is not published (reinstall policyc, or "
		    "set POLICYC_DATA to a good copy)");
	return st;
}

static void
corpus_page_job(void *ctx, size_t i, int worker)
{
	corpus_run *r = ctx;
	const backend_input *in = r->j->in;
	unsigned k = r->todo[i];
	const char *pre = str_has_suffix(corpus_pages[k][1], ".html") ?
	    DOCTYPE : NULL;
	char *out, *rel, *file;
	double t;

	/* a stylesheet that does not compile is an html-template error
	 * (htmlxsl.c reports it), and its page is not made */
	if (!(r->st[k] = load_stylesheet(r->j, corpus_pages[k][0])))
		return;
	t = date_monotonic();
	out = htmlxsl_apply(r->j->xsl, r->st[k], r->doc[worker],
	    r->j->params, in->ds, "corpus.xml", pre, pre != NULL, r->nodes);
	r->secs[k] = date_monotonic() - t;
	if (!out)
		return;
	rel = xasprintf("html/%s", corpus_pages[k][1]);
	file = path_join(r->j->html_dir, corpus_pages[k][1]);
	if (write_out(in, file, out) != 0)
		atomic_store(&r->failed, 1);
	else
		incr_wrote_corpus(in->incr, rel, out, strlen(out));
	free(file);
	free(rel);
	free(out);
}

/* The document pages' loop, with corpus.xml's rest as its first item
 * when j->ahead (backend.h, corpus_ahead) and the build's own work
 * beside them next when j->beside (backend.h, beside): in a rebuild
 * that carries most pages over, finishing corpus.xml took as long as
 * the pages, and one after the other left a core idle through it. */
static void
site_job_run(void *ctx, size_t i, int worker)
{
	site_job *j = ctx;

	if (j->ahead && i == 0)
		j->in->corpus_rest(j->in->corpus_ctx);
	else if (j->beside && i == (size_t)j->ahead)
		j->in->beside(j->in->beside_ctx);
	else
		page_job(ctx, i - (size_t)j->ahead - (size_t)j->beside, worker);
}

/* The pages made from corpus.xml; nonzero on a failed write. */
static int
corpus_site(site_job *j)
{
	const backend_input *in = j->in;
	xmlNodePtr root;
	corpus_run r;
	size_t k, n = 0;
	int rc = 0, workers;

	memset(&r, 0, sizeof r);
	atomic_init(&r.failed, 0);
	r.j = j;
	for (k = 0; k < sizeof corpus_order / sizeof corpus_order[0]; k++) {
		unsigned p = corpus_order[k];
		char *rel = xasprintf("html/%s", corpus_pages[p][1]);
		/* unchanged since OUT was made: carried over (incremental.h);
		 * else made, its stylesheet compiled by the worker */
		if (!incr_reuse_corpus(in->incr, in->out_dir, rel))
			r.todo[n++] = p;
		free(rel);
	}
	if (!n)
		return 0;   /* all carried over: nothing to graft for */
	/* a page is made: the tree whole (finished now if it was left as
	 * the head, incr_corpus_carry) */
	j->corpus = backend_corpus(in);
	r.doc[0] = j->corpus;
	/* the pages transform the same tree: counted once for the budgets */
	r.nodes = htmlxsl_size(j->corpus);
	/* what the pages read beyond corpus.xml (the section graphs, the
	 * PDFs' facts): its keys took it into account without it */
	root = corpus_graft(j);
	workers = jobs_workers(n, in->jobs > 0 ? in->jobs : 1);
	if (workers > 1 && r.nodes <= CORPUS_COPY_MAX)
		r.doc[1] = xmlCopyDoc(j->corpus, 1);
	jobs_run(n, r.doc[1] ? 2 : 1, corpus_page_job, &r);
	if (r.doc[1])
		xmlFreeDoc(r.doc[1]);
	for (k = 0; k < sizeof corpus_pages / sizeof corpus_pages[0]; k++) {
		if (!r.st[k])
			continue;
		if (in->timings)   /* they grow with the corpus, not a page */
			fprintf(stderr, "timing:   page %-14s %8.3f s\n",
			    corpus_pages[k][1], r.secs[k]);
		xsltFreeStylesheet(r.st[k]);
	}
	if (atomic_load(&r.failed))
		rc = 1;
	corpus_ungraft(root);
	return rc;
}

/* Document i's search entry, newly allocated: made with its page, else
 * read back from OUT's index (its page was carried over), else made now
 * from its tree (OUT's part could not be read back); NULL when it has
 * none (an id the page refused). */
static char *
search_entry(site_job *j, size_t i)
{
	const backend_input *in = j->in;
	char *e = spool_get(j->entries, i);
	xmlDocPtr doc;

	if (e || (e = incr_search_old_entry(in->incr, i)) != NULL)
		return e;
	if (!in->carry || !(doc = backend_tree(in, i)))
		return NULL;
	e = htmlsearch_entry(doc);
	backend_release(in, i);
	return e;
}

/* The key of a part (its file's name and the cache's key): the part
 * and the tree hash of each of its documents in order, whose entry is a
 * function of its tree alone; a document with no tree hash (no build
 * cache) by its entry's bytes, which ents then holds. */
static void
part_key(site_job *j, unsigned nparts, unsigned k, const size_t *m,
    size_t n, char **ents, char key[33])
{
	incr_hash h;
	size_t a;

	incr_hash_init(&h);
	incr_hash_str(&h, "search part");
	incr_hash_long(&h, (long)nparts);
	incr_hash_long(&h, (long)k);
	for (a = 0; a < n; a++) {
		const char *dh = incr_doc_hash(j->in->incr, m[a]);
		if (!dh)
			ents[a] = search_entry(j, m[a]);
		incr_hash_str(&h, dh ? dh : ents[a] ? ents[a] : "-");
	}
	incr_hash_hex(&h, key);
}

/* One part of the index: html/search/<key>.js carried over from OUT when
 * its documents' trees are the ones it was made from, else written.
 * Its URL (relative to the site's root) goes to urls.  0, or -1 when a
 * write failed (reported). */
static int
write_part(site_job *j, unsigned nparts, unsigned k, const size_t *m,
    size_t n, char **urls, size_t *nurls)
{
	const backend_input *in = j->in;
	char key[33], *rel, **ents = xcalloc(n + 1, sizeof *ents);
	size_t a, have = 0;
	buf b;
	int rc = 0;

	part_key(j, nparts, k, m, n, ents, key);
	rel = xasprintf("html/search/%.16s.js", key);
	if (!incr_search_carry_part(in->incr, in->out_dir, rel, key, m, n)) {
		/* the entries in order, those a document has none of left out */
		for (a = 0; a < n; a++) {
			char *e = ents[a] ? ents[a] : search_entry(j, m[a]);
			ents[a] = NULL;
			if (e)
				ents[have++] = e;
		}
		buf_init(&b);
		htmlsearch_part(&b, ents, have);
		if (publish_write(in->out_dir, rel, b.data, b.len) != 0) {
			diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, "", 0,
			    0, "cannot write %s: %s", rel, strerror(errno));
			rc = -1;
		} else if (have == n)
			incr_search_wrote_part(in->incr, rel, key, b.data,
			    b.len, m, n);
		buf_free(&b);
	}
	for (a = 0; a < n; a++)
		free(ents[a]);
	free(ents);
	urls[(*nurls)++] = xstrdup(rel + strlen("html/"));
	free(rel);
	return rc;
}

/* The search index: its parts (each document's entry in the part its id
 * says, htmlsearch.h), then search-index.js naming them, a script so it
 * loads from file://. */
static int
write_search(site_job *j)
{
	const backend_input *in = j->in;
	unsigned nparts = htmlsearch_parts(in->ndocs), k;
	size_t *start = xcalloc(nparts + 1, sizeof *start);
	size_t *members = xcalloc(in->ndocs + 1, sizeof *members);
	unsigned *part = xcalloc(in->ndocs + 1, sizeof *part);
	char **urls = xcalloc(nparts + 1, sizeof *urls);
	size_t i, nurls = 0, *fill;
	FILE *f;
	int rc = 0, wrc;

	/* each part's documents, in document order (a counting sort) */
	for (i = 0; i < in->ndocs; i++) {
		part[i] = htmlsearch_part_of(in->ids ? in->ids[i] : "", nparts);
		start[part[i] + 1]++;
	}
	for (k = 0; k < nparts; k++)
		start[k + 1] += start[k];
	fill = xcalloc(nparts + 1, sizeof *fill);
	for (i = 0; i < in->ndocs; i++)
		members[start[part[i]] + fill[part[i]]++] = i;
	free(fill);
	for (k = 0; k < nparts; k++)
		if (start[k + 1] > start[k] && write_part(j, nparts, k,
		    members + start[k], start[k + 1] - start[k], urls,
		    &nurls) != 0)
			rc = -1;
	f = publish_fopen(in->out_dir, "html/search-index.js");
	wrc = f ? htmlsearch_write(f, in->corpus, urls, nurls) : -1;
	if (f && fclose(f) != 0)
		wrc = -1;
	if (wrc != 0) {
		diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, "", 0, 0,
		    "cannot write %s/search-index.js: %s", j->html_dir,
		    strerror(errno));
		rc = -1;
	}
	for (i = 0; i < nurls; i++)
		free(urls[i]);
	free(urls);
	free(start);
	free(members);
	free(part);
	spool_free(j->entries);
	j->entries = NULL;
	return rc;
}

static void
read_sections(site_job *j, xmlDocPtr cx)
{
	xmlNodePtr l = xmlread_child(xmlDocGetRootElement(cx), "sections"), x;
	size_t n = 0;

	for (x = l ? l->children : NULL; x; x = x->next)
		n += xmlread_is(x, "section");
	j->sections = xcalloc(n + 1, sizeof *j->sections);
	for (x = l ? l->children : NULL; x; x = x->next) {
		site_section *s;
		if (!xmlread_is(x, "section"))
			continue;
		s = &j->sections[j->nsections++];
		s->path = xmlread_attr_or(x, "path", "");
		s->title = xmlread_attr_or(x, "title", s->path);
		s->parent = xmlread_attr(x, "parent");
	}
}

int
html_render(const backend_input *in)
{
	site_job j;
	xmlNodePtr org;
	char *primary, *accent, *logo_href, *s, *file, *pdf_dir, shown[24];
	const char *params[16];
	size_t np = 0, k;
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
	/* PDFs were made before the site (publish.c): the navigation offers
	 * the packs page only then */
	pdf_dir = path_join(in->out_dir, "pdf");
	j.pdf_dir = fsio_is_dir(pdf_dir);
	params[np++] = "pdfs";
	params[np++] = j.pdf_dir ? "1" : "";
	free(pdf_dir);
	/* the glossary page lists as many documents under a term as a lean
	 * corpus tree holds (xmlout.h) */
	snprintf(shown, sizeof shown, "%d", GLOSSARY_USES_HELD);
	params[np++] = "uses-shown";
	params[np++] = shown;
	params[np] = NULL;
	j.params = params;
	j.nparams = np;
	read_sections(&j, in->corpus);
	j.graph = htmlgraph_new(in->corpus);

	/* Document pages, in parallel.  A stylesheet that does not compile
	 * or a page that fails to transform is an html-template error; the
	 * rest of the site is still written (only a failed write, or a
	 * damaged installation, is fatal: load_stylesheet). */
	j.judged = in->templates_judged ? diag_new() : NULL;
	atomic_init(&j.damaged, 0);
	j.page = load_stylesheet(&j, "document.xsl");
	/* the search entries: in an unlinked file beside the pages, not
	 * on the heap (spool.h) */
	j.entries = spool_new(in->out_dir, in->ndocs);
	if (j.page != NULL && in->ndocs > 0) {
		/* corpus.xml's rest beside the pages, when it may be */
		j.ahead = in->corpus_rest && in->corpus_ahead &&
		    jobs_workers(in->ndocs + 1, in->jobs) > 1;
		j.beside = in->beside != NULL;
		jobs_run(in->ndocs + (size_t)j.ahead + (size_t)j.beside,
		    in->jobs > 0 ? in->jobs : 1, site_job_run, &j);
		if (j.failed)
			rc = 1;
	}
	/* streamed trees: corpus.xml's rest, now that the document trees
	 * are gone (unless made beside them); the corpus pages' keys, now
	 * every tree's hash is known and before corpus_site grafts onto
	 * corpus.xml */
	if (!j.ahead && in->corpus_rest)
		in->corpus_rest(in->corpus_ctx);
	incr_trees_done(in->incr);
	if (corpus_site(&j) != 0 || reviewcal_write(in) != 0)
		rc = 1;

	if (write_search(&j) != 0)
		rc = 1;

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
	    copy_static(in, j.xsl, "search.js", j.html_dir) != 0 ||
	    copy_static(in, j.xsl, "page.js", j.html_dir) != 0)
		rc = 1;
	for (k = 0; k < j.nsections; k++) {
		free(j.sections[k].path);
		free(j.sections[k].title);
		free(j.sections[k].parent);
	}
	free(j.sections);
	htmlgraph_free(j.graph);

	if (j.page)
		xsltFreeStylesheet(j.page);
	if (atomic_load(&j.damaged))
		rc = 1;   /* load_stylesheet: not published */
	if (in->timings) {
		size_t c_bodies, bodies = htmlxsl_bodies(j.xsl, &c_bodies);
		size_t c_pages, pages = htmlxsl_pages(j.xsl, &c_pages);
		fprintf(stderr, "timing:   document bodies rendered in C: "
		    "%zu of %zu\n", c_bodies, bodies);
		fprintf(stderr, "timing:   document pages made in C: "
		    "%zu of %zu\n", c_pages, pages);
	}
	htmlxsl_free(j.xsl);
	diag_free(j.judged);
	free(primary);
	free(accent);
	free(logo_href);
	free(j.html_dir);
	return rc;
}
