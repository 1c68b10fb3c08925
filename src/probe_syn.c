/* probe_syn.c -- the TCP method with privilege: raw SYNs with a keyed cookie, a codec on the packet engine.
 *
 * As root or with CAP_NET_RAW, a TCP probe costs no kernel socket: one raw
 * socket per family sends a SYN to each port (tcp.h: the sequence number is
 * a cookie keyed by a per-sweep secret) and reads the replies.  A SYN-ACK or
 * a RST whose acknowledgement is exactly the cookie + 1 means up, via
 * tcp/PORT, as with connect() (probe_tcp.c, the unprivileged method, which
 * plan.c opens when this one cannot be).  Our source port is held by a
 * bound, never listening TCP socket: no other program gets it, and the
 * kernel answers a SYN-ACK to it with a RST, which closes the target's
 * half-open connection; we never send one ourselves.
 *
 * The engine (engine.h) paces and times each target as for ICMP: one token
 * of --rate for each SYN (the first port's from the engine, the others'
 * drawn here before they go), a wait of -t from the first SYN, one SYN per
 * port (connect() too sends one within a second), replies counted and
 * rejected by the same rules, kernel drops making silence unknown.
 */
#include "lanscan/method.h"

#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/engine.h"
#include "lanscan/pacer.h"
#include "lanscan/tcp.h"
#include "lanscan/util.h"

#define BATCH LS_ENGINE_BATCH
#define RBUF 256

struct pend {
	uint32_t slot;
	uint16_t gen;
	uint8_t next;		/* the next port to send, an index in -p */
};

struct syn {
	struct ls_engine e;	/* first: the engine's codec is this struct */
	int fd[2];		/* raw sockets: [0] IPv4, [1] IPv6; -1 when not open */
	int hold;		/* the TCP socket that holds our source port */
	uint16_t sport;
	uv_poll_t poll[2];
	uint8_t key[16];
	struct pend *pend;	/* a ring of slots with ports still to send */
	uint32_t pend_head, pend_n;
	uint64_t pend_ports;	/* the ports still to send, over the ring */
	char desc[96];
	uint8_t rbuf[BATCH][RBUF];
	_Alignas(struct cmsghdr) uint8_t rctl[BATCH][64];
};

static int fam_index(int family) { return family == AF_INET6 ? 1 : 0; }

static uint64_t syn_drops(struct ls_engine *eng)
{
	struct syn *m = eng->codec;

	return (m->fd[0] >= 0 ? ls_engine_sock_drops(m->fd[0]) : 0) +
	       (m->fd[1] >= 0 ? ls_engine_sock_drops(m->fd[1]) : 0);
}

/* --- sending ------------------------------------------------------------- */

/* The IPv4 source a SYN to addr goes from: the path's (the route's
 * preferred source), else the one the kernel picks for a datagram socket. */
static int source4(const struct ls_attempt *a, uint32_t *src)
{
	const struct ls_path *path = ls_attempt_path(a);
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, rc = 0;

	if (path->src.family == AF_INET) {
		*src = ls_be32(path->src.b);
		return 0;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	sl = ls_addr_to_sockaddr(ls_attempt_addr(a), &ss);
	((struct sockaddr_in *)&ss)->sin_port = htons(9);
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &(socklen_t){ sizeof(ss) }) != 0)
		rc = -errno;
	else
		*src = ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	close(fd);
	return rc;
}

/* Sends slot s's SYN to port number k of -p.  Returns 1 (sent), 0 (the
 * socket is full: later) or -1 (it cannot be sent: the slot was ended). */
static int send_port(struct syn *m, uint32_t s, unsigned k, double now)
{
	struct ls_engine *eng = &m->e;
	struct ls_addr buf;
	const struct ls_addr *addr = ls_engine_addr(eng, s, &buf);
	uint16_t port = eng->env.cfg->ports[k];
	uint32_t cookie = ls_tcp_cookie(m->key, addr, port, m->sport), src = 0;
	uint8_t pkt[LS_TCP_SYN4_LEN];
	struct sockaddr_storage ss;
	socklen_t sl = ls_addr_to_sockaddr(addr, &ss);
	int fi = fam_index(addr->family), rc;
	const char *why;
	size_t len;

	if (m->fd[fi] < 0) {
		ls_engine_end(eng, s, "no raw TCP socket for this family");
		return -1;
	}
	if (fi == 0) {
		if ((rc = source4(eng->slots[s].a, &src)) != 0) {
			ls_engine_negative(eng, s, rc == -ENETUNREACH ? "net unreachable" : "host unreachable");
			ls_engine_end(eng, s, NULL);
			return -1;
		}
		ls_tcp_syn4(pkt, src, ls_be32(addr->b), m->sport, port, cookie);
		len = LS_TCP_SYN4_LEN;
	} else {
		ls_tcp_syn(pkt, m->sport, port, cookie);
		len = LS_TCP_SYN_LEN;
	}
	if (sendto(m->fd[fi], pkt, len, 0, (struct sockaddr *)&ss, sl) < 0) {
		if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)
			return 0;
		why = errno == ENETUNREACH ? "net unreachable" : errno == EHOSTUNREACH ? "host unreachable" :
		      errno == EACCES || errno == EPERM ? "administratively prohibited" : NULL;
		if (why != NULL)
			ls_engine_negative(eng, s, why);
		ls_engine_end(eng, s, why != NULL ? NULL : "cannot send");
		return -1;
	}
	if (k == 0)
		ls_engine_sent(eng, s, now, 0);
	else
		eng->env.counters->sent++;
	return 1;
}

static void pend_pop(struct syn *m)
{
	m->pend_head = (m->pend_head + 1) % (2 * m->e.nslots);
	m->pend_n--;
}

/* Sends the ports still due for slots already started, as the pacer
 * allows, a batch at a time.  They are never a backlog for the "rate not
 * reached" warning (neither were connect()'s): they follow the echoes'
 * timeouts, and a starved loop would make the warning about the machine. */
static void send_pending(struct syn *m, double now)
{
	struct ls_engine *eng = &m->e;
	unsigned nports = (unsigned)eng->env.cfg->nports, want, got, used = 0;

	if (m->pend_ports == 0)
		return;
	want = m->pend_ports < BATCH ? (unsigned)m->pend_ports : BATCH;
	got = ls_pacer_take(eng->env.pacer, want, false, now);
	while (m->pend_n > 0 && used < got) {
		struct pend *p = &m->pend[m->pend_head];
		struct ls_eslot *sl = &eng->slots[p->slot];
		int r;

		if (sl->a == NULL || sl->gen != p->gen) {	/* answered or ended: no more */
			m->pend_ports -= nports - p->next;
			pend_pop(m);
			continue;
		}
		if ((r = send_port(m, p->slot, p->next, now)) == 0)
			break;	/* the socket is full */
		if (r > 0) {
			used++;
			p->next++;
			m->pend_ports--;
		} else {
			m->pend_ports -= nports - p->next;
			p->next = (uint8_t)nports;
		}
		if (p->next >= nports)
			pend_pop(m);
	}
	if (used < got)
		ls_pacer_giveback(eng->env.pacer, got - used);
}

/* The engine's send op: each slot's first port (the engine drew its token). */
static uint64_t syn_backlog(struct ls_engine *eng)
{
	return ((struct syn *)eng->codec)->pend_ports;
}

static unsigned syn_send(struct ls_engine *eng, const uint32_t *slots, unsigned n, double now)
{
	struct syn *m = eng->codec;
	unsigned k, nports = (unsigned)eng->env.cfg->nports;
	int r;

	send_pending(m, now);	/* the targets already started go first */
	for (k = 0; k < n; k++) {
		if ((r = send_port(m, slots[k], 0, now)) == 0)
			break;
		if (r > 0 && nports > 1 && m->pend_n < 2 * eng->nslots) {
			/* Ended slots leave their entries until they reach the
			 * head: twice the slots is room for those; a slot that
			 * still found none (not expected) probes one port. */
			struct pend *p = &m->pend[(m->pend_head + m->pend_n++) % (2 * eng->nslots)];
			p->slot = slots[k];
			p->gen = eng->slots[slots[k]].gen;
			p->next = 1;
			m->pend_ports += nports - 1;
		}
	}
	return k;
}

/* --- receiving ----------------------------------------------------------- */

static void on_segment(struct syn *m, const struct ls_tcp_seg *seg, const struct ls_addr *from, uint64_t rx_ns,
		       double now)
{
	struct ls_engine *eng = &m->e;
	struct ls_answer ans;
	uint32_t s, cursor = LS_ENGINE_NIL;
	size_t i;
	bool ours = false;

	if (seg->malformed) {
		ls_engine_reject(eng, LS_REJ_MALFORMED);
		return;
	}
	if (seg->dport != m->sport || seg->kind == LS_TCP_OTHER) {
		ls_engine_reject(eng, LS_REJ_FOREIGN);	/* another connection's segment */
		return;
	}
	for (i = 0; i < eng->env.cfg->nports; i++)
		ours |= eng->env.cfg->ports[i] == seg->sport;
	if (!ours || !ls_tcp_answers(seg, ls_tcp_cookie(m->key, from, seg->sport, m->sport))) {
		ls_engine_reject(eng, LS_REJ_COOKIE);	/* not an answer to a SYN we sent */
		return;
	}
	while ((s = ls_engine_find(eng, from, &cursor)) != LS_ENGINE_NIL) {
		if (eng->slots[s].tries == 0)
			continue;
		memset(&ans, 0, sizeof(ans));
		snprintf(ans.via, sizeof(ans.via), "tcp/%u", seg->sport);
		ans.port_open = seg->kind == LS_TCP_SYNACK;	/* a RST: up, the port closed */
		ans.rtt_ms = ls_engine_rtt(eng, s, eng->slots[s].first_ns, rx_ns, now);
		ls_engine_answer(eng, s, &ans);
		return;
	}
	ls_engine_reject(eng, LS_REJ_STALE);	/* answered already (another port), or late */
}

static void receive(struct syn *m, int fi)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	struct ls_tcp_seg seg;
	struct ls_addr src;
	double now = ls_now_ms();
	int k, n;

	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (k = 0; k < BATCH; k++) {
			iov[k].iov_base = m->rbuf[k];
			iov[k].iov_len = RBUF;
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
			msgs[k].msg_hdr.msg_name = &from[k];
			msgs[k].msg_hdr.msg_namelen = sizeof(from[k]);
			msgs[k].msg_hdr.msg_control = m->rctl[k];
			msgs[k].msg_hdr.msg_controllen = sizeof(m->rctl[k]);
		}
		n = recvmmsg(m->fd[fi], msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (k = 0; k < n; k++) {
			if (fi == 0)
				ls_tcp_parse4(m->rbuf[k], msgs[k].msg_len, &seg);
			else
				ls_tcp_parse(m->rbuf[k], msgs[k].msg_len, &seg);
			if (ls_addr_from_sockaddr((const struct sockaddr *)&from[k], &src) != 0) {
				ls_engine_reject(&m->e, LS_REJ_MALFORMED);
				continue;
			}
			on_segment(m, &seg, &src, ls_engine_rx_stamp(&msgs[k].msg_hdr), now);
		}
		if (n < BATCH)
			break;
	}
}

/* The engine's receive op, run every tick: replies, then the ports due. */
static void syn_receive(struct ls_engine *eng)
{
	struct syn *m = eng->codec;
	int fi;

	for (fi = 0; fi < 2; fi++)
		if (m->fd[fi] >= 0)
			receive(m, fi);
	send_pending(m, ls_now_ms());
}

static void poll_cb(uv_poll_t *h, int status, int events)
{
	struct ls_engine *eng = h->data;
	struct syn *m = eng->codec;

	(void)status;
	(void)events;
	receive(m, h == &m->poll[1]);
}

/* --- opening and closing ------------------------------------------------ */

/* A socket filter: only TCP segments to our source port reach us (a raw
 * TCP socket otherwise copies every segment the host receives).  off: where
 * the TCP header starts (IPv4: after the IP header, found at run time). */
static void attach_filter(int fd, bool ip_header, uint16_t sport)
{
	struct sock_filter v4[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),		/* x = IP header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),		/* a = TCP destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter v6[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { ip_header ? 5 : 4, ip_header ? v4 : v6 };

	setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int open_raw(int family, uint16_t sport, int rcvbuf, const struct ls_probe_cfg *cfg)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP), on = 1, off16 = 16, rc;

	if (fd < 0)
		return -errno;
	if ((rc = ls_probe_bind(fd, family, cfg)) != 0 ||
	    (family == AF_INET && setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) != 0 && (rc = -errno)) ||
	    (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off16, sizeof(off16)) != 0 &&
	     (rc = -errno))) {
		close(fd);
		return rc;
	}
	attach_filter(fd, family == AF_INET, sport);
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

/* Binds a TCP socket to a free port (never listened on): our source port.
 * IPv6 with IPv4 too when the host has IPv6, else IPv4.  Returns the fd. */
static int hold_port(uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, off = 0;

	memset(&ss, 0, sizeof(ss));
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
		ss.ss_family = AF_INET6;
		if (bind(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in6)) != 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return -errno;
		ss.ss_family = AF_INET;
		if (bind(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)) != 0) {
			close(fd);
			return -errno;
		}
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		close(fd);
		return -errno;
	}
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
			 ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static void syn_free(struct ls_engine *eng)
{
	struct syn *m = eng->codec;

	free(m->pend);
	free(m);
}

static const struct ls_engine_ops syn_ops = {
	.send = syn_send,
	.receive = syn_receive,
	.backlog = syn_backlog,
	.drops = syn_drops,
	.free = syn_free,
};

static void close_fds(struct syn *m)
{
	int fi;

	for (fi = 0; fi < 2; fi++)
		if (m->fd[fi] >= 0)
			close(m->fd[fi]);
	if (m->hold >= 0)
		close(m->hold);
}

static int syn_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	const struct ls_probe_cfg *cfg = env->cfg;
	struct syn *m;
	double rb;
	int fi, rc, rcvbuf;

	if (cfg->nports == 0 || cfg->nports > 255) {
		snprintf(err, errlen, "tcp: no ports to probe");
		return -EINVAL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	m->fd[0] = m->fd[1] = m->hold = -1;
	if (getrandom(m->key, sizeof(m->key), 0) != (ssize_t)sizeof(m->key)) {
		rc = -errno;
		snprintf(err, errlen, "no random key: %s", strerror(errno));
		free(m);
		return rc;
	}
	if ((rc = m->hold = hold_port(&m->sport)) < 0) {
		snprintf(err, errlen, "tcp: no source port: %s", strerror(-rc));
		free(m);
		return rc;
	}
	/* Room for half a second of replies at the rate, as for ICMP. */
	rb = (cfg->rate > 0 ? cfg->rate : 1e6) * 0.5 * 768;
	rcvbuf = rb < (1 << 20) ? 1 << 20 : rb > (1 << 26) ? 1 << 26 : (int)rb;
	for (fi = 0; fi < 2; fi++)
		m->fd[fi] = open_raw(fi ? AF_INET6 : AF_INET, m->sport, rcvbuf, cfg);
	if (m->fd[0] < 0 || (m->fd[1] < 0 && m->fd[1] != -EAFNOSUPPORT)) {
		rc = m->fd[0] < 0 ? m->fd[0] : m->fd[1];
		snprintf(err, errlen, "tcp: no raw socket: %s", strerror(-rc));
		for (fi = 0; fi < 2; fi++)
			m->fd[fi] = m->fd[fi] < 0 ? -1 : m->fd[fi];
		close_fds(m);
		free(m);
		return rc;
	}
	if (m->fd[1] < 0)
		m->fd[1] = -1;	/* no IPv6 on this host */
	if ((rc = ls_engine_init(&m->e, env, &syn_ops, m, 0, true)) != 0)
		goto fail;
	m->e.max_tries = 1;	/* one SYN a port, as connect() sends within a second */
	if ((m->pend = calloc(2 * (size_t)m->e.nslots, sizeof(*m->pend))) == NULL) {
		rc = -ENOMEM;
		ls_engine_close(&m->e);	/* frees m via syn_free */
		close_fds(m);
		return rc;
	}
	for (fi = 0; fi < 2; fi++) {
		if (m->fd[fi] < 0)
			continue;
		uv_poll_init_socket(env->loop, &m->poll[fi], m->fd[fi]);
		m->poll[fi].data = &m->e;
		uv_poll_start(&m->poll[fi], UV_READABLE, poll_cb);
		m->e.handles++;
	}
	snprintf(m->desc, sizeof(m->desc), "tcp: raw SYN to %zu port%s from port %u", cfg->nports,
		 cfg->nports == 1 ? "" : "s", m->sport);
	*out = (struct ls_minst *)m;
	return 0;
fail:
	close_fds(m);
	free(m);
	return rc;
}

static size_t syn_capacity(struct ls_minst *mi)
{
	return ((struct syn *)mi)->e.nslots;
}

static bool syn_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	(void)addr;
	return ((struct syn *)mi)->fd[fam_index(addr->family)] >= 0 && path->kind != LS_ROUTE_BLACKHOLE &&
	       path->kind != LS_ROUTE_UNREACHABLE && path->kind != LS_ROUTE_PROHIBIT;
}

static int syn_start(struct ls_minst *mi, struct ls_attempt *a)
{
	return ls_engine_start(&((struct syn *)mi)->e, a);
}

static void syn_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	ls_engine_cancel(&((struct syn *)mi)->e, a);
}

static void syn_close(struct ls_minst *mi)
{
	struct syn *m = (struct syn *)mi;
	int fi;

	for (fi = 0; fi < 2; fi++)
		if (m->fd[fi] >= 0) {
			uv_close((uv_handle_t *)&m->poll[fi], ls_engine_handle_closed);
			close(m->fd[fi]);
		}
	if (m->hold >= 0)
		close(m->hold);
	ls_engine_close(&m->e);
}

static const char *syn_describe(struct ls_minst *mi)
{
	return ((struct syn *)mi)->desc;
}

const struct ls_method ls_method_syn = {
	.name = "tcp",
	.bit = LS_M_TCP,
	.costly = true,
	.open = syn_open,
	.capacity = syn_capacity,
	.applies = syn_applies,
	.start = syn_start,
	.cancel = syn_cancel,
	.close = syn_close,
	.describe = syn_describe,
};
