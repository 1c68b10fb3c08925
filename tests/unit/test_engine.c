/* test_engine.c -- the packet engine on a real event loop with a scripted codec: timing, answers, drops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/engine.h"
#include "lanscan/plan.h"
#include "lanscan/race.h"
#include "lanscan/util.h"

#define N 3

/* The scripted network: per target, how many sends it saw and when. */
struct net {
	struct ls_engine e;
	int sends[N];
	double first[N], last[N];
	int answer_on_try[N];	/* 0: never answers */
	uint64_t drops;
	bool drop_after_send;	/* the kernel "drops" once everything went out */
	bool fail_send[N];	/* our own stack refuses this target's probe */
	bool cancel_after_send;	/* the lite targets are cancelled once a probe went out */
} net;

static int target_index(const struct ls_engine *e, uint32_t s)
{
	struct ls_addr buf;

	return ls_engine_addr(e, s, &buf)->b[3] - 1;
}

static unsigned f_send(struct ls_engine *e, const uint32_t *slots, unsigned n, double now)
{
	unsigned k;

	for (k = 0; k < n; k++) {
		int t = target_index(e, slots[k]);
		if (net.fail_send[t]) {
			ls_engine_end(e, slots[k], "cannot send: Network is unreachable");
			continue;
		}
		if (net.sends[t]++ == 0)
			net.first[t] = now;
		net.last[t] = now;
		ls_engine_sent(e, slots[k], now, 0);
	}
	if (net.drop_after_send)
		net.drops++;
	if (net.cancel_after_send)
		ls_engine_cancel_lite(e);
	return n;
}

static void f_receive(struct ls_engine *e)
{
	uint32_t s;
	int t;

	for (s = 0; s < e->nslots; s++) {
		if (e->slots[s].a == NULL || e->slots[s].tries == 0)
			continue;
		t = target_index(e, s);
		if (net.answer_on_try[t] != 0 && e->slots[s].tries >= net.answer_on_try[t]) {
			struct ls_answer ans = { .via = "fake", .rtt_ms = 1 };
			ls_engine_answer(e, s, &ans);
		}
	}
}

static uint64_t f_drops(struct ls_engine *e)
{
	(void)e;
	return net.drops;
}

static void f_free(struct ls_engine *e) { (void)e; }

static const struct ls_engine_ops ops = { f_send, f_receive, f_drops, f_free, NULL };

static int m_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	if (ls_engine_init(&net.e, env, &ops, &net, 0, true) != 0)
		return -1;
	*out = (struct ls_minst *)&net;
	return 0;
}

static bool m_applies(struct ls_minst *mi, const struct ls_addr *a, const struct ls_path *p)
{
	(void)mi; (void)a; (void)p;
	return true;
}

static int m_start(struct ls_minst *mi, struct ls_attempt *a) { (void)mi; return ls_engine_start(&net.e, a); }
static void m_cancel(struct ls_minst *mi, struct ls_attempt *a) { (void)mi; ls_engine_cancel(&net.e, a); }
static void m_close(struct ls_minst *mi) { (void)mi; ls_engine_close(&net.e); }

static int m_start_lite(struct ls_minst *mi, const struct ls_spec *spec, const struct ls_addr *a, uint16_t path,
			bool follow)
{
	(void)mi;
	return ls_engine_start_lite(&net.e, spec, a, path, follow);
}

static void m_cancel_lite(struct ls_minst *mi) { (void)mi; ls_engine_cancel_lite(&net.e); }

static const struct ls_method fake = { .name = "fake", .bit = LS_M_ICMP, .open = m_open, .applies = m_applies,
	.start = m_start, .cancel = m_cancel, .start_lite = m_start_lite, .cancel_lite = m_cancel_lite,
	.close = m_close };

/* A costly method (as TCP): counts its starts, silent at once. */
static int costly_started[N];

static int c_start(struct ls_minst *mi, struct ls_attempt *a)
{
	(void)mi;
	costly_started[ls_attempt_addr(a)->b[3] - 1]++;
	ls_attempt_done(a, NULL);
	return 0;
}

static void c_cancel(struct ls_minst *mi, struct ls_attempt *a) { (void)mi; (void)a; }

static const struct ls_method costly = { .name = "costly", .bit = LS_M_TCP, .costly = true,
	.applies = m_applies, .start = c_start, .cancel = c_cancel };

static struct ls_race races[N];
static int finished;

static void on_decided(struct ls_race *r) { (void)r; }
static void on_finished(struct ls_race *r) { (void)r; finished++; }

/* Lite targets (method.h): what the engine asked of their owner. */
enum { LITE = 1, FOLLOW = 2, CANCEL = 4 };
static struct {
	int adopted[N], ended[N], cancelled[N];
	char *unknown[N];
	struct ls_path path;
} lt;
static const struct ls_spec a_spec;

static struct ls_attempt *l_adopt(struct ls_lite *l, const struct ls_lite_target *t, unsigned mi, uint32_t handle)
{
	int i = t->addr.b[3] - 1;

	(void)l;
	assert_ptr_equal(t->spec, &a_spec);
	assert_int_equal(t->path, 0);
	lt.adopted[i]++;
	races[i].addr = t->addr;
	return ls_race_adopt(&races[i], mi, handle);
}

static void l_end(struct ls_lite *l, const struct ls_lite_target *t, const char *unknown, bool cancelled)
{
	int i = t->addr.b[3] - 1;

	(void)l;
	lt.ended[i]++;
	lt.cancelled[i] += cancelled;
	free(lt.unknown[i]);
	lt.unknown[i] = unknown != NULL ? strdup(unknown) : NULL;
	finished++;
}

/* Runs N races to the end: wait_ms, retries, RTO bounds as given; with
 * LITE as lite targets (FOLLOW: a costly method too; CANCEL: all
 * cancelled at once). */
static void sweep_as(int wait_ms, int retries, int rto_ms, int mode)
{
	uv_loop_t loop;
	struct ls_plan plan;
	struct ls_minst *mi;
	struct ls_menv env;
	char err[64];
	int i;

	memset(&plan, 0, sizeof(plan));
	uv_loop_init(&loop);
	plan.cfg.wait_ms = wait_ms;
	plan.cfg.retries = retries;
	plan.cfg.min_rto_ms = plan.cfg.max_rto_ms = rto_ms;
	plan.cfg.window = 16;
	plan.want = LS_M_ICMP;
	ls_pacer_init(&plan.pacer, 0, 0);
	env.loop = &loop;
	env.cfg = &plan.cfg;
	env.pacer = &plan.pacer;
	env.net = NULL;
	env.counters = &plan.counters;
	env.lite = &plan.lite;
	env.mi = 0;
	plan.lite.adopt = l_adopt;
	plan.lite.end = l_end;
	plan.lite.paths = &lt.path;
	assert_int_equal(fake.open(&mi, &env, err, sizeof(err)), 0);
	plan.m[0] = &fake;
	plan.inst[0] = mi;
	plan.n = 1;
	if (mode & FOLLOW) {
		plan.m[1] = &costly;
		plan.n = 2;
	}
	finished = 0;
	for (i = 0; i < N; i++) {
		memset(&races[i], 0, sizeof(races[i]));
		races[i].plan = &plan;
		races[i].addr.family = AF_INET;
		races[i].addr.b[3] = (uint8_t)(i + 1);
		races[i].decided = on_decided;
		races[i].finished = on_finished;
		if (mode & LITE)
			assert_int_equal(fake.start_lite(mi, &a_spec, &races[i].addr, 0, mode & FOLLOW), 0);
		else
			ls_race_start(&races[i]);
	}
	if (mode & CANCEL)
		fake.cancel_lite(mi);
	while (finished < N)
		uv_run(&loop, UV_RUN_ONCE);
	fake.close(mi);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void sweep(int wait_ms, int retries, int rto_ms)
{
	sweep_as(wait_ms, retries, rto_ms, 0);
}

static int teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		ls_race_free(&races[i]);
		free(lt.unknown[i]);
	}
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(&net, 0, sizeof(net));
	memset(&lt, 0, sizeof(lt));
	memset(costly_started, 0, sizeof(costly_started));
	return 0;
}

/* A lite target gets a race only to answer; a silent one ends from its
 * slot, with the same retries as a race's. */
static void test_lite_targets(void **state)
{
	(void)state;
	net.answer_on_try[1] = 2;
	sweep_as(250, 5, 40, LITE);
	assert_int_equal(net.sends[0], 3);	/* as test_retries_within_the_wait */
	assert_int_equal(net.sends[1], 2);
	assert_int_equal(lt.adopted[1], 1);
	assert_int_equal(races[1].state, LS_UP);
	assert_int_equal(lt.ended[1], 0);
	assert_int_equal(lt.adopted[0], 0);
	assert_int_equal(lt.ended[0], 1);
	assert_null(lt.unknown[0]);		/* down */
	assert_int_equal(lt.cancelled[0], 0);
	assert_int_equal(lt.ended[2], 1);
	assert_int_equal(net.e.lite, 0);
	assert_int_equal(net.e.used, 0);
}

/* With a costly method to follow, a silent lite target gets its race when
 * its first exchange is silent, and the costly method starts; one that
 * answers never starts it. */
static void test_lite_follow(void **state)
{
	(void)state;
	net.answer_on_try[1] = 1;
	sweep_as(250, 2, 40, LITE | FOLLOW);
	assert_int_equal(lt.adopted[0], 1);
	assert_int_equal(costly_started[0], 1);
	assert_int_equal(lt.ended[0], 0);
	assert_int_equal(races[0].state, LS_DOWN);
	assert_int_equal(net.sends[0], 1);	/* no echo retry once TCP follows (issue 22) */
	assert_int_equal(lt.adopted[1], 1);
	assert_int_equal(costly_started[1], 0);
	assert_int_equal(races[1].state, LS_UP);
}

static void test_lite_drops_make_silence_unknown(void **state)
{
	(void)state;
	net.answer_on_try[0] = 1;
	net.drop_after_send = true;
	sweep_as(100, 0, 50, LITE);
	assert_int_equal(races[0].state, LS_UP);
	assert_int_equal(lt.ended[1], 1);
	assert_non_null(lt.unknown[1]);
	assert_non_null(strstr(lt.unknown[1], "dropped"));
}

/* A probe our own stack refused (ENETUNREACH from a policy route) says
 * nothing of the host: when TCP follows, the race starts it, as for any
 * attempt that ends without an answer. */
static void test_lite_local_error_follows(void **state)
{
	(void)state;
	net.fail_send[0] = true;
	sweep_as(250, 2, 40, LITE | FOLLOW);
	assert_int_equal(lt.adopted[0], 1);
	assert_int_equal(costly_started[0], 1);
	assert_int_equal(lt.ended[0], 0);
	assert_int_equal(races[0].state, LS_UNKNOWN);	/* the costly method was silent: still proves nothing */
	/* Without TCP to follow: unknown, from the slot. */
	teardown(state);
	reset(state);
	net.fail_send[0] = true;
	sweep_as(250, 2, 40, LITE);
	assert_int_equal(lt.adopted[0], 0);
	assert_int_equal(lt.ended[0], 1);
	assert_non_null(lt.unknown[0]);
	assert_non_null(strstr(lt.unknown[0], "cannot send"));
}

/* Once cancelled (a stop), an answer that comes before the slot ends makes
 * no race: nothing more is reported. */
static void test_lite_answer_after_cancel(void **state)
{
	int i;

	(void)state;
	net.answer_on_try[1] = 1;
	net.cancel_after_send = true;
	sweep_as(100, 0, 50, LITE);
	for (i = 0; i < N; i++) {
		assert_int_equal(lt.adopted[i], 0);
		assert_int_equal(lt.ended[i], 1);
		assert_int_equal(lt.cancelled[i], 1);
	}
	assert_int_equal(net.sends[1], 1);
}

static void test_lite_cancel(void **state)
{
	int i;

	(void)state;
	net.answer_on_try[0] = 1;
	sweep_as(100, 0, 50, LITE | CANCEL);
	for (i = 0; i < N; i++) {
		assert_int_equal(lt.ended[i], 1);
		assert_int_equal(lt.cancelled[i], 1);
		assert_int_equal(lt.adopted[i], 0);
		assert_int_equal(net.sends[i], 0);
	}
}

static void test_retries_within_the_wait(void **state)
{
	(void)state;
	net.answer_on_try[1] = 2;	/* answers the retry */
	sweep(250, 5, 40);
	/* The silent ones: tries at 0, 40, 120 (doubling) then 280 > 250: the wait ends first. */
	assert_int_equal(net.sends[0], 3);
	assert_true(net.last[0] - net.first[0] >= 110 && net.last[0] - net.first[0] < 150);
	assert_int_equal(net.sends[1], 2);
	assert_int_equal(races[1].state, LS_UP);
	assert_int_equal(races[0].state, LS_DOWN);
	assert_int_equal(races[2].state, LS_DOWN);
}

static void test_drops_make_silence_unknown(void **state)
{
	(void)state;
	net.answer_on_try[0] = 1;
	net.drop_after_send = true;
	sweep(100, 0, 50);
	assert_int_equal(races[0].state, LS_UP);	/* an answer is an answer */
	assert_int_equal(races[1].state, LS_UNKNOWN);	/* silence during drops proves nothing */
	assert_int_equal(races[2].state, LS_UNKNOWN);
	assert_non_null(strstr(ls_race_error(&races[1]), "dropped"));
}

/* The wall clock steps back (NTP, a VM resume) between a send and its
 * reply: the RTT comes from the monotonic clock, never 0. */
static void test_rtt_survives_a_clock_step(void **state)
{
	struct ls_eslot sl;
	const uint64_t t0 = 1700000000000000000ull;	/* wall ns at the first send */
	double rtt;

	(void)state;
	memset(&sl, 0, sizeof(sl));
	sl.first_ms = 1000.0;
	sl.first_ns = t0;
	/* No step: 3 ms from the stamps. */
	rtt = ls_engine_rtt_at(&sl, t0, t0 + 3000000, t0 + 4000000, 1004.0);
	assert_true(rtt > 2.99 && rtt < 3.01);
	/* Stepped back 10 s after the send: the receive stamp is before the send. */
	rtt = ls_engine_rtt_at(&sl, t0, t0 + 3000000 - 10000000000ull, t0 + 4000000 - 10000000000ull, 1004.0);
	assert_true(rtt > 3.99 && rtt < 4.01);	/* the monotonic 4 ms, not 0 */
	/* Stepped forward 10 s: not 10 s, the monotonic 4 ms. */
	rtt = ls_engine_rtt_at(&sl, t0, t0 + 10003000000ull, t0 + 10004000000ull, 1004.0);
	assert_true(rtt > 3.99 && rtt < 4.01);
	/* A retry 200 ms after the first send, then a step back: measured from the retry. */
	rtt = ls_engine_rtt_at(&sl, t0 + 200000000, t0 - 5000000000ull, t0 - 5000000000ull, 1205.0);
	assert_true(rtt > 4.99 && rtt < 5.01);
	/* Every reading identical (a frozen clock): still not 0. */
	rtt = ls_engine_rtt_at(&sl, t0, t0, t0, 1000.0);
	assert_true(rtt > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retries_within_the_wait, reset, teardown),
		cmocka_unit_test_setup_teardown(test_drops_make_silence_unknown, reset, teardown),
		cmocka_unit_test(test_rtt_survives_a_clock_step),
		cmocka_unit_test_setup_teardown(test_lite_targets, reset, teardown),
		cmocka_unit_test_setup_teardown(test_lite_follow, reset, teardown),
		cmocka_unit_test_setup_teardown(test_lite_drops_make_silence_unknown, reset, teardown),
		cmocka_unit_test_setup_teardown(test_lite_cancel, reset, teardown),
		cmocka_unit_test_setup_teardown(test_lite_local_error_follows, reset, teardown),
		cmocka_unit_test_setup_teardown(test_lite_answer_after_cancel, reset, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
