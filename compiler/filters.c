/*
 * filters.c — the Lua validation filters stage, run after the link pass
 * and before the XML writer.  Each filter file (the shipped ones in
 * DATADIR/filters/, then the *.lua files of the project's filters/; a file
 * with the same name as a shipped one replaces it) runs in a fresh
 * sandboxed Lua state (sandbox.c), sees each document and then the corpus
 * as plain Lua tables (luamodel.c), and reports through ctx.report into
 * the diag set; every filter runs in a child process with a wall-clock
 * limit (jail.c), and filters run side by side on jobs_run's workers.  A
 * filter that raises an error or breaks a limit gets one filter-error at
 * its file while the build goes on with the other filters.  This file is
 * the driver: finding the filters, ctx (report, config, dates), and one
 * filter's run from loading to its corpus() call.
 */
#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "filters.h"
#include "cfilters.h"
#include "date.h"
#include "extends.h"
#include "jail.h"
#include "jobs.h"
#include "luamodel.h"
#include "sandbox.h"
#include "util.h"

#define FILTER_MEM_CAP     ((size_t)64 << 20)   /* bytes per filter state */
#define FILTER_MEM_PER_DOC ((size_t)16 << 10)   /* extra for corpus() */
#define FILTER_BUDGET      20000000L            /* VM instructions a call */
#define FILTER_BUDGET_DOC  20000L               /* extra per document, corpus() */
#define FILTER_SECONDS     5.0     /* wall clock a filter, in a child ... */
#define FILTER_SECONDS_DOC 0.05    /* ... and per document */
/* An ASan+UBSan or a TSan build runs Lua several times slower: its
 * default limit grows with it, so `make asan` and `make tsan` judge the
 * same input the same way as the normal build (a limit set in
 * policyc.yaml is kept as written).  TSan's editions test builds four
 * editions side by side on two cores: at 5 s one filter child now and
 * then ran out of time, and the editions' outputs differed. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FILTER_SLOWDOWN 6.0
#else
#define FILTER_SLOWDOWN 1.0
#endif
#define FILTER_THREADS     16      /* filters at once, at most */
#define FILTER_FEW_DOCS    8       /* the document-local filters over
                                      this many documents: one child */

/* Everything one filter run needs; reached from Lua through a light
 * userdata in the registry (Lua code cannot make or read those). */
typedef struct {
	corpus *c;
	diag_set *ds;            /* in a child process, the child's copy */
	const char *label;       /* "filters/NAME.lua": file of filter-error */
	const char *source;      /* the filter's text */
	size_t source_len;
	char **rules;            /* F.rules, or NULL when it declares none */
	size_t nrules;
	const document *cur;     /* document being checked; NULL in corpus() */
	sandbox_limits lim;
	char *err;               /* first line of the error, when one ended it */
	char *err_doc;           /* path of the document it failed on */
	atomic_long *doing;      /* shared with the parent: 1 + index of the
	                          * document being checked, 0 outside */
	const unsigned char *skip; /* documents left out (filters_run_memo) */
} frun;

/* Reports a diagnostic of the filter: sev is a severity, or -1 for the
 * rule's own. */
static void emit(frun *r, int sev, const char *rule, const char *file,
    int line, int col, const char *msg)
{
	if (sev >= 0)
		diag_report_named(r->ds, sev, rule, file, line, col,
		    "%s", msg);
	else
		diag_report_named(r->ds, -1, rule, file, line, col, "%s", msg);
}

static const char FRUN_KEY = 'F';   /* registry key of the frun pointer */

static frun *get_run(lua_State *L)
{
	frun *r;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &FRUN_KEY);
	r = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return r;
}

/* print(...) [-0, +0, -]: a debugging aid; each call becomes a note
 * (rule filter-print) at the filter file, since stdout may carry JSON or
 * SARIF. */
static int filter_print(lua_State *L)
{
	frun *r = get_run(L);
	int i, n = lua_gettop(L);
	luaL_Buffer b;
	const char *s;

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		luaL_tolstring(L, i, NULL);
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	s = lua_tostring(L, -1);
	if (r->cur) {
		char *m = xasprintf("%s (while checking %s)", s, r->cur->path);

		emit(r, SEV_NOTE, "filter-print", r->label, 0, 0, m);
		free(m);
	} else
		emit(r, SEV_NOTE, "filter-print", r->label, 0, 0, s);
	return 0;
}

/* ---- ctx ---------------------------------------------------------- */

static int rule_declared(const frun *r, const char *rule)
{
	size_t i;

	if (r->rules == NULL)
		return 1;
	for (i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i], rule) == 0)
			return 1;
	return 0;
}

/* ctx.report(rule, message [, {line=, column=, severity=, document=,
 * path=}]) [-0, +0, e] */
static int ctx_report(lua_State *L)
{
	frun *r = get_run(L);
	const char *rule, *msg, *file = r->cur ? r->cur->path : "";
	lua_Integer line = 0, col = 0;
	severity sev = SEV_OFF;

	lua_settop(L, 3);   /* so what luaL_tolstring pushes is at 4 */
	rule = luaL_checkstring(L, 1);
	msg = luaL_tolstring(L, 2, NULL);

	if (!rule_declared(r, rule))
		return luaL_error(L, "ctx.report: rule '%s' is not in this "
		    "filter's rules list", rule);
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		if (lua_getfield(L, 3, "line") != LUA_TNIL)
			line = luaL_checkinteger(L, -1);
		if (lua_getfield(L, 3, "column") != LUA_TNIL)
			col = luaL_checkinteger(L, -1);
		if (lua_getfield(L, 3, "severity") != LUA_TNIL &&
		    !diag_severity_parse(luaL_checkstring(L, -1), &sev))
			return luaL_error(L, "ctx.report: severity must be "
			    "error, warning or note");
		if (lua_getfield(L, 3, "path") == LUA_TSTRING)
			file = lua_tostring(L, -1);
		if (lua_getfield(L, 3, "document") != LUA_TNIL) {
			const char *id = NULL;
			long k;

			if (lua_istable(L, -1)) {
				lua_getfield(L, -1, "id");
				id = lua_tostring(L, -1);
			} else
				id = lua_tostring(L, -1);
			k = id ? corpus_find_id(r->c, id) : -1;
			if (k < 0)
				return luaL_error(L, "ctx.report: no document "
				    "'%s'", id ? id : "?");
			file = r->c->docs[k]->path;
		}
	}
	if (line < 0 || line > 100000000 || col < 0 || col > 100000000)
		return luaL_error(L, "ctx.report: line/column out of range");
	emit(r, sev != SEV_OFF ? (int)sev : -1, rule, file, (int)line,
	    (int)col, msg);
	return 0;
}

/* date.parse(s) [-0, +1, -]: "YYYY-MM-DD" (or nil) */
static int ctx_date_parse(lua_State *L)
{
	char out[11];
	const char *s = lua_tostring(L, 1);

	if (s && date_parse(s, out))
		lua_pushstring(L, out);
	else
		lua_pushnil(L);
	return 1;
}

/* date.days_between(a, b) [-0, +1, -]: b - a in days, or nil */
static int ctx_date_days(lua_State *L)
{
	char a[11], b[11];
	const char *sa = lua_tostring(L, 1), *sb = lua_tostring(L, 2);

	if (sa && sb && date_parse(sa, a) && date_parse(sb, b))
		lua_pushinteger(L, date_days_between(a, b));
	else
		lua_pushnil(L);
	return 1;
}

/* date.add_months(d, n) [-0, +1, -]: date n months later, or nil */
static int ctx_date_add_months(lua_State *L)
{
	char a[11], out[11];
	const char *s = lua_tostring(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);

	if (n < -120000 || n > 120000)
		return luaL_error(L, "date.add_months: too many months");
	if (s && date_parse(s, a)) {
		date_add_months(a, (int)n, out);
		lua_pushstring(L, out);
	} else
		lua_pushnil(L);
	return 1;
}

/* date.add_days(d, n) [-0, +1, -] */
static int ctx_date_add_days(lua_State *L)
{
	char a[11], out[11];
	const char *s = lua_tostring(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);

	if (n < -10000000 || n > 10000000)
		return luaL_error(L, "date.add_days: too many days");
	if (s && date_parse(s, a)) {
		date_from_days(date_to_days(a) + (long)n, out);
		lua_pushstring(L, out);
	} else
		lua_pushnil(L);
	return 1;
}

static const luaL_Reg date_funcs[] = {
	{"parse", ctx_date_parse},
	{"days_between", ctx_date_days},
	{"add_months", ctx_date_add_months},
	{"add_days", ctx_date_add_days},
	{NULL, NULL}
};

/* Merges the settings maps of the filter's rules into one table (later
 * rules' keys win; "severity" is the core's, not the filter's).
 * [-0, +1, m] */
static void push_config(lua_State *L, frun *r)
{
	size_t i, j;

	lua_newtable(L);
	if (r->c->project == NULL)
		return;
	for (i = 0; i < r->nrules; i++) {
		yval *s = project_rule_settings(r->c->project, r->rules[i]);

		if (s == NULL || s->kind != YV_MAP)
			continue;
		for (j = 0; j < s->n; j++) {
			if (strcmp(s->keys[j], "severity") == 0)
				continue;
			luamodel_push_yval(L, s->items[j]);
			lua_setfield(L, -2, s->keys[j]);
		}
	}
}

static void push_ctx(lua_State *L, frun *r)
{
	lua_createtable(L, 0, 4);
	lua_pushstring(L, r->c->today);
	lua_setfield(L, -2, "today");
	push_config(L, r);
	lua_setfield(L, -2, "config");
	lua_pushcfunction(L, ctx_report);
	lua_setfield(L, -2, "report");
	luaL_newlib(L, date_funcs);
	lua_setfield(L, -2, "date");
	lua_createtable(L, (int)r->nrules, 0);
	{
		size_t i;
		for (i = 0; i < r->nrules; i++) {
			lua_pushstring(L, r->rules[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
	}
	lua_setfield(L, -2, "rules");
}

/* ---- running one filter -------------------------------------------- */

/* Keeps the first line of the error on top of the stack. */
static void record_error(lua_State *L, frun *r)
{
	const char *msg = lua_tostring(L, -1);
	size_t n;

	if (msg == NULL)
		msg = "(error object is not a string)";
	n = strcspn(msg, "\n");
	free(r->err);
	r->err = xstrndup(msg, n);
	free(r->err_doc);
	r->err_doc = r->cur ? xstrdup(r->cur->path) : NULL;
}

/* Calls the function below nargs arguments on the stack with the traceback
 * handler and a fresh budget; returns 0 on success (results dropped). */
static int call_filter(lua_State *L, frun *r, int nargs, long budget)
{
	if (sandbox_call(L, nargs, 0, budget) != LUA_OK) {
		record_error(L, r);
		lua_pop(L, 1);
		return -1;
	}
	return 0;
}

/* Reads F.rules (the rule ids the filter table at ftab reports) into r.
 * Returns 0 to go on, 1 when every rule it reports is switched off, -1
 * on an error (recorded).  [-0, +0, e] */
static int read_rules(lua_State *L, frun *r, int ftab)
{
	size_t i;
	int all_off = 1;

	if (lua_getfield(L, ftab, "rules") != LUA_TNIL) {
		lua_Integer n, k;

		if (!lua_istable(L, -1)) {
			lua_pushfstring(L, "%s: rules must be a list of rule "
			    "ids", r->label);
			record_error(L, r);
			return -1;
		}
		n = (lua_Integer)lua_rawlen(L, -1);
		if (n > 1000)
			n = 1000;
		r->rules = xcalloc((size_t)n + 1, sizeof *r->rules);
		for (k = 1; k <= n; k++) {
			if (lua_rawgeti(L, -1, k) != LUA_TSTRING) {
				lua_pushfstring(L, "%s: rules[%d] is not a "
				    "string", r->label, (int)k);
				record_error(L, r);
				return -1;
			}
			r->rules[r->nrules++] = xstrdup(lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		for (i = 0; i < r->nrules; i++)
			if (diag_severity_of(r->ds, r->rules[i]) != SEV_OFF)
				all_off = 0;
		if (r->nrules > 0 && all_off)
			return 1;   /* every rule it reports is switched off */
	}
	lua_pop(L, 1);

	return 0;
}

/* The whole run of one filter, itself called protected (so running out
 * of memory while building tables is a filter-error, not an abort).
 * [-0, +0, e] */
static int filter_main(lua_State *L)
{
	frun *r = get_run(L);
	int status, ftab, ctx;
	size_t i;

	luamodel_lazy_trees(r->c);
	sandbox_open(L, filter_print);
	status = sandbox_load(L, r->source, r->source_len, r->label);
	if (status != LUA_OK) {
		record_error(L, r);
		return 0;
	}
	/* the chunk returns the filter table */
	if (sandbox_call(L, 0, 1, FILTER_BUDGET) != LUA_OK) {
		record_error(L, r);
		return 0;
	}
	if (!lua_istable(L, -1)) {
		lua_pushfstring(L, "%s: the filter must return a table "
		    "(it returned %s)", r->label, luaL_typename(L, -1));
		record_error(L, r);
		return 0;
	}
	ftab = lua_gettop(L);

	if (read_rules(L, r, ftab) != 0)
		return 0;   /* an error, or every rule it reports is off */

	push_ctx(L, r);
	ctx = lua_gettop(L);

	if (lua_getfield(L, ftab, "document") != LUA_TNIL) {
		if (!lua_isfunction(L, -1)) {
			lua_pushfstring(L, "%s: document must be a function",
			    r->label);
			record_error(L, r);
			return 0;
		}
		for (i = 0; i < r->c->ndocs; i++) {
			const document *d;

			/* the skip bytes first: in a rebuild nearly every
			 * document is skipped, and reading each one's
			 * record (cold in this child) cost ~2 ms a run */
			if (r->skip && r->skip[i])
				continue;
			d = r->c->docs[i];
			if (d->broken)
				continue;
			r->cur = d;
			if (r->doing)
				atomic_store_explicit(r->doing, (long)i + 1,
				    memory_order_relaxed);
			/* a bounded build's tree is made only when the
			 * filter reads a field of the body or walks it, and
			 * a few are kept (luamodel.c): a filter of the
			 * metadata parses nothing */
			lua_pushvalue(L, -1);
			luamodel_push_document(L, d);
			lua_pushvalue(L, ctx);
			if (call_filter(L, r, 2, FILTER_BUDGET) != 0)
				return 0;
			if ((i & 63) == 63)
				lua_gc(L, LUA_GCSTEP, 0);
		}
		r->cur = NULL;
		if (r->doing)
			atomic_store_explicit(r->doing, 0,
			    memory_order_relaxed);
	}
	lua_pop(L, 1);

	if (lua_getfield(L, ftab, "corpus") != LUA_TNIL) {
		if (!lua_isfunction(L, -1)) {
			lua_pushfstring(L, "%s: corpus must be a function",
			    r->label);
			record_error(L, r);
			return 0;
		}
		r->lim.mem_cap += FILTER_MEM_PER_DOC * r->c->ndocs;
		luamodel_push_corpus(L, r->c);
		lua_pushvalue(L, ctx);
		if (call_filter(L, r, 2, FILTER_BUDGET +
		    FILTER_BUDGET_DOC * (long)r->c->ndocs) != 0)
			return 0;
	}
	return 0;
}

/* Reports the filter-error of a failed run; the line is taken from the
 * "filters/x.lua:12: ..." prefix Lua puts on errors raised in the file. */
static void report_failure(frun *r)
{
	size_t n = strlen(r->label);
	int line = 0;
	const char *msg = r->err;
	char *m;

	if (strncmp(msg, r->label, n) == 0 && msg[n] == ':')
		line = atoi(msg + n + 1);
	if (r->err_doc)
		m = xasprintf("filter stopped while checking %s: %s",
		    r->err_doc, msg);
	else
		m = xasprintf("filter stopped: %s", msg);
	emit(r, -1, "filter-error", r->label, line, 0, m);
	free(m);
}

/* Runs the filter whose source r holds, in this process. */
static void run_filter(frun *r)
{
	lua_State *L = sandbox_new(&r->lim);

	if (L == NULL) {
		emit(r, -1, "filter-error", r->label, 0, 0,
		    "cannot start Lua");
		return;
	}
	lua_pushlightuserdata(L, r);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &FRUN_KEY);
	lua_pushcfunction(L, filter_main);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK)
		record_error(L, r);
	sandbox_close(L);
	if (r->err)
		report_failure(r);
}

static void frun_free(frun *r)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		free(r->rules[i]);
	free(r->rules);
	free(r->err);
	free(r->err_doc);
	free((char *)r->source);
}

/* ---- the stage ------------------------------------------------------ */

/* One filter to run: its file and the label diagnostics use; a shipped
 * filter with a C mirror that stands for it (cfilters.h) has mirror. */
typedef struct {
	char *path, *label;
	const cfilter *mirror;
} job;

typedef struct {
	corpus *c;
	job *jobs;
	size_t n;
	jail *jail;
	const unsigned char *skip;   /* filters_run_memo's, local filters */
} job_queue;

/* Runs filter k (reading its source) in this process, reporting into ds:
 * the jail's job, called in its child.  progress gets 1 + the index of
 * the document being checked. */
static void run_job(void *ctx, size_t k, diag_set *ds, atomic_long *progress)
{
	job_queue *q = ctx;
	frun r;

	memset(&r, 0, sizeof r);
	r.c = q->c;
	r.ds = ds;
	r.doing = progress;
	r.skip = q->skip;
	r.label = q->jobs[k].label;
	r.lim.mem_cap = FILTER_MEM_CAP;
	r.source = read_file(q->jobs[k].path, &r.source_len);
	if (r.source == NULL)
		emit(&r, -1, "filter-error", r.label, 0, 0,
		    "cannot read the filter file");
	else
		run_filter(&r);
	frun_free(&r);
}

/* One filter-error for a filter whose child did not finish it; doing is
 * 1 + index of the document it was on, or 0. */
static void job_failed(void *ctx, size_t k, long doing, const char *what,
    diag_set *ds)
{
	job_queue *q = ctx;
	char *m;

	if (doing > 0 && (size_t)doing <= q->c->ndocs)
		m = xasprintf("filter stopped while checking %s: %s",
		    q->c->docs[doing - 1]->path, what);
	else
		m = xasprintf("filter stopped: %s", what);
	diag_report(ds, R_FILTER_ERROR, q->jobs[k].label, 0, 0, "%s", m);
	free(m);
}

/* jobs_run's body: filter i on worker w's child. */
static void job_item(void *ctx, size_t i, int w)
{
	job_queue *q = ctx;

	jail_run(q->jail, i, w);
}

/* ---- finding the filters ------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.lua names in dir (not hidden); caller frees each and the
 * array. */
static size_t list_lua(const char *dir, char ***out)
{
	DIR *dp;
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (dir == NULL || (dp = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.' || !str_has_suffix(e->d_name, ".lua"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n++] = xstrdup(e->d_name);
	}
	closedir(dp);
	if (n)
		qsort(v, n, sizeof *v, cmp_str);
	*out = v;
	return n;
}

static int name_in(char **v, size_t n, const char *s)
{
	return n > 0 && bsearch(&s, v, n, sizeof *v, cmp_str) != NULL;
}

/* Each filter's time limit: rules: filter-error: {seconds: N} in
 * policyc.yaml, else FILTER_SECONDS and FILTER_SECONDS_DOC a document. */
static double time_limit(corpus *c, diag_set *ds)
{
	double secs = (FILTER_SECONDS + FILTER_SECONDS_DOC * (double)c->ndocs) *
	    FILTER_SLOWDOWN;
	yval *set = c->project ?
	    project_rule_settings(c->project, "filter-error") : NULL;
	yval *v = set ? yval_get(set, "seconds") : NULL;

	if (v == NULL)
		return secs;
	if (v->kind == YV_NUM && v->num >= 0.1 && v->num <= 86400)
		return v->num;
	diag_report(ds, R_CONFIG_INVALID, "policyc.yaml", v->line, v->col,
	    "rules: filter-error: seconds must be a number from 0.1 to "
	    "86400; using %g", secs);
	return secs;
}

/* The filters of the project's filters/ and then each core's (an
 * edition inherits them), nearest first, as jobs after q's; a name met
 * first hides the same name further on.  Their names, sorted, in *names
 * (caller frees). */
static size_t project_filters(const project *p, job_queue *q, char ***names)
{
	char **dir, **lab, **v, **pr = NULL;
	size_t nl = extends_layers(p, "filters", &dir, &lab), npr = 0, nv, l, i;

	for (l = 0; l < nl; l++) {
		nv = list_lua(dir[l], &v);
		for (i = 0; i < nv; i++) {
			if (name_in(pr, npr, v[i])) {
				free(v[i]);
				continue;
			}
			q->jobs = xrealloc(q->jobs, (q->n + 1) * sizeof *q->jobs);
			q->jobs[q->n].path = path_join(dir[l], v[i]);
			q->jobs[q->n].label = path_join(lab[l], v[i]);
			q->jobs[q->n].mirror = NULL;   /* a project's own */
			q->n++;
			pr = xrealloc(pr, (npr + 1) * sizeof *pr);
			pr[npr++] = v[i];
			qsort(pr, npr, sizeof *pr, cmp_str);
		}
		free(v);
		free(dir[l]);
		free(lab[l]);
	}
	free(dir);
	free(lab);
	*names = pr;
	return npr;
}

/*
 * Filters are independent — each has its own Lua state and reads the
 * corpus without changing it — so they run side by side, one filter per
 * worker at a time, each worker with its own child process.  Documents
 * are not split across workers: a filter sees every document in order in
 * one state, as a filter that keeps counts between document() and
 * corpus() expects.
 */
void filters_run(corpus *c, const char *builtin_dir, diag_set *ds, int jobs)
{
	filters_run_memo(c, builtin_dir, ds, jobs, NULL);
}

/* What the built-in filter at path says it reads: 0 the document it is
 * given (document-local), 1 the corpus's index (corpus-index), 2 any. */
static int reach_of(const char *path)
{
	size_t n = 0;
	char *src = read_file(path, &n);
	int r = 2;

	if (src && strstr(src, "\n" FILTERS_LOCAL_MARK "\n"))
		r = 0;
	else if (src && strstr(src, "\n" FILTERS_INDEX_MARK "\n"))
		r = 1;
	free(src);
	return r;
}

typedef struct {
	corpus *c;
	const unsigned char *skip;
} settle_ctx;

static void settle_unskipped(void *arg, size_t i, int worker)
{
	settle_ctx *sc = arg;

	(void)worker;
	if (sc->skip[i])
		return;
	if (sc->c->docs[i]->links_pending ||   /* luamodel_settle */
	    sc->c->docs[i]->tree_deferred)
		(void)corpus_tree_need(sc->c, i);
	luamodel_settle_document(sc->c->docs[i]);
}

/* Runs the jobs of sub in children, on the jail js describes. */
static void run_jail(job_queue *sub, jail_spec *js, int jobs)
{
	int workers;

	js->ctx = sub;
	js->njobs = sub->n;
	workers = jobs_workers(sub->n, jobs > FILTER_THREADS ? FILTER_THREADS :
	    jobs);
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's allocator is not safe to fork from while other threads
	 * allocate: a child can start with its lock held and hang until the
	 * time limit.  Under the sanitizer the jail forks from one thread. */
	workers = 1;
#endif
	if (sub->n == 0)
		return;
	sub->jail = jail_new(js, workers);
	jobs_run(sub->n, workers, job_item, sub);
	jail_free(sub->jail);
}

/* Runs the jobs [from, to) of q: the Lua ones on the jail js describes,
 * then the C mirrors in this process (their reports after the Lua's, as
 * the jail's come in job order when it ends). */
static void run_queue(job_queue *q, jail_spec *js, size_t from, size_t to,
    int jobs)
{
	job_queue sub = *q;
	const cfilter **mirrored;
	size_t i, nm = 0;

	if (to <= from)
		return;
	mirrored = xcalloc(to - from, sizeof *mirrored);
	sub.jobs = xcalloc(to - from, sizeof *sub.jobs);
	sub.n = 0;
	for (i = from; i < to; i++) {
		if (q->jobs[i].mirror)
			mirrored[nm++] = q->jobs[i].mirror;
		else
			sub.jobs[sub.n++] = q->jobs[i];
	}
	run_jail(&sub, js, jobs);
	free(sub.jobs);
	cfilters_run(q->c, mirrored, nm, q->skip, js->ds, jobs);
	free(mirrored);
}

static atomic_size_t last_shipped, last_mirrored;

size_t filters_last_shipped(size_t *mirrored)
{
	*mirrored = atomic_load(&last_mirrored);
	return atomic_load(&last_shipped);
}

void filters_run_memo(corpus *c, const char *builtin_dir, diag_set *ds,
    int jobs, filters_memo *m)
{
	char **bi, **pr = NULL;
	size_t nbi, npr = 0, i;
	job_queue q, own;
	jail_spec js;
	size_t nlocal = 0, nindex = 0;

	memset(&own, 0, sizeof own);
	if (c->project && c->project->dir)
		npr = project_filters(c->project, &own, &pr);
	nbi = list_lua(builtin_dir, &bi);

	memset(&q, 0, sizeof q);
	q.c = c;
	q.jobs = xcalloc(nbi + own.n + 1, sizeof *q.jobs);
	/* with a memo, the document-local built-ins first (they are
	 * what may skip documents), then the corpus-index ones (which
	 * may be replayed whole), then the rest */
	for (int pass = m ? 0 : 2; pass < 3; pass++)
		for (i = 0; i < nbi; i++) {
			char *path;
			if (name_in(pr, npr, bi[i]))
				continue;   /* the project's own copy replaces it */
			path = path_join(builtin_dir, bi[i]);
			if (m && reach_of(path) != pass) {
				free(path);
				continue;
			}
			q.jobs[q.n].path = path;
			q.jobs[q.n].label = xasprintf("filters/%s", bi[i]);
			q.jobs[q.n].mirror = cfilters_find(bi[i], path, c);
			q.n++;
			nlocal += pass == 0;
			nindex += pass == 1;
		}
	{
		size_t nm = 0;
		for (i = 0; i < q.n; i++)
			nm += q.jobs[i].mirror != NULL;
		atomic_store(&last_shipped, q.n);
		atomic_store(&last_mirrored, nm);
	}
	/* the project's filters and its cores' (project_filters) */
	for (i = 0; i < own.n; i++)
		q.jobs[q.n++] = own.jobs[i];
	free(own.jobs);
	memset(&js, 0, sizeof js);
	js.run = run_job;
	js.failed = job_failed;
	js.ds = ds;
	if (m && m->only_local) {
		/* a second run of the local ones: said once already */
		diag_set *quiet = diag_new();
		js.secs = time_limit(c, quiet);
		diag_free(quiet);
	} else
		js.secs = time_limit(c, ds);
	js.mem = FILTER_MEM_CAP + FILTER_MEM_PER_DOC * c->ndocs;
	if (m && m->skip && !m->only_local && q.n == nlocal + nindex) {
		/* only the document-local filters run over trees, and only
		 * over the documents they do not skip: only those need
		 * settling (the build cache did not hash the others' trees
		 * either).  The corpus-index ones read no tree; one that
		 * did would have it made in its child (luamodel lazy_tree) */
		settle_ctx sc = { c, m->skip };
		jobs_run(c->ndocs, jobs, settle_unskipped, &sc);
	} else
		luamodel_settle(c, jobs);
	if (m) {
		/* a rebuild after an edit runs them over a document or
		 * two: one child does that in less than the fork of a
		 * second and its start */
		size_t todo = 0;
		for (i = 0; m->skip && i < c->ndocs; i++)
			todo += !m->skip[i];
		m->local_first = diag_count(ds);
		q.skip = m->skip;
		/* none to run over (nothing changed): no child at all.  A
		 * local filter that said anything not about a document was
		 * not recorded (incrfilters.c), so it skips none */
		m->local_docs = m->skip ? todo : c->ndocs;
		if (m->local_docs > 0)
			run_queue(&q, &js, 0, nlocal, m->skip &&
			    todo <= FILTER_FEW_DOCS ? 1 : jobs);
		m->local_end = diag_count(ds);
		q.skip = NULL;
	}
	if (m && !nindex)
		m->index_replay = 0;   /* none to replay (the project's own) */
	if (m && !m->only_local) {
		m->index_first = diag_count(ds);
		if (!m->index_replay)
			run_queue(&q, &js, nlocal, nlocal + nindex, jobs);
		m->index_end = diag_count(ds);
	}
	if (!m || !m->only_local)
		run_queue(&q, &js, nlocal + nindex, q.n, jobs);

	for (i = 0; i < q.n; i++) {
		free(q.jobs[i].path);
		free(q.jobs[i].label);
	}
	free(q.jobs);
	for (i = 0; i < nbi; i++)
		free(bi[i]);
	for (i = 0; i < npr; i++)
		free(pr[i]);
	free(bi);
	free(pr);
}
