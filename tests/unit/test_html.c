/* test_html.c -- unit tests of the HTML report: escaping, the map's grid, the policy, no URL, bounded values; SHA-256. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/html.h"
#include "lanscan/sha256.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_sha256_vectors(void **state)
{
	/* FIPS 180-2 appendix B, and the empty message */
	static const struct { const char *in, *out; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",	/* 56 bytes: a second padding block */
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	uint8_t d[LS_SHA256_LEN];
	char h[2 * LS_SHA256_LEN + 1], b64[LS_SHA256_B64_LEN];
	char *m;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ls_sha256(v[i].in, strlen(v[i].in), d);
		hex(d, sizeof(d), h);
		assert_string_equal(h, v[i].out);
	}
	/* a million 'a': many whole blocks */
	m = malloc(1000000);
	assert_non_null(m);
	memset(m, 'a', 1000000);
	ls_sha256(m, 1000000, d);
	free(m);
	hex(d, sizeof(d), h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	ls_sha256_b64("", 0, b64);
	assert_string_equal(b64, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

static void test_escape(void **state)
{
	char buf[512];
	size_t n;

	(void)state;
	n = ls_html_escape("<script>alert(1)</script>", buf, sizeof(buf));
	assert_string_equal(buf, "&lt;script&gt;alert(1)&lt;&#47;script&gt;");
	assert_int_equal(n, strlen(buf));
	ls_html_escape("a\"b'c&d", buf, sizeof(buf));
	assert_string_equal(buf, "a&quot;b&#39;c&amp;d");
	ls_html_escape("http://x", buf, sizeof(buf));
	assert_string_equal(buf, "http&#58;&#47;&#47;x");
	/* control bytes, a stray byte, a C1 control and a bidi override become U+FFFD; UTF-8 stays */
	ls_html_escape("x\ny\x01z\x7f\xff\xc2\x85q\xe2\x80\xaer\xc3\xa9", buf, sizeof(buf));
	assert_string_equal(buf, "x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdq\xef\xbf\xbdr\xc3\xa9");
	/* as snprintf: cut, terminated, the whole length returned */
	n = ls_html_escape("<<<<", buf, 6);
	assert_int_equal(n, 16);
	assert_string_equal(buf, "&lt;&");
	assert_int_equal(ls_html_escape(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void test_cell(void **state)
{
	struct ls_addr a = { .family = AF_INET, .b = { 192, 168, 7, 37 } };
	uint32_t net;
	int row, col;

	(void)state;
	assert_int_equal(ls_html_cell(&a, &net, &row, &col), 0);
	assert_int_equal(net, (192u << 16) | (168u << 8) | 7u);
	assert_int_equal(row, 2);
	assert_int_equal(col, 5);
	a.b[3] = 255;
	assert_int_equal(ls_html_cell(&a, &net, &row, &col), 0);
	assert_int_equal(row, 15);
	assert_int_equal(col, 15);
	a.family = AF_INET6;
	assert_int_equal(ls_html_cell(&a, &net, &row, &col), -EAFNOSUPPORT);
}

/* A fake "kind" field, as the recognition branch will add one. */
static const char *f_kind(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return r->name != NULL && strncmp(r->name, "prn", 3) == 0 ? "printer" :
	       r->name != NULL && strncmp(r->name, "evil", 4) == 0 ? "<b>\"kind\"</b>" : NULL;
}

static const struct ls_field fake_kind = { .name = "kind", .header = "KIND", .flags = LS_FIELD_WIDE, .width = 4,
					   .text = f_kind, .help = "t" };

static struct ls_result host(uint8_t a, uint8_t b, uint8_t c, uint8_t d, enum ls_state st, const char *name)
{
	struct ls_result r = { .target = "10.0.0.0/24", .has_addr = true,
			       .addr = { .family = AF_INET, .b = { a, b, c, d } }, .state = st,
			       .rtt_ms = st == LS_UP ? 0.25 : -1, .via = st == LS_UP ? "icmp" : NULL,
			       .name = name };
	return r;
}

/* Runs the sink over n results and returns the page (malloc'd). */
static char *page(const struct ls_html_cfg *cfg, const struct ls_result *r, size_t n)
{
	struct ls_summary sum = { .targets = n, .elapsed_s = 1.5, .timestamp_s = 1.8e9, .complete = true };
	FILE *f = tmpfile();
	struct ls_sink *s;
	char err[128] = "", *p;
	long len;

	assert_non_null(f);
	s = ls_html_new(fileno(f), cfg);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s->ops->result(s, &r[i]), 0);
		sum.up += r[i].state == LS_UP;
		sum.down += r[i].state == LS_DOWN;
		sum.unknown += r[i].state == LS_UNKNOWN;
	}
	assert_int_equal(s->ops->finish(s, &sum, err, sizeof(err)), 0);
	s->ops->free(s);
	len = ftell(f);
	assert_true(len > 0);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	rewind(f);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	p[len] = '\0';
	fclose(f);
	return p;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_hostile_names_stay_inert(void **state)
{
	struct ls_html_cfg cfg = { .show = LS_SHOW_NOT_DOWN, .title = "10.0.0.0/24 <i>x</i>", .kind = &fake_kind };
	struct ls_result r[4];
	char *p;

	(void)state;
	r[0] = host(10, 0, 0, 5, LS_UP, "<script>alert(1)</script>");
	r[1] = host(10, 0, 0, 6, LS_UP, "evil\"onmouseover='alert(2)'&x=<img src=x onerror=alert(3)>");
	r[2] = host(10, 0, 0, 7, LS_UP, "http://evil.example/x.js");
	r[3] = host(10, 0, 0, 8, LS_UNKNOWN, "ctl\x1b[31m\r\n");
	r[3].error = "</td></tr></table><script>alert(4)</script>";
	p = page(&cfg, r, 4);
	/* one script element: ours */
	assert_int_equal(count(p, "<script"), 1);
	assert_int_equal(count(p, "</script"), 1);
	assert_int_equal(count(p, "<img"), 0);
	assert_int_equal(count(p, "<i>x"), 0);
	assert_non_null(strstr(p, "<td>&lt;script&gt;alert(1)&lt;&#47;script&gt;</td>"));
	assert_non_null(strstr(p, "evil&quot;onmouseover=&#39;alert(2)&#39;&amp;x=&lt;img src=x onerror=alert(3)&gt;"));
	/* the kind in the map cell, escaped */
	assert_non_null(strstr(p, "<i>&lt;b&gt;&quot;kind&quot;&lt;&#47;b&gt;</i>"));
	assert_non_null(strstr(p, "ctl\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd"));
	/* nothing that a browser would fetch, not even from a name */
	assert_null(strstr(p, "http:"));
	assert_null(strstr(p, "https:"));
	assert_null(strstr(p, "//"));
	assert_null(strstr(p, "src=\""));
	assert_null(strstr(p, "href=\""));
	assert_int_equal(count(p, "<link"), 0);
	assert_null(strstr(p, "url("));
	free(p);
}

/* The text between start and end after from, as a new string. */
static char *between(const char *from, const char *start, const char *end)
{
	const char *a = strstr(from, start), *b;
	char *s;

	assert_non_null(a);
	a += strlen(start);
	b = strstr(a, end);
	assert_non_null(b);
	s = strndup(a, (size_t)(b - a));
	assert_non_null(s);
	return s;
}

static void test_policy(void **state)
{
	struct ls_html_cfg cfg = { .show = LS_SHOW_NOT_DOWN };
	struct ls_result r = host(10, 0, 0, 1, LS_UP, "a");
	char *p, *css, *js, want[256], h1[LS_SHA256_B64_LEN], h2[LS_SHA256_B64_LEN];
	const char *meta;

	(void)state;
	p = page(&cfg, &r, 1);
	meta = strstr(p, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ");
	assert_non_null(meta);
	/* the policy comes before the style and the script it allows */
	assert_true(meta < strstr(p, "<style>"));
	css = between(p, "<style>", "</style>");
	js = between(p, "<script>", "</script>");
	ls_sha256_b64(css, strlen(css), h1);
	ls_sha256_b64(js, strlen(js), h2);
	snprintf(want, sizeof(want), "style-src 'sha256-%s'; script-src 'sha256-%s'; base-uri 'none'; form-action 'none'\">",
		 h1, h2);
	assert_non_null(strstr(meta, want));
	assert_null(strstr(p, "unsafe-inline"));
	/* no style attribute (the policy would block it) and no inline handler */
	assert_null(strstr(p, " style="));
	assert_null(strstr(p, " onclick="));
	free(css);
	free(js);
	free(p);
}

/* The map cell of address d (0-255) in the grid of 10.0.0.0/24: its row and column, counted in the page. */
static void grid_pos(const char *p, const char *title, int *row, int *col)
{
	const char *grid = strstr(p, "<figcaption><b>10.0.0.0/24</b>"), *cell = strstr(p, title), *q;

	assert_non_null(grid);
	assert_non_null(cell);
	assert_true(cell > grid);
	*row = -1;
	*col = 0;
	for (q = grid; (q = strstr(q, "<tr>")) != NULL && q < cell; q += 4)
		(*row)++;
	q = strstr(grid, "<tr>");
	for (const char *t = q; t != NULL && t < cell; t = strstr(t + 1, "<tr>"))
		q = t;
	for (; (q = strstr(q, "<td ")) != NULL && q < cell; q += 4)
		(*col)++;
	(*col)--;
}

static void test_grid_placement(void **state)
{
	struct ls_html_cfg cfg = { .show = LS_SHOW_NOT_DOWN, .kind = &fake_kind };
	struct ls_result r[5];
	int row, col;
	char *p;

	(void)state;
	r[0] = host(10, 0, 1, 200, LS_UP, "other");
	r[1] = host(10, 0, 0, 37, LS_UP, "prn37");
	r[2] = host(10, 0, 0, 0, LS_DOWN, NULL);
	r[3] = host(10, 0, 0, 255, LS_DOWN, NULL);
	r[4] = host(10, 0, 0, 16, LS_UNKNOWN, NULL);
	r[4].has_mac = true;
	p = page(&cfg, r, 5);
	/* two /24s, each 16 rows of 16 cells; addresses not swept are drawn too */
	assert_int_equal(count(p, "<figure>"), 2);
	assert_int_equal(count(p, "<td class=\"m-"), 512);
	assert_int_equal(count(p, "<td class=\"m-up\""), 2);
	assert_int_equal(count(p, "<td class=\"m-down\""), 2);
	assert_int_equal(count(p, "<td class=\"m-unknown\""), 1);
	grid_pos(p, "title=\"10.0.0.37 up", &row, &col);
	assert_int_equal(row, 2);
	assert_int_equal(col, 5);
	grid_pos(p, "title=\"10.0.0.0 down", &row, &col);
	assert_int_equal(row, 0);
	assert_int_equal(col, 0);
	grid_pos(p, "title=\"10.0.0.255 down", &row, &col);
	assert_int_equal(row, 15);
	assert_int_equal(col, 15);
	grid_pos(p, "title=\"10.0.0.16 unknown", &row, &col);
	assert_int_equal(row, 1);
	assert_int_equal(col, 0);
	/* the kind marks the cell, the tooltip has the facts */
	assert_non_null(strstr(p, "title=\"10.0.0.37 up&#10;kind: printer&#10;name: prn37&#10;rtt: 0.250 ms\">37<i>printer</i></td>"));
	/* the table lists the hosts that are not down, in address order */
	assert_int_equal(count(p, "<tr data-i="), 3);
	assert_true(strstr(p, ">10.0.0.16<") < strstr(p, ">10.0.0.37<"));
	assert_true(strstr(p, ">10.0.0.37<") < strstr(p, ">10.0.1.200<"));
	assert_null(strstr(p, ">10.0.0.255<"));
	free(p);
}

static void test_columns(void **state)
{
	struct ls_html_cfg cfg = { .show = LS_SHOW_ALL };
	struct ls_result r[2];
	char *p, *head;

	(void)state;
	r[0] = host(10, 0, 0, 1, LS_UP, NULL);
	r[1] = host(10, 0, 0, 2, LS_DOWN, NULL);
	/* the automatic columns: the fields some host has (no name, no MAC here); never target */
	p = page(&cfg, r, 2);
	head = between(p, "<thead>", "</thead>");
	assert_string_equal(head, "<tr><th scope=\"col\" data-f=\"address\" aria-sort=\"ascending\">ADDRESS</th>"
				  "<th scope=\"col\" data-f=\"state\">STATE</th><th scope=\"col\" data-f=\"rtt\" class=\"n\">RTT</th>"
				  "<th scope=\"col\" data-f=\"via\">VIA</th></tr>");
	assert_int_equal(count(p, "<tr data-i="), 2);
	free(head);
	free(p);
	/* -o chooses them */
	assert_int_equal(ls_fields_parse(&cfg.fields, "state,address,name", false, (char[64]){ 0 }, 64), 0);
	p = page(&cfg, r, 2);
	head = between(p, "<thead>", "</thead>");
	assert_string_equal(head, "<tr><th scope=\"col\" data-f=\"state\">STATE</th>"
				  "<th scope=\"col\" data-f=\"address\" aria-sort=\"ascending\">ADDRESS</th>"
				  "<th scope=\"col\" data-f=\"name\">NAME</th></tr>");
	assert_non_null(strstr(p, "<tr data-i=\"0\"><td class=\"s-up\">up</td><td class=\"a\" data-k=\"40a000001\">10.0.0.1</td><td></td></tr>"));
	free(head);
	free(p);
	/* +LIST: the automatic ones, and these even when empty */
	cfg.fields.n = 0;
	cfg.add = true;
	assert_int_equal(ls_fields_parse(&cfg.fields, "+target", false, (char[64]){ 0 }, 64), 0);
	p = page(&cfg, r, 2);
	assert_non_null(strstr(p, "data-f=\"target\""));
	assert_non_null(strstr(p, "data-f=\"via\""));
	free(p);
}

static void test_ipv6_in_the_table_only(void **state)
{
	struct ls_html_cfg cfg = { .show = LS_SHOW_NOT_DOWN };
	struct ls_result r[3];
	char *p;

	(void)state;
	r[0] = host(10, 0, 0, 1, LS_UP, NULL);
	r[1] = host(0, 0, 0, 0, LS_UP, "v6");
	r[1].addr = (struct ls_addr){ .family = AF_INET6, .b = { 0xfd, 0x6c, [15] = 1 } };
	r[2] = r[1];
	r[2].addr.b[15] = 2;
	r[2].state = LS_DOWN;
	r[2].name = NULL;
	p = page(&cfg, r, 3);
	assert_int_equal(count(p, "<figure>"), 1);
	assert_non_null(strstr(p, "2 IPv6 addresses swept (1 up, 1 down, 0 unknown): the map draws IPv4 only"));
	/* after IPv4 in address order; its ':' escaped like every other */
	assert_non_null(strstr(p, "<td class=\"a\" data-k=\"6fd6c0000000000000000000000000001\">fd6c&#58;&#58;1</td>"));
	assert_true(strstr(p, ">10.0.0.1<") < strstr(p, ">fd6c&#58;&#58;1<"));
	assert_int_equal(count(p, "<tr data-i="), 2);
	free(p);
}

static void test_quiet_blocks_fold(void **state)
{
	struct ls_html_cfg cfg = { .show = LS_SHOW_NOT_DOWN };
	struct ls_result r[6];
	char *p, *folded;

	(void)state;
	for (int i = 0; i < 6; i++)
		r[i] = host(10, 0, (uint8_t)i, 9, i == 3 ? LS_UP : LS_DOWN, NULL);
	p = page(&cfg, r, 6);
	/* a grid for each /24, the one with a host up first; the others folded */
	assert_int_equal(count(p, "<figure>"), 6);
	assert_true(strstr(p, "<b>10.0.3.0/24</b>") < strstr(p, "<b>10.0.0.0/24</b>"));
	folded = between(p, "<details><summary>5 more /24s where nothing is up</summary>", "</details>");
	assert_int_equal(count(folded, "<figure>"), 5);
	assert_null(strstr(folded, "10.0.3.0/24"));
	free(folded);
	free(p);
	/* a few /24s are all drawn in order */
	p = page(&cfg, r, 4);
	assert_null(strstr(p, "<details>"));
	assert_true(strstr(p, "<b>10.0.0.0/24</b>") < strstr(p, "<b>10.0.3.0/24</b>"));
	free(p);
}

static void test_values_are_bounded(void **state)
{
	struct ls_html_cfg cfg = { .show = LS_SHOW_NOT_DOWN };
	struct ls_result r;
	char *name = malloc(10000), *p, *cell;

	(void)state;
	assert_non_null(name);
	memset(name, 'n', 9999);
	name[9999] = '\0';
	memcpy(name + LS_HTML_TEXT_MAX - 1, "\xc3\xa9", 2);	/* a sequence across the cut is left out whole */
	r = host(10, 0, 0, 1, LS_UP, name);
	p = page(&cfg, &r, 1);
	free(name);
	cell = between(p, "<td class=\"n\" data-n=\"0.250\">0.250 ms</td><td>icmp</td><td>", "</td>");
	assert_int_equal(strlen(cell), LS_HTML_TEXT_MAX - 1);
	free(cell);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_cell),
		cmocka_unit_test(test_hostile_names_stay_inert),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_grid_placement),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_ipv6_in_the_table_only),
		cmocka_unit_test(test_quiet_blocks_fold),
		cmocka_unit_test(test_values_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
