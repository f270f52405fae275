/*
 * yamlval.c — builds the yval tree from libyaml's event stream.  Plain
 * scalars are typed the YAML 1.2 core way (null, true/false, numbers);
 * everything else, dates included, stays a string so "3.1" quoted or
 * 2021-01-26 keep their text.  Anchors, aliases and non-scalar keys are
 * refused: policy files have no use for them and they make line numbers lie.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"
#include "yamlval.h"

static yval *
yval_new(yv_kind k, const yaml_mark_t *m, int line_offset)
{
	yval *v = xcalloc(1, sizeof *v);
	v->kind = k;
	v->line = (int)m->line + 1 + line_offset;
	v->col = (int)m->column + 1;
	return v;
}

void
yval_free(yval *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		yval_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->key_lines);
	free(v->key_cols);
	free(v->str);
	free(v);
}

void
yval_map_remove(yval *map, size_t i)
{
	if (!map || map->kind != YV_MAP || i >= map->n)
		return;
	yval_free(map->items[i]);
	free(map->keys[i]);
	map->n--;
	memmove(map->items + i, map->items + i + 1,
	    (map->n - i) * sizeof *map->items);
	memmove(map->keys + i, map->keys + i + 1,
	    (map->n - i) * sizeof *map->keys);
	memmove(map->key_lines + i, map->key_lines + i + 1,
	    (map->n - i) * sizeof *map->key_lines);
	memmove(map->key_cols + i, map->key_cols + i + 1,
	    (map->n - i) * sizeof *map->key_cols);
}

static int
is_number(const char *s)
{
	const char *p = s;
	int digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	if (digits && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return digits > 0 && *p == '\0';
}

static yval *
scalar(const yaml_event_t *ev, int line_offset)
{
	const char *s = (const char *)ev->data.scalar.value;
	yval *v = yval_new(YV_STR, &ev->start_mark, line_offset);

	v->str = xstrndup(s, ev->data.scalar.length);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		v->quoted = 1;
		return v;
	}
	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		v->kind = YV_NULL;
	else if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
		v->kind = YV_BOOL;
		v->boolean = 1;
	} else if (!strcmp(s, "false") || !strcmp(s, "False") ||
	    !strcmp(s, "FALSE"))
		v->kind = YV_BOOL;
	else if (is_number(s)) {
		v->kind = YV_NUM;
		v->num = strtod(s, NULL);
	}
	return v;
}

void
yval_append(yval *parent, yval *child, char *key, int kline, int kcol)
{
	if ((parent->n & (parent->n - 1)) == 0) {
		size_t cap = parent->n ? parent->n * 2 : 1;
		parent->items = xrealloc(parent->items, cap * sizeof *parent->items);
		if (parent->kind == YV_MAP) {
			parent->keys = xrealloc(parent->keys, cap * sizeof *parent->keys);
			parent->key_lines = xrealloc(parent->key_lines,
			    cap * sizeof *parent->key_lines);
			parent->key_cols = xrealloc(parent->key_cols,
			    cap * sizeof *parent->key_cols);
		}
	}
	parent->items[parent->n] = child;
	if (parent->kind == YV_MAP) {
		parent->keys[parent->n] = key;
		parent->key_lines[parent->n] = kline;
		parent->key_cols[parent->n] = kcol;
	}
	parent->n++;
}

#define MAX_DEPTH 256

typedef struct {
	yval *node;
	char *pending_key;   /* maps: key read, value not yet */
	int key_line, key_col;
} frame;

static void
set_error(yval_error *err, const yaml_mark_t *m, int line_offset,
    const char *msg)
{
	if (!err)
		return;
	err->line = (int)m->line + 1 + line_offset;
	err->col = (int)m->column + 1;
	snprintf(err->message, sizeof err->message, "%s", msg);
}

/* The tree being built from parser events. */
typedef struct {
	frame stack[MAX_DEPTH];
	int depth;
	yval *root;
	int line_offset;
	yval_error *err;
} builder;

/* Attaches a finished value to the open list or map (or as the root). */
static void
attach(builder *b, yval *v)
{
	if (b->depth == 0) {
		if (!b->root)
			b->root = v;
		else
			yval_free(v);
	} else {
		frame *f = &b->stack[b->depth - 1];
		yval_append(f->node, v, f->pending_key, f->key_line, f->key_col);
		f->pending_key = NULL;
	}
}

/* A scalar: a map's next key, or a value.  Returns 0 on an error. */
static int
on_scalar(builder *b, yaml_event_t *ev)
{
	if (ev->data.scalar.anchor) {
		set_error(b->err, &ev->start_mark, b->line_offset,
		    "anchors (&name) are not supported");
		return 0;
	}
	if (b->depth > 0 && b->stack[b->depth - 1].node->kind == YV_MAP &&
	    !b->stack[b->depth - 1].pending_key) {
		frame *f = &b->stack[b->depth - 1];
		if (yval_key_index(f->node,
		    (const char *)ev->data.scalar.value) >= 0) {
			char msg[256];
			snprintf(msg, sizeof msg, "duplicate key '%.200s'",
			    (const char *)ev->data.scalar.value);
			set_error(b->err, &ev->start_mark, b->line_offset, msg);
			return 0;
		}
		f->pending_key = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		f->key_line = (int)ev->start_mark.line + 1 + b->line_offset;
		f->key_col = (int)ev->start_mark.column + 1;
		return 1;
	}
	attach(b, scalar(ev, b->line_offset));
	return 1;
}

/* The start of a list or map: attach it now, then descend.  Returns 0 on
 * an error. */
static int
on_start(builder *b, yaml_event_t *ev)
{
	int is_map = ev->type == YAML_MAPPING_START_EVENT;
	const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor :
	    ev->data.sequence_start.anchor;
	yval *v;

	if (anchor) {
		set_error(b->err, &ev->start_mark, b->line_offset,
		    "anchors (&name) are not supported");
		return 0;
	}
	if (b->depth > 0 && b->stack[b->depth - 1].node->kind == YV_MAP &&
	    !b->stack[b->depth - 1].pending_key) {
		set_error(b->err, &ev->start_mark, b->line_offset,
		    "a key must be a plain value, not a list or map");
		return 0;
	}
	if (b->depth >= MAX_DEPTH) {
		set_error(b->err, &ev->start_mark, b->line_offset,
		    "nested too deeply");
		return 0;
	}
	v = yval_new(is_map ? YV_MAP : YV_LIST, &ev->start_mark,
	    b->line_offset);
	if (b->depth == 0)
		b->root = v;
	else
		attach(b, v);
	b->stack[b->depth].node = v;
	b->stack[b->depth].pending_key = NULL;
	b->depth++;
	return 1;
}

/* Reports libyaml's own error. */
static void
parser_error(builder *b, const yaml_parser_t *parser)
{
	yaml_mark_t m = parser->problem_mark;
	char msg[256];
	if (parser->context)
		snprintf(msg, sizeof msg, "%s %s", parser->problem,
		    parser->context);
	else
		snprintf(msg, sizeof msg, "%s",
		    parser->problem ? parser->problem : "invalid YAML");
	set_error(b->err, &m, b->line_offset, msg);
}

yval *
yval_parse(const char *text, size_t len, int line_offset, yval_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	builder b;
	int done = 0, failed = 0;

	memset(&b, 0, sizeof b);
	b.line_offset = line_offset;
	b.err = err;
	if (!yaml_parser_initialize(&parser)) {
		if (err) {
			err->line = 1 + line_offset;
			err->col = 1;
			snprintf(err->message, sizeof err->message,
			    "cannot start the YAML parser");
		}
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

	while (!done && !failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&b, &parser);
			failed = 1;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			done = ev.type == YAML_STREAM_END_EVENT ||
			    b.root != NULL;
			break;
		case YAML_ALIAS_EVENT:
			set_error(err, &ev.start_mark, line_offset,
			    "aliases (*name) are not supported");
			failed = 1;
			break;
		case YAML_SCALAR_EVENT:
			failed = !on_scalar(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			failed = !on_start(&b, &ev);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			b.depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	while (b.depth > 0) {
		free(b.stack[b.depth - 1].pending_key);
		b.depth--;
	}
	yaml_parser_delete(&parser);
	if (failed) {
		yval_free(b.root);
		return NULL;
	}
	if (!b.root) {
		yaml_mark_t m = { 0, 0, 0 };
		b.root = yval_new(YV_NULL, &m, line_offset);
	}
	return b.root;
}

int
yval_key_index(const yval *v, const char *key)
{
	size_t i;
	if (!v || v->kind != YV_MAP)
		return -1;
	for (i = 0; i < v->n; i++)
		if (v->keys[i] && strcmp(v->keys[i], key) == 0)
			return (int)i;
	return -1;
}

yval *
yval_get(const yval *v, const char *key)
{
	int i = yval_key_index(v, key);
	return i < 0 ? NULL : v->items[i];
}

yval *
yval_path(const yval *v, const char *dotted)
{
	const char *p = dotted;
	yval *cur = (yval *)v;

	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char *key = xstrndup(p, n);
		cur = yval_get(cur, key);
		free(key);
		p += n;
		if (*p == '.')
			p++;
	}
	return cur;
}

const char *
yval_str(const yval *v)
{
	if (!v || v->kind == YV_LIST || v->kind == YV_MAP)
		return NULL;
	return v->str ? v->str : "";
}

int
yval_is_scalar(const yval *v)
{
	return v && v->kind != YV_LIST && v->kind != YV_MAP;
}

const char *
yval_kind_name(yv_kind k)
{
	switch (k) {
	case YV_NULL: return "null";
	case YV_STR: return "string";
	case YV_BOOL: return "boolean";
	case YV_NUM: return "number";
	case YV_LIST: return "list";
	case YV_MAP: return "map";
	}
	return "value";
}

/* ---- the tree as one line of text (the build cache's "pv") ---------- */

/* A string field: '-' for none, else '=' and the text escaped
 * (buf_put_escaped), so that a record is one line of tab-separated
 * fields. */
static void
put_text(buf *b, const char *s)
{
	if (!s) {
		buf_putc(b, '-');
		return;
	}
	buf_putc(b, '=');
	buf_put_escaped(b, s);
}

static void
put_node(buf *b, const yval *v)
{
	size_t i;

	buf_printf(b, "%d\t%d\t%d\t%d\t%d\t", (int)v->kind, v->line,
	    v->col, v->quoted, v->boolean);
	if (v->num != 0 || signbit(v->num))   /* exact: a hexadecimal float */
		buf_printf(b, "%a", v->num);
	buf_putc(b, '\t');
	put_text(b, v->str);
	buf_printf(b, "\t%zu", v->n);
	for (i = 0; i < v->n; i++) {
		buf_putc(b, '\t');
		if (v->kind == YV_MAP) {
			put_text(b, v->keys[i]);
			buf_printf(b, "\t%d\t%d\t", v->key_lines[i],
			    v->key_cols[i]);
		}
		put_node(b, v->items[i]);
	}
}

void
yval_record(const yval *v, buf *b)
{
	if (v)
		put_node(b, v);
}

typedef struct {
	char *p;          /* the next field */
	int ok;
} reader;

/* The next field, NUL-terminated in place; NULL at the end. */
static char *
field(reader *r)
{
	char *f = r->p, *t;

	if (!r->ok || !f) {
		r->ok = 0;
		return NULL;
	}
	if ((t = strchr(f, '\t')) != NULL) {
		*t = '\0';
		r->p = t + 1;
	} else
		r->p = NULL;
	return f;
}

/* A whole decimal number from lo to hi (both at least 0). */
static long
get_long(reader *r, long lo, long hi)
{
	const char *f = field(r), *e;
	long long v = 0;

	if (!f || !(e = parse_decimal(f, &v)) || *e || v < lo || v > hi) {
		r->ok = 0;
		return 0;
	}
	return (long)v;
}

/* A string field, unescaped and allocated; *none set for '-'. */
static char *
get_text(reader *r, int *none)
{
	char *f = field(r), *out;

	*none = 0;
	if (!f || (*f != '-' && *f != '=') || (*f == '-' && f[1])) {
		r->ok = 0;
		return NULL;
	}
	if (*f == '-') {
		*none = 1;
		return NULL;
	}
	out = xstrdup(f + 1);
	if (!str_unescape(out))
		r->ok = 0;   /* not an escape put_text writes */
	return out;
}

static yval *
get_node(reader *r, int depth)
{
	yval *v;
	char *f, *e;
	long n, i;
	int none;

	if (depth > MAX_DEPTH) {
		r->ok = 0;
		return NULL;
	}
	v = xcalloc(1, sizeof *v);
	v->kind = (yv_kind)get_long(r, YV_NULL, YV_MAP);
	v->line = (int)get_long(r, 0, 0x7fffffff);
	v->col = (int)get_long(r, 0, 0x7fffffff);
	v->quoted = (int)get_long(r, 0, 1);
	v->boolean = (int)get_long(r, 0, 1);
	if ((f = field(r)) != NULL && *f) {   /* empty: 0 */
		v->num = strtod(f, &e);
		if (*e)
			r->ok = 0;
	}
	v->str = get_text(r, &none);
	n = get_long(r, 0, 1L << 24);
	if (r->ok && n > 0 && v->kind != YV_LIST && v->kind != YV_MAP)
		r->ok = 0;
	for (i = 0; r->ok && i < n; i++) {
		char *key = NULL;
		int kline = 0, kcol = 0;
		yval *c;

		if (v->kind == YV_MAP) {
			key = get_text(r, &none);
			if (none)
				r->ok = 0;
			kline = (int)get_long(r, 0, 0x7fffffff);
			kcol = (int)get_long(r, 0, 0x7fffffff);
		}
		c = r->ok ? get_node(r, depth + 1) : NULL;
		if (!c) {
			free(key);
			break;
		}
		yval_append(v, c, key, kline, kcol);
	}
	if (!r->ok) {
		yval_free(v);
		return NULL;
	}
	return v;
}

yval *
yval_from_record(const char *s)
{
	char *copy;
	reader r;
	yval *v;

	if (!s || !*s)
		return NULL;
	copy = xstrdup(s);
	r.p = copy;
	r.ok = 1;
	v = get_node(&r, 0);
	if (v && r.p != NULL) {   /* fields left over: not a record */
		yval_free(v);
		v = NULL;
	}
	free(copy);
	return v;
}
