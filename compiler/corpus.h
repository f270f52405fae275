/*
 * corpus.h — every document of a build, with the indexes later passes need:
 * by id, by last id segment, by title (case-insensitive), by source path.
 * Built after all documents are parsed; duplicate ids are id-duplicate
 * errors here, and documents sharing a title are title-duplicate warnings.
 * Also holds the related-policies graph the link pass fills, the packs'
 * members (packs.c) and the published images (assets.c).  Every member
 * a module keeps private is a typed, opaque struct.
 */
#ifndef POLICYC_CORPUS_H
#define POLICYC_CORPUS_H

#include "document.h"
#include "project.h"

typedef enum {
	EDGE_RELATED,        /* related: in front matter */
	EDGE_LINK,           /* a link in the body */
	EDGE_SUPERSEDED_BY   /* superseded-by: */
} edge_kind;

typedef struct {
	size_t from, to;     /* document indexes */
	edge_kind kind;
	char *note;          /* related: {id, note}; may be NULL */
	int line;
} edge;

/* An external related: entry (a URL). */
typedef struct {
	size_t doc;
	char *href, *title;
	int line;
} related_url;

struct glossary;
struct corpus_index;     /* corpus.c's lookup tables */
struct assets;           /* assets.c's published images */
struct xmlout_cache;     /* xmlout.c's prepared data */

/* A pack's members after packs_resolve: document indexes in pack order
 * (named documents first, then the rule matches in id order). */
typedef struct {
	size_t *docs; size_t n;
	int refused;         /* the id is no safe file name: not published */
} pack_members;

/* A folder of the content as the site and packs show it (corpus.c): its
 * title from sections: in policyc.yaml, else from the title of its
 * index.md (_index.md, README.md), else from its name; nested folders
 * name their parent, so back ends can build a hierarchy. */
typedef struct {
	char *path;          /* "hr/benefits" */
	char *title;         /* "Benefits" */
	char *parent;        /* "hr"; NULL for a top-level folder */
	long index_doc;      /* the folder's own page, or -1 */
} corpus_section;

typedef struct corpus {
	const project *project;
	document **docs; size_t ndocs;   /* sorted by id */
	edge *edges; size_t nedges, edges_cap;
	related_url *urls; size_t nurls, urls_cap;
	struct glossary *glossary;       /* may be NULL */
	char today[11];                  /* YYYY-MM-DD */
	struct corpus_index *index;      /* private hash indexes */
	/* edges by document, after corpus_index_edges: edge indexes of
	 * document i are out_idx[out_off[i] .. out_off[i+1]) (from i) and
	 * in_idx[in_off[i] .. in_off[i+1]) (to i) */
	size_t *out_off, *out_idx, *in_off, *in_idx;
	/* each document's id, title and status hashed, 33 bytes each
	 * (incremental.c, made on first use); NULL until then */
	char *faces;
	/* each document's neighbours hashed (incremental.c
	 * incr_hash_neighbours), 33 bytes each, once neigh_ready */
	char *neigh;
	int neigh_ready;
	/* each document's face as a link reads it (prelink_face), 33
	 * bytes each, for the build cache's link records (incrlinks.c,
	 * made on first use, by one thread); NULL until then */
	char *link_faces;
	/* each document's link record as OUT's cache held it, when it was
	 * given back whole (incrlinks.c): its lines in the cache text
	 * (NUL-separated, borrowed), to be written again as they were
	 * while link_raw_order says the documents are in the order the
	 * record's numbers count in; NULL until a record was read */
	const char **link_raw;
	size_t *link_raw_len;
	int link_raw_order;
	pack_members *packs; size_t npacks; /* one per project->packs entry,
	                                    after packs_resolve; else NULL */
	struct assets *assets;           /* after assets_collect; else NULL */
	struct xmlout_cache *xml_cache;  /* xmlout.c's prepared data */
	corpus_section *sections; size_t nsections; /* sorted by path */
	struct govern *govern;           /* govern.c's judgements, after
	                                    pipeline_check; else NULL */
	/* drafts left out of this run (no --drafts): their ids, content
	 * paths ("a/b.md"), last id segments and lower-cased titles, so a
	 * link to one says so instead of "no document"; NULL when none */
	struct strtab *left_out;
	/* a bounded build (pipeline.c) holds no document's tree between
	 * stages: tree_make makes document i's again (parsed and linked as
	 * it was); NULL when every tree is held */
	void (*tree_make)(void *ctx, size_t i);
	/* ... nor its text: source_read reads document i's again (and
	 * checks it is the text loaded); NULL when every text is held */
	void (*source_read)(void *ctx, size_t i);
	void *tree_ctx;
	/* serve's standby links ahead (prelink.h): the link pass keeps
	 * each document's findings and edges with it (doc_prelink) */
	int link_ahead;
	/* a build into OUT with a cache: each document is linked into a
	 * findings set of its own, kept on it (document link_found) for
	 * the cache's record of its links (incrlinks.c) */
	int link_record;
} corpus;

/* Document i's cmark tree for a stage that reads it: made again when a
 * bounded build dropped it.  1 when it was made here: the caller gives
 * it back with corpus_tree_done once done, which drops it again.  Each
 * document is asked for by one thread at a time. */
int corpus_tree_need(corpus *c, size_t i);
void corpus_tree_done(corpus *c, size_t i, int made);
/* The same for document i's text alone (d->source), for a pass that
 * reads the text but not the tree (govern.c's contacts, history.c's
 * versions): 1 when read here, given back with corpus_source_done. */
int corpus_source_need(corpus *c, size_t i);
void corpus_source_done(corpus *c, size_t i, int read);

/* 1 when name (an id, a content path, a last segment or a title) is a
 * draft this run left out. */
int corpus_left_out(const corpus *c, const char *name);

/* Takes ownership of docs (an array of n documents); sorts them by id,
 * reports id-duplicate (the second and later ones are dropped from the
 * index but kept for output under a suffixed id) and title-duplicate
 * (case-insensitive, at each later document, naming the first one's
 * path).  Caller frees (corpus_free also frees the pack members and the
 * asset table). */
corpus *corpus_new(const project *p, document **docs, size_t n, diag_set *ds);
void corpus_free(corpus *c);

/* The section of a folder path, or NULL. */
const corpus_section *corpus_find_section(const corpus *c, const char *path);

/* Index lookups; -1 when absent. */
long corpus_find_id(const corpus *c, const char *id);
long corpus_find_path(const corpus *c, const char *relpath);
/* Resolves a name as DESIGN.md says: full id, then a unique last segment,
 * then an exact title (case-insensitive).  Returns the index, -1 when none,
 * -2 when ambiguous (then *candidates, if given, gets a newly allocated
 * comma-separated list of the ids that match). */
long corpus_resolve_name(const corpus *c, const char *name, char **candidates);

void corpus_add_edge(corpus *c, size_t from, size_t to, edge_kind k,
    const char *note, int line);

/* Builds the per-document edge lists (call after the link pass). */
void corpus_index_edges(corpus *c);

#endif
