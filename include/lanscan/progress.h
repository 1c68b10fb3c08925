/* progress.h -- a progress line on standard error: done/total, up, rate, ETA; at most 10 redraws a second. */
#ifndef LANSCAN_PROGRESS_H
#define LANSCAN_PROGRESS_H

#include <stdbool.h>
#include <uv.h>

#include "lanscan/pipeline.h"

struct ls_progress {
	uv_timer_t timer;
	int fd;
	bool running, shown;
	const struct ls_stats *stats;
	unsigned long long total;
	double start_ms;
};

/* Starts redrawing the line on fd every 100 ms. */
void ls_progress_start(struct ls_progress *p, uv_loop_t *loop, const struct ls_stats *stats,
		       unsigned long long total, int fd);

/* Erases the line, if shown, so that other output starts on a clean line;
 * the next redraw brings it back. */
void ls_progress_clear(struct ls_progress *p);

/* Erases the line and closes the timer. */
void ls_progress_stop(struct ls_progress *p);

#endif
