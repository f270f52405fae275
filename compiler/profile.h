/*
 * profile.h — audience blocks kept or dropped per edition (profile.c).
 */
#ifndef POLICYC_PROFILE_H
#define POLICYC_PROFILE_H

#include <stddef.h>
#include "project.h"

/* Blanks the marker lines of audience blocks in text[0..len) and the
 * lines of blocks whose audience the project's include: {audience:}
 * leaves out; line numbers are kept.  Works in place (text must have
 * room for a NUL at len); returns the new length.  *dropped (may be
 * NULL) counts the dropped lines. */
size_t profile_text(const project *p, char *text, size_t len,
    size_t *dropped);

/* The fence character of a code fence's opening or closing line (up to
 * three spaces, then ``` or ~~~), else 0: lines inside code are never
 * markers, for profiles and overlays alike. */
char profile_fence(const char *s, size_t n);

#endif
