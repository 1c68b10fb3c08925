/* test_cli.c -- unit tests of option parsing and the bounded number parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/cli.h"
#include "lanscan/method.h"
#include "lanscan/util.h"

static int parse(struct ls_options *o, char *err, size_t errlen, char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return ls_cli_parse(argc, argv, o, err, errlen);
}

#define PARSE(o, err, ...) parse(o, err, sizeof(err), (char *[]){ "lanscan", __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	struct ls_options o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "10.0.0.1"), 0);
	assert_int_equal(o.jobs, LS_DEFAULT_JOBS);
	assert_int_equal(o.count, 1);
	assert_int_equal(o.timeout_ms, LS_DEFAULT_TIMEOUT_MS);
	assert_int_equal(o.retries, -1);	/* the method decides */
	assert_int_equal(o.min_up, -1);
	assert_string_equal(o.ping_cmd, "ping");
	assert_int_equal(o.ntargets, 1);
	assert_string_equal(o.targets[0], "10.0.0.1");
	ls_cli_free(&o);
}

static void test_all_options(void **state)
{
	struct ls_options o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-a", "-j", "8", "-c", "3", "-t", "250", "--retries=2",
			       "-f", "a.txt", "--file", "b.txt", "--exclude", "10.0.0.1",
			       "--exclude-file", "ex.txt", "--json", "-n", "-s", "-6",
			       "--min-up", "5", "--ping-cmd", "/bin/ping", "--resolve-all",
			       "--force", "h1", "h2", "--state", "st"), 0);
	assert_int_equal(o.show, LS_SHOW_ALIVE);
	assert_int_equal(o.jobs, 8);
	assert_true(o.jobs_set);
	assert_int_equal(o.count, 3);
	assert_int_equal(o.timeout_ms, 250);
	assert_int_equal(o.retries, 2);
	assert_int_equal(o.nfiles, 2);
	assert_string_equal(o.files[1], "b.txt");
	assert_int_equal(o.nexcludes, 1);
	assert_int_equal(o.nexclude_files, 1);
	assert_int_equal(o.format, LS_FMT_JSON);
	assert_true(!o.sort && o.rdns && o.summary && !o.quiet && o.resolve_all && o.force);
	assert_int_equal(o.family, AF_INET6);
	assert_int_equal(o.min_up, 5);
	assert_string_equal(o.ping_cmd, "/bin/ping");
	assert_int_equal(o.ntargets, 2);	/* options after operands still count */
	ls_cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-u", "--list"), 0);
	assert_int_equal(o.show, LS_SHOW_UNREACHABLE);
	assert_true(o.list);
	ls_cli_free(&o);
}

static void expect_error(char **argv, const char *part)
{
	struct ls_options o;
	char err[256] = "";

	assert_int_equal(parse(&o, err, sizeof(err), argv), -EINVAL);
	if (strstr(err, part) == NULL)
		fail_msg("message '%s' lacks '%s'", err, part);
}

#define ERR(part, ...) expect_error((char *[]){ "lanscan", __VA_ARGS__, NULL }, part)

static void test_bad_numbers_name_option_and_text(void **state)
{
	(void)state;
	ERR("-j/--jobs '0': too small (expected 1 to 65535)", "-j", "0");
	ERR("-j/--jobs '70000': too large", "--jobs=70000");
	ERR("-j/--jobs 'x': invalid", "-j", "x");
	ERR("-c/--count '1.5': invalid", "-c", "1.5");
	ERR("-t/--timeout '5': too small (expected 10 to 60000 ms; a unit may follow: 500ms, 5s)", "-t", "5");
	ERR("-t/--timeout '61s': too large (expected 10 to 60000 ms", "-t", "61s");
	ERR("-t/--timeout '1.5s': invalid", "-t", "1.5s");
	ERR("-t/--timeout '5m': invalid", "-t", "5m");
	ERR("--name-timeout '5ms': too small (expected 10 to 60000 ms", "-n", "--name-timeout", "5ms");
	ERR("--max-timeout '0s': too small", "--max-timeout", "0s");
	ERR("-j/--jobs '5s': invalid (expected 1 to 65535)", "-j", "5s");	/* not a time */
	ERR("--retries '11': too large", "--retries", "11");
	ERR("--min-up '-1': too small", "--min-up", "-1");
	ERR("-j/--jobs ' 3': invalid", "-j", " 3");
	ERR("-j/--jobs '': invalid", "-j", "");
}

static void test_unknown_and_missing(void **state)
{
	(void)state;
	ERR("unknown option '-z'", "-z");
	ERR("unknown option '--bogus'", "--bogus");
	ERR("option '-j' needs a value", "-j");
	ERR("option '--jobs' needs a value", "--jobs");
	ERR("--ping-cmd: must not be empty", "--ping-cmd=");
}

/* fping's letters: the same meaning, or a refusal that names lanscan's option. */
static void test_fping_letters(void **state)
{
	struct ls_options o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-r", "3", "-x", "2", "-d", "-m", "-A", "-e", "h"), 0);
	assert_int_equal(o.retries, 3);
	assert_int_equal(o.min_up, 2);
	assert_true(o.rdns && o.resolve_all);
	ls_cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-n", "h"), 0);
	assert_true(o.rdns);
	ls_cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-g", "10.0.0.1", "10.0.0.9"), 0);
	assert_int_equal(o.ntargets, 1);
	assert_string_equal(o.targets[0], "10.0.0.1-10.0.0.9");
	ls_cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-g", "10.0.0.0/30"), 0);
	assert_string_equal(o.targets[0], "10.0.0.0/30");
	ls_cli_free(&o);
	ERR("-g takes one range", "-g", "10.0.0.1", "fd00::1");
	ERR("-g takes one range", "-g", "a", "b", "c");
	ERR("unknown option '-v': -v is not verbose here", "-v");
	ERR("use --rate", "-i", "10");
	ERR("watch(1)", "-l");
	ERR("option '-r' needs a value", "-r");
	ERR("-r/--retries 'h': invalid", "-r", "h");
}

/* Contradictions and options that would do nothing are refused. */
static void test_conflicts(void **state)
{
	(void)state;
	ERR("-a/--alive and -u/--unreachable", "-a", "-u");
	ERR("-4/--ipv4 and -6/--ipv6", "-4", "-6");
	ERR("--json and --format", "--json", "--format", "prom");
	ERR("--nagios prints its own", "--format", "prom", "--nagios");
	ERR("--rate does not apply to the ping method", "--method", "ping", "--rate", "10");
	ERR("--rate does not apply to the ping method", "-c", "3", "--rate", "10");
	ERR("-p/--ports needs the tcp method", "-c", "3", "-p", "200");
	ERR("--min-timeout is above -t/--timeout", "-t", "60", "--min-timeout", "150");
	ERR("--exclude: must not be empty", "--exclude", "");
	ERR("--sort and --state cannot be used together", "--sort", "--state", "f");
	ERR("--sort orders lines", "--sort", "--format", "prom");
	ERR("-a/-u filter lines", "-u", "--nagios");
	ERR("-q/--quiet would hide --nagios", "-q", "--nagios");
	ERR("with -q, --nagios or -u no name or kind", "-n", "-q");
	ERR("with -q, --nagios or -u no name or kind", "-n", "-u");
	ERR("-a/-u filter lines, which -q/--quiet does not print", "-q", "-a");
	ERR("-a/-u filter lines, which -q/--quiet does not print", "-q", "-u");
	ERR("--sort orders lines, which -q/--quiet does not print", "-q", "--sort");
	ERR("-q/--quiet prints no lines for --json/--format", "-q", "--json");
	ERR("-q/--quiet prints no lines for --json/--format", "-q", "--format", "text");
	ERR("-q/--quiet prints no lines for --json/--format", "-q", "-s", "--format", "prom");
	ERR("-q/--quiet would hide what --list prints", "-q", "--list");
	ERR("-q/--quiet and --progress", "-q", "--progress");
	ERR("-q/--quiet and --verbose", "-q", "--verbose");
	ERR("--name-timeout needs -n/--names", "--name-timeout", "500");
	ERR("-I/--interface: given twice", "-I", "eth0", "-I", "eth1");
	ERR("-S/--source: given twice", "-S", "10.0.0.1", "-S", "10.0.0.2");
	ERR("-S/--source is not of the family", "-6", "-S", "10.0.0.1");
	ERR("-I/--interface 'a/b': not an interface name", "-I", "a/b");
	ERR("-S/--source 'nonsense': not an IPv4 or IPv6 address", "-S", "nonsense");
}

/* What -q still allows: the exit status options, --state, and -s (with its format). */
static void test_quiet(void **state)
{
	struct ls_options o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-q", "-s", "--json", "-x", "2", "--state", "st", "--no-progress", "h"), 0);
	assert_true(o.quiet && o.summary && o.format == LS_FMT_JSON && o.min_up == 2);
	ls_cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-q", "-s", "--format", "text", "-n", "--prom-file", "p", "h"), 0);
	assert_true(o.quiet && o.summary && o.rdns);
	ls_cli_free(&o);
}

/* Every time option takes ms, or a number with the unit ms or s. */
static void test_time_units(void **state)
{
	struct ls_options o;
	char err[256];
	const char *e;

	(void)state;
	assert_int_equal(PARSE(&o, err, "-t", "5s", "--min-timeout", "20ms", "--max-timeout", "2s",
			       "-n", "--name-timeout", "1500", "h"), 0);
	assert_int_equal(o.timeout_ms, 5000);
	assert_int_equal(o.min_timeout_ms, 20);
	assert_int_equal(o.max_timeout_ms, 2000);
	assert_int_equal(o.name_timeout_ms, 1500);
	ls_cli_free(&o);
	assert_int_equal(ls_parse_ms("60s", 10, 60000, &e), 60000);
	assert_null(e);
	assert_int_equal(ls_parse_ms("10ms", 10, 60000, &e), 10);
	assert_null(e);
	ls_parse_ms("99999999999999999s", 10, 60000, &e);
	assert_string_equal(e, "too large");
	ls_parse_ms("-1s", 10, 60000, &e);
	assert_string_equal(e, "too small");
	ls_parse_ms("s", 10, 60000, &e);
	assert_string_equal(e, "invalid");
	ls_parse_ms("ms", 10, 60000, &e);
	assert_string_equal(e, "invalid");
	ls_parse_ms(" 5s", 10, 60000, &e);
	assert_string_equal(e, "invalid");
	ls_parse_ms("5 s", 10, 60000, &e);
	assert_string_equal(e, "invalid");
	ls_parse_ms("5sms", 10, 60000, &e);
	assert_string_equal(e, "invalid");
}

static void test_parse_num(void **state)
{
	const char *e;

	(void)state;
	assert_int_equal(ls_parse_num("42", 0, 100, &e), 42);
	assert_null(e);
	ls_parse_num("101", 0, 100, &e);
	assert_string_equal(e, "too large");
	ls_parse_num("99999999999999999999999", 0, 100, &e);
	assert_string_equal(e, "too large");
	ls_parse_num("12abc", 0, 100, &e);
	assert_string_equal(e, "invalid");
	ls_parse_num(NULL, 0, 100, &e);
	assert_string_equal(e, "invalid");
}

static void test_methods_list(void **state)
{
	unsigned m = 99;

	(void)state;
	assert_int_equal(ls_cli_methods("auto", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(ls_cli_methods("icmp,tcp", &m), 0);
	assert_int_equal(m, LS_M_ICMP | LS_M_TCP);
	assert_int_equal(ls_cli_methods("arp,nd,neigh,ping", &m), 0);
	assert_int_equal(m, LS_M_ARP | LS_M_ND | LS_M_NEIGH | LS_M_PING);
	assert_int_equal(ls_cli_methods("icmp,", &m), -EINVAL);
	assert_int_equal(ls_cli_methods("", &m), -EINVAL);
	assert_int_equal(ls_cli_methods("icmpx", &m), -EINVAL);
	assert_int_equal(ls_cli_methods("auto,icmp", &m), -EINVAL);
}

static void test_ports_list(void **state)
{
	uint16_t p[8];

	(void)state;
	assert_int_equal(ls_cli_ports("445", p, 8), 1);
	assert_int_equal(p[0], 445);
	assert_int_equal(ls_cli_ports("22,80,443-445,80", p, 8), 5);	/* the duplicate 80 dropped */
	assert_int_equal(p[0], 22);
	assert_int_equal(p[2], 443);
	assert_int_equal(p[4], 445);
	assert_int_equal(ls_cli_ports("1-9", p, 8), -E2BIG);
	assert_int_equal(ls_cli_ports("0", p, 8), -EINVAL);
	assert_int_equal(ls_cli_ports("65536", p, 8), -EINVAL);
	assert_int_equal(ls_cli_ports("445-443", p, 8), -EINVAL);
	assert_int_equal(ls_cli_ports("22,", p, 8), -EINVAL);
	assert_int_equal(ls_cli_ports("-5", p, 8), -EINVAL);
	assert_int_equal(ls_cli_ports("+22", p, 8), -EINVAL);
	assert_int_equal(ls_cli_ports("000022", p, 8), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_bad_numbers_name_option_and_text),
		cmocka_unit_test(test_unknown_and_missing),
		cmocka_unit_test(test_parse_num),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_time_units),
		cmocka_unit_test(test_fping_letters),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_methods_list),
		cmocka_unit_test(test_ports_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
