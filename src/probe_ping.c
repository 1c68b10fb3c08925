/* probe_ping.c -- the ping method: run the system ping (argv, never a shell) and read its output. */
#include "lanscan/method.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanscan/ping_parse.h"
#include "lanscan/util.h"

#define PING_INTERVAL_MS 200	/* between requests when --count > 1 */
#define WATCHDOG_GRACE_MS 5000	/* kill a ping that outlives its own deadline by this */

struct ping_m {
	struct ls_menv env;
	struct ping_job **tab;	/* running attempts by handle */
	uint32_t cap;
	unsigned live;		/* jobs whose handles are not all closed */
	unsigned running;	/* children not reaped yet */
	bool closing;		/* closed: freed when the last job is */
};

#define EAGAIN_TRIES 100	/* fork refused (ulimit -u): try again this often, */
#define EAGAIN_WAIT_MS 50	/* this far apart, while other children run */

static void ping_m_release(struct ping_m *m)
{
	if (--m->live == 0 && m->closing) {
		free(m->tab);
		free(m);
	}
}

/* One target's run of ping, as the parser and the retries see it. */
struct pres {
	uv_loop_t *loop;
	const struct ls_probe_cfg *opts;
	struct ls_addr addr;
	enum ls_state state;
	double rtt_ms, rtt_min_ms, rtt_max_ms;
	int replies;
	char error[128];
	const char *reason;	/* static: ping's "host unreachable", ... */
	int syserr;
	bool cancelled;
};

struct ping_job {
	struct ping_m *m;
	struct ls_attempt *a;
	uint32_t idx;
	struct pres res, *p;
	uv_process_t proc;
	uv_pipe_t out, err;
	uv_timer_t watchdog;
	char obuf[4096];
	size_t olen;
	char ebuf[512];
	size_t elen;
	double t0;		/* when the current try was spawned */
	int64_t exit_status;
	int term_signal;
	int tries;
	int closing;		/* per-try handles still closing */
	bool running;		/* the child has not been reaped */
	bool timed_out;
	bool spawn_failed;	/* the last try could not start: finish after closing */
	bool deferred;		/* fork was refused (EAGAIN): spawn again after closing */
	int eagain;		/* how many times */
	bool start_failed;	/* start() failed: free without calling cb */
};

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct ping_job *job = h->data;
	bool is_out = h == (uv_handle_t *)&job->out;
	char *base = is_out ? job->obuf : job->ebuf;
	size_t used = is_out ? job->olen : job->elen;
	size_t cap = is_out ? sizeof(job->obuf) : sizeof(job->ebuf);
	static char discard[256];

	(void)suggested;
	if (used < cap)
		*buf = uv_buf_init(base + used, (unsigned)(cap - used));
	else
		*buf = uv_buf_init(discard, sizeof(discard));	/* keep draining, keep nothing */
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct ping_job *job = s->data;
	size_t *len = s == (uv_stream_t *)&job->out ? &job->olen : &job->elen;
	size_t cap = s == (uv_stream_t *)&job->out ? sizeof(job->obuf) : sizeof(job->ebuf);

	(void)buf;
	if (n < 0) {
		uv_read_stop(s);
		return;
	}
	if (*len + (size_t)n <= cap)
		*len += (size_t)n;
}

/* Reads what is left in a pipe after the child exited (it is non-blocking). */
static void drain(uv_pipe_t *pipe, char *base, size_t *len, size_t cap)
{
	uv_os_fd_t fd;
	char junk[256];
	ssize_t n;

	if (uv_fileno((uv_handle_t *)pipe, &fd) != 0)
		return;
	for (;;) {
		if (*len < cap)
			n = read(fd, base + *len, cap - *len);
		else
			n = read(fd, junk, sizeof(junk));
		if (n <= 0)
			break;
		if (*len < cap)
			*len += (size_t)n;
	}
}

static int spawn(struct ping_job *job);
static void on_respawn(uv_timer_t *t);

/* Signals the child's process group (it leads one), else the child. */
static void kill_group(struct ping_job *job, int sig)
{
	if (kill(-(pid_t)job->proc.pid, sig) != 0)
		uv_process_kill(&job->proc, sig);
}

/* Reports the finished run to the race; the job is freed first (the race
 * may end, and the plan close, when it hears the attempt is done). */
static void on_watchdog_closed(uv_handle_t *h)
{
	struct ping_job *job = h->data;
	struct ping_m *m = job->m;
	struct pres *p = job->p;
	struct ls_attempt *a = job->a;
	struct ls_answer ans;
	char msg[300];
	bool unknown;

	m->tab[job->idx] = NULL;
	if (job->start_failed) {
		free(job);
		ping_m_release(m);
		return;
	}
	if (p->syserr != 0) {
		snprintf(msg, sizeof(msg), "%s: %s", p->opts->ping_cmd, p->error);
		ls_attempt_fatal(a, p->syserr, msg);
	}
	if (p->state == LS_UP && !p->cancelled) {
		memset(&ans, 0, sizeof(ans));
		snprintf(ans.via, sizeof(ans.via), "ping");
		ans.rtt_ms = p->rtt_ms;
		if (p->opts->count > 1) {	/* -c N: fping's xmt/rcv/%loss and min/avg/max */
			ans.sent = (uint16_t)p->opts->count;
			ans.received = (uint16_t)p->replies;
			ans.rtt_min_ms = p->rtt_min_ms;
			ans.rtt_max_ms = p->rtt_max_ms;
		}
		ls_attempt_answer(a, &ans);
	} else if (p->state == LS_DOWN && p->reason != NULL) {
		ls_attempt_negative(a, p->reason);
	}
	snprintf(msg, sizeof(msg), "%s", p->error);
	unknown = p->state == LS_UNKNOWN && !p->cancelled;
	free(job);
	ls_attempt_done(a, unknown ? msg : NULL);
	ping_m_release(m);	/* last: the plan may have been closed meanwhile */
}

static void finish(struct ping_job *job)
{
	uv_close((uv_handle_t *)&job->watchdog, on_watchdog_closed);
}

/* Turns the finished try into a result; returns true when another try is due. */
static bool judge(struct ping_job *job)
{
	struct pres *p = job->p;
	struct ls_ping_output out;
	const char *msg;
	char addr[64];

	ls_addr_format(&p->addr, addr, sizeof(addr));
	ls_ping_parse(job->obuf, job->olen, job->ebuf, job->elen, addr, ls_now_ms() - job->t0 + 1, &out);
	p->rtt_ms = -1;
	p->error[0] = '\0';
	if (p->cancelled) {
		p->state = LS_UNKNOWN;
		snprintf(p->error, sizeof(p->error), "cancelled");
		return false;
	}
	if (job->timed_out) {
		p->state = LS_UNKNOWN;
		snprintf(p->error, sizeof(p->error), "%s did not finish in time", p->opts->ping_cmd);
		return false;
	}
	if (job->term_signal != 0) {
		p->state = LS_UNKNOWN;
		snprintf(p->error, sizeof(p->error), "%s killed by signal %d",
			 p->opts->ping_cmd, job->term_signal);
		return false;
	}
	/* Only replies we could check count: ping's own exit status also
	 * counts replies from other addresses and blind forgeries. */
	if (out.replies > 0) {
		p->state = LS_UP;
		p->rtt_ms = out.rtt_ms;
		p->rtt_min_ms = out.rtt_min_ms;
		p->rtt_max_ms = out.rtt_max_ms;
		p->replies = out.replies > p->opts->count ? p->opts->count : out.replies;
		return false;
	}
	if (job->exit_status == 1) {
		p->state = LS_DOWN;
		if (out.reason != NULL) {
			p->reason = out.reason;
			snprintf(p->error, sizeof(p->error), "%s", out.reason);
			return false;
		}
		snprintf(p->error, sizeof(p->error), "no reply");
		return job->tries <= p->opts->ping_retries;
	}
	/* Exit 2 and the rest: ping could not probe this address. */
	msg = out.message;
	p->state = LS_UNKNOWN;
	if (*msg == '\0')
		snprintf(p->error, sizeof(p->error), "%s exited with status %d",
			 p->opts->ping_cmd, (int)job->exit_status);
	else {
		size_t n = strnlen(msg, sizeof(p->error) - 1);
		memcpy(p->error, msg, n);
		p->error[n] = '\0';
	}
	if (out.not_permitted)
		p->syserr = -EPERM;
	return false;
}

static void on_try_closed(uv_handle_t *h)
{
	struct ping_job *job = h->data;
	int rc;

	if (--job->closing > 0)
		return;
	if (job->deferred) {	/* fork was refused: wait for other children to end */
		job->deferred = false;
		uv_timer_start(&job->watchdog, on_respawn, EAGAIN_WAIT_MS, 0);
		return;
	}
	if (job->spawn_failed) {
		finish(job);
		return;
	}
	if (!judge(job)) {
		finish(job);
		return;
	}
	rc = spawn(job);	/* a retry */
	if (rc != 0) {
		job->p->state = LS_UNKNOWN;
		job->p->syserr = rc;
		snprintf(job->p->error, sizeof(job->p->error), "cannot run %s: %s",
			 job->p->opts->ping_cmd, uv_strerror(rc));
		/* spawn() closes its handles on failure; on_try_closed finishes. */
	}
}

static void close_try(struct ping_job *job)
{
	job->closing = 3;
	uv_close((uv_handle_t *)&job->proc, on_try_closed);
	uv_close((uv_handle_t *)&job->out, on_try_closed);
	uv_close((uv_handle_t *)&job->err, on_try_closed);
}

static void on_exit_cb(uv_process_t *proc, int64_t status, int sig)
{
	struct ping_job *job = ls_container_of(proc, struct ping_job, proc);

	job->running = false;
	job->m->running--;
	job->exit_status = status;
	job->term_signal = sig;
	/* A killed wrapper (--ping-cmd) may leave children: end its whole
	 * process group (the child leads one: UV_PROCESS_DETACHED). */
	if (job->timed_out || job->p->cancelled)
		kill(-(pid_t)proc->pid, SIGKILL);
	uv_timer_stop(&job->watchdog);
	drain(&job->out, job->obuf, &job->olen, sizeof(job->obuf));
	drain(&job->err, job->ebuf, &job->elen, sizeof(job->ebuf));
	close_try(job);
}

static void on_watchdog(uv_timer_t *t)
{
	struct ping_job *job = ls_container_of(t, struct ping_job, watchdog);

	if (job->running) {
		job->timed_out = true;
		kill_group(job, SIGKILL);
	}
}

static void on_respawn(uv_timer_t *t)
{
	struct ping_job *job = ls_container_of(t, struct ping_job, watchdog);
	int rc;

	if (job->p->cancelled) {
		job->p->state = LS_UNKNOWN;
		snprintf(job->p->error, sizeof(job->p->error), "cancelled");
		finish(job);
		return;
	}
	if ((rc = spawn(job)) != 0) {
		job->p->state = LS_UNKNOWN;
		job->p->syserr = rc;
		snprintf(job->p->error, sizeof(job->p->error), "cannot run %s: %s",
			 job->p->opts->ping_cmd, uv_strerror(rc));
	}
}

/* The ping program's argv (never a shell): buffers belong to the caller. */
struct ping_argv {
	char count[16], wait[32], interval[16], addr[64], source[64];
	char *args[18];
};

static void build_argv(const struct pres *p, struct ping_argv *v)
{
	char *count = v->count, *wait = v->wait, *interval = v->interval, *addr = v->addr;
	char **args = v->args;
	int n = 0;

	snprintf(count, sizeof(v->count), "%d", p->opts->count);
	snprintf(wait, sizeof(v->wait), "%.3f", p->opts->wait_ms / 1000.0);
	snprintf(interval, sizeof(v->interval), "%.3f", PING_INTERVAL_MS / 1000.0);
	ls_addr_format(&p->addr, addr, sizeof(v->addr));
	args[n++] = (char *)p->opts->ping_cmd;
	args[n++] = p->addr.family == AF_INET6 ? "-6" : "-4";
	args[n++] = "-n";
	args[n++] = "-c";
	args[n++] = count;
	args[n++] = "-W";
	args[n++] = wait;
	if (p->opts->count > 1) {
		args[n++] = "-i";
		args[n++] = interval;
	}
	/* iputils ping -I takes an interface or a source address: the source
	 * when -S is for this family (the route then picks the interface). */
	if (p->opts->source.family == p->addr.family) {
		args[n++] = "-I";
		args[n++] = (char *)ls_addr_format(&p->opts->source, v->source, sizeof(v->source));
	} else if (p->opts->ifname != NULL) {
		args[n++] = "-I";
		args[n++] = (char *)p->opts->ifname;
	}
	args[n++] = "--";
	args[n++] = addr;
	args[n] = NULL;
}

/* Starts one try; on failure its handles are closing and it returns the error. */
static int spawn(struct ping_job *job)
{
	struct pres *p = job->p;
	uv_process_options_t o;
	uv_stdio_container_t stdio[3];
	struct ping_argv argv;
	uint64_t deadline;
	int rc;

	job->olen = job->elen = 0;
	job->exit_status = 0;
	job->term_signal = 0;
	job->tries++;
	uv_pipe_init(p->loop, &job->out, 0);
	uv_pipe_init(p->loop, &job->err, 0);
	job->out.data = job->err.data = job->proc.data = job;
	build_argv(p, &argv);

	memset(&o, 0, sizeof(o));
	memset(stdio, 0, sizeof(stdio));
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&job->out;
	stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[2].data.stream = (uv_stream_t *)&job->err;
	o.file = p->opts->ping_cmd;
	o.args = argv.args;
	o.env = p->opts->env;
	o.stdio = stdio;
	o.stdio_count = 3;
	o.exit_cb = on_exit_cb;
	o.flags = UV_PROCESS_DETACHED;	/* its own process group, killed as one */

	rc = uv_spawn(p->loop, &job->proc, &o);
	if (rc == UV_EAGAIN && !p->cancelled && job->m->running > 0 && job->eagain < EAGAIN_TRIES) {
		/* ulimit -u: run fewer at once rather than fail the sweep. */
		job->eagain++;
		job->tries--;
		job->deferred = true;
		close_try(job);
		return 0;
	}
	if (rc != 0) {
		job->spawn_failed = true;
		close_try(job);	/* libuv: the handle is closed even when spawning failed */
		return rc;
	}
	job->running = true;
	job->m->running++;
	job->t0 = ls_now_ms();
	job->m->env.counters->sent += (uint64_t)p->opts->count;
	uv_read_start((uv_stream_t *)&job->out, on_alloc, on_read);
	uv_read_start((uv_stream_t *)&job->err, on_alloc, on_read);
	deadline = (uint64_t)p->opts->count * (PING_INTERVAL_MS + (uint64_t)p->opts->wait_ms) +
		   WATCHDOG_GRACE_MS;
	uv_timer_start(&job->watchdog, on_watchdog, deadline, 0);
	return 0;
}

static int ping_open(struct ls_minst **out, const struct ls_menv *env, char *err, size_t errlen)
{
	struct ping_m *m = calloc(1, sizeof(*m));

	(void)err;
	(void)errlen;
	if (m == NULL)
		return -ENOMEM;
	m->env = *env;
	*out = (struct ls_minst *)m;
	return 0;
}

static size_t ping_capacity(struct ls_minst *mi)
{
	return ((struct ping_m *)mi)->env.cfg->ping_jobs;
}

static bool ping_applies(struct ls_minst *mi, const struct ls_addr *addr, const struct ls_path *path)
{
	(void)mi;
	(void)addr;
	(void)path;
	return true;
}

/* Gives job a free handle; returns 0 or -ENOMEM. */
static int tab_put(struct ping_m *m, struct ping_job *job)
{
	uint32_t i, cap;
	struct ping_job **t;

	for (i = 0; i < m->cap; i++)
		if (m->tab[i] == NULL)
			break;
	if (i == m->cap) {
		cap = m->cap ? m->cap * 2 : 64;
		if ((t = realloc(m->tab, cap * sizeof(*t))) == NULL)
			return -ENOMEM;
		memset(t + m->cap, 0, (cap - m->cap) * sizeof(*t));
		m->tab = t;
		m->cap = cap;
	}
	m->tab[i] = job;
	job->idx = i;
	return 0;
}

static int ping_start(struct ls_minst *mi, struct ls_attempt *a)
{
	struct ping_m *m = (struct ping_m *)mi;
	struct ping_job *job = calloc(1, sizeof(*job));
	struct pres *p;
	int rc;

	if (job == NULL)
		return -ENOMEM;
	if (tab_put(m, job) != 0) {
		free(job);
		return -ENOMEM;
	}
	job->m = m;
	m->live++;
	job->a = a;
	a->handle = job->idx;
	p = job->p = &job->res;
	p->loop = m->env.loop;
	p->opts = m->env.cfg;
	p->addr = *ls_attempt_addr(a);
	uv_timer_init(p->loop, &job->watchdog);
	job->watchdog.data = job;
	rc = spawn(job);
	if (rc == 0)
		ls_attempt_silent(a);	/* ping's exchange cannot be watched: let costlier methods start */
	if (rc != 0) {
		char msg[300];
		job->start_failed = true;	/* freed once its handles are closed */
		snprintf(msg, sizeof(msg), "cannot run '%s': %s", p->opts->ping_cmd, uv_strerror(rc));
		ls_attempt_fatal(a, rc, msg);
	}
	return rc;
}

static void ping_cancel(struct ls_minst *mi, struct ls_attempt *a)
{
	struct ping_m *m = (struct ping_m *)mi;
	struct ping_job *job = a->handle < m->cap ? m->tab[a->handle] : NULL;

	if (job == NULL || job->a != a || job->p->cancelled)
		return;
	job->p->cancelled = true;
	if (job->running)
		kill_group(job, SIGTERM);
}

static void ping_close(struct ls_minst *mi)
{
	struct ping_m *m = (struct ping_m *)mi;

	m->closing = true;
	if (m->live == 0) {
		free(m->tab);
		free(m);
	}
}

const struct ls_method ls_method_ping = {
	.name = "ping",
	.bit = LS_M_PING,
	.open = ping_open,
	.capacity = ping_capacity,
	.applies = ping_applies,
	.start = ping_start,
	.cancel = ping_cancel,
	.close = ping_close,
};
