/*
 * pdfstyle.c — the PDF back end's style: built-in defaults, then
 * templates/pdf/style.conf from the data folder, then the project's own
 * templates/pdf/style.conf, then the branding of the XML <project>
 * (organisation, colours, logo).  Also the per-thread Pango state and small
 * XML and date helpers the rest of compiler/pdf/ shares.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brand.h"
#include "pdfint.h"

/* "#rrggbb" (or "#rgb") into cairo's 0..1 channels, through the one
 * colour parser (brand.c).  Returns 1, or 0 when s is no colour. */
static int
parse_colour(const char *s, pdf_rgb *out)
{
	double rgb[3];

	if (!s || brand_parse_hex(s, rgb) != 0)
		return 0;
	out->r = rgb[0] / 255;
	out->g = rgb[1] / 255;
	out->b = rgb[2] / 255;
	return 1;
}

static void
set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

static void
apply(pdf_style *st, const char *k, const char *v)
{
	static const struct {
		const char *key;
		size_t off;
	} nums[] = {
		{ "size.body", offsetof(pdf_style, size_body) },
		{ "size.small", offsetof(pdf_style, size_small) },
		{ "size.code", offsetof(pdf_style, size_code) },
		{ "size.title", offsetof(pdf_style, size_title) },
		{ "size.h1", offsetof(pdf_style, size_h) + 1 * sizeof(double) },
		{ "size.h2", offsetof(pdf_style, size_h) + 2 * sizeof(double) },
		{ "size.h3", offsetof(pdf_style, size_h) + 3 * sizeof(double) },
		{ "size.h4", offsetof(pdf_style, size_h) + 4 * sizeof(double) },
		{ "size.h5", offsetof(pdf_style, size_h) + 5 * sizeof(double) },
		{ "size.h6", offsetof(pdf_style, size_h) + 6 * sizeof(double) },
		{ "line-spacing", offsetof(pdf_style, line_spacing) },
		{ "margin.top", offsetof(pdf_style, margin_top) },
		{ "margin.bottom", offsetof(pdf_style, margin_bottom) },
		{ "margin.left", offsetof(pdf_style, margin_left) },
		{ "margin.right", offsetof(pdf_style, margin_right) },
		{ "gap.paragraph", offsetof(pdf_style, para_gap) },
		{ "indent.list", offsetof(pdf_style, list_indent) },
		{ "indent.quote", offsetof(pdf_style, quote_indent) },
		{ "table.cell-padding", offsetof(pdf_style, cell_pad) },
	};
	static const struct {
		const char *key;
		size_t off;
	} cols[] = {
		{ "colour.text", offsetof(pdf_style, text) },
		{ "colour.muted", offsetof(pdf_style, muted) },
		{ "colour.primary", offsetof(pdf_style, primary) },
		{ "colour.accent", offsetof(pdf_style, accent) },
		{ "colour.rule", offsetof(pdf_style, rule) },
		{ "colour.code-bg", offsetof(pdf_style, code_bg) },
		{ "colour.box-bg", offsetof(pdf_style, box_bg) },
		{ "colour.head-bg", offsetof(pdf_style, head_bg) },
		{ "colour.border", offsetof(pdf_style, border) },
		{ "colour.overdue", offsetof(pdf_style, overdue) },
		{ "colour.due-soon", offsetof(pdf_style, due_soon) },
		{ "colour.current", offsetof(pdf_style, current) },
		{ "colour.term", offsetof(pdf_style, term) },
	};
	size_t i;

	if (!strcmp(k, "font.body")) {
		set_str(&st->font_body, v);
		return;
	}
	if (!strcmp(k, "font.heading")) {
		set_str(&st->font_head, v);
		return;
	}
	if (!strcmp(k, "font.mono")) {
		set_str(&st->font_mono, v);
		return;
	}
	if (!strcmp(k, "log.sign-rows")) {
		st->sign_rows = atoi(v);
		return;
	}
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (!strcmp(k, nums[i].key)) {
			double d = atof(v);
			if (d > 0 && d < 1000)
				*(double *)((char *)st + nums[i].off) = d;
			return;
		}
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (!strcmp(k, cols[i].key)) {
			parse_colour(v, (pdf_rgb *)((char *)st + cols[i].off));
			return;
		}
}

static void
trim(char **s)
{
	char *p = *s, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	*s = p;
}

static void
load_conf(pdf_style *st, const char *dir)
{
	char *path, *text, *line, *save = NULL;
	size_t len;

	if (!dir)
		return;
	path = path_join(dir, "templates/pdf/style.conf");
	text = read_file(path, &len);
	free(path);
	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *eq, *k, *v;

		/* Only whole-line comments: colours hold a '#'. */
		if (line[strspn(line, " \t")] == '#')
			continue;
		if (!(eq = strchr(line, '=')))
			continue;
		*eq = '\0';
		k = line;
		v = eq + 1;
		trim(&k);
		trim(&v);
		if (*k && *v)
			apply(st, k, v);
	}
	free(text);
}


/* The status word of <meta><status> as meta.c names it (absent or
 * unknown: active, as the XML writer says).  The one place compiler/pdf
 * reads a status word. */
enum doc_status
pdf_status_of(xmlNodePtr meta)
{
	xmlNodePtr n = xmlread_child(meta, "status");
	char *w = n ? xmlread_text_or(n, "") : NULL;
	enum doc_status found = meta_status_parse(w);

	free(w);
	return found == STATUS_OTHER ? STATUS_ACTIVE : found;
}

/* The review state of <review state=>: the XML writes "current" where
 * meta.c says "ok"; anything else (none, skipped, absent) is NONE. */
enum review_state
pdf_review_of(xmlNodePtr review)
{
	static const struct { const char *word; enum review_state s; } w[] = {
		{ "overdue", REVIEW_OVERDUE }, { "due-soon", REVIEW_DUE_SOON },
		{ "current", REVIEW_OK }, { "ok", REVIEW_OK },
	};
	char *v = review ? xmlread_attr(review, "state") : NULL;
	enum review_state r = REVIEW_NONE;
	size_t i;

	for (i = 0; v && i < sizeof w / sizeof w[0]; i++)
		if (strcmp(v, w[i].word) == 0)
			r = w[i].s;
	free(v);
	return r;
}

static char *
child_text(xmlNodePtr n, const char *name)
{
	xmlNodePtr c = xmlread_child(n, name);

	return c ? xmlread_text_or(c, "") : NULL;
}

void
pdfstyle_init(pdf_style *st, const backend_input *in)
{
	xmlNodePtr proj = NULL, org, c;
	int i;

	memset(st, 0, sizeof *st);
	st->font_body = xstrdup("DejaVu Sans");
	st->font_head = xstrdup("DejaVu Sans");
	st->font_mono = xstrdup("DejaVu Sans Mono");
	st->size_body = 10;
	st->size_small = 7.5;
	st->size_code = 8.5;
	st->size_title = 22;
	st->size_h[0] = st->size_h[1] = 18;
	st->size_h[2] = 14.5;
	st->size_h[3] = 12;
	st->size_h[4] = 10.5;
	st->size_h[5] = st->size_h[6] = 10;
	st->line_spacing = 1.25;
	st->margin_top = st->margin_bottom = 70;
	st->margin_left = st->margin_right = 56;
	st->para_gap = 6;
	st->list_indent = 18;
	st->quote_indent = 14;
	st->cell_pad = 4;
	st->sign_rows = 4;
	parse_colour("#1b1b1b", &st->text);
	parse_colour("#505a5f", &st->muted);
	parse_colour("#1d70b8", &st->primary);
	parse_colour("#00703c", &st->accent);
	parse_colour("#b1b4b6", &st->rule);
	parse_colour("#f3f2f1", &st->code_bg);
	parse_colour("#eef5ec", &st->box_bg);
	parse_colour("#e8f0f8", &st->head_bg);
	parse_colour("#b1b4b6", &st->border);
	parse_colour("#d4351c", &st->overdue);
	parse_colour("#b35900", &st->due_soon);
	parse_colour("#00703c", &st->current);
	parse_colour("#1b1b1b", &st->term);

	if (in->corpus)
		proj = xmlread_child(xmlDocGetRootElement(in->corpus), "project");
	if (!proj && in->ndocs)
		proj = xmlread_child(xmlDocGetRootElement(in->docs[0]), "project");
	org = xmlread_child(proj, "organisation");
	st->project_title = child_text(proj, "title");
	st->base_url = child_text(proj, "base-url");
	st->org_name = child_text(org, "name");
	st->org_address = child_text(org, "address");
	st->org_phone = child_text(org, "phone");
	st->org_registration = child_text(org, "registration");
	st->org_charity = child_text(org, "charity");
	if (proj)   /* a build of the past says so on every page */
		st->as_of_label = xmlread_attr(proj->parent, "as-of-label");
	st->logo_path = child_text(org, "logo");
	for (c = org ? org->children : NULL; c; c = c->next) {
		char *name, *v;

		if (!xmlread_is(c, "colour"))
			continue;
		name = xmlread_attr(c, "name");
		/* the judged colour (brand_resolve) */
		v = xmlread_attr(c, "value");
		if (name && !strcmp(name, "primary"))
			parse_colour(v, &st->primary);
		else if (name && !strcmp(name, "accent"))
			parse_colour(v, &st->accent);
		free(name);
		free(v);
	}
	if (in->corpus)
		st->lang = xmlread_attr(xmlDocGetRootElement(in->corpus), "lang");
	if (!st->lang)
		st->lang = xstrdup("en-GB");
	/* The style files come last: a project's own style wins. */
	load_conf(st, in->data_dir);
	if (in->project_dir)
		load_conf(st, in->project_dir);
	for (i = 0; i < 7; i++)
		if (st->size_h[i] <= 0)
			st->size_h[i] = st->size_body;
}

void
pdfstyle_free(pdf_style *st)
{
	free(st->font_body);
	free(st->font_head);
	free(st->font_mono);
	free(st->org_name);
	free(st->org_address);
	free(st->org_phone);
	free(st->org_registration);
	free(st->org_charity);
	free(st->as_of_label);
	free(st->logo_path);
	free(st->project_title);
	free(st->base_url);
	free(st->lang);
}

void
pdfthread_init(pdf_thread *t, const pdf_style *st)
{
	cairo_font_options_t *fo;

	memset(t, 0, sizeof *t);
	t->st = st;
	t->fontmap = pango_cairo_font_map_new();
	t->pc = pango_font_map_create_context(t->fontmap);
	pango_cairo_context_set_resolution(t->pc, 72);
	/* Vector output: unhinted metrics, unrounded positions, so the
	 * measuring pass and the PDF agree exactly. */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(t->pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(t->pc, FALSE);
	pango_context_set_language(t->pc,
	    pango_language_from_string(st->lang));
	t->fd_body = pango_font_description_from_string(st->font_body);
	pango_font_description_set_size(t->fd_body,
	    (int)(st->size_body * PANGO_SCALE));
	t->fd_mono = pango_font_description_from_string(st->font_mono);
	pango_font_description_set_size(t->fd_mono,
	    (int)(st->size_code * PANGO_SCALE));
	t->fd_small = pango_font_description_from_string(st->font_body);
	pango_font_description_set_size(t->fd_small,
	    (int)(st->size_small * PANGO_SCALE));
}

void
pdfthread_free(pdf_thread *t)
{
	pango_font_description_free(t->fd_body);
	pango_font_description_free(t->fd_mono);
	pango_font_description_free(t->fd_small);
	free(t->known);
	g_object_unref(t->pc);
	g_object_unref(t->fontmap);
}
