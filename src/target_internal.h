/* target_internal.h -- what the target_*.c files share; not part of the interface. */
#ifndef LANSCAN_TARGET_INTERNAL_H
#define LANSCAN_TARGET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/target.h"

/* Parses one spec's text into s (its kind and the union, whose OCTETS
 * bitsets and RANGE6 bounds are malloc'd (free them with ls__spec_free);
 * s->text is left NULL.  whole_cidr keeps the network and broadcast
 * addresses of a CIDR.  Returns 0, or -EINVAL with a message naming the
 * text in err, or -ENOMEM. */
int ls__spec_parse(const char *text, bool whole_cidr, struct ls_spec *s, uint64_t *size,
		   char *err, size_t errlen);

/* The interface index a zone names (len bytes: a name or a decimal
 * index of an existing interface): 0, or -ENODEV. */
int ls__zone_index(const char *zone, size_t len, uint32_t *index);

/* Frees what a spec holds (its text too). */
void ls__spec_free(struct ls_spec *s);

/* The first address of a spec (an address spec, not a name). */
void ls__spec_first(const struct ls_spec *s, struct ls_addr *a);

/* The index + 1 of the spec that is the address a alone, or 0. */
size_t ls__hash_lookup(const struct ls_targets *t, const struct ls_addr *a);

/* An index of the IPv4 ranges of more than one address (t->multi4: ranges,
 * CIDR blocks and octet specs of at most LS_OCT_RUNS_MAX runs): for an
 * address, the first spec that covers it, in O(log n).  Built by
 * ls__cover_build; UINT32_MAX when none covers it. */
int ls__cover_build(struct ls_targets *t);
uint32_t ls__cover_first(const struct ls_cover *c, uint32_t addr);
void ls__cover_free(struct ls_cover *c);

/* An octet spec (10.0-3.1,5.*) is a union of runs of consecutive
 * addresses: every value of the octets before the last one that is not full
 * (0-255), times every interval of that octet's set, the later octets whole.
 * Up to this many runs, the spec goes in the index like a range. */
#define LS_OCT_RUNS_MAX 1024

struct ls_run4 {
	uint32_t lo, hi;
};

/* Counts the runs of an octet spec, and writes them in ascending order to
 * out (room for max) when out is not NULL.  Returns the count, or max + 1
 * (nothing more written) when there are more than max. */
size_t ls__octets_runs(const uint8_t (*oct)[32], size_t max, struct ls_run4 *out);

/* The last address of the run of octet spec oct that holds addr (addr is in the spec). */
uint32_t ls__octets_run_end(const uint8_t (*oct)[32], uint32_t addr);

#endif
