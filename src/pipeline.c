/* pipeline.c -- a bounded window of jobs: resolve names, race methods on addresses, emit as decided. */
#include "lanscan/pipeline.h"
#include "pipeline_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/identify.h"
#include "lanscan/kind.h"
#include "lanscan/linkwatch.h"
#include "lanscan/names.h"
#include "lanscan/oui.h"
#include "lanscan/race.h"
#include "lanscan/util.h"

static void pump(struct ls_pipeline *p);
static void check_done(struct ls_pipeline *p);

struct ls_job *ls__job_new(struct ls_pipeline *p, const struct ls_spec *spec)
{
	struct ls_job *job = calloc(1, sizeof(*job));

	if (job == NULL)
		return NULL;
	job->pl = p;
	job->spec = spec;
	job->next = p->live;
	if (p->live != NULL)
		p->live->prev = job;
	p->live = job;
	p->jobs++;
	return job;
}

/* Takes the job off the live list; the outermost frame frees it (leave). */
void ls__job_free(struct ls_job *job)
{
	struct ls_pipeline *p = job->pl;

	if (job->phase == J_DEAD)
		return;
	if (job->prev != NULL)
		job->prev->next = job->next;
	else
		p->live = job->next;
	if (job->next != NULL)
		job->next->prev = job->prev;
	job->phase = J_DEAD;
	job->qnext = p->dead;
	p->dead = job;
}

void ls__pl_enter(struct ls_pipeline *p)
{
	p->depth++;
}

/* Leaves a frame of the pipeline.  The outermost one frees the dead jobs,
 * fills the window again (its frees may bury more: it loops) and, last,
 * runs done_cb when the sweep is over.  The caller returns at once after. */
void ls__pl_leave(struct ls_pipeline *p)
{
	struct ls_job *job;

	if (p->depth > 1) {
		p->depth--;
		return;
	}
	do {
		while ((job = p->dead) != NULL) {
			p->dead = job->qnext;
			p->jobs--;
			ls_race_free(&job->race);
			ls_facts_free(&job->facts);
			free(job->req);
			free(job);
		}
		pump(p);
	} while (p->dead != NULL);
	p->depth = 0;
	check_done(p);
}

void ls_pipeline_fail(struct ls_pipeline *p, int err, const char *msg)
{
	if (p->syserr == 0) {
		p->syserr = err;
		snprintf(p->syserr_msg, sizeof(p->syserr_msg), "%s", msg);
	}
	ls_pipeline_stop(p);
}

void ls__pl_emit(struct ls_pipeline *p, const struct ls_result *r)
{
	int rc;

	p->stats.targets++;
	if (!r->has_addr)
		p->stats.unresolved++;
	else if (r->state == LS_UP)
		p->stats.up++;
	else if (r->state == LS_DOWN)
		p->stats.down++;
	else
		p->stats.unknown++;
	if (p->out_err != 0)
		return;
	rc = p->result_cb(p, r);
	if (rc != 0) {
		p->out_err = rc;
		ls_pipeline_stop(p);
	}
}

/* The name column: the name the target was given as (the user's own name
 * for it: two names of one host stay two lines a person can tell apart),
 * else the best name the host gave (facts.h).  nb: room for a lower-cased
 * NetBIOS name. */
static const char *best_name(const struct ls_job *job, const struct ls_facts *f, char *nb, size_t len)
{
	return job->is_name ? job->spec->text : ls_facts_best_name(f, nb, len);
}

/* What the sweep itself saw of the host, as evidence for its kind: the
 * TTL of its reply, the TCP port that answered open, its MAC's vendor and
 * whether that MAC is locally administered (kind.h's keys). */
static void sweep_facts(const struct ls_race *rc, const struct ls_result *r, struct ls_facts *f)
{
	char v[16];

	if (rc->ans.ttl > 0) {
		snprintf(v, sizeof(v), "%d", rc->ans.ttl);
		(void)ls_facts_add(f, "ip", "ttl", v);
	}
	if (r->via != NULL && strncmp(r->via, "tcp/", 4) == 0 && rc->ans.port_open)
		(void)ls_facts_add(f, "tcp", "port", r->via + 4);	/* open: a RST says nothing of a service */
	if (r->has_mac && r->vendor != NULL && strcmp(r->vendor, LS_OUI_LOCAL) != 0)
		(void)ls_facts_add(f, "mac", "vendor", r->vendor);
	if (r->has_mac && (r->mac[0] & 0x02))
		(void)ls_facts_add(f, "mac", "local", "1");
}

static void emit_race(struct ls_job *job, const struct ls_facts *f)
{
	const struct ls_race *rc = &job->race;
	struct ls_kind_result kind;
	struct ls_result r;
	char text[16], nb[80];

	memset(&r, 0, sizeof(r));
	r.target = ls_spec_text(job->spec, text, sizeof(text));
	r.has_addr = true;
	r.addr = rc->addr;
	r.state = rc->state;
	r.rtt_ms = rc->state == LS_UP ? rc->ans.rtt_ms : -1;
	r.via = rc->state == LS_UP ? rc->ans.via : NULL;
	r.has_mac = rc->state == LS_UP && rc->ans.has_mac;
	memcpy(r.mac, rc->ans.mac, sizeof(r.mac));
	/* An on-link host that answered over IP (ICMP, TCP, ping): the kernel
	 * resolved its address to reach it, and knows the MAC. */
	if (rc->state == LS_UP && !r.has_mac && rc->path.kind == LS_ROUTE_ONLINK &&
	    ls_netinfo_neigh_mac(&rc->addr, rc->path.ifindex, r.mac) == 1)
		r.has_mac = true;
	if (r.has_mac)
		r.vendor = ls_oui_vendor(job->pl->oui, r.mac);
	r.name = best_name(job, f, nb, sizeof(nb));
	if (rc->state == LS_UP && rc->ans.sent > 0) {	/* -c N: the ping method's tally */
		r.sent = rc->ans.sent;
		r.received = rc->ans.received;
		r.rtt_min_ms = rc->ans.rtt_min_ms;
		r.rtt_max_ms = rc->ans.rtt_max_ms;
	} else if (rc->state == LS_DOWN && job->pl->plan->cfg.count > 1) {
		r.sent = (unsigned)job->pl->plan->cfg.count;	/* every request unanswered */
	}
	r.names = job->pl->names != NULL;
	r.facts = f;
	r.error = ls_race_error(rc);
	if (job->pl->identify != NULL && rc->state == LS_UP && f != NULL) {
		r.identify = true;
		sweep_facts(rc, &r, &job->facts);	/* f is job->facts: the same list */
		ls_kind_decide(f->v, f->n, &kind);
		r.kind = kind.kind;
		r.model = kind.model;
		r.kind_fact = kind.kind_fact >= 0 ? &f->v[kind.kind_fact] : NULL;
	} else {
		r.identify = job->pl->identify != NULL;
	}
	job->emitted = true;
	ls__pl_emit(job->pl, &r);
}

/* Frees the job once its race is over and its line is out (or never will be). */
static void settle(struct ls_job *job)
{
	if (job->racing || job->req != NULL || job->nq != NULL || job->il != NULL)
		return;
	ls__job_free(job);
}

/* A lookup ended (names or recognition): its facts join the host's; the
 * line goes out once both are in, even when stopping. */
static void lookup_done(struct ls_job *job, const struct ls_facts *f)
{
	(void)ls_facts_copy(&job->facts, f);
	if (job->nq == NULL && job->il == NULL)
		emit_race(job, &job->facts);
	settle(job);
}

static void on_names(void *arg, const struct ls_facts *f)
{
	struct ls_job *job = arg;
	struct ls_pipeline *p = job->pl;

	ls__pl_enter(p);
	job->nq = NULL;
	lookup_done(job, f);
	ls__pl_leave(p);
}

static void on_identified(void *arg, const struct ls_facts *f)
{
	struct ls_job *job = arg;
	struct ls_pipeline *p = job->pl;

	ls__pl_enter(p);
	job->il = NULL;
	lookup_done(job, f);
	ls__pl_leave(p);
}

const char *ls__pl_blame(struct ls_pipeline *p, int ifindex, double since)
{
	return p->linkwatch != NULL ? ls_linkwatch_broke(p->linkwatch, ifindex, since) : NULL;
}

void ls__pl_decided(struct ls_race *r)
{
	struct ls_job *job = ls_container_of(r, struct ls_job, race);
	struct ls_pipeline *p = job->pl;
	const char *why;

	ls__pl_enter(p);
	if (r->state != LS_UP && (why = ls__pl_blame(p, r->path.ifindex, job->started_ms)) != NULL &&
	    r->state == LS_DOWN) {
		/* Our path broke while the target was probed: its silence
		 * (or our own stack's refusal) is not its answer. */
		r->state = LS_UNKNOWN;
		free(r->unknown);
		r->unknown = strdup(why);
	}
	if (r->state == LS_UP && !p->stopping) {
		if (p->names != NULL)
			job->nq = ls_names_start(p->names, &r->addr, &r->path, on_names, job);
		if (p->identify != NULL)
			job->il = ls_identify_start(p->identify, &r->addr, &r->path, on_identified, job);
		if (job->nq != NULL || job->il != NULL) {
			job->phase = J_NAMES;	/* the line waits for them (never called back in here) */
			ls__pl_leave(p);
			return;
		}
	}
	emit_race(job, p->identify != NULL ? &job->facts : NULL);
	ls__pl_leave(p);
}

void ls__pl_finished(struct ls_race *r)
{
	struct ls_job *job = ls_container_of(r, struct ls_job, race);
	struct ls_pipeline *p = job->pl;

	ls__pl_enter(p);
	if (job->onlink)
		ls__onlink_release(p, job);
	job->racing = false;
	p->probes--;
	settle(job);
	ls__pl_leave(p);
}

static void start_race(struct ls_pipeline *p, struct ls_job *job)
{
	job->phase = J_PROBING;
	job->racing = true;
	job->race.plan = p->plan;
	job->race.decided = ls__pl_decided;
	job->race.finished = ls__pl_finished;
	job->started_ms = ls_now_ms();
	p->probes++;
	ls_race_start(&job->race);	/* may finish at once: the job is buried, not freed */
}

/* Starts a job's race, or holds it while the neighbour table is full. */
static void start_probe(struct ls_pipeline *p, struct ls_job *job, bool have_path)
{
	if (!have_path)
		ls_plan_path(p->plan, &job->race.addr, &job->race.path);
	if (ls_plan_uses_table(p->plan, &job->race.addr, &job->race.path)) {
		if (p->onlink >= p->onlink_max || p->held != NULL) {
			job->phase = J_HELD;
			job->qnext = NULL;
			if (p->held_tail != NULL)
				p->held_tail->qnext = job;
			else
				p->held = job;
			p->held_tail = job;
			return;
		}
		p->onlink++;
		job->onlink = true;
	}
	start_race(p, job);
}

static void enqueue(struct ls_pipeline *p, struct ls_job *job)
{
	job->phase = J_QUEUED;
	job->qnext = NULL;
	if (p->ready_tail != NULL)
		p->ready_tail->qnext = job;
	else
		p->ready = job;
	p->ready_tail = job;
}

/* What a failed lookup means, saying that it was the name's resolution
 * (the message and the JSON error); static strings, kept by --sort. */
static const char *resolve_error(int status)
{
	switch (status) {
	case UV_EAI_NONAME: return "name resolution failed: no such name";
	case UV_EAI_AGAIN: return "name resolution failed: temporary failure (the name server did not answer, or failed)";
	case UV_EAI_NODATA: return "name resolution failed: no address (of the family asked for)";
	case UV_EAI_ADDRFAMILY: return "name resolution failed: the name has no address of the family asked for";
	case UV_EAI_FAIL: return "name resolution failed: permanent failure";
	case UV_EAI_MEMORY: case UV_ENOMEM: return "name resolution failed: out of memory";
	default: return "name resolution failed";
	}
}

static void emit_unresolved(struct ls_pipeline *p, const struct ls_spec *spec, int status)
{
	struct ls_result r;

	memset(&r, 0, sizeof(r));
	r.target = spec->text;
	r.state = LS_UNKNOWN;
	r.rtt_ms = -1;
	r.names = p->names != NULL;	/* the same keys on every line */
	r.error = resolve_error(status);
	ls__pl_emit(p, &r);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct ls_job *job = req->data, *extra;
	struct ls_pipeline *p = job->pl;
	struct ls_addr a, seen[16];
	struct addrinfo *ai;
	size_t nseen = 0, i;
	bool dup;

	ls__pl_enter(p);
	p->resolving--;
	free(job->req);
	job->req = NULL;
	if (p->stopping) {
		ls__job_free(job);
	} else if (status != 0) {
		emit_unresolved(p, job->spec, status);
		ls__job_free(job);
	} else {
		for (ai = res; ai != NULL && nseen < LS_ARRAY_SIZE(seen); ai = ai->ai_next) {
			if (ls_addr_from_sockaddr(ai->ai_addr, &a) != 0)
				continue;
			for (dup = false, i = 0; i < nseen && !dup; i++)
				dup = ls_addr_cmp(&seen[i], &a) == 0;
			if (dup || (p->exclude != NULL && ls_targets_contains(p->exclude, &a)))
				continue;
			seen[nseen++] = a;
			if (!p->resolve_all)
				break;
		}
		for (i = 0; i < nseen; i++) {
			extra = i == 0 ? job : ls__job_new(p, job->spec);
			if (extra == NULL) {
				ls_pipeline_fail(p, -ENOMEM, "out of memory");
				break;
			}
			extra->is_name = true;
			extra->race.addr = seen[i];
			enqueue(p, extra);
		}
		if (nseen == 0)
			ls__job_free(job);	/* every address excluded */
	}
	uv_freeaddrinfo(res);
	ls__pl_leave(p);	/* fills the window */
}


static void start_resolve(struct ls_pipeline *p, struct ls_job *job)
{
	struct addrinfo hints;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = p->family != 0 ? p->family : AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;		/* one entry per address */
	hints.ai_flags = AI_ADDRCONFIG | AI_IDN;	/* internationalised names, as UTF-8 */
	job->phase = J_RESOLVING;
	job->req = malloc(sizeof(uv_getaddrinfo_t));
	if (job->req == NULL) {
		ls__job_free(job);
		ls_pipeline_fail(p, -ENOMEM, "out of memory");
		return;
	}
	((uv_getaddrinfo_t *)job->req)->data = job;
	rc = uv_getaddrinfo(p->loop, job->req, on_resolved, job->spec->text, NULL, &hints);
	if (rc != 0) {
		emit_unresolved(p, job->spec, rc);
		ls__job_free(job);
		return;
	}
	p->resolving++;
}

static void check_done(struct ls_pipeline *p)
{
	if (!p->done && p->depth == 0 && (p->exhausted || p->stopping) && p->jobs == 0 && p->lite == 0) {
		p->done = true;
		if (p->timer_open) {
			uv_timer_stop(&p->release_timer);
			uv_close((uv_handle_t *)&p->release_timer, NULL);
			p->timer_open = false;
		}
		free(p->releases);
		p->releases = NULL;
		ls__lite_close(p);
		p->done_cb(p);
	}
}

/* Fills the window: queued addresses first, then new targets, while slots are free. */
static void pump(struct ls_pipeline *p)
{
	struct ls_target t;
	struct ls_path path;
	struct ls_job *job;

	if (p->pumping)
		return;
	p->pumping = true;
	while (!p->stopping && p->probes < p->max_jobs) {
		if (p->held != NULL) {	/* on-link targets first, in order, as room frees */
			if (p->onlink >= p->onlink_max)
				break;
			job = p->held;
			p->held = job->qnext;
			if (p->held == NULL)
				p->held_tail = NULL;
			p->onlink++;
			job->onlink = true;
			start_race(p, job);
			continue;
		}
		if (p->ready != NULL) {
			job = p->ready;
			p->ready = job->qnext;
			if (p->ready == NULL)
				p->ready_tail = NULL;
			start_probe(p, job, false);
			continue;
		}
		if (p->exhausted || p->probes + p->resolving >= p->max_jobs)
			break;
		if (!ls_target_iter_next(&p->it, &t)) {
			p->exhausted = true;
			break;
		}
		if (!t.is_name) {
			ls_plan_path(p->plan, &t.addr, &path);
			if (ls__lite_start(p, t.spec, &t.addr, &path))
				continue;
		}
		job = ls__job_new(p, t.spec);
		if (job == NULL) {
			ls_pipeline_fail(p, -ENOMEM, "out of memory");
			break;
		}
		job->is_name = t.is_name;
		if (t.is_name) {
			start_resolve(p, job);
		} else {
			job->race.addr = t.addr;
			job->race.path = path;
			start_probe(p, job, true);
		}
	}
	p->pumping = false;
}

int ls_pipeline_start(struct ls_pipeline *p)
{
	if (p->loop == NULL || p->plan == NULL || p->result_cb == NULL || p->targets == NULL ||
	    p->done_cb == NULL || p->max_jobs == 0)
		return -EINVAL;
	ls_target_iter_init(&p->it, p->targets, p->exclude);
	p->depth = 0;
	p->dead = NULL;
	if (p->onlink_max == 0) {
		ls__onlink_init(p);
	} else {
		p->onlink_cap = p->onlink_cap_later = p->onlink_max;
		p->onlink_hold_ms = LS_ONLINK_HOLD_MS;
	}
	p->releases = calloc(p->onlink_cap_later > p->onlink_cap ? p->onlink_cap_later : p->onlink_cap,
			     sizeof(*p->releases));
	if (p->releases == NULL)
		return -ENOMEM;
	ls__lite_open(p);
	uv_timer_init(p->loop, &p->release_timer);
	p->timer_open = true;
	ls__pl_enter(p);
	ls__pl_leave(p);	/* fills the window */
	return 0;
}

void ls_pipeline_stop(struct ls_pipeline *p)
{
	struct ls_job *job, *next;

	if (p->stopping)
		return;
	p->stopping = true;
	ls__pl_enter(p);
	/* Nothing is freed inside: a job buried meanwhile stays readable. */
	for (job = p->live; job != NULL; job = next) {
		next = job->next;
		switch (job->phase) {
		case J_DEAD:
			break;
		case J_QUEUED:
		case J_HELD:
			ls__job_free(job);
			break;
		case J_RESOLVING:
			uv_cancel(job->req);	/* fails once running: then we wait */
			break;
		case J_PROBING:
			ls_race_cancel(&job->race);
			break;
		case J_NAMES: {
			/* The names may be in (nq NULL) while the race still runs; the
			 * race's end frees the job only when no lookup holds it. */
			struct ls_nq *nq = job->nq;
			struct ls_ilookup *il = job->il;
			if (job->racing)
				ls_race_cancel(&job->race);
			if (nq != NULL)
				ls_names_cancel(nq);	/* the last lookup to end prints the line; */
			if (il != NULL)
				ls_identify_cancel(il);	/* it may free the job */
			break;
		}
		}
	}
	p->ready = p->ready_tail = p->held = p->held_tail = NULL;
	if (p->lite > 0)
		ls_plan_cancel_lite(p->plan);	/* each ends on the engine's next tick */
	ls__pl_leave(p);
}
