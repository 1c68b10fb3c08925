/* pipeline.c -- a bounded window of jobs: resolve names, race methods on addresses, emit as decided. */
#include "lanscan/pipeline.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/names.h"
#include "lanscan/race.h"
#include "lanscan/util.h"

enum job_phase { J_QUEUED, J_HELD, J_RESOLVING, J_PROBING, J_NAMES };

/* The kernel keeps an INCOMPLETE neighbour entry for up to 3 s (3
 * solicitations 1 s apart) for a silent on-link address; it holds at most
 * gc_thresh3 (1024) entries for every namespace together.  Targets probed
 * through the table are held to LS_ONLINK_MAX at once, each counted until
 * its entry can have failed. */
#define LS_ONLINK_MAX 256
#define LS_ONLINK_HOLD_MS 3500
#define RELEASE_TICK_MS 100

struct ls_job {
	struct ls_pipeline *pl;
	const struct ls_spec *spec;
	bool is_name;
	enum job_phase phase;
	bool racing;			/* the race has not finished */
	bool onlink;			/* holds one of the on-link places */
	double started_ms;
	bool emitted;
	void *req;			/* the getaddrinfo request under way */
	struct ls_nq *nq;		/* the name lookup under way (names.h) */
	struct ls_race race;
	struct ls_job *prev, *next;	/* the live list */
	struct ls_job *qnext;		/* the ready queue */
};

static void pump(struct ls_pipeline *p);

static struct ls_job *job_new(struct ls_pipeline *p, const struct ls_spec *spec)
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

static void job_free(struct ls_job *job)
{
	struct ls_pipeline *p = job->pl;

	if (job->prev != NULL)
		job->prev->next = job->next;
	else
		p->live = job->next;
	if (job->next != NULL)
		job->next->prev = job->prev;
	p->jobs--;
	ls_race_free(&job->race);
	free(job->req);
	free(job);
}

void ls_pipeline_fail(struct ls_pipeline *p, int err, const char *msg)
{
	if (p->syserr == 0) {
		p->syserr = err;
		snprintf(p->syserr_msg, sizeof(p->syserr_msg), "%s", msg);
	}
	ls_pipeline_stop(p);
}

static void emit(struct ls_pipeline *p, const struct ls_result *r)
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

/* The name column: DNS, else mDNS, else the NetBIOS name in lower case,
 * else the name the target was given as.  nb: room for the lower-cased name. */
static const char *best_name(const struct ls_job *job, const struct ls_names_found *f, char *nb, size_t len)
{
	if (f != NULL && f->dns != NULL)
		return f->dns;
	if (f != NULL && f->mdns != NULL)
		return f->mdns;
	if (f != NULL && f->netbios != NULL) {
		snprintf(nb, len, "%s", f->netbios);
		for (char *c = nb; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		return nb;
	}
	return job->is_name ? job->spec->text : NULL;
}

static void emit_race(struct ls_job *job, const struct ls_names_found *f)
{
	const struct ls_race *rc = &job->race;
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
	r.names = job->pl->names != NULL;
	if (f != NULL) {
		r.dns = f->dns;
		r.mdns = f->mdns;
		r.netbios = f->netbios;
		r.workgroup = f->workgroup;
	}
	r.error = ls_race_error(rc);
	job->emitted = true;
	emit(job->pl, &r);
}

/* Frees the job once its race is over and its line is out (or never will be). */
static void settle(struct ls_job *job)
{
	struct ls_pipeline *p = job->pl;

	if (job->racing || job->req != NULL || job->nq != NULL)
		return;
	job_free(job);
	pump(p);
}

static void on_names(void *arg, const struct ls_names_found *f)
{
	struct ls_job *job = arg;

	job->nq = NULL;
	emit_race(job, f);	/* decided: print it even when stopping */
	settle(job);
}

static void on_decided(struct ls_race *r)
{
	struct ls_job *job = ls_container_of(r, struct ls_job, race);
	struct ls_pipeline *p = job->pl;

	if (p->names != NULL && r->state == LS_UP && !p->stopping &&
	    (job->nq = ls_names_start(p->names, &r->addr, &r->path, on_names, job)) != NULL) {
		job->phase = J_NAMES;
		return;
	}
	emit_race(job, NULL);
}

static void on_release_tick(uv_timer_t *t)
{
	struct ls_pipeline *p = ls_container_of(t, struct ls_pipeline, release_timer);
	double now = ls_now_ms();
	unsigned i = 0;

	while (i < p->nreleases) {
		if (p->releases[i] <= now) {
			p->releases[i] = p->releases[--p->nreleases];
			p->onlink--;
		} else {
			i++;
		}
	}
	if (p->nreleases == 0)
		uv_timer_stop(t);
	pump(p);
}

/* Gives back a job's on-link place: now if the host answered (its entry is
 * complete), else once its entry can have failed. */
static void release_onlink(struct ls_pipeline *p, struct ls_job *job)
{
	double at = job->started_ms + LS_ONLINK_HOLD_MS, now = ls_now_ms();

	job->onlink = false;
	if (job->race.state == LS_UP || at <= now || p->releases == NULL) {
		p->onlink--;
		return;
	}
	p->releases[p->nreleases++] = at;
	if (p->nreleases == 1)
		uv_timer_start(&p->release_timer, on_release_tick, RELEASE_TICK_MS, RELEASE_TICK_MS);
}

static void on_finished(struct ls_race *r)
{
	struct ls_job *job = ls_container_of(r, struct ls_job, race);

	if (job->onlink)
		release_onlink(job->pl, job);
	job->racing = false;
	job->pl->probes--;
	settle(job);
}

static void start_race(struct ls_pipeline *p, struct ls_job *job)
{
	job->phase = J_PROBING;
	job->racing = true;
	job->race.plan = p->plan;
	job->race.decided = on_decided;
	job->race.finished = on_finished;
	job->started_ms = ls_now_ms();
	p->probes++;
	ls_race_start(&job->race);	/* may finish, and free the job, at once */
}

/* Starts a job's race, or holds it while the neighbour table is full. */
static void start_probe(struct ls_pipeline *p, struct ls_job *job)
{
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
	emit(p, &r);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct ls_job *job = req->data, *extra;
	struct ls_pipeline *p = job->pl;
	struct ls_addr a, seen[16];
	struct addrinfo *ai;
	size_t nseen = 0, i;
	bool dup;

	p->resolving--;
	free(job->req);
	job->req = NULL;
	if (p->stopping) {
		job_free(job);
	} else if (status != 0) {
		emit_unresolved(p, job->spec, status);
		job_free(job);
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
			extra = i == 0 ? job : job_new(p, job->spec);
			if (extra == NULL) {
				ls_pipeline_fail(p, -ENOMEM, "out of memory");
				break;
			}
			extra->is_name = true;
			extra->race.addr = seen[i];
			enqueue(p, extra);
		}
		if (nseen == 0)
			job_free(job);	/* every address excluded */
	}
	uv_freeaddrinfo(res);
	pump(p);
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
		job_free(job);
		ls_pipeline_fail(p, -ENOMEM, "out of memory");
		return;
	}
	((uv_getaddrinfo_t *)job->req)->data = job;
	rc = uv_getaddrinfo(p->loop, job->req, on_resolved, job->spec->text, NULL, &hints);
	if (rc != 0) {
		emit_unresolved(p, job->spec, rc);
		job_free(job);
		return;
	}
	p->resolving++;
}

static void check_done(struct ls_pipeline *p)
{
	if (!p->done && (p->exhausted || p->stopping) && p->jobs == 0) {
		p->done = true;
		if (p->timer_open) {
			uv_timer_stop(&p->release_timer);
			uv_close((uv_handle_t *)&p->release_timer, NULL);
			p->timer_open = false;
		}
		free(p->releases);
		p->releases = NULL;
		p->done_cb(p);
	}
}

/* Fills the window: queued addresses first, then new targets, while slots are free. */
static void pump(struct ls_pipeline *p)
{
	struct ls_target t;
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
			start_probe(p, job);
			continue;
		}
		if (p->exhausted || p->probes + p->resolving >= p->max_jobs)
			break;
		if (!ls_target_iter_next(&p->it, &t)) {
			p->exhausted = true;
			break;
		}
		job = job_new(p, t.spec);
		if (job == NULL) {
			ls_pipeline_fail(p, -ENOMEM, "out of memory");
			break;
		}
		job->is_name = t.is_name;
		if (t.is_name) {
			start_resolve(p, job);
		} else {
			job->race.addr = t.addr;
			start_probe(p, job);
		}
	}
	p->pumping = false;
	check_done(p);
}

int ls_pipeline_start(struct ls_pipeline *p)
{
	if (p->loop == NULL || p->plan == NULL || p->result_cb == NULL || p->targets == NULL ||
	    p->done_cb == NULL || p->max_jobs == 0)
		return -EINVAL;
	ls_target_iter_init(&p->it, p->targets, p->exclude);
	if (p->onlink_max == 0)
		p->onlink_max = LS_ONLINK_MAX;
	p->releases = calloc(p->onlink_max, sizeof(*p->releases));
	if (p->releases == NULL)
		return -ENOMEM;
	uv_timer_init(p->loop, &p->release_timer);
	p->timer_open = true;
	pump(p);
	return 0;
}

void ls_pipeline_stop(struct ls_pipeline *p)
{
	struct ls_job *job, *next;

	if (p->stopping)
		return;
	p->stopping = true;
	for (job = p->live; job != NULL; job = next) {
		next = job->next;
		switch (job->phase) {
		case J_QUEUED:
		case J_HELD:
			job_free(job);
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
			if (job->racing)
				ls_race_cancel(&job->race);
			if (nq != NULL)
				ls_names_cancel(nq);	/* prints the line; may free the job */
			break;
		}
		}
	}
	p->ready = p->ready_tail = p->held = p->held_tail = NULL;
	if (!p->pumping)
		check_done(p);
}
