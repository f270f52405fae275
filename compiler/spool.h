/*
 * spool.h — strings by index, kept in an unlinked temporary file instead
 * of the heap.  The site's search entries (one a document, each the
 * page's whole text: 100 MB at 10,000 documents) are made by the page
 * workers in any order and read back twice, in document order, after
 * every page is written: once for search-index.js, once for the build
 * cache.  Held in memory they were a tenth of a large build's peak;
 * spooled, a document costs two numbers.  Where no temporary file can be
 * made (or a write to it fails) the strings stay in memory, so a spool
 * never loses one.
 */
#ifndef POLICYC_SPOOL_H
#define POLICYC_SPOOL_H

#include <stddef.h>

typedef struct spool spool;

/* A spool of n strings, its file an unlinked one in dir (O_TMPFILE, or
 * made and unlinked at once); in memory when dir is NULL or no file can
 * be made there. */
spool *spool_new(const char *dir, size_t n);
/* Keeps str as string i (taking it: freed here); NULL keeps none.  From
 * any thread; each i once. */
void spool_put(spool *s, size_t i, char *str);
/* String i, newly allocated (caller frees), or NULL when none was put.
 * After every put (jobs_run has returned). */
char *spool_get(const spool *s, size_t i);
size_t spool_count(const spool *s);
void spool_free(spool *s);

#endif
