/*
 * scaffold.c — `policyc new DIR`.  Writes a minimal project that builds
 * and checks clean: policyc.yaml with the organisation block and rules a
 * setting would fill in, a glossary with one term, and one policy with
 * the sections the default rules ask for and a review date a year ahead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "date.h"
#include "fsio.h"
#include "scaffold.h"
#include "util.h"

static const char config_text[] =
"# policyc project settings — see the README for every key.\n"
"title: Our Policies\n"
"language: en-GB\n"
"organisation:\n"
"  name: Our Organisation\n"
"  address: 1 Example Street, Anytown AB1 2CD\n"
"  phone: \"01632 960000\"\n"
"  registration: EY000000\n"
"  colours: { primary: \"#1d70b8\", accent: \"#00703c\" }\n"
"  contacts:\n"
"    lado: { name: Local Authority Designated Officer, phone: \"01632 960001\" }\n"
"rules:\n"
"  review-due-soon: { days: 60 }\n"
"  section-missing:\n"
"    policy: [Introduction, Roles and Responsibilities]\n"
"glossary-links: first\n"
"packs:\n"
"  - id: policy-pack\n"
"    title: Policy Pack\n"
"    include: { types: [policy] }\n";

static const char glossary_text[] =
"- term: Local Authority Designated Officer\n"
"  abbr: LADO\n"
"  definition: |\n"
"    The officer, or team of officers, in each local authority who manages\n"
"    and oversees allegations against people who work with children.\n";

static const char policy_fmt[] =
"---\n"
"title: Example Safeguarding Policy\n"
"type: policy\n"
"owner: Designated Safeguarding Lead\n"
"version: \"1.0\"\n"
"approved: %s\n"
"approved-by: Management committee\n"
"review: %s\n"
"status: active\n"
"tags: [safeguarding]\n"
"---\n"
"\n"
"## Introduction\n"
"\n"
"{{organisation.name}} keeps children safe. Replace this text with your\n"
"policy.\n"
"\n"
"## Roles and Responsibilities\n"
"\n"
"Report an allegation against a member of staff to the [LADO](#) on\n"
"{{contacts.lado.phone}} within one working day.\n";

int
scaffold_new(const char *dir, const char *today)
{
	return scaffold_project(dir, today, 1);
}

int
scaffold_project(const char *dir, const char *today, int example)
{
	char review[11], *path, *text;
	int rc = 0;

	if (fsio_exists(dir) && !(fsio_is_dir(dir) && fsio_dir_empty(dir))) {
		fprintf(stderr, "policyc: '%s' exists and is not empty; "
		    "choose a new folder\n", dir);
		return EXIT_USAGE;
	}
	date_add_months(today, 12, review);
	text = xasprintf(policy_fmt, today, review);
	path = path_join(dir, "policyc.yaml");
	rc |= fsio_write(path, config_text, strlen(config_text));
	free(path);
	path = path_join(dir, "glossary.yaml");
	rc |= fsio_write(path, glossary_text, strlen(glossary_text));
	free(path);
	if (example) {
		path = path_join(dir, "policies/safeguarding/example-policy.md");
		rc |= fsio_write(path, text, strlen(text));
		free(path);
	}
	free(text);
	if (rc) {
		fprintf(stderr, "policyc: cannot write the new project in '%s'\n",
		    dir);
		return EXIT_ERRORS;
	}
	if (!example)
		return EXIT_OK;
	printf("new policy project in %s: edit policyc.yaml, then\n"
	    "  policyc check %s\n  policyc build %s\n", dir, dir, dir);
	return EXIT_OK;
}
