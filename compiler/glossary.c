/*
 * glossary.c — the project's glossary and the matcher that finds its terms
 * in running text.  glossary_load reads glossary.yaml (a list of entries:
 * term, abbr, aliases, definition, source, see) through yamlval and reports
 * yaml-syntax, meta-invalid and term-duplicate; the link pass (links.c)
 * then calls glossary_find on the text of every document.  The matcher is
 * one Aho–Corasick automaton over every term, alias and abbreviation, built
 * once when the glossary is loaded: it runs over case-folded text with
 * whitespace runs collapsed to one space, so its cost is linear in the text
 * plus the matches, whatever the number of terms.  Abbreviations are folded
 * too when put in the automaton and checked byte for byte against the
 * original text afterwards, which keeps one automaton for both case rules.
 * Whole-word checks decode UTF-8 around a candidate: letters and digits of
 * any script join words, punctuation (straight and curly apostrophes
 * included) and spaces end them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "glossary.h"
#include "util.h"

/* One string the automaton looks for. */
typedef struct {
	size_t entry;        /* glossary entry index */
	char *text;          /* normalised (folded unless cs) pattern */
	size_t len;          /* bytes of the normalised pattern */
	int cs;              /* abbreviation: exact case */
	int word_start, word_end; /* first/last char is a word character */
} pattern;

typedef struct {
	unsigned char byte;
	uint32_t to;
} edge_t;

typedef struct {
	edge_t *edges; uint32_t nedges, cap;
	uint32_t fail;
	uint32_t dict;       /* nearest suffix state with output, or 0 */
	long out;            /* first pattern ending here, -1 when none */
} state;

struct glossary {
	glossary_entry *entries; size_t n, cap;
	pattern *pats; size_t npats, pcap;
	long *pat_next;      /* next pattern ending at the same state */
	state *st; size_t nst, stcap;
	uint32_t root_next[256];
	/* the automaton as a DFA over byte classes: bytes that occur in no
	 * pattern share class 0, so a table row is small */
	unsigned char cls[256]; size_t ncls;
	uint32_t *delta;     /* nst * ncls */
	uint32_t *report;    /* per state: first state of its output chain, or 0 */
	unsigned char acls[128]; /* class of a folded ASCII byte */
	size_t maxlen;       /* longest pattern, in bytes */
	/* slug index: open addressing, values are entry+1 */
	size_t *slug_tab; size_t slug_cap;
};

/* ---- UTF-8 and case folding ------------------------------------------ */

/* Decodes one code point at s[i] (i < n); *w gets its length.  Invalid
 * bytes decode as U+FFFD of length 1. */
static uint32_t
utf8_decode(const unsigned char *s, size_t n, size_t i, size_t *w)
{
	unsigned c = s[i];
	if (c < 0x80) { *w = 1; return c; }
	size_t need; uint32_t cp;
	if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
	else { *w = 1; return 0xFFFD; }
	for (size_t k = 1; k <= need; k++) {
		if (i + k >= n || (s[i + k] & 0xC0) != 0x80) { *w = 1; return 0xFFFD; }
		cp = (cp << 6) | (s[i + k] & 0x3F);
	}
	*w = need + 1;
	return cp;
}

/* Start of the code point that ends just before s[i] (i > 0). */
static size_t
utf8_prev(const unsigned char *s, size_t i)
{
	size_t j = i - 1;
	size_t lim = i >= 4 ? i - 4 : 0;
	while (j > lim && (s[j] & 0xC0) == 0x80)
		j--;
	return j;
}

/* Letters and digits of any script.  Without locale tables this is a
 * blacklist: ASCII is classified exactly; above it, the punctuation,
 * space, symbol and emoji blocks are non-word, everything else is taken
 * for a letter (scripts are mostly letters). */
static int
is_word_cp(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '_';
	if (c < 0xC0)    /* Latin-1 punctuation; keep ª µ º ¹ ² ³ ¼-¾ */
		return c == 0xAA || c == 0xB5 || c == 0xBA || c == 0xB2 ||
		    c == 0xB3 || c == 0xB9 || (c >= 0xBC && c <= 0xBE);
	if (c == 0xD7 || c == 0xF7)
		return 0;
	if (c >= 0x2000 && c <= 0x2BFF)   /* punctuation, symbols, arrows */
		return 0;
	if (c >= 0x2E00 && c <= 0x2E7F)   /* supplemental punctuation */
		return 0;
	if (c >= 0x3000 && c <= 0x303F)   /* CJK punctuation */
		return 0;
	if (c >= 0xFE10 && c <= 0xFE6F)   /* vertical/small forms */
		return 0;
	if ((c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
	    (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65))
		return 0;
	if (c == 0xFEFF || c == 0xFFFD)
		return 0;
	if (c >= 0x1F000 && c <= 0x1FAFF) /* emoji, pictographs */
		return 0;
	return 1;
}

/* Simple lower-casing that never changes the UTF-8 length: ASCII,
 * Latin-1, Latin Extended-A, basic Greek and Cyrillic. */
static uint32_t
fold_cp(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if (c >= 0x100 && c <= 0x17F) {
		if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
			return (c & 1) ? c : c + 1;
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
			return (c & 1) ? c + 1 : c;
		return c;
	}
	if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
		return c + 32;
	if (c >= 0x410 && c <= 0x42F)
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	return c;
}

static size_t
utf8_encode(uint32_t c, unsigned char *o)
{
	if (c < 0x80) { o[0] = (unsigned char)c; return 1; }
	if (c < 0x800) {
		o[0] = (unsigned char)(0xC0 | (c >> 6));
		o[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (c >> 12));
		o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (c >> 18));
	o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (c & 0x3F));
	return 4;
}

static int
is_space_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Normalises a name for the automaton: trims, collapses whitespace runs
 * (and no-break spaces) to one space, and folds case unless cs.  The
 * result has the same or fewer bytes.  Caller frees. */
static char *
normalise(const char *s, int cs, size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0;
	unsigned char *out = xmalloc(n + 1);
	int pending_space = 0;
	while (i < n) {
		size_t w;
		uint32_t c = utf8_decode(u, n, i, &w);
		if ((c < 0x80 && is_space_byte((unsigned char)c)) || c == 0xA0) {
			pending_space = o > 0;
			i += w;
			continue;
		}
		if (pending_space) {
			out[o++] = ' ';
			pending_space = 0;
		}
		uint32_t f = cs ? c : fold_cp(c);
		unsigned char tmp[4];
		size_t fw = utf8_encode(f, tmp);
		if (c == 0xFFFD || fw != w) {
			memcpy(out + o, u + i, w);
			o += w;
		} else {
			memcpy(out + o, tmp, fw);
			o += fw;
		}
		i += w;
	}
	out[o] = '\0';
	*outlen = o;
	return (char *)out;
}

/* ---- the automaton ---------------------------------------------------- */

static uint32_t
new_state(glossary *g)
{
	if (g->nst == g->stcap) {
		g->stcap = g->stcap ? g->stcap * 2 : 64;
		g->st = xrealloc(g->st, g->stcap * sizeof *g->st);
	}
	state *s = &g->st[g->nst];
	memset(s, 0, sizeof *s);
	s->out = -1;
	return (uint32_t)g->nst++;
}

static long
find_edge(const state *s, unsigned char b)
{
	/* edges are sorted once the automaton is built; before that they
	 * are searched linearly (only during insertion). */
	uint32_t lo = 0, hi = s->nedges;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (s->edges[mid].byte == b)
			return s->edges[mid].to;
		if (s->edges[mid].byte < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static uint32_t
add_edge(glossary *g, uint32_t from, unsigned char b)
{
	uint32_t to = new_state(g);
	state *s = &g->st[from];
	if (s->nedges == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 2;
		s->edges = xrealloc(s->edges, s->cap * sizeof *s->edges);
	}
	/* keep sorted: insertion */
	uint32_t k = s->nedges;
	while (k > 0 && s->edges[k - 1].byte > b) {
		s->edges[k] = s->edges[k - 1];
		k--;
	}
	s->edges[k].byte = b;
	s->edges[k].to = to;
	s->nedges++;
	return to;
}

static void
add_pattern(glossary *g, size_t entry, const char *name, int cs)
{
	size_t len;
	char *norm = normalise(name, cs, &len);
	if (len == 0) {
		free(norm);
		return;
	}
	if (g->npats == g->pcap) {
		g->pcap = g->pcap ? g->pcap * 2 : 32;
		g->pats = xrealloc(g->pats, g->pcap * sizeof *g->pats);
	}
	pattern *p = &g->pats[g->npats++];
	p->entry = entry;
	p->text = norm;
	p->len = len;
	p->cs = cs;
	const unsigned char *u = (const unsigned char *)norm;
	size_t w;
	p->word_start = is_word_cp(utf8_decode(u, len, 0, &w));
	p->word_end = is_word_cp(utf8_decode(u, len, utf8_prev(u, len), &w));
}

/* Builds the trie, failure and dictionary links from g->pats. */
static void
build_automaton(glossary *g)
{
	new_state(g);   /* root = 0 */
	g->pat_next = xmalloc((g->npats ? g->npats : 1) * sizeof *g->pat_next);
	for (size_t i = 0; i < g->npats; i++) {
		pattern *p = &g->pats[i];
		/* the automaton sees folded text: fold abbreviations too */
		size_t flen;
		char *key = p->cs ? normalise(p->text, 0, &flen) : p->text;
		uint32_t s = 0;
		for (size_t k = 0; key[k]; k++) {
			unsigned char b = (unsigned char)key[k];
			long t = find_edge(&g->st[s], b);
			s = t >= 0 ? (uint32_t)t : add_edge(g, s, b);
		}
		g->pat_next[i] = g->st[s].out;
		g->st[s].out = (long)i;
		if (key != p->text)
			free(key);
	}
	/* breadth-first: failure links */
	uint32_t *queue = xmalloc(g->nst * sizeof *queue);
	size_t qh = 0, qt = 0;
	for (int b = 0; b < 256; b++)
		g->root_next[b] = 0;
	for (uint32_t k = 0; k < g->st[0].nedges; k++) {
		uint32_t t = g->st[0].edges[k].to;
		g->root_next[g->st[0].edges[k].byte] = t;
		g->st[t].fail = 0;
		g->st[t].dict = 0;
		queue[qt++] = t;
	}
	while (qh < qt) {
		uint32_t s = queue[qh++];
		for (uint32_t k = 0; k < g->st[s].nedges; k++) {
			unsigned char b = g->st[s].edges[k].byte;
			uint32_t t = g->st[s].edges[k].to;
			uint32_t f = g->st[s].fail;
			long nx;
			for (;;) {
				nx = f == 0 ? (long)g->root_next[b] :
				    find_edge(&g->st[f], b);
				if (nx > 0)
					break;
				if (f == 0) {
					nx = 0;
					break;
				}
				f = g->st[f].fail;
			}
			g->st[t].fail = (uint32_t)nx;
			g->st[t].dict = g->st[nx].out >= 0 ? (uint32_t)nx :
			    g->st[nx].dict;
			queue[qt++] = t;
		}
	}
	/* byte classes and the full transition table, in BFS order so a
	 * state's failure row is ready before its own */
	memset(g->cls, 0, sizeof g->cls);
	g->ncls = 1;
	for (size_t s = 0; s < g->nst; s++)
		for (uint32_t k = 0; k < g->st[s].nedges; k++) {
			unsigned char b = g->st[s].edges[k].byte;
			if (!g->cls[b])
				g->cls[b] = (unsigned char)g->ncls++;
		}
	g->delta = xcalloc(g->nst * g->ncls, sizeof *g->delta);
	for (uint32_t k = 0; k < g->st[0].nedges; k++)
		g->delta[g->cls[g->st[0].edges[k].byte]] = g->st[0].edges[k].to;
	for (size_t q = 0; q < qt; q++) {
		uint32_t s = queue[q];
		uint32_t *row = g->delta + (size_t)s * g->ncls;
		memcpy(row, g->delta + (size_t)g->st[s].fail * g->ncls,
		    g->ncls * sizeof *row);
		for (uint32_t k = 0; k < g->st[s].nedges; k++)
			row[g->cls[g->st[s].edges[k].byte]] = g->st[s].edges[k].to;
	}
	g->report = xcalloc(g->nst, sizeof *g->report);
	for (size_t q = 1; q < g->nst; q++)
		g->report[q] = g->st[q].out >= 0 ? (uint32_t)q : g->st[q].dict;
	for (int b = 0; b < 128; b++)
		g->acls[b] = g->cls[(b >= 'A' && b <= 'Z') ? b + 32 : b];
	g->maxlen = 0;
	for (size_t i = 0; i < g->npats; i++)
		if (g->pats[i].len > g->maxlen)
			g->maxlen = g->pats[i].len;
	free(queue);
}

/* ---- slug index ------------------------------------------------------- */

static size_t
str_hash(const char *s)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
build_slug_index(glossary *g)
{
	g->slug_cap = 16;
	while (g->slug_cap < g->n * 2 + 1)
		g->slug_cap *= 2;
	g->slug_tab = xcalloc(g->slug_cap, sizeof *g->slug_tab);
	for (size_t i = 0; i < g->n; i++) {
		size_t h = str_hash(g->entries[i].slug) & (g->slug_cap - 1);
		while (g->slug_tab[h]) {
			if (!strcmp(g->entries[g->slug_tab[h] - 1].slug,
			    g->entries[i].slug))
				break;
			h = (h + 1) & (g->slug_cap - 1);
		}
		if (!g->slug_tab[h])
			g->slug_tab[h] = i + 1;
	}
}

static long
slug_find(const glossary *g, const char *slug)
{
	if (!g->slug_cap)
		return -1;
	size_t h = str_hash(slug) & (g->slug_cap - 1);
	while (g->slug_tab[h]) {
		if (!strcmp(g->entries[g->slug_tab[h] - 1].slug, slug))
			return (long)g->slug_tab[h] - 1;
		h = (h + 1) & (g->slug_cap - 1);
	}
	return -1;
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
		d[n++] = (name_def){ normalise(e->term, 0, &l), 0, i,
		    name_lines[i][0], "term", e->term };
		if (e->abbr)
			d[n++] = (name_def){ normalise(e->abbr, 0, &l), 1, i,
			    name_lines[i][1], "abbreviation", e->abbr };
		for (size_t k = 0; k < e->naliases; k++)
			d[n++] = (name_def){ normalise(e->aliases[k], 0, &l),
			    0, i, name_lines[i][2 + k], "alias", e->aliases[k] };
	}
	qsort(d, n, sizeof *d, name_cmp);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i; j-- > 0 && !strcmp(d[j].key, d[i].key);) {
			if (!name_clash(&d[j], &d[i]))
				continue;
			diag_report(ds, "term-duplicate", file, d[i].line, 0,
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
	for (size_t i = 0; i < g->n; i++) {
		glossary_entry *e = &g->entries[i];
		add_pattern(g, i, e->term, 0);
		for (size_t k = 0; k < e->naliases; k++)
			add_pattern(g, i, e->aliases[k], 0);
		if (e->abbr)
			add_pattern(g, i, e->abbr, 1);
	}
	build_automaton(g);
	build_slug_index(g);
}

glossary *
glossary_from_yval(const yval *list, const char *file, diag_set *ds)
{
	glossary *g = xcalloc(1, sizeof *g);
	if (!list || list->kind == YV_NULL) {
		finish(g);
		return g;
	}
	/* accept a top-level list, or a map with a "terms:" list */
	if (list->kind == YV_MAP && yval_get(list, "terms"))
		list = yval_get(list, "terms");
	if (list->kind != YV_LIST) {
		diag_report(ds, "meta-invalid", file, list->line, list->col,
		    "the glossary must be a list of entries (- term: ...)");
		finish(g);
		return g;
	}
	int **lines = xcalloc(list->n ? list->n : 1, sizeof *lines);
	for (size_t i = 0; i < list->n; i++) {
		const yval *m = list->items[i];
		if (!m || m->kind != YV_MAP) {
			diag_report(ds, "meta-invalid", file, m ? m->line : 0,
			    m ? m->col : 0, "a glossary entry must be a map "
			    "with a term");
			continue;
		}
		const char *term = yval_str(yval_get(m, "term"));
		if (!term || !*term) {
			diag_report(ds, "meta-invalid", file, m->line, m->col,
			    "glossary entry without a term");
			continue;
		}
		if (g->n == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 16;
			g->entries = xrealloc(g->entries,
			    g->cap * sizeof *g->entries);
		}
		glossary_entry *e = &g->entries[g->n];
		memset(e, 0, sizeof *e);
		e->term = xstrdup(term);
		e->slug = slugify(term);
		e->abbr = dup_scalar(yval_get(m, "abbr"));
		if (e->abbr && !*e->abbr) {
			free(e->abbr);
			e->abbr = NULL;
		}
		e->aliases = str_list(yval_get(m, "aliases"), &e->naliases);
		e->definition = dup_scalar(yval_get(m, "definition"));
		e->source = dup_scalar(yval_get(m, "source"));
		e->see = str_list(yval_get(m, "see"), &e->nsee);
		e->line = key_line(m, "term");
		/* lines of each name for term-duplicate */
		int *nl = xmalloc((2 + e->naliases) * sizeof *nl);
		nl[0] = e->line;
		nl[1] = key_line(m, "abbr");
		const yval *al = yval_get(m, "aliases");
		for (size_t k = 0; k < e->naliases; k++)
			nl[2 + k] = (al && al->kind == YV_LIST && k < al->n) ?
			    al->items[k]->line : key_line(m, "aliases");
		lines[g->n] = nl;
		static const char *known[] = { "term", "abbr", "aliases",
		    "definition", "source", "see", NULL };
		for (size_t k = 0; k < m->n; k++) {
			int ok = 0;
			for (int q = 0; known[q]; q++)
				ok |= !strcmp(m->keys[k], known[q]);
			if (!ok)
				diag_report(ds, "meta-invalid", file,
				    m->key_lines ? m->key_lines[k] : m->line,
				    m->key_cols ? m->key_cols[k] : 0,
				    "unknown glossary key \"%s\" (known: term, "
				    "abbr, aliases, definition, source, see)",
				    m->keys[k]);
		}
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

glossary *
glossary_load(const char *abspath, const char *file, int required,
    diag_set *ds)
{
	size_t len;
	char *text = abspath ? read_file(abspath, &len) : NULL;
	if (!text) {
		if (required)
			diag_report(ds, "yaml-syntax", file, 0, 0,
			    "cannot read the glossary");
		return glossary_from_yval(NULL, file, ds);
	}
	yval_error err;
	memset(&err, 0, sizeof err);
	yval *v = yval_parse(text, len, 0, &err);
	free(text);
	if (!v) {
		diag_report(ds, "yaml-syntax", file, err.line, err.col, "%s",
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
	}
	free(g->entries);
	for (size_t i = 0; i < g->npats; i++)
		free(g->pats[i].text);
	free(g->pats);
	free(g->pat_next);
	for (size_t i = 0; i < g->nst; i++)
		free(g->st[i].edges);
	free(g->st);
	free(g->slug_tab);
	free(g->delta);
	free(g->report);
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
	size_t len;
	char *key = normalise(name, 0, &len);
	uint32_t s = 0;
	for (size_t k = 0; k < len && s != UINT32_MAX; k++) {
		long t = find_edge(&g->st[s], (unsigned char)key[k]);
		s = t < 0 ? UINT32_MAX : (uint32_t)t;
	}
	/* the earliest entry wins, as it does in the matcher */
	long found = -1;
	if (len && s != UINT32_MAX) {
		size_t raw_len;
		char *raw = normalise(name, 1, &raw_len);
		for (long p = g->st[s].out; p >= 0; p = g->pat_next[p]) {
			const pattern *pt = &g->pats[p];
			if (pt->cs && strcmp(pt->text, raw) != 0)
				continue;
			if (found < 0 || (long)pt->entry < found)
				found = (long)pt->entry;
		}
		free(raw);
	}
	free(key);
	if (found < 0)
		found = slug_find(g, name);
	if (found < 0) {
		/* slug of the name ("section-47-enquiry" or "Section 47
		 * enquiry" either way) */
		char *sl = slugify(name);
		found = slug_find(g, sl);
		free(sl);
	}
	if (found < 0) {
		/* an abbreviation named in another case ("glossary:lado"):
		 * explicit links and see: are case-insensitive (DESIGN.md);
		 * only running text keeps abbreviations case-sensitive */
		for (size_t i = 0; i < g->n; i++)
			if (g->entries[i].abbr && str_ieq(g->entries[i].abbr, name)) {
				found = (long)i;
				break;
			}
	}
	return found;
}

/* ---- matching --------------------------------------------------------- */

typedef struct {
	glossary_match *v; size_t n, cap;
} mvec;

static void
mpush(mvec *m, size_t start, size_t end, size_t entry)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->v[m->n].start = start;
	m->v[m->n].end = end;
	m->v[m->n].entry = entry;
	m->n++;
}

/* Exact comparison of an abbreviation against the original text from
 * byte `start`, whitespace runs matching one space. */
static int
cs_equal(const pattern *p, const unsigned char *t, size_t start, size_t end)
{
	size_t i = start, k = 0;
	while (i < end && k < p->len) {
		if (is_space_byte(t[i])) {
			if (p->text[k] != ' ')
				return 0;
			while (i < end && is_space_byte(t[i]))
				i++;
			k++;
			continue;
		}
		if ((unsigned char)p->text[k] != t[i])
			return 0;
		i++; k++;
	}
	return i == end && k == p->len;
}

static int
word_before(const unsigned char *t, size_t len, size_t i)
{
	if (i == 0)
		return 0;
	size_t j = utf8_prev(t, i), w;
	return is_word_cp(utf8_decode(t, len, j, &w));
}

static int
word_after(const unsigned char *t, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	size_t w;
	return is_word_cp(utf8_decode(t, len, i, &w));
}

static int
match_cmp(const void *x, const void *y)
{
	const glossary_match *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

size_t
glossary_find(const glossary *g, const char *text, size_t len,
    glossary_match **out)
{
	*out = NULL;
	if (!g || g->npats == 0 || len == 0)
		return 0;
	const unsigned char *t = (const unsigned char *)text;
	/* unit_start[u & mask]: byte offset where the u-th automaton input
	 * unit starts (a whitespace run is one unit; SIZE_MAX inside a
	 * multi-byte character).  Only the last maxlen units are needed. */
	size_t ring = 16;
	while (ring < g->maxlen + 1)
		ring *= 2;
	size_t mask = ring - 1;
	size_t *unit_start = xmalloc(ring * sizeof *unit_start);
	size_t nunits = 0;
	mvec m = { 0 };
	uint32_t s = 0;
	size_t i = 0;
	const uint32_t *delta = g->delta;
	const unsigned char *cls = g->cls;
	const size_t ncls = g->ncls;
	while (i < len) {
		unsigned char bytes[4];
		size_t nb, at = i;
		unsigned char c0 = t[i];
		if (c0 < 0x80 && !is_space_byte(c0)) {
			/* ASCII fast path: most text never reaches an output */
			unit_start[nunits & mask] = i;
			nunits++;
			i++;
			s = delta[(size_t)s * ncls + g->acls[c0]];
			if (!g->report[s])
				continue;
			goto report;
		} else if (is_space_byte(c0) || (c0 == 0xC2 && i + 1 < len &&
		    t[i + 1] == 0xA0)) {
			while (i < len && (is_space_byte(t[i]) ||
			    (t[i] == 0xC2 && i + 1 < len && t[i + 1] == 0xA0)))
				i += t[i] == 0xC2 ? 2 : 1;
			bytes[0] = ' ';
			nb = 1;
		} else {
			size_t w;
			uint32_t c = utf8_decode(t, len, i, &w);
			uint32_t f = fold_cp(c);
			nb = utf8_encode(f, bytes);
			if (c == 0xFFFD || nb != w) {
				memcpy(bytes, t + i, w);
				nb = w;
			}
			i += w;
		}
		for (size_t k = 0; k < nb; k++) {
			unit_start[nunits & mask] = k == 0 ? at : SIZE_MAX;
			nunits++;
			s = delta[(size_t)s * ncls + cls[bytes[k]]];
		}
		/* report only at the end of a character or unit */
report:
		for (uint32_t q = g->report[s]; q != 0; q = g->st[q].dict) {
			for (long p = g->st[q].out; p >= 0; p = g->pat_next[p]) {
				const pattern *pt = &g->pats[p];
				if (pt->len > nunits || unit_start[(nunits -
				    pt->len) & mask] == SIZE_MAX)
					continue;
				size_t st0 = unit_start[(nunits - pt->len) & mask];
				if (pt->word_start && word_before(t, len, st0))
					continue;
				if (pt->word_end && word_after(t, len, i))
					continue;
				if (pt->cs && !cs_equal(pt, t, st0, i))
					continue;
				mpush(&m, st0, i, pt->entry);
			}
		}
	}
	free(unit_start);
	if (m.n == 0) {
		free(m.v);
		return 0;
	}
	/* leftmost-longest, non-overlapping */
	qsort(m.v, m.n, sizeof *m.v, match_cmp);
	size_t kept = 0, end = 0;
	for (size_t k = 0; k < m.n; k++) {
		if (kept && m.v[k].start < end)
			continue;
		m.v[kept++] = m.v[k];
		end = m.v[k].end;
	}
	*out = m.v;
	return kept;
}
