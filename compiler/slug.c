/*
 * slug.c — GitHub's heading slugs for the heading pass of document.c.
 * github-slugger lower-cases the text (JavaScript's full Unicode
 * toLowerCase) and removes, by Unicode general category, other numbers,
 * every punctuation but connector punctuation and '-', symbols, controls,
 * format and private-use characters, unassigned code points and every
 * separator but the space — except letters that Unicode also calls
 * Alphabetic (the circled and squared Latin letters are Other_Symbol);
 * then spaces become '-'.  ICU gives the categories and the full case
 * mapping (root locale, final sigma in context, as JavaScript's); it is
 * loaded anyway (libxml2 links it), where GLib and its pcre2 cost every
 * start of policyc ~1.3 ms.  Repeats get "-1", "-2" as its BananaSlug
 * does, counted in a hash table so 3,000 equal headings stay linear.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "slug.h"
#include "strtab.h"
#include "util.h"

/* Other_Alphabetic code points that are Other_Symbol: kept. */
static int
symbol_but_alphabetic(UChar32 c)
{
	return (c >= 0x24B6 && c <= 0x24E9) ||
	    (c >= 0x1F130 && c <= 0x1F149) ||
	    (c >= 0x1F150 && c <= 0x1F169) ||
	    (c >= 0x1F170 && c <= 0x1F189);
}

static int
keep(UChar32 c)
{
	if (c == ' ' || c == '-')
		return 1;
	switch (u_charType(c)) {
	case U_LOWERCASE_LETTER:
	case U_MODIFIER_LETTER:
	case U_OTHER_LETTER:
	case U_TITLECASE_LETTER:
	case U_UPPERCASE_LETTER:
	case U_COMBINING_SPACING_MARK:
	case U_ENCLOSING_MARK:
	case U_NON_SPACING_MARK:
	case U_DECIMAL_DIGIT_NUMBER:
	case U_LETTER_NUMBER:
	case U_CONNECTOR_PUNCTUATION:
	case U_SURROGATE:
		return 1;
	case U_OTHER_SYMBOL:
		return symbol_but_alphabetic(c);
	default:
		return 0;
	}
}

/* text as UTF-16 in *out (caller frees), its length in units; -1 when
 * it is not UTF-8. */
static int32_t
to_utf16(const char *text, UChar **out)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t n = 0;

	*out = NULL;
	u_strFromUTF8(NULL, 0, &n, text, -1, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return -1;
	e = U_ZERO_ERROR;
	*out = xmalloc(((size_t)n + 1) * sizeof **out);
	u_strFromUTF8(*out, n + 1, NULL, text, -1, &e);
	if (U_FAILURE(e)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return n;
}

/* s lower-cased (full mappings, root locale) into *out (caller frees);
 * its length in units, -1 on failure. */
static int32_t
lower16(const UChar *s, int32_t n, UChar **out)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t m = u_strToLower(NULL, 0, s, n, "", &e);

	*out = NULL;
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return -1;
	e = U_ZERO_ERROR;
	*out = xmalloc(((size_t)m + 1) * sizeof **out);
	u_strToLower(*out, m + 1, s, n, "", &e);
	if (U_FAILURE(e)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return m;
}

char *
slug_github(const char *text)
{
	UChar *u, *lower;
	int32_t n = to_utf16(text, &u), m, i = 0;
	buf b;

	if (n < 0)
		return slugify(text);   /* cannot happen: documents are UTF-8 */
	m = lower16(u, n, &lower);
	free(u);
	if (m < 0)
		return slugify(text);
	buf_init(&b);
	while (i < m) {
		UChar32 c;
		uint8_t out[U8_MAX_LENGTH];
		int32_t k = 0;
		UBool bad = 0;

		U16_NEXT(lower, i, m, c);
		if (!keep(c))
			continue;
		if (c == ' ') {
			buf_putc(&b, '-');
			continue;
		}
		U8_APPEND(out, k, U8_MAX_LENGTH, c, bad);
		if (!bad)
			buf_putn(&b, (const char *)out, (size_t)k);
	}
	free(lower);
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
