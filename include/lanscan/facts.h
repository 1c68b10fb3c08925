/* facts.h -- what a host said about itself, as (source, key, value) facts.
 *
 * Every piece of evidence a sweep gathers beyond the state (names by
 * source, services, device fields, the TTL) is one fact: the source that
 * gave it ("dns", "mdns", "netbios", ...), a key ("name", "workgroup",
 * "model", ...) and a printable value.  A new kind of evidence is a new
 * key, not a new struct field in every file that prints or keeps results.
 * A list owns its strings; the first fact for a (source, key) pair is the
 * one that counts (ls_facts_get), later ones are kept as further values.
 */
#ifndef LANSCAN_FACTS_H
#define LANSCAN_FACTS_H

#include <stdbool.h>
#include <stddef.h>

/* The sources of names, in rank order for the best name (ls_facts_best_name). */
#define LS_SRC_DNS "dns"
#define LS_SRC_MDNS "mdns"
#define LS_SRC_NETBIOS "netbios"

#define LS_KEY_NAME "name"
#define LS_KEY_WORKGROUP "workgroup"

/* One piece of evidence.  In a list (struct ls_facts) the strings are one
 * allocation the list owns; elsewhere (kind.h's rules) the caller's. */
struct ls_fact {
	const char *src, *key, *value;
};

/* At most this many facts per list: a device that says more is cut short
 * (counted in dropped), so no device can make a host's list grow without bound. */
#define LS_FACTS_MAX 256

struct ls_facts {
	struct ls_fact *v;
	size_t n, cap;
	unsigned dropped;	/* facts left out: the list was full */
};

/* Adds a copy of (src, key, value), unless the very same fact is there.
 * An empty or NULL value adds nothing.  Returns 0, -ENOSPC (the list is
 * full: counted in dropped) or -ENOMEM. */
int ls_facts_add(struct ls_facts *f, const char *src, const char *key, const char *value);

/* The first value for (src, key), or NULL.  f may be NULL. */
const char *ls_facts_get(const struct ls_facts *f, const char *src, const char *key);

/* Removes every fact for (src, key). */
void ls_facts_del(struct ls_facts *f, const char *src, const char *key);

/* Copies every fact of from into to (appended).  Returns 0 or -ENOMEM. */
int ls_facts_copy(struct ls_facts *to, const struct ls_facts *from);

/* Frees the strings and the array; the list is empty after. */
void ls_facts_free(struct ls_facts *f);

/* The best name: DNS, else mDNS, else the NetBIOS name in lower case
 * (written into buf), else NULL.  f may be NULL. */
const char *ls_facts_best_name(const struct ls_facts *f, char *buf, size_t len);

/* The name sources in rank order, with the key of each one's JSON name
 * (NULL-terminated); the workgroup comes with NetBIOS. */
extern const char *const ls_name_sources[];

#endif
