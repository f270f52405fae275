/*
 * git/history.c — a project's release history, read from git in process
 * with libgit2, in the pipeline's check stage (history_judge), before any
 * back end.  A release is a tag matching the project's patterns (policyc.yaml
 * `history: { tags: [...] }`, default v* and release-*) or, with none,
 * each commit that changed the content folder.  Each release's content
 * tree gives every document's blob; documents are followed from release
 * to release by path, and across renames by blob or by shared
 * paragraphs; each version whose text changed gets a word-level diff by
 * section (worddiff.c).  The result is one XML tree, cached in the git
 * folder keyed by HEAD, the tag set and the settings, so a build whose
 * history has not changed reads one file; a build that must make it
 * anew makes it in a child process and reads the child's tree back as
 * it would the cache (compute_apart says why).  From it the check stage adds
 * generated amendments and reports amendment-missing; the model stage
 * hangs <changes> on each document's tree as it is made
 * (history_model_doc, from any worker) and <releases> on corpus.xml once
 * it is whole (history_model_corpus), so a site build still makes one
 * tree at a time.  Outside git, on a shallow clone or with no tags the
 * history is what git has, or absent.  This is the git module's part
 * (policyc-git.so): the core's history.c reads the settings, looks for
 * a ".git" and calls history_judge_repo through the module's table
 * (gitmodule.c), and hangs the tree on the documents.  The --as-of and
 * --archive helpers are in git/releases.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "date.h"
#include "changed.h"
#include "document.h"
#include "fsio.h"
#include "history.h"
#include "gitint.h"
#include "gitmodule.h"
#include "module.h"
#include "strtab.h"
#include "util.h"
#include "wire.h"
#include "worddiff.h"
#include "xmlnode.h"
#include "xmlread.h"

/* Bumped when the cached tree's form changes. */
#define CACHE_FORM "3"

static history_options opts;   /* as the core's history_judge passed them */

/* ---- reading the repository ---- */

typedef struct {
	char *path;
	git_oid oid;
} hfile;

typedef struct {
	hfile *f;
	size_t n;
} snapshot;

typedef struct {
	git_repository *repo;
	char *content;             /* content folder in the repo tree; "" top */
	hrel *rels;
	size_t nrels;
	snapshot *snaps;
	strtab *text_ix;           /* blob id → texts[] */
	wd_text **texts;
	size_t ntexts;
} reader;

static wd_text *
text_of(reader *r, const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];
	long k;
	git_blob *b = NULL;

	git_oid_tostr(hex, sizeof hex, oid);
	if ((k = strtab_get(r->text_ix, hex)) >= 0)
		return r->texts[k];
	r->texts = xrealloc(r->texts, (r->ntexts + 1) * sizeof *r->texts);
	if (git_blob_lookup(&b, r->repo, oid) == 0)
		r->texts[r->ntexts] = worddiff_text(git_blob_rawcontent(b),
		    (size_t)git_blob_rawsize(b));
	else
		r->texts[r->ntexts] = worddiff_text("", 0);
	git_blob_free(b);
	strtab_put(r->text_ix, hex, (long)r->ntexts);
	return r->texts[r->ntexts++];
}

typedef struct {
	snapshot *s;
} walk_ctx;

static int
on_entry(const char *root, const git_tree_entry *e, void *payload)
{
	walk_ctx *w = payload;
	const char *name = git_tree_entry_name(e);

	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		/* hidden folders are no documents, as fsio_list_markdown
		 * says */
		return name[0] == '.' ? 1 : 0;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    !str_has_suffix(name, ".md"))
		return 0;
	w->s->f = xrealloc(w->s->f, (w->s->n + 1) * sizeof *w->s->f);
	w->s->f[w->s->n].path = xasprintf("%s%s", root, name);
	git_oid_cpy(&w->s->f[w->s->n].oid, git_tree_entry_id(e));
	w->s->n++;
	return 0;
}

/* The content folder's tree of a commit; NULL when it has none. */
static git_tree *
content_tree(git_repository *repo, const git_oid *commit, const char *content)
{
	git_commit *c = NULL;
	git_tree *t = NULL, *sub = NULL;
	git_tree_entry *e = NULL;

	if (git_commit_lookup(&c, repo, commit) != 0 ||
	    git_commit_tree(&t, c) != 0)
		goto out;
	if (!*content) {
		sub = t;
		t = NULL;
	} else if (git_tree_entry_bypath(&e, t, content) == 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_tree_lookup(&sub, repo, git_tree_entry_id(e));
out:
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	return sub;
}

int
history_content_oid(git_repository *repo, const git_oid *commit,
    const char *content, git_oid *out)
{
	git_tree *t = content_tree(repo, commit, content);

	if (!t)
		return -1;
	git_oid_cpy(out, git_tree_id(t));
	git_tree_free(t);
	return 0;
}

static void
read_snapshot(reader *r, size_t i)
{
	git_tree *t = content_tree(r->repo, &r->rels[i].commit, r->content);
	walk_ctx w = { &r->snaps[i] };

	if (t)
		git_tree_walk(t, GIT_TREEWALK_PRE, on_entry, &w);
	git_tree_free(t);
}

/* ---- following documents from release to release ---- */

enum { CH_ADDED, CH_CHANGED, CH_RENAMED };

typedef struct {
	size_t rel;
	const char *path, *from;
	git_oid oid, prev;
	int change;
} hstep;

typedef struct {
	hstep *s;
	size_t n;
	const char *path;          /* at the latest release it was in */
	git_oid oid;
	int alive, seen;
} hline;

typedef struct {
	hline *l;
	size_t n;
} lines;

static void
step(hline *l, size_t rel, const hfile *f, int change)
{
	hstep *s;

	l->s = xrealloc(l->s, (l->n + 1) * sizeof *l->s);
	s = &l->s[l->n++];
	s->rel = rel;
	s->path = f->path;
	s->from = change == CH_RENAMED ? l->path : NULL;
	git_oid_cpy(&s->prev, &l->oid);
	git_oid_cpy(&s->oid, &f->oid);
	s->change = change;
	l->path = f->path;
	git_oid_cpy(&l->oid, &f->oid);
}

/* The removed lineage an added file continues (a rename), or -1: the same
 * blob, else the most paragraphs in common (half at least).  Texts are
 * compared only while the pairs are few (a reorganisation of hundreds of
 * files is matched by blob alone). */
static long
rename_of(reader *r, lines *L, const long *removed, size_t nrem,
    size_t nadd, const hfile *f)
{
	size_t k;
	long best = -1;
	double best_sim = 0.5;

	for (k = 0; k < nrem; k++)
		if (removed[k] >= 0 &&
		    git_oid_equal(&L->l[removed[k]].oid, &f->oid))
			return (long)k;
	if (nrem * nadd > 400)
		return -1;
	for (k = 0; k < nrem; k++) {
		double sim;

		if (removed[k] < 0)
			continue;
		sim = worddiff_similarity(text_of(r, &L->l[removed[k]].oid),
		    text_of(r, &f->oid));
		if (sim >= best_sim) {
			best_sim = sim;
			best = (long)k;
		}
	}
	return best;
}

static void
follow_release(reader *r, lines *L, strtab **cur, size_t rel)
{
	snapshot *s = &r->snaps[rel];
	strtab *next = strtab_new(s->n + 16);
	size_t i, nadd = 0, nrem = 0;
	size_t *added = xcalloc(s->n + 1, sizeof *added);
	long *removed;

	for (i = 0; i < L->n; i++)
		L->l[i].seen = 0;
	for (i = 0; i < s->n; i++) {
		long k = strtab_get(*cur, s->f[i].path);

		if (k < 0) {
			added[nadd++] = i;
			continue;
		}
		L->l[k].seen = 1;
		if (!git_oid_equal(&L->l[k].oid, &s->f[i].oid))
			step(&L->l[k], rel, &s->f[i], CH_CHANGED);
		strtab_put(next, s->f[i].path, k);
	}
	removed = xcalloc(L->n + 1, sizeof *removed);
	for (i = 0; i < L->n; i++)
		if (L->l[i].alive && !L->l[i].seen)
			removed[nrem++] = (long)i;
	for (i = 0; i < nadd; i++) {
		const hfile *f = &s->f[added[i]];
		long k = nrem ? rename_of(r, L, removed, nrem, nadd, f) : -1;
		hline *l;

		if (k >= 0) {
			l = &L->l[removed[k]];
			removed[k] = -1;
			step(l, rel, f, CH_RENAMED);
			strtab_put(next, f->path, (long)(l - L->l));
			continue;
		}
		L->l = xrealloc(L->l, (L->n + 1) * sizeof *L->l);
		l = &L->l[L->n];
		memset(l, 0, sizeof *l);
		l->alive = 1;
		step(l, rel, f, CH_ADDED);
		strtab_put(next, f->path, (long)L->n++);
	}
	for (i = 0; i < nrem; i++)
		if (removed[i] >= 0) {
			L->l[removed[i]].alive = 0;
			r->rels[rel].removed = xrealloc(r->rels[rel].removed,
			    (r->rels[rel].nremoved + 1) * sizeof(char *));
			r->rels[rel].removed[r->rels[rel].nremoved++] =
			    L->l[removed[i]].path;
		}
	free(removed);
	free(added);
	strtab_free(*cur);
	*cur = next;
}

/* ---- the history as XML ---- */

static const char *const change_names[] = { "added", "changed", "renamed" };

static void
version_xml(reader *r, xmlNodePtr line, const hstep *s)
{
	const hrel *rel = &r->rels[s->rel];
	xmlNodePtr v = child(line, "version");
	char hex[GIT_OID_HEXSZ + 1];
	wd_text *now = text_of(r, &s->oid);

	set_attr(v, "tag", rel->tag);
	set_attr(v, "date", rel->date);
	git_oid_tostr(hex, sizeof hex, &rel->commit);
	set_attr(v, "commit", hex);
	set_attr(v, "path", s->path);
	set_attr(v, "change", change_names[s->change]);
	if (s->from)
		set_attr(v, "from", s->from);
	if (now->version)
		set_attr(v, "version", now->version);
	if (s->change != CH_ADDED) {
		wd_text *was = text_of(r, &s->prev);
		char *sum = NULL;

		if (was->version)
			set_attr(v, "previous-version", was->version);
		if (!git_oid_equal(&s->prev, &s->oid))
			sum = worddiff_xml(was, now, v);
		set_attr(v, "text", sum ? "changed" : "same");
		if (sum) {
			/* the summary first: the diff was appended above */
			xmlNodePtr t = xmlNewNode(NULL, X("summary"));
			add_text(t, sum);
			if (v->children)
				xmlAddPrevSibling(v->children, t);
			else
				xmlAddChild(v, t);
			free(sum);
		}
	}
}

static xmlDocPtr
build_xml(reader *r, lines *L, const char *key, int shallow)
{
	xmlDocPtr x = xmlNewDoc(X("1.0"));
	xmlNodePtr root = xmlNewNode(NULL, X("history")), rels;
	size_t i, j;
	char hex[GIT_OID_HEXSZ + 1];

	xmlDocSetRootElement(x, root);
	set_attr(root, "key", key);
	if (shallow)
		set_attr(root, "shallow", "yes");
	rels = child(root, "releases");
	for (i = 0; i < r->nrels; i++) {
		xmlNodePtr n = child(rels, "release");
		set_attr(n, "tag", r->rels[i].tag);
		set_attr(n, "date", r->rels[i].date);
		git_oid_tostr(hex, sizeof hex, &r->rels[i].commit);
		set_attr(n, "commit", hex);
		set_attr_int(n, "documents", (long)r->snaps[i].n);
		for (j = 0; j < r->rels[i].nremoved; j++)
			set_attr(child(n, "removed"), "path",
			    r->rels[i].removed[j]);
	}
	for (i = 0; i < L->n; i++) {
		const hline *l = &L->l[i];
		xmlNodePtr n;

		if (!l->alive)
			continue;
		n = child(root, "lineage");
		set_attr(n, "path", l->path);
		git_oid_tostr(hex, sizeof hex, &l->oid);
		set_attr(n, "oid", hex);
		for (j = l->n; j-- > 0;)      /* newest first, as amendments */
			version_xml(r, n, &l->s[j]);
	}
	return x;
}

static void
reader_free(reader *r)
{
	size_t i, j;

	/* the releases are the caller's */
	for (i = 0; i < r->nrels; i++) {
		for (j = 0; j < r->snaps[i].n; j++)
			free(r->snaps[i].f[j].path);
		free(r->snaps[i].f);
	}
	free(r->snaps);
	for (i = 0; i < r->ntexts; i++)
		worddiff_text_free(r->texts[i]);
	free(r->texts);
	strtab_free(r->text_ix);
}

static xmlDocPtr
compute(git_repository *repo, const char *content, hrel *rels, size_t nrels,
    const char *key, int shallow)
{
	reader r;
	lines L = { NULL, 0 };
	strtab *cur = strtab_new(64);
	xmlDocPtr x;
	size_t i;

	memset(&r, 0, sizeof r);
	r.repo = repo;
	r.content = (char *)content;
	r.rels = rels;
	r.nrels = nrels;
	r.snaps = xcalloc(nrels ? nrels : 1, sizeof *r.snaps);
	r.text_ix = strtab_new(256);
	for (i = 0; i < nrels; i++) {
		read_snapshot(&r, i);
		follow_release(&r, &L, &cur, i);
	}
	x = build_xml(&r, &L, key, shallow);
	strtab_free(cur);
	for (i = 0; i < L.n; i++)
		free(L.l[i].s);
	free(L.l);
	reader_free(&r);
	return x;
}

/* ---- the cache ---- */

static char *
cache_path(git_repository *repo, const char *content)
{
	git_oid id;
	char hex[13];

	/* one file per project folder of the repository */
	git_odb_hash(&id, content, strlen(content), GIT_OBJECT_BLOB);
	git_oid_tostr(hex, sizeof hex, &id);
	return xasprintf("%spolicyc-history-%s.xml",
	    git_repository_path(repo), hex);
}

static xmlDocPtr
cache_read(const char *path, const char *key)
{
	xmlDocPtr x;
	char *k;

	if (!fsio_exists(path))
		return NULL;
	x = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!x)
		return NULL;
	k = xmlread_attr(xmlDocGetRootElement(x), "key");
	if (!k || strcmp(k, key)) {
		free(k);
		xmlFreeDoc(x);
		return NULL;
	}
	free(k);
	return x;
}

static void
cache_write(const char *path, xmlDocPtr x)
{
	xmlChar *mem = NULL;
	int len = 0;

	/* fsio_write is atomic (temporary file and rename): a build that
	 * stops half way never leaves half a cache; a read-only repository
	 * just goes without */
	xmlDocDumpMemoryEnc(x, &mem, &len, "UTF-8");
	if (mem)
		(void)fsio_write(path, (const char *)mem, (size_t)len);
	xmlFree(mem);
}

/* ---- judging the documents ---- */

/* The line of version: in the front matter, else its first line. */
static int
version_line(const document *d)
{
	const char *s = d->source, *e = s ? s + d->source_len : NULL;
	int line = 1;

	if (!s || !d->meta_line)
		return d->meta_line > 0 ? d->meta_line : 1;
	while (s < e) {
		if (line > d->meta_line && !strncmp(s, "version:", 8))
			return line;
		if (line > d->meta_line && (!strncmp(s, "---", 3) ||
		    !strncmp(s, "...", 3)))
			break;
		s = memchr(s, '\n', (size_t)(e - s));
		if (!s)
			break;
		s++;
		line++;
	}
	return d->meta_line;
}

static int
attr_is(xmlNodePtr n, const char *name, const char *value)
{
	char *v = xmlread_attr(n, name);
	int same = v && value && !strcmp(v, value);

	free(v);
	return same;
}

/* A hand-written amendment dated after lo (exclusive; NULL: any) and on
 * or before hi? */
static int
covered(const document *d, const char *lo, const char *hi)
{
	size_t i;

	for (i = 0; i < d->namendments; i++) {
		const meta_amendment *a = &d->amendments[i];
		if (a->generated || !a->date)
			continue;
		if ((!lo || strcmp(a->date, lo) > 0) && strcmp(a->date, hi) <= 0)
			return 1;
	}
	return 0;
}

static int
amend_cmp(const void *a, const void *b)
{
	const meta_amendment *x = a, *y = b;

	/* newest first; undated last; at one date the hand-written first */
	if (!x->date || !y->date)
		return !x->date - !y->date;
	if (strcmp(x->date, y->date))
		return strcmp(y->date, x->date);
	return x->generated - y->generated;
}

/* Generated amendments: each release where the text changed and no
 * hand-written entry covers it. */
static void
generate_amendments(document *d, xmlNodePtr line)
{
	xmlNodePtr v, older;
	size_t added = 0;

	for (v = xmlread_child(line, "version"); v;
	    v = xmlread_next(v, "version")) {
		char *date, *lo = NULL, *tag, *sum;
		meta_amendment *a;

		if (!attr_is(v, "text", "changed"))
			continue;
		date = xmlread_attr(v, "date");
		older = xmlread_next(v, "version");
		if (older)
			lo = xmlread_attr(older, "date");
		if (covered(d, lo, date)) {
			free(date);
			free(lo);
			continue;
		}
		tag = xmlread_attr(v, "tag");
		sum = xmlread_child_text(v, "summary");
		d->amendments = xrealloc(d->amendments,
		    (d->namendments + 1) * sizeof *d->amendments);
		a = &d->amendments[d->namendments++];
		memset(a, 0, sizeof *a);
		a->date = date;
		a->summary = xasprintf("Changed in %s: %s", tag,
		    sum ? sum : "");
		a->generated = 1;
		added++;
		free(tag);
		free(sum);
		free(lo);
	}
	if (added)
		qsort(d->amendments, d->namendments, sizeof *d->amendments,
		    amend_cmp);
}

static wd_text *
blob_text(git_repository *repo, const char *hex)
{
	git_oid oid;
	git_blob *b = NULL;
	wd_text *t = NULL;

	if (repo && git_oid_fromstr(&oid, hex) == 0 &&
	    git_blob_lookup(&b, repo, &oid) == 0)
		t = worddiff_text(git_blob_rawcontent(b),
		    (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return t;
}

/* amendment-missing: the text changed since the last release (or in the
 * last release, when the file is as released) and version: did not. */
static void
judge_version(history *h, const document *d, xmlNodePtr line, diag_set *ds)
{
	char *oid_hex = xmlread_attr(line, "oid");
	xmlNodePtr last = xmlread_child(line, "version");
	git_oid w;
	char whex[GIT_OID_HEXSZ + 1];

	git_odb_hash(&w, d->source ? d->source : "", d->source_len,
	    GIT_OBJECT_BLOB);
	git_oid_tostr(whex, sizeof whex, &w);
	if (oid_hex && !strcmp(whex, oid_hex)) {
		char *ver, *tag;

		if (!last || !attr_is(last, "text", "changed"))
			goto out;
		ver = xmlread_attr(last, "version");
		tag = xmlread_attr(last, "tag");
		if (ver && attr_is(last, "previous-version", ver))
			diag_report(ds, R_AMENDMENT_MISSING, d->path,
			    version_line(d), 1, "the text changed in release "
			    "%s but version: stayed \"%s\"; give each "
			    "released change a new version", tag, ver);
		free(ver);
		free(tag);
	} else if (oid_hex && d->version && d->source) {
		wd_text *was = blob_text(h->repo, oid_hex);
		wd_text *now = worddiff_text(d->source, d->source_len);
		char *tag = last ? xmlread_attr(last, "tag") : NULL;

		if (was && was->version && !strcmp(was->version, d->version) &&
		    !worddiff_equal(was, now))
			diag_report(ds, R_AMENDMENT_MISSING, d->path,
			    version_line(d), 1, "the text has changed since "
			    "release %s but version: is still \"%s\"",
			    tag ? tag : "?", d->version);
		free(tag);
		worddiff_text_free(was);
		worddiff_text_free(now);
	}
out:
	free(oid_hex);
}

static void
index_lines(history *h)
{
	xmlNodePtr root = xmlDocGetRootElement(h->x), n;

	h->by_path = strtab_new(256);
	for (n = xmlread_child(root, "lineage"); n;
	    n = xmlread_next(n, "lineage")) {
		char *path = xmlread_attr(n, "path");
		h->lines = xrealloc(h->lines, (h->nlines + 1) * sizeof *h->lines);
		h->lines[h->nlines] = n;
		if (path)
			strtab_put(h->by_path, path, (long)h->nlines);
		h->nlines++;
		free(path);
	}
}

/* ---- made in a child ---- */

/* Only this thread runs: a fork copies one thread, and a lock another
 * held (libxml2's, the diagnostics') would stay held in the child. */
static int
single_threaded(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int threads = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &threads) == 1)
			break;
	fclose(f);
	return threads == 1;
}

/*
 * The history tree made in a child process, which lists the releases
 * when there are no tags, follows every document through them, writes
 * the cache and sends the tree's bytes; the parent reads them as it
 * reads the cache.  Making it walks every release's tree with libgit2,
 * reading each document's blobs and diffing their words: at 50,000
 * documents that left the build's process ~900 MB larger (freed, but
 * scattered through its heap), and every stage after it — the filters'
 * children forked from it, corpus.xml, the pages — ran up to twice as
 * slowly as the same build with the history cached.  The child's heap
 * goes with it.  NULL when the child cannot be made or fails (the
 * caller then makes the tree here, as before), or when other threads
 * run (editions side by side).
 */
static xmlDocPtr
compute_apart(git_repository *repo, char **pats, const char *content,
    hrel *rels, size_t n, const char *full, int shallow, const char *cpath)
{
	int fd[2], st;
	pid_t pid;
	buf b;
	char chunk[65536];
	ssize_t r;
	xmlDocPtr x = NULL;

	if (!single_threaded() || pipe(fd) != 0)
		return NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return NULL;
	}
	if (pid == 0) {
		xmlChar *mem = NULL;
		int len = 0;
		char *key = NULL;

		close(fd[0]);
		if (!n) {
			rels = history_list_releases(repo, pats, content,
			    opts.as_of, &n, &key, &shallow);
		}
		x = compute(repo, content, rels, n, full, shallow);
		if (!opts.as_of)
			cache_write(cpath, x);
		xmlDocDumpMemoryEnc(x, &mem, &len, "UTF-8");
		_exit(mem && len > 0 &&
		    wire_write_all(fd[1], (const char *)mem, (size_t)len) == 0 ?
		    0 : 1);
	}
	close(fd[1]);
	buf_init(&b);
	while ((r = read(fd[0], chunk, sizeof chunk)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		buf_putn(&b, chunk, (size_t)r);
	}
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && b.len)
		x = xmlReadMemory(b.data, (int)b.len, NULL, "UTF-8",
		    XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOERROR |
		    XML_PARSE_NOWARNING);
	buf_free(&b);
	return x;
}

/* The history tree of the repository: from the cache when HEAD, the tags
 * and the settings are as they were, else made (in a child when it can
 * be) and cached. */
static xmlDocPtr
load_tree(git_repository *repo, char **pats, const char *content,
    diag_set *ds)
{
	hrel *rels;
	size_t n, held;
	char *key, *full, *cpath;
	int shallow;
	xmlDocPtr x;

	/* the tags (and HEAD) key the cache; with no tags the walk back
	 * from HEAD is made only when the cache does not hold it */
	rels = history_list_tags(repo, pats, content, opts.as_of, &n,
	    &key, &shallow);
	full = xasprintf("%s|%s", CACHE_FORM, key);
	cpath = cache_path(repo, content);
	/* a build of the past (--as-of) neither reads nor replaces the
	 * cache of the present */
	x = opts.as_of ? NULL : cache_read(cpath, full);
	if (!x)
		x = compute_apart(repo, pats, content, rels, n, full, shallow,
		    cpath);
	if (x) {
		xmlNodePtr root = xmlDocGetRootElement(x), r;
		shallow = attr_is(root, "shallow", "yes");
		held = 0;
		for (r = xmlread_child(xmlread_child(root, "releases"),
		    "release"); r; r = xmlread_next(r, "release"))
			held++;
	} else {
		if (!n) {
			history_free_releases(rels, n);
			free(key);
			rels = history_list_releases(repo, pats, content,
			    opts.as_of, &n, &key, &shallow);
		}
		x = compute(repo, content, rels, n, full, shallow);
		if (!opts.as_of)
			cache_write(cpath, x);
		held = n;
	}
	if (shallow)
		diag_report(ds, R_HISTORY_UNAVAILABLE, "", 0, 0,
		    "a shallow clone: the release history holds only the %zu "
		    "release%s whose commits this checkout has (fetch the "
		    "whole history, e.g. fetch-depth: 0, for all)", held,
		    held == 1 ? "" : "s");
	free(cpath);
	free(full);
	free(key);
	history_free_releases(rels, n);
	return x;
}

/* The release history of the project's repository, judged
 * (amendment-missing) and with generated amendments, for the core's
 * history_judge, which has read the settings and found a ".git" (the
 * table's judge, gitmodule.h). */
history *
history_judge_repo(corpus *c, diag_set *ds, const history_options *o,
    char **pats, int explicit_)
{
	const project *p = c->project;
	char *prefix = NULL, *content;
	git_repository *repo = NULL;
	history *h = NULL;
	size_t i;

	opts = *o;
	git_libgit2_init();
	if (changed_repo_open(opts.repo_dir ? opts.repo_dir : p->dir, &repo,
	    &prefix) != 0) {
		if (explicit_)
			diag_report(ds, R_HISTORY_UNAVAILABLE, "", 0, 0,
			    "the project is not in a git repository: no "
			    "release history");
		goto shut;
	}
	/* auto: a policy repository of its own; a project in a folder of
	 * a larger repository asks for it (history: on) */
	if (!explicit_ && prefix[0])
		goto shut;
	content = history_content_path(prefix, p->content);
	h = xcalloc(1, sizeof *h);
	h->repo = repo;
	h->x = load_tree(repo, pats, content, ds);
	free(content);
	index_lines(h);
	for (i = 0; i < c->ndocs; i++) {
		document *d = c->docs[i];
		long k = d->relpath ? strtab_get(h->by_path, d->relpath) : -1;

		int read;

		if (k < 0 || d->broken)
			continue;
		read = corpus_source_need(c, i);   /* bounded: read again */
		generate_amendments(d, h->lines[k]);
		judge_version(h, d, h->lines[k], ds);
		corpus_source_done(c, i, read);
	}
	h->repo = NULL;
shut:
	git_repository_free(repo);
	git_libgit2_shutdown();
	free(prefix);
	return h;
}

/* What the core looks up in policyc-git.so (gitmodule.c). */
const git_module policyc_git = {
	MODULE_BUILD_ID, history_judge_repo, history_releases_repo,
	history_checkout_repo, changed_since_repo,
};
