/*
 * sandbox.h — the Lua sandbox every filter runs in: a Lua 5.4 state with
 * a capped allocator that fails softly, only the safe libraries, text-only
 * loading and an instruction budget kept by a count hook.  It knows
 * nothing of documents or diagnostics: luamodel.c builds what a filter
 * sees, filters.c runs the filters, jail.c runs them in child processes.
 */
#ifndef POLICYC_SANDBOX_H
#define POLICYC_SANDBOX_H

#include <stddef.h>
#include <lua.h>

/* The limits of one state, kept by its owner and read by the allocator
 * and the hook; it must outlive the state.  Fill mem_cap before
 * sandbox_new; mem_cap may grow while the state runs. */
typedef struct {
	size_t mem_used, mem_cap;  /* bytes */
	long spent, budget;        /* VM instructions of the current call */
	int breached;              /* the budget ran out: not catchable */
	struct sandbox_pool *pool; /* the state's small blocks (sandbox.c) */
} sandbox_limits;

/* A new Lua state whose allocator refuses past lim->mem_cap, or NULL when
 * Lua cannot start.  Close it with sandbox_close. */
lua_State *sandbox_new(sandbox_limits *lim);
/* Closes L and frees the memory its allocator holds. */
void sandbox_close(lua_State *L);

/* Opens base, string, table, math, utf8 and os.time/os.date only (no
 * dofile, loadfile, require; load is text only; pcall and xpcall never
 * catch a broken limit); print becomes `print`; starts the count hook.
 * [-0, +0, m] */
void sandbox_open(lua_State *L, lua_CFunction print);

/* Loads a chunk as text only, named "@label".  Pushes the function, or
 * the error message; returns a Lua status.  [-0, +1, m] */
int sandbox_load(lua_State *L, const char *src, size_t len,
    const char *label);

/* Calls the function below nargs arguments with a traceback handler and
 * a fresh budget of `budget` instructions.  On success the nresults
 * results replace function and arguments; on error the message (with
 * traceback) does.  Returns a Lua status.  [-(nargs+1), +nresults|1, -] */
int sandbox_call(lua_State *L, int nargs, int nresults, long budget);

#endif
