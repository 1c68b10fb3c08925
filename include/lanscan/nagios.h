/* nagios.h -- Nagios plugin threshold ranges ("10", "10:", "~:10", "10:20", "@10:20"). */
#ifndef LANSCAN_NAGIOS_H
#define LANSCAN_NAGIOS_H

#include <stdbool.h>

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

#endif
