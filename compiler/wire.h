/*
 * wire.h — the records policyc's processes send each other down a pipe:
 * a Lua filter's child reporting to the filters stage (jail.c), and a
 * `serve` rebuild's child reporting to the server (serve.c).  Numbers are
 * 32-bit words in the machine's order (both ends are the same program),
 * strings their length first; a reader given part of a message says so
 * and is asked again when more has come.
 */
#ifndef POLICYC_WIRE_H
#define POLICYC_WIRE_H

#include <stdint.h>

#include "diag.h"
#include "util.h"

/* Writes all n bytes (through EINTR and short writes); -1 on error. */
int wire_write_all(int fd, const char *p, size_t n);

void wire_put_u32(buf *b, uint32_t v);
void wire_put_str(buf *b, const char *s);

/* Read from *p (not past end), moving *p past what they read; -1 when
 * it is not all there. */
int wire_get_u32(const char **p, const char *end, uint32_t *v);
/* *s points into the message (not NUL-terminated; its length in *n). */
int wire_get_str(const char **p, const char *end, const char **s,
    uint32_t *n);

/* One diagnostic as an 'R' record: the letter; severity, line and
 * column; rule, file and message. */
void wire_put_report(buf *b, const diagnostic *d);
/* An 'R' record at *p into got, at the severity it was sent with (got
 * NULL: only read past it, nothing allocated).  Returns 1 and moves *p
 * past it; 0 when it is not all there yet; -1 when it is garbled (not
 * an 'R', or a severity out of range). */
int wire_get_report(const char **p, const char *end, diag_set *got);

#endif
