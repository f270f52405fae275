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

/* A new attribute.  In a tree with a dictionary (corpus.xml's, where
 * every id and title recurs in uses, edges and citations) its name and
 * value are the dictionary's: two allocations fewer an attribute, and a
 * repeated string is held once.  libxml2 frees a node's strings only
 * when its document's dictionary does not own them, so the tree is
 * freed, edited and serialised as any other. */
static inline void
put_attr(xmlNodePtr n, const char *name, const char *value)
{
	xmlDictPtr dict = n->doc ? n->doc->dict : NULL;
	xmlAttrPtr a, *tail;
	xmlNodePtr t;

	if (!dict || xmlHasProp(n, X(name)) ||
	    !(a = xmlNewDocProp(n->doc, X(name), NULL))) {
		xmlSetProp(n, X(name), X(value));
		return;
	}
	t = xmlNewDocText(n->doc, NULL);
	if (!t || !(t->content = (xmlChar *)xmlDictLookup(dict, X(value),
	    -1))) {
		xmlFreeNode(t);
		xmlFreeProp(a);
		xmlSetProp(n, X(name), X(value));
		return;
	}
	t->parent = (xmlNodePtr)a;
	a->children = a->last = t;
	a->parent = n;
	for (tail = &n->properties; *tail; tail = &(*tail)->next)
		a->prev = *tail;
	*tail = a;
}

static inline void
set_attr(xmlNodePtr n, const char *name, const char *value)
{
	int owned;
	const char *c = xmlnode_clean(value, &owned);
	put_attr(n, name, c);
	if (owned)
		free((char *)c);
}

static inline void
set_attr_int(xmlNodePtr n, const char *name, long v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%ld", v);
	put_attr(n, name, tmp);
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
