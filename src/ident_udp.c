/* ident_udp.c -- UDP sockets for the evidence sources: open, bind per -I/-S, read in bounded batches, close. */
#include "ident_udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/method.h"
#include "lanscan/names.h"

#define READ_MAX 256	/* datagrams per wake-up: a flood cannot starve the timers */

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct ls_ident_udp *u = h->data;
	int fi = h == &u->poll[1], fd = u->fd[fi], k, qid;
	struct sockaddr_storage ss;
	struct ls_addr src;
	uint8_t buf[9000];
	socklen_t sl;
	uint16_t port;
	bool unreach;
	ssize_t n;

	(void)events;
	if (status < 0)		/* libuv stops a poll handle on POLLERR: watch again */
		uv_poll_start(h, UV_READABLE, on_readable);
	for (k = 0; k < READ_MAX && ls_names_errqueue(fd, &src, &port, &unreach, &qid) == 1; k++)
		;
	for (k = 0; k < READ_MAX && u->polling[fi]; k++) {
		sl = sizeof(ss);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;
		}
		if (n < 12 || ls_addr_from_sockaddr((struct sockaddr *)&ss, &src) != 0) {
			u->dropped++;
			continue;
		}
		port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
				((struct sockaddr_in6 *)&ss)->sin6_port);
		u->packet(u, buf, (size_t)n, &src, port);
	}
}

int ls_ident_udp_open(struct ls_ident_udp *u, uv_loop_t *loop, int fi, const struct ls_probe_cfg *bind)
{
	int family = fi ? AF_INET6 : AF_INET, on = 1, fd, rc;

	u->fd[fi] = -1;
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET)
		setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
	else
		setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on));
	if (bind != NULL && (rc = ls_probe_bind(fd, family, bind)) != 0) {
		close(fd);
		return rc;
	}
	u->fd[fi] = fd;
	uv_poll_init_socket(loop, &u->poll[fi], fd);
	u->poll[fi].data = u;
	uv_poll_start(&u->poll[fi], UV_READABLE, on_readable);
	u->polling[fi] = true;
	return 0;
}

static void on_closed(uv_handle_t *h)
{
	struct ls_ident_udp *u = h->data;

	if (--u->closing == 0)
		u->freed(u);
}

void ls_ident_udp_close(struct ls_ident_udp *u)
{
	int fi;

	for (fi = 0; fi < 2; fi++)
		u->closing += u->polling[fi];
	if (u->closing == 0) {
		u->freed(u);
		return;
	}
	for (fi = 0; fi < 2; fi++)
		if (u->polling[fi]) {
			u->polling[fi] = false;
			uv_poll_stop(&u->poll[fi]);
			uv_close((uv_handle_t *)&u->poll[fi], on_closed);
			close(u->fd[fi]);
		}
}

int ls_ident_udp_open_all(struct ls_ident_udp *u, uv_loop_t *loop, const struct ls_probe_cfg *bind, char *err,
			  size_t errlen)
{
	int fi;

	u->fd[0] = u->fd[1] = -1;
	for (fi = 0; fi < 2; fi++)
		(void)ls_ident_udp_open(u, loop, fi, bind);
	if (!u->polling[0] && !u->polling[1]) {
		snprintf(err, errlen, "no UDP socket");
		return -ENOTSOCK;
	}
	return 0;
}
