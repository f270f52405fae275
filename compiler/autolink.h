/*
 * autolink.h — term auto-linking: finds glossary terms in the body text of
 * a document (through the glossary matcher) and turns them into term
 * links, first use or every use as glossary-links: says, recording every
 * use.  Run by the link pass (links.c) after the document's own links are
 * resolved; never inside a link, image, heading or code.
 */
#ifndef POLICYC_AUTOLINK_H
#define POLICYC_AUTOLINK_H

#include "corpus.h"

/* Auto-links terms in document di of c (touches that document only, so
 * documents may run on different threads). */
void autolink_document(corpus *c, size_t di);

#endif
