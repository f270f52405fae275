/*
 * wire.c — the records policyc's processes send each other (wire.h).
 * The children are forks of the same program, so a number goes as the
 * machine holds it; what a child sends is only ever read by its parent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

int
wire_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

void
wire_put_u32(buf *b, uint32_t v)
{
	buf_putn(b, (const char *)&v, sizeof v);
}

void
wire_put_str(buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	wire_put_u32(b, (uint32_t)n);
	buf_putn(b, s ? s : "", n);
}

int
wire_get_u32(const char **p, const char *end, uint32_t *v)
{
	if ((size_t)(end - *p) < sizeof *v)
		return -1;
	memcpy(v, *p, sizeof *v);
	*p += sizeof *v;
	return 0;
}

int
wire_get_str(const char **p, const char *end, const char **s, uint32_t *n)
{
	if (wire_get_u32(p, end, n) != 0 || (size_t)(end - *p) < *n)
		return -1;
	*s = *p;
	*p += *n;
	return 0;
}

void
wire_put_report(buf *b, const diagnostic *d)
{
	buf_putc(b, 'R');
	wire_put_u32(b, (uint32_t)d->sev);
	wire_put_u32(b, (uint32_t)d->line);
	wire_put_u32(b, (uint32_t)d->col);
	wire_put_str(b, d->rule);
	wire_put_str(b, d->file);
	wire_put_str(b, d->message);
}

int
wire_get_report(const char **p, const char *end, diag_set *got)
{
	const char *q = *p;
	uint32_t sev, line, col, nrule, nfile, nmsg;
	const char *rule, *file, *msg;

	if (q == end)
		return 0;
	if (*q++ != 'R')
		return -1;
	if (wire_get_u32(&q, end, &sev) || wire_get_u32(&q, end, &line) ||
	    wire_get_u32(&q, end, &col) ||
	    wire_get_str(&q, end, &rule, &nrule) ||
	    wire_get_str(&q, end, &file, &nfile) ||
	    wire_get_str(&q, end, &msg, &nmsg))
		return 0;
	if (sev < SEV_NOTE || sev > SEV_ERROR)
		return -1;
	/* the sender judged the severity (rules: applied there) */
	if (got)
		diag_add_sent(got, (int)sev, rule, nrule, file, nfile,
		    (int32_t)line, (int32_t)col, msg, nmsg);
	*p = q;
	return 1;
}
