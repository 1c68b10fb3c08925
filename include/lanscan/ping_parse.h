/* ping_parse.h -- read what the system ping printed: replies, round-trip time, why it failed. */
#ifndef LANSCAN_PING_PARSE_H
#define LANSCAN_PING_PARSE_H

#include <stdbool.h>
#include <stddef.h>

struct ls_ping_output {
	int replies;		/* echo replies from the target ("bytes from" lines that pass) */
	int rejected;		/* reply lines that did not: another address, duplicate, damaged */
	double rtt_ms;		/* average round-trip time of the replies counted, or -1 */
	double rtt_min_ms, rtt_max_ms;	/* their least and most, or -1 */
	const char *reason;	/* static text: "host unreachable", ... or NULL */
	bool not_permitted;	/* ping could not open its socket (EPERM/EACCES) */
	char message[128];	/* ping's own first error line, for diagnostics */
};

/* Parses iputils (and busybox) ping output: out is its stdout, err its stderr
 * (neither needs a terminating NUL).  A reply counts only when its line
 * names `target` (the numeric address ping was given; NULL: any) as the
 * source and is not marked DIFFERENT ADDRESS, DUP, truncated, bad checksum or
 * followed by "wrong data byte", and its time is at most max_rtt_ms (how long
 * ping ran; <= 0: no bound).  ping's own summary is not trusted (it counts
 * replies from anywhere).  Never reads past the given lengths. */
void ls_ping_parse(const char *out, size_t outlen, const char *err, size_t errlen, const char *target,
		   double max_rtt_ms, struct ls_ping_output *res);

#endif
