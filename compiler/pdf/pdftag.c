/*
 * pdftag.c — makes each PDF an accessible document after cairo has
 * written it.  cairo 1.16 writes a structure tree (pdfdraw.c tags every
 * item it draws) but not /MarkInfo, /Lang, the table and list wrappers,
 * alternate text, or artifacts, so pdf.c calls pdftag_finish on every
 * file it wrote (documents and packs) and this module rewrites the file
 * with libqpdf: the catalogue gains /MarkInfo, /Lang, /ViewerPreferences
 * and XMP metadata with the PDF/UA identification; the flat list of
 * elements cairo made is regrouped into Document, Table, L/LI/LBody with
 * the help of the flows it was drawn from (pdf_out: the n-th top-level
 * element is the n-th placed item); the running header and footer,
 * page numbers, rules and repeated table headers become artifacts in the
 * page content; links get /Contents.  Only what it changes is written
 * again, the rest copied from cairo's bytes (pdfsave.c); a file of another
 * shape is written whole by qpdf.  A failure here is a write failure:
 * the caller fails the build rather than publish an untagged file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "pdftag.h"
#include "pdfannot.h"
#include "pdfsave.h"
#include "escape.h"
#include "fsio.h"

/* ---- content streams ------------------------------------------------- */

static int
is_ws(int c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	    c == ' ';
}

static int
is_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	    c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

/* The end of the token at s[i] (i is not whitespace). */
static size_t
token_end(const char *s, size_t n, size_t i)
{
	int depth;

	switch (s[i]) {
	case '%':
		while (i < n && s[i] != '\n' && s[i] != '\r')
			i++;
		return i;
	case '(':
		for (depth = 0; i < n; i++) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0)
				return i + 1;
		}
		return n;
	case '<':
		if (i + 1 < n && s[i + 1] == '<')
			return i + 2;
		while (i < n && s[i] != '>')
			i++;
		return i < n ? i + 1 : n;
	case '>':
		return i + 1 < n && s[i + 1] == '>' ? i + 2 : i + 1;
	case '[': case ']': case '{': case '}': case ')':
		return i + 1;
	case '/':
		i++;
		/* fall through */
	default:
		while (i < n && !is_ws((unsigned char)s[i]) &&
		    !is_delim((unsigned char)s[i]))
			i++;
		return i;
	}
}

/* 1 when the regular token s[a, b) is an operator, not a number or a
 * keyword operand. */
static int
is_operator(const char *s, size_t a, size_t b)
{
	size_t len = b - a;

	if (is_delim((unsigned char)s[a]))
		return 0;
	if (strchr("+-.0123456789", s[a]))
		return 0;
	if ((len == 4 && (!memcmp(s + a, "true", 4) ||
	    !memcmp(s + a, "null", 4))) || (len == 5 &&
	    !memcmp(s + a, "false", 5)))
		return 0;
	return 1;
}

static int
op_is(const char *s, size_t a, size_t b, const char *op)
{
	return b - a == strlen(op) && !memcmp(s + a, op, b - a);
}

static int
op_in(const char *s, size_t a, size_t b, const char *const *ops)
{
	for (; *ops; ops++)
		if (op_is(s, a, b, *ops))
			return 1;
	return 0;
}

/* The MCID among the operands s[a, b) of a BDC, or -1. */
static int
mcid_of(const char *s, size_t a, size_t b)
{
	const char *p = memmem(s + a, b - a, "/MCID", 5);
	long v;
	char *end;

	if (!p)
		return -1;
	p += 5;
	while (p < s + b && is_ws((unsigned char)*p))
		p++;
	v = strtol(p, &end, 10);
	return end > p && end <= s + b && v >= 0 && v < 1000000000 ?
	    (int)v : -1;
}

static int
in_set(const int *art, size_t nart, int v)
{
	size_t lo = 0, hi = nart;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (art[mid] == v)
			return 1;
		if (art[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

typedef struct {
	const char *s;
	buf out;
	size_t copied;        /* s[0, copied) is in out */
} rewriter;

/* Copies s up to a, then text instead of s[a, b). */
static void
rw_replace(rewriter *w, size_t a, size_t b, const char *text)
{
	buf_putn(&w->out, w->s + w->copied, a - w->copied);
	buf_puts(&w->out, text);
	w->copied = b;
}

/* Wraps s[a, b) in an artifact sequence. */
static void
rw_artifact(rewriter *w, size_t a, size_t b)
{
	if (a < w->copied)
		return;
	buf_putn(&w->out, w->s + w->copied, a - w->copied);
	buf_puts(&w->out, "/Artifact BMC\n");
	buf_putn(&w->out, w->s + a, b - a);
	buf_puts(&w->out, "\nEMC\n");
	w->copied = b;
}

/* Skips an inline image's data after its ID operator at i: up to the
 * end of an EI that stands alone. */
static size_t
skip_inline_image(const char *s, size_t n, size_t i)
{
	for (i++; i + 1 < n; i++)
		if (s[i] == 'E' && s[i + 1] == 'I' && is_ws((unsigned char)
		    s[i - 1]) && (i + 2 == n || is_ws((unsigned char)s[i + 2])))
			return i + 2;
	return n;
}

char *
pdftag_mark_stream(const char *s, size_t n, const int *art, size_t nart,
    size_t *outlen, size_t *converted)
{
	static const char *const paint[] = { "S", "s", "f", "F", "f*", "B",
	    "B*", "b", "b*", "n", NULL };
	static const char *const start_path[] = { "m", "re", NULL };
	rewriter w;
	size_t i = 0, operands = (size_t)-1, obj = (size_t)-1;
	int depth = 0, in_text = 0, text_tagged = 0, in_path = 0;

	w.s = s;
	w.copied = 0;
	buf_init(&w.out);
	*converted = 0;
	while (i < n) {
		size_t e;

		if (is_ws((unsigned char)s[i])) {
			i++;
			continue;
		}
		e = token_end(s, n, i);
		if (e <= i)
			e = i + 1;
		if (s[i] == '%' || !is_operator(s, i, e)) {
			if (s[i] != '%' && operands == (size_t)-1)
				operands = i;
			i = e;
			continue;
		}
		{
			size_t a = operands == (size_t)-1 ? i : operands;

			if (op_is(s, i, e, "BDC")) {
				int m = mcid_of(s, a, i);
				if (m >= 0 && in_set(art, nart, m)) {
					rw_replace(&w, a, e, "/Artifact BMC");
					(*converted)++;
				} else if (m >= 0 && in_text)
					text_tagged = 1;
				depth++;
			} else if (op_is(s, i, e, "BMC"))
				depth++;
			else if (op_is(s, i, e, "EMC"))
				depth -= depth > 0;
			else if (depth == 0 && !in_text &&
			    op_is(s, i, e, "BT")) {
				in_text = 1;
				text_tagged = 0;
				obj = a;
			} else if (in_text && op_is(s, i, e, "ET")) {
				/* a text object that holds tagged content
				 * stays as it is */
				if (!text_tagged && depth == 0)
					rw_artifact(&w, obj, e);
				in_text = 0;
			} else if (depth == 0 && !in_text && !in_path &&
			    op_in(s, i, e, start_path)) {
				in_path = 1;
				obj = a;
			} else if (in_path && op_in(s, i, e, paint)) {
				if (depth == 0)
					rw_artifact(&w, obj, e);
				in_path = 0;
			} else if (depth == 0 && !in_text && !in_path &&
			    (op_is(s, i, e, "Do") || op_is(s, i, e, "sh")))
				rw_artifact(&w, a, e);
			else if (op_is(s, i, e, "BI"))
				obj = a;
			else if (op_is(s, i, e, "ID")) {
				e = skip_inline_image(s, n, e);
				if (depth == 0 && !in_text)
					rw_artifact(&w, obj, e);
			}
		}
		operands = (size_t)-1;
		i = e;
	}
	buf_putn(&w.out, s + w.copied, n - w.copied);
	*outlen = w.out.len;
	return buf_detach(&w.out);
}

/* ---- the document ---------------------------------------------------- */

/* MCIDs to turn into artifacts, per page. */
typedef struct {
	int *v;
	size_t n, cap;
} intset;

typedef struct {
	qpdf_data q;
	pdfsave *save;        /* what changed, when only that is written
	                       * (pdfsave.c); NULL: qpdf writes the file */
	int lost;             /* a change pdfsave cannot place: the file is
	                       * tagged again and written by qpdf */
	const pdf_out *out;
	int npages;
	int *page_id;         /* object id of each page */
	intset *art;          /* per page */
	qpdf_oh doc;          /* the Document element */
	qpdf_oh sect;         /* where the next block goes: doc, or in a
	                       * pack the Part of the flow being placed */
	int flow;             /* that flow, or -1 */
	qpdf_oh table;        /* the open Table, or 0 */
	const pdf_table *table_of;
	qpdf_oh list[16];     /* the open lists, outermost first */
	qpdf_oh lbody[16];    /* the last LBody of each */
	double list_x[16];    /* their items' indent */
	int list_num[16];     /* the last item's number, or -1 */
	int nlists;
} tctx;

/* A placed item, in the order pdfdraw_write drew (and tagged) them. */
typedef struct {
	const pdf_item *it;
	const pdf_place *pl;
	int flow;             /* index in pdf_out */
} placed;

/* e's /S when e is a structure element (a dictionary whose /S is a
 * name), copied into s (qpdf's C API reuses the string it returns);
 * else s is empty.  Read once an element: each call of the C API costs
 * a lookup and a new handle. */
static void
elem_type(tctx *c, qpdf_oh e, char *s, size_t n)
{
	qpdf_oh t;

	s[0] = 0;
	if (!qpdf_oh_is_dictionary(c->q, e))
		return;
	t = qpdf_oh_get_key(c->q, e, "/S");
	if (qpdf_oh_is_name(c->q, t))
		snprintf(s, n, "%s", qpdf_oh_get_name(c->q, t));
}

/* 1 when e is a structure element (of type t, unless t is NULL). */
static int
is_type(tctx *c, qpdf_oh e, const char *t)
{
	if (!qpdf_oh_is_dictionary(c->q, e) || !qpdf_oh_has_key(c->q, e, "/S"))
		return 0;
	return !t || qpdf_oh_is_name_and_equals(c->q,
	    qpdf_oh_get_key(c->q, e, "/S"), t);
}

static qpdf_oh
parse(tctx *c, const char *text)
{
	return qpdf_oh_parse(c->q, text);
}

/* v as an array: cairo writes a /K or /Contents of one as that one
 * alone, not an array of one. */
static qpdf_oh
as_array(tctx *c, qpdf_oh v)
{
	return qpdf_oh_is_array(c->q, v) ? v : qpdf_oh_wrap_in_array(c->q, v);
}

/* obj is about to change: the object holding it is written anew
 * (container, when obj is a direct object inside it). */
static void
touch_in(tctx *c, qpdf_oh obj, qpdf_oh container)
{
	int id;

	if (!c->save)
		return;
	if ((id = qpdf_oh_get_object_id(c->q, obj)) <= 0 && container)
		id = qpdf_oh_get_object_id(c->q, container);
	if (id > 0)
		pdfsave_touch(c->save, id);
	else
		c->lost = 1;
}

static void
touch(tctx *c, qpdf_oh obj)
{
	touch_in(c, obj, 0);
}

/* Sets obj's key to val, the object holding obj (obj itself, or holder
 * when obj is a direct object inside it) recorded as changed: every
 * change tagging makes to cairo's objects goes through here, so that
 * pdfsave writes it. */
static void
set_key(tctx *c, qpdf_oh obj, qpdf_oh holder, const char *key, qpdf_oh val)
{
	touch_in(c, obj, holder);
	qpdf_oh_replace_key(c->q, obj, key, val);
}

/* A new indirect object holding obj.  qpdf's own numbering
 * (qpdf_make_indirect_object) resolves every object of the file first,
 * which only its writer needs. */
static qpdf_oh
new_object(tctx *c, qpdf_oh obj)
{
	int id;

	if (!c->save)
		return qpdf_make_indirect_object(c->q, obj);
	id = pdfsave_new_id(c->save);
	qpdf_replace_object(c->q, id, 0, obj);
	pdfsave_touch(c->save, id);
	return qpdf_get_object_by_id(c->q, id, 0);
}

static qpdf_oh
new_elem(tctx *c, const char *type, qpdf_oh parent)
{
	char *t = xasprintf("<< /Type /StructElem /S /%s /K [] >>", type);
	qpdf_oh e = new_object(c, parse(c, t));

	free(t);
	set_key(c, e, 0, "/P", parent);
	return e;
}

/* Appends kid to parent's /K (made an array when it was not one),
 * nothing else. */
static void
append_kid(tctx *c, qpdf_oh parent, qpdf_oh kid)
{
	qpdf_oh k = qpdf_oh_get_key(c->q, parent, "/K");

	if (!qpdf_oh_is_array(c->q, k)) {
		qpdf_oh a = qpdf_oh_new_array(c->q);
		if (!qpdf_oh_is_null(c->q, k))
			qpdf_oh_append_item(c->q, a, k);
		set_key(c, parent, 0, "/K", a);
		k = a;
	}
	touch_in(c, k, parent);   /* the array, or the element holding it */
	qpdf_oh_append_item(c->q, k, kid);
}

/* Appends cairo's element kid, read from its bytes as raw, to parent's
 * /K, and gives it its new /P in those bytes (pdfsave_replace): qpdf
 * neither parses it nor writes it again.  As add_kid where that cannot
 * be. */
static void add_kid(tctx *c, qpdf_oh parent, qpdf_oh kid);

static void
add_raw_kid(tctx *c, qpdf_oh parent, qpdf_oh kid, const pdfelem *raw)
{
	int pid = qpdf_oh_get_object_id(c->q, parent);
	char ref[32];

	snprintf(ref, sizeof ref, "%d 0 R", pid);
	if (!raw || !c->save || pid <= 0 || pdfsave_replace(c->save,
	    qpdf_oh_get_object_id(c->q, kid), raw->p_at, raw->p_len,
	    ref) != 0) {
		add_kid(c, parent, kid);
		return;
	}
	append_kid(c, parent, kid);
}

/* Appends kid to parent's /K (made an array when it was not one), and
 * makes parent kid's /P when kid is an element. */
static void
add_kid(tctx *c, qpdf_oh parent, qpdf_oh kid)
{
	append_kid(c, parent, kid);
	if (qpdf_oh_is_dictionary(c->q, kid) &&
	    qpdf_oh_has_key(c->q, kid, "/S"))
		set_key(c, kid, parent, "/P", parent);
}

static int
page_index(tctx *c, qpdf_oh pg)
{
	int id = qpdf_oh_get_object_id(c->q, pg), i;

	for (i = 0; i < c->npages; i++)
		if (c->page_id[i] == id)
			return i;
	return -1;
}

static void
intset_add(intset *s, int v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = v;
}

/* Every MCID in element e's subtree goes to the artifacts of its page. */
static void
drop_content(tctx *c, qpdf_oh k, int page)
{
	int i, n;

	if (qpdf_oh_is_integer(c->q, k)) {
		if (page >= 0)
			intset_add(&c->art[page],
			    qpdf_oh_get_int_value_as_int(c->q, k));
		return;
	}
	if (qpdf_oh_is_array(c->q, k)) {
		n = qpdf_oh_get_array_n_items(c->q, k);
		for (i = 0; i < n; i++)
			drop_content(c, qpdf_oh_get_array_item(c->q, k, i),
			    page);
		return;
	}
	if (!qpdf_oh_is_dictionary(c->q, k))
		return;
	if (qpdf_oh_has_key(c->q, k, "/Pg"))
		page = page_index(c, qpdf_oh_get_key(c->q, k, "/Pg"));
	if (qpdf_oh_has_key(c->q, k, "/MCID"))
		drop_content(c, qpdf_oh_get_key(c->q, k, "/MCID"), page);
	else if (qpdf_oh_has_key(c->q, k, "/K"))
		drop_content(c, qpdf_oh_get_key(c->q, k, "/K"), page);
}

static void
close_groups(tctx *c)
{
	c->table = 0;
	c->table_of = NULL;
	c->nlists = 0;
}

/* A row: into the open table when it is the same table, else a new one. */
static void
place_row(tctx *c, qpdf_oh e, const placed *p)
{
	qpdf_oh k;
	int i, n;

	c->nlists = 0;
	if (!c->table || (p && p->it->table != c->table_of)) {
		c->table = new_elem(c, "Table", c->sect);
		add_kid(c, c->sect, c->table);
		c->table_of = p ? p->it->table : NULL;
	}
	add_kid(c, c->table, e);
	/* (a row of one cell has that cell as its /K) */
	k = as_array(c, qpdf_oh_get_key(c->q, e, "/K"));
	n = qpdf_oh_get_array_n_items(c->q, k);
	for (i = 0; i < n; i++) {
		qpdf_oh cell = qpdf_oh_get_array_item(c->q, k, i);
		if (!qpdf_oh_is_dictionary(c->q, cell))
			continue;
		if (qpdf_oh_is_name_and_equals(c->q,
		    qpdf_oh_get_key(c->q, cell, "/S"), "/TH"))
			set_key(c, cell, e, "/A", parse(c,
			    "<< /O /Table /Scope /Column >>"));
		else if (i == 0 && p && p->it->table->shade_first_col) {
			/* a shaded first column labels its row (the
			 * document-control table) */
			set_key(c, cell, e, "/S",
			    qpdf_oh_new_name(c->q, "/TH"));
			set_key(c, cell, e, "/A", parse(c,
			    "<< /O /Table /Scope /Row >>"));
		}
	}
}

/* The number of an ordered list's item, or -1. */
static int
marker_number(const placed *p)
{
	const char *t = p && p->it->marker ?
	    pango_layout_get_text(p->it->marker) : NULL;

	return t && *t >= '0' && *t <= '9' ? atoi(t) : -1;
}

/* Opens a list at depth d (0: in the Document, else in the last item
 * of the list at depth d - 1). */
static void
open_list(tctx *c, int d, double x)
{
	qpdf_oh parent = d ? c->lbody[d - 1] : c->sect;
	qpdf_oh l = new_elem(c, "L", parent);

	add_kid(c, parent, l);
	c->list[d] = l;
	c->list_x[d] = x;
	c->nlists = d + 1;
}

/*
 * A list item: cairo's LI becomes the LBody of a new LI.  pdfblock.c
 * indents a nested list by a whole list indent and an ordered list by
 * 6 pt more than a bulleted one, so an item up to 6.5 pt from the open
 * list is at its level (a new list when the kind changes or the numbers
 * start again) and one further in opens a list inside the last item.
 */
static void
place_item(tctx *c, qpdf_oh e, const placed *p)
{
	double x = p ? p->it->x : 0;
	int num = marker_number(p), top;
	qpdf_oh li;

	c->table = 0;
	while (c->nlists > 0 && c->list_x[c->nlists - 1] > x + 6.5)
		c->nlists--;
	top = c->nlists - 1;
	if (top < 0)
		open_list(c, 0, x);
	else if (x > c->list_x[top] + 6.5) {
		if (c->nlists < 16)     /* deeper still: stays at 16 */
			open_list(c, c->nlists, x);
	} else if (x > c->list_x[top] + 0.5 || x < c->list_x[top] - 0.5 ||
	    (num >= 0 && num <= c->list_num[top]))
		open_list(c, top, x);
	top = c->nlists - 1;
	c->list_num[top] = num;
	li = new_elem(c, "LI", c->list[top]);
	add_kid(c, c->list[top], li);
	set_key(c, e, li, "/S", qpdf_oh_new_name(c->q, "/LBody"));
	add_kid(c, li, e);
	c->lbody[top] = e;
}

/* 1 when the element cairo made is the one tagged for this placement
 * (the "(continued)" line over a split table is drawn as a P whatever
 * its row is). */
static int
matches(const char *s, const placed *p)
{
	const pdf_item *it = p->it;

	if (p->pl->cont)
		return !strcmp(s, "/P");
	switch (it->tag) {
	case TAG_TR:
		return !strcmp(s, "/TR");
	case TAG_LI:
		return !strcmp(s, "/LI");
	case TAG_FIG:
		return !strcmp(s, "/Figure");
	case TAG_H:
		return s[0] == '/' && s[1] == 'H' && s[2] >= '1' && s[2] <= '6';
	default:
		return strcmp(s, "/TR") && strcmp(s, "/LI") &&
		    strcmp(s, "/Figure");
	}
}

/* Places cairo's top-level element e of type s (drawn for p, or NULL
 * when the elements could not be matched with the items) in the new
 * tree. */
static void
place(tctx *c, qpdf_oh e, const char *s, const placed *p,
    const pdfelem *raw)
{
	qpdf_oh k;

	if (p && c->out->in_pack && p->flow != c->flow) {
		/* each part of a pack (cover, contents, a document, the
		 * glossary) is a Part of the Document */
		close_groups(c);
		c->sect = new_elem(c, "Part", c->doc);
		add_kid(c, c->doc, c->sect);
		c->flow = p->flow;
	}
	if (raw) {
		if (raw->k != ELEM_K_SOME)
			return;   /* drew nothing: a space */
	} else {
		k = qpdf_oh_get_key(c->q, e, "/K");
		if (qpdf_oh_is_null(c->q, k) || (qpdf_oh_is_array(c->q, k) &&
		    qpdf_oh_get_array_n_items(c->q, k) == 0))
			return;   /* drew nothing: a space */
	}
	if (p && (p->it->type == IT_RULE || p->it->type == IT_SPACE ||
	    (p->it->type == IT_ROW && (p->pl->repeat || p->pl->cont)) ||
	    (p->it->tag == TAG_FIG && (!p->it->outline_title ||
	    !*p->it->outline_title)))) {
		/* decoration, a header row repeated on a new page and the
		 * "(continued)" line over it (the table stays one Table), an
		 * image with no text: artifacts */
		k = qpdf_oh_get_key(c->q, e, "/K");
		drop_content(c, k, qpdf_oh_has_key(c->q, e, "/Pg") ?
		    page_index(c, qpdf_oh_get_key(c->q, e, "/Pg")) : -1);
		return;
	}
	if (!strcmp(s, "/TR")) {
		place_row(c, e, p);
		return;
	}
	if (!strcmp(s, "/LI")) {
		place_item(c, e, p);
		return;
	}
	if (p && p->it->tag == TAG_FIG) {
		set_key(c, e, c->sect, "/Alt", qpdf_oh_new_unicode_string(
		    c->q, p->it->outline_title));
		raw = NULL;   /* qpdf writes it now */
	}
	if (p && c->nlists && p->it->tag != TAG_H && p->it->x > 0.5) {
		/* indented as far as an open list's items: a further
		 * paragraph (code, quote, image) of its last item */
		int d = c->nlists;
		while (d > 0 && c->list_x[d - 1] > p->it->x + 0.5)
			d--;
		if (d > 0) {
			c->nlists = d;
			add_raw_kid(c, c->lbody[d - 1], e, raw);
			return;
		}
	}
	close_groups(c);
	add_raw_kid(c, c->sect, e, raw);
}

/* The items in drawing order; *n of them. */
static placed *
placed_items(const pdf_out *out, size_t *n)
{
	placed *v = NULL;
	size_t i, p, k, cap = 0;

	*n = 0;
	for (i = 0; i < out->nflows; i++) {
		const pdf_flow *f = out->flows[i];
		for (p = 0; p < f->npages; p++)
			for (k = 0; k < f->pages[p].n; k++) {
				if (*n == cap) {
					cap = cap ? cap * 2 : 64;
					v = xrealloc(v, cap * sizeof *v);
				}
				v[*n].pl = &f->pages[p].pl[k];
				v[*n].it = &f->items[v[*n].pl->item];
				v[*n].flow = (int)i;
				(*n)++;
			}
	}
	return v;
}

/* 1 when what e's /K holds is known from the bytes: a /K that is a
 * reference is something (ELEM_K_SOME) when its object is a dictionary
 * (cairo's: the element it holds), as qpdf would find it. */
static int
raw_k_known(tctx *c, pdfelem *e)
{
	const char *b;
	size_t n;

	if (e->k != ELEM_K_REF)
		return 1;
	if (!(b = pdfsave_raw(c->save, e->k_ref, &n)) ||
	    !pdfannot_is_dict(b, n))
		return 0;
	e->k = ELEM_K_SOME;
	return 1;
}

/* Regroups cairo's flat structure tree under one Document element. */
static void
restructure(tctx *c, qpdf_oh root)
{
	qpdf_oh k = qpdf_oh_get_key(c->q, root, "/K");
	size_t np, i;
	placed *pv = placed_items(c->out, &np);
	qpdf_oh *es;
	char (*types)[32];
	pdfelem *raw;
	unsigned char *israw;
	int n, j, match;

	k = as_array(c, k);
	n = qpdf_oh_get_array_n_items(c->q, k);
	c->doc = 0;
	if (n == 1 && is_type(c, qpdf_oh_get_array_item(c->q, k, 0),
	    "/Document")) {
		/* cairo kept the Document tag pdfdraw.c opens (it drops
		 * it from some files): the items are its children */
		c->doc = qpdf_oh_get_array_item(c->q, k, 0);
		k = as_array(c, qpdf_oh_get_key(c->q, c->doc, "/K"));
		set_key(c, c->doc, 0, "/K", qpdf_oh_new_array(c->q));
		n = qpdf_oh_get_array_n_items(c->q, k);
	} else
		c->doc = new_elem(c, "Document", root);
	es = xcalloc((size_t)(n > 0 ? n : 1), sizeof *es);
	types = xcalloc((size_t)(n > 0 ? n : 1), sizeof *types);
	raw = xcalloc((size_t)(n > 0 ? n : 1), sizeof *raw);
	israw = xcalloc((size_t)(n > 0 ? n : 1), 1);
	for (j = 0; j < n; j++) {
		const char *bytes;
		size_t len;
		es[j] = qpdf_oh_get_array_item(c->q, k, j);
		/* cairo's elements read from its bytes, not parsed by qpdf
		 * (each is parsed the first time it is touched: most of
		 * this pass's time), when this writer copies them */
		if (c->save && (bytes = pdfsave_raw(c->save,
		    qpdf_oh_get_object_id(c->q, es[j]), &len)) &&
		    pdfannot_elem(bytes, len, &raw[j]) == 0 &&
		    raw_k_known(c, &raw[j])) {
			israw[j] = 1;
			memcpy(types[j], raw[j].type, sizeof types[j]);
		} else
			elem_type(c, es[j], types[j], sizeof types[j]);
	}
	match = 1;
	for (j = 0, i = 0; j < n && match; j++)
		if (types[j][0])
			match = i < np && matches(types[j], &pv[i++]);
	match = match && i == np;
	close_groups(c);
	c->sect = c->doc;
	c->flow = -1;
	for (j = 0, i = 0; j < n; j++) {
		if (types[j][0])
			place(c, es[j], types[j], match ? &pv[i++] : NULL,
			    israw[j] ? &raw[j] : NULL);
		else          /* content of the Document itself */
			add_kid(c, c->doc, es[j]);
	}
	set_key(c, root, 0, "/K", c->doc);
	free(types);
	free(raw);
	free(israw);
	free(es);
	free(pv);
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The value for key in the number tree t, or a null handle. */
static qpdf_oh
number_tree_get(tctx *c, qpdf_oh t, int key, int depth)
{
	qpdf_oh nums = qpdf_oh_get_key(c->q, t, "/Nums");
	qpdf_oh kids = qpdf_oh_get_key(c->q, t, "/Kids");
	int i, n;

	if (qpdf_oh_is_array(c->q, nums)) {
		n = qpdf_oh_get_array_n_items(c->q, nums);
		for (i = 0; i + 1 < n; i += 2)
			if (qpdf_oh_get_int_value_as_int(c->q,
			    qpdf_oh_get_array_item(c->q, nums, i)) == key)
				return qpdf_oh_get_array_item(c->q, nums,
				    i + 1);
	}
	if (depth < 8 && qpdf_oh_is_array(c->q, kids)) {
		n = qpdf_oh_get_array_n_items(c->q, kids);
		for (i = 0; i < n; i++) {
			qpdf_oh v = number_tree_get(c, qpdf_oh_get_array_item(
			    c->q, kids, i), key, depth + 1);
			if (!qpdf_oh_is_null(c->q, v))
				return v;
		}
	}
	return qpdf_oh_new_null(c->q);
}

/* The parent tree's /Nums, sorted by key, when it is one level (as
 * cairo writes it: a pair for each page and each link); n is -1 when it
 * has /Kids, and number_tree_get walks it.  Looking each page's key up
 * in the array through qpdf cost a pass over thousands of pairs a page. */
typedef struct {
	int key, at;          /* at: its place in /Nums (the first wins) */
	qpdf_oh val;
} nt_entry;

typedef struct {
	nt_entry *v;
	int n;
} nt_index;

static int
cmp_nt(const void *a, const void *b)
{
	const nt_entry *x = a, *y = b;

	if (x->key != y->key)
		return (x->key > y->key) - (x->key < y->key);
	return (x->at > y->at) - (x->at < y->at);
}

static void
nt_index_make(tctx *c, qpdf_oh t, nt_index *x)
{
	qpdf_oh nums = qpdf_oh_get_key(c->q, t, "/Nums");
	int i, m;

	x->v = NULL;
	x->n = -1;
	if (qpdf_oh_has_key(c->q, t, "/Kids") || !qpdf_oh_is_array(c->q, nums))
		return;
	m = qpdf_oh_get_array_n_items(c->q, nums) / 2;
	x->v = xcalloc((size_t)m + 1, sizeof *x->v);
	for (i = 0; i < m; i++) {
		x->v[i].key = qpdf_oh_get_int_value_as_int(c->q,
		    qpdf_oh_get_array_item(c->q, nums, 2 * i));
		x->v[i].at = i;
		x->v[i].val = qpdf_oh_get_array_item(c->q, nums, 2 * i + 1);
	}
	qsort(x->v, (size_t)m, sizeof *x->v, cmp_nt);
	x->n = m;
}

/* The value for key in the parent tree t (indexed in x), or a null
 * handle. */
static qpdf_oh
nt_get(tctx *c, const nt_index *x, qpdf_oh t, int key)
{
	int lo = 0, hi = x->n;

	if (x->n < 0)
		return number_tree_get(c, t, key, 0);
	while (lo < hi) {          /* the first entry with key >= key */
		int mid = lo + (hi - lo) / 2;
		if (x->v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n && x->v[lo].key == key ? x->v[lo].val :
	    qpdf_oh_new_null(c->q);
}

/* Page i's content with its artifacts marked; 0, or 1 when an MCID to
 * drop was not found in it. */
static int
mark_page(tctx *c, qpdf_oh page, int i, qpdf_oh parent_tree,
    const nt_index *nt)
{
	qpdf_oh cs = qpdf_oh_get_key(c->q, page, "/Contents");
	intset *a = &c->art[i];
	size_t found = 0, j;
	int n, k;

	if (a->n)
		qsort(a->v, a->n, sizeof *a->v, cmp_int);
	cs = as_array(c, cs);
	n = qpdf_oh_get_array_n_items(c->q, cs);
	for (k = 0; k < n; k++) {
		qpdf_oh st = qpdf_oh_get_array_item(c->q, cs, k);
		unsigned char *data = NULL;
		size_t len = 0, olen, conv;
		char *o;

		if (!qpdf_oh_is_stream(c->q, st))
			continue;
		if (qpdf_oh_get_stream_data(c->q, st, qpdf_dl_generalized,
		    NULL, &data, &len) & QPDF_ERRORS) {
			free(data);
			return 1;
		}
		o = pdftag_mark_stream((const char *)data, len, a->v, a->n,
		    &olen, &conv);
		found += conv;
		if (c->save && qpdf_oh_get_object_id(c->q, st) > 0) {
			/* written here, compressed again; cairo's object
			 * holding its old /Length, its own, is left out */
			qpdf_oh d = qpdf_oh_get_dict(c->q, st);
			pdfsave_drop(c->save, qpdf_oh_get_object_id(c->q,
			    qpdf_oh_get_key(c->q, d, "/Length")));
			qpdf_oh_remove_key(c->q, d, "/Length");
			qpdf_oh_remove_key(c->q, d, "/Filter");
			qpdf_oh_remove_key(c->q, d, "/DecodeParms");
			pdfsave_stream(c->save, qpdf_oh_get_object_id(c->q, st),
			    qpdf_oh_unparse_resolved(c->q, d), o, olen, 1);
		} else if (c->save)
			c->lost = 1;
		else
			qpdf_oh_replace_stream_data(c->q, st, (unsigned char *)o,
			    olen, qpdf_oh_new_null(c->q), qpdf_oh_new_null(c->q));
		free(o);
		free(data);
	}
	if (a->n) {
		qpdf_oh arr = nt_get(c, nt, parent_tree,
		    qpdf_oh_get_int_value_as_int(c->q,
		    qpdf_oh_get_key(c->q, page, "/StructParents")));
		int m = qpdf_oh_is_array(c->q, arr) ?
		    qpdf_oh_get_array_n_items(c->q, arr) : 0;
		if (m)
			touch(c, arr);   /* cairo's are objects of their own */
		for (j = 0; j < a->n; j++)
			if (a->v[j] < m)
				qpdf_oh_set_array_item(c->q, arr, a->v[j],
				    qpdf_oh_new_null(c->q));
	}
	return found != a->n;
}

/* What a link does, for its /Contents (PDF/UA wants a description of
 * every annotation), from its action's URI, or its destination (the
 * action's /D when it has an action, else its /Dest): a name or string
 * (dest, in UTF-8), or another kind of destination. */
static char *
describe_link(tctx *c, const char *uri, int dest_kind, const char *d)
{
	const char *colon;
	size_t i;

	if (uri)
		return xasprintf("Link to %s", uri);
	if (dest_kind != ANNOT_DEST_TEXT || !d)
		return xstrdup("Link within this document");
	if (!strncmp(d, "fn:", 3) && (colon = strrchr(d, ':')) != NULL)
		return xasprintf("Footnote %s", colon + 1);
	for (i = 0; i < c->out->nflows; i++)
		if (c->out->flows[i]->id && !strcmp(c->out->flows[i]->id, d))
			return xasprintf("Go to %s", c->out->flows[i]->title ?
			    c->out->flows[i]->title : d);
	return xasprintf("Go to %s", d);
}

/* A link's description, its annotation read through qpdf: for the
 * annotations annotate_raw cannot read, and qpdf's writer. */
static char *
link_text(tctx *c, qpdf_oh annot)
{
	qpdf_oh act = qpdf_oh_get_key(c->q, annot, "/A");
	qpdf_oh dest = qpdf_oh_get_key(c->q, annot, "/Dest");

	if (qpdf_oh_is_dictionary(c->q, act) && qpdf_oh_has_key(c->q, act,
	    "/URI"))
		return describe_link(c, qpdf_oh_get_string_value(c->q,
		    qpdf_oh_get_key(c->q, act, "/URI")), 0, NULL);
	if (qpdf_oh_is_dictionary(c->q, act))
		dest = qpdf_oh_get_key(c->q, act, "/D");
	if (!qpdf_oh_is_string(c->q, dest) && !qpdf_oh_is_name(c->q, dest))
		return describe_link(c, NULL, ANNOT_DEST_OTHER, NULL);
	return describe_link(c, NULL, ANNOT_DEST_TEXT,
	    qpdf_oh_is_string(c->q, dest) ? qpdf_oh_get_utf8_value(c->q, dest) :
	    qpdf_oh_get_name(c->q, dest) + 1);
}

/* Annotation a's /Contents from the bytes cairo wrote (pdfannot.c),
 * added by pdfsave as it copies them, so that qpdf never parses it: 1
 * when done (or when it needs none), 0 when qpdf must read it. */
static int
annotate_raw(tctx *c, qpdf_oh a)
{
	int id = qpdf_oh_get_object_id(c->q, a);
	const char *raw;
	char *t, *str, *entry;
	pdfannot an;
	size_t n;
	int ok;

	if (!c->save || id <= 0 || !(raw = pdfsave_raw(c->save, id, &n)) ||
	    pdfannot_read(raw, n, &an) != 0)
		return 0;
	if (!an.is_link || an.has_contents) {
		pdfannot_clear(&an);
		return 1;
	}
	t = describe_link(c, an.uri, an.dest_kind, an.dest);
	pdfannot_clear(&an);
	if (!(str = pdfannot_text_string(t))) {
		free(t);
		return 0;
	}
	entry = xasprintf("/Contents %s", str);
	ok = pdfsave_append(c->save, id, entry) == 0;
	free(entry);
	free(str);
	free(t);
	return ok;
}

/* Every link annotation gets /Contents; every page tabs in structure
 * order (PDF/UA 7.18). */
static void
annotate_links(tctx *c, qpdf_oh page)
{
	qpdf_oh annots = qpdf_oh_get_key(c->q, page, "/Annots");
	int i, n;

	set_key(c, page, 0, "/Tabs", qpdf_oh_new_name(c->q, "/S"));
	if (!qpdf_oh_is_array(c->q, annots))
		return;
	n = qpdf_oh_get_array_n_items(c->q, annots);
	for (i = 0; i < n; i++) {
		qpdf_oh a = qpdf_oh_get_array_item(c->q, annots, i);
		char *t;
		if (annotate_raw(c, a))
			continue;
		if (!qpdf_oh_is_name_and_equals(c->q,
		    qpdf_oh_get_key(c->q, a, "/Subtype"), "/Link") ||
		    qpdf_oh_has_key(c->q, a, "/Contents"))
			continue;
		t = link_text(c, a);
		set_key(c, a, qpdf_oh_get_object_id(c->q, annots) > 0 ?
		    annots : page, "/Contents",
		    qpdf_oh_new_unicode_string(c->q, t));
		free(t);
	}
}

/* The XMP packet: dc:title (PDF/UA 7.1) and the PDF/UA identification. */
static char *
xmp_packet(const char *title, const char *lang, const char *producer)
{
	buf b;

	buf_init(&b);
	buf_puts(&b, "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	    "  <rdf:Description rdf:about=\"\"\n"
	    "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
	    "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	    "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
	    "   <dc:format>application/pdf</dc:format>\n"
	    "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	escape_xml(&b, title);
	buf_puts(&b, "</rdf:li></rdf:Alt></dc:title>\n"
	    "   <dc:language><rdf:Bag><rdf:li>");
	escape_xml(&b, lang);
	buf_puts(&b, "</rdf:li></rdf:Bag></dc:language>\n"
	    "   <pdf:Producer>");
	escape_xml(&b, producer);
	buf_puts(&b, "</pdf:Producer>\n"
	    "   <xmp:CreatorTool>policyc</xmp:CreatorTool>\n"
	    "   <pdfuaid:part>1</pdfuaid:part>\n"
	    "  </rdf:Description>\n"
	    " </rdf:RDF>\n"
	    "</x:xmpmeta>\n"
	    "<?xpacket end=\"w\"?>\n");
	return buf_detach(&b);
}

/* The catalogue's accessibility entries and metadata. */
static void
finish_catalog(tctx *c, qpdf_oh root, const char *lang)
{
	char *title = xstrdup(qpdf_get_info_key(c->q, "/Title") ?
	    qpdf_get_info_key(c->q, "/Title") : "");
	char *producer = xstrdup(qpdf_get_info_key(c->q, "/Producer") ?
	    qpdf_get_info_key(c->q, "/Producer") : "");
	char *x = xmp_packet(title, lang, producer);
	const char *md_dict = "<< /Type /Metadata /Subtype /XML >>";
	qpdf_oh md;

	if (c->save) {
		/* not compressed, as qpdf's writer leaves metadata */
		md = new_object(c, parse(c, md_dict));
		pdfsave_stream(c->save, qpdf_oh_get_object_id(c->q, md),
		    md_dict, x, strlen(x), 0);
	} else {
		md = qpdf_oh_new_stream(c->q);
		qpdf_oh_replace_stream_data(c->q, md, (unsigned char *)x,
		    strlen(x), qpdf_oh_new_null(c->q), qpdf_oh_new_null(c->q));
		qpdf_oh_replace_key(c->q, qpdf_oh_get_dict(c->q, md), "/Type",
		    qpdf_oh_new_name(c->q, "/Metadata"));
		qpdf_oh_replace_key(c->q, qpdf_oh_get_dict(c->q, md),
		    "/Subtype", qpdf_oh_new_name(c->q, "/XML"));
	}
	set_key(c, root, 0, "/Metadata", md);
	set_key(c, root, 0, "/MarkInfo",
	    parse(c, "<< /Marked true >>"));
	set_key(c, root, 0, "/ViewerPreferences",
	    parse(c, "<< /DisplayDocTitle true >>"));
	set_key(c, root, 0, "/Lang",
	    qpdf_oh_new_unicode_string(c->q, lang));
	free(x);
	free(title);
	free(producer);
}

/* The tagging itself; 0, or 1 with *why set. */
static int
tag_document(tctx *c, const char *lang, const char **why)
{
	qpdf_oh root = qpdf_get_root(c->q);
	qpdf_oh str = qpdf_oh_get_key(c->q, root, "/StructTreeRoot");
	qpdf_oh pt;
	nt_index nt;
	int i, bad = 0;

	c->npages = qpdf_get_num_pages(c->q);
	if (c->npages < 0 || !qpdf_oh_is_dictionary(c->q, str)) {
		*why = "it has no structure tree";
		return 1;
	}
	c->page_id = xcalloc((size_t)c->npages + 1, sizeof *c->page_id);
	c->art = xcalloc((size_t)c->npages + 1, sizeof *c->art);
	for (i = 0; i < c->npages; i++)
		c->page_id[i] = qpdf_oh_get_object_id(c->q,
		    qpdf_get_page_n(c->q, (size_t)i));
	restructure(c, str);
	pt = qpdf_oh_get_key(c->q, str, "/ParentTree");
	nt_index_make(c, pt, &nt);
	for (i = 0; i < c->npages; i++) {
		qpdf_oh page = qpdf_get_page_n(c->q, (size_t)i);
		bad |= mark_page(c, page, i, pt, &nt);
		annotate_links(c, page);
	}
	free(nt.v);
	finish_catalog(c, root, lang);
	if (bad) {
		*why = "a marked-content sequence to make an artifact was "
		    "not in its page";
		return 1;
	}
	return 0;
}

/* Tags the file of data (len bytes) read from path: the tagged bytes in
 * *res (malloc'd, *reslen long), or a reason in *why or qpdf's error.
 * With save, only what changed is written (pdfsave.c); *lost says when
 * that could not be, and the file must be tagged again without it.  The
 * qpdf handle is left in *qres for the caller to clean up. */
static void
tag_bytes(const char *path, const pdf_out *out,
    const char *lang, const char *data, size_t len, int save,
    char **res, size_t *reslen, qpdf_data *qres, const char **why,
    int *lost)
{
	tctx c;
	int i;

	memset(&c, 0, sizeof c);
	c.out = out;
	c.q = qpdf_init();
	*qres = c.q;
	qpdf_silence_errors(c.q);
	qpdf_set_suppress_warnings(c.q, QPDF_TRUE);
	if (save)
		c.save = pdfsave_open(data, len);
	if (qpdf_read_memory(c.q, path, data, len, NULL) & QPDF_ERRORS)
		;
	else if (tag_document(&c, lang && *lang ? lang : "en-GB", why) == 0 &&
	    !qpdf_has_error(c.q) && c.save && !c.lost) {
		qpdf_oh tr = qpdf_get_trailer(c.q);
		*res = pdfsave_write(c.save, c.q,
		    qpdf_oh_get_object_id(c.q, qpdf_get_root(c.q)),
		    qpdf_oh_get_object_id(c.q, qpdf_oh_get_key(c.q, tr, "/Info")),
		    reslen);
		c.lost = !*res;
	} else if (!*why && !qpdf_has_error(c.q) && !c.save) {
		qpdf_init_write_memory(c.q);
		qpdf_set_deterministic_ID(c.q, QPDF_TRUE);
		qpdf_set_object_stream_mode(c.q, qpdf_o_preserve);
		qpdf_set_compress_streams(c.q, QPDF_TRUE);
		/* copy cairo's compressed streams as they are */
		qpdf_set_decode_level(c.q, qpdf_dl_none);
		if (!(qpdf_write(c.q) & QPDF_ERRORS)) {
			*reslen = qpdf_get_buffer_length(c.q);
			*res = xmalloc(*reslen ? *reslen : 1);
			memcpy(*res, qpdf_get_buffer(c.q), *reslen);
		}
	}
	*lost = c.save && c.lost && !*why && !qpdf_has_error(c.q);
	for (i = 0; c.art && i < c.npages; i++)
		free(c.art[i].v);
	free(c.art);
	free(c.page_id);
	pdfsave_free(c.save);
}

int
pdftag_finish(const backend_input *in, const char *path, pdf_out *out,
    const char *lang)
{
	qpdf_data q = NULL;
	const char *why = NULL, *what = "cannot make the PDF accessible";
	const char *rel = backend_beneath_out(in, path);
	size_t len = 0, reslen = 0;
	char *data = NULL, *res = NULL;
	int rc = 0, lost = 0;

	/* cairo's file, from memory (pdfdraw_write) */
	data = out->drawn;
	len = out->ndrawn;
	out->drawn = NULL;
	out->ndrawn = 0;
	if (!rel)
		why = "it is outside the output folder";
	else if (!data)
		why = "it was not drawn";
	else {
		/* POLICYC_PDF_WRITER=qpdf: qpdf writes every file (the
		 * tests compare the two writers) */
		const char *w = getenv("POLICYC_PDF_WRITER");
		tag_bytes(path, out, lang, data, len,
		    !(w && !strcmp(w, "qpdf")), &res, &reslen, &q, &why, &lost);
		if (lost) {
			/* a change only qpdf's writer can make: again */
			qpdf_cleanup(&q);
			tag_bytes(path, out, lang, data, len, 0, &res,
			    &reslen, &q, &why, &lost);
		}
		if (!why && !qpdf_has_error(q) && res &&
		    fsio_write_beneath(in->out_dir, rel, res, reslen) != 0) {
			what = "cannot write PDF";
			why = strerror(errno);
		}
	}
	if (why || (q && qpdf_has_error(q)) || (q && !res)) {
		diag_report_sev(in->ds, SEV_ERROR, R_PDF_WRITE,
		    backend_out_rel(in, path), 0, 0,
		    "%s: %s", what, why ? why :
		    q && qpdf_has_error(q) ? qpdf_get_error_full_text(q,
		    qpdf_get_error(q)) : "it could not be written");
		rc = 1;
	}
	free(res);
	/* A pack's objects (40,000 for 100 generated documents) take a
	 * quarter of a second to free, on the stage's critical path (the
	 * pack is its longest item): a build the process ends with leaves
	 * them to the kernel, as it does the corpus (pipeline.c,
	 * pipeline_free_at_exit).  A document's own are freed: there are
	 * many, and they would add up. */
	if (in->leave_to_exit && out->in_pack)
		q = NULL;   /* not freed: the process ends with the build */
	else if (q)
		qpdf_cleanup(&q);
	free(data);   /* qpdf reads it until its cleanup (or never again) */
	return rc;
}
