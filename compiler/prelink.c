/*
 * prelink.c — serve's documents linked ahead (prelink.h): the record the
 * link pass keeps with a document, and the link world the standby and
 * the build compare before a build takes documents already linked.  The
 * world is hashed with the build cache's hash (incremental.h); the walk
 * of the project folder lists names and kinds only (readdir's d_type,
 * no stat of each file), sorted, so a save that renames a temporary file
 * over a document leaves it as it was.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "document.h"
#include "incremental.h"
#include "prelink.h"
#include "util.h"

/* Past this many names the walk gives up: a folder that large (a
 * node_modules beside the policies) would cost each save more than
 * linking ahead saves.  The bound grows with the documents, whose
 * linking the world saves: WORLD_NAMES_PER_DOC names a document (a
 * project of 50,000 documents lists ~50,000 names in ~0.1 s and saves
 * ~12 s of linking and ~15 s of filter keys on a rebuild).
 * POLICYC_LINK_WORLD_MAX sets another bound (the tests). */
#define WORLD_MAX_NAMES 50000
#define WORLD_NAMES_PER_DOC 8

static size_t
world_max_names(size_t ndocs)
{
	const char *e = getenv("POLICYC_LINK_WORLD_MAX");
	size_t bound = ndocs > WORLD_MAX_NAMES / WORLD_NAMES_PER_DOC ?
	    ndocs * WORLD_NAMES_PER_DOC : WORLD_MAX_NAMES;
	char *end;
	unsigned long v;

	if (!e || !*e)
		return bound;
	v = strtoul(e, &end, 10);
	return *end ? bound : (size_t)v;
}

void
prelink_free(doc_prelink *r)
{
	if (!r)
		return;
	diag_free(r->ds);
	free(r->edges);
	free(r->cites);
	free(r);
}

typedef struct {
	incr_hash *h;
	dev_t out_dev;         /* OUT's folder, whose own entries (OUT, */
	ino_t out_ino;         /* its .tmp- and .old- siblings) are left out */
	const char *out_name;
	int have_out;
	size_t names, max_names;
} walk;

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
left_out(const walk *w, const struct stat *dir, const char *name)
{
	size_t n;

	if (!strcmp(name, ".git"))
		return 1;
	if (!w->have_out || dir->st_dev != w->out_dev ||
	    dir->st_ino != w->out_ino)
		return 0;
	n = strlen(w->out_name);
	return !strncmp(name, w->out_name, n) &&
	    (name[n] == '\0' || name[n] == '.');
}

/* Hashes the names below dir (a path), sorted; 0, or -1 when there are
 * too many. */
static int
walk_dir(walk *w, const char *dir, int depth)
{
	DIR *dp;
	struct dirent *e;
	struct stat st;
	char **names = NULL;
	unsigned char type;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (depth > 64 || stat(dir, &st) != 0 || !(dp = opendir(dir)))
		return 0;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    left_out(w, &st, e->d_name))
			continue;
		if (++w->names > w->max_names) {
			rc = -1;
			break;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			names = xrealloc(names, cap * sizeof *names);
		}
		type = e->d_type;
		if (type == DT_UNKNOWN) {
			char *p = path_join(dir, e->d_name);
			struct stat ls;
			type = lstat(p, &ls) != 0 ? DT_UNKNOWN :
			    S_ISDIR(ls.st_mode) ? DT_DIR : S_ISLNK(ls.st_mode) ?
			    DT_LNK : S_ISREG(ls.st_mode) ? DT_REG : DT_UNKNOWN;
			free(p);
		}
		/* the name, a NUL, then its kind: they sort together */
		names[n++] = xasprintf("%s%c%c", e->d_name, '\0',
		    (char)(type ? type : 255));
	}
	closedir(dp);
	if (rc == 0 && n)
		qsort(names, n, sizeof *names, cmp_name);
	for (i = 0; i < n; i++) {
		const char *name = names[i];
		type = (unsigned char)name[strlen(name) + 1];
		if (rc == 0) {
			char *p = path_join(dir, name);
			incr_hash_str(w->h, name);
			incr_hash_long(w->h, type);
			if (type == DT_LNK) {
				char target[4096];
				ssize_t k = readlink(p, target, sizeof target - 1);
				target[k > 0 ? k : 0] = '\0';
				incr_hash_str(w->h, target);
			} else if (type == DT_DIR) {
				incr_hash_long(w->h, -3);
				rc = walk_dir(w, p, depth + 1);
				incr_hash_long(w->h, -4);
			}
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* The front matter as written: the lines before the body. */
/* The bytes before the body line, as the load hashed them (document.c
 * set_front): from the cache's record of them when the file was taken
 * by its stat, so such a build makes the same world. */
static void
hash_front_matter(incr_hash *h, const document *d)
{
	incr_hash_str(h, d->front_hash);
}

/* What the link pass reads of document d besides its own text, when
 * another document links to it (links_face). */
static void
hash_face(incr_hash *h, const document *d)
{
	size_t k;

	incr_hash_str(h, d->id);
	incr_hash_str(h, d->title);
	incr_hash_str(h, d->type);
	incr_hash_str(h, d->status);
	incr_hash_long(h, d->status_kind);
	incr_hash_str(h, d->superseded_by);
	incr_hash_long(h, d->broken);
	incr_hash_long(h, (long)d->nheadings);
	for (k = 0; k < d->nheadings; k++) {
		incr_hash_long(h, d->headings[k].level);
		incr_hash_str(h, d->headings[k].slug);
		incr_hash_str(h, d->headings[k].text);
	}
}

void
prelink_face(const document *d, char out[33])
{
	incr_hash h;

	incr_hash_init(&h);
	incr_hash_str(&h, "link face 1");
	hash_face(&h, d);
	incr_hash_hex(&h, out);
}

void
prelink_world(const project *p, const char *data_dir, document *const *docs,
    size_t n, int drafts, const char *out, char key[33], char names[33])
{
	incr_hash h, hn, hf;
	walk w;
	char bin[33], files[33], *t, *o, *slash;
	size_t i, k;
	struct stat st;
	int rc;

	incr_hash_init(&h);
	incr_hash_str(&h, "link world 2");
	incr_binary_identity(bin);
	incr_hash_str(&h, bin);
	incr_hash_long(&h, (long)p->config_len);
	if (p->config_text)
		incr_hash_add(&h, p->config_text, p->config_len);
	t = path_join(p->dir, p->glossary_path ? p->glossary_path : "");
	incr_hash_file(&h, "glossary", t);
	free(t);
	t = path_join(data_dir, "data/sources.yaml");
	incr_hash_file(&h, "sources", t);
	free(t);
	incr_hash_long(&h, drafts);
	incr_hash_long(&h, (long)n);
	/* the names world starts as the whole world does, and takes of
	 * each document only what finds it */
	hn = h;
	incr_hash_str(&hn, "names");
	for (i = 0; i < n; i++) {
		const document *d = docs[i];
		if (!d) {
			incr_hash_long(&h, -1);
			incr_hash_long(&hn, -1);
			continue;
		}
		incr_hash_str(&h, d->path);
		incr_hash_str(&h, d->relpath);
		hash_face(&h, d);
		hash_front_matter(&h, d);
		incr_hash_str(&hn, d->path);
		incr_hash_str(&hn, d->relpath);
		incr_hash_str(&hn, d->id);
		incr_hash_long(&hn, d->broken);
		incr_hash_long(&hn, (long)d->naliases);
		for (k = 0; k < d->naliases; k++)
			incr_hash_str(&hn, d->aliases[k].path);
		/* a draft left out is found by its title too (corpus
		 * left_out) */
		if (!drafts && d->status_kind == STATUS_DRAFT) {
			incr_hash_str(&hn, "draft");
			incr_hash_str(&hn, d->title);
		}
	}
	incr_hash_init(&hf);
	memset(&w, 0, sizeof w);
	w.h = &hf;
	w.max_names = world_max_names(n);
	/* OUT's own entries are left out of its folder's listing */
	o = out && stat(out, &st) == 0 ? xstrdup(out) : NULL;
	if (o) {
		size_t ol = strlen(o);
		char *parent;
		while (ol > 1 && o[ol - 1] == '/')
			o[--ol] = '\0';
		slash = strrchr(o, '/');
		parent = slash ? (slash == o ? xstrdup("/") :
		    xstrndup(o, (size_t)(slash - o))) : xstrdup(".");
		if (stat(parent, &st) == 0) {
			w.have_out = 1;
			w.out_dev = st.st_dev;
			w.out_ino = st.st_ino;
			w.out_name = slash ? slash + 1 : o;
		}
		free(parent);
	}
	rc = walk_dir(&w, p->dir, 0);
	free(o);
	if (rc != 0) {
		key[0] = names[0] = '\0';   /* too many names to list */
		return;
	}
	incr_hash_hex(&hf, files);
	incr_hash_str(&h, "files");
	incr_hash_str(&h, files);
	incr_hash_str(&hn, "files");
	incr_hash_str(&hn, files);
	incr_hash_hex(&h, key);
	incr_hash_hex(&hn, names);
}
