/*
 * nodepos.h — where in its file a node of a document's tree starts, for
 * the nodes a pass made as well as the ones cmark-gfm parsed.
 *
 * The link and glossary passes split text nodes and add link nodes, and
 * cmark-gfm gives a node made with cmark_node_new no position.  Filters
 * (luamodel.c) and the citation search (govern.c) both report at such
 * nodes, so both ask here, and a mention after a [[wiki]] link is put at
 * the same column whoever finds it.
 */
#ifndef POLICYC_NODEPOS_H
#define POLICYC_NODEPOS_H

#include <stddef.h>

#include <cmark-gfm.h>

#include "document.h"

struct nodepos_walk;

/* The walk results of one list or walk, by node: reuse one memo for the
 * nodes of one tree, in any order, so a paragraph of 10,000 made nodes
 * costs 10,000 steps, not 10,000 squared.  Zero it (nodepos_init) before
 * use; the tree must not change while it is in use. */
typedef struct {
	cmark_node **keys;
	struct nodepos_walk *vals;
	size_t cap, n;
	cmark_node **stack;      /* nodes waiting for their result */
	size_t nstack, stackcap;
} nodepos_memo;

void nodepos_init(nodepos_memo *m);
void nodepos_free(nodepos_memo *m);

/* Line and column (1-based; 0, 0 when nothing gives one) where node n of
 * document d starts in d's file. */
void nodepos_of(const document *d, cmark_node *n, int *line, int *col,
    nodepos_memo *m);

/* 1 when n is a [[wiki]] link the link pass made, or inside one: its
 * text (the target's title, or the text after "|") has no column of its
 * own in the source, and nodepos_of gives the link's. */
int nodepos_in_wiki_text(cmark_node *n);

#endif
