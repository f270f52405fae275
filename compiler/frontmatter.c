/*
 * frontmatter.c — splits front matter from body.  Tolerates what converted
 * and hand-written files do: a UTF-8 BOM, trailing blanks after the fence,
 * CRLF line ends, "..." as the closing fence.  An opening fence that is
 * never closed is reported by the caller, and the file is then read as all
 * body (a lone "---" at the top is a thematic break to cmark).  Hugo's
 * "+++" fences mark TOML front matter (read by toml.c).
 */
#include <string.h>

#include "frontmatter.h"

/* Is line [p, end) a fence made of three c's, then blanks only? */
static int
is_fence(const char *p, const char *end, char c)
{
	if (end - p < 3 || p[0] != c || p[1] != c || p[2] != c)
		return 0;
	for (p += 3; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return 0;
	return 1;
}

void
frontmatter_split(const char *text, size_t len, frontmatter *fm)
{
	const char *s = text, *end = text + len, *eol, *p;
	int line;

	memset(fm, 0, sizeof *fm);
	if (len >= 3 && (unsigned char)s[0] == 0xef &&
	    (unsigned char)s[1] == 0xbb && (unsigned char)s[2] == 0xbf)
		fm->bom = 3;
	fm->body_start = fm->bom;
	fm->body_line = 1;
	s += fm->bom;
	eol = memchr(s, '\n', (size_t)(end - s));
	if (!eol)
		eol = end;
	if (is_fence(s, eol, '+'))
		fm->toml = 1;      /* Hugo's +++ TOML +++ */
	else if (!is_fence(s, eol, '-'))
		return;
	fm->present = 1;
	fm->yaml_start = (size_t)(eol - text) + (eol < end);
	fm->yaml_line = 2;
	line = 2;
	for (p = text + fm->yaml_start; p < end; line++) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (fm->toml ? is_fence(p, eol, '+') :
		    is_fence(p, eol, '-') || is_fence(p, eol, '.')) {
			fm->yaml_len = (size_t)(p - (text + fm->yaml_start));
			fm->body_start = (size_t)(eol - text) + (eol < end);
			fm->body_line = line + 1;
			return;
		}
		p = eol + (eol < end);
	}
	/* never closed: read everything as body */
	fm->present = 0;
	fm->toml = 0;
	fm->unterminated = 1;
	fm->body_start = fm->bom;
	fm->body_line = 1;
}
