/*
 * hugepages.h — a build's malloc heaps on transparent huge pages, marked
 * in the process (hugepages.c says when, and why).
 */
#ifndef POLICYC_HUGEPAGES_H
#define POLICYC_HUGEPAGES_H

#include <stddef.h>

/* Early in a command that builds (build, check, serve), before it
 * stores much: malloc's settings for a compiler's heap, and the main
 * heap reserved and marked.  Once a process; the rest do nothing. */
void hugepages_setup(void);
/* Marks the main heap's growth past the reservation since the last
 * call; no system call when there is none (jobs.c calls it between
 * items). */
void hugepages_mark(void);
/* Marks the heap of the calling thread's malloc arena, unless it is
 * the main heap or marked already (jobs.c's threads, as they start). */
void hugepages_mark_thread(void);
/* In a forked child that limits its own address space (jail.c): the
 * unused reservation given back, and no more marking. */
void hugepages_release(void);
/* In a forked child about to use some bytes of fresh heap: a thread
 * of its own faults that much of the main heap's top in beside it
 * (hugepages.c says why); nothing unless the heap is marked. */
void hugepages_prefault(size_t bytes);
/* The bytes that thread has faulted in so far. */
size_t hugepages_prefaulted(void);
/* The bytes reserved and marked; 0 when nothing was (--timings). */
size_t hugepages_reserved(void);
/* 1 when nothing was marked because the machine is a virtual one whose
 * host takes back the guest's free memory, and a huge page measured
 * dearer than its small pages (--timings says so). */
int hugepages_declined_for_host(void);
/* On such a host: 1, with the median first write of a 4 KiB page and
 * that of the heap's first huge page, in nanoseconds; 0 when nothing
 * was measured. */
int hugepages_probed(long *small_ns, long *huge_ns);

#endif
