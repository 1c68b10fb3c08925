/* target_parse.c -- the target grammar: IPv4 octet ranges and lists, ranges, CIDR, IPv6, host names. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>

#include "target_internal.h"

/* What the parser fills in before the spec is made compact. */
struct pspec {
	enum ls_spec_kind kind;
	uint64_t size;
	union {
		uint8_t oct[4][32];
		struct { uint32_t lo, hi; } r4;
		struct ls_range6 r6;
	} u;
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Parses a plain dotted quad of decimal octets (1-3 digits each). */
static bool parse_quad(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0, o;
	size_t i = 0, digits;
	int k;

	for (k = 0; k < 4; k++) {
		o = 0;
		digits = 0;
		if (i + 1 < len && s[i] == '0' && isdigit((unsigned char)s[i + 1]))
			return false;	/* 010: octal to inet_aton; never guess */
		while (i < len && isdigit((unsigned char)s[i]) && digits < 4) {
			o = o * 10 + (uint32_t)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || o > 255)
			return false;
		v = v << 8 | o;
		if (k < 3) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
	}
	if (i != len)
		return false;
	*out = v;
	return true;
}

static int parse_octet_value(const char *text, const char **p, unsigned *out,
			     char *err, size_t errlen)
{
	unsigned v = 0;
	int digits = 0;

	/* inet_aton and ping read 010 as octal 8: never guess which was meant. */
	if ((*p)[0] == '0' && isdigit((unsigned char)(*p)[1]))
		return fail(err, errlen, "'%s': octet with a leading zero (octal is not taken)", text);
	while (isdigit((unsigned char)**p)) {
		if (++digits > 3)
			return fail(err, errlen, "'%s': octet value too long", text);
		v = v * 10 + (unsigned)(*(*p)++ - '0');
	}
	if (digits == 0)
		return fail(err, errlen, "'%s': expected an octet value (0-255)", text);
	if (v > 255)
		return fail(err, errlen, "'%s': octet value %u is out of range (0-255)", text, v);
	*out = v;
	return 0;
}

/* 10.0-3.1,5,10-20 and plain 10.0.0.1: four fields of numbers, N-M ranges, lists or '*'. */
static int parse_octets(const char *text, struct pspec *s, char *err, size_t errlen)
{
	const char *p = text;
	unsigned lo, hi, v, count;
	int k, rc;
	uint64_t size = 1;
	struct ls_run4 run;

	memset(s->u.oct, 0, sizeof(s->u.oct));
	for (k = 0; k < 4; k++) {
		for (;;) {
			if (*p == '*') {
				p++;
				lo = 0;
				hi = 255;
			} else {
				if ((rc = parse_octet_value(text, &p, &lo, err, errlen)) != 0)
					return rc;
				hi = lo;
				if (*p == '-') {
					p++;
					if ((rc = parse_octet_value(text, &p, &hi, err, errlen)) != 0)
						return rc;
					if (hi < lo)
						return fail(err, errlen, "'%s': reversed octet range %u-%u",
							    text, lo, hi);
				}
			}
			for (v = lo; v <= hi; v++)
				s->u.oct[k][v / 8] |= (uint8_t)(1u << (v % 8));
			if (*p != ',')
				break;
			p++;
		}
		if (k < 3) {
			if (*p != '.')
				return fail(err, errlen, "'%s': expected 4 octets", text);
			p++;
		}
	}
	if (*p != '\0')
		return fail(err, errlen, "'%s': unexpected '%c' in IPv4 address", text, *p);
	for (k = 0; k < 4; k++) {
		count = 0;
		for (v = 0; v < 32; v++)	/* bits set in a byte, Kernighan's way */
			for (unsigned b = s->u.oct[k][v]; b != 0; b &= b - 1)
				count++;
		size *= count;
	}
	s->size = size;
	s->kind = LS_SPEC_OCTETS;
	/* One run of consecutive addresses (10.0.0.1, 10.1.2.1-3, 10.0.*.*):
	 * store it as a range, which the index and the iterator take whole. */
	if (ls__octets_runs((const uint8_t (*)[32])s->u.oct, 1, &run) == 1) {
		s->kind = LS_SPEC_RANGE4;
		s->u.r4.lo = run.lo;
		s->u.r4.hi = run.hi;
	}
	return 0;
}

/* A prefix length: 1 to `digits` digits, nothing after, at most max; -1 when bad. */
static long parse_prefix(const char *p, long digits, long max)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)*p))
		return -1;
	n = strtol(p, &end, 10);
	return *end != '\0' || end - p > digits || n > max ? -1 : n;
}

static int parse_v4(const char *text, struct pspec *s, bool whole, char *err, size_t errlen)
{
	const char *slash = strchr(text, '/'), *dash = strchr(text, '-');
	const char *p;
	uint32_t a, b, mask;
	long n;
	int dots = 0;

	if (slash != NULL) {
		if (!parse_quad(text, (size_t)(slash - text), &a))
			return fail(err, errlen, "'%s': CIDR needs a plain IPv4 address before '/'", text);
		if ((n = parse_prefix(slash + 1, 2, 32)) < 0)
			return fail(err, errlen, "'%s': bad prefix length (1-32)", text);
		if (n == 0)
			return fail(err, errlen, "'%s': refusing /0, the whole IPv4 space", text);
		mask = n == 32 ? 0xffffffffu : ~(0xffffffffu >> n);
		a &= mask;
		b = a | ~mask;
		if (n < 31 && !whole) {	/* leave out network and broadcast, as fping -g */
			a++;
			b--;
		}
		s->kind = LS_SPEC_RANGE4;
		s->u.r4.lo = a;
		s->u.r4.hi = b;
		s->size = (uint64_t)b - a + 1;
		return 0;
	}
	for (p = text; *p != '\0'; p++)
		dots += *p == '.';
	if (dots == 6 && dash != NULL && strchr(dash + 1, '-') == NULL) {
		if (!parse_quad(text, (size_t)(dash - text), &a) ||
		    !parse_quad(dash + 1, strlen(dash + 1), &b))
			return fail(err, errlen, "'%s': a range needs two plain IPv4 addresses", text);
		if (b < a)
			return fail(err, errlen, "'%s': reversed range (end before start)", text);
		s->kind = LS_SPEC_RANGE4;
		s->u.r4.lo = a;
		s->u.r4.hi = b;
		s->size = (uint64_t)b - a + 1;
		return 0;
	}
	if (dots != 3)
		return fail(err, errlen, "'%s': not an IPv4 address, range or CIDR", text);
	return parse_octets(text, s, err, errlen);
}

typedef unsigned __int128 u128;

static u128 to_u128(const uint8_t b[16])
{
	u128 v = 0;
	int i;

	for (i = 0; i < 16; i++)
		v = v << 8 | b[i];
	return v;
}

static void from_u128(u128 v, uint8_t b[16])
{
	int i;

	for (i = 15; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

static bool parse_v6_addr(const char *s, size_t len, uint8_t out[16])
{
	char buf[64];

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

int ls__zone_index(const char *zone, size_t len, uint32_t *index)
{
	char name[IF_NAMESIZE], other[IF_NAMESIZE];
	unsigned long v;
	char *end;

	*index = 0;
	if (len == 0 || len >= sizeof(name))
		return -ENODEV;
	memcpy(name, zone, len);
	name[len] = '\0';
	if (strspn(name, "0123456789") == len) {	/* %2: an index, as the kernel's sin6_scope_id */
		v = strtoul(name, &end, 10);
		if (v == 0 || v > UINT32_MAX || if_indextoname((unsigned)v, other) == NULL)
			return -ENODEV;
		*index = (uint32_t)v;
		return 0;
	}
	*index = if_nametoindex(name);
	return *index != 0 ? 0 : -ENODEV;
}

/* The end of a range written as the last group only: fd00::1-20. */
static bool parse_v6_group_end(const char *s, const uint8_t lo[16], uint8_t hi[16])
{
	size_t n = strlen(s);
	unsigned long v;
	char *end;

	if (n == 0 || n > 4 || strspn(s, "0123456789abcdefABCDEF") != n)
		return false;
	v = strtoul(s, &end, 16);
	memcpy(hi, lo, 16);
	hi[14] = (uint8_t)(v >> 8);
	hi[15] = (uint8_t)v;
	return true;
}

/* Takes a "%zone" out of text (it ends the address: before any "/prefix",
 * or at the end) into *scope; the rest goes to buf.  Returns 0, or -EINVAL. */
static int take_zone(const char *text, char *buf, size_t buflen, uint32_t *scope, bool *zoned,
		     char *err, size_t errlen)
{
	const char *pct = strchr(text, '%'), *zend;
	size_t before;

	*scope = 0;
	*zoned = pct != NULL;
	if (strlen(text) >= buflen)
		return fail(err, errlen, "'%.60s...': too long for an IPv6 target", text);
	if (pct == NULL) {
		memcpy(buf, text, strlen(text) + 1);
		return 0;
	}
	zend = pct + strcspn(pct, "/");
	if (memchr(pct + 1, '%', (size_t)(zend - pct - 1)) != NULL || memchr(pct, ':', (size_t)(zend - pct)) != NULL)
		return fail(err, errlen, "'%s': one zone, at the end (fe80::1-fe80::20%%IFACE)", text);
	if (ls__zone_index(pct + 1, (size_t)(zend - pct - 1), scope) != 0)
		return fail(err, errlen, "'%s': no interface '%.*s' for the zone", text, (int)(zend - pct - 1),
			    pct + 1);
	before = (size_t)(pct - text);
	memcpy(buf, text, before);
	memcpy(buf + before, zend, strlen(zend) + 1);
	return 0;
}

static int parse_v6(const char *full, struct pspec *s, char *err, size_t errlen)
{
	char text[128];
	const char *slash, *dash;
	uint32_t scope;
	bool zoned, ll_lo, ll_hi;
	u128 lo, hi, mask;
	long n;
	int rc;

	if ((rc = take_zone(full, text, sizeof(text), &scope, &zoned, err, errlen)) != 0)
		return rc;
	slash = strchr(text, '/');
	dash = strchr(text, '-');
	s->kind = LS_SPEC_RANGE6;
	if (slash != NULL) {
		if (!parse_v6_addr(text, (size_t)(slash - text), s->u.r6.lo))
			return fail(err, errlen, "'%s': bad IPv6 address", full);
		if ((n = parse_prefix(slash + 1, 3, 128)) < 0)
			return fail(err, errlen, "'%s': bad prefix length (96-128)", full);
		/* /64../95: never swept, only discovered on a link (main.c) */
		if (n < LS_V6_PREFIX_MIN)
			return fail(err, errlen, "'%s': IPv6 prefix too short to sweep (at least /96)", full);
		mask = n == 128 ? ~(u128)0 : ~(~(u128)0 >> n);
		lo = to_u128(s->u.r6.lo) & mask;
		hi = lo | ~mask;
		s->u.r6.prefix = (uint8_t)n;
	} else if (dash != NULL) {
		if (!parse_v6_addr(text, (size_t)(dash - text), s->u.r6.lo) ||
		    (!parse_v6_addr(dash + 1, strlen(dash + 1), s->u.r6.hi) &&
		     !parse_v6_group_end(dash + 1, s->u.r6.lo, s->u.r6.hi)))
			return fail(err, errlen, "'%s': a range needs two IPv6 addresses (or fd00::1-20)", full);
		lo = to_u128(s->u.r6.lo);
		hi = to_u128(s->u.r6.hi);
		if (hi < lo)
			return fail(err, errlen, "'%s': reversed range (end before start)", full);
		if (hi - lo >= ((u128)1 << 32))
			return fail(err, errlen, "'%s': IPv6 range too large to sweep", full);
	} else {
		if (!parse_v6_addr(text, strlen(text), s->u.r6.lo))
			return fail(err, errlen, "'%s': bad IPv6 address", full);
		lo = hi = to_u128(s->u.r6.lo);
	}
	from_u128(lo, s->u.r6.lo);
	from_u128(hi, s->u.r6.hi);
	/* A /64 holds 2^64 addresses: the count saturates. */
	s->size = hi - lo >= (u128)UINT64_MAX ? UINT64_MAX : (uint64_t)(hi - lo) + 1;
	ll_lo = ls_ip6_linklocal(s->u.r6.lo);
	ll_hi = ls_ip6_linklocal(s->u.r6.hi);
	if (ll_lo != ll_hi)
		return fail(err, errlen, "'%s': a range either all link-local (fe80::/10) or none", full);
	if (ll_lo && !zoned)
		return fail(err, errlen, "'%s': a link-local address needs a zone: fe80::1%%IFACE", full);
	/* A zone on any other address is ignored: routes choose its interface. */
	s->u.r6.scope = ll_lo ? scope : 0;
	return 0;
}

static int check_name(const char *text, char *err, size_t errlen)
{
	size_t len = strlen(text), label = 0, i;
	unsigned char c;

	if (len > 253)
		return fail(err, errlen, "'%.40s...': host name too long", text);
	for (i = 0; i < len; i++) {
		c = (unsigned char)text[i];
		if (c == '.') {
			if (label == 0)
				return fail(err, errlen, "'%s': empty label in host name", text);
			label = 0;
			continue;
		}
		/* bytes >= 0x80: an internationalised name in UTF-8 (AI_IDN) */
		if (!isalnum(c) && c != '-' && c != '_' && c < 0x80)
			return fail(err, errlen, "'%s': not an address, range or host name", text);
		if (label == 0 && c == '-')
			return fail(err, errlen, "'%s': host name label starts with '-'", text);
		if (++label > 63)
			return fail(err, errlen, "'%s': host name label too long", text);
	}
	return 0;
}

/* Does the spec hold only 0.0.0.0 or ::? */
static bool unspecified(const struct pspec *s)
{
	static const uint8_t zero[16];
	int i;

	if (s->size != 1)
		return false;
	switch (s->kind) {
	case LS_SPEC_OCTETS:
		for (i = 0; i < 4; i++)
			if (!(s->u.oct[i][0] & 1))
				return false;
		return true;
	case LS_SPEC_RANGE4:
		return s->u.r4.lo == 0;
	case LS_SPEC_RANGE6:
		return memcmp(s->u.r6.lo, zero, 16) == 0;
	default:
		return false;
	}
}

/* The parse result made compact: bitsets and IPv6 bounds move to the heap. */
static int compact(const struct pspec *p, struct ls_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = p->kind;
	switch (p->kind) {
	case LS_SPEC_OCTETS:
		if ((s->u.oct = malloc(sizeof(p->u.oct))) == NULL)
			return -ENOMEM;
		memcpy(s->u.oct, p->u.oct, sizeof(p->u.oct));
		break;
	case LS_SPEC_RANGE4:
		s->u.r4.lo = p->u.r4.lo;
		s->u.r4.hi = p->u.r4.hi;
		break;
	case LS_SPEC_RANGE6:
		if ((s->u.r6 = malloc(sizeof(*s->u.r6))) == NULL)
			return -ENOMEM;
		*s->u.r6 = p->u.r6;
		break;
	case LS_SPEC_NAME:
		break;
	}
	return 0;
}

void ls__spec_free(struct ls_spec *s)
{
	if (s->kind == LS_SPEC_OCTETS)
		free(s->u.oct);
	else if (s->kind == LS_SPEC_RANGE6)
		free(s->u.r6);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

static int parse(const char *text, bool whole_cidr, struct pspec *s, char *err, size_t errlen)
{
	size_t len = strlen(text);
	struct in_addr a;
	uint32_t v;
	int rc;

	memset(s, 0, sizeof(*s));
	if (len == 0)
		return fail(err, errlen, "empty target");
	/* The common case first: one plain address (files of millions). */
	if (len <= 15 && parse_quad(text, len, &v)) {
		s->kind = LS_SPEC_RANGE4;
		s->u.r4.lo = s->u.r4.hi = v;
		s->size = 1;
		rc = 0;
	} else if (strchr(text, ':') != NULL)
		rc = parse_v6(text, s, err, errlen);
	else if (strspn(text, "0123456789.,-*/") == len)
		rc = parse_v4(text, s, whole_cidr, err, errlen);
	else if (inet_aton(text, &a) != 0)	/* 0x7f.0.0.1, 0177.1, 2130706433 */
		return fail(err, errlen, "'%s': not a dotted-quad address (hex, octal and short "
			    "forms are not taken)", text);
	else
		rc = 1;
	if (rc != 1) {
		/* A target of only the unspecified address would probe this host
		 * itself (Linux reads 0.0.0.0 and :: as local); as an exclusion it
		 * is harmless. */
		if (rc == 0 && !whole_cidr && unspecified(s))
			return fail(err, errlen, "'%s': the unspecified address is not a host", text);
		return rc;
	}
	rc = check_name(text, err, errlen);
	s->kind = LS_SPEC_NAME;
	s->size = 1;
	return rc;
}

int ls__spec_parse(const char *text, bool whole_cidr, struct ls_spec *s, uint64_t *size,
		   char *err, size_t errlen)
{
	struct pspec p;
	int rc;

	memset(s, 0, sizeof(*s));
	if ((rc = parse(text, whole_cidr, &p, err, errlen)) != 0)
		return rc;
	*size = p.size;
	return compact(&p, s);
}
