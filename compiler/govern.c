/*
 * govern.c — document governance, judged before any renderer and
 * written into the XML by xmlout.c, so every back end only draws what
 * was decided here (check = build).  Contacts and the sources registry
 * are read before the link pass (govern_begin); each document's
 * citations are judged by the link pass's worker right after it has
 * linked that document (govern_judge_document: its tree is final and
 * still in the worker's cache, where a walk of its own afterwards
 * found every tree cold); pipeline_check gathers them in document
 * order (govern_finish).
 *
 * Contacts: policyc.yaml's contacts: (and organisation.contacts:, where
 * DESIGN.md first put them) are typed entries — name, role, phone,
 * email, address, hours, url, verified — whose unknown keys are
 * config-unknown-key with a suggestion, whose phone numbers and
 * addresses are checked for form (contact-invalid), and whose verified:
 * date is compared with today (contact-stale, months: 12).  A document
 * uses a contact when its source names {{contacts.KEY...}}.
 *
 * Citations: cites: entries (meta.c) and the text's mentions (the
 * registry's names, found by the glossary's matcher) are judged against
 * the sources registry (sources.c): citation-unknown, and
 * citation-superseded when the edition has a successor, saying which and
 * since when.  The Sources page lists who cites each edition.
 *
 * Controlled copies: each document's content hash (SHA-256 of its
 * source), live URL (base-url), build date (today: --today or
 * SOURCE_DATE_EPOCH) and, with print-validity:, the date a printed copy
 * stops being valid.
 */
#include <ctype.h>
#include <stdio.h>
#include "digest.h"
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "date.h"
#include "diagfmt.h"
#include "document.h"
#include "govern.h"
#include "nodepos.h"
#include "project.h"
#include "rules.h"
#include "sources.h"
#include "url.h"
#include "util.h"
#include "xmlnode.h"

#define CONFIG "policyc.yaml"
#define STALE_MONTHS 12

static const char *const contact_keys[] = {
	"name", "role", "phone", "email", "address", "hours", "url",
	"verified", NULL
};
enum { CK_NAME, CK_ROLE, CK_PHONE, CK_EMAIL, CK_ADDRESS, CK_HOURS, CK_URL,
	CK_VERIFIED, CK_N };

typedef struct {
	const char *key;          /* borrowed from the config tree */
	const char *v[CK_N];      /* borrowed; NULL when absent */
	char verified[11];        /* normalised, or "" */
	int stale, line;
	size_t *docs; size_t ndocs;
} contact;

/* One citation: declared in cites:, or a mention in the text. */
typedef struct {
	size_t doc, source;
	long edition;             /* -1: no edition named */
	const char *section;      /* borrowed from the document; may be NULL */
	int line, declared;
} cite;

/* The citations of one document, made by one worker. */
typedef struct {
	cite *v;
	size_t n, cap;
} cite_list;

struct govern {
	/* the JSON diagnostics' owner and page of each document */
	const char **paths, **owners; char **urls; size_t ndocs;
	contact *contacts; size_t ncontacts;
	sources *src;
	cite *cites; size_t ncites;
	size_t *cite_off;        /* document i's: cites[cite_off[i]..[i+1]) */
	/* between govern_begin and govern_finish: document i's citations,
	 * judged by whichever worker had it in the link pass */
	cite_list *lists; size_t nlists;
};

/* ---- contacts ---- */

int
govern_phone_ok(const char *s)
{
	int digits = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '+' && p == s)
			;
		else if (strchr(" -().", *p))
			;
		else if (!strncasecmp(p, "ext", 3) && digits >= 7) {
			p += 2;
			if (p[1] == '.')
				p++;
		} else
			return 0;
	}
	return digits >= 3 && digits <= 15 && (digits >= 7 || digits == 3);
}

int
govern_email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot, *p;

	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>()[],;:\"\\", *p))
			return 0;
	dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] && dot[-1] != '.' &&
	    at[1] != '.';
}

static void
contact_invalid(diag_set *ds, const yval *v, const char *key,
    const char *field, const char *why)
{
	diag_report(ds, R_CONTACT_INVALID, CONFIG, v->line, v->col,
	    "contact '%s': %s '%s' %s", key, field, yval_str(v), why);
}

/* Reads and judges one contacts: entry. */
static void
read_contact(govern *g, const yval *list, size_t i, const char *today,
    long months, diag_set *ds)
{
	const yval *m = list->items[i];
	const char *key = list->keys[i];
	contact *ct;
	size_t j, k;

	if (m->kind != YV_MAP) {
		diag_report(ds, R_CONFIG_INVALID, CONFIG, m->line, m->col,
		    "contact '%s' must be a map (name, role, phone, email, "
		    "address, hours, url, verified)", key);
		return;
	}
	ct = &g->contacts[g->ncontacts++];
	memset(ct, 0, sizeof *ct);
	ct->key = key;
	ct->line = list->key_lines[i];
	for (j = 0; j < m->n; j++) {
		const yval *v = m->items[j];
		for (k = 0; k < CK_N && strcmp(contact_keys[k], m->keys[j]); k++)
			;
		if (k == CK_N) {
			const char *hint = suggest(m->keys[j], contact_keys, CK_N);
			diag_report(ds, R_CONFIG_UNKNOWN_KEY, CONFIG,
			    m->key_lines[j], m->key_cols[j],
			    "unknown key '%s' in contact '%s'%s%s%s", m->keys[j],
			    key, hint ? " (did you mean '" : "", hint ? hint : "",
			    hint ? "'?)" : "");
			continue;
		}
		if (!yval_is_scalar(v) || v->kind == YV_NULL) {
			diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
			    "contact '%s': %s must be text", key, m->keys[j]);
			continue;
		}
		ct->v[k] = v->str;
		if (k == CK_PHONE && !govern_phone_ok(v->str))
			contact_invalid(ds, v, key, "phone", "is not a telephone "
			    "number (7 to 15 digits; spaces, +, -, brackets)");
		else if (k == CK_EMAIL && !govern_email_ok(v->str))
			contact_invalid(ds, v, key, "email", "is not an e-mail "
			    "address (name@example.org)");
		else if (k == CK_URL && (!url_is_safe(v->str, 0) ||
		    (strncmp(v->str, "https://", 8) &&
		    strncmp(v->str, "http://", 7))))
			contact_invalid(ds, v, key, "url", "is not an http(s) "
			    "address");
		else if (k == CK_VERIFIED && !date_parse(v->str, ct->verified))
			contact_invalid(ds, v, key, "verified", "is not a date "
			    "(YYYY-MM-DD)");
	}
	if (!ct->v[CK_NAME])
		diag_report(ds, R_CONTACT_INVALID, CONFIG, m->line, m->col,
		    "contact '%s' has no name", key);
	if (ct->verified[0]) {
		char due[11];
		date_add_months(ct->verified, (int)months, due);
		if (strcmp(due, today) < 0) {
			const yval *v = yval_get(m, "verified");
			ct->stale = 1;
			diag_report(ds, R_CONTACT_STALE, CONFIG, v->line, v->col,
			    "contact '%s' was last verified on %s, more than %ld "
			    "months ago: check its details", key, ct->verified,
			    months);
		}
	}
}

static void
read_contacts(govern *g, const corpus *c, diag_set *ds)
{
	const project *p = c->project;
	const yval *lists[2];
	const yval *s = project_rule_settings(p, "contact-stale");
	const yval *mo = s ? yval_get(s, "months") : NULL;
	long months = mo && mo->kind == YV_NUM ? (long)mo->num : STALE_MONTHS;
	size_t n = 0, k, i;

	lists[0] = yval_get(p->config, "contacts");
	lists[1] = yval_get(p->organisation, "contacts");
	for (k = 0; k < 2; k++) {
		if (lists[k] && lists[k]->kind == YV_MAP)
			n += lists[k]->n;
		else if (lists[k] && lists[k]->kind != YV_NULL) {
			diag_report(ds, R_CONFIG_INVALID, CONFIG, lists[k]->line,
			    lists[k]->col, "'contacts' must be a map of contacts "
			    "(lado: {name: ..., phone: ...})");
			lists[k] = NULL;
		}
	}
	g->contacts = xcalloc(n ? n : 1, sizeof *g->contacts);
	for (k = 0; k < 2; k++)
		for (i = 0; lists[k] && lists[k]->kind == YV_MAP &&
		    i < lists[k]->n; i++)
			read_contact(g, lists[k], i, c->today, months, ds);
}

/* The contact whose key starts n (up to a '.', '}' or space), or -1. */
static long
contact_named(const govern *g, const char *n)
{
	const char *e = n;
	size_t k;
	while (isalnum((unsigned char)*e) || *e == '_' || *e == '-')
		e++;
	for (k = 0; k < g->ncontacts; k++)
		if (strlen(g->contacts[k].key) == (size_t)(e - n) &&
		    !strncmp(g->contacts[k].key, n, (size_t)(e - n)))
			return (long)k;
	return -1;
}

/* The contacts a document's source names: {{contacts.KEY.x}} and
 * {{organisation.contacts.KEY.x}} (the forms document.c substitutes),
 * outside code — fenced blocks (``` or ~~~ opening a line) and backtick
 * spans on a line — where document.c leaves {{...}} as written.  One
 * pass over the text. */
static void
contact_uses(govern *g, corpus *c)
{
	size_t i;

	for (i = 0; i < c->ndocs && g->ncontacts; i++) {
		/* a bounded build reads each text again for this */
		int read = corpus_source_need(c, i);
		const char *p = c->docs[i]->source;
		int fenced = 0, ticks = 0, bol = 1;
		for (; p && *p; p++) {
			const char *n;
			long k;
			if (bol) {
				const char *q = p;
				while (*q == ' ')
					q++;
				if (!strncmp(q, "```", 3) || !strncmp(q, "~~~", 3))
					fenced = !fenced;
				ticks = bol = 0;
			}
			if (*p == '\n') {
				bol = 1;
				continue;
			}
			if (*p == '`')
				ticks++;
			if (p[0] != '{' || p[1] != '{' || fenced || (ticks & 1))
				continue;
			n = p + 2;
			while (*n == ' ' || *n == '\t')
				n++;
			if (!strncmp(n, "organisation.", 13))
				n += 13;
			if (strncmp(n, "contacts.", 9) ||
			    (k = contact_named(g, n + 9)) < 0)
				continue;
			{
				contact *ct = &g->contacts[k];
				if (ct->ndocs && ct->docs[ct->ndocs - 1] == i)
					continue;
				ct->docs = xrealloc(ct->docs,
				    (ct->ndocs + 1) * sizeof *ct->docs);
				ct->docs[ct->ndocs++] = i;
			}
		}
		corpus_source_done(c, i, read);
	}
}

/* ---- citations ---- */

static void
add_cite(cite_list *l, size_t doc, size_t source, long edition,
    const char *section, int line, int declared)
{
	cite *x;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	x = &l->v[l->n++];
	x->doc = doc;
	x->source = source;
	x->edition = edition;
	x->section = section;
	x->line = line;
	x->declared = declared;
}

/* citation-superseded for edition k of e, when it has a successor. */
static void
superseded(diag_set *ds, const corpus *c, const document *d,
    const source_entry *e, long k, int line, int col, const char *how)
{
	const source_edition *ed, *nx;
	char when[40];
	if (k < 0 || e->eds[k].successor < 0)
		return;
	ed = &e->eds[k];
	nx = &e->eds[ed->successor];
	date_long(nx->date, when, sizeof when);
	{
		/* the newest edition, when the successor is itself replaced */
		long last = ed->successor;
		while (e->eds[last].successor >= 0)
			last = e->eds[last].successor;
		diag_report(ds, R_CITATION_SUPERSEDED, d->path, line, col,
		    "%s %s %s, which %s by the %s edition on %s%s%s%s", how,
		    e->title, ed->name, strcmp(nx->date, c->today) <= 0 ?
		    "was replaced" : "is to be replaced", nx->name, when,
		    last != ed->successor ? " (the newest is " : "",
		    last != ed->successor ? e->eds[last].name : "",
		    last != ed->successor ? ")" : "");
	}
}

static void
judge_declared(const govern *g, const corpus *c, size_t i, cite_list *l,
    diag_set *ds)
{
	const document *d = c->docs[i];
	size_t k;

	for (k = 0; k < d->ncites; k++) {
		const meta_cite *m = &d->cites[k];
		long s = sources_find(g->src, m->source), ed = -1;
		const source_entry *e;
		if (s < 0) {
			const char *hint = sources_suggest(g->src, m->source);
			diag_report(ds, R_CITATION_UNKNOWN, d->path, m->line,
			    m->col, "cites '%s', which is not in the sources "
			    "registry%s%s%s", m->source,
			    hint ? " (did you mean '" : " (add it under sources: "
			    "in policyc.yaml)", hint ? hint : "", hint ? "'?)" : "");
			continue;
		}
		e = sources_at(g->src, (size_t)s);
		if (!m->edition && e->neds == 1)
			ed = 0;   /* an Act: one edition, named by its title */
		else if (m->edition &&
		    (ed = sources_edition(e, m->edition)) < 0) {
			buf b;
			size_t j;
			buf_init(&b);
			for (j = 0; j < e->neds; j++)
				buf_printf(&b, "%s%s", j ? ", " : "", e->eds[j].name);
			diag_report(ds, R_CITATION_UNKNOWN, d->path, m->line,
			    m->col, "%s has no edition '%s' (known: %s)",
			    e->title, m->edition, b.len ? b.data : "none");
			buf_free(&b);
		}
		if (d->status_kind != STATUS_WITHDRAWN &&
		    d->status_kind != STATUS_SUPERSEDED)
			superseded(ds, c, d, e, ed, m->line, m->col, "cites");
		add_cite(l, i, (size_t)s, ed, m->section, m->line, 1);
	}
}

static int
cited(const cite_list *l, size_t source, long edition)
{
	size_t k;
	for (k = 0; k < l->n; k++)
		if (l->v[k].source == source && l->v[k].edition == edition)
			return 1;
	return 0;
}

/* The text's own mentions, text node by text node (as outdated-term
 * reads them: a text node is one line, and knows its column).  Each
 * source and edition is recorded and judged once per document, at its
 * first mention, and not at all when cites: declares it. */
static void
judge_mentions(const govern *g, const corpus *c, size_t i, cite_list *l,
    diag_set *ds)
{
	document *d = c->docs[i];
	cmark_iter *it;
	cmark_event_type ev;

	/* a withdrawn or superseded document is the record of what was said
	 * then (as outdated-term): its mentions are listed, not judged */
	int settled = d->status_kind == STATUS_WITHDRAWN ||
	    d->status_kind == STATUS_SUPERSEDED;

	nodepos_memo pm;

	if (!d->root)
		return;
	nodepos_init(&pm);
	it = cmark_iter_new(d->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *text;
		sources_mention *ms;
		size_t nm, k;
		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(n) != CMARK_NODE_TEXT ||
		    !(text = cmark_node_get_literal(n)))
			continue;
		nm = sources_find_mentions(g->src, text, strlen(text), &ms);
		for (k = 0; k < nm; k++) {
			const source_entry *e = sources_at(g->src, ms[k].source);
			int line, col;
			if (cited(l, ms[k].source, ms[k].edition))
				continue;
			/* a text a pass split off (beside a [[wiki]] or term
			 * link) has no position of its own: nodepos counts
			 * on from its siblings, as the filters' view does */
			nodepos_of(d, n, &line, &col, &pm);
			if (!settled)
				superseded(ds, c, d, e, ms[k].edition, line,
				    col <= 0 ? 0 : nodepos_in_wiki_text(n) ? col :
				    col + (int)ms[k].start, "mentions");
			add_cite(l, i, ms[k].source, ms[k].edition, NULL, line, 0);
		}
		free(ms);
	}
	cmark_iter_free(it);
	nodepos_free(&pm);
}

/* base-url + id + ".html" when base-url passes the URL policy; else
 * NULL.  Caller frees. */
static char *
live_url(const project *p, const char *id)
{
	const char *b = p->base_url;
	size_t n;
	if (!b || !*b || !url_is_safe(b, 0) || (strncmp(b, "https://", 8) &&
	    strncmp(b, "http://", 7)))
		return NULL;
	n = strlen(b);
	return xasprintf("%s%s%s.html", b, b[n - 1] == '/' ? "" : "/", id);
}

/* The page of a document as the JSON diagnostics name it: its live URL,
 * else its path in the site ("ID.html" under OUT/html/).  Caller frees. */
static char *
page_url(const project *p, const char *id)
{
	char *u = live_url(p, id);
	return u ? u : xasprintf("%s.html", id);
}

govern *
govern_begin(corpus *c, const char *data_dir, diag_set *ds)
{
	govern *g = xcalloc(1, sizeof *g);

	read_contacts(g, c, ds);
	contact_uses(g, c);
	g->src = sources_load(c->project, data_dir, ds);
	g->lists = xcalloc(c->ndocs + 1, sizeof *g->lists);
	g->nlists = c->ndocs;
	return g;
}

void
govern_judge_document(govern *g, const corpus *c, size_t i, diag_set *ds)
{
	if (!g->lists || i >= g->nlists)
		return;
	judge_declared(g, c, i, &g->lists[i], ds);
	judge_mentions(g, c, i, &g->lists[i], ds);
}

void
govern_take_list(govern *g, size_t i, void **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	if (!g || !g->lists || i >= g->nlists)
		return;
	*v = g->lists[i].v;
	*n = g->lists[i].n;
	memset(&g->lists[i], 0, sizeof g->lists[i]);
}

void
govern_give_list(govern *g, size_t i, void *v, size_t n)
{
	if (!g || !g->lists || i >= g->nlists) {
		free(v);
		return;
	}
	free(g->lists[i].v);
	g->lists[i].v = v;
	g->lists[i].n = g->lists[i].cap = n;
}

/* ---- the build cache's record (incrlinks.c) ---- */

int
govern_cites_record(const govern *g, const corpus *c, size_t i, buf *b)
{
	const document *d = c->docs[i];
	size_t k, j;

	if (g->lists || !g->cite_off || i >= g->ndocs)
		return 0;   /* not finished */
	for (k = g->cite_off[i]; k < g->cite_off[i + 1]; k++) {
		const cite *x = &g->cites[k];
		long sec = -1;
		if (x->section) {
			for (j = 0; j < d->ncites && sec < 0; j++)
				if (d->cites[j].section == x->section)
					sec = (long)j;
			if (sec < 0)
				return 0;   /* a section from elsewhere */
		}
		buf_printf(b, "lc\t%zu\t%ld\t%ld\t%d\t%d\n", x->source,
		    x->edition, sec, x->line, x->declared);
	}
	return 1;
}

int
govern_cite_parse(const govern *g, const corpus *c, size_t i,
    const char *fields, void **v, size_t *n)
{
	const document *d = c->docs[i];
	const source_entry *e;
	unsigned long long source;
	long edition, sec;
	int line, declared, used = 0;
	cite *x;

	if (sscanf(fields, "%llu\t%ld\t%ld\t%d\t%d%n", &source, &edition,
	    &sec, &line, &declared, &used) != 5 || fields[used] ||
	    source >= sources_count(g->src) ||
	    !(e = sources_at(g->src, (size_t)source)) || edition < -1 ||
	    edition >= (long)e->neds || sec < -1 || sec >= (long)d->ncites)
		return 0;
	*v = xrealloc(*v, (*n + 1) * sizeof(cite));
	x = (cite *)*v + (*n)++;
	x->doc = i;
	x->source = (size_t)source;
	x->edition = edition;
	x->section = sec >= 0 ? d->cites[sec].section : NULL;
	x->line = line;
	x->declared = declared != 0;
	return 1;
}

void
govern_finish(govern *g, corpus *c, diag_set *ds)
{
	size_t i;

	if (!g->lists)
		return;   /* finished already */
	g->paths = xcalloc(c->ndocs + 1, sizeof *g->paths);
	g->owners = xcalloc(c->ndocs + 1, sizeof *g->owners);
	g->urls = xcalloc(c->ndocs + 1, sizeof *g->urls);
	g->cite_off = xcalloc(c->ndocs + 1, sizeof *g->cite_off);
	for (i = 0; i < c->ndocs; i++) {
		/* in document order, so the XML does not depend on threads,
		 * and each document's are found without a search */
		cite_list *l = &g->lists[i];
		g->cite_off[i] = g->ncites;
		if (l->n) {
			g->cites = xrealloc(g->cites, (g->ncites + l->n) *
			    sizeof *g->cites);
			memcpy(g->cites + g->ncites, l->v, l->n * sizeof *l->v);
			g->ncites += l->n;
		}
		free(l->v);
		g->paths[i] = c->docs[i]->path;
		g->owners[i] = c->docs[i]->owner;
		g->urls[i] = page_url(c->project, c->docs[i]->id);
	}
	g->cite_off[c->ndocs] = g->ncites;
	free(g->lists);
	g->lists = NULL;
	g->nlists = 0;
	diag_set_documents(ds, g->paths, g->owners,
	    (const char *const *)g->urls, c->ndocs);
	g->ndocs = c->ndocs;
}

void
govern_free(govern *g)
{
	size_t i;
	if (!g)
		return;
	for (i = 0; i < g->ndocs; i++)
		free(g->urls[i]);
	free(g->urls);
	free(g->paths);
	free(g->owners);
	for (i = 0; i < g->ncontacts; i++)
		free(g->contacts[i].docs);
	free(g->contacts);
	for (i = 0; i < g->nlists; i++)
		free(g->lists[i].v);   /* begun, never finished */
	free(g->lists);
	free(g->cites);
	free(g->cite_off);
	sources_free(g->src);
	free(g);
}

/* ---- the XML ---- */

static void
cite_attrs(xmlNodePtr x, const govern *g, const cite *ct)
{
	const source_entry *e = sources_at(g->src, ct->source);
	set_attr(x, "source", e->id);
	set_attr(x, "title", e->title);
	if (ct->edition >= 0) {
		const source_edition *ed = &e->eds[ct->edition];
		set_attr(x, "edition", ed->name);
		set_attr(x, "date", ed->date);
		if (ed->successor >= 0) {
			set_attr(x, "superseded-by", e->eds[ed->successor].name);
			set_attr(x, "superseded-on", e->eds[ed->successor].date);
		}
	}
	if (ct->section)
		set_attr(x, "section", ct->section);
	set_attr(x, "how", ct->declared ? "declared" : "mention");
	set_attr_int(x, "line", ct->line);
}

void
govern_document_xml(xmlNodePtr root, const corpus *c, size_t i)
{
	const document *d = c->docs[i];
	const govern *g = c->govern;
	xmlNodePtr x = child(root, "control"), cs;
	char hash[DIGEST_HEX];
	char *url = live_url(c->project, d->id), until[11], sh[13];
	size_t k;

	digest_sha256_hex(d->source ? d->source : "", d->source ?
	    d->source_len : 0, hash);
	snprintf(sh, sizeof sh, "%.12s", hash);
	set_attr(x, "hash", hash);
	set_attr(x, "short-hash", sh);
	set_attr(x, "built", c->today);
	if (url)
		set_attr(x, "url", url);
	if (c->project->print_validity_hours > 0) {
		/* a copy printed on the build day is valid for whole days:
		 * 72h from that day is the day three days on */
		long days = (c->project->print_validity_hours + 23) / 24;
		date_from_days(date_to_days(c->today) + days, until);
		set_attr(x, "valid-until", until);
		set_attr_int(x, "validity-hours",
		    c->project->print_validity_hours);
	}
	free(url);
	if (!g)
		return;
	cs = child(root, "cites");
	for (k = i < g->ndocs ? g->cite_off[i] : 0;
	    i < g->ndocs && k < g->cite_off[i + 1]; k++)
		cite_attrs(child(cs, "cite"), g, &g->cites[k]);
}

static void
contacts_xml(xmlNodePtr root, const corpus *c, const govern *g)
{
	xmlNodePtr list = child(root, "contacts");
	size_t i, k;

	for (i = 0; i < g->ncontacts; i++) {
		const contact *ct = &g->contacts[i];
		xmlNodePtr x = child(list, "contact");
		set_attr(x, "id", ct->key);
		set_attr_int(x, "line", ct->line);
		for (k = 0; k < CK_N; k++) {
			xmlNodePtr v;
			if (!ct->v[k])
				continue;
			v = text_child(x, contact_keys[k], ct->v[k]);
			if (k == CK_VERIFIED)
				set_attr(v, "stale", ct->stale ? "true" : "false");
		}
		for (k = 0; k < ct->ndocs; k++) {
			xmlNodePtr u = child(x, "used-by");
			set_attr(u, "doc", c->docs[ct->docs[k]]->id);
			set_attr(u, "title", c->docs[ct->docs[k]]->title);
		}
	}
}

static void
cited_by(xmlNodePtr parent, const corpus *c, const govern *g, size_t s,
    long ed)
{
	size_t k;
	for (k = 0; k < g->ncites; k++) {
		const cite *ct = &g->cites[k];
		xmlNodePtr u;
		if (ct->source != s || ct->edition != ed)
			continue;
		u = child(parent, "cited-by");
		set_attr(u, "doc", c->docs[ct->doc]->id);
		set_attr(u, "title", c->docs[ct->doc]->title);
		set_attr(u, "how", ct->declared ? "declared" : "mention");
		if (ct->section)
			set_attr(u, "section", ct->section);
	}
}

static void
sources_xml(xmlNodePtr root, const corpus *c, const govern *g)
{
	xmlNodePtr list = child(root, "sources");
	size_t i, k;

	for (i = 0; i < sources_count(g->src); i++) {
		const source_entry *e = sources_at(g->src, i);
		xmlNodePtr x = child(list, "source");
		set_attr(x, "id", e->id);
		set_attr(x, "title", e->title);
		if (e->url && url_is_safe(e->url, 0))
			set_attr(x, "url", e->url);
		for (k = 0; k < e->neds; k++) {
			const source_edition *ed = &e->eds[k];
			xmlNodePtr y = child(x, "edition");
			set_attr(y, "name", ed->name);
			set_attr(y, "date", ed->date);
			if (ed->replaces)
				set_attr(y, "replaces", ed->replaces);
			if (ed->successor >= 0) {
				set_attr(y, "replaced-by",
				    e->eds[ed->successor].name);
				set_attr(y, "replaced-on",
				    e->eds[ed->successor].date);
			}
			cited_by(y, c, g, i, (long)k);
		}
		cited_by(x, c, g, i, -1);
	}
}

/* Keep in step with contacts_xml, sources_xml and cited_by: every
 * value they write that is not in corpus.xml's head. */
void
govern_corpus_digest(const corpus *c, digest_put_fn put, void *ctx)
{
	const govern *g = c->govern;
	size_t i, k;

	put(ctx, "govern 1", 0);
	if (!g)
		return;
	put(ctx, NULL, (long)g->ncontacts);
	for (i = 0; i < g->ncontacts; i++) {
		const contact *ct = &g->contacts[i];
		put(ctx, ct->key, 0);
		put(ctx, NULL, ct->line);
		for (k = 0; k < CK_N; k++)
			put(ctx, ct->v[k], 0);
		put(ctx, NULL, ct->stale);
		put(ctx, NULL, (long)ct->ndocs);
		for (k = 0; k < ct->ndocs; k++)
			put(ctx, NULL, (long)ct->docs[k]);
	}
	put(ctx, NULL, (long)sources_count(g->src));
	for (i = 0; i < sources_count(g->src); i++) {
		const source_entry *e = sources_at(g->src, i);
		put(ctx, e->id, 0);
		put(ctx, e->title, 0);
		put(ctx, e->url && url_is_safe(e->url, 0) ? e->url : NULL, 0);
		put(ctx, NULL, (long)e->neds);
		for (k = 0; k < e->neds; k++) {
			const source_edition *ed = &e->eds[k];
			put(ctx, ed->name, 0);
			put(ctx, ed->date, 0);
			put(ctx, ed->replaces, 0);
			put(ctx, NULL, ed->successor);
		}
	}
	put(ctx, NULL, (long)g->ncites);
	for (k = 0; k < g->ncites; k++) {
		const cite *ct = &g->cites[k];
		put(ctx, NULL, (long)ct->source);
		put(ctx, NULL, ct->edition);
		put(ctx, NULL, (long)ct->doc);
		put(ctx, NULL, ct->declared);
		put(ctx, ct->section, 0);
	}
}

void
govern_corpus_xml(xmlNodePtr root, const corpus *c)
{
	if (!c->govern)
		return;
	contacts_xml(root, c, c->govern);
	sources_xml(root, c, c->govern);
}
