/* arp.c -- ARP requests and replies for Ethernet and IPv4 (RFC 826). */
#include "lanscan/arp.h"

#include <errno.h>
#include <string.h>

void ls_arp_request(uint8_t buf[LS_ARP_LEN], const uint8_t mac[6], const uint8_t ip[4], const uint8_t target[4])
{
	static const uint8_t head[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };	/* Ethernet, IPv4, 6, 4, request */

	memcpy(buf, head, sizeof(head));
	memcpy(buf + 8, mac, 6);
	memcpy(buf + 14, ip, 4);
	memset(buf + 18, 0, 6);
	memcpy(buf + 24, target, 4);
}

int ls_arp_parse(const uint8_t *buf, size_t len, struct ls_arp *out)
{
	if (len < LS_ARP_LEN || buf[0] != 0 || buf[1] != 1 || buf[2] != 8 || buf[3] != 0 || buf[4] != 6 ||
	    buf[5] != 4)
		return -EINVAL;
	out->op = (uint16_t)(buf[6] << 8 | buf[7]);
	memcpy(out->sha, buf + 8, 6);
	memcpy(out->spa, buf + 14, 4);
	memcpy(out->tha, buf + 18, 6);
	memcpy(out->tpa, buf + 24, 4);
	return 0;
}

bool ls_arp_answers(const struct ls_arp *m, const uint8_t mac[6], const uint8_t ip[4])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return m->op == 2 && memcmp(m->tpa, ip, 4) == 0 &&
	       (memcmp(m->tha, mac, 6) == 0 || memcmp(m->tha, bcast, 6) == 0);
}
