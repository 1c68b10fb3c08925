/* probe.h -- the probe interface: each method is one file behind start, cancel and a callback. */
#ifndef LANSCAN_PROBE_H
#define LANSCAN_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "lanscan/output.h"
#include "lanscan/target.h"

struct ls_probe_opts {
	int count;		/* echo requests per try */
	int timeout_ms;		/* ping: wait for each reply; icmp: the starting timeout */
	int retries;		/* more tries for a silent host */
	const char *ping_cmd;	/* program for the ping method */
	char **env;		/* environment of spawned programs */
	unsigned rate;		/* icmp: packets a second, 0 unlimited */
	int min_timeout_ms;	/* icmp: bounds of the adaptive timeout */
	int max_timeout_ms;
	unsigned window;	/* icmp: probes at once (slots) */
	void *ctx;		/* the method's shared state, made by open() */
};

struct ls_probe;
typedef void (*ls_probe_cb)(struct ls_probe *probe);

/* Embedded in its owner (container_of gets back to it).  The caller fills the
 * first four fields; the method fills the results before calling cb. */
struct ls_probe {
	uv_loop_t *loop;
	const struct ls_probe_opts *opts;
	struct ls_addr addr;
	ls_probe_cb cb;
	/* results, valid in cb */
	enum ls_state state;
	double rtt_ms;		/* < 0: none */
	char error[128];	/* why down or unknown; empty when none */
	int syserr;		/* negative errno: the method cannot work at all */
	bool cancelled;
	void *priv;		/* the method's own state */
};

struct ls_probe_method {
	const char *name;
	/* Opens what the method's probes share (sockets, timers) into
	 * opts->ctx.  Returns 0, or a negative errno with a message in err.
	 * NULL: nothing to open. */
	int (*open)(uv_loop_t *loop, struct ls_probe_opts *opts, char *err, size_t errlen);
	/* Closes it once no probe runs; its memory is freed in close callbacks. */
	void (*close)(struct ls_probe_opts *opts);
	/* Starts probing p->addr.  Returns 0, after which p->cb runs exactly
	 * once, when every handle the method opened is closed; or a negative
	 * errno (-ENOENT: the program is missing), and cb never runs. */
	int (*start)(struct ls_probe *p);
	/* Asks a started probe to end now; cb still runs, with cancelled set. */
	void (*cancel)(struct ls_probe *p);
};

extern const struct ls_probe_method ls_probe_ping;
extern const struct ls_probe_method ls_probe_icmp;

#endif
