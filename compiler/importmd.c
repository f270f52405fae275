/*
 * importmd.c — the Markdown side of `policyc import`: the block model's
 * helpers both readers share (runs of text with their emphasis, images
 * stored content-addressed under assets/), and the writer that turns the
 * blocks left after front matter recovery (importmeta.c) into the body of
 * a policyc document: headings one level under the title, lists with
 * their nesting and numbers, GFM tables, footnotes.
 */
#include <ctype.h>
#include <errno.h>
#include "digest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsio.h"
#include "import.h"

imp_block *
imp_add(imp_doc *d, enum imp_kind kind)
{
	imp_block *b;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->b = xrealloc(d->b, d->cap * sizeof *d->b);
	}
	b = &d->b[d->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

void
imp_doc_free(imp_doc *d)
{
	size_t i, j;
	for (i = 0; i < d->n; i++) {
		imp_block *b = &d->b[i];
		free(b->md);
		free(b->text);
		for (j = 0; j < b->nrows * b->ncols; j++) {
			free(b->cells[j]);
			free(b->ctext[j]);
		}
		free(b->cells);
		free(b->ctext);
	}
	free(d->b);
	for (i = 0; i < d->nnotes; i++)
		free(d->notes[i]);
	free(d->notes);
	for (i = 0; i < d->nimg; i++) {
		free(d->img_parts[i]);
		free(d->img_targets[i]);
	}
	free(d->img_parts);
	free(d->img_targets);
	buf_free(&d->report);
}

char *
imp_escape(const char *s)
{
	buf b;
	buf_init(&b);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n' || c == '\r' || c == '\t') {
			buf_putc(&b, ' ');
			continue;
		}
		if (strchr("\\*_[]<>`|", c) ||
		    (c == '&' && (isalnum((unsigned char)s[1]) || s[1] == '#')))
			buf_putc(&b, '\\');
		buf_putc(&b, (char)c);
	}
	return buf_detach(&b);
}

void
imp_inline_init(imp_inline *il)
{
	memset(il, 0, sizeof *il);
	buf_init(&il->md);
	buf_init(&il->text);
	buf_init(&il->run);
}

void
imp_inline_free(imp_inline *il)
{
	buf_free(&il->md);
	buf_free(&il->text);
	buf_free(&il->run);
}

/* Emits the pending run with its emphasis markers, spaces kept outside
 * the markers (CommonMark will not close "**bold **"). */
void
imp_inline_flush(imp_inline *il)
{
	const char *s = il->run.data ? il->run.data : "";
	size_t n = il->run.len, a = 0, z = n;
	const char *mark = il->bold && il->italic ? "***" : il->bold ? "**" :
	    il->italic ? "*" : "";
	char *core, *esc;

	if (!n)
		return;
	while (a < n && s[a] == ' ')
		a++;
	while (z > a && s[z - 1] == ' ')
		z--;
	buf_putn(&il->md, s, a);
	if (z > a) {
		core = xstrndup(s + a, z - a);
		esc = imp_escape(core);
		buf_puts(&il->md, mark);
		buf_puts(&il->md, esc);
		buf_puts(&il->md, mark);
		free(esc);
		free(core);
	}
	buf_putn(&il->md, s + z, n - z);
	il->run.len = 0;
	if (il->run.data)
		il->run.data[0] = '\0';
}

void
imp_inline_text(imp_inline *il, const char *s, int bold, int italic)
{
	const char *p;
	if (!*s)
		return;
	if (il->run.len && (bold != il->bold || italic != il->italic))
		imp_inline_flush(il);
	il->bold = bold;
	il->italic = italic;
	buf_puts(&il->run, s);
	buf_puts(&il->text, s);
	for (p = s; *p; p++)
		if (!isspace((unsigned char)*p)) {
			il->any_text = 1;
			if (!bold)
				il->any_plain = 1;
			break;
		}
}

void
imp_inline_raw(imp_inline *il, const char *md, const char *text, int bold)
{
	imp_inline_flush(il);
	buf_puts(&il->md, md);
	buf_puts(&il->text, text);
	if (*text) {
		il->any_text = 1;
		if (!bold)
			il->any_plain = 1;
	}
}

char *
imp_store_image(imp_doc *d, const unsigned char *data, size_t len,
    const char *name)
{
	const char *dot = strrchr(name, '.');
	char ext[8] = "bin", sum[DIGEST_HEX], *rel, *abs;
	size_t i;

	if (dot && strlen(dot + 1) > 0 && strlen(dot + 1) < sizeof ext) {
		for (i = 0; dot[1 + i]; i++) {
			if (!isalnum((unsigned char)dot[1 + i]))
				break;
			ext[i] = (char)tolower((unsigned char)dot[1 + i]);
		}
		ext[i] = '\0';
		if (!i || dot[1 + i])
			strcpy(ext, "bin");
	}
	digest_sha256_hex(data, len, sum);
	rel = xasprintf("assets/%.16s.%s", sum, ext);
	abs = path_join(d->project, rel);
	/* beneath the project: an assets/ that is a symbolic link out of
	 * it is not written through */
	if (!fsio_exists(abs) &&
	    fsio_write_beneath(d->project, rel, (const char *)data, len)) {
		buf_printf(&d->report, "image %s not written: %s: %s\n", name,
		    rel, imp_write_reason(errno));
		free(abs);
		free(rel);
		return NULL;
	}
	free(abs);
	abs = xasprintf("%s%s", d->asset_prefix, rel + strlen("assets/"));
	free(rel);
	d->nimages++;
	return abs;
}

char *
imp_image_part(imp_doc *d, importzip *z, const char *part)
{
	char *data, *err = NULL, *target = NULL;
	size_t len, i;

	/* a part shown again is the target it got the first time: read
	 * at every reference, a few kilobytes of references to one large
	 * picture would inflate and hash it thousands of times */
	for (i = 0; i < d->nimg; i++)
		if (!strcmp(d->img_parts[i], part)) {
			if (!d->img_targets[i])
				return NULL;
			d->nimages++;
			return xstrdup(d->img_targets[i]);
		}
	if ((data = importzip_read(z, part, &len, &err)) != NULL)
		target = imp_store_image(d, (unsigned char *)data, len, part);
	else
		buf_printf(&d->report, "image %s not read%s%s\n", part,
		    err ? ": " : "", err ? err : "");
	free(err);
	free(data);
	d->img_parts = xrealloc(d->img_parts, (d->nimg + 1) *
	    sizeof *d->img_parts);
	d->img_targets = xrealloc(d->img_targets, (d->nimg + 1) *
	    sizeof *d->img_targets);
	d->img_parts[d->nimg] = xstrdup(part);
	d->img_targets[d->nimg++] = target ? xstrdup(target) : NULL;
	return target;
}

/* A paragraph must not start a different block: escape its first
 * character when it would ("# ", "- ", "1. ", "> "). */
static void
put_line_start(buf *b, const char *md)
{
	const char *p = md;
	if (*md == '#' || *md == '>' || *md == '-' || *md == '+' ||
	    *md == '=' || *md == '~')
		buf_putc(b, '\\');
	else if (isdigit((unsigned char)*md)) {
		while (isdigit((unsigned char)*p))
			p++;
		if ((*p == '.' || *p == ')') && (p[1] == ' ' || !p[1])) {
			buf_putn(b, md, (size_t)(p - md));
			buf_putc(b, '\\');
			md = p;
		}
	}
	buf_puts(b, md);
}

static void
put_table(buf *b, const imp_block *t)
{
	size_t r, c;
	for (r = 0; r < t->nrows; r++) {
		buf_puts(b, "|");
		for (c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			buf_printf(b, " %s |", *cell ? cell : "");
		}
		buf_puts(b, "\n");
		if (r == 0) {
			buf_puts(b, "|");
			for (c = 0; c < t->ncols; c++)
				buf_puts(b, "---|");
			buf_puts(b, "\n");
		}
	}
}

char *
importmd_body(imp_doc *d)
{
	buf b;
	size_t i;
	int in_list = 0, width[16], last_id = -1, paren = 0;

	buf_init(&b);
	for (i = 0; i < d->n; i++) {
		imp_block *k = &d->b[i];
		if (k->dropped)
			continue;
		if (k->kind != IMP_ITEM && in_list) {
			in_list = 0;
			last_id = -1;
		}
		if (k->kind != IMP_ITEM && k->kind != IMP_TABLE &&
		    (!k->md || !*k->md))
			continue;
		switch (k->kind) {
		case IMP_HEADING: {
			int lv = k->level + 1;
			if (lv > 6)
				lv = 6;
			if (b.len)
				buf_puts(&b, "\n");
			buf_printf(&b, "%.*s %s\n", lv, "######", k->md);
			break;
		}
		case IMP_PARA:
			if (b.len)
				buf_puts(&b, "\n");
			put_line_start(&b, k->md);
			buf_puts(&b, "\n");
			break;
		case IMP_TABLE:
			if (!k->nrows || !k->ncols)
				break;
			if (b.len)
				buf_puts(&b, "\n");
			put_table(&b, k);
			break;
		case IMP_ITEM: {
			int lv = k->level, j, ind = 0;
			char marker[24];
			if (lv > 15)
				lv = 15;
			if (!in_list) {
				if (b.len)
					buf_puts(&b, "\n");
				in_list = 1;
				lv = 0;
				memset(width, 0, sizeof width);
			}
			/* a level with no parent item hangs on the deepest one */
			for (j = 0; j < lv; j++)
				if (!width[j]) {
					lv = j;
					break;
				}
			if (lv == 0 && last_id != -1 && k->list_id != last_id &&
			    k->ordered)
				paren = !paren;   /* a new list: "1)" after "1." */
			if (lv == 0)
				last_id = k->list_id;
			for (j = 0; j < lv; j++)
				ind += width[j];
			if (k->ordered)
				snprintf(marker, sizeof marker, "%d%c ",
				    k->number > 0 ? k->number : 1,
				    lv == 0 && paren ? ')' : '.');
			else
				snprintf(marker, sizeof marker, "- ");
			width[lv] = (int)strlen(marker);
			for (j = lv + 1; j < 16; j++)
				width[j] = 0;
			buf_printf(&b, "%*s%s%s\n", ind, "", marker,
			    k->md ? k->md : "");
			break;
		}
		}
	}
	if (d->nnotes) {
		buf_puts(&b, "\n");
		for (i = 0; i < d->nnotes; i++)
			buf_printf(&b, "[^%zu]: %s\n", i + 1,
			    *d->notes[i] ? d->notes[i] : "(empty note)");
	}
	return buf_detach(&b);
}
