/* target_cover.c -- which IPv4 range covers an address first: a segment tree over the ranges' bounds (octet specs cut into runs), O(log n) a lookup. */
#include <errno.h>
#include <stdbool.h>
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

/* One run of a spec in the index. */
struct run {
	uint32_t lo, hi, idx;
};

/* Appends the runs of spec idx to *runs (room made by the caller). */
static size_t spec_runs(const struct ls_spec *s, uint32_t idx, struct run *runs, struct ls_run4 *tmp)
{
	size_t i, n;

	if (s->kind == LS_SPEC_RANGE4) {
		runs[0] = (struct run){ s->u.r4.lo, s->u.r4.hi, idx };
		return 1;
	}
	n = ls__octets_runs((const uint8_t (*)[32])s->u.oct, LS_OCT_RUNS_MAX, tmp);
	for (i = 0; i < n; i++)
		runs[i] = (struct run){ tmp[i].lo, tmp[i].hi, idx };
	return n;
}

int ls__cover_build(struct ls_targets *t)
{
	struct ls_cover *c = calloc(1, sizeof(*c));
	struct ls_run4 *tmp = malloc(LS_OCT_RUNS_MAX * sizeof(*tmp));
	struct run *runs = NULL;
	size_t i, n = 0, nruns = 0, segs;

	if (c == NULL || tmp == NULL)
		goto oom;
	for (i = 0; i < t->nmulti4; i++) {
		const struct ls_spec *s = &t->specs[t->multi4[i]];
		nruns += s->kind == LS_SPEC_RANGE4 ? 1 : ls__octets_runs((const uint8_t (*)[32])s->u.oct,
									 LS_OCT_RUNS_MAX, NULL);
	}
	if ((runs = malloc(nruns * sizeof(*runs))) == NULL ||
	    (c->bp = malloc(2 * nruns * sizeof(*c->bp))) == NULL)
		goto oom;
	for (i = 0, nruns = 0; i < t->nmulti4; i++)
		nruns += spec_runs(&t->specs[t->multi4[i]], (uint32_t)t->multi4[i], runs + nruns, tmp);
	for (i = 0; i < nruns; i++) {
		c->bp[n++] = runs[i].lo;
		c->bp[n++] = (uint64_t)runs[i].hi + 1;
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
	for (i = 0; i < nruns; i++)
		chmin(c, seg_of(c, runs[i].lo), seg_of(c, (uint64_t)runs[i].hi + 1), runs[i].idx);
	free(runs);
	free(tmp);
	ls__cover_free(t->cover);
	t->cover = c;
	return 0;
oom:
	free(runs);
	free(tmp);
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

/* --- octet specs as runs of consecutive addresses ------------------------ */

static bool has(const uint8_t set[32], unsigned v)
{
	return (set[v / 8] >> (v % 8)) & 1;
}

static bool full(const uint8_t set[32])
{
	int i;

	for (i = 0; i < 32; i++)
		if (set[i] != 0xff)
			return false;
	return true;
}

/* The octet whose intervals make the runs: the last one not full (0 when
 * all are). */
static int run_octet(const uint8_t (*oct)[32])
{
	int j;

	for (j = 3; j > 0 && full(oct[j]); j--)
		;
	return j;
}

static unsigned first_of(const uint8_t set[32], unsigned from)
{
	unsigned v;

	for (v = from; v < 256; v++) {
		if (set[v / 8] >> (v % 8) == 0)
			v |= 7;	/* nothing more in this byte */
		else if (has(set, v))
			break;
	}
	return v;
}

/* The set as four words, value v at bit v % 64 of word v / 64. */
static void words(const uint8_t set[32], uint64_t w[4])
{
	int i;

	for (i = 0; i < 4; i++)
		w[i] = 0;
	for (i = 0; i < 32; i++)
		w[i / 8] |= (uint64_t)set[i] << (8 * (i % 8));
}

static unsigned pop64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* How many values a set holds. */
static unsigned popcount(const uint8_t set[32])
{
	uint64_t w[4];

	words(set, w);
	return pop64(w[0]) + pop64(w[1]) + pop64(w[2]) + pop64(w[3]);
}

/* How many intervals of consecutive values: values in the set whose
 * predecessor is not. */
static unsigned intervals(const uint8_t set[32])
{
	uint64_t w[4], prev = 0;
	unsigned i, n = 0;

	words(set, w);
	for (i = 0; i < 4; i++) {
		n += pop64(w[i] & ~(w[i] << 1 | prev >> 63));
		prev = w[i];
	}
	return n;
}

size_t ls__octets_runs(const uint8_t (*oct)[32], size_t max, struct ls_run4 *out)
{
	int j = run_octet(oct), k;
	unsigned shift = 8 * (3 - (unsigned)j), v, lo = 0, cur[4] = { 0 };
	uint32_t low = (1u << shift) - 1, prefix;
	uint64_t count = intervals(oct[j]);
	size_t n = 0;

	for (k = 0; k < j && count <= max; k++)
		count *= popcount(oct[k]);
	if (count > max)
		return max + 1;
	if (out == NULL)
		return (size_t)count;
	for (k = 0; k < j; k++)
		cur[k] = first_of(oct[k], 0);
	for (;;) {
		for (k = 0, prefix = 0; k < j; k++)
			prefix |= (uint32_t)cur[k] << (8 * (3 - k));
		for (v = 0; v < 256; v++) {
			if (oct[j][v / 8] >> (v % 8) == 0) {
				v |= 7;	/* nothing more in this byte */
				continue;
			}
			if (!has(oct[j], v))
				continue;
			if (v == 0 || !has(oct[j], v - 1))
				lo = v;
			if (v == 255 || !has(oct[j], v + 1))
				out[n++] = (struct ls_run4){ prefix | lo << shift, prefix | v << shift | low };
		}
		for (k = j - 1; k >= 0; k--) {	/* the next prefix, an odometer */
			if ((cur[k] = first_of(oct[k], cur[k] + 1)) < 256)
				break;
			cur[k] = first_of(oct[k], 0);
		}
		if (k < 0)
			return n;
	}
}

uint32_t ls__octets_run_end(const uint8_t (*oct)[32], uint32_t addr)
{
	int j = run_octet(oct);
	unsigned shift = 8 * (3 - (unsigned)j), v = (addr >> shift) & 0xff;
	uint32_t low = (1u << shift) - 1;

	while (v < 255 && has(oct[j], v + 1))
		v++;
	return (addr & ~(0xffu << shift | low)) | v << shift | low;
}
