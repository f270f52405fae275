/*
 * overlay.c — merging a local overlay into its core document, at the
 * text level, before the document is parsed (called by extends.c while
 * the pipeline loads documents).  Merging text rather than trees keeps
 * one parse of the merged document: heading ids, footnotes, links from
 * local text into the core and back all resolve as in any document.  A
 * line map (merged line -> file and line) lets diagnostics point at the
 * file that holds the text and lets the XML writer mark local text.
 *
 * The overlay form (README "Editions"): blocks opened by a line
 *   <!-- local after=ID core=HASH -->     (or before=ID, replace=ID)
 * running to the next such line; an HTML comment, so the file stays
 * CommonMark and reads cleanly on GitHub.  core= is the FNV-1a hash of the
 * core section's text when the block was written (overlay-stale when it
 * differs; `policyc overlay update` records the new one).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "overlay.h"
#include "profile.h"
#include "util.h"

/* Line starts of a text: lines[k] is the offset of line k+1; n lines. */
typedef struct {
	const char *text;
	size_t len;
	size_t *start;
	int n;
} lines;

static void
lines_split(lines *l, const char *text, size_t len)
{
	size_t i, cap = 64;

	l->text = text;
	l->len = len;
	l->n = 0;
	l->start = xmalloc(cap * sizeof *l->start);
	l->start[l->n++] = 0;
	for (i = 0; i < len; i++)
		if (text[i] == '\n' && i + 1 < len) {
			if ((size_t)l->n == cap)
				l->start = xrealloc(l->start,
				    (cap *= 2) * sizeof *l->start);
			l->start[l->n++] = i + 1;
		}
	if (!len)
		l->n = 0;
}

/* Line k (1-based) without its newline (and CR). */
static const char *
line_at(const lines *l, int k, size_t *n)
{
	size_t s = l->start[k - 1];
	size_t e = k < l->n ? l->start[k] : l->len;
	while (e > s && (l->text[e - 1] == '\n' || l->text[e - 1] == '\r'))
		e--;
	*n = e - s;
	return l->text + s;
}

static int
blank(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	return n == 0;
}

void
overlay_hash(const char *text, size_t len, int start, int end,
    char out[17])
{
	lines l;
	uint64_t h = 1469598103934665603ULL;
	int k;

	lines_split(&l, text, len);
	if (end > l.n)
		end = l.n;
	while (end >= start && end >= 1) {
		size_t n;
		const char *s = line_at(&l, end, &n);
		if (!blank(s, n))
			break;
		end--;
	}
	for (k = start; k >= 1 && k <= end; k++) {
		size_t n, i;
		const char *s = line_at(&l, k, &n);
		for (i = 0; i < n; i++) {
			h ^= (unsigned char)s[i];
			h *= 1099511628211ULL;
		}
		h ^= '\n';
		h *= 1099511628211ULL;
	}
	free(l.start);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Value of NAME=VALUE in a marker's words, or NULL (caller frees). */
static char *
attr(const char *s, size_t n, const char *name)
{
	size_t nl = strlen(name), i = 0;

	while (i < n) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i + nl < n && !strncmp(s + i, name, nl) && s[i + nl] == '=') {
			size_t v = i + nl + 1, e;
			char q = 0;
			if (v < n && (s[v] == '"' || s[v] == '\''))
				q = s[v++];
			for (e = v; e < n && (q ? s[e] != q :
			    !isspace((unsigned char)s[e])); e++)
				;
			return xstrndup(s + v, e - v);
		}
		while (i < n && !isspace((unsigned char)s[i]))
			i++;
	}
	return NULL;
}

/* 1 when the line is "<!-- local ... -->"; words and their length out. */
static int
marker(const char *s, size_t n, const char **words, size_t *wn, int *col)
{
	size_t i = 0;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	*col = (int)i + 1;
	if (n - i < 14 || strncmp(s + i, "<!--", 4))
		return 0;
	i += 4;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i < 5 || strncmp(s + i, "local", 5) ||
	    (i + 5 < n && !isspace((unsigned char)s[i + 5]) && s[i + 5] != '-'))
		return 0;
	i += 5;
	while (n > i && isspace((unsigned char)s[n - 1]))
		n--;
	if (n < i + 3 || strncmp(s + n - 3, "-->", 3))
		return 0;
	*words = s + i;
	*wn = n - 3 - i;
	return 1;
}

/* Finds the overlay's blocks; text before the first marker is one
 * block appended at the end (reported).  Returns the count. */
static size_t
find_chunks(const lines *ol, int body_line, const char *path,
    overlay_chunk **out, diag_set *ds)
{
	overlay_chunk *c = NULL;
	size_t nc = 0;
	int k, first_text = 0;
	char fence = 0;

	for (k = body_line; k <= ol->n; k++) {
		size_t n, wn;
		const char *s = line_at(ol, k, &n), *w;
		int col;
		char f = profile_fence(s, n);
		overlay_chunk *ch;

		if (fence) {
			if (f == fence)
				fence = 0;
			continue;
		}
		if (f) {
			fence = f;
			if (!nc && !first_text)
				first_text = k;
			continue;
		}
		if (!marker(s, n, &w, &wn, &col)) {
			if (!nc && !first_text && !blank(s, n))
				first_text = k;
			continue;
		}
		c = xrealloc(c, (nc + 1) * sizeof *c);
		ch = &c[nc++];
		memset(ch, 0, sizeof *ch);
		ch->marker_line = k;
		ch->marker_col = col;
		ch->first = k + 1;
		ch->stored = attr(w, wn, "core");
		if ((ch->anchor = attr(w, wn, "after")))
			ch->how = OV_AFTER;
		else if ((ch->anchor = attr(w, wn, "before")))
			ch->how = OV_BEFORE;
		else if ((ch->anchor = attr(w, wn, "replace")))
			ch->how = OV_REPLACE;
		else {
			ch->how = OV_APPEND;
			diag_report(ds, R_OVERLAY_ANCHOR, path, k, col,
			    "a local block needs after=, before= or replace= "
			    "with a heading id of the core document; its text is "
			    "added at the end");
		}
		if (nc > 1)
			c[nc - 2].last = k - 1;
	}
	if (nc)
		c[nc - 1].last = ol->n;
	if (first_text) {
		overlay_chunk lead;
		memset(&lead, 0, sizeof lead);
		lead.how = OV_APPEND;
		lead.first = first_text;
		lead.last = nc ? c[0].marker_line - 1 : ol->n;
		diag_report(ds, R_OVERLAY_ANCHOR, path, first_text, 1,
		    "text outside a <!-- local after=|before=|replace=ID --> "
		    "block; it is added at the end of the core document");
		c = xrealloc(c, (nc + 1) * sizeof *c);
		memmove(c + 1, c, nc * sizeof *c);
		c[0] = lead;
		nc++;
	}
	*out = c;
	return nc;
}

/* The top-level key a front matter line opens, or 0 (a continuation). */
static size_t
fm_key(const char *s, size_t n)
{
	size_t i;
	if (!n || isspace((unsigned char)*s) || *s == '#' || *s == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == ':' && (i + 1 == n || isspace((unsigned char)s[i + 1])))
			return i;
	return 0;
}

typedef struct {
	buf b;
	overlay_origin *o;
	size_t n, cap;
} out_text;

static void
emit(out_text *t, const char *s, size_t n, int chunk, int line)
{
	buf_putn(&t->b, s, n);
	buf_putc(&t->b, '\n');
	if (t->n == t->cap)
		t->o = xrealloc(t->o, (t->cap = t->cap ? t->cap * 2 : 64) *
		    sizeof *t->o);
	t->o[t->n].chunk = chunk;
	t->o[t->n].line = line;
	t->n++;
}

/* 1 when the overlay front matter sets key s[0..n). */
static int
overlay_sets(const lines *ol, const frontmatter *ofm, const char *s,
    size_t n)
{
	int k;
	if (!ofm->present)
		return 0;
	for (k = ofm->yaml_line; k < ofm->body_line - 1; k++) {
		size_t ln, kn;
		const char *t = line_at(ol, k, &ln);
		if ((kn = fm_key(t, ln)) == n && !strncmp(t, s, n))
			return 1;
	}
	return 0;
}

/* The merged front matter: the core's keys the overlay does not set,
 * then the overlay's. */
static void
merge_front_matter(out_text *t, const lines *cl, const frontmatter *cfm,
    const lines *ol, const frontmatter *ofm)
{
	int k, skip = 0;

	if (!cfm->present && !ofm->present)
		return;
	emit(t, "---", 3, cfm->present ? -1 : -2, 1);
	if (cfm->present)
		for (k = cfm->yaml_line; k < cfm->body_line - 1 &&
		    k <= cl->n; k++) {
			size_t n, kn;
			const char *s = line_at(cl, k, &n);
			if ((kn = fm_key(s, n)))
				skip = overlay_sets(ol, ofm, s, kn);
			if (!skip)
				emit(t, s, n, -1, k);
		}
	if (ofm->present)
		for (k = ofm->yaml_line; k < ofm->body_line - 1 &&
		    k <= ol->n; k++) {
			size_t n;
			const char *s = line_at(ol, k, &n);
			emit(t, s, n, -2, k);
		}
	emit(t, "---", 3, -1, 0);
}

static void
emit_chunk(out_text *t, const lines *ol, const overlay_map *m, size_t i)
{
	int k;
	emit(t, "", 0, -1, 0);
	for (k = m->chunks[i].first; k <= m->chunks[i].last; k++) {
		size_t n;
		const char *s = line_at(ol, k, &n);
		emit(t, s, n, (int)i, k);
	}
	emit(t, "", 0, -1, 0);
}

/* Where each chunk goes: the core line it is put before (n+1: the end),
 * and the range a replace drops. */
static void
place_chunks(overlay_map *m, const overlay_section *secs, size_t nsecs,
    const char *core, size_t core_len, int ncore, int *at, diag_set *ds)
{
	size_t i, j;
	const char **names = xcalloc(nsecs ? nsecs : 1, sizeof *names);

	for (j = 0; j < nsecs; j++)
		names[j] = secs[j].slug;
	for (i = 0; i < m->nchunks; i++) {
		overlay_chunk *c = &m->chunks[i];
		const overlay_section *s = NULL;
		at[i] = ncore + 1;
		if (c->how == OV_APPEND)
			continue;
		for (j = 0; j < nsecs; j++)
			if (!strcmp(secs[j].slug, c->anchor))
				s = &secs[j];
		if (!s) {
			const char *near = suggest(c->anchor, names, nsecs);
			diag_report(ds, R_OVERLAY_ANCHOR, m->overlay_path,
			    c->marker_line, c->marker_col,
			    "no section '%s' in the core document %s%s%s%s; the "
			    "local text is added at the end", c->anchor,
			    m->core_path, near ? " (did you mean '" : "",
			    near ? near : "", near ? "'?)" : "");
			c->how = OV_APPEND;
			continue;
		}
		c->current = xmalloc(17);
		overlay_hash(core, core_len, s->start, s->end, c->current);
		if (!c->stored)
			diag_report_sev(ds, SEV_NOTE, R_OVERLAY_STALE,
			    m->overlay_path, c->marker_line, c->marker_col,
			    "no hash of the core section '%s' is stored (core=); "
			    "run `policyc overlay update` to record it", c->anchor);
		else if (strcmp(c->stored, c->current))
			diag_report(ds, R_OVERLAY_STALE, m->overlay_path,
			    c->marker_line, c->marker_col,
			    "the core section '%s' (%s:%d) changed since this "
			    "local text was written (core=%s, now %s): review it, "
			    "then run `policyc overlay update`", c->anchor,
			    m->core_path, s->start, c->stored, c->current);
		at[i] = c->how == OV_AFTER ? s->end + 1 : s->start;
	}
	free(names);
}

overlay_map *
overlay_merge(const char *core, size_t core_len, const char *core_path,
    const char *ov, size_t ov_len, const char *ov_path, const char *edition,
    const overlay_section *secs, size_t nsecs, diag_set *ds,
    char **merged, size_t *merged_len)
{
	overlay_map *m = xcalloc(1, sizeof *m);
	lines cl, ol;
	frontmatter cfm, ofm;
	out_text t;
	int *at, *drop_to, k;
	size_t i, j;

	m->core_path = xstrdup(core_path);
	m->overlay_path = xstrdup(ov_path);
	m->edition = xstrdup(edition ? edition : "");
	lines_split(&cl, core, core_len);
	lines_split(&ol, ov, ov_len);
	frontmatter_split(core, core_len, &cfm);
	frontmatter_split(ov, ov_len, &ofm);
	m->nchunks = find_chunks(&ol, ofm.body_line, ov_path, &m->chunks, ds);
	at = xcalloc(m->nchunks ? m->nchunks : 1, sizeof *at);
	place_chunks(m, secs, nsecs, core, core_len, cl.n, at, ds);
	/* core lines a replace drops: drop_to[k] = last dropped line */
	drop_to = xcalloc((size_t)cl.n + 2, sizeof *drop_to);
	for (i = 0; i < m->nchunks; i++)
		if (m->chunks[i].how == OV_REPLACE)
			for (j = 0; j < nsecs; j++)
				if (!strcmp(secs[j].slug, m->chunks[i].anchor))
					drop_to[secs[j].start] = secs[j].end < cl.n ?
					    secs[j].end : cl.n;

	memset(&t, 0, sizeof t);
	buf_init(&t.b);
	merge_front_matter(&t, &cl, &cfm, &ol, &ofm);
	/* the core's body, blocks put in before the line they precede:
	 * after= and before= first, then replace= (in the overlay's order) */
	for (k = cfm.present ? cfm.body_line : 1; k <= cl.n + 1; k++) {
		int pass;
		for (pass = 0; pass < 2; pass++)
			for (i = 0; i < m->nchunks; i++)
				if (at[i] == k &&
				    (m->chunks[i].how == OV_REPLACE) == pass)
					emit_chunk(&t, &ol, m, i);
		if (k > cl.n)
			break;
		if (drop_to[k]) {
			k = drop_to[k];
			continue;
		}
		{
			size_t n;
			const char *s = line_at(&cl, k, &n);
			emit(&t, s, n, -1, k);
		}
	}
	m->lines = t.o;
	m->nlines = t.n;
	*merged_len = t.b.len;
	*merged = buf_detach(&t.b);
	free(at);
	free(drop_to);
	free(cl.start);
	free(ol.start);
	return m;
}

void
overlay_map_free(overlay_map *m)
{
	size_t i;
	if (!m)
		return;
	for (i = 0; i < m->nchunks; i++) {
		free(m->chunks[i].anchor);
		free(m->chunks[i].stored);
		free(m->chunks[i].current);
	}
	free(m->chunks);
	free(m->lines);
	free(m->core_path);
	free(m->overlay_path);
	free(m->edition);
	free(m);
}

int
overlay_chunk_at(const overlay_map *m, int line)
{
	if (!m || line < 1 || (size_t)line > m->nlines)
		return -1;
	return m->lines[line - 1].chunk >= 0 ? m->lines[line - 1].chunk : -1;
}

void
overlay_origin_of(const overlay_map *m, int line, const char **file,
    int *out_line)
{
	const overlay_origin *o;

	*file = m->core_path;
	*out_line = line;
	if (line < 1 || (size_t)line > m->nlines)
		return;
	o = &m->lines[line - 1];
	if (o->chunk == -1) {
		*out_line = o->line;
		return;
	}
	*file = m->overlay_path;
	*out_line = o->line;
}

char *
overlay_updated_text(const overlay_map *m, const char *ov, size_t ov_len,
    size_t *out_len, int *changed)
{
	lines ol;
	buf b;
	int k;
	size_t i;

	*changed = 0;
	lines_split(&ol, ov, ov_len);
	buf_init(&b);
	for (k = 1; k <= ol.n; k++) {
		size_t n = 0, e;
		const char *s = line_at(&ol, k, &n);
		const overlay_chunk *c = NULL;

		e = k < ol.n ? ol.start[k] : ol.len;
		for (i = 0; i < m->nchunks; i++)
			if (m->chunks[i].marker_line == k && m->chunks[i].current)
				c = &m->chunks[i];
		if (!c || (c->stored && !strcmp(c->stored, c->current))) {
			buf_putn(&b, ov + ol.start[k - 1], e - ol.start[k - 1]);
			continue;
		}
		(*changed)++;
		{
			/* rewrite the marker: its words less core=, then core= */
			const char *how = c->how == OV_AFTER ? "after" :
			    c->how == OV_BEFORE ? "before" : "replace";
			int col = c->marker_col;
			buf_putn(&b, s, (size_t)col - 1);
			buf_printf(&b, "<!-- local %s=%s core=%s -->\n", how,
			    c->anchor, c->current);
		}
	}
	free(ol.start);
	*out_len = b.len;
	return buf_detach(&b);
}
