/*
 * pipeline.c — the stages of DESIGN.md's "Data flow" in order, behind one
 * object: load (policyc.yaml, the glossary, every document in parallel,
 * the judgement of ids, packs and brand), link (links, terms, the related
 * graph), check (the C rules and the Lua filters), model (the XML trees;
 * the cmark trees are dropped).  Every caller — the command line, the
 * publisher (publish.c), the fuzz drivers and the unit fixtures — goes
 * through this file, so none of them sets a corpus field by hand or knows
 * the order of stages, and every judgement of input is made here, before
 * any back end runs: `check` prints what `build` prints.
 */
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/resource.h>
#include <ctype.h>

#include "assets.h"
#include "backend.h"
#include "brand.h"
#include "corpus.h"
#include "date.h"
#include "document.h"
#include "extends.h"
#include "filters.h"
#include "fsio.h"
#include "glossary.h"
#include "hugepages.h"
#include "history.h"
#include "incremental.h"
#include "govern.h"
#include "jobs.h"
#include "links.h"
#include "meta.h"
#include "packs.h"
#include "pipeline.h"
#include "project.h"
#include "standby.h"
#include "prelink.h"
#include "strtab.h"
#include "util.h"
#include "xmldump.h"
#include "xmlout.h"

/* How far the pipeline has got. */
enum { ST_NONE, ST_LOADED, ST_LINKED, ST_CHECKED, ST_MODELLED };

/* Longest id segment published: NAME_MAX (255) less room for a
 * duplicate's "-NN" suffix and the longest extension (".html"). */
#define ID_SEGMENT_MAX 240

struct pipeline {
	pipeline_options o;
	char world[33];             /* the link world (prelink.h), or "" */
	char names[33];             /* its names world (prelink.h), or "" */
	size_t linked_ahead;        /* documents kept linked from a standby */
	diag_set *ds;
	int jobs;
	int stage;
	int unreadable;
	double mark;                /* pipeline_stage's last mark */
	double cpu_mark;            /* and the CPU time then */
	project *p;
	/* render_file: a project made up for the one file */
	project render_p;
	yval render_config;
	char *render_dir;
	corpus *c;
	xmlDocPtr cx;               /* corpus.xml */
	int lean;                   /* streamed, built-in site templates: cx
	                               is lean (xmlout.h): its graph, its
	                               diagnostics and the glossary's uses
	                               past the first are written from
	                               cx_parts */
	struct xmlout_parts *cx_parts;
	diag_set *cx_rest;          /* streamed: cx is the head only, and
	                               this its diagnostics, until
	                               pipeline_corpus_xml finishes it */
	xmlDocPtr *dx;              /* one per document */
	history *h;                 /* release history (history.c), or NULL */
	const char **paths;
	extends *ed;                /* the core this project extends, or NULL */
	incr_filters *fmemo;        /* the filters' cache records, or NULL */
	incr_model *mmemo;          /* the model's, or NULL */
	void *cache_text;           /* OUT's cache as read (incremental.c) */
	int streamed;               /* dx[i] made on demand (pipeline_tree) */
	atomic_size_t trees_made;   /* by xmlout_document, not read back */
	atomic_llong citations_ns;  /* CPU the link pass spent on citations */
	/* bounded ("Bounded builds" below): no document's tree is held
	 * between stages; make_tree makes one again for the stage that
	 * needs it */
	int bounded;
	diag_set *quiet;            /* what a tree made again reports */
	atomic_size_t changed;      /* bounded: 1 + the first document whose
	                               file changed after the load, else 0 */
	int changed_said;
	links_replayer *replay;     /* after the link pass: links it again */
	incr_parse *pmemo;          /* the load's cache records, or NULL */
	size_t deferred;            /* bodies the load left unparsed */
	size_t trusted;             /* ... of them, texts not read */
	unsigned char *modelled;    /* streamed and bounded: tree i made */
};

/*
 * Where templates/ and filters/ are: $POLICYC_DATA; else beside an
 * installed binary (<prefix>/bin/policyc → <prefix>/share/policyc); else
 * the source tree the binary was built in (running from build/).
 */
static char data_dir_found[4096];
static pthread_once_t data_dir_once = PTHREAD_ONCE_INIT;

/* Looked for once: editions and folders built side by side ask at once. */
static void
find_data_dir(void)
{
	char *found = data_dir_found, exe[4000];
	size_t size = sizeof data_dir_found;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash, *probe;
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(found, size, "%s/share/policyc", exe);
		probe = path_join(found, "templates/xml/policy.rng");
		if (fsio_exists(probe)) {
			free(probe);
			return;
		}
		free(probe);
	}
#ifdef POLICYC_DATADIR
	snprintf(found, size, "%s", POLICYC_DATADIR);
#else
	snprintf(found, size, "/usr/local/share/policyc");
#endif
}

const char *
pipeline_data_dir(void)
{
	const char *env = getenv("POLICYC_DATA");

	if (env && *env)
		return env;
	pthread_once(&data_dir_once, find_data_dir);
	return data_dir_found;
}

/*
 * Freeing a large corpus just before exit costs seconds and gives nothing
 * back: after the filter processes fork, every page the frees touch takes
 * a copy-on-write fault (about 3.7 s at 10,000 documents).  Like most
 * compilers, policyc leaves that to the kernel — except under a leak
 * checker (ASan builds, or POLICYC_FREE_AT_EXIT=1 for valgrind), which
 * must see every allocation returned.
 */
int
pipeline_free_at_exit(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#else
	const char *e = getenv("POLICYC_FREE_AT_EXIT");
	return e && *e && strcmp(e, "0") != 0;
#endif
}

/* The resident set now, in KiB (Linux's /proc/self/statm), for
 * --timings: issue 12's bounded memory is read stage by stage */
static long
rss_now_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* CPU time beside wall (the filter jail's children included, once
 * reaped): on a shared machine wall time measures the neighbours */
static double
cpu_so_far(void)
{
	struct rusage self, kids;

	if (getrusage(RUSAGE_SELF, &self) != 0 ||
	    getrusage(RUSAGE_CHILDREN, &kids) != 0)
		return 0;
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
	    kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) +
	    (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
	    kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
}

void
pipeline_stage(pipeline *pl, const char *name)
{
	double t = date_monotonic(), c = cpu_so_far();
	struct rusage self;

	if (pl->o.timings && getrusage(RUSAGE_SELF, &self) == 0)
		fprintf(stderr, "timing: %-10s %8.3f s cpu %.3f s rss %ld MiB"
		    " peak %ld MiB\n", name, t - pl->mark, c - pl->cpu_mark,
		    rss_now_kib() / 1024, self.ru_maxrss / 1024);
	pl->mark = t;
	pl->cpu_mark = c;
}

pipeline *
pipeline_open(const pipeline_options *o, diag_set *ds)
{
	pipeline *pl = xcalloc(1, sizeof *pl);

	pl->o = *o;
	pl->ds = ds;
	pl->jobs = o->jobs > 0 ? o->jobs : jobs_default();
	if (pl->jobs < 1)
		pl->jobs = 1;
	pl->mark = date_monotonic();
	/* serve's standby parsed before the pipeline opened: its first
	 * stage's CPU is counted from here */
	pl->cpu_mark = o->timings && o->standby ? cpu_so_far() : 0;
	return pl;
}

/* ---- loading ---- */

typedef struct {
	const project *p;
	char **rel;
	document **docs;
	diag_set *ds;
	int bounded;
	standby *standby;           /* serve: documents parsed ahead */
	incr_parse *pmemo;          /* the build cache's bodies, or NULL */
} load_ctx;

/* What a bounded build knows a document's text by once it is dropped
 * (and the build cache's record of the file: incremental.c). */
static void
source_hash(const document *d, char out[33])
{
	incr_hash h;

	incr_hash_init(&h);
	incr_hash_add(&h, d->source, d->source_len);
	incr_hash_hex(&h, out);
}

static void
load_one(void *arg, size_t i, int worker)
{
	load_ctx *l = arg;
	char *path = path_join(l->p->content, l->rel[i]);
	l->docs[i] = l->standby ? standby_take(l->standby, l->p, path,
	    l->rel[i], l->ds) : NULL;
	if (!l->docs[i] && l->pmemo)
		l->docs[i] = document_load_memo(l->p, path, l->rel[i], l->ds,
		    incr_parse_body, incr_parse_trust, l->pmemo);
	else if (!l->docs[i])
		l->docs[i] = document_load(l->p, path, l->rel[i], l->ds);
	/* bounded: what the index needs is read; the link pass makes the
	 * tree again (make_tree), from the text read again (its hash says
	 * it is the text loaded) */
	if (l->bounded) {
		document *d = l->docs[i];
		document_drop_tree(d);
		if (d->source && !d->broken) {
			source_hash(d, d->source_hash);
			document_drop_source(d);
		}
	}
	free(path);
}

typedef struct {
	pipeline *pl;
	document **docs;
	diag_set *quiet;
} reparse_ctx;

static void
reparse_one(void *arg, size_t i, int worker)
{
	reparse_ctx *r = arg;
	document *d = r->docs[i];

	(void)worker;
	if (!d || !d->prelink)
		return;
	r->docs[i] = document_load(r->pl->p, d->path, d->relpath, r->quiet);
	document_free(d);
}

/*
 * serve: the documents the standby linked ahead (prelink.h) are kept
 * linked when the link world is the one they were linked in; else each
 * is parsed again (its parse's reports were taken with it: said once)
 * and the link pass links it like the rest.  Returns how many are kept.
 */
static size_t
keep_linked_ahead(pipeline *pl, standby *s, document **docs, size_t n)
{
	const char *w = standby_link_world(s);
	size_t i, kept = 0;
	reparse_ctx r;

	for (i = 0; i < n; i++)
		kept += docs[i] && docs[i]->prelink;
	if (!kept || (*pl->world && w && !strcmp(w, pl->world)))
		return kept;
	r.pl = pl;
	r.docs = docs;
	r.quiet = diag_new_quiet(pl->ds);
	jobs_run(n, pl->jobs, reparse_one, &r);
	diag_free(r.quiet);
	return 0;
}

/*
 * Bounded builds (issue 12): a project of BOUNDED_MIN_DOCS documents or
 * more holds no document's cmark tree between stages.  The load keeps
 * what the index needs (metadata, headings, anchors); each later stage
 * that reads a body — the link pass, the filters' keys and children,
 * the model — makes the tree again from the document's source (parsed,
 * then linked again by links_replay, reporting nothing a second time)
 * and drops it when done, so memory holds the index and the trees of
 * the documents being worked on, not every body.  It costs a parse and
 * a link of each document per stage; below the threshold every tree is
 * held.  POLICYC_BOUNDED=1 or 0 forces it on or off (the tests compare
 * both).  Not for editions: their documents are merged with overlays
 * and share one parse (extends.c).
 */
#define BOUNDED_MIN_DOCS 20000

int
pipeline_bounded_wanted(size_t n)
{
	const char *s = getenv("POLICYC_BOUNDED");

	if (s && !strcmp(s, "1"))
		return 1;
	if (s && !strcmp(s, "0"))
		return 0;
	return n >= BOUNDED_MIN_DOCS;
}

/* corpus source_read: document i's text, read again.  A file that
 * changed since the load (an editor saved it mid-build) is not the one
 * the index was made from: the rest of the build reads an empty text
 * instead, and the build fails (pipeline_changed_file) rather than
 * publish a page made of two versions. */
static void
read_text(void *ctx, size_t i)
{
	pipeline *pl = ctx;
	document *d = pl->c->docs[i];
	char now[33];

	if (!document_read_again(pl->p, d, pl->quiet))
		return;
	source_hash(d, now);
	if (strcmp(now, d->source_hash) != 0) {
		size_t none = 0;
		free(d->source);
		d->source = xstrdup("");
		d->source_len = 0;
		(void)atomic_compare_exchange_strong(&pl->changed, &none,
		    i + 1);
	}
}

/* corpus tree_make: document i's tree as the stage before left it —
 * made again (bounded), or linked where the link pass took its links
 * from the build cache (incrlinks.c). */
static void
make_tree(void *ctx, size_t i)
{
	pipeline *pl = ctx;
	document *d = pl->c->docs[i];

	read_text(pl, i);
	document_reparse(pl->p, d, pl->quiet);
	d->tree_deferred = 0;
	if (pl->replay) {
		links_replay(pl->replay, i);
		d->links_pending = 0;
	}
}

/* Puts name (and its lower-cased form) in the table of left-out drafts. */
static void
left_out_put(strtab *t, const char *name)
{
	char *low;

	if (!name || !*name)
		return;
	strtab_put(t, name, 1);
	low = xstrdup(name);
	for (char *s = low; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	strtab_put(t, low, 1);
	free(low);
}

/*
 * Without --drafts, documents whose status is draft (status: draft, or
 * draft: true / published: false as other tools write it) are left out of
 * the run, check and build alike, as Hugo and Jekyll leave drafts out:
 * what they said while being read (their front matter) stays reported,
 * each gets one note saying it was left out, and the names a link could
 * use for one are kept so links.c says "a draft" instead of "no
 * document".  Compacts docs; returns the names, or NULL when none.
 */
static strtab *
leave_out_drafts(pipeline *pl, document **docs, size_t *n)
{
	strtab *t = NULL;
	size_t i, k = 0;

	for (i = 0; i < *n; i++) {
		document *d = docs[i];
		if (pl->o.drafts || !d || d->status_kind != STATUS_DRAFT) {
			docs[k++] = d;
			continue;
		}
		if (!t)
			t = strtab_new(16);
		left_out_put(t, d->id);
		left_out_put(t, d->relpath);
		left_out_put(t, d->title);
		if (d->id && strrchr(d->id, '/'))
			left_out_put(t, strrchr(d->id, '/') + 1);
		diag_report(pl->ds, R_DRAFT_LEFT_OUT, d->path, 1, 1,
		    "a draft: left out of this run (--drafts checks and "
		    "publishes it)");
		document_free(d);
	}
	*n = k;
	return t;
}

/* Where a policyc.yaml key was written, for diagnostics about its value. */
static void
key_at(const project *p, const char *key, int *line, int *col)
{
	const yval *v = yval_get(p->config, key);
	*line = v ? v->line : 0;
	*col = v ? v->col : 0;
}

/*
 * Today: --today, else SOURCE_DATE_EPOCH, else the clock.  A
 * SOURCE_DATE_EPOCH that is set but not a count of seconds is said, not
 * silently replaced by the clock.
 */
static int
judge_today(pipeline *pl, char out[11])
{
	if (pl->o.today) {
		if (date_today(pl->o.today, out))
			return 1;
		diag_report(pl->ds, R_CONFIG_INVALID, "", 0, 0,
		    "--today '%s' is not a date (YYYY-MM-DD)", pl->o.today);
		return 0;
	}
	if (date_source_epoch(NULL) < 0)
		diag_report_sev(pl->ds, SEV_WARNING, R_ENV_INVALID, "", 0, 0,
		    "SOURCE_DATE_EPOCH '%s' is not a number of seconds since "
		    "1970; using the clock", getenv("SOURCE_DATE_EPOCH"));
	return date_today(NULL, out);
}

/* The content folder, resolved inside the project; NULL (reported) when
 * it is missing, outside, or not a folder. */
static char *
content_folder(pipeline *pl)
{
	project *p = pl->p;
	enum fsio_inside r = fsio_resolve_inside(p->dir, p->content,
	    FSIO_WANT_DIR, NULL);
	int line, col;

	if (r == FSIO_INSIDE)
		return path_join(p->dir, p->content);
	key_at(p, "content", &line, &col);
	if (r == FSIO_MISSING)
		diag_report(pl->ds, R_CONFIG_INVALID, "policyc.yaml", line, col,
		    "content folder '%s' does not exist", p->content);
	else if (r == FSIO_OUTSIDE)
		diag_report(pl->ds, R_CONFIG_INVALID, "policyc.yaml", line, col,
		    "content folder '%s' resolves outside the project folder; "
		    "refusing to read it", p->content);
	else
		diag_report(pl->ds, R_CONFIG_INVALID, "policyc.yaml", line, col,
		    "content folder '%s' is not a folder", p->content);
	return NULL;
}

/* --timings: the pages malloc's heap is on, and on a host that takes
 * back free memory, what that was decided on (hugepages.c). */
static void
say_heap_pages(void)
{
	long small, huge;
	char why[200] = "";

	if (hugepages_probed(&small, &huge))
		snprintf(why, sizeof why, "the host takes back free memory "
		    "(virtio balloon free page reporting), and a huge page "
		    "cost %ld us where its 512 small pages would cost %ld us",
		    huge / 1000, small * 512 / 1000);
	if (hugepages_reserved())
		fprintf(stderr, "timing: malloc on transparent huge pages "
		    "(%zu MiB of heap reserved)%s%s\n",
		    hugepages_reserved() >> 20, *why ? ": " : "", why);
	else if (hugepages_declined_for_host())
		fprintf(stderr, "timing: malloc on 4 KiB pages: %s\n", why);
}

/* Lists the Markdown files; files it will not read are reported where
 * they are. */
static size_t
list_documents(pipeline *pl, const char *content_dir, char ***rel)
{
	fsio_skip *skips = NULL;
	size_t nskips = 0, n, i;
	project *p = pl->p;

	n = fsio_list_markdown(p->dir, content_dir, rel, &skips, &nskips);
	for (i = 0; i < nskips; i++) {
		char *path = path_join(p->content, skips[i].rel);
		diag_report(pl->ds, R_FILE_UNREADABLE, path, 0, 0,
		    "%s; not read", skips[i].reason);
		free(path);
		free(skips[i].rel);
	}
	free(skips);
	if (n == 0 && !pl->ed) {
		int line, col;
		key_at(p, "content", &line, &col);
		diag_report_sev(pl->ds, SEV_ERROR, R_CONTENT_EMPTY,
		    "policyc.yaml", line, col,
		    "content folder '%s' holds no Markdown (*.md) files",
		    p->content);
	}
	return n;
}

/* Names the site, the XML and the PDF give their own files: a document
 * with one of these ids would be overwritten by them (or overwrite
 * them).  Top-level ids only: a/index is a/index.html. */
static const char *const reserved_ids[] = {
	"glossary", "whats-new", "review", "search", "404", "packs",
	"contacts", "sources",
	                      /* html/<name>.html: html.c corpus_pages ("index",
	                         the root index.md, is the home page's text) */
	"feed", "sitemap",    /* html/feed.xml, html/sitemap.xml */
	"search-index", "style",  /* html/search-index.js, html/style.css */
	"corpus",             /* xml/corpus.xml */
	NULL
};

static int
id_reserved(const project *p, const char *id, const char **what)
{
	size_t i;

	for (i = 0; reserved_ids[i]; i++)
		if (!strcasecmp(id, reserved_ids[i])) {
			*what = "a page or file the build generates";
			return 1;
		}
	for (i = 0; i < p->npacks; i++)
		if (p->packs[i].id && !strcasecmp(id, p->packs[i].id)) {
			*what = "a pack's id (its PDF)";
			return 1;
		}
	return 0;
}

/* The files the site writes in html/ beside the documents' pages, and
 * the XML's own file in xml/: a folder of a document's id may not be
 * named like one (judge_folders). */
static const char *const site_files[] = {
	"index.html", "glossary.html", "whats-new.html", "review.html",
	"search.html", "404.html", "packs.html", "contacts.html",
	"sources.html", "feed.xml", "sitemap.xml", "search-index.js",
	"search.js", "page.js", "style.css", "brand.css", "review.csv",
	"review.ics", NULL
};

static int
ends_with(const char *s, size_t n, const char *ext)
{
	size_t k = strlen(ext);

	return n > k && !strncmp(s + n - k, ext, k);
}

/* Document or pack id `stem`, n bytes: 1 for a document, 2 for a
 * pack, else 0. */
static int
output_owner(const project *p, const strtab *ids, const char *stem, size_t n)
{
	char *s = xstrndup(stem, n);
	int r = strtab_get(ids, s) >= 0;
	size_t i;

	for (i = 0; !r && i < p->npacks; i++)
		if (p->packs[i].id && !strcmp(p->packs[i].id, s))
			r = 2;
	free(s);
	return r;
}

/* What output file has the name of folder f (a leading part of an id)
 * in one of OUT's folders, or NULL.  Caller frees. */
static char *
folder_clash(const project *p, const strtab *ids, const char *f)
{
	size_t n = strlen(f), i;
	const char *last = strrchr(f, '/');
	int who;

	/* every file an output makes has a dot in its name: most folders
	 * are over at once */
	if (!strchr(last ? last + 1 : f, '.'))
		return NULL;
	for (i = 0; site_files[i]; i++)
		if (!strcasecmp(f, site_files[i]))
			return xasprintf("the site's html/%s", site_files[i]);
	if (!strcasecmp(f, "corpus.xml"))
		return xstrdup("the corpus's xml/corpus.xml");
	if (ends_with(f, n, ".html") && output_owner(p, ids, f, n - 5) == 1)
		return xasprintf("the page html/%s of '%.*s'", f,
		    (int)(n - 5), f);
	if (ends_with(f, n, ".xml") && output_owner(p, ids, f, n - 4) == 1)
		return xasprintf("the XML xml/%s of '%.*s'", f, (int)(n - 4), f);
	if (!ends_with(f, n, ".pdf"))
		return NULL;
	if ((who = output_owner(p, ids, f, n - 4)) != 0)
		return xasprintf("the PDF pdf/%s of %s'%.*s'", f,
		    who == 2 ? "pack " : "", (int)(n - 4), f);
	/* html/pdf/ holds the site's copies of the PDFs */
	if (!strncmp(f, "pdf/", 4) &&
	    (who = output_owner(p, ids, f + 4, n - 8)) != 0)
		return xasprintf("the site's copy html/%s of the PDF of "
		    "%s'%.*s'", f, who == 2 ? "pack " : "", (int)(n - 8), f + 4);
	return NULL;
}

/*
 * A folder of an id named like a file another output already is: the
 * page of "z" is html/z.html, so a document "z.html/a" would need
 * html/z.html to be a folder; likewise xml/z.xml, pdf/z.pdf (a
 * document's or a pack's), the site's copies of the PDFs in html/pdf/,
 * and the site's own files (html/feed.xml, xml/corpus.xml...).  One of
 * the two would not be written, and the build would fail where check
 * had said nothing.  That folder of the id gets "-2" (every document in
 * it alike, so they stay together), an id-reserved error as for the
 * generated pages' own names.
 */
static void
judge_folders(pipeline *pl, document **docs, size_t n)
{
	strtab *ids = strtab_new(n);
	size_t i;

	for (i = 0; i < n; i++)
		strtab_put(ids, docs[i]->id, (long)i);
	for (i = 0; i < n; i++) {
		document *d = docs[i];
		char *id = xstrdup(d->id), *slash, *what = NULL, *first = NULL;

		for (slash = strchr(id, '/'); slash; slash = strchr(slash + 1,
		    '/')) {
			char *w, *fresh;
			size_t k = (size_t)(slash - id);

			*slash = '\0';
			w = folder_clash(pl->p, ids, id);
			if (w && !what) {
				what = w;
				first = xstrdup(id);
			} else
				free(w);
			*slash = '/';
			if (!w)
				continue;
			fresh = xasprintf("%.*s-2%s", (int)k, id, slash);
			free(id);
			id = fresh;
			slash = id + k + 2;
		}
		if (what) {
			diag_report_sev(pl->ds, SEV_ERROR, R_ID_RESERVED,
			    d->path, 0, 0, "id '%s' has a folder '%s' where %s "
			    "is written; published as '%s'", d->id, first, what,
			    id);
			free(d->id);
			d->id = id;
		} else
			free(id);
		free(what);
		free(first);
	}
	strtab_free(ids);
}

/* An id every output path can be made from: unsafe segments ("", ".",
 * "..", control characters, backslashes) are replaced, long segments cut
 * at a character boundary.  Caller frees. */
static char *
safe_id(const char *id)
{
	buf b;
	const char *s = id;

	buf_init(&b);
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s), k, start;
		int dots = 1;

		if (b.len)
			buf_putc(&b, '/');
		start = b.len;
		for (k = 0; k < n; k++) {
			unsigned char ch = (unsigned char)s[k];
			if (ch < 0x20 || ch == '\\' || ch == 0x7f)
				continue;
			if (ch != '.')
				dots = 0;
			buf_putc(&b, (char)ch);
		}
		if (dots) {
			/* "", "." and ".." (and "...") become underscores */
			b.len = start;
			for (k = 0; k < n || k == 0; k++)
				buf_putc(&b, '_');
		}
		if (b.len - start > ID_SEGMENT_MAX) {
			size_t cut = start + ID_SEGMENT_MAX;
			while (cut > start &&
			    ((unsigned char)b.data[cut] & 0xc0) == 0x80)
				cut--;
			b.len = cut;
		}
		b.data[b.len] = '\0';
		s += n;
		if (*s == '/')
			s++;
	}
	if (!b.len)
		buf_puts(&b, "_");
	return buf_detach(&b);
}

static int
segment_too_long(const char *id)
{
	const char *s = id, *e;

	for (;; s = e + 1) {
		e = strchr(s, '/');
		if ((size_t)((e ? e : s + strlen(s)) - s) > ID_SEGMENT_MAX)
			return 1;
		if (!e)
			return 0;
	}
}

/*
 * The one judgement of ids as output paths, made before the corpus is
 * indexed so every link and every back end sees the id that is
 * published.  An id that would leave OUT or is too long for a file name
 * is id-invalid; one a generated file already uses is id-reserved.  Each
 * is published under a changed id (as id-duplicate does), never lost.
 */
static void
judge_ids(pipeline *pl, document **docs, size_t n)
{
	size_t i;
	const char *what;

	for (i = 0; i < n; i++) {
		document *d = docs[i];
		char *fresh = NULL;

		if (!document_id_safe(d->id)) {
			fresh = safe_id(d->id);
			diag_report(pl->ds, R_ID_INVALID, d->path, 0, 0,
			    "id '%s' would leave the output folder; published "
			    "as '%s'", d->id, fresh);
		} else if (segment_too_long(d->id)) {
			fresh = safe_id(d->id);
			diag_report(pl->ds, R_ID_INVALID, d->path, 0, 0,
			    "id has a part longer than %d bytes, too long for a "
			    "file name; published as '%s'", ID_SEGMENT_MAX, fresh);
		} else if (id_reserved(pl->p, d->id, &what)) {
			fresh = xasprintf("%s-2", d->id);
			diag_report_sev(pl->ds, SEV_ERROR, R_ID_RESERVED,
			    d->path, 0, 0, "id '%s' is %s; published as '%s'", d->id, what,
			    fresh);
		}
		if (fresh) {
			free(d->id);
			d->id = fresh;
		}
	}
	judge_folders(pl, docs, n);
}

/* The glossary a project names, read only from inside the project. */
static struct glossary *
load_glossary(pipeline *pl)
{
	project *p = pl->p;
	int named = yval_get(p->config, "glossary") != NULL;
	char *abs = NULL;
	enum fsio_inside r = fsio_resolve_inside(p->dir, p->glossary_path,
	    FSIO_WANT_FILE, &abs);
	struct glossary *g;

	if (r == FSIO_OUTSIDE || r == FSIO_NOT_REGULAR) {
		int line, col;
		key_at(p, "glossary", &line, &col);
		diag_report(pl->ds, R_CONFIG_INVALID, "policyc.yaml", line, col,
		    "glossary '%s' %s; not read", p->glossary_path,
		    fsio_inside_reason(r));
		return NULL;
	}
	if (r == FSIO_MISSING) {
		/* glossary_load says so when the project named it */
		char *gpath = path_join(p->dir, p->glossary_path);
		g = glossary_load(gpath, p->glossary_path, named, pl->ds);
		free(gpath);
		return g;
	}
	g = glossary_load(abs, p->glossary_path, named, pl->ds);
	free(abs);
	return g;
}

/* `policyc render FILE`: the file as the one document of a project made
 * up around it. */
static int
load_render_file(pipeline *pl)
{
	const char *file = pl->o.render_file;
	char *slash, *base;
	document **docs;
	project *p = &pl->render_p;

	pl->render_dir = xstrdup(file);
	slash = strrchr(pl->render_dir, '/');
	if (slash) {
		*slash = '\0';
		base = slash + 1;
	} else {
		free(pl->render_dir);
		pl->render_dir = xstrdup(".");
		base = (char *)file;
	}
	pl->render_config.kind = YV_MAP;
	p->dir = pl->render_dir;
	p->config = &pl->render_config;
	p->title = (char *)"";
	p->content = (char *)".";
	p->language = (char *)"en";
	p->allow_html = pl->o.allow_html;
	docs = xmalloc(sizeof *docs);
	docs[0] = document_load(p, base, base, pl->ds);
	if (docs[0]->broken) {
		document_free(docs[0]);
		free(docs);
		return PIPELINE_UNREADABLE;
	}
	/* a fragment shows the whole body: no page title stands in for a
	 * leading h1 here */
	docs[0]->title_node = NULL;
	pl->c = corpus_new(p, docs, 1, pl->ds);
	if (!date_today(pl->o.today, pl->c->today))
		date_today(NULL, pl->c->today);
	return PIPELINE_OK;
}

int
pipeline_load(pipeline *pl)
{
	char **rel = NULL, *content_dir;
	document **docs;
	size_t n, i, ahead;
	load_ctx lc;
	char today[11];
	strtab *left_out;

	if (pl->unreadable)
		return PIPELINE_UNREADABLE;
	if (pl->stage >= ST_LOADED)
		return PIPELINE_OK;
	pl->stage = ST_LOADED;
	if (pl->o.render_file) {
		if (load_render_file(pl) != PIPELINE_OK)
			pl->unreadable = 1;
		return pl->unreadable ? PIPELINE_UNREADABLE : PIPELINE_OK;
	}

	pl->p = project_load(pl->o.dir, pl->ds);
	if (!pl->p || !judge_today(pl, today)) {
		pl->unreadable = 1;
		return PIPELINE_UNREADABLE;
	}
	/* editions: a project that extends a core also loads the core's
	 * documents, its overlays merged in (extends.c); it may have no
	 * documents of its own */
	pl->ed = extends_open(pl->p, pl->ds);
	if (pl->ed && !extends_has_content(pl->p))
		n = 0;
	else if (!(content_dir = content_folder(pl))) {
		pl->unreadable = 1;
		return PIPELINE_UNREADABLE;
	} else {
		n = list_documents(pl, content_dir, &rel);
		free(content_dir);
	}
	if (pl->o.timings)
		say_heap_pages();
	pipeline_stage(pl, "scan");

	if (pl->ed)
		docs = extends_load(pl->ed, rel, n, pl->jobs, &n, pl->ds);
	else {
		docs = xcalloc(n ? n : 1, sizeof *docs);
		lc.p = pl->p;
		lc.rel = rel;
		lc.docs = docs;
		lc.ds = pl->ds;
		lc.bounded = pl->bounded = pipeline_bounded_wanted(n);
		if (pl->o.timings && pl->bounded)
			fprintf(stderr, "timing: bounded: no document's tree "
			    "held between stages (%zu documents)\n", n);
		lc.standby = !lc.bounded && pl->o.standby &&
		    standby_fits(pl->o.standby, pl->p) ? pl->o.standby : NULL;
		/* a build into OUT: the bodies read as the cache recorded
		 * them are not parsed until a stage reads them (incrparse.c;
		 * a bounded build parses per stage anyway: it records) */
		lc.pmemo = pl->pmemo = pl->o.cache_out && !pl->o.standby &&
		    !pl->o.link_ahead ? incr_parse_begin(pl, pl->o.cache_out,
		    !pl->o.cache_fresh && !lc.bounded) : NULL;
		jobs_run(n, pl->jobs, load_one, &lc);
		/* the link world, for a standby that linked ahead, and for
		 * the build cache's filter keys (incrfilters.c: a document
		 * read as before and linked in the same world has the same
		 * view) */
		if ((lc.standby && standby_link_world(lc.standby)) ||
		    pl->o.link_ahead || pl->o.cache_out)
			prelink_world(pl->p, pipeline_data_dir(), docs, n,
			    pl->o.drafts, pl->o.cache_out, pl->world,
			    pl->names);
		ahead = pl->linked_ahead = lc.standby ?
		    keep_linked_ahead(pl, lc.standby, docs, n) : 0;
		if (pl->o.timings && pl->o.standby)
			fprintf(stderr, "timing:   standby: %zu of %zu "
			    "documents parsed ahead, %zu linked ahead\n",
			    lc.standby ? standby_taken(lc.standby) : 0, n,
			    ahead);
		for (i = 0; i < n; i++)
			free(rel[i]);
		free(rel);
	}
	pipeline_stage(pl, "parse");

	left_out = leave_out_drafts(pl, docs, &n);
	judge_ids(pl, docs, n);
	pl->c = corpus_new(pl->p, docs, n, pl->ds);
	pl->c->left_out = left_out;
	memcpy(pl->c->today, today, sizeof today);
	if (pl->bounded) {
		pl->quiet = diag_new_quiet(pl->ds);
		pl->c->tree_make = make_tree;
		pl->c->source_read = read_text;
		pl->c->tree_ctx = pl;
	}
	for (i = 0; i < pl->c->ndocs; i++) {
		pl->deferred += pl->c->docs[i]->tree_deferred;
		pl->trusted += pl->c->docs[i]->trusted;
	}
	if (!pl->bounded && pl->deferred) {
		/* each unparsed body is parsed when first read, and kept;
		 * a text taken by its file's stat is read when first asked
		 * for (incrparse.c, incr_parse_trust) */
		pl->quiet = diag_new_quiet(pl->ds);
		pl->c->tree_make = make_tree;
		pl->c->source_read = read_text;
		pl->c->tree_ctx = pl;
	}
	if (pl->o.timings && pl->pmemo)
		fprintf(stderr, "timing:   bodies kept from the cache: %zu of "
		    "%zu documents (%zu texts known by their file's stat, not "
		    "read)\n", pl->deferred, n, pl->trusted);
	if (!pl->ed || !(pl->c->glossary = extends_glossary(pl->ed, pl->ds)))
		pl->c->glossary = load_glossary(pl);
	/* the final glossary's definitions read the variables of the
	 * project being built (an edition's own contacts) */
	glossary_substitute(pl->c->glossary, pl->p, pl->ds);
	/* colours and their contrast, the logo; pack members: judged here
	 * so check says what build would */
	brand_resolve(pl->p, pl->ds);
	packs_resolve(pl->c, pl->ds);
	pipeline_stage(pl, "index");
	return PIPELINE_OK;
}

/* What pipeline_load does before it reads a document, alone: reads
 * policyc.yaml and lists the project's own documents (serve's standby
 * parses them ahead of the save).  What the scan would report is left
 * to the builds. */
size_t
pipeline_scan(pipeline *pl, char ***rel)
{
	char *content_dir;
	size_t n = 0;

	*rel = NULL;
	if (pl->stage != ST_NONE || pl->p || pl->o.render_file)
		return 0;
	pl->p = project_load(pl->o.dir, pl->ds);
	if (pl->p && (content_dir = content_folder(pl))) {
		n = list_documents(pl, content_dir, rel);
		free(content_dir);
	}
	return n;
}

/* links_resolve's after-hook: document i's citations.  With --timings
 * their CPU time is added up, so the links stage's line can say how
 * much of it they were (they were a stage of their own once). */
static void
judge_citations(void *ctx, size_t i)
{
	pipeline *pl = ctx;
	doc_prelink *r = pl->c->docs[i]->prelink;
	double t0 = pl->o.timings ? date_thread_cpu() : 0;
	if (r && pl->o.link_ahead) {
		/* the standby: judged into the document's own findings,
		 * its citations kept with them (prelink.h) */
		govern_judge_document(pl->c->govern, pl->c, i, r->ds);
		govern_take_list(pl->c->govern, i, &r->cites, &r->ncites);
		r->judged = 1;
	} else if (r && r->judged) {
		/* linked and judged ahead: as judged then */
		govern_give_list(pl->c->govern, i, r->cites, r->ncites);
		r->cites = NULL;
		r->ncites = 0;
	} else   /* into its own findings when the pass keeps them */
		govern_judge_document(pl->c->govern, pl->c, i,
		    r ? r->ds : pl->ds);
	if (pl->o.timings)
		atomic_fetch_add(&pl->citations_ns,
		    (long long)((date_thread_cpu() - t0) * 1e9));
}

int
pipeline_link(pipeline *pl)
{
	size_t kept = 0;

	if (pipeline_load(pl) != PIPELINE_OK)
		return PIPELINE_UNREADABLE;
	if (pl->stage >= ST_LINKED)
		return PIPELINE_OK;
	pl->stage = ST_LINKED;
	if (pl->o.render_file)
		return PIPELINE_OK;   /* links classified by form only */
	/* citations are judged document by document inside the link pass,
	 * each while its tree is still in the worker's cache (govern.c) */
	pl->c->govern = govern_begin(pl->c, pipeline_data_dir(), pl->ds);
	pl->c->link_ahead = pl->o.link_ahead;   /* serve's standby */
	/* a build into OUT records each document's links for the next
	 * (incrlinks.c), and takes those it recorded last time for the
	 * documents read with the same text in the same world; their trees
	 * are linked when a stage reads one.  Not serve's builds: its
	 * standby links ahead (prelink.h), and recording would only slow
	 * the save-to-reload path */
	pl->c->link_record = pl->o.cache_out && !pl->o.link_ahead &&
	    !pl->o.standby && !pl->ed && *pl->world;
	if (pl->c->link_record)
		incr_links_faces(pl->c);
	if (pl->c->link_record && !pl->o.cache_fresh &&
	    (kept = incr_links_restore(pl, pl->o.cache_out)) &&
	    !pl->c->tree_make) {
		if (!pl->quiet)
			pl->quiet = diag_new_quiet(pl->ds);
		pl->c->tree_make = make_tree;
		pl->c->tree_ctx = pl;
	}
	links_resolve(pl->c, pl->jobs, pl->ds, judge_citations, pl);
	if (pl->bounded || kept)   /* a tree made again is linked again */
		pl->replay = links_replayer_new(pl->c, pl->ds);
	if (pl->o.timings && pl->c->link_record)
		fprintf(stderr, "timing:   links kept from the cache: %zu of "
		    "%zu documents\n", kept, pl->c->ndocs);
	corpus_index_edges(pl->c);
	if (pl->o.timings)
		fprintf(stderr, "timing:   citations in links cpu %.3f s\n",
		    (double)atomic_load(&pl->citations_ns) / 1e9);
	pipeline_stage(pl, "links");
	return PIPELINE_OK;
}

/* Keeps the diagnostics outside [first, end) (diag_filter's order). */
typedef struct {
	size_t at, first, end;
} drop_range;

static int
keep_outside(void *ctx, const diagnostic *d)
{
	drop_range *r = ctx;
	size_t at = r->at++;

	(void)d;
	return at < r->first || at >= r->end;
}

/*
 * The filters.  A build into an OUT with a cache (pipeline_options
 * cache_out) spares the document-local built-in filters the documents
 * whose view is what it was (incrfilters.c); should one of them stop
 * with an error, its reports are dropped and the local filters run
 * again over every document, so the findings are a full run's.  Not
 * for editions (extends.c remaps the documents' lines afterwards).
 */
/* --timings: how many shipped filters ran as their C mirrors. */
static void
say_mirrored(const pipeline *pl)
{
	size_t mirrored, shipped = filters_last_shipped(&mirrored);

	if (pl->o.timings)
		fprintf(stderr, "timing:   shipped filters run in C: %zu of "
		    "%zu\n", mirrored, shipped);
}

static void
run_filters(pipeline *pl, diag_set *ds)
{
	char *dir = pl->o.filters_dir ? xstrdup(pl->o.filters_dir) :
	    path_join(pipeline_data_dir(), "filters");
	filters_memo m;
	double t0 = date_monotonic(), t1;

	if (!pl->o.cache_out || pl->ed || ds != pl->ds || pl->fmemo ||
	    !(pl->fmemo = incr_filters_begin(pl, pl->o.cache_out))) {
		filters_run(pl->c, dir, ds, pl->jobs);
		say_mirrored(pl);
		free(dir);
		return;
	}
	t1 = date_monotonic();
	memset(&m, 0, sizeof m);
	m.skip = incr_filters_skip(pl->fmemo);
	m.index_replay = incr_filters_index_replay(pl->fmemo);
	filters_run_memo(pl->c, dir, ds, pl->jobs, &m);
	if (pl->o.timings)
		fprintf(stderr, "timing:   filter keys %.3f s, filters run "
		    "%.3f s, document-local over %zu of %zu documents%s\n",
		    t1 - t0, date_monotonic() - t1, m.local_docs,
		    pl->c->ndocs, m.index_replay ?
		    " (corpus-index filters replayed)" : "");
	say_mirrored(pl);
	if (!incr_filters_end(pl->fmemo, &m, ds)) {
		drop_range r = { 0, m.local_first, m.local_end };
		diag_filter(ds, keep_outside, &r);
		memset(&m, 0, sizeof m);
		m.only_local = 1;
		filters_run_memo(pl->c, dir, ds, pl->jobs, &m);
	}
	free(dir);
}

/* The project's own site templates (templates/html/), judged here like
 * any other input: a stylesheet that reads outside the template folders,
 * declares an external entity or does not compile is reported by check
 * as by build.  The built-in templates are part of policyc. */
int
pipeline_templates_judged(const pipeline *pl)
{
	/* the project's own, or its cores' (an edition inherits them) */
	return extends_any_layer(pl->p, "templates/html");
}

static void
check_templates(pipeline *pl)
{
	if (pipeline_templates_judged(pl))
		html_check_templates(pl->p->dir, pipeline_data_dir(), pl->ds);
}

int
pipeline_check(pipeline *pl)
{
	if (pipeline_link(pl) != PIPELINE_OK)
		return PIPELINE_UNREADABLE;
	if (pl->stage >= ST_CHECKED)
		return PIPELINE_OK;
	pl->stage = ST_CHECKED;
	/* review states with today (before the filters read them), and the
	 * published names and sizes of the images links.c found */
	meta_judge(pl->c, pl->ds);
	assets_collect(pl->c, pl->ds);
	if (pl->o.render_file)
		return PIPELINE_OK;
	check_templates(pl);
	pipeline_stage(pl, "judge");
	pl->h = history_judge(pl->c, pl->ds);  /* before the filters read amendments */
	pipeline_stage(pl, "history");
	govern_finish(pl->c->govern, pl->c, pl->ds);
	pipeline_stage(pl, "govern");
	if (!pl->o.no_filters)
		run_filters(pl, pl->ds);
	extends_remap(pl->ed, pl->ds);  /* local text: the overlay's lines */
	pipeline_stage(pl, "filters");
	(void)pipeline_changed_file(pl);
	return PIPELINE_OK;
}

int
pipeline_changed_file(pipeline *pl)
{
	size_t k = atomic_load(&pl->changed);

	if (k && !pl->changed_said) {
		pl->changed_said = 1;
		diag_report(pl->ds, R_FILE_UNREADABLE, pl->c->docs[k - 1]->path,
		    0, 0, "the file changed while it was being read (the "
		    "build read it again for a later stage); nothing is "
		    "published from this run: run it again");
	}
	return k != 0;
}

void
pipeline_rerun_filters(pipeline *pl, diag_set *ds)
{
	if (pipeline_link(pl) != PIPELINE_OK)
		return;
	run_filters(pl, ds);
}

/* ---- the model ---- */

typedef struct {
	pipeline *pl;
	xmlDocPtr *docs;
} model_ctx;

/* Document i's XML tree, read back from OUT when nothing it is made
 * from changed (incrmodel.c), else made.  From here on the XML tree is
 * the document: the back ends never read the cmark tree.
 *
 * A bounded build frees the cmark tree now, so a large corpus never
 * holds both trees of every document at once.  Any other build holds
 * every tree from the load to here anyway, and keeps it to the end,
 * freed by the kernel with the rest (pipeline_free_at_exit): the filter
 * stage forked, so freeing a tree writes to pages the kernel must copy
 * or unprotect one by one, and memory freed here and used again by the
 * back ends faults the same way.  Freeing them here was 12 % of a
 * 1,000-document build's CPU and 40 % of its page faults; keeping them
 * raises its peak resident set from 134 to about 165 MiB. */
static xmlDocPtr
model_doc(pipeline *pl, size_t i)
{
	document *d = pl->c->docs[i];
	xmlDocPtr x = incr_model_tree(pl->mmemo, i);

	if (!x) {
		(void)corpus_tree_need(pl->c, i);
		x = xmlout_document(pl->c, i, pl->ds);
		/* a tree read back from OUT holds its history already */
		history_model_doc(pl->h, d, x);
		atomic_fetch_add(&pl->trees_made, 1);
	}
	if (pl->bounded || pipeline_free_at_exit())
		document_drop_tree(d);
	if (pl->modelled)
		pl->modelled[i] = 1;
	return x;
}

static void
model_one(void *arg, size_t i, int worker)
{
	model_ctx *m = arg;

	(void)worker;
	m->docs[i] = model_doc(m->pl, i);
}

static int
model(pipeline *pl, int stream, int lean_ok)
{
	model_ctx m;

	if (pipeline_check(pl) != PIPELINE_OK)
		return PIPELINE_UNREADABLE;
	if (pl->stage >= ST_MODELLED)
		return PIPELINE_OK;
	pl->stage = ST_MODELLED;
	if (pl->o.render_file) {
		/* render's diagnostics are about looking at one file: the
		 * XML writer's own are not wanted there (as before) */
		pl->dx = xcalloc(1, sizeof *pl->dx);
		pl->dx[0] = xmlout_document(pl->c, 0, NULL);
		return PIPELINE_OK;
	}
	/* editions remap every tree's diagnostics after they are all made;
	 * history is added to each tree as it is made (model_doc) and to
	 * corpus.xml once it is whole (pipeline_corpus_xml) */
	pl->streamed = stream && !pl->ed;
	/* the built-in corpus pages read neither corpus.xml's graph nor its
	 * diagnostics: a project's own templates may */
	pl->lean = pl->streamed && lean_ok &&
	    !extends_any_layer(pl->p, "templates/html");
	/* streamed: only corpus.xml's head while every document's cmark
	 * tree is alive; the rest once they are gone (pipeline_corpus_xml),
	 * so the two are never held at once */
	if (pl->streamed)
		pl->cx = xmlout_corpus_head(pl->c, pl->ds, &pl->cx_rest);
	else
		pl->cx = xmlout_corpus(pl->c, pl->ds);
	pipeline_stage(pl, "corpus");
	/* not with editions, which change the trees after this; a tree
	 * read back is keyed with its history (incrmodel.c) */
	if (pl->o.cache_out && !pl->ed)
		pl->mmemo = incr_model_begin(pl, pl->o.cache_out,
		    pl->o.cache_fresh);
	pipeline_stage(pl, "keys");
	m.pl = pl;
	m.docs = pl->dx = xcalloc(pl->c->ndocs ? pl->c->ndocs : 1,
	    sizeof *pl->dx);
	if (pl->bounded || pl->deferred)
		pl->modelled = xcalloc(pl->c->ndocs ? pl->c->ndocs : 1, 1);
	if (pl->streamed)
		return PIPELINE_OK;
	jobs_run(pl->c->ndocs, pl->jobs, model_one, &m);
	history_model_corpus(pl->h, pl->cx);
	extends_remap(pl->ed, pl->ds);
	return PIPELINE_OK;
}

int
pipeline_model(pipeline *pl)
{
	return model(pl, 0, 0);
}

int
pipeline_model_streamed(pipeline *pl)
{
	return model(pl, 1, 1);
}

int
pipeline_model_streamed_whole(pipeline *pl)
{
	return model(pl, 1, 0);
}

int
pipeline_bounded(const pipeline *pl)
{
	return pl->bounded;
}

int
pipeline_streamed(const pipeline *pl)
{
	return pl->streamed;
}

xmlDocPtr
pipeline_tree(pipeline *pl, size_t i)
{
	if (!pl->dx || i >= pl->c->ndocs)
		return NULL;
	/* made once: its cmark tree goes when it is made (bounded: there
	 * is none until then, and modelled says it was made) */
	if (!pl->dx[i] && pl->streamed && (pl->modelled ?
	    !pl->modelled[i] && !pl->c->docs[i]->broken :
	    pl->c->docs[i]->root != NULL))
		pl->dx[i] = model_doc(pl, i);
	return pl->dx[i];
}

void
pipeline_tree_release(pipeline *pl, size_t i)
{
	if (pl->streamed && pl->dx && i < pl->c->ndocs && pl->dx[i]) {
		xmlFreeDoc(pl->dx[i]);
		pl->dx[i] = NULL;
	}
}

/* ---- accessors ---- */

const project *
pipeline_project(const pipeline *pl)
{
	return pl->o.render_file ? &pl->render_p : pl->p;
}

const char *
pipeline_link_world(const pipeline *pl)
{
	return pl->world;
}

const char *
pipeline_link_names(const pipeline *pl)
{
	return pl->names;
}

size_t
pipeline_linked_ahead(const pipeline *pl)
{
	return pl->linked_ahead;
}

corpus *
pipeline_corpus(const pipeline *pl)
{
	return pl->c;
}

size_t
pipeline_trees_made(pipeline *pl)
{
	return atomic_load(&pl->trees_made);
}

size_t
pipeline_ndocs(const pipeline *pl)
{
	return pl->c ? pl->c->ndocs : 0;
}

xmlDocPtr
pipeline_corpus_xml(const pipeline *pl)
{
	if (pl->cx && pl->cx_rest) {
		/* finished once, by the first caller after the document
		 * trees (a cache, not a change the caller sees) */
		pipeline *w = (pipeline *)pl;
		double t = date_monotonic();
		if (w->lean) {
			w->cx_parts = xmlout_corpus_finish_lean(w->cx, w->c,
			    w->cx_rest);
			/* <releases> after the rest, as in a whole tree
			 * (before the tree is checked for plain writing) */
			history_model_corpus(w->h, w->cx);
			/* a tree only libxml2 writes is made whole after all */
			if (!xmldump_plain(w->cx)) {
				xmlout_corpus_fill(w->cx, w->c, w->cx_parts);
				w->cx_parts = NULL;
				w->lean = 0;
			}
		} else {
			xmlout_corpus_finish(w->cx, w->c, w->cx_rest);
			history_model_corpus(w->h, w->cx);
		}
		w->cx_rest = NULL;
		if (pl->o.timings)
			fprintf(stderr, "timing:   corpus.xml's rest     %.3f s\n",
			    date_monotonic() - t);
	}
	return pl->cx;
}

int
pipeline_corpus_xml_write(pipeline *pl, xmldump_write_fn write, void *ctx)
{
	xmlDocPtr cx = pipeline_corpus_xml(pl);
	char *s;
	size_t len;
	int rc;

	if (!cx)
		return -1;
	if (pl->lean || xmldump_plain(cx))
		return xmlout_corpus_write(cx, pl->c, pl->lean ? pl->cx_parts :
		    NULL, write, ctx);
	if (!(s = xmldump_doc(cx, &len)))
		return -1;
	rc = write(ctx, s, len) ? -1 : 0;
	free(s);
	return rc;
}

int
pipeline_corpus_rest_digest(const pipeline *pl, digest_put_fn put, void *ctx)
{
	if (!pl->cx || !pl->cx_rest || pl->h)
		return 0;
	xmlout_corpus_rest_digest(pl->c, pl->cx_rest, pl->lean, put, ctx);
	return 1;
}

int
pipeline_corpus_lean(const pipeline *pl)
{
	return pl->lean;
}

int
pipeline_corpus_edge(void *ctx, size_t k, const char **from, const char **to,
    const char **kind)
{
	const pipeline *pl = ctx;

	return pl->c ? xmlout_corpus_edge(pl->c, k, from, to, kind) : 0;
}

xmlDocPtr
pipeline_corpus_head(const pipeline *pl)
{
	return pl->cx;
}

xmlDocPtr *
pipeline_document_xml(const pipeline *pl)
{
	return pl->dx;
}

const history *
pipeline_history(const pipeline *pl)
{
	return pl->h;
}

struct incr_filters *
pipeline_filters_memo(const pipeline *pl)
{
	return pl->fmemo;
}

struct incr_model *
pipeline_model_memo(const pipeline *pl)
{
	return pl->mmemo;
}

void **
pipeline_cache_slot(pipeline *pl)
{
	return &pl->cache_text;
}

const pipeline_options *
pipeline_options_of(const pipeline *pl)
{
	return &pl->o;
}

diag_set *
pipeline_diags(const pipeline *pl)
{
	return pl->ds;
}

int
pipeline_jobs(const pipeline *pl)
{
	return pl->jobs;
}

const char **
pipeline_doc_paths(pipeline *pl)
{
	size_t i, n = pipeline_ndocs(pl);

	if (!pl->paths && n) {
		pl->paths = xcalloc(n, sizeof *pl->paths);
		for (i = 0; i < n; i++)
			pl->paths[i] = pl->c->docs[i]->path;
	}
	return pl->paths;
}

void
pipeline_free(pipeline *pl)
{
	size_t i;

	if (!pl)
		return;
	if (pl->dx) {
		for (i = 0; i < (pl->c ? pl->c->ndocs : 0); i++)
			if (pl->dx[i])
				xmlFreeDoc(pl->dx[i]);
		free(pl->dx);
	}
	if (pl->cx_rest)
		diag_free(pl->cx_rest);
	xmlout_parts_free(pl->cx_parts);
	if (pl->cx)
		xmlFreeDoc(pl->cx);
	history_free(pl->h);
	incr_filters_free(pl->fmemo);
	incr_model_free(pl->mmemo);
	incr_cache_text_free(pl->cache_text);
	links_replayer_free(pl->replay);
	incr_parse_free(pl->pmemo);
	if (pl->quiet)
		diag_free(pl->quiet);
	free(pl->modelled);
	if (pl->c) {
		xmlout_release(pl->c);
		govern_free(pl->c->govern);
		if (pl->c->glossary)
			glossary_free(pl->c->glossary);
		corpus_free(pl->c);
	}
	extends_free(pl->ed);   /* after the corpus: documents borrow it */
	if (pl->p)
		project_free(pl->p);
	free(pl->render_dir);
	free(pl->paths);
	free(pl);
}
