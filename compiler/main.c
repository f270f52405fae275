/*
 * main.c — the command line: `policyc build`, `policyc check`, `policyc
 * render`, --help and --version.  Parses options, then hands over to
 * build.c (whole projects) or renders one file for `render`.  Bad usage
 * exits 2 with a one-line reason.
 */
#include <getopt.h>
#include <malloc.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm-core-extensions.h>

#include "backend.h"
#include "build.h"
#include "corpus.h"
#include "date.h"
#include "document.h"
#include "scaffold.h"
#include "util.h"
#include "xmlout.h"

#define POLICYC_VERSION "0.1.0"

static const char usage_text[] =
"usage: policyc build [DIR] [-o OUT] [--outputs xml,html,pdf] [options]\n"
"       policyc check [DIR] [--format FMT] [--strict] [options]\n"
"       policyc render FILE [--to xml|html] [--allow-html]\n"
"       policyc new DIR\n"
"       policyc --help | --version\n"
"\n"
"DIR is a policy project: a folder holding policyc.yaml (default: .).\n"
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
"Exit status: 0 no errors; 1 errors (or warnings under --strict);\n"
"2 bad usage or a project that cannot be read.\n";

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

/* policyc render FILE: one Markdown file through the same model, XML and
 * templates, with no project around it. */
static int
render(const char *file, const char *to, int allow_html, const char *today)
{
	diag_set *ds = diag_new();
	project p;
	document **docs;
	corpus *c;
	xmlDocPtr x;
	char *dir = xstrdup(file), *slash = strrchr(dir, '/'), *base;
	int rc = EXIT_OK;
	yval empty;

	memset(&p, 0, sizeof p);
	memset(&empty, 0, sizeof empty);
	empty.kind = YV_MAP;
	if (slash) {
		*slash = '\0';
		base = slash + 1;
	} else {
		free(dir);
		dir = xstrdup(".");
		base = (char *)file;
	}
	p.dir = dir;
	p.config = &empty;
	p.title = (char *)"";
	p.content = (char *)".";
	p.language = (char *)"en";
	p.allow_html = allow_html;
	docs = xmalloc(sizeof *docs);
	docs[0] = document_load(&p, base, base, ds);
	if (docs[0]->broken) {
		diag_print(ds, stderr, FMT_TEXT, NULL, 0);
		document_free(docs[0]);
		free(docs);
		free(dir);
		diag_free(ds);
		return EXIT_USAGE;
	}
	/* a fragment shows the whole body: no page title stands in for a
	 * leading h1 here */
	docs[0]->title_node = NULL;
	c = corpus_new(&p, docs, 1, ds);
	date_today(today, c->today);
	meta_judge(c, ds);   /* MERGE: the pipeline does this */
	x = xmlout_document(c, 0, NULL);
	if (!strcmp(to, "xml")) {
		xmlChar *mem = NULL;
		int len = 0;
		xmlDocDumpFormatMemoryEnc(x, &mem, &len, "UTF-8", 1);
		fwrite(mem, 1, (size_t)len, stdout);
		xmlFree(mem);
	} else {
		char *html = html_render_fragment(x, build_data_dir(), ds);
		if (html) {
			fputs(html, stdout);
			free(html);
		} else
			rc = EXIT_ERRORS;
	}
	xmlFreeDoc(x);
	xmlout_release(c);
	corpus_free(c);
	free(dir);
	/* render is for looking at output: its diagnostics go to stderr and
	 * do not change the exit status */
	diag_sort(ds);
	if (diag_count(ds))
		diag_print(ds, stderr, FMT_TEXT, NULL, 1);
	diag_free(ds);
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
	build_options o;
	const char *cmd, *to = "html";
	char *default_out = NULL;
	int ch, allow_html = 0, rc;
	char today_buf[11];

	memset(&o, 0, sizeof o);
	o.outputs = OUTPUT_XML | OUTPUT_HTML | OUTPUT_PDF;
	o.format = FMT_TEXT;
	if (argc < 2)
		return usage_error("%s", "no command given: build, check or render");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("policyc %s\n", POLICYC_VERSION);
		return EXIT_OK;
	}
	cmd = argv[1];
	if (strcmp(cmd, "build") && strcmp(cmd, "check") && strcmp(cmd, "render") &&
	    strcmp(cmd, "new"))
		return usage_error("unknown command '%s'", cmd);

	opterr = 0;
	optind = 2;
	while ((ch = getopt_long(argc, argv, ":o:j:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': o.out = optarg; break;
		case 'O':
			if (!parse_outputs(optarg, &o.outputs))
				return usage_error("--outputs '%s': use xml, html, "
				    "pdf, comma-separated", optarg);
			break;
		case 'T':
			if (strlen(optarg) != 10 || !date_parse(optarg, today_buf))
				return usage_error("--today '%s' is not a real date "
				    "(YYYY-MM-DD)", optarg);
			o.today = optarg;
			break;
		case 'S': o.strict = 1; break;
		case 'F':
			if (!diag_format_parse(optarg, &o.format))
				return usage_error("--format '%s': use text, json, "
				    "sarif, junit or github", optarg);
			break;
		case 'j': {
			char *end;
			long j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > 64)
				return usage_error("-j '%s': a number from 1 to 64",
				    optarg);
			o.jobs = (int)j;
			break;
		}
		case 'M': o.timings = 1; break;
		case 't':
			if (strcmp(optarg, "xml") && strcmp(optarg, "html"))
				return usage_error("--to '%s': use xml or html", optarg);
			to = optarg;
			break;
		case 'A': allow_html = 1; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
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
	o.dir = optind < argc ? argv[optind] : ".";

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
		rc = render(o.dir, to, allow_html, o.today);
		xmlCleanupParser();
		return rc;
	}
	if (!strcmp(cmd, "new")) {
		char today[11];
		if (optind >= argc)
			return usage_error("%s", "new needs a folder to create");
		date_today(o.today, today);
		return scaffold_new(o.dir, today);
	}
	o.check_only = !strcmp(cmd, "check");
	if (!o.out)
		o.out = default_out = path_join(o.dir, "out");
	rc = build_run(&o);
	free(default_out);
	xmlCleanupParser();
	return rc;
}
