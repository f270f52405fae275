/*
 * tmplsyntax.h — finds Liquid, ERB and Go/Hugo template syntax in a
 * document body before cmark parses it (see tmplsyntax.c).
 */
#ifndef POLICYC_TMPLSYNTAX_H
#define POLICYC_TMPLSYNTAX_H

#include <stddef.h>
#include "diag.h"
#include "project.h"

/* Returns a copy of text[0..len) with template constructs left out (link
 * tags replaced by the path they name, every newline kept) and reports
 * one template-syntax warning for the document at path (text[0] is on
 * file line base_line); NULL when there is nothing to change.  Caller
 * frees; *outlen gets the new length. */
char *tmplsyntax_strip(const project *p, const char *text, size_t len,
    int base_line, const char *path, diag_set *ds, size_t *outlen);

#endif
