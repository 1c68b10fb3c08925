/* icmp.c -- build ICMP/ICMPv6 echo requests; parse echo replies and the errors that quote them. */
#include "lanscan/icmp.h"

#include "lanscan/siphash.h"

#include <string.h>
#include <sys/socket.h>

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The payload's layout: tag(8) slot(4) gen(2) try(1) zero(1) tx_ns(8). */
static void put_payload(uint8_t *p, const struct ls_icmp_probe *pr)
{
	put64(p, pr->tag);
	put16(p + 8, (uint16_t)(pr->slot >> 16));
	put16(p + 10, (uint16_t)pr->slot);
	put16(p + 12, pr->gen);
	p[14] = pr->try_;
	p[15] = 0;
	put64(p + 16, pr->tx_ns);
}

void ls_icmp_echo(int family, uint8_t buf[LS_ICMP_ECHO_LEN], uint16_t id, uint16_t seq,
		  const struct ls_icmp_probe *probe)
{
	memset(buf, 0, LS_ICMP_ECHO_LEN);
	buf[0] = family == AF_INET6 ? 128 : 8;	/* echo request */
	put16(buf + 4, id);
	put16(buf + 6, seq);
	put_payload(buf + 8, probe);
	if (family != AF_INET6)
		put16(buf + 2, checksum(buf, LS_ICMP_ECHO_LEN));
}

uint64_t ls_icmp_tag(const uint8_t key[16], const struct ls_addr *addr, const struct ls_icmp_probe *probe)
{
	uint8_t m[17 + LS_ICMP_PAYLOAD];
	struct ls_icmp_probe pr = *probe;

	pr.tag = 0;
	m[0] = (uint8_t)addr->family;
	memcpy(m + 1, addr->b, 16);
	put_payload(m + 17, &pr);
	return ls_siphash(key, m, sizeof(m));
}

static void read_payload(const uint8_t *p, size_t len, struct ls_icmp_msg *out)
{
	if (len < LS_ICMP_PAYLOAD)
		return;
	out->probe.tag = get64(p);
	out->probe.slot = (uint32_t)get16(p + 8) << 16 | get16(p + 10);
	out->probe.gen = get16(p + 12);
	out->probe.try_ = p[14];
	out->probe.tx_ns = get64(p + 16);
	out->has_payload = true;
}

static const char *reason4(uint8_t type, uint8_t code)
{
	if (type == 11)
		return "ttl exceeded";
	if (type == 12)
		return "parameter problem";
	switch (code) {
	case 0: case 6: case 11: return "net unreachable";
	case 1: case 7: case 12: return "host unreachable";
	case 2: return "protocol unreachable";
	case 3: return "port unreachable";
	case 4: return "fragmentation needed";
	case 9: case 10: case 13: return "administratively prohibited";
	}
	return "unreachable";
}

static const char *reason6(uint8_t type, uint8_t code)
{
	if (type == 3)
		return "ttl exceeded";
	if (type == 2)
		return "packet too big";
	if (type == 4)
		return "parameter problem";
	switch (code) {
	case 0: return "no route";
	case 1: case 5: case 6: return "administratively prohibited";
	case 3: return "host unreachable";
	case 4: return "port unreachable";
	}
	return "unreachable";
}

const char *ls_icmp_reason(int family, uint8_t type, uint8_t code)
{
	return family == AF_INET6 ? reason6(type, code) : reason4(type, code);
}

/* The quoted request inside an error: its destination and echo header. */
static bool parse_quoted(int family, const uint8_t *p, size_t len, struct ls_icmp_msg *out)
{
	size_t hl;

	memset(&out->target, 0, sizeof(out->target));
	if (family == AF_INET) {
		if (len < 20 || (p[0] >> 4) != 4)
			return false;
		hl = (size_t)(p[0] & 0x0f) * 4;
		if (hl < 20 || len < hl + 8 || p[9] != 1 || p[hl] != 8)
			return false;
		out->target.family = AF_INET;
		memcpy(out->target.b, p + 16, 4);
	} else {
		hl = 40;
		if (len < hl + 8 || (p[0] >> 4) != 6 || p[6] != 58 || p[hl] != 128)
			return false;
		out->target.family = AF_INET6;
		memcpy(out->target.b, p + 24, 16);
	}
	out->id = get16(p + hl + 4);
	out->seq = get16(p + hl + 6);
	read_payload(p + hl + 8, len - hl - 8, out);
	return true;
}

void ls_icmp_parse(int family, const uint8_t *buf, size_t len, bool ip_header,
		   struct ls_icmp_msg *out)
{
	size_t hl = 0;
	uint8_t type, code;
	bool v6 = family == AF_INET6;

	memset(out, 0, sizeof(*out));
	out->kind = LS_ICMP_OTHER;
	if (ip_header && !v6) {
		if (len < 20 || (buf[0] >> 4) != 4)
			return;
		hl = (size_t)(buf[0] & 0x0f) * 4;
		if (hl < 20 || buf[9] != 1)
			return;
	}
	if (len < hl + 8)
		return;
	buf += hl;
	len -= hl;
	if (ip_header && !v6 && checksum(buf, len) != 0) {
		out->bad_checksum = true;
		return;
	}
	type = buf[0];
	code = buf[1];
	if ((!v6 && type == 0) || (v6 && type == 129)) {
		out->kind = LS_ICMP_REPLY;
		out->id = get16(buf + 4);
		out->seq = get16(buf + 6);
		read_payload(buf + 8, len - 8, out);
		return;
	}
	if ((!v6 && (type == 3 || type == 11 || type == 12)) ||
	    (v6 && type >= 1 && type <= 4)) {
		if (!parse_quoted(family, buf + 8, len - 8, out))
			return;
		out->kind = LS_ICMP_ERROR;
		out->reason = v6 ? reason6(type, code) : reason4(type, code);
	}
}
