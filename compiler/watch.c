/*
 * watch.c — what `policyc serve` (serve.c) learns about saves: an inotify
 * watch on every folder of the project, so a document, the glossary,
 * policyc.yaml, a filter or a template override saved in any way editors
 * save — written in place, or written to a temporary name and renamed
 * over the old file (IN_MOVED_TO), or deleted and created — starts a
 * rebuild.  Folders made later are watched as they appear (and a folder
 * moved in whole, with files already in it, counts as a change).  It
 * only says that something changed; the build itself works out what.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsio.h"
#include "util.h"
#include "watch.h"

#define MASK (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
    IN_MOVED_TO | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR)

typedef struct {
	int wd;
	char *rel;          /* "" for the project folder */
} watched;

struct watch {
	int fd;
	char *dir;
	char *out_parent;   /* OUT's folder relative to dir, or NULL when
	                       OUT is outside the project */
	char *out_base;     /* OUT's own name */
	watched *w;
	size_t nw;
};

/* Names that are never input. */
static int
ignored_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.' || n == 0)
		return 1;             /* hidden: .git, .a.md.swp, .#a.md */
	if (name[n - 1] == '~')
		return 1;             /* backup files */
	if (!strcmp(name, "4913"))
		return 1;             /* vim's can-I-write-here probe */
	return 0;
}

/* OUT and its siblings, in OUT's folder. */
static int
is_output(const watch *w, const char *parent_rel, const char *name)
{
	size_t n;

	if (!w->out_parent || strcmp(parent_rel, w->out_parent))
		return 0;
	n = strlen(w->out_base);
	return !strncmp(name, w->out_base, n) &&
	    (name[n] == '\0' || !strncmp(name + n, ".tmp-", 5) ||
	    !strncmp(name + n, ".old-", 5) || !strcmp(name + n, ".lock"));
}

static char *
join_rel(const char *a, const char *b)
{
	return *a ? xasprintf("%s/%s", a, b) : xstrdup(b);
}

/* Watches dir/rel and every folder below it.  Returns how many
 * entries (files and folders) it found there. */
static int
add_tree(watch *w, const char *rel)
{
	char *abs = *rel ? path_join(w->dir, rel) : xstrdup(w->dir);
	int wd = inotify_add_watch(w->fd, abs, MASK), found = 0;
	DIR *d;
	struct dirent *e;

	if (wd < 0) {
		free(abs);
		return 0;
	}
	w->w = xrealloc(w->w, (w->nw + 1) * sizeof *w->w);
	w->w[w->nw].wd = wd;
	w->w[w->nw].rel = xstrdup(rel);
	w->nw++;
	if ((d = opendir(abs)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char *sub, *subabs;
			struct stat st;
			if (ignored_name(e->d_name) || is_output(w, rel, e->d_name))
				continue;
			found++;
			sub = join_rel(rel, e->d_name);
			subabs = path_join(w->dir, sub);
			/* lstat: a symbolic link to a folder is not followed
			 * (it may point anywhere, even back up) */
			if (lstat(subabs, &st) == 0 && S_ISDIR(st.st_mode))
				found += add_tree(w, sub);
			free(subabs);
			free(sub);
		}
		closedir(d);
	}
	free(abs);
	return found;
}

watch *
watch_new(const char *dir, const char *out)
{
	watch *w;
	char *rdir = realpath(dir, NULL), *rout, *slash, *copy;

	if (!rdir)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		free(rdir);
		free(w);
		return NULL;
	}
	w->dir = rdir;
	/* OUT may not exist yet: resolve its folder, keep its name */
	copy = xstrdup(out);
	slash = strrchr(copy, '/');
	w->out_base = xstrdup(slash ? slash + 1 : copy);
	if (slash)
		*slash = '\0';
	rout = realpath(slash ? (*copy ? copy : "/") : ".", NULL);
	if (rout && !strcmp(rout, rdir))
		w->out_parent = xstrdup("");
	else if (rout && !strncmp(rout, rdir, strlen(rdir)) &&
	    rout[strlen(rdir)] == '/')
		w->out_parent = xstrdup(rout + strlen(rdir) + 1);
	free(rout);
	free(copy);
	add_tree(w, "");
	return w;
}

int
watch_fd(const watch *w)
{
	return w->fd;
}

static const watched *
find_wd(const watch *w, int wd)
{
	for (size_t i = 0; i < w->nw; i++)
		if (w->w[i].wd == wd)
			return &w->w[i];
	return NULL;
}

static void
forget_wd(watch *w, int wd)
{
	for (size_t i = 0; i < w->nw; i++)
		if (w->w[i].wd == wd) {
			free(w->w[i].rel);
			w->w[i] = w->w[--w->nw];
			return;
		}
}

/* One event: 1 when it is about input. */
static int
one_event(watch *w, const struct inotify_event *e, char *first, size_t n)
{
	const watched *at;
	char *rel, *parent;
	int hit = 0;

	if (e->mask & IN_IGNORED) {
		forget_wd(w, e->wd);
		return 0;
	}
	if (e->mask & IN_Q_OVERFLOW)
		return 1;   /* events were lost: rebuild to be sure */
	if (!(at = find_wd(w, e->wd)))
		return 0;
	if (!e->len)
		return (e->mask & IN_DELETE_SELF) != 0;
	if (ignored_name(e->name) || is_output(w, at->rel, e->name))
		return 0;
	parent = xstrdup(at->rel);
	rel = join_rel(parent, e->name);
	free(parent);
	if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)))
		add_tree(w, rel);   /* what it holds already is counted below */
	hit = 1;
	if (first && n) {
		strncpy(first, rel, n - 1);
		first[n - 1] = '\0';
	}
	free(rel);
	return hit;
}

int
watch_read(watch *w, char *last, size_t n)
{
	char bufm[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	int hits = 0;
	ssize_t len;

	for (;;) {
		char *p;
		len = read(w->fd, bufm, sizeof bufm);
		if (len <= 0)
			break;
		for (p = bufm; p < bufm + len;) {
			const struct inotify_event *e = (const void *)p;
			hits += one_event(w, e, last, n);
			p += sizeof *e + e->len;
		}
	}
	return hits;
}

void
watch_free(watch *w)
{
	if (!w)
		return;
	close(w->fd);
	for (size_t i = 0; i < w->nw; i++)
		free(w->w[i].rel);
	free(w->w);
	free(w->dir);
	free(w->out_parent);
	free(w->out_base);
	free(w);
}
