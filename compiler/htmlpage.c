/*
 * htmlpage.c — a document's whole site page in C (htmlpage.h).
 *
 * templates/html/document.xsl stays the definition, with layout.xsl's
 * template "page" around it and history.xsl's banner: each function
 * below is one of their templates, written against the same XML and
 * making the same result nodes in the same order (attributes too), so
 * the serialiser writes the same bytes.  The body and its notes are
 * htmlbody.c's.  XPath's ways are kept where the templates lean on them:
 * string values (the first node's, for a node-set), normalize-space,
 * substring counted in characters, number() and a number's string
 * (libxml2's own xmlXPathStringEvalNumber and xmlXPathCastNumberToString),
 * comparisons of a node-set (true when any node matches).  It reads the
 * tree with xmlread.c (the model's elements and attributes are in no
 * namespace, as the templates' names are).  A page with a
 * release history (the <changes> history.xsl writes) is left to the
 * templates (htmlpage_known).
 *
 * Why: with the body in C, the rest of the page's templates (the frame,
 * the header, the contents, the control table, the named templates
 * called with parameters for every date and badge) were still a sixth
 * of a full build's CPU on 1,000 generated documents, for a fixed page.
 *
 * htmlpage_templates_sha256 pins the four stylesheets this was written
 * from: when any differs (an edited installation), htmlxsl.c runs the
 * templates.  Change a template and this file together, then the pin
 * (POLICYC_TEMPLATES_SHA256_SHOW=1 prints the shipped files' digest;
 * tests/html-body.t says when the C is no longer used).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>

#include "htmlpage.h"
#include "util.h"
#include "xmlread.h"

const char htmlpage_templates_sha256[] =
    "009a00e4a1f7f51633fc28c660427508a2b048527d415b6949b3319c08341385";

/* ---- reading the XML ------------------------------------------------- */

/* n's first element child (n may be NULL), or NULL: "n/ *" */
static xmlNodePtr first_element(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

/* The attribute node name (no namespace), or NULL. */
static xmlAttrPtr attr_node(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a;

	for (a = n ? n->properties : NULL; a; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
			return a;
	return NULL;
}

/* libxml2's string v as a malloc'd one ("" for none); v is freed. */
static char *take(xmlChar *v)
{
	char *r = xstrdup(v ? (const char *)v : "");

	xmlFree(v);
	return r;
}

/* string(node): its string value, newly allocated; "" for no node. */
static char *sv(xmlNodePtr n)
{
	return xmlread_text_or(n, "");
}

/* string(@name) */
static char *sattr(xmlNodePtr n, const char *name)
{
	return xmlread_attr_or(n, name, "");
}

/* normalize-space(string(node)) */
static char *nsv(xmlNodePtr n)
{
	char *v = sv(n), *r = htmlbody_normalize(v);

	free(v);
	return r;
}

/* substring(s, from, len) for whole numbers (characters, from 1). */
static char *substr(const char *s, long from, long len)
{
	const char *p = s, *b = NULL;
	long pos = 0;

	for (; *p; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		pos++;
		if (pos == from)
			b = p;
		if (pos == from + len)
			break;
	}
	if (b == NULL)
		return xstrdup("");
	return xstrndup(b, (size_t)(p - b));
}

static long chars(const char *s)
{
	long n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static double num(const char *s)
{
	return xmlXPathStringEvalNumber((const xmlChar *)s);
}

/* string(number): XPath's way (NaN, Infinity, 3, 0.5) */
static char *numstr(double d)
{
	return take(xmlXPathCastNumberToString(d));
}

/* concat(translate(substring(s, 1, 1), lower, upper), substring(s, 2)) */
static char *capitalise(const char *s)
{
	char *r = xstrdup(s);

	if (*r >= 'a' && *r <= 'z')
		*r = (char)(*r - 32);
	return r;
}

/* translate(s, '-', ''), newly allocated */
static char *no_minus(const char *s)
{
	char *t = xstrdup(s), *q, *w;

	for (q = w = t; *q; q++)
		if (*q != '-')
			*w++ = *q;
	*w = '\0';
	return t;
}

/* translate(s, $pc-upper, $pc-lower), in place */
static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

/* ---- writing the result ------------------------------------------------ */

typedef struct {
	xsltTransformContextPtr ctxt;
	const htmlbody_fns *fns;
	xmlDocPtr out;
	xmlNodePtr doc;           /* /document */
	xmlNodePtr meta;          /* $meta */
	char *root;               /* $pc-root */
	char *site_title, *lang, *logo, *pdfs, *pdf_pages, *pdf_kb;
	int today_ok;             /* $pc-today-ok */
	double ty, tm, td;        /* $pc-today-y, -m, -d */
	xmlNodePtr org;           /* $org (the first) */
} page;

static xmlNodePtr el(page *p, xmlNodePtr parent, const char *name)
{
	return xmlAddChild(parent, xmlNewDocNode(p->out, NULL,
	    (const xmlChar *)name, NULL));
}

static void at(xmlNodePtr e, const char *name, const char *value)
{
	xmlNewProp(e, (const xmlChar *)name, (const xmlChar *)value);
}

/* at with value concat(a, b, c) */
static void at3(xmlNodePtr e, const char *name, const char *a, const char *b,
    const char *c)
{
	char *v = xasprintf("%s%s%s", a, b, c);

	at(e, name, v);
	free(v);
}

/* A text node (xsl:value-of and xsl:text make none for ""). */
static void text(page *p, xmlNodePtr parent, const char *s)
{
	if (s && *s)
		xmlAddChild(parent, xmlNewDocText(p->out, (const xmlChar *)s));
}

/* <name class="cls">s</name> */
static xmlNodePtr el_text(page *p, xmlNodePtr parent, const char *name,
    const char *cls, const char *s)
{
	xmlNodePtr e = el(p, parent, name);

	if (cls)
		at(e, "class", cls);
	text(p, e, s);
	return e;
}

/* <tag class="cls" aria-labelledby="id"><h2 class="hcls" id="id">title
 * </h2>...: a region named by its heading (hcls may be NULL) */
static xmlNodePtr labelled(page *p, xmlNodePtr out, const char *tag,
    const char *cls, const char *id, const char *hcls, const char *title)
{
	xmlNodePtr e = el(p, out, tag);

	at(e, "class", cls);
	at(e, "aria-labelledby", id);
	at(el_text(p, e, "h2", hcls, title), "id", id);
	return e;
}

/* <div class="cls" role="note"><p>: the p */
static xmlNodePtr notice(page *p, xmlNodePtr out, const char *cls)
{
	xmlNodePtr e = el(p, out, "div");

	at(e, "class", cls);
	at(e, "role", "note");
	return el(p, e, "p");
}

/* xsl:value-of select="node" */
static void value_of(page *p, xmlNodePtr parent, xmlNodePtr n)
{
	char *v = sv(n);

	text(p, parent, v);
	free(v);
}

/* A string parameter or variable of the transform, newly allocated. */
static char *var(xsltTransformContextPtr ctxt, const char *name)
{
	xmlXPathObjectPtr o = xsltVariableLookup(ctxt, (const xmlChar *)name,
	    NULL);
	char *r;

	if (o == NULL)
		return xstrdup("");
	r = take(xmlXPathCastToString(o));
	xmlXPathFreeObject(o);
	return r;
}

/* ---- the named templates of layout.xsl ------------------------------- */

static const char *const month_names[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };

/* template "date" */
static void date(page *p, xmlNodePtr out, const char *d)
{
	xmlNodePtr t;
	char *s;
	double m;

	if (chars(d) != 10) {
		text(p, out, d);
		return;
	}
	t = el(p, out, "time");
	at(t, "datetime", d);
	s = substr(d, 9, 2);
	m = num(s);
	free(s);
	s = numstr(m);        /* number(substring($d, 9, 2)) */
	text(p, t, s);
	free(s);
	text(p, t, " ");
	s = substr(d, 6, 2);
	m = num(s);
	free(s);
	if (m >= 1 && m <= 12 && m == floor(m))
		text(p, t, month_names[(int)m - 1]);
	text(p, t, " ");
	s = substr(d, 1, 4);
	text(p, t, s);
	free(s);
}

/* template "section-name" */
static char *section_name(const char *s)
{
	char *t, *r, *q;

	if (*s == '\0')
		return xstrdup("General");
	t = xstrdup(s);
	for (q = t; *q; q++)
		if (*q == '-' || *q == '_' || *q == '/')
			*q = ' ';
	r = capitalise(t);
	free(t);
	return r;
}

/* template "review-badge" */
static void review_badge(page *p, xmlNodePtr out, const char *state,
    const char *due)
{
	if (state && !strcmp(state, "overdue"))
		el_text(p, out, "strong", "tag tag--red", "Review overdue");
	else if (state && !strcmp(state, "due-soon"))
		el_text(p, out, "strong", "tag tag--yellow", "Review due soon");
	else if (state && !strcmp(state, "current"))
		el_text(p, out, "strong", "tag tag--green", "In date");
	else if (*due == '\0')
		el_text(p, out, "strong", "tag tag--grey", "No review date");
}

/* template "status-badge" */
static void status_badge(page *p, xmlNodePtr out, const char *status)
{
	if (strcmp(status, "active") != 0 && *status) {
		char *c = capitalise(status);
		el_text(p, out, "strong", "tag tag--grey", c);
		free(c);
	}
}

/* " N unit" or " N units" */
static void count_words(page *p, xmlNodePtr out, double n, const char *unit)
{
	char *s = numstr(n);

	text(p, out, s);
	text(p, out, " ");
	text(p, out, unit);
	if (n != 1)
		text(p, out, "s");
	free(s);
}

/* template "span-words-months" */
static void span_words_months(page *p, xmlNodePtr out, double months,
    const char *days)
{
	if (months < 1) {
		char *t = no_minus(days);
		count_words(p, out, num(t), "day");
		free(t);
	} else if (months < 12)
		count_words(p, out, months, "month");
	else if (months >= 12) {
		double y = floor(months / 12), m = fmod(months, 12);
		count_words(p, out, y, "year");
		if (m > 0) {
			text(p, out, " ");
			count_words(p, out, m, "month");
		}
	}
}

/* The numbers of d's year, month and day (NaN where not numbers). */
static void ymd(const char *d, double *y, double *m, double *dd)
{
	char *s = substr(d, 1, 4);

	*y = num(s);
	free(s);
	s = substr(d, 6, 2);
	*m = num(s);
	free(s);
	s = substr(d, 9, 2);
	*dd = num(s);
	free(s);
}

/* template "span-words" */
static void span_words(page *p, xmlNodePtr out, const char *days,
    const char *d)
{
	double months, y, m, dd;

	if (chars(d) == 10 && p->today_ok && num(days) < 0) {
		ymd(d, &y, &m, &dd);
		months = (p->ty - y) * 12 + p->tm - m - (p->td < dd);
	} else if (chars(d) == 10 && p->today_ok) {
		ymd(d, &y, &m, &dd);
		months = (y - p->ty) * 12 + m - p->tm - (dd < p->td);
	} else {
		char *t = no_minus(days);
		months = floor(num(t) * 12 / 365.2425);
		free(t);
	}
	span_words_months(p, out, months, days);
}

/* template "days-phrase" with $overdue true; days is NULL for no node */
static void days_phrase(page *p, xmlNodePtr out, const char *days,
    const char *d)
{
	double n = days ? num(days) : NAN;

	if (n < 0) {
		span_words(p, out, days, d);
		text(p, out, " overdue");
	} else if (n > 0 && n != 1) {
		text(p, out, "in ");
		span_words(p, out, days, d);
	} else if (n == 0)
		text(p, out, "today");
	else if (n == 1)
		text(p, out, "tomorrow");
}

/* template "crumb" */
static void crumb(page *p, xmlNodePtr out, const char *href,
    const char *label, int current)
{
	xmlNodePtr li = el(p, out, "li"), e;

	at(li, "class", "breadcrumb__item");
	if (*href) {
		e = el(p, li, "a");
		at(e, "href", href);
	} else {
		e = el(p, li, "span");
		if (current)
			at(e, "aria-current", "page");
	}
	text(p, e, label);
}

/* "index.html#section-" + path with its slashes as hyphens */
static char *section_href(const char *up, const char *path)
{
	char *h = xasprintf("%sindex.html#section-%s", up, path), *q;

	for (q = h + strlen(up) + strlen("index.html#section-"); *q; q++)
		if (*q == '/')
			*q = '-';
	return h;
}

/* The crumbs of document.xsl's template for "/". */
static void crumbs(page *p, xmlNodePtr out)
{
	xmlNodePtr trail = xmlread_child(p->doc, "trail"), s;
	char *title = nsv(xmlread_child(p->meta, "title"));

	if (xmlread_child(trail, "section")) {
		for (s = xmlread_child(trail, "section"); s;
		    s = xmlread_next(s, "section")) {
			char *path = sattr(s, "path"), *t = sattr(s, "title");
			char *h = section_href(p->root, path);
			crumb(p, out, h, t, 0);
			free(h);
			free(path);
			free(t);
		}
	} else {
		/* folder-crumbs */
		char *id = sattr(p->doc, "id"), *rest = id, *slash;
		xmlAttrPtr sec = attr_node(p->doc, "section");
		char *section = sv((xmlNodePtr)sec);

		while ((slash = strchr(rest, '/')) != NULL) {
			char *seg = xstrndup(rest, (size_t)(slash - rest));
			char *path = xstrndup(id, (size_t)(slash - id));
			char *label = section_name(seg);
			char *h = !strcmp(path, section) ?
			    section_href(p->root, path) : xstrdup("");
			crumb(p, out, h, label, 0);
			free(h);
			free(label);
			free(path);
			free(seg);
			rest = slash + 1;
		}
		free(section);
		free(id);
	}
	crumb(p, out, "", title, 1);
	free(title);
}

/* template "footer-org" */
static void footer_org(page *p, xmlNodePtr out)
{
	xmlNodePtr div = el(p, out, "div"), e;
	char *name = nsv(xmlread_child(p->org, "name"));
	char *addr = nsv(xmlread_child(p->org, "address"));
	char *phone = nsv(xmlread_child(p->org, "phone"));
	char *reg = nsv(xmlread_child(p->org, "registration"));
	char *charity = nsv(xmlread_child(p->org, "charity"));

	at(div, "class", "site-footer__org");
	e = el(p, div, "p");
	at(e, "class", "site-footer__name");
	if (*name)
		value_of(p, e, xmlread_child(p->org, "name"));
	else
		text(p, e, p->site_title);
	if (*addr)
		value_of(p, el(p, div, "p"), xmlread_child(p->org, "address"));
	if (*phone || *reg || *charity) {
		xmlNodePtr para = el(p, div, "p");
		if (*phone) {
			e = el_text(p, para, "span", "site-footer__item",
			    "Telephone ");
			value_of(p, e, xmlread_child(p->org, "phone"));
		}
		if (*reg) {
			e = el_text(p, para, "span", "site-footer__item",
			    "Ofsted registration ");
			value_of(p, e, xmlread_child(p->org, "registration"));
		}
		if (*charity) {
			e = el_text(p, para, "span", "site-footer__item",
			    "Registered charity ");
			value_of(p, e, xmlread_child(p->org, "charity"));
		}
	}
	free(name);
	free(addr);
	free(phone);
	free(reg);
	free(charity);
}

/* template "nav-item" (no item is current on a document's page) */
static void nav_item(page *p, xmlNodePtr ul, const char *href,
    const char *label)
{
	xmlNodePtr li = el(p, ul, "li"), a;

	at(li, "class", "site-nav__item");
	a = el(p, li, "a");
	at(a, "class", "site-nav__link");
	at3(a, "href", p->root, href, "");
	text(p, a, label);
}

/* footer's list item */
static void footer_link(page *p, xmlNodePtr ul, const char *href,
    const char *label)
{
	xmlNodePtr a = el(p, el(p, ul, "li"), "a");

	at3(a, "href", p->root, href, "");
	text(p, a, label);
}

/* ---- document.xsl's template for document in mode "page" ------------- */

/* template "ref-status" */
static void ref_status(page *p, xmlNodePtr out, xmlNodePtr ref)
{
	char *st = sattr(ref, "status");

	if (*st && strcmp(st, "active") != 0) {
		char *c = capitalise(st);
		text(p, out, " ");
		el_text(p, out, "strong", "tag tag--grey", c);
		free(c);
	}
	free(st);
}

/* the mark history.xsl puts after an amendment from the release history */
static void generated(page *p, xmlNodePtr out, xmlNodePtr amendment)
{
	if (attr_node(amendment, "generated")) {
		text(p, out, " ");
		el_text(p, out, "span", "tag tag--grey generated",
		    "Generated from the release history");
	}
}

/* the first <p> of an amendment: its date, its text, the mark */
static void amendment_text(page *p, xmlNodePtr out, xmlNodePtr a)
{
	if (attr_node(a, "date")) {
		char *d = sattr(a, "date");
		date(p, el(p, out, "strong"), d);
		text(p, out, ": ");
		free(d);
	}
	value_of(p, out, a);
	generated(p, out, a);
}

static void doc_header(page *p, xmlNodePtr out)
{
	xmlNodePtr div = el(p, out, "div"), e, review;
	char *type = nsv(xmlread_child(p->meta, "type"));
	xmlAttrPtr section = attr_node(p->doc, "section"), local;
	xmlNodePtr title = xmlread_child(p->meta, "title");
	char *s;

	at(div, "class", "doc-header");
	e = el(p, div, "p");
	at(e, "class", "caption");
	if (*type) {
		s = capitalise(type);
		text(p, e, s);
		free(s);
	} else
		text(p, e, "Document");
	s = sv((xmlNodePtr)section);
	if (section && *s) {
		xmlNodePtr trail = xmlread_child(p->doc, "trail"), last = NULL, t;
		text(p, e, " \xc2\xb7 ");
		for (t = xmlread_child(trail, "section"); t;
		    t = xmlread_next(t, "section"))
			last = t;
		if (last) {
			char *lt = sattr(last, "title");
			text(p, e, lt);
			free(lt);
		} else {
			char *n = section_name(s);
			text(p, e, n);
			free(n);
		}
	}
	free(s);
	e = el(p, div, "h1");
	at(e, "class", "doc-title");
	s = sattr(title, "id");
	if (*s)
		at(e, "id", s);
	free(s);
	value_of(p, e, title);
	if ((local = attr_node(p->doc, "local")) != NULL) {
		e = el_text(p, div, "p", "local-doc", "Local procedure \xe2\x80\x94 ");
		value_of(p, e, (xmlNodePtr)local);
	}
	e = el(p, div, "p");
	at(e, "class", "doc-badges");
	s = nsv(xmlread_child(p->meta, "status"));
	status_badge(p, e, s);
	free(s);
	review = xmlread_child(p->meta, "review");
	{
		xmlAttrPtr st = attr_node(review, "state");
		xmlAttrPtr due = attr_node(review, "due");
		xmlAttrPtr days = attr_node(review, "days");
		char *vs = st ? sv((xmlNodePtr)st) : NULL;
		char *vd = sv((xmlNodePtr)due);

		review_badge(p, e, vs, vd);
		if (due) {
			xmlNodePtr span = el_text(p, e, "span",
			    "doc-badges__text", "Review due ");
			date(p, span, vd);
			if (vs && (!strcmp(vs, "overdue") ||
			    !strcmp(vs, "due-soon"))) {
				char *vdays = days ? sv((xmlNodePtr)days) : NULL;
				text(p, span, " (");
				days_phrase(p, span, vdays, vd);
				text(p, span, ")");
				free(vdays);
			}
		}
		free(vs);
		free(vd);
	}
	if (*p->pdf_pages) {
		xmlNodePtr a;
		char *id = sattr(p->doc, "id"), *h;
		double pages = num(p->pdf_pages), kb = num(p->pdf_kb);

		e = el(p, div, "p");
		at(e, "class", "doc-download");
		a = el(p, e, "a");
		h = xasprintf("%spdf/%s.pdf", p->root, id);
		at(a, "href", h);
		free(h);
		free(id);
		text(p, a, "Download this ");
		if (*type) {
			char *l = xstrdup(type);
			ascii_lower(l);
			text(p, a, l);
			free(l);
		} else
			text(p, a, "document");
		/* template "pdf-facts" */
		text(p, e, " (PDF, ");
		text(p, e, p->pdf_pages);
		text(p, e, " page");
		if (pages != 1)
			text(p, e, "s");
		text(p, e, ", ");
		if (kb >= 1024) {
			/* format-number(kb div 1024, '0.0') */
			char mb[64];
			snprintf(mb, sizeof mb, "%.1f",
			    floor(kb / 1024 * 10 + 0.5) / 10);
			text(p, e, mb);
			text(p, e, " MB");
		} else {
			text(p, e, p->pdf_kb);
			text(p, e, " KB");
		}
		text(p, e, ")");
	}
	free(type);
}

/* Whether any meta/status is s (a node-set compared with a string). */
static int status_is(page *p, const char *s)
{
	xmlNodePtr c;

	for (c = xmlread_child(p->meta, "status"); c; c = xmlread_next(c, "status")) {
		char *v = sv(c);
		int yes = !strcmp(v, s);
		free(v);
		if (yes)
			return 1;
	}
	return 0;
}

static void notices(page *p, xmlNodePtr out)
{
	xmlNodePtr by = xmlread_child(p->meta, "superseded-by"), para, e;
	int withdrawn = status_is(p, "withdrawn");

	if (by || withdrawn || status_is(p, "superseded")) {
		para = notice(p, out, "notice notice--warning");
		el_text(p, para, "strong", NULL, withdrawn ?
		    "This document has been withdrawn." :
		    "This document has been superseded.");
		if (by) {
			char *ref = sattr(by, "ref");
			text(p, para, " Use ");
			if (attr_node(by, "title")) {
				e = el(p, para, "a");
				at3(e, "href", p->root, ref, ".html");
				value_of(p, e, (xmlNodePtr)attr_node(by, "title"));
			} else
				el_text(p, para, "span", "link-unresolved",
				    ref);
			text(p, para, " instead.");
			free(ref);
		}
	}
	if (status_is(p, "draft")) {
		para = notice(p, out, "notice notice--warning");
		el_text(p, para, "strong", NULL, "Draft.");
		text(p, para, " This document has not been approved yet.");
	}
}

/* section | local/section, in document order, below n */
static int toc_sections(xmlNodePtr n, xmlNodePtr *v, int max)
{
	xmlNodePtr c, s;
	int k = 0;

	for (c = n ? n->children : NULL; c; c = c->next) {
		if (xmlread_is(c, "section")) {
			if (k < max)
				v[k] = c;
			k++;
		} else if (xmlread_is(c, "local"))
			for (s = c->children; s; s = s->next)
				if (xmlread_is(s, "section")) {
					if (k < max)
						v[k] = s;
					k++;
				}
	}
	return k;
}

static void toc_item(page *p, xmlNodePtr out, xmlNodePtr s);

/* apply-templates select="section | local/section" mode="toc" */
static void toc_items(page *p, xmlNodePtr ol, xmlNodePtr parent)
{
	xmlNodePtr c, t;

	for (c = parent->children; c; c = c->next)
		if (xmlread_is(c, "section"))
			toc_item(p, ol, c);
		else if (xmlread_is(c, "local"))
			for (t = c->children; t; t = t->next)
				if (xmlread_is(t, "section"))
					toc_item(p, ol, t);
}

/* section in mode "toc" */
static void toc_item(page *p, xmlNodePtr out, xmlNodePtr s)
{
	xmlNodePtr li = el(p, out, "li"), a, c, ol = NULL;
	char *id = sattr(s, "id"), *h = nsv(xmlread_child(s, "heading"));
	char *lv = sattr(s, "level");
	int subs = 0;

	a = el(p, li, "a");
	at3(a, "href", "#", id, "");
	text(p, a, h);
	for (c = s->children; c && !subs; c = c->next)
		subs = xmlread_is(c, "section") ||
		    (xmlread_is(c, "local") && xmlread_child(c, "section"));
	if (subs && attr_node(s, "level") && num(lv) < 3) {
		ol = el(p, li, "ol");
		toc_items(p, ol, s);
	}
	free(id);
	free(h);
	free(lv);
}

static void toc(page *p, xmlNodePtr out, xmlNodePtr body)
{
	xmlNodePtr nav, ol, c;
	int plain = 0;

	nav = labelled(p, out, "nav", "toc", "pc-toc-h", "toc__heading",
	    "On this page");
	ol = el(p, nav, "ol");
	/* body/section[translate(substring(normalize-space(heading), 1, 1),
	 * '0123456789', '') = ''] */
	for (c = xmlread_child(body, "section"); c && !plain;
	    c = xmlread_next(c, "section")) {
		char *h = nsv(xmlread_child(c, "heading"));
		plain = *h == '\0' || (*h >= '0' && *h <= '9');
		free(h);
	}
	at(ol, "class", plain ? "toc__list toc__list--plain" : "toc__list");
	toc_items(p, ol, body);
}

static void amendment_aside(page *p, xmlNodePtr out, xmlNodePtr first)
{
	xmlNodePtr aside, e, a;
	long n = 0;

	aside = labelled(p, out, "aside", "amendment", "pc-amendment-h",
	    "amendment__heading", "Amendment");
	amendment_text(p, el(p, aside, "p"), first);
	for (a = first; a; a = xmlread_next(a, "amendment"))
		n++;
	if (n > 1) {
		char *s = numstr((double)n);
		e = el(p, el(p, aside, "p"), "a");
		at(e, "href", "#pc-amendments");
		text(p, e, "All ");
		text(p, e, s);
		text(p, e, " amendments to this document");
		free(s);
	}
}

static void related_ref(page *p, xmlNodePtr ul, xmlNodePtr ref)
{
	xmlNodePtr li = el(p, ul, "li"), a;
	char *r = sattr(ref, "ref"), *note = sattr(ref, "note");

	a = el(p, li, "a");
	at3(a, "href", p->root, r, ".html");
	value_of(p, a, (xmlNodePtr)attr_node(ref, "title"));
	ref_status(p, li, ref);
	if (*note) {
		char *t = xasprintf(" - %s", note);
		el_text(p, li, "span", "link-list__note", t);
		free(t);
	}
	free(r);
	free(note);
}

/* template "pc-external-link" with class 'external' */
static void external(page *p, xmlNodePtr out, xmlNodePtr x)
{
	char *href = sattr(x, "href"), *kind = sattr(x, "kind");
	char *title = sattr(x, "title"), *head = substr(href, 1, 8);
	char *u = htmlbody_normalize(head);
	const char *label = *title ? title : href;
	xmlNodePtr e;

	ascii_lower(u);
	if (strcmp(kind, "unsafe") != 0 && strcmp(kind, "broken") != 0 &&
	    (!strncmp(u, "https://", 8) || !strncmp(u, "http://", 7) ||
	    !strncmp(u, "mailto:", 7))) {
		char *h = p->fns->href(href);
		e = el(p, out, "a");
		at(e, "href", h);
		at(e, "class", "external");
		free(h);
	} else {
		e = el(p, out, "span");
		at(e, "class", "link-unresolved");
	}
	text(p, e, label);
	free(href);
	free(kind);
	free(title);
	free(head);
	free(u);
}

static void related(page *p, xmlNodePtr out, xmlNodePtr rel)
{
	xmlNodePtr sec, ul, c;
	int pass;

	sec = labelled(p, out, "section", "doc-related doc-related--top",
	    "pc-related-h", NULL, "Related guidance");
	ul = el(p, sec, "ul");
	at(ul, "class", "link-list");
	/* sorted by number(string(@status) != ''), a stable sort */
	for (pass = 0; pass < 2; pass++)
		for (c = xmlread_child(rel, "ref"); c; c = xmlread_next(c, "ref")) {
			char *st = sattr(c, "status");
			if ((*st != '\0') == pass)
				related_ref(p, ul, c);
			free(st);
		}
	for (c = xmlread_child(rel, "external"); c; c = xmlread_next(c, "external")) {
		xmlNodePtr li = el(p, ul, "li");
		external(p, li, c);
		el_text(p, li, "span", "link-list__note",
		    " (external website)");
	}
}

static void referenced_by(page *p, xmlNodePtr out, xmlNodePtr refby)
{
	xmlNodePtr sec, ul, c;

	sec = labelled(p, out, "section", "doc-related", "pc-refby-h", NULL,
	    "Referenced by");
	ul = el(p, sec, "ul");
	at(ul, "class", "link-list");
	for (c = xmlread_child(refby, "ref"); c; c = xmlread_next(c, "ref")) {
		xmlNodePtr li = el(p, ul, "li"), a;
		char *r = sattr(c, "ref");
		a = el(p, li, "a");
		at3(a, "href", p->root, r, ".html");
		value_of(p, a, (xmlNodePtr)attr_node(c, "title"));
		ref_status(p, li, c);
		free(r);
	}
}

/* template "row" */
static void control_row(page *p, xmlNodePtr tbody, const char *k,
    xmlNodePtr v)
{
	char *n = nsv(v);

	if (*n) {
		xmlNodePtr tr = el(p, tbody, "tr"), th;
		th = el_text(p, tr, "th", NULL, k);
		at(th, "scope", "row");
		value_of(p, el(p, tr, "td"), v);
	}
	free(n);
}

/* <tr><th scope="row">k</th><td> ... </td></tr>: the td */
static xmlNodePtr control_tr(page *p, xmlNodePtr tbody, const char *k)
{
	xmlNodePtr tr = el(p, tbody, "tr"), th;

	th = el_text(p, tr, "th", NULL, k);
	at(th, "scope", "row");
	return el(p, tr, "td");
}

/* ", "-joined string values of n's children named name */
static void joined(page *p, xmlNodePtr td, xmlNodePtr n, const char *name)
{
	xmlNodePtr c;
	int k = 0;

	for (c = xmlread_child(n, name); c; c = xmlread_next(c, name)) {
		if (k++)
			text(p, td, ", ");
		value_of(p, td, c);
	}
}

static void history(page *p, xmlNodePtr out, xmlNodePtr hist)
{
	xmlNodePtr h3, wrap, table, tr, tbody, c, e;
	static const char *const heads[] = { "Version", "Date", "By", "Note" };
	int i;

	h3 = el_text(p, out, "h3", NULL, "Version history");
	at(h3, "id", "pc-history");
	wrap = el(p, out, "div");
	at(wrap, "class", "table-wrap");
	at(wrap, "tabindex", "0");
	at(wrap, "role", "region");
	at(wrap, "aria-labelledby", "pc-history");
	table = el(p, wrap, "table");
	at(table, "class", "data stack");
	tr = el(p, el(p, table, "thead"), "tr");
	for (i = 0; i < 4; i++) {
		e = el_text(p, tr, "th", NULL, heads[i]);
		at(e, "scope", "col");
	}
	tbody = el(p, table, "tbody");
	/* each cell labelled: a block per version on a phone (style.css) */
	for (c = xmlread_child(hist, "entry"); c; c = xmlread_next(c, "entry")) {
		char *d = sattr(c, "date");
		tr = el(p, tbody, "tr");
		e = el(p, tr, "td");
		at(e, "data-label", heads[0]);
		value_of(p, e, (xmlNodePtr)attr_node(c, "version"));
		e = el(p, tr, "td");
		at(e, "class", "nowrap");
		at(e, "data-label", heads[1]);
		date(p, e, d);
		e = el(p, tr, "td");
		at(e, "data-label", heads[2]);
		value_of(p, e, (xmlNodePtr)attr_node(c, "by"));
		e = el(p, tr, "td");
		at(e, "data-label", heads[3]);
		value_of(p, e, c);
		free(d);
	}
}

static void control(page *p, xmlNodePtr out)
{
	xmlNodePtr sec, table, tbody, td, e, m = p->meta;
	xmlNodePtr review = xmlread_child(m, "review"), c;
	xmlAttrPtr due = attr_node(review, "due"), state;
	char *s;

	sec = labelled(p, out, "section", "doc-control", "pc-control-h", NULL,
	    "Document control");
	table = el(p, sec, "table");
	at(table, "class", "summary");
	el_text(p, table, "caption", "visually-hidden", "Document control");
	tbody = el(p, table, "tbody");
	control_row(p, tbody, "Owner", xmlread_child(m, "owner"));
	control_row(p, tbody, "Version", xmlread_child(m, "version"));
	if (xmlread_child(m, "approved")) {
		s = sv(xmlread_child(m, "approved"));
		date(p, control_tr(p, tbody, "Approved"), s);
		free(s);
	}
	control_row(p, tbody, "Approved by", xmlread_child(m, "approved-by"));
	td = control_tr(p, tbody, "Review due");
	s = sv((xmlNodePtr)due);
	if (due)
		date(p, td, s);
	else
		text(p, td, "Not set");
	text(p, td, " ");
	state = attr_node(review, "state");
	{
		char *vs = state ? sv((xmlNodePtr)state) : NULL;
		review_badge(p, td, vs, s);
		free(vs);
	}
	free(s);
	td = control_tr(p, tbody, "Status");
	s = nsv(xmlread_child(m, "status"));
	{
		char *cs = capitalise(s);
		text(p, td, cs);
		free(cs);
	}
	free(s);
	if (xmlread_child(xmlread_child(m, "tags"), "tag"))
		joined(p, control_tr(p, tbody, "Tags"), xmlread_child(m, "tags"),
		    "tag");
	if (xmlread_child(xmlread_child(m, "audience"), "item"))
		joined(p, control_tr(p, tbody, "Audience"),
		    xmlread_child(m, "audience"), "item");
	td = control_tr(p, tbody, "Source file");
	e = el(p, td, "code");
	at(e, "class", "path");
	value_of(p, e, (xmlNodePtr)attr_node(p->doc, "path"));

	if (xmlread_child(xmlread_child(m, "history"), "entry"))
		history(p, sec, xmlread_child(m, "history"));
	if ((c = xmlread_child(xmlread_child(m, "amendments"), "amendment")) != NULL) {
		xmlNodePtr ul;
		e = el_text(p, sec, "h3", NULL, "Amendments");
		at(e, "id", "pc-amendments");
		ul = el(p, sec, "ul");
		at(ul, "class", "amendment-list");
		for (; c; c = xmlread_next(c, "amendment"))
			amendment_text(p, el(p, ul, "li"), c);
	}
	e = el(p, sec, "p");
	at(e, "class", "print-only");
	text(p, e, "Printed from ");
	{
		xmlNodePtr project = xmlread_child(p->doc, "project");
		char *base = nsv(xmlread_child(project, "base-url"));
		char *id = sattr(p->doc, "id");
		char *v = xasprintf("%s%s.html", base, id);
		text(p, e, v);
		free(v);
		free(id);
		free(base);
	}
	text(p, e, ". Check the website for the current version.");
}

static void document_page(page *p, xmlNodePtr out)
{
	xmlNodePtr d = p->doc, body = xmlread_child(d, "body"), layout, main, e, c;
	xmlNodePtr sections[1];
	int has_toc;

	doc_header(p, out);
	notices(p, out);
	has_toc = toc_sections(body, sections, 1) > 0;
	layout = el(p, out, "div");
	at(layout, "class", has_toc ? "doc-layout doc-layout--toc" :
	    "doc-layout");
	if (has_toc)
		toc(p, layout, body);
	main = el(p, layout, "div");
	at(main, "class", "doc-main");
	if ((c = xmlread_child(xmlread_child(p->meta, "amendments"), "amendment")) != NULL)
		amendment_aside(p, main, c);
	if (first_element(xmlread_child(d, "related")))
		related(p, main, xmlread_child(d, "related"));
	e = el(p, main, "div");
	at(e, "class", "doc-body prose");
	for (c = d->children; c; c = c->next)
		if (xmlread_is(c, "body"))
			htmlbody_render(p->ctxt, p->fns, c, e);
	if (xmlread_child(xmlread_child(d, "footnotes"), "footnote")) {
		xmlNodePtr h = el_text(p, e, "h2", "footnotes__heading",
		    "Notes");
		at(h, "id", "pc-footnotes");
		for (c = d->children; c; c = c->next)
			if (xmlread_is(c, "footnotes"))
				htmlbody_render_footnotes(p->ctxt, p->fns, c,
				    e);
	}
	if (xmlread_child(xmlread_child(d, "referenced-by"), "ref"))
		referenced_by(p, main, xmlread_child(d, "referenced-by"));
	if (first_element(xmlread_child(d, "graph"))) {
		xmlNodePtr sec = labelled(p, main, "section", "doc-graph",
		    "pc-graph-h", NULL, "How this document connects"), k;
		/* xsl:copy-of select="graph/ *" (every element) */
		for (c = xmlread_child(d, "graph"); c; c = xmlread_next(c, "graph"))
			for (k = c->children; k; k = k->next)
				if (k->type == XML_ELEMENT_NODE)
					xmlAddChild(sec, xmlDocCopyNode(k, p->out,
					    1));
	}
	control(p, main);
}

/* ---- the page -------------------------------------------------------- */

/* layout.xsl's <head> */
static void page_head(page *p, xmlNodePtr html, const char *title)
{
	xmlNodePtr head = el(p, html, "head"), e;

	e = el(p, head, "meta");
	at(e, "http-equiv", "Content-Type");
	at(e, "content", "text/html; charset=utf-8");
	e = el(p, head, "meta");   /* template "csp" */
	at(e, "http-equiv", "Content-Security-Policy");
	at(e, "content", "default-src 'self'; script-src 'self'; style-src "
	    "'self'; img-src 'self' data: https: http:; object-src 'none'; "
	    "base-uri 'none'; form-action 'self'; frame-src 'none'");
	e = el(p, head, "meta");
	at(e, "name", "viewport");
	at(e, "content", "width=device-width, initial-scale=1");
	e = el(p, head, "title");
	text(p, e, title);
	if (strcmp(title, p->site_title) != 0) {
		char *s = xasprintf(" - %s", p->site_title);
		text(p, e, s);
		free(s);
	}
	e = el(p, head, "link");
	at(e, "rel", "stylesheet");
	at3(e, "href", p->root, "style.css", "");
	e = el(p, head, "link");
	at(e, "rel", "stylesheet");
	at3(e, "href", p->root, "brand.css", "");
	e = el(p, head, "link");
	at(e, "rel", "alternate");
	at(e, "type", "application/atom+xml");
	at3(e, "href", p->root, "feed.xml", "");
	at3(e, "title", p->site_title, ": amendments", "");
}

/* layout.xsl's <header class="site-header">: the brand, the search
 * form, the main navigation */
static void site_header(page *p, xmlNodePtr body)
{
	xmlNodePtr hd = el(p, body, "header"), e, f, wrap, nav, ul;
	char *orgname;

	at(hd, "class", "site-header");
	e = el(p, hd, "div");
	at(e, "class", "site-header__bar");
	wrap = el(p, e, "div");
	at(wrap, "class", "wrap site-header__inner");
	e = el(p, wrap, "a");
	at(e, "class", "site-header__brand");
	at3(e, "href", p->root, "index.html", "");
	if (*p->logo) {
		f = el(p, e, "img");
		at(f, "class", "site-header__logo");
		at3(f, "src", p->root, p->logo, "");
		at(f, "alt", "");
	}
	f = el(p, e, "span");
	at(f, "class", "site-header__names");
	orgname = nsv(xmlread_child(p->org, "name"));
	if (*orgname && strcmp(orgname, p->site_title) != 0)
		value_of(p, el_text(p, f, "span", "site-header__org", NULL),
		    xmlread_child(p->org, "name"));
	el_text(p, f, "span", "site-header__title", p->site_title);
	free(orgname);
	f = el(p, wrap, "form");
	at(f, "class", "site-search");
	at3(f, "action", p->root, "search.html", "");
	at(f, "method", "get");
	at(f, "role", "search");
	at(f, "aria-label", "Site");
	e = el_text(p, f, "label", "visually-hidden",
	    "Search policies and procedures");
	at(e, "for", "site-search-q");
	e = el(p, f, "input");
	at(e, "class", "site-search__input");
	at(e, "id", "site-search-q");
	at(e, "name", "q");
	at(e, "type", "search");
	at(e, "autocomplete", "off");
	e = el_text(p, f, "button", "site-search__button", "Search");
	at(e, "type", "submit");
	nav = el(p, hd, "nav");
	at(nav, "class", "site-nav");
	at(nav, "aria-label", "Main");
	ul = el(p, nav, "ul");
	at(ul, "class", "wrap site-nav__list");
	nav_item(p, ul, "index.html", "Contents");
	nav_item(p, ul, "glossary.html", "Glossary");
	nav_item(p, ul, "whats-new.html", "What\xe2\x80\x99s new");
	nav_item(p, ul, "review.html", "Review dates");
	if (!strcmp(p->pdfs, "1"))
		nav_item(p, ul, "packs.html", "PDFs");
	nav_item(p, ul, "search.html", "Search");
}

/* layout.xsl's <div class="wrap">: the breadcrumb, and <main> with the
 * banner of a build of the past and the document */
static void site_main(page *p, xmlNodePtr body)
{
	xmlNodePtr wrap = el(p, body, "div"), nav, ol, e, main;
	xmlAttrPtr asof;

	at(wrap, "class", "wrap");
	nav = el(p, wrap, "nav");
	at(nav, "class", "breadcrumb");
	at(nav, "aria-label", "Breadcrumb");
	ol = el(p, nav, "ol");
	at(ol, "class", "breadcrumb__list");
	e = el(p, el_text(p, ol, "li", "breadcrumb__item", NULL), "a");
	at3(e, "href", p->root, "index.html", "");
	text(p, e, "Home");
	crumbs(p, ol);
	main = el(p, wrap, "main");
	at(main, "id", "main-content");
	at(main, "class", "main");
	at(main, "tabindex", "-1");
	if ((asof = attr_node(p->doc, "as-of-label")) != NULL)
		value_of(p, el(p, notice(p, main,
		    "notice notice--warning as-of"), "strong"), (xmlNodePtr)asof);
	document_page(p, main);
}

/* layout.xsl's <footer class="site-footer"> */
static void site_footer(page *p, xmlNodePtr body)
{
	xmlNodePtr f = el(p, body, "footer"), wrap, ul;

	at(f, "class", "site-footer");
	wrap = el(p, f, "div");
	at(wrap, "class", "wrap");
	footer_org(p, wrap);
	ul = el(p, wrap, "ul");
	at(ul, "class", "site-footer__links");
	footer_link(p, ul, "index.html", "Contents");
	footer_link(p, ul, "glossary.html", "Glossary");
	footer_link(p, ul, "whats-new.html", "What\xe2\x80\x99s new");
	if (!strcmp(p->pdfs, "1"))
		footer_link(p, ul, "packs.html", "Policy packs and PDFs");
	footer_link(p, ul, "feed.xml", "Amendments feed (Atom)");
	footer_link(p, ul, "contacts.html", "Contacts");
	footer_link(p, ul, "sources.html", "Sources");
	footer_link(p, ul, "review.ics", "Review dates (calendar)");
}

void htmlpage_render(xsltTransformContextPtr ctxt, const htmlbody_fns *fns,
    xmlNodePtr root, xmlNodePtr parent)
{
	page p;
	xmlNodePtr html, body, e;
	char *title, *today;

	memset(&p, 0, sizeof p);
	p.ctxt = ctxt;
	p.fns = fns;
	p.out = ctxt->output;
	p.doc = root;
	p.meta = xmlread_child(root, "meta");
	p.root = var(ctxt, "pc-root");
	p.site_title = var(ctxt, "site-title");
	p.lang = var(ctxt, "lang");
	p.logo = var(ctxt, "logo");
	p.pdfs = var(ctxt, "pdfs");
	p.pdf_pages = var(ctxt, "pdf-pages");
	p.pdf_kb = var(ctxt, "pdf-kb");
	today = var(ctxt, "today");
	p.today_ok = chars(today) == 10;
	ymd(today, &p.ty, &p.tm, &p.td);
	free(today);
	p.org = xmlread_child(xmlread_child(root, "project"), "organisation");
	title = nsv(xmlread_child(p.meta, "title"));

	/* layout.xsl's template "page", with document.xsl's parameters */
	html = el(&p, parent, "html");
	at(html, "lang", p.lang);
	page_head(&p, html, title);
	body = el(&p, html, "body");
	e = el_text(&p, body, "a", "skip-link", "Skip to main content");
	at(e, "href", "#main-content");
	site_header(&p, body);
	site_main(&p, body);
	site_footer(&p, body);
	e = el(&p, body, "script");
	at3(e, "src", p.root, "page.js", "");

	free(title);
	free(p.root);
	free(p.site_title);
	free(p.lang);
	free(p.logo);
	free(p.pdfs);
	free(p.pdf_pages);
	free(p.pdf_kb);
}

int htmlpage_known(xmlNodePtr root)
{
	xmlNodePtr c;
	int bodies = 0;

	if (!xmlread_is(root, "document"))
		return 0;
	for (c = root->children; c; c = c->next) {
		if (xmlread_is(c, "changes") || (xmlread_is(c, "body") && bodies++))
			return 0;
		if (xmlread_is(c, "body") && !htmlbody_known(c))
			return 0;
		if (xmlread_is(c, "footnotes") && !htmlbody_footnotes_known(c))
			return 0;
	}
	return 1;
}
