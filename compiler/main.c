/*
 * main.c — the command line: `policyc build`, `check`, `render`, `new`,
 * `rules`, --help (for each command) and --version.  Parses options, then
 * drives the pipeline (pipeline.c) and, for build, the publisher
 * (publish.c); it prints the diagnostics once, sorted, at the end.  Bad
 * usage exits 2 with a one-line reason.
 */
#include <getopt.h>
#include <malloc.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm-core-extensions.h>

#include "backend.h"
#include "corpus.h"
#include "date.h"
#include "pipeline.h"
#include "publish.h"
#include "import.h"
#include "scaffold.h"
#include "util.h"
#include "rules.h"

#define POLICYC_VERSION "0.1.0"

static const char usage_text[] =
"usage: policyc build [DIR] [-o OUT] [--outputs xml,html,pdf] [options]\n"
"       policyc check [DIR] [--format FMT] [--strict] [options]\n"
"       policyc render FILE [--to xml|html] [--allow-html]\n"
"       policyc new DIR\n"
"       policyc import FILE.docx|FILE.odt|FOLDER... [-o DIR]\n"
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
"  rules    list every rule: id, default severity, settings, what it catches\n"
"\n"
"  -o, --output OUT     where build publishes (default: DIR/out)\n"
"      --outputs LIST   which outputs: xml,html,pdf (default: all three)\n"
"      --today DATE     the date review rules use (YYYY-MM-DD; else\n"
"                       SOURCE_DATE_EPOCH, else the clock)\n"
"      --strict         warnings fail too; build publishes nothing on error\n"
"      --format FMT     diagnostics as text, json, sarif, junit or github\n"
"  -j, --jobs N         threads (default: the number of cores)\n"
"      --timings        print the time of each stage to stderr\n"
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
"      --today DATE     the date review rules use (YYYY-MM-DD)\n"
"      --format FMT     text, json, sarif, junit or github\n"
"  -j, --jobs N         threads (default: the number of cores)\n"
"      --timings        print the time of each stage to stderr\n"
"\n"
"Examples:\n"
"  policyc build                         # ./policyc.yaml into ./out\n"
"  policyc build content -o public --outputs html,pdf\n"
"  SOURCE_DATE_EPOCH=1767225600 policyc build -o out   # reproducible\n"
"\n"
"Exit status: 0 published; 1 a write failed, or errors under --strict;\n"
"2 bad usage, a project that cannot be read, or an OUT policyc may not\n"
"replace.\n";

static const char help_check[] =
"usage: policyc check [DIR] [--format FMT] [--strict] [--today DATE] [-j N]\n"
"\n"
"Checks the project in DIR (default: .) and prints every diagnostic on\n"
"stdout, exactly as build would (build adds only failures to write).\n"
"Writes nothing.\n"
"\n"
"      --format FMT     text (default), json, sarif, junit or github\n"
"      --strict         warnings fail too (exit 1)\n"
"      --today DATE     the date review rules use (YYYY-MM-DD; else\n"
"                       SOURCE_DATE_EPOCH, else the clock)\n"
"  -j, --jobs N         threads (default: the number of cores)\n"
"\n"
"Examples:\n"
"  policyc check\n"
"  policyc check policies-repo --strict --today 2026-01-31\n"
"  policyc check --format github        # annotations in GitHub Actions\n"
"\n"
"Exit status: 0 no errors; 1 errors (or warnings under --strict);\n"
"2 bad usage or a project that cannot be read.\n";

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
	/* bad usage is not a diagnostic about a file: one line, exit 2 */
	fputs("policyc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see policyc --help)\n", stderr);
	return EXIT_USAGE;
}

static int
parse_outputs(const char *s, unsigned *out)
{
	char *copy = xstrdup(s), *tok, *save = NULL;
	int ok = 1;
	*out = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "xml"))
			*out |= OUTPUT_XML;
		else if (!strcmp(tok, "html"))
			*out |= OUTPUT_HTML;
		else if (!strcmp(tok, "pdf"))
			*out |= OUTPUT_PDF;
		else
			ok = 0;
	}
	free(copy);
	return ok && *out;
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

typedef struct {
	pipeline_options po;
	publish_options pub;
	int strict;
	int check_only;
	diag_format format;
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

/* policyc check and policyc build: the same pipeline, so the same
 * diagnostics; build then publishes. */
static int
check_or_build(const command *cmd)
{
	diag_set *ds = diag_new();
	pipeline *pl = pipeline_open(&cmd->po, ds);
	FILE *fp = (cmd->check_only || cmd->format != FMT_TEXT) ? stdout : stderr;
	int rc;

	if (!cmd->check_only)
		publish_signals_install();
	if (pipeline_check(pl) != PIPELINE_OK)
		rc = EXIT_USAGE;
	else if (cmd->check_only)
		rc = exit_for(cmd, ds);
	else if (cmd->strict && exit_for(cmd, ds) != EXIT_OK)
		rc = EXIT_ERRORS;    /* nothing published, OUT untouched */
	else {
		rc = publish_run(pl, &cmd->pub, ds);
		if (rc == EXIT_OK && cmd->strict)
			rc = exit_for(cmd, ds);
	}
	print_diags(pl, ds, fp, cmd->format);
	pipeline_stage(pl, "report");
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "outputs", required_argument, NULL, 'O' },
		{ "today", required_argument, NULL, 'T' },
		{ "strict", no_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'F' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timings", no_argument, NULL, 'M' },
		{ "to", required_argument, NULL, 't' },
		{ "allow-html", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	command c;
	const char *cmd, *to = "html", *dir;
	char *default_out = NULL;
	int ch, allow_html = 0, rc;
	char today_buf[11];

	memset(&c, 0, sizeof c);
	c.pub.outputs = OUTPUT_XML | OUTPUT_HTML | OUTPUT_PDF;
	c.format = FMT_TEXT;
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
	if (strcmp(cmd, "build") && strcmp(cmd, "check") && strcmp(cmd, "render") &&
	    strcmp(cmd, "new") && strcmp(cmd, "rules"))
		return usage_error("unknown command '%s'", cmd);

	opterr = 0;
	optind = 2;
	while ((ch = getopt_long(argc, argv, ":o:j:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': c.pub.out = optarg; break;
		case 'O':
			if (!parse_outputs(optarg, &c.pub.outputs))
				return usage_error("--outputs '%s': use xml, html, "
				    "pdf, comma-separated", optarg);
			break;
		case 'T':
			if (strlen(optarg) != 10 || !date_parse(optarg, today_buf))
				return usage_error("--today '%s' is not a real date "
				    "(YYYY-MM-DD)", optarg);
			c.po.today = optarg;
			break;
		case 'S': c.strict = 1; break;
		case 'F':
			if (!diag_format_parse(optarg, &c.format))
				return usage_error("--format '%s': use text, json, "
				    "sarif, junit or github", optarg);
			break;
		case 'j': {
			char *end;
			long j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > 64)
				return usage_error("-j '%s': a number from 1 to 64",
				    optarg);
			c.po.jobs = (int)j;
			break;
		}
		case 'M': c.po.timings = 1; break;
		case 't':
			if (strcmp(optarg, "xml") && strcmp(optarg, "html"))
				return usage_error("--to '%s': use xml or html", optarg);
			to = optarg;
			break;
		case 'A': allow_html = 1; break;
		case 'h': fputs(help_for(cmd), stdout); return EXIT_OK;
		case 'V': printf("policyc %s\n", POLICYC_VERSION); return EXIT_OK;
		case ':':
			return usage_error("option '%s' needs a value",
			    argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return usage_error("one project folder at a time; got '%s' too",
		    argv[optind + 1]);
	dir = optind < argc ? argv[optind] : ".";

	if (!strcmp(cmd, "rules")) {
		rules_print(stdout);
		return EXIT_OK;
	}

	/* Tens of thousands of small tree nodes come and go per document;
	 * keep freed memory in the process instead of trimming it back to
	 * the kernel and faulting it in again for the next document. */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	xmlInitParser();
	if (!strcmp(cmd, "render")) {
		if (optind >= argc)
			return usage_error("%s", "render needs a Markdown file");
		rc = render(dir, to, allow_html, c.po.today);
		xmlCleanupParser();
		return rc;
	}
	if (!strcmp(cmd, "new")) {
		char today[11];
		if (optind >= argc)
			return usage_error("%s", "new needs a folder to create");
		date_today(c.po.today, today);
		return scaffold_new(dir, today);
	}
	c.check_only = !strcmp(cmd, "check");
	c.po.dir = dir;
	if (!c.pub.out)
		c.pub.out = default_out = path_join(dir, "out");
	rc = check_or_build(&c);
	free(default_out);
	xmlCleanupParser();
	return rc;
}
