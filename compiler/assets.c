/*
 * assets.c — images a document uses, judged and named before any back end
 * runs.  The link pass has decided that an image is a file inside the
 * project (link_info.file); here each such file is read once, its format
 * sniffed from its first bytes (the published extension comes from the
 * content, never from the name, so a file called logo.png that holds HTML
 * is not served as a page), its declared dimensions read from the header
 * and bounded (a 17 KB PNG may declare 12,000 x 12,000 pixels, a 576 MB
 * surface once decoded), an SVG searched for script, and the file named by
 * a hash of its content as Hugo does.  Files documents link to (a form, a
 * PDF) are published the same way when they are of a kind that cannot be
 * active (judge_download).  Then the XML writer writes image/@asset and
 * link/@asset, and publish copies the files into OUT/html/assets/.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "digest.h"

#include "assets.h"
#include "extends.h"
#include "fsio.h"
#include "util.h"

typedef struct {
	char *file;        /* project-relative, as the link pass set it */
	char *abs;         /* real path (published files only) */
	char *published;   /* "assets/<16 hex>.<ext>", or NULL */
	int refused;
	int link;          /* judged as a download (a link to it), not as an
	                      image: one entry per file and role */
} asset;

struct assets {
	asset *v; size_t n;   /* sorted by file */
};

/* One image in a document, before the files are judged; doc is NO_DOC
 * for the logo, which brand.c has judged and reported already. */
typedef struct {
	const char *file;
	size_t doc;
	int line, col;
	int link;          /* a link to the file (a download), not an image */
} use;

#define NO_DOC ((size_t)-1)

/* ---- headers ---- */

static unsigned long
be16(const unsigned char *p) { return ((unsigned long)p[0] << 8) | p[1]; }
static unsigned long
be32(const unsigned char *p)
{
	return ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) |
	    ((unsigned long)p[2] << 8) | p[3];
}
static unsigned long
le16(const unsigned char *p) { return ((unsigned long)p[1] << 8) | p[0]; }
static unsigned long
le24(const unsigned char *p)
{
	return ((unsigned long)p[2] << 16) | ((unsigned long)p[1] << 8) | p[0];
}

/* An HTML page, whatever the file is called: a doctype or an html, head,
 * body or script tag near the start (after blanks and a BOM). */
static int
looks_like_html(const char *d, size_t len)
{
	size_t i = 0, n = len < 512 ? len : 512;
	char head[513];

	if (n >= 3 && (unsigned char)d[0] == 0xef)
		i = 3;
	while (i < n && isspace((unsigned char)d[i]))
		i++;
	for (n -= i, len = 0; len < n; len++)
		head[len] = (char)tolower((unsigned char)d[i + len]);
	head[len] = '\0';
	return !strncmp(head, "<!doctype html", 14) || strstr(head, "<html") ||
	    strstr(head, "<head") || strstr(head, "<body") ||
	    strstr(head, "<script");
}

static int
looks_like_svg(const unsigned char *d, size_t len)
{
	size_t i, n = len < 4096 ? len : 4096;
	/* XML text whose first element (after a declaration, comments or a
	 * doctype) is <svg */
	for (i = 0; i < n && isspace(d[i]); i++)
		;
	if (i + 3 <= len && d[i] == 0xef && d[i + 1] == 0xbb && d[i + 2] == 0xbf)
		i += 3;
	if (i >= n || d[i] != '<')
		return 0;
	for (; i + 4 < n; i++)
		if (d[i] == '<' && (d[i + 1] == 's' || d[i + 1] == 'S') &&
		    (d[i + 2] == 'v' || d[i + 2] == 'V') &&
		    (d[i + 3] == 'g' || d[i + 3] == 'G'))
			return 1;
	return 0;
}

const char *
assets_sniff(const unsigned char *d, size_t len)
{
	if (len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return "jpg";
	if (len >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
		return "gif";
	if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return "webp";
	if (len >= 26 && d[0] == 'B' && d[1] == 'M')
		return "bmp";
	if (len >= 6 && !memcmp(d, "\0\0\1\0", 4) && (d[4] || d[5]))
		return "ico";
	if (len >= 12 && !memcmp(d + 4, "ftypavif", 8))
		return "avif";
	if (looks_like_svg(d, len))
		return "svg";
	return NULL;
}

/* JPEG: walk the marker segments to the first start-of-frame. */
static int
jpeg_dimensions(const unsigned char *d, size_t len, long *w, long *h)
{
	size_t i = 2;
	while (i + 4 <= len) {
		unsigned m;
		if (d[i] != 0xff)
			return 0;
		m = d[i + 1];
		if (m == 0xff) {          /* fill byte */
			i++;
			continue;
		}
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;           /* markers without a length */
			continue;
		}
		if (m == 0xd9 || m == 0xda)
			return 0;         /* end, or scan data before any frame */
		if (((m >= 0xc0 && m <= 0xc3) || (m >= 0xc5 && m <= 0xc7) ||
		    (m >= 0xc9 && m <= 0xcb) || (m >= 0xcd && m <= 0xcf)) &&
		    i + 9 <= len) {
			*h = (long)be16(d + i + 5);
			*w = (long)be16(d + i + 7);
			return 1;
		}
		i += 2 + be16(d + i + 2);
	}
	return 0;
}

static int
webp_dimensions(const unsigned char *d, size_t len, long *w, long *h)
{
	if (len >= 30 && !memcmp(d + 12, "VP8X", 4)) {
		*w = (long)le24(d + 24) + 1;
		*h = (long)le24(d + 27) + 1;
		return 1;
	}
	if (len >= 25 && !memcmp(d + 12, "VP8L", 4)) {
		unsigned long b = (unsigned long)d[21] | (unsigned long)d[22] << 8 |
		    (unsigned long)d[23] << 16 | (unsigned long)d[24] << 24;
		*w = (long)(b & 0x3fff) + 1;
		*h = (long)((b >> 14) & 0x3fff) + 1;
		return 1;
	}
	if (len >= 30 && !memcmp(d + 12, "VP8 ", 4)) {
		*w = (long)(le16(d + 26) & 0x3fff);
		*h = (long)(le16(d + 28) & 0x3fff);
		return 1;
	}
	return 0;
}

int
assets_dimensions(const unsigned char *d, size_t len, long *w, long *h)
{
	const char *kind = assets_sniff(d, len);

	*w = *h = 0;
	if (!kind)
		return 0;
	if (!strcmp(kind, "png")) {
		if (len < 24 || memcmp(d + 12, "IHDR", 4))
			return 0;
		*w = (long)be32(d + 16);
		*h = (long)be32(d + 20);
		return 1;
	}
	if (!strcmp(kind, "gif")) {
		*w = (long)le16(d + 6);
		*h = (long)le16(d + 8);
		return 1;
	}
	if (!strcmp(kind, "jpg"))
		return jpeg_dimensions(d, len, w, h);
	if (!strcmp(kind, "webp"))
		return webp_dimensions(d, len, w, h);
	if (!strcmp(kind, "bmp")) {
		long bh = (long)(int32_t)(d[22] | d[23] << 8 | d[24] << 16 |
		    (uint32_t)d[25] << 24);
		*w = (long)(int32_t)(d[18] | d[19] << 8 | d[20] << 16 |
		    (uint32_t)d[21] << 24);
		*h = bh < 0 ? -bh : bh;
		return 1;
	}
	return 0;
}

int
assets_dimensions_ok(long w, long h)
{
	if (w < 0 || h < 0 || w > ASSETS_MAX_SIDE || h > ASSETS_MAX_SIDE)
		return 0;
	return w * h <= ASSETS_MAX_PIXELS;
}

/* ---- SVG ---- */

/* Lower-cased text without white space and control characters, with
 * ASCII numeric character references decoded: "java&#x09;Script:" and
 * "JAVA\tSCRIPT:" both become "javascript:", as a browser reads them. */
static char *
svg_normalise(const char *s, size_t len)
{
	buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '&' && i + 2 < len && s[i + 1] == '#') {
			size_t j = i + 2;
			int hex = j < len && (s[j] == 'x' || s[j] == 'X');
			unsigned long v = 0;
			if (hex)
				j++;
			while (j < len && (hex ? isxdigit((unsigned char)s[j]) :
			    isdigit((unsigned char)s[j])) && v < 0x110000) {
				v = v * (hex ? 16 : 10) + (unsigned long)(isdigit(
				    (unsigned char)s[j]) ? s[j] - '0' :
				    tolower((unsigned char)s[j]) - 'a' + 10);
				j++;
			}
			if (j < len && s[j] == ';')
				j++;
			if (v > 0 && v < 0x80) {
				c = (unsigned char)v;
				i = j - 1;
			}
		}
		if (c <= 0x20)
			continue;
		buf_putc(&b, (char)tolower(c));
	}
	return buf_detach(&b);
}

/* An element named NAME, with or without a namespace prefix
 * (<script>, <html:script>), in normalised text. */
static int
has_element(const char *t, const char *name)
{
	const char *p;
	size_t n = strlen(name);
	for (p = strchr(t, '<'); p; p = strchr(p + 1, '<')) {
		const char *q = p + 1, *colon;
		if (!strncmp(q, name, n))
			return 1;
		colon = q + strspn(q, "abcdefghijklmnopqrstuvwxyz0123456789_-.");
		if (*colon == ':' && !strncmp(colon + 1, name, n))
			return 1;
	}
	return 0;
}

/* An on*= attribute inside a tag of the raw text. */
static int
has_event_attribute(const char *s, size_t len)
{
	size_t i;
	int in_tag = 0;
	char quote = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (quote) {
			if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '<')
			in_tag = 1;
		else if (c == '>')
			in_tag = 0;
		else if (in_tag && (c == '"' || c == '\''))
			quote = c;
		else if (in_tag && (isspace((unsigned char)c) || c == '/') &&
		    i + 3 < len && tolower((unsigned char)s[i + 1]) == 'o' &&
		    tolower((unsigned char)s[i + 2]) == 'n' &&
		    isalpha((unsigned char)s[i + 3])) {
			size_t j = i + 3;
			while (j < len && (isalnum((unsigned char)s[j]) ||
			    s[j] == '-' || s[j] == '_'))
				j++;
			while (j < len && isspace((unsigned char)s[j]))
				j++;
			if (j < len && s[j] == '=')
				return 1;
		}
	}
	return 0;
}

const char *
assets_svg_active(const char *data, size_t len)
{
	char *t = svg_normalise(data, len);
	const char *what = NULL;

	if (has_element(t, "script"))
		what = "a <script> element";
	else if (has_element(t, "foreignobject"))
		what = "a <foreignObject> element";
	else if (has_element(t, "iframe") || has_element(t, "embed") ||
	    has_element(t, "object"))
		what = "an embedded document";
	else if (strstr(t, "<!entity"))
		what = "an entity declaration";
	else if (strstr(t, "javascript:") || strstr(t, "vbscript:"))
		what = "a javascript: URL";
	else if (strstr(t, "attributename=\"on") ||
	    strstr(t, "attributename='on") || has_event_attribute(data, len))
		what = "an on* event attribute";
	free(t);
	return what;
}

/* ---- collecting ---- */

static int
cmp_use(const void *a, const void *b)
{
	const use *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	if (x->link != y->link)
		return x->link - y->link;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return x->line != y->line ? x->line - y->line : x->col - y->col;
}

static void
gather(const corpus *c, use **uses, size_t *n)
{
	size_t i, cap = 16;

	/* the logo is published the same way, under its content hash */
	*uses = xcalloc(cap, sizeof **uses);
	if (c->project->logo_path) {
		(*uses)[0].file = c->project->logo_path;
		(*uses)[0].doc = NO_DOC;
		*n = 1;
	}
	for (i = 0; i < c->ndocs; i++) {
		const document *d = c->docs[i];
		size_t k;
		for (k = 0; k < d->nassets; k++) {
			const doc_asset *a = &d->assets[k];
			if (*n == cap) {
				cap *= 2;
				*uses = xrealloc(*uses, cap * sizeof **uses);
			}
			(*uses)[*n].file = a->file;
			(*uses)[*n].doc = i;
			(*uses)[*n].line = a->line;
			(*uses)[*n].col = a->col;
			(*uses)[*n].link = a->is_link;
			(*n)++;
		}
	}
}

/* Judges one file: fills a->published and a->abs, or returns a
 * sentence for the diagnostic (newly allocated) and its rule. */
static char *
judge(const corpus *c, asset *a, enum rule_id *rule)
{
	char *abs = NULL, *data, hex[65], *why = NULL;
	enum fsio_inside r;
	const char *kind, *active;
	struct stat st;
	size_t len;
	long w, h;

	*rule = R_IMAGE_MISSING;
	r = extends_resolve(c->project, a->file, FSIO_WANT_FILE, &abs, NULL);
	if (r != FSIO_INSIDE)
		return xasprintf("image %s %s", a->file, fsio_inside_reason(r));
	*rule = R_IMAGE_TOO_LARGE;
	if (stat(abs, &st) == 0 && st.st_size > ASSETS_MAX_BYTES) {
		why = xasprintf("image %s is %lld bytes (more than %ld); not "
		    "published", a->file, (long long)st.st_size, ASSETS_MAX_BYTES);
		goto out;
	}
	*rule = R_IMAGE_MISSING;
	if (!(data = read_file(abs, &len))) {
		why = xasprintf("image %s cannot be read", a->file);
		goto out;
	}
	*rule = R_LINK_UNSAFE;
	kind = assets_sniff((unsigned char *)data, len);
	if (!kind)
		why = xasprintf("image %s is not a PNG, JPEG, GIF, WebP, BMP, "
		    "ICO, AVIF or SVG file; not published", a->file);
	else if (!strcmp(kind, "svg") &&
	    (active = assets_svg_active(data, len)) != NULL)
		why = xasprintf("SVG image %s holds %s; not published", a->file,
		    active);
	else if (assets_dimensions((unsigned char *)data, len, &w, &h) &&
	    !assets_dimensions_ok(w, h)) {
		*rule = R_IMAGE_TOO_LARGE;
		why = xasprintf("image %s declares %ld x %ld pixels (at most "
		    "%ld on a side and %ld in all); not published", a->file, w, h,
		    ASSETS_MAX_SIDE, ASSETS_MAX_PIXELS);
	} else {
		digest_sha256_hex(data, len, hex);
		a->published = xasprintf("assets/%.16s.%s", hex, kind);
		a->abs = abs;
		abs = NULL;
	}
	free(data);
out:
	free(abs);
	return why;
}

/* The kinds of file a document may link to for download: office and
 * PDF documents, plain text and data, archives, and images.  Anything
 * else (HTML, SVG, XML, scripts, executables) could be active content
 * served from the site's own origin, so it is not published. */
static const char *const download_exts[] = {
	"pdf", "doc", "docx", "dot", "dotx", "xls", "xlsx", "ppt", "pptx",
	"odt", "ods", "odp", "rtf", "txt", "csv", "zip", "epub",
	"png", "jpg", "jpeg", "gif", "webp", NULL
};

/* The extension of a file name, lower-cased into ext, or "" */
static void
extension_of(const char *file, char ext[8])
{
	const char *base = strrchr(file, '/'), *dot;
	size_t i;

	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	ext[0] = '\0';
	if (!dot || dot == base || strlen(dot + 1) >= 8)
		return;
	for (i = 0; dot[1 + i]; i++)
		ext[i] = (char)tolower((unsigned char)dot[1 + i]);
	ext[i] = '\0';
}

/* Judges a file that documents only link to (a form, a PDF): a kind
 * from download_exts, not larger than the bound, and not HTML or SVG
 * whatever its name says.  Published as assets/<16 hex>/<name>, so the
 * reader's download keeps its name and two files of one name never
 * collide. */
static char *
judge_download(const corpus *c, asset *a, enum rule_id *rule)
{
	char *abs = NULL, *data = NULL, hex[65], ext[8], *why = NULL, *name;
	const char *base, *kind;
	enum fsio_inside r;
	struct stat st;
	size_t len, i, k;

	*rule = R_LINK_BROKEN;
	r = extends_resolve(c->project, a->file, FSIO_WANT_FILE, &abs, NULL);
	if (r != FSIO_INSIDE)
		return xasprintf("link to %s: the file %s", a->file,
		    fsio_inside_reason(r));
	*rule = R_LINK_UNSAFE;
	extension_of(a->file, ext);
	for (k = 0; download_exts[k] && strcmp(download_exts[k], ext); k++)
		;
	if (!download_exts[k]) {
		why = xasprintf("link to %s: a .%s file is not published (only "
		    "documents, data, archives and images are; an HTML or SVG "
		    "file could run script on the site)", a->file,
		    *ext ? ext : "(no extension)");
		goto out;
	}
	*rule = R_IMAGE_TOO_LARGE;
	if (stat(abs, &st) != 0 || st.st_size > ASSETS_MAX_BYTES) {
		why = xasprintf("link to %s: the file is larger than %ld bytes; "
		    "not published", a->file, ASSETS_MAX_BYTES);
		goto out;
	}
	*rule = R_LINK_BROKEN;
	if (!(data = read_file(abs, &len))) {
		why = xasprintf("link to %s: the file cannot be read", a->file);
		goto out;
	}
	*rule = R_LINK_UNSAFE;
	kind = assets_sniff((unsigned char *)data, len);
	if ((kind && !strcmp(kind, "svg")) || looks_like_html(data, len)) {
		why = xasprintf("link to %s: the file holds %s; not published",
		    a->file, kind ? "SVG" : "HTML");
		goto out;
	}
	digest_sha256_hex(data, len, hex);
	base = strrchr(a->file, '/');
	base = base ? base + 1 : a->file;
	name = xstrdup(base);
	for (i = 0; name[i]; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			name[i] = '_';
	if (name[0] == '.')
		name[0] = '_';
	a->published = xasprintf("assets/%.16s/%s", hex, name);
	free(name);
	a->abs = abs;
	abs = NULL;
out:
	free(data);
	free(abs);
	return why;
}

void
assets_collect(corpus *c, diag_set *ds)
{
	struct assets *as;
	use *uses = NULL;
	size_t n = 0, i, j;

	if (c->assets)
		return;
	as = xcalloc(1, sizeof *as);
	c->assets = as;
	gather(c, &uses, &n);
	if (n > 1)
		qsort(uses, n, sizeof *uses, cmp_use);
	as->v = xcalloc(n ? n : 1, sizeof *as->v);
	for (i = 0; i < n; i = j) {
		asset *a = &as->v[as->n++];
		enum rule_id rule = R_IMAGE_MISSING;
		char *why;
		a->file = xstrdup(uses[i].file);
		a->link = uses[i].link;
		/* an image is judged as an image; a link to a file (a form, a
		 * PDF) as a download */
		why = a->link ? judge_download(c, a, &rule) : judge(c, a, &rule);
		a->refused = why != NULL;
		for (j = i; j < n && !strcmp(uses[j].file, uses[i].file) &&
		    uses[j].link == uses[i].link; j++)
			if (why && uses[j].doc != NO_DOC)
				diag_report_sev(ds, rule != R_IMAGE_MISSING ?
				    SEV_ERROR : SEV_WARNING, rule,
				    c->docs[uses[j].doc]->path, uses[j].line,
				    uses[j].col, "%s", why);
		free(why);
	}
	free(uses);
}

typedef struct {
	const char *file;
	int link;
} key;

static int
cmp_key(const void *k, const void *elem)
{
	const key *x = k;
	const asset *y = elem;
	int c = strcmp(x->file, y->file);
	return c ? c : x->link - y->link;
}

enum assets_state
assets_lookup_role(const corpus *c, const char *file, int link,
    const char **published)
{
	const asset *a;
	key k;

	if (published)
		*published = NULL;
	if (!c->assets || !file)
		return ASSETS_UNKNOWN;
	k.file = file;
	k.link = link != 0;
	a = bsearch(&k, c->assets->v, c->assets->n, sizeof *a, cmp_key);
	if (!a)
		return ASSETS_UNKNOWN;
	if (a->refused)
		return ASSETS_REFUSED;
	if (published)
		*published = a->published;
	return ASSETS_PUBLISHED;
}

enum assets_state
assets_lookup(const corpus *c, const char *file, const char **published)
{
	return assets_lookup_role(c, file, 0, published);
}

int
assets_copy(const corpus *c, const char *html_dir, diag_set *ds)
{
	size_t i;
	int rc = 0;

	if (!c->assets)
		return 0;
	for (i = 0; i < c->assets->n; i++) {
		const asset *a = &c->assets->v[i];
		char *to;
		if (!a->published)
			continue;
		to = path_join(html_dir, a->published);
		/* the same content under two names is one file */
		if (!fsio_exists(to) && (fsio_mkdir_parent(to) != 0 ||
		    fsio_copy(a->abs, to) != 0)) {
			diag_report_sev(ds, SEV_ERROR, R_HTML_WRITE, a->file, 0, 0,
			    "cannot copy %s to %s", a->file, a->published);
			rc = 1;
		}
		free(to);
	}
	return rc;
}

void
assets_free(struct assets *a)
{
	size_t i;
	if (!a)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->v[i].file);
		free(a->v[i].abs);
		free(a->v[i].published);
	}
	free(a->v);
	free(a);
}
