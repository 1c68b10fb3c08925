/* filter.c -- linked into every unit test program: CMOCKA_TEST_FILTER=PATTERN
 * runs only the tests whose names match PATTERN ('*' and '?' wildcards), as
 * cmocka_set_test_filter(3) does; Debian 12's cmocka 1.1.5 reads no such
 * variable itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

static void set_filter(void) __attribute__((constructor));

static void set_filter(void)
{
	const char *pattern = getenv("CMOCKA_TEST_FILTER");

	if (pattern != NULL && *pattern != '\0')
		cmocka_set_test_filter(pattern);
}
