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
#include "extends.h"
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

static int
usage(const char *fmt, const char *arg)
{
	fputs("policyc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see policyc --help)\n", stderr);
	return EXIT_USAGE;
}

/* 1 when this run is one editions_main serves. */
static int
is_ours(int argc, char **argv)
{
	int i, operands = 0, files = 0;

	if (argc < 2)
		return 0;
	if (!strcmp(argv[1], "overlay"))
		return 1;
	if (strcmp(argv[1], "build") && strcmp(argv[1], "check"))
		return 0;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--edition") || !strncmp(a, "--edition=", 10))
			return 1;
		if (a[0] == '-' && a[1])
			files = 0;
		if (!strcmp(a, "--files") || !strncmp(a, "--files=", 8)) {
			files = 1;   /* check --files A B ...: names, not folders */
			continue;
		}
		if (files)
			continue;
		if (a[0] == '-' && a[1]) {
			/* options of build/check that take a value */
			if (!strcmp(a, "-o") || !strcmp(a, "--output") ||
			    !strcmp(a, "--outputs") || !strcmp(a, "--today") ||
			    !strcmp(a, "--format") || !strcmp(a, "-j") ||
			    !strcmp(a, "--jobs") || !strcmp(a, "--baseline") ||
			    !strcmp(a, "--write-baseline") ||
			    !strcmp(a, "--changed-since") ||
			    !strcmp(a, "--files-from") || !strcmp(a, "--as-of"))
				i++;
			continue;
		}
		operands++;
	}
	return operands > 1;
}

static int
parse(int argc, char **argv, ed_cmd *c)
{
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strncmp(a, "--edition=", 10)) {
			v = a + 10;
			a = "--edition";
			i--;
		}
		if (!strcmp(a, "--stats"))
			c->stats = 1;
		else if (!strcmp(a, "--strict"))
			c->strict = 1;
		else if (!strcmp(a, "--timings"))
			c->po.timings = 1;
		else if (!strcmp(a, "--drafts"))
			c->po.drafts = 1;
		else if (a[0] == '-' && a[1] && !v)
			return usage("option '%s' needs a value", a);
		else if (!strcmp(a, "--edition")) {
			if (c->nnames == MAX_EDITIONS)
				return usage("%s", "too many --edition");
			if (!strcmp(v, "all"))
				c->all = 1;
			else
				c->names[c->nnames++] = v;
			i++;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output"))
			c->out = argv[++i];
		else if (!strcmp(a, "--outputs")) {
			c->pub.outputs = 0;
			if (strstr(v, "xml"))
				c->pub.outputs |= OUTPUT_XML;
			if (strstr(v, "html"))
				c->pub.outputs |= OUTPUT_HTML;
			if (strstr(v, "pdf"))
				c->pub.outputs |= OUTPUT_PDF;
			if (!c->pub.outputs)
				return usage("--outputs '%s': use xml, html, pdf", v);
			i++;
		} else if (!strcmp(a, "--today")) {
			char t[11];
			if (strlen(v) != 10 || !date_parse(v, t))
				return usage("--today '%s' is not a real date", v);
			c->po.today = argv[++i];
		} else if (!strcmp(a, "--format")) {
			if (!diag_format_parse(v, &c->format))
				return usage("--format '%s': use text, json, sarif, "
				    "junit or github", v);
			i++;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
			c->po.jobs = atoi(v);
			if (c->po.jobs < 1 || c->po.jobs > 64)
				return usage("-j '%s': a number from 1 to 64", v);
			i++;
		} else if (a[0] == '-' && a[1])
			return usage("option '%s' is not for editions", a);
		else if (c->ndirs == MAX_EDITIONS)
			return usage("%s", "too many project folders");
		else
			c->dirs[c->ndirs++] = a;
	}
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
			return usage("%s", "--edition takes one workspace folder");
		text = read_file(path, &len);
		if (text)
			v = yval_parse(text, len, 0, &err);
		free(text);
		free(path);
		list = v ? yval_get(v, "editions") : NULL;
		if (!list || list->kind != YV_MAP || !list->n) {
			if (v)
				yval_free(v);
			return usage("'%s/policyc.yaml' lists no editions: (a map "
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
gather(diag_set *all, const diag_set *ds, const char *dir)
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
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's allocator is not safe to fork from while other threads
	 * allocate (filters.c): the filter jail of one edition would fork
	 * while another edition's threads run.  One at a time there. */
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

static int
overlay_command(int argc, char **argv)
{
	diag_set *ds = diag_new();
	const char *dir = argc > 3 ? argv[3] : ".";
	int files = 0, n;

	if (argc < 3 || strcmp(argv[2], "update"))
		return usage("%s", "overlay: use `policyc overlay update [DIR]`");
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
editions_main(int argc, char **argv)
{
	ed_cmd c;
	edition ed[MAX_EDITIONS];
	size_t ned = 0, i, ndocs = 0, files, saved, parses, shared;
	diag_set *all;
	int rc, worst = EXIT_OK;
	char *default_out = NULL;
	last_kept k;
	FILE *fp;

	if (!is_ours(argc, argv))
		return -1;
	if (!strcmp(argv[1], "overlay"))
		return overlay_command(argc, argv);
	memset(&c, 0, sizeof c);
	c.pub.outputs = OUTPUT_XML | OUTPUT_HTML | OUTPUT_PDF;
	c.format = FMT_TEXT;
	c.check_only = !strcmp(argv[1], "check");
	if ((rc = parse(argc, argv, &c)) >= 0)
		return rc;
	if ((rc = plan(&c, ed, &ned)) >= 0)
		return rc;
	for (i = 0; i < ned; i++) {
		size_t j;
		for (j = 0; j < i; j++)
			if (!strcmp(ed[i].name, ed[j].name)) {
				rc = usage("two editions would both publish into "
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
