/* test_dnswire.c -- unit tests of the mDNS PTR query builder and answer parser (avahi replies, hostile packets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lanscan/dnswire.h"

#define PTR4 "2.200.19.198.in-addr.arpa"
#define PTR6 "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.9.1.0.0.0.0.d.f.ip6.arpa"

/* avahi-daemon 0.8 ("desk-10") answering a unicast PTR query for
 * 198.19.200.2, id 0x1234, sent to its port 5353 from an ephemeral port:
 * the id and question echoed, the answer's owner a pointer to it, TTL 10. */
static const uint8_t avahi_unicast[] = {
	0x12, 0x34, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x32, 0x03, 0x32, 0x30, 0x30, 0x02, 0x31, 0x39, 0x03, 0x31, 0x39,
	0x38, 0x07, 0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72, 0x04, 0x61, 0x72,
	0x70, 0x61, 0x00, 0x00, 0x0c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0c, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x0f, 0x07, 0x64, 0x65, 0x73, 0x6b,
	0x2d, 0x31, 0x30, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00,
};

/* The same for a question in upper case (id 0x1236): the question echoed
 * as asked, the answer's owner in lower case, so not compressed. */
static const uint8_t avahi_upper[] = {
	0x12, 0x36, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x32, 0x03, 0x32, 0x30, 0x30, 0x02, 0x31, 0x39, 0x03, 0x31, 0x39,
	0x38, 0x07, 0x49, 0x4e, 0x2d, 0x41, 0x44, 0x44, 0x52, 0x04, 0x41, 0x52,
	0x50, 0x41, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x01, 0x32, 0x03, 0x32, 0x30,
	0x30, 0x02, 0x31, 0x39, 0x03, 0x31, 0x39, 0x38, 0x07, 0x69, 0x6e, 0x2d,
	0x61, 0x64, 0x64, 0x72, 0x04, 0x61, 0x72, 0x70, 0x61, 0x00, 0x00, 0x0c,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x0f, 0x07, 0x64, 0x65, 0x73,
	0x6b, 0x2d, 0x31, 0x30, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00,
};

/* avahi's multicast response to a query from port 5353 (a full mDNS
 * querier): id 0, no question, class IN with the cache-flush bit, TTL 120. */
static const uint8_t avahi_multicast[] = {
	0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x32, 0x03, 0x32, 0x30, 0x30, 0x02, 0x31, 0x39, 0x03, 0x31, 0x39,
	0x38, 0x07, 0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72, 0x04, 0x61, 0x72,
	0x70, 0x61, 0x00, 0x00, 0x0c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00,
	0x0f, 0x07, 0x64, 0x65, 0x73, 0x6b, 0x2d, 0x31, 0x30, 0x05, 0x6c, 0x6f,
	0x63, 0x61, 0x6c, 0x00,
};

/* avahi over IPv6: the PTR query for fd00:19:200::2, id 0x6666. */
static const uint8_t avahi_ipv6[] = {
	0x66, 0x66, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x32, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30,
	0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30,
	0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30,
	0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x32, 0x01, 0x30,
	0x01, 0x39, 0x01, 0x31, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30,
	0x01, 0x64, 0x01, 0x66, 0x03, 0x69, 0x70, 0x36, 0x04, 0x61, 0x72, 0x70,
	0x61, 0x00, 0x00, 0x0c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x0a, 0x00, 0x0f, 0x07, 0x64, 0x65, 0x73, 0x6b, 0x2d,
	0x31, 0x30, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00,
};

/* A message being written by hand. */
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

/* A pointer to offset `to`. */
static void ptr(struct msg *m, size_t to)
{
	put16(m, 0xc000 | (unsigned)to);
}

/* Dot-separated labels, taken literally, then the root unless `open`. */
static void labels(struct msg *m, const char *dotted, bool open)
{
	const char *p = dotted, *dot;
	size_t l;

	while (*p != '\0') {
		dot = strchr(p, '.');
		l = dot != NULL ? (size_t)(dot - p) : strlen(p);
		put8(m, (unsigned)l);
		put(m, p, l);
		p += l + (dot != NULL);
	}
	if (!open)
		put8(m, 0);
}

static void header(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* A record's type, class, TTL and data length (the owner written before). */
static void rr(struct msg *m, unsigned type, unsigned class, unsigned rdlen)
{
	put16(m, type);
	put16(m, class);
	put16(m, 0);
	put16(m, 120);
	put16(m, rdlen);
}

/* ls_dns_ptr_answer on a copy of exactly len bytes, so that ASan sees any
 * read past the end. */
static int answer(const uint8_t *pkt, size_t len, uint16_t id, const char *qname, char *out, size_t outlen)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, pkt, len);
	r = ls_dns_ptr_answer(copy, len, id, qname, out, outlen);
	free(copy);
	return r;
}

static int manswer(const struct msg *m, uint16_t id, const char *qname, char *out, size_t outlen)
{
	return answer(m->b, m->n, id, qname, out, outlen);
}

static void test_qname_ipv4(void **state)
{
	struct in_addr a;
	char out[LS_DNS_QNAME_MAX];

	(void)state;
	inet_pton(AF_INET, "1.2.3.4", &a);
	assert_int_equal(ls_dns_ptr_qname(AF_INET, &a, out, sizeof(out)), 20);
	assert_string_equal(out, "4.3.2.1.in-addr.arpa");
	inet_pton(AF_INET, "198.19.200.2", &a);
	assert_int_equal(ls_dns_ptr_qname(AF_INET, &a, out, sizeof(out)), (int)strlen(PTR4));
	assert_string_equal(out, PTR4);
	inet_pton(AF_INET, "255.255.255.255", &a);
	assert_int_equal(ls_dns_ptr_qname(AF_INET, &a, out, 29), 28);
	assert_string_equal(out, "255.255.255.255.in-addr.arpa");
	assert_int_equal(ls_dns_ptr_qname(AF_INET, &a, out, 28), -ENOSPC);
	assert_string_equal(out, "");
	assert_int_equal(ls_dns_ptr_qname(AF_INET, &a, out, 0), -ENOSPC);
	assert_int_equal(ls_dns_ptr_qname(AF_UNIX, &a, out, sizeof(out)), -EAFNOSUPPORT);
}

static void test_qname_ipv6(void **state)
{
	struct in6_addr a;
	char out[LS_DNS_QNAME_MAX];

	(void)state;
	/* RFC 3596 2.5's example, in lower case. */
	inet_pton(AF_INET6, "4321:0:1:2:3:4:567:89ab", &a);
	assert_int_equal(ls_dns_ptr_qname(AF_INET6, &a, out, sizeof(out)), 72);
	assert_string_equal(out, "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa");
	inet_pton(AF_INET6, "fd00:19:200::2", &a);
	assert_int_equal(ls_dns_ptr_qname(AF_INET6, &a, out, 73), 72);
	assert_string_equal(out, PTR6);
	assert_int_equal(ls_dns_ptr_qname(AF_INET6, &a, out, 72), -ENOSPC);
	assert_string_equal(out, "");
}

static void test_query_bytes(void **state)
{
	static const uint8_t want[] = {
		0xbe, 0xef, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, '4', 0x01, '3', 0x01, '2', 0x01, '1',
		0x07, 'i', 'n', '-', 'a', 'd', 'd', 'r', 0x04, 'a', 'r', 'p', 'a', 0x00,
		0x00, 0x0c, 0x80, 0x01,
	};
	uint8_t buf[512];

	(void)state;
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 0xbeef, "4.3.2.1.in-addr.arpa", true), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* A final dot changes nothing; without QU the class is plain IN. */
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(want), 0xbeef, "4.3.2.1.in-addr.arpa.", false), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want) - 2);
	assert_int_equal(buf[sizeof(want) - 2], 0x00);
	assert_int_equal(buf[sizeof(want) - 1], 0x01);
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(want) - 1, 0xbeef, "4.3.2.1.in-addr.arpa", true), -ENOSPC);
}

/* What we send is what avahi echoed back. */
static void test_query_matches_capture(void **state)
{
	uint8_t buf[512];
	ssize_t n;

	(void)state;
	n = ls_dns_ptr_query(buf, sizeof(buf), 0x1234, PTR4, false);
	assert_int_equal(n, 43);
	assert_memory_equal(buf + 12, avahi_unicast + 12, 31);
	assert_memory_equal(buf, "\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
}

static void test_query_bad_names(void **state)
{
	char name[300];
	uint8_t buf[512];

	(void)state;
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, "", false), -EINVAL);
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, ".", false), -EINVAL);
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, ".local", false), -EINVAL);
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, "a..local", false), -EINVAL);
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, "a.local..", false), -EINVAL);
	/* Labels of 63 bytes, not 64. */
	memset(name, 'a', 63);
	strcpy(name + 63, ".local");
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, name, false), 12 + 1 + 63 + 7 + 4);
	memset(name, 'a', 64);
	strcpy(name + 64, ".local");
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, name, false), -EINVAL);
	/* 253 characters (255 bytes on the wire), not 254. */
	memset(name, 'b', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, name, false), 12 + 255 + 4);
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, strcat(name, "."), false), 12 + 255 + 4);
	name[253] = 'b';
	name[254] = '\0';
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, name, false), -EINVAL);
	memset(name, 'c', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(ls_dns_ptr_query(buf, sizeof(buf), 1, name, false), -EINVAL);
	assert_int_equal(ls_dns_ptr_answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, "a..b", (char *)buf, 64),
			 -EINVAL);
}

static void test_answer_avahi(void **state)
{
	char name[64];

	(void)state;
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "desk-10.local");
	assert_int_equal(answer(avahi_upper, sizeof(avahi_upper), 0x1236, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "desk-10.local");
	assert_int_equal(answer(avahi_multicast, sizeof(avahi_multicast), 0, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "desk-10.local");
	assert_int_equal(answer(avahi_ipv6, sizeof(avahi_ipv6), 0x6666, PTR6, name, sizeof(name)), 1);
	assert_string_equal(name, "desk-10.local");
}

static void test_answer_case_insensitive(void **state)
{
	char name[64];

	(void)state;
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, "2.200.19.198.IN-ADDR.Arpa.", name,
				sizeof(name)), 1);
	assert_string_equal(name, "desk-10.local");
	assert_int_equal(answer(avahi_upper, sizeof(avahi_upper), 0x1236, "2.200.19.198.In-Addr.ARPA", name,
				sizeof(name)), 1);
	assert_string_equal(name, "desk-10.local");
}

static void test_answer_not_ours(void **state)
{
	uint8_t p[sizeof(avahi_unicast)];
	char name[64];

	(void)state;
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1235, PTR4, name, sizeof(name)), -ESRCH);
	assert_string_equal(name, "");
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, "3.200.19.198.in-addr.arpa", name,
				sizeof(name)), -ESRCH);
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, "200.19.198.in-addr.arpa", name,
				sizeof(name)), -ESRCH);
	assert_int_equal(answer(avahi_ipv6, sizeof(avahi_ipv6), 0x6666, PTR4, name, sizeof(name)), -ESRCH);
	/* Without a question nothing says it is not ours: no record for us. */
	assert_int_equal(answer(avahi_multicast, sizeof(avahi_multicast), 0, "3.200.19.198.in-addr.arpa", name,
				sizeof(name)), 0);

	memcpy(p, avahi_unicast, sizeof(p));
	p[2] = 0x04;				/* QR clear: a query */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), -ESRCH);
	p[2] = 0x8c;				/* opcode 1 */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), -ESRCH);
	p[2] = 0x84;
	p[3] = 0x03;				/* NXDOMAIN for our question: a negative answer */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), -ENOENT);
	p[3] = 0x02;				/* SERVFAIL */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), -ENOENT);
	/* for another question (a reused id): not ours */
	assert_int_equal(answer(p, sizeof(p), 0x1234, "9.9.9.9.in-addr.arpa", name, sizeof(name)), -ESRCH);
	p[5] = 0;				/* no question: could be for any query */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), -ESRCH);
	p[5] = 1;
	p[3] = 0x00;
	p[2] = 0x86;				/* TC: the answer is still good */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), 1);
	p[2] = 0x84;
	p[5] = 2;				/* two questions */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), -ESRCH);
	p[5] = 1;
	p[40] = 1;				/* question type A */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), -ESRCH);
	p[40] = 255;				/* ANY */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), 1);
	p[40] = 12;
	p[42] = 3;				/* class CH */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), -ESRCH);
	p[41] = 0x80;
	p[42] = 1;				/* IN with the QU bit */
	assert_int_equal(answer(p, sizeof(p), 0x1234, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "desk-10.local");
}

/* Every prefix of a valid reply is rejected, never read past. */
static void test_answer_truncated(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t len;
		uint16_t id;
		const char *qname;
	} cases[] = {
		{ avahi_unicast, sizeof(avahi_unicast), 0x1234, PTR4 },
		{ avahi_upper, sizeof(avahi_upper), 0x1236, PTR4 },
		{ avahi_multicast, sizeof(avahi_multicast), 0, PTR4 },
		{ avahi_ipv6, sizeof(avahi_ipv6), 0x6666, PTR6 },
	};
	char name[64];
	size_t i, l;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (l = 0; l < cases[i].len; l++) {
			r = answer(cases[i].p, l, cases[i].id, cases[i].qname, name, sizeof(name));
			assert_int_equal(r, -EBADMSG);
			assert_string_equal(name, "");
		}
		assert_int_equal(answer(cases[i].p, l, cases[i].id, cases[i].qname, name, sizeof(name)), 1);
		assert_string_equal(name, "desk-10.local");
	}
}

/* A valid reply with other records only: 0, and its prefixes < 0. */
static void test_answer_no_ptr(void **state)
{
	struct msg m;
	char name[64];
	size_t full;

	(void)state;
	header(&m, 0x2001, 0x8400, 1, 4, 0, 0);
	labels(&m, PTR4, false);
	put16(&m, 255);
	put16(&m, 1);
	ptr(&m, 12);				/* A record for the name: not a PTR */
	rr(&m, 1, 1, 4);
	put(&m, "\xc6\x13\xc8\x02", 4);
	labels(&m, "3.200.19.198.in-addr.arpa", false);	/* another owner */
	rr(&m, 12, 1, 2);
	ptr(&m, 12);
	ptr(&m, 12);				/* class CH */
	rr(&m, 12, 3, 2);
	ptr(&m, 12);
	ptr(&m, 12);				/* a PTR to the root: no name */
	rr(&m, 12, 1, 1);
	put8(&m, 0);
	full = m.n;
	assert_int_equal(manswer(&m, 0x2001, PTR4, name, sizeof(name)), 0);
	for (m.n = 0; m.n < full; m.n++)
		assert_true(manswer(&m, 0x2001, PTR4, name, sizeof(name)) < 0);
	/* Records past the counts are not read; one more answer is. */
	m.b[7] = 5;
	ptr(&m, 12);
	rr(&m, 12, 0x8001, 4);
	labels(&m, "h", true);
	ptr(&m, full - 1);			/* "h", then the root just above */
	assert_int_equal(manswer(&m, 0x2001, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "h");
}

/* The first PTR for the name is taken, in any section. */
static void test_answer_sections(void **state)
{
	struct msg m;
	char name[64];
	size_t host;

	(void)state;
	header(&m, 7, 0x8400, 0, 1, 1, 2);
	labels(&m, "Desk-10.Local", false);	/* answer: an A record */
	rr(&m, 1, 0x8001, 4);
	put(&m, "\xc6\x13\xc8\x02", 4);
	labels(&m, "local", false);		/* authority: an NS record */
	rr(&m, 2, 1, 2);
	ptr(&m, 12);
	labels(&m, PTR4, false);		/* additional: our PTR, compressed */
	rr(&m, 12, 0x8001, 5);
	host = m.n;
	labels(&m, "pc", true);
	ptr(&m, 12);
	ptr(&m, 12 + 15 + 10 + 4);		/* a PTR for "local": not ours */
	rr(&m, 12, 1, 2);
	ptr(&m, host);
	assert_int_equal(manswer(&m, 7, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "pc.desk-10.local");
	/* A message built from our own query, then answered. */
	m.n = (size_t)ls_dns_ptr_query(m.b, sizeof(m.b), 9, PTR4, true);
	m.b[2] = 0x84;
	assert_int_equal(manswer(&m, 9, PTR4, name, sizeof(name)), 0);
	m.b[7] = 1;
	ptr(&m, 12);
	rr(&m, 12, 1, 4);
	labels(&m, "x", true);
	ptr(&m, 14);				/* "x.200.19.198.in-addr.arpa" */
	assert_int_equal(manswer(&m, 9, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "x.200.19.198.in-addr.arpa");
}

/* A PTR answer for PTR4 whose data is written by the caller (qd 0). */
static size_t ptr_answer_start(struct msg *m, unsigned rdlen)
{
	header(m, 1, 0x8400, 0, 1, 0, 0);
	labels(m, PTR4, false);
	rr(m, 12, 1, rdlen);
	return m->n;
}

static void test_answer_pointers(void **state)
{
	struct msg m;
	char name[64];
	size_t rd, a, b;

	(void)state;
	/* To itself. */
	rd = ptr_answer_start(&m, 2);
	ptr(&m, rd);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	/* A label, then back to that label: a loop though the pointer points backwards. */
	rd = ptr_answer_start(&m, 4);
	labels(&m, "a", true);
	ptr(&m, rd);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	/* Into the header, or past the end. */
	rd = ptr_answer_start(&m, 2);
	ptr(&m, 2);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	rd = ptr_answer_start(&m, 2);
	ptr(&m, 0x3fff);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	/* Forwards, to a name in a later record. */
	header(&m, 1, 0x8400, 0, 2, 0, 0);
	labels(&m, PTR4, false);
	rr(&m, 12, 1, 2);
	ptr(&m, m.n + 2 + 1 + 10);
	put8(&m, 0);
	rr(&m, 10, 1, 7);
	labels(&m, "local", false);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	/* Two names pointing at each other. */
	header(&m, 1, 0x8400, 0, 2, 0, 0);
	put8(&m, 0);
	rr(&m, 10, 1, 8);
	a = m.n;
	labels(&m, "x", true);
	ptr(&m, a + 4);				/* to b: forwards */
	b = m.n;
	labels(&m, "y", true);
	ptr(&m, a);
	labels(&m, PTR4, false);
	rr(&m, 12, 1, 2);
	ptr(&m, b);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	/* Backwards, into the middle of the owner: fine. */
	rd = ptr_answer_start(&m, 7);
	labels(&m, "host", true);
	ptr(&m, 12 + 13);			/* "in-addr.arpa" */
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "host.in-addr.arpa");
	/* Reserved and extended label types. */
	rd = ptr_answer_start(&m, 3);
	put(&m, "\x40\x01\x00", 3);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	rd = ptr_answer_start(&m, 3);
	put(&m, "\x80\x01\x00", 3);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	(void)rd;
}

/* A chain of `jumps` pointers in all (the owner's included) to PTR4. */
static void chain(struct msg *m, unsigned jumps)
{
	size_t start, prev;
	unsigned i;

	header(m, 1, 0x8400, 0, 2, 0, 0);
	put8(m, 0);
	rr(m, 10, 1, (unsigned)strlen(PTR4) + 2 + 2 * (jumps - 1));
	start = prev = m->n;
	labels(m, PTR4, false);
	for (i = 1; i < jumps; i++) {
		size_t here = m->n;

		ptr(m, prev);
		prev = here;
	}
	assert_int_equal(m->n - start, strlen(PTR4) + 2 + 2 * (jumps - 1));
	ptr(m, prev);
	rr(m, 12, 1, 4);
	labels(m, "pc", false);
}

static void test_answer_jump_limit(void **state)
{
	struct msg m;
	char name[64];

	(void)state;
	chain(&m, 1);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "pc");
	chain(&m, 127);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), 1);
	chain(&m, 128);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
}

static void test_answer_name_length(void **state)
{
	struct msg m;
	char name[LS_DNS_TEXT_MAX], label[64];
	size_t rd, base;
	int i;

	(void)state;
	memset(label, 'a', sizeof(label));
	/* 245 bytes stored in an earlier record, then 5 labels: 255. */
	header(&m, 1, 0x8400, 0, 2, 0, 0);
	put8(&m, 0);
	rr(&m, 10, 1, 245);
	base = m.n;
	for (i = 0; i < 3; i++) {
		put8(&m, 63);
		put(&m, label, 63);
	}
	put8(&m, 51);
	put(&m, label, 51);
	put8(&m, 0);
	assert_int_equal(m.n - base, 245);
	labels(&m, PTR4, false);
	rr(&m, 12, 1, 12);
	labels(&m, "b.b.b.b.b", true);
	ptr(&m, base);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), 1);
	assert_int_equal(strlen(name), 9 + 1 + 63 * 3 + 51 + 3);
	/* One more label: 257. */
	m.n -= 10 + 12;
	rr(&m, 12, 1, 14);
	labels(&m, "b.b.b.b.b.b", true);
	ptr(&m, base);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	/* Inline: 256 bytes. */
	rd = ptr_answer_start(&m, 256);
	for (i = 0; i < 3; i++) {
		put8(&m, 63);
		put(&m, label, 63);
	}
	put8(&m, 62);
	put(&m, label, 62);
	put8(&m, 0);
	assert_int_equal(m.n - rd, 256);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	/* A label of 64 bytes (0x40: an extended label type). */
	rd = ptr_answer_start(&m, 66);
	put8(&m, 64);
	put(&m, label, 64);
	put8(&m, 0);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
}

/* The longest text a name can make: 250 bytes in 4 labels, all escaped. */
static void test_answer_longest_text(void **state)
{
	static const int len[] = { 63, 63, 63, 61 };
	struct msg m;
	char name[LS_DNS_TEXT_MAX + 1];
	uint8_t ctl[63];
	int i;

	(void)state;
	memset(ctl, 0x01, sizeof(ctl));
	ptr_answer_start(&m, 255);
	for (i = 0; i < 4; i++) {
		put8(&m, (unsigned)len[i]);
		put(&m, ctl, (size_t)len[i]);
	}
	put8(&m, 0);
	memset(name, 'Z', sizeof(name));
	assert_int_equal(manswer(&m, 1, PTR4, name, LS_DNS_TEXT_MAX), 1);
	assert_int_equal(strlen(name), LS_DNS_TEXT_MAX - 1);
	assert_int_equal(strlen(name), 250 * 4 + 3);
	assert_memory_equal(name, "\\001\\001", 8);
	assert_int_equal(name[LS_DNS_TEXT_MAX], 'Z');
	memset(name, 'Z', sizeof(name));
	assert_int_equal(manswer(&m, 1, PTR4, name, LS_DNS_TEXT_MAX - 1), -ENOSPC);
	assert_string_equal(name, "");
	assert_int_equal(name[LS_DNS_TEXT_MAX - 1], 'Z');
}

static void test_answer_escapes(void **state)
{
	static const char *const lab[] = {
		"A\x01.\\ \x7f",			/* controls, dot, backslash, space, DEL */
		"\xc3\xa9\xc3\x84\x42",			/* UTF-8 kept, only ASCII lowered */
		"\xff\x80\xc0\xaf\xed\xa0\x80",		/* invalid, overlong, surrogate */
		"\xc2\x85\xe2\x80\xae\xe2\x80\xa8",	/* C1 NEL, RLO, LINE SEPARATOR */
		"x\xc3",				/* a sequence cut by the label's end */
		"\xa9y",
		"\xf0\x9f\x98\x80\xf4\x90\x80\x80",	/* U+1F600 kept; past U+10FFFF */
		"+_-*=Q",
	};
	const char *want = "a\\001\\046\\092\\032\\127."
			   "\xc3\xa9\xc3\x84" "b."
			   "\\255\\128\\192\\175\\237\\160\\128."
			   "\\194\\133\\226\\128\\174\\226\\128\\168."
			   "x\\195."
			   "\\169y."
			   "\xf0\x9f\x98\x80\\244\\144\\128\\128."
			   "+_-*=q";
	struct msg m;
	char name[256];
	size_t rd, i, total = 1;

	(void)state;
	for (i = 0; i < sizeof(lab) / sizeof(lab[0]); i++)
		total += 1 + strlen(lab[i]);
	rd = ptr_answer_start(&m, (unsigned)total);
	for (i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		put8(&m, (unsigned)strlen(lab[i]));
		put(&m, lab[i], strlen(lab[i]));
	}
	put8(&m, 0);
	assert_int_equal(m.n - rd, total);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, want);
	/* A NUL byte inside a label. */
	ptr_answer_start(&m, 4);
	put(&m, "\x02\x00z\x00", 4);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "\\000z");
}

static void test_answer_output_size(void **state)
{
	char name[32];

	(void)state;
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, PTR4, name, 14), 1);
	assert_string_equal(name, "desk-10.local");
	memset(name, 'Z', sizeof(name));
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, PTR4, name, 13), -ENOSPC);
	assert_string_equal(name, "");
	assert_int_equal(name[13], 'Z');
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, PTR4, name, 1), -ENOSPC);
	memset(name, 'Z', sizeof(name));
	assert_int_equal(answer(avahi_unicast, sizeof(avahi_unicast), 0x1234, PTR4, name, 0), -ENOSPC);
	assert_int_equal(name[0], 'Z');
}

/* The record's data must be exactly one name. */
static void test_answer_rdlength(void **state)
{
	struct msg m;
	char name[64];

	(void)state;
	ptr_answer_start(&m, 5);		/* longer than the name */
	labels(&m, "pc", false);
	put8(&m, 0);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	ptr_answer_start(&m, 3);		/* shorter: the name runs past it */
	labels(&m, "pc", false);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	ptr_answer_start(&m, 9);		/* past the end of the message */
	labels(&m, "pc", false);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
	ptr_answer_start(&m, 4);		/* just right */
	labels(&m, "pc", false);
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), 1);
	m.b[7] = 2;				/* a record announced, not there */
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), 1);	/* ours came first */
	m.b[12 + 27 + 1] = 1;			/* type A: not a PTR now */
	assert_int_equal(manswer(&m, 1, PTR4, name, sizeof(name)), -EBADMSG);
}

/* A classless delegation (RFC 2317): the PTR is owned by the CNAME's target. */
static void test_answer_cname(void **state)
{
	struct msg m;
	char name[64];
	size_t alias, full;
	int i;

	(void)state;
	header(&m, 3, 0x8180, 1, 2, 0, 0);	/* as a recursive resolver answers */
	labels(&m, PTR4, false);
	put16(&m, 12);
	put16(&m, 1);
	ptr(&m, 12);
	rr(&m, 5, 1, 9);
	alias = m.n;
	labels(&m, "2.0/24", true);		/* "2.0/24.200.19.198.in-addr.arpa" */
	ptr(&m, 14);
	ptr(&m, alias);
	rr(&m, 12, 1, 14);
	labels(&m, "Host.example", false);
	full = m.n;
	assert_int_equal(manswer(&m, 3, PTR4, name, sizeof(name)), 1);
	assert_string_equal(name, "host.example");
	for (m.n = 0; m.n < full; m.n++)
		assert_true(manswer(&m, 3, PTR4, name, sizeof(name)) < 0);
	m.n = full;
	/* After the CNAME, a PTR for the name asked is not the one looked for. */
	m.b[alias + 9 + 1] = 12;
	assert_int_equal(manswer(&m, 3, PTR4, name, sizeof(name)), 0);
	/* The alias's data must be one name. */
	m.b[alias - 1] = 10;
	assert_int_equal(manswer(&m, 3, PTR4, name, sizeof(name)), -EBADMSG);
	/* Eight aliases followed, not nine. */
	for (i = 8; i <= 9; i++) {
		size_t prev = 12;		/* each alias "a." before the last name */
		int k;

		header(&m, 3, 0x8180, 1, (unsigned)i + 1, 0, 0);
		labels(&m, PTR4, false);
		put16(&m, 12);
		put16(&m, 1);
		for (k = 0; k < i; k++) {
			ptr(&m, prev);
			rr(&m, 5, 1, 4);
			alias = m.n;
			labels(&m, "a", true);
			ptr(&m, prev);
			prev = alias;
		}
		ptr(&m, prev);
		rr(&m, 12, 1, 4);
		labels(&m, "pc", false);
		assert_int_equal(manswer(&m, 3, PTR4, name, sizeof(name)), i == 8 ? 1 : 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qname_ipv4),
		cmocka_unit_test(test_qname_ipv6),
		cmocka_unit_test(test_query_bytes),
		cmocka_unit_test(test_query_matches_capture),
		cmocka_unit_test(test_query_bad_names),
		cmocka_unit_test(test_answer_avahi),
		cmocka_unit_test(test_answer_case_insensitive),
		cmocka_unit_test(test_answer_not_ours),
		cmocka_unit_test(test_answer_truncated),
		cmocka_unit_test(test_answer_no_ptr),
		cmocka_unit_test(test_answer_sections),
		cmocka_unit_test(test_answer_pointers),
		cmocka_unit_test(test_answer_jump_limit),
		cmocka_unit_test(test_answer_name_length),
		cmocka_unit_test(test_answer_longest_text),
		cmocka_unit_test(test_answer_escapes),
		cmocka_unit_test(test_answer_output_size),
		cmocka_unit_test(test_answer_rdlength),
		cmocka_unit_test(test_answer_cname),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
