/*
 * test_url.c — unit tests of url.c, the one URL policy: a table of hostile
 * URLs (schemes hidden by case, character references, percent-escapes,
 * leading controls, tabs and newlines), allowed URLs, data: images, and
 * the located link-unsafe report of url_check.
 */
#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "diag.h"
#include "util.h"
#include "harness.h"

static const char *const hostile[] = {
	"javascript:alert(1)",
	"JaVaScRiPt:alert(1)",
	"  javascript:alert(1)",
	"\x01\x02javascript:alert(1)",
	"\tjavascript:alert(1)",
	"java\tscript:alert(1)",
	"java\nscript:alert(1)",
	"java&#x09;script:alert(1)",
	"java&#9;script:alert(1)",
	"java&#0009;script:alert(1)",
	"&#106;avascript:alert(1)",
	"&#x6A;avascript:alert(1)",
	"&#x6a&#x61vascript:alert(1)",
	"javascript&colon;alert(1)",
	"java&Tab;script:alert(1)",
	"%6Aavascript:alert(1)",
	"%256Aavascript:alert(1)",
	"&#37;6Aavascript:alert(1)",
	"%20javascript:alert(1)",
	"vbscript:msgbox(1)",
	"VBScript:msgbox(1)",
	"file:///etc/passwd",
	"FILE:///etc/passwd",
	"data:text/html,<script>alert(1)</script>",
	"data:text/html;base64,PHNjcmlwdD4=",
	"DATA:text/html,x",
	"data:image/png;base64,iVBORw0KGgo=",   /* not as a link */
	"livescript:x",
	"chrome://settings",
	"ms-msdt:/id",
	"ssh://x",
	NULL
};

static const char *const fine[] = {
	"https://example.org/a?b=javascript:x",
	"http://example.org/",
	"HTTPS://example.org/",
	"mailto:dsl@example.org",
	"tel:+441234567890",
	"other.md",
	"../dir/other.md#anchor",
	"#roles",
	"",
	"//example.org/x",
	"images/logo.png",
	"a b:c",
	"page.html#x:y",
	"?q=javascript:1",
	"C:\\policy.docx",
	NULL
};

UNIT_TEST(url_refuses_hostile_links)
{
	for (int i = 0; hostile[i]; i++) {
		if (url_is_safe(hostile[i], URL_LINK)) {
			printf("# allowed: %s\n", hostile[i]);
			CHECK(!"a hostile URL was allowed as a link");
		}
	}
}

UNIT_TEST(url_refuses_hostile_images)
{
	/* all but the PNG data: URL are refused as images too */
	for (int i = 0; hostile[i]; i++) {
		int want = strncmp(hostile[i], "data:image/png", 14) == 0;
		if (url_is_safe(hostile[i], URL_IMAGE) != want) {
			printf("# wrong as an image: %s\n", hostile[i]);
			CHECK(!"wrong image verdict");
		}
	}
	CHECK(url_is_safe("data:image/jpeg;base64,/9j/", URL_IMAGE));
	CHECK(url_is_safe("data:image/gif,GIF89a", URL_IMAGE));
	CHECK(url_is_safe("data:IMAGE/WEBP;base64,UklG", URL_IMAGE));
	CHECK(!url_is_safe("data:image/svg+xml,<svg onload=alert(1)>",
	    URL_IMAGE));
	CHECK(!url_is_safe("data:image/png", URL_IMAGE));
	CHECK(!url_is_safe("data:image/pngx;base64,", URL_IMAGE));
}

UNIT_TEST(url_allows_ordinary)
{
	for (int i = 0; fine[i]; i++) {
		if (!url_is_safe(fine[i], URL_LINK)) {
			printf("# refused: %s\n", fine[i]);
			CHECK(!"an ordinary URL was refused");
		}
	}
	CHECK(url_is_safe(NULL, URL_LINK));
}

UNIT_TEST(url_scheme_as_a_browser_sees_it)
{
	char *s = url_scheme(" Java&#x09;Script:x");
	CHECK_STR(s, "javascript");
	free(s);
	s = url_scheme("HTTPS://x");
	CHECK_STR(s, "https");
	free(s);
	CHECK(url_scheme("other.md") == NULL);
	CHECK(url_scheme("#a:b") == NULL);
	CHECK(url_scheme(":x") == NULL);
	/* a long URL: only its head is looked at */
	size_t n = 1 << 20;
	char *big = xmalloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	memcpy(big, "https://", 8);
	s = url_scheme(big);
	CHECK_STR(s, "https");
	free(s);
	memset(big, ' ', n - 20);
	memcpy(big + n - 20, "javascript:alert(1)", 19);
	CHECK(!url_is_safe(big, URL_LINK));
	free(big);
}

UNIT_TEST(url_check_reports_located)
{
	diag_set *ds = diag_new();
	CHECK_INT(url_check("https://example.org/", URL_LINK, "link",
	    "a.md", 3, 5, ds), 1);
	CHECK_INT(diag_count(ds), 0);
	CHECK_INT(url_check("javascript:alert(1)\n/x:1:1: error: forged",
	    URL_LINK, "link", "a.md", 3, 5, ds), 0);
	CHECK_INT(diag_count(ds), 1);
	const diagnostic *d = diag_at(ds, 0);
	CHECK_STR(d->rule, "link-unsafe");
	CHECK_INT(d->line, 3);
	CHECK_INT(d->col, 5);
	CHECK(strchr(d->message, '\n') == NULL);
	diag_free(ds);
}
