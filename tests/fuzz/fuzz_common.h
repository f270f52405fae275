/*
 * fuzz_common.h — what the libFuzzer targets of tests/fuzz/ share: one
 * scratch folder per process (removed at exit; leftovers of dead fuzzer
 * processes are swept at start), small policy projects written into it,
 * and the real pipeline of compiler/pipeline.c (load → link → check, the
 * filters optionally → model) run in-process over one fuzzed Markdown
 * file, so a target can look at each XML tree it produces.
 *
 * The first byte of a pipeline input holds its options (cmark's fuzz/ and
 * jq's tests/jq_fuzz_*.c habit):
 *   bit 0     allow-html: true
 *   bits 1-2  glossary-links: 0 first, 1 all, 2 none, 3 (key absent)
 *   bit 3     a glossary.yaml with a few terms is present
 *   bit 4     the built-in Lua filters run over the corpus
 *   bits 5-7  diagnostics printed (fuzz_diag_out) as 0 text, 1 json,
 *             2 sarif, 3 junit, 4 github, 5-7 not printed
 */
#ifndef POLICYC_FUZZ_COMMON_H
#define POLICYC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libxml/tree.h>

enum {
	FUZZ_ALLOW_HTML = 0x01,
	FUZZ_GLINKS_SHIFT = 1,
	FUZZ_GLOSSARY = 0x08,
	FUZZ_FILTERS = 0x10,
	FUZZ_FORMAT_SHIFT = 5
};

/* This process's scratch folder ("$TMPDIR/policyc-fuzz-NAME-PID"), made
 * on the first call; removed at exit. */
const char *fuzz_scratch(const char *name);

/* Writes text to base/rel, making folders; aborts when it cannot (a
 * harness that cannot write its project would test nothing). */
void fuzz_put(const char *base, const char *rel, const void *data,
    size_t len);

/* Where diagnostics are printed: /dev/null, or stderr when
 * POLICYC_FUZZ_VERBOSE is set (to see what an input does). */
FILE *fuzz_diag_out(void);

/* The project folder for a set of option bits (made on first use, then
 * only its policies/fuzz.md changes).  Borrowed; lives until exit. */
const char *fuzz_project(const char *scratch, unsigned opts);

/* Called for every XML tree the pipeline builds: the corpus ("corpus")
 * then each document (its id). */
typedef void (*fuzz_xml_fn)(xmlDocPtr doc, const char *what, void *arg);

/* Writes md[0..n) as policies/fuzz.md of the project for opts and runs the
 * pipeline; every allocation is freed before it returns. */
void fuzz_pipeline(const char *scratch, unsigned opts, const uint8_t *md,
    size_t n, fuzz_xml_fn each, void *arg);

#endif
