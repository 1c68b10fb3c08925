/* app_sweep.c -- one sweep: methods opened before privileges drop, the loop, signals, names, reports and the exit status. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lanscan/cli.h"
#include "lanscan/ifaces.h"
#include "lanscan/names.h"
#include "lanscan/oui.h"
#include "lanscan/output.h"
#include "lanscan/pipeline.h"
#include "lanscan/plan.h"
#include "lanscan/privs.h"
#include "lanscan/report.h"
#include "lanscan/target.h"
#include "lanscan/util.h"

#include "app.h"

void ls_app_warn(struct ls_app *app, const char *fmt, ...)
{
	va_list ap;

	if (app->opt.quiet)
		return;
	ls_progress_clear(&app->rep.progress);
	va_start(ap, fmt);
	ls_vmsg(fmt, ap);
	va_end(ap);
}

/* Raises the open-file limit to its maximum and lowers -j to fit in it. */
static void fit_jobs(struct ls_app *app)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	room = rl.rlim_cur > FDS_RESERVED + FDS_PER_JOB ? (rl.rlim_cur - FDS_RESERVED) / FDS_PER_JOB : 1;
	if ((rlim_t)app->opt.jobs > room) {
		ls_app_warn(app, "-j %d lowered to %llu to fit the open file limit (%llu)", app->opt.jobs,
		     (unsigned long long)room, (unsigned long long)rl.rlim_cur);
		app->opt.jobs = (int)room;
	}
}

/* The children's environment: ours, with the C locale so ping's output parses. */
static char **child_env(void)
{
	extern char **environ;
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (env == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "LC_", 3) != 0 && strncmp(environ[i], "LANG", 4) != 0)
			env[k++] = environ[i];
	env[k++] = "LC_ALL=C";
	env[k] = NULL;
	return env;
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct ls_app *app = h->data;

	if (app->signum == 0)
		app->signum = signum;
	ls_pipeline_stop(&app->pl);
}

/* The write end of a pipe reports an error as soon as its reader is gone:
 * stop then, rather than at the next result, which may be a timeout away. */
static void on_stdout_event(uv_poll_t *h, int status, int events)
{
	struct ls_app *app = ls_container_of(h, struct ls_app, stdout_watch);

	(void)events;
	if (status < 0) {
		uv_poll_stop(h);
		if (app->pl.out_err == 0)
			app->pl.out_err = -EPIPE;
		ls_pipeline_stop(&app->pl);
	}
}

static void on_stdout_watch_closed(uv_handle_t *h)
{
	struct ls_app *app = ls_container_of((uv_poll_t *)h, struct ls_app, stdout_watch);

	close(app->stdout_watch_fd);
	app->stdout_watch_fd = -1;
}

static void watch_stdout(struct ls_app *app)
{
	struct stat st;
	int fd;

	if (fstat(STDOUT_FILENO, &st) != 0 || !S_ISFIFO(st.st_mode))
		return;
	/* uv_poll makes its descriptor non-blocking, and the flag belongs to
	 * the open file description, which the whole shell pipeline shares:
	 * a slow reader would then fail our writes with EAGAIN, and the next
	 * writer's after we exit.  Watch a description of our own for the
	 * same pipe instead (opened through /proc: a new description), and
	 * write to stdout as it is, blocking: output waits for the reader. */
	fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (uv_poll_init(&app->loop, &app->stdout_watch, fd) != 0) {
		close(fd);
		return;
	}
	app->stdout_watch_fd = fd;
	app->watching_stdout = true;
	if (uv_poll_start(&app->stdout_watch, UV_DISCONNECT, on_stdout_event) != 0)
		uv_poll_stop(&app->stdout_watch);
}

static int on_result(struct ls_pipeline *pl, const struct ls_result *r)
{
	struct ls_app *app = ls_container_of(pl, struct ls_app, pl);

	return ls_report_result(&app->rep, r);
}

static void close_signals(struct ls_app *app)
{
	size_t i;

	for (i = 0; i < LS_ARRAY_SIZE(app->sig); i++)
		uv_close((uv_handle_t *)&app->sig[i], NULL);
	ls_linkwatch_close(&app->linkwatch);	/* closed with the signals, on every path */
}

static void on_link_broke(void *arg, const char *msg)
{
	ls_app_warn(arg, "%s", msg);
}

static void on_done(struct ls_pipeline *pl)
{
	struct ls_app *app = ls_container_of(pl, struct ls_app, pl);

	ls_report_stop(&app->rep);
	if (app->names_open)
		ls_names_close(&app->names);
	if (app->identify_open)
		ls_identify_close(&app->identify);
	ls_plan_close(&app->plan);
	app->plan_open = false;
	close_signals(app);
	if (app->watching_stdout)
		uv_close((uv_handle_t *)&app->stdout_watch, on_stdout_watch_closed);
}

static int exit_status(const struct ls_app *app)
{
	const struct ls_stats *s = &app->pl.stats;

	if (app->pl.syserr != 0)
		return EXIT_SYSERR;
	if (app->signum != 0)
		return 128 + app->signum;
	if (app->pl.out_err == -EPIPE)
		return EXIT_PIPE;
	if (app->pl.out_err != 0)
		return EXIT_SYSERR;
	if (s->unresolved > 0)
		return EXIT_NOTFOUND;
	if ((app->opt.min_up >= 0 || app->opt.max_down >= 0) &&
	    !(app->plan.counters.dropped > 0 && s->unknown > 0))
		return ls_report_thresholds_met(&app->opt, s->up, s->down + s->unknown) ? EXIT_UP : EXIT_DOWN;
	if (app->plan.counters.dropped > 0 && s->unknown > 0)
		return EXIT_DOWN;	/* never a clean status when replies were lost */
	return s->down + s->unknown > 0 ? EXIT_DOWN : EXIT_UP;
}

/* After the sockets are open, nothing needs root: become the user for good
 * (see privs.h), as OpenBSD's ping does. */
static int drop_privileges(struct ls_app *app)
{
	bool was_root = geteuid() == 0 || app->privs.kind != LS_PRIV_NONE;
	int rc = ls_privs_drop(&app->privs);

	if (rc != 0) {
		ls_msg("cannot drop privileges: %s", strerror(-rc));
		return EXIT_SYSERR;
	}
	if (app->opt.verbose && app->privs.kind != LS_PRIV_NONE && was_root)
		ls_app_warn(app, "dropped root privileges (uid %lld)", (long long)app->privs.uid);
	return 0;
}

static void on_conflict(void *arg, const struct ls_addr *addr, const uint8_t first[6], const uint8_t second[6])
{
	struct ls_app *app = arg;

	ls_report_conflict(&app->rep, addr, first, second, ls_oui_vendor(app->oui, second));
}

static void on_plan_fatal(struct ls_plan *plan, int err, const char *msg)
{
	struct ls_app *app = plan->data;

	ls_pipeline_fail(&app->pl, err, msg);
}

/* The methods' settings from the options. */
static void plan_config(struct ls_app *app)
{
	const struct ls_options *o = &app->opt;
	struct ls_probe_cfg *c = &app->plan.cfg;
	static const uint16_t default_ports[] = { 22, 80, 443, 445 };
	double inflight;

	c->wait_ms = o->timeout_ms;
	c->retries = o->retries >= 0 ? o->retries : LS_DEFAULT_RETRIES;
	c->ping_retries = o->retries >= 0 ? o->retries : 0;
	c->max_rto_ms = o->max_timeout_ms > 0 ? o->max_timeout_ms : o->timeout_ms;
	c->min_rto_ms = o->min_timeout_ms > 0 ? o->min_timeout_ms :
		LS_DEFAULT_MIN_TIMEOUT_MS < c->max_rto_ms ? LS_DEFAULT_MIN_TIMEOUT_MS : c->max_rto_ms;
	c->rate = (unsigned)o->rate;
	/* Enough targets in flight to keep the rate up through each one's wait. */
	inflight = (double)o->rate * (o->timeout_ms + 100) / 1000.0 * 1.25;
	c->window = o->jobs_set ? (unsigned)o->jobs : o->rate == 0 || inflight > 65536 ? 65536 :
		inflight < LS_ICMP_WINDOW ? LS_ICMP_WINDOW : (unsigned)inflight;
	c->count = o->count;
	c->ping_cmd = o->ping_cmd;
	c->env = app->env;
	c->ports = o->nports > 0 ? o->ports : default_ports;
	c->nports = o->nports > 0 ? o->nports : LS_ARRAY_SIZE(default_ports);
	c->verbose = o->verbose;
	c->ifname = o->iface;
	c->ifindex = app->ifindex;
	c->source = o->source;
	/* auto: -c above 1 and --ping-cmd are ping-method options, so they pick it. */
	app->plan.want = o->methods != 0 ? o->methods : o->count > 1 || o->ping_cmd_set ? LS_M_PING : 0;
	app->plan.fatal = on_plan_fatal;
	app->plan.conflict = on_conflict;
	app->plan.data = app;
}

/* -n: a name server stopped answering.  Said once, as it happens: names
 * would otherwise just be missing (only DNS has a server to give up on). */
static void on_names_gave_up(struct ls_names *ns, enum ls_name_src src)
{
	struct ls_app *app = ls_container_of(ns, struct ls_app, names);

	if (src == LS_NAME_DNS)
		ls_app_warn(app, "names: no answer from the DNS server (or no way to it): no more DNS "
			    "lookups this sweep; names from /etc/hosts, mDNS and NetBIOS still come");
}

/* Opens the methods (before privileges drop) and sizes the window.
 * Returns 0 or an exit status. */
static int choose_methods(struct ls_app *app)
{
	struct ls_pipeline *pl = &app->pl;
	char err[256];
	int rc;

	plan_config(app);
	fit_jobs(app);	/* the ping program: one child process a target */
	app->plan.cfg.ping_jobs = (unsigned)app->opt.jobs;
	if ((rc = ls_privs_open(&app->privs)) != 0) {
		ls_msg("cannot regain privileges: %s", strerror(-rc));
		return EXIT_SYSERR;
	}
	rc = ls_plan_open(&app->plan, &app->loop, err, sizeof(err));
	if (rc != 0) {
		ls_msg("%s", err);
		return EXIT_SYSERR;
	}
	app->plan_open = true;
	pl->max_jobs = (unsigned)ls_plan_window(&app->plan, app->plan.cfg.window);
	/* The name sources too, before privileges drop: -I binds their sockets
	 * to the interface, which kernels before 5.7 allow only to CAP_NET_RAW. */
	if (app->opt.rdns) {
		app->names.pacer = &app->plan.pacer;
		app->names.gave_up_cb = on_names_gave_up;
		if ((rc = ls_names_open(&app->names, &app->loop, &app->plan, app->opt.name_timeout_ms)) != 0) {
			ls_msg("names: %s", strerror(-rc));
			return EXIT_SYSERR;
		}
		app->names_open = true;
		pl->names = &app->names;
	}
	if (app->opt.identify) {
		int budget = app->opt.name_timeout_set || app->opt.name_timeout_ms > LS_DEFAULT_IDENT_TIMEOUT_MS ?
			app->opt.name_timeout_ms : LS_DEFAULT_IDENT_TIMEOUT_MS;
		if ((rc = ls_identify_open(&app->identify, &app->loop, &app->plan.cfg, budget, &app->plan.pacer)) != 0) {
			ls_msg("identify: %s", strerror(-rc));
			return EXIT_SYSERR;
		}
		app->identify_open = true;
		pl->identify = &app->identify;
		if (app->opt.verbose && app->identify.why[0] != '\0')
			ls_app_warn(app, "identify: left out %s", app->identify.why);
	}
	return drop_privileges(app);
}

static void report_losses(struct ls_app *app)
{
	const struct ls_counters *c = &app->plan.counters;
	const struct ls_pacer *pc = &app->plan.pacer;
	double got = ls_pacer_achieved(pc);

	if (c->dropped > 0)
		ls_app_warn(app, "the kernel dropped %llu replies (receive queue full); %llu hosts silent meanwhile "
		     "are reported unknown, not down: lower --rate", (unsigned long long)c->dropped,
		     (unsigned long long)app->pl.stats.unknown);
	/* Said once for the sweep; a broken link has said it already. */
	if (c->local > 0 && !app->linkwatch.any_said && app->pl.out_err == 0 && app->pl.syserr == 0)
		ls_app_warn(app, "%llu probes could not be sent from this machine (%s): their hosts are reported "
			    "unknown, not down", (unsigned long long)c->local, strerror(c->local_err));
	if (app->opt.rate > 0 && got > 0 && got < 0.8 * (double)app->opt.rate)
		ls_app_warn(app, "asked for --rate %lld, reached %.0f packets a second", app->opt.rate, got);
}

/* The widest address the sweep can print: 15 for IPv4; for IPv6 ranges,
 * their last address with every differing byte at its widest, plus room. */
static int addr_width(const struct ls_app *app)
{
	const struct ls_targets *t = &app->targets;
	struct ls_addr a;
	char buf[LS_ADDRSTRLEN];
	int w = 7, n;
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		const struct ls_spec *sp = &t->specs[i];
		if (sp->kind == LS_SPEC_NAME) {
			/* unknown until resolved: an IPv6 address longer than this is
			 * printed whole, and the wide columns after it give way */
			n = app->opt.family == AF_INET6 ? 25 : 15;
		} else if (sp->kind == LS_SPEC_RANGE6) {
			memset(&a, 0, sizeof(a));
			a.family = AF_INET6;
			a.scope = sp->u.r6->scope;
			memcpy(a.b, sp->u.r6->hi, 16);
			for (k = 0; k < 16 && sp->u.r6->lo[k] == sp->u.r6->hi[k]; k++)
				;
			for (; k < 16; k++)
				a.b[k] = 0xff;
			ls_addr_format(&a, buf, sizeof(buf));
			n = (int)strlen(buf) + 2;
			if (n > 39 && a.scope == 0)
				n = 39;
		} else {
			n = 15;
		}
		w = n > w ? n : w;
	}
	return w;
}

/* A person at a terminal gets names without a flag; cron, pipes, files
 * and monitors get exactly what they ask for. */
static void terminal_defaults(struct ls_app *app)
{
	struct ls_options *o = &app->opt;

	if (o->format == LS_FMT_AUTO && isatty(STDOUT_FILENO) && !o->quiet && !o->nagios &&
	    o->state_path == NULL && o->prom_file == NULL && !o->no_names && o->show != LS_SHOW_UNREACHABLE &&
	    (o->fields_text == NULL || o->fields_text[0] == '+'))	/* -o LIST: only what its fields ask */
		o->rdns = o->identify = true;
}

/* Opens the reports, the loop and its signal handles, and fills in the
 * pipeline.  Returns 0 or an exit status. */
static int sweep_setup(struct ls_app *app)
{
	struct ls_pipeline *pl = &app->pl;
	static const int signums[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct ls_report_ctx ctx;
	char size[16], err[LS_ERRLEN + 64] = "";
	size_t i;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if ((rc = ls_app_check_limits(app)) != 0)
		return rc;
	terminal_defaults(app);
	ctx.addr_width = addr_width(app);
	ctx.names = app->opt.rdns;
	if ((rc = ls_report_open(&app->rep, &app->opt, &ctx, err, sizeof(err))) != 0) {
		ls_msg("%s", rc == -ENOMEM ? "out of memory" : err);
		return EXIT_SYSERR;
	}
	app->rep_open = true;
	if (getenv("UV_THREADPOOL_SIZE") == NULL) {
		/* Sized before the loop's first use, to what the limits allow. */
		snprintf(size, sizeof(size), "%u", ls_app_pool_size(app));
		setenv("UV_THREADPOOL_SIZE", size, 1);
	}
	if ((app->env = child_env()) == NULL) {
		ls_msg("out of memory");
		return EXIT_SYSERR;
	}
	/* Read as the user, after privileges drop, and only if a MAC is seen. */
	if ((app->oui = ls_oui_new(getenv("LANSCAN_OUI_DIR"))) == NULL) {
		ls_msg("out of memory");
		return EXIT_SYSERR;
	}
	if ((rc = uv_loop_init(&app->loop)) != 0) {
		ls_msg("event loop: %s", uv_strerror(rc));
		return EXIT_SYSERR;
	}
	for (i = 0; i < LS_ARRAY_SIZE(app->sig); i++) {
		uv_signal_init(&app->loop, &app->sig[i]);
		app->sig[i].data = app;
		uv_signal_start(&app->sig[i], on_signal, signums[i]);
	}
	watch_stdout(app);
	/* Without it (no netlink here) a broken link still shows in the local send errors. */
	if (ls_linkwatch_open(&app->linkwatch, &app->loop, on_link_broke, app) == 0)
		pl->linkwatch = &app->linkwatch;
	pl->loop = &app->loop;
	pl->plan = &app->plan;
	pl->result_cb = on_result;
	pl->targets = &app->targets;
	pl->exclude = &app->exclude;
	pl->family = app->opt.family;
	pl->resolve_all = app->opt.resolve_all;
	pl->done_cb = on_done;
	pl->oui = app->oui;
	return 0;
}

/* Closes what sweep_setup opened on the loop, when the sweep cannot start. */
static void sweep_abort(struct ls_app *app)
{
	close_signals(app);
	if (app->watching_stdout)
		uv_close((uv_handle_t *)&app->stdout_watch, on_stdout_watch_closed);
	uv_run(&app->loop, UV_RUN_DEFAULT);
	uv_loop_close(&app->loop);
}

/* After the loop: errors, the reports' end, the summary, the exit status. */
static int sweep_finish(struct ls_app *app, double elapsed)
{
	struct ls_pipeline *pl = &app->pl;
	char err[LS_ERRLEN + 64] = "", line[512];
	struct ls_summary sum;
	bool complete;
	int rc, status;

	pl->stats.sent = app->plan.counters.sent;
	pl->stats.dropped = app->plan.counters.dropped;
	pl->stats.conflicts = app->plan.counters.conflicts;
	if (app->opt.verbose) {
		ls_plan_counters(&app->plan, line, sizeof(line));
		ls_app_warn(app, "%s", line);
		if (app->names_open) {
			ls_names_describe(&app->names, line, sizeof(line));
			ls_app_warn(app, "names (named/asked): %s", line);
		}
		if (app->identify_open) {
			ls_identify_describe(&app->identify, line, sizeof(line));
			ls_app_warn(app, "identify (answered/asked): %s", line);
		}
	}
	complete = pl->syserr == 0 && app->signum == 0 && pl->out_err == 0;
	if (pl->syserr != 0)
		ls_msg("%s", pl->syserr_msg);
	else if (pl->out_err != 0 && pl->out_err != -EPIPE)
		ls_msg("writing output: %s", strerror(-pl->out_err));
	report_losses(app);
	ls_report_summary(&sum, &pl->stats, elapsed, complete, app->signum != 0);
	rc = ls_report_finish(&app->rep, &sum, err, sizeof(err));
	if (rc == -EPIPE && pl->out_err == 0)
		pl->out_err = -EPIPE;
	else if (rc != 0 && rc != -EPIPE) {
		if (err[0] != '\0')
			ls_msg("%s", err);
		else
			ls_msg("writing output: %s", strerror(-rc));
		pl->syserr = rc;
	}
	status = exit_status(app);
	if (app->opt.nagios) {
		app->nagios_printed = true;
		status = (int)ls_report_nagios_status(&app->rep);
	}
	return status;
}

int ls_app_sweep(struct ls_app *app)
{
	struct ls_pipeline *pl = &app->pl;
	int rc;

	if ((rc = sweep_setup(app)) != 0)
		return app->opt.nagios ? LS_NAGIOS_UNKNOWN : rc;
	if ((rc = choose_methods(app)) != 0) {
		if (app->names_open)
			ls_names_close(&app->names);
		app->names_open = false;
		if (app->identify_open)
			ls_identify_close(&app->identify);
		app->identify_open = false;
		if (app->plan_open)
			ls_plan_close(&app->plan);
		app->plan_open = false;
		sweep_abort(app);
		return app->opt.nagios ? LS_NAGIOS_UNKNOWN : rc;
	}
	if (app->opt.verbose)
		ls_app_warn(app, "methods: %s; %u targets at once, wait %d ms, %d retries, rate %lld/s",
		     app->plan.why, pl->max_jobs, app->plan.cfg.wait_ms, app->plan.cfg.retries, app->opt.rate);
	app->started_ms = ls_now_ms();
	ls_report_start(&app->rep, &app->loop, &pl->stats, app->targets.total);
	if ((rc = ls_pipeline_start(pl)) != 0) {
		ls_msg("cannot start the sweep: %s", strerror(-rc));
		on_done(pl);	/* closes the plan, the reports' timer and the signals */
		uv_run(&app->loop, UV_RUN_DEFAULT);
		uv_loop_close(&app->loop);
		return app->opt.nagios ? LS_NAGIOS_UNKNOWN : EXIT_SYSERR;
	}
	uv_run(&app->loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&app->loop) != 0)
		ls_msg("internal error: loop closed with open handles");
	return sweep_finish(app, (ls_now_ms() - app->started_ms) / 1e3);
}

