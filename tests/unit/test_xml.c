/*
 * test_xml.c — unit tests of the judgements the XML writer relies on:
 * the one colour parser and contrast (brand.c), image format sniffing,
 * declared dimensions and the SVG active-content search (assets.c).
 */
#include <string.h>

#include "assets.h"
#include "brand.h"
#include "harness.h"

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
