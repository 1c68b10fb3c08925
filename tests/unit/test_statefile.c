/* test_statefile.c -- unit tests of the state file, Prometheus writing and the Nagios status. */
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

#include "lanscan/prom.h"
#include "lanscan/report.h"
#include "lanscan/statefile.h"

static struct ls_result res(uint8_t last, enum ls_state st, const char *name)
{
	struct ls_result r = { .target = "10.0.0.0/24", .has_addr = true,
			       .addr = { .family = AF_INET, .b = { 10, 0, 0, last } }, .state = st,
			       .rtt_ms = st == LS_UP ? 0.5 : -1, .name = name };
	return r;
}

static int parse(struct ls_statefile *st, const char *text, char *err, size_t errlen)
{
	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	return ls_statefile_parse(st, text, strlen(text), err, errlen);
}

static void test_parse_good_and_bad(void **state)
{
	struct ls_statefile st;
	char err[256];

	(void)state;
	assert_int_equal(parse(&st, "# lanscan state 1\n10.0.0.1\tup\th1\t10.0.0.0/24\n"
				    "10.0.0.2\tdown\t-\t10.0.0.0/24\n", err, sizeof(err)), 0);
	assert_int_equal(st.n, 2);
	assert_true(st.e[0].has_prev && st.e[0].prev_state == LS_UP);
	assert_string_equal(st.e[0].prev_name, "h1");
	assert_string_equal(st.e[1].prev_name, "");
	ls_statefile_close(&st);
	assert_int_equal(parse(&st, "", err, sizeof(err)), 0);	/* empty: no previous sweep */
	ls_statefile_close(&st);
	assert_int_equal(parse(&st, "hello\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a lanscan state file"));
	ls_statefile_close(&st);
	const char *corrupt[] = {
		"# lanscan state 1\n10.0.0.1\tup\th1\n",			/* 3 fields */
		"# lanscan state 1\n10.0.0.1\tsideways\t-\tt\n",		/* bad state */
		"# lanscan state 1\n10.0.0.1\tup\t-\tt",			/* cut short */
		"# lanscan state 1\n10.0.0.1\tup\t-\tt\n10.0.0.1\tup\t-\tt\n",	/* repeated */
		"# lanscan state 1\n\n",					/* empty line */
		"# lanscan state 1\n10.0.0.1\tup\t-\tt\textra\n",		/* 5 fields in v1 */
		"# lanscan state 2\n10.0.0.1\tup\t-\tt\n",			/* 4 fields in v2 */
		"# lanscan state 2\n10.0.0.1\tup\t-\tt\t00:14:22:00:00\n",	/* a short MAC */
		"# lanscan state 3\n10.0.0.1\tup\t-\tt\t-\n",			/* 5 fields in v3 */
		"# lanscan state 3\n10.0.0.1\tup\t-\tt\t-\t00:14\n",		/* a short conflict MAC */
		"# lanscan state 2\n10.0.0.1\tup\t-\tt\t00:14:22:00:00:01,\n",	/* a trailing comma */
		"# lanscan state 2\n10.0.0.1\tup\t-\tt\ta,b,c,d,e\n",		/* garbage */
	};
	for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
		assert_int_equal(parse(&st, corrupt[i], err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "corrupt lanscan state file"));
		ls_statefile_close(&st);
	}
}

struct gone {
	size_t n;
	char key[64];
};

static void on_gone(const struct ls_statefile_entry *e, void *arg)
{
	struct gone *g = arg;

	g->n++;
	snprintf(g->key, sizeof(g->key), "%s", e->key);
}

static void test_changes(void **state)
{
	struct ls_statefile st;
	const struct ls_statefile_entry *e;
	char err[256];
	struct ls_result r;

	(void)state;
	assert_int_equal(parse(&st, "# lanscan state 1\n10.0.0.1\tup\th1\tt\n10.0.0.2\tdown\t-\tt\n"
				    "10.0.0.3\tup\th3\tt\n10.0.0.4\tup\th4\tt\n10.0.0.5\tup\t-\tt\n",
			       err, sizeof(err)), 0);
	r = res(1, LS_UP, "h1");
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NONE);
	r = res(2, LS_UP, NULL);
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_UP);
	assert_int_equal(e->prev_state, LS_DOWN);
	r = res(3, LS_UNKNOWN, NULL);
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_DOWN);
	r = res(4, LS_UP, "other");
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_RENAMED);
	r = res(9, LS_DOWN, NULL);
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NEW);
	assert_false(e->has_prev);
	r = res(9, LS_UP, NULL);	/* the same host twice in one sweep: once */
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NONE);
	r.has_addr = false;
	r.target = "no.such";
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NEW);
	assert_string_equal(e->key, "no.such");
	/* 10.0.0.5 was not seen: the module reports it gone, and only it. */
	struct gone g = { 0, "" };
	ls_statefile_each_gone(&st, on_gone, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.key, "10.0.0.5");
	ls_statefile_close(&st);
}

static void test_save_and_reload(void **state)
{
	struct ls_statefile st;
	const struct ls_statefile_entry *e;
	char dir[] = "/tmp/lanscan-test-XXXXXX", path[300], err[256];
	struct ls_result r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	assert_int_equal(ls_statefile_open(&st, path, err, sizeof(err)), 0);	/* first sweep */
	r = res(1, LS_UP, "h\tone");	/* a tab cannot break the format */
	ls_statefile_observe(&st, &r, &e);
	r = res(2, LS_DOWN, NULL);
	ls_statefile_observe(&st, &r, &e);
	assert_int_equal(ls_statefile_save(&st), 0);
	ls_statefile_close(&st);
	assert_int_equal(ls_statefile_open(&st, path, err, sizeof(err)), 0);
	assert_int_equal(st.n, 2);
	assert_string_equal(st.e[0].key, "10.0.0.1");
	assert_string_equal(st.e[0].prev_name, "h?one");
	assert_int_equal(st.e[1].prev_state, LS_DOWN);
	ls_statefile_close(&st);
	/* A foreign file is refused and left alone. */
	FILE *f = fopen(path, "w");
	fputs("precious data\n", f);
	fclose(f);
	assert_int_equal(ls_statefile_open(&st, path, err, sizeof(err)), -EINVAL);
	ls_statefile_close(&st);
	char buf[400] = "";
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "precious data\n");
	snprintf(buf, sizeof(buf), "%s.lock", path);
	unlink(buf);
	unlink(path);
	rmdir(dir);
}

/* Version 2 keeps a MAC history: a new MAC is "mac", a MAC it had before is
 * "flip", a host that was down comes back "up" whatever its MAC; a version 1
 * file is read whole and saved as version 2, losing nothing. */
/* renamed: a source that named the host both times, with another name; a
 * name missing this time (a lookup out of budget) is no change, and the
 * state keeps the last one known. */
static void test_renamed_sources(void **state)
{
	struct ls_statefile st;
	const struct ls_statefile_entry *e;
	char err[256];
	struct ls_result r;
	struct ls_facts facts = { 0 };

	(void)state;
	assert_int_equal(parse(&st, "# lanscan state 4\n"
				    "10.0.0.5\tup\tpi.lan\tt\t-\t-\tpi.lan\tpi.local\t-\t-\n"
				    "10.0.0.6\tup\tpc.lan\tt\t-\t-\tpc.lan\t-\tPC\tLAB\n"
				    "10.0.0.7\tup\thost-a\tt\t-\t-\t-\t-\t-\t-\n",
			       err, sizeof(err)), 0);
	r = res(5, LS_UP, "pi.local");	/* DNS out of budget: the column falls back to mDNS */
	r.names = true;
	ls_facts_add(&facts, LS_SRC_MDNS, LS_KEY_NAME, "pi.local");
	r.facts = &facts;
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NONE);
	assert_string_equal(e->cur_src[0], "pi.lan");	/* kept */
	r = res(6, LS_UP, "pc.lan");	/* NetBIOS renamed, DNS the same */
	r.names = true;
	ls_facts_free(&facts);
	ls_facts_add(&facts, LS_SRC_DNS, LS_KEY_NAME, "pc.lan");
	ls_facts_add(&facts, LS_SRC_NETBIOS, LS_KEY_NAME, "DESK-9");
	r.facts = &facts;
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_RENAMED);
	assert_string_equal(ls_statefile_renamed_from(e, &r), "PC");
	ls_facts_free(&facts);
	r = res(7, LS_UP, "host-b");	/* no -n: a name target given another name */
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_RENAMED);
	assert_string_equal(ls_statefile_renamed_from(e, &r), "host-a");
	ls_statefile_close(&st);
	/* a name target swept with -n once: without -n later, no change */
	assert_int_equal(parse(&st, "# lanscan state 4\n10.0.0.8\tup\th8.example\tt\t-\t-\th8.example\t-\t-\t-\n",
			       err, sizeof(err)), 0);
	r = res(8, LS_UP, "h8");
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NONE);
	ls_statefile_close(&st);
}

static void test_mac_events_and_migration(void **state)
{
	struct ls_statefile st;
	const struct ls_statefile_entry *e;
	char dir[] = "/tmp/lanscan-test-XXXXXX", path[300], err[256], buf[512];
	struct ls_result r;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "w");
	fputs("# lanscan state 1\n10.0.0.1\tup\th1\t10.0.0.0/24\n10.0.0.2\tdown\t-\tt\n", f);
	fclose(f);
	assert_int_equal(ls_statefile_open(&st, path, err, sizeof(err)), 0);
	r = res(1, LS_UP, "h1");
	r.has_mac = true;
	memcpy(r.mac, "\x00\x14\x22\x00\x00\x01", 6);
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NONE);	/* no history yet */
	assert_int_equal(ls_statefile_save(&st), 0);
	ls_statefile_close(&st);
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_string_equal(buf, "# lanscan state 5\n");
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_string_equal(buf, "10.0.0.1\tup\th1\t10.0.0.0/24\t00:14:22:00:00:01\t-\t-\t-\t-\t-\t-\t-\n");
	fclose(f);
	/* sweep 2: another MAC -> mac; sweep 3: the first again -> flip */
	static const char *const macs[] = { "\x00\x14\x22\x00\x00\x02", "\x00\x14\x22\x00\x00\x01" };
	static const enum ls_change want[] = { LS_CHANGE_MAC, LS_CHANGE_FLIP };
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ls_statefile_open(&st, path, err, sizeof(err)), 0);
		memcpy(r.mac, macs[i], 6);
		assert_int_equal(ls_statefile_observe(&st, &r, &e), want[i]);
		assert_int_equal(ls_statefile_save(&st), 0);
		ls_statefile_close(&st);
	}
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_string_equal(buf, "10.0.0.1\tup\th1\t10.0.0.0/24\t00:14:22:00:00:01,00:14:22:00:00:02\t-\t-\t-\t-\t-\t-\t-\n");
	fclose(f);
	/* a conflict: the other MACs are saved in the sixth field, once each, and read back */
	assert_int_equal(ls_statefile_open(&st, path, err, sizeof(err)), 0);
	memcpy(r.mac, macs[1], 6);
	assert_int_equal(ls_statefile_conflict(&st, &r.addr, (const uint8_t *)"\x02\x00\x00\x00\x00\x07"), 0);
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NONE);
	assert_int_equal(ls_statefile_conflict(&st, &r.addr, (const uint8_t *)"\x02\x00\x00\x00\x00\x07"), 0);
	assert_int_equal(ls_statefile_conflict(&st, &r.addr, (const uint8_t *)"\x02\x00\x00\x00\x00\x08"), 0);
	assert_int_equal(ls_statefile_save(&st), 0);
	ls_statefile_close(&st);
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_string_equal(buf, "10.0.0.1\tup\th1\t10.0.0.0/24\t00:14:22:00:00:01,00:14:22:00:00:02\t"
			    "02:00:00:00:00:07,02:00:00:00:00:08\t-\t-\t-\t-\t-\t-\n");
	fclose(f);
	/* down, then up with a new MAC: "up", not "mac" nor "new" */
	assert_int_equal(ls_statefile_open(&st, path, err, sizeof(err)), 0);
	r.state = LS_DOWN;
	r.has_mac = false;
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_DOWN);
	assert_int_equal(ls_statefile_save(&st), 0);
	ls_statefile_close(&st);
	assert_int_equal(ls_statefile_open(&st, path, err, sizeof(err)), 0);
	assert_int_equal(st.e[0].nmacs, 2);	/* kept while it was down */
	r.state = LS_UP;
	r.has_mac = true;
	memcpy(r.mac, "\x00\x14\x22\x00\x00\x09", 6);
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_UP);
	ls_statefile_close(&st);
	snprintf(buf, sizeof(buf), "%s.lock", path);
	unlink(buf);
	unlink(path);
	rmdir(dir);
}

static void test_prom_escaping_and_format(void **state)
{
	struct ls_prom p;
	struct ls_result r = res(7, LS_UP, "we\"ird\\na\nme");
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(ls_prom_add(&p, &r), 0);
	r = res(8, LS_DOWN, NULL);
	assert_int_equal(ls_prom_add(&p, &r), 0);
	p.targets = 2;
	p.up = 1;
	p.duration_s = 0.25;
	p.timestamp_s = 1700000000;
	f = open_memstream(&buf, &len);
	assert_int_equal(ls_prom_write(f, &p), 0);
	fclose(f);
	assert_non_null(strstr(buf, "lanscan_up{address=\"10.0.0.7\",name=\"we\\\"ird\\\\na\\nme\",target=\"10.0.0.0/24\"} 1\n"));
	assert_non_null(strstr(buf, "lanscan_up{address=\"10.0.0.8\",name=\"\",target=\"10.0.0.0/24\"} 0\n"));
	assert_non_null(strstr(buf, "lanscan_rtt_seconds{address=\"10.0.0.7\""));
	assert_null(strstr(buf, "lanscan_rtt_seconds{address=\"10.0.0.8\""));	/* no RTT when down */
	assert_non_null(strstr(buf, "# TYPE lanscan_targets gauge\nlanscan_targets 2\n"));
	assert_non_null(strstr(buf, "lanscan_sweep_duration_seconds 0.250\n"));
	free(buf);
	ls_prom_free(&p);
}

static enum ls_nagios nagios(long long min_up, long long max_down, unsigned up, unsigned down,
			     unsigned unresolved, bool complete)
{
	struct ls_nagios_cfg c;
	struct ls_stats s = { .targets = up + down + unresolved, .up = up, .down = down,
			      .unresolved = unresolved };
	struct ls_summary sum;
	char line[512];

	memset(&c, 0, sizeof(c));
	c.min_up = min_up;
	c.max_down = max_down;
	ls_report_summary(&sum, &s, 0.1, complete, false);
	return ls_nagios_status(&c, &sum, -1, line, sizeof(line));
}

/* -K: kind and model are kept (format 5), and one not found this time keeps the last. */
static void test_kind_and_model_kept(void **state)
{
	struct ls_statefile st;
	const struct ls_statefile_entry *e;
	struct ls_result r;
	char err[256];

	(void)state;
	assert_int_equal(parse(&st, "# lanscan state 5\n"
				    "10.0.0.5\tup\tpi\tt\t-\t-\t-\t-\t-\t-\tprinter\tHP LaserJet\n",
			       err, sizeof(err)), 0);
	r = res(5, LS_UP, "pi");
	assert_int_equal(ls_statefile_observe(&st, &r, &e), LS_CHANGE_NONE);
	assert_string_equal(e->cur_src[4], "printer");	/* not found this time: kept */
	assert_string_equal(e->cur_src[5], "HP LaserJet");
	ls_statefile_close(&st);
	assert_int_equal(parse(&st, "# lanscan state 5\n10.0.0.5\tup\tpi\tt\t-\t-\t-\t-\t-\t-\n", err, sizeof(err)),
			 -EINVAL);	/* a format 5 line has twelve fields */
	ls_statefile_close(&st);
}

static void test_nagios_status(void **state)
{
	(void)state;
	assert_int_equal(nagios(-1, -1, 5, 0, 0, true), LS_NAGIOS_OK);
	assert_int_equal(nagios(-1, -1, 4, 1, 0, true), LS_NAGIOS_CRITICAL);	/* no thresholds */
	assert_int_equal(nagios(4, -1, 4, 1, 0, true), LS_NAGIOS_WARNING);
	assert_int_equal(nagios(5, -1, 4, 1, 0, true), LS_NAGIOS_CRITICAL);
	assert_int_equal(nagios(-1, 1, 4, 1, 0, true), LS_NAGIOS_WARNING);
	assert_int_equal(nagios(-1, 0, 4, 1, 0, true), LS_NAGIOS_CRITICAL);
	assert_int_equal(nagios(3, 2, 3, 2, 0, true), LS_NAGIOS_WARNING);
	assert_int_equal(nagios(-1, -1, 5, 0, 1, true), LS_NAGIOS_UNKNOWN);
	assert_int_equal(nagios(-1, -1, 5, 0, 0, false), LS_NAGIOS_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good_and_bad),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_save_and_reload),
		cmocka_unit_test(test_renamed_sources),
		cmocka_unit_test(test_mac_events_and_migration),
		cmocka_unit_test(test_prom_escaping_and_format),
		cmocka_unit_test(test_kind_and_model_kept),
		cmocka_unit_test(test_nagios_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
