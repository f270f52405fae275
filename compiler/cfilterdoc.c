/*
 * cfilterdoc.c — C mirrors (cfilters.h) of the shipped filters that read
 * a document's outline, images, paragraph numbers and dates, or the
 * corpus's link graph: heading-skip.lua, image-alt.lua, numbering.lua,
 * orphan.lua and review.lua.  Each function follows its Lua line for
 * line, with the Lua's words in its messages; where the Lua leans on a
 * Lua pattern, the comment gives the pattern and the C spells out what it
 * matches (policyc calls no setlocale: the C locale's classes).
 */
#include <stdlib.h>
#include <string.h>

#include "cfilters.h"
#include "date.h"
#include "luamodel.h"
#include "strtab.h"
#include "util.h"

/* Lua's %s in the C locale. */
static int lua_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* ---- heading-skip.lua ------------------------------------------------ */

static const char *const heading_skip_rules[] = { "heading-skip", NULL };

static void heading_skip_document(cf_ctx *x, const document *d)
{
	int prev = 1;
	size_t i;

	for (i = 0; i < d->nheadings; i++) {
		const heading *h = &d->headings[i];

		if (h->level > prev + 1)
			cf_report(x, "heading-skip", h->line, 0,
			    "heading \"%s\" is level %d straight after level "
			    "%d; use level %d", h->text ? h->text : "",
			    h->level, prev, prev + 1);
		prev = h->level;
	}
}

const cfilter cf_heading_skip = {
	.name = "heading-skip.lua",
	.sha256 = "8dd8165e50ffbb99dbecbea18bcc4ce22b5fd0010106ff42b8dd2afe8992c261",
	.rules = heading_skip_rules,
	.document = heading_skip_document,
};

/* ---- image-alt.lua ----------------------------------------------------- */

static const char *const image_alt_rules[] = { "image-alt", NULL };

static void image_alt_document(cf_ctx *x, const document *d)
{
	cmark_node *const *nodes;
	size_t n, i, j, len;

	if (d->nimages == 0)   /* push_node_list: no tree asked for */
		return;
	n = luamodel_nodes(d, LUAMODEL_IMAGES, &nodes);
	for (i = 0; i < n; i++) {
		const char *alt = luamodel_plain(cf_reader(x), nodes[i], &len);
		const char *src;
		int line, col;

		/* img.alt:find("%S") */
		for (j = 0; j < len && lua_space((unsigned char)alt[j]); j++)
			;
		if (j < len)
			continue;
		src = cmark_node_get_url(nodes[i]);
		luamodel_where(cf_reader(x), d, nodes[i], &line, &col);
		cf_report(x, "image-alt", line, col, "image \"%s\" has no alt "
		    "text; write what it shows between the brackets",
		    src ? src : "");
	}
}

const cfilter cf_image_alt = {
	.name = "image-alt.lua",
	.sha256 = "41c72ced44055147608ca7a925734a81259e60cc370beef7067c229708af7bf0",
	.rules = image_alt_rules,
	.document = image_alt_document,
};

/* ---- numbering.lua ----------------------------------------------------- */

static const char *const numbering_rules[] = { "numbering-duplicate", NULL };

/*
 * NUMBER = "^[ \t\v\f\r]*(%d+%.%d+[%d.]*)%f[%s\0]" at s: the line's own
 * spaces, digits, a dot, digits, digits and dots, and then a space (or
 * the text's end).  No backtracking can help a failed match (each part
 * ends where the next cannot start), so one greedy pass decides.  The
 * number's bytes in *num, *len; 0 when the line has none.
 */
static int line_number(const char *s, const char **num, size_t *len)
{
	const char *p = s, *start;

	while (*p == ' ' || *p == '\t' || *p == '\v' || *p == '\f' ||
	    *p == '\r')
		p++;
	start = p;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != '.')
		return 0;
	p++;
	if (*p < '0' || *p > '9')
		return 0;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	if (*p != '\0' && !lua_space((unsigned char)*p))
		return 0;
	*num = start;
	*len = (size_t)(p - start);
	return 1;
}

static void numbering_document(cf_ctx *x, const document *d)
{
	cmark_node *const *nodes;
	size_t n, k, len, nseen = 0, capseen = 0;
	int *seen = NULL;   /* the line of each number's first use */
	strtab *index = NULL;

	n = luamodel_nodes(d, LUAMODEL_PARAGRAPHS, &nodes);
	for (k = 0; k < n; k++) {
		const char *text = luamodel_plain(cf_reader(x), nodes[k], &len);
		const char *pos = text, *num, *nl;
		int pline, pcol, i = 0;
		size_t nlen;

		luamodel_where(cf_reader(x), d, nodes[k], &pline, &pcol);
		for (;;) {
			unsigned char c = (unsigned char)*pos;
			/* may_start: a digit or a space (the newline too) */
			if (pos < text + len && ((c >= '0' && c <= '9') ||
			    c == ' ' || (c >= 9 && c <= 13)) &&
			    line_number(pos, &num, &nlen)) {
				char *key;
				int at = pline + i;
				long s;

				/* num:gsub("%.$", "") */
				if (num[nlen - 1] == '.')
					nlen--;
				key = xstrndup(num, nlen);
				if (index == NULL)
					index = strtab_new(16);
				if ((s = strtab_get(index, key)) >= 0) {
					cf_report(x, "numbering-duplicate", at,
					    i == 0 ? pcol : 0, "paragraph "
					    "number %s is used twice (first at "
					    "line %d)", key, seen[s]);
				} else {
					if (nseen == capseen) {
						capseen = capseen ?
						    2 * capseen : 16;
						seen = xrealloc(seen, capseen *
						    sizeof *seen);
					}
					seen[nseen] = at;
					strtab_put(index, key, (long)nseen);
					nseen++;
				}
				free(key);
			}
			nl = memchr(pos, '\n', (size_t)(text + len - pos));
			if (nl == NULL)
				break;
			pos = nl + 1;
			i++;
		}
	}
	free(seen);
	if (index)
		strtab_free(index);
}

const cfilter cf_numbering = {
	.name = "numbering.lua",
	.sha256 = "95fa68ad5f2faa5c4d8390efb3bc33077072555ffa6450273c1c70e31708e4e2",
	.rules = numbering_rules,
	.document = numbering_document,
};

/* ---- orphan.lua -------------------------------------------------------- */

static const char *const orphan_rules[] = { "orphan", NULL };

/* The Lua keys its sets by id: mirrored while every document has an id
 * of its own, so a document's index stands for its id. */
static int orphan_mirrors(const corpus *c, const cfilter *f)
{
	strtab *ids = strtab_new(c->ndocs);
	size_t i;
	int ok = 1;

	(void)f;
	for (i = 0; i < c->ndocs && ok; i++) {
		if (c->docs[i]->id == NULL ||
		    strtab_get(ids, c->docs[i]->id) >= 0)
			ok = 0;
		else
			strtab_put(ids, c->docs[i]->id, (long)i);
	}
	strtab_free(ids);
	return ok;
}

static void orphan_corpus(cf_ctx *x, const corpus *c)
{
	unsigned char *reached;
	size_t i;

	if (c->ndocs < 2)
		return;   /* nothing to link from */
	reached = xcalloc(c->ndocs, 1);
	for (i = 0; i < c->nedges; i++) {
		const edge *e = &c->edges[i];

		if (e->from >= c->ndocs || e->to >= c->ndocs ||
		    e->from == e->to)
			continue;
		reached[e->to] = 1;
		if (e->kind == EDGE_RELATED)
			reached[e->from] = 1;
	}
	for (i = 0; i < c->ndocs; i++) {
		const document *d = c->docs[i];

		if (strcmp(d->status ? d->status : "active", "active") == 0 &&
		    !reached[i])
			cf_report_file(x, d->path, "orphan",
			    d->title_line > 0 ? d->title_line : 0, 0,
			    "no other document links to this one or lists "
			    "it as related");
	}
	free(reached);
}

const cfilter cf_orphan = {
	.name = "orphan.lua",
	.sha256 = "0e9e1d9b6565302108fa212ada1a8ff18858dc8f3df094d29377373e76c02390",
	.rules = orphan_rules,
	.mirrors = orphan_mirrors,
	.corpus = orphan_corpus,
};

/* ---- review.lua -------------------------------------------------------- */

static const char *const review_rules[] = { "review-overdue",
	"review-due-soon", "review-interval", NULL };

/* tonumber(ctx.config[key]) or dflt, mirrored for a whole number as
 * written; 0 for any other setting (the Lua runs). */
static int config_int(const corpus *c, const cfilter *f, const char *key,
    long dflt, long *out)
{
	const yval *v = cf_config(c, f, key);
	buf b;
	int r;

	*out = dflt;
	if (v == NULL)
		return 1;
	if (v->kind != YV_NUM)
		return 0;
	buf_init(&b);
	r = cf_tostring(v, &b);
	if (r == 1)
		*out = strtol(b.data, NULL, 10);
	buf_free(&b);
	return r == 1;
}

static int review_mirrors(const corpus *c, const cfilter *f)
{
	long days, max;

	/* date.add_months refuses more than 120,000 months */
	return config_int(c, f, "days", 60, &days) &&
	    config_int(c, f, "max-months", 36, &max) &&
	    max >= -120000 && max <= 120000;
}

/* ctx.config.days and ctx.config["max-months"], read once. */
typedef struct {
	long soon, max;
} review_settings;

static void *review_prepare(const corpus *c, const cfilter *f)
{
	review_settings *s = xcalloc(1, sizeof *s);

	(void)config_int(c, f, "days", 60, &s->soon);
	(void)config_int(c, f, "max-months", 36, &s->max);
	return s;
}

/* The last pair of key in a map (what lua_setfield in order leaves), or
 * -1. */
static long last_key(const yval *map, const char *key)
{
	long k = -1;
	size_t i;

	if (map == NULL || map->kind != YV_MAP)
		return -1;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0)
			k = (long)i;
	return k;
}

/* type(doc.meta[key]) == "string" and ctx.date.parse(it), into out: the
 * normalised date policyc keeps, else the front matter's own string. */
static int meta_date(const document *d, const char *key, const char *norm,
    char out[11])
{
	const char *s = norm;
	long k;

	if (s == NULL) {
		k = last_key(d->meta, key);
		if (k < 0 || d->meta->items[k] == NULL ||
		    d->meta->items[k]->kind != YV_STR)
			return 0;
		s = d->meta->items[k]->str ? d->meta->items[k]->str : "";
	}
	return date_parse(s, out);
}

static const char *plural_s(long n)
{
	return n == 1 ? "" : "s";
}

static void review_document(cf_ctx *x, const document *d)
{
	char due[11], approved[11], later[11];
	const review_settings *settings = cf_state(x);
	long days = d->review_days, soon, max;
	long k = last_key(d->meta, "review");
	int line = 0, col = 0;

	if (d->review_state == REVIEW_SKIPPED)
		return;
	if (!meta_date(d, "review", d->review, due))
		return;
	if (k >= 0) {   /* doc.meta_lines.review, doc.meta_columns.review */
		line = d->meta->key_lines ? d->meta->key_lines[k] : 0;
		col = d->meta->items[k] ? d->meta->items[k]->col : 0;
	}
	soon = settings->soon;
	if (d->review_state == REVIEW_OVERDUE)
		cf_report(x, "review-overdue", line, col, "review date %s has "
		    "passed (%ld day%s overdue)", due, days, plural_s(days));
	else if (d->review_state == REVIEW_DUE_SOON && days == 0)
		cf_report(x, "review-due-soon", line, col,
		    "review date %s is today", due);
	else if (d->review_state == REVIEW_DUE_SOON)
		cf_report(x, "review-due-soon", line, col, "review date %s is "
		    "in %ld day%s (within %ld)", due, days, plural_s(days),
		    soon);

	if (!meta_date(d, "approved", d->approved, approved))
		return;
	max = settings->max;
	if (strcmp(due, approved) < 0)
		cf_report(x, "review-interval", line, col, "review date %s is "
		    "before the approval date %s", due, approved);
	else {
		date_add_months(approved, (int)max, later);
		if (strcmp(due, later) > 0)
			cf_report(x, "review-interval", line, col,
			    "review date %s is more than %ld months after "
			    "approval on %s", due, max, approved);
	}
}

const cfilter cf_review = {
	.name = "review.lua",
	.sha256 = "db3c186c1d6367ebf36713f449135c6000801278ee758e79071aab7c8bedb32f",
	.rules = review_rules,
	.mirrors = review_mirrors,
	.prepare = review_prepare,
	.release = free,
	.document = review_document,
};
