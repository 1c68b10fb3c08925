/* ident_udp.h -- the evidence sources' UDP sockets (one per family), watched by the loop; ICMP errors read and ignored. */
#ifndef LANSCAN_IDENT_UDP_H
#define LANSCAN_IDENT_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "lanscan/target.h"

struct ls_probe_cfg;

struct ls_ident_udp {
	int fd[2];			/* IPv4, IPv6; -1 when none */
	uv_poll_t poll[2];
	bool polling[2];
	unsigned closing;
	/* A datagram from from:port (at least 12 bytes). */
	void (*packet)(struct ls_ident_udp *u, const uint8_t *buf, size_t n, const struct ls_addr *from, uint16_t port);
	void (*freed)(struct ls_ident_udp *u);	/* both sockets closed */
	uint64_t dropped;		/* too short, or from no address */
};

/* Opens the socket of family fi (0 IPv4, 1 IPv6), non-blocking, IP_RECVERR
 * on, bound per bind (may be NULL), and watches it.  0 or a negative errno. */
int ls_ident_udp_open(struct ls_ident_udp *u, uv_loop_t *loop, int fi, const struct ls_probe_cfg *bind);
/* Opens both families' sockets (packet and freed set by the caller).
 * Returns 0 when at least one could be opened, else -ENOTSOCK with a
 * message in err. */
int ls_ident_udp_open_all(struct ls_ident_udp *u, uv_loop_t *loop, const struct ls_probe_cfg *bind, char *err,
			  size_t errlen);
/* Closes both; u->freed(u) follows (at once when none was open). */
void ls_ident_udp_close(struct ls_ident_udp *u);

#endif
