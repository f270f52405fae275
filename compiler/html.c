/*
 * html.c — the HTML back end: runs the XSLT stylesheets of
 * templates/html/ over the in-memory XML trees that xmlout.c built (never
 * over Markdown, never re-parsing serialised XML) and writes the site to
 * OUT/html/: a page per document, the contents, glossary, what's new,
 * review dashboard, search and 404 pages, feed.xml, sitemap.xml, the
 * search index (written here, from the trees), the CSS, the search script
 * and the logo.  Each stylesheet is compiled once per build; documents are
 * transformed in parallel (a compiled stylesheet is shared, each thread
 * has its own transform context).  Stylesheets may not write files, make
 * folders or touch the network; a project's templates/html/NAME.xsl
 * replaces the built-in stylesheet NAME.xsl, also when it is imported.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "backend.h"
#include "diag.h"
#include "fsio.h"
#include "util.h"

#define PC_NS ((const xmlChar *)"urn:policyc")
#define SEARCH_TEXT_MAX 40000

/* ------------------------------------------------------------------ */
/* Extension functions                                                  */

/* cmark-gfm's houdini_escape_href: which bytes pass unescaped. */
static int
href_safe(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("-_.+!*(),%#@?=;:/$~", c) != NULL;
}

static char *
escape_href(const char *s)
{
	buf b;
	const unsigned char *p;

	buf_init(&b);
	buf_puts(&b, "");
	for (p = (const unsigned char *)s; *p; p++) {
		if (href_safe(*p))
			buf_putc(&b, (char)*p);
		else if (*p == '&')
			buf_putc(&b, '&');      /* the serialiser writes &amp; */
		else if (*p == '\'')
			buf_putc(&b, '\'');
		else
			buf_printf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

/* GitHub's tag filter: "<" opening one of these tags becomes "&lt;". */
static const char *const filtered_tags[] = {
	"title", "textarea", "style", "xmp", "iframe", "noembed",
	"noframes", "script", "plaintext", NULL
};

static int
is_filtered(const char *p)
{
	const char *q = p + 1;
	size_t i, n;

	if (*q == '/')
		q++;
	for (i = 0; filtered_tags[i]; i++) {
		n = strlen(filtered_tags[i]);
		if (strncasecmp(q, filtered_tags[i], n) == 0) {
			char c = q[n];
			if (c == '>' || c == ' ' || c == '\t' || c == '\n' ||
			    c == '\r' || c == '\f' || (c == '/' && q[n + 1] == '>'))
				return 1;
		}
	}
	return 0;
}

static char *
tagfilter(const char *s)
{
	buf b;
	const char *p;

	buf_init(&b);
	buf_puts(&b, "");
	for (p = s; *p; p++) {
		if (*p == '<' && is_filtered(p))
			buf_puts(&b, "&lt;");
		else
			buf_putc(&b, *p);
	}
	return buf_detach(&b);
}

typedef char *(*str_fn)(const char *);

static void
call_string_fn(xmlXPathParserContextPtr ctxt, int nargs, str_fn fn)
{
	xmlChar *arg;
	char *res;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	arg = xmlXPathPopString(ctxt);
	if (xmlXPathCheckError(ctxt)) {
		xmlFree(arg);
		return;
	}
	res = fn(arg ? (const char *)arg : "");
	xmlFree(arg);
	valuePush(ctxt, xmlXPathNewString((const xmlChar *)res));
	free(res);
}

static void
xf_href(xmlXPathParserContextPtr ctxt, int nargs)
{
	call_string_fn(ctxt, nargs, escape_href);
}

static void
xf_tagfilter(xmlXPathParserContextPtr ctxt, int nargs)
{
	call_string_fn(ctxt, nargs, tagfilter);
}

static void sink_error(void *ctx, const char *fmt, ...);

static pthread_once_t ext_once = PTHREAD_ONCE_INIT;

static void
register_extensions(void)
{
	xmlInitParser();
	xsltInit();
	xsltRegisterExtModuleFunction((const xmlChar *)"href", PC_NS, xf_href);
	xsltRegisterExtModuleFunction((const xmlChar *)"tagfilter", PC_NS,
	    xf_tagfilter);
	xsltSetGenericErrorFunc(NULL, sink_error);
}

/* ------------------------------------------------------------------ */
/* Errors from libxml2/libxslt go to the diagnostics, never to stderr.  */

typedef struct {
	diag_set *ds;
	const char *file;
	buf msg;
} err_sink;

static __thread err_sink *cur_sink;

static void
sink_flush(err_sink *s)
{
	char *m = s->msg.data;
	size_t n = s->msg.len;

	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = '\0';
	if (n > 0)
		diag_report_sev(s->ds, SEV_ERROR, "html-template",
		    s->file ? s->file : "", 0, 0, "%s", m);
	buf_free(&s->msg);
	buf_init(&s->msg);
}

static void PC_PRINTF(2, 3)
sink_error(void *ctx, const char *fmt, ...)
{
	err_sink *s = cur_sink;
	va_list ap;
	char tmp[1024];

	if (s == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	buf_puts(&s->msg, tmp);
	if (s->msg.len > 0 && s->msg.data[s->msg.len - 1] == '\n')
		sink_flush(s);
}

static void
sink_begin(err_sink *s, diag_set *ds, const char *file)
{
	s->ds = ds;
	s->file = file;
	buf_init(&s->msg);
	cur_sink = s;
	/* libxml2's handler is per thread; libxslt's is process-wide and set
	 * once (register_extensions): both find this thread's sink through
	 * cur_sink, so parallel transforms never share a buffer. */
	xmlSetGenericErrorFunc(NULL, sink_error);
}

static void
sink_end(err_sink *s)
{
	sink_flush(s);
	buf_free(&s->msg);
	cur_sink = NULL;
	xmlSetGenericErrorFunc(NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Loading stylesheets: project overrides, no network, no entities.     */

typedef struct {
	char *project_tpl;      /* <project>/templates/html, or NULL */
	char *builtin_tpl;      /* <data>/templates/html */
} tpl_dirs;

static tpl_dirs *cur_dirs;
static xmlExternalEntityLoader prev_loader;

/* The file a stylesheet name resolves to: the project's own first. */
static char *
tpl_resolve(const tpl_dirs *d, const char *name)
{
	char *p;

	if (d->project_tpl) {
		p = path_join(d->project_tpl, name);
		if (fsio_exists(p))
			return p;
		free(p);
	}
	return path_join(d->builtin_tpl, name);
}

/* Maps every stylesheet URL below either template folder through
 * tpl_resolve ("builtin/NAME" always names the built-in NAME, so an
 * override can import what it replaces); refuses the network. */
static xmlParserInputPtr
tpl_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	const char *base = NULL, *rest;
	size_t n;
	char *path = NULL;
	xmlParserInputPtr in;

	if (url == NULL)
		return NULL;
	if (strstr(url, "://") && !str_has_prefix(url, "file://")) {
		if (cur_sink)
			sink_error(NULL, "refusing to load %s\n", url);
		return NULL;
	}
	if (str_has_prefix(url, "file://"))
		url += 7;
	if (cur_dirs) {
		if (cur_dirs->project_tpl &&
		    str_has_prefix(url, cur_dirs->project_tpl))
			base = cur_dirs->project_tpl;
		else if (str_has_prefix(url, cur_dirs->builtin_tpl))
			base = cur_dirs->builtin_tpl;
	}
	if (base) {
		n = strlen(base);
		rest = url + n;
		if (*rest == '/')
			rest++;
		if (str_has_prefix(rest, "builtin/"))
			path = path_join(cur_dirs->builtin_tpl, rest + 8);
		else if (strchr(rest, '/') == NULL)
			path = tpl_resolve(cur_dirs, rest);
	}
	in = prev_loader(path ? path : url, id, ctxt);
	free(path);
	return in;
}

static xsltStylesheetPtr
load_style(tpl_dirs *d, const char *name, diag_set *ds)
{
	char *path = tpl_resolve(d, name);
	xmlDocPtr sdoc;
	xsltStylesheetPtr st = NULL;
	err_sink sink;

	sink_begin(&sink, ds, path);
	cur_dirs = d;
	prev_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(tpl_loader);
	sdoc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (sdoc) {
		st = xsltParseStylesheetDoc(sdoc);
		if (st == NULL)
			xmlFreeDoc(sdoc);
	}
	xmlSetExternalEntityLoader(prev_loader);
	cur_dirs = NULL;
	if (st == NULL)
		sink_error(&sink, "cannot compile stylesheet %s\n", path);
	sink_end(&sink);
	free(path);
	return st;
}

static void
dirs_init(tpl_dirs *d, const char *project_dir, const char *data_dir)
{
	char *t;

	d->project_tpl = NULL;
	if (project_dir) {
		t = path_join(project_dir, "templates/html");
		if (fsio_is_dir(t)) {
			d->project_tpl = realpath(t, NULL);
			if (d->project_tpl == NULL)
				d->project_tpl = xstrdup(t);
		}
		free(t);
	}
	t = path_join(data_dir ? data_dir : ".", "templates/html");
	d->builtin_tpl = realpath(t, NULL);
	if (d->builtin_tpl == NULL)
		d->builtin_tpl = xstrdup(t);
	free(t);
}

static void
dirs_free(tpl_dirs *d)
{
	free(d->project_tpl);
	free(d->builtin_tpl);
}

static xsltSecurityPrefsPtr
make_security(void)
{
	xsltSecurityPrefsPtr sec = xsltNewSecurityPrefs();

	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY,
	    xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK,
	    xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK,
	    xsltSecurityForbid);
	return sec;
}

/* Serialises a result tree the way browsers and cmark expect HTML
 * written as XML: void elements as "<br />", others always with an end
 * tag ("<p></p>"), no XML declaration.  Returns a newly allocated
 * string. */
static char *
save_xhtml(xmlDocPtr res, const char *prefix)
{
	xmlBufferPtr b = xmlBufferCreate();
	xmlSaveCtxtPtr sv = xmlSaveToBuffer(b, "UTF-8",
	    XML_SAVE_XHTML | XML_SAVE_NO_DECL);
	xmlNodePtr n;
	char *s;

	for (n = res->children; n; n = n->next)
		if (n->type != XML_DTD_NODE)
			xmlSaveTree(sv, n);
	xmlSaveClose(sv);
	s = xasprintf("%s%s", prefix ? prefix : "",
	    xmlBufferContent(b) ? (const char *)xmlBufferContent(b) : "");
	xmlBufferFree(b);
	return s;
}

/* Transforms doc with st (params: NULL-terminated name/value string
 * pairs, taken as strings) and returns the serialised result (as HTML
 * when xhtml is set, else as the stylesheet's xsl:output says), or NULL
 * after reporting to ds. */
static char *
transform(xsltStylesheetPtr st, xmlDocPtr doc, const char **params,
    xsltSecurityPrefsPtr sec, diag_set *ds, const char *file,
    const char *prefix, int xhtml)
{
	xsltTransformContextPtr ctxt;
	xmlDocPtr res;
	xmlChar *out = NULL;
	int len = 0;
	char *s = NULL;
	err_sink sink;

	sink_begin(&sink, ds, file);
	ctxt = xsltNewTransformContext(st, doc);
	if (ctxt == NULL) {
		sink_end(&sink);
		return NULL;
	}
	xsltSetTransformErrorFunc(ctxt, NULL, sink_error);
	if (sec)
		xsltSetCtxtSecurityPrefs(sec, ctxt);
	if (params)
		xsltQuoteUserParams(ctxt, params);
	res = xsltApplyStylesheetUser(st, doc, NULL, NULL, NULL, ctxt);
	if (res == NULL || ctxt->state != XSLT_STATE_OK) {
		sink_error(&sink, "transformation failed\n");
	} else if (xhtml) {
		s = save_xhtml(res, prefix);
	} else if (xsltSaveResultToString(&out, &len, res, st) == 0) {
		s = xasprintf("%s%.*s", prefix ? prefix : "", len,
		    out ? (const char *)out : "");
	}
	xmlFree(out);
	if (res)
		xmlFreeDoc(res);
	xsltFreeTransformContext(ctxt);
	sink_end(&sink);
	return s;
}

/* ------------------------------------------------------------------ */
/* The fragment: one body through the same templates.                   */

char *
html_render_fragment(xmlDocPtr doc, const char *data_dir, diag_set *ds)
{
	tpl_dirs d;
	xsltStylesheetPtr st;
	xsltSecurityPrefsPtr sec;
	char *s;

	pthread_once(&ext_once, register_extensions);
	dirs_init(&d, NULL, data_dir);
	st = load_style(&d, "fragment.xsl", ds);
	dirs_free(&d);
	if (st == NULL)
		return NULL;
	sec = make_security();
	s = transform(st, doc, NULL, sec, ds, "", NULL, 1);
	xsltFreeSecurityPrefs(sec);
	xsltFreeStylesheet(st);
	return s;
}

/* ------------------------------------------------------------------ */
/* Brand colours: WCAG contrast against white.                          */

static int
parse_colour(const char *s, double rgb[3])
{
	unsigned v;
	size_t n;

	if (s == NULL || *s != '#')
		return -1;
	n = strlen(s + 1);
	if (n != 3 && n != 6)
		return -1;
	if (strspn(s + 1, "0123456789abcdefABCDEF") != n)
		return -1;
	v = (unsigned)strtoul(s + 1, NULL, 16);
	if (n == 3) {
		rgb[0] = ((v >> 8) & 15) * 17;
		rgb[1] = ((v >> 4) & 15) * 17;
		rgb[2] = (v & 15) * 17;
	} else {
		rgb[0] = (v >> 16) & 255;
		rgb[1] = (v >> 8) & 255;
		rgb[2] = v & 255;
	}
	return 0;
}

static double
channel_lin(double c)
{
	c /= 255.0;
	return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double
contrast_white(const double rgb[3])
{
	double l = 0.2126 * channel_lin(rgb[0]) + 0.7152 * channel_lin(rgb[1]) +
	    0.0722 * channel_lin(rgb[2]);

	return 1.05 / (l + 0.05);
}

/* Returns a colour (newly allocated "#rrggbb") that keeps the hue of the
 * configured one and passes 4.5:1 on white, warning when it had to darken
 * it.  A missing or malformed colour gives the fallback. */
static char *
safe_colour(const char *name, const char *value, const char *fallback,
    diag_set *ds)
{
	double rgb[3];
	double ratio;
	int i;

	if (value == NULL || parse_colour(value, rgb) != 0) {
		if (value != NULL)
			diag_report_sev(ds, SEV_WARNING, "brand-contrast",
			    "policyc.yaml", 0, 0,
			    "brand colour %s \"%s\" is not a #rrggbb colour; "
			    "using %s", name, value, fallback);
		return xstrdup(fallback);
	}
	ratio = contrast_white(rgb);
	if (ratio >= 4.5)
		return xasprintf("#%02x%02x%02x", (unsigned)rgb[0],
		    (unsigned)rgb[1], (unsigned)rgb[2]);
	diag_report_sev(ds, SEV_WARNING, "brand-contrast", "policyc.yaml", 0, 0,
	    "brand colour %s %s has contrast %.2f:1 against white (WCAG AA "
	    "needs 4.5:1); the site uses a darker shade", name, value, ratio);
	for (i = 0; i < 100 && contrast_white(rgb) < 4.5; i++) {
		rgb[0] *= 0.95;
		rgb[1] *= 0.95;
		rgb[2] *= 0.95;
	}
	return xasprintf("#%02x%02x%02x", (unsigned)rgb[0], (unsigned)rgb[1],
	    (unsigned)rgb[2]);
}

/* ------------------------------------------------------------------ */
/* Tree helpers                                                         */

static xmlNodePtr
child_el(xmlNodePtr n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* Newly allocated text content of n ("" when n is NULL). */
static char *
text_of(xmlNodePtr n)
{
	xmlChar *c;
	char *s;

	if (n == NULL)
		return xstrdup("");
	c = xmlNodeGetContent(n);
	s = xstrdup(c ? (const char *)c : "");
	xmlFree(c);
	return s;
}

static char *
attr_of(xmlNodePtr n, const char *name)
{
	xmlChar *c = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
	char *s = xstrdup(c ? (const char *)c : "");

	xmlFree(c);
	return s;
}

/* ------------------------------------------------------------------ */
/* The search index                                                     */

static void
js_string(buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	buf_putc(b, '"');
	for (; *p; p++, n++) {
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
	}
	buf_putc(b, '"');
}

/* Plain text of a body, blocks separated by spaces, whitespace squeezed. */
static void
gather_text(xmlNodePtr n, buf *b)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const char *p;
			for (p = (const char *)n->content; p && *p; p++) {
				int sp = (*p == ' ' || *p == '\n' || *p == '\t' ||
				    *p == '\r');
				if (sp) {
					if (b->len && b->data[b->len - 1] != ' ')
						buf_putc(b, ' ');
				} else
					buf_putc(b, *p);
			}
		} else if (n->type == XML_ELEMENT_NODE) {
			const char *nm = (const char *)n->name;
			if (strcmp(nm, "htmlblock") == 0 ||
			    strcmp(nm, "html") == 0)
				continue;
			if (strcmp(nm, "softbreak") == 0 || strcmp(nm, "br") == 0) {
				if (b->len && b->data[b->len - 1] != ' ')
					buf_putc(b, ' ');
				continue;
			}
			gather_text(n->children, b);
			if (strcmp(nm, "para") == 0 || strcmp(nm, "heading") == 0 ||
			    strcmp(nm, "cell") == 0 || strcmp(nm, "item") == 0 ||
			    strcmp(nm, "codeblock") == 0) {
				if (b->len && b->data[b->len - 1] != ' ')
					buf_putc(b, ' ');
			}
		}
	}
}

static void
gather_headings(xmlNodePtr n, buf *b, int *first)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "heading") == 0) {
			char *t = text_of(n), *id = attr_of(n, "id");
			buf_puts(b, *first ? "[" : ",[");
			js_string(b, t, 300);
			buf_putc(b, ',');
			js_string(b, id, 300);
			buf_putc(b, ']');
			*first = 0;
			free(t);
			free(id);
		} else if (strcmp((const char *)n->name, "section") == 0)
			gather_headings(n->children, b, first);
	}
}

/* One index entry (a JS object literal) for a document tree. */
static char *
search_entry(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr meta = child_el(root, "meta");
	xmlNodePtr body = child_el(root, "body");
	xmlNodePtr terms = child_el(root, "terms"), t;
	char *id = attr_of(root, "id"), *sec = attr_of(root, "section");
	char *title = text_of(child_el(meta, "title"));
	char *type = text_of(child_el(meta, "type"));
	buf b, tx;
	int first = 1;

	buf_init(&b);
	buf_puts(&b, "{u:");
	{
		char *u = xasprintf("%s.html", id);
		js_string(&b, u, 0);
		free(u);
	}
	buf_puts(&b, ",t:");
	js_string(&b, title, 0);
	buf_puts(&b, ",y:");
	js_string(&b, type, 0);
	buf_puts(&b, ",s:");
	js_string(&b, sec, 0);
	buf_puts(&b, ",h:[");
	gather_headings(body ? body->children : NULL, &b, &first);
	buf_puts(&b, "],k:[");
	first = 1;
	for (t = terms ? terms->children : NULL; t; t = t->next) {
		char *nm, *ab;
		if (t->type != XML_ELEMENT_NODE)
			continue;
		nm = attr_of(t, "name");
		ab = attr_of(t, "abbr");
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
	free(id);
	free(sec);
	free(title);
	free(type);
	return buf_detach(&b);
}

static void
search_glossary(xmlDocPtr corpus, buf *b)
{
	xmlNodePtr g = child_el(xmlDocGetRootElement(corpus), "glossary"), e;

	for (e = g ? g->children : NULL; e; e = e->next) {
		char *id, *name, *abbr, *u, *title;
		buf tx;
		xmlNodePtr a;

		if (e->type != XML_ELEMENT_NODE)
			continue;
		id = attr_of(e, "id");
		name = text_of(child_el(e, "name"));
		abbr = text_of(child_el(e, "abbr"));
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
		for (a = e->children; a; a = a->next)
			if (a->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)a->name, "alias") == 0) {
				char *al = text_of(a);
				buf_putc(b, ',');
				js_string(b, al, 0);
				free(al);
			}
		buf_puts(b, "],x:");
		buf_init(&tx);
		buf_puts(&tx, "");
		gather_text(child_el(e, "definition"), &tx);
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

/* ------------------------------------------------------------------ */
/* The site                                                             */

typedef struct {
	const backend_input *in;
	xsltStylesheetPtr page;
	xsltSecurityPrefsPtr sec;
	const char **params;
	char *html_dir;
	char **entries;             /* search entry per document */
	size_t next;                /* next document to take (atomic) */
	int failed;
} site_job;

static int
id_safe(const char *id)
{
	const char *p = id;

	if (*id == '\0' || *id == '/')
		return 0;
	while (*p) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0') &&
		    (p == id || p[-1] == '/'))
			return 0;
		p++;
	}
	return 1;
}

static int
write_out(const backend_input *in, const char *path, const char *data)
{
	if (fsio_write(path, data, strlen(data)) != 0) {
		diag_report_sev(in->ds, SEV_ERROR, "html-write", "", 0, 0,
		    "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void *
page_worker(void *arg)
{
	site_job *j = arg;
	const backend_input *in = j->in;
	size_t i;

	for (;;) {
		xmlNodePtr root;
		char *id, *path, *file, *out, *rel;

		i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
		if (i >= in->ndocs)
			break;
		root = xmlDocGetRootElement(in->docs[i]);
		id = attr_of(root, "id");
		path = attr_of(root, "path");
		if (!id_safe(id)) {
			diag_report_sev(in->ds, SEV_ERROR, "html-write", path, 0, 0,
			    "document id \"%s\" would leave the output folder", id);
			free(id);
			free(path);
			continue;
		}
		out = transform(j->page, in->docs[i], j->params, j->sec, in->ds,
		    path, "<!DOCTYPE html>\n", 1);
		if (out) {
			rel = xasprintf("%s.html", id);
			file = path_join(j->html_dir, rel);
			if (write_out(in, file, out) != 0)
				__atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
			free(file);
			free(rel);
			free(out);
		}
		j->entries[i] = search_entry(in->docs[i]);
		free(id);
		free(path);
	}
	return NULL;
}

/* A static file: the project's templates/html/NAME, else the built-in. */
static int
copy_static(const backend_input *in, tpl_dirs *d, const char *name,
    const char *html_dir)
{
	char *from = tpl_resolve(d, name), *to = path_join(html_dir, name);
	int rc = fsio_copy(from, to);

	if (rc != 0)
		diag_report_sev(in->ds, SEV_ERROR, "html-write", "", 0, 0,
		    "cannot copy %s to %s", from, to);
	free(from);
	free(to);
	return rc;
}

static const char *const corpus_pages[][2] = {
	{ "index.xsl", "index.html" },          /* contents by section */
	{ "glossary.xsl", "glossary.html" },    /* A-Z of terms */
	{ "whats-new.xsl", "whats-new.html" },  /* amendments, newest first */
	{ "review.xsl", "review.html" },        /* review dashboard */
	{ "search.xsl", "search.html" },        /* the search page */
	{ "404.xsl", "404.html" },              /* not found */
	{ "feed.xsl", "feed.xml" },             /* Atom 1.0 of amendments */
	{ "sitemap.xsl", "sitemap.xml" },       /* sitemaps.org */
};

int
html_render(const backend_input *in)
{
	tpl_dirs d;
	site_job j;
	xmlNodePtr proj, org, c;
	char *primary = NULL, *accent = NULL, *logo_href = NULL, *s;
	const char *params[16];
	size_t np = 0, i, k;
	int rc = 0, nthreads;
	pthread_t *th;
	buf idx;

	pthread_once(&ext_once, register_extensions);
	memset(&j, 0, sizeof j);
	j.in = in;
	j.html_dir = path_join(in->out_dir, "html");
	if (fsio_mkdirs(j.html_dir) != 0) {
		diag_report_sev(in->ds, SEV_ERROR, "html-write", "", 0, 0,
		    "cannot create %s", j.html_dir);
		free(j.html_dir);
		return 1;
	}
	dirs_init(&d, in->project_dir, in->data_dir);

	/* Brand colours and logo, from the project in corpus.xml. */
	proj = child_el(xmlDocGetRootElement(in->corpus), "project");
	org = child_el(proj, "organisation");
	for (c = org ? org->children : NULL; c; c = c->next) {
		char *nm, *v;
		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "colour") != 0)
			continue;
		nm = attr_of(c, "name");
		v = text_of(c);
		if (strcmp(nm, "primary") == 0 && primary == NULL)
			primary = safe_colour(nm, v, "#1d70b8", in->ds);
		else if (strcmp(nm, "accent") == 0 && accent == NULL)
			accent = safe_colour(nm, v, "#00703c", in->ds);
		else {
			char *t = safe_colour(nm, v, "#000000", in->ds);
			free(t);
		}
		free(nm);
		free(v);
	}
	if (primary == NULL)
		primary = xstrdup("#1d70b8");
	if (accent == NULL)
		accent = xstrdup("#00703c");
	if (child_el(org, "logo")) {
		char *logo = text_of(child_el(org, "logo"));
		const char *base = strrchr(logo, '/');
		char *from, *to;

		base = base ? base + 1 : logo;
		if (*base) {
			from = path_join(in->project_dir ? in->project_dir : ".",
			    logo);
			logo_href = xasprintf("assets/%s", base);
			to = path_join(j.html_dir, logo_href);
			if (fsio_copy(from, to) != 0) {
				diag_report_sev(in->ds, SEV_WARNING, "html-write",
				    "policyc.yaml", 0, 0,
				    "cannot copy the logo %s", logo);
				free(logo_href);
				logo_href = NULL;
			}
			free(from);
			free(to);
		}
		free(logo);
	}
	params[np++] = "brand";
	params[np++] = primary;
	params[np++] = "accent";
	params[np++] = accent;
	params[np++] = "logo";
	params[np++] = logo_href ? logo_href : "";
	params[np++] = "today";
	params[np++] = in->today ? in->today : "";
	params[np] = NULL;
	j.params = params;
	j.sec = make_security();

	/* Document pages, in parallel. */
	/* A stylesheet that does not compile or a page that fails to
	 * transform is an html-template error, reported with its file; the
	 * rest of the site is still written (only a failed write is fatal). */
	j.page = load_style(&d, "document.xsl", in->ds);
	j.entries = xcalloc(in->ndocs + 1, sizeof *j.entries);
	if (j.page != NULL && in->ndocs > 0) {
		nthreads = in->jobs > 0 ? in->jobs : 1;
		if ((size_t)nthreads > in->ndocs)
			nthreads = (int)in->ndocs;
		th = xcalloc((size_t)nthreads, sizeof *th);
		for (k = 1; k < (size_t)nthreads; k++)
			if (pthread_create(&th[k], NULL, page_worker, &j) != 0)
				th[k] = 0;
		page_worker(&j);
		for (k = 1; k < (size_t)nthreads; k++)
			if (th[k])
				pthread_join(th[k], NULL);
		free(th);
		if (j.failed)
			rc = 1;
	}

	/* Pages made from the corpus. */
	for (k = 0; k < sizeof corpus_pages / sizeof corpus_pages[0]; k++) {
		xsltStylesheetPtr st = load_style(&d, corpus_pages[k][0], in->ds);
		const char *pre = str_has_suffix(corpus_pages[k][1], ".html") ?
		    "<!DOCTYPE html>\n" : NULL;
		char *file;

		if (st == NULL)
			continue;
		s = transform(st, in->corpus, params, j.sec, in->ds,
		    "corpus.xml", pre, pre != NULL);
		if (s) {
			file = path_join(j.html_dir, corpus_pages[k][1]);
			if (write_out(in, file, s) != 0)
				rc = 1;
			free(file);
			free(s);
		}
		xsltFreeStylesheet(st);
	}

	/* The search index, as a script so it loads from file://. */
	buf_init(&idx);
	buf_puts(&idx, "/* policyc search index: generated, do not edit. */\n"
	    "window.POLICYC_SEARCH = [\n");
	{
		int any = 0;
		buf g;

		for (i = 0; i < in->ndocs; i++) {
			if (j.entries[i] == NULL)
				continue;
			if (any)
				buf_puts(&idx, ",\n");
			buf_puts(&idx, j.entries[i]);
			free(j.entries[i]);
			any = 1;
		}
		/* each glossary entry comes with a leading ",\n" */
		buf_init(&g);
		buf_puts(&g, "");
		search_glossary(in->corpus, &g);
		if (g.len > 2)
			buf_puts(&idx, any ? g.data : g.data + 2);
		buf_free(&g);
	}
	buf_puts(&idx, "\n];\n");
	s = path_join(j.html_dir, "search-index.js");
	if (write_out(in, s, idx.data) != 0)
		rc = 1;
	free(s);
	buf_free(&idx);

	if (copy_static(in, &d, "style.css", j.html_dir) != 0 ||
	    copy_static(in, &d, "search.js", j.html_dir) != 0)
		rc = 1;

	free(j.entries);
	if (j.page)
		xsltFreeStylesheet(j.page);
	xsltFreeSecurityPrefs(j.sec);
	dirs_free(&d);
	free(primary);
	free(accent);
	free(logo_href);
	free(j.html_dir);
	return rc;
}
