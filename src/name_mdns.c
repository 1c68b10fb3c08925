/* name_mdns.c -- the mDNS name source: a reverse PTR query (QU) to 224.0.0.251/ff02::fb and to the host's port 5353.
 *
 * On-link hosts only.  The multicast query leaves by the host's own
 * interface (IP_MULTICAST_IF/IPV6_MULTICAST_IF, never the routing table),
 * hop limit 255, not looped back; the unicast-response bit asks responders
 * to answer us directly, and as the query comes from a port other than 5353
 * they answer as to a legacy resolver: to our port, with our id and the
 * question.  A reply counts only from an on-link address (or this machine's
 * own), with our id and the question asked.  An ICMP port unreachable for
 * the host's port 5353 means nothing answers mDNS there: done at once.
 */
#include "lanscan/names.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/dnswire.h"
#include "lanscan/plan.h"
#include "lanscan/util.h"

#define MDNS_PORT 5353

struct mdnss {
	struct ls_names *ns;
	struct ls_nq_table t;
	struct ls_names_socks socks;	/* IPv4, IPv6 */
};

/* An answer may come from the host or any other on-link responder, on the
 * query's link, or from this machine itself. */
static bool onlink_source(const struct mdnss *m, const struct ls_addr *src, const struct ls_nq *q)
{
	struct ls_path p;

	if (ls_addr_cmp(src, &q->addr) == 0)
		return true;
	ls_plan_path(m->ns->plan, src, &p);
	return p.kind == LS_ROUTE_ONLINK && p.ifindex == q->path.ifindex;
}

/* A port unreachable for the host's 5353: nothing answers mDNS there. */
static void on_error(void *arg, const struct ls_addr *dst, uint16_t port, bool port_unreach, int qid)
{
	struct mdnss *m = arg;

	if (port_unreach && port == MDNS_PORT)
		ls_nq_table_unreach(&m->t, dst, qid);
}

static void on_packet(void *arg, const uint8_t *buf, size_t n, const struct ls_addr *from, uint16_t port)
{
	struct mdnss *m = arg;
	char qname[LS_DNS_QNAME_MAX], name[LS_DNS_TEXT_MAX];
	struct ls_nq *q;
	uint16_t id;
	bool taken = false;
	int rc;

	if (port != MDNS_PORT) {	/* RFC 6762 section 6: responses come from 5353 */
		m->ns->dropped++;
		return;
	}
	id = (uint16_t)(buf[0] << 8 | buf[1]);
	for (q = ls_nq_table_find(&m->t, id, NULL); q != NULL && !taken; q = ls_nq_table_find(&m->t, id, q)) {
		if (!onlink_source(m, from, q) || ls_dns_ptr_qname(q->addr.family, q->addr.b, qname, sizeof(qname)) < 0)
			continue;
		rc = ls_dns_ptr_answer(buf, n, id, qname, name, sizeof(name));
		if (rc == 1 && ls_addr_cmp(from, &q->addr) == 0) {
			/* the host's own answer: over a third party's */
			ls_facts_del(&q->found, LS_SRC_MDNS, LS_KEY_NAME);
			ls_nq_answer(q, LS_NAME_MDNS, name, NULL);
			taken = true;
		} else if (rc == 1 && ls_facts_get(&q->found, LS_SRC_MDNS, LS_KEY_NAME) == NULL) {
			/* another responder's: kept unless the host answers within the budget */
			ls_name_normalize(name);
			(void)ls_facts_add(&q->found, LS_SRC_MDNS, LS_KEY_NAME, name);
			taken = true;
		}
	}
	if (!taken)
		m->ns->dropped++;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	static const struct ls_names_rx rx = { on_error, on_packet };
	struct mdnss *m = ls_container_of((struct ls_names_socks *)h->data, struct mdnss, socks);
	uint8_t buf[9000];

	(void)events;
	ls_names_drain(m->ns, h, status, on_readable, buf, sizeof(buf), &rx, m);
}

static void mdns_freed(struct ls_names_socks *k)
{
	free(ls_container_of(k, struct mdnss, socks));
}

static int mdns_open(struct ls_nsrc **out, struct ls_names *ns, char *err, size_t errlen)
{
	struct mdnss *m = calloc(1, sizeof(*m));
	int fi, hops = 255, off = 0;
	unsigned char ttl = 255, loop = 0;

	if (m == NULL)
		return -ENOMEM;
	m->ns = ns;
	ls_nq_table_init(&m->t, LS_NAME_MDNS);
	m->socks.fd[0] = m->socks.fd[1] = -1;
	m->socks.freed = mdns_freed;
	for (fi = 0; fi < 2; fi++)
		(void)ls_names_socks_open(&m->socks, ns, fi, true, on_readable);
	if (!m->socks.polling[0] && !m->socks.polling[1]) {
		snprintf(err, errlen, "no UDP socket");
		free(m);
		return -ENOTSOCK;
	}
	/* RFC 6762: hop limit 255; our own queries not looped back to us */
	if (m->socks.polling[0]) {
		setsockopt(m->socks.fd[0], IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
		setsockopt(m->socks.fd[0], IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
	}
	if (m->socks.polling[1]) {
		setsockopt(m->socks.fd[1], IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
		setsockopt(m->socks.fd[1], IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off));
	}
	*out = (struct ls_nsrc *)m;
	return 0;
}

static bool mdns_applies(struct ls_nsrc *s, const struct ls_nq *q)
{
	struct mdnss *m = (struct mdnss *)s;

	return q->path.kind == LS_ROUTE_ONLINK && q->path.ifindex > 0 && m->socks.polling[q->addr.family == AF_INET6];
}

static int mdns_start(struct ls_nsrc *s, struct ls_nq *q)
{
	struct mdnss *m = (struct mdnss *)s;
	char qname[LS_DNS_QNAME_MAX];
	uint8_t buf[512];
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t len;
	int fd = m->socks.fd[q->addr.family == AF_INET6], sent = 0;

	if (ls_dns_ptr_qname(q->addr.family, q->addr.b, qname, sizeof(qname)) < 0)
		return -EINVAL;
	ls_nq_table_add(&m->t, q);
	if ((len = ls_dns_ptr_query(buf, sizeof(buf), q->id[LS_NAME_MDNS], qname, true)) < 0) {
		ls_nq_table_del(&m->t, q);
		return (int)len;
	}
	/* to the group, out of the host's interface */
	memset(&ss, 0, sizeof(ss));
	if (q->addr.family == AF_INET) {
		struct ip_mreqn mr;
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		memset(&mr, 0, sizeof(mr));
		mr.imr_ifindex = q->path.ifindex;
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
		s4->sin_family = AF_INET;
		s4->sin_port = htons(MDNS_PORT);
		inet_pton(AF_INET, "224.0.0.251", &s4->sin_addr);
		sl = sizeof(*s4);
	} else {
		unsigned idx = (unsigned)q->path.ifindex;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(MDNS_PORT);
		s6->sin6_scope_id = idx;
		inet_pton(AF_INET6, "ff02::fb", &s6->sin6_addr);
		sl = sizeof(*s6);
	}
	sent += ls_names_sendto(fd, buf, (size_t)len, &ss, sl) == 0;
	/* and to the host itself */
	sl = ls_addr_to_sockaddr(&q->addr, &ss);
	((struct sockaddr_in *)&ss)->sin_port = htons(MDNS_PORT);	/* same offset in sockaddr_in6 */
	if (q->addr.family == AF_INET6 && ((struct sockaddr_in6 *)&ss)->sin6_scope_id == 0)
		((struct sockaddr_in6 *)&ss)->sin6_scope_id = (uint32_t)q->path.ifindex;
	sent += ls_names_sendto(fd, buf, (size_t)len, &ss, sl) == 0;
	if (sent == 0) {
		ls_nq_table_del(&m->t, q);
		return -EHOSTUNREACH;
	}
	return 0;
}

static void mdns_forget(struct ls_nsrc *s, struct ls_nq *q)
{
	ls_nq_table_del(&((struct mdnss *)s)->t, q);
}

static void mdns_close(struct ls_nsrc *s)
{
	ls_names_socks_close(&((struct mdnss *)s)->socks);
}

const struct ls_name_source ls_name_mdns = {
	.name = "mdns",
	.packets = 2,
	.open = mdns_open,
	.applies = mdns_applies,
	.start = mdns_start,
	.forget = mdns_forget,
	.expired = NULL,
	.close = mdns_close,
};
