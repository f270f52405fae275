/*
 * extends.c — editions: a project that extends a core.  It runs inside
 * pipeline_load: after policyc.yaml is read it follows `extends:` to the
 * chain of cores (nearest first), then plans the documents of the
 * edition — the project's own (added, or replacing a core document of the
 * same id), the cores' it neither replaces nor excludes (`exclude:`), and
 * each overlay (`<id>.local.md`) merged into its core document by
 * overlay.c — and loads them in parallel (jobs.h).  Core files are read
 * through one process-wide cache, so editions built in one run read a
 * shared document once.  Core documents keep their own paths (relative
 * to the edition, "../core/policies/a.md"), so every diagnostic about
 * core text names the core file; extends_remap points those about local
 * text at the overlay.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extends.h"
#include "fsio.h"
#include "glossary.h"
#include "jobs.h"
#include "overlay.h"
#include "strtab.h"
#include "util.h"

#define CONFIG "policyc.yaml"
#define EXTENDS_DEPTH 8

typedef struct {
	char *rel;             /* the core folder, relative to the edition */
	char *abs;             /* its real path */
	project *p;            /* its policyc.yaml (diagnostics discarded:
	                          the core's own build reports them) */
} level;

typedef enum { IT_LOCAL, IT_CORE, IT_MERGED, IT_ORPHAN } item_kind;

typedef struct {
	item_kind kind;
	char *path;            /* as reported: relative to the edition */
	char *relpath;         /* relative to its content folder */
	char *abs;             /* core file (IT_CORE, IT_MERGED) */
	char *ov_path, *ov_abs;/* the overlay (IT_MERGED) */
	overlay_map *map;      /* IT_MERGED, after loading */
} item;

struct extends {
	project *p;
	char *edition;
	level lv[EXTENDS_DEPTH];
	size_t nlv;
	yval rules;            /* merged rules: map; items borrowed */
	yval org, contacts;    /* merged organisation and its contacts */
	char *cores[EXTENDS_DEPTH];  /* p->cores: the levels' rel */
	struct glossary *glossary;  /* extends_glossary's (the corpus owns it) */
	item *it;
	size_t nit;
	size_t remapped;       /* diagnostics already remapped */
};

/* ---- the shared read cache ---- */

typedef struct {
	char *abs, *text;
	size_t len;
} cached;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached *cache;
static size_t ncache, cache_saved;

/* A copy of a core file's text (NUL-terminated; caller frees), read from
 * disk the first time any edition asks.  NULL when unreadable. */
static char *
cache_read(const char *abs, size_t *len)
{
	size_t i;
	char *text, *copy = NULL;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < ncache; i++)
		if (!strcmp(cache[i].abs, abs)) {
			cache_saved++;
			copy = xmalloc(cache[i].len + 1);
			memcpy(copy, cache[i].text, cache[i].len + 1);
			*len = cache[i].len;
			break;
		}
	pthread_mutex_unlock(&cache_lock);
	if (copy)
		return copy;
	if (!(text = read_file(abs, len)))
		return NULL;
	copy = xmalloc(*len + 1);
	memcpy(copy, text, *len + 1);
	pthread_mutex_lock(&cache_lock);
	/* Editions built side by side may both have missed: the first to
	 * come back keeps its copy, so the counts do not depend on timing. */
	for (i = 0; i < ncache; i++)
		if (!strcmp(cache[i].abs, abs))
			break;
	if (i < ncache) {
		cache_saved++;
		free(text);
	} else {
		cache = xrealloc(cache, (ncache + 1) * sizeof *cache);
		cache[ncache].abs = xstrdup(abs);
		cache[ncache].text = text;
		cache[ncache].len = *len;
		ncache++;
	}
	pthread_mutex_unlock(&cache_lock);
	return copy;
}

void
extends_cache_stats(size_t *files, size_t *saved)
{
	*files = ncache;
	*saved = cache_saved;
}

void
extends_cache_clear(void)
{
	size_t i;
	for (i = 0; i < ncache; i++) {
		free(cache[i].abs);
		free(cache[i].text);
	}
	free(cache);
	cache = NULL;
	ncache = cache_saved = 0;
}

/* ---- the projects open now, for the site templates ---- */

/* htmlxsl.c is handed a project folder only; it asks here for the
 * template folders of the cores of the project open in that folder
 * (editions are open side by side, each registered while it lives). */
typedef struct {
	char *real;
	const extends *e;
} registered;

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static registered *reg;
static size_t nreg;

static void
reg_add(const extends *e)
{
	char *real = realpath(e->p->dir, NULL);

	if (!real)
		return;
	pthread_mutex_lock(&reg_lock);
	reg = xrealloc(reg, (nreg + 1) * sizeof *reg);
	reg[nreg].real = real;
	reg[nreg].e = e;
	nreg++;
	pthread_mutex_unlock(&reg_lock);
}

static void
reg_remove(const extends *e)
{
	size_t i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nreg; i++)
		if (reg[i].e == e) {
			free(reg[i].real);
			reg[i] = reg[--nreg];
			break;
		}
	if (!nreg) {
		free(reg);
		reg = NULL;
	}
	pthread_mutex_unlock(&reg_lock);
}

size_t
extends_template_dirs(const char *project_real, char ***dirs)
{
	size_t i, l, n = 0;

	*dirs = NULL;
	if (!project_real)
		return 0;
	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nreg; i++) {
		const extends *e = reg[i].e;
		if (strcmp(reg[i].real, project_real))
			continue;
		*dirs = xcalloc(e->nlv + 1, sizeof **dirs);
		for (l = 0; l < e->nlv; l++) {
			char *abs = NULL;
			if (fsio_resolve_inside(e->lv[l].abs, "templates/html",
			    FSIO_WANT_DIR, &abs) == FSIO_INSIDE)
				(*dirs)[n++] = abs;
		}
		break;
	}
	pthread_mutex_unlock(&reg_lock);
	return n;
}

/* ---- the chain ---- */

char *
extends_norm_path(const char *path)
{
	char *s = xstrdup(path), *seg[256], *tok, *save = NULL;
	size_t n = 0, i;
	buf b;

	for (tok = strtok_r(s, "/", &save); tok && n < 256;
	    tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..") && n && strcmp(seg[n - 1], ".."))
			n--;
		else
			seg[n++] = tok;
	}
	buf_init(&b);
	if (path[0] == '/')
		buf_putc(&b, '/');
	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, '/');
		buf_puts(&b, seg[i]);
	}
	if (!b.len)
		buf_putc(&b, '.');
	free(s);
	return buf_detach(&b);
}

const char *
extends_edition_name(const project *p)
{
	const yval *v = yval_get(p->config, "edition");
	if (v && yval_is_scalar(v) && v->str && *v->str)
		return v->str;
	v = p->organisation ? yval_get(p->organisation, "name") : NULL;
	if (v && yval_is_scalar(v) && v->str && *v->str)
		return v->str;
	return p->title && *p->title ? p->title : "local";
}

/* The config keys of editions, typed: extends a path, exclude a list of
 * ids, edition a name, include a map whose one key is audience,
 * editions a map of names to folders. */
static void
check_config(const project *p, diag_set *ds)
{
	static const char *const inc_keys[] = { "audience" };
	const yval *v;
	size_t i;

	if ((v = yval_get(p->config, "extends")) && (!yval_is_scalar(v) ||
	    !v->str || !*v->str))
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "extends: must be the path of the core project's folder");
	if ((v = yval_get(p->config, "edition")) && !yval_is_scalar(v))
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "edition: must be a name");
	if ((v = yval_get(p->config, "exclude")) && v->kind != YV_LIST)
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "exclude: must be a list of document ids");
	if ((v = yval_get(p->config, "editions"))) {
		if (v->kind != YV_MAP)
			diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
			    "editions: must map edition names to project folders");
		else
			for (i = 0; i < v->n; i++)
				if (!yval_is_scalar(v->items[i]))
					diag_report(ds, R_CONFIG_INVALID, CONFIG,
					    v->items[i]->line, v->items[i]->col,
					    "editions: %s must be a folder", v->keys[i]);
	}
	if ((v = yval_get(p->config, "include"))) {
		if (v->kind != YV_MAP) {
			diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
			    "include: must be a map (audience: [names])");
			return;
		}
		for (i = 0; i < v->n; i++) {
			const char *near = suggest(v->keys[i], inc_keys, 1);
			if (strcmp(v->keys[i], "audience"))
				diag_report(ds, R_CONFIG_UNKNOWN_KEY, CONFIG,
				    v->key_lines[i], v->key_cols[i],
				    "unknown key '%s' in include%s", v->keys[i],
				    near ? " (did you mean 'audience'?)" : "");
			else if (!yval_is_scalar(v->items[i]) &&
			    v->items[i]->kind != YV_LIST)
				diag_report(ds, R_CONFIG_INVALID, CONFIG,
				    v->items[i]->line, v->items[i]->col,
				    "include: audience: must be a name or a list");
		}
	}
}

/* Follows extends: from project p (at rel from the edition, its
 * policyc.yaml named cfg) to the next core; 0 at the end of the chain. */
static int
follow(extends *e, const project *p, const char *rel, diag_set *ds)
{
	const yval *v = yval_get(p->config, "extends");
	char *cfg = strcmp(rel, ".") ? path_join(rel, CONFIG) : xstrdup(CONFIG);
	char *crel, *dir, real[PATH_MAX], *yaml;
	diag_set *scratch;
	size_t i;
	int ok = 0;

	if (!v || !yval_is_scalar(v) || !v->str || !*v->str) {
		free(cfg);
		return 0;
	}
	if (v->str[0] == '/')
		crel = xstrdup(v->str);
	else {
		char *joined = strcmp(rel, ".") ?
		    xasprintf("%s/%s", rel, v->str) : xstrdup(v->str);
		crel = extends_norm_path(joined);
		free(joined);
	}
	dir = crel[0] == '/' ? xstrdup(crel) : path_join(e->p->dir, crel);
	yaml = path_join(dir, CONFIG);
	if (!realpath(dir, real) || !fsio_is_dir(real) || !fsio_exists(yaml))
		diag_report(ds, R_EXTENDS_MISSING, cfg, v->line, v->col,
		    "the core project '%s' %s; built without it", v->str,
		    fsio_is_dir(dir) ? "holds no policyc.yaml" : "does not exist");
	else {
		char self[PATH_MAX];
		int cycle = realpath(e->p->dir, self) && !strcmp(self, real);
		for (i = 0; i < e->nlv && !cycle; i++)
			cycle = !strcmp(e->lv[i].abs, real);
		if (cycle)
			diag_report(ds, R_EXTENDS_CYCLE, cfg, v->line, v->col,
			    "extends: '%s' leads back to a project already in "
			    "the chain; the chain stops here", v->str);
		else if (e->nlv == EXTENDS_DEPTH)
			diag_report(ds, R_EXTENDS_CYCLE, cfg, v->line, v->col,
			    "more than %d cores in the chain; stopped here",
			    EXTENDS_DEPTH);
		else {
			scratch = diag_new();
			e->lv[e->nlv].p = project_load(dir, scratch);
			diag_free(scratch);
			if (e->lv[e->nlv].p) {
				e->lv[e->nlv].rel = crel;
				e->lv[e->nlv].abs = xstrdup(real);
				crel = NULL;
				e->nlv++;
				ok = 1;
			} else
				diag_report(ds, R_EXTENDS_MISSING, cfg, v->line,
				    v->col, "the core project '%s' has a policyc.yaml "
				    "that cannot be read; built without it", v->str);
		}
	}
	free(crel);
	free(dir);
	free(yaml);
	free(cfg);
	return ok;
}

/* rules: the project's own settings, then each core's for rules the
 * project does not set (a core's severities apply too). */
static void
merge_rules(extends *e, diag_set *ds)
{
	size_t l, i;
	yval *own = e->p->rules;

	e->rules.kind = YV_MAP;
	for (l = 0; l <= e->nlv; l++) {
		const yval *r = l == 0 ? own : e->lv[l - 1].p->rules;
		if (!r || r->kind != YV_MAP)
			continue;
		for (i = 0; i < r->n; i++) {
			const yval *sev;
			severity s;
			if (yval_key_index(&e->rules, r->keys[i]) >= 0)
				continue;
			e->rules.keys = xrealloc(e->rules.keys,
			    (e->rules.n + 1) * sizeof *e->rules.keys);
			e->rules.items = xrealloc(e->rules.items,
			    (e->rules.n + 1) * sizeof *e->rules.items);
			e->rules.key_lines = xrealloc(e->rules.key_lines,
			    (e->rules.n + 1) * sizeof(int));
			e->rules.key_cols = xrealloc(e->rules.key_cols,
			    (e->rules.n + 1) * sizeof(int));
			e->rules.keys[e->rules.n] = r->keys[i];
			e->rules.items[e->rules.n] = r->items[i];
			e->rules.key_lines[e->rules.n] = 0;
			e->rules.key_cols[e->rules.n] = 0;
			e->rules.n++;
			if (l == 0)
				continue;  /* project_load applied the own */
			sev = r->items[i]->kind == YV_MAP ?
			    yval_get(r->items[i], "severity") : r->items[i];
			if (sev && yval_is_scalar(sev) &&
			    diag_severity_parse(sev->str, &s))
				diag_set_severity(ds, r->keys[i], s);
		}
	}
	if (e->rules.n)
		e->p->rules = &e->rules;
}

/* Appends key k (value v, borrowed) to map m unless m has it. */
static void
map_add(yval *m, const char *k, yval *v)
{
	if (yval_key_index(m, k) >= 0)
		return;
	m->kind = YV_MAP;
	m->keys = xrealloc(m->keys, (m->n + 1) * sizeof *m->keys);
	m->items = xrealloc(m->items, (m->n + 1) * sizeof *m->items);
	m->key_lines = xrealloc(m->key_lines, (m->n + 1) * sizeof(int));
	m->key_cols = xrealloc(m->key_cols, (m->n + 1) * sizeof(int));
	m->keys[m->n] = (char *)k;
	m->items[m->n] = v;
	m->key_lines[m->n] = v ? v->line : 0;
	m->key_cols[m->n] = v ? v->col : 0;
	m->n++;
}

static void
map_release(yval *m)
{
	free(m->keys);
	free(m->items);
	free(m->key_lines);
	free(m->key_cols);
}

/* organisation: the edition's keys, then the cores' (contacts merged a
 * level deeper), so {{contacts.x.phone}} in core text finds the
 * edition's value first and the core's otherwise.  The logo is
 * inherited by name: extends_resolve finds the edition's own file of
 * that name first, else the core's. */
static void
merge_organisation(extends *e)
{
	size_t l, i;

	for (l = 0; l <= e->nlv; l++) {
		const yval *o = l == 0 ? e->p->organisation :
		    e->lv[l - 1].p->organisation;
		if (!o || o->kind != YV_MAP)
			continue;
		for (i = 0; i < o->n; i++) {
			if (!strcmp(o->keys[i], "contacts") &&
			    o->items[i]->kind == YV_MAP) {
				size_t k;
				for (k = 0; k < o->items[i]->n; k++)
					map_add(&e->contacts, o->items[i]->keys[k],
					    o->items[i]->items[k]);
				continue;
			}
			map_add(&e->org, o->keys[i], o->items[i]);
		}
	}
	if (e->contacts.n)
		map_add(&e->org, "contacts", &e->contacts);
	if (e->org.n)
		e->p->organisation = &e->org;
}

extends *
extends_open(project *p, diag_set *ds)
{
	extends *e;
	size_t i;
	const char *rel = ".";
	const project *at = p;

	check_config(p, ds);
	if (!yval_get(p->config, "extends"))
		return NULL;
	e = xcalloc(1, sizeof *e);
	e->p = p;
	e->edition = xstrdup(extends_edition_name(p));
	while (follow(e, at, rel, ds)) {
		at = e->lv[e->nlv - 1].p;
		rel = e->lv[e->nlv - 1].rel;
	}
	merge_rules(e, ds);
	merge_organisation(e);
	for (i = 0; i < e->nlv; i++)
		e->cores[i] = e->lv[i].rel;
	p->cores = e->nlv ? e->cores : NULL;
	p->ncores = e->nlv;
	reg_add(e);
	return e;
}

int
extends_has_content(const project *p)
{
	char *dir = path_join(p->dir, p->content);
	int r = fsio_is_dir(dir);
	free(dir);
	return r;
}

/* ---- the plan ---- */

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static void
add_item(extends *e, item_kind kind, char *path, char *relpath, char *abs)
{
	item *it;
	e->it = xrealloc(e->it, (e->nit + 1) * sizeof *e->it);
	it = &e->it[e->nit++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->path = path;
	it->relpath = relpath;
	it->abs = abs;
}

/* The id a relpath gives, for matching core and edition documents. */
static int
same_id(const char *a, const char *b)
{
	char *ia = document_id_from_relpath(a), *ib = document_id_from_relpath(b);
	int r = !strcmp(ia, ib);
	free(ia);
	free(ib);
	return r;
}

static long
find_item(const extends *e, const char *relpath)
{
	size_t i;
	for (i = 0; i < e->nit; i++)
		if (same_id(e->it[i].relpath, relpath))
			return (long)i;
	return -1;
}

/* 1 when exclude: names the id of relpath (the entry marked used). */
static int
excluded(const project *p, const char *relpath, char *used)
{
	const yval *x = yval_get(p->config, "exclude");
	char *id = document_id_from_relpath(relpath);
	size_t i;
	int r = 0;

	for (i = 0; x && x->kind == YV_LIST && i < x->n; i++)
		if (yval_is_scalar(x->items[i]) && x->items[i]->str &&
		    !strcasecmp(x->items[i]->str, id)) {
			used[i] = 1;
			r = 1;
		}
	free(id);
	return r;
}

/* The cores' documents the edition neither replaces nor excludes. */
static void
plan_core(extends *e, char *used, diag_set *ds)
{
	size_t l, i, n;

	for (l = 0; l < e->nlv; l++) {
		level *lv = &e->lv[l];
		char *content = path_join(lv->abs, lv->p->content), **rel = NULL;
		fsio_skip *skips = NULL;
		size_t nskips = 0;

		n = fsio_is_dir(content) ? fsio_list_markdown(lv->abs, content,
		    &rel, &skips, &nskips) : 0;
		for (i = 0; i < nskips; i++)
			free(skips[i].rel);
		free(skips);
		for (i = 0; i < n; i++) {
			/* a core's own overlays belong to its build */
			if (ends_with(rel[i], ".local.md") ||
			    find_item(e, rel[i]) >= 0 ||
			    excluded(e->p, rel[i], used)) {
				free(rel[i]);
				continue;
			}
			{
				char *crel = path_join(lv->p->content, rel[i]);
				char *joined = path_join(lv->rel, crel);
				add_item(e, IT_CORE, extends_norm_path(joined), rel[i],
				    path_join(content, rel[i]));
				free(joined);
				free(crel);
			}
		}
		free(rel);
		free(content);
	}
	(void)ds;
}

/* Each overlay onto the core document it names, or (overlay-unknown) a
 * document of its own. */
static void
plan_overlays(extends *e, char **ov, size_t nov, diag_set *ds)
{
	size_t i;

	for (i = 0; i < nov; i++) {
		size_t k = strlen(ov[i]) - strlen(".local.md");
		char *target = xasprintf("%.*s.md", (int)k, ov[i]);
		char *path = path_join(e->p->content, ov[i]);
		long at = find_item(e, target);

		if (at >= 0 && e->it[at].kind == IT_CORE) {
			item *it = &e->it[at];
			it->kind = IT_MERGED;
			it->ov_path = path;
			it->ov_abs = path_join(e->p->dir, path);
			free(target);
		} else {
			char *id = document_id_from_relpath(target);
			diag_report(ds, R_OVERLAY_UNKNOWN, path, 1, 1,
			    at >= 0 ? "the edition replaces '%s' with a document "
			    "of its own: edit that instead; this overlay is "
			    "published as a document of its own" : "no core "
			    "document '%s' to overlay; published as a document "
			    "of its own", id);
			free(id);
			add_item(e, IT_ORPHAN, path, target, NULL);
		}
		free(ov[i]);
	}
}

/* Reports exclude: ids that are in no core. */
static void
report_unused_excludes(const extends *e, const char *used, diag_set *ds)
{
	const yval *x = yval_get(e->p->config, "exclude");
	size_t i;

	for (i = 0; x && x->kind == YV_LIST && i < x->n; i++)
		if (!used[i])
			diag_report(ds, R_OVERLAY_UNKNOWN, CONFIG, x->items[i]->line,
			    x->items[i]->col, "exclude: no core document has the "
			    "id '%s'", x->items[i]->str ? x->items[i]->str : "");
}

/* ---- loading ---- */

typedef struct {
	extends *e;
	document **docs;
	diag_set *ds;
} load_ctx;

/* Top-level sections of the core document (a probe parse whose own
 * diagnostics are the core's, reported by its own item). */
static overlay_section *
core_sections(const project *p, const item *it, const char *text,
    size_t len, size_t *n)
{
	diag_set *scratch = diag_new();
	char *copy = xmalloc(len + 1);
	document *d;
	overlay_section *s;
	size_t i, k = 0;
	int total = 1;

	memcpy(copy, text, len + 1);
	for (i = 0; i < len; i++)
		total += text[i] == '\n';
	if (len && text[len - 1] == '\n')
		total--;   /* lines, not line breaks */
	d = document_load_source(p, it->path, it->relpath, copy, len, scratch);
	s = xcalloc(d->nheadings ? d->nheadings : 1, sizeof *s);
	for (i = 0; i < d->nheadings; i++) {
		if (cmark_node_parent(d->headings[i].node) != d->root)
			continue;
		s[k].slug = xstrdup(d->headings[i].slug);
		s[k].start = d->headings[i].line;
		s[k].end = total;
		k++;
	}
	/* a section ends before the next heading of its level or higher */
	for (i = 0; i < k; i++) {
		size_t j;
		int lvl = 0;
		for (j = 0; j < d->nheadings; j++)
			if (d->headings[j].line == s[i].start)
				lvl = d->headings[j].level;
		for (j = 0; j < d->nheadings; j++)
			if (d->headings[j].line > s[i].start &&
			    cmark_node_parent(d->headings[j].node) == d->root &&
			    d->headings[j].level <= lvl) {
				s[i].end = d->headings[j].line - 1;
				break;
			}
	}
	document_free(d);
	diag_free(scratch);
	*n = k;
	return s;
}

static document *
load_merged(extends *e, item *it, char *core, size_t len, diag_set *ds)
{
	size_t olen = 0, nsecs, i, mlen;
	char *ov = read_file(it->ov_abs, &olen), *merged;
	overlay_section *secs;
	document *d;

	if (!ov) {
		diag_report(ds, R_FILE_UNREADABLE, it->ov_path, 0, 0,
		    "cannot read the overlay");
		return document_load_source(e->p, it->path, it->relpath, core,
		    len, ds);
	}
	secs = core_sections(e->p, it, core, len, &nsecs);
	it->map = overlay_merge(core, len, it->path, ov, olen, it->ov_path,
	    e->edition, secs, nsecs, ds, &merged, &mlen);
	for (i = 0; i < nsecs; i++)
		free((char *)secs[i].slug);
	free(secs);
	free(ov);
	free(core);
	d = document_load_source(e->p, it->path, it->relpath, merged, mlen, ds);
	d->overlay = it->map;
	return d;
}

static void
load_one(void *arg, size_t i, int worker)
{
	load_ctx *l = arg;
	extends *e = l->e;
	item *it = &e->it[i];
	char *text;
	size_t len;

	(void)worker;
	if (it->kind == IT_LOCAL || it->kind == IT_ORPHAN) {
		l->docs[i] = document_load(e->p, it->path, it->relpath, l->ds);
		l->docs[i]->local_edition = e->edition;
		return;
	}
	if (!(text = cache_read(it->abs, &len))) {
		diag_report(l->ds, R_FILE_UNREADABLE, it->path, 0, 0,
		    "cannot read the core document");
		text = xstrdup("");
		len = 0;
	}
	l->docs[i] = it->kind == IT_MERGED ?
	    load_merged(e, it, text, len, l->ds) :
	    document_load_source(e->p, it->path, it->relpath, text, len, l->ds);
}

document **
extends_load(extends *e, char **rel, size_t n, int jobs, size_t *out_n,
    diag_set *ds)
{
	const yval *x = yval_get(e->p->config, "exclude");
	char **ov = xcalloc(n ? n : 1, sizeof *ov);
	char *used = xcalloc(x && x->kind == YV_LIST && x->n ? x->n : 1, 1);
	size_t nov = 0, i;
	document **docs;
	load_ctx lc;

	for (i = 0; i < n; i++)
		if (ends_with(rel[i], ".local.md"))
			ov[nov++] = rel[i];
		else
			add_item(e, IT_LOCAL, path_join(e->p->content, rel[i]),
			    rel[i], NULL);
	free(rel);
	plan_core(e, used, ds);
	plan_overlays(e, ov, nov, ds);
	report_unused_excludes(e, used, ds);
	free(ov);
	free(used);
	docs = xcalloc(e->nit ? e->nit : 1, sizeof *docs);
	lc.e = e;
	lc.docs = docs;
	lc.ds = ds;
	jobs_run(e->nit, jobs, load_one, &lc);
	*out_n = e->nit;
	return docs;
}

/* ---- the glossary ---- */

static yval *
read_glossary(const char *dir, const char *name, const char *shown,
    diag_set *ds)
{
	char *path = path_join(dir, name), *text;
	size_t len;
	yval *v;
	yval_error err;

	text = read_file(path, &len);
	free(path);
	if (!text)
		return NULL;
	memset(&err, 0, sizeof err);
	v = yval_parse(text, len, 0, &err);
	free(text);
	if (!v && ds)
		diag_report(ds, R_YAML_SYNTAX, shown, err.line, err.col, "%s",
		    err.message);
	if (v && v->kind != YV_LIST) {
		yval_free(v);
		return NULL;
	}
	return v;
}

static int
defines(const yval *list, const yval *entry)
{
	const yval *t = entry->kind == YV_MAP ? yval_get(entry, "term") : NULL;
	size_t i;

	if (!t || !yval_is_scalar(t) || !t->str)
		return 0;
	for (i = 0; list && i < list->n; i++) {
		const yval *u = list->items[i]->kind == YV_MAP ?
		    yval_get(list->items[i], "term") : NULL;
		if (u && yval_is_scalar(u) && u->str && str_ieq(u->str, t->str))
			return 1;
	}
	return 0;
}

/* Core glossary entries are read with their lines moved up by
 * GLOSSARY_LINES * (level + 1), so the one glossary can say which file a
 * line is in: extends_remap moves them back, onto the core's file. */
#define GLOSSARY_LINES 10000000

static void
shift_lines(yval *v, int off)
{
	size_t i;
	if (!v)
		return;
	v->line += off;
	for (i = 0; v->key_lines && i < v->n; i++)
		v->key_lines[i] += off;
	for (i = 0; v->items && i < v->n; i++)
		shift_lines(v->items[i], off);
}

struct glossary *
extends_glossary(extends *e, diag_set *ds)
{
	yval *own, *core[EXTENDS_DEPTH], all;
	size_t l, i, ncore = 0;
	struct glossary *g;

	for (l = 0; l < e->nlv; l++)
		if ((core[ncore] = read_glossary(e->lv[l].abs,
		    e->lv[l].p->glossary_path, NULL, NULL)))
			shift_lines(core[ncore++], GLOSSARY_LINES * (int)(l + 1));
	if (!ncore)
		return NULL;
	own = read_glossary(e->p->dir, e->p->glossary_path,
	    e->p->glossary_path, ds);
	memset(&all, 0, sizeof all);
	all.kind = YV_LIST;
	all.items = xcalloc(1, sizeof *all.items);
	/* the edition's own entries, then the cores' it does not define */
	for (l = 0; l <= ncore; l++) {
		yval *src = l == 0 ? own : core[l - 1];
		for (i = 0; src && i < src->n; i++) {
			if (l > 0 && defines(&all, src->items[i]))
				continue;
			all.items = xrealloc(all.items, (all.n + 1) *
			    sizeof *all.items);
			all.items[all.n++] = src->items[i];
		}
	}
	g = e->glossary = glossary_from_yval(&all, e->p->glossary_path, ds);
	free(all.items);
	if (own)
		yval_free(own);
	for (l = 0; l < ncore; l++)
		yval_free(core[l]);
	return g;
}

/* ---- diagnostics ---- */

static int
keep_none(void *ctx, const diagnostic *d)
{
	(void)ctx;
	(void)d;
	return 0;
}

/* The diagnostics [e->remapped, n): local text onto the overlay's
 * lines, core glossary entries onto the core's glossary file. */
static void
remap_set(extends *e, diag_set *ds, size_t n)
{
	diag_set *tmp = diag_new();
	size_t i, j;

	for (i = 0; i < n; i++) {
		const diagnostic *d = diag_at(ds, i);
		const char *file = d->file;
		int line = d->line;
		char *gfile = NULL;
		if (i >= e->remapped && d->line >= GLOSSARY_LINES && d->file &&
		    !strcmp(d->file, e->p->glossary_path) &&
		    (size_t)(d->line / GLOSSARY_LINES) <= e->nlv) {
			const level *lv = &e->lv[d->line / GLOSSARY_LINES - 1];
			char *joined = path_join(lv->rel, lv->p->glossary_path);
			file = gfile = extends_norm_path(joined);
			free(joined);
			line = d->line % GLOSSARY_LINES;
		}
		for (j = 0; !gfile && i >= e->remapped && j < e->nit; j++)
			if (e->it[j].map && d->line > 0 && d->file &&
			    !strcmp(d->file, e->it[j].map->core_path)) {
				overlay_origin_of(e->it[j].map, d->line, &file, &line);
				break;
			}
		diag_report_named(tmp, (int)d->sev, d->rule, file, line, d->col,
		    "%s", d->message);
		free(gfile);
	}
	diag_filter(ds, keep_none, NULL);
	diag_merge(ds, tmp);
	diag_free(tmp);
	e->remapped = n;
}

void
extends_remap(extends *e, diag_set *ds)
{
	size_t i, n;

	if (!e)
		return;
	n = diag_count(ds);
	if (e->nlv && n > e->remapped)
		remap_set(e, ds, n);
	/* every rule has judged the glossary: its entries take back their
	 * lines in their own files, for the XML */
	for (i = 0; e->glossary && i < glossary_count(e->glossary); i++) {
		glossary_entry *g = (glossary_entry *)glossary_at(e->glossary, i);
		g->line %= GLOSSARY_LINES;
	}
}

void
extends_free(extends *e)
{
	size_t i;

	if (!e)
		return;
	reg_remove(e);
	e->p->cores = NULL;
	e->p->ncores = 0;
	for (i = 0; i < e->nlv; i++) {
		free(e->lv[i].rel);
		free(e->lv[i].abs);
		project_free(e->lv[i].p);
	}
	for (i = 0; i < e->nit; i++) {
		free(e->it[i].path);
		free(e->it[i].relpath);
		free(e->it[i].abs);
		free(e->it[i].ov_path);
		free(e->it[i].ov_abs);
		overlay_map_free(e->it[i].map);
	}
	free(e->it);
	free(e->rules.keys);
	free(e->rules.items);
	free(e->rules.key_lines);
	free(e->rules.key_cols);
	map_release(&e->org);
	map_release(&e->contacts);
	free(e->edition);
	free(e);
}

/* ---- policyc overlay update ---- */

int
extends_overlay_update(const char *dir, diag_set *ds, int *files)
{
	project *p = project_load(dir, ds);
	extends *e;
	char *content, **rel = NULL;
	size_t n, i, nd;
	int changed = 0;
	document **docs;

	*files = 0;
	if (!p)
		return -1;
	if (!(e = extends_open(p, ds))) {
		project_free(p);
		return 0;
	}
	content = path_join(p->dir, p->content);
	n = fsio_is_dir(content) ? fsio_list_markdown(p->dir, content, &rel,
	    NULL, NULL) : 0;
	free(content);
	{
		/* what the load says is check's to say; update only records */
		diag_set *scratch = diag_new();
		docs = extends_load(e, rel, n, 1, &nd, scratch);
		diag_free(scratch);
	}
	for (i = 0; i < e->nit; i++) {
		item *it = &e->it[i];
		size_t olen, nlen;
		char *ov, *fresh;
		int c = 0;
		if (!it->map || !(ov = read_file(it->ov_abs, &olen)))
			continue;
		fresh = overlay_updated_text(it->map, ov, olen, &nlen, &c);
		if (c && fsio_write(it->ov_abs, fresh, nlen) == 0) {
			changed += c;
			(*files)++;
		}
		free(fresh);
		free(ov);
	}
	for (i = 0; i < nd; i++)
		document_free(docs[i]);
	free(docs);
	extends_free(e);
	project_free(p);
	return changed;
}
