/* siphash.c -- SipHash-2-4, written from the paper's definition (little-endian words, 2 + 4 rounds). */
#include "lanscan/siphash.h"

static uint64_t rotl(uint64_t x, int b) { return x << b | x >> (64 - b); }

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

struct sip {
	uint64_t v0, v1, v2, v3;
};

static void round_(struct sip *s)
{
	s->v0 += s->v1; s->v1 = rotl(s->v1, 13); s->v1 ^= s->v0; s->v0 = rotl(s->v0, 32);
	s->v2 += s->v3; s->v3 = rotl(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = rotl(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = rotl(s->v1, 17); s->v1 ^= s->v2; s->v2 = rotl(s->v2, 32);
}

static void absorb(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	round_(s);
	round_(s);
	s->v0 ^= m;
}

uint64_t ls_siphash(const uint8_t key[LS_SIPHASH_KEYLEN], const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t k0 = load64(key), k1 = load64(key + 8), last = (uint64_t)len << 56;
	struct sip s = { k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
			 k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL };
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8)
		absorb(&s, load64(p + i));
	for (i = 0; i < tail; i++)
		last |= (uint64_t)p[len - tail + i] << (8 * i);
	absorb(&s, last);
	s.v2 ^= 0xff;
	round_(&s);
	round_(&s);
	round_(&s);
	round_(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
