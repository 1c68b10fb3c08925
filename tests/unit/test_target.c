/* test_target.c -- unit tests of the target grammar and the lazy iterator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "lanscan/target.h"
#include "target_internal.h"

/* Expands specs (NULL-terminated) minus excludes into one space-separated string. */
static char *expand(const char **specs, const char *exclude)
{
	struct ls_targets t, ex;
	struct ls_target_iter it;
	struct ls_target tg;
	char err[LS_ERRLEN], buf[64];
	static char out[1 << 16];
	size_t len = 0;

	ls_targets_init(&t);
	ls_targets_init(&ex);
	ex.whole_cidr = true;
	for (; *specs != NULL; specs++)
		assert_int_equal(ls_targets_add(&t, *specs, err, sizeof(err)), 0);
	if (exclude != NULL)
		assert_int_equal(ls_targets_add_list(&ex, exclude, err, sizeof(err)), 0);
	ls_target_iter_init(&it, &t, &ex);
	out[0] = '\0';
	while (ls_target_iter_next(&it, &tg)) {
		const char *s = tg.is_name ? tg.spec->text : ls_addr_format(&tg.addr, buf, sizeof(buf));
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", len ? " " : "", s);
	}
	ls_targets_free(&t);
	ls_targets_free(&ex);
	return out;
}

#define EXPAND(exclude, ...) expand((const char *[]){ __VA_ARGS__, NULL }, exclude)

static uint64_t count(const char *spec)
{
	struct ls_targets t;
	char err[LS_ERRLEN];
	uint64_t n;

	ls_targets_init(&t);
	assert_int_equal(ls_targets_add(&t, spec, err, sizeof(err)), 0);
	n = t.total;
	ls_targets_free(&t);
	return n;
}

static void bad(const char *spec, const char *msg_part)
{
	struct ls_targets t;
	char err[LS_ERRLEN] = "";

	ls_targets_init(&t);
	assert_int_equal(ls_targets_add(&t, spec, err, sizeof(err)), -EINVAL);
	if (strstr(err, msg_part) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", spec, err, msg_part);
	assert_non_null(strstr(err, spec));	/* the message names the text */
	assert_int_equal(t.n, 0);
	ls_targets_free(&t);
}

static void test_single_and_last_octet_range(void **state)
{
	(void)state;
	assert_string_equal(EXPAND(NULL, "10.0.0.1"), "10.0.0.1");
	assert_string_equal(EXPAND(NULL, "192.168.0.1-4"), "192.168.0.1 192.168.0.2 192.168.0.3 192.168.0.4");
	assert_int_equal(count("192.168.0.1-40"), 40);
}

static void test_octet_lists(void **state)
{
	(void)state;
	assert_string_equal(EXPAND(NULL, "10.0-1.1,5,7-8.9"),
			    "10.0.1.9 10.0.5.9 10.0.7.9 10.0.8.9 10.1.1.9 10.1.5.9 10.1.7.9 10.1.8.9");
	assert_int_equal(count("10.0-3.1,5,10-20.*"), 4 * 13 * 256);
	assert_string_equal(EXPAND(NULL, "1.2.3.255,0"), "1.2.3.0 1.2.3.255");
}

static void test_full_range_crosses_octets(void **state)
{
	(void)state;
	assert_string_equal(EXPAND(NULL, "10.0.0.254-10.0.1.1"), "10.0.0.254 10.0.0.255 10.0.1.0 10.0.1.1");
	assert_string_equal(EXPAND(NULL, "255.255.255.254-255.255.255.255"),
			    "255.255.255.254 255.255.255.255");
}

static void test_cidr_boundaries(void **state)
{
	(void)state;
	assert_string_equal(EXPAND(NULL, "10.0.0.0/30"), "10.0.0.1 10.0.0.2");
	assert_string_equal(EXPAND(NULL, "10.0.0.0/31"), "10.0.0.0 10.0.0.1");
	assert_string_equal(EXPAND(NULL, "10.0.0.7/32"), "10.0.0.7");
	assert_string_equal(EXPAND(NULL, "10.0.0.5/30"), "10.0.0.5 10.0.0.6");	/* host bits masked */
	assert_int_equal(count("10.0.0.0/24"), 254);
	assert_int_equal(count("10.0.0.0/16"), 65534);
	assert_int_equal(count("10.0.0.0/8"), 16777214);
	assert_int_equal(count("0.0.0.0/1"), (1ULL << 31) - 2);
}

static void test_bad_ipv4(void **state)
{
	(void)state;
	bad("10.0.0.300", "out of range");
	bad("10.0.0.9-3", "reversed");
	bad("10.0.1.0-10.0.0.5", "reversed");
	bad("10.0.0.0/33", "prefix");
	bad("10.0.0.0/0", "/0");
	bad("10.0.0.0/", "prefix");
	bad("10.0.0", "IPv4");
	bad("10.0.0.1,2.3", "IPv4");
	bad("10.0.0.1--2", "octet");
	bad("10.0.0.1.2", "");
	bad("10..0.1", "octet");
	bad("10.0.0.1-", "octet");
	bad("1234", "IPv4");
	bad("10.0.0.0-5/24", "CIDR");
}

static void test_ipv6(void **state)
{
	(void)state;
	assert_string_equal(EXPAND(NULL, "fd00::1"), "fd00::1");
	assert_string_equal(EXPAND(NULL, "fd00::/126"), "fd00:: fd00::1 fd00::2 fd00::3");
	assert_string_equal(EXPAND(NULL, "fd00::ff-fd00::101"), "fd00::ff fd00::100 fd00::101");
	assert_int_equal(count("fd00::/120"), 256);
	assert_int_equal(count("fd00::/96"), 1ULL << 32);
	assert_string_equal(EXPAND(NULL, "fd00::fe-101"), "fd00::fe fd00::ff fd00::100 fd00::101");
	/* /64../95 parse (for discovery on a link); the count saturates */
	assert_int_equal(count("fd00::/64"), UINT64_MAX);
	assert_int_equal(count("fd00::/80"), 1ULL << 48);
	bad("fd00::/63", "too short");
	bad("fd00::2-fd00::1", "reversed");
	bad("fd00::5-3", "reversed");
	bad("fd00:::1", "IPv6");
	bad("fd00::/129", "prefix");
}

/* Zones: "lo" exists everywhere (index 1); nothing is sent. */
static void test_zones(void **state)
{
	struct ls_targets t;
	struct ls_addr a, b;
	char err[LS_ERRLEN], buf[LS_ADDRSTRLEN];

	(void)state;
	assert_string_equal(EXPAND(NULL, "fe80::10%lo"), "fe80::10%lo");
	assert_string_equal(EXPAND(NULL, "fe80::1%1"), "fe80::1%lo");	/* an index */
	assert_string_equal(EXPAND(NULL, "fe80::1-3%lo"), "fe80::1%lo fe80::2%lo fe80::3%lo");
	assert_string_equal(EXPAND(NULL, "fe80::1-fe80::2%lo"), "fe80::1%lo fe80::2%lo");
	assert_string_equal(EXPAND(NULL, "fe80::/127%lo"), "fe80::%lo fe80::1%lo");
	assert_string_equal(EXPAND(NULL, "fe80::%lo/127"), "fe80::%lo fe80::1%lo");
	/* a zone on any other address is ignored */
	assert_string_equal(EXPAND(NULL, "fd00::1%lo"), "fd00::1");
	/* the same address twice, once each way: kept once */
	assert_string_equal(EXPAND(NULL, "fe80::1%lo", "fe80::1%1", "fe80::/126%lo"),
			    "fe80::1%lo fe80::%lo fe80::2%lo fe80::3%lo");
	assert_string_equal(EXPAND("fe80::2%lo", "fe80::1-3%lo"), "fe80::1%lo fe80::3%lo");
	bad("fe80::1", "needs a zone");
	bad("fe80::1-fe80::5", "needs a zone");
	bad("fe80::/120", "needs a zone");
	bad("fe80::1%nosuchif0", "no interface 'nosuchif0'");
	bad("fe80::1%99999", "no interface");
	bad("fe80::1%", "no interface");
	bad("fe80::1%lo-fe80::2%lo", "one zone");
	bad("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff-fec0::1%lo", "all link-local");
	ls_targets_init(&t);
	assert_int_equal(ls_targets_add(&t, "fe80::1%lo", err, sizeof(err)), 0);
	memset(&a, 0, sizeof(a));
	assert_int_equal(ls_addr_parse("fe80::1%lo", &a), 0);
	assert_int_equal(a.scope, 1);
	assert_true(ls_targets_contains(&t, &a));
	a.scope = 0;
	assert_false(ls_targets_contains(&t, &a));
	ls_targets_free(&t);

	/* parse, format, socket addresses, order */
	assert_int_equal(ls_addr_parse("fe80::a%lo", &a), 0);
	assert_string_equal(ls_addr_format(&a, buf, sizeof(buf)), "fe80::a%lo");
	assert_int_equal(ls_addr_parse("fd00::a%lo", &b), 0);
	assert_int_equal(b.scope, 0);
	assert_int_equal(ls_addr_parse("fe80::a%nosuchif0", &b), -EINVAL);
	assert_int_equal(ls_addr_parse("198.18.0.1%lo", &b), -EINVAL);
	assert_int_equal(ls_addr_parse("198.18.0.1", &b), 0);
	assert_int_equal(b.family, AF_INET);
	{
		struct sockaddr_storage ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		ls_addr_to_sockaddr(&a, &ss);
		assert_int_equal(s6->sin6_scope_id, 1);
		assert_int_equal(ls_addr_from_sockaddr((struct sockaddr *)&ss, &b), 0);
		assert_int_equal(ls_addr_cmp(&a, &b), 0);
		assert_int_equal(ls_addr_parse("fd00::a", &a), 0);
		ls_addr_to_sockaddr(&a, &ss);
		s6->sin6_scope_id = 7;	/* a global address keeps no scope */
		assert_int_equal(ls_addr_from_sockaddr((struct sockaddr *)&ss, &b), 0);
		assert_int_equal(b.scope, 0);
	}
	assert_int_equal(ls_addr_parse("fe80::a%lo", &a), 0);
	b = a;
	b.scope = 2;
	assert_true(ls_addr_cmp(&a, &b) < 0);
	assert_true(ls_addr_cmp(&b, &a) > 0);
	b.scope = 0;
	b.b[15] = 0xb;
	assert_true(ls_addr_cmp(&a, &b) < 0);	/* the address first, then the scope */
	a.scope = 0;
	assert_int_equal(ls_addr_format(&a, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "fe80::a");
}

static void test_names(void **state)
{
	struct ls_targets t;
	char err[LS_ERRLEN];

	(void)state;
	assert_string_equal(EXPAND(NULL, "host.example", "Host.Example", "other"), "host.example other");
	bad("bad name", "not an address");
	bad("-lead.example", "starts with '-'");
	bad("a..b", "empty label");
	bad("ho$t", "not an address");
	ls_targets_init(&t);
	assert_int_equal(ls_targets_add(&t, "", err, sizeof(err)), -EINVAL);
	ls_targets_free(&t);
}

static void test_duplicates_probed_once(void **state)
{
	(void)state;
	assert_string_equal(EXPAND(NULL, "10.0.0.2", "10.0.0.1-3", "10.0.0.2", "10.0.0.3"),
			    "10.0.0.2 10.0.0.1 10.0.0.3");
	assert_string_equal(EXPAND(NULL, "10.0.0.0/30", "10.0.0.1-5"), "10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5");
	assert_string_equal(EXPAND(NULL, "fd00::1", "fd00::/126"), "fd00::1 fd00:: fd00::2 fd00::3");
	assert_string_equal(EXPAND(NULL, "10.0.0.1-3", "10.0.0.0/29", "10.0.0.2"), "10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6");
}

static void test_exclusions(void **state)
{
	(void)state;
	assert_string_equal(EXPAND("10.0.0.2,4", "10.0.0.1-5"), "10.0.0.1 10.0.0.3 10.0.0.5");
	assert_string_equal(EXPAND("10.0.0.0/30, 10.0.0.5", "10.0.0.1-6"), "10.0.0.4 10.0.0.6");
	assert_string_equal(EXPAND("fd00::1", "fd00::/126"), "fd00:: fd00::2 fd00::3");
	assert_string_equal(EXPAND("10.0.0.0/24", "10.0.0.0/24"), "");
	/* Covered stretches are jumped over: these finish at once. */
	assert_string_equal(EXPAND("10.0.0.0/8", "10.0.0.0/8", "11.0.0.1"), "11.0.0.1");
	assert_string_equal(EXPAND("10.0.0.5-10.255.255.250", "10.0.0.0/8"),
			    "10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.255.255.251 10.255.255.252 10.255.255.253 10.255.255.254");
	assert_string_equal(EXPAND("fd00::1-fd00::ffff:fffe", "fd00::/96"), "fd00:: fd00::ffff:ffff");
	assert_string_equal(EXPAND("*.*.0.*", "*.*.0.*", "10.0.1.1"), "10.0.1.1");
	assert_string_equal(EXPAND("*.*.*.0", "*.*.*.0", "10.0.1.1"), "10.0.1.1");
	assert_string_equal(EXPAND("10.*.*.1-3", "10.0-1.0-1.0-4", "12.0.0.1"),
			    "10.0.0.0 10.0.0.4 10.0.1.0 10.0.1.4 10.1.0.0 10.1.0.4 10.1.1.0 10.1.1.4 12.0.0.1");
	assert_string_equal(EXPAND("10.0-1.*.*", "10.0-3.0-1.0-1"),
			    "10.2.0.0 10.2.0.1 10.2.1.0 10.2.1.1 10.3.0.0 10.3.0.1 10.3.1.0 10.3.1.1");
	assert_string_equal(EXPAND("*.*.*.0", "1-2.1-2.1-2.0-1"),
			    "1.1.1.1 1.1.2.1 1.2.1.1 1.2.2.1 2.1.1.1 2.1.2.1 2.2.1.1 2.2.2.1");
	assert_string_equal(EXPAND("10.0.0.0/24", "10.0-1.0.0,3,255"), "10.1.0.0 10.1.0.3 10.1.0.255");
	assert_string_equal(EXPAND(NULL, "10.0.0.0/30", "10.0.0.0-10.0.0.3"), "10.0.0.1 10.0.0.2 10.0.0.0 10.0.0.3");
}

static void test_lazy_large_range(void **state)
{
	struct ls_targets t;
	struct ls_target_iter it;
	struct ls_target tg;
	char err[LS_ERRLEN];
	uint64_t n = 0;

	(void)state;
	/* A /8 is walked one address at a time; the last one is 10.255.255.254. */
	ls_targets_init(&t);
	assert_int_equal(ls_targets_add(&t, "10.0.0.0/8", err, sizeof(err)), 0);
	ls_target_iter_init(&it, &t, NULL);
	while (ls_target_iter_next(&it, &tg))
		n++;
	assert_int_equal(n, 16777214);
	assert_memory_equal(tg.addr.b, ((uint8_t[]){ 10, 255, 255, 254 }), 4);
	ls_targets_free(&t);
}

static void test_read_file(void **state)
{
	struct ls_targets t;
	char err[LS_ERRLEN + 64];
	const char text[] = "# hosts\n10.0.0.1  10.0.0.2 # two\n\n  host.example\n";
	const char badtext[] = "10.0.0.1\n10.0.0.999\n";
	FILE *f;

	(void)state;
	ls_targets_init(&t);
	f = fmemopen((void *)text, sizeof(text) - 1, "r");
	assert_int_equal(ls_targets_read(&t, f, "hosts", err, sizeof(err)), 0);
	fclose(f);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.specs[2].text, "host.example");
	f = fmemopen((void *)badtext, sizeof(badtext) - 1, "r");
	assert_int_equal(ls_targets_read(&t, f, "hosts", err, sizeof(err)), -EINVAL);
	fclose(f);
	assert_non_null(strstr(err, "hosts:2:"));
	assert_non_null(strstr(err, "10.0.0.999"));
	ls_targets_free(&t);
}

/* Many ranges (the indexed path of target_cover.c) against a brute-force
 * model over 10.0.0.0/20: every address once, in first-spec order, none
 * excluded, whatever the overlaps. */
static void test_many_ranges_match_a_model(void **state)
{
	struct ls_targets t, ex;
	struct ls_target_iter it;
	struct ls_target tg;
	static uint8_t covered[4096], excluded[4096], seen[4096];
	static uint32_t order[1 << 16];
	char err[LS_ERRLEN], text[64];
	size_t norder = 0, k, i;
	uint32_t lo, hi, v, want = 0;
	unsigned seed = 12345, round;

	(void)state;
	for (round = 0; round < 20; round++) {
		ls_targets_init(&t);
		ls_targets_init(&ex);
		ex.whole_cidr = true;
		memset(covered, 0, sizeof(covered));
		memset(excluded, 0, sizeof(excluded));
		memset(seen, 0, sizeof(seen));
		norder = 0;
		for (k = 0; k < 60 + round * 10; k++) {	/* targets: ranges and singles, in order */
			seed = seed * 1103515245u + 12345u;
			lo = (seed >> 8) % 4096;
			hi = lo + (k % 3 == 0 ? 0 : (seed >> 20) % 64);
			if (hi > 4095)
				hi = 4095;
			if (lo == hi)
				snprintf(text, sizeof(text), "10.0.%u.%u", lo >> 8, lo & 255);
			else
				snprintf(text, sizeof(text), "10.0.%u.%u-10.0.%u.%u", lo >> 8, lo & 255, hi >> 8, hi & 255);
			if (lo == 0 && hi == 0)
				continue;
			assert_int_equal(ls_targets_add(&t, text, err, sizeof(err)), 0);
			for (v = lo; v <= hi; v++)
				if (!covered[v]) {
					covered[v] = 1;
					order[norder++] = v;
				}
		}
		for (k = 0; k < 30; k++) {	/* exclusions */
			seed = seed * 1103515245u + 12345u;
			lo = (seed >> 8) % 4096;
			hi = lo + (seed >> 24) % 32;
			if (hi > 4095)
				hi = 4095;
			snprintf(text, sizeof(text), "10.0.%u.%u-10.0.%u.%u", lo >> 8, lo & 255, hi >> 8, hi & 255);
			assert_int_equal(ls_targets_add(&ex, text, err, sizeof(err)), 0);
			for (v = lo; v <= hi; v++)
				excluded[v] = 1;
		}
		assert_true(t.nmulti4 >= 16);	/* the index is used */
		ls_target_iter_init(&it, &t, &ex);
		i = 0;
		while (ls_target_iter_next(&it, &tg)) {
			v = (uint32_t)tg.addr.b[2] << 8 | tg.addr.b[3];
			assert_int_equal(tg.addr.b[0], 10);
			assert_false(excluded[v]);
			assert_false(seen[v]);
			seen[v] = 1;
			while (i < norder && excluded[order[i]])
				i++;
			assert_true(i < norder);
			want = order[i++];
			assert_int_equal(v, want);	/* first-spec order */
		}
		while (i < norder && excluded[order[i]])
			i++;
		assert_int_equal(i, norder);	/* nothing missed */
		ls_targets_free(&t);
		ls_targets_free(&ex);
	}
}

/* A random octet set of [0, max): pieces of N, N-M, or '*' when allowed,
 * written as the parser takes it; marks set[] and returns the text's length. */
static size_t random_octet(unsigned *seed, unsigned max, bool star, bool alternate, uint8_t *set, char *out,
			   size_t len)
{
	size_t n = 0;
	unsigned pieces, k, a, b, v;

	memset(set, 0, 256);
	*seed = *seed * 1103515245u + 12345u;
	if (star && (*seed >> 16) % 5 == 0) {
		memset(set, 1, 256);
		return (size_t)snprintf(out, len, "*");
	}
	if (alternate) {	/* every other value: many runs */
		for (v = (*seed >> 20) % 2; v < max; v += 2) {
			set[v] = 1;
			n += (size_t)snprintf(out + n, len - n, "%s%u", n ? "," : "", v);
		}
		return n;
	}
	pieces = 1 + (*seed >> 12) % 3;
	for (k = 0; k < pieces; k++) {
		*seed = *seed * 1103515245u + 12345u;
		a = (*seed >> 8) % max;
		b = a + ((*seed >> 20) % 4 == 0 ? 0 : (*seed >> 22) % (max / 4 + 1));
		if (b >= max)
			b = max - 1;
		for (v = a; v <= b; v++)
			set[v] = 1;
		if (a == b)
			n += (size_t)snprintf(out + n, len - n, "%s%u", n ? "," : "", a);
		else
			n += (size_t)snprintf(out + n, len - n, "%s%u-%u", n ? "," : "", a, b);
	}
	return n;
}

/* A random spec over 10.0.0.0/20: an octet spec (10.0.A.B), a range or one
 * address; marks in[] and returns whether it is an octet spec. */
static bool random_spec(unsigned *seed, unsigned k, char *text, size_t len, uint8_t *in)
{
	uint8_t s2[256], s3[256];
	char t2[1024], t3[1024];
	unsigned lo, hi, v;

	memset(in, 0, 4096);
	*seed = *seed * 1103515245u + 12345u;
	if (k % 4 != 3) {
		random_octet(seed, 16, false, false, s2, t2, sizeof(t2));
		random_octet(seed, 256, true, k % 29 == 0, s3, t3, sizeof(t3));
		snprintf(text, len, "10.0.%s.%s", t2, t3);
		for (v = 0; v < 4096; v++)
			in[v] = s2[v >> 8] && s3[v & 255];
		return true;
	}
	lo = (*seed >> 8) % 4096;
	hi = lo + (*seed >> 20) % 300;
	if (hi > 4095)
		hi = 4095;
	snprintf(text, len, "10.0.%u.%u-10.0.%u.%u", lo >> 8, lo & 255, hi >> 8, hi & 255);
	for (v = lo; v <= hi; v++)
		in[v] = 1;
	return false;
}

/* Octet specs (10.a.b.1-3, 10.0-3.1,5.*) mixed with ranges, in the targets
 * and the exclusions, against the same brute-force model: each address
 * once, in first-spec order, none excluded; with the index (many specs) and
 * without (few), and with specs of too many runs for it. */
static void test_octet_specs_match_a_model(void **state)
{
	struct ls_targets t, ex;
	struct ls_target_iter it;
	struct ls_target tg;
	static uint8_t covered[4096], excluded[4096], in[4096];
	static uint32_t order[1 << 16];
	char err[LS_ERRLEN], text[2200];
	size_t norder, k, i, nspecs;
	uint32_t v;
	unsigned seed = 777, round;
	bool octets_indexed = false;

	(void)state;
	for (round = 0; round < 40; round++) {
		ls_targets_init(&t);
		ls_targets_init(&ex);
		ex.whole_cidr = true;
		memset(covered, 0, sizeof(covered));
		memset(excluded, 0, sizeof(excluded));
		norder = 0;
		nspecs = round % 4 == 0 ? 8 : 40 + round * 3;	/* few: a linear scan */
		for (k = 0; k < nspecs; k++) {
			random_spec(&seed, (unsigned)k + round, text, sizeof(text), in);
			assert_int_equal(ls_targets_add(&t, text, err, sizeof(err)), 0);
			for (v = 0; v < 4096; v++)
				if (in[v] && !covered[v]) {
					covered[v] = 1;
					order[norder++] = v;
				}
		}
		for (k = 0; k < 12; k++) {
			random_spec(&seed, (unsigned)k * 7 + round, text, sizeof(text), in);
			assert_int_equal(ls_targets_add(&ex, text, err, sizeof(err)), 0);
			for (v = 0; v < 4096; v++)
				excluded[v] |= in[v];
		}
		for (i = 0; i < t.nmulti4; i++)
			octets_indexed |= t.specs[t.multi4[i]].kind == LS_SPEC_OCTETS && t.nmulti4 >= 16;
		ls_target_iter_init(&it, &t, &ex);
		i = 0;
		while (ls_target_iter_next(&it, &tg)) {
			assert_int_equal(tg.addr.b[0], 10);
			assert_int_equal(tg.addr.b[1], 0);
			v = (uint32_t)tg.addr.b[2] << 8 | tg.addr.b[3];
			assert_true(v < 4096);
			assert_false(excluded[v]);
			while (i < norder && excluded[order[i]])
				i++;
			assert_true(i < norder);
			assert_int_equal(v, order[i]);	/* first-spec order, each once */
			i++;
		}
		while (i < norder && excluded[order[i]])
			i++;
		assert_int_equal(i, norder);	/* nothing missed */
		for (v = 0; v < 4096; v++) {	/* membership agrees too */
			struct ls_addr a = { .family = AF_INET, .b = { 10, 0, (uint8_t)(v >> 8), (uint8_t)v } };
			assert_int_equal(ls_targets_contains(&ex, &a), excluded[v] != 0);
		}
		ls_targets_free(&t);
		ls_targets_free(&ex);
	}
	assert_true(octets_indexed);	/* the index held octet specs */
}

/* An octet spec's runs of consecutive addresses. */
static void test_octet_runs(void **state)
{
	struct ls_targets t;
	char err[LS_ERRLEN];
	struct ls_run4 runs[16];

	(void)state;
	ls_targets_init(&t);
	/* One run: stored as a range. */
	assert_int_equal(ls_targets_add(&t, "10.1.2.1-3", err, sizeof(err)), 0);
	assert_int_equal(t.specs[0].kind, LS_SPEC_RANGE4);
	assert_string_equal(t.specs[0].text, "10.1.2.1-3");
	assert_int_equal(t.specs[0].u.r4.lo, 0x0a010201);
	assert_int_equal(t.specs[0].u.r4.hi, 0x0a010203);
	assert_int_equal(ls_targets_add(&t, "10.0-3.*.*", err, sizeof(err)), 0);
	assert_int_equal(t.specs[1].kind, LS_SPEC_RANGE4);
	assert_int_equal(t.specs[1].u.r4.hi, 0x0a03ffff);
	/* Eight runs of a /24 each. */
	assert_int_equal(ls_targets_add(&t, "10.0-3.1,5.*", err, sizeof(err)), 0);
	assert_int_equal(t.specs[2].kind, LS_SPEC_OCTETS);
	assert_int_equal(ls__octets_runs((const uint8_t (*)[32])t.specs[2].u.oct, 16, runs), 8);
	assert_int_equal(runs[0].lo, 0x0a000100);
	assert_int_equal(runs[0].hi, 0x0a0001ff);
	assert_int_equal(runs[1].lo, 0x0a000500);
	assert_int_equal(runs[7].hi, 0x0a0305ff);
	assert_int_equal(ls__octets_runs((const uint8_t (*)[32])t.specs[2].u.oct, 7, NULL), 8);	/* max + 1 */
	assert_int_equal(ls__octets_run_end((const uint8_t (*)[32])t.specs[2].u.oct, 0x0a020510), 0x0a0205ff);
	assert_int_equal(t.nmulti4, 3);	/* all three in the index */
	/* Too many runs for the index: 10.*.0-255.1,3 has 131,072. */
	assert_int_equal(ls_targets_add(&t, "10.*.0-255.1,3", err, sizeof(err)), 0);
	assert_int_equal(t.nmulti4, 3);
	assert_int_equal(t.nmulti, 1);
	ls_targets_free(&t);
}

static void test_addr_cmp(void **state)
{
	struct ls_addr a = { .family = AF_INET, .b = { 10, 0, 0, 2 } }, b = { .family = AF_INET, .b = { 10, 0, 0, 10 } };
	struct ls_addr c = { .family = AF_INET6, .b = { 0 } };

	(void)state;
	assert_true(ls_addr_cmp(&a, &b) < 0);
	assert_true(ls_addr_cmp(&b, &c) < 0);
	assert_int_equal(ls_addr_cmp(&a, &a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_and_last_octet_range),
		cmocka_unit_test(test_octet_lists),
		cmocka_unit_test(test_full_range_crosses_octets),
		cmocka_unit_test(test_cidr_boundaries),
		cmocka_unit_test(test_bad_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_duplicates_probed_once),
		cmocka_unit_test(test_exclusions),
		cmocka_unit_test(test_lazy_large_range),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_addr_cmp),
		cmocka_unit_test(test_many_ranges_match_a_model),
		cmocka_unit_test(test_octet_specs_match_a_model),
		cmocka_unit_test(test_octet_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
