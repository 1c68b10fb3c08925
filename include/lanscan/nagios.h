/* nagios.h -- Nagios plugin threshold ranges ("10", "10:", "~:10", "10:20", "@10:20"). */
#ifndef LANSCAN_NAGIOS_H
#define LANSCAN_NAGIOS_H

#include <stdbool.h>
#include <stdio.h>

#include "lanscan/sink.h"

/* A range as the Monitoring Plugins guidelines define it: an alert is
 * raised when the value is outside start..end, or inside it with '@'.
 * "10" is 0..10, "10:" is 10..infinity, "~:10" is -infinity..10. */
struct ls_range {
	bool set;
	bool inside;		/* '@': alert inside the range */
	bool has_lo, has_hi;	/* false: infinite on that side */
	double lo, hi;
	char text[32];		/* as given, for perfdata */
};

/* Parses text into r.  Returns 0, or -EINVAL (start above end, not a
 * number, longer than 31 bytes). */
int ls_range_parse(const char *text, struct ls_range *r);

/* Does v raise an alert?  An unset range never does. */
bool ls_range_alert(const struct ls_range *r, double v);

enum ls_nagios { LS_NAGIOS_OK, LS_NAGIOS_WARNING, LS_NAGIOS_CRITICAL, LS_NAGIOS_UNKNOWN };

/* The thresholds of a Nagios check (-x/--min-up, --max-down, --warning,
 * --critical); min_up and max_down are -1 when not given. */
struct ls_nagios_cfg {
	long long min_up, max_down;
	struct ls_range warning, critical;
};

/* --min-up and --max-down hold (each when given)? */
bool ls_nagios_thresholds_met(const struct ls_nagios_cfg *c, unsigned long long up, unsigned long long down);

/* The status for a sweep's totals, and its one-line text with perfdata
 * (rtt_avg_ms < 0: no RTT measured). */
enum ls_nagios ls_nagios_status(const struct ls_nagios_cfg *c, const struct ls_summary *s, double rtt_avg_ms,
				char *line, size_t len);

/* The Nagios sink: at finish, prints the status line on out.  Returns NULL
 * when out of memory. */
struct ls_sink *ls_nagios_sink_new(const struct ls_nagios_cfg *c, FILE *out);

/* The status its finish printed (UNKNOWN before, or when the line could not be written). */
enum ls_nagios ls_nagios_sink_status(const struct ls_sink *s);

#endif
