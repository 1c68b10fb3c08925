/* race.c -- one target's methods raced: cheap ones at once, costly ones once the cheap are silent.
 *
 * The first answer decides up and cancels the rest; a negative (an ICMP
 * error) is only provisional; down is decided when every attempt is done.
 * A method's silence that proves nothing (the kernel dropped replies) makes
 * the target unknown rather than down.  Attempts are 8-byte records inside
 * the race, so a large window stays small; container arithmetic gets from an
 * attempt back to its race.
 *
 * The ownership rule: the race is finished (and its owner may free it) only
 * when no frame of its own is on the stack.  Every entry point (start,
 * cancel, and each ls_attempt_* call) counts itself in `depth`; only the
 * outermost one, on its way out, checks whether the race is over, and calls
 * finished as its very last act.  So an owner may cancel the race, or stop
 * everything, from inside decided, and a method may report done from inside
 * start or cancel: nothing touches a freed race.
 */
#include "lanscan/race.h"

#include <errno.h>
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
		r->decided(r);	/* inside a frame of the race: it cannot finish */
}

static void enter(struct ls_race *r)
{
	r->depth++;
}

/* Whether nothing is left to run or wait for. */
static bool over(const struct ls_race *r)
{
	unsigned i;

	if (r->running > 0 || r->phase == R_FINISHED)
		return false;
	for (i = 0; i < r->n; i++)
		if (!(r->att[i].flags & A_DONE))
			return false;	/* a costly attempt not started yet */
	return true;
}

/* Leaves a frame of the race; the outermost one finishes the race when it
 * is over.  The caller returns at once after: r may be freed. */
static void leave(struct ls_race *r)
{
	if (r->depth > 1 || !over(r)) {
		r->depth--;
		return;
	}
	if (r->phase == R_RUNNING)
		decide(r, r->unknown != NULL ? LS_UNKNOWN : LS_DOWN);	/* still counted: no finish inside */
	r->depth--;
	r->phase = R_FINISHED;
	r->finished(r);	/* last: may free r */
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
		/* Not a negative answer: the target stays unknown unless
		 * another method hears from it. */
		ls_counters_local(&r->plan->counters, rc < 0 ? -rc : ENOMEM);
		if (r->unknown == NULL)
			r->unknown = strdup("a probe could not start");
	}
}

/* Starts attempts of one kind (cheap or costly) that have not started. */
static void start_kind(struct ls_race *r, bool costly)
{
	unsigned i;

	for (i = 0; i < r->n && r->phase == R_RUNNING && !r->cancelled; i++)
		if (!(r->att[i].flags & (A_STARTED | A_DONE)) && !!(r->att[i].flags & A_COSTLY) == costly)
			start_one(r, &r->att[i]);
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

/* The attempts of every method that applies, none started. */
static void race_init(struct ls_race *r)
{
	struct ls_plan *pl = r->plan;
	unsigned i;

	r->n = r->running = 0;
	r->depth = 0;
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
}

void ls_race_start(struct ls_race *r)
{
	race_init(r);
	if (r->n == 0)
		r->unknown = strdup("no probe method can reach this address");
	enter(r);
	start_kind(r, false);
	maybe_costly(r);
	leave(r);
}

struct ls_attempt *ls_race_adopt(struct ls_race *r, unsigned mi, uint32_t handle)
{
	unsigned i;

	race_init(r);
	for (i = 0; i < r->n; i++)
		if (r->att[i].mi == mi && !(r->att[i].flags & A_COSTLY)) {
			r->att[i].flags |= A_STARTED;
			r->att[i].handle = handle;
			r->running = 1;
			return &r->att[i];
		}
	return NULL;
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
	enter(r);
	cancel_running(r, NULL);
	leave(r);
}

void ls_attempt_answer(struct ls_attempt *a, const struct ls_answer *ans)
{
	struct ls_race *r = race_of(a);

	if (r->phase != R_RUNNING)
		return;	/* decided already: a slower method's answer */
	r->ans = *ans;
	enter(r);	/* no finish until the cancels are out */
	decide(r, LS_UP);
	cancel_running(r, a);
	leave(r);
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
	enter(r);
	maybe_costly(r);
	leave(r);
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
	enter(r);
	maybe_costly(r);
	leave(r);
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
