/* timing.c -- RTT estimation and rate limiting, pure arithmetic on times passed in. */
#include "lanscan/timing.h"

void ls_rtt_init(struct ls_rtt *r, double initial_ms, double min_ms, double max_ms)
{
	r->srtt = r->rttvar = 0;
	r->initial = initial_ms;
	r->min = min_ms;
	r->max = max_ms;
	r->have_sample = false;
}

void ls_rtt_sample(struct ls_rtt *r, double rtt_ms)
{
	double err;

	if (rtt_ms < 0)
		return;
	if (!r->have_sample) {
		r->srtt = rtt_ms;
		r->rttvar = rtt_ms / 2;
		r->have_sample = true;
		return;
	}
	err = r->srtt > rtt_ms ? r->srtt - rtt_ms : rtt_ms - r->srtt;
	r->rttvar = 0.75 * r->rttvar + 0.25 * err;
	r->srtt = 0.875 * r->srtt + 0.125 * rtt_ms;
}

double ls_rtt_timeout(const struct ls_rtt *r)
{
	double t = r->have_sample ? r->srtt + 4 * r->rttvar : r->initial;

	if (t < r->min)
		t = r->min;
	if (t > r->max)
		t = r->max;
	return t;
}

void ls_bucket_init(struct ls_bucket *b, double rate, double burst, double now_ms)
{
	b->rate = rate;
	b->burst = burst < 1 ? 1 : burst;
	b->tokens = b->burst;
	b->last_ms = now_ms;
}

unsigned ls_bucket_take(struct ls_bucket *b, unsigned want, double now_ms)
{
	unsigned got;

	if (b->rate <= 0)
		return want;
	if (now_ms > b->last_ms) {
		b->tokens += (now_ms - b->last_ms) * b->rate / 1000.0;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last_ms = now_ms;
	}
	got = b->tokens >= want ? want : (unsigned)b->tokens;
	b->tokens -= got;
	return got;
}
