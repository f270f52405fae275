/*
 * incrparse.c — the load's share of the build cache (incremental.h).
 * Parsing every body was most of a rebuild's load: cmark-gfm builds the
 * whole tree of each document, though the index the later stages start
 * from needs only its headings and how many images it has, and a tree
 * is read again only for the few documents whose pages are made.  A
 * build into OUT records, under "pw KEY" (policyc.yaml's bytes and the
 * cmark-gfm library's version, hashed; the cache's header names the
 * binary), for each document:
 *
 *   pk SOURCE PATH                  the hash of the text parsed
 *   ph LEVEL LINE SLUG TEXT         a heading (slug and text escaped)
 *   pi IMAGES                       its image count
 *   pf SEV LINE COL RULE PATH MSG   what the body's parse reported
 *   ps SIZE MTIME CTIME INO DEV     the file as it was read, when read
 *                                   settled (document.h file_settled)
 *   pm FRONT                        ... and the text before its body
 *                                   line (the front matter, escaped)
 *   pv META                         ... and that front matter as parsed
 *                                   (yval_record), made again instead
 *                                   of parsed
 *
 * The next build's load reads each document's text and front matter as
 * always, and when the text hashes as recorded takes the rest from the
 * record instead of parsing the body (document_load_memo).  A file
 * whose stat is the one "ps" holds is not even read, as git and
 * Mercurial trust a file by its stat (incr_parse_trust): the front
 * matter is read from "pm", and the text only for a stage that needs it
 * (document_read_again, which checks the hash).  A write to the file
 * changes its ctime, which no one can set back; a file changed in the
 * clock tick it was read in is not recorded settled, so its next change
 * cannot hide in that tick.  The tree is
 * parsed — and linked, when the link pass took its links from the cache
 * (incrlinks.c) — when a stage first reads it (corpus_tree_need), and
 * kept.  A record that does not read back whole is ignored, and that
 * body parsed.  A bounded build records but parses every body (it makes
 * each tree again per stage anyway); not for editions or serve's
 * standby (which parses ahead).
 */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "corpus.h"
#include "document.h"
#include "incremental.h"
#include "strtab.h"
#include "util.h"

struct incr_parse {
	pipeline *pl;
	strtab *at;              /* path -> index into rec */
	const char **rec;        /* each document's "pk" line */
	size_t nrec;
	diag_set *like;          /* the build's findings (severities) */
};

static void
parse_key(pipeline *pl, char out[33])
{
	const project *p = pipeline_project(pl);
	incr_hash h;

	incr_hash_init(&h);
	incr_hash_str(&h, "policyc parse 1");
	/* the library that parses, as loaded (an upgrade of it alone
	 * leaves this binary's identity as it was) */
	incr_hash_str(&h, cmark_version_string());
	incr_hash_long(&h, (long)p->config_len);
	if (p->config_text)
		incr_hash_add(&h, p->config_text, p->config_len);
	incr_hash_str(&h, p->content);
	incr_hash_hex(&h, out);
}

incr_parse *
incr_parse_begin(pipeline *pl, const char *out, int use_cache)
{
	incr_parse *ip;
	const char *body, *end, *line;
	incr_cache_walk w;
	char key[33];
	int same = 0;

	if (!out || !pipeline_project(pl))
		return NULL;
	ip = xcalloc(1, sizeof *ip);
	ip->pl = pl;
	ip->like = pipeline_diags(pl);
	if (!use_cache || !(end = incr_cache_lines(out, pl, 1, &body)))
		return ip;   /* records what it parses, for the next */
	parse_key(pl, key);
	for (line = incr_cache_walk_first(&w, pl, "p"); line;
	    line = incr_cache_walk_next(&w)) {
		if (line[0] != 'p')
			continue;
		if (!strncmp(line, "pw\t", 3)) {
			same = !strcmp(line + 3, key);
			continue;
		}
		if (!same || strncmp(line, "pk\t", 3) || strlen(line) < 3 + 33 ||
		    line[3 + 32] != '\t')
			continue;
		if (!ip->at)
			ip->at = strtab_new(1024);
		if (strtab_get(ip->at, line + 3 + 33) >= 0)
			continue;
		ip->rec = xrealloc(ip->rec, (ip->nrec + 1) * sizeof *ip->rec);
		strtab_put(ip->at, line + 3 + 33, (long)ip->nrec);
		ip->rec[ip->nrec++] = line;
	}
	return ip;
}

/* One "ph" line's fields onto d's headings; 0 when it is not one. */
static int
put_heading(document *d, const char *fields)
{
	char *copy = xstrdup(fields), *f[4], *s = copy, *e;
	long level, line;
	heading *h;
	int k;

	for (k = 0; k < 4; k++) {
		f[k] = s;
		if (k < 3 && (!s || !(s = strchr(s, '\t')))) {
			free(copy);
			return 0;
		}
		if (k < 3)
			*s++ = '\0';
	}
	level = strtol(f[0], &e, 10);
	if (*e || level < 1 || level > 6)
		goto bad;
	line = strtol(f[1], &e, 10);
	if (*e || line < 0 || !*f[2])
		goto bad;
	str_unescape(f[2]);
	str_unescape(f[3]);
	d->headings = xrealloc(d->headings, (d->nheadings + 1) *
	    sizeof *d->headings);
	h = &d->headings[d->nheadings++];
	h->level = (int)level;
	h->line = (int)line;
	h->slug = xstrdup(f[2]);
	h->text = xstrdup(f[3]);
	h->node = NULL;
	free(copy);
	return 1;
bad:
	free(copy);
	return 0;
}

/* Gives back what put_heading and the findings put on d. */
static int
undo(document *d)
{
	for (size_t k = 0; k < d->nheadings; k++) {
		free(d->headings[k].text);
		free(d->headings[k].slug);
	}
	free(d->headings);
	d->headings = NULL;
	d->nheadings = 0;
	d->nimages = 0;
	diag_free(d->parse_found);
	d->parse_found = NULL;
	return 0;
}

int
incr_parse_body(void *ctx, document *d)
{
	incr_parse *ip = ctx;
	const char *line;
	long k;
	int images = 0;

	if (!ip || !ip->at || !d->source || d->nheadings || d->headings ||
	    (k = strtab_get(ip->at, d->path)) < 0)
		return 0;
	line = ip->rec[k];
	if (memcmp(line + 3, incr_text_hash(d), 32) != 0)
		return 0;
	d->parse_found = diag_new_like(ip->like);
	for (line = INCR_NEXT_LINE(line); line[0] == 'p' && line[1] &&
	    line[2] == '\t' && strchr("hif", line[1]); line = INCR_NEXT_LINE(line)) {
		if (line[1] == 'h' && !put_heading(d, line + 3))
			return undo(d);
		if (line[1] == 'i') {
			char *e;
			long n = strtol(line + 3, &e, 10);
			if (*e || n < 0 || images++)
				return undo(d);
			d->nimages = (size_t)n;
		}
		if (line[1] == 'f') {
			char *copy = xstrdup(line);
			int ok = incr_get_finding(copy, "pf", NULL,
			    d->parse_found);
			free(copy);
			if (!ok)
				return undo(d);
		}
	}
	if (!images)
		return undo(d);
	return 1;
}

int
incr_parse_trust(void *ctx, const char *path, const document_file *now,
    char hash[33], size_t *len, char **front, size_t *front_len,
    const char **record, const char **meta)
{
	incr_parse *ip = ctx;
	const char *line, *s, *pm = NULL, *pv = NULL;
	long long v[5];
	long k;
	int have = 0;

	if (!ip || !ip->at || (k = strtab_get(ip->at, path)) < 0)
		return 0;
	line = ip->rec[k];
	for (line = INCR_NEXT_LINE(line); line[0] == 'p' && line[1] &&
	    line[2] == '\t' && strchr("hifsmv", line[1]);
	    line = INCR_NEXT_LINE(line)) {
		if (line[1] == 's') {
			s = line + 3;
			have = incr_get_numbers(&s, v, 5) && !*s;
		} else if (line[1] == 'm')
			pm = line + 3;
		else if (line[1] == 'v')
			pv = line + 3;
	}
	if (!have || !pm || v[0] != now->size || v[1] != now->mtime_ns ||
	    v[2] != now->ctime_ns || (unsigned long long)v[3] != now->ino ||
	    (unsigned long long)v[4] != now->dev)
		return 0;
	memcpy(hash, ip->rec[k] + 3, 32);
	hash[32] = '\0';
	*len = (size_t)v[0];
	*front = xstrdup(pm);
	str_unescape(*front);
	*front_len = strlen(*front);
	*record = pm;
	*meta = pv;
	return 1;
}

void
incr_parse_free(incr_parse *ip)
{
	if (!ip)
		return;
	strtab_free(ip->at);
	free(ip->rec);
	free(ip);
}

/* "ps SIZE MTIME CTIME INO DEV" and "pm FRONT": the file as it was read
 * and the bytes before its body line (escaped), for incr_parse_trust —
 * when it was read settled (document.h file_settled), opens with a
 * closed front matter block (so those bytes are all the load reads
 * before the body) and no audience block was left out of it. */
static void
put_file(const document *d, buf *b)
{
	char *front;

	if (!d->file_settled || !d->front_fenced || d->nprofiled ||
	    (!d->front_record && (!d->source || d->front_len >
	    d->source_len)))
		return;
	incr_put_numbers(b, "ps", (long long[]){ d->file.size,
	    d->file.mtime_ns, d->file.ctime_ns, (long long)d->file.ino,
	    (long long)d->file.dev }, 5);
	buf_puts(b, "\npm\t");
	if (d->front_record)
		buf_puts(b, d->front_record);
	else {
		front = xstrndup(d->source, d->front_len);
		buf_put_escaped(b, front);
		free(front);
	}
	buf_putc(b, '\n');
	/* and that front matter as parsed (one line, no tab or newline
	 * unescaped: yval_record), so the next build need not parse it */
	if (d->meta_record && !strpbrk(d->meta_record, "\n\r")) {
		buf_puts(b, "pv\t");
		buf_puts(b, d->meta_record);
		buf_putc(b, '\n');
	}
}

/* Document d's record into b; 0 when it cannot be written whole. */
static int
put_document(const document *d, buf *b)
{
	size_t k;

	if (!d->parse_found || d->broken || !d->source_hash[0] ||
	    strpbrk(d->path, "\t\n\r"))
		return 0;
	buf_printf(b, "pk\t%s\t%s\n", d->source_hash, d->path);
	for (k = 0; k < d->nheadings; k++) {
		const heading *h = &d->headings[k];
		if (!h->slug || !*h->slug)
			return 0;
		incr_put_numbers(b, "ph", (long long[]){ h->level, h->line },
		    2);
		buf_putc(b, '\t');
		buf_put_escaped(b, h->slug);
		buf_putc(b, '\t');
		buf_put_escaped(b, h->text ? h->text : "");
		buf_putc(b, '\n');
	}
	buf_printf(b, "pi\t%zu\n", d->nimages);
	for (k = 0; k < diag_count(d->parse_found); k++) {
		const diagnostic *g = diag_at(d->parse_found, k);
		if (strpbrk(g->file, "\t\n\r") || strpbrk(g->rule, "\t\n\r"))
			return 0;
		incr_put_finding(b, "pf", g, g->file);
	}
	put_file(d, b);
	return 1;
}

void
incr_parse_write(pipeline *pl, incr_out *o)
{
	corpus *c = pipeline_corpus(pl);
	char key[33];
	size_t i, at;

	if (!c || !pipeline_project(pl))
		return;
	parse_key(pl, key);
	buf_printf(&o->b, "pw\t%s\n", key);
	for (i = 0; i < c->ndocs; i++) {
		document *d = c->docs[i];
		if (!d->parse_found)
			continue;
		(void)incr_text_hash(d);
		at = o->b.len;
		if (!put_document(d, &o->b)) {
			o->b.len = at;   /* none, rather than part */
			o->b.data[at] = '\0';
		}
		incr_out_room(o);
	}
}
