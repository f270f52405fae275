/*
 * termmatch.h — the glossary matcher: an Aho–Corasick automaton over names
 * (terms, aliases, abbreviations), each naming an entry index.  glossary.c
 * fills and builds one per glossary; the auto-linker runs it over text.
 */
#ifndef POLICYC_TERMMATCH_H
#define POLICYC_TERMMATCH_H

#include <stddef.h>

typedef struct termmatch termmatch;

/* One match in a text. */
typedef struct {
	size_t start, end;   /* byte offsets, end exclusive */
	size_t entry;        /* index of the entry the name belongs to */
} termmatch_hit;

/* An empty matcher; caller frees with termmatch_free. */
termmatch *termmatch_new(void);
void termmatch_free(termmatch *tm);
/* Adds a name for entry (cs: an abbreviation, matched in its own case).
 * Only before termmatch_build. */
void termmatch_add(termmatch *tm, size_t entry, const char *name, int cs);
/* Builds the automaton; after it the matcher is read-only (and may be
 * shared by threads). */
void termmatch_build(termmatch *tm);
/* Non-overlapping whole-word matches in text[0..len), leftmost and longest
 * first (see glossary_find).  Returns the count; *out is newly allocated
 * (caller frees) or NULL. */
size_t termmatch_find(const termmatch *tm, const char *text, size_t len,
    termmatch_hit **out);
/* The earliest entry with exactly this name (folded; abbreviations in
 * their own case), or -1. */
long termmatch_lookup(const termmatch *tm, const char *name);
/* A name as the automaton sees it: trimmed, whitespace runs collapsed to
 * one space, case folded unless cs.  Caller frees. */
char *termmatch_normalise(const char *s, int cs, size_t *outlen);

#endif
