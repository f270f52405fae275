/*
 * import.c — `policyc import FILE.docx|FILE.odt|FOLDER… [-o DIR]`: the
 * driver.  Makes or finds the project, reads each Word or OpenDocument
 * file (importzip.c, importdocx.c, importodt.c), recovers its front
 * matter (importmeta.c), writes the Markdown (importmd.c) beside its
 * final name and renames it into place, so a failure leaves no partial
 * file; then runs the pipeline's checks on the project and prints what
 * the new documents get.  A folder's subfolders become sections.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "date.h"
#include "diag.h"
#include "diagfmt.h"
#include "fsio.h"
#include "import.h"
#include "pipeline.h"
#include "scaffold.h"

static const char help_import[] =
"usage: policyc import FILE.docx|FILE.odt|FOLDER... [-o DIR] [--force]\n"
"                      [--today DATE]\n"
"\n"
"Turns Word (.docx) and OpenDocument (.odt) files into policyc documents\n"
"in the project DIR (default: .; made as `policyc new` makes it when it\n"
"is absent or empty).  A FOLDER is read for .docx and .odt files, its\n"
"subfolders kept as sections.  Front matter is recovered from the\n"
"document's title block and control table, each guess with a comment\n"
"saying where it came from; images go to DIR/assets/.  Prints what was\n"
"recovered and what was not, then what `policyc check` says about the\n"
"new documents.\n"
"\n"
"  -o, --output DIR     the project to import into (default: .)\n"
"      --force          replace documents that exist\n"
"      --today DATE     the date the checks use (YYYY-MM-DD)\n"
"\n"
"Example:\n"
"  policyc import ~/Policies -o our-policies && policyc build our-policies\n"
"\n"
"Exit status: 0 every file imported; 1 a file could not be (corrupt,\n"
"encrypted, not Word, or its document exists); 2 bad usage, or no .docx\n"
"or .odt file to import (no project is made then).\n";

typedef struct {
	char *src;       /* as given, for messages */
	char *section;   /* folder path under the content folder, or "" */
} input;

typedef struct {
	input *in;
	size_t n;
} inputs;

static void
add_input(inputs *l, const char *src, const char *section)
{
	l->in = xrealloc(l->in, (l->n + 1) * sizeof *l->in);
	l->in[l->n].src = xstrdup(src);
	l->in[l->n].section = xstrdup(section);
	l->n++;
}

static int
importable(const char *name)
{
	return name[0] != '.' && strncmp(name, "~$", 2) &&
	    (str_has_suffix(name, ".docx") || str_has_suffix(name, ".odt") ||
	    str_has_suffix(name, ".DOCX") || str_has_suffix(name, ".ODT"));
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The importable files under dir, sections from the folders. */
static void
walk(inputs *l, const char *dir, const char *section, int depth)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (!dp || depth > 16) {
		if (dp)
			closedir(dp);
		return;
	}
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.') {
			names = xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	closedir(dp);
	qsort(names, n, sizeof *names, cmp_name);
	for (i = 0; i < n; i++) {
		char *p = path_join(dir, names[i]);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			char *seg = slug_segment(names[i]);
			char *sec = *section ? path_join(section, seg) :
			    xstrdup(seg);
			walk(l, p, sec, depth + 1);
			free(sec);
			free(seg);
		} else if (S_ISREG(st.st_mode) && importable(names[i]))
			add_input(l, p, section);
		free(p);
		free(names[i]);
	}
	free(names);
}

/* The content folder of an existing project (content: in policyc.yaml),
 * read the simple way: the pipeline judges it properly afterwards. */
static char *
content_folder(const char *proj)
{
	char *cfg = path_join(proj, "policyc.yaml"), *text, *line, *out = NULL;
	size_t len;

	text = read_file(cfg, &len);
	free(cfg);
	for (line = text; line && *line; ) {
		char *nl = strchr(line, '\n');
		if (!strncmp(line, "content:", 8)) {
			char *v = line + 8, *e;
			while (*v == ' ' || *v == '"' || *v == '\'')
				v++;
			e = v;
			while (*e && *e != '\n' && *e != '"' && *e != '\'' &&
			    *e != '#' && *e != ' ')
				e++;
			if (e > v)
				out = xstrndup(v, (size_t)(e - v));
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return out ? out : xstrdup("policies");
}

/* The file name without folder and extension. */
static char *
stem(const char *path)
{
	const char *b = strrchr(path, '/'), *dot;
	b = b ? b + 1 : path;
	dot = strrchr(b, '.');
	return xstrndup(b, dot && dot > b ? (size_t)(dot - b) : strlen(b));
}

typedef struct {
	const char *project;
	const char *content;
	int force;
	diag_set *ds;        /* import-invalid and the like */
	char **written;      /* project-relative paths of new documents */
	size_t nwritten;
	double seconds;
} run;

/* errno of a write beneath the project refused because the way there
 * leaves it (fsio_open_beneath): nothing was made. */
static int
refused_outside(int err)
{
	return err == EINVAL || err == ELOOP || err == ENOTDIR || err == EXDEV;
}

/* Why a write beneath the project failed, for a message. */
const char *
imp_write_reason(int err)
{
	if (refused_outside(err))
		return "the folder is outside the project (a symbolic link, "
		    "or a content: that leaves it)";
	return strerror(err);
}

/* Writes data to root/rel (root: the project) through a temporary file
 * and a rename.  The temporary file is made beneath root
 * (fsio_open_beneath), so a content folder that is a symbolic link out
 * of it, or a content: in policyc.yaml that climbs out of it, is refused
 * (errno set) rather than written to: the checks would not read a
 * document there anyway. */
static int
write_atomic(const char *root, const char *rel, const char *data,
    size_t len)
{
	char *tmp = xasprintf("%s.import-%ld.tmp", rel, (long)getpid());
	char *atmp = path_join(root, tmp), *abs = path_join(root, rel);
	int rc = fsio_write_beneath(root, tmp, data, len), err = errno;
	if (rc == 0 && rename(atmp, abs) != 0)
		rc = -1, err = errno;
	if (rc != 0 && !refused_outside(err))
		unlink(atmp);   /* made beneath root, so that is where it is */
	free(tmp);
	free(atmp);
	free(abs);
	errno = err;
	return rc;
}

/* The document's path in the project, CONTENT[/SECTION]/SLUG.md; two
 * inputs of this run with one name ("Policy.docx" and "Policy.odt"): the
 * second is NAME-2, never written over the first. */
static char *
target_path(const run *r, const input *in, const char *slug)
{
	char *rel;

	rel = *in->section ? xasprintf("%s/%s/%s.md", r->content, in->section,
	    slug) : xasprintf("%s/%s.md", r->content, slug);
	for (;;) {
		size_t k;
		for (k = 0; k < r->nwritten && strcmp(r->written[k], rel); k++)
			;
		if (k == r->nwritten)
			break;
		rel[strlen(rel) - 3] = '\0';
		{
			char *next = xasprintf("%s-2.md", rel);
			free(rel);
			rel = next;
		}
	}
	return rel;
}

/* The way from the document at rel to the project's assets folder:
 * "../" a folder, then "assets/". */
static char *
asset_prefix_of(const char *rel)
{
	int depth = 1;
	const char *p;

	for (p = rel; *p; p++)
		depth += *p == '/';
	depth--;
	{
		buf pb;
		int i;
		buf_init(&pb);
		for (i = 0; i < depth; i++)
			buf_puts(&pb, "../");
		buf_puts(&pb, "assets/");
		return buf_detach(&pb);
	}
}

int
imp_list_number(const char *s)
{
	/* strtol, not atoi: "99999999999" was undefined, and counting on
	 * from INT_MAX overflowed */
	long v = strtol(s, NULL, 10);

	if (v < 0)
		return 0;
	return (int)(v > IMP_LIST_NUMBER_MAX ? IMP_LIST_NUMBER_MAX : v);
}

xmlDocPtr
imp_parse_xml(const char *data, size_t len, const char *name, char **err)
{
	xmlDocPtr doc = xmlReadMemory(data, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	*err = NULL;
	if (!doc) {
		*err = xasprintf("%s is not well-formed XML: the file is "
		    "corrupt", name);
		return NULL;
	}
	/* Word and OpenDocument never declare entities.  The parser leaves
	 * references unexpanded, but reading a node's text expands them: a
	 * few kilobytes referencing one entity thousands of times become
	 * gigabytes, far past the 64 MB a part may inflate to; and an
	 * external one names a file outside the archive.  Refused whole. */
	if (doc->intSubset && (doc->intSubset->entities ||
	    doc->intSubset->pentities)) {
		*err = xasprintf("%s declares XML entities (<!ENTITY>), which "
		    "Word and OpenDocument files never do: refused", name);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* Reads the archive into d as Word or OpenDocument; 1, reported, when it
 * is neither or cannot be read. */
static int
read_archive(run *r, const input *in, importzip *z, imp_doc *d, char **err)
{
	int rc = 0, odt;

	odt = !importzip_has(z, "word/document.xml") &&
	    !importzip_has(z, "_rels/.rels") && importzip_has(z, "content.xml");
	if (!odt && !importzip_has(z, "word/document.xml") &&
	    !importzip_has(z, "_rels/.rels")) {
		diag_report(r->ds, R_IMPORT_INVALID, in->src, 0, 0, "%s",
		    importzip_has(z, "EncryptedPackage") ? "the file is "
		    "encrypted (password protected): save an unprotected copy" :
		    "not a Word (.docx) or OpenDocument (.odt) file: the "
		    "archive has no word/document.xml or content.xml");
		rc = 1;
	} else if ((odt ? importodt_read(z, d, err) :
	    importdocx_read(z, d, err)) != 0) {
		diag_report(r->ds, R_IMPORT_INVALID, in->src, 0, 0, "%s", *err);
		rc = 1;
	}
	return rc;
}

/* What one imported document got, on standard output: its new name, the
 * front matter recovered, the counts and the readers' notes. */
static void
print_imported(const input *in, const char *rel, const buf *report,
    const imp_doc *d)
{
	printf("%s -> %s\n", in->src, rel);
	fputs(report->data ? report->data : "", stdout);
	printf("  %d link%s, %d placeholder%s left for the "
	    "glossary, %d image%s, %zu footnote%s\n",
	    d->nlinks, d->nlinks == 1 ? "" : "s",
	    d->nplaceholders, d->nplaceholders == 1 ? "" : "s",
	    d->nimages, d->nimages == 1 ? "" : "s",
	    d->nnotes, d->nnotes == 1 ? "" : "s");
	if (d->report.len) {
		const char *l = d->report.data, *nl;
		for (; *l; l = nl + 1) {
			nl = strchr(l, '\n');
			if (!nl)
				break;
			printf("  %.*s\n", (int)(nl - l), l);
		}
	}
}

/* Recovers the front matter, writes the document (front matter, then
 * body) to rel in the project, prints it and records it as written; 1,
 * reported, when it cannot be written. */
static int
write_document(run *r, const input *in, imp_doc *d, const char *s,
    const char *rel, const struct timespec *t0)
{
	char *front = NULL, *body = NULL, *text;
	buf report;
	int rc = 0;
	struct timespec t1;

	buf_init(&report);
	front = importmeta_recover(d, s, &report);
	body = importmd_body(d);
	text = xasprintf("%s\n%s", front, body);
	if (write_atomic(r->project, rel, text, strlen(text)) != 0) {
		diag_report(r->ds, R_IMPORT_INVALID, in->src, 0, 0,
		    "cannot write %s: %s", rel, imp_write_reason(errno));
		rc = 1;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		r->seconds += (double)(t1.tv_sec - t0->tv_sec) +
		    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
		print_imported(in, rel, &report, d);
		r->written = xrealloc(r->written,
		    (r->nwritten + 1) * sizeof *r->written);
		r->written[r->nwritten++] = xstrdup(rel);
	}
	free(text);
	buf_free(&report);
	free(front);
	free(body);
	return rc;
}

/* Imports one input: its name in the project, the archive read, the
 * document written; 1 when it was not. */
static int
import_one(run *r, const input *in)
{
	char *s = stem(in->src), *slug = slug_segment(s), *rel, *abs, *err = NULL;
	char *prefix;
	importzip *z;
	imp_doc d;
	int rc = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!*slug) {
		free(slug);
		slug = xstrdup("document");
	}
	rel = target_path(r, in, slug);
	abs = path_join(r->project, rel);
	if (fsio_exists(abs) && !r->force) {
		diag_report(r->ds, R_IMPORT_INVALID, in->src, 0, 0,
		    "%s exists; not replaced (use --force to replace it)", rel);
		rc = 1;
		goto out;
	}
	z = importzip_open(in->src, &err);
	if (!z) {
		diag_report(r->ds, R_IMPORT_INVALID, in->src, 0, 0, "%s", err);
		rc = 1;
		goto out;
	}
	memset(&d, 0, sizeof d);
	buf_init(&d.report);
	d.project = r->project;
	prefix = asset_prefix_of(rel);
	d.asset_prefix = prefix;
	rc = read_archive(r, in, z, &d, &err);
	importzip_close(z);
	if (rc == 0)
		rc = write_document(r, in, &d, s, rel, &t0);
	imp_doc_free(&d);
	free(prefix);
out:
	free(err);
	free(rel);
	free(abs);
	free(slug);
	free(s);
	return rc;
}

/* A project for the documents: the one in dir, or a new one (policyc
 * new's, without its example) that also allows the policy-number key
 * import writes. */
static int
ensure_project(const char *dir, const char *today)
{
	char *cfg = path_join(dir, "policyc.yaml"), *text;
	size_t len;
	int rc = 0;

	if (fsio_exists(cfg)) {
		free(cfg);
		return 0;
	}
	if (fsio_exists(dir) && !(fsio_is_dir(dir) && fsio_dir_empty(dir))) {
		fprintf(stderr, "policyc: '%s' is not a policy project (no "
		    "policyc.yaml) and not empty: import into a project or a "
		    "new folder\n", dir);
		free(cfg);
		return EXIT_USAGE;
	}
	rc = scaffold_project(dir, today, 0);
	if (rc == 0 && (text = read_file(cfg, &len))) {
		char *at = strstr(text, "rules:\n");
		if (at) {
			at += strlen("rules:\n");
			char *out = xasprintf("%.*s  meta-unknown: { allow: "
			    "[policy-number] }\n%s", (int)(at - text), text, at);
			rc = write_atomic(dir, "policyc.yaml", out,
			    strlen(out)) ? EXIT_ERRORS : 0;
			free(out);
		}
		free(text);
	}
	if (rc == 0)
		printf("new policy project in %s\n", dir);
	free(cfg);
	return rc;
}

/* The checks, on the whole project; the diagnostics of the new
 * documents printed. */
static void
check_new(run *r, const char *today)
{
	diag_set *ds = diag_new(), *mine = diag_new();
	pipeline_options po;
	pipeline *pl;
	size_t i, j;

	memset(&po, 0, sizeof po);
	po.dir = r->project;
	po.today = today;
	po.jobs = 1;
	pl = pipeline_open(&po, ds);
	if (pipeline_check(pl) != PIPELINE_OK) {
		printf("\npolicyc check could not read the project:\n");
		diag_print(ds, stdout, FMT_TEXT, NULL, 0);
	} else {
		for (i = 0; i < diag_count(ds); i++) {
			const diagnostic *g = diag_at(ds, i);
			for (j = 0; j < r->nwritten; j++)
				if (g->file && !strcmp(g->file, r->written[j]))
					break;
			if (j < r->nwritten)
				diag_report_named(mine, (int)g->sev, g->rule, g->file,
				    g->line, g->col, "%s", g->message);
		}
		diag_sort(mine);
		printf("\npolicyc check %s: %zu diagnostic%s on the imported "
		    "document%s\n", r->project, diag_count(mine),
		    diag_count(mine) == 1 ? "" : "s", r->nwritten == 1 ? "" : "s");
		diag_print(mine, stdout, FMT_TEXT, NULL, r->nwritten);
	}
	pipeline_free(pl);
	diag_free(ds);
	diag_free(mine);
}

int
import_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "today", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	run r;
	inputs l = { NULL, 0 };
	const char *out = ".", *today_opt = NULL;
	char today[11];
	int ch, rc = 0;
	size_t i;

	memset(&r, 0, sizeof r);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'f': r.force = 1; break;
		case 'T':
			if (strlen(optarg) != 10 || !date_parse(optarg, today)) {
				fprintf(stderr, "policyc: --today '%s' is not a "
				    "real date (YYYY-MM-DD) (see policyc --help)\n",
				    optarg);
				return EXIT_USAGE;
			}
			today_opt = optarg;
			break;
		case 'h': fputs(help_import, stdout); return EXIT_OK;
		default:
			fprintf(stderr, "policyc: %s '%s' (see policyc import "
			    "--help)\n", ch == ':' ? "option needs a value" :
			    "unknown option", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("policyc: import needs a .docx or .odt file or a folder "
		    "(see policyc import --help)\n", stderr);
		return EXIT_USAGE;
	}
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "policyc: cannot read '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
		if (S_ISDIR(st.st_mode)) {
			char *trim = fsio_strip_slashes(argv[i]);
			const char *b = strrchr(trim, '/');
			char *seg = slug_segment(b ? b + 1 : trim);
			walk(&l, argv[i], seg, 0);
			free(seg);
			free(trim);
		} else
			add_input(&l, argv[i], "");
	}
	/* a folder with no Word or OpenDocument file in it (a mistyped
	 * one, say) imports nothing: no project is made for it */
	if (l.n == 0) {
		fprintf(stderr, "policyc: no .docx or .odt files in %s%s: "
		    "nothing imported\n", argv[optind],
		    argc - optind > 1 ? " and the other folders" : "");
		rc = EXIT_USAGE;
		goto done;
	}
	date_today(today_opt, today);
	rc = ensure_project(out, today);
	if (rc)
		goto done;
	r.project = out;
	r.ds = diag_new();
	{
		char *content = content_folder(out);
		r.content = content;
		for (i = 0; i < l.n; i++)
			if (import_one(&r, &l.in[i]))
				rc = EXIT_ERRORS;
		free(content);
	}
	if (r.nwritten) {
		printf("\nimported %zu of %zu file%s in %.3f s\n", r.nwritten,
		    l.n, l.n == 1 ? "" : "s", r.seconds);
		check_new(&r, today_opt);
	}
	diag_sort(r.ds);
	if (diag_count(r.ds))
		diag_print(r.ds, stderr, FMT_TEXT, NULL, l.n);
	diag_free(r.ds);
	for (i = 0; i < r.nwritten; i++)
		free(r.written[i]);
	free(r.written);
done:
	for (i = 0; i < l.n; i++) {
		free(l.in[i].src);
		free(l.in[i].section);
	}
	free(l.in);
	return rc;
}
