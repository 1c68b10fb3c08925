/* ident_ssdp.c -- the SSDP/UPnP evidence source: M-SEARCH (multicast once per link, unicast per host), then the host's own description.
 *
 * The first lookup on a link sends one multicast M-SEARCH (ssdp:all, MX 1)
 * out of that link's interface (IP_MULTICAST_IF / IPV6_MULTICAST_IF, to
 * 239.255.255.250 or ff02::c); every lookup sends one unicast M-SEARCH to
 * its host's port 1900 (minidlna answers only multicast ones, miniupnpd
 * both).  Answers are matched to hosts by their source address: an answer
 * from a host with no lookup yet is kept (at most CACHE_MAX, for this
 * sweep) for when its lookup starts.  The first LOCATION of a host whose
 * URL names the host's own address (a literal address; a name is never
 * looked up) is fetched with the rest of the budget and at most body_max
 * bytes (fetch.c); a LOCATION naming any other address is refused and
 * counted, so a device cannot make lanscan connect elsewhere.  The lookup
 * ends when the description is read (or failed), or with the budget.
 */
#include "lanscan/ident.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/fetch.h"
#include "lanscan/names.h"
#include "lanscan/ssdp.h"
#include "lanscan/upnp.h"
#include "lanscan/util.h"
#include "ident_udp.h"

#define LINKS_MAX	64
#define CACHE_MAX	256

struct link {
	int ifindex, family;
};

struct cached {
	struct ls_addr addr;
	struct ls_ssdp_reply r;
};

struct ssdp;

struct ls_iq {
	struct ssdp *m;
	struct ls_iq *prev, *next;
	struct ls_addr addr;
	struct ls_path path;
	ls_ident_cb cb;
	void *arg;
	uv_timer_t timer;
	double deadline;
	bool done, fetching, fetched;
	struct ls_fetch *fetch;
	struct ls_facts facts;
};

struct ssdp {
	uv_loop_t *loop;
	struct ls_ident_opts o;
	struct ls_ident_udp udp;
	struct ls_iq *head;
	struct ls_ident_stats st;
	bool closing;
	unsigned live;
	struct link links[LINKS_MAX];
	size_t nlinks;
	struct cached *cache;
	size_t ncache;
};

static void maybe_free(struct ssdp *m)
{
	if (m->closing && m->live == 0 && m->udp.closing == 0 && !m->udp.polling[0] && !m->udp.polling[1]) {
		free(m->cache);
		free(m);
	}
}

static void timer_closed(uv_handle_t *h)
{
	struct ls_iq *q = h->data;
	struct ssdp *m = q->m;

	ls_facts_free(&q->facts);
	free(q);
	m->live--;
	maybe_free(m);
}

static void finish(struct ls_iq *q, bool call)
{
	struct ssdp *m = q->m;

	if (q->done)
		return;
	q->done = true;
	if (q->fetching) {	/* the budget ran out first: a slow server */
		q->fetching = false;
		ls_fetch_cancel(q->fetch);
		m->st.fetch_failed++;
	}
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

static void on_fetched(void *arg, int status, const struct ls_http *h)
{
	struct ls_iq *q = arg;
	struct ls_upnp_desc d;
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "deviceType", offsetof(struct ls_upnp_desc, device_type) },
		{ "friendlyName", offsetof(struct ls_upnp_desc, friendly_name) },
		{ "manufacturer", offsetof(struct ls_upnp_desc, manufacturer) },
		{ "modelName", offsetof(struct ls_upnp_desc, model_name) },
		{ "modelNumber", offsetof(struct ls_upnp_desc, model_number) },
	};
	size_t i;

	q->fetching = false;
	q->fetched = true;
	if (status == 0 && h->status == 200 && ls_upnp_parse(h->body, h->body_len, &d) == 0) {
		for (i = 0; i < LS_ARRAY_SIZE(fields); i++) {
			const char *v = (const char *)&d + fields[i].off;
			if (v[0] != '\0')
				(void)ls_facts_add(&q->facts, "upnp", fields[i].key, v);
		}
	} else {
		q->m->st.fetch_failed++;
	}
	finish(q, true);
}

/* What an answer from q's host says: SERVER, and the description at LOCATION. */
static void take(struct ls_iq *q, const struct ls_ssdp_reply *r)
{
	struct ssdp *m = q->m;
	struct ls_fetch_req req;
	char path[LS_URL_PATH_MAX];
	uint8_t a[16];
	uint16_t port;
	int fam;
	double left;

	if (r->server[0] != '\0')
		(void)ls_facts_add(&q->facts, "ssdp", "server", r->server);
	if (q->fetching || q->fetched || r->location[0] == '\0')
		return;
	if (ls_url_parse(r->location, &fam, a, &port, path) != 0)
		return;
	if (fam != q->addr.family || memcmp(a, q->addr.b, fam == AF_INET ? 4 : 16) != 0) {
		m->st.refused++;	/* never anywhere but the host that answered */
		return;
	}
	left = q->deadline - ls_now_ms();
	if (left < 1)
		return;
	memset(&req, 0, sizeof(req));
	ls_addr_to_sockaddr(&q->addr, &req.to);
	((struct sockaddr_in *)&req.to)->sin_port = htons(port);	/* the same offset in sockaddr_in6 */
	if (fam == AF_INET6 && ((struct sockaddr_in6 *)&req.to)->sin6_scope_id == 0)
		((struct sockaddr_in6 *)&req.to)->sin6_scope_id = (uint32_t)q->path.ifindex;
	req.path = path;
	req.timeout_ms = (int)left;
	req.body_max = m->o.body_max;
	req.bind = m->o.bind;
	if (ls_fetch_start(&q->fetch, m->loop, &req, on_fetched, q) == 0) {
		q->fetching = true;
		m->st.sent++;
	} else {
		m->st.fetch_failed++;
	}
}

static void on_packet(struct ls_ident_udp *u, const uint8_t *buf, size_t n, const struct ls_addr *from, uint16_t port)
{
	struct ssdp *m = ls_container_of(u, struct ssdp, udp);
	struct ls_ssdp_reply r;
	struct ls_iq *q;
	size_t i;

	(void)port;	/* responders answer from 1900 or from any port */
	if (ls_ssdp_parse(buf, n, &r) != 0) {
		m->st.dropped++;
		return;
	}
	for (q = m->head; q != NULL; q = q->next)
		if (ls_addr_cmp(&q->addr, from) == 0) {
			take(q, &r);
			return;
		}
	/* No lookup for that host (yet): kept for the sweep, one answer a host
	 * (the first with a LOCATION). */
	for (i = 0; i < m->ncache; i++)
		if (ls_addr_cmp(&m->cache[i].addr, from) == 0) {
			if (m->cache[i].r.location[0] == '\0' && r.location[0] != '\0')
				m->cache[i].r = r;
			return;
		}
	if (m->ncache < CACHE_MAX) {
		m->cache[m->ncache].addr = *from;
		m->cache[m->ncache].r = r;
		m->ncache++;
	} else {
		m->st.dropped++;
	}
}

static int msearch(struct ssdp *m, int family, const struct sockaddr_storage *to, socklen_t tolen, const char *host)
{
	char buf[256];
	int len = ls_ssdp_msearch(buf, sizeof(buf), host, 1);

	if (len < 0)
		return len;
	m->st.sent++;
	return ls_names_sendto(m->udp.fd[family == AF_INET6], buf, (size_t)len, to, tolen);
}

/* The link's one multicast M-SEARCH, out of its interface. */
static void search_link(struct ssdp *m, const struct ls_path *path, int family)
{
	struct sockaddr_storage ss;
	int fd = m->udp.fd[family == AF_INET6];
	size_t i;

	for (i = 0; i < m->nlinks; i++)
		if (m->links[i].ifindex == path->ifindex && m->links[i].family == family)
			return;
	if (m->nlinks >= LINKS_MAX)
		return;
	m->links[m->nlinks++] = (struct link){ path->ifindex, family };
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct ip_mreqn mr;
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		unsigned char ttl = 2, loop = 0;
		memset(&mr, 0, sizeof(mr));
		mr.imr_ifindex = path->ifindex;
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
		s4->sin_family = AF_INET;
		s4->sin_port = htons(LS_SSDP_PORT);
		inet_pton(AF_INET, LS_SSDP_GROUP4, &s4->sin_addr);
		(void)msearch(m, family, &ss, sizeof(*s4), LS_SSDP_GROUP4 ":1900");
	} else {
		unsigned idx = (unsigned)path->ifindex;
		int hops = 2, off = 0;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(LS_SSDP_PORT);
		s6->sin6_scope_id = idx;
		inet_pton(AF_INET6, LS_SSDP_GROUP6, &s6->sin6_addr);
		(void)msearch(m, family, &ss, sizeof(*s6), "[" LS_SSDP_GROUP6 "]:1900");
	}
}

static void on_timer(uv_timer_t *t)
{
	finish(t->data, true);
}

static struct ls_iq *ssdp_start(struct ls_isrc *s, const struct ls_addr *addr, const struct ls_path *path,
				ls_ident_cb cb, void *arg)
{
	struct ssdp *m = (struct ssdp *)s;
	struct sockaddr_storage ss;
	char host[LS_ADDRSTRLEN + 16], a[LS_ADDRSTRLEN];
	socklen_t sl;
	struct ls_iq *q;
	size_t i;
	int fi = addr->family == AF_INET6;

	if (m->closing || !m->udp.polling[fi])
		return NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->m = m;
	q->addr = *addr;
	q->path = *path;
	q->cb = cb;
	q->arg = arg;
	if (path->kind == LS_ROUTE_ONLINK && path->ifindex > 0)
		search_link(m, path, addr->family);
	sl = ls_addr_to_sockaddr(addr, &ss);
	((struct sockaddr_in *)&ss)->sin_port = htons(LS_SSDP_PORT);
	if (fi && ((struct sockaddr_in6 *)&ss)->sin6_scope_id == 0)
		((struct sockaddr_in6 *)&ss)->sin6_scope_id = (uint32_t)path->ifindex;
	ls_addr_format(addr, a, sizeof(a));
	snprintf(host, sizeof(host), fi ? "[%s]:1900" : "%s:1900", a);
	(void)msearch(m, addr->family, &ss, sl, host);
	uv_timer_init(m->loop, &q->timer);
	q->timer.data = q;
	q->deadline = ls_now_ms() + m->o.budget_ms;
	uv_timer_start(&q->timer, on_timer, (uint64_t)m->o.budget_ms, 0);
	q->next = m->head;
	if (m->head != NULL)
		m->head->prev = q;
	m->head = q;
	m->live++;
	m->st.started++;
	for (i = 0; i < m->ncache; i++)	/* what the link's M-SEARCH already heard from it */
		if (ls_addr_cmp(&m->cache[i].addr, addr) == 0)
			take(q, &m->cache[i].r);
	return q;
}

static void ssdp_cancel(struct ls_iq *q)
{
	finish(q, false);
}

static void ssdp_expire(struct ls_iq *q)
{
	finish(q, true);
}

static void udp_freed(struct ls_ident_udp *u)
{
	maybe_free(ls_container_of(u, struct ssdp, udp));
}

static int ssdp_open(struct ls_isrc **out, uv_loop_t *loop, const struct ls_ident_opts *o, char *err, size_t errlen)
{
	struct ssdp *m = calloc(1, sizeof(*m));
	int rc;

	if (m == NULL || (m->cache = calloc(CACHE_MAX, sizeof(*m->cache))) == NULL) {
		free(m);
		return -ENOMEM;
	}
	m->loop = loop;
	m->o = *o;
	if (m->o.budget_ms <= 0)
		m->o.budget_ms = 1000;
	if (m->o.body_max == 0)
		m->o.body_max = LS_UPNP_DOC_MAX;
	m->udp.packet = on_packet;
	m->udp.freed = udp_freed;
	if ((rc = ls_ident_udp_open_all(&m->udp, loop, o->bind, err, errlen)) != 0) {
		free(m->cache);
		free(m);
		return rc;
	}
	*out = (struct ls_isrc *)m;
	return 0;
}

static void ssdp_close(struct ls_isrc *s)
{
	struct ssdp *m = (struct ssdp *)s;

	while (m->head != NULL)
		finish(m->head, false);
	m->closing = true;
	ls_ident_udp_close(&m->udp);
}

static const struct ls_ident_stats *ssdp_stats(const struct ls_isrc *s)
{
	return &((const struct ssdp *)s)->st;
}

const struct ls_ident_source ls_ident_ssdp = {
	.name = "ssdp",
	.packets = 2,
	.max_packets = 3,
	.open = ssdp_open,
	.start = ssdp_start,
	.cancel = ssdp_cancel,
	.expire = ssdp_expire,
	.close = ssdp_close,
	.stats = ssdp_stats,
};
