/* engine.h -- what the packet methods share: slots, per-target deadlines, retransmission, pacing, drops.
 *
 * A packet method (ICMP echo, ARP, ND, the neighbour-table watch) is a codec
 * on top of one engine: the engine decides when each target's probe goes out
 * and when its wait ends; the codec builds, sends and matches packets.
 *
 * Timing rules, the same for every packet method:
 *  - a target's wait starts at its first send and ends wait_ms later,
 *    whatever else is in the sweep; an answer to any of its tries counts
 *    until then;
 *  - within the wait, a silent target is sent again after a retransmission
 *    timeout learned per /24 (IPv4) or /64 (IPv6), else over the sweep, else
 *    200 ms, clamped to [min_rto, max_rto] and doubled per try, at most
 *    `retries` times, and not once costly methods (TCP) have started on
 *    the target (their probes are its second chance): it decides when to
 *    send again, never that a host is down;
 *  - after the first timeout the race is told the target is silent (so it
 *    may start costlier methods);
 *  - a target whose wait ended while the kernel was dropping packets on the
 *    codec's sockets is unknown, not down.
 */
#ifndef LANSCAN_ENGINE_H
#define LANSCAN_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "lanscan/method.h"
#include "lanscan/timing.h"

#define LS_ENGINE_NIL UINT32_MAX
#define LS_ENGINE_BATCH 64

struct ls_engine;

struct ls_engine_ops {
	/* Sends one probe for each slot in slots[0..n), in order; stops early
	 * when the socket is full or the next slot needs another socket.
	 * Calls ls_engine_sent for each probe that went, or ends a slot that
	 * cannot be probed (ls_engine_negative + ls_engine_end).  Returns how
	 * many slots it consumed (a prefix); 0 means "later". */
	unsigned (*send)(struct ls_engine *e, const uint32_t *slots, unsigned n, double now);
	/* Reads every reply queued on the codec's sockets. */
	void (*receive)(struct ls_engine *e);
	/* The kernel's drop count over the codec's receive sockets, cumulative. */
	uint64_t (*drops)(struct ls_engine *e);
	/* Frees the codec once every handle is closed. */
	void (*free)(struct ls_engine *e);
	/* Optional: packets the codec still has to send on its own (SYN's
	 * later ports), so the engine wakes up for them as for its queue. */
	uint64_t (*backlog)(struct ls_engine *e);
};

/* A slot: one target's attempt, or a lite target (S_LITE: method.h's
 * struct ls_lite; its spec, IPv4 address and path index are the target's
 * whole state).  48 bytes: at 100 k packets a second every target of a /16
 * is in flight at once. */
struct ls_eslot {
	union {
		struct ls_attempt *a;		/* NULL when free */
		const struct ls_spec *spec;	/* S_LITE */
	};
	double first_ms;	/* monotonic time of the first send */
	uint64_t first_ns;	/* and its CLOCK_REALTIME, to compare with kernel receive timestamps */
	float wait_ms;		/* the wait from the first send (0 before it) */
	uint32_t v4;		/* S_LITE: the IPv4 address, network order */
	uint32_t heap_i;	/* LS_ENGINE_NIL when not in the heap */
	uint32_t next;		/* free list, or the address index's chain */
	uint16_t gen;		/* bumped each time the slot is freed */
	uint16_t path;		/* S_LITE: the path's index */
	uint8_t tries;		/* sends so far */
	uint8_t flags;
};

struct ls_edue {
	double at;
	uint32_t slot;
};

struct ls_eq {
	uint32_t slot;
	uint16_t gen;
};

struct ls_engine {
	/* set by ls_engine_init */
	struct ls_menv env;
	const struct ls_engine_ops *ops;
	void *codec;
	int max_tries;		/* 1 + retries (the codec may lower it) */
	bool once_onlink;	/* one try to on-link targets: the kernel resolves, and
				 * retries would only queue behind its resolution */
	int handles;		/* libuv handles open: the engine's timer and the codec's */
	/* state */
	uv_timer_t timer;
	bool ticking, closing, in_tick;
	double due;		/* when the timer fires (monotonic ms), while ticking */
	struct ls_eslot *slots;
	uint32_t nslots, free_head, used;
	uint32_t fresh;		/* slots from here on never used yet (not touched: no RSS) */
	uint32_t lite;		/* lite slots in use */
	struct ls_edue *heap;
	uint32_t heap_n;
	struct ls_eq *q;	/* the send queue: a ring */
	uint32_t q_cap, q_head, q_n;
	uint32_t *index;	/* by address: chains through slot.next; NULL when not asked for */
	uint32_t index_mask;
	struct ls_rtt global;
	struct ls_subnet *subnets;
	uint64_t drops;		/* the codec's drop count last read */
	double drop_ms;		/* when a drop was last seen, 0: never */
};

/* Sets up an engine of `slots` slots (cfg->window when 0) on env's loop;
 * `by_address`: keep an index to find slots by target address (ARP, ND).
 * Returns 0 or -ENOMEM. */
int ls_engine_init(struct ls_engine *e, const struct ls_menv *env, const struct ls_engine_ops *ops,
		   void *codec, uint32_t slots, bool by_address);

/* The method interface's start and cancel, for the codec to forward. */
int ls_engine_start(struct ls_engine *e, struct ls_attempt *a);
void ls_engine_cancel(struct ls_engine *e, struct ls_attempt *a);
/* And start_lite and cancel_lite (an IPv4 address only).  A codec that
 * keeps lite slots reads its slots' targets only through ls_engine_addr
 * and ls_engine_path. */
int ls_engine_start_lite(struct ls_engine *e, const struct ls_spec *spec, const struct ls_addr *addr,
			 uint16_t path, bool follow);
void ls_engine_cancel_lite(struct ls_engine *e);

/* Closes the engine's timer; ops->free runs when the last handle (the
 * codec's too, see ls_engine_handle_closed) is closed. */
void ls_engine_close(struct ls_engine *e);
void ls_engine_handle_closed(uv_handle_t *h);	/* a close callback: h->data is the engine */

/* For the codec: a probe for slot s went out now; tx_ns is the
 * CLOCK_REALTIME read just before it was handed to the kernel (0: read it
 * now), so that RTTs are never shorter than the truth. */
void ls_engine_sent(struct ls_engine *e, uint32_t s, double now, uint64_t tx_ns);
/* Lengthens slot s's wait (after its first send) to wait_ms from that send. */
void ls_engine_extend(struct ls_engine *e, uint32_t s, double wait_ms);

/* Slot s is answered: tells the race and frees the slot.  `sample`: the RTT
 * may train the retransmission timeout. */
void ls_engine_answer(struct ls_engine *e, uint32_t s, const struct ls_answer *ans);
/* A provisional negative: no more retransmissions, the wait goes on. */
void ls_engine_negative(struct ls_engine *e, uint32_t s, const char *reason);
/* Frees slot s and ends its attempt (unknown: see ls_attempt_done). */
void ls_engine_end(struct ls_engine *e, uint32_t s, const char *unknown);
/* Counts a packet that was not taken as an answer. */
void ls_engine_reject(struct ls_engine *e, enum ls_reject why);

/* The slots in flight for addr, one after another: start with *cursor =
 * LS_ENGINE_NIL; returns LS_ENGINE_NIL at the end.  Needs by_address. */
uint32_t ls_engine_find(const struct ls_engine *e, const struct ls_addr *addr, uint32_t *cursor);

/* CLOCK_REALTIME in nanoseconds (what SO_TIMESTAMPNS reports). */
uint64_t ls_engine_realtime_ns(void);

/* The kernel's count of packets it dropped on socket fd (SO_MEMINFO). */
uint64_t ls_engine_sock_drops(int fd);

/* The kernel's receive timestamp (SO_TIMESTAMPNS) of a received message, 0 when none. */
struct msghdr;
uint64_t ls_engine_rx_stamp(struct msghdr *h);

/* The TTL (IP_TTL) or hop limit (IPV6_HOPLIMIT) a received message's
 * control data carries (IP_RECVTTL, IPV6_RECVHOPLIMIT), or 0 when none. */
int ls_engine_rx_ttl(struct msghdr *h);

/* The RTT of an answer received at rx_ns (a kernel timestamp, 0 when none)
 * to the probe sent at tx_ns, bounded by what the monotonic clock saw since
 * slot s's first send. */
double ls_engine_rtt(const struct ls_engine *e, uint32_t s, uint64_t tx_ns, uint64_t rx_ns, double now);
/* The same for one slot, with the wall clock read at `wall` (ns): when the
 * wall clock did not move as the monotonic one since the slot's first send
 * (a step back or forward), the monotonic clock on both ends; never 0. */
double ls_engine_rtt_at(const struct ls_eslot *sl, uint64_t tx_ns, uint64_t rx_ns, uint64_t wall, double now);

/* The slot's target: a pointer to its race's address, or for a lite slot
 * to *buf, filled. */
const struct ls_addr *ls_engine_addr(const struct ls_engine *e, uint32_t s, struct ls_addr *buf);
/* The path to the slot's target. */
const struct ls_path *ls_engine_path(const struct ls_engine *e, uint32_t s);
/* The monotonic time the slot's target ends its wait. */
static inline double ls_engine_deadline(const struct ls_eslot *sl)
{
	return sl->first_ms + sl->wait_ms;
}

#endif
