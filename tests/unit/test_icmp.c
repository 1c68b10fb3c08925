/* test_icmp.c -- unit tests of echo building and reply/error parsing, IPv4 and IPv6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "lanscan/icmp.h"

#define COOKIE 0x0123456789abcdefULL

/* An echo request carrying slot, gen and try (and a fixed tag and time). */
static void echo(int family, uint8_t *b, uint16_t id, uint16_t seq, uint32_t slot, uint16_t gen, uint8_t try_)
{
	struct ls_icmp_probe pr = { COOKIE, slot, gen, try_, 1234567890123ULL };

	ls_icmp_echo(family, b, id, seq, &pr);
}

/* Fixes the ICMP checksum after a test edits a message. */
static void fix_sum(uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	p[2] = p[3] = 0;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[2] = (uint8_t)(~sum >> 8);
	p[3] = (uint8_t)~sum;
}

/* An IPv4 header (20 bytes, protocol ICMP) from src to dst. */
static size_t ip4(uint8_t *p, const uint8_t src[4], const uint8_t dst[4])
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[9] = 1;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	return 20;
}

static void test_echo_request_v4_checksum(void **state)
{
	uint8_t b[LS_ICMP_ECHO_LEN];
	uint32_t sum = 0;
	size_t i;

	(void)state;
	echo(AF_INET, b, 0xbeef, 7, 7, 3, 1);
	assert_int_equal(b[0], 8);
	assert_int_equal(b[4] << 8 | b[5], 0xbeef);
	assert_int_equal(b[6] << 8 | b[7], 7);
	for (i = 0; i < sizeof(b); i += 2)	/* a valid checksum sums to 0xffff */
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(sum, 0xffff);
	echo(AF_INET6, b, 1, 2, 2, 0, 1);
	assert_int_equal(b[0], 128);
	assert_int_equal(b[2] | b[3], 0);	/* the kernel computes it */
}

static void test_reply_v4_with_ip_header(void **state)
{
	uint8_t pkt[64], *icmp;
	struct ls_icmp_msg m;
	const uint8_t a[4] = { 198, 18, 0, 1 }, me[4] = { 198, 19, 255, 2 };

	(void)state;
	icmp = pkt + ip4(pkt, a, me);
	echo(AF_INET, icmp, 0xbeef, 9, 9, 4, 2);
	icmp[0] = 0;	/* echo reply */
	fix_sum(icmp, LS_ICMP_ECHO_LEN);
	ls_icmp_parse(AF_INET, pkt, 20 + LS_ICMP_ECHO_LEN, true, &m);
	assert_int_equal(m.kind, LS_ICMP_REPLY);
	assert_int_equal(m.id, 0xbeef);
	assert_int_equal(m.seq, 9);
	assert_true(m.has_payload);
	assert_true(m.probe.tag == COOKIE);
	assert_int_equal(m.probe.slot, 9);
	assert_int_equal(m.probe.gen, 4);
	assert_int_equal(m.probe.try_, 2);
	assert_true(m.probe.tx_ns == 1234567890123ULL);
	/* A bad checksum is caught (raw IPv4), and the message not parsed. */
	icmp[9] ^= 1;
	ls_icmp_parse(AF_INET, pkt, 20 + LS_ICMP_ECHO_LEN, true, &m);
	assert_int_equal(m.kind, LS_ICMP_OTHER);
	assert_true(m.bad_checksum);
	icmp[9] ^= 1;
	/* Without the IP header (datagram sockets) it reads the same. */
	ls_icmp_parse(AF_INET, icmp, LS_ICMP_ECHO_LEN, false, &m);
	assert_int_equal(m.kind, LS_ICMP_REPLY);
	assert_int_equal(m.probe.slot, 9);
}

static void test_tag_covers_address_and_fields(void **state)
{
	uint8_t key[16] = { 1, 2, 3 };
	struct ls_addr a = { .family = AF_INET, .b = { 198, 18, 0, 1 } }, b = a;
	struct ls_icmp_probe pr = { 0, 70000, 3, 1, 42 }, q;
	uint64_t t = ls_icmp_tag(key, &a, &pr);

	(void)state;
	b.b[3] = 2;
	assert_true(ls_icmp_tag(key, &b, &pr) != t);
	q = pr; q.slot++;
	assert_true(ls_icmp_tag(key, &a, &q) != t);
	q = pr; q.gen++;
	assert_true(ls_icmp_tag(key, &a, &q) != t);
	q = pr; q.try_++;
	assert_true(ls_icmp_tag(key, &a, &q) != t);
	q = pr; q.tx_ns++;
	assert_true(ls_icmp_tag(key, &a, &q) != t);
	q = pr; q.tag = 99;	/* the tag field itself is not covered */
	assert_true(ls_icmp_tag(key, &a, &q) == t);
	key[15] = 1;
	assert_true(ls_icmp_tag(key, &a, &pr) != t);
}

static void test_truncated_and_foreign(void **state)
{
	uint8_t pkt[64];
	struct ls_icmp_msg m;
	const uint8_t a[4] = { 1, 2, 3, 4 };
	size_t n;

	(void)state;
	for (n = 0; n < 28; n++) {	/* every cut of a reply: nothing, or a reply without payload */
		ip4(pkt, a, a);
		echo(AF_INET, pkt + 20, 1, 1, 1, 1, 1);
		pkt[20] = 0;
		fix_sum(pkt + 20, n > 20 ? n - 20 : 0);
		ls_icmp_parse(AF_INET, pkt, n, true, &m);
		assert_int_equal(m.kind, LS_ICMP_OTHER);
	}
	fix_sum(pkt + 20, 8);
	ls_icmp_parse(AF_INET, pkt, 20 + 8, true, &m);
	assert_int_equal(m.kind, LS_ICMP_REPLY);
	assert_false(m.has_payload);	/* a reply with our id but not our payload won't match */
	pkt[20] = 8;	/* an echo request (someone pinging us) */
	fix_sum(pkt + 20, LS_ICMP_ECHO_LEN);
	ls_icmp_parse(AF_INET, pkt, 20 + LS_ICMP_ECHO_LEN, true, &m);
	assert_int_equal(m.kind, LS_ICMP_OTHER);
	pkt[9] = 6;	/* not ICMP */
	ls_icmp_parse(AF_INET, pkt, 20 + LS_ICMP_ECHO_LEN, true, &m);
	assert_int_equal(m.kind, LS_ICMP_OTHER);
	pkt[0] = 0x41;	/* bad header length */
	ls_icmp_parse(AF_INET, pkt, 20 + LS_ICMP_ECHO_LEN, true, &m);
	assert_int_equal(m.kind, LS_ICMP_OTHER);
}

static void test_error_v4_quoting_our_probe(void **state)
{
	uint8_t pkt[128], *p;
	struct ls_icmp_msg m;
	const uint8_t rtr[4] = { 198, 19, 255, 1 }, me[4] = { 198, 19, 255, 2 }, dst[4] = { 198, 19, 2, 3 };

	(void)state;
	p = pkt + ip4(pkt, rtr, me);
	p[0] = 3;	/* destination unreachable */
	p[1] = 1;	/* host */
	p += 8;
	p += ip4(p, me, dst);
	echo(AF_INET, p, 0xbeef, 5, 5, 2, 1);
	fix_sum(pkt + 20, 8 + 20 + LS_ICMP_ECHO_LEN);
	ls_icmp_parse(AF_INET, pkt, 20 + 8 + 20 + LS_ICMP_ECHO_LEN, true, &m);
	assert_int_equal(m.kind, LS_ICMP_ERROR);
	assert_string_equal(m.reason, "host unreachable");
	assert_int_equal(m.target.family, AF_INET);
	assert_memory_equal(m.target.b, dst, 4);
	assert_int_equal(m.seq, 5);
	assert_true(m.has_payload && m.probe.tag == COOKIE && m.probe.gen == 2);
	/* Quoting only the 8 bytes RFC 792 guarantees: matched by id/seq alone. */
	fix_sum(pkt + 20, 8 + 20 + 8);
	ls_icmp_parse(AF_INET, pkt, 20 + 8 + 20 + 8, true, &m);
	assert_int_equal(m.kind, LS_ICMP_ERROR);
	assert_false(m.has_payload);
	pkt[21] = 13;
	fix_sum(pkt + 20, 8 + 20 + 8);
	ls_icmp_parse(AF_INET, pkt, 20 + 8 + 20 + 8, true, &m);
	assert_string_equal(m.reason, "administratively prohibited");
	pkt[20 + 8 + 20] = 0;	/* the quoted message is not an echo request: not ours */
	fix_sum(pkt + 20, 8 + 20 + 8);
	ls_icmp_parse(AF_INET, pkt, 20 + 8 + 20 + 8, true, &m);
	assert_int_equal(m.kind, LS_ICMP_OTHER);
}

static void test_v6_reply_and_error(void **state)
{
	uint8_t pkt[128], *q;
	struct ls_icmp_msg m;
	uint8_t dst[16] = { 0xfd, 0x6c, 0x61, 0x62, 0, 2, [15] = 3 };

	(void)state;
	echo(AF_INET6, pkt, 0x1234, 77, 77, 1, 1);
	pkt[0] = 129;
	ls_icmp_parse(AF_INET6, pkt, LS_ICMP_ECHO_LEN, false, &m);
	assert_int_equal(m.kind, LS_ICMP_REPLY);
	assert_int_equal(m.seq, 77);
	assert_true(m.has_payload);

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 1;	/* destination unreachable */
	pkt[1] = 0;	/* no route */
	q = pkt + 8;
	q[0] = 0x60;
	q[6] = 58;	/* next header ICMPv6 */
	memcpy(q + 24, dst, 16);
	echo(AF_INET6, q + 40, 0x1234, 77, 77, 1, 1);
	ls_icmp_parse(AF_INET6, pkt, 8 + 40 + LS_ICMP_ECHO_LEN, false, &m);
	assert_int_equal(m.kind, LS_ICMP_ERROR);
	assert_string_equal(m.reason, "no route");
	assert_int_equal(m.target.family, AF_INET6);
	assert_memory_equal(m.target.b, dst, 16);
	pkt[1] = 1;
	ls_icmp_parse(AF_INET6, pkt, 8 + 40 + 8, false, &m);
	assert_string_equal(m.reason, "administratively prohibited");
	ls_icmp_parse(AF_INET6, pkt, 8 + 39, false, &m);	/* cut inside the quoted header */
	assert_int_equal(m.kind, LS_ICMP_OTHER);
	pkt[0] = 128;	/* an echo request to us */
	ls_icmp_parse(AF_INET6, pkt, 8 + 40 + 8, false, &m);
	assert_int_equal(m.kind, LS_ICMP_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_request_v4_checksum),
		cmocka_unit_test(test_reply_v4_with_ip_header),
		cmocka_unit_test(test_tag_covers_address_and_fields),
		cmocka_unit_test(test_truncated_and_foreign),
		cmocka_unit_test(test_error_v4_quoting_our_probe),
		cmocka_unit_test(test_v6_reply_and_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
