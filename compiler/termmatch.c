/*
 * termmatch.c — the glossary matcher: one Aho–Corasick automaton over every
 * term, alias and abbreviation of the glossary, built once when glossary.c
 * loads glossary.yaml, and run by the term auto-linker (autolink.c) over
 * the text of every document.  It runs over case-folded text with
 * whitespace runs collapsed to one space, so its cost is linear in the text
 * plus the matches, whatever the number of terms.  Abbreviations are folded
 * too when put in the automaton and checked byte for byte against the
 * original text afterwards, which keeps one automaton for both case rules.
 * Whole-word checks decode UTF-8 around a candidate: letters and digits of
 * any script join words, punctuation (straight and curly apostrophes
 * included) and spaces end them.  The same trie answers exact name lookups
 * (glossary_lookup).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "termmatch.h"
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

struct termmatch {
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
	int built;
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
/* termmatch_normalise into out, which holds at least strlen(s) + 1 bytes
 * (the result is never longer). */
static size_t
normalise_into(const char *s, size_t n, int cs, unsigned char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;
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
	return o;
}

char *
termmatch_normalise(const char *s, int cs, size_t *outlen)
{
	size_t n = strlen(s);
	unsigned char *out = xmalloc(n + 1);
	*outlen = normalise_into(s, n, cs, out);
	return (char *)out;
}

/* ---- the automaton ---------------------------------------------------- */

static uint32_t
new_state(termmatch *tm)
{
	if (tm->nst == tm->stcap) {
		tm->stcap = tm->stcap ? tm->stcap * 2 : 64;
		tm->st = xrealloc(tm->st, tm->stcap * sizeof *tm->st);
	}
	state *s = &tm->st[tm->nst];
	memset(s, 0, sizeof *s);
	s->out = -1;
	return (uint32_t)tm->nst++;
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
add_edge(termmatch *tm, uint32_t from, unsigned char b)
{
	uint32_t to = new_state(tm);
	state *s = &tm->st[from];
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

void
termmatch_add(termmatch *tm, size_t entry, const char *name, int cs)
{
	size_t len;
	char *norm = termmatch_normalise(name, cs, &len);
	if (len == 0) {
		free(norm);
		return;
	}
	if (tm->npats == tm->pcap) {
		tm->pcap = tm->pcap ? tm->pcap * 2 : 32;
		tm->pats = xrealloc(tm->pats, tm->pcap * sizeof *tm->pats);
	}
	pattern *p = &tm->pats[tm->npats++];
	p->entry = entry;
	p->text = norm;
	p->len = len;
	p->cs = cs;
	const unsigned char *u = (const unsigned char *)norm;
	size_t w;
	p->word_start = is_word_cp(utf8_decode(u, len, 0, &w));
	p->word_end = is_word_cp(utf8_decode(u, len, utf8_prev(u, len), &w));
}

/* Builds the trie, failure and dictionary links from tm->pats. */
void
termmatch_build(termmatch *tm)
{
	if (tm->built)
		return;
	tm->built = 1;
	new_state(tm);   /* root = 0 */
	tm->pat_next = xmalloc((tm->npats ? tm->npats : 1) * sizeof *tm->pat_next);
	for (size_t i = 0; i < tm->npats; i++) {
		pattern *p = &tm->pats[i];
		/* the automaton sees folded text: fold abbreviations too */
		size_t flen;
		char *key = p->cs ? termmatch_normalise(p->text, 0, &flen) :
		    p->text;
		uint32_t s = 0;
		for (size_t k = 0; key[k]; k++) {
			unsigned char b = (unsigned char)key[k];
			long t = find_edge(&tm->st[s], b);
			s = t >= 0 ? (uint32_t)t : add_edge(tm, s, b);
		}
		tm->pat_next[i] = tm->st[s].out;
		tm->st[s].out = (long)i;
		if (key != p->text)
			free(key);
	}
	/* breadth-first: failure links */
	uint32_t *queue = xmalloc(tm->nst * sizeof *queue);
	size_t qh = 0, qt = 0;
	for (int b = 0; b < 256; b++)
		tm->root_next[b] = 0;
	for (uint32_t k = 0; k < tm->st[0].nedges; k++) {
		uint32_t t = tm->st[0].edges[k].to;
		tm->root_next[tm->st[0].edges[k].byte] = t;
		tm->st[t].fail = 0;
		tm->st[t].dict = 0;
		queue[qt++] = t;
	}
	while (qh < qt) {
		uint32_t s = queue[qh++];
		for (uint32_t k = 0; k < tm->st[s].nedges; k++) {
			unsigned char b = tm->st[s].edges[k].byte;
			uint32_t t = tm->st[s].edges[k].to;
			uint32_t f = tm->st[s].fail;
			long nx;
			for (;;) {
				nx = f == 0 ? (long)tm->root_next[b] :
				    find_edge(&tm->st[f], b);
				if (nx > 0)
					break;
				if (f == 0) {
					nx = 0;
					break;
				}
				f = tm->st[f].fail;
			}
			tm->st[t].fail = (uint32_t)nx;
			tm->st[t].dict = tm->st[nx].out >= 0 ? (uint32_t)nx :
			    tm->st[nx].dict;
			queue[qt++] = t;
		}
	}
	/* byte classes and the full transition table, in BFS order so a
	 * state's failure row is ready before its own */
	memset(tm->cls, 0, sizeof tm->cls);
	tm->ncls = 1;
	for (size_t s = 0; s < tm->nst; s++)
		for (uint32_t k = 0; k < tm->st[s].nedges; k++) {
			unsigned char b = tm->st[s].edges[k].byte;
			if (!tm->cls[b])
				tm->cls[b] = (unsigned char)tm->ncls++;
		}
	tm->delta = xcalloc(tm->nst * tm->ncls, sizeof *tm->delta);
	for (uint32_t k = 0; k < tm->st[0].nedges; k++)
		tm->delta[tm->cls[tm->st[0].edges[k].byte]] = tm->st[0].edges[k].to;
	for (size_t q = 0; q < qt; q++) {
		uint32_t s = queue[q];
		uint32_t *row = tm->delta + (size_t)s * tm->ncls;
		memcpy(row, tm->delta + (size_t)tm->st[s].fail * tm->ncls,
		    tm->ncls * sizeof *row);
		for (uint32_t k = 0; k < tm->st[s].nedges; k++)
			row[tm->cls[tm->st[s].edges[k].byte]] = tm->st[s].edges[k].to;
	}
	tm->report = xcalloc(tm->nst, sizeof *tm->report);
	for (size_t q = 1; q < tm->nst; q++)
		tm->report[q] = tm->st[q].out >= 0 ? (uint32_t)q : tm->st[q].dict;
	for (int b = 0; b < 128; b++)
		tm->acls[b] = tm->cls[(b >= 'A' && b <= 'Z') ? b + 32 : b];
	tm->maxlen = 0;
	for (size_t i = 0; i < tm->npats; i++)
		if (tm->pats[i].len > tm->maxlen)
			tm->maxlen = tm->pats[i].len;
	free(queue);
}

termmatch *
termmatch_new(void)
{
	return xcalloc(1, sizeof(termmatch));
}

void
termmatch_free(termmatch *tm)
{
	if (!tm)
		return;
	for (size_t i = 0; i < tm->npats; i++)
		free(tm->pats[i].text);
	free(tm->pats);
	free(tm->pat_next);
	for (size_t i = 0; i < tm->nst; i++)
		free(tm->st[i].edges);
	free(tm->st);
	free(tm->delta);
	free(tm->report);
	free(tm);
}

long
termmatch_lookup(const termmatch *tm, const char *name)
{
	if (!tm || !tm->built || !name)
		return -1;
	/* a name is looked up once for every placeholder link and glossary:
	 * link of every document: short ones are normalised on the stack */
	unsigned char kbuf[128], rbuf[128];
	size_t n = strlen(name);
	unsigned char *key = n < sizeof kbuf ? kbuf : xmalloc(n + 1);
	size_t len = normalise_into(name, n, 0, key);
	uint32_t s = 0;
	for (size_t k = 0; k < len && s != UINT32_MAX; k++) {
		long t = find_edge(&tm->st[s], key[k]);
		s = t < 0 ? UINT32_MAX : (uint32_t)t;
	}
	/* the earliest entry wins, as it does in the matcher */
	long found = -1;
	if (len && s != UINT32_MAX) {
		unsigned char *raw = n < sizeof rbuf ? rbuf : xmalloc(n + 1);
		normalise_into(name, n, 1, raw);
		for (long p = tm->st[s].out; p >= 0; p = tm->pat_next[p]) {
			const pattern *pt = &tm->pats[p];
			if (pt->cs && strcmp(pt->text, (char *)raw) != 0)
				continue;
			if (found < 0 || (long)pt->entry < found)
				found = (long)pt->entry;
		}
		if (raw != rbuf)
			free(raw);
	}
	if (key != kbuf)
		free(key);
	return found;
}

/* ---- matching --------------------------------------------------------- */

typedef struct {
	termmatch_hit *v; size_t n, cap;
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
	const termmatch_hit *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

size_t
termmatch_find(const termmatch *tm, const char *text, size_t len,
    termmatch_hit **out)
{
	*out = NULL;
	if (!tm || !tm->built || tm->npats == 0 || len == 0)
		return 0;
	const unsigned char *t = (const unsigned char *)text;
	/* unit_start[u & mask]: byte offset where the u-th automaton input
	 * unit starts (a whitespace run is one unit; SIZE_MAX inside a
	 * multi-byte character).  Only the last maxlen units are needed. */
	size_t ring = 16;
	while (ring < tm->maxlen + 1)
		ring *= 2;
	size_t mask = ring - 1;
	/* on the stack for the usual pattern lengths: this runs once for
	 * every text node of every document (terms, then sources) */
	size_t on_stack[256];
	size_t *unit_start = ring <= 256 ? on_stack :
	    xmalloc(ring * sizeof *unit_start);
	size_t nunits = 0;
	mvec m = { 0 };
	uint32_t s = 0;
	size_t i = 0;
	const uint32_t *delta = tm->delta;
	const unsigned char *cls = tm->cls;
	const size_t ncls = tm->ncls;
	while (i < len) {
		unsigned char bytes[4];
		size_t nb, at = i;
		unsigned char c0 = t[i];
		if (c0 < 0x80 && !is_space_byte(c0)) {
			/* ASCII fast path: most text never reaches an output */
			unit_start[nunits & mask] = i;
			nunits++;
			i++;
			s = delta[(size_t)s * ncls + tm->acls[c0]];
			if (!tm->report[s])
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
		for (uint32_t q = tm->report[s]; q != 0; q = tm->st[q].dict) {
			for (long p = tm->st[q].out; p >= 0; p = tm->pat_next[p]) {
				const pattern *pt = &tm->pats[p];
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
	if (unit_start != on_stack)
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
