/*
 * frontmatter.h — finds the YAML front matter of a Markdown file: a first
 * line "---" (a trailing space tolerated, after an optional UTF-8 BOM) up
 * to the next "---" or "..." line.  Only splits; yamlval parses.
 */
#ifndef POLICYC_FRONTMATTER_H
#define POLICYC_FRONTMATTER_H

#include <stddef.h>

typedef struct {
	int present;          /* the file opens with front matter */
	int unterminated;     /* opened with --- but never closed */
	int toml;             /* fenced with +++: TOML, not YAML */
	size_t bom;           /* bytes of BOM skipped (0 or 3) */
	size_t yaml_start;    /* byte offset of the YAML text */
	size_t yaml_len;
	int yaml_line;        /* file line of the YAML's first line */
	size_t body_start;    /* byte offset of the first body byte */
	int body_line;        /* file line of the first body line */
} frontmatter;

/* Splits text[0..len). Never fails: without front matter the body is the
 * whole text (after a BOM). */
void frontmatter_split(const char *text, size_t len, frontmatter *fm);

#endif
