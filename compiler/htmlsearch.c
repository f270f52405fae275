/*
 * htmlsearch.c — writes the search index of the site from the XML trees
 * (never from the pages): for each document its page, title, type,
 * section, headings with their anchors, glossary terms and plain text; for
 * each glossary term its entry.  The index is a script that sets
 * window.POLICYC_SEARCH (the glossary's entries) and
 * window.POLICYC_SEARCH_PARTS (the files of the documents' entries),
 * loaded by search.html with a plain <script src>, so search works from
 * file:// and under the pages' Content-Security-Policy (no fetch, no
 * inline script); search.js loads the parts the same way.  The documents
 * are cut into parts by id (htmlsearch_part_of), so a save rewrites one
 * part, not the whole index (html.c, incrsearch.c).  Every URL in it is a
 * document id or a glossary id the model judged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "htmlsearch.h"
#include "meta.h"
#include "xmlread.h"

#define SEARCH_TEXT_MAX 40000

/* Bytes js_string copies as they are: all but controls, the quote, the
 * backslash, '<' and 0xE2 (which may begin U+2028 or U+2029). */
static int
js_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != 0xE2;
}

/* A JS string literal, safe inside <script> ("<" escaped), cut at max
 * bytes on a character boundary when max is nonzero.  Runs of plain
 * bytes are copied whole (the text of a document is tens of kilobytes,
 * and a call per byte was a tenth of the search index). */
static void
js_string(buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	buf_putc(b, '"');
	while (*p) {
		if (!max || n < max) {
			size_t run = 0, room = max ? max - n : (size_t)-1;
			while (run < room && js_plain(p[run]))
				run++;
			if (run) {
				buf_putn(b, (const char *)p, run);
				p += run;
				n += run;
				continue;
			}
		}
		if (max && n >= max && (*p & 0xC0) != 0x80)
			break;
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': case '\r': case '\t': buf_putc(b, ' '); break;
		case '<': buf_puts(b, "\\u003c"); break;
		default:
			if (*p < 0x20)
				buf_putc(b, ' ');
			else if (p[0] == 0xE2 && p[1] == 0x80 &&
			    (p[2] == 0xA8 || p[2] == 0xA9)) {
				buf_puts(b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
				p += 2;
			} else
				buf_putc(b, (char)*p);
		}
		p++;
		n++;
	}
	buf_putc(b, '"');
}

static void
space(buf *b)
{
	if (b->len && b->data[b->len - 1] != ' ')
		buf_putc(b, ' ');
}

/* Text appended with each whitespace byte as a space(), written into
 * the buffer directly: a call per word was a third of gathering. */
static void
squeeze(buf *b, const char *p)
{
	char *o;

	if (p == NULL)
		return;
	buf_grow(b, strlen(p));
	for (o = b->data + b->len; *p; p++) {
		if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
			*o++ = *p;
		else if (o > b->data && o[-1] != ' ')
			*o++ = ' ';
	}
	*o = '\0';
	b->len = (size_t)(o - b->data);
}

/* Plain text of a body, blocks separated by spaces, whitespace squeezed
 * (squeeze).  Gathering stops once b holds
 * more than the index keeps (js_string cuts at SEARCH_TEXT_MAX), so a
 * long document costs no more than a short one here. */
static void
gather_text(xmlNodePtr n, buf *b)
{
	for (; n && b->len <= SEARCH_TEXT_MAX; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
			squeeze(b, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE) {
			if (xmlread_is(n, "htmlblock") || xmlread_is(n, "html"))
				continue;
			if (xmlread_is(n, "softbreak") || xmlread_is(n, "br")) {
				space(b);
				continue;
			}
			gather_text(n->children, b);
			if (xmlread_is(n, "para") || xmlread_is(n, "heading") ||
			    xmlread_is(n, "cell") || xmlread_is(n, "item") ||
			    xmlread_is(n, "codeblock"))
				space(b);
		}
	}
}

static void
gather_headings(xmlNodePtr n, buf *b, int *first)
{
	for (; n; n = n->next) {
		if (xmlread_is(n, "heading")) {
			char *t = xmlread_text_or(n, "");
			char *id = xmlread_attr_or(n, "id", "");
			buf_puts(b, *first ? "[" : ",[");
			js_string(b, t, 300);
			buf_putc(b, ',');
			js_string(b, id, 300);
			buf_putc(b, ']');
			*first = 0;
			free(t);
			free(id);
		} else if (xmlread_is(n, "section"))
			gather_headings(n->children, b, first);
	}
}

char *
htmlsearch_entry(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr meta = xmlread_child(root, "meta");
	xmlNodePtr body = xmlread_child(root, "body");
	xmlNodePtr t;
	char *id = xmlread_attr_or(root, "id", "");
	char *sec = xmlread_attr_or(root, "section", "");
	char *title = xmlread_text_or(xmlread_child(meta, "title"), "");
	char *type = xmlread_text_or(xmlread_child(meta, "type"), "");
	char *status = xmlread_text_or(xmlread_child(meta, "status"), "");
	char *u = xasprintf("%s.html", id);
	buf b, tx;
	int first = 1;

	buf_init(&b);
	buf_puts(&b, "{u:");
	js_string(&b, u, 0);
	buf_puts(&b, ",t:");
	js_string(&b, title, 0);
	buf_puts(&b, ",y:");
	js_string(&b, type, 0);
	buf_puts(&b, ",s:");
	js_string(&b, sec, 0);
	if (meta_status_parse(status) != STATUS_ACTIVE) {
		/* the results label a superseded, withdrawn or draft document */
		buf_puts(&b, ",st:");
		js_string(&b, status, 0);
	}
	buf_puts(&b, ",h:[");
	gather_headings(body ? body->children : NULL, &b, &first);
	buf_puts(&b, "],k:[");
	first = 1;
	for (t = xmlread_child(xmlread_child(root, "terms"), "term"); t;
	    t = xmlread_next(t, "term")) {
		char *nm = xmlread_attr_or(t, "name", "");
		char *ab = xmlread_attr_or(t, "abbr", "");
		if (!first)
			buf_putc(&b, ',');
		js_string(&b, nm, 0);
		if (*ab) {
			buf_putc(&b, ',');
			js_string(&b, ab, 0);
		}
		first = 0;
		free(nm);
		free(ab);
	}
	buf_puts(&b, "],x:");
	buf_init(&tx);
	buf_puts(&tx, "");
	gather_text(body ? body->children : NULL, &tx);
	js_string(&b, tx.data, SEARCH_TEXT_MAX);
	buf_puts(&b, "}");
	buf_free(&tx);
	free(u);
	free(id);
	free(sec);
	free(title);
	free(type);
	free(status);
	return buf_detach(&b);
}

void
htmlsearch_glossary(xmlDocPtr corpus, buf *b)
{
	xmlNodePtr g = xmlread_child(xmlDocGetRootElement(corpus), "glossary");
	xmlNodePtr e, a;

	for (e = g ? g->children : NULL; e; e = e->next) {
		char *id, *name, *abbr, *u, *title;
		buf tx;

		if (e->type != XML_ELEMENT_NODE)
			continue;
		id = xmlread_attr_or(e, "id", "");
		name = xmlread_text_or(xmlread_child(e, "name"), "");
		abbr = xmlread_text_or(xmlread_child(e, "abbr"), "");
		u = xasprintf("glossary.html#%s", id);
		title = *abbr ? xasprintf("%s (%s)", name, abbr) : xstrdup(name);
		buf_puts(b, ",\n{u:");
		js_string(b, u, 0);
		buf_puts(b, ",t:");
		js_string(b, title, 0);
		buf_puts(b, ",y:\"glossary term\",s:\"\",h:[],k:[");
		js_string(b, name, 0);
		if (*abbr) {
			buf_putc(b, ',');
			js_string(b, abbr, 0);
		}
		for (a = xmlread_child(e, "alias"); a;
		    a = xmlread_next(a, "alias")) {
			char *al = xmlread_text(a);
			buf_putc(b, ',');
			js_string(b, al, 0);
			free(al);
		}
		buf_puts(b, "],x:");
		buf_init(&tx);
		buf_puts(&tx, "");
		gather_text(xmlread_child(e, "definition"), &tx);
		js_string(b, tx.data, 2000);
		buf_puts(b, "}");
		buf_free(&tx);
		free(id);
		free(name);
		free(abbr);
		free(u);
		free(title);
	}
}

unsigned
htmlsearch_parts(size_t ndocs)
{
	unsigned n = 1;

	while (n < HTMLSEARCH_PARTS_MAX && (size_t)n * HTMLSEARCH_PART_DOCS <
	    ndocs)
		n *= 2;
	return n;
}

unsigned
htmlsearch_part_of(const char *id, unsigned nparts)
{
	/* FNV-1a: the same part for the same id in every build */
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)(id ? id : "");
	    *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return nparts ? h & (nparts - 1) : 0;
}

void
htmlsearch_part(buf *b, char *const *entries, size_t n)
{
	size_t i;

	buf_puts(b, HTMLSEARCH_PART_HEAD);
	for (i = 0; i < n; i++) {
		buf_puts(b, entries[i]);
		buf_puts(b, i + 1 < n ? ",\n" : "\n");
	}
	buf_puts(b, "]);\n");
}

int
htmlsearch_write(FILE *f, xmlDocPtr corpus, char *const *parts, size_t n)
{
	buf g;
	size_t i;

	fputs("/* policyc search index: generated, do not edit. */\n"
	    "window.POLICYC_SEARCH = [\n", f);
	/* each glossary entry comes with a leading ",\n" */
	buf_init(&g);
	buf_puts(&g, "");
	htmlsearch_glossary(corpus, &g);
	if (g.len > 2)
		fputs(g.data + 2, f);
	buf_free(&g);
	fputs("\n];\nwindow.POLICYC_SEARCH_PARTS = [", f);
	for (i = 0; i < n; i++) {
		buf u;
		buf_init(&u);
		js_string(&u, parts[i], 0);
		fprintf(f, "%s\n%s", i ? "," : "", u.data);
		buf_free(&u);
	}
	fputs("\n];\n", f);
	return ferror(f) ? -1 : 0;
}
