/* race.h -- every applicable method raced on one target: the first answer wins, down only when all are done. */
#ifndef LANSCAN_RACE_H
#define LANSCAN_RACE_H

#include <stdbool.h>
#include <stdint.h>

#include "lanscan/method.h"
#include "lanscan/result.h"

struct ls_plan;
struct ls_race;
typedef void (*ls_race_cb)(struct ls_race *r);

/* Embedded in its owner (the pipeline's job).  The owner fills plan, addr,
 * path and the two callbacks, then calls ls_race_start:
 *   decided  runs once, when the state is known: at the first answer (the
 *            other attempts are then cancelled), or when every attempt is
 *            done without one.  Not after ls_race_cancel.
 *   finished runs once, last, when no method holds an attempt any more: the
 *            owner may free the race then.  It never runs while a frame of
 *            the race is on the stack (not inside decided, nor inside a
 *            method's start or cancel), so decided may cancel the race or
 *            stop the whole sweep. */
struct ls_race {
	struct ls_plan *plan;
	struct ls_addr addr;
	struct ls_path path;
	ls_race_cb decided, finished;
	/* the verdict, valid from decided on */
	enum ls_state state;
	struct ls_answer ans;		/* state LS_UP */
	const char *negative;		/* the first negative answer's reason */
	char *unknown;			/* why silence proved nothing (malloc'd) */
	/* state */
	struct ls_attempt att[LS_MAX_METHODS];
	uint8_t n, running;
	uint8_t phase;
	uint8_t depth;			/* frames of the race on the stack (race.c) */
	bool cancelled;
};

void ls_race_start(struct ls_race *r);

/* Starts the race of a lite target (method.h) whose method mi already
 * runs under `handle`: that method's attempt, started, is returned for the
 * method to go on with; no other starts until it reports.  NULL when mi
 * does not apply to the target (then nothing is started). */
struct ls_attempt *ls_race_adopt(struct ls_race *r, unsigned mi, uint32_t handle);

/* Cancels every attempt; finished still runs (decided does not, unless it
 * already had).  Safe to call more than once. */
void ls_race_cancel(struct ls_race *r);

/* Why a target that is not up is down or unknown ("no reply", "host
 * unreachable", ...), or NULL for an up target. */
const char *ls_race_error(const struct ls_race *r);

/* Frees what the race allocated; after finished. */
void ls_race_free(struct ls_race *r);

#endif
