/*
 * project.h — the policy project a user writes, read from policyc.yaml:
 * title, paths, organisation and branding, rule settings, packs.  Unknown
 * keys are config-unknown-key errors with their line.  The whole config
 * tree is kept (project->config) so {{variables}}, the Lua filters (their
 * rules: settings) and the XML writer can read it.
 */
#ifndef POLICYC_PROJECT_H
#define POLICYC_PROJECT_H

#include "yamlval.h"
#include "diag.h"

typedef enum {
	GLINKS_FIRST,
	GLINKS_ALL,
	GLINKS_NONE
} glossary_links_mode;

typedef struct {
	char *id, *title;
	int line;
	int cover, glossary;
	/* include rules: any of these lists may be empty */
	char **ids; size_t nids;
	char **types; size_t ntypes;
	char **tags; size_t ntags;
	char **folders; size_t nfolders;
	char **audiences; size_t naudiences;  /* include: {audience:} */
} pack;

/* Brand colours after brand.c has judged them: "#rrggbb", darkened where
 * the configured colour failed contrast against white.  Empty strings
 * until brand_resolve has run. */
typedef struct {
	char primary[8], accent[8], text[8];
} brand_colours;

typedef struct project {
	char *dir;            /* project folder as given */
	int dir_fd1;          /* an O_PATH descriptor of it plus one (0:
	                         none), opened once for reading every
	                         document beneath it (document.c) */
	char *config_path;    /* "policyc.yaml" */
	char *config_text;    /* its bytes as read: serve's standby
	                         (standby.c) knows a project by them */
	size_t config_len;
	yval *config;         /* whole config tree (a map) */
	char *title;
	char *base_url;       /* may be NULL */
	char *content;        /* content folder, default "policies" */
	char *glossary_path;  /* default "glossary.yaml" */
	char *language;       /* default "en-GB" */
	int allow_html;
	glossary_links_mode glossary_links;
	yval *organisation;   /* borrowed from config; may be NULL */
	yval *rules;          /* borrowed from config; may be NULL */
	pack *packs; size_t npacks;
	brand_colours brand;  /* filled by brand_resolve (brand.c) */
	char *logo_path;      /* organisation.logo judged by brand_resolve:
	                         project-relative, inside, a regular file, no
	                         active SVG; NULL when absent or refused */
	/* adopting another tool's repository (project.c load_adopt) */
	char **link_roots; size_t nlink_roots;       /* "/site-policy/" */
	char **link_external; size_t nlink_external; /* host names */
	yval *keys;           /* borrowed map: their key -> ours; or NULL */
	yval *sections;       /* borrowed map: folder -> title; or NULL */
	long print_validity_hours; /* print-validity: in hours; 0: absent */
	/* editions (extends.c): the cores' folders as seen from dir
	 * ("../core"), nearest first, whose filters, templates and images
	 * the project inherits; borrowed from extends_open, NULL if none */
	char **cores; size_t ncores;
} project;

/* Loads DIR/policyc.yaml.  Returns NULL (with a diagnostic) when the file
 * is missing or not valid YAML at all; unknown keys and wrongly formed
 * values are reported and skipped.  Caller frees with project_free. */
project *project_load(const char *dir, diag_set *ds);
void project_free(project *p);

/* Looks up {{name}}: top level first, then inside organisation.  Returns
 * the scalar text (borrowed) or NULL. */
const char *project_variable(const project *p, const char *name);
/* Settings map for a rule (rules: NAME: {...}); NULL when absent or when
 * the rule is set to a bare severity. */
yval *project_rule_settings(const project *p, const char *rule);

#endif
