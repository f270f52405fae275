/*
 * project.c — reads policyc.yaml into a project.  Every key of DESIGN.md is
 * understood; an unknown key is a config-unknown-key error at its line (a
 * typo must not pass silently) and a value of the wrong form is
 * config-invalid.  Rule severities from rules: are handed to the
 * diagnostics set here, so every later stage reports at the configured
 * level without knowing about the config.
 */
#include <stdlib.h>
#include <string.h>

#include "project.h"
#include "util.h"

#define CONFIG "policyc.yaml"

static const char *const top_keys[] = {
	"title", "base-url", "content", "glossary", "language", "organisation",
	"rules", "glossary-links", "packs", "allow-html", NULL
};
static const char *const org_keys[] = {
	"name", "address", "phone", "email", "website", "registration",
	"charity", "logo", "colours", "contacts", NULL
};
static const char *const colour_keys[] = { "primary", "accent", NULL };
static const char *const pack_keys[] = {
	"id", "title", "include", "cover", "glossary", NULL
};
static const char *const include_keys[] = {
	"ids", "types", "tags", "folders", NULL
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
			diag_report(ds, "config-unknown-key", CONFIG,
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
		diag_report(ds, "config-invalid", CONFIG, v->line, v->col,
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
		diag_report(ds, "config-invalid", CONFIG, v->line, v->col,
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
		diag_report(ds, "config-invalid", CONFIG, v->line, v->col,
		    "'%s' must be a list", what);
		return NULL;
	}
	out = xcalloc(v->n ? v->n : 1, sizeof *out);
	for (i = 0; i < v->n; i++) {
		if (!yval_is_scalar(v->items[i])) {
			diag_report(ds, "config-invalid", CONFIG,
			    v->items[i]->line, v->items[i]->col,
			    "items of '%s' must be text", what);
			continue;
		}
		out[(*n)++] = xstrdup(v->items[i]->str);
	}
	return out;
}

static void
load_rules(project *p, diag_set *ds)
{
	size_t i;
	yval *r = p->rules;

	if (!r || r->kind == YV_NULL)
		return;
	if (r->kind != YV_MAP) {
		diag_report(ds, "config-invalid", CONFIG, r->line, r->col,
		    "'rules' must be a map of rule ids");
		p->rules = NULL;
		return;
	}
	for (i = 0; i < r->n; i++) {
		yval *v = r->items[i];
		yval *sev = NULL;
		severity s;
		if (yval_is_scalar(v))
			sev = v;
		else if (v->kind == YV_MAP)
			sev = yval_get(v, "severity");
		if (!sev)
			continue;
		if (!yval_is_scalar(sev) || !diag_severity_parse(sev->str, &s)) {
			diag_report(ds, "config-invalid", CONFIG, sev->line,
			    sev->col, "severity of '%s' must be off, note, "
			    "warning or error", r->keys[i]);
			continue;
		}
		diag_set_severity(ds, r->keys[i], s);
	}
}

static void
load_packs(project *p, diag_set *ds)
{
	yval *v = yval_get(p->config, "packs");
	size_t i;

	if (!v || v->kind == YV_NULL)
		return;
	if (v->kind != YV_LIST) {
		diag_report(ds, "config-invalid", CONFIG, v->line, v->col,
		    "'packs' must be a list");
		return;
	}
	p->packs = xcalloc(v->n ? v->n : 1, sizeof *p->packs);
	for (i = 0; i < v->n; i++) {
		yval *pv = v->items[i], *inc;
		pack *k;
		char *id;
		if (pv->kind != YV_MAP) {
			diag_report(ds, "config-invalid", CONFIG, pv->line,
			    pv->col, "each pack must be a map with id and title");
			continue;
		}
		check_keys(pv, pack_keys, "a pack", ds);
		id = string_value(pv, "id", NULL, ds);
		if (!id || !*id || strchr(id, '/') || strstr(id, "..")) {
			diag_report(ds, "config-invalid", CONFIG, pv->line,
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
		} else if (inc && inc->kind != YV_NULL)
			diag_report(ds, "config-invalid", CONFIG, inc->line,
			    inc->col, "'include' must be a map (ids, types, "
			    "tags, folders)");
	}
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
		diag_report(ds, "config-invalid", CONFIG, 0, 0,
		    "no policyc.yaml in '%s' (a policy project needs one)", dir);
		return NULL;
	}
	if (!utf8_valid(text, len, &bad)) {
		diag_report(ds, "yaml-syntax", CONFIG, 0, 0,
		    "not UTF-8 text (bad byte at offset %zu)", bad);
		free(text);
		return NULL;
	}
	cfg = yval_parse(text, len, 0, &err);
	free(text);
	if (!cfg) {
		diag_report(ds, "yaml-syntax", CONFIG, err.line, err.col, "%s",
		    err.message);
		return NULL;
	}
	if (cfg->kind != YV_MAP) {
		diag_report(ds, "yaml-syntax", CONFIG, cfg->line, cfg->col,
		    "policyc.yaml must be a map of settings, not a %s",
		    yval_kind_name(cfg->kind));
		yval_free(cfg);
		return NULL;
	}

	p = xcalloc(1, sizeof *p);
	p->dir = xstrdup(dir);
	p->config_path = xstrdup(CONFIG);
	p->config = cfg;
	check_keys(cfg, top_keys, NULL, ds);
	p->title = string_value(cfg, "title", "Policies", ds);
	p->base_url = string_value(cfg, "base-url", NULL, ds);
	p->content = string_value(cfg, "content", "policies", ds);
	p->glossary_path = string_value(cfg, "glossary", "glossary.yaml", ds);
	p->language = string_value(cfg, "language", "en-GB", ds);
	p->allow_html = bool_value(cfg, "allow-html", 0, ds);
	if (strstr(p->content, "..") || p->content[0] == '/') {
		diag_report(ds, "config-invalid", CONFIG, 0, 0,
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
			diag_report(ds, "config-invalid", CONFIG, v->line, v->col,
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
			diag_report(ds, "config-invalid", CONFIG, c->line, c->col,
			    "'colours' must be a map (primary, accent)");
	} else if (v && v->kind != YV_NULL)
		diag_report(ds, "config-invalid", CONFIG, v->line, v->col,
		    "'organisation' must be a map");

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
	for (i = 0; i < p->npacks; i++) {
		pack *k = &p->packs[i];
		free(k->id);
		free(k->title);
		for (j = 0; j < k->nids; j++) free(k->ids[j]);
		for (j = 0; j < k->ntypes; j++) free(k->types[j]);
		for (j = 0; j < k->ntags; j++) free(k->tags[j]);
		for (j = 0; j < k->nfolders; j++) free(k->folders[j]);
		free(k->ids);
		free(k->types);
		free(k->tags);
		free(k->folders);
	}
	free(p->packs);
	free(p->dir);
	free(p->config_path);
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
