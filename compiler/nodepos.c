/*
 * nodepos.c — the position of a node a pass made (a term link, the text
 * split off around a [[wiki]] link), which cmark-gfm leaves at 0.
 *
 * The rule: count on from the nearest earlier sibling that has a
 * one-line position (its end column + 1), or from a made link that knows
 * where its source sits (a [[wiki]] link: its column + the length of
 * "[[...]]" as written; a term link: its column + its text, which is the
 * text as written), adding the text of the siblings between; stop at a
 * sibling that spans lines or a line break (then take the parent's
 * position, as counting on would mislead); with no such sibling, the
 * parent's position plus the text before.
 *
 * A walk that went sibling by sibling for each node was quadratic in a
 * paragraph of made nodes (10,000 [[wiki]] links and the spaces between
 * them ran past the filter time limit).  So the walk's result for each
 * node is kept: S(n), the position the walk from n's previous sibling
 * gives, is S(p) moved on by p's text when p is skipped, and each S(n) is
 * worked out once per memo.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nodepos.h"
#include "util.h"

/* The result of the walk from a node's previous sibling: the position,
 * and whether later siblings' text moves it on. */
typedef struct nodepos_walk {
	int line, col, shift;
} spos;

void
nodepos_init(nodepos_memo *m)
{
	memset(m, 0, sizeof *m);
}

void
nodepos_free(nodepos_memo *m)
{
	free(m->keys);
	free(m->vals);
	free(m->stack);
	nodepos_init(m);
}

static int
has_pos(cmark_node *n)
{
	return cmark_node_get_start_line(n) > 0;
}

/* Bytes of plain text below n (text and code literally, a line break
 * one byte), as the filters' text of n has. */
static int
text_len(cmark_node *n)
{
	cmark_node *cur = n, *next;
	const char *lit;
	size_t len = 0;

	for (;;) {
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			if (lit)
				len += strlen(lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			len++;
			break;
		default:
			break;
		}
		if ((next = cmark_node_first_child(cur)) != NULL) {
			cur = next;
			continue;
		}
		while (cur != n && (next = cmark_node_next(cur)) == NULL)
			cur = cmark_node_parent(cur);
		if (cur == n)
			break;
		cur = next;
	}
	return len > INT32_MAX ? INT32_MAX : (int)len;
}

static size_t
memo_slot(const nodepos_memo *m, const cmark_node *n)
{
	size_t h = (size_t)(uintptr_t)n;

	h ^= h >> 17;
	h *= (size_t)0x9E3779B97F4A7C15ULL;
	return (h >> 7) & (m->cap - 1);
}

static const spos *
memo_get(const nodepos_memo *m, const cmark_node *n)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = memo_slot(m, n); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == n)
			return &m->vals[i];
	return NULL;
}

static void
memo_put(nodepos_memo *m, cmark_node *n, spos v)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		nodepos_memo old = *m;
		size_t k;

		m->cap = old.cap ? old.cap * 2 : 64;
		m->keys = xcalloc(m->cap, sizeof *m->keys);
		m->vals = xcalloc(m->cap, sizeof *m->vals);
		m->n = 0;
		for (k = 0; k < old.cap; k++)
			if (old.keys[k])
				memo_put(m, old.keys[k], old.vals[k]);
		free(old.keys);
		free(old.vals);
	}
	for (i = memo_slot(m, n); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == n) {
			m->vals[i] = v;
			return;
		}
	m->keys[i] = n;
	m->vals[i] = v;
	m->n++;
}

static void
memo_push(nodepos_memo *m, cmark_node *n)
{
	if (m->nstack == m->stackcap) {
		m->stackcap = m->stackcap ? m->stackcap * 2 : 64;
		m->stack = xrealloc(m->stack, m->stackcap * sizeof *m->stack);
	}
	m->stack[m->nstack++] = n;
}

int
nodepos_in_wiki_text(cmark_node *n)
{
	for (; n; n = cmark_node_parent(n)) {
		cmark_node_type t = cmark_node_get_type(n);
		link_info *li;

		if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)
			return 0;
		if (t == CMARK_NODE_LINK && !has_pos(n) &&
		    (li = cmark_node_get_user_data(n)) != NULL && li->wiki)
			return 1;
	}
	return 0;
}

/* Bytes of source a made link stands for: "[[...]]" as written for a
 * wiki link (its text is the target's title, which may be longer or
 * shorter), its text for a term link (the words as written). */
static int
made_link_len(cmark_node *p, const link_info *li)
{
	if (li->wiki && li->href)
		return (int)strlen(li->href);
	return text_len(p);
}

/* Bytes a skipped sibling moves the column on by. */
static int
skipped_len(cmark_node *p)
{
	link_info *li = cmark_node_get_type(p) == CMARK_NODE_LINK ?
	    cmark_node_get_user_data(p) : NULL;

	return li ? made_link_len(p, li) : text_len(p);
}

/* S(n) when the walk ends at n's previous sibling p (or at the parent
 * when p is NULL); returns 0 when p is to be skipped. */
static int
walk_ends(const document *d, cmark_node *n, cmark_node *p, spos *s,
    nodepos_memo *m)
{
	link_info *li;

	if (p == NULL) {
		cmark_node *up = cmark_node_parent(n);

		nodepos_of(d, up, &s->line, &s->col, m);
		/* a [[wiki]] link's text is the target's title, not the
		 * source: what is inside it sits at the link */
		s->shift = s->col > 0 && !nodepos_in_wiki_text(up);
		return 1;
	}
	li = cmark_node_get_type(p) == CMARK_NODE_LINK ?
	    cmark_node_get_user_data(p) : NULL;
	if (has_pos(p) && cmark_node_get_end_line(p) ==
	    cmark_node_get_start_line(p)) {
		s->line = cmark_node_get_end_line(p);
		s->col = cmark_node_get_end_column(p) + 1;
		s->shift = 1;
		return 1;
	}
	if (!has_pos(p) && li && li->line > 0 && (li->wiki ||
	    !li->from_source)) {
		s->line = li->line;
		s->col = li->col + made_link_len(p, li);
		s->shift = 1;
		return 1;
	}
	if (has_pos(p) || cmark_node_get_type(p) == CMARK_NODE_SOFTBREAK ||
	    cmark_node_get_type(p) == CMARK_NODE_LINEBREAK) {
		/* spans lines: counting on would mislead */
		nodepos_of(d, cmark_node_parent(n), &s->line, &s->col, m);
		s->shift = 0;
		return 1;
	}
	return 0;
}

/* S(n), worked out for n and every skipped sibling before it that has no
 * result yet, without recursion along the siblings. */
static spos
sibling_pos(const document *d, cmark_node *n, nodepos_memo *m)
{
	cmark_node *cur = n;
	const spos *known;
	spos s;
	size_t base = m->nstack;

	for (;;) {
		if ((known = memo_get(m, cur)) != NULL) {
			s = *known;
			break;
		}
		if (walk_ends(d, cur, cmark_node_previous(cur), &s, m)) {
			memo_put(m, cur, s);
			break;
		}
		memo_push(m, cur);
		cur = cmark_node_previous(cur);
	}
	/* cur has its result; each node on the stack follows the one below */
	while (m->nstack > base) {
		cmark_node *next = m->stack[--m->nstack];

		if (s.shift)
			s.col += skipped_len(cur);
		memo_put(m, next, s);
		cur = next;
	}
	return s;
}

void
nodepos_of(const document *d, cmark_node *n, int *line, int *col,
    nodepos_memo *m)
{
	spos s;

	*line = *col = 0;
	if (n == NULL)
		return;
	/* document.c feeds cmark the front matter as blank lines, so
	 * cmark's line numbers are already the file's */
	if (has_pos(n)) {
		*line = cmark_node_get_start_line(n);
		*col = cmark_node_get_start_column(n);
		return;
	}
	if (cmark_node_get_type(n) == CMARK_NODE_LINK) {
		link_info *li = cmark_node_get_user_data(n);

		if (li && li->line > 0) {
			*line = li->line;
			*col = li->col;
			return;
		}
	}
	s = sibling_pos(d, n, m);
	*line = s.line;
	*col = s.col;
}
