/*
 * test_pdfsave.c — unit tests of pdfsave.c (compiler/pdf/), the writer
 * that copies a PDF's unchanged objects and writes only those changed:
 * a small file of cairo's shape written back with one object changed,
 * one new object and one new stream is a valid PDF (qpdf reads it back
 * without a warning and finds the changes), the unchanged objects are
 * the same bytes, and the same input gives the same bytes; files of
 * other shapes (a cross-reference stream, an update with /Prev, an
 * object of another generation, an offset that is not its object's, a
 * truncated table) are refused, for qpdf's writer to take; and an
 * object copied with text added before its closing ">>" (a link's
 * /Contents, pdfsave_append), touched or not, reads back with it; and
 * a stream cairo left uncompressed is deflated as it is copied, in the
 * bytes cairo would have written, but for the XMP metadata.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "pdf/pdfsave.h"
#include "harness.h"
#include "util.h"

/* A PDF of these objects (the first numbered 1) as cairo lays one out:
 * one classic table, then the trailer with trailer_extra in it.  Object
 * number odd (0 for none) is given generation gen in the table, and its
 * offset moved by skew. */
static char *
pdf_of(const char *const *obj, int nobj, const char *trailer_extra,
    int odd, int gen, int skew, size_t *len)
{
	size_t at[8], xref;
	buf b;
	int i;

	buf_init(&b);
	buf_puts(&b, "%PDF-1.5\n%\xb5\xed\xae\xfb\n");
	for (i = 0; i < nobj && i < 8; i++) {
		at[i] = b.len;
		buf_puts(&b, obj[i]);
	}
	xref = b.len;
	buf_printf(&b, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
	for (i = 0; i < nobj && i < 8; i++)
		buf_printf(&b, "%010zu %05d n \n", at[i] + (i + 1 == odd ?
		    (size_t)skew : 0), i + 1 == odd ? gen : 0);
	buf_printf(&b, "trailer\n<< /Size %d\n   /Root 1 0 R\n%s>>\n"
	    "startxref\n%zu\n%%%%EOF\n", nobj + 1, trailer_extra, xref);
	*len = b.len;
	return buf_detach(&b);
}

/* A four-object PDF (catalogue, pages, page, and a number nothing
 * refers to); trailer_extra goes into the trailer, gen is the page's
 * generation in the table, and skew moves the page's offset. */
static char *
tiny_pdf(const char *trailer_extra, int gen, int skew, size_t *len)
{
	static const char *const obj[4] = {
		"1 0 obj\n<< /Type /Catalog\n   /Pages 2 0 R\n>>\nendobj\n",
		"2 0 obj\n<< /Type /Pages\n   /Kids [ 3 0 R ]\n   /Count 1\n>>\nendobj\n",
		"3 0 obj\n<< /Type /Page\n   /Parent 2 0 R\n"
		"   /MediaBox [ 0 0 200 200 ]\n>>\nendobj\n",
		"4 0 obj\n   4242\nendobj\n",
	};

	return pdf_of(obj, 4, trailer_extra, 3, gen, skew, len);
}

/* A one-page PDF whose page has link annotation 2, cairo's shape of it. */
static char *
annot_pdf(size_t *len)
{
	static const char *const obj[4] = {
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

	return pdf_of(obj, 4, "", 0, 0, 0, len);
}

/* pdf (len bytes) read by qpdf, its errors silenced: the input a test
 * tags, as pdftag.c reads it. */
static qpdf_data
read_in(const char *pdf, size_t len)
{
	qpdf_data q = qpdf_init();

	qpdf_silence_errors(q);
	qpdf_read_memory(q, "in", pdf, len, NULL);
	return q;
}

/* o read by qpdf: no error, no warning, and it checks clean. */
static qpdf_data
read_back(const char *o, size_t olen)
{
	qpdf_data q = qpdf_init();

	qpdf_silence_errors(q);
	CHECK(o && !(qpdf_read_memory(q, "out", o, olen, NULL) &
	    (QPDF_ERRORS | QPDF_WARNINGS)));
	CHECK(!(qpdf_check_pdf(q) & (QPDF_ERRORS | QPDF_WARNINGS)));
	return q;
}

/* s written over *q, both freed, and the file read back into *q (as
 * read_back checks it): the bytes, for the caller to free. */
static char *
write_read_back(pdfsave *s, qpdf_data *q, size_t *olen)
{
	char *o = pdfsave_write(s, *q, 1, 0, olen);

	CHECK(o != NULL);
	qpdf_cleanup(q);
	pdfsave_free(s);
	*q = read_back(o, *olen);
	return o;
}

UNIT_TEST(pdfsave_writes_what_changed)
{
	size_t len, olen, olen2;
	char *pdf = tiny_pdf("", 0, 0, &len), *o, *o2;
	pdfsave *s = pdfsave_open(pdf, len);
	qpdf_data q = qpdf_init();
	qpdf_oh page, extra;
	int id, n, n2;

	CHECK(s != NULL);
	qpdf_silence_errors(q);
	qpdf_read_memory(q, "tiny", pdf, len, NULL);
	/* a new object, a new stream, a changed page, an object left out */
	id = pdfsave_new_id(s);
	CHECK_INT(id, 5);
	pdfsave_drop(s, 4);
	qpdf_replace_object(q, id, 0, qpdf_oh_parse(q, "<< /Made (here) >>"));
	pdfsave_touch(s, id);
	n = pdfsave_new_id(s);
	qpdf_replace_object(q, n, 0, qpdf_oh_parse(q, "<< /Type /Metadata >>"));
	pdfsave_stream(s, n, "<< /Type /Metadata >>", "hello hello hello", 17, 1);
	/* a second stream through the same deflater */
	n2 = pdfsave_new_id(s);
	qpdf_replace_object(q, n2, 0, qpdf_oh_parse(q, "<< >>"));
	pdfsave_stream(s, n2, "<< >>", "second", 6, 1);
	page = qpdf_get_object_by_id(q, 3, 0);
	qpdf_oh_replace_key(q, page, "/Extra", qpdf_get_object_by_id(q, id, 0));
	qpdf_oh_replace_key(q, page, "/Meta", qpdf_get_object_by_id(q, n, 0));
	qpdf_oh_replace_key(q, page, "/Second", qpdf_get_object_by_id(q, n2, 0));
	pdfsave_touch(s, 3);
	o = pdfsave_write(s, q, 1, 0, &olen);
	CHECK(o != NULL);
	/* the unchanged objects are cairo's bytes */
	{
		const char *pages = "2 0 obj\n<< /Type /Pages\n   /Kids "
		    "[ 3 0 R ]\n   /Count 1\n>>\nendobj\n";
		CHECK(o && memmem(o, olen, pages, strlen(pages)) != NULL);
	}
	/* the number left out: free, the head of the free list */
	CHECK(o && !memmem(o, olen, "4242", 4));
	CHECK(o && memmem(o, olen, "xref\n0 8\n0000000004 65535 f \n", 28));
	CHECK(o && memmem(o, olen, "0000000000 00001 f \n", 20));
	/* the same input, the same bytes */
	o2 = pdfsave_write(s, q, 1, 0, &olen2);
	CHECK(o2 && olen2 == olen && memcmp(o, o2, olen) == 0);
	free(o2);
	qpdf_cleanup(&q);
	pdfsave_free(s);

	/* qpdf reads it back: no warning, the changes there */
	q = read_back(o, olen);
	CHECK_INT(qpdf_get_num_pages(q), 1);
	page = qpdf_get_page_n(q, 0);
	extra = qpdf_oh_get_key(q, page, "/Extra");
	CHECK_STR(qpdf_oh_get_string_value(q, qpdf_oh_get_key(q, extra,
	    "/Made")), "here");
	{
		unsigned char *data = NULL;
		size_t dlen = 0;
		qpdf_oh m = qpdf_oh_get_key(q, page, "/Meta");
		CHECK(!(qpdf_oh_get_stream_data(q, m, qpdf_dl_generalized, NULL,
		    &data, &dlen) & QPDF_ERRORS));
		CHECK(dlen == 17 && data && !memcmp(data, "hello hello hello", 17));
		free(data);
		data = NULL;
		m = qpdf_oh_get_key(q, page, "/Second");
		CHECK(!(qpdf_oh_get_stream_data(q, m, qpdf_dl_generalized, NULL,
		    &data, &dlen) & QPDF_ERRORS));
		CHECK(dlen == 6 && data && !memcmp(data, "second", 6));
		free(data);
	}
	qpdf_cleanup(&q);
	free(o);
	free(pdf);
}

UNIT_TEST(pdfsave_refuses_other_shapes)
{
	size_t len;
	char *pdf;
	pdfsave *s;

	/* an incremental update's trailer */
	pdf = tiny_pdf("   /Prev 9\n", 0, 0, &len);
	CHECK((s = pdfsave_open(pdf, len)) == NULL);
	pdfsave_free(s);
	free(pdf);
	/* an object of another generation */
	pdf = tiny_pdf("", 1, 0, &len);
	CHECK((s = pdfsave_open(pdf, len)) == NULL);
	pdfsave_free(s);
	free(pdf);
	/* an offset that is not its object's */
	pdf = tiny_pdf("", 0, 3, &len);
	CHECK((s = pdfsave_open(pdf, len)) == NULL);
	pdfsave_free(s);
	free(pdf);
	/* a table cut short */
	pdf = tiny_pdf("", 0, 0, &len);
	{
		char *x = strstr(pdf, "0000000000 65535 f");
		size_t keep = (size_t)(x - pdf) + 30;
		char *cut = xmalloc(keep + 40);
		size_t xref = (size_t)(strstr(pdf, "xref\n") - pdf);
		int n = snprintf(cut, keep + 40, "%.*s", (int)keep, pdf);
		n += snprintf(cut + n, keep + 40 - (size_t)n,
		    "\nstartxref\n%zu\n%%%%EOF\n", xref);
		CHECK((s = pdfsave_open(cut, (size_t)n)) == NULL);
		pdfsave_free(s);
		free(cut);
	}
	free(pdf);
	/* a cross-reference stream */
	{
		const char *x = "%PDF-1.5\n1 0 obj\n<< /Type /XRef /Size 2 "
		    "/W [1 2 1] /Length 0 >>\nstream\n\nendstream\nendobj\n"
		    "startxref\n9\n%%EOF\n";
		CHECK((s = pdfsave_open(x, strlen(x))) == NULL);
		pdfsave_free(s);
	}
	/* nothing like a PDF */
	CHECK((s = pdfsave_open("hello", 5)) == NULL);
	pdfsave_free(s);
}

UNIT_TEST(pdfsave_appends_to_a_copied_dictionary)
{
	size_t len, olen, n;
	char *pdf = annot_pdf(&len), *o;
	pdfsave *s = pdfsave_open(pdf, len);
	qpdf_data q = read_in(pdf, len);
	const char *raw;
	qpdf_oh an;

	CHECK(s != NULL);
	raw = pdfsave_raw(s, 2, &n);
	CHECK(raw && n > 8 && !memcmp(raw, "2 0 obj\n", 8));
	CHECK(pdfsave_raw(s, 7, &n) == NULL);
	CHECK_INT(pdfsave_append(s, 2, "/Contents (Go to here)"), 0);
	o = write_read_back(s, &q, &olen);
	/* the rest of it as it was */
	CHECK(o && memmem(o, olen, "   /Dest (here)\n   /BS << /W 0 >>"
	    "/Contents (Go to here)\n>>\nendobj\n", 50) != NULL);
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
	q = read_in(pdf, len);
	CHECK_INT(pdfsave_append(s, 2, "/Contents (Go to here)"), 0);
	qpdf_oh_replace_key(q, qpdf_get_object_by_id(q, 2, 0), "/F",
	    qpdf_oh_new_integer(q, 4));
	pdfsave_touch(s, 2);
	o = write_read_back(s, &q, &olen);
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

UNIT_TEST(pdfsave_replaces_bytes_of_a_copied_dictionary)
{
	static const char *const obj[4] = {
		"1 0 obj\n<< /Type /Catalog\n   /Pages 2 0 R\n>>\nendobj\n",
		"2 0 obj\n<< /Type /Pages\n   /Kids [ 3 0 R ]\n   /Count 1\n"
		">>\nendobj\n",
		"3 0 obj\n<< /Type /Page\n   /Parent 2 0 R\n"
		"   /MediaBox [ 0 0 200 200 ]\n>>\nendobj\n",
		"4 0 obj\n<< /Type /StructElem\n   /S /P\n   /P 1 0 R\n"
		"   /K 0\n>>\nendobj\n",
	};
	size_t len, olen, n;
	char *pdf = pdf_of(obj, 4, "", 0, 0, 0, &len), *o;
	pdfsave *s = pdfsave_open(pdf, len);
	qpdf_data q = read_in(pdf, len);
	const char *raw = pdfsave_raw(s, 4, &n), *at;
	qpdf_oh e;

	CHECK(raw && (at = memmem(raw, n, "1 0 R", 5)) != NULL);
	CHECK_INT(pdfsave_replace(s, 4, (size_t)(at - raw), 5, "3 0 R"), 0);
	/* one replacement an object; none outside its dictionary */
	CHECK_INT(pdfsave_replace(s, 4, 0, 1, "x"), -1);
	CHECK_INT(pdfsave_replace(s, 2, n, 1, "x"), -1);
	CHECK_INT(pdfsave_replace(s, 9, 0, 1, "x"), -1);
	o = write_read_back(s, &q, &olen);
	CHECK(o && memmem(o, olen, "4 0 obj\n<< /Type /StructElem\n   /S /P\n"
	    "   /P 3 0 R\n   /K 0\n>>\nendobj\n", 60) != NULL);
	e = qpdf_get_object_by_id(q, 4, 0);
	CHECK_INT(qpdf_oh_get_object_id(q, qpdf_oh_get_key(q, e, "/P")), 3);
	qpdf_cleanup(&q);
	free(o);

	/* replaced and then changed through qpdf: qpdf's text would not have
	 * the new bytes, so the file cannot be written this way */
	s = pdfsave_open(pdf, len);
	q = read_in(pdf, len);
	CHECK_INT(pdfsave_replace(s, 4, (size_t)(at - raw), 5, "3 0 R"), 0);
	pdfsave_touch(s, 4);
	CHECK(pdfsave_write(s, q, 1, 0, &olen) == NULL);
	qpdf_cleanup(&q);
	pdfsave_free(s);
	free(pdf);
}

/* The text of stream object id of o (olen bytes) as qpdf decodes it: a
 * malloc'd buffer of *n bytes. */
static unsigned char *
stream_text(qpdf_data q, int id, size_t *n)
{
	unsigned char *data = NULL;

	*n = 0;
	CHECK(!(qpdf_oh_get_stream_data(q, qpdf_get_object_by_id(q, id, 0),
	    qpdf_dl_generalized, NULL, &data, n) & QPDF_ERRORS));
	return data;
}

UNIT_TEST(pdfsave_deflates_cairos_uncompressed_streams)
{
	static const char content[] = "BT /f-0-0 1 Tf [<01020304>] TJ ET "
	    "BT /f-0-0 1 Tf [<01020304>] TJ ET BT /f-0-0 1 Tf [<01020304>] TJ ET";
	char c4[256], c7[256];
	const char *obj[8] = {
		"1 0 obj\n<< /Type /Catalog\n   /Pages 2 0 R\n>>\nendobj\n",
		"2 0 obj\n<< /Type /Pages\n   /Kids [ 3 0 R ]\n   /Count 1\n"
		">>\nendobj\n",
		"3 0 obj\n<< /Type /Page\n   /Parent 2 0 R\n"
		"   /MediaBox [ 0 0 200 200 ]\n   /Contents 4 0 R\n"
		"   /Extra [ 6 0 R 7 0 R ]\n>>\nendobj\n",
		c4,
		"5 0 obj\n   101\nendobj\n",
		/* filtered already: copied as it is */
		"6 0 obj\n<< /Length 11\n   /Filter /ASCIIHexDecode\n>>\n"
		"stream\n68656c6c6f>\nendstream\nendobj\n",
		c7,
		/* metadata: left as it is, for readers that look for it */
		"8 0 obj\n   12\nendobj\n",
	};
	size_t len, olen, n;
	char *pdf, *o;
	unsigned char *text, packed[256];
	uLongf plen = sizeof packed;
	pdfsave *s;
	qpdf_data q;

	snprintf(c4, sizeof c4, "4 0 obj\n<< /Length 5 0 R\n>>\nstream\n%s\n"
	    "endstream\nendobj\n", content);
	snprintf(c7, sizeof c7, "7 0 obj\n<< /Length 8 0 R\n   /Type /Metadata"
	    "\n   /Subtype /XML\n>>\nstream\n<x:xmpmeta/>\nendstream\nendobj\n");
	CHECK_INT((int)strlen(content), 101);
	pdf = pdf_of(obj, 8, "", 0, 0, 0, &len);
	s = pdfsave_open(pdf, len);
	q = read_in(pdf, len);
	CHECK(s != NULL);
	o = write_read_back(s, &q, &olen);
	/* cairo's form of a compressed stream, its length object the new
	 * length: the bytes zlib's compress() gives (cairo's own deflate) */
	CHECK(compress(packed, &plen, (const Bytef *)content,
	    sizeof content - 1) == Z_OK);
	{
		buf want;
		buf_init(&want);
		buf_puts(&want, "4 0 obj\n<< /Length 5 0 R\n   /Filter "
		    "/FlateDecode\n>>\nstream\n");
		buf_putn(&want, (const char *)packed, plen);
		buf_printf(&want, "\nendstream\nendobj\n5 0 obj\n   %lu\n"
		    "endobj\n", (unsigned long)plen);
		CHECK(o && memmem(o, olen, want.data, want.len) != NULL);
		buf_free(&want);
	}
	text = stream_text(q, 4, &n);
	CHECK(n == sizeof content - 1 && text && !memcmp(text, content, n));
	free(text);
	/* the others, the same bytes */
	CHECK(o && memmem(o, olen, obj[5], strlen(obj[5])) != NULL);
	CHECK(o && memmem(o, olen, c7, strlen(c7)) != NULL);
	CHECK(o && memmem(o, olen, obj[7], strlen(obj[7])) != NULL);
	text = stream_text(q, 6, &n);
	CHECK(n == 5 && text && !memcmp(text, "hello", 5));
	free(text);
	qpdf_cleanup(&q);
	free(o);
	free(pdf);
}

/* Bytes flipped, cut short or spliced in the stream objects of a file
 * of cairo's shape, a thousand ways: each file pdfsave_open takes is
 * written (nothing is touched, so nothing can make the write fail),
 * reading nothing outside the file (ASan runs this too); a stream copied
 * deflated decodes to its data. */
UNIT_TEST(pdfsave_copies_damaged_streams_safely)
{
	static const char *const junk[] = { "\n", ">>", "/Filter", " 0 R\n",
	    "stream\n", "endstream", "endobj\n", "<< /Length ", "99", "" };
	unsigned seed = 12345;
	int round, written = 0, opened = 0, deflated = 0;

	for (round = 0; round < 1000; round++) {
		char c4[256], c5[64], *pdf, *o;
		const char *obj[6] = {
			"1 0 obj\n<< /Type /Catalog\n   /Pages 2 0 R\n>>\n"
			"endobj\n",
			"2 0 obj\n<< /Type /Pages\n   /Kids [ 3 0 R ]\n"
			"   /Count 1\n>>\nendobj\n",
			"3 0 obj\n<< /Type /Page\n   /Parent 2 0 R\n"
			"   /MediaBox [ 0 0 200 200 ]\n   /Contents 4 0 R\n"
			">>\nendobj\n",
			c4, c5,
			"6 0 obj\n<< /Length 5 0 R\n>>\nstream\n0123456789"
			"\nendstream\nendobj\n",
		};
		size_t len, olen, n4, at, cut;
		pdfsave *s;
		qpdf_data q;

		n4 = (size_t)snprintf(c4, sizeof c4, "4 0 obj\n<< /Length 5 0 R"
		    "\n>>\nstream\n0123456789\nendstream\nendobj\n");
		snprintf(c5, sizeof c5, "5 0 obj\n   10\nendobj\n");
		/* one change to object 4 or 5: a byte, a cut, a splice */
		seed = seed * 1103515245u + 12345u;
		at = (seed >> 8) % n4;
		switch ((seed >> 4) % 4) {
		case 0:
			c4[at] = (char)(' ' + (seed >> 16) % 95);
			break;
		case 1:
			cut = at + 1;
			memmove(c4 + at, c4 + cut, n4 - cut + 1);
			break;
		case 2: {
			const char *j = junk[(seed >> 16) % 10];
			size_t jl = strlen(j);
			if (n4 + jl < sizeof c4) {
				memmove(c4 + at + jl, c4 + at, n4 - at + 1);
				memcpy(c4 + at, j, jl);
			}
			break;
		}
		default:
			snprintf(c5, sizeof c5, "5 0 obj\n   %u\nendobj\n",
			    (seed >> 16) % 14);
		}
		pdf = pdf_of(obj, 6, "", 0, 0, 0, &len);
		if ((s = pdfsave_open(pdf, len)) != NULL) {
			opened++;
			q = read_in(pdf, len);
			o = pdfsave_write(s, q, 1, 0, &olen);
			CHECK(o != NULL);
			written += o != NULL;
			qpdf_cleanup(&q);
			pdfsave_free(s);
			if (o && memmem(o, olen, "4 0 obj\n<< /Length 5 0 R\n"
			    "   /Filter /FlateDecode\n>>\nstream\n", 59)) {
				/* its data: what stood between the two words */
				const char *d = strstr(c4, ">>\nstream\n") + 10;
				size_t dn = strlen(d) - 18, n;
				unsigned char *text;
				q = read_in(o, olen);
				text = stream_text(q, 4, &n);
				CHECK(text && n == dn && !memcmp(text, d, dn));
				free(text);
				qpdf_cleanup(&q);
				deflated++;
			}
			free(o);
		}
		free(pdf);
	}
	/* most changes leave the table readable; some the stream cairo's */
	CHECK(opened > 500);
	CHECK_INT(written, opened);
	CHECK(deflated > 50);
}
