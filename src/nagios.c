/* nagios.c -- Nagios plugin threshold ranges, strictly parsed. */
#include "lanscan/nagios.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "lanscan/util.h"

/* A whole finite number, nothing around it. */
static int number(const char *s, size_t n, double *out)
{
	char buf[32], *end;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strspn(buf, "0123456789.-+") != n)
		return -EINVAL;	/* no hex, no exponent, no spaces, no "inf" */
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -EINVAL;
}

int ls_range_parse(const char *text, struct ls_range *r)
{
	const char *p = text, *colon;
	size_t len = strlen(text);

	memset(r, 0, sizeof(*r));
	if (len == 0 || len >= sizeof(r->text))
		return -EINVAL;
	memcpy(r->text, text, len + 1);
	if (*p == '@') {
		r->inside = true;
		p++;
	}
	colon = strchr(p, ':');
	if (colon == NULL) {	/* "10": 0..10 */
		r->has_lo = r->has_hi = true;
		r->lo = 0;
		if (number(p, strlen(p), &r->hi) != 0)
			return -EINVAL;
	} else {
		if (colon - p == 1 && *p == '~')
			r->has_lo = false;
		else if (number(p, (size_t)(colon - p), &r->lo) == 0)
			r->has_lo = true;
		else
			return -EINVAL;
		if (colon[1] == '\0')
			r->has_hi = false;
		else if (number(colon + 1, strlen(colon + 1), &r->hi) == 0)
			r->has_hi = true;
		else
			return -EINVAL;
	}
	if ((r->has_lo && r->has_hi && r->lo > r->hi) || (!r->has_lo && !r->has_hi))
		return -EINVAL;
	r->set = true;
	return 0;
}

bool ls_range_alert(const struct ls_range *r, double v)
{
	bool in;

	if (!r->set)
		return false;
	in = (!r->has_lo || v >= r->lo) && (!r->has_hi || v <= r->hi);
	return r->inside ? in : !in;
}

bool ls_nagios_thresholds_met(const struct ls_nagios_cfg *c, unsigned long long up, unsigned long long down)
{
	return (c->min_up < 0 || (long long)up >= c->min_up) && (c->max_down < 0 || (long long)down <= c->max_down);
}

enum ls_nagios ls_nagios_status(const struct ls_nagios_cfg *o, const struct ls_summary *s, double rtt_avg_ms,
				char *line, size_t len)
{
	static const char *names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	/* down: every host not up but the names that did not resolve */
	unsigned long long down = s->down + s->unknown - s->unresolved;
	enum ls_nagios st;
	char why[128] = "", warn_up[40] = "", crit_up[40] = "", crit_down[24] = "", rtt[32];
	bool limits = o->min_up >= 0 || o->max_down >= 0;
	bool ranges = o->warning.set || o->critical.set;

	if (!s->complete || s->unresolved > 0) {
		st = LS_NAGIOS_UNKNOWN;
		snprintf(why, sizeof(why), ", %s", !s->complete ? "sweep did not finish" : "some names did not resolve");
	} else if (ls_range_alert(&o->critical, (double)s->up) ||
		   (limits && !ls_nagios_thresholds_met(o, s->up, down)) ||
		   (!limits && !ranges && down > 0)) {	/* no threshold: any host down is critical */
		st = LS_NAGIOS_CRITICAL;
	} else if (ls_range_alert(&o->warning, (double)s->up) || (limits && !o->warning.set && down > 0)) {
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
	if (rtt_avg_ms >= 0)
		snprintf(rtt, sizeof(rtt), "%.6fs", rtt_avg_ms / 1000.0);
	else
		snprintf(rtt, sizeof(rtt), "U");	/* no value, as the guidelines say */
	snprintf(line, len, "LANSCAN %s - %llu of %llu hosts up, %llu down%s | up=%llu;%s;%s;0;%llu down=%llu;;%s;0;%llu rtt_avg=%s;;;0 duration=%.3fs;;;0",
		 names[st], (unsigned long long)s->up, (unsigned long long)s->targets, down, why,
		 (unsigned long long)s->up, warn_up, crit_up, (unsigned long long)s->targets, down, crit_down,
		 (unsigned long long)s->targets, rtt, s->elapsed_s);
	return st;
}

struct nagios_sink {
	struct ls_sink sink;
	struct ls_nagios_cfg cfg;
	FILE *out;
	double rtt_sum_ms;
	unsigned long long rtt_n;
	enum ls_nagios status;
};

static int ns_result(struct ls_sink *s, const struct ls_result *r)
{
	struct nagios_sink *ns = ls_container_of(s, struct nagios_sink, sink);

	if (r->state == LS_UP && r->rtt_ms >= 0) {
		ns->rtt_sum_ms += r->rtt_ms;
		ns->rtt_n++;
	}
	return 0;
}

static int ns_change(struct ls_sink *s, const char *event, const struct ls_result *r, const char *previous)
{
	(void)s, (void)event, (void)r, (void)previous;
	return 0;	/* the status counts every host, which each come as a result */
}

static int ns_finish(struct ls_sink *s, const struct ls_summary *sum, char *err, size_t errlen)
{
	struct nagios_sink *ns = ls_container_of(s, struct nagios_sink, sink);
	char line[512];
	enum ls_nagios st;

	st = ls_nagios_status(&ns->cfg, sum, ns->rtt_n > 0 ? ns->rtt_sum_ms / (double)ns->rtt_n : -1, line,
			      sizeof(line));
	fprintf(ns->out, "%s\n", line);
	if (fflush(ns->out) != 0 || ferror(ns->out)) {
		snprintf(err, errlen, "writing output: %s", strerror(errno ? errno : EIO));
		return -(errno ? errno : EIO);
	}
	ns->status = st;
	return 0;
}

static void ns_free(struct ls_sink *s)
{
	free(ls_container_of(s, struct nagios_sink, sink));
}

static const struct ls_sink_ops nagios_ops = { ns_result, ns_change, ns_finish, ns_free };

struct ls_sink *ls_nagios_sink_new(const struct ls_nagios_cfg *c, FILE *out)
{
	struct nagios_sink *ns = calloc(1, sizeof(*ns));

	if (ns == NULL)
		return NULL;
	ns->sink.ops = &nagios_ops;
	ns->cfg = *c;
	ns->out = out;
	ns->status = LS_NAGIOS_UNKNOWN;
	return &ns->sink;
}

enum ls_nagios ls_nagios_sink_status(const struct ls_sink *s)
{
	return ls_container_of(s, const struct nagios_sink, sink)->status;
}
