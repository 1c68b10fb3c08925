/* identify.c -- a host's recognition lookup: every evidence source at once, one budget, the shared --rate. */
#include "lanscan/identify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/method.h"
#include "lanscan/pacer.h"
#include "lanscan/util.h"

#define RATE_TICK_MS 5

struct ls_ilookup {
	struct ls_identify *id;
	struct ls_addr addr;
	struct ls_path path;
	ls_identify_cb cb;
	void *arg;
	struct ls_iq *q[LS_IDENT_NSRC];
	unsigned pending;		/* bit per source still to answer */
	bool waiting;			/* for the rate: nothing sent yet */
	unsigned got;			/* packets taken while waiting */
	double deadline;		/* monotonic ms; 0 once every source is done */
	struct ls_facts facts;
	struct ls_ilookup *prev, *next;	/* the list, in deadline order */
};

static void arm(struct ls_identify *id);

int ls_identify_open(struct ls_identify *id, uv_loop_t *loop, const struct ls_probe_cfg *bind, int budget_ms,
		     struct ls_pacer *pacer)
{
	static const struct ls_ident_source *const all[LS_IDENT_NSRC] = { &ls_ident_dnssd, &ls_ident_ssdp };
	struct ls_ident_opts o;
	char err[160];
	int i, rc;

	memset(id, 0, sizeof(*id));
	id->loop = loop;
	id->pacer = pacer;
	id->budget_ms = budget_ms;
	memset(&o, 0, sizeof(o));
	o.budget_ms = budget_ms;
	o.bind = bind;
	uv_timer_init(loop, &id->timer);
	for (i = 0; i < LS_IDENT_NSRC; i++) {
		id->src[i] = all[i];
		err[0] = '\0';
		rc = all[i]->open(&id->inst[i], loop, &o, err, sizeof(err));
		if (rc == -ENOMEM) {
			id->inst[i] = NULL;
			ls_identify_close(id);
			return rc;
		}
		if (rc != 0) {
			id->inst[i] = NULL;
			snprintf(id->why + strlen(id->why), sizeof(id->why) - strlen(id->why), "%s%s: %s",
				 id->why[0] ? "; " : "", all[i]->name, err[0] ? err : strerror(-rc));
			continue;
		}
		id->packets += all[i]->packets;
	}
	return 0;
}

static void unlink_lookup(struct ls_identify *id, struct ls_ilookup *l)
{
	if (id->first_waiting == l)
		id->first_waiting = l->next;	/* the waiting ones are the list's tail */
	if (l->prev != NULL)
		l->prev->next = l->next;
	else
		id->head = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	else
		id->tail = l->prev;
}

/* Runs the callback with what was found, and frees the lookup.  A source
 * still at work gives what it has (expire), so a slow answer loses only
 * its own part. */
static void finish(struct ls_ilookup *l)
{
	struct ls_identify *id = l->id;
	int i;

	for (i = 0; i < LS_IDENT_NSRC; i++) {
		if (l->q[i] == NULL)
			continue;
		if (id->src[i]->expire != NULL && !id->closing)
			id->src[i]->expire(l->q[i]);	/* calls source_done at once */
		if (l->q[i] != NULL) {
			id->src[i]->cancel(l->q[i]);
			l->q[i] = NULL;
		}
	}
	if (l->waiting && id->pacer != NULL)
		ls_pacer_giveback(id->pacer, l->got);
	unlink_lookup(id, l);
	id->active--;
	l->cb(l->arg, &l->facts);
	ls_facts_free(&l->facts);
	free(l);
	arm(id);
}

/* l is done: deadline 0, first in the list, so that the list stays in
 * deadline order (the others' deadlines follow their start) and the
 * timer needs to look at its head alone. */
static void due_now(struct ls_identify *id, struct ls_ilookup *l)
{
	l->deadline = 0;
	if (id->head == l)
		return;
	unlink_lookup(id, l);
	l->prev = NULL;
	l->next = id->head;
	id->head->prev = l;	/* not empty: l was in it */
	id->head = l;
}

/* Source i of l answered (or gave up) with these facts. */
static void source_done(struct ls_ilookup *l, int i, const struct ls_fact *facts, size_t n)
{
	for (size_t k = 0; k < n; k++)
		(void)ls_facts_add(&l->facts, facts[k].src, facts[k].key, facts[k].value);
	l->q[i] = NULL;
	l->pending &= ~(1u << i);
	if (l->pending == 0)
		due_now(l->id, l);	/* every source answered: it ends on the next tick */
	arm(l->id);
}

/* Each source's callback: its own, so that the lookup knows which one ended. */
static void on_src0(void *arg, const struct ls_fact *facts, size_t n)
{
	source_done(arg, 0, facts, n);
}

static void on_src1(void *arg, const struct ls_fact *facts, size_t n)
{
	source_done(arg, 1, facts, n);
}

static const ls_ident_cb src_cb[LS_IDENT_NSRC] = { on_src0, on_src1 };

/* Sends: every source that applies starts (the packets were taken). */
static void go(struct ls_ilookup *l)
{
	struct ls_identify *id = l->id;
	int i;

	l->waiting = false;
	for (i = 0; i < LS_IDENT_NSRC; i++) {
		if (id->inst[i] == NULL)
			continue;
		l->q[i] = id->src[i]->start(id->inst[i], &l->addr, &l->path, src_cb[i], l);
		if (l->q[i] != NULL)
			l->pending |= 1u << i;
	}
	if (l->pending == 0)
		due_now(id, l);	/* nothing applies: done */
}

/* Lets waiting lookups go, in order, as the rate allows. */
static void pace(struct ls_identify *id)
{
	struct ls_ilookup *l;
	double now = ls_now_ms();

	while ((l = id->first_waiting) != NULL) {
		if (id->pacer != NULL && l->got < id->packets)
			l->got += ls_pacer_take(id->pacer, id->packets - l->got, true, now);
		if (id->pacer != NULL && l->got < id->packets)
			return;		/* the ones after it wait their turn */
		id->first_waiting = l->next;
		go(l);
	}
}

static void on_timer(uv_timer_t *t)
{
	struct ls_identify *id = ls_container_of(t, struct ls_identify, timer);
	struct ls_ilookup *l;
	double now = ls_now_ms();

	pace(id);
	while ((l = id->head) != NULL && l->deadline <= now + 0.5)
		finish(l);	/* the done ones, then those whose budget ran out */
	arm(id);
}

static void arm(struct ls_identify *id)
{
	double wait;

	if (id->closing)
		return;
	if (id->head == NULL) {
		uv_timer_stop(&id->timer);
		return;
	}
	wait = id->head->deadline - ls_now_ms();	/* the list is in deadline order; < 0: due */
	if (id->first_waiting != NULL && wait > RATE_TICK_MS)
		wait = RATE_TICK_MS;	/* the rate may let the next ones go */
	uv_timer_start(&id->timer, on_timer, wait > 0 ? (uint64_t)wait + 1 : 0, 0);
}

struct ls_ilookup *ls_identify_start(struct ls_identify *id, const struct ls_addr *addr, const struct ls_path *path,
				     ls_identify_cb cb, void *arg)
{
	struct ls_ilookup *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->id = id;
	l->addr = *addr;
	l->path = *path;
	l->cb = cb;
	l->arg = arg;
	l->waiting = true;
	l->deadline = ls_now_ms() + id->budget_ms;
	l->prev = id->tail;
	if (id->tail != NULL)
		id->tail->next = l;
	else
		id->head = l;
	id->tail = l;
	if (id->first_waiting == NULL)
		id->first_waiting = l;
	id->active++;
	arm(id);	/* sources start from the timer: cb never runs inside this call */
	return l;
}

void ls_identify_cancel(struct ls_ilookup *l)
{
	finish(l);
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void ls_identify_close(struct ls_identify *id)
{
	int i;

	while (id->head != NULL)
		finish(id->head);
	ls_identify_describe(id, id->desc, sizeof(id->desc));	/* the counters go with the sources */
	id->closing = true;
	uv_timer_stop(&id->timer);
	if (!uv_is_closing((uv_handle_t *)&id->timer))
		uv_close((uv_handle_t *)&id->timer, on_closed);
	for (i = 0; i < LS_IDENT_NSRC; i++)
		if (id->inst[i] != NULL) {
			id->src[i]->close(id->inst[i]);
			id->inst[i] = NULL;
		}
}

void ls_identify_describe(const struct ls_identify *id, char *buf, size_t len)
{
	const struct ls_ident_stats *s;
	size_t used = 0;
	int i, w;

	if (id->closing) {
		snprintf(buf, len, "%s", id->desc);
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < LS_IDENT_NSRC; i++) {
		if (id->inst[i] == NULL || (s = id->src[i]->stats(id->inst[i])) == NULL)
			continue;
		w = snprintf(buf + used, len - used, "%s%s %llu/%llu (%llu sent, %llu dropped, %llu refused)",
			     used ? ", " : "", id->src[i]->name, (unsigned long long)s->answered,
			     (unsigned long long)s->started, (unsigned long long)s->sent,
			     (unsigned long long)s->dropped, (unsigned long long)s->refused);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
	if (id->why[0] != '\0')
		snprintf(buf + used, len - used, "%s(left out: %s)", used ? " " : "", id->why);
}
