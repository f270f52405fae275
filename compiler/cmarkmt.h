/*
 * cmarkmt.h — parsing several documents at once with cmark-gfm (see
 * cmarkmt.c for why the library needs help).
 */
#ifndef POLICYC_CMARKMT_H
#define POLICYC_CMARKMT_H

#include <cmark-gfm.h>

/* 1 when documents may be parsed in parallel threads; 0 when they must
 * be parsed one at a time.  The first call registers cmark-gfm's
 * extensions (before any parser runs) and probes the library; later
 * calls only read the answer.  Thread-safe. */
int cmarkmt_parallel(void);

/* A parser with the GFM extensions every document is parsed with
 * (table, strikethrough, autolink, tagfilter, tasklist) and footnotes.
 * Call cmarkmt_parallel() first.  Caller frees. */
cmark_parser *cmarkmt_parser(void);

#endif
