/* race.c -- one target's methods raced: cheap ones at once, costly ones once the cheap are silent.
 *
 * The first answer decides up and cancels the rest; a negative (an ICMP
 * error) is only provisional; down is decided when every attempt is done.
 * A method's silence that proves nothing (the kernel dropped replies) makes
 * the target unknown rather than down.  Attempts are 8-byte records inside
 * the race, so a large window stays small; container arithmetic gets from an
 * attempt back to its race.
 */
#include "lanscan/race.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/plan.h"

enum { R_RUNNING, R_DECIDED, R_FINISHED };
enum { A_STARTED = 1, A_DONE = 2, A_SILENT = 4, A_COSTLY = 8 };

static struct ls_race *race_of(const struct ls_attempt *a)
{
	const struct ls_attempt *first = a - a->idx;

	return (struct ls_race *)((char *)(uintptr_t)first - offsetof(struct ls_race, att));
}

const struct ls_addr *ls_attempt_addr(const struct ls_attempt *a) { return &race_of(a)->addr; }
const struct ls_path *ls_attempt_path(const struct ls_attempt *a) { return &race_of(a)->path; }

bool ls_attempt_followed(const struct ls_attempt *a)
{
	const struct ls_race *r = race_of(a);
	unsigned i;

	for (i = 0; i < r->n; i++)
		if ((r->att[i].flags & (A_COSTLY | A_STARTED)) == (A_COSTLY | A_STARTED))
			return true;
	return false;
}

static void decide(struct ls_race *r, enum ls_state state)
{
	r->phase = R_DECIDED;
	r->state = state;
	if (!r->cancelled)
		r->decided(r);
}

/* Finishes the race when nothing is left to run or wait for. */
static void check(struct ls_race *r)
{
	unsigned i;

	if (r->starting || r->running > 0 || r->phase == R_FINISHED)
		return;
	for (i = 0; i < r->n; i++)
		if (!(r->att[i].flags & A_DONE))
			return;	/* a costly attempt not started yet */
	if (r->phase == R_RUNNING)
		decide(r, r->unknown != NULL ? LS_UNKNOWN : LS_DOWN);
	r->phase = R_FINISHED;
	r->finished(r);	/* may free r */
}

static void start_one(struct ls_race *r, struct ls_attempt *a)
{
	const struct ls_method *m = ls_plan_method(r->plan, a->mi);
	int rc;

	a->flags |= A_STARTED;
	r->running++;
	rc = m->start(ls_plan_inst(r->plan, a->mi), a);
	if (rc != 0) {	/* never started: nothing will be reported */
		r->running--;
		a->flags |= A_DONE;
	}
}

/* Starts attempts of one kind (cheap or costly) that have not started. */
static void start_kind(struct ls_race *r, bool costly)
{
	unsigned i;
	bool was = r->starting;

	r->starting = true;
	for (i = 0; i < r->n && r->phase == R_RUNNING && !r->cancelled; i++)
		if (!(r->att[i].flags & (A_STARTED | A_DONE)) && !!(r->att[i].flags & A_COSTLY) == costly)
			start_one(r, &r->att[i]);
	r->starting = was;
}

/* The costly methods start once every cheap attempt is silent or done. */
static void maybe_costly(struct ls_race *r)
{
	unsigned i;

	if (r->phase != R_RUNNING || r->cancelled)
		return;
	/* A router said the target cannot be reached (or may not be): a
	 * costlier probe would draw the same error, and routers rate-limit
	 * their errors (Linux: about one a second after a burst of five). */
	if (r->negative != NULL) {
		for (i = 0; i < r->n; i++)
			if ((r->att[i].flags & A_COSTLY) && !(r->att[i].flags & A_STARTED))
				r->att[i].flags |= A_DONE;
		return;
	}
	for (i = 0; i < r->n; i++)
		if (!(r->att[i].flags & A_COSTLY) && !(r->att[i].flags & (A_SILENT | A_DONE)))
			return;
	start_kind(r, true);
}

void ls_race_start(struct ls_race *r)
{
	struct ls_plan *pl = r->plan;
	unsigned i;

	r->n = r->running = 0;
	r->phase = R_RUNNING;
	r->cancelled = false;
	r->negative = NULL;
	r->unknown = NULL;
	memset(&r->ans, 0, sizeof(r->ans));
	for (i = 0; i < pl->n && r->n < LS_MAX_METHODS; i++) {
		if (!ls_plan_applies(pl, i, &r->addr, &r->path))
			continue;
		r->att[r->n].handle = 0;
		r->att[r->n].mi = (uint8_t)i;
		r->att[r->n].idx = r->n;
		r->att[r->n].flags = pl->m[i]->costly ? A_COSTLY : 0;
		r->n++;
	}
	if (r->n == 0)
		r->unknown = strdup("no probe method can reach this address");
	r->starting = true;
	start_kind(r, false);
	r->starting = false;
	maybe_costly(r);
	check(r);
}

static void cancel_running(struct ls_race *r, const struct ls_attempt *except)
{
	unsigned i;

	for (i = 0; i < r->n; i++) {
		struct ls_attempt *a = &r->att[i];
		if (a == except || (a->flags & A_DONE))
			continue;
		if (a->flags & A_STARTED)
			ls_plan_method(r->plan, a->mi)->cancel(ls_plan_inst(r->plan, a->mi), a);
		else
			a->flags |= A_DONE;	/* a costly attempt that will not start now */
	}
}

void ls_race_cancel(struct ls_race *r)
{
	if (r->cancelled || r->phase == R_FINISHED)
		return;
	r->cancelled = true;
	r->starting = true;
	cancel_running(r, NULL);
	r->starting = false;
	check(r);
}

void ls_attempt_answer(struct ls_attempt *a, const struct ls_answer *ans)
{
	struct ls_race *r = race_of(a);
	bool was = r->starting;

	if (r->phase != R_RUNNING)
		return;	/* decided already: a slower method's answer */
	r->ans = *ans;
	r->starting = true;	/* hold check() until the cancels are out */
	decide(r, LS_UP);
	cancel_running(r, a);
	r->starting = was;
}

void ls_attempt_negative(struct ls_attempt *a, const char *reason)
{
	struct ls_race *r = race_of(a);

	if (r->negative == NULL)
		r->negative = reason;
}

void ls_attempt_silent(struct ls_attempt *a)
{
	struct ls_race *r = race_of(a);

	a->flags |= A_SILENT;
	maybe_costly(r);
}

void ls_attempt_done(struct ls_attempt *a, const char *unknown)
{
	struct ls_race *r = race_of(a);

	if (a->flags & A_DONE)
		return;
	a->flags |= A_DONE;
	r->running--;
	if (unknown != NULL && r->unknown == NULL && r->phase == R_RUNNING && !r->cancelled)
		r->unknown = strdup(unknown);
	maybe_costly(r);
	check(r);
}

void ls_attempt_fatal(struct ls_attempt *a, int err, const char *msg)
{
	struct ls_race *r = race_of(a);

	if (r->plan->fatal != NULL)
		r->plan->fatal(r->plan, err, msg);
}

const char *ls_race_error(const struct ls_race *r)
{
	if (r->state == LS_UP)
		return NULL;
	if (r->state == LS_UNKNOWN && r->unknown != NULL)
		return r->unknown;
	return r->negative != NULL ? r->negative : "no reply";
}

void ls_race_free(struct ls_race *r)
{
	free(r->unknown);
	r->unknown = NULL;
}
