/*
 * test_glossary.c — unit tests of glossary.c: loading glossary.yaml
 * (entries, term-duplicate at the second definition, entries without a
 * term) and the Aho–Corasick matcher (whole words with Unicode-aware
 * boundaries, apostrophes, leftmost-longest, case rules for terms and
 * abbreviations, whitespace runs, scale).
 */
#include <stdlib.h>
#include <string.h>

#include "glossary.h"
#include "util.h"
#include "harness.h"

static const char *GLOSSARY =
    "- term: Local Authority Designated Officer\n"    /* 1 */
    "  abbr: LADO\n"
    "  aliases: [designated officer]\n"
    "  definition: |\n"
    "    The officer who manages allegations.\n"       /* 5 */
    "  see: [Section 47 enquiry]\n"
    "- term: Section 47 enquiry\n"
    "  aliases: [section 47 enquiries]\n"
    "- term: Section 47\n"
    "- term: neglect\n"                                /* 10 */
    "- term: Disclosure and Barring Service\n"
    "  abbr: DBS\n"
    "- term: Gesundheitsamt\n"
    "- term: Café Society\n"
    "- term: significant harm\n";                      /* 15 */

static glossary *
load(const char *text, diag_set *ds)
{
	yval_error err;
	yval *v = yval_parse(text, strlen(text), 0, &err);
	CHECK(v != NULL);
	glossary *g = glossary_from_yval(v, "glossary.yaml", ds);
	yval_free(v);
	return g;
}

/* Runs the matcher and renders "start-end:slug" list for easy checks. */
static char *
find(const glossary *g, const char *text)
{
	glossary_match *m;
	size_t n = glossary_find(g, text, strlen(text), &m);
	buf b;
	buf_init(&b);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s[%.*s]=%s", i ? " " : "",
		    (int)(m[i].end - m[i].start), text + m[i].start,
		    glossary_at(g, m[i].entry)->slug);
	free(m);
	if (!b.data)
		buf_puts(&b, "");
	return buf_detach(&b);
}

#define CHECK_FIND(g, text, want) do {                                   \
		char *got_ = find((g), (text));                          \
		CHECK_STR(got_, (want));                                 \
		free(got_);                                              \
	} while (0)

UNIT_TEST(glossary_load_entries)
{
	diag_set *ds = diag_new();
	glossary *g = load(GLOSSARY, ds);
	CHECK_INT(diag_count(ds), 0);
	CHECK_INT(glossary_count(g), 8);
	const glossary_entry *e = glossary_at(g, 0);
	CHECK_STR(e->slug, "local-authority-designated-officer");
	CHECK_STR(e->abbr, "LADO");
	CHECK_INT(e->naliases, 1);
	CHECK_STR(e->aliases[0], "designated officer");
	CHECK(e->definition && strstr(e->definition, "allegations"));
	CHECK_INT(e->nsee, 1);
	CHECK_STR(e->see[0], "section-47-enquiry");
	CHECK_INT(e->line, 1);
	CHECK_INT(glossary_at(g, 1)->line, 7);
	glossary_free(g);
	diag_free(ds);
}

UNIT_TEST(glossary_lookup_names)
{
	diag_set *ds = diag_new();
	glossary *g = load(GLOSSARY, ds);
	CHECK_INT(glossary_lookup(g, "local-authority-designated-officer"), 0);
	CHECK_INT(glossary_lookup(g, "LADO"), 0);
	CHECK_INT(glossary_lookup(g, "lado"), 0);       /* named links: any case (DESIGN.md) */
	CHECK_INT(glossary_lookup(g, "Designated  Officer"), 0);
	CHECK_INT(glossary_lookup(g, "section 47 ENQUIRY"), 1);
	CHECK_INT(glossary_lookup(g, "section-47"), 2);
	CHECK_INT(glossary_lookup(g, "Dbs"), 4);
	CHECK_INT(glossary_lookup(g, "DBS"), 4);
	CHECK_INT(glossary_lookup(g, "nothing"), -1);
	glossary_free(g);
	diag_free(ds);
}

UNIT_TEST(glossary_duplicates_at_second)
{
	diag_set *ds = diag_new();
	glossary *g = load(
	    "- term: Early Help\n"
	    "  abbr: EH\n"
	    "- term: early help\n"          /* 3: term twice (case) */
	    "- term: Child in Need\n"
	    "  abbr: EH\n"                  /* 5: abbr twice */
	    "  aliases:\n"
	    "    - CIN\n"
	    "    - child in need\n"         /* same entry: fine */
	    "- definition: no term\n"       /* 9: meta-invalid */
	    "- term: Eh\n",                 /* 10: folded clash with abbr EH? no: term vs abbr compare folded */
	    ds);
	diag_sort(ds);
	CHECK_INT(glossary_count(g), 4);
	int dup3 = 0, dup5 = 0, meta9 = 0, dup10 = 0;
	for (size_t i = 0; i < diag_count(ds); i++) {
		const diagnostic *d = diag_at(ds, i);
		if (!strcmp(d->rule, "term-duplicate") && d->line == 3)
			dup3++;
		if (!strcmp(d->rule, "term-duplicate") && d->line == 5)
			dup5++;
		if (!strcmp(d->rule, "term-duplicate") && d->line == 10)
			dup10++;
		if (!strcmp(d->rule, "meta-invalid") && d->line == 9)
			meta9++;
	}
	CHECK_INT(dup3, 1);
	CHECK_INT(dup5, 1);
	CHECK_INT(meta9, 1);
	CHECK_INT(dup10, 1);
	CHECK_INT(diag_count(ds), 4);
	glossary_free(g);
	diag_free(ds);
}

UNIT_TEST(glossary_match_words)
{
	diag_set *ds = diag_new();
	glossary *g = load(GLOSSARY, ds);
	CHECK_FIND(g, "Contact the LADO today.", "[LADO]=local-authority-designated-officer");
	CHECK_FIND(g, "the LADOs said", "");
	CHECK_FIND(g, "the LADO's view", "[LADO]=local-authority-designated-officer");
	CHECK_FIND(g, "the LADO\xe2\x80\x99s view", "[LADO]=local-authority-designated-officer");
	CHECK_FIND(g, "(LADO)", "[LADO]=local-authority-designated-officer");
	CHECK_FIND(g, "XLADO LADOX 1LADO LADO1", "");
	CHECK_FIND(g, "children who are neglected", "");
	CHECK_FIND(g, "neglect, and", "[neglect]=neglect");
	CHECK_FIND(g, "Neglect", "[Neglect]=neglect");
	CHECK_FIND(g, "non-neglect", "[neglect]=neglect");
	CHECK_FIND(g, "", "");
	glossary_free(g);
	diag_free(ds);
}

UNIT_TEST(glossary_match_unicode_boundaries)
{
	diag_set *ds = diag_new();
	glossary *g = load(GLOSSARY, ds);
	/* a letter of another script right next to a term joins the word */
	CHECK_FIND(g, "\xc3\xa9LADO", "");                 /* éLADO */
	CHECK_FIND(g, "LADO\xc3\xb1", "");                 /* LADOñ */
	CHECK_FIND(g, "LADO\xd0\xb4", "");                 /* LADOд */
	CHECK_FIND(g, "\xe2\x80\x9cLADO\xe2\x80\x9d", "[LADO]=local-authority-designated-officer");
	CHECK_FIND(g, "LADO\xe2\x80\x94then", "[LADO]=local-authority-designated-officer");
	CHECK_FIND(g, "LADO\xc2\xa0x", "[LADO]=local-authority-designated-officer");
	/* Latin-1 case folding in a term */
	CHECK_FIND(g, "the CAF\xc3\x89 SOCIETY met", "[CAF\xc3\x89 SOCIETY]=caf\xc3\xa9-society");
	CHECK_FIND(g, "gesundheitsamt", "[gesundheitsamt]=gesundheitsamt");
	glossary_free(g);
	diag_free(ds);
}

UNIT_TEST(glossary_match_longest)
{
	diag_set *ds = diag_new();
	glossary *g = load(GLOSSARY, ds);
	CHECK_FIND(g, "a Section 47 enquiry began", "[Section 47 enquiry]=section-47-enquiry");
	CHECK_FIND(g, "a Section 47 began", "[Section 47]=section-47");
	CHECK_FIND(g, "Section 47 enquiries", "[Section 47 enquiries]=section-47-enquiry");
	CHECK_FIND(g, "Section 47 enquiryx", "[Section 47]=section-47");
	CHECK_FIND(g, "Section\n47   enquiry", "[Section\n47   enquiry]=section-47-enquiry");
	CHECK_FIND(g, "the designated officer and the Local Authority Designated Officer",
	    "[designated officer]=local-authority-designated-officer "
	    "[Local Authority Designated Officer]=local-authority-designated-officer");
	CHECK_FIND(g, "significant harm significant harm",
	    "[significant harm]=significant-harm [significant harm]=significant-harm");
	glossary_free(g);
	diag_free(ds);
}

UNIT_TEST(glossary_match_case_rules)
{
	diag_set *ds = diag_new();
	glossary *g = load(GLOSSARY, ds);
	CHECK_FIND(g, "a Dbs check", "");
	CHECK_FIND(g, "a dbs check", "");
	CHECK_FIND(g, "a DBS check", "[DBS]=disclosure-and-barring-service");
	CHECK_FIND(g, "the lado", "");
	CHECK_FIND(g, "DISCLOSURE AND BARRING SERVICE", "[DISCLOSURE AND BARRING SERVICE]=disclosure-and-barring-service");
	glossary_free(g);
	diag_free(ds);
}

/* 500 terms over a long text: every occurrence is found, each once. */
UNIT_TEST(glossary_match_many_terms)
{
	diag_set *ds = diag_new();
	buf y;
	buf_init(&y);
	for (int i = 0; i < 500; i++)
		buf_printf(&y, "- term: term number %d\n  abbr: T%dX\n", i, i);
	glossary *g = load(y.data, ds);
	buf_free(&y);
	CHECK_INT(diag_count(ds), 0);
	CHECK_INT(glossary_count(g), 500);
	buf t;
	buf_init(&t);
	for (int i = 0; i < 2000; i++)
		buf_printf(&t, "Some words about term number %d and T%dX, "
		    "t%dx. ", i % 700, i % 700, i % 700);
	glossary_match *m;
	size_t n = glossary_find(g, t.data, t.len, &m);
	/* i%700 < 500 for 2000 * 500/700 of the sentences: two each */
	size_t want = 0;
	for (int i = 0; i < 2000; i++)
		want += (i % 700) < 500 ? 2 : 0;
	CHECK_INT(n, want);
	int ordered = 1;
	for (size_t i = 1; i < n; i++)
		ordered &= m[i].start >= m[i - 1].end;
	CHECK(ordered);
	free(m);
	buf_free(&t);
	glossary_free(g);
	diag_free(ds);
}

UNIT_TEST(glossary_slug_and_abbr_index)
{
	diag_set *ds = diag_new();
	glossary *g = load(GLOSSARY, ds);
	CHECK_INT(glossary_find_slug(g, "local-authority-designated-officer"), 0);
	CHECK_INT(glossary_find_slug(g, "Local Authority Designated Officer"), -1);
	CHECK_INT(glossary_find_slug(g, NULL), -1);
	CHECK_INT(glossary_lookup(g, "dbs"), 4);      /* abbreviation, any case */
	CHECK_INT(glossary_lookup(g, "lado"), 0);
	CHECK_INT(glossary_lookup(g, "nothing"), -1);
	glossary_free(g);
	diag_free(ds);
}

UNIT_TEST(glossary_source_url_policy)
{
	diag_set *ds = diag_new();
	glossary *g = load("- term: A\n  source: \"java&#x09;script:alert(1)\"\n"
	    "- term: B\n  source: https://www.gov.uk/x\n"
	    "- term: C\n  source: working-together\n", ds);
	CHECK(glossary_at(g, 0)->source == NULL);
	CHECK_STR(glossary_at(g, 1)->source, "https://www.gov.uk/x");
	CHECK_STR(glossary_at(g, 2)->source, "working-together");
	CHECK_INT(diag_count(ds), 1);
	CHECK_STR(diag_at(ds, 0)->rule, "link-unsafe");
	CHECK_INT(diag_at(ds, 0)->line, 2);
	glossary_free(g);
	diag_free(ds);
}
