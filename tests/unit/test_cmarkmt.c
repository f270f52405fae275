/*
 * test_cmarkmt.c — unit tests of cmarkmt.c, which lets cmark-gfm parse in
 * several threads at once: parsers of one kind (the same extensions) side
 * by side, and a parser of another kind beside them, which must wait for
 * its own special characters rather than parse with the others'.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>

#include "cmarkmt.h"
#include "harness.h"

#define ROUNDS 2000

static atomic_int wrong;
static atomic_int stop;

/* Documents of one kind (strikethrough only): each parse must give its
 * strikethrough node. */
static void *
parse_documents(void *arg)
{
	static const char md[] = "Visit www.example.org; ~~struck~~.\n";
	int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
		cmark_node *root, *para, *n;
		int struck = 0;

		cmark_parser_attach_syntax_extension(p,
		    cmark_find_syntax_extension("strikethrough"));
		cmark_parser_feed(p, md, sizeof md - 1);
		root = cmark_parser_finish(p);
		para = cmark_node_first_child(root);
		for (n = cmark_node_first_child(para); n; n = cmark_node_next(n))
			if (strcmp(cmark_node_get_type_string(n),
			    "strikethrough") == 0)
				struck = 1;
		if (!struck)
			atomic_fetch_add(&wrong, 1);
		cmark_node_free(root);
		cmark_parser_free(p);
	}
	return NULL;
}

/* A parser of another kind: autolinks only (its special characters ":"
 * and "w" are not the documents' "~" alone).  Were it let in beside a
 * document's parser, the first one in would have switched on only its own
 * characters, and "www.example.org" would stay text. */
static void *
parse_autolinks(void *arg)
{
	static const char md[] = "a social worker: see www.example.org\n";

	(void)arg;
	while (!atomic_load(&stop)) {
		cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
		cmark_node *root, *para, *n;
		int linked = 0;

		cmark_parser_attach_syntax_extension(p,
		    cmark_find_syntax_extension("autolink"));
		cmark_parser_feed(p, md, sizeof md - 1);
		root = cmark_parser_finish(p);
		para = cmark_node_first_child(root);
		for (n = cmark_node_first_child(para); n; n = cmark_node_next(n))
			if (cmark_node_get_type(n) == CMARK_NODE_LINK)
				linked = 1;
		if (!linked)
			atomic_fetch_add(&wrong, 1);
		cmark_node_free(root);
		cmark_parser_free(p);
	}
	return NULL;
}

UNIT_TEST(cmarkmt_two_kinds_never_overlap)
{
	pthread_t docs[2], plain;
	int i;

	if (!cmarkmt_parallel())
		return; /* the library binds the call itself: one at a time */
	atomic_store(&wrong, 0);
	atomic_store(&stop, 0);
	pthread_create(&plain, NULL, parse_autolinks, NULL);
	for (i = 0; i < 2; i++)
		pthread_create(&docs[i], NULL, parse_documents, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(docs[i], NULL);
	atomic_store(&stop, 1);
	pthread_join(plain, NULL);
	CHECK_INT(atomic_load(&wrong), 0);
}
