/*
 * main.c — the command line: `policyc build`, `check`, `render`, `new`,
 * `rules`, --help (for each command) and --version.  Parses options, then
 * drives the pipeline (pipeline.c) and, for build, the publisher
 * (publish.c); it prints the diagnostics once, sorted, at the end.  Bad
 * usage exits 2 with a one-line reason.
 */
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm-core-extensions.h>

#include "backend.h"
#include "baseline.h"
#include "changed.h"
#include "hugepages.h"
#include "fsio.h"
#include "history.h"
#include "editions.h"
#include "corpus.h"
#include "date.h"
#include "pipeline.h"
#include "publish.h"
#include "import.h"
#include "options.h"
#include "scaffold.h"
#include "serve.h"
#include "util.h"
#include "rules.h"

#define POLICYC_VERSION "0.1.0"

static const char usage_text[] =
"usage: policyc build [DIR] [-o OUT] [--outputs xml,html,pdf] [options]\n"
"       policyc check [DIR] [--format FMT] [--strict] [options]\n"
"                     [--baseline FILE | --write-baseline FILE]\n"
"                     [--changed-since REF | --files FILE... | --files-from LIST]\n"
"       policyc render FILE [--to xml|html] [--allow-html]\n"
"       policyc new DIR\n"
"       policyc import FILE.docx|FILE.odt|FOLDER... [-o DIR]\n"
"       policyc serve [DIR] [--port N] [--bind ADDR]\n"
"       policyc rules\n"
"       policyc COMMAND --help | policyc --help | --version\n"
"\n"
"DIR is a policy project: a folder holding policyc.yaml (default: .).\n"
"\n"
"  build    check the project, then publish it to OUT (XML, HTML site, PDF)\n"
"  check    check the project and print the diagnostics; writes nothing\n"
"  render   show one Markdown file as policyc's XML or HTML\n"
"  new      start a project that checks clean\n"
"  import   Word and OpenDocument files into policyc documents\n"
"  serve    build, serve the site on 127.0.0.1, rebuild and reload on save\n"
"  rules    list every rule: id, default severity, settings, what it catches\n"
"\n"
"  -o, --output OUT     where build publishes (default: DIR/out)\n"
"      --outputs LIST   which outputs: xml,html,pdf (default: all three)\n"
"      --today DATE     the date review rules use (YYYY-MM-DD; else\n"
"                       SOURCE_DATE_EPOCH, else the clock)\n"
"      --strict         warnings fail too; build publishes nothing on error\n"
"      --drafts         check and publish drafts too (else left out)\n"
"      --format FMT     diagnostics as text, json, sarif, junit or github\n"
"  -j, --jobs N         threads (default: the number of cores)\n"
"      --timings        print each stage's time and memory to stderr\n"
"      --as-of DATE     the project as it stood at the last release on or\n"
"                       before DATE (from git; the working tree untouched)\n"
"      --archive        build: every release too, under OUT/html/archive/\n"
"      --baseline FILE  check: report and fail on findings FILE lacks only\n"
"      --write-baseline FILE  check: record today's findings in FILE\n"
"      --changed-since REF    check: report on files changed since git REF\n"
"      --files FILE...  check: report on these files only (--files-from LIST)\n"
"      --to FMT         render: xml or html (default html)\n"
"      --allow-html     render: pass raw HTML through\n"
"\n"
"Examples:\n"
"  policyc new my-policies && cd my-policies\n"
"  policyc check                        # what CI runs on every pull request\n"
"  policyc build -o /srv/www/policies   # publish the site, PDFs and XML\n"
"  policyc check --format sarif > policyc.sarif\n"
"\n"
"Exit status: 0 no errors; 1 errors (or warnings under --strict);\n"
"2 bad usage or a project that cannot be read.  See policyc(1).\n";

static const char help_build[] =
"usage: policyc build [DIR] [-o OUT] [--outputs xml,html,pdf] [--strict]\n"
"                     [--today DATE] [--format FMT] [-j N] [--timings]\n"
"                     [--as-of DATE | --archive] [--no-cache]\n"
"\n"
"Checks the project in DIR (default: .), prints the diagnostics (text on\n"
"stderr, other formats on stdout) and publishes OUT/xml/, OUT/html/ and\n"
"OUT/pdf/.  The output is written beside OUT and swapped in only when\n"
"every file was written: a failed build (a full disk, a back end that\n"
"cannot write) leaves the previous OUT as it was.  OUT must be absent,\n"
"empty, or made by policyc before.  A document with errors is still\n"
"published, its problems visible; --strict publishes nothing then.\n"
"\n"
"  -o, --output OUT     where to publish (default: DIR/out)\n"
"      --outputs LIST   xml, html, pdf, comma-separated (default: all)\n"
"      --strict         any error, or warning, stops the build (exit 1)\n"
"      --drafts         publish drafts too, marked DRAFT (else documents\n"
"                       whose status is draft are left out, as in Hugo)\n"
"      --today DATE     the date review rules use (YYYY-MM-DD)\n"
"      --format FMT     text, json, sarif, junit or github\n"
"  -j, --jobs N         threads (default: the number of cores)\n"
"      --timings        print each stage's time and memory to stderr\n"
"      --as-of DATE     publish the project as it stood at the last\n"
"                       release (git tag, else commit) on or before DATE,\n"
"                       checked out from git into a temporary folder; every\n"
"                       page and PDF says \"As in force on DATE\"\n"
"      --archive        also publish every release's site under\n"
"                       OUT/html/archive/<tag>/, linked from each\n"
"                       document's Changes\n"
"      --edition NAME   build the edition NAME (or all) that DIR's\n"
"                       editions: lists, into OUT/NAME/; with several\n"
"                       DIRs, each into OUT/<its name>/ (--stats counts\n"
"                       the core files they share); README \"Editions\"\n"
"      --no-cache       make every page anew (OUT/.policyc-cache is\n"
"                       otherwise used to carry unchanged pages over)\n"
"\n"
"Examples:\n"
"  policyc build                         # ./policyc.yaml into ./out\n"
"  policyc build --as-of 2024-03-03 -o in-force-2024-03-03\n"
"  policyc build content -o public --outputs html,pdf\n"
"  SOURCE_DATE_EPOCH=1767225600 policyc build -o out   # reproducible\n"
"\n"
"Exit status: 0 published; 1 a write failed, or errors under --strict;\n"
"2 bad usage, a project that cannot be read, or an OUT policyc may not\n"
"replace.\n";

static const char help_check[] =
"usage: policyc check [DIR] [--format FMT] [--strict] [--today DATE] [-j N]\n"
"                     [--baseline FILE | --write-baseline FILE]\n"
"                     [--changed-since REF | --files FILE... | --files-from LIST]\n"
"\n"
"Checks the project in DIR (default: .) and prints every diagnostic on\n"
"stdout, exactly as build would (build adds only failures to write).\n"
"Writes nothing (but the baseline file, when asked).\n"
"\n"
"      --baseline FILE  findings FILE holds are accepted: print and fail\n"
"                       on new ones only, and say how many old ones\n"
"                       remain and how many were fixed\n"
"      --write-baseline FILE  record every finding of today in FILE\n"
"                       (JSON; commit it) and exit 0\n"
"      --changed-since REF  read the whole project, but report only on\n"
"                       files that differ from git REF (a branch, tag or\n"
"                       commit) in the working tree, index or untracked\n"
"      --files FILE...  the same for the files named (up to the next\n"
"                       option); --files-from LIST reads them from LIST\n"
"                       (one a line, - for stdin)\n"
"      --format FMT     text (default), json, sarif, junit or github\n"
"      --strict         warnings fail too (exit 1)\n"
"      --drafts         check drafts too (else left out, as build does)\n"
"      --today DATE     the date review rules use (YYYY-MM-DD; else\n"
"                       SOURCE_DATE_EPOCH, else the clock)\n"
"  -j, --jobs N         threads (default: the number of cores)\n"
"\n"
"Examples:\n"
"  policyc check\n"
"  policyc check policies-repo --strict --today 2026-01-31\n"
"  policyc check --format github        # annotations in GitHub Actions\n"
"  policyc check --write-baseline .policyc-baseline.json\n"
"  policyc check --baseline .policyc-baseline.json --changed-since origin/main\n"
"\n"
"Exit status: 0 no errors (new ones, with a baseline); 1 errors (or\n"
"warnings under --strict); 2 bad usage, a project that cannot be read,\n"
"a baseline that cannot be read or written, or a --changed-since outside\n"
"git or with an unknown REF.  See docs/ci.md.\n";

static const char help_render[] =
"usage: policyc render FILE [--to xml|html] [--allow-html] [--today DATE]\n"
"\n"
"Renders one Markdown file, with no project around it, through the same\n"
"parser, XML writer and body templates as build, to stdout.  Links are\n"
"classified by their form only.  Diagnostics go to stderr and do not\n"
"change the exit status.\n"
"\n"
"Examples:\n"
"  policyc render policies/safeguarding.md --to xml | xmllint --format -\n"
"  policyc render notes.md > notes.html\n"
"\n"
"Exit status: 0 rendered; 1 the templates failed; 2 the file cannot be\n"
"read.\n";

static const char help_new[] =
"usage: policyc new DIR [--today DATE]\n"
"\n"
"Creates DIR (absent or empty) with a policyc.yaml, a glossary and one\n"
"example policy that checks clean and builds.\n"
"\n"
"Example:\n"
"  policyc new little-acorns && policyc build little-acorns\n";

static const char help_rules[] =
"usage: policyc rules\n"
"\n"
"Lists every rule policyc reports: its id, default severity, settings\n"
"and one line of what it catches.  Set any of them under rules: in\n"
"policyc.yaml (off, note, warning, error, or a map of settings).\n"
"\n"
"Example:\n"
"  policyc rules | grep review\n";

/* The help of a command, or the whole usage. */
static const char *
help_for(const char *cmd)
{
	if (!cmd)
		return usage_text;
	if (!strcmp(cmd, "build"))
		return help_build;
	if (!strcmp(cmd, "check"))
		return help_check;
	if (!strcmp(cmd, "render"))
		return help_render;
	if (!strcmp(cmd, "new"))
		return help_new;
	if (!strcmp(cmd, "rules"))
		return help_rules;
	return usage_text;
}

static int
usage_error(const char *fmt, const char *arg)
{
	return options_usage(fmt, arg);
}

static void
print_diags(pipeline *pl, diag_set *ds, FILE *fp, diag_format fmt)
{
	diag_print(ds, fp, fmt, pipeline_doc_paths(pl), pipeline_ndocs(pl));
}

/* policyc render FILE: one Markdown file through the same model, XML and
 * templates, with no project around it. */
static int
render(const char *file, const char *to, int allow_html, const char *today)
{
	diag_set *ds = diag_new();
	pipeline_options po;
	pipeline *pl;
	xmlDocPtr x;
	int rc = EXIT_OK;

	memset(&po, 0, sizeof po);
	po.render_file = file;
	po.allow_html = allow_html;
	po.today = today;
	po.jobs = 1;
	pl = pipeline_open(&po, ds);
	if (pipeline_model(pl) != PIPELINE_OK) {
		diag_print(ds, stderr, FMT_TEXT, NULL, 0);
		pipeline_free(pl);
		diag_free(ds);
		return EXIT_USAGE;
	}
	x = pipeline_document_xml(pl)[0];
	if (!strcmp(to, "xml")) {
		xmlChar *mem = NULL;
		int len = 0;
		xmlDocDumpFormatMemoryEnc(x, &mem, &len, "UTF-8", 1);
		fwrite(mem, 1, (size_t)len, stdout);
		xmlFree(mem);
	} else {
		char *html = html_render_fragment(x, pipeline_data_dir(), ds);
		if (html) {
			fputs(html, stdout);
			free(html);
		} else
			rc = EXIT_ERRORS;
	}
	pipeline_free(pl);
	/* render is for looking at output: its diagnostics go to stderr and
	 * do not change the exit status */
	diag_sort(ds);
	if (diag_count(ds))
		diag_print(ds, stderr, FMT_TEXT, NULL, 1);
	diag_free(ds);
	return rc;
}


/* ---- CI: --baseline, --write-baseline, --changed-since, --files ------
 * The whole project is always read, linked and checked; these narrow the
 * printed set afterwards (changed.c, baseline.c), so a link into an
 * unchanged document still resolves and a baselined finding is still
 * judged.  Errors in what they name are located diagnostics and exit 2,
 * before any document is read. */
typedef struct {
	const char *baseline, *write_baseline, *changed_since, *files_from;
	char **files;          /* --files FILE... (taken out of argv) */
	size_t nfiles;
	int have_files;
} ci_options;

typedef struct {
	changed_set *scope;    /* NULL: every file is reported on */
	char **list;           /* --files-from LIST's lines */
	size_t nlist;
	baseline *base;
	baseline_counts counts;
} ci_state;

/* --files-from LIST: one path a line ("-" is stdin); blank lines skipped. */
static int
ci_read_list(const ci_options *ci, ci_state *st, diag_set *err)
{
	FILE *fp = strcmp(ci->files_from, "-") ? fopen(ci->files_from, "r") :
	    stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!fp) {
		diag_report(err, R_FILE_UNREADABLE, ci->files_from, 0, 0,
		    "--files-from: cannot read the list of files");
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		st->list = xrealloc(st->list, (st->nlist + 1) * sizeof *st->list);
		st->list[st->nlist++] = xstrdup(line);
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	return 0;
}

static const char *
ci_usage(const ci_options *ci, int check_only)
{
	int scoped = (ci->changed_since != NULL) + ci->have_files +
	    (ci->files_from != NULL);

	if (!ci->baseline && !ci->write_baseline && !scoped)
		return NULL;
	if (!check_only)
		return "--baseline, --write-baseline, --changed-since and "
		    "--files are for check";
	if (ci->baseline && ci->write_baseline)
		return "--baseline and --write-baseline: one at a time";
	if (scoped > 1)
		return "--changed-since, --files and --files-from: one at a "
		    "time";
	if (ci->write_baseline && scoped)
		return "--write-baseline records the whole project: not with "
		    "--changed-since or --files";
	return NULL;
}

static void
ci_state_free(ci_state *st)
{
	size_t i;

	for (i = 0; i < st->nlist; i++)
		free(st->list[i]);
	free(st->list);
	baseline_free(st->base);
	changed_free(st->scope);
	memset(st, 0, sizeof *st);
}

/* Reads the baseline and works out the changed files; 0, or prints the
 * located errors and returns -1. */
static int
ci_prepare(const ci_options *ci, const char *dir, diag_format fmt,
    ci_state *st)
{
	diag_set *err = diag_new();

	memset(st, 0, sizeof *st);
	if (ci->baseline)
		st->base = baseline_read(ci->baseline, err);
	if (ci->changed_since)
		st->scope = changed_since(dir, ci->changed_since, err);
	else if (ci->files_from && ci_read_list(ci, st, err) == 0)
		st->scope = changed_from_list(dir,
		    (const char *const *)st->list, st->nlist, err);
	else if (ci->have_files)
		st->scope = changed_from_list(dir,
		    (const char *const *)ci->files, ci->nfiles, err);
	if (diag_count(err)) {
		diag_print(err, stdout, fmt, NULL, 0);
		diag_free(err);
		ci_state_free(st);
		return -1;
	}
	diag_free(err);
	return 0;
}

static int
ci_in_scope(void *ctx, const diagnostic *d)
{
	/* a diagnostic of no file is about the run: always kept */
	return !d->file || !d->file[0] || changed_has(ctx, d->file);
}

/* After pipeline_check: the changed files' findings, less the baseline's.
 * Returns nonzero when the baseline file could not be written. */
static int
ci_narrow(const ci_options *ci, ci_state *st, const char *dir, diag_set *ds)
{
	if (st->scope)
		diag_filter(ds, ci_in_scope, st->scope);
	if (st->base) {
		baseline_apply(st->base, dir, ds, st->scope, &st->counts);
		diag_print_baselined(1);
	}
	if (ci->write_baseline) {
		st->counts.total = diag_count(ds);
		return baseline_write(ci->write_baseline, dir, ds, ds);
	}
	return 0;
}

/* The line after the diagnostics: in the text output, else on stderr
 * (stdout holds JSON, SARIF or XML), or a notice among the workflow
 * commands. */
static void
ci_report(const ci_options *ci, ci_state *st, FILE *fp,
    diag_format fmt)
{
	FILE *out = fmt == FMT_TEXT || fmt == FMT_GITHUB ? fp : stderr;

	if (st->base)
		baseline_print_summary(&st->counts, out, fmt);
	else if (ci->write_baseline)
		fprintf(out, "%s%zu finding%s written to the baseline %s\n",
		    fmt == FMT_GITHUB ? "::notice title=policyc baseline::" : "",
		    st->counts.total, st->counts.total == 1 ? "" : "s",
		    ci->write_baseline);
	ci_state_free(st);
}
/* ---- end of the CI block ---- */

/* --as-of DATE, --archive (the release-history block below) */
typedef struct {
	const char *as_of;
	int archive;
} hist_options;

typedef struct {
	pipeline_options po;
	publish_options pub;
	int strict;
	int check_only;
	diag_format format;
	ci_options ci;
	hist_options hist;
} command;

static int
exit_for(const command *cmd, diag_set *ds)
{
	if (diag_count_sev(ds, SEV_ERROR))
		return EXIT_ERRORS;
	if (cmd->strict && diag_count_sev(ds, SEV_WARNING))
		return EXIT_ERRORS;
	return EXIT_OK;
}

/* The project folder as seen from the working directory, with a
 * trailing '/', when it lies below it ("policies/"); NULL when it is the
 * working directory or elsewhere. CI reads SARIF and annotations from the
 * repository root, where it runs policyc check on a sub-folder. */
static char *
project_prefix(const char *dir)
{
	char *proj = realpath(dir ? dir : ".", NULL), *cwd = realpath(".", NULL);
	char *prefix = NULL;
	size_t n = cwd ? strlen(cwd) : 0;

	if (proj && cwd && strncmp(proj, cwd, n) == 0 && proj[n] == '/' &&
	    proj[n + 1])
		prefix = xasprintf("%s/", proj + n + (n > 1 ? 1 : 0));
	free(proj);
	free(cwd);
	return prefix;
}

/* policyc check and policyc build: the same pipeline, so the same
 * diagnostics; build then publishes. */
static int
check_or_build(const command *cmd)
{
	diag_set *ds;
	pipeline *pl;
	FILE *fp = (cmd->check_only || cmd->format != FMT_TEXT) ? stdout : stderr;
	int rc;
	ci_state ci;

	if (ci_prepare(&cmd->ci, cmd->po.dir, cmd->format, &ci) != 0)
		return EXIT_USAGE;
	ds = diag_new();
	{
		/* build: OUT's cache may spare the filters (incremental.h) */
		pipeline_options po = cmd->po;
		if (!cmd->check_only)
			po.cache_out = cmd->pub.out;
		po.cache_fresh = cmd->pub.no_cache;
		pl = pipeline_open(&po, ds);
	}
	if (!cmd->check_only)
		publish_signals_install();
	if (pipeline_check(pl) != PIPELINE_OK)
		rc = EXIT_USAGE;
	else if (cmd->check_only && ci_narrow(&cmd->ci, &ci, cmd->po.dir, ds))
		rc = EXIT_USAGE;     /* the baseline could not be written */
	else if (cmd->check_only && cmd->ci.write_baseline)
		rc = EXIT_OK;        /* recorded: today's findings are accepted */
	else if (cmd->check_only)
		rc = exit_for(cmd, ds);
	else if (cmd->strict && exit_for(cmd, ds) != EXIT_OK)
		rc = EXIT_ERRORS;    /* nothing published, OUT untouched */
	else {
		/* the one build of this process: it ends afterwards */
		publish_options pub = cmd->pub;
		pub.last = 1;
		rc = publish_run(pl, &pub, ds);
		if (rc == EXIT_OK && cmd->strict)
			rc = exit_for(cmd, ds);
	}
	if (cmd->format == FMT_SARIF || cmd->format == FMT_GITHUB) {
		char *prefix = project_prefix(cmd->po.dir);
		diag_print_root(prefix);
		free(prefix);
	}
	print_diags(pl, ds, fp, cmd->format);
	diag_print_root(NULL);
	ci_report(&cmd->ci, &ci, fp, cmd->format);
	pipeline_stage(pl, "report");
	fsio_remove_old();   /* said all it has to say: the previous OUT */
	if (!pipeline_free_at_exit())
		return rc;   /* the process ends now; see pipeline_free_at_exit */
	{
		double t0 = date_monotonic();
		pipeline_free(pl);
		diag_free(ds);
		if (cmd->po.timings)
			fprintf(stderr, "timing: %-10s %8.3f s\n", "teardown",
			    date_monotonic() - t0);
	}
	return rc;
}

/* ---- the release history: --as-of DATE, --archive -------------------
 * Both read the project's releases from git (git/releases.c, in the
 * git module: gitmodule.c).  --as-of
 * checks the last release on or before DATE out into a temporary folder
 * (the working tree is never touched) and runs the same check or build
 * on it, the history read from the real repository up to DATE; --archive
 * builds as usual, then each release's site, and moves each into
 * OUT/html/archive/<tag>/. */
static const char *
hist_usage(const hist_options *h, int check_only)
{
	if (h->archive && check_only)
		return "--archive is for build";
	if (h->archive && h->as_of)
		return "--as-of and --archive: one at a time";
	return NULL;
}

/* A folder for a checkout: under TMPDIR.  Caller frees and removes. */
static char *
hist_tmpdir(const char *near)
{
	const char *t = getenv("TMPDIR");
	char *tmpl = near ? xasprintf("%s.policyc-archive.XXXXXX", near) :
	    xasprintf("%s/policyc-release.XXXXXX", t && *t ? t : "/tmp");

	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

/* The last release on or before as_of, or -1. */
static long
hist_pick(const history_release *r, size_t n, const char *as_of)
{
	long k = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(r[i].date, as_of) <= 0)
			k = (long)i;
	return k;
}

static int
hist_as_of(command *cmdp, const char *dir, const char *as_of)
{
	command *c = cmdp;
	history_release *r;
	size_t n;
	char *why = NULL, *tmp = NULL, *proj = NULL;
	long k;
	int rc;
	history_options ho;

	if (history_releases(dir, &r, &n, &why) != 0) {
		fprintf(stderr, "policyc: --as-of %s: %s\n", as_of, why);
		free(why);
		return EXIT_USAGE;
	}
	if ((k = hist_pick(r, n, as_of)) < 0) {
		fprintf(stderr, "policyc: --as-of %s: no release on or before "
		    "that day (%zu release%s, the first on %s)\n", as_of, n,
		    n == 1 ? "" : "s", n ? r[0].date : "-");
		history_releases_free(r, n);
		return EXIT_USAGE;
	}
	if (!(tmp = hist_tmpdir(NULL)) ||
	    history_checkout(dir, r[k].commit, tmp, &proj, &why) != 0) {
		fprintf(stderr, "policyc: --as-of %s: %s\n", as_of,
		    why ? why : "cannot make a temporary folder");
		rc = EXIT_USAGE;
		goto out;
	}
	memset(&ho, 0, sizeof ho);
	ho.repo_dir = dir;
	ho.as_of = as_of;
	history_configure(&ho);
	c->po.dir = proj;
	rc = check_or_build(cmdp);
out:
	if (tmp)
		fsio_rmtree(tmp);
	free(tmp);
	free(proj);
	free(why);
	history_releases_free(r, n);
	return rc;
}

/* One release's site, built quietly (its findings are the past's) into
 * OUT/html/archive/<folder>/.  0, or -1. */
static int
hist_archive_one(const history_release *rel, const char *dir,
    const pipeline_options *base, const char *out)
{
	char *tmp = hist_tmpdir(NULL), *proj = NULL, *why = NULL;
	char *stage = hist_tmpdir(out), *sub_out = NULL, *dest = NULL;
	history_options ho;
	pipeline_options po = *base;
	publish_options pub;
	diag_set *ds;
	pipeline *pl;
	int rc = -1;

	if (!tmp || !stage ||
	    history_checkout(dir, rel->commit, tmp, &proj, &why) != 0)
		goto out;
	memset(&ho, 0, sizeof ho);
	ho.repo_dir = dir;
	ho.as_of = rel->date;
	ho.banner_only = 1;
	history_configure(&ho);
	po.dir = proj;
	po.timings = 0;
	sub_out = path_join(stage, "out");
	memset(&pub, 0, sizeof pub);   /* no_cache, keep_old, last: 0 */
	pub.out = sub_out;
	pub.outputs = OUTPUT_HTML;
	ds = diag_new();
	pl = pipeline_open(&po, ds);
	if (pipeline_check(pl) == PIPELINE_OK &&
	    publish_run(pl, &pub, ds) == EXIT_OK) {
		char *from = path_join(sub_out, "html"), *archive;

		archive = path_join(out, "html/archive");
		dest = path_join(archive, rel->folder);
		if (fsio_mkdirs(archive) == 0 && rename(from, dest) == 0)
			rc = 0;
		free(archive);
		free(from);
	}
	pipeline_free(pl);
	diag_free(ds);
out:
	if (rc != 0)
		fprintf(stderr, "policyc: --archive: release %s could not be "
		    "published%s%s\n", rel->tag, why ? ": " : "", why ? why : "");
	if (tmp)
		fsio_rmtree(tmp);
	if (stage)
		fsio_rmtree(stage);
	free(tmp);
	free(stage);
	free(sub_out);
	free(dest);
	free(proj);
	free(why);
	return rc;
}

static int
hist_archive(command *cmdp, const char *dir, const char *out)
{
	command *c = cmdp;
	pipeline_options base = c->po;
	history_release *r = NULL;
	size_t n = 0, i;
	char *why = NULL;
	history_options ho;
	int rc;

	memset(&ho, 0, sizeof ho);
	ho.archive = 1;
	history_configure(&ho);
	rc = check_or_build(cmdp);
	if (rc != EXIT_OK)
		return rc;
	if (history_releases(dir, &r, &n, &why) != 0) {
		fprintf(stderr, "policyc: --archive: %s\n", why);
		free(why);
		return EXIT_OK;     /* published; the note said why no history */
	}
	for (i = 0; i < n; i++)
		if (hist_archive_one(&r[i], dir, &base, out) != 0)
			rc = EXIT_ERRORS;
	history_releases_free(r, n);
	return rc;
}
/* ---- end of the release-history block ---- */

/* What argv[1] alone decides, before any option is read: no command,
 * help, --version, import (its own options and its own driver,
 * import.c) and unknown commands.  The exit status, or -1 when argv[1]
 * is a command main() runs. */
static int
run_early(int argc, char **argv)
{
	const char *cmd;
	int rc;

	if (argc < 2) {
		/* no command: the reason on one line, then the whole help */
		fputs("policyc: no command given: build, check, render, new or "
		    "rules\n\n", stderr);
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help") && argc > 2 && !strcmp(argv[2], "import")) {
		char *help_argv[] = { argv[2], (char *)"--help", NULL };
		return import_main(2, help_argv);
	}
	if (!strcmp(argv[1], "help") && argc > 2 && !strcmp(argv[2], "serve")) {
		options o;
		memset(&o, 0, sizeof o);
		o.help = 1;
		return serve_run(&o);
	}
	if (!strcmp(argv[1], "help")) {
		fputs(help_for(argc > 2 ? argv[2] : NULL), stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("policyc %s\n", POLICYC_VERSION);
		return EXIT_OK;
	}
	cmd = argv[1];
	/* policyc import: its own options and its own driver (import.c) */
	if (!strcmp(cmd, "import")) {
		xmlInitParser();
		rc = import_main(argc - 1, argv + 1);
		xmlCleanupParser();
		return rc;
	}
	/* policyc overlay update: editions.c's own words */
	if (!strcmp(cmd, "overlay"))
		return editions_overlay(argc, argv);
	if (strcmp(cmd, "build") && strcmp(cmd, "check") && strcmp(cmd, "render") &&
	    strcmp(cmd, "new") && strcmp(cmd, "rules") && strcmp(cmd, "serve"))
		return usage_error("unknown command '%s'", cmd);
	return -1;
}

/* The options read by the one table (options.c) into c. */
static void
take_options(options *o, command *c)
{
	c->po = o->po;
	c->pub = o->pub;
	c->format = o->format;
	c->strict = o->strict;
	c->ci.baseline = o->baseline;
	c->ci.write_baseline = o->write_baseline;
	c->ci.changed_since = o->changed_since;
	c->ci.files_from = o->files_from;
	c->ci.files = o->files;        /* run_command frees them */
	c->ci.nfiles = o->nfiles;
	c->ci.have_files = o->have_files;
	o->files = NULL;
	o->nfiles = 0;
	c->hist.as_of = o->as_of;
	c->hist.archive = o->archive;
}

/* Runs cmd (rules, render, new, check or build) once its options are
 * read and judged; dir is the operand (or "."). */
static int
run_command(command *c, const char *cmd, const char *dir, int operand,
    const char *to, int allow_html)
{
	char *default_out = NULL;
	int rc;

	if (!strcmp(cmd, "rules")) {
		rules_print(stdout);
		return EXIT_OK;
	}

	/* malloc's settings, and its heap on huge pages (hugepages.c) */
	hugepages_setup();
	xmlInitParser();
	if (!strcmp(cmd, "render")) {
		if (!operand)
			return usage_error("%s", "render needs a Markdown file");
		rc = render(dir, to, allow_html, c->po.today);
		xmlCleanupParser();
		return rc;
	}
	if (!strcmp(cmd, "new")) {
		char today[11];
		if (!operand)
			return usage_error("%s", "new needs a folder to create");
		date_today(c->po.today, today);
		return scaffold_new(dir, today);
	}
	c->check_only = !strcmp(cmd, "check");
	c->po.dir = dir;
	if (!c->pub.out)
		c->pub.out = default_out = path_join(dir, "out");
	if (c->hist.as_of)
		rc = hist_as_of(c, dir, c->hist.as_of);
	else if (c->hist.archive)
		rc = hist_archive(c, dir, c->pub.out);
	else
		rc = check_or_build(c);
	free(c->ci.files);
	free(default_out);
	xmlCleanupParser();
	return rc;
}

int
main(int argc, char **argv)
{
	command c;
	options o;
	const char *cmd, *dir, *why;
	int rc;

	if ((rc = run_early(argc, argv)) >= 0)
		return rc;
	cmd = argv[1];
	/* the one option table (options.c): main's commands, editions and
	 * serve read what it fills */
	if ((rc = options_parse(argc, argv, &o)) >= 0) {
		options_free(&o);
		return rc;
	}
	if (!strcmp(cmd, "serve")) {
		rc = serve_run(&o);
	} else if (o.help) {
		fputs(help_for(cmd), stdout);
		rc = EXIT_OK;
	} else if (o.version) {
		printf("policyc %s\n", POLICYC_VERSION);
		rc = EXIT_OK;
	} else if ((rc = editions_run(&o)) < 0) {
		/* editions: --edition, several folders */
		memset(&c, 0, sizeof c);
		take_options(&o, &c);
		dir = o.noperands ? o.operands[0] : ".";
		why = ci_usage(&c.ci, !strcmp(cmd, "check"));
		if (!why)
			why = hist_usage(&c.hist, !strcmp(cmd, "check"));
		if (o.noperands > 1 || why) {
			free(c.ci.files);
			rc = o.noperands > 1 ? usage_error("one project folder at "
			    "a time; got '%s' too", o.operands[1]) :
			    usage_error("%s", why);
		} else
			rc = run_command(&c, cmd, dir, o.noperands > 0, o.to,
			    o.allow_html);
	}
	options_free(&o);
	return rc;
}
