/*
 * digest.c — the one SHA-256 of the project.  Every document's source is
 * hashed for its document-control block (the hash printed on a
 * controlled copy), so the hash is on the model stage's path for every
 * document: nettle's SHA-256, which uses the CPU's SHA extensions, took
 * a tenth of the time of glib's portable one there.
 */
#include <nettle/sha2.h>

#include "digest.h"

void
digest_sha256_hex(const void *data, size_t len, char out[DIGEST_HEX])
{
	static const char hexd[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof d, d);
	for (i = 0; i < sizeof d; i++) {
		out[2 * i] = hexd[d[i] >> 4];
		out[2 * i + 1] = hexd[d[i] & 15];
	}
	out[2 * sizeof d] = '\0';
}
