/* cli_help.c -- what lanscan says about its options: --help, and a hint for each fping letter it does not take. */
#include <stdio.h>

#include "lanscan/cli.h"

#include "cli_internal.h"

void ls_cli_usage(FILE *f)
{
	fputs(
"Usage: lanscan [OPTION]... [TARGET]...\n"
"Sweep hosts in parallel; print one line per host as soon as its answer is known.\n"
"\n"
"Targets: 192.168.0.1  192.168.0.1-40  10.0-3.1,5,10-20  10.0.0.250-10.0.1.5\n"
"         10.0.0.0/24  fd00::1  fd00::/120  fd00::1-20  fe80::10%lan0  host.name\n"
"         10.0.0.8,10.0.0.12 (a comma list of any of these)\n"
"An on-link IPv6 prefix too large to sweep (fd00::/64): its neighbours, found.\n"
"With no target, sweep the IPv4 subnets of the up interfaces (each at most /22)\n"
"and their IPv6 neighbours (an echo to ff02::1, and the neighbour table).\n"
"\n"
"Targets:\n"
"  -f, --file=FILE         read targets from FILE ('-': standard input)\n"
"  -g, --generate          fping style: TARGET is a range, or START END\n"
"      --exclude=LIST      skip these addresses/ranges (comma-separated)\n"
"      --exclude-file=FILE skip the addresses/ranges listed in FILE\n"
"  -4, --ipv4              IPv4 only (names resolve to IPv4)\n"
"  -6, --ipv6              IPv6 only (names resolve to IPv6)\n"
"  -m, --resolve-all       probe every address of a name, not just the first\n"
"      --list              print the targets, send nothing\n"
"      --force             allow sweeps of more than 65536 addresses\n"
"Probing:\n"
"      --method=LIST       auto (default: every method that works here), or\n"
"                          some of icmp,arp,nd,tcp,neigh,ping (raced)\n"
"  -p, --ports=LIST        tcp: ports to probe (default 22,80,443,445)\n"
"  -c, --count=N           echo requests per host (1-100, default 1; ping)\n"
"  -t, --timeout=MS        how long a host may take to answer, from its first\n"
"                          probe (10-60000, default 1000); ping: per request\n"
"                          (every MS may carry a unit: 500ms, 5s)\n"
"      --min-timeout=MS    least retransmission timeout (default 50)\n"
"      --max-timeout=MS    most retransmission timeout (default -t)\n"
"      --rate=PPS          packets a second over all methods (0 unlimited,\n"
"                          default 10000)\n"
"  -r, --retries=N         send again to a silent host up to N times within\n"
"                          its wait (0-10; default 2, ping 0)\n"
"  -j, --jobs=N            hosts at once (1-65535; default: enough for\n"
"                          --rate; 256 with ping)\n"
"      --ping-cmd=PATH     the ping program to run (default: ping)\n"
"  -I, --interface=IFACE   use only IFACE: targets are reached through it (on\n"
"                          its link when no route uses it), and with no\n"
"                          target only its subnets are swept\n"
"  -S, --source=ADDR       send from ADDR (an address of this machine) to\n"
"                          targets of its family\n"
"Output:\n"
"  -a, --alive             print only hosts that are up\n"
"  -u, --unreachable       print only hosts that are down or unknown\n"
"      --json              NDJSON, one object per host (--format json)\n"
"      --format=F          table (default on a terminal), text (tab-separated,\n"
"                          the default elsewhere; also tsv), json, prom, or\n"
"                          html (one page at the end: a sortable table of\n"
"                          hosts, a map of each /24)\n"
"  -o, --output=LIST       the fields to print, in order (+LIST: added to the\n"
"                          default); see FIELDS below\n"
"      --header, --no-header  a header line first (default: the table only)\n"
"      --color[=WHEN]      colour the state: auto (default; not when NO_COLOR\n"
"                          is set), always or never\n"
"      --show-down         the table lists down hosts too (it counts them)\n"
"      --prom-file=FILE    also write Prometheus metrics to FILE, atomically\n"
"      --state=FILE        print only what changed since the sweep in FILE\n"
"      --lock-timeout=S    --state: wait at most S seconds for another sweep's\n"
"                          lock on FILE (0-86400, default 60), then exit 4\n"
"      --sort              print in address order at the end\n"
"  -n, -d, --names         name the hosts that are up: DNS (PTR), mDNS and\n"
"                          NetBIOS, asked at once (also --rdns; the default\n"
"                          for the table on a terminal)\n"
"  -K, --identify          say what each device is (kind, model) from what it\n"
"                          tells: mDNS/DNS-SD, SSDP/UPnP, NetBIOS, TTL, ports,\n"
"                          vendor; names too (the default on a terminal)\n"
"      --no-names          no names and no --identify, even on a terminal\n"
"      --name-timeout=MS   how long a host's line may wait for its names once\n"
"                          it is up (10-60000, default 1000; 1200 with -K)\n"
"  -s, --summary           print a summary on standard error\n"
"  -q, --quiet             print nothing; only the exit status (with -s, the\n"
"                          summary still, as fping -q -s)\n"
"  -A, -e                  accepted for fping: addresses and RTTs are printed\n"
"  -x, --min-up=N          succeed when at least N hosts are up\n"
"      --max-down=N        succeed when at most N hosts are down or unknown\n"
"      --nagios            one Nagios plugin status line; exit 0/1/2/3\n"
"      --warning=RANGE     --nagios: WARNING when the hosts up are outside RANGE\n"
"      --critical=RANGE    --nagios: CRITICAL likewise (N, N:, ~:N, N:M, @N:M)\n"
"      --progress          show progress on standard error (default: when it\n"
"                          is a terminal)\n"
"      --no-progress       never show progress\n"
"      --verbose           say more on standard error\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"Output columns (tab-separated): address, state (up/down/unknown), RTT in ms\n"
"or -, name or -, the method that answered (icmp, arp, nd, tcp/PORT, neigh,\n"
"ping) or -, MAC or -, vendor or -.\n"
"FIELDS (-o): address target state rtt name via mac vendor dns mdns netbios\n"
"workgroup kind model kind_from sent received loss rtt_min rtt_max error, and\n"
"names and evidence (NDJSON only).\n"
"Exit status: 0 all up (or --min-up reached), 1 some down, 2 some target\n"
"could not be resolved, 3 usage error, 4 system error, 128+N stopped by\n"
"signal N.\n", f);
}

/* fping's letters that lanscan does not take, and what to use instead
 * (fping 5.1).  Letters whose meaning agrees are parsed as options. */
const char *ls__cli_fping_hint(int c)
{
	switch (c) {
	case 'b': return "fping's -b (payload size) has no equivalent: lanscan's probes carry a fixed payload";
	case 'B': return "fping's -B (backoff) has no equivalent: lanscan adapts its retransmission "
			 "timeout per subnet (--min-timeout, --max-timeout)";
	case 'C': return "fping's -C: use -c N (the ping method) with --json";
	case 'D': return "fping's -D (timestamps) has no equivalent: lines are printed as answers come";
	case 'H': return "fping's -H (TTL) has no equivalent";
	case 'i': return "fping's -i (interval): use --rate PACKETS-A-SECOND";
	case 'k': return "fping's -k (fwmark) has no equivalent";
	case 'l': return "fping's -l (loop): run lanscan from watch(1) or cron, with --state";
	case 'M': case 'O': return "fping's -M/-O (IP header options) have no equivalent";
	case 'N': return "fping's -N (netdata): use --format prom";
	case 'Q': return "fping's -Q (interval summaries): use -s/--summary";
	case 'R': return "fping's -R (random payload) has no equivalent";
	case 'T': return "fping's -T is ignored by fping itself; drop it";
	case 'v': return "-v is not verbose here (fping's -v is the version): use --verbose, or -V/--version";
	case 'X': return "fping's -X: use -x/--min-up N";
	default: return NULL;
	}
}
