/* cli.c -- parse the command line with getopt_long into struct ls_options. */
#include "lanscan/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/method.h"
#include "lanscan/util.h"

enum {
	OPT_RETRIES = 256, OPT_EXCLUDE, OPT_EXCLUDE_FILE, OPT_LIST, OPT_FORCE, OPT_JSON,
	OPT_SORT, OPT_MIN_UP, OPT_PING_CMD, OPT_RESOLVE_ALL, OPT_METHOD, OPT_RATE,
	OPT_MIN_TIMEOUT, OPT_MAX_TIMEOUT, OPT_STATE, OPT_FORMAT, OPT_PROM_FILE, OPT_MAX_DOWN,
	OPT_NAGIOS, OPT_PROGRESS, OPT_NO_PROGRESS
};

static const struct option longopts[] = {
	{ "alive", no_argument, NULL, 'a' },
	{ "unreachable", no_argument, NULL, 'u' },
	{ "count", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "jobs", required_argument, NULL, 'j' },
	{ "file", required_argument, NULL, 'f' },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "exclude-file", required_argument, NULL, OPT_EXCLUDE_FILE },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "resolve-all", no_argument, NULL, OPT_RESOLVE_ALL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sort", no_argument, NULL, OPT_SORT },
	{ "rdns", no_argument, NULL, 'r' },
	{ "summary", no_argument, NULL, 's' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "min-up", required_argument, NULL, OPT_MIN_UP },
	{ "max-down", required_argument, NULL, OPT_MAX_DOWN },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "prom-file", required_argument, NULL, OPT_PROM_FILE },
	{ "nagios", no_argument, NULL, OPT_NAGIOS },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "ping-cmd", required_argument, NULL, OPT_PING_CMD },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "ports", required_argument, NULL, 'p' },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "min-timeout", required_argument, NULL, OPT_MIN_TIMEOUT },
	{ "max-timeout", required_argument, NULL, OPT_MAX_TIMEOUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

void ls_cli_usage(FILE *f)
{
	fputs(
"Usage: lanscan [OPTION]... [TARGET]...\n"
"Sweep hosts in parallel and print one line per host as soon as its answer is known.\n"
"\n"
"Targets: 192.168.0.1  192.168.0.1-40  10.0-3.1,5,10-20  10.0.0.250-10.0.1.5\n"
"         10.0.0.0/24  fd00::1  fd00::/120  fd00::1-fd00::20  host.example\n"
"With no target, sweep the IPv4 subnets of the up interfaces (each at most /22).\n"
"\n"
"Targets:\n"
"  -f, --file=FILE         read targets from FILE ('-': standard input)\n"
"      --exclude=LIST      skip these addresses/ranges (comma-separated)\n"
"      --exclude-file=FILE skip the addresses/ranges listed in FILE\n"
"  -4, --ipv4              IPv4 only (names resolve to IPv4)\n"
"  -6, --ipv6              IPv6 only (names resolve to IPv6)\n"
"      --resolve-all       probe every address of a name, not just the first\n"
"      --list              print the targets, send nothing\n"
"      --force             allow sweeps of more than 65536 addresses\n"
"Probing:\n"
"      --method=LIST       auto (default: every method that works here), or some of\n"
"                          icmp,arp,nd,tcp,neigh,ping (raced; first answer wins)\n"
"  -p, --ports=LIST        tcp: ports to connect to (default 22,80,443,445)\n"
"  -c, --count=N           echo requests per host (1-100, default 1; ping method)\n"
"  -t, --timeout=MS        how long a host may take to answer, from its first\n"
"                          probe (10-60000, default 1000); ping: per request\n"
"      --min-timeout=MS    lower bound of the retransmission timeout (default 50)\n"
"      --max-timeout=MS    upper bound of the retransmission timeout (default -t)\n"
"      --rate=PPS          packets a second over all methods (0 unlimited,\n"
"                          default 10000)\n"
"      --retries=N         send again to a silent host up to N times within its\n"
"                          wait (0-10; default 2, ping 0)\n"
"  -j, --jobs=N            hosts at once (1-65535; default: enough for --rate;\n"
"                          256 with ping)\n"
"      --ping-cmd=PATH     the ping program to run (default: ping)\n"
"Output:\n"
"  -a, --alive             print only hosts that are up\n"
"  -u, --unreachable       print only hosts that are down or unknown\n"
"      --json              NDJSON, one object per host (same as --format json)\n"
"      --format=F          text (default), json, or prom (Prometheus, at the end)\n"
"      --prom-file=FILE    also write Prometheus metrics to FILE, atomically\n"
"      --state=FILE        print only what changed since the sweep saved in FILE\n"
"      --sort              print in address order at the end\n"
"  -r, --rdns              add reverse DNS names of hosts that are up\n"
"  -s, --summary           print a summary on standard error\n"
"  -q, --quiet             print nothing; only the exit status\n"
"      --min-up=N          succeed when at least N hosts are up\n"
"      --max-down=N        succeed when at most N hosts are down or unknown\n"
"      --nagios            one Nagios plugin status line; exit 0/1/2/3\n"
"      --progress          show progress on standard error (default: when it is\n"
"                          a terminal and standard output is not)\n"
"      --no-progress       never show progress\n"
"  -v, --verbose           say more on standard error\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"Output columns (tab-separated): address, state (up/down/unknown), RTT in ms or -,\n"
"name or -, the method that answered (icmp, arp, nd, tcp/PORT, neigh, ping) or -.\n"
"Exit status: 0 all up (or --min-up reached), 1 some down, 2 some target could not\n"
"be resolved, 3 usage error, 4 system error, 130/143 interrupted.\n", f);
}

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

int ls_cli_methods(const char *s, unsigned *out)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "icmp", LS_M_ICMP }, { "arp", LS_M_ARP }, { "nd", LS_M_ND },
		{ "tcp", LS_M_TCP }, { "neigh", LS_M_NEIGH }, { "ping", LS_M_PING },
	};
	const char *p = s, *end;
	size_t i, n;
	unsigned bits = 0;

	if (strcmp(s, "auto") == 0) {
		*out = 0;
		return 0;
	}
	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < LS_ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == n && strncmp(p, names[i].name, n) == 0)
				break;
		if (i == LS_ARRAY_SIZE(names))
			return -EINVAL;
		bits |= names[i].bit;
		if (end == NULL)
			break;
		p = end + 1;
	}
	*out = bits;
	return 0;
}

/* Parses a port number of exactly the digits at p..p+n. */
static long port_at(const char *p, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v >= 1 && v <= 65535 ? v : -1;
}

int ls_cli_ports(const char *s, uint16_t *ports, size_t max)
{
	const char *p = s, *end, *dash;
	size_t n = 0, k, len;
	long lo, hi, v;

	for (;;) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		dash = memchr(p, '-', len);
		lo = port_at(p, dash != NULL ? (size_t)(dash - p) : len);
		hi = dash != NULL ? port_at(dash + 1, len - (size_t)(dash + 1 - p)) : lo;
		if (lo < 0 || hi < 0 || hi < lo)
			return -EINVAL;
		for (v = lo; v <= hi; v++) {
			for (k = 0; k < n && ports[k] != v; k++)
				;
			if (k < n)
				continue;	/* a duplicate */
			if (n == max)
				return -E2BIG;
			ports[n++] = (uint16_t)v;
		}
		if (end == NULL)
			return (int)n;
		p = end + 1;
	}
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

int ls_cli_parse(int argc, char **argv, struct ls_options *o, char *err, size_t errlen)
{
	long long v;
	int c, rc = 0;
	char name[48];

	memset(o, 0, sizeof(*o));
	o->jobs = LS_DEFAULT_JOBS;
	o->count = 1;
	o->timeout_ms = LS_DEFAULT_TIMEOUT_MS;
	o->min_up = -1;
	o->max_down = -1;
	o->progress = -1;
	o->ping_cmd = "ping";
	o->retries = -1;
	o->rate = LS_DEFAULT_RATE;
	o->min_timeout_ms = o->max_timeout_ms = -1;
	opterr = 0;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, ":46ac:f:hj:p:qrst:uvV", longopts, NULL)) != -1) {
		const char *on = optname(c, name, sizeof(name));
		switch (c) {
		case '4': o->family = AF_INET; break;
		case '6': o->family = AF_INET6; break;
		case 'a': o->show = LS_SHOW_ALIVE; break;
		case 'u': o->show = LS_SHOW_UNREACHABLE; break;
		case 'c':
			if ((rc = number(on, optarg, 1, 100, &v, err, errlen)) == 0)
				o->count = (int)v;
			break;
		case 't':
			if ((rc = number(on, optarg, 10, 60000, &v, err, errlen)) == 0)
				o->timeout_ms = (int)v;
			break;
		case OPT_RETRIES:
			if ((rc = number(on, optarg, 0, 10, &v, err, errlen)) == 0)
				o->retries = (int)v;
			break;
		case OPT_METHOD:
			if (ls_cli_methods(optarg, &o->methods) != 0)
				rc = fail(err, errlen, "expected auto, or a list of icmp, arp, nd, tcp, neigh, ping",
					  on, optarg);
			break;
		case 'p': {
			int n = ls_cli_ports(optarg, o->ports, LS_CLI_MAX_PORTS);
			if (n < 0)
				rc = fail(err, errlen, n == -E2BIG ? "at most 64 ports" :
					  "expected ports 1-65535 and ranges, comma-separated", on, optarg);
			else
				o->nports = (size_t)n;
			break;
		}
		case OPT_RATE:
			if ((rc = number(on, optarg, 0, 10000000, &v, err, errlen)) == 0)
				o->rate = v;
			break;
		case OPT_MIN_TIMEOUT:
			if ((rc = number(on, optarg, 1, 60000, &v, err, errlen)) == 0)
				o->min_timeout_ms = (int)v;
			break;
		case OPT_MAX_TIMEOUT:
			if ((rc = number(on, optarg, 1, 60000, &v, err, errlen)) == 0)
				o->max_timeout_ms = (int)v;
			break;
		case 'j':
			if ((rc = number(on, optarg, 1, LS_MAX_JOBS, &v, err, errlen)) == 0) {
				o->jobs = (int)v;
				o->jobs_set = true;
			}
			break;
		case OPT_MIN_UP:
			if ((rc = number(on, optarg, 0, 1LL << 32, &v, err, errlen)) == 0)
				o->min_up = v;
			break;
		case OPT_MAX_DOWN:
			if ((rc = number(on, optarg, 0, 1LL << 32, &v, err, errlen)) == 0)
				o->max_down = v;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				o->format = LS_FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = LS_FMT_JSON;
			else if (strcmp(optarg, "prom") == 0)
				o->format = LS_FMT_PROM;
			else
				rc = fail(err, errlen, "expected text, json or prom", on, optarg);
			break;
		case OPT_STATE:
		case OPT_PROM_FILE:
			if (*optarg == '\0')
				rc = fail(err, errlen, "must not be empty", on, NULL);
			*(c == OPT_STATE ? &o->state_path : &o->prom_file) = optarg;
			break;
		case OPT_NAGIOS: o->nagios = true; break;
		case OPT_PROGRESS: o->progress = 1; break;
		case OPT_NO_PROGRESS: o->progress = 0; break;
		case 'f': rc = push(&o->files, &o->nfiles, optarg); break;
		case OPT_EXCLUDE: rc = push(&o->excludes, &o->nexcludes, optarg); break;
		case OPT_EXCLUDE_FILE: rc = push(&o->exclude_files, &o->nexclude_files, optarg); break;
		case OPT_PING_CMD:
			if (*optarg == '\0')
				rc = fail(err, errlen, "must not be empty", on, NULL);
			o->ping_cmd = optarg;
			o->ping_cmd_set = true;
			break;
		case OPT_LIST: o->list = true; break;
		case OPT_FORCE: o->force = true; break;
		case OPT_RESOLVE_ALL: o->resolve_all = true; break;
		case OPT_JSON: o->format = LS_FMT_JSON; break;
		case OPT_SORT: o->sort = true; break;
		case 'r': o->rdns = true; break;
		case 's': o->summary = true; break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose = true; break;
		case 'h': o->help = true; break;
		case 'V': o->version = true; break;
		case ':':
			if (strncmp(argv[optind - 1], "--", 2) != 0 && optopt > 0 && optopt < 256)
				snprintf(err, errlen, "option '-%c' needs a value", optopt);
			else
				snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			rc = -EINVAL;
			break;
		case '?':
		default:
			if (strncmp(argv[optind - 1], "--", 2) != 0 && optopt > 0 && optopt < 256)
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			rc = -EINVAL;
			break;
		}
	}
	if (rc != 0) {
		ls_cli_free(o);
		return rc;
	}
	if (o->methods != 0 && !(o->methods & LS_M_PING) && o->ping_cmd_set) {
		ls_cli_free(o);
		snprintf(err, errlen, "--ping-cmd needs --method ping or auto");
		return -EINVAL;
	}
	if (o->methods != 0 && !(o->methods & LS_M_PING) && o->count > 1) {
		ls_cli_free(o);
		snprintf(err, errlen, "-c/--count above 1 needs --method ping");
		return -EINVAL;
	}
	if (o->nports > 0 && o->methods != 0 && !(o->methods & LS_M_TCP)) {
		ls_cli_free(o);
		snprintf(err, errlen, "-p/--ports needs the tcp method (--method auto or a list with tcp)");
		return -EINVAL;
	}
	if (o->min_timeout_ms > 0 && o->max_timeout_ms > 0 && o->min_timeout_ms > o->max_timeout_ms) {
		ls_cli_free(o);
		snprintf(err, errlen, "--min-timeout is above --max-timeout");
		return -EINVAL;
	}
	o->targets = argv + optind;
	o->ntargets = (size_t)(argc - optind);
	return 0;
}

void ls_cli_free(struct ls_options *o)
{
	free(o->files);
	free(o->excludes);
	free(o->exclude_files);
	o->files = o->excludes = o->exclude_files = NULL;
	o->nfiles = o->nexcludes = o->nexclude_files = 0;
}
