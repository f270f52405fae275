/*
 * profile.c — profiling by audience, as DITA's profiling attributes do:
 * a block of a document marked for an audience is kept or dropped per
 * edition (`include: {audience: [parents]}` in policyc.yaml).  It runs on
 * a document's text as soon as it is read (document.c), before front
 * matter and Markdown are parsed, so a dropped block never reaches any
 * pass or output.  Lines are blanked, never removed: every line keeps
 * its number and diagnostics still point at the file as written.
 *
 * Two spellings, both plain CommonMark (README "Editions"):
 *   <!-- audience=staff -->  …  <!-- /audience -->   (hidden on GitHub)
 *   ::: {audience=staff}     …  :::                   (pandoc's fenced div)
 * A `:::` line that closes no audience block is left alone, so documents
 * without audience blocks are read exactly as before.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "profile.h"
#include "util.h"

#define PROFILE_DEPTH 16

/* The audiences an edition keeps: include: {audience: x | [x, y]}.  NULL
 * when the project keeps every audience. */
static const yval *
kept_audiences(const project *p)
{
	const yval *inc = p && p->config ? yval_get(p->config, "include") : NULL;
	return inc ? yval_get(inc, "audience") : NULL;
}

static int
keeps(const yval *kept, const char *list, size_t n)
{
	size_t i = 0;

	if (!kept)
		return 1;
	while (i < n) {
		size_t s, k;
		while (i < n && (list[i] == ',' || isspace((unsigned char)list[i])))
			i++;
		s = i;
		while (i < n && list[i] != ',' && !isspace((unsigned char)list[i]))
			i++;
		if (i == s)
			continue;
		if (kept->kind == YV_LIST) {
			for (k = 0; k < kept->n; k++)
				if (yval_is_scalar(kept->items[k]) &&
				    strlen(kept->items[k]->str) == i - s &&
				    !strncasecmp(kept->items[k]->str, list + s, i - s))
					return 1;
		} else if (yval_is_scalar(kept) && kept->str &&
		    strlen(kept->str) == i - s &&
		    !strncasecmp(kept->str, list + s, i - s))
			return 1;
	}
	return 0;
}

/* An opener: the audience list (borrowed) and its length; 0 if none. */
static int
opener(const char *s, size_t n, const char **aud, size_t *an, int *fenced)
{
	const char *p, *e = s + n;

	while (s < e && *s == ' ')
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (e - s > 8 && !strncmp(s, "<!--", 4) && !strncmp(e - 3, "-->", 3)) {
		*fenced = 0;
		e -= 3;
		p = s + 4;
	} else if (e - s > 4 && !strncmp(s, ":::", 3) && e[-1] == '}') {
		*fenced = 1;
		p = s + 3;
		while (p < e && (*p == ':' || *p == ' '))
			p++;
		if (p >= e || *p != '{')
			return 0;
		p++;
		e--;
	} else
		return 0;
	while (p < e && isspace((unsigned char)*p))
		p++;
	if (e - p < 9 || strncmp(p, "audience=", 9))
		return 0;
	p += 9;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	if (e > p && (*p == '"' || *p == '\'') && e[-1] == *p) {
		p++;
		e--;
	}
	*aud = p;
	*an = (size_t)(e - p);
	return 1;
}

static int
closer(const char *s, size_t n, int fenced)
{
	while (n && *s == ' ')
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (fenced)
		return n >= 3 && strspn(s, ":") == n;
	return n >= 12 && !strncmp(s, "<!--", 4) && !strncmp(s + n - 3, "-->", 3) &&
	    memmem(s, n, "/audience", 9) != NULL;
}

char
profile_fence(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i + 3 <= n && (s[i] == '`' || s[i] == '~') && s[i + 1] == s[i] &&
	    s[i + 2] == s[i])
		return s[i];
	return 0;
}

/* The one walk: blanks markers, drops what the edition leaves out,
 * counts dropped lines and lists the kept blocks (each may be NULL). */
static size_t
profile_walk(const project *p, char *text, size_t len, size_t *dropped,
    profile_block **blocks, size_t *nblocks)
{
	const yval *kept = kept_audiences(p);
	int fenced_at[PROFILE_DEPTH], drop_at[PROFILE_DEPTH], depth = 0;
	long open_at[PROFILE_DEPTH];   /* index in *blocks, or -1 */
	size_t r = 0, w = 0;
	int lineno = 0;
	char fence = 0;

	if (dropped)
		*dropped = 0;
	if (blocks) {
		*blocks = NULL;
		*nblocks = 0;
	}
	if (!memmem(text, len, "audience=", 9))
		return len;
	while (r < len) {
		char *nl = memchr(text + r, '\n', len - r);
		size_t e = nl ? (size_t)(nl - text) : len, n = e - r;
		const char *line = text + r, *aud;
		size_t an;
		int fenced, blank = 0, dropping = depth && drop_at[depth - 1];
		char f = profile_fence(line, n);

		lineno++;
		if (fence) {
			if (f == fence)
				fence = 0;
		} else if (f)
			fence = f;
		else if (depth < PROFILE_DEPTH &&
		    opener(line, n, &aud, &an, &fenced)) {
			fenced_at[depth] = fenced;
			drop_at[depth] = dropping || !keeps(kept, aud, an);
			open_at[depth] = -1;
			if (blocks && !drop_at[depth]) {
				profile_block *b;
				*blocks = xrealloc(*blocks, (*nblocks + 1) *
				    sizeof **blocks);
				b = &(*blocks)[*nblocks];
				b->first = lineno;
				b->last = INT_MAX;   /* until its closer */
				b->audience = xstrndup(aud, an);
				open_at[depth] = (long)(*nblocks)++;
			}
			depth++;
			blank = 1;
		} else if (depth && closer(line, n, fenced_at[depth - 1])) {
			depth--;
			if (open_at[depth] >= 0)
				(*blocks)[open_at[depth]].last = lineno;
			blank = 1;
		}
		if (blank || dropping) {
			if (dropping && !blank && dropped)
				(*dropped)++;
		} else {
			memmove(text + w, line, n);
			w += n;
		}
		if (nl)
			text[w++] = '\n';
		r = nl ? e + 1 : len;
	}
	text[w] = '\0';
	return w;
}

size_t
profile_text(const project *p, char *text, size_t len, size_t *dropped)
{
	return profile_walk(p, text, len, dropped, NULL, NULL);
}

size_t
profile_text_blocks(const project *p, char *text, size_t len,
    profile_block **blocks, size_t *nblocks)
{
	return profile_walk(p, text, len, NULL, blocks, nblocks);
}

void
profile_blocks_free(profile_block *b, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(b[i].audience);
	free(b);
}

const profile_block *
profile_block_at(const profile_block *b, size_t n, int line)
{
	const profile_block *in = NULL;
	size_t i;

	for (i = 0; i < n; i++)   /* outermost first: the last match is innermost */
		if (b[i].first <= line && line <= b[i].last)
			in = &b[i];
	return in;
}

int
profile_edition_keeps(const project *p, const char *audience)
{
	return keeps(kept_audiences(p), audience, strlen(audience));
}

int
profile_keeps(const char *keep, const char *audience)
{
	yval list;
	yval *items[PROFILE_DEPTH], words[PROFILE_DEPTH];
	char *copy, *tok, *save = NULL;
	int r;

	if (!keep)
		return 1;
	/* keep as the list keeps() reads: the same matching as an edition's */
	memset(&list, 0, sizeof list);
	list.kind = YV_LIST;
	list.items = items;
	copy = xstrdup(keep);
	for (tok = strtok_r(copy, " ", &save); tok && list.n < PROFILE_DEPTH;
	    tok = strtok_r(NULL, " ", &save)) {
		memset(&words[list.n], 0, sizeof words[list.n]);
		words[list.n].kind = YV_STR;
		words[list.n].str = tok;
		items[list.n] = &words[list.n];
		list.n++;
	}
	r = keeps(&list, audience, strlen(audience));
	free(copy);
	return r;
}
