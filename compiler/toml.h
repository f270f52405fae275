/*
 * toml.h — Hugo's TOML front matter ("+++" fences), the subset front
 * matter uses, turned into YAML text so yamlval reads it (see toml.c).
 */
#ifndef POLICYC_TOML_H
#define POLICYC_TOML_H

#include <stddef.h>
#include "yamlval.h"

/* Returns YAML text with one line for each line of text[0..len) (so
 * yval_parse's line numbers are the file's), or NULL with *err filled
 * (err->line counted from first_line) for TOML outside the subset or
 * malformed.  Caller frees. */
char *toml_to_yaml(const char *text, size_t len, int first_line,
    yval_error *err);

#endif
