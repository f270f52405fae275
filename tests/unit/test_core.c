/*
 * test_core.c — unit tests of the core modules: the YAML value tree, front
 * matter splitting, id rules, ISO dates, slugs, UTF-8 checks and
 * {{variables}}.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "date.h"
#include "diag.h"
#include "document.h"
#include "escape.h"
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

/* Every field of two trees the same (yval_record's round trip). */
static int
yval_same(const yval *a, const yval *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->line != b->line || a->col != b->col ||
	    a->quoted != b->quoted || a->boolean != b->boolean ||
	    memcmp(&a->num, &b->num, sizeof a->num) != 0 || a->n != b->n ||
	    !a->str != !b->str || (a->str && strcmp(a->str, b->str)) ||
	    !a->keys != !b->keys)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->keys && (strcmp(a->keys[i], b->keys[i]) ||
		    a->key_lines[i] != b->key_lines[i] ||
		    a->key_cols[i] != b->key_cols[i]))
			return 0;
		if (!yval_same(a->items[i], b->items[i]))
			return 0;
	}
	return 1;
}

UNIT_TEST(yaml_record_reads_back_every_field)
{
	static const char *const texts[] = {
		"title: \"A \\t tab, a\\nnewline\"\nreview: 2027-01-31\n"
		"version: 3.10\nn: -0.0\nbig: 1e308\nhex: 0x1F\nneg: -12\n"
		"yes: true\nno: False\nnone: ~\nempty:\nq: 'quoted 1'\n"
		"back: \"a \\\\ backslash \\\\t not a tab\"\n"
		"utf8: \"caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80\"\n"
		"list: [a, 1, true, null, [x, [y]], {k: v}]\n"
		"map:\n  deep:\n    deeper: [1, 2, 3]\n  \"tab\\tkey\": x\n"
		"text: |\n  two\n  lines\n",
		"- just\n- a list\n",
		"plain scalar\n",
		"",
	};
	size_t k;

	for (k = 0; k < sizeof texts / sizeof *texts; k++) {
		yval_error err;
		yval *v = yval_parse(texts[k], strlen(texts[k]), 3, &err), *w;
		buf b, c;

		CHECK(v != NULL);
		buf_init(&b);
		buf_init(&c);
		yval_record(v, &b);
		CHECK(b.data && !strpbrk(b.data, "\n\r"));
		w = yval_from_record(b.data);
		CHECK(w != NULL);
		CHECK(yval_same(v, w));
		yval_record(w, &c);
		CHECK_STR(c.data, b.data);
		/* a tree made again grows as a parsed one does */
		if (w->kind == YV_MAP) {
			yval *x = yval_from_record("1\t9\t9\t0\t0\t\t=x\t0");
			CHECK(x != NULL);
			yval_append(w, x, xstrdup("added"), 9, 1);
			CHECK_STR(yval_str(yval_get(w, "added")), "x");
		}
		/* cut short or added to anywhere, a record is refused */
		if (b.len > 2) {
			char *cut = xstrndup(b.data, b.len - 2);
			char *more = xasprintf("%s\t0", b.data);
			yval *bad = yval_from_record(cut);
			CHECK(bad == NULL || !yval_same(v, bad));
			yval_free(bad);
			CHECK(yval_from_record(more) == NULL);
			free(cut);
			free(more);
		}
		buf_free(&b);
		buf_free(&c);
		yval_free(v);
		yval_free(w);
	}
	CHECK(yval_from_record("") == NULL);
	CHECK(yval_from_record("9\t1\t1\t0\t0\t\t-\t0") == NULL);   /* kind */
	CHECK(yval_from_record("1\t1\t1\t0\t0\t\t=a\\q\t0") == NULL);  /* escape */
	CHECK(yval_from_record("1\t1\t1\t0\t0\t\t=a\t1\t1\t1\t1") == NULL); /* items of a string */
	CHECK(yval_from_record("4\t1\t1\t0\t0\t\t-\t99999999999") == NULL);
	CHECK(yval_from_record("1\t1\t1\t0\t0\tnot a number\t=a\t0") == NULL);
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
	/* characters past ASCII kept; a byte that is not UTF-8 (a name
	 * written in Latin-1) is a separator, so the id stays UTF-8 */
	id = document_id_from_relpath("Café/caf\xe9 notes\xff.md");
	CHECK_STR(id, "café/caf-notes");
	free(id);
	id = document_id_from_relpath("\xc3(\xe2\x82/x.md");
	CHECK_STR(id, "doc/x");
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
	/* past runs of ASCII (read eight bytes at a time): the bad byte
	 * found where it is, and a sequence across the eight-byte steps */
	for (size_t at = 0; at < 20; at++) {
		char t[32];
		memset(t, 'a', sizeof t);
		t[at] = (char)0xe9;
		bad = 99;
		CHECK(!utf8_valid(t, 24, &bad));
		CHECK_INT(bad, at);
		t[at] = (char)0xc3;
		t[at + 1] = (char)0xa9;
		CHECK(utf8_valid(t, 24, &bad));
		CHECK(!utf8_valid(t, at + 1, &bad));   /* cut short */
		CHECK_INT(bad, at);
	}
}

/* escape_text copies runs of printable ASCII at once: what lies between
 * and after them is escaped as before, at every place in a line */
UNIT_TEST(text_escapes_around_plain_runs)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "", "" },
		{ "plain text\twith a tab", "plain text\twith a tab" },
		{ "a\nb\rc", "a\\nb\\rc" },
		{ "\x1b[31mred", "\\x1b[31mred" },
		{ "del\x7f", "del\\x7f" },
		{ "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d", "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d" },
		{ "csi \xc2\x9b!", "csi \\u009b!" },
		{ "bad \xff byte", "bad \xef\xbf\xbd byte" },
		{ "cut \xc3", "cut \xef\xbf\xbd" },
		{ "\x01", "\\x01" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf b;
		buf_init(&b);
		buf_puts(&b, "<");
		escape_text(&b, cases[i].in);
		buf_puts(&b, ">");
		char *want = xasprintf("<%s>", cases[i].out);
		CHECK_STR(b.data, want);
		free(want);
		buf_free(&b);
	}
	buf b;
	buf_init(&b);
	escape_text(&b, NULL);
	CHECK_STR(b.data ? b.data : "", "");
	buf_free(&b);
}

/* buf_put_long prints what "%lld" prints, at the ends of the range too */
UNIT_TEST(buf_put_long_is_lld)
{
	static const long long v[] = { 0, 7, -7, 10, 99, 100, -100,
	    1733380000123456789LL, LLONG_MAX, LLONG_MIN };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		buf b;
		char want[32];
		buf_init(&b);
		buf_puts(&b, "x");
		buf_put_long(&b, v[i]);
		snprintf(want, sizeof want, "x%lld", v[i]);
		CHECK_STR(b.data, want);
		buf_free(&b);
	}
	/* buf_printf: text longer than the room it first tries */
	buf b;
	buf_init(&b);
	buf_printf(&b, "%s", "");
	CHECK_STR(b.data, "");
	for (int i = 0; i < 50; i++)
		buf_printf(&b, "%d:%s;", i, "a fairly long piece of text to pass the room");
	CHECK_INT(b.len, strlen(b.data));
	CHECK(strstr(b.data, "49:a fairly long piece of text to pass the room;") != NULL);
	buf_free(&b);
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

/* The full table, as suggest measured before it kept to the band: the
 * reference the banded one must agree with. */
static size_t
full_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	static size_t m[65][65];

	for (j = 0; j <= lb; j++)
		m[0][j] = j;
	for (i = 1; i <= la; i++) {
		m[i][0] = i;
		for (j = 1; j <= lb; j++) {
			int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;
			d = m[i - 1][j - 1] + (ca != cb);
			if (m[i - 1][j] + 1 < d)
				d = m[i - 1][j] + 1;
			if (m[i][j - 1] + 1 < d)
				d = m[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == (b[j - 2] | 0x20) &&
			    (a[i - 2] | 0x20) == cb && m[i - 2][j - 2] + 1 < d)
				d = m[i - 2][j - 2] + 1;
			m[i][j] = d;
		}
	}
	return m[la][lb];
}

static unsigned
next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* w with n random edits (insert, delete, substitute, swap neighbours). */
static void
edited(const char *w, int n, char *out, unsigned *seed)
{
	size_t len = strlen(w), p;

	memcpy(out, w, len + 1);
	while (n-- > 0) {
		len = strlen(out);
		p = len ? next_rand(seed) % len : 0;
		switch (next_rand(seed) % 4) {
		case 0:
			if (len < 60) {
				memmove(out + p + 1, out + p, len - p + 1);
				out[p] = "abcdeAB"[next_rand(seed) % 7];
			}
			break;
		case 1:
			if (len)
				memmove(out + p, out + p + 1, len - p);
			break;
		case 2:
			if (len)
				out[p] = "abcdeAB"[next_rand(seed) % 7];
			break;
		default:
			if (p + 1 < len) {
				char t = out[p];
				out[p] = out[p + 1];
				out[p + 1] = t;
			}
		}
	}
}

UNIT_TEST(suggest_agrees_with_the_full_table)
{
	/* random words over a small alphabet, each against candidates made
	 * from it by 1 to 5 random edits (and some unrelated words); the
	 * nearest within the cap (a third of the word, 1 to 3) must be the
	 * full table's, first one on a tie */
	static char word[64], cand[40][64];
	const char *cands[40];
	unsigned seed = 12345;
	int round, k, bad = 0, found = 0;

	for (round = 0; round < 2000; round++) {
		size_t len = 1 + next_rand(&seed) % 30, i, cap, best = (size_t)-1;
		const char *got;
		for (i = 0; i < len; i++)
			word[i] = "abcdeAB"[next_rand(&seed) % 7];
		word[len] = '\0';
		for (k = 0; k < 40; k++) {
			if (k % 8 == 7)
				edited("unrelated", (int)(next_rand(&seed) % 3), cand[k],
				    &seed);
			else
				edited(word, 1 + (int)(next_rand(&seed) % 5), cand[k],
				    &seed);
			cands[k] = cand[k];
		}
		got = suggest(word, cands, 40);
		cap = len / 3 > 3 ? 3 : len / 3 < 1 ? 1 : len / 3;
		for (i = 0; i < 40; i++) {
			size_t d = full_distance(word, cands[i]);
			if (d <= cap && (best == (size_t)-1 ||
			    d < full_distance(word, cands[best])))
				best = i;
		}
		found += best != (size_t)-1;
		if (best == (size_t)-1 ? got != NULL : got != cands[best])
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK(found > 1000);   /* the rounds did test near misses */
	CHECK_STR(suggest("reveiw", (const char *[]){ "owner", "review",
	    "version" }, 3), "review");
	CHECK_STR(suggest("abc", (const char *[]){ "abcde", "abcd" }, 2),
	    "abcd");
	CHECK(suggest("zzzzzz", (const char *[]){ "review" }, 1) == NULL);
}
