/*
 * xmlnode.c — text hygiene for the XML writers (xmlout.c, xmlbody.c).
 * XML 1.0 forbids most control characters and U+FFFE/U+FFFF (converted
 * PDFs carry form feeds), and libxml2 would write them as they are,
 * making the file unreadable; every text and attribute value the writers
 * put into a tree passes through xmlnode_clean first (xmlnode.h).
 */
#include <stdlib.h>

#include "util.h"
#include "xmlnode.h"

static int
xml_char_ok(unsigned char c)
{
	return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

/* Returns s, or a newly allocated copy without characters XML 1.0
 * forbids (then *owned = 1). */
const char *
xmlnode_clean(const char *s, int *owned)
{
	const unsigned char *p;
	buf b;

	*owned = 0;
	if (!s)
		return "";
	for (p = (const unsigned char *)s; *p; p++)
		if (!xml_char_ok(*p) || (p[0] == 0xef && p[1] == 0xbf &&
		    (p[2] == 0xbe || p[2] == 0xbf)))
			break;
	if (!*p)
		return s;
	buf_init(&b);
	for (p = (const unsigned char *)s; *p; p++) {
		if (!xml_char_ok(*p)) {
			buf_putc(&b, ' ');
			continue;
		}
		if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
			p += 2;  /* U+FFFE / U+FFFF are not characters */
			continue;
		}
		buf_putc(&b, (char)*p);
	}
	*owned = 1;
	return buf_detach(&b);
}
