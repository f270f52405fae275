/*
 * pdfchild.c — PDF work done in a child process of its own (pdf.c draws
 * each pack so, beside the documents' own PDFs).  Threads drawing in the
 * same fonts serialise on cairo's lock of each scaled font; processes
 * share no lock.  The child reads the parent's memory copy-on-write,
 * reports into its copy of the diagnostics set, and sends back whether a
 * file could not be written, the reports it added and its font counts
 * (wire.h's records, one message when it is done); it leaves with _exit
 * (no atexit handlers, no stdio flushed twice).
 *
 * fork() copies only the calling thread, and a lock another thread held
 * at that moment stays held in the child for ever.  So a child is forked
 * only while no thread of jobs_run runs (jobs_alone) and every other
 * thread of the process sleeps: those are Pango's, one a font map, each
 * waiting on its font map's queue for fontconfig work (pangofc-fontmap.c
 * in Pango 1.50), and a sleeping one holds no lock the child could need.
 * A font map made before the fork has no such thread in the child, and
 * Pango waits for that thread to answer when a layout needs a font
 * description the map has not met: the child's own layouts are made with
 * a font map of its own (the caller's job; pdf.c makes a fresh
 * pdf_thread in the child), and the layouts it only draws were shaped
 * before the fork.  Should a child still come to wait for ever, the
 * parent sees it asleep without using CPU for five seconds, kills it and
 * says so (PDFCHILD_STUCK): the caller does the work itself, so a build
 * is slower for it, never wrong and never hung.
 *
 * The child ends with the parent (PR_SET_PDEATHSIG), takes SIGINT and
 * SIGTERM as their default, and is named policyc-<what> for ps and the
 * tests.  The parent's handler of those signals kills and reaps it
 * before removing the staging folder (publish_watch_child), so it
 * writes nothing there after the folder is gone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "pdfint.h"
#include "pdfchild.h"
#include "hugepages.h"
#include "jobs.h"
#include "publish.h"
#include "wire.h"

struct pdfchild {
	pid_t pid;
	int fd;           /* the read end of its pipe */
	int slot;         /* publish_watch_child's, until it is reaped */
};

/* MiB of fresh heap the children that ended had faulted in beside
 * them (hugepages_prefault), for --timings */
static _Atomic size_t prefaulted_mib;

size_t
pdfchild_prefaulted_mib(void)
{
	return atomic_load(&prefaulted_mib);
}

/* Seconds a child may sleep without using CPU before it is taken to be
 * waiting for ever. */
#define STUCK_SECONDS 5

static const char *
packs_mode(void)
{
	const char *e = getenv("POLICYC_PDF_PACKS");

	return e ? e : "";
}

/* A thread's state letter and its CPU ticks (user + system) from a
 * /proc .../stat file; 0 when it cannot be read. */
static int
read_stat(const char *path, char *state, unsigned long long *ticks)
{
	char b[1024], *p;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned long long ut = 0, st = 0;

	if (fd < 0)
		return 0;
	n = read(fd, b, sizeof b - 1);
	close(fd);
	if (n <= 0)
		return 0;
	b[n] = 0;
	/* the name is in parentheses and may hold anything: the last ')' */
	if (!(p = strrchr(b, ')')) || p[1] != ' ' || !p[2])
		return 0;
	*state = p[2];
	/* after the state: ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime */
	if (ticks && sscanf(p + 3, "%*d %*d %*d %*d %*d %*u %*u %*u %*u "
	    "%*u %llu %llu", &ut, &st) != 2)
		return 0;
	if (ticks)
		*ticks = ut + st;
	return 1;
}

/* 1 when every thread of the process but this one is asleep. */
static int
others_asleep(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	long self = (long)syscall(SYS_gettid);
	int ok = d != NULL;

	while (ok && (e = readdir(d))) {
		char path[300], state;
		if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    atol(e->d_name) == self)
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/stat",
		    e->d_name);
		ok = read_stat(path, &state, NULL) && state == 'S';
	}
	if (d)
		closedir(d);
	return ok;
}

int
pdfchild_possible(void)
{
	int tries;

	if (!strcmp(packs_mode(), "inline") || !jobs_alone())
		return 0;
	/* a font map's thread may still be sorting fonts for the last
	 * layouts: a few milliseconds */
	for (tries = 0; tries < 50; tries++) {
		struct timespec ms = { 0, 1000000 };
		if (others_asleep())
			return 1;
		nanosleep(&ms, NULL);
	}
	return 0;
}

/* In the child: signals as the caller's shell would have them, and no
 * life beyond the parent's. */
static void
child_setup(pid_t parent, const char *what, const sigset_t *mask)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction sa;
	size_t i;
	char name[16];

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_IGN) {
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = SIG_DFL;
			sigaction(sigs[i], &sa, NULL);
		}
	pthread_sigmask(SIG_SETMASK, mask, NULL);
	snprintf(name, sizeof name, "policyc-%s", what);
#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)prctl(PR_SET_NAME, name);
#endif
	if (getppid() != parent)   /* it died before the line above */
		_exit(4);
}

static void
child_main(const backend_input *in, const char *what, pdfchild_fn fn,
    void *ctx, size_t fresh, int fd, pid_t parent, const sigset_t *mask)
{
	size_t mark = diag_count(in->ds), all0, fast0, all, fast, k;
	uint32_t failed;
	buf b;

	child_setup(parent, what, mask);
	if (!strcmp(packs_mode(), "stuck"))   /* tests/pdf-packs.t */
		for (;;)
			pause();
	pdffont_counts(&all0, &fast0);
	hugepages_prefault(fresh);
	failed = fn(ctx) != 0;
	pdffont_counts(&all, &fast);
	buf_init(&b);
	wire_put_u32(&b, failed);
	wire_put_u32(&b, (uint32_t)(all - all0));
	wire_put_u32(&b, (uint32_t)(fast - fast0));
	wire_put_u32(&b, (uint32_t)(hugepages_prefaulted() >> 20));
	for (k = mark; k < diag_count(in->ds); k++)
		wire_put_report(&b, diag_at(in->ds, k));
	_exit(wire_write_all(fd, b.data, b.len) != 0 ? 3 : 0);
}

pdfchild *
pdfchild_start(const backend_input *in, const char *what, pdfchild_fn fn,
    void *ctx, size_t fresh)
{
	int p[2], slot;
	pid_t parent = getpid(), pid;
	sigset_t stop, mask;
	pdfchild *c;

	if (pipe2(p, O_CLOEXEC) != 0)
		return NULL;
	/* a Ctrl-C between the fork and publish_watch_child waits for the
	 * latter, so the handler ends this child too */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &mask);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_main(in, what, fn, ctx, fresh, p[1], parent, &mask);
	}
	slot = pid > 0 ? publish_watch_child(pid) : -1;
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->pid = pid;
	c->fd = p[0];
	c->slot = slot;
	return c;
}

/* Reads c's message into b until it closes its end.  0 when it did;
 * 1 when it slept STUCK_SECONDS without using CPU (it is left running). */
static int
read_all(pdfchild *c, buf *b)
{
	char chunk[4096], path[64], state;
	unsigned long long ticks, last = 0;
	int idle = 0;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)c->pid);
	for (;;) {
		struct pollfd pf = { c->fd, POLLIN, 0 };
		int r = poll(&pf, 1, 100);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r != 0) {
			n = read(c->fd, chunk, sizeof chunk);
			if (n > 0) {
				buf_putn(b, chunk, (size_t)n);
				idle = 0;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			return 0;   /* the end (or an error: the status says) */
		}
		/* 100 ms without a word: is it working? */
		if (read_stat(path, &state, &ticks) && state == 'S' &&
		    ticks == last)
			idle++;
		else
			idle = 0;
		last = ticks;
		if (idle >= STUCK_SECONDS * 10)
			return 1;
	}
}

pdfchild_end
pdfchild_finish(pdfchild *c, const backend_input *in, char *how,
    size_t howsize)
{
	buf b;
	int st = 0, whole = 0, stuck;
	uint32_t failed = 1, all = 0, fast = 0, mib = 0;
	diag_set *got = diag_new_like(in->ds);
	pdfchild_end ended;

	buf_init(&b);
	stuck = read_all(c, &b);
	if (stuck)
		kill(c->pid, SIGKILL);
	close(c->fd);
	publish_unwatch_child(c->slot);   /* before its pid can be reused */
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!stuck && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		const char *p = b.data, *end = b.data + b.len;
		whole = wire_get_u32(&p, end, &failed) == 0 &&
		    wire_get_u32(&p, end, &all) == 0 &&
		    wire_get_u32(&p, end, &fast) == 0 &&
		    wire_get_u32(&p, end, &mib) == 0;
		while (whole && p < end)
			whole = wire_get_report(&p, end, got) == 1;
	}
	if (stuck)
		ended = PDFCHILD_STUCK;
	else if (whole) {
		diag_merge(in->ds, got);
		pdffont_add_counts(all, fast);
		atomic_fetch_add(&prefaulted_mib, mib);
		ended = failed ? PDFCHILD_FAILED : PDFCHILD_OK;
	} else {
		ended = PDFCHILD_DIED;
		if (how && WIFSIGNALED(st))
			snprintf(how, howsize, "was killed by signal %d",
			    WTERMSIG(st));
		else if (how && WIFEXITED(st) && WEXITSTATUS(st))
			snprintf(how, howsize, "ended with status %d",
			    WEXITSTATUS(st));
		else if (how)
			snprintf(how, howsize, "sent a garbled report");
	}
	diag_free(got);
	buf_free(&b);
	free(c);
	return ended;
}
