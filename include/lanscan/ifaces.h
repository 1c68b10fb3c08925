/* ifaces.h -- the targets this machine's links give: IPv4 subnets (the no-target default) and IPv6 neighbours. */
#ifndef LANSCAN_IFACES_H
#define LANSCAN_IFACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/target.h"

/* Adds one CIDR spec per IPv4 subnet of an up, non-loopback interface (/32s
 * skipped; only ifname's when it is not NULL), narrowing any subnet wider than /min_prefix to the /min_prefix
 * around the interface's address unless force.  Writes "198.19.1.0/24 (lan0),
 * ..." into desc, and into cut what each narrowing kept and left out ("lan0 is
 * on 10.0.0.0/21 (2048 addresses): only 10.0.4.0/22, around its address, is
 * swept; left out: 10.0.0.0-10.0.3.255 (--force ...)", a line each; "" when none).
 * Returns the number of subnets added, or a negative errno. */
int ls_local_subnets(struct ls_targets *t, int min_prefix, bool force, const char *ifname, char *desc,
		     size_t desclen, char *cut, size_t cutlen);

/* Adds the IPv6 neighbours of ifindex's link (0: of every up, non-loopback,
 * multicast interface) as targets: ls_nbr6_discover, replies awaited for
 * wait_ms.  Writes "8 on lan0, 2 on up0" into desc and how they were found
 * into note.  Needs privileges for the echo (ls_privs_open) to use a raw
 * socket.  Returns the number of interfaces looked at, or a negative errno
 * with a message in err. */
int ls_local_neighbours(struct ls_targets *t, int ifindex, int wait_ms, char *desc, size_t desclen,
			char *note, size_t notelen, char *err, size_t errlen);

struct ls_onlink_opts {
	int ifindex;		/* -I's interface, 0 when none */
	bool force, list;	/* --force, --list */
	uint64_t limit;		/* the sweep limit without --force */
	int wait_ms;		/* for echo replies */
	void (*say)(void *arg, const char *what, const char *how);	/* a range discovered (may be NULL) */
	void *arg;
};

/* Replaces each IPv6 range of t too large to sweep (any prefix shorter than
 * /96; over o->limit addresses without --force) whose ends are on-link
 * through one interface by the IPv6 neighbours discovered there that it
 * covers (t is rebuilt, in order).  Returns 0; -EINVAL (a routed prefix
 * shorter than /96, or one with --list), -ENOENT (no neighbour in any such
 * range) or another negative errno, with a message in err. */
int ls_onlink_ranges(struct ls_targets *t, const struct ls_onlink_opts *o, char *err, size_t errlen);

#endif
