/*
 * xmlnode.c — text hygiene for the XML writers (xmlout.c, xmlbody.c).
 * XML 1.0 forbids most control characters and U+FFFE/U+FFFF (converted
 * PDFs carry form feeds) and wants UTF-8, and libxml2 would write any
 * byte as it is, making the file unreadable; every text and attribute value the writers
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

static const char REPLACEMENT[] = "\xef\xbf\xbd";   /* U+FFFD */

/* Returns s, or a newly allocated copy without characters XML 1.0
 * forbids (then *owned = 1): a control character becomes a space,
 * U+FFFE and U+FFFF go, and a byte that is not UTF-8 becomes U+FFFD.
 * Texts are UTF-8 by the time they get here (document.c reads a file
 * that is not as Latin-1, with a diagnostic), but a file's name need not
 * be, and one such byte would make the whole file unreadable as XML. */
const char *
xmlnode_clean(const char *s, int *owned)
{
	const unsigned char *p;
	buf b;

	*owned = 0;
	if (!s)
		return "";
	for (p = (const unsigned char *)s; *p; p++) {
		size_t k;

		if (*p < 0x80) {
			if (!xml_char_ok(*p))
				break;
			continue;
		}
		k = utf8_seq_len(p, 4);
		if (k == 0 || (p[0] == 0xef && p[1] == 0xbf &&
		    (p[2] == 0xbe || p[2] == 0xbf)))
			break;
		p += k - 1;
	}
	if (!*p)
		return s;
	buf_init(&b);
	buf_putn(&b, s, (size_t)(p - (const unsigned char *)s));
	for (; *p; p++) {
		size_t k;

		if (*p < 0x80) {
			buf_putc(&b, xml_char_ok(*p) ? (char)*p : ' ');
			continue;
		}
		k = utf8_seq_len(p, 4);
		if (k == 0) {
			buf_puts(&b, REPLACEMENT);
			continue;
		}
		if (!(p[0] == 0xef && p[1] == 0xbf &&
		    (p[2] == 0xbe || p[2] == 0xbf)))
			buf_putn(&b, (const char *)p, k);
		/* U+FFFE / U+FFFF are not characters */
		p += k - 1;
	}
	*owned = 1;
	return buf_detach(&b);
}
