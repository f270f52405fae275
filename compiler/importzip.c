/*
 * importzip.c — reading the zip archive a .docx or .odt is, for `policyc
 * import` (import.c), through libzip.  It refuses, with a reason a person
 * can act on, what is not an archive: an encrypted Office file (an OLE
 * compound file holding an EncryptedPackage), an old binary .doc, a
 * corrupt zip, a FIFO or device (never waited on); and it bounds what
 * it inflates (entry count, bytes per part) so a zip bomb is an error,
 * not an exhausted machine.  It is the
 * module policyc-zip.so: libzip brings OpenSSL's libcrypto and libbz2,
 * ~7 ms of every start of policyc, for a command most runs never use
 * (zipmodule.c is the core's side).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "import.h"

struct importzip {
	zip_t *za;
};

/* The first bytes of the file: an OLE compound file (encrypted OOXML or
 * a binary .doc) is named as such rather than "not a zip". */
static char *
sniff_reason(const char *path)
{
	static const unsigned char ole[8] = {
		0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1
	};
	unsigned char head[4096];
	size_t n, i;
	struct stat st;
	ssize_t got;
	/* without blocking, and a regular file only: opening a FIFO would
	 * wait for a writer for ever, and a device has no end */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return xasprintf("cannot read the file: %s", strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return xstrdup("not a regular file (a FIFO, device or "
		    "socket): not read");
	}
	for (n = 0; n < sizeof head; n += (size_t)got)
		if ((got = read(fd, head + n, sizeof head - n)) <= 0)
			break;
	close(fd);
	if (n >= 8 && !memcmp(head, ole, 8)) {
		/* "EncryptedPackage" is stored in UTF-16 in the directory */
		static const char enc[] = "EncryptedPackage";
		for (i = 0; i + 2 * (sizeof enc - 1) <= n; i++) {
			size_t k;
			for (k = 0; k < sizeof enc - 1; k++)
				if (head[i + 2 * k] != (unsigned char)enc[k] ||
				    head[i + 2 * k + 1] != 0)
					break;
			if (k == sizeof enc - 1)
				return xstrdup("the file is encrypted (password "
				    "protected); save an unprotected copy and "
				    "import that");
		}
		return xstrdup("the file is an OLE compound file (an old "
		    "binary .doc, or an encrypted document): save it as .docx "
		    "or .odt and import that");
	}
	if (n == 0)
		return xstrdup("the file is empty");
	return NULL;
}

static importzip *
zip_archive_open(const char *path, char **err)
{
	int zerr = 0;
	zip_t *za;
	zip_int64_t n;
	importzip *z;

	*err = sniff_reason(path);
	if (*err)
		return NULL;
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!za) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		*err = xasprintf("not a Word (.docx) or OpenDocument (.odt) "
		    "file: it is not a readable zip archive (%s)",
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return NULL;
	}
	n = zip_get_num_entries(za, 0);
	if (n < 0 || n > IMPORTZIP_MAX_ENTRIES) {
		*err = xasprintf("the archive has %lld entries (at most %d are "
		    "read)", (long long)n, IMPORTZIP_MAX_ENTRIES);
		zip_discard(za);
		return NULL;
	}
	z = xcalloc(1, sizeof *z);
	z->za = za;
	return z;
}

static int
zip_archive_has(importzip *z, const char *name)
{
	return zip_name_locate(z->za, name, 0) >= 0;
}

static char *
zip_archive_read(importzip *z, const char *name, size_t *len, char **err)
{
	zip_stat_t st;
	zip_file_t *f;
	char *data;
	zip_int64_t got, total = 0;

	*err = NULL;
	*len = 0;
	zip_stat_init(&st);
	if (zip_stat(z->za, name, 0, &st) < 0)
		return NULL;
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE) {
		*err = xasprintf("%s is encrypted", name);
		return NULL;
	}
	if (!(st.valid & ZIP_STAT_SIZE) || st.size > (zip_uint64_t)IMPORTZIP_MAX_PART) {
		*err = xasprintf("%s is larger than %ld MB uncompressed: refused "
		    "(a zip bomb?)", name, IMPORTZIP_MAX_PART >> 20);
		return NULL;
	}
	f = zip_fopen(z->za, name, 0);
	if (!f) {
		*err = xasprintf("%s cannot be read: %s", name,
		    zip_strerror(z->za));
		return NULL;
	}
	/* read at most the declared size plus one byte: a header that lies
	 * about the size cannot make us inflate more */
	data = xmalloc((size_t)st.size + 2);
	while ((got = zip_fread(f, data + total,
	    (zip_uint64_t)st.size + 1 - (zip_uint64_t)total)) > 0) {
		total += got;
		if ((zip_uint64_t)total > st.size)
			break;
	}
	if (got < 0 || (zip_uint64_t)total != st.size) {
		*err = xasprintf("%s is corrupt: %s", name,
		    got < 0 ? zip_file_strerror(f) : "its size does not match");
		zip_fclose(f);
		free(data);
		return NULL;
	}
	zip_fclose(f);
	data[total] = '\0';
	*len = (size_t)total;
	return data;
}

static void
zip_archive_close(importzip *z)
{
	if (!z)
		return;
	zip_discard(z->za);
	free(z);
}

const import_zip policyc_import_zip = {
	{ MODULE_BUILD_ID },
	zip_archive_open,
	zip_archive_has,
	zip_archive_read,
	zip_archive_close,
};
