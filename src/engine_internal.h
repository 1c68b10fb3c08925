/* engine_internal.h -- what engine.c shares with engine_sched.c: its heap, queue and index of slots. */
#ifndef LANSCAN_ENGINE_INTERNAL_H
#define LANSCAN_ENGINE_INTERNAL_H

#include <stdint.h>

#include "lanscan/engine.h"

/* A slot's flags.  S_LITE: a lite target (method.h); S_FOLLOW: costly
 * methods follow its silence; S_OOM: it needed a race and there was no
 * memory for one. */
enum { S_CANCEL = 1, S_NEG = 2, S_SILENT = 4, S_LITE = 8, S_FOLLOW = 16, S_OOM = 32 };

/* The heap of due times: slot s due at `at` (inserted when absent, moved
 * when present); taken out (nothing when absent). */
void ls__heap_put(struct ls_engine *e, uint32_t s, double at);
void ls__heap_remove(struct ls_engine *e, uint32_t s);

/* The send queue, a ring of (slot, generation): a push (0 or -ENOMEM); a
 * slot put back at the front (a send that has to wait); the next live one
 * (skipping those ended since), LS_ENGINE_NIL when empty. */
int ls__q_push(struct ls_engine *e, uint32_t s);
void ls__q_unpop(struct ls_engine *e, uint32_t s);
uint32_t ls__q_pop(struct ls_engine *e);

/* The slots by target address (engines made with by_address). */
void ls__index_add(struct ls_engine *e, uint32_t s);
void ls__index_remove(struct ls_engine *e, uint32_t s);

#endif
