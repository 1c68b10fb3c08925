/* dnswire.c -- build mDNS PTR queries and read their answers; names decoded with bounded, backward-only compression. */
#include "lanscan/dnswire.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define HEADER_LEN	12
#define NAME_WIRE_MAX	255	/* RFC 1035 2.3.4: labels, length bytes and the root */
#define LABEL_MAX	63
#define JUMPS_MAX	127	/* compression pointers followed in one name */
#define ALIASES_MAX	8	/* CNAME records followed from the question's name */
#define TYPE_CNAME	5
#define TYPE_PTR	12
#define TYPE_ANY	255
#define CLASS_IN	1
#define CLASS_TOP	0x8000	/* mDNS: "QU" in a question, "cache flush" in a record */
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

int ls_dns_ptr_qname(int family, const void *addr, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	char buf[LS_DNS_QNAME_MAX];
	const uint8_t *b = addr;
	size_t n = 0;
	int i;

	if (family == AF_INET) {
		n = (size_t)snprintf(buf, sizeof(buf), "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
	} else if (family == AF_INET6) {
		for (i = 15; i >= 0; i--) {
			buf[n++] = hex[b[i] & 15];
			buf[n++] = '.';
			buf[n++] = hex[b[i] >> 4];
			buf[n++] = '.';
		}
		memcpy(buf + n, "ip6.arpa", sizeof("ip6.arpa"));
		n += sizeof("ip6.arpa") - 1;
	} else {
		return -EAFNOSUPPORT;
	}
	if (n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return -ENOSPC;
	}
	memcpy(out, buf, n + 1);
	return (int)n;
}

/* Writes qname (dot-separated labels, a final dot allowed) in wire form,
 * labels then the root byte, into wire[NAME_WIRE_MAX].  Returns its length
 * or -EINVAL (empty, an empty label, a label over 63 bytes, over 255 in all). */
static int name_encode(const char *qname, uint8_t *wire)
{
	const char *p = qname, *dot;
	size_t n = 0, l;

	for (;;) {
		dot = strchr(p, '.');
		l = dot != NULL ? (size_t)(dot - p) : strnlen(p, NAME_WIRE_MAX);
		if (l == 0) {
			if (dot == NULL && n > 0)
				break;		/* after a final dot */
			return -EINVAL;
		}
		if (l > LABEL_MAX || n + 1 + l + 1 > NAME_WIRE_MAX)
			return -EINVAL;
		wire[n++] = (uint8_t)l;
		memcpy(wire + n, p, l);
		n += l;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	wire[n++] = 0;
	return (int)n;
}

ssize_t ls_dns_ptr_query(uint8_t *buf, size_t len, uint16_t id, const char *qname, bool unicast_response)
{
	uint8_t wire[NAME_WIRE_MAX];
	int n = name_encode(qname, wire);
	size_t total;

	if (n < 0)
		return n;
	total = HEADER_LEN + (size_t)n + 4;
	if (len < total)
		return -ENOSPC;
	memset(buf, 0, HEADER_LEN);
	put16(buf, id);
	put16(buf + 4, 1);		/* QDCOUNT */
	memcpy(buf + HEADER_LEN, wire, (size_t)n);
	put16(buf + HEADER_LEN + n, TYPE_PTR);
	put16(buf + HEADER_LEN + n + 2, (uint16_t)(CLASS_IN | (unicast_response ? CLASS_TOP : 0)));
	return (ssize_t)total;
}

/* Reads the name at *off of the len bytes at pkt, uncompressed (labels,
 * then the root byte) into wire[NAME_WIRE_MAX], its length into *wirelen,
 * and moves *off past the name's bytes at that place (through its first
 * pointer or its root).  A pointer must lead to a place at or after the
 * header and before where the current run of labels began, so each jump
 * goes strictly backwards and no loop is possible; at most JUMPS_MAX are
 * followed.  Returns 0 or -EBADMSG. */
static int name_decode(const uint8_t *pkt, size_t len, size_t *off, uint8_t *wire, size_t *wirelen)
{
	size_t p = *off, run = *off, n = 0, after = 0, to;
	unsigned jumps = 0;
	uint8_t c;

	for (;;) {
		if (p >= len)
			return -EBADMSG;
		c = pkt[p];
		if ((c & 0xc0) == 0xc0) {
			if (len - p < 2)
				return -EBADMSG;
			to = (size_t)(c & 0x3f) << 8 | pkt[p + 1];
			if (to < HEADER_LEN || to >= run || ++jumps > JUMPS_MAX)
				return -EBADMSG;
			if (jumps == 1)
				after = p + 2;
			p = run = to;
			continue;
		}
		if (c > LABEL_MAX)		/* 0x40 and 0x80: extended and reserved label types */
			return -EBADMSG;
		if (c > 0 && n + 1 + c + 1 > NAME_WIRE_MAX)
			return -EBADMSG;
		if (c > len - p - 1)
			return -EBADMSG;
		wire[n++] = c;
		memcpy(wire + n, pkt + p + 1, c);
		n += c;
		p += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	*off = jumps > 0 ? after : p;
	*wirelen = n;
	return 0;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/* Whether two wire-form names are the same, ASCII letters in either case.
 * (Length bytes, at most 63, are never letters, so a byte-wise comparison
 * also compares the label structure.) */
static bool name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/* The length (2-4) of the valid UTF-8 sequence of a printable character
 * at s (n bytes readable), or 0: overlong forms, surrogates, values past
 * U+10FFFF, C1 controls and the bidirectional and line-separator controls
 * that could disguise or break a line are not. */
static size_t utf8_printable(const uint8_t *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7fu >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp < 0xa0 || cp == 0x061c || cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

/* Appends k bytes to out (n used of outlen, room kept for the NUL). */
static bool append(char *out, size_t outlen, size_t *n, const void *s, size_t k)
{
	if (outlen - *n <= k)
		return false;
	memcpy(out + *n, s, k);
	*n += k;
	return true;
}

/* Writes the wire-form name in presentation form (see ls_dns_ptr_answer)
 * into out.  Returns 1 or -ENOSPC (out is then ""). */
static int name_text(const uint8_t *wire, char *out, size_t outlen)
{
	size_t p = 0, n = 0, i, l, u;
	char esc[5];
	uint8_t c;
	bool ok = outlen > 0;

	while (ok && wire[p] != 0) {
		l = wire[p++];
		if (n > 0)
			ok = append(out, outlen, &n, ".", 1);
		for (i = 0; ok && i < l; i += u) {
			c = wire[p + i];
			u = 1;
			if (c > ' ' && c < 0x7f && c != '.' && c != '\\') {
				c = lower(c);
				ok = append(out, outlen, &n, &c, 1);
			} else if (c >= 0x80 && (u = utf8_printable(wire + p + i, l - i)) > 0) {
				ok = append(out, outlen, &n, wire + p + i, u);
			} else {
				u = 1;
				snprintf(esc, sizeof(esc), "\\%03u", c);
				ok = append(out, outlen, &n, esc, 4);
			}
		}
		p += l;
	}
	if (!ok) {
		if (outlen > 0)
			out[0] = '\0';
		return -ENOSPC;
	}
	out[n] = '\0';
	return 1;
}

int ls_dns_ptr_answer(const uint8_t *pkt, size_t len, uint16_t id, const char *qname, char *name, size_t namelen)
{
	uint8_t want[NAME_WIRE_MAX], owner[NAME_WIRE_MAX], target[NAME_WIRE_MAX];
	size_t wantlen, ownerlen, targetlen, off = HEADER_LEN, end, count, i, aliases = 0;
	uint16_t flags, type, class, rdlen;
	int n;

	if (namelen > 0)
		name[0] = '\0';
	n = name_encode(qname, want);
	if (n < 0)
		return -EINVAL;
	wantlen = (size_t)n;
	if (len < HEADER_LEN)
		return -EBADMSG;
	flags = get16(pkt + 2);
	if (get16(pkt) != id || !(flags & FLAG_QR) || (flags >> 11 & 15) != 0)
		return -ESRCH;
	if (get16(pkt + 4) > 1)
		return -ESRCH;
	if (get16(pkt + 4) == 1) {
		if (name_decode(pkt, len, &off, owner, &ownerlen) < 0 || len - off < 4)
			return -EBADMSG;
		type = get16(pkt + off);
		class = get16(pkt + off + 2);
		off += 4;
		if (!name_equal(owner, ownerlen, want, wantlen) || (type != TYPE_PTR && type != TYPE_ANY) ||
		    (class & ~CLASS_TOP) != CLASS_IN)
			return -ESRCH;
	}
	/* an error code (NXDOMAIN, SERVFAIL, ...) counts only for this question */
	if ((flags & 15) != 0)
		return get16(pkt + 4) == 1 ? -ENOENT : -ESRCH;
	count = (size_t)get16(pkt + 6) + get16(pkt + 8) + get16(pkt + 10);
	/* Each record takes at least 11 bytes: the loop ends with the packet. */
	for (i = 0; i < count; i++) {
		if (name_decode(pkt, len, &off, owner, &ownerlen) < 0 || len - off < 10)
			return -EBADMSG;
		type = get16(pkt + off);
		class = get16(pkt + off + 2);
		rdlen = get16(pkt + off + 8);
		off += 10;
		if (rdlen > len - off)
			return -EBADMSG;
		end = off + rdlen;
		if ((class & ~CLASS_TOP) != CLASS_IN || !name_equal(owner, ownerlen, want, wantlen)) {
			off = end;
			continue;
		}
		/* The data is one name, exactly: read no further than it. */
		if (type == TYPE_PTR) {
			if (name_decode(pkt, end, &off, target, &targetlen) < 0 || off != end)
				return -EBADMSG;
			if (targetlen > 1)
				return name_text(target, name, namelen);
		} else if (type == TYPE_CNAME && aliases < ALIASES_MAX) {
			/* RFC 2317 delegation: the PTR is the alias's, after it. */
			if (name_decode(pkt, end, &off, want, &wantlen) < 0 || off != end)
				return -EBADMSG;
			aliases++;
		}
		off = end;
	}
	return 0;
}

int ls_dns_name_decode(const uint8_t *pkt, size_t len, size_t *off, uint8_t wire[LS_DNS_WIRE_MAX], size_t *wirelen)
{
	return name_decode(pkt, len, off, wire, wirelen);
}

int ls_dns_name_text(const uint8_t *wire, char *out, size_t outlen)
{
	return name_text(wire, out, outlen);
}

int ls_dns_name_encode(const char *qname, uint8_t wire[LS_DNS_WIRE_MAX])
{
	return name_encode(qname, wire);
}
