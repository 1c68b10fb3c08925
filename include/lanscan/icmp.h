/* icmp.h -- ICMP and ICMPv6 echo: build requests, parse replies and errors that quote our requests. */
#ifndef LANSCAN_ICMP_H
#define LANSCAN_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/target.h"

/* Our echo payload: a per-run cookie, the engine's slot and its generation,
 * and which try this is.  Foreign or stale replies fail to match it. */
#define LS_ICMP_PAYLOAD 16
#define LS_ICMP_ECHO_LEN (8 + LS_ICMP_PAYLOAD)

enum ls_icmp_kind { LS_ICMP_OTHER, LS_ICMP_REPLY, LS_ICMP_ERROR };

struct ls_icmp_msg {
	enum ls_icmp_kind kind;
	uint16_t id, seq;		/* of the reply, or of the quoted request */
	bool has_payload;		/* cookie, slot, gen and try are valid */
	uint64_t cookie;
	uint16_t slot, gen;
	uint8_t try_;
	struct ls_addr target;		/* errors: the quoted request's destination */
	const char *reason;		/* errors: "host unreachable", ... */
};

/* Writes an echo request (LS_ICMP_ECHO_LEN bytes) into buf.  IPv4 gets its
 * checksum; for ICMPv6 the kernel computes it. */
void ls_icmp_echo(int family, uint8_t buf[LS_ICMP_ECHO_LEN], uint16_t id, uint16_t seq,
		  uint64_t cookie, uint16_t slot, uint16_t gen, uint8_t try_);

/* The reason an ICMP (family AF_INET) or ICMPv6 error type and code give. */
const char *ls_icmp_reason(int family, uint8_t type, uint8_t code);

/* Parses a received ICMP (family AF_INET) or ICMPv6 message.  `ip_header`:
 * the buffer starts with the IPv4 header (raw IPv4 sockets).  Never reads
 * past len; anything malformed or not ours to judge is LS_ICMP_OTHER. */
void ls_icmp_parse(int family, const uint8_t *buf, size_t len, bool ip_header,
		   struct ls_icmp_msg *out);

#endif
