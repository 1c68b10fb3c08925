/* dnssd.h -- DNS-SD over mDNS: queries for services and instances, records of the replies, TXT pairs; all bounded. */
#ifndef LANSCAN_DNSSD_H
#define LANSCAN_DNSSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lanscan/dnswire.h"

#define LS_DNSSD_SERVICES "_services._dns-sd._udp.local"	/* RFC 6763 9: the service types */
#define LS_DNSSD_PTR 12
#define LS_DNSSD_TXT 16
#define LS_DNSSD_AAAA 28
#define LS_DNSSD_SRV 33
#define LS_DNSSD_A 1
#define LS_DNSSD_ANY 255
/* The longest TXT key kept (RFC 6763 6.4 recommends 9), and value. */
#define LS_DNSSD_KEY_MAX 32
#define LS_DNSSD_VALUE_MAX 256	/* escaped text, NUL included */

/* Builds a query with one question: the wire-form name (ls_dns_name_encode
 * or a record's owner or target), type, class IN, the "QU" bit when
 * unicast_response.  Returns its length, -ENOSPC or -EINVAL (wirelen not
 * 2..255, or the name not ending with the root byte). */
ssize_t ls_dnssd_query(uint8_t *buf, size_t len, uint16_t id, const uint8_t *wire, size_t wirelen, uint16_t type,
		       bool unicast_response);

/* One resource record of a reply.  Names in wire form, uncompressed;
 * target for PTR and SRV; port for SRV; addr for A (4 bytes) and AAAA
 * (16); rdata/rdlen the raw data (TXT: its strings), inside the packet. */
struct ls_dnssd_rr {
	uint16_t type;
	uint8_t owner[LS_DNS_WIRE_MAX];
	size_t ownerlen;
	uint8_t target[LS_DNS_WIRE_MAX];
	size_t targetlen;
	uint16_t port;
	uint8_t addr[16];
	const uint8_t *rdata;
	size_t rdlen;
};

/* Reads a reply to a query with this id: the header (12 bytes, else
 * -EBADMSG), ours (id, QR set, opcode 0, else -ESRCH), rcode 0 (else
 * -ENOENT), the questions (any, at most 16, well formed, else -EBADMSG)
 * skipped, then every answer, authority and additional record well formed
 * (else -EBADMSG; records before the bad one were given to cb).  cb gets
 * each record of class IN whose type is PTR, SRV, TXT, A or AAAA with
 * well-formed data (PTR: exactly a name; SRV: 6 bytes and a name; A: 4
 * bytes; AAAA: 16); others are skipped.  cb returning non-zero stops the
 * walk.  Returns how many records cb got, or the negative errno. */
int ls_dnssd_reply(const uint8_t *pkt, size_t len, uint16_t id, int (*cb)(void *arg, const struct ls_dnssd_rr *rr),
		   void *arg);

/* Whether two wire-form names are equal, ASCII letters in either case. */
bool ls_dnssd_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* Whether wire name is "<label>.<parent>" for the wire name parent (an
 * instance of a service type, a type under _services...). */
bool ls_dnssd_name_under(const uint8_t *wire, size_t wirelen, const uint8_t *parent, size_t parentlen);

/* A service type name ("_ipp._tcp.local") as text without its domain:
 * "_ipp._tcp".  Only a name of exactly two labels starting with '_' (the
 * second "_tcp" or "_udp") before "local" qualifies.  Returns 1 (written,
 * lower case), 0 (not such a name) or -ENOSPC. */
int ls_dnssd_service_text(const uint8_t *wire, size_t wirelen, char *out, size_t outlen);

/* The next key=value pair of TXT data (rdata, rdlen) from *off: the key in
 * lower case (printable ASCII, no '=', 1..LS_DNSSD_KEY_MAX-1 bytes;
 * strings with another key are skipped), the value through ls_text_escape
 * into val ("" for a key without '=').  Returns 1, 0 at the end, or
 * -EBADMSG (a string runs past the end). */
int ls_dnssd_txt_next(const uint8_t *rdata, size_t rdlen, size_t *off, char key[LS_DNSSD_KEY_MAX],
		      char *val, size_t vallen);

#endif
