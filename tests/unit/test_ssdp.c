/* test_ssdp.c -- unit tests of the M-SEARCH request, the answers of minidlna and miniupnpd, and LOCATION URLs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/ssdp.h"
#include "capture.h"

static void test_msearch(void **state)
{
	char buf[256];
	int n;

	(void)state;
	n = ls_ssdp_msearch(buf, sizeof(buf), "239.255.255.250:1900", 1);
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	assert_non_null(strstr(buf, "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"));
	assert_non_null(strstr(buf, "\r\nMAN: \"ssdp:discover\"\r\n"));
	assert_non_null(strstr(buf, "\r\nMX: 1\r\n"));
	assert_non_null(strstr(buf, "\r\nST: ssdp:all\r\n"));
	assert_string_equal(buf + n - 4, "\r\n\r\n");
	assert_int_equal(ls_ssdp_msearch(buf, 40, "239.255.255.250:1900", 1), -ENOSPC);
	assert_int_equal(ls_ssdp_msearch(buf, sizeof(buf), "a\r\nX: y", 1), -EINVAL);
	assert_int_equal(ls_ssdp_msearch(buf, sizeof(buf), "a", 0), -EINVAL);
	assert_int_equal(ls_ssdp_msearch(buf, sizeof(buf), "a", 6), -EINVAL);
}

static void test_captures(void **state)
{
	struct ls_ssdp_reply r;
	uint8_t *pkt;
	size_t len;

	(void)state;
	pkt = capture("ssdp/minidlna-1.txt", &len);
	assert_int_equal(ls_ssdp_parse(pkt, len, &r), 0);
	assert_string_equal(r.location, "http://198.19.1.44:8200/rootDesc.xml");
	assert_string_equal(r.server, "Debian DLNADOC/1.50 UPnP/1.0 MiniDLNA/1.3.0");
	assert_string_equal(r.st, "uuid:4d696e69-444c-164e-9d41-001132000044");
	assert_string_equal(r.usn, "uuid:4d696e69-444c-164e-9d41-001132000044");
	free(pkt);
	pkt = capture("ssdp/miniupnpd-1.txt", &len);
	assert_int_equal(ls_ssdp_parse(pkt, len, &r), 0);
	assert_string_equal(r.location, "http://198.19.1.45:5000/rootDesc.xml");
	assert_string_equal(r.server, "Debian/6.18.44-fc-v1272 UPnP/1.1 MiniUPnPd/2.3.1");
	assert_string_equal(r.st, "urn:schemas-upnp-org:service:WANPPPConnection:1");
	free(pkt);
}

static void test_hostile(void **state)
{
	static const char *const notours[] = {
		"NOTIFY * HTTP/1.1\r\nLOCATION: http://1.2.3.4/\r\n\r\n",
		"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",
		"HTTP/1.1 404 Not Found\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n",
		"",
	};
	struct ls_ssdp_reply r;
	char big[2048];
	size_t i;
	const char *p;

	(void)state;
	for (i = 0; i < sizeof(notours) / sizeof(notours[0]); i++)
		assert_int_equal(ls_ssdp_parse((const uint8_t *)notours[i], strlen(notours[i]), &r), -ESRCH);
	p = "HTTP/1.1 200 OK\nserver: a\033[2Jb\x01\nLocation:  http://1.2.3.4:80/x y\nST\n";
	assert_int_equal(ls_ssdp_parse((const uint8_t *)p, strlen(p), &r), -EBADMSG);
	p = "HTTP/1.1 200 OK\nserver: a\033[2Jb\x01\nLocation:  http://1.2.3.4:80/x y\nlocation: http://5.6.7.8/\n\nST: late";
	assert_int_equal(ls_ssdp_parse((const uint8_t *)p, strlen(p), &r), 0);
	assert_string_equal(r.server, "a\\027[2Jb\\001");
	assert_string_equal(r.location, "");	/* a space inside: not kept, nor the second one */
	assert_string_equal(r.st, "");		/* after the empty line */
	/* a long field is cut to text; a long LOCATION dropped; an overlong line refused */
	memcpy(big, "HTTP/1.1 200 OK\r\nSERVER: ", 25);
	memset(big + 25, 'x', 600);
	memcpy(big + 625, "\r\nLOCATION: http://1.2.3.4/", 27);
	memset(big + 652, 'y', 300);
	memcpy(big + 952, "\r\n\r\n", 4);
	assert_int_equal(ls_ssdp_parse((const uint8_t *)big, 956, &r), 0);
	assert_int_equal(strlen(r.server), LS_SSDP_FIELD_MAX - 1);
	assert_string_equal(r.location, "");
	memset(big + 25, 'x', 1100);
	assert_int_equal(ls_ssdp_parse((const uint8_t *)big, 1200, &r), -EBADMSG);
}

static void test_url(void **state)
{
	static const char *const bad[] = {
		"https://1.2.3.4/", "http://router.local/x", "http://1.2.3.4:0/", "http://1.2.3.4:65536/",
		"http://1.2.3.4:/", "http://user@1.2.3.4/", "http://[fe80::1%eth0]/", "http://1.2.3/",
		"http://1.2.3.4?x", "http://1.2.3.4/a b", "http://1.2.3.4:8o/", "ftp://1.2.3.4/", "http://",
		"http://[::1/", "http://1.2.3.4:1234567/", "http://01.2.3.4/",
	};
	char path[LS_URL_PATH_MAX];
	uint8_t a[16];
	uint16_t port;
	int fam;
	size_t i;

	(void)state;
	assert_int_equal(ls_url_parse("http://198.19.1.44:8200/rootDesc.xml", &fam, a, &port, path), 0);
	assert_int_equal(fam, AF_INET);
	assert_memory_equal(a, ((uint8_t[]){ 198, 19, 1, 44 }), 4);
	assert_int_equal(port, 8200);
	assert_string_equal(path, "/rootDesc.xml");
	assert_int_equal(ls_url_parse("HTTP://10.0.0.1", &fam, a, &port, path), 0);
	assert_int_equal(port, 80);
	assert_string_equal(path, "/");
	assert_int_equal(ls_url_parse("http://[fd6c:6162:1::45]:5000/d?x=1", &fam, a, &port, path), 0);
	assert_int_equal(fam, AF_INET6);
	assert_int_equal(a[0], 0xfd);
	assert_string_equal(path, "/d?x=1");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ls_url_parse(bad[i], &fam, a, &port, path) != -EINVAL)
			fail_msg("%s taken", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msearch),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
