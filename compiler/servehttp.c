/*
 * servehttp.c — the HTTP side of `policyc serve` (serve.c drives it): it
 * serves the files of OUT/html as `policyc build` wrote them, over
 * libmicrohttpd (one thread per connection, made by the library, so a
 * page's event stream may wait without holding up other requests).  Only
 * GET and HEAD; only regular files opened beneath OUT/html one folder at
 * a time without following links, so no "..", encoded form or symbolic
 * link can reach a file outside it (404); no folder listings.  HTML
 * pages are served with three things added on the way out, never
 * written to OUT: a banner with the last rebuild's diagnostics about the
 * page's document, its stylesheet, and /__policyc/reload.js, which
 * listens to /__policyc/events (server-sent events) and reloads the page
 * after a rebuild.  Both are same-origin files, so the site's
 * Content-Security-Policy (script-src 'self') allows them unchanged.
 * /pdf/<id>.pdf lays the document out when first asked for after each
 * build, from OUT/xml (the document's XML and corpus.xml, as that build
 * wrote them) into a private folder: serve's builds run in children
 * (serve.c), so this process holds no build, only what it was told.
 * It is the module policyc-serve.so (module.h): no other command loads
 * libmicrohttpd and GnuTLS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include <libxml/parser.h>

#include "backend.h"
#include "module.h"
#include "pipeline.h"
#include "date.h"
#include "escape.h"
#include "fsio.h"
#include "servehttp.h"
#include "util.h"

#define PREFIX "/__policyc/"

typedef struct {
	char *file;         /* relative to the project */
	char *line;         /* "12:3: error: message [rule]" */
	int doc;            /* file is a document's */
} banner_line;

struct serve_site {
	char *html;                 /* OUT/html */
	char *xml;                  /* OUT/xml: what PDFs are made from */
	struct MHD_Daemon *d;
	pthread_mutex_t mu;         /* guards everything below */
	pthread_cond_t changed;     /* generation moved, or stopping */
	unsigned long generation;
	int stopping;
	char **ids, **paths;        /* the documents of the last build */
	size_t ndocs;
	banner_line *diags;
	size_t ndiags;
	/* PDFs on request, from the last good build's OUT/xml */
	pthread_mutex_t pdf_mu;     /* one PDF at a time, none during a
	                               build; guards these */
	char **pdf_ids;             /* its documents */
	size_t pdf_n;
	char *pdf_today, *pdf_project;
	xmlDocPtr pdf_corpus;       /* its corpus.xml less <packs>, read
	                               when first needed */
	char *pdf_dir;              /* a private folder, not OUT */
	unsigned long *pdf_gen;     /* per document: build its PDF is of */
	unsigned long pl_gen;       /* 1 + builds kept so far */
};

/* The reload script: compares the generation the page was served at
 * (in its own URL) with the one the event stream announces. */
static const char reload_js[] =
"/* policyc serve: reloads this page after a rebuild (serve mode only) */\n"
"(function () {\n"
"  var me = document.currentScript && document.currentScript.src || '';\n"
"  var m = /[?&]g=(\\d+)/.exec(me), served = m ? m[1] : null;\n"
"  var es = new EventSource('/__policyc/events');\n"
"  es.onopen = function () { document.documentElement.dataset.policycServe = 'open'; };\n"
"  es.onmessage = function (e) {\n"
"    if (served !== null && e.data !== served) { es.close(); location.reload(); }\n"
"    served = e.data;\n"
"  };\n"
"})();\n";

static const char serve_css[] =
"/* policyc serve: the diagnostics banner (serve mode only) */\n"
".policyc-serve-banner{background:#fff4e5;color:#0b0c0c;border:4px solid "
"#d4351c;margin:0;padding:.75em 1em;font:16px/1.4 sans-serif}\n"
".policyc-serve-banner ul{margin:.25em 0 0;padding-left:1.25em}\n"
".policyc-serve-banner code{white-space:pre-wrap;font-size:14px}\n";

/* ---- the state ---- */

static serve_site *
site_new(const char *out)
{
	serve_site *s = xcalloc(1, sizeof *s);

	s->html = path_join(out, "html");
	s->xml = path_join(out, "xml");
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->pdf_mu, NULL);
	pthread_cond_init(&s->changed, NULL);
	return s;
}

static void
drop_state(serve_site *s)
{
	size_t i;

	for (i = 0; i < s->ndocs; i++) {
		free(s->ids[i]);
		free(s->paths[i]);
	}
	free(s->ids);
	free(s->paths);
	for (i = 0; i < s->ndiags; i++) {
		free(s->diags[i].file);
		free(s->diags[i].line);
	}
	free(s->diags);
	s->ids = s->paths = NULL;
	s->diags = NULL;
	s->ndocs = s->ndiags = 0;
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
site_update(serve_site *s, const serve_build *b, diag_set *ds)
{
	size_t i, n = b ? b->ndocs : 0, nd = diag_count(ds);
	char **sorted;

	pthread_mutex_lock(&s->mu);
	drop_state(s);
	s->ids = xcalloc(n + 1, sizeof *s->ids);
	s->paths = xcalloc(n + 1, sizeof *s->paths);
	for (i = 0; i < n; i++) {
		s->ids[i] = xstrdup(b->ids[i]);
		s->paths[i] = xstrdup(b->paths[i]);
	}
	s->ndocs = n;
	sorted = xcalloc(n + 1, sizeof *sorted);
	if (n) {
		memcpy(sorted, s->paths, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, cmp_path);
	}
	s->diags = xcalloc(nd + 1, sizeof *s->diags);
	for (i = 0; i < nd; i++) {
		const diagnostic *g = diag_at(ds, i);
		const char *f = g->file ? g->file : "";
		s->diags[i].doc = n && bsearch(&f, sorted, n, sizeof *sorted,
		    cmp_path) != NULL;
		s->diags[i].file = xstrdup(f);
		s->diags[i].line = xasprintf("%d:%d: %s: %s [%s]", g->line,
		    g->col, diag_severity_name(g->sev), g->message, g->rule);
	}
	free(sorted);
	s->ndiags = nd;
	s->generation++;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->mu);
}

/* ---- PDFs on request ---- */

static char *request_rel(const char *url);
static int open_beneath(const char *html, const char *rel, struct stat *st);
static enum MHD_Result not_found(serve_site *s, struct MHD_Connection *c);

static void
drop_build(serve_site *s)
{
	size_t i;

	if (s->pdf_corpus)
		xmlFreeDoc(s->pdf_corpus);
	for (i = 0; i < s->pdf_n; i++)
		free(s->pdf_ids[i]);
	free(s->pdf_ids);
	free(s->pdf_today);
	free(s->pdf_project);
	free(s->pdf_gen);
	s->pdf_corpus = NULL;
	s->pdf_ids = NULL;
	s->pdf_n = 0;
	s->pdf_today = s->pdf_project = NULL;
	s->pdf_gen = NULL;
}

static void
site_hold(serve_site *s)
{
	pthread_mutex_lock(&s->pdf_mu);
}

static void
site_release(serve_site *s, const serve_build *good)
{
	size_t i;

	if (good) {
		drop_build(s);
		s->pdf_n = good->ndocs;
		s->pdf_ids = xcalloc(good->ndocs + 1, sizeof *s->pdf_ids);
		for (i = 0; i < good->ndocs; i++)
			s->pdf_ids[i] = xstrdup(good->ids[i]);
		s->pdf_today = xstrdup(good->today ? good->today : "");
		s->pdf_project = xstrdup(good->project_dir ?
		    good->project_dir : ".");
		s->pdf_gen = xcalloc(good->ndocs + 1, sizeof *s->pdf_gen);
		s->pl_gen++;
	}
	pthread_mutex_unlock(&s->pdf_mu);
}

/* The private folder PDFs are made in (never OUT, which stays what
 * `policyc build --outputs xml,html` makes). */
static const char *
pdf_dir(serve_site *s)
{
	if (!s->pdf_dir) {
		const char *t = getenv("TMPDIR");
		char *tmpl = xasprintf("%s/policyc-serve-XXXXXX",
		    t && *t ? t : "/tmp");
		if (mkdtemp(tmpl))
			s->pdf_dir = tmpl;
		else
			free(tmpl);
	}
	return s->pdf_dir;
}

/* A file of OUT/xml, read back as the build wrote it; NULL (said on the
 * terminal) when it cannot be. */
static xmlDocPtr
read_xml(serve_site *s, const char *id)
{
	char *path = xasprintf("%s/%s.xml", s->xml, id);
	xmlDocPtr x = xmlReadFile(path, NULL, XML_PARSE_NONET |
	    XML_PARSE_HUGE | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	if (!x)
		fprintf(stderr, "policyc serve: cannot read %s for a PDF\n", path);
	free(path);
	return x;
}

/* Lays out document k's PDF into the private folder, as `policyc build`
 * would (its packs left out), from the document's XML and corpus.xml in
 * OUT/xml; what the PDF back end says goes to the terminal.  Caller
 * holds pdf_mu.  0 on success. */
static int
make_pdf(serve_site *s, size_t k)
{
	backend_input in;
	xmlNodePtr packs;
	xmlDocPtr doc;
	diag_set *ds;
	size_t i;
	int rc;

	if (!s->pdf_corpus) {
		if (!(s->pdf_corpus = read_xml(s, "corpus")))
			return 1;
		packs = xmlDocGetRootElement(s->pdf_corpus);
		for (packs = packs ? packs->children : NULL; packs;
		    packs = packs->next)
			if (packs->type == XML_ELEMENT_NODE &&
			    !xmlStrcmp(packs->name, BAD_CAST "packs")) {
				xmlUnlinkNode(packs);
				xmlFreeNode(packs);
				break;
			}
	}
	if (!(doc = read_xml(s, s->pdf_ids[k])))
		return 1;
	ds = diag_new();
	memset(&in, 0, sizeof in);
	in.project_dir = s->pdf_project;
	in.data_dir = pipeline_data_dir();
	in.out_dir = pdf_dir(s);
	in.corpus = s->pdf_corpus;
	in.docs = &doc;
	in.ndocs = 1;
	in.jobs = 1;
	in.today = s->pdf_today;
	in.ds = ds;
	rc = in.out_dir ? pdf_render(&in) : 1;
	for (i = 0; i < diag_count(ds); i++) {
		const diagnostic *g = diag_at(ds, i);
		fprintf(stderr, "policyc serve: %s:%d:%d: %s: %s [%s]\n", g->file,
		    g->line, g->col, diag_severity_name(g->sev), g->message,
		    g->rule);
	}
	diag_free(ds);
	xmlFreeDoc(doc);
	return rc;
}

/* /pdf/<id>.pdf: the document's PDF, laid out when first asked for after
 * each build; 404 for an id the last good build does not have. */
static enum MHD_Result
serve_pdf(serve_site *s, struct MHD_Connection *c, const char *url)
{
	char *rel = request_rel(url), *id;
	size_t k, n, len;
	int fd = -1;
	struct stat st;
	struct MHD_Response *r;
	enum MHD_Result rc;
	double t0 = date_monotonic();

	if (!rel || (len = strlen(rel)) < 9) {
		free(rel);
		return not_found(s, c);
	}
	id = xstrndup(rel + 4, len - 8);   /* "pdf/" ID ".pdf" */
	pthread_mutex_lock(&s->pdf_mu);
	n = s->pdf_n;
	for (k = 0; k < n; k++)
		if (!strcmp(s->pdf_ids[k], id))
			break;
	if (k < n && s->pdf_gen[k] != s->pl_gen) {
		if (make_pdf(s, k) == 0) {
			s->pdf_gen[k] = s->pl_gen;
			fprintf(stderr, "policyc serve: %s made in %.0f ms\n", rel,
			    (date_monotonic() - t0) * 1e3);
		}
	}
	if (k < n && s->pdf_gen[k] == s->pl_gen && s->pdf_dir)
		fd = open_beneath(s->pdf_dir, rel, &st);
	pthread_mutex_unlock(&s->pdf_mu);
	free(id);
	free(rel);
	if (fd < 0)
		return not_found(s, c);
	r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/pdf");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/* ---- files ---- */

/* A request path to a path below OUT/html: "" for "/", no "." or ".."
 * segment, no empty segment but a trailing one, no backslash or control
 * character.  NULL when it is not one (404). */
static char *
request_rel(const char *url)
{
	const char *p = url, *seg;
	buf b;

	if (*p != '/')
		return NULL;
	buf_init(&b);
	for (p++; ; p++) {
		size_t n;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if ((n == 1 && seg[0] == '.') || (n == 2 && !strncmp(seg, "..", 2)) ||
		    (n == 0 && *p == '/')) {
			buf_free(&b);
			return NULL;
		}
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)seg[k] < 0x20 || seg[k] == '\\' ||
			    seg[k] == 0x7f) {
				buf_free(&b);
				return NULL;
			}
		if (b.len && n)
			buf_putc(&b, '/');
		buf_putn(&b, seg, n);
		if (!*p)
			break;
	}
	if (url[strlen(url) - 1] == '/')
		buf_puts(&b, b.len ? "/index.html" : "index.html");
	return buf_detach(&b);
}

/* Opens html/rel one folder at a time, never following a link; a
 * regular file only.  -1 otherwise. */
static int
open_beneath(const char *html, const char *rel, struct stat *st)
{
	int dir = open(html, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd = -1;
	char *copy = xstrdup(rel), *seg = copy, *slash;

	while (dir >= 0 && (slash = strchr(seg, '/')) != NULL) {
		int next;
		*slash = '\0';
		next = openat(dir, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(dir);
		dir = next;
		seg = slash + 1;
	}
	if (dir >= 0 && *seg) {
		fd = openat(dir, seg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    O_NONBLOCK);
		if (fd >= 0 && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))) {
			close(fd);
			fd = -2;   /* a folder: maybe its index.html */
		}
	}
	if (dir >= 0)
		close(dir);
	free(copy);
	return fd;
}

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".xml", "application/xml" },
	{ ".json", "application/json" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".webp", "image/webp" },
	{ ".ico", "image/x-icon" },
	{ ".pdf", "application/pdf" },
	{ ".woff2", "font/woff2" },
};

static const char *
type_of(const char *rel)
{
	size_t i;

	if (!strcmp(rel, "feed.xml"))
		return "application/atom+xml";
	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (str_has_suffix(rel, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* ---- pages ---- */

/* The banner of a page: the last build's diagnostics about its document
 * (html/<id>.html), and on every page those about no document
 * (policyc.yaml, the glossary).  NULL when there are none. */
static char *
banner_of(serve_site *s, const char *rel)
{
	const char *path = NULL;
	size_t i, n = 0;
	buf b;

	buf_init(&b);
	pthread_mutex_lock(&s->mu);
	if (str_has_suffix(rel, ".html")) {
		size_t l = strlen(rel) - 5;
		for (i = 0; i < s->ndocs; i++)
			if (strlen(s->ids[i]) == l && !strncmp(s->ids[i], rel, l))
				path = s->paths[i];
	}
	for (i = 0; i < s->ndiags; i++) {
		const banner_line *d = &s->diags[i];
		/* a document's page: its own and the project's; any other
		 * page: the project's */
		if (path ? strcmp(d->file, path) && d->doc : d->doc)
			continue;
		if (!n++)
			buf_puts(&b, "<div class=\"policyc-serve-banner\" "
			    "role=\"status\"><strong>policyc serve: the last "
			    "build said</strong><ul>");
		buf_puts(&b, "<li><code>");
		escape_xml(&b, d->file[0] ? d->file : "(project)");
		buf_putc(&b, ':');
		escape_xml(&b, d->line);
		buf_puts(&b, "</code></li>");
	}
	pthread_mutex_unlock(&s->mu);
	if (!n) {
		buf_free(&b);
		return NULL;
	}
	buf_puts(&b, "</ul></div>");
	return buf_detach(&b);
}

/* Inserts ins before the first occurrence of at (or at the end). */
static void
insert_before(buf *out, const char *page, size_t len, const char *at,
    const char *ins, size_t *from)
{
	const char *hit = memmem(page + *from, len - *from, at, strlen(at));
	size_t upto = hit ? (size_t)(hit - page) : len;

	buf_putn(out, page + *from, upto - *from);
	buf_puts(out, ins);
	*from = upto;
}

/* The page as served: the stylesheet before </head>, the banner right
 * after <body ...>, the script before </body>. */
static char *
dress_page(serve_site *s, const char *rel, const char *page, size_t len,
    size_t *outlen)
{
	char *banner = banner_of(s, rel), *script;
	const char *body;
	size_t from = 0;
	unsigned long g;
	buf b;

	pthread_mutex_lock(&s->mu);
	g = s->generation;
	pthread_mutex_unlock(&s->mu);
	buf_init(&b);
	insert_before(&b, page, len, "</head>", "<link rel=\"stylesheet\" "
	    "href=\"" PREFIX "serve.css\">\n", &from);
	body = memmem(page + from, len - from, "<body", 5);
	if (body && (body = memchr(body, '>', len - (size_t)(body - page)))) {
		size_t upto = (size_t)(body + 1 - page);
		buf_putn(&b, page + from, upto - from);
		from = upto;
		if (banner)
			buf_puts(&b, banner);
	}
	script = xasprintf("<script src=\"" PREFIX "reload.js?g=%lu\"></script>\n",
	    g);
	insert_before(&b, page, len, "</body>", script, &from);
	buf_putn(&b, page + from, len - from);
	free(script);
	free(banner);
	*outlen = b.len;
	return buf_detach(&b);
}

/* ---- responses ---- */

static enum MHD_Result
send_buffer(struct MHD_Connection *c, unsigned status, const char *type,
    char *data, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data,
	    MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
not_found(serve_site *s, struct MHD_Connection *c)
{
	struct stat st;
	int fd = open_beneath(s->html, "404.html", &st);
	char *page;
	size_t len = 0;

	if (fd >= 0) {
		page = xmalloc((size_t)st.st_size + 1);
		len = (size_t)read(fd, page, (size_t)st.st_size);
		close(fd);
		if (len == (size_t)st.st_size) {
			char *dressed = dress_page(s, "404.html", page, len, &len);
			free(page);
			return send_buffer(c, MHD_HTTP_NOT_FOUND,
			    "text/html; charset=utf-8", dressed, len);
		}
		free(page);
	}
	return send_buffer(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8",
	    xstrdup("404 not found\n"), 14);
}

/* A file of OUT/html: pages dressed, everything else as it is. */
static enum MHD_Result
serve_file(serve_site *s, struct MHD_Connection *c, const char *url)
{
	char *rel = request_rel(url), *page, *dressed;
	struct stat st;
	int fd = -1;
	size_t len;
	enum MHD_Result rc;

	if (rel)
		fd = open_beneath(s->html, *rel ? rel : "index.html", &st);
	if (fd == -2) {
		/* a folder without the slash: its index.html */
		char *idx = xasprintf("%s/index.html", rel);
		free(rel);
		rel = idx;
		fd = open_beneath(s->html, rel, &st);
	}
	if (fd < 0) {
		free(rel);
		return not_found(s, c);
	}
	if (!*rel) {
		free(rel);
		rel = xstrdup("index.html");
	}
	if (!str_has_suffix(rel, ".html")) {
		struct MHD_Response *r = MHD_create_response_from_fd(
		    (uint64_t)st.st_size, fd);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    type_of(rel));
		MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
		rc = MHD_queue_response(c, MHD_HTTP_OK, r);
		MHD_destroy_response(r);
		free(rel);
		return rc;
	}
	page = xmalloc((size_t)st.st_size + 1);
	len = (size_t)read(fd, page, (size_t)st.st_size);
	close(fd);
	if (len != (size_t)st.st_size) {
		free(page);
		free(rel);
		return not_found(s, c);
	}
	dressed = dress_page(s, rel, page, len, &len);
	free(page);
	rc = send_buffer(c, MHD_HTTP_OK, "text/html; charset=utf-8", dressed,
	    len);
	free(rel);
	return rc;
}

/* ---- the event stream ---- */

typedef struct {
	serve_site *s;
	unsigned long seen;
	int started;
} stream;

/* MHD content reader of /__policyc/events, on the connection's own
 * thread: waits for the next rebuild (a comment every 15 s keeps proxies
 * and the browser from giving up), ends when the server stops. */
static ssize_t
stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	stream *st = cls;
	serve_site *s = st->s;
	struct timespec until;
	int n;

	(void)pos;
	pthread_mutex_lock(&s->mu);
	if (!st->started) {
		st->started = 1;
		st->seen = s->generation;
		pthread_mutex_unlock(&s->mu);
		return snprintf(out, max, "retry: 500\ndata: %lu\n\n", st->seen);
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 15;
	while (!s->stopping && s->generation == st->seen)
		if (pthread_cond_timedwait(&s->changed, &s->mu, &until) ==
		    ETIMEDOUT)
			break;
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (s->generation == st->seen)
		n = snprintf(out, max, ": ping\n\n");
	else {
		st->seen = s->generation;
		n = snprintf(out, max, "data: %lu\n\n", st->seen);
	}
	pthread_mutex_unlock(&s->mu);
	return n;
}

static enum MHD_Result
serve_events(serve_site *s, struct MHD_Connection *c)
{
	stream *st = xcalloc(1, sizeof *st);
	struct MHD_Response *r;
	enum MHD_Result rc;

	st->s = s;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256,
	    stream_read, st, free);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/event-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/* MHD's unescaping of the request path, but a %00 becomes a control
 * character (which request_rel refuses) instead of cutting the path
 * short: "/a.html%00../x" is not "/a.html". */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r = s, *w = s;

	(void)cls;
	(void)c;
	while (*r) {
		int hi, lo;
		if (r[0] == '%' && (hi = hex_value(r[1])) >= 0 &&
		    (lo = hex_value(r[2])) >= 0) {
			int v = hi * 16 + lo;
			*w++ = v ? (char)v : '\x01';
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* ---- the handler ---- */

/* 405 for any method but GET and HEAD, with the Allow header RFC 9110
 * requires of it (a client is told what it may do instead). */
static enum MHD_Result
not_allowed(struct MHD_Connection *c)
{
	static const char msg[] = "only GET and HEAD\n";
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	serve_site *s = cls;

	(void)version;
	(void)upload;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return not_allowed(c);
	if (*upload_size)
		return MHD_NO;   /* a GET with a body: drop the connection */
	*con_cls = NULL;
	if (!strcmp(url, PREFIX "reload.js"))
		return send_buffer(c, MHD_HTTP_OK, "text/javascript; charset=utf-8",
		    xstrdup(reload_js), sizeof reload_js - 1);
	if (!strcmp(url, PREFIX "serve.css"))
		return send_buffer(c, MHD_HTTP_OK, "text/css; charset=utf-8",
		    xstrdup(serve_css), sizeof serve_css - 1);
	if (!strcmp(url, PREFIX "events"))
		return serve_events(s, c);
	if (!strncmp(url, "/pdf/", 5) && str_has_suffix(url, ".pdf"))
		return serve_pdf(s, c, url);
	return serve_file(s, c, url);
}

static int
site_listen(serve_site *s, const char *bind, int port)
{
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr *sa;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD;
	const union MHD_DaemonInfo *info;

	memset(&v4, 0, sizeof v4);
	memset(&v6, 0, sizeof v6);
	if (inet_pton(AF_INET, bind, &v4.sin_addr) == 1) {
		v4.sin_family = AF_INET;
		v4.sin_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&v4;
	} else if (inet_pton(AF_INET6, bind, &v6.sin6_addr) == 1) {
		v6.sin6_family = AF_INET6;
		v6.sin6_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&v6;
		flags |= MHD_USE_IPv6;
	} else {
		errno = EINVAL;
		return -1;
	}
	s->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handle, s,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	if (!s->d)
		return -1;
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return info ? (int)info->port : port;
}

static void
site_free(serve_site *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->mu);
	if (s->d)
		MHD_stop_daemon(s->d);
	drop_state(s);
	drop_build(s);
	if (s->pdf_dir)
		fsio_rmtree(s->pdf_dir);
	free(s->pdf_dir);
	pthread_mutex_destroy(&s->pdf_mu);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->changed);
	free(s->html);
	free(s->xml);
	free(s);
}

/* What the core looks up in policyc-serve.so (servemodule.c). */
const serve_http policyc_serve_http = {
	MODULE_BUILD_ID, site_new, site_listen, site_update, site_hold,
	site_release, site_free,
};
