/*
 * linkforms.h — the other tools' link forms for the link pass (links.h):
 * "x.html", pretty URLs, folder pages, paths from the site's root under
 * links: root, redirect_from:/aliases:, and the "did you mean"
 * suggestions of broken links.  See linkforms.c.
 */
#ifndef POLICYC_LINKFORMS_H
#define POLICYC_LINKFORMS_H

#include <cmark-gfm.h>

#include "corpus.h"
#include "diag.h"
#include "strtab.h"

/* What the forms read: set c, ds and relpaths (every document's content
 * path, in document order), aliases NULL, then linkforms_judge_aliases
 * before any link is resolved; read-only while documents resolve. */
typedef struct {
	corpus *c;
	diag_set *ds;
	strtab *aliases;       /* judged redirect_from:/aliases: key -> doc */
	const char **relpaths; /* every document's content path ("did you
	                          mean"), in document order */
} linkforms;

/* The length of a URI scheme ("http", "glossary") of at least two
 * letters before a ':', else 0. */
size_t linkforms_scheme_len(const char *s);

/* dir joined with rel, "." and ".." resolved; NULL when it climbs above
 * dir's root.  Caller frees. */
char *linkforms_norm_path(const char *dir, const char *rel);

/* The site key of a content-relative path ("a/b.html", "a/b/" -> "a/b").
 * Caller frees. */
char *linkforms_site_key(const char *path);

/* The document path names read from dir as the source site did, or -1. */
long linkforms_find_as_site(const linkforms *f, const char *dir,
    const char *path);

/* The folder d's relative links are read from under pretty URLs.  Caller
 * frees. */
char *linkforms_pretty_dir(const document *d);

/* "did you mean": the nearest document path, the nearest anchor of t;
 * NULL when none is near. */
const char *linkforms_near_path(const linkforms *f, const char *target);
const char *linkforms_near_anchor(const document *t, const char *a);

/* Reports li (at d) broken as a link to a missing document, with the
 * nearest path to target when there is one. */
/* A link to target (a content-relative path or site key) that names a
 * draft this run left out: reported as link-draft, li made text; 1 then,
 * else 0 and nothing done. */
int linkforms_report_draft(const linkforms *ps, document *d, link_info *li,
    const char *url, const char *target);
void linkforms_report_missing(const linkforms *f, document *d,
    link_info *li, const char *url, const char *target, const char *what);

/* A link path from the site's root ("/..."): the document it names, or
 * -1 with *file set (caller frees and judges it as a file), or -1 with
 * li resolved (external) or reported. */
long linkforms_site_rooted(const linkforms *f, size_t di, cmark_node *n,
    link_info *li, const char *url, const char *path, char **file);

/* Judges every redirect_from:/aliases: path, reporting alias-invalid,
 * and sets f->aliases to the accepted ones. */
void linkforms_judge_aliases(linkforms *f);

#endif
