/* ifaces.c -- find the IPv4 subnets of the up interfaces (getifaddrs) for the no-target sweep. */
#include "lanscan/ifaces.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

int ls_local_subnets(struct ls_targets *t, int min_prefix, bool force, const char *ifname, char *desc,
		     size_t desclen)
{
	struct ifaddrs *ifa, *i;
	uint32_t addr, mask;
	int prefix, n = 0, rc = 0;
	size_t used = 0;
	char spec[32], net[INET_ADDRSTRLEN], err[LS_ERRLEN];
	struct in_addr in;

	if (getifaddrs(&ifa) != 0)
		return -errno;
	if (desclen > 0)
		desc[0] = '\0';
	for (i = ifa; i != NULL && rc == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_netmask == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		if (!(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (ifname != NULL && strcmp(ifname, i->ifa_name) != 0)
			continue;
		addr = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		mask = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		prefix = __builtin_popcount(mask);
		if (prefix >= 32 || prefix == 0)
			continue;
		if (prefix < min_prefix && !force)
			prefix = min_prefix;
		mask = ~(0xffffffffu >> prefix);
		in.s_addr = htonl(addr & mask);
		inet_ntop(AF_INET, &in, net, sizeof(net));
		snprintf(spec, sizeof(spec), "%s/%d", net, prefix);
		rc = ls_targets_add(t, spec, err, sizeof(err));
		if (rc == 0) {
			n++;
			if (used < desclen) {
				int w = snprintf(desc + used, desclen - used, "%s%s (%s)",
						 used > 0 ? ", " : "", spec, i->ifa_name);
				used += w > 0 ? (size_t)w : 0;
			}
		}
	}
	freeifaddrs(ifa);
	return rc != 0 ? rc : n;
}
