/* linkwatch.c -- link, address and route changes during a sweep: a path that broke makes silence prove nothing.
 *
 * A link taken down, one that loses its carrier (the switch port, the
 * peer), one deleted, or one that loses an address or a route while hosts
 * are probed through it: those hosts did not answer because of our side.
 * The pipeline asks, before it prints a target down, whether its path broke
 * since the target's probe started; if so the target is unknown, and the
 * sweep says why once per link.
 */
#include "lanscan/linkwatch.h"

#include <errno.h>
#include <stdint.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "lanscan/nlparse.h"
#include "lanscan/util.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

static struct ls_lw_link *find(struct ls_linkwatch *lw, int ifindex, bool create)
{
	struct ls_lw_link *l;
	unsigned i, old = 0;

	for (i = 0; i < lw->n; i++)
		if (lw->link[i].ifindex == ifindex)
			return &lw->link[i];
	if (!create || ifindex <= 0)
		return NULL;
	if (lw->n < LS_LINKWATCH_MAX) {
		l = &lw->link[lw->n++];
	} else {
		/* Full (a host where containers come and go): the entry of the
		 * oldest break makes room, a mended one first. */
		for (i = 1; i < lw->n; i++)
			if (lw->link[i].broken < lw->link[old].broken ||
			    (lw->link[i].broken == lw->link[old].broken && lw->link[i].broke_ms < lw->link[old].broke_ms))
				old = i;
		l = &lw->link[old];
	}
	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	if (if_indextoname((unsigned)ifindex, l->name) == NULL)
		snprintf(l->name, sizeof(l->name), "if%u", (unsigned)ifindex % 1000000u);
	return l;
}

static void broke(struct ls_linkwatch *lw, int ifindex, const char *name, const char *why, double now)
{
	struct ls_lw_link *l = find(lw, ifindex, true);

	if (l == NULL)
		return;
	if (name != NULL && name[0] != '\0')
		snprintf(l->name, sizeof(l->name), "%s", name);
	if (!l->broken || l->why == NULL)
		l->why = why;	/* the first reason: a link down also loses its routes */
	l->broken = true;
	l->broke_ms = now;
}

static void mended(struct ls_linkwatch *lw, int ifindex)
{
	struct ls_lw_link *l = find(lw, ifindex, false);

	if (l != NULL)
		l->broken = false;	/* broke_ms stays: probes across the break still count */
}

/* The parsers (nlparse.c) read NEW messages; a DEL one has the same layout. */
static const struct nlmsghdr *as_new(const struct nlmsghdr *h, size_t len, uint16_t type, void *buf, size_t cap)
{
	struct nlmsghdr *c = buf;

	if (len > cap || len < sizeof(*h))
		return NULL;
	memcpy(buf, h, len);
	c->nlmsg_type = type;
	return c;
}

void ls_linkwatch_feed(struct ls_linkwatch *lw, const void *msg, size_t len, double now)
{
	const struct nlmsghdr *h = msg, *c;
	char copy[8192] __attribute__((aligned(4)));
	struct ls_nl_link ln;
	struct ls_nl_addr na;
	struct ls_nl_route nr;

	if (len < sizeof(*h))
		return;
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
		if (ls_nl_parse_link(h, len, &ln) != 0)
			return;
		if (!(ln.flags & IFF_UP))
			broke(lw, ln.index, ln.name, "was taken down", now);
		else if (!(ln.flags & IFF_LOWER_UP))
			broke(lw, ln.index, ln.name, "lost its carrier", now);
		else
			mended(lw, ln.index);
		break;
	case RTM_DELLINK:
		if ((c = as_new(h, len, RTM_NEWLINK, copy, sizeof(copy))) != NULL && ls_nl_parse_link(c, len, &ln) == 0)
			broke(lw, ln.index, ln.name, "was deleted", now);
		break;
	case RTM_DELADDR:
		/* A temporary (privacy) IPv6 address expiring is routine. */
		if ((c = as_new(h, len, RTM_NEWADDR, copy, sizeof(copy))) != NULL &&
		    ls_nl_parse_addr(c, len, &na) == 0 && !(na.flags & IFA_F_TEMPORARY))
			broke(lw, na.ifindex, NULL, "lost an address", now);
		break;
	case RTM_NEWADDR:
		if (ls_nl_parse_addr(h, len, &na) == 0)
			mended(lw, na.ifindex);
		break;
	case RTM_DELROUTE:
		if ((c = as_new(h, len, RTM_NEWROUTE, copy, sizeof(copy))) != NULL &&
		    ls_nl_parse_route(c, len, &nr) == 0 && nr.oif > 0 && nr.type == RTN_UNICAST)
			broke(lw, nr.oif, NULL, "lost a route", now);
		break;
	default:
		break;
	}
}

void ls_linkwatch_feed_buf(struct ls_linkwatch *lw, const void *buf, size_t n, double now)
{
	const uint8_t *p = buf;
	const struct nlmsghdr *h;
	size_t step;

	/* Each message whole inside what was read; the next at its aligned end. */
	while (n >= sizeof(*h)) {
		h = (const struct nlmsghdr *)(const void *)p;
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > n)
			return;
		ls_linkwatch_feed(lw, h, h->nlmsg_len, now);
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step >= n)
			return;
		p += step;
		n -= step;
	}
}

/* Reads what is pending, without waiting. */
static void drain(struct ls_linkwatch *lw)
{
	char buf[8192] __attribute__((aligned(4)));
	double now;
	ssize_t n;

	if (!lw->open)
		return;
	for (;;) {
		n = recv(lw->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Notifications were lost: something changed; trust
			 * no link's silence from here on. */
			now = ls_now_ms();
			for (unsigned i = 0; i < lw->n; i++)
				lw->link[i].broke_ms = now;
			continue;
		}
		if (n <= 0)
			return;
		now = ls_now_ms();
		ls_linkwatch_feed_buf(lw, buf, (size_t)n, now);
	}
}

static void on_readable(uv_poll_t *p, int status, int events)
{
	struct ls_linkwatch *lw = ls_container_of(p, struct ls_linkwatch, poll);

	(void)status;
	(void)events;
	drain(lw);
}

int ls_linkwatch_open(struct ls_linkwatch *lw, uv_loop_t *loop, ls_linkwatch_say_cb say, void *arg)
{
	struct sockaddr_nl sa;
	int rc;

	memset(lw, 0, sizeof(*lw));
	lw->loop = loop;
	lw->say = say;
	lw->arg = arg;
	lw->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (lw->fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
		       RTMGRP_IPV6_ROUTE;
	if (bind(lw->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		close(lw->fd);
		return rc;
	}
	if ((rc = uv_poll_init_socket(loop, &lw->poll, lw->fd)) != 0) {
		close(lw->fd);
		return rc;
	}
	lw->open = true;
	if ((rc = uv_poll_start(&lw->poll, UV_READABLE, on_readable)) != 0) {
		ls_linkwatch_close(lw);
		return rc;
	}
	return 0;
}

static void on_closed(uv_handle_t *h)
{
	struct ls_linkwatch *lw = ls_container_of((uv_poll_t *)h, struct ls_linkwatch, poll);

	close(lw->fd);
	lw->fd = -1;
}

void ls_linkwatch_close(struct ls_linkwatch *lw)
{
	if (!lw->open)
		return;
	lw->open = false;
	uv_close((uv_handle_t *)&lw->poll, on_closed);
}

const char *ls_linkwatch_broke(struct ls_linkwatch *lw, int ifindex, double since_ms)
{
	struct ls_lw_link *l;
	char msg[160];
	double now = ls_now_ms();

	if (now - lw->drained_ms >= 1) {	/* at most a read a millisecond on a fast sweep */
		lw->drained_ms = now;
		drain(lw);
	}
	if ((l = find(lw, ifindex, false)) == NULL)
		return NULL;
	if (!l->broken && l->broke_ms < since_ms)
		return NULL;
	if (!l->said) {
		l->said = true;
		lw->any_said = true;
		snprintf(msg, sizeof(msg), "%s %s during the sweep: hosts probed through it are reported unknown, "
			 "not down", l->name, l->why != NULL ? l->why : "changed");
		if (lw->say != NULL)
			lw->say(lw->arg, msg);
	}
	return "our link broke during the probe";
}
