/* fetch.h -- one budgeted HTTP GET on libuv TCP, to the one address given: a deadline for all of it, a size cap.
 *
 * Why libuv TCP and not libcurl's multi-socket API: lanscan already runs
 * on libuv, and a UPnP description is one GET to a literal address with no
 * TLS, no redirects, no proxies, no cookies, no name lookups.  libcurl
 * would bring all of those as things to switch off (and its environment
 * proxies would send the request elsewhere unless disabled), a second
 * event integration (socket and timer callbacks) of about the size of
 * this file, and a large dependency for every user; the response reader
 * (http.c) is small, bounded per byte and fuzzed.
 */
#ifndef LANSCAN_FETCH_H
#define LANSCAN_FETCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "lanscan/http.h"

struct ls_fetch;
struct ls_probe_cfg;

/* Runs once per started fetch (never after ls_fetch_cancel, never from
 * inside ls_fetch_start): status 0 and the response (h->status, h->body,
 * h->body_len, h->server), or a negative errno and h NULL: -ETIMEDOUT (the
 * deadline passed: connecting, a slow or silent server), -EFBIG (over
 * body_max), -EBADMSG (not an HTTP response), -ECONNREFUSED and other
 * connection errors.  The response lives only during the call. */
typedef void (*ls_fetch_cb)(void *arg, int status, const struct ls_http *h);

struct ls_fetch_req {
	struct sockaddr_storage to;	/* the address and port: the only place contacted */
	const char *path;		/* "/rootDesc.xml": printable ASCII, no spaces, < 512 bytes */
	int timeout_ms;			/* for everything: connect, send, the whole response */
	size_t body_max;		/* the largest body accepted */
	const struct ls_probe_cfg *bind;	/* -I/-S for the socket (NULL: none) */
};

/* Starts a GET of req->path from req->to ("Host: ADDR:PORT", "Connection:
 * close", no other header a server could act on).  Returns 0 (*out set;
 * cb will run once) or a negative errno (cb never runs). */
int ls_fetch_start(struct ls_fetch **out, uv_loop_t *loop, const struct ls_fetch_req *req, ls_fetch_cb cb,
		   void *arg);

/* Stops a fetch whose cb has not run: cb never runs; memory goes with the
 * handles' close callbacks. */
void ls_fetch_cancel(struct ls_fetch *f);

#endif
