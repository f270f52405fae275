/*
 * pdf.c — the PDF back end's entry point, pdf_render (backend.h), which
 * the core reaches through policyc_pdf_backend (pdfmodule.c).  Lays
 * out every document in parallel (jobs_run on in->jobs threads; each
 * worker number has its own Pango font map and context), writes
 * OUT/pdf/<id>.pdf from each worker, then builds every pack of corpus.xml
 * — cover, contents, the documents' already shaped flows, glossary — into
 * OUT/pdf/<pack-id>.pdf.  Any file that cannot be written fails the
 * render (and so the build); the input was judged before it ran.
 */
#include <errno.h>
#include <pthread.h>
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

typedef struct {
	const backend_input *in;
	pdf_style *st;
	pdf_flow **flows;
	pdf_thread *ts;       /* per worker number */
	int *failed;          /* per worker number: a write failed */
	char **rels;          /* per document: pdf/<id>.pdf, or NULL */
	unsigned char *in_pack;   /* per document: a pack includes it */
} job;

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

/* jobs_fn: lays out, paginates and writes document i on worker w.  A
 * PDF the build cache carries over from the previous OUT (its tree and
 * pdf_identity as they were) is linked instead of written, and laid out
 * only when a pack needs its pages. */
static void
work(void *ctx, size_t i, int w)
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
	f = pdfflow_document(&j->ts[w], in, doc);
	pdfpage_paginate(f, j->st);
	j->flows[i] = f;
	if (carried)
		return;
	if (write_document(&j->ts[w], j->in, f) != 0)
		j->failed[w] = 1;
	else if (rel)
		incr_wrote_file(j->in->incr, INCR_PDF, i, j->in->out_dir, rel);
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

/* Writes one pack's PDF; 0 on success. */
static int
render_pack(pdf_thread *t, const backend_input *in, xmlNodePtr pk,
    pdf_flow **flows)
{
	char *id = xmlread_attr(pk, "id"), *title = xmlread_attr(pk, "title");
	char *cover = xmlread_attr(pk, "cover"), *gl = xmlread_attr(pk, "glossary");
	pdf_flow **docs, **all, *fc = NULL, *fct, *fg = NULL;
	pdfprofile *own;
	size_t ndocs = 0, nall = 0, i, nterms = 0;
	xmlNodePtr *terms = NULL;
	int page;
	pdf_out out;
	char *path, *subject;
	int rc = 0;

	if (!id || !document_id_safe(id))
		goto done;
	docs = pack_docs(in, pk, flows, &ndocs);
	own = pdfprofile_pack(t, in, pk, flows, docs, ndocs);  /* its audience */
	all = xcalloc(ndocs + 4, sizeof *all);
	if (cover && !strcmp(cover, "true")) {
		fc = pdfflow_cover(t, in, pk, docs, ndocs);
		fc->no_chrome = 1;   /* a cover is a page of its own design */
	}
	if (gl && !strcmp(gl, "true"))
		terms = pdfpack_terms(in, docs, ndocs, &nterms);
	pdfpack_sections(in, docs, ndocs);
	fct = pdfflow_contents(t, in, docs, ndocs, nterms > 0);
	if (fc)
		all[nall++] = fc;
	all[nall++] = fct;
	for (i = 0; i < ndocs; i++)
		all[nall++] = docs[i];
	for (i = 0; i < nall; i++) {
		free(all[i]->header);
		all[i]->header = xstrdup(all[i] == fc || all[i] == fct ?
		    (title ? title : id) : all[i]->title);
	}
	if (fc)
		pdfpage_paginate(fc, t->st);
	pdfpage_paginate(fct, t->st);
	/* The glossary gives the pages a term is used on: it is made once
	 * the pages before it are known (it only comes after them). */
	page = 1;
	for (i = 0; i < nall; i++) {
		all[i]->first_page = page;
		page += (int)all[i]->npages;
	}
	if (nterms)
		fg = pdfflow_glossary(t, in, terms, nterms, docs, ndocs);
	if (fg) {
		free(fg->header);
		fg->header = xstrdup(title ? title : id);
		pdfpage_paginate(fg, t->st);
		all[nall++] = fg;
	}
	memset(&out, 0, sizeof out);
	out.flows = all;
	out.nflows = nall;
	out.in_pack = 1;
	out.has_glossary = fg != NULL;
	out.pack_title = title;
	path = xasprintf("%s/pdf/%s.pdf", in->out_dir, id);
	subject = xasprintf("Policy pack of %zu document%s", ndocs,
	    ndocs == 1 ? "" : "s");
	/* each step says why it failed, once */
	if (fsio_mkdir_parent(path) != 0) {
		diag_report_sev(in->ds, SEV_ERROR, R_PDF_WRITE, "policyc.yaml",
		    0, 0, "cannot make the folder for %s: %s",
		    backend_out_rel(in, path), strerror(errno));
		rc = 1;
	} else if ((rc = pdfdraw_write(t, in, path, &out, title ? title : id,
	    subject, id)) == 0)
		rc = pdftag_finish(in, path, &out, t->st->lang);
	/* The documents' running headers go back to their own titles, and
	 * they stand under no section until the next pack says. */
	pdfpack_sections_clear(docs, ndocs);
	for (i = 0; i < ndocs; i++) {
		free(docs[i]->header);
		docs[i]->header = xstrdup(docs[i]->title);
	}
	free(subject);
	free(path);
	pdfflow_free(fc);
	pdfflow_free(fct);
	pdfflow_free(fg);
	pdfprofile_release(own);
	free(all);
	free(docs);
	free(terms);
done:
	free(id);
	free(title);
	free(cover);
	free(gl);
	return rc;
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
	int n, i, failed = 0;
	xmlNodePtr packs = NULL, p;
	size_t k;

	pthread_mutex_lock(&render_lock);
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
	jobs_run(in->ndocs, n, work, &j);
	for (i = 0; i < n; i++)
		failed |= j.failed[i];
	for (p = packs ? packs->children : NULL; p; p = p->next)
		if (xmlread_is(p, "pack") &&
		    render_pack(&j.ts[0], in, p, j.flows) != 0)
			failed = 1;

	for (k = 0; k < in->ndocs; k++) {
		pdfflow_free(j.flows[k]);
		free(j.rels[k]);
	}
	free(j.flows);
	free(j.rels);
	free(j.in_pack);
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
