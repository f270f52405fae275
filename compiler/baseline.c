/*
 * baseline.c — the accepted findings of a project, so a repository with
 * hundreds of existing errors can gate on new ones from its first day
 * (the baselines of mature linters).  After pipeline_check has judged
 * the whole project (and the command line has narrowed the set to the
 * changed files, if asked), `--write-baseline` records each finding by
 * rule, file and fingerprints of the text it is about; `--baseline`
 * drops from the set every finding the file holds before it is printed,
 * and counts what remains and what was fixed.  Line numbers are kept for
 * people only: a finding is the same finding when its rule, file, masked
 * message (digits as '#': days overdue change daily, line numbers move)
 * and trimmed source line agree; among several such, the one whose
 * neighbouring lines agree too is taken first.  The file is JSON, written
 * through escape_json and read back with the YAML reader (JSON is YAML),
 * which gives every complaint a line and column.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "escape.h"
#include "fsio.h"
#include "strtab.h"
#include "util.h"
#include "yamlval.h"

#define BASELINE_VERSION 1
#define BASELINE_KEY "policyc-baseline"

typedef struct {
	char *rule, *file, *fp, *ctx;
	int used;
} entry;

struct baseline {
	entry *items;
	size_t n;
};

/* ---- fingerprints ---------------------------------------------------- */

static uint64_t
fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

/* A line trimmed, with each run of blanks as one space. */
static char *
squeeze(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t i, k = 0;
	int blank = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v') {
			blank = 1;
			continue;
		}
		if (blank && k)
			out[k++] = ' ';
		blank = 0;
		out[k++] = c;
	}
	out[k] = '\0';
	return out;
}

/* The message with every run of digits as one '#'. */
static char *
mask_digits(const char *s)
{
	char *out = xmalloc(strlen(s) + 1);
	size_t k = 0;

	while (*s) {
		if (*s >= '0' && *s <= '9') {
			while (*s >= '0' && *s <= '9')
				s++;
			out[k++] = '#';
			continue;
		}
		out[k++] = *s++;
	}
	out[k] = '\0';
	return out;
}

/* A source file, split into squeezed lines, read once per run. */
typedef struct {
	char **lines;
	size_t n;
} source;

typedef struct {
	const char *root;
	strtab *index;
	source *files;
	size_t n;
} source_cache;

static const source *
source_get(source_cache *sc, const char *rel)
{
	long at = strtab_get(sc->index, rel);
	source *s;
	char *abs = NULL, *text, *p;
	size_t len = 0;

	if (at >= 0)
		return &sc->files[at];
	sc->files = xrealloc(sc->files, (sc->n + 1) * sizeof *sc->files);
	s = &sc->files[sc->n];
	memset(s, 0, sizeof *s);
	strtab_put(sc->index, rel, (long)sc->n++);
	/* only files inside the project are read; a finding about another
	 * (a filter may name any file) is fingerprinted by its message */
	if (!rel[0] || fsio_resolve_inside(sc->root, rel, FSIO_WANT_FILE,
	    &abs) != FSIO_INSIDE)
		return s;
	text = read_file(abs, &len);
	free(abs);
	if (!text)
		return s;
	for (p = text; p < text + len;) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);

		s->lines = xrealloc(s->lines, (s->n + 1) * sizeof *s->lines);
		s->lines[s->n++] = squeeze(p, n);
		p += n + 1;
	}
	free(text);
	return s;
}

static void
source_cache_free(source_cache *sc)
{
	size_t i, j;

	for (i = 0; i < sc->n; i++) {
		for (j = 0; j < sc->files[i].n; j++)
			free(sc->files[i].lines[j]);
		free(sc->files[i].lines);
	}
	free(sc->files);
	strtab_free(sc->index);
}

/* The nearest non-blank line from line i (0-based) going by step, or "". */
static const char *
neighbour(const source *s, long i, int step)
{
	for (i += step; i >= 0 && (size_t)i < s->n; i += step)
		if (s->lines[i][0])
			return s->lines[i];
	return "";
}

/* fp: the rule, masked message and the finding's own line; ctx: fp with
 * the nearest non-blank lines above and below.  16 hex digits each. */
static void
fingerprint(source_cache *sc, const diagnostic *d, char fp[17],
    char ctx[17])
{
	const source *s = source_get(sc, d->file ? d->file : "");
	const char *line = "", *above = "", *below = "";
	char *msg = mask_digits(d->message ? d->message : "");
	uint64_t h = FNV_INIT;

	if (d->line > 0 && (size_t)d->line <= s->n) {
		line = s->lines[d->line - 1];
		above = neighbour(s, d->line - 1, -1);
		below = neighbour(s, d->line - 1, 1);
	}
	h = fnv(h, d->rule, strlen(d->rule) + 1);
	h = fnv(h, msg, strlen(msg) + 1);
	h = fnv(h, line, strlen(line) + 1);
	snprintf(fp, 17, "%016llx", (unsigned long long)h);
	h = fnv(h, above, strlen(above) + 1);
	h = fnv(h, below, strlen(below) + 1);
	snprintf(ctx, 17, "%016llx", (unsigned long long)h);
	free(msg);
}

/* ---- writing --------------------------------------------------------- */

static void
json_field(buf *b, const char *name, const char *value)
{
	buf_puts(b, ", ");
	escape_json(b, name);
	buf_puts(b, ": ");
	escape_json(b, value ? value : "");
}

int
baseline_write(const char *path, const char *project_dir, diag_set *ds,
    diag_set *err)
{
	source_cache sc = { project_dir, strtab_new(64), NULL, 0 };
	size_t i, n;
	buf b;
	char *tmp;
	int rc = 0;

	diag_sort(ds);
	n = diag_count(ds);
	buf_init(&b);
	buf_printf(&b, "{\n  \"" BASELINE_KEY "\": %d,\n  \"findings\": [",
	    BASELINE_VERSION);
	for (i = 0; i < n; i++) {
		const diagnostic *d = diag_at(ds, i);
		char fp[17], ctx[17];

		fingerprint(&sc, d, fp, ctx);
		buf_puts(&b, i ? ",\n    {" : "\n    {");
		buf_puts(&b, "\"rule\": ");
		escape_json(&b, d->rule);
		json_field(&b, "file", d->file);
		buf_printf(&b, ", \"line\": %d", d->line);
		json_field(&b, "fingerprint", fp);
		json_field(&b, "context", ctx);
		json_field(&b, "severity", diag_severity_name(d->sev));
		json_field(&b, "message", d->message);
		buf_puts(&b, "}");
	}
	buf_puts(&b, n ? "\n  ]\n}\n" : "]\n}\n");
	source_cache_free(&sc);
	/* written beside and renamed over: an interrupted write never leaves
	 * half a baseline that would then fail every check */
	tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	if (fsio_write(tmp, b.data, b.len) != 0 || rename(tmp, path) != 0) {
		diag_report(err, R_BASELINE_INVALID, path, 0, 0,
		    "cannot write the baseline: %s", strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	buf_free(&b);
	return rc;
}

/* ---- reading --------------------------------------------------------- */

static const char *
str_field(const yval *item, const char *key, const char *path,
    diag_set *err)
{
	const yval *v = yval_get(item, key);

	if (v && v->kind == YV_STR && v->str)
		return v->str;
	diag_report(err, R_BASELINE_INVALID, path, v ? v->line : item->line,
	    v ? v->col : item->col, "a baseline finding needs a string "
	    "\"%s\"", key);
	return NULL;
}

baseline *
baseline_read(const char *path, diag_set *err)
{
	size_t len = 0, i;
	char *text = read_file(path, &len);
	yval_error ye;
	yval *root, *ver, *list;
	baseline *b;

	if (!text) {
		diag_report(err, R_BASELINE_INVALID, path, 0, 0,
		    "cannot read the baseline: %s (make one with `policyc "
		    "check --write-baseline %s`)", strerror(errno), path);
		return NULL;
	}
	memset(&ye, 0, sizeof ye);
	root = yval_parse(text, len, 0, &ye);
	free(text);
	if (!root) {
		diag_report(err, R_BASELINE_INVALID, path, ye.line, ye.col,
		    "the baseline is not valid JSON: %s", ye.message);
		return NULL;
	}
	ver = yval_get(root, BASELINE_KEY);
	list = yval_get(root, "findings");
	if (root->kind != YV_MAP || !ver) {
		diag_report(err, R_BASELINE_INVALID, path, root->line,
		    root->col, "not a policyc baseline (no \"" BASELINE_KEY
		    "\" key)");
		yval_free(root);
		return NULL;
	}
	if (ver->kind != YV_NUM || ver->num != BASELINE_VERSION) {
		diag_report(err, R_BASELINE_INVALID, path, ver->line, ver->col,
		    "baseline version '%s' is not one this policyc reads (%d)",
		    ver->str ? ver->str : "?", BASELINE_VERSION);
		yval_free(root);
		return NULL;
	}
	if (!list || list->kind != YV_LIST) {
		diag_report(err, R_BASELINE_INVALID, path,
		    list ? list->line : root->line,
		    list ? list->col : root->col,
		    "the baseline needs a \"findings\" list");
		yval_free(root);
		return NULL;
	}
	b = xcalloc(1, sizeof *b);
	b->items = xcalloc(list->n + 1, sizeof *b->items);
	for (i = 0; i < list->n; i++) {
		const yval *it = list->items[i];
		const char *rule, *file, *fp, *ctx;

		if (it->kind != YV_MAP) {
			diag_report(err, R_BASELINE_INVALID, path, it->line,
			    it->col, "a baseline finding must be an object");
			goto bad;
		}
		rule = str_field(it, "rule", path, err);
		file = rule ? str_field(it, "file", path, err) : NULL;
		fp = file ? str_field(it, "fingerprint", path, err) : NULL;
		if (!fp)
			goto bad;
		ctx = yval_str(yval_get(it, "context"));
		b->items[b->n].rule = xstrdup(rule);
		b->items[b->n].file = xstrdup(file);
		b->items[b->n].fp = xstrdup(fp);
		b->items[b->n].ctx = xstrdup(ctx ? ctx : "");
		b->n++;
	}
	yval_free(root);
	return b;
bad:
	yval_free(root);
	baseline_free(b);
	return NULL;
}

void
baseline_free(baseline *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->items[i].rule);
		free(b->items[i].file);
		free(b->items[i].fp);
		free(b->items[i].ctx);
	}
	free(b->items);
	free(b);
}

/* ---- matching -------------------------------------------------------- */

/* Entries sharing a key, chained: head in the table, the rest in next[]. */
typedef struct {
	strtab *head;
	long *next;
} chains;

static void
chains_add(chains *c, const char *key, long i)
{
	long h = strtab_get(c->head, key);

	c->next[i] = -1;
	if (h < 0) {
		strtab_put(c->head, key, i);
		return;
	}
	c->next[i] = c->next[h];
	c->next[h] = i;
}

/* The first unused entry under key, marked used; 1 when found. */
static int
chains_take(chains *c, entry *items, const char *key)
{
	long i;

	for (i = strtab_get(c->head, key); i >= 0; i = c->next[i])
		if (!items[i].used) {
			items[i].used = 1;
			return 1;
		}
	return 0;
}

static char *
key_of(const char *rule, const char *file, const char *fp, const char *ctx)
{
	return ctx ? xasprintf("%s\t%s\t%s\t%s", rule, file, fp, ctx) :
	    xasprintf("%s\t%s\t%s", rule, file, fp);
}

typedef struct {
	const unsigned char *matched;
	size_t i;
} filter_ctx;

static int
keep_fresh(void *p, const diagnostic *d)
{
	filter_ctx *f = p;

	(void)d;
	return !f->matched[f->i++];
}

void
baseline_apply(const baseline *bl, const char *project_dir, diag_set *ds,
    const changed_set *scope, baseline_counts *out)
{
	source_cache sc = { project_dir, strtab_new(64), NULL, 0 };
	size_t n = diag_count(ds), i;
	entry *items = xcalloc(bl->n + 1, sizeof *items);
	chains exact = { strtab_new(bl->n), xcalloc(bl->n + 1, sizeof(long)) };
	chains loose = { strtab_new(bl->n), xcalloc(bl->n + 1, sizeof(long)) };
	char (*fps)[2][17] = xcalloc(n + 1, sizeof *fps);
	unsigned char *matched = xcalloc(n + 1, 1);
	filter_ctx fc;

	memcpy(items, bl->items, bl->n * sizeof *items);
	for (i = 0; i < bl->n; i++) {
		char *k1 = key_of(items[i].rule, items[i].file, items[i].fp,
		    items[i].ctx);
		char *k2 = key_of(items[i].rule, items[i].file, items[i].fp,
		    NULL);

		items[i].used = 0;
		chains_add(&exact, k1, (long)i);
		chains_add(&loose, k2, (long)i);
		free(k1);
		free(k2);
	}
	/* exact matches first, so a finding that moved does not take the
	 * entry of an identical one that stayed */
	for (i = 0; i < n; i++) {
		const diagnostic *d = diag_at(ds, i);
		char *k;

		fingerprint(&sc, d, fps[i][0], fps[i][1]);
		k = key_of(d->rule, d->file ? d->file : "", fps[i][0],
		    fps[i][1]);
		matched[i] = (unsigned char)chains_take(&exact, items, k);
		free(k);
	}
	for (i = 0; i < n; i++) {
		const diagnostic *d = diag_at(ds, i);
		char *k;

		if (matched[i])
			continue;
		k = key_of(d->rule, d->file ? d->file : "", fps[i][0], NULL);
		matched[i] = (unsigned char)chains_take(&loose, items, k);
		free(k);
	}
	memset(out, 0, sizeof *out);
	out->total = bl->n;
	for (i = 0; i < bl->n; i++)
		if (!items[i].used && (!scope || changed_has(scope,
		    items[i].file)))
			out->fixed++;
	out->remain = out->total - out->fixed;
	fc.matched = matched;
	fc.i = 0;
	diag_filter(ds, keep_fresh, &fc);
	out->fresh = diag_count(ds);
	free(matched);
	free(fps);
	strtab_free(exact.head);
	free(exact.next);
	strtab_free(loose.head);
	free(loose.next);
	free(items);
	source_cache_free(&sc);
}

void
baseline_print_summary(const baseline_counts *c, FILE *fp, diag_format fmt)
{
	char *line = xasprintf("%zu finding%s in the baseline: %zu remain%s, "
	    "%zu fixed", c->total, c->total == 1 ? "" : "s", c->remain,
	    c->remain == 1 ? "s" : "", c->fixed);

	if (fmt == FMT_GITHUB)
		fprintf(fp, "::notice title=policyc baseline::%s\n", line);
	else
		fprintf(fp, "%s\n", line);
	fflush(fp);
	free(line);
}
