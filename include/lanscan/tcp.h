/* tcp.h -- TCP SYN probes: build a SYN with a keyed cookie for its sequence number, parse and check the replies.
 *
 * Pure code, no sockets.  A SYN to (address, port) from our source port
 * carries cookie = ls_tcp_cookie(key, address, port, source port) as its
 * sequence number; a SYN-ACK or a RST answering it acknowledges cookie + 1.
 * A reply is taken only when its acknowledgement number is exactly that:
 * whoever cannot see our SYN cannot forge one.
 */
#ifndef LANSCAN_TCP_H
#define LANSCAN_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/target.h"

#define LS_TCP_SYN_LEN 24		/* a 20-byte header and an MSS option */
#define LS_TCP_SYN4_LEN (20 + LS_TCP_SYN_LEN)	/* with an IPv4 header */

/* The sequence number of our SYN to addr's port from sport: SipHash-2-4
 * under the sweep's secret key, 32 bits of it. */
uint32_t ls_tcp_cookie(const uint8_t key[16], const struct ls_addr *addr, uint16_t port, uint16_t sport);

/* Writes an IPv4 packet (header and SYN, LS_TCP_SYN4_LEN bytes) from src
 * to dst, both checksums filled in (for a raw socket with IP_HDRINCL; the
 * kernel fills in the IP id when it is 0). */
void ls_tcp_syn4(uint8_t buf[LS_TCP_SYN4_LEN], uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		 uint32_t seq);

/* Writes a bare SYN segment (LS_TCP_SYN_LEN bytes) with a zero checksum:
 * for an IPv6 raw socket told to compute it (IPV6_CHECKSUM). */
void ls_tcp_syn(uint8_t buf[LS_TCP_SYN_LEN], uint16_t sport, uint16_t dport, uint32_t seq);

enum ls_tcp_kind {
	LS_TCP_OTHER,		/* not an answer to a SYN: no ACK, another flag set, ... */
	LS_TCP_SYNACK,		/* SYN and ACK: the port is open */
	LS_TCP_RST		/* RST and ACK: the port is closed, the host is up */
};

struct ls_tcp_seg {
	enum ls_tcp_kind kind;
	bool malformed;		/* truncated, not TCP, a fragment, bad lengths */
	uint32_t src, dst;	/* IPv4: the addresses, host order (0 for IPv6) */
	uint16_t sport, dport;	/* the replying port, and ours */
	uint32_t seq, ack;
};

/* Parses what a raw IPv4 TCP socket reads: an IPv4 header, then TCP.  The
 * TCP checksum is not checked: a raw socket sees a segment before the
 * kernel has, and one from a local peer (a veth, a namespace) may carry
 * only a partial checksum for the hardware to finish.  The cookie stands in
 * for it: a corrupt segment is taken only if its ACK is still exactly ours.
 * Never reads past len. */
void ls_tcp_parse4(const uint8_t *buf, size_t len, struct ls_tcp_seg *out);

/* Parses a TCP segment alone (what a raw IPv6 socket reads; its checksum
 * was checked by the kernel, see IPV6_CHECKSUM).  Never reads past len. */
void ls_tcp_parse(const uint8_t *buf, size_t len, struct ls_tcp_seg *out);

/* Does seg answer our SYN of sequence number cookie (SYN-ACK or RST, its
 * ACK exactly cookie + 1)? */
static inline bool ls_tcp_answers(const struct ls_tcp_seg *seg, uint32_t cookie)
{
	return seg->kind != LS_TCP_OTHER && seg->ack == cookie + 1;
}

#endif
