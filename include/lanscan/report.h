/* report.h -- what a sweep's results become: --state changes, then every sink (sink.h); progress. */
#ifndef LANSCAN_REPORT_H
#define LANSCAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "lanscan/cli.h"
#include "lanscan/nagios.h"
#include "lanscan/output.h"
#include "lanscan/pipeline.h"
#include "lanscan/progress.h"
#include "lanscan/sink.h"
#include "lanscan/statefile.h"

struct ls_report {
	const struct ls_options *opt;
	struct ls_sink *sinks;		/* every output, in the order they print */
	struct ls_sink *nagios;		/* --nagios: its sink, for the status */
	struct ls_statefile state;
	bool have_state;
	struct ls_progress progress;
	bool stdout_tty;
	enum ls_show shown;		/* what standard output prints of the results */
	bool finished;
};

/* What the sinks need to know of the sweep beyond the options. */
struct ls_report_ctx {
	int addr_width;		/* the table: the widest address swept (15 for IPv4 only) */
	bool names;		/* names are asked for */
};

/* Sets up the sinks the options ask for; with --state, locks and loads the
 * state file.  Returns 0, or a negative errno with a message in err
 * (-EINVAL: not a state file). */
int ls_report_open(struct ls_report *rep, const struct ls_options *opt, const struct ls_report_ctx *ctx,
		   char *err, size_t errlen);

/* Starts the progress line when wanted (stderr a terminal, or --progress). */
void ls_report_start(struct ls_report *rep, uv_loop_t *loop, const struct ls_stats *stats,
		     unsigned long long total);

/* Takes one result; returns 0 or a negative errno (-EPIPE: output closed). */
int ls_report_result(struct ls_report *rep, const struct ls_result *r);

/* Ends the sweep's reporting.  sum->complete: every target was probed (not
 * interrupted, no system error): only then are "gone" changes printed and
 * the state file replaced.  Every sink finishes.  Returns 0, or the first
 * negative errno with a message in err. */
int ls_report_finish(struct ls_report *rep, const struct ls_summary *sum, char *err, size_t errlen);

/* Two MACs answered for addr: a line on stderr, and a "conflict" event
 * for the sinks (and with --state the state file). */
void ls_report_conflict(struct ls_report *rep, const struct ls_addr *addr, const uint8_t first[6],
			const uint8_t second[6], const char *vendor);

/* --min-up and --max-down hold (each when given)? */
bool ls_report_thresholds_met(const struct ls_options *o, unsigned long long up, unsigned long long down);

/* --nagios: the status the sink printed (UNKNOWN when it printed none). */
enum ls_nagios ls_report_nagios_status(const struct ls_report *rep);

/* The totals of a sweep from its counters. */
void ls_report_summary(struct ls_summary *sum, const struct ls_stats *s, double elapsed_s, bool complete,
		       bool interrupted);

/* Stops the progress line (its timer closes on the loop). */
void ls_report_stop(struct ls_report *rep);

void ls_report_close(struct ls_report *rep);

#endif
