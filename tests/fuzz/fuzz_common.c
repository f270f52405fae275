/*
 * fuzz_common.c — the scratch folder, the small projects and the in-process
 * pipeline the fuzz targets share (see fuzz_common.h).  The pipeline is
 * pipeline.c's up to the XML trees (no output swap, no HTML or PDF back
 * ends), with one thread and a fixed "today" so a replayed input behaves
 * the same every time.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "diag.h"
#include "fsio.h"
#include "fuzz_common.h"
#include "diagfmt.h"
#include "pipeline.h"
#include "util.h"

#define SCRATCH_PREFIX "policyc-fuzz-"

static char scratch_dir[4096];

static void
remove_scratch(void)
{
	if (scratch_dir[0])
		fsio_rmtree(scratch_dir);
}

/* Removes SCRATCH_PREFIX NAME-PID folders whose process is gone (a crash
 * ends a fuzzer without running atexit handlers). */
static void
sweep_stale(const char *tmp, const char *name)
{
	char prefix[256];
	size_t plen;
	DIR *dp;
	struct dirent *e;

	snprintf(prefix, sizeof prefix, SCRATCH_PREFIX "%s-", name);
	plen = strlen(prefix);
	if ((dp = opendir(tmp)) == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		char *end;
		long pid;
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		pid = strtol(e->d_name + plen, &end, 10);
		if (*end != '\0' || pid <= 0 || (pid_t)pid == getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char *path = path_join(tmp, e->d_name);
		fsio_rmtree(path);
		free(path);
	}
	closedir(dp);
}

const char *
fuzz_scratch(const char *name)
{
	const char *tmp;

	if (scratch_dir[0])
		return scratch_dir;
	tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	sweep_stale(tmp, name);
	snprintf(scratch_dir, sizeof scratch_dir, "%s/" SCRATCH_PREFIX "%s-%ld",
	    tmp, name, (long)getpid());
	fsio_rmtree(scratch_dir);
	if (fsio_mkdirs(scratch_dir) != 0)
		abort();
	atexit(remove_scratch);
	return scratch_dir;
}

void
fuzz_put(const char *base, const char *rel, const void *data, size_t len)
{
	char *path = path_join(base, rel);
	if (fsio_write(path, data, len) != 0)
		abort();
	free(path);
}

FILE *
fuzz_diag_out(void)
{
	static FILE *fp;
	if (!fp && getenv("POLICYC_FUZZ_VERBOSE"))
		fp = stderr;
	if (!fp && (fp = fopen("/dev/null", "w")) == NULL)
		abort();
	return fp;
}

/* ---- the projects ---- */

static const char *const glinks_names[] = { "first", "all", "none", NULL };

/* A second document the fuzzed one can link to, relate to and be
 * related from. */
static const char other_doc[] =
    "---\n"
    "title: Whistleblowing\n"
    "type: policy\n"
    "owner: Designated Safeguarding Lead\n"
    "approved: 2021-01-26\n"
    "review: 2024-07\n"
    "tags: [staff]\n"
    "related: [fuzz, {id: fuzz, note: the fuzzed one}, https://example.org/]\n"
    "amendments:\n"
    "  - date: 2024-03-04\n"
    "    summary: Added *Raising a concern*.\n"
    "---\n"
    "# Whistleblowing\n\n"
    "## Raising a concern\n\n"
    "Tell the LADO or the [designated officer](#) about any "
    "section 47 enquiries; see [[fuzz]] and [the policy](../fuzz.md).\n";

static const char glossary_yaml[] =
    "- term: Local Authority Designated Officer\n"
    "  abbr: LADO\n"
    "  aliases: [designated officer]\n"
    "  definition: The officer who manages *allegations* against staff.\n"
    "  source: staff/whistleblowing\n"
    "- term: Section 47 enquiry\n"
    "  aliases: [section 47 enquiries, s47]\n"
    "  definition: An enquiry under section 47 of the Children Act 1989.\n"
    "  see: [local-authority-designated-officer]\n"
    "- term: Früherkennung\n"
    "  abbr: FE\n"
    "  definition: Early help, in [German](https://example.org/).\n";

const char *
fuzz_project(const char *scratch, unsigned opts)
{
	static char *dirs[32];
	unsigned key = opts & 0x0f;
	unsigned gl = (opts >> FUZZ_GLINKS_SHIFT) & 3;
	char name[32];
	buf cfg;

	if (dirs[key])
		return dirs[key];
	snprintf(name, sizeof name, "project-%02x", key);
	dirs[key] = path_join(scratch, name);

	buf_init(&cfg);
	buf_puts(&cfg,
	    "title: Fuzz Policies\n"
	    "base-url: https://fuzz.example.org/\n"
	    "organisation:\n"
	    "  name: Fuzz Nursery\n"
	    "  registration: EY000000\n"
	    "  contacts:\n"
	    "    lado: { name: Test LADO, phone: \"01632 960000\" }\n"
	    "rules:\n"
	    "  review-due-soon: { days: 60 }\n"
	    "  section-missing:\n"
	    "    policy: [Introduction]\n"
	    "packs:\n"
	    "  - id: pack\n"
	    "    title: Fuzz Pack\n"
	    "    include: { types: [policy, procedure], tags: [staff] }\n"
	    "    cover: true\n"
	    "    glossary: true\n");
	buf_printf(&cfg, "allow-html: %s\n",
	    (opts & FUZZ_ALLOW_HTML) ? "true" : "false");
	if (glinks_names[gl] && gl < 3)
		buf_printf(&cfg, "glossary-links: %s\n", glinks_names[gl]);
	fuzz_put(dirs[key], "policyc.yaml", cfg.data, cfg.len);
	buf_free(&cfg);
	fuzz_put(dirs[key], "policies/staff/whistleblowing.md", other_doc,
	    sizeof other_doc - 1);
	if (opts & FUZZ_GLOSSARY)
		fuzz_put(dirs[key], "glossary.yaml", glossary_yaml,
		    sizeof glossary_yaml - 1);
	return dirs[key];
}

/* ---- the pipeline ---- */

void
fuzz_pipeline(const char *scratch, unsigned opts, const uint8_t *md,
    size_t n, fuzz_xml_fn each, void *arg)
{
	const char *dir = fuzz_project(scratch, opts);
	diag_set *ds = diag_new();
	pipeline_options po;
	pipeline *pl;
	const corpus *c;
	xmlDocPtr *dx;
	size_t i;
	unsigned fmt = (opts >> FUZZ_FORMAT_SHIFT) & 7;

	fuzz_put(dir, "policies/fuzz.md", md, n);
	memset(&po, 0, sizeof po);
	po.dir = dir;
	po.today = "2024-06-01";
	po.jobs = 1;
	po.no_filters = !(opts & FUZZ_FILTERS);
	pl = pipeline_open(&po, ds);
	if (pipeline_model(pl) != PIPELINE_OK)
		abort();    /* the harness's own project must load */
	c = pipeline_corpus(pl);
	dx = pipeline_document_xml(pl);
	if (!pipeline_corpus_xml(pl))
		abort();
	if (each)
		each(pipeline_corpus_xml(pl), "corpus", arg);
	for (i = 0; i < c->ndocs; i++) {
		if (!dx[i])
			abort();
		if (each)
			each(dx[i], c->docs[i]->id, arg);
	}

	if (fmt < 5) {
		diag_sort(ds);
		diag_print(ds, fuzz_diag_out(), (diag_format)fmt,
		    pipeline_doc_paths(pl), pipeline_ndocs(pl));
	}
	pipeline_free(pl);
	diag_free(ds);
}
