/* probe_icmp.c -- the ICMP echo method: one socket per family, per-target deadlines, late answers count.
 *
 * Each attempt takes a slot.  A target's wait starts at its first send and
 * ends `wait_ms` later, whatever else is in the sweep; within it, silent
 * targets are sent again after an adaptive retransmission timeout (learned
 * per /24 or /64, doubled per try), which only decides when to send again,
 * never that a host is down.  A reply to any try counts until the deadline.
 *
 * Every echo carries a SipHash tag over the target, slot, generation, try
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
#include <linux/sock_diag.h>
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

#include "lanscan/icmp.h"
#include "lanscan/pacer.h"
#include "lanscan/timing.h"
#include "lanscan/util.h"

#define NIL UINT32_MAX
#define BATCH 64		/* packets per sendmmsg/recvmmsg */
#define TICK_MS 1
#define INITIAL_RTO_MS 200.0
#define SUBNETS 1024		/* RTT estimators, by /24 or /64 */
#define RBUF 640

enum { S_CANCEL = 1, S_NEG = 2, S_SILENT = 4 };

struct slot {
	struct ls_attempt *a;	/* NULL when free */
	double first_ms;	/* monotonic time of the first send */
	double deadline_ms;
	uint32_t heap_i;	/* NIL when not in the heap */
	uint32_t next_free;
	uint16_t gen;
	uint8_t tries;		/* sends so far */
	uint8_t flags;
};

struct due {
	double at;
	uint32_t slot;
};

struct qent {
	uint32_t slot;
	uint16_t gen;
};

struct subnet {
	uint64_t key;
	struct ls_rtt rtt;
};

struct icmp {
	struct ls_menv env;
	int fd[2];		/* [0] IPv4, [1] IPv6; -1 when not open */
	bool raw[2];
	int fd_err[2];
	uv_poll_t poll[2];
	uv_timer_t timer;
	int handles;
	bool ticking, closing;
	uint16_t ident;
	uint8_t key[16];
	struct slot *slots;
	uint32_t nslots, free_head, used;
	struct due *heap;
	uint32_t heap_n;
	struct qent *q;		/* the send queue: a ring */
	uint32_t q_cap, q_head, q_n;
	struct ls_rtt global;
	struct subnet *subnets;
	uint32_t drops[2];	/* the sockets' drop counters last read */
	double drop_ms;		/* when a drop was last seen, 0: never */
	char desc[96];
	uint8_t rbuf[BATCH][RBUF];
	uint8_t rctl[BATCH][64];
};

static int fam_index(int family) { return family == AF_INET6 ? 1 : 0; }

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* --- the heap of due times --------------------------------------------- */

static void heap_swap(struct icmp *e, uint32_t i, uint32_t j)
{
	struct due t = e->heap[i];

	e->heap[i] = e->heap[j];
	e->heap[j] = t;
	e->slots[e->heap[i].slot].heap_i = i;
	e->slots[e->heap[j].slot].heap_i = j;
}

static void heap_up(struct icmp *e, uint32_t i)
{
	while (i > 0 && e->heap[(i - 1) / 2].at > e->heap[i].at) {
		heap_swap(e, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct icmp *e, uint32_t i)
{
	uint32_t l, m;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < e->heap_n && e->heap[l].at < e->heap[m].at)
			m = l;
		if (l + 1 < e->heap_n && e->heap[l + 1].at < e->heap[m].at)
			m = l + 1;
		if (m == i)
			return;
		heap_swap(e, i, m);
		i = m;
	}
}

static void heap_remove(struct icmp *e, uint32_t s)
{
	uint32_t i = e->slots[s].heap_i;

	if (i == NIL)
		return;
	e->slots[s].heap_i = NIL;
	if (i != --e->heap_n) {
		e->heap[i] = e->heap[e->heap_n];
		e->slots[e->heap[i].slot].heap_i = i;
		heap_up(e, i);
		heap_down(e, e->slots[e->heap[i].slot].heap_i);
	}
}

/* Sets slot s's next due time (inserting it when absent). */
static void heap_set(struct icmp *e, uint32_t s, double at)
{
	heap_remove(e, s);
	e->heap[e->heap_n].at = at;
	e->heap[e->heap_n].slot = s;
	e->slots[s].heap_i = e->heap_n;
	heap_up(e, e->heap_n++);
}

/* --- the send queue ---------------------------------------------------- */

static int q_push(struct icmp *e, uint32_t s)
{
	struct qent *q;
	uint32_t i, cap;

	if (e->q_n == e->q_cap) {
		cap = e->q_cap * 2;
		if ((q = malloc(cap * sizeof(*q))) == NULL)
			return -ENOMEM;
		for (i = 0; i < e->q_n; i++)
			q[i] = e->q[(e->q_head + i) % e->q_cap];
		free(e->q);
		e->q = q;
		e->q_cap = cap;
		e->q_head = 0;
	}
	e->q[(e->q_head + e->q_n++) % e->q_cap] = (struct qent){ s, e->slots[s].gen };
	return 0;
}

/* The queue's head, skipping entries of slots since finished. */
static uint32_t q_peek(struct icmp *e)
{
	while (e->q_n > 0) {
		struct qent *h = &e->q[e->q_head];
		struct slot *s = &e->slots[h->slot];
		if (s->a != NULL && s->gen == h->gen && !(s->flags & S_CANCEL))
			return h->slot;
		e->q_head = (e->q_head + 1) % e->q_cap;
		e->q_n--;
	}
	return NIL;
}

static void q_pop(struct icmp *e)
{
	e->q_head = (e->q_head + 1) % e->q_cap;
	e->q_n--;
}

/* --- RTT estimators ------------------------------------------------------ */

static uint64_t subnet_key(const struct ls_addr *a)
{
	uint64_t k = 0;
	int i;

	if (a->family == AF_INET)
		return 1ULL << 63 | (uint64_t)a->b[0] << 16 | (uint64_t)a->b[1] << 8 | a->b[2];
	for (i = 0; i < 8; i++)
		k = k << 8 | a->b[i];
	return k & ~(1ULL << 63);
}

static struct subnet *subnet_of(struct icmp *e, const struct ls_addr *a)
{
	uint64_t k = subnet_key(a);
	struct subnet *s = &e->subnets[(k * 0x9e3779b97f4a7c15ULL) >> 54 & (SUBNETS - 1)];

	if (s->key != k) {
		s->key = k;
		ls_rtt_init(&s->rtt, INITIAL_RTO_MS, e->env.cfg->min_rto_ms, e->env.cfg->max_rto_ms);
	}
	return s;
}

/* The retransmission timeout for a: its subnet's, else the sweep's, else 200 ms. */
static double rto(struct icmp *e, const struct ls_addr *a)
{
	struct subnet *s = subnet_of(e, a);

	return s->rtt.have_sample ? ls_rtt_timeout(&s->rtt) : ls_rtt_timeout(&e->global);
}

/* --- ending attempts --------------------------------------------------- */

static void tick_cb(uv_timer_t *t);

static void ensure_ticking(struct icmp *e)
{
	if (!e->ticking && !e->closing) {
		e->ticking = true;
		uv_timer_start(&e->timer, tick_cb, TICK_MS, TICK_MS);
	}
}

/* Frees slot s and reports the attempt done (last: the race may free it). */
static void finish(struct icmp *e, uint32_t s, const char *unknown)
{
	struct slot *sl = &e->slots[s];
	struct ls_attempt *a = sl->a;

	heap_remove(e, s);
	sl->a = NULL;
	sl->gen++;
	sl->next_free = e->free_head;
	e->free_head = s;
	e->used--;
	ls_attempt_done(a, unknown);
}

/* Reads the sockets' drop counters; a rise means replies were lost. */
static void check_drops(struct icmp *e, double now)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len;
	int fi;

	for (fi = 0; fi < 2; fi++) {
		if (e->fd[fi] < 0)
			continue;
		len = sizeof(mem);
		memset(mem, 0, sizeof(mem));
		if (getsockopt(e->fd[fi], SOL_SOCKET, SO_MEMINFO, mem, &len) != 0 ||
		    len <= SK_MEMINFO_DROPS * sizeof(uint32_t))
			continue;
		if (mem[SK_MEMINFO_DROPS] != e->drops[fi]) {
			e->env.counters->dropped += mem[SK_MEMINFO_DROPS] - e->drops[fi];
			e->drops[fi] = mem[SK_MEMINFO_DROPS];
			e->drop_ms = now;
			e->env.counters->drop_ms = now;
		}
	}
}

/* --- sending ------------------------------------------------------------- */

/* The next due time of a slot just sent (try number `tries`). */
static double next_due(struct icmp *e, struct slot *s, double now)
{
	double t;

	if (s->tries > (unsigned)e->env.cfg->retries)
		return s->deadline_ms;
	t = now + rto(e, ls_attempt_addr(s->a)) * (double)(1u << (s->tries - 1 < 10 ? s->tries - 1 : 10));
	return t < s->deadline_ms ? t : s->deadline_ms;
}

static void receive(struct icmp *e, int fi);

/* Sends up to n queued probes of the head's family; returns how many went
 * (or left the queue for good). */
static unsigned send_batch(struct icmp *e, unsigned n, double now)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage addrs[BATCH];
	uint8_t pkts[BATCH][LS_ICMP_ECHO_LEN];
	uint32_t idx[BATCH], i = q_peek(e);
	const struct ls_addr *addr = ls_attempt_addr(e->slots[i].a);
	int family = addr->family, fi = fam_index(family), r;
	unsigned k = 0, off = 0, taken = 0;
	char err[128];

	if (e->fd[fi] < 0) {	/* no socket for this family: it cannot be probed */
		q_pop(e);
		snprintf(err, sizeof(err), "no ICMP%s socket: %s", family == AF_INET6 ? "v6" : "",
			 strerror(-e->fd_err[fi]));
		finish(e, i, err);
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	while (k < n && k < BATCH && (i = q_peek(e)) != NIL) {
		struct slot *s = &e->slots[i];
		struct ls_icmp_probe pr;
		addr = ls_attempt_addr(s->a);
		if (addr->family != family)
			break;
		q_pop(e);
		pr.slot = i;
		pr.gen = s->gen;
		pr.try_ = (uint8_t)(s->tries + 1);
		pr.tx_ns = realtime_ns();
		pr.tag = ls_icmp_tag(e->key, addr, &pr);
		ls_icmp_echo(family, pkts[k], e->ident, (uint16_t)i, &pr);
		iov[k].iov_base = pkts[k];
		iov[k].iov_len = LS_ICMP_ECHO_LEN;
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
		msgs[k].msg_hdr.msg_name = &addrs[k];
		msgs[k].msg_hdr.msg_namelen = ls_addr_to_sockaddr(addr, &addrs[k]);
		idx[k++] = i;
	}
	while (off < k) {
		r = sendmmsg(e->fd[fi], msgs + off, k - off, 0);
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)) {
			/* The socket is full: put the rest back at the front. */
			while (k > off) {
				e->q_head = (e->q_head + e->q_cap - 1) % e->q_cap;
				e->q[e->q_head] = (struct qent){ idx[--k], e->slots[idx[k]].gen };
				e->q_n++;
			}
			break;
		}
		if (r < 0) {	/* this destination cannot be reached from here */
			struct slot *s = &e->slots[idx[off]];
			if (s->tries == 0)
				s->first_ms = now;
			snprintf(err, sizeof(err), "%s", strerror(errno));
			ls_attempt_negative(s->a, errno == ENETUNREACH ? "net unreachable" :
					    errno == EHOSTUNREACH ? "host unreachable" :
					    errno == EACCES || errno == EPERM ? "administratively prohibited" :
					    "cannot send");
			finish(e, idx[off], errno == ENETUNREACH || errno == EHOSTUNREACH ||
			       errno == EACCES || errno == EPERM ? NULL : err);
			off++;
			taken++;
			continue;
		}
		e->env.counters->sent += (unsigned)r;
		for (; r > 0; r--, off++, taken++) {
			struct slot *s = &e->slots[idx[off]];
			if (s->tries++ == 0) {
				s->first_ms = now;
				s->deadline_ms = now + e->env.cfg->wait_ms;
			}
			heap_set(e, idx[off], next_due(e, s, now));
		}
	}
	return taken;
}

/* Handles the slots whose time has come: retransmit, or end at the deadline. */
static void expire(struct icmp *e, double now)
{
	bool checked = false;
	uint32_t i;

	while (e->heap_n > 0 && e->heap[0].at <= now) {
		struct slot *s = &e->slots[i = e->heap[0].slot];
		if (s->flags & S_CANCEL) {
			finish(e, i, NULL);
			continue;
		}
		if (now < s->deadline_ms) {
			heap_remove(e, i);
			if (!(s->flags & S_SILENT)) {
				s->flags |= S_SILENT;
				ls_attempt_silent(s->a);	/* may start costlier methods */
			}
			if (s->flags & S_CANCEL)
				continue;	/* they answered at once: cancelled meanwhile */
			if (s->tries <= (unsigned)e->env.cfg->retries && !(s->flags & S_NEG))
				q_push(e, i);
			else
				heap_set(e, i, s->deadline_ms);
			continue;
		}
		if (!checked) {	/* once per tick: did the kernel drop replies? */
			check_drops(e, now);
			checked = true;
		}
		if (!(s->flags & S_SILENT)) {
			s->flags |= S_SILENT;
			ls_attempt_silent(s->a);
		}
		finish(e, i, e->drop_ms >= s->first_ms && e->drop_ms > 0 ?
		       "replies were dropped by the kernel (receive queue full); try a lower --rate" : NULL);
	}
}

static void tick_cb(uv_timer_t *t)
{
	struct icmp *e = ls_container_of(t, struct icmp, timer);
	double now = ls_now_ms();
	unsigned allowed, sent;
	int fi;

	for (fi = 0; fi < 2; fi++)
		if (e->fd[fi] >= 0)
			receive(e, fi);
	expire(e, now);
	while (q_peek(e) != NIL) {
		allowed = ls_pacer_take(e->env.pacer, e->q_n < BATCH ? e->q_n : BATCH, now);
		if (allowed == 0)
			break;
		sent = send_batch(e, allowed, now);
		if (sent < allowed)
			ls_pacer_giveback(e->env.pacer, allowed - sent);
		if (sent == 0)
			break;
		/* Drain replies between batches so a fast sweep does not overflow the queue. */
		for (fi = 0; fi < 2; fi++)
			if (e->fd[fi] >= 0)
				receive(e, fi);
	}
	if (e->used == 0) {
		uv_timer_stop(&e->timer);
		e->ticking = false;
	}
}

/* --- receiving ----------------------------------------------------------- */

static void reject(struct icmp *e, enum ls_reject why)
{
	e->env.counters->rejected[why]++;
}

/* Finds the waiting slot a message names, authenticated; NIL when none. */
static uint32_t match(struct icmp *e, int fi, const struct ls_icmp_msg *m, const struct ls_addr *target)
{
	struct slot *s;
	uint32_t i;

	if (e->raw[fi] && m->id != e->ident) {
		reject(e, LS_REJ_FOREIGN);	/* another program's ping */
		return NIL;
	}
	if (!m->has_payload) {	/* an error quoting only 8 bytes: id and sequence */
		i = m->seq;
		if (i >= e->nslots || e->slots[i].a == NULL || e->slots[i].tries == 0 ||
		    ls_addr_cmp(target, ls_attempt_addr(e->slots[i].a)) != 0) {
			reject(e, LS_REJ_STALE);
			return NIL;
		}
		return i;
	}
	i = m->probe.slot;
	if (i >= e->nslots || (uint16_t)i != m->seq) {
		reject(e, LS_REJ_COOKIE);
		return NIL;
	}
	s = &e->slots[i];
	if (s->a == NULL || s->gen != m->probe.gen || m->probe.try_ == 0 || m->probe.try_ > s->tries ||
	    ls_addr_cmp(target, ls_attempt_addr(s->a)) != 0) {
		/* Not a probe in flight: check whether it is a well-formed one of
		 * ours at all, to count it right. */
		reject(e, ls_icmp_tag(e->key, target, &m->probe) == m->probe.tag ? LS_REJ_STALE :
		       LS_REJ_COOKIE);
		return NIL;
	}
	if (ls_icmp_tag(e->key, target, &m->probe) != m->probe.tag) {
		reject(e, LS_REJ_COOKIE);
		return NIL;
	}
	return i;
}

static void on_reply(struct icmp *e, int fi, const struct ls_icmp_msg *m, const struct sockaddr_storage *from,
		     uint64_t rx_ns, double now)
{
	struct ls_addr src;
	struct ls_answer ans;
	uint64_t tx = m->probe.tx_ns, wall = realtime_ns();
	uint32_t i;

	memset(&src, 0, sizeof(src));
	src.family = from->ss_family;
	if (src.family == AF_INET)
		memcpy(src.b, &((const struct sockaddr_in *)from)->sin_addr, 4);
	else if (src.family == AF_INET6)
		memcpy(src.b, &((const struct sockaddr_in6 *)from)->sin6_addr, 16);
	if (!m->has_payload) {
		reject(e, LS_REJ_COOKIE);
		return;
	}
	if ((i = match(e, fi, m, &src)) == NIL)
		return;	/* also a reply from another address than the probe's target: its tag fails */
	memset(&ans, 0, sizeof(ans));
	snprintf(ans.via, sizeof(ans.via), "icmp");
	if (rx_ns == 0 || rx_ns > wall)
		rx_ns = wall;
	ans.rtt_ms = rx_ns > tx ? (double)(rx_ns - tx) / 1e6 : 0;
	if (ans.rtt_ms > now - e->slots[i].first_ms + 1)	/* a clock step: bound it by what we know */
		ans.rtt_ms = now - e->slots[i].first_ms;
	ls_rtt_sample(&subnet_of(e, &src)->rtt, ans.rtt_ms);
	ls_rtt_sample(&e->global, ans.rtt_ms);
	ls_attempt_answer(e->slots[i].a, &ans);
	finish(e, i, NULL);
}

static void on_error(struct icmp *e, int fi, const struct ls_icmp_msg *m)
{
	uint32_t i = match(e, fi, m, &m->target);
	struct slot *s;

	if (i == NIL)
		return;
	s = &e->slots[i];
	s->flags |= S_NEG;	/* provisional: an answer before the deadline still wins */
	ls_attempt_negative(s->a, m->reason);
	heap_set(e, i, s->deadline_ms);
}

/* Datagram (unprivileged) sockets report ICMP errors on the error queue. */
static void read_errqueue(struct icmp *e, int fi)
{
	uint8_t buf[256], ctl[512];
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
			memset(&m.target, 0, sizeof(m.target));
			m.target.family = from.ss_family;
			if (from.ss_family == AF_INET)
				memcpy(m.target.b, &((struct sockaddr_in *)&from)->sin_addr, 4);
			else
				memcpy(m.target.b, &((struct sockaddr_in6 *)&from)->sin6_addr, 16);
			m.reason = ls_icmp_reason(fi ? AF_INET6 : AF_INET, ee->ee_type, ee->ee_code);
			on_error(e, fi, &m);
		}
	}
}

static uint64_t rx_stamp(struct msghdr *h)
{
	struct cmsghdr *c;
	struct timespec ts;

	for (c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		}
	return 0;
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
				reject(e, LS_REJ_CHECKSUM);
			else if (m.kind == LS_ICMP_REPLY)
				on_reply(e, fi, &m, &from[k], rx_stamp(&msgs[k].msg_hdr), now);
			else if (m.kind == LS_ICMP_ERROR)
				on_error(e, fi, &m);
			else
				reject(e, LS_REJ_MALFORMED);
		}
		if (n < BATCH)
			break;
	}
	if (!e->raw[fi])
		read_errqueue(e, fi);
}

static void poll_cb(uv_poll_t *h, int status, int events)
{
	struct icmp *e = h->data;
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
static int open_socket(int family, bool *raw, int rcvbuf)
{
	int proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, fd, on = 1;

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
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static int icmp_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	struct icmp *e = calloc(1, sizeof(*e));
	const struct ls_probe_cfg *cfg = env->cfg;
	double rb;
	uint32_t i;
	int fi, rc, rcvbuf;

	if (e == NULL)
		return -ENOMEM;
	e->env = *env;
	e->nslots = cfg->window < 1 ? 1 : cfg->window > (1u << 22) ? 1u << 22 : cfg->window;
	e->q_cap = 1024;
	e->slots = calloc(e->nslots, sizeof(*e->slots));
	e->heap = calloc(e->nslots, sizeof(*e->heap));
	e->q = calloc(e->q_cap, sizeof(*e->q));
	e->subnets = calloc(SUBNETS, sizeof(*e->subnets));
	if (e->slots == NULL || e->heap == NULL || e->q == NULL || e->subnets == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < e->nslots; i++) {
		e->slots[i].heap_i = NIL;
		e->slots[i].next_free = i + 1 < e->nslots ? i + 1 : NIL;
	}
	for (i = 0; i < SUBNETS; i++)
		e->subnets[i].key = UINT64_MAX;
	if (getrandom(e->key, sizeof(e->key), 0) != (ssize_t)sizeof(e->key)) {
		rc = -errno;
		snprintf(err, errlen, "no random key: %s", strerror(errno));
		goto fail;
	}
	e->ident = (uint16_t)(e->key[0] << 8 | e->key[1]);
	/* Room for half a second of replies at the rate (about 768 bytes of
	 * kernel memory each), between 1 and 64 MiB. */
	rb = (cfg->rate > 0 ? cfg->rate : 1e6) * 0.5 * 768;
	rcvbuf = rb < (1 << 20) ? 1 << 20 : rb > (1 << 26) ? 1 << 26 : (int)rb;
	for (fi = 0; fi < 2; fi++)
		e->fd[fi] = -1;
	for (fi = 0; fi < 2; fi++) {
		e->fd[fi] = open_socket(fi ? AF_INET6 : AF_INET, &e->raw[fi], rcvbuf);
		if (e->fd[fi] < 0) {
			e->fd_err[fi] = e->fd[fi];
			continue;
		}
	}
	if (e->fd[0] < 0 && e->fd[1] < 0) {
		snprintf(err, errlen, "cannot open an ICMP socket: %s", strerror(-e->fd_err[0]));
		rc = e->fd_err[0];
		goto fail;
	}
	for (fi = 0; fi < 2; fi++) {
		if (e->fd[fi] < 0)
			continue;
		uv_poll_init_socket(env->loop, &e->poll[fi], e->fd[fi]);
		e->poll[fi].data = e;
		uv_poll_start(&e->poll[fi], UV_READABLE, poll_cb);
		e->handles++;
	}
	uv_timer_init(env->loop, &e->timer);
	e->timer.data = e;
	e->handles++;
	ls_rtt_init(&e->global, INITIAL_RTO_MS < cfg->max_rto_ms ? INITIAL_RTO_MS : cfg->max_rto_ms,
		    cfg->min_rto_ms, cfg->max_rto_ms);
	snprintf(e->desc, sizeof(e->desc), "icmp: %s IPv4 socket, %s IPv6 socket",
		 e->fd[0] < 0 ? "no" : e->raw[0] ? "raw" : "datagram",
		 e->fd[1] < 0 ? "no" : e->raw[1] ? "raw" : "datagram");
	*out = (struct ls_minst *)e;
	return 0;
fail:
	for (fi = 0; fi < 2; fi++)
		if (e->fd[fi] >= 0)
			close(e->fd[fi]);
	free(e->slots);
	free(e->heap);
	free(e->q);
	free(e->subnets);
	free(e);
	return rc;
}

static size_t icmp_capacity(struct ls_minst *mi)
{
	return ((struct icmp *)mi)->nslots;
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
	struct icmp *e = (struct icmp *)mi;
	uint32_t i = e->free_head;
	struct slot *s;

	if (i == NIL)
		return -EAGAIN;	/* more attempts than slots: the pipeline's window is wrong */
	s = &e->slots[i];
	if (q_push(e, i) != 0)
		return -ENOMEM;
	e->free_head = s->next_free;
	e->used++;
	s->a = a;
	s->tries = 0;
	s->flags = 0;
	s->first_ms = s->deadline_ms = 0;
	a->handle = i;
	ensure_ticking(e);
	return 0;
}

static void icmp_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	struct icmp *e = (struct icmp *)mi;
	struct slot *s = &e->slots[a->handle];

	if (s->a != a || (s->flags & S_CANCEL))
		return;
	s->flags |= S_CANCEL;
	heap_set(e, a->handle, 0);	/* ended on the next tick, not here */
	ensure_ticking(e);
}

static void on_closed(uv_handle_t *h)
{
	struct icmp *e = h->data;

	if (--e->handles > 0)
		return;
	free(e->slots);
	free(e->heap);
	free(e->q);
	free(e->subnets);
	free(e);
}

static void icmp_close(struct ls_minst *mi)
{
	struct icmp *e = (struct icmp *)mi;
	int fi;

	e->closing = true;
	for (fi = 0; fi < 2; fi++)
		if (e->fd[fi] >= 0) {
			uv_close((uv_handle_t *)&e->poll[fi], on_closed);
			close(e->fd[fi]);	/* libuv closes the watcher, not the fd */
		}
	uv_close((uv_handle_t *)&e->timer, on_closed);
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
	.close = icmp_close,
	.describe = icmp_describe,
};
