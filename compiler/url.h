/*
 * url.h — the one URL policy.  Every URL that comes from a project and
 * reaches any output (body links and images after variables, related:
 * URLs, glossary source:, the logo, base-url, the feed, the sitemap, the
 * search index, PDF links) is judged here and nowhere else.  Like
 * cmark-gfm's safe mode it refuses javascript:, vbscript:, file: and
 * non-image data: URLs, after undoing what would hide a scheme from a
 * naive test (leading spaces and control characters, character
 * references, percent-escapes, tabs and newlines inside the scheme, case).
 * Beyond that it takes DOMPurify's list of allowed schemes; any other
 * scheme is refused (docs/decisions.md).  Relative paths, fragments and
 * protocol-relative "//host" URLs are allowed.
 */
#ifndef POLICYC_URL_H
#define POLICYC_URL_H

#include <stddef.h>
#include "diag.h"

/* The URL is an image source: data:image/png, jpeg, gif and webp are
 * allowed as well. */
enum { URL_LINK = 0, URL_IMAGE = 1 };

/* Why url may not be published (a phrase: "javascript: URLs run script"),
 * or NULL when it may.  The phrase may live in a per-thread buffer
 * (an unknown scheme is named in it): valid until the next call. */
const char *url_refusal(const char *url, int image);
/* 1 when url may be published, 0 when the policy refuses it. */
int url_is_safe(const char *url, int image);
/* Judges url; when it is refused, reports link-unsafe (an error) at
 * file:line:col as "<what> <url>: <reason>" and returns 0.  Returns 1
 * when url may be published.  what names the field ("link", "image",
 * "related: URL", "glossary source:", "logo"). */
int url_check(const char *url, int image, const char *what,
    const char *file, int line, int col, diag_set *ds);
/* The scheme of url as a browser would see it, lower case without the
 * colon ("javascript"), or NULL for a relative URL.  Caller frees. */
char *url_scheme(const char *url);

#endif
