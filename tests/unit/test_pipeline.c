/* test_pipeline.c -- the sweep pipeline on a real libuv loop with a fake, timer-driven method (no sockets, no root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/pipeline.h"
#include "lanscan/plan.h"
#include "lanscan/util.h"

/* The fake method answers each attempt after a delay set by the address's
 * last byte: odd -> up (after b ms), 2 mod 4 -> a negative, then done,
 * 0 mod 4 -> silent, done after 30 ms.  It counts how many run at once. */
struct fake_att {
	uv_timer_t t;
	struct ls_attempt *a;
	bool cancelled;
};

static struct {
	unsigned running, max_running, started, cancelled;
} fk;

static void att_closed(uv_handle_t *h)
{
	struct fake_att *fa = ls_container_of((uv_timer_t *)h, struct fake_att, t);
	struct ls_attempt *a = fa->a;

	free(fa);
	fk.running--;
	ls_attempt_done(a, NULL);
}

static void att_fire(uv_timer_t *t)
{
	struct fake_att *fa = ls_container_of(t, struct fake_att, t);
	uint8_t b = ls_attempt_addr(fa->a)->b[3];
	struct ls_answer ans;

	if (!fa->cancelled && b % 2 == 1) {
		memset(&ans, 0, sizeof(ans));
		snprintf(ans.via, sizeof(ans.via), "fake");
		ans.rtt_ms = b;
		ls_attempt_answer(fa->a, &ans);
	} else if (!fa->cancelled && b % 4 == 2) {
		ls_attempt_negative(fa->a, "host unreachable");
	}
	uv_close((uv_handle_t *)t, att_closed);
}

static uv_loop_t *fake_loop;

static int f_start(struct ls_minst *mi, struct ls_attempt *a)
{
	struct fake_att *fa = calloc(1, sizeof(*fa));
	uint8_t b = ls_attempt_addr(a)->b[3];

	(void)mi;
	if (fa == NULL)
		return -1;
	fa->a = a;
	uv_timer_init(fake_loop, &fa->t);
	uv_timer_start(&fa->t, att_fire, b % 2 == 1 ? b : 30, 0);
	fa->t.data = a;		/* how f_cancel finds it (uv_walk) */
	fk.started++;
	if (++fk.running > fk.max_running)
		fk.max_running = fk.running;
	return 0;
}

/* Cancel: fire at once (the timer callback sees `cancelled`). */
static struct fake_att *find(struct ls_attempt *a);
static void f_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	struct fake_att *fa = find(a);

	(void)mi;
	fk.cancelled++;
	if (fa != NULL && !fa->cancelled) {
		fa->cancelled = true;
		uv_timer_start(&fa->t, att_fire, 0, 0);
	}
}

static void walk_find(uv_handle_t *h, void *arg)
{
	struct ls_attempt **want = arg;

	if (h->type == UV_TIMER && h->data == *want && !uv_is_closing(h))
		*(struct fake_att **)(want + 1) = ls_container_of((uv_timer_t *)h, struct fake_att, t);
}

static struct fake_att *find(struct ls_attempt *a)
{
	void *pair[2] = { a, NULL };

	uv_walk(fake_loop, walk_find, pair);
	return pair[1];
}

static bool f_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	(void)mi;
	(void)path;
	return addr->family == AF_INET;
}

static void f_close(struct ls_minst *mi) { (void)mi; }

static const struct ls_method fake = { .name = "fake", .bit = LS_M_ICMP, .applies = f_applies,
	.start = f_start, .cancel = f_cancel, .close = f_close };

/* --- the harness --------------------------------------------------------- */

static struct {
	uv_loop_t loop;
	struct ls_plan plan;
	struct ls_pipeline pl;
	struct ls_targets targets, exclude;
	unsigned results, up, down, unknown, done;
	char seen[256];			/* results per last byte */
	double last_rtt[256];
	unsigned stop_after;		/* stop the sweep after this many results (0: never) */
} h;

static int on_result(struct ls_pipeline *p, const struct ls_result *r)
{
	uint8_t b = r->addr.b[3];

	h.results++;
	h.seen[b]++;
	h.last_rtt[b] = r->rtt_ms;
	if (r->state == LS_UP)
		h.up++;
	else if (r->state == LS_DOWN)
		h.down++;
	else
		h.unknown++;
	if (h.stop_after != 0 && h.results == h.stop_after)
		ls_pipeline_stop(p);
	return 0;
}

static void on_done(struct ls_pipeline *p)
{
	(void)p;
	h.done++;
}

static void run(const char *targets, const char *exclude, unsigned window)
{
	char err[256];

	memset(&h, 0, sizeof(h));
	memset(&fk, 0, sizeof(fk));
	assert_int_equal(uv_loop_init(&h.loop), 0);
	fake_loop = &h.loop;
	ls_targets_init(&h.targets);
	ls_targets_init(&h.exclude);
	h.exclude.whole_cidr = true;
	assert_int_equal(ls_targets_add_list(&h.targets, targets, err, sizeof(err)), 0);
	if (exclude != NULL)
		assert_int_equal(ls_targets_add_list(&h.exclude, exclude, err, sizeof(err)), 0);
	h.plan.want = LS_M_ICMP;
	h.plan.m[0] = &fake;
	h.plan.inst[0] = NULL;
	h.plan.n = 1;
	h.plan.loop = &h.loop;
	h.pl.loop = &h.loop;
	h.pl.plan = &h.plan;
	h.pl.result_cb = on_result;
	h.pl.targets = &h.targets;
	h.pl.exclude = exclude != NULL ? &h.exclude : NULL;
	h.pl.max_jobs = window;
	h.pl.done_cb = on_done;
}

static void go(void)
{
	assert_int_equal(ls_pipeline_start(&h.pl), 0);
	assert_int_equal(uv_run(&h.loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&h.loop), 0);	/* no handle left open */
	ls_targets_free(&h.targets);
	ls_targets_free(&h.exclude);
}

/* Every target gets exactly one result, with the state its answers decide. */
static void test_every_target_once(void **state)
{
	unsigned i;

	(void)state;
	run("10.0.0.1-64", NULL, 16);
	go();
	assert_int_equal(h.done, 1);
	assert_int_equal(h.results, 64);
	assert_int_equal(h.pl.stats.targets, 64);
	for (i = 1; i <= 64; i++)
		assert_int_equal(h.seen[i], 1);
	assert_int_equal(h.up, 32);		/* odd */
	assert_int_equal(h.down, 32);		/* even: a negative, or silence */
	assert_int_equal(h.pl.stats.up, 32);
	assert_int_equal(h.unknown, 0);
	assert_true(h.last_rtt[33] == 33.0);	/* the answer's RTT, untouched */
}

/* The window bounds the attempts in flight; a window of 1 is sequential. */
static void test_window_bounds_concurrency(void **state)
{
	(void)state;
	run("10.0.0.1-40", NULL, 5);
	go();
	assert_int_equal(h.results, 40);
	assert_true(fk.max_running <= 5);
	assert_int_equal(fk.max_running, 5);
	run("10.0.0.1-6", NULL, 1);
	go();
	assert_int_equal(h.results, 6);
	assert_int_equal(fk.max_running, 1);
}

/* Duplicates and exclusions are never probed. */
static void test_duplicates_and_exclusions(void **state)
{
	(void)state;
	run("10.0.0.1-10,10.0.0.5,10.0.0.1-3", "10.0.0.4-6", 8);
	go();
	assert_int_equal(h.results, 7);
	assert_int_equal(fk.started, 7);
	assert_int_equal(h.seen[5], 0);
	assert_int_equal(h.seen[1], 1);
}

/* Stopping cancels what runs, starts nothing more, and still ends cleanly. */
static void test_stop_cancels_and_finishes(void **state)
{
	(void)state;
	run("10.0.0.1-200", NULL, 20);
	h.stop_after = 3;
	go();
	assert_int_equal(h.done, 1);
	assert_true(fk.started < 200);
	assert_true(fk.cancelled > 0);
	assert_true(h.results >= 3);
	assert_true(h.results <= fk.started);
}

/* A method that does not apply (IPv6 here) leaves the target unknown, not down. */
static void test_no_method_applies(void **state)
{
	(void)state;
	run("fd00::1-fd00::3", NULL, 4);
	go();
	assert_int_equal(h.results, 3);
	assert_int_equal(fk.started, 0);
	assert_int_equal(h.up, 0);
	assert_int_equal(h.down, 0);
	assert_int_equal(h.unknown, 3);
}

/* --- faults: a failure injected at every output write and every send ---- */

/* A method that does all its work inside start and cancel, as a send that
 * fails at once does (sendmmsg: ENETUNREACH): the race and the job see
 * their callbacks, and the output its write, from inside their own frames.
 * By the address's last byte: 0 mod 3 -> an answer inside start, 1 mod 3 ->
 * a negative and done inside start, 2 mod 3 -> silent, done at cancel or on
 * a timer.  The sync.fatal_at'th start reports that the method cannot work. */
static struct {
	unsigned starts, fatal_at, fail_at;	/* 0: no fault */
	unsigned results, fatal_cb;
} sk;

static int s_start(struct ls_minst *mi, struct ls_attempt *a)
{
	uint8_t b = ls_attempt_addr(a)->b[3];
	struct ls_answer ans;

	if (++sk.starts == sk.fatal_at) {
		ls_attempt_fatal(a, -ENETDOWN, "cannot send: network is down");
		ls_attempt_done(a, "cannot send");
		return 0;
	}
	if (b % 3 == 0) {
		memset(&ans, 0, sizeof(ans));
		snprintf(ans.via, sizeof(ans.via), "sync");
		ls_attempt_answer(a, &ans);
		ls_attempt_done(a, NULL);
		return 0;
	}
	if (b % 3 == 1) {
		ls_attempt_negative(a, "net unreachable");
		ls_attempt_done(a, NULL);
		return 0;
	}
	return f_start(mi, a);	/* the timer-driven fake: done later, or at cancel */
}

static const struct ls_method syncm = { .name = "sync", .bit = LS_M_ICMP, .applies = f_applies,
	.start = s_start, .cancel = f_cancel, .close = f_close };

static int s_result(struct ls_pipeline *p, const struct ls_result *r)
{
	(void)p;
	(void)r;
	return ++sk.results == sk.fail_at ? -ENOSPC : 0;
}

static void s_fatal(struct ls_plan *plan, int err, const char *msg)
{
	(void)plan;
	sk.fatal_cb++;
	ls_pipeline_fail(&h.pl, err, msg);
}

static void run_faulty(unsigned fail_at, unsigned fatal_at, unsigned window)
{
	run("10.0.0.1-30", NULL, window);
	memset(&sk, 0, sizeof(sk));
	sk.fail_at = fail_at;
	sk.fatal_at = fatal_at;
	h.plan.m[0] = &syncm;
	h.plan.fatal = s_fatal;
	h.pl.result_cb = s_result;
	go();
	assert_int_equal(h.done, 1);		/* the end is reported once, after every job */
	assert_int_equal(h.pl.jobs, 0);
	assert_null(h.pl.live);
	assert_null(h.pl.dead);
	assert_int_equal(h.pl.depth, 0);
}

/* An output write fails at every point of a sweep, for every window: the
 * sweep stops, nothing is used after it is freed (ASan), the loop closes. */
static void test_output_fails_at_every_write(void **state)
{
	unsigned k, w;
	static const unsigned windows[] = { 1, 4, 64 };

	(void)state;
	for (w = 0; w < LS_ARRAY_SIZE(windows); w++) {
		for (k = 1; k <= 30; k++) {
			run_faulty(k, 0, windows[w]);
			assert_int_equal(h.pl.out_err, -ENOSPC);
			assert_int_equal(sk.results, k);	/* nothing written after the failure */
			assert_true(h.pl.stopping);
		}
	}
}

/* A send fails so that the method cannot work, at every attempt; and at
 * every attempt combined with a failing write of the same point. */
static void test_send_fails_at_every_attempt(void **state)
{
	unsigned k, w;
	static const unsigned windows[] = { 1, 4, 64 };

	(void)state;
	for (w = 0; w < LS_ARRAY_SIZE(windows); w++) {
		for (k = 1; k <= 30; k++) {
			run_faulty(0, k, windows[w]);
			assert_int_equal(sk.fatal_cb, 1);
			assert_int_equal(h.pl.syserr, -ENETDOWN);
			assert_true(sk.starts <= k + windows[w]);
			run_faulty(k, k, windows[w]);
			assert_int_equal(h.pl.syserr, -ENETDOWN);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_target_once),
		cmocka_unit_test(test_window_bounds_concurrency),
		cmocka_unit_test(test_duplicates_and_exclusions),
		cmocka_unit_test(test_stop_cancels_and_finishes),
		cmocka_unit_test(test_no_method_applies),
		cmocka_unit_test(test_output_fails_at_every_write),
		cmocka_unit_test(test_send_fails_at_every_attempt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
