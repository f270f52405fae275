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

/* An audience block the edition keeps: its lines (of the text as
 * profiled: the marker lines blanked, so line numbers are the source's)
 * and its audiences as written ("staff, parents"). */
typedef struct profile_block_s {
	int first, last;
	char *audience;
} profile_block;

/* profile_text, also listing the kept audience blocks, outermost
 * first, in *blocks (caller frees with profile_blocks_free). */
size_t profile_text_blocks(const project *p, char *text, size_t len,
    profile_block **blocks, size_t *nblocks);
void profile_blocks_free(profile_block *b, size_t n);

/* The audience block (innermost) holding line, or NULL. */
const profile_block *profile_block_at(const profile_block *b, size_t n,
    int line);

/* 1 when an audience list as written ("staff, parents") names one of
 * the audiences in keep (a space-separated list, as a pack's XML says);
 * keep NULL keeps every audience. */
int profile_keeps(const char *keep, const char *audience);
/* 1 when the project (an edition) keeps that audience's blocks. */
int profile_edition_keeps(const project *p, const char *audience);

/* The fence character of a code fence's opening or closing line (up to
 * three spaces, then ``` or ~~~), else 0: lines inside code are never
 * markers, for profiles and overlays alike. */
char profile_fence(const char *s, size_t n);

#endif
