/* names.c -- the name lookups: every source at once per host, a budget per lookup, query ids, UDP helpers. */
#include "lanscan/names.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/method.h"
#include "lanscan/pacer.h"
#include "lanscan/plan.h"
#include "lanscan/util.h"

static const char *const src_names[LS_NAME_NSRC] = { LS_SRC_DNS, LS_SRC_MDNS, LS_SRC_NETBIOS };

static void arm(struct ls_names *ns);

int ls_names_open(struct ls_names *ns, uv_loop_t *loop, const struct ls_plan *plan, int budget_ms)
{
	static const struct ls_name_source *const all[LS_NAME_NSRC] = { &ls_name_dns, &ls_name_mdns,
									&ls_name_nbns };
	char err[160];
	int i, rc;

	ns->loop = loop;
	ns->plan = plan;
	ns->budget_ms = budget_ms;
	if (ns->hosts_path == NULL)
		ns->hosts_path = "/etc/hosts";
	if (ns->resolv_path == NULL)
		ns->resolv_path = "/etc/resolv.conf";
	uv_timer_init(loop, &ns->timer);
	uv_timer_init(loop, &ns->pace_timer);
	for (i = 0; i < LS_NAME_NSRC; i++) {
		if (ns->src[i] == NULL)	/* a test may bring its own */
			ns->src[i] = all[i];
		err[0] = '\0';
		rc = ns->src[i]->open(&ns->inst[i], ns, err, sizeof(err));
		if (rc == -ENOMEM) {
			ns->inst[i] = NULL;
			ls_names_close(ns);	/* what was opened goes (close callbacks) */
			return rc;
		}
		if (rc != 0) {
			ns->inst[i] = NULL;
			ns->dead[i] = true;
			snprintf(ns->why + strlen(ns->why), sizeof(ns->why) - strlen(ns->why), "%s%s: %s",
				 ns->why[0] ? "; " : "", ns->src[i]->name, err[0] ? err : strerror(-rc));
		}
	}
	return 0;
}

static void list_del(struct ls_names *ns, struct ls_nq *q)
{
	if (q->tprev != NULL)
		q->tprev->tnext = q->tnext;
	else
		ns->head = q->tnext;
	if (q->tnext != NULL)
		q->tnext->tprev = q->tprev;
	else
		ns->tail = q->tprev;
	q->tprev = q->tnext = NULL;
}

/* Runs the callback with what was found, and frees the lookup. */
static void finish(struct ls_nq *q)
{
	struct ls_names *ns = q->ns;
	int i;

	for (i = 0; i < LS_NAME_NSRC; i++)
		if (ns->inst[i] != NULL)
			ns->src[i]->forget(ns->inst[i], q);
	list_del(ns, q);
	if (q->waiting) {	/* its budget ran out before the rate let it go */
		struct ls_nq **pp = &ns->wait_head, *prev = NULL;
		while (*pp != q) {
			prev = *pp;
			pp = &(*pp)->wnext;
		}
		*pp = q->wnext;
		if (ns->wait_tail == q)
			ns->wait_tail = prev;
		if (ns->pacer != NULL)
			ls_pacer_giveback(ns->pacer, q->got);
	}
	ns->active--;
	q->cb(q->arg, &q->found);
	ls_facts_free(&q->found);
	free(q);
	arm(ns);
}

static void on_timer(uv_timer_t *t)
{
	struct ls_names *ns = ls_container_of(t, struct ls_names, timer);
	double now = ls_now_ms();
	struct ls_nq *q;
	int i;

	while ((q = ns->head) != NULL && q->deadline <= now + 0.5) {
		for (i = 0; i < LS_NAME_NSRC; i++)
			if ((q->pending & (1u << i)) && ns->inst[i] != NULL && ns->src[i]->expired != NULL)
				ns->src[i]->expired(ns->inst[i], q);
		if (ns->head == q)	/* expired() may have ended it */
			finish(q);
	}
	arm(ns);
}

static void arm(struct ls_names *ns)
{
	double wait;

	if (ns->closing)
		return;
	if (ns->head == NULL) {
		uv_timer_stop(&ns->timer);
		return;
	}
	wait = ns->head->deadline - ls_now_ms();
	uv_timer_start(&ns->timer, on_timer, wait > 0 ? (uint64_t)wait + 1 : 0, 0);
}

/* Puts q first, due now: it ends on the next timer tick (never inside a
 * source's read loop, nor inside ls_names_start). */
static void due_now(struct ls_names *ns, struct ls_nq *q)
{
	q->deadline = ls_now_ms();
	list_del(ns, q);
	q->tnext = ns->head;
	if (ns->head != NULL)
		ns->head->tprev = q;
	else
		ns->tail = q;
	ns->head = q;
	uv_timer_start(&ns->timer, on_timer, 0, 0);
}

/* Sends q's queries, one per source in want (their packets taken). */
static void launch(struct ls_names *ns, struct ls_nq *q, unsigned want)
{
	int i;

	for (i = 0; i < LS_NAME_NSRC; i++)	/* a source that died meanwhile is not asked */
		if ((want & (1u << i)) && !ns->dead[i])
			q->pending |= 1u << i;
	q->sent_ms = ls_now_ms();
	for (i = 0; i < LS_NAME_NSRC; i++) {	/* a source may answer (or die) at once */
		if (!(q->pending & (1u << i)))
			continue;
		ns->asked[i]++;
		if (ns->src[i]->start(ns->inst[i], q) != 0)
			q->pending &= ~(1u << i);
	}
	if (q->pending == 0)
		due_now(ns, q);		/* nothing to wait for */
	else if (ns->head == q)
		arm(ns);
}

/* Lets waiting lookups go, in order, as the rate allows. */
static void on_pace(uv_timer_t *t)
{
	struct ls_names *ns = ls_container_of(t, struct ls_names, pace_timer);
	struct ls_nq *q;
	unsigned got;

	while ((q = ns->wait_head) != NULL) {	/* a packet at a time: the bucket may be small */
		got = ls_pacer_take(ns->pacer, q->need - q->got, true, ls_now_ms());
		q->got += got;
		if (q->got < q->need)
			break;
		ns->wait_head = q->wnext;
		if (ns->wait_head == NULL)
			ns->wait_tail = NULL;
		q->waiting = false;
		launch(ns, q, q->want);
	}
	if (ns->wait_head == NULL)
		uv_timer_stop(t);
}

struct ls_nq *ls_names_start(struct ls_names *ns, const struct ls_addr *addr, const struct ls_path *path,
			     ls_names_cb cb, void *arg)
{
	struct ls_nq *q = calloc(1, sizeof(*q));
	unsigned got;
	int i;

	if (q == NULL)
		return NULL;
	q->ns = ns;
	q->addr = *addr;
	q->path = *path;
	q->cb = cb;
	q->arg = arg;
	q->deadline = ls_now_ms() + ns->budget_ms;
	q->tprev = ns->tail;
	if (ns->tail != NULL)
		ns->tail->tnext = q;
	else
		ns->head = q;
	ns->tail = q;
	ns->active++;
	for (i = 0; i < LS_NAME_NSRC; i++)
		if (!ns->dead[i] && ns->inst[i] != NULL && ns->src[i]->applies(ns->inst[i], q)) {
			q->want |= 1u << i;
			q->need += ns->src[i]->packets;
		}
	if (q->want == 0) {
		due_now(ns, q);		/* nothing to ask */
		return q;
	}
	if (ns->pacer != NULL && q->need > 0) {
		got = ns->wait_head == NULL ? ls_pacer_take(ns->pacer, q->need, false, ls_now_ms()) : 0;
		if (got < q->need) {	/* wait for the rate, in order, within the budget */
			q->got = got;
			q->waiting = true;
			if (ns->wait_tail != NULL)
				ns->wait_tail->wnext = q;
			else
				ns->wait_head = q;
			ns->wait_tail = q;
			if (!uv_is_active((uv_handle_t *)&ns->pace_timer))
				uv_timer_start(&ns->pace_timer, on_pace, 1, 1);
			if (ns->head == q)
				arm(ns);
			return q;
		}
	}
	launch(ns, q, q->want);
	return q;
}

void ls_names_cancel(struct ls_nq *q)
{
	finish(q);
}

static void done_src(struct ls_nq *q, enum ls_name_src src)
{
	struct ls_names *ns = q->ns;

	q->pending &= ~(1u << src);
	if (ns->inst[src] != NULL)
		ns->src[src]->forget(ns->inst[src], q);
	if (q->pending == 0)
		due_now(ns, q);
}

void ls_nq_answer(struct ls_nq *q, enum ls_name_src src, const char *name, const char *group)
{
	const char *sname = src_names[src];
	char *norm;

	if (!(q->pending & (1u << src)))
		return;
	if (name != NULL && name[0] != '\0' && ls_facts_get(&q->found, sname, LS_KEY_NAME) == NULL &&
	    (norm = strdup(name)) != NULL) {
		if (src != LS_NAME_NBNS)
			ls_name_normalize(norm);
		if (ls_facts_add(&q->found, sname, LS_KEY_NAME, norm) == 0)
			q->ns->named[src]++;
		free(norm);
	}
	if (src == LS_NAME_NBNS && group != NULL && ls_facts_get(&q->found, sname, LS_KEY_WORKGROUP) == NULL)
		(void)ls_facts_add(&q->found, sname, LS_KEY_WORKGROUP, group);
	done_src(q, src);
}

void ls_nq_fact(struct ls_nq *q, enum ls_name_src src, const char *key, const char *value)
{
	if (q->pending & (1u << src))
		(void)ls_facts_add(&q->found, src_names[src], key, value);
}

void ls_nq_nothing(struct ls_nq *q, enum ls_name_src src)
{
	if (q->pending & (1u << src))
		done_src(q, src);
}

void ls_names_giveup(struct ls_names *ns, enum ls_name_src src)
{
	struct ls_nq *q, *next;

	if (!ns->gave_up[src] && ns->gave_up_cb != NULL)
		ns->gave_up_cb(ns, src);
	ns->gave_up[src] = true;
	for (q = ns->head; q != NULL; q = next) {
		next = q->tnext;
		ls_nq_nothing(q, src);
	}
}

void ls_names_kill(struct ls_names *ns, enum ls_name_src src)
{
	struct ls_nq *q, *next;

	ns->dead[src] = true;
	for (q = ns->head; q != NULL; q = next) {
		next = q->tnext;
		ls_nq_nothing(q, src);
	}
}

static void on_timer_closed(uv_handle_t *h)
{
	(void)h;
}

void ls_names_close(struct ls_names *ns)
{
	int i;

	if (ns->closing || ns->loop == NULL)
		return;
	while (ns->head != NULL)
		finish(ns->head);
	ns->closing = true;
	uv_timer_stop(&ns->timer);
	uv_close((uv_handle_t *)&ns->timer, on_timer_closed);
	uv_timer_stop(&ns->pace_timer);
	uv_close((uv_handle_t *)&ns->pace_timer, on_timer_closed);
	for (i = 0; i < LS_NAME_NSRC; i++)
		if (ns->inst[i] != NULL)
			ns->src[i]->close(ns->inst[i]);
}

void ls_names_describe(const struct ls_names *ns, char *buf, size_t len)
{
	size_t used = 0;
	int i, w;

	buf[0] = '\0';
	for (i = 0; i < LS_NAME_NSRC && used < len; i++) {
		w = snprintf(buf + used, len - used, "%s%s %llu/%llu%s", i ? ", " : "", src_names[i],
			     (unsigned long long)ns->named[i], (unsigned long long)ns->asked[i],
			     ns->inst[i] == NULL ? " (not available)" :
			     ns->dead[i] || ns->gave_up[i] ? " (gave up)" : "");
		used += w > 0 ? (size_t)w : 0;
	}
	if (used < len)
		snprintf(buf + used, len - used, "; %llu replies dropped (duplicate, late or not ours)%s%s",
			 (unsigned long long)ns->dropped, ns->why[0] ? "; " : "", ns->why);
}

/* --- query ids ------------------------------------------------------------ */

void ls_nq_table_init(struct ls_nq_table *t, enum ls_name_src src)
{
	memset(t, 0, sizeof(*t));
	t->src = src;
	t->rpos = sizeof(t->rbuf);	/* filled on first use */
	if (getrandom(&t->rng, sizeof(t->rng), 0) != (ssize_t)sizeof(t->rng))
		t->rng = (uint64_t)(ls_now_ms() * 1000.0);
	t->rng |= 1;
}

static uint16_t next_id(struct ls_nq_table *t)
{
	if (t->rpos + 2 > sizeof(t->rbuf)) {
		if (getrandom(t->rbuf, sizeof(t->rbuf), GRND_NONBLOCK) != (ssize_t)sizeof(t->rbuf)) {
			t->rng ^= t->rng << 13;	/* xorshift64: never expected */
			t->rng ^= t->rng >> 7;
			t->rng ^= t->rng << 17;
			return (uint16_t)(t->rng >> 24);
		}
		t->rpos = 0;
	}
	t->rpos += 2;
	return (uint16_t)(t->rbuf[t->rpos - 2] << 8 | t->rbuf[t->rpos - 1]);
}

void ls_nq_table_add(struct ls_nq_table *t, struct ls_nq *q)
{
	uint16_t id;
	int tries = 0;

	do
		id = next_id(t);
	while (ls_nq_table_find(t, id, NULL) != NULL && ++tries < 64);
	q->id[t->src] = id;
	q->link[t->src] = t->b[id % LS_NQ_BUCKETS];
	t->b[id % LS_NQ_BUCKETS] = q;
}

struct ls_nq *ls_nq_table_find(const struct ls_nq_table *t, uint16_t id, const struct ls_nq *after)
{
	struct ls_nq *q = after != NULL ? after->link[t->src] : t->b[id % LS_NQ_BUCKETS];

	while (q != NULL && q->id[t->src] != id)
		q = q->link[t->src];
	return q;
}

void ls_nq_table_del(struct ls_nq_table *t, struct ls_nq *q)
{
	struct ls_nq **pp = &t->b[q->id[t->src] % LS_NQ_BUCKETS];

	while (*pp != NULL && *pp != q)
		pp = &(*pp)->link[t->src];
	if (*pp == q)
		*pp = q->link[t->src];
	q->link[t->src] = NULL;
}

void ls_nq_table_unreach(struct ls_nq_table *t, const struct ls_addr *dst, int qid)
{
	struct ls_nq *q;

	if (qid < 0)
		return;	/* nothing says which query: a forged or truncated error */
	for (q = ls_nq_table_find(t, (uint16_t)qid, NULL); q != NULL; q = ls_nq_table_find(t, (uint16_t)qid, q))
		if (ls_addr_cmp(&q->addr, dst) == 0) {
			ls_nq_nothing(q, t->src);
			return;
		}
}

/* --- UDP ------------------------------------------------------------------ */

int ls_names_socks_open(struct ls_names_socks *s, struct ls_names *ns, int fi, bool to_targets, uv_poll_cb cb)
{
	if ((s->fd[fi] = ls_names_udp(ns, fi ? AF_INET6 : AF_INET, to_targets)) < 0) {
		int rc = s->fd[fi];
		s->fd[fi] = -1;
		return rc;
	}
	uv_poll_init_socket(ns->loop, &s->poll[fi], s->fd[fi]);
	s->poll[fi].data = s;
	uv_poll_start(&s->poll[fi], UV_READABLE, cb);
	s->polling[fi] = true;
	return 0;
}

static void socks_closed(uv_handle_t *h)
{
	struct ls_names_socks *s = h->data;

	if (--s->closing == 0)
		s->freed(s);
}

void ls_names_socks_close(struct ls_names_socks *s)
{
	int fi;

	for (fi = 0; fi < 2; fi++)
		s->closing += s->polling[fi];
	if (s->closing == 0) {
		s->freed(s);
		return;
	}
	for (fi = 0; fi < 2; fi++)
		if (s->polling[fi]) {
			s->polling[fi] = false;
			uv_poll_stop(&s->poll[fi]);
			uv_close((uv_handle_t *)&s->poll[fi], socks_closed);
			close(s->fd[fi]);
		}
}

int ls_names_udp(const struct ls_names *ns, int family, bool to_targets)
{
	int fd, on = 1, rc, size = 1 << 20;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));	/* room for a burst of answers */
	if (family == AF_INET)
		setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
	else
		setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on));
	if (to_targets && ns->plan != NULL && (rc = ls_probe_bind(fd, family, &ns->plan->cfg)) != 0) {
		close(fd);
		return rc;
	}
	return fd;
}

void ls_names_drain(struct ls_names *ns, uv_poll_t *h, int status, uv_poll_cb self, uint8_t *buf, size_t size,
		    const struct ls_names_rx *rx, void *arg)
{
	struct ls_names_socks *ks = h->data;
	int fd = ks->fd[h == &ks->poll[1]], qid, k;
	struct sockaddr_storage ss;
	struct ls_addr src;
	socklen_t sl;
	uint16_t port;
	bool unreach;
	ssize_t n;

	if (status < 0)	/* libuv stopped the handle on POLLERR: watch again */
		uv_poll_start(h, UV_READABLE, self);
	for (k = 0; k < LS_NAMES_READ_MAX && ls_names_errqueue(fd, &src, &port, &unreach, &qid) == 1; k++)
		rx->error(arg, &src, port, unreach, qid);
	for (k = 0; k < LS_NAMES_READ_MAX; k++) {	/* the rest on the next turn of the loop */
		sl = sizeof(ss);
		n = recvfrom(fd, buf, size, 0, (struct sockaddr *)&ss, &sl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;	/* a pending ICMP error: read from the queue above */
		}
		if (n < 12 || ls_addr_from_sockaddr((struct sockaddr *)&ss, &src) != 0) {
			ns->dropped++;
			continue;
		}
		port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
				((struct sockaddr_in6 *)&ss)->sin6_port);
		rx->packet(arg, buf, (size_t)n, &src, port);
	}
}

int ls_names_sendto(int fd, const void *buf, size_t len, const struct sockaddr_storage *to, unsigned tolen)
{
	int tries;

	for (tries = 0; tries < 4; tries++) {
		if (sendto(fd, buf, len, 0, (const struct sockaddr *)to, tolen) == (ssize_t)len)
			return 0;
		if (errno != ECONNREFUSED && errno != EHOSTUNREACH && errno != ENETUNREACH &&
		    errno != EHOSTDOWN && errno != ENOPROTOOPT && errno != EPROTO)
			break;
	}
	return -errno;
}

int ls_names_errqueue(int fd, struct ls_addr *dst, uint16_t *port, bool *port_unreach, int *qid)
{
	_Alignas(struct cmsghdr) uint8_t ctl[256];
	struct sockaddr_storage ss;
	struct msghdr h;
	struct cmsghdr *c;
	uint8_t buf[64];
	struct iovec iov = { buf, sizeof(buf) };

	memset(&h, 0, sizeof(h));
	h.msg_name = &ss;
	h.msg_namelen = sizeof(ss);
	h.msg_iov = &iov;
	h.msg_iovlen = 1;
	h.msg_control = ctl;
	h.msg_controllen = sizeof(ctl);
	ssize_t n = recvmsg(fd, &h, MSG_ERRQUEUE | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	*port_unreach = false;
	*qid = n >= 2 ? buf[0] << 8 | buf[1] : -1;	/* the id our quoted query carried */
	if (ls_addr_from_sockaddr((struct sockaddr *)&ss, dst) != 0)
		return 1;	/* not for an address: ignored by the caller's lookup */
	*port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
			((struct sockaddr_in6 *)&ss)->sin6_port);
	for (c = CMSG_FIRSTHDR(&h); c != NULL; c = CMSG_NXTHDR(&h, c)) {
		const struct sock_extended_err *e = (const void *)CMSG_DATA(c);
		if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		      (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)))
			continue;
		if ((e->ee_origin == SO_EE_ORIGIN_ICMP && e->ee_type == 3 && e->ee_code == 3) ||
		    (e->ee_origin == SO_EE_ORIGIN_ICMP6 && e->ee_type == 1 && e->ee_code == 4) ||
		    e->ee_errno == ECONNREFUSED)
			*port_unreach = true;
	}
	return 1;
}
