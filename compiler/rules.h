/*
 * rules.h — the rule table as C: `enum rule_id` with one R_<NAME> per row
 * of rules.def, and the questions asked of it (default severity, settings,
 * description, is an id known, which known id a misspelling meant).  The
 * table is the single list of rule ids: diag.c, `policyc rules`,
 * `rules:` validation in policyc.yaml and the man page all read it.
 */
#ifndef POLICYC_RULES_H
#define POLICYC_RULES_H

#include <stdio.h>


/* How much a diagnostic matters (off: not reported). */
typedef enum {
	SEV_OFF = 0,
	SEV_NOTE,
	SEV_WARNING,
	SEV_ERROR
} severity;

enum rule_id {
#define RULE(name, id, sev, settings, what) R_##name,
#include "rules.def"
#undef RULE
	R__COUNT
};

typedef struct {
	const char *id;          /* "link-broken" */
	severity sev;            /* default severity */
	const char *settings;    /* "filter; days: N (60)", or "" */
	const char *what;        /* one line: what it catches */
} rule_info;

/* "error", "warning", "note" or "off". */
const char *diag_severity_name(severity s);

/* The row of a rule; r must be a valid enum value. */
const rule_info *rule_get(enum rule_id r);
/* The row of a rule id, or NULL for ids outside the table (a project
 * filter's own rules). */
const rule_info *rule_find(const char *id);
/* 1 when id is a built-in rule. */
int rule_known(const char *id);
/* The built-in rule id closest to a misspelt one, or NULL. */
const char *rule_suggest(const char *misspelt);
/* Prints the table for `policyc rules`: id, default severity, settings,
 * what it catches; one rule a line, aligned. */
void rules_print(FILE *fp);

#endif
