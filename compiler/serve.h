/*
 * serve.h — `policyc serve`: build, serve OUT/html on loopback, watch the
 * project, rebuild on save and reload open pages (serve.c).
 */
#ifndef POLICYC_SERVE_H
#define POLICYC_SERVE_H

/* argv[0] is "serve"; returns the exit status. */
int serve_main(int argc, char **argv);

#endif
