/* icmp.h -- ICMP and ICMPv6 echo: build requests, parse replies and errors that quote our requests. */
#ifndef LANSCAN_ICMP_H
#define LANSCAN_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/target.h"

/* Our echo payload: a keyed tag, the engine's slot and its generation, which
 * try this is and when it was sent.  The tag (ls_icmp_tag) covers the target
 * address and every other field, so a reply matches exactly one probe we
 * sent, and its send time cannot be forged by whoever answers. */
#define LS_ICMP_PAYLOAD 24
#define LS_ICMP_ECHO_LEN (8 + LS_ICMP_PAYLOAD)

struct ls_icmp_probe {
	uint64_t tag;		/* ls_icmp_tag of the rest */
	uint32_t slot;
	uint16_t gen;
	uint8_t try_;		/* 1 for the first send */
	uint64_t tx_ns;		/* CLOCK_REALTIME at send, nanoseconds */
};

enum ls_icmp_kind { LS_ICMP_OTHER, LS_ICMP_REPLY, LS_ICMP_ERROR };

struct ls_icmp_msg {
	enum ls_icmp_kind kind;
	uint16_t id, seq;		/* of the reply, or of the quoted request */
	bool has_payload;		/* probe is valid (not yet authenticated) */
	bool bad_checksum;		/* IPv4: the ICMP checksum is wrong (checked when asked) */
	struct ls_icmp_probe probe;
	struct ls_addr target;		/* errors: the quoted request's destination */
	const char *reason;		/* errors: "host unreachable", ... */
};

/* Writes an echo request (LS_ICMP_ECHO_LEN bytes) into buf.  IPv4 gets its
 * checksum; for ICMPv6 the kernel computes it. */
void ls_icmp_echo(int family, uint8_t buf[LS_ICMP_ECHO_LEN], uint16_t id, uint16_t seq,
		  const struct ls_icmp_probe *probe);

/* The tag a probe to addr carries: SipHash-2-4 under the sweep's secret key
 * of the address and the probe's fields (its own tag field is ignored). */
uint64_t ls_icmp_tag(const uint8_t key[16], const struct ls_addr *addr, const struct ls_icmp_probe *probe);

/* The reason an ICMP (family AF_INET) or ICMPv6 error type and code give. */
const char *ls_icmp_reason(int family, uint8_t type, uint8_t code);

/* Parses a received ICMP (family AF_INET) or ICMPv6 message.  `ip_header`:
 * the buffer starts with the IPv4 header (raw IPv4 sockets), and then the
 * ICMP checksum is verified too (the kernel does not for raw IPv4).  Never
 * reads past len; anything malformed or not ours to judge is LS_ICMP_OTHER. */
void ls_icmp_parse(int family, const uint8_t *buf, size_t len, bool ip_header,
		   struct ls_icmp_msg *out);

#endif
