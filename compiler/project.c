/*
 * project.c — reads policyc.yaml into a project.  Every key of DESIGN.md is
 * understood; an unknown key is a config-unknown-key error at its line (a
 * typo must not pass silently) and a value of the wrong form is
 * config-invalid.  Rule severities from rules: are handed to the
 * diagnostics set here, so every later stage reports at the configured
 * level without knowing about the config.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsio.h"
#include "project.h"
#include "rules.h"
#include "util.h"

#define CONFIG "policyc.yaml"

static const char *const top_keys[] = {
	"title", "base-url", "content", "glossary", "language", "organisation",
	"rules", "glossary-links", "packs", "allow-html", "links", "keys",
	"history",
	"sections", "print-validity", "contacts", "sources",
	"extends", "exclude", "edition", "editions", "include", /* extends.c */
	NULL
};
static const char *const links_keys[] = { "root", "external", NULL };
static const char *const org_keys[] = {
	"name", "address", "phone", "email", "website", "registration",
	"charity", "logo", "colours", "contacts", NULL
};
static const char *const colour_keys[] = { "primary", "accent", NULL };
static const char *const pack_keys[] = {
	"id", "title", "include", "cover", "glossary", NULL
};
static const char *const include_keys[] = {
	"ids", "types", "tags", "folders", "audience", NULL
};

static int
known(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

/* Reports keys of map v not in list; where names the map for the message. */
static void
check_keys(const yval *v, const char *const *list, const char *where,
    diag_set *ds)
{
	size_t i;
	if (!v || v->kind != YV_MAP)
		return;
	for (i = 0; i < v->n; i++)
		if (!known(list, v->keys[i]))
			diag_report(ds, R_CONFIG_UNKNOWN_KEY, CONFIG,
			    v->key_lines[i], v->key_cols[i],
			    "unknown key '%s'%s%s", v->keys[i],
			    where ? " in " : "", where ? where : "");
}

static char *
string_value(const yval *map, const char *key, const char *fallback,
    diag_set *ds)
{
	yval *v = yval_get(map, key);
	if (!v || v->kind == YV_NULL)
		return fallback ? xstrdup(fallback) : NULL;
	if (!yval_is_scalar(v)) {
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "'%s' must be text, not a %s", key, yval_kind_name(v->kind));
		return fallback ? xstrdup(fallback) : NULL;
	}
	return xstrdup(v->str);
}

static int
bool_value(const yval *map, const char *key, int fallback, diag_set *ds)
{
	yval *v = yval_get(map, key);
	if (!v || v->kind == YV_NULL)
		return fallback;
	if (v->kind != YV_BOOL) {
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "'%s' must be true or false", key);
		return fallback;
	}
	return v->boolean;
}

/* A list of strings (a single string is taken as a one-item list). */
static char **
string_list(const yval *v, size_t *n, const char *what, diag_set *ds)
{
	char **out;
	size_t i;

	*n = 0;
	if (!v || v->kind == YV_NULL)
		return NULL;
	if (yval_is_scalar(v)) {
		out = xmalloc(sizeof *out);
		out[0] = xstrdup(v->str);
		*n = 1;
		return out;
	}
	if (v->kind != YV_LIST) {
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "'%s' must be a list", what);
		return NULL;
	}
	out = xcalloc(v->n ? v->n : 1, sizeof *out);
	for (i = 0; i < v->n; i++) {
		if (!yval_is_scalar(v->items[i])) {
			diag_report(ds, R_CONFIG_INVALID, CONFIG,
			    v->items[i]->line, v->items[i]->col,
			    "items of '%s' must be text", what);
			continue;
		}
		out[(*n)++] = xstrdup(v->items[i]->str);
	}
	return out;
}

/* ---- rules: names and typed settings ---- */


typedef enum {
	SET_NUMBER,     /* a number within [min, max] */
	SET_BOOL,       /* true or false */
	SET_STRINGS,    /* a list of text */
	SET_MAPS        /* a list of maps */
} setting_type;

typedef struct {
	const char *key;     /* NULL: any key (a document type) */
	setting_type type;
	double min, max;
} setting_spec;

/* The settings each built-in rule takes (from the filters' Lua, meta.c,
 * filters.c and docs/filters.md).  A built-in rule missing here takes
 * none but severity:. */
static const setting_spec set_due_soon[] = {
	{ "days", SET_NUMBER, 0, 36500 }, { NULL, SET_BOOL, -1, -1 }
};
static const setting_spec set_interval[] = {
	{ "max-months", SET_NUMBER, 0, 1200 }, { NULL, SET_BOOL, -1, -1 }
};
static const setting_spec set_filter_error[] = {
	{ "seconds", SET_NUMBER, 0.1, 86400 }, { NULL, SET_BOOL, -1, -1 }
};
static const setting_spec set_link_text[] = {
	{ "phrases", SET_STRINGS, 0, 0 }, { "also", SET_STRINGS, 0, 0 },
	{ NULL, SET_BOOL, -1, -1 }
};
static const setting_spec set_outdated[] = {
	{ "defaults", SET_BOOL, 0, 0 }, { "terms", SET_MAPS, 0, 0 },
	{ NULL, SET_BOOL, -1, -1 }
};
static const setting_spec set_meta_unknown[] = {
	{ "allow", SET_STRINGS, 0, 0 }, { NULL, SET_BOOL, -1, -1 }
};
/* keys: and any document type: a list of keys.  A row with key NULL
 * ends a list: min -1 means no other key, else any other key (a
 * document type) takes that row's type. */
static const setting_spec set_meta_required[] = {
	{ "keys", SET_STRINGS, 0, 0 }, { NULL, SET_STRINGS, 0, 0 }
};
/* any document type: a list of headings */
static const setting_spec set_sections[] = {
	{ NULL, SET_STRINGS, 0, 0 }
};

static const setting_spec set_contact_stale[] = {
	{ "months", SET_NUMBER, 0, 1200 }, { NULL, SET_BOOL, -1, -1 }
};

static const struct {
	const char *rule;
	const setting_spec *settings;
} rule_settings[] = {
	{ "contact-stale", set_contact_stale },
	{ "review-due-soon", set_due_soon },
	{ "review-interval", set_interval },
	{ "filter-error", set_filter_error },
	{ "link-text", set_link_text },
	{ "outdated-term", set_outdated },
	{ "meta-unknown", set_meta_unknown },
	{ "meta-required", set_meta_required },
	{ "section-missing", set_sections },
	{ NULL, NULL }
};

static int
rule_is_builtin(const char *id)
{
	return rule_known(id);
}

/* The quoted words of the project's own filters (filters/NAME.lua): a rule
 * a project filter reports is a known rule name.  A cheap over-approx-
 * imation (any string literal counts) that never calls a declared rule
 * unknown, without running Lua at load. */
static char **
project_filter_words(const char *dir, size_t *n)
{
	char *fdir = path_join(dir, "filters");
	DIR *dh = opendir(fdir);
	struct dirent *e;
	char **out = NULL;
	size_t cap = 0;

	*n = 0;
	while (dh && (e = readdir(dh)) != NULL) {
		char *path = NULL, *rel, *text, *q;
		size_t len;
		if (e->d_name[0] == '.' || !str_has_suffix(e->d_name, ".lua"))
			continue;
		/* inside the project and a regular file: never a FIFO */
		rel = xasprintf("filters/%s", e->d_name);
		text = NULL;
		if (fsio_resolve_inside(dir, rel, FSIO_WANT_FILE, &path) ==
		    FSIO_INSIDE)
			text = read_file(path, &len);
		free(path);
		free(rel);
		for (q = text; q && *q; q++) {
			char quote = *q, *end;
			if (quote != '"' && quote != '\'')
				continue;
			end = strchr(q + 1, quote);
			if (!end || strchr(q + 1, '\n') < end)
				continue;
			if (end > q + 1 && end - q < 64) {
				if (*n == cap) {
					cap = cap ? cap * 2 : 32;
					out = xrealloc(out, cap * sizeof *out);
				}
				out[(*n)++] = xstrndup(q + 1, (size_t)(end - q - 1));
			}
			q = end;
		}
		free(text);
	}
	if (dh)
		closedir(dh);
	free(fdir);
	return out;
}

/* Checks one value against its type; 1 when it fits. */
static int
setting_fits(const yval *v, const setting_spec *sp)
{
	size_t i;
	switch (sp->type) {
	case SET_NUMBER:
		return v->kind == YV_NUM && v->num >= sp->min && v->num <= sp->max;
	case SET_BOOL:
		return v->kind == YV_BOOL;
	case SET_STRINGS:
	case SET_MAPS:
		if (v->kind != YV_LIST)
			return 0;
		for (i = 0; i < v->n; i++)
			if (sp->type == SET_STRINGS ? !yval_is_scalar(v->items[i]) ||
			    v->items[i]->kind == YV_NULL :
			    v->items[i]->kind != YV_MAP)
				return 0;
		return 1;
	}
	return 0;
}

static const char *
setting_expect(const setting_spec *sp, char *tmp, size_t n)
{
	switch (sp->type) {
	case SET_NUMBER:
		snprintf(tmp, n, "a number from %g to %g", sp->min, sp->max);
		return tmp;
	case SET_BOOL: return "true or false";
	case SET_STRINGS: return "a list of text, like [a, b]";
	case SET_MAPS: return "a list of maps";
	}
	return "";
}

/* Validates the settings map of one built-in rule: unknown settings are
 * config-unknown-key, values of the wrong type config-invalid; both are
 * dropped from the tree so every later reader sees the default. */
static void
check_rule_settings(const char *rule, yval *m, diag_set *ds)
{
	const setting_spec *specs = NULL, *sp;
	const char *names[8];
	size_t i, nnames = 0;
	char tmp[64];

	for (i = 0; rule_settings[i].rule; i++)
		if (!strcmp(rule_settings[i].rule, rule))
			specs = rule_settings[i].settings;
	if (specs)
		for (sp = specs; sp->key && nnames < 7; sp++)
			names[nnames++] = sp->key;
	names[nnames++] = "severity";
	for (i = 0; i < m->n;) {
		const char *key = m->keys[i];
		const setting_spec *match = NULL;
		if (!strcmp(key, "severity")) {
			i++;
			continue;   /* load_rules judges it */
		}
		for (sp = specs; sp && sp->key && !match; sp++)
			if (!strcmp(sp->key, key))
				match = sp;
		if (!match && sp && sp->min >= 0)
			match = sp;   /* a document type */
		if (!match) {
			const char *hint = suggest(key, names, nnames);
			diag_report(ds, R_CONFIG_UNKNOWN_KEY, CONFIG,
			    m->key_lines[i], m->key_cols[i],
			    "rules: %s takes no setting '%s'%s%s%s", rule, key,
			    hint ? " (did you mean '" : "", hint ? hint : "",
			    hint ? "'?)" : "");
			yval_map_remove(m, i);
			continue;
		}
		if (!setting_fits(m->items[i], match)) {
			const yval *v = m->items[i];
			diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
			    "rules: %s: %s must be %s; using the default", rule,
			    key, setting_expect(match, tmp, sizeof tmp));
			yval_map_remove(m, i);
			continue;
		}
		i++;
	}
}

/* Rule names under rules: that no built-in rule and no project filter
 * knows are config-unknown-key, with the closest known id. */
static void
check_rule_name(const project *p, const yval *r, size_t i, char **words,
    size_t nwords, diag_set *ds)
{
	const char *id = r->keys[i], *hint;
	size_t k;

	if (rule_is_builtin(id))
		return;
	for (k = 0; k < nwords; k++)
		if (!strcmp(words[k], id))
			return;
	hint = rule_suggest(id);
	(void)p;
	diag_report(ds, R_CONFIG_UNKNOWN_KEY, CONFIG, r->key_lines[i],
	    r->key_cols[i], "rules: no rule '%s'%s%s%s", id,
	    hint ? " (did you mean '" : " (nor a rule of the project's "
	    "filters/)", hint ? hint : "", hint ? "'?)" : "");
}

static void
load_rules(project *p, diag_set *ds)
{
	size_t i, nwords;
	yval *r = p->rules;
	char **words;

	if (!r || r->kind == YV_NULL)
		return;
	if (r->kind != YV_MAP) {
		diag_report(ds, R_CONFIG_INVALID, CONFIG, r->line, r->col,
		    "'rules' must be a map of rule ids");
		p->rules = NULL;
		return;
	}
	words = project_filter_words(p->dir, &nwords);
	for (i = 0; i < r->n; i++) {
		yval *v = r->items[i];
		yval *sev = NULL;
		severity s;
		check_rule_name(p, r, i, words, nwords, ds);
		if (yval_is_scalar(v))
			sev = v;
		else if (v->kind == YV_MAP) {
			if (rule_is_builtin(r->keys[i]))
				check_rule_settings(r->keys[i], v, ds);
			sev = yval_get(v, "severity");
		} else
			diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
			    "rules: %s must be a severity (off, note, warning, "
			    "error) or a map of settings", r->keys[i]);
		if (!sev)
			continue;
		if (!yval_is_scalar(sev) || !diag_severity_parse(sev->str, &s)) {
			diag_report(ds, R_CONFIG_INVALID, CONFIG, sev->line,
			    sev->col, "severity of '%s' must be off, note, "
			    "warning or error", r->keys[i]);
			continue;
		}
		diag_set_severity(ds, r->keys[i], s);
	}
	for (i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
}

static void
load_packs(project *p, diag_set *ds)
{
	yval *v = yval_get(p->config, "packs");
	size_t i;

	if (!v || v->kind == YV_NULL)
		return;
	if (v->kind != YV_LIST) {
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "'packs' must be a list");
		return;
	}
	p->packs = xcalloc(v->n ? v->n : 1, sizeof *p->packs);
	for (i = 0; i < v->n; i++) {
		yval *pv = v->items[i], *inc;
		pack *k;
		char *id;
		if (pv->kind != YV_MAP) {
			diag_report(ds, R_CONFIG_INVALID, CONFIG, pv->line,
			    pv->col, "each pack must be a map with id and title");
			continue;
		}
		check_keys(pv, pack_keys, "a pack", ds);
		id = string_value(pv, "id", NULL, ds);
		if (!id || !*id || strchr(id, '/') || strstr(id, "..")) {
			diag_report(ds, R_CONFIG_INVALID, CONFIG, pv->line,
			    pv->col, "a pack needs an 'id' made of letters, "
			    "digits and '-'");
			free(id);
			continue;
		}
		k = &p->packs[p->npacks++];
		k->id = id;
		k->line = pv->line;
		k->title = string_value(pv, "title", id, ds);
		k->cover = bool_value(pv, "cover", 1, ds);
		k->glossary = bool_value(pv, "glossary", 1, ds);
		inc = yval_get(pv, "include");
		if (inc && inc->kind == YV_MAP) {
			check_keys(inc, include_keys, "include", ds);
			k->ids = string_list(yval_get(inc, "ids"), &k->nids, "ids", ds);
			k->types = string_list(yval_get(inc, "types"), &k->ntypes,
			    "types", ds);
			k->tags = string_list(yval_get(inc, "tags"), &k->ntags,
			    "tags", ds);
			k->folders = string_list(yval_get(inc, "folders"),
			    &k->nfolders, "folders", ds);
			/* the pack's own profile (editions: its PDF) */
			k->audiences = string_list(yval_get(inc, "audience"),
			    &k->naudiences, "audience", ds);
		} else if (inc && inc->kind != YV_NULL)
			diag_report(ds, R_CONFIG_INVALID, CONFIG, inc->line,
			    inc->col, "'include' must be a map (ids, types, "
			    "tags, folders)");
	}
}

/* Settings for a repository written for another tool (README "Adopting
 * a repository"): links: {root, external}, keys: {theirs: ours},
 * sections: {folder: title}.  Maps are kept borrowed from the config;
 * values of the wrong shape are reported and ignored. */
static void
load_adopt(project *p, diag_set *ds)
{
	yval *v = yval_get(p->config, "links"), *w;
	size_t i;

	if (v && v->kind == YV_MAP) {
		check_keys(v, links_keys, "links", ds);
		p->link_roots = string_list(yval_get(v, "root"),
		    &p->nlink_roots, "links.root", ds);
		p->link_external = string_list(yval_get(v, "external"),
		    &p->nlink_external, "links.external", ds);
		for (i = 0; i < p->nlink_roots; i++)
			if (p->link_roots[i][0] != '/') {
				/* a root is a site path: "/site-policy/" */
				char *r = xasprintf("/%s", p->link_roots[i]);
				free(p->link_roots[i]);
				p->link_roots[i] = r;
			}
	} else if (v && v->kind != YV_NULL)
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "'links' must be a map (root, external)");
	for (i = 0; i < 2; i++) {
		const char *name = i ? "sections" : "keys";
		size_t j;
		w = yval_get(p->config, name);
		if (w && w->kind != YV_MAP && w->kind != YV_NULL) {
			diag_report(ds, R_CONFIG_INVALID, CONFIG, w->line, w->col,
			    "'%s' must be a map", name);
			continue;
		}
		for (j = 0; w && w->kind == YV_MAP && j < w->n; j++)
			if (!yval_is_scalar(w->items[j]) ||
			    w->items[j]->kind == YV_NULL)
				diag_report(ds, R_CONFIG_INVALID, CONFIG,
				    w->items[j]->line, w->items[j]->col,
				    "'%s.%s' must be text", name, w->keys[j]);
		if (w && w->kind == YV_MAP) {
			if (i)
				p->sections = w;
			else
				p->keys = w;
		}
	}
}

/* print-validity: how long a printed copy stays valid (controlled copies
 * in the PDFs), as a number and a unit: 72h, 3d, 2w.  Kept in hours;
 * 0 when absent (no controlled-copy stamp).  Anything else is
 * config-invalid: a stamp with a guessed validity would mislead. */
static void
load_print_validity(project *p, diag_set *ds)
{
	yval *v = yval_get(p->config, "print-validity");
	const char *s = yval_str(v);
	char *end;
	long n;

	if (!v || v->kind == YV_NULL)
		return;
	n = s ? strtol(s, &end, 10) : 0;
	if (s && n > 0 && end != s && (!strcmp(end, "h") || !strcmp(end, "d") ||
	    !strcmp(end, "w")) && n <= 87600) {
		p->print_validity_hours = n * (*end == 'h' ? 1 : *end == 'd' ?
		    24 : 168);
		if (p->print_validity_hours <= 87600)
			return;
		p->print_validity_hours = 0;
	}
	diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
	    "'print-validity' must be a duration like 72h, 3d or 2w (at most "
	    "ten years)");
}

project *
project_load(const char *dir, diag_set *ds)
{
	char *path = path_join(dir, CONFIG);
	size_t len, bad;
	char *text = read_file(path, &len);
	yval_error err;
	yval *cfg;
	project *p;
	yval *v;

	free(path);
	if (!text) {
		diag_report(ds, R_CONFIG_INVALID, CONFIG, 0, 0,
		    "no policyc.yaml in '%s' (a policy project needs one)", dir);
		return NULL;
	}
	if (!utf8_valid(text, len, &bad)) {
		diag_report(ds, R_YAML_SYNTAX, CONFIG, 0, 0,
		    "not UTF-8 text (bad byte at offset %zu)", bad);
		free(text);
		return NULL;
	}
	cfg = yval_parse(text, len, 0, &err);
	if (!cfg) {
		diag_report(ds, R_YAML_SYNTAX, CONFIG, err.line, err.col, "%s",
		    err.message);
		free(text);
		return NULL;
	}
	if (cfg->kind != YV_MAP) {
		diag_report(ds, R_YAML_SYNTAX, CONFIG, cfg->line, cfg->col,
		    "policyc.yaml must be a map of settings, not a %s",
		    yval_kind_name(cfg->kind));
		yval_free(cfg);
		free(text);
		return NULL;
	}

	p = xcalloc(1, sizeof *p);
	p->dir = xstrdup(dir);
	p->dir_fd1 = fsio_open_dir_path(dir) + 1;
	p->config_path = xstrdup(CONFIG);
	p->config_text = text;
	p->config_len = len;
	p->config = cfg;
	check_keys(cfg, top_keys, NULL, ds);
	p->title = string_value(cfg, "title", "Policies", ds);
	p->base_url = string_value(cfg, "base-url", NULL, ds);
	p->content = string_value(cfg, "content", "policies", ds);
	p->glossary_path = string_value(cfg, "glossary", "glossary.yaml", ds);
	p->language = string_value(cfg, "language", "en-GB", ds);
	p->allow_html = bool_value(cfg, "allow-html", 0, ds);
	if (strstr(p->content, "..") || p->content[0] == '/') {
		diag_report(ds, R_CONFIG_INVALID, CONFIG, 0, 0,
		    "'content' must be a folder inside the project");
		free(p->content);
		p->content = xstrdup("policies");
	}

	p->glossary_links = GLINKS_FIRST;
	if ((v = yval_get(cfg, "glossary-links")) != NULL) {
		const char *s = yval_str(v);
		if (s && !strcmp(s, "all"))
			p->glossary_links = GLINKS_ALL;
		else if (s && !strcmp(s, "none"))
			p->glossary_links = GLINKS_NONE;
		else if (!s || strcmp(s, "first"))
			diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
			    "'glossary-links' must be first, all or none");
	}

	v = yval_get(cfg, "organisation");
	if (v && v->kind == YV_MAP) {
		yval *c;
		p->organisation = v;
		check_keys(v, org_keys, "organisation", ds);
		c = yval_get(v, "colours");
		if (c && c->kind == YV_MAP)
			check_keys(c, colour_keys, "colours", ds);
		else if (c && c->kind != YV_NULL)
			diag_report(ds, R_CONFIG_INVALID, CONFIG, c->line, c->col,
			    "'colours' must be a map (primary, accent)");
	} else if (v && v->kind != YV_NULL)
		diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
		    "'organisation' must be a map");

	load_adopt(p, ds);
	load_print_validity(p, ds);
	p->rules = yval_get(cfg, "rules");
	load_rules(p, ds);
	load_packs(p, ds);
	return p;
}

void
project_free(project *p)
{
	size_t i, j;
	if (!p)
		return;
	if (p->dir_fd1 > 0)
		close(p->dir_fd1 - 1);
	for (i = 0; i < p->npacks; i++) {
		pack *k = &p->packs[i];
		free(k->id);
		free(k->title);
		for (j = 0; j < k->nids; j++) free(k->ids[j]);
		for (j = 0; j < k->ntypes; j++) free(k->types[j]);
		for (j = 0; j < k->ntags; j++) free(k->tags[j]);
		for (j = 0; j < k->nfolders; j++) free(k->folders[j]);
		for (j = 0; j < k->naudiences; j++) free(k->audiences[j]);
		free(k->audiences);
		free(k->ids);
		free(k->types);
		free(k->tags);
		free(k->folders);
	}
	free(p->packs);
	for (i = 0; i < p->nlink_roots; i++) free(p->link_roots[i]);
	for (i = 0; i < p->nlink_external; i++) free(p->link_external[i]);
	free(p->link_roots);
	free(p->link_external);
	free(p->dir);
	free(p->config_path);
	free(p->config_text);
	free(p->title);
	free(p->base_url);
	free(p->content);
	free(p->glossary_path);
	free(p->language);
	free(p->logo_path);
	yval_free(p->config);
	free(p);
}

const char *
project_variable(const project *p, const char *name)
{
	yval *v = yval_path(p->config, name);
	if (!v && p->organisation)
		v = yval_path(p->organisation, name);
	if (!v || !yval_is_scalar(v) || v->kind == YV_NULL)
		return NULL;
	return v->str;
}

yval *
project_rule_settings(const project *p, const char *rule)
{
	yval *v = p->rules ? yval_get(p->rules, rule) : NULL;
	return v && v->kind == YV_MAP ? v : NULL;
}
