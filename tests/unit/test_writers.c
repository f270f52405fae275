/*
 * test_writers.c — the two writers that copy libxml2's bytes without its
 * writer (xmldump.c for a document's XML file, xhtmlsave.c for a page)
 * against libxml2 itself, on random trees: the characters each escapes,
 * namespaces, boolean, name= and lang= attributes, void and non-void
 * empty elements, comments, CDATA and unescaped text, trees with and
 * without a dictionary, trees read back through the parser, and a result
 * document with no encoding.  Any byte of difference fails.
 */
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "harness.h"
#include "util.h"
#include "xhtmlsave.h"
#include "xmldump.h"

#define N(a) (sizeof (a) / sizeof *(a))

static const char *const texts[] = { "", "plain", "a<b", "x&y", "q\"uote",
    "line\nbreak", "tab\there", "cr\rx", "\xc3\xa9 \xe2\x81\xb7\xe2\x81\xb8",
    "\xe2\x80\xa8", ">", "]]>", "'apos'" };
static const char *const names[] = { "p", "div", "br", "img", "input", "a",
    "span", "col", "wbr", "source", "head", "script", "style", "meta",
    "title", "html", "rect", "basefont", "td" };
static const char *const attrs[] = { "class", "href", "title", "name",
    "lang", "id", "checked", "disabled", "selected", "alt" };

static unsigned rnd_state;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

/* Random children under parent; exotic adds what only libxml2 writes. */
static void
grow(xmlDocPtr doc, xmlNodePtr parent, int depth, int exotic)
{
	unsigned k = rnd(5), i, j;

	for (i = 0; i < k; i++) {
		unsigned t = rnd(10);
		if (t < 5 && depth < 6) {
			xmlNodePtr e = xmlNewDocNode(doc, NULL,
			    (const xmlChar *)names[rnd(N(names))], NULL);
			xmlAddChild(parent, e);
			if (exotic && rnd(8) == 0)
				xmlSetNs(e, xmlNewNs(e, (const xmlChar *)
				    "http://www.w3.org/2000/svg", rnd(2) ?
				    NULL : (const xmlChar *)"s"));
			else if (rnd(6) == 0 && parent->ns)
				xmlSetNs(e, parent->ns);
			for (j = rnd(4); j > 0; j--) {
				const char *a = attrs[rnd(N(attrs))];
				if (!xmlHasProp(e, (const xmlChar *)a))
					xmlNewProp(e, (const xmlChar *)a,
					    (const xmlChar *)texts[rnd(N(texts))]);
			}
			if (rnd(3))
				grow(doc, e, depth + 1, exotic);
		} else if (t < 9 || !exotic) {
			xmlNodePtr x = xmlNewDocText(doc,
			    (const xmlChar *)texts[rnd(N(texts))]);
			if (exotic && rnd(6) == 0)
				x->name = xmlStringTextNoenc;
			xmlAddChild(parent, x);
		} else if (rnd(2))
			xmlAddChild(parent, xmlNewDocComment(doc,
			    (const xmlChar *)"c"));
		else
			xmlAddChild(parent, xmlNewCDataBlock(doc,
			    (const xmlChar *)"cd<", 3));
	}
}

static xmlDocPtr
random_doc(const char *root, int exotic, int dict)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr r;

	if (dict)
		doc->dict = xmlDictCreate();
	r = xmlNewDocNode(doc, NULL, (const xmlChar *)root, NULL);
	xmlDocSetRootElement(doc, r);
	grow(doc, r, 0, exotic);
	return doc;
}

UNIT_TEST(xmldump_is_libxml2s_bytes)
{
	int it, same = 1;

	rnd_state = 3;
	for (it = 0; it < 3000 && same; it++) {
		int exotic = rnd(3) == 0;
		xmlDocPtr doc = random_doc("document", exotic, rnd(4) == 0);
		xmlChar *mem = NULL;
		int len = 0;
		size_t n;
		char *s;

		if (!exotic && rnd(5) == 0) {
			/* read back, as the build cache does */
			xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 0);
			xmlFreeDoc(doc);
			doc = xmlReadMemory((const char *)mem, len, NULL, NULL,
			    XML_PARSE_NONET);
			xmlFree(mem);
		}
		xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 0);
		s = xmldump_doc(doc, &n);
		same = s && (size_t)len == n && memcmp(mem, s, n) == 0;
		xmlFree(mem);
		free(s);
		xmlFreeDoc(doc);
	}
	CHECK(same);
}

/* A page's result tree: <html> (maybe in XHTML's namespace, maybe with
 * lang=), <head>, and a random <body>. */
static xmlDocPtr
random_page(unsigned seed)
{
	xmlDocPtr doc;
	xmlNodePtr html, body;
	xmlNsPtr ns = NULL;

	rnd_state = seed;
	doc = xmlNewDoc((const xmlChar *)"1.0");
	doc->encoding = rnd(8) ? xmlStrdup((const xmlChar *)"UTF-8") : NULL;
	html = xmlNewDocNode(doc, NULL, (const xmlChar *)"html", NULL);
	xmlDocSetRootElement(doc, html);
	if (rnd(2)) {
		ns = xmlNewNs(html, (const xmlChar *)
		    "http://www.w3.org/1999/xhtml", NULL);
		xmlSetNs(html, ns);
	}
	if (rnd(2))
		xmlNewProp(html, (const xmlChar *)"lang", (const xmlChar *)"en");
	xmlAddChild(html, xmlNewDocNode(doc, ns, (const xmlChar *)"head",
	    NULL));
	body = xmlNewDocNode(doc, ns, (const xmlChar *)"body", NULL);
	xmlAddChild(html, body);
	grow(doc, body, 0, 1);
	return doc;
}

static char *
libxml2_page(xmlDocPtr res)
{
	xmlBufferPtr b = xmlBufferCreate();
	xmlSaveCtxtPtr sv = xmlSaveToBuffer(b, "UTF-8",
	    XML_SAVE_XHTML | XML_SAVE_NO_DECL);
	xmlNodePtr n;
	char *s;

	for (n = res->children; n; n = n->next)
		xmlSaveTree(sv, n);
	xmlSaveClose(sv);
	s = xasprintf("<!DOCTYPE html>\n%s",
	    (const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return s;
}

UNIT_TEST(xhtmlsave_is_libxml2s_bytes)
{
	int it, same = 1;

	for (it = 0; it < 3000 && same; it++) {
		xmlDocPtr a = random_page((unsigned)it), b = random_page(
		    (unsigned)it);
		char *x = libxml2_page(a), *y = xhtmlsave_page(b,
		    "<!DOCTYPE html>\n");
		same = strcmp(x, y) == 0;
		free(x);
		free(y);
		xmlFreeDoc(a);
		xmlFreeDoc(b);
	}
	CHECK(same);
}

static int
collect(void *ctx, const char *data, size_t n)
{
	buf_putn(ctx, data, n);
	return 0;
}

/* xmldump_doc_parts (corpus.xml written a piece at a time, a lean tree's
 * parts put in their place) writes libxml2's bytes for every tree
 * xmldump_plain accepts, and xmldump_plain turns away the trees with
 * what only libxml2 writes (namespaces, comments, CDATA). */
UNIT_TEST(xmldump_parts_are_libxml2s_bytes)
{
	int it, same = 1, refused = 0, accepted = 0;

	rnd_state = 11;
	for (it = 0; it < 2000 && same; it++) {
		int exotic = rnd(3) == 0;
		xmlDocPtr doc = random_doc("corpus", exotic, rnd(4) == 0);
		xmlChar *mem = NULL;
		int len = 0;
		buf b;

		if (!xmldump_plain(doc)) {
			refused += exotic;
			xmlFreeDoc(doc);
			continue;
		}
		accepted++;
		buf_init(&b);
		xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 0);
		CHECK_INT(xmldump_doc_parts(doc, collect, &b, NULL, NULL, NULL), 0);
		same = (size_t)len == b.len && memcmp(mem, b.data, b.len) == 0;
		xmlFree(mem);
		buf_free(&b);
		xmlFreeDoc(doc);
	}
	CHECK(same);
	CHECK(refused > 0);
	CHECK(accepted > 1000);
}
