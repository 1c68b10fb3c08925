/* kind.h -- what a device is (kind) and its model, decided from evidence facts by one rule table.
 *
 * The evidence is a list of facts (source, key, value), as the sources
 * gather them (ident_dnssd.c, ident_ssdp.c) and as the sweep already has
 * them (TTL, open TCP ports, the MAC's vendor).  The decision is a table
 * of rules (kind.c), each one fact pattern (and, for a few, a second
 * fact that must be there too) with a kind and a tier; the strongest
 * tier that matches wins, the table's order breaks ties.  Models come
 * only from the device's own strings, by a second table in order of
 * preference.  Nothing matched: kind and model are NULL (no guess).
 *
 * Facts a rule reads (keys are compared case-insensitively):
 *   src "mdns"    key "service"            value "_ipp._tcp" (a DNS-SD service type the host offers)
 *                 key "SERVICE.TXTKEY"     a TXT value, e.g. "_ipp._tcp.ty", "_device-info._tcp.model"
 *   src "upnp"    key "deviceType", "friendlyName", "manufacturer", "modelName", "modelNumber"
 *   src "ssdp"    key "server", "st", "usn", "location"
 *   src "netbios" key "server" (value "1": the <20> name), "name", "workgroup"
 *   src "ip"      key "ttl"                value the received TTL or hop limit ("117")
 *   src "tcp"     key "port"               value an open port ("445")
 *   src "mac"     key "vendor"             value the registry's organisation name
 *                 key "local"              value "1": a locally administered (private) address
 */
#ifndef LANSCAN_KIND_H
#define LANSCAN_KIND_H

#include <stddef.h>
#include <stdio.h>

#include "lanscan/facts.h"


/* How strong a rule's evidence is: a higher tier always wins. */
enum ls_kind_tier {
	LS_TIER_TTL = 0,	/* the initial TTL of the host's replies */
	LS_TIER_PORT = 1,	/* an open TCP port, a NetBIOS server name */
	LS_TIER_VENDOR = 2,	/* the MAC's vendor makes one kind of device */
	LS_TIER_SERVICE = 3,	/* a service most devices of one kind offer */
	LS_TIER_OWN = 4,	/* the device says what it is (device type, category, model) */
};

enum ls_kind_match {
	LS_MATCH_ANY,		/* any value */
	LS_MATCH_EXACT,		/* the whole value, ASCII case ignored */
	LS_MATCH_PREFIX,	/* the value starts with it, case ignored */
	LS_MATCH_CONTAINS,	/* the value contains it, case ignored */
	LS_MATCH_ONEOF,		/* the value is one of "|a|b|c|" (case ignored) */
	LS_MATCH_RANGE,		/* a decimal value in "lo-hi" */
};

/* A fact pattern: src and key exact (case ignored), then the value. */
struct ls_kind_pat {
	const char *src, *key;
	enum ls_kind_match match;
	const char *pattern;
};

struct ls_kind_rule {
	struct ls_kind_pat fact;
	struct ls_kind_pat with;	/* must be there too (with.src NULL: nothing) */
	const char *kind;		/* a word of ls_kind_words */
	enum ls_kind_tier tier;
};

/* A fact whose value is the device's own model string. */
struct ls_model_rule {
	struct ls_kind_pat fact;
};

/* What ls_kind_decide found: kind a static word, model a fact's value
 * (the caller's memory), each NULL when nothing says; the index in facts
 * of the fact that decided each (-1 none), and the kind's rule. */
struct ls_kind_result {
	const char *kind;
	const char *model;
	int kind_fact, model_fact;
	const struct ls_kind_rule *rule;
};

/* The vocabulary, NULL-terminated: router printer computer phone tablet tv
 * media speaker nas camera iot network server. */
extern const char *const ls_kind_words[];

/* Decides kind and model from the n facts (facts with a NULL member are
 * skipped; an empty value matches only LS_MATCH_ANY).  Never fails. */
void ls_kind_decide(const struct ls_fact *facts, size_t n, struct ls_kind_result *out);

/* The tables, for tests and the documentation. */
const struct ls_kind_rule *ls_kind_rules(size_t *n);
const struct ls_model_rule *ls_model_rules(size_t *n);

/* Whether one fact matches a pattern. */
int ls_kind_pat_match(const struct ls_kind_pat *p, const struct ls_fact *f);

/* Writes the rule tables as man(7) lines: a list per tier, then the
 * model sources (man/device-recognition.draft holds a copy). */
void ls_kind_describe_man(FILE *out);

#endif
