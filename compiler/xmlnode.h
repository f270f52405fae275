/*
 * xmlnode.h — the few node helpers both XML writers (xmlout.c for the
 * document and corpus trees, xmlbody.c for the body) build trees with.
 * Every string goes through xmlnode_clean, so no writer can put a
 * character XML 1.0 forbids into a tree; libxml2 escapes the rest.  The
 * helpers are static inline: short names inside the two writers, one
 * definition.
 */
#ifndef POLICYC_XMLNODE_H
#define POLICYC_XMLNODE_H

#include <stdio.h>
#include <stdlib.h>
#include <libxml/tree.h>

#define X(s) ((const xmlChar *)(s))

/* Returns s ("" for NULL), or a newly allocated copy without the
 * characters XML 1.0 forbids (then *owned = 1: the caller frees). */
const char *xmlnode_clean(const char *s, int *owned);

static inline void
add_text(xmlNodePtr parent, const char *s)
{
	int owned;
	const char *c;
	if (!s || !*s)
		return;
	c = xmlnode_clean(s, &owned);
	xmlAddChild(parent, xmlNewText(X(c)));
	if (owned)
		free((char *)c);
}

static inline void
set_attr(xmlNodePtr n, const char *name, const char *value)
{
	int owned;
	const char *c = xmlnode_clean(value, &owned);
	xmlSetProp(n, X(name), X(c));
	if (owned)
		free((char *)c);
}

static inline void
set_attr_int(xmlNodePtr n, const char *name, long v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%ld", v);
	xmlSetProp(n, X(name), X(tmp));
}

static inline xmlNodePtr
child(xmlNodePtr parent, const char *name)
{
	return xmlNewChild(parent, NULL, X(name), NULL);
}

static inline xmlNodePtr
text_child(xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n = child(parent, name);
	add_text(n, text);
	return n;
}

#endif
