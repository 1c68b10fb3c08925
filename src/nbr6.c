/* nbr6.c -- discover a link's IPv6 neighbours: an echo to all-nodes from each of our addresses, and the neighbour table. */
#include "lanscan/nbr6.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/util.h"

#define MAX_IFACES 32
#define MAX_SOURCES 8		/* per interface: the link-local one and globals */
#define MAX_SOCKS (MAX_IFACES * MAX_SOURCES)

/* --- the pure part -------------------------------------------------------- */

int ls_nbr6_add(struct ls_nbr6_set *s, const struct ls_addr *a)
{
	size_t i;

	for (i = 0; i < s->n; i++)	/* a link holds few neighbours */
		if (ls_addr_cmp(&s->a[i], a) == 0)
			return 0;
	if (ls_grow(&s->a, s->n, &s->cap, sizeof(*s->a), 16) != 0)
		return -ENOMEM;
	s->a[s->n++] = *a;
	return 1;
}

void ls_nbr6_free(struct ls_nbr6_set *s)
{
	free(s->a);
	memset(s, 0, sizeof(*s));
}

bool ls_nbr6_wanted(const struct ls_addr *a, const struct ls_addr *own, size_t nown)
{
	static const uint8_t zero[16], loop[16] = { [15] = 1 };
	size_t i;

	if (a->family != AF_INET6 || a->b[0] == 0xff || memcmp(a->b, zero, 16) == 0 || memcmp(a->b, loop, 16) == 0)
		return false;
	if (ls_ip6_linklocal(a->b) && a->scope == 0)
		return false;	/* a link-local address without its link names nothing */
	for (i = 0; i < nown; i++)
		if (memcmp(own[i].b, a->b, 16) == 0 && (own[i].scope == a->scope || !ls_ip6_linklocal(a->b)))
			return false;
	return true;
}

bool ls_nbr6_neigh_usable(const struct ls_neigh *nb, int ifindex)
{
	return nb->addr.family == AF_INET6 && nb->ifindex == ifindex &&
	       (nb->state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT)) != 0;
}

void ls_nbr6_echo(uint8_t buf[LS_NBR6_ECHO_LEN], uint16_t ident, const uint8_t cookie[8])
{
	memset(buf, 0, LS_NBR6_ECHO_LEN);
	buf[0] = ICMP6_ECHO_REQUEST;
	buf[4] = (uint8_t)(ident >> 8);
	buf[5] = (uint8_t)ident;
	buf[7] = 1;	/* sequence 1 */
	memcpy(buf + 8, cookie, 8);
}

bool ls_nbr6_is_reply(const uint8_t *buf, size_t len, bool check_ident, uint16_t ident, const uint8_t cookie[8])
{
	if (len < LS_NBR6_ECHO_LEN || buf[0] != ICMP6_ECHO_REPLY || buf[1] != 0)
		return false;
	if (check_ident && (buf[4] != (uint8_t)(ident >> 8) || buf[5] != (uint8_t)ident))
		return false;
	return memcmp(buf + 8, cookie, 8) == 0;
}

/* --- interfaces ----------------------------------------------------------- */

struct link {
	int index;
	char name[IF_NAMESIZE];
	struct ls_addr src[MAX_SOURCES];	/* the link-local one first when there is one */
	size_t nsrc;
	size_t found;
};

struct disc {
	struct link links[MAX_IFACES];
	size_t nlinks;
	struct ls_addr *own;		/* every IPv6 address of this machine */
	size_t nown, owncap;
	int fd[MAX_SOCKS];
	bool raw[MAX_SOCKS];
	size_t link_of[MAX_SOCKS];
	size_t nfd;
	uint16_t ident;
	uint8_t cookie[8];
};

static struct link *link_for(struct disc *d, const char *name, int index)
{
	size_t i;

	for (i = 0; i < d->nlinks; i++)
		if (d->links[i].index == index)
			return &d->links[i];
	if (d->nlinks == MAX_IFACES)
		return NULL;
	memset(&d->links[d->nlinks], 0, sizeof(d->links[0]));
	d->links[d->nlinks].index = index;
	snprintf(d->links[d->nlinks].name, sizeof(d->links[0].name), "%s", name);
	return &d->links[d->nlinks++];
}

/* The interfaces to look at (ifindex's, or every suitable one), their
 * sources, and every IPv6 address of this machine. */
static int list_links(struct disc *d, int ifindex)
{
	struct ifaddrs *ifa, *i;
	struct ls_addr a;
	struct link *l;
	int index;

	if (getifaddrs(&ifa) != 0)
		return -errno;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET6 ||
		    ls_addr_from_sockaddr(i->ifa_addr, &a) != 0)
			continue;
		if (ls_grow(&d->own, d->nown, &d->owncap, sizeof(*d->own), 16) != 0) {
			freeifaddrs(ifa);
			return -ENOMEM;
		}
		d->own[d->nown++] = a;
		if (!(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_MULTICAST))
			continue;
		if ((index = (int)if_nametoindex(i->ifa_name)) == 0 || (ifindex != 0 && index != ifindex))
			continue;
		if ((l = link_for(d, i->ifa_name, index)) == NULL || l->nsrc == MAX_SOURCES)
			continue;
		if (a.b[0] == 0xff)
			continue;
		if (ls_ip6_linklocal(a.b) && l->nsrc > 0) {	/* the link-local source first */
			l->src[l->nsrc++] = l->src[0];
			l->src[0] = a;
		} else {
			l->src[l->nsrc++] = a;
		}
	}
	freeifaddrs(ifa);
	return 0;
}

/* --- the echo ------------------------------------------------------------- */

/* An ICMPv6 socket from src out of its link, for multicast echo: raw when
 * allowed, else datagram.  Returns the fd or a negative errno. */
static int open_echo(const struct link *l, const struct ls_addr *src, bool *raw)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, hops = 1, off = 0, ifindex = l->index;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	*raw = fd >= 0;
	if (fd < 0)
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	if (*raw) {
		struct icmp6_filter f;
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	sl = ls_addr_to_sockaddr(src, &ss);
	((struct sockaddr_in6 *)&ss)->sin6_scope_id = src->scope;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) != 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) != 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) != 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) != 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* Sends the echoes; returns how many went out (err: the last failure). */
static size_t send_echoes(struct disc *d, int *err)
{
	struct sockaddr_in6 to;
	uint8_t pkt[LS_NBR6_ECHO_LEN];
	size_t li, si, sent = 0;
	int fd;

	ls_nbr6_echo(pkt, d->ident, d->cookie);
	for (li = 0; li < d->nlinks; li++) {
		struct link *l = &d->links[li];
		for (si = 0; si < l->nsrc && d->nfd < MAX_SOCKS; si++) {
			if ((fd = open_echo(l, &l->src[si], &d->raw[d->nfd])) < 0) {
				*err = fd;
				continue;
			}
			memset(&to, 0, sizeof(to));
			to.sin6_family = AF_INET6;
			to.sin6_addr.s6_addr[0] = 0xff;
			to.sin6_addr.s6_addr[1] = 0x02;
			to.sin6_addr.s6_addr[15] = 1;	/* ff02::1, all nodes */
			to.sin6_scope_id = (uint32_t)l->index;
			if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
				*err = -errno;
				close(fd);
				continue;
			}
			d->fd[d->nfd] = fd;
			d->link_of[d->nfd++] = li;
			sent++;
		}
	}
	return sent;
}

static int collect(struct disc *d, size_t k, struct ls_nbr6_set *out)
{
	uint8_t buf[256];
	struct sockaddr_storage from;
	socklen_t fl;
	struct ls_addr a;
	ssize_t n;
	int rc;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(d->fd[k], buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (!ls_nbr6_is_reply(buf, (size_t)n, d->raw[k], d->ident, d->cookie) ||
		    ls_addr_from_sockaddr((struct sockaddr *)&from, &a) != 0 || a.family != AF_INET6 ||
		    !ls_nbr6_wanted(&a, d->own, d->nown))
			continue;
		if (ls_ip6_linklocal(a.b) && a.scope != (uint32_t)d->links[d->link_of[k]].index)
			continue;
		if ((rc = ls_nbr6_add(out, &a)) < 0)
			return rc;
		d->links[d->link_of[k]].found += (size_t)rc;
	}
}

/* Waits up to wait_ms for replies on every socket. */
static int wait_replies(struct disc *d, int wait_ms, struct ls_nbr6_set *out)
{
	struct pollfd pfd[MAX_SOCKS];
	double end = ls_now_ms() + wait_ms, left;
	size_t k;
	int rc, ready;

	for (k = 0; k < d->nfd; k++) {
		pfd[k].fd = d->fd[k];
		pfd[k].events = POLLIN;
	}
	while (d->nfd > 0 && (left = end - ls_now_ms()) > 0) {
		ready = poll(pfd, d->nfd, (int)left + 1);
		if (ready < 0 && errno != EINTR)
			return -errno;
		for (k = 0; ready > 0 && k < d->nfd; k++)
			if (pfd[k].revents != 0 && (rc = collect(d, k, out)) < 0)
				return rc;
	}
	return 0;
}

/* --- the neighbour table -------------------------------------------------- */

static int read_table(struct disc *d, struct ls_nbr6_set *out)
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
	} req;
	struct nlmsghdr *h;
	struct ls_neigh nb;
	uint8_t *buf;
	size_t left, li;
	ssize_t n;
	int fd, rc = 0, r;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.nd.ndm_family = AF_INET6;
	if ((buf = malloc(64 * 1024)) == NULL || send(fd, &req, sizeof(req), 0) < 0) {
		rc = buf == NULL ? -ENOMEM : -errno;
		goto out;
	}
	for (;;) {
		struct timeval tv = { 1, 0 };	/* bounded: the kernel answers at once */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if ((n = recv(fd, buf, 64 * 1024, 0)) <= 0) {
			rc = n < 0 && errno != EINTR ? -errno : 0;
			goto out;
		}
		left = (size_t)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				goto out;
			if (ls_nl_parse_neigh(h, h->nlmsg_len, &nb) != 0 || !ls_nbr6_wanted(&nb.addr, d->own, d->nown))
				continue;
			for (li = 0; li < d->nlinks; li++) {
				if (!ls_nbr6_neigh_usable(&nb, d->links[li].index))
					continue;
				if ((r = ls_nbr6_add(out, &nb.addr)) < 0) {
					rc = r;
					goto out;
				}
				d->links[li].found += (size_t)r;
			}
		}
	}
out:
	free(buf);
	close(fd);
	return rc;
}

/* --- all of it ------------------------------------------------------------ */

int ls_nbr6_discover(int ifindex, int wait_ms, struct ls_nbr6_result *r)
{
	struct disc *d = calloc(1, sizeof(*d));
	size_t k, used = 0, sent;
	int rc, err = 0, w;

	memset(r, 0, sizeof(*r));
	if (d == NULL)
		return -ENOMEM;
	if ((rc = list_links(d, ifindex)) != 0)
		goto out;
	r->nifaces = (unsigned)d->nlinks;
	if (d->nlinks == 0)
		goto out;
	if (getrandom(d->cookie, sizeof(d->cookie), 0) != (ssize_t)sizeof(d->cookie)) {
		rc = -errno;
		goto out;
	}
	d->ident = (uint16_t)(d->cookie[0] << 8 | d->cookie[1]);
	sent = send_echoes(d, &err);
	if (sent > 0)
		rc = wait_replies(d, wait_ms, &r->found);
	for (k = 0; k < d->nfd; k++)
		close(d->fd[k]);
	if (sent > 0)
		snprintf(r->note, sizeof(r->note), "IPv6 neighbours: %zu echoes to ff02::1 (%s ICMPv6 socket), "
			 "replies for %d ms, then the neighbour table", sent, d->raw[0] ? "raw" : "datagram", wait_ms);
	else
		snprintf(r->note, sizeof(r->note), "IPv6 neighbours: the neighbour table only (no echo to ff02::1: %s)",
			 err != 0 ? strerror(-err) : "no IPv6 address to send from");
	if (rc == 0)
		rc = read_table(d, &r->found);
	for (k = 0; k < d->nlinks && used < sizeof(r->desc); k++) {
		w = snprintf(r->desc + used, sizeof(r->desc) - used, "%s%zu on %s", k > 0 ? ", " : "",
			     d->links[k].found, d->links[k].name);
		used += w > 0 ? (size_t)w : 0;
	}
out:
	free(d->own);
	free(d);
	if (rc != 0)
		ls_nbr6_free(&r->found);
	return rc;
}

void ls_nbr6_result_free(struct ls_nbr6_result *r)
{
	ls_nbr6_free(&r->found);
}
