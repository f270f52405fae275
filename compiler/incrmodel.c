/*
 * incrmodel.c — the model's share of the build cache (incremental.h).
 * It sits in pipeline_model, between the corpus tree and the documents'
 * trees: a document's XML is made from its own view (the key the filters'
 * share gave it: source, the tree as the passes left it, its fields, the
 * settings), its diagnostics, what it may import from other documents
 * (their ids, titles, statuses, headings, links, related lists, terms:
 * one hash over every document, the corpus index) and the corpus-wide
 * settings (corpus.xml less its list of diagnostics).  When all of that
 * hashes as it did when OUT was made, the document's XML file in OUT is
 * read back (after checking its recorded hash) instead of made, and its
 * old tree hash is kept so its page and XML file are carried over.  A
 * change to any document's index entry (a title, a heading, a link)
 * makes every document's tree anew: what it reaches is then decided by
 * the page hashes, as before.  With release history, a tree's key holds
 * the document's lineage as the history tree has it (history_doc_print),
 * since its <changes> are in the file read back.  Off with editions
 * (they remap the trees' diagnostics after the model); for PDF builds'
 * sake nothing else changes: the trees are the same bytes either way.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "assets.h"
#include "corpus.h"
#include "document.h"
#include "history.h"
#include "incremental.h"
#include "jobs.h"
#include "publish.h"
#include "strtab.h"
#include "util.h"

/* Trees of the last model read back from OUT (for --timings). */
static atomic_size_t n_read;

size_t
incr_model_read_back(void)
{
	return atomic_load(&n_read);
}

struct incr_model {
	pipeline *pl;
	char *out;
	size_t ndocs;
	char (*xkey)[33];          /* per document */
	char (*oldtree)[33];       /* per clean document: its tree hash */
	char (*ohash)[33];         /* ... and its XML file's hash */
	size_t *osize;
	unsigned char *clean;
};

/* corpus.xml's <project>: the settings every tree carries (xmlout.c's
 * project_xml: titles, organisation, brand, the logo's published name). */
static void
project_settings(incr_hash *h, xmlDocPtr cx)
{
	xmlNodePtr root = xmlDocGetRootElement(cx), c;

	for (c = root ? root->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    !xmlStrcmp(c->name, BAD_CAST "project"))
			incr_hash_node(h, c);
}

/* A document's diagnostics, as its tree shows them (xmlout.c). */
static void
doc_findings(incr_hash *h, diag_set *ds, const char *path)
{
	size_t i, first, end;

	diag_file_range(ds, path, &first, &end);
	for (i = first; i < end; i++) {
		const diagnostic *g = diag_at(ds, i);
		incr_hash_long(h, g->sev);
		incr_hash_long(h, g->line);
		incr_hash_long(h, g->col);
		incr_hash_str(h, g->rule);
		incr_hash_str(h, g->message);
	}
}

/* "xk KEY TREEHASH PATH" and "out ... xml/ID.xml" records of OUT's
 * cache: the documents whose key is what it was. */
static void
read_old(incr_model *m, const char *out)
{
	corpus *c = pipeline_corpus(m->pl);
	const char *body, *end, *line;
	incr_cache_walk w;
	char *copy = NULL;
	strtab *paths = strtab_new(c->ndocs + 1), *rels = strtab_new(c->ndocs + 1);
	unsigned char *keyed = xcalloc(c->ndocs + 1, 1);
	size_t i;

	if (!(end = incr_cache_lines(out, m->pl, 1, &body)))
		goto done;
	for (i = 0; i < c->ndocs; i++) {
		char *rel = publish_path("xml", c->docs[i]->id, ".xml");
		strtab_put(paths, c->docs[i]->path, (long)i);
		if (rel)
			strtab_put(rels, rel, (long)i);
		free(rel);
	}
	for (line = incr_cache_walk_first(&w, m->pl, "ox"); line;
	    line = incr_cache_walk_next(&w)) {
		char *f[INCR_OUT_FIELDS], *s;
		int k, nf;
		long d;
		if (strncmp(line, "out\t", 4) && strncmp(line, "xk\t", 3))
			continue;
		free(copy);
		s = copy = xstrdup(line);   /* the text is read only */
		if (!strncmp(copy, "out\t", 4)) {
			if (incr_split_out(copy, f) &&
			    (d = strtab_get(rels, f[6])) >= 0) {
				memcpy(m->ohash[d], f[2], 33);
				m->osize[d] = (size_t)strtoull(f[3], NULL, 10);
			}
			continue;
		}
		for (nf = 0; nf < 5 && s; nf++) {
			f[nf] = s;
			if ((s = strchr(s, '\t')))
				*s++ = '\0';
		}
		if (nf == 4 && !strcmp(f[0], "xk") && strlen(f[1]) == 32 &&
		    strlen(f[2]) == 32 && (d = strtab_get(paths, f[3])) >= 0 &&
		    !memcmp(f[1], m->xkey[d], 32)) {
			keyed[d] = 1;
			memcpy(m->oldtree[d], f[2], 33);
		}
		(void)k;
	}
	for (i = 0; i < c->ndocs; i++)
		m->clean[i] = keyed[i] && m->ohash[i][0];
done:
	free(copy);
	free(keyed);
	strtab_free(paths);
	strtab_free(rels);
}

/* The published names of the images and files document d uses
 * (content-addressed: they change with the files' bytes, which its own
 * view does not hold). */
static void
own_assets(incr_hash *h, const corpus *c, const document *d)
{
	size_t k;

	/* links.c listed them (d->assets): no tree needed */
	for (k = 0; k < d->nassets; k++) {
		const doc_asset *a = &d->assets[k];
		const char *pub = NULL;
		incr_hash_str(h, a->file);
		incr_hash_long(h, assets_lookup_role(c, a->file, a->is_link,
		    &pub));
		incr_hash_str(h, pub);
		incr_hash_long(h, assets_lookup(c, a->file, &pub));
		incr_hash_str(h, pub);
	}
}

typedef struct {
	incr_model *m;
	corpus *c;
	diag_set *ds;
	const char *global;
	const history *history;
} key_ctx;

static void
key_one(void *arg, size_t i, int worker)
{
	key_ctx *k = arg;
	incr_hash h;

	(void)worker;
	incr_hash_init(&h);
	incr_hash_str(&h, k->global);
	incr_hash_str(&h, incr_filters_key(pipeline_filters_memo(k->m->pl), i));
	doc_findings(&h, k->ds, k->c->docs[i]->path);
	/* the release history model_doc adds to a tree it makes */
	if (k->history) {
		size_t n = 0;
		char *hp = history_doc_print(k->history, k->c->docs[i], &n);
		incr_hash_str(&h, "history");
		incr_hash_add(&h, hp, n);
		free(hp);
	}
	incr_neighbours_keep(k->c, i);   /* for its page's key too */
	incr_hash_add(&h, k->c->neigh + 33 * i, 32);
	own_assets(&h, k->c, k->c->docs[i]);
	incr_hash_hex(&h, k->m->xkey[i]);
}

incr_model *
incr_model_begin(pipeline *pl, const char *out, int fresh)
{
	corpus *c = pipeline_corpus(pl);
	incr_model *m;
	incr_hash h;
	key_ctx k;
	char global[33];

	if (!c || !out || !pipeline_filters_memo(pl) ||
	    !pipeline_corpus_head(pl))
		return NULL;
	atomic_store(&n_read, 0);
	m = xcalloc(1, sizeof *m);
	m->pl = pl;
	m->out = xstrdup(out);
	m->ndocs = c->ndocs;
	m->xkey = xcalloc(c->ndocs + 1, sizeof *m->xkey);
	m->oldtree = xcalloc(c->ndocs + 1, sizeof *m->oldtree);
	m->ohash = xcalloc(c->ndocs + 1, sizeof *m->ohash);
	m->osize = xcalloc(c->ndocs + 1, sizeof *m->osize);
	m->clean = xcalloc(c->ndocs + 1, 1);
	incr_hash_init(&h);
	incr_hash_str(&h, "model 2");
	project_settings(&h, pipeline_corpus_head(pl));
	incr_hash_hex(&h, global);
	k.m = m;
	k.c = c;
	k.ds = pipeline_diags(pl);
	k.global = global;
	k.history = pipeline_history(pl);
	c->neigh_ready = 0;
	if (!c->neigh)
		c->neigh = xmalloc(33 * (c->ndocs + 1));
	jobs_run(c->ndocs, pipeline_jobs(pl), key_one, &k);
	c->neigh_ready = 1;
	if (!fresh)
		read_old(m, out);
	return m;
}

/* Document i's tree read back from OUT (its file checked against the
 * cache first), or NULL: then the caller makes it. */
xmlDocPtr
incr_model_tree(incr_model *m, size_t i)
{
	corpus *c;
	char *rel, *path, *data, got[33];
	size_t len = 0;
	incr_hash h;
	xmlDocPtr doc = NULL;

	if (!m || i >= m->ndocs || !m->clean[i])
		return NULL;
	c = pipeline_corpus(m->pl);
	if (!(rel = publish_path("xml", c->docs[i]->id, ".xml")))
		return NULL;
	path = path_join(m->out, rel);
	data = read_file(path, &len);
	if (data && len == m->osize[i] && len < (size_t)1 << 30) {
		incr_hash_init(&h);
		incr_hash_add(&h, data, len);
		incr_hash_hex(&h, got);
		if (!strcmp(got, m->ohash[i]))
			doc = xmlReadMemory(data, (int)len, NULL, "UTF-8",
			    XML_PARSE_NONET);
	}
	if (!doc)
		m->clean[i] = 0;
	else
		atomic_fetch_add(&n_read, 1);
	free(data);
	free(path);
	free(rel);
	return doc;
}

/* The tree hash recorded for a document read back, or NULL. */
const char *
incr_model_tree_hash(const incr_model *m, size_t i)
{
	return m && i < m->ndocs && m->clean[i] ? m->oldtree[i] : NULL;
}

void
incr_model_write(const incr_model *m, char (*treehash)[33], incr_out *o)
{
	corpus *c;
	size_t i;

	if (!m)
		return;
	c = pipeline_corpus(m->pl);
	for (i = 0; i < m->ndocs && i < c->ndocs; i++)
		if (!strpbrk(c->docs[i]->path, "\t\n\r") && treehash[i][0]) {
			buf_printf(&o->b, "xk\t%s\t%s\t%s\n", m->xkey[i],
			    treehash[i], c->docs[i]->path);
			incr_out_room(o);
		}
}

void
incr_model_free(incr_model *m)
{
	if (!m)
		return;
	free(m->out);
	free(m->xkey);
	free(m->oldtree);
	free(m->ohash);
	free(m->osize);
	free(m->clean);
	free(m);
}
