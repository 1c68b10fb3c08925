/* identify.h -- --identify: every evidence source at once per host that is up, one budget and the --rate for all.
 *
 * The sources (ident.h: DNS-SD, SSDP/UPnP) are opened once per sweep.  A
 * lookup starts when a host is known to be up; it waits for the packets
 * its sources send at their start from the one --rate budget (in order,
 * as the name lookups do), starts every source that applies, gathers
 * their facts, and ends when all have answered or the host's budget
 * (counted from the lookup's start) runs out: what was found by then is
 * what the host said.
 */
#ifndef LANSCAN_IDENTIFY_H
#define LANSCAN_IDENTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "lanscan/facts.h"
#include "lanscan/ident.h"
#include "lanscan/netinfo.h"
#include "lanscan/target.h"

#define LS_IDENT_NSRC 2

struct ls_pacer;
struct ls_probe_cfg;
struct ls_ilookup;

/* Runs once per lookup, never from inside ls_identify_start; the facts
 * live only during the call. */
typedef void (*ls_identify_cb)(void *arg, const struct ls_facts *found);

struct ls_identify {
	uv_loop_t *loop;
	struct ls_pacer *pacer;		/* the one --rate budget (NULL: none) */
	int budget_ms;
	const struct ls_ident_source *src[LS_IDENT_NSRC];
	struct ls_isrc *inst[LS_IDENT_NSRC];
	unsigned packets;		/* what a lookup sends at its start, every source */
	uv_timer_t timer;		/* the earliest deadline, or the rate */
	struct ls_ilookup *head, *tail;	/* every lookup, in deadline order (the done ones first) */
	struct ls_ilookup *first_waiting;	/* the first waiting for the rate; the rest after it wait too */
	unsigned active;
	bool closing;
	char why[256];			/* sources left out (--verbose) */
	char desc[512];			/* the counters, kept when the sources close */
};

/* Opens every source (no privilege needed; bind: -I/-S).  A source that
 * cannot be opened is left out (why).  Returns 0 or -ENOMEM. */
int ls_identify_open(struct ls_identify *id, uv_loop_t *loop, const struct ls_probe_cfg *bind, int budget_ms,
		     struct ls_pacer *pacer);

/* Starts a lookup for addr (reached by path).  Returns it, or NULL when
 * out of memory (cb never runs). */
struct ls_ilookup *ls_identify_start(struct ls_identify *id, const struct ls_addr *addr, const struct ls_path *path,
				     ls_identify_cb cb, void *arg);

/* Ends a lookup now: its cb runs at once with what was found. */
void ls_identify_cancel(struct ls_ilookup *l);

/* Closes the sources once no lookup is left (memory goes in close callbacks). */
void ls_identify_close(struct ls_identify *id);

/* For --verbose: what each source asked, answered, dropped and refused. */
void ls_identify_describe(const struct ls_identify *id, char *buf, size_t len);

#endif
