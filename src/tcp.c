/* tcp.c -- TCP SYN probes: build a SYN with a keyed cookie for its sequence number, parse and check the replies. */
#include "lanscan/tcp.h"

#include <string.h>
#include <sys/socket.h>

#include "lanscan/siphash.h"
#include "lanscan/util.h"

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_ACK 0x10
#define MSS 1460

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The one's complement sum of len bytes, added to sum (not folded). */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The TCP checksum's start: the IPv4 pseudo-header. */
static uint32_t pseudo4(uint32_t src, uint32_t dst, size_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + (uint32_t)len;
}

uint32_t ls_tcp_cookie(const uint8_t key[16], const struct ls_addr *addr, uint16_t port, uint16_t sport)
{
	uint8_t buf[24];

	memset(buf, 0, sizeof(buf));
	buf[0] = addr->family == AF_INET6 ? 6 : 4;
	memcpy(buf + 4, addr->b, addr->family == AF_INET6 ? 16 : 4);
	put16(buf + 1, port);
	put16(buf + 20, sport);
	buf[22] = 'T';
	return (uint32_t)ls_siphash(key, buf, sizeof(buf));
}

void ls_tcp_syn(uint8_t buf[LS_TCP_SYN_LEN], uint16_t sport, uint16_t dport, uint32_t seq)
{
	memset(buf, 0, LS_TCP_SYN_LEN);
	put16(buf, sport);
	put16(buf + 2, dport);
	put32(buf + 4, seq);
	buf[12] = (LS_TCP_SYN_LEN / 4) << 4;	/* data offset, in words */
	buf[13] = F_SYN;
	put16(buf + 14, 1024);			/* window */
	buf[20] = 2;				/* MSS option: what a real stack sends */
	buf[21] = 4;
	put16(buf + 22, MSS);
}

void ls_tcp_syn4(uint8_t buf[LS_TCP_SYN4_LEN], uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		 uint32_t seq)
{
	uint8_t *ip = buf, *tcp = buf + 20;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, LS_TCP_SYN4_LEN);
	ip[6] = 0x40;				/* don't fragment */
	ip[8] = 64;				/* TTL */
	ip[9] = 6;				/* TCP */
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, fold(sum16(0, ip, 20)));
	ls_tcp_syn(tcp, sport, dport, seq);
	put16(tcp + 16, fold(sum16(pseudo4(src, dst, LS_TCP_SYN_LEN), tcp, LS_TCP_SYN_LEN)));
}

void ls_tcp_parse(const uint8_t *buf, size_t len, struct ls_tcp_seg *out)
{
	size_t off;
	uint8_t flags;

	memset(out, 0, sizeof(*out));
	out->kind = LS_TCP_OTHER;
	if (len < 20 || (off = (size_t)(buf[12] >> 4) * 4) < 20 || off > len) {
		out->malformed = true;
		return;
	}
	out->sport = get16(buf);
	out->dport = get16(buf + 2);
	out->seq = ls_be32(buf + 4);
	out->ack = ls_be32(buf + 8);
	flags = buf[13];
	if (!(flags & F_ACK) || (flags & F_FIN))
		return;	/* an answer to a SYN acknowledges it */
	if ((flags & (F_SYN | F_RST)) == F_SYN)
		out->kind = LS_TCP_SYNACK;
	else if ((flags & (F_SYN | F_RST)) == F_RST)
		out->kind = LS_TCP_RST;
}

void ls_tcp_parse4(const uint8_t *buf, size_t len, struct ls_tcp_seg *out)
{
	size_t ihl, total;

	memset(out, 0, sizeof(*out));
	if (len < 20 || (buf[0] >> 4) != 4 || (ihl = (size_t)(buf[0] & 15) * 4) < 20 ||
	    (total = get16(buf + 2)) < ihl || total > len || buf[9] != 6 ||
	    (get16(buf + 6) & 0x3fff) != 0) {	/* a fragment: never a whole answer */
		out->malformed = true;
		return;
	}
	ls_tcp_parse(buf + ihl, total - ihl, out);
	out->src = ls_be32(buf + 12);
	out->dst = ls_be32(buf + 16);
}
