/* ssdp.h -- SSDP: the M-SEARCH request, its HTTP-over-UDP answers, and LOCATION URLs with a literal address. */
#ifndef LANSCAN_SSDP_H
#define LANSCAN_SSDP_H

#include <stddef.h>
#include <stdint.h>

#define LS_SSDP_PORT 1900
#define LS_SSDP_GROUP4 "239.255.255.250"
#define LS_SSDP_GROUP6 "ff02::c"
#define LS_SSDP_FIELD_MAX 256	/* a field's text, NUL included */
#define LS_URL_PATH_MAX 512

/* Writes an M-SEARCH for ssdp:all with MX mx (1-5) addressed to host
 * ("239.255.255.250:1900", "[ff02::c]:1900" or a unicast "ADDR:1900"; at
 * most 64 bytes, no CR or LF) into buf.  Returns its length, -ENOSPC or
 * -EINVAL. */
int ls_ssdp_msearch(char *buf, size_t len, const char *host, unsigned mx);

/* An M-SEARCH answer: each field "" when absent.  server, st and usn are
 * text (ls_text_escape, trimmed); location is the raw URL, kept only when
 * it is 1..LS_SSDP_FIELD_MAX-1 printable ASCII bytes without spaces. */
struct ls_ssdp_reply {
	char location[LS_SSDP_FIELD_MAX];
	char server[LS_SSDP_FIELD_MAX];
	char st[LS_SSDP_FIELD_MAX];
	char usn[LS_SSDP_FIELD_MAX];
};

/* Reads an answer to an M-SEARCH from the len bytes at pkt: a status line
 * "HTTP/1.0 200" or "HTTP/1.1 200" (anything else, a NOTIFY or M-SEARCH
 * included, gives -ESRCH), then header lines (CRLF or LF) up to an empty
 * line or the end; names are matched without case, the first of each kept
 * (two LOCATION headers: none);
 * a line without ':' or over 1024 bytes gives -EBADMSG.  Returns 0 or the
 * negative errno. */
int ls_ssdp_parse(const uint8_t *pkt, size_t len, struct ls_ssdp_reply *out);

/* Splits an "http://HOST[:PORT]/PATH" URL whose HOST is a literal IPv4
 * address or a bracketed IPv6 one (no zone, no user info): family
 * (AF_INET, AF_INET6), addr (4 or 16 bytes), port (default 80, 1-65535)
 * and path ("/" when none; printable ASCII, at most LS_URL_PATH_MAX-1).
 * A host name, another scheme or anything malformed gives -EINVAL: a
 * name is never looked up.  Returns 0 or -EINVAL. */
int ls_url_parse(const char *url, int *family, uint8_t addr[16], uint16_t *port, char path[LS_URL_PATH_MAX]);

#endif
