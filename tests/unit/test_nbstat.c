/* test_nbstat.c -- unit tests of the NetBIOS node status request and response (nmbd replies, hostile packets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/nbstat.h"

/* Samba 4.17 nmbd ("DESK-10", workgroup "LAB", local master) answering
 * our request, id 0x7001: the owner the encoded "*" of the question,
 * TTL 0, seven names (DESK-10 <00> <03> <20> unique, __MSBROWSE__ <01>
 * group, LAB <00> group, <1d> unique, <1e> group; all active), a zero
 * unit id and the 40 zero bytes of statistics. */
static const uint8_t nmbd_reply[] = {
	0x70, 0x01, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x43, 0x4b, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
	0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
	0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x00, 0x00, 0x21,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xad, 0x07, 0x44, 0x45, 0x53,
	0x4b, 0x2d, 0x31, 0x30, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x00, 0x04, 0x00, 0x44, 0x45, 0x53, 0x4b, 0x2d, 0x31, 0x30, 0x20, 0x20,
	0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x03, 0x04, 0x00, 0x44, 0x45, 0x53,
	0x4b, 0x2d, 0x31, 0x30, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x20, 0x04, 0x00, 0x01, 0x02, 0x5f, 0x5f, 0x4d, 0x53, 0x42, 0x52, 0x4f,
	0x57, 0x53, 0x45, 0x5f, 0x5f, 0x02, 0x01, 0x84, 0x00, 0x4c, 0x41, 0x42,
	0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x00, 0x84, 0x00, 0x4c, 0x41, 0x42, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x1d, 0x04, 0x00, 0x4c, 0x41, 0x42,
	0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x1e, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00,
};

/* The encoded wildcard name "*": length 32, "CK", 30 'A's, the root. */
static const char star[] = "\x20" "CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

struct msg {
	uint8_t b[2048];
	size_t n;
};

static void put(struct msg *m, const void *p, size_t k)
{
	assert_true(m->n + k <= sizeof(m->b));
	memcpy(m->b + m->n, p, k);
	m->n += k;
}

static void put8(struct msg *m, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(m, &b, 1);
}

static void put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v);
}

static void header(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

/* The owner "*" encoded, then type, class, TTL and data length. */
static void rr(struct msg *m, unsigned type, unsigned class, unsigned rdlen)
{
	put(m, star, 33);
	put8(m, 0);
	put16(m, type);
	put16(m, class);
	put16(m, 0);
	put16(m, 0);
	put16(m, rdlen);
}

/* A name table entry: name padded with spaces to 15 bytes. */
static void entry(struct msg *m, const char *name, unsigned suffix, unsigned flags)
{
	char pad[15];
	size_t l = strlen(name);

	assert_true(l <= 15);
	memset(pad, ' ', sizeof(pad));
	memcpy(pad, name, l);
	put(m, pad, 15);
	put8(m, suffix);
	put16(m, flags);
}

/* A reply with id 1 holding `n` entries to be written by the caller,
 * then `extra` bytes of data (the unit id and statistics). */
static void reply(struct msg *m, unsigned n, unsigned extra)
{
	header(m, 1, 0x8400, 0, 1);
	rr(m, 0x21, 1, 1 + 18 * n + extra);
	put8(m, n);
}

static const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* ls_nbstat_parse on a copy of exactly len bytes (ASan sees overreads). */
static int parse(const uint8_t *pkt, size_t len, uint16_t id, struct ls_nbstat *out)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, pkt, len);
	r = ls_nbstat_parse(copy, len, id, out);
	free(copy);
	return r;
}

static int mparse(const struct msg *m, struct ls_nbstat *out)
{
	return parse(m->b, m->n, 1, out);
}

static void test_query_bytes(void **state)
{
	static const uint8_t want[LS_NBSTAT_QUERY_LEN] = {
		0xab, 0xcd, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x20, 'C', 'K',			/* '*' */
		'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
		'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 0x00,
		0x00, 0x21, 0x00, 0x01,
	};
	uint8_t buf[LS_NBSTAT_QUERY_LEN + 1];

	(void)state;
	buf[LS_NBSTAT_QUERY_LEN] = 0x5a;
	assert_int_equal(ls_nbstat_query(buf, 0xabcd), LS_NBSTAT_QUERY_LEN);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(buf[LS_NBSTAT_QUERY_LEN], 0x5a);
	/* The question nmbd answered is the one we send. */
	ls_nbstat_query(buf, 0x7001);
	assert_memory_equal(buf + 12, nmbd_reply + 12, 34 + 4);
}

static void test_parse_nmbd(void **state)
{
	struct ls_nbstat r;

	(void)state;
	assert_int_equal(parse(nmbd_reply, sizeof(nmbd_reply), 0x7001, &r), 0);
	assert_string_equal(r.name, "DESK-10");
	assert_string_equal(r.group, "LAB");
	assert_false(r.has_mac);
}

static void test_not_ours(void **state)
{
	uint8_t p[sizeof(nmbd_reply)];
	struct ls_nbstat r;

	(void)state;
	assert_int_equal(parse(nmbd_reply, sizeof(nmbd_reply), 0x7002, &r), -ESRCH);
	assert_string_equal(r.name, "");
	memcpy(p, nmbd_reply, sizeof(p));
	p[2] = 0x04;				/* the R bit clear: a request */
	assert_int_equal(parse(p, sizeof(p), 0x7001, &r), -ESRCH);
	p[2] = 0x8c;				/* opcode 1 */
	assert_int_equal(parse(p, sizeof(p), 0x7001, &r), -ESRCH);
	p[2] = 0x84;
	p[3] = 0x03;				/* NAM_ERR */
	assert_int_equal(parse(p, sizeof(p), 0x7001, &r), -ESRCH);
	p[3] = 0x00;
	assert_int_equal(parse(p, sizeof(p), 0x7001, &r), 0);
	ls_nbstat_query(p, 0x7001);		/* our own request, looped back */
	assert_int_equal(parse(p, LS_NBSTAT_QUERY_LEN, 0x7001, &r), -ESRCH);
}

static void test_truncated(void **state)
{
	struct ls_nbstat r;
	size_t l;

	(void)state;
	for (l = 0; l < sizeof(nmbd_reply); l++) {
		assert_int_equal(parse(nmbd_reply, l, 0x7001, &r), -EBADMSG);
		assert_string_equal(r.name, "");
		assert_false(r.has_mac);
	}
	assert_int_equal(parse(nmbd_reply, l, 0x7001, &r), 0);
}

static void test_mac(void **state)
{
	struct msg m;
	struct ls_nbstat r;

	(void)state;
	reply(&m, 1, 6 + 40);
	entry(&m, "PC", 0x00, 0x0400);
	put(&m, mac, 6);
	put(&m, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 40);
	assert_int_equal(mparse(&m, &r), 0);
	assert_string_equal(r.name, "PC");
	assert_true(r.has_mac);
	assert_memory_equal(r.mac, mac, 6);
	/* Just the unit id, no statistics. */
	reply(&m, 1, 6);
	entry(&m, "PC", 0x00, 0x0400);
	put(&m, mac, 6);
	assert_int_equal(mparse(&m, &r), 0);
	assert_true(r.has_mac);
	/* 5 bytes: no unit id. */
	reply(&m, 1, 5);
	entry(&m, "PC", 0x00, 0x0400);
	put(&m, mac, 5);
	assert_int_equal(mparse(&m, &r), 0);
	assert_false(r.has_mac);
	/* None at all. */
	reply(&m, 1, 0);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), 0);
	assert_false(r.has_mac);
}

static void test_no_unique_name(void **state)
{
	struct msg m;
	struct ls_nbstat r;

	(void)state;
	reply(&m, 3, 6);
	entry(&m, "PRINTER", 0x20, 0x0400);	/* unique, but a server's */
	entry(&m, "WORKGROUP", 0x00, 0x8400);	/* group */
	entry(&m, "PRINTER", 0x03, 0x0400);
	put(&m, mac, 6);
	assert_int_equal(mparse(&m, &r), -ENOENT);
	assert_string_equal(r.name, "");
	assert_string_equal(r.group, "WORKGROUP");
	assert_true(r.has_mac);
	assert_memory_equal(r.mac, mac, 6);
}

static void test_msbrowse(void **state)
{
	struct msg m;
	struct ls_nbstat r;

	(void)state;
	reply(&m, 5, 0);
	entry(&m, "\x01\x02__MSBROWSE__\x02", 0x01, 0x8400);	/* as sent, suffix 01 */
	entry(&m, "\x01\x02__MSBROWSE__\x02", 0x00, 0x8400);	/* a device getting it wrong */
	entry(&m, "__MSBROWSE__", 0x00, 0x8400);
	entry(&m, "HOME", 0x00, 0x8400);
	entry(&m, "PC-1", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), 0);
	assert_string_equal(r.name, "PC-1");
	assert_string_equal(r.group, "HOME");
}

static void test_zero_names(void **state)
{
	struct msg m;
	struct ls_nbstat r;

	(void)state;
	reply(&m, 0, 6);
	put(&m, mac, 6);
	assert_int_equal(mparse(&m, &r), -ENOENT);
	assert_string_equal(r.name, "");
	assert_string_equal(r.group, "");
	assert_true(r.has_mac);
	reply(&m, 0, 0);
	assert_int_equal(mparse(&m, &r), -ENOENT);
	assert_false(r.has_mac);
}

static void test_rdlength_lies(void **state)
{
	struct msg m;
	struct ls_nbstat r;

	(void)state;
	reply(&m, 1, 6);
	entry(&m, "PC", 0x00, 0x0400);
	put(&m, mac, 6);
	assert_int_equal(mparse(&m, &r), 0);
	m.b[12 + 34 + 10] = 2;			/* 2 names said, room for 1 */
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	reply(&m, 2, 6);			/* 2 names said and counted, 1 there */
	entry(&m, "PC", 0x00, 0x0400);
	put(&m, mac, 6);
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	header(&m, 1, 0x8400, 0, 1);		/* RDLENGTH past the end */
	rr(&m, 0x21, 1, 1 + 18 + 7);
	put8(&m, 1);
	entry(&m, "PC", 0x00, 0x0400);
	put(&m, mac, 6);
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	header(&m, 1, 0x8400, 0, 1);		/* RDLENGTH too short for the names */
	rr(&m, 0x21, 1, 1 + 17);
	put8(&m, 1);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	header(&m, 1, 0x8400, 0, 1);		/* RDLENGTH 0 */
	rr(&m, 0x21, 1, 0);
	put8(&m, 1);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	header(&m, 1, 0x8400, 0, 1);		/* NUM_NAMES 255, RDLENGTH to match, few bytes */
	rr(&m, 0x21, 1, 1 + 18 * 255);
	put8(&m, 255);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), -EBADMSG);
}

static void test_owner_names(void **state)
{
	struct msg m;
	struct ls_nbstat r;
	char label[64];
	int i;

	(void)state;
	/* A question, then the owner as a pointer to it. */
	header(&m, 1, 0x8400, 1, 1);
	put(&m, star, 33);
	put8(&m, 0);
	put16(&m, 0x21);
	put16(&m, 1);
	put16(&m, 0xc00c);
	put(&m, "\x00\x21\x00\x01\x00\x00\x00\x00\x00\x13\x01", 11);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), 0);
	assert_string_equal(r.name, "PC");
	m.b[12 + 38 + 1] = 12 + 38;		/* to itself */
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	m.b[12 + 38 + 1] = 0x40;		/* forwards */
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	m.b[12 + 38 + 1] = 0x02;		/* into the header */
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	m.b[12 + 38] = 0x80;			/* a reserved label type */
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	/* An encoded name with a scope. */
	header(&m, 1, 0x8400, 0, 1);
	put(&m, star, 33);
	put(&m, "\x03lab\x07" "example\x00", 13);
	put(&m, "\x00\x21\x00\x01\x00\x00\x00\x00\x00\x13\x01", 11);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), 0);
	/* Labels of 64 bytes, or 320 bytes in all. */
	memset(label, 'A', sizeof(label));
	header(&m, 1, 0x8400, 0, 1);
	put8(&m, 64);
	put(&m, label, 64);
	put8(&m, 0);
	put(&m, "\x00\x21\x00\x01\x00\x00\x00\x00\x00\x13\x01", 11);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	header(&m, 1, 0x8400, 0, 1);
	for (i = 0; i < 5; i++) {
		put8(&m, 63);
		put(&m, label, 63);
	}
	put8(&m, 0);
	put(&m, "\x00\x21\x00\x01\x00\x00\x00\x00\x00\x13\x01", 11);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), -EBADMSG);
}

static void test_answers(void **state)
{
	struct msg m;
	struct ls_nbstat r;

	(void)state;
	header(&m, 1, 0x8400, 0, 0);		/* no answer */
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	header(&m, 1, 0x8400, 0, 2);		/* an NB record first, then ours */
	rr(&m, 0x20, 1, 6);
	put(&m, "\x00\x00\xc6\x13\xc8\x02", 6);
	rr(&m, 0x21, 1, 19);
	put8(&m, 1);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), 0);
	m.b[7] = 1;				/* only the NB record counted */
	assert_int_equal(mparse(&m, &r), -EBADMSG);
	header(&m, 1, 0x8400, 0, 1);		/* class CH */
	rr(&m, 0x21, 3, 19);
	put8(&m, 1);
	entry(&m, "PC", 0x00, 0x0400);
	assert_int_equal(mparse(&m, &r), -EBADMSG);
}

static void test_names_escaped(void **state)
{
	struct msg m;
	struct ls_nbstat r;
	uint8_t high[15];

	(void)state;
	memset(high, 0xff, sizeof(high));
	reply(&m, 4, 0);
	entry(&m, "A\x01\\\x7f\xe9" "b", 0x00, 0x0400);
	put(&m, high, 15);			/* every byte escaped: 60 characters */
	put8(&m, 0x00);
	put16(&m, 0x8400);
	entry(&m, "MY PC", 0x00, 0x0400);	/* not the first */
	entry(&m, "x", 0x00, 0x8400);
	assert_int_equal(mparse(&m, &r), 0);
	assert_string_equal(r.name, "A\\x01\\x5c\\x7f\\xe9b");
	assert_int_equal(strlen(r.group), 60);
	assert_memory_equal(r.group, "\\xff\\xff", 8);
	/* Spaces inside kept, trailing NULs trimmed; empty names skipped. */
	reply(&m, 3, 0);
	entry(&m, "", 0x00, 0x0400);
	put(&m, "MY PC\0\0\0\0\0\0\0\0\0\0", 15);
	put8(&m, 0x00);
	put16(&m, 0x0400);
	entry(&m, "  G ", 0x00, 0x8000);
	assert_int_equal(mparse(&m, &r), 0);
	assert_string_equal(r.name, "MY PC");
	assert_string_equal(r.group, "  G");
	/* All 15 bytes used. */
	reply(&m, 1, 0);
	entry(&m, "ABCDEFGHIJKLMNO", 0x00, 0x0000);
	assert_int_equal(mparse(&m, &r), 0);
	assert_string_equal(r.name, "ABCDEFGHIJKLMNO");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_bytes),
		cmocka_unit_test(test_parse_nmbd),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_no_unique_name),
		cmocka_unit_test(test_msbrowse),
		cmocka_unit_test(test_zero_names),
		cmocka_unit_test(test_rdlength_lies),
		cmocka_unit_test(test_owner_names),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_names_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
