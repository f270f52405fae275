/*
 * diag.c — the one diagnostics module.  Stages report here (thread-safe:
 * documents are compiled in parallel); the set applies the severities of
 * rules: in policyc.yaml, is sorted, counted and handed to diagfmt.c,
 * which prints it.  Default severities come from the rule table
 * (rules.def); this file never prints.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "rules.h"

typedef struct {
	char *rule;
	severity sev;
} override;

/* What the JSON format adds about a document's file (its owner and page
 * URL), kept with the set it describes: editions build side by side,
 * each into a set of its own. */
typedef struct {
	char *path, *owner, *url;
	size_t added;           /* order added: the first of a path wins */
} doc_info;

struct diag_set {
	pthread_mutex_t lock;
	diagnostic *items;
	size_t n, cap;
	override *overrides;
	size_t noverrides;
	doc_info *docs;
	size_t ndocs, capdocs;
	int docs_sorted;
	int quiet;              /* diag_new_quiet: reports are dropped */
};

diag_set *
diag_new(void)
{
	diag_set *ds = xcalloc(1, sizeof *ds);
	pthread_mutex_init(&ds->lock, NULL);
	return ds;
}

diag_set *
diag_new_like(diag_set *like)
{
	diag_set *ds = diag_new();
	size_t i;

	pthread_mutex_lock(&like->lock);
	for (i = 0; i < like->noverrides; i++)
		diag_set_severity(ds, like->overrides[i].rule,
		    like->overrides[i].sev);
	pthread_mutex_unlock(&like->lock);
	return ds;
}

diag_set *
diag_new_quiet(diag_set *like)
{
	diag_set *ds = diag_new_like(like);

	ds->quiet = 1;
	return ds;
}

static void
forget_documents(diag_set *ds)
{
	size_t i;

	for (i = 0; i < ds->ndocs; i++) {
		free(ds->docs[i].path);
		free(ds->docs[i].owner);
		free(ds->docs[i].url);
	}
	free(ds->docs);
	ds->docs = NULL;
	ds->ndocs = ds->capdocs = 0;
	ds->docs_sorted = 0;
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
	forget_documents(ds);
	pthread_mutex_destroy(&ds->lock);
	free(ds);
}

void
diag_add_document(diag_set *ds, const char *path, const char *owner,
    const char *url)
{
	doc_info *di;

	if (!path)
		return;
	pthread_mutex_lock(&ds->lock);
	if (ds->ndocs == ds->capdocs) {
		ds->capdocs = ds->capdocs ? ds->capdocs * 2 : 16;
		ds->docs = xrealloc(ds->docs, ds->capdocs * sizeof *ds->docs);
	}
	di = &ds->docs[ds->ndocs];
	di->path = xstrdup(path);
	di->owner = owner ? xstrdup(owner) : NULL;
	di->url = url ? xstrdup(url) : NULL;
	di->added = ds->ndocs++;
	ds->docs_sorted = 0;
	pthread_mutex_unlock(&ds->lock);
}

void
diag_set_documents(diag_set *ds, const char *const *paths,
    const char *const *owners, const char *const *urls, size_t n)
{
	size_t i;

	pthread_mutex_lock(&ds->lock);
	forget_documents(ds);
	pthread_mutex_unlock(&ds->lock);
	for (i = 0; i < n; i++)
		diag_add_document(ds, paths[i], owners ? owners[i] : NULL,
		    urls ? urls[i] : NULL);
}

size_t
diag_document_count(diag_set *ds)
{
	return ds->ndocs;
}

void
diag_document_at(diag_set *ds, size_t i, const char **path,
    const char **owner, const char **url)
{
	*path = ds->docs[i].path;
	*owner = ds->docs[i].owner;
	*url = ds->docs[i].url;
}

static int
cmp_doc_info(const void *a, const void *b)
{
	const doc_info *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->added < y->added ? -1 : x->added > y->added;
}

int
diag_document_info(diag_set *ds, const char *path, const char **owner,
    const char **url)
{
	size_t lo = 0, hi;
	int found = 0;

	*owner = *url = NULL;
	if (!path)
		return 0;
	pthread_mutex_lock(&ds->lock);
	if (!ds->docs_sorted) {
		if (ds->ndocs)
			qsort(ds->docs, ds->ndocs, sizeof *ds->docs,
			    cmp_doc_info);
		ds->docs_sorted = 1;
	}
	hi = ds->ndocs;
	while (lo < hi) {   /* the first entry of path */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ds->docs[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ds->ndocs && strcmp(ds->docs[lo].path, path) == 0) {
		*owner = ds->docs[lo].owner;
		*url = ds->docs[lo].url;
		found = 1;
	}
	pthread_mutex_unlock(&ds->lock);
	return found;
}

severity
diag_rule_default(const char *rule)
{
	const rule_info *r = rule_find(rule);
	return r ? r->sev : SEV_WARNING;
}

const char *
diag_rule_description(const char *rule)
{
	const rule_info *r = rule_find(rule);
	return r ? r->what : NULL;
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

/* The next diagnostic of ds, its severity and position set (a negative
 * line or column is 0), its strings for the caller.  Caller holds the
 * lock. */
static diagnostic *
slot(diag_set *ds, int sev, int line, int col)
{
	diagnostic *d;

	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 64;
		ds->items = xrealloc(ds->items, ds->cap * sizeof *ds->items);
	}
	d = &ds->items[ds->n++];
	d->sev = (severity)sev;
	d->line = line < 0 ? 0 : line;
	d->col = col < 0 ? 0 : col;
	return d;
}

static void
add(diag_set *ds, int sev, const char *rule, const char *file, int line,
    int col, const char *fmt, va_list ap)
{
	diagnostic *d;
	int o;
	char msg[2048];

	if (ds->quiet)
		return;
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
	d = slot(ds, sev, line, col);
	d->rule = xstrdup(rule);
	d->file = xstrdup(file ? file : "");
	d->message = xstrdup(msg);
	pthread_mutex_unlock(&ds->lock);
}

void
diag_report(diag_set *ds, enum rule_id rule, const char *file, int line,
    int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(ds, -1, rule_get(rule)->id, file, line, col, fmt, ap);
	va_end(ap);
}

void
diag_report_sev(diag_set *ds, severity sev, enum rule_id rule,
    const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(ds, (int)sev, rule_get(rule)->id, file, line, col, fmt, ap);
	va_end(ap);
}

void
diag_report_named(diag_set *ds, int sev, const char *rule, const char *file,
    int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(ds, sev < 0 ? -1 : sev, rule, file, line, col, fmt, ap);
	va_end(ap);
}

void
diag_add_sent(diag_set *ds, int sev, const char *rule, size_t nrule,
    const char *file, size_t nfile, int line, int col, const char *msg,
    size_t nmsg)
{
	diagnostic *d;

	if (ds->quiet || sev == SEV_OFF)
		return;
	pthread_mutex_lock(&ds->lock);
	d = slot(ds, sev, line, col);
	d->rule = xstrndup(rule, nrule);
	d->file = xstrndup(file, nfile);
	d->message = xstrndup(msg, nmsg);
	pthread_mutex_unlock(&ds->lock);
}

void
diag_merge(diag_set *dst, const diag_set *src)
{
	size_t i;
	pthread_mutex_lock(&dst->lock);
	for (i = 0; i < src->n; i++) {
		const diagnostic *s = &src->items[i];
		diagnostic *d = slot(dst, s->sev, s->line, s->col);
		*d = *s;
		d->rule = xstrdup(s->rule);
		d->file = xstrdup(s->file);
		d->message = xstrdup(s->message);
	}
	pthread_mutex_unlock(&dst->lock);
}

void
diag_filter(diag_set *ds, int (*keep)(void *ctx, const diagnostic *d),
    void *ctx)
{
	size_t i, k = 0;

	for (i = 0; i < ds->n; i++) {
		if (keep(ctx, &ds->items[i])) {
			ds->items[k++] = ds->items[i];
			continue;
		}
		free(ds->items[i].rule);
		free(ds->items[i].file);
		free(ds->items[i].message);
	}
	ds->n = k;
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
	size_t i;

	pthread_mutex_lock(&ds->lock);
	/* a set is often sorted already (corpus.xml's head sorted it, and
	 * the back ends said nothing): one pass, not a sort of thousands.
	 * glibc's qsort is a stable merge sort, so a sorted set is left as
	 * it was either way */
	for (i = 1; i < ds->n; i++)
		if (cmp_diag(&ds->items[i - 1], &ds->items[i]) > 0)
			break;
	if (i < ds->n)
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
