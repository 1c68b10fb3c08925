/* test_nbr6.c -- unit tests of IPv6 neighbour discovery's pure part: replies, table entries, the set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/neighbour.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/nbr6.h"

static struct ls_addr addr6(const char *text)
{
	struct ls_addr a;

	assert_int_equal(ls_addr_parse(text, &a), 0);
	return a;
}

static void test_echo_and_reply(void **state)
{
	static const uint8_t cookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, other[8] = { 9 };
	uint8_t pkt[LS_NBR6_ECHO_LEN];

	(void)state;
	ls_nbr6_echo(pkt, 0xbeef, cookie);
	assert_int_equal(pkt[0], 128);	/* echo request */
	assert_int_equal(pkt[4], 0xbe);
	assert_int_equal(pkt[5], 0xef);
	assert_memory_equal(pkt + 8, cookie, 8);
	assert_false(ls_nbr6_is_reply(pkt, sizeof(pkt), true, 0xbeef, cookie));	/* a request */
	pkt[0] = 129;
	assert_true(ls_nbr6_is_reply(pkt, sizeof(pkt), true, 0xbeef, cookie));
	assert_false(ls_nbr6_is_reply(pkt, sizeof(pkt), true, 0xbeee, cookie));	/* another program's */
	assert_true(ls_nbr6_is_reply(pkt, sizeof(pkt), false, 0xbeee, cookie));	/* datagram: the kernel's id */
	assert_false(ls_nbr6_is_reply(pkt, sizeof(pkt), true, 0xbeef, other));	/* not our payload */
	assert_false(ls_nbr6_is_reply(pkt, sizeof(pkt) - 1, true, 0xbeef, cookie));	/* short */
	pkt[1] = 1;
	assert_false(ls_nbr6_is_reply(pkt, sizeof(pkt), true, 0xbeef, cookie));	/* a code */
}

static void test_wanted(void **state)
{
	struct ls_addr own[2], a;

	(void)state;
	own[0] = addr6("fd00::2");
	own[1] = addr6("fe80::2%lo");
	assert_true(ls_nbr6_wanted((a = addr6("fd00::10"), &a), own, 2));
	assert_true(ls_nbr6_wanted((a = addr6("fe80::10%lo"), &a), own, 2));
	assert_false(ls_nbr6_wanted((a = addr6("fd00::2"), &a), own, 2));	/* ours */
	assert_false(ls_nbr6_wanted((a = addr6("fe80::2%lo"), &a), own, 2));
	assert_false(ls_nbr6_wanted((a = addr6("ff02::1"), &a), own, 2));	/* multicast */
	assert_false(ls_nbr6_wanted((a = addr6("::"), &a), own, 2));
	assert_false(ls_nbr6_wanted((a = addr6("::1"), &a), own, 2));
	a = addr6("fe80::10%lo");
	a.scope = 0;	/* a link-local address of no link */
	assert_false(ls_nbr6_wanted(&a, own, 2));
	a.scope = 7;	/* the same address as ours, on another link: someone else */
	a.b[15] = 2;
	assert_true(ls_nbr6_wanted(&a, own, 2));
	a = addr6("198.18.0.1");
	assert_false(ls_nbr6_wanted(&a, own, 2));
}

static void test_neigh_usable(void **state)
{
	struct ls_neigh nb;
	static const uint16_t yes[] = { NUD_REACHABLE, NUD_STALE, NUD_DELAY, NUD_PROBE, NUD_PERMANENT };
	static const uint16_t no[] = { NUD_INCOMPLETE, NUD_FAILED, NUD_NOARP, NUD_NONE };
	size_t i;

	(void)state;
	memset(&nb, 0, sizeof(nb));
	nb.ifindex = 3;
	nb.addr = addr6("fd00::10");
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		nb.state = yes[i];
		assert_true(ls_nbr6_neigh_usable(&nb, 3));
		assert_false(ls_nbr6_neigh_usable(&nb, 4));	/* another link */
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		nb.state = no[i];
		assert_false(ls_nbr6_neigh_usable(&nb, 3));
	}
	nb.state = NUD_REACHABLE;
	nb.addr = addr6("198.18.0.1");
	assert_false(ls_nbr6_neigh_usable(&nb, 3));
}

static void test_set(void **state)
{
	struct ls_nbr6_set s;
	struct ls_addr a = addr6("fe80::1%lo"), b;
	int i;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(ls_nbr6_add(&s, &a), 1);
	assert_int_equal(ls_nbr6_add(&s, &a), 0);	/* once */
	b = a;
	b.scope = 9;	/* the same address on another link: another neighbour */
	assert_int_equal(ls_nbr6_add(&s, &b), 1);
	for (i = 0; i < 100; i++) {
		b = addr6("fd00::1");
		b.b[14] = (uint8_t)i;
		assert_int_equal(ls_nbr6_add(&s, &b), 1);
	}
	assert_int_equal(s.n, 102);
	assert_int_equal(ls_addr_cmp(&s.a[0], &a), 0);	/* in the order found */
	ls_nbr6_free(&s);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_and_reply),
		cmocka_unit_test(test_wanted),
		cmocka_unit_test(test_neigh_usable),
		cmocka_unit_test(test_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
