/* main.c -- lanscan's entry point: options, targets, the event loop and the exit status.
 *
 * The only file that calls exit() or decides the exit status:
 *   0 every target up (or --min-up reached)   1 some target down or unknown
 *   2 some target could not be resolved        3 usage error, nothing probed
 *   4 system error (ping missing or not permitted, out of memory, ...)
 *   128+N stopped by signal N (INT 130, TERM 143, HUP 129, QUIT 131)
 *   141 the output pipe was closed
 */
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

enum {
	EXIT_UP = 0, EXIT_DOWN = 1, EXIT_NOTFOUND = 2, EXIT_USAGE = 3, EXIT_SYSERR = 4,
	EXIT_PIPE = 141
};

#define FDS_PER_JOB 3		/* two pipes to the child, one spare while spawning */
#define FDS_RESERVED 32

struct app {
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
	int signum;		/* the signal that stopped the sweep, or 0 */
	int ifindex;		/* -I's interface, 0 when none */
	struct ls_names names;	/* -n: the name sources */
	bool names_open;
	double started_ms;
	char **env;
};

static void warn(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct app *app, const char *fmt, ...)
{
	va_list ap;

	if (app->opt.quiet)
		return;
	ls_progress_clear(&app->rep.progress);
	va_start(ap, fmt);
	ls_vmsg(fmt, ap);
	va_end(ap);
}

/* Reads one -f or --exclude-file file ('-' is standard input) into t.
 * Returns 0, EXIT_USAGE (a bad line) or EXIT_SYSERR (unreadable, no memory). */
static int read_file(const char *path, struct ls_targets *t)
{
	char err[LS_ERRLEN + 64];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	int rc;

	if (f == NULL) {
		ls_msg("%s: %s", path, strerror(errno));
		return errno == ENOENT || errno == EACCES || errno == ENOTDIR ? EXIT_USAGE : EXIT_SYSERR;
	}
	rc = ls_targets_read(t, f, strcmp(path, "-") == 0 ? "(stdin)" : path, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (rc != 0) {
		ls_msg("%s", rc == -ENOMEM ? "out of memory" : err);
		return rc == -EINVAL ? EXIT_USAGE : EXIT_SYSERR;
	}
	return 0;
}

/* Gathers targets and exclusions; returns 0 or an exit status. */
/* -I names an interface of this machine, -S one of its addresses (as on
 * -I's interface when both are given).  Returns 0 or an exit status. */
static int check_link(struct app *app)
{
	const struct ls_options *o = &app->opt;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, rc = 0;

	if (o->iface != NULL && (app->ifindex = (int)if_nametoindex(o->iface)) == 0) {
		ls_msg("-I/--interface '%s': no such interface", o->iface);
		return EXIT_USAGE;
	}
	if (o->source.family == 0)
		return 0;
	if ((fd = socket(o->source.family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		ls_msg("-S/--source: %s", strerror(errno));
		return EXIT_SYSERR;
	}
	sl = ls_addr_to_sockaddr(&o->source, &ss);
	if (o->iface != NULL)
		(void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->iface, (socklen_t)strlen(o->iface) + 1);
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
		rc = errno;
		ls_msg("-S/--source '%s': %s", o->source_text,
		       rc == EADDRNOTAVAIL ? "not an address of this machine" : strerror(rc));
	}
	close(fd);
	return rc == 0 ? 0 : EXIT_USAGE;
}

/* Root for the echo socket of IPv6 discovery (when it was borrowed), or the
 * user again after it.  Returns 0 or an exit status. */
static int with_root(struct app *app, bool on)
{
	int rc = on ? ls_privs_open(&app->privs) : ls_privs_lend(&app->privs);

	if (rc != 0)
		ls_msg("cannot switch %s: %s", on ? "to root" : "to the invoking user", strerror(-rc));
	return rc != 0 ? EXIT_SYSERR : 0;
}

/* The no-target default: the IPv4 subnets of the up interfaces (or -I's),
 * and their IPv6 neighbours.  Returns 0 or an exit status. */
static int default_targets(struct app *app)
{
	const struct ls_options *o = &app->opt;
	char desc[512] = "", found[256], note[192], err[LS_ERRLEN];
	int n = 0, rc;
	bool v6 = o->family != AF_INET && !o->list;	/* --list sends nothing */

	if (o->family != AF_INET6) {
		n = ls_local_subnets(&app->targets, LS_LOCAL_PREFIX_MIN, o->force, o->iface, desc, sizeof(desc));
		if (n < 0) {
			ls_msg("cannot list interfaces: %s", strerror(-n));
			return EXIT_SYSERR;
		}
	}
	if (v6) {
		if ((rc = with_root(app, true)) != 0)
			return rc;
		n = ls_local_neighbours(&app->targets, app->ifindex, o->timeout_ms, found, sizeof(found),
					note, sizeof(note), err, sizeof(err));
		if ((rc = with_root(app, false)) != 0)
			return rc;
		if (n < 0) {
			ls_msg("%s", err);
			return EXIT_SYSERR;
		}
		if (o->verbose)
			warn(app, "%s", note);
		if (n > 0)
			snprintf(desc + strlen(desc), sizeof(desc) - strlen(desc), "%sIPv6 neighbours: %s",
				 desc[0] != '\0' ? "; " : "", found);
	}
	if (app->targets.n == 0) {
		const char *what = o->family == AF_INET6 ? "IPv6 neighbour" : v6 ? "IPv4 subnet or IPv6 neighbour" :
				   "IPv4 subnet";
		if (o->iface != NULL)
			ls_msg("no target given and no %s on %s", what, o->iface);
		else
			ls_msg("no target given and no local %s found", what);
		return EXIT_USAGE;
	}
	warn(app, "no target given; sweeping %s", desc);
	return 0;
}

static void say_onlink(void *arg, const char *what, const char *how)
{
	struct app *app = arg;

	warn(app, "%s", what);
	if (app->opt.verbose)
		warn(app, "%s", how);
}

/* IPv6 ranges too large to sweep: discovered when on-link, else refused. */
static int onlink_ranges(struct app *app)
{
	struct ls_onlink_opts oo = {
		.ifindex = app->ifindex, .force = app->opt.force, .list = app->opt.list,
		.limit = LS_SWEEP_LIMIT, .wait_ms = app->opt.timeout_ms, .say = say_onlink, .arg = app,
	};
	char err[LS_ERRLEN + 64];
	int rc, rc2;

	if ((rc = with_root(app, true)) != 0)
		return rc;
	rc = ls_onlink_ranges(&app->targets, &oo, err, sizeof(err));
	if ((rc2 = with_root(app, false)) != 0)
		return rc2;
	if (rc == -ENOENT)
		warn(app, "%s", err);
	else if (rc != 0)
		ls_msg("%s", rc == -ENOMEM ? "out of memory" : err);
	return rc == 0 ? 0 : rc == -ENOENT ? EXIT_DOWN : rc == -EINVAL ? EXIT_USAGE : EXIT_SYSERR;
}

static int load_targets(struct app *app)
{
	const struct ls_options *o = &app->opt;
	char err[LS_ERRLEN], desc[512];
	size_t i;
	int n;

	for (i = 0; i < o->ntargets; i++)
		if (ls_targets_add(&app->targets, o->targets[i], err, sizeof(err)) != 0) {
			ls_msg("%s", err);
			return EXIT_USAGE;
		}
	for (i = 0; i < o->nfiles; i++)
		if ((n = read_file(o->files[i], &app->targets)) != 0)
			return n;
	for (i = 0; i < o->nexcludes; i++)
		if (ls_targets_add_list(&app->exclude, o->excludes[i], err, sizeof(err)) != 0) {
			ls_msg("--exclude: %s", err);
			return EXIT_USAGE;
		}
	for (i = 0; i < o->nexclude_files; i++)
		if ((n = read_file(o->exclude_files[i], &app->exclude)) != 0)
			return n;
	for (i = 0; i < app->exclude.n; i++)
		if (app->exclude.specs[i].kind == LS_SPEC_NAME) {
			ls_msg("--exclude: '%s': exclusions take addresses and ranges, not names",
				app->exclude.specs[i].text);
			return EXIT_USAGE;
		}
	for (i = 0; i < app->targets.n && app->ifindex != 0; i++) {
		const struct ls_spec *s = &app->targets.specs[i];
		if (s->kind == LS_SPEC_RANGE6 && s->u.r6->scope != 0 && s->u.r6->scope != (uint32_t)app->ifindex) {
			ls_msg("'%s': its zone is not -I's interface (%s)", ls_spec_text(s, desc, sizeof(desc)), o->iface);
			return EXIT_USAGE;
		}
	}

	if (o->ntargets == 0 && o->nfiles == 0 && (n = default_targets(app)) != 0)
		return n;
	if (app->targets.n == 0) {
		ls_msg("no targets");
		return EXIT_USAGE;
	}
	for (i = 0; i < app->targets.n && o->family != 0; i++) {
		const struct ls_spec *s = &app->targets.specs[i];
		if (s->kind != LS_SPEC_NAME && (s->kind == LS_SPEC_RANGE6) != (o->family == AF_INET6)) {
			ls_msg("'%s': not an %s target (%s given)", ls_spec_text(s, desc, sizeof(desc)),
				o->family == AF_INET6 ? "IPv6" : "IPv4", o->family == AF_INET6 ? "-6" : "-4");
			return EXIT_USAGE;
		}
	}
	return onlink_ranges(app);
}

/* --list: print the expanded targets, send nothing. */
static int list_targets(struct app *app)
{
	struct ls_target_iter it;
	struct ls_target t;
	struct ls_output out;
	char buf[64];
	int rc = 0, finish;

	ls_output_init(&out, STDOUT_FILENO);
	ls_target_iter_init(&it, &app->targets, &app->exclude);
	while (rc == 0 && ls_target_iter_next(&it, &t))
		rc = ls_output_list(&out, t.is_name ? t.spec->text : ls_addr_format(&t.addr, buf, sizeof(buf)));
	finish = ls_output_finish(&out);	/* always: it flushes and frees */
	if (rc == 0)
		rc = finish;
	if (rc == -EPIPE)
		return EXIT_PIPE;
	if (rc != 0) {
		ls_msg("writing output: %s", strerror(-rc));
		return EXIT_SYSERR;
	}
	return EXIT_UP;
}

/* Raises the open-file limit to its maximum and lowers -j to fit in it. */
static void fit_jobs(struct app *app)
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
		warn(app, "-j %d lowered to %llu to fit the open file limit (%llu)", app->opt.jobs,
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
	struct app *app = h->data;

	if (app->signum == 0)
		app->signum = signum;
	ls_pipeline_stop(&app->pl);
}

/* The write end of a pipe reports an error as soon as its reader is gone:
 * stop then, rather than at the next result, which may be a timeout away. */
static void on_stdout_event(uv_poll_t *h, int status, int events)
{
	struct app *app = ls_container_of(h, struct app, stdout_watch);

	(void)events;
	if (status < 0) {
		uv_poll_stop(h);
		if (app->pl.out_err == 0)
			app->pl.out_err = -EPIPE;
		ls_pipeline_stop(&app->pl);
	}
}

static void watch_stdout(struct app *app)
{
	struct stat st;

	if (fstat(STDOUT_FILENO, &st) != 0 || !S_ISFIFO(st.st_mode))
		return;
	if (uv_poll_init(&app->loop, &app->stdout_watch, STDOUT_FILENO) != 0)
		return;
	app->watching_stdout = true;
	if (uv_poll_start(&app->stdout_watch, UV_DISCONNECT, on_stdout_event) != 0)
		uv_poll_stop(&app->stdout_watch);
}

static int on_result(struct ls_pipeline *pl, const struct ls_result *r)
{
	struct app *app = ls_container_of(pl, struct app, pl);

	return ls_report_result(&app->rep, r);
}

static void close_signals(struct app *app)
{
	size_t i;

	for (i = 0; i < LS_ARRAY_SIZE(app->sig); i++)
		uv_close((uv_handle_t *)&app->sig[i], NULL);
}

static void on_done(struct ls_pipeline *pl)
{
	struct app *app = ls_container_of(pl, struct app, pl);

	ls_report_stop(&app->rep);
	if (app->names_open)
		ls_names_close(&app->names);
	ls_plan_close(&app->plan);
	app->plan_open = false;
	close_signals(app);
	if (app->watching_stdout)
		uv_close((uv_handle_t *)&app->stdout_watch, NULL);
}

static int exit_status(const struct app *app)
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
static int drop_privileges(struct app *app)
{
	bool was_root = geteuid() == 0 || app->privs.kind != LS_PRIV_NONE;
	int rc = ls_privs_drop(&app->privs);

	if (rc != 0) {
		ls_msg("cannot drop privileges: %s", strerror(-rc));
		return EXIT_SYSERR;
	}
	if (app->opt.verbose && app->privs.kind != LS_PRIV_NONE && was_root)
		warn(app, "dropped root privileges (uid %lld)", (long long)app->privs.uid);
	return 0;
}

static void on_conflict(void *arg, const struct ls_addr *addr, const uint8_t first[6], const uint8_t second[6])
{
	struct app *app = arg;

	ls_report_conflict(&app->rep, addr, first, second, ls_oui_vendor(app->oui, second));
}

static void on_plan_fatal(struct ls_plan *plan, int err, const char *msg)
{
	struct app *app = plan->data;

	ls_pipeline_fail(&app->pl, err, msg);
}

/* The methods' settings from the options. */
static void plan_config(struct app *app)
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

/* Opens the methods (before privileges drop) and sizes the window.
 * Returns 0 or an exit status. */
static int choose_methods(struct app *app)
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
	return drop_privileges(app);
}

static void report_losses(struct app *app)
{
	const struct ls_counters *c = &app->plan.counters;
	const struct ls_pacer *pc = &app->plan.pacer;
	double got = ls_pacer_achieved(pc);

	if (c->dropped > 0)
		warn(app, "the kernel dropped %llu replies (receive queue full); %llu hosts silent meanwhile "
		     "are reported unknown, not down: lower --rate", (unsigned long long)c->dropped,
		     (unsigned long long)app->pl.stats.unknown);
	if (app->opt.rate > 0 && got > 0 && got < 0.8 * (double)app->opt.rate)
		warn(app, "asked for --rate %lld, reached %.0f packets a second", app->opt.rate, got);
}

/* Opens the reports, the loop and its signal handles, and fills in the
 * pipeline.  Returns 0 or an exit status. */
static int sweep_setup(struct app *app)
{
	struct ls_pipeline *pl = &app->pl;
	static const int signums[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	char size[16], err[LS_ERRLEN + 64] = "";
	size_t i;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if ((rc = ls_report_open(&app->rep, &app->opt, err, sizeof(err))) != 0) {
		ls_msg("%s", rc == -ENOMEM ? "out of memory" : err);
		return EXIT_SYSERR;
	}
	app->rep_open = true;
	if (getenv("UV_THREADPOOL_SIZE") == NULL) {
		/* getaddrinfo may use half the pool; size it before the loop's first use. */
		int threads = app->opt.jobs * 2;
		snprintf(size, sizeof(size), "%d", threads < 4 ? 4 : threads > 128 ? 128 : threads);
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
static void sweep_abort(struct app *app)
{
	close_signals(app);
	if (app->watching_stdout)
		uv_close((uv_handle_t *)&app->stdout_watch, NULL);
	uv_run(&app->loop, UV_RUN_DEFAULT);
	uv_loop_close(&app->loop);
}

/* The summary line (-s), as text or JSON, on stderr. */
static void print_summary(const struct app *app, double elapsed)
{
	const struct ls_stats *s = &app->pl.stats;
	char dropped[96] = "";

	if (!app->opt.summary || app->opt.quiet)
		return;
	if (app->opt.format == LS_FMT_JSON) {
		fprintf(stderr, "{\"targets\":%llu,\"up\":%llu,\"down\":%llu,\"unknown\":%llu,\"unresolved\":%llu,"
			"\"sent\":%llu,\"dropped\":%llu,\"conflicts\":%llu,\"seconds\":%.3f,\"interrupted\":%s}\n",
			(unsigned long long)s->targets, (unsigned long long)s->up, (unsigned long long)s->down,
			(unsigned long long)s->unknown, (unsigned long long)s->unresolved,
			(unsigned long long)s->sent, (unsigned long long)s->dropped,
			(unsigned long long)s->conflicts, elapsed,
			app->signum != 0 ? "true" : "false");
		return;
	}
	if (s->dropped > 0)
		snprintf(dropped, sizeof(dropped), "%llu replies dropped, ", (unsigned long long)s->dropped);
	if (app->plan.counters.conflicts > 0)
		snprintf(dropped + strlen(dropped), sizeof(dropped) - strlen(dropped), "%llu address conflicts, ",
			 (unsigned long long)app->plan.counters.conflicts);
	ls_msg("%llu targets, %llu up, %llu down, %llu unknown, %llu unresolved, %s%.2f s%s",
	       (unsigned long long)s->targets, (unsigned long long)s->up,
	       (unsigned long long)s->down, (unsigned long long)s->unknown,
	       (unsigned long long)s->unresolved, dropped, elapsed,
	       app->signum != 0 ? " (interrupted)" : "");
}

/* After the loop: errors, the reports' end, the summary, the exit status. */
static int sweep_finish(struct app *app, double elapsed)
{
	struct ls_pipeline *pl = &app->pl;
	char err[LS_ERRLEN + 64] = "", line[512];
	bool complete;
	int rc, status;

	pl->stats.sent = app->plan.counters.sent;
	pl->stats.dropped = app->plan.counters.dropped;
	pl->stats.conflicts = app->plan.counters.conflicts;
	if (app->opt.verbose) {
		ls_plan_counters(&app->plan, line, sizeof(line));
		warn(app, "%s", line);
		if (app->names_open) {
			ls_names_describe(&app->names, line, sizeof(line));
			warn(app, "names (named/asked): %s", line);
		}
	}
	complete = pl->syserr == 0 && app->signum == 0 && pl->out_err == 0;
	if (pl->syserr != 0)
		ls_msg("%s", pl->syserr_msg);
	else if (pl->out_err != 0 && pl->out_err != -EPIPE)
		ls_msg("writing output: %s", strerror(-pl->out_err));
	rc = ls_report_finish(&app->rep, &pl->stats, elapsed, complete, err, sizeof(err));
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
	report_losses(app);
	print_summary(app, elapsed);
	if (app->opt.nagios) {
		status = (int)ls_report_nagios(&app->rep, &pl->stats, complete && pl->syserr == 0, elapsed,
					       line, sizeof(line));
		printf("%s\n", line);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			ls_msg("writing output: %s", strerror(errno));
			status = LS_NAGIOS_UNKNOWN;
		}
	}
	return status;
}

static int sweep(struct app *app)
{
	struct ls_pipeline *pl = &app->pl;
	int rc;

	if ((rc = sweep_setup(app)) != 0)
		return app->opt.nagios ? LS_NAGIOS_UNKNOWN : rc;
	if ((rc = choose_methods(app)) != 0) {
		sweep_abort(app);
		return app->opt.nagios ? LS_NAGIOS_UNKNOWN : rc;
	}
	if (app->opt.rdns) {
		app->names.pacer = &app->plan.pacer;
		if ((rc = ls_names_open(&app->names, &app->loop, &app->plan, app->opt.name_timeout_ms)) != 0) {
			ls_msg("names: %s", strerror(-rc));
			ls_plan_close(&app->plan);
			app->plan_open = false;
			sweep_abort(app);
			return app->opt.nagios ? LS_NAGIOS_UNKNOWN : EXIT_SYSERR;
		}
		app->names_open = true;
		pl->names = &app->names;
	}
	if (app->opt.verbose)
		warn(app, "methods: %s; %u targets at once, wait %d ms, %d retries, rate %lld/s",
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

/* More than LS_SWEEP_LIMIT targets once duplicates and exclusions are gone?
 * Counted by walking the targets, up to one over the limit; ranges too big
 * to walk quickly (over 2^24 addresses written) count as written. */
static bool too_many(const struct app *app)
{
	struct ls_target_iter it;
	struct ls_target t;
	uint64_t n = 0;

	if (app->targets.total <= LS_SWEEP_LIMIT)
		return false;
	if (app->targets.total > (1ULL << 24))
		return true;
	ls_target_iter_init(&it, &app->targets, &app->exclude);
	while (n <= LS_SWEEP_LIMIT && ls_target_iter_next(&it, &t) == 1)
		n++;
	return n > LS_SWEEP_LIMIT;
}

/* Makes sure fds 0-2 are open: a closed one would be reused by the first
 * socket or file opened (libuv asserts on it, and results could land in the
 * state file's lock).  A closed stdout or stderr becomes /dev/null opened
 * read-only, so writing to it still fails (EBADF) and is reported. */
static int std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDONLY) != fd)	/* the lowest free fd: this one */
			return -1;
	}
	return 0;
}

/* Whether --nagios is among the options, however the command line failed:
 * a Nagios plugin prints a status line even for a usage error. */
static bool wants_nagios(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--nagios") == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct app app;
	char err[LS_ERRLEN];
	bool swept = false;
	int status;

	memset(&app, 0, sizeof(app));
	if (std_fds() != 0)
		exit(EXIT_SYSERR);
	if ((status = ls_privs_borrow(&app.privs)) != 0) {
		ls_msg("cannot switch to the invoking user: %s", strerror(-status));
		exit(EXIT_SYSERR);
	}
	ls_targets_init(&app.targets);
	ls_targets_init(&app.exclude);
	app.exclude.whole_cidr = true;
	if (ls_cli_parse(argc, argv, &app.opt, err, sizeof(err)) != 0) {
		ls_msg("%s", err);
		fputs("Try 'lanscan --help' for more information.\n", stderr);
		if (wants_nagios(argc, argv)) {
			for (char *c = err; *c != '\0'; c++)
				if (*c == '|' || (unsigned char)*c < 0x20)
					*c = '?';	/* '|' starts Nagios perfdata */
			printf("LANSCAN UNKNOWN - usage error: %s\n", err);
			fflush(stdout);
		}
		(void)ls_privs_drop(&app.privs);
		exit(EXIT_USAGE);
	}
	if (app.opt.help) {
		ls_cli_usage(stdout);
		status = EXIT_UP;
	} else if (app.opt.version) {
		printf("lanscan %s\n", LS_VERSION);
		status = EXIT_UP;
	} else {
		status = check_link(&app);
		if (status == 0)
			status = load_targets(&app);
		if (status == 0 && app.opt.list) {
			status = list_targets(&app);
		} else if (status == 0 && !app.opt.force && too_many(&app)) {
			ls_msg("refusing to sweep %llu addresses (more than %d); use --force",
				(unsigned long long)app.targets.total, LS_SWEEP_LIMIT);
			status = EXIT_USAGE;
		} else if (status == 0) {
			swept = true;	/* prints its own status line */
			status = sweep(&app);
		}
		/* nothing probed: a Nagios plugin still owes its status line */
		if (app.opt.nagios && !swept && status != 0) {
			printf("LANSCAN UNKNOWN - %s (see standard error)\n",
			       status == EXIT_USAGE ? "usage error" : "system error");
			status = LS_NAGIOS_UNKNOWN;
		}
	}
	if (app.rep_open)
		ls_report_close(&app.rep);
	ls_oui_free(app.oui);	/* after the report: sorted lines point into it */
	free(app.env);
	ls_targets_free(&app.targets);
	ls_targets_free(&app.exclude);
	ls_cli_free(&app.opt);
	/* Nothing ends holding borrowed root (an early error, --help). */
	if (!app.privs.dropped)
		(void)ls_privs_drop(&app.privs);
	/* Whatever is still buffered (--help, --version): a failed write is an error. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == EXIT_UP)
			ls_msg("writing output: %s", strerror(errno ? errno : EIO));
		if (status == EXIT_UP || status == EXIT_DOWN)
			status = EXIT_SYSERR;
	}
	exit(status);
}
