/*
 * sandbox.c — the Lua sandbox of the validation filters, built as Lua's
 * own lua.c, linit.c and ltests.c suggest: a capped allocator that fails
 * softly, only the base, string, table, math and utf8 libraries (no
 * dofile, loadfile, require, io or debug; load is text only; os keeps
 * only time and date), text-only loading, and a count hook that stops a
 * call past its instruction budget.  Calls run under lua_pcall with a
 * traceback handler.  filters.c drives it once per filter, before and
 * apart from the document model (luamodel.c) and the child processes
 * (jail.c); what the hook cannot see — time spent inside one C call —
 * is the jail's wall-clock limit.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "sandbox.h"

#define HOOK_STEP          1000
/* Instructions charged for each error a filter's own pcall or xpcall
 * catches: raising and catching costs C time the count hook never sees
 * (a loop of pcall(error, ...) spends few VM instructions but, with a
 * long message, seconds of C), so without a charge such a loop ran many
 * times past the budget. */
#define ERROR_COST         1000L

static const char LIMITS_KEY = 'L';  /* registry key of the limits */

static sandbox_limits *get_limits(lua_State *L)
{
	sandbox_limits *r;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &LIMITS_KEY);
	r = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return r;
}

/* ---- memory ------------------------------------------------------- */

/*
 * A state's small blocks (most of what Lua allocates: strings, tables,
 * closures) come from pages of its own, in sixteen-byte size classes
 * with a free list each.  Filters run in children forked from the
 * build (jail.c), whose heap the child shares copy-on-write: malloc
 * there hands out free chunks lying in the parent's pages, and the
 * first write to each costs a page copy and a TLB flush — measured at
 * a third of a filter child's time after a serve rebuild.  Fresh pages
 * cost a zero-fill only.  Larger blocks (table parts, long strings) go
 * to malloc.  Under AddressSanitizer every block goes to malloc, which
 * it watches.
 */
#define POOL_MAX    512               /* bytes; larger: malloc */
#define POOL_CLASS  16
#define POOL_CHUNK  (256 * 1024)

struct sandbox_pool {
	void *free[POOL_MAX / POOL_CLASS];
	char *cur, *end;
	void *chunks;                     /* each chunk's first word: next */
};

#if defined(__SANITIZE_ADDRESS__)
#define POOL_ON 0
#else
#define POOL_ON 1
#endif

static size_t
pool_class(size_t n)
{
	return (n + POOL_CLASS - 1) / POOL_CLASS - 1;
}

static void *
pool_get(struct sandbox_pool *pl, size_t c)
{
	size_t size = (c + 1) * POOL_CLASS;
	void *p = pl->free[c];

	if (p) {
		memcpy(&pl->free[c], p, sizeof p);
		return p;
	}
	if (!pl->cur || (size_t)(pl->end - pl->cur) < size) {
		char *chunk = mmap(NULL, POOL_CHUNK, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (chunk == MAP_FAILED)
			return NULL;
		memcpy(chunk, &pl->chunks, sizeof pl->chunks);
		pl->chunks = chunk;
		pl->cur = chunk + POOL_CLASS;  /* blocks stay 16-aligned */
		pl->end = chunk + POOL_CHUNK;
	}
	p = pl->cur;
	pl->cur += size;
	return p;
}

static void
pool_put(struct sandbox_pool *pl, void *p, size_t osize)
{
	size_t c;

	if (!p)
		return;
	if (!pl || osize > POOL_MAX) {
		free(p);
		return;
	}
	c = pool_class(osize);
	memcpy(p, &pl->free[c], sizeof p);
	pl->free[c] = p;
}

/* Lua's realloc: osize is the block's size (0 for a new one). */
static void *
pool_resize(struct sandbox_pool *pl, void *ptr, size_t osize, size_t nsize)
{
	void *q;

	if (!pl)
		return realloc(ptr, nsize);
	if (ptr && osize > POOL_MAX && nsize > POOL_MAX)
		return realloc(ptr, nsize);
	if (ptr && osize <= POOL_MAX && nsize <= POOL_MAX &&
	    pool_class(osize) == pool_class(nsize))
		return ptr;
	q = nsize > POOL_MAX ? malloc(nsize) : pool_get(pl, pool_class(nsize));
	if (!q)
		return NULL;
	if (ptr) {
		memcpy(q, ptr, osize < nsize ? osize : nsize);
		pool_put(pl, ptr, osize);
	}
	return q;
}

static void
pool_free(struct sandbox_pool *pl)
{
	void *c, *next;

	if (!pl)
		return;
	for (c = pl->chunks; c; c = next) {
		memcpy(&next, c, sizeof next);
		munmap(c, POOL_CHUNK);
	}
	free(pl);
}

/* ---- limits -------------------------------------------------------- */

/* The allocator: refuses (returns NULL, which Lua turns into a "not enough
 * memory" error after an emergency collection) past the cap.  When ptr is
 * NULL, osize is a type tag, not a size. */
static void *cap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	sandbox_limits *r = ud;
	void *p;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		pool_put(r->pool, ptr, osize);
		r->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize && nsize - osize > r->mem_cap - r->mem_used)
		return NULL;
	p = pool_resize(r->pool, ptr, osize, nsize);
	if (p == NULL)
		return NULL;
	r->mem_used = r->mem_used - osize + nsize;
	return p;
}

/* Raises the budget error at the current position. [-0, +0, v] */
static int budget_error(lua_State *L, sandbox_limits *r, lua_Debug *ar)
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
	sandbox_limits *r = get_limits(L);

	r->spent += HOOK_STEP;
	if (r->spent > r->budget)
		budget_error(L, r, ar);
}

/* After a filter's pcall/xpcall caught an error: charges ERROR_COST and
 * raises the budget error when that spends the budget. */
static void charge_error(lua_State *L, sandbox_limits *r)
{
	r->spent += ERROR_COST;
	if (r->spent > r->budget)
		budget_error(L, r, NULL);
}

static void reset_budget(sandbox_limits *r, long budget)
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
	if (status == LUA_ERRMEM || get_limits(L)->breached)
		return lua_error(L);
	if (status != LUA_OK)
		charge_error(L, get_limits(L));
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
	if (status == LUA_ERRMEM || get_limits(L)->breached)
		return lua_error(L);
	if (status != LUA_OK)
		charge_error(L, get_limits(L));
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

static const luaL_Reg sandbox_libs[] = {
	{LUA_GNAME, luaopen_base},
	{LUA_STRLIBNAME, luaopen_string},
	{LUA_TABLIBNAME, luaopen_table},
	{LUA_MATHLIBNAME, luaopen_math},
	{LUA_UTF8LIBNAME, luaopen_utf8},
	{NULL, NULL}
};

lua_State *sandbox_new(sandbox_limits *lim)
{
	lua_State *L;

	lim->pool = POOL_ON ? calloc(1, sizeof *lim->pool) : NULL;
	if (!(L = lua_newstate(cap_alloc, lim))) {
		pool_free(lim->pool);
		lim->pool = NULL;
		return NULL;
	}
	lua_pushlightuserdata(L, lim);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &LIMITS_KEY);
	return L;
}

void sandbox_close(lua_State *L)
{
	sandbox_limits *lim = get_limits(L);

	lua_close(L);
	pool_free(lim->pool);
	lim->pool = NULL;
}

/* Opens the allowed libraries, takes away what filters must not have,
 * and starts the count hook.  [-0, +0, m] */
void sandbox_open(lua_State *L, lua_CFunction print)
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
	lua_pushcfunction(L, print);
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
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_STEP);
}

int sandbox_load(lua_State *L, const char *src, size_t len,
    const char *label)
{
	int status;

	status = luaL_loadbufferx(L, src, len,
	    lua_pushfstring(L, "@%s", label), "t");
	lua_remove(L, -2);
	return status;
}

int sandbox_call(lua_State *L, int nargs, int nresults, long budget)
{
	int base = lua_gettop(L) - nargs, status;

	lua_pushcfunction(L, traceback);
	lua_insert(L, base);
	reset_budget(get_limits(L), budget);
	status = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	return status;
}
