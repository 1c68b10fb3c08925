/* nbr6.h -- IPv6 neighbours of a link: who answers an echo to ff02::1, and whom the kernel's neighbour table holds.
 *
 * Used before a sweep (no libuv: one bounded poll loop) for the no-target
 * default and for an on-link IPv6 prefix too large to sweep.  For each chosen
 * interface (up, not loopback, multicast, with IPv6):
 *   - an ICMPv6 echo request to ff02::1 out of it (hop limit 1, no loopback),
 *     once from its link-local address and once from each global one, so
 *     hosts answer from each kind; replies are collected for wait_ms.  A raw
 *     ICMPv6 socket (root, CAP_NET_RAW) or a datagram one
 *     (net.ipv4.ping_group_range) is used; with neither, no echo is sent;
 *   - then the kernel's IPv6 neighbour table for it (any user may read it):
 *     REACHABLE, STALE, DELAY, PROBE and PERMANENT entries.
 * This machine's own addresses and multicast ones are left out; link-local
 * addresses carry their interface as scope.
 */
#ifndef LANSCAN_NBR6_H
#define LANSCAN_NBR6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/nlparse.h"
#include "lanscan/target.h"

/* A set of addresses, each once, in the order found. */
struct ls_nbr6_set {
	struct ls_addr *a;
	size_t n, cap;
};

/* Adds a to the set: 1, 0 when it is there already, or -ENOMEM. */
int ls_nbr6_add(struct ls_nbr6_set *s, const struct ls_addr *a);
void ls_nbr6_free(struct ls_nbr6_set *s);

/* Is a (IPv6) a neighbour worth probing: not unspecified, loopback,
 * multicast, nor one of own[0..nown)? */
bool ls_nbr6_wanted(const struct ls_addr *a, const struct ls_addr *own, size_t nown);

/* Does a neighbour table entry name a live IPv6 neighbour on ifindex? */
bool ls_nbr6_neigh_usable(const struct ls_neigh *nb, int ifindex);

/* The echo request: an 8-byte ICMPv6 header and an 8-byte cookie (the
 * kernel computes the checksum, and sets the identifier on a datagram socket). */
#define LS_NBR6_ECHO_LEN 16
void ls_nbr6_echo(uint8_t buf[LS_NBR6_ECHO_LEN], uint16_t ident, const uint8_t cookie[8]);

/* Is buf (len bytes from an ICMPv6 socket: the ICMPv6 header on) an echo
 * reply to our request?  ident is checked when check_ident (raw sockets: the
 * kernel filters datagram ones by identifier). */
bool ls_nbr6_is_reply(const uint8_t *buf, size_t len, bool check_ident, uint16_t ident, const uint8_t cookie[8]);

struct ls_nbr6_result {
	struct ls_nbr6_set found;
	char desc[256];		/* "5 on lan0, 0 on wlan0" */
	char note[192];		/* for --verbose: how (raw or datagram echo, or table only) */
	unsigned nifaces;	/* interfaces looked at */
};

/* Discovers the neighbours of interface ifindex, or (0) of every suitable
 * one; wait_ms bounds the wait for echo replies.  Returns 0 or a negative
 * errno (with no interface to look at: 0 and nifaces 0). */
int ls_nbr6_discover(int ifindex, int wait_ms, struct ls_nbr6_result *r);
void ls_nbr6_result_free(struct ls_nbr6_result *r);

#endif
