/* pipeline.h -- the sweep: lazy targets -> getaddrinfo -> at most N probes -> results as they complete. */
#ifndef LANSCAN_PIPELINE_H
#define LANSCAN_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "lanscan/oui.h"
#include "lanscan/output.h"
#include "lanscan/plan.h"
#include "lanscan/result.h"
#include "lanscan/target.h"

struct ls_stats {
	uint64_t targets, up, down, unknown, unresolved;
	uint64_t sent, dropped;		/* filled in at the end from the methods' counters */
	uint64_t conflicts;		/* addresses that answered from two MACs (likewise) */
};

struct ls_job;
struct ls_pipeline;
typedef void (*ls_pipeline_done_cb)(struct ls_pipeline *p);
/* Receives each result as it completes; returns 0, or a negative errno to
 * stop the sweep (-EPIPE: the reader of the output went away). */
typedef int (*ls_pipeline_result_cb)(struct ls_pipeline *p, const struct ls_result *r);

struct ls_pipeline {
	/* set by the caller before ls_pipeline_start */
	uv_loop_t *loop;
	struct ls_plan *plan;			/* the opened methods */
	ls_pipeline_result_cb result_cb;
	const struct ls_targets *targets;
	const struct ls_targets *exclude;	/* may be NULL */
	unsigned max_jobs;			/* targets probed at once */
	int family;				/* names: 0, AF_INET or AF_INET6 */
	bool resolve_all;
	struct ls_names *names;			/* -n: name lookups (names.h), or NULL */
	struct ls_identify *identify;		/* --identify: recognition lookups (identify.h), or NULL */
	struct ls_oui *oui;			/* vendors of MACs seen (may be NULL) */
	struct ls_linkwatch *linkwatch;		/* our links' breaks (linkwatch.h), or NULL */
	ls_pipeline_done_cb done_cb;
	/* state */
	struct ls_target_iter it;
	struct ls_job *live;			/* every job, for stop */
	struct ls_job *dead;			/* over, freed by the outermost frame */
	unsigned depth;				/* frames of the pipeline on the stack */
	struct ls_job *ready, *ready_tail;	/* resolved, waiting for a probe slot */
	struct ls_job *held, *held_tail;	/* on-link, waiting for room in the neighbour table */
	unsigned onlink, onlink_max;		/* on-link targets that may hold a table entry
						 * (0 before start: from the table's room) */
	unsigned onlink_cap;			/* the most onlink_max may be (the room at the start) */
	unsigned onlink_cap_later;		/* and from onlink_cap_at on: the start's resolutions over */
	double onlink_cap_at;
	unsigned onlink_thresh3;		/* the tables' limit (neighroom.h) */
	double onlink_hold_ms;			/* how long an unanswered one holds its entry */
	bool onlink_room;			/* onlink_max follows the table's room */
	double *releases;			/* when held entries free up (monotonic ms) */
	unsigned nreleases;
	uv_timer_t release_timer;
	bool timer_open;
	unsigned probes, resolving, jobs;
	unsigned lite;				/* lite targets in flight (method.h): no job */
	struct ls_path *paths;			/* their paths, by index */
	unsigned npaths, path_hint;
	bool no_lite;				/* a job for every target (tests, comparisons) */
	bool exhausted, stopping, done, pumping;
	struct ls_stats stats;
	int syserr;				/* negative errno: exit 4 */
	char syserr_msg[320];
	int out_err;				/* result_cb failed (-EPIPE: reader gone) */
};

/* Starts the sweep; done_cb runs once every job has finished (or after stop,
 * once every started job is cancelled).  Returns 0 or a negative errno. */
int ls_pipeline_start(struct ls_pipeline *p);

/* Stops starting jobs and cancels the running ones; done_cb still runs. */
void ls_pipeline_stop(struct ls_pipeline *p);

/* A method cannot work at all: records err (exit 4) and msg, and stops. */
void ls_pipeline_fail(struct ls_pipeline *p, int err, const char *msg);

#endif
