/*
 * diag.c — the one diagnostics module.  Stages report here; the set is
 * sorted and printed at the end in the format the user asked for (text and
 * JSON here, SARIF/JUnit/GitHub in diagfmt.c).  The rule table below is the
 * list of built-in rule ids with their default severities: ids are stable,
 * users and tests depend on them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Built-in rules: id, default severity, description (one row per rule). */
static const struct rule_row {
	const char *id;
	severity sev;
	const char *description;
} rule_table[] = {
	{ "yaml-syntax", SEV_ERROR, "Front matter or configuration is not valid YAML" },
	{ "config-unknown-key", SEV_ERROR, "policyc.yaml has a key this version does not know" },
	{ "config-invalid", SEV_ERROR, "A policyc.yaml value has the wrong form" },
	{ "file-unreadable", SEV_ERROR, "A file cannot be read or is not UTF-8 text" },
	{ "meta-required", SEV_ERROR, "A required front matter key (title, owner, review) is missing" },
	{ "meta-invalid", SEV_ERROR, "A front matter value has the wrong form" },
	{ "id-duplicate", SEV_ERROR, "Two documents resolve to the same id" },
	{ "id-invalid", SEV_ERROR, "A document id would leave the output folder" },
	{ "review-overdue", SEV_ERROR, "The review date has passed" },
	{ "review-due-soon", SEV_WARNING, "The review date is near" },
	{ "review-interval", SEV_WARNING, "The review date is too long after approval, or before it" },
	{ "section-missing", SEV_ERROR, "A heading required for the document's type is absent" },
	{ "link-broken", SEV_ERROR, "A link to a document, anchor or file that does not exist" },
	{ "link-unsafe", SEV_ERROR, "A URL whose scheme is not allowed (javascript:, vbscript:, file:, non-image data:)" },
	{ "link-placeholder", SEV_WARNING, "A placeholder link [text](#) whose text is no glossary term" },
	{ "link-text", SEV_WARNING, "Link text that says nothing out of context (WCAG 2.4.4)" },
	{ "image-alt", SEV_ERROR, "An image without alternative text (WCAG 1.1.1)" },
	{ "image-missing", SEV_WARNING, "An image file that cannot be found or read" },
	{ "heading-skip", SEV_WARNING, "A heading more than one level deeper than the one before" },
	{ "term-unknown", SEV_ERROR, "A glossary: link to a term not in the glossary" },
	{ "term-duplicate", SEV_ERROR, "A term, alias or abbreviation defined twice" },
	{ "term-unused", SEV_NOTE, "A glossary term no document uses" },
	{ "related-unknown", SEV_ERROR, "related: or superseded-by: names no document" },
	{ "superseded-link", SEV_WARNING, "A link to a withdrawn or superseded document" },
	{ "orphan", SEV_NOTE, "An active document nothing links to or lists as related" },
	{ "variable-unknown", SEV_ERROR, "A {{variable}} the project does not define" },
	{ "numbering-duplicate", SEV_WARNING, "The same hand-typed paragraph number twice in one document" },
	{ "outdated-term", SEV_WARNING, "Wording that has been replaced (organisations, guidance)" },
	{ "filter-error", SEV_ERROR, "A Lua filter failed, or ran past its limits" },
	{ "filter-print", SEV_NOTE, "Output of print() in a Lua filter" },
	{ "brand-contrast", SEV_WARNING, "A brand colour has too little contrast against white" },
	{ "output-error", SEV_ERROR, "An output file could not be written" },
	{ "html-template", SEV_ERROR, "An XSLT stylesheet failed to compile or run" },
	{ "html-write", SEV_ERROR, "A site file could not be written" },
	{ NULL, SEV_OFF, NULL }
};

typedef struct {
	char *rule;
	severity sev;
} override;

struct diag_set {
	pthread_mutex_t lock;
	diagnostic *items;
	size_t n, cap;
	override *overrides;
	size_t noverrides;
};

diag_set *
diag_new(void)
{
	diag_set *ds = xcalloc(1, sizeof *ds);
	pthread_mutex_init(&ds->lock, NULL);
	return ds;
}

void
diag_free(diag_set *ds)
{
	size_t i;
	if (!ds)
		return;
	for (i = 0; i < ds->n; i++) {
		free(ds->items[i].rule);
		free(ds->items[i].file);
		free(ds->items[i].message);
	}
	for (i = 0; i < ds->noverrides; i++)
		free(ds->overrides[i].rule);
	free(ds->overrides);
	free(ds->items);
	pthread_mutex_destroy(&ds->lock);
	free(ds);
}

static const struct rule_row *
find_rule(const char *rule)
{
	const struct rule_row *r;
	for (r = rule_table; r->id; r++)
		if (strcmp(r->id, rule) == 0)
			return r;
	return NULL;
}

severity
diag_rule_default(const char *rule)
{
	const struct rule_row *r = find_rule(rule);
	return r ? r->sev : SEV_WARNING;
}

const char *
diag_rule_description(const char *rule)
{
	const struct rule_row *r = find_rule(rule);
	return r ? r->description : NULL;
}

void
diag_set_severity(diag_set *ds, const char *rule, severity sev)
{
	size_t i;
	pthread_mutex_lock(&ds->lock);
	for (i = 0; i < ds->noverrides; i++)
		if (strcmp(ds->overrides[i].rule, rule) == 0) {
			ds->overrides[i].sev = sev;
			pthread_mutex_unlock(&ds->lock);
			return;
		}
	ds->overrides = xrealloc(ds->overrides,
	    (ds->noverrides + 1) * sizeof *ds->overrides);
	ds->overrides[ds->noverrides].rule = xstrdup(rule);
	ds->overrides[ds->noverrides].sev = sev;
	ds->noverrides++;
	pthread_mutex_unlock(&ds->lock);
}

/* Caller holds the lock.  Returns -1 when not overridden. */
static int
override_of(diag_set *ds, const char *rule)
{
	size_t i;
	for (i = 0; i < ds->noverrides; i++)
		if (strcmp(ds->overrides[i].rule, rule) == 0)
			return (int)ds->overrides[i].sev;
	return -1;
}

severity
diag_severity_of(diag_set *ds, const char *rule)
{
	int o;
	pthread_mutex_lock(&ds->lock);
	o = override_of(ds, rule);
	pthread_mutex_unlock(&ds->lock);
	return o >= 0 ? (severity)o : diag_rule_default(rule);
}

int
diag_severity_parse(const char *s, severity *out)
{
	static const char *names[] = { "off", "note", "warning", "error" };
	int i;
	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (severity)i;
			return 1;
		}
	return 0;
}

const char *
diag_severity_name(severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	case SEV_NOTE: return "note";
	default: return "off";
	}
}

static void
add(diag_set *ds, int sev, const char *rule, const char *file, int line,
    int col, const char *fmt, va_list ap)
{
	diagnostic *d;
	int o;
	char msg[2048];

	vsnprintf(msg, sizeof msg, fmt, ap);
	pthread_mutex_lock(&ds->lock);
	o = override_of(ds, rule);
	if (o >= 0)
		sev = o;
	else if (sev < 0)
		sev = (int)diag_rule_default(rule);
	if (sev == SEV_OFF) {
		pthread_mutex_unlock(&ds->lock);
		return;
	}
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 64;
		ds->items = xrealloc(ds->items, ds->cap * sizeof *ds->items);
	}
	d = &ds->items[ds->n++];
	d->sev = (severity)sev;
	d->rule = xstrdup(rule);
	d->file = xstrdup(file ? file : "");
	d->message = xstrdup(msg);
	d->line = line < 0 ? 0 : line;
	d->col = col < 0 ? 0 : col;
	pthread_mutex_unlock(&ds->lock);
}

void
diag_report(diag_set *ds, const char *rule, const char *file, int line,
    int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(ds, -1, rule, file, line, col, fmt, ap);
	va_end(ap);
}

void
diag_report_sev(diag_set *ds, severity sev, const char *rule,
    const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(ds, (int)sev, rule, file, line, col, fmt, ap);
	va_end(ap);
}

static int
cmp_diag(const void *a, const void *b)
{
	const diagnostic *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if ((c = strcmp(x->rule, y->rule)))
		return c;
	return strcmp(x->message, y->message);
}

void
diag_sort(diag_set *ds)
{
	pthread_mutex_lock(&ds->lock);
	if (ds->n > 1)
		qsort(ds->items, ds->n, sizeof *ds->items, cmp_diag);
	pthread_mutex_unlock(&ds->lock);
}

size_t
diag_count(const diag_set *ds)
{
	return ds->n;
}

const diagnostic *
diag_at(const diag_set *ds, size_t i)
{
	return i < ds->n ? &ds->items[i] : NULL;
}

void
diag_file_range(const diag_set *ds, const char *file, size_t *first,
    size_t *end)
{
	size_t lo = 0, hi = ds->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ds->items[mid].file, file) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (hi < ds->n && strcmp(ds->items[hi].file, file) == 0)
		hi++;
	*end = hi < lo ? lo : hi;
}

size_t
diag_count_sev(const diag_set *ds, severity s)
{
	size_t i, n = 0;
	for (i = 0; i < ds->n; i++)
		n += ds->items[i].sev == s;
	return n;
}

severity
diag_worst(const diag_set *ds)
{
	size_t i;
	severity w = SEV_OFF;
	for (i = 0; i < ds->n; i++)
		if (ds->items[i].sev > w)
			w = ds->items[i].sev;
	return w;
}

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
	for (i = 0; i < ds->n; i++) {
		const diagnostic *d = &ds->items[i];
		buf_printf(&b, "%s:%d:%d: %s: %s [%s]\n", d->file, d->line, d->col,
		    diag_severity_name(d->sev), d->message, d->rule);
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
	for (i = 0; i < ds->n; i++) {
		const diagnostic *d = &ds->items[i];
		fputs(i ? ",\n  {" : "\n  {", fp);
		fputs("\"severity\": ", fp);
		diag_json_string(fp, diag_severity_name(d->sev));
		fputs(", \"rule\": ", fp);
		diag_json_string(fp, d->rule);
		fputs(", \"file\": ", fp);
		diag_json_string(fp, d->file);
		fprintf(fp, ", \"line\": %d, \"column\": %d, \"message\": ",
		    d->line, d->col);
		diag_json_string(fp, d->message);
		fputs("}", fp);
	}
	fputs(ds->n ? "\n]\n" : "]\n", fp);
}

void
diag_print(diag_set *ds, FILE *fp, diag_format fmt,
    const char *const *doc_paths, size_t ndocs)
{
	diag_sort(ds);
	switch (fmt) {
	case FMT_TEXT: print_text(ds, fp, ndocs); break;
	case FMT_JSON: print_json(ds, fp); break;
	case FMT_SARIF: diagfmt_sarif(ds, fp); break;
	case FMT_JUNIT: diagfmt_junit(ds, fp, doc_paths, ndocs); break;
	case FMT_GITHUB: diagfmt_github(ds, fp); break;
	}
	fflush(fp);
}
