/* ident.h -- evidence sources for device recognition: what a host says about itself, as facts, bounded by a budget.
 *
 * Each source is one file behind struct ls_ident_source (ident_dnssd.c:
 * DNS-SD over mDNS; ident_ssdp.c: SSDP and the UPnP description).  A
 * sweep opens each source once; a lookup starts per host that is up
 * (address and path, as for names), sends what the source sends, matches
 * every answer to what it sent (ids, the host's address and port), and
 * ends with one callback carrying the facts found (struct ls_fact,
 * kind.h), when the source is done or the budget runs out.  The facts go
 * to ls_kind_decide with the ones the sweep has (TTL, ports, vendor).
 *
 * Limits: only the host's own source address is believed, so a device
 * cannot speak for another unless it forges that address; the DNS-SD
 * fallback is multicast, so its query ids are seen by the whole link, and
 * a device that forges source addresses could answer one of those in the
 * host's place (the unicast queries are not seen by others on a switched
 * link).  SSDP responders wait up to MX (1) s before answering the
 * multicast M-SEARCH: a budget under about 1200 ms can miss them.
 */
#ifndef LANSCAN_IDENT_H
#define LANSCAN_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "lanscan/facts.h"
#include "lanscan/kind.h"
#include "lanscan/netinfo.h"
#include "lanscan/target.h"

struct ls_probe_cfg;

struct ls_ident_opts {
	int budget_ms;			/* per host: the lookup ends by then */
	const struct ls_probe_cfg *bind;	/* -I/-S for the sockets (NULL: none) */
	size_t body_max;		/* SSDP: the largest description fetched (0: 65536) */
	int fallback_ms;		/* DNS-SD: multicast after this long without a unicast answer (0: budget/3) */
};

/* Counters for --verbose and the bench. */
struct ls_ident_stats {
	uint64_t started, answered;	/* lookups; those with any fact */
	uint64_t sent;			/* packets and connections */
	uint64_t dropped;		/* datagrams that matched no query of ours */
	uint64_t refused;		/* SSDP: LOCATIONs naming another address */
	uint64_t fetch_failed;		/* SSDP: descriptions not read (time, size, malformed) */
};

struct ls_isrc;		/* a source's opened state */
struct ls_iq;		/* one host's lookup */

/* The facts live only during the call. */
typedef void (*ls_ident_cb)(void *arg, const struct ls_fact *facts, size_t n);

struct ls_ident_source {
	const char *name;
	/* Packets a lookup sends at its start (for --rate); at most max_packets
	 * in all (later ones answer what the host said, or are the fallback). */
	unsigned packets, max_packets;
	/* Opens sockets on loop (no privilege needed).  0 or a negative errno. */
	int (*open)(struct ls_isrc **out, uv_loop_t *loop, const struct ls_ident_opts *o, char *err, size_t errlen);
	/* Starts a lookup of addr (reached by path); cb runs once, never from
	 * inside start.  NULL when the source does not apply or on no memory
	 * (cb never runs). */
	struct ls_iq *(*start)(struct ls_isrc *s, const struct ls_addr *addr, const struct ls_path *path, ls_ident_cb cb,
			       void *arg);
	/* Ends a lookup now, cb not called. */
	void (*cancel)(struct ls_iq *q);
	/* The budget ran out: ends the lookup now, cb called at once with the
	 * facts found so far (a slow description loses its fetch, not the
	 * SERVER header or the services heard). */
	void (*expire)(struct ls_iq *q);
	/* Cancels what is left and closes; memory goes in close callbacks. */
	void (*close)(struct ls_isrc *s);
	const struct ls_ident_stats *(*stats)(const struct ls_isrc *s);
};

extern const struct ls_ident_source ls_ident_dnssd, ls_ident_ssdp;

#endif
