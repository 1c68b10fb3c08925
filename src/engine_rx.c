/* engine_rx.c -- what the codecs read off a received packet (kernel timestamp, TTL, drops), and RTTs from the clocks. */
#include "lanscan/engine.h"

#include <string.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

uint64_t ls_engine_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t ls_engine_sock_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	memset(mem, 0, sizeof(mem));
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) != 0 || len <= SK_MEMINFO_DROPS * sizeof(uint32_t))
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

uint64_t ls_engine_rx_stamp(struct msghdr *h)
{
	struct cmsghdr *c;
	struct timespec ts;

	for (c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		}
	return 0;
}

double ls_engine_rtt(const struct ls_engine *e, uint32_t s, uint64_t tx_ns, uint64_t rx_ns, double now)
{
	return ls_engine_rtt_at(&e->slots[s], tx_ns, rx_ns, ls_engine_realtime_ns(), now);
}

double ls_engine_rtt_at(const struct ls_eslot *sl, uint64_t tx_ns, uint64_t rx_ns, uint64_t wall, double now)
{
	double bound = now - sl->first_ms, wall_ms, off, rtt;

	if (rx_ns == 0 || rx_ns > wall)
		rx_ns = wall;
	/* The wall clock (the kernel's receive stamp, the probe's send
	 * stamp) counts only if it moved as the monotonic one did since the
	 * first send: an NTP step or a VM resume in between breaks it. */
	wall_ms = wall >= sl->first_ns ? (double)(wall - sl->first_ns) / 1e6 : -1;
	if (wall_ms >= 0 && wall_ms - bound < 5 + bound / 100 && bound - wall_ms < 5 + bound / 100 &&
	    tx_ns >= sl->first_ns && rx_ns > tx_ns) {
		rtt = (double)(rx_ns - tx_ns) / 1e6;
		return rtt <= bound ? rtt : bound;
	}
	/* A step: the monotonic clock on both ends.  The send's offset from
	 * the first one, when the step came after it; else the first send. */
	off = tx_ns >= sl->first_ns ? (double)(tx_ns - sl->first_ns) / 1e6 : 0;
	rtt = off <= bound ? bound - off : bound;
	return rtt > 0 ? rtt : 0.001;	/* a reply is never instantaneous */
}

int ls_engine_rx_ttl(struct msghdr *h)
{
	struct cmsghdr *c;
	int v;

	for (c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c))
		if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			if (c->cmsg_len < CMSG_LEN(sizeof(v)))
				return 0;
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return v > 0 && v <= 255 ? v : 0;
		}
	return 0;
}
