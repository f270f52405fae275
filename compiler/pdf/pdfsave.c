/*
 * pdfsave.c — writes a tagged PDF by copying, byte for byte, every object
 * of cairo's file that tagging did not change, and writing only the ones
 * it changed or made.  qpdf's own writer resolves every object of the
 * file, then serialises every one again: for a 500-page pack, 40,000
 * objects (the link annotations, structure elements, fonts and page
 * content), and that pass was the PDF stage's critical path.  Tagging
 * changes the structure elements it regroups, the pages, their content
 * and annotations, and the catalogue; the fonts, images, resources,
 * outlines, the link structure elements and most of the file's bytes
 * stay as cairo wrote them.
 *
 * It reads only what cairo writes: one classic cross-reference table (no
 * /Prev, no cross-reference stream), every object of generation 0 at the
 * offset the table gives.  Anything else (pdfsave_open says NULL) goes
 * through qpdf's writer as before.  The objects keep their numbers and
 * their order; new ones (numbered from the trailer's /Size up) follow;
 * then a new table and trailer, whose /ID is the SHA-256 of the bytes
 * before it (the same input makes the same file).
 *
 * cairo is asked to leave its streams uncompressed (pdf.c says why:
 * tagging then reads page content without inflating it, and the content
 * is deflated once, not twice).  A stream of cairo's that tagging did not
 * rewrite is deflated here as it is copied, in the very form cairo gives
 * a compressed stream ("/Filter /FlateDecode" after its "/Length L 0 R"
 * line, object L holding the new length), so the file is the same bytes
 * whichever way cairo wrote it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "pdfsave.h"
#include "digest.h"
#include "util.h"

typedef struct {
	char *dict;          /* without /Length and /Filter */
	unsigned char *data;
	size_t len;
	int deflated;
} own_stream;

/* Bytes [at, at + len) of an old object, copied with text instead. */
struct repl {
	size_t at, len;
	char *text;
};

/* What becomes of an object (pdfsave.touched): copied as it was,
 * written from its serialisation, or left out. */
enum { COPIED, CHANGED, LEFT_OUT };

struct pdfsave {
	const char *data;
	size_t len;
	size_t xref;         /* offset of the old table: the objects end there */
	size_t head;         /* bytes before the first object */
	int size;            /* the old trailer's /Size */
	int next;            /* the next new object number */
	size_t *off;         /* per old object: its offset, 0 when free */
	int *order;          /* old objects in file order */
	int norder;
	unsigned char *touched;   /* per object (old and new): COPIED,
	                             CHANGED or LEFT_OUT */
	own_stream **own;         /* per object: written as this stream */
	char **extra;             /* per object: added before its last ">>" */
	struct repl **repl;       /* per object: bytes of it replaced */
	size_t *end;              /* per old object: where its bytes end */
	int cap;                  /* of touched and own */
	z_stream z;               /* one deflater for every stream: its
	                             quarter megabyte of state is made
	                             once a file, not once a page */
	int z_ready;
	struct packed **packed;   /* per old object: cairo's uncompressed
	                             stream, deflated as it is copied */
	long long *length_now;    /* per old object: a /Length object's new
	                             value, or -1 */
};

/* An old uncompressed stream object of cairo's, deflated: its bytes up
 * to the end of the "/Length L 0 R" line (head), the rest of them up to
 * the data (rest), the deflated data. */
struct packed {
	size_t head, rest;
	unsigned char *data;
	size_t len;
};

static void
own_free(own_stream *o)
{
	if (!o)
		return;
	free(o->dict);
	free(o->data);
	free(o);
}

/* data (len bytes) deflated into a malloc'd *out of *outlen bytes; 0,
 * or -1 when zlib fails. */
static int
deflate_all(pdfsave *s, const void *data, size_t len, unsigned char **out,
    size_t *outlen)
{
	uLong bound;

	if (!s->z_ready) {
		memset(&s->z, 0, sizeof s->z);
		if (deflateInit(&s->z, Z_DEFAULT_COMPRESSION) != Z_OK)
			return -1;
		s->z_ready = 1;
	} else if (deflateReset(&s->z) != Z_OK)
		return -1;
	bound = deflateBound(&s->z, (uLong)len);
	*out = xmalloc(bound ? bound : 1);
	s->z.next_in = (Bytef *)data;
	s->z.avail_in = (uInt)len;
	s->z.next_out = *out;
	s->z.avail_out = (uInt)bound;
	if (deflate(&s->z, Z_FINISH) != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = bound - s->z.avail_out;
	return 0;
}

static int
cmp_off(const void *a, const void *b, void *ctx)
{
	const size_t *off = ctx;
	size_t x = off[*(const int *)a], y = off[*(const int *)b];

	return (x > y) - (x < y);
}

/* Skips PDF whitespace from i. */
static size_t
ws(const char *d, size_t n, size_t i)
{
	while (i < n && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' ||
	    d[i] == '\t' || d[i] == '\f' || d[i] == '\0'))
		i++;
	return i;
}

/* A decimal number at d[*i] (after whitespace); -1 when there is none. */
static long long
number(const char *d, size_t n, size_t *i)
{
	long long v = 0;
	size_t j = ws(d, n, *i), start = j;

	while (j < n && d[j] >= '0' && d[j] <= '9' && j - start < 15)
		v = v * 10 + (d[j++] - '0');
	if (j == start)
		return -1;
	*i = j;
	return v;
}

/* 1 when d[i..] starts with the word w. */
static int
word(const char *d, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);

	return i + k <= n && memcmp(d + i, w, k) == 0;
}

static void
grow(pdfsave *s, int id)
{
	int cap = s->cap;

	if (id < cap)
		return;
	while (cap <= id)
		cap = cap ? cap * 2 : 1024;
	s->touched = xrealloc(s->touched, (size_t)cap);
	memset(s->touched + s->cap, 0, (size_t)(cap - s->cap));
	s->own = xrealloc(s->own, (size_t)cap * sizeof *s->own);
	memset(s->own + s->cap, 0, (size_t)(cap - s->cap) * sizeof *s->own);
	s->extra = xrealloc(s->extra, (size_t)cap * sizeof *s->extra);
	memset(s->extra + s->cap, 0, (size_t)(cap - s->cap) *
	    sizeof *s->extra);
	s->repl = xrealloc(s->repl, (size_t)cap * sizeof *s->repl);
	memset(s->repl + s->cap, 0, (size_t)(cap - s->cap) *
	    sizeof *s->repl);
	s->cap = cap;
}

pdfsave *
pdfsave_open(const char *data, size_t len)
{
	pdfsave *s;
	size_t i, tail = len > 64 ? len - 64 : 0, trailer;
	long long v, first, count, k;
	const char *sx = NULL;
	int id;

	/* "startxref N %%EOF" at the end */
	for (i = len; i-- > tail;)
		if (word(data, len, i, "startxref")) {
			sx = data + i;
			break;
		}
	if (!sx)
		return NULL;
	i = (size_t)(sx - data) + 9;
	if ((v = number(data, len, &i)) <= 0 || (size_t)v >= len ||
	    !word(data, len, (size_t)v, "xref"))
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->data = data;
	s->len = len;
	s->xref = (size_t)v;
	i = s->xref + 4;
	/* subsections "first count", each entry "offset gen n|f" */
	for (;;) {
		size_t j = ws(data, len, i);
		if (word(data, len, j, "trailer")) {
			i = j + 7;
			break;
		}
		if ((first = number(data, len, &i)) < 0 ||
		    (count = number(data, len, &i)) < 0 ||
		    first + count > 10000000)
			goto bad;
		if (first + count > s->size) {
			s->off = xrealloc(s->off, (size_t)(first + count) *
			    sizeof *s->off);
			memset(s->off + s->size, 0, (size_t)(first + count -
			    s->size) * sizeof *s->off);
			s->size = (int)(first + count);
		}
		for (k = 0; k < count; k++) {
			long long o = number(data, len, &i), g;
			if (o < 0 || (g = number(data, len, &i)) < 0)
				goto bad;
			i = ws(data, len, i);
			if (i < len && data[i] == 'n') {
				if (g != 0 || o <= 0 || (size_t)o >= s->xref ||
				    first + k == 0)
					goto bad;
				s->off[first + k] = (size_t)o;
			} else if (i >= len || data[i] != 'f')
				goto bad;
			i++;
		}
	}
	/* the trailer: one table only */
	trailer = i;
	for (i = trailer; i < len && !word(data, len, i, "startxref"); i++)
		if (word(data, len, i, "/Prev") ||
		    word(data, len, i, "/XRefStm") ||
		    word(data, len, i, "/Encrypt"))
			goto bad;
	/* every object where the table says, in file order */
	s->order = xcalloc((size_t)s->size + 1, sizeof *s->order);
	for (id = 1; id < s->size; id++)
		if (s->off[id])
			s->order[s->norder++] = id;
	if (!s->norder)
		goto bad;
	qsort_r(s->order, (size_t)s->norder, sizeof *s->order, cmp_off, s->off);
	for (k = 0; k < s->norder; k++) {
		size_t at = s->off[s->order[k]];
		char want[32];
		int w = snprintf(want, sizeof want, "%d 0 obj", s->order[k]);
		if (k && at == s->off[s->order[k - 1]])
			goto bad;
		if (!word(data, len, at, want) || at + (size_t)w > s->xref)
			goto bad;
	}
	s->end = xcalloc((size_t)s->size + 1, sizeof *s->end);
	for (k = 0; k < s->norder; k++)
		s->end[s->order[k]] = k + 1 < s->norder ?
		    s->off[s->order[k + 1]] : s->xref;
	s->head = s->off[s->order[0]];
	s->packed = xcalloc((size_t)s->size + 1, sizeof *s->packed);
	s->length_now = xmalloc(((size_t)s->size + 1) * sizeof *s->length_now);
	for (id = 0; id <= s->size; id++)
		s->length_now[id] = -1;
	s->next = s->size;
	grow(s, s->size);
	return s;
bad:
	pdfsave_free(s);
	return NULL;
}

int
pdfsave_new_id(pdfsave *s)
{
	int id = s->next++;

	grow(s, id);
	return id;
}

void
pdfsave_touch(pdfsave *s, int id)
{
	if (id <= 0)
		return;
	grow(s, id);
	if (s->touched[id] == COPIED)
		s->touched[id] = CHANGED;
}

void
pdfsave_drop(pdfsave *s, int id)
{
	if (id <= 0 || id >= s->size)
		return;
	grow(s, id);
	s->touched[id] = LEFT_OUT;
}

const char *
pdfsave_raw(const pdfsave *s, int id, size_t *n)
{
	if (id <= 0 || id >= s->size || !s->off[id])
		return NULL;
	*n = s->end[id] - s->off[id];
	return s->data + s->off[id];
}

/* Where the closing ">>" of the dictionary object in d (n bytes) is:
 * the last ">>" before "endobj", with nothing but space between; and
 * the object starts "N G obj <<".  (size_t)-1 when it is not so (a
 * stream, a number, anything else). */
static size_t
dict_close(const char *d, size_t n)
{
	size_t i = 0, e;

	while (i < n && d[i] != 'o')     /* past "N G " */
		i++;
	if (!word(d, n, i, "obj"))
		return (size_t)-1;
	i = ws(d, n, i + 3);
	if (!word(d, n, i, "<<"))
		return (size_t)-1;
	for (e = n; e >= 6 && !word(d, n, e - 6, "endobj"); e--)
		;
	if (e < 6)
		return (size_t)-1;
	e -= 6;
	while (e > i && (d[e - 1] == ' ' || d[e - 1] == '\n' ||
	    d[e - 1] == '\r' || d[e - 1] == '\t'))
		e--;
	if (e < i + 4 || d[e - 1] != '>' || d[e - 2] != '>')
		return (size_t)-1;
	return e - 2;
}

int
pdfsave_append(pdfsave *s, int id, const char *text)
{
	const char *raw;
	size_t n;
	char *was;

	if (!(raw = pdfsave_raw(s, id, &n)) || s->own[id] ||
	    dict_close(raw, n) == (size_t)-1)
		return -1;
	was = s->extra[id];
	s->extra[id] = was ? xasprintf("%s %s", was, text) : xstrdup(text);
	free(was);
	return 0;
}

int
pdfsave_replace(pdfsave *s, int id, size_t at, size_t len, const char *text)
{
	const char *raw;
	size_t n, c;

	if (!(raw = pdfsave_raw(s, id, &n)) || s->own[id] || s->repl[id] ||
	    (c = dict_close(raw, n)) == (size_t)-1 || at > c || len > c - at)
		return -1;
	s->repl[id] = xcalloc(1, sizeof *s->repl[id]);
	s->repl[id]->at = at;
	s->repl[id]->len = len;
	s->repl[id]->text = xstrdup(text);
	return 0;
}

void
pdfsave_stream(pdfsave *s, int id, const char *dict, const void *data,
    size_t len, int flate)
{
	own_stream *o = xcalloc(1, sizeof *o);

	grow(s, id);
	o->dict = xstrdup(dict);
	if (flate && len < 0x7fffffff &&
	    deflate_all(s, data, len, &o->data, &o->len) == 0)
		o->deflated = 1;
	else {
		o->data = xmalloc(len ? len : 1);
		memcpy(o->data, data, len);
		o->len = len;
	}
	own_free(s->own[id]);
	s->own[id] = o;
}

/* Object id as it is now: its stream, or qpdf's serialisation of it;
 * 0, or -1 when it is a stream of qpdf's (its data is not written). */
static int
put_object(pdfsave *s, qpdf_data q, buf *b, int id)
{
	own_stream *o = s->own[id];

	if (s->repl[id])   /* qpdf's text would not have the new bytes */
		return -1;
	buf_put_long(b, id);
	buf_puts(b, " 0 obj\n");
	if (o) {
		size_t n = strlen(o->dict);
		/* the dictionary without its closing ">>" */
		while (n > 0 && (o->dict[n - 1] == ' ' || o->dict[n - 1] == '\n'))
			n--;
		if (n < 4 || memcmp(o->dict, "<<", 2) != 0 ||
		    memcmp(o->dict + n - 2, ">>", 2) != 0)
			return -1;
		buf_putn(b, o->dict, n - 2);
		buf_puts(b, " /Length ");
		buf_put_long(b, (long long)o->len);
		if (o->deflated)
			buf_puts(b, " /Filter /FlateDecode");
		buf_puts(b, " >>\nstream\n");
		buf_putn(b, (const char *)o->data, o->len);
		buf_puts(b, "\nendstream\nendobj\n");
		return 0;
	}
	{
		qpdf_oh h = qpdf_get_object_by_id(q, id, 0);
		const char *t;
		size_t n;
		if (qpdf_oh_is_stream(q, h))
			return -1;
		t = qpdf_oh_unparse_resolved(q, h);
		n = strlen(t);
		if (s->extra[id]) {
			/* a dictionary's text ends ">>" */
			if (n < 4 || memcmp(t + n - 2, ">>", 2) != 0)
				return -1;
			buf_putn(b, t, n - 2);
			buf_putc(b, ' ');
			buf_puts(b, s->extra[id]);
			buf_puts(b, " >>");
		} else
			buf_putn(b, t, n);
		qpdf_oh_release(q, h);
	}
	buf_puts(b, "\nendobj\n");
	return 0;
}

/* Old object id, when it is an uncompressed stream as cairo writes one:
 * "N 0 obj\n<< /Length L 0 R\n", more lines of its dictionary without
 * /Filter, ">>\nstream\n", the data, "\nendstream\nendobj\n"; and
 * object L, "L 0 obj\n   LEN\nendobj\n", says the data's length.  The
 * data deflated into s->packed[id], and L's new value; 0, or -1 when the
 * object is anything else (it is copied as it is). */
static int
pack_plain_stream(pdfsave *s, int id)
{
	const char *raw = s->data + s->off[id], *dict, *data, *tail;
	size_t n = s->end[id] - s->off[id], i, head, dlen, tn;
	static const char close[] = ">>\nstream\n", end[] =
	    "\nendstream\nendobj\n";
	long long lid, len;
	struct packed *p;

	/* "N 0 obj\n<< /Length L 0 R\n" */
	for (i = 0; i < n && raw[i] != '\n'; i++)
		;
	if (!word(raw, n, i, "\n<< /Length "))
		return -1;
	i += 12;
	if ((lid = number(raw, n, &i)) <= 0 || lid >= s->size ||
	    !word(raw, n, i, " 0 R\n") || !s->off[lid] ||
	    s->touched[lid] != COPIED || s->packed[lid])
		return -1;
	head = i + 5;
	/* the rest of the dictionary: no filter, not metadata */
	dict = raw + head;
	data = memmem(dict, n - head, close, sizeof close - 1);
	if (!data || memmem(dict, (size_t)(data - dict), "/Filter", 7) ||
	    memmem(dict, (size_t)(data - dict), "/Metadata", 9))
		return -1;
	data += sizeof close - 1;
	dlen = n - (size_t)(data - raw);
	if (dlen < sizeof end - 1 || memcmp(raw + n - (sizeof end - 1), end,
	    sizeof end - 1) != 0)
		return -1;
	dlen -= sizeof end - 1;
	/* "L 0 obj\n   LEN\nendobj\n", LEN the data's length */
	tail = s->data + s->off[lid];
	tn = s->end[lid] - s->off[lid];
	i = 0;
	if (s->length_now[lid] >= 0 || number(tail, tn, &i) != lid ||
	    !word(tail, tn, i, " 0 obj\n"))
		return -1;
	i += 7;
	if ((len = number(tail, tn, &i)) != (long long)dlen ||
	    !word(tail, tn, i, "\nendobj\n") || i + 8 != tn ||
	    dlen >= 0x7fffffff)
		return -1;
	p = xcalloc(1, sizeof *p);
	p->head = head;
	p->rest = (size_t)(data - raw) - head;
	if (deflate_all(s, data, dlen, &p->data, &p->len) != 0) {
		free(p);
		return -1;
	}
	s->packed[id] = p;
	s->length_now[lid] = (long long)p->len;
	return 0;
}

char *
pdfsave_write(pdfsave *s, qpdf_data q, int root, int info, size_t *len)
{
	buf b;
	size_t *at = xcalloc((size_t)s->next + 1, sizeof *at), xref, n;
	char hash[DIGEST_HEX];
	int k, id;

	/* cairo's uncompressed streams that are copied, deflated first:
	 * their /Length objects may come before them */
	for (k = 0; k < s->norder; k++) {
		id = s->order[k];
		if (s->touched[id] == COPIED && !s->own[id] && !s->extra[id] &&
		    !s->repl[id])
			pack_plain_stream(s, id);
	}
	buf_init(&b);
	buf_grow(&b, s->len + s->len / 4);
	buf_putn(&b, s->data, s->head);
	for (k = 0; k < s->norder; k++) {
		id = s->order[k];
		if (s->touched[id] == LEFT_OUT)
			continue;     /* a free entry of the new table */
		at[id] = b.len;
		if (s->packed[id]) {
			const struct packed *p = s->packed[id];
			buf_putn(&b, s->data + s->off[id], p->head);
			buf_puts(&b, "   /Filter /FlateDecode\n");
			buf_putn(&b, s->data + s->off[id] + p->head, p->rest);
			buf_putn(&b, (const char *)p->data, p->len);
			buf_puts(&b, "\nendstream\nendobj\n");
		} else if (s->length_now[id] >= 0) {
			buf_put_long(&b, id);
			buf_puts(&b, " 0 obj\n   ");
			buf_put_long(&b, s->length_now[id]);
			buf_puts(&b, "\nendobj\n");
		} else if (s->touched[id] == CHANGED || s->own[id]) {
			if (put_object(s, q, &b, id) != 0)
				goto bad;
		} else if (s->extra[id] || s->repl[id]) {
			const char *raw = s->data + s->off[id];
			size_t rn = s->end[id] - s->off[id];
			size_t c = dict_close(raw, rn), from = 0;
			const struct repl *r = s->repl[id];
			if (r) {
				buf_putn(&b, raw, r->at);
				buf_puts(&b, r->text);
				from = r->at + r->len;
			}
			buf_putn(&b, raw + from, c - from);
			if (s->extra[id]) {
				buf_puts(&b, s->extra[id]);
				buf_putc(&b, '\n');
			}
			buf_putn(&b, raw + c, rn - c);
		} else
			buf_putn(&b, s->data + s->off[id],
			    s->end[id] - s->off[id]);
	}
	for (id = s->size; id < s->next; id++) {
		at[id] = b.len;
		if (put_object(s, q, &b, id) != 0)
			goto bad;
	}
	digest_sha256_hex(b.data, b.len, hash);
	xref = b.len;
	buf_puts(&b, "xref\n0 ");
	buf_put_long(&b, s->next);
	buf_puts(&b, "\n");
	/* the free entries a list, as the table wants: object 0 names the
	 * first, each the next, the last 0; a number left out is free with
	 * generation 1 (its object was 0) */
	for (id = 0; id < s->next; id++) {
		char e[48];
		int nf = id + 1;
		if (id && at[id])
			snprintf(e, sizeof e, "%010zu 00000 n \n", at[id]);
		else {
			while (nf < s->next && at[nf])
				nf++;
			snprintf(e, sizeof e, "%010d %05d f \n",
			    nf < s->next ? nf : 0, id ? 1 : 65535);
		}
		buf_putn(&b, e, 20);
	}
	buf_puts(&b, "trailer\n<< /Size ");
	buf_put_long(&b, s->next);
	buf_puts(&b, " /Root ");
	buf_put_long(&b, root);
	buf_puts(&b, " 0 R");
	if (info > 0) {
		buf_puts(&b, " /Info ");
		buf_put_long(&b, info);
		buf_puts(&b, " 0 R");
	}
	buf_puts(&b, " /ID [<");
	buf_putn(&b, hash, 32);
	buf_puts(&b, "><");
	buf_putn(&b, hash, 32);
	buf_puts(&b, ">] >>\nstartxref\n");
	buf_put_long(&b, (long long)xref);
	buf_puts(&b, "\n%%EOF\n");
	free(at);
	n = b.len;
	*len = n;
	return buf_detach(&b);
bad:
	free(at);
	buf_free(&b);
	return NULL;
}

void
pdfsave_free(pdfsave *s)
{
	int id;

	if (!s)
		return;
	for (id = 0; id < s->cap; id++) {
		own_free(s->own[id]);
		free(s->extra[id]);
		if (s->repl[id])
			free(s->repl[id]->text);
		free(s->repl[id]);
	}
	for (id = 0; s->packed && id < s->size; id++)
		if (s->packed[id]) {
			free(s->packed[id]->data);
			free(s->packed[id]);
		}
	free(s->packed);
	free(s->length_now);
	if (s->z_ready)
		deflateEnd(&s->z);
	free(s->own);
	free(s->extra);
	free(s->repl);
	free(s->end);
	free(s->touched);
	free(s->off);
	free(s->order);
	free(s);
}
