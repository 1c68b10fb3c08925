/* netinfo.h -- this machine's interfaces, addresses and routes (one rtnetlink dump), and per-target path facts. */
#ifndef LANSCAN_NETINFO_H
#define LANSCAN_NETINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/target.h"

struct ls_nroute;
struct ls_iface {
	int index;
	char name[16];
	unsigned flags;			/* IFF_UP, IFF_LOOPBACK, IFF_NOARP, IFF_BROADCAST ... */
	uint8_t mac[6];
	bool has_mac;			/* an Ethernet-like link (ARPHRD_ETHER) with a 6-byte address */
	int mtu;
	struct ls_addr v4, v6, v6ll;	/* first IPv4, first global IPv6, link-local IPv6 (family 0 when none) */
};
enum ls_route_kind { LS_ROUTE_NONE, LS_ROUTE_ONLINK, LS_ROUTE_GATEWAY, LS_ROUTE_LOCAL, LS_ROUTE_BLACKHOLE,
		     LS_ROUTE_UNREACHABLE, LS_ROUTE_PROHIBIT };
struct ls_path {
	enum ls_route_kind kind;	/* ONLINK: the target is on a directly connected link (no gateway) */
	int ifindex;			/* the output interface, 0 when none */
	struct ls_addr src;		/* the source address lanscan should use on that interface (the route's prefsrc,
					 * else the interface's address of that family; family 0 when none) */
	struct ls_addr gateway;		/* family 0 when none */
};
struct ls_netinfo {			/* filled by ls_netinfo_load; pure data, no fds kept */
	struct ls_iface *ifaces; size_t nifaces;
	struct ls_nroute *routes; size_t nroutes;	/* your internal route type, sorted for lookup */
};
/* One dump (links, addresses, IPv4 and IPv6 main-table routes) over a NETLINK_ROUTE socket; no privilege needed.
 * Returns 0 or a negative errno with a message in err. */
int ls_netinfo_load(struct ls_netinfo *ni, char *err, size_t errlen);
void ls_netinfo_free(struct ls_netinfo *ni);
/* Longest-prefix match in the main table (policy routing is not modelled: say so in the header comment);
 * fills *path. Local addresses of this machine (type local routes, in the local table: include them in the dump)
 * are LS_ROUTE_LOCAL. Returns 0, or -ENETUNREACH when nothing matches (path->kind = LS_ROUTE_NONE). */
int ls_netinfo_route(const struct ls_netinfo *ni, const struct ls_addr *dst, struct ls_path *path);
const struct ls_iface *ls_netinfo_iface(const struct ls_netinfo *ni, int ifindex);
/* An IPv6 link-local destination (fe80::/10) needs a zone: ls_netinfo_route takes ifindex from the caller then. */

#endif
