/*
 * jobs.c — the one parallel-for (see jobs.h).  A fixed set of threads
 * pulls item numbers from an atomic counter; the caller's thread works
 * too, as worker 0.  When a thread cannot be started the others simply
 * take its share, so jobs_run never fails.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "hugepages.h"
#include "jobs.h"

/* Threads jobs_run has started and not yet joined, across every
 * jobs_run under way (jobs_alone). */
static atomic_int threads_live;

typedef struct {
	jobs_fn fn;
	void *ctx;
	size_t n;
	atomic_size_t next;
} loop;

typedef struct {
	loop *l;
	int worker;
} seat;

static void
work(loop *l, int worker)
{
	size_t i;
	while ((i = atomic_fetch_add(&l->next, 1)) < l->n) {
		/* the heap's growth on huge pages (hugepages.c) */
		hugepages_mark();
		l->fn(l->ctx, i, worker);
	}
}

static void *
thread_main(void *arg)
{
	seat *s = arg;
	hugepages_mark_thread();   /* its malloc arena (hugepages.c) */
	work(s->l, s->worker);
	return NULL;
}

int
jobs_workers(size_t n, int threads)
{
	if (threads > JOBS_MAX)
		threads = JOBS_MAX;
	if (threads < 1)
		threads = 1;
	if ((size_t)threads > n)
		threads = n ? (int)n : 1;
	return threads;
}

void
jobs_run(size_t n, int threads, jobs_fn fn, void *ctx)
{
	loop l;
	pthread_t th[JOBS_MAX];
	seat seats[JOBS_MAX];
	int t, workers = jobs_workers(n, threads);
	int started[JOBS_MAX] = {0};

	l.fn = fn;
	l.ctx = ctx;
	l.n = n;
	atomic_init(&l.next, 0);
	for (t = 1; t < workers; t++) {
		seats[t].l = &l;
		seats[t].worker = t;
		atomic_fetch_add(&threads_live, 1);
		started[t] = pthread_create(&th[t], NULL, thread_main,
		    &seats[t]) == 0;
		if (!started[t])
			atomic_fetch_sub(&threads_live, 1);
	}
	work(&l, 0);
	for (t = 1; t < workers; t++)
		if (started[t]) {
			pthread_join(th[t], NULL);
			atomic_fetch_sub(&threads_live, 1);
		}
}

int
jobs_alone(void)
{
	return atomic_load(&threads_live) == 0;
}

int
jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > JOBS_MAX ? JOBS_MAX : (int)n;
}
