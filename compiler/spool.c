/*
 * spool.c — strings by index in an unlinked temporary file (spool.h).
 * A put reserves its bytes at the end of the file under a lock and writes
 * them with pwrite outside it, so the page workers do not take turns
 * writing; a get reads them back with pread.  Each string's offset and
 * length are the only memory it costs.  A string whose write fails (a
 * full disk) is kept in memory instead, and so is every string of a
 * spool that has no file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "util.h"

struct spool {
	int fd;                 /* -1: in memory only */
	size_t n;
	off_t end;              /* bytes reserved so far */
	off_t *off;             /* per string: where, or -1 for none */
	size_t *len;
	char **mem;             /* per string kept in memory, else NULL */
	pthread_mutex_t lock;
};

/* An unlinked file in dir: never seen in OUT, gone when closed. */
static int
temp_file(const char *dir)
{
	int fd;
	char *tmpl;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	tmpl = path_join(dir, ".spool-XXXXXX");
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmpl);
	free(tmpl);
	return fd;
}

spool *
spool_new(const char *dir, size_t n)
{
	spool *s = xcalloc(1, sizeof *s);
	size_t i;

	s->n = n;
	s->fd = dir ? temp_file(dir) : -1;
	s->off = xcalloc(n + 1, sizeof *s->off);
	s->len = xcalloc(n + 1, sizeof *s->len);
	s->mem = xcalloc(n + 1, sizeof *s->mem);
	for (i = 0; i < n; i++)
		s->off[i] = -1;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

/* All of data at offset at; 0 when written. */
static int
write_at(int fd, const char *data, size_t len, off_t at)
{
	while (len) {
		ssize_t w = pwrite(fd, data, len, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		len -= (size_t)w;
		at += w;
	}
	return 0;
}

void
spool_put(spool *s, size_t i, char *str)
{
	size_t len;
	off_t at;

	if (!s || i >= s->n || !str) {
		free(str);
		return;
	}
	len = strlen(str);
	if (s->fd < 0) {
		s->mem[i] = str;
		return;
	}
	pthread_mutex_lock(&s->lock);
	at = s->end;
	s->end += (off_t)len;
	pthread_mutex_unlock(&s->lock);
	if (write_at(s->fd, str, len, at) != 0) {
		s->mem[i] = str;   /* a full disk: kept here instead */
		return;
	}
	s->off[i] = at;
	s->len[i] = len;
	free(str);
}

char *
spool_get(const spool *s, size_t i)
{
	char *str;
	size_t got = 0;

	if (!s || i >= s->n)
		return NULL;
	if (s->mem[i])
		return xstrdup(s->mem[i]);
	if (s->off[i] < 0)
		return NULL;
	str = xmalloc(s->len[i] + 1);
	while (got < s->len[i]) {
		ssize_t r = pread(s->fd, str + got, s->len[i] - got,
		    s->off[i] + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < s->len[i]) {   /* cannot happen to a file we wrote */
		free(str);
		return NULL;
	}
	str[got] = '\0';
	return str;
}

size_t
spool_count(const spool *s)
{
	return s ? s->n : 0;
}

void
spool_free(spool *s)
{
	size_t i;

	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	for (i = 0; i < s->n; i++)
		free(s->mem[i]);
	free(s->mem);
	free(s->off);
	free(s->len);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
