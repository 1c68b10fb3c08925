/* timing.h -- the RTT estimator (smoothed RTT and variance, as TCP) and a token bucket for --rate. */
#ifndef LANSCAN_TIMING_H
#define LANSCAN_TIMING_H

#include <stdbool.h>

/* RFC 6298: srtt and rttvar from samples; the timeout is
 * clamp(srtt + 4 * rttvar, min, max), or `initial` before any sample. */
struct ls_rtt {
	double srtt, rttvar;
	double initial, min, max;	/* milliseconds */
	bool have_sample;
};

void ls_rtt_init(struct ls_rtt *r, double initial_ms, double min_ms, double max_ms);
void ls_rtt_sample(struct ls_rtt *r, double rtt_ms);
double ls_rtt_timeout(const struct ls_rtt *r);

/* A token bucket: `rate` tokens a second, at most `burst` saved up; rate 0
 * means unlimited.  Time is passed in (milliseconds), so tests drive it. */
struct ls_bucket {
	double rate, burst, tokens, last_ms;
};

void ls_bucket_init(struct ls_bucket *b, double rate, double burst, double now_ms);

/* Takes up to `want` tokens; returns how many it took. */
unsigned ls_bucket_take(struct ls_bucket *b, unsigned want, double now_ms);

#endif
