/* netinfo.h -- this machine's interfaces, addresses and routes (one rtnetlink dump), and each target's path.
 *
 * Policy routing is not modelled: the local table is consulted first (this
 * machine's own addresses), then the main table by longest prefix and lowest
 * metric.  No privilege is needed; no file descriptor is kept.
 */
#ifndef LANSCAN_NETINFO_H
#define LANSCAN_NETINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/target.h"

struct ls_iface {
	int index;
	char name[16];
	unsigned flags;			/* IFF_UP, IFF_LOOPBACK, IFF_NOARP, ... */
	uint8_t mac[6];
	bool has_mac;			/* an Ethernet link with a 6-byte address */
	int mtu;
	struct ls_addr v4, v6, v6ll;	/* first IPv4, first global IPv6, link-local IPv6 (family 0: none) */
};

enum ls_route_kind {
	LS_ROUTE_NONE, LS_ROUTE_ONLINK, LS_ROUTE_GATEWAY, LS_ROUTE_LOCAL, LS_ROUTE_BLACKHOLE,
	LS_ROUTE_UNREACHABLE, LS_ROUTE_PROHIBIT
};

struct ls_path {
	enum ls_route_kind kind;	/* ONLINK: on a directly connected link (no gateway) */
	int ifindex;			/* the output interface, 0 when none */
	struct ls_addr src;		/* the route's preferred source, else the interface's address */
	struct ls_addr gateway;		/* family 0 when none */
};

struct ls_nroute;

struct ls_netinfo {
	struct ls_iface *ifaces;
	size_t nifaces;
	struct ls_nroute *routes;	/* local table first, then main, each by prefix length, longest first */
	size_t nroutes;
};

/* One dump of links, addresses and the local and main routing tables.
 * Returns 0 or a negative errno with a message in err. */
int ls_netinfo_load(struct ls_netinfo *ni, char *err, size_t errlen);
void ls_netinfo_free(struct ls_netinfo *ni);

/* The path to dst.  Returns 0, or -ENETUNREACH (path->kind LS_ROUTE_NONE). */
int ls_netinfo_route(const struct ls_netinfo *ni, const struct ls_addr *dst, struct ls_path *path);

/* The path to dst through interface ifindex only (0: any): the best route
 * whose output interface it is, else dst taken as on that link, as the
 * kernel does for a socket bound to the interface.  Returns 0 or
 * -ENETUNREACH (ifindex 0 with no route, or an interface that is down). */
int ls_netinfo_route_via(const struct ls_netinfo *ni, const struct ls_addr *dst, int ifindex,
			 struct ls_path *path);

/* The MAC the kernel's neighbour table holds for addr on ifindex (an entry
 * REACHABLE, STALE, DELAY, PROBE or PERMANENT): one RTM_GETNEIGH request,
 * no privilege.  Returns 1 (mac filled), 0 (no such entry) or a negative
 * errno. */
int ls_netinfo_neigh_mac(const struct ls_addr *addr, int ifindex, uint8_t mac[6]);

/* The interface with that index, or NULL. */
const struct ls_iface *ls_netinfo_iface(const struct ls_netinfo *ni, int ifindex);

#endif
