/*
 * backend.h — what every back end (HTML, PDF) is handed by publish.c: the
 * XML trees in memory and where to write.  Back ends read only these trees
 * (never the Markdown), judge no input (pipeline.c has, before they run),
 * and write only below out_dir: a path made from a document id comes from
 * publish_path() and is opened with publish_write()/publish_open()
 * (publish.h).  A back end that cannot write returns nonzero; the build
 * then fails and the previous OUT is kept.
 */
#ifndef POLICYC_BACKEND_H
#define POLICYC_BACKEND_H

#include <stddef.h>
#include <string.h>
#include <libxml/tree.h>
#include "diag.h"

typedef struct {
	const char *project_dir;    /* the policy project folder */
	const char *data_dir;       /* built-in templates/ and filters/ live here */
	const char *out_dir;        /* staging output folder (write below it) */
	int templates_judged;       /* check judged the site templates
	                               (pipeline_templates_judged): their
	                               failures are said already */
	xmlDocPtr corpus;           /* corpus.xml tree (see corpus_full) */
	xmlDocPtr *docs;            /* one tree per document, in corpus order */
	size_t ndocs;
	const char *const *ids;     /* each document's id (the search
	                               index's parts, htmlsearch.h), or NULL */
	int jobs;                   /* threads to use */
	int timings;                /* --timings: the corpus pages' times too */
	const char *today;          /* YYYY-MM-DD */
	diag_set *ds;
	struct incr *incr;          /* the build cache (incremental.h), or NULL */
	/* Streamed trees (publish.c, pipeline_model_streamed): docs[i] is
	 * NULL until tree(tree_ctx, i) makes it, and release(tree_ctx, i)
	 * frees it once the document's outputs are written.  NULL when
	 * every tree is in docs (editions, serve). */
	xmlDocPtr (*tree)(void *ctx, size_t i);
	void (*release)(void *ctx, size_t i);
	/* ... and carry(tree_ctx, i), before any tree: 1 when document i's
	 * page (html/<id>.html) and XML file are carried over from OUT by
	 * the build cache and its search entry is in OUT's index (read back
	 * from there, incr_search_old_entry): no tree is needed; else 0 */
	int (*carry)(void *ctx, size_t i);
	/* ... and known(tree_ctx, i), before any tree: 1 when the build
	 * cache knows document i's tree hash without its tree (it would be
	 * read back from OUT), which it then has: the keys of i's outputs
	 * are set, so a back end may ask incr_reuse before the tree. */
	int (*known)(void *ctx, size_t i);
	void *tree_ctx;
	/* Streamed trees: corpus is only corpus.xml's head (<project>,
	 * <documents>, <sections>) until backend_corpus is called, once
	 * the document trees are written; NULL: corpus is whole. */
	xmlDocPtr (*corpus_full)(void *ctx);
	/* ... and corpus.xml's rest made now (as corpus_full would), or,
	 * when it would be byte for byte what OUT has, its file carried
	 * over and the tree left as the head until a page needs it whole
	 * (incremental.c incr_corpus_carry).  The search index reads only
	 * the head's glossary entries. */
	void (*corpus_rest)(void *ctx);
	void *corpus_ctx;
	/* ... which may run while the document pages are made, beside
	 * them (html.c): the build holds every document's index anyway (it
	 * is not bounded), and finishing corpus.xml reads only that.  0:
	 * after the pages, as a bounded build's peak wants. */
	int corpus_ahead;
	/* The process ends when this build does, and frees nothing then
	 * (pipeline_free_at_exit): a back end may leave a large structure
	 * it is done with to the kernel instead of freeing it on the
	 * build's critical path (a pack's qpdf objects, pdftag.c).  0 in
	 * serve, for editions and archives, and under a leak checker. */
	int leave_to_exit;
	/* Nothing of the build's own comes after this back end (no site
	 * after the PDFs): what it leaves to the kernel is not held while
	 * another stage grows.  publish.c sets it for each back end. */
	int last_backend;
	/* Work of the build's own that may run beside the document pages
	 * (the build cache's records the pages do not change: publish.c),
	 * or NULL. */
	void (*beside)(void *ctx);
	void *beside_ctx;
	/* A lean corpus tree (xmlout.h: the built-in templates read neither
	 * its <graph> nor its <diagnostics>, so the tree holds them empty):
	 * the k-th edge of the graph, as corpus.xml has it, 0 past the last;
	 * NULL when the tree is whole. */
	int (*corpus_edge)(void *ctx, size_t k, const char **from,
	    const char **to, const char **kind);
} backend_input;

/* corpus.xml's whole tree (finished now when it was only the head). */
static inline xmlDocPtr
backend_corpus(const backend_input *in)
{
	return in->corpus_full ? in->corpus_full(in->corpus_ctx) : in->corpus;
}

/* Document i's tree, made now when trees are streamed. */
static inline xmlDocPtr
backend_tree(const backend_input *in, size_t i)
{
	return in->docs[i] ? in->docs[i] :
	    in->tree ? in->tree(in->tree_ctx, i) : NULL;
}

/* Done with document i's tree (freed when trees are streamed). */
static inline void
backend_release(const backend_input *in, size_t i)
{
	if (in->release)
		in->release(in->tree_ctx, i);
}
/* path's part below out_dir ("pdf/a.pdf"), or NULL when path is not
 * beneath it: a back end writes nothing else (the PDF's writers check
 * before they draw and before they write). */
static inline const char *
backend_beneath_out(const backend_input *in, const char *path)
{
	size_t n = strlen(in->out_dir);

	return strncmp(path, in->out_dir, n) == 0 && path[n] == '/' ?
	    path + n + 1 : NULL;
}

/* A path below out_dir as the user knows it, relative to OUT ("pdf/a.pdf"):
 * diagnostics never name the staging folder, gone once the build ends. */
static inline const char *
backend_out_rel(const backend_input *in, const char *path)
{
	const char *rel = backend_beneath_out(in, path);

	return rel ? rel : path;
}

/* Writes OUT/html/.  Returns 0 on success, nonzero on a fatal failure
 * (reported to ds). */
int html_render(const backend_input *in);
/* Loads and compiles every stylesheet of the site (the project's
 * templates/html/ overrides first) and reports what is wrong with them;
 * run before any back end, by check and build alike. */
void html_check_templates(const char *project_dir, const char *data_dir,
    diag_set *ds);
/* Renders one document tree's body (no page around it) to an HTML
 * fragment through the same XSLT templates, for `policyc render --to html`
 * and the GFM spec test.  Returns a newly allocated string, or NULL after
 * reporting to ds. */
char *html_render_fragment(xmlDocPtr doc, const char *data_dir,
    diag_set *ds);
/* Writes OUT/pdf/<id>.pdf and OUT/pdf/<pack>.pdf.  Returns 0 on success,
 * nonzero when any file could not be written (a full disk included) or
 * the PDF back end could not be loaded (pdfmodule.c). */
int pdf_render(const backend_input *in);
/* What every document's PDF is made from besides its own tree: this
 * binary and the libraries and fonts it finds, the PDF style files, the
 * branding (pdfident.c), as 32 hex digits: the build cache's key of a
 * PDF is this and the document's tree hash (incremental.c). */
void pdf_identity(const char *project_dir, const char *data_dir,
    xmlDocPtr corpus, char out[33]);
/* A written PDF's pages (cairo writes each page object's "/Type /Page"
 * as text: a fact of the file, not a judgement of input), and a file's
 * pages and size in KB (0 when it cannot be read).  Read without the
 * PDF back end's libraries (pdfmodule.c). */
long pdf_count_pages(const char *data, size_t len);
int pdf_file_facts(const char *path, long *pages, long *kb);

/*
 * The PDF back end is the module policyc-pdf.so (module.h), loaded the
 * first time a build lays out a PDF (pdfmodule.c): a build without
 * PDFs, check, and serve until a PDF is asked for never load Pango,
 * cairo, HarfBuzz, fontconfig, librsvg and qpdf.  The module hands the
 * core this table (build_id first, as module.h asks).  The unit tests
 * and fuzzers link the back end in.
 */
typedef struct pdf_backend {
	const char *build_id;
	int (*render)(const backend_input *in);
	void (*identity)(const char *project_dir, const char *data_dir,
	    xmlDocPtr corpus, char out[33]);
} pdf_backend;

/* Defined by the module (compiler/pdf/pdf.c). */
extern const pdf_backend policyc_pdf_backend;

#endif
