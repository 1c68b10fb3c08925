/* nlparse.h -- rtnetlink messages read with every length checked: links, addresses, routes, neighbours. */
#ifndef LANSCAN_NLPARSE_H
#define LANSCAN_NLPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "lanscan/target.h"

struct ls_nl_link {
	int index;
	char name[16];
	unsigned flags;			/* IFF_* */
	uint16_t type;			/* ARPHRD_* */
	bool has_mac;			/* a 6-byte link-layer address */
	uint8_t mac[6];
	int mtu;
};

struct ls_nl_addr {
	int ifindex;
	struct ls_addr addr;		/* a link-local one scoped to ifindex */
	uint8_t prefixlen, scope;
	uint32_t flags;			/* IFA_F_* */
};

struct ls_nl_route {
	struct ls_addr dst;		/* family set, the rest zero for a default route */
	uint8_t dst_len;
	uint8_t type;			/* RTN_* */
	uint32_t table;
	uint32_t priority;
	int oif;
	struct ls_addr gateway, prefsrc;	/* family 0 when absent */
};

struct ls_neigh {
	int ifindex;
	struct ls_addr addr;		/* a link-local one scoped to ifindex */
	bool has_mac;
	uint8_t mac[6];
	uint16_t state;			/* NUD_* */
	uint8_t flags;			/* NTF_* */
	uint32_t confirmed_ms_ago;	/* NDA_CACHEINFO ndm_confirmed, in ms; UINT32_MAX when absent */
};

/* Each parses one message of h->nlmsg_len bytes, of which len are readable.
 * Returns 0, -ENOENT (another message type or family), or -EINVAL
 * (malformed: a header or attribute that does not fit, a wrong length). */
int ls_nl_parse_link(const struct nlmsghdr *h, size_t len, struct ls_nl_link *out);
int ls_nl_parse_addr(const struct nlmsghdr *h, size_t len, struct ls_nl_addr *out);
int ls_nl_parse_route(const struct nlmsghdr *h, size_t len, struct ls_nl_route *out);
int ls_nl_parse_neigh(const struct nlmsghdr *h, size_t len, struct ls_neigh *out);

#endif
