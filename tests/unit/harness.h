/*
 * harness.h — the unit-test harness: each tests/unit/test_*.c file
 * registers its test functions with UNIT_TEST(name) { ... } and checks with
 * CHECK(cond) / CHECK_STR(a, b) / CHECK_INT(a, b).  unit-tests prints TAP
 * (one "ok"/"not ok" per test function) for prove.  Registration runs from
 * constructors, so adding a file needs no edit elsewhere.
 */
#ifndef POLICYC_TEST_HARNESS_H
#define POLICYC_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

typedef void (*unit_fn)(void);
void unit_register(const char *name, unit_fn fn);
void unit_fail(const char *file, int line, const char *what);
extern int unit_current_failed;

#define UNIT_TEST(name)                                                   \
	static void name(void);                                           \
	__attribute__((constructor)) static void register_##name(void)   \
	{ unit_register(#name, name); }                                   \
	static void name(void)

#define CHECK(c)                                                          \
	do { if (!(c)) unit_fail(__FILE__, __LINE__, #c); } while (0)
#define CHECK_STR(a, b)                                                   \
	do {                                                              \
		const char *a_ = (a), *b_ = (b);                          \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                  \
			char m_[512];                                     \
			snprintf(m_, sizeof m_, "%s == %s: got \"%s\", want \"%s\"", \
			    #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
			unit_fail(__FILE__, __LINE__, m_);                \
		}                                                         \
	} while (0)
#define CHECK_INT(a, b)                                                   \
	do {                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);       \
		if (a_ != b_) {                                           \
			char m_[512];                                     \
			snprintf(m_, sizeof m_, "%s == %s: got %lld, want %lld", \
			    #a, #b, a_, b_);                              \
			unit_fail(__FILE__, __LINE__, m_);                \
		}                                                         \
	} while (0)

#endif
