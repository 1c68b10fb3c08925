/* probe_icmp.c -- the ICMP echo method: a codec on the packet engine, one socket per family.
 *
 * The engine (engine.h) decides when each target's echo goes out and when
 * its wait ends; a reply to any try counts until then.  Every echo carries a SipHash tag over the target, slot, generation, try
 * and send time under a per-sweep secret key, so a reply is taken only when
 * it answers a probe we sent, its RTT is measured from that probe's own send
 * time to the kernel's receive timestamp, and duplicates, sprays and forged
 * replies are counted and ignored.  ICMP errors are provisional negatives.
 * Replies the kernel dropped (a full receive queue: SO_MEMINFO) make the
 * silence of every target waiting at that time unsound: unknown, not down.
 */
#include "lanscan/method.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lanscan/engine.h"
#include "lanscan/icmp.h"
#include "lanscan/util.h"

#define BATCH LS_ENGINE_BATCH
#define RBUF 640

struct icmp {
	struct ls_engine e;	/* first: the engine's codec is this struct */
	int fd[2];		/* [0] IPv4, [1] IPv6; -1 when not open */
	bool raw[2];
	int fd_err[2];
	uv_poll_t poll[2];
	uint16_t ident;
	uint8_t key[16];
	char desc[96];
	uint8_t rbuf[BATCH][RBUF];
	_Alignas(struct cmsghdr) uint8_t rctl[BATCH][64];	/* control messages: aligned */
};

static int fam_index(int family) { return family == AF_INET6 ? 1 : 0; }

static uint64_t icmp_drops(struct ls_engine *eng)
{
	struct icmp *e = eng->codec;
	uint64_t total = 0;
	int fi;

	for (fi = 0; fi < 2; fi++)
		if (e->fd[fi] >= 0)
			total += ls_engine_sock_drops(e->fd[fi]);
	return total;
}

/* --- sending ------------------------------------------------------------- */

/* Sends probes for a prefix of slots of one family (the engine's send op). */
static unsigned icmp_send(struct ls_engine *eng, const uint32_t *slots, unsigned n, double now)
{
	struct icmp *e = eng->codec;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage addrs[BATCH];
	uint8_t pkts[BATCH][LS_ICMP_ECHO_LEN];
	uint64_t txs[BATCH];
	struct ls_addr buf;
	int family = ls_engine_addr(eng, slots[0], &buf)->family, fi = fam_index(family), r;
	unsigned k, off = 0;
	char err[128];

	if (e->fd[fi] < 0) {	/* no socket for this family: it cannot be probed */
		snprintf(err, sizeof(err), "no ICMP%s socket: %s", family == AF_INET6 ? "v6" : "",
			 strerror(-e->fd_err[fi]));
		ls_engine_end(eng, slots[0], err);
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (k = 0; k < n && k < BATCH; k++) {
		const struct ls_addr *addr = ls_engine_addr(eng, slots[k], &buf);
		struct ls_eslot *s = &eng->slots[slots[k]];
		struct ls_icmp_probe pr;
		if (addr->family != family)
			break;
		pr.slot = slots[k];
		pr.gen = s->gen;
		pr.try_ = (uint8_t)(s->tries + 1);
		pr.tx_ns = txs[k] = ls_engine_realtime_ns();
		pr.tag = ls_icmp_tag(e->key, addr, &pr);
		ls_icmp_echo(family, pkts[k], e->ident, (uint16_t)slots[k], &pr);
		iov[k].iov_base = pkts[k];
		iov[k].iov_len = LS_ICMP_ECHO_LEN;
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
		msgs[k].msg_hdr.msg_name = &addrs[k];
		msgs[k].msg_hdr.msg_namelen = ls_addr_to_sockaddr(addr, &addrs[k]);
	}
	while (off < k) {
		r = sendmmsg(e->fd[fi], msgs + off, k - off, 0);
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR))
			break;	/* the socket is full: the rest waits */
		if (r < 0) {	/* this destination cannot be reached from here */
			int en = errno;
			bool policy = en == EACCES || en == EPERM;	/* a firewall rule */
			snprintf(err, sizeof(err), "cannot send: %s", strerror(en));
			if (policy) {
				ls_engine_negative(eng, slots[off], "administratively prohibited");
			} else {
				/* Our own stack refused (no route, the link
				 * down, no memory): not the target's answer. */
				ls_counters_local(eng->env.counters, en);
			}
			ls_engine_end(eng, slots[off], policy ? NULL : err);
			off++;
			continue;
		}
		for (; r > 0; r--, off++)
			ls_engine_sent(eng, slots[off], now, txs[off]);
	}
	return off;
}

/* --- receiving ----------------------------------------------------------- */

/* Finds the waiting slot a message names, authenticated; NIL when none. */
static uint32_t match(struct icmp *e, int fi, const struct ls_icmp_msg *m, const struct ls_addr *from)
{
	struct ls_engine *eng = &e->e;
	struct ls_eslot *s;
	struct ls_addr buf;
	uint32_t i;

	if (e->raw[fi] && m->id != e->ident) {
		ls_engine_reject(eng, LS_REJ_FOREIGN);	/* another program's ping */
		return LS_ENGINE_NIL;
	}
	if (!m->has_payload) {	/* an error quoting only 8 bytes: id and sequence */
		i = m->seq;
		if (i >= eng->nslots || eng->slots[i].a == NULL || eng->slots[i].tries == 0 ||
		    ls_addr_cmp(from, ls_engine_addr(eng, i, &buf)) != 0) {
			ls_engine_reject(eng, LS_REJ_STALE);
			return LS_ENGINE_NIL;
		}
		return i;
	}
	i = m->probe.slot;
	if (i >= eng->nslots || (uint16_t)i != m->seq) {
		ls_engine_reject(eng, LS_REJ_COOKIE);
		return LS_ENGINE_NIL;
	}
	s = &eng->slots[i];
	if (ls_icmp_tag(e->key, from, &m->probe) != m->probe.tag) {
		/* From another address than the probe went to, or forged. */
		ls_engine_reject(eng, s->a != NULL && s->gen == m->probe.gen &&
				 ls_icmp_tag(e->key, ls_engine_addr(eng, i, &buf), &m->probe) == m->probe.tag ?
				 LS_REJ_SOURCE : LS_REJ_COOKIE);
		return LS_ENGINE_NIL;
	}
	if (s->a == NULL || s->gen != m->probe.gen || m->probe.try_ == 0 || m->probe.try_ > s->tries ||
	    ls_addr_cmp(from, ls_engine_addr(eng, i, &buf)) != 0) {
		ls_engine_reject(eng, LS_REJ_STALE);	/* ours, but answered already: a duplicate */
		return LS_ENGINE_NIL;
	}
	return i;
}

static void to_addr(const struct sockaddr_storage *ss, struct ls_addr *a)
{
	if (ls_addr_from_sockaddr((const struct sockaddr *)ss, a) != 0)
		memset(a, 0, sizeof(*a));
}

static void on_reply(struct icmp *e, int fi, const struct ls_icmp_msg *m, const struct sockaddr_storage *from,
		     uint64_t rx_ns, int ttl, double now)
{
	struct ls_addr src;
	struct ls_answer ans;
	uint32_t i;

	to_addr(from, &src);
	if (!m->has_payload) {
		ls_engine_reject(&e->e, LS_REJ_COOKIE);
		return;
	}
	if ((i = match(e, fi, m, &src)) == LS_ENGINE_NIL)
		return;
	memset(&ans, 0, sizeof(ans));
	snprintf(ans.via, sizeof(ans.via), "icmp");
	/* From the probe's own send time (authenticated by the tag) to the
	 * kernel's receive timestamp. */
	ans.rtt_ms = ls_engine_rtt(&e->e, i, m->probe.tx_ns, rx_ns, now);
	ans.ttl = ttl;		/* evidence for --identify: the host's initial TTL shows through */
	ls_engine_answer(&e->e, i, &ans);
}

static void on_error(struct icmp *e, int fi, const struct ls_icmp_msg *m)
{
	uint32_t i = match(e, fi, m, &m->target);

	if (i != LS_ENGINE_NIL)
		ls_engine_negative(&e->e, i, m->reason);
}

/* Datagram (unprivileged) sockets report ICMP errors on the error queue. */
static void read_errqueue(struct icmp *e, int fi)
{
	uint8_t buf[256];
	_Alignas(struct cmsghdr) uint8_t ctl[512];
	struct sockaddr_storage from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg;
	struct cmsghdr *c;
	struct sock_extended_err *ee;
	struct ls_icmp_msg m;
	ssize_t n;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl;
		msg.msg_controllen = sizeof(ctl);
		n = recvmsg(e->fd[fi], &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0)
			return;
		for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
			if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
			      (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)))
				continue;
			ee = (struct sock_extended_err *)CMSG_DATA(c);
			if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6)
				continue;
			/* The data is our own request: parse it as a reply to find the slot. */
			if ((size_t)n < LS_ICMP_ECHO_LEN)
				continue;
			buf[0] = fi ? 129 : 0;
			ls_icmp_parse(fi ? AF_INET6 : AF_INET, buf, (size_t)n, false, &m);
			if (m.kind != LS_ICMP_REPLY || !m.has_payload)
				continue;
			to_addr(&from, &m.target);
			m.reason = ls_icmp_reason(fi ? AF_INET6 : AF_INET, ee->ee_type, ee->ee_code);
			on_error(e, fi, &m);
		}
	}
}

/* Reads everything queued on one socket. */
static void receive(struct icmp *e, int fi)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	struct ls_icmp_msg m;
	double now = ls_now_ms();
	int k, n;

	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (k = 0; k < BATCH; k++) {
			iov[k].iov_base = e->rbuf[k];
			iov[k].iov_len = RBUF;
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
			msgs[k].msg_hdr.msg_name = &from[k];
			msgs[k].msg_hdr.msg_namelen = sizeof(from[k]);
			msgs[k].msg_hdr.msg_control = e->rctl[k];
			msgs[k].msg_hdr.msg_controllen = sizeof(e->rctl[k]);
		}
		n = recvmmsg(e->fd[fi], msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (k = 0; k < n; k++) {
			ls_icmp_parse(fi ? AF_INET6 : AF_INET, e->rbuf[k], msgs[k].msg_len, e->raw[fi] && fi == 0, &m);
			if (m.bad_checksum)
				ls_engine_reject(&e->e, LS_REJ_CHECKSUM);
			else if (m.kind == LS_ICMP_REPLY)
				on_reply(e, fi, &m, &from[k], ls_engine_rx_stamp(&msgs[k].msg_hdr),
					 ls_engine_rx_ttl(&msgs[k].msg_hdr), now);
			else if (m.kind == LS_ICMP_ERROR)
				on_error(e, fi, &m);
			else	/* not an echo reply, nor an error quoting an echo request */
				ls_engine_reject(&e->e, msgs[k].msg_len < 8 ? LS_REJ_MALFORMED : LS_REJ_FOREIGN);
		}
		if (n < BATCH)
			break;
	}
	if (!e->raw[fi])
		read_errqueue(e, fi);
}

static void icmp_receive(struct ls_engine *eng)
{
	struct icmp *e = eng->codec;
	int fi;

	for (fi = 0; fi < 2; fi++)
		if (e->fd[fi] >= 0)
			receive(e, fi);
}

static void poll_cb(uv_poll_t *h, int status, int events)
{
	struct ls_engine *eng = h->data;
	struct icmp *e = eng->codec;
	int fi = h == &e->poll[1];

	(void)events;
	if (status < 0) {
		/* libuv stops a poll handle on POLLERR: drain the error queue and
		 * start it again. */
		read_errqueue(e, fi);
		uv_poll_start(h, UV_READABLE, poll_cb);
	}
	receive(e, fi);
}

/* --- opening and closing ------------------------------------------------ */

/* A raw socket when allowed (root, CAP_NET_RAW), else a datagram ICMP socket
 * (net.ipv4.ping_group_range).  Returns the fd or a negative errno. */
static int open_socket(int family, bool *raw, int rcvbuf, const struct ls_probe_cfg *cfg)
{
	int proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, fd, on = 1, rc;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	*raw = fd >= 0;
	if (fd < 0)
		fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	if ((rc = ls_probe_bind(fd, family, cfg)) != 0) {
		close(fd);
		return rc;
	}
	if (*raw && family == AF_INET) {
		struct icmp_filter f = { ~(uint32_t)((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
						     (1u << ICMP_TIME_EXCEEDED) | (1u << ICMP_PARAMETERPROB)) };
		setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	} else if (*raw) {
		struct icmp6_filter f;
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	} else if (family == AF_INET) {
		setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
	} else {
		setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on));
	}
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (family == AF_INET)	/* the reply's TTL (--identify's evidence) */
		setsockopt(fd, SOL_IP, IP_RECVTTL, &on, sizeof(on));
	else
		setsockopt(fd, SOL_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* Echoes to on-link addresses being resolved wait in the kernel and
	 * count against the send buffer. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static void icmp_free(struct ls_engine *eng)
{
	free(eng->codec);
}

static const struct ls_engine_ops icmp_ops = {
	.send = icmp_send,
	.receive = icmp_receive,
	.drops = icmp_drops,
	.free = icmp_free,
};

static int icmp_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	struct icmp *e = calloc(1, sizeof(*e));
	const struct ls_probe_cfg *cfg = env->cfg;
	double rb;
	int fi, rc, rcvbuf;

	if (e == NULL)
		return -ENOMEM;
	e->fd[0] = e->fd[1] = -1;
	if (getrandom(e->key, sizeof(e->key), 0) != (ssize_t)sizeof(e->key)) {
		rc = -errno;
		snprintf(err, errlen, "no random key: %s", strerror(errno));
		free(e);
		return rc;
	}
	e->ident = (uint16_t)(e->key[0] << 8 | e->key[1]);
	/* Room for half a second of replies at the rate (about 768 bytes of
	 * kernel memory each), between 1 and 64 MiB. */
	rb = (cfg->rate > 0 ? cfg->rate : 1e6) * 0.5 * 768;
	rcvbuf = rb < (1 << 20) ? 1 << 20 : rb > (1 << 26) ? 1 << 26 : (int)rb;
	for (fi = 0; fi < 2; fi++) {
		e->fd[fi] = open_socket(fi ? AF_INET6 : AF_INET, &e->raw[fi], rcvbuf, cfg);
		if (e->fd[fi] < 0)
			e->fd_err[fi] = e->fd[fi];
	}
	if (e->fd[0] < 0 && e->fd[1] < 0) {
		snprintf(err, errlen, "cannot open an ICMP socket: %s", strerror(-e->fd_err[0]));
		rc = e->fd_err[0];
		free(e);
		return rc;
	}
	if ((rc = ls_engine_init(&e->e, env, &icmp_ops, e, 0, false)) != 0) {
		for (fi = 0; fi < 2; fi++)
			if (e->fd[fi] >= 0)
				close(e->fd[fi]);
		free(e);
		return rc;
	}
	e->e.once_onlink = true;
	for (fi = 0; fi < 2; fi++) {
		if (e->fd[fi] < 0)
			continue;
		uv_poll_init_socket(env->loop, &e->poll[fi], e->fd[fi]);
		e->poll[fi].data = &e->e;
		uv_poll_start(&e->poll[fi], UV_READABLE, poll_cb);
		e->e.handles++;
	}
	snprintf(e->desc, sizeof(e->desc), "icmp: %s IPv4 socket, %s IPv6 socket",
		 e->fd[0] < 0 ? "no" : e->raw[0] ? "raw" : "datagram",
		 e->fd[1] < 0 ? "no" : e->raw[1] ? "raw" : "datagram");
	*out = (struct ls_minst *)e;
	return 0;
}

static size_t icmp_capacity(struct ls_minst *mi)
{
	return ((struct icmp *)mi)->e.nslots;
}

static bool icmp_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	(void)mi;
	(void)addr;
	(void)path;
	return true;
}

static int icmp_start(struct ls_minst *mi, struct ls_attempt *a)
{
	return ls_engine_start(&((struct icmp *)mi)->e, a);
}

static void icmp_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	ls_engine_cancel(&((struct icmp *)mi)->e, a);
}

static int icmp_start_lite(struct ls_minst *mi, const struct ls_spec *spec, const struct ls_addr *addr,
			   uint16_t path, bool follow)
{
	return ls_engine_start_lite(&((struct icmp *)mi)->e, spec, addr, path, follow);
}

static void icmp_cancel_lite(struct ls_minst *mi)
{
	ls_engine_cancel_lite(&((struct icmp *)mi)->e);
}

static void icmp_close(struct ls_minst *mi)
{
	struct icmp *e = (struct icmp *)mi;
	int fi;

	for (fi = 0; fi < 2; fi++)
		if (e->fd[fi] >= 0) {
			uv_close((uv_handle_t *)&e->poll[fi], ls_engine_handle_closed);
			close(e->fd[fi]);	/* libuv closes the watcher, not the fd */
		}
	ls_engine_close(&e->e);
}

static const char *icmp_describe(struct ls_minst *mi)
{
	return ((struct icmp *)mi)->desc;
}

const struct ls_method ls_method_icmp = {
	.name = "icmp",
	.bit = LS_M_ICMP,
	.open = icmp_open,
	.capacity = icmp_capacity,
	.applies = icmp_applies,
	.start = icmp_start,
	.cancel = icmp_cancel,
	.start_lite = icmp_start_lite,
	.cancel_lite = icmp_cancel_lite,
	.close = icmp_close,
	.describe = icmp_describe,
};
