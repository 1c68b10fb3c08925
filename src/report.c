/* report.c -- turn results into output lines, --state changes, Prometheus metrics and a Nagios status. */
#include "lanscan/report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lanscan/util.h"

int ls_report_open(struct ls_report *rep, const struct ls_options *opt, char *err, size_t errlen)
{
	int rc;

	memset(rep, 0, sizeof(*rep));
	rep->opt = opt;
	ls_output_init(&rep->out, STDOUT_FILENO);
	rep->out.format = opt->format;
	rep->out.show = opt->show;
	rep->out.quiet = opt->quiet || opt->nagios;
	rep->out.sort = opt->sort && opt->state_path == NULL;
	rep->want_prom = opt->format == LS_FMT_PROM || opt->prom_file != NULL;
	rep->stdout_tty = isatty(STDOUT_FILENO);
	if (opt->state_path != NULL) {
		rc = ls_statefile_open_wait(&rep->state, opt->state_path, opt->lock_timeout_ms, err, errlen);
		if (rc != 0) {
			ls_statefile_close(&rep->state);
			return rc;
		}
		rep->have_state = true;
	}
	return 0;
}

void ls_report_start(struct ls_report *rep, uv_loop_t *loop, const struct ls_stats *stats,
		     unsigned long long total)
{
	int want = rep->opt->progress;

	if (want < 0)
		want = isatty(STDERR_FILENO) && !rep->stdout_tty;
	if (want && !rep->opt->quiet)
		ls_progress_start(&rep->progress, loop, stats, total, STDERR_FILENO);
}

/* Prints a message on stderr as "lanscan: ...", erasing progress first. */
static void warn(struct ls_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct ls_report *rep, const char *fmt, ...)
{
	va_list ap;

	if (rep->opt->quiet)
		return;
	ls_progress_clear(&rep->progress);
	va_start(ap, fmt);
	ls_vmsg(fmt, ap);
	va_end(ap);
}

int ls_report_result(struct ls_report *rep, const struct ls_result *r)
{
	const struct ls_statefile_entry *e;
	enum ls_change c;
	int rc;

	if (!r->has_addr && !rep->opt->nagios)
		warn(rep, "%s: %s", r->target, r->error ? r->error : "not resolved");
	if (r->state == LS_UP && r->rtt_ms >= 0) {
		rep->rtt_sum_ms += r->rtt_ms;
		rep->rtt_n++;
	}
	if (rep->want_prom && (rc = ls_prom_add(&rep->prom, r)) != 0)
		return rc;
	if (rep->stdout_tty)
		ls_progress_clear(&rep->progress);	/* results go to the same terminal */
	if (rep->have_state) {
		c = ls_statefile_observe(&rep->state, r, &e);
		if (e == NULL)
			return -ENOMEM;
		if (c == LS_CHANGE_NONE || rep->opt->format == LS_FMT_PROM)
			return 0;
		if (c == LS_CHANGE_MAC || c == LS_CHANGE_FLIP) {	/* previous: the MAC it had */
			char old[18];
			ls_statefile_mac_text(e->macs[0], old);
			return ls_output_change(&rep->out, ls_change_name(c), r, old);
		}
		if (c == LS_CHANGE_RENAMED)	/* previous: the name it had */
			return ls_output_change(&rep->out, ls_change_name(c), r, ls_statefile_renamed_from(e, r));
		return ls_output_change(&rep->out, ls_change_name(c), r,
					e->has_prev ? ls_state_name(e->prev_state) : NULL);
	}
	if (rep->opt->format == LS_FMT_PROM)
		return 0;
	return ls_output_result(&rep->out, r);
}

void ls_report_conflict(struct ls_report *rep, const struct ls_addr *addr, const uint8_t first[6],
			const uint8_t second[6], const char *vendor)
{
	struct ls_result r;
	char a[64], m1[18], m2[18];

	ls_addr_format(addr, a, sizeof(a));
	ls_statefile_mac_text(first, m1);
	ls_statefile_mac_text(second, m2);
	warn(rep, "%s: answered from two MACs, %s and %s: address conflict", a, m1, m2);
	if (rep->have_state)
		(void)ls_statefile_conflict(&rep->state, addr, second);
	/* An event line: in NDJSON always; in text only with --state, whose
	 * output has event lines (plain text keeps one line per host). */
	if (rep->opt->format == LS_FMT_PROM || (!rep->have_state && rep->opt->format != LS_FMT_JSON))
		return;
	memset(&r, 0, sizeof(r));
	r.target = a;
	r.has_addr = true;
	r.addr = *addr;
	r.state = LS_UP;
	r.rtt_ms = -1;
	r.via = addr->family == AF_INET6 ? "nd" : "arp";
	r.has_mac = true;
	memcpy(r.mac, second, 6);
	r.vendor = vendor;
	(void)ls_output_change(&rep->out, "conflict", &r, m1);	/* previous: the first MAC */
}

static void print_gone(const struct ls_statefile_entry *e, void *arg)
{
	struct ls_report *rep = arg;
	struct ls_result r;

	memset(&r, 0, sizeof(r));
	r.target = e->prev_target;
	r.state = e->prev_state;
	r.rtt_ms = -1;
	r.name = e->prev_name[0] != '\0' ? e->prev_name : NULL;
	if (ls_addr_parse(e->key, &r.addr) == 0) {
		r.has_addr = true;
	} else {
		r.target = e->key;	/* a name that did not resolve last time */
	}
	if (rep->opt->format != LS_FMT_PROM)
		ls_output_change(&rep->out, "gone", &r, ls_state_name(e->prev_state));
}

int ls_report_finish(struct ls_report *rep, const struct ls_stats *s, double elapsed_s,
		     bool complete, char *err, size_t errlen)
{
	struct timespec now;
	int rc = 0;

	ls_progress_clear(&rep->progress);
	if (rep->have_state && complete) {
		ls_statefile_each_gone(&rep->state, print_gone, rep);
		rc = ls_statefile_save(&rep->state);
		if (rc != 0) {
			snprintf(err, errlen, "%s: %s (the previous state is kept)", rep->opt->state_path,
				 strerror(-rc));
			return rc;
		}
	}
	if (rep->want_prom) {
		clock_gettime(CLOCK_REALTIME, &now);
		rep->prom.targets = s->targets;
		rep->prom.up = s->up;
		rep->prom.sent = s->sent;
		rep->prom.dropped = s->dropped;
		rep->prom.conflicts = s->conflicts;
		rep->prom.duration_s = elapsed_s;
		rep->prom.timestamp_s = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
		if (rep->opt->format == LS_FMT_PROM && !rep->opt->quiet && !rep->opt->nagios) {
			rc = ls_prom_write(stdout, &rep->prom);
			if (fflush(stdout) != 0)
				rc = -errno;
			if (rc != 0)
				return rc;
		}
		if (rep->opt->prom_file != NULL && complete) {
			rc = ls_write_atomic(rep->opt->prom_file, ls_prom_write, &rep->prom);
			if (rc != 0) {
				snprintf(err, errlen, "%s: %s", rep->opt->prom_file, strerror(-rc));
				return rc;
			}
		}
	}
	return ls_output_finish(&rep->out);
}

bool ls_report_thresholds_met(const struct ls_options *o, unsigned long long up, unsigned long long down)
{
	return (o->min_up < 0 || (long long)up >= o->min_up) &&
	       (o->max_down < 0 || (long long)down <= o->max_down);
}

enum ls_nagios ls_report_nagios(const struct ls_report *rep, const struct ls_stats *s,
				bool complete, double elapsed_s, char *line, size_t len)
{
	static const char *names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	const struct ls_options *o = rep->opt;
	unsigned long long down = s->down + s->unknown;
	enum ls_nagios st;
	char why[128] = "", warn_up[40] = "", crit_up[40] = "", crit_down[24] = "", rtt[32];
	bool limits = o->min_up >= 0 || o->max_down >= 0;
	bool ranges = o->warning.set || o->critical.set;

	if (!complete || s->unresolved > 0) {
		st = LS_NAGIOS_UNKNOWN;
		snprintf(why, sizeof(why), ", %s", !complete ? "sweep did not finish" : "some names did not resolve");
	} else if (ls_range_alert(&o->critical, (double)s->up) ||
		   (limits && !ls_report_thresholds_met(o, s->up, down)) ||
		   (!limits && !ranges && down > 0)) {	/* no threshold: any host down is critical */
		st = LS_NAGIOS_CRITICAL;
	} else if (ls_range_alert(&o->warning, (double)s->up) ||
		   (limits && !o->warning.set && down > 0)) {
		st = LS_NAGIOS_WARNING;
	} else {
		st = LS_NAGIOS_OK;
	}
	if (s->conflicts > 0) {		/* two machines on one address: someone should look */
		snprintf(why + strlen(why), sizeof(why) - strlen(why), ", %llu address conflicts",
			 (unsigned long long)s->conflicts);
		if (st == LS_NAGIOS_OK)
			st = LS_NAGIOS_WARNING;
	}
	/* perfdata thresholds: the ranges as given, else the limits as ranges */
	if (o->warning.set)
		snprintf(warn_up, sizeof(warn_up), "%s", o->warning.text);
	if (o->critical.set)
		snprintf(crit_up, sizeof(crit_up), "%s", o->critical.text);
	else if (o->min_up >= 0)
		snprintf(crit_up, sizeof(crit_up), "%lld:", o->min_up);
	if (o->max_down >= 0)
		snprintf(crit_down, sizeof(crit_down), "%lld", o->max_down);
	if (rep->rtt_n > 0)
		snprintf(rtt, sizeof(rtt), "%.6fs", rep->rtt_sum_ms / (double)rep->rtt_n / 1000.0);
	else
		snprintf(rtt, sizeof(rtt), "U");	/* no value, as the guidelines say */
	snprintf(line, len, "LANSCAN %s - %llu of %llu hosts up, %llu down%s | up=%llu;%s;%s;0;%llu down=%llu;;%s;0;%llu rtt_avg=%s;;;0 duration=%.3fs;;;0",
		 names[st], (unsigned long long)s->up, (unsigned long long)s->targets, down, why,
		 (unsigned long long)s->up, warn_up, crit_up, (unsigned long long)s->targets, down, crit_down,
		 (unsigned long long)s->targets, rtt, elapsed_s);
	return st;
}

void ls_report_stop(struct ls_report *rep)
{
	ls_progress_stop(&rep->progress);
}

void ls_report_close(struct ls_report *rep)
{
	if (rep->have_state)
		ls_statefile_close(&rep->state);
	ls_prom_free(&rep->prom);
	ls_output_finish(&rep->out);
}
