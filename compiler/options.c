/*
 * options.c — the one option table of policyc's command line.  main.c
 * calls options_parse once, after the command word; what it fills is
 * what main.c's commands, editions.c (build or check of several
 * editions) and serve.c read, so an option is declared, judged (a real
 * date, a number in range, a known format) and named in its usage error
 * here and nowhere else.  Each row says which commands take the option:
 * serve refuses the others, as it always has; build, check, render, new
 * and rules ignore the ones they have no use for; editions.c refuses,
 * by name, those a run of several editions cannot honour.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "options.h"
#include "util.h"

enum {
	C_BUILD = 1, C_CHECK = 2, C_RENDER = 4, C_NEW = 8, C_RULES = 16,
	C_SERVE = 32,
	C_MAIN = C_BUILD | C_CHECK | C_RENDER | C_NEW | C_RULES,
	C_ALL = C_MAIN | C_SERVE
};

typedef struct {
	const char *name;
	int has_arg, code;
	unsigned cmds;        /* the commands that take it */
	int editions;         /* 1: a run of several editions takes it */
} row;

static const row rows[] = {
	{ "output", required_argument, 'o', C_MAIN | C_SERVE, 1 },
	{ "outputs", required_argument, 'O', C_MAIN, 1 },
	{ "today", required_argument, 'T', C_ALL, 1 },
	{ "strict", no_argument, 'S', C_MAIN, 1 },
	{ "format", required_argument, 'F', C_MAIN, 1 },
	{ "jobs", required_argument, 'j', C_ALL, 1 },
	{ "timings", no_argument, 'M', C_ALL, 1 },
	{ "no-cache", no_argument, 'N', C_MAIN, 1 },
	{ "drafts", no_argument, 'D', C_ALL, 1 },
	{ "to", required_argument, 't', C_MAIN, 0 },
	{ "allow-html", no_argument, 'A', C_MAIN, 0 },
	{ "help", no_argument, 'h', C_ALL, 1 },
	{ "version", no_argument, 'V', C_MAIN, 0 },
	{ "baseline", required_argument, 'B', C_MAIN, 0 },
	{ "write-baseline", required_argument, 'W', C_MAIN, 0 },
	{ "changed-since", required_argument, 'C', C_MAIN, 0 },
	{ "files-from", required_argument, 'L', C_MAIN, 0 },
	{ "as-of", required_argument, 'Y', C_MAIN, 0 },
	{ "archive", no_argument, 'R', C_MAIN, 0 },
	{ "edition", required_argument, 'E', C_BUILD | C_CHECK, 1 },
	{ "stats", no_argument, 's', C_BUILD | C_CHECK, 1 },
	{ "port", required_argument, 'p', C_SERVE, 0 },
	{ "bind", required_argument, 'b', C_SERVE, 0 },
};
#define NROWS (sizeof rows / sizeof rows[0])
#define FILES_ROW 63   /* the bit of o->seen for --files */

int
options_usage(const char *fmt, const char *arg)
{
	/* bad usage is not a diagnostic about a file: one line, exit 2 */
	fputs("policyc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see policyc --help)\n", stderr);
	return EXIT_USAGE;
}

static unsigned
cmd_bit(const char *cmd)
{
	static const char *const names[] = {
		"build", "check", "render", "new", "rules", "serve"
	};
	size_t i;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(cmd, names[i]))
			return 1u << i;
	return 0;
}

/* Takes `--files A B ...` (up to the next option) out of argv, since
 * getopt gives an option one value; pre-commit passes file names so. */
static void
take_files(int *argc, char **argv, options *o)
{
	int i, k = 0, taking = 0;

	for (i = 0; i < *argc; i++) {
		if (i > 1 && (!strcmp(argv[i], "--files") ||
		    !strncmp(argv[i], "--files=", 8))) {
			taking = 1;
			o->have_files = 1;
			o->seen |= 1ULL << FILES_ROW;
			if (argv[i][7] != '=')
				continue;
			o->files = xrealloc(o->files,
			    (o->nfiles + 1) * sizeof *o->files);
			o->files[o->nfiles++] = argv[i] + 8;
			continue;
		}
		if (taking && argv[i][0] == '-' && argv[i][1])
			taking = 0;
		if (taking) {
			o->files = xrealloc(o->files,
			    (o->nfiles + 1) * sizeof *o->files);
			o->files[o->nfiles++] = argv[i];
			continue;
		}
		argv[k++] = argv[i];
	}
	argv[k] = NULL;
	*argc = k;
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

static int
real_date(const char *s)
{
	char day[11];
	return strlen(s) == 10 && date_parse(s, day);
}

/* A number from lo to hi, else -1. */
static long
number(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s && !*end && v >= lo && v <= hi ? v : -1;
}

/* One option's value into o; the exit status of a usage error, else -1. */
static int
take(options *o, int code, const char *arg)
{
	long v;

	switch (code) {
	case 'o': o->pub.out = arg; break;
	case 'O':
		if (!parse_outputs(arg, &o->pub.outputs))
			return options_usage("--outputs '%s': use xml, html, pdf, "
			    "comma-separated", arg);
		break;
	case 'T':
		if (!real_date(arg))
			return options_usage("--today '%s' is not a real date "
			    "(YYYY-MM-DD)", arg);
		o->po.today = arg;
		break;
	case 'S': o->strict = 1; break;
	case 'F':
		if (!diag_format_parse(arg, &o->format))
			return options_usage("--format '%s': use text, json, sarif, "
			    "junit or github", arg);
		break;
	case 'j':
		if ((v = number(arg, 1, 64)) < 0)
			return options_usage("-j '%s': a number from 1 to 64", arg);
		o->po.jobs = (int)v;
		break;
	case 'M': o->po.timings = 1; break;
	case 'N': o->pub.no_cache = 1; break;
	case 'D': o->po.drafts = 1; break;
	case 't':
		if (strcmp(arg, "xml") && strcmp(arg, "html"))
			return options_usage("--to '%s': use xml or html", arg);
		o->to = arg;
		break;
	case 'A': o->allow_html = 1; break;
	case 'h': o->help = 1; break;
	case 'V': o->version = 1; break;
	case 'B': o->baseline = arg; break;
	case 'W': o->write_baseline = arg; break;
	case 'C': o->changed_since = arg; break;
	case 'L': o->files_from = arg; break;
	case 'Y':
		if (!real_date(arg))
			return options_usage("--as-of '%s' is not a real date "
			    "(YYYY-MM-DD)", arg);
		o->as_of = arg;
		break;
	case 'R': o->archive = 1; break;
	case 'E':
		if (!strcmp(arg, "all"))
			o->all_editions = 1;
		else if (o->neditions == OPTIONS_MAX)
			return options_usage("%s", "too many --edition");
		else
			o->editions[o->neditions++] = arg;
		break;
	case 's': o->stats = 1; break;
	case 'p':
		if ((v = number(arg, 0, 65535)) < 0)
			return options_usage("--port '%s': a number from 0 to 65535",
			    arg);
		o->port = (int)v;
		break;
	case 'b': o->bind = arg; break;
	default: break;
	}
	return -1;
}

int
options_parse(int argc, char **argv, options *o)
{
	struct option lo[NROWS + 1];
	unsigned bit;
	size_t i;
	int ch, rc;

	memset(o, 0, sizeof *o);
	o->cmd = argc > 1 ? argv[1] : "";
	o->pub.outputs = OUTPUT_XML | OUTPUT_HTML | OUTPUT_PDF;
	o->format = FMT_TEXT;
	o->to = "html";
	o->port = 8000;
	o->bind = "127.0.0.1";
	bit = cmd_bit(o->cmd);
	if (bit != C_SERVE)
		take_files(&argc, argv, o);
	memset(lo, 0, sizeof lo);
	for (i = 0; i < NROWS; i++) {
		lo[i].name = rows[i].name;
		lo[i].has_arg = rows[i].has_arg;
		lo[i].val = (int)i + 1;   /* the row, not the letter */
	}
	opterr = 0;
	optind = 2;
	while ((ch = getopt_long(argc, argv, ":o:j:h", lo, NULL)) != -1) {
		const row *r = NULL;
		if (ch == 'o' || ch == 'j' || ch == 'h') {
			for (i = 0; i < NROWS; i++)
				if (rows[i].code == ch) {
					ch = (int)i + 1;
					break;
				}
		}
		if (ch == ':')
			return options_usage("option '%s' needs a value",
			    argv[optind - 1]);
		if (ch >= 1 && (size_t)ch <= NROWS)
			r = &rows[ch - 1];
		if (!r || !(r->cmds & bit)) {
			/* build and the others ignore what they have no use
			 * for; serve never did */
			if (r && bit != C_SERVE && (r->cmds & C_MAIN))
				continue;
			if (r)   /* getopt has taken its value too */
				return options_usage("unknown option '--%s'",
				    r->name);
			return options_usage("unknown option '%s'",
			    argv[optind - 1]);
		}
		o->seen |= 1ULL << (ch - 1);
		if ((rc = take(o, r->code, optarg)) >= 0)
			return rc;
	}
	for (; optind < argc; optind++) {
		if (o->noperands == OPTIONS_MAX)
			return options_usage("%s", "too many project folders");
		o->operands[o->noperands++] = argv[optind];
	}
	return -1;
}

void
options_free(options *o)
{
	free(o->files);
	o->files = NULL;
	o->nfiles = 0;
}

const char *
options_not_for_editions(const options *o)
{
	size_t i;

	if (o->seen & (1ULL << FILES_ROW))
		return "files";
	for (i = 0; i < NROWS; i++)
		if ((o->seen & (1ULL << i)) && !rows[i].editions)
			return rows[i].name;
	return NULL;
}
