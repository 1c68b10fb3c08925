/* test_table.c -- unit tests of the field table (-o) and the terminal table's layout. */
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

#include "lanscan/fields.h"
#include "lanscan/table.h"

static void test_parse(void **state)
{
	struct ls_fieldset fs;
	char err[256];

	(void)state;
	assert_int_equal(ls_fields_parse(&fs, "state,address,mac", false, err, sizeof(err)), 0);
	assert_int_equal(fs.n, 3);
	assert_string_equal(fs.f[0]->name, "state");
	assert_int_equal(ls_fields_parse(&fs, "address,nosuch", false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no field 'nosuch'"));
	assert_int_equal(ls_fields_parse(&fs, "names", false, err, sizeof(err)), -EINVAL);
	assert_int_equal(ls_fields_parse(&fs, "names", true, err, sizeof(err)), 0);
	assert_int_equal(ls_fields_parse(&fs, "state,state", false, err, sizeof(err)), -EINVAL);
	assert_int_equal(ls_fields_parse(&fs, "state,,mac", false, err, sizeof(err)), -EINVAL);
	assert_int_equal(ls_fields_parse(&fs, "", false, err, sizeof(err)), -EINVAL);
	/* +LIST adds to what is there, skipping what already is */
	ls_fields_default_tsv(&fs);
	assert_int_equal(ls_fields_parse(&fs, "+error,state", false, err, sizeof(err)), 0);
	assert_int_equal(fs.n, 8);
	assert_string_equal(fs.f[7]->name, "error");
}

static struct ls_result host(const char *name, const char *vendor)
{
	struct ls_result r = { .target = "10.0.0.0/24", .has_addr = true,
			       .addr = { .family = AF_INET, .b = { 10, 0, 0, 7 } }, .state = LS_UP,
			       .rtt_ms = 12.5, .via = "arp", .has_mac = true,
			       .mac = { 0x3c, 0x22, 0xfb, 1, 2, 3 }, .vendor = vendor, .name = name };
	return r;
}

/* Prints results through a table of the given width; returns the screen. */
static char *screen(int columns, const struct ls_result *rs, size_t n, int addr_width)
{
	static char out[16384];
	struct ls_table_cfg c;
	struct ls_summary sum;
	struct ls_sink *s;
	char err[64];
	int fds[2];
	ssize_t got;

	memset(&c, 0, sizeof(c));
	memset(&sum, 0, sizeof(sum));
	assert_int_equal(pipe(fds), 0);
	c.fd = fds[1];
	c.names = true;
	c.header = true;
	c.columns = columns;
	c.addr_width = addr_width;
	c.utf8 = true;
	c.show = LS_SHOW_NOT_DOWN;
	s = ls_table_new(&c);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s->ops->result(s, &rs[i]), 0);
	sum.targets = n;
	for (size_t i = 0; i < n; i++)
		rs[i].state == LS_UP ? sum.up++ : sum.down++;
	sum.complete = true;
	assert_int_equal(s->ops->finish(s, &sum, err, sizeof(err)), 0);
	s->ops->free(s);
	close(fds[1]);
	got = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[got < 0 ? 0 : got] = '\0';
	return out;
}

/* The widest line in code points. */
static int widest(const char *s)
{
	int w = 0, most = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			most = w > most ? w : most;
			w = 0;
		} else if (((unsigned char)*s & 0xc0) != 0x80) {
			w++;
		}
	}
	return w > most ? w : most;
}

static void test_no_line_wider_than_the_terminal(void **state)
{
	struct ls_result rs[3] = {
		host("a-very-long-host-name.with.many.labels.example.internal", "Apple, Inc. With A Long Registered Name"),
		host("pi", NULL),
		host(NULL, "Raspberry Pi Trading Ltd"),
	};
	char *out;

	(void)state;
	rs[2].state = LS_DOWN;	/* counted, not listed */
	for (int cols = 40; cols <= 200; cols += 7) {
		out = screen(cols, rs, 3, 15);
		if (widest(out) > cols - 1)
			fail_msg("%d columns:\n%s", cols, out);
		assert_non_null(strstr(out, "ADDRESS"));
		assert_null(strstr(out, "Raspberry"));
	}
	out = screen(80, rs, 3, 15);
	assert_non_null(strstr(out, "\xe2\x80\xa6"));		/* the long name is cut */
	assert_non_null(strstr(out, " 12.50 ms "));		/* the RTT with its unit */
	assert_non_null(strstr(out, "1 down (--show-down lists them)"));
	out = screen(200, rs, 3, 15);
	assert_non_null(strstr(out, "a-very-long-host-name.with.many.labels.example.internal"));	/* room: whole */
}

/* Columns on a terminal: CJK (U+3000-U+9FFF) takes two. */
static int columns_of_widest(const char *s)
{
	int w = 0, most = 0;
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == '\n') {
			most = w > most ? w : most;
			w = 0;
		} else if ((*p & 0xf0) == 0xe0) {	/* a 3-byte sequence */
			unsigned cp = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			w += cp >= 0x3000 && cp <= 0x9fff ? 2 : 1;
			p += 2;
		} else if ((*p & 0xc0) != 0x80) {
			w++;
		}
	}
	return w > most ? w : most;
}

static void test_wide_characters_take_two_columns(void **state)
{
	struct ls_result r = host("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x81\xa8\xe3\x81\xa6\xe3\x82\x82"
				  "\xe9\x95\xb7\xe3\x81\x84\xe3\x83\x97\xe3\x83\xaa\xe3\x83\xb3\xe3\x82\xbf\xe3\x83\xbc"
				  "\xe3\x81\xae\xe5\x90\x8d\xe5\x89\x8d.local", "Vendor");
	char *out;

	(void)state;
	for (int cols = 40; cols <= 120; cols += 10) {
		out = screen(cols, &r, 1, 15);
		if (columns_of_widest(out) > cols - 1)
			fail_msg("%d columns:\n%s", cols, out);
	}
}

static void test_an_address_is_never_cut(void **state)
{
	struct ls_result r = host("v6host", "Vendor");
	char *out;

	(void)state;
	r.addr.family = AF_INET6;
	memcpy(r.addr.b, "\xfd\x6c\x61\x62\x00\x18\x00\x00\x00\x00\x00\x00\x12\x34\x56\x78", 16);
	out = screen(80, &r, 1, 15);
	assert_non_null(strstr(out, "fd6c:6162:18::1234:5678 "));
	assert_true(widest(out) <= 79);
}

/* --identify's evidence: facts by source then key, arrays for repeated keys,
 * names left to "names", and every string escaped. */
static void test_evidence_json(void **state)
{
	struct ls_facts f = { 0 };
	struct ls_fieldset fs;
	struct ls_result r = host("pi", NULL);
	char buf[1024], err[128];
	struct ls_sbuf b = { buf, 0, sizeof(buf), 0 };

	(void)state;
	assert_int_equal(ls_facts_add(&f, "mdns", "name", "pi.local"), 0);
	assert_int_equal(ls_facts_add(&f, "mdns", "service", "_ssh._tcp"), 0);
	assert_int_equal(ls_facts_add(&f, "upnp", "modelName", "X\"1\x01"), 0);
	assert_int_equal(ls_facts_add(&f, "mdns", "service", "_workstation._tcp"), 0);
	assert_int_equal(ls_facts_add(&f, "mdns", "service", "_ssh._tcp"), 0);	/* the same fact: kept once */
	assert_int_equal(f.n, 4);
	r.facts = &f;
	r.identify = true;
	r.kind = "computer";
	r.kind_fact = &f.v[1];
	assert_int_equal(ls_fields_parse(&fs, "kind,kind_from,evidence", true, err, sizeof(err)), 0);
	ls_fields_json(&fs, &r, &b);
	buf[b.len] = '\0';
	assert_string_equal(buf, "\"kind\":\"computer\",\"kind_from\":\"mdns service=_ssh._tcp\","
				 "\"evidence\":{\"mdns\":{\"service\":[\"_ssh._tcp\",\"_workstation._tcp\"]},"
				 "\"upnp\":{\"modelName\":\"X\\\"1\\u0001\"}}");
	ls_facts_free(&f);
	/* a device that says more than LS_FACTS_MAX things is cut short */
	for (int i = 0; i < LS_FACTS_MAX + 10; i++) {
		char v[16];
		snprintf(v, sizeof(v), "%d", i);
		(void)ls_facts_add(&f, "mdns", "service", v);
	}
	assert_int_equal(f.n, LS_FACTS_MAX);
	assert_int_equal(f.dropped, 10);
	ls_facts_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_no_line_wider_than_the_terminal),
		cmocka_unit_test(test_an_address_is_never_cut),
		cmocka_unit_test(test_wide_characters_take_two_columns),
		cmocka_unit_test(test_evidence_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
