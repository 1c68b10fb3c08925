/* target.h -- the target grammar (addresses, ranges, CIDR, names) and a lazy iterator over it.
 *
 * Pure code, no libuv: a list of parsed specs, each expanded one address at a
 * time, so memory grows with the number of specs, never with their size.
 *
 * Grammar (one spec per call to ls_targets_add):
 *   IPv4        10.0.0.1
 *   octets      10.0-3.1,5,10-20   each octet a number, N-M range, list or *
 *   range       10.0.0.250-10.0.1.5  (also for IPv6: fd00::1-fd00::20)
 *   CIDR        10.0.0.0/24   /1../32; below /31 the network and broadcast
 *                              addresses are left out (as fping -g does),
 *                              unless whole_cidr is set (exclusion lists)
 *   IPv6        fd00::1, fd00::/120 (/96../128, every address included),
 *               fd00::1-20 (the end's last group, in hex); /64../95 parse, but
 *               only on-link discovery (main.c, nbr6.h) can take them
 *   zone        fe80::10%lan0, fe80::1-fe80::20%lan0, fe80::/120%lan0 (or
 *               fe80::%lan0/120), %2: the interface, by name or index; a
 *               link-local address (fe80::/10) needs one, any other ignores it
 *   host name   anything else made of letters, digits, '-', '_' and '.'
 * A spec that repeats addresses of an earlier one yields only the new ones;
 * a name given twice (case-insensitively) is kept once.
 */
#ifndef LANSCAN_TARGET_H
#define LANSCAN_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LS_ERRLEN 256
#define LS_V6_PREFIX_MIN 64	/* shorter IPv6 prefixes are refused when parsed */
#define LS_V6_SWEEP_PREFIX 96	/* shorter ones are only discovered on a link */

/* An address: family AF_INET (bytes 0..3 used) or AF_INET6.  scope is the
 * interface index of a link-local IPv6 address (fe80::/10), else 0. */
struct ls_addr {
	int family;
	uint32_t scope;
	uint8_t b[16];
};

/* Enough for any address ls_addr_format writes, its "%zone" included. */
#define LS_ADDRSTRLEN 64

/* Is b (16 bytes) in fe80::/10? */
static inline bool ls_ip6_linklocal(const uint8_t *b)
{
	return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

enum ls_spec_kind {
	LS_SPEC_OCTETS,		/* IPv4, a set of values per octet */
	LS_SPEC_RANGE4,		/* IPv4 lo..hi inclusive (ranges and CIDR) */
	LS_SPEC_RANGE6,		/* IPv6 lo..hi inclusive */
	LS_SPEC_NAME		/* a host name, resolved later */
};

struct ls_range6 {
	uint8_t lo[16], hi[16];
	uint32_t scope;		/* the zone's interface index (link-local only), else 0 */
	uint8_t prefix;		/* a CIDR's prefix length, 0 for an address or a range */
};

/* One target spec, compact (24 bytes): a file of millions of addresses
 * costs under 40 bytes an address with the hash below. */
struct ls_spec {
	enum ls_spec_kind kind;
	char *text;		/* as the user wrote it; NULL for one IPv4 address
				 * written canonically (ls_spec_text formats it) */
	union {
		uint8_t (*oct)[32];	/* OCTETS: 4 bitsets of allowed values (malloc'd) */
		struct { uint32_t lo, hi; } r4;
		struct ls_range6 *r6;	/* RANGE6 (malloc'd) */
	} u;
};

/* The spec's text as the user wrote it (buf: at least 16 bytes, used when
 * the spec keeps none). */
const char *ls_spec_text(const struct ls_spec *s, char *buf, size_t len);


struct ls_cover;
struct ls_hslot;

struct ls_targets {
	struct ls_spec *specs;
	size_t n, cap;
	uint64_t total;			/* sum of the specs' sizes */
	size_t *multi4;			/* indices of IPv4 ranges of more than one address
					 * (octet specs of few runs included) */
	size_t nmulti4, capmulti4;
	size_t *multi;			/* indices of the other multi-address specs */
	size_t nmulti, capmulti;
	struct ls_hslot *hash;		/* single addresses and names (target.c) */
	size_t hcap, hcount;
	struct ls_cover *cover;		/* index of multi4, built on first use (target_cover.c) */
	bool whole_cidr;		/* CIDR keeps network and broadcast (exclusions) */
};

/* One produced target: an address, or a name still to resolve. */
struct ls_target {
	const struct ls_spec *spec;
	bool is_name;
	struct ls_addr addr;
};

struct ls_target_iter {
	const struct ls_targets *t;
	const struct ls_targets *exclude;	/* may be NULL */
	size_t spec;
	bool started;
	uint8_t oct[4];
	uint32_t cur4;
	uint8_t cur6[16];
};

void ls_targets_init(struct ls_targets *t);
void ls_targets_free(struct ls_targets *t);

/* Parses one spec and appends it.  Returns 0, or -EINVAL with a message
 * naming the text in err; -ENOMEM when out of memory.  A duplicate name
 * returns 0 and adds nothing. */
int ls_targets_add(struct ls_targets *t, const char *text, char *err, size_t errlen);

/* Adds every spec of a comma-separated list ("10.0.0.1,5,10.0.0.9/30"): a
 * piece with no dot or colon continues the previous piece's last octet list. */
int ls_targets_add_list(struct ls_targets *t, const char *list, char *err, size_t errlen);

/* Reads specs from f, named `name` in messages: whitespace-separated, any
 * number per line, '#' starts a comment.  Returns 0, or -EINVAL with
 * "name:line: message" in err, -EIO when reading fails, -ENOMEM. */
int ls_targets_read(struct ls_targets *t, FILE *f, const char *name,
		    char *err, size_t errlen);

/* True when any spec of t covers addr (names never match). */
bool ls_targets_contains(const struct ls_targets *t, const struct ls_addr *addr);

void ls_target_iter_init(struct ls_target_iter *it, const struct ls_targets *t,
			 const struct ls_targets *exclude);

/* Produces the next target: 1, or 0 at the end.  Addresses in exclude and
 * addresses an earlier spec already produced are skipped. */
int ls_target_iter_next(struct ls_target_iter *it, struct ls_target *out);

/* Formats addr as text, a scoped one as "fe80::1%lan0" (the interface's
 * index when it has no name now); LS_ADDRSTRLEN bytes are enough; returns buf. */
char *ls_addr_format(const struct ls_addr *addr, char *buf, size_t len);

/* Fills a socket address (port 0) for addr; returns its length. */
struct sockaddr_storage;
unsigned ls_addr_to_sockaddr(const struct ls_addr *addr, struct sockaddr_storage *ss);

/* The address of an AF_INET or AF_INET6 socket address (sin6_scope_id kept
 * for a link-local address only): 0, or -EAFNOSUPPORT for another family. */
struct sockaddr;
int ls_addr_from_sockaddr(const struct sockaddr *sa, struct ls_addr *a);

/* Orders addresses: IPv4 before IPv6, then numerically, then by scope. */
int ls_addr_cmp(const struct ls_addr *a, const struct ls_addr *b);

/* Parses one address, IPv4 or IPv6 with an optional "%zone" (as
 * ls_addr_format writes it; the zone kept for a link-local address only).
 * Returns 0, or -EINVAL (not an address, or no such interface). */
int ls_addr_parse(const char *text, struct ls_addr *a);

#endif
