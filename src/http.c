/* http.c -- a bounded, incremental reader of one HTTP/1.x response (status, headers, body by length, chunks or close). */
#include "lanscan/http.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "lanscan/safetext.h"

enum {
	S_STATUS, S_HEADER, S_BODY_LEN, S_CHUNK_SIZE, S_CHUNK_DATA, S_CHUNK_END, S_TRAILER, S_BODY_EOF,
	S_DONE, S_BAD, S_BIG,
};

void ls_http_init(struct ls_http *h, uint8_t *body, size_t body_max)
{
	memset(h, 0, sizeof(*h));
	h->body = body;
	h->body_max = body_max;
	h->state = S_STATUS;
}

static int fail(struct ls_http *h, int state)
{
	h->state = state;
	return state == S_BIG ? -EFBIG : -EBADMSG;
}

static int result(const struct ls_http *h)
{
	return h->state == S_DONE ? 1 : h->state == S_BAD ? -EBADMSG : h->state == S_BIG ? -EFBIG : 0;
}

/* A decimal number of digits only, up to 2^60. */
static int parse_dec(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The body starts after the headers: which way it ends. */
static int headers_done(struct ls_http *h)
{
	if (h->status == 204 || h->status == 304 || h->status < 200) {
		h->state = S_DONE;	/* no body (1xx is not followed here) */
		return 1;
	}
	if (h->chunked) {
		h->state = S_CHUNK_SIZE;
	} else if (h->has_length) {
		if (h->length > h->body_max)
			return fail(h, S_BIG);
		h->state = h->length == 0 ? S_DONE : S_BODY_LEN;
	} else {
		h->state = S_BODY_EOF;
	}
	return result(h);
}

static int header_line(struct ls_http *h, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n), *v;
	size_t k, vn;
	uint64_t len;

	if (n == 0)
		return headers_done(h);
	if (l[0] == ' ' || l[0] == '\t' || colon == NULL || colon == l)
		return fail(h, S_BAD);	/* folded lines and lines without a name */
	k = (size_t)(colon - l);
	v = colon + 1;
	vn = n - k - 1;
	while (vn > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vn--;
	}
	while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (k == 14 && strncasecmp(l, "content-length", 14) == 0) {
		if (parse_dec(v, vn, &len) != 0 || (h->has_length && len != h->length))
			return fail(h, S_BAD);
		h->has_length = true;
		h->length = len;
	} else if (k == 17 && strncasecmp(l, "transfer-encoding", 17) == 0) {
		if (vn == 7 && strncasecmp(v, "chunked", 7) == 0)
			h->chunked = true;
		else
			return fail(h, S_BAD);	/* gzip and the like: not for a description */
	} else if (k == 6 && strncasecmp(l, "server", 6) == 0 && h->server[0] == '\0') {
		ls_text_escape((const uint8_t *)v, vn, h->server, sizeof(h->server), 1);
	}
	return 0;
}

static int status_line(struct ls_http *h, const char *l, size_t n)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') || l[8] != ' ' ||
	    l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
	    (n > 12 && l[12] != ' '))
		return fail(h, S_BAD);
	h->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	h->state = S_HEADER;
	return 0;
}

static int chunk_size_line(struct ls_http *h, const char *l, size_t n)
{
	size_t i;
	int d;

	h->chunk_left = 0;
	for (i = 0; i < n && (d = hexval(l[i])) >= 0; i++) {
		if (i >= 15)
			return fail(h, S_BIG);
		h->chunk_left = h->chunk_left << 4 | (uint64_t)d;
	}
	if (i == 0 || (i < n && l[i] != ';' && l[i] != ' ' && l[i] != '\t'))
		return fail(h, S_BAD);
	if (h->chunk_left > h->body_max - h->body_len)
		return fail(h, S_BIG);
	h->state = h->chunk_left == 0 ? S_TRAILER : S_CHUNK_DATA;
	return 0;
}

/* A whole line (CRLF or LF stripped) in the state that reads lines. */
static int line_done(struct ls_http *h)
{
	const char *l = h->line;
	size_t n = h->linelen;

	h->linelen = 0;
	if (memchr(l, '\r', n) != NULL || memchr(l, '\0', n) != NULL)
		return fail(h, S_BAD);	/* a bare CR or a NUL inside a line */
	switch (h->state) {
	case S_STATUS:
		return status_line(h, l, n);
	case S_HEADER:
		return header_line(h, l, n);
	case S_CHUNK_SIZE:
		return chunk_size_line(h, l, n);
	case S_CHUNK_END:
		if (n != 0)
			return fail(h, S_BAD);
		h->state = S_CHUNK_SIZE;
		return 0;
	case S_TRAILER:
		if (n == 0)
			h->state = S_DONE;
		return result(h);
	default:
		return fail(h, S_BAD);
	}
}

int ls_http_feed(struct ls_http *h, const uint8_t *data, size_t n)
{
	size_t i = 0, k;
	int rc;

	while (i < n && result(h) == 0) {
		switch (h->state) {
		case S_BODY_LEN:
		case S_CHUNK_DATA:
		case S_BODY_EOF: {
			uint64_t want = h->state == S_BODY_LEN ? h->length - h->body_len :
					h->state == S_CHUNK_DATA ? h->chunk_left : (uint64_t)(h->body_max - h->body_len);
			k = n - i < want ? n - i : (size_t)want;
			if (h->state == S_BODY_EOF && k < n - i && h->body_len + k >= h->body_max)
				return fail(h, S_BIG);
			memcpy(h->body + h->body_len, data + i, k);
			h->body_len += k;
			i += k;
			if (h->state == S_BODY_LEN && h->body_len == h->length)
				h->state = S_DONE;
			else if (h->state == S_CHUNK_DATA && (h->chunk_left -= k) == 0)
				h->state = S_CHUNK_END;
			break;
		}
		default:
			if (h->state <= S_HEADER && ++h->header_bytes > LS_HTTP_HEADERS_MAX)
				return fail(h, S_BAD);
			if (data[i] == '\n') {
				if (h->linelen > 0 && h->line[h->linelen - 1] == '\r')
					h->linelen--;
				i++;
				if ((rc = line_done(h)) < 0)
					return rc;
				break;
			}
			if (h->linelen >= LS_HTTP_LINE_MAX)
				return fail(h, S_BAD);
			h->line[h->linelen++] = (char)data[i++];
			break;
		}
	}
	return result(h);
}

int ls_http_eof(struct ls_http *h)
{
	if (h->state == S_BODY_EOF)
		h->state = S_DONE;
	else if (h->state != S_DONE && h->state != S_BIG)
		h->state = S_BAD;
	return result(h);
}
