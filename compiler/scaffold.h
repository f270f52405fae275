/*
 * scaffold.h — `policyc new DIR`: a starting project (policyc.yaml,
 * glossary.yaml, one example policy) that checks clean, so a new user
 * begins from something that works.
 */
#ifndef POLICYC_SCAFFOLD_H
#define POLICYC_SCAFFOLD_H

/* Creates the project in dir (which must not exist or be empty), dated
 * from today (YYYY-MM-DD).  Returns an enum policyc_exit value; problems
 * are printed as one line on stderr. */
int scaffold_new(const char *dir, const char *today);
/* The same project with or without the example policy (policyc import
 * fills it with imported documents instead); silent on success. */
int scaffold_project(const char *dir, const char *today, int example);

#endif
