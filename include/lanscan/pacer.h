/* pacer.h -- the one --rate budget every method draws from, and how close the sweep came to it. */
#ifndef LANSCAN_PACER_H
#define LANSCAN_PACER_H

#include <stdbool.h>
#include <stdint.h>

#include "lanscan/timing.h"

struct ls_pacer {
	struct ls_bucket bucket;	/* rate 0: unlimited */
	uint64_t taken;			/* packets sent so far, all methods */
	/* while senders had more queued than they asked for (the rate, or
	 * the machine, was the limit): packets and time */
	uint64_t busy_taken;
	double busy_ms, last_busy_ms;
};

/* rate: packets a second over every method (0 unlimited); bursts of 10 ms. */
void ls_pacer_init(struct ls_pacer *p, double rate, double now_ms);

/* Takes up to `want` packets' worth; returns how many may go now.
 * `backlog`: the caller has more waiting than it asks for. */
unsigned ls_pacer_take(struct ls_pacer *p, unsigned want, bool backlog, double now_ms);

/* Returns packets taken but not sent (the socket was full). */
void ls_pacer_giveback(struct ls_pacer *p, unsigned n);

/* The rate achieved while senders were backlogged (packets a second), 0
 * when they never were for long (100 ms): then nothing was held back. */
double ls_pacer_achieved(const struct ls_pacer *p);

#endif
