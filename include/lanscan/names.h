/* names.h -- host names from DNS PTR, mDNS and NetBIOS, asked at once for each host that is up, bounded by a budget.
 *
 * Each source is one file behind struct ls_name_source (name_dns.c,
 * name_mdns.c, name_nbns.c).  A lookup (struct ls_nq) starts when a host is
 * known to be up; every source that applies sends its query at once, and
 * the lookup ends when every source has answered or given up, or when the
 * budget (--name-timeout) runs out, whichever comes first.  A source whose
 * server does not answer (DNS) is asked no more in this sweep, so it costs
 * the budget once, not once per host.  Replies are matched to an outstanding
 * query (id and question, and the source address each protocol allows);
 * anything else is dropped and counted.
 */
#ifndef LANSCAN_NAMES_H
#define LANSCAN_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "lanscan/facts.h"
#include "lanscan/netinfo.h"
#include "lanscan/target.h"

enum ls_name_src { LS_NAME_DNS, LS_NAME_MDNS, LS_NAME_NBNS, LS_NAME_NSRC };


struct ls_nq;
struct ls_names;
struct ls_nsrc;		/* a source's opened state: its own struct */
struct ls_plan;

/* What a lookup found, as facts (facts.h): (dns, name) reverse DNS
 * (/etc/hosts, then the resolv.conf servers) in lower case; (mdns, name)
 * the mDNS reverse name ("pi.local"), lower case; (netbios, name) the
 * NetBIOS machine name as sent (upper case) and (netbios, workgroup). */
typedef void (*ls_names_cb)(void *arg, const struct ls_facts *found);

struct ls_name_source {
	const char *name;
	unsigned packets;	/* sent per query: taken from the one --rate budget */
	/* Opens the source's sockets; 0, or a negative errno (the source is
	 * then left out, with a note under --verbose). */
	int (*open)(struct ls_nsrc **out, struct ls_names *ns, char *err, size_t errlen);
	bool (*applies)(struct ls_nsrc *s, const struct ls_nq *q);
	/* Sends the query; 0, or a negative errno (nothing from it for q). */
	int (*start)(struct ls_nsrc *s, struct ls_nq *q);
	/* q is over (answered, given up, expired): forget it. */
	void (*forget)(struct ls_nsrc *s, struct ls_nq *q);
	/* The budget ran out with q still waiting for this source (may be NULL). */
	void (*expired)(struct ls_nsrc *s, struct ls_nq *q);
	void (*close)(struct ls_nsrc *s);
};

extern const struct ls_name_source ls_name_dns, ls_name_mdns, ls_name_nbns;

/* One host's lookup.  Sources read addr and path, and keep their query id
 * and table link here. */
struct ls_nq {
	struct ls_names *ns;
	struct ls_addr addr;
	struct ls_path path;
	ls_names_cb cb;
	void *arg;
	unsigned pending;			/* bit per source still to answer */
	unsigned want, need, got;		/* waiting for the rate: sources, packets, taken */
	bool waiting;
	struct ls_nq *wnext;			/* the queue waiting for the rate */
	double deadline;			/* monotonic ms */
	double sent_ms;				/* when its queries went out (after any wait for the rate) */
	struct ls_nq *tprev, *tnext;		/* the deadline list (start order) */
	uint16_t id[LS_NAME_NSRC];		/* each source's query id */
	struct ls_nq *link[LS_NAME_NSRC];	/* each source's id table chain */
	struct ls_facts found;			/* what the sources said */
};

/* Query ids: a table per source, chained by id; ids come from the kernel's
 * random source, so a device that saw some cannot predict the next. */
#define LS_NQ_BUCKETS 1024
struct ls_nq_table {
	struct ls_nq *b[LS_NQ_BUCKETS];
	enum ls_name_src src;
	uint64_t rng;			/* only if getrandom fails */
	uint8_t rbuf[256];
	unsigned rpos;
};

/* Packets a source reads per wake-up: a flood cannot starve the timers. */
#define LS_NAMES_READ_MAX 256

struct ls_names {
	uv_loop_t *loop;
	const struct ls_plan *plan;	/* paths of reply sources; -I/-S (cfg) */
	struct ls_pacer *pacer;		/* the one --rate budget (NULL: none) */
	uv_timer_t pace_timer;
	struct ls_nq *wait_head, *wait_tail;	/* lookups waiting for the rate, in order */
	int budget_ms;
	bool verbose;
	const char *hosts_path;		/* /etc/hosts (tests may point elsewhere) */
	const char *resolv_path;	/* /etc/resolv.conf */
	const struct ls_name_source *src[LS_NAME_NSRC];
	struct ls_nsrc *inst[LS_NAME_NSRC];
	bool dead[LS_NAME_NSRC];	/* could not be opened (tests: killed): not asked */
	bool gave_up[LS_NAME_NSRC];	/* its server stopped answering: the source asks it no more */
	uv_timer_t timer;
	bool closing;
	unsigned active;		/* lookups under way */
	struct ls_nq *head, *tail;	/* by deadline */
	uint64_t asked[LS_NAME_NSRC], named[LS_NAME_NSRC];
	uint64_t dropped;		/* replies that matched no query */
	char why[256];			/* for --verbose: sources left out */
	/* Called once per source when it gives up (may be NULL): the caller says so. */
	void (*gave_up_cb)(struct ls_names *ns, enum ls_name_src src);
};

/* Opens every source that can be opened (none needs privileges); ns is
 * zeroed by the caller, who may set pacer (queries then share --rate with
 * the probes: a lookup waits for its packets, within its budget), src[]
 * (tests), hosts_path and resolv_path first.  Returns 0 or -ENOMEM. */
int ls_names_open(struct ls_names *ns, uv_loop_t *loop, const struct ls_plan *plan, int budget_ms);

/* Starts a lookup for addr (whose path is path).  cb(arg, found) runs once,
 * never from inside this call: the found facts live only during cb.
 * Returns the lookup, or NULL when out of memory (cb never runs). */
struct ls_nq *ls_names_start(struct ls_names *ns, const struct ls_addr *addr, const struct ls_path *path,
			     ls_names_cb cb, void *arg);

/* Ends a lookup now: its cb runs at once with what was found. */
void ls_names_cancel(struct ls_nq *q);

/* Closes the sources once no lookup is left (memory goes in close callbacks). */
void ls_names_close(struct ls_names *ns);

/* For --verbose: what was asked and answered. */
void ls_names_describe(const struct ls_names *ns, char *buf, size_t len);

/* --- for the sources ----------------------------------------------------- */

/* An answer from source src: name (and, NetBIOS, group) copied. */
void ls_nq_answer(struct ls_nq *q, enum ls_name_src src, const char *name, const char *group);
/* A fact source src learnt beside the name (NetBIOS: the <20> server
 * service), kept with the lookup's facts; before ls_nq_answer. */
void ls_nq_fact(struct ls_nq *q, enum ls_name_src src, const char *key, const char *value);
/* Source src has nothing (a negative answer, port unreachable, an error). */
void ls_nq_nothing(struct ls_nq *q, enum ls_name_src src);
/* Marks a source dead for the rest of the sweep and ends its pending queries. */
void ls_names_kill(struct ls_names *ns, enum ls_name_src src);
/* A source's server is not answering: marks it (gave_up) and ends its
 * pending queries; the source is still started, and may answer from what
 * it has locally (DNS: /etc/hosts). */
void ls_names_giveup(struct ls_names *ns, enum ls_name_src src);

void ls_nq_table_init(struct ls_nq_table *t, enum ls_name_src src);
/* Gives q a query id no other outstanding query of the table has, and adds it. */
void ls_nq_table_add(struct ls_nq_table *t, struct ls_nq *q);
struct ls_nq *ls_nq_table_find(const struct ls_nq_table *t, uint16_t id, const struct ls_nq *after);
void ls_nq_table_del(struct ls_nq_table *t, struct ls_nq *q);

/* An ICMP error for dst quoted our query qid (< 0: it quoted none): the
 * table's query for dst with that id, if any, gets nothing from its source. */
void ls_nq_table_unreach(struct ls_nq_table *t, const struct ls_addr *dst, int qid);

/* A source's UDP sockets, one per family, each watched by the loop.  The
 * poll handles' data is the struct; freed runs once both are closed. */
struct ls_names_socks {
	int fd[2];			/* IPv4, IPv6; -1 when none */
	uv_poll_t poll[2];
	bool polling[2];
	unsigned closing;		/* poll handles still closing */
	void (*freed)(struct ls_names_socks *s);
};

/* Opens the socket of family fi (0 IPv4, 1 IPv6) with ls_names_udp and
 * watches it with cb.  Returns 0 or a negative errno (fd[fi] is then -1). */
int ls_names_socks_open(struct ls_names_socks *s, struct ls_names *ns, int fi, bool to_targets, uv_poll_cb cb);
/* Closes both sockets; s->freed(s) follows from the close callbacks, or at
 * once when none was open. */
void ls_names_socks_close(struct ls_names_socks *s);

/* A UDP socket for the sources: non-blocking, IP_RECVERR/IPV6_RECVERR on,
 * and, for queries to the targets (to_targets), bound per -I/-S: the name
 * server is reached wherever its route goes.  Returns the fd or a negative
 * errno. */
int ls_names_udp(const struct ls_names *ns, int family, bool to_targets);
/* What a source does with what its sockets receive (ls_names_drain). */
struct ls_names_rx {
	/* An ICMP error for our datagram to dst:port; port_unreach when it is a
	 * port unreachable; qid: the id of the query it quotes, or -1. */
	void (*error)(void *arg, const struct ls_addr *dst, uint16_t port, bool port_unreach, int qid);
	/* A datagram of at least 12 bytes (a DNS or NetBIOS header) from
	 * from:port; the source counts it in ns->dropped if it takes nothing. */
	void (*packet)(void *arg, const uint8_t *buf, size_t len, const struct ls_addr *from, uint16_t port);
};

/* The body of a source's poll callback `self` for h (a poll handle of an
 * ls_names_socks): watches again after POLLERR (libuv stops a poll handle
 * on it), reads the ICMP error queue, then the datagrams into buf (size
 * bytes each), at most LS_NAMES_READ_MAX of each per wake-up.  Datagrams
 * too short or from no address are dropped and counted here. */
void ls_names_drain(struct ls_names *ns, uv_poll_t *h, int status, uv_poll_cb self, uint8_t *buf, size_t size,
		    const struct ls_names_rx *rx, void *arg);

/* sendto that looks past errors left pending by earlier ICMP errors (with
 * IP_RECVERR the kernel reports one on the next send, which it then drops):
 * the error queue keeps them.  Returns 0 or a negative errno. */
int ls_names_sendto(int fd, const void *buf, size_t len, const struct sockaddr_storage *to, unsigned tolen);

/* Reads one ICMP error from fd's error queue: the destination our packet
 * was for and whether it was a port unreachable.  Returns 1, 0 when none
 * is left, or a negative errno. */
int ls_names_errqueue(int fd, struct ls_addr *dst, uint16_t *port, bool *port_unreach, int *qid);

#endif
