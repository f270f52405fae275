/*
 * worddiff.c — what changed in a document's text between two releases,
 * for the release history (history.c).  A version of a document is read
 * as plain text, not Markdown: its front matter is set aside (but for
 * version:), its body parsed with cmark-gfm, and each block that holds
 * text (a paragraph, a list item's paragraph, a table row, a code block)
 * becomes one paragraph of words under the heading before it.  Two
 * versions are compared section by section (headings matched by their
 * text), paragraph by paragraph (unchanged paragraphs matched exactly,
 * the rest paired in order as changed, left over as added or removed)
 * and, in a changed paragraph, word by word; the result is XML that the
 * site templates show with <ins> and <del>, and a one-line summary per
 * section ("Section 4 Process: 2 paragraphs changed, 1 added").  Runs in
 * the pipeline's check stage (through history.c), before any back end.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>

#include "document.h"
#include "frontmatter.h"
#include "util.h"
#include "worddiff.h"
#include "xmlnode.h"
#include "yamlval.h"

/* Beyond this many cells an LCS table is not built: the middle of the
 * two sequences (after their common ends) counts as replaced. */
#define LCS_MAX_CELLS (2u << 20)

/* ---- plain text of one version ---- */

static wd_section *
add_section(wd_text *t, const char *title)
{
	wd_section *s;

	t->s = xrealloc(t->s, (t->n + 1) * sizeof *t->s);
	s = &t->s[t->n++];
	memset(s, 0, sizeof *s);
	s->title = xstrdup(title);
	return s;
}

/* Whitespace runs to one space, ends trimmed; NULL when nothing is left. */
static char *
squeeze(const char *s)
{
	buf b;
	int space = 0;

	buf_init(&b);
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = 0;
		buf_putc(&b, *s);
	}
	if (!b.len) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void
add_para(wd_text *t, char *raw)
{
	wd_section *s = t->n ? &t->s[t->n - 1] : add_section(t, "");
	char *p = squeeze(raw);

	free(raw);
	if (!p)
		return;
	s->paras = xrealloc(s->paras, (s->npara + 1) * sizeof *s->paras);
	s->paras[s->npara++] = p;
}

static char *
inline_text(cmark_node *n)
{
	buf b;

	buf_init(&b);
	document_plain_text(n, &b, ' ');
	return buf_detach(&b);
}

/* A table row: its cells' text, a space between. */
static char *
row_text(cmark_node *row)
{
	buf b;
	cmark_node *c;

	buf_init(&b);
	for (c = cmark_node_first_child(row); c; c = cmark_node_next(c)) {
		document_plain_text(c, &b, ' ');
		buf_putc(&b, ' ');
	}
	return buf_detach(&b);
}

static void
walk_body(wd_text *t, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *ty;
		char *txt;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		ty = cmark_node_get_type_string(n);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING:
			txt = inline_text(n);
			{
				char *sq = squeeze(txt);
				add_section(t, sq ? sq : "");
				free(sq);
			}
			free(txt);
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			continue;
		case CMARK_NODE_PARAGRAPH:
			add_para(t, inline_text(n));
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			continue;
		case CMARK_NODE_CODE_BLOCK:
			add_para(t, xstrdup(cmark_node_get_literal(n) ?
			    cmark_node_get_literal(n) : ""));
			continue;
		default:
			break;
		}
		if (ty && !strcmp(ty, "table_row")) {
			add_para(t, row_text(n));
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
		}
	}
	cmark_iter_free(it);
}

/* version: of the front matter, as text (a number kept as written). */
static char *
front_version(const char *src, const frontmatter *fm)
{
	yval_error err;
	yval *v, *ver;
	char *out = NULL;

	if (!fm->present || fm->toml || fm->unterminated)
		return NULL;
	memset(&err, 0, sizeof err);
	v = yval_parse(src + fm->yaml_start, fm->yaml_len, 0, &err);
	if (!v)
		return NULL;
	if ((ver = yval_get(v, "version")) && yval_is_scalar(ver) &&
	    yval_str(ver))
		out = xstrdup(yval_str(ver));
	yval_free(v);
	return out;
}

wd_text *
worddiff_text(const char *src, size_t len)
{
	static const char *const exts[] = { "table", "strikethrough",
	    "autolink", "tasklist" };
	wd_text *t = xcalloc(1, sizeof *t);
	frontmatter fm;
	cmark_parser *p;
	cmark_node *root;
	size_t i;

	/* a version that is not UTF-8 (document_load refuses the file
	 * today) has no text to compare: the XML must stay well-formed */
	if (!utf8_valid(src, len, NULL))
		return t;
	frontmatter_split(src, len, &fm);
	t->version = front_version(src, &fm);
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (i = 0; i < sizeof exts / sizeof *exts; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, src + fm.body_start, len - fm.body_start);
	root = cmark_parser_finish(p);
	if (root) {
		walk_body(t, root);
		cmark_node_free(root);
	}
	cmark_parser_free(p);
	return t;
}

void
worddiff_text_free(wd_text *t)
{
	size_t i, j;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->s[i].npara; j++)
			free(t->s[i].paras[j]);
		free(t->s[i].paras);
		free(t->s[i].title);
	}
	free(t->s);
	free(t->version);
	free(t);
}

int
worddiff_equal(const wd_text *a, const wd_text *b)
{
	size_t i, j;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->s[i].title, b->s[i].title) ||
		    a->s[i].npara != b->s[i].npara)
			return 0;
		for (j = 0; j < a->s[i].npara; j++)
			if (strcmp(a->s[i].paras[j], b->s[i].paras[j]))
				return 0;
	}
	return 1;
}

/* ---- matching two sequences ---- */

typedef int (*eq_fn)(const void *ctx, size_t i, size_t j);

/*
 * ma[i] = the j that a[i] matches in b, or -1.  Common ends first (most
 * edits touch a few items), then a longest common subsequence over the
 * middle when its table is small enough.
 */
static void
match_seq(size_t n, size_t m, eq_fn eq, const void *ctx, long *ma)
{
	size_t pre = 0, suf = 0, i, j, w, h;
	unsigned *tab;

	for (i = 0; i < n; i++)
		ma[i] = -1;
	while (pre < n && pre < m && eq(ctx, pre, pre)) {
		ma[pre] = (long)pre;
		pre++;
	}
	while (suf < n - pre && suf < m - pre &&
	    eq(ctx, n - 1 - suf, m - 1 - suf)) {
		ma[n - 1 - suf] = (long)(m - 1 - suf);
		suf++;
	}
	h = n - pre - suf;
	w = m - pre - suf;
	if (!h || !w || (h + 1) * (w + 1) > LCS_MAX_CELLS)
		return;
	tab = xcalloc((h + 1) * (w + 1), sizeof *tab);
#define T(a, b) tab[(a) * (w + 1) + (b)]
	for (i = h; i-- > 0;)
		for (j = w; j-- > 0;)
			T(i, j) = eq(ctx, pre + i, pre + j) ? T(i + 1, j + 1) + 1 :
			    (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
	for (i = 0, j = 0; i < h && j < w;) {
		if (eq(ctx, pre + i, pre + j)) {
			ma[pre + i] = (long)(pre + j);
			i++, j++;
		} else if (T(i + 1, j) >= T(i, j + 1))
			i++;
		else
			j++;
	}
#undef T
	free(tab);
}

typedef struct {
	char **a, **b;
} str_pair;

static int
str_eq(const void *ctx, size_t i, size_t j)
{
	const str_pair *p = ctx;
	return !strcmp(p->a[i], p->b[j]);
}

typedef struct {
	const wd_text *a, *b;
} sec_pair;

static int
sec_eq(const void *ctx, size_t i, size_t j)
{
	const sec_pair *p = ctx;
	return !strcmp(p->a->s[i].title, p->b->s[j].title);
}

/* ---- words ---- */

/* A word, or the punctuation that ends one ("staff." is "staff" and "."),
 * so that "staff." → "staff and volunteers." inserts two words. */
typedef struct {
	char *text;
	int attached;         /* no space before it */
} token;

static int
is_trailing_punct(char c)
{
	return c && strchr(".,;:!?)\"'", c) != NULL;
}

static void
push_token(token **w, size_t *k, const char *s, size_t n, int attached)
{
	*w = xrealloc(*w, (*k + 1) * sizeof **w);
	(*w)[*k].text = xstrndup(s, n);
	(*w)[*k].attached = attached;
	(*k)++;
}

static token *
split_words(const char *s, size_t *n)
{
	token *w = NULL;
	size_t k = 0;

	while (*s) {
		size_t len, core;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		len = strcspn(s, " ");
		core = len;
		while (core > 1 && is_trailing_punct(s[core - 1]))
			core--;
		push_token(&w, &k, s, core, 0);
		if (core < len)
			push_token(&w, &k, s + core, len - core, 1);
		s += len;
	}
	*n = k;
	return w;
}

static void
free_words(token *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(w[i].text);
	free(w);
}

typedef struct {
	const char *kind;     /* NULL (same), "del" or "ins" */
	const token *t;
} op;

static int
token_eq(const void *ctx, size_t i, size_t j)
{
	const token *const *p = ctx;
	return !strcmp(p[0][i].text, p[1][j].text);
}

/* The ops in order: each gap's removed words, then its added ones. */
static op *
word_ops(const token *wa, size_t na, const token *wb, size_t nb, size_t *nops)
{
	long *ma = xcalloc(na ? na : 1, sizeof *ma);
	const token *pair[2] = { wa, wb };
	op *ops = xcalloc(na + nb + 1, sizeof *ops);
	size_t i = 0, j = 0, k = 0;

	match_seq(na, nb, token_eq, pair, ma);
	while (i < na || j < nb) {
		size_t ie = i, je;

		while (ie < na && ma[ie] < 0)
			ie++;
		je = ie < na ? (size_t)ma[ie] : nb;
		for (; i < ie; i++)
			ops[k++] = (op){ "del", &wa[i] };
		for (; j < je; j++)
			ops[k++] = (op){ "ins", &wb[j] };
		if (i < na) {
			ops[k++] = (op){ NULL, &wa[i] };
			i++;
			j++;
		}
	}
	free(ma);
	*nops = k;
	return ops;
}

/* Runs of one kind: plain text, <del> or <ins>; a space before each
 * word but the first and those attached to the word before. */
static void
words_xml(xmlNodePtr para, const char *a, const char *b)
{
	size_t na, nb, nops, i = 0, j;
	token *wa = split_words(a, &na), *wb = split_words(b, &nb);
	op *ops = word_ops(wa, na, wb, nb, &nops);
	buf run;

	buf_init(&run);
	while (i < nops) {
		const char *kind = ops[i].kind;

		if (i && !ops[i].t->attached)
			add_text(para, " ");
		run.len = 0;
		if (run.data)
			run.data[0] = '\0';
		for (j = i; j < nops && ops[j].kind == kind; j++) {
			if (j > i && !ops[j].t->attached)
				buf_putc(&run, ' ');
			buf_puts(&run, ops[j].t->text);
		}
		if (kind)
			add_text(child(para, kind), run.data);
		else
			add_text(para, run.data);
		i = j;
	}
	buf_free(&run);
	free(ops);
	free_words(wa, na);
	free_words(wb, nb);
}

/* <para change="..."><ins|del/></para> under sec; returns the inner. */
static xmlNodePtr
whole_para(xmlNodePtr sec, const char *change, const char *kind)
{
	xmlNodePtr p = child(sec, "para");

	set_attr(p, "change", change);
	return child(p, kind);
}

/* ---- sections ---- */

/* "4. Process" → "Section 4 Process"; "Process" stays; "" is the text
 * before the first heading. */
static char *
section_label(const char *title)
{
	const char *p = title, *num_end;

	if (!*title)
		return xstrdup("Opening text");
	while (isdigit((unsigned char)*p) || (*p == '.' && p > title &&
	    isdigit((unsigned char)p[1])))
		p++;
	if (p == title)
		return xstrdup(title);
	num_end = p;
	if (*p == '.' || *p == ')')
		p++;
	if (*p != ' ')
		return xstrdup(title);
	while (*p == ' ')
		p++;
	return xasprintf("Section %.*s %s", (int)(num_end - title), title, p);
}

static void
count_text(buf *s, size_t n, const char *what, int *any)
{
	if (!n)
		return;
	buf_printf(s, "%s%zu %s%s", *any ? ", " : "", n,
	    *any ? "" : (n == 1 ? "paragraph " : "paragraphs "), what);
	*any = 1;
}

/* One matched section: changed paragraphs paired in order within each
 * gap between unchanged ones.  Appends a <section> and its summary when
 * anything changed. */
static void
section_xml(xmlNodePtr parent, const wd_section *a, const wd_section *b,
    buf *summary)
{
	long *ma = xcalloc(a->npara ? a->npara : 1, sizeof *ma);
	str_pair sp = { a->paras, b->paras };
	size_t i = 0, j = 0, nchg = 0, nadd = 0, nrem = 0;
	xmlNodePtr sec = xmlNewNode(NULL, X("section"));
	int any = 0;

	match_seq(a->npara, b->npara, str_eq, &sp, ma);
	while (i < a->npara || j < b->npara) {
		size_t ie = i, je;

		while (ie < a->npara && ma[ie] < 0)
			ie++;
		je = ie < a->npara ? (size_t)ma[ie] : b->npara;
		for (; i < ie && j < je; i++, j++, nchg++) {
			xmlNodePtr p = child(sec, "para");
			set_attr(p, "change", "changed");
			words_xml(p, a->paras[i], b->paras[j]);
		}
		for (; i < ie; i++, nrem++)
			add_text(whole_para(sec, "removed", "del"),
			    a->paras[i]);
		for (; j < je; j++, nadd++)
			add_text(whole_para(sec, "added", "ins"),
			    b->paras[j]);
		if (i < a->npara) {
			i++;
			j++;
		}
	}
	free(ma);
	if (!nchg && !nadd && !nrem) {
		xmlFreeNode(sec);
		return;
	}
	xmlAddChild(parent, sec);
	{
		char *label = section_label(b->title);
		set_attr(sec, "title", b->title);
		set_attr(sec, "label", label);
		set_attr(sec, "change", "changed");
		if (summary->len)
			buf_puts(summary, "; ");
		buf_printf(summary, "%s: ", label);
		free(label);
	}
	count_text(summary, nchg, "changed", &any);
	count_text(summary, nadd, "added", &any);
	count_text(summary, nrem, "removed", &any);
}

/* A section only one side has: every paragraph added or removed. */
static void
whole_section_xml(xmlNodePtr parent, const wd_section *s, int added,
    buf *summary)
{
	xmlNodePtr sec = child(parent, "section");
	char *label = section_label(s->title);
	size_t i;

	set_attr(sec, "title", s->title);
	set_attr(sec, "label", label);
	set_attr(sec, "change", added ? "added" : "removed");
	for (i = 0; i < s->npara; i++)
		add_text(whole_para(sec, added ? "added" : "removed",
		    added ? "ins" : "del"), s->paras[i]);
	if (summary->len)
		buf_puts(summary, "; ");
	buf_printf(summary, "%s: %s", label, added ? "added" : "removed");
	free(label);
}

char *
worddiff_xml(const wd_text *a, const wd_text *b, xmlNodePtr parent)
{
	long *ma = xcalloc(a->n ? a->n : 1, sizeof *ma);
	sec_pair sp = { a, b };
	size_t i = 0, j = 0;
	buf summary;

	buf_init(&summary);
	match_seq(a->n, b->n, sec_eq, &sp, ma);
	while (i < a->n || j < b->n) {
		size_t ie = i, je;

		while (ie < a->n && ma[ie] < 0)
			ie++;
		je = ie < a->n ? (size_t)ma[ie] : b->n;
		for (; i < ie; i++)
			whole_section_xml(parent, &a->s[i], 0, &summary);
		for (; j < je; j++)
			whole_section_xml(parent, &b->s[j], 1, &summary);
		if (i < a->n) {
			section_xml(parent, &a->s[i], &b->s[j], &summary);
			i++;
			j++;
		}
	}
	free(ma);
	if (!summary.len) {
		buf_free(&summary);
		return NULL;
	}
	return buf_detach(&summary);
}

static int
para_in(const wd_text *t, const char *p)
{
	size_t j, l;

	for (j = 0; j < t->n; j++)
		for (l = 0; l < t->s[j].npara; l++)
			if (!strcmp(t->s[j].paras[l], p))
				return 1;
	return 0;
}

double
worddiff_similarity(const wd_text *a, const wd_text *b)
{
	/* shared paragraphs over all paragraphs: enough to tell a renamed
	 * document from an unrelated one added the same day */
	size_t i, j, k, same = 0, total = 0;

	for (i = 0; i < a->n; i++)
		total += a->s[i].npara;
	for (j = 0; j < b->n; j++)
		total += b->s[j].npara;
	if (!total)
		return 0;
	for (i = 0; i < a->n; i++)
		for (k = 0; k < a->s[i].npara; k++)
			if (para_in(b, a->s[i].paras[k]))
				same += 2;
	return (double)same / (double)total;
}
