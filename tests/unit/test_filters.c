/*
 * test_filters.c — unit tests of the Lua bridge (filters.c): a tiny
 * project written to a temporary folder, loaded with the real project,
 * document and corpus modules through the pipeline API, with filters
 * written for each test as its built-in filters.  Checks what a filter sees (document fields,
 * walk, ctx), that reports land in the diag set, and that every way out of
 * the sandbox ends in one filter-error while the other filters still run.
 */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "harness.h"
#include "diagfmt.h"
#include "jail.h"
#include "corpus.h"
#include "fsio.h"
#include "pipeline.h"
#include "util.h"

typedef struct {
	char root[64];       /* the project folder */
	char builtin[96];    /* a folder of "built-in" filters for the test */
	diag_set *ds;
	pipeline *pl;
	corpus *c;
} fixture;

static void put(const char *dir, const char *name, const char *text)
{
	char *path = path_join(dir, name);

	fsio_write(path, text, strlen(text));
	free(path);
}

static const char CONFIG[] =
    "title: Test\n"
    "rules:\n"
    "  review-due-soon: { days: 30 }\n"
    "  my-rule: { answer: 42, words: [a, b] }\n"
    "  switched-off: off\n";

static const char DOC[] =
    "---\n"
    "title: Sample Policy\n"
    "type: policy\n"
    "owner: Someone\n"
    "review: 2024-02\n"
    "approved: 2021-03-04\n"
    "tags: [one, two]\n"
    "version: \"1.0\"\n"
    "---\n"
    "\n"
    "## 4. Purpose\n"
    "\n"
    "Read [click here](https://example.org/) and the CCG note.\n"
    "\n"
    "![](https://example.org/a.png)\n"
    "\n"
    "`code CCG` end.\n";

/* Sets up the fixture and runs the filters; before, when not NULL, is
 * called on the corpus first (to set what an earlier stage would). */
static void setup_then(fixture *f, const char *const *filters,
    void (*before)(corpus *))
{
	char *pol;
	size_t i;
	pipeline_options po;

	memset(f, 0, sizeof *f);
	strcpy(f->root, "/tmp/policyc-test-filters-XXXXXX");
	if (mkdtemp(f->root) == NULL)
		abort();
	snprintf(f->builtin, sizeof f->builtin, "%s/builtin", f->root);
	fsio_mkdirs(f->builtin);
	put(f->root, "policyc.yaml", CONFIG);
	pol = path_join(f->root, "policies");
	put(pol, "sample.md", DOC);
	put(pol, "other.md", "---\ntitle: Other\nowner: X\nreview: 2030-01-01\n"
	    "---\n\nSee [the sample](sample.md).\n");
	free(pol);
	/* filters: pairs of name, text; names starting "project/" go to the
	 * project's filters/ folder */
	for (i = 0; filters && filters[i]; i += 2) {
		if (strncmp(filters[i], "project/", 8) == 0) {
			char *d = path_join(f->root, "filters");
			put(d, filters[i] + 8, filters[i + 1]);
			free(d);
		} else
			put(f->builtin, filters[i], filters[i + 1]);
	}
	f->ds = diag_new();
	memset(&po, 0, sizeof po);
	po.dir = f->root;
	po.today = "2024-01-15";
	po.jobs = 2;
	po.filters_dir = f->builtin;
	/* the checks without the filters, then what an earlier stage
	 * would set (before), then the filters */
	po.no_filters = 1;
	f->pl = pipeline_open(&po, f->ds);
	if (pipeline_check(f->pl) != PIPELINE_OK)
		abort();
	f->c = pipeline_corpus(f->pl);
	if (before)
		before(f->c);
	pipeline_rerun_filters(f->pl, f->ds);
	diag_sort(f->ds);
	if (getenv("UNIT_VERBOSE"))
		diag_print(f->ds, stdout, FMT_TEXT, NULL, 0);
}

static void setup(fixture *f, const char *const *filters)
{
	setup_then(f, filters, NULL);
}

static void teardown(fixture *f)
{
	pipeline_free(f->pl);
	diag_free(f->ds);
	fsio_rmtree(f->root);
}

/* The first diagnostic of a rule (and file, when given), or NULL. */
static const diagnostic *find(fixture *f, const char *rule, const char *file)
{
	size_t i;

	for (i = 0; i < diag_count(f->ds); i++) {
		const diagnostic *d = diag_at(f->ds, i);
		if (strcmp(d->rule, rule) == 0 &&
		    (file == NULL || strcmp(d->file, file) == 0))
			return d;
	}
	return NULL;
}

static size_t count_rule(fixture *f, const char *rule)
{
	size_t i, n = 0;

	for (i = 0; i < diag_count(f->ds); i++)
		if (strcmp(diag_at(f->ds, i)->rule, rule) == 0)
			n++;
	return n;
}

static const char SEES[] =
    "local F = { rules = { 'my-rule', 'review-due-soon' } }\n"
    "function F.document(doc, ctx)\n"
    "  if doc.id ~= 'sample' then return end\n"
    "  local walked = {}\n"
    "  doc:walk{ Text = function(t) walked[#walked+1] = t.text end,\n"
    "            Code = function(c) walked[#walked+1] = '<' .. c.text .. '>' end }\n"
    "  local l, i, h = doc.links[1], doc.images[1], doc.headings[1]\n"
    "  ctx.report('my-rule', table.concat({\n"
    "    doc.id, doc.path, doc.title, doc.type, doc.status,\n"
    "    doc.meta.review, doc.meta.approved, doc.meta.tags[2], doc.meta.version,\n"
    "    doc.meta_lines.review, doc.meta_columns.review,\n"
    "    h.level, h.text, h.id, h.line,\n"
    "    l.text, l.href, l.kind, l.line, l.column,\n"
    "    i.src, '[' .. i.alt .. ']', i.line, #doc.paragraphs,\n"
    "    ctx.today, ctx.config.answer, ctx.config.words[2], ctx.config.days,\n"
    "    ctx.date.parse('2024-02'), ctx.date.days_between('2024-01-01', '2024-03-01'),\n"
    "    ctx.date.add_months('2024-01-31', 1), tostring(ctx.date.parse('2024-02-30')),\n"
    "    table.concat(walked, '/'),\n"
    "  }, '|'), { line = 3, column = 2 })\n"
    "end\n"
    "return F\n";

UNIT_TEST(filters_document_as_lua)
{
	static const char *const fl[] = { "sees.lua", SEES, NULL };
	fixture f;
	const diagnostic *d;

	setup(&f, fl);
	d = find(&f, "my-rule", NULL);
	CHECK(d != NULL);
	if (d) {
		CHECK_STR(d->file, "policies/sample.md");
		CHECK_INT(d->line, 3);
		CHECK_INT(d->col, 2);
		static const char want[] =
		    "sample|policies/sample.md|Sample Policy|policy|active|"
		    "2024-02-29|2021-03-04|two|1.0|5|9|"
		    "2|4. Purpose|4-purpose|11|"
		    "click here|https://example.org/|external|13|6|"
		    "https://example.org/a.png|[]|15|3|"
		    "2024-01-15|42|b|30|"
		    "2024-02-29|60|2024-02-29|nil|"
		    "4. Purpose/Read /click here/ and the CCG note./"
		    "<code CCG>/ end.";

		/* CHECK_STR would truncate a message this long */
		if (strcmp(d->message, want) != 0) {
			printf("# got  %s\n# want %s\n", d->message, want);
			CHECK(!"document fields as expected");
		}
	}
	CHECK_INT(count_rule(&f, "filter-error"), 0);
	teardown(&f);
}

static const char GOOD[] =
    "local F = { rules = { 'good-rule' } }\n"
    "function F.document(doc, ctx) ctx.report('good-rule', 'seen ' .. doc.id) end\n"
    "return F\n";

/* name, filter text, what the filter-error message must contain */
static const char *const ESCAPES[][3] = {
	{ "io.lua", "io.open('/tmp/policyc-pwned', 'w')\nreturn {}\n",
	  "global 'io'" },
	{ "execute.lua", "return { document = function() os.execute('true') end }\n",
	  "field 'execute'" },
	{ "remove.lua", "return { document = function() os.remove('x') end }\n",
	  "field 'remove'" },
	{ "require.lua", "local ffi = require 'ffi'\nreturn {}\n",
	  "global 'require'" },
	{ "dofile.lua", "dofile('/etc/passwd')\nreturn {}\n", "global 'dofile'" },
	{ "bytecode.lua",
	  "local f = assert(load(string.dump(function() return 1 end)))\nreturn {}\n",
	  "binary chunk" },
	{ "memory.lua",
	  "return { document = function() local s = string.rep('x', 1 << 30) end }\n",
	  "not enough memory" },
	{ "table-bomb.lua",
	  "local t = {} for i = 1, 1e9 do t[i] = i end return {}\n",
	  "" },
	{ "loop.lua", "while true do end\n", "instruction limit" },
	{ "pcall-loop.lua",
	  "while true do pcall(function() while true do end end) end\n",
	  "instruction limit" },
	{ "recursion.lua",
	  "local function f(n) return 1 + f(n + 1) end\nreturn { document = function() f(1) end }\n",
	  "stack overflow" },
	{ "garbage.lua", "return 42\n", "must return a table" },
	{ "garbage2.lua", "return { document = 'yes' }\n", "must be a function" },
	{ "syntax.lua", "local F = {\nfunction F.document(\n", "" },
	{ "undeclared.lua",
	  "return { rules = { 'a' }, document = function(d, ctx) ctx.report('b', 'x') end }\n",
	  "not in this filter's rules" },
	{ "debug.lua", "debug.getregistry()\n", "global 'debug'" },
	{ "gc.lua", "collectgarbage('stop')\n", "not available" },
};


/* doc:texts() gives the Text nodes walk gives, joined, with where each
 * starts and its line and column. */
static const char TEXTS[] =
    "local F = { rules = { 'my-rule' } }\n"
    "function F.document(doc, ctx)\n"
    "  local w = {}\n"
    "  doc:walk{ Text = function(t) w[#w + 1] = t end }\n"
    "  local text, starts, lines, columns = doc:texts()\n"
    "  local parts, bad = {}, 0\n"
    "  for k, t in ipairs(w) do\n"
    "    parts[k] = t.text\n"
    "    local last = (starts[k + 1] or #text + 2) - 2\n"
    "    if text:sub(starts[k], last) ~= t.text or lines[k] ~= t.line or\n"
    "       columns[k] ~= t.column then bad = bad + 1 end\n"
    "  end\n"
    "  ctx.report('my-rule', doc.id .. ' ' .. #w .. ' ' .. #starts .. ' ' ..\n"
    "    bad .. ' ' .. tostring(text == table.concat(parts, '\\n')))\n"
    "end\n"
    "return F\n";

UNIT_TEST(filters_texts_as_walk_gives_them)
{
	static const char *const fl[] = { "texts.lua", TEXTS, NULL };
	fixture f;
	const diagnostic *d;

	setup(&f, fl);
	d = find(&f, "my-rule", "policies/sample.md");
	CHECK(d != NULL);
	/* "4. Purpose", "Read ", "click here", " and the CCG note.", " end." */
	if (d)
		CHECK_STR(d->message, "sample 5 5 0 true");
	d = find(&f, "my-rule", "policies/other.md");
	CHECK(d != NULL);
	if (d)
		CHECK_STR(d->message, "other 3 3 0 true");
	teardown(&f);
}
UNIT_TEST(filters_sandbox_escapes)
{
	size_t n = sizeof ESCAPES / sizeof ESCAPES[0], i;
	const char **fl = xcalloc(2 * n + 3, sizeof *fl);
	fixture f;

	for (i = 0; i < n; i++) {
		fl[2 * i] = ESCAPES[i][0];
		fl[2 * i + 1] = ESCAPES[i][1];
	}
	fl[2 * n] = "zz-good.lua";
	fl[2 * n + 1] = GOOD;
	unlink("/tmp/policyc-pwned");
	setup(&f, fl);
	for (i = 0; i < n; i++) {
		char *label = xasprintf("filters/%s", ESCAPES[i][0]);
		const diagnostic *d = find(&f, "filter-error", label);
		char what[128];

		snprintf(what, sizeof what, "filter-error for %s", label);
		if (d == NULL)
			unit_fail(__FILE__, __LINE__, what);
		else {
			CHECK(d->sev == SEV_ERROR);
			if (strstr(d->message, ESCAPES[i][2]) == NULL)
				unit_fail(__FILE__, __LINE__, d->message);
		}
		free(label);
	}
	CHECK_INT(count_rule(&f, "filter-error"), n);
	CHECK(!fsio_exists("/tmp/policyc-pwned"));
	/* the well-behaved filter still ran over both documents */
	CHECK_INT(count_rule(&f, "good-rule"), 2);
	teardown(&f);
	free(fl);
}

UNIT_TEST(filters_error_line_and_document)
{
	static const char *const fl[] = {
		"boom.lua",
		"local F = {}\nfunction F.document(doc)\n"
		"  if doc.id == 'sample' then error('boom') end\nend\nreturn F\n",
		NULL
	};
	fixture f;
	const diagnostic *d;

	setup(&f, fl);
	d = find(&f, "filter-error", "filters/boom.lua");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->line, 3);
		CHECK(strstr(d->message, "policies/sample.md") != NULL);
		CHECK(strstr(d->message, "boom") != NULL);
		CHECK(strchr(d->message, '\n') == NULL);   /* first line only */
	}
	teardown(&f);
}

UNIT_TEST(filters_project_overrides_builtin)
{
	static const char *const fl[] = {
		"same.lua", "error('built-in ran')\n",
		"project/same.lua", GOOD,
		"project/off.lua",
		"return { rules = { 'switched-off' }, document = function() error('ran') end }\n",
		NULL
	};
	fixture f;

	setup(&f, fl);
	CHECK_INT(count_rule(&f, "filter-error"), 0);  /* off filter skipped */
	CHECK_INT(count_rule(&f, "good-rule"), 2);
	teardown(&f);
}

UNIT_TEST(filters_corpus_function)
{
	static const char *const fl[] = {
		"graph.lua",
		"local F = { rules = { 'graph' } }\n"
		"function F.corpus(c, ctx)\n"
		"  local n = 0 for _ in pairs(c.documents) do n = n + 1 end\n"
		"  local e = c.edges[1]\n"
		"  ctx.report('graph', n .. ' ' .. #c.ids .. ' ' .. (e and (e.from .. '>' .. e.to .. ':' .. e.kind) or 'none'),\n"
		"    { document = 'other', severity = 'note' })\n"
		"end\nreturn F\n",
		NULL
	};
	fixture f;
	const diagnostic *d;

	setup(&f, fl);
	d = find(&f, "graph", NULL);
	CHECK(d != NULL);
	if (d) {
		CHECK_STR(d->file, "policies/other.md");
		CHECK(d->sev == SEV_NOTE);
		CHECK_STR(d->message, "2 2 other>sample:link");
	}
	teardown(&f);
}

/* ---- review state from the model ---- */

static const char STATE[] =
    "local F = { rules = { 'state' } }\n"
    "function F.document(doc, ctx)\n"
    "  ctx.report('state', doc.review_state .. ' ' .. doc.review_days)\n"
    "end\n"
    "return F\n";

/* The shipped review.lua, as a "built-in" of the fixture. */
static char *shipped_review(void)
{
	char *path = path_join(POLICYC_DATADIR, "filters/review.lua");
	char *text = read_file(path, NULL);

	free(path);
	return text;
}

static const document *doc_of(corpus *c, const char *id)
{
	long k = corpus_find_id(c, id);

	return k < 0 ? NULL : c->docs[k];
}

/* What the meta stage would have judged, against the dates: sample.md
 * (review 2024-02-29, today 2024-01-15, days: 30) is really "ok". */
static void judged(corpus *c)
{
	document *d = (document *)doc_of(c, "sample");
	document *o = (document *)doc_of(c, "other");

	d->review_state = REVIEW_OVERDUE;
	d->review_days = 7;
	o->review_state = REVIEW_DUE_SOON;
	o->review_days = 3;
}

static const diagnostic *find_msg(fixture *f, const char *rule,
    const char *file, const char *part)
{
	size_t i;

	for (i = 0; i < diag_count(f->ds); i++) {
		const diagnostic *d = diag_at(f->ds, i);
		if (strcmp(d->rule, rule) == 0 && strcmp(d->file, file) == 0 &&
		    strstr(d->message, part) != NULL)
			return d;
	}
	return NULL;
}

/* review.lua follows doc.review_state and doc.review_days, so a site
 * badge drawn from the same state never contradicts the diagnostics. */
UNIT_TEST(filters_review_state_from_model)
{
	char *review = shipped_review();
	const char *fl[] = { "review.lua", review, "state.lua", STATE, NULL };
	fixture f;

	CHECK(review != NULL);
	if (review == NULL)
		return;
	setup_then(&f, fl, judged);
	CHECK(find_msg(&f, "state", "policies/sample.md", "overdue 7"));
	CHECK(find_msg(&f, "state", "policies/other.md", "due-soon 3"));
	CHECK(find_msg(&f, "review-overdue", "policies/sample.md",
	    "review date 2024-02-29 has passed (7 days overdue)"));
	CHECK(find_msg(&f, "review-due-soon", "policies/other.md",
	    "review date 2030-01-01 is in 3 days (within 30)"));
	CHECK_INT(count_rule(&f, "review-overdue"), 1);
	CHECK_INT(count_rule(&f, "review-due-soon"), 1);
	CHECK_INT(count_rule(&f, "filter-error"), 0);
	teardown(&f);
	free(review);
}

/* With nothing set by an earlier stage the states are still there (the
 * meta_judge, as the pipeline runs it before filters), with the
 * same words and day counts meta.h promises. */
UNIT_TEST(filters_review_state_words)
{
	char *review = shipped_review();
	const char *fl[] = { "review.lua", review, "state.lua", STATE, NULL };
	fixture f;

	if (review == NULL)
		return;
	setup_then(&f, fl, NULL);
	CHECK(find_msg(&f, "state", "policies/sample.md", "ok 45"));
	CHECK(find_msg(&f, "state", "policies/other.md", "ok 2178"));
	CHECK_INT(count_rule(&f, "review-overdue"), 0);
	CHECK_INT(count_rule(&f, "review-due-soon"), 0);
	teardown(&f);
	free(review);
}

/* ---- the jail ---- */

/* Jobs for the jail tests: 0 reports and arms a timer whose SIGALRM
 * ends its child 0.2 s after it finished; 1 reports; 2 dies while on
 * "document" 2; 3 sleeps past the limit. */
static void jail_job(void *ctx, size_t k, diag_set *ds, atomic_long *progress)
{
	struct itimerval it;

	(void)ctx;
	diag_report_named(ds, SEV_NOTE, "jail-test", "job", (int)k, 0, "ran %zu",
	    k);
	switch (k) {
	case 0:
		memset(&it, 0, sizeof it);
		it.it_value.tv_usec = 200000;
		setitimer(ITIMER_REAL, &it, NULL);
		break;
	case 2:
		if (progress)
			atomic_store(progress, 2);
		_exit(9);   /* a signal would bring an ASan report */
		break;
	case 3:
		sleep(5);
		break;
	default:
		break;
	}
}

static void jail_failed(void *ctx, size_t k, long progress, const char *what,
    diag_set *ds)
{
	(void)ctx;
	diag_report_named(ds, SEV_ERROR, "jail-failed", "job", (int)k,
	    (int)progress, "%s", what);
}

static const diagnostic *jail_find(diag_set *ds, const char *rule, int k)
{
	size_t i;

	for (i = 0; i < diag_count(ds); i++) {
		const diagnostic *d = diag_at(ds, i);
		if (strcmp(d->rule, rule) == 0 && d->line == k)
			return d;
	}
	return NULL;
}

/* A child that dies after one job ended and before it took the next is
 * the first job's failure (its reports stand), and the next job runs in
 * a fresh child; a crash or a timeout inside a job is that job's, with
 * what it was working on, and its reports are dropped. */
UNIT_TEST(jail_blames_the_right_job)
{
	diag_set *ds = diag_new();
	jail_spec js;
	jail *j;
	const diagnostic *d;

	memset(&js, 0, sizeof js);
	js.run = jail_job;
	js.failed = jail_failed;
	js.ds = ds;
	js.njobs = 4;
	js.secs = 1;
	js.mem = (size_t)64 << 20;
	j = jail_new(&js, 1);
	jail_run(j, 0, 0);
	usleep(600000);          /* job 0's timer ends its child */
	jail_run(j, 1, 0);
	jail_run(j, 2, 0);
	jail_run(j, 3, 0);
	jail_free(j);

	CHECK(jail_find(ds, "jail-test", 0) != NULL);
	CHECK(jail_find(ds, "jail-test", 1) != NULL);
	CHECK(jail_find(ds, "jail-test", 2) == NULL);   /* dropped */
	CHECK(jail_find(ds, "jail-failed", 1) == NULL);
	d = jail_find(ds, "jail-failed", 0);
	CHECK(d != NULL);
	if (d) {
		CHECK(strstr(d->message, "after its checks ended") != NULL);
		CHECK(strstr(d->message, "signal 14") != NULL);
	}
	d = jail_find(ds, "jail-failed", 2);
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->col, 2);
		CHECK(strstr(d->message, "crashed") != NULL);
	}
	d = jail_find(ds, "jail-failed", 3);
	CHECK(d != NULL);
	if (d)
		CHECK(strstr(d->message, "time limit of 1 s") != NULL);
	diag_free(ds);
}

/* The machine formats (diagfmt.c) with bytes that are not UTF-8: each
 * output must still be valid UTF-8, with U+FFFD for the bad bytes. */
UNIT_TEST(diagfmt_invalid_utf8)
{
	diag_set *ds = diag_new();
	int fmt;

	diag_report(ds, R_FILTER_ERROR, "policies/a\xff.md", 2, 3,
	    "bad \xc3( byte \xed\xa0\x80 surrogate \xf8 \"q\" %s", "end");
	diag_report(ds, R_REVIEW_OVERDUE, "policies/b.md", 1, 1, "fine é");
	diag_sort(ds);
	for (fmt = 0; fmt < 3; fmt++) {
		char *text = NULL;
		size_t len = 0, bad = 0;
		FILE *fp = open_memstream(&text, &len);

		diag_print(ds, fp, fmt == 0 ? FMT_SARIF : fmt == 1 ? FMT_JUNIT :
		    FMT_GITHUB, NULL, 0);
		fclose(fp);
		CHECK(utf8_valid(text, len, &bad));
		CHECK(strstr(text, "\xef\xbf\xbd") != NULL);
		CHECK(strstr(text, "fine \xc3\xa9") != NULL);
		if (fmt == 0)
			CHECK(strstr(text, "\"uri\": \"policies/a%EF%BF%BD.md\"") ||
			    strstr(text, "\"uri\": \"policies/a%FF.md\""));
		free(text);
	}
	diag_free(ds);
}
