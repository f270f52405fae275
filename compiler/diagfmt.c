/*
 * diagfmt.c — prints the diagnostics: the compiler-style text form, JSON,
 * and the machine forms for CI: SARIF 2.1.0 (code scanning), JUnit XML
 * (test reports: one test case per document, a failure per error) and
 * GitHub workflow commands (annotations on the pull request).  It only
 * reads the sorted set (diag_count, diag_at, diag_rule_description), so
 * diag.c never calls back here.  Text from documents can be any UTF-8 (or, in a broken
 * file, not UTF-8 at all), so every string goes through an escaper that
 * replaces invalid bytes with U+FFFD and escapes what the format needs.
 */
#include <stdlib.h>
#include <string.h>

#include "diagfmt.h"
#include "escape.h"
#include "rules.h"
#include "util.h"

#ifndef POLICYC_VERSION
#define POLICYC_VERSION "0.1.0"
#endif

/* The escapers of escape.c, written straight to a stream. */
static void
put_json(FILE *fp, const char *s)
{
	buf b;
	buf_init(&b);
	escape_json(&b, s);
	fwrite(b.data, 1, b.len, fp);
	buf_free(&b);
}

static void
xml_str(FILE *fp, const char *s)
{
	buf b;
	buf_init(&b);
	escape_xml(&b, s);
	if (b.len)
		fwrite(b.data, 1, b.len, fp);
	buf_free(&b);
}

static void
uri_str(FILE *fp, const char *s)
{
	buf b;
	buf_init(&b);
	escape_uri(&b, s, ESCAPE_URI_PATH);
	if (b.len)
		fwrite(b.data, 1, b.len, fp);
	buf_free(&b);
}

static void
gh_str(FILE *fp, const char *s, int prop)
{
	buf b;
	buf_init(&b);
	escape_github(&b, s, prop);
	if (b.len)
		fwrite(b.data, 1, b.len, fp);
	buf_free(&b);
}

/* set by diag_print_baselined: results carry a baselineState */
static int baselined;

/* set by diag_print_root: the project folder as seen from the working
 * directory ("policies/"), put before file names in the SARIF and GitHub
 * formats, whose readers (code scanning, annotations) resolve paths from
 * the repository root, where CI runs, not from the project folder. */
static char *root_prefix;

void
diag_print_root(const char *prefix)
{
	free(root_prefix);
	root_prefix = prefix && prefix[0] ? xstrdup(prefix) : NULL;
}

void
diag_print_baselined(int on)
{
	baselined = on;
}

static const char *sarif_level(severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	case SEV_NOTE: return "note";
	default: return "none";
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct rule ids of the set, sorted (borrowed strings). */
static size_t rule_list(diag_set *ds, const char ***out)
{
	size_t n = diag_count(ds), i, k = 0;
	const char **v = xcalloc(n + 1, sizeof *v);

	for (i = 0; i < n; i++)
		v[k++] = diag_at(ds, i)->rule;
	if (k)
		qsort(v, k, sizeof *v, cmp_str);
	n = k;
	for (i = k = 0; i < n; i++)
		if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
			v[k++] = v[i];
	*out = v;
	return k;
}

static size_t rule_index(const char **rules, size_t n, const char *rule)
{
	const char **hit = bsearch(&rule, rules, n, sizeof *rules, cmp_str);

	return hit ? (size_t)(hit - rules) : 0;
}

static void
print_sarif(diag_set *ds, FILE *fp)
{
	const char **rules;
	size_t nrules = rule_list(ds, &rules), n = diag_count(ds), i;

	fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	    "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
	    "      \"tool\": {\n        \"driver\": {\n"
	    "          \"name\": \"policyc\",\n"
	    "          \"version\": ", fp);
	put_json(fp, POLICYC_VERSION);
	fputs(",\n          \"informationUri\": "
	    "\"https://github.com/policyc/policyc\",\n"
	    "          \"rules\": [", fp);
	for (i = 0; i < nrules; i++) {
		const char *desc = diag_rule_description(rules[i]);
		severity def = diag_rule_default(rules[i]);
		char *fallback = NULL;

		if (desc == NULL)
			desc = fallback = xasprintf("Project rule %s "
			    "(from a filter in filters/)", rules[i]);
		fputs(i ? ",\n" : "\n", fp);
		fputs("            {\"id\": ", fp);
		put_json(fp, rules[i]);
		fputs(", \"name\": ", fp);
		put_json(fp, rules[i]);
		fputs(", \"shortDescription\": {\"text\": ", fp);
		put_json(fp, desc);
		fputs("}, \"defaultConfiguration\": {\"level\": ", fp);
		put_json(fp, sarif_level(def));
		fputs("}}", fp);
		free(fallback);
	}
	fputs(nrules ? "\n          ]\n" : "]\n", fp);
	fputs("        }\n      },\n"
	    "      \"columnKind\": \"utf16CodeUnits\",\n"
	    "      \"results\": [", fp);
	for (i = 0; i < n; i++) {
		const diagnostic *d = diag_at(ds, i);

		fputs(i ? ",\n" : "\n", fp);
		fputs("        {\"ruleId\": ", fp);
		put_json(fp, d->rule);
		fprintf(fp, ", \"ruleIndex\": %zu, \"level\": ",
		    rule_index(rules, nrules, d->rule));
		put_json(fp, sarif_level(d->sev));
		fputs(", \"message\": {\"text\": ", fp);
		put_json(fp, d->message);
		fputs("}", fp);
		if (baselined)
			fputs(", \"baselineState\": \"new\"", fp);
		if (d->file && d->file[0]) {
			fputs(", \"locations\": [{\"physicalLocation\": "
			    "{\"artifactLocation\": {\"uri\": \"", fp);
			if (root_prefix)
				uri_str(fp, root_prefix);
			uri_str(fp, d->file);
			fputs("\", \"uriBaseId\": \"%SRCROOT%\"}", fp);
			if (d->line > 0) {
				fprintf(fp, ", \"region\": {\"startLine\": %d",
				    d->line);
				if (d->col > 0)
					fprintf(fp, ", \"startColumn\": %d",
					    d->col);
				fputs("}", fp);
			}
			fputs("}}]", fp);
		}
		fputs("}", fp);
	}
	fputs(n ? "\n      ]\n" : "]\n", fp);
	fputs("    }\n  ]\n}\n", fp);
	free(rules);
}

/* ---- JUnit ---------------------------------------------------------- */

typedef struct {
	const char *name;
	size_t failures;
} jcase;

static int cmp_case(const void *a, const void *b)
{
	return strcmp(((const jcase *)a)->name, ((const jcase *)b)->name);
}

static void junit_line(FILE *fp, const diagnostic *d)
{
	char *s = xasprintf("%s:%d:%d: %s: %s [%s]", d->file ? d->file : "",
	    d->line, d->col, diag_severity_name(d->sev), d->message, d->rule);

	xml_str(fp, s);
	free(s);
}

static void
print_junit(diag_set *ds, FILE *fp, const char *const *doc_paths,
    size_t ndocs)
{
	size_t n = diag_count(ds), i, j, ncases = 0, failing = 0;
	jcase *cases = xcalloc(ndocs + n + 1, sizeof *cases);

	/* a test case per document, and per other file with diagnostics
	 * (policyc.yaml, glossary.yaml, a filter); "" is the project */
	for (i = 0; doc_paths && i < ndocs; i++)
		cases[ncases++].name = doc_paths[i];
	for (i = 0; i < n; i++)
		cases[ncases++].name = diag_at(ds, i)->file ?
		    diag_at(ds, i)->file : "";
	if (ncases)
		qsort(cases, ncases, sizeof *cases, cmp_case);
	for (i = j = 0; i < ncases; i++)
		if (j == 0 || strcmp(cases[j - 1].name, cases[i].name) != 0)
			cases[j++] = cases[i];
	ncases = j;
	for (i = 0; i < n; i++) {
		const diagnostic *d = diag_at(ds, i);
		jcase key = { d->file ? d->file : "", 0 }, *c;

		if (d->sev != SEV_ERROR)
			continue;
		c = bsearch(&key, cases, ncases, sizeof *cases, cmp_case);
		if (c)
			c->failures++;
	}
	for (i = 0; i < ncases; i++)
		if (cases[i].failures)
			failing++;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"policyc\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"0\">\n", ncases, failing);
	fprintf(fp, "  <testsuite name=\"policyc check\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", ncases,
	    failing);
	for (i = 0; i < ncases; i++) {
		const char *name = cases[i].name;
		size_t k, nerr = 0, nother = 0;

		for (k = 0; k < n; k++) {
			const diagnostic *d = diag_at(ds, k);

			if (strcmp(d->file ? d->file : "", name) != 0)
				continue;
			if (d->sev == SEV_ERROR)
				nerr++;
			else
				nother++;
		}
		fputs("    <testcase classname=\"policyc\" name=\"", fp);
		xml_str(fp, name[0] ? name : "(project)");
		if (nerr == 0 && nother == 0) {
			fputs("\"/>\n", fp);
			continue;
		}
		fputs("\">\n", fp);
		/* a failure per error */
		for (k = 0; k < n; k++) {
			const diagnostic *d = diag_at(ds, k);

			if (d->sev != SEV_ERROR ||
			    strcmp(d->file ? d->file : "", name) != 0)
				continue;
			fputs("      <failure type=\"", fp);
			xml_str(fp, d->rule);
			fputs("\" message=\"", fp);
			xml_str(fp, d->message);
			fputs("\">", fp);
			junit_line(fp, d);
			fputs("</failure>\n", fp);
		}
		/* warnings and notes do not fail the case; CI shows them as
		 * its output */
		if (nother) {
			fputs("      <system-out>", fp);
			for (k = 0; k < n; k++) {
				const diagnostic *d = diag_at(ds, k);

				if (d->sev == SEV_ERROR ||
				    strcmp(d->file ? d->file : "", name) != 0)
					continue;
				junit_line(fp, d);
				fputs("&#10;", fp);
			}
			fputs("</system-out>\n", fp);
		}
		fputs("    </testcase>\n", fp);
	}
	fputs("  </testsuite>\n</testsuites>\n", fp);
	free(cases);
}

/* ---- GitHub workflow commands --------------------------------------- */

static void
print_github(diag_set *ds, FILE *fp)
{
	size_t n = diag_count(ds), i;

	for (i = 0; i < n; i++) {
		const diagnostic *d = diag_at(ds, i);
		const char *cmd = d->sev == SEV_ERROR ? "error" :
		    d->sev == SEV_WARNING ? "warning" : "notice";
		int first = 1;

		fprintf(fp, "::%s ", cmd);
		if (d->file && d->file[0]) {
			fputs("file=", fp);
			if (root_prefix)
				gh_str(fp, root_prefix, 1);
			gh_str(fp, d->file, 1);
			first = 0;
		}
		if (d->line > 0) {
			fprintf(fp, "%sline=%d", first ? "" : ",", d->line);
			first = 0;
			if (d->col > 0)
				fprintf(fp, ",col=%d", d->col);
		}
		fputs(first ? "title=" : ",title=", fp);
		gh_str(fp, d->rule, 1);
		fputs("::", fp);
		gh_str(fp, d->message, 0);
		fputc('\n', fp);
	}
}

/* ---- text and JSON, and the dispatch ---- */

int
diag_format_parse(const char *s, diag_format *out)
{
	static const struct { const char *name; diag_format f; } formats[] = {
		{ "text", FMT_TEXT }, { "json", FMT_JSON }, { "sarif", FMT_SARIF },
		{ "junit", FMT_JUNIT }, { "github", FMT_GITHUB }, { NULL, FMT_TEXT }
	};
	int i;
	for (i = 0; formats[i].name; i++)
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].f;
			return 1;
		}
	return 0;
}

static void
print_text(diag_set *ds, FILE *fp, size_t ndocs)
{
	size_t i, e, w, n;
	buf b;

	/* one write: stderr is unbuffered, and thousands of diagnostics
	 * written line by line cost half a second at 1,000 documents */
	buf_init(&b);
	for (i = 0; i < diag_count(ds); i++) {
		const diagnostic *d = diag_at(ds, i);
		/* file names and filter messages may hold newlines or
		 * escape sequences: one diagnostic stays one line */
		escape_text(&b, d->file);
		buf_putc(&b, ':');
		buf_put_long(&b, d->line);
		buf_putc(&b, ':');
		buf_put_long(&b, d->col);
		buf_puts(&b, ": ");
		buf_puts(&b, diag_severity_name(d->sev));
		buf_puts(&b, ": ");
		escape_text(&b, d->message);
		buf_puts(&b, " [");
		escape_text(&b, d->rule);
		buf_puts(&b, "]\n");
	}
	if (b.len)
		fwrite(b.data, 1, b.len, fp);
	buf_free(&b);
	e = diag_count_sev(ds, SEV_ERROR);
	w = diag_count_sev(ds, SEV_WARNING);
	n = diag_count_sev(ds, SEV_NOTE);
	fprintf(fp, "%zu error%s, %zu warning%s, %zu note%s in %zu document%s\n",
	    e, e == 1 ? "" : "s", w, w == 1 ? "" : "s", n, n == 1 ? "" : "s",
	    ndocs, ndocs == 1 ? "" : "s");
}

static void
print_json(diag_set *ds, FILE *fp)
{
	size_t i;
	fputs("[", fp);
	for (i = 0; i < diag_count(ds); i++) {
		const diagnostic *d = diag_at(ds, i);
		fputs(i ? ",\n  {" : "\n  {", fp);
		fputs("\"severity\": ", fp);
		put_json(fp, diag_severity_name(d->sev));
		fputs(", \"rule\": ", fp);
		put_json(fp, d->rule);
		fputs(", \"file\": ", fp);
		put_json(fp, d->file);
		fprintf(fp, ", \"line\": %d, \"column\": %d, \"message\": ",
		    d->line, d->col);
		put_json(fp, d->message);
		{
			const char *owner, *url;
			diag_document_info(ds, d->file, &owner, &url);
			if (owner) {
				fputs(", \"owner\": ", fp);
				put_json(fp, owner);
			}
			if (url) {
				fputs(", \"url\": ", fp);
				put_json(fp, url);
			}
		}
		fputs("}", fp);
	}
	fputs(diag_count(ds) ? "\n]\n" : "]\n", fp);
}

void
diag_print(diag_set *ds, FILE *fp, diag_format fmt,
    const char *const *doc_paths, size_t ndocs)
{
	diag_sort(ds);
	switch (fmt) {
	case FMT_TEXT: print_text(ds, fp, ndocs); break;
	case FMT_JSON: print_json(ds, fp); break;
	case FMT_SARIF: print_sarif(ds, fp); break;
	case FMT_JUNIT: print_junit(ds, fp, doc_paths, ndocs); break;
	case FMT_GITHUB: print_github(ds, fp); break;
	}
	fflush(fp);
}
