/* neighroom.c -- how much room the kernel's neighbour table has now (neighroom.h). */
#include "lanscan/neighroom.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define DEFAULT_THRESH3 1024
#define MIN_PLACES 16

bool ls_neigh_room_holds(const struct ls_neigh *n)
{
	return !(n->state & (NUD_FAILED | NUD_NOARP | NUD_PERMANENT)) && n->state != NUD_NONE;
}

unsigned ls_neigh_room_places(const struct ls_neigh_room *r)
{
	unsigned limit = r->thresh3 - r->thresh3 / 4;

	return limit > r->held + MIN_PLACES ? limit - r->held : MIN_PLACES;
}

/* A number from a sysctl file, or -1. */
static long sysctl_long(const char *path)
{
	char buf[32];
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) != NULL)
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

int ls_neigh_room_count(int family, unsigned *held, unsigned *resolving)
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
	} req;
	_Alignas(struct nlmsghdr) uint8_t buf[32 * 1024];
	struct timeval tv = { 0, 200000 };	/* the kernel answers at once; never hang */
	struct nlmsghdr *h;
	struct ls_neigh nb;
	ssize_t n;
	size_t left;
	int fd, rc = 0;

	*held = 0;
	if (resolving != NULL)
		*resolving = 0;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.nd.ndm_family = (uint8_t)family;
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, &req, sizeof(req), 0) < 0) {
		rc = -errno;
		goto out;
	}
	for (;;) {
		if ((n = recv(fd, buf, sizeof(buf), 0)) <= 0) {
			rc = n < 0 ? -errno : -EIO;
			goto out;
		}
		left = (size_t)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				rc = -EIO;
				goto out;
			}
			if (ls_nl_parse_neigh(h, left, &nb) != 0 || !ls_neigh_room_holds(&nb))
				continue;
			(*held)++;
			if (resolving != NULL && (nb.state & NUD_INCOMPLETE))
				(*resolving)++;
		}
	}
out:
	close(fd);
	return rc;
}

int ls_neigh_room_read(int family, int ifindex, struct ls_neigh_room *r)
{
	const char *v = family == AF_INET6 ? "ipv6" : "ipv4";
	char path[128], ifname[IF_NAMESIZE] = "default";
	long t3, solicit, retrans;

	if (ifindex > 0 && if_indextoname((unsigned)ifindex, ifname) == NULL)
		snprintf(ifname, sizeof(ifname), "default");
	snprintf(path, sizeof(path), "/proc/sys/net/%s/neigh/default/gc_thresh3", v);
	t3 = sysctl_long(path);	/* absent in a namespace: the limit is the machine's */
	r->thresh3 = t3 > 0 && t3 < (1L << 24) ? (unsigned)t3 : DEFAULT_THRESH3;
	snprintf(path, sizeof(path), "/proc/sys/net/%s/neigh/%s/mcast_solicit", v, ifname);
	solicit = sysctl_long(path);
	snprintf(path, sizeof(path), "/proc/sys/net/%s/neigh/%s/retrans_time_ms", v, ifname);
	retrans = sysctl_long(path);
	r->incomplete_ms = (double)(solicit > 0 && solicit < 100 ? solicit : 3) *
			   (double)(retrans > 0 && retrans < 600000 ? retrans : 1000);
	return ls_neigh_room_count(family, &r->held, &r->resolving);
}
