/*
 * rules.c — the rule table (rules.def) as rows, and the lookups the rest
 * of policyc makes of it, and the names of the severities (which the
 * table's rows carry), so diag.c depends on this file and not the other
 * way round.  diag.c gets default severities here; project.c
 * validates `rules:` keys with rule_known/rule_suggest; main.c prints the
 * table for `policyc rules`.
 */
#include <string.h>

#include "rules.h"
#include "util.h"

static const rule_info table[R__COUNT] = {
#define RULE(name, id, sev, settings, what) { id, sev, settings, what },
#include "rules.def"
#undef RULE
};

const char *
diag_severity_name(severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	case SEV_NOTE: return "note";
	default: return "off";
	}
}

const rule_info *
rule_get(enum rule_id r)
{
	return (unsigned)r < R__COUNT ? &table[r] : NULL;
}

const rule_info *
rule_find(const char *id)
{
	size_t i;
	if (!id)
		return NULL;
	for (i = 0; i < R__COUNT; i++)
		if (strcmp(table[i].id, id) == 0)
			return &table[i];
	return NULL;
}

int
rule_known(const char *id)
{
	return rule_find(id) != NULL;
}

const char *
rule_suggest(const char *misspelt)
{
	const char *ids[R__COUNT];
	size_t i;
	for (i = 0; i < R__COUNT; i++)
		ids[i] = table[i].id;
	return suggest(misspelt, ids, R__COUNT);
}

void
rules_print(FILE *fp)
{
	size_t i, w = 0;
	for (i = 0; i < R__COUNT; i++)
		if (strlen(table[i].id) > w)
			w = strlen(table[i].id);
	for (i = 0; i < R__COUNT; i++) {
		const rule_info *r = &table[i];
		fprintf(fp, "%-*s  %-7s  %s", (int)w, r->id,
		    diag_severity_name(r->sev), r->what);
		if (r->settings[0])
			fprintf(fp, " [%s]", r->settings);
		fputc('\n', fp);
	}
}
