/*
 * digest.h — the one SHA-256 of the project (controlled-copy hashes,
 * content-addressed asset names, imported images), through nettle, whose
 * x86-64 code uses the CPU's SHA instructions where it has them.
 */
#ifndef POLICYC_DIGEST_H
#define POLICYC_DIGEST_H

#include <stddef.h>

#define DIGEST_HEX 65   /* 64 hex digits and a NUL */

/* SHA-256 of the len bytes at data, as lower-case hex, into out. */
void digest_sha256_hex(const void *data, size_t len, char out[DIGEST_HEX]);

#endif
