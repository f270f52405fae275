/*
 * editions.c — the command line of editions: `policyc overlay update
 * [DIR]` (record the core sections' hashes in the overlays: accept the
 * core's changes), and several editions in one run — `policyc build|check
 * DIR --edition NAME|all` with the editions listed under `editions:` in
 * DIR/policyc.yaml, or `policyc build|check A B C` with several project
 * folders.  Each edition goes through the one pipeline (pipeline.h) and
 * is published into OUT/<edition>/; core files the editions share are
 * read once (extends.c's cache, counted by --stats).  Editions are built
 * side by side on jobs.h's threads (the threads left over shared among
 * each edition's own stages); each keeps its diagnostics in its own set,
 * gathered in edition order and sorted, so the output and the order of
 * diagnostics do not depend on timing.  main.c calls
 * editions_main first; it answers -1 for anything else.
 */
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "date.h"
#include "diagfmt.h"
#include "docshare.h"
#include "editions.h"
#include "options.h"
#include "extends.h"
#include "hugepages.h"
#include "fsio.h"
#include "htmlxsl.h"
#include "incremental.h"
#include "jobs.h"
#include "pipeline.h"
#include "publish.h"
#include "util.h"

#define MAX_EDITIONS 64

typedef struct {
	char *name, *dir;
} edition;

typedef struct {
	pipeline_options po;
	publish_options pub;
	const char *out;
	diag_format format;
	int check_only, strict, stats, all;
	const char *names[MAX_EDITIONS];
	size_t nnames;
	const char *dirs[MAX_EDITIONS];
	size_t ndirs;
} ed_cmd;

/* The run's options, read by the one table (options.c), as editions
 * take them; the exit status of a usage error, else -1. */
static int
take_options(const options *o, ed_cmd *c)
{
	const char *bad = options_not_for_editions(o);
	size_t i;

	if (bad)
		return options_usage("option '--%s' is not for editions", bad);
	c->po = o->po;
	c->pub = o->pub;
	c->out = o->pub.out;
	c->format = o->format;
	c->strict = o->strict;
	c->stats = o->stats;
	c->all = o->all_editions;
	for (i = 0; i < o->neditions; i++)
		c->names[c->nnames++] = o->editions[i];
	for (i = 0; i < o->noperands; i++)
		c->dirs[c->ndirs++] = o->operands[i];
	return -1;
}

/* The editions to build: from DIR/policyc.yaml's editions: with
 * --edition, else one per folder (named by its last part). */
static int
plan(ed_cmd *c, edition *ed, size_t *ned)
{
	size_t i, k;

	*ned = 0;
	if (!c->nnames && !c->all) {
		for (i = 0; i < c->ndirs; i++) {
			const char *slash;
			char *d = fsio_strip_slashes(c->dirs[i]);
			slash = strrchr(d, '/');
			ed[i].name = xstrdup(slash ? slash + 1 : d);
			ed[i].dir = d;
		}
		*ned = c->ndirs;
		return -1;
	}
	{
		const char *ws = c->ndirs ? c->dirs[0] : ".";
		char *path = path_join(ws, "policyc.yaml"), *text;
		size_t len;
		yval *v = NULL, *list;
		yval_error err;

		if (c->ndirs > 1)
			return options_usage("%s", "--edition takes one workspace folder");
		text = read_file(path, &len);
		if (text)
			v = yval_parse(text, len, 0, &err);
		free(text);
		free(path);
		list = v ? yval_get(v, "editions") : NULL;
		if (!list || list->kind != YV_MAP || !list->n) {
			if (v)
				yval_free(v);
			return options_usage("'%s/policyc.yaml' lists no editions: (a map "
			    "of edition names to project folders)", ws);
		}
		for (k = 0; k < c->nnames; k++)
			if (yval_key_index(list, c->names[k]) < 0) {
				const char *near = suggest(c->names[k],
				    (const char *const *)list->keys, list->n);
				fprintf(stderr, "policyc: no edition '%s'%s%s%s "
				    "(see policyc --help)\n", c->names[k],
				    near ? "; did you mean '" : "", near ? near : "",
				    near ? "'?" : "");
				yval_free(v);
				return EXIT_USAGE;
			}
		for (i = 0; i < list->n && *ned < MAX_EDITIONS; i++) {
			int want = c->all;
			for (k = 0; k < c->nnames; k++)
				want |= !strcmp(c->names[k], list->keys[i]);
			if (!want || !yval_is_scalar(list->items[i]))
				continue;
			{
				char *joined = path_join(ws, list->items[i]->str);
				ed[*ned].name = xstrdup(list->keys[i]);
				ed[*ned].dir = extends_norm_path(joined);
				free(joined);
				(*ned)++;
			}
		}
		yval_free(v);
	}
	return -1;
}

/* Diagnostics of one edition into the run's set, their paths made
 * relative to where policyc runs (the same core file reads the same from
 * every edition, so the set can drop repeats). */
static void
gather(diag_set *all, diag_set *ds, const char *dir)
{
	size_t i;

	for (i = 0; i < diag_count(ds); i++) {
		const diagnostic *d = diag_at(ds, i);
		char *joined = d->file && *d->file ? path_join(dir, d->file) :
		    xstrdup(dir);
		char *file = extends_norm_path(joined);
		diag_report_named(all, (int)d->sev, d->rule, file, d->line, d->col,
		    "%s", d->message);
		free(file);
		free(joined);
	}
	for (i = 0; i < diag_document_count(ds); i++) {
		const char *path, *owner, *url;
		char *joined, *file;

		diag_document_at(ds, i, &path, &owner, &url);
		joined = path_join(dir, path);
		file = extends_norm_path(joined);
		diag_add_document(all, file, owner, url);
		free(file);
		free(joined);
	}
}

/* Keeps the first of equal diagnostics (after diag_sort). */
typedef struct {
	char *file, *rule, *message;
	int line, col;
} last_kept;

static int
keep_new(void *ctx, const diagnostic *d)
{
	last_kept *k = ctx;
	if (k->file && !strcmp(k->file, d->file) && !strcmp(k->rule, d->rule) &&
	    !strcmp(k->message, d->message) && k->line == d->line &&
	    k->col == d->col)
		return 0;
	free(k->file);
	free(k->rule);
	free(k->message);
	k->file = xstrdup(d->file);
	k->rule = xstrdup(d->rule);
	k->message = xstrdup(d->message);
	k->line = d->line;
	k->col = d->col;
	return 1;
}

/* One edition through the pipeline (and published into OUT/<name>),
 * its diagnostics kept in its own set: editions run side by side. */
typedef struct {
	ed_cmd *c;
	const edition *ed;
	diag_set **ds;        /* per edition */
	size_t *ndocs;        /* per edition */
	int *rc;              /* per edition */
	int inner;            /* threads each edition's pipeline uses */
} run_ctx;

static void
run_one(void *arg, size_t i, int worker)
{
	run_ctx *r = arg;
	ed_cmd *c = r->c;
	const edition *ed = &r->ed[i];
	diag_set *ds = r->ds[i] = diag_new();
	pipeline_options po = c->po;
	pipeline *pl;
	int rc = EXIT_OK;

	(void)worker;
	po.dir = ed->dir;
	po.jobs = r->inner;
	pl = pipeline_open(&po, ds);
	if (pipeline_check(pl) != PIPELINE_OK)
		rc = EXIT_USAGE;
	else if (!c->check_only && !(c->strict &&
	    diag_count_sev(ds, SEV_ERROR))) {
		publish_options pub = c->pub;
		char *out = path_join(c->out, ed->name);
		pub.out = out;
		rc = publish_run(pl, &pub, ds);
		free(out);
	}
	r->ndocs[i] = pipeline_ndocs(pl);
	r->rc[i] = rc;
	pipeline_free(pl);
}

/* OUT itself, flock()ed as the folder of every OUT/<edition>: a build
 * into one OUT waits for another into OUT as incremental.c's lock makes
 * it, while the editions of this run build side by side.  -1 when OUT
 * cannot be opened (each edition then locks as usual). */
static int
lock_out(const char *out)
{
	int fd;

	fsio_mkdirs(out);
	fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "policyc: note: another build is writing into "
		    "%s; waiting for it to finish\n", out);
		while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
			;
	}
	incr_parent_locked(1);
	return fd;
}

/* Runs every edition: as many side by side as there are threads (the
 * rest of the threads shared among them), then gathers their
 * diagnostics in edition order, so nothing printed depends on timing. */
static int
run_all(ed_cmd *c, const edition *ed, size_t ned, diag_set *all,
    size_t *ndocs)
{
	run_ctx r;
	int threads = c->po.jobs > 0 ? c->po.jobs : jobs_default();
	int outer = jobs_workers(ned, threads), worst = EXIT_OK, lockfd = -1;
	size_t i;

	r.c = c;
	r.ed = ed;
	r.ds = xcalloc(ned ? ned : 1, sizeof *r.ds);
	r.ndocs = xcalloc(ned ? ned : 1, sizeof *r.ndocs);
	r.rc = xcalloc(ned ? ned : 1, sizeof *r.rc);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* ASan's allocator is not safe to fork from while other threads
	 * allocate (filters.c): the filter jail of one edition would fork
	 * while another edition's threads run.  One at a time there.  The
	 * TSan runtime has the same limit: a filter child forked while
	 * another edition's threads ran now and then hung until the time
	 * limit (`make tsan`: the parent seen waiting on it in gdb, no race
	 * reported), and the editions' findings differed.  Each edition's
	 * own threads still run side by side under both. */
	outer = 1;
#endif
	r.inner = threads / outer > 0 ? threads / outer : 1;
	if (!c->check_only)
		lockfd = lock_out(c->out);
	jobs_run(ned, outer, run_one, &r);
	if (lockfd >= 0) {
		incr_parent_locked(0);
		close(lockfd);
	}
	for (i = 0; i < ned; i++) {
		gather(all, r.ds[i], ed[i].dir);
		diag_free(r.ds[i]);
		*ndocs += r.ndocs[i];
		if (r.rc[i] > worst)
			worst = r.rc[i];
	}
	free(r.ds);
	free(r.ndocs);
	free(r.rc);
	return worst;
}

int
editions_overlay(int argc, char **argv)
{
	diag_set *ds = diag_new();
	const char *dir = argc > 3 ? argv[3] : ".";
	int files = 0, n;

	if (argc < 3 || strcmp(argv[2], "update"))
		return options_usage("%s", "overlay: use `policyc overlay update [DIR]`");
	n = extends_overlay_update(dir, ds, &files);
	if (diag_count(ds))
		diag_print(ds, stderr, FMT_TEXT, NULL, 0);
	diag_free(ds);
	if (n < 0)
		return EXIT_USAGE;
	printf("%d local block%s updated in %d overlay%s\n", n,
	    n == 1 ? "" : "s", files, files == 1 ? "" : "s");
	return EXIT_OK;
}

int
editions_run(const options *o)
{
	ed_cmd c;
	edition ed[MAX_EDITIONS];
	size_t ned = 0, i, ndocs = 0, files, saved, parses, shared;
	diag_set *all;
	int rc, worst = EXIT_OK;
	char *default_out = NULL;
	last_kept k;
	FILE *fp;

	if ((strcmp(o->cmd, "build") && strcmp(o->cmd, "check")) ||
	    (!o->neditions && !o->all_editions && o->noperands < 2))
		return -1;
	memset(&c, 0, sizeof c);
	c.check_only = !strcmp(o->cmd, "check");
	if ((rc = take_options(o, &c)) >= 0)
		return rc;
	if ((rc = plan(&c, ed, &ned)) >= 0)
		return rc;
	for (i = 0; i < ned; i++) {
		size_t j;
		for (j = 0; j < i; j++)
			if (!strcmp(ed[i].name, ed[j].name)) {
				rc = options_usage("two editions would both publish into "
				    "OUT/%s: give the folders different names",
				    ed[i].name);
				for (j = 0; j < ned; j++) {
					free(ed[j].name);
					free(ed[j].dir);
				}
				return rc;
			}
	}
	if (!c.out)
		c.out = default_out = path_join(c.ndirs ? c.dirs[0] : ".", "out");
	/* malloc's settings, and its heap on huge pages (hugepages.c) */
	hugepages_setup();
	xmlInitParser();
	if (!c.check_only)
		publish_signals_install();
	/* the XSLT engine's one-time set-up switches libxml2's allocator:
	 * done here, before editions run side by side inside libxml2 */
	htmlxsl_free(htmlxsl_new(NULL, NULL));
	docshare_enable(ned > 1);   /* one parse of a text the editions share */
	all = diag_new();
	worst = run_all(&c, ed, ned, all, &ndocs);
	diag_sort(all);
	memset(&k, 0, sizeof k);
	diag_filter(all, keep_new, &k);
	free(k.file);
	free(k.rule);
	free(k.message);
	fp = (c.check_only || c.format != FMT_TEXT) ? stdout : stderr;
	diag_print(all, fp, c.format, NULL, ndocs);
	if (c.stats) {
		fflush(fp);
		extends_cache_stats(&files, &saved);
		docshare_stats(&parses, &shared);
		fprintf(stderr, "editions: %zu built, %zu documents; shared core "
		    "files: %zu read once, %zu repeat reads saved; %zu texts "
		    "parsed, %zu parses shared\n", ned, ndocs, files, saved,
		    parses, shared);
	}
	if (worst == EXIT_OK && (c.check_only || c.strict) &&
	    (diag_count_sev(all, SEV_ERROR) ||
	    (c.strict && diag_count_sev(all, SEV_WARNING))))
		worst = EXIT_ERRORS;
	for (i = 0; i < ned; i++) {
		free(ed[i].name);
		free(ed[i].dir);
	}
	diag_free(all);
	extends_cache_clear();
	docshare_clear();
	free(default_out);
	xmlCleanupParser();
	return worst;
}
