/* test_http.c -- unit tests of the incremental HTTP response reader: real daemons' responses, any split, hostile ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/http.h"
#include "capture.h"

static uint8_t body[65536];

/* feed() for a string literal. */
#define FEEDS(h, lit, step, eof) feed((h), (lit), sizeof(lit) - 1, (step), (eof))

/* Feeds s in pieces of step bytes (0: at once), then EOF when eof. */
static int feed(struct ls_http *h, const void *s, size_t n, size_t step, int eof)
{
	const uint8_t *p = s;
	size_t i, k;
	int rc = 0;

	ls_http_init(h, body, sizeof(body));
	if (step == 0)
		step = n ? n : 1;
	for (i = 0; i < n && rc == 0; i += k) {
		k = n - i < step ? n - i : step;
		rc = ls_http_feed(h, p + i, k);
	}
	if (rc == 0 && eof)
		rc = ls_http_eof(h);
	return rc;
}

/* minidlna and miniupnpd, whole and byte by byte: the same body. */
static void test_captures(void **state)
{
	static const char *const caps[] = { "http/minidlna.txt", "http/miniupnpd.txt" };
	struct ls_http h;
	size_t i, len, steps[] = { 0, 1, 7, 1000 }, s;
	uint8_t *raw;
	const uint8_t *b;

	(void)state;
	for (i = 0; i < 2; i++) {
		raw = capture(caps[i], &len);
		b = (const uint8_t *)strstr((const char *)raw, "\r\n\r\n") + 4;
		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			assert_int_equal(feed(&h, raw, len, steps[s], 0), 1);
			assert_int_equal(h.status, 200);
			assert_true(h.has_length);
			assert_int_equal(h.body_len, len - (size_t)(b - raw));
			assert_memory_equal(h.body, b, h.body_len);
		}
		assert_non_null(strstr(h.server, i == 0 ? "MiniDLNA/1.3.0" : "MiniUPnPd/2.3.1"));
		free(raw);
	}
}

static void test_chunked(void **state)
{
	static const char r[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				"5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: 1\r\n\r\nGARBAGE";
	struct ls_http h;
	size_t step;

	(void)state;
	for (step = 0; step < 20; step++) {
		assert_int_equal(feed(&h, r, sizeof(r) - 1, step, 0), 1);
		assert_int_equal(h.body_len, 12);
		assert_memory_equal(h.body, "hello world!", 12);
	}
	/* a chunk without its CRLF, a bad size */
	assert_int_equal(FEEDS(&h, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", 0, 0),
			 -EBADMSG);
	assert_int_equal(FEEDS(&h, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, 0), -EBADMSG);
	/* chunks adding up past the cap, a huge chunk size */
	assert_int_equal(FEEDS(&h, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10001\r\n", 0, 0), -EFBIG);
	assert_int_equal(FEEDS(&h, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 0, 0),
			 -EFBIG);
	/* EOF in the middle */
	assert_int_equal(FEEDS(&h, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 0, 1), -EBADMSG);
}

static void test_to_eof(void **state)
{
	struct ls_http h;
	static uint8_t big[70000];

	(void)state;
	assert_int_equal(FEEDS(&h, "HTTP/1.0 200 OK\nServer: x\n\nabc", 0, 0), 0);
	assert_int_equal(ls_http_eof(&h), 1);
	assert_int_equal(h.body_len, 3);
	assert_string_equal(h.server, "x");
	/* 10 MB without a length: stops at the cap */
	memcpy(big, "HTTP/1.1 200 OK\r\n\r\n", 19);
	memset(big + 19, '<', sizeof(big) - 19);
	assert_int_equal(feed(&h, big, sizeof(big), 4096, 0), -EFBIG);
	assert_true(h.body_len <= sizeof(body));
	assert_int_equal(ls_http_feed(&h, big, 10), -EFBIG);
	assert_int_equal(ls_http_eof(&h), -EFBIG);
	/* a body of exactly the cap, then EOF */
	assert_int_equal(feed(&h, big, 19 + sizeof(body), 0, 1), 1);
	/* Content-Length over the cap: refused before reading it */
	assert_int_equal(FEEDS(&h, "HTTP/1.1 200 OK\r\nContent-Length: 10485760\r\n\r\n", 0, 0), -EFBIG);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 200OK\r\n\r\n",
		"ICY 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
		"HTTP/1.1 200 OK\r\n folded\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
	};
	struct ls_http h;
	size_t i;
	static char longline[LS_HTTP_LINE_MAX + 40];
	static char many[LS_HTTP_HEADERS_MAX + 200];
	size_t n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (feed(&h, bad[i], strlen(bad[i]), 0, 1) != -EBADMSG)
			fail_msg("taken: %s", bad[i]);
	memcpy(longline, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(longline + 20, 'a', sizeof(longline) - 20);
	assert_int_equal(feed(&h, longline, sizeof(longline), 1, 0), -EBADMSG);
	/* many short headers: the total is bounded too */
	memcpy(many, "HTTP/1.1 200 OK\r\n", 17);
	for (n = 17; n + 6 < sizeof(many); n += 6)
		memcpy(many + n, "X: y\r\n", 6);
	assert_int_equal(feed(&h, many, n, 0, 0), -EBADMSG);
	/* no body for 204, 304 */
	assert_int_equal(FEEDS(&h, "HTTP/1.1 204 No Content\r\n\r\n", 0, 0), 1);
	assert_int_equal(h.status, 204);
	assert_int_equal(FEEDS(&h, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0, 0), 1);
	assert_int_equal(h.status, 404);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_to_eof),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
