/*
 * fsio.h — file system work for the build: walking the content folder,
 * making folders, writing files, and the output swap (build into a fresh
 * folder beside OUT, then rename it into place only when the build
 * succeeds, so a failed build leaves the old OUT as it was).
 */
#ifndef POLICYC_FSIO_H
#define POLICYC_FSIO_H

#include <stddef.h>

/* Lists *.md files below root/sub (recursively, sorted, paths relative to
 * root/sub with '/' separators).  Hidden files and folders are skipped.
 * Returns the count; *out is newly allocated (free each and the array). */
size_t fsio_list_markdown(const char *dir, char ***out);
/* mkdir -p; returns 0 on success. */
int fsio_mkdirs(const char *path);
/* Writes a file, making its folder; returns 0 on success. */
int fsio_write(const char *path, const char *data, size_t len);
/* Removes a tree (no symlink following); returns 0 on success. */
int fsio_rmtree(const char *path);
/* Creates a fresh staging folder beside out ("OUT.tmp-XXXXXX"); caller
 * frees the returned path. */
char *fsio_staging(const char *out);
/* Swaps staging into out: the old out is removed only after the rename
 * succeeded.  Returns 0 on success. */
int fsio_swap(const char *staging, const char *out);
/* Copies a file; returns 0 on success. */
int fsio_copy(const char *from, const char *to);
int fsio_exists(const char *path);
/* 1 when a folder has no entries. */
int fsio_dir_empty(const char *path);
int fsio_is_dir(const char *path);

#endif
