/*
 * editions.h — `policyc overlay update`, and several editions in one run
 * (editions.c).
 */
#ifndef POLICYC_EDITIONS_H
#define POLICYC_EDITIONS_H

/* Runs the command when it is one of editions' (overlay; build or check
 * with --edition, --stats or several folders) and returns its exit
 * status; -1 for any other command line. */
int editions_main(int argc, char **argv);

#endif
