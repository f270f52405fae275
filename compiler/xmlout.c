/*
 * xmlout.c — the document model as libxml2 trees (docs/xml-format.md,
 * templates/xml/policy.rng).  One tree per document: project branding,
 * typed metadata with the computed review state, the cmark tree as blocks
 * and inlines with headings nested into sections, footnotes, related and
 * referenced-by lists, the terms used and the document's diagnostics.  One
 * tree for the corpus: every document's metadata, the glossary with its
 * uses, the graph, the resolved packs and every diagnostic.  The back ends
 * read these trees in memory; nothing re-parses text.
 *
 * Text going into the tree passes through clean(): XML 1.0 forbids most
 * control characters (converted PDFs carry form feeds), and libxml2 would
 * write them as-is, making the file unreadable.
 */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>

#include "date.h"
#include "glossary.h"
#include "util.h"
#include "xmlout.h"

#define X(s) ((const xmlChar *)(s))

/* ---- text hygiene ---- */

static int
xml_char_ok(unsigned char c)
{
	return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

/* Returns s, or a newly allocated copy without characters XML 1.0
 * forbids (then *owned = 1). */
static const char *
clean(const char *s, int *owned)
{
	const unsigned char *p;
	buf b;

	*owned = 0;
	if (!s)
		return "";
	for (p = (const unsigned char *)s; *p; p++)
		if (!xml_char_ok(*p) || (p[0] == 0xef && p[1] == 0xbf &&
		    (p[2] == 0xbe || p[2] == 0xbf)))
			break;
	if (!*p)
		return s;
	buf_init(&b);
	for (p = (const unsigned char *)s; *p; p++) {
		if (!xml_char_ok(*p)) {
			buf_putc(&b, ' ');
			continue;
		}
		if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
			p += 2;  /* U+FFFE / U+FFFF are not characters */
			continue;
		}
		buf_putc(&b, (char)*p);
	}
	*owned = 1;
	return buf_detach(&b);
}

static void
add_text(xmlNodePtr parent, const char *s)
{
	int owned;
	const char *c;
	if (!s || !*s)
		return;
	c = clean(s, &owned);
	xmlAddChild(parent, xmlNewText(X(c)));
	if (owned)
		free((char *)c);
}

static void
set_attr(xmlNodePtr n, const char *name, const char *value)
{
	int owned;
	const char *c = clean(value, &owned);
	xmlSetProp(n, X(name), X(c));
	if (owned)
		free((char *)c);
}

static void
set_attr_int(xmlNodePtr n, const char *name, long v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%ld", v);
	xmlSetProp(n, X(name), X(tmp));
}

static xmlNodePtr
child(xmlNodePtr parent, const char *name)
{
	return xmlNewChild(parent, NULL, X(name), NULL);
}

static xmlNodePtr
text_child(xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n = child(parent, name);
	add_text(n, text);
	return n;
}

/* ---- prepared data shared by every document ---- */

typedef struct {
	char **plain_defs;     /* glossary definitions as plain text */
	int due_soon_days;
} prepared;

static char *
plain_markdown(const char *md)
{
	/* Definitions are short Markdown; for title= tooltips keep the text,
	 * drop the markup characters and fold white space. */
	buf b;
	const char *p;
	int space = 0;

	buf_init(&b);
	for (p = md ? md : ""; *p; p++) {
		if (*p == '*' || *p == '_' || *p == '`' || *p == '#')
			continue;
		if (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r') {
			space = 1;
			continue;
		}
		if (space && b.len)
			buf_putc(&b, ' ');
		space = 0;
		buf_putc(&b, *p);
	}
	return buf_detach(&b);
}

static prepared *
prepare(const corpus *c)
{
	/* Called from xmlout_corpus, which build.c runs before the parallel
	 * document pass; documents built without it prepare on demand
	 * (single-threaded callers only). */
	corpus *mc = (corpus *)c;
	prepared *pr;
	size_t i, n;
	yval *s;

	if (c->xml_cache)
		return c->xml_cache;
	pr = xcalloc(1, sizeof *pr);
	n = c->glossary ? glossary_count(c->glossary) : 0;
	pr->plain_defs = xcalloc(n + 1, sizeof *pr->plain_defs);
	for (i = 0; i < n; i++)
		pr->plain_defs[i] = plain_markdown(glossary_at(c->glossary, i)->definition);
	pr->due_soon_days = 60;
	s = project_rule_settings(c->project, "review-due-soon");
	if (s && yval_get(s, "days") && yval_get(s, "days")->kind == YV_NUM)
		pr->due_soon_days = (int)yval_get(s, "days")->num;
	mc->xml_cache = pr;
	return pr;
}

void
xmlout_release(corpus *c)
{
	prepared *pr = c->xml_cache;
	size_t i, n;
	if (!pr)
		return;
	n = c->glossary ? glossary_count(c->glossary) : 0;
	for (i = 0; i < n; i++)
		free(pr->plain_defs[i]);
	free(pr->plain_defs);
	free(pr);
	c->xml_cache = NULL;
}

/* ---- project and metadata ---- */

static void
project_xml(xmlNodePtr parent, const project *p)
{
	xmlNodePtr pr = child(parent, "project"), org;
	static const char *const fields[] = {
		"name", "address", "phone", "registration", "charity", "logo", NULL
	};
	const char *const *f;
	yval *colours;

	text_child(pr, "title", p->title);
	if (p->base_url)
		text_child(pr, "base-url", p->base_url);
	if (!p->organisation)
		return;
	org = child(pr, "organisation");
	for (f = fields; *f; f++) {
		const char *v = yval_str(yval_get(p->organisation, *f));
		if (v && *v)
			text_child(org, *f, v);
	}
	colours = yval_get(p->organisation, "colours");
	if (colours && colours->kind == YV_MAP) {
		size_t i;
		for (i = 0; i < colours->n; i++) {
			const char *v = yval_str(colours->items[i]);
			if (v) {
				xmlNodePtr cn = text_child(org, "colour", v);
				set_attr(cn, "name", colours->keys[i]);
			}
		}
	}
}

/* Review state as the site and PDF show it: meta_judge computed it; here
 * only its XML words (MERGE: the contract's words are
 * meta_review_state_name's — ok, skipped — once the templates follow)
 * and the signed day count (days left, negative when overdue). */
static const char *
review_state(const document *d, long *days)
{
	*days = d->review_state == REVIEW_OVERDUE ? -d->review_days :
	    d->review_days;
	switch (d->review_state) {
	case REVIEW_OVERDUE: return "overdue";
	case REVIEW_DUE_SOON: return "due-soon";
	case REVIEW_OK: return "current";
	case REVIEW_NONE: case REVIEW_SKIPPED: break;
	}
	return "none";
}

static void value_xml(xmlNodePtr parent, const yval *v);

static void
field_xml(xmlNodePtr parent, const char *key, const yval *v)
{
	xmlNodePtr f = child(parent, "field");
	set_attr(f, "key", key);
	value_xml(f, v);
}

static void
value_xml(xmlNodePtr parent, const yval *v)
{
	size_t i;
	xmlNodePtr n;
	switch (v->kind) {
	case YV_NULL: child(parent, "null"); break;
	case YV_STR: text_child(parent, "string", v->str); break;
	case YV_NUM: text_child(parent, "number", v->str); break;
	case YV_BOOL: text_child(parent, "bool", v->boolean ? "true" : "false"); break;
	case YV_LIST:
		n = child(parent, "list");
		for (i = 0; i < v->n; i++)
			value_xml(n, v->items[i]);
		break;
	case YV_MAP:
		n = child(parent, "map");
		for (i = 0; i < v->n; i++)
			field_xml(n, v->keys[i], v->items[i]);
		break;
	}
}

static void
string_items(xmlNodePtr parent, char *const *v, size_t n, const char *name)
{
	size_t i;
	for (i = 0; i < n; i++)
		text_child(parent, name, v[i]);
}

static void
amendments_xml(xmlNodePtr parent, const document *d)
{
	size_t i;
	for (i = 0; i < d->namendments; i++) {
		xmlNodePtr n = child(parent, "amendment");
		if (d->amendments[i].date)
			set_attr(n, "date", d->amendments[i].date);
		add_text(n, d->amendments[i].summary);
	}
}

static void
history_xml(xmlNodePtr parent, const document *d)
{
	size_t i;
	for (i = 0; i < d->nhistory; i++) {
		const meta_history *h = &d->history[i];
		xmlNodePtr n = child(parent, "entry");
		if (h->version)
			set_attr(n, "version", h->version);
		if (h->date)
			set_attr(n, "date", h->date);
		if (h->by)
			set_attr(n, "by", h->by);
		add_text(n, h->note);
	}
}

static void
meta_xml(xmlNodePtr parent, const corpus *c, const document *d)
{
	xmlNodePtr m = child(parent, "meta"), n;
	const char *v;
	long days;
	const char *state;
	size_t i;

	text_child(m, "title", d->title);
	text_child(m, "type", d->type);
	text_child(m, "status", d->status);
	if (d->owner)
		text_child(m, "owner", d->owner);
	if (d->version)
		text_child(m, "version", d->version);
	if (d->approved)
		text_child(m, "approved", d->approved);
	if (d->approved_by)
		text_child(m, "approved-by", d->approved_by);
	n = child(m, "review");
	state = review_state(d, &days);
	if (d->review) {
		set_attr(n, "due", d->review);
		set_attr_int(n, "days", days);
	}
	set_attr(n, "state", state);
	if ((v = d->superseded_by) != NULL) {
		long t = corpus_resolve_name(c, v, NULL);
		n = child(m, "superseded-by");
		set_attr(n, "ref", t >= 0 ? c->docs[t]->id : v);
		if (t >= 0)
			set_attr(n, "title", c->docs[t]->title);
	}
	string_items(child(m, "tags"), d->tags, d->ntags, "tag");
	string_items(child(m, "audience"), d->audience, d->naudience, "item");
	amendments_xml(child(m, "amendments"), d);
	history_xml(child(m, "history"), d);
	for (i = 0; i < d->nextra; i++)
		field_xml(m, d->extra[i].key, d->extra[i].value);
}

/* ---- body ---- */

typedef struct {
	const corpus *c;
	const document *d;
	int allow_html;
	size_t next_heading;
	/* footnote labels in order of first reference */
	char **fn_labels;
	size_t nfn;
} walk;

static const char *
type_string(cmark_node *n)
{
	return cmark_node_get_type_string(n);
}

static const char *
heading_slug(walk *w, cmark_node *n)
{
	size_t i;
	const document *d = w->d;
	for (i = w->next_heading; i < d->nheadings; i++)
		if (d->headings[i].node == n) {
			w->next_heading = i + 1;
			return d->headings[i].slug;
		}
	for (i = 0; i < d->nheadings; i++)
		if (d->headings[i].node == n)
			return d->headings[i].slug;
	return NULL;
}

/*
 * cmark-gfm numbers footnotes itself: after parsing, a reference's literal
 * is its number ("1", "2" …) and the referenced definitions sit at the
 * end of the document in that order (unreferenced ones are dropped), each
 * with its label as literal.  So reference n has the n-th label.
 */
/* cmark-gfm 0.29 does not give a definition's label through its API;
 * read it from the source at the definition's position ("[^label]:").
 * Without source (glossary definitions) the number stands in. */
static char *
footnote_label(const document *d, cmark_node *def, long num)
{
	int line = cmark_node_get_start_line(def);
	int col = cmark_node_get_start_column(def);
	const char *p = d->source, *end;
	int l;

	if (p && line > 0 && col > 0) {
		for (l = 1; l < line && *p; p++)
			if (*p == '\n')
				l++;
		/* the body starts after the front matter and a BOM, which
		 * only shifts line 1; search the line for the opener */
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		p = memchr(p, '[', (size_t)(end - p));
		if (p && p[1] == '^') {
			const char *close = memchr(p + 2, ']', (size_t)(end - p - 2));
			if (close && close > p + 2)
				return xstrndup(p + 2, (size_t)(close - p - 2));
		}
	}
	return xasprintf("%ld", num);
}

static void
collect_footnotes(walk *w)
{
	cmark_node *n;
	for (n = cmark_node_first_child(w->d->root); n; n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
			continue;
		w->fn_labels = xrealloc(w->fn_labels,
		    (w->nfn + 1) * sizeof *w->fn_labels);
		w->fn_labels[w->nfn] = footnote_label(w->d, n, (long)w->nfn + 1);
		w->nfn++;
	}
}

static void inlines_xml(walk *w, xmlNodePtr parent, cmark_node *first);
static void block_xml(walk *w, xmlNodePtr parent, cmark_node *n);

static void
set_line(xmlNodePtr x, cmark_node *n)
{
	set_attr_int(x, "line", cmark_node_get_start_line(n));
}

/* A link that the link pass did not see (policyc render): classify by
 * its form only. */
static void
raw_link_kind(const char *url, xmlNodePtr x)
{
	const char *p = url;
	while (*p && (((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (*p == ':' && p != url)
		set_attr(x, "kind", "external");
	else if (url[0] == '#' && url[1]) {
		set_attr(x, "kind", "anchor");
		set_attr(x, "anchor", url + 1);
	} else
		set_attr(x, "kind", "asset");
}

static void
link_xml(walk *w, xmlNodePtr parent, cmark_node *n)
{
	link_info *li = cmark_node_get_user_data(n);
	const char *url = cmark_node_get_url(n);
	const char *title = cmark_node_get_title(n);
	xmlNodePtr x;

	if (!url)
		url = "";
	if (li && li->kind == LINK_TERM && li->term_slug) {
		long e;
		x = child(parent, "term");
		set_attr(x, "ref", li->term_slug);
		if (!li->from_source)
			set_attr(x, "auto", "true");
		e = w->c->glossary ? glossary_lookup(w->c->glossary, li->term_slug) : -1;
		if (e >= 0)
			set_attr(x, "title", prepare(w->c)->plain_defs[e]);
		inlines_xml(w, x, cmark_node_first_child(n));
		return;
	}
	x = child(parent, "link");
	if (!li || li->kind == LINK_UNRESOLVED)
		raw_link_kind(url, x);
	else
		switch (li->kind) {
		case LINK_EXTERNAL: set_attr(x, "kind", "external"); break;
		case LINK_DOCUMENT:
			set_attr(x, "kind", "doc");
			set_attr(x, "ref", li->target_id ? li->target_id : "");
			if (li->anchor && *li->anchor)
				set_attr(x, "anchor", li->anchor);
			break;
		case LINK_ANCHOR:
			set_attr(x, "kind", "anchor");
			set_attr(x, "anchor", li->anchor ? li->anchor : "");
			break;
		case LINK_ASSET: set_attr(x, "kind", "asset"); break;
		case LINK_PLACEHOLDER: set_attr(x, "kind", "placeholder"); break;
		default: set_attr(x, "kind", "broken"); break;
		}
	set_attr(x, "href", li && li->href ? li->href : url);
	if (title && *title)
		set_attr(x, "title", title);
	inlines_xml(w, x, cmark_node_first_child(n));
}

static void
inline_xml(walk *w, xmlNodePtr parent, cmark_node *n)
{
	const char *ts;
	xmlNodePtr x;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
		add_text(parent, cmark_node_get_literal(n));
		return;
	case CMARK_NODE_SOFTBREAK:
		child(parent, "softbreak");
		return;
	case CMARK_NODE_LINEBREAK:
		child(parent, "br");
		return;
	case CMARK_NODE_CODE:
		text_child(parent, "code", cmark_node_get_literal(n));
		return;
	case CMARK_NODE_HTML_INLINE:
		x = text_child(parent, "html", cmark_node_get_literal(n));
		set_attr(x, "allowed", w->allow_html ? "true" : "false");
		return;
	case CMARK_NODE_EMPH:
		inlines_xml(w, child(parent, "emph"), cmark_node_first_child(n));
		return;
	case CMARK_NODE_STRONG:
		inlines_xml(w, child(parent, "strong"), cmark_node_first_child(n));
		return;
	case CMARK_NODE_LINK:
		link_xml(w, parent, n);
		return;
	case CMARK_NODE_IMAGE: {
		buf alt;
		const char *title = cmark_node_get_title(n);
		x = child(parent, "image");
		set_attr(x, "src", cmark_node_get_url(n) ? cmark_node_get_url(n) : "");
		if (title && *title)
			set_attr(x, "title", title);
		buf_init(&alt);
		document_plain_text(n, &alt, '\n');
		set_attr(x, "alt", alt.data ? alt.data : "");
		buf_free(&alt);
		inlines_xml(w, x, cmark_node_first_child(n));
		return;
	}
	case CMARK_NODE_FOOTNOTE_REFERENCE: {
		const char *lit = cmark_node_get_literal(n);
		long num = lit ? atol(lit) : 0;
		if (num < 1 || (size_t)num > w->nfn) {
			/* not a numbered reference: keep its text */
			add_text(parent, lit);
			return;
		}
		x = child(parent, "footnote-ref");
		set_attr(x, "label", w->fn_labels[num - 1]);
		set_attr_int(x, "n", num);
		return;
	}
	default:
		break;
	}
	ts = type_string(n);
	if (ts && !strcmp(ts, "strikethrough")) {
		inlines_xml(w, child(parent, "strike"), cmark_node_first_child(n));
		return;
	}
	/* an inline we do not know: keep its content */
	inlines_xml(w, parent, cmark_node_first_child(n));
}

static void
inlines_xml(walk *w, xmlNodePtr parent, cmark_node *first)
{
	cmark_node *n;
	for (n = first; n; n = cmark_node_next(n))
		inline_xml(w, parent, n);
}

static void
blocks_xml(walk *w, xmlNodePtr parent, cmark_node *first)
{
	cmark_node *n;
	for (n = first; n; n = cmark_node_next(n))
		block_xml(w, parent, n);
}

static void
table_xml(walk *w, xmlNodePtr parent, cmark_node *n)
{
	xmlNodePtr t = child(parent, "table");
	uint8_t *aligns = cmark_gfm_extensions_get_table_alignments(n);
	cmark_node *row, *cell;

	set_line(t, n);
	for (row = cmark_node_first_child(n); row; row = cmark_node_next(row)) {
		xmlNodePtr r = child(t, "row");
		int col = 0;
		if (cmark_gfm_extensions_get_table_row_is_header(row))
			set_attr(r, "header", "true");
		for (cell = cmark_node_first_child(row); cell;
		    cell = cmark_node_next(cell), col++) {
			xmlNodePtr cx = child(r, "cell");
			if (aligns) {
				switch (aligns[col]) {
				case 'l': set_attr(cx, "align", "left"); break;
				case 'c': set_attr(cx, "align", "center"); break;
				case 'r': set_attr(cx, "align", "right"); break;
				default: break;
				}
			}
			inlines_xml(w, cx, cmark_node_first_child(cell));
		}
	}
}

static void
block_xml(walk *w, xmlNodePtr parent, cmark_node *n)
{
	xmlNodePtr x;
	const char *ts, *info;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_PARAGRAPH:
		x = child(parent, "para");
		set_line(x, n);
		inlines_xml(w, x, cmark_node_first_child(n));
		return;
	case CMARK_NODE_HEADING: {
		const char *slug = heading_slug(w, n);
		x = child(parent, "heading");
		set_attr_int(x, "level", cmark_node_get_heading_level(n));
		if (slug)
			set_attr(x, "id", slug);
		set_line(x, n);
		inlines_xml(w, x, cmark_node_first_child(n));
		return;
	}
	case CMARK_NODE_BLOCK_QUOTE:
		x = child(parent, "blockquote");
		set_line(x, n);
		blocks_xml(w, x, cmark_node_first_child(n));
		return;
	case CMARK_NODE_LIST: {
		int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		cmark_node *item;
		x = child(parent, "list");
		set_attr(x, "type", ordered ? "ordered" : "bullet");
		if (ordered) {
			set_attr_int(x, "start", cmark_node_get_list_start(n));
			set_attr(x, "delim", cmark_node_get_list_delim(n) ==
			    CMARK_PAREN_DELIM ? "paren" : "period");
		}
		set_attr(x, "tight", cmark_node_get_list_tight(n) ? "true" : "false");
		set_line(x, n);
		for (item = cmark_node_first_child(n); item;
		    item = cmark_node_next(item)) {
			xmlNodePtr ix = child(x, "item");
			const char *its = type_string(item);
			set_line(ix, item);
			if (its && !strcmp(its, "tasklist"))
				set_attr(ix, "task",
				    cmark_gfm_extensions_get_tasklist_item_checked(item) ?
				    "checked" : "unchecked");
			blocks_xml(w, ix, cmark_node_first_child(item));
		}
		return;
	}
	case CMARK_NODE_CODE_BLOCK:
		x = text_child(parent, "codeblock", cmark_node_get_literal(n));
		info = cmark_node_get_fence_info(n);
		if (info && *info)
			set_attr(x, "info", info);
		set_line(x, n);
		return;
	case CMARK_NODE_HTML_BLOCK:
		x = text_child(parent, "htmlblock", cmark_node_get_literal(n));
		set_line(x, n);
		set_attr(x, "allowed", w->allow_html ? "true" : "false");
		return;
	case CMARK_NODE_THEMATIC_BREAK:
		x = child(parent, "rule");
		set_line(x, n);
		return;
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		return;  /* written in <footnotes> */
	default:
		break;
	}
	ts = type_string(n);
	if (ts && !strcmp(ts, "table")) {
		table_xml(w, parent, n);
		return;
	}
	/* a block we do not know: keep its children */
	blocks_xml(w, parent, cmark_node_first_child(n));
}

/* Top level: headings open nested sections. */
static void
body_xml(walk *w, xmlNodePtr body)
{
	xmlNodePtr stack[8];
	int levels[8], depth = 0;
	cmark_node *n;

	for (n = cmark_node_first_child(w->d->root); n; n = cmark_node_next(n)) {
		xmlNodePtr parent;
		if (n == w->d->title_node) {
			heading_slug(w, n);  /* keep the heading order in step */
			continue;
		}
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(n);
			const char *slug;
			xmlNodePtr s;
			while (depth > 0 && levels[depth - 1] >= level)
				depth--;
			parent = depth ? stack[depth - 1] : body;
			s = child(parent, "section");
			/* heading_slug is consumed by block_xml below */
			slug = NULL;
			{
				size_t i;
				for (i = w->next_heading; i < w->d->nheadings; i++)
					if (w->d->headings[i].node == n) {
						slug = w->d->headings[i].slug;
						break;
					}
			}
			set_attr(s, "id", slug ? slug : "");
			set_attr_int(s, "level", level);
			set_line(s, n);
			block_xml(w, s, n);
			stack[depth] = s;
			levels[depth] = level;
			depth++;
			continue;
		}
		parent = depth ? stack[depth - 1] : body;
		block_xml(w, parent, n);
	}
}

static void
footnotes_xml(walk *w, xmlNodePtr doc)
{
	cmark_node *n;
	xmlNodePtr fns = NULL;
	long num = 0;

	for (n = cmark_node_first_child(w->d->root); n; n = cmark_node_next(n)) {
		xmlNodePtr f;
		if (cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
			continue;
		num++;
		if (!fns)
			fns = child(doc, "footnotes");
		f = child(fns, "footnote");
		set_attr(f, "label", w->fn_labels[num - 1]);
		set_attr_int(f, "n", num);
		set_line(f, n);
		blocks_xml(w, f, cmark_node_first_child(n));
	}
}

/* ---- graph lists ---- */

/* Whether document index k is among the first n of list (the lists are a
 * document's own edges: a handful, so a scan beats a corpus-sized map). */
static int
listed(const size_t *list, size_t n, size_t k)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (list[i] == k)
			return 1;
	return 0;
}

static void
ref_xml(xmlNodePtr parent, const corpus *c, size_t k, const char *note,
    const char *direction)
{
	xmlNodePtr r = child(parent, "ref");
	set_attr(r, "ref", c->docs[k]->id);
	set_attr(r, "title", c->docs[k]->title);
	if (note)
		set_attr(r, "note", note);
	if (direction)
		set_attr(r, "direction", direction);
}

static void
related_xml(xmlNodePtr doc, const corpus *c, size_t i)
{
	xmlNodePtr rel = child(doc, "related"), refby;
	size_t k, j, nout = 0, nin = 0, cap;
	size_t *seen;

	cap = c->out_off ? (c->out_off[i + 1] - c->out_off[i]) +
	    (c->in_off[i + 1] - c->in_off[i]) + 1 : 1;
	seen = xcalloc(cap, sizeof *seen);
	if (c->out_off) {
		for (k = c->out_off[i]; k < c->out_off[i + 1]; k++) {
			const edge *e = &c->edges[c->out_idx[k]];
			if (e->kind != EDGE_RELATED || e->to == i ||
			    listed(seen, nout, e->to))
				continue;
			seen[nout++] = e->to;
			ref_xml(rel, c, e->to, e->note, "out");
		}
		for (k = c->in_off[i]; k < c->in_off[i + 1]; k++) {
			const edge *e = &c->edges[c->in_idx[k]];
			if (e->kind != EDGE_RELATED || e->from == i ||
			    listed(seen, nout, e->from))
				continue;
			seen[nout++] = e->from;
			ref_xml(rel, c, e->from, e->note, "in");
		}
	}
	for (j = 0; j < c->nurls; j++)
		if (c->urls[j].doc == i) {
			xmlNodePtr x = child(rel, "external");
			set_attr(x, "href", c->urls[j].href);
			if (c->urls[j].title)
				set_attr(x, "title", c->urls[j].title);
		}
	refby = child(doc, "referenced-by");
	if (c->in_off)
		for (k = c->in_off[i]; k < c->in_off[i + 1]; k++) {
			const edge *e = &c->edges[c->in_idx[k]];
			if (e->kind != EDGE_LINK || e->from == i ||
			    listed(seen + nout, nin, e->from))
				continue;
			seen[nout + nin++] = e->from;
			ref_xml(refby, c, e->from, NULL, NULL);
		}
	free(seen);
}

static void
terms_xml(xmlNodePtr doc, const corpus *c, const document *d)
{
	xmlNodePtr terms = child(doc, "terms");
	size_t n = c->glossary ? glossary_count(c->glossary) : 0;
	size_t *counts, i;
	prepared *pr = prepare(c);

	if (!n)
		return;
	counts = xcalloc(n, sizeof *counts);
	for (i = 0; i < d->nterms; i++) {
		long e = glossary_lookup(c->glossary, d->terms[i].term_slug);
		if (e >= 0)
			counts[e]++;
	}
	for (i = 0; i < n; i++) {
		const glossary_entry *g;
		xmlNodePtr t;
		if (!counts[i])
			continue;
		g = glossary_at(c->glossary, i);
		t = child(terms, "term");
		set_attr(t, "ref", g->slug);
		set_attr(t, "name", g->term);
		if (g->abbr)
			set_attr(t, "abbr", g->abbr);
		set_attr_int(t, "count", (long)counts[i]);
		text_child(t, "definition", pr->plain_defs[i]);
	}
	free(counts);
}

static void
diagnostics_xml(xmlNodePtr parent, diag_set *ds, const char *file,
    int with_file)
{
	xmlNodePtr dx = child(parent, "diagnostics");
	size_t i, first, end;

	if (!ds)
		return;
	if (file)
		diag_file_range(ds, file, &first, &end);
	else {
		first = 0;
		end = diag_count(ds);
	}
	for (i = first; i < end; i++) {
		const diagnostic *g = diag_at(ds, i);
		xmlNodePtr x = text_child(dx, "diagnostic", g->message);
		set_attr(x, "severity", diag_severity_name(g->sev));
		set_attr(x, "rule", g->rule);
		if (with_file)
			set_attr(x, "file", g->file);
		set_attr_int(x, "line", g->line);
		set_attr_int(x, "column", g->col);
	}
}

static char *
root_path(const char *id)
{
	buf b;
	const char *p;
	buf_init(&b);
	for (p = id; *p; p++)
		if (*p == '/')
			buf_puts(&b, "../");
	return buf_detach(&b);
}

xmlDocPtr
xmlout_document(const corpus *c, size_t i, diag_set *ds)
{
	const document *d = c->docs[i];
	xmlDocPtr doc = xmlNewDoc(X("1.0"));
	xmlNodePtr root = xmlNewNode(NULL, X("document")), body;
	walk w;
	char *rp = root_path(d->id);
	size_t k;

	xmlDocSetRootElement(doc, root);
	set_attr(root, "id", d->id);
	set_attr(root, "path", d->path);
	set_attr(root, "section", d->section);
	set_attr(root, "lang", c->project->language);
	set_attr(root, "root", rp);
	set_attr(root, "today", c->today);
	free(rp);
	project_xml(root, c->project);
	meta_xml(root, c, d);

	memset(&w, 0, sizeof w);
	w.c = c;
	w.d = d;
	w.allow_html = c->project->allow_html;
	body = child(root, "body");
	if (d->root)
		collect_footnotes(&w);
	if (d->root)
		body_xml(&w, body);
	if (d->root)
		footnotes_xml(&w, root);
	for (k = 0; k < w.nfn; k++)
		free(w.fn_labels[k]);
	free(w.fn_labels);

	related_xml(root, c, i);
	terms_xml(root, c, d);
	diagnostics_xml(root, ds, d->path, 0);
	return doc;
}

/* ---- the corpus ---- */

static int
list_has(char **list, size_t n, const char *s)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s && !strcmp(list[i], s))
			return 1;
	return 0;
}

static int
doc_has_tag(const document *d, char **tags, size_t n)
{
	size_t i;
	for (i = 0; i < d->ntags && n; i++)
		if (list_has(tags, n, d->tags[i]))
			return 1;
	return 0;
}

static int
doc_in_folders(const document *d, char **folders, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		size_t l = strlen(folders[i]);
		while (l && folders[i][l - 1] == '/')
			l--;
		if (!strncmp(d->id, folders[i], l) && d->id[l] == '/')
			return 1;
	}
	return 0;
}

static void
packs_xml(xmlNodePtr root, const corpus *c, diag_set *ds)
{
	xmlNodePtr packs = child(root, "packs");
	const project *p = c->project;
	size_t k, i;

	for (k = 0; k < p->npacks; k++) {
		const pack *pk = &p->packs[k];
		xmlNodePtr x = child(packs, "pack");
		char *in = xcalloc(c->ndocs + 1, 1);
		int any_rule = pk->ntypes || pk->ntags || pk->nfolders;

		set_attr(x, "id", pk->id);
		set_attr(x, "title", pk->title);
		set_attr(x, "cover", pk->cover ? "true" : "false");
		set_attr(x, "glossary", pk->glossary ? "true" : "false");
		/* named documents first, in the order given */
		for (i = 0; i < pk->nids; i++) {
			char *cands = NULL;
			long t = corpus_resolve_name(c, pk->ids[i], &cands);
			if (t < 0) {
				if (ds)
					diag_report(ds, "config-invalid", "policyc.yaml",
					    pk->line, 0, "pack '%s' names '%s', %s%s",
					    pk->id, pk->ids[i], t == -2 ?
					    "which matches several documents: " :
					    "which is no document", cands ? cands : "");
			} else if (!in[t]) {
				xmlNodePtr inc = child(x, "include");
				set_attr(inc, "ref", c->docs[t]->id);
				in[t] = 1;
			}
			free(cands);
		}
		if (any_rule)
			for (i = 0; i < c->ndocs; i++) {
				const document *d = c->docs[i];
				int match = list_has(pk->types, pk->ntypes, d->type) ||
				    doc_has_tag(d, pk->tags, pk->ntags) ||
				    doc_in_folders(d, pk->folders, pk->nfolders);
				if (match && !in[i] &&
				    d->status_kind != STATUS_WITHDRAWN &&
				    d->status_kind != STATUS_SUPERSEDED) {
					xmlNodePtr inc = child(x, "include");
					set_attr(inc, "ref", d->id);
					in[i] = 1;
				}
			}
		free(in);
	}
}

/* Appends the blocks of Markdown text (a glossary definition). */
static void
markdown_blocks(const corpus *c, xmlNodePtr parent, const char *md)
{
	cmark_node *root = cmark_parse_document(md ? md : "", md ? strlen(md) : 0,
	    CMARK_OPT_DEFAULT);
	document tmp;
	walk w;
	size_t k;

	memset(&tmp, 0, sizeof tmp);
	tmp.root = root;
	memset(&w, 0, sizeof w);
	w.c = c;
	w.d = &tmp;
	w.allow_html = 0;
	blocks_xml(&w, parent, cmark_node_first_child(root));
	for (k = 0; k < w.nfn; k++)
		free(w.fn_labels[k]);
	free(w.fn_labels);
	cmark_node_free(root);
}

static void
glossary_xml(xmlNodePtr root, const corpus *c)
{
	xmlNodePtr gx = child(root, "glossary");
	size_t n = c->glossary ? glossary_count(c->glossary) : 0;
	size_t i, j, k;
	size_t *count, *line;
	xmlNodePtr *uses_of;

	if (!n)
		return;
	uses_of = xcalloc(n, sizeof *uses_of);
	count = xcalloc(n, sizeof *count);
	line = xcalloc(n, sizeof *line);
	for (i = 0; i < n; i++) {
		const glossary_entry *g = glossary_at(c->glossary, i);
		xmlNodePtr e = child(gx, "entry"), uses, src;
		set_attr(e, "id", g->slug);
		set_attr_int(e, "line", g->line);
		text_child(e, "name", g->term);
		if (g->abbr)
			text_child(e, "abbr", g->abbr);
		for (j = 0; j < g->naliases; j++)
			text_child(e, "alias", g->aliases[j]);
		markdown_blocks(c, child(e, "definition"), g->definition);
		if (g->source && *g->source) {
			long t = corpus_resolve_name(c, g->source, NULL);
			src = child(e, "source");
			if (t >= 0) {
				set_attr(src, "ref", c->docs[t]->id);
				set_attr(src, "title", c->docs[t]->title);
			} else
				set_attr(src, "href", g->source);
		}
		for (j = 0; j < g->nsee; j++) {
			long t = glossary_lookup(c->glossary, g->see[j]);
			xmlNodePtr s = child(e, "see");
			set_attr(s, "ref", t >= 0 ? glossary_at(c->glossary, t)->slug :
			    g->see[j]);
			set_attr(s, "name", t >= 0 ? glossary_at(c->glossary, t)->term :
			    g->see[j]);
		}
		uses = child(e, "uses");
		uses_of[i] = uses;
	}
	/* uses: per document, count and first line of each term */
	for (k = 0; k < c->ndocs; k++) {
		const document *d = c->docs[k];
		memset(count, 0, n * sizeof *count);
		for (i = 0; i < d->nterms; i++) {
			long e = glossary_lookup(c->glossary, d->terms[i].term_slug);
			if (e < 0)
				continue;
			if (!count[e]++ || (size_t)d->terms[i].line < line[e])
				line[e] = (size_t)d->terms[i].line;
		}
		for (i = 0; i < n; i++) {
			xmlNodePtr u;
			if (!count[i])
				continue;
			u = child(uses_of[i], "use");
			set_attr(u, "doc", d->id);
			set_attr(u, "title", d->title);
			set_attr_int(u, "count", (long)count[i]);
			set_attr_int(u, "line", (long)line[i]);
		}
	}
	free(count);
	free(line);
	free(uses_of);
}

xmlDocPtr
xmlout_corpus(const corpus *c, diag_set *ds)
{
	xmlDocPtr doc = xmlNewDoc(X("1.0"));
	xmlNodePtr root = xmlNewNode(NULL, X("corpus")), docs, graph;
	size_t i;

	prepare(c);
	xmlDocSetRootElement(doc, root);
	set_attr(root, "lang", c->project->language);
	set_attr(root, "today", c->today);
	project_xml(root, c->project);
	docs = child(root, "documents");
	for (i = 0; i < c->ndocs; i++) {
		const document *d = c->docs[i];
		xmlNodePtr x = child(docs, "doc");
		long days;
		const char *state = review_state(d, &days);
		set_attr(x, "id", d->id);
		set_attr(x, "path", d->path);
		set_attr(x, "section", d->section);
		set_attr(x, "title", d->title);
		set_attr(x, "type", d->type);
		set_attr(x, "status", d->status);
		if (d->owner)
			set_attr(x, "owner", d->owner);
		if (d->version)
			set_attr(x, "version", d->version);
		if (d->approved)
			set_attr(x, "approved", d->approved);
		if (d->review) {
			set_attr(x, "review", d->review);
			set_attr_int(x, "days", days);
		}
		set_attr(x, "review-state", state);
		amendments_xml(x, d);
		string_items(x, d->tags, d->ntags, "tag");
	}
	glossary_xml(root, c);
	graph = child(root, "graph");
	for (i = 0; i < c->nedges; i++) {
		const edge *e = &c->edges[i];
		static const char *const kinds[] = { "related", "link", "superseded-by" };
		xmlNodePtr x = child(graph, "edge");
		set_attr(x, "from", c->docs[e->from]->id);
		set_attr(x, "to", c->docs[e->to]->id);
		set_attr(x, "kind", kinds[e->kind]);
		if (e->note)
			set_attr(x, "note", e->note);
	}
	packs_xml(root, c, ds);
	if (ds)
		diag_sort(ds);
	diagnostics_xml(root, ds, NULL, 1);
	return doc;
}
