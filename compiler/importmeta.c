/*
 * importmeta.c — front matter recovered from what a converted Word policy
 * carries instead: the title block (a Title-styled or bold line naming
 * a Policy, Procedure or Notice, a revision date in brackets, a date on
 * its own line) and the control table ("DOCUMENT HISTORY": policy
 * number, date, next review date, sponsor, approved by, a version
 * table).  Part of `policyc import`, between the readers and importmd.c:
 * it also turns the bold numbered lines converted documents use for
 * headings into headings, and drops the hand-typed contents list.  Every
 * value it guesses is written with a YAML comment saying where it came
 * from, so a person can check it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "import.h"

static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

/* The month a word starts with (full name or three letters), 1..12, and
 * its length in *n; 0 when none. */
static int
month_at(const char *s, size_t *n)
{
	int m;
	for (m = 0; m < 12; m++) {
		size_t full = strlen(months[m]);
		if (!strncasecmp(s, months[m], full)) {
			*n = full;
			return m + 1;
		}
	}
	for (m = 0; m < 12; m++)
		if (!strncasecmp(s, months[m], 3) && !isalpha((unsigned char)s[3])) {
			*n = 3;
			if (s[3] == '.')
				(*n)++;
			return m + 1;
		}
	return 0;
}

/* The first date in free text: "December 2012", "December2014", "4th
 * January 2021", "04/01/2021" (day first, as in the UK), "2021-01-04".
 * out: YYYY-MM-DD or YYYY-MM; 1 when found. */
static int
find_date(const char *s, char out[11])
{
	const char *p;
	for (p = s; *p; p++) {
		size_t n;
		int m, d = 0, y;
		char tmp[40];
		if (p != s && isalnum((unsigned char)p[-1]))
			continue;
		if (isdigit((unsigned char)*p)) {
			int a, b, c2, k;
			if (sscanf(p, "%4d-%2d-%2d%n", &a, &b, &c2, &k) == 3 &&
			    k == 10) {
				snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", a, b, c2);
				if (date_parse(tmp, out))
					return 1;
			}
			if (sscanf(p, "%2d/%2d/%4d%n", &a, &b, &c2, &k) == 3 &&
			    c2 > 1900) {
				snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", c2, b, a);
				if (date_parse(tmp, out))
					return 1;
			}
			/* "4th January 2021" */
			d = atoi(p);
			{
				const char *q = p;
				while (isdigit((unsigned char)*q))
					q++;
				while (isalpha((unsigned char)*q) && q - p < 5)
					q++;
				while (*q == ' ' || *q == ',')
					q++;
				if (d >= 1 && d <= 31 && (m = month_at(q, &n))) {
					q += n;
					while (*q == ' ' || *q == ',')
						q++;
					if (sscanf(q, "%4d", &y) == 1 && y > 1900) {
						snprintf(tmp, sizeof tmp,
						    "%04d-%02d-%02d", y, m, d);
						if (date_parse(tmp, out))
							return 1;
					}
				}
			}
			continue;
		}
		if ((m = month_at(p, &n))) {
			const char *q = p + n;
			while (*q == ' ' || *q == ',')
				q++;
			if (sscanf(q, "%4d", &y) == 1 && y > 1900 && y < 2200) {
				snprintf(out, 11, "%04d-%02d", y % 10000, m % 100);
				return 1;
			}
		}
	}
	return 0;
}

/* The meaning of a control-table label. */
enum key { K_NONE, K_NUMBER, K_APPROVED, K_REVIEW, K_OWNER, K_AUTHOR,
	K_APPROVED_BY, K_VERSION, K_STATUS };

static enum key
label_key(const char *label)
{
	static const struct { const char *l; enum key k; } tab[] = {
		{ "policy number", K_NUMBER }, { "policy no", K_NUMBER },
		{ "document number", K_NUMBER }, { "reference", K_NUMBER },
		{ "date of policy", K_APPROVED }, { "date approved", K_APPROVED },
		{ "approval date", K_APPROVED }, { "date of approval", K_APPROVED },
		{ "issue date", K_APPROVED }, { "effective date", K_APPROVED },
		{ "next review date", K_REVIEW }, { "review date", K_REVIEW },
		{ "date of next review", K_REVIEW }, { "next review", K_REVIEW },
		{ "sponsor", K_OWNER }, { "owner", K_OWNER },
		{ "policy owner", K_OWNER }, { "document owner", K_OWNER },
		{ "lead", K_OWNER }, { "author", K_AUTHOR },
		{ "approved by / on", K_APPROVED_BY },
		{ "approved by/on", K_APPROVED_BY },
		{ "approved by", K_APPROVED_BY }, { "ratified by", K_APPROVED_BY },
		{ "version", K_VERSION }, { "version number", K_VERSION },
		{ "document status", K_STATUS }, { "status", K_STATUS },
	};
	char norm[64];
	size_t i, n = 0;
	const char *p;

	for (p = label; *p && n + 1 < sizeof norm; p++) {
		if (*p == ':')
			break;
		if (isspace((unsigned char)*p) && (!n || norm[n - 1] == ' '))
			continue;
		norm[n++] = isspace((unsigned char)*p) ? ' ' :
		    (char)tolower((unsigned char)*p);
	}
	while (n && norm[n - 1] == ' ')
		n--;
	norm[n] = '\0';
	for (i = 0; i < sizeof tab / sizeof *tab; i++)
		if (!strcmp(norm, tab[i].l))
			return tab[i].k;
	return K_NONE;
}

/* A YAML double-quoted scalar. */
static void
put_quoted(buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		if ((unsigned char)*s < 0x20)
			buf_putc(b, ' ');
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* A comment quoting the source, shortened, on one line. */
static void
put_from(buf *b, const char *what, const char *where)
{
	char q[90];
	size_t i, n = 0;
	for (i = 0; what[i] && n < 80; i++)
		q[n++] = (unsigned char)what[i] < 0x20 ? ' ' : what[i];
	q[n] = '\0';
	buf_printf(b, "  # from \"%s%s\" (%s)\n", q, what[i] ? "…" : "", where);
}

typedef struct {
	char *val, *src, *where;
} guess;

static void
set_guess(guess *g, const char *val, const char *src, const char *where)
{
	if (g->val)
		return;
	g->val = xstrdup(val);
	g->src = xstrdup(src);
	g->where = xstrdup(where);
}

static void
free_guess(guess *g)
{
	free(g->val);
	free(g->src);
	free(g->where);
}

static char *
trim_copy(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ':'))
		n--;
	return xstrndup(s, n);
}

/* Where the text after a hand-typed number ("4.", "4.21 ", "1.2.3.")
 * starts, with the number of its parts; NULL when the text does not
 * start with one followed by a word. */
static const char *
after_number(const char *p, int *parts)
{
	const char *q = p;
	*parts = 0;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*q)) {
		while (isdigit((unsigned char)*q))
			q++;
		(*parts)++;
		if (*q == '.' && isdigit((unsigned char)q[1]))
			q++;
	}
	if (*q == '.')
		q++;
	if ((*q != ' ' && *q != '\t') || *parts > 5)
		return NULL;
	while (*q == ' ' || *q == '\t')
		q++;
	return isalpha((unsigned char)*q) ? q : NULL;
}

/* Bold numbered lines ("1. Introduction", "4.2 Contracts") become
 * headings, a level per number; headings lose their hand-typed numbers,
 * their bold markers and their shouting (INTRODUCTION → Introduction). */
static void
promote_headings(imp_doc *d, buf *report)
{
	size_t i;
	int promoted = 0, cased = 0, numbers = 0;

	for (i = 0; i < d->n; i++) {
		imp_block *b = &d->b[i];
		const char *q;
		int parts, upper = 0, lower = 0;
		if (!b->text)
			continue;
		if (b->kind == IMP_PARA && b->all_bold && strlen(b->text) < 120 &&
		    b->text[strlen(b->text) - 1] != '.' &&
		    (q = after_number(b->text, &parts))) {
			b->kind = IMP_HEADING;
			b->level = parts;
			memmove(b->text, q, strlen(q) + 1);
			promoted++;
		} else if (b->kind == IMP_HEADING && !b->title_style &&
		    (q = after_number(b->text, &parts))) {
			memmove(b->text, q, strlen(q) + 1);
			b->all_bold = 1;   /* rewrite md from the text */
			numbers++;
		}
		if (b->kind != IMP_HEADING)
			continue;
		for (q = b->text; *q; q++) {
			upper += isupper((unsigned char)*q) != 0;
			lower += islower((unsigned char)*q) != 0;
		}
		if (upper > 3 && !lower) {
			char *t;
			for (t = b->text + 1; *t; t++)
				*t = (char)tolower((unsigned char)*t);
			cased++;
			b->all_bold = 1;
		}
		if (b->all_bold) {
			free(b->md);
			b->md = imp_escape(b->text);
		}
	}
	if (promoted)
		buf_printf(report, "  %d bold numbered line%s made heading%s "
		    "(numbers dropped; the site numbers nothing itself)\n",
		    promoted, promoted == 1 ? "" : "s", promoted == 1 ? "" : "s");
	if (numbers)
		buf_printf(report, "  %d hand-typed heading number%s dropped\n",
		    numbers, numbers == 1 ? "" : "s");
	if (cased)
		buf_printf(report, "  %d heading%s in capitals written in "
		    "sentence case\n", cased, cased == 1 ? "" : "s");
}

static int
contents_label(const char *t)
{
	char low[40];
	size_t i;
	for (i = 0; t[i] && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)t[i]);
	low[i] = '\0';
	while (i && (low[i - 1] == ':' || low[i - 1] == ' '))
		low[--i] = '\0';
	return !strcmp(low, "contents") || !strcmp(low, "table of contents");
}

/* A table whose last column is page numbers. */
static int
page_table(const imp_block *b)
{
	size_t r, nums = 0;
	if (b->kind != IMP_TABLE || !b->ncols || b->nrows < 2)
		return 0;
	for (r = 0; r < b->nrows; r++) {
		const char *c = b->ctext[r * b->ncols + b->ncols - 1];
		if (*c && strspn(c, "0123456789") == strlen(c))
			nums++;
	}
	return nums * 2 >= b->nrows;
}

static void
drop_contents(imp_doc *d, buf *report)
{
	size_t i, j, n = 0;
	for (i = 0; i < d->n; i++) {
		if (d->b[i].kind == IMP_TABLE || !d->b[i].text ||
		    !contents_label(d->b[i].text))
			continue;
		d->b[i].dropped = 1;
		for (j = i + 1; j < d->n; j++) {
			imp_block *b = &d->b[j];
			if (b->link_only || page_table(b) ||
			    (b->kind != IMP_TABLE && b->text && !*b->text))
				b->dropped = 1, n++;
			else
				break;
		}
		buf_printf(report, "  the contents list (%zu entr%s) dropped: "
		    "the site and PDF make their own\n", n, n == 1 ? "y" : "ies");
		return;
	}
}

static const char *
type_of(const char *title)
{
	static const struct { const char *w, *t; } tab[] = {
		{ "procedure", "procedure" }, { "policy", "policy" },
		{ "notice", "notice" }, { "guidance", "guidance" },
		{ "protocol", "protocol" }, { "statement", "statement" },
	};
	char low[512];
	size_t i, best = (size_t)-1;
	const char *found = NULL;
	for (i = 0; title[i] && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)title[i]);
	low[i] = '\0';
	/* the first such word names the kind ("Policy and Procedures") */
	for (i = 0; i < sizeof tab / sizeof *tab; i++) {
		const char *p = strstr(low, tab[i].w);
		if (p && (size_t)(p - low) < best) {
			best = (size_t)(p - low);
			found = tab[i].t;
		}
	}
	return found;
}

/* What the stages below have recovered: each front matter guess, and the
 * version table's history and the rows no key holds, for the control
 * table being read. */
typedef struct {
	guess title, type, version, approved, approved_by, review, owner,
	    author, number, status;
	buf hist, missing;
	size_t nhist;
} recovered;

/* The first heading of the text: not a Title-styled line, not dropped;
 * d->n when none. */
static size_t
first_heading_of(const imp_doc *d)
{
	size_t i;
	for (i = 0; i < d->n; i++)
		if (d->b[i].kind == IMP_HEADING && !d->b[i].title_style &&
		    !d->b[i].dropped)
			return i;
	return d->n;
}

/* "Children's MARS Policy and Procedures" over "Organisational
 * Responsibilities", which heads the text again: the line naming a type
 * is the series, the repeated one the title.  Returns the pick. */
static size_t
series_title(imp_doc *d, size_t pick, size_t lim, recovered *m,
    const char **how)
{
	size_t j, k;
	char date[11];
	for (j = pick + 1; j < lim && j < d->n && j < pick + 4; j++) {
		imp_block *b = &d->b[j];
		size_t len = b->text ? strlen(b->text) : 0;
		if (b->kind != IMP_PARA || b->dropped || !len ||
		    len > 120 || b->text[len - 1] == '.' ||
		    find_date(b->text, date))
			continue;
		for (k = j + 1; k < d->n && k < j + 40; k++)
			if (d->b[k].kind != IMP_TABLE && d->b[k].text &&
			    !d->b[k].dropped &&
			    str_ieq(d->b[k].text, b->text))
				break;
		if (k < d->n && k < j + 40) {
			set_guess(&m->type, type_of(d->b[pick].text),
			    d->b[pick].text, "the series name in "
			    "the title block");
			d->b[pick].dropped = 1;
			pick = j;
			*how = "the title block, repeated in the text";
			break;
		}
	}
	return pick;
}

/* The paragraph holding the title, d->n when none, and in *how how it
 * was found: Title style; else a bold line or heading naming a type;
 * else the first heading; else the first line of four words. */
static size_t
find_title(imp_doc *d, size_t first_heading, recovered *m, const char **how)
{
	size_t i, pick = d->n, lim = first_heading + 1 < 20 ?
	    first_heading + 1 : 20;
	for (i = 0; i < d->n && i < 40; i++)
		if (d->b[i].title_style && *d->b[i].text) {
			pick = i, *how = "the Title style";
			break;
		}
	for (i = 0; pick == d->n && i < lim && i < d->n; i++) {
		imp_block *b = &d->b[i];
		const char *ty;
		if (b->kind != IMP_TABLE && !b->dropped && *b->text &&
		    strlen(b->text) < 200 && (ty = type_of(b->text)) &&
		    /* "Related guidance" is a heading, not a title */
		    strcmp(ty, "guidance") && strcmp(ty, "statement") &&
		    b->text[strlen(b->text) - 1] != '.')
			pick = i, *how = "the title block";
	}
	if (pick < d->n && !d->b[pick].title_style)
		pick = series_title(d, pick, lim, m, how);
	if (pick == d->n && first_heading < d->n &&
	    d->b[first_heading].level == 1 && first_heading < 10)
		pick = first_heading, *how = "the first heading";
	/* else the first line of four words or more, short and with no
	 * full stop, before the first heading */
	for (i = 0; pick == d->n && i < lim && i < d->n; i++) {
		imp_block *b = &d->b[i];
		const char *q;
		int words = 1;
		if (b->kind != IMP_PARA || b->dropped || !*b->text ||
		    strlen(b->text) > 120 ||
		    b->text[strlen(b->text) - 1] == '.')
			continue;
		for (q = b->text; *q; q++)
			words += *q == ' ' && q[1] && q[1] != ' ';
		if (words >= 4)
			pick = i, *how = "the first line";
	}
	return pick;
}

/* Short lines above the title are the letterhead (the organisation's
 * name, a web page's "Skip to content"): the site and PDF show the
 * organisation themselves. */
static void
drop_letterhead(imp_doc *d, size_t pick, buf *report)
{
	size_t i;
	for (i = 0; i < pick; i++) {
		imp_block *b = &d->b[i];
		if (b->kind == IMP_PARA && !b->dropped && *b->text &&
		    strlen(b->text) < 120) {
			b->dropped = 1;
			buf_printf(report, "  dropped above the title: "
			    "\"%s\"\n", b->text);
		}
	}
}

/* The title guessed from the paragraph picked (with a revision date in
 * it), or from the file name; then the type from the title. */
static void
take_title(imp_doc *d, size_t pick, const char *how, size_t *first_heading,
    recovered *m, const char *fallback_title, buf *report)
{
	size_t i;
	char date[11], where[64];
	if (pick < d->n) {
		char *t = xstrdup(d->b[pick].text), *open;
		snprintf(where, sizeof where, "%s, paragraph %zu", how,
		    pick + 1);
		/* "(Revised 4th January 2021)": a date in the title */
		open = strrchr(t, '(');
		if (open && strchr(open, ')') && find_date(open, date)) {
			char *src = xstrndup(open, strcspn(open, ")") + 1);
			set_guess(&m->approved, date, src, "a revision date "
			    "in the title");
			free(src);
			*open = '\0';
		}
		{
			char *tt = trim_copy(t, strlen(t));
			set_guess(&m->title, tt, d->b[pick].text, where);
			free(tt);
		}
		free(t);
		d->b[pick].dropped = 1;
		drop_letterhead(d, pick, report);
		if (pick == *first_heading) {
			for (i = pick + 1; i < d->n; i++)
				if (d->b[i].kind == IMP_HEADING &&
				    !d->b[i].dropped)
					break;
			*first_heading = i;
		}
	} else
		set_guess(&m->title, fallback_title, fallback_title,
		    "the file name");
	if (type_of(m->title.val))
		set_guess(&m->type, type_of(m->title.val), m->title.val,
		    "the title");
}

/* The highest heading left becomes level 1 (## under the title), and no
 * heading is more than one level under the one before. */
static void
level_headings(imp_doc *d)
{
	size_t i;
	int top = 99, prev = 0;
	for (i = 0; i < d->n; i++)
		if (d->b[i].kind == IMP_HEADING && !d->b[i].dropped &&
		    d->b[i].level < top)
			top = d->b[i].level;
	for (i = 0; i < d->n; i++) {
		imp_block *b = &d->b[i];
		if (b->kind != IMP_HEADING || b->dropped)
			continue;
		b->level -= top - 1;
		if (b->level > prev + 1)
			b->level = prev + 1;
		prev = b->level;
	}
}

/* A date alone on a line in the title block: the date of issue. */
static void
issue_date_line(imp_doc *d, size_t first_heading, recovered *m)
{
	size_t i;
	char date[11], where[64];
	for (i = 0; i < first_heading && i < 12; i++) {
		imp_block *b = &d->b[i];
		if (b->kind == IMP_PARA && !b->dropped && strlen(b->text) < 40 &&
		    find_date(b->text, date)) {
			snprintf(where, sizeof where, "the title block, "
			    "paragraph %zu", i + 1);
			set_guess(&m->approved, date, b->text, where);
			b->dropped = 1;
			break;
		}
	}
}

/* A version table's header row: which column holds the version, the
 * date, the comment and who made it. */
static void
version_columns(const imp_block *b, size_t r, int hist_col[4])
{
	size_t k;
	for (k = 0; k < b->ncols; k++) {
		const char *c = b->ctext[r * b->ncols + k];
		if (!strncasecmp(c, "version", 7))
			hist_col[0] = (int)k;
		else if (!strncasecmp(c, "date", 4))
			hist_col[1] = (int)k;
		else if (!strncasecmp(c, "comment", 7) ||
		    !strncasecmp(c, "change", 6) ||
		    !strncasecmp(c, "description", 11))
			hist_col[2] = (int)k;
		else if (strcasestr(c, "by") || 
		    !strncasecmp(c, "author", 6))
			hist_col[3] = (int)k;
	}
}

/* A version table's row, written as an entry of the history. */
static void
history_row(recovered *m, const imp_block *b, size_t r,
    const int hist_col[4])
{
	const char *f[4];
	int k2;
	char date[11];
	for (k2 = 0; k2 < 4; k2++)
		f[k2] = hist_col[k2] >= 0 ? b->ctext[r *
		    b->ncols + (size_t)hist_col[k2]] : "";
	buf_printf(&m->hist, "  - version: ");
	put_quoted(&m->hist, f[0]);
	buf_printf(&m->hist, "  # table row %zu\n", r + 1);
	size_t mn;
	int mo;
	if (*f[1] && find_date(f[1], date))
		buf_printf(&m->hist, "    date: %s  # from "
		    "\"%s\"\n", date, f[1]);
	else if (*f[1] && m->approved.val &&
	    (mo = month_at(f[1], &mn)) && !f[1][mn])
		buf_printf(&m->hist, "    date: %.4s-%02d  # from "
		    "\"%s\", the year of \"%s\"\n",
		    m->approved.val, mo, f[1], m->approved.src);
	else if (*f[1])
		buf_printf(&m->hist, "    # date: not a "
		    "full date: \"%s\"\n", f[1]);
	if (*f[2]) {
		buf_puts(&m->hist, "    note: ");
		put_quoted(&m->hist, f[2]);
		buf_puts(&m->hist, "\n");
	}
	if (*f[3]) {
		buf_puts(&m->hist, "    by: ");
		put_quoted(&m->hist, f[3]);
		buf_puts(&m->hist, "\n");
	}
	m->nhist++;
}

/* An "Approved by" value: "Trust Board December 2012": the body, then
 * the date. */
static void
approved_by_value(recovered *m, const char *val, const char *src,
    const char *where)
{
	char date[11];
	char *by = xstrdup(val), *p = by;
	size_t n;
	while (*p && !month_at(p, &n) &&
	    !isdigit((unsigned char)*p))
		p++;
	if (find_date(val, date))
		set_guess(&m->approved, date, src, where);
	if (*p && p > by)
		*p = '\0';
	{
		char *t = trim_copy(by, strlen(by));
		if (*t)
			set_guess(&m->approved_by, t,
			    src, where);
		free(t);
	}
	free(by);
}

/* A label | value row of the control table, or "Label: value" in one
 * cell, guessed into the key its label names; returns that key. */
static enum key
label_row(recovered *m, const char *label, const char *value, size_t r,
    int hits)
{
	const char *colon;
	enum key key;
	char *lab = NULL, *val = NULL, *src;
	char date[11], where[64];
	/* "Document Status: Approved/ Current" in one cell */
	colon = strchr(label, ':');
	if (colon && colon[1] && !value) {
		lab = trim_copy(label, (size_t)(colon - label));
		val = trim_copy(colon + 1, strlen(colon + 1));
	} else {
		lab = trim_copy(label, strlen(label));
		val = trim_copy(value ? value : "",
		    strlen(value ? value : ""));
	}
	key = label_key(lab);
	src = xasprintf("%s %s", lab, val);
	snprintf(where, sizeof where, "table row %zu", r + 1);
	switch (key) {
	case K_NONE:
		if (hits && *val)
			buf_printf(&m->missing, "  not recovered: "
			    "\"%s\" (%s): no front matter key "
			    "holds it\n", src, where);
		break;
	case K_NUMBER:
		if (*val)
			set_guess(&m->number, val, src, where);
		break;
	case K_APPROVED:
		if (find_date(val, date))
			set_guess(&m->approved, date, src, where);
		break;
	case K_REVIEW:
		if (find_date(val, date))
			set_guess(&m->review, date, src, where);
		break;
	case K_OWNER:
		if (*val)
			set_guess(&m->owner, val, src, where);
		break;
	case K_AUTHOR:
		if (*val)
			set_guess(&m->author, val, src, where);
		break;
	case K_APPROVED_BY:
		if (*val)
			approved_by_value(m, val, src, where);
		break;
	case K_VERSION:
		if (*val)
			set_guess(&m->version, val, src, where);
		break;
	case K_STATUS:
		if (strcasestr(val, "draft"))
			set_guess(&m->status, "draft", src, where);
		else if (strcasestr(val, "approved") ||
		    strcasestr(val, "current") ||
		    strcasestr(val, "active"))
			set_guess(&m->status, "active", src, where);
		break;
	}
	free(src);
	free(lab);
	free(val);
	return key;
}

/* The rows of a table read as the control table: label | value rows and
 * a version table; returns how many rows were recognised. */
static int
control_rows(recovered *m, const imp_block *b)
{
	int hits = 0, hist_col[4] = { -1, -1, -1, -1 }, in_hist = 0;
	size_t r;
	for (r = 0; r < b->nrows; r++) {
		const char *label = NULL, *value = NULL;
		size_t k, cells = 0;
		for (k = 0; k < b->ncols; k++) {
			const char *c = b->ctext[r * b->ncols + k];
			if (!*c)
				continue;
			cells++;
			if (!label)
				label = c;
			else if (!value)
				value = c;
		}
		if (!label)
			continue;
		/* a version table: its header, then its rows */
		if (cells >= 3 && label_key(label) == K_VERSION) {
			version_columns(b, r, hist_col);
			in_hist = 1;
			hits++;
			continue;
		}
		if (in_hist && cells >= 2 && label_key(label) == K_NONE &&
		    (isdigit((unsigned char)*label) || *label == 'v' ||
		    *label == 'V')) {
			history_row(m, b, r, hist_col);
			hits++;
			continue;
		}
		in_hist = 0;
		if (label_row(m, label, value, r, hits) != K_NONE)
			hits++;
	}
	return hits;
}

/* The control table: the first table of two recognised rows or more is
 * read into front matter and dropped, with the heading line above it. */
static void
control_table(imp_doc *d, recovered *m, buf *report)
{
	size_t i;
	for (i = 0; i < d->n; i++) {
		imp_block *b = &d->b[i];
		if (b->kind != IMP_TABLE || b->dropped)
			continue;
		if (control_rows(m, b) >= 2) {
			/* the control table is now front matter; so is the
			 * heading line above it */
			b->dropped = 1;
			if (i > 0 && d->b[i - 1].kind != IMP_TABLE &&
			    strlen(d->b[i - 1].text) < 40 &&
			    (strcasestr(d->b[i - 1].text, "history") ||
			    strcasestr(d->b[i - 1].text, "control")))
				d->b[i - 1].dropped = 1;
			buf_printf(report, "  the control table (paragraph "
			    "%zu, %zu rows) read into front matter and "
			    "dropped from the body\n", i + 1, b->nrows);
			break;
		}
		buf_free(&m->missing);
		buf_init(&m->missing);
		buf_free(&m->hist);
		buf_init(&m->hist);
		m->nhist = 0;
	}
}

/* A "Review Date: January 2022" line anywhere. */
static void
review_line(imp_doc *d, recovered *m)
{
	size_t i;
	char date[11], where[64];
	for (i = 0; !m->review.val && i < d->n; i++) {
		imp_block *b = &d->b[i];
		const char *colon;
		if (b->kind == IMP_TABLE || !b->text || strlen(b->text) > 80)
			continue;
		colon = strchr(b->text, ':');
		if (colon) {
			char *lab = trim_copy(b->text, (size_t)(colon - b->text));
			if (label_key(lab) == K_REVIEW && find_date(colon, date)) {
				snprintf(where, sizeof where, "paragraph %zu",
				    i + 1);
				set_guess(&m->review, date, b->text, where);
			}
			free(lab);
		}
	}
}

/* The YAML, every guess with its source, and the report's lines. */
static char *
write_front(recovered *m, buf *report)
{
	buf y;

	buf_init(&y);
#define OUT(key, g, quoted) do { \
	if ((g).val) { \
		buf_puts(&y, key ": "); \
		if (quoted) put_quoted(&y, (g).val); \
		else buf_puts(&y, (g).val); \
		put_from(&y, (g).src, (g).where); \
		buf_printf(report, "  %-12s %s\n", key ":", (g).val); \
	} else \
		buf_printf(report, "  %-12s not found\n", key ":"); \
} while (0)
	buf_puts(&y, "---\n");
	OUT("title", m->title, 1);
	if (m->type.val)
		OUT("type", m->type, 0);
	else {
		buf_puts(&y, "type: policy  # a guess: the title names no "
		    "type (Policy, Procedure, Notice)\n");
		buf_puts(report, "  type:        not in the title: policy "
		    "assumed\n");
	}
	OUT("owner", m->owner, 1);
	if (!m->owner.val)
		buf_puts(&y, "# owner: not found (no Sponsor or Owner row): "
		    "write who owns this document\n");
	OUT("version", m->version, 1);
	OUT("approved", m->approved, 0);
	OUT("approved-by", m->approved_by, 1);
	OUT("review", m->review, 0);
	if (!m->review.val)
		buf_puts(&y, "# review: not found (no Review Date): write "
		    "when this document is next reviewed\n");
	OUT("status", m->status, 0);
	if (m->number.val) {
		buf_puts(&y, "policy-number: ");
		put_quoted(&y, m->number.val);
		put_from(&y, m->number.src, m->number.where);
		buf_printf(report, "  %-12s %s\n", "policy-number:",
		    m->number.val);
	}
	if (m->nhist) {
		buf_puts(&y, "history:  # from the version table\n");
		buf_puts(&y, m->hist.data);
		buf_printf(report, "  history:     %zu version%s from the "
		    "version table\n", m->nhist, m->nhist == 1 ? "" : "s");
	}
	buf_puts(&y, "---\n");
	if (m->missing.len)
		buf_puts(report, m->missing.data);
#undef OUT
	return buf_detach(&y);
}

/* Frees what the stages recovered. */
static void
free_recovered(recovered *m)
{
	free_guess(&m->title);
	free_guess(&m->type);
	free_guess(&m->version);
	free_guess(&m->approved);
	free_guess(&m->approved_by);
	free_guess(&m->review);
	free_guess(&m->owner);
	free_guess(&m->author);
	free_guess(&m->number);
	free_guess(&m->status);
	buf_free(&m->hist);
	buf_free(&m->missing);
}

char *
importmeta_recover(imp_doc *d, const char *fallback_title, buf *report)
{
	recovered m;
	size_t first_heading, pick;
	const char *how = NULL;
	char *front;

	memset(&m, 0, sizeof m);
	buf_init(&m.hist);
	buf_init(&m.missing);
	promote_headings(d, report);
	drop_contents(d, report);
	first_heading = first_heading_of(d);
	pick = find_title(d, first_heading, &m, &how);
	take_title(d, pick, how, &first_heading, &m, fallback_title, report);
	level_headings(d);
	issue_date_line(d, first_heading, &m);
	control_table(d, &m, report);
	review_line(d, &m);
	if (!m.owner.val && m.author.val)
		set_guess(&m.owner, m.author.val, m.author.src, m.author.where);
	front = write_front(&m, report);
	free_recovered(&m);
	return front;
}
