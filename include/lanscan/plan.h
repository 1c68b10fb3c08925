/* plan.h -- which methods a sweep runs (--method, privileges, paths), opened once before privileges drop. */
#ifndef LANSCAN_PLAN_H
#define LANSCAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "lanscan/method.h"
#include "lanscan/netinfo.h"
#include "lanscan/pacer.h"

struct ls_plan;
typedef void (*ls_plan_fatal_cb)(struct ls_plan *pl, int err, const char *msg);

struct ls_plan {
	/* set by the caller before ls_plan_open */
	struct ls_probe_cfg cfg;
	unsigned want;			/* LS_M_* bits; 0: every method that works here */
	ls_plan_fatal_cb fatal;		/* a method cannot work at all */
	ls_conflict_cb conflict;	/* two MACs answered for one address (may be NULL) */
	void *data;			/* the caller's */
	/* state */
	uv_loop_t *loop;
	struct ls_counters counters;
	struct ls_pacer pacer;
	struct ls_menv env;
	struct ls_lite lite;		/* filled by the pipeline (method.h) */
	bool have_net;
	struct ls_netinfo net;
	const struct ls_method *m[LS_MAX_METHODS];
	struct ls_minst *inst[LS_MAX_METHODS];
	unsigned n;
	char why[512];			/* for -v: what was chosen and why */
};

/* Opens the methods: the ones in `want`, each of which must open (else an
 * error), or with want 0 every one that can (ICMP falls back to ping).
 * Returns 0, or a negative errno with a message in err. */
int ls_plan_open(struct ls_plan *pl, uv_loop_t *loop, char *err, size_t errlen);

/* The path to addr (LS_ROUTE_NONE when the routes are unknown). */
void ls_plan_path(const struct ls_plan *pl, const struct ls_addr *addr, struct ls_path *path);

/* Whether method i runs on addr: it applies, and (auto) no link-layer
 * method (ARP, ND) already covers the on-link target. */
bool ls_plan_applies(const struct ls_plan *pl, unsigned i, const struct ls_addr *addr, const struct ls_path *path);

/* Whether probing addr makes the kernel resolve it (an on-link target that
 * some method other than ARP and ND will probe): such targets are paced so
 * the kernel's neighbour table does not overflow (pipeline.c). */
bool ls_plan_uses_table(const struct ls_plan *pl, const struct ls_addr *addr, const struct ls_path *path);

/* Targets that can be in flight at once: the smallest method capacity. */
size_t ls_plan_window(const struct ls_plan *pl, size_t want);

/* Whether method i keeps lite targets (method.h). */
bool ls_plan_lite(const struct ls_plan *pl, unsigned i);

/* Cancels every lite target of every method (each still ends). */
void ls_plan_cancel_lite(struct ls_plan *pl);

/* Closes every method (their memory goes in close callbacks). */
void ls_plan_close(struct ls_plan *pl);

/* For -v: packets sent, dropped, and those not taken as answers, by reason. */
int ls_plan_counters(const struct ls_plan *pl, char *buf, size_t len);

/* For race.c: the method and instance of an attempt. */
const struct ls_method *ls_plan_method(const struct ls_plan *pl, unsigned mi);
struct ls_minst *ls_plan_inst(const struct ls_plan *pl, unsigned mi);

#endif
