/*
 * luamodel.h — the document model as Lua values, for the validation
 * filters: a document (fields, front matter, lazily built lists of
 * headings, links, images, paragraphs and term uses, and doc:walk) and
 * the corpus (documents, ids, glossary, edges) as plain Lua tables
 * (DESIGN.md "Lua filters", docs/filters.md).  It reads the model the
 * earlier passes made and never changes it; filters.c calls it inside a
 * sandboxed state (sandbox.c).
 */
#ifndef POLICYC_LUAMODEL_H
#define POLICYC_LUAMODEL_H

#include <lua.h>

#include "corpus.h"
#include "meta.h"
#include "yamlval.h"

/* Pushes a YAML value as plain Lua values (nil for NULL). [-0, +1, m] */
void luamodel_push_yval(lua_State *L, const yval *v);

/* Pushes the table of one document.  d must outlive the state: the
 * table's lazy lists and walk read it when asked.  [-0, +1, m] */
void luamodel_push_document(lua_State *L, const document *d);

/* Pushes {documents, ids, glossary, edges} of a corpus.  [-0, +1, m] */
void luamodel_push_corpus(lua_State *L, const corpus *c);

/* The Lua (and XML) word of a review state: "none", "ok", "due-soon",
 * "overdue" or "skipped". */
const char *luamodel_review_state_name(enum review_state s);

/* Asks cmark once for every node's lazily copied strings, so filters only
 * read the trees, and lists each document's links, images and paragraphs
 * for doc.links, doc.images and doc.paragraphs (see luamodel.c); up to
 * `jobs` documents at once.  Call before filters run, once the trees are
 * final; a document already settled is passed by. */
void luamodel_settle(corpus *c, int jobs);
/* The same for one document (thread-compatible: one document is touched
 * by one thread), for a pass that runs over every document anyway: the
 * build cache hashing each tree (incrfilters.c). */
void luamodel_settle_document(document *d);

/* In a filter's child: the corpus whose dropped trees a view may make
 * again (a bounded build, pipeline.c); NULL for none. */
void luamodel_lazy_trees(corpus *c);

/*
 * The same view from C, for the shipped filters' rules in C (cfilters.c):
 * the lists a Lua filter reads as doc.links, doc.images, doc.paragraphs
 * and doc:texts(), with the very texts and positions luamodel.c puts in
 * its tables, so the C and the Lua of a rule cannot read a document
 * differently.  A reader holds one document's position memo and text
 * buffer; one reader per thread.  The document must be settled.
 */
enum { LUAMODEL_LINKS, LUAMODEL_IMAGES, LUAMODEL_PARAGRAPHS };

typedef struct luamodel_reader luamodel_reader;

luamodel_reader *luamodel_reader_new(void);
void luamodel_reader_free(luamodel_reader *r);
/* Forgets the positions of the last document (call between documents). */
void luamodel_reader_reset(luamodel_reader *r);

/* The nodes of doc.links (only those written in the source), doc.images
 * or doc.paragraphs, in order: n of them in *nodes.  The links' list
 * may hold links a pass made: luamodel_link_written says which count. */
size_t luamodel_nodes(const document *d, int list, cmark_node *const **nodes);
int luamodel_link_written(cmark_node *link);
/* The plain text below n (link text, image alt, paragraph text), valid
 * until the reader's next call; *len its length. */
const char *luamodel_plain(luamodel_reader *r, cmark_node *n, size_t *len);
/* Where n starts (a link: where the link pass says it was written). */
void luamodel_where(luamodel_reader *r, const document *d, cmark_node *n,
    int *line, int *col);
/* A paragraph that is one strong or emphasised run: heading_like. */
int luamodel_heading_like(cmark_node *p);

/* doc:texts(): the body's Text nodes joined by "\n" into text (emptied
 * first), and for each node where it starts in text (from 0), its line
 * and column, in *spans (caller frees); returns the number of nodes. */
typedef struct {
	size_t start;
	int line, col;
} luamodel_span;
size_t luamodel_texts(luamodel_reader *r, const document *d, buf *text,
    luamodel_span **spans);

#endif
