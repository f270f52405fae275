/*
 * cmarkmt.c — lets cmark-gfm parse several documents at once.
 *
 * cmark-gfm 0.29 keeps its extensions' special inline characters (the
 * "~" of strikethrough, the ":" and "w" of autolinks...) in global
 * tables.  cmark_parser_finish switches them on for its parser's
 * extensions, cmark_manage_extensions_special_characters(parser, 1),
 * before it parses the inlines, and off again, (parser, 0), after: so one
 * thread finishing a document switched autolinks and strikethrough off
 * under another thread's inline parsing, and document.c had to parse one
 * document at a time — the parse stage, a tenth of a build, ran on one
 * core whatever -j said.
 *
 * This file defines that public function (cmark-gfm-extension_api.h)
 * itself.  The library calls it through its procedure linkage table, so
 * the program's definition is the one reached, as with a malloc wrapper.
 * It lets parsers of one kind at a time into their inline pass (the
 * kind: which extensions with special characters a parser has; every
 * document parser has the same ones, a glossary definition's has none)
 * and counts them: the first one in switches the characters on (the
 * library's own function, found with dlsym(RTLD_NEXT)) and the last one
 * out switches them off.  The tables are therefore on exactly while
 * parsers that want them parse inlines, as when parses ran one at a
 * time, and never under a parser that wants them off.
 *
 * Were the library ever to bind the call inside itself, this definition
 * would never be reached; cmarkmt_parallel() finds that out once, with a
 * parse of its own, and document.c then goes back to one parse at a time.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>

#include "cmarkmt.h"

typedef void (*manage_fn)(cmark_parser *, int);

static manage_fn real_manage;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static atomic_int reached;      /* this definition was called */

/*
 * The parsers inside their inline pass, by kind.  A parser's kind is
 * which of the extensions with special inline characters it has
 * (table "|", strikethrough "~", autolink ":" and "w"): a bit each, so
 * 0 is a parser without them (a glossary definition, a word diff's
 * plain parse).  Only parsers of one kind may be inside at a time, for
 * the tables are global: a plain parser that parses while a document's
 * parser has switched "w" on splits "social worker" into two text
 * nodes, and the glossary matcher no longer finds the term.  A parser
 * of the kind inside enters at once unless another kind is waiting, so
 * a glossary definition parsed during the parse stage waits for the
 * documents in flight, not for all of them.
 */
static pthread_mutex_t kind_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kind_free = PTHREAD_COND_INITIALIZER;
static unsigned kind_inside;    /* the kind of the parsers inside */
static int inside;              /* how many are inside */
static int waiting_other;       /* waiting for the other kind to leave */

static cmark_syntax_extension *with_chars[3];

/* Registers the extensions (cmark's registration is not thread-safe:
 * done here, once, before any parser of ours runs) and finds the
 * library's own function and the extensions with special characters. */
static void
find_real(void)
{
	static const char *const names[] = {
		"table", "strikethrough", "autolink"
	};
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	for (i = 0; i < sizeof names / sizeof *names; i++)
		with_chars[i] = cmark_find_syntax_extension(names[i]);
	real_manage = (manage_fn)dlsym(RTLD_NEXT,
	    "cmark_manage_extensions_special_characters");
}

static unsigned
parser_kind(cmark_parser *parser)
{
	cmark_llist *l;
	unsigned kind = 0, i;

	for (l = cmark_parser_get_syntax_extensions(parser); l; l = l->next)
		for (i = 0; i < sizeof with_chars / sizeof *with_chars; i++)
			if (with_chars[i] && l->data == with_chars[i])
				kind |= 1u << i;
	return kind;
}

void
cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
	unsigned kind;

	pthread_once(&real_once, find_real);
	atomic_store(&reached, 1);
	if (real_manage == NULL)
		return;
	kind = parser_kind(parser);
	pthread_mutex_lock(&kind_lock);
	if (add) {
		if (inside > 0 && (kind_inside != kind || waiting_other > 0)) {
			waiting_other++;
			while (inside > 0 && kind_inside != kind)
				pthread_cond_wait(&kind_free, &kind_lock);
			waiting_other--;
		}
		if (inside++ == 0) {
			kind_inside = kind;
			real_manage(parser, 1);
		}
	} else if (inside > 0 && --inside == 0) {
		real_manage(parser, 0);
		pthread_cond_broadcast(&kind_free);
	}
	pthread_mutex_unlock(&kind_lock);
}

cmark_parser *
cmarkmt_parser(void)
{
	static const char *const exts[] = {
		"table", "strikethrough", "autolink", "tagfilter", "tasklist", NULL
	};
	cmark_parser *parser = cmark_parser_new(CMARK_OPT_FOOTNOTES);
	int i;

	for (i = 0; exts[i]; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(parser, e);
	}
	return parser;
}

static int parallel;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

/* Registers the extensions (find_real) and parses a line of
 * strikethrough to see that the library reaches the counting wrapper
 * and that the characters are on while it parses: "~~a~~" must give a
 * strikethrough node. */
static void
probe(void)
{
	cmark_parser *p;
	cmark_node *root, *para, *first;
	const char *type;

	pthread_once(&real_once, find_real);
	p = cmarkmt_parser();
	atomic_store(&reached, 0);
	cmark_parser_feed(p, "~~a~~\n", 6);
	root = cmark_parser_finish(p);
	para = root ? cmark_node_first_child(root) : NULL;
	first = para ? cmark_node_first_child(para) : NULL;
	type = first ? cmark_node_get_type_string(first) : "";
	parallel = real_manage != NULL && atomic_load(&reached) &&
	    type != NULL && type[0] == 's' && inside == 0;
	if (root)
		cmark_node_free(root);
	cmark_parser_free(p);
}

int
cmarkmt_parallel(void)
{
	pthread_once(&probe_once, probe);
	return parallel;
}
