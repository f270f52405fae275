/*
 * toml.c — reads the TOML subset that front matter uses (Hugo writes
 * "+++" fenced TOML): `key = value` pairs with strings (basic and
 * literal), numbers, booleans, dates, arrays and inline tables, and
 * `[table]` headers one level deep.  Debian 12 packages no C TOML library
 * (docs/decisions.md), so rather than a second value tree this turns the
 * TOML into equivalent YAML, line for line, and document.c hands that to
 * yamlval as it does any front matter: one reader, one set of checks,
 * and line numbers that are the file's.  What is outside the subset
 * (multi-line strings, dotted keys, [[arrays of tables]], nested table
 * headers) is an error that names it, never a guess.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "toml.h"
#include "util.h"

static int
fail(yval_error *err, int line, int col, const char *msg)
{
	err->line = line;
	err->col = col;
	snprintf(err->message, sizeof err->message, "TOML front matter: %s",
	    msg);
	return 0;
}

/* Copies a value from *pp, possibly over several lines (arrays and inline
 * tables), turning inline-table "=" into ":" and dropping comments.
 * Returns 0 on an error. */
static int
copy_value(buf *b, const char **pp, const char *end, int *line,
    const char **bol, const char *indent, yval_error *err)
{
	const char *q = *pp;
	int depth = 0;
	if (q + 3 <= end && (!memcmp(q, "\"\"\"", 3) || !memcmp(q, "'''", 3)))
		return fail(err, *line, (int)(q - *bol) + 1,
		    "multi-line strings are not read; write the text on one "
		    "line");
	while (q < end) {
		char c = *q;
		if (c == '"' || c == '\'') {
			const char *s = q++;
			while (q < end && *q != c && *q != '\n') {
				if (c == '"' && *q == '\\' && q + 1 < end)
					q++;
				q++;
			}
			if (q >= end || *q != c)
				return fail(err, *line, (int)(s - *bol) + 1,
				    "a string is not closed on its line");
			q++;
			buf_putn(b, s, (size_t)(q - s));
			continue;
		}
		if (c == '#') {
			while (q < end && *q != '\n')
				q++;
			continue;
		}
		if (c == '\n') {
			if (!depth)
				break;
			buf_putc(b, '\n');
			buf_puts(b, indent);
			buf_puts(b, "  ");
			(*line)++;
			*bol = ++q;
			continue;
		}
		if (c == '[' || c == '{')
			depth++;
		else if (c == ']' || c == '}')
			depth--;
		if (c == '=' && depth > 0) {
			buf_putc(b, ':');
			q++;
			continue;
		}
		buf_putc(b, c);
		q++;
	}
	if (depth)
		return fail(err, *line, 1, "an array or inline table is not "
		    "closed");
	*pp = q;
	return 1;
}

char *
toml_to_yaml(const char *text, size_t len, int first_line,
    yval_error *err)
{
	const char *q = text, *end = text + len, *bol;
	const char *indent = "";
	int line = first_line;
	buf b;

	buf_init(&b);
	memset(err, 0, sizeof *err);
	while (q < end) {
		const char *k, *ke;
		bol = q;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= end)
			break;
		if (*q == '\n' || *q == '\r' || *q == '#') {
			while (q < end && *q != '\n')
				q++;
		} else if (*q == '[') {
			if (q + 1 < end && q[1] == '[') {
				fail(err, line, (int)(q - bol) + 1,
				    "[[arrays of tables]] are not read");
				goto bad;
			}
			k = ++q;
			while (q < end && (isalnum((unsigned char)*q) ||
			    *q == '_' || *q == '-'))
				q++;
			if (q == k || q >= end || *q != ']') {
				fail(err, line, (int)(k - bol) + 1,
				    "only [name] table headers one level deep "
				    "are read");
				goto bad;
			}
			buf_putn(&b, k, (size_t)(q - k));
			buf_puts(&b, ":");
			indent = "  ";
			while (q < end && *q != '\n')
				q++;
		} else {
			k = q;
			if (*q == '"') {
				for (q++; q < end && *q != '"' && *q != '\n'; q++)
					;
				if (q < end && *q == '"')
					q++;
			} else
				while (q < end && (isalnum((unsigned char)*q) ||
				    *q == '_' || *q == '-'))
					q++;
			ke = q;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (ke == k || q >= end || *q != '=') {
				fail(err, line, (int)(ke - bol) + 1,
				    *ke == '.' ? "dotted keys are not read; use a "
				    "[table]" : "expected 'key = value'");
				goto bad;
			}
			q++;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			buf_puts(&b, indent);
			buf_putn(&b, k, (size_t)(ke - k));
			buf_puts(&b, ": ");
			if (!copy_value(&b, &q, end, &line, &bol, indent, err))
				goto bad;
			/* trailing blanks (and \r) of the value */
			while (b.len && (b.data[b.len - 1] == ' ' ||
			    b.data[b.len - 1] == '\t' || b.data[b.len - 1] == '\r'))
				b.data[--b.len] = '\0';
		}
		if (q < end && *q == '\n')
			q++;
		buf_putc(&b, '\n');
		line++;
	}
	return buf_detach(&b);
bad:
	buf_free(&b);
	return NULL;
}
