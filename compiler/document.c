/*
 * document.c — one document from file to annotated tree.  Reads the file
 * (not-UTF-8 bytes are reported and read as Latin-1 so nothing is lost),
 * splits and parses the front matter, checks the metadata (meta-required,
 * meta-invalid), parses the body with cmark-gfm and the GitHub extensions,
 * substitutes {{variables}} in text and link targets (never in code), and
 * collects the headings with their GitHub-style anchors.
 *
 * The front matter lines are handed to cmark as blank lines, so every
 * cmark node's line number is its line in the file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-extension_api.h>

#include "cmarkmt.h"
#include "date.h"
#include "docshare.h"
#include "document.h"
#include "links.h"
#include "prelink.h"
#include "frontmatter.h"
#include "profile.h"
#include "tmplsyntax.h"
#include "toml.h"
#include "fsio.h"
#include "incremental.h"
#include "slug.h"
#include "util.h"

/* ---- reading ---- */

/* Block containers deeper than this are flattened (nesting-deep), so no
 * later recursive walk (XML writer, XSLT, PDF layout) can run out of
 * stack on 20,000 nested quotes. */
#define NESTING_LIMIT 64

/* Re-encodes bytes that are not UTF-8 as Latin-1 characters. */
static char *
latin1_repair(const char *s, size_t n, size_t *outlen)
{
	buf b;
	size_t i = 0, bad;

	buf_init(&b);
	while (i < n) {
		if (utf8_valid(s + i, n - i, &bad)) {
			buf_putn(&b, s + i, n - i);
			break;
		}
		buf_putn(&b, s + i, bad);
		i += bad;
		{
			unsigned char c = (unsigned char)s[i++];
			buf_putc(&b, (char)(0xc0 | (c >> 6)));
			buf_putc(&b, (char)(0x80 | (c & 0x3f)));
		}
	}
	*outlen = b.len;
	return buf_detach(&b);
}

static void
line_col_of(const char *text, size_t off, int *line, int *col)
{
	size_t i;
	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/* ---- ids ---- */

char *
document_id_from_relpath(const char *relpath)
{
	char *path = xstrdup(relpath), *seg, *save = NULL;
	buf b;
	size_t n = strlen(path);
	char *last_seg_start;

	if (str_has_suffix(path, ".md"))
		path[n - 3] = '\0';
	else if (str_has_suffix(path, ".markdown"))
		path[n - 9] = '\0';
	buf_init(&b);
	for (seg = strtok_r(path, "/", &save); seg;
	    seg = strtok_r(NULL, "/", &save)) {
		char *s = slug_segment(seg);
		if (!*s) {
			free(s);
			s = xstrdup("doc");
		}
		if (b.len)
			buf_putc(&b, '/');
		buf_puts(&b, s);
		free(s);
	}
	free(path);
	if (!b.len)
		buf_puts(&b, "doc");
	/* index.md (and Hugo's _index.md) takes its folder's name */
	last_seg_start = strrchr(b.data, '/');
	if (last_seg_start && (strcmp(last_seg_start + 1, "index") == 0 ||
	    strcmp(last_seg_start + 1, "_index") == 0)) {
		*last_seg_start = '\0';
		b.len = (size_t)(last_seg_start - b.data);
	}
	return buf_detach(&b);
}

int
document_id_safe(const char *id)
{
	const char *p = id, *seg;

	if (!*id || *id == '/' || strchr(id, '\\'))
		return 0;
	for (seg = p;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t n = (size_t)(p - seg);
			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (*p == '\0')
				break;
			seg = p + 1;
		} else if ((unsigned char)*p < 0x20)
			return 0;
	}
	return 1;
}

/* ---- cmark ---- */

/*
 * cmark-gfm's extensions keep global tables that parsers switch on and
 * off while they parse inlines; cmarkmt.c makes that safe for parallel
 * parses.  Should its probe find the library out of reach, documents are
 * parsed one at a time under this lock, as they once always were.
 */
static pthread_mutex_t parser_lock = PTHREAD_MUTEX_INITIALIZER;

static void
free_link_info(cmark_mem *mem, void *p)
{
	link_info *li = p;
	(void)mem;
	if (!li)
		return;
	free(li->target_id);
	free(li->anchor);
	free(li->term_slug);
	free(li->href);
	free(li->file);
	free(li);
}

link_info *
document_link_info(cmark_node *link)
{
	link_info *li = cmark_node_get_user_data(link);
	if (!li) {
		li = xcalloc(1, sizeof *li);
		li->from_source = 1;
		li->line = cmark_node_get_start_line(link);
		li->col = cmark_node_get_start_column(link);
		cmark_node_set_user_data(link, li);
		cmark_node_set_user_data_free_func(link, free_link_info);
	}
	return li;
}

/* Iterative (cmark_iter), so inline nesting of any depth cannot
 * overflow the stack. */
void
document_plain_text(cmark_node *n, buf *b, char brk)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		const char *lit;
		if (ev != CMARK_EVENT_ENTER || c == n)
			continue;
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			/* a comment is never content, not even in a title,
			 * a slug or alt text */
			if ((lit = cmark_node_get_literal(c)) &&
			    strncmp(lit, "<!--", 4) != 0)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, brk);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static char *
node_text(cmark_node *n)
{
	buf b;
	buf_init(&b);
	document_plain_text(n, &b, ' ');
	return buf_detach(&b);
}

/* ---- nesting ---- */

/* Block containers that hold other blocks and always have an EXIT event
 * in cmark's iterator. */
static int
block_nests(cmark_node_type t)
{
	return t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST ||
	    t == CMARK_NODE_ITEM;
}

/* Moves every leaf block below target (paragraphs, headings, code,
 * tables, footnote definitions...) up to be target's children, in order,
 * and frees the emptied quotes and lists between.  target is a quote or
 * an item, which may hold any block but an item. */
static void
flatten_blocks(cmark_node *target)
{
	cmark_iter *it = cmark_iter_new(target);
	cmark_event_type ev;
	cmark_node **leaves = NULL, *c;
	size_t n = 0, cap = 0, i;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *x = cmark_iter_get_node(it), *parent;
		if (ev != CMARK_EVENT_ENTER || x == target)
			continue;
		parent = cmark_node_parent(x);
		if (block_nests(cmark_node_get_type(x)) ||
		    !(parent == target ||
		    block_nests(cmark_node_get_type(parent))))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			leaves = xrealloc(leaves, cap * sizeof *leaves);
		}
		leaves[n++] = x;
	}
	cmark_iter_free(it);
	for (i = 0; i < n; i++)
		cmark_node_unlink(leaves[i]);
	while ((c = cmark_node_first_child(target)) != NULL)
		cmark_node_free(c);   /* cmark frees subtrees without recursion */
	for (i = 0; i < n; i++)
		if (!cmark_node_append_child(target, leaves[i]))
			cmark_node_free(leaves[i]);
	free(leaves);
}

/* Replaces an inline node nested too deep by its plain text. */
static void
flatten_inline(cmark_node *target)
{
	buf b;
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);

	buf_init(&b);
	document_plain_text(target, &b, ' ');
	cmark_node_set_literal(t, b.data ? b.data : "");
	buf_free(&b);
	if (cmark_node_insert_before(target, t))
		cmark_node_free(target);
	else
		cmark_node_free(t);
}

/*
 * Measures nesting without recursion and flattens what is deeper than
 * NESTING_LIMIT: quotes and list items below the limit give up their
 * structure (their paragraphs are kept, in order), inlines below it
 * (emphasis in emphasis...) become plain text.  Reported once, at the
 * first place (nesting-deep).  A footnote definition moved up may still
 * hold deep blocks, so passes repeat until nothing is too deep.
 */
static void
bound_nesting(document *d, diag_set *ds)
{
	int pass, reported = 0;

	for (pass = 0; pass < 32; pass++) {
		cmark_iter *it = cmark_iter_new(d->root);
		cmark_event_type ev;
		cmark_node **blocks = NULL, **inl = NULL, *inside = NULL;
		size_t nb = 0, ni = 0, capb = 0, capi = 0, i;
		int depth = 0, idepth = 0;

		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *x = cmark_iter_get_node(it);
			cmark_node_type t = cmark_node_get_type(x);
			int inline_nest = (t & CMARK_NODE_TYPE_MASK) ==
			    CMARK_NODE_TYPE_INLINE && cmark_node_first_child(x);
			if (!block_nests(t) && !inline_nest)
				continue;
			if (ev == CMARK_EVENT_EXIT) {
				if (x == inside)
					inside = NULL;
				if (block_nests(t))
					depth--;
				else
					idepth--;
				continue;
			}
			if (block_nests(t))
				depth++;
			else
				idepth++;
			if (inside)
				continue;
			if (block_nests(t) && t != CMARK_NODE_LIST &&
			    depth > NESTING_LIMIT) {
				if (nb == capb) {
					capb = capb ? capb * 2 : 8;
					blocks = xrealloc(blocks, capb * sizeof *blocks);
				}
				blocks[nb++] = inside = x;
			} else if (inline_nest && idepth > NESTING_LIMIT) {
				if (ni == capi) {
					capi = capi ? capi * 2 : 8;
					inl = xrealloc(inl, capi * sizeof *inl);
				}
				inl[ni++] = inside = x;
			}
		}
		cmark_iter_free(it);
		if (!reported && (nb || ni)) {
			cmark_node *at = nb ? blocks[0] : inl[0];
			diag_report(ds, R_NESTING_DEEP, d->path,
			    cmark_node_get_start_line(at),
			    cmark_node_get_start_column(at),
			    "%s nested more than %d deep; what is deeper is "
			    "flattened here", nb ? "quotes and lists" :
			    "inline formatting", NESTING_LIMIT);
			reported = 1;
		}
		for (i = 0; i < nb; i++)
			flatten_blocks(blocks[i]);
		for (i = 0; i < ni; i++)
			flatten_inline(inl[i]);
		free(blocks);
		free(inl);
		if (!nb && !ni)
			break;
	}
}

/* ---- variables ---- */

/* {{var}} x 5,000 with a long value must not write hundreds of MB
 * (document.h says the budget). */
void
document_subst_init(document_subst *st, const char *file, const char *what,
    size_t source_len)
{
	size_t ten = source_len > SIZE_MAX / 10 ? SIZE_MAX : source_len * 10;

	memset(st, 0, sizeof *st);
	st->limit = st->budget = ten > (1u << 20) ? ten : (1u << 20);
	st->file = file;
	st->what = what;
}

/* A value put into Markdown source reads as the text it is, as in a
 * document's text node: its markup characters escaped, its line breaks
 * (which could start a block) folded into spaces. */
static void
put_markdown_text(buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\n' || *v == '\r')
			buf_putc(b, ' ');
		else {
			if (strchr("\\`*_[]<&", *v))
				buf_putc(b, '\\');
			buf_putc(b, *v);
		}
	}
}

/* Reports where the placeholder at `at` in s is. */
static int
subst_col(const document_subst *st, const char *s, const char *at, int col)
{
	if (st->col_fixed || col <= 0)
		return col > 0 ? col : 0;
	return col + (int)(at - s);
}

char *
document_substitute(const project *p, const char *s, int line, int col,
    document_subst *st, diag_set *ds)
{
	const char *q = s, *open;
	buf b;
	int changed = 0;

	if (!strstr(s, "{{"))
		return NULL;
	buf_init(&b);
	while ((open = strstr(q, "{{")) != NULL) {
		const char *n = open + 2, *name_start, *name_end, *close;
		while (*n == ' ' || *n == '\t')
			n++;
		name_start = n;
		while (isalnum((unsigned char)*n) || *n == '_' || *n == '.' ||
		    *n == '-')
			n++;
		name_end = n;
		while (*n == ' ' || *n == '\t')
			n++;
		close = n;
		if (name_end == name_start || strncmp(close, "}}", 2) != 0) {
			buf_putn(&b, q, (size_t)(open + 2 - q));
			q = open + 2;
			continue;
		}
		buf_putn(&b, q, (size_t)(open - q));
		{
			char *name = xstrndup(name_start,
			    (size_t)(name_end - name_start));
			const char *val = project_variable(p, name);
			size_t vlen = val ? strlen(val) : 0;
			if (val && vlen > st->budget) {
				if (!st->reported)
					diag_report(ds, R_OUTPUT_AMPLIFICATION, st->file,
					    line, subst_col(st, s, open, col),
					    "'{{%s}}' and the variables after it are "
					    "left as written: substituting them would "
					    "make this %s more than %zu bytes "
					    "larger", name, st->what, st->limit);
				st->reported = 1;
				buf_putn(&b, open, (size_t)(close + 2 - open));
			} else if (val) {
				if (st->markdown)
					put_markdown_text(&b, val);
				else
					buf_puts(&b, val);
				st->budget -= vlen;
				changed = 1;
			} else {
				diag_report(ds, R_VARIABLE_UNKNOWN, st->file, line,
				    subst_col(st, s, open, col),
				    "unknown variable '{{%s}}' (not in policyc.yaml "
				    "or its organisation)", name);
				buf_putn(&b, open, (size_t)(close + 2 - open));
			}
			free(name);
		}
		q = close + 2;
	}
	buf_puts(&b, q);
	if (!changed) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void
substitute_tree(const project *p, document *d, diag_set *ds)
{
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type ev;
	document_subst st;

	document_subst_init(&st, d->path, "document", d->source_len);

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		int line = cmark_node_get_start_line(n);
		int col = cmark_node_get_start_column(n);
		char *r;
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT) {
			r = document_substitute(p, cmark_node_get_literal(n), line,
			    col, &st, ds);
			if (r) {
				cmark_node_set_literal(n, r);
				free(r);
			}
		} else if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			const char *url = cmark_node_get_url(n);
			if (url &&
			    (r = document_substitute(p, url, line, col, &st, ds))) {
				cmark_node_set_url(n, r);
				free(r);
			}
		}
	}
	cmark_iter_free(it);
}

/* Takes out the guards tmplsyntax.c put into {% raw %} blocks, once the
 * variables are substituted. */
static void
unguard_tree(document *d)
{
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit = ev == CMARK_EVENT_ENTER ?
		    cmark_node_get_literal(n) : NULL;
		char *o, *w;
		if (!lit || !strchr(lit, TMPLSYNTAX_GUARD))
			continue;
		o = xstrdup(lit);
		for (w = o, lit = o; *lit; lit++)
			if (*lit != TMPLSYNTAX_GUARD)
				*w++ = *lit;
		*w = '\0';
		cmark_node_set_literal(n, o);
		free(o);
	}
	cmark_iter_free(it);
}

/* ---- headings ---- */

static void index_anchors(document *d);

/* "## Title {#custom}" (kramdown, Hugo, pandoc, MkDocs attribute lists):
 * the anchor is "custom" and the text "Title".  Takes the attribute list
 * off the heading's last text node and returns the id (caller frees), or
 * NULL when the heading has none. */
static char *
heading_attr_id(cmark_node *h)
{
	cmark_node *last = cmark_node_last_child(h);
	const char *lit, *open, *id, *e;
	size_t n;
	char *out, *trimmed;

	if (!last || cmark_node_get_type(last) != CMARK_NODE_TEXT ||
	    !(lit = cmark_node_get_literal(last)))
		return NULL;
	n = strlen(lit);
	while (n && (lit[n - 1] == ' ' || lit[n - 1] == '\t'))
		n--;
	if (!n || lit[n - 1] != '}' || !(open = strrchr(lit, '{')) ||
	    open[1] != '#')
		return NULL;
	for (id = e = open + 2; isalnum((unsigned char)*e) || *e == '-' ||
	    *e == '_' || *e == ':' || *e == '.'; e++)
		;
	if (e == id || (*e != '}' && *e != ' '))
		return NULL;
	out = xstrndup(id, (size_t)(e - id));
	while (open > lit && (open[-1] == ' ' || open[-1] == '\t'))
		open--;
	trimmed = xstrndup(lit, (size_t)(open - lit));
	cmark_node_set_literal(last, trimmed);
	free(trimmed);
	return out;
}

/* Heading anchors as GitHub's slugger makes them (slug.c); repeats are
 * numbered through a hash table, so equal headings stay linear. */
static void
collect_headings(document *d)
{
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type ev;
	slugger *sl = slugger_new();
	size_t cap = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		heading *h;
		char *custom;
		if (ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(n) == CMARK_NODE_IMAGE)
			d->nimages++;
		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(n) != CMARK_NODE_HEADING)
			continue;
		if (d->nheadings == cap) {
			cap = cap ? cap * 2 : 16;
			d->headings = xrealloc(d->headings, cap * sizeof *d->headings);
		}
		h = &d->headings[d->nheadings];
		h->level = cmark_node_get_heading_level(n);
		custom = heading_attr_id(n);
		h->text = node_text(n);
		h->line = cmark_node_get_start_line(n);
		h->node = n;
		h->slug = custom ? custom : slugger_next(sl, h->text);
		d->nheadings++;
	}
	cmark_iter_free(it);
	slugger_free(sl);
	index_anchors(d);
}

/* Anchors are looked up from every linking document, in parallel, so
 * the index is built once at load (a sorted array: read-only after) and
 * each lookup is a binary search, not a scan. */
static const document *sort_doc;   /* only during the qsort below */

static int
cmp_anchor(const void *a, const void *b)
{
	const document *d = sort_doc;
	int c = strcmp(d->headings[*(const size_t *)a].slug,
	    d->headings[*(const size_t *)b].slug);
	if (c)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static void
index_anchors(document *d)
{
	size_t i;
	d->anchor_order = xcalloc(d->nheadings ? d->nheadings : 1,
	    sizeof *d->anchor_order);
	for (i = 0; i < d->nheadings; i++)
		d->anchor_order[i] = i;
	/* qsort has no context argument: serialise the (rare, short) sorts */
	pthread_mutex_lock(&sort_lock);
	sort_doc = d;
	qsort(d->anchor_order, d->nheadings, sizeof *d->anchor_order,
	    cmp_anchor);
	sort_doc = NULL;
	pthread_mutex_unlock(&sort_lock);
}

const heading *
document_find_anchor(const document *d, const char *s)
{
	size_t lo = 0, hi = d->nheadings;

	if (!d->anchor_order)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const heading *h = &d->headings[d->anchor_order[mid]];
		int c = strcmp(h->slug, s);
		if (c == 0)
			return h;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
document_add_term_use(document *d, const char *slug, int line, int col,
    int kind)
{
	term_use *u;
	if (d->terms_frozen)
		return;
	if (d->nterms == d->terms_cap) {
		d->terms_cap = d->terms_cap ? d->terms_cap * 2 : 16;
		d->terms = xrealloc(d->terms, d->terms_cap * sizeof *d->terms);
	}
	u = &d->terms[d->nterms++];
	u->term_slug = xstrdup(slug);
	u->line = line;
	u->col = col;
	u->kind = kind;
}

/* ---- the whole document ---- */

static char *
title_from_path(const char *relpath)
{
	const char *base = strrchr(relpath, '/');
	char *t, *dot;
	size_t i;

	base = base ? base + 1 : relpath;
	if (strcmp(base, "index.md") == 0 && base != relpath) {
		/* the folder's name */
		const char *start = relpath, *q;
		for (q = relpath; q < base - 1; q++)
			if (*q == '/')
				start = q + 1;
		t = xstrndup(start, (size_t)(base - 1 - start));
	} else
		t = xstrdup(base);
	if ((dot = strrchr(t, '.')) && dot != t)
		*dot = '\0';
	for (i = 0; t[i]; i++)
		if (t[i] == '-' || t[i] == '_')
			t[i] = ' ';
	if (t[0])
		t[0] = (char)toupper((unsigned char)t[0]);
	return t;
}

/* Reads the file into d->source: symlinks followed, the result inside
 * the project and a regular file (the listing filters too; this holds for
 * every caller), UTF-8 (else repaired from Latin-1, reported). */
static void
read_source(const project *p, document *d, diag_set *ds)
{
	const char *path = d->path;
	char *abs = NULL;
	enum fsio_inside where = FSIO_INSIDE;
	size_t len, bad;
	struct stat st;
	struct timespec tick;
	long long before;

	/* the clock tick the file is read in, taken first: a change after
	 * the read stamps the file with this tick or a later one */
	clock_gettime(CLOCK_REALTIME_COARSE, &tick);
	before = (long long)tick.tv_sec * 1000000000LL + tick.tv_nsec;
	d->file_settled = 0;
	/* one openat2 vouches for the common case; two realpaths of a dozen
	 * syscalls each were 5 % of the parse stage */
	d->source = read_regular_fd_stat(fsio_open_read_beneath_at(
	    p->dir_fd1 - 1, p->dir, path), &d->source_len, &st);
	if (d->source) {
		document_file_of(&st, &d->file);
		d->file_settled = (size_t)st.st_size == d->source_len &&
		    d->file.mtime_ns < before && d->file.ctime_ns < before;
	}
	if (!d->source)
		where = fsio_resolve_inside(p->dir, path, FSIO_WANT_FILE, &abs);
	if (!d->source && where == FSIO_INSIDE)
		d->source = read_file(abs, &d->source_len);
	free(abs);
	if (!d->source && where != FSIO_INSIDE && where != FSIO_MISSING) {
		diag_report(ds, R_FILE_UNREADABLE, path, 0, 0, "cannot read: %s",
		    fsio_inside_reason(where));
		d->broken = 1;
		d->source = xstrdup("");
		d->source_len = 0;
	} else if (!d->source) {
		if (where == FSIO_MISSING)
			errno = ENOENT;
		diag_report(ds, R_FILE_UNREADABLE, path, 0, 0, "cannot read: %s",
		    errno == EINVAL ? "not a regular file" : strerror(errno));
		d->broken = 1;
		d->source = xstrdup("");
		d->source_len = 0;
	} else if (!utf8_valid(d->source, d->source_len, &bad)) {
		int line, col;
		char *fixed;
		line_col_of(d->source, bad, &line, &col);
		diag_report(ds, R_FILE_UNREADABLE, path, line, col,
		    "not UTF-8 text (byte 0x%02x); read as Latin-1 — save the "
		    "file as UTF-8", (unsigned char)d->source[bad]);
		d->file_settled = 0;
		fixed = latin1_repair(d->source, d->source_len, &len);
		free(d->source);
		d->source = fixed;
		d->source_len = len;
	}
	if (memchr(d->source, '\0', d->source_len)) {
		/* a NUL would cut strings short; cmark turns it into U+FFFD */
		diag_report(ds, R_FILE_UNREADABLE, path, 0, 0,
		    "file holds NUL bytes (is it binary?)");
		d->file_settled = 0;
	}
}

void
document_file_of(const struct stat *st, document_file *f)
{
	f->size = (long long)st->st_size;
	f->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL +
	    st->st_mtim.tv_nsec;
	f->ctime_ns = (long long)st->st_ctim.tv_sec * 1000000000LL +
	    st->st_ctim.tv_nsec;
	f->ino = (unsigned long long)st->st_ino;
	f->dev = (unsigned long long)st->st_dev;
}

/* The bytes of d's text before its body line, and their hash: what the
 * link world reads of the front matter (prelink.c), and what the build
 * cache keeps to read it again without the file. */
static void
set_front(document *d)
{
	size_t off = 0;
	int line = 1;
	incr_hash h;

	while (d->source && line < d->body_line && off < d->source_len) {
		const char *nl = memchr(d->source + off, '\n',
		    d->source_len - off);
		off = nl ? (size_t)(nl - d->source) + 1 : d->source_len;
		line++;
	}
	d->front_len = off;
	incr_hash_init(&h);
	if (!d->source)
		incr_hash_long(&h, -1);
	else {
		incr_hash_long(&h, (long)off);
		incr_hash_add(&h, d->source, off);
	}
	incr_hash_hex(&h, d->front_hash);
}

/* keys: in policyc.yaml renames another tool's front matter keys to
 * policyc's (name: -> title:) before they are read; a key the document
 * already has under policyc's name wins, and the other stays as written. */
static void
map_keys(const project *p, yval *m)
{
	size_t i;
	if (!p->keys)
		return;
	for (i = 0; i < p->keys->n; i++) {
		const char *ours = yval_str(p->keys->items[i]);
		int k = yval_key_index(m, p->keys->keys[i]);
		if (!ours || k < 0 || yval_key_index(m, ours) >= 0)
			continue;
		free(m->keys[k]);
		m->keys[k] = xstrdup(ours);
	}
}

/* A file that opens with "title: …" lines (comply, or front matter whose
 * opening '---' was lost) is read as body; say what it looks like. */
static void
hint_unfenced(document *d, diag_set *ds)
{
	const char *s = d->source, *e = s + d->source_len;
	int keys = 0, line = 1, first = 0;
	while (s < e && keys < 2) {
		const char *eol = memchr(s, '\n', (size_t)(e - s)), *q = s;
		if (!eol)
			eol = e;
		if (q < eol && (unsigned char)*q == 0xef && eol - q >= 3)
			q += 3;           /* BOM */
		if (q == eol || (*q == '\r' && q + 1 == eol)) {
			if (keys)
				break;
		} else if (islower((unsigned char)*q)) {
			const char *k = q;
			while (k < eol && (isalnum((unsigned char)*k) ||
			    *k == '_' || *k == '-'))
				k++;
			if (k < eol && *k == ':' && (k + 1 == eol ||
			    k[1] == ' ' || k[1] == '\r')) {
				if (!keys++)
					first = line;
			} else
				break;
		} else
			break;
		s = eol + 1;
		line++;
	}
	if (keys >= 2 || (keys == 1 && !strncmp(d->source, "title:", 6)))
		diag_report(ds, R_META_UNFENCED, d->path, first, 1,
		    "the file opens with 'key: value' lines but no '---' line "
		    "before them: they are read as text, not front matter "
		    "(add '---' as the first line, and after the last key)");
}

/* Parses the front matter block (if any) into d->meta and reads it into
 * the typed fields.  Returns 1 when the block itself is broken (then the
 * required-keys check stays quiet: the block is reported once).  record:
 * a load for the build cache, which keeps the parse (d->meta_record). */
static int
read_front_matter(const project *p, document *d, const frontmatter *fm,
    diag_set *ds, int record)
{
	int meta_broken = 0;

	if (fm->unterminated)
		diag_report(ds, R_YAML_SYNTAX, d->path, 1, 1,
		    "front matter opened with '---' is never closed with "
		    "'---' or '...'; reading the file as body");
	d->body_line = fm->body_line;
	if (fm->present) {
		yval_error err;
		yval *m;
		buf rec;
		/* taken by its stat: the cache's record of this very text,
		 * made again without libyaml (57,000 instructions a
		 * document, a sixth of a rebuild that changed nothing) */
		m = d->meta_record ? yval_from_record(d->meta_record) : NULL;
		if (d->meta_record && !m) {   /* unreadable: made again below */
			free(d->meta_record);
			d->meta_record = NULL;
		}
		if (!m && fm->toml) {
			/* +++ TOML +++ (Hugo): the subset front matter uses,
			 * turned into YAML line for line (toml.c) */
			char *y = toml_to_yaml(d->source + fm->yaml_start,
			    fm->yaml_len, fm->yaml_line, &err);
			m = y ? yval_parse(y, strlen(y), fm->yaml_line - 1,
			    &err) : NULL;
			free(y);
		} else if (!m)
			m = yval_parse(d->source + fm->yaml_start, fm->yaml_len,
			    fm->yaml_line - 1, &err);
		/* the record of it as parsed, for the build cache of a load
		 * that records (keys are mapped below, in the tree itself) */
		if (m && record && !d->meta_record) {
			buf_init(&rec);
			yval_record(m, &rec);
			d->meta_record = buf_detach(&rec);
		}
		if (!m) {
			diag_report(ds, R_YAML_SYNTAX, d->path, err.line, err.col,
			    "front matter: %s", err.message);
			meta_broken = 1;
		}
		else if (m->kind == YV_NULL)
			yval_free(m);
		else if (m->kind != YV_MAP) {
			diag_report(ds, R_META_INVALID, d->path, m->line, m->col,
			    "front matter must be a map of keys, not a %s",
			    yval_kind_name(m->kind));
			yval_free(m);
			meta_broken = 1;
		} else {
			d->meta = m;
			map_keys(p, m);
		}
	}
	meta_read(p, d, ds);
	return meta_broken;
}

/* The id (id: when it is safe, else the path) and the section: the
 * folder the file sits in (an index.md heads its own folder's section),
 * whatever id: says. */
static void
set_id_and_section(document *d, diag_set *ds)
{
	const char *idv, *base = strrchr(d->relpath, '/');
	char *pid, *slash;

	if ((idv = meta_id(d)) != NULL) {
		if (document_id_safe(idv))
			d->id = xstrdup(idv);
		else
			diag_report(ds, R_ID_INVALID, d->path, d->id_line,
			    d->id_col, "id '%s' would leave the output folder; "
			    "using the file's path instead", idv);
	}
	if (!d->id)
		d->id = document_id_from_relpath(d->relpath);
	pid = document_id_from_relpath(d->relpath);
	if (base && (!strcmp(base + 1, "index.md") ||
	    !strcmp(base + 1, "_index.md") ||
	    !strcmp(base + 1, "index.markdown")))
		d->section = pid;
	else {
		slash = strrchr(pid, '/');
		d->section = slash ? xstrndup(pid, (size_t)(slash - pid)) :
		    xstrdup("");
		free(pid);
	}
}

/* Parses the body with cmark-gfm: front matter lines become blank lines
 * so cmark's line numbers are the file's.  One parse at a time: the
 * extensions' tables are global. */
static void
parse_body(const project *p, document *d, const frontmatter *fm,
    diag_set *ds, int share)
{
	char *body = xmalloc(d->source_len + 1), *plain;
	size_t len = 0, i, plen;
	cmark_parser *parser;

	for (i = 0; i < (size_t)(fm->body_line - 1); i++)
		body[len++] = '\n';
	memcpy(body + len, d->source + fm->body_start,
	    d->source_len - fm->body_start);
	len += d->source_len - fm->body_start;
	/* another tool's template syntax goes before cmark sees it */
	if ((plain = tmplsyntax_strip(p, body, len, 1, d->path, d->relpath,
	    ds, &plen)) != NULL) {
		free(body);
		body = plain;
		len = plen;
	}
	/* editions built in one run share one parse of the same text */
	if (!share || (d->root = docshare_get(body, len)) == NULL) {
		int one_at_a_time = !cmarkmt_parallel();
		if (one_at_a_time)
			pthread_mutex_lock(&parser_lock);
		parser = cmarkmt_parser();
		cmark_parser_feed(parser, body, len);
		d->root = cmark_parser_finish(parser);
		cmark_parser_free(parser);
		if (one_at_a_time)
			pthread_mutex_unlock(&parser_lock);
		if (share)
			docshare_put(body, len, d->root);
	}
	free(body);
}

/* The title: front matter, else the first heading, else the file name;
 * a leading h1 that says the title is marked so back ends skip it. */
/* The body's tree as the passes after the load find it: parsed, its
 * nesting bounded, adjacent text merged, variables put in, template
 * guards taken out.  share: editions may share one parse (docshare.c);
 * not for a tree made again (document_reparse). */
static void
body_tree(const project *p, document *d, const frontmatter *fm,
    diag_set *ds, int share)
{
	parse_body(p, d, fm, ds, share);
	bound_nesting(d, ds);
	cmark_consolidate_text_nodes(d->root);
	substitute_tree(p, d, ds);
	if (memchr(d->source, '{', d->source_len))
		unguard_tree(d);
}

/* A leading h1 that says the title is marked so back ends skip it
 * (with no title yet, the first heading is the title). */
static void
find_title_node(document *d)
{
	cmark_node *first = d->root ? cmark_node_first_child(d->root) : NULL;
	if (first && cmark_node_get_type(first) == CMARK_NODE_HEADING &&
	    cmark_node_get_heading_level(first) == 1 && d->nheadings) {
		if (!d->title || str_ieq(d->title, d->headings[0].text))
			d->title_node = first;
	}
}

static void
set_title(document *d)
{
	find_title_node(d);
	if (!d->title && d->nheadings) {
		d->title = xstrdup(d->headings[0].text);
		d->title_line = d->headings[0].line;
	}
	if (!d->title)
		d->title = title_from_path(d->relpath);
}

/* The build cache's trust (document_trust): 1 when the file at path is,
 * by its stat now, the one the cache recorded; d then holds the bytes
 * before its body line as its text (load reads its front matter from
 * them), with the whole text's hash and length to set once it has. */
static int
take_trusted(const project *p, document *d, document_trust trust,
    void *ctx, size_t *whole)
{
	struct stat st;
	document_file now;
	char hash[33], *front = NULL;
	size_t front_len = 0;
	const char *record = NULL, *meta = NULL;

	if (!trust || !p->dir_fd1 ||
	    fstatat(p->dir_fd1 - 1, d->path, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	document_file_of(&st, &now);
	if (!trust(ctx, d->path, &now, hash, whole, &front, &front_len,
	    &record, &meta))
		return 0;
	d->source = front;
	d->source_len = front_len;
	memcpy(d->source_hash, hash, sizeof hash);
	d->file = now;
	d->file_settled = 1;
	d->front_record = xstrdup(record);
	d->meta_record = meta ? xstrdup(meta) : NULL;
	d->trusted = 1;
	return 1;
}

/* source: the text already read (editions: a core document, or one
 * merged with its overlay; owned from here on), else NULL to read path.
 * record: what the body's parse reports is kept in d->parse_found (and
 * memo, when given, may spare the parse: document_load_memo). */
static document *
load(const project *p, const char *path, const char *relpath,
    char *source, size_t len, diag_set *ds, int record,
    document_body_memo memo, document_trust trust, void *memo_ctx)
{
	document *d = xcalloc(1, sizeof *d);
	frontmatter fm;
	int meta_broken;
	size_t whole = 0;

	d->path = xstrdup(path);
	d->relpath = xstrdup(relpath);
	if (source) {
		d->source = source;
		d->source_len = len;
	} else if (record && memo && take_trusted(p, d, trust, memo_ctx,
	    &whole)) {
		/* the body is the cache's: memo must give it, or the text
		 * is read after all, before anything is reported */
		if (!memo(memo_ctx, d)) {
			free(d->source);
			d->source = NULL;
			free(d->front_record);
			d->front_record = NULL;
			free(d->meta_record);
			d->meta_record = NULL;
			d->trusted = 0;
			d->source_hash[0] = '\0';
			read_source(p, d, ds);
		}
	} else
		read_source(p, d, ds);
	/* audience blocks an edition leaves out (profile.c) */
	d->source_len = profile_text_blocks(p, d->source, d->source_len,
	    &d->profiled, &d->nprofiled);
	frontmatter_split(d->source, d->source_len, &fm);
	meta_broken = read_front_matter(p, d, &fm, ds, record);
	set_front(d);
	d->front_fenced = fm.present && !fm.unterminated;
	set_id_and_section(d, ds);
	if (!fm.present && !fm.unterminated)
		hint_unfenced(d, ds);
	if (d->trusted) {
		/* its body given by memo above; the text is read again
		 * only for a stage that needs it (document_read_again) */
		d->tree_deferred = 1;
		index_anchors(d);
		set_title(d);
		diag_merge(ds, d->parse_found);
		free(d->source);
		d->source = NULL;
		d->source_len = whole;
		d->source_dropped = 1;
	} else if (record && memo && !d->broken && memo(memo_ctx, d)) {
		/* the cache's: the tree is made when a stage reads it */
		d->tree_deferred = 1;
		index_anchors(d);
		set_title(d);
		diag_merge(ds, d->parse_found);
	} else if (record) {
		d->parse_found = diag_new_like(ds);
		body_tree(p, d, &fm, d->parse_found, 1);
		collect_headings(d);
		set_title(d);
		diag_merge(ds, d->parse_found);
	} else {
		body_tree(p, d, &fm, ds, 1);
		collect_headings(d);
		set_title(d);
	}
	if (!d->type)
		d->type = xstrdup("");
	if (!d->status)
		d->status = xstrdup("active");
	/* a broken front matter block is reported once, as itself */
	if (!meta_broken)
		meta_check_required(p, d, ds);
	return d;
}

document *
document_load(const project *p, const char *path, const char *relpath,
    diag_set *ds)
{
	return load(p, path, relpath, NULL, 0, ds, 0, NULL, NULL, NULL);
}

document *
document_load_memo(const project *p, const char *path, const char *relpath,
    diag_set *ds, document_body_memo memo, document_trust trust, void *ctx)
{
	return load(p, path, relpath, NULL, 0, ds, 1, memo, trust, ctx);
}

document *
document_load_source(const project *p, const char *path,
    const char *relpath, char *source, size_t len, diag_set *ds)
{
	return load(p, path, relpath, source, len, ds, 0, NULL, NULL, NULL);
}

void
document_drop_tree(document *d)
{
	if (d->root)
		cmark_node_free(d->root);
	d->root = NULL;
	d->title_node = NULL;
	for (size_t h = 0; h < d->nheadings; h++)
		d->headings[h].node = NULL;
	for (int k = 0; k < 3; k++) {
		free(d->filter_nodes[k]);
		d->filter_nodes[k] = NULL;
		d->nfilter_nodes[k] = 0;
	}
	d->settled = 0;
	if (d->source_dropped) {   /* bounded: the text goes with its tree */
		free(d->source);
		d->source = NULL;
	}
}

void
document_drop_source(document *d)
{
	if (!d->source || d->broken)
		return;
	free(d->source);
	d->source = NULL;
	d->source_dropped = 1;
}

/* The text read again when the file holds just the bytes loaded (its
 * length is known): an open, one read and a close.  On this VM a kernel
 * entry is dear, and read_source's way (the folder opened, openat2, a
 * stat, reads until one returns nothing) made the filters of a bounded
 * build of 10,000 documents half as slow again.  0, or -1 for
 * read_source to do it: a file that is longer or shorter now, was
 * repaired or profiled at the load, or cannot be opened so. */
static int
read_known_length(const project *p, document *d)
{
	char *path = path_join(p->dir, d->path), *m;
	size_t want = d->source_len, len = 0, bad;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	free(path);
	if (fd < 0 || want >= SIZE_MAX / 2) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	m = xmalloc(want + 2);
	/* one byte more than loaded: a short read of a regular file is its
	 * end, so a file of the same length takes one read */
	for (;;) {
		size_t ask = want + 1 - len;
		n = read(fd, m + len, ask);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if ((size_t)n < ask || len > want)
			break;
	}
	close(fd);
	if (len != want || !utf8_valid(m, len, &bad)) {
		free(m);
		return -1;
	}
	m[len] = '\0';
	d->source = m;
	return 0;
}

int
document_read_again(const project *p, document *d, diag_set *ds)
{
	int broken = d->broken;

	if (d->source || !d->source_dropped)
		return 0;
	/* the hash the caller checks vouches for what either way read */
	if (read_known_length(p, d) != 0)
		read_source(p, d, ds);
	/* unreadable now: an empty text, which the caller's check finds
	 * is not the one loaded; the document is still the one loaded
	 * (written only when read_source changed it: the cache's records
	 * may be read beside, html.c) */
	if (d->broken != broken)
		d->broken = broken;
	d->source_len = profile_text(p, d->source, d->source_len, NULL);
	return 1;
}

void
document_reparse(const project *p, document *d, diag_set *ds)
{
	frontmatter fm;
	cmark_iter *it;
	cmark_event_type ev;
	size_t h = 0;

	if (d->root || d->broken || !d->source)
		return;
	frontmatter_split(d->source, d->source_len, &fm);
	body_tree(p, d, &fm, ds, 0);
	/* the headings, in the order collect_headings found them: their
	 * texts and anchors are kept from the load, only the nodes are new
	 * (and each "{#custom}" comes off its heading again) */
	it = cmark_iter_new(d->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(n) != CMARK_NODE_HEADING)
			continue;
		free(heading_attr_id(n));
		if (h < d->nheadings)
			d->headings[h++].node = n;
	}
	cmark_iter_free(it);
	find_title_node(d);
}

void
document_free(document *d)
{
	size_t i;
	if (!d)
		return;
	prelink_free(d->prelink);
	diag_free(d->link_found);
	link_deps_free(d->link_deps);
	diag_free(d->parse_found);
	profile_blocks_free(d->profiled, d->nprofiled);
	for (i = 0; i < d->nheadings; i++) {
		free(d->headings[i].text);
		free(d->headings[i].slug);
	}
	for (i = 0; i < d->nterms; i++)
		free(d->terms[i].term_slug);
	free(d->terms);
	for (i = 0; i < d->nassets; i++)
		free(d->assets[i].file);
	free(d->assets);
	document_drop_tree(d);
	free(d->headings);
	free(d->anchor_order);
	meta_free_fields(d);
	yval_free(d->meta);
	free(d->path);
	free(d->relpath);
	free(d->id);
	free(d->section);
	free(d->title);
	free(d->type);
	free(d->status);
	free(d->review);
	free(d->approved);
	free(d->source);
	free(d->front_record);
	free(d->meta_record);
	free(d);
}
