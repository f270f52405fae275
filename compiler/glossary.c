/*
 * glossary.c — the project's glossary, loaded once before the link pass.
 * glossary_load reads glossary.yaml (a list of entries: term, abbr,
 * aliases, definition, source, see) through yamlval and reports
 * yaml-syntax, meta-invalid, term-duplicate and link-unsafe (a source: URL
 * the URL policy refuses); it then hands every term, alias and
 * abbreviation to the matcher (termmatch.c) and indexes the slugs in a
 * strtab, so the link pass (links.c, autolink.c) can find entries by name,
 * by slug and in running text.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>

#include "document.h"
#include "glossary.h"
#include "strtab.h"
#include "termmatch.h"
#include "url.h"
#include "util.h"
struct glossary {
	glossary_entry *entries; size_t n, cap;
	char *file;          /* as diagnostics name it */
	termmatch *tm;       /* every term, alias and abbreviation */
	strtab *slugs;       /* slug -> first entry with it */
	strtab *abbrs;       /* ASCII-lower-cased abbreviation -> first entry */
};

/* ASCII lower case, as str_ieq compares.  Caller frees. */
static char *
ascii_lower(const char *s)
{
	char *l = xstrdup(s);
	for (char *p = l; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return l;
}

/* ---- loading ---------------------------------------------------------- */

static char *
dup_scalar(const yval *v)
{
	const char *s = yval_str(v);
	return s ? xstrdup(s) : NULL;
}

/* Fills a list of strings from a scalar or a list of scalars. */
static char **
str_list(const yval *v, size_t *n)
{
	*n = 0;
	if (!v || v->kind == YV_NULL)
		return NULL;
	if (yval_is_scalar(v)) {
		char **out = xmalloc(sizeof *out);
		out[0] = xstrdup(yval_str(v));
		*n = 1;
		return out;
	}
	if (v->kind != YV_LIST)
		return NULL;
	char **out = xmalloc((v->n ? v->n : 1) * sizeof *out);
	for (size_t i = 0; i < v->n; i++)
		if (yval_is_scalar(v->items[i]))
			out[(*n)++] = xstrdup(yval_str(v->items[i]));
	return out;
}

/* Line of a map key, or of the map. */
static int
key_line(const yval *m, const char *key)
{
	int k = yval_key_index(m, key);
	if (k >= 0 && m->key_lines)
		return m->key_lines[k];
	return m->line;
}

static int
key_col(const yval *m, const char *key)
{
	int k = yval_key_index(m, key);
	if (k >= 0 && m->key_cols)
		return m->key_cols[k];
	return m->col;
}

/* term-duplicate: a name already used by another entry.  Names compare
 * folded (a term "lado" would match the text "LADO" anyway), except two
 * abbreviations, which compare exactly. */
typedef struct {
	char *key; int cs; size_t entry; int line;
	const char *what, *raw;
} name_def;

static int
name_clash(const name_def *a, const name_def *b)
{
	if (a->entry == b->entry)
		return 0;
	if (a->cs && b->cs)
		return !strcmp(a->raw, b->raw);
	return !strcmp(a->key, b->key);
}

static int
name_cmp(const void *x, const void *y)
{
	const name_def *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return 0;
}

static void
check_duplicates(glossary *g, const char *file, diag_set *ds,
    const int *const *name_lines)
{
	size_t cap = 0, n = 0;
	for (size_t i = 0; i < g->n; i++)
		cap += 2 + g->entries[i].naliases;
	name_def *d = xmalloc((cap ? cap : 1) * sizeof *d);
	for (size_t i = 0; i < g->n; i++) {
		glossary_entry *e = &g->entries[i];
		size_t l;
		d[n++] = (name_def){ termmatch_normalise(e->term, 0, &l), 0, i,
		    name_lines[i][0], "term", e->term };
		if (e->abbr)
			d[n++] = (name_def){ termmatch_normalise(e->abbr, 0, &l), 1, i,
			    name_lines[i][1], "abbreviation", e->abbr };
		for (size_t k = 0; k < e->naliases; k++)
			d[n++] = (name_def){ termmatch_normalise(e->aliases[k], 0, &l),
			    0, i, name_lines[i][2 + k], "alias", e->aliases[k] };
	}
	qsort(d, n, sizeof *d, name_cmp);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i; j-- > 0 && !strcmp(d[j].key, d[i].key);) {
			if (!name_clash(&d[j], &d[i]))
				continue;
			diag_report(ds, R_TERM_DUPLICATE, file, d[i].line, 0,
			    "%s \"%s\" is already defined by the entry "
			    "\"%s\" (line %d)", d[i].what, d[i].raw,
			    g->entries[d[j].entry].term,
			    g->entries[d[j].entry].line);
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(d[i].key);
	free(d);
}

static void
finish(glossary *g)
{
	g->tm = termmatch_new();
	g->slugs = strtab_new(g->n);
	g->abbrs = strtab_new(g->n);
	for (size_t i = 0; i < g->n; i++) {
		glossary_entry *e = &g->entries[i];
		termmatch_add(g->tm, i, e->term, 0);
		for (size_t k = 0; k < e->naliases; k++)
			termmatch_add(g->tm, i, e->aliases[k], 0);
		if (e->abbr) {
			termmatch_add(g->tm, i, e->abbr, 1);
			char *l = ascii_lower(e->abbr);
			strtab_put(g->abbrs, l, (long)i);
			free(l);
		}
		strtab_put(g->slugs, e->slug, (long)i); /* the first keeps it */
	}
	/* not: phrases name no entry (an index past the last): being longer
	 * than the term inside them, they win the match and link nothing */
	for (size_t i = 0; i < g->n; i++)
		for (size_t k = 0; k < g->entries[i].nnots; k++)
			termmatch_add(g->tm, g->n + i, g->entries[i].nots[k], 0);
	termmatch_build(g->tm);
}

/* Links and images in a definition (Markdown, published on the glossary
 * page and in term titles) go through the URL policy like body links.
 * Reported at the definition; only definitions that could hold a link
 * (a ']' or a '<') are parsed, so a 100,000-term glossary of plain
 * definitions costs nothing more. */
static void
check_definition_urls(const char *def, const char *file, int line, int col,
    diag_set *ds)
{
	if (!def || (!strchr(def, ']') && !strchr(def, '<')))
		return;
	cmark_node *root = cmark_parse_document(def, strlen(def),
	    CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev != CMARK_EVENT_ENTER ||
		    (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
			continue;
		const char *url = cmark_node_get_url(n);
		int image = t == CMARK_NODE_IMAGE;
		if (url && strncmp(url, "glossary:", 9) != 0)
			url_check(url, image ? URL_IMAGE : URL_LINK, image ?
			    "image in a definition" : "link in a definition",
			    file, line, col, ds);
	}
	cmark_iter_free(it);
	cmark_node_free(root);
}

/* Fills e from the map m (term already checked); reports source: URLs the
 * URL policy refuses and unknown keys.  Returns the lines of each name
 * (term, abbr, aliases...) for term-duplicate; caller frees. */
static int *
load_entry(glossary_entry *e, const yval *m, const char *term,
    const char *file, diag_set *ds)
{
	memset(e, 0, sizeof *e);
	e->term = xstrdup(term);
	e->slug = slugify(term);
	e->abbr = dup_scalar(yval_get(m, "abbr"));
	if (e->abbr && !*e->abbr) {
		free(e->abbr);
		e->abbr = NULL;
	}
	e->aliases = str_list(yval_get(m, "aliases"), &e->naliases);
	const yval *dv = yval_get(m, "definition");
	e->definition = dup_scalar(dv);
	e->def_line = dv ? dv->line : e->line;
	e->def_col = dv ? dv->col : 0;
	/* links with {{variables}} are judged once they are substituted
	 * (glossary_substitute) */
	if (!e->definition || !strstr(e->definition, "{{"))
		check_definition_urls(e->definition, file, e->def_line,
		    e->def_col, ds);
	e->source = dup_scalar(yval_get(m, "source"));
	e->src_line = key_line(m, "source");
	e->src_col = key_col(m, "source");
	if (e->source && !strstr(e->source, "{{") &&
	    !url_check(e->source, URL_LINK,
	    "glossary source:", file, key_line(m, "source"),
	    key_col(m, "source"), ds)) {
		free(e->source);     /* never published */
		e->source = NULL;
	}
	e->see = str_list(yval_get(m, "see"), &e->nsee);
	e->line = key_line(m, "term");
	e->nots = str_list(yval_get(m, "not"), &e->nnots);
	const char *lk = yval_str(yval_get(m, "link"));
	if (lk && !strcmp(lk, "abbr"))
		e->link = GLOSSARY_LINK_ABBR;
	else if (lk && (!strcmp(lk, "none") || !strcmp(lk, "false")))
		e->link = GLOSSARY_LINK_NONE;
	else if (lk && strcmp(lk, "all") && strcmp(lk, "true"))
		diag_report(ds, R_META_INVALID, file, key_line(m, "link"),
		    key_col(m, "link"), "glossary link: \"%s\" is not one of "
		    "all, abbr, none", lk);
	if (e->link == GLOSSARY_LINK_ABBR && !e->abbr)
		diag_report(ds, R_META_INVALID, file, key_line(m, "link"),
		    key_col(m, "link"), "glossary link: abbr, but \"%s\" has "
		    "no abbr:", term);
	/* lines of each name for term-duplicate */
	int *nl = xmalloc((2 + e->naliases) * sizeof *nl);
	nl[0] = e->line;
	nl[1] = key_line(m, "abbr");
	const yval *al = yval_get(m, "aliases");
	for (size_t k = 0; k < e->naliases; k++)
		nl[2 + k] = (al && al->kind == YV_LIST && k < al->n) ?
		    al->items[k]->line : key_line(m, "aliases");
	static const char *known[] = { "term", "abbr", "aliases",
	    "definition", "source", "see", "link", "not", NULL };
	for (size_t k = 0; k < m->n; k++) {
		int ok = 0;
		for (int q = 0; known[q]; q++)
			ok |= !strcmp(m->keys[k], known[q]);
		if (!ok)
			diag_report(ds, R_META_INVALID, file,
			    m->key_lines ? m->key_lines[k] : m->line,
			    m->key_cols ? m->key_cols[k] : 0,
			    "unknown glossary key \"%s\" (known: term, "
			    "abbr, aliases, definition, source, see, link, "
			    "not)",
			    m->keys[k]);
	}
	return nl;
}

glossary *
glossary_from_yval(const yval *list, const char *file, diag_set *ds)
{
	glossary *g = xcalloc(1, sizeof *g);
	g->file = file ? xstrdup(file) : NULL;
	if (!list || list->kind == YV_NULL) {
		finish(g);
		return g;
	}
	/* accept a top-level list, or a map with a "terms:" list */
	if (list->kind == YV_MAP && yval_get(list, "terms"))
		list = yval_get(list, "terms");
	if (list->kind != YV_LIST) {
		diag_report(ds, R_META_INVALID, file, list->line, list->col,
		    "the glossary must be a list of entries (- term: ...)");
		finish(g);
		return g;
	}
	int **lines = xcalloc(list->n ? list->n : 1, sizeof *lines);
	for (size_t i = 0; i < list->n; i++) {
		const yval *m = list->items[i];
		if (!m || m->kind != YV_MAP) {
			diag_report(ds, R_META_INVALID, file, m ? m->line : 0,
			    m ? m->col : 0, "a glossary entry must be a map "
			    "with a term");
			continue;
		}
		const char *term = yval_str(yval_get(m, "term"));
		if (!term || !*term) {
			diag_report(ds, R_META_INVALID, file, m->line, m->col,
			    "glossary entry without a term");
			continue;
		}
		if (g->n == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 16;
			g->entries = xrealloc(g->entries,
			    g->cap * sizeof *g->entries);
		}
		lines[g->n] = load_entry(&g->entries[g->n], m, term, file, ds);
		g->n++;
	}
	check_duplicates(g, file, ds, (const int *const *)lines);
	for (size_t i = 0; i < g->n; i++)
		free(lines[i]);
	free(lines);
	finish(g);
	/* see: names a term, an alias, an abbreviation or a slug; keep the
	 * slug of the entry it names (unknown names stay slugged, and the
	 * link pass reports them) */
	for (size_t i = 0; i < g->n; i++) {
		glossary_entry *e = &g->entries[i];
		for (size_t k = 0; k < e->nsee; k++) {
			long t = glossary_lookup(g, e->see[k]);
			char *sl = t >= 0 ? xstrdup(g->entries[t].slug) :
			    slugify(e->see[k]);
			free(e->see[k]);
			e->see[k] = sl;
		}
	}
	return g;
}

/* ---- variables -------------------------------------------------------- */

/* Appends text [from, to) with its variables substituted. */
static int
subst_text(buf *out, const project *p, const char *from, const char *to,
    const glossary_entry *e, document_subst *st, diag_set *ds)
{
	char *seg = xstrndup(from, (size_t)(to - from));
	char *r = document_substitute(p, seg, e->def_line, e->def_col, st, ds);

	buf_puts(out, r ? r : seg);
	free(seg);
	free(r);
	return r != NULL;
}

static size_t
ticks(const char *s)
{
	size_t n = 0;
	while (s[n] == '`')
		n++;
	return n;
}

/* A definition's variables, outside its code: a code span (or a
 * backtick fence) runs from n backticks to the next run of exactly n,
 * as CommonMark reads it, and its {{...}} stays as written, as in a
 * document's code.  NULL when nothing changed. */
static char *
substitute_definition(const project *p, const glossary_entry *e,
    document_subst *st, diag_set *ds)
{
	const char *def = e->definition, *q = def, *t = def;
	buf out;
	int changed = 0;

	if (!strchr(def, '`'))
		return document_substitute(p, def, e->def_line, e->def_col, st,
		    ds);
	buf_init(&out);
	while (*t) {
		const char *c, *close = NULL;
		size_t n;
		if (*t == '\\' && t[1]) {
			t += 2;
			continue;
		}
		if (*t != '`') {
			t++;
			continue;
		}
		n = ticks(t);
		for (c = t + n; (c = strchr(c, '`')) != NULL; c += ticks(c))
			if (ticks(c) == n) {
				close = c;
				break;
			}
		if (!close) {        /* no closing run: the backticks are text */
			t += n;
			continue;
		}
		changed |= subst_text(&out, p, q, t, e, st, ds);
		buf_putn(&out, t, (size_t)(close + n - t));
		q = t = close + n;
	}
	changed |= subst_text(&out, p, q, t, e, st, ds);
	if (!changed) {
		buf_free(&out);
		return NULL;
	}
	return buf_detach(&out);
}

/* source: is a document or a URL, not Markdown: the value as it is,
 * then the URL policy load_entry left for now. */
static void
substitute_source(glossary_entry *e, const project *p, const char *file,
    document_subst *st, diag_set *ds)
{
	char *r;

	st->markdown = 0;
	r = document_substitute(p, e->source, e->src_line, e->src_col, st, ds);
	st->markdown = 1;
	if (r) {
		free(e->source);
		e->source = r;
	}
	if (!url_check(e->source, URL_LINK, "glossary source:", file,
	    e->src_line, e->src_col, ds)) {
		free(e->source);     /* never published */
		e->source = NULL;
	}
}

void
glossary_substitute(glossary *g, const project *p, diag_set *ds)
{
	document_subst st;
	size_t i, size = 0;
	const char *file = g && g->file ? g->file : "";

	if (!g || !p)
		return;
	for (i = 0; i < g->n; i++) {
		if (g->entries[i].definition)
			size += strlen(g->entries[i].definition);
		if (g->entries[i].source)
			size += strlen(g->entries[i].source);
	}
	document_subst_init(&st, file, "glossary", size);
	st.col_fixed = 1;    /* a definition's placeholders, at its start */
	st.markdown = 1;
	for (i = 0; i < g->n; i++) {
		glossary_entry *e = &g->entries[i];
		char *r;
		if (e->source && strstr(e->source, "{{"))
			substitute_source(e, p, file, &st, ds);
		if (!e->definition || !strstr(e->definition, "{{"))
			continue;
		if ((r = substitute_definition(p, e, &st, ds)) != NULL) {
			free(e->definition);
			e->definition = r;
		}
		check_definition_urls(e->definition, file, e->def_line,
		    e->def_col, ds);
	}
}

glossary *
glossary_load(const char *abspath, const char *file, int required,
    diag_set *ds)
{
	size_t len;
	char *text = abspath ? read_file(abspath, &len) : NULL;
	if (!text) {
		if (required)
			diag_report(ds, R_YAML_SYNTAX, file, 0, 0,
			    "cannot read the glossary");
		return glossary_from_yval(NULL, file, ds);
	}
	yval_error err;
	memset(&err, 0, sizeof err);
	yval *v = yval_parse(text, len, 0, &err);
	free(text);
	if (!v) {
		diag_report(ds, R_YAML_SYNTAX, file, err.line, err.col, "%s",
		    err.message);
		return glossary_from_yval(NULL, file, ds);
	}
	glossary *g = glossary_from_yval(v, file, ds);
	yval_free(v);
	return g;
}

void
glossary_free(glossary *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		glossary_entry *e = &g->entries[i];
		free(e->slug); free(e->term); free(e->abbr);
		free(e->definition); free(e->source);
		for (size_t k = 0; k < e->naliases; k++)
			free(e->aliases[k]);
		free(e->aliases);
		for (size_t k = 0; k < e->nsee; k++)
			free(e->see[k]);
		free(e->see);
		for (size_t k = 0; k < e->nnots; k++)
			free(e->nots[k]);
		free(e->nots);
	}
	free(g->entries);
	free(g->file);
	termmatch_free(g->tm);
	strtab_free(g->slugs);
	strtab_free(g->abbrs);
	free(g);
}

size_t
glossary_count(const glossary *g)
{
	return g ? g->n : 0;
}

const glossary_entry *
glossary_at(const glossary *g, size_t i)
{
	return g && i < g->n ? &g->entries[i] : NULL;
}

long
glossary_lookup(const glossary *g, const char *name)
{
	if (!g || !name)
		return -1;
	long found = termmatch_lookup(g->tm, name);
	if (found >= (long)g->n)
		found = -1;          /* a not: phrase */
	if (found < 0)
		found = strtab_get(g->slugs, name);
	if (found < 0) {
		/* slug of the name ("section-47-enquiry" or "Section 47
		 * enquiry" either way) */
		char *sl = slugify(name);
		found = strtab_get(g->slugs, sl);
		free(sl);
	}
	if (found < 0) {
		/* an abbreviation named in another case ("glossary:lado"):
		 * explicit links and see: are case-insensitive (DESIGN.md);
		 * only running text keeps abbreviations case-sensitive */
		char *l = ascii_lower(name);
		found = strtab_get(g->abbrs, l);
		free(l);
	}
	return found;
}

long
glossary_find_slug(const glossary *g, const char *slug)
{
	return g && slug ? strtab_get(g->slugs, slug) : -1;
}

/* Whether a matched name is one of the entry's own not: words ("not:
 * [child]" on Children keeps its term but never links "child"). */
static int
not_listed(const glossary_entry *e, const char *s, size_t n)
{
	for (size_t k = 0; k < e->nnots; k++)
		if (strlen(e->nots[k]) == n && !strncasecmp(e->nots[k], s, n))
			return 1;
	return 0;
}

size_t
glossary_find(const glossary *g, const char *text, size_t len,
    glossary_match **out)
{
	*out = NULL;
	if (!g)
		return 0;
	size_t n = termmatch_find(g->tm, text, len, out), k = 0;
	/* a not: phrase, or a name the entry's not: lists, is no use of
	 * any term */
	for (size_t i = 0; i < n; i++) {
		glossary_match *h = &(*out)[i];
		if (h->entry >= g->n || not_listed(&g->entries[h->entry],
		    text + h->start, h->end - h->start))
			continue;
		(*out)[k++] = *h;
	}
	if (k == 0) {
		free(*out);
		*out = NULL;
	}
	return k;
}

int
glossary_may_autolink(const glossary *g, const glossary_match *m,
    const char *text)
{
	const glossary_entry *e = glossary_at(g, m->entry);

	if (e == NULL || e->link == GLOSSARY_LINK_NONE)
		return 0;
	if (e->link == GLOSSARY_LINK_ABBR)
		return e->abbr && strlen(e->abbr) == m->end - m->start &&
		    memcmp(e->abbr, text + m->start, m->end - m->start) == 0;
	return 1;
}
