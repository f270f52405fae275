/*
 * module.h — the parts of policyc built as modules of their own and
 * loaded when first needed (module.c): the PDF back end
 * (policyc-pdf.so: Pango, cairo, HarfBuzz, fontconfig, librsvg, qpdf),
 * serve's HTTP server (policyc-serve.so: libmicrohttpd, GnuTLS), what
 * reads git (policyc-git.so: libgit2) and import's zip reader
 * (policyc-zip.so: libzip, libcrypto, libbz2).
 * A module hands the core one table, whose first field is the build id
 * of the policyc it was built with.
 */
#ifndef POLICYC_MODULE_H
#define POLICYC_MODULE_H

#include <stddef.h>

/* POLICYC_BUILD_ID, made by the Makefile from the sources and flags
 * (build/buildid.h): a module's table and module.c name it, each as it
 * was compiled, so the two of one build agree */
#if defined(__has_include)
#if __has_include("buildid.h")
#include "buildid.h"
#endif
#endif
#ifdef POLICYC_BUILD_ID
#define MODULE_BUILD_ID POLICYC_BUILD_ID
#else
#define MODULE_BUILD_ID ""
#endif

/* The first field of every module's table. */
typedef struct {
	const char *build_id;
} module_head;

/*
 * The table named symbol of the module file ("policyc-pdf.so"), loaded
 * once a process whichever thread asks first; linked_in is the table
 * when this program links the module's code in (the unit tests), else
 * NULL.  NULL, with why in err, when the module is missing, cannot be
 * loaded or is of another build.
 */
const void *module_table(const char *file, const char *symbol,
    const void *linked_in, char *err, size_t errsize);

#endif
