/*
 * overlay.h — a local overlay of a core document (policies/<id>.local.md
 * in a project that extends a core): its <!-- local ... --> blocks are
 * merged into the core document's text before it is parsed, and a line
 * map says which file and line each merged line came from, so
 * diagnostics point at the overlay for local text and at the core file
 * for core text, and the XML writer can mark local text as local.
 *
 * Ownership: overlay_merge returns a map the caller frees with
 * overlay_map_free; everything it points to is its own.
 */
#ifndef POLICYC_OVERLAY_H
#define POLICYC_OVERLAY_H

#include <stddef.h>
#include "diag.h"

typedef enum { OV_AFTER, OV_BEFORE, OV_REPLACE, OV_APPEND } overlay_how;

typedef struct {
	overlay_how how;
	char *anchor;          /* heading id in the core document; NULL: append */
	char *stored;          /* core= as written (16 hex digits), or NULL */
	char *current;         /* hash of the core section now, or NULL */
	int marker_line, marker_col;  /* in the overlay file (0: no marker) */
	int first, last;       /* overlay file lines of its text */
} overlay_chunk;

/* Where one line of the merged text came from. */
typedef struct {
	int chunk;             /* -1 core, -2 the overlay's front matter,
	                          else the chunk's index */
	int line;              /* the line in its own file; 0 for lines the
	                          merge added */
} overlay_origin;

typedef struct overlay_map {
	char *core_path;       /* as reported (relative to the project) */
	char *overlay_path;
	char *edition;         /* name shown with local text */
	overlay_chunk *chunks; size_t nchunks;
	overlay_origin *lines; size_t nlines;  /* [merged line - 1] */
} overlay_map;

/* A top-level section of the core document: heading id and file lines. */
typedef struct {
	const char *slug;
	int start, end;
} overlay_section;

/* Reads the overlay's markers and merges it into the core text: front
 * matter keys of the overlay replace the core's, each block goes after,
 * before or in place of its section.  Reports overlay-anchor (unknown
 * heading id; the text is appended, never lost) and overlay-stale (core=
 * differs from the section's hash now, or none is stored).  *merged is
 * the text to parse (caller frees). */
overlay_map *overlay_merge(const char *core, size_t core_len,
    const char *core_path, const char *ov, size_t ov_len,
    const char *ov_path, const char *edition,
    const overlay_section *secs, size_t nsecs, diag_set *ds,
    char **merged, size_t *merged_len);
void overlay_map_free(overlay_map *m);

/* The chunk a merged line belongs to (its index), or -1. */
int overlay_chunk_at(const overlay_map *m, int line);
/* Maps a merged line to its file and line (file borrowed from m). */
void overlay_origin_of(const overlay_map *m, int line, const char **file,
    int *out_line);

/* The overlay text with every marker's core= set to its section's hash
 * now (after overlay_merge filled chunk->current); *changed counts the
 * markers that changed.  Caller frees. */
char *overlay_updated_text(const overlay_map *m, const char *ov,
    size_t ov_len, size_t *out_len, int *changed);

/* FNV-1a of a core section's lines (CR and trailing blank lines left
 * out), as 16 hex digits into out[17]. */
void overlay_hash(const char *text, size_t len, int start, int end,
    char out[17]);

#endif
