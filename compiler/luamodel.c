/*
 * luamodel.c — the document model as Lua values.  After the link pass,
 * each filter (filters.c, inside a sandbox of sandbox.c) sees a document
 * as a plain Lua table: its fields, the computed review state, its front
 * matter with lines and columns, and — built on first use, since most
 * filters want one or two — lists of headings, links, images, paragraphs
 * and term uses, and doc:walk over the tree in document order.  corpus()
 * sees every document, the glossary and the link graph.  Everything here
 * reads the model and nothing changes it, which is what lets filters run
 * side by side and in forked children.
 *
 * Every list is built in one pass over the tree.  Positions of nodes a
 * pass made (the text between [[wiki]] links, split-off text) count on
 * from earlier siblings (nodepos.c, shared with the citation search); the
 * walk is memoised per list, so a paragraph of 10,000 wiki links costs
 * 10,000 steps, not 10,000 squared.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "luamodel.h"
#include "nodepos.h"
#include "glossary.h"
#include "jobs.h"
#include "util.h"

/* t[k] = v, a string, when v is not NULL.  Pushed by its length, not
 * with lua_pushstring: that first compares v with the two strings Lua
 * last made from the same address (its API string cache), and every
 * filter makes a table for every document, so those compares - cache
 * misses into the Lua heap - were an eighth of a filter child's time. */
static void set_str(lua_State *L, const char *k, const char *v)
{
	if (v == NULL)
		return;
	lua_pushlstring(L, v, strlen(v));
	lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* Pushes a yval as plain Lua values. [-0, +1, m] */
void luamodel_push_yval(lua_State *L, const yval *v)
{
	size_t i;

	luaL_checkstack(L, 4, "front matter nested too deeply");
	if (v == NULL) {
		lua_pushnil(L);
		return;
	}
	switch (v->kind) {
	case YV_NULL:
		lua_pushnil(L);
		break;
	case YV_STR:
		lua_pushstring(L, v->str ? v->str : "");
		break;
	case YV_BOOL:
		lua_pushboolean(L, v->boolean);
		break;
	case YV_NUM:
		if (v->str && lua_stringtonumber(L, v->str) != 0)
			break;
		lua_pushnumber(L, v->num);
		break;
	case YV_LIST:
		lua_createtable(L, (int)v->n, 0);
		for (i = 0; i < v->n; i++) {
			luamodel_push_yval(L, v->items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case YV_MAP:
		lua_createtable(L, 0, (int)v->n);
		for (i = 0; i < v->n; i++) {
			luamodel_push_yval(L, v->items[i]);
			lua_setfield(L, -2, v->keys[i]);
		}
		break;
	}
}

/* Appends the plain text below n (text, code, breaks as "\n").  Walks
 * the subtree by hand: an iterator would cost a malloc for each of the
 * many paragraphs and links the filters ask for. */
static void plain_text(cmark_node *n, buf *b)
{
	cmark_node *cur = n, *next;
	const char *lit;

	for (;;) {
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			if (lit)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, '\n');
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
			return;
		cur = next;
	}
}

/* The positions of one list or walk (nodepos.c), where the last
 * heading was found, and a buffer for the plain texts it makes (one for
 * the whole list, not one made and freed for each link or paragraph). */
typedef struct {
	nodepos_memo pos;
	size_t heading;
	buf text;
} posmemo;

/* t[k] = the plain text below n. */
static void set_plain(lua_State *L, const char *k, cmark_node *n,
    posmemo *m)
{
	m->text.len = 0;
	plain_text(n, &m->text);
	lua_pushlstring(L, m->text.data ? m->text.data : "", m->text.len);
	lua_setfield(L, -2, k);
}

static const char *link_kind_name(link_kind k)
{
	static const char *const names[] = {
		"unresolved",   /* LINK_UNRESOLVED */
		"external",     /* LINK_EXTERNAL */
		"document",     /* LINK_DOCUMENT */
		"anchor",       /* LINK_ANCHOR */
		"term",         /* LINK_TERM */
		"placeholder",  /* LINK_PLACEHOLDER */
		"broken",       /* LINK_BROKEN */
		"asset"         /* LINK_ASSET */
	};

	if ((unsigned)k < sizeof names / sizeof names[0])
		return names[k];
	return "unresolved";
}

static void memo_init(posmemo *m)
{
	nodepos_init(&m->pos);
	m->heading = 0;
	buf_init(&m->text);
}

static void memo_free(posmemo *m)
{
	nodepos_free(&m->pos);
	buf_free(&m->text);
}

static void node_pos(const document *d, cmark_node *n, int *line, int *col,
    posmemo *m)
{
	nodepos_of(d, n, line, col, &m->pos);
}

/* Where a link starts: where the link pass says it was written, else
 * its node's position (doc.links and luamodel_where alike). */
static void link_pos(const document *d, cmark_node *n, int *line, int *col,
    posmemo *m)
{
	link_info *li = cmark_node_get_user_data(n);

	if (li && li->line > 0) {
		*line = li->line;
		*col = li->col;
	} else
		node_pos(d, n, line, col, m);
}

/* Pushes {href, text, target, anchor, kind, wiki, generated, line,
 * column} for a link node. [-0, +1, m] */
static void push_link(lua_State *L, const document *d, cmark_node *n,
    posmemo *m)
{
	link_info *li = cmark_node_get_user_data(n);
	int line, col;
	const char *url = cmark_node_get_url(n);

	lua_createtable(L, 0, 9);
	set_str(L, "href", li && li->href ? li->href : (url ? url : ""));
	set_plain(L, "text", n, m);
	set_str(L, "kind", link_kind_name(li ? li->kind : LINK_UNRESOLVED));
	if (li && li->kind == LINK_DOCUMENT)
		set_str(L, "target", li->target_id);
	else if (li && li->kind == LINK_TERM)
		set_str(L, "target", li->term_slug);
	else if (li && li->kind == LINK_ANCHOR)
		set_str(L, "target", li->anchor);
	if (li)
		set_str(L, "anchor", li->anchor);
	lua_pushboolean(L, li && li->wiki);
	lua_setfield(L, -2, "wiki");
	lua_pushboolean(L, li && !li->from_source);
	lua_setfield(L, -2, "generated");
	link_pos(d, n, &line, &col, m);
	set_int(L, "line", line);
	set_int(L, "column", col);
}

static void push_image(lua_State *L, const document *d, cmark_node *n,
    posmemo *m)
{
	int line, col;
	const char *url = cmark_node_get_url(n);

	lua_createtable(L, 0, 5);
	set_str(L, "src", url ? url : "");
	set_plain(L, "alt", n, m);
	set_str(L, "title", cmark_node_get_title(n));
	node_pos(d, n, &line, &col, m);
	set_int(L, "line", line);
	set_int(L, "column", col);
}

/* A paragraph that is one strong or emphasised run and nothing else: the
 * converted documents' stand-in for a heading. */
static int heading_like(cmark_node *p)
{
	cmark_node *f = cmark_node_first_child(p);
	cmark_node_type t;

	if (f == NULL || cmark_node_next(f) != NULL)
		return 0;
	t = cmark_node_get_type(f);
	return t == CMARK_NODE_STRONG || t == CMARK_NODE_EMPH;
}

static void push_paragraph(lua_State *L, const document *d, cmark_node *n,
    posmemo *m)
{
	int line, col;

	lua_createtable(L, 0, 4);
	set_plain(L, "text", n, m);
	node_pos(d, n, &line, &col, m);
	set_int(L, "line", line);
	set_int(L, "column", col);
	lua_pushboolean(L, heading_like(n));
	lua_setfield(L, -2, "heading_like");
}

static void push_heading_node(lua_State *L, const document *d, cmark_node *n,
    posmemo *m)
{
	int line, col;
	size_t i, k;

	lua_createtable(L, 0, 5);
	set_int(L, "level", cmark_node_get_heading_level(n));
	set_plain(L, "text", n, m);
	/* the walk meets headings in the order of d->headings: look from
	 * the last one found, so a walk over many headings stays linear */
	for (k = 0; k < d->nheadings; k++) {
		i = (m->heading + k) % d->nheadings;
		if (d->headings[i].node == n) {
			set_str(L, "id", d->headings[i].slug);
			m->heading = i + 1;
			break;
		}
	}
	node_pos(d, n, &line, &col, m);
	set_int(L, "line", line);
	set_int(L, "column", col);
}

static void push_text_node(lua_State *L, const document *d, cmark_node *n,
    int code, posmemo *m)
{
	int line, col;
	const char *lit = cmark_node_get_literal(n);

	lua_createtable(L, 0, 5);
	set_str(L, "text", lit ? lit : "");
	node_pos(d, n, &line, &col, m);
	set_int(L, "line", line);
	set_int(L, "column", col);
	if (code) {
		lua_pushboolean(L, cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK);
		lua_setfield(L, -2, "block");
		set_str(L, "info", cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK ?
		    cmark_node_get_fence_info(n) : NULL);
	}
}

/* What a list or walk holds while it runs, in a userdata so that an
 * error (a filter's, or running out of memory) frees it with the state. */
typedef struct {
	cmark_iter *it;
	posmemo m;
	luamodel_span *spans;   /* doc:texts() */
} walkstate;

static const char WALK_META[] = "policyc.walkstate";

/* __gc of a walkstate; also called when a walk ends. [-0, +0, -] */
static int walkstate_gc(lua_State *L)
{
	walkstate *w = luaL_checkudata(L, 1, WALK_META);

	if (w->it)
		cmark_iter_free(w->it);
	w->it = NULL;
	free(w->spans);
	w->spans = NULL;
	memo_free(&w->m);
	memo_init(&w->m);
	return 0;
}

/* Pushes a walkstate over the tree below root. [-0, +1, m] */
static walkstate *walkstate_new(lua_State *L, cmark_node *root)
{
	walkstate *w = lua_newuserdatauv(L, sizeof *w, 0);

	w->it = NULL;
	w->spans = NULL;
	memo_init(&w->m);
	if (luaL_newmetatable(L, WALK_META)) {
		lua_pushcfunction(L, walkstate_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	if (root)
		w->it = cmark_iter_new(root);
	return w;
}

/* Frees the walkstate at index idx now rather than at the next
 * collection. [-0, +0, -] */
static void walkstate_end(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	lua_pushcfunction(L, walkstate_gc);
	lua_pushvalue(L, idx);
	lua_call(L, 1, 0);
}

/* Which of the document's filter_nodes lists holds nodes of type t, or
 * -1. */
static int list_of(cmark_node_type t)
{
	switch (t) {
	case CMARK_NODE_LINK: return 0;
	case CMARK_NODE_IMAGE: return 1;
	case CMARK_NODE_PARAGRAPH: return 2;
	default: return -1;
	}
}

/*
 * A bounded build's trees in a filter's child (pipeline.c drops every
 * document's tree between stages).  A view makes its tree again only
 * when a field of the body (links, images, paragraphs) or a walk needs
 * it, in document() or later in corpus(); the last LAZY_KEEP made that
 * way are kept, and a tree being walked is never dropped (a walk may
 * reach another document).  One filter runs in one thread of its child.
 */
#define LAZY_KEEP 4

static corpus *lazy_c;
static long lazy_made[LAZY_KEEP] = { -1, -1, -1, -1 };
static int lazy_next;
static unsigned *lazy_pins;   /* walks under way, by document */

void luamodel_lazy_trees(corpus *c)
{
	/* nothing to make again: no state (in-process filters, in the fuzz
	 * build, run side by side on threads) */
	if (!c || !c->tree_make)
		return;
	lazy_c = c;
	free(lazy_pins);
	lazy_pins = xcalloc(c->ndocs ? c->ndocs : 1, sizeof *lazy_pins);
}

/* d's tree, made again if a bounded build dropped it; then settled. */
static void lazy_tree(const document *cd)
{
	document *d = (document *)cd;   /* the child's own copy */
	int k, slot = -1;

	/* parsed, its links the build cache's: linked in place */
	if (d->root && d->links_pending && lazy_c &&
	    d->index < lazy_c->ndocs && lazy_c->docs[d->index] == d)
		lazy_c->tree_make(lazy_c->tree_ctx, d->index);

	if (!d->root && lazy_c && !d->broken &&
	    d->index < lazy_c->ndocs && lazy_c->docs[d->index] == d) {
		for (k = 0; k < LAZY_KEEP && slot < 0; k++) {
			int at = (lazy_next + k) % LAZY_KEEP;
			if (lazy_made[at] < 0 || !lazy_pins[lazy_made[at]])
				slot = at;
		}
		if (slot >= 0) {
			if (lazy_made[slot] >= 0)
				document_drop_tree(lazy_c->docs[lazy_made[slot]]);
			lazy_made[slot] = (long)d->index;
			lazy_next = (slot + 1) % LAZY_KEEP;
		}
		/* every kept one being walked: this one is kept too */
		lazy_c->tree_make(lazy_c->tree_ctx, d->index);
	}
	luamodel_settle_document(d);
}

/* Collects every node of a type as a list of element tables, from the
 * document's list of them (luamodel_settle). [-0, +1, m] */
static void push_node_list(lua_State *L, const document *d, cmark_node_type t)
{
	walkstate *w;
	lua_Integer i = 0;
	int k = list_of(t);
	size_t j;

	lua_newtable(L);
	/* no image in the body (counted at the load): no tree to make */
	if (k < 0 || (t == CMARK_NODE_IMAGE && d->nimages == 0))
		return;
	lazy_tree(d);
	if (d->root == NULL)
		return;
	w = walkstate_new(L, NULL);   /* for its memo of positions */
	for (j = 0; j < d->nfilter_nodes[k]; j++) {
		cmark_node *n = d->filter_nodes[k][j];

		if (t == CMARK_NODE_LINK) {
			if (!luamodel_link_written(n))
				continue;   /* made by a pass, not written */
			push_link(L, d, n, &w->m);
		} else if (t == CMARK_NODE_IMAGE)
			push_image(L, d, n, &w->m);
		else
			push_paragraph(L, d, n, &w->m);
		lua_rawseti(L, -3, ++i);
	}
	walkstate_end(L, -1);
	lua_pop(L, 1);
}

static void push_headings(lua_State *L, const document *d)
{
	size_t i;

	lua_createtable(L, (int)d->nheadings, 0);
	for (i = 0; i < d->nheadings; i++) {
		const heading *h = &d->headings[i];

		lua_createtable(L, 0, 4);
		set_int(L, "level", h->level);
		set_str(L, "text", h->text ? h->text : "");
		set_str(L, "id", h->slug);
		set_int(L, "line", h->line);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void push_terms(lua_State *L, const document *d)
{
	size_t i;

	lua_createtable(L, (int)d->nterms, 0);
	for (i = 0; i < d->nterms; i++) {
		const term_use *u = &d->terms[i];
		static const char *const kinds[] = {"auto", "explicit",
		    "placeholder"};

		lua_createtable(L, 0, 4);
		set_str(L, "term", u->term_slug);
		set_int(L, "line", u->line);
		set_int(L, "column", u->col);
		set_str(L, "kind", (unsigned)u->kind < 3 ? kinds[u->kind] :
		    "auto");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* doc:walk{Heading=f, Link=f, Text=f, Image=f, Paragraph=f, Code=f}
 * [-0, +0, e]: calls each function with an element table, in document
 * order.  Upvalue 1 is the document. */
static int doc_walk(lua_State *L)
{
	const document *d = lua_touserdata(L, lua_upvalueindex(1));
	int fi = lua_istable(L, 1) && !lua_istable(L, 2) ? 1 : 2;
	walkstate *w;
	cmark_event_type ev;
	int ws;

	luaL_checktype(L, fi, LUA_TTABLE);
	lazy_tree(d);
	if (d->root == NULL)
		return 0;
	if (lazy_pins)
		lazy_pins[d->index]++;
	w = walkstate_new(L, d->root);
	ws = lua_gettop(L);
	while ((ev = cmark_iter_next(w->it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(w->it);
		const char *name = NULL;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING: name = "Heading"; break;
		case CMARK_NODE_LINK: name = "Link"; break;
		case CMARK_NODE_TEXT: name = "Text"; break;
		case CMARK_NODE_IMAGE: name = "Image"; break;
		case CMARK_NODE_PARAGRAPH: name = "Paragraph"; break;
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK: name = "Code"; break;
		default: break;
		}
		if (name == NULL)
			continue;
		if (lua_getfield(L, fi, name) == LUA_TNIL) {
			lua_pop(L, 1);
			continue;
		}
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING: push_heading_node(L, d, n, &w->m); break;
		case CMARK_NODE_LINK: push_link(L, d, n, &w->m); break;
		case CMARK_NODE_TEXT: push_text_node(L, d, n, 0, &w->m); break;
		case CMARK_NODE_IMAGE: push_image(L, d, n, &w->m); break;
		case CMARK_NODE_PARAGRAPH: push_paragraph(L, d, n, &w->m); break;
		default: push_text_node(L, d, n, 1, &w->m); break;
		}
		lua_pushstring(L, name);
		lua_setfield(L, -2, "t");
		/* an error unwinds past the iterator; the walkstate's __gc
		 * frees it with the state */
		lua_call(L, 1, 0);
	}
	walkstate_end(L, ws);
	if (lazy_pins)   /* (an error leaves it pinned: the run ends) */
		lazy_pins[d->index]--;
	return 0;
}

static size_t texts_of(posmemo *m, const document *d, buf *text,
    luamodel_span **spans);

/* doc:texts() -> text, starts, lines, columns [-0, +4, e]: the body's
 * Text nodes (as doc:walk gives them to Text, so never code) joined by
 * "\n" into one string, and for the k-th node where it starts in that
 * string (from 1), its line and its column.  A filter that searches the
 * words of a document (outdated-terms) makes one string.find per word
 * over it, and a table for the few nodes it reports on, where a walk
 * made a table and a call for each of a document's hundreds of Text
 * nodes: four fifths of that filter's time.  Upvalue 1 is the
 * document. */
static int doc_texts(lua_State *L)
{
	const document *d = lua_touserdata(L, lua_upvalueindex(1));
	walkstate *w;
	size_t n, k;

	lua_settop(L, 0);
	lazy_tree(d);   /* no Lua runs during the walk: nothing to pin */
	w = walkstate_new(L, NULL);   /* frees the spans on an error */
	n = texts_of(&w->m, d, &w->m.text, &w->spans);
	lua_pushlstring(L, w->m.text.data ? w->m.text.data : "",
	    w->m.text.len);
	lua_createtable(L, (int)n, 0);
	lua_createtable(L, (int)n, 0);
	lua_createtable(L, (int)n, 0);
	for (k = 0; k < n; k++) {
		lua_pushinteger(L, (lua_Integer)w->spans[k].start + 1);
		lua_rawseti(L, 3, (lua_Integer)k + 1);
		lua_pushinteger(L, w->spans[k].line);
		lua_rawseti(L, 4, (lua_Integer)k + 1);
		lua_pushinteger(L, w->spans[k].col);
		lua_rawseti(L, 5, (lua_Integer)k + 1);
	}
	walkstate_end(L, 1);
	lua_remove(L, 1);       /* text, starts, lines, columns */
	return 4;
}

/* doc.meta, the whole front matter (with review and approved in their
 * normalised form: "YYYY-MM" is the month's end), or doc.meta_lines or
 * doc.meta_columns (what = 0, 1, 2).  [-0, +1, m] */
static void push_meta(lua_State *L, const document *d, int what)
{
	int map = d->meta && d->meta->kind == YV_MAP;
	size_t i;

	if (what == 0) {
		if (map)
			luamodel_push_yval(L, d->meta);
		else
			lua_newtable(L);
		set_str(L, "review", d->review);
		set_str(L, "approved", d->approved);
		return;
	}
	lua_createtable(L, 0, map ? (int)d->meta->n : 0);
	for (i = 0; map && i < d->meta->n; i++) {
		if (what == 1)
			lua_pushinteger(L, d->meta->key_lines ?
			    d->meta->key_lines[i] : 0);
		else
			lua_pushinteger(L, d->meta->items[i] ?
			    d->meta->items[i]->col : 0);
		lua_setfield(L, -2, d->meta->keys[i]);
	}
}

/* __index of a document table: builds the costly lists, and the front
 * matter's tables, on first use (most filters read one or two of them,
 * and each filter reads every document).
 * [-0, +1, m]  Upvalue 1 is the document. */
static int doc_lazy(lua_State *L)
{
	const document *d = lua_touserdata(L, lua_upvalueindex(1));
	const char *k = lua_tostring(L, 2);

	if (k == NULL || !lua_istable(L, 1))
		return 0;
	if (strcmp(k, "headings") == 0)
		push_headings(L, d);
	else if (strcmp(k, "links") == 0)
		push_node_list(L, d, CMARK_NODE_LINK);
	else if (strcmp(k, "images") == 0)
		push_node_list(L, d, CMARK_NODE_IMAGE);
	else if (strcmp(k, "paragraphs") == 0)
		push_node_list(L, d, CMARK_NODE_PARAGRAPH);
	else if (strcmp(k, "terms") == 0)
		push_terms(L, d);
	else if (strcmp(k, "meta") == 0)
		push_meta(L, d, 0);
	else if (strcmp(k, "meta_lines") == 0)
		push_meta(L, d, 1);
	else if (strcmp(k, "meta_columns") == 0)
		push_meta(L, d, 2);
	else
		return 0;
	lua_pushvalue(L, -1);
	lua_setfield(L, 1, k);   /* the document table has no __newindex */
	return 1;
}

const char *luamodel_review_state_name(enum review_state st)
{
	static const char *const names[] = {
		"none",       /* REVIEW_NONE */
		"ok",         /* REVIEW_OK */
		"due-soon",   /* REVIEW_DUE_SOON */
		"overdue",    /* REVIEW_OVERDUE */
		"skipped"     /* REVIEW_SKIPPED */
	};

	if ((unsigned)st < sizeof names / sizeof names[0])
		return names[st];
	return "none";
}

void luamodel_push_document(lua_State *L, const document *d)
{
	lua_createtable(L, 0, 12);
	set_str(L, "id", d->id);
	set_str(L, "path", d->path);
	set_str(L, "title", d->title ? d->title : "");
	set_str(L, "type", d->type ? d->type : "");
	set_str(L, "status", d->status ? d->status : "active");
	set_str(L, "section", d->section ? d->section : "");
	set_str(L, "review", d->review);
	set_str(L, "approved", d->approved);
	set_int(L, "title_line", d->title_line);
	/* computed once, before filters run, from review:, the status and
	 * today: a site badge and the review rules read the same state */
	set_str(L, "review_state", luamodel_review_state_name(d->review_state));
	set_int(L, "review_days", d->review_days);

	lua_pushlightuserdata(L, (void *)d);
	lua_pushcclosure(L, doc_walk, 1);
	lua_setfield(L, -2, "walk");
	lua_pushlightuserdata(L, (void *)d);
	lua_pushcclosure(L, doc_texts, 1);
	lua_setfield(L, -2, "texts");

	lua_createtable(L, 0, 1);
	lua_pushlightuserdata(L, (void *)d);
	lua_pushcclosure(L, doc_lazy, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
}


static const char *edge_kind_name(edge_kind k)
{
	switch (k) {
	case EDGE_RELATED: return "related";
	case EDGE_LINK: return "link";
	case EDGE_SUPERSEDED_BY: return "superseded-by";
	}
	return "link";
}

/* corpus: {documents = {[id] = doc}, ids = {sorted ids}, glossary =
 * {[slug] = entry}, edges = {{from, to, kind, line, note}}} [-0, +1, m] */
void luamodel_push_corpus(lua_State *L, const corpus *c)
{
	size_t i, j;

	lua_createtable(L, 0, 4);
	lua_createtable(L, 0, (int)c->ndocs);
	lua_createtable(L, (int)c->ndocs, 0);
	for (i = 0; i < c->ndocs; i++) {
		luamodel_push_document(L, c->docs[i]);
		lua_setfield(L, -3, c->docs[i]->id);
		lua_pushstring(L, c->docs[i]->id);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -3, "ids");
	lua_setfield(L, -2, "documents");

	lua_newtable(L);
	if (c->glossary) {
		size_t n = glossary_count(c->glossary);

		for (i = 0; i < n; i++) {
			const glossary_entry *e = glossary_at(c->glossary, i);

			lua_createtable(L, 0, 7);
			set_str(L, "slug", e->slug);
			set_str(L, "term", e->term);
			set_str(L, "abbr", e->abbr);
			set_str(L, "definition", e->definition);
			set_str(L, "source", e->source);
			set_int(L, "line", e->line);
			lua_createtable(L, (int)e->naliases, 0);
			for (j = 0; j < e->naliases; j++) {
				lua_pushstring(L, e->aliases[j]);
				lua_rawseti(L, -2, (lua_Integer)j + 1);
			}
			lua_setfield(L, -2, "aliases");
			lua_setfield(L, -2, e->slug);
		}
	}
	lua_setfield(L, -2, "glossary");

	lua_createtable(L, (int)c->nedges, 0);
	for (i = 0; i < c->nedges; i++) {
		const edge *e = &c->edges[i];

		if (e->from >= c->ndocs || e->to >= c->ndocs)
			continue;
		lua_createtable(L, 0, 5);
		set_str(L, "from", c->docs[e->from]->id);
		set_str(L, "to", c->docs[e->to]->id);
		set_str(L, "kind", edge_kind_name(e->kind));
		set_int(L, "line", e->line);
		set_str(L, "note", e->note);
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	}
	lua_setfield(L, -2, "edges");
}

/*
 * cmark-gfm keeps a node's literal, URL, title and fence info as a slice
 * of the source until first asked for it, then copies it to a C string
 * and stores that in the node.  Asking once for every node here, before
 * any filter runs, means the filters only read the trees: two filters
 * in threads do not race to fill in the same node, and a filter in a
 * child does not redo the copies on copy-on-write pages of the parent's
 * trees (measured: three times the filters stage on 1,000 documents).
 */
static void settle_node(cmark_node *n)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		(void)cmark_node_get_url(n);
		(void)cmark_node_get_title(n);
		break;
	case CMARK_NODE_CODE_BLOCK:
		(void)cmark_node_get_fence_info(n);
		(void)cmark_node_get_literal(n);
		break;
	default:
		(void)cmark_node_get_literal(n);
		break;
	}
}

void luamodel_settle_document(document *d)
{
	cmark_iter *it;
	cmark_event_type ev;
	size_t cap[3] = { 0, 0, 0 };

	/* a tree not linked yet (incrlinks.c) is settled once linked */
	if (d->root == NULL || d->settled || d->links_pending)
		return;
	it = cmark_iter_new(d->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		int k;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		settle_node(n);
		if ((k = list_of(cmark_node_get_type(n))) < 0)
			continue;
		if (d->nfilter_nodes[k] == cap[k]) {
			cap[k] = cap[k] ? 2 * cap[k] : 16;
			d->filter_nodes[k] = xrealloc(d->filter_nodes[k],
			    cap[k] * sizeof *d->filter_nodes[k]);
		}
		d->filter_nodes[k][d->nfilter_nodes[k]++] = n;
	}
	cmark_iter_free(it);
	d->settled = 1;
}

static void settle_one(void *arg, size_t i, int worker)
{
	corpus *c = arg;

	(void)worker;
	/* linked first, when its links were the build cache's: the
	 * filters' children then share it (incrlinks.c) */
	if (c->docs[i]->links_pending || c->docs[i]->tree_deferred)
		(void)corpus_tree_need(c, i);
	luamodel_settle_document(c->docs[i]);
}

void luamodel_settle(corpus *c, int jobs)
{
	jobs_run(c->ndocs, jobs, settle_one, c);
}

/* ---- the view from C (cfilters.c) ----------------------------------- */

struct luamodel_reader {
	posmemo m;
};

luamodel_reader *luamodel_reader_new(void)
{
	luamodel_reader *r = xcalloc(1, sizeof *r);

	memo_init(&r->m);
	return r;
}

void luamodel_reader_free(luamodel_reader *r)
{
	if (r == NULL)
		return;
	memo_free(&r->m);
	free(r);
}

void luamodel_reader_reset(luamodel_reader *r)
{
	nodepos_free(&r->m.pos);
	nodepos_init(&r->m.pos);
	r->m.heading = 0;
}

size_t luamodel_nodes(const document *d, int list, cmark_node *const **nodes)
{
	*nodes = NULL;
	if (list < 0 || list > 2 || d->root == NULL)
		return 0;
	*nodes = d->filter_nodes[list];
	return d->nfilter_nodes[list];
}

int luamodel_link_written(cmark_node *link)
{
	link_info *li = cmark_node_get_user_data(link);

	return !(li && !li->from_source);
}

const char *luamodel_plain(luamodel_reader *r, cmark_node *n, size_t *len)
{
	r->m.text.len = 0;
	if (r->m.text.data)
		r->m.text.data[0] = '\0';   /* a text of nothing is "" */
	plain_text(n, &r->m.text);
	*len = r->m.text.len;
	return r->m.text.data ? r->m.text.data : "";
}

void luamodel_where(luamodel_reader *r, const document *d, cmark_node *n,
    int *line, int *col)
{
	if (cmark_node_get_type(n) == CMARK_NODE_LINK)
		link_pos(d, n, line, col, &r->m);
	else
		node_pos(d, n, line, col, &r->m);
}

int luamodel_heading_like(cmark_node *p)
{
	return heading_like(p);
}

/* The walk of doc:texts() and luamodel_texts: the body's Text nodes
 * joined by "\n" into text, and where each starts (from 0), its line
 * and column in *spans (caller frees). */
static size_t texts_of(posmemo *m, const document *d, buf *text,
    luamodel_span **spans)
{
	cmark_iter *it;
	cmark_event_type ev;
	size_t k = 0, cap = 0;
	luamodel_span *v = NULL;

	text->len = 0;
	if (text->data)
		text->data[0] = '\0';
	*spans = NULL;
	if (d->root == NULL)
		return 0;
	it = cmark_iter_new(d->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(n) != CMARK_NODE_TEXT)
			continue;
		lit = cmark_node_get_literal(n);
		if (k == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof *v);
		}
		if (k > 0)
			buf_putc(text, '\n');
		v[k].start = text->len;
		node_pos(d, n, &v[k].line, &v[k].col, m);
		buf_puts(text, lit ? lit : "");
		k++;
	}
	cmark_iter_free(it);
	*spans = v;
	return k;
}

size_t luamodel_texts(luamodel_reader *r, const document *d, buf *text,
    luamodel_span **spans)
{
	return texts_of(&r->m, d, text, spans);
}
