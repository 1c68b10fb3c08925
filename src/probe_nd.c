/* probe_nd.c -- the ND method: Neighbor Solicitations for on-link IPv6 targets, the IPv6 counterpart of ARP.
 *
 * Needs CAP_NET_RAW (a raw ICMPv6 socket).  A solicitation goes to the
 * target's solicited-node multicast group with hop limit 255; a Neighbor
 * Advertisement counts only when it arrives with hop limit 255 (so it was not
 * routed: RFC 4861 7.1.2), on the interface the solicitation left by, for a
 * target in flight.  It yields the MAC address.
 */
#include "lanscan/method.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/engine.h"
#include "lanscan/nd.h"
#include "lanscan/util.h"

#define BATCH LS_ENGINE_BATCH
#define MAX_DUPS 16

/* A target that answered: the first MAC, to tell a second device on the
 * address (a conflict) from the same one repeating itself. */
struct answered {
	struct ls_addr addr;
	int ifindex;
	uint8_t mac[6];
	uint8_t nmac;
	bool used, reported;
};

struct ndm {
	struct ls_engine e;
	struct answered *seen;		/* open addressing, at most half full */
	size_t nseen, capseen;
	int fd;
	uv_poll_t poll;
	char desc[64];
	uint8_t rbuf[BATCH][256];
	_Alignas(struct cmsghdr) uint8_t rctl[BATCH][128];	/* control messages: aligned */
};

static const struct ls_iface *iface_of(const struct ls_engine *e, const struct ls_path *path)
{
	return e->env.net != NULL ? ls_netinfo_iface(e->env.net, path->ifindex) : NULL;
}

static unsigned nd_send(struct ls_engine *e, const uint32_t *slots, unsigned n, double now)
{
	struct ndm *m = e->codec;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in6 to[BATCH];
	uint8_t pkts[BATCH][LS_ND_NS_LEN];
	uint64_t tx_ns = ls_engine_realtime_ns();
	unsigned k, off = 0;
	int r;

	memset(msgs, 0, sizeof(msgs));
	memset(to, 0, sizeof(to));
	for (k = 0; k < n && k < BATCH; k++) {
		struct ls_attempt *a = e->slots[slots[k]].a;
		const struct ls_path *path = ls_attempt_path(a);
		ls_nd_solicit(pkts[k], ls_attempt_addr(a)->b, iface_of(e, path)->mac);
		to[k].sin6_family = AF_INET6;
		ls_nd_solicited_node(ls_attempt_addr(a)->b, to[k].sin6_addr.s6_addr);
		to[k].sin6_scope_id = (uint32_t)path->ifindex;
		iov[k].iov_base = pkts[k];
		iov[k].iov_len = LS_ND_NS_LEN;
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
		msgs[k].msg_hdr.msg_name = &to[k];
		msgs[k].msg_hdr.msg_namelen = sizeof(to[k]);
	}
	while (off < k) {
		r = sendmmsg(m->fd, msgs + off, k - off, 0);
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR))
			break;
		if (r < 0) {
			char err[96];
			ls_counters_local(e->env.counters, errno);	/* the link is ours */
			snprintf(err, sizeof(err), "cannot send a neighbor solicitation: %s", strerror(errno));
			ls_engine_end(e, slots[off++], err);
			continue;
		}
		for (; r > 0; r--, off++)
			ls_engine_sent(e, slots[off], now, tx_ns);
	}
	return off;
}

/* The hop limit and arrival interface of a received message (-1 / 0 when absent). */
static void ancillary(struct msghdr *h, int *hops, int *ifindex)
{
	struct cmsghdr *c;
	struct in6_pktinfo pi;

	*hops = -1;
	*ifindex = 0;
	for (c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_HOPLIMIT)
			memcpy(hops, CMSG_DATA(c), sizeof(*hops));
		else if (c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ifindex = (int)pi.ipi6_ifindex;
		}
	}
}

static size_t seen_slot(const struct ndm *m, const struct ls_addr *a, int ifindex)
{
	uint64_t h = ls_fnv1a(LS_FNV_INIT, a->b, 16);

	h = ls_fnv1a(h, &ifindex, sizeof(ifindex));
	return (size_t)h & (m->capseen - 1);
}

/* The entry for addr on ifindex: found, or (create) a new one; NULL when
 * absent or out of memory (then conflicts on it go unnoticed). */
static struct answered *seen_get(struct ndm *m, const struct ls_addr *a, int ifindex, bool create)
{
	size_t i, j, ncap;
	struct answered *ns, *old;

	if (create && (m->nseen + 1) * 2 > m->capseen) {
		ncap = m->capseen ? m->capseen * 2 : 64;
		if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
			return NULL;
		old = m->seen;
		j = m->capseen;
		m->seen = ns;
		m->capseen = ncap;
		while (j-- > 0)
			if (old[j].used) {
				for (i = seen_slot(m, &old[j].addr, old[j].ifindex); m->seen[i].used; i = (i + 1) & (ncap - 1))
					;
				m->seen[i] = old[j];
			}
		free(old);
	}
	if (m->capseen == 0)
		return NULL;
	for (i = seen_slot(m, a, ifindex); m->seen[i].used; i = (i + 1) & (m->capseen - 1))
		if (m->seen[i].ifindex == ifindex && ls_addr_cmp(&m->seen[i].addr, a) == 0)
			return &m->seen[i];
	if (!create)
		return NULL;
	m->seen[i].used = true;
	m->seen[i].addr = *a;
	m->seen[i].ifindex = ifindex;
	m->nseen++;
	return &m->seen[i];
}

/* Keeps the first MAC that advertised a target we asked about; another MAC
 * for it later in the sweep is a second device on the address. */
static void check_mac(struct ndm *m, const struct ls_addr *target, int ifindex, const uint8_t mac[6], bool asked)
{
	struct answered *s = seen_get(m, target, ifindex, asked);

	if (s == NULL)
		return;
	if (s->nmac == 0) {
		memcpy(s->mac, mac, 6);
		s->nmac = 1;
	} else if (memcmp(s->mac, mac, 6) != 0 && !s->reported) {
		s->reported = true;
		m->e.env.counters->conflicts++;
		if (m->e.env.conflict != NULL)
			m->e.env.conflict(m->e.env.conflict_arg, target, s->mac, mac);
	}
}

static void on_adv(struct ndm *m, const uint8_t *buf, size_t len, struct msghdr *h, double now)
{
	struct ls_engine *e = &m->e;
	struct ls_nd_adv adv;
	struct ls_addr target;
	struct ls_answer ans;
	uint32_t cur = LS_ENGINE_NIL, s, hits[MAX_DUPS];
	unsigned n = 0, i;
	int hops, ifindex;

	if (ls_nd_parse_adv(buf, len, &adv) != 0) {
		ls_engine_reject(e, LS_REJ_MALFORMED);
		return;
	}
	ancillary(h, &hops, &ifindex);
	if (hops != 255) {
		ls_engine_reject(e, LS_REJ_HOPLIMIT);
		return;
	}
	memset(&target, 0, sizeof(target));
	target.family = AF_INET6;
	memcpy(target.b, adv.target, 16);
	if (ls_ip6_linklocal(target.b))
		target.scope = (uint32_t)ifindex;	/* a link-local target is named with its zone */
	while (n < MAX_DUPS && (s = ls_engine_find(e, &target, &cur)) != LS_ENGINE_NIL)
		if (e->slots[s].tries > 0 && ls_attempt_path(e->slots[s].a)->ifindex == ifindex)
			hits[n++] = s;
	if (adv.has_mac)
		check_mac(m, &target, ifindex, adv.mac, n > 0);
	if (n == 0) {
		ls_engine_reject(e, seen_get(m, &target, ifindex, false) != NULL ? LS_REJ_STALE : LS_REJ_UNSOLICITED);
		return;
	}
	memset(&ans, 0, sizeof(ans));
	snprintf(ans.via, sizeof(ans.via), "nd");
	ans.has_mac = adv.has_mac;
	memcpy(ans.mac, adv.mac, 6);
	for (i = 0; i < n; i++) {
		ans.rtt_ms = ls_engine_rtt(e, hits[i], e->slots[hits[i]].first_ns, ls_engine_rx_stamp(h), now);
		ls_engine_answer(e, hits[i], &ans);
	}
}

static void nd_receive(struct ls_engine *e)
{
	struct ndm *m = e->codec;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in6 from[BATCH];
	double now = ls_now_ms();
	int k, n;

	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (k = 0; k < BATCH; k++) {
			iov[k].iov_base = m->rbuf[k];
			iov[k].iov_len = sizeof(m->rbuf[k]);
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
			msgs[k].msg_hdr.msg_name = &from[k];
			msgs[k].msg_hdr.msg_namelen = sizeof(from[k]);
			msgs[k].msg_hdr.msg_control = m->rctl[k];
			msgs[k].msg_hdr.msg_controllen = sizeof(m->rctl[k]);
		}
		n = recvmmsg(m->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (k = 0; k < n; k++)
			on_adv(m, m->rbuf[k], msgs[k].msg_len, &msgs[k].msg_hdr, now);
		if (n < BATCH)
			break;
	}
}

static uint64_t nd_drops(struct ls_engine *e)
{
	return ls_engine_sock_drops(((struct ndm *)e->codec)->fd);
}

static void nd_free(struct ls_engine *e)
{
	struct ndm *m = e->codec;

	free(m->seen);
	free(m);
}

static const struct ls_engine_ops nd_ops = {
	.send = nd_send,
	.receive = nd_receive,
	.drops = nd_drops,
	.free = nd_free,
};

static void poll_cb(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	nd_receive(h->data);
}

static int nd_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	struct ndm *m;
	struct icmp6_filter f;
	int fd, rc, on = 1, hops = 255, size = 4 << 20;

	if (env->net == NULL) {
		snprintf(err, errlen, "nd: the interfaces and routes are unknown");
		return -ENOENT;
	}
	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "nd: cannot open a raw ICMPv6 socket: %s", strerror(errno));
		return rc;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_NEIGHBOR_ADVERT, &f);
	setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops));
	setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
	setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	m->fd = fd;
	if ((rc = ls_engine_init(&m->e, env, &nd_ops, m, 0, true)) != 0) {
		close(fd);
		free(m);
		return rc;
	}
	uv_poll_init_socket(env->loop, &m->poll, fd);
	m->poll.data = &m->e;
	uv_poll_start(&m->poll, UV_READABLE, poll_cb);
	m->e.handles++;
	snprintf(m->desc, sizeof(m->desc), "nd: raw ICMPv6 socket");
	*out = (struct ls_minst *)m;
	return 0;
}

static size_t nd_capacity(struct ls_minst *mi)
{
	return ((struct ndm *)mi)->e.nslots;
}

static bool nd_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	const struct ls_iface *ifc;

	if (addr->family != AF_INET6 || path->kind != LS_ROUTE_ONLINK)
		return false;
	ifc = iface_of(&((struct ndm *)mi)->e, path);
	return ifc != NULL && ifc->has_mac && !(ifc->flags & (IFF_NOARP | IFF_LOOPBACK));
}

static int nd_start(struct ls_minst *mi, struct ls_attempt *a)
{
	return ls_engine_start(&((struct ndm *)mi)->e, a);
}

static void nd_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	ls_engine_cancel(&((struct ndm *)mi)->e, a);
}

static void nd_close(struct ls_minst *mi)
{
	struct ndm *m = (struct ndm *)mi;

	uv_close((uv_handle_t *)&m->poll, ls_engine_handle_closed);
	close(m->fd);
	ls_engine_close(&m->e);
}

static const char *nd_describe(struct ls_minst *mi)
{
	return ((struct ndm *)mi)->desc;
}

const struct ls_method ls_method_nd = {
	.name = "nd",
	.bit = LS_M_ND,
	.open = nd_open,
	.capacity = nd_capacity,
	.applies = nd_applies,
	.start = nd_start,
	.cancel = nd_cancel,
	.close = nd_close,
	.describe = nd_describe,
};
