/* target.c -- the list of target specs: add them once each (a hash of addresses and names), and address helpers. */
#include "lanscan/target.h"
#include "target_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lanscan/util.h"

void ls_targets_init(struct ls_targets *t)
{
	memset(t, 0, sizeof(*t));
}

void ls_targets_free(struct ls_targets *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		ls__spec_free(&t->specs[i]);
	free(t->specs);
	free(t->multi);
	free(t->multi4);
	free(t->hash);
	ls__cover_free(t->cover);
	memset(t, 0, sizeof(*t));
}

/* --- hashing of single addresses and names ----------------------------- */

#define fnv ls_fnv1a

static uint64_t hash_addr(const struct ls_addr *a)
{
	uint32_t v;

	if (a->family == AF_INET) {	/* the hot path: files of millions of addresses */
		v = ls_be32(a->b);
		return ((uint64_t)v * 0x9e3779b97f4a7c15ULL) | 1;
	}
	return fnv(fnv(LS_FNV_INIT, a->b, 16), (const uint8_t *)&a->scope, sizeof(a->scope)) | 1;
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = LS_FNV_INIT;
	uint8_t c;

	for (; *s != '\0'; s++) {
		c = (uint8_t)tolower((unsigned char)*s);
		h = fnv(h, &c, 1);
	}
	return h & ~1ULL;	/* names even, addresses odd: never equal */
}

void ls__spec_first(const struct ls_spec *s, struct ls_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (s->kind == LS_SPEC_RANGE6) {
		a->family = AF_INET6;
		a->scope = s->u.r6->scope;
		memcpy(a->b, s->u.r6->lo, 16);
	} else {
		a->family = AF_INET;
		a->b[0] = (uint8_t)(s->u.r4.lo >> 24);
		a->b[1] = (uint8_t)(s->u.r4.lo >> 16);
		a->b[2] = (uint8_t)(s->u.r4.lo >> 8);
		a->b[3] = (uint8_t)s->u.r4.lo;
	}
}

static bool addr_eq(const struct ls_addr *a, const struct ls_addr *b)
{
	return a->family == b->family && a->scope == b->scope &&
	       memcmp(a->b, b->b, a->family == AF_INET ? 4 : 16) == 0;
}

/* A hash slot: the key is the IPv4 address itself for one, else 32 bits of
 * the hash; idx1 is the spec's index + 1 (0: empty).  Keys are compared
 * before any spec is read, so a lookup that misses touches no spec. */
struct ls_hslot {
	uint32_t key, idx1;
};

/* The first slot to probe: the hash mixed (its low bit only tells names
 * from addresses, and FNV's low bits are weak). */
static size_t slot_of(uint64_t h, size_t cap)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

static uint32_t key_of(uint64_t h, const struct ls_addr *addr)
{
	if (addr != NULL && addr->family == AF_INET)
		return ls_be32(addr->b);
	return (uint32_t)(h >> 32);
}

/* The hash and key of a spec that is one address or a name. */
static uint64_t spec_hash(const struct ls_spec *s, uint32_t *key)
{
	struct ls_addr a;
	uint64_t h;

	if (s->kind == LS_SPEC_NAME) {
		h = hash_name(s->text);
		*key = key_of(h, NULL);
		return h;
	}
	ls__spec_first(s, &a);
	h = hash_addr(&a);
	*key = key_of(h, &a);
	return h;
}

/* Finds the slot of an address (name == NULL) or a name: its spec index + 1, or 0. */
static size_t hash_find(const struct ls_targets *t, uint64_t h, const struct ls_addr *addr,
			const char *name)
{
	size_t i;
	struct ls_addr a;
	const struct ls_spec *s;
	uint32_t key = key_of(h, name != NULL ? NULL : addr);

	if (t->hcap == 0)
		return 0;
	for (i = slot_of(h, t->hcap); t->hash[i].idx1 != 0; i = (i + 1) & (t->hcap - 1)) {
		if (t->hash[i].key != key)
			continue;
		s = &t->specs[t->hash[i].idx1 - 1];
		if (name != NULL) {
			if (s->kind == LS_SPEC_NAME && strcasecmp(s->text, name) == 0)
				return t->hash[i].idx1;
		} else if (s->kind != LS_SPEC_NAME) {
			ls__spec_first(s, &a);
			if (addr_eq(&a, addr))
				return t->hash[i].idx1;
		}
	}
	return 0;
}

/* Is text an IPv4 address written as ls_addr_format writes it?  Digits and
 * dots only, of a one-address spec: the parser takes such text only as a
 * plain dotted quad without leading zeros, which is the canonical form. */
static bool canonical4(const char *text)
{
	size_t n = strspn(text, "0123456789.");

	return n <= 15 && text[n] == '\0';
}

/* Makes room for one more entry (load at most 3/4). */
static int hash_reserve(struct ls_targets *t)
{
	size_t i, j, ncap;
	struct ls_hslot *nh;
	uint32_t k;

	if ((t->hcount + 1) * 4 <= t->hcap * 3)
		return 0;
	ncap = t->hcap ? t->hcap * 2 : 64;
	nh = calloc(ncap, sizeof(*nh));
	if (nh == NULL)
		return -ENOMEM;
	for (i = 0; i < t->hcap; i++) {
		if (t->hash[i].idx1 == 0)
			continue;
		for (j = slot_of(spec_hash(&t->specs[t->hash[i].idx1 - 1], &k), ncap); nh[j].idx1 != 0;
		     j = (j + 1) & (ncap - 1))
			;
		nh[j] = t->hash[i];
	}
	free(t->hash);
	t->hash = nh;
	t->hcap = ncap;
	return 0;
}

/* Puts spec idx in the free slot `slot` (from hash_probe, after hash_reserve). */
static void hash_put(struct ls_targets *t, size_t slot, uint32_t key, size_t idx)
{
	t->hash[slot].key = key;
	t->hash[slot].idx1 = (uint32_t)(idx + 1);
	t->hcount++;
}

/* One pass over an address's probe sequence: its index + 1 when present,
 * else 0 and the free slot where it would go in *slot. */
static size_t hash_probe(const struct ls_targets *t, uint64_t h, uint32_t key, const struct ls_addr *addr,
			 size_t *slot)
{
	struct ls_addr a;
	size_t i;

	for (i = slot_of(h, t->hcap); t->hash[i].idx1 != 0; i = (i + 1) & (t->hcap - 1)) {
		const struct ls_spec *s;
		if (t->hash[i].key != key)
			continue;
		s = &t->specs[t->hash[i].idx1 - 1];
		if (s->kind == LS_SPEC_NAME)
			continue;
		ls__spec_first(s, &a);
		if (addr_eq(&a, addr))
			return t->hash[i].idx1;
	}
	*slot = i;
	return 0;
}

size_t ls__hash_lookup(const struct ls_targets *t, const struct ls_addr *a)
{
	return hash_find(t, hash_addr(a), a, NULL);
}

const char *ls_spec_text(const struct ls_spec *s, char *buf, size_t len)
{
	struct ls_addr a;

	if (s->text != NULL)
		return s->text;
	ls__spec_first(s, &a);
	return ls_addr_format(&a, buf, len);
}

/* For a spec that is one address or a name: its hash and key, and the free
 * slot it will take (*h stays 0 for the others).  Returns 0, 1 when it is
 * already there, or -ENOMEM. */
static int hash_place(struct ls_targets *t, const struct ls_spec *s, const char *text, uint64_t size,
		      uint64_t *h, uint32_t *key, size_t *slot)
{
	struct ls_addr a;

	if (s->kind == LS_SPEC_NAME) {
		*h = hash_name(text);
		*key = key_of(*h, NULL);
		if (hash_find(t, *h, NULL, text) != 0)
			return 1;
	} else if (size == 1) {
		ls__spec_first(s, &a);
		*h = hash_addr(&a);
		*key = key_of(*h, &a);
	} else {
		return 0;
	}
	if (hash_reserve(t) != 0)
		return -ENOMEM;
	if (s->kind != LS_SPEC_NAME)
		return hash_probe(t, *h, *key, &a, slot) != 0 ? 1 : 0;
	for (*slot = slot_of(*h, t->hcap); t->hash[*slot].idx1 != 0; *slot = (*slot + 1) & (t->hcap - 1))
		;
	return 0;
}

int ls_targets_add(struct ls_targets *t, const char *text, char *err, size_t errlen)
{
	struct ls_spec s;
	uint64_t h = 0, size;
	uint32_t key = 0;
	size_t slot = 0;
	bool multi4, multi;
	int rc;

	if (t->n >= UINT32_MAX - 1)
		return -ENOMEM;	/* the hash holds 32-bit indices */
	rc = ls__spec_parse(text, t->whole_cidr, &s, &size, err, errlen);
	if (rc != 0)
		return rc;

	if ((rc = hash_place(t, &s, text, size, &h, &key, &slot)) != 0) {
		ls__spec_free(&s);
		return rc < 0 ? rc : 0;	/* the same address or name twice: kept once, first */
	}
	/* IPv4 ranges, and octet specs of not too many runs, go in the index. */
	multi4 = size > 1 && (s.kind == LS_SPEC_RANGE4 ||
			      (s.kind == LS_SPEC_OCTETS &&
			       ls__octets_runs((const uint8_t (*)[32])s.u.oct, LS_OCT_RUNS_MAX, NULL) <= LS_OCT_RUNS_MAX));
	multi = s.kind != LS_SPEC_NAME && size > 1 && !multi4;
	rc = -ENOMEM;
	if (ls_grow(&t->specs, t->n, &t->cap, sizeof(*t->specs), 16) != 0 ||
	    (multi4 && ls_grow(&t->multi4, t->nmulti4, &t->capmulti4, sizeof(*t->multi4), 16) != 0) ||
	    (multi && ls_grow(&t->multi, t->nmulti, &t->capmulti, sizeof(*t->multi), 16) != 0))
		goto fail;
	/* One IPv4 address written canonically keeps no text: a file of
	 * millions of addresses then costs no string per line. */
	if (!(s.kind == LS_SPEC_RANGE4 && size == 1 && canonical4(text)) &&
	    (s.text = strdup(text)) == NULL)
		goto fail;
	if (h != 0)
		hash_put(t, slot, key, t->n);
	if (multi4) {
		t->multi4[t->nmulti4++] = t->n;
		ls__cover_free(t->cover);	/* rebuilt on the next lookup */
		t->cover = NULL;
	}
	if (multi)
		t->multi[t->nmulti++] = t->n;
	t->specs[t->n++] = s;
	t->total = t->total > UINT64_MAX - size ? UINT64_MAX : t->total + size;
	return 0;
fail:
	ls__spec_free(&s);
	return rc;
}

int ls_targets_add_list(struct ls_targets *t, const char *list, char *err, size_t errlen)
{
	char *buf, *piece, *save = NULL, *cur = NULL;
	size_t curlen = 0, plen;
	int rc = 0;

	buf = strdup(list);
	cur = malloc(strlen(list) + 1);
	if (buf == NULL || cur == NULL) {
		free(buf);
		free(cur);
		return -ENOMEM;
	}
	cur[0] = '\0';
	for (piece = strtok_r(buf, ", \t", &save); piece != NULL; piece = strtok_r(NULL, ", \t", &save)) {
		plen = strlen(piece);
		if (curlen > 0 && strpbrk(piece, ".:") == NULL &&
		    strspn(piece, "0123456789-*") == plen) {
			cur[curlen++] = ',';	/* continues an octet list: 10.0.0.1,5 */
			memcpy(cur + curlen, piece, plen + 1);
			curlen += plen;
			continue;
		}
		if (curlen > 0 && (rc = ls_targets_add(t, cur, err, errlen)) != 0)
			goto out;
		memcpy(cur, piece, plen + 1);
		curlen = plen;
	}
	if (curlen > 0)
		rc = ls_targets_add(t, cur, err, errlen);
out:
	free(buf);
	free(cur);
	return rc;
}

char *ls_addr_format(const struct ls_addr *addr, char *buf, size_t len)
{
	char *p = buf;
	int k;
	unsigned v;

	if (addr->family == AF_INET && len >= 16) {	/* by hand: --list prints millions */
		for (k = 0; k < 4; k++) {
			v = addr->b[k];
			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = k < 3 ? '.' : '\0';
		}
		return buf;
	}
	if (inet_ntop(addr->family, addr->b, buf, (socklen_t)len) == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	if (addr->family == AF_INET6 && addr->scope != 0) {
		char name[IF_NAMESIZE];
		size_t n = strlen(buf);
		if (if_indextoname(addr->scope, name) != NULL)
			snprintf(buf + n, len - n, "%%%s", name);
		else
			snprintf(buf + n, len - n, "%%%u", (unsigned)addr->scope);
	}
	return buf;
}

unsigned ls_addr_to_sockaddr(const struct ls_addr *addr, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (addr->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, addr->b, 16);
		s6->sin6_scope_id = addr->scope;
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	memcpy(&s4->sin_addr, addr->b, 4);
	return sizeof(*s4);
}

int ls_addr_from_sockaddr(const struct sockaddr *sa, struct ls_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET)
		memcpy(a->b, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(a->b, &s6->sin6_addr, 16);
		if (ls_ip6_linklocal(a->b))
			a->scope = s6->sin6_scope_id;
	} else
		return -EAFNOSUPPORT;
	a->family = sa->sa_family;
	return 0;
}

int ls_addr_cmp(const struct ls_addr *a, const struct ls_addr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	int c = memcmp(a->b, b->b, a->family == AF_INET ? 4 : 16);

	if (c != 0 || a->scope == b->scope)
		return c;
	return a->scope < b->scope ? -1 : 1;
}

int ls_addr_parse(const char *text, struct ls_addr *a)
{
	char buf[LS_ADDRSTRLEN];
	const char *pct = strchr(text, '%');
	size_t n = pct != NULL ? (size_t)(pct - text) : strlen(text);

	memset(a, 0, sizeof(*a));
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, n);
	buf[n] = '\0';
	if (pct == NULL && inet_pton(AF_INET, buf, a->b) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a->b) != 1)
		return -EINVAL;
	a->family = AF_INET6;
	if (pct != NULL && ls__zone_index(pct + 1, strlen(pct + 1), &a->scope) != 0)
		return -EINVAL;
	if (!ls_ip6_linklocal(a->b))
		a->scope = 0;
	return 0;
}
