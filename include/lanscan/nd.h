/* nd.h -- IPv6 neighbour discovery (RFC 4861): build a solicitation, read an advertisement; pure. */
#ifndef LANSCAN_ND_H
#define LANSCAN_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LS_ND_NS_LEN 32		/* solicitation with a source link-layer address option */

/* Writes a Neighbor Solicitation for target from a host with link-layer
 * address mac (the kernel computes the checksum on a raw ICMPv6 socket). */
void ls_nd_solicit(uint8_t buf[LS_ND_NS_LEN], const uint8_t target[16], const uint8_t mac[6]);

/* The solicited-node multicast address of target (ff02::1:ffXX:XXXX). */
void ls_nd_solicited_node(const uint8_t target[16], uint8_t out[16]);

struct ls_nd_adv {
	uint8_t target[16];
	bool solicited;
	bool has_mac;		/* a target link-layer address option was present */
	uint8_t mac[6];
};

/* Parses a Neighbor Advertisement (the ICMPv6 message, no IPv6 header): type
 * 136, code 0, every option's length non-zero and inside the message.
 * Returns 0 or -EINVAL. */
int ls_nd_parse_adv(const uint8_t *buf, size_t len, struct ls_nd_adv *out);

#endif
