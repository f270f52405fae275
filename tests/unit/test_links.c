/*
 * test_links.c — unit tests of the link pass (links.c) on small projects
 * written to a temporary folder: every link form gets the right link_info,
 * [[wiki]] text becomes link nodes, auto-linking obeys first/all/none and
 * never touches headings, links or code, term uses carry their lines, the
 * text around inserted links is kept, and the pass gives the same graph on
 * one thread and on several; the URL policy makes refused links and
 * images LINK_UNSAFE; images inside the project are assets with their
 * project-relative file; no term link lands inside a link.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus.h"
#include "document.h"
#include "links.h"
#include "pipeline.h"
#include "standby.h"
#include "util.h"
#include "xmldump.h"
#include "xmlout.h"
#include "harness.h"

typedef struct {
	char dir[64];
	diag_set *ds;
	pipeline *pl;
	corpus *c;
} fixture;

static void
write_file(const char *dir, const char *rel, const char *text)
{
	char *path = path_join(dir, rel);
	/* make parent folders */
	for (char *s = strchr(path + strlen(dir) + 1, '/'); s;
	    s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	free(path);
}

#define FM(title) "---\ntitle: " title "\nowner: T\nreview: 2030-01-01\n---\n\n"

static const char *GLOSS =
    "- term: Local Authority Designated Officer\n"
    "  abbr: LADO\n"
    "  definition: Officer.\n"
    "- term: Section 47\n"
    "  definition: S47.\n"
    "- term: Section 47 enquiry\n"
    "  definition: An enquiry.\n"
    "- term: neglect\n"
    "  definition: Neglect.\n";

/* Writes policyc.yaml (with a glossary-links mode), the glossary and the
 * given documents (pairs of relpath, text; NULL ends), then loads and
 * resolves them with `jobs` threads. */
static void
setup(fixture *f, const char *mode, int jobs, const char *const *docs)
{
	pipeline_options po;

	strcpy(f->dir, "/tmp/policyc-links-XXXXXX");
	CHECK(mkdtemp(f->dir) != NULL);
	char *cfg = xasprintf("title: T\nglossary-links: %s\n", mode);
	write_file(f->dir, "policyc.yaml", cfg);
	free(cfg);
	write_file(f->dir, "glossary.yaml", GLOSS);
	for (size_t i = 0; docs[2 * i]; i++) {
		char *rel = xasprintf("policies/%s", docs[2 * i]);
		write_file(f->dir, rel, docs[2 * i + 1]);
		free(rel);
	}
	f->ds = diag_new();
	memset(&po, 0, sizeof po);
	po.dir = f->dir;
	po.jobs = jobs;
	f->pl = pipeline_open(&po, f->ds);
	CHECK(pipeline_link(f->pl) == PIPELINE_OK);
	f->c = pipeline_corpus(f->pl);
}

static void
teardown(fixture *f)
{
	pipeline_free(f->pl);
	diag_free(f->ds);
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		unit_fail(__FILE__, __LINE__, "cannot remove the fixture");
	free(cmd);
}

static document *
doc(fixture *f, const char *id)
{
	long i = corpus_find_id(f->c, id);
	CHECK(i >= 0);
	return i >= 0 ? f->c->docs[i] : NULL;
}

/* The i-th link node of a document (document order). */
static cmark_node *
nth_link(document *d, int want)
{
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type e;
	cmark_node *found = NULL;
	int k = 0;
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (e == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(n) == CMARK_NODE_LINK && k++ == want) {
			found = n;
			break;
		}
	}
	cmark_iter_free(it);
	return found;
}

static int
count_rule(diag_set *ds, const char *rule)
{
	int n = 0;
	for (size_t i = 0; i < diag_count(ds); i++)
		n += !strcmp(diag_at(ds, i)->rule, rule);
	return n;
}

/* Body rendered back to CommonMark, to see the text is intact. */
static char *
render(document *d)
{
	return cmark_render_commonmark(d->root, CMARK_OPT_DEFAULT, 0);
}

UNIT_TEST(links_kinds)
{
	static const char *const docs[] = {
		"a/one.md", FM("One")
		    "## Scope & Aims\n\n"
		    "[two](../b/two.md#part-2) [self](#scope--aims) "
		    "[ph](#) [LADO](#) [t](glossary:neglect) "
		    "[x](https://example.org) [gone](nope.md) "
		    "[[b/two]] [[Two|text]]\n",
		"b/two.md", FM("Two") "## Part 2\n\nBack to [one](../a/one.md).\n",
		NULL
	};
	fixture f;
	setup(&f, "first", 1, docs);
	document *d = doc(&f, "a/one");
	static const link_kind want[] = { LINK_DOCUMENT, LINK_ANCHOR,
	    LINK_PLACEHOLDER, LINK_TERM, LINK_TERM, LINK_EXTERNAL,
	    LINK_BROKEN, LINK_DOCUMENT, LINK_DOCUMENT };
	for (int i = 0; i < 9; i++) {
		cmark_node *n = nth_link(d, i);
		CHECK(n != NULL);
		if (!n)
			continue;
		link_info *li = cmark_node_get_user_data(n);
		CHECK(li != NULL);
		if (li)
			CHECK_INT(li->kind, want[i]);
	}
	link_info *li = cmark_node_get_user_data(nth_link(d, 0));
	CHECK_STR(li->target_id, "b/two");
	CHECK_STR(li->anchor, "part-2");
	CHECK_INT(li->line, 9);
	CHECK_INT(li->col, 1);
	li = cmark_node_get_user_data(nth_link(d, 8));
	CHECK(li->wiki);
	CHECK_STR(li->target_id, "b/two");
	CHECK_STR(cmark_node_get_literal(cmark_node_first_child(nth_link(d, 8))),
	    "text");
	CHECK_STR(cmark_node_get_literal(cmark_node_first_child(nth_link(d, 7))),
	    "Two");
	CHECK_INT(count_rule(f.ds, "link-placeholder"), 1);
	CHECK_INT(count_rule(f.ds, "link-broken"), 1);
	/* graph: one link edge per pair, both ways here */
	int ab = 0, ba = 0;
	for (size_t i = 0; i < f.c->nedges; i++) {
		const edge *e = &f.c->edges[i];
		if (e->kind != EDGE_LINK)
			continue;
		ab += !strcmp(f.c->docs[e->from]->id, "a/one");
		ba += !strcmp(f.c->docs[e->from]->id, "b/two");
	}
	CHECK_INT(ab, 1);
	CHECK_INT(ba, 1);
	teardown(&f);
}

static int
count_auto(document *d, int *in_heading)
{
	int n = 0;
	*in_heading = 0;
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type e;
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it);
		if (e != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(nd) != CMARK_NODE_LINK)
			continue;
		link_info *li = cmark_node_get_user_data(nd);
		if (li && li->kind == LINK_TERM && !li->from_source) {
			n++;
			for (cmark_node *p = cmark_node_parent(nd); p;
			    p = cmark_node_parent(p))
				if (cmark_node_get_type(p) == CMARK_NODE_HEADING ||
				    cmark_node_get_type(p) == CMARK_NODE_LINK)
					(*in_heading)++;
		}
	}
	cmark_iter_free(it);
	return n;
}

static const char *const MODE_DOCS[] = {
	"m.md", FM("M")
	    "# LADO heading\n\n"
	    "The LADO and the LADO, a Section 47\n"
	    "enquiry and neglect; `LADO` and [the LADO](https://x.org).\n\n"
	    "Again neglect and the LADO’s view.\n",
	NULL
};

UNIT_TEST(links_autolink_all)
{
	fixture f;
	setup(&f, "all", 1, MODE_DOCS);
	document *d = doc(&f, "m");
	int bad;
	CHECK_INT(count_auto(d, &bad), 6);
	CHECK_INT(bad, 0);
	/* uses: 3 LADO + 1 S47 enquiry + 2 neglect, with lines */
	CHECK_INT(d->nterms, 6);
	int l12 = 0, l13 = 0, l15 = 0;
	for (size_t i = 0; i < d->nterms; i++) {
		l12 += d->terms[i].line == 9;
		l13 += d->terms[i].line == 10;
		l15 += d->terms[i].line == 12;
		CHECK_INT(d->terms[i].kind, 0);
	}
	CHECK_INT(l12, 3);   /* two LADO and the Section 47 enquiry start */
	CHECK_INT(l13, 1);
	CHECK_INT(l15, 2);
	char *md = render(d);
	CHECK(strstr(md, "[Section 47 enquiry](glossary:section-47-enquiry)") != NULL);
	CHECK(strstr(md, "The [LADO](glossary:local-authority-designated-officer) and the [LADO]") != NULL);
	CHECK(strstr(md, "`LADO` and [the LADO](https://x.org)") != NULL);
	CHECK(strstr(md, "# LADO heading") != NULL);
	CHECK(strstr(md, "officer)\xe2\x80\x99s view") != NULL);
	free(md);
	teardown(&f);
}

UNIT_TEST(links_autolink_first_and_none)
{
	fixture f;
	setup(&f, "first", 1, MODE_DOCS);
	document *d = doc(&f, "m");
	int bad;
	CHECK_INT(count_auto(d, &bad), 3);   /* LADO, S47 enquiry, neglect */
	CHECK_INT(d->nterms, 6);             /* every use still recorded */
	char *md = render(d);
	CHECK(strstr(md, "The [LADO](glossary:local-authority-designated-officer) and the LADO,") != NULL);
	free(md);
	teardown(&f);

	setup(&f, "none", 1, MODE_DOCS);
	d = doc(&f, "m");
	CHECK_INT(count_auto(d, &bad), 0);
	CHECK_INT(d->nterms, 6);
	CHECK_INT(count_rule(f.ds, "term-unused"), 1);  /* Section 47 */
	teardown(&f);
}

UNIT_TEST(links_threads_same_graph)
{
	static const char *const docs[] = {
		"a.md", FM("A") "[b](b.md) [c](c.md) [[d]] neglect\n",
		"b.md", FM("B") "[c](c.md) [a](a.md) LADO\n",
		"c.md", FM("C") "[d](d.md) [[A]]\n",
		"d.md", FM("D") "[a](a.md#nope) [b](b.md)\n",
		"e.md", FM("E") "[[a]] [[b]] [[c]] [[d]]\n",
		NULL
	};
	fixture f1, f4;
	setup(&f1, "first", 1, docs);
	setup(&f4, "first", 4, docs);
	CHECK_INT(f1.c->nedges, f4.c->nedges);
	int same = f1.c->nedges == f4.c->nedges;
	for (size_t i = 0; same && i < f1.c->nedges; i++)
		same = f1.c->edges[i].from == f4.c->edges[i].from &&
		    f1.c->edges[i].to == f4.c->edges[i].to &&
		    f1.c->edges[i].kind == f4.c->edges[i].kind &&
		    f1.c->edges[i].line == f4.c->edges[i].line;
	CHECK(same);
	CHECK_INT(diag_count(f1.ds), diag_count(f4.ds));
	CHECK_INT(count_rule(f4.ds, "link-broken"), 1);
	teardown(&f1);
	teardown(&f4);
}

/* The i-th image node of a document. */
static cmark_node *
nth_image(document *d, int want)
{
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type e;
	cmark_node *found = NULL;
	int k = 0;
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (e == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(n) == CMARK_NODE_IMAGE && k++ == want) {
			found = n;
			break;
		}
	}
	cmark_iter_free(it);
	return found;
}

static link_kind
kind_of(cmark_node *n)
{
	link_info *li = n ? cmark_node_get_user_data(n) : NULL;
	return li ? li->kind : LINK_UNRESOLVED;
}

UNIT_TEST(links_url_policy)
{
	static const char *const docs[] = {
		"u.md", FM("U")
		    "[a](javascript:alert(1)) [b](java&#x09;script:x) "
		    "[c](%6Aavascript:x) [d](data:text/html,x) "
		    "[e](https://example.org) [f](mailto:a@b.example) "
		    "[g](glossary:LADO)\n\n"
		    "![a](javascript:x) ![b](data:image/png;base64,iVBO) "
		    "![c](data:image/svg+xml,x) ![d](https://e.org/a.png) "
		    "![e](mailto:a@b.example)\n",
		NULL
	};
	fixture f;
	setup(&f, "first", 1, docs);
	document *d = doc(&f, "u");
	static const link_kind lk[] = { LINK_UNSAFE, LINK_UNSAFE, LINK_UNSAFE,
	    LINK_UNSAFE, LINK_EXTERNAL, LINK_EXTERNAL, LINK_TERM };
	for (int i = 0; i < 7; i++)
		CHECK_INT(kind_of(nth_link(d, i)), lk[i]);
	static const link_kind ik[] = { LINK_UNSAFE, LINK_EXTERNAL,
	    LINK_UNSAFE, LINK_EXTERNAL, LINK_UNSAFE };
	for (int i = 0; i < 5; i++)
		CHECK_INT(kind_of(nth_image(d, i)), ik[i]);
	CHECK_INT(count_rule(f.ds, "link-unsafe"), 7);
	CHECK_INT(count_rule(f.ds, "link-broken"), 0);
	teardown(&f);
}

UNIT_TEST(links_images_inside_project)
{
	static const char *const docs[] = {
		"sub/i.md", FM("I")
		    "![a](pic.png) ![b](../../assets/x.png) ![c](none.png) "
		    "![d](../../../x.png) ![e](pic.png?v=1)\n",
		NULL
	};
	/* the image files exist before the pass runs */
	fixture f;
	strcpy(f.dir, "/tmp/policyc-links-XXXXXX");
	CHECK(mkdtemp(f.dir) != NULL);
	write_file(f.dir, "policyc.yaml", "title: T\n");
	write_file(f.dir, "policies/sub/pic.png", "png");
	write_file(f.dir, "assets/x.png", "png");
	write_file(f.dir, "policies/sub/i.md", docs[1]);
	f.ds = diag_new();
	pipeline_options po;
	memset(&po, 0, sizeof po);
	po.dir = f.dir;
	po.jobs = 1;
	f.pl = pipeline_open(&po, f.ds);
	CHECK(pipeline_link(f.pl) == PIPELINE_OK);
	f.c = pipeline_corpus(f.pl);
	document *d = doc(&f, "sub/i");
	static const link_kind ik[] = { LINK_ASSET, LINK_ASSET, LINK_BROKEN,
	    LINK_BROKEN, LINK_ASSET };
	for (int i = 0; i < 5; i++)
		CHECK_INT(kind_of(nth_image(d, i)), ik[i]);
	link_info *li = cmark_node_get_user_data(nth_image(d, 0));
	CHECK_STR(li->file, "policies/sub/pic.png");
	li = cmark_node_get_user_data(nth_image(d, 1));
	CHECK_STR(li->file, "assets/x.png");
	li = cmark_node_get_user_data(nth_image(d, 2));
	CHECK(li->file == NULL);
	CHECK_INT(count_rule(f.ds, "link-broken"), 2);
	teardown(&f);
}

UNIT_TEST(links_no_term_inside_a_link)
{
	static const char *const docs[] = {
		"n.md", FM("N")
		    "![](https://e.org/a.png) [](https://e.org) Tell the "
		    "[LADO](#) and [the LADO page](https://e.org/l) about "
		    "neglect.\n",
		NULL
	};
	fixture f;
	setup(&f, "all", 1, docs);
	int bad;
	int n = count_auto(doc(&f, "n"), &bad);
	CHECK_INT(n, 1);          /* neglect */
	CHECK_INT(bad, 0);
	teardown(&f);
}

/* Every link node's link_info, in document order, as one string. */
static char *
link_facts(document *d)
{
	buf b;
	cmark_iter *it = cmark_iter_new(d->root);
	cmark_event_type e;

	buf_init(&b);
	while ((e = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		link_info *li;
		if (e != CMARK_EVENT_ENTER ||
		    (cmark_node_get_type(n) != CMARK_NODE_LINK &&
		    cmark_node_get_type(n) != CMARK_NODE_IMAGE))
			continue;
		li = cmark_node_get_user_data(n);
		if (!li) {
			buf_puts(&b, "(none)\n");
			continue;
		}
		char *line = xasprintf("%d %s %s %s %s %s %d %d %d %d\n",
		    (int)li->kind, li->target_id ? li->target_id : "-",
		    li->anchor ? li->anchor : "-",
		    li->term_slug ? li->term_slug : "-",
		    li->href ? li->href : "-", li->file ? li->file : "-",
		    li->from_source, li->wiki, li->line, li->col);
		buf_puts(&b, line);
		free(line);
	}
	cmark_iter_free(it);
	return buf_detach(&b);
}

/* A bounded build's tree made again (document_reparse, then
 * links_replay) is the tree the load and the link pass left: the same
 * body, the same link_info on every link, the headings and the title
 * node pointing into it; and nothing is recorded twice (no diagnostic,
 * term use or asset). */
UNIT_TEST(links_replay_makes_the_same_tree)
{
	static const char *const docs[] = {
		"a/one.md", FM("One")
		    "# One\n\n"
		    "The LADO and a Section 47 enquiry, then neglect.\n\n"
		    "## Scope {#the-scope}\n\n"
		    "[two](../b/two.md#part-2) [self](#the-scope) [ph](#) "
		    "[t](glossary:neglect) [gone](nope.md) [[b/two]] "
		    "[[Two|text]] ![dot](../img/dot.svg)\n",
		"b/two.md", FM("Two") "## Part 2\n\nBack to [one](../a/one.md)"
		    " about the LADO.\n",
		"img/dot.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		    "width=\"1\" height=\"1\"/>\n",
		NULL
	};
	fixture f;
	setup(&f, "all", 2, docs);
	links_replayer *r = links_replayer_new(f.c, f.ds);
	diag_set *quiet = diag_new_quiet(f.ds);
	size_t ndiags = diag_count(f.ds);

	for (size_t i = 0; i < f.c->ndocs; i++) {
		document *d = f.c->docs[i];
		char *body = render(d), *facts = link_facts(d);
		size_t nterms = d->nterms, nassets = d->nassets;
		int titled = d->title_node != NULL;

		document_drop_tree(d);
		CHECK(d->root == NULL);
		document_reparse(pipeline_project(f.pl), d, quiet);
		links_replay(r, i);
		char *body2 = render(d), *facts2 = link_facts(d);
		CHECK_STR(body2, body);
		CHECK_STR(facts2, facts);
		CHECK_INT(d->nterms, nterms);
		CHECK_INT(d->nassets, nassets);
		CHECK_INT(d->title_node != NULL, titled);
		for (size_t h = 0; h < d->nheadings; h++)
			CHECK(d->headings[h].node != NULL &&
			    cmark_node_parent(d->headings[h].node) != NULL);
		free(body);
		free(facts);
		free(body2);
		free(facts2);
	}
	CHECK_INT(diag_count(f.ds), ndiags);
	CHECK_INT(diag_count(quiet), 0);
	/* the pass recorded what it found the first time */
	CHECK(doc(&f, "a/one")->nterms > 0);
	CHECK_INT(doc(&f, "a/one")->nassets, 1);
	CHECK(count_rule(f.ds, "link-broken") == 1);
	diag_free(quiet);
	links_replayer_free(r);
	teardown(&f);
}

/* A bounded build holds no document's text between stages either: it is
 * read again with each tree, and a file that changed after the load is
 * an error (the build must not publish pages of two versions), not a
 * tree of the new text under the old text's index. */
UNIT_TEST(bounded_texts_are_read_again_and_checked)
{
	static const char *const docs[] = {
		"a/one.md", FM("One") "# One\n\nSee [two](../b/two.md#part-2)"
		    " about the LADO.\n",
		"b/two.md", FM("Two") "## Part 2\n\nBack to [one](../a/one.md)."
		    "\n",
		NULL
	};
	fixture f;

	setenv("POLICYC_BOUNDED", "1", 1);
	setup(&f, "all", 2, docs);
	unsetenv("POLICYC_BOUNDED");
	/* linked: every text read again for its tree, and dropped again */
	for (size_t i = 0; i < f.c->ndocs; i++) {
		CHECK(f.c->docs[i]->source_dropped);
		CHECK(f.c->docs[i]->source == NULL);
		CHECK(f.c->docs[i]->root == NULL);
	}
	CHECK_INT(count_rule(f.ds, "link-broken"), 0);
	/* a text read alone (govern.c, history.c) */
	size_t k = (size_t)corpus_find_id(f.c, "b/two");
	int read = corpus_source_need(f.c, k);
	CHECK(read);
	CHECK(f.c->docs[k]->source &&
	    strstr(f.c->docs[k]->source, "## Part 2") != NULL);
	corpus_source_done(f.c, k, read);
	CHECK(f.c->docs[k]->source == NULL);
	CHECK_INT(pipeline_changed_file(f.pl), 0);
	/* saved again between two stages: the model reads it again */
	write_file(f.dir, "policies/b/two.md", FM("Two") "## Part 3\n\nNew.\n");
	CHECK(pipeline_model(f.pl) == PIPELINE_OK);
	CHECK_INT(pipeline_changed_file(f.pl), 1);
	CHECK_INT(count_rule(f.ds, "file-unreadable"), 1);
	CHECK_INT(pipeline_changed_file(f.pl), 1);   /* said once */
	CHECK_INT(count_rule(f.ds, "file-unreadable"), 1);
	teardown(&f);
}

static int
gather(void *ctx, const char *data, size_t n)
{
	buf_putn(ctx, data, n);
	return 0;
}

/* A lean corpus tree (xmlout.h) written with its parts is the whole
 * tree's bytes, and so is the lean tree filled in: graph, diagnostics,
 * and a term used by more documents than the lean tree holds. */
UNIT_TEST(lean_corpus_tree_is_the_whole_one)
{
	enum { NDOCS = GLOSSARY_USES_HELD + 7 };
	const char *docs[2 * NDOCS + 1];
	char *owned[2 * NDOCS];
	fixture f;
	diag_set *rest;
	xmlDocPtr whole, lean;
	xmlout_parts *p;
	size_t nw, nl, i;
	char *sw, *sl;
	buf b;

	for (i = 0; i < NDOCS; i++) {
		owned[2 * i] = xasprintf("d/doc%03zu.md", i);
		owned[2 * i + 1] = xasprintf(FM("Doc %zu <&>") "Tell the LADO; "
		    "see [next](doc%03zu.md) and [gone](gone.md).\n", i,
		    (i + 1) % NDOCS);
		docs[2 * i] = owned[2 * i];
		docs[2 * i + 1] = owned[2 * i + 1];
	}
	docs[2 * NDOCS] = NULL;
	setup(&f, "all", 2, docs);
	whole = xmlout_corpus(f.c, f.ds);
	lean = xmlout_corpus_head(f.c, f.ds, &rest);
	p = xmlout_corpus_finish_lean(lean, f.c, rest);
	sw = xmldump_doc(whole, &nw);
	CHECK(strstr(sw, "<uses count=\"107\">") != NULL);
	CHECK(strstr(sw, "<diagnostic ") != NULL && strstr(sw, "<edge ") != NULL);
	buf_init(&b);
	CHECK(xmldump_plain(lean));
	CHECK_INT(xmlout_corpus_write(lean, f.c, p, gather, &b), 0);
	CHECK(b.len == nw && memcmp(b.data, sw, nw) == 0);
	/* held: the first GLOSSARY_USES_HELD uses, no edge, no diagnostic */
	sl = xmldump_doc(lean, &nl);
	CHECK(nl < nw && strstr(sl, "<edge ") == NULL &&
	    strstr(sl, "<diagnostic ") == NULL);
	free(sl);
	xmlout_corpus_fill(lean, f.c, p);
	sl = xmldump_doc(lean, &nl);
	CHECK(nl == nw && memcmp(sl, sw, nw) == 0);
	free(sl);
	free(sw);
	buf_free(&b);
	xmlFreeDoc(whole);
	xmlFreeDoc(lean);
	for (i = 0; i < 2 * NDOCS; i++)
		free(owned[i]);
	teardown(&f);
}

/* The diagnostics of a set as sorted lines, for comparing two builds. */
static char *
diag_lines(diag_set *ds)
{
	buf b;

	buf_init(&b);
	diag_sort(ds);
	for (size_t i = 0; i < diag_count(ds); i++) {
		const diagnostic *d = diag_at(ds, i);
		buf_printf(&b, "%s:%d:%d: %d %s [%s]\n", d->file, d->line,
		    d->col, (int)d->sev, d->message, d->rule);
	}
	return b.data ? b.data : xstrdup("");
}

/* The diagnostics of a fresh load and link of dir, as diag_lines. */
static char *
fresh_lines(const char *dir)
{
	pipeline_options po;
	diag_set *ds = diag_new();
	pipeline *pl;
	char *s;

	memset(&po, 0, sizeof po);
	po.dir = dir;
	po.jobs = 2;
	pl = pipeline_open(&po, ds);
	CHECK(pipeline_link(pl) == PIPELINE_OK);
	s = diag_lines(ds);
	pipeline_free(pl);
	diag_free(ds);
	return s;
}

/* serve's standby (standby.h): a parse made before the save is taken
 * only for a file that is still the one parsed, with its diagnostics
 * once; a changed, new or racy file is parsed again, and a changed
 * policyc.yaml takes nothing.  The build says what a fresh one says. */
UNIT_TEST(standby_parses_are_taken_only_when_unchanged)
{
	static const char *const docs[] = {
		"a.md", FM("Alpha") "Call {{ nope }} about the LADO.\n",
		"b.md", FM("Bravo") "See [alpha](a.md).\n",
		"c.md", FM("Charlie") "Text.\n",
		NULL
	};
	pipeline_options po;
	fixture f;
	standby *s;
	diag_set *ds;
	pipeline *pl;
	char *got, *want;

	setup(&f, "first", 2, docs);
	memset(&po, 0, sizeof po);
	po.dir = f.dir;
	po.jobs = 2;

	/* b edited and d added after the standby parsed */
	s = standby_make_margin(&po, 0);
	CHECK(s != NULL);
	CHECK_INT((long)standby_count(s), 3);
	write_file(f.dir, "policies/b.md", FM("Bravo edited") "New words.\n");
	write_file(f.dir, "policies/d.md", FM("Delta") "Call {{ nope }}.\n");
	ds = diag_new();
	po.standby = s;
	pl = pipeline_open(&po, ds);
	CHECK(pipeline_link(pl) == PIPELINE_OK);
	CHECK_INT((long)standby_taken(s), 2);
	{
		corpus *c = pipeline_corpus(pl);
		long b = corpus_find_id(c, "b");
		CHECK(b >= 0 && !strcmp(c->docs[b]->title, "Bravo edited"));
		CHECK(corpus_find_id(c, "d") >= 0);
	}
	CHECK_INT(count_rule(ds, "variable-unknown"), 2);
	got = diag_lines(ds);
	want = fresh_lines(f.dir);
	CHECK_STR(got, want);
	free(got);
	free(want);
	pipeline_free(pl);
	diag_free(ds);
	standby_free(s);

	/* a racy standby (files changed within its margin) takes nothing */
	s = standby_make_margin(&po, 3600LL * 1000000000LL);
	ds = diag_new();
	po.standby = s;
	pl = pipeline_open(&po, ds);
	CHECK(pipeline_link(pl) == PIPELINE_OK);
	CHECK_INT((long)standby_taken(s), 0);
	pipeline_free(pl);
	diag_free(ds);
	standby_free(s);

	/* policyc.yaml changed: every document is parsed again (the
	 * variable is known now) */
	po.standby = NULL;
	s = standby_make_margin(&po, 0);
	write_file(f.dir, "policyc.yaml",
	    "title: T\nglossary-links: first\nnope: 0100 000\n");
	ds = diag_new();
	po.standby = s;
	pl = pipeline_open(&po, ds);
	CHECK(pipeline_link(pl) == PIPELINE_OK);
	CHECK_INT((long)standby_taken(s), 0);
	CHECK_INT(count_rule(ds, "variable-unknown"), 0);
	pipeline_free(pl);
	diag_free(ds);
	standby_free(s);
	teardown(&f);
}

/* serve's standby links ahead (prelink.h): the build takes the linked
 * documents and, the link world unchanged, keeps their links; the
 * diagnostics and edges are a fresh build's, an id the load changed
 * (id-reserved) is judged again, and everything is freed once (the
 * sanitizers' run).  A changed title changes the world: every document
 * is linked again, with the same result as a fresh build. */
UNIT_TEST(standby_links_ahead_and_the_build_keeps_the_links)
{
	static const char *const docs[] = {
		"a.md", FM("Alpha") "See [[b]] and [[b#roles]], the LADO, "
		    "[gone](nowhere.md).\n",
		"b.md", FM("Bravo") "# Roles\n\nBravo links [[c]].\n",
		"c.md", FM("Charlie") "Charlie links [[a]] and [[search]].\n",
		"search.md", FM("Delta") "Delta.\n",
		NULL
	};
	pipeline_options po;
	fixture f;
	standby *s;
	diag_set *ds;
	pipeline *pl, *fr;
	diag_set *fds;
	char *got, *want;
	int round;

	setup(&f, "first", 2, docs);
	memset(&po, 0, sizeof po);
	po.dir = f.dir;
	po.jobs = 2;
	for (round = 0; round < 2; round++) {
		po.standby = NULL;
		s = standby_make_margin(&po, 0);
		CHECK(s != NULL);
		standby_link_ahead(s, &po);
		CHECK(standby_link_world(s) != NULL);
		if (round == 0)   /* a body: the world is the same */
			write_file(f.dir, "policies/a.md", FM("Alpha")
			    "Now [[c]] and [[b#roles]], the LADO.\n");
		else              /* a title others show: it is not */
			write_file(f.dir, "policies/b.md", FM("Bravo two")
			    "# Roles\n\nBravo links [[c]].\n");
		ds = diag_new();
		po.standby = s;
		pl = pipeline_open(&po, ds);
		CHECK(pipeline_link(pl) == PIPELINE_OK);
		CHECK_INT((long)standby_taken(s), 3);
		CHECK_INT((long)pipeline_linked_ahead(pl), round == 0 ? 3 : 0);
		got = diag_lines(ds);
		want = fresh_lines(f.dir);
		CHECK_STR(got, want);
		CHECK(strstr(got, "id-reserved") != NULL);
		free(got);
		free(want);
		/* the graph: the same edges as a fresh load and link */
		{
			pipeline_options fo;
			corpus *c = pipeline_corpus(pl), *fc;
			size_t i;
			memset(&fo, 0, sizeof fo);
			fo.dir = f.dir;
			fo.jobs = 1;
			fds = diag_new();
			fr = pipeline_open(&fo, fds);
			CHECK(pipeline_link(fr) == PIPELINE_OK);
			fc = pipeline_corpus(fr);
			CHECK_INT((long)c->nedges, (long)fc->nedges);
			for (i = 0; i < c->nedges && i < fc->nedges; i++) {
				CHECK_INT((long)c->edges[i].from,
				    (long)fc->edges[i].from);
				CHECK_INT((long)c->edges[i].to,
				    (long)fc->edges[i].to);
				CHECK_INT((long)c->edges[i].kind,
				    (long)fc->edges[i].kind);
			}
			for (i = 0; i < c->ndocs; i++)
				CHECK(c->docs[i]->prelink == NULL);
			pipeline_free(fr);
			diag_free(fds);
		}
		pipeline_free(pl);
		diag_free(ds);
		standby_free(s);
	}
	teardown(&f);
}
