/*
 * diagfmt.c — the machine forms of the diagnostics, for CI: SARIF 2.1.0
 * (code scanning), JUnit XML (test reports: one test case per document, a
 * failure per error) and GitHub workflow commands (annotations on the pull
 * request).  diag_print in diag.c dispatches here once the set is sorted;
 * these functions only read it (diag_count, diag_at, diag_rule_description)
 * and write to fp.  Text from documents can be any UTF-8 (or, in a broken
 * file, not UTF-8 at all), so every string goes through an escaper that
 * replaces invalid bytes with U+FFFD and escapes what the format needs.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

#ifndef POLICYC_VERSION
#define POLICYC_VERSION "0.1.0"
#endif

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when the
 * bytes there are not one (overlong, surrogate, past U+10FFFF, cut). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static const char REPLACEMENT[] = "\xef\xbf\xbd";   /* U+FFFD */

/* A JSON string literal, quotes included. */
void diag_json_string(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);

	fputc('"', fp);
	while (n > 0) {
		size_t k = utf8_seq(p, n);

		if (k == 0) {
			fputs(REPLACEMENT, fp);
			p++;
			n--;
			continue;
		}
		if (k == 1) {
			switch (*p) {
			case '"': fputs("\\\"", fp); break;
			case '\\': fputs("\\\\", fp); break;
			case '\n': fputs("\\n", fp); break;
			case '\r': fputs("\\r", fp); break;
			case '\t': fputs("\\t", fp); break;
			case '\b': fputs("\\b", fp); break;
			case '\f': fputs("\\f", fp); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fprintf(fp, "\\u%04x", *p);
				else
					fputc(*p, fp);
			}
		} else if (k == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9))
			/* U+2028/2029: valid JSON, but not in JavaScript */
			fprintf(fp, "\\u%04x", 0x2000 + (p[2] - 0x80));
		else
			fwrite(p, 1, k, fp);
		p += k;
		n -= k;
	}
	fputc('"', fp);
}

/* Text for XML content and attribute values (both quotes escaped; control
 * characters XML 1.0 cannot carry are dropped, kept as U+FFFD). */
static void xml_str(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);

	while (n > 0) {
		size_t k = utf8_seq(p, n);

		if (k == 0) {
			fputs(REPLACEMENT, fp);
			p++;
			n--;
			continue;
		}
		if (k == 1) {
			switch (*p) {
			case '&': fputs("&amp;", fp); break;
			case '<': fputs("&lt;", fp); break;
			case '>': fputs("&gt;", fp); break;
			case '"': fputs("&quot;", fp); break;
			case '\'': fputs("&apos;", fp); break;
			case '\n': fputs("&#10;", fp); break;
			case '\r': fputs("&#13;", fp); break;
			case '\t': fputs("&#9;", fp); break;
			default:
				if (*p < 0x20)
					fputs(REPLACEMENT, fp);
				else
					fputc(*p, fp);
			}
		} else if (k == 3 && p[0] == 0xef && p[1] == 0xbf &&
		    (p[2] == 0xbe || p[2] == 0xbf))
			fputs(REPLACEMENT, fp);   /* U+FFFE/FFFF: not XML chars */
		else
			fwrite(p, 1, k, fp);
		p += k;
		n -= k;
	}
}

/* A relative path as a URI reference: unreserved characters and '/' kept,
 * the rest percent-encoded byte by byte. */
static void uri_str(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, fp);
		else
			fprintf(fp, "%%%02X", *p);
	}
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

void diagfmt_sarif(diag_set *ds, FILE *fp)
{
	const char **rules;
	size_t nrules = rule_list(ds, &rules), n = diag_count(ds), i;

	fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	    "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
	    "      \"tool\": {\n        \"driver\": {\n"
	    "          \"name\": \"policyc\",\n"
	    "          \"version\": ", fp);
	diag_json_string(fp, POLICYC_VERSION);
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
		diag_json_string(fp, rules[i]);
		fputs(", \"name\": ", fp);
		diag_json_string(fp, rules[i]);
		fputs(", \"shortDescription\": {\"text\": ", fp);
		diag_json_string(fp, desc);
		fputs("}, \"defaultConfiguration\": {\"level\": ", fp);
		diag_json_string(fp, sarif_level(def));
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
		diag_json_string(fp, d->rule);
		fprintf(fp, ", \"ruleIndex\": %zu, \"level\": ",
		    rule_index(rules, nrules, d->rule));
		diag_json_string(fp, sarif_level(d->sev));
		fputs(", \"message\": {\"text\": ", fp);
		diag_json_string(fp, d->message);
		fputs("}", fp);
		if (d->file && d->file[0]) {
			fputs(", \"locations\": [{\"physicalLocation\": "
			    "{\"artifactLocation\": {\"uri\": \"", fp);
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

void diagfmt_junit(diag_set *ds, FILE *fp, const char *const *doc_paths,
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

/* GitHub's escaping of command data (message) and, with prop set, of
 * property values (also ':' and ','). */
static void gh_str(FILE *fp, const char *s, int prop)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);

	while (n > 0) {
		size_t k = utf8_seq(p, n);

		if (k == 0) {
			fputs(REPLACEMENT, fp);
			p++;
			n--;
			continue;
		}
		if (k == 1 && *p == '%')
			fputs("%25", fp);
		else if (k == 1 && *p == '\r')
			fputs("%0D", fp);
		else if (k == 1 && *p == '\n')
			fputs("%0A", fp);
		else if (k == 1 && prop && *p == ':')
			fputs("%3A", fp);
		else if (k == 1 && prop && *p == ',')
			fputs("%2C", fp);
		else if (k == 1 && ((*p < 0x20 && *p != '\t') || *p == 0x7f))
			fputs(REPLACEMENT, fp);   /* keep the command one line */
		else
			fwrite(p, 1, k, fp);
		p += k;
		n -= k;
	}
}

void diagfmt_github(diag_set *ds, FILE *fp)
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
