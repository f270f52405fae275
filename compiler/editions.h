/*
 * editions.h — `policyc overlay update`, and several editions in one run
 * (editions.c).
 */
#ifndef POLICYC_EDITIONS_H
#define POLICYC_EDITIONS_H

#include "options.h"

/* build or check of several editions (--edition, or several folders),
 * its options read by options_parse: the exit status; -1 when the
 * command line is not one of editions'. */
int editions_run(const options *o);
/* `policyc overlay update [DIR]` (argv[1] is "overlay"). */
int editions_overlay(int argc, char **argv);

#endif
