/* pipeline_lite.c -- targets probed from their engine slot alone, with no job until they need one (method.h). */
#include "pipeline_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/util.h"

/* --- lite targets (method.h) ---------------------------------------------
 *
 * An IPv4 address whose one cheap method keeps lite slots (ICMP, ARP) is
 * started with no job: the method's engine slot is its whole state while
 * it is probed.  It gets a job only if it needs one (adopt: an answer, a
 * negative, or silence before TCP); a silent one is reported from its slot
 * (end).  So a /16 at 100 k packets a second, every address in flight at
 * once, costs its 48-byte slots, not 65,536 jobs. */

static bool same_path(const struct ls_path *a, const struct ls_path *b)
{
	return a->kind == b->kind && a->ifindex == b->ifindex && memcmp(&a->src, &b->src, sizeof(a->src)) == 0 &&
	       memcmp(&a->gateway, &b->gateway, sizeof(a->gateway)) == 0;
}

/* The path's index in the lite table (added when new), or -1 when full. */
static int path_index(struct ls_pipeline *p, const struct ls_path *path)
{
	unsigned i;

	if (p->path_hint < p->npaths && same_path(&p->paths[p->path_hint], path))
		return (int)p->path_hint;
	for (i = 0; i < p->npaths; i++)
		if (same_path(&p->paths[i], path))
			return (int)(p->path_hint = i);
	if (p->paths == NULL || p->npaths == LITE_PATHS)
		return -1;
	p->paths[p->npaths] = *path;
	return (int)(p->path_hint = p->npaths++);
}

/* The method of a lite target: the one cheap method that applies, if it
 * keeps lite slots (follow: costly ones apply too); -1: a job instead. */
static int lite_method(const struct ls_pipeline *p, const struct ls_addr *a, const struct ls_path *path,
		       bool *follow)
{
	const struct ls_plan *pl = p->plan;
	int cheap = -1;
	unsigned i;

	*follow = false;
	for (i = 0; i < pl->n; i++) {
		if (!ls_plan_applies(pl, i, a, path))
			continue;
		if (pl->m[i]->costly) {
			*follow = true;
		} else {
			if (cheap >= 0 || !ls_plan_lite(pl, i))
				return -1;
			cheap = (int)i;
		}
	}
	return cheap;
}

bool ls__lite_start(struct ls_pipeline *p, const struct ls_spec *spec, const struct ls_addr *a,
		       const struct ls_path *path)
{
	struct ls_plan *pl = p->plan;
	bool follow;
	int mi, pi;

	if (p->no_lite || a->family != AF_INET || ls_plan_uses_table(pl, a, path) ||
	    (mi = lite_method(p, a, path, &follow)) < 0 || (pi = path_index(p, path)) < 0 ||
	    pl->m[mi]->start_lite(pl->inst[mi], spec, a, (uint16_t)pi, follow) != 0)
		return false;	/* a job, which says why if its start fails too */
	p->lite++;
	p->probes++;
	return true;
}

static struct ls_attempt *lite_adopt(struct ls_lite *l, const struct ls_lite_target *t, unsigned mi,
				     uint32_t handle)
{
	struct ls_pipeline *p = l->arg;
	struct ls_job *job = ls__job_new(p, t->spec);
	struct ls_attempt *a;

	if (job == NULL) {	/* as for a job at the start: a system error (exit 4) */
		ls_pipeline_fail(p, -ENOMEM, "out of memory");
		return NULL;
	}
	job->race.addr = t->addr;
	job->race.path = p->paths[t->path];
	job->race.plan = p->plan;
	job->race.decided = ls__pl_decided;
	job->race.finished = ls__pl_finished;
	job->started_ms = t->first_ms > 0 ? t->first_ms : ls_now_ms();
	if ((a = ls_race_adopt(&job->race, mi, handle)) == NULL) {
		ls__job_free(job);	/* cannot be: mi applied when it started */
		return NULL;
	}
	job->phase = J_PROBING;
	job->racing = true;
	p->lite--;	/* still one of p->probes: its race's finish counts it off */
	return a;
}

/* A lite target's line: down, or unknown and why. */
static void emit_lite(struct ls_pipeline *p, const struct ls_lite_target *t, const char *unknown)
{
	static const struct ls_facts none;
	struct ls_result r;
	char text[16], nb[80];
	const char *why;

	memset(&r, 0, sizeof(r));
	r.target = ls_spec_text(t->spec, text, sizeof(text));
	r.has_addr = true;
	r.addr = t->addr;
	r.state = unknown != NULL ? LS_UNKNOWN : LS_DOWN;
	r.error = unknown != NULL ? unknown : "no reply";
	if ((why = ls__pl_blame(p, p->paths[t->path].ifindex, t->first_ms)) != NULL && r.state == LS_DOWN) {
		r.state = LS_UNKNOWN;
		r.error = why;
	}
	r.rtt_ms = -1;
	if (p->plan->cfg.count > 1)
		r.sent = (unsigned)p->plan->cfg.count;
	r.names = p->names != NULL;
	r.identify = p->identify != NULL;
	r.facts = r.identify ? &none : NULL;
	r.name = ls_facts_best_name(r.facts, nb, sizeof(nb));
	ls__pl_emit(p, &r);
}

static void lite_end(struct ls_lite *l, const struct ls_lite_target *t, const char *unknown, bool cancelled)
{
	struct ls_pipeline *p = l->arg;

	ls__pl_enter(p);
	p->lite--;
	p->probes--;
	if (!cancelled && !p->stopping)
		emit_lite(p, t, unknown);
	ls__pl_leave(p);	/* fills the window */
}

void ls__lite_open(struct ls_pipeline *p)
{
	p->lite = p->npaths = p->path_hint = 0;
	p->paths = calloc(LITE_PATHS, sizeof(*p->paths));	/* none: every target gets a job */
	p->plan->lite.arg = p;
	p->plan->lite.adopt = p->paths != NULL ? lite_adopt : NULL;
	p->plan->lite.end = lite_end;
	p->plan->lite.paths = p->paths;
}

void ls__lite_close(struct ls_pipeline *p)
{
	p->plan->lite.adopt = NULL;
	p->plan->lite.paths = NULL;
	free(p->paths);
	p->paths = NULL;
}
