/* app.h -- the program's state and its phases: targets (app_targets.c), the sweep (app_sweep.c); main.c runs them. */
#ifndef LANSCAN_APP_H
#define LANSCAN_APP_H

#include <stdbool.h>
#include <uv.h>

#include "lanscan/cli.h"
#include "lanscan/identify.h"
#include "lanscan/linkwatch.h"
#include "lanscan/names.h"
#include "lanscan/oui.h"
#include "lanscan/pipeline.h"
#include "lanscan/plan.h"
#include "lanscan/privs.h"
#include "lanscan/report.h"
#include "lanscan/target.h"

/* Exit statuses (main.c decides; see lanscan(1)). */
enum {
	EXIT_UP = 0, EXIT_DOWN = 1, EXIT_NOTFOUND = 2, EXIT_USAGE = 3, EXIT_SYSERR = 4,
	EXIT_PIPE = 141
};

#define FDS_PER_JOB 3		/* two pipes to the child, one spare while spawning */
#define FDS_RESERVED 32

struct ls_app {
	struct ls_options opt;
	struct ls_targets targets, exclude;
	struct ls_report rep;
	bool rep_open;
	struct ls_pipeline pl;
	struct ls_plan plan;
	bool plan_open;
	uv_loop_t loop;
	uv_signal_t sig[4];	/* INT, TERM, HUP, QUIT: each stops the sweep */
	struct ls_privs privs;
	struct ls_oui *oui;	/* MAC vendors, read on first use */
	uv_poll_t stdout_watch;	/* stdout is a pipe: notice its reader leaving */
	bool watching_stdout;
	int stdout_watch_fd;	/* its own description of the pipe (app_sweep.c) */
	int signum;		/* the signal that stopped the sweep, or 0 */
	int ifindex;		/* -I's interface, 0 when none */
	struct ls_linkwatch linkwatch;	/* our links, watched during the sweep */
	struct ls_names names;	/* -n: the name sources */
	bool names_open;
	struct ls_identify identify;	/* -K: the evidence sources */
	bool identify_open;
	bool nagios_printed;	/* --nagios: the status line is out */
	double started_ms;
	char **env;
};

/* A message on stderr ("lanscan: ..."), erasing progress first; none with -q. */
void ls_app_warn(struct ls_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* -I names an interface, -S one of this machine's addresses.  0 or an exit status. */
int ls_app_check_link(struct ls_app *app);
/* Targets from the operands, -f files, exclusions, or the no-target default.  0 or an exit status. */
int ls_app_load_targets(struct ls_app *app);
/* --list: prints the expanded targets, sends nothing.  Returns the exit status. */
int ls_app_list_targets(struct ls_app *app);
/* More than LS_SWEEP_LIMIT distinct targets (without --force)? */
bool ls_app_too_many(const struct ls_app *app);
/* Before the loop: too few open files or too little address space for a
 * sweep (a clear error, not libuv's abort); SIGXFSZ ignored.  0 or an exit
 * status (app_limits.c). */
int ls_app_check_limits(struct ls_app *app);
/* Threads for libuv's pool (getaddrinfo) that the address space and the
 * process limit leave room for: 1..32. */
unsigned ls_app_pool_size(const struct ls_app *app);
/* The sweep: methods, names, the loop, the reports.  Returns the exit status. */
int ls_app_sweep(struct ls_app *app);

#endif
