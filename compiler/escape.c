/*
 * escape.c — the escapers of escape.h.  All share one UTF-8 scanner
 * (utf8_seq_len, util.c) so each treats broken input the same way: an invalid byte
 * becomes U+FFFD and the rest of the string is kept.
 */
#include <string.h>

#include "escape.h"

static const char REPLACEMENT[] = "\xef\xbf\xbd";   /* U+FFFD */

/*
 * Walks s sequence by sequence: invalid bytes become U+FFFD, single bytes
 * go to one_byte (which appends them, escaped as the target needs), and
 * longer sequences to many (NULL: copied as they are).  A run of bytes
 * plain (when given) says one_byte would copy as they are is copied at
 * once: a build prints thousands of diagnostics, and byte by byte
 * through a function pointer they cost milliseconds.
 */
static void
walk(buf *b, const char *s, int (*plain)(unsigned char),
    void (*one_byte)(buf *, unsigned char, int),
    void (*many)(buf *, const unsigned char *, size_t), int arg)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), run;

	while (n > 0) {
		size_t k;
		for (run = 0; plain && run < n && plain(p[run]); run++)
			;
		if (run > 0) {
			buf_putn(b, (const char *)p, run);
			p += run;
			n -= run;
			continue;
		}
		k = utf8_seq_len(p, n);
		if (k == 0) {
			buf_puts(b, REPLACEMENT);
			p++;
			n--;
			continue;
		}
		if (k == 1)
			one_byte(b, *p, arg);
		else if (many)
			many(b, p, k);
		else
			buf_putn(b, (const char *)p, k);
		p += k;
		n -= k;
	}
}

/* ---- JSON ---- */

static void
json_byte(buf *b, unsigned char c, int arg)
{
	(void)arg;
	switch (c) {
	case '"': buf_puts(b, "\\\""); break;
	case '\\': buf_puts(b, "\\\\"); break;
	case '\n': buf_puts(b, "\\n"); break;
	case '\r': buf_puts(b, "\\r"); break;
	case '\t': buf_puts(b, "\\t"); break;
	case '\b': buf_puts(b, "\\b"); break;
	case '\f': buf_puts(b, "\\f"); break;
	default:
		if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
}

static void
json_many(buf *b, const unsigned char *p, size_t k)
{
	/* U+2028/2029: valid JSON, but line terminators in JavaScript */
	if (k == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0xa8 || p[2] == 0xa9))
		buf_printf(b, "\\u%04x", 0x2000 + (p[2] - 0x80));
	else
		buf_putn(b, (const char *)p, k);
}

void
escape_json(buf *b, const char *s)
{
	buf_putc(b, '"');
	walk(b, s, NULL, json_byte, json_many, 0);
	buf_putc(b, '"');
}

/* ---- XML ---- */

static void
xml_byte(buf *b, unsigned char c, int arg)
{
	(void)arg;
	switch (c) {
	case '&': buf_puts(b, "&amp;"); break;
	case '<': buf_puts(b, "&lt;"); break;
	case '>': buf_puts(b, "&gt;"); break;
	case '"': buf_puts(b, "&quot;"); break;
	case '\'': buf_puts(b, "&apos;"); break;
	case '\n': buf_puts(b, "&#10;"); break;
	case '\r': buf_puts(b, "&#13;"); break;
	case '\t': buf_puts(b, "&#9;"); break;
	default:
		if (c < 0x20)
			buf_puts(b, REPLACEMENT);
		else
			buf_putc(b, (char)c);
	}
}

static void
xml_many(buf *b, const unsigned char *p, size_t k)
{
	if (k == 3 && p[0] == 0xef && p[1] == 0xbf &&
	    (p[2] == 0xbe || p[2] == 0xbf))
		buf_puts(b, REPLACEMENT);   /* U+FFFE/FFFF: not XML chars */
	else
		buf_putn(b, (const char *)p, k);
}

void
escape_xml(buf *b, const char *s)
{
	walk(b, s, NULL, xml_byte, xml_many, 0);
}

/* ---- libxml2's own escaping ---- */

/* Runs of bytes that need nothing are found with strcspn and copied in
 * one go: a page is tens of kilobytes of mostly plain text. */
static void
libxml_escape(buf *b, const char *s, const char *special)
{
	for (;;) {
		size_t run = strcspn(s, special);
		const char *r;

		buf_putn(b, s, run);
		s += run;
		switch (*s) {
		case '\0': return;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '&': r = "&amp;"; break;
		case '"': r = "&quot;"; break;
		case '\n': r = "&#10;"; break;
		case '\r': r = "&#13;"; break;
		default: r = "&#9;"; break;   /* '\t' */
		}
		buf_puts(b, r);
		s++;
	}
}

void
escape_libxml_text(buf *b, const char *s)
{
	libxml_escape(b, s, "<>&\r");
}

void
escape_libxml_attr(buf *b, const char *s)
{
	libxml_escape(b, s, "<>&\"\n\r\t");
}

/* ---- URI ---- */

void
escape_uri(buf *b, const char *s, const char *keep)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) ||
		    (keep && strchr(keep, *p)))
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

/* ---- GitHub workflow commands ---- */

static void
github_byte(buf *b, unsigned char c, int prop)
{
	if (c == '%')
		buf_puts(b, "%25");
	else if (c == '\r')
		buf_puts(b, "%0D");
	else if (c == '\n')
		buf_puts(b, "%0A");
	else if (prop && c == ':')
		buf_puts(b, "%3A");
	else if (prop && c == ',')
		buf_puts(b, "%2C");
	else if ((c < 0x20 && c != '\t') || c == 0x7f)
		buf_puts(b, REPLACEMENT);   /* keep the command one line */
	else
		buf_putc(b, (char)c);
}

void
escape_github(buf *b, const char *s, int prop)
{
	walk(b, s, NULL, github_byte, NULL, prop);
}

/* ---- terminal text ---- */

static void
text_byte(buf *b, unsigned char c, int arg)
{
	(void)arg;
	if (c == '\n')
		buf_puts(b, "\\n");
	else if (c == '\r')
		buf_puts(b, "\\r");
	else if ((c < 0x20 && c != '\t') || c == 0x7f)
		buf_printf(b, "\\x%02x", c);
	else
		buf_putc(b, (char)c);
}

static void
text_many(buf *b, const unsigned char *p, size_t k)
{
	/* C1 controls (U+0080-U+009F) include CSI: as escapes too */
	if (k == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		buf_printf(b, "\\u%04x", p[1]);
	else
		buf_putn(b, (const char *)p, k);
}

/* The bytes text_byte copies as they are: printable ASCII and tab. */
static int
text_plain(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t';
}

/* text_plain as a table, for the run before the first byte that is not
 * (most diagnostics have none) */
static const unsigned char text_plain_byte[256] = {
	['\t'] = 1, [0x20 ... 0x7e] = 1,
};

void
escape_text(buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *start = p;

	while (text_plain_byte[*p])
		p++;
	if (p > start)
		buf_putn(b, (const char *)start, (size_t)(p - start));
	if (*p)
		walk(b, (const char *)p, text_plain, text_byte, text_many, 0);
}
