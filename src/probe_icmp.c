/* probe_icmp.c -- the native method: one ICMP socket per family on the loop, rate-limited, adaptive timeouts.
 *
 * Each probe takes a slot; the slot's index is the echo sequence number and,
 * with a per-run cookie and the slot's generation, travels in the payload,
 * so a reply matches exactly one probe and foreign, stale or repeated replies
 * are ignored.  Slots wait in lists: to send, sent (one FIFO per try, so the
 * oldest is always first to time out), done.  One timer drives sending at
 * --rate and expires probes at the current adaptive timeout, doubled per try.
 */
#include "lanscan/probe.h"

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
#include <unistd.h>

#include "lanscan/icmp.h"
#include "lanscan/timing.h"
#include "lanscan/util.h"

#define NIL UINT32_MAX
#define MAX_TRIES 12		/* 1 + the largest --retries */
#define BATCH 64		/* packets per sendmmsg/recvmmsg */
#define TICK_MS 1

enum { Q_NONE, Q_FREE, Q_SEND, Q_DONE, Q_WAIT };	/* Q_WAIT + try - 1 */

struct slot {
	struct ls_probe *p;	/* NULL when free */
	double sent_ms;
	uint32_t prev, next;
	uint16_t gen;
	uint8_t tries;		/* sends so far */
	uint8_t q;		/* the list it is in */
};

struct list {
	uint32_t head, tail, n;
};

struct engine {
	uv_loop_t *loop;
	struct ls_probe_opts *opts;
	int fd[2];		/* [0] IPv4, [1] IPv6; -1 when not open */
	bool raw[2];
	int fd_err[2];		/* why a socket could not be opened */
	uv_poll_t poll[2];
	uv_timer_t timer;
	int handles;		/* still to close */
	uint16_t ident;
	uint64_t cookie;
	struct slot *slots;
	uint32_t nslots;
	struct list lists[Q_WAIT + MAX_TRIES];
	struct ls_rtt rtt;
	struct ls_bucket bucket;
	bool ticking;
	uint8_t rbuf[BATCH][576];	/* receive buffers */
};

static int fam_index(int family) { return family == AF_INET6 ? 1 : 0; }

/* --- slot lists -------------------------------------------------------- */

static void list_remove(struct engine *e, uint32_t i)
{
	struct slot *s = &e->slots[i];
	struct list *l = &e->lists[s->q];

	if (s->q == Q_NONE)
		return;
	if (s->prev != NIL)
		e->slots[s->prev].next = s->next;
	else
		l->head = s->next;
	if (s->next != NIL)
		e->slots[s->next].prev = s->prev;
	else
		l->tail = s->prev;
	l->n--;
	s->q = Q_NONE;
}

static void list_push(struct engine *e, uint8_t q, uint32_t i)
{
	struct slot *s = &e->slots[i];
	struct list *l = &e->lists[q];

	list_remove(e, i);
	s->q = q;
	s->next = NIL;
	s->prev = l->tail;
	if (l->tail != NIL)
		e->slots[l->tail].next = i;
	else
		l->head = i;
	l->tail = i;
	l->n++;
}

static bool busy(const struct engine *e)
{
	int q;

	for (q = Q_SEND; q < Q_WAIT + MAX_TRIES; q++)
		if (e->lists[q].n > 0)
			return true;
	return false;
}

static void tick_cb(uv_timer_t *t);

static void ensure_ticking(struct engine *e)
{
	if (!e->ticking) {
		e->ticking = true;
		uv_timer_start(&e->timer, tick_cb, 0, TICK_MS);
	}
}

/* Ends a probe: frees its slot, then runs its callback (which may start more). */
static void complete(struct engine *e, uint32_t i, enum ls_state state, double rtt_ms,
		     const char *error)
{
	struct slot *s = &e->slots[i];
	struct ls_probe *p = s->p;

	list_push(e, Q_FREE, i);
	s->p = NULL;
	s->gen++;
	p->priv = NULL;
	p->state = p->cancelled ? LS_UNKNOWN : state;
	p->rtt_ms = state == LS_UP ? rtt_ms : -1;
	snprintf(p->error, sizeof(p->error), "%s", p->cancelled ? "cancelled" : error ? error : "");
	p->cb(p);
}

/* --- sending ------------------------------------------------------------- */

/* Sends up to n queued probes of the head's family; returns how many left the queue. */
static unsigned send_batch(struct engine *e, unsigned n, double now)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage addrs[BATCH];
	uint8_t pkts[BATCH][LS_ICMP_ECHO_LEN];
	uint32_t idx[BATCH];
	uint32_t i = e->lists[Q_SEND].head;
	int family = e->slots[i].p->addr.family, fi = fam_index(family), r;
	unsigned k = 0, off = 0, taken = 0;
	char err[128];

	if (e->fd[fi] < 0) {	/* no socket for this family: it cannot be probed */
		snprintf(err, sizeof(err), "no ICMP%s socket: %s", family == AF_INET6 ? "v6" : "",
			 strerror(-e->fd_err[fi]));
		complete(e, i, LS_UNKNOWN, -1, err);
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (; i != NIL && k < n && k < BATCH; i = e->slots[i].next) {
		struct slot *s = &e->slots[i];
		if (s->p->addr.family != family)
			break;
		ls_icmp_echo(family, pkts[k], e->ident, (uint16_t)i, e->cookie, (uint16_t)i, s->gen,
			     (uint8_t)(s->tries + 1));
		iov[k].iov_base = pkts[k];
		iov[k].iov_len = LS_ICMP_ECHO_LEN;
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
		msgs[k].msg_hdr.msg_name = &addrs[k];
		msgs[k].msg_hdr.msg_namelen = ls_addr_to_sockaddr(&s->p->addr, &addrs[k]);
		idx[k++] = i;
	}
	while (off < k) {
		r = sendmmsg(e->fd[fi], msgs + off, k - off, 0);
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR))
			break;	/* the rest stays queued for the next tick */
		if (r < 0) {	/* this destination cannot be reached from here */
			snprintf(err, sizeof(err), "%s", strerror(errno));
			complete(e, idx[off], LS_UNKNOWN, -1, err);
			off++;
			taken++;
			continue;
		}
		for (; r > 0; r--, off++, taken++) {
			struct slot *s = &e->slots[idx[off]];
			s->tries++;
			s->sent_ms = now;
			list_push(e, (uint8_t)(Q_WAIT + s->tries - 1), idx[off]);
		}
	}
	return taken;
}

static void expire(struct engine *e, double now)
{
	double rto = ls_rtt_timeout(&e->rtt);
	int t;
	uint32_t i;

	for (t = 0; t < MAX_TRIES; t++) {
		while ((i = e->lists[Q_WAIT + t].head) != NIL &&
		       now - e->slots[i].sent_ms >= rto * (double)(1u << t)) {
			if (e->slots[i].tries <= (unsigned)e->opts->retries)
				list_push(e, Q_SEND, i);	/* retry, with a doubled timeout */
			else
				complete(e, i, LS_DOWN, -1, "no reply");
		}
	}
}

static void tick_cb(uv_timer_t *t)
{
	struct engine *e = ls_container_of(t, struct engine, timer);
	double now = ls_now_ms();
	unsigned allowed, sent;
	uint32_t i;

	while ((i = e->lists[Q_DONE].head) != NIL)
		complete(e, i, LS_UNKNOWN, -1, "cancelled");
	expire(e, now);
	while (e->lists[Q_SEND].n > 0) {
		allowed = ls_bucket_take(&e->bucket, e->lists[Q_SEND].n < BATCH ? e->lists[Q_SEND].n : BATCH, now);
		if (allowed == 0)
			break;
		sent = send_batch(e, allowed, now);
		if (sent < allowed) {	/* give back what the socket did not take */
			e->bucket.tokens += allowed - sent;
			if (sent == 0)
				break;
		}
	}
	if (!busy(e)) {
		uv_timer_stop(&e->timer);
		e->ticking = false;
	}
}

/* --- receiving ----------------------------------------------------------- */

static bool addr_is(const struct ls_addr *a, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return a->family == AF_INET && memcmp(a->b, &((struct sockaddr_in *)ss)->sin_addr, 4) == 0;
	if (ss->ss_family == AF_INET6)
		return a->family == AF_INET6 && memcmp(a->b, &((struct sockaddr_in6 *)ss)->sin6_addr, 16) == 0;
	return false;
}

/* Finds the slot a reply or quoted request belongs to, or NIL. */
static uint32_t match(struct engine *e, int fi, const struct ls_icmp_msg *m)
{
	uint32_t i = m->has_payload ? m->slot : m->seq;
	struct slot *s;

	if (e->raw[fi] && m->id != e->ident)
		return NIL;	/* another program's ping */
	if (i >= e->nslots || (s = &e->slots[i])->p == NULL || s->tries == 0)
		return NIL;
	if (m->has_payload && (m->cookie != e->cookie || m->gen != s->gen || m->slot != m->seq))
		return NIL;	/* another run, or an earlier occupant of the slot */
	return i;
}

static void handle(struct engine *e, int fi, const uint8_t *buf, size_t len,
		   const struct sockaddr_storage *from, double now)
{
	struct ls_icmp_msg m;
	uint32_t i;
	struct slot *s;
	double rtt;

	ls_icmp_parse(fi ? AF_INET6 : AF_INET, buf, len, e->raw[fi] && fi == 0, &m);
	if (m.kind == LS_ICMP_OTHER || (i = match(e, fi, &m)) == NIL)
		return;
	s = &e->slots[i];
	if (m.kind == LS_ICMP_REPLY) {
		if (!m.has_payload || !addr_is(&s->p->addr, from))
			return;
		rtt = now - s->sent_ms;
		if (m.try_ == s->tries)	/* Karn: only unambiguous samples */
			ls_rtt_sample(&e->rtt, rtt);
		complete(e, i, LS_UP, rtt, NULL);
	} else if (ls_addr_cmp(&m.target, &s->p->addr) == 0) {
		complete(e, i, LS_DOWN, -1, m.reason);
	}
}

/* Datagram (unprivileged) sockets report ICMP errors on the error queue. */
static void read_errqueue(struct engine *e, int fi)
{
	uint8_t buf[256], ctl[512];
	struct sockaddr_storage from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg;
	struct cmsghdr *c;
	struct sock_extended_err *ee;
	struct ls_icmp_msg m;
	uint32_t i;
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
			if ((i = match(e, fi, &m)) != NIL && addr_is(&e->slots[i].p->addr, &from))
				complete(e, i, LS_DOWN, -1, ls_icmp_reason(fi ? AF_INET6 : AF_INET,
									   ee->ee_type, ee->ee_code));
		}
	}
}

static void poll_cb(uv_poll_t *h, int status, int events)
{
	struct engine *e = h->data;
	int fi = h == &e->poll[1], k, n;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	uint8_t (*bufs)[576] = e->rbuf;
	double now = ls_now_ms();

	(void)events;
	if (status < 0) {
		/* libuv stops a poll handle on POLLERR: drain the error queue and
		 * start it again. */
		read_errqueue(e, fi);
		uv_poll_start(h, UV_READABLE, poll_cb);
	}
	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (k = 0; k < BATCH; k++) {
			iov[k].iov_base = bufs[k];
			iov[k].iov_len = sizeof(bufs[k]);
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
			msgs[k].msg_hdr.msg_name = &from[k];
			msgs[k].msg_hdr.msg_namelen = sizeof(from[k]);
		}
		n = recvmmsg(e->fd[fi], msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (k = 0; k < n; k++)
			handle(e, fi, bufs[k], msgs[k].msg_len, &from[k], now);
		if (n < BATCH)
			break;
	}
	if (!e->raw[fi])
		read_errqueue(e, fi);
}

/* --- opening and closing ------------------------------------------------ */

/* A raw socket when allowed (root, CAP_NET_RAW), else a datagram ICMP socket
 * (net.ipv4.ping_group_range).  Returns the fd or a negative errno. */
static int open_socket(int family, bool *raw)
{
	int proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, fd, on = 1, size = 1 << 21;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	*raw = fd >= 0;
	if (fd < 0)
		fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
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
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

static int icmp_open(uv_loop_t *loop, struct ls_probe_opts *opts, char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof(*e));
	uint32_t i;
	int fi, q;

	if (e == NULL)
		return -ENOMEM;
	e->loop = loop;
	e->opts = opts;
	e->nslots = opts->window < 1 ? 1 : opts->window > 65535 ? 65535 : opts->window;
	e->slots = calloc(e->nslots, sizeof(*e->slots));
	if (e->slots == NULL) {
		free(e);
		return -ENOMEM;
	}
	for (q = 0; q < (int)LS_ARRAY_SIZE(e->lists); q++)
		e->lists[q].head = e->lists[q].tail = NIL;
	for (i = 0; i < e->nslots; i++) {
		e->slots[i].q = Q_NONE;
		list_push(e, Q_FREE, i);
	}
	if (getrandom(&e->cookie, sizeof(e->cookie), 0) != (ssize_t)sizeof(e->cookie))
		e->cookie = (uint64_t)getpid() << 32 ^ (uint64_t)ls_now_ms();
	e->ident = (uint16_t)(e->cookie >> 48);
	for (fi = 0; fi < 2; fi++) {
		e->fd[fi] = open_socket(fi ? AF_INET6 : AF_INET, &e->raw[fi]);
		if (e->fd[fi] < 0) {
			e->fd_err[fi] = e->fd[fi];
			continue;
		}
		uv_poll_init_socket(loop, &e->poll[fi], e->fd[fi]);
		e->poll[fi].data = e;
		uv_poll_start(&e->poll[fi], UV_READABLE, poll_cb);
		e->handles++;
	}
	if (e->fd[0] < 0 && e->fd[1] < 0) {
		snprintf(err, errlen, "cannot open an ICMP socket: %s", strerror(-e->fd_err[0]));
		fi = e->fd_err[0];
		free(e->slots);
		free(e);
		return fi;
	}
	uv_timer_init(loop, &e->timer);
	e->handles++;
	ls_rtt_init(&e->rtt, opts->timeout_ms, opts->min_timeout_ms, opts->max_timeout_ms);
	ls_bucket_init(&e->bucket, opts->rate, opts->rate / 100.0, ls_now_ms());
	opts->ctx = e;
	return 0;
}

static void on_closed(uv_handle_t *h)
{
	struct engine *e = h->data;

	if (--e->handles > 0)
		return;
	free(e->slots);
	free(e);
}

static void icmp_close(struct ls_probe_opts *opts)
{
	struct engine *e = opts->ctx;
	int fi;

	if (e == NULL)
		return;
	opts->ctx = NULL;
	e->timer.data = e;
	for (fi = 0; fi < 2; fi++)
		if (e->fd[fi] >= 0) {
			uv_close((uv_handle_t *)&e->poll[fi], on_closed);
			close(e->fd[fi]);	/* libuv closes the watcher, not the fd */
		}
	uv_close((uv_handle_t *)&e->timer, on_closed);
}

static int icmp_start(struct ls_probe *p)
{
	struct engine *e = p->opts->ctx;
	uint32_t i = e->lists[Q_FREE].head;

	if (i == NIL)
		return -EAGAIN;	/* more probes than slots: the pipeline's window is wrong */
	e->slots[i].p = p;
	e->slots[i].tries = 0;
	p->priv = &e->slots[i];
	p->cancelled = false;
	p->syserr = 0;
	list_push(e, Q_SEND, i);
	ensure_ticking(e);
	return 0;
}

static void icmp_cancel(struct ls_probe *p)
{
	struct engine *e = p->opts->ctx;
	struct slot *s = p->priv;

	if (s == NULL || p->cancelled)
		return;
	p->cancelled = true;
	list_push(e, Q_DONE, (uint32_t)(s - e->slots));	/* ended on the next tick, not here */
	ensure_ticking(e);
}

const struct ls_probe_method ls_probe_icmp = {
	.name = "icmp",
	.open = icmp_open,
	.close = icmp_close,
	.start = icmp_start,
	.cancel = icmp_cancel,
};
