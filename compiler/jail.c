/*
 * jail.c — the child processes the Lua filters run in (see jail.h).  The
 * filters stage (filters.c) hands each filter to jail_run from a worker
 * of jobs_run; this file forks, keeps the wall-clock deadline, and reads
 * the reports back.  It knows nothing of Lua: the job it runs in the
 * child is the driver's function.
 *
 * The count hook runs between VM instructions, so it cannot stop a filter
 * that spends its time inside one C function: string.find backtracking
 * through ("a*"):rep(40) .. "b", a quadratic "a-b" over a long string,
 * table.concat, a finalizer doing either while the state closes.  So
 * filters run in forked child processes and each filter has a wall-clock
 * deadline; past it the parent kills the child, and nothing a filter does
 * inside C outlasts it.  The count hook and the memory cap stay: they end
 * the common cases at once, with the line that broke them.
 *
 * Each worker thread keeps one child and hands it filters one at a time
 * (a job number down a socket, the reports back up a pipe): a fresh
 * child's first pass over the corpus costs several times a warm one
 * (every page it reads is new to its page tables), so a child per filter
 * tripled the filters stage on 1,000 documents, and a child per worker
 * pays that once.  A child that is killed or crashes is replaced
 * for the next filter.
 *
 * The child runs a filter exactly as in-process, reporting into its copy
 * of the diag set (so rule severities apply there), and sends the reports
 * the set gained when the filter ends; it leaves with _exit (no atexit
 * handlers, no stdio flush).  The parent reads them into a diag set of
 * their own and merges that into the caller's only when they arrived
 * whole; a filter whose child was killed at the deadline or by a signal
 * gets one filter-error instead, and what it had found is dropped.  The
 * child says when it has taken a job ('S'), so a child that dies between
 * two filters is the first one's failure, not the second's.
 *
 * While a child lives, the parent writes nothing the child shares.
 * fork() shares the parent's pages copy-on-write, and the kernel copies
 * a page written on either side of a 2 MiB huge page by splitting it
 * into 512 small ones, each then write-protected: a parent that merged
 * a filter's reports into its heap while the child ran split every huge
 * page the merge touched, and paid a fault for each small page it wrote
 * afterwards (a one-document rebuild of 1,000 documents lost four huge
 * pages to a dozen reports, and ~12 ms to the faults that followed).  So
 * the workers' records and the messages the children send are kept in
 * memory the children do not get (MADV_DONTFORK), and read into the
 * caller's diagnostics set when the jail ends (jail_free), every child
 * gone; a job's reports still count only when it ended whole.
 *
 * fork() copies one thread of a threaded process, and any lock another
 * thread held at that moment stays held in the child for ever.  So the
 * workers (jobs_run's threads; between jobs they only take the next
 * number from an atomic counter) do everything but wait for their child
 * — fork, reporting, malloc of any kind — under run_lock: at a fork no
 * other worker is inside malloc, the diag set's mutex or stdio, and the
 * child may use all three (it reads rule severities from the diag set).
 * jobs_run may still be starting its threads when the first worker
 * forks; glibc's fork holds malloc's locks across the fork and resets its
 * thread-stack lock in the child, so a pthread_create under way cannot
 * leave either held.  A child closes every descriptor but its own two, so
 * another worker's child never holds this worker's open.
 *
 * The fuzz build (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, set by
 * tests/fuzz/fuzz.mk) runs filters in-process: libFuzzer must see the
 * bridge's coverage and crashes, and has a timeout of its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "hugepages.h"
#include "jail.h"
#include "util.h"
#include "wire.h"

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
static const int isolate = 0;
#else
static const int isolate = 1;
#endif

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Memory of the parent's own: mapped apart and not given to children
 * (MADV_DONTFORK), so writing it while a child lives copies nothing.
 * Grows by mremap (the pages move; nothing is copied). */
typedef struct {
	char *p;
	size_t len, cap;
} own_mem;

/* Room for need bytes in m; -1 when it cannot be had. */
static int own_reserve(own_mem *m, size_t need)
{
	size_t cap = m->cap ? m->cap : 65536;
	char *q;

	if (need <= m->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (m->p)   /* its pages moved, not copied; the advice goes along */
		q = mremap(m->p, m->cap, cap, MREMAP_MAYMOVE);
	else
		q = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED)
		return -1;
	if (!m->p)
		(void)madvise(q, cap, MADV_DONTFORK);
	m->p = q;
	m->cap = cap;
	return 0;
}

static void own_free(own_mem *m)
{
	if (m->p)
		munmap(m->p, m->cap);
	memset(m, 0, sizeof *m);
}

/* A job that ended whole: where its message lies in its worker's
 * `done`. */
typedef struct {
	size_t k, off, len;
	int w;                   /* the worker */
} job_done;

/* A worker's child process, as the parent sees it.  The workers live in
 * own_mem: the parent writes them while children run. */
typedef struct {
	pid_t pid;               /* -1: none running */
	int cmd, res;            /* job numbers to it; reports from it */
	atomic_long *doing;      /* shared page: the job's progress */
	size_t last;             /* the job it last finished, or NO_JOB */
	own_mem done;            /* the messages of the jobs that ended
	                            whole, one after another */
	own_mem index;           /* a job_done for each */
} worker;

#define NO_JOB SIZE_MAX

struct jail {
	jail_spec spec;
	own_mem workers;         /* nw workers */
	worker *w;
	int nw;
};

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int close_from_to(unsigned first, unsigned last)
{
	return first > last ? 0 : close_range(first, last, 0);
}

/* In the child: closes every descriptor above 2 but keep1 and keep2. */
static void close_others(int keep1, int keep2)
{
	unsigned lo = (unsigned)(keep1 < keep2 ? keep1 : keep2);
	unsigned hi = (unsigned)(keep1 < keep2 ? keep2 : keep1);
	DIR *dp;
	struct dirent *e;

	if (close_from_to(3, lo - 1) == 0 &&
	    close_from_to(lo + 1, hi - 1) == 0 &&
	    close_from_to(hi + 1, ~0U) == 0)
		return;
	if ((dp = opendir("/proc/self/fd")) == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != keep1 && fd != keep2 && fd != dirfd(dp))
			close(fd);
	}
	closedir(dp);
}

/* In the child: the address space a little past a job's memory (not
 * under ASan, which reserves terabytes of it) as a backstop. */
static void limit_memory(size_t mem)
{
#ifndef UNDER_ASAN
	struct rlimit rl;
	char text[64];
	unsigned long pages;
	rlim_t want;
	ssize_t n;
	int fd;

	/* the heap's unused reservation (hugepages.c) is address space
	 * this child could fill unchecked: given back first */
	hugepages_release();
	fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	pages = strtoul(text, NULL, 10);
	if (pages == 0)
		return;
	/* what is mapped now (the parent's corpus, other threads' stacks),
	 * the Lua cap, and room for malloc's own arenas */
	want = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) +
	    mem + ((rlim_t)512 << 20);
	if (getrlimit(RLIMIT_AS, &rl) == 0 &&
	    (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want)) {
		rl.rlim_cur = rl.rlim_max = want;
		(void)setrlimit(RLIMIT_AS, &rl);
	}
#else
	(void)mem;
#endif
}

/* In the child: CPU seconds a little past the deadline for the next
 * filter (the kernel sends SIGXCPU), a backstop should the parent not
 * be there to kill it. */
static void limit_cpu(double secs)
{
	struct rusage ru;
	struct rlimit rl;
	rlim_t want;

	if (getrusage(RUSAGE_SELF, &ru) != 0 ||
	    getrlimit(RLIMIT_CPU, &rl) != 0)
		return;
	want = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (rlim_t)secs + 3;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	(void)setrlimit(RLIMIT_CPU, &rl);
}

/* Sends a job number to a child; -1 when it has gone. */
static int send_job(int fd, uint32_t num)
{
	ssize_t k;

	do
		k = send(fd, &num, sizeof num, MSG_NOSIGNAL);
	while (k < 0 && errno == EINTR);
	return k == (ssize_t)sizeof num ? 0 : -1;
}


/* One record of a child's message, from *p: 'S' (the job has started),
 * 'R' (a report: severity, line and column as 32-bit words; rule, file
 * and message, each its length first) or 'E' (the end).  Returns the
 * record's letter and moves *p past it, 0 when the record is not all
 * there yet, -1 when it is garbled.  A report goes into got. */
static int next_record(const char **p, const char *end, diag_set *got)
{
	const char *q = *p;

	if (q == end)
		return 0;
	if (*q == 'E' || *q == 'S') {
		*p = q + 1;
		return *q;
	}
	switch (wire_get_report(p, end, got)) {
	case 1:
		return 'R';
	case 0:
		return 0;
	default:
		return -1;
	}
}

/* In the child: the reports ds gained from index `from` on, as 'R'
 * records. */
static void put_reports(buf *b, const diag_set *ds, size_t from)
{
	size_t i, n = diag_count(ds);

	for (i = from; i < n; i++)
		wire_put_report(b, diag_at(ds, i));
}

/* The child: runs the jobs whose numbers arrive on cmd, one at a time;
 * for each sends an 'S' when it has it, then its reports and an 'E' on
 * res.  The 'S' tells a crash between two jobs (the first one's doing)
 * from one in the second. */
static void child_main(jail *j, int cmd, int res, atomic_long *doing)
{
	uint32_t k;

#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	close_others(cmd, res);
	limit_memory(j->spec.mem);
	for (;;) {
		buf b;
		ssize_t n;
		size_t mark;

		do
			n = read(cmd, &k, sizeof k);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof k || k >= j->spec.njobs)
			_exit(0);
		if (doing)
			atomic_store(doing, 0);
		if (wire_write_all(res, "S", 1) != 0)
			_exit(3);
		limit_cpu(j->spec.secs);
		mark = diag_count(j->spec.ds);
		j->spec.run(j->spec.ctx, k, j->spec.ds, doing);

		buf_init(&b);
		put_reports(&b, j->spec.ds, mark);
		buf_putc(&b, 'E');
		if (wire_write_all(res, b.data, b.len) != 0)
			_exit(3);
		buf_free(&b);
	}
}

/* Starts w's child.  Under run_lock.  Returns 0, or -1 (errno set). */
static int worker_start(jail *j, worker *w)
{
	int cmd[2], res[2], e;
	void *page;
	atomic_long *doing;
	pid_t pid;

	page = mmap(NULL, sizeof *w->doing, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	w->doing = page == MAP_FAILED ? NULL : page;
	if (w->doing)
		atomic_init(w->doing, 0);
	w->last = NO_JOB;
	/* a socket for the job numbers, so that sending to a child that has
	 * died is an error (MSG_NOSIGNAL), not a SIGPIPE for policyc */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cmd) != 0)
		goto fail;
	if (pipe2(res, O_CLOEXEC) != 0) {
		e = errno;
		close(cmd[0]);
		close(cmd[1]);
		errno = e;
		goto fail;
	}
	doing = w->doing;   /* the child has no w (own_mem) */
	pid = fork();
	if (pid == 0) {
		close(cmd[1]);
		close(res[0]);
		child_main(j, cmd[0], res[1], doing);
	}
	e = errno;
	w->pid = pid;
	close(cmd[0]);
	close(res[1]);
	if (w->pid < 0) {
		close(cmd[1]);
		close(res[0]);
		errno = e;
		goto fail;
	}
	w->cmd = cmd[1];
	w->res = res[0];
	return 0;
fail:
	e = errno;
	if (w->doing)
		munmap(w->doing, sizeof *w->doing);
	w->doing = NULL;
	w->pid = -1;
	errno = e;
	return -1;
}

/* Waits for w's child to end (killing it first when kill_it); returns
 * its wait status. */
static int worker_reap(worker *w, int kill_it)
{
	int st = 0;

	if (kill_it)
		kill(w->pid, SIGKILL);
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(w->cmd);
	close(w->res);
	w->pid = -1;
	return st;
}

/* Ends w's child between jobs (no more jobs). */
static void worker_stop(jail *j, worker *w)
{
	if (w->pid < 0)
		return;
	/* past the last job: it leaves */
	(void)send_job(w->cmd, (uint32_t)j->spec.njobs);
	close(w->cmd);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(w->res);
	w->pid = -1;
	if (w->doing)
		munmap(w->doing, sizeof *w->doing);
	w->doing = NULL;
}

/* How a child that did not end its job went, from its wait status. */
static char *ending(const jail *j, int st, int timed_out)
{
	if (timed_out || (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU))
		return xasprintf("ran past its time limit of %g s",
		    j->spec.secs);
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		return xasprintf("crashed (signal %d)", WTERMSIG(st));
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		return xasprintf("crashed (exit status %d)", WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		return xasprintf("was killed (signal %d)", WTERMSIG(st));
	return xstrdup("ended without sending its results");
}

/* What one attempt at a job in a child came to. */
enum outcome {
	RAN,             /* ended whole: its reports are merged */
	FAILED,          /* started and did not end whole */
	NOT_STARTED      /* the child was gone before it took the job */
};

/* Waits for job k's records from w's child until the 'E' or the
 * deadline `end`, appending them to w->done (read later, jail_free).
 * Called with run_lock held; returns with it held.  Sets *started when
 * the 'S' came.  Returns 1 when the job ended whole, its message then
 * kept; else what came is dropped. */
static int collect(worker *w, int wn, size_t k, double end, int *started,
    int *timed_out)
{
	own_mem *in = &w->done;
	size_t first = in->len, scanned = in->len;
	int done = 0, garbled = 0;

	pthread_mutex_unlock(&run_lock);
	while (!done && !garbled) {
		char chunk[16384];
		struct pollfd pfd;
		double left = end - mono_now();
		const char *scan;
		ssize_t n;
		int t;

		/* past the deadline, what is already there still counts */
		pfd.fd = w->res;
		pfd.events = POLLIN;
		pfd.revents = 0;
		t = poll(&pfd, 1, left > 0 ? (int)(left * 1000) + 1 : 0);
		if (t < 0 && errno == EINTR)
			continue;
		if (t < 0)
			break;
		if (t == 0) {
			if (left <= 0) {
				*timed_out = 1;
				break;
			}
			continue;
		}
		n = read(w->res, chunk, sizeof chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;      /* end of file: the child has gone */
		pthread_mutex_lock(&run_lock);
		if (own_reserve(in, in->len + (size_t)n) != 0) {
			garbled = 1;   /* no room: the job does not count */
			pthread_mutex_unlock(&run_lock);
			break;
		}
		memcpy(in->p + in->len, chunk, (size_t)n);
		in->len += (size_t)n;
		scan = in->p + scanned;
		for (;;) {
			int rec = next_record(&scan, in->p + in->len, NULL);

			if (rec == 'S')
				*started = 1;
			if (rec == 'E')
				done = 1;
			if (rec < 0)
				garbled = 1;
			if (rec != 'R' && rec != 'S')
				break;
		}
		scanned = (size_t)(scan - in->p);
		pthread_mutex_unlock(&run_lock);
	}
	pthread_mutex_lock(&run_lock);
	done = done && !garbled && scanned == in->len;
	if (done && own_reserve(&w->index, w->index.len + sizeof(job_done))
	    == 0) {
		job_done r = { k, first, in->len - first, wn };

		memcpy(w->index.p + w->index.len, &r, sizeof r);
		w->index.len += sizeof r;
	} else {
		done = 0;
		in->len = first;
	}
	return done;
}

/* One attempt at job k in w's child (starting one when there is none).
 * Under run_lock.  On FAILED, *what says how (the caller frees it). */
static enum outcome attempt(jail *j, size_t k, worker *w, char **what,
    long *doing)
{
	int started = 0, timed_out = 0, st;

	*what = NULL;
	*doing = 0;
	if (w->pid < 0 && worker_start(j, w) != 0) {
		*what = xasprintf("cannot start a process for the filter: %s",
		    strerror(errno));
		return FAILED;
	}
	if (send_job(w->cmd, (uint32_t)k) == 0 &&
	    collect(w, (int)(w - j->w), k, mono_now() + j->spec.secs,
	    &started, &timed_out)) {
		w->last = k;
		return RAN;
	}
	/* a job that did not end whole: none of its reports count */
	st = worker_reap(w, 1);
	*what = ending(j, st, timed_out);
	if (w->doing) {
		*doing = atomic_load(w->doing);
		munmap(w->doing, sizeof *w->doing);
	}
	w->doing = NULL;
	w->last = NO_JOB;
	return started || timed_out ? FAILED : NOT_STARTED;
}

void jail_run(jail *j, size_t k, int wn)
{
	worker *w = &j->w[wn];
	enum outcome o;
	char *what;
	long doing;
	size_t last;

	if (!isolate) {
		j->spec.run(j->spec.ctx, k, j->spec.ds, NULL);
		return;
	}
	pthread_mutex_lock(&run_lock);
	last = w->last;
	o = attempt(j, k, w, &what, &doing);
	if (o == NOT_STARTED && last != NO_JOB) {
		/* the child died after it sent the last job's end and before
		 * it took this one: that is the last job's doing, not this
		 * one's, so say so at the last job and run this one afresh */
		char *m = xasprintf("%s after its checks ended (its reports "
		    "stand)", what);

		j->spec.failed(j->spec.ctx, last, 0, m, j->spec.ds);
		free(m);
		free(what);
		o = attempt(j, k, w, &what, &doing);
	}
	if (o != RAN) {
		j->spec.failed(j->spec.ctx, k, o == FAILED ? doing : 0, what,
		    j->spec.ds);
		free(what);
	}
	pthread_mutex_unlock(&run_lock);
}

jail *jail_new(const jail_spec *spec, int workers)
{
	jail *j = xcalloc(1, sizeof *j);
	int i;

	j->spec = *spec;
	j->nw = workers < 1 ? 1 : workers;
	/* (no such memory to be had: the heap, which only costs faults) */
	if (own_reserve(&j->workers, (size_t)j->nw * sizeof *j->w) == 0)
		j->w = (worker *)(void *)j->workers.p;
	else
		j->w = xmalloc((size_t)j->nw * sizeof *j->w);
	memset(j->w, 0, (size_t)j->nw * sizeof *j->w);
	for (i = 0; i < j->nw; i++) {
		j->w[i].pid = -1;
		j->w[i].cmd = j->w[i].res = -1;
		j->w[i].last = NO_JOB;
	}
	/* nothing buffered for a child to inherit; children policyc can
	 * wait for */
	fflush(NULL);
	if (isolate) {
		struct sigaction sa;

		if (sigaction(SIGCHLD, NULL, &sa) == 0 &&
		    sa.sa_handler == SIG_IGN) {
			sa.sa_handler = SIG_DFL;
			(void)sigaction(SIGCHLD, &sa, NULL);
		}
	}
	return j;
}

static int cmp_done(const void *a, const void *b)
{
	const job_done *x = *(const job_done *const *)a;
	const job_done *y = *(const job_done *const *)b;

	return x->k < y->k ? -1 : x->k > y->k;
}

/* Every child gone: the reports of the jobs that ended whole, in job
 * order, into the caller's set, at the severities they were sent with
 * (each message was checked whole as it came). */
static void merge_done(jail *j)
{
	const job_done **all;
	size_t n = 0, m, i;
	int w;

	for (w = 0; w < j->nw; w++)
		n += j->w[w].index.len / sizeof(job_done);
	if (n == 0)
		return;
	all = xcalloc(n, sizeof *all);
	for (m = 0, w = 0; w < j->nw; w++)
		for (i = 0; i < j->w[w].index.len / sizeof(job_done); i++)
			all[m++] = (const job_done *)(const void *)
			    (j->w[w].index.p + i * sizeof(job_done));
	qsort(all, n, sizeof *all, cmp_done);
	for (i = 0; i < n; i++) {
		const char *p = j->w[all[i]->w].done.p + all[i]->off;
		const char *end = p + all[i]->len;

		while (p < end && next_record(&p, end, j->spec.ds) > 0)
			;
	}
	free(all);
}

void jail_free(jail *j)
{
	int i;

	if (j == NULL)
		return;
	pthread_mutex_lock(&run_lock);
	for (i = 0; i < j->nw; i++)
		worker_stop(j, &j->w[i]);
	pthread_mutex_unlock(&run_lock);
	merge_done(j);
	for (i = 0; i < j->nw; i++) {
		own_free(&j->w[i].done);
		own_free(&j->w[i].index);
	}
	if (!j->workers.p)
		free(j->w);
	own_free(&j->workers);
	free(j);
}
