/* prom.c -- keep per-host results and write them in the Prometheus text exposition format. */
#include "lanscan/prom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/util.h"

int ls_prom_add(struct ls_prom *p, const struct ls_result *r)
{
	struct ls_prom_host *h;

	if (ls_grow(&p->h, p->n, &p->cap, sizeof(*p->h), 256) != 0)
		return -ENOMEM;
	h = &p->h[p->n];
	memset(h, 0, sizeof(*h));
	if (r->has_addr)
		ls_addr_format(&r->addr, h->address, sizeof(h->address));
	h->name = strdup(r->name != NULL ? r->name : "");
	h->target = strdup(r->target);
	if (h->name == NULL || h->target == NULL) {
		free(h->name);
		free(h->target);
		return -ENOMEM;
	}
	h->up = r->state == LS_UP;
	h->rtt_ms = r->rtt_ms;
	h->identify = r->identify;
	h->kind = r->kind;
	if (r->model != NULL && (h->model = strdup(r->model)) == NULL) {
		free(h->name);
		free(h->target);
		return -ENOMEM;
	}
	if (r->has_mac) {
		snprintf(h->mac, sizeof(h->mac), "%02x:%02x:%02x:%02x:%02x:%02x", r->mac[0], r->mac[1],
			 r->mac[2], r->mac[3], r->mac[4], r->mac[5]);
		h->vendor = r->vendor;
	}
	p->n++;
	return 0;
}

/* Writes a label value with \\, " and newlines escaped. */
static void label_value(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void labels(FILE *f, const struct ls_prom_host *h)
{
	fputs("{address=\"", f);
	label_value(f, h->address);
	fputs("\",name=\"", f);
	label_value(f, h->name);
	fputs("\",target=\"", f);
	label_value(f, h->target);
	fputs("\"}", f);
}

static void family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

int ls_prom_write(FILE *f, void *arg)
{
	const struct ls_prom *p = arg;
	size_t i;

	family(f, "lanscan_up", "Whether the host answered the last sweep (1) or not (0).");
	for (i = 0; i < p->n; i++) {
		fputs("lanscan_up", f);
		labels(f, &p->h[i]);
		fprintf(f, " %d\n", p->h[i].up ? 1 : 0);
	}
	family(f, "lanscan_rtt_seconds", "Round-trip time of the host's reply in the last sweep.");
	for (i = 0; i < p->n; i++) {
		if (!p->h[i].up || p->h[i].rtt_ms < 0)
			continue;
		fputs("lanscan_rtt_seconds", f);
		labels(f, &p->h[i]);
		fprintf(f, " %.6f\n", p->h[i].rtt_ms / 1000.0);
	}
	family(f, "lanscan_host_info", "The identity of a host up in the last sweep: MAC, vendor, best name; "
				       "with --identify its kind and model (always 1).");
	for (i = 0; i < p->n; i++) {	/* hosts with a MAC, a name or a kind */
		if (!p->h[i].up || (p->h[i].mac[0] == '\0' && p->h[i].name[0] == '\0' && p->h[i].kind == NULL))
			continue;
		fputs("lanscan_host_info{address=\"", f);
		label_value(f, p->h[i].address);
		fputs("\",mac=\"", f);
		label_value(f, p->h[i].mac);
		fputs("\",vendor=\"", f);
		label_value(f, p->h[i].vendor != NULL ? p->h[i].vendor : "");
		fputs("\",name=\"", f);
		label_value(f, p->h[i].name);
		if (p->h[i].identify) {
			fputs("\",kind=\"", f);
			label_value(f, p->h[i].kind != NULL ? p->h[i].kind : "");
			fputs("\",model=\"", f);
			label_value(f, p->h[i].model != NULL ? p->h[i].model : "");
		}
		fputs("\"} 1\n", f);
	}
	family(f, "lanscan_targets", "Targets in the last sweep.");
	fprintf(f, "lanscan_targets %llu\n", p->targets);
	family(f, "lanscan_hosts_up", "Hosts up in the last sweep.");
	fprintf(f, "lanscan_hosts_up %llu\n", p->up);
	family(f, "lanscan_packets_sent", "Probe packets (and connection attempts) the last sweep sent.");
	fprintf(f, "lanscan_packets_sent %llu\n", p->sent);
	family(f, "lanscan_replies_dropped", "Replies the kernel dropped in the last sweep (its hosts are unknown).");
	fprintf(f, "lanscan_replies_dropped %llu\n", p->dropped);
	family(f, "lanscan_address_conflicts", "Addresses that answered from two MACs in the last sweep (ARP or ND).");
	fprintf(f, "lanscan_address_conflicts %llu\n", p->conflicts);
	family(f, "lanscan_sweep_duration_seconds", "How long the last sweep took.");
	fprintf(f, "lanscan_sweep_duration_seconds %.3f\n", p->duration_s);
	family(f, "lanscan_last_run_timestamp_seconds", "When the last sweep ended, in Unix time.");
	fprintf(f, "lanscan_last_run_timestamp_seconds %.3f\n", p->timestamp_s);
	return ferror(f) ? -EIO : 0;
}

void ls_prom_free(struct ls_prom *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->h[i].name);
		free(p->h[i].target);
		free(p->h[i].model);
	}
	free(p->h);
	memset(p, 0, sizeof(*p));
}

struct prom_sink {
	struct ls_sink sink;
	struct ls_prom prom;
	FILE *out;
	const char *file;
};

static int ps_result(struct ls_sink *s, const struct ls_result *r)
{
	return ls_prom_add(&ls_container_of(s, struct prom_sink, sink)->prom, r);
}

/* Metrics are of this sweep's hosts, each of which comes as a result. */
static int ps_change(struct ls_sink *s, const char *event, const struct ls_result *r, const char *previous)
{
	(void)s, (void)event, (void)r, (void)previous;
	return 0;
}

static int ps_finish(struct ls_sink *s, const struct ls_summary *sum, char *err, size_t errlen)
{
	struct prom_sink *ps = ls_container_of(s, struct prom_sink, sink);
	struct ls_prom *p = &ps->prom;
	int rc = 0;

	p->targets = sum->targets;
	p->up = sum->up;
	p->sent = sum->sent;
	p->dropped = sum->dropped;
	p->conflicts = sum->conflicts;
	p->duration_s = sum->elapsed_s;
	p->timestamp_s = sum->timestamp_s;
	if (ps->out != NULL) {
		rc = ls_prom_write(ps->out, p);
		if (fflush(ps->out) != 0)
			rc = -errno;
		if (rc != 0)
			return rc;
	}
	if (ps->file != NULL && sum->complete) {
		rc = ls_write_atomic(ps->file, ls_prom_write, p);
		if (rc != 0)
			snprintf(err, errlen, "%s: %s", ps->file, strerror(-rc));
	}
	return rc;
}

static void ps_free(struct ls_sink *s)
{
	struct prom_sink *ps = ls_container_of(s, struct prom_sink, sink);

	ls_prom_free(&ps->prom);
	free(ps);
}

static const struct ls_sink_ops prom_ops = { ps_result, ps_change, ps_finish, ps_free };

struct ls_sink *ls_prom_sink_new(FILE *out, const char *file)
{
	struct prom_sink *ps = calloc(1, sizeof(*ps));

	if (ps == NULL)
		return NULL;
	ps->sink.ops = &prom_ops;
	ps->out = out;
	ps->file = file;
	return &ps->sink;
}
