/*
 * test_pdfannot.c — unit tests of pdfannot.c (compiler/pdf/), the reader
 * of link annotations as cairo writes them, and of pdfsave_append, which
 * copies one with /Contents added: cairo's three kinds of link (a URI, a
 * named destination, an explicit one) read as qpdf would read them; the
 * escapes of literal strings, hex strings, UTF-16BE and #xx in names;
 * what the reader must not guess at (an action or destination in an
 * object of its own, a key twice, another encoding, a stream, a broken
 * object, nesting past its depth) refused for qpdf to read; text strings made for /Contents; and
 * the copy with /Contents added read back by qpdf.
 */
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "pdf/pdfannot.h"
#include "pdf/pdfsave.h"
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

/* A one-page file of cairo's shape whose page has link annotation 2. */
static char *
annot_pdf(size_t *len)
{
	const char *obj[4] = {
		"1 0 obj\n<< /Type /Catalog\n   /Pages 3 0 R\n>>\nendobj\n",
		"2 0 obj\n<< /Type /Annot\n   /Subtype /Link\n"
		"   /Rect [ 0 0 10 10 ]\n"
		"   /Dest (here)\n   /BS << /W 0 >>>>\nendobj\n",
		"3 0 obj\n<< /Type /Pages\n   /Kids [ 4 0 R ]\n   /Count 1\n"
		">>\nendobj\n",
		"4 0 obj\n<< /Type /Page\n   /Parent 3 0 R\n"
		"   /MediaBox [ 0 0 200 200 ]\n   /Annots [ 2 0 R ]\n>>\n"
		"endobj\n",
	};
	size_t at[4], xref;
	buf b;
	int i;

	buf_init(&b);
	buf_puts(&b, "%PDF-1.5\n");
	for (i = 0; i < 4; i++) {
		at[i] = b.len;
		buf_puts(&b, obj[i]);
	}
	xref = b.len;
	buf_puts(&b, "xref\n0 5\n0000000000 65535 f \n");
	for (i = 0; i < 4; i++)
		buf_printf(&b, "%010zu 00000 n \n", at[i]);
	buf_printf(&b, "trailer\n<< /Size 5\n   /Root 1 0 R\n>>\n"
	    "startxref\n%zu\n%%%%EOF\n", xref);
	*len = b.len;
	return buf_detach(&b);
}

UNIT_TEST(pdfsave_appends_to_a_copied_dictionary)
{
	size_t len, olen, n;
	char *pdf = annot_pdf(&len), *o;
	pdfsave *s = pdfsave_open(pdf, len);
	qpdf_data q = qpdf_init();
	const char *raw;
	qpdf_oh an;

	CHECK(s != NULL);
	qpdf_silence_errors(q);
	qpdf_read_memory(q, "annot", pdf, len, NULL);
	raw = pdfsave_raw(s, 2, &n);
	CHECK(raw && n > 8 && !memcmp(raw, "2 0 obj\n", 8));
	CHECK(pdfsave_raw(s, 7, &n) == NULL);
	CHECK_INT(pdfsave_append(s, 2, "/Contents (Go to here)"), 0);
	o = pdfsave_write(s, q, 1, 0, &olen);
	CHECK(o != NULL);
	/* the rest of it as it was */
	CHECK(o && memmem(o, olen, "   /Dest (here)\n   /BS << /W 0 >>"
	    "/Contents (Go to here)\n>>\nendobj\n", 50) != NULL);
	qpdf_cleanup(&q);
	pdfsave_free(s);

	q = qpdf_init();
	qpdf_silence_errors(q);
	CHECK(o && !(qpdf_read_memory(q, "out", o, olen, NULL) &
	    (QPDF_ERRORS | QPDF_WARNINGS)));
	CHECK(!(qpdf_check_pdf(q) & (QPDF_ERRORS | QPDF_WARNINGS)));
	an = qpdf_get_object_by_id(q, 2, 0);
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, an,
	    "/Contents")), "Go to here");
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, an, "/Dest")),
	    "here");
	qpdf_cleanup(&q);
	free(o);

	/* touched as well (changed through qpdf): written from qpdf's
	 * serialisation, the text added all the same */
	s = pdfsave_open(pdf, len);
	q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_read_memory(q, "annot", pdf, len, NULL);
	CHECK_INT(pdfsave_append(s, 2, "/Contents (Go to here)"), 0);
	qpdf_oh_replace_key(q, qpdf_get_object_by_id(q, 2, 0), "/F",
	    qpdf_oh_new_integer(q, 4));
	pdfsave_touch(s, 2);
	o = pdfsave_write(s, q, 1, 0, &olen);
	CHECK(o != NULL);
	qpdf_cleanup(&q);
	pdfsave_free(s);
	q = qpdf_init();
	qpdf_silence_errors(q);
	CHECK(o && !(qpdf_read_memory(q, "out", o, olen, NULL) &
	    (QPDF_ERRORS | QPDF_WARNINGS)));
	an = qpdf_get_object_by_id(q, 2, 0);
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, an,
	    "/Contents")), "Go to here");
	CHECK_INT(qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, an,
	    "/F")), 4);
	/* a number the file does not have: nothing recorded */
	CHECK_INT(pdfsave_append(s = pdfsave_open(pdf, len), 9, "/X 1"), -1);
	pdfsave_free(s);
	qpdf_cleanup(&q);
	free(o);
	free(pdf);
}
