/* result.h -- what a sweep learns about one target: its state, and the evidence for it. */
#ifndef LANSCAN_RESULT_H
#define LANSCAN_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "lanscan/facts.h"
#include "lanscan/target.h"

/* A host's state: up (some method had an answer), down (none had one by the
 * end of the host's wait), unknown (it could not be probed soundly). */
enum ls_state { LS_UP, LS_DOWN, LS_UNKNOWN };

const char *ls_state_name(enum ls_state state);

#define LS_VIA_LEN 16

/* A positive answer, as a method reports it. */
struct ls_answer {
	char via[LS_VIA_LEN];	/* the method: "icmp", "arp", "nd", "tcp/445", "neigh", "ping" */
	double rtt_ms;		/* from the answered attempt's send to the answer; < 0: none */
	bool has_mac;
	uint8_t mac[6];		/* the link-layer address that answered (arp, nd, neigh) */
	/* -c N (ping): requests sent and replies counted, and the RTT's range
	 * (rtt_ms is the mean); sent 0 when the method does not count. */
	uint16_t sent, received;
	double rtt_min_ms, rtt_max_ms;
	int ttl;		/* the IP TTL or hop limit of the reply, 0 when none (ARP, ND, TCP) */
	bool port_open;		/* tcp: a SYN-ACK (the port is open), not a RST */
};

struct ls_result {
	const char *target;	/* the spec as the user wrote it */
	bool has_addr;		/* false: a name that did not resolve */
	struct ls_addr addr;
	enum ls_state state;
	double rtt_ms;		/* < 0: none */
	const char *via;	/* the method that answered, or NULL */
	bool has_mac;
	uint8_t mac[6];		/* the link-layer address that answered (arp, nd, neigh) */
	const char *vendor;	/* its registered vendor, LS_OUI_LOCAL, or NULL (oui.h) */
	const char *name;	/* the best name: DNS, mDNS, NetBIOS (lower case), or as given; or NULL */
	bool names;		/* names were asked for (-n): the per-source names in facts */
	const struct ls_facts *facts;	/* what the host said about itself (facts.h), or NULL */
	const char *error;	/* why it is down or unknown, or NULL */
	bool identify;		/* --identify: kind, model and the evidence in facts */
	const char *kind;	/* a word of kind.h's vocabulary, or NULL: no evidence */
	const char *model;	/* the device's own model string, or NULL */
	const struct ls_fact *kind_fact;	/* the fact that decided the kind, or NULL */
	/* -c N: requests sent and replies counted (sent 0: not counted), the
	 * RTT's least and most (rtt_ms is the mean) */
	unsigned sent, received;
	double rtt_min_ms, rtt_max_ms;
};

#endif
