/* name_dns.c -- the DNS name source: /etc/hosts, then a PTR query to the resolv.conf servers, in the event loop.
 *
 * The query goes out on a UDP socket of our own (recursion desired), so a
 * lookup can be abandoned at the budget like any other, and a server that
 * never answers is noticed once: a lookup that expires with no reply from
 * any server since it was sent stops DNS for the rest of the sweep.  An
 * ICMP error from the server (nothing listening, no route) stops it at once.
 * A reply counts only from a configured server's port 53, with our id and
 * the question asked.
 */
#include "lanscan/names.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/dnswire.h"
#include "lanscan/util.h"

#define MAX_SERVERS 3
/* /etc/hosts entries indexed: the whole of a large file (ad blocklists run
 * to hundreds of thousands of lines, the LAN's own entries often last),
 * each bounded (a name is at most a line), sorted by address. */
#define MAX_HOSTS (1u << 20)
#define HOSTS_LINE_MAX 1024

struct host_entry {
	struct ls_addr addr;
	uint32_t line;		/* the first line of an address wins, as in the C library */
	char *name;
};

static int cmp_host(const void *pa, const void *pb)
{
	const struct host_entry *a = pa, *b = pb;
	int c = ls_addr_cmp(&a->addr, &b->addr);

	return c != 0 ? c : a->line < b->line ? -1 : a->line > b->line;
}

struct dnss {
	struct ls_names *ns;
	struct ls_nq_table t;
	struct ls_names_socks socks;	/* to the servers: IPv4, IPv6 */
	struct ls_addr server[MAX_SERVERS];
	unsigned nservers;
	struct host_entry *hosts;
	size_t nhosts;
	double last_reply_ms;		/* any reply from a server, monotonic */
};

/* "nameserver ADDR" lines, at most MAX_SERVERS; none: 127.0.0.1, as the C library does. */
static void read_resolv(struct dnss *d, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[512], *p, *e;

	while (f != NULL && d->nservers < MAX_SERVERS && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "nameserver", 10) != 0 || !isspace((unsigned char)line[10]))
			continue;
		for (p = line + 10; isspace((unsigned char)*p); p++)
			;
		for (e = p; *e != '\0' && !isspace((unsigned char)*e); e++)
			;
		*e = '\0';
		/* a link-local server keeps its zone (fe80::1%eth0) */
		if (ls_addr_parse(p, &d->server[d->nservers]) == 0)
			d->nservers++;
	}
	if (f != NULL)
		fclose(f);
	if (d->nservers == 0) {
		d->server[0].family = AF_INET;
		inet_pton(AF_INET, "127.0.0.1", d->server[0].b);
		d->nservers = 1;
	}
}

/* The first name of each address line, as the C library's "files" source answers. */
static int read_hosts(struct dnss *d, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[HOSTS_LINE_MAX], *save, *a, *n;
	struct ls_addr addr;
	size_t cap = 0;
	int rc = 0;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if ((a = strchr(line, '#')) != NULL)
			*a = '\0';
		if ((a = strtok_r(line, " \t\r\n", &save)) == NULL || (n = strtok_r(NULL, " \t\r\n", &save)) == NULL)
			continue;
		memset(&addr, 0, sizeof(addr));
		if (inet_pton(AF_INET, a, addr.b) == 1)
			addr.family = AF_INET;
		else if (inet_pton(AF_INET6, a, addr.b) == 1)
			addr.family = AF_INET6;
		else
			continue;
		if (d->nhosts == MAX_HOSTS) {
			ls_msg("%s: more than %u addresses; the rest is not read", path, MAX_HOSTS);
			break;
		}
		if (d->nhosts == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct host_entry *nh = realloc(d->hosts, ncap * sizeof(*nh));
			if (nh == NULL) {
				rc = -ENOMEM;
				break;
			}
			d->hosts = nh;
			cap = ncap;
		}
		if ((d->hosts[d->nhosts].name = strdup(n)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		d->hosts[d->nhosts].line = (uint32_t)d->nhosts;
		d->hosts[d->nhosts++].addr = addr;
	}
	if (f != NULL)
		fclose(f);
	if (d->nhosts > 1)
		qsort(d->hosts, d->nhosts, sizeof(*d->hosts), cmp_host);
	return rc;
}

static bool is_server(const struct dnss *d, const struct ls_addr *a)
{
	for (unsigned i = 0; i < d->nservers; i++)
		if (ls_addr_cmp(&d->server[i], a) == 0)
			return true;
	return false;
}

/* An ICMP error quoting one of our queries to a server: nobody serves DNS there. */
static void on_error(void *arg, const struct ls_addr *dst, uint16_t port, bool port_unreach, int qid)
{
	struct dnss *d = arg;

	(void)port_unreach;
	if (is_server(d, dst) && port == 53 && qid >= 0 && ls_nq_table_find(&d->t, (uint16_t)qid, NULL) != NULL)
		ls_names_giveup(d->ns, LS_NAME_DNS);
}

static void on_packet(void *arg, const uint8_t *buf, size_t n, const struct ls_addr *from, uint16_t port)
{
	struct dnss *d = arg;
	char qname[LS_DNS_QNAME_MAX], name[LS_DNS_TEXT_MAX];
	struct ls_nq *q;
	uint16_t id;
	int rc;

	if (!is_server(d, from) || port != 53) {
		d->ns->dropped++;
		return;
	}
	d->last_reply_ms = ls_now_ms();
	id = (uint16_t)(buf[0] << 8 | buf[1]);
	for (q = ls_nq_table_find(&d->t, id, NULL); q != NULL; q = ls_nq_table_find(&d->t, id, q)) {
		if (ls_dns_ptr_qname(q->addr.family, q->addr.b, qname, sizeof(qname)) < 0)
			continue;
		rc = ls_dns_ptr_answer(buf, n, id, qname, name, sizeof(name));
		if (rc == 1) {
			ls_nq_answer(q, LS_NAME_DNS, name, NULL);
			return;
		}
		/* 0: no PTR; -ENOENT: NXDOMAIN, SERVFAIL, ... for this very question */
		if (rc == 0 || rc == -ENOENT) {
			ls_nq_nothing(q, LS_NAME_DNS);
			return;
		}
	}
	d->ns->dropped++;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	static const struct ls_names_rx rx = { on_error, on_packet };
	struct dnss *d = ls_container_of((struct ls_names_socks *)h->data, struct dnss, socks);
	uint8_t buf[1500];

	(void)events;
	ls_names_drain(d->ns, h, status, on_readable, buf, sizeof(buf), &rx, d);
}

static void dns_freed(struct ls_names_socks *k)
{
	struct dnss *d = ls_container_of(k, struct dnss, socks);

	for (size_t i = 0; i < d->nhosts; i++)
		free(d->hosts[i].name);
	free(d->hosts);
	free(d);
}

static int dns_open(struct ls_nsrc **out, struct ls_names *ns, char *err, size_t errlen)
{
	struct dnss *d = calloc(1, sizeof(*d));
	int fi, rc;

	(void)err;
	(void)errlen;
	if (d == NULL)
		return -ENOMEM;
	d->ns = ns;
	ls_nq_table_init(&d->t, LS_NAME_DNS);
	d->socks.fd[0] = d->socks.fd[1] = -1;
	d->socks.freed = dns_freed;
	read_resolv(d, ns->resolv_path);
	if ((rc = read_hosts(d, ns->hosts_path)) != 0) {
		dns_freed(&d->socks);
		return rc;
	}
	for (fi = 0; fi < 2; fi++) {
		bool need = false;
		for (unsigned i = 0; i < d->nservers; i++)
			need |= d->server[i].family == (fi ? AF_INET6 : AF_INET);
		if (need)
			(void)ls_names_socks_open(&d->socks, ns, fi, false, on_readable);
	}
	if (!d->socks.polling[0] && !d->socks.polling[1])
		ns->gave_up[LS_NAME_DNS] = true;	/* no way to the servers: /etc/hosts only */
	*out = (struct ls_nsrc *)d;
	return 0;
}

static bool dns_applies(struct ls_nsrc *s, const struct ls_nq *q)
{
	(void)s;
	(void)q;
	return true;
}

static int dns_start(struct ls_nsrc *s, struct ls_nq *q)
{
	struct dnss *d = (struct dnss *)s;
	char qname[LS_DNS_QNAME_MAX];
	uint8_t buf[512];
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t len;
	size_t i;
	unsigned k;

	{	/* the first entry of the address: a lower bound in the sorted index */
		size_t lo = 0, hi = d->nhosts, mid;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (ls_addr_cmp(&d->hosts[mid].addr, &q->addr) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
		if (i < d->nhosts && ls_addr_cmp(&d->hosts[i].addr, &q->addr) == 0) {
			ls_nq_answer(q, LS_NAME_DNS, d->hosts[i].name, NULL);
			return 0;
		}
	}
	if (d->ns->gave_up[LS_NAME_DNS])
		return -ENETUNREACH;	/* /etc/hosts only, once the server stopped answering */
	if (ls_dns_ptr_qname(q->addr.family, q->addr.b, qname, sizeof(qname)) < 0)
		return -EINVAL;
	ls_nq_table_add(&d->t, q);
	if ((len = ls_dns_ptr_query(buf, sizeof(buf), q->id[LS_NAME_DNS], qname, false)) < 0) {
		ls_nq_table_del(&d->t, q);
		return (int)len;
	}
	buf[2] |= 0x01;		/* RD: recursion desired */
	for (k = 0; k < d->nservers; k++) {	/* the first server we have a socket for */
		int fd = d->socks.fd[d->server[k].family == AF_INET6];
		if (fd < 0)
			continue;
		sl = ls_addr_to_sockaddr(&d->server[k], &ss);
		((struct sockaddr_in *)&ss)->sin_port = htons(53);	/* same offset in sockaddr_in6 */
		if (ls_names_sendto(fd, buf, (size_t)len, &ss, sl) == 0)
			return 0;
	}
	ls_nq_table_del(&d->t, q);
	ls_names_giveup(d->ns, LS_NAME_DNS);	/* no server can be reached */
	return -ENETUNREACH;
}

static void dns_forget(struct ls_nsrc *s, struct ls_nq *q)
{
	ls_nq_table_del(&((struct dnss *)s)->t, q);
}

/* No reply from any server since q was sent, and the server had (nearly)
 * the whole budget: the servers are not answering.  A query that waited
 * for the rate and went out late proves nothing. */
static void dns_expired(struct ls_nsrc *s, struct ls_nq *q)
{
	struct dnss *d = (struct dnss *)s;

	if (d->last_reply_ms < q->sent_ms && q->deadline - q->sent_ms >= 0.9 * d->ns->budget_ms)
		ls_names_giveup(d->ns, LS_NAME_DNS);
}

static void dns_close(struct ls_nsrc *s)
{
	ls_names_socks_close(&((struct dnss *)s)->socks);
}

const struct ls_name_source ls_name_dns = {
	.name = "dns",
	.packets = 1,
	.open = dns_open,
	.applies = dns_applies,
	.start = dns_start,
	.forget = dns_forget,
	.expired = dns_expired,
	.close = dns_close,
};
