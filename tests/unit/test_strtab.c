/*
 * test_strtab.c — unit tests of strtab.c, the one string→index table:
 * put/get, the first value kept on a duplicate key, absent keys, exact
 * (case-sensitive) comparison, growth past the hint, keys copied, and a
 * large table.
 */
#include <stdlib.h>
#include <string.h>

#include "strtab.h"
#include "util.h"
#include "harness.h"

UNIT_TEST(strtab_put_get)
{
	strtab *t = strtab_new(0);
	CHECK_INT(strtab_get(t, "lado"), -1);
	CHECK_INT(strtab_put(t, "lado", 3), 0);
	CHECK_INT(strtab_put(t, "dbs", 0), 0);
	CHECK_INT(strtab_get(t, "lado"), 3);
	CHECK_INT(strtab_get(t, "dbs"), 0);
	CHECK_INT(strtab_get(t, "LADO"), -1);    /* callers fold case */
	CHECK_INT(strtab_get(t, ""), -1);
	CHECK_INT(strtab_put(t, "", 7), 0);
	CHECK_INT(strtab_get(t, ""), 7);
	CHECK_INT(strtab_count(t), 3);
	CHECK_INT(strtab_get(NULL, "x"), -1);
	strtab_free(t);
	strtab_free(NULL);
}

UNIT_TEST(strtab_first_value_kept)
{
	strtab *t = strtab_new(4);
	CHECK_INT(strtab_put(t, "section-47", 1), 0);
	CHECK_INT(strtab_put(t, "section-47", 2), 1);
	CHECK_INT(strtab_get(t, "section-47"), 1);
	CHECK_INT(strtab_count(t), 1);
	strtab_free(t);
}

UNIT_TEST(strtab_copies_keys)
{
	strtab *t = strtab_new(1);
	char *k = xstrdup("neglect");
	strtab_put(t, k, 5);
	k[0] = 'X';
	free(k);
	CHECK_INT(strtab_get(t, "neglect"), 5);
	strtab_free(t);
}

UNIT_TEST(strtab_grows)
{
	strtab *t = strtab_new(2);
	char key[32];
	for (long i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "term-%ld", i);
		CHECK_INT(strtab_put(t, key, i), 0);
	}
	CHECK_INT(strtab_count(t), 100000);
	int bad = 0;
	for (long i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "term-%ld", i);
		bad += strtab_get(t, key) != i;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(strtab_get(t, "term-100000"), -1);
	strtab_free(t);
}
