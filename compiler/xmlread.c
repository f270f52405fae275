/*
 * xmlread.c — helpers to read the in-memory XML trees (document.xml and
 * corpus.xml as xmlout.c builds them) in the back ends, after the model
 * is made and judged.  They only read: absent nodes and attributes are
 * NULL (see xmlread.h for the one convention), so a caller tells "empty"
 * from "not there" the same way everywhere.
 */
#include <string.h>

#include "util.h"
#include "xmlread.h"

int
xmlread_is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr
xmlread_child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (xmlread_is(c, name))
			return c;
	return NULL;
}

xmlNodePtr
xmlread_next(xmlNodePtr n, const char *name)
{
	for (n = n ? n->next : NULL; n; n = n->next)
		if (xmlread_is(n, name))
			return n;
	return NULL;
}

/* Copies a libxml2 string into malloc'd memory and frees the original. */
static char *
take(xmlChar *v)
{
	char *s;

	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

char *
xmlread_attr(xmlNodePtr n, const char *name)
{
	return n ? take(xmlGetProp(n, (const xmlChar *)name)) : NULL;
}

char *
xmlread_attr_or(xmlNodePtr n, const char *name, const char *dflt)
{
	char *s = xmlread_attr(n, name);

	return s ? s : xstrdup(dflt);
}

char *
xmlread_text(xmlNodePtr n)
{
	char *s;

	if (n == NULL)
		return NULL;
	s = take(xmlNodeGetContent(n));
	return s ? s : xstrdup("");
}

char *
xmlread_text_or(xmlNodePtr n, const char *dflt)
{
	return n ? xmlread_text(n) : xstrdup(dflt);
}

char *
xmlread_child_text(xmlNodePtr n, const char *name)
{
	return xmlread_text(xmlread_child(n, name));
}

int
xmlread_is_ns(xmlNodePtr n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    !strcmp((const char *)n->ns->href, ns) &&
	    !strcmp((const char *)n->name, name);
}

char *
xmlread_attr_ns(xmlNodePtr n, const char *ns, const char *name)
{
	if (n == NULL)
		return NULL;
	return take(xmlGetNsProp(n, (const xmlChar *)name,
	    (const xmlChar *)ns));
}

xmlNodePtr
xmlread_child_ns(xmlNodePtr n, const char *ns, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (xmlread_is_ns(n, ns, name))
			return n;
	return NULL;
}
