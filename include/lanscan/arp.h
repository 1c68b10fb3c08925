/* arp.h -- ARP over Ethernet/IPv4 (RFC 826): build a request, read a reply; pure, no sockets. */
#ifndef LANSCAN_ARP_H
#define LANSCAN_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LS_ARP_LEN 28		/* the ARP message for Ethernet and IPv4, without the link header */

struct ls_arp {
	uint16_t op;		/* 1 request, 2 reply */
	uint8_t sha[6];		/* sender hardware and protocol address */
	uint8_t spa[4];
	uint8_t tha[6];		/* target hardware and protocol address */
	uint8_t tpa[4];
};

/* Writes a request from (mac, ip) for target into buf (LS_ARP_LEN bytes). */
void ls_arp_request(uint8_t buf[LS_ARP_LEN], const uint8_t mac[6], const uint8_t ip[4], const uint8_t target[4]);

/* Parses an ARP message; 0, or -EINVAL when it is not Ethernet/IPv4 ARP
 * (hardware type 1, protocol 0x0800, lengths 6 and 4) or is cut short. */
int ls_arp_parse(const uint8_t *buf, size_t len, struct ls_arp *out);

/* Whether m answers a request we sent from (mac, ip): a reply, addressed to
 * our protocol address, and to our hardware address unless broadcast. */
bool ls_arp_answers(const struct ls_arp *m, const uint8_t mac[6], const uint8_t ip[4]);

#endif
