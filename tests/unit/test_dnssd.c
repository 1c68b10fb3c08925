/* test_dnssd.c -- unit tests of the DNS-SD query builder, record reader and TXT pairs, on avahi's real replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/dnssd.h"
#include "capture.h"

struct seen {
	int n, ptr, srv, txt, a, aaaa;
	char ptr_text[8][LS_DNS_TEXT_MAX];
	uint16_t port;
	uint8_t a4[4];
	const uint8_t *txtdata;
	size_t txtlen;
	int stop_after;
};

static int collect(void *arg, const struct ls_dnssd_rr *rr)
{
	struct seen *s = arg;

	s->n++;
	switch (rr->type) {
	case LS_DNSSD_PTR:
		if (s->ptr < 8)
			assert_int_equal(ls_dns_name_text(rr->target, s->ptr_text[s->ptr], LS_DNS_TEXT_MAX), 1);
		s->ptr++;
		break;
	case LS_DNSSD_SRV:
		s->srv++;
		s->port = rr->port;
		break;
	case LS_DNSSD_TXT:
		s->txt++;
		s->txtdata = rr->rdata;
		s->txtlen = rr->rdlen;
		break;
	case LS_DNSSD_A:
		s->a++;
		memcpy(s->a4, rr->addr, 4);
		break;
	case LS_DNSSD_AAAA:
		s->aaaa++;
		break;
	default:
		fail();
	}
	return s->stop_after != 0 && s->n >= s->stop_after;
}

static void test_query(void **state)
{
	uint8_t wire[LS_DNS_WIRE_MAX], buf[512];
	static const uint8_t want[] = {
		0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, '_', 's', 'e', 'r', 'v', 'i', 'c', 'e', 's', 7, '_', 'd', 'n',
		's', '-', 's', 'd', 4, '_', 'u', 'd', 'p', 5, 'l', 'o', 'c', 'a', 'l', 0, 0, 12, 0x80, 1,
	};
	int wl;
	ssize_t n;

	(void)state;
	wl = ls_dns_name_encode(LS_DNSSD_SERVICES, wire);
	assert_int_equal(wl, 30);
	n = ls_dnssd_query(buf, sizeof(buf), 0x1234, wire, (size_t)wl, LS_DNSSD_PTR, true);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	n = ls_dnssd_query(buf, sizeof(buf), 0x1234, wire, (size_t)wl, LS_DNSSD_TXT, false);
	assert_int_equal(buf[n - 3], 16);
	assert_int_equal(buf[n - 2], 0);
	assert_int_equal(ls_dnssd_query(buf, 20, 1, wire, (size_t)wl, LS_DNSSD_PTR, true), -ENOSPC);
	assert_int_equal(ls_dnssd_query(buf, sizeof(buf), 1, wire, 1, LS_DNSSD_PTR, true), -EINVAL);
	assert_int_equal(ls_dnssd_query(buf, sizeof(buf), 1, wire, (size_t)wl - 1, LS_DNSSD_PTR, true), -EINVAL);
}

/* avahi's service list for the printer: two types. */
static void test_services(void **state)
{
	struct seen s = { 0 };
	uint8_t *pkt;
	size_t len;
	char text[64];
	uint8_t wire[LS_DNS_WIRE_MAX];
	int wl;

	(void)state;
	pkt = capture("dnssd/printer-services.bin", &len);
	assert_int_equal(ls_dnssd_reply(pkt, len, 0x1001, collect, &s), 2);
	assert_int_equal(s.ptr, 2);
	assert_string_equal(s.ptr_text[0], "_pdl-datastream._tcp.local");
	assert_string_equal(s.ptr_text[1], "_ipp._tcp.local");
	wl = ls_dns_name_encode("_IPP._tcp.local", wire);
	assert_int_equal(ls_dnssd_service_text(wire, (size_t)wl, text, sizeof(text)), 1);
	assert_string_equal(text, "_ipp._tcp");
	assert_int_equal(ls_dnssd_service_text(wire, (size_t)wl, text, 9), -ENOSPC);
	/* not ours */
	assert_int_equal(ls_dnssd_reply(pkt, len, 0x1002, collect, &s), -ESRCH);
	free(pkt);
}

static void test_service_text_rejects(void **state)
{
	static const char *const bad[] = {
		"_ipp._tcp.example", "ipp._tcp.local", "_ipp._sctp.local", "_ipp.local", "a._ipp._tcp.local",
		"_i\001p._tcp.local", "_ipp._tcp.local.x", "_._tcp.local",
	};
	uint8_t wire[LS_DNS_WIRE_MAX];
	char text[64];
	size_t i;
	int wl;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wl = ls_dns_name_encode(bad[i], wire);
		assert_true(wl > 0);
		if (ls_dnssd_service_text(wire, (size_t)wl, text, sizeof(text)) != 0)
			fail_msg("%s taken", bad[i]);
	}
	wl = ls_dns_name_encode("_spotify-connect._tcp.local", wire);
	assert_int_equal(ls_dnssd_service_text(wire, (size_t)wl, text, sizeof(text)), 1);
	assert_string_equal(text, "_spotify-connect._tcp");
}

/* A type's instances: avahi puts the PTR, TXT, SRV, AAAA and A all in the answer section. */
static void test_instances_with_txt(void **state)
{
	struct seen s = { 0 };
	uint8_t *pkt, type[LS_DNS_WIRE_MAX];
	size_t len, off = 0;
	char key[LS_DNSSD_KEY_MAX], val[LS_DNSSD_VALUE_MAX];
	int tl, pairs = 0, rc;
	const char *ty = NULL;

	(void)state;
	pkt = capture("dnssd/printer-ipp-ptr.bin", &len);
	assert_int_equal(ls_dnssd_reply(pkt, len, 0x1002, collect, &s), 5);
	assert_int_equal(s.ptr, 1);
	assert_string_equal(s.ptr_text[0], "hp\\032laserjet\\032pro\\032m404dn._ipp._tcp.local");
	assert_int_equal(s.txt, 1);
	assert_int_equal(s.srv, 1);
	assert_int_equal(s.port, 631);
	assert_int_equal(s.a, 1);
	assert_memory_equal(s.a4, ((uint8_t[]){ 198, 19, 1, 40 }), 4);
	assert_int_equal(s.aaaa, 1);
	while ((rc = ls_dnssd_txt_next(s.txtdata, s.txtlen, &off, key, val, sizeof(val))) == 1) {
		pairs++;
		if (strcmp(key, "ty") == 0) {
			assert_string_equal(val, "HP LaserJet Pro M404dn");
			ty = "seen";
		}
		if (strcmp(key, "usb_mdl") == 0)
			assert_string_equal(val, "LaserJet Pro M404dn");
		if (strcmp(key, "product") == 0)
			assert_string_equal(val, "(HP LaserJet Pro M404dn)");
	}
	assert_int_equal(rc, 0);
	assert_int_equal(pairs, 11);
	assert_non_null(ty);
	/* the instance is under its type */
	tl = ls_dns_name_encode("_ipp._tcp.local", type);
	{
		struct seen t = { 0 };
		t.stop_after = 1;
		assert_int_equal(ls_dnssd_reply(pkt, len, 0x1002, collect, &t), 1);
	}
	(void)tl;
	free(pkt);
}

static void test_device_info_and_cast(void **state)
{
	struct seen s = { 0 };
	uint8_t *pkt;
	size_t len, off = 0;
	char key[LS_DNSSD_KEY_MAX], val[LS_DNSSD_VALUE_MAX];
	int found = 0;

	(void)state;
	pkt = capture("dnssd/mac-devinfo-txt.bin", &len);
	assert_int_equal(ls_dnssd_reply(pkt, len, 0x2002, collect, &s), 1);
	while (ls_dnssd_txt_next(s.txtdata, s.txtlen, &off, key, val, sizeof(val)) == 1)
		if (strcmp(key, "model") == 0 && strcmp(val, "MacBookAir10,1") == 0)
			found++;
	assert_int_equal(found, 1);
	free(pkt);
	memset(&s, 0, sizeof(s));
	pkt = capture("dnssd/cast-txt.bin", &len);
	assert_int_equal(ls_dnssd_reply(pkt, len, 0x3001, collect, &s), 1);
	off = 0;
	found = 0;
	while (ls_dnssd_txt_next(s.txtdata, s.txtlen, &off, key, val, sizeof(val)) == 1) {
		if (strcmp(key, "md") == 0)
			found += strcmp(val, "Chromecast") == 0;
		if (strcmp(key, "fn") == 0)
			found += strcmp(val, "Living Room") == 0;
		if (strcmp(key, "rm") == 0)
			found += val[0] == '\0';
	}
	assert_int_equal(found, 3);
	free(pkt);
}

/* Every prefix of every capture: no crash, never more records than the whole. */
static void test_truncated(void **state)
{
	static const struct {
		const char *f;
		uint16_t id;
	} caps[] = {
		{ "dnssd/printer-services.bin", 0x1001 }, { "dnssd/printer-ipp-ptr.bin", 0x1002 },
		{ "dnssd/printer-ipp-txt.bin", 0x1003 }, { "dnssd/printer-ipp-srv.bin", 0x1004 },
		{ "dnssd/mac-services.bin", 0x2001 }, { "dnssd/mac-devinfo-txt.bin", 0x2002 },
		{ "dnssd/cast-txt.bin", 0x3001 }, { "dnssd/pi-services.bin", 0x4001 }, { "dnssd/phone-ptr.bin", 0x5001 },
	};
	size_t i, k, len;
	int full, rc;

	(void)state;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		uint8_t *pkt = capture(caps[i].f, &len);
		struct seen s = { 0 };
		full = ls_dnssd_reply(pkt, len, caps[i].id, collect, &s);
		assert_true(full >= 1);
		for (k = 0; k < len; k++) {
			uint8_t *cut = malloc(k + 1);
			memcpy(cut, pkt, k);
			memset(&s, 0, sizeof(s));
			rc = ls_dnssd_reply(cut, k, caps[i].id, collect, &s);
			assert_true(rc == -EBADMSG || (rc >= 0 && rc < full) || (k < 12 && rc == -EBADMSG));
			assert_true(s.n < full);
			free(cut);
		}
		free(pkt);
	}
}

static void test_header_checks(void **state)
{
	uint8_t *pkt;
	size_t len;
	struct seen s = { 0 };

	(void)state;
	pkt = capture("dnssd/mac-services.bin", &len);
	pkt[2] &= 0x7f;		/* a query, not a reply */
	assert_int_equal(ls_dnssd_reply(pkt, len, 0x2001, collect, &s), -ESRCH);
	pkt[2] |= 0x80;
	pkt[3] |= 3;		/* NXDOMAIN */
	assert_int_equal(ls_dnssd_reply(pkt, len, 0x2001, collect, &s), -ENOENT);
	pkt[3] &= 0xf0;
	pkt[5] = 17;		/* too many questions */
	assert_int_equal(ls_dnssd_reply(pkt, len, 0x2001, collect, &s), -EBADMSG);
	assert_int_equal(s.n, 0);
	free(pkt);
}

/* TXT strings: bounds, keys, escapes. */
static void test_txt_hostile(void **state)
{
	static const uint8_t txt[] = {
		5, 'm', 'd', '=', 0x1b, '[',		/* an escape sequence */
		3, '=', 'x', 'y',			/* no key: skipped */
		4, 'a', '\n', '=', '1',			/* a control in the key: skipped */
		6, 'K', 'E', 'Y', '=', 0xc3, 0xa9,	/* UTF-8 kept, the key lower case */
		0,					/* an empty string: skipped */
		2, 'f', 'l',				/* a boolean */
		4, 'b', '=', '\\', 0xff,		/* a backslash and a bad byte */
		9, 'x',					/* runs past the end */
	};
	char key[LS_DNSSD_KEY_MAX], val[LS_DNSSD_VALUE_MAX], small[6];
	size_t off = 0;
	uint8_t longkey[1 + 40];

	(void)state;
	assert_int_equal(ls_dnssd_txt_next(txt, sizeof(txt), &off, key, val, sizeof(val)), 1);
	assert_string_equal(key, "md");
	assert_string_equal(val, "\\027[");
	assert_int_equal(ls_dnssd_txt_next(txt, sizeof(txt), &off, key, val, sizeof(val)), 1);
	assert_string_equal(key, "key");
	assert_string_equal(val, "\xc3\xa9");
	assert_int_equal(ls_dnssd_txt_next(txt, sizeof(txt), &off, key, val, sizeof(val)), 1);
	assert_string_equal(key, "fl");
	assert_string_equal(val, "");
	assert_int_equal(ls_dnssd_txt_next(txt, sizeof(txt), &off, key, small, sizeof(small)), 1);
	assert_string_equal(key, "b");
	assert_string_equal(small, "\\092");	/* cut before the escape that does not fit */
	assert_int_equal(ls_dnssd_txt_next(txt, sizeof(txt), &off, key, val, sizeof(val)), -EBADMSG);
	/* a key as long as LS_DNSSD_KEY_MAX: skipped */
	longkey[0] = 40;
	memset(longkey + 1, 'k', 40);
	off = 0;
	assert_int_equal(ls_dnssd_txt_next(longkey, sizeof(longkey), &off, key, val, sizeof(val)), 0);
}

/* Compression loops and forward pointers in a reply: -EBADMSG, no hang. */
static void test_pointer_loop(void **state)
{
	static const uint8_t loop[] = {
		0x12, 0x34, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 10, 0, 2, 0xc0, 12,
	};
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(ls_dnssd_reply(loop, sizeof(loop), 0x1234, collect, &s), -EBADMSG);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_service_text_rejects),
		cmocka_unit_test(test_instances_with_txt),
		cmocka_unit_test(test_device_info_and_cast),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_txt_hostile),
		cmocka_unit_test(test_pointer_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
