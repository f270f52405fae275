/*
 * pipeline.h — the stages from a project folder to judged documents and
 * their XML trees, behind one object (cmark's parser_new/feed/finish, jq's
 * jq_init/compile/teardown): open, load, link, check, model, free.  The
 * command line (build, check, render), the publisher, the fuzz drivers and
 * the unit-test fixtures call only this.  Each stage runs the ones before
 * it if they have not run yet, so a caller never needs to know their
 * order: pipeline_model() alone loads, links, checks and models.  Every
 * judgement of input is made by the time pipeline_check() returns, so
 * `check` and `build` print the same diagnostics.
 */
#ifndef POLICYC_PIPELINE_H
#define POLICYC_PIPELINE_H

#include <stddef.h>
#include <libxml/tree.h>

#include "corpus.h"
#include "diag.h"
#include "project.h"
#include "xmldump.h"

/* Named exit codes (jq's habit). */
enum policyc_exit {
	EXIT_OK = 0,        /* no errors (check), or published (build) */
	EXIT_ERRORS = 1,    /* errors (or warnings under --strict) */
	EXIT_USAGE = 2      /* bad usage, or a project that cannot be read */
};

typedef struct {
	const char *dir;          /* project folder (ignored with render_file) */
	const char *today;        /* --today (YYYY-MM-DD), or NULL: then
	                             SOURCE_DATE_EPOCH, else the clock */
	int jobs;                 /* threads; 0: jobs_default() */
	const char *filters_dir;  /* built-in filters; NULL: the data folder's */
	int no_filters;           /* pipeline_check runs the C rules only */
	int drafts;               /* --drafts: documents whose status is draft
	                             are read, checked and published; else
	                             they are left out, as Hugo leaves drafts
	                             out without --buildDrafts */
	int timings;              /* print stage times to stderr */
	/* `policyc render FILE`: one Markdown file with no project around
	 * it; links are classified by form only and no rules run */
	const char *render_file;
	int allow_html;           /* render_file: pass raw HTML through */
	/* build and serve: the OUT whose cache (OUT/.policyc-cache) may
	 * spare the document-local filters the documents whose view is
	 * unchanged (incremental.h); NULL: every filter sees every
	 * document (check, --no-cache) */
	const char *cache_out;
	int cache_fresh;          /* --no-cache: reuse nothing, record all */
	/* serve: the documents a standby process parsed before the save
	 * (standby.h); the load takes those whose file is unchanged */
	struct standby *standby;
	/* serve's standby: load and link only, each document's link
	 * findings and edges kept with it, the link world noted
	 * (prelink.h) */
	int link_ahead;
} pipeline_options;

typedef struct pipeline pipeline;

/* Stage results: PIPELINE_OK, or PIPELINE_UNREADABLE when the project
 * cannot be read at all (no or broken policyc.yaml, no content folder, a
 * bad --today, an unreadable render file) — reported to ds; later stages
 * then do nothing and return it again. */
enum { PIPELINE_OK = 0, PIPELINE_UNREADABLE = 2 };

/* Opens a pipeline; options are copied (the strings are borrowed and
 * must outlive it).  Diagnostics go to ds, which the caller owns. */
pipeline *pipeline_open(const pipeline_options *o, diag_set *ds);
/* Reads policyc.yaml, the glossary, every document of the content folder,
 * and judges ids (id-invalid, id-reserved), packs and brand. */
/* What pipeline_load reads before any document, alone: policyc.yaml
 * (the project is pl's from then on) and the Markdown files' paths
 * relative to the content folder, sorted (caller frees).  Reports go to
 * pl's set; a pipeline that has loaded, or renders a file, scans
 * nothing (0).  For serve's standby. */
size_t pipeline_scan(pipeline *pl, char ***rel);
/* 1 when a project of n documents is built bounded (below); and
 * whether pl's load decided so. */
int pipeline_bounded_wanted(size_t n);
int pipeline_bounded(const pipeline *pl);
int pipeline_load(pipeline *pl);
/* Resolves links and terms; builds the related graph. */
int pipeline_link(pipeline *pl);
/* The C rules and the Lua filters; after it, every diagnostic about the
 * input has been reported. */
int pipeline_check(pipeline *pl);
/* Makes the XML trees (corpus and one per document) and drops the cmark
 * trees: from here on the XML is the document. */
int pipeline_model(pipeline *pl);
/* Like pipeline_model, but makes no document tree yet when nothing needs
 * them all at once (no edition remaps every tree after it is made):
 * publish.c then makes each document's tree with pipeline_tree when its
 * outputs are written and frees it with pipeline_tree_release once they
 * are, so a worker holds one document's tree at a time and the build's
 * memory does not grow with every body (issue 12).  pipeline_streamed
 * says which was done.  _whole keeps corpus.xml's tree whole (the PDF
 * back end reads every term's uses, which a lean tree holds only the
 * first of). */
int pipeline_model_streamed(pipeline *pl);
int pipeline_model_streamed_whole(pipeline *pl);
int pipeline_streamed(const pipeline *pl);
/* Document i's XML tree: the one pipeline_model made, or (streamed) made
 * now (once: its cmark tree goes then); NULL when there is none.  Each i
 * is asked for by one thread at a time. */
xmlDocPtr pipeline_tree(pipeline *pl, size_t i);
/* How many document trees were made (not read back from OUT) so far. */
size_t pipeline_trees_made(pipeline *pl);
/* Bounded builds read each document's text again stage by stage: 1 when
 * a file changed after the load (reported once, as an error, at its
 * path), so the build must not publish; else 0.  The end of the check
 * asks, and so does the build before it swaps its output in. */
int pipeline_changed_file(pipeline *pl);
/* corpus.xml's bytes (pipeline_corpus_xml's tree, its lean parts
 * written in their place) through write, a piece at a time: 0, or -1
 * when a write failed. */
int pipeline_corpus_xml_write(pipeline *pl, xmldump_write_fn write,
    void *ctx);
/* Whether the corpus tree is lean (xmlout.h): decided with the model,
 * streamed builds with the built-in site templates; then
 * pipeline_corpus_edge(pl, k, ...) gives its graph's k-th edge
 * (backend.h corpus_edge). */
int pipeline_corpus_lean(const pipeline *pl);
/* What the rest of corpus.xml would be made from, through put
 * (xmlout_corpus_rest_digest): 1, or 0 when the tree is finished already,
 * is made whole at once (not streamed), or gets the history's releases
 * (not in the digest).  The head is pipeline_corpus_head's tree. */
int pipeline_corpus_rest_digest(const pipeline *pl, digest_put_fn put,
    void *ctx);
int pipeline_corpus_edge(void *ctx, size_t k, const char **from,
    const char **to, const char **kind);
/* Streamed: frees document i's tree. */
void pipeline_tree_release(pipeline *pl, size_t i);
/* Frees everything the pipeline made (project, corpus, glossary, XML
 * trees).  Not the diagnostics set. */
void pipeline_free(pipeline *pl);

/* Runs the Lua filters again over the linked corpus, reporting to ds
 * (for the filter fuzzer: one corpus, many filters). */
void pipeline_rerun_filters(pipeline *pl, diag_set *ds);

/* Accessors: borrowed, valid until pipeline_free.  NULL (or 0) before the
 * stage that makes them has run, or after PIPELINE_UNREADABLE. */
const project *pipeline_project(const pipeline *pl);
corpus *pipeline_corpus(const pipeline *pl);
/* The link world of the documents loaded (prelink.h), worked out when
 * the load took from a standby or linked ahead; "" otherwise. */
const char *pipeline_link_world(const pipeline *pl);
/* The same without the documents' faces (prelink.h names), or "". */
const char *pipeline_link_names(const pipeline *pl);
/* How many documents the load took from a standby already linked, and
 * kept so (the link world unchanged). */
size_t pipeline_linked_ahead(const pipeline *pl);
size_t pipeline_ndocs(const pipeline *pl);
/* corpus.xml's whole tree.  After pipeline_model_streamed the pipeline
 * holds only its head (xmlout_corpus_head) until the first call here,
 * which adds the rest: call it from one thread, once the document trees
 * are written (publish.c), or it is made while they are alive. */
xmlDocPtr pipeline_corpus_xml(const pipeline *pl);
/* At least corpus.xml's <project>, <documents> and <sections>: what is
 * read before the document trees (the cache's keys, the site's brand,
 * trails and graph titles). */
xmlDocPtr pipeline_corpus_head(const pipeline *pl);
/* The XML trees of the documents, in corpus order (pipeline_ndocs). */
xmlDocPtr *pipeline_document_xml(const pipeline *pl);
int pipeline_jobs(const pipeline *pl);
/* The source paths of the documents (for diag_print); borrowed array of
 * pipeline_ndocs entries. */
const char **pipeline_doc_paths(pipeline *pl);

/* The model's cache records of this run (incremental.h), or NULL. */
struct incr_model *pipeline_model_memo(const pipeline *pl);
/* Where incremental.c keeps OUT's cache text once read, so the filters,
 * the model and the cache read it once (freed by pipeline_free). */
void **pipeline_cache_slot(pipeline *pl);
/* The options the pipeline was opened with. */
const pipeline_options *pipeline_options_of(const pipeline *pl);
/* The diagnostics set the pipeline reports to. */
diag_set *pipeline_diags(const pipeline *pl);
/* The filters' cache records of this run (incremental.h), or NULL. */
/* The release history the model adds to the trees, or NULL. */
const struct history *pipeline_history(const pipeline *pl);
struct incr_filters *pipeline_filters_memo(const pipeline *pl);

/* Prints the time since the last mark as stage `name` (under --timings)
 * and sets the mark. */
void pipeline_stage(pipeline *pl, const char *name);

/*
 * Freeing a large corpus just before exit costs seconds and gives nothing
 * back; see docs/decisions.md "No teardown at exit".  1 when the process
 * must free everything anyway (a leak checker is watching).
 */
int pipeline_free_at_exit(void);

/* The folder holding templates/ and filters/. */
const char *pipeline_data_dir(void);
/* 1 when check judges the site templates (html_check_templates): the
 * project or one of its cores has a templates/html of its own.  Else
 * they are all policyc's own, which check leaves alone. */
int pipeline_templates_judged(const pipeline *pl);

#endif
