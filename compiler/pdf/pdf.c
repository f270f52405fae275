/*
 * pdf.c — the PDF back end's entry point, pdf_render (backend.h), which
 * the core reaches through policyc_pdf_backend (pdfmodule.c).  Lays
 * out every document in parallel (jobs_run on in->jobs threads; each
 * worker number has its own Pango font map and context); draws every
 * pack of corpus.xml — cover, contents, the documents' already shaped
 * flows, glossary — into OUT/pdf/<pack-id>.pdf and makes it accessible,
 * in child processes of their own (pdfchild.c) while the workers draw and
 * tag the documents' own OUT/pdf/<id>.pdf; where no child may be forked,
 * draws the packs one at a time and then, in parallel again, tags them
 * beside the documents' own PDFs.  Any file that cannot be written fails
 * the render (and so the build); the input was judged before it ran.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pdfint.h"
#include "pdfprofile.h"
#include "module.h"
#include "pdftag.h"
#include "document.h"
#include "fsio.h"
#include "incremental.h"
#include "jobs.h"
#include "pdfchild.h"

typedef struct {
	const backend_input *in;
	pdf_style *st;
	pdf_flow **flows;
	pdf_thread *ts;       /* per worker number */
	int *failed;          /* per worker number: a write failed */
	char **rels;          /* per document: pdf/<id>.pdf, or NULL */
	unsigned char *in_pack;   /* per document: a pack includes it */
	unsigned char *to_write;  /* per document: laid out, its own PDF
	                             not carried over */
	struct drawn_pack **packs;    /* drawn, to be tagged */
	size_t npacks;
} job;

/* cairo writes its page content uncompressed: every file is tagged
 * (pdftag.c), which reads each page's content and writes it again, and
 * would otherwise inflate what cairo had just deflated, then deflate it
 * again: a tenth of the PDF stage.  Now it is deflated once, as it is
 * written again; what tagging leaves as it was, pdfsave.c deflates as it
 * copies it, in the form cairo gives a compressed stream, so the files
 * are the same bytes either way.  cairo 1.16 to 1.18 have no call for
 * this, only the variable CAIRO_DEBUG_PDF, read each time a PDF surface
 * is made; it is set here, on the main thread, before any is made (a
 * cairo that ignores it compresses as before, and nothing changes but
 * the time).  POLICYC_CAIRO_COMPRESS=1 leaves cairo compressing (the
 * tests compare the two ways). */
static void
cairo_uncompressed(void)
{
	const char *e = getenv("POLICYC_CAIRO_COMPRESS");

	if (!(e && !strcmp(e, "1")))
		setenv("CAIRO_DEBUG_PDF", "1", 0);   /* a value set is kept */
}

static char *
keywords_of(pdf_flow *f)
{
	buf b;
	size_t i;

	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < f->ntags; i++) {
		if (i)
			buf_puts(&b, ", ");
		buf_puts(&b, f->tags[i]);
	}
	return buf_detach(&b);
}

/* Writes f's own PDF; 0 on success. */
static int
write_document(pdf_thread *t, const backend_input *in, pdf_flow *f)
{
	char *path, *kw, *subject;
	pdf_out out;
	int rc;

	if (!f->id || !document_id_safe(f->id))
		return 0;
	path = xasprintf("%s/pdf/%s.pdf", in->out_dir, f->id);
	if (fsio_mkdir_parent(path) != 0) {
		diag_report_sev(in->ds, SEV_ERROR, R_PDF_WRITE, f->path, 0, 0,
		    "cannot make the folder for %s: %s",
		    backend_out_rel(in, path), strerror(errno));
		free(path);
		return 1;
	}
	memset(&out, 0, sizeof out);
	out.flows = &f;
	out.nflows = 1;
	kw = keywords_of(f);
	subject = xasprintf("%s%s%s", f->type && *f->type ? f->type :
	    "document", f->owner && *f->owner ? "; owner: " : "",
	    f->owner ? f->owner : "");
	rc = pdfdraw_write(t, in, path, &out, f->title, subject, kw);
	if (rc == 0)
		rc = pdftag_finish(in, path, &out, t->st->lang);
	free(subject);
	free(kw);
	free(path);
	return rc;
}

/* jobs_fn: lays out and paginates document i on worker w (its PDF is
 * written by write_job, once the packs are drawn).  A PDF the build
 * cache carries over from the previous OUT (its tree and pdf_identity
 * as they were) is linked instead of written, and laid out only when a
 * pack needs its pages. */
static void
layout_job(void *ctx, size_t i, int w)
{
	job *j = ctx;
	const backend_input *in = j->in;
	const char *rel = j->rels[i];
	int carried;
	xmlDocPtr doc;
	pdf_flow *f;

	/* streamed trees: the cache may know the tree's hash, and so the
	 * PDF's key, without the tree (which is then not made) */
	if (rel && in->known && !in->docs[i])
		(void)in->known(in->tree_ctx, i);
	carried = rel && incr_reuse(in->incr, INCR_PDF, i, in->out_dir, rel);
	if (carried && !j->in_pack[i])
		return;
	/* kept for the site's page (and a pack), which asks for it next */
	if (!(doc = backend_tree(in, i)))
		return;
	/* a tree the cache could not know (no XML file to read back from,
	 * --outputs without xml) has its hash now: the same key may still
	 * carry the PDF over */
	if (!carried && rel && in->tree)
		carried = incr_reuse(in->incr, INCR_PDF, i, in->out_dir, rel);
	if (carried && !j->in_pack[i])
		return;
	/* Shaping inside pdfflow_document runs under the font lock
	 * (pdffont.c says why); everything else runs in parallel. */
	j->ts[w].term_lines = j->in_pack[i];   /* its glossary may ask */
	f = pdfflow_document(&j->ts[w], in, doc);
	pdfpage_paginate(f, j->st);
	j->flows[i] = f;
	j->to_write[i] = !carried;
}

/* Which documents a pack includes (their flows are needed whether or
 * not their own PDFs are carried over). */
static void
mark_pack_members(const backend_input *in, xmlNodePtr packs,
    unsigned char *in_pack)
{
	xmlNodePtr p, inc;
	size_t i;

	for (p = packs ? packs->children : NULL; p; p = p->next) {
		if (!xmlread_is(p, "pack"))
			continue;
		for (inc = p->children; inc; inc = inc->next) {
			char *ref;
			if (!xmlread_is(inc, "include"))
				continue;
			ref = xmlread_attr(inc, "ref");
			for (i = 0; ref && in->ids && i < in->ndocs; i++)
				if (in->ids[i] && !strcmp(in->ids[i], ref))
					in_pack[i] = 1;
			free(ref);
		}
	}
}

/* The flows of the documents pack pk includes, in its order (an array
 * of *n the caller frees). */
static pdf_flow **
pack_docs(const backend_input *in, xmlNodePtr pk, pdf_flow **flows,
    size_t *n)
{
	pdf_flow **docs = NULL;
	xmlNodePtr inc;
	size_t i;

	*n = 0;
	for (inc = pk->children; inc; inc = inc->next) {
		char *ref;
		if (!xmlread_is(inc, "include"))
			continue;
		ref = xmlread_attr(inc, "ref");
		for (i = 0; ref && i < in->ndocs; i++)
			if (flows[i] && !strcmp(flows[i]->id, ref)) {
				docs = xrealloc(docs, (*n + 1) * sizeof *docs);
				docs[(*n)++] = flows[i];
				break;
			}
		free(ref);
	}
	return docs;
}

/* A pack drawn by draw_pack, its file to be made accessible by
 * tag_pack: everything pdftag_finish reads from is kept until then. */
typedef struct drawn_pack {
	char *path;
	pdf_out out;
	pdf_flow **all, **docs, *fc, *fct, *fg;
	pdfprofile *own;
	xmlNodePtr *terms;
	int failed;
} drawn_pack;

static void
drawn_pack_free(drawn_pack *dp)
{
	if (!dp)
		return;
	pdfflow_free(dp->fc);
	pdfflow_free(dp->fct);
	pdfflow_free(dp->fg);
	pdfprofile_release(dp->own);
	free(dp->out.drawn);   /* drawn, never tagged */
	free(dp->all);
	free(dp->docs);
	free(dp->terms);
	free(dp->path);
	free(dp);
}

/* Lays out and draws one pack's PDF; the pack to tag, or NULL when it
 * has no safe id.  Runs while no worker does: it shapes text (the
 * cover, contents, glossary) and sets the member documents' sections
 * and first pages for its own drawing, clearing the sections before it
 * returns; the documents' own PDFs, drawn after it, set their first
 * page themselves. */
static drawn_pack *
draw_pack(pdf_thread *t, const backend_input *in, xmlNodePtr pk,
    pdf_flow **flows)
{
	char *id = xmlread_attr(pk, "id"), *title = xmlread_attr(pk, "title");
	char *cover = xmlread_attr(pk, "cover"), *gl = xmlread_attr(pk, "glossary");
	drawn_pack *dp = NULL;
	pdf_flow **docs, **all;
	size_t ndocs = 0, nall = 0, i, nterms = 0;
	int page;
	char *subject;

	if (!id || !document_id_safe(id))
		goto done;
	dp = xcalloc(1, sizeof *dp);
	docs = dp->docs = pack_docs(in, pk, flows, &ndocs);
	dp->own = pdfprofile_pack(t, in, pk, flows, docs, ndocs);  /* its audience */
	all = dp->all = xcalloc(ndocs + 4, sizeof *all);
	if (cover && !strcmp(cover, "true")) {
		dp->fc = pdfflow_cover(t, in, pk, docs, ndocs);
		dp->fc->no_chrome = 1;   /* a cover is a page of its own design */
	}
	if (gl && !strcmp(gl, "true"))
		dp->terms = pdfpack_terms(in, docs, ndocs, &nterms);
	pdfpack_sections(in, docs, ndocs);
	dp->fct = pdfflow_contents(t, in, docs, ndocs, nterms > 0);
	if (dp->fc)
		all[nall++] = dp->fc;
	all[nall++] = dp->fct;
	for (i = 0; i < ndocs; i++)
		all[nall++] = docs[i];
	/* the pack's own pages run under its title; a document's under
	 * its own, as in its PDF (pdftext.c) */
	if (dp->fc) {
		free(dp->fc->header);
		dp->fc->header = xstrdup(title ? title : id);
	}
	free(dp->fct->header);
	dp->fct->header = xstrdup(title ? title : id);
	if (dp->fc)
		pdfpage_paginate(dp->fc, t->st);
	pdfpage_paginate(dp->fct, t->st);
	/* The glossary gives the pages a term is used on: it is made once
	 * the pages before it are known (it only comes after them). */
	page = 1;
	for (i = 0; i < nall; i++) {
		all[i]->first_page = page;
		page += (int)all[i]->npages;
	}
	if (nterms)
		dp->fg = pdfflow_glossary(t, in, dp->terms, nterms, docs, ndocs);
	if (dp->fg) {
		free(dp->fg->header);
		dp->fg->header = xstrdup(title ? title : id);
		pdfpage_paginate(dp->fg, t->st);
		all[nall++] = dp->fg;
	}
	dp->out.flows = all;
	dp->out.nflows = nall;
	dp->out.in_pack = 1;
	dp->out.has_glossary = dp->fg != NULL;
	dp->path = xasprintf("%s/pdf/%s.pdf", in->out_dir, id);
	subject = xasprintf("Policy pack of %zu document%s", ndocs,
	    ndocs == 1 ? "" : "s");
	/* each step says why it failed, once */
	if (fsio_mkdir_parent(dp->path) != 0) {
		diag_report_sev(in->ds, SEV_ERROR, R_PDF_WRITE, "policyc.yaml",
		    0, 0, "cannot make the folder for %s: %s",
		    backend_out_rel(in, dp->path), strerror(errno));
		dp->failed = 1;
	} else
		dp->failed = pdfdraw_write(t, in, dp->path, &dp->out,
		    title ? title : id, subject, id) != 0;
	/* the documents stand under no section until the next pack says */
	pdfpack_sections_clear(docs, ndocs);
	free(subject);
done:
	free(id);
	free(title);
	free(cover);
	free(gl);
	return dp;
}

/* Makes a drawn pack's file accessible (pdftag.c); 0 on success. */
static int
tag_pack(const backend_input *in, pdf_thread *t, drawn_pack *dp)
{
	return dp->failed || pdftag_finish(in, dp->path, &dp->out,
	    t->st->lang) != 0;
}

/* jobs_fn of the last pass: the packs drawn are tagged first (the
 * longest items, so they start at once), beside them every document
 * laid out and not carried over is drawn and tagged. */
static void
write_job(void *ctx, size_t k, int w)
{
	job *j = ctx;
	size_t i;

	if (k < j->npacks) {
		if (j->packs[k] && tag_pack(j->in, &j->ts[w], j->packs[k]))
			j->failed[w] = 1;
		return;
	}
	i = k - j->npacks;
	if (!j->to_write[i])
		return;
	if (write_document(&j->ts[w], j->in, j->flows[i]) != 0)
		j->failed[w] = 1;
	else if (j->rels[i])
		incr_wrote_file(j->in->incr, INCR_PDF, i, j->in->out_dir,
		    j->rels[i]);
}

/* ---- packs drawn in processes of their own ----
 *
 * A pack is drawn on one worker (it sets its members' sections and first
 * pages while it draws, so packs are drawn one at a time), and the other
 * workers had nothing to do until it was done: 0.75 s of the generated
 * project's 2.1 s.  Drawing the documents' own PDFs beside it in another
 * thread gained nothing: both slowed on cairo's lock of each scaled font
 * (docs/decisions.md).  So where a child process may be forked
 * (pdfchild.c) and there are two workers or more, packs are drawn and
 * tagged in children while the parent draws and tags the documents' own
 * PDFs on the other workers.  A child that cannot be started leaves its
 * packs to the parent, drawn as before; one that dies fails the build
 * with a pdf-write error naming its packs; one found waiting for ever is
 * killed and its packs drawn here.  POLICYC_PDF_PACKS=inline draws every
 * pack in the process (comparisons, tests). */
typedef struct {
	job *j;
	xmlNodePtr *pk;                /* every pack */
	size_t npk, first, step;       /* this share: first, first + step, ... */
} pack_share;

/* pdfchild_fn: draws and tags a share of the packs, its layouts made
 * with a font map of the child's own (pdfchild.c says why). */
static int
draw_share(void *ctx)
{
	pack_share *s = ctx;
	pdf_thread own;
	size_t k;
	int failed = 0;

	pdfthread_init(&own, s->j->st);
	for (k = s->first; k < s->npk; k += s->step) {
		drawn_pack *dp = draw_pack(&own, s->j->in, s->pk[k],
		    s->j->flows);
		if (dp && tag_pack(s->j->in, &own, dp))
			failed = 1;
	}
	return failed;
}

/* The ids of a share's packs, for what is said about them. */
static char *
share_ids(const pack_share *s)
{
	buf b;
	size_t k;

	buf_init(&b);
	buf_puts(&b, "");
	for (k = s->first; k < s->npk; k += s->step) {
		char *id = xmlread_attr(s->pk[k], "id");
		buf_printf(&b, "%s'%s'", b.len ? ", " : "", id ? id : "");
		free(id);
	}
	return buf_detach(&b);
}

/* The fresh heap a child drawing share s is expected to use: about
 * 0.2 MiB a page of its packs' documents (192 KiB: a little under what
 * the generated projects of 30 to 300 documents and the bundled sample
 * used, 0.16-0.20 MiB, so that little is faulted in for nothing). */
static size_t
share_fresh(const pack_share *s)
{
	size_t k, i, n, pages = 0;

	for (k = s->first; k < s->npk; k += s->step) {
		pdf_flow **docs = pack_docs(s->j->in, s->pk[k], s->j->flows, &n);
		for (i = 0; i < n; i++)
			pages += docs[i]->npages;
		free(docs);
	}
	return pages * 192 * 1024;
}

/* How many children to draw npk packs in (0: none, all in the process):
 * one worker is kept for the documents' own PDFs when there are some. */
static size_t
pack_children(const job *j, size_t npk, int workers)
{
	size_t k, keep = 0, nc;

	if (npk == 0 || workers < 2 || !pdfchild_possible())
		return 0;
	for (k = 0; k < j->in->ndocs; k++)
		if (j->to_write[k]) {
			keep = 1;
			break;
		}
	nc = (size_t)workers - keep;
	return nc < npk ? nc : npk;
}

/* Waits for share s's child; 1 when the build fails for it.  A stuck
 * child's packs are drawn here. */
static int
pack_child_end(job *j, pdfchild *c, pack_share *s)
{
	const backend_input *in = j->in;
	char how[64], *ids;
	size_t k;
	int failed = 0;

	switch (pdfchild_finish(c, in, how, sizeof how)) {
	case PDFCHILD_OK:
		return 0;
	case PDFCHILD_FAILED:
		return 1;
	case PDFCHILD_DIED:
		for (k = s->first; k < s->npk; k += s->step) {
			char *id = xmlread_attr(s->pk[k], "id");
			diag_report_sev(in->ds, SEV_ERROR, R_PDF_WRITE,
			    "policyc.yaml", 0, 0, "cannot write PDF of pack "
			    "'%s': the process drawing it %s", id ? id : "",
			    how);
			free(id);
		}
		return 1;
	case PDFCHILD_STUCK:
		break;
	}
	ids = share_ids(s);
	fprintf(stderr, "policyc: note: the process drawing pack %s waited "
	    "for nothing; drawing it again in the build's own\n", ids);
	free(ids);
	for (k = s->first; k < s->npk; k += s->step) {
		drawn_pack *dp = draw_pack(&j->ts[0], in, s->pk[k], j->flows);
		if (dp && tag_pack(in, &j->ts[0], dp))
			failed = 1;
		drawn_pack_free(dp);
	}
	return failed;
}

/* The font pins (pdffont.c) are the process's: editions built side by
 * side (editions.c) render their PDFs one at a time, each on all its
 * workers. */
static pthread_mutex_t render_lock = PTHREAD_MUTEX_INITIALIZER;

static int
pdf_render_all(const backend_input *given)
{
	/* streamed trees: corpus.xml whole (its packs, glossary, sections) */
	backend_input whole = *given;
	const backend_input *in = &whole;
	pdf_style st;
	job j;
	int n, i, failed = 0, started = 0;
	xmlNodePtr packs = NULL, p, *pk = NULL;
	size_t k, npk = 0, nc, fresh = 0, fresh0;
	pdfchild **kids;
	pack_share *shares;

	pthread_mutex_lock(&render_lock);
	cairo_uncompressed();
	whole.corpus = backend_corpus(given);
	pdfstyle_init(&st, in);
	memset(&j, 0, sizeof j);
	j.in = in;
	j.st = &st;
	j.flows = xcalloc(in->ndocs + 1, sizeof *j.flows);
	n = jobs_workers(in->ndocs, in->jobs > 0 ? in->jobs : 1);
	j.ts = xcalloc((size_t)n, sizeof *j.ts);
	j.failed = xcalloc((size_t)n, sizeof *j.failed);
	for (i = 0; i < n; i++)
		pdfthread_init(&j.ts[i], &st);
	if (in->corpus)
		packs = xmlread_child(xmlDocGetRootElement(in->corpus), "packs");
	j.rels = xcalloc(in->ndocs + 1, sizeof *j.rels);
	j.in_pack = xcalloc(in->ndocs + 1, 1);
	/* without ids (serve's PDF on request) nothing is carried, and
	 * every document is laid out */
	for (k = 0; in->ids && in->incr && k < in->ndocs; k++)
		if (in->ids[k] && document_id_safe(in->ids[k]))
			j.rels[k] = xasprintf("pdf/%s.pdf", in->ids[k]);
	mark_pack_members(in, packs, j.in_pack);
	j.to_write = xcalloc(in->ndocs + 1, 1);
	/* Every document laid out (in parallel).  Then the packs drawn
	 * from their flows and made accessible in children, beside the
	 * documents' own PDFs drawn and tagged here; or, without children,
	 * each pack drawn (one at a time: a pack sets its members' headers
	 * and sections while it draws), then the packs' files made
	 * accessible beside the documents' own PDFs (in parallel: tagging
	 * reads the flows, drawing a document writes only its first page). */
	jobs_run(in->ndocs, n, layout_job, &j);
	for (p = packs ? packs->children : NULL; p; p = p->next)
		if (xmlread_is(p, "pack")) {
			pk = xrealloc(pk, (npk + 1) * sizeof *pk);
			pk[npk++] = p;
		}
	nc = pack_children(&j, npk, n);
	fresh0 = pdfchild_prefaulted_mib();
	kids = xcalloc(nc + 1, sizeof *kids);
	shares = xcalloc(nc + 1, sizeof *shares);
	for (k = 0; k < nc; k++) {
		shares[k].j = &j;
		shares[k].pk = pk;
		shares[k].npk = npk;
		shares[k].first = k;
		shares[k].step = nc;
		size_t want = share_fresh(&shares[k]);
		kids[k] = pdfchild_start(in, "pack", draw_share, &shares[k],
		    want);
		fresh += kids[k] ? want : 0;
		started += kids[k] != NULL;
	}
	/* the packs of a child that could not be started, or all of them */
	for (k = 0; k < npk; k++)
		if (!nc || !kids[k % nc]) {
			j.packs = xrealloc(j.packs, (j.npacks + 1) *
			    sizeof *j.packs);
			j.packs[j.npacks++] = draw_pack(&j.ts[0], in, pk[k],
			    j.flows);
		}
	jobs_run(j.npacks + in->ndocs, n - started > 0 ? n - started : 1,
	    write_job, &j);
	for (i = 0; i < n; i++)
		failed |= j.failed[i];
	for (k = 0; k < nc; k++)
		if (kids[k])
			failed |= pack_child_end(&j, kids[k], &shares[k]);
	if (in->timings && started)
		fprintf(stderr, "timing:   pdf packs drawn in %d process%s of "
		    "their own beside the documents' PDFs (%zu MiB of fresh "
		    "heap asked for, %zu MiB faulted in beside them)\n",
		    started, started == 1 ? "" : "es", fresh >> 20,
		    pdfchild_prefaulted_mib() - fresh0);
	free(shares);
	free(kids);
	free(pk);
	for (k = 0; k < j.npacks; k++)
		drawn_pack_free(j.packs[k]);
	free(j.packs);
	free(j.to_write);

	/* Every document's flow (its Pango layouts: ~45 ms for 100
	 * documents, after the packs' processes, on the stage's critical
	 * path) is left to the kernel when the process ends with the
	 * build and no site is made after the PDFs. */
	for (k = 0; k < in->ndocs; k++) {
		if (!(in->leave_to_exit && in->last_backend))
			pdfflow_free(j.flows[k]);
		free(j.rels[k]);
	}
	free(j.flows);
	free(j.rels);
	free(j.in_pack);
	if (in->timings) {
		size_t all, fast;
		pdffont_counts(&all, &fast);
		fprintf(stderr, "timing:   pdf layouts shaped without the font "
		    "lock: %zu of %zu\n", fast, all);
	}
	pdffont_unpin_all();
	for (i = 0; i < n; i++)
		pdfthread_free(&j.ts[i]);
	free(j.ts);
	free(j.failed);
	pdfstyle_free(&st);
	pthread_mutex_unlock(&render_lock);
	return failed;
}

/* What the core looks up in policyc-pdf.so (or finds linked in). */
const pdf_backend policyc_pdf_backend = {
	MODULE_BUILD_ID, pdf_render_all, pdf_identity_of,
};
