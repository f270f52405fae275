/*
 * incremental.h — the build cache that lets `policyc build` (and `serve`)
 * skip the back-end work of documents whose inputs did not change.  The
 * pipeline still reads every document and judges its front matter;
 * what each body's parse and the link pass found is taken from the
 * cache for a document read with the same text (incrparse.c,
 * incrlinks.c), findings included, so diagnostics are a full build's.
 * What is skipped besides is the XSLT run
 * of every page whose document XML, templates and site parameters hash
 * the same as when OUT was made: its previous page is left where it is
 * in OUT (incr_in_place; publish.c commits the rest around it), or,
 * without that, hard-linked into the new staging folder.  The document-local filters' findings
 * (incrfilters.c) and the XML trees (incrmodel.c) are reused the same
 * way, and with streamed trees (publish.c) a document whose page and XML
 * file are carried over needs no tree at all (incrsearch.c).  The cache lives inside OUT
 * (OUT/.policyc-cache), written into the staging folder and swapped in
 * with the outputs it describes (or, in place, taken out of OUT before
 * the commit and put back after it), so the two can never disagree.
 * docs/decisions.md "Incremental builds" says why this seam.
 */
#ifndef POLICYC_INCREMENTAL_H
#define POLICYC_INCREMENTAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "pipeline.h"
#include "spool.h"
#include "util.h"
#include <libxml/tree.h>

typedef struct incr incr;

/* The cache's name inside OUT. */
#define INCR_CACHE_NAME ".policyc-cache"

/* The output kinds a back end may ask to reuse. */
enum incr_kind {
	INCR_HTML = 0,   /* html/<id>.html: its XML, templates, site */
	INCR_XML,        /* xml/<id>.xml: its XML tree, as serialised */
	INCR_PDF,        /* pdf/<id>.pdf: its XML tree, laid out
	                    (pdf_identity: fonts, style, libraries) */
	INCR_NKINDS
};

/* A cache's record of one output file, a line of tab-separated fields:
 * "out KEY OHASH SIZE MTIME INO REL" (MTIME in nanoseconds and INO as
 * the file was written, or 0 0).  Splits line (a copy: the cache's text
 * is read only) in place into f; 1 when it is such a record.
 * incrmodel.c reads the XML files' records. */
#define INCR_OUT_FIELDS 7
int incr_split_out(char *line, char *f[INCR_OUT_FIELDS]);

/* Opens the incremental state of a build into out (after pipeline_model):
 * takes OUT's lock (waiting, with a note, while another build holds it),
 * reads and judges OUT/.policyc-cache (a missing one is silent; a stale,
 * corrupt or foreign one is a note on stderr and a full build), and
 * hashes every document's XML.  with_pdf: the build makes PDFs (their
 * keys, and the pages' that link them).  use_cache 0 (--no-cache): nothing is
 * reused, but a fresh cache is still written.  NULL when the lock could
 * not be taken (reported to ds).  Free with incr_end. */
incr *incr_begin(pipeline *pl, const char *out, int use_cache,
    int with_pdf, diag_set *ds);

/* 1 when this build's cache is trusted and OUT is updated in place
 * (fsio_commit_in_place): an unchanged file is left where it is rather
 * than carried into staging, which then holds only what was made.
 * POLICYC_IN_PLACE=0 keeps the swap. */
int incr_in_place(const incr *inc);
/* In place: 1 when OUT/rel was left as it is by this build (ctx is the
 * incr; fsio_commit_in_place's kept). */
int incr_kept(void *ctx, const char *rel);
/* 1 when the build made no more files than it kept: the commit is then
 * in place; else staging is filled with what was kept (fsio_fill_staging)
 * and swapped in whole, so a large change (a template, the glossary)
 * reaches a reader at once. */
int incr_few_made(incr *inc);
/* In place: 1 when a PDF of OUT was (staging then has no pdf/ folder
 * unless one was made). */
int incr_pdfs_kept(const incr *inc);

/* Streamed trees (pipeline_model_streamed): document i's tree hash, given
 * when its tree is made (before any incr_reuse of its files), from which
 * its files' keys are made.  Without streaming incr_begin hashes every
 * tree itself and this does nothing. */
void incr_tree(incr *inc, size_t i, const char *dochash);
/* ... and after every document's tree was given, before anything is
 * grafted onto corpus.xml (html.c): the corpus pages' keys. */
void incr_trees_done(incr *inc);
/* corpus.xml as OUT has it, when its head and the inputs of its rest are
 * as they were (pipeline_corpus_rest_digest): its file carried into
 * staging (with_xml), and the corpus pages keyed as then, so its tree
 * need not be finished.  1 when so; call before the tree is finished. */
int incr_corpus_carry(incr *inc, const char *staging, int with_xml);
/* Else, once OUT/xml/corpus.xml is written: the hash (incr_hash) and
 * length of its bytes, recorded for the next build; and, when by_bytes
 * (a tree that is not lean: its pages are keyed by its bytes) and before
 * incr_trees_done, taken by the keys instead of serialising corpus.xml
 * once more. */
void incr_corpus_wrote(incr *inc, const char hex[33], size_t len,
    int by_bytes);
/* The records the pages do not change (the filters', the links', the
 * bodies'), gathered while the back ends write, beside the pages
 * (backend.h beside), for incr_finish to write in their place.  ctx is
 * the incr. */
void incr_records_ahead(void *ctx);

/* Back ends, from any worker: when the output rel (relative to the
 * staging folder) of document i is unchanged since OUT was made, links
 * (or copies) the old file into staging and returns 1; else 0, and the
 * back end makes it.  inc may be NULL (no cache). */
int incr_reuse(incr *inc, enum incr_kind k, size_t i, const char *staging,
    const char *rel);
/* Records what a back end wrote for document i (its bytes), so the next
 * build may reuse it.  inc may be NULL. */
void incr_wrote(incr *inc, enum incr_kind k, size_t i, const char *data,
    size_t len);
/* ... or of the file staging/rel a back end wrote by path (a PDF). */
/* Document i's PDF's pages and size in KB (html.c: "PDF, 14 pages,
 * 210 KB") when this build made or carried it: 1, else 0. */
int incr_pdf_facts(incr *inc, size_t i, long *pages, long *kb);
void incr_wrote_file(incr *inc, enum incr_kind k, size_t i,
    const char *staging, const char *rel);

/* The same for the pages made from corpus.xml (rel: "html/index.html"):
 * carried over when corpus.xml, the templates and the site parameters
 * are what they were.  Called from one thread. */
int incr_reuse_corpus(incr *inc, const char *staging, const char *rel);
void incr_wrote_corpus(incr *inc, const char *rel, const char *data,
    size_t len);

/* Before the swap: writes the new cache into staging/.policyc-cache.
 * Outputs whose making reported a diagnostic (a template's run-time
 * error) are left out of it, so the next build makes them again and says
 * so again.  0 on success (a cache that cannot be written is not an
 * error: the next build is a full one). */
int incr_finish(incr *inc, const char *staging, diag_set *ds);
/* After the swap (or a failed build): releases OUT's lock, frees. */
void incr_end(incr *inc);

/* Counters of the last incr_end'ed build, for --timings and serve. */
typedef struct {
	size_t reused, made;
	size_t unread;    /* of reused: known by their stat, not read */
} incr_stats;
incr_stats incr_last_stats(void);

/* The caller holds the flock of the folder OUT is in (editions.c, for the
 * OUT/<edition> it builds side by side): builds into it lock no more. */
void incr_parent_locked(int held);

/* The 128-bit content hash the cache uses (not cryptographic: it tells
 * changed from unchanged, it does not defend against an author forging
 * a collision, who could as well write the page they want). */
#define INCR_STRIPE 32
typedef struct {
	uint64_t v[4], len;
	unsigned char tail[INCR_STRIPE];
	size_t ntail;
} incr_hash;
void incr_hash_init(incr_hash *h);
void incr_hash_add(incr_hash *h, const void *data, size_t n);
/* A string with its NUL (so ("ab","c") and ("a","bc") differ; NULL as
 * ""), and a number as its bytes. */
void incr_hash_str(incr_hash *h, const char *s);
void incr_hash_long(incr_hash *h, long v);
/* Writes 32 hex digits and a NUL into out. */
void incr_hash_hex(const incr_hash *h, char out[33]);
/* Document d's text hashed (d->source_hash), worked out once a build by
 * whichever stage asks first: the load (a bounded build, the body
 * records), the link records, the filters' keys or the cache. */
const char *incr_text_hash(document *d);
/* Every file below dir (names and bytes, sorted) into h. */
void incr_hash_tree(incr_hash *h, const char *dir, const char *prefix);
/* An element as libxml2 serialises it (a settings part of corpus.xml). */
void incr_hash_node(incr_hash *h, xmlNodePtr n);
/* One file into h: label, its length (-1 when it cannot be read) and
 * its bytes. */
void incr_hash_file(incr_hash *h, const char *label, const char *path);
/* The documents at the other end of document i's edges (id, title,
 * status) and its superseded-by target: what its tree and its page's
 * graph show of other documents. */
struct corpus;
void incr_hash_neighbours(incr_hash *h, const struct corpus *c, size_t i);
/* Document i's neighbours' digest kept in c->neigh (allocated by the
 * caller, which sets c->neigh_ready once every document's is kept). */
void incr_neighbours_keep(struct corpus *c, size_t i);
/* The cache file as it is written: lines gathered in b and written out
 * (and hashed for the closing checksum) a piece at a time, so a cache of
 * 50,000 documents' search entries is never one string in memory.
 * Writers append to b and call incr_out_room after each document. */
typedef struct {
	buf b;
	FILE *f;             /* NULL: the file could not be opened */
	incr_hash h;         /* of every byte written so far */
	int failed;
	int hold;            /* gathered whole, for incr_finish to write */
} incr_out;
void incr_out_room(incr_out *o);

/* This policyc, as the cache names it. */
void incr_binary_identity(char out[33]);
/*
 * OUT's cache file, its checksum, format, binary and project judged,
 * read once a pipeline (the filters, the model and the cache itself each
 * read its records; it is 115 MB at 10,000 documents): the records, each
 * line NUL-terminated in place of its newline, from *body up to the
 * returned end; or NULL (said on stderr unless quiet, when one is there
 * and cannot be trusted — said once).  The text is the pipeline's, read
 * only: a reader copies a line before splitting it.
 */
const char *incr_cache_lines(const char *out, pipeline *pl, int quiet,
    const char **body);
/* The next line after line (incr_cache_lines' NUL-terminated lines). */
#define INCR_NEXT_LINE(line) ((line) + strlen(line) + 1)
/* The records, cut into runs of lines that begin with the same letter
 * ("l" the links', "p" the parse's ...), so that a reader walks only its
 * own kinds: after incr_cache_lines gave the text,
 *
 *	for (line = incr_cache_walk_first(&w, pl, "os"); line;
 *	    line = incr_cache_walk_next(&w))
 *
 * visits, in file order, every line whose first letter is in kinds. */
typedef struct {
	char kind;                 /* every line's first letter */
	const char *start, *end;   /* its lines: end is past the last NUL */
} incr_cache_run;
typedef struct {
	const incr_cache_run *run, *stop;
	const char *kinds;
	const char *line;
} incr_cache_walk;
const char *incr_cache_walk_first(incr_cache_walk *w, pipeline *pl,
    const char *kinds);
const char *incr_cache_walk_next(incr_cache_walk *w);
/* Frees what incr_cache_lines kept in the pipeline (pipeline_free). */
void incr_cache_text_free(void *text);

/*
 * The filters' share of the cache (incrfilters.c).  Before the Lua
 * filters run, each document gets a key: its source, everything the
 * link and glossary passes attached to its tree (link kinds and targets,
 * term links), its computed fields (id, review state ...), and what
 * every filter sees (the filter files, policyc.yaml, the glossary, the
 * rule severities, today).  A document whose key is the one recorded
 * when OUT was made skips the document-local built-in filters, whose
 * findings for it are replayed from the cache; every other filter runs
 * over every document.
 */
typedef struct incr_filters incr_filters;
struct filters_memo;
incr_filters *incr_filters_begin(pipeline *pl, const char *out);
/* The documents to skip (filters_memo.skip), or NULL. */
const unsigned char *incr_filters_skip(const incr_filters *f);
/* 1 when the corpus-index filters (filters.h) need not run: what they
 * read is what it was when OUT's cache recorded their findings, which
 * incr_filters_end then replays. */
int incr_filters_index_replay(const incr_filters *f);
/* After filters_run_memo: replays the skipped documents' findings into
 * ds and records every document's.  0 when a local filter stopped with
 * an error: the caller runs the local filters again over every document
 * (after removing their reports), and nothing of them is cached. */
int incr_filters_end(incr_filters *f, const struct filters_memo *m,
    diag_set *ds);
/* Appends the records to the cache text being written. */
void incr_filters_write(const incr_filters *f, incr_out *o);
void incr_filters_free(incr_filters *f);
/* Document i's key (32 hex digits), or "" without f. */
const char *incr_filters_key(const incr_filters *f, size_t i);
/* The part of d's key its text and linked tree make (d->view_hash),
 * and the filters' preparation of its tree (luamodel_settle), once: a
 * key is made of it and of the fields the later stages judge.  serve's
 * standby works it out for the documents it links ahead (prelink.h);
 * the build for the others. */
void incr_filters_view(document *d);

/* "TAG\tN1\t...\tNn" into b, the numbers without a format to parse (a
 * thousand documents' records hold some 100,000 of them). */
void incr_put_numbers(buf *b, const char *tag, const long long *v,
    size_t n);
/* The other way: n whole decimal numbers from *s, each ending at a tab
 * (which *s moves past) or, the last, at the end; 0 when there are not. */
int incr_get_numbers(const char **s, long long *v, size_t n);
/* A finding as a cache line, "TAG SEV LINE COL RULE [PATH] MESSAGE"
 * (the message escaped), and read back into ds (path NULL: the line
 * names it); 0 on a line that is not one. */
void incr_put_finding(buf *b, const char *tag, const diagnostic *g,
    const char *path);
int incr_get_finding(char *line, const char *tag, const char *path,
    diag_set *ds);

/*
 * The link pass's share (incrlinks.c).  What the link pass found for a
 * document — its findings, its links to other documents, the files it
 * names, its glossary term uses and its citations — depends only on its
 * text, on the project's names world (prelink.h: the paths, ids and
 * files a link finds, the configuration, glossary and registry), on the
 * faces of the documents its links reached, on what the names it looked
 * up find, and on today (a citation's successor "was" or "is to be"
 * replaced).  A build into OUT records them, with those faces and
 * names; the next build, in the same names world and on the same day,
 * gives each document whose text is the one recorded, and whose
 * recorded faces and names are as they were, its links from the cache
 * (as serve's standby gives those it linked ahead: doc_prelink), and
 * the link pass skips it; its tree is linked in place (links_pending,
 * links_replay) only when a later stage reads it (corpus_tree_need).
 * incr_links_faces hashes every document's face for both (before the
 * link pass, once); incr_links_restore runs at the start of the link
 * pass and returns how many documents it gave their links.
 */
void incr_links_faces(struct corpus *c);
size_t incr_links_restore(pipeline *pl, const char *out);
/* Appends every document's link records to the cache being written. */
void incr_links_write(pipeline *pl, incr_out *o);

/*
 * The load's share (incrparse.c).  What a document's body parse gives
 * the index — its headings (level, line, anchor, text) and how many
 * images it has — and what the parse reported depend only on its text,
 * policyc.yaml and this binary.  A build into OUT records them; the
 * next gives each document read with the same text its record and
 * leaves its body unparsed (document tree_deferred) until a stage reads
 * the tree.  incr_parse_begin reads the records before the load (NULL:
 * not a build into OUT with a cache); incr_parse_body is the load's memo
 * (document_body_memo), called from the load's workers at once.
 */
typedef struct incr_parse incr_parse;
incr_parse *incr_parse_begin(pipeline *pl, const char *out, int use_cache);
int incr_parse_body(void *ctx, document *d);
/* ... and the load's trust (document_trust): a document whose file's
 * stat is the one its record holds ("ps") is taken with the record's
 * front matter bytes ("pm") and their parse ("pv") instead of being
 * read. */
int incr_parse_trust(void *ctx, const char *path, const document_file *now,
    char hash[33], size_t *len, char **front, size_t *front_len,
    const char **record, const char **meta);
void incr_parse_free(incr_parse *ip);
/* Appends every document's body records to the cache being written. */
void incr_parse_write(pipeline *pl, incr_out *o);

/*
 * The model's share (incrmodel.c): a document whose view, diagnostics,
 * corpus index (what every document exports to the others) and corpus
 * settings hash as when OUT was made has its tree read back from
 * OUT/xml/<id>.xml instead of made.  Opened by pipeline_model after the
 * corpus tree (NULL without the filters' share, or without out); fresh
 * (--no-cache): nothing is read back, the keys are still recorded.
 */
typedef struct incr_model incr_model;
incr_model *incr_model_begin(pipeline *pl, const char *out, int fresh);
/* Any worker: document i's tree read back, or NULL (then make it). */
xmlDocPtr incr_model_tree(incr_model *m, size_t i);
/* The tree hash recorded for a document read back, else NULL. */
const char *incr_model_tree_hash(const incr_model *m, size_t i);
/* Appends the records (treehash: each document's tree hash) to the
 * cache text being written. */
void incr_model_write(const incr_model *m, char (*treehash)[33],
    incr_out *o);
void incr_model_free(incr_model *m);
/* incrsearch.c: the search index's parts in OUT, as the cache recorded
 * them ("se" lines: a part's file and its documents' tree hashes, a
 * line of the file each).  line adds one NUL-terminated line of the
 * cache's text (which must outlive it: incr_cache_lines') if it is an
 * "se" line; sort before find, which gives the part and line of the
 * entry made from the tree hashed hash (1), else 0.  entry returns that
 * line of the part, read from dir (the old OUT) once and only when the
 * file is size bytes hashing to ohash (its "out" record), else NULL;
 * the text lives until free.  One thread. */
typedef struct incr_search incr_search;
incr_search *incr_search_new(void);
void incr_search_line(incr_search *s, const char *line);
void incr_search_sort(incr_search *s);
int incr_search_find(const incr_search *s, const char *hash, size_t *part,
    size_t *pos);
const char *incr_search_part_rel(const incr_search *s, size_t part);
const char *incr_search_entry(incr_search *s, const char *dir, size_t part,
    size_t pos, const char *ohash, size_t size);
void incr_search_free(incr_search *s);
/* The site's search parts (html.c), through the build: doc_hash is
 * document i's tree hash (NULL until known); known says, from any
 * worker, whether OUT's parts hold the entry made from that tree (so
 * its page may be carried over without the tree); old_entry (one
 * thread) returns that entry, newly allocated, or NULL when its part
 * cannot be read back (the caller makes the tree).  carry_part links the part rel (key: its
 * documents' tree hashes, htmlsearch.h) from OUT into staging when OUT's
 * is that one, and records it; wrote_part records one written.  members
 * are the part's documents, in its order. */
const char *incr_doc_hash(incr *inc, size_t i);
int incr_search_known(incr *inc, size_t i);
char *incr_search_old_entry(incr *inc, size_t i);
int incr_search_carry_part(incr *inc, const char *staging, const char *rel,
    const char *key, const size_t *members, size_t m);
void incr_search_wrote_part(incr *inc, const char *rel, const char *key,
    const char *data, size_t len, const size_t *members, size_t m);
/* Whether document i's output rel of kind k would be carried over by
 * incr_reuse (its key is the recorded one); checks no file. */
int incr_reusable(incr *inc, enum incr_kind k, size_t i, const char *rel);

/* Trees of the last model read back from OUT. */
size_t incr_model_read_back(void);

#endif
