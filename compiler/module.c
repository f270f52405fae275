/*
 * module.c — finds and loads policyc's modules (module.h).  Some of the
 * libraries policyc uses are needed by few of its runs: Pango, cairo,
 * HarfBuzz, fontconfig, librsvg and qpdf only when a build lays out
 * PDFs; libmicrohttpd and GnuTLS only in `policyc serve`.  Linked to the
 * binary, they and the libraries they bring were fifty of the 83 shared
 * objects every start of policyc mapped and relocated: 39 ms before main
 * on this project's machine, against 14 ms without them.  So they are
 * linked to modules of their own, loaded by the first call that needs
 * one.
 *
 * A module is looked for beside the binary (build/policyc-pdf.so), then
 * where `make install` puts it (<prefix>/lib/policyc/ for
 * <prefix>/bin/policyc), then in the folder the binary was built in.
 * It must be of the same build as the binary (the table's build id is
 * the core's): a stale module is refused as a missing one is, and what
 * needed it fails and says why (a build's PDFs as a write that failed:
 * the previous OUT is kept).  Modules are never closed.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsio.h"
#include "module.h"

#define MAX_MODULES 4

static struct {
	const char *file;
	const void *table;
	char why[1400];           /* when it could not be loaded */
} loaded[MAX_MODULES];
static size_t nloaded;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* The folder of the running binary, or "" */
static void
binary_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (n <= 0) {
		dir[0] = '\0';
		return;
	}
	dir[n] = '\0';
	if ((slash = strrchr(dir, '/')))
		*slash = '\0';
	else
		dir[0] = '\0';
}

/* Where to look, in order; returns how many. */
static size_t
candidates(const char *file, char out[][4200], size_t max)
{
	char dir[4000];
	size_t n = 0;
	char *slash;

	binary_dir(dir, sizeof dir);
	if (dir[0] && n < max)
		snprintf(out[n++], 4200, "%s/%s", dir, file);
	if (dir[0] && (slash = strrchr(dir, '/')) && n < max) {
		*slash = '\0';
		snprintf(out[n++], 4200, "%s/lib/policyc/%s", dir, file);
	}
#ifdef POLICYC_MODULEDIR
	if (n < max)
		snprintf(out[n++], 4200, "%s/%s", POLICYC_MODULEDIR, file);
#endif
	return n;
}

/* The table, or NULL with why in err. */
static const void *
load(const char *file, const char *symbol, char *err, size_t errsize)
{
	char paths[3][4200];
	size_t n = candidates(file, paths, 3), i;

	for (i = 0; i < n; i++) {
		const module_head *t;
		void *h;

		if (!fsio_exists(paths[i]))
			continue;
		/* RTLD_LOCAL: its libraries' symbols stay its own */
		h = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			snprintf(err, errsize, "%s", dlerror());
			return NULL;
		}
		t = dlsym(h, symbol);
		if (!t) {
			snprintf(err, errsize, "%.400s has no %s", paths[i],
			    symbol);
			return NULL;
		}
		if (strcmp(t->build_id, MODULE_BUILD_ID) != 0) {
			snprintf(err, errsize, "%.400s is of another build of "
			    "policyc (make builds both again)", paths[i]);
			return NULL;
		}
		return t;
	}
	snprintf(err, errsize, "%s is neither beside the binary (%.400s) "
	    "nor in %.400s", file, n ? paths[0] : "?",
	    n > 1 ? paths[1] : "lib/policyc");
	return NULL;
}

const void *
module_table(const char *file, const char *symbol, const void *linked_in,
    char *err, size_t errsize)
{
	const void *t = NULL;
	size_t i;

	if (linked_in)
		return linked_in;
	pthread_mutex_lock(&load_lock);
	for (i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i].file, file))
			break;
	if (i == nloaded && nloaded < MAX_MODULES) {
		loaded[i].file = file;
		loaded[i].table = load(file, symbol, loaded[i].why,
		    sizeof loaded[i].why);
		nloaded++;
	}
	if (i < nloaded) {
		t = loaded[i].table;
		if (!t)
			snprintf(err, errsize, "%s", loaded[i].why);
	} else {
		snprintf(err, errsize, "too many modules");
	}
	pthread_mutex_unlock(&load_lock);
	return t;
}
