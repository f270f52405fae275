/*
 * slug.c — GitHub's heading slugs for the heading pass of document.c.
 * github-slugger lower-cases the text (JavaScript's full Unicode
 * toLowerCase) and removes, by Unicode general category, other numbers,
 * every punctuation but connector punctuation and '-', symbols, controls,
 * format and private-use characters, unassigned code points and every
 * separator but the space — except letters that Unicode also calls
 * Alphabetic (the circled and squared Latin letters are Other_Symbol);
 * then spaces become '-'.  GLib (already linked through Pango) gives the
 * categories and the case mapping.  Repeats get "-1", "-2" as its
 * BananaSlug does, counted in a hash table so 3,000 equal headings stay
 * linear.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "slug.h"
#include "strtab.h"
#include "util.h"

/* Other_Alphabetic code points that are Other_Symbol: kept. */
static int
symbol_but_alphabetic(gunichar c)
{
	return (c >= 0x24B6 && c <= 0x24E9) ||
	    (c >= 0x1F130 && c <= 0x1F149) ||
	    (c >= 0x1F150 && c <= 0x1F169) ||
	    (c >= 0x1F170 && c <= 0x1F189);
}

/* Lower-case mappings GLib's g_utf8_strdown leaves out (it maps only
 * upper- and title-case letters) but JavaScript's toLowerCase applies:
 * the circled capitals (So) and the capital Roman numerals (Nl). */
static gunichar
lower_extra(gunichar c)
{
	if (c >= 0x24B6 && c <= 0x24CF)
		return c + 26;
	if (c >= 0x2160 && c <= 0x216F)
		return c + 16;
	return c;
}

static int
keep(gunichar c)
{
	if (c == ' ' || c == '-')
		return 1;
	switch (g_unichar_type(c)) {
	case G_UNICODE_LOWERCASE_LETTER:
	case G_UNICODE_MODIFIER_LETTER:
	case G_UNICODE_OTHER_LETTER:
	case G_UNICODE_TITLECASE_LETTER:
	case G_UNICODE_UPPERCASE_LETTER:
	case G_UNICODE_SPACING_MARK:
	case G_UNICODE_ENCLOSING_MARK:
	case G_UNICODE_NON_SPACING_MARK:
	case G_UNICODE_DECIMAL_NUMBER:
	case G_UNICODE_LETTER_NUMBER:
	case G_UNICODE_CONNECT_PUNCTUATION:
	case G_UNICODE_SURROGATE:
		return 1;
	case G_UNICODE_OTHER_SYMBOL:
		return symbol_but_alphabetic(c);
	default:
		return 0;
	}
}

char *
slug_github(const char *text)
{
	gchar *lower;
	const gchar *p;
	buf b;

	if (!g_utf8_validate(text, -1, NULL))
		return slugify(text);   /* cannot happen: documents are UTF-8 */
	lower = g_utf8_strdown(text, -1);
	buf_init(&b);
	for (p = lower; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (!keep(c))
			continue;
		if (c == ' ')
			buf_putc(&b, '-');
		else if (lower_extra(c) != c) {
			char u[6];
			buf_putn(&b, u, (size_t)g_unichar_to_utf8(lower_extra(c), u));
		} else
			buf_putn(&b, p, (size_t)(g_utf8_next_char(p) - p));
	}
	g_free(lower);
	return buf_detach(&b);
}

/* Slugs handed out so far, each with the number of times it was asked
 * for as an original (github-slugger's occurrences table). */
struct slugger {
	strtab *seen;
};

slugger *
slugger_new(void)
{
	slugger *s = xcalloc(1, sizeof *s);
	s->seen = strtab_new(64);
	return s;
}

char *
slugger_next(slugger *s, const char *text)
{
	char *original = slug_github(text);
	char *result = xstrdup(original);
	long count;

	/* github-slugger: while taken, occurrences[original]++ and try
	 * original-N */
	while (strtab_get(s->seen, result) >= 0) {
		count = strtab_get(s->seen, original) + 1;
		strtab_set(s->seen, original, count);
		free(result);
		result = xasprintf("%s-%ld", original, count);
	}
	strtab_put(s->seen, result, 0);
	free(original);
	return result;
}

void
slugger_free(slugger *s)
{
	if (!s)
		return;
	strtab_free(s->seen);
	free(s);
}
