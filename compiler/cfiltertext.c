/*
 * cfiltertext.c — C mirrors (cfilters.h) of the shipped filters that
 * judge words a reader meets: link-text.lua (link text that says nothing
 * out of context) and sections.lua (the headings each document type
 * must have).  Each function follows its Lua line for line, with the
 * Lua's words in its messages; where the Lua leans on a Lua pattern the
 * comment gives the pattern and the C spells out what it matches,
 * backtracking included (no setlocale: the C locale's classes, ASCII
 * only, bytes from 128 up in none).  The Lua memoises norm(); the C
 * normalises into a scratch area on the stack and keeps nothing between
 * documents but what prepare() made from the settings, which the
 * worker threads only read.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cfilters.h"
#include "project.h"
#include "strtab.h"
#include "util.h"

/* ---- Lua's character classes in the C locale ------------------------ */

/* %s: space, \t, \n, \v, \f, \r */
static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* %p: the printable ASCII that is neither letter, digit nor space */
static int is_punct(unsigned char c)
{
	return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) ||
	    (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int is_alnum(unsigned char c)
{
	return is_upper(c) || is_lower(c) || is_digit(c);
}

/* string.lower, byte by byte */
static unsigned char to_lower(unsigned char c)
{
	return is_upper(c) ? (unsigned char)(c + ('a' - 'A')) : c;
}

static size_t skip_space(const char *s, size_t i, size_t n)
{
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	return i;
}

/* A work area for one document's normalised texts: on the stack while
 * they are short, on the heap (kept to the document's end) past that. */
typedef struct {
	char *p;
	size_t cap;
	char local[512];
} scratch;

static void scratch_init(scratch *s)
{
	s->p = s->local;
	s->cap = sizeof s->local;
}

static char *scratch_need(scratch *s, size_t n)
{
	if (n > s->cap) {
		if (s->p != s->local)
			free(s->p);
		s->cap = n > 2 * s->cap ? n : 2 * s->cap;
		s->p = xmalloc(s->cap);
	}
	return s->p;
}

static void scratch_free(scratch *s)
{
	if (s->p != s->local)
		free(s->p);
}

/* Whether a settings list reads the same in the C: each item ipairs
 * meets (up to the first nil) a plain word to tostring.  Anything not a
 * list (a word, a map: ipairs yields nothing) is read the same way too. */
static int list_mirrored(const yval *v)
{
	buf tmp;
	size_t i;
	int ok = 1, r;

	if (v == NULL || v->kind != YV_LIST)
		return 1;
	buf_init(&tmp);
	for (i = 0; i < v->n && ok; i++) {
		if ((r = cf_tostring(v->items[i], &tmp)) < 0)
			break;
		ok = r > 0;
	}
	buf_free(&tmp);
	return ok;
}

/* The items of a list ipairs meets: those before the first nil. */
static size_t list_items(const yval *v)
{
	size_t i;

	if (v == NULL || v->kind != YV_LIST)
		return 0;
	for (i = 0; i < v->n; i++)
		if (v->items[i] == NULL || v->items[i]->kind == YV_NULL)
			break;
	return i;
}

/* ---- link-text.lua ------------------------------------------------- */

static const char *const lt_default[] = {
	"here", "click here", "click", "this link", "link", "more",
	"read more", "click here for more", "click here for more information",
	"more info", "more information", "find out more", "learn more",
	"this", "this page", "go", "see here", "link here", "this website",
	"website", NULL
};

/* VAGUE_CAPITALISED */
static const char *const lt_vague_capitalised[] = {
	"here", "click", "link", "more", "this", "website", NULL
};

/* norm(s): s:lower():gsub("[%s%p]+", " "):gsub("^ ", ""):gsub(" $", "")
 * — every run of spaces and punctuation one space, then one space off
 * the start and one off the end.  Into out (room for n + 1 bytes). */
static void lt_norm(const char *s, size_t n, char *out)
{
	size_t i = 0, o = 0;
	unsigned char c;

	while (i < n) {
		c = (unsigned char)s[i];
		if (is_space(c) || is_punct(c)) {
			while (i < n && (is_space((unsigned char)s[i]) ||
			    is_punct((unsigned char)s[i])))
				i++;
			if (o > 0)   /* a run at the start: "^ " */
				out[o++] = ' ';
			continue;
		}
		out[o++] = (char)to_lower(c);
		i++;
	}
	if (o > 0 && out[o - 1] == ' ')   /* " $" */
		o--;
	out[o] = '\0';
}

/* proper_name(text): text:match("^%s*(%u[%w%.%-]*)%s*$").  No class
 * there overlaps its neighbour, so the greedy match is the only one:
 * spaces, a capital, the longest run of [%w.-], spaces, the end. */
static int lt_proper_name(const char *s, size_t n)
{
	size_t i = skip_space(s, 0, n), w, e, k, j;
	int up = 0, low = 0;

	if (i >= n || !is_upper((unsigned char)s[i]))
		return 0;
	w = i++;
	while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '.' ||
	    s[i] == '-'))
		i++;
	e = i;
	if (skip_space(s, i, n) != n)
		return 0;
	/* not VAGUE_CAPITALISED[w:lower()] */
	for (k = 0; lt_vague_capitalised[k]; k++) {
		const char *v = lt_vague_capitalised[k];

		if (strlen(v) != e - w)
			continue;
		for (j = 0; j < e - w; j++)
			if ((char)to_lower((unsigned char)s[w + j]) != v[j])
				break;
		if (j == e - w)
			break;
	}
	if (lt_vague_capitalised[k] == NULL)
		return 1;
	/* or rest:find("%u") and rest:find("%l"), rest = w:sub(2) */
	for (j = w + 1; j < e; j++) {
		up |= is_upper((unsigned char)s[j]);
		low |= is_lower((unsigned char)s[j]);
	}
	return up && low;
}

static int lt_mirrors(const corpus *c, const cfilter *f)
{
	return list_mirrored(cf_config(c, f, "phrases")) &&
	    list_mirrored(cf_config(c, f, "also"));
}

static void lt_add(strtab *t, const char *p)
{
	size_t n = strlen(p);
	char *k = xmalloc(n + 1);

	lt_norm(p, n, k);
	strtab_put(t, k, 0);
	free(k);
}

static void lt_add_list(strtab *t, const yval *v)
{
	size_t i, n = list_items(v);
	buf s;

	buf_init(&s);
	for (i = 0; i < n; i++)
		if (cf_tostring(v->items[i], &s) > 0)
			lt_add(t, s.data ? s.data : "");
	buf_free(&s);
}

/* vague_phrases(ctx): the phrases (a table in place of DEFAULT, a map
 * giving none), and also's */
static void *lt_prepare(const corpus *c, const cfilter *f)
{
	const yval *phrases = cf_config(c, f, "phrases");
	const yval *also = cf_config(c, f, "also");
	strtab *t = strtab_new(32);
	size_t i;

	if (phrases && (phrases->kind == YV_LIST || phrases->kind == YV_MAP))
		lt_add_list(t, phrases);
	else
		for (i = 0; lt_default[i]; i++)
			lt_add(t, lt_default[i]);
	lt_add_list(t, also);
	return t;
}

static void lt_release(void *state)
{
	strtab_free(state);
}

static void lt_document(cf_ctx *x, const document *d)
{
	const strtab *vague = cf_state(x);
	luamodel_reader *r = cf_reader(x);
	cmark_node *const *nodes;
	size_t i, n, len;
	scratch sc;
	int line, col;

	n = luamodel_nodes(d, LUAMODEL_LINKS, &nodes);
	if (n == 0 || vague == NULL)
		return;
	scratch_init(&sc);
	for (i = 0; i < n; i++) {
		const char *text;
		char *k;

		if (!luamodel_link_written(nodes[i]))
			continue;
		text = luamodel_plain(r, nodes[i], &len);
		k = scratch_need(&sc, len + 1);
		lt_norm(text, len, k);
		if (strtab_get(vague, k) < 0 || lt_proper_name(text, len))
			continue;
		/* the position memo is not the text's buffer: text holds;
		 * but it ends at len, not at a NUL (an empty text leaves the
		 * last one there) */
		luamodel_where(r, d, nodes[i], &line, &col);
		cf_report(x, "link-text", line, col, "link text \"%.*s\" does "
		    "not say where the link goes; describe the target instead",
		    len > INT_MAX ? INT_MAX : (int)len, text);
	}
	scratch_free(&sc);
}

/* ---- sections.lua -------------------------------------------------- */

/* "^%s*section%s+%d+[%d.]*[.:)]?%s+" (word) or "^%s*%d+[%d.]*[.)]?%s+"
 * on s[p..n): where the match ends, p when there is none.  %d+[%d.]*
 * takes the longest run of digits and dots from a digit; no shorter run
 * can be followed by what follows (a dot inside the run is followed by
 * a digit or dot, not a space), so only the run's end is tried: the
 * optional ":" or ")" then spaces, else spaces at once. */
static size_t sec_numbered(const char *s, size_t p, size_t n, int word)
{
	size_t i = skip_space(s, p, n), e;

	if (word) {
		if (n - i < 7 || memcmp(s + i, "section", 7) != 0)
			return p;
		i += 7;
		if ((e = skip_space(s, i, n)) == i)
			return p;
		i = e;
	}
	if (i >= n || !is_digit((unsigned char)s[i]))
		return p;
	while (i < n && (is_digit((unsigned char)s[i]) || s[i] == '.'))
		i++;
	if (i + 1 < n && (s[i] == ')' || (word && s[i] == ':')) &&
	    is_space((unsigned char)s[i + 1]))
		return skip_space(s, i + 1, n);
	if (i < n && is_space((unsigned char)s[i]))
		return skip_space(s, i, n);
	return p;
}

/* "^%s*%(?[a-z]%)%s+" on s[p..n) */
static size_t sec_lettered(const char *s, size_t p, size_t n)
{
	size_t i = skip_space(s, p, n);

	if (i < n && s[i] == '(')
		i++;   /* without it, "(" is no [a-z]: nothing else to try */
	if (i + 2 < n && s[i] >= 'a' && s[i] <= 'z' && s[i + 1] == ')' &&
	    is_space((unsigned char)s[i + 2]))
		return skip_space(s, i + 2, n);
	return p;
}

/* norm(s), the seven gsubs in their order: lower case without [*_`];
 * the three anchored numberings (each once, at the start of what the
 * one before left); "[%s%p]+$" (the trailing run); "%s+" to one space
 * and "^ " off (a leading run goes whole); "&" to "and".  Into out, room
 * for 4 * n + 1 bytes (the first n of them work space). */
static const char *sec_norm(const char *s, size_t n, char *out)
{
	char *t = out, *o = out + n;
	size_t i, m = 0, p, k = 0;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c != '*' && c != '_' && c != '`')
			t[m++] = (char)to_lower(c);
	}
	p = sec_numbered(t, 0, m, 1);
	p = sec_numbered(t, p, m, 0);
	p = sec_lettered(t, p, m);
	while (m > p && (is_space((unsigned char)t[m - 1]) ||
	    is_punct((unsigned char)t[m - 1])))
		m--;
	for (i = p; i < m; ) {
		c = (unsigned char)t[i];
		if (is_space(c)) {
			if (i != p)
				o[k++] = ' ';
			i = skip_space(t, i, m);
			continue;
		}
		if (c == '&') {
			memcpy(o + k, "and", 3);
			k += 3;
		} else
			o[k++] = (char)c;
		i++;
	}
	o[k] = '\0';
	return o;
}

/* One list of wanted sections (a per-type value of the settings). */
typedef struct {
	const yval *list;   /* the settings' value */
	size_t n;           /* the items ipairs meets */
	char **names;       /* tostring of each */
	long *slot;         /* each one's norm, as an index into set */
	size_t nslots;
	strtab *set;        /* norm -> slot */
} sec_want;

typedef struct {
	sec_want *v;
	size_t n;
} sec_state;

static int sec_mirrors(const corpus *c, const cfilter *f)
{
	size_t i, j;

	if (c->project == NULL)
		return 1;
	for (i = 0; f->rules[i]; i++) {
		const yval *s = project_rule_settings(c->project, f->rules[i]);

		if (s == NULL || s->kind != YV_MAP)
			continue;
		for (j = 0; j < s->n; j++)
			if (strcmp(s->keys[j], "severity") != 0 &&
			    !list_mirrored(s->items[j]))
				return 0;
	}
	return 1;
}

static void sec_want_make(sec_want *w, const yval *list)
{
	size_t i, len;
	scratch sc;
	buf s;

	memset(w, 0, sizeof *w);
	w->list = list;
	w->n = list_items(list);
	w->names = xcalloc(w->n ? w->n : 1, sizeof *w->names);
	w->slot = xcalloc(w->n ? w->n : 1, sizeof *w->slot);
	w->set = strtab_new(w->n ? w->n : 1);
	buf_init(&s);
	scratch_init(&sc);
	for (i = 0; i < w->n; i++) {
		const char *k;

		cf_tostring(list->items[i], &s);   /* 1: sec_mirrors */
		w->names[i] = xstrdup(s.data ? s.data : "");
		len = strlen(w->names[i]);
		k = sec_norm(w->names[i], len, scratch_need(&sc, 4 * len + 1));
		if ((w->slot[i] = strtab_get(w->set, k)) < 0) {
			w->slot[i] = (long)w->nslots++;
			strtab_put(w->set, k, w->slot[i]);
		}
	}
	scratch_free(&sc);
	buf_free(&s);
}

static void *sec_prepare(const corpus *c, const cfilter *f)
{
	sec_state *st = xcalloc(1, sizeof *st);
	size_t i, j, k;

	for (i = 0; c->project && f->rules[i]; i++) {
		const yval *s = project_rule_settings(c->project, f->rules[i]);

		if (s == NULL || s->kind != YV_MAP)
			continue;
		for (j = 0; j < s->n; j++) {
			const yval *v = cf_config(c, f, s->keys[j]);

			if (v == NULL || v->kind != YV_LIST)
				continue;
			for (k = 0; k < st->n && st->v[k].list != v; k++)
				;
			if (k < st->n)
				continue;
			st->v = xrealloc(st->v, (st->n + 1) * sizeof *st->v);
			sec_want_make(&st->v[st->n++], v);
		}
	}
	return st;
}

static void sec_release(void *state)
{
	sec_state *st = state;
	size_t i, j;

	for (i = 0; i < st->n; i++) {
		for (j = 0; j < st->v[i].n; j++)
			free(st->v[i].names[j]);
		free(st->v[i].names);
		free(st->v[i].slot);
		strtab_free(st->v[i].set);
	}
	free(st->v);
	free(st);
}

/* Marks the wanted section s (a heading's text) found; returns how many
 * are still missing. */
static size_t sec_have(const sec_want *w, const char *s, size_t n,
    scratch *sc, unsigned char *found, size_t missing)
{
	long k = strtab_get(w->set, sec_norm(s, n, scratch_need(sc,
	    4 * n + 1)));

	if (k >= 0 && !found[k]) {
		found[k] = 1;
		missing--;
	}
	return missing;
}

static void sec_document(cf_ctx *x, const document *d)
{
	const sec_state *st = cf_state(x);
	const char *type = d->type ? d->type : "";
	const yval *wanted;
	const sec_want *w = NULL;
	cmark_node *const *nodes;
	unsigned char local[64], *found;
	size_t i, n, len, missing;
	int line = 0, col = 0;
	scratch sc;

	if (st == NULL)
		return;
	/* ctx.config[doc.type] or ctx.config[doc.type:lower()] */
	wanted = cf_config_of(x, type);
	if (wanted == NULL || (wanted->kind == YV_BOOL && !wanted->boolean)) {
		for (i = 0; type[i] && !is_upper((unsigned char)type[i]); i++)
			;
		if (type[i]) {   /* else the same key again */
			char *low = xstrdup(type);

			for (; low[i]; i++)
				low[i] = (char)to_lower((unsigned char)low[i]);
			wanted = cf_config_of(x, low);
			free(low);
		}
	}
	/* a map is a table too, but ipairs finds nothing in it */
	if (wanted == NULL || wanted->kind != YV_LIST)
		return;
	for (i = 0; i < st->n && w == NULL; i++)
		if (st->v[i].list == wanted)
			w = &st->v[i];
	if (w == NULL || w->n == 0)
		return;

	found = w->nslots <= sizeof local ? local : xmalloc(w->nslots);
	memset(found, 0, w->nslots);
	missing = w->nslots;
	scratch_init(&sc);
	for (i = 0; i < d->nheadings && missing > 0; i++) {
		const char *t = d->headings[i].text ? d->headings[i].text : "";

		missing = sec_have(w, t, strlen(t), &sc, found, missing);
	}
	n = missing > 0 ? luamodel_nodes(d, LUAMODEL_PARAGRAPHS, &nodes) : 0;
	for (i = 0; i < n && missing > 0; i++) {
		const char *t;

		if (!luamodel_heading_like(nodes[i]))
			continue;
		t = luamodel_plain(cf_reader(x), nodes[i], &len);
		missing = sec_have(w, t, len, &sc, found, missing);
	}
	scratch_free(&sc);

	if (missing > 0) {
		/* doc.meta_lines.type, doc.meta_columns.type: the last "type"
		 * key (lua_setfield in order), nil (0) when none */
		if (d->meta && d->meta->kind == YV_MAP)
			for (i = 0; i < d->meta->n; i++) {
				if (strcmp(d->meta->keys[i], "type") != 0)
					continue;
				line = d->meta->key_lines ?
				    d->meta->key_lines[i] : 0;
				col = d->meta->items[i] ?
				    d->meta->items[i]->col : 0;
			}
		for (i = 0; i < w->n; i++)
			if (!found[w->slot[i]])
				cf_report(x, "section-missing", line, col,
				    "required section \"%s\" is missing "
				    "(every %s needs it)", w->names[i], type);
	}
	if (found != local)
		free(found);
}

/* ---- the mirrors --------------------------------------------------- */

static const char *const lt_rules[] = { "link-text", NULL };
static const char *const sec_rules[] = { "section-missing", NULL };

const cfilter cf_link_text = {
	.name = "link-text.lua",
	.sha256 = "510b4b6308144b2feec32fc96ad250babac1028ce2398714f91b40194684ef7d",
	.rules = lt_rules,
	.mirrors = lt_mirrors,
	.prepare = lt_prepare,
	.release = lt_release,
	.document = lt_document,
	.corpus = NULL,
};

const cfilter cf_sections = {
	.name = "sections.lua",
	.sha256 = "d1f87f13686532014441f61c64523874b11cecf931d7415310be2635df8db8a9",
	.rules = sec_rules,
	.mirrors = sec_mirrors,
	.prepare = sec_prepare,
	.release = sec_release,
	.document = sec_document,
	.corpus = NULL,
};
