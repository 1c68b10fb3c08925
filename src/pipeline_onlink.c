/* pipeline_onlink.c -- on-link targets held to the room of the kernel's neighbour table (neighroom.h). */
#include "pipeline_internal.h"

#include <sys/socket.h>

#include "lanscan/neighroom.h"
#include "lanscan/util.h"

/* The table's room now: our places are at most those held plus what it
 * has free, never more than at the start.  (Growing past that would count
 * as free the entries of targets started but not yet sent: the kernel's
 * entries are made as the paced probes go out.  The release timers already
 * follow the kernel's pace; this only yields to the machine's other users.)
 * The resolutions under way at the start (a sweep just before ours: its
 * last targets' entries) are over within an entry's life: from then on the
 * room at the start is counted without them. */
static void room_update(struct ls_pipeline *p)
{
	struct ls_neigh_room r = { .thresh3 = p->onlink_thresh3 };
	unsigned h4, h6, places;

	if (p->onlink_cap_later > p->onlink_cap && ls_now_ms() >= p->onlink_cap_at)
		p->onlink_cap = p->onlink_cap_later;
	if (ls_neigh_room_count(AF_INET, &h4, NULL) != 0 || ls_neigh_room_count(AF_INET6, &h6, NULL) != 0)
		return;
	r.held = h4 + h6;
	places = p->onlink + ls_neigh_room_places(&r);
	p->onlink_max = places < p->onlink_cap ? places : p->onlink_cap;
}

/* Places for on-link targets from the tables' room (neighroom.h). */
void ls__onlink_init(struct ls_pipeline *p)
{
	struct ls_neigh_room r4, r6;
	unsigned a, b;

	if (ls_neigh_room_read(AF_INET, 0, &r4) != 0 || ls_neigh_room_read(AF_INET6, 0, &r6) != 0) {
		p->onlink_max = p->onlink_cap = p->onlink_cap_later = 256;	/* no table to read: the old, safe pace */
		p->onlink_hold_ms = LS_ONLINK_HOLD_MS;
		return;
	}
	a = ls_neigh_room_places(&r4);
	b = ls_neigh_room_places(&r6);
	p->onlink_max = p->onlink_cap = a < b ? a : b;
	p->onlink_thresh3 = r4.thresh3 < r6.thresh3 ? r4.thresh3 : r6.thresh3;
	p->onlink_hold_ms = (r4.incomplete_ms > r6.incomplete_ms ? r4.incomplete_ms : r6.incomplete_ms) +
			    LS_ONLINK_MARGIN_MS;
	r4.held -= r4.resolving;
	r6.held -= r6.resolving;
	a = ls_neigh_room_places(&r4);
	b = ls_neigh_room_places(&r6);
	p->onlink_cap_later = a < b ? a : b;
	p->onlink_cap_at = ls_now_ms() + p->onlink_hold_ms;
	p->onlink_room = true;
}

static void on_release_tick(uv_timer_t *t)
{
	struct ls_pipeline *p = ls_container_of(t, struct ls_pipeline, release_timer);
	double now = ls_now_ms();
	unsigned i = 0;

	ls__pl_enter(p);
	while (i < p->nreleases) {
		if (p->releases[i] <= now) {
			p->releases[i] = p->releases[--p->nreleases];
			p->onlink--;
		} else {
			i++;
		}
	}
	if (p->onlink_room && p->held != NULL)
		room_update(p);
	if (p->nreleases == 0)
		uv_timer_stop(t);
	ls__pl_leave(p);	/* fills the window */
}

/* Gives back a job's on-link place: now if the host answered (its entry is
 * complete), else once its entry can have failed. */
void ls__onlink_release(struct ls_pipeline *p, struct ls_job *job)
{
	double at = job->started_ms + p->onlink_hold_ms, now = ls_now_ms();

	job->onlink = false;
	if (job->race.state == LS_UP || at <= now || p->releases == NULL) {
		p->onlink--;
		return;
	}
	p->releases[p->nreleases++] = at;
	if (p->nreleases == 1)
		uv_timer_start(&p->release_timer, on_release_tick, RELEASE_TICK_MS, RELEASE_TICK_MS);
}
