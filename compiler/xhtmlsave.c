/*
 * xhtmlsave.c — a page's result tree made ready for libxml2's XHTML
 * writer (htmlxsl.c's save_xhtml), so that it writes the same bytes in a
 * fraction of the time.  libxml2 writes each node through several layers
 * (xhtmlNodeDumpOutput, an output buffer with a UTF-8 to UTF-8
 * converter, xmlBufAdd per piece of a tag): that was a ninth of the HTML
 * stage's instructions.  Most of a page is elements the XHTML rules do
 * not touch, so each largest subtree of them is written here, once, and
 * put back in its place as one text node that libxml2 writes without
 * escaping (xmlStringTextNoenc, as libxslt's disable-output-escaping).
 *
 * What libxml2's XHTML writer treats specially stays its to write: <html>
 * (its xmlns), <head> with all it holds (the Content-Type <meta> it may
 * add), <script> and <style> (their text may become CDATA), elements and
 * attributes with a namespace prefix, namespace declarations other than
 * a default one (an inline SVG's xmlns=),
 * a name= (it adds id=), lang= (it adds xml:lang=), an empty boolean
 * attribute (checked= becomes checked="checked"), empty elements it may
 * write as <x /> beyond the usual void ones, and every node other than
 * elements and text.  An element is written here only when nothing in
 * its subtree is any of those; the rest of the tree is as before.
 */
#include <string.h>

#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>   /* xmlStringTextNoenc */
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "util.h"
#include "xhtmlsave.h"
#include "xmldump.h"

#define XHTML_NS ((const xmlChar *)"http://www.w3.org/1999/xhtml")

/* The psvi of a node libxml2 must write itself (the result tree is freed
 * after it is written; nothing else reads psvi there). */
static char keep_mark;
#define KEEP ((void *)&keep_mark)

static int
is(const xmlChar *name, const char *s)
{
	/* the first byte rules out most names without a call */
	return name[0] == (xmlChar)s[0] && strcmp((const char *)name, s) == 0;
}

/* Empty elements libxml2 writes as "<br />" (xhtmlIsEmpty), of those a
 * page has, when in no namespace or XHTML's; other empty elements (an
 * SVG's <rect>) are "<p></p>". */
static int
in_list(const xmlChar *name, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is(name, v[i]))
			return 1;
	return 0;
}

static int
void_element(const xmlChar *name)
{
	static const char *const v[] = { "br", "hr", "img", "input", "link",
	    "meta", "col", "area", "base", "param" };

	return in_list(name, v, sizeof v / sizeof *v);
}

/* Empty elements libxml2's list may also hold, or HTML calls void: left
 * to libxml2, whatever it makes of them. */
static int
void_maybe(const xmlChar *name)
{
	static const char *const v[] = { "basefont", "frame", "isindex",
	    "embed", "source", "track", "wbr", "keygen", "command" };

	return in_list(name, v, sizeof v / sizeof *v);
}

/* Whether an attribute is written here as name="value". */
static int
attr_plain(xmlAttrPtr a)
{
	xmlNodePtr t;

	if (a->ns || is(a->name, "name") || is(a->name, "lang"))
		return 0;
	for (t = a->children; t; t = t->next)
		if (t->type != XML_TEXT_NODE || t->content == NULL)
			return 0;
	if ((a->children == NULL || a->children->content[0] == '\0') &&
	    htmlIsBooleanAttr(a->name))
		return 0;
	return 1;
}

/* Whether an element's namespace declarations are written here: only
 * default ones (an inline SVG's xmlns=), as xmlNsDumpOutput writes them. */
static int
ns_plain(xmlNsPtr ns)
{
	for (; ns; ns = ns->next)
		if (ns->type != XML_LOCAL_NAMESPACE || ns->prefix ||
		    ns->href == NULL || xmlStrchr(ns->href, '"'))
			return 0;
	return 1;
}

/* Whether node n itself (not its children) is written here. */
static int
node_plain(xmlNodePtr n)
{
	xmlAttrPtr a;

	if (n->type == XML_TEXT_NODE)
		return 1;
	if (n->type != XML_ELEMENT_NODE || (n->ns && n->ns->prefix) ||
	    !ns_plain(n->nsDef))
		return 0;
	if (is(n->name, "html") || is(n->name, "head") ||
	    is(n->name, "script") || is(n->name, "style"))
		return 0;
	if (n->children == NULL && void_maybe(n->name))
		return 0;
	for (a = n->properties; a; a = a->next)
		if (!attr_plain(a))
			return 0;
	return 1;
}

/* The next node of a walk in document order below top (children first
 * when down is set); NULL at the end. */
static xmlNodePtr
next_node(xmlNodePtr n, xmlNodePtr top, int down)
{
	if (down && n->children && n->type == XML_ELEMENT_NODE)
		return n->children;
	while (n != top && n->next == NULL)
		n = n->parent;
	return n == top ? NULL : n->next;
}

/* Marks every node libxml2 must write, and each of its ancestors. */
static void
mark_kept(xmlDocPtr res)
{
	xmlNodePtr n = res->children, up;

	while (n) {
		if (!node_plain(n))
			for (up = n; up && up->type != XML_DOCUMENT_NODE &&
			    up->psvi != KEEP; up = up->parent)
				up->psvi = KEEP;
		n = next_node(n, (xmlNodePtr)res, 1);
	}
}

static void
start_tag(buf *b, xmlNodePtr n)
{
	xmlNsPtr ns;

	buf_putc(b, '<');
	buf_puts(b, (const char *)n->name);
	for (ns = n->nsDef; ns; ns = ns->next) {
		buf_putn(b, " xmlns=\"", 8);
		buf_puts(b, (const char *)ns->href);
		buf_putc(b, '"');
	}
	xmldump_attrs(b, n);
	if (n->children)
		buf_putc(b, '>');
	else if (void_element(n->name) &&
	    (n->ns == NULL || xmlStrEqual(n->ns->href, XHTML_NS)))
		buf_putn(b, " />", 3);
	else {
		buf_putn(b, "></", 3);
		buf_puts(b, (const char *)n->name);
		buf_putc(b, '>');
	}
}

/* start_tag for xmldump_walk: every element of a plain subtree is. */
static int
start_any(buf *b, xmlNodePtr n)
{
	start_tag(b, n);
	return 1;
}

/* Element top and its subtree (every node of it plain: elements and
 * text only) as libxml2's XHTML writer writes them. */
static void
write_subtree(buf *b, xmlNodePtr top)
{
	(void)xmldump_walk(b, top, start_any);
}

/* Writes ahead each largest subtree with nothing libxml2 must write. */
static void
prepare(xmlDocPtr res)
{
	xmlNodePtr n, t;
	buf b;

	/* attributes with non-ASCII text would be character references */
	if (res == NULL || res->encoding == NULL)
		return;
	mark_kept(res);
	buf_init(&b);
	n = res->children;
	while (n) {
		if (n->type != XML_ELEMENT_NODE || n->psvi == KEEP) {
			/* a kept element's children may still be written
			 * here, except what libxml2 writes in its own way */
			n = next_node(n, (xmlNodePtr)res,
			    n->type == XML_ELEMENT_NODE && !is(n->name, "head") &&
			    !is(n->name, "script") && !is(n->name, "style"));
			continue;
		}
		b.len = 0;
		write_subtree(&b, n);
		t = xmlNewDocTextLen(res, (const xmlChar *)b.data, (int)b.len);
		t->name = xmlStringTextNoenc;
		xmlReplaceNode(n, t);
		xmlFreeNode(n);
		n = next_node(t, (xmlNodePtr)res, 0);
	}
	buf_free(&b);
}

char *
xhtmlsave_page(xmlDocPtr res, const char *prefix)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlSaveCtxtPtr sv = xmlSaveToBuffer(xb, "UTF-8",
	    XML_SAVE_XHTML | XML_SAVE_NO_DECL);
	xmlNodePtr n;
	buf b;

	prepare(res);
	for (n = res->children; n; n = n->next)
		if (n->type != XML_DTD_NODE)
			xmlSaveTree(sv, n);
	xmlSaveClose(sv);
	buf_init(&b);
	buf_puts(&b, prefix ? prefix : "");
	buf_putn(&b, (const char *)xmlBufferContent(xb),
	    (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
	return buf_detach(&b);
}
