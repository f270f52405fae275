/*
 * watch.h — the project folder watched with inotify for `policyc serve`:
 * every folder below it (and folders made later), files created,
 * written, deleted and renamed into or out of it.  What is never input
 * is ignored: hidden files and folders (.git, an editor's swap files),
 * backup files (name~), vim's 4913 probe, and the output folder with its
 * staging, old and lock siblings.
 */
#ifndef POLICYC_WATCH_H
#define POLICYC_WATCH_H

#include <stddef.h>

typedef struct watch watch;

/* Watches dir and every folder below it, but out (OUT) and its
 * siblings OUT.tmp-*, OUT.old-*, OUT.lock.  NULL (errno set) when
 * inotify cannot be had. */
watch *watch_new(const char *dir, const char *out);
/* The descriptor to poll for reading. */
int watch_fd(const watch *w);
/* Reads what is pending (never blocks); returns how many events were
 * about input, and copies the path of the last of them (relative to
 * dir) into last (n bytes, may be NULL): after a save by rename, the
 * file saved rather than the editor's temporary name.  New folders are
 * watched (what they already hold is read by the rebuild). */
int watch_read(watch *w, char *last, size_t n);
void watch_free(watch *w);

#endif
