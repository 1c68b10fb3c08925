/* fetch.c -- one HTTP GET on libuv TCP with a deadline and a size cap, read by http.c as it arrives. */
#include "lanscan/fetch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanscan/method.h"
#include "lanscan/util.h"

struct ls_fetch {
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t conn;
	uv_write_t wr;
	ls_fetch_cb cb;
	void *arg;
	bool done;		/* cb ran or was cancelled */
	unsigned open;		/* handles not yet closed */
	struct ls_http http;
	char req[768];
	uv_buf_t reqbuf;
	char rbuf[4096];
	uint8_t body[];		/* body_max bytes */
};

static void on_closed(uv_handle_t *h)
{
	struct ls_fetch *f = h->data;

	if (--f->open == 0)
		free(f);
}

/* Ends the fetch: the callback (unless cancelled), then the handles. */
static void finish(struct ls_fetch *f, int status)
{
	if (f->done)
		return;
	f->done = true;
	uv_timer_stop(&f->timer);
	uv_read_stop((uv_stream_t *)&f->tcp);
	if (f->cb != NULL)
		f->cb(f->arg, status, status == 0 ? &f->http : NULL);
	uv_close((uv_handle_t *)&f->timer, on_closed);
	uv_close((uv_handle_t *)&f->tcp, on_closed);
}

static void on_timeout(uv_timer_t *t)
{
	finish(t->data, -ETIMEDOUT);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct ls_fetch *f = h->data;

	(void)hint;
	*buf = uv_buf_init(f->rbuf, sizeof(f->rbuf));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct ls_fetch *f = s->data;
	int rc;

	if (f->done)
		return;
	if (n == UV_EOF) {
		rc = ls_http_eof(&f->http);
		finish(f, rc == 1 ? 0 : rc);
		return;
	}
	if (n < 0) {
		finish(f, (int)n);
		return;
	}
	rc = ls_http_feed(&f->http, (const uint8_t *)buf->base, (size_t)n);
	if (rc != 0)
		finish(f, rc == 1 ? 0 : rc);
}

static void on_write(uv_write_t *w, int status)
{
	struct ls_fetch *f = w->data;

	if (status < 0 && status != UV_ECANCELED)
		finish(f, status);
}

static void on_connect(uv_connect_t *c, int status)
{
	struct ls_fetch *f = c->data;

	if (f->done)
		return;
	if (status < 0) {
		finish(f, status);
		return;
	}
	f->wr.data = f;
	if (uv_write(&f->wr, (uv_stream_t *)&f->tcp, &f->reqbuf, 1, on_write) != 0 ||
	    uv_read_start((uv_stream_t *)&f->tcp, on_alloc, on_read) != 0)
		finish(f, -EIO);
}

int ls_fetch_start(struct ls_fetch **out, uv_loop_t *loop, const struct ls_fetch_req *req, ls_fetch_cb cb,
		   void *arg)
{
	char host[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN];
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&req->to;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&req->to;
	struct ls_fetch *f;
	size_t i, plen;
	int fd, rc, n, fam = req->to.ss_family;

	if ((fam != AF_INET && fam != AF_INET6) || req->path == NULL || req->path[0] != '/' || req->timeout_ms <= 0 ||
	    req->body_max == 0 || req->body_max > (64u << 20))
		return -EINVAL;
	plen = strnlen(req->path, 512);
	if (plen >= 512)
		return -EINVAL;
	for (i = 0; i < plen; i++)
		if ((unsigned char)req->path[i] <= ' ' || (unsigned char)req->path[i] >= 0x7f)
			return -EINVAL;
	if (fam == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(host, sizeof(host), "%s:%u", a, ntohs(s4->sin_port));
	} else {
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(host, sizeof(host), "[%s]:%u", a, ntohs(s6->sin6_port));
	}
	if ((f = calloc(1, sizeof(*f) + req->body_max)) == NULL)
		return -ENOMEM;
	n = snprintf(f->req, sizeof(f->req),
		     "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nUser-Agent: lanscan/1\r\nAccept: text/xml\r\n\r\n",
		     req->path, host);
	if (n < 0 || (size_t)n >= sizeof(f->req)) {
		free(f);
		return -EINVAL;
	}
	f->reqbuf = uv_buf_init(f->req, (unsigned)n);
	ls_http_init(&f->http, f->body, req->body_max);
	fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		free(f);
		return rc;
	}
	if (req->bind != NULL && (rc = ls_probe_bind(fd, fam, req->bind)) != 0) {
		close(fd);
		free(f);
		return rc;
	}
	uv_tcp_init(loop, &f->tcp);
	uv_timer_init(loop, &f->timer);
	f->tcp.data = f->timer.data = f->conn.data = f;
	f->open = 2;
	f->cb = cb;
	f->arg = arg;
	if ((rc = uv_tcp_open(&f->tcp, fd)) != 0) {
		close(fd);
		goto fail;
	}
	if ((rc = uv_tcp_connect(&f->conn, &f->tcp, (const struct sockaddr *)&req->to, on_connect)) != 0)
		goto fail;
	uv_timer_start(&f->timer, on_timeout, (uint64_t)req->timeout_ms, 0);
	*out = f;
	return 0;
fail:
	f->done = true;		/* cb never runs */
	uv_close((uv_handle_t *)&f->timer, on_closed);
	uv_close((uv_handle_t *)&f->tcp, on_closed);
	return rc;
}

void ls_fetch_cancel(struct ls_fetch *f)
{
	f->cb = NULL;
	finish(f, -ECANCELED);
}
