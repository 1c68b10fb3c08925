/* test_race.c -- the race of methods on one target, with scripted fake methods (no sockets, no loop). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "lanscan/plan.h"
#include "lanscan/race.h"

/* A fake method records its attempts; the test plays its answers. */
struct fake {
	struct ls_attempt *a;	/* the running attempt, NULL when none */
	int started, cancelled;
	bool applies;
	int start_rc;		/* what start returns (ENOMEM: could not start) */
	bool cancel_from_decided;	/* decided cancels the race (a stop from inside) */
};

static struct fake fakes[3];

static int fidx(struct ls_minst *mi) { return (int)(intptr_t)mi; }

static bool f_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	(void)addr;
	(void)path;
	return fakes[fidx(mi)].applies;
}

static int f_start(struct ls_minst *mi, struct ls_attempt *a)
{
	if (fakes[fidx(mi)].start_rc != 0)
		return fakes[fidx(mi)].start_rc;
	fakes[fidx(mi)].a = a;
	fakes[fidx(mi)].started++;
	return 0;
}

/* Cancel ends the attempt at once, as a method may. */
static void f_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	struct fake *f = &fakes[fidx(mi)];

	f->cancelled++;
	f->a = NULL;
	ls_attempt_done(a, NULL);
}

static void f_close(struct ls_minst *mi) { (void)mi; }

static const struct ls_method cheap1 = { .name = "c1", .bit = LS_M_ICMP, .applies = f_applies,
	.start = f_start, .cancel = f_cancel, .close = f_close };
static const struct ls_method cheap2 = { .name = "c2", .bit = LS_M_PING, .applies = f_applies,
	.start = f_start, .cancel = f_cancel, .close = f_close };
static const struct ls_method costly = { .name = "tcp", .bit = LS_M_TCP, .costly = true, .applies = f_applies,
	.start = f_start, .cancel = f_cancel, .close = f_close };

static struct ls_plan plan;
static struct ls_race race;
static int decided, finished;

static bool in_decided;

static void on_decided(struct ls_race *r)
{
	decided++;
	in_decided = true;
	if (fakes[0].cancel_from_decided)
		ls_race_cancel(r);	/* finished must still come once, after decided returns */
	in_decided = false;
}
static void on_finished(struct ls_race *r)
{
	(void)r;
	assert_false(in_decided);	/* never while a frame of the race is on the stack */
	finished++;
}

static int setup(void **state)
{
	(void)state;
	memset(fakes, 0, sizeof(fakes));
	memset(&plan, 0, sizeof(plan));
	memset(&race, 0, sizeof(race));
	plan.want = LS_M_ICMP | LS_M_PING | LS_M_TCP;	/* explicit: no auto exclusions */
	plan.m[0] = &cheap1;
	plan.m[1] = &cheap2;
	plan.m[2] = &costly;
	plan.inst[0] = (struct ls_minst *)(intptr_t)0;
	plan.inst[1] = (struct ls_minst *)(intptr_t)1;
	plan.inst[2] = (struct ls_minst *)(intptr_t)2;
	plan.n = 3;
	fakes[0].applies = fakes[1].applies = fakes[2].applies = true;
	race.plan = &plan;
	race.addr.family = AF_INET;
	race.decided = on_decided;
	race.finished = on_finished;
	decided = finished = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ls_race_free(&race);
	return 0;
}

static void done(int i, const char *unknown)
{
	struct ls_attempt *a = fakes[i].a;

	fakes[i].a = NULL;
	ls_attempt_done(a, unknown);
}

static void test_first_answer_wins_and_cancels_the_rest(void **state)
{
	struct ls_answer ans = { .via = "c2", .rtt_ms = 1.5 };

	(void)state;
	ls_race_start(&race);
	assert_int_equal(fakes[0].started + fakes[1].started, 2);
	assert_int_equal(fakes[2].started, 0);	/* costly waits for silence */
	ls_attempt_answer(fakes[1].a, &ans);
	assert_int_equal(decided, 1);
	assert_int_equal(race.state, LS_UP);
	assert_string_equal(race.ans.via, "c2");
	assert_int_equal(fakes[0].cancelled, 1);
	assert_int_equal(finished, 0);	/* the answering attempt is not done yet */
	done(1, NULL);
	assert_int_equal(finished, 1);
	assert_int_equal(fakes[2].started, 0);	/* never started once decided */
	assert_null(ls_race_error(&race));
}

static void test_down_only_when_every_method_is_done(void **state)
{
	(void)state;
	ls_race_start(&race);
	ls_attempt_negative(fakes[0].a, "host unreachable");
	done(0, NULL);
	assert_int_equal(decided, 0);	/* c2 still runs */
	done(1, NULL);
	/* an unroutable target gets no costly probes */
	assert_int_equal(fakes[2].started, 0);
	assert_int_equal(decided, 1);
	assert_int_equal(finished, 1);
	assert_int_equal(race.state, LS_DOWN);
	assert_string_equal(ls_race_error(&race), "host unreachable");
}

static void test_positive_beats_negative(void **state)
{
	struct ls_answer ans = { .via = "c1", .rtt_ms = 300 };

	(void)state;
	ls_race_start(&race);
	ls_attempt_negative(fakes[0].a, "administratively prohibited");
	ls_attempt_answer(fakes[0].a, &ans);
	done(0, NULL);
	assert_int_equal(race.state, LS_UP);
	assert_int_equal(finished, 1);
}

static void test_costly_starts_after_cheap_silence(void **state)
{
	struct ls_answer ans = { .via = "tcp/445", .rtt_ms = 0.2 };

	(void)state;
	ls_race_start(&race);
	ls_attempt_silent(fakes[0].a);
	assert_int_equal(fakes[2].started, 0);	/* c2 has not been silent yet */
	ls_attempt_silent(fakes[1].a);
	assert_int_equal(fakes[2].started, 1);
	ls_attempt_answer(fakes[2].a, &ans);
	done(2, NULL);
	assert_int_equal(fakes[0].cancelled + fakes[1].cancelled, 2);
	assert_int_equal(race.state, LS_UP);
	assert_string_equal(race.ans.via, "tcp/445");
	assert_int_equal(finished, 1);
}

static void test_unsound_silence_is_unknown(void **state)
{
	(void)state;
	fakes[2].applies = false;
	ls_race_start(&race);
	done(0, "replies were dropped");
	done(1, NULL);
	assert_int_equal(race.state, LS_UNKNOWN);
	assert_string_equal(ls_race_error(&race), "replies were dropped");
}

static void test_no_method_applies(void **state)
{
	(void)state;
	fakes[0].applies = fakes[1].applies = fakes[2].applies = false;
	ls_race_start(&race);
	assert_int_equal(decided, 1);
	assert_int_equal(finished, 1);
	assert_int_equal(race.state, LS_UNKNOWN);
}

static void test_cancel_finishes_without_deciding(void **state)
{
	(void)state;
	ls_race_start(&race);
	ls_race_cancel(&race);
	assert_int_equal(decided, 0);
	assert_int_equal(finished, 1);
}

/* No attempt could start (no memory): not a negative answer, unknown. */
static void test_attempts_that_cannot_start_are_unknown(void **state)
{
	(void)state;
	fakes[0].start_rc = fakes[1].start_rc = fakes[2].start_rc = -ENOMEM;
	ls_race_start(&race);
	assert_int_equal(decided, 1);
	assert_int_equal(finished, 1);
	assert_int_equal(race.state, LS_UNKNOWN);
	assert_string_equal(ls_race_error(&race), "a probe could not start");
	assert_int_equal(plan.counters.local, 3);
	assert_int_equal(plan.counters.local_err, ENOMEM);
}

/* decided cancels the race (the output failed, the sweep stops): finished
 * runs once, after decided has returned, whether the race was decided by
 * an answer or by the last attempt's end. */
static void test_cancel_from_inside_decided(void **state)
{
	struct ls_answer ans = { .via = "c1", .rtt_ms = 1 };

	(void)state;
	fakes[0].cancel_from_decided = true;
	fakes[2].applies = false;
	ls_race_start(&race);
	done(1, NULL);
	done(0, NULL);		/* the last one: decided (down) from inside done */
	assert_int_equal(decided, 1);
	assert_int_equal(finished, 1);
	assert_int_equal(race.state, LS_DOWN);
	ls_race_free(&race);
	decided = finished = 0;
	ls_race_start(&race);
	/* decided (up) cancels both, the answering one too (its cancel ends
	 * it at once): finished comes once, as the answer call returns. */
	ls_attempt_answer(fakes[0].a, &ans);
	assert_int_equal(decided, 1);
	assert_int_equal(finished, 1);
	assert_int_equal(race.state, LS_UP);
	assert_null(fakes[0].a);
	assert_null(fakes[1].a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_answer_wins_and_cancels_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_down_only_when_every_method_is_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positive_beats_negative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_costly_starts_after_cheap_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsound_silence_is_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_method_applies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_finishes_without_deciding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attempts_that_cannot_start_are_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_from_inside_decided, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
