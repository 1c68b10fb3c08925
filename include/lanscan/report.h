/* report.h -- what a sweep's results become: lines, --state changes, Prometheus, Nagios, progress. */
#ifndef LANSCAN_REPORT_H
#define LANSCAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "lanscan/cli.h"
#include "lanscan/output.h"
#include "lanscan/pipeline.h"
#include "lanscan/progress.h"
#include "lanscan/prom.h"
#include "lanscan/statefile.h"

enum ls_nagios { LS_NAGIOS_OK, LS_NAGIOS_WARNING, LS_NAGIOS_CRITICAL, LS_NAGIOS_UNKNOWN };

struct ls_report {
	const struct ls_options *opt;
	struct ls_output out;
	struct ls_statefile state;
	bool have_state;
	struct ls_prom prom;
	bool want_prom;
	struct ls_progress progress;
	bool stdout_tty;
	double rtt_sum_ms;
	unsigned long long rtt_n;
};

/* Sets up output; with --state, locks and loads the state file.  Returns 0,
 * or a negative errno with a message in err (-EINVAL: not a state file). */
int ls_report_open(struct ls_report *rep, const struct ls_options *opt, char *err, size_t errlen);

/* Starts the progress line when wanted (stderr a terminal, stdout not, or --progress). */
void ls_report_start(struct ls_report *rep, uv_loop_t *loop, const struct ls_stats *stats,
		     unsigned long long total);

/* Takes one result; returns 0 or a negative errno (-EPIPE: output closed). */
int ls_report_result(struct ls_report *rep, const struct ls_result *r);

/* Ends the sweep's reporting.  complete: every target was probed (not
 * interrupted, no system error): only then are "gone" changes printed and
 * the state file replaced.  Writes Prometheus output.  Returns 0, or a
 * negative errno with a message in err. */
int ls_report_finish(struct ls_report *rep, const struct ls_stats *s, double elapsed_s,
		     bool complete, char *err, size_t errlen);

/* Two MACs answered for addr: a line on stderr, and with --state a
 * "conflict" change (previous: the first MAC). */
void ls_report_conflict(struct ls_report *rep, const struct ls_addr *addr, const uint8_t first[6],
			const uint8_t second[6], const char *vendor);

/* --min-up and --max-down hold (each when given)? */
bool ls_report_thresholds_met(const struct ls_options *o, unsigned long long up, unsigned long long down);

/* The Nagios status for these results, and its one-line text with perfdata. */
enum ls_nagios ls_report_nagios(const struct ls_report *rep, const struct ls_stats *s,
				bool complete, double elapsed_s, char *line, size_t len);

/* Stops the progress line (its timer closes on the loop). */
void ls_report_stop(struct ls_report *rep);

void ls_report_close(struct ls_report *rep);

#endif
