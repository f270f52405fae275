/*
 * test_meta.c — unit tests of the typed document model (meta.c) and of
 * what document_load bounds: GitHub's heading slugs on a table of Unicode
 * cases, repeat suffixes (3,000 equal headings), typed front matter
 * fields, meta-unknown with its suggestion and allow: list, draft: and
 * published:, review states from meta_judge, typed rule settings in
 * policyc.yaml, nesting flattened, {{var}} growth bounded and a FIFO
 * refused.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus.h"
#include "document.h"
#include "meta.h"
#include "project.h"
#include "slug.h"
#include "util.h"
#include "harness.h"

/* ---- slugs ---- */

UNIT_TEST(slug_github_unicode_table)
{
	/* expected values follow github-slugger's rules: lower case; drop
	 * every character outside L, M, Nd, Nl, Pc, space and '-'; space
	 * to '-' */
	static const char *const cases[][2] = {
		{ "Children\xe2\x80\x99s Services", "childrens-services" },
		{ "\xe2\x80\x9cQuoted\xe2\x80\x9d \xe2\x80\x93 \xc2\xa3" "5",
		  "quoted--5" },
		{ "A co-ordinated approach \xe2\x80\x93 everyone",
		  "a-co-ordinated-approach--everyone" },
		{ "What's new?  (2024)", "whats-new--2024" },
		{ "Caf\xc3\xa9 au lait", "caf\xc3\xa9-au-lait" },
		{ "\xc3\x89" "COLE", "\xc3\xa9" "cole" },
		{ "snake_case_name", "snake_case_name" },
		{ "Emoji \xf0\x9f\x98\x80 here", "emoji--here" },
		{ "\xe4\xb8\xad\xe6\x96\x87\xe6\xa0\x87\xe9\xa2\x98",
		  "\xe4\xb8\xad\xe6\x96\x87\xe6\xa0\x87\xe9\xa2\x98" },
		{ "Section 4.21: Roles", "section-421-roles" },
		{ "\xc2\xbd day \xc2\xb2", "-day-" },       /* ½ and ² are No */
		{ "Stra\xc3\x9f" "e", "stra\xc3\x9f" "e" },
		{ "\xce\x9f\xce\x94\xce\x9f\xce\xa3", "\xce\xbf\xce\xb4\xce\xbf"
		  "\xcf\x82" },                 /* ΟΔΟΣ: final sigma, as JS */
		/* JavaScript's Final_Sigma (Unicode's): only after a cased
		 * letter, and not before one — a lone Σ is σ; before ƻ, a
		 * letter that is not cased, it is final */
		{ "\xce\xa3", "\xcf\x83" },
		{ "a \xce\xa3 z", "a-\xcf\x83-z" },
		{ "x\xce\xa3\xc6\xbb", "x\xcf\x82\xc6\xbb" },
		{ "\xe2\x85\xa0 part", "\xe2\x85\xb0-part" },  /* Ⅰ -> ⅰ */
		{ "\xe2\x92\xb6 circled", "\xe2\x93\x90-circled" }, /* Ⓐ Alphabetic */
		{ "a\xe2\x80\x94" "b", "ab" },              /* em dash */
		{ "tab\there", "tabhere" },
		{ "non\xc2\xa0" "breaking", "nonbreaking" }, /* NBSP is Zs */
		{ "x\xe2\x80\xbfy", "x\xe2\x80\xbfy" },      /* ‿ is Pc */
		{ "  lead", "--lead" },
		{ "100% & more!", "100--more" },
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = slug_github(cases[i][0]);
		CHECK_STR(s, cases[i][1]);
		free(s);
	}
}

UNIT_TEST(slugger_repeats_like_github)
{
	slugger *sl = slugger_new();
	static const char *const in[] = {
		"Same", "Same", "Same-1", "Same", "Other", "same", NULL
	};
	static const char *const want[] = {
		"same", "same-1", "same-1-1", "same-2", "other", "same-3"
	};
	size_t i;
	for (i = 0; in[i]; i++) {
		char *s = slugger_next(sl, in[i]);
		CHECK_STR(s, want[i]);
		free(s);
	}
	slugger_free(sl);

	/* 3,000 identical headings: linear, the last is same-2999 */
	sl = slugger_new();
	for (i = 0; i < 3000; i++) {
		char *s = slugger_next(sl, "Same");
		if (i == 2999)
			CHECK_STR(s, "same-2999");
		free(s);
	}
	slugger_free(sl);
}

/* ---- documents in a temporary project ---- */

typedef struct {
	char dir[64];
	diag_set *ds;
	project *p;
} fx;

static void
put(const char *dir, const char *rel, const char *text)
{
	char *path = path_join(dir, rel);
	FILE *fp;
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	free(path);
}

static void
fx_open(fx *f, const char *config)
{
	char *pol;
	strcpy(f->dir, "/tmp/policyc-meta-XXXXXX");
	CHECK(mkdtemp(f->dir) != NULL);
	put(f->dir, "policyc.yaml", config);
	pol = path_join(f->dir, "policies");
	mkdir(pol, 0755);
	free(pol);
	f->ds = diag_new();
	f->p = project_load(f->dir, f->ds);
	CHECK(f->p != NULL);
}

static document *
fx_doc(fx *f, const char *name, const char *text)
{
	char *rel = xasprintf("policies/%s", name);
	document *d;
	put(f->dir, rel, text);
	d = document_load(f->p, rel, name, f->ds);
	free(rel);
	return d;
}

static void
fx_close(fx *f)
{
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		unit_fail(__FILE__, __LINE__, "cannot remove the fixture");
	free(cmd);
	project_free(f->p);
	diag_free(f->ds);
}

/* The first diagnostic of a rule, or NULL. */
static const diagnostic *
find(diag_set *ds, const char *rule)
{
	size_t i;
	for (i = 0; i < diag_count(ds); i++)
		if (!strcmp(diag_at(ds, i)->rule, rule))
			return diag_at(ds, i);
	return NULL;
}

static size_t
count(diag_set *ds, const char *rule)
{
	size_t i, n = 0;
	for (i = 0; i < diag_count(ds); i++)
		n += !strcmp(diag_at(ds, i)->rule, rule);
	return n;
}

UNIT_TEST(meta_typed_fields)
{
	fx f;
	document *d;
	fx_open(&f, "title: T\n");
	d = fx_doc(&f, "a.md",
	    "---\n"
	    "title: A\n"
	    "owner: DSL\n"
	    "version: 3.1\n"
	    "approved: 2024-01-15\n"
	    "approved-by: Board\n"
	    "review: 2026-12\n"
	    "status: superseded\n"
	    "superseded-by: b\n"
	    "tags: allegations\n"
	    "audience: [staff, volunteers]\n"
	    "amendments:\n"
	    "  - { date: 2024-03-04, summary: New section }\n"
	    "  - { date: nonsense, summary: Bad date }\n"
	    "history:\n"
	    "  - { version: \"1.0\", date: 2024-01-15, by: Board, note: First }\n"
	    "related: [x, {id: y, note: see}, https://example.org/]\n"
	    "shelf: page\n"
	    "---\n# A\n");
	CHECK_STR(d->owner, "DSL");
	CHECK_STR(d->version, "3.1");
	CHECK_STR(d->approved, "2024-01-15");
	CHECK_STR(d->approved_by, "Board");
	CHECK_STR(d->review, "2026-12-31");
	CHECK_INT(d->status_kind, STATUS_SUPERSEDED);
	CHECK_STR(d->status, "superseded");
	CHECK_STR(d->superseded_by, "b");
	CHECK_INT(d->superseded_by_line, 9);
	CHECK_INT(d->ntags, 1);                 /* a string is a one-item list */
	CHECK_STR(d->tags[0], "allegations");
	CHECK_INT(d->naudience, 2);
	CHECK_STR(d->audience[1], "volunteers");
	CHECK_INT(d->namendments, 2);
	CHECK_STR(d->amendments[0].date, "2024-03-04");
	CHECK(d->amendments[1].date == NULL);
	CHECK_STR(d->amendments[1].summary, "Bad date");
	CHECK_INT(d->nhistory, 1);
	CHECK_STR(d->history[0].by, "Board");
	CHECK_INT(d->nrelated, 3);
	CHECK_STR(d->related[1].name, "y");
	CHECK_STR(d->related[1].note, "see");
	CHECK_STR(d->related[1].title, "see");
	CHECK_STR(d->related[2].name, "https://example.org/");
	CHECK_INT(d->nextra, 1);
	CHECK_STR(d->extra[0].key, "shelf");
	CHECK_INT(count(f.ds, "meta-invalid"), 1);   /* the bad date */
	CHECK_INT(count(f.ds, "meta-unknown"), 1);
	document_free(d);
	fx_close(&f);
}

UNIT_TEST(meta_unknown_suggests_and_allows)
{
	fx f;
	document *d;
	const diagnostic *g;
	fx_open(&f, "title: T\nrules:\n  meta-unknown: { allow: [layout, permalink] }\n");
	d = fx_doc(&f, "a.md",
	    "---\ntitle: A\nowner: o\nreveiw: 2027-01-01\nlayout: x\n"
	    "permalink: /a/\nzzzqqq: 1\n---\n");
	CHECK_INT(count(f.ds, "meta-unknown"), 2);
	g = find(f.ds, "meta-unknown");
	CHECK(g && strstr(g->message, "did you mean 'review'"));
	CHECK(g && g->line == 4 && g->col == 1);
	CHECK_INT(d->nextra, 4);   /* all kept for the XML */
	document_free(d);
	fx_close(&f);
}

UNIT_TEST(meta_draft_and_published)
{
	fx f;
	document *a, *b, *c, *e;
	fx_open(&f, "title: T\n");
	a = fx_doc(&f, "a.md", "---\ntitle: A\ndraft: true\n---\n");
	b = fx_doc(&f, "b.md", "---\ntitle: B\npublished: false\n---\n");
	c = fx_doc(&f, "c.md", "---\ntitle: C\ndraft: false\npublished: true\n---\n");
	e = fx_doc(&f, "e.md", "---\ntitle: E\nstatus: active\ndraft: true\n---\n");
	CHECK_INT(a->status_kind, STATUS_DRAFT);
	CHECK_STR(a->status, "draft");
	CHECK_INT(b->status_kind, STATUS_DRAFT);
	CHECK_INT(c->status_kind, STATUS_ACTIVE);
	CHECK_STR(c->status, "active");
	CHECK_INT(e->status_kind, STATUS_ACTIVE);   /* status: wins */
	CHECK_INT(count(f.ds, "meta-draft"), 3);
	CHECK_INT(count(f.ds, "meta-unknown"), 0);
	document_free(a);
	document_free(b);
	document_free(c);
	document_free(e);
	fx_close(&f);
}

UNIT_TEST(meta_judge_review_states)
{
	fx f;
	document **dv = xcalloc(6, sizeof *dv);
	corpus *c;
	size_t i;
	fx_open(&f, "title: T\nrules:\n  review-due-soon: { days: 30 }\n");
	dv[0] = fx_doc(&f, "a.md", "---\ntitle: A\nreview: 2026-11-01\n---\n");
	dv[1] = fx_doc(&f, "b.md", "---\ntitle: B\nreview: 2026-12-10\n---\n");
	dv[2] = fx_doc(&f, "c.md", "---\ntitle: C\nreview: 2027-06-01\n---\n");
	dv[3] = fx_doc(&f, "d.md", "---\ntitle: D\n---\n");
	dv[4] = fx_doc(&f, "e.md",
	    "---\ntitle: E\nreview: 2026-11-01\nstatus: withdrawn\n---\n");
	dv[5] = fx_doc(&f, "f.md", "---\ntitle: F\nreview: 2026-11-23\n---\n");
	c = corpus_new(f.p, dv, 6, f.ds);
	strcpy(c->today, "2026-11-23");
	meta_judge(c, f.ds);
	for (i = 0; i < c->ndocs; i++) {
		document *d = c->docs[i];
		switch (d->title[0]) {
		case 'A':
			CHECK_INT(d->review_state, REVIEW_OVERDUE);
			CHECK_INT(d->review_days, 22);
			break;
		case 'B':
			CHECK_INT(d->review_state, REVIEW_DUE_SOON);
			CHECK_INT(d->review_days, 17);
			break;
		case 'C':
			CHECK_INT(d->review_state, REVIEW_OK);
			break;
		case 'D':
			CHECK_INT(d->review_state, REVIEW_NONE);
			break;
		case 'E':
			CHECK_INT(d->review_state, REVIEW_SKIPPED);
			CHECK_INT(d->review_days, -22);
			break;
		case 'F':
			CHECK_INT(d->review_state, REVIEW_DUE_SOON);
			CHECK_INT(d->review_days, 0);
			break;
		}
	}
	CHECK_STR(meta_review_state_name(REVIEW_SKIPPED), "skipped");
	CHECK_STR(meta_review_state_name(REVIEW_OK), "ok");
	corpus_free(c);
	fx_close(&f);
}

UNIT_TEST(rule_settings_are_typed)
{
	fx f;
	fx_open(&f, "title: T\nrules:\n"
	    "  review-due-soon: { days: soon }\n"       /* line 3 */
	    "  filter-error: { seconds: 0 }\n"
	    "  review-intervall: warning\n"
	    "  section-missing: { policy: Purpose }\n"
	    "  link-text: { phrase: [here] }\n"
	    "  meta-unknown: { allow: [layout] }\n");
	CHECK_INT(count(f.ds, "config-invalid"), 3);
	CHECK_INT(count(f.ds, "config-unknown-key"), 2);
	CHECK(find(f.ds, "config-invalid")->line == 3);
	/* the bad value is dropped: later readers see the default */
	CHECK(project_rule_settings(f.p, "review-due-soon") != NULL);
	CHECK(yval_get(project_rule_settings(f.p, "review-due-soon"),
	    "days") == NULL);
	fx_close(&f);
}

UNIT_TEST(document_load_bounds)
{
	fx f;
	document *d;
	buf b;
	size_t i;
	char *fifo;

	fx_open(&f, "title: T\norganisation:\n  name: "
	    "\"0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789\"\n");
	/* 20,000 nested quotes: flattened, reported once */
	buf_init(&b);
	buf_puts(&b, "---\ntitle: Q\n---\n");
	for (i = 0; i < 20000; i++)
		buf_puts(&b, "> ");
	buf_puts(&b, "deep\n");
	d = fx_doc(&f, "q.md", b.data);
	CHECK_INT(count(f.ds, "nesting-deep"), 1);
	CHECK(d->root != NULL);
	document_free(d);
	buf_free(&b);

	/* {{var}} x 5,000 with a 240-byte value: 1.2 MB > 1 MB, bounded */
	buf_init(&b);
	buf_puts(&b, "---\ntitle: V\n---\n");
	for (i = 0; i < 5000; i++)
		buf_puts(&b, "{{organisation.name}} ");
	d = fx_doc(&f, "v.md", b.data);
	CHECK_INT(count(f.ds, "output-amplification"), 1);
	document_free(d);
	buf_free(&b);

	/* a FIFO is never read */
	fifo = path_join(f.dir, "policies/fifo.md");
	CHECK(mkfifo(fifo, 0644) == 0);
	d = document_load(f.p, "policies/fifo.md", "fifo.md", f.ds);
	CHECK(d->broken);
	CHECK(find(f.ds, "file-unreadable") != NULL);
	document_free(d);
	free(fifo);
	fx_close(&f);
}
