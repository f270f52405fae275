/*
 * fuzz_filter.c — libFuzzer target for the Lua bridge: the input is the
 * source of a project filter (filters/x.lua) run by the pipeline over a
 * small fixed corpus (a copy of tests/golden/project: headings, tables,
 * footnotes, images, links, glossary terms).  Whatever the source does —
 * not parse, raise, loop, allocate without end, poke at the document
 * tables, report nonsense — filters_run must neither crash nor leak, and
 * must turn sandbox breaches and errors into diagnostics.  The built-in
 * filters are not run (an empty folder stands in for them) so every
 * execution goes to the fuzzed source.
 *
 * The corpus is built once; filters only read it.  Diagnostics are printed
 * to /dev/null in every format, so what a filter reports passes through
 * the printers too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "diag.h"
#include "fsio.h"
#include "diagfmt.h"
#include "fuzz_common.h"
#include "pipeline.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"policyc.yaml", "glossary.yaml", "policies/index.md",
	"policies/blocks/gfm.md", "policies/blocks/links.md", NULL
};
static char *project_dir, *builtin_dir;
static diag_set *setup_ds;
static pipeline *pl;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *scratch = fuzz_scratch("filter");
	char *golden = path_join(pipeline_data_dir(), "tests/golden/project");
	size_t i;

	(void)argc;
	(void)argv;
	project_dir = path_join(scratch, "project");
	builtin_dir = path_join(scratch, "no-builtins");
	if (fsio_mkdirs(builtin_dir) != 0 ||
	    fsio_mkdirs(project_dir) != 0)
		abort();
	for (i = 0; files[i]; i++) {
		char *from = path_join(golden, files[i]);
		char *to = path_join(project_dir, files[i]);
		size_t len;
		char *text = read_file(from, &len);
		if (!text || fsio_write(to, text, len) != 0)
			abort();
		free(text);
		free(from);
		free(to);
	}
	free(golden);

	setup_ds = diag_new();
	{
		pipeline_options po;
		memset(&po, 0, sizeof po);
		po.dir = project_dir;
		po.today = "2024-06-01";
		po.jobs = 1;
		po.filters_dir = builtin_dir;
		po.no_filters = 1;
		pl = pipeline_open(&po, setup_ds);
		if (pipeline_check(pl) != PIPELINE_OK)
			abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag_set *ds;
	int fmt;

	fuzz_put(project_dir, "filters/x.lua", data, size);
	ds = diag_new();
	pipeline_rerun_filters(pl, ds);
	diag_sort(ds);
	for (fmt = FMT_TEXT; fmt <= FMT_GITHUB; fmt++)
		diag_print(ds, fuzz_diag_out(), (diag_format)fmt,
		    pipeline_doc_paths(pl), pipeline_ndocs(pl));
	diag_free(ds);
	return 0;
}
