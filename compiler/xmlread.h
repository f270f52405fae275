/*
 * xmlread.h — the one way back ends read the XML trees xmlout.c built
 * (HTML's search index and site writer, the PDF back end's styles and
 * flow).  One NULL convention for every getter:
 *
 *   - node getters take NULL and return NULL when there is no such node;
 *   - string getters return a newly allocated string when the attribute
 *     or node is there (possibly "") and NULL when it is absent;
 *   - the *_or variants never return NULL: absent gives a copy of dflt.
 *
 * The caller frees every returned string with free().
 */
#ifndef POLICYC_XMLREAD_H
#define POLICYC_XMLREAD_H

#include <libxml/tree.h>

/* Whether n is an element called name (n may be NULL). */
int xmlread_is(xmlNodePtr n, const char *name);

/* The first child element of n called name, or NULL. */
xmlNodePtr xmlread_child(xmlNodePtr n, const char *name);

/* The next sibling element after n called name, or NULL:
 *   for (c = xmlread_child(n, "x"); c; c = xmlread_next(c, "x")) */
xmlNodePtr xmlread_next(xmlNodePtr n, const char *name);

/* Attribute name of n, newly allocated; NULL when n or it is absent. */
char *xmlread_attr(xmlNodePtr n, const char *name);
/* As xmlread_attr, but a copy of dflt when absent. */
char *xmlread_attr_or(xmlNodePtr n, const char *name, const char *dflt);

/* Text content of n, newly allocated; NULL when n is NULL. */
char *xmlread_text(xmlNodePtr n);
/* As xmlread_text, but a copy of dflt when n is NULL. */
char *xmlread_text_or(xmlNodePtr n, const char *dflt);

/* Text content of n's first child element called name; NULL when absent. */
char *xmlread_child_text(xmlNodePtr n, const char *name);

/* The namespaced forms (WordprocessingML, OpenDocument): n is an
 * element named name in namespace ns; its attribute ns:name (newly
 * allocated, or NULL); its first such child, or NULL. */
int xmlread_is_ns(xmlNodePtr n, const char *ns, const char *name);
char *xmlread_attr_ns(xmlNodePtr n, const char *ns, const char *name);
xmlNodePtr xmlread_child_ns(xmlNodePtr n, const char *ns, const char *name);

#endif
