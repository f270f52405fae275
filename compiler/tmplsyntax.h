/*
 * tmplsyntax.h — finds Liquid, ERB and Go/Hugo template syntax in a
 * document body before cmark parses it (see tmplsyntax.c).
 */
#ifndef POLICYC_TMPLSYNTAX_H
#define POLICYC_TMPLSYNTAX_H

#include <stddef.h>
#include "diag.h"
#include "project.h"

/* Put between the braces of "{{" inside a {% raw %} block so policyc's
 * variables leave it alone; document.c takes it out afterwards. */
#define TMPLSYNTAX_GUARD '\x02'

/* Returns a copy of text[0..len) with template constructs left out (link
 * tags replaced by the path they name, every newline kept) and reports
 * one template-syntax warning for the document at path (relpath: the
 * same, relative to the content folder; text[0] is on file line
 * base_line); NULL when there is nothing to change.  Caller frees;
 * *outlen gets the new length. */
char *tmplsyntax_strip(const project *p, const char *text, size_t len,
    int base_line, const char *path, const char *relpath, diag_set *ds,
    size_t *outlen);

#endif
