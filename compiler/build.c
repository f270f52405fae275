/*
 * build.c — drives the pipeline (DESIGN.md "Data flow"): load the project
 * and every document (in parallel), index the corpus, resolve links and
 * terms, run the Lua filters, then — for build — make the XML trees, write
 * them, run the HTML and PDF back ends into a staging folder, and swap it
 * into OUT only when nothing fatal happened.  Diagnostics are printed once,
 * sorted, at the end.
 */
#include <libxml/xmlsave.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assets.h"
#include "backend.h"
#include "brand.h"
#include "build.h"
#include "corpus.h"
#include "date.h"
#include "document.h"
#include "filters.h"
#include "fsio.h"
#include "glossary.h"
#include "jobs.h"
#include "links.h"
#include "packs.h"
#include "project.h"
#include "util.h"
#include "xmlout.h"

#define OUTPUT_MARKER ".policyc-output"

/*
 * Where templates/ and filters/ are: $POLICYC_DATA; else beside an
 * installed binary (<prefix>/bin/policyc → <prefix>/share/policyc); else
 * the source tree the binary was built in (running from build/).
 */
const char *
build_data_dir(void)
{
	static char found[4096];
	const char *env = getenv("POLICYC_DATA");
	char exe[4000];
	ssize_t n;

	if (env && *env)
		return env;
	if (found[0])
		return found;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash, *probe;
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(found, sizeof found, "%s/share/policyc", exe);
		probe = path_join(found, "templates/xml/policy.rng");
		if (fsio_exists(probe)) {
			free(probe);
			return found;
		}
		free(probe);
	}
#ifdef POLICYC_DATADIR
	snprintf(found, sizeof found, "%s", POLICYC_DATADIR);
#else
	snprintf(found, sizeof found, "/usr/local/share/policyc");
#endif
	return found;
}

/* ---- timings ---- */

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
stage(const build_options *o, const char *name, double *t0)
{
	double t = now();
	if (o->timings)
		fprintf(stderr, "timing: %-10s %8.3f s\n", name, t - *t0);
	*t0 = t;
}

/* ---- loading ---- */

typedef struct {
	const project *p;
	char **rel;
	document **docs;
	diag_set *ds;
} load_ctx;

static void
load_one(void *arg, size_t i, int worker)
{
	load_ctx *l = arg;
	char *path = path_join(l->p->content, l->rel[i]);
	l->docs[i] = document_load(l->p, path, l->rel[i], l->ds);
	free(path);
}

/* ---- XML ---- */

typedef struct {
	corpus *c;
	xmlDocPtr *docs;
	diag_set *ds;
	const char *xml_dir;     /* NULL: do not write */
	atomic_int failed;
} xml_ctx;

static int
write_xml(xmlDocPtr doc, const char *path)
{
	xmlChar *mem = NULL;
	int len = 0, rc;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 0);
	if (!mem)
		return -1;
	rc = fsio_write(path, (const char *)mem, (size_t)len);
	xmlFree(mem);
	return rc;
}

static void
xml_one(void *arg, size_t i, int worker)
{
	xml_ctx *x = arg;
	const document *d = x->c->docs[i];
	x->docs[i] = xmlout_document(x->c, i, x->ds);
	/* from here on the XML tree is the document: the back ends never
	 * read the cmark tree, so give its memory back now (a large corpus
	 * would otherwise hold both trees of every document at once) */
	cmark_node_free(x->c->docs[i]->root);
	x->c->docs[i]->root = NULL;
	x->c->docs[i]->title_node = NULL;
	for (size_t h = 0; h < x->c->docs[i]->nheadings; h++)
		x->c->docs[i]->headings[h].node = NULL;
	if (x->xml_dir) {
		char *name = xasprintf("%s.xml", d->id);
		char *path = path_join(x->xml_dir, name);
		if (write_xml(x->docs[i], path) != 0) {
			diag_report(x->ds, "output-error", d->path, 0, 0,
			    "cannot write %s", path);
			atomic_store(&x->failed, 1);
		}
		free(name);
		free(path);
	}
}

/* OUT must be a folder policyc may replace: not the project, not above
 * it, and either absent, empty, or made by policyc before. */
static int
out_is_safe(const char *dir, const char *out, diag_set *ds)
{
	char *rdir = realpath(dir, NULL), *rout = realpath(out, NULL);
	int ok = 1;

	if (rdir && rout) {
		size_t l = strlen(rout);
		if (!strncmp(rdir, rout, l) && (rdir[l] == '/' || rdir[l] == '\0' ||
		    l == 1)) {
			diag_report(ds, "output-error", out, 0, 0,
			    "output folder '%s' holds the project itself; "
			    "choose another with -o", out);
			ok = 0;
		}
	}
	if (ok && rout && fsio_is_dir(rout)) {
		char *marker = path_join(rout, OUTPUT_MARKER);
		if (!fsio_exists(marker) && !fsio_dir_empty(rout)) {
			diag_report(ds, "output-error", out, 0, 0,
			    "'%s' exists and was not made by policyc; refusing "
			    "to replace it (remove it or choose another -o)", out);
			ok = 0;
		}
		free(marker);
	} else if (ok && rout && !fsio_is_dir(rout)) {
		diag_report(ds, "output-error", out, 0, 0,
		    "'%s' is a file, not a folder", out);
		ok = 0;
	}
	free(rdir);
	free(rout);
	return ok;
}

/*
 * Freeing a large corpus just before exit costs seconds and gives nothing
 * back: after the filter processes fork, every page the frees touch takes
 * a copy-on-write fault (about 3.7 s at 10,000 documents).  Like most
 * compilers, policyc leaves that to the kernel — except under a leak
 * checker (ASan builds, or POLICYC_FREE_AT_EXIT=1 for valgrind), which
 * must see every allocation returned.
 */
static int
free_at_exit(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#else
	const char *e = getenv("POLICYC_FREE_AT_EXIT");
	return e && *e && strcmp(e, "0") != 0;
#endif
}

static void
print_diags(const build_options *o, diag_set *ds, corpus *c)
{
	const char **paths = NULL;
	size_t i, n = c ? c->ndocs : 0;
	FILE *fp = (o->check_only || o->format != FMT_TEXT) ? stdout : stderr;

	if (n) {
		paths = xcalloc(n, sizeof *paths);
		for (i = 0; i < n; i++)
			paths[i] = c->docs[i]->path;
	}
	diag_print(ds, fp, o->format, paths, n);
	free(paths);
}

static int
exit_for(const build_options *o, diag_set *ds)
{
	if (diag_count_sev(ds, SEV_ERROR))
		return EXIT_ERRORS;
	if (o->strict && diag_count_sev(ds, SEV_WARNING))
		return EXIT_ERRORS;
	return EXIT_OK;
}

int
build_run(const build_options *o)
{
	diag_set *ds = diag_new();
	project *p;
	corpus *c = NULL;
	char **rel = NULL;
	document **docs;
	size_t n, i;
	char *content_dir, *gpath, *filters_dir;
	load_ctx lc;
	int rc = EXIT_OK;
	double t0 = now();
	int jobs = o->jobs > 0 ? o->jobs : jobs_default();

	if (jobs < 1)
		jobs = 1;
	p = project_load(o->dir, ds);
	if (!p) {
		print_diags(o, ds, NULL);
		diag_free(ds);
		return EXIT_USAGE;
	}
	brand_resolve(p, ds);   /* MERGE: pipeline_load calls it */
	content_dir = path_join(p->dir, p->content);
	if (!fsio_is_dir(content_dir)) {
		diag_report(ds, "config-invalid", "policyc.yaml", 0, 0,
		    "content folder '%s' does not exist", p->content);
		print_diags(o, ds, NULL);
		free(content_dir);
		project_free(p);
		diag_free(ds);
		return EXIT_USAGE;
	}
	n = fsio_list_markdown(content_dir, &rel);
	free(content_dir);
	stage(o, "scan", &t0);

	docs = xcalloc(n ? n : 1, sizeof *docs);
	lc.p = p;
	lc.rel = rel;
	lc.docs = docs;
	lc.ds = ds;
	jobs_run(n, jobs, load_one, &lc);
	for (i = 0; i < n; i++)
		free(rel[i]);
	free(rel);
	stage(o, "parse", &t0);

	c = corpus_new(p, docs, n, ds);
	packs_resolve(c, ds);   /* MERGE: pipeline_load calls it */
	if (!date_today(o->today, c->today)) {
		diag_report(ds, "config-invalid", "", 0, 0,
		    "--today '%s' is not a date (YYYY-MM-DD)", o->today);
		rc = EXIT_USAGE;
		goto done;
	}
	meta_judge(c, ds);   /* MERGE: pipeline_load/check calls it */
	gpath = path_join(p->dir, p->glossary_path);
	c->glossary = glossary_load(gpath, p->glossary_path,
	    yval_get(p->config, "glossary") != NULL, ds);
	free(gpath);
	stage(o, "index", &t0);

	links_resolve(c, jobs, ds);
	corpus_index_edges(c);
	assets_collect(c, ds);  /* MERGE: pipeline_link calls it */
	stage(o, "links", &t0);

	filters_dir = path_join(build_data_dir(), "filters");
	filters_run(c, filters_dir, ds, jobs);
	free(filters_dir);
	stage(o, "filters", &t0);

	if (o->check_only) {
		rc = exit_for(o, ds);
		goto done;
	}
	if (o->strict && exit_for(o, ds) != EXIT_OK) {
		rc = EXIT_ERRORS;
		goto done;
	}
	if (!out_is_safe(p->dir, o->out, ds)) {
		rc = EXIT_USAGE;
		goto done;
	}

	{
		char *staging = fsio_staging(o->out);
		xmlDocPtr cx;
		xml_ctx xc;
		backend_input in;
		char *xml_dir = NULL, *marker;
		int fatal = 0;

		if (!staging) {
			diag_report(ds, "output-error", o->out, 0, 0,
			    "cannot make a staging folder beside '%s'", o->out);
			rc = EXIT_ERRORS;
			goto done;
		}
		for (i = 0; i < c->ndocs; i++)
			if (!document_id_safe(c->docs[i]->id)) {
				diag_report(ds, "id-invalid", c->docs[i]->path, 0, 0,
				    "id '%s' would leave the output folder; "
				    "not published", c->docs[i]->id);
			}
		cx = xmlout_corpus(c, ds);
		if (o->outputs & OUTPUT_XML)
			xml_dir = path_join(staging, "xml");
		memset(&xc, 0, sizeof xc);
		xc.c = c;
		xc.docs = xcalloc(c->ndocs ? c->ndocs : 1, sizeof *xc.docs);
		xc.ds = ds;
		xc.xml_dir = xml_dir;
		atomic_init(&xc.failed, 0);
		jobs_run(c->ndocs, jobs, xml_one, &xc);
		if (xml_dir) {
			char *cpath = path_join(xml_dir, "corpus.xml");
			if (write_xml(cx, cpath) != 0) {
				diag_report(ds, "output-error", o->out, 0, 0,
				    "cannot write %s", cpath);
				fatal = 1;
			}
			free(cpath);
		}
		fatal |= atomic_load(&xc.failed);
		stage(o, "xml", &t0);

		memset(&in, 0, sizeof in);
		in.project_dir = p->dir;
		in.data_dir = build_data_dir();
		in.out_dir = staging;
		in.corpus = cx;
		in.docs = xc.docs;
		in.ndocs = c->ndocs;
		in.jobs = jobs;
		in.today = c->today;
		in.ds = ds;
		if (!fatal && (o->outputs & OUTPUT_HTML)) {
			fatal |= html_render(&in) != 0;
			if (!fatal) {   /* MERGE: publish.c calls it */
				char *html_dir = path_join(staging, "html");
				fatal |= assets_copy(c, html_dir, ds) != 0;
				free(html_dir);
			}
			stage(o, "html", &t0);
		}
		if (!fatal && (o->outputs & OUTPUT_PDF)) {
			fatal |= pdf_render(&in) != 0;
			stage(o, "pdf", &t0);
		}
		marker = path_join(staging, OUTPUT_MARKER);
		fsio_write(marker, "policyc output folder\n", 22);
		free(marker);

		if (!fatal && fsio_swap(staging, o->out) != 0) {
			diag_report(ds, "output-error", o->out, 0, 0,
			    "cannot move the new output into '%s'", o->out);
			fatal = 1;
		}
		stage(o, "publish", &t0);
		if (fatal) {
			fsio_rmtree(staging);
			rc = EXIT_ERRORS;
		} else
			rc = o->strict ? exit_for(o, ds) : EXIT_OK;
		if (free_at_exit()) {
			for (i = 0; i < c->ndocs; i++)
				xmlFreeDoc(xc.docs[i]);
			free(xc.docs);
			xmlFreeDoc(cx);
		}
		free(xml_dir);
		free(staging);
	}

done:
	print_diags(o, ds, c);
	stage(o, "report", &t0);
	if (!free_at_exit())
		return rc;   /* the process ends now; see free_at_exit */
	if (c) {
		xmlout_release(c);
		if (c->glossary)
			glossary_free(c->glossary);
		corpus_free(c);
	}
	project_free(p);
	diag_free(ds);
	stage(o, "teardown", &t0);
	return rc;
}
