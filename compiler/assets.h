/*
 * assets.h — the images documents use, published under content-addressed
 * names.  assets_collect runs after the link pass (which judged each image
 * present and inside the project: link_info.file) and before any back
 * end: it sniffs each file's format, refuses declared dimensions beyond a
 * bound before anything decodes it, refuses SVG with active content, and
 * names the file assets/<first 16 hex of its sha256>.<ext>, so two
 * logo.png in different folders never collide.  The XML writer reads the
 * names (assets_lookup); publish copies the files (assets_copy).
 */
#ifndef POLICYC_ASSETS_H
#define POLICYC_ASSETS_H

#include <stddef.h>
#include "corpus.h"
#include "diag.h"

/* Bounds judged from an image's header, before any decoding: a side
 * longer than ASSETS_MAX_SIDE pixels, an area over ASSETS_MAX_PIXELS
 * (a 160 MB ARGB surface) or a file over ASSETS_MAX_BYTES is
 * image-too-large. */
#define ASSETS_MAX_SIDE   10000L
#define ASSETS_MAX_PIXELS 40000000L
#define ASSETS_MAX_BYTES  (32L * 1024 * 1024)

/* Collects every image and file link of every document (d->assets,
 * recorded by links.c; cmark trees still attached) whose link_info is
 * LINK_ASSET with file set; judges each file once and
 * reports at each image that uses it: image-too-large [error],
 * link-unsafe [error] (an SVG with script, or a file that is no image
 * format policyc publishes), image-missing (unreadable).  Stores the table
 * on c->assets (freed by corpus_free).  Call once. */
void assets_collect(corpus *c, diag_set *ds);

enum assets_state {
	ASSETS_UNKNOWN = 0,  /* not collected (no link pass, or no file) */
	ASSETS_PUBLISHED,    /* *published is "assets/<hash>.<ext>" */
	ASSETS_REFUSED       /* judged and refused: alt text only */
};
/* What became of a project-relative image file.  *published (may be
 * NULL) is borrowed from the corpus.  Thread-safe (read only). */
enum assets_state assets_lookup(const corpus *c, const char *file,
    const char **published);
/* The same for a file in a role: link = 1 for a file a document links
 * to (a download), 0 for an image. */
enum assets_state assets_lookup_role(const corpus *c, const char *file,
    int link, const char **published);

/* Copies every published image into html_dir/assets/.  Returns nonzero
 * (with an html-write diagnostic) when a file cannot be written. */
int assets_copy(const corpus *c, const char *html_dir, diag_set *ds);

void assets_free(struct assets *a);

/* Header judgements shared with brand.c (the logo). */
/* Image format from the first bytes: "png", "jpg", "gif", "webp", "bmp",
 * "ico", "avif", "svg", or NULL for anything else. */
const char *assets_sniff(const unsigned char *data, size_t len);
/* Declared width and height from a PNG IHDR, JPEG SOF, GIF, WebP or BMP
 * header; 0 when the header gives none (SVG) or is cut short. */
int assets_dimensions(const unsigned char *data, size_t len, long *w,
    long *h);
/* 1 when the dimensions pass the bounds above. */
int assets_dimensions_ok(long w, long h);
/* Active content in an SVG: returns a short description of the first
 * thing found (a <script> element, an on*= event attribute, a
 * javascript: URL, a <foreignObject>, an entity declaration), or NULL. */
const char *assets_svg_active(const char *data, size_t len);

#endif
