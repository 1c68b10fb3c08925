/* cli.c -- parse the command line with getopt_long into struct ls_options. */
#include "lanscan/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "lanscan/method.h"
#include "lanscan/util.h"

#include "cli_internal.h"

enum {
	OPT_EXCLUDE = 256, OPT_EXCLUDE_FILE, OPT_LIST, OPT_FORCE, OPT_JSON,
	OPT_SORT, OPT_PING_CMD, OPT_METHOD, OPT_RATE,
	OPT_MIN_TIMEOUT, OPT_MAX_TIMEOUT, OPT_STATE, OPT_FORMAT, OPT_PROM_FILE, OPT_MAX_DOWN,
	OPT_NAGIOS, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_VERBOSE, OPT_WARNING, OPT_CRITICAL,
	OPT_NAME_TIMEOUT, OPT_IDENTIFY, OPT_HEADER, OPT_NO_HEADER, OPT_COLOR, OPT_SHOW_DOWN, OPT_NO_NAMES, OPT_LOCK_TIMEOUT
};

/* Short letters: where fping has the same letter, the same meaning
 * (-4 -6 -a -A -c -d -e -f -g -h -I -m -n -q -r -s -S -t -u -x); -j, -p and -V
 * are lanscan's own, and -o is util-linux's column list (fping's outage time
 * has no equivalent).  fping's other letters are refused with a hint. */
#define SHORTOPTS ":46aAc:def:ghI:j:Kmno:p:qr:sS:t:uVx:"

static const struct option longopts[] = {
	{ "alive", no_argument, NULL, 'a' },
	{ "unreachable", no_argument, NULL, 'u' },
	{ "count", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "retries", required_argument, NULL, 'r' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "file", required_argument, NULL, 'f' },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "exclude-file", required_argument, NULL, OPT_EXCLUDE_FILE },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "resolve-all", no_argument, NULL, 'm' },
	{ "generate", no_argument, NULL, 'g' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sort", no_argument, NULL, OPT_SORT },
	{ "rdns", no_argument, NULL, 'n' },
	{ "names", no_argument, NULL, 'n' },
	{ "name-timeout", required_argument, NULL, OPT_NAME_TIMEOUT },
	{ "no-names", no_argument, NULL, OPT_NO_NAMES },
	{ "identify", no_argument, NULL, 'K' },
	{ "output", required_argument, NULL, 'o' },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "show-down", no_argument, NULL, OPT_SHOW_DOWN },
	{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
	{ "summary", no_argument, NULL, 's' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "min-up", required_argument, NULL, 'x' },
	{ "max-down", required_argument, NULL, OPT_MAX_DOWN },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "prom-file", required_argument, NULL, OPT_PROM_FILE },
	{ "nagios", no_argument, NULL, OPT_NAGIOS },
	{ "warning", required_argument, NULL, OPT_WARNING },
	{ "critical", required_argument, NULL, OPT_CRITICAL },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "ping-cmd", required_argument, NULL, OPT_PING_CMD },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "ports", required_argument, NULL, 'p' },
	{ "interface", required_argument, NULL, 'I' },
	{ "iface", required_argument, NULL, 'I' },	/* fping's spelling */
	{ "source", required_argument, NULL, 'S' },
	{ "src", required_argument, NULL, 'S' },	/* fping's spelling */
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "min-timeout", required_argument, NULL, OPT_MIN_TIMEOUT },
	{ "max-timeout", required_argument, NULL, OPT_MAX_TIMEOUT },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int fail(char *err, size_t errlen, const char *msg, const char *opt, const char *text)
{
	if (text != NULL)
		snprintf(err, errlen, "%s '%s': %s", opt, text, msg);
	else
		snprintf(err, errlen, "%s: %s", opt, msg);
	return -EINVAL;
}

static int number(const char *opt, const char *text, long long min, long long max,
		  long long *out, char *err, size_t errlen)
{
	const char *errstr;
	char msg[96];

	*out = ls_parse_num(text, min, max, &errstr);
	if (errstr == NULL)
		return 0;
	snprintf(msg, sizeof(msg), "%s (expected %lld to %lld)", errstr, min, max);
	return fail(err, errlen, msg, opt, text);
}

/* A time option: milliseconds, or a number with the unit ms or s. */
static int ms_number(const char *opt, const char *text, long long min, long long max,
		     long long *out, char *err, size_t errlen)
{
	const char *errstr;
	char msg[128];

	*out = ls_parse_ms(text, min, max, &errstr);
	if (errstr == NULL)
		return 0;
	snprintf(msg, sizeof(msg), "%s (expected %lld to %lld ms; a unit may follow: 500ms, 5s)",
		 errstr, min, max);
	return fail(err, errlen, msg, opt, text);
}

static int push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -ENOMEM;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

/* The option's name as the user typed it, for messages. */
static const char *optname(int c, char *buf, size_t len)
{
	size_t i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == c) {
			if (c < 256)
				snprintf(buf, len, "-%c/--%s", c, longopts[i].name);
			else
				snprintf(buf, len, "--%s", longopts[i].name);
			return buf;
		}
	return "option";
}

/* Which options were given, for the checks that compare them. */
struct seen {
	bool alive, unreachable, v4, v6, json, format, rate, generate, name_timeout, iface, source, header_set, lock_timeout;
	bool format_not_json;	/* --format named another format than json */
};

/* The options that say what to sweep.  Returns 0, -EINVAL, or 1: not one of these. */
static int target_opt(struct ls_options *o, struct seen *sn, int c, const char *on, char *arg,
		      char *err, size_t errlen)
{
	switch (c) {
	case '4': o->family = AF_INET; sn->v4 = true; return 0;
	case '6': o->family = AF_INET6; sn->v6 = true; return 0;
	case 'g': sn->generate = true; return 0;
	case 'f': return push(&o->files, &o->nfiles, arg);
	case OPT_EXCLUDE:
		if (*arg == '\0')
			return fail(err, errlen, "must not be empty", on, NULL);
		return push(&o->excludes, &o->nexcludes, arg);
	case OPT_EXCLUDE_FILE: return push(&o->exclude_files, &o->nexclude_files, arg);
	case OPT_LIST: o->list = true; return 0;
	case OPT_FORCE: o->force = true; return 0;
	case 'm': o->resolve_all = true; return 0;
	default: return 1;
	}
}

/* The options that say how to probe.  Returns 0, -EINVAL, or 1: not one of these. */
static int probe_opt(struct ls_options *o, struct seen *sn, int c, const char *on, char *arg,
		     char *err, size_t errlen)
{
	long long v;
	int rc = 0, n;

	switch (c) {
	case 'c':
		if ((rc = number(on, arg, 1, 100, &v, err, errlen)) == 0)
			o->count = (int)v;
		return rc;
	case 't':
		if ((rc = ms_number(on, arg, 10, 60000, &v, err, errlen)) == 0)
			o->timeout_ms = (int)v;
		return rc;
	case 'r':
		if ((rc = number(on, arg, 0, 10, &v, err, errlen)) == 0)
			o->retries = (int)v;
		return rc;
	case 'I':
		if (sn->iface)
			return fail(err, errlen, "given twice: lanscan uses one interface", on, NULL);
		sn->iface = true;
		if (*arg == '\0' || strlen(arg) >= IF_NAMESIZE || strchr(arg, '/') != NULL)
			return fail(err, errlen, "not an interface name", on, arg);
		o->iface = arg;
		return 0;
	case 'S':
		if (sn->source)
			return fail(err, errlen, "given twice: lanscan sends from one address", on, NULL);
		sn->source = true;
		memset(&o->source, 0, sizeof(o->source));
		if (inet_pton(AF_INET, arg, o->source.b) == 1)
			o->source.family = AF_INET;
		else if (inet_pton(AF_INET6, arg, o->source.b) == 1)
			o->source.family = AF_INET6;
		else
			return fail(err, errlen, "not an IPv4 or IPv6 address", on, arg);
		o->source_text = arg;
		return 0;
	case OPT_METHOD:
		if (ls_cli_methods(arg, &o->methods) != 0)
			return fail(err, errlen, "expected auto, or a list of icmp, arp, nd, tcp, neigh, ping", on, arg);
		return 0;
	case 'p':
		if ((n = ls_cli_ports(arg, o->ports, LS_CLI_MAX_PORTS)) < 0)
			return fail(err, errlen, n == -E2BIG ? "at most 64 ports" :
				    "expected ports 1-65535 and ranges, comma-separated", on, arg);
		o->nports = (size_t)n;
		return 0;
	case OPT_RATE:
		sn->rate = true;
		if ((rc = number(on, arg, 0, 10000000, &v, err, errlen)) == 0)
			o->rate = v;
		return rc;
	case OPT_MIN_TIMEOUT:
	case OPT_MAX_TIMEOUT:
		if ((rc = ms_number(on, arg, 1, 60000, &v, err, errlen)) == 0)
			*(c == OPT_MIN_TIMEOUT ? &o->min_timeout_ms : &o->max_timeout_ms) = (int)v;
		return rc;
	case 'j':
		if ((rc = number(on, arg, 1, LS_MAX_JOBS, &v, err, errlen)) == 0) {
			o->jobs = (int)v;
			o->jobs_set = true;
		}
		return rc;
	case OPT_PING_CMD:
		if (*arg == '\0')
			return fail(err, errlen, "must not be empty", on, NULL);
		o->ping_cmd = arg;
		o->ping_cmd_set = true;
		return 0;
	default:
		return 1;
	}
}

/* The options that say what to print and how to exit. */
static int output_opt(struct ls_options *o, struct seen *sn, int c, const char *on, char *arg,
		      char *err, size_t errlen)
{
	long long v;
	int rc = 0;

	switch (c) {
	case 'a': o->show = LS_SHOW_ALIVE; sn->alive = true; return 0;
	case 'u': o->show = LS_SHOW_UNREACHABLE; sn->unreachable = true; return 0;
	case 'A': case 'e': return 0;	/* fping: addresses and RTTs, which lanscan always prints */
	case 'x':
	case OPT_MAX_DOWN:
		if ((rc = number(on, arg, 0, 4294967295LL, &v, err, errlen)) == 0)
			*(c == 'x' ? &o->min_up : &o->max_down) = v;
		return rc;
	case OPT_FORMAT:
		sn->format = true;
		sn->format_not_json = strcmp(arg, "json") != 0;
		if (strcmp(arg, "text") == 0 || strcmp(arg, "tsv") == 0)
			o->format = LS_FMT_TEXT;
		else if (strcmp(arg, "table") == 0)
			o->format = LS_FMT_TABLE;
		else if (strcmp(arg, "json") == 0)
			o->format = LS_FMT_JSON;
		else if (strcmp(arg, "prom") == 0)
			o->format = LS_FMT_PROM;
		else if (strcmp(arg, "html") == 0)
			o->format = LS_FMT_HTML;
		else
			return fail(err, errlen, "expected table, text, json, prom or html", on, arg);
		return 0;
	case 'o': o->fields_text = arg; return 0;
	case OPT_HEADER: o->header = 1; sn->header_set = true; return 0;
	case OPT_NO_HEADER: o->header = 0; sn->header_set = true; return 0;
	case OPT_COLOR:
		if (arg == NULL || strcmp(arg, "always") == 0)
			o->color = LS_COLOR_ALWAYS;
		else if (strcmp(arg, "auto") == 0)
			o->color = LS_COLOR_AUTO;
		else if (strcmp(arg, "never") == 0)
			o->color = LS_COLOR_NEVER;
		else
			return fail(err, errlen, "expected auto, always or never", on, arg);
		return 0;
	case OPT_SHOW_DOWN: o->show_down = true; return 0;
	case OPT_NO_NAMES: o->no_names = true; return 0;
	case OPT_JSON: o->format = LS_FMT_JSON; sn->json = true; return 0;
	case OPT_STATE:
	case OPT_PROM_FILE:
		if (*arg == '\0')
			return fail(err, errlen, "must not be empty", on, NULL);
		*(c == OPT_STATE ? &o->state_path : &o->prom_file) = arg;
		return 0;
	case OPT_NAGIOS: o->nagios = true; return 0;
	case OPT_WARNING:
	case OPT_CRITICAL:
		if (ls_range_parse(arg, c == OPT_WARNING ? &o->warning : &o->critical) != 0)
			return fail(err, errlen, "expected a Nagios range: N, N:, ~:N, N:M or @N:M", on, arg);
		return 0;
	case OPT_PROGRESS: o->progress = 1; return 0;
	case OPT_NO_PROGRESS: o->progress = 0; return 0;
	case OPT_SORT: o->sort = true; return 0;
	case 'n': case 'd': o->rdns = true; return 0;
	case 'K': o->identify = o->rdns = true; return 0;
	case OPT_LOCK_TIMEOUT:
		if ((rc = number(on, arg, 0, 86400, &v, err, errlen)) == 0)
			o->lock_timeout_ms = (int)v * 1000;
		sn->lock_timeout = true;
		return rc;
	case OPT_NAME_TIMEOUT:
		if ((rc = ms_number(on, arg, 10, 60000, &v, err, errlen)) == 0)
			o->name_timeout_ms = (int)v;
		sn->name_timeout = true;
		o->name_timeout_set = true;
		return rc;
	case 's': o->summary = true; return 0;
	case 'q': o->quiet = true; return 0;
	case OPT_VERBOSE: o->verbose = true; return 0;
	case 'h': o->help = true; return 0;
	case 'V': o->version = true; return 0;
	default: return 1;
	}
}

/* Applies one option. */
static int parse_opt(struct ls_options *o, struct seen *sn, int c, const char *on, char *arg,
		     char *err, size_t errlen)
{
	int rc;

	if ((rc = target_opt(o, sn, c, on, arg, err, errlen)) != 1)
		return rc;
	if ((rc = probe_opt(o, sn, c, on, arg, err, errlen)) != 1)
		return rc;
	if ((rc = output_opt(o, sn, c, on, arg, err, errlen)) != 1)
		return rc;
	return -EINVAL;
}

/* Options that contradict each other, or do nothing with the chosen
 * methods, are usage errors: nothing is ignored silently. */
static int check(const struct ls_options *o, const struct seen *sn, char *err, size_t errlen)
{
	bool only_ping = o->methods == LS_M_PING || (o->methods == 0 && (o->count > 1 || o->ping_cmd_set));
	const char *msg = NULL;

	if (sn->alive && sn->unreachable)
		msg = "-a/--alive and -u/--unreachable cannot be used together";
	else if (sn->v4 && sn->v6)
		msg = "-4/--ipv4 and -6/--ipv6 cannot be used together";
	else if (sn->json && (o->format != LS_FMT_JSON || sn->format_not_json))
		msg = "--json and --format cannot name two formats";
	else if ((o->warning.set || o->critical.set) && !o->nagios)
		msg = "--warning and --critical need --nagios";
	else if (o->nagios && (sn->json || sn->format))
		msg = "--nagios prints its own status line: it takes no --json or --format";
	else if (o->methods != 0 && !(o->methods & LS_M_PING) && o->ping_cmd_set)
		msg = "--ping-cmd needs --method ping or auto";
	else if (o->methods != 0 && !(o->methods & LS_M_PING) && o->count > 1)
		msg = "-c/--count above 1 needs --method ping";
	else if (o->nports > 0 && ((o->methods != 0 && !(o->methods & LS_M_TCP)) || only_ping))
		msg = "-p/--ports needs the tcp method (--method auto or a list with tcp); "
		      "fping's -p (period) has no equivalent";
	else if (sn->rate && only_ping)
		msg = "--rate does not apply to the ping method: use -j/--jobs";
	else if (o->format == LS_FMT_HTML && (o->state_path != NULL || o->quiet || o->list))
		msg = "--format html draws the whole sweep: it takes no --state (changes), -q or --list";
	else if (o->sort && o->state_path != NULL)
		msg = "--sort and --state cannot be used together: --state prints changes as they are found";
	else if (o->sort && (o->format == LS_FMT_PROM || o->nagios))
		msg = "--sort orders lines, which --format prom and --nagios do not print";
	else if ((sn->alive || sn->unreachable) && (o->format == LS_FMT_PROM || o->nagios))
		msg = "-a/-u filter lines, which --format prom and --nagios do not print (they count every host)";
	else if (o->quiet && o->nagios)
		msg = "-q/--quiet would hide --nagios's status line";
	else if (o->fields_text != NULL && (o->format == LS_FMT_PROM || o->nagios || o->quiet))
		msg = "-o/--output picks columns, which --format prom, --nagios and -q do not print";
	else if (o->header >= 0 && sn->header_set &&
		 (o->format == LS_FMT_JSON || o->format == LS_FMT_PROM || o->format == LS_FMT_HTML || o->nagios))
		msg = "--header/--no-header: NDJSON, --format prom or html and --nagios have no header line";
	else if (o->show_down && (sn->alive || sn->unreachable || o->format == LS_FMT_PROM || o->nagios))
		msg = "--show-down lists every host in the table: it takes no -a/-u, --format prom or --nagios";
	else if (o->no_names && o->rdns)
		msg = "--no-names and -n/--names or -K/--identify cannot be used together";
	else if (o->quiet && (sn->alive || sn->unreachable))
		msg = "-a/-u filter lines, which -q/--quiet does not print";
	else if (o->quiet && o->sort)
		msg = "--sort orders lines, which -q/--quiet does not print";
	else if (o->quiet && (sn->json || sn->format) && (!o->summary || o->format == LS_FMT_PROM))
		msg = "-q/--quiet prints no lines for --json/--format to shape "
		      "(with -s, --json makes the summary JSON)";
	else if (o->quiet && o->list)
		msg = "-q/--quiet would hide what --list prints";
	else if (o->quiet && o->progress == 1)
		msg = "-q/--quiet and --progress cannot be used together";
	else if (o->quiet && o->verbose)
		msg = "-q/--quiet and --verbose cannot be used together";
	else if (o->rdns && o->state_path == NULL && o->prom_file == NULL &&
		 (o->quiet || o->nagios || sn->unreachable))
		msg = "-n/--names or -K/--identify: with -q, --nagios or -u no name or kind would be shown "
		      "(they are asked only for hosts that are up)";
	else if (sn->lock_timeout && o->state_path == NULL)
		msg = "--lock-timeout needs --state";
	else if (sn->name_timeout && !o->rdns)
		msg = "--name-timeout needs -n/--names";
	else if (o->source.family != 0 && o->family != 0 && o->source.family != o->family)
		msg = "-S/--source is not of the family -4/-6 asks for";
	else if (o->min_timeout_ms > 0 && o->max_timeout_ms > 0 && o->min_timeout_ms > o->max_timeout_ms)
		msg = "--min-timeout is above --max-timeout";
	else if (o->min_timeout_ms > o->timeout_ms)
		msg = "--min-timeout is above -t/--timeout: no retransmission could wait that long";
	if (msg == NULL)
		return 0;
	snprintf(err, errlen, "%s", msg);
	return -EINVAL;
}

/* -o asks for what its fields show: a name source's field turns names on,
 * a recognition field -K (so that no column is empty by construction). */
static void fields_ask(struct ls_options *o)
{
	static const char *const names[] = { "dns", "mdns", "netbios", "workgroup", "names" };
	static const char *const kinds[] = { "kind", "model", "kind_from", "evidence" };

	for (size_t i = 0; i < o->fields.n; i++) {
		for (size_t k = 0; k < LS_ARRAY_SIZE(names); k++)
			if (strcmp(o->fields.f[i]->name, names[k]) == 0)
				o->rdns = true;
		for (size_t k = 0; k < LS_ARRAY_SIZE(kinds); k++)
			if (strcmp(o->fields.f[i]->name, kinds[k]) == 0)
				o->identify = o->rdns = true;
	}
}

/* fping's -g: the targets are one range, "START END" or a CIDR block. */
static int generate(struct ls_options *o, char **argv, int first, int argc, char *err, size_t errlen)
{
	unsigned char a[16], b[16];
	int fam;
	size_t n;

	if (argc - first == 1) {
		o->targets = argv + first;
		o->ntargets = 1;
		return 0;
	}
	fam = argc - first == 2 && inet_pton(AF_INET, argv[first], a) == 1 ? AF_INET :
	      argc - first == 2 && inet_pton(AF_INET6, argv[first], a) == 1 ? AF_INET6 : 0;
	if (fam == 0 || inet_pton(fam, argv[first + 1], b) != 1) {
		snprintf(err, errlen, "-g takes one range (10.0.0.0/24) or a start and an end address");
		return -EINVAL;
	}
	n = strlen(argv[first]) + strlen(argv[first + 1]) + 2;
	if ((o->generated = malloc(n)) == NULL)
		return -ENOMEM;
	snprintf(o->generated, n, "%s-%s", argv[first], argv[first + 1]);
	o->targets = &o->generated;
	o->ntargets = 1;
	return 0;
}

/* An unknown option or a missing value: the message, with a hint for fping's letters. */
static int bad_option(int c, char **argv, char *err, size_t errlen)
{
	const char *arg = argv[optind - 1], *hint = NULL;
	bool is_short = strncmp(arg, "--", 2) != 0 && optopt > 0 && optopt < 256;

	if (c == ':' && is_short)
		snprintf(err, errlen, "option '-%c' needs a value", optopt);
	else if (c == ':')
		snprintf(err, errlen, "option '%s' needs a value", arg);
	else if (is_short && (hint = ls__cli_fping_hint(optopt)) != NULL)
		snprintf(err, errlen, "unknown option '-%c': %s", optopt, hint);
	else if (is_short)
		snprintf(err, errlen, "unknown option '-%c'", optopt);
	else
		snprintf(err, errlen, "unknown option '%s'", arg);
	return -EINVAL;
}

int ls_cli_parse(int argc, char **argv, struct ls_options *o, char *err, size_t errlen)
{
	struct seen sn;
	int c, rc = 0;
	char name[48];

	memset(o, 0, sizeof(*o));
	memset(&sn, 0, sizeof(sn));
	o->jobs = LS_DEFAULT_JOBS;
	o->count = 1;
	o->timeout_ms = LS_DEFAULT_TIMEOUT_MS;
	o->min_up = -1;
	o->max_down = -1;
	o->progress = -1;
	o->header = -1;
	o->ping_cmd = "ping";
	o->retries = -1;
	o->rate = LS_DEFAULT_RATE;
	o->name_timeout_ms = LS_DEFAULT_NAME_TIMEOUT_MS;
	o->lock_timeout_ms = LS_DEFAULT_LOCK_TIMEOUT_MS;
	o->min_timeout_ms = o->max_timeout_ms = -1;
	opterr = 0;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		if (c == ':' || c == '?')
			rc = bad_option(c, argv, err, errlen);
		else
			rc = parse_opt(o, &sn, c, optname(c, name, sizeof(name)), optarg, err, errlen);
	}
	if (rc == 0)
		rc = check(o, &sn, err, errlen);
	if (rc == 0 && o->fields_text != NULL)
		rc = ls_fields_parse(&o->fields, o->fields_text, o->format == LS_FMT_JSON, err, errlen);
	if (rc == 0 && o->fields_text != NULL)
		fields_ask(o);
	if (rc == 0 && sn.generate)
		rc = generate(o, argv, optind, argc, err, errlen);
	else if (rc == 0) {
		o->targets = argv + optind;
		o->ntargets = (size_t)(argc - optind);
	}
	if (rc != 0)
		ls_cli_free(o);
	return rc;
}

void ls_cli_free(struct ls_options *o)
{
	free(o->files);
	free(o->generated);
	o->generated = NULL;
	free(o->excludes);
	free(o->exclude_files);
	o->files = o->excludes = o->exclude_files = NULL;
	o->nfiles = o->nexcludes = o->nexclude_files = 0;
}
