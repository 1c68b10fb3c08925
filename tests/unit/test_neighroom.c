/* test_neighroom.c -- the neighbour table's room: which entries hold it, how many places are left, reading the live table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/neighbour.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/neighroom.h"

static void test_holds(void **state)
{
	struct ls_neigh n;

	(void)state;
	memset(&n, 0, sizeof(n));
	n.state = NUD_INCOMPLETE;
	assert_true(ls_neigh_room_holds(&n));	/* resolving: the kernel cannot evict it */
	n.state = NUD_REACHABLE;
	assert_true(ls_neigh_room_holds(&n));
	n.state = NUD_STALE;
	assert_true(ls_neigh_room_holds(&n));
	n.state = NUD_FAILED;
	assert_false(ls_neigh_room_holds(&n));	/* evicted when room is needed */
	n.state = NUD_NOARP;
	assert_false(ls_neigh_room_holds(&n));
	n.state = NUD_PERMANENT;
	assert_false(ls_neigh_room_holds(&n));	/* not counted against the limit */
}

static void test_places(void **state)
{
	struct ls_neigh_room r = { .thresh3 = 1024, .held = 0, .incomplete_ms = 3000 };

	(void)state;
	assert_int_equal(ls_neigh_room_places(&r), 768);	/* a quarter left to others */
	r.held = 100;
	assert_int_equal(ls_neigh_room_places(&r), 668);
	r.held = 760;
	assert_int_equal(ls_neigh_room_places(&r), 16);		/* always some progress */
	r.held = 5000;
	assert_int_equal(ls_neigh_room_places(&r), 16);
	r.thresh3 = 16384;
	r.held = 0;
	assert_int_equal(ls_neigh_room_places(&r), 12288);
}

static void test_read(void **state)
{
	struct ls_neigh_room r;

	(void)state;
	/* Whatever the table holds here, the reading is sane: a limit, a
	 * count below any real table's size, a lifetime of whole seconds. */
	if (ls_neigh_room_read(AF_INET, 0, &r) != 0)
		skip();	/* no rtnetlink here */
	assert_true(r.thresh3 >= 16);
	assert_true(r.held < (1u << 24));
	assert_true(r.incomplete_ms >= 1 && r.incomplete_ms <= 100 * 600000.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holds),
		cmocka_unit_test(test_places),
		cmocka_unit_test(test_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
