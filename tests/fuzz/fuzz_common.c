/*
 * fuzz_common.c — the scratch folder, the small projects and the in-process
 * pipeline the fuzz targets share (see fuzz_common.h).  The pipeline is
 * build_run's order without the output swap or the HTML and PDF back ends,
 * with one thread and a fixed "today" so a replayed input behaves the same
 * every time.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "corpus.h"
#include "diag.h"
#include "document.h"
#include "filters.h"
#include "fsio.h"
#include "fuzz_common.h"
#include "glossary.h"
#include "links.h"
#include "project.h"
#include "util.h"
#include "xmlout.h"

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

static const char *const relpaths[] = { "fuzz.md", "staff/whistleblowing.md" };
#define NDOCS (sizeof relpaths / sizeof relpaths[0])

void
fuzz_pipeline(const char *scratch, unsigned opts, const uint8_t *md,
    size_t n, fuzz_xml_fn each, void *arg)
{
	const char *dir = fuzz_project(scratch, opts);
	diag_set *ds = diag_new();
	project *p;
	document **docs;
	corpus *c;
	size_t i;
	unsigned fmt = (opts >> FUZZ_FORMAT_SHIFT) & 7;
	char *gpath;

	fuzz_put(dir, "policies/fuzz.md", md, n);
	p = project_load(dir, ds);
	if (!p)
		abort();    /* the harness's own config must load */
	docs = xcalloc(NDOCS, sizeof *docs);
	for (i = 0; i < NDOCS; i++) {
		char *path = path_join(p->content, relpaths[i]);
		docs[i] = document_load(p, path, relpaths[i], ds);
		free(path);
	}
	c = corpus_new(p, docs, NDOCS, ds);
	memcpy(c->today, "2024-06-01", 11);
	gpath = path_join(p->dir, p->glossary_path);
	c->glossary = glossary_load(gpath, p->glossary_path, 0, ds);
	free(gpath);
	links_resolve(c, 1, ds);
	corpus_index_edges(c);
	if (opts & FUZZ_FILTERS) {
		char *fdir = path_join(build_data_dir(), "filters");
		filters_run(c, fdir, ds, 1);
		free(fdir);
	}

	{
		xmlDocPtr cx = xmlout_corpus(c, ds);
		if (!cx)
			abort();
		if (each)
			each(cx, "corpus", arg);
		xmlFreeDoc(cx);
	}
	for (i = 0; i < c->ndocs; i++) {
		xmlDocPtr dx = xmlout_document(c, i, ds);
		if (!dx)
			abort();
		if (each)
			each(dx, c->docs[i]->id, arg);
		xmlFreeDoc(dx);
	}

	if (fmt < 5) {
		const char **paths = xcalloc(c->ndocs, sizeof *paths);
		for (i = 0; i < c->ndocs; i++)
			paths[i] = c->docs[i]->path;
		diag_sort(ds);
		diag_print(ds, fuzz_diag_out(), (diag_format)fmt, paths, c->ndocs);
		free(paths);
	}

	xmlout_release(c);
	if (c->glossary)
		glossary_free(c->glossary);
	corpus_free(c);
	project_free(p);
	diag_free(ds);
}
