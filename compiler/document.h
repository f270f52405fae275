/*
 * document.h — one policy document: where it came from, its id, its front
 * matter, and its body as a cmark-gfm tree.  document_load reads and parses
 * a file (front matter, variables, cmark-gfm with the GitHub extensions) and
 * checks its metadata; later passes (links, glossary, filters) annotate the
 * same tree, and the XML writer reads it.  Nodes a pass creates carry a
 * link_info with from_source = 0 (mandoc's NODE_NOSRC).
 */
#ifndef POLICYC_DOCUMENT_H
#define POLICYC_DOCUMENT_H

#include <cmark-gfm.h>
#include "yamlval.h"
#include "diag.h"
#include "project.h"
#include "util.h"
#include "meta.h"

/* What a link in the body turned out to be after the link pass. */
typedef enum {
	LINK_UNRESOLVED = 0, /* not yet looked at */
	LINK_EXTERNAL,       /* http(s), mailto, other schemes: left alone */
	LINK_DOCUMENT,       /* another document (target_id, maybe anchor) */
	LINK_ANCHOR,         /* an anchor in this document */
	LINK_TERM,           /* a glossary term (term_slug) */
	LINK_PLACEHOLDER,    /* [text](#) that names no term */
	LINK_BROKEN,         /* target missing */
	LINK_ASSET,          /* a relative link to a non-Markdown file */
	LINK_UNSAFE          /* a URL the URL policy refuses: rendered as text */
} link_kind;

/* Attached to cmark link nodes with cmark_node_set_user_data. */
typedef struct link_info {
	link_kind kind;
	char *target_id;     /* LINK_DOCUMENT */
	char *anchor;        /* LINK_DOCUMENT / LINK_ANCHOR; may be NULL */
	char *term_slug;     /* LINK_TERM */
	char *href;          /* the link as written (after variables) */
	int from_source;     /* 0 for nodes a pass created (auto term links) */
	int wiki;            /* written as [[...]] */
	char *file;          /* images (LINK_ASSET): the file, relative to the
	                        project folder, checked inside it */
	int line, col;
} link_info;

typedef struct {
	int level;
	char *text;          /* plain text of the heading */
	char *slug;          /* GitHub-style anchor, unique in the document */
	int line;
	cmark_node *node;
} heading;

/* A glossary term use recorded by the glossary or link pass. */
typedef struct {
	char *term_slug;
	int line, col;
	int kind;            /* 0 auto, 1 explicit glossary: link, 2 placeholder */
} term_use;

/* A file of the project that a link or image of the body names. */
typedef struct doc_asset {
	char *file;          /* relative to the project folder (link_info) */
	int line, col;
	int is_link;         /* a link to the file; else an image */
} doc_asset;

/* A file's stat as the build cache compares it (document_trust). */
typedef struct {
	long long size, mtime_ns, ctime_ns;
	unsigned long long ino, dev;
} document_file;

struct stat;
void document_file_of(const struct stat *st, document_file *f);

typedef struct document {
	size_t index;        /* its place in the corpus (corpus_new) */
	char *path;          /* relative to the project folder: "policies/a/b.md" */
	char *relpath;       /* relative to the content folder: "a/b.md" */
	char *id;            /* "a/b" */
	char *section;       /* folder part of the id ("" at top level) */
	char *title;
	int title_line;      /* front matter line of title:, or heading line */
	char *type;          /* "" when absent */
	char *status;        /* "active" when absent */
	enum doc_status status_kind;     /* status as an enum (meta.c) */
	enum review_state review_state;  /* computed once (meta.c) */
	long review_days;    /* overdue: days late; due soon/ok: days left;
	                        skipped: days left, negative when past */
	char *review;        /* normalised YYYY-MM-DD, or NULL */
	char *approved;      /* normalised YYYY-MM-DD, or NULL */
	/* typed front matter, filled by meta.c (NULL / 0 when absent) */
	char *owner, *version, *approved_by;
	char *superseded_by;            /* the name as written */
	int superseded_by_line, superseded_by_col;
	char **tags; size_t ntags;      /* a single string is a one-item list */
	char **audience; size_t naudience;
	meta_amendment *amendments; size_t namendments;
	meta_history *history; size_t nhistory;
	meta_related *related; size_t nrelated;
	meta_alias *aliases; size_t naliases; /* redirect_from:, aliases: */
	meta_cite *cites; size_t ncites; /* cites: (meta_read_cites) */
	meta_extra *extra; size_t nextra;  /* keys outside DESIGN.md's list */
	int id_line, id_col;            /* of id: (0 when absent) */
	int meta_line;                  /* first front matter line (0: none) */
	yval *meta;          /* raw front matter map, or NULL when there is
	                        none: read only by meta.c (and handed whole
	                        to Lua by the filter bridge) */
	int body_line;       /* file line of the first body line */
	char *source;        /* the whole file (bounded builds: NULL between
	                        stages once source_dropped, read again with
	                        the tree: document_read_again) */
	size_t source_len;
	int source_dropped;  /* bounded: the text is not held between stages;
	                        source_hash (pipeline.c) is what was loaded */
	char source_hash[33];
	/* the file as read_source found it, for the build cache: a next
	 * build may take the document from the cache by this stat alone,
	 * without reading it (document_trust) */
	document_file file;
	int file_settled;    /* read whole and clean (no finding), last
	                        changed before the clock tick it was read in:
	                        a change after the read shows in its stat */
	int front_fenced;    /* the text opens with a closed front matter
	                        block */
	size_t front_len;    /* bytes of the text before the body line */
	char front_hash[33]; /* those bytes, hashed (prelink.c) */
	char *front_record;  /* taken by its stat: the cache's escaped
	                        record of those bytes, written back as read */
	int trusted;         /* taken by its stat: the text was not read
	                        (source_dropped; read again on need) */
	char *meta_record;   /* the front matter as parsed, before any key
	                        was mapped (yval_record): made when it was
	                        parsed, or the cache's when taken by its
	                        stat, and read back instead of parsing */
	cmark_node *root;    /* NULL when the file could not be read */
	cmark_node *title_node; /* a leading h1 that is the title (back ends
	                           skip it: the title is shown from meta) */
	heading *headings; size_t nheadings;
	size_t nimages;      /* image nodes of the body, counted at the load:
	                        doc.images of none needs no tree (a bounded
	                        build's filters, luamodel.c) */
	/* the links and images that name a file of the project (LINK_ASSET),
	 * in document order: recorded by links.c as data (not nodes), so the
	 * assets stage and the build cache need neither a walk of every tree
	 * nor the tree at all */
	struct doc_asset *assets; size_t nassets;
	/* for the filters (luamodel_settle): every node's strings copied
	 * out of the source, so the trees are only read from then on, and
	 * the links, images and paragraphs listed in document order (nodes
	 * of root), so doc.links and the like need no walk of the tree */
	int settled;
	cmark_node **filter_nodes[3]; size_t nfilter_nodes[3];
	size_t *anchor_order; /* heading indexes sorted by slug (lookups) */
	term_use *terms; size_t nterms, terms_cap;
	/* set while links_replay links a tree whose term uses were
	 * recorded: document_add_term_use then adds none, and terms is
	 * not touched (the corpus tree may be reading it: html.c) */
	int terms_frozen;
	int broken;          /* unreadable: no body */
	/* editions (extends.c): the edition that wrote the whole document
	 * (added or replaced it), else NULL; an overlaid document's line
	 * map (which lines are local text).  Both borrowed. */
	const char *local_edition;
	const struct overlay_map *overlay;
	/* the audience blocks the edition keeps (profile.c), owned: the XML
	 * marks their blocks so a pack can leave them out */
	struct profile_block_s *profiled; size_t nprofiled;
	/* serve: linked ahead by the standby (prelink.h), its findings and
	 * edges until the build's link pass hands them on; else NULL */
	struct doc_prelink *prelink;
	/* a build into OUT with a cache (corpus link_record): the link
	 * pass's findings of this document, kept for the cache's record of
	 * its links (incrlinks.c); else NULL */
	diag_set *link_found;
	/* ... and what its links read of the other documents (links.h),
	 * for the same record; else NULL */
	struct link_deps *link_deps;
	/* its links are the cache's record, taken this build (incrlinks.c):
	 * its linked tree is the one the record was made from */
	int links_kept;
	/* its links are the cache's (incrlinks.c), its tree not linked
	 * yet: corpus_tree_need links it before a stage reads it */
	int links_pending;
	/* a build into OUT with a cache (incrparse.c): what its body's
	 * parse reported, kept for the cache's record; else NULL */
	diag_set *parse_found;
	/* its body was not parsed at the load: the cache gave its headings
	 * and image count; corpus_tree_need parses (and links) it */
	int tree_deferred;
	/* the filters' key of the text and linked tree (incrfilters.c),
	 * once worked out */
	char view_hash[33];
	int view_hashed;
} document;

/* {{variables}}: the substitutions of one text (a document, the
 * glossary) share a budget — the values they add may total at most
 * max(10 x the text's size, 1 MB); past that, placeholders stay as
 * written and the first is reported (output-amplification). */
typedef struct {
	size_t budget;       /* bytes substitutions may still add */
	size_t limit;        /* the whole budget, for the message */
	int reported;        /* output-amplification said */
	const char *file;    /* where the text is, for diagnostics */
	const char *what;    /* "document", "glossary": what would grow */
	int col_fixed;       /* report at col itself, not col + offset */
	int markdown;        /* the text is Markdown source: values are
	                        escaped so they read as text */
} document_subst;

void document_subst_init(document_subst *st, const char *file,
    const char *what, size_t source_len);

/* Replaces {{ name }} in s with project_variable(p, name) (policyc.yaml,
 * then its organisation); an unknown name stays as written and is
 * reported (variable-unknown) at line, col (+ its offset in s unless
 * col_fixed).  A new string, or NULL when nothing changed. */
char *document_substitute(const project *p, const char *s, int line,
    int col, document_subst *st, diag_set *ds);

/* Reads and parses one file.  path is relative to the project folder,
 * relpath relative to the content folder.  Problems are reported to ds;
 * the document is returned even when it has errors (an unreadable file
 * gives a document with broken = 1 and root = NULL).  Caller frees. */
document *document_load(const project *p, const char *path,
    const char *relpath, diag_set *ds);
/* Frees the document's cmark tree (root and every node pointer into it
 * become NULL): from the model on, the XML is the document. */
void document_drop_tree(document *d);
/* Parses the document's body again from its source, as document_load
 * did (variables, nesting bound, text merged), and points its headings
 * and title node into the new tree: a bounded build (pipeline.c) drops
 * each tree when a stage is done with it and makes it again for the
 * next.  Reports go to ds (a quiet set: they were made the first time).
 * Not for an edition's documents (their text is merged and shared). */
void document_reparse(const project *p, document *d, diag_set *ds);
/* Bounded builds keep no document's text between stages either: after
 * the load, document_drop_source frees it (source_len kept) and marks it
 * dropped; document_read_again reads the file again as the load did
 * (UTF-8 repair, audience markers blanked), reports to ds, and returns 1
 * when it read (the caller checks the text is the one loaded);
 * document_drop_tree then frees it again with the tree.  A document that
 * was not dropped, or holds its text, is left as it is (0). */
void document_drop_source(document *d);
int document_read_again(const project *p, document *d, diag_set *ds);
void document_free(document *d);
/* As document_load, for a build that records what each body's parse
 * found (d->parse_found) for the build cache.  memo is asked first, once
 * the text and front matter are read: 1 when it gave the document what
 * the body's parse would (its headings and image count, and what the
 * parse reported, in d->parse_found); the body is then not parsed
 * (tree_deferred).  incrparse.c's incr_parse_body is the one. */
typedef int (*document_body_memo)(void *ctx, document *d);
/* ... and trust, asked before the text is read, with the file's stat
 * now: 1 when the cache recorded that very file (size, times, inode and
 * device as now) read settled (file_settled), giving the text's hash
 * and length and the bytes before its body line (*front, which the
 * caller frees; *record, the cache's escaped text of them, kept; and
 * *meta, the cache's yval_record of their front matter, or NULL).  The
 * text is then not read: the front matter is made again from *meta
 * (parsed from *front when there is none, or it does not read), memo
 * gives the body, and the text is read again only for a stage that
 * needs it (document_read_again, the hash checked).  NULL: no trust. */
typedef int (*document_trust)(void *ctx, const char *path,
    const document_file *now, char hash[33], size_t *len, char **front,
    size_t *front_len, const char **record, const char **meta);
document *document_load_memo(const project *p, const char *path,
    const char *relpath, diag_set *ds, document_body_memo memo,
    document_trust trust, void *ctx);
/* As document_load, from text already read (taken over, NUL-terminated):
 * a core document read by extends.c, or one merged with its overlay. */
document *document_load_source(const project *p, const char *path,
    const char *relpath, char *source, size_t len, diag_set *ds);

/* Id rule of DESIGN.md for a path relative to the content folder. Caller
 * frees. */
char *document_id_from_relpath(const char *relpath);
/* 1 when an id is safe to use as an output path (no "..", no leading '/',
 * no empty segment, no backslash). */
int document_id_safe(const char *id);

/* Adds a term use (thread-compatible: one document is touched by one
 * thread at a time). */
void document_add_term_use(document *d, const char *slug, int line, int col,
    int kind);
/* Appends the plain text of a node's inline content to b (text, code and
 * raw HTML literally, HTML comments left out; line breaks as `brk`). */
void document_plain_text(cmark_node *n, buf *b, char brk);
/* Heading whose slug is s, or NULL. */
const heading *document_find_anchor(const document *d, const char *s);
/* The link_info of a link node, creating an empty one if absent. */
link_info *document_link_info(cmark_node *link);

#endif
