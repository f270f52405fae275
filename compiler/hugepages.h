/*
 * hugepages.h — a large build restarts itself once with glibc's malloc
 * on transparent huge pages (hugepages.c says when, and why).
 */
#ifndef POLICYC_HUGEPAGES_H
#define POLICYC_HUGEPAGES_H

#include <stddef.h>

/* Projects of fewer documents build too quickly for the restart (one
 * more start of the program, about 60 ms) to pay: at 300 generated
 * documents the whole build, restart included, took 12 % less. */
#define HUGEPAGES_MIN_DOCS 250

/* With argv (main's, NULL-terminated) and the number of documents the
 * scan found: either returns at once, or does not return (the program
 * starts again with the tunable).  Considered once a process. */
void hugepages_restart(char *const *argv, size_t ndocs);
/* This process is the restarted one. */
int hugepages_restarted(void);

#endif
