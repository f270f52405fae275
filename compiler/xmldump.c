/*
 * xmldump.c — a document's tree written as its XML file, byte for byte
 * what libxml2's xmlDocDumpFormatMemoryEnc writes (UTF-8, no formatting),
 * for publish.c: the bytes are the document's tree hash and its
 * xml/<id>.xml.  libxml2 writes each piece of a tag through an output
 * buffer with a UTF-8 to UTF-8 converter, and the dump was 6% of the HTML
 * stage's instructions; the trees xmlout.c makes (and the build cache
 * reads back) hold only elements in no namespace, attributes of plain
 * text and text, which are written here with libxml2's escaping
 * (escape_libxml_text, escape_libxml_attr).  A tree with anything else
 * (a namespace, a comment, CDATA, an entity reference, a DTD, another
 * version or standalone= in its declaration) is handed to libxml2 whole.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parserInternals.h>   /* xmlStringTextNoenc */

#include "escape.h"
#include "util.h"
#include "xmldump.h"

static int
attrs_plain(xmlAttrPtr a)
{
	xmlNodePtr t;

	for (; a; a = a->next) {
		if (a->ns)
			return 0;
		for (t = a->children; t; t = t->next)
			if (t->type != XML_TEXT_NODE || t->content == NULL)
				return 0;
	}
	return 1;
}

void
xmldump_attrs(buf *b, xmlNodePtr n)
{
	xmlAttrPtr a;
	xmlNodePtr t;

	for (a = n->properties; a; a = a->next) {
		buf_putc(b, ' ');
		buf_puts(b, (const char *)a->name);
		buf_putn(b, "=\"", 2);
		for (t = a->children; t; t = t->next)
			escape_libxml_attr(b, (const char *)t->content);
		buf_putc(b, '"');
	}
}

static void
start_tag(buf *b, xmlNodePtr n)
{
	buf_putc(b, '<');
	buf_puts(b, (const char *)n->name);
	xmldump_attrs(b, n);
	buf_puts(b, n->children ? ">" : "/>");
}

static int walk(buf *b, xmlNodePtr top, int (*start)(buf *, xmlNodePtr),
    void (*end)(void *, xmlNodePtr, buf *), void *end_ctx);

int
xmldump_walk(buf *b, xmlNodePtr top, int (*start)(buf *, xmlNodePtr))
{
	return walk(b, top, start, NULL, NULL);
}

/* ... and end(end_ctx, element, b) before each element's end tag.  b
 * NULL: writes nothing, start only judges (xmldump_plain). */
static int
walk(buf *b, xmlNodePtr top, int (*start)(buf *, xmlNodePtr),
    void (*end)(void *, xmlNodePtr, buf *), void *end_ctx)
{
	xmlNodePtr n = top;

	for (;;) {
		if (n->type == XML_ELEMENT_NODE) {
			if (!start(b, n))
				return 0;
			if (n->children) {
				n = n->children;
				continue;
			}
		} else if (n->type != XML_TEXT_NODE)
			return 0;
		else if (!b)
			;
		else if (n->content && n->name == xmlStringTextNoenc)
			buf_puts(b, (const char *)n->content);
		else if (n->content)
			escape_libxml_text(b, (const char *)n->content);
		/* done with n: close the elements it was the last child of */
		while (n != top && n->next == NULL) {
			n = n->parent;
			if (!b)
				continue;
			if (end)
				end(end_ctx, n, b);
			buf_putn(b, "</", 2);
			buf_puts(b, (const char *)n->name);
			buf_putc(b, '>');
		}
		if (n == top)
			return 1;
		n = n->next;
	}
}

/* An element's start tag, or 0 for one only libxml2 writes. */
static int
start_plain(buf *b, xmlNodePtr n)
{
	if (n->ns || n->nsDef || !attrs_plain(n->properties))
		return 0;
	start_tag(b, n);
	return 1;
}

/* Whether doc's XML declaration is the one written here: a document,
 * version 1.0, no standalone= (-1: a new tree, -2: read without one). */
static int
declaration_plain(xmlDocPtr doc)
{
	return doc->type == XML_DOCUMENT_NODE && doc->standalone < 0 &&
	    doc->version && xmlStrEqual(doc->version, (const xmlChar *)"1.0");
}

char *
xmldump_doc(xmlDocPtr doc, size_t *len)
{
	xmlNodePtr n;
	xmlChar *mem = NULL;
	int ok = declaration_plain(doc);
	int n_mem = 0;
	char *s;
	buf b;

	buf_init(&b);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	for (n = doc->children; n && ok; n = n->next) {
		ok = xmldump_walk(&b, n, start_plain);
		buf_putc(&b, '\n');
	}
	if (ok) {
		*len = b.len;
		return buf_detach(&b);
	}
	buf_free(&b);
	xmlDocDumpFormatMemoryEnc(doc, &mem, &n_mem, "UTF-8", 0);
	*len = mem && n_mem > 0 ? (size_t)n_mem : 0;
	if (mem == NULL)
		return NULL;
	s = xmalloc(*len + 1);
	if (*len)
		memcpy(s, mem, *len);
	s[*len] = '\0';
	xmlFree(mem);
	return s;
}

/* ---- written through a callback, parts made as they are written ---- */

/* xmldump_doc_parts' buffer: handed on whenever it passes FLUSH_AT, at
 * an element's start, so a corpus of 50,000 documents (250 MB of XML) is
 * never one string in memory. */
#define FLUSH_AT ((size_t)1 << 18)

typedef struct {
	buf b;                 /* first: xmldump_room gets &b */
	xmldump_write_fn write;
	void *ctx;
	int failed;
} outlet;

static void
outlet_flush(outlet *o)
{
	if (o->b.len && !o->failed && o->write(o->ctx, o->b.data, o->b.len))
		o->failed = 1;
	o->b.len = 0;
	if (o->b.data)
		o->b.data[0] = '\0';
}

void
xmldump_room(buf *b)
{
	if (b->len >= FLUSH_AT)
		outlet_flush((outlet *)b);
}

static int
start_plain_room(buf *b, xmlNodePtr n)
{
	xmldump_room(b);
	return start_plain(b, n);
}

/* start for a walk that only judges: whether xmldump writes n itself. */
static int
plain_element(buf *b, xmlNodePtr n)
{
	(void)b;
	return !n->ns && !n->nsDef && attrs_plain(n->properties);
}

int
xmldump_plain(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n;

	if (!declaration_plain(doc) || !root || !root->children)
		return 0;
	for (n = doc->children; n; n = n->next)
		if (n != root)
			return 0;
	return walk(NULL, root, plain_element, NULL, NULL);
}

int
xmldump_doc_parts(xmlDocPtr doc, xmldump_write_fn write, void *ctx,
    int (*part)(void *part_ctx, xmlNodePtr c, buf *b),
    void (*end)(void *part_ctx, xmlNodePtr n, buf *b), void *part_ctx)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), c;
	outlet o;

	buf_init(&o.b);
	o.write = write;
	o.ctx = ctx;
	o.failed = 0;
	buf_puts(&o.b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	start_tag(&o.b, root);
	for (c = root->children; c && !o.failed; c = c->next) {
		if (part && part(part_ctx, c, &o.b))
			xmldump_room(&o.b);
		else
			(void)walk(&o.b, c, start_plain_room, end, part_ctx);
	}
	buf_putn(&o.b, "</", 2);
	buf_puts(&o.b, (const char *)root->name);
	buf_puts(&o.b, ">\n");
	outlet_flush(&o);
	buf_free(&o.b);
	return o.failed ? -1 : 0;
}
