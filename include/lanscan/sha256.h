/* sha256.h -- SHA-256 (FIPS 180-4) of a buffer, for the HTML report's Content-Security-Policy hashes. */
#ifndef LANSCAN_SHA256_H
#define LANSCAN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define LS_SHA256_LEN 32
#define LS_SHA256_B64_LEN 45	/* 44 characters of base64 and a NUL */

/* The digest of n bytes at p. */
void ls_sha256(const void *p, size_t n, uint8_t out[LS_SHA256_LEN]);

/* The digest of n bytes at p in base64 (RFC 4648, padded), as a CSP
 * source ('sha256-...') wants it. */
void ls_sha256_b64(const void *p, size_t n, char out[LS_SHA256_B64_LEN]);

#endif
