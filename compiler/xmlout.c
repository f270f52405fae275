/*
 * xmlout.c — the document model as libxml2 trees (docs/xml-format.md,
 * templates/xml/policy.rng).  One tree per document: project branding,
 * typed metadata with the computed review state, the body, related and
 * referenced-by lists, the terms used and the document's diagnostics (the
 * body itself is xmlbody.c's).  One tree for the corpus: every document's
 * metadata, the glossary with its uses, the graph, the packs as packs.c
 * resolved them and every diagnostic.  The brand (colours, logo) is
 * written as brand.c judged it.  The back ends read these trees in
 * memory; nothing re-parses text.
 *
 * Text going into the tree passes through xmlnode_clean (xmlnode.h): XML
 * 1.0 forbids most control characters (converted PDFs carry form feeds),
 * and libxml2 would write them as-is, making the file unreadable.
 */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "escape.h"
#include "date.h"
#include "glossary.h"
#include "govern.h"
#include "strtab.h"
#include "util.h"
#include "xmlbody.h"
#include "xmldump.h"
#include "xmlnode.h"
#include "xmlread.h"
#include "xmlout.h"

/* ---- prepared data shared by every document ---- */

struct xmlout_cache {
	char **plain_defs;     /* glossary definitions as plain text */
	long *slug_entry;      /* glossary_lookup of each entry's own slug */
	int due_soon_days;
};
typedef struct xmlout_cache prepared;

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
		/* a backslash escape is the character itself (a variable's
		 * value put into a definition is escaped: document.c) */
		if (*p == '\\' && p[1] && strchr("\\`*_[]<>#&!", p[1]))
			p++;
		else if (*p == '*' || *p == '_' || *p == '`' || *p == '#')
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
	pr->slug_entry = xcalloc(n + 1, sizeof *pr->slug_entry);
	for (i = 0; i < n; i++) {
		pr->plain_defs[i] = plain_markdown(glossary_at(c->glossary, i)->definition);
		pr->slug_entry[i] = glossary_lookup(c->glossary,
		    glossary_at(c->glossary, i)->slug);
	}
	pr->due_soon_days = 60;
	s = project_rule_settings(c->project, "review-due-soon");
	if (s && yval_get(s, "days") && yval_get(s, "days")->kind == YV_NUM)
		pr->due_soon_days = (int)yval_get(s, "days")->num;
	mc->xml_cache = pr;
	return pr;
}

const char *
xmlout_term_title(const corpus *c, size_t e)
{
	return prepare(c)->plain_defs[e];
}

/* A term link's slug is almost always an entry's own, and those were
 * looked up once, in prepare: glossary_lookup normalises the name and
 * walks the term matcher, 2% of the HTML stage when done for each use of
 * a term.  g->slugs keeps the first entry of a slug, whose own slug is
 * that string, so the answer is glossary_lookup's. */
long
xmlout_term_entry(const corpus *c, const char *slug)
{
	long e;

	if (!c->glossary || !slug)
		return -1;
	e = glossary_find_slug(c->glossary, slug);
	return e >= 0 ? prepare(c)->slug_entry[e] :
	    glossary_lookup(c->glossary, slug);
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
	free(pr->slug_entry);
	free(pr);
	c->xml_cache = NULL;
}

/* ---- project and metadata ---- */

/* The organisation as policyc.yaml gives it, with the brand as
 * brand_resolve judged it: the three brand colours (darkened where they
 * failed contrast) and the logo only when it is a checked file. */
static void
project_xml(xmlNodePtr parent, const corpus *c)
{
	const project *p = c->project;
	const char *published;
	xmlNodePtr pr = child(parent, "project"), org;
	static const char *const fields[] = {
		"name", "address", "phone", "registration", "charity", NULL
	};
	const struct { const char *name, *value; } colours[] = {
		{ "primary", p->brand.primary }, { "accent", p->brand.accent },
		{ "text", p->brand.text },
	};
	const char *const *f;
	size_t i;

	text_child(pr, "title", p->title);
	if (p->base_url)
		text_child(pr, "base-url", p->base_url);
	if (!p->organisation && !p->brand.primary[0])
		return;
	org = child(pr, "organisation");
	for (f = fields; *f; f++) {
		const char *v = yval_str(yval_get(p->organisation, *f));
		if (v && *v)
			text_child(org, *f, v);
	}
	if (p->logo_path) {
		xmlNodePtr lx = text_child(org, "logo", p->logo_path);
		if (assets_lookup(c, p->logo_path, &published) ==
		    ASSETS_PUBLISHED)
			set_attr(lx, "asset", published);
	}
	for (i = 0; i < sizeof colours / sizeof *colours; i++)
		if (colours[i].value[0]) {
			xmlNodePtr cn = text_child(org, "colour", colours[i].value);
			set_attr(cn, "name", colours[i].name);
			set_attr(cn, "value", colours[i].value);
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
		if (d->amendments[i].generated)
			set_attr(n, "generated", "yes");
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

/* redirect_from:/aliases: the link pass accepted: path is the redirect
 * page's file below the site root (publish.c writes it). */
static void
aliases_xml(xmlNodePtr m, const document *d)
{
	xmlNodePtr list = NULL;
	for (size_t i = 0; i < d->naliases; i++) {
		const meta_alias *a = &d->aliases[i];
		char *file;
		if (!a->key)
			continue;
		if (!list)
			list = child(m, "aliases");
		file = xasprintf(a->html ? "%s.html" : "%s/index.html", a->key);
		xmlNodePtr x = child(list, "alias");
		set_attr(x, "path", file);
		set_attr(x, "from", a->path);
		free(file);
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

	n = text_child(m, "title", d->title);
	/* a leading h1 that gave the title is not repeated in the body; its
	 * anchor goes with the title, so links to it still land */
	if (d->title_node && d->nheadings && d->headings[0].level == 1)
		set_attr(n, "id", d->headings[0].slug);
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
	aliases_xml(m, d);
	for (i = 0; i < d->nextra; i++)
		field_xml(m, d->extra[i].key, d->extra[i].value);
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
	/* the site marks a withdrawn or superseded neighbour */
	if (c->docs[k]->status_kind != STATUS_ACTIVE &&
	    c->docs[k]->status_kind != STATUS_OTHER)
		set_attr(r, "status", c->docs[k]->status);
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
		long e = xmlout_term_entry(c, d->terms[i].term_slug);
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

static xmlNodePtr
diagnostics_xml(xmlNodePtr parent, diag_set *ds, const char *file,
    int with_file)
{
	xmlNodePtr dx = child(parent, "diagnostics");
	size_t i, first, end;

	if (!ds)
		return dx;
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
	return dx;
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
	char *rp = root_path(d->id);

	xmlDocSetRootElement(doc, root);
	set_attr(root, "id", d->id);
	set_attr(root, "path", d->path);
	set_attr(root, "section", d->section);
	set_attr(root, "lang", c->project->language);
	set_attr(root, "root", rp);
	set_attr(root, "today", c->today);
	if (d->local_edition)   /* added or replaced by an edition */
		set_attr(root, "local", d->local_edition);
	free(rp);
	project_xml(root, c);
	meta_xml(root, c, d);
	govern_document_xml(root, c, i);

	body = child(root, "body");
	xmlbody_write(c, d, root, body);

	related_xml(root, c, i);
	terms_xml(root, c, d);
	diagnostics_xml(root, ds, d->path, 0);
	return doc;
}

/* ---- the corpus ---- */

/* The packs as packs_resolve judged them (packs.c); a pack whose id was
 * refused is left out. */
static void
packs_xml(xmlNodePtr root, const corpus *c)
{
	xmlNodePtr packs = child(root, "packs");
	const project *p = c->project;
	size_t k, i;

	for (k = 0; k < p->npacks && k < c->npacks; k++) {
		const pack *pk = &p->packs[k];
		const pack_members *m = &c->packs[k];
		xmlNodePtr x;

		if (m->refused)
			continue;
		x = child(packs, "pack");
		set_attr(x, "id", pk->id);
		set_attr(x, "title", pk->title);
		set_attr(x, "cover", pk->cover ? "true" : "false");
		set_attr(x, "glossary", pk->glossary ? "true" : "false");
		if (pk->naudiences) {   /* the pack's profile (pdf/pdfprofile.c) */
			buf b;
			buf_init(&b);
			for (i = 0; i < pk->naudiences; i++)
				buf_printf(&b, "%s%s", i ? " " : "", pk->audiences[i]);
			set_attr(x, "audience", b.data);
			buf_free(&b);
		}
		for (i = 0; i < m->n; i++)
			set_attr(child(x, "include"), "ref", c->docs[m->docs[i]]->id);
	}
}

/* A lean tree's parts (xmlout.h): what it does not hold as nodes. */
typedef struct {
	size_t doc, count, line;
} use_rest;

struct xmlout_parts {
	diag_set *diags;          /* <diagnostics> */
	size_t nentries;
	xmlNodePtr *uses;         /* per glossary entry: its <uses> */
	use_rest **rest;          /* ... and the <use> it does not hold */
	size_t *nrest, *caprest;
};

/* <use>: a document that uses the term, how often, from which line. */
static void
use_xml(xmlNodePtr uses, const document *d, size_t count, size_t line)
{
	xmlNodePtr u = child(uses, "use");

	set_attr(u, "doc", d->id);
	set_attr(u, "title", d->title);
	set_attr_int(u, "count", (long)count);
	set_attr_int(u, "line", (long)line);
}

/* The glossary's entries, each with an empty <uses>: in the head, for
 * they read only the glossary and the documents' names (the search index
 * reads them there, and needs no finished tree). */
static void
glossary_entries_xml(xmlNodePtr root, const corpus *c)
{
	xmlNodePtr gx = child(root, "glossary");
	size_t n = c->glossary ? glossary_count(c->glossary) : 0;
	size_t i, j;

	for (i = 0; i < n; i++) {
		const glossary_entry *g = glossary_at(c->glossary, i);
		xmlNodePtr e = child(gx, "entry"), src;
		set_attr(e, "id", g->slug);
		set_attr_int(e, "line", g->line);
		text_child(e, "name", g->term);
		if (g->abbr)
			text_child(e, "abbr", g->abbr);
		for (j = 0; j < g->naliases; j++)
			text_child(e, "alias", g->aliases[j]);
		xmlbody_markdown(c, child(e, "definition"), g->definition);
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
		(void)child(e, "uses");
	}
}

/* Document d's uses of each of the n glossary entries: how many, and the
 * first line (count[e] 0: none). */
static void
count_uses(const corpus *c, const document *d, size_t n, size_t *count,
    size_t *line)
{
	size_t i;

	memset(count, 0, n * sizeof *count);
	for (i = 0; i < d->nterms; i++) {
		long e = xmlout_term_entry(c, d->terms[i].term_slug);
		if (e < 0)
			continue;
		if (!count[e]++ || (size_t)d->terms[i].line < line[e])
			line[e] = (size_t)d->terms[i].line;
	}
}

/* Each entry's <uses>: which documents use the term (the rest of the
 * tree, from every document's term uses). */
static void
glossary_uses_xml(xmlNodePtr root, const corpus *c, xmlout_parts *lean)
{
	xmlNodePtr gx = xmlread_child(root, "glossary"), ent;
	size_t n = c->glossary ? glossary_count(c->glossary) : 0;
	size_t i, k;
	size_t *count, *line, *total;
	xmlNodePtr *uses_of;

	if (!n)
		return;
	uses_of = xcalloc(n, sizeof *uses_of);
	count = xcalloc(n, sizeof *count);
	line = xcalloc(n, sizeof *line);
	total = xcalloc(n, sizeof *total);
	if (lean) {
		lean->nentries = n;
		lean->uses = uses_of;   /* kept: the parts find them by it */
		lean->rest = xcalloc(n, sizeof *lean->rest);
		lean->nrest = xcalloc(n, sizeof *lean->nrest);
		lean->caprest = xcalloc(n, sizeof *lean->caprest);
	}
	/* the head made an entry, and its <uses> last, for each */
	for (i = 0, ent = xmlread_child(gx, "entry"); i < n && ent;
	    i++, ent = xmlread_next(ent, "entry"))
		uses_of[i] = ent->last;
	/* uses: per document, count and first line of each term */
	for (k = 0; k < c->ndocs; k++) {
		const document *d = c->docs[k];
		count_uses(c, d, n, count, line);
		for (i = 0; i < n; i++) {
			if (!count[i])
				continue;
			if (!lean || total[i] < GLOSSARY_USES_HELD)
				use_xml(uses_of[i], d, count[i], line[i]);
			else {
				if (lean->nrest[i] == lean->caprest[i]) {
					lean->caprest[i] = lean->caprest[i] ?
					    lean->caprest[i] * 2 : 64;
					lean->rest[i] = xrealloc(lean->rest[i],
					    lean->caprest[i] * sizeof **lean->rest);
				}
				lean->rest[i][lean->nrest[i]++] =
				    (use_rest){ k, count[i], line[i] };
			}
			total[i]++;
		}
	}
	/* how many documents use the term (a lean tree holds only the
	 * first GLOSSARY_USES_HELD of them) */
	for (i = 0; i < n; i++)
		set_attr_int(uses_of[i], "count", (long)total[i]);
	free(count);
	free(line);
	free(total);
	if (!lean)
		free(uses_of);
}

/* What writing a lean tree's parts needs (xmlout_corpus_write): the
 * corpus, the parts, and each document's id and title as an attribute
 * holds them, cleaned and escaped once (doc_attr): a site of 1,000
 * documents writes 16,000 <use> and 14,000 <edge>, each naming one or
 * two documents, and cleaning and escaping those names anew was half of
 * writing corpus.xml. */
typedef struct {
	const corpus *c;
	const xmlout_parts *p;
	char **id_attr, **title_attr;
} parts_ctx;

static void use_attrs(parts_ctx *x, buf *b, size_t doc, size_t count,
    size_t line);

/* Before </uses>: the <use> a lean tree does not hold. */
static void
write_part_end(parts_ctx *x, xmlNodePtr n, buf *b)
{
	const xmlout_parts *p = x->p;
	size_t e, k;

	if (!p || !xmlStrEqual(n->name, X("uses")))
		return;
	for (e = 0; e < p->nentries && p->uses[e] != n; e++)
		;
	for (k = 0; e < p->nentries && k < p->nrest[e]; k++) {
		const use_rest *r = &p->rest[e][k];
		buf_puts(b, "<use");
		use_attrs(x, b, r->doc, r->count, r->line);
		buf_puts(b, "/>");
		xmldump_room(b);
	}
}

/* s as XPath's normalize-space() makes it (XML white space stripped at
 * the ends, runs of it one space).  Newly allocated. */
static char *
normalize_space(const char *s)
{
	char *o = xmalloc(strlen(s ? s : "") + 1), *w = o;
	int gap = 0;

	for (; s && *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			gap = w != o;
			continue;
		}
		if (gap)
			*w++ = ' ';
		gap = 0;
		*w++ = *s;
	}
	*w = '\0';
	return o;
}

typedef struct {
	char *name;
	long documents;
} owner_count;

static int
cmp_owner(const void *a, const void *b)
{
	return strcmp(((const owner_count *)a)->name,
	    ((const owner_count *)b)->name);
}

/* The documents' owners, each once, as the review page groups them
 * (normalize-space(@owner); "" for none), in byte order, with how many
 * documents each owns.  Grouping in the template (one key() per
 * document) was quadratic: key() copies every document of the owner. */
static void
owners_xml(xmlNodePtr root, const corpus *c)
{
	xmlNodePtr list = child(root, "owners");
	strtab *seen = strtab_new(16);
	owner_count *o = xcalloc(c->ndocs + 1, sizeof *o);
	size_t i, n = 0;
	long k;

	for (i = 0; i < c->ndocs; i++) {
		char *name = normalize_space(c->docs[i]->owner);
		if ((k = strtab_get(seen, name)) >= 0) {
			o[k].documents++;
			free(name);
			continue;
		}
		strtab_put(seen, name, (long)n);
		o[n].name = name;
		o[n++].documents = 1;
	}
	strtab_free(seen);
	qsort(o, n, sizeof *o, cmp_owner);
	for (i = 0; i < n; i++) {
		xmlNodePtr x = child(list, "owner");
		set_attr(x, "name", o[i].name);
		set_attr_int(x, "documents", o[i].documents);
		free(o[i].name);
	}
	free(o);
}

/* Folders as the site and packs name them (corpus.c build_sections). */
static void
sections_xml(xmlNodePtr root, const corpus *c)
{
	xmlNodePtr list = child(root, "sections");
	for (size_t i = 0; i < c->nsections; i++) {
		const corpus_section *s = &c->sections[i];
		xmlNodePtr x = child(list, "section");
		set_attr(x, "path", s->path);
		set_attr(x, "title", s->title);
		if (s->parent)
			set_attr(x, "parent", s->parent);
		if (s->index_doc >= 0)
			set_attr(x, "ref", c->docs[s->index_doc]->id);
	}
}

xmlDocPtr
xmlout_corpus_head(const corpus *c, diag_set *ds, diag_set **diags)
{
	xmlDocPtr doc = xmlNewDoc(X("1.0"));
	xmlNodePtr root = xmlNewNode(NULL, X("corpus")), docs;
	size_t i;

	/* names and attribute values held once (xmlnode.h, put_attr) */
	doc->dict = xmlDictCreate();
	prepare(c);
	xmlDocSetRootElement(doc, root);
	set_attr(root, "lang", c->project->language);
	set_attr(root, "today", c->today);
	project_xml(root, c);
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
	glossary_entries_xml(root, c);
	sections_xml(root, c);
	/* the diagnostics as they are now (sorted: the document trees find
	 * theirs by binary search), kept aside until the tree is finished */
	*diags = diag_new();
	if (ds) {
		diag_sort(ds);
		diag_merge(*diags, ds);
	}
	return doc;
}

static const char *const edge_kinds[] = { "related", "link", "superseded-by" };

static void
graph_xml(xmlNodePtr graph, const corpus *c)
{
	for (size_t i = 0; i < c->nedges; i++) {
		const edge *e = &c->edges[i];
		xmlNodePtr x = child(graph, "edge");
		set_attr(x, "from", c->docs[e->from]->id);
		set_attr(x, "to", c->docs[e->to]->id);
		set_attr(x, "kind", edge_kinds[e->kind]);
		if (e->note)
			set_attr(x, "note", e->note);
	}
}

static void
finish(xmlDocPtr doc, const corpus *c, diag_set *diags, xmlout_parts *lean)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr sections = xmlread_child(root, "sections"), graph;

	glossary_uses_xml(root, c, lean);
	graph = child(root, "graph");
	if (!lean)
		graph_xml(graph, c);
	packs_xml(root, c);
	/* <sections>, made by the head, comes after <packs> */
	if (sections) {
		xmlUnlinkNode(sections);
		xmlAddChild(root, sections);
	}
	owners_xml(root, c);
	govern_corpus_xml(root, c);
	diagnostics_xml(root, lean ? NULL : diags, NULL, 1);
}

/* Keep in step with finish and the parts xmlout_corpus_write puts in a
 * lean tree's place: every value they write that corpus.xml's head does
 * not hold (documents are named by their index: the head lists them). */
void
xmlout_corpus_rest_digest(const corpus *c, const diag_set *diags, int lean,
    digest_put_fn put, void *ctx)
{
	const project *p = c->project;
	size_t n = c->glossary ? glossary_count(c->glossary) : 0;
	size_t *count = xcalloc(n + 1, sizeof *count);
	size_t *line = xcalloc(n + 1, sizeof *line);
	size_t i, k;

	put(ctx, "corpus rest 1", 0);
	put(ctx, NULL, lean);
	put(ctx, NULL, GLOSSARY_USES_HELD);
	/* each term's uses, as glossary_uses_xml counts them */
	for (k = 0; k < c->ndocs; k++) {
		const document *d = c->docs[k];
		count_uses(c, d, n, count, line);
		for (i = 0; i < n; i++)
			if (count[i]) {
				put(ctx, NULL, (long)k);
				put(ctx, NULL, (long)i);
				put(ctx, NULL, (long)count[i]);
				put(ctx, NULL, (long)line[i]);
			}
	}
	free(count);
	free(line);
	put(ctx, NULL, (long)c->nedges);
	for (i = 0; i < c->nedges; i++) {
		const edge *e = &c->edges[i];
		put(ctx, NULL, (long)e->from);
		put(ctx, NULL, (long)e->to);
		put(ctx, NULL, (long)e->kind);
		put(ctx, e->note, 0);
	}
	put(ctx, NULL, (long)p->npacks);
	put(ctx, NULL, (long)c->npacks);
	for (k = 0; k < p->npacks && k < c->npacks; k++) {
		const pack *pk = &p->packs[k];
		const pack_members *m = &c->packs[k];
		put(ctx, pk->id, 0);
		put(ctx, pk->title, 0);
		put(ctx, NULL, pk->cover);
		put(ctx, NULL, pk->glossary);
		put(ctx, NULL, (long)pk->naudiences);
		for (i = 0; i < pk->naudiences; i++)
			put(ctx, pk->audiences[i], 0);
		put(ctx, NULL, m->refused);
		put(ctx, NULL, (long)m->n);
		for (i = 0; i < m->n; i++)
			put(ctx, NULL, (long)m->docs[i]);
	}
	for (k = 0; k < c->ndocs; k++)   /* owners_xml */
		put(ctx, c->docs[k]->owner, 0);
	govern_corpus_digest(c, put, ctx);
	n = diags ? diag_count(diags) : 0;
	put(ctx, NULL, (long)n);
	for (i = 0; i < n; i++) {
		const diagnostic *g = diag_at(diags, i);
		put(ctx, NULL, (long)g->sev);
		put(ctx, g->rule, 0);
		put(ctx, g->file, 0);
		put(ctx, NULL, g->line);
		put(ctx, NULL, g->col);
		put(ctx, g->message, 0);
	}
}

void
xmlout_corpus_finish(xmlDocPtr doc, const corpus *c, diag_set *diags)
{
	finish(doc, c, diags, NULL);
	diag_free(diags);
}

xmlout_parts *
xmlout_corpus_finish_lean(xmlDocPtr doc, const corpus *c, diag_set *diags)
{
	xmlout_parts *p = xcalloc(1, sizeof *p);

	p->diags = diags;
	finish(doc, c, NULL, p);
	return p;
}

void
xmlout_parts_free(xmlout_parts *p)
{
	if (!p)
		return;
	for (size_t e = 0; e < p->nentries; e++)
		free(p->rest[e]);
	free(p->rest);
	free(p->nrest);
	free(p->caprest);
	free(p->uses);
	diag_free(p->diags);
	free(p);
}

/* The lean tree's empty <graph> and <diagnostics>, or NULL. */
static xmlNodePtr
lean_part(xmlDocPtr doc, const char *name)
{
	xmlNodePtr n = xmlread_child(xmlDocGetRootElement(doc), name);
	return n && !n->children ? n : NULL;
}

void
xmlout_corpus_fill(xmlDocPtr doc, const corpus *c, xmlout_parts *p)
{
	xmlNodePtr g = lean_part(doc, "graph"), d = lean_part(doc,
	    "diagnostics"), full;

	if (g)
		graph_xml(g, c);
	if (d && p->diags) {   /* made whole, then put in the empty one's place */
		full = diagnostics_xml(xmlDocGetRootElement(doc), p->diags,
		    NULL, 1);
		xmlUnlinkNode(full);
		xmlReplaceNode(d, full);
		xmlFreeNode(d);
	}
	for (size_t e = 0; e < p->nentries; e++)
		for (size_t k = 0; k < p->nrest[e]; k++) {
			const use_rest *r = &p->rest[e][k];
			use_xml(p->uses[e], c->docs[r->doc], r->count, r->line);
		}
	xmlout_parts_free(p);
}

int
xmlout_corpus_edge(const corpus *c, size_t k, const char **from,
    const char **to, const char **kind)
{
	if (k >= c->nedges)
		return 0;
	*from = c->docs[c->edges[k].from]->id;
	*to = c->docs[c->edges[k].to]->id;
	*kind = edge_kinds[c->edges[k].kind];
	return 1;
}

/* An attribute as set_attr stores it and xmldump writes it. */
static void
part_attr(buf *b, const char *name, const char *value)
{
	int owned;
	const char *v = xmlnode_clean(value, &owned);

	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_putn(b, "=\"", 2);
	escape_libxml_attr(b, v);
	buf_putc(b, '"');
	if (owned)
		free((char *)v);
}

/* A number needs neither cleaning nor escaping. */
static void
part_attr_int(buf *b, const char *name, long v)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_putn(b, "=\"", 2);
	buf_put_long(b, v);
	buf_putc(b, '"');
}

/* value as part_attr writes it, made once into *slot. */
static void
part_attr_once(buf *b, const char *name, char **slot, const char *value)
{
	if (!*slot) {
		buf v;
		int owned;
		const char *clean = xmlnode_clean(value, &owned);

		buf_init(&v);
		escape_libxml_attr(&v, clean);
		*slot = buf_detach(&v);
		if (owned)
			free((char *)clean);
	}
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_putn(b, "=\"", 2);
	buf_puts(b, *slot);
	buf_putc(b, '"');
}

static void
use_attrs(parts_ctx *x, buf *b, size_t doc, size_t count, size_t line)
{
	const document *d = x->c->docs[doc];

	part_attr_once(b, "doc", &x->id_attr[doc], d->id);
	part_attr_once(b, "title", &x->title_attr[doc], d->title);
	part_attr_int(b, "count", (long)count);
	part_attr_int(b, "line", (long)line);
}

/* <graph> and <diagnostics> in a lean tree's empty elements' place. */
static int
write_part(parts_ctx *x, xmlNodePtr part, buf *b)
{
	const corpus *c = x->c;
	const xmlout_parts *p = x->p;
	const diag_set *diags = p ? p->diags : NULL;
	size_t i, n;

	if (part->parent != xmlDocGetRootElement(part->doc) ||
	    part->type != XML_ELEMENT_NODE || part->children)
		return 0;
	if (xmlStrEqual(part->name, X("graph"))) {
		if (!c->nedges) {
			buf_puts(b, "<graph/>");
			return 1;
		}
		buf_puts(b, "<graph>");
		for (i = 0; i < c->nedges; i++) {
			const edge *e = &c->edges[i];
			buf_puts(b, "<edge");
			part_attr_once(b, "from", &x->id_attr[e->from],
			    c->docs[e->from]->id);
			part_attr_once(b, "to", &x->id_attr[e->to],
			    c->docs[e->to]->id);
			part_attr(b, "kind", edge_kinds[e->kind]);
			if (e->note)
				part_attr(b, "note", e->note);
			buf_puts(b, "/>");
			xmldump_room(b);
		}
		buf_puts(b, "</graph>");
		return 1;
	}
	if (!xmlStrEqual(part->name, X("diagnostics")))
		return 0;
	n = diags ? diag_count(diags) : 0;
	if (!n) {
		buf_puts(b, "<diagnostics/>");
		return 1;
	}
	buf_puts(b, "<diagnostics>");
	for (i = 0; i < n; i++) {
		const diagnostic *g = diag_at(diags, i);
		buf_puts(b, "<diagnostic");
		part_attr(b, "severity", diag_severity_name(g->sev));
		part_attr(b, "rule", g->rule);
		part_attr(b, "file", g->file);
		part_attr_int(b, "line", g->line);
		part_attr_int(b, "column", g->col);
		if (g->message && *g->message) {   /* add_text's rule */
			int owned;
			const char *m = xmlnode_clean(g->message, &owned);
			buf_putc(b, '>');
			escape_libxml_text(b, m);
			buf_puts(b, "</diagnostic>");
			if (owned)
				free((char *)m);
		} else
			buf_puts(b, "/>");
		xmldump_room(b);
	}
	buf_puts(b, "</diagnostics>");
	return 1;
}

xmlDocPtr
xmlout_corpus(const corpus *c, diag_set *ds)
{
	diag_set *diags;
	xmlDocPtr doc = xmlout_corpus_head(c, ds, &diags);

	xmlout_corpus_finish(doc, c, diags);
	return doc;
}

static int
part_cb(void *ctx, xmlNodePtr n, buf *b)
{
	return write_part(ctx, n, b);
}

static void
part_end_cb(void *ctx, xmlNodePtr n, buf *b)
{
	write_part_end(ctx, n, b);
}

int
xmlout_corpus_write(xmlDocPtr doc, const corpus *c, const xmlout_parts *p,
    xmldump_write_fn write, void *ctx)
{
	parts_ctx x;
	size_t i;
	int rc;

	x.c = c;
	x.p = p;
	x.id_attr = p ? xcalloc(c->ndocs + 1, sizeof *x.id_attr) : NULL;
	x.title_attr = p ? xcalloc(c->ndocs + 1, sizeof *x.title_attr) : NULL;
	rc = xmldump_doc_parts(doc, write, ctx, p ? part_cb : NULL,
	    p ? part_end_cb : NULL, &x);
	for (i = 0; p && i < c->ndocs; i++) {
		free(x.id_attr[i]);
		free(x.title_attr[i]);
	}
	free(x.id_attr);
	free(x.title_attr);
	return rc;
}
