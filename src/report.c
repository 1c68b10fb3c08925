/* report.c -- results into --state changes, then into every sink the options ask for. */
#include "lanscan/report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lanscan/html.h"
#include "lanscan/prom.h"
#include "lanscan/summary.h"
#include "lanscan/table.h"
#include "lanscan/util.h"

static void add(struct ls_report *rep, struct ls_sink *s, bool changes)
{
	struct ls_sink **pp = &rep->sinks;

	s->changes = changes;
	while (*pp != NULL)
		pp = &(*pp)->next;
	*pp = s;
}

/* The sink for standard output, or NULL when out of memory (*none: the
 * options print nothing there). */
/* The format's default fields for these options: -K puts kind and model
 * after vendor (the table: where a person looks, and no MAC), -c N adds its
 * tally after them. */
static void format_default(const struct ls_options *opt, enum ls_format fmt, bool names, struct ls_fieldset *fs)
{
	char err[128];

	if (fmt == LS_FMT_TABLE && opt->identify)
		(void)ls_fields_parse(fs, "address,state,rtt,kind,vendor,model,name", false, err, sizeof(err));
	else if (fmt == LS_FMT_TABLE)
		ls_fields_default_table(fs, names);
	else if (fmt == LS_FMT_JSON)
		ls_fields_default_json(fs, names);
	else
		ls_fields_default_tsv(fs);
	if (opt->identify && fmt != LS_FMT_TABLE)
		(void)ls_fields_parse(fs, fmt == LS_FMT_JSON ? "+kind,model,kind_from,evidence" : "+kind,model",
				      fmt == LS_FMT_JSON, err, sizeof(err));
	if (opt->count > 1)
		(void)ls_fields_parse(fs, "+sent,received,loss,rtt_min,rtt_max", fmt == LS_FMT_JSON, err, sizeof(err));
}

/* The fields of -o for the format: "+LIST" adds to the format's default. */
static void fields_for(const struct ls_options *opt, enum ls_format fmt, bool names, struct ls_fieldset *fs)
{
	char err[256];

	fs->n = 0;
	if (opt->fields_text == NULL) {
		if (opt->count > 1 || opt->identify || fmt == LS_FMT_TABLE)
			format_default(opt, fmt, names, fs);
		return;		/* else the sink's own default (NDJSON: names per line) */
	}
	if (opt->fields_text[0] != '+') {
		*fs = opt->fields;
		return;
	}
	format_default(opt, fmt, names, fs);
	if (ls_fields_parse(fs, opt->fields_text, fmt == LS_FMT_JSON, err, sizeof(err)) != 0)
		*fs = opt->fields;	/* checked with the options: cannot fail */
}

/* The page's heading: the targets as given (cut at about 200 bytes), or the local subnets. */
static void html_title(const struct ls_options *opt, char *buf, size_t len)
{
	size_t used = 0, i;
	int w;

	buf[0] = '\0';
	for (i = 0; i < opt->ntargets; i++) {
		w = snprintf(buf + used, len - used, "%s%s", i > 0 ? " " : "", opt->targets[i]);
		if (w < 0 || (size_t)w >= len - used) {
			snprintf(buf + (len > 4 ? len - 4 : 0), len > 4 ? 4 : len, "...");
			return;
		}
		used += (size_t)w;
	}
	if (opt->nfiles > 0)
		snprintf(buf + used, len - used, "%s-f %s%s", used > 0 ? " " : "", opt->files[0],
			 opt->nfiles > 1 ? " ..." : "");
	else if (opt->ntargets == 0)
		snprintf(buf, len, "the local subnets%s%s", opt->iface != NULL ? " of " : "",
			 opt->iface != NULL ? opt->iface : "");
}

static struct ls_sink *stdout_sink(struct ls_report *rep, const struct ls_options *opt,
				   const struct ls_report_ctx *ctx, enum ls_format fmt)
{
	struct ls_table_cfg tc;
	struct ls_html_cfg hc;
	struct ls_output *o;
	char title[208];

	switch (fmt) {
	case LS_FMT_HTML:
		memset(&hc, 0, sizeof(hc));
		hc.fields = opt->fields;	/* -o; "+LIST": only the list, added to the automatic columns */
		hc.add = opt->fields_text != NULL && opt->fields_text[0] == '+';
		/* as the table: down hosts are counted (and drawn on the map), not listed */
		hc.show = opt->show == LS_SHOW_ALL && !opt->show_down ? LS_SHOW_NOT_DOWN : opt->show;
		html_title(opt, title, sizeof(title));
		hc.title = title[0] != '\0' ? title : NULL;
		hc.generator = "lanscan " LS_VERSION;
		return ls_html_new(STDOUT_FILENO, &hc);
	case LS_FMT_TABLE:
		memset(&tc, 0, sizeof(tc));
		tc.fd = STDOUT_FILENO;
		fields_for(opt, fmt, ctx->names, &tc.fields);
		tc.names = ctx->names;
		/* a person sees what is there: down hosts are counted, not listed */
		tc.show = opt->show == LS_SHOW_ALL && !opt->show_down && !rep->have_state ? LS_SHOW_NOT_DOWN : opt->show;
		rep->shown = tc.show;
		tc.header = opt->header != 0;
		tc.color = ls_table_want_color(opt->color, STDOUT_FILENO);
		tc.changes = rep->have_state;
		tc.columns = ls_table_columns(STDOUT_FILENO);
		tc.addr_width = ctx->addr_width;
		tc.utf8 = ls_locale_utf8();
		return ls_table_new(&tc);
	default:
		if ((o = malloc(sizeof(*o))) == NULL)
			return NULL;
		ls_output_init(o, STDOUT_FILENO);
		o->format = fmt;
		o->show = opt->show;
		o->header = opt->header == 1;
		o->changes = rep->have_state;
		fields_for(opt, fmt, ctx->names, &o->fields);
		o->owned = true;
		return &o->sink;
	}
}

int ls_report_open(struct ls_report *rep, const struct ls_options *opt, const struct ls_report_ctx *ctx,
		   char *err, size_t errlen)
{
	enum ls_format fmt = opt->format;
	struct ls_sink *s;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rep->opt = opt;
	rep->shown = opt->show;
	rep->stdout_tty = isatty(STDOUT_FILENO);
	if (fmt == LS_FMT_AUTO)
		fmt = rep->stdout_tty ? LS_FMT_TABLE : LS_FMT_TEXT;
	if (opt->state_path != NULL) {
		rc = ls_statefile_open_wait(&rep->state, opt->state_path, opt->lock_timeout_ms, err, errlen);
		if (rc != 0) {
			ls_statefile_close(&rep->state);
			return rc;
		}
		rep->have_state = true;
	}
	if (!opt->quiet && !opt->nagios && fmt != LS_FMT_PROM) {
		if ((s = stdout_sink(rep, opt, ctx, fmt)) == NULL)
			goto oom;
		if (opt->sort && !rep->have_state && fmt != LS_FMT_HTML) {	/* the page is in address order */
			struct ls_sink *sorted = ls_sort_sink_new(s);
			if (sorted == NULL) {
				s->ops->free(s);
				goto oom;
			}
			s = sorted;
		}
		add(rep, s, rep->have_state);
	}
	if (fmt == LS_FMT_PROM || opt->prom_file != NULL) {
		FILE *out = fmt == LS_FMT_PROM && !opt->quiet && !opt->nagios ? stdout : NULL;
		if ((s = ls_prom_sink_new(out, opt->prom_file)) == NULL)
			goto oom;
		add(rep, s, false);
	}
	if (opt->nagios) {
		struct ls_nagios_cfg nc = { opt->min_up, opt->max_down, opt->warning, opt->critical };
		if ((s = ls_nagios_sink_new(&nc, stdout)) == NULL)
			goto oom;
		rep->nagios = s;
		add(rep, s, false);
	}
	if (opt->summary) {	/* -q -s: the summary still, as fping's */
		if ((s = ls_summary_sink_new(stderr, fmt == LS_FMT_JSON)) == NULL)
			goto oom;
		add(rep, s, false);
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	ls_report_close(rep);
	return -ENOMEM;
}

void ls_report_start(struct ls_report *rep, uv_loop_t *loop, const struct ls_stats *stats,
		     unsigned long long total)
{
	int want = rep->opt->progress;

	/* On a terminal, progress shows by default: a sparse sweep is silent for long. */
	if (want < 0)
		want = isatty(STDERR_FILENO) && !rep->opt->nagios;
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

/* Every sink: a result, or to the sinks of changes, the change (event NULL: none). */
static int dispatch(struct ls_report *rep, const struct ls_result *r, const char *event, const char *previous)
{
	struct ls_sink *s;
	int rc, first = 0;

	for (s = rep->sinks; s != NULL; s = s->next) {
		if (s->changes)
			rc = event != NULL ? s->ops->change(s, event, r, previous) : 0;
		else
			rc = s->ops->result(s, r);
		if (rc != 0 && first == 0)
			first = rc;
	}
	return first;
}

/* An event that is not a host's result (conflict, gone): to every sink. */
static int event_all(struct ls_report *rep, const char *event, const struct ls_result *r, const char *previous)
{
	struct ls_sink *s;
	int rc, first = 0;

	for (s = rep->sinks; s != NULL; s = s->next)
		if ((rc = s->ops->change(s, event, r, previous)) != 0 && first == 0)
			first = rc;
	return first;
}

int ls_report_result(struct ls_report *rep, const struct ls_result *r)
{
	const struct ls_statefile_entry *e;
	enum ls_change c;
	char old[18];
	const char *prev;

	if (!r->has_addr && !rep->opt->nagios)
		warn(rep, "%s: %s", r->target, r->error ? r->error : "not resolved");
	/* A line for the same terminal: the progress line makes way (only for
	 * a line that will be printed, or it would blink away at every host) */
	if (rep->stdout_tty && ls_show_passes(rep->shown, r->state))
		ls_progress_clear(&rep->progress);
	if (!rep->have_state)
		return dispatch(rep, r, NULL, NULL);
	c = ls_statefile_observe(&rep->state, r, &e);
	if (e == NULL)
		return -ENOMEM;
	if (c == LS_CHANGE_NONE)
		return dispatch(rep, r, NULL, NULL);
	if (c == LS_CHANGE_MAC || c == LS_CHANGE_FLIP) {	/* previous: the MAC it had */
		ls_statefile_mac_text(e->macs[0], old);
		prev = old;
	} else if (c == LS_CHANGE_RENAMED) {	/* previous: the name it had */
		prev = ls_statefile_renamed_from(e, r);
	} else {
		prev = e->has_prev ? ls_state_name(e->prev_state) : NULL;
	}
	return dispatch(rep, r, ls_change_name(c), prev);
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
	(void)event_all(rep, "conflict", &r, m1);	/* previous: the first MAC */
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
	(void)event_all(rep, "gone", &r, ls_state_name(e->prev_state));
}

void ls_report_summary(struct ls_summary *sum, const struct ls_stats *s, double elapsed_s, bool complete,
		       bool interrupted)
{
	struct timespec now;

	memset(sum, 0, sizeof(*sum));
	clock_gettime(CLOCK_REALTIME, &now);
	sum->targets = s->targets;
	sum->up = s->up;
	sum->down = s->down;
	sum->unknown = s->unknown + s->unresolved;	/* as the lines say */
	sum->unresolved = s->unresolved;
	sum->sent = s->sent;
	sum->dropped = s->dropped;
	sum->conflicts = s->conflicts;
	sum->elapsed_s = elapsed_s;
	sum->timestamp_s = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	sum->complete = complete;
	sum->interrupted = interrupted;
}

int ls_report_finish(struct ls_report *rep, const struct ls_summary *whole, char *err, size_t errlen)
{
	struct ls_summary copy = *whole, *sum = &copy;
	struct ls_sink *s;
	char e[LS_ERRLEN + 64];
	int rc, first = 0;

	ls_progress_clear(&rep->progress);
	rep->finished = true;
	if (rep->have_state && sum->complete) {
		ls_statefile_each_gone(&rep->state, print_gone, rep);
		rc = ls_statefile_save(&rep->state);
		if (rc != 0) {
			snprintf(err, errlen, "%s: %s (the previous state is kept)", rep->opt->state_path,
				 strerror(-rc));
			first = rc;
			sum->complete = false;	/* a failed sweep: no metrics file, Nagios UNKNOWN */
		}
	}
	for (s = rep->sinks; s != NULL; s = s->next) {
		e[0] = '\0';
		rc = s->ops->finish(s, sum, e, sizeof(e));
		if (rc != 0 && first == 0) {
			first = rc;
			snprintf(err, errlen, "%s", e);
		}
	}
	return first;
}

bool ls_report_thresholds_met(const struct ls_options *o, unsigned long long up, unsigned long long down)
{
	struct ls_nagios_cfg c = { o->min_up, o->max_down, o->warning, o->critical };

	return ls_nagios_thresholds_met(&c, up, down);
}

enum ls_nagios ls_report_nagios_status(const struct ls_report *rep)
{
	return rep->nagios != NULL ? ls_nagios_sink_status(rep->nagios) : LS_NAGIOS_UNKNOWN;
}

void ls_report_stop(struct ls_report *rep)
{
	ls_progress_stop(&rep->progress);
}

void ls_report_close(struct ls_report *rep)
{
	struct ls_sink *s, *next;

	if (rep->have_state)
		ls_statefile_close(&rep->state);
	rep->have_state = false;
	for (s = rep->sinks; s != NULL; s = next) {
		next = s->next;
		s->ops->free(s);
	}
	rep->sinks = NULL;
	rep->nagios = NULL;
}
