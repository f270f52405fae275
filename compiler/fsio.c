/*
 * fsio.c — the build's file system work: listing the Markdown files of the
 * content folder, making folders, writing files, and the staged output
 * swap.  Output goes to a fresh "OUT.tmp-XXXXXX" folder beside OUT; only a
 * build that succeeds renames it into place, so a failed build leaves the
 * previous OUT as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void
walk(const char *root, const char *rel, strlist *out, int depth)
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
		if (e->d_name[0] == '.')
			continue;
		childrel = *rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
		childabs = path_join(root, childrel);
		/* lstat: a symlink is not followed, so a link cannot lead the
		 * walk outside the content folder or round in a loop */
		if (lstat(childabs, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				walk(root, childrel, out, depth + 1);
				free(childrel);
			} else if (S_ISREG(st.st_mode) &&
			    (str_has_suffix(e->d_name, ".md") ||
			    str_has_suffix(e->d_name, ".markdown")))
				strlist_add(out, childrel);
			else
				free(childrel);
		} else
			free(childrel);
		free(childabs);
	}
	closedir(d);
	free(dirpath);
}

size_t
fsio_list_markdown(const char *dir, char ***out)
{
	strlist l = { NULL, 0, 0 };
	walk(dir, "", &l, 0);
	if (l.n > 1)
		qsort(l.items, l.n, sizeof *l.items, cmp_str);
	*out = l.items;
	return l.n;
}

int
fsio_mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return fsio_is_dir(path) ? 0 : (rc ? rc : -1);
}

int
fsio_write(const char *path, const char *data, size_t len)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	FILE *fp;
	int rc = 0;

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

char *
fsio_staging(const char *out)
{
	char *tmpl;
	size_t n = strlen(out);

	while (n > 1 && out[n - 1] == '/')
		n--;
	tmpl = xasprintf("%.*s.tmp-XXXXXX", (int)n, out);
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

int
fsio_swap(const char *staging, const char *out)
{
	char *old = NULL;
	int rc;

	if (fsio_exists(out)) {
		old = xasprintf("%s.old-%ld", out, (long)getpid());
		fsio_rmtree(old);
		if (rename(out, old) != 0) {
			free(old);
			return -1;
		}
	}
	rc = rename(staging, out);
	if (rc != 0) {
		if (old)
			rename(old, out);  /* put the previous output back */
		free(old);
		return -1;
	}
	if (old) {
		fsio_rmtree(old);
		free(old);
	}
	return 0;
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
