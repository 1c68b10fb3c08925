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

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct nbnss *b = ls_container_of((struct ls_names_socks *)h->data, struct nbnss, socks);
	int fd = b->socks.fd[0];
	uint8_t buf[2048];
	struct sockaddr_in sin;
	socklen_t sl;
	struct ls_addr src;
	struct ls_nq *q;
	struct ls_nbstat st;
	int qid;
	uint16_t id, port;
	bool unreach, taken;
	ssize_t n;
	int rc;

	(void)events;
	/* libuv stops a poll handle on POLLERR (an ICMP error queued with
	 * IP_RECVERR): read the error, and watch again. */
	if (status < 0)
		uv_poll_start(h, UV_READABLE, on_readable);
	for (int k = 0; k < LS_NAMES_READ_MAX && ls_names_errqueue(fd, &src, &port, &unreach, &qid) == 1; k++)
		if (unreach && port == NBNS_PORT)
			ls_nq_table_unreach(&b->t, &src, qid);
	for (int k = 0; k < LS_NAMES_READ_MAX; k++) {	/* the rest on the next turn of the loop */
		sl = sizeof(sin);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sin, &sl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;	/* a pending ICMP error: read from the queue above */
		}
		if (n < 12 || sin.sin_family != AF_INET || ntohs(sin.sin_port) != NBNS_PORT ||
		    ls_addr_from_sockaddr((struct sockaddr *)&sin, &src) != 0) {
			b->ns->dropped++;
			continue;
		}
		id = (uint16_t)(buf[0] << 8 | buf[1]);
		taken = false;
		for (q = ls_nq_table_find(&b->t, id, NULL); q != NULL && !taken; q = ls_nq_table_find(&b->t, id, q)) {
			if (ls_addr_cmp(&src, &q->addr) != 0)
				continue;
			rc = ls_nbstat_parse(buf, (size_t)n, id, &st);
			if (rc == 0) {
				ls_nq_answer(q, LS_NAME_NBNS, st.name, st.group);
				taken = true;
			} else if (rc == -ENOENT) {
				ls_nq_nothing(q, LS_NAME_NBNS);
				taken = true;
			}
		}
		if (!taken)
			b->ns->dropped++;
	}
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
