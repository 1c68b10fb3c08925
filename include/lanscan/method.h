/* method.h -- a probe method: one file each, behind one interface; several are raced per target (race.h).
 *
 * A method is opened once per sweep (its sockets, its settings), then asked
 * for each target whether it applies; the race starts an attempt of every
 * method that does.  An attempt reports through the ls_attempt_* calls below
 * (implemented by race.c): any number of negatives, at most one answer, and
 * exactly one done, after which the method never touches it again.
 */
#ifndef LANSCAN_METHOD_H
#define LANSCAN_METHOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "lanscan/netinfo.h"
#include "lanscan/result.h"
#include "lanscan/target.h"

/* Method bits, as --method names them. */
enum {
	LS_M_ICMP = 1, LS_M_ARP = 2, LS_M_ND = 4, LS_M_TCP = 8, LS_M_NEIGH = 16, LS_M_PING = 32
};
#define LS_M_ALL 63
#define LS_MAX_METHODS 6
#define LS_MAX_PORTS 64

/* What every method may read: the sweep's settings. */
struct ls_probe_cfg {
	int wait_ms;		/* -t: a target's wait, from a method's first probe to "no answer" */
	int retries;		/* packet methods: probes sent again to a silent target within its wait */
	int ping_retries;	/* ping: runs again after a silent one */
	int min_rto_ms;		/* bounds of the adaptive retransmission timeout */
	int max_rto_ms;
	unsigned rate;		/* packets a second over all methods, 0 unlimited */
	unsigned window;	/* targets in flight at once */
	int count;		/* ping: echo requests per target */
	unsigned ping_jobs;	/* ping: programs running at once */
	const char *ping_cmd;	/* ping: the program */
	char **env;		/* ping: its environment */
	const char *ifname;	/* -I: every socket is bound to this interface (NULL: none) */
	int ifindex;		/* its index, 0 when none */
	struct ls_addr source;	/* -S: the source for targets of its family (family 0: the route's) */
	const uint16_t *ports;	/* tcp: the ports, in order */
	size_t nports;
	bool verbose;
};

/* Why packets were not taken as answers (-v prints the counts). */
enum ls_reject {
	LS_REJ_MALFORMED,	/* truncated or not parseable */
	LS_REJ_CHECKSUM,	/* bad checksum */
	LS_REJ_FOREIGN,		/* not one of our probes (other id, another program's) */
	LS_REJ_COOKIE,		/* our id, but the payload does not carry the probe's cookie */
	LS_REJ_STALE,		/* for a probe that is no longer outstanding (duplicates, late) */
	LS_REJ_SOURCE,		/* from an address other than the probe's target */
	LS_REJ_UNSOLICITED,	/* ARP/ND for an address we did not ask about */
	LS_REJ_HOPLIMIT,	/* ND not sent with hop limit 255 */
	LS_REJ_MAX
};

/* Counters the methods share: the summary, -v, NDJSON and Prometheus report them. */
struct ls_counters {
	uint64_t sent;			/* packets (and connection attempts) sent */
	uint64_t dropped;		/* packets the kernel dropped on our receive sockets */
	uint64_t rejected[LS_REJ_MAX];
	uint64_t conflicts;		/* addresses that answered from two MACs */
	double drop_ms;			/* monotonic time of the last drop seen, 0 when none */
	uint64_t local;			/* probes our own machine failed to send or start */
	int local_err;			/* the first one's error (a positive errno) */
};

/* A probe our own machine could not send (ENETUNREACH from our routing
 * table, a connect that failed at once, ENOMEM): no answer of the target's,
 * so its target is unknown, and the sweep says why once (app_sweep.c). */
static inline void ls_counters_local(struct ls_counters *c, int err)
{
	c->local++;
	if (c->local_err == 0)
		c->local_err = err;
}

const char *ls_reject_name(enum ls_reject r);

/* Binds a new socket of family to -I's interface and -S's address (those
 * the settings have).  Returns 0 or a negative errno (plan.c). */
int ls_probe_bind(int fd, int family, const struct ls_probe_cfg *cfg);

struct ls_pacer;
struct ls_method;
struct ls_minst;		/* a method's opened state: its own struct */

/* Two MACs answered for one address in this sweep (a duplicate address). */
typedef void (*ls_conflict_cb)(void *arg, const struct ls_addr *addr, const uint8_t first[6],
			       const uint8_t second[6]);

/* A target in flight on one packet method alone, with no race of its own
 * (issue 22: at 100 k packets a second with a 1 s wait, every address of
 * a /16 is in flight at once, and a race with its job is ~390 bytes).  The
 * pipeline starts such a "lite" target when an IPv4 address has exactly one
 * cheap method and that method's engine keeps lite slots (ICMP, ARP); the
 * engine's slot is then the target's whole state.  The engine calls adopt
 * when the target needs a race after all (an answer, a negative, or its
 * silence when a costly method such as TCP follows), and end when the
 * target is over without one (down, or unknown with a reason). */
struct ls_spec;
struct ls_lite_target {
	const struct ls_spec *spec;	/* the target as the user gave it */
	struct ls_addr addr;
	uint16_t path;			/* an index into ls_lite.paths */
	double first_ms;		/* monotonic time of its first probe, 0: never sent */
};

struct ls_lite {
	/* set by the owner (the pipeline) before any lite start */
	void *arg;
	/* The target's race, with method mi's attempt started and holding
	 * `handle`: the engine goes on with that attempt.  NULL: no memory (the
	 * engine then ends the target as unknown). */
	struct ls_attempt *(*adopt)(struct ls_lite *l, const struct ls_lite_target *t, unsigned mi,
				    uint32_t handle);
	/* The target is over with no race: down (unknown NULL) or unknown
	 * (why; copied), or cancelled (nothing to report). */
	void (*end)(struct ls_lite *l, const struct ls_lite_target *t, const char *unknown, bool cancelled);
	const struct ls_path *paths;	/* the paths of lite targets, by index */
};

/* What a method gets when it is opened. */
struct ls_menv {
	uv_loop_t *loop;
	const struct ls_probe_cfg *cfg;
	struct ls_pacer *pacer;			/* the one token bucket (pacer.h) */
	const struct ls_netinfo *net;		/* interfaces and routes */
	struct ls_counters *counters;
	ls_conflict_cb conflict;		/* may be NULL */
	void *conflict_arg;
	struct ls_lite *lite;			/* the owner of lite targets (plan.h) */
	unsigned mi;				/* this method's index in the plan */
};

/* One method's work on one target.  Lives inside the target's race. */
struct ls_attempt {
	uint32_t handle;	/* the method's own: a slot index, ... */
	uint8_t mi;		/* which method of the plan */
	uint8_t idx;		/* its index in the race */
	uint8_t flags;		/* the race's */
	uint8_t spare;
};

/* The target of an attempt, and the path to it (race.c). */
const struct ls_addr *ls_attempt_addr(const struct ls_attempt *a);
const struct ls_path *ls_attempt_path(const struct ls_attempt *a);
/* Whether a costly method (TCP) has started on the attempt's target: its
 * probes then stand in for a packet method's retries (engine.c). */
bool ls_attempt_followed(const struct ls_attempt *a);

/* A positive answer: the target is up.  The race cancels the other attempts. */
void ls_attempt_answer(struct ls_attempt *a, const struct ls_answer *ans);
/* A negative answer (an ICMP error quoting our probe, a refused route): it
 * stays provisional until the target's wait ends; a later answer beats it.
 * `reason` must outlive the sweep (a string literal). */
void ls_attempt_negative(struct ls_attempt *a, const char *reason);
/* The first exchange went unanswered: the race may start costlier methods. */
void ls_attempt_silent(struct ls_attempt *a);
/* The method is finished with the attempt; it never touches it again (the
 * race may free it at once).  `unknown`: NULL, or why its silence proves
 * nothing ("the kernel dropped replies", "ping was killed"): copied. */
void ls_attempt_done(struct ls_attempt *a, const char *unknown);
/* The method cannot work at all (exit 4): err is a negative errno. */
void ls_attempt_fatal(struct ls_attempt *a, int err, const char *msg);

struct ls_method {
	const char *name;
	unsigned bit;		/* LS_M_* */
	bool costly;		/* started only once the cheap methods' first exchange was silent */
	/* Opens the method's sockets and state (before privileges are dropped).
	 * Returns 0, or a negative errno with a message in err. */
	int (*open)(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen);
	/* How many attempts it can run at once (0: no limit of its own). */
	size_t (*capacity)(struct ls_minst *mi);
	/* Whether the method can tell anything about addr over path. */
	bool (*applies)(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path);
	/* Starts an attempt.  Returns 0 (done will follow), or a negative errno
	 * (the attempt never started; nothing will be reported). */
	int (*start)(struct ls_minst *mi, struct ls_attempt *a);
	/* Ends a started attempt early; done still follows (maybe at once). */
	void (*cancel)(struct ls_minst *mi, struct ls_attempt *a);
	/* Optional, for a packet method whose engine keeps lite targets (an
	 * IPv4 address, see struct ls_lite): starts one (0 or a negative
	 * errno), `follow` when costly methods follow its silence; and
	 * cancels every lite target (each still ends). */
	int (*start_lite)(struct ls_minst *mi, const struct ls_spec *spec, const struct ls_addr *addr,
			  uint16_t path, bool follow);
	void (*cancel_lite)(struct ls_minst *mi);
	/* Closes the method once no attempt is left; memory goes in close callbacks. */
	void (*close)(struct ls_minst *mi);
	/* Optional: a line for -v about how it was opened ("raw socket", ...). */
	const char *(*describe)(struct ls_minst *mi);
};

extern const struct ls_method ls_method_icmp;
extern const struct ls_method ls_method_arp;
extern const struct ls_method ls_method_nd;
extern const struct ls_method ls_method_tcp;	/* connect(), unprivileged */
extern const struct ls_method ls_method_syn;	/* raw SYNs: opened instead of tcp where allowed */
extern const struct ls_method ls_method_neigh;
extern const struct ls_method ls_method_ping;

#endif
