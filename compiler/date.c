/*
 * date.c — ISO dates for review rules: strict parsing (a date that is not
 * a real day is refused, never guessed), "YYYY-MM" as the month's last day,
 * day counts through a civil-from-days algorithm (no time zones, no
 * mktime), and today's date from --today, SOURCE_DATE_EPOCH or the clock.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Writes YYYY-MM-DD; years outside 0..9999 are clamped (no policy date
 * lies there, and it keeps the output 10 characters). */
static void
format_date(long y, long m, long d, char out[11])
{
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10 % 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10 % 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

static int
digits(const char *s, int n)
{
	int i, v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
date_parse(const char *s, char out[11])
{
	int y, m, d;
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n != 7 && n != 10)
		return 0;
	y = digits(s, 4);
	if (y < 1 || s[4] != '-')
		return 0;
	m = digits(s + 5, 2);
	if (m < 1 || m > 12)
		return 0;
	if (n == 7)
		d = month_days(y, m);
	else {
		if (s[7] != '-')
			return 0;
		d = digits(s + 8, 2);
		if (d < 1 || d > month_days(y, m))
			return 0;
	}
	format_date(y, m, d, out);
	return 1;
}

/* Howard Hinnant's days_from_civil. */
long
date_to_days(const char *s)
{
	long y = atol(s);
	long m = atol(s + 5), d = atol(s + 8);
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
date_from_days(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	format_date(y, m, d, out);
}

long
date_days_between(const char *a, const char *b)
{
	return date_to_days(b) - date_to_days(a);
}

/*
 * The one reading of SOURCE_DATE_EPOCH (reproducible-builds.org): 1 and
 * *out set when it holds a count of seconds, 0 when it is unset or empty,
 * -1 when it is set to something else (the caller says so).
 */
int
date_source_epoch(long long *out)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!sde || !*sde)
		return 0;
	errno = 0;
	v = strtoll(sde, &end, 10);
	if (*end != '\0' || v < 0 || errno || !isdigit((unsigned char)*sde))
		return -1;
	if (out)
		*out = v;
	return 1;
}

int
date_today(const char *option, char out[11])
{
	long long v;
	time_t t;
	struct tm tm;

	if (option)
		return strlen(option) == 10 && date_parse(option, out);
	if (date_source_epoch(&v) > 0) {
		date_from_days((long)(v / 86400), out);
		return 1;
	}
	t = time(NULL);
	gmtime_r(&t, &tm);
	format_date(tm.tm_year + 1900L, tm.tm_mon + 1L, tm.tm_mday, out);
	return 1;
}

/* The one clock for measuring: seconds on CLOCK_MONOTONIC (stage timings,
 * time limits), never the calendar. */
double
date_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The same clock's counterpart for the calling thread's CPU time, for
 * the share of a parallel stage one kind of work took. */
double
date_thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
date_add_months(const char *d, int months, char out[11])
{
	long y = atol(d), m = atol(d + 5), day = atol(d + 8);
	long total = y * 12 + (m - 1) + months;
	int md;

	y = total / 12;
	m = total % 12 + 1;
	md = month_days(y, (int)m);
	if (day > md)
		day = md;
	format_date(y, m, day, out);
}

void
date_long(const char *iso, char *out, size_t n)
{
	static const char *const months[] = { "January", "February", "March",
	    "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" };
	int y, m, d;

	if (iso && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 &&
	    m <= 12)
		snprintf(out, n, "%d %s %d", d, months[m - 1], y);
	else
		snprintf(out, n, "%s", iso ? iso : "");
}

long long
date_timespec_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}
