/*
 * zipmodule.c — the core's side of the zip module, policyc-zip.so
 * (importzip.c; module.c says where modules are looked for).  libzip
 * links OpenSSL's libcrypto and libbz2, and loading the three cost every
 * start of policyc about 7 ms on this project's machine (a trivial
 * program linked with and without them, perf stat) — twice for a large
 * build, which starts again on huge pages (hugepages.c) — while only
 * `policyc import` of a .docx or .odt reads a zip archive.  So the
 * module is loaded by the first importzip_open; a module that cannot be
 * loaded fails that file's import, saying why, as an archive that
 * cannot be read does.  Programs that link the module in (the unit
 * tests) find its table without loading anything.
 */
#include <stddef.h>

#include "import.h"
#include "module.h"
#include "util.h"

/* present when the module is linked into this program */
extern const import_zip policyc_import_zip __attribute__((weak));

static const import_zip *
zip_module(char *err, size_t errsize)
{
	return module_table("policyc-zip.so", "policyc_import_zip",
	    &policyc_import_zip, err, errsize);
}

/* Past importzip_open, the module is loaded: an archive exists only
 * then. */
static const import_zip *
loaded(void)
{
	char err[1500];

	return zip_module(err, sizeof err);
}

importzip *
importzip_open(const char *path, char **err)
{
	char why[1500];
	const import_zip *z = zip_module(why, sizeof why);

	if (!z) {
		*err = xasprintf("cannot load the zip module: %s", why);
		return NULL;
	}
	return z->open(path, err);
}

int
importzip_has(importzip *z, const char *name)
{
	return loaded()->has(z, name);
}

char *
importzip_read(importzip *z, const char *name, size_t *len, char **err)
{
	return loaded()->read(z, name, len, err);
}

void
importzip_close(importzip *z)
{
	if (z)
		loaded()->close(z);
}
