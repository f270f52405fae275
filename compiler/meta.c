/*
 * meta.c — the typed document model.  A document's front matter is read
 * here, once, into C fields of the document (status as an enum, owner,
 * version, dates normalised, tags, audience, amendments, history, related,
 * superseded-by, the id: override) and checked: meta-invalid for a known
 * key of the wrong form, meta-unknown for a key this version does not know
 * (with a "did you mean"), meta-required for missing keys.  It sits
 * between the front-matter split (document_load) and every later pass:
 * the link pass, the XML writer and the Lua bridge read these fields and
 * never the raw tree.  After the corpus is indexed and today is known,
 * meta_judge computes each document's review state once, so the site
 * badge, the PDF and the review rules cannot disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "date.h"
#include "document.h"
#include "meta.h"
#include "util.h"

/* The keys DESIGN.md's front matter defines, in its order.  Keys outside
 * this list are kept as extra fields (XML <field>, Lua doc.meta). */
static const char *const design_keys[] = {
	"id", "title", "type", "status", "owner", "version", "approved",
	"approved-by", "review", "superseded-by", "tags", "audience",
	"amendments", "history", "related", "cites", NULL
};

/* Keys of other tools this version reads (as status draft): not
 * meta-unknown, still kept as extra fields. */
static const char *const foreign_keys[] = {
	"draft", "published", "redirect_from", "aliases",
	/* presentation keys of Jekyll, Hugo, Eleventy and Middleman: they
	 * say nothing about the policy, so a repository written for those
	 * tools is not a page of meta-unknown warnings; kept as fields */
	"layout", "permalink", "weight", "menu", "nav_order", "parent",
	"grand_parent", "has_children", "toc", "sidebar", "slug", "url",
	"lastmod", "date", "categories", "sitemap", "redirect_to",
	"description", "eleventyNavigation", "params", NULL
};

static const char *const statuses[] = {
	"active", "draft", "withdrawn", "superseded", NULL
};

static int
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* A text value, or NULL when it is absent, empty, not text, or YAML's
 * null (`~`, `null`: the key left blank, never the word itself). */
static const char *
text_of(const yval *v)
{
	const char *s = v && v->kind != YV_NULL ? yval_str(v) : NULL;
	return s && *s ? s : NULL;
}

static char *
dup_nonempty(const yval *v)
{
	const char *s = text_of(v);
	return s ? xstrdup(s) : NULL;
}

/* ---- checks of one key ---- */

static void
read_date(document *d, const char *key, char **out, diag_set *ds)
{
	yval *v = yval_get(d->meta, key);
	char norm[11];
	if (!v || v->kind == YV_NULL)
		return;
	if (!yval_is_scalar(v) || !date_parse(v->str, norm)) {
		diag_report(ds, R_META_INVALID, d->path, v->line, v->col,
		    "%s: '%s' is not a real ISO date (YYYY-MM-DD or YYYY-MM)",
		    key, yval_str(v) ? v->str : yval_kind_name(v->kind));
		return;
	}
	*out = xstrdup(norm);
}

/* A text value: NULL (reported) when it is a list or a map. */
static const yval *
scalar_key(document *d, const char *key, diag_set *ds)
{
	yval *v = yval_get(d->meta, key);
	if (v && !yval_is_scalar(v)) {
		diag_report(ds, R_META_INVALID, d->path, v->line, v->col,
		    "%s must be text, not a %s", key, yval_kind_name(v->kind));
		return NULL;
	}
	return v;
}

/* A list of text.  A single string is read as a one-item list (as
 * project.c does for packs), see docs/decisions.md. */
static char **
string_list(document *d, const char *key, size_t *n, diag_set *ds)
{
	yval *v = yval_get(d->meta, key);
	char **out;
	size_t i;

	*n = 0;
	if (!v || v->kind == YV_NULL)
		return NULL;
	if (yval_is_scalar(v)) {
		out = xmalloc(sizeof *out);
		out[(*n)++] = xstrdup(yval_str(v));
		return out;
	}
	if (v->kind != YV_LIST) {
		diag_report(ds, R_META_INVALID, d->path, v->line, v->col,
		    "%s must be a list", key);
		return NULL;
	}
	out = xcalloc(v->n ? v->n : 1, sizeof *out);
	for (i = 0; i < v->n; i++) {
		const yval *e = v->items[i];
		if (!yval_is_scalar(e))
			diag_report(ds, R_META_INVALID, d->path, e->line, e->col,
			    "items of %s must be text", key);
		else if (e->kind != YV_NULL)
			out[(*n)++] = xstrdup(yval_str(e));
	}
	return out;
}

/* Checks a list of maps (amendments, history): returns the list, or NULL
 * after reporting when it is not one.  Unknown keys of an entry and a
 * date: that is not an ISO date are reported. */
static const yval *
dated_list(document *d, const char *key, const char *const *fields,
    diag_set *ds)
{
	yval *v = yval_get(d->meta, key);
	size_t i, j;
	char norm[11];

	if (!v || v->kind == YV_NULL)
		return NULL;
	if (v->kind != YV_LIST) {
		diag_report(ds, R_META_INVALID, d->path, v->line, v->col,
		    "%s must be a list of entries", key);
		return NULL;
	}
	for (i = 0; i < v->n; i++) {
		yval *e = v->items[i], *date;
		if (e->kind != YV_MAP) {
			diag_report(ds, R_META_INVALID, d->path, e->line, e->col,
			    "each entry of %s must be a map (%s: ...)", key, fields[0]);
			continue;
		}
		for (j = 0; j < e->n; j++)
			if (!in_list(fields, e->keys[j]))
				diag_report(ds, R_META_INVALID, d->path,
				    e->key_lines[j], e->key_cols[j],
				    "unknown key '%s' in an entry of %s", e->keys[j], key);
			else if (strcmp(e->keys[j], "date") != 0 &&
			    !yval_is_scalar(e->items[j]))
				/* version: [1, 2] would be a row with no version */
				diag_report(ds, R_META_INVALID, d->path,
				    e->items[j]->line, e->items[j]->col,
				    "%s: in an entry of %s must be text, not a %s",
				    e->keys[j], key, yval_kind_name(e->items[j]->kind));
		if (e->n == 0)
			diag_report(ds, R_META_INVALID, d->path, e->line, e->col,
			    "an empty entry of %s (give it %s: and %s:)", key,
			    fields[0], fields[1]);
		date = yval_get(e, "date");
		if (date && (!yval_is_scalar(date) || !date_parse(date->str, norm)))
			diag_report(ds, R_META_INVALID, d->path, date->line,
			    date->col, "%s date '%s' is not a real ISO date", key,
			    yval_str(date) ? date->str : yval_kind_name(date->kind));
	}
	return v;
}

/* date: of an entry, normalised, or NULL. */
static char *
entry_date(const yval *e)
{
	const char *s = yval_str(yval_get(e, "date"));
	char norm[11];
	return s && *s && date_parse(s, norm) ? xstrdup(norm) : NULL;
}

static void
read_amendments(document *d, diag_set *ds)
{
	static const char *const fields[] = { "date", "summary", NULL };
	const yval *v = dated_list(d, "amendments", fields, ds);
	size_t i;

	if (!v)
		return;
	d->amendments = xcalloc(v->n ? v->n : 1, sizeof *d->amendments);
	for (i = 0; i < v->n; i++) {
		const yval *e = v->items[i], *s;
		meta_amendment *a;
		if (e->kind != YV_MAP || e->n == 0)   /* reported */
			continue;
		/* without a summary an entry is a date with nothing after it
		 * on every page and in the feed: left out (one that is a
		 * list or a map is reported by dated_list already) */
		s = yval_get(e, "summary");
		if (!text_of(s)) {
			if (!s || yval_is_scalar(s))
				diag_report(ds, R_META_INVALID, d->path,
				    e->line, e->col, "an entry of amendments "
				    "needs summary: (what changed)");
			continue;
		}
		a = &d->amendments[d->namendments++];
		a->date = entry_date(e);
		a->summary = xstrdup(text_of(s));
		a->line = e->line;
		a->col = e->col;
	}
}

static void
read_history(document *d, diag_set *ds)
{
	static const char *const fields[] = {
		"version", "date", "by", "note", NULL
	};
	const yval *v = dated_list(d, "history", fields, ds);
	size_t i;

	if (!v)
		return;
	d->history = xcalloc(v->n ? v->n : 1, sizeof *d->history);
	for (i = 0; i < v->n; i++) {
		const yval *e = v->items[i];
		meta_history *h;
		if (e->kind != YV_MAP || e->n == 0)   /* reported */
			continue;
		h = &d->history[d->nhistory++];
		h->version = dup_nonempty(yval_get(e, "version"));
		h->date = entry_date(e);
		h->by = dup_nonempty(yval_get(e, "by"));
		h->note = dup_nonempty(yval_get(e, "note"));
		h->line = e->line;
		h->col = e->col;
	}
}

/* related: a list of ids, {id, note} maps or URLs (a single entry is read
 * as a one-item list). */
static void
read_related(document *d, diag_set *ds)
{
	yval *v = yval_get(d->meta, "related");
	size_t i, n;

	if (!v || v->kind == YV_NULL)
		return;
	if (v->kind == YV_MAP)
		diag_report(ds, R_META_INVALID, d->path, v->line, v->col,
		    "related must be a list of ids, {id, note} or URLs");
	n = v->kind == YV_LIST ? v->n : 1;
	d->related = xcalloc(n ? n : 1, sizeof *d->related);
	for (i = 0; i < n; i++) {
		const yval *it = v->kind == YV_LIST ? v->items[i] : v;
		const char *name = NULL, *note = NULL, *href = NULL,
		    *title = NULL;
		meta_related *r;
		if (v->kind == YV_LIST) {
			if (it->kind == YV_MAP && !yval_get(it, "id") &&
			    !yval_get(it, "url"))
				diag_report(ds, R_META_INVALID, d->path, it->line,
				    it->col, "a related entry needs id: (or url:)");
			else if (it->kind == YV_LIST)
				diag_report(ds, R_META_INVALID, d->path, it->line,
				    it->col, "a related entry must be an id, "
				    "{id, note} or a URL");
		}
		if (yval_is_scalar(it))
			name = yval_str(it);
		else if (it->kind == YV_MAP) {
			name = yval_str(yval_get(it, "id"));
			note = yval_str(yval_get(it, "note"));
			href = yval_str(yval_get(it, "url"));
			if (!href)
				href = yval_str(yval_get(it, "href"));
			title = yval_str(yval_get(it, "title"));
			if (!title)
				title = note;
		}
		if (!name && !href)
			continue;   /* reported above */
		r = &d->related[d->nrelated++];
		r->name = name ? xstrdup(name) : NULL;
		r->url = href ? xstrdup(href) : NULL;
		r->title = title ? xstrdup(title) : NULL;
		r->note = note ? xstrdup(note) : NULL;
		r->line = it->line;
		r->col = it->col;
	}
}

/* status:, and draft: / published: as other tools write them. */
static void
read_status(document *d, diag_set *ds)
{
	yval *v = yval_get(d->meta, "status");
	const char *const *s;
	const yval *draft = yval_get(d->meta, "draft");
	const yval *pub = yval_get(d->meta, "published");
	const yval *says_draft = NULL;

	d->status_kind = STATUS_ACTIVE;
	if (v && v->kind != YV_NULL) {
		int k = -1, i;
		if (yval_str(v))
			for (s = statuses, i = 0; *s; s++, i++)
				if (strcmp(*s, v->str) == 0)
					k = i;
		if (k >= 0) {
			d->status_kind = (enum doc_status)k;
			d->status = xstrdup(v->str);
		} else {
			d->status_kind = STATUS_OTHER;
			diag_report(ds, R_META_INVALID, d->path, v->line, v->col,
			    "status '%s' is not one of draft, active, withdrawn, "
			    "superseded", yval_str(v) ? v->str : "");
		}
	}
	if (draft && draft->kind != YV_NULL && draft->kind != YV_BOOL)
		diag_report(ds, R_META_INVALID, d->path, draft->line, draft->col,
		    "draft must be true or false");
	else if (draft && draft->kind == YV_BOOL && draft->boolean)
		says_draft = draft;
	if (pub && pub->kind != YV_NULL && pub->kind != YV_BOOL)
		diag_report(ds, R_META_INVALID, d->path, pub->line, pub->col,
		    "published must be true or false");
	else if (!says_draft && pub && pub->kind == YV_BOOL && !pub->boolean)
		says_draft = pub;
	if (!says_draft)
		return;
	if (v && v->kind != YV_NULL) {
		if (d->status_kind != STATUS_DRAFT)
			diag_report(ds, R_META_DRAFT, d->path, says_draft->line,
			    says_draft->col, "%s is ignored: status: %s says "
			    "otherwise", says_draft == draft ? "draft: true" :
			    "published: false", yval_str(v) ? v->str : "");
		return;
	}
	d->status_kind = STATUS_DRAFT;
	d->status = xstrdup("draft");
	diag_report(ds, R_META_DRAFT, d->path, says_draft->line,
	    says_draft->col, "%s is read as status: draft (left out unless "
	    "--drafts); write status: draft instead",
	    says_draft == draft ? "draft: true" : "published: false");
}

/* 1 when rules: meta-required: names key (under keys: or a type): a key
 * the project requires is one it knows. */
static int
required_by_project(const project *p, const char *key)
{
	yval *set = p ? project_rule_settings(p, "meta-required") : NULL;
	size_t i, j;

	for (i = 0; set && i < set->n; i++) {
		const yval *l = set->items[i];
		if (l->kind != YV_LIST)
			continue;
		for (j = 0; j < l->n; j++)
			if (yval_str(l->items[j]) && !strcmp(yval_str(l->items[j]), key))
				return 1;
	}
	return 0;
}

/* meta-unknown: keys outside DESIGN.md's list and the foreign keys we
 * read, unless rules: meta-unknown: {allow: [...]} names them.  Every
 * key outside DESIGN.md's list is kept as an extra field. */
static void
read_unknown(const project *p, document *d, diag_set *ds)
{
	yval *set = p ? project_rule_settings(p, "meta-unknown") : NULL;
	yval *allow = set ? yval_get(set, "allow") : NULL;
	size_t i, j, nknown = 0;
	const char *known[sizeof design_keys / sizeof *design_keys +
	    sizeof foreign_keys / sizeof *foreign_keys];
	const char *const *k;

	for (k = design_keys; *k; k++)
		known[nknown++] = *k;
	for (k = foreign_keys; *k; k++)
		known[nknown++] = *k;
	d->extra = xcalloc(d->meta->n ? d->meta->n : 1, sizeof *d->extra);
	for (i = 0; i < d->meta->n; i++) {
		const char *key = d->meta->keys[i];
		int allowed = 0;
		const char *hint;
		if (in_list(design_keys, key))
			continue;
		d->extra[d->nextra].key = key;
		d->extra[d->nextra++].value = d->meta->items[i];
		if (in_list(foreign_keys, key))
			continue;
		if (allow && allow->kind == YV_LIST)
			for (j = 0; j < allow->n; j++)
				allowed |= yval_str(allow->items[j]) &&
				    !strcmp(yval_str(allow->items[j]), key);
		else if (allow && yval_str(allow))
			allowed = !strcmp(yval_str(allow), key);
		if (allowed || required_by_project(p, key))
			continue;
		hint = suggest(key, known, nknown);
		if (hint)
			diag_report(ds, R_META_UNKNOWN, d->path,
			    d->meta->key_lines[i], d->meta->key_cols[i],
			    "unknown front matter key '%s' (did you mean '%s'?)",
			    key, hint);
		else
			diag_report(ds, R_META_UNKNOWN, d->path,
			    d->meta->key_lines[i], d->meta->key_cols[i],
			    "unknown front matter key '%s' (if another tool reads "
			    "it, list it in rules: meta-unknown: {allow: [...]})",
			    key);
	}
}

/* redirect_from: (Jekyll) and aliases: (Hugo): a path or a list of
 * paths; judged as output paths by the link pass. */
static void
read_aliases(document *d, diag_set *ds)
{
	static const char *const keys[] = { "redirect_from", "aliases" };
	size_t k, i;
	for (k = 0; k < 2; k++) {
		const yval *v = yval_get(d->meta, keys[k]);
		size_t n;
		if (!v || v->kind == YV_NULL)
			continue;
		if (v->kind != YV_LIST && !yval_is_scalar(v)) {
			diag_report(ds, R_META_INVALID, d->path, v->line, v->col,
			    "'%s' must be a path or a list of paths", keys[k]);
			continue;
		}
		n = v->kind == YV_LIST ? v->n : 1;
		d->aliases = xrealloc(d->aliases,
		    (d->naliases + n) * sizeof *d->aliases);
		for (i = 0; i < n; i++) {
			const yval *it = v->kind == YV_LIST ? v->items[i] : v;
			meta_alias *a;
			if (!yval_is_scalar(it) || it->kind == YV_NULL ||
			    !*it->str) {
				diag_report(ds, R_META_INVALID, d->path, it->line,
				    it->col, "items of '%s' must be paths",
				    keys[k]);
				continue;
			}
			a = &d->aliases[d->naliases++];
			memset(a, 0, sizeof *a);
			a->path = xstrdup(it->str);
			a->line = it->line;
			a->col = it->col;
		}
	}
}

void
meta_read(const project *p, document *d, diag_set *ds)
{
	const yval *v;

	d->status_kind = STATUS_ACTIVE;
	if (!d->meta)
		return;
	d->meta_line = d->meta->line;
	if ((v = scalar_key(d, "title", ds)) && text_of(v)) {
		d->title = xstrdup(v->str);
		d->title_line = v->line;
	}
	if ((v = scalar_key(d, "type", ds)) && v->kind != YV_NULL &&
	    yval_str(v))
		d->type = xstrdup(v->str);
	d->owner = dup_nonempty(scalar_key(d, "owner", ds));
	d->version = dup_nonempty(scalar_key(d, "version", ds));
	d->approved_by = dup_nonempty(scalar_key(d, "approved-by", ds));
	if ((v = scalar_key(d, "superseded-by", ds)) &&
	    (d->superseded_by = dup_nonempty(v)) != NULL) {
		d->superseded_by_line = v->line;
		d->superseded_by_col = v->col;
	}
	(void)scalar_key(d, "id", ds);
	if ((v = yval_get(d->meta, "id")) != NULL) {
		d->id_line = v->line;
		d->id_col = v->col;
	}
	d->tags = string_list(d, "tags", &d->ntags, ds);
	d->audience = string_list(d, "audience", &d->naudience, ds);
	read_date(d, "approved", &d->approved, ds);
	read_date(d, "review", &d->review, ds);
	read_amendments(d, ds);
	read_history(d, ds);
	read_related(d, ds);
	read_aliases(d, ds);
	meta_read_cites(d, ds);
	read_status(d, ds);
	read_unknown(p, d, ds);
}

const char *
meta_id(const document *d)
{
	const char *s = yval_str(yval_get(d->meta, "id"));
	return d->id_line && s && *s ? s : NULL;
}

/* The keys meta-required asks for: rules: meta-required: {TYPE: [...],
 * keys: [...]}; default title, owner, review. */
void
meta_check_required(const project *p, document *d, diag_set *ds)
{
	static const char *const defaults[] = { "title", "owner", "review", NULL };
	yval *settings = project_rule_settings(p, "meta-required"), *list = NULL;
	buf missing;
	size_t i;
	int line = d->meta ? d->meta->line : 1;

	if (settings) {
		list = d->type && *d->type ? yval_get(settings, d->type) : NULL;
		if (!list)
			list = yval_get(settings, "keys");
	}
	buf_init(&missing);
	if (list && list->kind == YV_LIST) {
		for (i = 0; i < list->n; i++) {
			const char *k = yval_str(list->items[i]);
			if (k && !yval_get(d->meta, k))
				buf_printf(&missing, "%s%s", missing.len ? ", " : "", k);
		}
	} else {
		const char *const *k;
		for (k = defaults; *k; k++)
			if (!yval_get(d->meta, *k))
				buf_printf(&missing, "%s%s", missing.len ? ", " : "", *k);
	}
	if (missing.len)
		diag_report(ds, R_META_REQUIRED, d->path, line > 0 ? line : 1,
		    d->meta ? 1 : 0, "%s: missing %s",
		    d->meta ? "front matter" : "no front matter", missing.data);
	buf_free(&missing);
}

/* ---- judging against today ---- */

void
meta_judge(corpus *c, diag_set *ds)
{
	yval *s = c->project ?
	    project_rule_settings(c->project, "review-due-soon") : NULL;
	yval *days = s ? yval_get(s, "days") : NULL;
	long soon = META_DUE_SOON_DAYS;
	size_t i;

	(void)ds;   /* project.c reports a days: of the wrong type */
	if (days && days->kind == YV_NUM && days->num >= 0)
		soon = (long)days->num;
	for (i = 0; i < c->ndocs; i++) {
		document *d = c->docs[i];
		long left;
		d->review_state = REVIEW_NONE;
		d->review_days = 0;
		if (!d->review)
			continue;
		left = date_days_between(c->today, d->review);
		if (d->status_kind == STATUS_DRAFT ||
		    d->status_kind == STATUS_WITHDRAWN ||
		    d->status_kind == STATUS_SUPERSEDED) {
			d->review_state = REVIEW_SKIPPED;
			d->review_days = left;
		} else if (left < 0) {
			d->review_state = REVIEW_OVERDUE;
			d->review_days = -left;
		} else {
			d->review_state = left <= soon ? REVIEW_DUE_SOON : REVIEW_OK;
			d->review_days = left;
		}
	}
}

const char *
meta_review_state_name(enum review_state s)
{
	switch (s) {
	case REVIEW_OK: return "ok";
	case REVIEW_DUE_SOON: return "due-soon";
	case REVIEW_OVERDUE: return "overdue";
	case REVIEW_SKIPPED: return "skipped";
	case REVIEW_NONE: break;
	}
	return "none";
}

const char *
meta_status_name(enum doc_status s)
{
	switch (s) {
	case STATUS_DRAFT: return "draft";
	case STATUS_WITHDRAWN: return "withdrawn";
	case STATUS_SUPERSEDED: return "superseded";
	case STATUS_ACTIVE: case STATUS_OTHER: break;
	}
	return "active";
}

enum doc_status
meta_status_parse(const char *word)
{
	enum doc_status s;

	if (!word || !*word)
		return STATUS_ACTIVE;
	for (s = STATUS_ACTIVE; s < STATUS_OTHER; s++)
		if (strcmp(word, meta_status_name(s)) == 0)
			return s;
	return STATUS_OTHER;
}

static void
free_strv(char **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
meta_free_fields(document *d)
{
	size_t i;
	free(d->owner);
	free(d->version);
	free(d->approved_by);
	free(d->superseded_by);
	free_strv(d->tags, d->ntags);
	free_strv(d->audience, d->naudience);
	for (i = 0; i < d->namendments; i++) {
		free(d->amendments[i].date);
		free(d->amendments[i].summary);
	}
	free(d->amendments);
	for (i = 0; i < d->nhistory; i++) {
		free(d->history[i].version);
		free(d->history[i].date);
		free(d->history[i].by);
		free(d->history[i].note);
	}
	free(d->history);
	for (i = 0; i < d->nrelated; i++) {
		free(d->related[i].name);
		free(d->related[i].url);
		free(d->related[i].title);
		free(d->related[i].note);
	}
	free(d->related);
	for (i = 0; i < d->naliases; i++) {
		free(d->aliases[i].path);
		free(d->aliases[i].key);
	}
	free(d->aliases);
	for (i = 0; i < d->ncites; i++) {
		free(d->cites[i].source);
		free(d->cites[i].edition);
		free(d->cites[i].section);
	}
	free(d->cites);
	free(d->extra);
}

/* cites: [{source: working-together, edition: 2018, section: "Chapter 2"}]
 * (a bare string names a source with no edition).  Whether the source and
 * edition exist is the registry's business (sources.c); here only the
 * form is judged. */
void
meta_read_cites(document *d, diag_set *ds)
{
	static const char *const fields[] = {
		"source", "edition", "section", NULL
	};
	yval *v = yval_get(d->meta, "cites");
	size_t i, j, n;

	if (!v || v->kind == YV_NULL)
		return;
	if (v->kind != YV_LIST && !yval_is_scalar(v)) {
		diag_report(ds, R_META_INVALID, d->path, v->line, v->col,
		    "cites must be a list of {source, edition, section}");
		return;
	}
	n = v->kind == YV_LIST ? v->n : 1;
	d->cites = xcalloc(n ? n : 1, sizeof *d->cites);
	for (i = 0; i < n; i++) {
		const yval *e = v->kind == YV_LIST ? v->items[i] : v;
		const char *src = NULL, *ed = NULL, *sec = NULL;
		meta_cite *m;
		if (yval_is_scalar(e))
			src = yval_str(e);
		else if (e->kind == YV_MAP) {
			for (j = 0; j < e->n; j++)
				if (!in_list(fields, e->keys[j])) {
					const char *hint = suggest(e->keys[j],
					    fields, 3);
					diag_report(ds, R_META_INVALID, d->path,
					    e->key_lines[j], e->key_cols[j],
					    "unknown key '%s' in a cites entry%s%s%s",
					    e->keys[j], hint ? " (did you mean '" : "",
					    hint ? hint : "", hint ? "'?)" : "");
				}
			src = yval_str(yval_get(e, "source"));
			ed = yval_str(yval_get(e, "edition"));
			sec = yval_str(yval_get(e, "section"));
		}
		if (!src || !*src) {
			diag_report(ds, R_META_INVALID, d->path, e->line, e->col,
			    "a cites entry needs source: (an id of the sources "
			    "registry)");
			continue;
		}
		m = &d->cites[d->ncites++];
		m->source = xstrdup(src);
		m->edition = ed && *ed ? xstrdup(ed) : NULL;
		m->section = sec && *sec ? xstrdup(sec) : NULL;
		m->line = e->line;
		m->col = e->col;
	}
}
