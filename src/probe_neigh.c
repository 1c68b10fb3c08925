/* probe_neigh.c -- the unprivileged on-link method: let the kernel resolve the neighbour, watch its table.
 *
 * No privilege needed, as no peer tool can: a UDP datagram to an on-link
 * address makes the kernel send ARP (or ND) itself, and the kernel announces
 * what it learns on rtnetlink (RTM_NEWNEIGH, readable by anyone).  An entry
 * for a target in flight that turns REACHABLE after our trigger is an
 * answer, with the MAC.  An entry already REACHABLE when the sweep starts
 * (confirmed within the kernel's reachable time) counts at once; a STALE one
 * proves nothing until confirmed: the trigger moves it to DELAY, and the
 * kernel probes it only after delay_first_probe_time (5 s), so such a
 * target's wait is lengthened until the kernel has confirmed the entry or
 * failed it.  INCOMPLETE and FAILED are no answer.  The kernel retransmits
 * its own requests, so the engine sends one trigger.
 */
#include "lanscan/method.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/engine.h"
#include "lanscan/nlparse.h"
#include "lanscan/util.h"

#define BATCH LS_ENGINE_BATCH
#define MAX_DUPS 16
#define TRIGGER_PORT 9		/* discard: nothing is expected back */

struct known {			/* a neighbour entry the table had when the sweep began */
	int ifindex;
	struct ls_addr addr;
	uint8_t mac[6];
	uint16_t state;		/* NUD_REACHABLE/PERMANENT (proof), or STALE/DELAY/PROBE (not) */
};

struct neighm {
	struct ls_engine e;
	int nl;			/* rtnetlink, subscribed to neighbour changes */
	int udp[2];		/* triggers, IPv4 and IPv6 */
	uv_poll_t poll;
	struct known *known;
	size_t nknown;
	uint64_t drops;		/* ENOBUFS on the netlink socket: notifications lost */
	double stale_wait_ms[2];	/* how long the kernel may take to confirm a STALE entry */
	char desc[64];
	uint8_t rbuf[64 * 1024];
};

static int known_cmp(const void *a, const void *b)
{
	const struct known *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return ls_addr_cmp(&x->addr, &y->addr);
}

static const struct known *known_find(const struct neighm *m, int ifindex, const struct ls_addr *addr)
{
	struct known key;

	memset(&key, 0, sizeof(key));
	key.ifindex = ifindex;
	key.addr = *addr;
	return m->nknown > 0 ? bsearch(&key, m->known, m->nknown, sizeof(key), known_cmp) : NULL;
}

/* `measured`: the entry turned REACHABLE after our trigger (else it already
 * was, and there is no round trip to report). */
static void answer_slot(struct ls_engine *e, uint32_t s, const uint8_t mac[6], bool has_mac, bool measured,
			double now)
{
	struct ls_answer ans;

	memset(&ans, 0, sizeof(ans));
	snprintf(ans.via, sizeof(ans.via), "neigh");
	ans.has_mac = has_mac;
	memcpy(ans.mac, mac, 6);
	/* netlink has no timestamps: as the loop saw it */
	ans.rtt_ms = measured ? now - e->slots[s].first_ms : -1;
	ls_engine_answer(e, s, &ans);
}

static unsigned neigh_send(struct ls_engine *e, const uint32_t *slots, unsigned n, double now)
{
	struct neighm *m = e->codec;
	struct sockaddr_storage ss;
	const struct known *k;
	unsigned i;
	socklen_t sl;

	for (i = 0; i < n; i++) {
		struct ls_attempt *a = e->slots[slots[i]].a;
		const struct ls_addr *addr = ls_attempt_addr(a);
		int fd = m->udp[addr->family == AF_INET6];
		sl = ls_addr_to_sockaddr(addr, &ss);
		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = htons(TRIGGER_PORT);
		else {
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(TRIGGER_PORT);
			((struct sockaddr_in6 *)&ss)->sin6_scope_id = (uint32_t)ls_attempt_path(a)->ifindex;
		}
		if (fd < 0 || (sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&ss, sl) < 0 &&
			       (errno == EAGAIN || errno == ENOBUFS)))
			break;	/* later */
		ls_engine_sent(e, slots[i], now, 0);
		k = known_find(m, ls_attempt_path(a)->ifindex, addr);
		if (k != NULL && (k->state & (NUD_REACHABLE | NUD_PERMANENT)))
			answer_slot(e, slots[i], k->mac, true, false, now);
		else if (k != NULL)	/* unconfirmed: wait for the kernel's own probe */
			ls_engine_extend(e, slots[i], m->stale_wait_ms[addr->family == AF_INET6]);
	}
	return i;
}

static void on_neigh(struct neighm *m, const struct ls_neigh *nb, double now)
{
	struct ls_engine *e = &m->e;
	uint32_t cur = LS_ENGINE_NIL, s, hits[MAX_DUPS];
	unsigned n = 0, i;

	if (!(nb->state & (NUD_REACHABLE | NUD_PERMANENT)))
		return;	/* STALE, DELAY, PROBE, INCOMPLETE, FAILED: not an answer */
	/* Any attempt in flight: the entry was resolved after the sweep began
	 * asking (our trigger, or another method's packet to it, did it). */
	while (n < MAX_DUPS && (s = ls_engine_find(e, &nb->addr, &cur)) != LS_ENGINE_NIL)
		if (ls_attempt_path(e->slots[s].a)->ifindex == nb->ifindex)
			hits[n++] = s;
	/* No RTT when the entry existed before (the kernel's own timers set
	 * when it was confirmed) or our trigger was not out yet. */
	for (i = 0; i < n; i++)
		answer_slot(e, hits[i], nb->mac, nb->has_mac,
			    e->slots[hits[i]].tries > 0 && known_find(m, nb->ifindex, &nb->addr) == NULL, now);
}

static void neigh_receive(struct ls_engine *e)
{
	struct neighm *m = e->codec;
	struct nlmsghdr *h;
	struct ls_neigh nb;
	double now = ls_now_ms();
	ssize_t n;
	size_t left;

	for (;;) {
		n = recv(m->nl, m->rbuf, sizeof(m->rbuf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {	/* the kernel dropped notifications */
			m->drops++;
			continue;
		}
		if (n <= 0)
			return;
		left = (size_t)n;
		for (h = (struct nlmsghdr *)m->rbuf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
			if (ls_nl_parse_neigh(h, h->nlmsg_len, &nb) == 0)
				on_neigh(m, &nb, now);
	}
}

static uint64_t neigh_drops(struct ls_engine *e)
{
	return ((struct neighm *)e->codec)->drops;
}

static void neigh_free(struct ls_engine *e)
{
	struct neighm *m = e->codec;

	free(m->known);
	free(m);
}

static const struct ls_engine_ops neigh_ops = {
	.send = neigh_send,
	.receive = neigh_receive,
	.drops = neigh_drops,
	.free = neigh_free,
};

static void poll_cb(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	neigh_receive(h->data);
}

/* Reads the neighbour table once: the entries REACHABLE now.  Returns 0 or a
 * negative errno. */
static int dump_known(struct neighm *m)
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
	} req;
	struct nlmsghdr *h;
	struct ls_neigh nb;
	size_t cap = 0, left;
	ssize_t n;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.nd.ndm_family = AF_UNSPEC;
	if (send(fd, &req, sizeof(req), 0) < 0) {
		close(fd);
		return -errno;
	}
	for (;;) {
		n = recv(fd, m->rbuf, sizeof(m->rbuf), 0);
		if (n <= 0)
			break;
		left = (size_t)n;
		for (h = (struct nlmsghdr *)m->rbuf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				goto done;
			if (ls_nl_parse_neigh(h, h->nlmsg_len, &nb) != 0 || !nb.has_mac ||
			    !(nb.state & (NUD_REACHABLE | NUD_PERMANENT | NUD_STALE | NUD_DELAY | NUD_PROBE)))
				continue;
			if (ls_grow(&m->known, m->nknown, &cap, sizeof(*m->known), 64) != 0)
				goto done;
			m->known[m->nknown].ifindex = nb.ifindex;
			m->known[m->nknown].addr = nb.addr;
			m->known[m->nknown].state = nb.state;
			memcpy(m->known[m->nknown++].mac, nb.mac, 6);
		}
	}
done:
	close(fd);
	if (m->nknown > 0)
		qsort(m->known, m->nknown, sizeof(*m->known), known_cmp);
	return 0;
}

/* A neighbour setting of the family (default table), or def when unreadable. */
static long neigh_sysctl(int v6, const char *name, long def)
{
	char path[96];
	long v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv%d/neigh/default/%s", v6 ? 6 : 4, name);
	if ((f = fopen(path, "r")) == NULL)
		return def;
	if (fscanf(f, "%ld", &v) != 1 || v < 0 || v > 3600000)
		v = def;
	fclose(f);
	return v;
}

static int neigh_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	struct neighm *m;
	struct sockaddr_nl sa;
	int rc, fi, size = 4 << 20;

	if (env->net == NULL) {
		snprintf(err, errlen, "neigh: the interfaces and routes are unknown");
		return -ENOENT;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	m->udp[0] = m->udp[1] = -1;
	m->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_NEIGH;
	if (m->nl < 0 || bind(m->nl, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		snprintf(err, errlen, "neigh: cannot watch the neighbour table: %s", strerror(errno));
		goto fail;
	}
	setsockopt(m->nl, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	for (fi = 0; fi < 2; fi++) {
		m->udp[fi] = socket(fi ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		/* triggers wait in the kernel while it resolves, counted against this */
		if (m->udp[fi] >= 0)
			setsockopt(m->udp[fi], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		if (m->udp[fi] >= 0 && ls_probe_bind(m->udp[fi], fi ? AF_INET6 : AF_INET, env->cfg) != 0) {
			close(m->udp[fi]);
			m->udp[fi] = -1;
		}
	}
	if (m->udp[0] < 0 && m->udp[1] < 0) {
		rc = -errno;
		snprintf(err, errlen, "neigh: cannot open a UDP socket: %s", strerror(errno));
		goto fail;
	}
	dump_known(m);
	for (fi = 0; fi < 2; fi++)	/* DELAY, then the unicast probes, and a margin */
		m->stale_wait_ms[fi] = neigh_sysctl(fi, "delay_first_probe_time", 5) * 1000.0 +
			neigh_sysctl(fi, "ucast_solicit", 3) * (double)neigh_sysctl(fi, "retrans_time_ms", 1000) + 500;
	if ((rc = ls_engine_init(&m->e, env, &neigh_ops, m, 0, true)) != 0)
		goto fail;
	m->e.max_tries = 1;	/* the kernel retransmits its own requests */
	uv_poll_init_socket(env->loop, &m->poll, m->nl);
	m->poll.data = &m->e;
	uv_poll_start(&m->poll, UV_READABLE, poll_cb);
	m->e.handles++;
	snprintf(m->desc, sizeof(m->desc), "neigh: kernel neighbour table (%zu entries now)", m->nknown);
	*out = (struct ls_minst *)m;
	return 0;
fail:
	if (m->nl >= 0)
		close(m->nl);
	for (fi = 0; fi < 2; fi++)
		if (m->udp[fi] >= 0)
			close(m->udp[fi]);
	free(m->known);
	free(m);
	return rc;
}

static size_t neigh_capacity(struct ls_minst *mi)
{
	return ((struct neighm *)mi)->e.nslots;
}

static bool neigh_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	const struct ls_iface *ifc;
	struct neighm *m = (struct neighm *)mi;

	if (path->kind != LS_ROUTE_ONLINK || m->udp[addr->family == AF_INET6] < 0)
		return false;
	ifc = ls_netinfo_iface(m->e.env.net, path->ifindex);
	return ifc != NULL && ifc->has_mac;
}

static int neigh_start(struct ls_minst *mi, struct ls_attempt *a)
{
	return ls_engine_start(&((struct neighm *)mi)->e, a);
}

static void neigh_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	ls_engine_cancel(&((struct neighm *)mi)->e, a);
}

static void neigh_close(struct ls_minst *mi)
{
	struct neighm *m = (struct neighm *)mi;
	int fi;

	uv_close((uv_handle_t *)&m->poll, ls_engine_handle_closed);
	close(m->nl);
	for (fi = 0; fi < 2; fi++)
		if (m->udp[fi] >= 0)
			close(m->udp[fi]);
	ls_engine_close(&m->e);
}

static const char *neigh_describe(struct ls_minst *mi)
{
	return ((struct neighm *)mi)->desc;
}

const struct ls_method ls_method_neigh = {
	.name = "neigh",
	.bit = LS_M_NEIGH,
	.open = neigh_open,
	.capacity = neigh_capacity,
	.applies = neigh_applies,
	.start = neigh_start,
	.cancel = neigh_cancel,
	.close = neigh_close,
	.describe = neigh_describe,
};
