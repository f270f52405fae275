/*
 * xmlbody.c — a document's body as XML: the cmark-gfm tree (after the
 * link and glossary passes annotated it) becomes blocks and inlines, with
 * headings opening nested <section>s and footnotes gathered at the end.
 * Part of the XML writer (xmlout.c writes the rest of each document and
 * the corpus); it runs in the parallel document pass, before the cmark
 * trees are dropped, and reads only the tree and what earlier passes
 * judged (link_info, assets.c's published images).
 *
 * What never reaches the XML: HTML comments (they are never content), a
 * live link or term inside a link (HTML forbids nested links), and a
 * refused URL (link/@kind="unsafe" has no href).  Nesting past
 * XMLOUT_MAX_DEPTH is written as plain text, so the writer's recursion
 * is bounded whatever tree it is given.
 */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>

#include "assets.h"
#include "glossary.h"
#include "util.h"
#include "xmlbody.h"
#include "overlay.h"
#include "profile.h"
#include "url.h"
#include "xmlnode.h"

/* Nesting the writer follows before it flattens what lies deeper into
 * plain text: the load bounds nesting with a diagnostic, this keeps the
 * writer's own recursion bounded whatever tree it is handed. */
#define XMLOUT_MAX_DEPTH 100

typedef struct {
	const corpus *c;
	const document *d;
	int allow_html;
	size_t next_heading;
	int depth;            /* blocks_xml/inlines_xml nesting */
	int in_link;          /* inside a link or image: no link or term
	                         may open here (HTML forbids nested links) */
	/* footnote labels in order of first reference */
	char **fn_labels;
	size_t nfn;
	/* glossary entries the document's <terms> list carries, with their
	 * definitions: a use of one is a reference, not a second copy */
	unsigned char *listed;
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

/* The overlay map of the document being written (one document per
 * thread at a time): line attributes count the lines of the file that
 * holds the text — the core file, or the overlay inside <local>. */
static _Thread_local const overlay_map *cur_overlay;

static void
set_line(xmlNodePtr x, cmark_node *n)
{
	int line = cmark_node_get_start_line(n);
	if (cur_overlay) {
		const char *file;
		overlay_origin_of(cur_overlay, line, &file, &line);
	}
	set_attr_int(x, "line", line);
}

/* ---- raw HTML: comments are never content ---- */

static int
is_comment(const char *s)
{
	return s && !strncmp(s, "<!--", 4);
}

/* Raw HTML with every comment taken out (newly allocated), or NULL when
 * nothing but white space remains.  An unclosed comment runs to the end,
 * as it does in a browser. */
static char *
strip_comments(const char *s)
{
	const char *p = s, *open, *rest;
	buf b;

	buf_init(&b);
	while ((open = strstr(p, "<!--")) != NULL) {
		buf_putn(&b, p, (size_t)(open - p));
		/* "<!-->" and "<!--->" close at once (HTML's abrupt close) */
		rest = open[4] == '>' ? open + 2 : open[4] == '-' &&
		    open[5] == '>' ? open + 3 : strstr(open + 4, "-->");
		if (!rest) {
			p = open + strlen(open);
			break;
		}
		p = rest + 3;
	}
	buf_puts(&b, p);
	if (!b.len || strspn(b.data, " \t\r\n") == b.len) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Past XMLOUT_MAX_DEPTH: the nodes from first on as their text. */
static void
flat_xml(xmlNodePtr parent, cmark_node *first)
{
	cmark_node *n;
	buf b;

	buf_init(&b);
	for (n = first; n; n = cmark_node_next(n)) {
		const char *lit = cmark_node_get_literal(n);
		if (cmark_node_first_child(n))
			document_plain_text(n, &b, ' ');
		else if (lit && !is_comment(lit))
			buf_puts(&b, lit);
		if (b.len && b.data[b.len - 1] != ' ')
			buf_putc(&b, ' ');
	}
	add_text(parent, b.data);
	buf_free(&b);
}

/* A link that the link pass did not see: classify by its form only,
 * with the one URL policy (url.c) deciding "unsafe" as it does in the
 * link pass.  Returns 0 when the URL is refused (no href is written). */
static int
raw_link_kind(const char *url, xmlNodePtr x)
{
	const char *p = url;
	if (!url_is_safe(url, URL_LINK)) {
		set_attr(x, "kind", "unsafe");
		return 0;
	}
	while (*p && (((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (*p == ':' && p != url)
		set_attr(x, "kind", "external");
	else if (url[0] == '#' && url[1]) {
		set_attr(x, "kind", "anchor");
		set_attr(x, "anchor", url + 1);
	} else
		set_attr(x, "kind", "asset");
	return 1;
}

static void
link_xml(walk *w, xmlNodePtr parent, cmark_node *n)
{
	link_info *li = cmark_node_get_user_data(n);
	const char *url = cmark_node_get_url(n);
	const char *title = cmark_node_get_title(n);
	xmlNodePtr x;
	int safe = 1;

	if (!url)
		url = "";
	if (w->in_link) {
		/* a link or term inside a link (the linker never makes one;
		 * this writer does not trust that): its text only */
		inlines_xml(w, parent, cmark_node_first_child(n));
		return;
	}
	if (li && li->kind == LINK_TERM && li->term_slug) {
		long e;
		x = child(parent, "term");
		set_attr(x, "ref", li->term_slug);
		if (!li->from_source)
			set_attr(x, "auto", "true");
		e = xmlout_term_entry(w->c, li->term_slug);
		if (e >= 0 && !(w->listed && w->listed[e]))
			set_attr(x, "title", xmlout_term_title(w->c, (size_t)e));
		w->in_link++;
		inlines_xml(w, x, cmark_node_first_child(n));
		w->in_link--;
		return;
	}
	x = child(parent, "link");
	if (!li || li->kind == LINK_UNRESOLVED)
		safe = raw_link_kind(url, x);
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
		case LINK_ASSET: {
			/* a file published for download (assets.c), or, when
			 * it was refused there, text */
			const char *published = NULL;
			enum assets_state st = li->file ?
			    assets_lookup_role(w->c, li->file, 1, &published) :
			    ASSETS_UNKNOWN;
			if (st == ASSETS_REFUSED) {
				set_attr(x, "kind", "unsafe");
				safe = 0;
				break;
			}
			set_attr(x, "kind", "asset");
			if (st == ASSETS_PUBLISHED)
				set_attr(x, "asset", published);
			break;
		}
		case LINK_PLACEHOLDER: set_attr(x, "kind", "placeholder"); break;
		case LINK_UNSAFE: set_attr(x, "kind", "unsafe"); break;
		default: set_attr(x, "kind", "broken"); break;
		}
	/* a refused URL is not written at all: no back end can make it
	 * live by mistake */
	if (safe && (!li || li->kind != LINK_UNSAFE))
		set_attr(x, "href", li && li->href ? li->href : url);
	if (title && *title)
		set_attr(x, "title", title);
	w->in_link++;
	inlines_xml(w, x, cmark_node_first_child(n));
	w->in_link--;
}

/* image/@kind: asset (judged and published by assets.c), external,
 * unsafe (refused by the URL policy or by assets.c) or missing; only an
 * asset or an external image has a source. */
static void
image_xml(walk *w, xmlNodePtr parent, cmark_node *n)
{
	link_info *li = cmark_node_get_user_data(n);
	const char *url = cmark_node_get_url(n);
	const char *title = cmark_node_get_title(n), *published = NULL;
	enum assets_state st = li && li->kind == LINK_ASSET ?
	    assets_lookup(w->c, li->file, &published) : ASSETS_UNKNOWN;
	xmlNodePtr x = child(parent, "image");
	buf alt;

	if (!li || li->kind == LINK_UNRESOLVED) {
		/* no link pass ran: as written, if the URL policy allows */
		if (url && url_is_safe(url, URL_IMAGE)) {
			set_attr(x, "kind", "external");
			set_attr(x, "src", url);
		} else
			set_attr(x, "kind", "unsafe");
	} else if (li->kind == LINK_EXTERNAL) {
		set_attr(x, "kind", "external");
		set_attr(x, "src", li->href ? li->href : url ? url : "");
	} else if (st == ASSETS_PUBLISHED) {
		set_attr(x, "kind", "asset");
		set_attr(x, "file", li->file);
		set_attr(x, "asset", published);
	} else if (li->kind == LINK_UNSAFE || st == ASSETS_REFUSED)
		set_attr(x, "kind", "unsafe");
	else
		set_attr(x, "kind", "missing");
	if (title && *title)
		set_attr(x, "title", title);
	buf_init(&alt);
	document_plain_text(n, &alt, '\n');
	set_attr(x, "alt", alt.data ? alt.data : "");
	buf_free(&alt);
	w->in_link++;
	inlines_xml(w, x, cmark_node_first_child(n));
	w->in_link--;
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
		if (is_comment(cmark_node_get_literal(n)))
			return;  /* a comment is never content */
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
	case CMARK_NODE_IMAGE:
		image_xml(w, parent, n);
		return;
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
	if (w->depth >= XMLOUT_MAX_DEPTH) {
		flat_xml(parent, first);
		return;
	}
	w->depth++;
	for (n = first; n; n = cmark_node_next(n))
		inline_xml(w, parent, n);
	w->depth--;
}

static void
blocks_xml(walk *w, xmlNodePtr parent, cmark_node *first)
{
	cmark_node *n;
	if (w->depth >= XMLOUT_MAX_DEPTH) {
		if (first)
			flat_xml(child(parent, "para"), first);
		return;
	}
	w->depth++;
	for (n = first; n; n = cmark_node_next(n))
		block_xml(w, parent, n);
	w->depth--;
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
	case CMARK_NODE_HTML_BLOCK: {
		/* comments are never content: a block of comments is left
		 * out, and the rest of a block keeps its other HTML */
		const char *lit = cmark_node_get_literal(n);
		char *kept = lit && strstr(lit, "<!--") ? strip_comments(lit) :
		    xstrdup(lit ? lit : "");
		if (!kept)
			return;
		x = text_child(parent, "htmlblock", kept);
		free(kept);
		set_line(x, n);
		set_attr(x, "allowed", w->allow_html ? "true" : "false");
		return;
	}
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

/* An edition's local text (an overlay block): <local> holds its blocks
 * and the sections it opens (extends.c, overlay.c). */
static xmlNodePtr
local_xml(walk *w, xmlNodePtr parent, int chunk)
{
	const overlay_map *m = w->d->overlay;
	const overlay_chunk *c = &m->chunks[chunk];
	static const char *const how[] = { "after", "before", "replace",
	    "append" };
	xmlNodePtr l = child(parent, "local");

	set_attr(l, "edition", m->edition);
	set_attr(l, "file", m->overlay_path);
	set_attr_int(l, "line", c->marker_line ? c->marker_line : c->first);
	set_attr(l, "how", how[c->how]);
	if (c->anchor && c->how != OV_APPEND)
		set_attr(l, "anchor", c->anchor);
	return l;
}

/* The blocks parent gained after `last` (NULL: all its children), when
 * n stands in an audience block the edition keeps: audience="..." on
 * each, so a pack with its own include: {audience:} can leave them out
 * (the PDF, pdf/pdfprofile.c). */
static void
mark_audience(const walk *w, xmlNodePtr parent, xmlNodePtr last,
    cmark_node *n)
{
	const profile_block *b = profile_block_at(w->d->profiled,
	    w->d->nprofiled, cmark_node_get_start_line(n));
	xmlNodePtr x;

	if (!b)
		return;
	for (x = last ? last->next : parent->children; x; x = x->next)
		if (x->type == XML_ELEMENT_NODE)
			set_attr(x, "audience", b->audience);
}

/* Top level: headings open nested sections; a run of local text opens a
 * <local> whose sections close with it. */
static void
body_xml(walk *w, xmlNodePtr body)
{
	xmlNodePtr stack[8], local = NULL;
	int levels[8], depth = 0, floor = 0, run = -1;
	cmark_node *n;

	for (n = cmark_node_first_child(w->d->root); n; n = cmark_node_next(n)) {
		xmlNodePtr parent;
		int ch = run;
		if (n == w->d->title_node) {
			heading_slug(w, n);  /* keep the heading order in step */
			continue;
		}
		if (cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
			ch = overlay_chunk_at(w->d->overlay,
			    cmark_node_get_start_line(n));
		if (ch != run) {
			if (run >= 0)
				depth = floor;
			local = NULL;
			floor = 0;
			run = ch;
			if (ch >= 0) {
				if (cmark_node_get_type(n) == CMARK_NODE_HEADING)
					while (depth > 0 && levels[depth - 1] >=
					    cmark_node_get_heading_level(n))
						depth--;
				local = local_xml(w, depth ? stack[depth - 1] : body,
				    ch);
				floor = depth;
			}
		}
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(n);
			const char *slug;
			xmlNodePtr s;
			while (depth > floor && levels[depth - 1] >= level)
				depth--;
			parent = depth > floor ? stack[depth - 1] :
			    local ? local : depth ? stack[depth - 1] : body;
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
			mark_audience(w, parent, s->prev, n);
			block_xml(w, s, n);
			stack[depth] = s;
			levels[depth] = level;
			depth++;
			continue;
		}
		parent = depth > floor ? stack[depth - 1] :
		    local ? local : depth ? stack[depth - 1] : body;
		{
			xmlNodePtr last = parent->last;
			block_xml(w, parent, n);
			mark_audience(w, parent, last, n);
		}
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

/* Which glossary entries the document's <terms> list will hold (the
 * terms it uses, as xmlout's terms_xml lists them, each with its
 * definition): a term written in the body refers to its entry there
 * instead of copying the definition into every use.  NULL when there is
 * no glossary. */
static unsigned char *
listed_terms(const corpus *c, const document *d)
{
	size_t n = c->glossary ? glossary_count(c->glossary) : 0, i;
	unsigned char *listed;

	if (n == 0)
		return NULL;
	listed = xcalloc(n, 1);
	for (i = 0; i < d->nterms; i++) {
		long e = xmlout_term_entry(c, d->terms[i].term_slug);
		if (e >= 0)
			listed[e] = 1;
	}
	return listed;
}

void
xmlbody_write(const corpus *c, const document *d, xmlNodePtr doc,
    xmlNodePtr body)
{
	walk w;
	size_t k;

	if (!d->root)
		return;
	memset(&w, 0, sizeof w);
	w.c = c;
	w.d = d;
	w.allow_html = c->project->allow_html;
	w.listed = listed_terms(c, d);
	cur_overlay = d->overlay;
	collect_footnotes(&w);
	body_xml(&w, body);
	footnotes_xml(&w, doc);
	cur_overlay = NULL;
	for (k = 0; k < w.nfn; k++)
		free(w.fn_labels[k]);
	free(w.fn_labels);
	free(w.listed);
}

/* Appends the blocks of Markdown text (a glossary definition). */
void
xmlbody_markdown(const corpus *c, xmlNodePtr parent, const char *md)
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
