/*
 * test_pdfannot.c — unit tests of pdfannot.c (compiler/pdf/), the reader
 * of link annotations as cairo writes them: cairo's three kinds of link
 * (a URI, a named destination, an explicit one) read as qpdf would read
 * them; the escapes of literal strings, hex strings, UTF-16BE and #xx in
 * names; what the reader must not guess at (an action or destination in
 * an object of its own, a key twice, another encoding, a stream, a broken
 * object, nesting past its depth) refused for qpdf to read; and the text
 * strings made for /Contents.  (pdfsave_append, which copies an
 * annotation with its /Contents, is tested in test_pdfsave.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "pdf/pdfannot.h"
#include "harness.h"
#include "util.h"

static int
read_obj(const char *text, pdfannot *a)
{
	return pdfannot_read(text, strlen(text), a);
}

UNIT_TEST(pdfannot_reads_cairos_links)
{
	pdfannot a;

	/* cairo 1.16's shape: a named destination, "/BS ... >>>>" */
	CHECK_INT(read_obj("67 0 obj\n<< /Type /Annot\n   /Subtype /Link\n"
	    "   /StructParent 0\n   /Rect [ 70 566.8 443 578.8 ]\n"
	    "   /Dest (agency-roles/doc-00002)\n   /BS << /W 0 >>>>\nendobj\n",
	    &a), 0);
	CHECK(a.is_link && !a.has_contents && !a.action && !a.uri);
	CHECK_INT(a.dest_kind, ANNOT_DEST_TEXT);
	CHECK_STR(a.dest, "agency-roles/doc-00002");
	pdfannot_clear(&a);

	/* a URI action: its bytes, escapes undone */
	CHECK_INT(read_obj("5 0 obj\n<< /Type /Annot /Subtype /Link "
	    "/A << /Type /Action /S /URI /URI (https://e.org/a\\(b\\)\\\\c) >> "
	    "/Dest (ignored) /BS << /W 0 >> >>\nendobj\n", &a), 0);
	CHECK(a.is_link && a.action);
	CHECK_STR(a.uri, "https://e.org/a(b)\\c");
	CHECK_INT(a.dest_kind, ANNOT_DEST_NONE);   /* the action's /D counts */
	pdfannot_clear(&a);

	/* an explicit destination, a reference inside an array */
	CHECK_INT(read_obj("9 0 obj << /Subtype /Link /Dest [ 3 0 R /XYZ 0 "
	    "700 0 ] >> endobj", &a), 0);
	CHECK_INT(a.dest_kind, ANNOT_DEST_OTHER);
	CHECK(a.dest == NULL);
	pdfannot_clear(&a);

	/* an action with /D: a name, #xx decoded */
	CHECK_INT(read_obj("9 0 obj << /Subtype /Link /A << /S /GoTo "
	    "/D /fn#3Aa#3A1 >> >> endobj", &a), 0);
	CHECK_INT(a.dest_kind, ANNOT_DEST_TEXT);
	CHECK_STR(a.dest, "fn:a:1");
	pdfannot_clear(&a);

	/* UTF-16BE in hex, octal escapes, a continued line */
	CHECK_INT(read_obj("9 0 obj << /Subtype /Link /Dest <FEFF 0063 00E9> "
	    ">> endobj", &a), 0);
	CHECK_STR(a.dest, "c\xc3\xa9");
	pdfannot_clear(&a);
	CHECK_INT(read_obj("9 0 obj << /Subtype /Link /Dest (a\\101\\\nb) "
	    ">> endobj", &a), 0);
	CHECK_STR(a.dest, "aAb");
	pdfannot_clear(&a);

	/* not a link; a description already there; a comment skipped */
	CHECK_INT(read_obj("9 0 obj << /Subtype /Widget % a comment\n"
	    "/Contents (x) >> endobj", &a), 0);
	CHECK(!a.is_link && a.has_contents);
	pdfannot_clear(&a);
}

UNIT_TEST(pdfannot_refuses_what_it_would_guess)
{
	pdfannot a;
	const char *bad[] = {
		/* an action or a destination in an object of its own */
		"9 0 obj << /Subtype /Link /A 12 0 R >> endobj",
		"9 0 obj << /Subtype /Link /Dest 12 0 R >> endobj",
		"9 0 obj << /Subtype /Link /A << /D 4 0 R >> >> endobj",
		/* a key twice */
		"9 0 obj << /Subtype /Link /Dest (a) /Dest (b) >> endobj",
		/* bytes of another encoding (PDFDocEncoding), a URI that is
		 * not ASCII, UTF-16 with a lone surrogate */
		"9 0 obj << /Subtype /Link /Dest (caf\xe9) >> endobj",
		"9 0 obj << /Subtype /Link /A << /URI <FEFF0061> >> >> endobj",
		"9 0 obj << /Subtype /Link /Dest <FEFFD800> >> endobj",
		/* a stream, a number, broken syntax */
		"9 0 obj << /Length 1 >> stream\nx\nendstream endobj",
		"9 0 obj 42 endobj",
		"9 0 obj << /Subtype /Link /Dest (unclosed >> endobj",
		"9 0 obj << /Subtype /Link /Rect [ 1 2 >> endobj",
		"9 0 obj << /Subtype >> endobj",
		"<< /Subtype /Link >>",
		/* nested deeper than the reader goes */
		"9 0 obj << /Subtype /Link /Rect [[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"[[[[[[[[ 0 ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] >> endobj",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK_INT(read_obj(bad[i], &a), -1);
}

UNIT_TEST(pdfannot_text_strings)
{
	char *s;

	s = pdfannot_text_string("Go to (a) \\ b");
	CHECK_STR(s, "(Go to \\(a\\) \\\\ b)");
	free(s);
	s = pdfannot_text_string("Go to caf\xc3\xa9 \xf0\x9f\x98\x80");
	CHECK_STR(s, "<FEFF0047006F00200074006F0020006300610066"
	    "00E90020D83DDE00>");
	free(s);
	CHECK(pdfannot_text_string("bad \xff") == NULL);
}

static int
read_elem(const char *text, pdfelem *e)
{
	return pdfannot_elem(text, strlen(text), e);
}

UNIT_TEST(pdfannot_reads_cairos_structure_elements)
{
	static const char cairo[] = "6 0 obj\n<< /Type /StructElem\n"
	    "   /S /P\n   /P 4 0 R\n   /Pg 3 0 R\n   /K 1\n>>\nendobj\n";
	/* refused, for qpdf to read: not an element, no /S or /P, /P not
	 * a reference, a key twice, a name with a space in it once
	 * decoded, a stream, a broken object */
	static const char *const refused[] = {
		"7 0 obj << /Type /Annot /S /P /P 4 0 R >> endobj",
		"7 0 obj << /Type /StructElem /P 4 0 R >> endobj",
		"7 0 obj << /Type /StructElem /S /P >> endobj",
		"7 0 obj << /Type /StructElem /S /P /P [ 4 0 R ] >> endobj",
		"7 0 obj << /Type /StructElem /S /P /P x4 0 R >> endobj",
		"7 0 obj << /Type /StructElem /S /P /P 4 0 R /K 1x 0 R >> "
		"endobj",
		"7 0 obj << /Type /StructElem /S /P /S /H1 /P 4 0 R >> endobj",
		"7 0 obj << /Type /StructElem /S /P /P 4 0 R /K 1 /K 2 >> "
		"endobj",
		"7 0 obj << /Type /StructElem /S /A#20B /P 4 0 R >> endobj",
		"7 0 obj << /Type /StructElem /S /P /P 4 0 R /Length 0 >>\n"
		"stream\n\nendstream\nendobj",
		"7 0 obj << /Type /StructElem /S /P /P 4 0 R ",
		"",
	};
	pdfelem e;
	size_t i;

	/* cairo 1.16's shape: /P's value found where it is */
	CHECK_INT(read_elem(cairo, &e), 0);
	CHECK_STR(e.type, "/P");
	CHECK_INT(e.k, ELEM_K_SOME);
	CHECK(e.p_len == 5 && !memcmp(cairo + e.p_at, "4 0 R", 5));

	/* what /K holds: nothing, an empty array, a reference, the rest */
	CHECK_INT(read_elem("7 0 obj << /Type /StructElem /S /H1 /P 4 0 R "
	    ">> endobj", &e), 0);
	CHECK_INT(e.k, ELEM_K_NONE);
	CHECK_STR(e.type, "/H1");
	CHECK_INT(read_elem("7 0 obj << /Type /StructElem /S /P /P 4 0 R "
	    "/K null >> endobj", &e), 0);
	CHECK_INT(e.k, ELEM_K_NONE);
	CHECK_INT(read_elem("7 0 obj << /Type /StructElem /S /P /P 4 0 R "
	    "/K [ \n ] >> endobj", &e), 0);
	CHECK_INT(e.k, ELEM_K_EMPTY);
	CHECK_INT(read_elem("7 0 obj << /Type /StructElem /S /P /P 4 0 R "
	    "/K 116 0 R >> endobj", &e), 0);
	CHECK(e.k == ELEM_K_REF && e.k_ref == 116);
	CHECK_INT(read_elem("7 0 obj << /Type /StructElem /S /P /P 4 0 R "
	    "/K [ << /Type /MCR /Pg 3 0 R /MCID 0 >> 12 0 R ] >> endobj",
	    &e), 0);
	CHECK_INT(e.k, ELEM_K_SOME);

	for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
		CHECK_INT(read_elem(refused[i], &e), -1);

	/* what a /K reference leads to: a dictionary counts, nothing else */
	CHECK(pdfannot_is_dict("116 0 obj\n<< /Type /StructElem >>\nendobj", 38));
	CHECK(!pdfannot_is_dict("116 0 obj\n[ ]\nendobj", 20));
	CHECK(!pdfannot_is_dict("116 0 obj\nnull\nendobj", 21));
}
