/*
 * util.h — small helpers every stage of policyc uses: allocation that aborts
 * on exhaustion (so no caller checks for NULL), a growable byte buffer,
 * GitHub-style slugs, UTF-8 checks and path joining.  Nothing here knows
 * about documents; it sits below every other module.
 */
#ifndef POLICYC_UTIL_H
#define POLICYC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__)
#define PC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PC_PRINTF(f, a)
#endif

/* Allocation: abort with a message when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; caller frees. */
char *xasprintf(const char *fmt, ...) PC_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PC_PRINTF(1, 0);

/* A growable NUL-terminated byte buffer.  buf_detach hands the bytes to the
 * caller (who frees them) and leaves the buffer empty. */
typedef struct {
	char *data;
	size_t len, cap;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_putn(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_grow(buf *b, size_t extra);
/* One byte: inline, since writers call it per character (the search
 * index, escapers), and a call through buf_putn cost more than the byte. */
static inline void
buf_putc(buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void buf_printf(buf *b, const char *fmt, ...) PC_PRINTF(2, 3);
/* v in decimal, as "%lld" prints it, without a format to parse (the
 * cache's writers put some 100,000 numbers a build). */
void buf_put_long(buf *b, long long v);
char *buf_detach(buf *b);

/* GitHub heading slug of s: lower case, spaces to '-', punctuation dropped
 * (letters, digits, '-', '_' and non-ASCII kept).  Caller frees. */
char *slugify(const char *s);
/* Id segment slug: lower case, runs of anything but [a-z0-9_.] become one
 * '-', trimmed of '-'.  Caller frees. */
char *slug_segment(const char *s);

/* 1 when s[0..n) is valid UTF-8; else 0 and *bad_offset is the first bad
 * byte. */
/* The value of hex digit c (either case), or -1 when it is not one. */
int hex_value(int c);
size_t utf8_seq_len(const unsigned char *s, size_t n);
int utf8_valid(const char *s, size_t n, size_t *bad_offset);

/* s into b with \, tab, newline and carriage return escaped (one field
 * of a tab-separated line, as the build cache writes them); and such a
 * text unescaped in place: 1 when every escape was one of those four,
 * 0 when it met another (taken as the character itself) or a
 * backslash at the end. */
void buf_put_escaped(buf *b, const char *s);
int str_unescape(char *s);
/* A whole decimal number at p, digits only: where it ends, or NULL when
 * p holds no digit or the number passes LLONG_MAX. */
const char *parse_decimal(const char *p, long long *v);
/* a, b and c (and d) joined; caller frees.  (A rebuild joins tens of
 * thousands of paths, and xasprintf's formatting was a twentieth of
 * one.) */
char *xstrcat3(const char *a, const char *b, const char *c);
char *xstrcat4(const char *a, const char *b, const char *c, const char *d);
/* Joins a and b with one '/'; caller frees. */
char *path_join(const char *a, const char *b);
/* Reads a whole regular file (NUL-terminated; *len its length); caller
 * frees.  NULL, errno set, when it cannot: a folder (EISDIR), a FIFO or
 * device (EINVAL: never waited on, never read). */
char *read_file(const char *path, size_t *len);
/* The same from an open descriptor, which it closes: a regular file
 * only (a FIFO, device or folder gives NULL, errno EINVAL or EISDIR,
 * before a byte is read), whole, NUL-terminated; len may be NULL. */
char *read_regular_fd(int fd, size_t *len);
/* ... and *st, the file's stat before it was read (set when it was). */
struct stat;
char *read_regular_fd_stat(int fd, size_t *len, struct stat *st);
int str_has_suffix(const char *s, const char *suffix);
int str_has_prefix(const char *s, const char *prefix);
/* ASCII case-insensitive equality. */
int str_ieq(const char *a, const char *b);

/* "Did you mean": the candidate closest to word by edit distance
 * (case-insensitive), or NULL when none is close enough (distance at most
 * a third of the word's length, and at most 3).  Borrowed from the
 * candidate list. */
const char *suggest(const char *word, const char *const *candidates,
    size_t n);

/* A digest's input, one value at a time: a string (NULL is taken as
 * absent, told apart from "") or, with s NULL, the number v.  What
 * xmlout_corpus_rest_digest and govern_corpus_digest give to the build
 * cache's hash (incremental.c). */
typedef void (*digest_put_fn)(void *ctx, const char *s, long v);

#endif
