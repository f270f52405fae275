/*
 * publish.c — the last step of `policyc build`, after the pipeline has
 * judged everything: check that OUT may be replaced, sweep staging folders
 * killed builds left, make a fresh staging folder beside OUT, write the
 * XML (in parallel), run the HTML and PDF back ends into it, and rename it
 * into OUT only when every write succeeded — a full disk or a failing back
 * end leaves the previous OUT as it was.  (An incremental build that
 * made few files moves just those into OUT instead: commit.)  Every output path made from a
 * document id is made here (publish_path) and opened beneath the staging
 * folder (publish_write), so an id can never write outside OUT.
 * Without PDFs (whose packs lay out many documents at once) the trees
 * are streamed: each document's is made when the site asks for it, its
 * XML file written then, and freed once its page is written, so the
 * build holds one document tree a worker rather than every one.
 */
#include <dirent.h>
#include <errno.h>
#include <libxml/xmlsave.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "assets.h"
#include "backend.h"
#include "corpus.h"
#include "document.h"
#include "escape.h"
#include "fsio.h"
#include "incremental.h"
#include "jobs.h"
#include "publish.h"
#include "util.h"
#include "xmldump.h"

#define OUTPUT_MARKER ".policyc-output"

/* ---- paths ---- */

char *
publish_path(const char *sub, const char *id, const char *ext)
{
	if (!id || !document_id_safe(id))
		return NULL;
	return sub && *sub ? xstrcat4(sub, "/", id, ext) : xstrcat3(id, ext, "");
}

int
publish_write(const char *staging, const char *rel, const char *data,
    size_t len)
{
	return fsio_write_beneath(staging, rel, data, len);
}

int
publish_open(const char *staging, const char *rel)
{
	return fsio_open_beneath(staging, rel);
}

FILE *
publish_fopen(const char *staging, const char *rel)
{
	int fd = fsio_open_beneath(staging, rel), e;
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;

	if (!f && fd >= 0) {
		e = errno;
		close(fd);
		errno = e;
	}
	return f;
}

/* ---- signals ---- */

/* The staging folders a SIGINT or SIGTERM must remove, one slot each
 * while it exists (editions publish side by side, each into its own).
 * The handler reads them with async-signal-safe calls only.  While a
 * swap is between its two renames (in any thread: the signal may reach
 * another one than the swapping thread, which holds it), the handler
 * only notes the signal, and the last swap to finish acts on it. */
#define STAGING_SLOTS 64
static char *_Atomic signal_staging[STAGING_SLOTS];
static atomic_int swaps_in_progress;
static atomic_int signal_pending;

/* Other threads go on running while the handler removes their folders:
 * fsio makes nothing new from here on, but a write already under way,
 * or a library writing by path (a PDF), may still add a file after a
 * pass has read its folder.  So passes go on, a moment apart, until
 * every folder is gone (at most LEAVE_PASSES); a thread descheduled
 * mid-write under load had left one behind after three quick passes.
 * Anything still left is swept by the next build into that OUT
 * (fsio_sweep_stale: the name carries this process's id).  Only
 * async-signal-safe calls: access and nanosleep besides fsio's. */
#define LEAVE_PASSES 12

/* The processes a build forked that write into its staging folder
 * (pdfchild.c's), one slot each while it may still write: the handler
 * kills and reaps them before it removes the folder, or one could make
 * a file there, or the folder itself again, after the last pass (it
 * would end only when the parent had, by PR_SET_PDEATHSIG). */
#define CHILD_SLOTS 64
static atomic_int signal_children[CHILD_SLOTS];

static void
end_children(void)
{
	size_t i;

	for (i = 0; i < CHILD_SLOTS; i++) {
		pid_t pid = (pid_t)atomic_load(&signal_children[i]);
		if (pid <= 0)
			continue;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
}

int
publish_watch_child(pid_t pid)
{
	int i;

	for (i = 0; i < CHILD_SLOTS; i++) {
		int expect = 0;
		if (atomic_compare_exchange_strong(&signal_children[i],
		    &expect, (int)pid))
			return i;
	}
	return -1;
}

void
publish_unwatch_child(int slot)
{
	if (slot >= 0)
		atomic_store(&signal_children[slot], 0);
}

static void
leave_now(int sig)
{
	static const struct timespec moment = { 0, 20 * 1000 * 1000 };
	size_t i;
	int pass, left = 1;

	fsio_stop_writes();
	end_children();
	for (pass = 0; pass < LEAVE_PASSES && left; pass++) {
		if (pass)
			nanosleep(&moment, NULL);
		left = 0;
		for (i = 0; i < STAGING_SLOTS; i++) {
			char *s = atomic_load(&signal_staging[i]);
			if (!s)
				continue;
			fsio_rmtree_signal_safe(s);
			if (access(s, F_OK) == 0)
				left = 1;
		}
	}
	_exit(128 + sig);
}

static void
on_signal(int sig)
{
	atomic_store(&signal_pending, sig);
	if (atomic_load(&swaps_in_progress) == 0)
		leave_now(sig);
}

/* The slot staging is watched in, or -1 when all are taken (the
 * folder is then left for the next build's sweep to remove). */
static int
watch_staging(char *staging)
{
	int i;

	for (i = 0; i < STAGING_SLOTS; i++) {
		char *expect = NULL;
		if (atomic_compare_exchange_strong(&signal_staging[i], &expect,
		    staging))
			return i;
	}
	return -1;
}

static void
unwatch_staging(int slot)
{
	if (slot >= 0)
		atomic_store(&signal_staging[slot], NULL);
}

void
publish_signals_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		/* a signal the caller ignores (nohup, a background job of a
		 * script) stays ignored, as the shell meant */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* Blocks (1) or unblocks (0) SIGINT and SIGTERM in this thread: the swap
 * must not be cut between its two renames, or OUT would be left as
 * OUT.old-PID.  Another thread may still take the signal: on_signal then
 * waits for the swaps in progress (swap_begin, swap_end). */
static void
hold_signals(int hold)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static void
swap_begin(void)
{
	hold_signals(1);
	atomic_fetch_add(&swaps_in_progress, 1);
}

static void
swap_end(void)
{
	int sig;

	atomic_fetch_sub(&swaps_in_progress, 1);
	hold_signals(0);
	if ((sig = atomic_load(&signal_pending)) != 0 &&
	    atomic_load(&swaps_in_progress) == 0)
		leave_now(sig);
}

/* ---- OUT ---- */

/* OUT must be a folder policyc may replace: not the project, not above
 * it, and either absent, empty, or made by policyc before. */
static int
out_is_safe(const char *dir, const char *out, diag_set *ds)
{
	char *rdir = realpath(dir, NULL), *rout = realpath(out, NULL);
	int ok = 1;

	if (rdir && rout) {
		size_t l = strlen(rout);
		if (!strncmp(rdir, rout, l) && (rdir[l] == '/' || rdir[l] == '\0' ||
		    l == 1)) {
			diag_report(ds, R_OUTPUT_ERROR, out, 0, 0,
			    "output folder '%s' holds the project itself; "
			    "choose another with -o", out);
			ok = 0;
		}
	}
	if (ok && rout && fsio_is_dir(rout)) {
		char *marker = path_join(rout, OUTPUT_MARKER);
		if (!fsio_exists(marker) && !fsio_dir_empty(rout)) {
			diag_report(ds, R_OUTPUT_ERROR, out, 0, 0,
			    "'%s' exists and was not made by policyc; refusing "
			    "to replace it (remove it or choose another -o)", out);
			ok = 0;
		}
		free(marker);
	} else if (ok && rout && !fsio_is_dir(rout)) {
		diag_report(ds, R_OUTPUT_ERROR, out, 0, 0,
		    "'%s' is a file, not a folder", out);
		ok = 0;
	}
	free(rdir);
	free(rout);
	return ok;
}

/* ---- XML ---- */

typedef struct {
	const corpus *c;
	xmlDocPtr *docs;
	diag_set *ds;
	const char *staging;
	atomic_int failed;
	incr *inc;
} xml_ctx;

/* Writes one XML file from its serialisation (NULL: it could not be
 * made); inc (NULL for corpus.xml) records its bytes so the next build
 * may carry it over (incremental.h). */
static int
write_xml_bytes(const char *mem, size_t len, const char *staging,
    const char *rel, incr *inc, size_t i)
{
	if (!mem || publish_write(staging, rel, mem, len) != 0)
		return -1;
	incr_wrote(inc, INCR_XML, i, mem, len);
	return 0;
}

static int
write_xml(xmlDocPtr doc, const char *staging, const char *rel, incr *inc,
    size_t i)
{
	size_t len;
	char *mem = xmldump_doc(doc, &len);
	int rc = write_xml_bytes(mem, len, staging, rel, inc, i);

	free(mem);
	return rc;
}

static void
xml_one(void *arg, size_t i, int worker)
{
	xml_ctx *x = arg;
	const document *d = x->c->docs[i];
	char *rel = publish_path("xml", d->id, ".xml");

	if (!rel) {
		/* pipeline_load gave every document a safe id: this is a
		 * bug, and still no write outside OUT */
		diag_report(x->ds, R_OUTPUT_ERROR, d->path, 0, 0,
		    "id '%s' is not a safe output path", d->id);
		atomic_store(&x->failed, 1);
		return;
	}
	if (incr_reuse(x->inc, INCR_XML, i, x->staging, rel)) {
		free(rel);   /* the same tree as when OUT was made */
		return;
	}
	if (write_xml(x->docs[i], x->staging, rel, x->inc, i) != 0) {
		diag_report(x->ds, R_OUTPUT_ERROR, d->path, 0, 0,
		    "cannot write %s: %s", rel, strerror(errno));
		atomic_store(&x->failed, 1);
	}
	free(rel);
}

/* ---- streamed trees ---- */

/* pipeline_model_streamed: each document's tree is made when a back end
 * (or the XML writer) asks for it, its XML file written then, and freed
 * once its outputs are written (backend.h). */
typedef struct {
	pipeline *pl;
	incr *inc;
	const char *staging;
	diag_set *ds;
	int with_xml;               /* OUT/xml/ is asked for */
	unsigned char *xml_done;    /* per document: its XML file in
	                               staging (carried or written) */
	unsigned char *given;       /* per document: its tree hash given
	                               and XML file written (stream_tree) */
	atomic_int failed;
	int corpus_written;         /* stream_corpus wrote corpus.xml (or
	                               said why it could not) */
} stream_ctx;

static void
stream_xml_failed(stream_ctx *x, const document *d, const char *rel)
{
	diag_report(x->ds, R_OUTPUT_ERROR, d->path, 0, 0,
	    rel ? "cannot write %s: %s" : "id '%s' is not a safe output path",
	    rel ? rel : d->id, strerror(errno));
	atomic_store(&x->failed, 1);
}

/* Document i's tree, made now: its hash given to the build cache (from
 * the cache when it was read back from OUT, else from its one
 * serialisation, which is also what its XML file holds), and the file
 * written or carried over. */
static xmlDocPtr
stream_tree(void *arg, size_t i)
{
	stream_ctx *x = arg;
	const document *d = pipeline_corpus(x->pl)->docs[i];
	xmlDocPtr doc = pipeline_tree(x->pl, i);
	const char *known;
	char *mem = NULL;
	size_t len = 0;
	char *rel = NULL, hash[33];

	if (!doc || x->given[i])   /* made before (the PDFs, then its page) */
		return doc;
	x->given[i] = 1;
	known = incr_model_tree_hash(pipeline_model_memo(x->pl), i);
	if (known)
		incr_tree(x->inc, i, known);
	else {
		incr_hash h;
		mem = xmldump_doc(doc, &len);
		incr_hash_init(&h);
		if (mem)
			incr_hash_add(&h, mem, len);
		incr_hash_hex(&h, hash);
		incr_tree(x->inc, i, hash);
	}
	if (x->xml_done[i])
		;   /* carried by stream_carry */
	else if (x->with_xml && !(rel = publish_path("xml", d->id, ".xml")))
		stream_xml_failed(x, d, NULL);
	else if (rel && incr_reuse(x->inc, INCR_XML, i, x->staging, rel))
		x->xml_done[i] = 1;
	else if (rel) {
		if (!mem)
			mem = xmldump_doc(doc, &len);
		if (write_xml_bytes(mem, len, x->staging, rel, x->inc, i) != 0)
			stream_xml_failed(x, d, rel);
		else
			x->xml_done[i] = 1;
	}
	free(mem);
	free(rel);
	return doc;
}

static void
stream_release(void *arg, size_t i)
{
	stream_ctx *x = arg;

	/* the root index.md's tree is the home page's text (html.c) */
	if (strcmp(pipeline_corpus(x->pl)->docs[i]->id, "index") != 0)
		pipeline_tree_release(x->pl, i);
}

/* Document i's XML file carried over from OUT (its tree hash already
 * given to the cache): 1 when it was, and it is marked done. */
static int
carry_xml(stream_ctx *x, size_t i)
{
	char *rel;

	if (x->xml_done[i])   /* its tree was made first (a PDF's) */
		return 1;
	rel = publish_path("xml", pipeline_corpus(x->pl)->docs[i]->id, ".xml");
	x->xml_done[i] = rel && incr_reuse(x->inc, INCR_XML, i, x->staging,
	    rel);
	free(rel);
	return x->xml_done[i];
}

/* The build cache knows document i's tree hash without its tree: given
 * (so its outputs' keys are set), 1. */
static int
stream_known(void *arg, size_t i)
{
	stream_ctx *x = arg;
	const char *known = incr_model_tree_hash(pipeline_model_memo(x->pl), i);

	if (!known)
		return 0;
	incr_tree(x->inc, i, known);
	return 1;
}

/* A document whose tree the cache would read back (its inputs did not
 * change) needs no tree at all when its XML file and page are carried
 * over and its search entry is in OUT's index (incrsearch.c): 1.  The
 * root index.md's tree is always made (the home page's text). */
static int
stream_carry(void *arg, size_t i)
{
	stream_ctx *x = arg;
	const document *d = pipeline_corpus(x->pl)->docs[i];
	char *page;
	int ok;

	if (!strcmp(d->id, "index") || !stream_known(arg, i))
		return 0;
	if (!incr_search_known(x->inc, i) ||
	    !(page = publish_path("html", d->id, ".html")))
		return 0;
	ok = incr_reusable(x->inc, INCR_HTML, i, page) &&
	    (!x->with_xml || carry_xml(x, i)) &&
	    incr_reuse(x->inc, INCR_HTML, i, x->staging, page);
	free(page);
	/* its cmark tree is left for pipeline_free: freeing it node by
	 * node cost a rebuild a quarter of its time, and the parse stage's
	 * peak held it anyway */
	return ok;
}

/* The k-th edge of a lean corpus tree's graph (backend.h: corpus_edge
 * takes corpus_ctx, which is the stream's). */
static int
stream_corpus_edge(void *arg, size_t k, const char **from, const char **to,
    const char **kind)
{
	return pipeline_corpus_edge(((stream_ctx *)arg)->pl, k, from, to,
	    kind);
}

static int publish_corpus_xml(pipeline *pl, const char *staging,
    diag_set *ds, incr *inc);

/* corpus.xml's whole tree, for the corpus pages: finished now, after
 * the document pages freed their trees (backend.h).  With OUT/xml it is
 * written now too, unless it was carried over (stream_corpus_rest). */
static xmlDocPtr
stream_corpus(void *arg)
{
	stream_ctx *x = arg;
	xmlDocPtr cx = pipeline_corpus_xml(x->pl);

	if (!cx || !x->with_xml || x->corpus_written)
		return cx;
	x->corpus_written = 1;
	if (publish_corpus_xml(x->pl, x->staging, x->ds, x->inc) != 0)
		atomic_store(&x->failed, 1);
	return cx;
}

/* corpus.xml's rest (backend.h corpus_rest): its file carried over and
 * its tree left as the head when it would be what OUT has, else made
 * and written (stream_corpus). */
static void
stream_corpus_rest(void *arg)
{
	stream_ctx *x = arg;

	if (!x->corpus_written &&
	    incr_corpus_carry(x->inc, x->staging, x->with_xml)) {
		x->corpus_written = 1;
		return;
	}
	(void)stream_corpus(arg);
}

/* XML without the site: each tree made, written and freed; or, when the
 * cache would read it back and its file is carried over, not made. */
static void
stream_one(void *arg, size_t i, int worker)
{
	stream_ctx *x = arg;

	(void)worker;
	if (stream_known(arg, i) && carry_xml(x, i))
		return;
	if (stream_tree(arg, i))
		stream_release(arg, i);
}

/* corpus.xml's bytes to its file, hashed and counted as they go. */
typedef struct {
	FILE *f;
	incr_hash h;
	size_t len;
} corpus_sink;

static int
corpus_write(void *arg, const char *data, size_t n)
{
	corpus_sink *k = arg;

	incr_hash_add(&k->h, data, n);
	k->len += n;
	return fwrite(data, 1, n, k->f) == n ? 0 : -1;
}

/* OUT/xml/corpus.xml, the tree finished first; nonzero when it could not
 * be written (reported).  Its bytes' hash goes to the build cache: the
 * file's record, and the corpus pages' key when the tree is not lean (a
 * lean tree's key is not its bytes: incremental.c, corpus_keys). */
static int
publish_corpus_xml(pipeline *pl, const char *staging, diag_set *ds,
    incr *inc)
{
	xmlDocPtr cx = pipeline_corpus_xml(pl);
	FILE *f = cx ? publish_fopen(staging, "xml/corpus.xml") : NULL;
	corpus_sink k;
	int rc, e;
	char hex[33];

	k.f = f;
	k.len = 0;
	incr_hash_init(&k.h);
	rc = f ? pipeline_corpus_xml_write(pl, corpus_write, &k) : -1;
	e = errno;
	if (rc == 0 && fflush(f) != 0)
		rc = -1, e = errno;
	if (f && fclose(f) != 0 && rc == 0)
		rc = -1;
	else if (rc != 0)
		errno = e;
	if (rc != 0) {
		diag_report(ds, R_OUTPUT_ERROR, "", 0, 0,
		    "cannot write xml/corpus.xml: %s", strerror(errno));
		return 1;
	}
	incr_hash_hex(&k.h, hex);
	incr_corpus_wrote(inc, hex, k.len, !pipeline_corpus_lean(pl));
	return 0;
}

/* Every document's XML file, and corpus.xml unless trees are streamed
 * (then it is written after the back ends: pipeline_corpus_xml). */
static int
publish_xml(pipeline *pl, const char *staging, diag_set *ds, incr *inc)
{
	xml_ctx xc;
	corpus *c = pipeline_corpus(pl);
	int fatal = 0;

	memset(&xc, 0, sizeof xc);
	xc.c = c;
	xc.docs = pipeline_document_xml(pl);
	xc.ds = ds;
	xc.staging = staging;
	xc.inc = inc;
	atomic_init(&xc.failed, 0);
	/* streamed trees: each document's file is written when its tree
	 * is made (stream_tree) */
	if (!pipeline_streamed(pl)) {
		jobs_run(c->ndocs, pipeline_jobs(pl), xml_one, &xc);
		fatal = publish_corpus_xml(pl, staging, ds, inc);
	}
	return fatal | atomic_load(&xc.failed);
}

/* ---- redirects ---- */

/* One small page per accepted redirect_from:/aliases: path, as Hugo
 * writes its aliases: a canonical link and a meta refresh to the
 * document's page, and a plain link for readers without refresh.  The
 * link pass judged every path (alias-invalid otherwise); the path is
 * still made by publish_path, so nothing lands outside OUT/html. */
static int
publish_redirects(const corpus *c, const char *staging, diag_set *ds)
{
	const char *base = c->project->base_url;
	for (size_t i = 0; i < c->ndocs; i++) {
		const document *d = c->docs[i];
		for (size_t k = 0; k < d->naliases; k++) {
			const meta_alias *a = &d->aliases[k];
			char *stem, *rel, *target;
			buf url, page;
			size_t ups = 0;
			if (!a->key || !document_id_safe(d->id))
				continue;
			stem = a->html ? xstrdup(a->key) :
			    xasprintf("%s/index", a->key);
			rel = publish_path("html", stem, ".html");
			free(stem);
			if (!rel)
				continue;
			for (const char *q = rel + 5; *q; q++)
				ups += *q == '/';
			buf_init(&url);
			if (base && *base) {
				buf_puts(&url, base);
				if (base[strlen(base) - 1] != '/')
					buf_putc(&url, '/');
			} else
				for (size_t u = 0; u < ups; u++)
					buf_puts(&url, "../");
			escape_uri(&url, d->id, ESCAPE_URI_PATH);
			buf_puts(&url, ".html");
			target = buf_detach(&url);
			buf_init(&page);
			buf_puts(&page, "<!DOCTYPE html>\n<html lang=\"");
			escape_xml(&page, c->project->language);
			buf_puts(&page, "\"><head><meta charset=\"utf-8\">\n"
			    "<meta http-equiv=\"Content-Security-Policy\" "
			    "content=\"default-src 'none'; base-uri 'none'; "
			    "form-action 'none'\">\n<title>");
			escape_xml(&page, d->title);
			buf_puts(&page, "</title>\n<link rel=\"canonical\" href=\"");
			escape_xml(&page, target);
			buf_puts(&page, "\">\n<meta name=\"robots\" content=\"noindex\">"
			    "\n<meta http-equiv=\"refresh\" content=\"0; url=");
			escape_xml(&page, target);
			buf_puts(&page, "\">\n</head><body><p>This page has moved to "
			    "<a href=\"");
			escape_xml(&page, target);
			buf_puts(&page, "\">");
			escape_xml(&page, d->title);
			buf_puts(&page, "</a>.</p></body></html>\n");
			if (publish_write(staging, rel, page.data, page.len) != 0) {
				diag_report(ds, R_HTML_WRITE, d->path, a->line, a->col,
				    "cannot write the redirect %s: %s", rel,
				    strerror(errno));
				buf_free(&page);
				free(target);
				free(rel);
				return 1;
			}
			buf_free(&page);
			free(target);
			free(rel);
		}
	}
	return 0;
}

/* ---- the site's PDFs ---- */

/* Makes every PDF under pdf/ reachable as html/pdf/ too, so a site
 * deployed as its html/ folder keeps its downloads: a hard link (the
 * same file, never a second render), or a copy where the file system
 * refuses links.  OUT/pdf/ stays as DESIGN.md says.  With inc (an
 * in-place build, from OUT's pdf/ folder, rel its path there): only the
 * PDFs the build left in OUT (incr_kept), so each is linked afresh and
 * html/pdf/ never keeps a file that is not its PDF.  Nonzero on a
 * failed write (reported). */
static int
link_pdfs(const char *from, const char *to, diag_set *ds, incr *inc,
    const char *rel)
{
	DIR *dir = opendir(from);
	struct dirent *e;
	int rc = 0, made = 0;

	if (dir == NULL)
		return 0;
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		char *a, *b;
		if (e->d_name[0] == '.')
			continue;
		char *r = inc ? path_join(rel, e->d_name) : NULL;
		a = path_join(from, e->d_name);
		b = path_join(to, e->d_name);
		if (fsio_is_dir(a))
			rc = link_pdfs(a, b, ds, inc, r);
		else if (str_has_suffix(e->d_name, ".pdf") &&
		    (!inc || incr_kept(inc, r))) {
			/* the folder made for its first PDF only: OUT's folder
			 * of a deleted document's PDF holds nothing kept, and an
			 * empty folder here would keep OUT's copy of it (fsio.c's
			 * prune) */
			if (!made && fsio_mkdirs(to) != 0) {
				diag_report(ds, R_OUTPUT_ERROR, "", 0, 0,
				    "cannot create %s: %s", to, strerror(errno));
				rc = 1;
			} else {
				made = 1;
				if (link(a, b) != 0 && fsio_copy(a, b) != 0) {
					diag_report(ds, R_OUTPUT_ERROR, "", 0, 0,
					    "cannot write %s: %s", b,
					    strerror(errno));
					rc = 1;
				}
			}
		}
		free(a);
		free(b);
		free(r);
	}
	closedir(dir);
	return rc;
}

/* ---- the build ---- */

/* The back ends, in order, into the staging folder; nonzero when any
 * failed to write (each has reported why). */
static int
publish_outputs(pipeline *pl, const publish_options *o, const char *staging,
    diag_set *ds, incr *inc)
{
	backend_input in;
	const project *p = pipeline_project(pl);
	stream_ctx sx;
	const char **ids;
	int fatal = 0;
	int xml_alone = pipeline_streamed(pl) && (o->outputs & OUTPUT_XML) &&
	    !(o->outputs & OUTPUT_HTML);

	/* the marker first: a back end that fails on a full disk must say
	 * so itself, not be caught by a later small write */
	if (publish_write(staging, OUTPUT_MARKER, "policyc output folder\n",
	    22) != 0) {
		diag_report(ds, R_OUTPUT_ERROR, "", 0, 0,
		    "cannot write %s: %s", OUTPUT_MARKER, strerror(errno));
		return 1;
	}
	memset(&in, 0, sizeof in);
	if (pipeline_streamed(pl)) {
		memset(&sx, 0, sizeof sx);
		sx.pl = pl;
		sx.inc = inc;
		sx.staging = staging;
		sx.ds = ds;
		sx.with_xml = (o->outputs & OUTPUT_XML) != 0;
		atomic_init(&sx.failed, 0);
		sx.xml_done = xcalloc(pipeline_ndocs(pl) + 1, 1);
		sx.given = xcalloc(pipeline_ndocs(pl) + 1, 1);
		/* XML without the site: each tree made, written and freed
		 * here (after the PDFs, which may make some of them first);
		 * with the site, its page jobs ask for them */
		if (xml_alone && !(o->outputs & OUTPUT_PDF))
			jobs_run(pipeline_ndocs(pl), pipeline_jobs(pl),
			    stream_one, &sx);
	}
	if (o->outputs & OUTPUT_XML)
		fatal |= publish_xml(pl, staging, ds, inc);
	pipeline_stage(pl, "xml");   /* the trees, made or written */
	in.project_dir = p->dir;
	in.data_dir = pipeline_data_dir();
	in.out_dir = staging;
	in.templates_judged = pipeline_templates_judged(pl);
	in.corpus = pipeline_corpus_head(pl);
	in.docs = pipeline_document_xml(pl);
	in.ndocs = pipeline_ndocs(pl);
	ids = xcalloc(in.ndocs + 1, sizeof *ids);
	for (size_t i = 0; i < in.ndocs; i++)
		ids[i] = pipeline_corpus(pl)->docs[i]->id;
	in.ids = ids;
	in.jobs = pipeline_jobs(pl);
	in.timings = pipeline_options_of(pl)->timings;
	in.leave_to_exit = o->last && !pipeline_free_at_exit();
	in.today = pipeline_corpus(pl)->today;
	in.ds = ds;
	in.incr = inc;
	if (pipeline_streamed(pl)) {
		in.tree = stream_tree;
		in.release = stream_release;
		in.carry = stream_carry;
		in.known = stream_known;
		in.tree_ctx = &sx;
		in.corpus_full = stream_corpus;
		in.corpus_rest = stream_corpus_rest;
		in.corpus_ctx = &sx;
		in.corpus_ahead = !pipeline_bounded(pl);
		/* the cache's records the pages leave as they are */
		if (!pipeline_bounded(pl)) {
			in.beside = incr_records_ahead;
			in.beside_ctx = inc;
		}
		if (pipeline_corpus_lean(pl))
			in.corpus_edge = stream_corpus_edge;
	}
	if (!fatal && (o->outputs & OUTPUT_PDF)) {
		/* a PDF that cannot be written fails the build like any other
		 * write: the old OUT is kept.  Before the site, whose pages
		 * link each PDF with its pages and size. */
		in.last_backend = !(o->outputs & OUTPUT_HTML);
		fatal |= pdf_render(&in) != 0;
		/* in place, PDFs left in OUT are not in staging: its pdf/
		 * folder says to the site (and the cache) that there are
		 * PDFs, as after a full build */
		if (!fatal && incr_pdfs_kept(inc)) {
			char *d = path_join(staging, "pdf");
			fatal |= fsio_mkdirs(d) != 0;
			free(d);
		}
		pipeline_stage(pl, "pdf");
	}
	if (!fatal && xml_alone && (o->outputs & OUTPUT_PDF))
		jobs_run(pipeline_ndocs(pl), pipeline_jobs(pl), stream_one, &sx);
	if (!fatal && (o->outputs & OUTPUT_HTML)) {
		in.last_backend = 1;
		fatal |= html_render(&in) != 0;
		pipeline_stage(pl, "html");
	}
	if (!fatal && (o->outputs & OUTPUT_HTML) && (o->outputs & OUTPUT_PDF)) {
		char *a = path_join(staging, "pdf");
		char *b = path_join(staging, "html/pdf");
		fatal |= link_pdfs(a, b, ds, NULL, NULL);
		free(a);
		if (!fatal && incr_pdfs_kept(inc)) {   /* and those left in OUT */
			a = path_join(o->out, "pdf");
			fatal |= link_pdfs(a, b, ds, inc, "pdf");
			free(a);
		}
		free(b);
	}
	if (!fatal && (o->outputs & OUTPUT_HTML)) {
		/* the images the pages use, under their content-addressed
		 * names; a failed copy fails the build like any write */
		char *h = path_join(staging, "html");
		fatal |= assets_copy(pipeline_corpus(pl), h, ds) != 0;
		free(h);
	}
	if (!fatal && (o->outputs & OUTPUT_HTML))
		fatal |= publish_redirects(pipeline_corpus(pl), staging, ds);
	/* streamed: corpus.xml once every document's tree is gone */
	if (!fatal && in.tree && (o->outputs & OUTPUT_XML) &&
	    !sx.corpus_written) {
		stream_corpus_rest(&sx);
		fatal |= atomic_load(&sx.failed);
	}
	if (in.tree) {
		fatal |= atomic_load(&sx.failed);
		free(sx.xml_done);
		free(sx.given);
	}
	free(ids);
	return fatal;
}

/* --timings: what the build cache spared (incremental.h). */
static void
cache_report(pipeline *pl)
{
	incr_stats st = incr_last_stats();
	size_t read_back = incr_model_read_back(),
	    made = pipeline_trees_made(pl), n = pipeline_ndocs(pl);

	fprintf(stderr, "cache: %zu files carried over (%zu known by their "
	    "stat, %zu hashed again), %zu written; of %zu document trees %zu "
	    "made, %zu read back, %zu not needed\n", st.reused, st.unread,
	    st.reused - st.unread, st.made, n, made, read_back,
	    n - made - read_back);
}

/* Puts the build into OUT: the whole staging folder swapped in, or, when
 * the build kept OUT's unchanged files where they are (incr_in_place)
 * and made few (incr_few_made), its files moved in one by one; a build
 * that kept files but made many has the kept ones linked into staging
 * first, and is swapped in whole.  What the build left in OUT is
 * incr_kept's (the site's links to kept PDFs are in staging: link_pdfs).
 * 0 on success (else reported). */
static int
commit(const publish_options *o, incr *inc, const char *staging,
    const char *out, diag_set *ds)
{
	int kept = incr_in_place(inc), in_place = kept && incr_few_made(inc);
	const char *why;

	if (kept && !in_place && fsio_fill_staging(staging, out,
	    INCR_CACHE_NAME, incr_kept, inc, &why) != 0) {
		diag_report(ds, R_OUTPUT_ERROR, out, 0, 0,
		    "cannot carry the unchanged files of '%s' over (%s: %s)",
		    out, why, strerror(errno));
		return 1;
	}
	if (!in_place) {
		if (fsio_swap(staging, out, o->keep_old) == 0)
			return 0;
		diag_report(ds, R_OUTPUT_ERROR, out, 0, 0,
		    "cannot move the new output into '%s': %s", out,
		    strerror(errno));
		return 1;
	}
	if (fsio_commit_in_place(staging, out, INCR_CACHE_NAME, incr_kept, inc,
	    &why) == 0)
		return 0;
	diag_report(ds, R_OUTPUT_ERROR, out, 0, 0,
	    "cannot update '%s' in place (%s: %s); the next build makes "
	    "it all again", out, why, strerror(errno));
	return 1;
}

int
publish_run(pipeline *pl, const publish_options *o, diag_set *ds)
{
	const project *p = pipeline_project(pl);
	char *out, *staging;
	int fatal, slot;
	incr *inc;

	/* each document's tree is made when a back end asks for it; the
	 * PDF back end reads corpus.xml's every term use (its packs'
	 * glossaries), so with PDFs its tree is whole */
	if (!p || ((o->outputs & OUTPUT_PDF) ?
	    pipeline_model_streamed_whole(pl) :
	    pipeline_model_streamed(pl)) != PIPELINE_OK)
		return EXIT_USAGE;
	out = fsio_strip_slashes(o->out);
	if (!out_is_safe(p->dir, out, ds)) {
		free(out);
		return EXIT_USAGE;
	}
	/* OUT's lock and build cache (incremental.c) */
	if (!(inc = incr_begin(pl, out, !o->no_cache,
	    (o->outputs & OUTPUT_PDF) != 0, ds))) {
		free(out);
		return EXIT_ERRORS;
	}
	fsio_sweep_stale(out);
	/* a signal between the folder's making and its watching would
	 * leave it: it waits, as for a swap, until the folder is watched */
	swap_begin();
	staging = fsio_staging(out);
	slot = staging ? watch_staging(staging) : -1;
	swap_end();
	if (!staging) {
		diag_report(ds, R_OUTPUT_ERROR, out, 0, 0,
		    "cannot make a staging folder beside '%s': %s", out,
		    strerror(errno));
		incr_end(inc);
		free(out);
		return EXIT_ERRORS;
	}

	if (pipeline_streamed(pl)) {
		/* trees made while the back ends write read the checked
		 * diagnostics (each document's are in its XML): what the
		 * back ends report goes into a set of its own meanwhile */
		diag_set *bds = diag_new_like(ds);
		fatal = publish_outputs(pl, o, staging, bds, inc);
		diag_merge(ds, bds);
		diag_free(bds);
	} else
		fatal = publish_outputs(pl, o, staging, ds, inc);
	/* a file changed mid-build (bounded): its pages would mix two
	 * versions, so the previous output stays */
	if (!fatal && pipeline_changed_file(pl))
		fatal = 1;
	if (!fatal)
		fatal = incr_finish(inc, staging, ds);
	swap_begin();
	if (!fatal)
		fatal = commit(o, inc, staging, out, ds);
	if (fatal)
		fsio_rmtree(staging);
	unwatch_staging(slot);
	swap_end();
	incr_end(inc);
	pipeline_stage(pl, "publish");
	if (pipeline_options_of(pl)->timings)
		cache_report(pl);
	free(staging);
	free(out);
	return fatal ? EXIT_ERRORS : EXIT_OK;
}
