/* engine.c -- the packet methods' shared engine: slots, a heap of due times, a send queue, RTO per subnet.
 *
 * One timer drives it while any slot is in use: it drains the codec's
 * sockets, handles due slots (retransmit, or end at the deadline), then sends
 * queued probes as the shared pacer allows, draining replies between
 * batches.  Replies come through the codec's own poll handles; the timer
 * wakes only when there is something to do: when the pacer will have a
 * batch's tokens for the queue (every PACE_WAIT_MS at most), or at the next
 * due time (due times closer together than SLACK_MS wait for each other).
 * A 1 ms tick throughout cost a wake-up and a dozen system calls a
 * millisecond per engine.  See engine.h for the timing rules.
 */
#include "lanscan/engine.h"
#include "engine_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/pacer.h"
#include "lanscan/util.h"

#define NIL LS_ENGINE_NIL
#define TICK_MS 1		/* the soonest the timer fires */
#define SLACK_MS 4		/* due times closer than this are handled together */
#define MAX_WAIT_MS 10		/* the longest wait with slots in use */
#define PACE_WAIT_MS 3		/* the longest wait while packets are queued: the pacer's bucket
				 * holds 10 ms of tokens, and a wake-up late by more than what is
				 * left of it loses tokens (a loaded machine's timers are) */
#define INITIAL_RTO_MS 200.0
#define SUBNETS 1024		/* RTT estimators, by /24 or /64 */


struct ls_subnet {
	uint64_t key;
	struct ls_rtt rtt;
};

/* --- the slots' targets ------------------------------------------------- */

const struct ls_addr *ls_engine_addr(const struct ls_engine *e, uint32_t s, struct ls_addr *buf)
{
	const struct ls_eslot *sl = &e->slots[s];

	if (!(sl->flags & S_LITE))
		return ls_attempt_addr(sl->a);
	memset(buf, 0, sizeof(*buf));
	buf->family = AF_INET;
	memcpy(buf->b, &sl->v4, 4);
	return buf;
}

const struct ls_path *ls_engine_path(const struct ls_engine *e, uint32_t s)
{
	const struct ls_eslot *sl = &e->slots[s];

	return sl->flags & S_LITE ? &e->env.lite->paths[sl->path] : ls_attempt_path(sl->a);
}

/* --- RTT estimators ------------------------------------------------------ */

static uint64_t subnet_key(const struct ls_addr *a)
{
	uint64_t k = 0;
	int i;

	if (a->family == AF_INET)
		return 1ULL << 63 | (uint64_t)a->b[0] << 16 | (uint64_t)a->b[1] << 8 | a->b[2];
	for (i = 0; i < 8; i++)
		k = k << 8 | a->b[i];
	return k & ~(1ULL << 63);
}

static struct ls_subnet *subnet_of(struct ls_engine *e, const struct ls_addr *a)
{
	uint64_t k = subnet_key(a);
	struct ls_subnet *s = &e->subnets[(k * 0x9e3779b97f4a7c15ULL) >> 54 & (SUBNETS - 1)];

	if (s->key != k) {	/* a collision forgets the older subnet: it only costs retransmissions */
		s->key = k;
		ls_rtt_init(&s->rtt, INITIAL_RTO_MS, e->env.cfg->min_rto_ms, e->env.cfg->max_rto_ms);
	}
	return s;
}

static double rto(struct ls_engine *e, const struct ls_addr *a)
{
	struct ls_subnet *s = subnet_of(e, a);

	return s->rtt.have_sample ? ls_rtt_timeout(&s->rtt) : ls_rtt_timeout(&e->global);
}

/* --- the slots' life ------------------------------------------------------ */

static void tick_cb(uv_timer_t *t);

/* Starts the timer for d ms from now (whole ms, at least TICK_MS). */
static void fire_in(struct ls_engine *e, double now, double d)
{
	uint64_t ms = d < TICK_MS ? TICK_MS : (uint64_t)(d + 0.999);

	uv_timer_start(&e->timer, tick_cb, ms, 0);
	e->ticking = true;
	e->due = now + (double)ms;
}

/* Makes the timer fire by `at` (monotonic ms; at once: any time past). */
static void wake_by(struct ls_engine *e, double at)
{
	double now;

	if (e->closing || e->in_tick)
		return;	/* tick_cb sets the timer on its way out */
	now = ls_now_ms();
	if (at < now + TICK_MS)
		at = now + TICK_MS;
	if (e->ticking && e->due <= at)
		return;
	fire_in(e, now, at - now);
}

static void ensure_ticking(struct ls_engine *e)
{
	wake_by(e, 0);
}

/* Sets slot s's next due time (inserting it when absent); the timer fires by then. */
static void heap_set(struct ls_engine *e, uint32_t s, double at)
{
	ls__heap_put(e, s, at);
	wake_by(e, at);
}

static void lite_target(const struct ls_engine *e, uint32_t s, struct ls_lite_target *t)
{
	const struct ls_eslot *sl = &e->slots[s];

	t->spec = sl->spec;
	(void)ls_engine_addr(e, s, &t->addr);
	t->path = sl->path;
	t->first_ms = sl->tries > 0 ? sl->first_ms : 0;
}

/* Gives a lite slot its race (the owner's adopt), so its attempt goes on
 * as any other.  false: no memory; the slot stays lite, marked S_OOM, and
 * ends unknown. */
static bool adopt(struct ls_engine *e, uint32_t s)
{
	struct ls_eslot *sl = &e->slots[s];
	struct ls_lite_target t;
	struct ls_attempt *a;

	if (!(sl->flags & S_LITE))
		return true;
	if (sl->flags & (S_OOM | S_CANCEL))
		return false;	/* cancelled: a stop; nothing more is reported */
	lite_target(e, s, &t);
	if ((a = e->env.lite->adopt(e->env.lite, &t, e->env.mi, s)) == NULL) {
		sl->flags = (uint8_t)((sl->flags | S_OOM) & ~S_FOLLOW);
		return false;
	}
	sl->a = a;
	sl->flags &= (uint8_t)~(S_LITE | S_FOLLOW);
	e->lite--;
	return true;
}

void ls_engine_end(struct ls_engine *e, uint32_t s, const char *unknown)
{
	struct ls_eslot *sl = &e->slots[s];
	struct ls_attempt *a = sl->a;
	struct ls_lite_target t;
	uint8_t flags;

	if (a == NULL)
		return;
	/* Ended early (a send our stack refused, no socket) while TCP was to
	 * follow its silence: the race decides, and starts TCP, as for any
	 * attempt that ends without an answer. */
	if ((sl->flags & (S_LITE | S_FOLLOW)) == (S_LITE | S_FOLLOW) && adopt(e, s))
		a = sl->a;
	flags = sl->flags;
	if (flags & S_LITE)
		lite_target(e, s, &t);
	ls__heap_remove(e, s);
	if (e->index != NULL)
		ls__index_remove(e, s);
	sl->a = NULL;
	sl->flags = 0;
	sl->gen++;
	sl->next = e->free_head;
	e->free_head = s;
	e->used--;
	if (flags & S_LITE) {
		e->lite--;
		if (unknown == NULL && (flags & S_OOM))
			unknown = "out of memory";
		e->env.lite->end(e->env.lite, &t, unknown, flags & S_CANCEL);	/* last */
		return;
	}
	ls_attempt_done(a, unknown);	/* last: the race may free a */
}

void ls_engine_sent(struct ls_engine *e, uint32_t s, double now, uint64_t tx_ns)
{
	struct ls_eslot *sl = &e->slots[s];
	struct ls_addr buf;
	double t;
	int k;

	if (sl->tries++ == 0) {
		sl->first_ms = now;
		sl->first_ns = tx_ns != 0 ? tx_ns : ls_engine_realtime_ns();
		sl->wait_ms = (float)e->env.cfg->wait_ms;
	}
	e->env.counters->sent++;
	/* Due again after the timeout: to send again, or (no tries left) at
	 * least to tell the race the target is silent so far. */
	k = sl->tries - 1 < 10 ? sl->tries - 1 : 10;
	t = now + rto(e, ls_engine_addr(e, s, &buf)) * (double)(1u << k);
	if ((sl->tries >= e->max_tries || (e->once_onlink &&
					   ls_engine_path(e, s)->kind == LS_ROUTE_ONLINK)) && (sl->flags & S_SILENT))
		t = ls_engine_deadline(sl);
	heap_set(e, s, t < ls_engine_deadline(sl) ? t : ls_engine_deadline(sl));
}

void ls_engine_extend(struct ls_engine *e, uint32_t s, double wait_ms)
{
	struct ls_eslot *sl = &e->slots[s];

	if (sl->a == NULL || sl->tries == 0 || wait_ms <= sl->wait_ms)
		return;
	if (sl->heap_i != NIL && e->heap[sl->heap_i].at >= ls_engine_deadline(sl))
		heap_set(e, s, sl->first_ms + wait_ms);	/* it was due at the old end of its wait */
	sl->wait_ms = (float)wait_ms;
}

void ls_engine_answer(struct ls_engine *e, uint32_t s, const struct ls_answer *ans)
{
	struct ls_eslot *sl = &e->slots[s];
	struct ls_addr buf;

	if (sl->a == NULL)
		return;
	if (ans->rtt_ms >= 0) {
		ls_rtt_sample(&subnet_of(e, ls_engine_addr(e, s, &buf))->rtt, ans->rtt_ms);
		ls_rtt_sample(&e->global, ans->rtt_ms);
	}
	if (!adopt(e, s)) {	/* up, but no memory to say it: unknown */
		ls_engine_end(e, s, NULL);
		return;
	}
	ls_attempt_answer(sl->a, ans);
	ls_engine_end(e, s, NULL);
}

static void tell_silent(struct ls_engine *e, uint32_t i)
{
	struct ls_eslot *s = &e->slots[i];

	if (s->flags & S_SILENT)
		return;
	s->flags |= S_SILENT;
	if ((s->flags & S_FOLLOW) && !adopt(e, i))
		return;
	if (!(s->flags & S_LITE))
		ls_attempt_silent(s->a);	/* may start costlier methods */
}

/* Whether costly probes (TCP) stand in for this slot's retries. */
static bool followed(const struct ls_engine *e, uint32_t i)
{
	const struct ls_eslot *s = &e->slots[i];

	return !(s->flags & S_LITE) && ls_attempt_followed(s->a);
}

void ls_engine_negative(struct ls_engine *e, uint32_t s, const char *reason)
{
	struct ls_eslot *sl = &e->slots[s];

	if (sl->a == NULL)
		return;
	(void)adopt(e, s);	/* the reason is the race's (else: unknown, no memory) */
	sl->flags |= S_NEG;	/* provisional: an answer before the deadline still wins */
	if (!(sl->flags & S_LITE))
		ls_attempt_negative(sl->a, reason);
	if (sl->tries > 0 && !(sl->flags & S_CANCEL))
		heap_set(e, s, ls_engine_deadline(sl));
	if (sl->tries > 0)
		tell_silent(e, s);	/* its exchange is over: costlier methods may start */
}

void ls_engine_reject(struct ls_engine *e, enum ls_reject why)
{
	e->env.counters->rejected[why]++;
}

/* Reads the codec's drop counter; a rise means replies were lost. */
static void check_drops(struct ls_engine *e, double now)
{
	uint64_t d;

	if (e->ops->drops == NULL)
		return;
	d = e->ops->drops(e);
	if (d > e->drops) {
		e->env.counters->dropped += d - e->drops;
		e->drop_ms = now;
		e->env.counters->drop_ms = now;
	}
	e->drops = d;
}

/* Handles the slots whose time has come: retransmit, or end at the deadline. */
static void expire(struct ls_engine *e, double now)
{
	bool checked = false;
	uint32_t i;

	while (e->heap_n > 0 && e->heap[0].at <= now) {
		struct ls_eslot *s = &e->slots[i = e->heap[0].slot];
		if (s->flags & S_CANCEL) {
			ls_engine_end(e, i, NULL);
			continue;
		}
		ls__heap_remove(e, i);
		tell_silent(e, i);
		if (s->flags & S_CANCEL) {	/* a costlier method answered at once */
			heap_set(e, i, 0);
			continue;
		}
		if (now < ls_engine_deadline(s)) {
			/* Once TCP probes follow (the race started them when
			 * told the target is silent), they are its second
			 * chance: no echo is sent again (issue 22). */
			if (s->tries < e->max_tries && !(s->flags & S_NEG) &&
			    !(e->once_onlink && ls_engine_path(e, i)->kind == LS_ROUTE_ONLINK) &&
			    !followed(e, i))
				ls__q_push(e, i);
			else
				heap_set(e, i, ls_engine_deadline(s));
			continue;
		}
		if (!checked) {	/* once per tick: did the kernel drop replies? */
			check_drops(e, now);
			checked = true;
		}
		ls_engine_end(e, i, e->drop_ms > 0 && e->drop_ms >= s->first_ms ?
			      "replies were dropped by the kernel (receive queue full); try a lower --rate" : NULL);
	}
}

/* Sends what the pacer allows; returns false when the codec could take none. */
static bool send_some(struct ls_engine *e, double now)
{
	uint32_t batch[LS_ENGINE_BATCH], s;
	unsigned n = 0, want, allowed, done;

	want = e->q_n < LS_ENGINE_BATCH ? e->q_n : LS_ENGINE_BATCH;
	allowed = ls_pacer_take(e->env.pacer, want, e->q_n > want, now);
	if (allowed == 0)
		return false;
	while (n < allowed && (s = ls__q_pop(e)) != NIL)
		batch[n++] = s;
	done = n > 0 ? e->ops->send(e, batch, n, now) : 0;
	while (n > done)	/* back to the front, in order */
		ls__q_unpop(e, batch[--n]);
	if (done < allowed)
		ls_pacer_giveback(e->env.pacer, allowed - done);
	return done > 0;
}

/* Sets the timer for the next thing to do: a batch's tokens for what is
 * queued (PACE_WAIT_MS at most), else the next due time; stops it when no
 * slot is in use. */
static void arm(struct ls_engine *e, double now)
{
	uint64_t pending = e->q_n + (e->ops->backlog != NULL ? e->ops->backlog(e) : 0);
	double d = -1, h, rate = e->env.cfg->rate;

	if (e->closing)
		return;
	if (pending > 0) {
		d = rate > 0 ? (double)(pending < LS_ENGINE_BATCH ? pending : LS_ENGINE_BATCH) * 1000.0 / rate : TICK_MS;
		if (d > PACE_WAIT_MS)
			d = PACE_WAIT_MS;
	}
	if (e->heap_n > 0) {
		h = e->heap[0].at - now;
		if (h < SLACK_MS)
			h = SLACK_MS;
		if (d < 0 || h < d)
			d = h;
	}
	if (d < 0) {
		if (e->used == 0) {
			uv_timer_stop(&e->timer);
			e->ticking = false;
			return;
		}
		d = MAX_WAIT_MS;	/* a slot in neither (not expected): look again soon */
	}
	fire_in(e, now, d);
}

static void tick_cb(uv_timer_t *t)
{
	struct ls_engine *e = ls_container_of(t, struct ls_engine, timer);
	double now = ls_now_ms();

	e->in_tick = true;
	e->ops->receive(e);
	expire(e, now);
	while (e->q_n > 0 && send_some(e, now))
		e->ops->receive(e);	/* drain between batches so a fast sweep does not overflow */
	e->in_tick = false;
	arm(e, now);
}

/* --- the method interface ------------------------------------------------ */

/* A free slot (one used before, else a fresh one), put in the send queue. */
static uint32_t take(struct ls_engine *e)
{
	uint32_t i = e->free_head;
	struct ls_eslot *s;

	if (i == NIL && e->fresh < e->nslots) {
		i = e->fresh++;
		e->slots[i].heap_i = NIL;
		e->slots[i].next = NIL;
		e->free_head = i;
	}
	if (i == NIL)
		return NIL;	/* more attempts than slots: the pipeline's window is wrong */
	s = &e->slots[i];
	if (ls__q_push(e, i) != 0)
		return NIL;
	e->free_head = s->next;
	e->used++;
	s->tries = 0;
	s->flags = 0;
	s->first_ms = 0;
	s->wait_ms = 0;
	return i;
}

int ls_engine_start(struct ls_engine *e, struct ls_attempt *a)
{
	uint32_t i = take(e);

	if (i == NIL)
		return e->free_head == NIL ? -EAGAIN : -ENOMEM;
	e->slots[i].a = a;
	a->handle = i;
	if (e->index != NULL)
		ls__index_add(e, i);
	ensure_ticking(e);
	return 0;
}

int ls_engine_start_lite(struct ls_engine *e, const struct ls_spec *spec, const struct ls_addr *addr,
			 uint16_t path, bool follow)
{
	struct ls_eslot *s;
	uint32_t i;

	if (addr->family != AF_INET)
		return -EINVAL;
	if ((i = take(e)) == NIL)
		return e->free_head == NIL ? -EAGAIN : -ENOMEM;
	s = &e->slots[i];
	s->spec = spec;
	s->flags = S_LITE | (follow ? S_FOLLOW : 0);
	memcpy(&s->v4, addr->b, 4);
	s->path = path;
	e->lite++;
	if (e->index != NULL)
		ls__index_add(e, i);
	ensure_ticking(e);
	return 0;
}

void ls_engine_cancel_lite(struct ls_engine *e)
{
	uint32_t i;

	for (i = 0; i < e->fresh && e->lite > 0; i++) {
		struct ls_eslot *s = &e->slots[i];
		if (s->a != NULL && (s->flags & S_LITE) && !(s->flags & S_CANCEL)) {
			s->flags |= S_CANCEL;
			heap_set(e, i, 0);	/* ended on the next tick, not here */
		}
	}
	ensure_ticking(e);
}

void ls_engine_cancel(struct ls_engine *e, struct ls_attempt *a)
{
	struct ls_eslot *s = &e->slots[a->handle];

	if (s->a != a || (s->flags & S_CANCEL))
		return;
	s->flags |= S_CANCEL;
	heap_set(e, a->handle, 0);	/* ended on the next tick, not here */
	ensure_ticking(e);
}

int ls_engine_init(struct ls_engine *e, const struct ls_menv *env, const struct ls_engine_ops *ops,
		   void *codec, uint32_t slots, bool by_address)
{
	const struct ls_probe_cfg *cfg = env->cfg;
	uint32_t i, n;

	memset(e, 0, sizeof(*e));
	e->env = *env;
	e->ops = ops;
	e->codec = codec;
	e->max_tries = 1 + (cfg->retries > 0 ? cfg->retries : 0);
	e->nslots = slots != 0 ? slots : cfg->window < 1 ? 1 : cfg->window > (1u << 22) ? 1u << 22 : cfg->window;
	e->q_cap = 1024;
	e->slots = calloc(e->nslots, sizeof(*e->slots));
	e->heap = calloc(e->nslots, sizeof(*e->heap));
	e->q = calloc(e->q_cap, sizeof(*e->q));
	e->subnets = calloc(SUBNETS, sizeof(*e->subnets));
	if (by_address) {
		for (n = 16; n < e->nslots; n *= 2)
			;
		e->index_mask = n - 1;
		if ((e->index = malloc(n * sizeof(*e->index))) != NULL)
			for (i = 0; i < n; i++)
				e->index[i] = NIL;
	}
	if (e->slots == NULL || e->heap == NULL || e->q == NULL || e->subnets == NULL ||
	    (by_address && e->index == NULL)) {
		free(e->slots);
		free(e->heap);
		free(e->q);
		free(e->subnets);
		free(e->index);
		return -ENOMEM;
	}
	e->free_head = NIL;	/* and every slot fresh: touched only once used */
	for (i = 0; i < SUBNETS; i++)
		e->subnets[i].key = UINT64_MAX;
	ls_rtt_init(&e->global, INITIAL_RTO_MS < cfg->max_rto_ms ? INITIAL_RTO_MS : cfg->max_rto_ms,
		    cfg->min_rto_ms, cfg->max_rto_ms);
	uv_timer_init(env->loop, &e->timer);
	e->timer.data = e;
	e->handles = 1;
	return 0;
}

void ls_engine_handle_closed(uv_handle_t *h)
{
	struct ls_engine *e = h->data;

	if (--e->handles > 0)
		return;
	free(e->slots);
	free(e->heap);
	free(e->q);
	free(e->subnets);
	free(e->index);
	e->ops->free(e);
}

void ls_engine_close(struct ls_engine *e)
{
	e->closing = true;
	uv_close((uv_handle_t *)&e->timer, ls_engine_handle_closed);
}
