/* probe_tcp.c -- the TCP method: non-blocking connect() to a few ports; a SYN-ACK or a RST means up.
 *
 * Needs no privilege and finds hosts that drop ICMP (a Windows PC answers on
 * 445, a Linux server on 22).  Costly: the race starts it only for targets
 * whose cheap methods stayed silent after their first exchange.  Every
 * connect draws one packet from the shared --rate budget; open sockets are
 * bounded by the file limit, and attempts wait in a queue for room.
 */
#include "lanscan/method.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/pacer.h"
#include "lanscan/util.h"

#define TICK_MS 1

struct tcp;
struct tatt;

struct conn {
	uv_poll_t poll;
	struct tatt *t;
	int fd;
	int early;		/* connect()'s own error, when it failed at once */
	uint16_t port;
	double t0;		/* monotonic ms at connect() */
	bool open;
};

struct tatt {
	struct tcp *m;
	struct ls_attempt *a;
	struct tatt *qnext, *qprev;	/* the queue of attempts waiting for room */
	uv_timer_t timer;
	unsigned next;		/* the next port to connect */
	uint32_t idx;		/* its handle */
	int handles;		/* open libuv handles */
	unsigned live;		/* connects still pending */
	unsigned skipped;	/* ports with no socket (EMFILE, a bind that failed) */
	bool queued, timing, ended;
	struct conn *conns;	/* one per port, made at the first connect: queued attempts stay small */
};

struct tcp {
	struct ls_menv env;
	uv_timer_t tick;
	bool ticking, closing;
	struct tatt *qhead, *qtail;
	struct tatt **tab;	/* running attempts by handle */
	uint32_t *free_idx;	/* a stack of free handles */
	uint32_t tab_cap, nfree;
	size_t fds, max_fds;
	char desc[96];
};

static void conn_closed(uv_handle_t *h);

/* Gives t a handle (an index in m->tab).  Returns 0 or -ENOMEM. */
static int tab_put(struct tcp *m, struct tatt *t)
{
	uint32_t i, cap;
	void *p, *q;

	if (m->nfree == 0) {
		cap = m->tab_cap ? m->tab_cap * 2 : 256;
		p = realloc(m->tab, cap * sizeof(*m->tab));
		if (p != NULL)
			m->tab = p;
		q = realloc(m->free_idx, cap * sizeof(*m->free_idx));
		if (q != NULL)
			m->free_idx = q;
		if (p == NULL || q == NULL)
			return -ENOMEM;
		for (i = cap; i > m->tab_cap; i--)
			m->free_idx[m->nfree++] = i - 1;
		m->tab_cap = cap;
	}
	t->idx = m->free_idx[--m->nfree];
	m->tab[t->idx] = t;
	return 0;
}

static void att_closed(struct tatt *t)
{
	struct ls_attempt *a = t->a;
	struct tcp *m = t->m;

	if (--t->handles > 0)
		return;
	m->tab[t->idx] = NULL;
	m->free_idx[m->nfree++] = t->idx;
	unsigned skipped = t->skipped, nports = (unsigned)m->env.cfg->nports;

	free(t->conns);
	free(t);
	/* no socket for any port: its silence proves nothing */
	ls_attempt_done(a, skipped == nports ? "the TCP probes could not be sent" : NULL);
}

static void timer_closed(uv_handle_t *h)
{
	att_closed(h->data);
}

static void conn_close(struct conn *c)
{
	struct linger lg = { 1, 0 };	/* a RST, not a FIN handshake and TIME_WAIT */

	if (!c->open)
		return;
	c->open = false;
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	uv_close((uv_handle_t *)&c->poll, conn_closed);
}

static void conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	struct tatt *t = c->t;

	close(c->fd);
	t->m->fds--;
	att_closed(t);
}

/* O(1): a stop cancels every queued attempt (a walk of the queue for each
 * made the stop of a /16 at 100 kpps take 36 s). */
static void dequeue(struct tcp *m, struct tatt *t)
{
	if (t->qprev != NULL)
		t->qprev->qnext = t->qnext;
	else
		m->qhead = t->qnext;
	if (t->qnext != NULL)
		t->qnext->qprev = t->qprev;
	else
		m->qtail = t->qprev;
	t->qnext = t->qprev = NULL;
	t->queued = false;
}

/* Ends an attempt: closes everything; done follows from the close callbacks. */
static void end(struct tatt *t)
{
	unsigned i;

	if (t->ended)
		return;
	t->ended = true;
	if (t->queued)
		dequeue(t->m, t);
	for (i = 0; i < t->next; i++)
		conn_close(&t->conns[i]);
	uv_close((uv_handle_t *)&t->timer, timer_closed);
}

static void on_timeout(uv_timer_t *h)
{
	end(h->data);
}

static void on_conn(uv_poll_t *h, int status, int events)
{
	struct conn *c = h->data;
	struct tatt *t = c->t;
	struct ls_answer ans;
	struct tcp_info ti;
	struct sockaddr_storage peer;
	socklen_t len = sizeof(int), plen = sizeof(peer), tlen = sizeof(ti);
	int err = 0;

	(void)status;
	(void)events;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == 0 && getpeername(c->fd, (struct sockaddr *)&peer, &plen) != 0)
		err = c->early != 0 ? c->early : ENOTCONN;
	if (err == EINPROGRESS || err == EALREADY)
		return;	/* not yet */
	if (c->early != 0 && err == c->early && err != ECONNREFUSED) {
		/* connect() failed at once: our own stack (no route, the
		 * link down), not the target, so this port tells nothing. */
		ls_counters_local(t->m->env.counters, err);
		t->skipped++;
		conn_close(c);
		if (--t->live == 0 && t->next == t->m->env.cfg->nports)
			end(t);
		return;
	}
	memset(&ans, 0, sizeof(ans));
	ans.rtt_ms = ls_now_ms() - c->t0;
	if (err == 0 || err == ECONNREFUSED) {
		snprintf(ans.via, sizeof(ans.via), "tcp/%u", c->port);
		ans.port_open = err == 0;	/* refused: up, but the port is closed */
		memset(&ti, 0, sizeof(ti));
		if (err == 0 && getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &tlen) == 0 && ti.tcpi_rtt > 0)
			ans.rtt_ms = ti.tcpi_rtt / 1000.0;	/* the kernel's SYN to SYN-ACK */
		conn_close(c);
		ls_attempt_answer(t->a, &ans);
		end(t);
		return;
	}
	if (err == EHOSTUNREACH || err == ENETUNREACH)
		ls_attempt_negative(t->a, err == EHOSTUNREACH ? "host unreachable" : "net unreachable");
	else if (err == EACCES || err == EPERM)
		ls_attempt_negative(t->a, "administratively prohibited");
	conn_close(c);
	if (--t->live == 0 && t->next == t->m->env.cfg->nports)
		end(t);	/* every port has failed: nothing left to wait for */
}

/* Starts one connect; returns false when it must wait (no room). */
static bool launch(struct tcp *m, struct tatt *t, double now)
{
	const struct ls_addr *addr = ls_attempt_addr(t->a);
	struct conn *c;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	if (m->fds >= m->max_fds)
		return false;
	if (t->conns == NULL && (t->conns = calloc(m->env.cfg->nports, sizeof(*t->conns))) == NULL)
		return false;	/* out of memory: it waits, and times out like a silent target */
	if (ls_pacer_take(m->env.pacer, 1, false, now) == 0)
		return false;
	c = &t->conns[t->next];
	c->t = t;
	c->port = m->env.cfg->ports[t->next];
	t->next++;
	fd = socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && ls_probe_bind(fd, addr->family, m->env.cfg) != 0) {
		close(fd);	/* -I/-S were checked at start: not expected */
		fd = -1;
	}
	if (fd < 0) {
		ls_pacer_giveback(m->env.pacer, 1);
		t->skipped++;
		return true;	/* this port is skipped (EMFILE from elsewhere) */
	}
	sl = ls_addr_to_sockaddr(addr, &ss);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(c->port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(c->port);
	c->t0 = now;
	c->early = 0;
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0 && errno != EINPROGRESS)
		c->early = errno;
	m->env.counters->sent++;
	c->fd = fd;
	m->fds++;
	uv_poll_init_socket(m->env.loop, &c->poll, fd);
	c->poll.data = c;
	c->open = true;
	t->handles++;
	t->live++;
	uv_poll_start(&c->poll, UV_WRITABLE | UV_DISCONNECT, on_conn);
	if (!t->timing) {	/* the attempt's wait starts with its first connect */
		t->timing = true;
		uv_timer_start(&t->timer, on_timeout, (uint64_t)m->env.cfg->wait_ms, 0);
	}
	return true;
}

static void tick_cb(uv_timer_t *h)
{
	struct tcp *m = h->data;
	double now = ls_now_ms();
	struct tatt *t;

	while ((t = m->qhead) != NULL) {
		while (t->next < m->env.cfg->nports && launch(m, t, now))
			;
		if (t->next < m->env.cfg->nports)
			return;	/* out of room or tokens: later */
		dequeue(m, t);
		if (t->live == 0)
			end(t);	/* no port got a socket: nothing to wait for */
	}
	uv_timer_stop(&m->tick);
	m->ticking = false;
}

static int tcp_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	struct tcp *m;
	struct rlimit rl;

	if (env->cfg->nports == 0) {
		snprintf(err, errlen, "tcp: no ports to probe");
		return -EINVAL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	m->env = *env;
	/* Sockets open at once: the file limit (main raised the soft one to the
	 * hard one), less room for the other methods' sockets, stdio, and the
	 * ping program's pipes should it run beside. */
	m->max_fds = 512;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur > 1024 + 3 * (rlim_t)env->cfg->ping_jobs)
		m->max_fds = (size_t)(rl.rlim_cur - 256 - 3 * (rlim_t)env->cfg->ping_jobs);
	if (m->max_fds > 65536)
		m->max_fds = 65536;
	uv_timer_init(env->loop, &m->tick);
	m->tick.data = m;
	snprintf(m->desc, sizeof(m->desc), "tcp: connect to %zu port%s, at most %zu sockets open",
		 env->cfg->nports, env->cfg->nports == 1 ? "" : "s", m->max_fds);
	*out = (struct ls_minst *)m;
	return 0;
}

static bool tcp_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	(void)mi;
	(void)addr;
	return path->kind != LS_ROUTE_BLACKHOLE && path->kind != LS_ROUTE_UNREACHABLE &&
	       path->kind != LS_ROUTE_PROHIBIT;
}

static int tcp_start(struct ls_minst *mi, struct ls_attempt *a)
{
	struct tcp *m = (struct tcp *)mi;
	struct tatt *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	t->m = m;
	t->a = a;
	if (tab_put(m, t) != 0) {
		free(t);
		return -ENOMEM;
	}
	a->handle = t->idx;
	uv_timer_init(m->env.loop, &t->timer);
	t->timer.data = t;
	t->handles = 1;
	t->queued = true;
	t->qprev = m->qtail;
	t->qnext = NULL;
	if (m->qtail != NULL)
		m->qtail->qnext = t;
	else
		m->qhead = t;
	m->qtail = t;
	if (!m->ticking && !m->closing) {
		m->ticking = true;
		uv_timer_start(&m->tick, tick_cb, 0, TICK_MS);
	}
	return 0;
}

static void tcp_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	struct tcp *m = (struct tcp *)mi;

	if (a->handle < m->tab_cap && m->tab[a->handle] != NULL && m->tab[a->handle]->a == a)
		end(m->tab[a->handle]);
}

static void on_tick_closed(uv_handle_t *h)
{
	struct tcp *m = h->data;

	free(m->tab);
	free(m->free_idx);
	free(m);
}

static void tcp_close(struct ls_minst *mi)
{
	struct tcp *m = (struct tcp *)mi;

	m->closing = true;
	uv_close((uv_handle_t *)&m->tick, on_tick_closed);
}

static const char *tcp_describe(struct ls_minst *mi)
{
	return ((struct tcp *)mi)->desc;
}

const struct ls_method ls_method_tcp = {
	.name = "tcp",
	.bit = LS_M_TCP,
	.costly = true,
	.open = tcp_open,
	.applies = tcp_applies,
	.start = tcp_start,
	.cancel = tcp_cancel,
	.close = tcp_close,
	.describe = tcp_describe,
};
