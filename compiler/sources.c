/*
 * sources.c — the registry of statutory guidance (sources.h), read in
 * pipeline_check before the citations are judged: the shipped
 * data/sources.yaml first, then the project's sources: merged over it
 * (a new id adds a source; an existing id may change the title, url and
 * mentions, and adds editions or replaces one of the same name).  Each
 * edition learns its successor (the edition whose replaces: names it),
 * and the sources' names go into one termmatch automaton, the glossary's
 * matcher, so mentions in running text are found the way terms are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "rules.h"
#include "sources.h"
#include "termmatch.h"
#include "util.h"
#include "yamlval.h"

struct sources {
	source_entry *v;
	size_t n, cap;
	termmatch *tm;
};

static const char *const source_keys[] = {
	"title", "url", "mentions", "editions", "publisher", NULL
};
static const char *const edition_keys[] = {
	"edition", "date", "replaces", "url", "note", NULL
};

static void
unknown_keys(const yval *m, const char *const *keys, size_t nkeys,
    const char *file, const char *where, diag_set *ds)
{
	size_t i, k;
	for (i = 0; i < m->n; i++) {
		const char *hint;
		for (k = 0; keys[k] && strcmp(keys[k], m->keys[i]); k++)
			;
		if (keys[k])
			continue;
		hint = suggest(m->keys[i], keys, nkeys);
		diag_report(ds, R_CONFIG_UNKNOWN_KEY, file, m->key_lines[i],
		    m->key_cols[i], "unknown key '%s' in %s%s%s%s", m->keys[i],
		    where, hint ? " (did you mean '" : "", hint ? hint : "",
		    hint ? "'?)" : "");
	}
}

static source_entry *
entry_for(sources *s, const char *id)
{
	long i = sources_find(s, id);
	source_entry *e;
	if (i >= 0)
		return &s->v[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	e = &s->v[s->n++];
	memset(e, 0, sizeof *e);
	e->id = xstrdup(id);
	return e;
}

static void
set_str(char **dst, const yval *v)
{
	const char *s = yval_str(v);
	if (s && *s) {
		free(*dst);
		*dst = xstrdup(s);
	}
}

static void
read_edition(source_entry *e, const yval *m, const char *file,
    diag_set *ds)
{
	const char *name = yval_str(yval_get(m, "edition"));
	const yval *dv = yval_get(m, "date");
	char norm[11];
	long k;
	source_edition *ed;

	unknown_keys(m, edition_keys, 5, file, "an edition", ds);
	if (!name || !*name) {
		diag_report(ds, R_CONFIG_INVALID, file, m->line, m->col,
		    "an edition of '%s' needs edition: (its name, e.g. 2018)",
		    e->id);
		return;
	}
	if (!dv || !yval_str(dv) || !date_parse(yval_str(dv), norm)) {
		diag_report(ds, R_CONFIG_INVALID, file, dv ? dv->line : m->line,
		    dv ? dv->col : m->col, "edition %s of '%s' needs date: "
		    "(YYYY-MM-DD)", name, e->id);
		return;
	}
	k = sources_edition(e, name);
	if (k < 0) {
		e->eds = xrealloc(e->eds, (e->neds + 1) * sizeof *e->eds);
		ed = &e->eds[e->neds++];
		memset(ed, 0, sizeof *ed);
		ed->name = xstrdup(name);
	} else
		ed = &e->eds[k];   /* the project overrides a shipped edition */
	free(ed->date);
	ed->date = xstrdup(norm);
	set_str(&ed->replaces, yval_get(m, "replaces"));
	ed->file = file;
	ed->line = m->line;
	ed->col = m->col;
	set_str(&ed->url, yval_get(m, "url"));
}

/* Merges a map of sources (id: {title, mentions, editions}) into s. */
static void
read_registry(sources *s, const yval *root, const char *file,
    diag_set *ds)
{
	size_t i, j;

	if (!root || root->kind == YV_NULL)
		return;
	if (root->kind != YV_MAP) {
		diag_report(ds, R_CONFIG_INVALID, file, root->line, root->col,
		    "sources must be a map of source ids");
		return;
	}
	for (i = 0; i < root->n; i++) {
		const yval *m = root->items[i], *eds, *mn;
		source_entry *e;
		if (m->kind != YV_MAP) {
			diag_report(ds, R_CONFIG_INVALID, file, m->line, m->col,
			    "source '%s' must be a map (title, mentions, "
			    "editions)", root->keys[i]);
			continue;
		}
		unknown_keys(m, source_keys, 5, file, "a source", ds);
		e = entry_for(s, root->keys[i]);
		set_str(&e->title, yval_get(m, "title"));
		set_str(&e->url, yval_get(m, "url"));
		if ((mn = yval_get(m, "mentions")) != NULL) {
			for (j = 0; j < e->nmentions; j++)
				free(e->mentions[j]);
			e->nmentions = 0;
			if (yval_is_scalar(mn) && yval_str(mn)) {
				e->mentions = xrealloc(e->mentions, sizeof *e->mentions);
				e->mentions[e->nmentions++] = xstrdup(mn->str);
			} else if (mn->kind == YV_LIST) {
				e->mentions = xrealloc(e->mentions,
				    (mn->n + 1) * sizeof *e->mentions);
				for (j = 0; j < mn->n; j++)
					if (yval_str(mn->items[j]) && *mn->items[j]->str)
						e->mentions[e->nmentions++] =
						    xstrdup(mn->items[j]->str);
			}
		}
		eds = yval_get(m, "editions");
		if (eds && eds->kind == YV_LIST) {
			for (j = 0; j < eds->n; j++)
				if (eds->items[j]->kind == YV_MAP)
					read_edition(e, eds->items[j], file, ds);
				else
					diag_report(ds, R_CONFIG_INVALID, file,
					    eds->items[j]->line, eds->items[j]->col,
					    "each edition must be a map (edition, date, "
					    "replaces)");
		} else if (eds && eds->kind != YV_NULL)
			diag_report(ds, R_CONFIG_INVALID, file, eds->line,
			    eds->col, "editions of '%s' must be a list",
			    e->id);
		if (!e->title)
			e->title = xstrdup(e->id);
	}
}

static int
by_date(const void *a, const void *b)
{
	const source_edition *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	return c ? c : strcmp(x->name, y->name);
}

/* Dates in order, successors linked, the matcher built. */
static void
finish(sources *s, diag_set *ds)
{
	size_t i, k, j;

	s->tm = termmatch_new();
	for (i = 0; i < s->n; i++) {
		source_entry *e = &s->v[i];
		if (e->neds)
			qsort(e->eds, e->neds, sizeof *e->eds, by_date);
		for (k = 0; k < e->neds; k++)
			e->eds[k].successor = -1;
		for (k = 0; k < e->neds; k++) {
			source_edition *ed = &e->eds[k];
			long r;
			if (!ed->replaces)
				continue;
			r = sources_edition(e, ed->replaces);
			/* editions are in date order: an edition replaces an
			 * older one, so the chain of successors always ends */
			if (r >= 0 && (size_t)r < k)
				e->eds[r].successor = (long)k;
			else
				diag_report(ds, R_CONFIG_INVALID, ed->file, ed->line,
				    ed->col, "edition %s of '%s' replaces '%s', "
				    "which is %s", ed->name, e->id, ed->replaces,
				    r < 0 ? "not one of its editions" :
				    "not an older edition");
		}
		if (!e->nmentions) {
			e->mentions = xrealloc(e->mentions, sizeof *e->mentions);
			e->mentions[e->nmentions++] = xstrdup(e->title);
		}
		for (j = 0; j < e->nmentions; j++) {
			const char *m = e->mentions[j], *q;
			int caps = 1;
			for (q = m; *q; q++)
				if (*q >= 'a' && *q <= 'z')
					caps = 0;
			termmatch_add(s->tm, i, m, caps);
		}
	}
	termmatch_build(s->tm);
}

sources *
sources_load(const project *p, const char *data_dir, diag_set *ds)
{
	sources *s = xcalloc(1, sizeof *s);
	char *path = path_join(data_dir, "data/sources.yaml");
	size_t len;
	char *text = read_file(path, &len);
	yval_error err;
	yval *root;

	free(path);
	if (text) {
		root = yval_parse(text, len, 0, &err);
		if (root)
			read_registry(s, root, "data/sources.yaml", ds);
		else
			diag_report(ds, R_YAML_SYNTAX, "data/sources.yaml",
			    err.line, err.col, "%s", err.message);
		yval_free(root);
		free(text);
	}
	if (p && p->config)
		read_registry(s, yval_get(p->config, "sources"), "policyc.yaml",
		    ds);
	finish(s, ds);
	return s;
}

void
sources_free(sources *s)
{
	size_t i, k;
	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		source_entry *e = &s->v[i];
		for (k = 0; k < e->neds; k++) {
			free(e->eds[k].name);
			free(e->eds[k].date);
			free(e->eds[k].replaces);
			free(e->eds[k].url);
		}
		for (k = 0; k < e->nmentions; k++)
			free(e->mentions[k]);
		free(e->mentions);
		free(e->eds);
		free(e->id);
		free(e->title);
		free(e->url);
	}
	free(s->v);
	if (s->tm)
		termmatch_free(s->tm);
	free(s);
}

size_t
sources_count(const sources *s)
{
	return s->n;
}

const source_entry *
sources_at(const sources *s, size_t i)
{
	return &s->v[i];
}

long
sources_find(const sources *s, const char *id)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].id, id))
			return (long)i;
	return -1;
}

long
sources_edition(const source_entry *e, const char *name)
{
	size_t k;
	for (k = 0; k < e->neds; k++)
		if (!strcasecmp(e->eds[k].name, name))
			return (long)k;
	return -1;
}

const char *
sources_suggest(const sources *s, const char *id)
{
	const char **ids = xcalloc(s->n + 1, sizeof *ids);
	const char *r;
	size_t i;
	for (i = 0; i < s->n; i++)
		ids[i] = s->v[i].id;
	r = suggest(id, ids, s->n);
	free(ids);
	return r;
}

static int
alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* The edition named right after a mention ("… 2018", "… (2018)",
 * "… September 2024"), longest name first; -1 when none.  *end moves
 * past it. */
static long
edition_after(const source_entry *e, const char *text, size_t len,
    size_t *end)
{
	size_t p = *end, best_len = 0;
	long best = -1, k;
	int paren = 0;

	while (p < len && (text[p] == ' ' || text[p] == ','))
		p++;
	if (p < len && text[p] == '(') {
		paren = 1;
		p++;
	}
	for (k = 0; k < (long)e->neds; k++) {
		size_t n = strlen(e->eds[k].name);
		if (n > best_len && p + n <= len &&
		    !strncasecmp(text + p, e->eds[k].name, n) &&
		    (p + n == len || !alnum(text[p + n]))) {
			best = k;
			best_len = n;
		}
	}
	if (best < 0)
		return -1;
	p += best_len;
	if (paren && p < len && text[p] == ')')
		p++;
	*end = p;
	return best;
}

size_t
sources_find_mentions(const sources *s, const char *text, size_t len,
    sources_mention **out)
{
	termmatch_hit *hits = NULL;
	size_t n = termmatch_find(s->tm, text, len, &hits), i;

	*out = NULL;
	if (!n) {
		free(hits);
		return 0;
	}
	*out = xcalloc(n, sizeof **out);
	for (i = 0; i < n; i++) {
		const source_entry *e = &s->v[hits[i].entry];
		sources_mention *m = &(*out)[i];
		size_t end = hits[i].end;
		m->source = hits[i].entry;
		m->start = hits[i].start;
		m->edition = edition_after(e, text, len, &end);
		/* a source with one edition (an Act) is named by its name */
		if (m->edition < 0 && e->neds == 1)
			m->edition = 0;
		m->end = end;
	}
	free(hits);
	return n;
}

