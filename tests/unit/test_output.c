/* test_output.c -- unit tests of the result formats, filters and --sort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/output.h"

static struct ls_result up4(void)
{
	struct ls_result r = { .target = "10.0.0.0/24", .has_addr = true,
			       .addr = { .family = AF_INET, .b = { 10, 0, 0, 7 } }, .state = LS_UP,
			       .rtt_ms = 0.1234, .via = "icmp", .name = "h7.lab", .error = NULL };
	return r;
}

static void test_text(void **state)
{
	struct ls_result r = up4();
	char buf[256];
	size_t n;

	(void)state;
	n = ls_format_result(&r, LS_FMT_TEXT, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "10.0.0.7\tup\t0.123\th7.lab\ticmp\t-\t-\n");
	r.state = LS_DOWN;
	r.rtt_ms = -1;
	r.name = NULL;
	r.via = NULL;
	n = ls_format_result(&r, LS_FMT_TEXT, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "10.0.0.7\tdown\t-\t-\t-\t-\t-\n");
	r.has_addr = false;
	r.target = "no.such";
	r.state = LS_UNKNOWN;
	n = ls_format_result(&r, LS_FMT_TEXT, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "no.such\tunknown\t-\t-\t-\t-\t-\n");
}

static void test_text_fields_cannot_break_columns(void **state)
{
	struct ls_result r = up4();
	char buf[256];
	size_t n;

	(void)state;
	r.name = "a\tb\nc";
	r.via = "tcp/4\t5";
	n = ls_format_result(&r, LS_FMT_TEXT, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "10.0.0.7\tup\t0.123\ta?b?c\ttcp/4?5\t-\t-\n");
}

static void test_json(void **state)
{
	struct ls_result r = up4();
	char buf[512];
	size_t n;

	(void)state;
	n = ls_format_result(&r, LS_FMT_JSON, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "{\"address\":\"10.0.0.7\",\"target\":\"10.0.0.0/24\",\"state\":\"up\","
			    "\"rtt_ms\":0.123,\"via\":\"icmp\",\"mac\":null,\"vendor\":null,\"name\":\"h7.lab\",\"error\":null}\n");
	r.via = "arp";
	r.has_mac = true;
	memcpy(r.mac, "\x00\x1b\x21\xaa\x0b\xff", 6);
	n = ls_format_result(&r, LS_FMT_JSON, buf, sizeof(buf));
	buf[n] = '\0';
	assert_non_null(strstr(buf, ",\"via\":\"arp\",\"mac\":\"00:1b:21:aa:0b:ff\",\"vendor\":null,"));
	r.vendor = "Intel Corporate";
	n = ls_format_result(&r, LS_FMT_JSON, buf, sizeof(buf));
	buf[n] = '\0';
	assert_non_null(strstr(buf, ",\"mac\":\"00:1b:21:aa:0b:ff\",\"vendor\":\"Intel Corporate\","));
	n = ls_format_result(&r, LS_FMT_TEXT, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "10.0.0.7\tup\t0.123\th7.lab\tarp\t00:1b:21:aa:0b:ff\tIntel Corporate\n");
	r.vendor = NULL;
	r.has_mac = false;
	r.via = NULL;
	r.addr.family = AF_INET6;
	memset(r.addr.b, 0, 16);
	r.addr.b[15] = 1;
	r.state = LS_DOWN;
	r.rtt_ms = -1;
	r.name = "q\"uo\\te\x01\xc3";
	r.error = "host unreachable";
	n = ls_format_result(&r, LS_FMT_JSON, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "{\"address\":\"::1\",\"target\":\"10.0.0.0/24\",\"state\":\"down\","
			    "\"rtt_ms\":null,\"via\":null,\"mac\":null,\"vendor\":null,\"name\":\"q\\\"uo\\\\te\\u0001?\",\"error\":\"host unreachable\"}\n");
}

/* Like snprintf: a short buffer tells the length the whole line needs, and
 * that much room gives the same line as a big buffer. */
/* Valid UTF-8 (an internationalised name) passes into JSON; invalid bytes,
 * overlong forms and surrogates become '?'. */
static void test_json_utf8(void **state)
{
	struct ls_result r = up4();
	char buf[512];
	size_t n;

	(void)state;
	r.name = "b\xc3\xbc" "cher.\xe4\xbe\x8b.\xf0\x9f\x98\x80|\xc0\xaf|\xed\xa0\x80|\xff|\xc3";
	n = ls_format_result(&r, LS_FMT_JSON, buf, sizeof(buf));
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"name\":\"b\xc3\xbc" "cher.\xe4\xbe\x8b.\xf0\x9f\x98\x80|??|???|?|?\""));
}

static void test_short_buffer_tells_the_length(void **state)
{
	struct ls_result r = up4();
	char small[12], big[512], exact[512];
	size_t n, whole;

	(void)state;
	whole = ls_format_result(&r, LS_FMT_JSON, big, sizeof(big));
	assert_true(whole < sizeof(big));
	n = ls_format_result(&r, LS_FMT_JSON, small, sizeof(small));
	assert_int_equal(n, whole);
	assert_int_equal(ls_format_result(&r, LS_FMT_JSON, exact, n + 1), whole);
	assert_memory_equal(exact, big, whole);
	assert_int_equal(exact[whole - 1], '\n');
}

/* Runs results through an ls_output into a pipe; returns what came out. */
static char *through(struct ls_output *o, const struct ls_result *rs, size_t n)
{
	static char out[4096];
	int fds[2];
	size_t i;
	ssize_t got;

	assert_int_equal(pipe(fds), 0);
	o->fd = fds[1];
	for (i = 0; i < n; i++)
		assert_int_equal(ls_output_result(o, &rs[i]), 0);
	assert_int_equal(ls_output_finish(o), 0);
	close(fds[1]);
	got = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[got < 0 ? 0 : got] = '\0';
	return out;
}

/* The same through --sort's sink in front of the output. */
static char *through_sorted(struct ls_output *o, const struct ls_result *rs, size_t n)
{
	static char out[4096];
	struct ls_sink *s;
	struct ls_summary sum;
	char err[64];
	int fds[2];
	size_t i;
	ssize_t got;

	memset(&sum, 0, sizeof(sum));
	assert_int_equal(pipe(fds), 0);
	o->fd = fds[1];
	s = ls_sort_sink_new(&o->sink);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		assert_int_equal(s->ops->result(s, &rs[i]), 0);
	assert_int_equal(s->ops->finish(s, &sum, err, sizeof(err)), 0);
	s->ops->free(s);
	close(fds[1]);
	got = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[got < 0 ? 0 : got] = '\0';
	return out;
}

static void test_filters_and_sort(void **state)
{
	struct ls_result rs[3] = { up4(), up4(), up4() };
	struct ls_output o;

	(void)state;
	rs[0].addr.b[3] = 20;
	rs[1].state = LS_DOWN;
	rs[1].rtt_ms = -1;
	rs[1].addr.b[3] = 3;
	rs[2].has_addr = false;
	rs[2].target = "x.invalid";
	rs[2].state = LS_UNKNOWN;
	rs[2].rtt_ms = -1;
	ls_output_init(&o, -1);
	o.show = LS_SHOW_ALIVE;
	assert_string_equal(through(&o, rs, 3), "10.0.0.20\tup\t0.123\th7.lab\ticmp\t-\t-\n");
	ls_output_init(&o, -1);
	o.show = LS_SHOW_UNREACHABLE;
	assert_string_equal(through(&o, rs, 3), "10.0.0.3\tdown\t-\th7.lab\t-\t-\t-\nx.invalid\tunknown\t-\th7.lab\t-\t-\t-\n");
	ls_output_init(&o, -1);
	assert_string_equal(through_sorted(&o, rs, 3), "10.0.0.3\tdown\t-\th7.lab\t-\t-\t-\n10.0.0.20\tup\t0.123\th7.lab\ticmp\t-\t-\n"
			    "x.invalid\tunknown\t-\th7.lab\t-\t-\t-\n");
	ls_output_init(&o, -1);
	o.quiet = true;
	assert_string_equal(through(&o, rs, 3), "");
}

/* No fixed buffer cuts a line: a 3000-character target comes out whole, in
 * completion order, sorted, and as a --state change. */
static void test_long_target_is_never_cut(void **state)
{
	static char target[3001];
	struct ls_result r = up4();
	struct ls_output o;
	char *out;
	size_t len;

	(void)state;
	memset(target, '1', sizeof(target) - 1);
	memcpy(target, "10.0.0.", 7);
	r.target = target;
	ls_output_init(&o, -1);
	o.format = LS_FMT_JSON;
	out = strdup(through(&o, &r, 1));	/* through() reuses its buffer */
	assert_non_null(out);
	len = strlen(out);
	assert_true(len > 3000);
	assert_non_null(strstr(out, target));
	assert_string_equal(out + len - 2, "}\n");
	ls_output_init(&o, -1);
	o.format = LS_FMT_JSON;
	assert_string_equal(through_sorted(&o, &r, 1), out);
	free(out);
}

static void test_epipe(void **state)
{
	struct ls_result r = up4();
	struct ls_output o;
	int fds[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	ls_output_init(&o, fds[1]);
	assert_int_equal(ls_output_result(&o, &r), -EPIPE);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_fields_cannot_break_columns),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_short_buffer_tells_the_length),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_long_target_is_never_cut),
		cmocka_unit_test(test_filters_and_sort),
		cmocka_unit_test(test_epipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
