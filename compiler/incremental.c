/*
 * incremental.c — the build cache behind `policyc build` and `serve`
 * (incremental.h).  It sits between pipeline_model and the back ends:
 * publish.c opens it once the XML trees exist, the HTML back end asks it
 * before each page's XSLT run whether the page can be carried over, and
 * publish.c has it write the new cache into the staging folder before
 * the swap.  A document's XML holds everything its page is made from —
 * its own text and metadata, and what it imports from others (the titles
 * and anchors of the documents it links to, its related and
 * referenced-by lists, its term definitions, its diagnostics) — so one
 * hash of it, together with a hash of the templates and site parameters,
 * decides exactly which pages a change reaches: a retitled document
 * changes the XML of every document linking to it, a glossary edit the
 * XML of every document using the term, a template edit every page.
 * corpus.xml is named before it is finished, by its head and a digest of
 * what its rest is made from, and carried over like a page when both
 * are as they were (incr_corpus_carry).  Nothing is trusted blindly: the cache names its format, the policyc
 * binary and the project it was made for, ends with a checksum of
 * itself, and a file is carried over only when it is what the cache
 * recorded — by its size, modification time and inode, as git's index
 * and ninja judge a file, else by hashing its bytes again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

/* POLICYC_BUILD_ID, made by the Makefile from the sources and flags */
#if defined(__has_include)
#if __has_include("buildid.h")
#include "buildid.h"
#endif
#endif

#include "corpus.h"
#include "date.h"
#include "document.h"
#include "extends.h"
#include "fsio.h"
#include "backend.h"
#include "incremental.h"
#include "xmlout.h"
#include "xmlread.h"
#include "jobs.h"
#include "publish.h"
#include "util.h"

#define CACHE_NAME INCR_CACHE_NAME
#define CORPUS_XML "xml/corpus.xml"
#define CACHE_MAGIC "policyc-cache 4"

/* ---- the hash ---- */

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Four 64-bit lanes fed a 32-byte stripe at a time, each lane one
 * word of it through xxHash64's round (add the word times a prime,
 * rotate, multiply): the lanes do not wait on each other, so a long
 * text hashes at several bytes a cycle (4 MB in a quarter of a
 * millisecond, where one chained lane took a millisecond; a build
 * hashes its 4 MB cache twice and every page it writes).  Short pieces
 * (the keys hash many short strings) gather in the tail until a stripe
 * is full.  The lanes are merged into 128 bits, so an accidental
 * collision is out of reach. */
#define HASH_P1 0x9e3779b185ebca87ULL
#define HASH_P2 0xc2b2ae3d27d4eb4fULL
#define HASH_P3 0x165667b19e3779f9ULL
#define HASH_P4 0x85ebca77c2b2ae63ULL

static uint64_t
lane_round(uint64_t acc, uint64_t w)
{
	acc += w * HASH_P2;
	return rotl(acc, 31) * HASH_P1;
}

static void
stripe(incr_hash *h, const unsigned char *p)
{
	uint64_t w[4];

	memcpy(w, p, sizeof w);
	h->v[0] = lane_round(h->v[0], w[0]);
	h->v[1] = lane_round(h->v[1], w[1]);
	h->v[2] = lane_round(h->v[2], w[2]);
	h->v[3] = lane_round(h->v[3], w[3]);
}

void
incr_hash_init(incr_hash *h)
{
	memset(h, 0, sizeof *h);
	h->v[0] = 0x243f6a8885a308d3ULL;
	h->v[1] = 0x13198a2e03707344ULL;
	h->v[2] = 0xa4093822299f31d0ULL;
	h->v[3] = 0x082efa98ec4e6c89ULL;
}

void
incr_hash_add(incr_hash *h, const void *data, size_t n)
{
	const unsigned char *p = data;

	h->len += n;
	if (h->ntail) {
		/* the tail filled up first (in one copy: the keys hash many
		 * short strings, each leaving a tail for the next) */
		size_t k = INCR_STRIPE - h->ntail < n ? INCR_STRIPE - h->ntail : n;

		memcpy(h->tail + h->ntail, p, k);
		h->ntail += k;
		p += k;
		n -= k;
		if (h->ntail < INCR_STRIPE)
			return;
		stripe(h, h->tail);
		h->ntail = 0;
	}
	for (; n >= INCR_STRIPE; n -= INCR_STRIPE, p += INCR_STRIPE)
		stripe(h, p);
	memcpy(h->tail, p, n);
	h->ntail = n;
}

/* xxHash64's merge of one lane into the sum, and a 64-bit finaliser */
static uint64_t
merge_lane(uint64_t acc, uint64_t v)
{
	acc ^= lane_round(0, v);
	return acc * HASH_P1 + HASH_P4;
}

static uint64_t
avalanche(uint64_t x, uint64_t m1, uint64_t m2)
{
	x ^= x >> 33;
	x *= m1;
	x ^= x >> 29;
	x *= m2;
	x ^= x >> 32;
	return x;
}

void
incr_hash_hex(const incr_hash *h, char out[33])
{
	incr_hash f = *h;
	unsigned char last[INCR_STRIPE] = { 0 };
	uint64_t a, b;

	/* the tail, zero-filled (the length below tells "a" from "a\0") */
	memcpy(last, f.tail, f.ntail);
	stripe(&f, last);
	a = rotl(f.v[0], 1) + rotl(f.v[1], 7) + rotl(f.v[2], 12) +
	    rotl(f.v[3], 18);
	a = merge_lane(merge_lane(merge_lane(merge_lane(a, f.v[0]), f.v[1]),
	    f.v[2]), f.v[3]);
	a += f.len * HASH_P3;
	b = rotl(f.v[3], 5) ^ rotl(f.v[2], 17) ^ rotl(f.v[1], 29) ^
	    rotl(f.v[0], 43);
	b = merge_lane(merge_lane(merge_lane(merge_lane(b, f.v[3]), f.v[1]),
	    f.v[0]), f.v[2]);
	b ^= f.len * HASH_P2;
	a = avalanche(a, 0xff51afd7ed558ccdULL, 0xc4ceb9fe1a85ec53ULL);
	b = avalanche(b ^ a, 0xbf58476d1ce4e5b9ULL, 0x94d049bb133111ebULL);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)a,
	    (unsigned long long)b);
}

void
incr_hash_str(incr_hash *h, const char *s)
{
	incr_hash_add(h, s ? s : "", strlen(s ? s : "") + 1);
}

void
incr_hash_long(incr_hash *h, long v)
{
	incr_hash_add(h, &v, sizeof v);
}

static int plain(const char *s);
static void hash_int(incr_hash *h, long v);
static void hash_tree(incr_hash *h, const char *dir, const char *prefix);
static void binary_identity(char out[33]);

static const char *const kind_dir[INCR_NKINDS] = {
	"html",      /* INCR_HTML: html/<id>.html */
	"xml",       /* INCR_XML: xml/<id>.xml */
	"pdf",       /* INCR_PDF: pdf/<id>.pdf */
};
static const char *const kind_ext[INCR_NKINDS] = {
	".html", ".xml", ".pdf",
};

static void
hash_int(incr_hash *h, long v)
{
	incr_hash_add(h, &v, sizeof v);
}

const char *
incr_text_hash(document *d)
{
	if (!d->source_hash[0]) {
		incr_hash h;
		incr_hash_init(&h);
		if (d->source)
			incr_hash_add(&h, d->source, d->source_len);
		incr_hash_hex(&h, d->source_hash);
	}
	return d->source_hash;
}

/* What document i's tree shows of another document k: its id, title
 * and status (xmlout.c's ref_xml, superseded-by).  Each document's is
 * hashed once a build (corpus faces), on first use: a document is the
 * neighbour of dozens, and its keys are made twice (the model's and the
 * pages'), so hashing the strings at each edge was 4 % of a rebuild. */
static pthread_mutex_t faces_lock = PTHREAD_MUTEX_INITIALIZER;

static void
neighbour(incr_hash *h, const corpus *c, size_t k)
{
	char *f = __atomic_load_n(&c->faces, __ATOMIC_ACQUIRE);

	if (!f) {
		pthread_mutex_lock(&faces_lock);
		if (!(f = c->faces)) {
			f = xmalloc(33 * (c->ndocs ? c->ndocs : 1));
			for (size_t j = 0; j < c->ndocs; j++) {
				const document *d = c->docs[j];
				incr_hash x;
				incr_hash_init(&x);
				incr_hash_str(&x, d->id);
				incr_hash_str(&x, d->title);
				incr_hash_str(&x, d->status);
				hash_int(&x, d->status_kind);
				incr_hash_hex(&x, f + 33 * j);
			}
			__atomic_store_n(&((corpus *)c)->faces, f,
			    __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&faces_lock);
	}
	incr_hash_add(h, f + 33 * k, 32);
}

/* Every edge into and out of document i, and the document at its other
 * end: all its tree imports from other documents (its links' targets by
 * id and anchor are in its own view), and all its page's related-
 * policies graph names (htmlgraph.c takes their titles from corpus.xml,
 * not from the document's tree). */
static void
neighbours_digest(const corpus *c, size_t i, char out[33])
{
	const document *d = c->docs[i];
	incr_hash x, *h = &x;
	size_t k;
	long t;

	incr_hash_init(h);

	if (c->out_off)
		for (k = c->out_off[i]; k < c->out_off[i + 1]; k++) {
			const edge *e = &c->edges[c->out_idx[k]];
			incr_hash_str(h, "out");
			hash_int(h, e->kind);
			incr_hash_str(h, e->note);
			hash_int(h, e->line);
			neighbour(h, c, e->to);
		}
	if (c->in_off)
		for (k = c->in_off[i]; k < c->in_off[i + 1]; k++) {
			const edge *e = &c->edges[c->in_idx[k]];
			incr_hash_str(h, "in");
			hash_int(h, e->kind);
			incr_hash_str(h, e->note);
			hash_int(h, e->line);
			neighbour(h, c, e->from);
		}
	incr_hash_str(h, "superseded-by");
	if (d->superseded_by &&
	    (t = corpus_resolve_name(c, d->superseded_by, NULL)) >= 0)
		neighbour(h, c, (size_t)t);
	incr_hash_hex(h, out);
}

/* Its digest: made once a build for every document by the model's keys
 * (incr_neighbours_keep), and read by its page's key after; a tree key
 * and a page key both hashed the edges again (~5 ms a rebuild at 1,000
 * documents). */
void
incr_hash_neighbours(incr_hash *h, const corpus *c, size_t i)
{
	char tmp[33];
	const char *dg = c->neigh_ready ? c->neigh + 33 * i : tmp;

	if (dg == tmp)
		neighbours_digest(c, i, tmp);
	incr_hash_add(h, dg, 32);
}

void
incr_neighbours_keep(corpus *c, size_t i)
{
	neighbours_digest(c, i, c->neigh + 33 * i);
}

/* ---- state ---- */

typedef struct {
	char *rel;
	char key[33], ohash[33];
	size_t size;
	long long mtime_ns;          /* as the file was when the cache was */
	unsigned long long ino;      /* written; 0: not recorded */
	long pages;                  /* a PDF's pages ("pp" line), or -1 */
} old_rec;

/* A file's stat as the cache records it (ino 0: not known). */
typedef struct {
	long long mtime_ns;
	unsigned long long ino;
} file_stat;

typedef struct {
	int set;
	char ohash[33];
	size_t size;
	long pages;                  /* a PDF's, or -1 */
	file_stat st;                /* when carried as a hard link: the
	                                old file's, so the cache need not
	                                stat the new name again */
} new_rec;

/* A part of the search index written or carried (incrsearch.c). */
typedef struct {
	char *rel, *hashes;          /* hashes: "H1,H2,..." */
	char key[33], ohash[33];
	size_t size;
	file_stat st;                /* as new_rec's */
} search_part;

/* A folder of OUT and the same folder of staging ("html/assessment"),
 * each opened once a build (O_PATH) for the files carried between
 * them: a carried file's lstat and link then resolve its name alone,
 * not its whole path (path walking was a third of carrying 2,000
 * files, the largest part of a rebuild's page stage). */
typedef struct {
	char *dir;
	int out_fd, staging_fd;      /* -1: could not be opened */
} carry_dir;

struct incr {
	pipeline *pl;
	char *out;
	int lockfd;
	int trusted;                 /* old records may be reused */
	int in_place;                /* ... and are kept where they are in
	                                OUT, not carried into staging
	                                (incr_in_place) */
	unsigned char *kept;         /* per old record: kept in place */
	int out_fd;                  /* in place: OUT's folder (O_PATH) */
	atomic_int pdf_kept;         /* a PDF among them */
	long long cache_mtime_ns;    /* when OUT's cache was written */
	old_rec *old;
	size_t nold;
	size_t ndocs;
	char (*dochash)[33];         /* per document: its XML */
	char (*srchash)[33];         /* per document: its source file */
	char (*key[INCR_NKINDS])[33];  /* per kind, per document */
	new_rec *rec[INCR_NKINDS];
	char corpus_hash[33];        /* corpus.xml's bytes, when its writer
	                                hashed them (incr_corpus_wrote) */
	char corpus_key[33];         /* pages made from corpus.xml */
	char corpus_key_pdf[33];     /* ... when the PDFs are made too */
	int with_pdf;                /* they are (staging/pdf exists) */
	int deferred;                /* streamed trees: keys set by incr_tree */
	int corpus_keyed;            /* corpus_key computed */
	incr_out ahead;              /* incr_records_ahead's, when done */
	int ahead_done;
	int pdf_keyed;               /* corpus_key_pdf computed */
	incr_search *search;         /* OUT's search parts (incrsearch.c) */
	search_part *parts;          /* this build's, for the cache */
	size_t nparts;
	char cx_digest[33];          /* corpus.xml's head and the inputs of
	                                its rest (corpus_digest), or "" */
	char cx_old_digest[33];      /* the old cache's "cx" line: its */
	char cx_old_value[33];       /* ... and the corpus pages' value of
	                                corpus.xml under it (corpus_keys) */
	char cx_value[33];           /* this build's */
	int cx_carried;              /* corpus.xml left unfinished: carried
	                                over (incr_corpus_carry) */
	new_rec cx_rec;              /* OUT/xml/corpus.xml, for the cache */
	char global[33];             /* html_identity */
	char pdf_id[33];             /* pdf_identity, when PDFs are made
	                                ("" when not) */
	char bin[33];                /* binary_identity */
	char **named;                /* their rels (html/index.html ...) */
	new_rec *named_rec;
	size_t nnamed;
	pthread_mutex_t named_lock;  /* the corpus pages are written side
	                                by side (html.c) */
	carry_dir *dirs;             /* the folders files are carried
	                                between (carry_dir_of), under
	                                dirs_lock ... */
	size_t ndirs;
	char *dirs_staging;          /* ... into this staging folder */
	pthread_mutex_t dirs_lock;
	atomic_size_t reused, made, unread;
};

static void named_add(incr *inc, const char *rel, const char *ohash,
    size_t len, file_stat st);

static _Thread_local incr_stats last_stats;  /* per thread: editions build side by side */

incr_stats
incr_last_stats(void)
{
	return last_stats;
}

/* A cache note: not a diagnostic, since a diagnostic is about the input
 * and check must print what build prints. */
static void
note(const char *out, const char *what)
{
	fprintf(stderr, "policyc: note: %s/%s %s; this is a full build\n", out,
	    CACHE_NAME, what);
}

/* ---- identities ---- */

/* The policyc binary, by content: a new policyc may make other pages
 * from the same XML. */
void
incr_binary_identity(char out[33])
{
	binary_identity(out);
}

static char binary_id[33];
static pthread_once_t binary_id_once = PTHREAD_ONCE_INIT;

/* Worked out once: editions built side by side ask at once. */
static void
find_binary_identity(void)
{
	incr_hash h;
	size_t n = 0;
	char *data;

	incr_hash_init(&h);
	incr_hash_str(&h, CACHE_MAGIC);
#ifdef POLICYC_BUILD_ID
	/* the sources, flags and libraries it was built from */
	incr_hash_str(&h, POLICYC_BUILD_ID);
	(void)data;
	(void)n;
#else
	/* built without the Makefile: the executable itself */
	data = read_file("/proc/self/exe", &n);
	if (data)
		incr_hash_add(&h, data, n);
	free(data);
#endif
	incr_hash_hex(&h, binary_id);
}

static void
binary_identity(char out[33])
{
	pthread_once(&binary_id_once, find_binary_identity);
	memcpy(out, binary_id, 33);
}

static void
project_identity(const char *dir, char out[33])
{
	char *real = realpath(dir, NULL);
	incr_hash h;

	incr_hash_init(&h);
	incr_hash_str(&h, real ? real : dir);
	incr_hash_hex(&h, out);
	free(real);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
incr_hash_node(incr_hash *h, xmlNodePtr n)
{
	xmlBufferPtr b = xmlBufferCreate();

	xmlNodeDump(b, n->doc, n, 0, 0);
	incr_hash_add(h, xmlBufferContent(b), (size_t)xmlBufferLength(b));
	xmlBufferFree(b);
}

void
incr_hash_file(incr_hash *h, const char *label, const char *path)
{
	size_t len = 0;
	char *data = read_file(path, &len);

	incr_hash_str(h, label);
	incr_hash_long(h, data ? (long)len : -1);
	if (data)
		incr_hash_add(h, data, len);
	free(data);
}

/* Every file below dir (recursively, sorted, hidden ones too), names and
 * contents, into h: a folder of templates as one value. */
void
incr_hash_tree(incr_hash *h, const char *dir, const char *prefix)
{
	hash_tree(h, dir, prefix);
}

static void
hash_tree(incr_hash *h, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		char *path = path_join(dir, names[i]);
		char *rel = xasprintf("%s/%s", prefix, names[i]);
		if (fsio_is_dir(path))
			hash_tree(h, path, rel);
		else {
			size_t len = 0;
			char *data = read_file(path, &len);
			incr_hash_str(h, rel);
			if (data)
				incr_hash_add(h, data, len);
			free(data);
		}
		free(rel);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* What every page of the site is made with besides its own XML: the
 * binary, the built-in and the project's templates, the site
 * parameters (brand colours, logo, today), which come from corpus.xml's
 * <project> and the date, and the folders' names its trail shows
 * (corpus.xml's <sections>). */
static void
html_identity(pipeline *pl, char out[33])
{
	const project *p = pipeline_project(pl);
	xmlNodePtr root = xmlDocGetRootElement(pipeline_corpus_head(pl)), c;
	incr_hash h;
	char bin[33], *t;

	incr_hash_init(&h);
	incr_hash_str(&h, "html");
	binary_identity(bin);
	incr_hash_str(&h, bin);
	t = path_join(pipeline_data_dir(), "templates/html");
	hash_tree(&h, t, "builtin");
	free(t);
	t = path_join(p->dir, "templates/html");
	hash_tree(&h, t, "project");
	free(t);
	{	/* an edition's cores' templates (extends.c) */
		char **d, **l;
		size_t n = extends_layers(p, "templates/html", &d, &l), k;
		for (k = 0; k < n; k++) {
			if (k)
				hash_tree(&h, d[k], l[k]);
			free(d[k]);
			free(l[k]);
		}
		free(d);
		free(l);
	}
	incr_hash_str(&h, pipeline_corpus(pl)->today);
	/* <project> (the site parameters) and <sections> (each page's
	 * trail names its folders, html.c trail_graft) */
	for (c = root ? root->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    (!xmlStrcmp(c->name, BAD_CAST "project") ||
		    !xmlStrcmp(c->name, BAD_CAST "sections")))
			incr_hash_node(&h, c);
	incr_hash_hex(&h, out);
}

/* ---- hashing the documents ---- */

static int
save_write(void *ctx, const char *data, int len)
{
	incr_hash_add(ctx, data, (size_t)len);
	return len;
}

typedef struct {
	incr *inc;
	xmlDocPtr *docs;
	corpus *c;
} hash_ctx;

static void
hash_one(void *arg, size_t i, int worker)
{
	hash_ctx *x = arg;
	incr_hash h;
	xmlSaveCtxtPtr s;
	document *d = x->c->docs[i];

	const char *known = incr_model_tree_hash(
	    pipeline_model_memo(x->inc->pl), i);

	(void)worker;
	if (x->inc->deferred)
		;   /* streamed: incr_tree gives it when the tree is made */
	else if (known)   /* read back from OUT: the tree it was made from */
		memcpy(x->inc->dochash[i], known, 33);
	else {
		incr_hash_init(&h);
		s = xmlSaveToIO(save_write, NULL, &h, "UTF-8", 0);
		if (s) {
			xmlSaveDoc(s, x->docs[i]);
			xmlSaveClose(s);
		}
		incr_hash_hex(&h, x->inc->dochash[i]);
	}
	memcpy(x->inc->srchash[i], incr_text_hash(d), 33);
}

/* ---- reading the old cache ---- */

static int
cmp_old(const void *a, const void *b)
{
	return strcmp(((const old_rec *)a)->rel, ((const old_rec *)b)->rel);
}

/* A file's modification time in nanoseconds. */
static long long
stat_mtime_ns(const struct stat *st)
{
	return date_timespec_ns(&st->st_mtim);
}

int
incr_split_out(char *line, char *f[INCR_OUT_FIELDS])
{
	char *s = line;
	int k;

	for (k = 0; k < INCR_OUT_FIELDS; k++) {
		f[k] = s;
		if (k < INCR_OUT_FIELDS - 1) {
			if (!(s = strchr(s, '\t')))
				return 0;
			*s++ = '\0';
		}
	}
	return !strcmp(f[0], "out") && strlen(f[1]) == 32 &&
	    strlen(f[2]) == 32 && *f[6] && !strchr(f[6], '\t');
}

/* Parses one "out" line into r. */
static int
parse_out(char *line, old_rec *r)
{
	char *f[INCR_OUT_FIELDS];

	if (!incr_split_out(line, f))
		return 0;
	memcpy(r->key, f[1], 33);
	memcpy(r->ohash, f[2], 33);
	r->size = (size_t)strtoull(f[3], NULL, 10);
	r->mtime_ns = strtoll(f[4], NULL, 10);
	r->ino = strtoull(f[5], NULL, 10);
	r->rel = xstrdup(f[6]);
	r->pages = -1;
	return 1;
}

/* OUT's cache text as incr_cache_lines read it, once a pipeline. */
typedef struct {
	char *data;             /* the file, NULs for its newlines; or NULL */
	const char *body, *end; /* the records */
	const char *why;        /* why it cannot be trusted, or NULL */
	long long mtime_ns;     /* the file's, as read */
	int said;               /* why was said */
	incr_cache_run *runs;   /* the records in runs of one first letter */
	size_t nruns;
} cache_text;

/* The newlines of the records [s, end) made NULs, and the records cut
 * into runs of lines with the same first letter.  Each reader wants one
 * or two kinds of record (incrparse.c the "p" lines, incrlinks.c the
 * "l" lines ...), and walking every line of a 3 MB cache with strlen
 * was a pass of 90,000 lines for each of them. */
static void
cache_cut(cache_text *t, char *s, char *end)
{
	size_t cap = 0;
	char *nl;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end - 1;   /* cache_judge: the text ends in one */
		*nl = '\0';
		if (t->nruns && t->runs[t->nruns - 1].kind == *s)
			t->runs[t->nruns - 1].end = nl + 1;
		else {
			if (t->nruns == cap) {
				cap = cap ? cap * 2 : 64;
				t->runs = xrealloc(t->runs, cap * sizeof *t->runs);
			}
			t->runs[t->nruns].kind = *s;
			t->runs[t->nruns].start = s;
			t->runs[t->nruns].end = nl + 1;
			t->nruns++;
		}
		s = nl + 1;
	}
}

/* Reads and judges OUT's cache file into t. */
static void
cache_judge(cache_text *t, const char *out, pipeline *pl)
{
	char *path = path_join(out, CACHE_NAME), *data, *sum, want[33],
	    bin[33], proj[33], hdr[128];
	size_t len = 0;
	struct stat st;
	incr_hash h;

	if (stat(path, &st) == 0)
		t->mtime_ns = stat_mtime_ns(&st);
	data = read_file(path, &len);
	free(path);
	if (!data)
		return;   /* a first build, or --no-cache's OUT: silent */
	/* the format first: another version's checksum is another hash */
	if (strncmp(data, CACHE_MAGIC "\n", sizeof CACHE_MAGIC) != 0) {
		t->why = !strncmp(data, "policyc-cache ", 14) ?
		    "is of another format version" : "is truncated or corrupt";
		goto bad;
	}
	/* the checksum is the last line: "sum <32 hex>\n" */
	sum = len >= 40 ? data + len - (5 + 32 + 1) : NULL;
	if (!sum || memchr(data, '\0', len) || strncmp(sum, "\nsum ", 5) ||
	    strlen(sum) != 5 + 32 + 1) {
		t->why = "is truncated or corrupt";
		goto bad;
	}
	incr_hash_init(&h);
	incr_hash_add(&h, data, (size_t)(sum + 1 - data));
	incr_hash_hex(&h, want);
	if (memcmp(sum + 5, want, 32) != 0 || sum[37] != '\n') {
		t->why = "is corrupt (its checksum does not match)";
		goto bad;
	}
	sum[1] = '\0';
	binary_identity(bin);
	project_identity(pipeline_project(pl)->dir, proj);
	snprintf(hdr, sizeof hdr, "%s\nbinary\t%s\nproject\t%s\n", CACHE_MAGIC,
	    bin, proj);
	if (strncmp(data, hdr, strlen(hdr)) != 0) {
		t->why = strstr(data, bin) ? "was made for another project" :
		    "was made by another policyc";
		goto bad;
	}
	t->body = data + strlen(hdr);
	t->end = sum + 1;
	cache_cut(t, data + strlen(hdr), sum + 1);
	t->data = data;
	return;
bad:
	free(data);
}

const char *
incr_cache_lines(const char *out, pipeline *pl, int quiet,
    const char **body)
{
	void **slot = pipeline_cache_slot(pl);
	cache_text *t = *slot;

	if (!t) {
		t = *slot = xcalloc(1, sizeof *t);
		cache_judge(t, out, pl);
	}
	if (t->why && !quiet && !t->said) {
		note(out, t->why);
		t->said = 1;
	}
	if (!t->data)
		return NULL;
	*body = t->body;
	return t->end;
}

void
incr_cache_text_free(void *text)
{
	cache_text *t = text;

	if (t) {
		free(t->data);
		free(t->runs);
	}
	free(t);
}

const char *
incr_cache_walk_first(incr_cache_walk *w, pipeline *pl, const char *kinds)
{
	cache_text *t = *pipeline_cache_slot(pl);

	w->kinds = kinds;
	w->run = w->stop = NULL;
	w->line = NULL;
	if (!t || !t->data)
		return NULL;
	w->run = t->runs;
	w->stop = t->runs + t->nruns;
	for (; w->run < w->stop; w->run++)
		if (w->run->kind && strchr(kinds, w->run->kind))
			return w->line = w->run->start;
	return NULL;
}

const char *
incr_cache_walk_next(incr_cache_walk *w)
{
	if (!w->line)
		return NULL;
	w->line = INCR_NEXT_LINE(w->line);
	if (w->line < w->run->end)
		return w->line;
	for (w->run++; w->run < w->stop; w->run++)
		if (w->run->kind && strchr(w->kinds, w->run->kind))
			return w->line = w->run->start;
	return w->line = NULL;
}

/* When OUT's cache, as read, was written (0 when none was read). */
static long long
cache_mtime(pipeline *pl)
{
	cache_text *t = *pipeline_cache_slot(pl);

	return t ? t->mtime_ns : 0;
}

/* Reads OUT's cache; 1 when it can be trusted. */
static const old_rec *find_old(const incr *inc, const char *rel);

static int
read_cache(incr *inc)
{
	const char *body, *end, *line;
	incr_search *search;
	incr_cache_walk w;
	char *copy = NULL;
	int ok = 0;

	if (!(end = incr_cache_lines(inc->out, inc->pl, 0, &body)))
		return 0;
	inc->cache_mtime_ns = cache_mtime(inc->pl);
	search = incr_search_new();
	for (line = incr_cache_walk_first(&w, inc->pl, "os"); line;
	    line = incr_cache_walk_next(&w)) {
		old_rec r;
		incr_search_line(search, line);
		if (!strncmp(line, "out\t", 4)) {
			free(copy);
			copy = xstrdup(line);   /* the text is read only */
			if (!parse_out(copy, &r)) {
				note(inc->out, "is corrupt (a bad line)");
				goto done;
			}
			inc->old = xrealloc(inc->old, (inc->nold + 1) *
			    sizeof *inc->old);
			inc->old[inc->nold++] = r;
		}
	}
	if (inc->nold)
		qsort(inc->old, inc->nold, sizeof *inc->old, cmp_old);
	/* "pp PAGES REL": a PDF's pages, beside its "out" record */
	for (line = incr_cache_walk_first(&w, inc->pl, "p"); line;
	    line = incr_cache_walk_next(&w)) {
		const char *rel;
		char *e;
		long pages;
		old_rec *r;
		if (strncmp(line, "pp\t", 3))
			continue;
		pages = strtol(line + 3, &e, 10);
		rel = *e == '\t' ? e + 1 : NULL;
		if (rel && pages >= 0 && (r = (old_rec *)find_old(inc, rel)))
			r->pages = pages;
	}
	/* "cx DIGEST VALUE": corpus.xml's digest then (corpus_digest),
	 * and what the corpus pages' key took of it (corpus_keys) */
	for (line = incr_cache_walk_first(&w, inc->pl, "c"); line;
	    line = incr_cache_walk_next(&w))
		if (!strncmp(line, "cx\t", 3) && strlen(line) == 3 + 32 + 1 + 32 &&
		    line[35] == '\t') {
			memcpy(inc->cx_old_digest, line + 3, 32);
			memcpy(inc->cx_old_value, line + 36, 32);
		}
	incr_search_sort(search);
	inc->search = search;
	search = NULL;
	ok = 1;
done:
	free(copy);
	incr_search_free(search);
	return ok;
}

/* ---- the lock ---- */

/* Set while editions.c holds the lock of the folder of several OUTs it
 * builds side by side: their builds then do not take turns. */
static atomic_int parent_held;

void
incr_parent_locked(int held)
{
	atomic_store(&parent_held, held);
}

/* OUT's folder, flock()ed (not a file in it: a build writes nothing
 * outside OUT, and OUT itself is replaced by the swap).  A second build
 * into the same OUT waits for the first, so neither reads a cache the
 * other is replacing; builds into other OUTs of the same folder take
 * turns too, which costs them time, never correctness. */
static int
take_lock(const char *out, diag_set *ds)
{
	char *copy = xstrdup(out), *slash = strrchr(copy, '/');
	const char *parent = slash ? (slash == copy ? "/" : copy) : ".";
	int fd;

	if (slash && slash != copy)
		*slash = '\0';
	/* OUT's folder may not exist yet (fsio_staging makes it too) */
	fsio_mkdirs(parent);
	fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		diag_report(ds, R_OUTPUT_ERROR, out, 0, 0,
		    "cannot open the folder of %s to lock it: %s", out,
		    strerror(errno));
		free(copy);
		return -1;
	}
	if (!atomic_load(&parent_held) && flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "policyc: note: another build is writing beside "
		    "%s; waiting for it to finish\n", out);
		while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
			;
	}
	free(copy);
	return fd;
}

/* ---- the API ---- */

/* Document i's key for each kind of file made from its tree. */
static void
doc_keys(incr *inc, const corpus *c, size_t i)
{
	incr_hash h;

	/* its PDF: its tree laid out as pdf_identity says (the pages and
	 * size its page shows are facts of that PDF) */
	incr_hash_init(&h);
	incr_hash_str(&h, kind_dir[INCR_PDF]);
	incr_hash_str(&h, inc->pdf_id);
	incr_hash_str(&h, inc->dochash[i]);
	incr_hash_hex(&h, inc->key[INCR_PDF][i]);
	incr_hash_init(&h);
	incr_hash_str(&h, kind_dir[INCR_XML]);
	incr_hash_str(&h, inc->bin);
	incr_hash_str(&h, inc->dochash[i]);
	incr_hash_hex(&h, inc->key[INCR_XML][i]);
	/* its page links its PDF, with its pages and size, when there is
	 * one: a page made beside PDFs is not one made without */
	incr_hash_init(&h);
	incr_hash_str(&h, kind_dir[INCR_HTML]);
	incr_hash_str(&h, inc->global);
	incr_hash_str(&h, inc->dochash[i]);
	incr_hash_neighbours(&h, c, i);
	incr_hash_str(&h, inc->pdf_id[0] ? inc->key[INCR_PDF][i] : "no pdf");
	incr_hash_hex(&h, inc->key[INCR_HTML][i]);
}

/* The contents, glossary, what's new ... pages: corpus.xml with what
 * every page is made with.  After every document's tree hash is known. */
static int
hash_write(void *h, const char *data, size_t n)
{
	incr_hash_add(h, data, n);
	return 0;
}

/*
 * What the built-in corpus pages read of a lean corpus tree (xmlout.h),
 * hashed: the tree as held, and the graph's edges (the section graphs
 * read them through corpus_edge).  Not its parts — <diagnostics>, the
 * <use>s past the held ones, the edges' notes — which no built-in corpus
 * page reads, nor any line= attribute: no built-in template reads a
 * source position (tests/incremental.t holds them to it), and a
 * paragraph added near the top of a document moves every finding and
 * term use below it.  So such an edit, or one that changes only
 * findings, carries the corpus pages over, as it does the pages of the
 * other documents.  A project's own html templates make the tree whole,
 * and the key corpus.xml's bytes.  with_lines: every attribute, line=
 * too (corpus_digest names corpus.xml's bytes by its head).
 */
static void
hash_nodes(incr_hash *h, xmlNodePtr n, int with_lines)
{
	xmlAttrPtr a;
	xmlNodePtr t;

	for (; n; n = n->next) {
		hash_int(h, (long)n->type);
		if (n->type != XML_ELEMENT_NODE) {
			incr_hash_str(h, (const char *)n->content);
			continue;
		}
		incr_hash_str(h, (const char *)n->name);
		incr_hash_str(h, n->ns ? (const char *)n->ns->href : "");
		for (a = n->properties; a; a = a->next) {
			if (!with_lines && !a->ns &&
			    xmlStrEqual(a->name, BAD_CAST "line"))
				continue;
			incr_hash_str(h, "@");
			incr_hash_str(h, (const char *)a->name);
			incr_hash_str(h, a->ns ? (const char *)a->ns->href : "");
			for (t = a->children; t; t = t->next)
				incr_hash_str(h, (const char *)t->content);
		}
		incr_hash_str(h, ">");
		hash_nodes(h, n->children, with_lines);
		incr_hash_str(h, "<");
	}
}

static void
hash_lean_corpus(incr *inc, char out[33])
{
	const corpus *c = pipeline_corpus(inc->pl);
	xmlDocPtr cx = pipeline_corpus_xml(inc->pl);
	const char *from, *to, *kind;
	incr_hash h;
	size_t k;

	incr_hash_init(&h);
	incr_hash_str(&h, "policyc lean corpus 1");
	hash_nodes(&h, cx ? cx->children : NULL, 0);
	for (k = 0; xmlout_corpus_edge(c, k, &from, &to, &kind); k++) {
		incr_hash_str(&h, from);
		incr_hash_str(&h, to);
		incr_hash_str(&h, kind);
	}
	incr_hash_hex(&h, out);
}

static void
corpus_keys(incr *inc)
{
	const corpus *c = pipeline_corpus(inc->pl);
	incr_hash h;
	char cx[33];
	size_t i;

	if (inc->corpus_keyed)
		return;
	inc->corpus_keyed = 1;
	/* a lean tree: what the built-in pages read of it; else its bytes
	 * as written, hashed here unless the writer of OUT/xml/corpus.xml
	 * did (finished first: a tree xmldump cannot write is made whole,
	 * and is not lean) */
	if (inc->cx_carried)   /* the tree is not finished: as then */
		memcpy(cx, inc->cx_old_value, 33);
	else if (pipeline_corpus_xml(inc->pl) && pipeline_corpus_lean(inc->pl))
		hash_lean_corpus(inc, cx);
	else if (inc->corpus_hash[0])
		memcpy(cx, inc->corpus_hash, 33);
	else {
		incr_hash_init(&h);
		(void)pipeline_corpus_xml_write(inc->pl, hash_write, &h);
		incr_hash_hex(&h, cx);
	}
	memcpy(inc->cx_value, cx, 33);
	incr_hash_init(&h);
	incr_hash_str(&h, inc->global);
	incr_hash_str(&h, "corpus");
	incr_hash_str(&h, cx);
	/* the home page's text is the root index.md's tree (html.c
	 * corpus_graft), not in corpus.xml */
	for (i = 0; i < c->ndocs; i++)
		if (!strcmp(c->docs[i]->id, "index"))
			incr_hash_str(&h, inc->dochash[i]);
	incr_hash_hex(&h, inc->corpus_key);
}

/* With PDFs, the corpus pages also show every PDF's pages and size
 * (html.c pdf_graft): the key adds those facts, once the PDFs are in
 * staging — a document's from its record (made or carried), a pack's
 * from its file (made on every build). */
static void
pdf_corpus_key(incr *inc, const char *staging)
{
	const corpus *c = pipeline_corpus(inc->pl);
	xmlNodePtr root = xmlDocGetRootElement(pipeline_corpus_head(inc->pl));
	xmlNodePtr packs = root ? xmlread_child(root, "packs") : NULL, p;
	incr_hash h;
	long pages, kb;
	size_t i;

	if (inc->pdf_keyed)
		return;
	inc->pdf_keyed = 1;
	corpus_keys(inc);
	incr_hash_init(&h);
	incr_hash_str(&h, inc->corpus_key);
	incr_hash_str(&h, "pdfs");
	for (i = 0; i < c->ndocs; i++) {
		if (!incr_pdf_facts(inc, i, &pages, &kb)) {
			char *rel = publish_path("pdf", c->docs[i]->id, ".pdf");
			char *f = rel ? path_join(staging, rel) : NULL;
			if (!f || !pdf_file_facts(f, &pages, &kb))
				pages = kb = -1;
			free(f);
			free(rel);
		}
		incr_hash_str(&h, c->docs[i]->id);
		incr_hash_long(&h, pages);
		incr_hash_long(&h, kb);
	}
	for (p = packs ? packs->children : NULL; p; p = p->next) {
		char *id, *rel, *f;
		if (!xmlread_is(p, "pack"))
			continue;
		id = xmlread_attr_or(p, "id", "");
		rel = xasprintf("pdf/%s.pdf", id);
		f = path_join(staging, rel);
		if (!document_id_safe(id) || !pdf_file_facts(f, &pages, &kb))
			pages = kb = -1;
		incr_hash_str(&h, id);
		incr_hash_long(&h, pages);
		incr_hash_long(&h, kb);
		free(f);
		free(rel);
		free(id);
	}
	incr_hash_hex(&h, inc->corpus_key_pdf);
}

int
incr_pdf_facts(incr *inc, size_t i, long *pages, long *kb)
{
	const new_rec *r;

	if (!inc || i >= inc->ndocs || !inc->pdf_id[0])
		return 0;
	r = &inc->rec[INCR_PDF][i];
	if (!r->set || r->pages < 0)
		return 0;
	*pages = r->pages;
	*kb = (long)((r->size + 1023) / 1024);
	return 1;
}

/* corpus.xml as this build would make it, named before its rest is
 * made: its head, and what the rest is made from (pipeline.h).  Set once,
 * before the tree is finished (the head is then the whole tree); left ""
 * when the pipeline cannot say. */
static int verify_and_carry(incr *inc, const old_rec *r, const char *staging,
    const char *rel, char **data_out, file_stat *carried);

static void
digest_put(void *ctx, const char *s, long v)
{
	unsigned char n[1 + sizeof v] = { 'n' };

	if (s) {
		incr_hash_add(ctx, "s", 1);
		incr_hash_str(ctx, s);
	} else {   /* a number (an absent string: 0) */
		memcpy(n + 1, &v, sizeof v);
		incr_hash_add(ctx, n, sizeof n);
	}
}

static void
corpus_digest(incr *inc)
{
	xmlDocPtr head = pipeline_corpus_head(inc->pl);
	incr_hash h;

	if (inc->cx_digest[0] || !head)
		return;
	incr_hash_init(&h);
	incr_hash_str(&h, "policyc corpus.xml 1");
	incr_hash_str(&h, inc->bin);
	if (!pipeline_corpus_rest_digest(inc->pl, digest_put, &h))
		return;
	hash_nodes(&h, head->children, 1);
	incr_hash_hex(&h, inc->cx_digest);
}

int
incr_corpus_carry(incr *inc, const char *staging, int with_xml)
{
	const old_rec *r = NULL;
	char *data = NULL;
	file_stat st;

	if (!inc || inc->corpus_keyed)
		return 0;
	corpus_digest(inc);
	if (!inc->trusted || !inc->cx_digest[0] || !inc->cx_old_value[0] ||
	    strcmp(inc->cx_old_digest, inc->cx_digest))
		return 0;
	if (with_xml) {
		if (!(r = find_old(inc, CORPUS_XML)) ||
		    strcmp(r->key, inc->cx_digest) ||
		    !verify_and_carry(inc, r, staging, CORPUS_XML, &data, &st))
			return 0;
		free(data);
		memcpy(inc->cx_rec.ohash, r->ohash, 33);
		inc->cx_rec.size = r->size;
		inc->cx_rec.st = st;
		inc->cx_rec.set = 1;
		atomic_fetch_add(&inc->reused, 1);
	}
	inc->cx_carried = 1;
	return 1;
}

void
incr_corpus_wrote(incr *inc, const char hex[33], size_t len, int by_bytes)
{
	if (!inc)
		return;
	if (by_bytes && !inc->corpus_keyed)
		memcpy(inc->corpus_hash, hex, 33);
	memcpy(inc->cx_rec.ohash, hex, 33);
	inc->cx_rec.size = len;
	inc->cx_rec.st = (file_stat){ 0, 0 };
	inc->cx_rec.set = 1;
	atomic_fetch_add(&inc->made, 1);
}

void
incr_trees_done(incr *inc)
{
	if (inc)
		corpus_keys(inc);
}

void
incr_tree(incr *inc, size_t i, const char *dochash)
{
	if (!inc || !inc->deferred || i >= inc->ndocs)
		return;
	memcpy(inc->dochash[i], dochash, 33);
	doc_keys(inc, pipeline_corpus(inc->pl), i);
}

/* POLICYC_IN_PLACE=0 keeps the whole-folder swap for incremental
 * builds too (to compare the two). */
static int
in_place_wanted(void)
{
	const char *e = getenv("POLICYC_IN_PLACE");

	return !e || strcmp(e, "0") != 0;
}

int
incr_in_place(const incr *inc)
{
	return inc && inc->in_place;
}

int
incr_few_made(incr *inc)
{
	return inc && atomic_load(&inc->made) <= atomic_load(&inc->reused);
}

int
incr_pdfs_kept(const incr *inc)
{
	return inc && atomic_load(&inc->pdf_kept);
}

int
incr_kept(void *ctx, const char *rel)
{
	incr *inc = ctx;
	const old_rec *r = find_old(inc, rel);

	return r && inc->kept[r - inc->old];
}

incr *
incr_begin(pipeline *pl, const char *out, int use_cache, int with_pdf,
    diag_set *ds)
{
	incr *inc;
	corpus *c = pipeline_corpus(pl);
	hash_ctx hc;
	size_t i, k;
	int fd;

	pipeline_stage(pl, "model");   /* the XML trees (pipeline_model) */
	fd = take_lock(out, ds);

	if (fd < 0)
		return NULL;
	inc = xcalloc(1, sizeof *inc);
	pthread_mutex_init(&inc->named_lock, NULL);
	pthread_mutex_init(&inc->dirs_lock, NULL);
	inc->pl = pl;
	inc->out = xstrdup(out);
	inc->lockfd = fd;
	inc->ndocs = c->ndocs;
	atomic_init(&inc->reused, 0);
	atomic_init(&inc->made, 0);
	atomic_init(&inc->unread, 0);
	inc->dochash = xcalloc(c->ndocs + 1, sizeof *inc->dochash);
	inc->srchash = xcalloc(c->ndocs + 1, sizeof *inc->srchash);
	inc->deferred = pipeline_streamed(pl);
	hc.inc = inc;
	hc.docs = pipeline_document_xml(pl);
	hc.c = c;
	jobs_run(c->ndocs, pipeline_jobs(pl), hash_one, &hc);
	html_identity(pl, inc->global);
	/* an XML file is its tree as serialised by this policyc */
	binary_identity(inc->bin);
	if (with_pdf)
		pdf_identity(pipeline_project(pl)->dir, pipeline_data_dir(),
		    pipeline_corpus_head(pl), inc->pdf_id);
	for (k = 0; k < INCR_NKINDS; k++) {
		inc->key[k] = xcalloc(c->ndocs + 1, sizeof *inc->key[k]);
		inc->rec[k] = xcalloc(c->ndocs + 1, sizeof *inc->rec[k]);
	}
	if (!inc->deferred) {
		for (i = 0; i < c->ndocs; i++)
			doc_keys(inc, c, i);
		corpus_keys(inc);
	}
	inc->trusted = use_cache && read_cache(inc);
	/* in place only into OUT's own folder: one that is a symbolic
	 * link is swapped as always (the commit follows no link) */
	inc->out_fd = -1;
	if (inc->trusted && in_place_wanted() &&
	    (inc->out_fd = open(out, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) >= 0)
		inc->in_place = 1;
	inc->kept = xcalloc(inc->nold + 1, 1);
	atomic_init(&inc->pdf_kept, 0);
	pipeline_stage(pl, "cache");
	return inc;
}

static const old_rec *
find_old(const incr *inc, const char *rel)
{
	old_rec probe;

	probe.rel = (char *)rel;
	return inc->nold ? bsearch(&probe, inc->old, inc->nold,
	    sizeof *inc->old, cmp_old) : NULL;
}

/* The descriptors of rel's folder in OUT and in staging, opened on
 * first use (the staging folder made then if it is not there), into
 * *out_fd and *staging_fd: 1, or 0 for a rel without a folder, or
 * whose folders cannot be opened: its file is carried by path.  The
 * table grows as other workers ask: what is read of it is read under
 * the lock. */
static int
carry_dir_of(incr *inc, const char *staging, const char *rel, int *out_fd,
    int *staging_fd)
{
	const char *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0, k;
	carry_dir *d = NULL;
	char *sdir;

	if (!n)
		return 0;
	pthread_mutex_lock(&inc->dirs_lock);
	if (!inc->dirs_staging)
		inc->dirs_staging = xstrdup(staging);
	if (strcmp(inc->dirs_staging, staging) != 0) {
		pthread_mutex_unlock(&inc->dirs_lock);
		return 0;   /* another staging folder: by path */
	}
	for (k = 0; k < inc->ndirs && !d; k++)
		if (!strncmp(inc->dirs[k].dir, rel, n) && !inc->dirs[k].dir[n])
			d = &inc->dirs[k];
	if (!d) {
		inc->dirs = xrealloc(inc->dirs, (inc->ndirs + 1) *
		    sizeof *inc->dirs);
		d = &inc->dirs[inc->ndirs++];
		d->dir = xstrndup(rel, n);
		d->staging_fd = -1;   /* in place: none needed */
		if (!inc->in_place) {
			sdir = path_join(staging, d->dir);
			d->staging_fd = fsio_mkdirs(sdir) == 0 ?
			    fsio_open_dir_path(sdir) : -1;
			free(sdir);
		}
		if (inc->in_place)   /* OUT's own folder, through no link */
			d->out_fd = fsio_open_dir_beneath(inc->out_fd, d->dir);
		else {
			sdir = path_join(inc->out, d->dir);
			d->out_fd = fsio_open_dir_path(sdir);
			free(sdir);
		}
	}
	*out_fd = d->out_fd;
	*staging_fd = d->staging_fd;
	pthread_mutex_unlock(&inc->dirs_lock);
	return *out_fd >= 0 && (inc->in_place || *staging_fd >= 0);
}

/* Carries OUT/rel into staging/rel as a hard link: its folder made
 * only when the first link into it finds none (mkdir once a folder, not
 * once a file).  0 when it was. */
static int
carry_link(const char *out, const char *staging, const char *rel)
{
	char *from = path_join(out, rel), *to = path_join(staging, rel);
	int rc = link(from, to);

	if (rc != 0 && errno == ENOENT && fsio_mkdir_parent(to) == 0)
		rc = link(from, to);
	free(from);
	free(to);
	return rc;
}

/*
 * The file rel of the old OUT, carried into staging when it is what r
 * recorded (one edited by hand, or left half-written by a crash, is
 * made anew, never carried over).  When its size, modification time and
 * inode are those the cache recorded, it is carried as it is — as git's
 * index and ninja trust a file's stat — unless it was modified in the
 * clock tick the cache was written in (git's "racy" entries), where a
 * later edit could keep the time.  Else its bytes are hashed again.
 * Where no hard link can be made, the bytes are copied.  1 when it was
 * carried; *data_out then holds its bytes when they were read (else
 * NULL; caller frees), and *carried the file's stat when staging has it
 * as a hard link (the same inode, so the same mtime: the cache writes it
 * without a second lstat), else ino 0.
 */
/* The old file's stat is the one r recorded, and older than the
 * cache's own write (not a "racy" entry). */
static int
as_recorded(const incr *inc, const old_rec *r, const struct stat *st)
{
	return S_ISREG(st->st_mode) && (size_t)st->st_size == r->size &&
	    (unsigned long long)st->st_ino == r->ino &&
	    stat_mtime_ns(st) == r->mtime_ns &&
	    r->mtime_ns < inc->cache_mtime_ns;
}

/* Reads the open file fd (closing it) into *data (caller frees; NULL
 * when it is not r's size) and its stat into *st: 1 when its bytes
 * hash to what r recorded. */
static int
read_as_recorded(int fd, const old_rec *r, struct stat *st, char **data)
{
	char got[33];
	incr_hash h;
	int ok = 0;

	*data = NULL;
	if (fstat(fd, st) == 0 && S_ISREG(st->st_mode) &&
	    (size_t)st->st_size == r->size) {
		*data = xmalloc(r->size + 1);
		if (read(fd, *data, r->size + 1) == (ssize_t)r->size) {
			incr_hash_init(&h);
			incr_hash_add(&h, *data, r->size);
			incr_hash_hex(&h, got);
			ok = !strcmp(got, r->ohash);
		}
	}
	close(fd);
	return ok;
}

/* In place (incr_in_place): OUT/rel stays where it is, and the commit
 * leaves it (incr_kept), when it is what r recorded — by its stat, else
 * by its bytes — and lies in OUT's own folders, reached through no
 * symbolic link (else the commit, which follows none, would remove the
 * link and the file with it).  verify_and_carry's contract. */
static int
verify_in_place(incr *inc, const old_rec *r, const char *staging,
    const char *rel, char **data_out, file_stat *carried)
{
	int ofd, sfd, fd, ok = 0;
	const char *base;
	struct stat st;
	char *data = NULL;

	if (!carry_dir_of(inc, staging, rel, &ofd, &sfd))
		return 0;   /* a file at the top, or no such folder: made */
	base = strrchr(rel, '/') + 1;
	if (fstatat(ofd, base, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (!(r->ino && as_recorded(inc, r, &st))) {
		fd = openat(ofd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return 0;
		ok = read_as_recorded(fd, r, &st, &data);
		if (!ok) {
			free(data);
			return 0;
		}
		*data_out = data;
	} else
		atomic_fetch_add(&inc->unread, 1);
	inc->kept[r - inc->old] = 1;
	if (!strncmp(r->rel, "pdf/", 4))
		atomic_store(&inc->pdf_kept, 1);
	carried->mtime_ns = stat_mtime_ns(&st);
	carried->ino = (unsigned long long)st.st_ino;
	return 1;
}

static int
verify_and_carry(incr *inc, const old_rec *r, const char *staging,
    const char *rel, char **data_out, file_stat *carried)
{
	int ofd, sfd;
	char *path, *data = NULL;
	struct stat st;
	int fd, ok = 0;

	*data_out = NULL;
	carried->mtime_ns = 0;
	carried->ino = 0;
	if (inc->in_place)
		return verify_in_place(inc, r, staging, rel, data_out, carried);
	if (r->ino && carry_dir_of(inc, staging, rel, &ofd, &sfd)) {
		/* the common case, by name within the folders */
		const char *base = strrchr(rel, '/') + 1;
		if (fstatat(ofd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    as_recorded(inc, r, &st) &&
		    linkat(ofd, base, sfd, base, 0) == 0) {
			carried->mtime_ns = stat_mtime_ns(&st);
			carried->ino = (unsigned long long)st.st_ino;
			atomic_fetch_add(&inc->unread, 1);
			return 1;
		}
	}
	path = path_join(inc->out, rel);
	if (r->ino && lstat(path, &st) == 0 && as_recorded(inc, r, &st) &&
	    carry_link(inc->out, staging, rel) == 0) {
		free(path);
		carried->mtime_ns = stat_mtime_ns(&st);
		carried->ino = (unsigned long long)st.st_ino;
		atomic_fetch_add(&inc->unread, 1);
		return 1;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return 0;
	ok = read_as_recorded(fd, r, &st, &data);
	if (ok && carry_link(inc->out, staging, rel) == 0) {
		carried->mtime_ns = stat_mtime_ns(&st);
		carried->ino = (unsigned long long)st.st_ino;
		*data_out = data;
		return 1;
	}
	if (ok && publish_write(staging, rel, data, r->size) == 0) {
		*data_out = data;
		return 1;
	}
	free(data);
	return 0;
}

int
incr_reusable(incr *inc, enum incr_kind k, size_t i, const char *rel)
{
	const old_rec *r;

	return inc && inc->trusted && i < inc->ndocs &&
	    (r = find_old(inc, rel)) && !strcmp(r->key, inc->key[k][i]);
}

const char *
incr_doc_hash(incr *inc, size_t i)
{
	return inc && i < inc->ndocs && strlen(inc->dochash[i]) == 32 ?
	    inc->dochash[i] : NULL;
}

int
incr_search_known(incr *inc, size_t i)
{
	size_t part, pos;

	return inc && inc->trusted && incr_search_find(inc->search,
	    incr_doc_hash(inc, i), &part, &pos);
}

char *
incr_search_old_entry(incr *inc, size_t i)
{
	size_t part, pos;
	const old_rec *r;
	const char *e;

	if (!inc || !inc->trusted || !incr_search_find(inc->search,
	    incr_doc_hash(inc, i), &part, &pos))
		return NULL;
	r = find_old(inc, incr_search_part_rel(inc->search, part));
	e = incr_search_entry(inc->search, inc->out, part, pos,
	    r ? r->ohash : NULL, r ? r->size : 0);
	return e ? xstrdup(e) : NULL;
}

/* Records a part for the cache: only one whose every document has a
 * tree hash (the line of the part each hash names). */
static void
part_add(incr *inc, const char *rel, const char *key, const char *ohash,
    size_t size, file_stat st, const size_t *members, size_t m)
{
	search_part *p;
	buf h;
	size_t k;

	if (!plain(rel) || m == 0)
		return;
	buf_init(&h);
	for (k = 0; k < m; k++) {
		const char *dh = incr_doc_hash(inc, members[k]);
		if (!dh) {
			buf_free(&h);
			return;
		}
		if (k)
			buf_putc(&h, ',');
		buf_putn(&h, dh, 32);
	}
	inc->parts = xrealloc(inc->parts, (inc->nparts + 1) *
	    sizeof *inc->parts);
	p = &inc->parts[inc->nparts++];
	p->rel = xstrdup(rel);
	p->hashes = buf_detach(&h);
	snprintf(p->key, sizeof p->key, "%s", key);
	memcpy(p->ohash, ohash, 33);
	p->size = size;
	p->st = st;
}

int
incr_search_carry_part(incr *inc, const char *staging, const char *rel,
    const char *key, const size_t *members, size_t m)
{
	const old_rec *r;
	char *data;
	file_stat st;

	if (!inc || !inc->trusted || !(r = find_old(inc, rel)) ||
	    strcmp(r->key, key) != 0 ||
	    !verify_and_carry(inc, r, staging, rel, &data, &st))
		return 0;
	part_add(inc, rel, key, r->ohash, r->size, st, members, m);
	atomic_fetch_add(&inc->reused, 1);
	free(data);
	return 1;
}

void
incr_search_wrote_part(incr *inc, const char *rel, const char *key,
    const char *data, size_t len, const size_t *members, size_t m)
{
	incr_hash h;
	char ohash[33];
	file_stat unknown = { 0, 0 };

	if (!inc)
		return;
	incr_hash_init(&h);
	incr_hash_add(&h, data, len);
	incr_hash_hex(&h, ohash);
	part_add(inc, rel, key, ohash, len, unknown, members, m);
	atomic_fetch_add(&inc->made, 1);
}

int
incr_reuse(incr *inc, enum incr_kind k, size_t i, const char *staging,
    const char *rel)
{
	const old_rec *r;
	char *data;
	file_stat st;

	if (!inc || !inc->trusted || i >= inc->ndocs ||
	    !(r = find_old(inc, rel)) || strcmp(r->key, inc->key[k][i]) ||
	    !verify_and_carry(inc, r, staging, rel, &data, &st))
		return 0;
	inc->rec[k][i].set = 1;
	inc->rec[k][i].st = st;
	memcpy(inc->rec[k][i].ohash, r->ohash, 33);
	inc->rec[k][i].size = r->size;
	inc->rec[k][i].pages = r->pages;
	atomic_fetch_add(&inc->reused, 1);
	free(data);
	return 1;
}

void
incr_wrote_file(incr *inc, enum incr_kind k, size_t i, const char *staging,
    const char *rel)
{
	char *path, *data;
	size_t len = 0;

	if (!inc || i >= inc->ndocs)
		return;
	path = path_join(staging, rel);
	if ((data = read_file(path, &len)) != NULL)
		incr_wrote(inc, k, i, data, len);
	free(data);
	free(path);
}

void
incr_wrote(incr *inc, enum incr_kind k, size_t i, const char *data,
    size_t len)
{
	incr_hash h;

	if (!inc || i >= inc->ndocs)
		return;
	incr_hash_init(&h);
	incr_hash_add(&h, data, len);
	incr_hash_hex(&h, inc->rec[k][i].ohash);
	inc->rec[k][i].size = len;
	inc->rec[k][i].pages = k == INCR_PDF ? pdf_count_pages(data, len) : -1;
	inc->rec[k][i].st.ino = 0;   /* written: the cache stats it */
	inc->rec[k][i].set = 1;
	atomic_fetch_add(&inc->made, 1);
}

int
incr_reuse_corpus(incr *inc, const char *staging, const char *rel)
{
	const old_rec *r;
	char *data;
	file_stat st;

	if (inc) {
		/* the PDFs are made before the site (publish.c) */
		char *pdf = path_join(staging, "pdf");
		inc->with_pdf = fsio_is_dir(pdf);
		free(pdf);
	}
	if (inc)
		corpus_keys(inc);
	if (inc && inc->with_pdf)
		pdf_corpus_key(inc, staging);
	if (!inc || !inc->trusted || !(r = find_old(inc, rel)) ||
	    strcmp(r->key, inc->with_pdf ? inc->corpus_key_pdf :
	    inc->corpus_key) ||
	    !verify_and_carry(inc, r, staging, rel, &data, &st))
		return 0;
	named_add(inc, rel, r->ohash, r->size, st);
	atomic_fetch_add(&inc->reused, 1);
	free(data);
	return 1;
}

/* Records the page rel of the corpus, its bytes' hash and size. */
static void
named_add(incr *inc, const char *rel, const char *ohash, size_t len,
    file_stat st)
{
	new_rec *r;
	size_t at;

	if (!plain(rel))
		return;
	pthread_mutex_lock(&inc->named_lock);
	inc->named = xrealloc(inc->named, (inc->nnamed + 1) *
	    sizeof *inc->named);
	inc->named_rec = xrealloc(inc->named_rec, (inc->nnamed + 1) *
	    sizeof *inc->named_rec);
	/* kept in order of name: the corpus pages are carried over and
	 * made in any order (html.c makes them side by side), and the
	 * cache lists them as kept here */
	for (at = inc->nnamed; at > 0 && strcmp(inc->named[at - 1], rel) > 0;
	    at--) {
		inc->named[at] = inc->named[at - 1];
		inc->named_rec[at] = inc->named_rec[at - 1];
	}
	inc->named[at] = xstrdup(rel);
	inc->nnamed++;
	r = &inc->named_rec[at];
	memcpy(r->ohash, ohash, 33);
	r->size = len;
	r->st = st;
	r->set = 1;
	pthread_mutex_unlock(&inc->named_lock);
}

void
incr_wrote_corpus(incr *inc, const char *rel, const char *data, size_t len)
{
	incr_hash h;
	char ohash[33];

	if (!inc || !plain(rel))
		return;
	incr_hash_init(&h);
	incr_hash_add(&h, data, len);
	incr_hash_hex(&h, ohash);
	named_add(inc, rel, ohash, len, (file_stat){ 0, 0 });
	atomic_fetch_add(&inc->made, 1);
}

/* Writes out and hashes what o holds. */
static void
out_flush(incr_out *o)
{
	if (o->b.len == 0)
		return;
	incr_hash_add(&o->h, o->b.data, o->b.len);
	if (o->f && !o->failed &&
	    fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len)
		o->failed = 1;
	o->b.len = 0;
	o->b.data[0] = '\0';
}

void
incr_out_room(incr_out *o)
{
	if (!o->hold && o->b.len >= ((size_t)1 << 18))
		out_flush(o);
}

/* data written after what o holds, and hashed. */
static void
out_append(incr_out *o, const char *data, size_t len)
{
	out_flush(o);
	incr_hash_add(&o->h, data, len);
	if (o->f && !o->failed && len && fwrite(data, 1, len, o->f) != len)
		o->failed = 1;
}

void
incr_records_ahead(void *ctx)
{
	incr *inc = ctx;

	if (!inc || inc->ahead_done)
		return;
	memset(&inc->ahead, 0, sizeof inc->ahead);
	buf_init(&inc->ahead.b);
	inc->ahead.hold = 1;
	incr_filters_write(pipeline_filters_memo(inc->pl), &inc->ahead);
	incr_links_write(inc->pl, &inc->ahead);
	incr_parse_write(inc->pl, &inc->ahead);
	inc->ahead_done = 1;
}

/* A name the line format can carry (no tab, no newline). */
static int
plain(const char *s)
{
	return s && !strpbrk(s, "\t\n\r");
}

/* "MTIME\tINO\t" of staging/rel as written (a hard link keeps both
 * through the swap and into the next build's staging), or "0\t0\t",
 * which makes the next build hash the file. */
/* An "out" line's stat fields: known when the file was carried as a
 * hard link (verify_and_carry), else read from staging. */
static void
put_stat(buf *b, const char *staging, const char *rel, file_stat known)
{
	struct stat st;

	if (!known.ino) {
		char *path = path_join(staging, rel);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			known.mtime_ns = stat_mtime_ns(&st);
			known.ino = (unsigned long long)st.st_ino;
		}
		free(path);
	}
	buf_printf(b, "%lld\t%llu\t", known.mtime_ns, known.ino);
}

int
incr_finish(incr *inc, const char *staging, diag_set *ds)
{
	corpus *c;
	incr_out o;
	char sum[33], bin[33], proj[33];
	size_t i, k, d;

	if (!inc)
		return 0;
	c = pipeline_corpus(inc->pl);
	corpus_keys(inc);
	if (inc->with_pdf)
		pdf_corpus_key(inc, staging);
	/* a page whose making said something is made (and says it) again */
	for (d = 0; d < diag_count(ds); d++) {
		const diagnostic *g = diag_at(ds, d);
		if (!strcmp(g->rule, "output-error"))
			for (i = 0; i < inc->ndocs; i++)
				if (g->file && !strcmp(g->file, c->docs[i]->path))
					inc->rec[INCR_XML][i].set = 0;
		if (strcmp(g->rule, "html-template") && strcmp(g->rule, "html-write"))
			continue;
		for (i = 0; i < inc->ndocs; i++)
			if (g->file && !strcmp(g->file, c->docs[i]->path))
				inc->rec[INCR_HTML][i].set = 0;
		if (g->file && !strcmp(g->file, "corpus.xml"))
			for (i = 0; i < inc->nnamed; i++)
				inc->named_rec[i].set = 0;
	}
	binary_identity(bin);
	project_identity(pipeline_project(inc->pl)->dir, proj);
	/* a cache that cannot be written costs the next build its speed,
	 * not its correctness: the build goes on (a file left short fails
	 * its checksum and is not trusted) */
	buf_init(&o.b);
	incr_hash_init(&o.h);
	o.failed = 0;
	o.f = publish_fopen(staging, CACHE_NAME);
	buf *b = &o.b;
	buf_printf(b, "%s\nbinary\t%s\nproject\t%s\n", CACHE_MAGIC, bin, proj);
	for (i = 0; i < inc->ndocs; i++) {
		const document *doc = c->docs[i];
		if (!plain(doc->id) || !plain(doc->path))
			continue;
		buf_printf(b, "doc\t%s\t%s\t%s\t%s\n", inc->srchash[i],
		    inc->dochash[i], doc->path, doc->id);
		incr_out_room(&o);
		for (k = 0; k < INCR_NKINDS; k++) {
			char *rel;
			if (!inc->rec[k][i].set)
				continue;
			rel = publish_path(kind_dir[k], doc->id, kind_ext[k]);
			if (rel) {
				buf_printf(b, "out\t%s\t%s\t%zu\t", inc->key[k][i],
				    inc->rec[k][i].ohash, inc->rec[k][i].size);
				put_stat(b, staging, rel, inc->rec[k][i].st);
				buf_printf(b, "%s\n", rel);
				if (inc->rec[k][i].pages >= 0)
					buf_printf(b, "pp\t%ld\t%s\n",
					    inc->rec[k][i].pages, rel);
			}
			free(rel);
		}
	}
	for (i = 0; i < inc->nnamed; i++)
		if (inc->named_rec[i].set) {
			buf_printf(b, "out\t%s\t%s\t%zu\t", inc->with_pdf ?
			    inc->corpus_key_pdf : inc->corpus_key,
			    inc->named_rec[i].ohash, inc->named_rec[i].size);
			put_stat(b, staging, inc->named[i],
			    inc->named_rec[i].st);
			buf_printf(b, "%s\n", inc->named[i]);
		}
	/* corpus.xml under its digest, and what the corpus pages took of
	 * it (incr_corpus_carry) */
	if (inc->cx_digest[0] && inc->cx_value[0]) {
		if (inc->cx_rec.set) {
			buf_printf(b, "out\t%s\t%s\t%zu\t", inc->cx_digest,
			    inc->cx_rec.ohash, inc->cx_rec.size);
			put_stat(b, staging, CORPUS_XML, inc->cx_rec.st);
			buf_printf(b, "%s\n", CORPUS_XML);
		}
		buf_printf(b, "cx\t%s\t%s\n", inc->cx_digest, inc->cx_value);
	}
	/* the document-local filters' findings (incrfilters.c), the
	 * links' and the bodies' records: gathered beside the pages, or
	 * now */
	if (inc->ahead_done) {
		out_append(&o, inc->ahead.b.data, inc->ahead.b.len);
		buf_free(&inc->ahead.b);
		inc->ahead_done = 0;
	} else {
		incr_filters_write(pipeline_filters_memo(inc->pl), &o);
		incr_links_write(inc->pl, &o);
		incr_parse_write(inc->pl, &o);
	}
	incr_model_write(pipeline_model_memo(inc->pl), inc->dochash, &o);
	/* the search index's parts: each an "out" record and the tree
	 * hashes of its lines (incrsearch.c) */
	for (i = 0; i < inc->nparts; i++) {
		const search_part *sp = &inc->parts[i];
		buf_printf(b, "out\t%s\t%s\t%zu\t", sp->key, sp->ohash,
		    sp->size);
		put_stat(b, staging, sp->rel, sp->st);
		buf_printf(b, "%s\nse\t%s\t", sp->rel, sp->rel);
		buf_puts(b, sp->hashes);
		buf_putc(b, '\n');
		incr_out_room(&o);
	}
	out_flush(&o);
	incr_hash_hex(&o.h, sum);
	buf_printf(b, "sum %s\n", sum);
	out_flush(&o);
	if (o.f)
		(void)fclose(o.f);
	buf_free(b);
	return 0;
}

void
incr_end(incr *inc)
{
	size_t i, k;

	if (!inc)
		return;
	last_stats.reused = atomic_load(&inc->reused);
	last_stats.made = atomic_load(&inc->made);
	last_stats.unread = atomic_load(&inc->unread);
	if (inc->lockfd >= 0)
		close(inc->lockfd);   /* releases the flock */
	for (i = 0; i < inc->nold; i++)
		free(inc->old[i].rel);
	free(inc->old);
	for (k = 0; k < INCR_NKINDS; k++) {
		free(inc->key[k]);
		free(inc->rec[k]);
	}
	for (i = 0; i < inc->nnamed; i++)
		free(inc->named[i]);
	free(inc->named);
	free(inc->named_rec);
	if (inc->ahead_done)
		buf_free(&inc->ahead.b);
	free(inc->dochash);
	free(inc->srchash);
	free(inc->out);
	for (i = 0; i < inc->nparts; i++) {
		free(inc->parts[i].rel);
		free(inc->parts[i].hashes);
	}
	free(inc->parts);
	incr_search_free(inc->search);
	/* the cache's text, read for this build: every reader is done */
	incr_cache_text_free(*pipeline_cache_slot(inc->pl));
	*pipeline_cache_slot(inc->pl) = NULL;
	if (pipeline_corpus(inc->pl)) {
		/* the link records kept pointed into it (incrlinks.c) */
		corpus *c = pipeline_corpus(inc->pl);
		free(c->link_raw);
		free(c->link_raw_len);
		c->link_raw = NULL;
		c->link_raw_len = NULL;
		c->link_raw_order = 0;
		c->neigh_ready = 0;   /* made again by the next build's keys */
	}
	for (i = 0; i < inc->ndirs; i++) {
		if (inc->dirs[i].out_fd >= 0)
			close(inc->dirs[i].out_fd);
		if (inc->dirs[i].staging_fd >= 0)
			close(inc->dirs[i].staging_fd);
		free(inc->dirs[i].dir);
	}
	free(inc->dirs);
	free(inc->dirs_staging);
	free(inc->kept);
	if (inc->out_fd >= 0)
		close(inc->out_fd);
	pthread_mutex_destroy(&inc->dirs_lock);
	pthread_mutex_destroy(&inc->named_lock);
	free(inc);
}
