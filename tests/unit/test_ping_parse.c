/* test_ping_parse.c -- unit tests of the ping output parser (iputils and busybox output). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lanscan/ping_parse.h"

static void parse(const char *out, const char *err, struct ls_ping_output *res)
{
	ls_ping_parse(out, strlen(out), err, strlen(err), NULL, 0, res);
}

static void test_reply_iputils(void **state)
{
	struct ls_ping_output r;

	(void)state;
	parse("PING 198.18.0.1 (198.18.0.1) 56(84) bytes of data.\n"
	      "64 bytes from 198.18.0.1: icmp_seq=1 ttl=63 time=0.122 ms\n\n"
	      "--- 198.18.0.1 ping statistics ---\n"
	      "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
	      "rtt min/avg/max/mdev = 0.122/0.122/0.122/0.000 ms\n", "", &r);
	assert_int_equal(r.replies, 1);
	assert_float_equal(r.rtt_ms, 0.122, 1e-9);
	assert_null(r.reason);
	assert_false(r.not_permitted);
}

static void test_average_of_several(void **state)
{
	struct ls_ping_output r;

	(void)state;
	parse("64 bytes from ::1: icmp_seq=1 ttl=64 time=0.050 ms\n"
	      "64 bytes from ::1: icmp_seq=2 ttl=64 time=0.030 ms\n"
	      "3 packets transmitted, 2 received, 33% packet loss, time 400ms\n"
	      "rtt min/avg/max/mdev = 0.030/0.040/0.050/0.010 ms\n", "", &r);
	assert_int_equal(r.replies, 2);
	assert_float_equal(r.rtt_ms, 0.040, 1e-9);
}

static void test_busybox_and_no_summary(void **state)
{
	struct ls_ping_output r;

	(void)state;
	parse("64 bytes from 10.0.0.1: seq=0 ttl=64 time=1.250 ms\n"
	      "round-trip min/avg/max = 1.250/1.250/1.250 ms\n", "", &r);
	assert_float_equal(r.rtt_ms, 1.25, 1e-9);
	parse("64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=7 ms", "", &r);	/* cut short */
	assert_int_equal(r.replies, 1);
	assert_float_equal(r.rtt_ms, 7.0, 1e-9);
}

static void test_unreachable_reasons(void **state)
{
	struct ls_ping_output r;

	(void)state;
	parse("From 198.19.255.1 icmp_seq=1 Destination Host Unreachable\n"
	      "1 packets transmitted, 0 received, +1 errors, 100% packet loss\n", "", &r);
	assert_int_equal(r.replies, 0);
	assert_string_equal(r.reason, "host unreachable");
	assert_true(r.rtt_ms < 0);
	parse("From 198.19.255.1 icmp_seq=1 Packet filtered\n", "", &r);
	assert_string_equal(r.reason, "administratively prohibited");
	parse("From fd6c:6162:ff::1 icmp_seq=1 Destination unreachable: No route\n", "", &r);
	assert_string_equal(r.reason, "no route");
	parse("From fd00::1 icmp_seq=1 Destination unreachable: Administratively prohibited\n", "", &r);
	assert_string_equal(r.reason, "administratively prohibited");
	parse("1 packets transmitted, 0 received, 100% packet loss, time 0ms\n", "", &r);
	assert_int_equal(r.replies, 0);
	assert_null(r.reason);
}

static void test_errors(void **state)
{
	struct ls_ping_output r;

	(void)state;
	parse("", "ping: socket: Operation not permitted\n", &r);
	assert_true(r.not_permitted);
	assert_string_equal(r.message, "socket: Operation not permitted");
	parse("", "/tmp/x/ping: socktype: SOCK_RAW\n/tmp/x/ping: socket: Operation not permitted\n", &r);
	assert_true(r.not_permitted);
	assert_string_equal(r.message, "socket: Operation not permitted");
	parse("", "ping: connect: Network is unreachable\n", &r);
	assert_false(r.not_permitted);
	assert_string_equal(r.message, "connect: Network is unreachable");
	parse("", "ping: sendmsg: Operation not permitted\n", &r);	/* a local firewall, one target */
	assert_false(r.not_permitted);
}

static void test_garbage_is_harmless(void **state)
{
	struct ls_ping_output r;
	char big[300];

	(void)state;
	memset(big, 'x', sizeof(big));
	ls_ping_parse(big, sizeof(big), big, sizeof(big), "198.18.0.1", 1000, &r);
	assert_int_equal(r.replies, 0);
	assert_int_equal(strlen(r.message), sizeof(r.message) - 1);
	parse("64 bytes from x: time=abc ms\nrtt min/avg/max/mdev = /\n"
	      "x received transmitted\n", "", &r);
	assert_int_equal(r.replies, 1);
	assert_true(r.rtt_ms < 0);
	parse("1 packets transmitted, 5555555555555555555555555555555 received\n", "", &r);
	assert_int_equal(r.replies, 0);	/* the summary is not evidence */
}

/* What a hostile or broken device makes iputils print: none of it is a reply. */
static void test_only_replies_from_the_target_count(void **state)
{
	static const char *const bad[] = {
		"64 bytes from 198.18.0.99: icmp_seq=1 ttl=64 time=0.1 ms\n",	/* another source */
		"64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.1 ms (DIFFERENT ADDRESS!)\n",
		"64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.1 ms (DUP!)\n",
		"8 bytes from 198.18.0.1: icmp_seq=1 ttl=64 (truncated)\n",
		"64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.1 ms\nwrong data byte #16 should be 0x10 but was 0x0\n",
		"64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=8239531932139847 ms\n",	/* longer than ping ran */
		"64 bytes from 198.18.0.10: icmp_seq=1 ttl=64 time=0.1 ms\n",	/* a prefix of the target is not it */
		"1 packets transmitted, 1 received, 0% packet loss\nrtt min/avg/max/mdev = 1/1/1/0 ms\n",
	};
	struct ls_ping_output r;
	size_t i;
	const char *good = "64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.250 ms\n"
			   "64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.250 ms (DUP!)\n";

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ls_ping_parse(bad[i], strlen(bad[i]), "", 0, "198.18.0.1", 1000, &r);
		assert_int_equal(r.replies, 0);
		assert_true(r.rtt_ms < 0);
	}
	ls_ping_parse(good, strlen(good), "", 0, "198.18.0.1", 1000, &r);
	assert_int_equal(r.replies, 1);
	assert_int_equal(r.rejected, 1);
	assert_float_equal(r.rtt_ms, 0.25, 1e-9);
	good = "64 bytes from fd6c:6162:18::1: icmp_seq=1 ttl=64 time=0.5 ms\n";
	ls_ping_parse(good, strlen(good), "", 0, "fd6c:6162:18::1", 1000, &r);
	assert_int_equal(r.replies, 1);
}

/* -c N: the least and most of the replies that count, none of the others. */
static void test_rtt_range(void **state)
{
	const char *out = "64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.300 ms\n"
			  "64 bytes from 198.18.0.1: icmp_seq=2 ttl=64 time=9.000 ms\n"
			  "wrong data byte #16 should be 0x10 but was 0x0\n"	/* takes 9.0 back */
			  "64 bytes from 198.18.0.1: icmp_seq=2 ttl=64 time=0.100 ms (DUP!)\n"
			  "64 bytes from 198.18.0.9: icmp_seq=3 ttl=64 time=0.050 ms\n"
			  "64 bytes from 198.18.0.1: icmp_seq=3 ttl=64 time=0.500 ms\n";
	struct ls_ping_output r;

	(void)state;
	ls_ping_parse(out, strlen(out), "", 0, "198.18.0.1", 1000, &r);
	assert_int_equal(r.replies, 2);
	assert_float_equal(r.rtt_ms, 0.4, 1e-9);
	assert_float_equal(r.rtt_min_ms, 0.3, 1e-9);
	assert_float_equal(r.rtt_max_ms, 0.5, 1e-9);
	ls_ping_parse("", 0, "", 0, "198.18.0.1", 1000, &r);
	assert_true(r.rtt_min_ms < 0 && r.rtt_max_ms < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_iputils),
		cmocka_unit_test(test_average_of_several),
		cmocka_unit_test(test_busybox_and_no_summary),
		cmocka_unit_test(test_unreachable_reasons),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_garbage_is_harmless),
		cmocka_unit_test(test_only_replies_from_the_target_count),
		cmocka_unit_test(test_rtt_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
