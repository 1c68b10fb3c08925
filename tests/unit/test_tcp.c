/* test_tcp.c -- the SYN codec: packets built right, replies parsed and checked against the cookie. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/tcp.h"

static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* An independent one's complement check: the sum over the data (with its
 * checksum field) plus an initial value folds to 0xffff. */
static unsigned csum_ok(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static void test_syn4_is_well_formed(void **state)
{
	uint8_t p[LS_TCP_SYN4_LEN];
	uint32_t src = 0xc6130101, dst = 0xc61303c9;	/* 198.19.1.1 -> 198.19.3.201 */
	struct ls_tcp_seg seg;

	(void)state;
	ls_tcp_syn4(p, src, dst, 40000, 445, 0xdeadbeef);
	assert_int_equal(p[0], 0x45);
	assert_int_equal(p[2] << 8 | p[3], LS_TCP_SYN4_LEN);
	assert_int_equal(p[9], 6);
	assert_true(csum_ok(0, p, 20));	/* the IP header's checksum */
	/* the TCP checksum, over the pseudo-header */
	assert_true(csum_ok((src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + LS_TCP_SYN_LEN,
			    p + 20, LS_TCP_SYN_LEN));
	assert_int_equal(p[20 + 13], 0x02);	/* SYN only */
	assert_int_equal(p[20 + 12] >> 4, 6);	/* 24 bytes of header */
	ls_tcp_parse4(p, sizeof(p), &seg);
	assert_false(seg.malformed);
	assert_int_equal(seg.kind, LS_TCP_OTHER);	/* a SYN is not an answer */
	assert_int_equal(seg.sport, 40000);
	assert_int_equal(seg.dport, 445);
	assert_int_equal(seg.seq, 0xdeadbeef);
	assert_int_equal(seg.src, src);
	assert_int_equal(seg.dst, dst);
}

static void test_cookie_depends_on_everything(void **state)
{
	struct ls_addr a = { .family = AF_INET, .b = { 198, 19, 3, 201 } }, b = a, c = { .family = AF_INET6 };
	uint8_t k2[16];
	uint32_t x = ls_tcp_cookie(key, &a, 445, 40000);

	(void)state;
	memcpy(k2, key, 16);
	k2[15] ^= 1;
	b.b[3] = 202;
	assert_int_equal(x, ls_tcp_cookie(key, &a, 445, 40000));
	assert_int_not_equal(x, ls_tcp_cookie(key, &b, 445, 40000));
	assert_int_not_equal(x, ls_tcp_cookie(key, &a, 22, 40000));
	assert_int_not_equal(x, ls_tcp_cookie(key, &a, 445, 40001));
	assert_int_not_equal(x, ls_tcp_cookie(k2, &a, 445, 40000));
	memcpy(c.b, a.b, 4);	/* an IPv6 address with the same first bytes */
	assert_int_not_equal(x, ls_tcp_cookie(key, &c, 445, 40000));
}

/* A reply as a peer would send it: IPv4 header and TCP, flags and ack given. */
static size_t reply(uint8_t *p, uint8_t flags, uint32_t ack)
{
	memset(p, 0, 40);
	p[0] = 0x45;
	p[3] = 40;
	p[9] = 6;
	p[12] = 198, p[13] = 19, p[14] = 3, p[15] = 201;
	p[16] = 198, p[17] = 19, p[18] = 1, p[19] = 1;
	p[20] = 445 >> 8, p[21] = 445 & 255;	/* from the probed port */
	p[22] = 40000 >> 8, p[23] = 40000 & 255;	/* to ours */
	p[28] = (uint8_t)(ack >> 24), p[29] = (uint8_t)(ack >> 16), p[30] = (uint8_t)(ack >> 8), p[31] = (uint8_t)ack;
	p[32] = 5 << 4;
	p[33] = flags;
	return 40;
}

static void test_replies(void **state)
{
	struct ls_addr a = { .family = AF_INET, .b = { 198, 19, 3, 201 } };
	uint32_t cookie = ls_tcp_cookie(key, &a, 445, 40000);
	struct ls_tcp_seg seg;
	uint8_t p[64];
	size_t n;

	(void)state;
	n = reply(p, 0x12, cookie + 1);	/* SYN-ACK */
	ls_tcp_parse4(p, n, &seg);
	assert_int_equal(seg.kind, LS_TCP_SYNACK);
	assert_int_equal(seg.sport, 445);
	assert_int_equal(seg.dport, 40000);
	assert_true(ls_tcp_answers(&seg, cookie));
	assert_false(ls_tcp_answers(&seg, cookie + 1));	/* another probe's */
	n = reply(p, 0x14, cookie + 1);	/* RST-ACK: closed, but up */
	ls_tcp_parse4(p, n, &seg);
	assert_int_equal(seg.kind, LS_TCP_RST);
	assert_true(ls_tcp_answers(&seg, cookie));
	n = reply(p, 0x14, cookie);	/* off by one: not ours */
	ls_tcp_parse4(p, n, &seg);
	assert_false(ls_tcp_answers(&seg, cookie));
	n = reply(p, 0x04, cookie + 1);	/* RST without ACK: proves nothing */
	ls_tcp_parse4(p, n, &seg);
	assert_int_equal(seg.kind, LS_TCP_OTHER);
	assert_false(ls_tcp_answers(&seg, cookie));
	n = reply(p, 0x11, cookie + 1);	/* FIN-ACK */
	ls_tcp_parse4(p, n, &seg);
	assert_int_equal(seg.kind, LS_TCP_OTHER);
	n = reply(p, 0x10, cookie + 1);	/* a bare ACK */
	ls_tcp_parse4(p, n, &seg);
	assert_int_equal(seg.kind, LS_TCP_OTHER);
	n = reply(p, 0x16, cookie + 1);	/* SYN and RST together */
	ls_tcp_parse4(p, n, &seg);
	assert_int_equal(seg.kind, LS_TCP_OTHER);
	/* IPv6: the segment alone */
	n = reply(p, 0x12, cookie + 1);
	ls_tcp_parse(p + 20, n - 20, &seg);
	assert_int_equal(seg.kind, LS_TCP_SYNACK);
	assert_int_equal(seg.ack, cookie + 1);
}

static void test_malformed(void **state)
{
	struct ls_tcp_seg seg;
	uint8_t p[64];
	size_t n, k;

	(void)state;
	n = reply(p, 0x12, 1);
	for (k = 0; k < n; k++) {	/* every truncation */
		ls_tcp_parse4(p, k, &seg);
		assert_true(seg.malformed);
		assert_int_equal(seg.kind, LS_TCP_OTHER);
	}
	reply(p, 0x12, 1);
	p[9] = 17;	/* UDP */
	ls_tcp_parse4(p, n, &seg);
	assert_true(seg.malformed);
	reply(p, 0x12, 1);
	p[6] = 0x20;	/* more fragments */
	ls_tcp_parse4(p, n, &seg);
	assert_true(seg.malformed);
	reply(p, 0x12, 1);
	p[0] = 0x44;	/* a header shorter than 20 bytes */
	ls_tcp_parse4(p, n, &seg);
	assert_true(seg.malformed);
	reply(p, 0x12, 1);
	p[0] = 0x46;	/* options claimed but not there: the TCP header moves */
	ls_tcp_parse4(p, n, &seg);
	assert_true(seg.malformed);
	reply(p, 0x12, 1);
	p[32] = 6 << 4;	/* a TCP header longer than the packet */
	ls_tcp_parse4(p, n, &seg);
	assert_true(seg.malformed);
	reply(p, 0x12, 1);
	p[3] = 60;	/* a total length past what was read */
	ls_tcp_parse4(p, n, &seg);
	assert_true(seg.malformed);
	reply(p, 0x12, 1);
	p[0] = 0x65;	/* not IPv4 */
	ls_tcp_parse4(p, n, &seg);
	assert_true(seg.malformed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn4_is_well_formed),
		cmocka_unit_test(test_cookie_depends_on_everything),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
