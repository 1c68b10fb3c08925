/* prom.h -- Prometheus text exposition of a sweep (--format prom, --prom-file) for node_exporter. */
#ifndef LANSCAN_PROM_H
#define LANSCAN_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lanscan/result.h"
#include "lanscan/sink.h"

struct ls_prom_host {
	char address[64];	/* "" when the name did not resolve */
	char *name;		/* "" when none */
	char *target;
	bool up;
	double rtt_ms;
	char mac[18];		/* "" when none */
	const char *vendor;	/* NULL when none (the oui database's string) */
	bool identify;		/* --identify: kind and model labels */
	const char *kind;	/* a static word, or NULL */
	char *model;		/* NULL when none */
};

struct ls_prom {
	struct ls_prom_host *h;
	size_t n, cap;
	/* sweep-level values, set before writing */
	unsigned long long targets, up;
	unsigned long long sent, dropped;	/* packets sent; replies the kernel dropped */
	unsigned long long conflicts;		/* addresses that answered from two MACs */
	double duration_s, timestamp_s;
};

/* Keeps one host's result (metrics are grouped by name, so all are kept). */
int ls_prom_add(struct ls_prom *p, const struct ls_result *r);

/* Writes the exposition; returns 0 or a negative errno. */
int ls_prom_write(FILE *f, void *prom);

void ls_prom_free(struct ls_prom *p);

/* The Prometheus sink: keeps every host's result and, at finish, prints
 * the exposition on out (--format prom; NULL: not) and replaces file
 * (--prom-file; NULL: none) atomically, for a sweep that completed only.
 * Returns NULL when out of memory. */
struct ls_sink *ls_prom_sink_new(FILE *out, const char *file);

#endif
