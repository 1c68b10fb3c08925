/* engine_sched.c -- the engine's bookkeeping: the heap of due times, the send queue, the slots by address. */
#include "lanscan/engine.h"
#include "engine_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#define NIL LS_ENGINE_NIL

/* --- the heap of due times --------------------------------------------- */

static void heap_swap(struct ls_engine *e, uint32_t i, uint32_t j)
{
	struct ls_edue t = e->heap[i];

	e->heap[i] = e->heap[j];
	e->heap[j] = t;
	e->slots[e->heap[i].slot].heap_i = i;
	e->slots[e->heap[j].slot].heap_i = j;
}

static void heap_up(struct ls_engine *e, uint32_t i)
{
	while (i > 0 && e->heap[(i - 1) / 2].at > e->heap[i].at) {
		heap_swap(e, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct ls_engine *e, uint32_t i)
{
	uint32_t l, m;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < e->heap_n && e->heap[l].at < e->heap[m].at)
			m = l;
		if (l + 1 < e->heap_n && e->heap[l + 1].at < e->heap[m].at)
			m = l + 1;
		if (m == i)
			return;
		heap_swap(e, i, m);
		i = m;
	}
}

void ls__heap_remove(struct ls_engine *e, uint32_t s)
{
	uint32_t i = e->slots[s].heap_i;

	if (i == NIL)
		return;
	e->slots[s].heap_i = NIL;
	if (i != --e->heap_n) {
		e->heap[i] = e->heap[e->heap_n];
		e->slots[e->heap[i].slot].heap_i = i;
		heap_up(e, i);
		heap_down(e, e->slots[e->heap[i].slot].heap_i);
	}
}

void ls__heap_put(struct ls_engine *e, uint32_t s, double at)
{
	ls__heap_remove(e, s);
	e->heap[e->heap_n].at = at;
	e->heap[e->heap_n].slot = s;
	e->slots[s].heap_i = e->heap_n;
	heap_up(e, e->heap_n++);
}

/* --- the send queue ---------------------------------------------------- */

static int q_grow(struct ls_engine *e)
{
	struct ls_eq *q;
	uint32_t i, cap = e->q_cap * 2;

	if ((q = malloc(cap * sizeof(*q))) == NULL)
		return -ENOMEM;
	for (i = 0; i < e->q_n; i++)
		q[i] = e->q[(e->q_head + i) % e->q_cap];
	free(e->q);
	e->q = q;
	e->q_cap = cap;
	e->q_head = 0;
	return 0;
}

int ls__q_push(struct ls_engine *e, uint32_t s)
{
	if (e->q_n == e->q_cap && q_grow(e) != 0)
		return -ENOMEM;
	e->q[(e->q_head + e->q_n++) % e->q_cap] = (struct ls_eq){ s, e->slots[s].gen };
	return 0;
}

/* Puts s back at the front (a send that has to wait); room is certain. */
void ls__q_unpop(struct ls_engine *e, uint32_t s)
{
	/* (A slot ended while sending may have started new targets, which
	 * filled the ring again; growing can fail only for lack of memory,
	 * and then the probe is dropped: its target ends at its deadline.) */
	if (e->q_n == e->q_cap && q_grow(e) != 0)
		return;
	e->q_head = (e->q_head + e->q_cap - 1) % e->q_cap;
	e->q[e->q_head] = (struct ls_eq){ s, e->slots[s].gen };
	e->q_n++;
}

/* Pops the next live entry (skipping slots since ended); NIL when empty. */
uint32_t ls__q_pop(struct ls_engine *e)
{
	while (e->q_n > 0) {
		struct ls_eq h = e->q[e->q_head];
		struct ls_eslot *s = &e->slots[h.slot];
		e->q_head = (e->q_head + 1) % e->q_cap;
		e->q_n--;
		if (s->a != NULL && s->gen == h.gen && !(s->flags & S_CANCEL))
			return h.slot;
	}
	return NIL;
}

/* --- the address index ------------------------------------------------- */

static uint32_t addr_hash(const struct ls_engine *e, const struct ls_addr *a)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int i, n = a->family == AF_INET6 ? 16 : 4;

	for (i = 0; i < n; i++)
		h = (h ^ a->b[i]) * 0x100000001b3ULL;
	return (uint32_t)(h ^ h >> 32) & e->index_mask;
}

void ls__index_add(struct ls_engine *e, uint32_t s)
{
	struct ls_addr buf;
	uint32_t *head = &e->index[addr_hash(e, ls_engine_addr(e, s, &buf))];

	e->slots[s].next = *head;
	*head = s;
}

void ls__index_remove(struct ls_engine *e, uint32_t s)
{
	struct ls_addr buf;
	uint32_t *p = &e->index[addr_hash(e, ls_engine_addr(e, s, &buf))];

	while (*p != NIL && *p != s)
		p = &e->slots[*p].next;
	if (*p == s)
		*p = e->slots[s].next;
}

uint32_t ls_engine_find(const struct ls_engine *e, const struct ls_addr *addr, uint32_t *cursor)
{
	uint32_t s = *cursor == NIL ? e->index[addr_hash(e, addr)] : e->slots[*cursor].next;
	struct ls_addr buf;

	while (s != NIL && ls_addr_cmp(ls_engine_addr(e, s, &buf), addr) != 0)
		s = e->slots[s].next;
	*cursor = s;
	return s;
}
