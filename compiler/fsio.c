/*
 * fsio.c — the build's file system work: listing the Markdown files of the
 * content folder, making folders, writing files, and the staged output
 * swap.  Output goes to a fresh "OUT.tmp-XXXXXX" folder beside OUT; only a
 * build that succeeds renames it into place, so a failed build leaves the
 * previous OUT as it was.  An incremental build that made few files
 * moves them into OUT one by one instead (fsio_commit_in_place), and one
 * that made many links what it kept into staging before the swap
 * (fsio_fill_staging).
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include "fsio.h"
#include "util.h"

typedef struct {
	char **items;
	size_t n, cap;
} strlist;

static void
strlist_add(strlist *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->n++] = s;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
	fsio_skip *items;
	size_t n, cap;
} skiplist;

static void
skip_add(skiplist *l, char *rel, const char *reason)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->n].rel = rel;
	l->items[l->n].reason = reason;
	l->n++;
}

static int
is_markdown_name(const char *name)
{
	return str_has_suffix(name, ".md") || str_has_suffix(name, ".markdown");
}

/* 1 when real (a real path) lies inside rroot (a real path). */
static int
under(const char *rroot, const char *real)
{
	size_t l = strlen(rroot);
	return strncmp(real, rroot, l) == 0 &&
	    (real[l] == '/' || real[l] == '\0' || l == 1);
}

/*
 * A symbolic link in the content folder: a Markdown file it points to is
 * read when it lies inside the project and is a regular file.  A link to
 * a folder is not followed (links can loop); one that leads outside the
 * project is reported.  Returns 1 when childrel was taken into out.
 */
static int
walk_link(const char *rroot, const char *abs, char *childrel, int md,
    strlist *out, skiplist *skips)
{
	char *real = realpath(abs, NULL);
	struct stat st;

	if (!real || stat(real, &st) != 0) {
		free(real);
		if (!md)
			return 0;
		skip_add(skips, childrel, "is a broken symbolic link");
		return 1;
	}
	if (!rroot || !under(rroot, real)) {
		free(real);
		if (!md && !S_ISDIR(st.st_mode))
			return 0;
		skip_add(skips, childrel, "is a symbolic link that resolves "
		    "outside the project folder");
		return 1;
	}
	free(real);
	if (!md)
		return 0;
	if (S_ISREG(st.st_mode))
		strlist_add(out, childrel);
	else
		skip_add(skips, childrel, "is not a regular file");
	return 1;
}

static void
walk(const char *rroot, const char *root, const char *rel, strlist *out,
    skiplist *skips, int depth)
{
	char *dirpath = *rel ? path_join(root, rel) : xstrdup(root);
	DIR *d = opendir(dirpath);
	struct dirent *e;

	if (!d || depth > 64) {
		if (d)
			closedir(d);
		free(dirpath);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char *childrel, *childabs;
		struct stat st;
		int md, taken = 0;
		if (e->d_name[0] == '.')
			continue;
		md = is_markdown_name(e->d_name);
		childrel = *rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
		childabs = path_join(root, childrel);
		/* lstat: a symlink is judged, never walked into, so a link
		 * cannot lead the walk outside the project or round in a
		 * loop; nothing but a regular file is ever opened (a FIFO
		 * would hang the read, a device never end).  The entry's
		 * type as the folder gives it (d_type, as lstat would say:
		 * a symlink is DT_LNK) spares a file system that knows it
		 * the lstat of every file: a thousandth of a build's
		 * syscalls each */
		memset(&st, 0, sizeof st);
		if (e->d_type == DT_DIR)
			st.st_mode = S_IFDIR;
		else if (e->d_type == DT_REG)
			st.st_mode = S_IFREG;
		else if (e->d_type == DT_LNK)
			st.st_mode = S_IFLNK;
		if (!st.st_mode && lstat(childabs, &st) != 0)
			;
		else if (S_ISDIR(st.st_mode))
			walk(rroot, root, childrel, out, skips, depth + 1);
		else if (S_ISLNK(st.st_mode))
			taken = walk_link(rroot, childabs, childrel, md, out, skips);
		else if (md && S_ISREG(st.st_mode)) {
			strlist_add(out, childrel);
			taken = 1;
		} else if (md) {
			skip_add(skips, childrel, "is not a regular file (a FIFO, "
			    "device or socket)");
			taken = 1;
		}
		if (!taken)
			free(childrel);
		free(childabs);
	}
	closedir(d);
	free(dirpath);
}

static int
cmp_skip(const void *a, const void *b)
{
	return strcmp(((const fsio_skip *)a)->rel, ((const fsio_skip *)b)->rel);
}

size_t
fsio_list_markdown(const char *project_root, const char *dir, char ***out,
    fsio_skip **skipped, size_t *nskipped)
{
	strlist l = { NULL, 0, 0 };
	skiplist sk = { NULL, 0, 0 };
	char *rroot = realpath(project_root ? project_root : dir, NULL);

	walk(rroot, dir, "", &l, &sk, 0);
	free(rroot);
	if (l.n > 1)
		qsort(l.items, l.n, sizeof *l.items, cmp_str);
	if (sk.n > 1)
		qsort(sk.items, sk.n, sizeof *sk.items, cmp_skip);
	*out = l.items;
	if (skipped) {
		*skipped = sk.items;
		*nskipped = sk.n;
	} else {
		for (size_t i = 0; i < sk.n; i++)
			free(sk.items[i].rel);
		free(sk.items);
	}
	return l.n;
}

/* Set by a SIGINT or SIGTERM handler about to remove the staging
 * folders: from then on nothing new is made (other threads go on
 * running while the handler works). */
static atomic_int writes_stopped;

void
fsio_stop_writes(void)
{
	atomic_store(&writes_stopped, 1);
}

static int
stopped(void)
{
	if (atomic_load_explicit(&writes_stopped, memory_order_relaxed)) {
		errno = ECANCELED;
		return 1;
	}
	return 0;
}

/* mkdir p, making its missing parents first: from the folder itself
 * up, so a folder whose parents exist (nearly every call: OUT's
 * sections) costs one mkdir, not one for every component from "/".
 * 1 when p was made, 0 when it was there already, -1 on failure. */
static int
mkdirs_up(char *p)
{
	char *slash;
	int rc;

	if (mkdir(p, 0777) == 0)
		return 1;
	if (errno == EEXIST)
		return 0;
	if (errno != ENOENT || !(slash = strrchr(p, '/')) || slash == p)
		return -1;
	*slash = '\0';
	rc = mkdirs_up(p);
	*slash = '/';
	if (rc < 0)
		return -1;
	if (mkdir(p, 0777) == 0)
		return 1;
	return errno == EEXIST ? 0 : -1;
}

int
fsio_mkdirs(const char *path)
{
	char *p;
	int rc;

	if (stopped())
		return -1;
	p = xstrdup(path);
	rc = mkdirs_up(p);
	free(p);
	/* there already: a folder, or a file in the way */
	return rc == 1 || (rc == 0 && fsio_is_dir(path)) ? 0 : -1;
}

int
fsio_write(const char *path, const char *data, size_t len)
{
	char *dir, *slash;
	FILE *fp;
	int rc = 0;

	if (stopped())
		return -1;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (*dir && fsio_mkdirs(dir) != 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	fp = fopen(path, "wb");
	if (!fp)
		return -1;
	if (len && fwrite(data, 1, len, fp) != len)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

int
fsio_rmtree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char *child;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		child = path_join(path, e->d_name);
		if (fsio_rmtree(child) != 0)
			rc = -1;
		free(child);
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

/* OUT without trailing slashes ("out/" and "out" are one folder; with the
 * slash, renaming OUT to OUT.old-PID would move it into itself).  Caller
 * frees. */
char *
fsio_strip_slashes(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return xstrndup(path, n);
}

/*
 * The staging folder is "OUT.tmp-PID-XXXXXX": the process id in the name
 * lets the next build tell a folder a killed build left (its process is
 * gone) from one a build running at the same time is still writing.
 */
char *
fsio_staging(const char *out)
{
	char *base = fsio_strip_slashes(out), *tmpl;

	tmpl = xasprintf("%s.tmp-%ld-XXXXXX", base, (long)getpid());
	free(base);
	{
		char *dir = xstrdup(tmpl), *slash = strrchr(dir, '/');
		if (slash) {
			*slash = '\0';
			if (*dir)
				fsio_mkdirs(dir);
		}
		free(dir);
	}
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	chmod(tmpl, 0755);
	return tmpl;
}

/* The pid in "PID-..." or "PID" at s, or 0 when s does not start so. */
static long
leading_pid(const char *s)
{
	char *end;
	long pid;

	if (!isdigit((unsigned char)*s))
		return 0;
	pid = strtol(s, &end, 10);
	return (*end == '-' || *end == '\0') ? pid : 0;
}

int
fsio_sweep_stale(const char *out)
{
	char *base = fsio_strip_slashes(out), *slash = strrchr(base, '/');
	char *dir, *tmp_prefix, *old_prefix;
	const char *name;
	DIR *d;
	struct dirent *e;
	int swept = 0;

	if (slash) {
		dir = xstrndup(base, (size_t)(slash - base));
		if (!*dir) {
			free(dir);
			dir = xstrdup("/");
		}
		name = slash + 1;
	} else {
		dir = xstrdup(".");
		name = base;
	}
	tmp_prefix = xasprintf("%s.tmp-", name);
	old_prefix = xasprintf("%s.old-", name);
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			const char *rest = NULL;
			long pid;
			char *victim;
			int is_old = 0;
			if (str_has_prefix(e->d_name, tmp_prefix))
				rest = e->d_name + strlen(tmp_prefix);
			else if (str_has_prefix(e->d_name, old_prefix)) {
				rest = e->d_name + strlen(old_prefix);
				is_old = 1;
			}
			if (!rest || (pid = leading_pid(rest)) <= 0 ||
			    pid == (long)getpid())
				continue;
			if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
				continue;   /* a build still running */
			victim = path_join(dir, e->d_name);
			/* a build killed between the swap's two renames left
			 * the previous OUT as OUT.old-PID and no OUT: put it
			 * back rather than lose it */
			if (is_old && !fsio_exists(base) &&
			    rename(victim, base) == 0)
				swept++;
			else if (fsio_rmtree(victim) == 0)
				swept++;
			free(victim);
		}
		closedir(d);
	}
	free(tmp_prefix);
	free(old_prefix);
	free(dir);
	free(base);
	return swept;
}

static int remove_detached(const char *old, const char *out);

/* The previous OUTs swapped out, to be removed by fsio_remove_old
 * (editions swap theirs side by side, hence the lock). */
static pthread_mutex_t old_lock = PTHREAD_MUTEX_INITIALIZER;
static char **old_dirs, **old_outs;
static size_t nold;

static void
remove_old_at_exit(void)
{
	fsio_remove_old();
}

static void
defer_removal(const char *old, const char *out)
{
	static int registered;
	const char *w = getenv("POLICYC_REMOVE_WAIT");

	if (w && !strcmp(w, "1")) {   /* in place, now, as it always was */
		fsio_rmtree(old);
		return;
	}
	pthread_mutex_lock(&old_lock);
	if (!registered)
		registered = atexit(remove_old_at_exit) == 0;
	old_dirs = xrealloc(old_dirs, (nold + 1) * sizeof *old_dirs);
	old_outs = xrealloc(old_outs, (nold + 1) * sizeof *old_outs);
	old_dirs[nold] = xstrdup(old);
	old_outs[nold] = xstrdup(out);
	nold++;
	pthread_mutex_unlock(&old_lock);
}

void
fsio_remove_old(void)
{
	size_t i;

	pthread_mutex_lock(&old_lock);
	for (i = 0; i < nold; i++) {
		if (remove_detached(old_dirs[i], old_outs[i]) != 0)
			fsio_rmtree(old_dirs[i]);
		free(old_dirs[i]);
		free(old_outs[i]);
	}
	free(old_dirs);
	free(old_outs);
	old_dirs = old_outs = NULL;
	nold = 0;
	pthread_mutex_unlock(&old_lock);
}

int
fsio_swap(const char *staging, const char *out_given, int keep_old)
{
	char *old = NULL, *out = fsio_strip_slashes(out_given);
	int rc;

	if (fsio_exists(out)) {
		old = xasprintf("%s.old-%ld", out, (long)getpid());
		fsio_rmtree(old);
		if (rename(out, old) != 0) {
			free(old);
			free(out);
			return -1;
		}
	}
	rc = rename(staging, out);
	if (rc != 0) {
		if (old)
			rename(old, out);  /* put the previous output back */
		free(old);
		free(out);
		return -1;
	}
	if (old) {
		if (!keep_old)
			defer_removal(old, out);
		free(old);
	}
	free(out);
	return 0;
}

/* 1 when a path segment may be opened beneath a folder: not empty, not
 * "." or "..", no control character. */
static int
segment_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return 0;
	return 1;
}

/* openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS: -1 when the kernel
 * lacks it, a folder on the way is missing, or anything else refuses (the
 * caller then goes folder by folder, which says why). */
static int
beneath_fast(int dfd, const char *rel)
{
#ifdef SYS_openat2
	struct open_how how;
	const char *s = rel, *e;

	/* the same segment rules as the slow path */
	for (;;) {
		size_t n;
		e = strchr(s, '/');
		n = e ? (size_t)(e - s) : strlen(s);
		if (!segment_ok(s, n) || n > NAME_MAX)
			return -1;
		if (!e)
			break;
		s = e + 1;
	}
	memset(&how, 0, sizeof how);
	how.flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC;
	how.mode = 0644;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
	return (int)syscall(SYS_openat2, dfd, rel, &how, sizeof how);
#else
	(void)dfd;
	(void)rel;
	return -1;
#endif
}

int
fsio_open_dir_path(const char *dir)
{
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int
fsio_open_read_beneath_at(int root_fd, const char *root, const char *rel)
{
#ifdef SYS_openat2
	struct open_how how;
	int dfd = root_fd, fd;

	if (!rel || !*rel || rel[0] == '/')
		return -1;
	if (dfd < 0 && (dfd = fsio_open_dir_path(root)) < 0)
		return -1;
	memset(&how, 0, sizeof how);
	how.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH;
	fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof how);
	if (dfd != root_fd)
		close(dfd);
	return fd < 0 ? -1 : fd;
#else
	(void)root_fd;
	(void)root;
	(void)rel;
	return -1;
#endif
}


int
fsio_open_beneath(const char *root, const char *rel)
{
	int dfd, fd;
	const char *s = rel, *e;
	char seg[NAME_MAX + 1];

	if (!rel || rel[0] == '/' || strchr(rel, '\\')) {
		errno = EINVAL;
		return -1;
	}
	if (stopped())
		return -1;
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	/* the common case in one call: the folders exist already, and the
	 * kernel resolves rel beneath root with no symlink anywhere
	 * (openat2, Linux 5.6); else, below, folder by folder */
	fd = beneath_fast(dfd, rel);
	if (fd >= 0) {
		close(dfd);
		return fd;
	}
	for (;;) {
		size_t n;
		e = strchr(s, '/');
		n = e ? (size_t)(e - s) : strlen(s);
		if (!segment_ok(s, n) || n > NAME_MAX) {
			close(dfd);
			errno = n > NAME_MAX ? ENAMETOOLONG : EINVAL;
			return -1;
		}
		memcpy(seg, s, n);
		seg[n] = '\0';
		if (!e)
			break;
		/* a folder on the way: made if missing, never a symlink
		 * followed out of root */
		if (mkdirat(dfd, seg, 0777) != 0 && errno != EEXIST) {
			int err = errno;
			close(dfd);
			errno = err;
			return -1;
		}
		fd = openat(dfd, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(dfd);
		if (fd < 0)
			return -1;
		dfd = fd;
		s = e + 1;
	}
	fd = openat(dfd, seg, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	{
		int err = errno;
		close(dfd);
		errno = err;
	}
	return fd;
}

int
fsio_write_beneath(const char *root, const char *rel, const char *data,
    size_t len)
{
	int fd = fsio_open_beneath(root, rel), err;
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		done += (size_t)w;
	}
	if (close(fd) != 0)
		return -1;
	return 0;
}

/* ---- removal from a signal handler ---- */

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Removes dfd/name and what is below it with async-signal-safe calls only
 * (openat, getdents64, unlinkat, close): no malloc, no stdio. */
static void
rm_at(int dfd, const char *name, int depth)
{
	char b[2048] __attribute__((aligned(8)));
	int fd, pass;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT || depth > 48)
		return;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	/* entries removed while reading can be skipped: read again until a
	 * pass finds nothing (workers may still be adding files) */
	for (pass = 0; pass < 4; pass++) {
		long n, off;
		int any = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, b, sizeof b)) > 0)
			for (off = 0; off < n;) {
				struct dirent64_raw *e = (void *)(b + off);
				off += e->d_reclen;
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					continue;
				rm_at(fd, e->d_name, depth + 1);
				any = 1;
			}
		if (!any)
			break;
	}
	close(fd);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

void
fsio_rmtree_signal_safe(const char *path)
{
	rm_at(AT_FDCWD, path, 0);
}

/*
 * The previous OUT, removed after the swap without the build waiting for
 * it (issue 12: at 10,000 documents the removal was seconds of a
 * rebuild's wall).  A child of its own session, holding no descriptor
 * but its pipe (OUT's folder lock among them: a later build must not
 * wait for it), removes the folder with the async-signal-safe rm_at, as
 * a fork of a threaded process must.  The folder is first renamed to
 * carry the child's pid ("OUT.old-CHILD"), before the child starts and
 * while this process still lives, so fsio_sweep_stale leaves
 * it alone while the child lives and removes what is left if the child
 * dies.  ThreadSanitizer builds, which cannot follow a fork, remove it
 * in place (and so does POLICYC_REMOVE_WAIT=1: defer_removal).
 *
 * fsio_remove_old calls it once the command has reported, so it may be
 * past OUT's lock: the folder is "OUT.old-PID" until then, which a
 * sweep leaves alone while this process lives, and a sweep that read
 * the name just before the rename finds nothing left to remove.  Returns 0
 * when the child has the folder, -1 when the caller must remove it.
 */
static int
remove_detached(const char *old, const char *out)
{
#if defined(__SANITIZE_THREAD__)
	(void)old;
	(void)out;
	return -1;
#else
	char *named, *prefix;
	int fds[2], moved;
	pid_t pid;

	prefix = xasprintf("%s.old-", out);
	if (strlen(prefix) > PATH_MAX - 24 || pipe2(fds, O_CLOEXEC) != 0) {
		free(prefix);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		free(prefix);
		return -1;
	}
	if (pid == 0) {
		char path[PATH_MAX], digits[24], c;
		size_t n = strlen(prefix), k = 0;
		unsigned long v = (unsigned long)getpid();

		(void)setsid();
		if (fds[0] > 0)
			(void)syscall(SYS_close_range, 0U, (unsigned)fds[0] - 1,
			    0U);
		(void)syscall(SYS_close_range, (unsigned)fds[0] + 1, ~0U, 0U);
		do
			digits[k++] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		memcpy(path, prefix, n);
		while (k > 0)
			path[n++] = digits[--k];
		path[n] = '\0';
		/* the parent closes its end once the folder is renamed (or
		 * the rename failed: then there is nothing of that name) */
		while (read(fds[0], &c, 1) < 0 && errno == EINTR)
			;
		rm_at(AT_FDCWD, path, 0);
		_exit(0);
	}
	close(fds[0]);
	named = xasprintf("%s%ld", prefix, (long)pid);
	moved = rename(old, named) == 0;
	close(fds[1]);
	free(named);
	free(prefix);
	return moved ? 0 : -1;
#endif
}

int
fsio_copy(const char *from, const char *to)
{
	size_t len;
	char *data = read_file(from, &len);
	int rc;
	if (!data)
		return -1;
	rc = fsio_write(to, data, len);
	free(data);
	return rc;
}

int
fsio_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int
fsio_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
fsio_dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

enum fsio_inside
fsio_resolve_inside(const char *root, const char *rel, int want, char **abs)
{
	char *rroot, *joined, *real;
	struct stat st;
	size_t l;
	enum fsio_inside r = FSIO_INSIDE;

	if (abs)
		*abs = NULL;
	if (!rel || !*rel)
		return FSIO_MISSING;
	rroot = realpath(root, NULL);
	if (!rroot)
		return FSIO_MISSING;
	joined = rel[0] == '/' ? xstrdup(rel) : path_join(root, rel);
	real = realpath(joined, NULL);
	free(joined);
	if (!real) {
		free(rroot);
		return FSIO_MISSING;
	}
	l = strlen(rroot);
	if (!(strncmp(real, rroot, l) == 0 && (real[l] == '/' ||
	    real[l] == '\0' || l == 1)))
		r = FSIO_OUTSIDE;
	else if (stat(real, &st) != 0)
		r = FSIO_MISSING;
	else if ((want & FSIO_WANT_FILE) && !(want & FSIO_WANT_DIR) &&
	    !S_ISREG(st.st_mode))
		r = FSIO_NOT_REGULAR;
	else if ((want & FSIO_WANT_DIR) && !(want & FSIO_WANT_FILE) &&
	    !S_ISDIR(st.st_mode))
		r = FSIO_NOT_REGULAR;
	else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		r = FSIO_NOT_REGULAR;
	free(rroot);
	if (r == FSIO_INSIDE && abs)
		*abs = real;
	else
		free(real);
	return r;
}

const char *
fsio_inside_reason(enum fsio_inside r)
{
	switch (r) {
	case FSIO_INSIDE: return "is inside the project";
	case FSIO_MISSING: return "does not exist";
	case FSIO_OUTSIDE: return "resolves outside the project folder";
	case FSIO_NOT_REGULAR: return "is not a regular file";
	}
	return "cannot be read";
}

int
fsio_mkdir_parent(const char *path)
{
	char *dir, *slash;
	int rc = 0;

	if (stopped())
		return -1;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		rc = fsio_mkdirs(dir);
	}
	free(dir);
	return rc;
}

int
fsio_open_dir_beneath(int root_fd, const char *rel)
{
	const char *s = rel, *e;
	int fd, next;

	if (root_fd < 0 || !rel || !*rel || rel[0] == '/')
		return -1;
#ifdef SYS_openat2
	{
		struct open_how how;
		memset(&how, 0, sizeof how);
		how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
		fd = (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
	}
#endif
	/* no openat2: a folder at a time, none of them a link */
	fd = dup(root_fd);
	for (; fd >= 0; s = e + 1) {
		char seg[NAME_MAX + 1];
		size_t n;
		e = strchr(s, '/');
		n = e ? (size_t)(e - s) : strlen(s);
		if (!segment_ok(s, n) || n > NAME_MAX) {
			close(fd);
			return -1;
		}
		memcpy(seg, s, n);
		seg[n] = '\0';
		next = openat(fd, seg, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		fd = next;
		if (!e)
			break;
	}
	return fd;
}

/* ---- the in-place commit ---- */

/*
 * An incremental build changes a handful of OUT's files; making a new
 * folder of them all (every unchanged file hard-linked into staging),
 * swapping it in and removing the old one cost a one-document rebuild
 * of 1,000 documents some 2,000 links and, off its path, 2,000 unlinks.
 * fsio_commit_in_place instead brings only what staging holds into OUT,
 * file by file, each by a rename (a reader sees the old file or the new
 * one, never half of either), and removes what the build no longer
 * makes.  publish.c says when (a trusted build cache).
 */

typedef struct {
	int (*kept)(void *ctx, const char *rel);
	void *ctx;
	const char *skip;        /* the top-level name moved last */
	const char *staging;     /* fill: its path */
	const char *why;         /* the first failure */
	int err;
} commit_ctx;

static void
commit_fail(commit_ctx *cx, const char *why)
{
	if (!cx->why) {
		cx->why = why;
		cx->err = errno;
	}
}

/* The entry's type, asking the file system when the folder listing
 * does not say. */
static int
entry_is_dir(int dfd, const struct dirent *e)
{
	struct stat st;

	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	return fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

static int
exists_at(int dfd, const char *name)
{
	struct stat st;

	return dfd >= 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Copies the regular file name from folder a to folder b. */
static int
copy_at(int a, int b, const char *name)
{
	int in = openat(a, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out, rc = -1;
	char chunk[65536];
	ssize_t n;

	if (in < 0)
		return -1;
	out = openat(b, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0666);
	if (out >= 0) {
		rc = 0;
		while (rc == 0 && (n = read(in, chunk, sizeof chunk)) != 0)
			if (n < 0 || write(out, chunk, (size_t)n) != n)
				rc = -1;
		if (close(out) != 0)
			rc = -1;
	}
	close(in);
	return rc;
}

static int
exists_dir_at(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

/* A listing of the folder fd (which stays open), or NULL with the
 * failure, what, in cx. */
static DIR *
listing(commit_ctx *cx, int fd, const char *what)
{
	int copy = dup(fd);
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;

	if (!d) {
		if (copy >= 0)
			close(copy);
		commit_fail(cx, what);
	}
	return d;
}

/* Removes from the OUT folder ofd (at rel) every file that is neither
 * in the staging folder sfd (-1: none there) nor kept, and the folders
 * left empty that staging does not have. */
static void
prune(commit_ctx *cx, int ofd, int sfd, buf *rel)
{
	DIR *d = listing(cx, ofd, "cannot read a folder of it");
	struct dirent *e;
	size_t at = rel->len;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!at && cx->skip && !strcmp(e->d_name, cx->skip))
			continue;
		rel->len = at;
		if (at)
			buf_putc(rel, '/');
		buf_puts(rel, e->d_name);
		if (entry_is_dir(ofd, e)) {
			int o = openat(ofd, e->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			int s = sfd >= 0 ? openat(sfd, e->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
			if (o >= 0) {
				prune(cx, o, s, rel);
				close(o);
			} else
				commit_fail(cx, "cannot open a folder of it");
			if (s < 0)   /* ENOTEMPTY when something is kept */
				unlinkat(ofd, e->d_name, AT_REMOVEDIR);
			else
				close(s);
		} else if (!cx->kept(cx->ctx, rel->data) &&
		    !exists_at(sfd, e->d_name) &&
		    unlinkat(ofd, e->d_name, 0) != 0 && errno != ENOENT)
			commit_fail(cx, "cannot remove a file the build no "
			    "longer makes");
	}
	rel->len = at;
	if (rel->data)
		rel->data[at] = '\0';
	closedir(d);
}

/* Moves everything in the staging folder sfd into the OUT folder ofd.
 * A file that replaces one is exchanged with it (RENAME_EXCHANGE) and
 * the old one then removed from staging: a plain rename over a file
 * makes ext4 write the new file's data out first (auto_da_alloc), and a
 * title edit of 1,000 documents waited ~13 ms on the disk for its 74
 * files.  Either way a reader finds the old file or the new one; a file
 * system without the exchange (EINVAL) gets the plain rename. */
static void
move_in(commit_ctx *cx, int sfd, int ofd, int top)
{
	DIR *d = listing(cx, sfd, "cannot read the staging folder");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (top && cx->skip && !strcmp(e->d_name, cx->skip))
			continue;
		if (entry_is_dir(sfd, e)) {
			int s, o;
			if (mkdirat(ofd, e->d_name, 0777) != 0 && errno == EEXIST &&
			    !exists_dir_at(ofd, e->d_name)) {
				/* a file where the folder goes */
				unlinkat(ofd, e->d_name, 0);
				mkdirat(ofd, e->d_name, 0777);
			}
			s = openat(sfd, e->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			o = openat(ofd, e->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (s >= 0 && o >= 0)
				move_in(cx, s, o, 0);
			else
				commit_fail(cx, "cannot make a folder in it");
			if (s >= 0)
				close(s);
			if (o >= 0)
				close(o);
		} else if (exists_dir_at(ofd, e->d_name)) {
			/* a folder where the file goes */
			rm_at(ofd, e->d_name, 0);
			if (renameat(sfd, e->d_name, ofd, e->d_name) != 0)
				commit_fail(cx, "cannot move a new file into it");
		} else if (renameat2(sfd, e->d_name, ofd, e->d_name,
		    RENAME_EXCHANGE) == 0) {
			/* the old file, now in staging */
			unlinkat(sfd, e->d_name, 0);
		} else if (renameat(sfd, e->d_name, ofd, e->d_name) != 0)
			commit_fail(cx, "cannot move a new file into it");
	}
	closedir(d);
}

/* Hard-links into the staging folder sfd every file of the OUT folder
 * ofd (at rel) that is kept and not in staging (a copy where no link
 * can be made), making staging's folders as they are needed. */
static void
fill(commit_ctx *cx, int ofd, int sfd_in, buf *rel)
{
	int sfd = sfd_in;
	DIR *d = listing(cx, ofd, "cannot read a folder of it");
	struct dirent *e;
	size_t at = rel->len;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL && !cx->why) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!at && cx->skip && !strcmp(e->d_name, cx->skip))
			continue;
		rel->len = at;
		if (at)
			buf_putc(rel, '/');
		buf_puts(rel, e->d_name);
		if (entry_is_dir(ofd, e)) {
			int o = openat(ofd, e->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			int s = sfd >= 0 ? openat(sfd, e->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
			if (o >= 0)
				fill(cx, o, s, rel);
			else
				commit_fail(cx, "cannot open a folder of it");
			if (o >= 0)
				close(o);
			if (s >= 0)
				close(s);
			continue;
		}
		if (!cx->kept(cx->ctx, rel->data))
			continue;
		if (sfd < 0) {   /* staging's folder, made when first needed */
			char *dir = xasprintf("%s/%.*s", cx->staging, (int)at,
			    rel->data);
			if (fsio_mkdirs(dir) == 0)
				sfd = open(dir, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);
			free(dir);
			if (sfd < 0) {
				commit_fail(cx, "cannot make a folder in staging");
				continue;
			}
		}
		if (exists_at(sfd, e->d_name))
			continue;   /* made by this build */
		if (linkat(ofd, e->d_name, sfd, e->d_name, 0) != 0 &&
		    copy_at(ofd, sfd, e->d_name) != 0)
			commit_fail(cx, "cannot carry a file over");
	}
	rel->len = at;
	if (rel->data)
		rel->data[at] = '\0';
	closedir(d);
	if (sfd >= 0 && sfd != sfd_in)
		close(sfd);
}

/* Opens both folders of a commit or fill into *sfd and *ofd: 0, or -1
 * with the failure in cx. */
static int
commit_open(commit_ctx *cx, const char *staging, const char *out,
    const char *skip, int (*kept)(void *ctx, const char *rel), void *ctx,
    int *sfd, int *ofd)
{
	memset(cx, 0, sizeof *cx);
	cx->kept = kept;
	cx->ctx = ctx;
	cx->skip = skip;
	cx->staging = staging;
	*sfd = open(staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*ofd = open(out, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*sfd >= 0 && *ofd >= 0)
		return 0;
	commit_fail(cx, *sfd < 0 ? "cannot open the staging folder" :
	    "cannot open it");
	return -1;
}

/* Closes what commit_open opened: 0, or -1 with *why and errno set
 * from the first failure. */
static int
commit_close(commit_ctx *cx, int sfd, int ofd, const char **why)
{
	if (sfd >= 0)
		close(sfd);
	if (ofd >= 0)
		close(ofd);
	*why = cx->why;
	if (!cx->why)
		return 0;
	errno = cx->err;
	return -1;
}

int
fsio_fill_staging(const char *staging, const char *out, const char *skip,
    int (*kept)(void *ctx, const char *rel), void *ctx, const char **why)
{
	commit_ctx cx;
	buf rel;
	int sfd, ofd;

	if (commit_open(&cx, staging, out, skip, kept, ctx, &sfd, &ofd) == 0) {
		buf_init(&rel);
		fill(&cx, ofd, sfd, &rel);
		buf_free(&rel);
	}
	return commit_close(&cx, sfd, ofd, why);
}

int
fsio_commit_in_place(const char *staging, const char *out, const char *last,
    int (*kept)(void *ctx, const char *rel), void *ctx, const char **why)
{
	commit_ctx cx;
	buf rel;
	int sfd, ofd;

	if (commit_open(&cx, staging, out, last, kept, ctx, &sfd, &ofd) != 0)
		return commit_close(&cx, sfd, ofd, why);
	/* first what says OUT is whole: a commit cut short leaves OUT
	 * without it, and the next build makes everything again */
	if (last && unlinkat(ofd, last, 0) != 0 && errno != ENOENT)
		commit_fail(&cx, "cannot remove its build cache");
	buf_init(&rel);
	if (!cx.why)
		prune(&cx, ofd, sfd, &rel);
	buf_free(&rel);
	if (!cx.why)
		move_in(&cx, sfd, ofd, 1);
	if (!cx.why && last && exists_at(sfd, last) &&
	    renameat(sfd, last, ofd, last) != 0)
		commit_fail(&cx, "cannot move the build cache into it");
	if (commit_close(&cx, sfd, ofd, why) != 0)
		return -1;
	fsio_rmtree(staging);   /* the folders it had, empty now */
	return 0;
}
