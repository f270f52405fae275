/*
 * serve.h — `policyc serve`: build, serve OUT/html on loopback, watch the
 * project, rebuild on save and reload open pages (serve.c).
 */
#ifndef POLICYC_SERVE_H
#define POLICYC_SERVE_H

#include "options.h"

/* `policyc serve`, its options read by options_parse (options.c);
 * returns the exit status (--help prints serve's help). */
int serve_run(const options *o);

#endif
