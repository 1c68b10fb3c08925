/* dnssd.c -- DNS-SD queries and reply records over dnswire.c's bounded name decoding; TXT strings as pairs. */
#include "lanscan/dnssd.h"

#include <errno.h>
#include <string.h>

#include "lanscan/safetext.h"

#define HEADER_LEN	12
#define QUESTIONS_MAX	16
#define CLASS_IN	1
#define CLASS_TOP	0x8000
#define FLAG_QR		0x8000

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

ssize_t ls_dnssd_query(uint8_t *buf, size_t len, uint16_t id, const uint8_t *wire, size_t wirelen, uint16_t type,
		       bool unicast_response)
{
	size_t total = HEADER_LEN + wirelen + 4;

	if (wirelen < 2 || wirelen > LS_DNS_WIRE_MAX || wire[wirelen - 1] != 0)
		return -EINVAL;
	if (len < total)
		return -ENOSPC;
	memset(buf, 0, HEADER_LEN);
	put16(buf, id);
	put16(buf + 4, 1);
	memcpy(buf + HEADER_LEN, wire, wirelen);
	put16(buf + HEADER_LEN + wirelen, type);
	put16(buf + HEADER_LEN + wirelen + 2, (uint16_t)(CLASS_IN | (unicast_response ? CLASS_TOP : 0)));
	return (ssize_t)total;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

bool ls_dnssd_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

bool ls_dnssd_name_under(const uint8_t *wire, size_t wirelen, const uint8_t *parent, size_t parentlen)
{
	size_t first;

	if (wirelen < 2 || wire[0] == 0)
		return false;
	first = 1 + (size_t)wire[0];
	return first < wirelen && ls_dnssd_name_eq(wire + first, wirelen - first, parent, parentlen);
}

int ls_dnssd_service_text(const uint8_t *wire, size_t wirelen, char *out, size_t outlen)
{
	size_t a, b, c, i, n = 0;

	if (wirelen < 1 || (a = wire[0]) < 2 || a + 1 >= wirelen)
		return 0;
	if ((b = wire[a + 1]) == 0 || a + b + 2 >= wirelen)
		return 0;
	c = wire[a + b + 2];
	if (c != 5 || a + b + c + 4 != wirelen || wire[a + b + c + 3] != 0)
		return 0;
	if (!ls_dnssd_name_eq(wire + a + b + 3, 5, (const uint8_t *)"local", 5) || wire[1] != '_' || b != 4 ||
	    !(ls_dnssd_name_eq(wire + a + 2, 4, (const uint8_t *)"_tcp", 4) ||
	      ls_dnssd_name_eq(wire + a + 2, 4, (const uint8_t *)"_udp", 4)))
		return 0;
	/* Service names: letters, digits and hyphens (RFC 6335 5.1), after the '_'. */
	for (i = 2; i <= a; i++)
		if (!((wire[i] >= 'a' && wire[i] <= 'z') || (wire[i] >= 'A' && wire[i] <= 'Z') ||
		      (wire[i] >= '0' && wire[i] <= '9') || wire[i] == '-'))
			return 0;
	if (a + b + 2 >= outlen)
		return -ENOSPC;
	for (i = 1; i <= a; i++)
		out[n++] = (char)lower(wire[i]);
	out[n++] = '.';
	for (i = 0; i < b; i++)
		out[n++] = (char)lower(wire[a + 2 + i]);
	out[n] = '\0';
	return 1;
}

/* Fills rr's data for its type from rdata [off, end) of pkt; false when
 * the data is not what the type says. */
static bool rdata_read(const uint8_t *pkt, size_t off, size_t end, struct ls_dnssd_rr *rr)
{
	switch (rr->type) {
	case LS_DNSSD_PTR:
		return ls_dns_name_decode(pkt, end, &off, rr->target, &rr->targetlen) == 0 && off == end;
	case LS_DNSSD_SRV:
		if (end - off < 7)
			return false;
		rr->port = get16(pkt + off + 4);
		off += 6;
		return ls_dns_name_decode(pkt, end, &off, rr->target, &rr->targetlen) == 0 && off == end;
	case LS_DNSSD_A:
		if (end - off != 4)
			return false;
		memcpy(rr->addr, pkt + off, 4);
		return true;
	case LS_DNSSD_AAAA:
		if (end - off != 16)
			return false;
		memcpy(rr->addr, pkt + off, 16);
		return true;
	case LS_DNSSD_TXT:
		return true;
	default:
		return false;
	}
}

int ls_dnssd_reply(const uint8_t *pkt, size_t len, uint16_t id, int (*cb)(void *arg, const struct ls_dnssd_rr *rr),
		   void *arg)
{
	struct ls_dnssd_rr rr;
	uint8_t skip[LS_DNS_WIRE_MAX];
	size_t off = HEADER_LEN, end, count, i, skiplen;
	uint16_t flags, class, rdlen;
	int given = 0;

	if (len < HEADER_LEN)
		return -EBADMSG;
	flags = get16(pkt + 2);
	if (get16(pkt) != id || !(flags & FLAG_QR) || (flags >> 11 & 15) != 0)
		return -ESRCH;
	if ((flags & 15) != 0)
		return -ENOENT;
	if (get16(pkt + 4) > QUESTIONS_MAX)
		return -EBADMSG;
	for (i = 0; i < get16(pkt + 4); i++) {
		if (ls_dns_name_decode(pkt, len, &off, skip, &skiplen) < 0 || len - off < 4)
			return -EBADMSG;
		off += 4;
	}
	count = (size_t)get16(pkt + 6) + get16(pkt + 8) + get16(pkt + 10);
	for (i = 0; i < count; i++) {	/* each record is at least 11 bytes: bounded by len */
		memset(&rr, 0, sizeof(rr));
		if (ls_dns_name_decode(pkt, len, &off, rr.owner, &rr.ownerlen) < 0 || len - off < 10)
			return -EBADMSG;
		rr.type = get16(pkt + off);
		class = get16(pkt + off + 2);
		rdlen = get16(pkt + off + 8);
		off += 10;
		if (rdlen > len - off)
			return -EBADMSG;
		end = off + rdlen;
		rr.rdata = pkt + off;
		rr.rdlen = rdlen;
		if ((class & ~CLASS_TOP) == CLASS_IN && rdata_read(pkt, off, end, &rr)) {
			given++;
			if (cb(arg, &rr) != 0)
				return given;
		}
		off = end;
	}
	return given;
}

int ls_dnssd_txt_next(const uint8_t *rdata, size_t rdlen, size_t *off, char key[LS_DNSSD_KEY_MAX],
		      char *val, size_t vallen)
{
	size_t n, k, i;
	const uint8_t *s, *eq;

	while (*off < rdlen) {
		n = rdata[*off];
		if (n > rdlen - *off - 1)
			return -EBADMSG;
		s = rdata + *off + 1;
		*off += 1 + n;
		eq = memchr(s, '=', n);
		k = eq != NULL ? (size_t)(eq - s) : n;
		if (k == 0 || k >= LS_DNSSD_KEY_MAX)
			continue;
		for (i = 0; i < k && s[i] >= 0x20 && s[i] < 0x7f; i++)
			key[i] = (char)lower(s[i]);
		if (i < k)
			continue;
		key[k] = '\0';
		if (vallen > 0) {
			if (eq != NULL)
				ls_text_escape(eq + 1, n - k - 1, val, vallen, 1);
			else
				val[0] = '\0';
		}
		return 1;
	}
	return 0;
}
