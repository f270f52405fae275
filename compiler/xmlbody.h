/*
 * xmlbody.h — the inside of the XML writer: xmlbody.c writes bodies and
 * Markdown fragments, xmlout.c the rest of each tree.  Not for other
 * modules: they call xmlout.h.
 */
#ifndef POLICYC_XMLBODY_H
#define POLICYC_XMLBODY_H

#include <libxml/tree.h>
#include "corpus.h"

/* Writes the body of d into body (headings as nested sections) and, when
 * it has any, <footnotes> into doc.  Needs d->root (nothing when NULL). */
void xmlbody_write(const corpus *c, const document *d, xmlNodePtr doc,
    xmlNodePtr body);
/* Appends the blocks of a piece of Markdown (a glossary definition). */
void xmlbody_markdown(const corpus *c, xmlNodePtr parent, const char *md);

/* Glossary entry e's definition as plain text, for term/@title; from
 * xmlout.c's prepared data. */
const char *xmlout_term_title(const corpus *c, size_t e);
/* glossary_lookup(c->glossary, slug), for a term link's slug; -1 when
 * there is no glossary or no such entry. */
long xmlout_term_entry(const corpus *c, const char *slug);

#endif
