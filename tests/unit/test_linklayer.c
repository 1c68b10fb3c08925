/* test_linklayer.c -- ARP and neighbour discovery messages: what we send, what we accept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "lanscan/arp.h"
#include "lanscan/nd.h"

static const uint8_t me_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t me_ip[4] = { 198, 19, 1, 2 };
static const uint8_t target[4] = { 198, 19, 1, 10 };

static void test_arp_request_layout(void **state)
{
	uint8_t b[LS_ARP_LEN];
	struct ls_arp m;

	(void)state;
	ls_arp_request(b, me_mac, me_ip, target);
	assert_int_equal(ls_arp_parse(b, sizeof(b), &m), 0);
	assert_int_equal(m.op, 1);
	assert_memory_equal(m.sha, me_mac, 6);
	assert_memory_equal(m.spa, me_ip, 4);
	assert_memory_equal(m.tpa, target, 4);
	assert_false(ls_arp_answers(&m, me_mac, me_ip));	/* a request is not an answer */
}

static void test_arp_reply_must_be_for_us(void **state)
{
	const uint8_t host_mac[6] = { 0x00, 0x1b, 0x21, 1, 2, 3 }, other[6] = { 0x02, 9, 9, 9, 9, 9 };
	uint8_t b[LS_ARP_LEN];
	struct ls_arp m;
	size_t n;

	(void)state;
	/* The target's reply: swap the roles and set op 2. */
	ls_arp_request(b, host_mac, target, me_ip);
	b[7] = 2;
	memcpy(b + 18, me_mac, 6);
	assert_int_equal(ls_arp_parse(b, sizeof(b), &m), 0);
	assert_true(ls_arp_answers(&m, me_mac, me_ip));
	assert_memory_equal(m.sha, host_mac, 6);
	memset(b + 18, 0xff, 6);	/* broadcast replies (some stacks) are fine */
	ls_arp_parse(b, sizeof(b), &m);
	assert_true(ls_arp_answers(&m, me_mac, me_ip));
	memcpy(b + 18, other, 6);	/* to another host's MAC: not ours */
	ls_arp_parse(b, sizeof(b), &m);
	assert_false(ls_arp_answers(&m, me_mac, me_ip));
	memcpy(b + 18, me_mac, 6);
	b[27] ^= 1;	/* to another address */
	ls_arp_parse(b, sizeof(b), &m);
	assert_false(ls_arp_answers(&m, me_mac, me_ip));
	for (n = 0; n < LS_ARP_LEN; n++)	/* cut short: rejected */
		assert_int_equal(ls_arp_parse(b, n, &m), -EINVAL);
	b[1] = 6;	/* not Ethernet */
	assert_int_equal(ls_arp_parse(b, sizeof(b), &m), -EINVAL);
}

static void test_nd_solicit_and_group(void **state)
{
	const uint8_t t6[16] = { 0xfd, 0x6c, 0x61, 0x62, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0xef };
	uint8_t b[LS_ND_NS_LEN], g[16];

	(void)state;
	ls_nd_solicit(b, t6, me_mac);
	assert_int_equal(b[0], 135);
	assert_memory_equal(b + 8, t6, 16);
	assert_int_equal(b[24], 1);
	assert_int_equal(b[25], 1);
	assert_memory_equal(b + 26, me_mac, 6);
	ls_nd_solicited_node(t6, g);
	assert_int_equal(g[0], 0xff);
	assert_int_equal(g[1], 0x02);
	assert_int_equal(g[11], 1);
	assert_int_equal(g[12], 0xff);
	assert_int_equal(g[13], 0xab);
	assert_int_equal(g[15], 0xef);
}

static void test_nd_advert_parse(void **state)
{
	uint8_t b[40];
	struct ls_nd_adv a;

	(void)state;
	memset(b, 0, sizeof(b));
	b[0] = 136;
	b[4] = 0x60;	/* solicited, override */
	b[8] = 0xfd;
	b[24] = 2;	/* target link-layer address */
	b[25] = 1;
	memcpy(b + 26, "\x00\x1b\x21\x0a\x0b\x0c", 6);
	assert_int_equal(ls_nd_parse_adv(b, 32, &a), 0);
	assert_true(a.solicited && a.has_mac);
	assert_int_equal(a.target[0], 0xfd);
	assert_int_equal(a.mac[5], 0x0c);
	assert_int_equal(ls_nd_parse_adv(b, 24, &a), 0);	/* no options: no MAC */
	assert_false(a.has_mac);
	b[33] = 0;	/* a zero-length option must be rejected (RFC 4861 4.6) */
	b[32] = 1;
	assert_int_equal(ls_nd_parse_adv(b, 40, &a), -EINVAL);
	b[33] = 2;	/* an option running past the end */
	assert_int_equal(ls_nd_parse_adv(b, 40, &a), -EINVAL);
	b[0] = 135;
	assert_int_equal(ls_nd_parse_adv(b, 32, &a), -EINVAL);
	b[0] = 136;
	assert_int_equal(ls_nd_parse_adv(b, 23, &a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_request_layout),
		cmocka_unit_test(test_arp_reply_must_be_for_us),
		cmocka_unit_test(test_nd_solicit_and_group),
		cmocka_unit_test(test_nd_advert_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
