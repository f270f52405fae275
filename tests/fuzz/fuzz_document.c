/*
 * fuzz_document.c — libFuzzer target for the Markdown and link stages: the
 * input (after its options byte, see fuzz_common.h) becomes
 * policies/fuzz.md of a small project beside a fixed second document, and
 * the whole pipeline runs in-process through pipeline.c (load, link,
 * check — the built-in filters optionally — and model: the corpus and
 * document XML), and the diagnostics printer.
 * Nothing is validated here: the sanitizers are the oracle (no crash, no
 * leak, no undefined behaviour); fuzz_xml checks the trees.
 */
#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Serialises each tree as publish.c writes it, so the writer runs too. */
static void
dump(xmlDocPtr doc, const char *what, void *arg)
{
	xmlChar *mem = NULL;
	int len = 0;
	(void)what;
	(void)arg;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 0);
	if (!mem)
		abort();
	xmlFree(mem);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_pipeline(fuzz_scratch("document"), data[0], data + 1, size - 1,
	    dump, NULL);
	return 0;
}
