/*
 * cfilters.c — the driver of the shipped filters' C mirrors (cfilters.h):
 * which mirror stands for which Lua file, and a run of several mirrors
 * over a corpus.  Documents are checked side by side on jobs_run's
 * workers, each mirror's findings kept by document, and then reported in
 * the order the Lua filters would report them (filter after filter,
 * document after document, then each filter's corpus()), so the
 * diagnostics set — and the build cache's record of it — is the one a
 * run of the Lua makes.  A bounded build's dropped tree is made for the
 * document being checked and dropped after, as a filter's child does
 * (luamodel.c lazy_tree).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfilters.h"
#include "digest.h"
#include "jobs.h"
#include "project.h"
#include "util.h"

static const cfilter *const mirrors[] = {
	&cf_heading_skip, &cf_image_alt, &cf_link_text, &cf_numbering,
	&cf_orphan, &cf_outdated_terms, &cf_review, &cf_sections,
};
#define NMIRRORS (sizeof mirrors / sizeof mirrors[0])

static const cfilter *mirror_named(const char *name)
{
	size_t i;

	for (i = 0; i < NMIRRORS; i++)
		if (strcmp(mirrors[i]->name, name) == 0)
			return mirrors[i];
	return NULL;
}

int cfilters_matches(const char *name, const char *path)
{
	const cfilter *f = mirror_named(name);
	char hex[DIGEST_HEX];
	size_t len = 0;
	char *src;

	if (f == NULL || (src = read_file(path, &len)) == NULL)
		return -1;
	digest_sha256_hex(src, len, hex);
	free(src);
	return strcmp(hex, f->sha256) == 0;
}

const cfilter *cfilters_find(const char *name, const char *path,
    const corpus *c)
{
	const char *env = getenv("POLICYC_LUA_FILTERS");
	const cfilter *f = mirror_named(name);

	if (f == NULL || (env && *env && strcmp(env, "0") != 0))
		return NULL;
	if (cfilters_matches(name, path) != 1)
		return NULL;
	if (f->mirrors && !f->mirrors(c, f))
		return NULL;
	return f;
}

/* ---- settings -------------------------------------------------------- */

const yval *cf_config(const corpus *c, const cfilter *f, const char *key)
{
	const yval *found = NULL;
	size_t i, j;

	if (c->project == NULL || strcmp(key, "severity") == 0)
		return NULL;
	/* push_config: each rule's map in turn, each key set in turn, so
	 * the last one written wins, and a null (nil) takes it out */
	for (i = 0; f->rules[i]; i++) {
		const yval *s = project_rule_settings(c->project, f->rules[i]);

		if (s == NULL || s->kind != YV_MAP)
			continue;
		for (j = 0; j < s->n; j++)
			if (strcmp(s->keys[j], key) == 0)
				found = s->items[j];
	}
	return found && found->kind != YV_NULL ? found : NULL;
}

int cf_tostring(const yval *v, buf *out)
{
	const char *s;

	out->len = 0;
	if (out->data)
		out->data[0] = '\0';
	if (v == NULL || v->kind == YV_NULL)
		return -1;
	switch (v->kind) {
	case YV_STR:
		buf_puts(out, v->str ? v->str : "");
		return 1;
	case YV_BOOL:
		buf_puts(out, v->boolean ? "true" : "false");
		return 1;
	case YV_NUM:
		/* luamodel pushes the number Lua reads from the text: an
		 * integer as written is itself in tostring (leading zeros
		 * and a "+" aside); any other is left to the Lua */
		s = v->str;
		if (s == NULL)
			return 0;
		if (*s == '-')
			s++;
		if (*s == '\0' || strlen(s) > 15 || s[strspn(s, "0123456789")])
			return 0;
		if (s[0] == '0' && s[1] != '\0')
			return 0;
		if (v->str[0] == '-' && strcmp(s, "0") == 0)
			return 0;
		buf_puts(out, v->str);
		return 1;
	default:
		return 0;   /* "table: 0x..." */
	}
}

/* ---- a run ------------------------------------------------------------ */

typedef struct {
	int filter;
	const char *rule;     /* the mirror's own string */
	const char *file;     /* the corpus's */
	int line, col;
	char *msg;
} found;

typedef struct {
	found *v;
	size_t n, cap;
} found_list;

struct cf_ctx {
	const corpus *c;
	const cfilter *f;
	int fi;
	void *state;
	luamodel_reader *r;
	const document *d;    /* NULL in corpus() */
	found_list *out;
};

typedef struct {
	corpus *c;
	const cfilter *const *fs;
	size_t n;
	const unsigned char *skip;
	unsigned char *on;            /* per filter: some rule not off */
	void **states;
	luamodel_reader **readers;    /* per worker */
	found_list *docs;             /* per document */
} run_ctx;

static void vreport(cf_ctx *x, const char *file, const char *rule, int line,
    int col, const char *fmt, va_list ap)
{
	found_list *l = x->out;
	found *g;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	g = &l->v[l->n++];
	g->filter = x->fi;
	g->rule = rule;
	g->file = file;
	g->line = line;
	g->col = col;
	g->msg = xvasprintf(fmt, ap);
}

void cf_report(cf_ctx *x, const char *rule, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(x, x->d ? x->d->path : "", rule, line, col, fmt, ap);
	va_end(ap);
}

void cf_report_file(cf_ctx *x, const char *file, const char *rule, int line,
    int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(x, file, rule, line, col, fmt, ap);
	va_end(ap);
}

const yval *cf_config_of(cf_ctx *x, const char *key)
{
	return cf_config(x->c, x->f, key);
}

luamodel_reader *cf_reader(cf_ctx *x) { return x->r; }
void *cf_state(cf_ctx *x) { return x->state; }
const corpus *cf_corpus(cf_ctx *x) { return x->c; }

static void check_document(void *arg, size_t i, int worker)
{
	run_ctx *rc = arg;
	document *d = rc->c->docs[i];
	cf_ctx x;
	size_t k;
	int made;

	if ((rc->skip && rc->skip[i]) || d->broken)
		return;
	made = corpus_tree_need(rc->c, i);
	luamodel_settle_document(d);
	memset(&x, 0, sizeof x);
	x.c = rc->c;
	x.r = rc->readers[worker];
	x.d = d;
	x.out = &rc->docs[i];
	for (k = 0; k < rc->n; k++) {
		if (!rc->on[k] || rc->fs[k]->document == NULL)
			continue;
		luamodel_reader_reset(x.r);
		x.f = rc->fs[k];
		x.fi = (int)k;
		x.state = rc->states[k];
		rc->fs[k]->document(&x, d);
	}
	corpus_tree_done(rc->c, i, made);
}

static void put_found(diag_set *ds, found *g)
{
	diag_report_named(ds, -1, g->rule, g->file, g->line, g->col, "%s",
	    g->msg);
	free(g->msg);
}

void cfilters_run(corpus *c, const cfilter *const *fs, size_t n,
    const unsigned char *skip, diag_set *ds, int jobs)
{
	run_ctx rc;
	size_t k, i, j;
	int w, workers, any_doc = 0;

	if (n == 0)
		return;
	memset(&rc, 0, sizeof rc);
	rc.c = c;
	rc.fs = fs;
	rc.n = n;
	rc.skip = skip;
	rc.on = xcalloc(n, 1);
	rc.states = xcalloc(n, sizeof *rc.states);
	for (k = 0; k < n; k++) {
		/* read_rules: a filter whose every rule is off does not run */
		for (j = 0; fs[k]->rules[j]; j++)
			if (diag_severity_of(ds, fs[k]->rules[j]) != SEV_OFF)
				rc.on[k] = 1;
		if (rc.on[k] && fs[k]->prepare)
			rc.states[k] = fs[k]->prepare(c, fs[k]);
		any_doc |= rc.on[k] && fs[k]->document != NULL;
	}
	rc.docs = xcalloc(c->ndocs ? c->ndocs : 1, sizeof *rc.docs);
	if (any_doc && c->ndocs > 0) {
		workers = jobs_workers(c->ndocs, jobs);
		rc.readers = xcalloc((size_t)workers, sizeof *rc.readers);
		for (w = 0; w < workers; w++)
			rc.readers[w] = luamodel_reader_new();
		jobs_run(c->ndocs, workers, check_document, &rc);
		for (w = 0; w < workers; w++)
			luamodel_reader_free(rc.readers[w]);
		free(rc.readers);
	}
	for (k = 0; k < n; k++) {
		found_list whole = { NULL, 0, 0 };
		cf_ctx x;

		for (i = 0; i < c->ndocs; i++)
			for (j = 0; j < rc.docs[i].n; j++)
				if (rc.docs[i].v[j].filter == (int)k)
					put_found(ds, &rc.docs[i].v[j]);
		if (!rc.on[k] || fs[k]->corpus == NULL)
			continue;
		memset(&x, 0, sizeof x);
		x.c = c;
		x.f = fs[k];
		x.fi = (int)k;
		x.state = rc.states[k];
		x.out = &whole;
		fs[k]->corpus(&x, c);
		for (j = 0; j < whole.n; j++)
			put_found(ds, &whole.v[j]);
		free(whole.v);
	}
	for (k = 0; k < n; k++)
		if (rc.states[k] && fs[k]->release)
			fs[k]->release(rc.states[k]);
	for (i = 0; i < c->ndocs; i++)
		free(rc.docs[i].v);
	free(rc.docs);
	free(rc.states);
	free(rc.on);
}
