/* ping_parse.h -- read what the system ping printed: replies, round-trip time, why it failed. */
#ifndef LANSCAN_PING_PARSE_H
#define LANSCAN_PING_PARSE_H

#include <stdbool.h>
#include <stddef.h>

struct ls_ping_output {
	int replies;		/* echo replies seen ("bytes from", or the summary) */
	double rtt_ms;		/* average round-trip time, or -1 when none */
	const char *reason;	/* static text: "host unreachable", ... or NULL */
	bool not_permitted;	/* ping could not open its socket (EPERM/EACCES) */
	char message[128];	/* ping's own first error line, for diagnostics */
};

/* Parses iputils (and busybox) ping output: out is its stdout, err its stderr
 * (neither needs a terminating NUL).  Never reads past the given lengths. */
void ls_ping_parse(const char *out, size_t outlen, const char *err, size_t errlen,
		   struct ls_ping_output *res);

#endif
