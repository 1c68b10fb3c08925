/* progress.c -- redraw one status line in place on a terminal, and erase it on demand. */
#include "lanscan/progress.h"

#include <stdio.h>
#include <unistd.h>

#include "lanscan/table.h"
#include "lanscan/util.h"

#define REDRAW_MS 100

/* Progress is best effort: a failed write is not an error of the sweep. */
static void write_all(int fd, const char *s, size_t n)
{
	(void)ls_write_all(fd, s, n);
}

static void draw(uv_timer_t *t)
{
	struct ls_progress *p = ls_container_of(t, struct ls_progress, timer);
	double secs = (ls_now_ms() - p->start_ms) / 1000.0;
	unsigned long long done = p->stats->targets;
	double rate = secs > 0 ? (double)done / secs : 0;
	char line[160], eta[32] = "-";
	int n, room = ls_table_columns(p->fd) - 1 + 4;	/* the line never wraps: "\r\033[K" takes no room */

	if (rate > 0 && p->total > done) {
		double left = (double)(p->total - done) / rate;
		snprintf(eta, sizeof(eta), "%d:%02d", (int)(left / 60), (int)left % 60);
	}
	n = snprintf(line, sizeof(line), "\r\033[Klanscan: %llu/%llu done, %llu up, %.0f/s, ETA %s",
		     done, p->total, (unsigned long long)p->stats->up, rate, eta);
	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1;
	if (n > room)
		n = room > 4 ? room : 4;	/* a wrapped line could not be erased in place */
	if (n > 0)
		write_all(p->fd, line, (size_t)n);
	p->shown = true;
}

void ls_progress_start(struct ls_progress *p, uv_loop_t *loop, const struct ls_stats *stats,
		       unsigned long long total, int fd)
{
	p->fd = fd;
	p->stats = stats;
	p->total = total;
	p->start_ms = ls_now_ms();
	p->shown = false;
	uv_timer_init(loop, &p->timer);
	uv_timer_start(&p->timer, draw, REDRAW_MS, REDRAW_MS);
	p->running = true;
}

void ls_progress_clear(struct ls_progress *p)
{
	if (p->shown) {
		write_all(p->fd, "\r\033[K", 4);
		p->shown = false;
	}
}

void ls_progress_stop(struct ls_progress *p)
{
	if (!p->running)
		return;
	ls_progress_clear(p);
	uv_close((uv_handle_t *)&p->timer, NULL);
	p->running = false;
}
