/* test_timing.c -- unit tests of the RTT estimator and the token bucket (injected clock). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lanscan/timing.h"

static void test_rtt_initial_then_adaptive(void **state)
{
	struct ls_rtt r;

	(void)state;
	ls_rtt_init(&r, 1000, 50, 1000);
	assert_float_equal(ls_rtt_timeout(&r), 1000, 1e-9);	/* no sample yet */
	ls_rtt_sample(&r, 100);
	/* First sample: srtt = 100, rttvar = 50 -> 100 + 4 * 50 = 300. */
	assert_float_equal(r.srtt, 100, 1e-9);
	assert_float_equal(r.rttvar, 50, 1e-9);
	assert_float_equal(ls_rtt_timeout(&r), 300, 1e-9);
	ls_rtt_sample(&r, 20);
	/* rttvar = 0.75*50 + 0.25*80 = 57.5; srtt = 0.875*100 + 0.125*20 = 90. */
	assert_float_equal(r.rttvar, 57.5, 1e-9);
	assert_float_equal(r.srtt, 90, 1e-9);
	assert_float_equal(ls_rtt_timeout(&r), 320, 1e-9);
}

static void test_rtt_clamped(void **state)
{
	struct ls_rtt r;
	int i;

	(void)state;
	ls_rtt_init(&r, 1000, 50, 400);
	for (i = 0; i < 50; i++)
		ls_rtt_sample(&r, 0.1);	/* a fast LAN: the floor holds */
	assert_float_equal(ls_rtt_timeout(&r), 50, 1e-9);
	for (i = 0; i < 50; i++)
		ls_rtt_sample(&r, 5000);	/* a slow one: the ceiling holds */
	assert_float_equal(ls_rtt_timeout(&r), 400, 1e-9);
	ls_rtt_sample(&r, -1);		/* ignored */
	assert_float_equal(ls_rtt_timeout(&r), 400, 1e-9);
	ls_rtt_init(&r, 2000, 50, 400);
	assert_float_equal(ls_rtt_timeout(&r), 400, 1e-9);
}

static void test_bucket_rate_and_burst(void **state)
{
	struct ls_bucket b;
	unsigned total = 0;
	double t;

	(void)state;
	ls_bucket_init(&b, 1000, 10, 0);	/* 1000/s, 10 saved up */
	assert_int_equal(ls_bucket_take(&b, 64, 0), 10);
	assert_int_equal(ls_bucket_take(&b, 64, 0), 0);
	assert_int_equal(ls_bucket_take(&b, 64, 5), 5);	/* 5 ms later: 5 tokens */
	assert_int_equal(ls_bucket_take(&b, 64, 1000), 10);	/* never more than the burst */
	/* Over one simulated second in 1 ms steps, about the rate. */
	for (t = 1001; t <= 2000; t += 1)
		total += ls_bucket_take(&b, 64, t);
	assert_in_range(total, 995, 1005);
	/* Time going back adds nothing: with 7 tokens left, an earlier clock
	 * still gives exactly those 7 (adding |dt| would give the burst). */
	assert_int_equal(ls_bucket_take(&b, 3, 3000), 3);
	assert_int_equal(ls_bucket_take(&b, 64, 2500), 7);
	assert_int_equal(ls_bucket_take(&b, 64, 2500), 0);
}

static void test_bucket_unlimited(void **state)
{
	struct ls_bucket b;

	(void)state;
	ls_bucket_init(&b, 0, 0, 0);
	assert_int_equal(ls_bucket_take(&b, 1000000, 0), 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtt_initial_then_adaptive),
		cmocka_unit_test(test_rtt_clamped),
		cmocka_unit_test(test_bucket_rate_and_burst),
		cmocka_unit_test(test_bucket_unlimited),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
