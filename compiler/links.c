/*
 * links.c — the link pass, run once after the corpus is indexed and before
 * the filters and back ends.  For every document it (1) turns "[[name]]"
 * and "[[name|text]]" in text nodes into link nodes (cmark leaves the
 * brackets as text), (2) resolves every link and image of the body —
 * relative .md paths (and folders with an index.md), #anchors, [text](#)
 * placeholders, glossary: links, external schemes, assets — into a
 * link_info, and (3) auto-links glossary terms in body text, recording
 * every term use.  Documents are independent here, so they run on `jobs`
 * threads; the edges each finds are kept per document and added to the
 * corpus graph after the threads join, followed by related: and
 * superseded-by: edges and the corpus-wide checks (term-unused).  Only the
 * model is annotated: xmlout.c turns link_info, term uses and edges into
 * XML.  cmark line numbers are already file lines (document.c feeds the
 * front matter to cmark as blank lines).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "links.h"
#include "glossary.h"
#include "util.h"

/* An edge a worker found, added to the corpus after the join. */
typedef struct {
	size_t to;
	int line;
} found_edge;

typedef struct {
	found_edge *v; size_t n, cap;
} edge_vec;

/* Glossary entries by slug: term uses and term links carry slugs, and
 * glossary_lookup (names first, folded) is too slow for every use. */
typedef struct {
	const glossary *g;
	size_t *tab, cap;    /* entry + 1; 0 is empty */
} slug_index;

typedef struct {
	corpus *c;
	diag_set *ds;
	slug_index slugs;
	edge_vec *edges;     /* one per document */
	size_t next;         /* next document to take */
	pthread_mutex_t lock;
} pass;

static size_t
hash_str(const char *s)
{
	size_t h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static void
slug_index_init(slug_index *x, const glossary *g)
{
	size_t n = glossary_count(g);
	x->g = g;
	x->cap = 16;
	while (x->cap < 2 * n + 1)
		x->cap *= 2;
	x->tab = xcalloc(x->cap, sizeof *x->tab);
	for (size_t i = 0; i < n; i++) {
		const char *sl = glossary_at(g, i)->slug;
		size_t h = hash_str(sl) & (x->cap - 1);
		while (x->tab[h] && strcmp(glossary_at(g, x->tab[h] - 1)->slug, sl))
			h = (h + 1) & (x->cap - 1);
		if (!x->tab[h])
			x->tab[h] = i + 1;   /* the first entry keeps a slug */
	}
}

static long
slug_index_find(const slug_index *x, const char *sl)
{
	if (!sl || !x->tab)
		return -1;
	size_t h = hash_str(sl) & (x->cap - 1);
	while (x->tab[h]) {
		if (!strcmp(glossary_at(x->g, x->tab[h] - 1)->slug, sl))
			return (long)x->tab[h] - 1;
		h = (h + 1) & (x->cap - 1);
	}
	return -1;
}

/* ---- small string helpers ---------------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* %XX-decodes s[0..n).  Caller frees. */
static char *
pct_decode(const char *s, size_t n)
{
	char *o = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			o[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else
			o[k++] = s[i];
	}
	o[k] = '\0';
	return o;
}

/* A URI scheme ("http:", "mailto:", "glossary:") of at least two letters,
 * so a Windows drive letter is not taken for one. */
static size_t
scheme_len(const char *s)
{
	size_t i = 0;
	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
	    s[i] == '.')
		i++;
	return (s[i] == ':' && i >= 2) ? i : 0;
}

static char *
trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) { s++; n--; }
	while (n && isspace((unsigned char)s[n - 1])) n--;
	return xstrndup(s, n);
}

/* Joins dir and rel and resolves "." and ".." segments.  Returns NULL
 * when the path climbs above dir's root.  Caller frees. */
static char *
norm_path(const char *dir, const char *rel)
{
	char *all = (*rel == '/' || !*dir) ? xstrdup(*rel == '/' ? rel + 1 : rel)
	    : xasprintf("%s/%s", dir, rel);
	char **seg = xmalloc((strlen(all) + 2) * sizeof *seg);
	size_t n = 0;
	int bad = 0;
	for (char *save = NULL, *t = strtok_r(all, "/", &save); t;
	    t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			if (n == 0) { bad = 1; break; }
			n--;
			continue;
		}
		seg[n++] = t;
	}
	char *out = NULL;
	if (!bad) {
		buf b;
		buf_init(&b);
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_putc(&b, '/');
			buf_puts(&b, seg[i]);
		}
		out = b.data ? buf_detach(&b) : xstrdup("");
	}
	free(seg);
	free(all);
	return out;
}

static char *
dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');
	return sl ? xstrndup(path, (size_t)(sl - path)) : xstrdup("");
}

static int
is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Plain text of a node's children (link text, image alt). */

static char *
node_text(cmark_node *n)
{
	buf b;
	buf_init(&b);
	document_plain_text(n, &b, ' ');
	if (!b.data)
		return xstrdup("");
	char *t = buf_detach(&b);
	char *r = trim_dup(t, strlen(t));
	free(t);
	return r;
}

static int
status_is_stale(const document *d)
{
	return d->status && (!strcmp(d->status, "withdrawn") ||
	    !strcmp(d->status, "superseded"));
}

static void
edge_push(edge_vec *e, size_t to, int line)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].to == to)
			return;     /* one edge per pair; keep the first line */
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n].to = to;
	e->v[e->n].line = line;
	e->n++;
}

/* ---- resolution of one link -------------------------------------------- */

/* Looks a placeholder's text up in the glossary: as written, then without
 * a possessive ("LADO's") or a plural "s". */
static long
lookup_loose(const glossary *g, const char *text)
{
	long e = glossary_lookup(g, text);
	if (e >= 0)
		return e;
	size_t n = strlen(text);
	char *t = NULL;
	if (n > 2 && (!strcmp(text + n - 2, "'s")))
		t = xstrndup(text, n - 2);
	else if (n > 4 && !strcmp(text + n - 4, "\xe2\x80\x99s"))
		t = xstrndup(text, n - 4);
	else if (n > 1 && (text[n - 1] == 's' || text[n - 1] == 'S'))
		t = xstrndup(text, n - 1);
	if (t) {
		e = glossary_lookup(g, t);
		free(t);
	}
	return e;
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

/* Resolves a document target found by path or name, with its anchor. */
static void
resolve_doc_target(pass *ps, size_t di, long ti, const char *anchor,
    link_info *li, const char *shown)
{
	corpus *c = ps->c;
	document *d = c->docs[di], *t = c->docs[ti];
	if (anchor && *anchor && !document_find_anchor(t, anchor)) {
		li->kind = LINK_BROKEN;
		diag_report(ps->ds, "link-broken", d->path, li->line, li->col,
		    "link to %s: %s has no heading with the anchor #%s",
		    shown, t->id, anchor);
		return;
	}
	li->kind = LINK_DOCUMENT;
	set_str(&li->target_id, t->id);
	set_str(&li->anchor, anchor && *anchor ? anchor : NULL);
	if ((size_t)ti != di) {
		edge_push(&ps->edges[di], (size_t)ti, li->line);
		if (status_is_stale(t) && !status_is_stale(d))
			diag_report(ps->ds, "superseded-link", d->path, li->line,
			    li->col, "link to %s, which is %s%s%s", t->id,
			    t->status, yval_str(yval_get(t->meta,
			    "superseded-by")) ? " by " : "",
			    yval_str(yval_get(t->meta, "superseded-by")) ?
			    yval_str(yval_get(t->meta, "superseded-by")) : "");
	}
}

/* Anchor lookup in this document: as written (decoded), then lower-cased
 * (GitHub slugs are lower case; people write #Roles). */
static const char *
find_anchor_loose(const document *d, const char *a, char **fixed)
{
	*fixed = NULL;
	if (document_find_anchor(d, a))
		return a;
	char *l = xstrdup(a);
	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (document_find_anchor(d, l)) {
		*fixed = l;
		return l;
	}
	free(l);
	return NULL;
}

/* Makes li a link to glossary entry e and records the use (kind as
 * document_add_term_use takes it); 0 when e is no entry. */
static int
term_link(document *d, link_info *li, const glossary *g, long e, int kind)
{
	const glossary_entry *ge;
	if (e < 0)
		return 0;
	ge = glossary_at(g, (size_t)e);
	li->kind = LINK_TERM;
	set_str(&li->term_slug, ge->slug);
	document_add_term_use(d, ge->slug, li->line, li->col, kind);
	return 1;
}

static void
resolve_link(pass *ps, size_t di, cmark_node *n, int image)
{
	corpus *c = ps->c;
	document *d = c->docs[di];
	link_info *li = document_link_info(n);
	if (li->kind != LINK_UNRESOLVED)
		return;      /* made by the wiki step, already resolved */
	const char *url = cmark_node_get_url(n);
	if (!url)
		url = "";
	set_str(&li->href, url);
	const glossary *g = c->glossary;

	/* placeholders: [text](#) and [text]() */
	if (!image && (!*url || !strcmp(url, "#"))) {
		char *text = node_text(n);
		long e = g && *text ? lookup_loose(g, text) : -1;
		if (!term_link(d, li, g, e, 2)) {
			li->kind = LINK_PLACEHOLDER;
			diag_report(ps->ds, "link-placeholder", d->path,
			    li->line, li->col, "placeholder link \"%s\" (#) "
			    "names no glossary term", text);
		}
		free(text);
		return;
	}
	/* in-document anchors */
	if (url[0] == '#') {
		char *a = pct_decode(url + 1, strlen(url + 1)), *fixed;
		const char *hit = find_anchor_loose(d, a, &fixed);
		if (hit) {
			li->kind = LINK_ANCHOR;
			set_str(&li->anchor, hit);
		} else {
			li->kind = LINK_BROKEN;
			diag_report(ps->ds, "link-broken", d->path, li->line,
			    li->col, "no heading in this document has the "
			    "anchor #%s", a);
		}
		free(fixed);
		free(a);
		return;
	}
	size_t sl = scheme_len(url);
	if (sl == 8 && !strncmp(url, "glossary", 8) && !image) {
		char *name = pct_decode(url + 9, strlen(url + 9));
		long e = g ? glossary_lookup(g, name) : -1;
		if (!term_link(d, li, g, e, 1)) {
			li->kind = LINK_BROKEN;
			diag_report(ps->ds, "term-unknown", d->path, li->line,
			    li->col, "glossary link to \"%s\", which is not "
			    "in the glossary", name);
		}
		free(name);
		return;
	}
	if (sl || !strncmp(url, "//", 2)) {
		li->kind = LINK_EXTERNAL;
		return;
	}

	/* a relative path, with maybe ?query and #fragment */
	size_t plen = strcspn(url, "?#");
	const char *hash = strchr(url, '#');
	char *path = pct_decode(url, plen);
	char *anchor = hash ? pct_decode(hash + 1, strlen(hash + 1)) : NULL;
	char *cdir = dir_of(d->relpath);
	char *target = NULL;
	long ti = -1;
	int is_md = str_has_suffix(path, ".md") || str_has_suffix(path, ".MD");
	int dirlike = !*path || path[strlen(path) - 1] == '/';

	if (!image && (is_md || dirlike || !strchr(strrchr(path, '/') ?
	    strrchr(path, '/') : path, '.'))) {
		/* a document: the .md file, or a folder's index.md */
		target = *path ? norm_path(cdir, path) : xstrdup(d->relpath);
		if (target) {
			if (is_md) {
				ti = corpus_find_path(c, target);
				if (ti < 0) {
					char *id = document_id_from_relpath(target);
					ti = corpus_find_id(c, id);
					free(id);
				}
			} else {
				char *ix = *target ? xasprintf("%s/index.md",
				    target) : xstrdup("index.md");
				ti = corpus_find_path(c, ix);
				free(ix);
				if (ti < 0 && *target) {
					char *md = xasprintf("%s.md", target);
					ti = corpus_find_path(c, md);
					free(md);
				}
			}
		}
		if (ti >= 0) {
			resolve_doc_target(ps, di, ti, anchor, li, url);
			goto done;
		}
		if (is_md) {
			li->kind = LINK_BROKEN;
			if (!target)
				diag_report(ps->ds, "link-broken", d->path,
				    li->line, li->col, "link to %s leaves the "
				    "content folder", url);
			else
				diag_report(ps->ds, "link-broken", d->path,
				    li->line, li->col, "link to %s: no document "
				    "%s/%s", url, c->project->content, target);
			goto done;
		}
	}
	/* an asset: a file beside the documents (or elsewhere in the
	 * project), checked on disk */
	{
		char *pdir = dir_of(d->path);
		char *rel = *path ? norm_path(pdir, path) : NULL;
		char *abs = rel ? path_join(c->project->dir, rel) : NULL;
		if (abs && is_file(abs)) {
			li->kind = LINK_ASSET;
			set_str(&li->file, rel);  /* MERGE: branch links sets it */
		} else {
			li->kind = LINK_BROKEN;
			diag_report(ps->ds, "link-broken", d->path, li->line,
			    li->col, "%s to %s: %s", image ? "image" : "link",
			    url, rel ? (is_dir(abs) ? "a folder without an "
			    "index.md" : "no such file") :
			    "it leaves the project folder");
		}
		free(abs);
		free(rel);
		free(pdir);
	}
done:
	free(target);
	free(cdir);
	free(anchor);
	free(path);
}

/* ---- [[wiki]] links ------------------------------------------------------ */

/* Builds a link node for "[[inner]]" written at line/col. */
static cmark_node *
make_wiki_link(pass *ps, size_t di, const char *inner, size_t n, int line,
    int col)
{
	corpus *c = ps->c;
	document *d = c->docs[di];
	const char *bar = memchr(inner, '|', n);
	char *name = trim_dup(inner, bar ? (size_t)(bar - inner) : n);
	char *text = bar ? trim_dup(bar + 1, n - (size_t)(bar - inner) - 1) :
	    NULL;
	char *anchor = NULL;
	char *h = strchr(name, '#');
	if (h) {
		anchor = xstrdup(h + 1);
		*h = '\0';
	}
	cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
	link_info *li = document_link_info(link);
	li->line = line;
	li->col = col;
	li->wiki = 1;
	li->href = xasprintf("[[%.*s]]", (int)n, inner);

	char *cands = NULL;
	long ti = *name ? corpus_resolve_name(c, name, &cands) :
	    (long)di;
	if (ti >= 0) {
		resolve_doc_target(ps, di, ti, anchor, li, li->href);
		cmark_node_set_url(link, c->docs[ti]->id);
	} else {
		li->kind = LINK_BROKEN;
		cmark_node_set_url(link, name);
		if (ti == -2)
			diag_report(ps->ds, "link-broken", d->path, line, col,
			    "%s matches several documents: %s", li->href,
			    cands ? cands : "");
		else
			diag_report(ps->ds, "link-broken", d->path, line, col,
			    "%s names no document (no id, unique last "
			    "segment or title)", li->href);
	}
	const char *shown = text && *text ? text :
	    ti >= 0 ? c->docs[ti]->title : name;
	if (!shown || !*shown)
		shown = ti >= 0 ? c->docs[ti]->id : name;
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(t, shown);
	cmark_node_append_child(link, t);
	free(cands);
	free(anchor);
	free(name);
	free(text);
	return link;
}

/* Replaces the [[...]] of one text node by link nodes. */
static void
split_wiki(pass *ps, size_t di, cmark_node *tn)
{
	const char *lit = cmark_node_get_literal(tn);
	char *s = xstrdup(lit ? lit : "");
	int line = cmark_node_get_start_line(tn);
	int col = cmark_node_get_start_column(tn);
	size_t pos = 0, kept_end = SIZE_MAX;
	cmark_node *after = tn;    /* insert new nodes after this one */
	for (;;) {
		char *o = strstr(s + pos, "[[");
		if (!o)
			break;
		while (o[2] == '[')
			o++;   /* "[[[x]]" links x */
		char *cl = strstr(o + 2, "]]");
		if (!cl)
			break;
		char *again = strstr(o + 2, "[[");
		if (again && again < cl) {
			pos = (size_t)(again - s);
			continue;
		}
		size_t inner_n = (size_t)(cl - (o + 2));
		size_t sp = 0;
		while (sp < inner_n && isspace((unsigned char)o[2 + sp]))
			sp++;
		if (sp == inner_n || memchr(o + 2, '\n', inner_n) ||
		    o[2 + sp] == '|') {
			pos = (size_t)(cl + 2 - s);
			continue;
		}
		size_t ostart = (size_t)(o - s);
		if (kept_end == SIZE_MAX)
			kept_end = ostart;     /* tn keeps s[0..ostart) */
		else {
			cmark_node *mid = cmark_node_new(CMARK_NODE_TEXT);
			char *piece = xstrndup(s + pos, ostart - pos);
			cmark_node_set_literal(mid, piece);
			free(piece);
			cmark_node_insert_after(after, mid);
			after = mid;
		}
		cmark_node *link = make_wiki_link(ps, di, o + 2, inner_n, line,
		    col + (int)ostart);
		cmark_node_insert_after(after, link);
		after = link;
		pos = (size_t)(cl + 2 - s);
	}
	if (kept_end != SIZE_MAX) {
		if (s[pos]) {
			cmark_node *rest = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(rest, s + pos);
			cmark_node_insert_after(after, rest);
		}
		if (kept_end == 0)
			cmark_node_free(tn);
		else {
			s[kept_end] = '\0';
			cmark_node_set_literal(tn, s);
		}
	}
	free(s);
}

/* ---- auto-linking of glossary terms -------------------------------------- */

/* A run of consecutive text/softbreak siblings, or an explicit term link. */
typedef struct {
	cmark_node *first, *last;  /* run; NULL for an explicit link */
	long entry;                /* explicit link's entry */
} event;

typedef struct {
	cmark_node *node;
	size_t start, end;    /* bytes in the joined run */
	int line, col;
	int is_break;
} seg;

static void
link_run(pass *ps, size_t di, cmark_node *first, cmark_node *last,
    unsigned char *linked)
{
	corpus *c = ps->c;
	document *d = c->docs[di];
	const glossary *g = c->glossary;
	glossary_links_mode mode = c->project ? c->project->glossary_links :
	    GLINKS_FIRST;
	buf b;
	buf_init(&b);
	size_t nseg = 0, cap = 8;
	seg *sg = xmalloc(cap * sizeof *sg);
	int line = 0, col = 0;
	for (cmark_node *n = first;; n = cmark_node_next(n)) {
		if (nseg == cap) {
			cap *= 2;
			sg = xrealloc(sg, cap * sizeof *sg);
		}
		seg *s = &sg[nseg++];
		s->node = n;
		s->start = b.len;
		s->is_break = cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK;
		if (s->is_break) {
			buf_putc(&b, '\n');
			line++;
			col = 1;
			s->line = line;
			s->col = col;
		} else {
			buf_puts(&b, cmark_node_get_literal(n));
			if (cmark_node_get_start_line(n) > 0) {
				line = cmark_node_get_start_line(n);
				col = cmark_node_get_start_column(n);
			}
			s->line = line;
			s->col = col;
		}
		s->end = b.len;
		if (n == last)
			break;
	}
	glossary_match *m = NULL;
	size_t nm = b.data ? glossary_find(g, b.data, b.len, &m) : 0;
	size_t nl = 0;
	for (size_t i = 0, si = 0; i < nm; i++) {
		while (si + 1 < nseg && sg[si].end <= m[i].start)
			si++;
		const glossary_entry *ge = glossary_at(g, m[i].entry);
		int ul = sg[si].line, uc = sg[si].col +
		    (int)(m[i].start - sg[si].start);
		document_add_term_use(d, ge->slug, ul, uc, 0);
		if (mode == GLINKS_ALL ||
		    (mode == GLINKS_FIRST && !linked[m[i].entry])) {
			linked[m[i].entry] = 1;
			m[nl++] = m[i];
		}
	}
	if (nl == 0) {
		free(m);
		free(sg);
		buf_free(&b);
		return;
	}
	/* rebuild the run: detach its nodes, then emit pieces in order */
	cmark_node *parent = cmark_node_parent(first);
	cmark_node *anchor = cmark_node_next(last);
	for (size_t i = 0; i < nseg; i++)
		cmark_node_unlink(sg[i].node);
	unsigned char *reused = xcalloc(nseg, 1);
#define EMIT(node) do {                                                  \
		if (anchor)                                              \
			cmark_node_insert_before(anchor, (node));        \
		else                                                     \
			cmark_node_append_child(parent, (node));         \
	} while (0)
	size_t mi = 0;
	for (size_t si = 0; si < nseg; si++) {
		size_t pos = sg[si].start;
		while (pos < sg[si].end) {
			if (mi < nl && m[mi].start <= pos) {
				if (m[mi].start == pos) {
					const glossary_entry *ge =
					    glossary_at(g, m[mi].entry);
					cmark_node *lk =
					    cmark_node_new(CMARK_NODE_LINK);
					size_t sl = strlen(ge->slug);
					char *u = xmalloc(sl + 10);
					memcpy(u, "glossary:", 9);
					memcpy(u + 9, ge->slug, sl + 1);
					cmark_node_set_url(lk, u);
					link_info *li = document_link_info(lk);
					li->kind = LINK_TERM;
					li->from_source = 0;
					li->term_slug = xstrdup(ge->slug);
					li->href = u;
					li->line = sg[si].line;
					li->col = sg[si].col +
					    (int)(pos - sg[si].start);
					char *t = xstrndup(b.data + m[mi].start,
					    m[mi].end - m[mi].start);
					for (char *p = t; *p; p++)
						if (*p == '\n')
							*p = ' ';
					cmark_node *tx =
					    cmark_node_new(CMARK_NODE_TEXT);
					cmark_node_set_literal(tx, t);
					free(t);
					cmark_node_append_child(lk, tx);
					EMIT(lk);
				}
				if (m[mi].end <= sg[si].end) {
					pos = m[mi].end;
					mi++;
				} else
					pos = sg[si].end;
				continue;
			}
			size_t next = mi < nl && m[mi].start < sg[si].end ?
			    m[mi].start : sg[si].end;
			if (sg[si].is_break) {
				reused[si] = 1;
				EMIT(sg[si].node);
			} else {
				char *piece = xstrndup(b.data + pos, next - pos);
				cmark_node *tx;
				if (pos == sg[si].start) {
					tx = sg[si].node;
					reused[si] = 1;
				} else
					tx = cmark_node_new(CMARK_NODE_TEXT);
				cmark_node_set_literal(tx, piece);
				free(piece);
				EMIT(tx);
			}
			pos = next;
		}
	}
#undef EMIT
	for (size_t i = 0; i < nseg; i++)
		if (!reused[i])
			cmark_node_free(sg[i].node);
	free(reused);
	free(m);
	free(sg);
	buf_free(&b);
}

static int
blocks_terms(cmark_node_type t)
{
	return t == CMARK_NODE_HEADING || t == CMARK_NODE_LINK ||
	    t == CMARK_NODE_IMAGE || t == CMARK_NODE_CODE_BLOCK ||
	    t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_CUSTOM_BLOCK ||
	    t == CMARK_NODE_CUSTOM_INLINE;
}

static void
autolink_terms(pass *ps, size_t di)
{
	corpus *c = ps->c;
	document *d = c->docs[di];
	const glossary *g = c->glossary;
	if (!g || glossary_count(g) == 0)
		return;
	size_t nev = 0, cap = 32;
	event *ev = xmalloc(cap * sizeof *ev);
	int blocked = 0;
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type e;
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (blocks_terms(t)) {
			if (e == CMARK_EVENT_ENTER && t == CMARK_NODE_LINK) {
				link_info *li = cmark_node_get_user_data(n);
				if (li && li->kind == LINK_TERM && li->term_slug &&
				    !blocked) {
					if (nev == cap)
						ev = xrealloc(ev, (cap *= 2) *
						    sizeof *ev);
					ev[nev].first = ev[nev].last = NULL;
					ev[nev].entry = slug_index_find(
					    &ps->slugs, li->term_slug);
					nev++;
				}
			}
			/* leaves (code blocks, html) have no EXIT event */
			if (e == CMARK_EVENT_ENTER &&
			    cmark_node_first_child(n) != NULL)
				blocked++;
			else if (e == CMARK_EVENT_EXIT)
				blocked--;
			continue;
		}
		if (blocked || e != CMARK_EVENT_ENTER)
			continue;
		if (t != CMARK_NODE_TEXT && t != CMARK_NODE_SOFTBREAK)
			continue;
		if (nev && ev[nev - 1].first &&
		    cmark_node_next(ev[nev - 1].last) == n) {
			ev[nev - 1].last = n;
			continue;
		}
		if (t == CMARK_NODE_SOFTBREAK)
			continue;   /* a run starts with text */
		if (nev == cap)
			ev = xrealloc(ev, (cap *= 2) * sizeof *ev);
		ev[nev].first = ev[nev].last = n;
		ev[nev].entry = -1;
		nev++;
	}
	cmark_iter_free(it);
	unsigned char *linked = xcalloc(glossary_count(g), 1);
	for (size_t i = 0; i < nev; i++) {
		if (!ev[i].first) {
			if (ev[i].entry >= 0)
				linked[ev[i].entry] = 1;
			continue;
		}
		/* a run never ends in a softbreak worth matching */
		link_run(ps, di, ev[i].first, ev[i].last, linked);
	}
	free(linked);
	free(ev);
}

/* ---- one document ---------------------------------------------------------- */

static void
resolve_document(pass *ps, size_t di)
{
	document *d = ps->c->docs[di];
	if (!d->root)
		return;
	/* 1. [[wiki]] links: text nodes outside links, images and code */
	size_t n = 0, cap = 16;
	cmark_node **nodes = xmalloc(cap * sizeof *nodes);
	int inlink = 0;
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type e;
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(nd);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			inlink += e == CMARK_EVENT_ENTER ? 1 : -1;
			continue;
		}
		if (e != CMARK_EVENT_ENTER || inlink || t != CMARK_NODE_TEXT)
			continue;
		const char *lit = cmark_node_get_literal(nd);
		if (!lit || !strstr(lit, "[["))
			continue;
		if (n == cap)
			nodes = xrealloc(nodes, (cap *= 2) * sizeof *nodes);
		nodes[n++] = nd;
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++)
		split_wiki(ps, di, nodes[i]);

	/* 2. every link and image */
	n = 0;
	it = cmark_iter_new(d->root);
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(nd);
		if (e != CMARK_EVENT_ENTER ||
		    (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
			continue;
		if (n == cap)
			nodes = xrealloc(nodes, (cap *= 2) * sizeof *nodes);
		nodes[n++] = nd;
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++)
		resolve_link(ps, di, nodes[i],
		    cmark_node_get_type(nodes[i]) == CMARK_NODE_IMAGE);
	free(nodes);

	/* 3. glossary terms in body text */
	autolink_terms(ps, di);
}

static void *
worker(void *arg)
{
	pass *ps = arg;
	for (;;) {
		pthread_mutex_lock(&ps->lock);
		size_t di = ps->next++;
		pthread_mutex_unlock(&ps->lock);
		if (di >= ps->c->ndocs)
			break;
		resolve_document(ps, di);
	}
	return NULL;
}

/* ---- corpus-wide: related:, superseded-by:, term-unused ------------------- */

static int
looks_like_url(const char *s)
{
	return scheme_len(s) > 0 || !strncmp(s, "www.", 4);
}

static void
add_url(corpus *c, size_t di, const char *href, const char *title, int line)
{
	if (c->nurls == c->urls_cap) {
		c->urls_cap = c->urls_cap ? c->urls_cap * 2 : 16;
		c->urls = xrealloc(c->urls, c->urls_cap * sizeof *c->urls);
	}
	related_url *u = &c->urls[c->nurls++];
	u->doc = di;
	u->href = xstrdup(href);
	u->title = title ? xstrdup(title) : NULL;
	u->line = line;
}

/* Resolves a name from related: or superseded-by:; -1 after reporting. */
static long
resolve_meta_name(corpus *c, size_t di, const char *key, const char *name,
    const yval *at, diag_set *ds)
{
	char *cands = NULL;
	long ti = corpus_resolve_name(c, name, &cands);
	if (ti == -2)
		diag_report(ds, "related-unknown", c->docs[di]->path, at->line,
		    at->col, "%s: \"%s\" matches several documents: %s", key,
		    name, cands ? cands : "");
	else if (ti < 0)
		diag_report(ds, "related-unknown", c->docs[di]->path, at->line,
		    at->col, "%s: \"%s\" names no document", key, name);
	free(cands);
	return ti;
}

static void
related_edges(corpus *c, size_t di, diag_set *ds)
{
	document *d = c->docs[di];
	const yval *rel = yval_get(d->meta, "related");
	if (!rel || rel->kind == YV_NULL)
		return;
	size_t n = rel->kind == YV_LIST ? rel->n : 1;
	for (size_t i = 0; i < n; i++) {
		const yval *it = rel->kind == YV_LIST ? rel->items[i] : rel;
		const char *name = NULL, *note = NULL, *href = NULL,
		    *title = NULL;
		if (yval_is_scalar(it))
			name = yval_str(it);
		else if (it->kind == YV_MAP) {
			name = yval_str(yval_get(it, "id"));
			note = yval_str(yval_get(it, "note"));
			href = yval_str(yval_get(it, "url"));
			if (!href)
				href = yval_str(yval_get(it, "href"));
			title = yval_str(yval_get(it, "title"));
			if (!title)
				title = note;
		}
		if (!name && !href)
			continue;   /* document.c reports the malformed entry */
		if (!name || looks_like_url(name)) {
			add_url(c, di, href ? href : name, title, it->line);
			continue;
		}
		long ti = resolve_meta_name(c, di, "related", name, it, ds);
		if (ti < 0 || (size_t)ti == di)
			continue;
		corpus_add_edge(c, di, (size_t)ti, EDGE_RELATED, note, it->line);
		if (status_is_stale(c->docs[ti]) && !status_is_stale(d))
			diag_report(ds, "superseded-link", d->path, it->line,
			    it->col, "related: %s is %s", c->docs[ti]->id,
			    c->docs[ti]->status);
	}
}

static void
superseded_edge(corpus *c, size_t di, diag_set *ds)
{
	document *d = c->docs[di];
	const yval *v = yval_get(d->meta, "superseded-by");
	const char *name = yval_str(v);
	if (!name || !*name)
		return;
	if (looks_like_url(name))
		return;   /* replaced by something outside this set */
	long ti = resolve_meta_name(c, di, "superseded-by", name, v, ds);
	if (ti >= 0 && (size_t)ti != di)
		corpus_add_edge(c, di, (size_t)ti, EDGE_SUPERSEDED_BY, NULL,
		    v->line);
}

static void
terms_unused(corpus *c, const slug_index *slugs, diag_set *ds)
{
	const glossary *g = c->glossary;
	size_t ng = glossary_count(g);
	if (!ng)
		return;
	unsigned char *used = xcalloc(ng, 1);
	for (size_t i = 0; i < c->ndocs; i++)
		for (size_t k = 0; k < c->docs[i]->nterms; k++) {
			long e = slug_index_find(slugs,
			    c->docs[i]->terms[k].term_slug);
			if (e >= 0)
				used[e] = 1;
		}
	const char *file = c->project && c->project->glossary_path ?
	    c->project->glossary_path : "glossary.yaml";
	for (size_t i = 0; i < ng; i++) {
		const glossary_entry *ge = glossary_at(g, i);
		if (!used[i])
			diag_report(ds, "term-unused", file, ge->line, 0,
			    "\"%s\" is used by no document", ge->term);
		/* see: naming no term */
		for (size_t k = 0; k < ge->nsee; k++)
			if (glossary_lookup(g, ge->see[k]) < 0)
				diag_report(ds, "term-unknown", file, ge->line,
				    0, "\"%s\" refers to \"%s\" (see:), which "
				    "is not in the glossary", ge->term,
				    ge->see[k]);
	}
	free(used);
}

void
links_resolve(corpus *c, int jobs, diag_set *ds)
{
	pass ps;
	memset(&ps, 0, sizeof ps);
	ps.c = c;
	ps.ds = ds;
	ps.edges = xcalloc(c->ndocs ? c->ndocs : 1, sizeof *ps.edges);
	if (c->glossary)
		slug_index_init(&ps.slugs, c->glossary);
	pthread_mutex_init(&ps.lock, NULL);
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > c->ndocs)
		jobs = c->ndocs ? (int)c->ndocs : 1;
	if (jobs == 1)
		worker(&ps);
	else {
		pthread_t *th = xmalloc((size_t)jobs * sizeof *th);
		int started = 0;
		for (int i = 0; i < jobs; i++)
			if (pthread_create(&th[i], NULL, worker, &ps) == 0)
				started++;
			else
				break;
		if (started == 0)
			worker(&ps);
		for (int i = 0; i < started; i++)
			pthread_join(th[i], NULL);
		free(th);
	}
	pthread_mutex_destroy(&ps.lock);

	/* the graph, in document order so output is stable */
	for (size_t i = 0; i < c->ndocs; i++) {
		related_edges(c, i, ds);
		for (size_t k = 0; k < ps.edges[i].n; k++)
			corpus_add_edge(c, i, ps.edges[i].v[k].to, EDGE_LINK,
			    NULL, ps.edges[i].v[k].line);
		superseded_edge(c, i, ds);
		free(ps.edges[i].v);
	}
	free(ps.edges);
	terms_unused(c, &ps.slugs, ds);
	free(ps.slugs.tab);
}
