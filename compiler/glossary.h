/*
 * glossary.h — the project's glossary (glossary.yaml): terms, abbreviations,
 * aliases, definitions, sources and see-also; lookups by name and slug; and
 * glossary_find, which runs the matcher (termmatch.h) that finds them in
 * running text.  The matcher is one Aho–Corasick automaton built once per
 * build over every term, alias and abbreviation, so a pass over a document
 * costs time in the size of its text, not terms × text.
 */
#ifndef POLICYC_GLOSSARY_H
#define POLICYC_GLOSSARY_H

#include <stddef.h>
#include "yamlval.h"
#include "diag.h"
#include "termmatch.h"

typedef struct {
	char *slug;          /* id: slug of the term */
	char *term;          /* display name */
	char *abbr;          /* may be NULL */
	char **aliases; size_t naliases;
	char *definition;    /* Markdown text */
	char *source;        /* document id or URL; may be NULL */
	char **see; size_t nsee;   /* other terms' slugs */
	int line;            /* line of "- term:" in glossary.yaml */
	int link;            /* auto-linking: GLOSSARY_LINK_* (link:) */
	char **nots; size_t nnots; /* phrases never linked as it (not:) */
	int def_line, def_col;     /* of the definition's value */
	int src_line, src_col;     /* of source: */
} glossary_entry;

/* link: all (the default) auto-links the term, its aliases and its
 * abbreviation; abbr only the abbreviation; none nothing (explicit
 * glossary: links still work). */
enum { GLOSSARY_LINK_ALL, GLOSSARY_LINK_ABBR, GLOSSARY_LINK_NONE };

typedef struct glossary glossary;
struct project;

/* Loads the glossary file (path relative to project dir is `file`, used in
 * diagnostics).  A missing file gives an empty glossary (no diagnostic
 * unless `required`).  Reports yaml-syntax, meta-invalid (an entry without
 * term) and term-duplicate (a term, alias or abbreviation defined twice;
 * reported at the second).  Caller frees. */
glossary *glossary_load(const char *abspath, const char *file, int required,
    diag_set *ds);
/* Builds a glossary from an already parsed list (tests). */
glossary *glossary_from_yval(const yval *list, const char *file,
    diag_set *ds);
void glossary_free(glossary *g);

/* Substitutes the project's {{variables}} in every definition and
 * source:, by the rules of document text (document_substitute: the same
 * lookup, never in code, variable-unknown at the definition's or the
 * source's line and column), then judges the links of those that had
 * any (a source: the URL policy refuses is dropped, as at load).  Run once, on the
 * final glossary (an edition's entries merged over its cores'), with the
 * project being built: an edition's definitions read its own contacts. */
void glossary_substitute(glossary *g, const struct project *p,
    diag_set *ds);

size_t glossary_count(const glossary *g);
const glossary_entry *glossary_at(const glossary *g, size_t i);
/* Finds an entry by term, alias or abbreviation, then by slug; names are
 * compared case-insensitively (an abbreviation in its own case wins over
 * another entry's in a different case); -1 when none. */
long glossary_lookup(const glossary *g, const char *name);

/* The entry whose slug is `slug` (the first, when two share it), or -1:
 * term uses and term links carry slugs. */
long glossary_find_slug(const glossary *g, const char *slug);

/* One match of the matcher in a text (entry: index of the glossary
 * entry). */
typedef termmatch_hit glossary_match;

/* Finds non-overlapping whole-word matches in text[0..len), leftmost and
 * longest first.  Terms and aliases match case-insensitively (ASCII and
 * Unicode letters), abbreviations case-sensitively; word boundaries are
 * Unicode-aware (letters and digits of any script; a curly or straight
 * apostrophe followed by "s" ends a word: "LADO’s").  Returns the number of
 * matches written to *out (newly allocated; caller frees). */
size_t glossary_find(const glossary *g, const char *text, size_t len,
    glossary_match **out);

/* Whether match m in text may become a term link: not for a link: none
 * entry, and only on its abbreviation for a link: abbr one.  Every match
 * is a use of the term either way. */
int glossary_may_autolink(const glossary *g, const glossary_match *m,
    const char *text);

#endif
