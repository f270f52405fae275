/*
 * util.c — allocation wrappers that abort on exhaustion, the growable
 * buffer, GitHub-style slugs, UTF-8 validation and small string and path
 * helpers.  The lowest layer of policyc: it knows nothing of documents.
 */
#include <limits.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "util.h"

static void
oom(size_t n)
{
	/* The one place outside diag.c that prints: there is no memory left
	 * to build a diagnostic with. */
	fprintf(stderr, "policyc: out of memory (%zu bytes)\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	buf b;
	va_list aq;
	int n;

	buf_init(&b);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n > 0) {
		b.data = xrealloc(b.data, (size_t)n + 1);
		b.cap = (size_t)n + 1;
		vsnprintf(b.data, b.cap, fmt, ap);
		b.len = (size_t)n;
	}
	return buf_detach(&b);
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void
buf_init(buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_grow(buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_putn(buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(buf *b, const char *s)
{
	buf_putn(b, s, strlen(s));
}

void
buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap, aq;
	size_t room;
	int n;

	/* formatted once, into the room the buffer has; again, after
	 * growing, only when it did not fit (the cache's writers call this
	 * some 80,000 times a build, and formatting is most of the cost) */
	if (b->cap - b->len < 64)
		buf_grow(b, 64);
	room = b->cap - b->len;
	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, aq);
	}
	va_end(aq);
	if (n > 0)
		b->len += (size_t)n;
	else
		b->data[b->len] = '\0';
}

void
buf_put_long(buf *b, long long v)
{
	char digits[24];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;
	size_t k = sizeof digits;

	do
		digits[--k] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		digits[--k] = '-';
	buf_putn(b, digits + k, sizeof digits - k);
}

char *
buf_detach(buf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	buf_init(b);
	return p;
}

/*
 * GitHub's anchor rule (as in github-slugger): lower-case, drop everything
 * that is not a letter, digit, space, '-' or '_', then spaces become '-'.
 * Non-ASCII bytes are kept (GitHub keeps non-Latin letters); ASCII
 * punctuation is dropped.
 */
char *
slugify(const char *s)
{
	buf b;
	const unsigned char *p;

	buf_init(&b);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80)
			buf_putc(&b, (char)*p);
		else if (isalnum(*p))
			buf_putc(&b, (char)tolower(*p));
		else if (*p == ' ' || *p == '-')
			buf_putc(&b, '-');
		else if (*p == '_')
			buf_putc(&b, '_');
		/* other ASCII punctuation and controls are dropped */
	}
	return buf_detach(&b);
}

/*
 * A file or folder name as a part of a document's id: letters and digits
 * lower-cased, '_' and '.' kept, characters past ASCII kept as they are,
 * and each run of anything else (spaces, punctuation, a byte that is not
 * UTF-8 in a name written in another encoding) one '-'.
 */
char *
slug_segment(const char *s)
{
	buf b;
	const unsigned char *p;
	int dash = 0;

	buf_init(&b);
	for (p = (const unsigned char *)s; *p; p++) {
		size_t k = *p >= 0x80 ? utf8_seq_len(p, 4) : 1;

		if (k > 1) {
			/* a character past ASCII, as it is */
			if (dash && b.len)
				buf_putc(&b, '-');
			dash = 0;
			buf_putn(&b, (const char *)p, k);
			p += k - 1;
		} else if (k == 1 && (isalnum(*p) || *p == '_' || *p == '.')) {
			if (dash && b.len)
				buf_putc(&b, '-');
			dash = 0;
			buf_putc(&b, (char)tolower(*p));
		} else
			dash = 1;    /* punctuation, space, a byte not UTF-8 */
	}
	return buf_detach(&b);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when the
 * bytes there are not one (overlong, surrogate, past U+10FFFF, cut; a
 * NUL ends a sequence, so n may be 4 in a NUL-terminated string). */
int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int
utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c;
		size_t k, len;
		unsigned cp;
		/* ASCII, eight bytes at a time: most of a policy's text */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else
			goto bad;
		if (i + len > n)
			goto bad;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			goto bad;
		i += len;
	}
	return 1;
bad:
	if (bad_offset)
		*bad_offset = i;
	return 0;
}

void
buf_put_escaped(buf *b, const char *s)
{
	for (; *s; s++)
		if (*s == '\\')
			buf_puts(b, "\\\\");
		else if (*s == '\t')
			buf_puts(b, "\\t");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else if (*s == '\r')
			buf_puts(b, "\\r");
		else
			buf_putc(b, *s);
}

int
str_unescape(char *s)
{
	char *w = s, *r;
	int clean = 1;

	for (r = s; *r; r++) {
		if (*r == '\\' && r[1]) {
			r++;
			if (!strchr("\\tnr", *r))
				clean = 0;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' :
			    *r == 'r' ? '\r' : *r;
		} else {
			if (*r == '\\')
				clean = 0;   /* a backslash at the end */
			*w++ = *r;
		}
	}
	*w = '\0';
	return clean;
}

const char *
parse_decimal(const char *p, long long *v)
{
	long long x = 0;

	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (LLONG_MAX - (*p - '0')) / 10)
			return NULL;   /* out of range */
		x = x * 10 + (*p - '0');
	}
	*v = x;
	return p;
}

char *
xstrcat4(const char *a, const char *b, const char *c, const char *d)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c), ld = strlen(d);
	char *s = xmalloc(la + lb + lc + ld + 1);

	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc);
	memcpy(s + la + lb + lc, d, ld + 1);
	return s;
}

char *
xstrcat3(const char *a, const char *b, const char *c)
{
	return xstrcat4(a, b, c, "");
}

char *
path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	if (la == 0 || strcmp(a, ".") == 0)
		return xstrdup(b);
	return xstrcat3(a, a[la - 1] == '/' ? "" : "/", b);
}

char *
read_regular_fd(int fd, size_t *len)
{
	struct stat st;

	return read_regular_fd_stat(fd, len, &st);
}

char *
read_regular_fd_stat(int fd, size_t *len, struct stat *stp)
{
	struct stat st;
	buf b;
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		errno = e;
		return NULL;
	}
	buf_init(&b);
	/* sized to the file (a 12 KB document held 16 KB for the whole
	 * build when grown by doubling: a fifth of a bounded build's index)
	 * and read straight into it; once it holds the size fstat gave, the
	 * file is read as it was then, without one more read to see its end
	 * (a thousand documents' thousand syscalls) */
	if (st.st_size > 0 && (unsigned long long)st.st_size < SIZE_MAX / 2) {
		b.cap = (size_t)st.st_size + 1;
		b.data = xmalloc(b.cap);
		while (b.len < (size_t)st.st_size &&
		    (n = read(fd, b.data + b.len, b.cap - 1 - b.len)) > 0)
			b.len += (size_t)n;
		b.data[b.len] = '\0';
	}
	if (b.len != (size_t)st.st_size || !st.st_size)
		/* it changed size while read, or fstat gave none (/proc) */
		while ((n = read(fd, chunk, sizeof chunk)) != 0) {
			if (n < 0) {
				int e = errno;
				if (e == EINTR)
					continue;
				close(fd);
				buf_free(&b);
				errno = e;
				return NULL;
			}
			buf_putn(&b, chunk, (size_t)n);
		}
	close(fd);
	if (len)
		*len = b.len;
	*stp = st;
	return buf_detach(&b);
}

char *
read_file(const char *path, size_t *len)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; only a
	 * regular file is read (a device such as /dev/zero never ends) */
	return read_regular_fd(open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC),
	    len);
}

int
str_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

int
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* Edit distance over bytes, case-folded (ASCII), with a cut-off: the
 * optimal-string-alignment form of Levenshtein, where swapping two
 * neighbouring letters ("phnoe" for "phone", the commonest typo) costs
 * one edit, not two.  Only the band of cells within cap of the diagonal
 * is computed (a path leaving it costs more than cap): a broken link is
 * measured against every document's path, and the whole table made that
 * quadratic in the corpus.  Returns the distance when it is at most cap,
 * else cap + 1. */
static size_t
edit_distance(const char *a, size_t la, const char *b, size_t cap)
{
	size_t lb = strlen(b), i, j, best, d, lo, hi;
	const size_t inf = cap + 1;
	size_t m[65][65];

	if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > cap)
		return inf;
	for (j = 0; j <= lb; j++)
		m[0][j] = j <= cap ? j : inf;
	for (i = 1; i <= la; i++) {
		lo = i > cap ? i - cap : 1;
		hi = i + cap < lb ? i + cap : lb;
		m[i][0] = i <= cap ? i : inf;
		m[i][lo - 1] = lo == 1 ? m[i][0] : inf;
		best = lo == 1 ? m[i][0] : inf;
		for (j = lo; j <= hi; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			d = m[i - 1][j - 1] + (ca != cb);
			if (m[i - 1][j] + 1 < d)
				d = m[i - 1][j] + 1;
			if (m[i][j - 1] + 1 < d)
				d = m[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb &&
			    m[i - 2][j - 2] + 1 < d)
				d = m[i - 2][j - 2] + 1;
			m[i][j] = d > inf ? inf : d;
			if (d < best)
				best = d;
		}
		if (hi < lb)
			m[i][hi + 1] = inf;   /* the next row's upper neighbour */
		if (best > cap)
			return inf;
	}
	return m[la][lb] > cap ? inf : m[la][lb];
}

const char *
suggest(const char *word, const char *const *candidates, size_t n)
{
	size_t i, lw = strlen(word), cap = lw / 3, best_d;
	const char *best = NULL;

	if (cap > 3)
		cap = 3;
	if (cap < 1)
		cap = 1;
	best_d = cap + 1;
	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, lw, candidates[i], cap);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}
