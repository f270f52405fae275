/*
 * docshare.c — documents shared between editions are parsed once.  When
 * several editions are built in one run (editions.c turns sharing on),
 * document.c's parse_body asks here before it runs cmark: the text it
 * would feed the parser (a core document's body, after the edition's
 * profile, overlay and template syntax have made it what it is) is the
 * key, so two editions that read the same core file the same way share
 * one parse, and an edition whose overlay or profile changed the text
 * parses its own.  Each asker gets a deep copy of the one tree, with
 * every source position kept, because the stages after the parse
 * (variables, glossary links, link checks) change the tree per edition.
 * cmark-gfm has no tree copy: the copy is made here from its node struct
 * (cmark-gfm/node.h, installed by libcmark-gfm-dev) and the tables'
 * public setters.  A second asker of a text being parsed waits for it,
 * so the counts do not depend on timing.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm/node.h>

#include "docshare.h"
#include "util.h"

typedef struct {
	char *text;
	size_t len;
	unsigned long hash;
	cmark_node *root;      /* NULL while its first asker parses it */
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t parsed = PTHREAD_COND_INITIALIZER;
static entry *tab;
static size_t ntab, nshared;
static int on;

static unsigned long
hash_of(const char *s, size_t n)
{
	unsigned long h = 14695981039346656037UL;   /* FNV-1a */
	size_t i;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211UL;
	return h;
}

/* ---- the copy ---- */

static void
chunk_copy(cmark_mem *mem, cmark_chunk *to, const cmark_chunk *from)
{
	to->data = mem->calloc((size_t)from->len + 1, 1);
	if (from->len)
		memcpy(to->data, from->data, (size_t)from->len);
	to->len = from->len;
	to->alloc = from->len + 1;
}

/* The node's own data: what cmark's free_node_as frees is copied (the
 * copy owns it), tables through their extension's setters. */
static void
copy_as(cmark_node *to, cmark_node *from)
{
	cmark_mem *mem = cmark_node_mem(from);

	switch (from->type) {
	case CMARK_NODE_CODE_BLOCK:
		to->as.code = from->as.code;
		chunk_copy(mem, &to->as.code.info, &from->as.code.info);
		chunk_copy(mem, &to->as.code.literal, &from->as.code.literal);
		return;
	case CMARK_NODE_TEXT:
	case CMARK_NODE_HTML_INLINE:
	case CMARK_NODE_CODE:
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_FOOTNOTE_REFERENCE:
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		chunk_copy(mem, &to->as.literal, &from->as.literal);
		return;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		chunk_copy(mem, &to->as.link.url, &from->as.link.url);
		chunk_copy(mem, &to->as.link.title, &from->as.link.title);
		return;
	case CMARK_NODE_CUSTOM_BLOCK:
	case CMARK_NODE_CUSTOM_INLINE:
		chunk_copy(mem, &to->as.custom.on_enter, &from->as.custom.on_enter);
		chunk_copy(mem, &to->as.custom.on_exit, &from->as.custom.on_exit);
		return;
	case CMARK_NODE_LIST:
	case CMARK_NODE_ITEM:    /* a task list item's checked too */
		to->as.list = from->as.list;
		return;
	case CMARK_NODE_HEADING:
		to->as.heading = from->as.heading;
		return;
	default:
		break;
	}
	if (!from->extension)
		return;
	/* An extension may allocate data for a node the parser made without
	 * it (the table's cells: opaque_alloc on a new node, while the
	 * parser's cells have none and its opaque_free frees none): mirror
	 * the parsed node, or the copy's would leak. */
	if (!from->as.opaque && to->as.opaque) {
		mem->free(to->as.opaque);
		to->as.opaque = NULL;
		return;
	}
	/* the table extension's node types are not in its headers: by name */
	if (!strcmp(cmark_node_get_type_string(from), "table")) {
		uint16_t n = cmark_gfm_extensions_get_table_columns(from);
		cmark_gfm_extensions_set_table_columns(to, n);
		if (n && cmark_gfm_extensions_get_table_alignments(from))
			cmark_gfm_extensions_set_table_alignments(to, n,
			    cmark_gfm_extensions_get_table_alignments(from));
	} else if (!strcmp(cmark_node_get_type_string(from), "table_row") ||
	    !strcmp(cmark_node_get_type_string(from), "table_header"))
		cmark_gfm_extensions_set_table_row_is_header(to,
		    cmark_gfm_extensions_get_table_row_is_header(from));
}

typedef struct {
	cmark_node **from, **to;   /* footnote definitions, to re-point refs */
	size_t n;
} defs;

static cmark_node *
copy_tree(cmark_node *from, defs *fd)
{
	cmark_node *to = cmark_node_new_with_mem_and_ext(
	    (cmark_node_type)from->type, cmark_node_mem(from), from->extension);
	cmark_node *c, *last = NULL;

	to->start_line = from->start_line;
	to->start_column = from->start_column;
	to->end_line = from->end_line;
	to->end_column = from->end_column;
	to->internal_offset = from->internal_offset;
	to->flags = from->flags;
	to->footnote = from->footnote;
	to->parent_footnote_def = from->parent_footnote_def;  /* re-pointed */
	if (from->content.size)
		cmark_strbuf_put(&to->content, from->content.ptr,
		    from->content.size);
	copy_as(to, from);
	if (from->type == CMARK_NODE_FOOTNOTE_DEFINITION) {
		fd->from = xrealloc(fd->from, (fd->n + 1) * sizeof *fd->from);
		fd->to = xrealloc(fd->to, (fd->n + 1) * sizeof *fd->to);
		fd->from[fd->n] = from;
		fd->to[fd->n++] = to;
	}
	for (c = from->first_child; c; c = c->next) {
		cmark_node *k = copy_tree(c, fd);
		k->parent = to;
		k->prev = last;
		if (last)
			last->next = k;
		else
			to->first_child = k;
		last = k;
	}
	to->last_child = last;
	return to;
}

static void
repoint(cmark_node *n, const defs *fd)
{
	size_t i;
	cmark_node *c;

	if (n->parent_footnote_def) {
		cmark_node *was = n->parent_footnote_def;
		n->parent_footnote_def = NULL;
		for (i = 0; i < fd->n; i++)
			if (fd->from[i] == was)
				n->parent_footnote_def = fd->to[i];
	}
	for (c = n->first_child; c; c = c->next)
		repoint(c, fd);
}

cmark_node *
docshare_copy(cmark_node *root)
{
	defs fd = { NULL, NULL, 0 };
	cmark_node *to = copy_tree(root, &fd);

	repoint(to, &fd);
	free(fd.from);
	free(fd.to);
	return to;
}

/* ---- the table ---- */

void
docshare_enable(int yes)
{
	pthread_mutex_lock(&lock);
	on = yes;
	pthread_mutex_unlock(&lock);
}

cmark_node *
docshare_get(const char *text, size_t len)
{
	cmark_node *copy = NULL, *master = NULL;
	unsigned long h;
	size_t i;

	/* a single project (sharing off) must not pay for hashing every
	 * document's text: 5 % of the parse stage */
	pthread_mutex_lock(&lock);
	if (!on) {
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	pthread_mutex_unlock(&lock);
	h = hash_of(text, len);
	pthread_mutex_lock(&lock);
	for (i = 0; i < ntab; i++)
		if (tab[i].hash == h && tab[i].len == len &&
		    !memcmp(tab[i].text, text, len))
			break;
	if (i == ntab) {
		/* ours to parse: others asking for this text wait for it */
		tab = xrealloc(tab, (ntab + 1) * sizeof *tab);
		tab[ntab].text = xmalloc(len + 1);
		memcpy(tab[ntab].text, text, len);
		tab[ntab].len = len;
		tab[ntab].hash = h;
		tab[ntab].root = NULL;
		ntab++;
	} else {
		while (!tab[i].root)
			pthread_cond_wait(&parsed, &lock);
		master = tab[i].root;   /* kept, unchanged, until docshare_clear */
		nshared++;
	}
	pthread_mutex_unlock(&lock);
	if (master)
		copy = docshare_copy(master);
	return copy;
}

void
docshare_put(const char *text, size_t len, cmark_node *root)
{
	unsigned long h;
	cmark_node *master;
	size_t i;
	int want;

	pthread_mutex_lock(&lock);
	want = on;
	pthread_mutex_unlock(&lock);
	if (!want)
		return;
	h = hash_of(text, len);
	master = docshare_copy(root);
	pthread_mutex_lock(&lock);
	for (i = 0; i < ntab; i++)
		if (!tab[i].root && tab[i].hash == h && tab[i].len == len &&
		    !memcmp(tab[i].text, text, len)) {
			tab[i].root = master;
			master = NULL;
			pthread_cond_broadcast(&parsed);
			break;
		}
	pthread_mutex_unlock(&lock);
	if (master)   /* sharing was turned on after this text was asked for */
		cmark_node_free(master);
}

void
docshare_stats(size_t *parses, size_t *shared)
{
	pthread_mutex_lock(&lock);
	*parses = ntab;
	*shared = nshared;
	pthread_mutex_unlock(&lock);
}

void
docshare_clear(void)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ntab; i++) {
		free(tab[i].text);
		if (tab[i].root)
			cmark_node_free(tab[i].root);
	}
	free(tab);
	tab = NULL;
	ntab = nshared = 0;
	on = 0;
	pthread_mutex_unlock(&lock);
}
