/*
 * reviewcal.c — review reminders as files other tools read, beside
 * review.html: review.ics, one all-day VEVENT per document due for
 * review (owner, link, overdue ones flagged; RFC 5545: CRLF lines folded
 * at 75 octets, TEXT escaped), and review.csv, one row per document
 * sorted by owner for a mail merge (RFC 4180: CRLF, quoted fields).
 * Part of the HTML back end: it reads only corpus.xml, which says what
 * meta.c judged (review date, state, days), and judges nothing.
 * Reproducible: DTSTAMP is the build date, never the clock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "incremental.h"
#include "publish.h"
#include "reviewcal.h"
#include "rules.h"
#include "url.h"
#include "util.h"
#include "xmlread.h"

typedef struct {
	char *id, *title, *owner, *version, *review, *state, *days;
} due_doc;

static void
due_free(due_doc *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].title);
		free(v[i].owner);
		free(v[i].version);
		free(v[i].review);
		free(v[i].state);
		free(v[i].days);
	}
	free(v);
}

/* The documents of corpus.xml with a review date that is judged (state
 * none covers drafts, withdrawn and superseded documents). */
static due_doc *
due_docs(xmlDocPtr cx, size_t *n)
{
	xmlNodePtr docs = xmlread_child(xmlDocGetRootElement(cx),
	    "documents"), d;
	due_doc *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (d = xmlread_child(docs, "doc"); d; d = xmlread_next(d, "doc")) {
		char *review = xmlread_attr(d, "review");
		char *state = xmlread_attr_or(d, "review-state", "none");
		due_doc *x;
		if (!review || !strcmp(state, "none")) {
			free(review);
			free(state);
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			v = xrealloc(v, cap * sizeof *v);
		}
		x = &v[(*n)++];
		x->id = xmlread_attr_or(d, "id", "");
		x->title = xmlread_attr_or(d, "title", "");
		x->owner = xmlread_attr_or(d, "owner", "");
		x->version = xmlread_attr_or(d, "version", "");
		x->review = review;
		x->state = state;
		x->days = xmlread_attr_or(d, "days", "0");
	}
	return v;
}

/* base-url/ID.html, or NULL without a base-url that passes the URL
 * policy as an http(s) address (the one govern.c puts in <control>). */
static char *
doc_url(const char *base, const char *id)
{
	size_t n;
	if (!base || !*base || !url_is_safe(base, 0) ||
	    (strncmp(base, "https://", 8) && strncmp(base, "http://", 7)))
		return NULL;
	n = strlen(base);
	return xasprintf("%s%s%s.html", base, base[n - 1] == '/' ? "" : "/",
	    id);
}

/* ---- iCalendar ---- */

/* Appends one content line, folded at 75 octets (never inside a UTF-8
 * sequence), CRLF-terminated. */
static void
ics_line(buf *b, const char *s)
{
	size_t len = strlen(s), at = 0, room = 75;
	while (len - at > room) {
		size_t cut = at + room;
		while (cut > at && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
		buf_putn(b, s + at, cut - at);
		buf_puts(b, "\r\n ");
		at = cut;
		room = 74;    /* the leading space counts */
	}
	buf_puts(b, s + at);
	buf_puts(b, "\r\n");
}

/* TEXT value escaping: backslash, semicolon, comma, newline. */
static void
ics_text(buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_putc(b, '\\');
		if (*s == '\n') {
			buf_puts(b, "\\n");
			continue;
		}
		if ((unsigned char)*s < 0x20 && *s != '\t')
			continue;   /* controls are not allowed in TEXT */
		buf_putc(b, *s);
	}
}

static void
ics_prop(buf *out, const char *name, const char *text)
{
	buf l;
	buf_init(&l);
	buf_puts(&l, name);
	buf_putc(&l, ':');
	ics_text(&l, text);
	ics_line(out, l.data);
	buf_free(&l);
}

/* YYYYMMDD of YYYY-MM-DD into out[9]; the next day into next[9]. */
static void
ics_dates(const char *iso, char out[9], char next[9])
{
	char tmp[11];
	snprintf(out, 9, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
	date_from_days(date_to_days(iso) + 1, tmp);
	snprintf(next, 9, "%.4s%.2s%.2s", tmp, tmp + 5, tmp + 8);
}

static void
ics_event(buf *b, const due_doc *x, const char *base, const char *today,
    const char *host)
{
	char d0[9], d1[9], stamp[9], nx[9];
	char *url = doc_url(base, x->id), *s;
	int overdue = !strcmp(x->state, "overdue");
	long days = strtol(x->days, NULL, 10);
	buf desc;

	ics_dates(x->review, d0, d1);
	ics_dates(today, stamp, nx);
	ics_line(b, "BEGIN:VEVENT");
	s = xasprintf("UID:review-%s@%s", x->id, host);
	ics_line(b, s);
	free(s);
	s = xasprintf("DTSTAMP:%sT000000Z", stamp);
	ics_line(b, s);
	free(s);
	s = xasprintf("DTSTART;VALUE=DATE:%s", d0);
	ics_line(b, s);
	free(s);
	s = xasprintf("DTEND;VALUE=DATE:%s", d1);
	ics_line(b, s);
	free(s);
	s = xasprintf("%s%s", overdue ? "OVERDUE: review of " : "Review due: ",
	    x->title);
	ics_prop(b, "SUMMARY", s);
	free(s);
	buf_init(&desc);
	buf_printf(&desc, "%s\n", x->title);
	if (*x->owner)
		buf_printf(&desc, "Owner: %s\n", x->owner);
	if (*x->version)
		buf_printf(&desc, "Version: %s\n", x->version);
	if (overdue)
		buf_printf(&desc, "Overdue: the review was due on %s (%ld "
		    "day%s ago)\n", x->review, -days, days == -1 ? "" : "s");
	else
		buf_printf(&desc, "Review due on %s\n", x->review);
	buf_printf(&desc, "%s", url ? url : x->id);
	ics_prop(b, "DESCRIPTION", desc.data);
	buf_free(&desc);
	if (*x->owner)
		ics_prop(b, "CONTACT", x->owner);
	if (url) {
		s = xasprintf("URL:%s", url);
		ics_line(b, s);
		free(s);
	}
	/* two values: the comma separates them, unescaped */
	ics_line(b, overdue ? "CATEGORIES:Policy review,Overdue" :
	    "CATEGORIES:Policy review");
	if (overdue)
		ics_line(b, "PRIORITY:1");
	ics_line(b, "TRANSP:TRANSPARENT");
	ics_line(b, "END:VEVENT");
	free(url);
}

/* The host of base-url, for UIDs unique to this site. */
static char *
base_host(const char *base)
{
	const char *h = base ? strstr(base, "://") : NULL, *e;
	if (!h)
		return xstrdup("policyc.invalid");
	h += 3;
	for (e = h; *e && *e != '/' && *e != ':' && *e != '?'; e++)
		;
	return e > h ? xstrndup(h, (size_t)(e - h)) :
	    xstrdup("policyc.invalid");
}

char *
reviewcal_ics(xmlDocPtr cx)
{
	xmlNodePtr root = xmlDocGetRootElement(cx);
	xmlNodePtr pr = xmlread_child(root, "project");
	char *base = xmlread_child_text(pr, "base-url");
	char *title = xmlread_child_text(pr, "title");
	char *today = xmlread_attr_or(root, "today", "1970-01-01");
	char *host = base_host(base), *s;
	size_t n, i;
	due_doc *v = due_docs(cx, &n);
	buf b;

	buf_init(&b);
	ics_line(&b, "BEGIN:VCALENDAR");
	ics_line(&b, "VERSION:2.0");
	ics_line(&b, "PRODID:-//policyc//review reminders//EN");
	ics_line(&b, "CALSCALE:GREGORIAN");
	ics_line(&b, "METHOD:PUBLISH");
	s = xasprintf("%s: reviews", title ? title : "Policies");
	ics_prop(&b, "X-WR-CALNAME", s);
	free(s);
	for (i = 0; i < n; i++)
		ics_event(&b, &v[i], base, today, host);
	ics_line(&b, "END:VCALENDAR");
	due_free(v, n);
	free(base);
	free(title);
	free(today);
	free(host);
	return buf_detach(&b);
}

/* ---- CSV ---- */

/* One field: quoted when it holds a comma, quote or line break; a text
 * field that a spreadsheet would read as a formula (= + - @) is
 * prefixed with ' so a mail merge opened in one stays text. */
static void
csv_field(buf *b, const char *s, int text, int last)
{
	int q = strpbrk(s, ",\"\r\n") != NULL;
	if (q)
		buf_putc(b, '"');
	if (text && strchr("=+-@", *s) && *s)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	if (q)
		buf_putc(b, '"');
	buf_puts(b, last ? "\r\n" : ",");
}

static int
by_owner(const void *a, const void *b)
{
	const due_doc *x = a, *y = b;
	int c;
	/* documents with no owner last */
	if (!*x->owner != !*y->owner)
		return *x->owner ? -1 : 1;
	if ((c = strcmp(x->owner, y->owner)) != 0)
		return c;
	if ((c = strcmp(x->review, y->review)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

char *
reviewcal_csv(xmlDocPtr cx)
{
	xmlNodePtr pr = xmlread_child(xmlDocGetRootElement(cx), "project");
	char *base = xmlread_child_text(pr, "base-url");
	size_t n, i;
	due_doc *v = due_docs(cx, &n);
	buf b;

	if (n)   /* no document due: v may be NULL */
		qsort(v, n, sizeof *v, by_owner);
	buf_init(&b);
	buf_puts(&b, "owner,title,id,version,review,state,days,url\r\n");
	for (i = 0; i < n; i++) {
		char *url = doc_url(base, v[i].id);
		char *page = url ? url : xasprintf("%s.html", v[i].id);
		csv_field(&b, v[i].owner, 1, 0);
		csv_field(&b, v[i].title, 1, 0);
		csv_field(&b, v[i].id, 1, 0);
		csv_field(&b, v[i].version, 1, 0);
		csv_field(&b, v[i].review, 0, 0);
		csv_field(&b, v[i].state, 0, 0);
		csv_field(&b, v[i].days, 0, 0);
		csv_field(&b, page, 1, 1);
		free(page);
	}
	due_free(v, n);
	free(base);
	return buf_detach(&b);
}

int
reviewcal_write(const backend_input *in)
{
	static const char *const names[] = { "html/review.ics",
		"html/review.csv" };
	int rc = 0;
	size_t k;

	for (k = 0; k < 2; k++) {
		char *s;
		/* made from corpus.xml alone: carried over, as the corpus
		 * pages are, while what they read of it is as it was */
		if (incr_reuse_corpus(in->incr, in->out_dir, names[k]))
			continue;
		s = k ? reviewcal_csv(backend_corpus(in)) :
		    reviewcal_ics(backend_corpus(in));
		if (publish_write(in->out_dir, names[k], s, strlen(s)) != 0) {
			diag_report_sev(in->ds, SEV_ERROR, R_HTML_WRITE, "", 0, 0,
			    "cannot write %s: %s", names[k], strerror(errno));
			rc = -1;
		} else
			incr_wrote_corpus(in->incr, names[k], s, strlen(s));
		free(s);
	}
	return rc;
}
