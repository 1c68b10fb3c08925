/* test_util.c -- the small shared helpers: names, fields, bounded lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lanscan/util.h"

static void test_name_normalize(void **state)
{
	char a[] = "Host.Example.LAN.", b[] = ".", c[] = "x..", d[] = "b\xc3\xbc" "CHER.lab";

	(void)state;
	ls_name_normalize(a);
	assert_string_equal(a, "host.example.lan");
	ls_name_normalize(b);
	assert_string_equal(b, ".");	/* the root stays itself */
	ls_name_normalize(c);
	assert_string_equal(c, "x");
	ls_name_normalize(d);
	assert_string_equal(d, "b\xc3\xbc" "cher.lab");	/* UTF-8 bytes untouched */
}

static void test_field_char(void **state)
{
	(void)state;
	assert_int_equal(ls_field_char('\t'), '?');
	assert_int_equal(ls_field_char('\n'), '?');
	assert_int_equal(ls_field_char(0x7f), '?');
	assert_int_equal(ls_field_char('a'), 'a');
	assert_int_equal(ls_field_char(0xc3), (char)0xc3);
}

static void test_read_line_bounds(void **state)
{
	char in[] = "ab\ncdef\n\nx", buf[4];
	size_t len;
	FILE *f = fmemopen(in, sizeof(in) - 1, "r");

	(void)state;
	assert_int_equal(ls_read_line(f, buf, sizeof(buf), &len), 1);
	assert_string_equal(buf, "ab");
	assert_int_equal(ls_read_line(f, buf, sizeof(buf), &len), -E2BIG);	/* "cdef" needs 5 */
	fclose(f);
	char in2[] = "a\0b\n";
	f = fmemopen(in2, sizeof(in2) - 1, "r");
	assert_int_equal(ls_read_line(f, buf, sizeof(buf), &len), -EINVAL);
	fclose(f);
	char in3[] = "\nend";
	f = fmemopen(in3, sizeof(in3) - 1, "r");
	assert_int_equal(ls_read_line(f, buf, sizeof(buf), &len), 1);
	assert_int_equal(len, 0);
	assert_int_equal(ls_read_line(f, buf, sizeof(buf), &len), 1);	/* no final newline */
	assert_string_equal(buf, "end");
	assert_int_equal(ls_read_line(f, buf, sizeof(buf), &len), 0);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_normalize),
		cmocka_unit_test(test_field_char),
		cmocka_unit_test(test_read_line_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
