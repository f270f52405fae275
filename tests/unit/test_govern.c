/*
 * test_govern.c — unit tests of govern.c's form checks (telephone numbers
 * and e-mail addresses of contacts), sources.c's mention finder and date
 * wording, and reviewcal.c's iCalendar folding and CSV quoting.
 */
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "date.h"
#include "govern.h"
#include "harness.h"
#include "reviewcal.h"
#include "sources.h"
#include "util.h"

UNIT_TEST(govern_phone_forms)
{
	static const char *const good[] = { "01632 960450", "+44 1632 960450",
		"(01632) 960-450", "101", "999", "0300 123 1231",
		"01632 960450 ext 12", NULL };
	static const char *const bad[] = { "call the switchboard", "12345",
		"0800 CHILDLINE", "1234567890123456", "", "+", "01632;960450",
		NULL };
	const char *const *p;
	for (p = good; *p; p++)
		CHECK(govern_phone_ok(*p));
	for (p = bad; *p; p++)
		CHECK(!govern_phone_ok(*p));
}

UNIT_TEST(govern_email_forms)
{
	CHECK(govern_email_ok("lado@county.example.org"));
	CHECK(govern_email_ok("first.last+tag@x.co.uk"));
	CHECK(!govern_email_ok("mash at county.example.org"));
	CHECK(!govern_email_ok("a@b"));
	CHECK(!govern_email_ok("@example.org"));
	CHECK(!govern_email_ok("a@@example.org"));
	CHECK(!govern_email_ok("a@.example.org"));
	CHECK(!govern_email_ok("javascript:alert(1)@x.org"));
	CHECK(!govern_email_ok("a b@example.org"));
}

UNIT_TEST(sources_mentions_and_editions)
{
	diag_set *ds = diag_new();
	sources *s = sources_load(NULL, POLICYC_DATADIR, ds);
	const char *t = "See Working Together to Safeguard Children (2018) "
	    "and KCSIE 2023, the Children Act 1989, and kcsie.";
	sources_mention *m;
	size_t n = sources_find_mentions(s, t, strlen(t), &m);
	char d[40];

	CHECK_INT(diag_count(ds), 0);
	CHECK_INT(n, 3);   /* kcsie in lower case is no abbreviation */
	if (n == 3) {
		const source_entry *e = sources_at(s, m[0].source);
		CHECK_STR(e->id, "working-together");
		CHECK_STR(e->eds[m[0].edition].name, "2018");
		CHECK(t[m[0].end - 1] == ')');
		CHECK_STR(e->eds[e->eds[m[0].edition].successor].name, "2023");
		e = sources_at(s, m[1].source);
		CHECK_STR(e->eds[m[1].edition].name, "2023");
		e = sources_at(s, m[2].source);
		CHECK_STR(e->id, "children-act-1989");
		CHECK_INT(m[2].edition, 0);
	}
	free(m);
	date_long("2023-12-15", d, sizeof d);
	CHECK_STR(d, "15 December 2023");
	sources_free(s);
	diag_free(ds);
}

UNIT_TEST(reviewcal_folding_and_quoting)
{
	const char *x = "<corpus today=\"2026-11-23\"><project><title>T</title>"
	    "<base-url>https://x.example/</base-url></project><documents>"
	    "<doc id=\"a\" title=\"A very long title, with commas; and "
	    "semicolons \xe2\x80\x94 and more words to pass seventy-five octets\" "
	    "owner=\"=SUM(1)\" review=\"2026-01-01\" review-state=\"overdue\" "
	    "days=\"-326\"/><doc id=\"b\" title=\"d\" review=\"2027-01-01\" "
	    "review-state=\"none\"/></documents></corpus>";
	xmlDocPtr doc = xmlReadMemory(x, (int)strlen(x), "c.xml", NULL, 0);
	char *ics = reviewcal_ics(doc), *csv = reviewcal_csv(doc), *p, *l;
	int longest = 0;

	for (l = p = ics; *p; p++)
		if (*p == '\n') {
			CHECK(p > ics && p[-1] == '\r');
			if (p - 1 - l > longest)
				longest = (int)(p - 1 - l);
			l = p + 1;
		}
	CHECK(longest <= 75);
	CHECK(strstr(ics, "SUMMARY:OVERDUE: review of A very long title\\, with "
	    "commas\\; and") != NULL);
	CHECK(strstr(ics, "DTSTART;VALUE=DATE:20260101\r\n") != NULL);
	CHECK(strstr(ics, "UID:review-a@x.example\r\n") != NULL);
	CHECK(strstr(ics, "review-b") == NULL);
	CHECK(strstr(csv, "'=SUM(1),\"A very long title, with commas;") != NULL);
	CHECK(strstr(csv, "\r\n") != NULL);
	free(ics);
	free(csv);
	xmlFreeDoc(doc);
}
