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

/* One kind of parser: a parser with the one extension, the text, and the
 * node type every parse must give. */
typedef struct {
	const char *extension, *md, *wanted;
	int rounds;                 /* 0: until stop */
} kind;

/* Parses k->md with a fresh parser each round, counting parses that lack
 * the wanted node among the paragraph's children. */
static void *
parse_kind(void *arg)
{
	const kind *k = arg;
	int i;

	for (i = 0; k->rounds ? i < k->rounds : !atomic_load(&stop); i++) {
		cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
		cmark_node *root, *n;
		int found = 0;

		cmark_parser_attach_syntax_extension(p,
		    cmark_find_syntax_extension(k->extension));
		cmark_parser_feed(p, k->md, strlen(k->md));
		root = cmark_parser_finish(p);
		for (n = cmark_node_first_child(cmark_node_first_child(root)); n;
		    n = cmark_node_next(n))
			if (strcmp(cmark_node_get_type_string(n), k->wanted) == 0)
				found = 1;
		if (!found)
			atomic_fetch_add(&wrong, 1);
		cmark_node_free(root);
		cmark_parser_free(p);
	}
	return NULL;
}

/* Documents of one kind (strikethrough only) in two threads, and a parser
 * of another kind beside them: autolinks only (its special characters
 * ":" and "w" are not the documents' "~").  Were it let in beside a
 * document's parser, the first one in would have switched on only its
 * own characters, and "www.example.org" would stay text. */
UNIT_TEST(cmarkmt_two_kinds_never_overlap)
{
	static const kind docs_kind = {
		"strikethrough", "Visit www.example.org; ~~struck~~.\n",
		"strikethrough", ROUNDS
	};
	static const kind other_kind = {
		"autolink", "a social worker: see www.example.org\n", "link", 0
	};
	pthread_t docs[2], other;
	int i;

	if (!cmarkmt_parallel())
		return; /* the library binds the call itself: one at a time */
	atomic_store(&wrong, 0);
	atomic_store(&stop, 0);
	pthread_create(&other, NULL, parse_kind, (void *)&other_kind);
	for (i = 0; i < 2; i++)
		pthread_create(&docs[i], NULL, parse_kind, (void *)&docs_kind);
	for (i = 0; i < 2; i++)
		pthread_join(docs[i], NULL);
	atomic_store(&stop, 1);
	pthread_join(other, NULL);
	CHECK_INT(atomic_load(&wrong), 0);
}
