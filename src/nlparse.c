/* nlparse.c -- strict readers for RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE and RTM_NEWNEIGH messages. */
#include "lanscan/nlparse.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>

/* The attributes after a fixed header of hdrlen bytes: checks the message
 * length and yields each attribute in turn. */
struct attrs {
	const uint8_t *p, *end;
};

static int attrs_init(struct attrs *a, const struct nlmsghdr *h, size_t len, size_t hdrlen)
{
	size_t n;

	if (len < NLMSG_HDRLEN)
		return -EINVAL;
	n = h->nlmsg_len;
	if (n < NLMSG_HDRLEN + hdrlen || n > len)
		return -EINVAL;
	a->p = (const uint8_t *)h + NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);
	a->end = (const uint8_t *)h + n;
	if (a->p > a->end)
		a->p = a->end;
	return 0;
}

/* The next attribute: 1 with its type, data and length; 0 at the end; -EINVAL. */
static int attrs_next(struct attrs *a, unsigned *type, const uint8_t **data, size_t *dlen)
{
	struct rtattr ra;
	size_t left = (size_t)(a->end - a->p);

	if (left == 0)
		return 0;
	if (left < sizeof(ra))
		return -EINVAL;
	memcpy(&ra, a->p, sizeof(ra));
	if (ra.rta_len < sizeof(ra) || ra.rta_len > left)
		return -EINVAL;
	*type = ra.rta_type & NLA_TYPE_MASK;
	*data = a->p + RTA_LENGTH(0);
	*dlen = ra.rta_len - RTA_LENGTH(0);
	a->p += RTA_ALIGN(ra.rta_len) < left ? RTA_ALIGN(ra.rta_len) : left;
	return 1;
}

/* An address attribute of the message's family; -EINVAL on a wrong length. */
static int get_addr(int family, const uint8_t *d, size_t n, struct ls_addr *out)
{
	size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

	if (want == 0 || n != want)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->b, d, n);
	return 0;
}

static uint32_t get_u32(const uint8_t *d, size_t n, int *rc)
{
	uint32_t v = 0;

	if (n != 4)
		*rc = -EINVAL;
	else
		memcpy(&v, d, 4);
	return v;
}

int ls_nl_parse_link(const struct nlmsghdr *h, size_t len, struct ls_nl_link *out)
{
	struct ifinfomsg ifi;
	struct attrs a;
	const uint8_t *d;
	size_t n;
	unsigned type;
	int rc, r2 = 0;

	memset(out, 0, sizeof(*out));
	if (len < NLMSG_HDRLEN)
		return -EINVAL;
	if (h->nlmsg_type != RTM_NEWLINK)
		return -ENOENT;
	if ((rc = attrs_init(&a, h, len, sizeof(ifi))) != 0)
		return rc;
	memcpy(&ifi, NLMSG_DATA(h), sizeof(ifi));
	out->index = ifi.ifi_index;
	out->flags = ifi.ifi_flags;
	out->type = ifi.ifi_type;
	while ((rc = attrs_next(&a, &type, &d, &n)) == 1) {
		if (type == IFLA_IFNAME) {
			size_t k = strnlen((const char *)d, n);
			if (k == 0 || k >= sizeof(out->name))
				return -EINVAL;
			memcpy(out->name, d, k);
		} else if (type == IFLA_ADDRESS && n == 6) {
			out->has_mac = ifi.ifi_type == ARPHRD_ETHER;
			memcpy(out->mac, d, 6);
		} else if (type == IFLA_MTU) {
			out->mtu = (int)get_u32(d, n, &r2);
		}
	}
	return rc < 0 ? rc : r2;
}

int ls_nl_parse_addr(const struct nlmsghdr *h, size_t len, struct ls_nl_addr *out)
{
	struct ifaddrmsg ifa;
	struct attrs a;
	const uint8_t *d;
	size_t n;
	unsigned type;
	bool have_local = false, have_addr = false;
	struct ls_addr local, addr;
	int rc, r2 = 0;

	memset(out, 0, sizeof(*out));
	if (len < NLMSG_HDRLEN)
		return -EINVAL;
	if (h->nlmsg_type != RTM_NEWADDR)
		return -ENOENT;
	if ((rc = attrs_init(&a, h, len, sizeof(ifa))) != 0)
		return rc;
	memcpy(&ifa, NLMSG_DATA(h), sizeof(ifa));
	if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6)
		return -ENOENT;
	out->ifindex = (int)ifa.ifa_index;
	out->prefixlen = ifa.ifa_prefixlen;
	out->scope = ifa.ifa_scope;
	out->flags = ifa.ifa_flags;
	if (out->prefixlen > (ifa.ifa_family == AF_INET ? 32 : 128))
		return -EINVAL;
	while ((rc = attrs_next(&a, &type, &d, &n)) == 1) {
		if (type == IFA_LOCAL)
			r2 = get_addr(ifa.ifa_family, d, n, &local), have_local = r2 == 0;
		else if (type == IFA_ADDRESS)
			r2 = get_addr(ifa.ifa_family, d, n, &addr), have_addr = r2 == 0;
		else if (type == IFA_FLAGS)
			out->flags = get_u32(d, n, &r2);
		if (r2 != 0)
			return r2;
	}
	if (rc < 0)
		return rc;
	if (!have_local && !have_addr)
		return -EINVAL;
	/* IFA_LOCAL is our address (IFA_ADDRESS is the peer's on point-to-point links). */
	out->addr = have_local ? local : addr;
	if (out->addr.family == AF_INET6 && ls_ip6_linklocal(out->addr.b))
		out->addr.scope = ifa.ifa_index;
	return 0;
}

int ls_nl_parse_route(const struct nlmsghdr *h, size_t len, struct ls_nl_route *out)
{
	struct rtmsg rtm;
	struct attrs a;
	const uint8_t *d;
	size_t n;
	unsigned type;
	int rc, r2 = 0;

	memset(out, 0, sizeof(*out));
	if (len < NLMSG_HDRLEN)
		return -EINVAL;
	if (h->nlmsg_type != RTM_NEWROUTE)
		return -ENOENT;
	if ((rc = attrs_init(&a, h, len, sizeof(rtm))) != 0)
		return rc;
	memcpy(&rtm, NLMSG_DATA(h), sizeof(rtm));
	if (rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6)
		return -ENOENT;
	if (rtm.rtm_dst_len > (rtm.rtm_family == AF_INET ? 32 : 128))
		return -EINVAL;
	out->dst.family = rtm.rtm_family;
	out->dst_len = rtm.rtm_dst_len;
	out->type = rtm.rtm_type;
	out->table = rtm.rtm_table;
	while ((rc = attrs_next(&a, &type, &d, &n)) == 1) {
		switch (type) {
		case RTA_DST: r2 = get_addr(rtm.rtm_family, d, n, &out->dst); break;
		case RTA_GATEWAY: r2 = get_addr(rtm.rtm_family, d, n, &out->gateway); break;
		case RTA_PREFSRC: r2 = get_addr(rtm.rtm_family, d, n, &out->prefsrc); break;
		case RTA_OIF: out->oif = (int)get_u32(d, n, &r2); break;
		case RTA_PRIORITY: out->priority = get_u32(d, n, &r2); break;
		case RTA_TABLE: out->table = get_u32(d, n, &r2); break;
		}
		if (r2 != 0)
			return r2;
	}
	return rc < 0 ? rc : 0;
}

int ls_nl_parse_neigh(const struct nlmsghdr *h, size_t len, struct ls_neigh *out)
{
	struct ndmsg ndm;
	struct nda_cacheinfo ci;
	struct attrs a;
	const uint8_t *d;
	size_t n;
	unsigned type;
	bool have_dst = false;
	int rc, r2 = 0;

	memset(out, 0, sizeof(*out));
	out->confirmed_ms_ago = UINT32_MAX;
	if (len < NLMSG_HDRLEN)
		return -EINVAL;
	if (h->nlmsg_type != RTM_NEWNEIGH)
		return -ENOENT;
	if ((rc = attrs_init(&a, h, len, sizeof(ndm))) != 0)
		return rc;
	memcpy(&ndm, NLMSG_DATA(h), sizeof(ndm));
	if (ndm.ndm_family != AF_INET && ndm.ndm_family != AF_INET6)
		return -ENOENT;
	out->ifindex = ndm.ndm_ifindex;
	out->state = ndm.ndm_state;
	out->flags = ndm.ndm_flags;
	while ((rc = attrs_next(&a, &type, &d, &n)) == 1) {
		if (type == NDA_DST) {
			if ((r2 = get_addr(ndm.ndm_family, d, n, &out->addr)) != 0)
				return r2;
			have_dst = true;
		} else if (type == NDA_LLADDR && n == 6) {
			out->has_mac = true;
			memcpy(out->mac, d, 6);
		} else if (type == NDA_CACHEINFO && n >= sizeof(ci)) {
			memcpy(&ci, d, sizeof(ci));
			/* USER_HZ (100) ticks */
			out->confirmed_ms_ago = ci.ndm_confirmed > UINT32_MAX / 10 ? UINT32_MAX : ci.ndm_confirmed * 10;
		}
	}
	if (rc < 0)
		return rc;
	if (!have_dst)
		return -EINVAL;
	if (out->addr.family == AF_INET6 && ls_ip6_linklocal(out->addr.b))
		out->addr.scope = (uint32_t)out->ifindex;	/* a link-local neighbour is of its link */
	return 0;
}
