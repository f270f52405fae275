/*
 * harness.c — runs every registered unit test and prints TAP.  An optional
 * argument runs only the tests whose name contains it.
 */
#include <stdlib.h>
#include "harness.h"

#define MAX_TESTS 1024

static struct { const char *name; unit_fn fn; } tests[MAX_TESTS];
static int ntests;
int unit_current_failed;

void
unit_register(const char *name, unit_fn fn)
{
	if (ntests < MAX_TESTS) {
		tests[ntests].name = name;
		tests[ntests].fn = fn;
		ntests++;
	}
}

void
unit_fail(const char *file, int line, const char *what)
{
	unit_current_failed = 1;
	printf("# %s:%d: check failed: %s\n", file, line, what);
}

static int
by_name(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	return strcmp(*x, *y);
}

int
main(int argc, char **argv)
{
	int i, run = 0, failed = 0;

	/* the unit tests read the trees the pipeline holds: a bounded
	 * build (POLICYC_BOUNDED, `make test-bounded`) holds none */
	unsetenv("POLICYC_BOUNDED");
	/* constructors run in link order; sort for a stable TAP stream */
	qsort(tests, (size_t)ntests, sizeof tests[0], by_name);
	for (i = 0; i < ntests; i++)
		if (argc < 2 || strstr(tests[i].name, argv[1]))
			run++;
	printf("1..%d\n", run);
	run = 0;
	for (i = 0; i < ntests; i++) {
		if (argc >= 2 && !strstr(tests[i].name, argv[1]))
			continue;
		unit_current_failed = 0;
		tests[i].fn();
		run++;
		printf("%s %d - %s\n", unit_current_failed ? "not ok" : "ok",
		    run, tests[i].name);
		failed += unit_current_failed;
	}
	return failed ? 1 : 0;
}
