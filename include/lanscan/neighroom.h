/* neighroom.h -- how much room the kernel's neighbour table has now: its limit, what it holds, how long a silent entry lasts.
 *
 * Probing an on-link address without privilege makes the kernel resolve it:
 * an entry that stays INCOMPLETE for mcast_solicit x retrans_time (3 s by
 * default) when nobody answers, then FAILED.  The table of a family holds at
 * most gc_thresh3 entries (1024 by default) for every namespace of the
 * machine together; past it the kernel evicts FAILED and old entries, and
 * when there are none it refuses new ones ("neighbor table overflow") and
 * the probe is lost.  Read unprivileged: the sysctls, and the table over
 * rtnetlink (our namespace's entries only: other namespaces' are unseen,
 * which is why a quarter of the limit is left to them).
 */
#ifndef LANSCAN_NEIGHROOM_H
#define LANSCAN_NEIGHROOM_H

#include <stdbool.h>
#include <stdint.h>

#include "lanscan/nlparse.h"

struct ls_neigh_room {
	unsigned thresh3;	/* the table's limit: gc_thresh3, 1024 when unreadable (a namespace) */
	unsigned held;		/* entries the kernel cannot evict now (not FAILED, NOARP or PERMANENT) */
	unsigned resolving;	/* of them, INCOMPLETE ones: resolutions under way, each over (answered
				 * or FAILED) within incomplete_ms unless someone asks again */
	double incomplete_ms;	/* how long an unanswered entry stays INCOMPLETE */
};

/* Does an entry in this state take room the kernel cannot take back? */
bool ls_neigh_room_holds(const struct ls_neigh *n);

/* On-link targets that may be resolving at once: the limit less a quarter
 * for the machine's other users, less what the table holds; at least 16 (a
 * sweep always moves, and 16 entries fit in any reserve). */
unsigned ls_neigh_room_places(const struct ls_neigh_room *r);

/* Reads the room of family's table (AF_INET or AF_INET6); ifindex: the
 * interface whose solicitation settings count (0: the defaults).  Returns 0,
 * or a negative errno (then *r holds the defaults). */
int ls_neigh_room_read(int family, int ifindex, struct ls_neigh_room *r);

/* Only the table's count (held; resolving, when not NULL), for a periodic
 * look: 0 or a negative errno. */
int ls_neigh_room_count(int family, unsigned *held, unsigned *resolving);

#endif
