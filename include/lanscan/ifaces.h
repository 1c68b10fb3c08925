/* ifaces.h -- the default targets: IPv4 subnets of this host's up, non-loopback interfaces. */
#ifndef LANSCAN_IFACES_H
#define LANSCAN_IFACES_H

#include <stdbool.h>
#include <stddef.h>

#include "lanscan/target.h"

/* Adds one CIDR spec per IPv4 subnet of an up, non-loopback interface (/32s
 * skipped; only ifname's when it is not NULL), narrowing any subnet wider than /min_prefix to the /min_prefix
 * around the interface's address unless force.  Writes "198.19.1.0/24 (lan0),
 * ..." into desc.  Returns the number of subnets added, or a negative errno. */
int ls_local_subnets(struct ls_targets *t, int min_prefix, bool force, const char *ifname, char *desc,
		     size_t desclen);

#endif
