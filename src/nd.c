/* nd.c -- Neighbor Solicitation and Advertisement messages (RFC 4861 4.3, 4.4, 4.6.1). */
#include "lanscan/nd.h"

#include <errno.h>
#include <string.h>

void ls_nd_solicit(uint8_t buf[LS_ND_NS_LEN], const uint8_t target[16], const uint8_t mac[6])
{
	memset(buf, 0, LS_ND_NS_LEN);
	buf[0] = 135;		/* Neighbor Solicitation */
	memcpy(buf + 8, target, 16);
	buf[24] = 1;		/* source link-layer address, 8 bytes */
	buf[25] = 1;
	memcpy(buf + 26, mac, 6);
}

void ls_nd_solicited_node(const uint8_t target[16], uint8_t out[16])
{
	static const uint8_t prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };

	memcpy(out, prefix, sizeof(prefix));
	memcpy(out + 13, target + 13, 3);
}

int ls_nd_parse_adv(const uint8_t *buf, size_t len, struct ls_nd_adv *out)
{
	size_t off = 24, olen;

	memset(out, 0, sizeof(*out));
	if (len < 24 || buf[0] != 136 || buf[1] != 0)
		return -EINVAL;
	out->solicited = (buf[4] & 0x40) != 0;
	memcpy(out->target, buf + 8, 16);
	while (off < len) {
		if (len - off < 2 || buf[off + 1] == 0)
			return -EINVAL;
		olen = (size_t)buf[off + 1] * 8;
		if (olen > len - off)
			return -EINVAL;
		if (buf[off] == 2 && olen == 8) {	/* target link-layer address (Ethernet) */
			out->has_mac = true;
			memcpy(out->mac, buf + off + 2, 6);
		}
		off += olen;
	}
	return 0;
}
