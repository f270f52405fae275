/*
 * hugepages.c — a large project's build runs with glibc's malloc on
 * transparent huge pages.  A build of thousands of documents spends a
 * fifth to a third of its time in malloc and in faulting in fresh 4 KiB
 * pages: every cmark node, libxml2 node and Lua table is a small block
 * of a heap of gigabytes.  glibc can ask the kernel for 2 MiB pages
 * for its heaps (the tunable glibc.malloc.hugetlb=1, glibc 2.35 and
 * later), but reads its tunables only when a program starts.  So once
 * the scan has counted the documents, and before anything has been
 * read, judged or printed, a build of at least HUGEPAGES_MIN_DOCS
 * documents starts this program again, once, with the tunable added to
 * GLIBC_TUNABLES (docs/decisions.md, "Huge pages for large projects",
 * has the measurements).  It never does when:
 *
 *   - the user set glibc.malloc.hugetlb themselves (theirs is kept);
 *   - POLICYC_HUGEPAGES=0;
 *   - the kernel's transparent huge pages are "never";
 *   - LD_PRELOAD is set (another malloc, or valgrind's preloads: the
 *     restart would leave valgrind behind);
 *   - the build has sanitizers (they replace malloc);
 *   - the command is not build or check (main.c passes argv only there),
 *     or a second pipeline of the same run asks (one restart a process).
 *
 * If the exec fails the build goes on as it is: the restart only makes
 * it faster.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hugepages.h"
#include "util.h"

#define TUNABLE "glibc.malloc.hugetlb"
#define MARK "POLICYC_HUGEPAGES_RESTARTED"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static int considered;

/* "always" or "madvise" (glibc's tunable uses madvise): the kernel
 * would give huge pages when asked. */
static int
kernel_offers(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char line[128];
	int ok = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof line, f))
		ok = strstr(line, "[always]") || strstr(line, "[madvise]");
	fclose(f);
	return ok;
}

static size_t
min_docs(void)
{
	/* tests lower it, to see the restart on a small project */
	const char *s = getenv("POLICYC_HUGEPAGES_MIN_DOCS");
	char *end;
	unsigned long v;

	if (s && *s) {
		v = strtoul(s, &end, 10);
		if (*end == '\0')
			return (size_t)v;
	}
	return HUGEPAGES_MIN_DOCS;
}

/* Whether this process should start again with the tunable added to
 * old (GLIBC_TUNABLES as it is, or NULL). */
static int
wanted(size_t ndocs, const char *old)
{
	const char *want = getenv("POLICYC_HUGEPAGES");
	const char *preload = getenv("LD_PRELOAD");

	return !SANITIZED && ndocs >= min_docs() &&
	    !(want && !strcmp(want, "0")) && !getenv(MARK) &&
	    !(old && strstr(old, TUNABLE)) && !(preload && *preload) &&
	    kernel_offers();
}

void
hugepages_restart(char *const *argv, size_t ndocs)
{
#if defined(__GLIBC__)
	const char *env;
	char *old, *tunables;

	if (considered || !argv || !argv[0])
		return;
	considered = 1;
	env = getenv("GLIBC_TUNABLES");
	if (!wanted(ndocs, env))
		return;
	old = env ? xstrdup(env) : NULL;   /* setenv may replace it */
	tunables = old && *old ? xasprintf("%s:%s=1", old, TUNABLE) :
	    xasprintf("%s=1", TUNABLE);
	/* the mark stops a second restart should the tunable be refused */
	if (setenv("GLIBC_TUNABLES", tunables, 1) == 0 &&
	    setenv(MARK, "1", 1) == 0) {
		fflush(NULL);
		execv("/proc/self/exe", argv);
	}
	/* the exec failed: go on without; put the environment back */
	if (old)
		setenv("GLIBC_TUNABLES", old, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	unsetenv(MARK);
	free(tunables);
	free(old);
#else
	(void)argv;
	(void)ndocs;
	(void)wanted;
#endif
}

int
hugepages_restarted(void)
{
	return getenv(MARK) != NULL;
}
