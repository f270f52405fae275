/*
 * yamlval.h — one small value tree for YAML (map, list, string, bool,
 * number, null), built with libyaml and shared by the project config, front
 * matter, the glossary and the Lua bridge.  Every value keeps the line and
 * column it came from so diagnostics can point at the source.
 *
 * Ownership: yval_parse returns a tree the caller frees with yval_free.
 * Anything returned by yval_get and friends is borrowed from the tree.
 */
#ifndef POLICYC_YAMLVAL_H
#define POLICYC_YAMLVAL_H

#include <stddef.h>

#include "util.h"

typedef enum {
	YV_NULL,
	YV_STR,
	YV_BOOL,
	YV_NUM,
	YV_LIST,
	YV_MAP
} yv_kind;

typedef struct yval yval;
struct yval {
	yv_kind kind;
	int line, col;   /* 1-based position in the file (offset applied) */
	char *str;       /* scalar text as written (NULL for lists and maps) */
	int quoted;      /* the scalar was quoted: always a string */
	double num;      /* YV_NUM */
	int boolean;     /* YV_BOOL */
	size_t n;        /* items of a list; pairs of a map */
	yval **items;    /* list items, or map values */
	char **keys;     /* map keys (NULL for lists) */
	int *key_lines, *key_cols;
};

typedef struct {
	int line, col;
	char message[256];
} yval_error;

/* Parses YAML text.  line_offset is added to every line (for front matter
 * that starts below line 1).  An empty document gives a YV_NULL value.
 * Returns NULL and fills *err on a syntax error.  Only the first document of
 * a stream is read; anchors and aliases are refused as errors. */
yval *yval_parse(const char *text, size_t len, int line_offset, yval_error *err);
void yval_free(yval *v);

/* Appends child to a list, or to a map under key (taken over) read at
 * kline:kcol; the arrays grow as the parser's do (the build cache makes
 * trees again with it: incrparse.c). */
void yval_append(yval *parent, yval *child, char *key, int kline, int kcol);

/* v as one line of tab-separated fields, every field of every node
 * (appended to b), and a tree made again from such a line: NULL for
 * anything that does not read back whole.  The build cache keeps each
 * document's front matter so, and a rebuild makes it again without
 * libyaml (incrparse.c, document.c), which took 57,000 instructions a
 * document. */
void yval_record(const yval *v, buf *b);
yval *yval_from_record(const char *s);

/* Removes (and frees) the i-th pair of a map; nothing else may hold a
 * pointer into it.  project.c drops rule settings of the wrong type so
 * later stages see their defaults. */
void yval_map_remove(yval *map, size_t i);
/* Map lookup by key (exact); NULL when absent or v is not a map. */
yval *yval_get(const yval *v, const char *key);
/* Index of key in a map, or -1. */
int yval_key_index(const yval *v, const char *key);
/* Dotted path lookup through maps ("contacts.lado.phone"). */
yval *yval_path(const yval *v, const char *dotted);
/* Scalar text, or NULL for lists/maps/absent values. */
const char *yval_str(const yval *v);
int yval_is_scalar(const yval *v);
const char *yval_kind_name(yv_kind k);

#endif
