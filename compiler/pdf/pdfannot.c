/*
 * pdfannot.c — a link annotation read straight from the bytes cairo
 * wrote, so that tagging can give it its description (/Contents, PDF/UA
 * 7.18.5) without qpdf parsing the object: a 500-page pack has ten
 * thousand of them (the glossary's page numbers and every term link),
 * and qpdf's parse of each, then its serialisation of each changed
 * one, was a fifth of the pack's tagging.  pdftag.c asks for what
 * link_text needs (the subtype, a /Contents already there, the action's
 * URI, the destination) and pdfsave.c copies the object with /Contents
 * added before its closing ">>".  A structure element is read the same
 * way (pdfannot_elem: its type, where its /P is, whether its /K holds
 * anything), so that one that only moves to a new parent is copied
 * with the new /P (pdfsave_replace), never parsed by qpdf.
 *
 * It reads PDF's object syntax (ISO 32000-1 7.3): names with #xx
 * escapes, literal strings with their escapes and line ends, hex
 * strings, arrays, dictionaries, numbers, references.  It is sure of a
 * string's text only when the string is printable ASCII or UTF-16BE
 * with its byte order mark (what cairo writes: _cairo_utf8_to_pdf_string);
 * for anything else — another encoding, an action or destination held
 * in an object of its own, a key twice, a stream — pdfannot_read says
 * -1 and the caller reads the annotation with qpdf, as before.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "pdfannot.h"
#include "util.h"

typedef struct {
	const char *p, *e;
	int depth;            /* of arrays and dictionaries: at most MAX_DEPTH */
} lexer;

#define MAX_DEPTH 32

enum { V_NAME, V_STRING, V_DICT, V_ARRAY, V_REF, V_OTHER, V_BAD };

static int
is_space(char c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	    c == ' ';
}

static int
is_delim(char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	    c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static void
skip_space(lexer *l)
{
	while (l->p < l->e) {
		if (is_space(*l->p))
			l->p++;
		else if (*l->p == '%')
			while (l->p < l->e && *l->p != '\n' && *l->p != '\r')
				l->p++;
		else
			break;
	}
}

/* A regular token (a number, R, true, obj...): its length, 0 if none. */
static size_t
regular(lexer *l)
{
	const char *s = l->p;

	while (l->p < l->e && !is_space(*l->p) && !is_delim(*l->p))
		l->p++;
	return (size_t)(l->p - s);
}

/* The name after '/', #xx decoded, into out. */
static int
name(lexer *l, buf *out)
{
	l->p++;
	while (l->p < l->e && !is_space(*l->p) && !is_delim(*l->p)) {
		if (*l->p == '#') {
			int h, k;
			if (l->e - l->p < 3 || (h = hex_value(l->p[1])) < 0 ||
			    (k = hex_value(l->p[2])) < 0)
				return -1;
			buf_putc(out, (char)(h * 16 + k));
			l->p += 3;
		} else
			buf_putc(out, *l->p++);
	}
	return 0;
}

/* A literal string after '(' (7.3.4.2), its bytes into out. */
static int
literal(lexer *l, buf *out)
{
	int depth = 1;

	l->p++;
	while (l->p < l->e) {
		char c = *l->p++;
		if (c == '\\') {
			if (l->p >= l->e)
				return -1;
			c = *l->p++;
			switch (c) {
			case 'n': buf_putc(out, '\n'); break;
			case 'r': buf_putc(out, '\r'); break;
			case 't': buf_putc(out, '\t'); break;
			case 'b': buf_putc(out, '\b'); break;
			case 'f': buf_putc(out, '\f'); break;
			case '\r':      /* a line continued */
				if (l->p < l->e && *l->p == '\n')
					l->p++;
				break;
			case '\n':
				break;
			default:
				if (c >= '0' && c <= '7') {
					int v = c - '0', k;
					for (k = 0; k < 2 && l->p < l->e &&
					    *l->p >= '0' && *l->p <= '7'; k++)
						v = v * 8 + (*l->p++ - '0');
					buf_putc(out, (char)(v & 0xff));
				} else
					buf_putc(out, c);   /* \( \) \\ and the rest */
			}
		} else if (c == '(') {
			depth++;
			buf_putc(out, c);
		} else if (c == ')') {
			if (--depth == 0)
				return 0;
			buf_putc(out, c);
		} else if (c == '\r') {   /* a line end in the string is \n */
			if (l->p < l->e && *l->p == '\n')
				l->p++;
			buf_putc(out, '\n');
		} else
			buf_putc(out, c);
	}
	return -1;
}

/* A hex string after '<' (7.3.4.3), its bytes into out. */
static int
hex(lexer *l, buf *out)
{
	int hi = -1;

	l->p++;
	while (l->p < l->e) {
		char c = *l->p++;
		int v;
		if (c == '>') {
			if (hi >= 0)
				buf_putc(out, (char)(hi * 16));
			return 0;
		}
		if (is_space(c))
			continue;
		if ((v = hex_value(c)) < 0)
			return -1;
		if (hi < 0)
			hi = v;
		else {
			buf_putc(out, (char)(hi * 16 + v));
			hi = -1;
		}
	}
	return -1;
}

static int value(lexer *l, buf *text);

/* A dictionary or an array after its opening, up to its close: every
 * value skipped. */
static int
skip_until(lexer *l, const char *close)
{
	size_t k = strlen(close);
	int r = -1;

	if (++l->depth > MAX_DEPTH)
		goto done;
	for (;;) {
		skip_space(l);
		if (l->p >= l->e)
			goto done;
		if ((size_t)(l->e - l->p) >= k && !memcmp(l->p, close, k)) {
			l->p += k;
			r = 0;
			goto done;
		}
		if (value(l, NULL) == V_BAD)
			goto done;
	}
done:
	l->depth--;
	return r;
}

/* One object at l: its kind; a name's or a string's bytes into text
 * (when given).  A number followed by "G R" is a reference. */
static int
value(lexer *l, buf *text)
{
	buf scratch;
	buf *out = text ? text : &scratch;
	int r;

	skip_space(l);
	if (l->p >= l->e)
		return V_BAD;
	if (!text)
		buf_init(&scratch);
	switch (*l->p) {
	case '/':
		r = name(l, out) == 0 ? V_NAME : V_BAD;
		break;
	case '(':
		r = literal(l, out) == 0 ? V_STRING : V_BAD;
		break;
	case '<':
		if (l->e - l->p >= 2 && l->p[1] == '<') {
			l->p += 2;
			r = skip_until(l, ">>") == 0 ? V_DICT : V_BAD;
		} else
			r = hex(l, out) == 0 ? V_STRING : V_BAD;
		break;
	case '[':
		l->p++;
		r = skip_until(l, "]") == 0 ? V_ARRAY : V_BAD;
		break;
	default:
		if (!regular(l))
			r = V_BAD;
		else {
			/* "N G R": a reference */
			lexer look = *l;
			r = V_OTHER;
			skip_space(&look);
			if (regular(&look)) {
				const char *rs;
				skip_space(&look);
				rs = look.p;
				if (regular(&look) == 1 && *rs == 'R') {
					*l = look;
					r = V_REF;
				}
			}
		}
	}
	if (!text)
		buf_free(&scratch);
	return r;
}

/* A string's text in UTF-8, when it is sure of it: printable ASCII (the
 * same in PDFDocEncoding), or UTF-16BE behind its byte order mark. */
static char *
string_text(const buf *s)
{
	const unsigned char *d = (const unsigned char *)s->data;
	size_t i;

	if (s->len >= 2 && d[0] == 0xfe && d[1] == 0xff) {
		size_t n = (s->len - 2) / 2;
		gunichar2 *u;
		char *g, *r;
		if ((s->len - 2) % 2)
			return NULL;
		u = xcalloc(n + 1, sizeof *u);
		for (i = 0; i < n; i++)
			u[i] = (gunichar2)(d[2 + 2 * i] << 8 | d[3 + 2 * i]);
		g = g_utf16_to_utf8(u, (glong)n, NULL, NULL, NULL);
		free(u);
		r = g ? xstrdup(g) : NULL;
		g_free(g);
		return r;
	}
	for (i = 0; i < s->len; i++)
		if (d[i] < 0x20 || d[i] > 0x7e)
			return NULL;
	return xstrndup(s->len ? s->data : "", s->len);
}

/* The value at l as a destination: its kind, and its text. */
static int
dest_of(lexer *l, pdfannot *a)
{
	buf t;
	int k;

	buf_init(&t);
	k = value(l, &t);
	free(a->dest);
	a->dest = NULL;
	if (k == V_BAD || k == V_REF) {
		buf_free(&t);      /* malformed, or in an object of its own */
		return -1;
	}
	if (k == V_STRING || k == V_NAME) {
		a->dest = string_text(&t);
		a->dest_kind = ANNOT_DEST_TEXT;
	} else
		a->dest_kind = ANNOT_DEST_OTHER;
	buf_free(&t);
	return k != V_STRING && k != V_NAME ? 0 : a->dest ? 0 : -1;
}

/* The next key of a dictionary whose "<<" was read, NUL-terminated in key
 * (buf_init'd by the caller): 1; 0 at its ">>" (read past); -1 when
 * what comes is not a name. */
static int
next_key(lexer *l, buf *key)
{
	skip_space(l);
	if (l->e - l->p >= 2 && l->p[0] == '>' && l->p[1] == '>') {
		l->p += 2;
		return 0;
	}
	if (l->p >= l->e || *l->p != '/' || value(l, key) != V_NAME)
		return -1;
	buf_putc(key, '\0');
	return 1;
}

/* After a dictionary's ">>": "endobj", not a stream. */
static int
at_endobj(lexer *l)
{
	skip_space(l);
	return l->e - l->p >= 6 && !memcmp(l->p, "endobj", 6);
}

/* The action dictionary after its "<<": its /URI and /D. */
static int
action_of(lexer *l, pdfannot *a)
{
	int seen_uri = 0, seen_d = 0;

	a->action = 1;
	a->dest_kind = ANNOT_DEST_NONE;   /* /A's /D, not /Dest, counts */
	free(a->dest);
	a->dest = NULL;
	for (;;) {
		buf key;
		int more;

		buf_init(&key);
		if ((more = next_key(l, &key)) <= 0) {
			buf_free(&key);
			return more;
		}
		if (!strcmp(key.data, "URI")) {
			/* its bytes as they are (qpdf_oh_get_string_value):
			 * read here only when they are printable ASCII */
			buf u;
			size_t i;
			buf_init(&u);
			if (seen_uri++ || value(l, &u) != V_STRING) {
				buf_free(&u);
				buf_free(&key);
				return -1;
			}
			for (i = 0; i < u.len; i++)
				if ((unsigned char)u.data[i] < 0x20 ||
				    (unsigned char)u.data[i] > 0x7e)
					break;
			a->uri = i == u.len ? xstrndup(u.len ? u.data : "",
			    u.len) : NULL;
			buf_free(&u);
			if (!a->uri) {
				buf_free(&key);
				return -1;
			}
		} else if (!strcmp(key.data, "D")) {
			if (seen_d++ || dest_of(l, a) != 0) {
				buf_free(&key);
				return -1;
			}
		} else if (value(l, NULL) == V_BAD) {
			buf_free(&key);
			return -1;
		}
		buf_free(&key);
	}
}

/* Past "N G obj <<" at the start of an object's bytes; -1 when they do
 * not start so. */
static int
open_dict(lexer *l)
{
	skip_space(l);
	if (!regular(l))
		return -1;
	skip_space(l);
	if (!regular(l))
		return -1;
	skip_space(l);
	if (l->e - l->p < 3 || memcmp(l->p, "obj", 3))
		return -1;
	l->p += 3;
	skip_space(l);
	if (l->e - l->p < 2 || memcmp(l->p, "<<", 2))
		return -1;
	l->p += 2;
	return 0;
}

int
pdfannot_read(const char *obj, size_t n, pdfannot *a)
{
	lexer l = { obj, obj + n, 0 };
	int seen_sub = 0, seen_a = 0, seen_dest = 0, seen_contents = 0;
	pdfannot dest_key;    /* what /Dest says, used when /A is no dict */

	memset(a, 0, sizeof *a);
	memset(&dest_key, 0, sizeof dest_key);
	if (open_dict(&l) != 0)
		return -1;
	for (;;) {
		buf key;
		int more;

		buf_init(&key);
		if ((more = next_key(&l, &key)) == 0) {
			buf_free(&key);
			break;
		}
		if (more < 0)
			goto bad_key;
		if (!strcmp(key.data, "Subtype")) {
			buf s;
			buf_init(&s);
			if (seen_sub++ || value(&l, &s) != V_NAME) {
				buf_free(&s);
				goto bad_key;
			}
			a->is_link = s.len == 4 && !memcmp(s.data, "Link", 4);
			buf_free(&s);
		} else if (!strcmp(key.data, "Contents")) {
			if (seen_contents++ || value(&l, NULL) == V_BAD)
				goto bad_key;
			a->has_contents = 1;
		} else if (!strcmp(key.data, "A")) {
			skip_space(&l);
			if (seen_a++ || l.e - l.p < 2 || memcmp(l.p, "<<", 2))
				goto bad_key;   /* no dictionary here: ask qpdf */
			l.p += 2;
			if (action_of(&l, a) != 0)
				goto bad_key;
		} else if (!strcmp(key.data, "Dest")) {
			if (seen_dest++ || dest_of(&l, &dest_key) != 0)
				goto bad_key;
		} else if (value(&l, NULL) == V_BAD)
			goto bad_key;
		buf_free(&key);
		continue;
bad_key:
		buf_free(&key);
		pdfannot_clear(&dest_key);
		pdfannot_clear(a);
		return -1;
	}
	if (!a->action) {
		a->dest_kind = dest_key.dest_kind;
		a->dest = dest_key.dest;
		dest_key.dest = NULL;
	}
	pdfannot_clear(&dest_key);
	if (!at_endobj(&l)) {
		pdfannot_clear(a);
		return -1;
	}
	return 0;
}

int
pdfannot_is_dict(const char *obj, size_t n)
{
	lexer l = { obj, obj + n, 0 };

	return open_dict(&l) == 0;
}

/* 1 when [p, e) is "N G R" of decimal numbers, as value() found it
 * (which takes any regular tokens before R). */
static int
is_ref(const char *p, const char *e)
{
	int part;

	for (part = 0; part < 2; part++) {
		const char *s = p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return 0;
		while (p < e && is_space(*p))
			p++;
	}
	return e - p == 1 && *p == 'R';
}

int
pdfannot_elem(const char *obj, size_t n, pdfelem *e)
{
	lexer l = { obj, obj + n, 0 };
	int seen_type = 0, seen_s = 0, seen_p = 0, seen_k = 0, ok = 0;

	memset(e, 0, sizeof *e);
	if (open_dict(&l) != 0)
		return -1;
	for (;;) {
		buf key, v;
		const char *at;
		int kind, more;

		buf_init(&key);
		buf_init(&v);
		if ((more = next_key(&l, &key)) == 0) {
			buf_free(&key);
			buf_free(&v);
			break;
		}
		if (more < 0)
			goto bad;
		skip_space(&l);
		at = l.p;
		kind = value(&l, &v);
		if (kind == V_BAD)
			goto bad;
		if (!strcmp(key.data, "Type")) {
			if (seen_type++ || kind != V_NAME || v.len != 10 ||
			    memcmp(v.data, "StructElem", 10))
				goto bad;
		} else if (!strcmp(key.data, "S")) {
			/* a name of printable ASCII, as written */
			size_t i;
			if (seen_s++ || kind != V_NAME || !v.len ||
			    v.len >= sizeof e->type - 1)
				goto bad;
			for (i = 0; i < v.len; i++)
				if (v.data[i] <= ' ' || v.data[i] > '~')
					goto bad;
			e->type[0] = '/';
			memcpy(e->type + 1, v.data, v.len);
			e->type[v.len + 1] = 0;
		} else if (!strcmp(key.data, "P")) {
			if (seen_p++ || kind != V_REF || !is_ref(at, l.p))
				goto bad;
			e->p_at = (size_t)(at - obj);
			e->p_len = (size_t)(l.p - at);
		} else if (!strcmp(key.data, "K")) {
			if (seen_k++)
				goto bad;
			if (kind == V_REF) {
				/* what it holds is elsewhere: the caller
				 * looks (cairo's: the one element inside) */
				char *end;
				long r;
				if (!is_ref(at, l.p))
					goto bad;
				r = strtol(at, &end, 10);
				if (r <= 0 || r > 0x7fffffff)
					goto bad;
				e->k = ELEM_K_REF;
				e->k_ref = (int)r;
			} else if (kind == V_ARRAY) {
				/* "[" then, past spaces, "]" */
				const char *q = at + 1;
				while (q < l.p && is_space(*q))
					q++;
				e->k = *q == ']' ? ELEM_K_EMPTY : ELEM_K_SOME;
			} else
				e->k = kind == V_OTHER && l.p - at == 4 &&
				    !memcmp(at, "null", 4) ? ELEM_K_NONE :
				    ELEM_K_SOME;
		}
		buf_free(&key);
		buf_free(&v);
		continue;
bad:
		buf_free(&key);
		buf_free(&v);
		return -1;
	}
	ok = seen_type && seen_s && seen_p;
	return ok && at_endobj(&l) ? 0 : -1;
}

void
pdfannot_clear(pdfannot *a)
{
	free(a->uri);
	free(a->dest);
	a->uri = a->dest = NULL;
}

char *
pdfannot_text_string(const char *s)
{
	const unsigned char *p;
	gunichar2 *u;
	glong n, i;
	buf b;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			break;
	buf_init(&b);
	if (!*p) {
		buf_putc(&b, '(');
		for (p = (const unsigned char *)s; *p; p++) {
			if (*p == '(' || *p == ')' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, (char)*p);
		}
		buf_putc(&b, ')');
		return buf_detach(&b);
	}
	if (!(u = g_utf8_to_utf16(s, -1, NULL, &n, NULL))) {
		buf_free(&b);
		return NULL;
	}
	buf_puts(&b, "<FEFF");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%04X", (unsigned)u[i]);
	buf_putc(&b, '>');
	g_free(u);
	return buf_detach(&b);
}
