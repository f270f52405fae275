/*
 * strtab.h — the one string→index table of policyc: glossary slugs and
 * names, document ids and paths, anything looked up by exact string.  An
 * open-addressing hash table that owns copies of its keys; values are
 * indices (longs >= 0) into the caller's own arrays.  Lookups compare
 * bytes exactly: callers fold case themselves where they need to.
 */
#ifndef POLICYC_STRTAB_H
#define POLICYC_STRTAB_H

#include <stddef.h>

typedef struct strtab strtab;

/* A new, empty table sized for about `hint` keys (it grows as needed).
 * Caller frees with strtab_free. */
strtab *strtab_new(size_t hint);
/* Frees the table and its copies of the keys; NULL is accepted. */
void strtab_free(strtab *t);
/* Adds key → value (the key is copied).  When the key is already there
 * the old value is kept and 1 is returned (so the first definition wins);
 * otherwise returns 0. */
int strtab_put(strtab *t, const char *key, long value);
/* Adds key → value, or replaces the value when the key is there (a
 * counter kept per key). */
void strtab_set(strtab *t, const char *key, long value);
/* The value of key, or -1 when absent (or t is NULL). */
long strtab_get(const strtab *t, const char *key);
/* Number of keys. */
size_t strtab_count(const strtab *t);

#endif
