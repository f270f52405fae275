/*
 * jobs.h — the one parallel-for of policyc.  Every stage that works on
 * documents in parallel (parse, links, filters, XML, HTML, PDF) hands its
 * loop body to jobs_run; no other file creates threads.  Items are handed
 * out one at a time from a shared counter, so uneven items balance; the
 * worker number lets a stage keep per-thread state (transform contexts,
 * Pango font maps, filter child processes) in an array of jobs_workers()
 * slots.
 */
#ifndef POLICYC_JOBS_H
#define POLICYC_JOBS_H

#include <stddef.h>

/* Body of a parallel loop: item i, run on worker w (0 <= w < workers). */
typedef void (*jobs_fn)(void *ctx, size_t i, int worker);

/* How many workers jobs_run(n, threads, ...) will use: at least 1, at
 * most threads, at most n, at most JOBS_MAX. */
int jobs_workers(size_t n, int threads);

/* Runs fn(ctx, i, w) for every i in [0, n), on up to `threads` threads
 * (the calling thread is worker 0).  Returns when every item is done. */
void jobs_run(size_t n, int threads, jobs_fn fn, void *ctx);

/* 1 when no thread of jobs_run is running anywhere in the process: no
 * other file of policyc creates threads (libraries may: Pango one for
 * each font map, pdfchild.c), so none of policyc's own work is under way
 * beside the caller, and a fork copies no lock it holds. */
int jobs_alone(void);

/* The default thread count: the online processors, at least 1. */
int jobs_default(void);

#define JOBS_MAX 64

#endif
