/* siphash.h -- SipHash-2-4: a keyed 64-bit MAC, so replies can prove they answer a probe we sent. */
#ifndef LANSCAN_SIPHASH_H
#define LANSCAN_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define LS_SIPHASH_KEYLEN 16

/* The SipHash-2-4 tag of buf[0..len) under a 16-byte key (Aumasson and
 * Bernstein's reference definition; test vectors in tests/unit). */
uint64_t ls_siphash(const uint8_t key[LS_SIPHASH_KEYLEN], const void *buf, size_t len);

#endif
