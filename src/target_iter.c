/* target_iter.c -- membership and the lazy expansion of the targets: each address once, exclusions skipped. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/util.h"
#include "target_internal.h"

static bool spec_contains(const struct ls_spec *s, const struct ls_addr *a)
{
	uint32_t v;
	int k;

	switch (s->kind) {
	case LS_SPEC_OCTETS:
		if (a->family != AF_INET)
			return false;
		for (k = 0; k < 4; k++)
			if (!((s->u.oct[k][a->b[k] / 8] >> (a->b[k] % 8)) & 1))
				return false;
		return true;
	case LS_SPEC_RANGE4:
		if (a->family != AF_INET)
			return false;
		v = ls_be32(a->b);
		return v >= s->u.r4.lo && v <= s->u.r4.hi;
	case LS_SPEC_RANGE6:
		return a->family == AF_INET6 && a->scope == s->u.r6->scope && memcmp(a->b, s->u.r6->lo, 16) >= 0 &&
		       memcmp(a->b, s->u.r6->hi, 16) <= 0;
	case LS_SPEC_NAME:
		break;
	}
	return false;
}

/* Is the spec one address? */
static bool spec_single(const struct ls_spec *s)
{
	return (s->kind == LS_SPEC_RANGE4 && s->u.r4.lo == s->u.r4.hi) ||
	       (s->kind == LS_SPEC_RANGE6 && memcmp(s->u.r6->lo, s->u.r6->hi, 16) == 0);
}

/* Below this many IPv4 ranges a linear scan beats building the index. */
#define COVER_MIN 16

/* The spec before index `before` (SIZE_MAX: any) that covers a, or NULL.
 * A multi-address spec is preferred to a single one, so that the iterator can
 * jump over the whole covered stretch.  The IPv4 ranges are looked up in an
 * index (target_cover.c), built on first use: t is const to callers, but the
 * index is a cache of its contents. */
static const struct ls_spec *covered_before(const struct ls_targets *t, const struct ls_addr *a,
					    size_t before, bool single)
{
	size_t i, idx1;
	uint32_t v, first;

	if (t == NULL || t->n == 0 || before == 0)
		return NULL;	/* nothing earlier to compare with: the common case */
	if (a->family == AF_INET && t->nmulti4 > 0) {
		v = ls_be32(a->b);
		if (t->nmulti4 >= COVER_MIN && t->cover == NULL)
			(void)ls__cover_build((struct ls_targets *)t);	/* no memory: scan */
		if (t->cover != NULL) {
			first = ls__cover_first(t->cover, v);
			if (first != UINT32_MAX && first < before)
				return &t->specs[first];
		} else {
			for (i = 0; i < t->nmulti4 && t->multi4[i] < before; i++)
				if (spec_contains(&t->specs[t->multi4[i]], a))
					return &t->specs[t->multi4[i]];
		}
	}
	for (i = 0; i < t->nmulti && t->multi[i] < before; i++)
		if (spec_contains(&t->specs[t->multi[i]], a))
			return &t->specs[t->multi[i]];
	/* One address is in the hash once, at its first spec: a single spec
	 * cannot repeat an earlier single one (ls_targets_add drops those). */
	if (t->hcount == 0 || single)
		return NULL;
	idx1 = ls__hash_lookup(t, a);
	if (idx1 != 0 && idx1 - 1 < before)
		return &t->specs[idx1 - 1];
	return NULL;
}

/* Moves a range iterator to the last address that `cover` shares with the
 * spec being walked, so that the next step leaves the covered stretch at once
 * (a /8 minus an excluded /8 costs one step, not 16 million). */
static void skip_covered(struct ls_target_iter *it, const struct ls_spec *s, const struct ls_spec *cover)
{
	struct ls_addr a = { .family = AF_INET };
	int v, last = -1;

	if (s->kind == LS_SPEC_OCTETS && cover->kind == LS_SPEC_OCTETS) {
		/* Both are products of per-octet sets, and cover holds the
		 * current address: every address of s that shares its first
		 * `keep` octets is covered when s's later octet sets are subsets
		 * of cover's.  Find the smallest such keep (0: the whole spec)
		 * and jump to the end of that block. */
		int keep, j, b;
		for (keep = 4; keep > 0; keep--) {
			for (b = 0; b < 32; b++)
				if (s->u.oct[keep - 1][b] & ~cover->u.oct[keep - 1][b])
					break;
			if (b < 32)
				break;	/* octet keep-1 of s is not all covered */
		}
		if (keep < 4) {
			for (j = keep; j < 4; j++) {
				for (v = 255; !((s->u.oct[j][v / 8] >> (v % 8)) & 1); v--)
					;
				it->oct[j] = (uint8_t)v;
			}
			return;
		}
	}
	if (s->kind == LS_SPEC_OCTETS) {
		/* Skip the rest of this last-octet run when cover holds all of it. */
		memcpy(a.b, it->oct, 3);
		for (v = it->oct[3]; v < 256; v++) {
			if (!((s->u.oct[3][v / 8] >> (v % 8)) & 1))
				continue;
			a.b[3] = (uint8_t)v;
			if (!spec_contains(cover, &a))
				return;
			last = v;
		}
		if (last >= 0)
			it->oct[3] = (uint8_t)last;
	} else if (s->kind == LS_SPEC_RANGE4 && cover->kind == LS_SPEC_RANGE4)
		it->cur4 = cover->u.r4.hi < s->u.r4.hi ? cover->u.r4.hi : s->u.r4.hi;
	else if (s->kind == LS_SPEC_RANGE4 && cover->kind == LS_SPEC_OCTETS) {
		/* To the end of cover's run of consecutive addresses. */
		uint32_t end = ls__octets_run_end((const uint8_t (*)[32])cover->u.oct, it->cur4);
		it->cur4 = end < s->u.r4.hi ? end : s->u.r4.hi;
	}
	else if (s->kind == LS_SPEC_RANGE6 && cover->kind == LS_SPEC_RANGE6)
		memcpy(it->cur6, memcmp(cover->u.r6->hi, s->u.r6->hi, 16) < 0 ? cover->u.r6->hi : s->u.r6->hi, 16);
}

bool ls_targets_contains(const struct ls_targets *t, const struct ls_addr *addr)
{
	return covered_before(t, addr, SIZE_MAX, false) != NULL;
}

void ls_target_iter_init(struct ls_target_iter *it, const struct ls_targets *t,
			 const struct ls_targets *exclude)
{
	memset(it, 0, sizeof(*it));
	it->t = t;
	it->exclude = exclude;
}

static int next_bit(const uint8_t set[32], int from)
{
	int v;

	for (v = from; v < 256; v++) {
		if (set[v / 8] >> (v % 8) == 0)
			v |= 7;	/* nothing more in this byte */
		else if ((set[v / 8] >> (v % 8)) & 1)
			return v;
	}
	return -1;
}

/* Moves to the spec's first address (first == true) or the next one; false when done. */
static bool step(struct ls_target_iter *it, const struct ls_spec *s, bool first)
{
	int k, v;

	switch (s->kind) {
	case LS_SPEC_OCTETS:
		if (first) {
			for (k = 0; k < 4; k++)
				it->oct[k] = (uint8_t)next_bit(s->u.oct[k], 0);
			return true;
		}
		for (k = 3; k >= 0; k--) {
			v = next_bit(s->u.oct[k], it->oct[k] + 1);
			if (v >= 0) {
				it->oct[k] = (uint8_t)v;
				return true;
			}
			it->oct[k] = (uint8_t)next_bit(s->u.oct[k], 0);
		}
		return false;
	case LS_SPEC_RANGE4:
		if (first) {
			it->cur4 = s->u.r4.lo;
			return true;
		}
		if (it->cur4 == s->u.r4.hi)
			return false;
		it->cur4++;
		return true;
	case LS_SPEC_RANGE6:
		if (first) {
			memcpy(it->cur6, s->u.r6->lo, 16);
			return true;
		}
		if (memcmp(it->cur6, s->u.r6->hi, 16) == 0)
			return false;
		for (k = 15; k >= 0 && ++it->cur6[k] == 0; k--)
			;
		return true;
	case LS_SPEC_NAME:
		break;
	}
	return false;
}

int ls_target_iter_next(struct ls_target_iter *it, struct ls_target *out)
{
	const struct ls_spec *s, *cover;
	struct ls_addr *a = &out->addr;

	while (it->spec < it->t->n) {
		s = &it->t->specs[it->spec];
		if (s->kind == LS_SPEC_NAME) {
			memset(out, 0, sizeof(*out));
			out->spec = s;
			out->is_name = true;
			it->spec++;
			return 1;
		}
		if (!step(it, s, !it->started)) {
			it->spec++;
			it->started = false;
			continue;
		}
		it->started = true;
		memset(a, 0, sizeof(*a));
		if (s->kind == LS_SPEC_RANGE6) {
			a->family = AF_INET6;
			a->scope = s->u.r6->scope;
			memcpy(a->b, it->cur6, 16);
		} else {
			a->family = AF_INET;
			if (s->kind == LS_SPEC_OCTETS)
				memcpy(a->b, it->oct, 4);
			else {
				a->b[0] = (uint8_t)(it->cur4 >> 24);
				a->b[1] = (uint8_t)(it->cur4 >> 16);
				a->b[2] = (uint8_t)(it->cur4 >> 8);
				a->b[3] = (uint8_t)it->cur4;
			}
		}
		cover = covered_before(it->exclude, a, SIZE_MAX, false);
		if (cover == NULL)
			cover = covered_before(it->t, a, it->spec, spec_single(s));
		if (cover != NULL) {
			skip_covered(it, s, cover);
			continue;
		}
		out->spec = s;
		out->is_name = false;
		return 1;
	}
	return 0;
}

