/* cli.h -- the command line: options parsed into a struct, usage text, limits. */
#ifndef LANSCAN_CLI_H
#define LANSCAN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lanscan/nagios.h"
#include "lanscan/fields.h"
#include "lanscan/output.h"
#include "lanscan/table.h"
#include "lanscan/target.h"

#define LS_DEFAULT_JOBS 256
#define LS_MAX_JOBS 65535
#define LS_DEFAULT_TIMEOUT_MS 1000
#define LS_SWEEP_LIMIT 65536	/* larger sweeps need --force */
#define LS_LOCAL_PREFIX_MIN 22	/* the no-target default caps each subnet at /22 */
#define LS_DEFAULT_RATE 10000	/* icmp: packets a second */
#define LS_DEFAULT_MIN_TIMEOUT_MS 50
#define LS_DEFAULT_RETRIES 2	/* packet methods: sends again within a target's wait */
#define LS_ICMP_WINDOW 8192	/* icmp: probes at once unless -j */
#define LS_DEFAULT_NAME_TIMEOUT_MS 1000	/* -n: a host's names, at most this after it is up */
#define LS_DEFAULT_IDENT_TIMEOUT_MS 1200	/* -K: SSDP answers come up to MX (1 s) late */
#define LS_DEFAULT_LOCK_TIMEOUT_MS 60000	/* --state: another sweep's lock, waited for at most this */

#define LS_CLI_MAX_PORTS 64

struct ls_options {
	int jobs;
	bool jobs_set;
	int count;
	int timeout_ms;
	int retries;
	int name_timeout_ms;	/* --name-timeout */
	int lock_timeout_ms;	/* --lock-timeout */
	unsigned methods;	/* LS_M_* bits (method.h); 0: auto */
	uint16_t ports[LS_CLI_MAX_PORTS];	/* -p: TCP ports, in order; nports 0: the default */
	size_t nports;
	long long rate;
	int min_timeout_ms;	/* -1: the default */
	int max_timeout_ms;	/* -1: the default (--timeout) */
	int family;		/* 0, AF_INET or AF_INET6 */
	long long min_up;	/* -1: not given */
	long long max_down;	/* -1: not given */
	const char *state_path;	/* --state FILE */
	const char *prom_file;	/* --prom-file FILE */
	bool nagios;
	struct ls_range warning, critical;	/* --warning/--critical: on the hosts up */
	int progress;		/* -1: when stderr is a terminal and stdout is not; 0 off; 1 on */
	bool list, force, sort, rdns, summary, quiet, resolve_all, verbose;
	bool help, version;
	enum ls_format format;	/* LS_FMT_AUTO: the table on a terminal, else text */
	enum ls_show show;
	struct ls_fieldset fields;	/* -o: n 0 for the format's default */
	const char *fields_text;	/* -o as given */
	int header;		/* --header 1, --no-header 0, -1: the format's default */
	enum ls_color color;	/* --color */
	bool show_down;		/* --show-down: the table lists down hosts too */
	bool no_names;		/* --no-names: not even on a terminal (nor --identify) */
	bool identify;		/* -K/--identify: kind and model (names too) */
	bool name_timeout_set;
	const char *ping_cmd;
	bool ping_cmd_set;
	const char *iface;		/* -I: the one interface to use, or NULL */
	struct ls_addr source;		/* -S: the source address (family 0: the route's) */
	const char *source_text;
	const char **files;		/* -f FILE, in order */
	size_t nfiles;
	const char **excludes;		/* --exclude LIST */
	size_t nexcludes;
	const char **exclude_files;	/* --exclude-file FILE */
	size_t nexclude_files;
	char **targets;			/* operands (point into argv, or at generated) */
	char *generated;		/* -g START END: "START-END", malloc'd */
	size_t ntargets;
};

/* Parses argv into o (defaults first).  Returns 0, or -EINVAL with a one-line
 * message naming the option and the text in err; -ENOMEM. */
int ls_cli_parse(int argc, char **argv, struct ls_options *o, char *err, size_t errlen);

void ls_cli_free(struct ls_options *o);

/* --method LIST: "auto", or names from icmp, arp, nd, tcp, neigh, ping,
 * comma-separated, into LS_M_* bits (0 for auto).  Returns 0 or -EINVAL. */
int ls_cli_methods(const char *s, unsigned *out);

/* -p LIST: ports and ranges ("22,80,443-445"), 1-65535, duplicates dropped,
 * order kept, at most max.  Returns how many, or -EINVAL / -E2BIG. */
int ls_cli_ports(const char *s, uint16_t *ports, size_t max);

void ls_cli_usage(FILE *f);

#endif
