/* http.h -- an HTTP/1.x response read as it arrives: status, headers, a body of fixed length, chunked or to the end; bounded. */
#ifndef LANSCAN_HTTP_H
#define LANSCAN_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LS_HTTP_LINE_MAX 1024		/* a status, header or chunk-size line, without its CRLF */
#define LS_HTTP_HEADERS_MAX 16384	/* all header lines together */
#define LS_HTTP_FIELD_MAX 256		/* a kept header's text, NUL included */

/* A response being read.  The caller gives the body buffer (body_max
 * bytes); every byte is looked at once, so a peer sending one byte at a
 * time costs O(1) a byte. */
struct ls_http {
	uint8_t *body;
	size_t body_max, body_len;
	int status;			/* 100..599 */
	char server[LS_HTTP_FIELD_MAX];	/* the Server header, as text ("" none) */
	bool chunked;
	bool has_length;
	uint64_t length;		/* Content-Length */
	/* private */
	int state;
	char line[LS_HTTP_LINE_MAX + 1];
	size_t linelen, header_bytes;
	uint64_t chunk_left;
};

/* Starts reading a response into body (body_max bytes). */
void ls_http_init(struct ls_http *h, uint8_t *body, size_t body_max);

/* Feeds the next n bytes.  Returns 0 (more wanted), 1 (the response is
 * complete: bytes after it are ignored), -EBADMSG (not a well-formed
 * response: the status line "HTTP/1.x NNN ...", header lines "Name:
 * value" without bare CR, a Content-Length of digits only and at most one
 * value, chunk sizes in hex with extensions ignored, lines at most
 * LS_HTTP_LINE_MAX bytes, headers at most LS_HTTP_HEADERS_MAX) or -EFBIG
 * (the body, or its Content-Length, is over body_max).  After a non-zero
 * return the same value comes back for any further bytes. */
int ls_http_feed(struct ls_http *h, const uint8_t *data, size_t n);

/* The peer closed the connection: 1 when that completes the response (a
 * body without length or chunks ends there), else -EBADMSG, or the error
 * already returned. */
int ls_http_eof(struct ls_http *h);

#endif
