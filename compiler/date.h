/*
 * date.h — ISO calendar dates as policyc uses them: "YYYY-MM-DD" and
 * "YYYY-MM" (the last day of that month), day arithmetic for review rules,
 * today's date from --today, SOURCE_DATE_EPOCH or the clock, and the one
 * monotonic clock for timings.
 */
#ifndef POLICYC_DATE_H
#define POLICYC_DATE_H

/* Parses an ISO date; writes the normalised "YYYY-MM-DD" to out (11 bytes).
 * Returns 1 on success, 0 when the text is not ISO or not a real day. */
int date_parse(const char *s, char out[11]);
/* Days from a to b (b - a); both normalised dates. */
long date_days_between(const char *a, const char *b);
/* Days since 1970-01-01 of a normalised date. */
long date_to_days(const char *d);
void date_from_days(long days, char out[11]);
/* Today: from the option (may be NULL), else SOURCE_DATE_EPOCH, else the
 * clock (UTC).  Returns 0 when the option is given but not a date. */
int date_today(const char *option, char out[11]);
/* SOURCE_DATE_EPOCH: 1 (and *out, if given) when it is a count of
 * seconds, 0 when unset or empty, -1 when set to anything else. */
int date_source_epoch(long long *out);
/* Seconds on a monotonic clock: the one clock for stage timings and time
 * limits. */
double date_monotonic(void);
/* Seconds of CPU the calling thread has used. */
double date_thread_cpu(void);
/* A file time (struct stat's st_mtim, st_ctim) in nanoseconds. */
struct timespec;
long long date_timespec_ns(const struct timespec *t);
/* Adds months (day clamped to the month's length). */
void date_add_months(const char *d, int months, char out[11]);
/* "2021-01-04" -> "4 January 2021" (British English, as every page and
 * PDF writes dates); anything else is copied as it is. */
void date_long(const char *iso, char *out, size_t n);

#endif
