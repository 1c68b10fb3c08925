/* sink.h -- where results go: one interface (result, change, finish) for every output.
 *
 * TSV and NDJSON lines, the terminal table, Prometheus, Nagios, the
 * summary and the HTML report are each a sink.  report.c turns the
 * sweep's results into calls: result() for each host as it completes, or
 * with --state change() for what changed; change() also carries events
 * that are not host records ("conflict", "gone"); finish() once at the
 * end with the sweep's totals.  A sink returns 0 or a negative errno
 * (-EPIPE: its reader went away), with a message in err from finish.
 */
#ifndef LANSCAN_SINK_H
#define LANSCAN_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/fields.h"
#include "lanscan/result.h"

/* The sweep's totals, for finish. */
struct ls_summary {
	uint64_t targets, up, down, unknown, unresolved;	/* unknown counts unresolved too */
	uint64_t sent, dropped, conflicts;
	double elapsed_s;
	double timestamp_s;		/* when it ended (wall clock) */
	bool complete;			/* every target probed: no signal, no system error */
	bool interrupted;		/* by a signal */
	const char *failure;		/* why it did not complete (for Nagios), or NULL */
};

struct ls_sink;

struct ls_sink_ops {
	int (*result)(struct ls_sink *s, const struct ls_result *r);
	/* event: "new", "up", "down", "renamed", "gone", "mac", "flip" (the
	 * host's record, previous: the old value) or "conflict" (not a host
	 * record: r carries the address, the second MAC and its vendor;
	 * previous: the first MAC). */
	int (*change)(struct ls_sink *s, const char *event, const struct ls_result *r, const char *previous);
	int (*finish)(struct ls_sink *s, const struct ls_summary *sum, char *err, size_t errlen);
	void (*free)(struct ls_sink *s);
};

struct ls_sink {
	const struct ls_sink_ops *ops;
	bool changes;			/* --state: gets change() for what changed, not result() */
	struct ls_sink *next;		/* the report's list */
};

enum ls_show { LS_SHOW_ALL, LS_SHOW_ALIVE, LS_SHOW_UNREACHABLE, LS_SHOW_NOT_DOWN };

/* Does a result in state st pass the -a/-u filter? */
bool ls_show_passes(enum ls_show show, enum ls_state st);

#endif
