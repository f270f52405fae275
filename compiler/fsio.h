/*
 * fsio.h — file system work for the build: walking the content folder,
 * making folders, writing files, and the output swap (build into a fresh
 * folder beside OUT, then rename it into place only when the build
 * succeeds, so a failed build leaves the old OUT as it was).
 */
#ifndef POLICYC_FSIO_H
#define POLICYC_FSIO_H

#include <stddef.h>

/* A file of the content folder that is not read, and why ("is not a
 * regular file", "is a symbolic link that resolves outside the project
 * folder"). */
typedef struct {
	char *rel;              /* relative to dir; the caller frees it */
	const char *reason;     /* static */
} fsio_skip;

/* Lists *.md (and *.markdown) files below dir recursively, sorted, paths
 * relative to dir with '/' separators.  Hidden files and folders are
 * skipped; nothing but regular files is listed; a symbolic link is listed
 * only when it resolves to a regular file inside project_root (NULL: dir).
 * Files passed over for those reasons go to *skipped (newly allocated,
 * *nskipped of them; may be NULL).  Returns the count; *out is newly
 * allocated (free each and the array). */
size_t fsio_list_markdown(const char *project_root, const char *dir,
    char ***out, fsio_skip **skipped, size_t *nskipped);
/* mkdir -p; returns 0 on success. */
int fsio_mkdirs(const char *path);
/* mkdir -p of the folder a file goes in; 0 on success. */
int fsio_mkdir_parent(const char *path);
/* Writes a file, making its folder; returns 0 on success. */
int fsio_write(const char *path, const char *data, size_t len);
/* Removes a tree (no symlink following); returns 0 on success. */
int fsio_rmtree(const char *path);
/* OUT without trailing slashes; caller frees. */
char *fsio_strip_slashes(const char *path);
/* Creates a fresh staging folder beside out ("OUT.tmp-PID-XXXXXX");
 * caller frees the returned path. */
char *fsio_staging(const char *out);
/* Removes staging ("OUT.tmp-PID-…") and half-swapped ("OUT.old-PID")
 * folders beside out whose process is gone (a build killed with -9);
 * those of a build still running are left alone.  An OUT.old-PID with no
 * OUT beside it (killed mid-swap) is renamed back to OUT.  Returns how
 * many it cleaned. */
int fsio_sweep_stale(const char *out);
/* Swaps staging into out: the old out is removed only after the rename
 * succeeded, by a detached child ("OUT.old-CHILD" until it is done: the
 * build does not wait for it), started by fsio_remove_old when the
 * command has said what it has to say (at exit at the latest) — or,
 * with keep_old, left as "OUT.old-PID" for a later fsio_sweep_stale,
 * once this process has gone, to remove (serve's standby does, between
 * saves).  Returns 0 on success. */
int fsio_swap(const char *staging, const char *out, int keep_old);
/* Instead of a swap, for an incremental build (publish.c): brings
 * staging's files into out one by one, each by a rename, and removes
 * from out every file that is neither in staging nor kept(ctx, rel),
 * and the folders that leaves empty.  last (a top-level name, the build
 * cache) is removed from out first and moved in last, so a commit cut
 * short leaves no cache and the next build is a full one.  Removes what
 * is left of staging (empty folders).  0 on success; else -1, *why (static)
 * saying what failed and errno why. */
int fsio_commit_in_place(const char *staging, const char *out,
    const char *last, int (*kept)(void *ctx, const char *rel), void *ctx,
    const char **why);
/* Before a swap of a build that kept files in out (incr_in_place) but
 * made too many to commit in place: hard-links into staging every file
 * of out that is kept(ctx, rel) and not in staging (a copy where no link
 * can be made), so the swap brings a whole OUT.  skip: a top-level name
 * never carried.  0 on success; else -1, *why and errno as above. */
int fsio_fill_staging(const char *staging, const char *out, const char *skip,
    int (*kept)(void *ctx, const char *rel), void *ctx, const char **why);
/* Starts the removal of every previous OUT swapped out so far.  A fork
 * write-protects every page of this process, and what it wrote after
 * that (the report of thousands of findings) took a copy-on-write fault
 * a page; so the child is forked last.  Until then each folder is
 * "OUT.old-PID", which fsio_sweep_stale leaves alone while this process
 * lives. */
void fsio_remove_old(void);
/* Opens root/rel for writing (created or truncated), making the folders
 * on the way, each opened beneath the last with O_NOFOLLOW: rel must be
 * relative, with no empty, "." or ".." segment, so nothing it names can
 * be outside root, whatever links are there.  Returns a descriptor, or
 * -1 with errno set. */
int fsio_open_beneath(const char *root, const char *rel);
/* Writes a whole file through fsio_open_beneath; 0 on success, -1 with
 * errno set (a full disk included: every write and the close are
 * checked). */
int fsio_write_beneath(const char *root, const char *rel, const char *data,
    size_t len);
/* Opens root/rel for reading (non-blocking, so a FIFO cannot hang the
 * open) when the kernel can vouch in one call that it lies beneath root
 * (openat2 RESOLVE_BENEATH: symbolic links are followed while they stay
 * beneath, as fsio_resolve_inside's realpath would; an absolute one is
 * refused).  -1 otherwise, for any reason: the caller then takes
 * fsio_resolve_inside's way, which says why.  root_fd is an
 * fsio_open_dir_path descriptor of root, so a thousand documents read
 * from one project need not open its folder a thousand times; -1 opens
 * root for this call. */
int fsio_open_read_beneath_at(int root_fd, const char *root,
    const char *rel);
/* An O_PATH descriptor of the folder rel beneath the folder root_fd,
 * reached through no symbolic link (close-on-exec), or -1. */
int fsio_open_dir_beneath(int root_fd, const char *rel);
/* An O_PATH descriptor of the folder dir (close-on-exec), or -1. */
int fsio_open_dir_path(const char *dir);
/* From now on fsio makes no file or folder (ECANCELED): what a SIGINT
 * or SIGTERM handler calls before it removes the staging folders, which
 * other threads are writing into.  Async-signal-safe. */
void fsio_stop_writes(void);
/* Removes a tree using only async-signal-safe calls, for a SIGINT or
 * SIGTERM handler. */
void fsio_rmtree_signal_safe(const char *path);
/* Copies a file; returns 0 on success. */
int fsio_copy(const char *from, const char *to);
int fsio_exists(const char *path);
/* 1 when a folder has no entries. */
int fsio_dir_empty(const char *path);
int fsio_is_dir(const char *path);

/* Resolves a path a project names (relative to root, the project folder)
 * the way DESIGN.md's "everything a project names resolves inside the
 * project" requires: symlinks are followed and the result must still lie
 * inside root; it must be a regular file (FSIO_WANT_FILE) or a folder
 * (FSIO_WANT_DIR).  On success returns FSIO_INSIDE and, if abs is given,
 * a newly allocated real path.  Otherwise *abs is NULL. */
enum fsio_inside {
	FSIO_INSIDE = 0,
	FSIO_MISSING,       /* does not exist (or a dangling link) */
	FSIO_OUTSIDE,       /* resolves outside root */
	FSIO_NOT_REGULAR,   /* a device, FIFO, socket (or the wrong kind) */
};
enum { FSIO_WANT_FILE = 1, FSIO_WANT_DIR = 2 };
enum fsio_inside fsio_resolve_inside(const char *root, const char *rel,
    int want, char **abs);
/* A sentence for a non-FSIO_INSIDE result ("is outside the project"). */
const char *fsio_inside_reason(enum fsio_inside r);

#endif
