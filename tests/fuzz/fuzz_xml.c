/*
 * fuzz_xml.c — libFuzzer target for the XML writer: random Markdown (after
 * the options byte of fuzz_common.h) through the pipeline, then every tree
 * xmlout builds — the corpus and each document — must validate against
 * templates/xml/policy.rng, checked in-process with xmlRelaxNGValidateDoc.
 * The schema is the contract every back end reads, so a tree that does not
 * validate is a bug: the target aborts and libFuzzer keeps the input.
 */
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pipeline.h"
#include "fuzz_common.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmlRelaxNGPtr schema;
static int invalid;

/* A schema error marks the tree invalid; it is printed as it comes so the
 * report says which element broke the rule. */
static void
on_error(void *ctx, const char *fmt, ...)
{
	va_list ap;
	(void)ctx;
	invalid = 1;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void
on_warning(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *path = path_join(pipeline_data_dir(), "templates/xml/policy.rng");
	xmlRelaxNGParserCtxtPtr pc;

	(void)argc;
	(void)argv;
	pc = xmlRelaxNGNewParserCtxt(path);
	schema = pc ? xmlRelaxNGParse(pc) : NULL;
	if (pc)
		xmlRelaxNGFreeParserCtxt(pc);
	if (!schema) {
		fprintf(stderr, "fuzz_xml: cannot load schema %s\n", path);
		abort();
	}
	free(path);
	return 0;
}

static void
validate(xmlDocPtr doc, const char *what, void *arg)
{
	xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
	int rc;
	(void)arg;

	if (!vc)
		abort();
	invalid = 0;
	xmlRelaxNGSetValidErrors(vc, on_error, on_warning, NULL);
	rc = xmlRelaxNGValidateDoc(vc, doc);
	xmlRelaxNGFreeValidCtxt(vc);
	if (rc != 0 || invalid) {
		fprintf(stderr, "fuzz_xml: the tree of %s does not validate "
		    "against policy.rng:\n", what);
		xmlDocFormatDump(stderr, doc, 1);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_pipeline(fuzz_scratch("xml"), data[0], data + 1, size - 1,
	    validate, NULL);
	return 0;
}
