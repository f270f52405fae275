/*
 * test_pdftag.c — unit tests of pdftag_mark_stream (compiler/pdf/pdftag.c),
 * the content-stream rewriter that makes untagged page content artifacts:
 * text objects, paths, images and shadings outside every marked-content
 * sequence are wrapped in /Artifact BMC ... EMC; tagged content is left
 * alone; sequences whose MCID is to be dropped become artifacts; strings
 * that look like operators are not operators; a text object that holds
 * tagged content is never wrapped (tagged content inside an artifact).
 */
#include <stdlib.h>
#include <string.h>

#include "pdf/pdftag.h"
#include "harness.h"

static char *
mark(const char *s, const int *art, size_t nart, size_t *conv)
{
	size_t len;

	return pdftag_mark_stream(s, strlen(s), art, nart, &len, conv);
}

UNIT_TEST(pdftag_wraps_untagged_objects)
{
	size_t conv;
	char *o = mark("q 1 0 0 1 0 0 cm BT /F1 1 Tf (Page 1) Tj ET "
	    "56 60 m 539 60 l S 0 0 10 10 re f /x1 Do Q", NULL, 0, &conv);

	CHECK_STR(o, "q 1 0 0 1 0 0 cm /Artifact BMC\nBT /F1 1 Tf (Page 1) "
	    "Tj ET\nEMC\n /Artifact BMC\n56 60 m 539 60 l S\nEMC\n "
	    "/Artifact BMC\n0 0 10 10 re f\nEMC\n /Artifact BMC\n/x1 Do\n"
	    "EMC\n Q");
	CHECK_INT((int)conv, 0);
	free(o);
}

UNIT_TEST(pdftag_leaves_tagged_content)
{
	const char *s = "/P << /MCID 0 >> BDC BT (a) Tj ET 0 0 1 1 re f EMC "
	    "BT /Span << /ActualText <feff0020> >> BDC (b) Tj EMC ET";
	size_t conv;
	char *o = mark(s, NULL, 0, &conv);

	/* the second text object is not tagged: a Span is not an MCID */
	CHECK_STR(o, "/P << /MCID 0 >> BDC BT (a) Tj ET 0 0 1 1 re f EMC "
	    "/Artifact BMC\nBT /Span << /ActualText <feff0020> >> BDC (b) Tj "
	    "EMC ET\nEMC\n");
	free(o);
}

UNIT_TEST(pdftag_drops_mcids)
{
	int art[] = { 1, 3 };
	size_t conv;
	char *o = mark("/P <</MCID 1>> BDC 0 0 1 1 re S EMC "
	    "/P << /MCID 2 >> BDC (x) Tj EMC /TR << /MCID 3 >>BDC EMC",
	    art, 2, &conv);

	CHECK_STR(o, "/Artifact BMC 0 0 1 1 re S EMC /P << /MCID 2 >> BDC "
	    "(x) Tj EMC /Artifact BMC EMC");
	CHECK_INT((int)conv, 2);
	free(o);
}

UNIT_TEST(pdftag_strings_are_not_operators)
{
	size_t conv;
	char *o = mark("/P << /MCID 0 >> BDC BT (EMC \\) BT ET (nested) EMC) "
	    "Tj <454d43> Tj ET EMC % BT ET EMC\n", NULL, 0, &conv);

	CHECK_STR(o, "/P << /MCID 0 >> BDC BT (EMC \\) BT ET (nested) EMC) "
	    "Tj <454d43> Tj ET EMC % BT ET EMC\n");
	free(o);
}

UNIT_TEST(pdftag_text_with_tags_stays)
{
	size_t conv;
	char *o = mark("BT /P << /MCID 4 >> BDC (t) Tj EMC ET", NULL, 0,
	    &conv);

	CHECK_STR(o, "BT /P << /MCID 4 >> BDC (t) Tj EMC ET");
	free(o);
}

UNIT_TEST(pdftag_inline_image)
{
	size_t conv;
	char *o = mark("BI /W 1 /H 1 /BPC 8 /CS /G ID \x01" "EMC BT EI Q",
	    NULL, 0, &conv);

	CHECK_STR(o, "/Artifact BMC\nBI /W 1 /H 1 /BPC 8 /CS /G ID \x01"
	    "EMC BT EI\nEMC\n Q");
	free(o);
}
