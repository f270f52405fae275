/*
 * htmlxsl.c — the XSLT engine of the HTML back end (html.c writes the site
 * with it).  It runs after the model is made and judged: it finds and
 * compiles the stylesheets of templates/html/ (a project's own NAME.xsl
 * replaces the built-in NAME.xsl, also where it is imported), registers
 * the pc: extension functions, and runs transforms over the in-memory XML
 * trees, each with its own transform context, so one compiled stylesheet
 * serves every worker of jobs_run.
 *
 * Stylesheets are code a project brings, so they run sandboxed: every
 * stylesheet and document() is read through one loader that reads only
 * files inside the template folders, never the network, with no entity
 * expansion and no DTD loading; writes and folder creation are forbidden;
 * each transform has a budget of XPath steps, template depth, variables
 * and memory.  What goes wrong is an html-template diagnostic at the
 * stylesheet's project-relative path and line.
 */
#include <dirent.h>
#include <stdatomic.h>
#include <malloc.h>
#include <stdint.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/hash.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpathInternals.h>
#include <libxslt/documents.h>
#include <libxslt/extensions.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltutils.h>

#include "extends.h"
#include "fsio.h"
#include "digest.h"
#include "htmlbody.h"
#include "htmlpage.h"
#include "htmlxsl.h"
#include "util.h"
#include "xhtmlsave.h"

#define PC_NS ((const xmlChar *)"urn:policyc")
#define MSG_MAX 600

struct htmlxsl {
	char *project_root;     /* realpath of the project, or NULL */
	char *project_tpl;      /* realpath of <project>/templates/html, or NULL */
	char **core_tpl;        /* realpaths of its cores' (extends.c) */
	size_t ncore_tpl;
	char *builtin_tpl;      /* realpath of <data>/templates/html */
	char *data_root;        /* realpath of the data folder */
	xsltSecurityPrefsPtr sec;
	int c_page;             /* pc:page-in-c(): c_body, and the shipped
	                           stylesheets htmlpage.c was written from */
	int c_body;             /* pc:body-in-c(): no stylesheet of the
	                           project's own, so bodies may be htmlbody.c's */
	atomic_size_t bodies, c_bodies;   /* pc:body-in-c() asked, said yes */
	atomic_size_t pages, c_pages;     /* pc:page-in-c() asked, said yes */
};

/* ------------------------------------------------------------------ */
/* Errors: libxml2 and libxslt messages become one diagnostic per load   */
/* or transform, placed at the first stylesheet line libxslt names.      */

typedef struct {
	const htmlxsl *e;
	diag_set *ds;
	const char *file;       /* fallback location */
	char *loc_file;         /* from libxslt's "file F line N" context */
	int loc_line;
	buf msg;
} err_sink;

/* The sink and transform of the calling thread: libxml2's error handler
 * and the loaders have no argument that could carry them. */
static __thread err_sink *cur_sink;
static __thread const htmlxsl *cur_engine;
static __thread xsltTransformContextPtr cur_ctxt;

/* A path as the user should see it: relative to the project (or to the
 * data folder for a built-in stylesheet). */
static const char *
shown_path(const htmlxsl *e, const char *p)
{
	const char *roots[2];
	size_t i, n;

	if (p == NULL)
		return "";
	if (str_has_prefix(p, "file://"))
		p += 7;
	roots[0] = e ? e->project_root : NULL;
	roots[1] = e ? e->data_root : NULL;
	for (i = 0; i < 2; i++) {
		if (roots[i] == NULL)
			continue;
		n = strlen(roots[i]);
		if (strncmp(p, roots[i], n) == 0 && p[n] == '/')
			return p + n + 1;
	}
	return p;
}

static void
sink_line(err_sink *s, char *line)
{
	char file[1024];
	int ln;
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n == 0 || strspn(line, " ^") == n || strcmp(line, "error") == 0)
		return;
	/* xsltPrintErrorContext: "runtime error: file F line N element E" */
	if (sscanf(line, "%*[a-z] error: file %1023s line %d", file, &ln) == 2) {
		if (s->loc_file == NULL) {
			s->loc_file = xstrdup(file);
			s->loc_line = ln;
		}
		return;
	}
	if (s->loc_file == NULL && cur_ctxt && cur_ctxt->inst &&
	    cur_ctxt->inst->doc && cur_ctxt->inst->doc->URL) {
		/* a message with no context (xsl:message, an XPath error):
		 * the instruction running now */
		s->loc_file = xstrdup((const char *)cur_ctxt->inst->doc->URL);
		s->loc_line = (int)xmlGetLineNo(cur_ctxt->inst);
	}
	if (s->msg.len >= MSG_MAX)
		return;
	if (s->msg.len > 0)
		buf_puts(&s->msg, "; ");
	buf_puts(&s->msg, line);
}

static void PC_PRINTF(2, 3)
sink_error(void *ctx, const char *fmt, ...)
{
	err_sink *s = cur_sink;
	va_list ap;
	char tmp[2048];
	char *p, *nl;

	(void)ctx;
	if (s == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	for (p = tmp; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		sink_line(s, p);
	}
	sink_line(s, p);
}

/* libxml2's structured errors carry the file and line of parse errors. */
static void
sink_structured(void *ctx, xmlErrorPtr err)
{
	err_sink *s = cur_sink;

	(void)ctx;
	if (s == NULL || err == NULL)
		return;
	if (err->file && err->line > 0 && s->loc_file == NULL) {
		s->loc_file = xstrdup(err->file);
		s->loc_line = err->line;
	}
	sink_error(NULL, "%s", err->message ? err->message : "error");
}

static void
sink_begin(err_sink *s, const htmlxsl *e, diag_set *ds, const char *file)
{
	memset(s, 0, sizeof *s);
	s->e = e;
	s->ds = ds;
	s->file = file;
	buf_init(&s->msg);
	buf_puts(&s->msg, "");
	cur_sink = s;
	cur_engine = e;
	/* libxml2's handlers are per thread; libxslt's generic one is
	 * process-wide and set once (engine_init): all find this thread's
	 * sink through cur_sink. */
	xmlSetGenericErrorFunc(NULL, sink_error);
	xmlSetStructuredErrorFunc(NULL, sink_structured);
}

/* Reports what the sink holds (with what, when given, as the message
 * when libxml2 said nothing), and detaches it from the thread. */
/* Removes "root/" from every path in the message (libxslt names files
 * absolutely), so messages show project-relative paths too. */
static void
strip_root(buf *b, const char *root)
{
	char *pfx, *p;
	size_t n;

	if (root == NULL || b->len == 0)
		return;
	pfx = xasprintf("%s/", root);
	n = strlen(pfx);
	while ((p = strstr(b->data, pfx)) != NULL) {
		memmove(p, p + n, strlen(p + n) + 1);
		b->len -= n;
	}
	free(pfx);
}

static void
sink_end(err_sink *s, const char *what)
{
	const char *m;

	if (s->e) {
		strip_root(&s->msg, s->e->project_root);
		strip_root(&s->msg, s->e->data_root);
	}
	m = s->msg.len ? s->msg.data : what;

	if (m != NULL) {
		if (s->loc_file)
			diag_report_sev(s->ds, SEV_ERROR, R_HTML_TEMPLATE,
			    shown_path(s->e, s->loc_file), s->loc_line, 0, "%s", m);
		else
			diag_report_sev(s->ds, SEV_ERROR, R_HTML_TEMPLATE,
			    shown_path(s->e, s->file), 0, 0, "%s", m);
	}
	buf_free(&s->msg);
	free(s->loc_file);
	cur_sink = NULL;
	cur_engine = NULL;
	xmlSetGenericErrorFunc(NULL, NULL);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Memory: each transform has a budget (libxml2 allocates through these  */
/* wrappers; counting is per thread, and only while a budget is set).    */

static __thread size_t mem_used, mem_limit;
static __thread int mem_over;
static __thread xmlNodePtr mem_inst;  /* the instruction that went over */

/* The budget is spent: stop the transform at the instruction running. */
static __attribute__((noinline)) int
mem_refuse(void)
{
	if (!mem_over && cur_ctxt) {
		cur_ctxt->state = XSLT_STATE_STOPPED;
		mem_inst = cur_ctxt->inst;
	}
	mem_over = 1;
	return 0;
}

/* Whether n more bytes fit the budget (every libxml2 allocation asks,
 * so the common answer is inline). */
static inline int
mem_take(size_t n)
{
	if (__builtin_expect(mem_limit == 0, 0))
		return 1;
	if (__builtin_expect(mem_over || mem_used + n > mem_limit, 0))
		return mem_refuse();
	return 1;
}

/*
 * A per-thread cache of freed small blocks in front of malloc.  A page's
 * transform makes and frees some fifteen thousand small blocks (nodes,
 * strings, XPath objects), and glibc keeps only seven of a size in its
 * own per-thread cache, so most of them went through _int_malloc and
 * _int_free on a heap fragmented by every document's tree: a fifth of
 * the HTML stage.  Blocks are filed by the usable size malloc gave them
 * (floor of a 16-byte class) and handed to requests that fit (ceiling),
 * so a block always holds what it is asked for; each class keeps at
 * most CACHE_MAX blocks, and a thread's cache is freed when the thread
 * ends.  Sanitizer builds go straight to malloc, so that they still see
 * every use after free.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CACHE_CLASSES 0
#else
#define CACHE_CLASSES 33          /* blocks of up to 16 * 32 - 8 bytes */
#endif
#define CACHE_MAX 4096

typedef struct cached { struct cached *next; } cached;

#if CACHE_CLASSES
static __thread cached *cache_head[CACHE_CLASSES];
static __thread unsigned cache_count[CACHE_CLASSES];
static __thread int cache_registered;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void
cache_release(void *unused)
{
	size_t k;

	(void)unused;
	for (k = 0; k < CACHE_CLASSES; k++) {
		while (cache_head[k]) {
			cached *c = cache_head[k];
			cache_head[k] = c->next;
			free(c);
		}
		cache_count[k] = 0;
	}
}

static void
cache_key_make(void)
{
	(void)pthread_key_create(&cache_key, cache_release);
}
#endif

static void *
mem_malloc(size_t n)
{
	void *p;
#if CACHE_CLASSES
	size_t k = (n + 8 + 15) / 16;

	if (k < 2)
		k = 2;
	if (k < CACHE_CLASSES && cache_head[k]) {
		if (!mem_take(16 * k - 8))
			return NULL;
		p = cache_head[k];
		cache_head[k] = cache_head[k]->next;
		cache_count[k]--;
		if (mem_limit)
			mem_used += 16 * k - 8;
		return p;
	}
#endif
	if (!mem_take(n))
		return NULL;
	p = malloc(n);
	if (p && mem_limit)
		mem_used += malloc_usable_size(p);
	return p;
}

static void
mem_free(void *p)
{
	size_t n;

	if (p == NULL)
		return;
	n = malloc_usable_size(p);
	if (mem_limit)
		mem_used = n > mem_used ? 0 : mem_used - n;
#if CACHE_CLASSES
	{
		size_t k = (n + 8) / 16;
		if (k >= 2 && k < CACHE_CLASSES && cache_count[k] < CACHE_MAX) {
			cached *c = p;
			if (!cache_registered) {
				/* so that the cache goes with the thread */
				pthread_once(&cache_once, cache_key_make);
				(void)pthread_setspecific(cache_key, &cache_registered);
				cache_registered = 1;
			}
			c->next = cache_head[k];
			cache_head[k] = c;
			cache_count[k]++;
			return;
		}
	}
#endif
	free(p);
}

static void *
mem_realloc(void *p, size_t n)
{
	size_t old = (p && mem_limit) ? malloc_usable_size(p) : 0;
	void *q;

	if (n > old && !mem_take(n - old))
		return NULL;
	q = realloc(p, n);
	if (q && mem_limit) {
		mem_used = old > mem_used ? 0 : mem_used - old;
		mem_used += malloc_usable_size(q);
	}
	return q;
}

static char *
mem_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = mem_malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* ------------------------------------------------------------------ */
/* Reading: one loader for stylesheets, document() and entities.        */

/* Whether real path p lies in folder dir (both real paths). */
static int
in_dir(const char *p, const char *dir)
{
	size_t n;

	if (dir == NULL)
		return 0;
	n = strlen(dir);
	return strncmp(p, dir, n) == 0 && p[n] == '/';
}

char *
htmlxsl_resolve(const htmlxsl *e, const char *name)
{
	char *p;

	size_t i;

	if (e->project_tpl) {
		p = path_join(e->project_tpl, name);
		if (fsio_exists(p))
			return p;
		free(p);
	}
	for (i = 0; i < e->ncore_tpl; i++) {   /* an edition's cores' */
		p = path_join(e->core_tpl[i], name);
		if (fsio_exists(p))
			return p;
		free(p);
	}
	return path_join(e->builtin_tpl, name);
}

/* The real path a URL may be read from, or NULL when it is refused: only
 * files inside a template folder.  A name directly in either folder
 * resolves through htmlxsl_resolve (so a built-in that imports
 * "layout.xsl" gets the project's), and "builtin/NAME" names the built-in
 * NAME (so an override can import what it replaces). */
static char *
allowed_path(const htmlxsl *e, const char *url)
{
	const char *base = NULL, *rest;
	char *mapped = NULL, *real;
	size_t i;

	if (e == NULL || url == NULL)
		return NULL;
	if (str_has_prefix(url, "file://"))
		url += 7;
	else if (strstr(url, "://") != NULL || str_has_prefix(url, "data:"))
		return NULL;
	if (e->project_tpl && str_has_prefix(url, e->project_tpl) &&
	    url[strlen(e->project_tpl)] == '/')
		base = e->project_tpl;
	else if (str_has_prefix(url, e->builtin_tpl) &&
	    url[strlen(e->builtin_tpl)] == '/')
		base = e->builtin_tpl;
	for (i = 0; !base && i < e->ncore_tpl; i++)
		if (str_has_prefix(url, e->core_tpl[i]) &&
		    url[strlen(e->core_tpl[i])] == '/')
			base = e->core_tpl[i];
	if (base) {
		rest = url + strlen(base) + 1;
		if (str_has_prefix(rest, "builtin/") &&
		    strchr(rest + 8, '/') == NULL)
			mapped = path_join(e->builtin_tpl, rest + 8);
		else if (strchr(rest, '/') == NULL)
			mapped = htmlxsl_resolve(e, rest);
	}
	real = realpath(mapped ? mapped : url, NULL);
	free(mapped);
	for (i = 0; real && i < e->ncore_tpl; i++)
		if (in_dir(real, e->core_tpl[i]) && fsio_is_dir(real) == 0)
			return real;
	if (real && (in_dir(real, e->project_tpl) ||
	    in_dir(real, e->builtin_tpl)) && fsio_is_dir(real) == 0)
		return real;
	free(real);
	return NULL;
}

static xmlExternalEntityLoader default_loader;

/* Every external resource libxml2 opens comes here.  Outside an engine
 * call (other stages parse XML too) it keeps the default behaviour but
 * never touches the network. */
static xmlParserInputPtr
entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	const htmlxsl *e = cur_engine;
	xmlParserInputPtr in;
	char *path;

	if (e == NULL)
		return xmlNoNetExternalEntityLoader(url, id, ctxt);
	path = allowed_path(e, url);
	if (path == NULL) {
		sink_error(NULL, "refusing to read %s: stylesheets may only "
		    "read files in the template folders\n",
		    url ? shown_path(e, url) : "(no URL)");
		return NULL;
	}
	in = default_loader(path, id, ctxt);
	free(path);
	return in;
}

/* The first external entity a document declares, or NULL. */
static xmlEntityPtr
external_entity(xmlDocPtr doc)
{
	xmlNodePtr n;

	if (doc->intSubset == NULL)
		return NULL;
	for (n = doc->intSubset->children; n; n = n->next) {
		xmlEntityPtr ent = (xmlEntityPtr)n;
		if (n->type == XML_ENTITY_DECL &&
		    (ent->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY ||
		    ent->etype == XML_EXTERNAL_GENERAL_UNPARSED_ENTITY ||
		    ent->etype == XML_EXTERNAL_PARAMETER_ENTITY))
			return ent;
	}
	return NULL;
}

/* libxslt's document loader, for the main stylesheet, xsl:import,
 * xsl:include and document(): libxslt asks for entity substitution and
 * DTD loading (XSLT_PARSE_OPTIONS); we never give it either. */
static xmlDocPtr
doc_loader(const xmlChar *uri, xmlDictPtr dict, int options, void *ctx,
    xsltLoadType type)
{
	const htmlxsl *e = cur_engine;
	xmlParserCtxtPtr p;
	xmlParserInputPtr in;
	xmlDocPtr doc = NULL;
	xmlEntityPtr ent;
	char *path;

	(void)options;
	(void)ctx;
	path = allowed_path(e, (const char *)uri);
	if (path == NULL) {
		sink_error(NULL, "refusing to read %s: stylesheets may only "
		    "read files in the template folders\n",
		    uri ? shown_path(e, (const char *)uri) : "(no URI)");
		return NULL;
	}
	p = xmlNewParserCtxt();
	if (p == NULL) {
		free(path);
		return NULL;
	}
	if (dict != NULL && type != XSLT_LOAD_DOCUMENT) {
		if (p->dict)
			xmlDictFree(p->dict);
		p->dict = dict;
		xmlDictReference(dict);
	}
	xmlCtxtUseOptions(p, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	/* path is mapped already: straight to the default loader */
	in = default_loader(path, NULL, p);
	if (in != NULL && inputPush(p, in) >= 0) {
		if (p->directory == NULL)
			p->directory = xmlParserGetDirectory(path);
		xmlParseDocument(p);
		if (p->wellFormed)
			doc = p->myDoc;
		else
			xmlFreeDoc(p->myDoc);
		p->myDoc = NULL;
	}
	xmlFreeParserCtxt(p);
	if (doc && (ent = external_entity(doc)) != NULL) {
		sink_error(NULL, "%s declares the external entity \"%s\" "
		    "(SYSTEM \"%s\"): templates may not declare external "
		    "entities\n", shown_path(e, path), (const char *)ent->name,
		    ent->SystemID ? (const char *)ent->SystemID : "");
		if (cur_sink && cur_sink->loc_file == NULL) {
			cur_sink->loc_file = xstrdup(path);
			cur_sink->loc_line = 1;
		}
		xmlFreeDoc(doc);
		doc = NULL;
	}
	free(path);
	return doc;
}

/* xsltSecurityPrefs' read check: the same rule as the loader. */
static int
sec_read(xsltSecurityPrefsPtr sec, xsltTransformContextPtr ctxt,
    const char *value)
{
	char *p = allowed_path(cur_engine, value);

	(void)sec;
	(void)ctxt;
	free(p);
	return p != NULL;
}

/* ------------------------------------------------------------------ */
/* Extension functions                                                  */

/* cmark-gfm's houdini_escape_href: which bytes pass unescaped. */
static int
href_safe(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("-_.+!*(),%#@?=;:/$~", c) != NULL;
}

static char *
escape_href(const char *s)
{
	buf b;
	const unsigned char *p;

	buf_init(&b);
	buf_puts(&b, "");
	for (p = (const unsigned char *)s; *p; p++) {
		if (href_safe(*p))
			buf_putc(&b, (char)*p);
		else if (*p == '&')
			buf_putc(&b, '&');      /* the serialiser writes &amp; */
		else if (*p == '\'')
			buf_putc(&b, '\'');
		else
			buf_printf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

/* GitHub's tag filter: "<" opening one of these tags becomes "&lt;". */
static const char *const filtered_tags[] = {
	"title", "textarea", "style", "xmp", "iframe", "noembed",
	"noframes", "script", "plaintext", NULL
};

static int
is_filtered(const char *p)
{
	const char *q = p + 1;
	size_t i, n;

	if (*q == '/')
		q++;
	for (i = 0; filtered_tags[i]; i++) {
		n = strlen(filtered_tags[i]);
		if (strncasecmp(q, filtered_tags[i], n) == 0) {
			char c = q[n];
			if (c == '>' || c == ' ' || c == '\t' || c == '\n' ||
			    c == '\r' || c == '\f' || (c == '/' && q[n + 1] == '>'))
				return 1;
		}
	}
	return 0;
}

static char *
tagfilter(const char *s)
{
	buf b;
	const char *p;

	buf_init(&b);
	buf_puts(&b, "");
	for (p = s; *p; p++) {
		if (*p == '<' && is_filtered(p))
			buf_puts(&b, "&lt;");
		else
			buf_putc(&b, *p);
	}
	return buf_detach(&b);
}

typedef char *(*str_fn)(const char *);

static void
call_string_fn(xmlXPathParserContextPtr ctxt, int nargs, str_fn fn)
{
	xmlChar *arg;
	char *res;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	arg = xmlXPathPopString(ctxt);
	if (xmlXPathCheckError(ctxt)) {
		xmlFree(arg);
		return;
	}
	res = fn(arg ? (const char *)arg : "");
	xmlFree(arg);
	valuePush(ctxt, xmlXPathNewString((const xmlChar *)res));
	free(res);
}

static void
xf_href(xmlXPathParserContextPtr ctxt, int nargs)
{
	call_string_fn(ctxt, nargs, escape_href);
}

static void
xf_tagfilter(xmlXPathParserContextPtr ctxt, int nargs)
{
	call_string_fn(ctxt, nargs, tagfilter);
}

/* pc:ref-index(): which occurrence of its footnote the context
 * footnote-ref is (1 for the first reference to that label, 2 for the
 * second...), for GitHub's "fnref-N-K" ids.  count(preceding::...) made
 * body.xsl quadratic (10,000 references to one footnote took minutes);
 * this numbers every footnote-ref of the document in one walk, on the
 * first call of a transform, and answers by binary search. */
typedef struct {
	xmlNodePtr node;
	long k;
} ref_num;

typedef struct {
	xmlDocPtr doc;
	ref_num *v;
	size_t n;
} ref_index;

static int
ref_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const ref_num *)a)->node;
	uintptr_t y = (uintptr_t)((const ref_num *)b)->node;

	return x < y ? -1 : x > y;
}

static void
ref_index_build(ref_index *ri, xmlDocPtr doc)
{
	xmlHashTablePtr seen = xmlHashCreate(64);
	xmlNodePtr n = doc->children;
	size_t cap = 0;

	ri->doc = doc;
	while (n != NULL) {
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "footnote-ref") == 0) {
			xmlChar *label = xmlGetProp(n, (const xmlChar *)"label");
			const xmlChar *key = label ? label : (const xmlChar *)"";
			long k = (long)(intptr_t)xmlHashLookup(seen, key) + 1;

			xmlHashUpdateEntry(seen, key, (void *)(intptr_t)k, NULL);
			xmlFree(label);
			if (ri->n == cap) {
				cap = cap ? 2 * cap : 64;
				ri->v = xrealloc(ri->v, cap * sizeof *ri->v);
			}
			ri->v[ri->n].node = n;
			ri->v[ri->n++].k = k;
		}
		/* document order, without recursion */
		if (n->type == XML_ELEMENT_NODE && n->children)
			n = n->children;
		else {
			while (n && n->next == NULL)
				n = n->parent && n->parent->type != XML_DOCUMENT_NODE ?
				    n->parent : NULL;
			n = n ? n->next : NULL;
		}
	}
	xmlHashFree(seen, NULL);
	qsort(ri->v, ri->n, sizeof *ri->v, ref_cmp);
}

/* pc:col-width(table, i): column i's share of a site table's width, as
 * "N%" for its <col width>.  A column weighs its header's length, or its
 * cells' mean length over the first 50 body rows (capped at 60
 * characters, a line's worth), whichever is more; a column of short
 * values (up to 14 characters) at least its longest one; and at least 5.
 * The shares are the weights over their sum.  This was four recursive
 * named templates (pc-col-weight and its sum, max and total), a result
 * tree fragment each step and every weight worked out twice: 6 % of the
 * HTML stage's instructions for tables on every third page.  Here each
 * table's shares are worked out once, and the numbers go through the
 * same conversions the templates made (a weight was the text of an
 * xsl:value-of, the sum too, and format-number's '0.#' the stylesheet's
 * own), so the pages are the same to the byte. */
typedef struct {
	xmlDocPtr doc;          /* the table's document, while it is alive */
	xmlNodePtr table;       /* the table whose shares are below */
	char **width;           /* "N%" of column 1.. */
	size_t n;
} col_cache;

/* What the pc: functions keep for one transform. */
typedef struct {
	ref_index refs;
	col_cache cols;
} pc_state;

static void *
pc_module_init(xsltTransformContextPtr ctxt, const xmlChar *uri)
{
	(void)ctxt;
	(void)uri;
	return xcalloc(1, sizeof(pc_state));
}

static void
col_cache_clear(col_cache *cc)
{
	size_t i;

	for (i = 0; i < cc->n; i++)
		free(cc->width[i]);
	free(cc->width);
	memset(cc, 0, sizeof *cc);
}

static void
pc_module_free(xsltTransformContextPtr ctxt, const xmlChar *uri, void *data)
{
	pc_state *ps = data;

	(void)ctxt;
	(void)uri;
	if (ps) {
		free(ps->refs.v);
		col_cache_clear(&ps->cols);
		free(ps);
	}
}

static double body_ref_index(xsltTransformContextPtr tctxt, xmlNodePtr node);

static void
xf_ref_index(xmlXPathParserContextPtr ctxt, int nargs)
{
	if (nargs != 0) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	valuePush(ctxt, xmlXPathNewFloat(body_ref_index(
	    xsltXPathGetTransformContext(ctxt), ctxt->context->node)));
}

/* string-length(normalize-space(n)): characters of n's text with XML
 * white space trimmed and each run of it one space; 0 for no node. */
static double
norm_length(xmlNodePtr n)
{
	xmlChar *text;
	const unsigned char *p;
	long len = 0;
	int started = 0, space = 0;

	if (n == NULL)
		return 0;
	text = xmlNodeGetContent(n);
	for (p = text; p && *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			space = started;
			continue;
		}
		len += space;
		space = 0;
		started = 1;
		len += (*p & 0xC0) != 0x80;      /* a character's first byte */
	}
	xmlFree(text);
	return (double)len;
}

static int
is_named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	    strcmp((const char *)n->name, name) == 0;
}

static int
is_header_row(xmlNodePtr row)
{
	xmlChar *h = xmlGetNoNsProp(row, (const xmlChar *)"header");
	int yes = h && strcmp((const char *)h, "true") == 0;

	xmlFree(h);
	return yes;
}

/* A number as xsl:value-of wrote it and a later expression read it
 * back. */
static double
through_text(double v, xmlChar **text)
{
	xmlChar *t = xmlXPathCastNumberToString(v);
	double back = xmlXPathCastStringToNumber(t);

	if (text)
		*text = t;
	else
		xmlFree(t);
	return back;
}

#define COL_ROWS 50

/* A column's weight from its header's length, the sum and the most of
 * its cells' lengths over nrows rows, as the text pc-col-weight made. */
static xmlChar *
col_weight(double head, double sum, double most, size_t nrows)
{
	double h = head + 2, mean, floor_;
	xmlChar *mean_text, *w;

	sum = through_text(sum, NULL);
	if (nrows == 0)
		mean_text = xmlStrdup((const xmlChar *)"0");
	else if (sum / (double)nrows > 60)
		mean_text = xmlStrdup((const xmlChar *)"60");
	else
		(void)through_text(sum / (double)nrows, &mean_text);
	mean = xmlXPathCastStringToNumber(mean_text);
	most = through_text(most, NULL);
	floor_ = most <= 14 && most > 5 ? most + 1 : 5;
	if (h >= mean && h >= floor_)
		w = xmlXPathCastNumberToString(h);
	else if (mean >= floor_)
		return mean_text;
	else
		w = xmlXPathCastNumberToString(floor_);
	xmlFree(mean_text);
	return w;
}

/* Adds the lengths of row's first n cells to sum, and keeps the longest
 * in most (NULL for the header row). */
static void
col_lengths(xmlNodePtr row, size_t n, double *sum, double *most)
{
	xmlNodePtr c;
	size_t i = 0;

	for (c = row->children; c && i < n; c = c->next) {
		double l;

		if (!is_named(c, "cell"))
			continue;
		l = norm_length(c);
		sum[i] += l;
		if (most && l > most[i])
			most[i] = l;
		i++;
	}
}

/* Works out the shares of table's columns into cc: one pass over its
 * first 50 body rows, whatever the number of columns. */
static void
col_shares(xsltTransformContextPtr tctxt, xmlNodePtr table, col_cache *cc)
{
	xmlNodePtr r, c, head = NULL, first = NULL;
	size_t nrows = 0, n = 0, i;
	double *head_len, *sum, *most, *w, total = 0;

	for (r = table->children; r; r = r->next) {
		if (!is_named(r, "row"))
			continue;
		if (first == NULL)
			first = r;
		if (is_header_row(r)) {
			if (head == NULL)
				head = r;
		}
	}
	for (c = first ? first->children : NULL; c; c = c->next)
		n += is_named(c, "cell");
	head_len = xcalloc(n + 1, sizeof *head_len);
	sum = xcalloc(n + 1, sizeof *sum);
	most = xcalloc(n + 1, sizeof *most);
	w = xcalloc(n + 1, sizeof *w);
	if (head)
		col_lengths(head, n, head_len, NULL);
	for (r = table->children; r && nrows < COL_ROWS; r = r->next)
		if (is_named(r, "row") && !is_header_row(r)) {
			col_lengths(r, n, sum, most);
			nrows++;
		}
	cc->table = table;
	cc->doc = table->doc;
	cc->n = n;
	cc->width = xcalloc(n + 1, sizeof *cc->width);
	for (i = 0; i < n; i++) {
		xmlChar *t = col_weight(head_len[i], sum[i], most[i], nrows);
		w[i] = xmlXPathCastStringToNumber(t);
		xmlFree(t);
	}
	for (i = n; i > 0; i--)         /* pc-col-total added from the last */
		total += w[i - 1];
	total = through_text(total, NULL);
	for (i = 0; i < n; i++) {
		xmlChar *pct = NULL;

		if (tctxt->style == NULL || xsltFormatNumberConversion(
		    tctxt->style->decimalFormat, (xmlChar *)"0.#",
		    100 * w[i] / total, &pct) != XPATH_EXPRESSION_OK) {
			xmlFree(pct);
			pct = NULL;
		}
		cc->width[i] = xasprintf("%s%%", pct ? (const char *)pct : "");
		xmlFree(pct);
	}
	free(head_len);
	free(sum);
	free(most);
	free(w);
}

static char *body_col_width(xsltTransformContextPtr tctxt, xmlNodePtr table,
    long i);

static void
xf_col_width(xmlXPathParserContextPtr ctxt, int nargs)
{
	xsltTransformContextPtr tctxt = xsltXPathGetTransformContext(ctxt);
	xmlNodeSetPtr set;
	xmlNodePtr table = NULL;
	char *w;
	double i;

	if (nargs != 2) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	i = xmlXPathPopNumber(ctxt);
	set = xmlXPathPopNodeSet(ctxt);
	if (xmlXPathCheckError(ctxt)) {
		xmlXPathFreeNodeSet(set);
		return;
	}
	if (set && set->nodeNr > 0)
		table = set->nodeTab[0];
	xmlXPathFreeNodeSet(set);
	if (table == NULL || table->type != XML_ELEMENT_NODE ||
	    !(i >= 1 && i <= 1e9) || i != (double)(long)i) {
		valuePush(ctxt, xmlXPathNewCString(""));
		return;
	}
	w = body_col_width(tctxt, table, (long)i);
	valuePush(ctxt, xmlXPathNewCString(w));
	free(w);
}

/* ------------------------------------------------------------------ */
/* pc:body: a document page's body in C (htmlbody.c)                     */

/* pc:ref-index() of node (1 when nothing says otherwise): for the
 * XPath function and for htmlbody.c. */
static double
body_ref_index(xsltTransformContextPtr tctxt, xmlNodePtr node)
{
	pc_state *ps = tctxt ? xsltGetExtData(tctxt, PC_NS) : NULL;
	ref_index *ri;
	ref_num key, *hit;

	if (ps == NULL || node == NULL || node->doc == NULL)
		return 1;
	ri = &ps->refs;
	if (ri->doc != node->doc) {
		free(ri->v);
		memset(ri, 0, sizeof *ri);
		ref_index_build(ri, node->doc);
	}
	key.node = node;
	hit = bsearch(&key, ri->v, ri->n, sizeof *ri->v, ref_cmp);
	return hit ? (double)hit->k : 1;
}

/* pc:col-width(table, i), newly allocated: for the XPath function and
 * for htmlbody.c.  The shares are kept for the transform's own input
 * only: a temporary tree's node may be freed and its address given to
 * another. */
static char *
body_col_width(xsltTransformContextPtr tctxt, xmlNodePtr table, long i)
{
	pc_state *ps = tctxt ? xsltGetExtData(tctxt, PC_NS) : NULL;
	col_cache once = { 0 }, *cc;
	char *w;

	if (ps == NULL)
		return xstrdup("");
	cc = &ps->cols;
	if (table->doc != tctxt->initialContextDoc)
		cc = &once;
	else if (cc->table != table || cc->doc != table->doc)
		col_cache_clear(cc);
	if (cc->table == NULL)
		col_shares(tctxt, table, cc);
	w = xstrdup(i >= 1 && (size_t)i <= cc->n ? cc->width[i - 1] : "");
	if (cc == &once)
		col_cache_clear(&once);
	return w;
}

static const htmlbody_fns body_fns = {
	escape_href, tagfilter, body_ref_index, body_col_width
};

/* The body elements below the context node (select="body"). */
static xmlNodePtr
next_body(xmlNodePtr from)
{
	for (; from; from = from->next)
		if (from->type == XML_ELEMENT_NODE && from->ns == NULL &&
		    strcmp((const char *)from->name, "body") == 0)
			return from;
	return NULL;
}

/* pc:body-in-c(): whether the context node's bodies may be rendered by
 * <pc:body/> — the engine's templates are all the shipped ones (a
 * project's own stylesheet may redefine any template of mode body), and
 * every body holds only what htmlbody.c knows.  Else the page applies
 * body.xsl's templates, as it always did. */
static void
xf_body_in_c(xmlXPathParserContextPtr ctxt, int nargs)
{
	xmlNodePtr n = ctxt->context->node, b;
	int yes = cur_engine && cur_engine->c_body && n != NULL;

	if (nargs != 0) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	for (b = yes ? next_body(n->children) : NULL; b && yes;
	    b = next_body(b->next))
		yes = htmlbody_known(b);
	if (cur_engine) {
		htmlxsl *e = (htmlxsl *)cur_engine;   /* its counters only */
		atomic_fetch_add(&e->bodies, 1);
		if (yes)
			atomic_fetch_add(&e->c_bodies, 1);
	}
	valuePush(ctxt, xmlXPathNewBoolean(yes));
}

/* <pc:body/>: apply-templates select="body" mode="body", in C. */
static void
xe_body(xsltTransformContextPtr ctxt, xmlNodePtr node, xmlNodePtr inst,
    xsltElemPreCompPtr comp)
{
	xmlNodePtr b;

	(void)inst;
	(void)comp;
	if (node == NULL || ctxt->insert == NULL)
		return;
	for (b = next_body(node->children); b; b = next_body(b->next))
		htmlbody_render(ctxt, &body_fns, b, ctxt->insert);
}

/* pc:page-in-c(): whether the input document's whole page may be made
 * by <pc:page/> (htmlpage.c) — the engine's templates are the shipped
 * ones as htmlpage.c was written from them, and the page holds only
 * what it knows.  Else document.xsl's templates make it. */
static void
xf_page_in_c(xmlXPathParserContextPtr ctxt, int nargs)
{
	xmlNodePtr n = ctxt->context->node;
	int yes = cur_engine && cur_engine->c_page && n != NULL &&
	    n->doc != NULL && htmlpage_known(xmlDocGetRootElement(n->doc));

	if (nargs != 0) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	if (cur_engine) {
		htmlxsl *e = (htmlxsl *)cur_engine;   /* its counters only */
		atomic_fetch_add(&e->pages, 1);
		if (yes) {
			atomic_fetch_add(&e->c_pages, 1);
			/* its body is made in C too */
			atomic_fetch_add(&e->bodies, 1);
			atomic_fetch_add(&e->c_bodies, 1);
		}
	}
	valuePush(ctxt, xmlXPathNewBoolean(yes));
}

/* <pc:page/>: the document's page, in C.  A stylesheet of a project's
 * own may call it anywhere: on anything but a page htmlpage_known
 * accepts (a document, its bodies within the C's depth) it is the
 * stylesheet's error, at its line, and nothing is made. */
static void
xe_page(xsltTransformContextPtr ctxt, xmlNodePtr node, xmlNodePtr inst,
    xsltElemPreCompPtr comp)
{
	xmlNodePtr root;

	(void)comp;
	if (node == NULL || node->doc == NULL || ctxt->insert == NULL)
		return;
	root = xmlDocGetRootElement(node->doc);
	if (!htmlpage_known(root)) {
		xsltTransformError(ctxt, NULL, inst, "pc:page makes only a "
		    "document's page, and only where pc:page-in-c() is true\n");
		return;
	}
	htmlpage_render(ctxt, &body_fns, root, ctxt->insert);
}

/* Whether the shipped stylesheets in dir are the ones htmlpage.c and
 * htmlbody.c were written from (htmlpage_templates_sha256). */
static int
shipped_templates(const char *dir)
{
	static const char *const names[] = { "document.xsl", "layout.xsl",
	    "history.xsl", "body.xsl" };
	char hex[DIGEST_HEX], all[4 * DIGEST_HEX + 4];
	size_t i, k = 0;

	for (i = 0; i < 4; i++) {
		char *p = path_join(dir, names[i]), *text;
		size_t len;

		text = read_file(p, &len);
		free(p);
		if (text == NULL)
			return 0;
		digest_sha256_hex(text, len, hex);
		free(text);
		k += (size_t)snprintf(all + k, sizeof all - k, "%s%s",
		    i ? "\n" : "", hex);
	}
	digest_sha256_hex(all, k, hex);
	if (getenv("POLICYC_TEMPLATES_SHA256_SHOW"))
		fprintf(stderr, "policyc: shipped templates %s\n", hex);
	return strcmp(hex, htmlpage_templates_sha256) == 0;
}

/* Whether dir holds a stylesheet (*.xsl). */
static int
has_stylesheet(const char *dir)
{
	DIR *d;
	struct dirent *e;
	int yes = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return 0;
	while (!yes && (e = readdir(d)) != NULL)
		yes = str_has_suffix(e->d_name, ".xsl");
	closedir(d);
	return yes;
}

/* ------------------------------------------------------------------ */
/* The engine                                                           */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* The sandbox's security prefs: reads as the loader allows (sec_read
 * asks this thread's engine), no writes, no network. */
static xsltSecurityPrefsPtr
new_prefs(void)
{
	xsltSecurityPrefsPtr sec;

	sec = xsltNewSecurityPrefs();
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_FILE, sec_read);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY,
	    xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK,
	    xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK,
	    xsltSecurityForbid);
	return sec;
}

static void
engine_init(void)
{
	/* Before the first transform and while no other thread is inside
	 * libxml2: the stages that ran before (XML) have joined. */
	xmlMemSetup(mem_free, mem_malloc, mem_realloc, mem_strdup);
	xmlInitParser();
	xsltInit();
	xsltRegisterExtModuleFunction((const xmlChar *)"href", PC_NS, xf_href);
	xsltRegisterExtModuleFunction((const xmlChar *)"tagfilter", PC_NS,
	    xf_tagfilter);
	xsltRegisterExtModule(PC_NS, pc_module_init, pc_module_free);
	xsltRegisterExtModuleFunction((const xmlChar *)"ref-index", PC_NS,
	    xf_ref_index);
	xsltRegisterExtModuleFunction((const xmlChar *)"col-width", PC_NS,
	    xf_col_width);
	xsltRegisterExtModuleFunction((const xmlChar *)"body-in-c", PC_NS,
	    xf_body_in_c);
	xsltRegisterExtModuleElement((const xmlChar *)"body", PC_NS, NULL,
	    xe_body);
	xsltRegisterExtModuleFunction((const xmlChar *)"page-in-c", PC_NS,
	    xf_page_in_c);
	xsltRegisterExtModuleElement((const xmlChar *)"page", PC_NS, NULL,
	    xe_page);
	xsltSetGenericErrorFunc(NULL, sink_error);
	default_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(entity_loader);
	xsltSetLoaderFunc(doc_loader);
	/* xsl:import and xsl:include check the default prefs: set once for
	 * the process (sec_read finds the thread's engine), not swapped per
	 * load — engines of editions built side by side load at once, and
	 * one would restore or free the prefs under another. */
	xsltSetDefaultSecurityPrefs(new_prefs());
}

static char *
real_or_copy(const char *p)
{
	char *r = realpath(p, NULL);

	return r ? r : xstrdup(p);
}

htmlxsl *
htmlxsl_new(const char *project_dir, const char *data_dir)
{
	htmlxsl *e = xcalloc(1, sizeof *e);
	xsltSecurityPrefsPtr sec;
	char *t;

	pthread_once(&init_once, engine_init);
	if (project_dir) {
		e->project_root = real_or_copy(project_dir);
		t = path_join(project_dir, "templates/html");
		if (fsio_is_dir(t))
			e->project_tpl = realpath(t, NULL);
		free(t);
		e->ncore_tpl = extends_template_dirs(e->project_root,
		    &e->core_tpl);
	}
	e->data_root = real_or_copy(data_dir ? data_dir : ".");
	t = path_join(e->data_root, "templates/html");
	e->builtin_tpl = real_or_copy(t);
	free(t);

	sec = new_prefs();
	e->sec = sec;
	{
		const char *env = getenv("POLICYC_XSLT_BODY");
		size_t i;

		e->c_body = !(env && *env && strcmp(env, "0") != 0) &&
		    !has_stylesheet(e->project_tpl);
		for (i = 0; i < e->ncore_tpl; i++)
			if (has_stylesheet(e->core_tpl[i]))
				e->c_body = 0;
		/* the page in C: the same, and the shipped stylesheets as
		 * htmlpage.c knows them */
		env = getenv("POLICYC_XSLT_PAGE");
		e->c_page = e->c_body && !(env && *env &&
		    strcmp(env, "0") != 0) && shipped_templates(e->builtin_tpl);
	}
	return e;
}

const char *
htmlxsl_builtin_dir(const htmlxsl *e)
{
	return e->builtin_tpl;
}

size_t
htmlxsl_bodies(const htmlxsl *e, size_t *in_c)
{
	*in_c = atomic_load(&((htmlxsl *)e)->c_bodies);
	return atomic_load(&((htmlxsl *)e)->bodies);
}

size_t
htmlxsl_pages(const htmlxsl *e, size_t *in_c)
{
	*in_c = atomic_load(&((htmlxsl *)e)->c_pages);
	return atomic_load(&((htmlxsl *)e)->pages);
}

void
htmlxsl_free(htmlxsl *e)
{
	if (e == NULL)
		return;
	xsltFreeSecurityPrefs(e->sec);
	free(e->project_root);
	free(e->project_tpl);
	while (e->ncore_tpl)
		free(e->core_tpl[--e->ncore_tpl]);
	free(e->core_tpl);
	free(e->builtin_tpl);
	free(e->data_root);
	free(e);
}

/* When a stylesheet failed over an xsl:import or xsl:include that could
 * not be read, libxslt names no line: place the error at the first
 * import or include whose href the messages mention. */
static void
locate_import(err_sink *s, xmlDocPtr sdoc)
{
	xmlNodePtr root = xmlDocGetRootElement(sdoc), n;

	for (n = root ? root->children : NULL; n; n = n->next) {
		xmlChar *href;
		int hit;

		if (n->type != XML_ELEMENT_NODE ||
		    (strcmp((const char *)n->name, "import") != 0 &&
		    strcmp((const char *)n->name, "include") != 0))
			continue;
		href = xmlGetProp(n, (const xmlChar *)"href");
		hit = href && *href && strstr(s->msg.data,
		    (const char *)href) != NULL;
		xmlFree(href);
		if (hit) {
			s->loc_file = xstrdup(sdoc->URL ?
			    (const char *)sdoc->URL : s->file);
			s->loc_line = (int)xmlGetLineNo(n);
			return;
		}
	}
}

xsltStylesheetPtr
htmlxsl_load(htmlxsl *e, const char *name, diag_set *ds)
{
	char *path = htmlxsl_resolve(e, name);
	xmlDocPtr sdoc;
	xsltStylesheetPtr st = NULL;
	err_sink sink;

	sink_begin(&sink, e, ds, path);
	sdoc = doc_loader((const xmlChar *)path, NULL, 0, NULL,
	    XSLT_LOAD_START);
	if (sdoc) {
		st = xsltParseStylesheetDoc(sdoc);
		if (st == NULL) {
			if (sink.loc_file == NULL)
				locate_import(&sink, sdoc);
			xmlFreeDoc(sdoc);
		}
		else if (st->errors > 0) {
			xsltFreeStylesheet(st);
			st = NULL;
		}
	}
	sink_end(&sink, st == NULL ? "cannot compile the stylesheet" : NULL);
	free(path);
	return st;
}

/* prefix and then the n bytes of s, in one allocation (a page is tens
 * of kilobytes: xasprintf's vsnprintf copied it a byte at a time). */
static char *
with_prefix(const char *prefix, const char *s, size_t n)
{
	size_t np = prefix ? strlen(prefix) : 0;
	char *r = xmalloc(np + n + 1);

	if (np)
		memcpy(r, prefix, np);
	if (n)
		memcpy(r + np, s, n);
	r[np + n] = '\0';
	return r;
}

/* The size of the input, for the budgets: nodes and attributes, counted
 * without recursion (the tree may be deep). */
size_t
htmlxsl_size(xmlDocPtr doc)
{
	xmlNodePtr n = doc->children;
	xmlAttrPtr a;
	size_t c = 0;

	while (n != NULL) {
		c++;
		if (n->type == XML_ELEMENT_NODE)
			for (a = n->properties; a; a = a->next)
				c++;
		if (n->type == XML_ELEMENT_NODE && n->children)
			n = n->children;
		else {
			while (n && n->next == NULL)
				n = n->parent && n->parent->type != XML_DOCUMENT_NODE ?
				    n->parent : NULL;
			n = n ? n->next : NULL;
		}
	}
	return c;
}

char *
htmlxsl_apply(htmlxsl *e, xsltStylesheetPtr st, xmlDocPtr doc,
    const char **params, diag_set *ds, const char *file,
    const char *prefix, int xhtml, size_t nodes)
{
	xsltTransformContextPtr ctxt;
	xmlDocPtr res;
	xmlChar *out = NULL;
	int len = 0;
	char *s = NULL;
	const char *fail = NULL;
	xmlNodePtr where;
	err_sink sink;

	if (nodes == 0)
		nodes = htmlxsl_size(doc);
	sink_begin(&sink, e, ds, file);
	ctxt = xsltNewTransformContext(st, doc);
	if (ctxt == NULL) {
		sink_end(&sink, "cannot start the transformation");
		return NULL;
	}
	xsltSetTransformErrorFunc(ctxt, NULL, sink_error);
	xsltSetCtxtSecurityPrefs(e->sec, ctxt);
	ctxt->parserOptions = XML_PARSE_NONET | XML_PARSE_NOCDATA;
	ctxt->xpathCtxt->opLimit = HTMLXSL_OPS_BASE + 200UL * nodes;
	ctxt->xpathCtxt->opCount = 0;
	if (params)
		xsltQuoteUserParams(ctxt, params);
	cur_ctxt = ctxt;
	mem_used = 0;
	mem_over = 0;
	mem_inst = NULL;
	mem_limit = HTMLXSL_MEM_BASE + 64UL * nodes;
	res = xsltApplyStylesheetUser(st, doc, NULL, NULL, NULL, ctxt);
	mem_limit = 0;
	cur_ctxt = NULL;
	if (mem_over)
		fail = "the stylesheet ran out of its memory budget and was "
		    "stopped";
	else if (ctxt->xpathCtxt->opCount >= ctxt->xpathCtxt->opLimit)
		fail = "the stylesheet ran past its step budget and was "
		    "stopped";
	else if (res == NULL || ctxt->state != XSLT_STATE_OK)
		fail = "transformation failed";
	where = mem_over && mem_inst ? mem_inst : ctxt->inst;
	if (fail && sink.loc_file == NULL && where && where->doc &&
	    where->doc->URL) {
		/* where it stopped: the last instruction run */
		sink.loc_file = xstrdup((const char *)where->doc->URL);
		sink.loc_line = (int)xmlGetLineNo(where);
	}
	if (fail) {
		/* The budget messages say more than libxml2's echo of it. */
		if (mem_over || ctxt->xpathCtxt->opCount >=
		    ctxt->xpathCtxt->opLimit) {
			buf_free(&sink.msg);
			buf_init(&sink.msg);
			buf_puts(&sink.msg, fail);
		}
	} else if (xhtml) {
		s = xhtmlsave_page(res, prefix);
	} else if (xsltSaveResultToString(&out, &len, res, st) == 0) {
		s = with_prefix(prefix, (const char *)out,
		    out && len > 0 ? (size_t)len : 0);
	}
	xmlFree(out);
	if (res)
		xmlFreeDoc(res);
	xsltFreeTransformContext(ctxt);
	sink_end(&sink, fail);
	return s;
}
