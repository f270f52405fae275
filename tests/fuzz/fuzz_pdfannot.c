/*
 * fuzz_pdfannot.c — libFuzzer target for pdfannot.c, the reader of link
 * annotations from the bytes cairo writes (a user's link targets and
 * document ids reach those bytes through cairo's escaping).  On
 * arbitrary bytes pdfannot_read must either refuse (-1) or give what it
 * promises: a URI only of printable ASCII, a destination's text only in
 * valid UTF-8, and that text must make a PDF text string.  The same
 * bytes read as a structure element (pdfannot_elem): a type of
 * printable ASCII after its slash, and /P's value a range inside the
 * bytes that reads as a reference.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdfannot.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_elem(const uint8_t *data, size_t size)
{
	pdfelem e;
	size_t i;

	if (pdfannot_elem((const char *)data, size, &e) != 0)
		return;
	if (e.type[0] != '/' || !e.type[1])
		abort();
	for (i = 1; e.type[i]; i++)
		if (e.type[i] <= ' ' || e.type[i] > '~')
			abort();
	if (!e.p_len || e.p_at > size || e.p_len > size - e.p_at ||
	    data[e.p_at] < '0' || data[e.p_at] > '9' ||
	    data[e.p_at + e.p_len - 1] != 'R')
		abort();
	if (e.k == ELEM_K_REF && e.k_ref <= 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pdfannot a;
	char *s;
	size_t i;

	check_elem(data, size);
	if (pdfannot_read((const char *)data, size, &a) != 0)
		return 0;
	if (a.uri) {
		if (!a.action)
			abort();
		for (i = 0; a.uri[i]; i++)
			if ((unsigned char)a.uri[i] < 0x20 ||
			    (unsigned char)a.uri[i] > 0x7e)
				abort();
	}
	if (a.dest_kind == ANNOT_DEST_TEXT) {
		if (!a.dest || !utf8_valid(a.dest, strlen(a.dest), NULL))
			abort();
		if (!(s = pdfannot_text_string(a.dest)))
			abort();
		free(s);
	} else if (a.dest)
		abort();
	pdfannot_clear(&a);
	return 0;
}
