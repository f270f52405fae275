/*
 * incrlinks.c — the link pass's share of the build cache
 * (incremental.h).  A build into OUT records, for every document, what
 * the link pass found: under "lw KEY" (the link world and today,
 * hashed), first "lF FACE PATH" for every document of the build in
 * order (its face, prelink_face, and its path in the content folder, as
 * corpus_find_path takes it: the records name a document by its place
 * N in that list), then for each document one "lk SOURCE PATH" line
 * (the hash of the text linked, its path) and after it
 *
 *   lf SEV LINE COL RULE PATH MESSAGE   a finding (links, citations)
 *   le LINE N                           a link to another document
 *   la LINE COL LINK FILE               a file of the project it names
 *   lt LINE COL KIND SLUG               a glossary term use
 *   lc SOURCE EDITION SECTION LINE DECLARED   a citation (govern.c)
 *   ld N                                a document its links reached:
 *                                       its face must be as it was
 *   ln KIND NAME RESULT                 a name it looked up, which must
 *                                       find what it found
 *
 * The next build, when its world and day make the same KEY, gives each
 * document read with that text its record as serve's standby gives a
 * document it linked ahead (doc_prelink, prelink.h): the link pass hands
 * its findings, edges and citations on instead of walking its tree.  Its
 * tree stays as parsed (links_pending), and is linked (links_replay)
 * only for a stage that reads it — its page's XML when something it
 * shows changed, a filter given it — as a bounded build makes its trees
 * again (pipeline.c, corpus_tree_need).  A record that does not read back whole is ignored, and
 * that document is linked as if there were no cache.  A record given
 * back whole is written into the new cache as it was read (put_raw)
 * while the documents are those of the lF list, in its order and with
 * its faces: the numbers in it still count the same places.
 */
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "document.h"
#include "govern.h"
#include "incremental.h"
#include "jobs.h"
#include "links.h"
#include "prelink.h"
#include "util.h"

/* What the records are kept under: the names world and today. */
static void
links_key(pipeline *pl, char out[33])
{
	incr_hash h;

	incr_hash_init(&h);
	incr_hash_str(&h, "policyc links 3");
	incr_hash_str(&h, pipeline_link_names(pl));
	incr_hash_str(&h, pipeline_corpus(pl)->today);
	incr_hash_hex(&h, out);
}

/* One document's record as it is read back. */
typedef struct {
	long doc;                /* -1: none under way */
	int bad;
	const char *raw, *raw_end;   /* its lines in the cache text */
	doc_prelink *r;
	size_t ecap;
	doc_asset *assets; size_t nassets;
	term_use *terms; size_t nterms, tcap;
	link_deps *deps;
} reading;

/* The "lF" list as read back: where each document is now (-1: gone),
 * and whether its face is as it was. */
typedef struct {
	long *doc;
	unsigned char *same;
	size_t n, cap;
} face_list;

/* Document k's face as links read it, hashed once a build. */
static const char *
face_of(corpus *c, size_t k)
{
	if (!c->link_faces) {
		c->link_faces = xmalloc(33 * (c->ndocs ? c->ndocs : 1));
		for (size_t j = 0; j < c->ndocs; j++)
			prelink_face(c->docs[j], c->link_faces + 33 * j);
	}
	return c->link_faces + 33 * k;
}

static void
reading_drop(reading *x)
{
	size_t k;

	prelink_free(x->r);
	for (k = 0; k < x->nassets; k++)
		free(x->assets[k].file);
	free(x->assets);
	for (k = 0; k < x->nterms; k++)
		free(x->terms[k].term_slug);
	free(x->terms);
	link_deps_free(x->deps);
	memset(x, 0, sizeof *x);
	x->doc = -1;
}

/* The record read whole: the document takes it, and loses its tree. */
static size_t
reading_commit(corpus *c, reading *x)
{
	document *d;
	size_t k;

	if (x->doc < 0 || x->bad) {
		reading_drop(x);
		return 0;
	}
	d = c->docs[x->doc];
	x->r->judged = 1;
	d->prelink = x->r;
	for (k = 0; k < d->nassets; k++)
		free(d->assets[k].file);
	free(d->assets);
	d->assets = x->assets;
	d->nassets = x->nassets;
	for (k = 0; k < d->nterms; k++)
		free(d->terms[k].term_slug);
	free(d->terms);
	d->terms = x->terms;
	d->nterms = d->terms_cap = x->nterms;
	link_deps_free(d->link_deps);
	d->link_deps = x->deps ? x->deps : xcalloc(1, sizeof *d->link_deps);
	d->links_kept = 1;
	/* a bounded build's tree is made (and linked) again on need */
	d->links_pending = d->root != NULL;
	if (!c->link_raw) {
		c->link_raw = xcalloc(c->ndocs + 1, sizeof *c->link_raw);
		c->link_raw_len = xcalloc(c->ndocs + 1,
		    sizeof *c->link_raw_len);
	}
	c->link_raw[x->doc] = x->raw;
	c->link_raw_len[x->doc] = (size_t)(x->raw_end - x->raw);
	memset(x, 0, sizeof *x);
	x->doc = -1;
	return 1;
}

/* Splits s in place at tabs into at most n fields; how many. */
static int
split(char *s, char **f, int n)
{
	int k = 0;

	f[k++] = s;
	while (k < n && (s = strchr(s, '\t'))) {
		*s++ = '\0';
		f[k++] = s;
	}
	return k;
}

/* Whole decimal number, else 0 with *ok cleared. */
static long
num(const char *s, int *ok)
{
	char *e;
	long v = strtol(s, &e, 10);

	if (!*s || *e)
		*ok = 0;
	return v;
}

/*
 * "ld N": a document its links reached, whose face must be as it was;
 * "ln KIND NAME RESULT": a name it looked up, which must find what it
 * found (KIND d: the document at path RESULT, n: none, a: several,
 * RESULT the candidates as reported).  1 when it holds now.
 */
static int
reading_dep(corpus *c, reading *x, const face_list *fl, const char *line)
{
	char *copy = line[1] == 'n' ? xstrdup(line + 3) : NULL, *f[3];
	link_deps *dp = x->deps;
	int ok = 0;

	if (!dp)
		dp = x->deps = xcalloc(1, sizeof *x->deps);
	if (line[1] == 'd') {
		int good = 1;
		long at = num(line + 3, &good);
		if (good && at >= 0 && (size_t)at < fl->n && fl->same[at]) {
			if (dp->ntargets == dp->tcap)
				dp->targets = xrealloc(dp->targets, (dp->tcap =
				    dp->tcap ? 2 * dp->tcap : 8) *
				    sizeof *dp->targets);
			dp->targets[dp->ntargets++] = (size_t)fl->doc[at];
			ok = 1;
		}
	} else if (line[1] == 'n' && split(copy, f, 3) == 3 &&
	    (f[0][0] == 'd' || f[0][0] == 'n' || f[0][0] == 'a') && !f[0][1]) {
		char *cands = NULL;
		long r;
		str_unescape(f[1]);
		str_unescape(f[2]);
		r = corpus_resolve_name(c, f[1], &cands);
		ok = f[0][0] == 'd' ? r >= 0 &&
		    !strcmp(c->docs[r]->relpath, f[2]) :
		    f[0][0] == 'n' ? r == -1 :
		    r == -2 && !strcmp(cands ? cands : "", f[2]);
		if (ok) {
			if (dp->nnames == dp->ncap)
				dp->names = xrealloc(dp->names, (dp->ncap =
				    dp->ncap ? 2 * dp->ncap : 8) *
				    sizeof *dp->names);
			dp->names[dp->nnames].name = xstrdup(f[1]);
			dp->names[dp->nnames].result = r;
			dp->names[dp->nnames++].cands = cands;
			cands = NULL;
		}
		free(cands);
	}
	free(copy);
	return ok;
}

/* One line of the record under way. */
static void
reading_line(pipeline *pl, reading *x, const face_list *fl, const char *line)
{
	corpus *c = pipeline_corpus(pl);
	char *copy, *f[5];
	int ok = 1;

	if (x->doc < 0 || x->bad)
		return;
	x->raw_end = INCR_NEXT_LINE(line);
	if (!strncmp(line, "ld\t", 3) || !strncmp(line, "ln\t", 3)) {
		if (!reading_dep(c, x, fl, line))
			x->bad = 1;
		return;
	}
	if (!strncmp(line, "lf\t", 3)) {
		copy = xstrdup(line);
		if (!incr_get_finding(copy, "lf", NULL, x->r->ds))
			x->bad = 1;
		free(copy);
		return;
	}
	if (!strncmp(line, "lc\t", 3)) {
		void *v = x->r->cites;
		if (!govern_cite_parse(c->govern, c, (size_t)x->doc, line + 3,
		    &v, &x->r->ncites))
			x->bad = 1;
		x->r->cites = v;
		return;
	}
	if (!strncmp(line, "lt\t", 3)) {
		/* "lt LINE COL KIND SLUG": the commonest line, read in place */
		const char *s = line + 3;
		term_use u;
		long long v[3];
		if (!incr_get_numbers(&s, v, 3) || !*s) {
			x->bad = 1;
			return;
		}
		u.line = (int)v[0];
		u.col = (int)v[1];
		u.kind = (int)v[2];
		u.term_slug = xstrdup(s);
		if (x->nterms == x->tcap)
			x->terms = xrealloc(x->terms, (x->tcap = x->tcap ?
			    2 * x->tcap : 8) * sizeof *x->terms);
		x->terms[x->nterms++] = u;
		return;
	}
	copy = xstrdup(line + 3);
	if (!strncmp(line, "le\t", 3) && split(copy, f, 2) == 2) {
		long n = num(f[1], &ok), to = ok && n >= 0 &&
		    (size_t)n < fl->n ? fl->doc[n] : -1;
		int at = (int)num(f[0], &ok);
		if (!ok || to < 0) {
			x->bad = 1;
		} else {
			if (x->r->nedges == x->ecap) {
				x->ecap = x->ecap ? x->ecap * 2 : 8;
				x->r->edges = xrealloc(x->r->edges,
				    x->ecap * sizeof *x->r->edges);
			}
			x->r->edges[x->r->nedges].to = (size_t)to;
			x->r->edges[x->r->nedges++].line = at;
		}
	} else if (!strncmp(line, "la\t", 3) && split(copy, f, 4) == 4) {
		doc_asset a;
		a.line = (int)num(f[0], &ok);
		a.col = (int)num(f[1], &ok);
		a.is_link = (int)num(f[2], &ok);
		if (!ok || !*f[3]) {
			x->bad = 1;
		} else {
			a.file = xstrdup(f[3]);
			x->assets = xrealloc(x->assets, (x->nassets + 1) *
			    sizeof *x->assets);
			x->assets[x->nassets++] = a;
		}
	} else
		x->bad = 1;
	free(copy);
}

void
incr_links_faces(corpus *c)
{
	if (c && c->ndocs)
		(void)face_of(c, 0);
}

/* The records of one "lw" block, each read on a worker: a record names
 * its document and reads only the corpus's tables, which no one writes
 * now, and fills only that document (a document has one record). */
typedef struct {
	pipeline *pl;
	const face_list *fl;
	const char **lk;         /* each record's "lk" line */
	const char **stop;       /* ... and where its lines stop */
	unsigned char *given;
	size_t n, cap;
} restore_block;

static void
restore_record(void *ctx, size_t i, int worker)
{
	restore_block *rb = ctx;
	corpus *c = pipeline_corpus(rb->pl);
	const char *line = rb->lk[i];
	reading x;
	document *d;
	long k;

	(void)worker;
	memset(&x, 0, sizeof x);
	x.doc = -1;
	if (strlen(line) < 3 + 33 || line[3 + 32] != '\t' ||
	    (k = corpus_find_path(c, line + 3 + 33)) < 0)
		return;
	d = c->docs[k];
	/* linked ahead by serve's standby, unreadable, or read with
	 * another text: linked by the pass */
	if (d->prelink || d->broken || (!d->root && !d->source_dropped &&
	    !d->tree_deferred) || d->link_found ||
	    memcmp(incr_text_hash(d), line + 3, 32) != 0)
		return;
	x.doc = k;
	x.raw = line;
	x.raw_end = INCR_NEXT_LINE(line);
	x.r = xcalloc(1, sizeof *x.r);
	x.r->ds = diag_new_like(pipeline_diags(rb->pl));
	for (line = INCR_NEXT_LINE(line); line < rb->stop[i];
	    line = INCR_NEXT_LINE(line))
		if (line[0] == 'l')
			reading_line(rb->pl, &x, rb->fl, line);
	rb->given[i] = (unsigned char)reading_commit(c, &x);
}

/* Reads the block's records; how many documents took theirs. */
static size_t
restore_block_run(restore_block *rb, const char *stop)
{
	corpus *c = pipeline_corpus(rb->pl);
	size_t i, given = 0;

	if (!rb->n)
		return 0;
	for (i = 0; i + 1 < rb->n; i++)
		rb->stop[i] = rb->lk[i + 1];
	rb->stop[rb->n - 1] = stop;
	if (!c->link_raw) {   /* each record's slot, set by its worker */
		c->link_raw = xcalloc(c->ndocs + 1, sizeof *c->link_raw);
		c->link_raw_len = xcalloc(c->ndocs + 1,
		    sizeof *c->link_raw_len);
	}
	rb->given = xcalloc(rb->n, 1);
	jobs_run(rb->n, pipeline_jobs(rb->pl), restore_record, rb);
	for (i = 0; i < rb->n; i++)
		given += rb->given[i];
	free(rb->given);
	rb->given = NULL;
	rb->n = 0;
	return given;
}

size_t
incr_links_restore(pipeline *pl, const char *out)
{
	corpus *c = pipeline_corpus(pl);
	const char *body, *end, *line, *stop = NULL;
	incr_cache_walk w;
	char key[33];
	face_list fl;
	restore_block rb;
	size_t given = 0;
	int same = 0;

	if (!c || !out || !*pipeline_link_world(pl) || !c->govern ||
	    !(end = incr_cache_lines(out, pl, 1, &body)))
		return 0;
	links_key(pl, key);
	memset(&fl, 0, sizeof fl);
	memset(&rb, 0, sizeof rb);
	rb.pl = pl;
	rb.fl = &fl;
	for (line = incr_cache_walk_first(&w, pl, "l"); line;
	    line = incr_cache_walk_next(&w)) {
		if (!strncmp(line, "lw\t", 3)) {
			given += restore_block_run(&rb, stop);
			same = !strcmp(line + 3, key);
			fl.n = 0;
			continue;
		}
		if (!same)
			continue;
		stop = INCR_NEXT_LINE(line);
		if (!strncmp(line, "lF\t", 3)) {
			long k = strlen(line) < 3 + 33 || line[3 + 32] != '\t' ?
			    -1 : corpus_find_path(c, line + 3 + 33);
			if (fl.n == fl.cap) {
				fl.cap = fl.cap ? 2 * fl.cap : 64;
				fl.doc = xrealloc(fl.doc, fl.cap * sizeof *fl.doc);
				fl.same = xrealloc(fl.same, fl.cap);
			}
			fl.doc[fl.n] = k;
			fl.same[fl.n++] = k >= 0 &&
			    !memcmp(face_of(c, (size_t)k), line + 3, 32);
			continue;
		}
		if (!strncmp(line, "lk\t", 3)) {
			if (rb.n == rb.cap) {
				rb.cap = rb.cap ? 2 * rb.cap : 64;
				rb.lk = xrealloc(rb.lk, rb.cap * sizeof *rb.lk);
				rb.stop = xrealloc(rb.stop, rb.cap *
				    sizeof *rb.stop);
			}
			rb.lk[rb.n++] = line;
		}
	}
	given += restore_block_run(&rb, stop);
	free(rb.lk);
	free(rb.stop);
	/* the records count documents by their place in the lF list: the
	 * kept ones may be written again as read while it is this build's
	 * order, every face as it was */
	c->link_raw_order = same && fl.n == c->ndocs;
	for (size_t k = 0; c->link_raw_order && k < fl.n; k++)
		c->link_raw_order = fl.doc[k] == (long)k && fl.same[k];
	free(fl.doc);
	free(fl.same);
	return given;
}

/* "TAG\tN1\t...\tNn[\tLAST]\n": a record line of numbers (and a
 * name last). */
static void
put_line(buf *b, const char *tag, const long long *v, size_t n,
    const char *last)
{
	incr_put_numbers(b, tag, v, n);
	if (last) {
		buf_putc(b, '\t');
		buf_puts(b, last);
	}
	buf_putc(b, '\n');
}

/* Lines of the cache text (NUL-separated) into b as lines again. */
static void
put_raw(buf *b, const char *raw, size_t len)
{
	char *p, *end;

	buf_grow(b, len);
	p = b->data + b->len;
	end = p + len;
	memcpy(p, raw, len);
	b->len += len;
	b->data[b->len] = '\0';
	while ((p = memchr(p, '\0', (size_t)(end - p))) != NULL)
		*p++ = '\n';
}

/* Document i's record into b; 0 when it cannot be written whole. */
static int
put_document(corpus *c, size_t i, buf *b)
{
	document *d = c->docs[i];
	size_t k;

	if (!d->link_found || !d->link_deps || d->broken ||
	    strpbrk(d->relpath, "\t\n\r"))
		return 0;
	buf_printf(b, "lk\t%s\t%s\n", incr_text_hash(d), d->relpath);
	for (k = 0; k < d->link_deps->ntargets; k++) {
		size_t t = d->link_deps->targets[k];
		if (strpbrk(c->docs[t]->relpath, "\n\r"))
			return 0;   /* not in the lF list as itself */
		put_line(b, "ld", (long long[]){ (long long)t }, 1, NULL);
	}
	for (k = 0; k < d->link_deps->nnames; k++) {
		const link_name_use *u = &d->link_deps->names[k];
		buf_puts(b, u->result >= 0 ? "ln\td\t" :
		    u->result == -1 ? "ln\tn\t" : "ln\ta\t");
		buf_put_escaped(b, u->name);
		buf_putc(b, '\t');
		buf_put_escaped(b, u->result >= 0 ?
		    c->docs[u->result]->relpath : u->cands ? u->cands : "");
		buf_putc(b, '\n');
	}
	for (k = 0; k < diag_count(d->link_found); k++) {
		const diagnostic *g = diag_at(d->link_found, k);
		if (strpbrk(g->file, "\t\n\r") || strpbrk(g->rule, "\t\n\r"))
			return 0;
		incr_put_finding(b, "lf", g, g->file);
	}
	for (k = c->out_off[i]; k < c->out_off[i + 1]; k++) {
		const edge *e = &c->edges[c->out_idx[k]];
		if (e->kind != EDGE_LINK)
			continue;
		if (strpbrk(c->docs[e->to]->relpath, "\n\r"))
			return 0;
		put_line(b, "le", (long long[]){ e->line, (long long)e->to },
		    2, NULL);
	}
	for (k = 0; k < d->nassets; k++) {
		if (strpbrk(d->assets[k].file, "\t\n\r"))
			return 0;
		put_line(b, "la", (long long[]){ d->assets[k].line,
		    d->assets[k].col, d->assets[k].is_link }, 3,
		    d->assets[k].file);
	}
	for (k = 0; k < d->nterms; k++) {
		if (strpbrk(d->terms[k].term_slug, "\t\n\r"))
			return 0;
		put_line(b, "lt", (long long[]){ d->terms[k].line,
		    d->terms[k].col, d->terms[k].kind }, 3,
		    d->terms[k].term_slug);
	}
	return govern_cites_record(c->govern, c, i, b);
}

void
incr_links_write(pipeline *pl, incr_out *o)
{
	corpus *c = pipeline_corpus(pl);
	char key[33];
	size_t i, at;

	if (!c || !c->link_record || !c->govern || !c->out_off ||
	    !*pipeline_link_world(pl))
		return;
	links_key(pl, key);
	buf_printf(&o->b, "lw\t%s\n", key);
	/* every document's face and path, in order: the records below
	 * name a document by its place here */
	for (i = 0; i < c->ndocs; i++) {
		buf_puts(&o->b, "lF\t");
		buf_puts(&o->b, face_of(c, i));
		buf_putc(&o->b, '\t');
		buf_puts(&o->b, strpbrk(c->docs[i]->relpath, "\n\r") ? "" :
		    c->docs[i]->relpath);
		buf_putc(&o->b, '\n');
		incr_out_room(o);
	}
	for (i = 0; i < c->ndocs; i++) {
		at = o->b.len;
		if (c->link_raw_order && c->link_raw && c->link_raw[i] &&
		    c->docs[i]->links_kept) {
			/* given back whole and used as it was: the same
			 * record, its lines as read (put_document would write
			 * these bytes again, at a tenth of a rebuild's cache
			 * writing) */
			put_raw(&o->b, c->link_raw[i], c->link_raw_len[i]);
			incr_out_room(o);
			continue;
		}
		if (!put_document(c, i, &o->b)) {
			o->b.len = at;   /* none, rather than part */
			o->b.data[at] = '\0';
		}
		incr_out_room(o);
	}
}
