/*
 * cfilterterms.c — the C mirror (cfilters.h) of the shipped filter
 * outdated-terms.lua (rule outdated-term): old names of bodies and roles
 * found as whole words in a document's text nodes.  prepare() builds the
 * Lua's build(ctx) — the shipped table with the project's terms merged in
 * the Lua's order, one pattern per wording sorted longest first — and
 * document() does its scan() over doc:texts() (luamodel_texts) and words
 * each finding as the Lua does.  Settings whose Lua meaning the C would
 * not reproduce byte for byte (a table where a word is expected, a date
 * human() would print oddly, two entries whose same wording would be
 * reported in different words depending on table.sort's order) make
 * mirrors() say no, and the Lua runs.  Lua's classes are the C locale's:
 * string.lower lowers A-Z only, %w is ASCII alnum, %l is a-z.
 */
#include <stdlib.h>
#include <string.h>

#include "cfilters.h"
#include "util.h"

static const char *const rules[] = { "outdated-term", NULL };

/* F.table, as in the Lua, entry after entry */
static const struct {
	const char *old[5];
	const char *new_, *since, *source;
} shipped[] = {
	{ { "Clinical Commissioning Group", "CCG" },
	  "Integrated Care Board (ICB)", "2022-07-01",
	  "Health and Care Act 2022" },
	{ { "Primary Care Trust", "PCT" },
	  "Integrated Care Board (ICB)", "2013-04-01",
	  "Health and Social Care Act 2012; CCGs then became ICBs" },
	{ { "Local Safeguarding Children Board",
	    "Local Safeguarding Children's Board",
	    "Local Safeguarding Childrens Board", "LSCB" },
	  "local safeguarding partnership", "2019-09-29",
	  "Children and Social Work Act 2017" },
	{ { "Serious Case Review", "SCR" },
	  "child safeguarding practice review", "2019-09-29",
	  "Children and Social Work Act 2017" },
	{ { "Community Rehabilitation Company" },
	  "the Probation Service", "2021-06-26",
	  "probation unification" },
	{ { "National Offender Management Service", "NOMS" },
	  "HM Prison and Probation Service (HMPPS)", "2017-04-01",
	  "Ministry of Justice" },
	{ { "Criminal Records Bureau", "CRB" },
	  "Disclosure and Barring Service (DBS)", "2012-12-01",
	  "Protection of Freedoms Act 2012" },
	{ { "Independent Safeguarding Authority", "ISA" },
	  "Disclosure and Barring Service (DBS)", "2012-12-01",
	  "Protection of Freedoms Act 2012" },
	{ { "Public Health England", "PHE" },
	  "UK Health Security Agency (UKHSA) or OHID",
	  "2021-10-01", "Department of Health and Social Care" },
};
#define NSHIPPED (sizeof shipped / sizeof shipped[0])

static const char *const months[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };

/* An entry of the Lua's entries list.  tail is what follows the found
 * wording in its message: '" is outdated: now "NEW"' and the since and
 * source parts; NULL when the entry makes no patterns (ignore, no new). */
typedef struct {
	char **old;
	size_t nold;
	char *tail;
} entry;

/* One pattern: the wording as searched (lowered unless an abbreviation,
 * which is matched as written), and its entry's message tail. */
typedef struct {
	char *text;
	size_t len;
	int exact;
	const char *tail;
} pattern;

/* The patterns by first byte, to look only where a wording can start:
 * those matched lowered (0) and those matched as written (1), each
 * bucket in the patterns' order: by[h][first[h][c] .. first[h][c + 1]) */
typedef struct {
	entry **all;          /* every entry made, to free */
	size_t nall;
	pattern *pats;        /* sorted as the Lua sorts them */
	size_t npats;
	size_t first[2][257];
	size_t *by[2];
	unsigned char starts[256];   /* byte c may start some pattern */
} terms_state;

static int lower_byte(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static char *lowered(const char *s)
{
	char *t = xstrdup(s), *p;

	for (p = t; *p; p++)
		*p = (char)lower_byte((unsigned char)*p);
	return t;
}

/* word_char, by byte: %w (ASCII alnum), "_", or a byte of a UTF-8
 * sequence (128 and up) */
static const unsigned char word_chars[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static int is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* human(date) for a "YYYY-MM-DD" with a month 01..12 (what mirrors
 * lets through): "%d %s %s" of the day as a number, the month's name and
 * the year as written.  0 for any other string. */
static int human(const char *s, buf *out)
{
	int m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !is_digits(s, 4) || !is_digits(s + 5, 2) || !is_digits(s + 8, 2))
		return 0;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12)
		return 0;
	buf_printf(out, "%d %s %.4s", d, months[m - 1], s);
	return 1;
}

/* v[key] as the Lua table luamodel pushes has it: the last pair of that
 * key wins, and a null there is nil (NULL). */
static const yval *field(const yval *v, const char *key)
{
	const yval *found = NULL;
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			found = v->items[i];
	return found && found->kind != YV_NULL ? found : NULL;
}

static int truthy(const yval *v)
{
	return v != NULL && v->kind != YV_NULL &&
	    !(v->kind == YV_BOOL && !v->boolean);
}

static void add_old(entry *e, const char *w)
{
	e->old = xrealloc(e->old, (e->nold + 1) * sizeof *e->old);
	e->old[e->nold++] = xstrdup(w);
}

static char *make_tail(const char *new_, const char *since_h,
    const char *source)
{
	buf b;

	buf_init(&b);
	buf_printf(&b, "\" is outdated: now \"%s\"", new_);
	if (since_h)
		buf_printf(&b, " since %s", since_h);
	if (source)
		buf_printf(&b, " (%s)", source);
	return buf_detach(&b);
}

static void entry_free(entry *e)
{
	size_t i;

	for (i = 0; i < e->nold; i++)
		free(e->old[i]);
	free(e->old);
	free(e->tail);
	free(e);
}

static void state_free(void *p)
{
	terms_state *st = p;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->npats; i++)
		free(st->pats[i].text);
	free(st->pats);
	free(st->by[0]);
	free(st->by[1]);
	for (i = 0; i < st->nall; i++)
		entry_free(st->all[i]);
	free(st->all);
	free(st);
}

static entry *new_entry(terms_state *st)
{
	entry *e = xcalloc(1, sizeof *e);

	st->all = xrealloc(st->all, (st->nall + 1) * sizeof *st->all);
	st->all[st->nall++] = e;
	return e;
}

/* A terms entry (a map) as the Lua's item; NULL when the C would not
 * word it as the Lua does. */
static entry *term_item(terms_state *st, const yval *t)
{
	const yval *old = field(t, "old"), *nv = field(t, "new");
	const yval *since = field(t, "since"), *source = field(t, "source");
	buf w, nw, h;
	entry *e = new_entry(st);
	size_t i;
	int ok = 1;

	buf_init(&w);
	buf_init(&nw);
	buf_init(&h);
	/* list(e.old), each tostring'd; ipairs stops at a nil */
	if (old == NULL)
		;
	else if (old->kind == YV_LIST) {
		for (i = 0; i < old->n && ok; i++) {
			if (old->items[i] == NULL || old->items[i]->kind == YV_NULL)
				break;
			if (cf_tostring(old->items[i], &w) != 1 || w.len == 0)
				ok = 0;
			else
				add_old(e, w.data);
		}
	} else if (cf_tostring(old, &w) != 1 || w.len == 0)
		ok = 0;                 /* a map, a fraction, "" */
	else
		add_old(e, w.data);
	/* new = e.new and words(e.new), which is tostring(e.new) but for a
	 * list or map (left to the Lua, as a source that is one is) */
	if (ok && truthy(nv) && cf_tostring(nv, &nw) != 1)
		ok = 0;
	if (ok && since && (since->kind != YV_STR || since->str == NULL ||
	    !human(since->str, &h)))
		ok = 0;
	if (ok && source && source->kind != YV_STR)
		ok = 0;
	if (ok && truthy(nv) && !truthy(field(t, "ignore")))
		e->tail = make_tail(nw.data ? nw.data : "",
		    since ? h.data : NULL,
		    source ? (source->str ? source->str : "") : NULL);
	buf_free(&w);
	buf_free(&nw);
	buf_free(&h);
	return ok ? e : NULL;
}

static int pattern_cmp(const void *pa, const void *pb)
{
	const pattern *a = pa, *b = pb;

	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	return strcmp(a->text, b->text);
}

/* By wording (lowered): which entry of the shipped table has it; only
 * the shipped table's wordings are ever in it. */
typedef struct {
	char *key;
	size_t at;
	int live;
} wording;

/* The buckets of st (see terms_state). */
static void index_patterns(terms_state *st)
{
	size_t i, c, h, *fill;

	for (i = 0; i < st->npats; i++) {
		const pattern *p = &st->pats[i];

		st->first[p->exact][(unsigned char)p->text[0] + 1]++;
	}
	for (h = 0; h < 2; h++) {
		for (c = 1; c <= 256; c++)
			st->first[h][c] += st->first[h][c - 1];
		st->by[h] = xmalloc((st->first[h][256] + 1) * sizeof *st->by[h]);
		fill = xmalloc(256 * sizeof *fill);
		memcpy(fill, st->first[h], 256 * sizeof *fill);
		for (i = 0; i < st->npats; i++)
			if (st->pats[i].exact == (int)h)
				st->by[h][fill[(unsigned char)
				    st->pats[i].text[0]]++] = i;
		free(fill);
	}
	/* a lowered pattern starts at either case of its first byte */
	for (c = 0; c < 256; c++) {
		size_t l = (size_t)lower_byte((int)c);

		st->starts[c] = st->first[0][l + 1] > st->first[0][l] ||
		    st->first[1][c + 1] > st->first[1][c];
	}
}

/* build(ctx): NULL when the settings are ones the C does not mirror. */
static terms_state *build(const corpus *c, const cfilter *f)
{
	const yval *defaults = cf_config(c, f, "defaults");
	const yval *terms = cf_config(c, f, "terms");
	terms_state *st;
	entry **entries = NULL;
	size_t nentries = 0, i, j, k, nw = 0;
	wording *by = NULL;
	buf h;
	int ok = 1;

	/* the Lua drops the table for false only; other values than a
	 * boolean are left to it */
	if (defaults && defaults->kind != YV_BOOL)
		return NULL;
	st = xcalloc(1, sizeof *st);
	buf_init(&h);
	if (defaults == NULL || defaults->boolean) {
		for (i = 0; i < NSHIPPED; i++) {
			entry *e = new_entry(st);

			for (j = 0; j < 5 && shipped[i].old[j]; j++)
				add_old(e, shipped[i].old[j]);
			h.len = 0;
			human(shipped[i].since, &h);
			e->tail = make_tail(shipped[i].new_, h.data,
			    shipped[i].source);
			entries = xrealloc(entries,
			    (nentries + 1) * sizeof *entries);
			entries[nentries++] = e;
		}
	}
	buf_free(&h);
	for (i = 0; i < nentries; i++)
		for (j = 0; j < entries[i]->nold; j++) {
			char *key = lowered(entries[i]->old[j]);

			for (k = 0; k < nw; k++)
				if (strcmp(by[k].key, key) == 0)
					break;
			if (k < nw) {
				free(key);
				by[k].at = i;
				continue;
			}
			by = xrealloc(by, (nw + 1) * sizeof *by);
			by[nw].key = key;
			by[nw].at = i;
			by[nw].live = 1;
			nw++;
		}
	/* for _, e in ipairs(list(ctx.config.terms)): a map (string keys)
	 * or a scalar (not a table) adds nothing */
	for (i = 0; ok && terms && terms->kind == YV_LIST && i < terms->n; i++) {
		const yval *t = terms->items[i];
		entry *item;
		int replaced = 0;

		if (t == NULL || t->kind == YV_NULL)
			break;
		if (t->kind != YV_MAP)
			continue;       /* a scalar; a list has no .old */
		if ((item = term_item(st, t)) == NULL) {
			ok = 0;
			break;
		}
		for (j = 0; j < item->nold; j++) {
			char *key = lowered(item->old[j]);

			for (k = 0; k < nw; k++)
				if (by[k].live && strcmp(by[k].key, key) == 0)
					break;
			if (k < nw && !replaced) {
				entries[by[k].at] = item;
				replaced = 1;
			}
			free(key);
		}
		if (!replaced) {
			entries = xrealloc(entries,
			    (nentries + 1) * sizeof *entries);
			entries[nentries++] = item;
		}
		for (j = 0; j < item->nold; j++) {
			char *key = lowered(item->old[j]);

			for (k = 0; k < nw; k++)
				if (strcmp(by[k].key, key) == 0)
					by[k].live = 0;
			free(key);
		}
	}
	for (k = 0; k < nw; k++)
		free(by[k].key);
	free(by);
	if (!ok) {
		free(entries);
		goto fail;
	}
	for (i = 0; i < nentries; i++) {
		entry *e = entries[i];

		if (e->tail == NULL)
			continue;
		for (j = 0; j < e->nold; j++) {
			const char *w = e->old[j], *p;
			pattern *pt;

			st->pats = xrealloc(st->pats,
			    (st->npats + 1) * sizeof *st->pats);
			pt = &st->pats[st->npats++];
			pt->exact = 1;          /* not w:find("%l") */
			for (p = w; *p; p++)
				if (*p >= 'a' && *p <= 'z')
					pt->exact = 0;
			pt->text = pt->exact ? xstrdup(w) : lowered(w);
			pt->len = strlen(pt->text);
			pt->tail = e->tail;
		}
	}
	free(entries);
	if (st->npats > 1)
		qsort(st->pats, st->npats, sizeof *st->pats, pattern_cmp);
	/* equal wordings sort side by side in an order table.sort does not
	 * promise, and the first takes every match: the same words either
	 * way, or the Lua's word is not known */
	for (i = 1, j = 1; i < st->npats; i++) {
		pattern *a = &st->pats[j - 1], *b = &st->pats[i];

		if (strcmp(a->text, b->text) != 0) {
			st->pats[j++] = *b;
			continue;
		}
		if (strcmp(a->tail, b->tail) != 0)
			ok = 0;
		free(b->text);
	}
	if (st->npats > 1)
		st->npats = j;
	if (!ok)
		goto fail;
	index_patterns(st);
	return st;
fail:
	state_free(st);
	return NULL;
}

static int mirrors(const corpus *c, const cfilter *f)
{
	terms_state *st = build(c, f);

	state_free(st);
	return st != NULL;
}

static void *prepare(const corpus *c, const cfilter *f)
{
	return build(c, f);
}

typedef struct {
	size_t s, e;          /* from 0, e the last byte */
	const pattern *pat;
} match;

static int match_cmp(const void *pa, const void *pb)
{
	const match *a = pa, *b = pb;

	return a->s < b->s ? -1 : a->s > b->s;
}

/* the Lua's order of finding: pattern after pattern, each left to right */
static int found_cmp(const void *pa, const void *pb)
{
	const match *a = pa, *b = pb;

	if (a->pat != b->pat)
		return a->pat < b->pat ? -1 : 1;
	return match_cmp(pa, pb);
}

typedef struct {
	match *v;
	size_t n, cap;
} match_list;

/* p found at s in text (of len bytes): the Lua's plural "s" and its
 * whole-word test after the wording (before it, the caller has looked),
 * then a candidate for the taken test. */
static void candidate(match_list *l, const unsigned char *t, size_t len,
    size_t s, const pattern *p)
{
	size_t e = s + p->len - 1;

	if (e + 1 < len && t[e + 1] == 's' &&
	    !(e + 2 < len && word_chars[t[e + 2]]))
		e++;
	if (e + 1 < len && word_chars[t[e + 1]])
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n].s = s;
	l->v[l->n].e = e;
	l->v[l->n].pat = p;
	l->n++;
}

/* scan(text, pats): the Lua finds each wording with string.find from
 * each place it was last found, and keeps those whole words that take
 * no byte an earlier one took.  A whole word starts where the byte
 * before is no word byte, so only there is each pattern starting with
 * that byte (lowered, or as written for an abbreviation) compared; the
 * whole words found, put in the Lua's order of finding, take their bytes
 * as they did there: those kept are left in l, in text order. */
static void scan(const terms_state *st, const unsigned char *t, size_t len,
    match_list *l)
{
	unsigned char *taken;
	size_t s, q, i, j, kept = 0;
	unsigned char after_word = 0;

	for (s = 0; s < len; s++) {
		unsigned char c = t[s], lc, go;

		/* one branch a byte, taken at the few word starts that
		 * some pattern starts with (two were a mispredicted one
		 * at most words' every letter) */
		go = st->starts[c] & (unsigned char)!after_word;
		after_word = word_chars[c];
		if (!go)
			continue;
		lc = (unsigned char)lower_byte(c);
		for (q = st->first[0][lc]; q < st->first[0][lc + 1]; q++) {
			const pattern *p = &st->pats[st->by[0][q]];

			if (p->len > len - s)
				continue;
			for (j = 1; j < p->len; j++)
				if (lower_byte(t[s + j]) !=
				    (unsigned char)p->text[j])
					break;
			if (j == p->len)
				candidate(l, t, len, s, p);
		}
		for (q = st->first[1][c]; q < st->first[1][c + 1]; q++) {
			const pattern *p = &st->pats[st->by[1][q]];

			if (p->len <= len - s &&
			    memcmp(t + s, p->text, p->len) == 0)
				candidate(l, t, len, s, p);
		}
	}
	if (l->n == 0)
		return;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, found_cmp);
	taken = xcalloc(len, 1);
	for (i = 0; i < l->n; i++) {
		match m = l->v[i];

		for (j = m.s; j <= m.e; j++)
			if (taken[j])
				break;
		if (j <= m.e)
			continue;
		memset(taken + m.s, 1, m.e - m.s + 1);
		l->v[kept++] = m;
	}
	free(taken);
	l->n = kept;
	if (kept > 1)
		qsort(l->v, kept, sizeof *l->v, match_cmp);
}

static void check(cf_ctx *x, const document *d)
{
	const terms_state *st = cf_state(x);
	luamodel_span *spans = NULL;
	match_list found = { NULL, 0, 0 };
	size_t nspans, i, k;
	const char *text;
	buf tb;

	if (d->status && (strcmp(d->status, "withdrawn") == 0 ||
	    strcmp(d->status, "superseded") == 0))
		return;
	if (st == NULL || st->npats == 0)
		return;
	buf_init(&tb);
	nspans = luamodel_texts(cf_reader(x), d, &tb, &spans);
	text = tb.data;
	if (nspans > 0 && tb.len > 0)
		scan(st, (const unsigned char *)text, tb.len, &found);
	for (i = 0, k = 0; i < found.n; i++) {
		const match *m = &found.v[i];
		size_t end, off, n;
		int col;

		while (k + 1 < nspans && spans[k + 1].start <= m->s)
			k++;
		off = m->s - spans[k].start;
		/* text:sub(m.s, math.min(m.e, last)), last the node's last
		 * byte: end is one past it (before the next node's "\n") */
		end = k + 1 < nspans ? spans[k + 1].start - 1 : tb.len;
		n = m->e + 1 < end ? m->e + 1 : end;
		n = n > m->s ? n - m->s : 0;
		col = spans[k].col > 0 ? spans[k].col + (int)off : 0;
		cf_report(x, "outdated-term", spans[k].line, col, "\"%.*s%s",
		    (int)n, text + m->s, m->pat->tail);
	}
	free(found.v);
	free(spans);
	buf_free(&tb);
}

const cfilter cf_outdated_terms = {
	.name = "outdated-terms.lua",
	.sha256 = "f053b4fa6aa224c6dbdb64b3d580737e92cd54f55474a5e2680e4e77ac0bbc5b",
	.rules = rules,
	.mirrors = mirrors,
	.prepare = prepare,
	.release = state_free,
	.document = check,
	.corpus = NULL,
};
