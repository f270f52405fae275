/*
 * url.c — the one URL policy (see url.h).  The link pass (links.c) calls it
 * for every body link and image after {{variables}} are substituted, and
 * for related: URLs; glossary.c for source: URLs; the brand and site
 * writers for the logo, base-url, feed, sitemap and search index.  What it
 * refuses is reported link-unsafe where it was written and becomes
 * LINK_UNSAFE, which back ends render as text.
 *
 * Finding the scheme as a browser would: HTML character references are
 * decoded ("java&#x09;script:"), percent-escapes too (no browser reads
 * "%6Aavascript:" as a scheme, but a later decoding step might), leading
 * spaces and C0 controls are dropped, and tabs and newlines anywhere in the
 * scheme are skipped (the WHATWG URL parser strips them).  Decoding is
 * repeated a few times so double encodings do not hide a scheme either.
 * Only the head of the URL is decoded, so a long URL costs nothing more.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "util.h"

/* Bytes of the URL looked at: a scheme, however hidden, starts within
 * them (leading junk longer than this is itself refused). */
#define HEAD_MAX 512
#define ROUNDS 4

/* Schemes allowed besides relative URLs: DOMPurify's ALLOWED_URI_REGEXP
 * (minus cid:, which names a mail part a site cannot serve). */
static const char *const allowed[] = {
	"http", "https", "mailto", "tel", "ftp", "ftps", "callto", "sms",
	"xmpp", NULL
};

static const char *const image_types[] = {
	"image/png", "image/jpeg", "image/gif", "image/webp", NULL
};

/* Appends code point cp as UTF-8 (only ASCII matters for a scheme; other
 * characters are kept as a placeholder byte that ends it). */
static size_t
put_cp(char *o, size_t k, unsigned long cp)
{
	o[k++] = cp > 0 && cp < 0x80 ? (char)cp : (char)0x80;
	return k;
}

/* Named references that can spell or hide a scheme. */
static const struct { const char *name; char c; } named[] = {
	{ "Tab;", '\t' }, { "NewLine;", '\n' }, { "colon;", ':' },
	{ "amp;", '&' }, { "num;", '#' }, { "percnt;", '%' },
	{ "sol;", '/' }, { "lpar;", '(' }, { "rpar;", ')' },
	{ "nbsp;", ' ' }, { NULL, 0 }
};

/* One round of decoding of s[0..n) into o (never longer): character
 * references and percent-escapes.  Returns the new length. */
static size_t
decode_round(const char *s, size_t n, char *o)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex_value(s[i + 1]) >= 0 &&
		    hex_value(s[i + 2]) >= 0) {
			o[k++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			i += 2;
			continue;
		}
		if (s[i] == '&' && i + 1 < n && s[i + 1] == '#') {
			size_t j = i + 2;
			int hex = j < n && (s[j] == 'x' || s[j] == 'X');
			unsigned long cp = 0;
			size_t digits = 0;
			if (hex)
				j++;
			while (j < n && (hex ? hex_value(s[j]) >= 0 :
			    isdigit((unsigned char)s[j]))) {
				if (cp < 0x110000)
					cp = cp * (hex ? 16 : 10) +
					    (unsigned long)hex_value(s[j]);
				j++;
				digits++;
			}
			if (digits) {
				/* the semicolon is optional to a browser */
				if (j < n && s[j] == ';')
					j++;
				k = put_cp(o, k, cp);
				i = j - 1;
				continue;
			}
		}
		if (s[i] == '&') {
			int hit = 0;
			for (int q = 0; named[q].name; q++) {
				size_t l = strlen(named[q].name);
				if (i + 1 + l <= n &&
				    !strncmp(s + i + 1, named[q].name, l)) {
					o[k++] = named[q].c;
					i += l;
					hit = 1;
					break;
				}
			}
			if (hit)
				continue;
		}
		o[k++] = s[i];
	}
	return k;
}

#define SCHEME_MAX 40

/* Copies the scheme (lower case) into out[SCHEME_MAX]; a scheme too long
 * for it becomes "~" (no list names it). */
static void
keep_scheme(char *out, const char *s, size_t k)
{
	if (k >= SCHEME_MAX) {
		strcpy(out, "~");
		return;
	}
	for (size_t i = 0; i < k; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[k] = '\0';
}

/* The scheme of s[0..n) after decoding, as url_scheme says; 1 when there
 * is one. */
static int
scheme_decoded(const char *url, char *out)
{
	size_t n = strnlen(url, HEAD_MAX);
	char *a = xmalloc(n + 1), *b = xmalloc(n + 1);
	memcpy(a, url, n);
	for (int r = 0; r < ROUNDS; r++) {
		size_t m = decode_round(a, n, b);
		int same = m == n && !memcmp(a, b, n);
		char *t = a; a = b; b = t;
		n = m;
		if (same)
			break;
	}
	a[n] = '\0';
	/* leading spaces and controls (and no-break spaces decoded to ' ') */
	size_t i = 0;
	while (i < n && ((unsigned char)a[i] <= 0x20 || a[i] == 0x7F))
		i++;
	int found = 0;
	size_t k = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;     /* stripped by the URL parser */
		if (c == ':') {
			if (k > 0) {
				keep_scheme(out, b, k);
				found = 1;
			}
			break;
		}
		if (!(isalpha(c) || (k > 0 && (isdigit(c) || c == '+' ||
		    c == '-' || c == '.'))))
			break;
		b[k++] = (char)c;
	}
	free(a);
	free(b);
	return found;
}

/* The scheme of url into out[SCHEME_MAX]; 1 when there is one.  Most URLs
 * ("https://...", "other.md") show plainly whether they have one: only a
 * '&', '%', space or control character before the first character that
 * ends a scheme sends them through the decoding. */
static int
find_scheme(const char *url, char *out)
{
	size_t k = 0;
	for (;; k++) {
		unsigned char c = (unsigned char)url[k];
		if (c == ':') {
			if (k == 0)
				return 0;
			keep_scheme(out, url, k);
			return 1;
		}
		if (isalpha(c) || (k > 0 && (isdigit(c) || c == '+' ||
		    c == '-' || c == '.')))
			continue;
		if (c == '&' || c == '%' || (c <= 0x20 && c != '\0') ||
		    c == 0x7F)
			return scheme_decoded(url, out);
		return 0;     /* '/', '#', '?', the end...: no scheme */
	}
}

char *
url_scheme(const char *url)
{
	char s[SCHEME_MAX];
	return url && find_scheme(url, s) ? xstrdup(s) : NULL;
}

/* 1 when the data: URL (after "data:") declares an allowed image type. */
static int
data_is_image(const char *url)
{
	const char *p = strchr(url, ':');
	if (!p)
		return 0;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	for (int q = 0; image_types[q]; q++) {
		size_t l = strlen(image_types[q]);
		if (!strncasecmp(p, image_types[q], l) &&
		    (p[l] == ';' || p[l] == ','))
			return 1;
	}
	return 0;
}

const char *
url_refusal(const char *url, int image)
{
	if (!url)
		return NULL;
	size_t lead = 0;
	while (url[lead] && ((unsigned char)url[lead] <= 0x20 ||
	    url[lead] == 0x7F))
		lead++;
	if (lead >= HEAD_MAX)
		return "it starts with hundreds of blank or control characters";
	char s[SCHEME_MAX];
	if (!find_scheme(url, s))
		return NULL;
	const char *why = NULL;
	/* a one-letter "scheme" is a Windows drive ("C:\x"): left to the
	 * link checks as a path, and no browser runs it */
	if (strlen(s) == 1)
		why = NULL;
	else if (!strcmp(s, "javascript") || !strcmp(s, "vbscript") ||
	    !strcmp(s, "livescript"))
		why = "script URLs are never published";
	else if (!strcmp(s, "file"))
		why = "file: URLs point into the reader's own disk";
	else if (!strcmp(s, "data")) {
		if (!image)
			why = "data: URLs are allowed only as images";
		else if (!data_is_image(url + lead))
			why = "a data: image must be PNG, JPEG, GIF or WebP";
	} else {
		int ok = 0;
		for (int q = 0; allowed[q] && !ok; q++)
			ok = !strcmp(s, allowed[q]);
		if (!ok) {
			/* most unknown schemes are typos ("hhttps:"): name the
			 * scheme and the allowed one it is closest to.  The
			 * message lives per thread: the link pass is parallel. */
			static __thread char msg[200];
			const char *near = suggest(s, allowed,
			    sizeof allowed / sizeof *allowed - 1);
			if (near)
				snprintf(msg, sizeof msg, "unknown scheme '%s' — a "
				    "typo for %s?", s, near);
			else
				snprintf(msg, sizeof msg, "unknown scheme '%s' "
				    "(allowed: http, https, mailto, tel, ftp, ftps, "
				    "callto, sms, xmpp)", s);
			why = msg;
		}
	}
	return why;
}

int
url_is_safe(const char *url, int image)
{
	return url_refusal(url, image) == NULL;
}

int
url_check(const char *url, int image, const char *what, const char *file,
    int line, int col, diag_set *ds)
{
	const char *why = url_refusal(url, image);
	if (!why)
		return 1;
	/* shown cut short and without control characters, so a hostile
	 * URL cannot forge a diagnostic line */
	char shown[84];
	size_t k = 0;
	for (size_t i = 0; url[i] && k < 80; i++)
		shown[k++] = (unsigned char)url[i] < 0x20 || url[i] == 0x7F ?
		    '?' : url[i];
	shown[k] = '\0';
	if (url[k] && k == 80)
		strcpy(shown + 77, "...");
	diag_report(ds, R_LINK_UNSAFE, file, line, col, "%s %s: %s",
	    what ? what : "link", shown, why);
	return 0;
}
