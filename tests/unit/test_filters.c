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
#include <unistd.h>
#include <sys/stat.h>

#include "harness.h"
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

static void setup(fixture *f, const char *const *filters)
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
	f->pl = pipeline_open(&po, f->ds);
	if (pipeline_check(f->pl) != PIPELINE_OK)
		abort();
	f->c = pipeline_corpus(f->pl);
	diag_sort(f->ds);
	if (getenv("UNIT_VERBOSE"))
		diag_print(f->ds, stdout, FMT_TEXT, NULL, 0);
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

/* The machine formats (diagfmt.c) with bytes that are not UTF-8: each
 * output must still be valid UTF-8, with U+FFFD for the bad bytes. */
UNIT_TEST(diagfmt_invalid_utf8)
{
	diag_set *ds = diag_new();
	int fmt;

	diag_report(ds, "filter-error", "policies/a\xff.md", 2, 3,
	    "bad \xc3( byte \xed\xa0\x80 surrogate \xf8 \"q\" %s", "end");
	diag_report(ds, "review-overdue", "policies/b.md", 1, 1, "fine é");
	diag_sort(ds);
	for (fmt = 0; fmt < 3; fmt++) {
		char *text = NULL;
		size_t len = 0, bad = 0;
		FILE *fp = open_memstream(&text, &len);

		if (fmt == 0)
			diagfmt_sarif(ds, fp);
		else if (fmt == 1)
			diagfmt_junit(ds, fp, NULL, 0);
		else
			diagfmt_github(ds, fp);
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
