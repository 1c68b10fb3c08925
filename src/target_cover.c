/* target_cover.c -- which IPv4 range covers an address first: a segment tree over the ranges' bounds, O(log n) a lookup. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target_internal.h"

/* The ranges' bounds cut the address space into elementary segments
 * [bp[j], bp[j+1]); each tree node holds the smallest spec index among the
 * ranges that cover its whole stretch of segments (UINT32_MAX: none).  An
 * address's first covering spec is the smallest value on its leaf's path to
 * the root. */
struct ls_cover {
	uint64_t *bp;		/* sorted, distinct: every lo and hi + 1 */
	size_t nbp;		/* segments: nbp - 1 */
	uint32_t *tree;		/* 1-based, 2 * size nodes */
	size_t size;		/* leaves: a power of two >= nbp - 1 */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The index of the segment that starts at v (v is a bound). */
static size_t seg_of(const struct ls_cover *c, uint64_t v)
{
	size_t lo = 0, hi = c->nbp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->bp[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Lowers to idx every node that covers segments [l, r) whole. */
static void chmin(struct ls_cover *c, size_t l, size_t r, uint32_t idx)
{
	for (l += c->size, r += c->size; l < r; l >>= 1, r >>= 1) {
		if (l & 1) {
			if (idx < c->tree[l])
				c->tree[l] = idx;
			l++;
		}
		if (r & 1) {
			r--;
			if (idx < c->tree[r])
				c->tree[r] = idx;
		}
	}
}

int ls__cover_build(struct ls_targets *t)
{
	struct ls_cover *c = calloc(1, sizeof(*c));
	size_t i, n = 0, segs;

	if (c == NULL || (c->bp = malloc(2 * t->nmulti4 * sizeof(*c->bp))) == NULL)
		goto oom;
	for (i = 0; i < t->nmulti4; i++) {
		const struct ls_spec *s = &t->specs[t->multi4[i]];
		c->bp[n++] = s->u.r4.lo;
		c->bp[n++] = (uint64_t)s->u.r4.hi + 1;
	}
	qsort(c->bp, n, sizeof(*c->bp), cmp_u64);
	for (i = 0, c->nbp = 0; i < n; i++)
		if (c->nbp == 0 || c->bp[c->nbp - 1] != c->bp[i])
			c->bp[c->nbp++] = c->bp[i];
	segs = c->nbp - 1;
	for (c->size = 1; c->size < segs; c->size <<= 1)
		;
	if ((c->tree = malloc(2 * c->size * sizeof(*c->tree))) == NULL)
		goto oom;
	memset(c->tree, 0xff, 2 * c->size * sizeof(*c->tree));
	for (i = 0; i < t->nmulti4; i++) {
		const struct ls_spec *s = &t->specs[t->multi4[i]];
		chmin(c, seg_of(c, s->u.r4.lo), seg_of(c, (uint64_t)s->u.r4.hi + 1), (uint32_t)t->multi4[i]);
	}
	ls__cover_free(t->cover);
	t->cover = c;
	return 0;
oom:
	ls__cover_free(c);
	return -ENOMEM;
}

uint32_t ls__cover_first(const struct ls_cover *c, uint32_t addr)
{
	size_t lo = 0, hi = c->nbp, node;
	uint32_t best = UINT32_MAX;

	/* the last bound <= addr starts its segment */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->bp[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || lo == c->nbp)
		return UINT32_MAX;	/* before the first bound or past the last */
	for (node = lo - 1 + c->size; node >= 1; node >>= 1)
		if (c->tree[node] < best)
			best = c->tree[node];
	return best;
}

void ls__cover_free(struct ls_cover *c)
{
	if (c == NULL)
		return;
	free(c->bp);
	free(c->tree);
	free(c);
}
