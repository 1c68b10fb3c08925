/* dnswire.h -- DNS PTR queries and answers (mDNS, unicast DNS), every length and pointer bounded. */
#ifndef LANSCAN_DNSWIRE_H
#define LANSCAN_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A buffer for any reverse name ls_dns_ptr_qname makes ("...ip6.arpa"). */
#define LS_DNS_QNAME_MAX 73
/* A buffer for any name ls_dns_ptr_answer can return: 255 bytes on the
 * wire hold at most 250 label bytes (in 4 labels), each escaped as \DDD,
 * 3 dots and the NUL. */
#define LS_DNS_TEXT_MAX 1004

/* The reverse-lookup name of an address: "4.3.2.1.in-addr.arpa" for
 * 1.2.3.4 (AF_INET, addr a struct in_addr *), "b.a.9.8.[...].ip6.arpa", one
 * lower-case hex digit per nibble, for AF_INET6 (a struct in6_addr *).
 * Writes it NUL-terminated into out.  Returns its length, -ENOSPC (outlen too
 * small; out is then "" when outlen > 0) or -EAFNOSUPPORT. */
int ls_dns_ptr_qname(int family, const void *addr, char *out, size_t outlen);

/* Builds a standard query into buf: the given id, all flags clear (RD
 * too, as mDNS wants; a caller asking a recursive resolver sets it, the
 * low bit of buf[2]), one question: qname, type PTR (12), class IN (1),
 * with the top bit (0x8000, mDNS "QU": answer by unicast) set when
 * unicast_response.  qname is dot-separated labels of 1-63 bytes taken
 * as they are (no escapes), at most 253 characters without a final dot
 * (which is allowed).  Returns the message's length, -ENOSPC (len too
 * small) or -EINVAL (qname empty, an empty or too long label, or too long). */
ssize_t ls_dns_ptr_query(uint8_t *buf, size_t len, uint16_t id, const char *qname, bool unicast_response);

/* Reads a reply to ls_dns_ptr_query(id, qname) from the len bytes at pkt,
 * checking, in this order:
 *   - a header (12 bytes), else -EBADMSG;
 *   - ours: the same id, QR set and opcode 0 (QUERY), else -ESRCH;
 *   - the question section: empty (mDNS multicast responses carry none)
 *     or exactly one question (legacy unicast responders echo it), which
 *     must be qname (ASCII case-insensitive), type PTR or ANY, class IN
 *     (the top bit ignored); another question, or several, gives -ESRCH;
 *   - rcode 0; a negative answer (NXDOMAIN, SERVFAIL, ...) gives -ENOENT
 *     when it carries this very question, else -ESRCH (an error without
 *     the question could be for any query that had the id);
 *   - every answer, authority and additional record must be well formed
 *     (the data of records not about qname is not read) up to the first
 *     one that answers: a PTR record, class IN (top "cache flush" bit
 *     ignored), owned by qname (case-insensitive), whose data is exactly a
 *     name that is not the root.  A CNAME record (class IN) owned by the
 *     name looked for makes its target the one looked for after it (for
 *     unicast DNS, RFC 2317 delegations), up to 8 such aliases.
 * A name in the message may use compression pointers, only to an earlier
 * place than where its current run of labels began (so there are no
 * loops) and at most 127 of them; it is at most 255 bytes long, a label
 * 63; anything else, a length running past the end, or a label type
 * other than 0 or pointer, gives -EBADMSG.
 * On success writes the name into name (NUL-terminated) in presentation
 * form: no final dot, ASCII in lower case, inside a label the bytes
 * below 0x20, 0x7f, '.', '\\', ' ', and any byte not part of a valid,
 * printable UTF-8 sequence (C1 controls and the bidirectional controls
 * U+061C, U+200E/F, U+2028/9, U+202A-E, U+2066-9 count as not printable) as "\DDD"
 * (decimal), so the text is valid UTF-8 with no control character.
 * Returns 1 (name written), 0 (a well-formed reply with no such record),
 * -ENOENT, -ESRCH, -EBADMSG, -EINVAL (qname is not a name ls_dns_ptr_query takes)
 * or -ENOSPC (the name does not fit namelen; name is
 * then "" when namelen > 0).  Never reads past len nor writes past namelen. */
int ls_dns_ptr_answer(const uint8_t *pkt, size_t len, uint16_t id, const char *qname, char *name, size_t namelen);

/* --- for other DNS readers (dnssd.c) ------------------------------------ */

/* A name in wire form: labels, length bytes and the root. */
#define LS_DNS_WIRE_MAX 255

/* Reads the name at *off of the len bytes at pkt into wire (uncompressed)
 * and moves *off past it, with the bounds ls_dns_ptr_answer describes.
 * Returns 0 or -EBADMSG. */
int ls_dns_name_decode(const uint8_t *pkt, size_t len, size_t *off, uint8_t wire[LS_DNS_WIRE_MAX], size_t *wirelen);
/* Writes a decoded name in the presentation form of ls_dns_ptr_answer
 * (lower case, \DDD escapes, no final dot).  Returns 1 or -ENOSPC. */
int ls_dns_name_text(const uint8_t *wire, char *out, size_t outlen);
/* Writes a dotted name in wire form (the rules of ls_dns_ptr_query).
 * Returns its length or -EINVAL. */
int ls_dns_name_encode(const char *qname, uint8_t wire[LS_DNS_WIRE_MAX]);

#endif
