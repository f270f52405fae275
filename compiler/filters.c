/*
 * filters.c — the Lua validation filters, run after the link pass and
 * before the XML writer.  Each filter file (the shipped ones in
 * DATADIR/filters/, then the *.lua files of the project's filters/; a file with
 * the same name as a shipped one replaces it) gets a fresh Lua 5.4 state
 * built as Lua's own lua.c/linit.c/ltests.c suggest: a capped allocator that
 * fails softly, only the base, string, table, math and utf8 libraries (no
 * dofile, loadfile, require, io or debug; load is text only; os keeps only
 * time and date), text-only loading, and a count hook that stops a filter
 * past its instruction budget.  Every call runs under lua_pcall with a
 * traceback handler, and every filter in a child process with a
 * wall-clock time limit, which ends what the count hook cannot see (a
 * filter stuck inside one C function such as string.find).  The filter sees each document as plain Lua tables
 * (DESIGN.md "Lua filters"), reports through ctx.report into the diag set,
 * and a filter that raises an error or breaks a limit gets one filter-error
 * at its file while the build goes on with the other filters.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "filters.h"
#include "date.h"
#include "glossary.h"
#include "util.h"

#define FILTER_MEM_CAP     ((size_t)64 << 20)   /* bytes per filter state */
#define FILTER_MEM_PER_DOC ((size_t)16 << 10)   /* extra for corpus() */
#define FILTER_BUDGET      20000000L            /* VM instructions a call */
#define FILTER_BUDGET_DOC  20000L               /* extra per document, corpus() */
#define HOOK_STEP          1000
#define FILTER_SECONDS     5.0     /* wall clock a filter, in a child ... */
#define FILTER_SECONDS_DOC 0.05    /* ... and per document */
/* Instructions charged for each error a filter's own pcall or xpcall
 * catches: raising and catching costs C time the count hook never sees
 * (a loop of pcall(error, ...) spends few VM instructions but, with a
 * long message, seconds of C), so without a charge such a loop ran many
 * times past the budget. */
#define ERROR_COST         1000L

/* A report kept by a filter running in a child process, sent to the
 * parent when the filter ends. */
typedef struct {
	int sev;                 /* a severity, or -1 for the rule's own */
	char *rule, *file, *msg;
	int line, col;
} freport;

/* Everything one filter run needs; reached from Lua through a light
 * userdata upvalue (Lua code cannot make or read those). */
typedef struct {
	corpus *c;
	diag_set *ds;
	const char *label;       /* "filters/NAME.lua": file of filter-error */
	const char *source;      /* the filter's text */
	size_t source_len;
	char **rules;            /* F.rules, or NULL when it declares none */
	size_t nrules;
	const document *cur;     /* document being checked; NULL in corpus() */
	size_t mem_used, mem_cap;
	long spent, budget;      /* instructions, counted by the hook */
	int breached;            /* the budget ran out: not catchable */
	char *err;               /* first line of the error, when one ended it */
	char *err_doc;           /* path of the document it failed on */
	int collect;             /* keep reports in out[], not in ds (child) */
	freport *out;
	size_t nout, outcap;
	atomic_long *doing;      /* shared with the parent: 1 + index of the
	                          * document being checked, 0 outside */
} frun;

/* Reports a diagnostic of the filter: straight into the diag set, or,
 * in a child process, into r->out for the parent to report. */
static void emit(frun *r, int sev, const char *rule, const char *file,
    int line, int col, const char *msg)
{
	freport *o;

	if (!r->collect) {
		if (sev >= 0)
			diag_report_sev(r->ds, (severity)sev, rule, file, line,
			    col, "%s", msg);
		else
			diag_report(r->ds, rule, file, line, col, "%s", msg);
		return;
	}
	if (r->nout == r->outcap) {
		r->outcap = r->outcap ? r->outcap * 2 : 64;
		r->out = xrealloc(r->out, r->outcap * sizeof *r->out);
	}
	o = &r->out[r->nout++];
	o->sev = sev;
	o->rule = xstrdup(rule);
	o->file = xstrdup(file);
	o->msg = xstrdup(msg);
	o->line = line;
	o->col = col;
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

/* ---- limits -------------------------------------------------------- */

/* The allocator: refuses (returns NULL, which Lua turns into a "not enough
 * memory" error after an emergency collection) past the cap.  When ptr is
 * NULL, osize is a type tag, not a size. */
static void *cap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	frun *r = ud;
	void *p;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		r->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize && nsize - osize > r->mem_cap - r->mem_used)
		return NULL;
	p = realloc(ptr, nsize);
	if (p == NULL)
		return NULL;
	r->mem_used = r->mem_used - osize + nsize;
	return p;
}

/* Raises the budget error at the current position. [-0, +0, v] */
static int budget_error(lua_State *L, frun *r, lua_Debug *ar)
{
	lua_Debug here;

	r->breached = 1;
	if (ar == NULL && lua_getstack(L, 1, &here))
		ar = &here;
	if (ar && lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
	else
		lua_pushliteral(L, "");
	lua_pushfstring(L, "instruction limit exceeded (%d million)",
	    (int)(r->budget / 1000000));
	lua_concat(L, 2);
	return lua_error(L);
}

/* The count hook: every HOOK_STEP instructions; raises past the budget and
 * marks the run so pcall inside the filter cannot swallow the error. */
static void budget_hook(lua_State *L, lua_Debug *ar)
{
	frun *r = get_run(L);

	r->spent += HOOK_STEP;
	if (r->spent > r->budget)
		budget_error(L, r, ar);
}

/* After a filter's pcall/xpcall caught an error: charges ERROR_COST and
 * raises the budget error when that spends the budget. */
static void charge_error(lua_State *L, frun *r)
{
	r->spent += ERROR_COST;
	if (r->spent > r->budget)
		budget_error(L, r, NULL);
}

static void reset_budget(frun *r, long budget)
{
	r->spent = 0;
	r->budget = budget;
}

/* Message handler: the error with a traceback (lua.c's msghandler). */
static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (msg == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") &&
		    lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* ---- the sandbox ---------------------------------------------------- */

/* pcall(f, ...) [-0, +?, -]: as the base library's, except that a broken
 * instruction budget or memory cap is passed on, never caught, and each
 * error caught costs ERROR_COST instructions. */
static int sb_pcall(lua_State *L)
{
	int status;

	luaL_checkany(L, 1);
	status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (status == LUA_ERRMEM || get_run(L)->breached)
		return lua_error(L);
	if (status != LUA_OK)
		charge_error(L, get_run(L));
	lua_pushboolean(L, status == LUA_OK);
	lua_insert(L, 1);
	return lua_gettop(L);
}

/* xpcall(f, msgh, ...) [-0, +?, -]: likewise. */
static int sb_xpcall(lua_State *L)
{
	int status, n = lua_gettop(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 1);
	lua_copy(L, 2, 1);      /* msgh at 1 */
	lua_replace(L, 2);      /* f at 2 */
	status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (status == LUA_ERRMEM || get_run(L)->breached)
		return lua_error(L);
	if (status != LUA_OK)
		charge_error(L, get_run(L));
	lua_pushboolean(L, status == LUA_OK);
	lua_replace(L, 1);
	return lua_gettop(L);
}

/* load(chunk [, name [, mode [, env]]]) [-0, +2, -]: the base library's
 * load (upvalue 1) with the mode forced to text. */
static int sb_load(lua_State *L)
{
	int n = lua_gettop(L);

	lua_settop(L, n < 2 ? 2 : n);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	if (n >= 4)
		lua_pushvalue(L, 4);
	lua_call(L, n >= 4 ? 4 : 3, 2);
	return 2;
}

/* collectgarbage(["collect"|"count"]) [-0, +1, -]: the options that cannot
 * change how the collector runs. */
static int sb_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");

	if (strcmp(opt, "count") == 0) {
		int k = lua_gc(L, LUA_GCCOUNT, 0), b = lua_gc(L, LUA_GCCOUNTB, 0);
		lua_pushnumber(L, (lua_Number)k + ((lua_Number)b / 1024));
		return 1;
	}
	if (strcmp(opt, "collect") == 0) {
		lua_gc(L, LUA_GCCOLLECT);
		lua_pushinteger(L, 0);
		return 1;
	}
	return luaL_error(L, "collectgarbage option '%s' is not available "
	    "to filters", opt);
}

/* print(...) [-0, +0, -]: a debugging aid; each call becomes a note
 * (rule filter-print) at the filter file, since stdout may carry JSON or
 * SARIF. */
static int sb_print(lua_State *L)
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

static const luaL_Reg sandbox_libs[] = {
	{LUA_GNAME, luaopen_base},
	{LUA_STRLIBNAME, luaopen_string},
	{LUA_TABLIBNAME, luaopen_table},
	{LUA_MATHLIBNAME, luaopen_math},
	{LUA_UTF8LIBNAME, luaopen_utf8},
	{NULL, NULL}
};

/* Opens the allowed libraries and takes away what filters must not have.
 * [-0, +0, m] */
static void sandbox_open(lua_State *L)
{
	const luaL_Reg *lib;
	static const char *const drop[] = {
		"dofile", "loadfile", "require", "module", NULL
	};
	size_t i;

	for (lib = sandbox_libs; lib->func; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	for (i = 0; drop[i]; i++) {
		lua_pushnil(L);
		lua_setfield(L, -2, drop[i]);
	}
	lua_getfield(L, -1, "load");
	lua_pushcclosure(L, sb_load, 1);
	lua_setfield(L, -2, "load");
	lua_pushcfunction(L, sb_pcall);
	lua_setfield(L, -2, "pcall");
	lua_pushcfunction(L, sb_xpcall);
	lua_setfield(L, -2, "xpcall");
	lua_pushcfunction(L, sb_collectgarbage);
	lua_setfield(L, -2, "collectgarbage");
	lua_pushcfunction(L, sb_print);
	lua_setfield(L, -2, "print");

	/* os: only time and date */
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
	lua_createtable(L, 0, 2);
	lua_getfield(L, -2, "time");
	lua_setfield(L, -2, "time");
	lua_getfield(L, -2, "date");
	lua_setfield(L, -2, "date");
	lua_setfield(L, -3, "os");
	lua_pop(L, 1);
	/* the full os table stays reachable only through the registry's
	 * LOADED table, which Lua code cannot see without debug */
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_pushnil(L);
	lua_setfield(L, -2, LUA_OSLIBNAME);
	lua_pop(L, 2);
}

/* ---- documents as Lua values ------------------------------------------ */

/* document.c feeds cmark the front matter as blank lines, so cmark's
 * line numbers are already the file's. */
static int file_line(const document *d, int cmark_line)
{
	(void)d;
	return cmark_line > 0 ? cmark_line : 0;
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	if (v == NULL)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* Pushes a yval as plain Lua values. [-0, +1, m] */
static void push_yval(lua_State *L, const yval *v)
{
	size_t i;

	luaL_checkstack(L, 4, "front matter nested too deeply");
	if (v == NULL) {
		lua_pushnil(L);
		return;
	}
	switch (v->kind) {
	case YV_NULL:
		lua_pushnil(L);
		break;
	case YV_STR:
		lua_pushstring(L, v->str ? v->str : "");
		break;
	case YV_BOOL:
		lua_pushboolean(L, v->boolean);
		break;
	case YV_NUM:
		if (v->str && lua_stringtonumber(L, v->str) != 0)
			break;
		lua_pushnumber(L, v->num);
		break;
	case YV_LIST:
		lua_createtable(L, (int)v->n, 0);
		for (i = 0; i < v->n; i++) {
			push_yval(L, v->items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case YV_MAP:
		lua_createtable(L, 0, (int)v->n);
		for (i = 0; i < v->n; i++) {
			push_yval(L, v->items[i]);
			lua_setfield(L, -2, v->keys[i]);
		}
		break;
	}
}

/* Appends the plain text below n (text, code, breaks as "\n"). */
static void plain_text(cmark_node *n, buf *b)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *cur = cmark_iter_get_node(it);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			if (lit)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, '\n');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static void set_plain(lua_State *L, const char *k, cmark_node *n)
{
	buf b;

	buf_init(&b);
	plain_text(n, &b);
	lua_pushlstring(L, b.data ? b.data : "", b.len);
	buf_free(&b);
	lua_setfield(L, -2, k);
}

static const char *link_kind_name(link_kind k)
{
	static const char *const names[] = {
		"unresolved",   /* LINK_UNRESOLVED */
		"external",     /* LINK_EXTERNAL */
		"document",     /* LINK_DOCUMENT */
		"anchor",       /* LINK_ANCHOR */
		"term",         /* LINK_TERM */
		"placeholder",  /* LINK_PLACEHOLDER */
		"broken",       /* LINK_BROKEN */
		"asset"         /* LINK_ASSET */
	};

	if ((unsigned)k < sizeof names / sizeof names[0])
		return names[k];
	return "unresolved";
}

static int has_pos(cmark_node *n)
{
	return cmark_node_get_start_line(n) > 0;
}

/* Bytes of plain text below n. */
static int text_len(cmark_node *n)
{
	buf b;
	int len;

	buf_init(&b);
	plain_text(n, &b);
	len = (int)b.len;
	buf_free(&b);
	return len;
}

/* Position of a node in the file.  Nodes a pass made (term links, the
 * text it split off) have none: a made link uses its link_info; other
 * nodes count on from the nearest earlier sibling that has a position,
 * else from the parent's. */
static void node_pos(const document *d, cmark_node *n, int *line, int *col)
{
	cmark_node *p;
	int extra = 0;

	*line = *col = 0;
	if (n == NULL)
		return;
	if (has_pos(n)) {
		*line = file_line(d, cmark_node_get_start_line(n));
		*col = cmark_node_get_start_column(n);
		return;
	}
	if (cmark_node_get_type(n) == CMARK_NODE_LINK) {
		link_info *li = cmark_node_get_user_data(n);

		if (li && li->line > 0) {
			*line = li->line;
			*col = li->col;
			return;
		}
	}
	for (p = cmark_node_previous(n); p; p = cmark_node_previous(p)) {
		link_info *li = cmark_node_get_type(p) == CMARK_NODE_LINK ?
		    cmark_node_get_user_data(p) : NULL;

		if (has_pos(p) && cmark_node_get_end_line(p) ==
		    cmark_node_get_start_line(p)) {
			*line = file_line(d, cmark_node_get_end_line(p));
			*col = cmark_node_get_end_column(p) + 1 + extra;
			return;
		}
		if (!has_pos(p) && li && li->line > 0 && !li->from_source) {
			*line = li->line;
			*col = li->col + text_len(p) + extra;
			return;
		}
		if (has_pos(p) || cmark_node_get_type(p) == CMARK_NODE_SOFTBREAK ||
		    cmark_node_get_type(p) == CMARK_NODE_LINEBREAK)
			break;   /* spans lines: counting on would mislead */
		extra += text_len(p);
	}
	if (p == NULL) {
		node_pos(d, cmark_node_parent(n), line, col);
		if (*col > 0)
			*col += extra;
	} else
		node_pos(d, cmark_node_parent(n), line, col);
}

/* Pushes {href, text, target, anchor, kind, wiki, generated, line,
 * column} for a link node. [-0, +1, m] */
static void push_link(lua_State *L, const document *d, cmark_node *n)
{
	link_info *li = cmark_node_get_user_data(n);
	int line, col;
	const char *url = cmark_node_get_url(n);

	lua_createtable(L, 0, 9);
	set_str(L, "href", li && li->href ? li->href : (url ? url : ""));
	set_plain(L, "text", n);
	set_str(L, "kind", link_kind_name(li ? li->kind : LINK_UNRESOLVED));
	if (li && li->kind == LINK_DOCUMENT)
		set_str(L, "target", li->target_id);
	else if (li && li->kind == LINK_TERM)
		set_str(L, "target", li->term_slug);
	else if (li && li->kind == LINK_ANCHOR)
		set_str(L, "target", li->anchor);
	if (li)
		set_str(L, "anchor", li->anchor);
	lua_pushboolean(L, li && li->wiki);
	lua_setfield(L, -2, "wiki");
	lua_pushboolean(L, li && !li->from_source);
	lua_setfield(L, -2, "generated");
	if (li && li->line > 0) {
		line = li->line;
		col = li->col;
	} else
		node_pos(d, n, &line, &col);
	set_int(L, "line", line);
	set_int(L, "column", col);
}

static void push_image(lua_State *L, const document *d, cmark_node *n)
{
	int line, col;
	const char *url = cmark_node_get_url(n);

	lua_createtable(L, 0, 5);
	set_str(L, "src", url ? url : "");
	set_plain(L, "alt", n);
	set_str(L, "title", cmark_node_get_title(n));
	node_pos(d, n, &line, &col);
	set_int(L, "line", line);
	set_int(L, "column", col);
}

/* A paragraph that is one strong or emphasised run and nothing else: the
 * converted documents' stand-in for a heading. */
static int heading_like(cmark_node *p)
{
	cmark_node *f = cmark_node_first_child(p);
	cmark_node_type t;

	if (f == NULL || cmark_node_next(f) != NULL)
		return 0;
	t = cmark_node_get_type(f);
	return t == CMARK_NODE_STRONG || t == CMARK_NODE_EMPH;
}

static void push_paragraph(lua_State *L, const document *d, cmark_node *n)
{
	int line, col;

	lua_createtable(L, 0, 4);
	set_plain(L, "text", n);
	node_pos(d, n, &line, &col);
	set_int(L, "line", line);
	set_int(L, "column", col);
	lua_pushboolean(L, heading_like(n));
	lua_setfield(L, -2, "heading_like");
}

static void push_heading_node(lua_State *L, const document *d, cmark_node *n)
{
	int line, col;
	size_t i;

	lua_createtable(L, 0, 5);
	set_int(L, "level", cmark_node_get_heading_level(n));
	set_plain(L, "text", n);
	for (i = 0; i < d->nheadings; i++)
		if (d->headings[i].node == n) {
			set_str(L, "id", d->headings[i].slug);
			break;
		}
	node_pos(d, n, &line, &col);
	set_int(L, "line", line);
	set_int(L, "column", col);
}

static void push_text_node(lua_State *L, const document *d, cmark_node *n,
    int code)
{
	int line, col;
	const char *lit = cmark_node_get_literal(n);

	lua_createtable(L, 0, 5);
	set_str(L, "text", lit ? lit : "");
	node_pos(d, n, &line, &col);
	set_int(L, "line", line);
	set_int(L, "column", col);
	if (code) {
		lua_pushboolean(L, cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK);
		lua_setfield(L, -2, "block");
		set_str(L, "info", cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK ?
		    cmark_node_get_fence_info(n) : NULL);
	}
}

/* Collects every node of a type as a list of element tables. */
static void push_node_list(lua_State *L, const document *d, cmark_node_type t)
{
	cmark_iter *it;
	cmark_event_type ev;
	lua_Integer i = 0;

	lua_newtable(L);
	if (d->root == NULL)
		return;
	it = cmark_iter_new(d->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != t)
			continue;
		if (t == CMARK_NODE_LINK) {
			link_info *li = cmark_node_get_user_data(n);
			if (li && !li->from_source)
				continue;   /* made by a pass, not written */
			push_link(L, d, n);
		} else if (t == CMARK_NODE_IMAGE)
			push_image(L, d, n);
		else
			push_paragraph(L, d, n);
		lua_rawseti(L, -2, ++i);
	}
	cmark_iter_free(it);
}

static void push_headings(lua_State *L, const document *d)
{
	size_t i;

	lua_createtable(L, (int)d->nheadings, 0);
	for (i = 0; i < d->nheadings; i++) {
		const heading *h = &d->headings[i];

		lua_createtable(L, 0, 4);
		set_int(L, "level", h->level);
		set_str(L, "text", h->text ? h->text : "");
		set_str(L, "id", h->slug);
		set_int(L, "line", h->line);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void push_terms(lua_State *L, const document *d)
{
	size_t i;

	lua_createtable(L, (int)d->nterms, 0);
	for (i = 0; i < d->nterms; i++) {
		const term_use *u = &d->terms[i];
		static const char *const kinds[] = {"auto", "explicit",
		    "placeholder"};

		lua_createtable(L, 0, 4);
		set_str(L, "term", u->term_slug);
		set_int(L, "line", u->line);
		set_int(L, "column", u->col);
		set_str(L, "kind", (unsigned)u->kind < 3 ? kinds[u->kind] :
		    "auto");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* doc:walk{Heading=f, Link=f, Text=f, Image=f, Paragraph=f, Code=f}
 * [-0, +0, e]: calls each function with an element table, in document
 * order.  Upvalue 1 is the document. */
static int doc_walk(lua_State *L)
{
	const document *d = lua_touserdata(L, lua_upvalueindex(1));
	int fi = lua_istable(L, 1) && !lua_istable(L, 2) ? 1 : 2;
	cmark_iter *it;
	cmark_event_type ev;

	luaL_checktype(L, fi, LUA_TTABLE);
	if (d->root == NULL)
		return 0;
	it = cmark_iter_new(d->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *name = NULL;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING: name = "Heading"; break;
		case CMARK_NODE_LINK: name = "Link"; break;
		case CMARK_NODE_TEXT: name = "Text"; break;
		case CMARK_NODE_IMAGE: name = "Image"; break;
		case CMARK_NODE_PARAGRAPH: name = "Paragraph"; break;
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK: name = "Code"; break;
		default: break;
		}
		if (name == NULL)
			continue;
		if (lua_getfield(L, fi, name) == LUA_TNIL) {
			lua_pop(L, 1);
			continue;
		}
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING: push_heading_node(L, d, n); break;
		case CMARK_NODE_LINK: push_link(L, d, n); break;
		case CMARK_NODE_TEXT: push_text_node(L, d, n, 0); break;
		case CMARK_NODE_IMAGE: push_image(L, d, n); break;
		case CMARK_NODE_PARAGRAPH: push_paragraph(L, d, n); break;
		default: push_text_node(L, d, n, 1); break;
		}
		lua_pushstring(L, name);
		lua_setfield(L, -2, "t");
		/* a Lua error here unwinds past the iterator: free it first by
		 * calling through pcall and re-raising */
		if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
			cmark_iter_free(it);
			return lua_error(L);
		}
	}
	cmark_iter_free(it);
	return 0;
}

/* __index of a document table: builds the costly lists on first use.
 * [-0, +1, m]  Upvalue 1 is the document. */
static int doc_lazy(lua_State *L)
{
	const document *d = lua_touserdata(L, lua_upvalueindex(1));
	const char *k = lua_tostring(L, 2);

	if (k == NULL || !lua_istable(L, 1))
		return 0;
	if (strcmp(k, "headings") == 0)
		push_headings(L, d);
	else if (strcmp(k, "links") == 0)
		push_node_list(L, d, CMARK_NODE_LINK);
	else if (strcmp(k, "images") == 0)
		push_node_list(L, d, CMARK_NODE_IMAGE);
	else if (strcmp(k, "paragraphs") == 0)
		push_node_list(L, d, CMARK_NODE_PARAGRAPH);
	else if (strcmp(k, "terms") == 0)
		push_terms(L, d);
	else
		return 0;
	lua_pushvalue(L, -1);
	lua_setfield(L, 1, k);   /* the document table has no __newindex */
	return 1;
}

/* Pushes the document table. [-0, +1, m] */
static void push_document(lua_State *L, const document *d)
{
	size_t i;

	lua_createtable(L, 0, 12);
	set_str(L, "id", d->id);
	set_str(L, "path", d->path);
	set_str(L, "title", d->title ? d->title : "");
	set_str(L, "type", d->type ? d->type : "");
	set_str(L, "status", d->status ? d->status : "active");
	set_str(L, "section", d->section ? d->section : "");
	set_str(L, "review", d->review);
	set_str(L, "approved", d->approved);
	set_int(L, "title_line", d->title_line);

	if (d->meta && d->meta->kind == YV_MAP)
		push_yval(L, d->meta);
	else
		lua_newtable(L);
	/* dates in their normalised form ("YYYY-MM" is the month's end) */
	set_str(L, "review", d->review);
	set_str(L, "approved", d->approved);
	lua_setfield(L, -2, "meta");

	lua_newtable(L);
	if (d->meta && d->meta->kind == YV_MAP)
		for (i = 0; i < d->meta->n; i++) {
			lua_pushinteger(L, d->meta->key_lines ?
			    d->meta->key_lines[i] : 0);
			lua_setfield(L, -2, d->meta->keys[i]);
		}
	lua_setfield(L, -2, "meta_lines");

	lua_newtable(L);
	if (d->meta && d->meta->kind == YV_MAP)
		for (i = 0; i < d->meta->n; i++) {
			lua_pushinteger(L, d->meta->items[i] ?
			    d->meta->items[i]->col : 0);
			lua_setfield(L, -2, d->meta->keys[i]);
		}
	lua_setfield(L, -2, "meta_columns");

	lua_pushlightuserdata(L, (void *)d);
	lua_pushcclosure(L, doc_walk, 1);
	lua_setfield(L, -2, "walk");

	lua_createtable(L, 0, 1);
	lua_pushlightuserdata(L, (void *)d);
	lua_pushcclosure(L, doc_lazy, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
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
			push_yval(L, s->items[j]);
			lua_setfield(L, -2, s->keys[j]);
		}
	}
}

static void push_ctx(lua_State *L, frun *r)
{
	lua_createtable(L, 0, 4);
	set_str(L, "today", r->c->today);
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

static const char *edge_kind_name(edge_kind k)
{
	switch (k) {
	case EDGE_RELATED: return "related";
	case EDGE_LINK: return "link";
	case EDGE_SUPERSEDED_BY: return "superseded-by";
	}
	return "link";
}

/* corpus: {documents = {[id] = doc}, ids = {sorted ids}, glossary =
 * {[slug] = entry}, edges = {{from, to, kind, line, note}}} [-0, +1, m] */
static void push_corpus(lua_State *L, frun *r)
{
	corpus *c = r->c;
	size_t i, j;

	lua_createtable(L, 0, 4);
	lua_createtable(L, 0, (int)c->ndocs);
	lua_createtable(L, (int)c->ndocs, 0);
	for (i = 0; i < c->ndocs; i++) {
		push_document(L, c->docs[i]);
		lua_setfield(L, -3, c->docs[i]->id);
		lua_pushstring(L, c->docs[i]->id);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -3, "ids");
	lua_setfield(L, -2, "documents");

	lua_newtable(L);
	if (c->glossary) {
		size_t n = glossary_count(c->glossary);

		for (i = 0; i < n; i++) {
			const glossary_entry *e = glossary_at(c->glossary, i);

			lua_createtable(L, 0, 7);
			set_str(L, "slug", e->slug);
			set_str(L, "term", e->term);
			set_str(L, "abbr", e->abbr);
			set_str(L, "definition", e->definition);
			set_str(L, "source", e->source);
			set_int(L, "line", e->line);
			lua_createtable(L, (int)e->naliases, 0);
			for (j = 0; j < e->naliases; j++) {
				lua_pushstring(L, e->aliases[j]);
				lua_rawseti(L, -2, (lua_Integer)j + 1);
			}
			lua_setfield(L, -2, "aliases");
			lua_setfield(L, -2, e->slug);
		}
	}
	lua_setfield(L, -2, "glossary");

	lua_createtable(L, (int)c->nedges, 0);
	for (i = 0; i < c->nedges; i++) {
		const edge *e = &c->edges[i];

		if (e->from >= c->ndocs || e->to >= c->ndocs)
			continue;
		lua_createtable(L, 0, 5);
		set_str(L, "from", c->docs[e->from]->id);
		set_str(L, "to", c->docs[e->to]->id);
		set_str(L, "kind", edge_kind_name(e->kind));
		set_int(L, "line", e->line);
		set_str(L, "note", e->note);
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	}
	lua_setfield(L, -2, "edges");
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
	int base = lua_gettop(L) - nargs, status;

	lua_pushcfunction(L, traceback);
	lua_insert(L, base);
	reset_budget(r, budget);
	status = lua_pcall(L, nargs, 0, base);
	if (status != LUA_OK) {
		record_error(L, r);
		lua_settop(L, base - 1);
		return -1;
	}
	lua_remove(L, base);
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
	int all_off = 1;

	sandbox_open(L);
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_STEP);

	status = luaL_loadbufferx(L, r->source, r->source_len,
	    lua_pushfstring(L, "@%s", r->label), "t");
	lua_remove(L, -2);
	if (status != LUA_OK) {
		record_error(L, r);
		return 0;
	}
	/* the chunk returns the filter table */
	lua_pushcfunction(L, traceback);
	lua_insert(L, -2);
	reset_budget(r, FILTER_BUDGET);
	if (lua_pcall(L, 0, 1, -2) != LUA_OK) {
		record_error(L, r);
		return 0;
	}
	lua_remove(L, -2);
	if (!lua_istable(L, -1)) {
		lua_pushfstring(L, "%s: the filter must return a table "
		    "(it returned %s)", r->label, luaL_typename(L, -1));
		record_error(L, r);
		return 0;
	}
	ftab = lua_gettop(L);

	/* F.rules: the rule ids it reports */
	if (lua_getfield(L, ftab, "rules") != LUA_TNIL) {
		lua_Integer n, k;

		if (!lua_istable(L, -1)) {
			lua_pushfstring(L, "%s: rules must be a list of rule "
			    "ids", r->label);
			record_error(L, r);
			return 0;
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
				return 0;
			}
			r->rules[r->nrules++] = xstrdup(lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		for (i = 0; i < r->nrules; i++)
			if (diag_severity_of(r->ds, r->rules[i]) != SEV_OFF)
				all_off = 0;
		if (r->nrules > 0 && all_off)
			return 0;   /* every rule it reports is switched off */
	}
	lua_pop(L, 1);

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
			const document *d = r->c->docs[i];

			if (d->broken)
				continue;
			r->cur = d;
			if (r->doing)
				atomic_store_explicit(r->doing, (long)i + 1,
				    memory_order_relaxed);
			lua_pushvalue(L, -1);
			push_document(L, d);
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
		r->mem_cap += FILTER_MEM_PER_DOC * r->c->ndocs;
		push_corpus(L, r);
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
	lua_State *L = lua_newstate(cap_alloc, r);

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
	lua_close(L);
	if (r->err)
		report_failure(r);
}

/* ---- filters in child processes ------------------------------------ */

/*
 * The count hook runs between VM instructions, so it cannot stop a filter
 * that spends its time inside one C function: string.find backtracking
 * through ("a*"):rep(40) .. "b", a quadratic "a-b" over a long string,
 * table.concat, a finalizer doing either while the state closes.  So
 * filters run in forked child processes and each filter has a wall-clock
 * deadline; past it the parent kills the child, and nothing a filter does
 * inside C outlasts it.  The count hook and the memory cap stay: they end
 * the common cases at once, with the line that broke them.
 *
 * Each worker thread keeps one child and hands it filters one at a time
 * (a job number down a socket, the reports back up a pipe): a fresh
 * child's first pass over the corpus costs several times a warm one
 * (every page it reads is new to its page tables), so a child per filter
 * tripled the filters stage on 1,000 documents, and a child per worker
 * pays that once.  A child that is killed or crashes is replaced
 * for the next filter.
 *
 * The child runs a filter exactly as in-process, but keeps its reports in
 * a plain array and sends them when the filter ends; it leaves with _exit
 * (no atexit handlers, no stdio flush).  The parent reports them through
 * the diag set, where rule severities apply, only when they arrived
 * whole; a filter whose child was killed at the deadline or by a signal
 * gets one filter-error instead, and what it had found is dropped.
 *
 * fork() copies one thread of a threaded process, and any lock another
 * thread held at that moment stays held in the child for ever.  So the
 * workers do everything but wait for their child — fork, reporting,
 * malloc of any kind — under run_lock: at a fork no other worker is
 * inside malloc, the diag set's mutex or stdio, and the child may use all
 * three (it reads rule severities from the diag set).  A child closes
 * every descriptor but its own two, so another worker's child never holds
 * this worker's open.
 *
 * The fuzz build (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, set by
 * tests/fuzz/fuzz.mk) runs filters in-process: libFuzzer must see the
 * bridge's coverage and crashes, and has a timeout of its own.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
static const int isolate = 0;
#else
static const int isolate = 1;
#endif

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* One filter to run: its file and the label diagnostics use. */
typedef struct {
	char *path, *label;
} job;

typedef struct {
	corpus *c;
	diag_set *ds;
	job *jobs;
	size_t n;
	atomic_size_t next;
	double secs;             /* each filter's time limit */
} job_queue;

/* A worker thread's child process, as the parent sees it. */
typedef struct {
	pid_t pid;               /* -1: none running */
	int cmd, res;            /* job numbers to it; reports from it */
	atomic_long *doing;      /* shared page: see frun.doing */
} worker;

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int close_from_to(unsigned first, unsigned last)
{
	return first > last ? 0 : close_range(first, last, 0);
}

/* In the child: closes every descriptor above 2 but keep1 and keep2. */
static void close_others(int keep1, int keep2)
{
	unsigned lo = (unsigned)(keep1 < keep2 ? keep1 : keep2);
	unsigned hi = (unsigned)(keep1 < keep2 ? keep2 : keep1);
	DIR *dp;
	struct dirent *e;

	if (close_from_to(3, lo - 1) == 0 &&
	    close_from_to(lo + 1, hi - 1) == 0 &&
	    close_from_to(hi + 1, ~0U) == 0)
		return;
	if ((dp = opendir("/proc/self/fd")) == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != keep1 && fd != keep2 && fd != dirfd(dp))
			close(fd);
	}
	closedir(dp);
}

/* In the child: the address space a little past the Lua memory cap (not
 * under ASan, which reserves terabytes of it) as a backstop. */
static void limit_memory(const corpus *c)
{
#ifndef UNDER_ASAN
	struct rlimit rl;
	char text[64];
	unsigned long pages;
	rlim_t want;
	ssize_t n;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	pages = strtoul(text, NULL, 10);
	if (pages == 0)
		return;
	/* what is mapped now (the parent's corpus, other threads' stacks),
	 * the Lua cap, and room for malloc's own arenas */
	want = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) +
	    FILTER_MEM_CAP + FILTER_MEM_PER_DOC * c->ndocs + ((rlim_t)512 << 20);
	if (getrlimit(RLIMIT_AS, &rl) == 0 &&
	    (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want)) {
		rl.rlim_cur = rl.rlim_max = want;
		(void)setrlimit(RLIMIT_AS, &rl);
	}
#else
	(void)c;
#endif
}

/* In the child: CPU seconds a little past the deadline for the next
 * filter (the kernel sends SIGXCPU), a backstop should the parent not
 * be there to kill it. */
static void limit_cpu(double secs)
{
	struct rusage ru;
	struct rlimit rl;
	rlim_t want;

	if (getrusage(RUSAGE_SELF, &ru) != 0 ||
	    getrlimit(RLIMIT_CPU, &rl) != 0)
		return;
	want = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (rlim_t)secs + 3;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	(void)setrlimit(RLIMIT_CPU, &rl);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Sends a job number to a child; -1 when it has gone. */
static int send_job(int fd, uint32_t num)
{
	ssize_t k;

	do
		k = send(fd, &num, sizeof num, MSG_NOSIGNAL);
	while (k < 0 && errno == EINTR);
	return k == (ssize_t)sizeof num ? 0 : -1;
}

static void put_u32(buf *b, uint32_t v)
{
	buf_putn(b, (const char *)&v, sizeof v);
}

static void put_str(buf *b, const char *s)
{
	size_t n = strlen(s);

	put_u32(b, (uint32_t)n);
	buf_putn(b, s, n);
}

static int get_u32(const char **p, const char *end, uint32_t *v)
{
	if ((size_t)(end - *p) < sizeof *v)
		return -1;
	memcpy(v, *p, sizeof *v);
	*p += sizeof *v;
	return 0;
}

/* Points *s at a string of the message (not NUL-terminated; its length
 * in *n). */
static int get_str(const char **p, const char *end, const char **s,
    uint32_t *n)
{
	if (get_u32(p, end, n) != 0 || (size_t)(end - *p) < *n)
		return -1;
	*s = *p;
	*p += *n;
	return 0;
}

/* One record of a child's message, from *p: 'R' (a report: severity,
 * line and column as 32-bit words; rule, file and message, each its
 * length first) or 'E' (the end).  Returns 'R' or 'E' and moves *p past
 * it, 0 when the record is not all there yet, -1 when it is garbled.
 * When out is not NULL, a report is made through it. */
static int next_record(const char **p, const char *end, frun *out)
{
	const char *q = *p;
	uint32_t sev, line, col, nrule, nfile, nmsg;
	const char *rule, *file, *msg;

	if (q == end)
		return 0;
	if (*q == 'E') {
		*p = q + 1;
		return 'E';
	}
	if (*q++ != 'R')
		return -1;
	if (get_u32(&q, end, &sev) || get_u32(&q, end, &line) ||
	    get_u32(&q, end, &col) || get_str(&q, end, &rule, &nrule) ||
	    get_str(&q, end, &file, &nfile) || get_str(&q, end, &msg, &nmsg))
		return 0;
	if (out) {
		char *sr = xstrndup(rule, nrule);
		char *sf = xstrndup(file, nfile);
		char *sm = xstrndup(msg, nmsg);

		emit(out, (int32_t)sev, sr, sf, (int32_t)line, (int32_t)col,
		    sm);
		free(sr);
		free(sf);
		free(sm);
	}
	*p = q;
	return 'R';
}

static void frun_free(frun *r)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		free(r->rules[i]);
	free(r->rules);
	for (i = 0; i < r->nout; i++) {
		free(r->out[i].rule);
		free(r->out[i].file);
		free(r->out[i].msg);
	}
	free(r->out);
	free(r->err);
	free(r->err_doc);
	free((char *)r->source);
}

/* Sets up r for job k (reading the filter's source), and runs it in this
 * process. */
static void run_job_here(job_queue *q, size_t k, frun *r)
{
	r->c = q->c;
	r->ds = q->ds;
	r->label = q->jobs[k].label;
	r->mem_cap = FILTER_MEM_CAP;
	r->source = read_file(q->jobs[k].path, &r->source_len);
	if (r->source == NULL)
		emit(r, -1, "filter-error", r->label, 0, 0,
		    "cannot read the filter file");
	else
		run_filter(r);
}

/* The child: runs the filters whose numbers arrive on cmd, one at a
 * time, and sends each one's reports and an 'E' on res. */
static void child_main(job_queue *q, int cmd, int res, atomic_long *doing)
{
	uint32_t k;
	size_t i;

#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	close_others(cmd, res);
	limit_memory(q->c);
	for (;;) {
		frun r;
		buf b;
		ssize_t n;

		do
			n = read(cmd, &k, sizeof k);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof k || k >= q->n)
			_exit(0);
		limit_cpu(q->secs);
		memset(&r, 0, sizeof r);
		r.collect = 1;
		r.doing = doing;
		if (doing)
			atomic_store(doing, 0);
		run_job_here(q, k, &r);

		buf_init(&b);
		for (i = 0; i < r.nout; i++) {
			const freport *o = &r.out[i];

			buf_putc(&b, 'R');
			put_u32(&b, (uint32_t)o->sev);
			put_u32(&b, (uint32_t)o->line);
			put_u32(&b, (uint32_t)o->col);
			put_str(&b, o->rule);
			put_str(&b, o->file);
			put_str(&b, o->msg);
		}
		buf_putc(&b, 'E');
		/* freed before sending: should freeing fail, it is this
		 * filter's crash, not the next one's */
		frun_free(&r);
		if (write_all(res, b.data, b.len) != 0)
			_exit(3);
		buf_free(&b);
	}
}

/* Starts w's child.  Under run_lock.  Returns 0, or -1 (errno set). */
static int worker_start(job_queue *q, worker *w)
{
	int cmd[2], res[2], e;
	void *page;

	page = mmap(NULL, sizeof *w->doing, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	w->doing = page == MAP_FAILED ? NULL : page;
	if (w->doing)
		atomic_init(w->doing, 0);
	/* a socket for the job numbers, so that sending to a child that has
	 * died is an error (MSG_NOSIGNAL), not a SIGPIPE for policyc */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cmd) != 0)
		goto fail;
	if (pipe2(res, O_CLOEXEC) != 0) {
		e = errno;
		close(cmd[0]);
		close(cmd[1]);
		errno = e;
		goto fail;
	}
	w->pid = fork();
	if (w->pid == 0) {
		close(cmd[1]);
		close(res[0]);
		child_main(q, cmd[0], res[1], w->doing);
	}
	e = errno;
	close(cmd[0]);
	close(res[1]);
	if (w->pid < 0) {
		close(cmd[1]);
		close(res[0]);
		errno = e;
		goto fail;
	}
	w->cmd = cmd[1];
	w->res = res[0];
	return 0;
fail:
	e = errno;
	if (w->doing)
		munmap(w->doing, sizeof *w->doing);
	w->doing = NULL;
	w->pid = -1;
	errno = e;
	return -1;
}

/* Waits for w's child to end (killing it first when kill_it); returns
 * its wait status. */
static int worker_reap(worker *w, int kill_it)
{
	int st = 0;

	if (kill_it)
		kill(w->pid, SIGKILL);
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(w->cmd);
	close(w->res);
	w->pid = -1;
	return st;
}

/* Ends w's child between filters (no more jobs). */
static void worker_stop(job_queue *q, worker *w)
{
	if (w->pid < 0)
		return;
	(void)send_job(w->cmd, (uint32_t)q->n);   /* past the last: it leaves */
	close(w->cmd);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(w->res);
	w->pid = -1;
	if (w->doing)
		munmap(w->doing, sizeof *w->doing);
	w->doing = NULL;
}

/* One filter-error for a filter whose child did not finish it; doing is
 * the shared 1 + index of the document it was on. */
static void report_child(frun *r, long doing, const char *what)
{
	char *m;

	if (doing > 0 && (size_t)doing <= r->c->ndocs)
		m = xasprintf("filter stopped while checking %s: %s",
		    r->c->docs[doing - 1]->path, what);
	else
		m = xasprintf("filter stopped: %s", what);
	emit(r, -1, "filter-error", r->label, 0, 0, m);
	free(m);
}

/* Runs job k in w's child (starting one when there is none) with the
 * deadline, and reports what it found.  Called with run_lock held;
 * returns with it held. */
static void run_job_child(job_queue *q, size_t k, worker *w)
{
	frun r;
	buf got;
	uint32_t num = (uint32_t)k;
	double end;
	const char *scan;
	size_t scanned = 0;
	int done = 0, timed_out = 0, garbled = 0, st;
	char *m;

	memset(&r, 0, sizeof r);
	r.c = q->c;
	r.ds = q->ds;
	r.label = q->jobs[k].label;
	if (w->pid < 0 && worker_start(q, w) != 0) {
		m = xasprintf("cannot start a process for the filter: %s",
		    strerror(errno));
		emit(&r, -1, "filter-error", r.label, 0, 0, m);
		free(m);
		return;
	}
	end = mono_now() + q->secs;
	buf_init(&got);
	if (send_job(w->cmd, num) != 0)
		goto ended;   /* it has died: the status says how */
	pthread_mutex_unlock(&run_lock);
	while (!done) {
		char chunk[16384];
		struct pollfd pfd;
		double left = end - mono_now();
		ssize_t n;
		int t;

		/* past the deadline, what is already there still counts */
		pfd.fd = w->res;
		pfd.events = POLLIN;
		pfd.revents = 0;
		t = poll(&pfd, 1, left > 0 ? (int)(left * 1000) + 1 : 0);
		if (t < 0 && errno == EINTR)
			continue;
		if (t < 0)
			break;
		if (t == 0) {
			if (left <= 0) {
				timed_out = 1;
				break;
			}
			continue;
		}
		n = read(w->res, chunk, sizeof chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;      /* end of file: the child has gone */
		pthread_mutex_lock(&run_lock);
		buf_putn(&got, chunk, (size_t)n);
		scan = got.data + scanned;
		for (;;) {
			int rec = next_record(&scan, got.data + got.len, NULL);

			if (rec == 'E')
				done = 1;
			if (rec < 0)
				garbled = 1;
			if (rec != 'R')
				break;
		}
		scanned = (size_t)(scan - got.data);
		pthread_mutex_unlock(&run_lock);
		if (garbled)
			break;
	}
	pthread_mutex_lock(&run_lock);
	if (done && scanned == got.len) {
		scan = got.data;
		while (next_record(&scan, got.data + got.len, &r) == 'R')
			;
		goto out;
	}
ended:
	st = worker_reap(w, 1);
	if (timed_out || (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU))
		m = xasprintf("ran past its time limit of %g s", q->secs);
	else if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		m = xasprintf("crashed (signal %d)", WTERMSIG(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		m = xasprintf("crashed (exit status %d)", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		m = xasprintf("was killed (signal %d)", WTERMSIG(st));
	else
		m = xstrdup("ended without sending its results");
	report_child(&r, w->doing ? atomic_load(w->doing) : 0, m);
	free(m);
	if (w->doing)
		munmap(w->doing, sizeof *w->doing);
	w->doing = NULL;
out:
	buf_free(&got);
	frun_free(&r);
}

static void *job_worker(void *arg)
{
	job_queue *q = arg;
	worker w;
	size_t i;

	w.pid = -1;
	w.cmd = w.res = -1;
	w.doing = NULL;
	if (isolate)
		pthread_mutex_lock(&run_lock);
	while ((i = atomic_fetch_add(&q->next, 1)) < q->n) {
		if (isolate)
			run_job_child(q, i, &w);
		else {
			frun r;

			memset(&r, 0, sizeof r);
			run_job_here(q, i, &r);
			frun_free(&r);
		}
	}
	if (isolate) {
		worker_stop(q, &w);
		pthread_mutex_unlock(&run_lock);
	}
	return NULL;
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

/*
 * cmark-gfm keeps a node's literal, URL, title and fence info as a slice
 * of the source until first asked for it, then copies it to a C string
 * and stores that in the node.  Asking once for every node here, before
 * any filter runs, means the filters only read the trees: two filters
 * in threads do not race to fill in the same node, and a filter in a
 * child does not redo the copies on copy-on-write pages of the parent's
 * trees (measured: three times the filters stage on 1,000 documents).
 */
static void settle_strings(corpus *c)
{
	size_t i;

	for (i = 0; i < c->ndocs; i++) {
		cmark_iter *it;
		cmark_event_type ev;

		if (c->docs[i]->root == NULL)
			continue;
		it = cmark_iter_new(c->docs[i]->root);
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *n = cmark_iter_get_node(it);

			if (ev != CMARK_EVENT_ENTER)
				continue;
			switch (cmark_node_get_type(n)) {
			case CMARK_NODE_LINK:
			case CMARK_NODE_IMAGE:
				(void)cmark_node_get_url(n);
				(void)cmark_node_get_title(n);
				break;
			case CMARK_NODE_CODE_BLOCK:
				(void)cmark_node_get_fence_info(n);
				(void)cmark_node_get_literal(n);
				break;
			default:
				(void)cmark_node_get_literal(n);
				break;
			}
		}
		cmark_iter_free(it);
	}
}

/* Each filter's time limit: rules: filter-error: {seconds: N} in
 * policyc.yaml, else FILTER_SECONDS and FILTER_SECONDS_DOC a document. */
static double time_limit(corpus *c, diag_set *ds)
{
	double secs = FILTER_SECONDS + FILTER_SECONDS_DOC * (double)c->ndocs;
	yval *set = c->project ?
	    project_rule_settings(c->project, "filter-error") : NULL;
	yval *v = set ? yval_get(set, "seconds") : NULL;

	if (v == NULL)
		return secs;
	if (v->kind == YV_NUM && v->num >= 0.1 && v->num <= 86400)
		return v->num;
	diag_report(ds, "config-invalid", "policyc.yaml", v->line, v->col,
	    "rules: filter-error: seconds must be a number from 0.1 to "
	    "86400; using %g", secs);
	return secs;
}

/*
 * Filters are independent — each has its own Lua state and reads the
 * corpus without changing it — so they run side by side, one filter per
 * thread at a time.  Documents are not split across threads: a filter
 * sees every document in order in one state, as a filter that keeps
 * counts between document() and corpus() expects.
 */
void filters_run(corpus *c, const char *builtin_dir, diag_set *ds, int jobs)
{
	char **bi, **pr;
	size_t nbi, npr, i;
	char *pdir = NULL;
	job_queue q;
	pthread_t th[16];
	int t, started = 0;

	if (c->project && c->project->dir)
		pdir = path_join(c->project->dir, "filters");
	nbi = list_lua(builtin_dir, &bi);
	npr = list_lua(pdir, &pr);

	memset(&q, 0, sizeof q);
	q.c = c;
	q.ds = ds;
	q.jobs = xcalloc(nbi + npr + 1, sizeof *q.jobs);
	for (i = 0; i < nbi; i++) {
		if (name_in(pr, npr, bi[i]))
			continue;   /* the project's own copy replaces it */
		q.jobs[q.n].path = path_join(builtin_dir, bi[i]);
		q.jobs[q.n].label = xasprintf("filters/%s", bi[i]);
		q.n++;
	}
	for (i = 0; i < npr; i++) {
		q.jobs[q.n].path = path_join(pdir, pr[i]);
		q.jobs[q.n].label = xasprintf("filters/%s", pr[i]);
		q.n++;
	}
	atomic_init(&q.next, 0);
	q.secs = time_limit(c, ds);
	settle_strings(c);
	if (jobs > 16)
		jobs = 16;
	/* nothing buffered for a child to inherit; children policyc can
	 * wait for; no worker forks while pthread_create may hold a lock */
	fflush(NULL);
	if (isolate) {
		struct sigaction sa;

		if (sigaction(SIGCHLD, NULL, &sa) == 0 &&
		    sa.sa_handler == SIG_IGN) {
			sa.sa_handler = SIG_DFL;
			(void)sigaction(SIGCHLD, &sa, NULL);
		}
	}
	pthread_mutex_lock(&run_lock);
	for (t = 0; t < jobs - 1 && (size_t)(t + 1) < q.n; t++)
		if (pthread_create(&th[t], NULL, job_worker, &q) == 0)
			started++;
	pthread_mutex_unlock(&run_lock);
	job_worker(&q);
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);

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
	free(pdir);
}
