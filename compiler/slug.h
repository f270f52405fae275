/*
 * slug.h — heading anchors exactly as GitHub makes them (github-slugger):
 * lower case, every character removed that is not a letter, mark, decimal
 * or letter number, connector punctuation, space or '-' (by Unicode
 * general category), spaces to '-', and "-1", "-2" for repeats.  Links
 * that work on GitHub's preview of a document then work in its output.
 */
#ifndef POLICYC_SLUG_H
#define POLICYC_SLUG_H

/* The slug of one heading text (no repeat suffix).  Caller frees. */
char *slug_github(const char *text);

/* Unique slugs within one document, as github-slugger's BananaSlug:
 * the first "a" is "a", the next "a-1", then "a-2"; a heading whose own
 * slug is taken by an earlier suffix gets the next free number.  Linear
 * in the number of headings (a hash table, not a scan). */
typedef struct slugger slugger;
slugger *slugger_new(void);
/* The unique slug of text; caller frees. */
char *slugger_next(slugger *s, const char *text);
void slugger_free(slugger *s);

#endif
