/*
 * test_xml.c — unit tests of the judgements the XML writer relies on:
 * the one colour parser and contrast (brand.c), image format sniffing,
 * declared dimensions and the SVG active-content search (assets.c); and of
 * the writer's own defences, on trees a linker could hand it: a refused
 * URL has no href, a term or link inside a link is its text, and comments
 * never reach the tree.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/tree.h>

#include "assets.h"
#include "brand.h"
#include "corpus.h"
#include "harness.h"
#include "util.h"
#include "xmlnode.h"
#include "xmlout.h"

UNIT_TEST(brand_hex_colours)
{
	double rgb[3];
	CHECK_INT(brand_parse_hex("#1d70b8", rgb), 0);
	CHECK_INT((int)rgb[0], 0x1d);
	CHECK_INT((int)rgb[2], 0xb8);
	CHECK_INT(brand_parse_hex("#FfF", rgb), 0);
	CHECK_INT((int)rgb[1], 255);
	CHECK_INT(brand_parse_hex("1d70b8", rgb), -1);
	CHECK_INT(brand_parse_hex("#1d70b", rgb), -1);
	CHECK_INT(brand_parse_hex("#12345g", rgb), -1);
	CHECK_INT(brand_parse_hex(NULL, rgb), -1);
	brand_parse_hex("#000000", rgb);
	CHECK(brand_contrast_white(rgb) > 20.9);
	brand_parse_hex("#ffdd00", rgb);
	CHECK(brand_contrast_white(rgb) < 4.5);
}

UNIT_TEST(assets_sniff_formats)
{
	CHECK_STR(assets_sniff((const unsigned char *)"\x89PNG\r\n\x1a\n....", 12), "png");
	CHECK_STR(assets_sniff((const unsigned char *)"\xff\xd8\xff\xe0", 4), "jpg");
	CHECK_STR(assets_sniff((const unsigned char *)"GIF89a\1\0\1\0", 10), "gif");
	CHECK_STR(assets_sniff((const unsigned char *)"<?xml version=\"1.0\"?><svg/>", 27), "svg");
	CHECK(assets_sniff((const unsigned char *)"<html><script>", 14) == NULL);
	CHECK(assets_sniff((const unsigned char *)"", 0) == NULL);
}

UNIT_TEST(assets_declared_dimensions)
{
	/* a PNG header declaring 12000 x 12000: judged from 24 bytes */
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"
	    "\0\0\x2e\xe0\0\0\x2e\xe0\x08\x02\0\0\0";
	/* a JPEG with an APP0 segment, then SOF0 of 300 x 200 */
	static const unsigned char jpg[] = "\xff\xd8\xff\xe0\0\x04" "ab"
	    "\xff\xc0\0\x11\x08\0\xc8\x01\x2c\x03";
	static const unsigned char gif[] = "GIF89a\xff\xff\xff\xff";
	long w, h;

	CHECK_INT(assets_dimensions(png, sizeof png - 1, &w, &h), 1);
	CHECK_INT(w, 12000);
	CHECK_INT(h, 12000);
	CHECK_INT(assets_dimensions_ok(w, h), 0);
	CHECK_INT(assets_dimensions(jpg, sizeof jpg - 1, &w, &h), 1);
	CHECK_INT(w, 300);
	CHECK_INT(h, 200);
	CHECK_INT(assets_dimensions_ok(w, h), 1);
	CHECK_INT(assets_dimensions(gif, sizeof gif - 1, &w, &h), 1);
	CHECK_INT(assets_dimensions_ok(w, h), 0);
	CHECK_INT(assets_dimensions(png, 20, &w, &h), 0);   /* cut short */
	CHECK_INT(assets_dimensions_ok(6000, 6000), 1);
	CHECK_INT(assets_dimensions_ok(8000, 8000), 0);     /* 64 Mpx */
}

static int
active(const char *svg)
{
	return assets_svg_active(svg, strlen(svg)) != NULL;
}

UNIT_TEST(assets_svg_active_content)
{
	CHECK(!active("<svg><rect width='1' height='1'/></svg>"));
	CHECK(!active("<svg><text>on=1 javascript</text></svg>"));
	CHECK(active("<svg><script>alert(1)</script></svg>"));
	CHECK(active("<svg><SCRIPT>alert(1)</SCRIPT></svg>"));
	CHECK(active("<svg><h:script xmlns:h='http://www.w3.org/1999/xhtml'>x</h:script></svg>"));
	CHECK(active("<svg onload=\"alert(1)\"/>"));
	CHECK(active("<svg><rect\nonclick = 'x'/></svg>"));
	CHECK(active("<svg><a href='javascript:alert(1)'>x</a></svg>"));
	CHECK(active("<svg><a href='java\tscript:alert(1)'>x</a></svg>"));
	CHECK(active("<svg><a href='&#106;avascript:alert(1)'>x</a></svg>"));
	CHECK(active("<svg><foreignObject><div/></foreignObject></svg>"));
	CHECK(active("<svg><set attributeName=\"onmouseover\" to=\"alert(1)\"/></svg>"));
	CHECK(active("<!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><svg>&x;</svg>"));
}

/* One document from Markdown text, in a project folder of its own, with
 * no link pass: the test sets link_info itself. */
static corpus *
one_doc(const char *md, char *dir, project **pp, diag_set *ds)
{
	char *path;
	document **dv = xcalloc(1, sizeof *dv);
	FILE *fp;

	strcpy(dir, "/tmp/policyc-xml-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	path = path_join(dir, "policyc.yaml");
	fp = fopen(path, "w");
	if (fp) {
		fputs("title: T\n", fp);
		fclose(fp);
	}
	free(path);
	path = path_join(dir, "a.md");
	fp = fopen(path, "w");
	if (fp) {
		fputs(md, fp);
		fclose(fp);
	}
	free(path);
	*pp = project_load(dir, ds);
	dv[0] = document_load(*pp, "a.md", "a.md", ds);
	return corpus_new(*pp, dv, 1, ds);
}

static cmark_node *
first_of(cmark_node *root, cmark_node_type t, int skip)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type e;
	cmark_node *found = NULL;
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (e == CMARK_EVENT_ENTER && cmark_node_get_type(n) == t &&
		    skip-- == 0) {
			found = n;
			break;
		}
	}
	cmark_iter_free(it);
	return found;
}

static char *
dump_body(xmlDocPtr x)
{
	xmlNodePtr n = xmlDocGetRootElement(x)->children;
	xmlBufferPtr b = xmlBufferCreate();
	char *s;
	while (n && strcmp((const char *)n->name, "body"))
		n = n->next;
	if (n)
		xmlNodeDump(b, x, n, 0, 0);
	s = xstrdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return s;
}

UNIT_TEST(xml_text_made_clean)
{
	int owned;
	const char *plain = "Plain caf\xc3\xa9 text\n";
	const char *s = xmlnode_clean(plain, &owned);

	CHECK(s == plain && !owned);
	/* a control character, U+FFFF, a lone byte, a cut sequence */
	s = xmlnode_clean("a\x01" "b\xef\xbf\xbf" "c\xe9" "d\xe2\x82", &owned);
	CHECK(owned);
	CHECK_STR(s, "a bc\xef\xbf\xbd" "d\xef\xbf\xbd\xef\xbf\xbd");
	free((char *)s);
}

UNIT_TEST(xml_writer_defences)
{
	char dir[64], *body, *cmd;
	project *p;
	diag_set *ds = diag_new();
	corpus *c = one_doc("[click](javascript:alert(1)) and [outer](https://a.example)"
	    "\n\n<!-- reviewer: do not publish -->\n\nSee <!-- inline secret -->"
	    " ![pic](javascript:x)\n", dir, &p, ds);
	cmark_node *bad = first_of(c->docs[0]->root, CMARK_NODE_LINK, 0);
	cmark_node *outer = first_of(c->docs[0]->root, CMARK_NODE_LINK, 1);
	cmark_node *img = first_of(c->docs[0]->root, CMARK_NODE_IMAGE, 0);
	cmark_node *term = cmark_node_new(CMARK_NODE_LINK), *txt;
	link_info *li;
	xmlDocPtr x;

	document_link_info(bad)->kind = LINK_UNSAFE;
	document_link_info(outer)->kind = LINK_EXTERNAL;
	document_link_info(img)->kind = LINK_UNSAFE;
	/* a term link planted inside the external link */
	li = document_link_info(term);
	li->kind = LINK_TERM;
	li->term_slug = xstrdup("lado");
	txt = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(txt, "LADO");
	cmark_node_append_child(term, txt);
	cmark_node_append_child(outer, term);

	x = xmlout_document(c, 0, NULL);
	body = dump_body(x);
	CHECK(strstr(body, "<link kind=\"unsafe\">click</link>") != NULL);
	CHECK(strstr(body, "javascript") == NULL);
	CHECK(strstr(body, "<term") == NULL);
	CHECK(strstr(body, "outerLADO</link>") != NULL);
	CHECK(strstr(body, "<image kind=\"unsafe\" alt=\"pic\"") != NULL);
	CHECK(strstr(body, "reviewer") == NULL);
	CHECK(strstr(body, "secret") == NULL);
	CHECK(strstr(body, "<html") == NULL);
	CHECK(strstr(body, "<htmlblock") == NULL);
	free(body);
	xmlFreeDoc(x);
	xmlout_release(c);
	corpus_free(c);
	project_free(p);
	diag_free(ds);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		unit_fail(__FILE__, __LINE__, "cannot remove the fixture");
	free(cmd);
}
