/*
 * jail.h — runs jobs (the Lua filters) in forked child processes with a
 * wall-clock limit, so that nothing a job does inside one C call can hang
 * or crash policyc.  A job reports into the child's copy of the
 * diagnostics set; those reports come back to the parent, are kept
 * (apart from anything a child shares) while children run, and are
 * merged into the caller's, in job order, when the jail ends — those of
 * the jobs that ended whole.  A job that ran out of time or crashed costs
 * one failure report, written by the caller's `failed` function at once.
 * jail.c is the only file that forks.
 */
#ifndef POLICYC_JAIL_H
#define POLICYC_JAIL_H

#include <stdatomic.h>
#include <stddef.h>

#include "diag.h"

typedef struct {
	/* Runs job k, reporting into ds: in a child (ds is the child's copy
	 * of the caller's set), or in this process when jobs are not
	 * isolated (the fuzz build; progress is NULL then).  It may keep
	 * 1 + the index of what it is working on in *progress, for the
	 * failure report. */
	void (*run)(void *ctx, size_t k, diag_set *ds, atomic_long *progress);
	/* In this process: job k did not end whole; `what` says how ("ran
	 * past its time limit of 5 s"), progress is the last value the job
	 * kept.  Reports it into ds. */
	void (*failed)(void *ctx, size_t k, long progress, const char *what,
	    diag_set *ds);
	void *ctx;
	diag_set *ds;           /* where the reports go */
	size_t njobs;
	double secs;            /* each job's wall-clock limit */
	size_t mem;             /* bytes of memory a job may use (a child
	                         * gets this and some room past it) */
} jail_spec;

typedef struct jail jail;

/* A jail for up to `workers` jobs at once (one child each, started when
 * first needed).  spec is copied. */
jail *jail_new(const jail_spec *spec, int workers);

/* Runs job k in worker w's child (0 <= w < workers) and waits for it.
 * Calls for different workers may run in parallel threads. */
void jail_run(jail *j, size_t k, int w);

/* Ends the children, merges the reports of the jobs that ended whole
 * into spec.ds, and frees j. */
void jail_free(jail *j);

#endif
