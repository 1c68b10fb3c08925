/* ident_dnssd.c -- the DNS-SD evidence source: a host's service types, then their instances' TXT, by mDNS unicast to host:5353.
 *
 * Three rounds, each query a fresh random id: PTR _services._dns-sd._udp.local
 * (the types the host offers), PTR for each type (its instances; avahi puts
 * their TXT, SRV and addresses in the same answer), TXT for an instance whose
 * TXT did not come with it (avahi leaves records out past 512 bytes).  Queries
 * go from an ephemeral port to the host's 5353, so responders answer as to a
 * legacy resolver: unicast, our id.  The queries still waiting at
 * fallback_ms go once more: as QU multicast (224.0.0.251 / ff02::fb) out of
 * the host's own interface when the host has not answered at all, else to
 * the host again.  An answer counts
 * only from the host's address and port 5353, with the id of a query of ours
 * still waiting for it; anything else is dropped and counted.  On-link hosts
 * only (mDNS is link-local).  At most TYPES_MAX types and INSTANCES_MAX
 * instances of each are asked about; TXT keys are kept from a fixed list.
 */
#include "lanscan/ident.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lanscan/dnssd.h"
#include "lanscan/names.h"
#include "lanscan/util.h"
#include "ident_udp.h"

#define MDNS_PORT	5353
#define TYPES_MAX	16
#define INSTANCES_MAX	2
#define QUERIES_MAX	(1 + TYPES_MAX + TYPES_MAX * INSTANCES_MAX)

/* TXT keys kept as facts: what the rule table and a person reading the evidence use. */
static const char *const txt_keys[] = {
	"model", "md", "fn", "ty", "product", "usb_mfg", "usb_mdl", "am", "ci", "rpmd", "manufacturer", "mfg", "mdl",
};

enum { Q_SERVICES, Q_TYPE, Q_TXT };

struct dq {
	uint16_t id;
	uint8_t kind;
	bool waiting;
	uint8_t name[LS_DNS_WIRE_MAX];
	size_t namelen;
};

struct dnssd;

struct ls_iq {
	struct dnssd *m;
	struct ls_iq *prev, *next;	/* the source's lookups under way */
	struct ls_addr addr;
	struct ls_path path;
	ls_ident_cb cb;
	void *arg;
	uv_timer_t timer;
	double deadline;
	bool heard, multicast, retried, done;
	struct dq q[QUERIES_MAX];
	size_t nq;
	unsigned waiting;
	size_t ntypes;
	struct ls_facts facts;
};

struct dnssd {
	uv_loop_t *loop;
	struct ls_ident_opts o;
	struct ls_ident_udp udp;
	struct ls_iq *head;
	struct ls_ident_stats st;
	bool closing;
	unsigned live;		/* lookups whose timer is not closed yet */
	uint8_t services[LS_DNS_WIRE_MAX];
	size_t serviceslen;
};

static uint16_t random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id))
		id = (uint16_t)((uint64_t)(ls_now_ms() * 1000.0) * 2654435761u >> 16);
	return id;
}

static void maybe_free(struct dnssd *m)
{
	if (m->closing && m->live == 0 && m->udp.closing == 0 && !m->udp.polling[0] && !m->udp.polling[1])
		free(m);
}

static void timer_closed(uv_handle_t *h)
{
	struct ls_iq *q = h->data;
	struct dnssd *m = q->m;

	ls_facts_free(&q->facts);
	free(q);
	m->live--;
	maybe_free(m);
}

/* Ends q: the callback with its facts (unless cancelled), then its memory. */
static void finish(struct ls_iq *q, bool call)
{
	struct dnssd *m = q->m;

	if (q->done)
		return;
	q->done = true;
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		m->head = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	uv_timer_stop(&q->timer);
	if (q->facts.n > 0)
		m->st.answered++;
	if (call)
		q->cb(q->arg, q->facts.v, q->facts.n);
	uv_close((uv_handle_t *)&q->timer, timer_closed);
}

/* Sends query i to the host (or, multicast, to the group out of its link). */
static int send_query(struct ls_iq *q, struct dq *d, bool multicast)
{
	struct dnssd *m = q->m;
	int fi = q->addr.family == AF_INET6, fd = m->udp.fd[fi];
	struct sockaddr_storage ss;
	uint8_t buf[512];
	socklen_t sl;
	ssize_t len;

	if ((len = ls_dnssd_query(buf, sizeof(buf), d->id, d->name, d->namelen, d->kind == Q_TXT ? LS_DNSSD_TXT :
				  LS_DNSSD_PTR, true)) < 0)
		return (int)len;
	memset(&ss, 0, sizeof(ss));
	if (!multicast) {
		sl = ls_addr_to_sockaddr(&q->addr, &ss);
		((struct sockaddr_in *)&ss)->sin_port = htons(MDNS_PORT);	/* the same offset in sockaddr_in6 */
		if (fi && ((struct sockaddr_in6 *)&ss)->sin6_scope_id == 0)
			((struct sockaddr_in6 *)&ss)->sin6_scope_id = (uint32_t)q->path.ifindex;
	} else if (!fi) {
		struct ip_mreqn mr;
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		unsigned char ttl = 255, loop = 0;
		memset(&mr, 0, sizeof(mr));
		mr.imr_ifindex = q->path.ifindex;
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
		s4->sin_family = AF_INET;
		s4->sin_port = htons(MDNS_PORT);
		inet_pton(AF_INET, "224.0.0.251", &s4->sin_addr);
		sl = sizeof(*s4);
	} else {
		unsigned idx = (unsigned)q->path.ifindex;
		int hops = 255, off = 0;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(MDNS_PORT);
		s6->sin6_scope_id = idx;
		inet_pton(AF_INET6, "ff02::fb", &s6->sin6_addr);
		sl = sizeof(*s6);
	}
	m->st.sent++;
	return ls_names_sendto(fd, buf, (size_t)len, &ss, sl);
}

/* Adds and sends a query for name (wire form); false when none is left. */
static bool ask(struct ls_iq *q, uint8_t kind, const uint8_t *name, size_t namelen)
{
	struct dq *d;
	size_t i;

	for (i = 0; i < q->nq; i++)	/* each name once */
		if (q->q[i].kind == kind && ls_dnssd_name_eq(q->q[i].name, q->q[i].namelen, name, namelen))
			return true;
	if (q->nq >= QUERIES_MAX)
		return false;
	d = &q->q[q->nq];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	memcpy(d->name, name, namelen);
	d->namelen = namelen;
	do
		d->id = random_id();
	while (d->id == 0);
	if (send_query(q, d, false) != 0 && !q->multicast)
		return false;
	if (q->multicast)		/* after the fallback: both ways */
		(void)send_query(q, d, true);
	d->waiting = true;
	q->nq++;
	q->waiting++;
	return true;
}

/* The TXT strings of an instance (wire name inst) as facts "TYPE.key". */
static void txt_facts(struct ls_iq *q, const uint8_t *inst, size_t instlen, const uint8_t *rdata, size_t rdlen)
{
	char type[64], key[LS_DNSSD_KEY_MAX], val[LS_DNSSD_VALUE_MAX], fkey[64 + LS_DNSSD_KEY_MAX + 1];
	size_t off = 0, i, first;

	if (instlen < 2 || (first = 1 + (size_t)inst[0]) >= instlen ||
	    ls_dnssd_service_text(inst + first, instlen - first, type, sizeof(type)) != 1)
		return;
	while (ls_dnssd_txt_next(rdata, rdlen, &off, key, val, sizeof(val)) == 1) {
		for (i = 0; i < LS_ARRAY_SIZE(txt_keys); i++)
			if (strcmp(key, txt_keys[i]) == 0)
				break;
		if (i == LS_ARRAY_SIZE(txt_keys) || val[0] == '\0')
			continue;
		snprintf(fkey, sizeof(fkey), "%s.%s", type, key);
		(void)ls_facts_add(&q->facts, "mdns", fkey, val);
	}
}

struct reply {
	struct ls_iq *q;
	struct dq *d;
	/* instances named in a TYPE answer, and whether their TXT came too */
	uint8_t inst[INSTANCES_MAX][LS_DNS_WIRE_MAX];
	size_t instlen[INSTANCES_MAX];
	bool txt[INSTANCES_MAX];
	size_t ninst;
};

static int on_rr(void *arg, const struct ls_dnssd_rr *rr)
{
	struct reply *r = arg;
	struct ls_iq *q = r->q;
	struct dq *d = r->d;
	char type[64];
	size_t i;

	if (d->kind == Q_SERVICES && rr->type == LS_DNSSD_PTR &&
	    ls_dnssd_name_eq(rr->owner, rr->ownerlen, d->name, d->namelen)) {
		if (q->ntypes < TYPES_MAX && ls_dnssd_service_text(rr->target, rr->targetlen, type, sizeof(type)) == 1) {
			(void)ls_facts_add(&q->facts, "mdns", "service", type);
			if (ask(q, Q_TYPE, rr->target, rr->targetlen))
				q->ntypes++;
		}
	} else if (d->kind == Q_TYPE && rr->type == LS_DNSSD_PTR &&
		   ls_dnssd_name_eq(rr->owner, rr->ownerlen, d->name, d->namelen) &&
		   ls_dnssd_name_under(rr->target, rr->targetlen, d->name, d->namelen) && r->ninst < INSTANCES_MAX) {
		memcpy(r->inst[r->ninst], rr->target, rr->targetlen);
		r->instlen[r->ninst++] = rr->targetlen;
	} else if (rr->type == LS_DNSSD_TXT && d->kind != Q_SERVICES) {
		/* the instance asked about, or one this answer named */
		if (d->kind == Q_TXT && ls_dnssd_name_eq(rr->owner, rr->ownerlen, d->name, d->namelen)) {
			txt_facts(q, rr->owner, rr->ownerlen, rr->rdata, rr->rdlen);
			return 0;
		}
		for (i = 0; i < r->ninst; i++)
			if (ls_dnssd_name_eq(rr->owner, rr->ownerlen, r->inst[i], r->instlen[i]) && !r->txt[i]) {
				r->txt[i] = true;
				txt_facts(q, rr->owner, rr->ownerlen, rr->rdata, rr->rdlen);
			}
	}
	return 0;
}

static void on_packet(struct ls_ident_udp *u, const uint8_t *buf, size_t n, const struct ls_addr *from, uint16_t port)
{
	struct dnssd *m = ls_container_of(u, struct dnssd, udp);
	uint16_t id = (uint16_t)(buf[0] << 8 | buf[1]);
	struct reply r;
	struct ls_iq *q;
	size_t i;

	if (port != MDNS_PORT) {
		m->st.dropped++;
		return;
	}
	for (q = m->head; q != NULL; q = q->next) {
		if (ls_addr_cmp(&q->addr, from) != 0)
			continue;	/* only the host itself speaks for itself */
		for (i = 0; i < q->nq; i++)
			if (q->q[i].waiting && q->q[i].id == id)
				break;
		if (i == q->nq)
			continue;
		memset(&r, 0, sizeof(r));
		r.q = q;
		r.d = &q->q[i];
		if (ls_dnssd_reply(buf, n, id, on_rr, &r) < 0)
			break;	/* not an answer: the query still waits */
		q->heard = true;
		q->q[i].waiting = false;
		q->waiting--;
		for (i = 0; i < r.ninst; i++)	/* instances whose TXT did not come along */
			if (!r.txt[i])
				(void)ask(q, Q_TXT, r.inst[i], r.instlen[i]);
		if (q->waiting == 0)
			finish(q, true);
		return;
	}
	m->st.dropped++;
}

static void on_timer(uv_timer_t *t)
{
	struct ls_iq *q = t->data;
	double left = q->deadline - ls_now_ms();
	size_t i;

	if (left > 1 && !q->retried) {
		/* Queries still waiting at the fallback time are asked once more:
		 * never heard from, as QU multicast out of the host's link (it
		 * may answer only the group); heard from, to the host again (a
		 * later round's answer lost, or a responder slow to its first). */
		q->retried = true;
		q->multicast = !q->heard;
		for (i = 0; i < q->nq; i++)
			if (q->q[i].waiting)
				(void)send_query(q, &q->q[i], q->multicast);
		uv_timer_start(&q->timer, on_timer, (uint64_t)left, 0);
		return;
	}
	finish(q, true);
}

static struct ls_iq *dnssd_start(struct ls_isrc *s, const struct ls_addr *addr, const struct ls_path *path,
				 ls_ident_cb cb, void *arg)
{
	struct dnssd *m = (struct dnssd *)s;
	struct ls_iq *q;
	int fb;

	if (m->closing || path->kind != LS_ROUTE_ONLINK || path->ifindex <= 0 ||
	    !m->udp.polling[addr->family == AF_INET6])
		return NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->m = m;
	q->addr = *addr;
	q->path = *path;
	q->cb = cb;
	q->arg = arg;
	if (!ask(q, Q_SERVICES, m->services, m->serviceslen)) {
		free(q);
		return NULL;
	}
	uv_timer_init(m->loop, &q->timer);
	q->timer.data = q;
	q->deadline = ls_now_ms() + m->o.budget_ms;
	fb = m->o.fallback_ms > 0 ? m->o.fallback_ms : m->o.budget_ms / 3;
	uv_timer_start(&q->timer, on_timer, (uint64_t)(fb < m->o.budget_ms ? fb : m->o.budget_ms), 0);
	q->next = m->head;
	if (m->head != NULL)
		m->head->prev = q;
	m->head = q;
	m->live++;
	m->st.started++;
	return q;
}

static void dnssd_cancel(struct ls_iq *q)
{
	finish(q, false);
}

static void dnssd_expire(struct ls_iq *q)
{
	finish(q, true);
}

static void udp_freed(struct ls_ident_udp *u)
{
	maybe_free(ls_container_of(u, struct dnssd, udp));
}

static int dnssd_open(struct ls_isrc **out, uv_loop_t *loop, const struct ls_ident_opts *o, char *err, size_t errlen)
{
	struct dnssd *m = calloc(1, sizeof(*m));
	int rc, wl;

	if (m == NULL)
		return -ENOMEM;
	m->loop = loop;
	m->o = *o;
	if (m->o.budget_ms <= 0)
		m->o.budget_ms = 1000;
	m->udp.packet = on_packet;
	m->udp.freed = udp_freed;
	wl = ls_dns_name_encode(LS_DNSSD_SERVICES, m->services);
	m->serviceslen = (size_t)wl;
	if ((rc = ls_ident_udp_open_all(&m->udp, loop, o->bind, err, errlen)) != 0) {
		free(m);
		return rc;
	}
	*out = (struct ls_isrc *)m;
	return 0;
}

static void dnssd_close(struct ls_isrc *s)
{
	struct dnssd *m = (struct dnssd *)s;

	while (m->head != NULL)
		finish(m->head, false);
	m->closing = true;
	ls_ident_udp_close(&m->udp);
}

static const struct ls_ident_stats *dnssd_stats(const struct ls_isrc *s)
{
	return &((const struct dnssd *)s)->st;
}

const struct ls_ident_source ls_ident_dnssd = {
	.name = "dnssd",
	.packets = 1,
	.max_packets = 2 * QUERIES_MAX,
	.open = dnssd_open,
	.start = dnssd_start,
	.cancel = dnssd_cancel,
	.expire = dnssd_expire,
	.close = dnssd_close,
	.stats = dnssd_stats,
};
