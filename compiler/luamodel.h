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

#endif
