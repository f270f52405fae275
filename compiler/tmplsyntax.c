/*
 * tmplsyntax.c — template syntax of other tools in a document body.  A
 * Markdown repository written for Jekyll, Eleventy, Middleman or Hugo
 * holds Liquid tags ({% include %}, {% comment %}…{% endcomment %}),
 * Liquid output ({{ site.x }}), ERB (<%= … %>) and Go templates
 * ({{ .Title }}, {{< shortcode >}}).  document_load runs this over the
 * body text after the front matter is blanked and before cmark parses
 * it: every construct is left out of the published text (a comment's
 * content above all), the common link forms ({% link x.md %}, {% page
 * "/x/" %}, {% post_url x %}) become the path they name so the link pass
 * resolves them, and the document gets one template-syntax warning that
 * says what was found.  Only bytes inside a line are removed and every
 * newline is kept, so cmark's line numbers stay the file's.  A {{name}}
 * that policyc's own variables resolve is left for document.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tmplsyntax.h"
#include "util.h"

typedef struct {
	const project *p;
	buf out;
	int found;                 /* constructs seen */
	int line, col;             /* of the first */
	char first[80];            /* what the first one was */
	const char *kinds[8];      /* distinct kinds, in order */
	int nkinds;
	const char *text;          /* whole input (for line numbers) */
	int base_line;             /* file line of text[0] */
	int depth;                 /* folders between the document and the
	                              content folder's top */
	struct { const char *from, *hit; } seen[6]; /* find_close's memo */
	const char *end;
} scan;

/* Closers find_close knows, by index. */
static const char *const closers[] = { "%}", "}}", "%>", ">}}", "%}}", "{%" };
enum { C_PCT, C_BRACE, C_ERB, C_SHORT, C_SHORTPCT, C_OPEN };

/* Longest a construct may be: a "{%" with its "%}" further than this is
 * not a tag (the braces stay text), so a stray opener cannot swallow a
 * page. */
#define TAG_MAX 4096

static void
note(scan *s, const char *at, const char *kind, const char *what,
    size_t wlen)
{
	int i;
	for (i = 0; i < s->nkinds; i++)
		if (!strcmp(s->kinds[i], kind))
			break;
	if (i == s->nkinds && s->nkinds < 8)
		s->kinds[s->nkinds++] = kind;
	if (s->found++ == 0) {
		const char *q, *bol = s->text;
		size_t n = wlen < sizeof s->first - 4 ? wlen :
		    sizeof s->first - 4;
		s->line = s->base_line;
		for (q = s->text; q < at; q++)
			if (*q == '\n') {
				s->line++;
				bol = q + 1;
			}
		s->col = (int)(at - bol) + 1;
		/* cut on a character boundary: diagnostics stay UTF-8 */
		while (n < wlen && n > 0 && ((unsigned char)what[n] & 0xC0) == 0x80)
			n--;
		memcpy(s->first, what, n);
		s->first[n] = '\0';
		if (n < wlen)
			strcat(s->first, "…");
		for (q = s->first; *q; q++)
			if (*q == '\n' || *q == '\r' || *q == '\t')
				s->first[q - s->first] = ' ';
	}
}

/* Keeps only the newlines of [a, b): a removed block keeps its lines. */
static void
keep_newlines(buf *b, const char *a, const char *e)
{
	for (; a < e; a++)
		if (*a == '\n')
			buf_putc(b, '\n');
}

/* Finds the end of a tag opened at t with `open` and closed by `close`;
 * returns the byte after the close, or NULL when it never closes. */
static const char *
tag_end(const char *t, const char *end, const char *close)
{
	size_t cl = strlen(close);
	const char *q;
	for (q = t; q + cl <= end; q++)
		if (!memcmp(q, close, cl))
			return q + cl;
	return NULL;
}

/* The byte after the next closer k at or after p, or NULL.  Scanning
 * only moves forward, so each closer's next place is remembered: a file
 * of ten thousand stray "{%" costs one pass, not ten thousand. */
static const char *
find_close(scan *s, int k, const char *p)
{
	size_t cl = strlen(closers[k]);
	if (!s->seen[k].from || p < s->seen[k].from ||
	    (s->seen[k].hit && s->seen[k].hit < p)) {
		s->seen[k].from = p;
		s->seen[k].hit = p < s->end ? memmem(p, (size_t)(s->end - p),
		    closers[k], cl) : NULL;
	}
	return s->seen[k].hit ? s->seen[k].hit + cl : NULL;
}

/* The same, NULL when the closer is further than TAG_MAX from t. */
static const char *
find_tag_close(scan *s, int k, const char *t, const char *p)
{
	const char *c = find_close(s, k, p);
	return c && c - t <= TAG_MAX ? c : NULL;
}

/* The words of a Liquid tag body "{%- name args -%}": name and args. */
static void
tag_words(const char *a, const char *e, char *name, size_t nn,
    const char **args, const char **args_end)
{
	size_t i = 0;
	while (a < e && (*a == '-' || *a == ' ' || *a == '\t' || *a == '\n'))
		a++;
	while (a < e && (isalnum((unsigned char)*a) || *a == '_') &&
	    i + 1 < nn)
		name[i++] = *a++;
	name[i] = '\0';
	while (a < e && (*a == ' ' || *a == '\t'))
		a++;
	while (e > a && (e[-1] == '-' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*args = a;
	*args_end = e;
}

/* Writes the path a link tag names: its first argument, unquoted. */
static void
put_link_arg(buf *b, const char *a, const char *e, const char *suffix)
{
	const char *q;
	if (a < e && (*a == '"' || *a == '\'')) {
		char qc = *a++;
		for (q = a; q < e && *q != qc; q++)
			;
	} else
		for (q = a; q < e && *q != ' ' && *q != '\t'; q++)
			;
	buf_putn(b, a, (size_t)(q - a));
	if (suffix)
		buf_puts(b, suffix);
}

/* {% … %} at t.  Returns where scanning goes on. */
static const char *
liquid_tag(scan *s, const char *t, const char *end)
{
	const char *close = find_tag_close(s, C_PCT, t, t + 2), *args, *aend;
	char name[32];

	if (!close) {
		buf_putn(&s->out, t, 2);
		return t + 2;
	}
	tag_words(t + 2, close - 2, name, sizeof name, &args, &aend);
	if (!strcmp(name, "comment") || !strcmp(name, "raw")) {
		/* the block runs to its end tag */
		const char *q = close, *stop = NULL, *after = NULL;
		const char *want = name[0] == 'c' ? "endcomment" : "endraw";
		while ((q = find_close(s, C_OPEN, q)) != NULL) {
			const char *c2 = find_tag_close(s, C_PCT, q, q), *a2, *e2;
			char n2[32];
			if (!c2)
				break;
			tag_words(q, c2 - 2, n2, sizeof n2, &a2, &e2);
			if (!strcmp(n2, want)) {
				stop = q - 2;
				after = c2;
				break;
			}
			q = c2;
		}
		if (!after) {
			stop = end;
			after = end;
		}
		if (name[0] == 'c') {
			note(s, t, "Liquid comment", t, (size_t)(close - t));
			keep_newlines(&s->out, t, after);   /* never published */
		} else {
			const char *r;
			note(s, t, "Liquid raw block", t, (size_t)(close - t));
			keep_newlines(&s->out, t, close);
			/* kept as written: a TMPLSYNTAX_GUARD between the braces
			 * keeps document.c's variables off it (and is taken
			 * out after they are substituted) */
			for (r = close; r < stop; r++) {
				buf_putc(&s->out, *r);
				if (*r == '{' && r + 1 < stop && r[1] == '{')
					buf_putc(&s->out, TMPLSYNTAX_GUARD);
			}
			keep_newlines(&s->out, stop, after);
		}
		return after;
	}
	if (!strcmp(name, "page")) {
		/* {% page "/x/" %}: a URL of the site, as written */
		note(s, t, "Liquid link", t, (size_t)(close - t));
		put_link_arg(&s->out, args, aend, NULL);
		keep_newlines(&s->out, t, close);
		return close;
	}
	if (!strcmp(name, "link") || !strcmp(name, "post_url")) {
		/* {% link x.md %} names a source file from the site's top;
		 * written relative to this document so no links: root is
		 * needed */
		int i;
		note(s, t, "Liquid link", t, (size_t)(close - t));
		for (i = 0; i < s->depth; i++)
			buf_puts(&s->out, "../");
		while (args < aend && (*args == '/' || *args == '"' ||
		    *args == '\'')) {
			if (*args != '/')
				break;
			args++;
		}
		if (name[0] == 'p')
			buf_puts(&s->out, "_posts/");
		put_link_arg(&s->out, args, aend, name[0] == 'p' ? ".md" : NULL);
		keep_newlines(&s->out, t, close);
		return close;
	}
	note(s, t, !strncmp(name, "include", 7) ? "Liquid include" :
	    "Liquid tag", t, (size_t)(close - t));
	keep_newlines(&s->out, t, close);
	return close;
}

/* "'x' | url" and its kin (relative_url, absolute_url, prepend: site.baseurl):
 * a string literal piped to a URL filter. */
static int
url_filter(const char *n, const char *e)
{
	const char *q = n + 1, *f;
	while (q < e && *q != *n)
		q++;
	if (q >= e)
		return 0;
	for (f = q + 1; f < e && (*f == ' ' || *f == '\t'); f++)
		;
	if (f >= e || *f != '|')
		return 0;
	for (f++; f < e && (*f == ' ' || *f == '\t'); f++)
		;
	return !strncmp(f, "url", 3) || !strncmp(f, "relative_url", 12) ||
	    !strncmp(f, "absolute_url", 12);
}

static int
only_blanks(const char *a, const char *e)
{
	for (; a < e; a++)
		if (*a != ' ' && *a != '\t' && *a != '-')
			return 0;
	return 1;
}

/* {{ … }} at t: Go templates, Hugo shortcodes, Liquid output; or one of
 * policyc's own variables (left as written). */
static const char *
double_brace(scan *s, const char *t, const char *end)
{
	const char *a = t + 2, *close, *n, *ne;
	const char *kind = NULL;
	char *name;

	if (a < end && (*a == '<' || *a == '%')) {
		close = find_tag_close(s, *a == '<' ? C_SHORT : C_SHORTPCT, t,
		    a + 1);
		if (close) {
			note(s, t, "Hugo shortcode", t, (size_t)(close - t));
			keep_newlines(&s->out, t, close);
			return close;
		}
	}
	close = find_tag_close(s, C_BRACE, t, a);
	if (!close || close - a > 400) {
		buf_putn(&s->out, t, 2);
		return t + 2;
	}
	n = a;
	while (n < close && (*n == ' ' || *n == '-' || *n == '\t'))
		n++;
	for (ne = n; ne < close - 2 && !isspace((unsigned char)*ne) &&
	    *ne != '|' && *ne != '}'; ne++)
		;
	if ((*n == '"' || *n == '\'') && url_filter(n, close - 2)) {
		/* {{ "/x/" | relative_url }}: a link to a path of the site */
		const char *q = n + 1;
		while (q < close && *q != *n)
			q++;
		note(s, t, "Liquid link", t, (size_t)(close - t));
		buf_putn(&s->out, n + 1, (size_t)(q - n - 1));
		keep_newlines(&s->out, t, close);
		return close;
	}
	if (!strncmp(n, "/*", 2)) {
		note(s, t, "Go template comment", "{{/* … */}}",
		    strlen("{{/* … */}}"));
		keep_newlines(&s->out, t, close);
		return close;
	}
	if (*n == '.' || *n == '$')
		kind = "Go template";
	else {
		name = xstrndup(n, (size_t)(ne - n));
		if (project_variable(s->p, name)) {
			free(name);
			buf_putn(&s->out, t, 2);   /* policyc's own */
			return t + 2;
		}
		if ((!strncmp(name, "site.", 5) || !strncmp(name, "page.", 5)) &&
		    only_blanks(ne, close - 2) &&
		    project_variable(s->p, name + 5)) {
			/* {{ site.x }} where policyc.yaml defines x: the same
			 * variable, written policyc's way for document.c */
			note(s, t, "Liquid output", t, (size_t)(close - t));
			buf_puts(&s->out, "{{");
			buf_puts(&s->out, name + 5);
			buf_puts(&s->out, "}}");
			free(name);
			return close;
		}
		if (!strncmp(name, "site.", 5) || !strncmp(name, "page.", 5) ||
		    !strncmp(name, "layout.", 7) ||
		    !strncmp(name, "include.", 8) ||
		    !strncmp(name, "jekyll.", 7) || !strcmp(name, "content") ||
		    memchr(n, '|', (size_t)(close - 2 - n)))
			kind = "Liquid output";
		free(name);
	}
	if (!kind) {
		/* an unknown {{name}}: variable-unknown says so */
		buf_putn(&s->out, t, 2);
		return t + 2;
	}
	note(s, t, kind, t, (size_t)(close - t));
	keep_newlines(&s->out, t, close);
	return close;
}

/* <% … %> (ERB, Middleman). */
static const char *
erb(scan *s, const char *t, const char *end)
{
	const char *close = find_tag_close(s, C_ERB, t, t + 2);
	if (!close) {
		buf_putn(&s->out, t, 2);
		return t + 2;
	}
	/* a comment's words are never shown, not even in a diagnostic */
	if (t[2] == '#')
		note(s, t, "ERB comment", "<%# … %>",
		    strlen("<%# … %>"));
	else
		note(s, t, "ERB", t, (size_t)(close - t));
	keep_newlines(&s->out, t, close);
	return close;
}

/* A fenced code block opens (or closes) on this line: ``` or ~~~ after
 * up to three spaces.  Template syntax shown as code stays code. */
static int
fence_at(const char *bol, const char *end, char *fc)
{
	int i = 0;
	while (i < 3 && bol + i < end && bol[i] == ' ')
		i++;
	if (bol + i + 3 <= end && (bol[i] == '`' || bol[i] == '~') &&
	    bol[i + 1] == bol[i] && bol[i + 2] == bol[i]) {
		*fc = bol[i];
		return 1;
	}
	return 0;
}

/* A heading line whose only content is one template construct: returns
 * where the line's newline is (the line is left out), else NULL. */
static const char *
heading_of_template(const char *q, const char *end)
{
	const char *h = q, *close = NULL;
	int hashes = 0;
	/* one line only */
	const char *eol = memchr(q, '\n', (size_t)(end - q));
	end = eol ? eol : end;
	while (h < end && *h == '#' && hashes < 7) {
		h++;
		hashes++;
	}
	if (!hashes || hashes > 6 || h >= end || (*h != ' ' && *h != '\t'))
		return NULL;
	while (h < end && (*h == ' ' || *h == '\t'))
		h++;
	if (h + 2 > end)
		return NULL;
	if (!strncmp(h, "<%=", 3))
		close = tag_end(h + 3, end, "%>");
	else if (!strncmp(h, "{{", 2) && h + 2 < end && h[2] != '<' &&
	    h[2] != '%') {
		/* Liquid/Go output only: {{ organisation.name }} is ours */
		const char *n = h + 2;
		while (n < end && *n == ' ')
			n++;
		if (*n == '.' || !strncmp(n, "page.", 5) ||
		    !strncmp(n, "site.", 5))
			close = tag_end(h + 2, end, "}}");
	}
	if (!close)
		return NULL;
	while (close < end && (*close == ' ' || *close == '\t' ||
	    *close == '\r' || *close == '#'))
		close++;
	return close == end || *close == '\n' ? close : NULL;
}

/* Copies the byte at q and those after it up to (not including) the next
 * byte the scan must look at: a newline or backquote, and where
 * templates are looked for (tags) also '{' and '<'.  Returns where the
 * scan goes on.  One memcpy a run instead of a call a byte. */
static const char *
copy_run(buf *out, const char *q, const char *end, int tags)
{
	const char *r = q + 1;

	while (r < end && *r != '\n' && *r != '`' &&
	    !(tags && (*r == '{' || *r == '<')))
		r++;
	buf_putn(out, q, (size_t)(r - q));
	return r;
}

/* Whether the text holds "{%", "{{" or "<%" anywhere: most documents
 * have none, and this is the whole cost of them (memchr finds the rare
 * '{' and '<' far faster than three memmem passes). */
static int
has_mark(const char *text, size_t len)
{
	const char *p, *end = text + len;

	for (p = text; p + 1 < end && (p = memchr(p, '{', (size_t)(end - p - 1)));
	    p++)
		if (p[1] == '%' || p[1] == '{')
			return 1;
	for (p = text; p + 1 < end && (p = memchr(p, '<', (size_t)(end - p - 1)));
	    p++)
		if (p[1] == '%')
			return 1;
	return 0;
}

char *
tmplsyntax_strip(const project *p, const char *text, size_t len,
    int base_line, const char *path, const char *relpath, diag_set *ds,
    size_t *outlen)
{
	scan s;
	const char *q = text, *end = text + len;
	int bol = 1;
	char in_fence = 0;
	int in_code = 0;

	if (!has_mark(text, len))
		return NULL;
	memset(&s, 0, sizeof s);
	s.p = p;
	s.text = text;
	s.base_line = base_line;
	s.end = end;
	for (const char *r = relpath; *r; r++)
		s.depth += *r == '/';
	buf_init(&s.out);
	while (q < end) {
		char fc;
		if (bol) {
			const char *after;
			bol = 0;
			if (!in_fence && (after = heading_of_template(q, end)) != NULL) {
				/* "# <%= current_page.data.title %>": the title
				 * again, as a heading with nothing in it */
				const char *h = q;
				while (*h == '#' || *h == ' ' || *h == '\t')
					h++;
				note(&s, h, *h == '<' ? "ERB" : strstr(h, "{{ .") == h ||
				    !strncmp(h, "{{.", 3) ? "Go template" :
				    "Liquid output", h, (size_t)(after - h));
				q = after;
				continue;
			}
			if (fence_at(q, end, &fc)) {
				if (!in_fence)
					in_fence = fc;
				else if (in_fence == fc)
					in_fence = 0;
			}
			in_code = 0;
		}
		if (*q == '\n') {
			bol = 1;
			buf_putc(&s.out, *q++);
			continue;
		}
		if (*q == '`')
			in_code = !in_code;
		if (in_fence || in_code || q + 1 >= end) {
			/* this byte and the run up to the next line or code
			 * span mark, all plain here */
			q = copy_run(&s.out, q, end, 0);
			continue;
		}
		if (q[0] == '{' && q[1] == '%')
			q = liquid_tag(&s, q, end);
		else if (q[0] == '{' && q[1] == '{')
			q = double_brace(&s, q, end);
		else if (q[0] == '<' && q[1] == '%')
			q = erb(&s, q, end);
		else
			q = copy_run(&s.out, q, end, 1);
		if (q > text && q[-1] == '\n')
			bol = 1;
	}
	if (!s.found) {
		buf_free(&s.out);
		return NULL;
	}
	{
		buf k;
		int i;
		buf_init(&k);
		for (i = 0; i < s.nkinds; i++) {
			if (i)
				buf_puts(&k, i + 1 == s.nkinds ? " and " : ", ");
			buf_puts(&k, s.kinds[i]);
		}
		diag_report(ds, R_TEMPLATE_SYNTAX, path, s.line, s.col,
		    "template syntax of another tool (%s), %d in all, first "
		    "'%s': left out of the published text%s%s", k.data,
		    s.found, s.first,
		    strstr(k.data, "link") ? "; link tags kept as links" : "",
		    strstr(k.data, "raw") ? "; raw blocks kept as text" : "");
		buf_free(&k);
	}
	*outlen = s.out.len;
	return buf_detach(&s.out);
}
