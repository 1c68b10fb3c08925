/* name_nbns.c -- the NetBIOS name source: a node status query (NBSTAT) to the host's UDP port 137, on-link or routed.
 *
 * IPv4 only (NetBIOS has no IPv6).  The reply must come from the host's own
 * address and port 137 with our id; from its names table we take the
 * machine's unique <00> name and the workgroup (group <00>).  An ICMP port
 * unreachable from the host means no NetBIOS there: done at once.
 */
#include "lanscan/names.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/nbstat.h"
#include "lanscan/util.h"

#define NBNS_PORT 137

struct nbnss {
	struct ls_names *ns;
	struct ls_nq_table t;
	struct ls_names_socks socks;	/* IPv4 only */
};

/* A port unreachable for the host's 137: no NetBIOS there. */
static void on_error(void *arg, const struct ls_addr *dst, uint16_t port, bool port_unreach, int qid)
{
	struct nbnss *b = arg;

	if (port_unreach && port == NBNS_PORT)
		ls_nq_table_unreach(&b->t, dst, qid);
}

static void on_packet(void *arg, const uint8_t *buf, size_t n, const struct ls_addr *from, uint16_t port)
{
	struct nbnss *b = arg;
	struct ls_nbstat st;
	struct ls_nq *q;
	uint16_t id;
	int rc;

	if (from->family != AF_INET || port != NBNS_PORT) {
		b->ns->dropped++;
		return;
	}
	id = (uint16_t)(buf[0] << 8 | buf[1]);
	for (q = ls_nq_table_find(&b->t, id, NULL); q != NULL; q = ls_nq_table_find(&b->t, id, q)) {
		if (ls_addr_cmp(from, &q->addr) != 0)
			continue;	/* only the host itself answers for itself */
		rc = ls_nbstat_parse(buf, n, id, &st);
		if (rc == 0) {
			if (st.server)
				ls_nq_fact(q, LS_NAME_NBNS, "server", "1");
			ls_nq_answer(q, LS_NAME_NBNS, st.name, st.group);
			return;
		}
		if (rc == -ENOENT) {
			ls_nq_nothing(q, LS_NAME_NBNS);
			return;
		}
	}
	b->ns->dropped++;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	static const struct ls_names_rx rx = { on_error, on_packet };
	struct nbnss *b = ls_container_of((struct ls_names_socks *)h->data, struct nbnss, socks);
	uint8_t buf[2048];

	(void)events;
	ls_names_drain(b->ns, h, status, on_readable, buf, sizeof(buf), &rx, b);
}

static void nbns_freed(struct ls_names_socks *k)
{
	free(ls_container_of(k, struct nbnss, socks));
}

static int nbns_open(struct ls_nsrc **out, struct ls_names *ns, char *err, size_t errlen)
{
	struct nbnss *b = calloc(1, sizeof(*b));
	int rc;

	if (b == NULL)
		return -ENOMEM;
	b->ns = ns;
	ls_nq_table_init(&b->t, LS_NAME_NBNS);
	b->socks.fd[0] = b->socks.fd[1] = -1;
	b->socks.freed = nbns_freed;
	if ((rc = ls_names_socks_open(&b->socks, ns, 0, true, on_readable)) != 0) {
		snprintf(err, errlen, "no UDP socket: %s", strerror(-rc));
		free(b);
		return rc;
	}
	*out = (struct ls_nsrc *)b;
	return 0;
}

static bool nbns_applies(struct ls_nsrc *s, const struct ls_nq *q)
{
	(void)s;
	return q->addr.family == AF_INET && (q->path.kind == LS_ROUTE_ONLINK || q->path.kind == LS_ROUTE_GATEWAY ||
					     q->path.kind == LS_ROUTE_LOCAL);
}

static int nbns_start(struct ls_nsrc *s, struct ls_nq *q)
{
	struct nbnss *b = (struct nbnss *)s;
	uint8_t buf[LS_NBSTAT_QUERY_LEN];
	struct sockaddr_storage ss;
	socklen_t sl;
	size_t len;

	ls_nq_table_add(&b->t, q);
	len = ls_nbstat_query(buf, q->id[LS_NAME_NBNS]);
	sl = ls_addr_to_sockaddr(&q->addr, &ss);
	((struct sockaddr_in *)&ss)->sin_port = htons(NBNS_PORT);
	int rc = ls_names_sendto(b->socks.fd[0], buf, len, &ss, sl);
	if (rc != 0) {
		ls_nq_table_del(&b->t, q);
		return rc;
	}
	return 0;
}

static void nbns_forget(struct ls_nsrc *s, struct ls_nq *q)
{
	ls_nq_table_del(&((struct nbnss *)s)->t, q);
}

static void nbns_close(struct ls_nsrc *s)
{
	ls_names_socks_close(&((struct nbnss *)s)->socks);
}

const struct ls_name_source ls_name_nbns = {
	.name = "netbios",
	.packets = 1,
	.open = nbns_open,
	.applies = nbns_applies,
	.start = nbns_start,
	.forget = nbns_forget,
	.expired = NULL,
	.close = nbns_close,
};
