/*
 * cfilters.h — the shipped Lua filters' rules, written again in C.
 *
 * The eight filters in filters/ are the reference and the documentation
 * of their rules, and a project's file of the same name still replaces
 * one.  Run as Lua, each forks a child, builds every document's Lua view
 * and walks it: a fifth of a full build's CPU.  Each C mirror here is
 * tied to the exact text of the Lua file it was written from (its
 * SHA-256): while the shipped file is that text, filters.c runs the C in
 * this process, over the documents side by side, and reports what the Lua
 * would report, in the Lua's words; a changed file, settings the C does
 * not mirror exactly (a number where a word is expected, say), or
 * POLICYC_LUA_FILTERS=1 in the environment runs the Lua instead.  The
 * tests run every corpus both ways and compare the findings.
 */
#ifndef POLICYC_CFILTERS_H
#define POLICYC_CFILTERS_H

#include <stddef.h>

#include "corpus.h"
#include "diag.h"
#include "luamodel.h"
#include "yamlval.h"

typedef struct cfilter cfilter;

/* The C mirror of the shipped filter `name` ("numbering.lua") whose file
 * is at path, when there is one, the file is the text it mirrors, and it
 * mirrors c's settings for it; else NULL (run the Lua). */
const cfilter *cfilters_find(const char *name, const char *path,
    const corpus *c);

/* Runs the filters fs[0..n) over c, reporting into ds as their Lua
 * would: each filter's document() over every document (but those
 * skip[i] leaves out, and broken ones), then its corpus().  Up to `jobs`
 * documents at once. */
void cfilters_run(corpus *c, const cfilter *const *fs, size_t n,
    const unsigned char *skip, diag_set *ds, int jobs);

/* Whether the text of `name` at path is the one a C mirror was written
 * from: 1 yes, 0 it differs, -1 no mirror or no file (the tests). */
int cfilters_matches(const char *name, const char *path);

/* ---- for the mirrors (cfilterdoc.c, cfiltertext.c, cfilterterms.c) -- */

typedef struct cf_ctx cf_ctx;

struct cfilter {
	const char *name;          /* "numbering.lua" */
	const char *sha256;        /* of the Lua file it mirrors */
	const char *const *rules;  /* F.rules, NULL-terminated */
	/* 0 when c's settings are ones the C does not mirror exactly */
	int (*mirrors)(const corpus *c, const cfilter *f);
	/* what a run keeps between documents (a filter's F.vague), made
	 * once before the documents; NULL for none */
	void *(*prepare)(const corpus *c, const cfilter *f);
	void (*release)(void *state);
	void (*document)(cf_ctx *x, const document *d);
	void (*corpus)(cf_ctx *x, const corpus *c);
};

/* ctx.report(rule, message, {line =, column =}) at the document being
 * checked, or at `file` (ctx.report's document = ...). */
void cf_report(cf_ctx *x, const char *rule, int line, int col,
    const char *fmt, ...) PC_PRINTF(5, 6);
void cf_report_file(cf_ctx *x, const char *file, const char *rule, int line,
    int col, const char *fmt, ...) PC_PRINTF(6, 7);

/* ctx.config[key]: the settings maps of the filter's rules merged (a
 * later rule's key wins, a null removes it, "severity" is not there);
 * NULL when absent. */
const yval *cf_config(const corpus *c, const cfilter *f, const char *key);
const yval *cf_config_of(cf_ctx *x, const char *key);

/* tostring(v) of a value as luamodel pushes it, into out; 0 when that is
 * not a plain word (a table, a fraction) and the C does not mirror it,
 * -1 for nil.  The settings check (mirrors) uses it. */
int cf_tostring(const yval *v, buf *out);

luamodel_reader *cf_reader(cf_ctx *x);
void *cf_state(cf_ctx *x);
const corpus *cf_corpus(cf_ctx *x);

/* The mirrors, by file (filters.c's order is the files' names). */
extern const cfilter cf_heading_skip, cf_image_alt, cf_link_text,
    cf_numbering, cf_orphan, cf_outdated_terms, cf_review, cf_sections;

#endif
