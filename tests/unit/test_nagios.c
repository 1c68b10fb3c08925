/* test_nagios.c -- unit tests of the Nagios range parser and its alerts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lanscan/nagios.h"

static void test_forms(void **state)
{
	struct ls_range r;

	(void)state;
	assert_int_equal(ls_range_parse("10", &r), 0);	/* 0..10 */
	assert_false(ls_range_alert(&r, 0));
	assert_false(ls_range_alert(&r, 10));
	assert_true(ls_range_alert(&r, 11));
	assert_true(ls_range_alert(&r, -1));
	assert_int_equal(ls_range_parse("10:", &r), 0);	/* 10..inf */
	assert_true(ls_range_alert(&r, 9));
	assert_false(ls_range_alert(&r, 1e9));
	assert_int_equal(ls_range_parse("~:10", &r), 0);	/* -inf..10 */
	assert_false(ls_range_alert(&r, -1e9));
	assert_true(ls_range_alert(&r, 10.5));
	assert_int_equal(ls_range_parse("10:20", &r), 0);
	assert_true(ls_range_alert(&r, 9.99));
	assert_false(ls_range_alert(&r, 15));
	assert_true(ls_range_alert(&r, 21));
	assert_int_equal(ls_range_parse("@10:20", &r), 0);	/* inside alerts */
	assert_false(ls_range_alert(&r, 9));
	assert_true(ls_range_alert(&r, 10));
	assert_true(ls_range_alert(&r, 20));
	assert_string_equal(r.text, "@10:20");
	assert_int_equal(ls_range_parse("-5:-1", &r), 0);
	assert_true(ls_range_alert(&r, 0));
	memset(&r, 0, sizeof(r));
	assert_false(ls_range_alert(&r, 1));	/* unset: never */
}

static void test_bad(void **state)
{
	static const char *bad[] = { "", "@", ":", "20:10", "x", "1e3", "0x10", "10:x", " 10", "10 ",
				     "inf", "nan:", "~", "~:", "1:2:3", "123456789012345678901234567890123" };
	struct ls_range r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ls_range_parse(bad[i], &r) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
