/*
 * importdocx.c — WordprocessingML (.docx) into the block model of
 * import.h, for `policyc import`.  Reads word/document.xml with its
 * relationships (hyperlink targets, images), styles.xml (which paragraph
 * styles are headings or the title), numbering.xml (bullet or numbered,
 * start values and restarts) and footnotes.xml, all through libxml2 with
 * no network and no entity expansion.  Merged table cells are flattened:
 * a horizontal span repeats nothing and leaves the cells it covers
 * empty, a vertical merge leaves the continued cells empty.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "import.h"
#include "strtab.h"
#include "xmlread.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define A_NS "http://schemas.openxmlformats.org/drawingml/2006/main"
#define WP_NS "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define V_NS "urn:schemas-microsoft-com:vml"
#define MAXLVL 9

typedef struct {
	char *id, *target, *type;
	int external;
} rel;

typedef struct {
	rel *r;
	size_t n;
	strtab *ix;      /* id -> index in r */
} rels;

typedef struct {
	char *id;
	int heading;     /* 1..9, 0 none */
	int title;
	int bold, italic;
	int toc;         /* "toc 1"…: an entry of Word's table of contents */
	char *num_id;    /* numbering the style carries (List Bullet…) */
	int num_lvl;
} style;

typedef struct {
	char *id;
	int ordered[MAXLVL], start[MAXLVL];
	int count[MAXLVL];   /* the list's counters, shared by its w:nums */
	int started, list_id;
} absnum;

typedef struct {
	char *id;
	int abs;         /* index into absnums, -1 none */
	int override[MAXLVL];  /* start override, -1 none */
	int started;
} num;

/* Styles, numberings, relationships and footnotes are found by id
 * through a strtab: each run, list item, link or note reference looks
 * one up, and a scan of the list for each made a file of thousands of
 * styles and of runs take minutes (a 146 KB .docx: 13 s). */
typedef struct {
	importzip *z;
	imp_doc *d;
	rels doc_rels, note_rels, *cur_rels;
	style *st;
	size_t nst;
	strtab *st_ix;   /* style id -> index in st */
	absnum *an;
	size_t nan;
	num *nm;
	size_t nnm;
	strtab *nm_ix;   /* numId -> index in nm */
	xmlDocPtr notes;
	xmlNodePtr *note_nodes;  /* footnotes.xml's w:footnote elements, */
	strtab *note_ix;         /* by w:id (made when first needed) */
	strtab *note_seen; /* w:id -> its index in d->notes */
	int next_list;
	/* the paragraph being read */
	int links_nowhere, in_note;
	int toc_entries;
	size_t target_bytes;  /* relationship targets written so far */
	int targets_dropped;  /* and links whose target did not fit */
	char *base;      /* folder of the main part, "word/" */
	char *err;
} ctx;

/* w:val of a child element, or NULL. */
static char *
child_val(xmlNodePtr n, const char *name)
{
	xmlNodePtr c = xmlread_child_ns(n, W_NS, name);
	return c ? xmlread_attr_ns(c, W_NS, "val") : NULL;
}

/* An on/off property (<w:b/>, <w:b w:val="0"/>): -1 absent. */
static int
onoff(xmlNodePtr pr, const char *name)
{
	xmlNodePtr c = xmlread_child_ns(pr, W_NS, name);
	char *v;
	int on;
	if (!c)
		return -1;
	v = xmlread_attr_ns(c, W_NS, "val");
	on = !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "off") == 0 || strcmp(v, "none") == 0);
	free(v);
	return on;
}

static xmlDocPtr
parse_part(ctx *c, const char *name, int required)
{
	size_t len;
	char *err = NULL, *data = importzip_read(c->z, name, &len, &err);
	xmlDocPtr doc;

	if (!data) {
		if (err || required) {
			free(c->err);
			c->err = err ? err : xasprintf("%s is missing: not a "
			    "Word document", name);
		}
		return NULL;
	}
	doc = imp_parse_xml(data, len, name, &err);
	free(data);
	if (!doc && (required || !c->err)) {
		free(c->err);
		c->err = err;
	} else
		free(err);
	return doc;
}

static void
load_rels(ctx *c, const char *name, rels *out)
{
	xmlDocPtr doc = parse_part(c, name, 0);
	xmlNodePtr n;

	if (!doc)
		return;
	for (n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		char *mode;
		rel *r;
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "Relationship"))
			continue;
		out->r = xrealloc(out->r, (out->n + 1) * sizeof *out->r);
		r = &out->r[out->n++];
		r->id = xmlread_attr_ns(n, NULL, "Id");
		if (!r->id) {
			xmlChar *v = xmlGetProp(n, (const xmlChar *)"Id");
			r->id = xstrdup(v ? (const char *)v : "");
			xmlFree(v);
		}
		{
			xmlChar *v = xmlGetProp(n, (const xmlChar *)"Target");
			r->target = xstrdup(v ? (const char *)v : "");
			xmlFree(v);
			v = xmlGetProp(n, (const xmlChar *)"Type");
			r->type = xstrdup(v ? (const char *)v : "");
			xmlFree(v);
			v = xmlGetProp(n, (const xmlChar *)"TargetMode");
			mode = v ? xstrdup((const char *)v) : NULL;
			xmlFree(v);
		}
		r->external = mode && !strcmp(mode, "External");
		free(mode);
	}
	xmlFreeDoc(doc);
	out->ix = strtab_new(out->n);
	for (size_t i = 0; i < out->n; i++)
		strtab_put(out->ix, out->r[i].id, (long)i);   /* first wins */
}

/* The part a relationship of the main document names, by the end of its
 * type ("/styles"), as a path in the archive; else the usual name. */
static char *
part_of(const ctx *c, const char *type_end, const char *usual)
{
	size_t i, n = strlen(type_end);
	for (i = 0; i < c->doc_rels.n; i++) {
		const rel *r = &c->doc_rels.r[i];
		size_t tl = strlen(r->type);
		if (!r->external && tl >= n && !strcmp(r->type + tl - n, type_end))
			return r->target[0] == '/' ? xstrdup(r->target + 1) :
			    xasprintf("%s%s", c->base, r->target);
	}
	return xstrdup(usual);
}

static const rel *
find_rel(const rels *rs, const char *id)
{
	long k = id && rs ? strtab_get(rs->ix, id) : -1;
	return k >= 0 ? &rs->r[k] : NULL;
}

static void
free_rels(rels *rs)
{
	size_t i;
	for (i = 0; i < rs->n; i++) {
		free(rs->r[i].id);
		free(rs->r[i].target);
		free(rs->r[i].type);
	}
	free(rs->r);
	strtab_free(rs->ix);
}

/* Which styles are headings or the title: by name ("heading 2",
 * "Title"), by id ("Heading2") or by outline level; and the bold or
 * italic a character style such as "Strong" carries. */
static void
load_styles(ctx *c)
{
	char *part = part_of(c, "/styles", "word/styles.xml");
	xmlDocPtr doc = parse_part(c, part, 0);
	xmlNodePtr n;

	free(part);
	if (!doc) {
		buf_puts(&c->d->report, "no styles (word/styles.xml): "
		    "headings only from bold numbered lines\n");
		return;
	}
	for (n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		style *s;
		char *name, *ol;
		if (!xmlread_is_ns(n, W_NS, "style"))
			continue;
		c->st = xrealloc(c->st, (c->nst + 1) * sizeof *c->st);
		s = &c->st[c->nst++];
		memset(s, 0, sizeof *s);
		s->id = xmlread_attr_ns(n, W_NS, "styleId");
		if (!s->id)
			s->id = xstrdup("");
		name = child_val(n, "name");
		ol = child_val(xmlread_child_ns(n, W_NS, "pPr"), "outlineLvl");
		if (name && !strncasecmp(name, "heading ", 8) &&
		    isdigit((unsigned char)name[8]))
			s->heading = name[8] - '0';
		else if (!strncasecmp(s->id, "Heading", 7) &&
		    isdigit((unsigned char)s->id[7]) && !s->id[8])
			s->heading = s->id[7] - '0';
		else if (ol && isdigit((unsigned char)ol[0]) && ol[0] < '9')
			s->heading = ol[0] - '0' + 1;
		if ((name && !strcasecmp(name, "Title")) ||
		    !strcmp(s->id, "Title"))
			s->title = 1, s->heading = 0;
		s->toc = name && !strncasecmp(name, "toc ", 4);
		{
			xmlNodePtr np = xmlread_child_ns(xmlread_child_ns(n, W_NS, "pPr"), W_NS, "numPr");
			char *lv = child_val(np, "ilvl");
			s->num_id = child_val(np, "numId");
			s->num_lvl = lv ? atoi(lv) : 0;
			free(lv);
		}
		s->bold = onoff(xmlread_child_ns(n, W_NS, "rPr"), "b") == 1 ||
		    (name && !strcasecmp(name, "Strong"));
		s->italic = onoff(xmlread_child_ns(n, W_NS, "rPr"), "i") == 1 ||
		    (name && !strcasecmp(name, "Emphasis"));
		free(name);
		free(ol);
	}
	xmlFreeDoc(doc);
	c->st_ix = strtab_new(c->nst);
	for (size_t i = 0; i < c->nst; i++)
		strtab_put(c->st_ix, c->st[i].id, (long)i);   /* first wins */
}

static const style *
find_style(ctx *c, const char *id)
{
	long k = id ? strtab_get(c->st_ix, id) : -1;
	/* no styles.xml: the built-in ids still mean what they say */
	return k >= 0 ? &c->st[k] : NULL;
}

static int
builtin_heading(const char *id, int *title)
{
	*title = id && !strcmp(id, "Title");
	if (id && !strncasecmp(id, "Heading", 7) &&
	    isdigit((unsigned char)id[7]) && !id[8])
		return id[7] - '0';
	return 0;
}

static void
load_numbering(ctx *c)
{
	char *name = part_of(c, "/numbering", "word/numbering.xml");
	xmlDocPtr doc = parse_part(c, name, 0);
	xmlNodePtr n, l;
	size_t i;
	strtab *an_ix;

	free(name);
	if (!doc)
		return;
	for (n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		if (xmlread_is_ns(n, W_NS, "abstractNum")) {
			absnum *a;
			c->an = xrealloc(c->an, (c->nan + 1) * sizeof *c->an);
			a = &c->an[c->nan++];
			memset(a, 0, sizeof *a);
			a->id = xmlread_attr_ns(n, W_NS, "abstractNumId");
			for (i = 0; i < MAXLVL; i++)
				a->start[i] = 1;
			for (l = n->children; l; l = l->next) {
				char *il, *fmt, *st;
				int k;
				if (!xmlread_is_ns(l, W_NS, "lvl"))
					continue;
				il = xmlread_attr_ns(l, W_NS, "ilvl");
				k = il ? atoi(il) : -1;
				free(il);
				if (k < 0 || k >= MAXLVL)
					continue;
				fmt = child_val(l, "numFmt");
				st = child_val(l, "start");
				a->ordered[k] = fmt && strcmp(fmt, "bullet") &&
				    strcmp(fmt, "none");
				if (st)
					a->start[k] = imp_list_number(st);
				free(fmt);
				free(st);
			}
		}
	}
	an_ix = strtab_new(c->nan);
	for (i = 0; i < c->nan; i++)
		if (c->an[i].id)
			strtab_set(an_ix, c->an[i].id, (long)i);   /* last wins */
	for (n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		num *m;
		char *aid;
		if (!xmlread_is_ns(n, W_NS, "num"))
			continue;
		c->nm = xrealloc(c->nm, (c->nnm + 1) * sizeof *c->nm);
		m = &c->nm[c->nnm++];
		memset(m, 0, sizeof *m);
		m->id = xmlread_attr_ns(n, W_NS, "numId");
		m->abs = -1;
		aid = child_val(n, "abstractNumId");
		if (aid)
			m->abs = (int)strtab_get(an_ix, aid);
		free(aid);
		for (i = 0; i < MAXLVL; i++)
			m->override[i] = -1;
		for (l = n->children; l; l = l->next) {
			char *il, *so;
			int k;
			if (!xmlread_is_ns(l, W_NS, "lvlOverride"))
				continue;
			il = xmlread_attr_ns(l, W_NS, "ilvl");
			k = il ? atoi(il) : -1;
			so = child_val(l, "startOverride");
			if (k >= 0 && k < MAXLVL && so)
				m->override[k] = imp_list_number(so);
			free(il);
			free(so);
		}
	}
	strtab_free(an_ix);
	xmlFreeDoc(doc);
	c->nm_ix = strtab_new(c->nnm);
	for (i = 0; i < c->nnm; i++)
		if (c->nm[i].id)
			strtab_put(c->nm_ix, c->nm[i].id, (long)i);   /* first wins */
}

static num *
find_num(ctx *c, const char *id)
{
	long k = id ? strtab_get(c->nm_ix, id) : -1;
	return k >= 0 ? &c->nm[k] : NULL;
}

static void inline_children(ctx *c, xmlNodePtr n, imp_inline *il, int bold,
    int italic);

/* A link target as Markdown: spaces, brackets and controls
 * percent-encoded, so no target can end the link or the line early. */
char *
imp_md_target(const char *t)
{
	buf b;
	buf_init(&b);
	for (; *t; t++) {
		unsigned char ch = (unsigned char)*t;
		if (ch <= 0x20 || ch == 0x7f || strchr("()<>\\`", ch))
			buf_printf(&b, "%%%02X", ch);
		else
			buf_putc(&b, (char)ch);
	}
	return buf_detach(&b);
}

/* Whether the target of a relationship, n bytes, may be written once
 * more.  Every reference copies it, so a few kilobytes of references to
 * one long address would make gigabytes of Markdown: together the
 * copies may take MAX_TARGET_BYTES (a real document's thousand links
 * take a few hundred kilobytes), and what is past that is counted (said
 * in the report) and left out. */
#define MAX_TARGET_BYTES (8L << 20)

static int
target_fits(ctx *c, size_t n)
{
	if (c->target_bytes + n > (size_t)MAX_TARGET_BYTES) {
		c->targets_dropped++;
		return 0;
	}
	c->target_bytes += n;
	return 1;
}

static void
do_hyperlink(ctx *c, xmlNodePtr n, imp_inline *il, int bold, int italic)
{
	imp_inline sub;
	char *id = xmlread_attr_ns(n, R_NS, "id"), *anchor = xmlread_attr_ns(n, W_NS, "anchor");
	const rel *r = find_rel(c->cur_rels, id);
	int sbold;

	imp_inline_init(&sub);
	inline_children(c, n, &sub, bold, italic);
	imp_inline_flush(&sub);
	sbold = sub.any_text && !sub.any_plain;
	if (!sub.any_text) {
		/* a link with no text publishes nothing */
	} else if (r && *r->target && strcmp(r->target, "#") &&
	    !target_fits(c, strlen(r->target))) {
		imp_inline_raw(il, sub.md.data, sub.text.data, sbold);
	} else if (r && *r->target && strcmp(r->target, "#")) {
		char *t = imp_md_target(r->target), *md;
		md = xasprintf("[%s](%s)", sub.md.data, t);
		imp_inline_raw(il, md, sub.text.data, sbold);
		c->d->nlinks++;
		free(md);
		free(t);
	} else if (r || (!anchor && !r)) {
		/* a link to "#" or to nothing: a placeholder the glossary may
		 * resolve */
		char *md = xasprintf("[%s](#)", sub.md.data);
		imp_inline_raw(il, md, sub.text.data, sbold);
		c->d->nplaceholders++;
		c->links_nowhere++;
		free(md);
	} else {
		/* a bookmark inside the document: its text (a contents entry
		 * or a cross-reference whose target has no stable name) */
		imp_inline_raw(il, sub.md.data, sub.text.data, sbold);
		c->links_nowhere++;
	}
	imp_inline_free(&sub);
	free(id);
	free(anchor);
}

static void
do_image(ctx *c, xmlNodePtr n, imp_inline *il)
{
	xmlNodePtr p;
	char *rid = NULL, *alt = NULL;

	/* the blip (DrawingML) or the imagedata (VML) anywhere below, and
	 * the description of the drawing */
	for (p = n; p; ) {
		if (xmlread_is_ns(p, A_NS, "blip") && !rid)
			rid = xmlread_attr_ns(p, R_NS, "embed");
		else if (xmlread_is_ns(p, V_NS, "imagedata") && !rid)
			rid = xmlread_attr_ns(p, R_NS, "id");
		else if (xmlread_is_ns(p, WP_NS, "docPr") && !alt) {
			alt = xmlread_attr_ns(p, NULL, "descr");
			if (!alt || !*alt) {
				xmlChar *v = xmlGetProp(p, (const xmlChar *)"descr");
				free(alt);
				alt = v && *v ? xstrdup((const char *)v) : NULL;
				xmlFree(v);
			}
			if (!alt) {
				xmlChar *v = xmlGetProp(p, (const xmlChar *)"title");
				alt = v && *v ? xstrdup((const char *)v) : NULL;
				xmlFree(v);
			}
		}
		if (p->children && p->type == XML_ELEMENT_NODE)
			p = p->children;
		else {
			while (p && p != n && !p->next)
				p = p->parent;
			if (!p || p == n)
				break;
			p = p->next;
		}
	}
	{
		const rel *r = find_rel(c->cur_rels, rid);
		char *target = NULL, *md, *ealt;
		if (r && r->external) {
			if (target_fits(c, strlen(r->target)))
				target = imp_md_target(r->target);
		}
		else if (r) {
			char *part = r->target[0] == '/' ?
			    xstrdup(r->target + 1) :
			    xasprintf("%s%s", c->base, r->target);
			target = imp_image_part(c->d, c->z, part);
			free(part);
		}
		if (target) {
			if (!alt)
				buf_printf(&c->d->report, "an image has no "
				    "description: its alt text is \"Image\"; "
				    "write one\n");
			ealt = imp_escape(alt ? alt : "Image");
			md = xasprintf("![%s](%s)", ealt, target);
			imp_inline_raw(il, md, "", 1);
			free(md);
			free(ealt);
			free(target);
		}
	}
	free(rid);
	free(alt);
}

static char *note_text(ctx *c, const char *id);

static void
do_run(ctx *c, xmlNodePtr r, imp_inline *il, int bold, int italic)
{
	xmlNodePtr pr = xmlread_child_ns(r, W_NS, "rPr"), n;
	int b = onoff(pr, "b"), i = onoff(pr, "i");
	char *rs = child_val(pr, "rStyle");
	const style *s = find_style(c, rs);

	free(rs);
	if (s) {
		bold |= s->bold;
		italic |= s->italic;
	}
	if (b >= 0)
		bold = b;
	if (i >= 0)
		italic = i;
	for (n = r->children; n; n = n->next) {
		if (xmlread_is_ns(n, W_NS, "t")) {
			xmlChar *t = xmlNodeGetContent(n);
			imp_inline_text(il, t ? (const char *)t : "", bold, italic);
			xmlFree(t);
		} else if (xmlread_is_ns(n, W_NS, "tab") || xmlread_is_ns(n, W_NS, "br") ||
		    xmlread_is_ns(n, W_NS, "cr"))
			imp_inline_text(il, " ", bold, italic);
		else if (xmlread_is_ns(n, W_NS, "noBreakHyphen"))
			imp_inline_text(il, "-", bold, italic);
		else if (xmlread_is_ns(n, W_NS, "drawing") || xmlread_is_ns(n, W_NS, "pict") ||
		    (n->type == XML_ELEMENT_NODE &&
		    !strcmp((const char *)n->name, "AlternateContent")))
			/* mc:AlternateContent: Word's drawings with a fallback;
			 * the first picture found in it is the one */
			do_image(c, n, il);
		else if (xmlread_is_ns(n, W_NS, "footnoteReference") && !c->in_note) {
			char *id = xmlread_attr_ns(n, W_NS, "id");
			imp_doc *d = c->d;
			long seen = id ? strtab_get(c->note_seen, id) : -1;
			size_t k = seen >= 0 ? (size_t)seen : d->nnotes;
			char *text = NULL, *md;
			/* a note referenced again is the same [^k]: copying
			 * its text at every reference let a few kilobytes of
			 * references make gigabytes of one note */
			if (id && seen < 0 && (text = note_text(c, id)) != NULL) {
				d->notes = xrealloc(d->notes,
				    (d->nnotes + 1) * sizeof *d->notes);
				if (!c->note_seen)
					c->note_seen = strtab_new(64);
				strtab_put(c->note_seen, id, (long)d->nnotes);
				d->notes[d->nnotes++] = text;
			}
			if (id && k < d->nnotes) {
				md = xasprintf("[^%zu]", k + 1);
				imp_inline_raw(il, md, "", 1);
				free(md);
			}
			free(id);
		}
	}
}

static void
inline_children(ctx *c, xmlNodePtr n, imp_inline *il, int bold, int italic)
{
	for (n = n->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !n->ns)
			continue;
		if (xmlread_is_ns(n, W_NS, "r"))
			do_run(c, n, il, bold, italic);
		else if (xmlread_is_ns(n, W_NS, "hyperlink"))
			do_hyperlink(c, n, il, bold, italic);
		else if (xmlread_is_ns(n, W_NS, "pPr") || xmlread_is_ns(n, W_NS, "del") ||
		    xmlread_is_ns(n, W_NS, "moveFrom"))
			continue;
		else if (xmlread_is_ns(n, W_NS, "sdtPr"))
			continue;
		else
			/* ins, smartTag, fldSimple, sdt, sdtContent, customXml */
			inline_children(c, n, il, bold, italic);
	}
}

/* The text of footnote id, its paragraphs joined, as one Markdown line. */
static char *
note_text(ctx *c, const char *id)
{
	xmlNodePtr n, p;
	imp_inline il;
	char *out;

	long k;

	if (!c->notes || !id)
		return NULL;
	if (!c->note_ix) {
		size_t nn = 0;
		c->note_ix = strtab_new(64);
		for (n = xmlDocGetRootElement(c->notes)->children; n; n = n->next) {
			char *nid;
			if (!xmlread_is_ns(n, W_NS, "footnote"))
				continue;
			nid = xmlread_attr_ns(n, W_NS, "id");
			if (nid && strtab_put(c->note_ix, nid, (long)nn) == 0) {
				c->note_nodes = xrealloc(c->note_nodes,
				    (nn + 1) * sizeof *c->note_nodes);
				c->note_nodes[nn++] = n;
			}
			free(nid);
		}
	}
	if ((k = strtab_get(c->note_ix, id)) < 0)
		return NULL;
	n = c->note_nodes[k];
	imp_inline_init(&il);
	c->in_note = 1;
	c->cur_rels = &c->note_rels;
	for (p = n->children; p; p = p->next)
		if (xmlread_is_ns(p, W_NS, "p")) {
			if (il.md.len || il.run.len)
				imp_inline_text(&il, " ", 0, 0);
			inline_children(c, p, &il, 0, 0);
		}
	c->in_note = 0;
	c->cur_rels = &c->doc_rels;
	imp_inline_flush(&il);
	out = xstrdup(il.md.data ? il.md.data : "");
	imp_inline_free(&il);
	/* trim */
	{
		char *s = out, *e;
		while (*s == ' ')
			s++;
		memmove(out, s, strlen(s) + 1);
		e = out + strlen(out);
		while (e > out && e[-1] == ' ')
			*--e = '\0';
	}
	return out;
}

static char *
trimmed(const char *s)
{
	const char *e;
	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

static void
do_para(ctx *c, xmlNodePtr p)
{
	xmlNodePtr pr = xmlread_child_ns(p, W_NS, "pPr"), np;
	char *sid = child_val(pr, "pStyle");
	const style *s = find_style(c, sid);
	imp_inline il;
	imp_block *b;
	int heading = 0, title = 0;

	if (s) {
		heading = s->heading;
		title = s->title;
	} else
		heading = builtin_heading(sid, &title);
	free(sid);
	c->links_nowhere = 0;
	imp_inline_init(&il);
	inline_children(c, p, &il, s ? s->bold : 0, s ? s->italic : 0);
	imp_inline_flush(&il);
	np = xmlread_child_ns(pr, W_NS, "numPr");
	if (s && s->toc) {
		/* Word's own contents list: the site and PDF make their own */
		imp_inline_free(&il);
		c->toc_entries++;
		return;
	}
	if (heading || title)
		b = imp_add(c->d, IMP_HEADING), b->level = heading ? heading : 1;
	else if (np || (s && s->num_id)) {
		char *nid = np ? child_val(np, "numId") : NULL,
		    *il_s = np ? child_val(np, "ilvl") : NULL;
		if (!nid && s && s->num_id)
			nid = xstrdup(s->num_id);
		if (!il_s && s && s->num_id)
			il_s = xasprintf("%d", s->num_lvl);
		num *m = find_num(c, nid);
		int lv = il_s ? atoi(il_s) : 0, j;
		free(nid);
		free(il_s);
		if (lv < 0 || lv >= MAXLVL)
			lv = 0;
		if (m && m->abs >= 0) {
			absnum *a = &c->an[m->abs];
			b = imp_add(c->d, IMP_ITEM);
			b->level = lv;
			b->ordered = a->ordered[lv];
			/* Word's rule: every w:num of one abstractNum is one
			 * list, counting on, unless a w:num restarts a level
			 * with a startOverride the first time it is used */
			if (!m->started) {
				int restart = !a->started;
				m->started = 1;
				for (j = 0; j < MAXLVL; j++)
					restart |= m->override[j] >= 0;
				if (restart) {
					a->started = 1;
					a->list_id = ++c->next_list;
					for (j = 0; j < MAXLVL; j++)
						a->count[j] = (m->override[j] >= 0 ?
						    m->override[j] : a->start[j]) - 1;
				}
			}
			if (a->count[lv] < IMP_LIST_NUMBER_MAX)
				a->count[lv]++;
			for (j = lv + 1; j < MAXLVL; j++)
				a->count[j] = a->start[j] - 1;
			b->number = a->count[lv];
			b->list_id = a->list_id;
		} else
			b = imp_add(c->d, IMP_PARA);
	} else
		b = imp_add(c->d, IMP_PARA);
	b->title_style = title;
	b->md = trimmed(il.md.data ? il.md.data : "");
	b->text = trimmed(il.text.data ? il.text.data : "");
	b->all_bold = il.any_text && !il.any_plain;
	b->link_only = c->links_nowhere == 1 && b->text[0];
	imp_inline_free(&il);
}

/* All the text of a cell, its paragraphs joined by spaces. */
static void
cell_text(ctx *c, xmlNodePtr n, imp_inline *il)
{
	for (n = n->children; n; n = n->next) {
		if (xmlread_is_ns(n, W_NS, "p")) {
			if (il->text.len || il->run.len)
				imp_inline_text(il, " ", 0, 0);
			inline_children(c, n, il, 0, 0);
		} else if (n->type == XML_ELEMENT_NODE && !xmlread_is_ns(n, W_NS, "tcPr"))
			cell_text(c, n, il);
	}
}

static void
do_table(ctx *c, xmlNodePtr t)
{
	xmlNodePtr tr, tc;
	size_t nrows = 0, ncols = 0, r, k;
	char ***mdr = NULL, ***txr = NULL;
	size_t *lens = NULL;
	imp_block *b;
	int too_wide = 0;

	for (tr = t->children; tr; tr = tr->next) {
		size_t col = 0, cap = 0;
		char **md = NULL, **tx = NULL;
		char *gb;
		if (!xmlread_is_ns(tr, W_NS, "tr"))
			continue;
		gb = child_val(xmlread_child_ns(tr, W_NS, "trPr"), "gridBefore");
		for (k = gb ? (size_t)atoi(gb) : 0; k > 0 && k < 64; k--) {
			md = xrealloc(md, (col + 1) * sizeof *md);
			tx = xrealloc(tx, (col + 1) * sizeof *tx);
			md[col] = xstrdup("");
			tx[col++] = xstrdup("");
		}
		free(gb);
		for (tc = tr->children; tc; tc = tc->next) {
			xmlNodePtr pr, vm;
			char *span;
			int n = 1, cont = 0;
			imp_inline il;
			if (!xmlread_is_ns(tc, W_NS, "tc"))
				continue;
			pr = xmlread_child_ns(tc, W_NS, "tcPr");
			span = child_val(pr, "gridSpan");
			if (span)
				n = atoi(span);
			free(span);
			if (n < 1 || n > 64)
				n = 1;
			vm = xmlread_child_ns(pr, W_NS, "vMerge");
			if (vm) {
				char *v = xmlread_attr_ns(vm, W_NS, "val");
				cont = !v || strcmp(v, "restart");
				free(v);
			}
			imp_inline_init(&il);
			if (!cont)
				cell_text(c, tc, &il);
			imp_inline_flush(&il);
			(void)cap;
			md = xrealloc(md, (col + (size_t)n) * sizeof *md);
			tx = xrealloc(tx, (col + (size_t)n) * sizeof *tx);
			md[col] = trimmed(il.md.data ? il.md.data : "");
			tx[col++] = trimmed(il.text.data ? il.text.data : "");
			while (--n > 0) {
				md[col] = xstrdup("");
				tx[col++] = xstrdup("");
			}
			imp_inline_free(&il);
		}
		if (col > IMP_MAX_COLS) {
			for (k = IMP_MAX_COLS; k < col; k++) {
				free(md[k]);
				free(tx[k]);
			}
			col = IMP_MAX_COLS;
			too_wide = 1;
		}
		mdr = xrealloc(mdr, (nrows + 1) * sizeof *mdr);
		txr = xrealloc(txr, (nrows + 1) * sizeof *txr);
		lens = xrealloc(lens, (nrows + 1) * sizeof *lens);
		mdr[nrows] = md;
		txr[nrows] = tx;
		lens[nrows++] = col;
		if (col > ncols)
			ncols = col;
	}
	if (too_wide)
		buf_printf(&c->d->report, "a table wider than %d columns: the "
		    "cells past the %dth dropped\n", IMP_MAX_COLS, IMP_MAX_COLS);
	b = imp_add(c->d, IMP_TABLE);
	b->nrows = nrows;
	b->ncols = ncols;
	b->cells = xcalloc(nrows * ncols + 1, sizeof *b->cells);
	b->ctext = xcalloc(nrows * ncols + 1, sizeof *b->ctext);
	for (r = 0; r < nrows; r++) {
		for (k = 0; k < ncols; k++) {
			b->cells[r * ncols + k] = k < lens[r] ? mdr[r][k] :
			    xstrdup("");
			b->ctext[r * ncols + k] = k < lens[r] ? txr[r][k] :
			    xstrdup("");
		}
		free(mdr[r]);
		free(txr[r]);
	}
	free(mdr);
	free(txr);
	free(lens);
}

/* A Word contents control (a table of contents field in an sdt): the
 * site and PDF make their own. */
static int
is_toc_sdt(xmlNodePtr sdt)
{
	xmlNodePtr pr = xmlread_child_ns(sdt, W_NS, "sdtPr"),
	    dp = xmlread_child_ns(pr, W_NS, "docPartObj");
	char *g = child_val(dp, "docPartGallery");
	int toc = g && strstr(g, "Contents") != NULL;
	free(g);
	return toc;
}

static void
do_blocks(ctx *c, xmlNodePtr n)
{
	for (n = n->children; n; n = n->next) {
		if (xmlread_is_ns(n, W_NS, "p"))
			do_para(c, n);
		else if (xmlread_is_ns(n, W_NS, "tbl"))
			do_table(c, n);
		else if (xmlread_is_ns(n, W_NS, "sdt")) {
			if (is_toc_sdt(n)) {
				buf_puts(&c->d->report, "a Word table of "
				    "contents dropped (the site and PDF make "
				    "their own)\n");
				continue;
			}
			do_blocks(c, xmlread_child_ns(n, W_NS, "sdtContent"));
		} else if (n->type == XML_ELEMENT_NODE &&
		    (xmlread_is_ns(n, W_NS, "customXml") || xmlread_is_ns(n, W_NS, "ins")))
			do_blocks(c, n);
	}
}

int
importdocx_read(importzip *z, imp_doc *d, char **err)
{
	ctx c;
	xmlDocPtr doc;
	xmlNodePtr body;
	size_t i;

	memset(&c, 0, sizeof c);
	c.z = z;
	c.d = d;
	c.cur_rels = &c.doc_rels;
	/* the main part, as the package's relationships name it (Office
	 * sometimes writes word/document2.xml) */
	{
		rels top = { NULL, 0, NULL };
		char *main_part = NULL, *slash, *rels_name, *notes;
		load_rels(&c, "_rels/.rels", &top);
		for (i = 0; i < top.n && !main_part; i++)
			if (str_has_suffix(top.r[i].type, "/officeDocument") &&
			    !top.r[i].external)
				main_part = xstrdup(top.r[i].target +
				    (top.r[i].target[0] == '/'));
		free_rels(&top);
		free(c.err);
		c.err = NULL;
		if (!main_part)
			main_part = xstrdup("word/document.xml");
		slash = strrchr(main_part, '/');
		c.base = xstrndup(main_part, slash ? (size_t)(slash + 1 - main_part) : 0);
		doc = parse_part(&c, main_part, 1);
		if (!doc) {
			free(main_part);
			free(c.base);
			*err = c.err;
			return -1;
		}
		rels_name = xasprintf("%s_rels/%s.rels", c.base,
		    slash ? slash + 1 : main_part);
		load_rels(&c, rels_name, &c.doc_rels);
		free(rels_name);
		free(main_part);
		notes = part_of(&c, "/footnotes", "word/footnotes.xml");
		slash = strrchr(notes, '/');
		rels_name = slash ? xasprintf("%.*s_rels/%s.rels",
		    (int)(slash + 1 - notes), notes, slash + 1) :
		    xasprintf("_rels/%s.rels", notes);
		load_rels(&c, rels_name, &c.note_rels);
		free(rels_name);
		body = xmlread_child_ns(xmlDocGetRootElement(doc), W_NS, "body");
		if (!body) {
			xmlFreeDoc(doc);
			free(notes);
			free(c.base);
			free_rels(&c.doc_rels);
			free_rels(&c.note_rels);
			*err = xstrdup("the main part has no w:body: not a Word "
			    "document");
			return -1;
		}
		load_styles(&c);
		load_numbering(&c);
		c.notes = parse_part(&c, notes, 0);
		free(notes);
	}
	free(c.err);
	c.err = NULL;
	do_blocks(&c, body);
	if (c.toc_entries)
		buf_printf(&d->report, "Word's table of contents (%d entries) "
		    "dropped: the site and PDF make their own\n", c.toc_entries);
	if (c.targets_dropped)
		buf_printf(&d->report, "%d links written as their text: their "
		    "addresses, copied at every link, came to more than %ld MB "
		    "(external images among them are left out)\n",
		    c.targets_dropped, MAX_TARGET_BYTES >> 20);
	xmlFreeDoc(doc);
	if (c.notes)
		xmlFreeDoc(c.notes);
	free_rels(&c.doc_rels);
	free_rels(&c.note_rels);
	free(c.base);
	for (i = 0; i < c.nst; i++) {
		free(c.st[i].id);
		free(c.st[i].num_id);
	}
	free(c.st);
	for (i = 0; i < c.nan; i++)
		free(c.an[i].id);
	free(c.an);
	for (i = 0; i < c.nnm; i++)
		free(c.nm[i].id);
	free(c.nm);
	strtab_free(c.st_ix);
	strtab_free(c.nm_ix);
	strtab_free(c.note_ix);
	free(c.note_nodes);
	strtab_free(c.note_seen);
	return 0;
}
