/*
 * standby.c — the documents of `policyc serve`'s next build, parsed
 * before the save that asks for it (standby.h says when a parse is
 * taken).  standby_make scans the project as pipeline_load does
 * (pipeline_scan) and parses every document on the build's workers,
 * each into a diagnostics set of its own and between two stats of its
 * file; the build's load stage asks standby_take for each path it
 * scanned.  The standby's project outlives the documents taken from it
 * (a document's parse read it), so standby_free comes last.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "date.h"
#include "corpus.h"
#include "incremental.h"
#include "jobs.h"
#include "standby.h"
#include "strtab.h"
#include "util.h"

typedef struct {
	document *d;         /* NULL once taken, or not parsed */
	diag_set *ds;        /* what its parse reported */
	struct stat st;      /* its file before and after the parse */
	int ok;              /* the stats agree and are not racy */
	atomic_int taken;
} entry;

struct standby {
	pipeline *pl;        /* owns the project the parses read */
	int linked;          /* standby_link_ahead ran */
	char world[33];      /* the link world it linked in, or "" */
	diag_set *quiet;     /* pl's reports (the build makes its own) */
	char **rel;
	size_t n;
	entry *e;
	strtab *by_rel;      /* rel -> index into e */
	long long t0;        /* when the standby began, ns of CLOCK_REALTIME */
	long long margin;    /* racy: changed later than t0 - margin */
	atomic_size_t ntaken;
};

/* The same file, unchanged, by everything stat says of it. */
static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_mode == b->st_mode && a->st_size == b->st_size &&
	    date_timespec_ns(&a->st_mtim) == date_timespec_ns(&b->st_mtim) &&
	    date_timespec_ns(&a->st_ctim) == date_timespec_ns(&b->st_ctim);
}

/* Changed too close to the standby's start (or after it) for its stat
 * to vouch for it. */
static int
racy(const standby *s, const struct stat *st)
{
	return date_timespec_ns(&st->st_mtim) > s->t0 - s->margin ||
	    date_timespec_ns(&st->st_ctim) > s->t0 - s->margin;
}

static void
parse_one(void *arg, size_t i, int worker)
{
	standby *s = arg;
	const project *p = pipeline_project(s->pl);
	entry *e = &s->e[i];
	char *path = path_join(p->content, s->rel[i]);
	char *abs = path_join(p->dir, path);
	struct stat after;
	int before_ok;

	(void)worker;
	before_ok = stat(abs, &e->st) == 0;
	e->ds = diag_new_like(s->quiet);
	e->d = document_load(p, path, s->rel[i], e->ds);
	e->ok = before_ok && !e->d->broken && stat(abs, &after) == 0 &&
	    same_file(&e->st, &after) && !racy(s, &e->st);
	free(abs);
	free(path);
}

standby *
standby_make(const pipeline_options *o)
{
	return standby_make_margin(o, STANDBY_RACY_NS);
}

standby *
standby_make_margin(const pipeline_options *o, long long racy_ns)
{
	standby *s = xcalloc(1, sizeof *s);
	pipeline_options po;
	const project *p;
	struct timespec now;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &now);
	s->t0 = date_timespec_ns(&now);
	s->margin = racy_ns;
	memset(&po, 0, sizeof po);
	po.dir = o->dir;
	po.jobs = o->jobs;
	s->quiet = diag_new();
	s->pl = pipeline_open(&po, s->quiet);
	s->n = pipeline_scan(s->pl, &s->rel);
	p = pipeline_project(s->pl);
	if (!p || yval_get(p->config, "extends") ||
	    pipeline_bounded_wanted(s->n)) {
		standby_free(s);
		return NULL;
	}
	s->e = xcalloc(s->n ? s->n : 1, sizeof *s->e);
	s->by_rel = strtab_new(s->n);
	for (i = 0; i < s->n; i++)
		strtab_put(s->by_rel, s->rel[i], (long)i);
	jobs_run(s->n, po.jobs > 0 ? po.jobs : jobs_default(), parse_one, s);
	return s;
}

static void
view_one(void *arg, size_t i, int worker)
{
	standby *s = arg;

	(void)worker;
	if (s->e[i].d && s->e[i].d->prelink)
		incr_filters_view(s->e[i].d);
}

void
standby_link_ahead(standby *s, const pipeline_options *build)
{
	pipeline_options po;
	pipeline *ahead;
	diag_set *ahead_ds;
	corpus *c;
	char **ids;
	size_t i;

	if (!s || s->linked)
		return;
	s->linked = 1;
	po = *build;
	po.standby = s;
	po.link_ahead = 1;
	po.timings = 0;
	ahead_ds = diag_new();
	ahead = pipeline_open(&po, ahead_ds);
	/* the load judges ids and may change one (id-invalid,
	 * id-duplicate): the build judges them again from the ids read */
	ids = xcalloc(s->n + 1, sizeof *ids);
	for (i = 0; i < s->n; i++)
		if (s->e[i].d && s->e[i].d->id)
			ids[i] = xstrdup(s->e[i].d->id);
	if (pipeline_load(ahead) == PIPELINE_OK && (c = pipeline_corpus(ahead))) {
		/* a project folder too large to list on each save has no
		 * world (prelink_world): its parses go back unlinked, for the
		 * build to take as parsed */
		if (*pipeline_link_world(ahead) &&
		    pipeline_link(ahead) == PIPELINE_OK)
			memcpy(s->world, pipeline_link_world(ahead),
			    sizeof s->world);
		for (i = 0; i < c->ndocs; i++) {
			document *d = c->docs[i];
			long k = d ? strtab_get(s->by_rel, d->relpath) : -1;
			entry *e = k >= 0 ? &s->e[k] : NULL;
			if (!e || e->d || !ids[k])
				continue;   /* parsed by the load itself */
			free(d->id);
			d->id = ids[k];
			ids[k] = NULL;
			e->d = d;
			atomic_store(&e->taken, 0);
			c->docs[i] = NULL;
		}
	}
	/* the rest goes: the documents given back borrow nothing of it
	 * (their parses read the standby's project), and what it did not
	 * give back (parsed by its own load) is parsed again by the build */
	pipeline_free(ahead);
	diag_free(ahead_ds);
	atomic_store(&s->ntaken, 0);
	/* and the filters' view of each linked tree (incremental.h) */
	if (s->world[0])
		jobs_run(s->n, build->jobs > 0 ? build->jobs : jobs_default(),
		    view_one, s);
	for (i = 0; i < s->n; i++)
		free(ids[i]);
	free(ids);
}

const char *
standby_link_world(const standby *s)
{
	return s && s->world[0] ? s->world : NULL;
}

int
standby_fits(const standby *s, const project *p)
{
	const project *q = s ? pipeline_project(s->pl) : NULL;

	return q && p && q->config_text && p->config_text &&
	    q->config_len == p->config_len &&
	    !memcmp(q->config_text, p->config_text, p->config_len) &&
	    !strcmp(q->dir, p->dir) && !strcmp(q->content, p->content);
}

document *
standby_take(standby *s, const project *p, const char *path,
    const char *rel, diag_set *ds)
{
	long k = strtab_get(s->by_rel, rel);
	struct stat now;
	entry *e;
	char *abs;
	int same;

	if (k < 0)
		return NULL;
	e = &s->e[k];
	if (!e->ok || !e->d || atomic_exchange(&e->taken, 1))
		return NULL;
	if (strcmp(e->d->path, path) != 0)
		return NULL;
	abs = path_join(p->dir, path);
	same = stat(abs, &now) == 0 && same_file(&e->st, &now);
	free(abs);
	if (!same)
		return NULL;
	diag_merge(ds, e->ds);
	atomic_fetch_add(&s->ntaken, 1);
	{
		document *d = e->d;
		e->d = NULL;
		return d;
	}
}

size_t
standby_count(const standby *s)
{
	return s ? s->n : 0;
}

size_t
standby_taken(const standby *s)
{
	return s ? atomic_load(&s->ntaken) : 0;
}

void
standby_free(standby *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; s->e && i < s->n; i++) {
		document_free(s->e[i].d);
		diag_free(s->e[i].ds);
	}
	for (i = 0; i < s->n; i++)
		free(s->rel[i]);
	free(s->rel);
	free(s->e);
	strtab_free(s->by_rel);
	pipeline_free(s->pl);
	diag_free(s->quiet);
	free(s);
}
