/* netinfo.c -- read interfaces, addresses and routes over rtnetlink; find each target's route. */
#include "lanscan/netinfo.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/time.h>

#include "lanscan/nlparse.h"
#include "lanscan/util.h"

struct ls_nroute {
	struct ls_nl_route r;
	bool local;		/* from the local table */
};

struct loader {
	struct ls_netinfo *ni;
	size_t ifcap, rcap;
	struct ls_nl_addr *addrs;
	size_t naddrs, acap;
};

/* Sends one dump request and feeds every answer to each(); returns 0 or a negative errno. */
static int dump(int fd, int type, struct loader *ld, int (*each)(struct loader *, const struct nlmsghdr *))
{
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req;
	static uint32_t seq;
	uint8_t *buf;
	struct nlmsghdr *h;
	ssize_t n;
	size_t left;
	int rc = 0;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = (uint16_t)type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = ++seq;
	req.g.rtgen_family = AF_UNSPEC;
	if (send(fd, &req, sizeof(req), 0) < 0)
		return -errno;
	if ((buf = malloc(64 * 1024)) == NULL)
		return -ENOMEM;
	for (;;) {
		n = recv(fd, buf, 64 * 1024, 0);
		if (n < 0) {
			rc = errno == EINTR ? 0 : -errno;
			if (rc != 0)
				break;
			continue;
		}
		left = (size_t)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != req.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				rc = -EIO;
				goto out;
			}
			if ((rc = each(ld, h)) != 0)
				goto out;
		}
		if (n == 0)
			break;
	}
out:
	free(buf);
	return rc;
}

static int on_link(struct loader *ld, const struct nlmsghdr *h)
{
	struct ls_netinfo *ni = ld->ni;
	struct ls_nl_link l;
	struct ls_iface *ifc;

	if (ls_nl_parse_link(h, h->nlmsg_len, &l) != 0)
		return 0;
	if (ls_grow(&ni->ifaces, ni->nifaces, &ld->ifcap, sizeof(*ni->ifaces), 16) != 0)
		return -ENOMEM;
	ifc = &ni->ifaces[ni->nifaces++];
	memset(ifc, 0, sizeof(*ifc));
	ifc->index = l.index;
	memcpy(ifc->name, l.name, sizeof(ifc->name));
	ifc->flags = l.flags;
	ifc->has_mac = l.has_mac;
	memcpy(ifc->mac, l.mac, 6);
	ifc->mtu = l.mtu;
	return 0;
}

static int on_addr(struct loader *ld, const struct nlmsghdr *h)
{
	struct ls_nl_addr a;

	if (ls_nl_parse_addr(h, h->nlmsg_len, &a) != 0)
		return 0;
	if (ls_grow(&ld->addrs, ld->naddrs, &ld->acap, sizeof(*ld->addrs), 16) != 0)
		return -ENOMEM;
	ld->addrs[ld->naddrs++] = a;
	return 0;
}

static int on_route(struct loader *ld, const struct nlmsghdr *h)
{
	struct ls_netinfo *ni = ld->ni;
	struct ls_nl_route r;

	if (ls_nl_parse_route(h, h->nlmsg_len, &r) != 0)
		return 0;
	if (r.table != RT_TABLE_MAIN && r.table != RT_TABLE_LOCAL)
		return 0;
	if (r.table == RT_TABLE_LOCAL && r.type != RTN_LOCAL)
		return 0;	/* broadcast and multicast entries */
	if (ls_grow(&ni->routes, ni->nroutes, &ld->rcap, sizeof(*ni->routes), 32) != 0)
		return -ENOMEM;
	ni->routes[ni->nroutes].r = r;
	ni->routes[ni->nroutes++].local = r.table == RT_TABLE_LOCAL;
	return 0;
}

static int route_order(const void *a, const void *b)
{
	const struct ls_nroute *x = a, *y = b;

	if (x->local != y->local)
		return x->local ? -1 : 1;
	if (x->r.dst_len != y->r.dst_len)
		return x->r.dst_len > y->r.dst_len ? -1 : 1;
	return x->r.priority < y->r.priority ? -1 : x->r.priority > y->r.priority;
}

/* Gives each interface its first IPv4, global IPv6 and link-local IPv6 address. */
static void attach_addrs(struct loader *ld)
{
	size_t i, k;

	for (i = 0; i < ld->naddrs; i++) {
		const struct ls_nl_addr *a = &ld->addrs[i];
		for (k = 0; k < ld->ni->nifaces; k++) {
			struct ls_iface *ifc = &ld->ni->ifaces[k];
			if (ifc->index != a->ifindex)
				continue;
			if (a->addr.family == AF_INET && ifc->v4.family == 0)
				ifc->v4 = a->addr;
			else if (a->addr.family == AF_INET6 && a->addr.b[0] == 0xfe && (a->addr.b[1] & 0xc0) == 0x80) {
				if (ifc->v6ll.family == 0)
					ifc->v6ll = a->addr;
			} else if (a->addr.family == AF_INET6 && ifc->v6.family == 0 &&
				   !(a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
				ifc->v6 = a->addr;
		}
	}
}

int ls_netinfo_load(struct ls_netinfo *ni, char *err, size_t errlen)
{
	struct loader ld;
	int fd, rc;

	memset(ni, 0, sizeof(*ni));
	memset(&ld, 0, sizeof(ld));
	ld.ni = ni;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "netlink: %s", strerror(errno));
		return rc;
	}
	rc = dump(fd, RTM_GETLINK, &ld, on_link);
	if (rc == 0)
		rc = dump(fd, RTM_GETADDR, &ld, on_addr);
	if (rc == 0)
		rc = dump(fd, RTM_GETROUTE, &ld, on_route);
	close(fd);
	if (rc != 0) {
		snprintf(err, errlen, "reading routes: %s", strerror(-rc));
		free(ld.addrs);
		ls_netinfo_free(ni);
		return rc;
	}
	attach_addrs(&ld);
	free(ld.addrs);
	if (ni->nroutes > 1)
		qsort(ni->routes, ni->nroutes, sizeof(*ni->routes), route_order);
	return 0;
}

void ls_netinfo_free(struct ls_netinfo *ni)
{
	free(ni->ifaces);
	free(ni->routes);
	memset(ni, 0, sizeof(*ni));
}

const struct ls_iface *ls_netinfo_iface(const struct ls_netinfo *ni, int ifindex)
{
	size_t i;

	for (i = 0; i < ni->nifaces; i++)
		if (ni->ifaces[i].index == ifindex)
			return &ni->ifaces[i];
	return NULL;
}

static bool prefix_match(const struct ls_addr *net, unsigned len, const struct ls_addr *a)
{
	unsigned full = len / 8, rest = len % 8;

	if (net->family != a->family)
		return false;
	if (memcmp(net->b, a->b, full) != 0)
		return false;
	return rest == 0 || ((net->b[full] ^ a->b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* The source address of ifc for dst: IPv4, or for IPv6 the link-local one
 * toward a link-local destination, else the first global one. */
static struct ls_addr iface_src(const struct ls_iface *ifc, const struct ls_addr *dst)
{
	if (dst->family == AF_INET)
		return ifc->v4;
	if (dst->b[0] == 0xfe && (dst->b[1] & 0xc0) == 0x80)
		return ifc->v6ll;
	return ifc->v6.family != 0 ? ifc->v6 : ifc->v6ll;
}

int ls_netinfo_route_via(const struct ls_netinfo *ni, const struct ls_addr *dst, int ifindex,
			 struct ls_path *path)
{
	const struct ls_iface *ifc;
	size_t i;

	memset(path, 0, sizeof(*path));
	for (i = 0; i < ni->nroutes; i++) {
		const struct ls_nl_route *r = &ni->routes[i].r;
		if (!prefix_match(&r->dst, r->dst_len, dst) || (ifindex != 0 && r->oif != ifindex))
			continue;
		path->ifindex = r->oif;
		path->gateway = r->gateway;
		switch (r->type) {
		case RTN_LOCAL: path->kind = LS_ROUTE_LOCAL; break;
		case RTN_BLACKHOLE: path->kind = LS_ROUTE_BLACKHOLE; break;
		case RTN_UNREACHABLE: path->kind = LS_ROUTE_UNREACHABLE; break;
		case RTN_PROHIBIT: path->kind = LS_ROUTE_PROHIBIT; break;
		case RTN_UNICAST:
			path->kind = r->gateway.family != 0 ? LS_ROUTE_GATEWAY : LS_ROUTE_ONLINK;
			break;
		default: continue;	/* multicast, throw, nat: not modelled */
		}
		path->src = r->prefsrc;
		if (path->src.family == 0 && (ifc = ls_netinfo_iface(ni, r->oif)) != NULL)
			path->src = iface_src(ifc, dst);
		return 0;
	}
	/* Bound to an interface with no route through it: the kernel takes the
	 * destination as on that link (so does arp-scan -I). */
	if (ifindex != 0 && (ifc = ls_netinfo_iface(ni, ifindex)) != NULL && (ifc->flags & IFF_UP)) {
		path->kind = LS_ROUTE_ONLINK;
		path->ifindex = ifindex;
		path->src = iface_src(ifc, dst);
		return 0;
	}
	path->kind = LS_ROUTE_NONE;
	return -ENETUNREACH;
}

int ls_netinfo_route(const struct ls_netinfo *ni, const struct ls_addr *dst, struct ls_path *path)
{
	return ls_netinfo_route_via(ni, dst, 0, path);
}

int ls_netinfo_neigh_mac(const struct ls_addr *addr, int ifindex, uint8_t mac[6])
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
		struct rtattr a;
		uint8_t dst[16];
	} req;
	_Alignas(struct nlmsghdr) uint8_t buf[1024];
	struct timeval tv = { 0, 200000 };	/* the kernel answers at once; never hang */
	struct ls_neigh nb;
	size_t alen = addr->family == AF_INET ? 4 : 16;
	ssize_t n;
	int fd, rc = 0;

	if (ifindex <= 0 || (addr->family != AF_INET && addr->family != AF_INET6))
		return 0;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(struct ndmsg)) + RTA_LENGTH(alen));
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = 1;
	req.nd.ndm_family = (uint8_t)addr->family;
	req.nd.ndm_ifindex = ifindex;
	req.a.rta_type = NDA_DST;
	req.a.rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(req.dst, addr->b, alen);
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0) {
		rc = -errno;
	} else if ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		if (NLMSG_OK(h, (size_t)n) && h->nlmsg_type == RTM_NEWNEIGH &&
		    ls_nl_parse_neigh(h, (size_t)n, &nb) == 0 && nb.has_mac && nb.ifindex == ifindex &&
		    memcmp(nb.addr.b, addr->b, alen) == 0 &&
		    (nb.state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT))) {
			memcpy(mac, nb.mac, 6);
			rc = 1;
		}
	}
	close(fd);
	return rc;
}
