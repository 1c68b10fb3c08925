/* probe_arp.c -- the ARP method: raw ARP requests for on-link IPv4 targets, as arp-scan sends them.
 *
 * Needs CAP_NET_RAW (an AF_PACKET socket).  Every host on the link answers
 * ARP, whatever its firewall does to IP, so on-link this is the method that
 * finds Windows PCs, printers and phones that drop ICMP, and it yields the
 * MAC address.  Requests bypass the kernel's neighbour table, so a /16 on a
 * link does not overflow it.  A reply counts only when it comes in on the
 * interface the request went out of, from a target in flight, addressed to
 * our address and MAC; anything else is counted as unsolicited.
 */
#include "lanscan/method.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/arp.h"
#include "lanscan/engine.h"
#include "lanscan/util.h"

#define BATCH LS_ENGINE_BATCH
#define MAX_DUPS 16		/* the same address in flight more than once */

/* Who answered each address this sweep, to tell a second MAC (a duplicate
 * address) from a repeated reply.  Open addressing on the IPv4 address. */
struct answered {
	uint32_t addr;		/* 0: empty */
	uint8_t mac[6];		/* the first MAC that answered */
	bool has_mac, reported;
	int ifindex;		/* where we asked, and as whom: a later reply */
	uint8_t our_mac[6], our_ip[4];	/* must answer that request too */
};

struct arpm {
	struct ls_engine e;
	struct answered *seen;
	size_t nseen, capseen;
	int fd;
	uv_poll_t poll;
	uint64_t drops;		/* PACKET_STATISTICS, summed (reading resets it) */
	char desc[64];
	uint8_t rbuf[BATCH][64];
	_Alignas(struct cmsghdr) uint8_t rctl[BATCH][64];	/* control messages: aligned */
};

static const struct ls_iface *iface_of(const struct ls_engine *e, const struct ls_path *path)
{
	return e->env.net != NULL ? ls_netinfo_iface(e->env.net, path->ifindex) : NULL;
}

static unsigned arp_send(struct ls_engine *e, const uint32_t *slots, unsigned n, double now)
{
	struct arpm *m = e->codec;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll to[BATCH];
	uint8_t pkts[BATCH][LS_ARP_LEN];
	uint64_t tx_ns = ls_engine_realtime_ns();
	unsigned k, off = 0;
	int r;

	memset(msgs, 0, sizeof(msgs));
	memset(to, 0, sizeof(to));
	for (k = 0; k < n && k < BATCH; k++) {
		const struct ls_path *path = ls_engine_path(e, slots[k]);
		const struct ls_iface *ifc = iface_of(e, path);
		struct ls_addr buf;
		ls_arp_request(pkts[k], ifc->mac, path->src.b, ls_engine_addr(e, slots[k], &buf)->b);
		to[k].sll_family = AF_PACKET;
		to[k].sll_protocol = htons(ETH_P_ARP);
		to[k].sll_ifindex = path->ifindex;
		to[k].sll_halen = 6;
		memset(to[k].sll_addr, 0xff, 6);
		iov[k].iov_base = pkts[k];
		iov[k].iov_len = LS_ARP_LEN;
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
		msgs[k].msg_hdr.msg_name = &to[k];
		msgs[k].msg_hdr.msg_namelen = sizeof(to[k]);
	}
	while (off < k) {
		r = sendmmsg(m->fd, msgs + off, k - off, 0);
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR))
			break;
		if (r < 0) {	/* the link is down or gone */
			char err[96];
			ls_counters_local(e->env.counters, errno);	/* the link is ours */
			snprintf(err, sizeof(err), "cannot send ARP: %s", strerror(errno));
			ls_engine_end(e, slots[off++], err);
			continue;
		}
		for (; r > 0; r--, off++)
			ls_engine_sent(e, slots[off], now, tx_ns);
	}
	return off;
}

static size_t seen_slot(const struct arpm *m, uint32_t addr)
{
	size_t i = (size_t)(addr * 2654435761u) & (m->capseen - 1);

	while (m->seen[i].addr != 0 && m->seen[i].addr != addr)
		i = (i + 1) & (m->capseen - 1);
	return i;
}

/* The record of addr, made when missing; NULL when out of memory. */
static struct answered *seen_get(struct arpm *m, uint32_t addr, bool create)
{
	size_t i, ncap;
	struct answered *ns, *old;

	if (m->capseen == 0 && !create)
		return NULL;
	if (create && (m->nseen + 1) * 2 > m->capseen) {
		ncap = m->capseen ? m->capseen * 2 : 256;
		if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
			return NULL;
		old = m->seen;
		i = m->capseen;
		m->seen = ns;
		m->capseen = ncap;
		while (i-- > 0)
			if (old[i].addr != 0)
				m->seen[seen_slot(m, old[i].addr)] = old[i];
		free(old);
	}
	i = seen_slot(m, addr);
	if (m->seen[i].addr == 0) {
		if (!create)
			return NULL;
		m->seen[i].addr = addr;
		m->nseen++;
	}
	return &m->seen[i];
}

/* Keeps the first MAC that answered for the reply's address. */
static void remember(struct arpm *m, const struct ls_arp *msg, int ifindex, const uint8_t our_mac[6],
		     const uint8_t our_ip[4])
{
	uint32_t v = ls_be32(msg->spa);
	struct answered *r = v != 0 ? seen_get(m, v, true) : NULL;

	if (r != NULL && !r->has_mac) {
		memcpy(r->mac, msg->sha, 6);
		r->has_mac = true;
		r->ifindex = ifindex;
		memcpy(r->our_mac, our_mac, 6);
		memcpy(r->our_ip, our_ip, 4);
	}
}

/* A reply for an address that already answered: the same MAC repeating
 * itself is a duplicate; another MAC is a second device on the address. */
static bool late_reply(struct arpm *m, const struct ls_arp *msg, const struct ls_addr *spa, int ifindex)
{
	uint32_t v = ls_be32(msg->spa);
	struct answered *s = v != 0 ? seen_get(m, v, false) : NULL;

	if (s == NULL || !s->has_mac || s->ifindex != ifindex || !ls_arp_answers(msg, s->our_mac, s->our_ip))
		return false;
	if (memcmp(s->mac, msg->sha, 6) != 0 && !s->reported) {
		s->reported = true;
		m->e.env.counters->conflicts++;
		if (m->e.env.conflict != NULL)
			m->e.env.conflict(m->e.env.conflict_arg, spa, s->mac, msg->sha);
	}
	ls_engine_reject(&m->e, LS_REJ_STALE);
	return true;
}

static void on_arp(struct arpm *m, const uint8_t *buf, size_t len, const struct sockaddr_ll *from,
		   uint64_t rx_ns, double now)
{
	struct ls_engine *e = &m->e;
	struct ls_arp msg;
	struct ls_addr spa;
	struct ls_answer ans;
	uint32_t cur = LS_ENGINE_NIL, s, hits[MAX_DUPS];
	unsigned n = 0, i;

	if (from->sll_pkttype == PACKET_OUTGOING)
		return;	/* our own requests */
	if (ls_arp_parse(buf, len, &msg) != 0) {
		ls_engine_reject(e, LS_REJ_MALFORMED);
		return;
	}
	if (msg.op != 2)
		return;	/* other hosts' requests: not for us to judge */
	memset(&spa, 0, sizeof(spa));
	spa.family = AF_INET;
	memcpy(spa.b, msg.spa, 4);
	while (n < MAX_DUPS && (s = ls_engine_find(e, &spa, &cur)) != LS_ENGINE_NIL) {
		const struct ls_path *path = ls_engine_path(e, s);
		const struct ls_iface *ifc = iface_of(e, path);
		if (e->slots[s].tries > 0 && path->ifindex == from->sll_ifindex && ifc != NULL &&
		    ls_arp_answers(&msg, ifc->mac, path->src.b))
			hits[n++] = s;
	}
	if (n == 0) {
		if (!late_reply(m, &msg, &spa, from->sll_ifindex))
			ls_engine_reject(e, LS_REJ_UNSOLICITED);
		return;
	}
	{
		const struct ls_path *path = ls_engine_path(e, hits[0]);
		remember(m, &msg, path->ifindex, iface_of(e, path)->mac, path->src.b);
	}
	memset(&ans, 0, sizeof(ans));
	snprintf(ans.via, sizeof(ans.via), "arp");
	ans.has_mac = true;
	memcpy(ans.mac, msg.sha, 6);
	for (i = 0; i < n; i++) {
		/* ARP carries no token: time it from the first request (an upper bound). */
		ans.rtt_ms = ls_engine_rtt(e, hits[i], e->slots[hits[i]].first_ns, rx_ns, now);
		ls_engine_answer(e, hits[i], &ans);
	}
}

static void arp_receive(struct ls_engine *e)
{
	struct arpm *m = e->codec;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll from[BATCH];
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
			on_arp(m, m->rbuf[k], msgs[k].msg_len, &from[k], ls_engine_rx_stamp(&msgs[k].msg_hdr), now);
		if (n < BATCH)
			break;
	}
}

static uint64_t arp_drops(struct ls_engine *e)
{
	struct arpm *m = e->codec;
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(m->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		m->drops += st.tp_drops;
	return m->drops;
}

static void arp_free(struct ls_engine *e)
{
	struct arpm *m = e->codec;

	free(m->seen);
	free(m);
}

static const struct ls_engine_ops arp_ops = {
	.send = arp_send,
	.receive = arp_receive,
	.drops = arp_drops,
	.free = arp_free,
};

static void poll_cb(uv_poll_t *h, int status, int events)
{
	struct ls_engine *e = h->data;

	(void)status;
	(void)events;
	arp_receive(e);
}

static int arp_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	struct arpm *m;
	int fd, rc, on = 1, size = 4 << 20;

	if (env->net == NULL) {
		snprintf(err, errlen, "arp: the interfaces and routes are unknown");
		return -ENOENT;
	}
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "arp: cannot open a packet socket: %s", strerror(errno));
		return rc;
	}
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	m->fd = fd;
	if ((rc = ls_engine_init(&m->e, env, &arp_ops, m, 0, true)) != 0) {
		close(fd);
		free(m);
		return rc;
	}
	uv_poll_init_socket(env->loop, &m->poll, fd);
	m->poll.data = &m->e;
	uv_poll_start(&m->poll, UV_READABLE, poll_cb);
	m->e.handles++;
	snprintf(m->desc, sizeof(m->desc), "arp: packet socket");
	*out = (struct ls_minst *)m;
	return 0;
}

static size_t arp_capacity(struct ls_minst *mi)
{
	return ((struct arpm *)mi)->e.nslots;
}

static bool arp_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	const struct ls_iface *ifc;

	if (addr->family != AF_INET || path->kind != LS_ROUTE_ONLINK || path->src.family != AF_INET)
		return false;
	ifc = iface_of(&((struct arpm *)mi)->e, path);
	return ifc != NULL && ifc->has_mac && !(ifc->flags & (IFF_NOARP | IFF_LOOPBACK));
}

static int arp_start(struct ls_minst *mi, struct ls_attempt *a)
{
	return ls_engine_start(&((struct arpm *)mi)->e, a);
}

static void arp_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	ls_engine_cancel(&((struct arpm *)mi)->e, a);
}

static int arp_start_lite(struct ls_minst *mi, const struct ls_spec *spec, const struct ls_addr *addr,
			  uint16_t path, bool follow)
{
	return ls_engine_start_lite(&((struct arpm *)mi)->e, spec, addr, path, follow);
}

static void arp_cancel_lite(struct ls_minst *mi)
{
	ls_engine_cancel_lite(&((struct arpm *)mi)->e);
}

static void arp_close(struct ls_minst *mi)
{
	struct arpm *m = (struct arpm *)mi;

	uv_close((uv_handle_t *)&m->poll, ls_engine_handle_closed);
	close(m->fd);
	ls_engine_close(&m->e);
}

static const char *arp_describe(struct ls_minst *mi)
{
	return ((struct arpm *)mi)->desc;
}

const struct ls_method ls_method_arp = {
	.name = "arp",
	.bit = LS_M_ARP,
	.open = arp_open,
	.capacity = arp_capacity,
	.applies = arp_applies,
	.start = arp_start,
	.cancel = arp_cancel,
	.start_lite = arp_start_lite,
	.cancel_lite = arp_cancel_lite,
	.close = arp_close,
	.describe = arp_describe,
};
