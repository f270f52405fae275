/*
 * test_core.c — unit tests of the core modules: the YAML value tree, front
 * matter splitting, id rules, ISO dates, slugs, UTF-8 checks and
 * {{variables}}.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "date.h"
#include "diag.h"
#include "document.h"
#include "frontmatter.h"
#include "project.h"
#include "util.h"
#include "yamlval.h"

static yval *
parse(const char *s)
{
	yval_error err;
	return yval_parse(s, strlen(s), 0, &err);
}

UNIT_TEST(yaml_scalars_are_typed)
{
	yval *v = parse("a: 1\nb: \"3.1\"\nc: true\nd: ~\ne: 2021-01-26\nf: x y\n");
	CHECK(v && v->kind == YV_MAP);
	CHECK_INT(yval_get(v, "a")->kind, YV_NUM);
	CHECK_INT(yval_get(v, "b")->kind, YV_STR);
	CHECK_STR(yval_str(yval_get(v, "b")), "3.1");
	CHECK_INT(yval_get(v, "c")->kind, YV_BOOL);
	CHECK_INT(yval_get(v, "d")->kind, YV_NULL);
	CHECK_INT(yval_get(v, "e")->kind, YV_STR);
	CHECK_STR(yval_str(yval_get(v, "f")), "x y");
	yval_free(v);
}

UNIT_TEST(yaml_keeps_lines_with_offset)
{
	yval_error err;
	const char *s = "title: A\nlist:\n  - one\n  - two\n";
	yval *v = yval_parse(s, strlen(s), 4, &err);
	CHECK(v != NULL);
	CHECK_INT(yval_get(v, "title")->line, 5);
	CHECK_INT(yval_get(v, "title")->col, 8);
	CHECK_INT(v->key_lines[1], 6);
	CHECK_INT(yval_get(v, "list")->items[1]->line, 8);
	CHECK_INT(yval_get(v, "list")->items[1]->col, 5);
	yval_free(v);
}

UNIT_TEST(yaml_errors_have_lines)
{
	yval_error err;
	const char *s = "a: 1\nb: [x\nc: 2\n";
	CHECK(yval_parse(s, strlen(s), 0, &err) == NULL);
	CHECK(err.line >= 2);
	CHECK(strlen(err.message) > 0);
	s = "a: 1\na: 2\n";
	CHECK(yval_parse(s, strlen(s), 0, &err) == NULL);
	CHECK_INT(err.line, 2);
	CHECK(strstr(err.message, "duplicate key") != NULL);
	s = "a: &x 1\nb: *x\n";
	CHECK(yval_parse(s, strlen(s), 0, &err) == NULL);
}

UNIT_TEST(yaml_empty_and_path)
{
	yval *v = parse("");
	CHECK(v && v->kind == YV_NULL);
	yval_free(v);
	v = parse("organisation:\n  contacts:\n    lado: { phone: \"0123\" }\n");
	CHECK_STR(yval_str(yval_path(v, "organisation.contacts.lado.phone")), "0123");
	CHECK(yval_path(v, "organisation.nope") == NULL);
	yval_free(v);
}

UNIT_TEST(frontmatter_forms)
{
	frontmatter fm;
	const char *a = "---\ntitle: A\n---\nbody\n";
	const char *b = "\xef\xbb\xbf--- \ntitle: B\n...\nbody\n";
	const char *c = "# no front matter\n";
	const char *d = "---\ntitle: never closed\n";
	const char *e = "---\r\ntitle: crlf\r\n---\r\nbody\r\n";

	frontmatter_split(a, strlen(a), &fm);
	CHECK(fm.present);
	CHECK_INT(fm.yaml_line, 2);
	CHECK_INT(fm.body_line, 4);
	CHECK(strncmp(a + fm.yaml_start, "title: A\n", fm.yaml_len) == 0);
	CHECK_STR(a + fm.body_start, "body\n");

	frontmatter_split(b, strlen(b), &fm);
	CHECK(fm.present);
	CHECK_INT(fm.bom, 3);
	CHECK_STR(b + fm.body_start, "body\n");

	frontmatter_split(c, strlen(c), &fm);
	CHECK(!fm.present && !fm.unterminated);
	CHECK_INT(fm.body_start, 0);

	frontmatter_split(d, strlen(d), &fm);
	CHECK(!fm.present && fm.unterminated);

	frontmatter_split(e, strlen(e), &fm);
	CHECK(fm.present);
	CHECK_STR(e + fm.body_start, "body\r\n");
}

UNIT_TEST(ids_follow_the_rules)
{
	char *id;
	id = document_id_from_relpath("Safeguarding/Managing Allegations.md");
	CHECK_STR(id, "safeguarding/managing-allegations");
	free(id);
	id = document_id_from_relpath("staff/index.md");
	CHECK_STR(id, "staff");
	free(id);
	id = document_id_from_relpath("index.md");
	CHECK_STR(id, "index");
	free(id);
	id = document_id_from_relpath("04emp_conduct/01_Code of Conduct.markdown");
	CHECK_STR(id, "04emp_conduct/01_code-of-conduct");
	free(id);
	CHECK(document_id_safe("a/b"));
	CHECK(!document_id_safe("../../etc/x"));
	CHECK(!document_id_safe("/etc/x"));
	CHECK(!document_id_safe("a//b"));
	CHECK(!document_id_safe("a/./b"));
	CHECK(!document_id_safe("a\\b"));
	CHECK(!document_id_safe(""));
}

UNIT_TEST(dates_are_strict)
{
	char out[11];
	CHECK(date_parse("2024-02-29", out));
	CHECK_STR(out, "2024-02-29");
	CHECK(!date_parse("2023-02-29", out));
	CHECK(!date_parse("2025-13-01", out));
	CHECK(!date_parse("2025-1-01", out));
	CHECK(!date_parse("31/01/2022", out));
	CHECK(!date_parse("January 2022", out));
	CHECK(date_parse("2022-01", out));
	CHECK_STR(out, "2022-01-31");
	CHECK(date_parse("2024-02", out));
	CHECK_STR(out, "2024-02-29");
	CHECK_INT(date_days_between("2022-01-31", "2026-11-23"), 1757);
	CHECK_INT(date_days_between("2026-11-23", "2026-11-23"), 0);
	date_add_months("2024-01-31", 1, out);
	CHECK_STR(out, "2024-02-29");
	date_add_months("2021-01-26", 36, out);
	CHECK_STR(out, "2024-01-26");
	date_from_days(date_to_days("1999-12-31") + 1, out);
	CHECK_STR(out, "2000-01-01");
}

UNIT_TEST(today_from_option_and_epoch)
{
	char out[11];
	CHECK(date_today("2026-11-23", out));
	CHECK_STR(out, "2026-11-23");
	CHECK(!date_today("2026-11", out));
	setenv("SOURCE_DATE_EPOCH", "86400", 1);
	CHECK(date_today(NULL, out));
	CHECK_STR(out, "1970-01-02");
	unsetenv("SOURCE_DATE_EPOCH");
}

UNIT_TEST(slugs_like_github)
{
	char *s;
	s = slugify("Allegation meeting/discussion");
	CHECK_STR(s, "allegation-meetingdiscussion");
	free(s);
	s = slugify("4. Roles and Responsibilities");
	CHECK_STR(s, "4-roles-and-responsibilities");
	free(s);
	s = slugify("What's new?  (2024)");
	CHECK_STR(s, "whats-new--2024");
	free(s);
	s = slugify("Café_au-lait");
	CHECK_STR(s, "café_au-lait");
	free(s);
}

UNIT_TEST(utf8_validation)
{
	size_t bad = 0;
	CHECK(utf8_valid("plain", 5, &bad));
	CHECK(utf8_valid("caf\xc3\xa9", 5, &bad));
	CHECK(!utf8_valid("caf\xe9", 4, &bad));
	CHECK_INT(bad, 3);
	CHECK(!utf8_valid("\xed\xa0\x80", 3, &bad));  /* a surrogate */
	CHECK(!utf8_valid("\xc0\xaf", 2, &bad));      /* overlong */
}

UNIT_TEST(variables_from_config_and_organisation)
{
	project p;
	yval *cfg = parse("title: Pack\norganisation:\n  name: Acorns\n"
	    "  contacts:\n    lado: { phone: \"01234\" }\n");
	memset(&p, 0, sizeof p);
	p.config = cfg;
	p.organisation = yval_get(cfg, "organisation");
	CHECK_STR(project_variable(&p, "title"), "Pack");
	CHECK_STR(project_variable(&p, "organisation.name"), "Acorns");
	CHECK_STR(project_variable(&p, "name"), "Acorns");
	CHECK_STR(project_variable(&p, "contacts.lado.phone"), "01234");
	CHECK(project_variable(&p, "contacts.lado") == NULL);
	CHECK(project_variable(&p, "nope") == NULL);
	yval_free(cfg);
}

UNIT_TEST(diagnostics_sort_and_override)
{
	diag_set *ds = diag_new();
	diag_report(ds, R_LINK_BROKEN, "b.md", 3, 1, "x");
	diag_report(ds, R_REVIEW_OVERDUE, "a.md", 9, 2, "y");
	diag_report(ds, R_LINK_BROKEN, "a.md", 9, 1, "z");
	diag_set_severity(ds, "term-unused", SEV_OFF);
	diag_report(ds, R_TERM_UNUSED, "g.yaml", 1, 1, "dropped");
	diag_set_severity(ds, "orphan", SEV_ERROR);
	diag_report(ds, R_ORPHAN, "c.md", 1, 1, "raised");
	diag_sort(ds);
	CHECK_INT(diag_count(ds), 4);
	CHECK_STR(diag_at(ds, 0)->file, "a.md");
	CHECK_INT(diag_at(ds, 0)->col, 1);
	CHECK_STR(diag_at(ds, 1)->rule, "review-overdue");
	CHECK_STR(diag_at(ds, 2)->file, "b.md");
	CHECK_INT(diag_at(ds, 3)->sev, SEV_ERROR);
	CHECK_INT(diag_count_sev(ds, SEV_ERROR), 4);
	CHECK_INT(diag_rule_default("review-due-soon"), SEV_WARNING);
	CHECK_INT(diag_rule_default("term-unused"), SEV_NOTE);
	diag_free(ds);
}
