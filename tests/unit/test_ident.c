/* test_ident.c -- the evidence sources and the fetch helper on a real loop: loopback servers (slowloris, 10 MB, chunks,
 * refused), and, with arguments, the device lab.
 *
 *   test_ident                      the cmocka tests (loopback only)
 *   test_ident lab IFNAME BUDGET_MS ADDR[,SRC.KEY=VALUE...]...
 *                                   runs both sources for each ADDR (on-link through IFNAME) at once and
 *                                   prints "ADDR KIND MODEL" ('-' for none; model spaces as '_') and a
 *                                   line per fact ("  src key value"); extra facts (TTL, vendor) after
 *                                   the address, e.g. 198.19.1.47,ip.ttl=255,mac.vendor=Cisco
 *                                   Run it inside a lab namespace: it sends mDNS and SSDP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanscan/fetch.h"
#include "lanscan/ident.h"
#include "lanscan/kind.h"
#include "lanscan/util.h"
#include "capture.h"

/* --- a loopback HTTP server with personalities ---------------------------- */

enum mode { M_CAPTURE, M_SLOW, M_HUGE, M_CHUNKED, M_SILENT };

struct server {
	uv_tcp_t listener;
	uv_tcp_t conn;
	uv_timer_t drip;
	enum mode mode;
	uint8_t *data;
	size_t len, pos;
	bool accepted;
	uint16_t port;
	uv_write_t wr;
};

static void on_written(uv_write_t *w, int status)
{
	(void)w;
	(void)status;
}

static void on_drip(uv_timer_t *t)
{
	struct server *s = t->data;
	static uv_write_t w[4096];
	static size_t k;
	uv_buf_t b;

	if (s->pos >= s->len)
		return;
	b = uv_buf_init((char *)s->data + s->pos++, 1);	/* a byte every 20 ms: slowloris */
	uv_write(&w[k++ % 4096], (uv_stream_t *)&s->conn, &b, 1, on_written);
}

static void on_conn(uv_stream_t *l, int status)
{
	struct server *s = l->data;
	uv_buf_t b;

	assert_int_equal(status, 0);
	uv_tcp_init(l->loop, &s->conn);
	assert_int_equal(uv_accept(l, (uv_stream_t *)&s->conn), 0);
	s->accepted = true;
	if (s->mode == M_SLOW) {
		uv_timer_start(&s->drip, on_drip, 0, 20);
	} else if (s->mode != M_SILENT) {
		b = uv_buf_init((char *)s->data, (unsigned)s->len);
		uv_write(&s->wr, (uv_stream_t *)&s->conn, &b, 1, on_written);
	}
}

static void server_start(uv_loop_t *loop, struct server *s)
{
	struct sockaddr_in sa;
	int n = sizeof(sa);

	uv_ip4_addr("127.0.0.1", 0, &sa);
	uv_tcp_init(loop, &s->listener);
	uv_timer_init(loop, &s->drip);
	s->listener.data = s->drip.data = s;
	assert_int_equal(uv_tcp_bind(&s->listener, (struct sockaddr *)&sa, 0), 0);
	assert_int_equal(uv_listen((uv_stream_t *)&s->listener, 8, on_conn), 0);
	uv_tcp_getsockname(&s->listener, (struct sockaddr *)&sa, &n);
	s->port = ntohs(sa.sin_port);
}

static void server_stop(struct server *s)
{
	uv_close((uv_handle_t *)&s->listener, NULL);
	uv_close((uv_handle_t *)&s->drip, NULL);
	if (s->accepted)
		uv_close((uv_handle_t *)&s->conn, NULL);
}

struct got {
	int calls, status, http_status;
	size_t body_len;
	char server[LS_HTTP_FIELD_MAX];
	uint8_t body[8];
};

static void on_fetched(void *arg, int status, const struct ls_http *h)
{
	struct got *g = arg;

	g->calls++;
	g->status = status;
	if (h != NULL) {
		g->http_status = h->status;
		g->body_len = h->body_len;
		memcpy(g->server, h->server, sizeof(g->server));
		memcpy(g->body, h->body, h->body_len < 8 ? h->body_len : 8);
	}
}

/* Fetches /rootDesc.xml from the server; returns how long it took (ms). */
static double fetch_from(struct server *s, enum mode mode, uint8_t *data, size_t len, int timeout_ms,
			 struct got *g)
{
	uv_loop_t loop;
	struct ls_fetch *f;
	struct ls_fetch_req req;
	double t0;

	uv_loop_init(&loop);
	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->data = data;
	s->len = len;
	server_start(&loop, s);
	memset(&req, 0, sizeof(req));
	uv_ip4_addr("127.0.0.1", s->port, (struct sockaddr_in *)&req.to);
	req.path = "/rootDesc.xml";
	req.timeout_ms = timeout_ms;
	req.body_max = 65536;
	memset(g, 0, sizeof(*g));
	t0 = ls_now_ms();
	assert_int_equal(ls_fetch_start(&f, &loop, &req, on_fetched, g), 0);
	assert_int_equal(g->calls, 0);	/* never from inside start */
	while (g->calls == 0 && uv_run(&loop, UV_RUN_ONCE) != 0)
		;
	t0 = ls_now_ms() - t0;
	server_stop(s);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);	/* every handle closed */
	return t0;
}

static void test_fetch_capture(void **state)
{
	struct server s;
	struct got g;
	size_t len;
	uint8_t *raw = capture("http/miniupnpd.txt", &len);

	(void)state;
	fetch_from(&s, M_CAPTURE, raw, len, 1000, &g);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.status, 0);
	assert_int_equal(g.http_status, 200);
	assert_int_equal(g.body_len, 3079);
	assert_memory_equal(g.body, "<?xml ve", 8);
	assert_string_equal(g.server, "Debian/6.18.44-fc-v1272 UPnP/1.1 MiniUPnPd/2.3.1");
	free(raw);
}

/* A byte every 20 ms: the deadline ends it, on time. */
static void test_fetch_slowloris(void **state)
{
	struct server s;
	struct got g;
	size_t len;
	uint8_t *raw = capture("http/minidlna.txt", &len);
	double ms;

	(void)state;
	ms = fetch_from(&s, M_SLOW, raw, len, 300, &g);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.status, -ETIMEDOUT);
	assert_true(ms >= 290 && ms < 1500);
	free(raw);
}

/* A silent server: the deadline again. */
static void test_fetch_silent(void **state)
{
	struct server s;
	struct got g;

	(void)state;
	fetch_from(&s, M_SILENT, NULL, 0, 100, &g);
	assert_int_equal(g.status, -ETIMEDOUT);
}

/* A 10 MB description: refused at the cap, long before the end. */
static void test_fetch_huge(void **state)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n";
	size_t len = 10u << 20;
	uint8_t *big = malloc(len);
	struct server s;
	struct got g;

	(void)state;
	memset(big, '<', len);
	memcpy(big, head, sizeof(head) - 1);
	fetch_from(&s, M_HUGE, big, len, 5000, &g);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.status, -EFBIG);
	/* and with its length announced: refused at the headers */
	snprintf((char *)big, 200, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", len);
	fetch_from(&s, M_HUGE, big, strlen((char *)big) + 10, 5000, &g);
	assert_int_equal(g.status, -EFBIG);
	free(big);
}

static void test_fetch_chunked(void **state)
{
	static char r[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer: x\r\n\r\n4\r\n<roo\r\n3\r\nt/>\r\n0\r\n\r\n";
	struct server s;
	struct got g;

	(void)state;
	fetch_from(&s, M_CHUNKED, (uint8_t *)r, sizeof(r) - 1, 1000, &g);
	assert_int_equal(g.status, 0);
	assert_int_equal(g.body_len, 7);
	assert_memory_equal(g.body, "<root/>", 7);
}

/* A closed port: refused at once; bad requests never start. */
static void test_fetch_refused(void **state)
{
	uv_loop_t loop;
	struct ls_fetch *f;
	struct ls_fetch_req req;
	struct got g = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	(void)state;
	uv_ip4_addr("127.0.0.1", 0, &sa);	/* a port bound but not listening: refused */
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	uv_loop_init(&loop);
	memset(&req, 0, sizeof(req));
	memcpy(&req.to, &sa, sizeof(sa));
	req.path = "/";
	req.timeout_ms = 1000;
	req.body_max = 100;
	assert_int_equal(ls_fetch_start(&f, &loop, &req, on_fetched, &g), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.status, -ECONNREFUSED);
	req.path = "/a b";
	assert_int_equal(ls_fetch_start(&f, &loop, &req, on_fetched, &g), -EINVAL);
	req.path = "/\r\nX: 1";
	assert_int_equal(ls_fetch_start(&f, &loop, &req, on_fetched, &g), -EINVAL);
	req.path = "/";
	req.body_max = 0;
	assert_int_equal(ls_fetch_start(&f, &loop, &req, on_fetched, &g), -EINVAL);
	/* cancelled: no callback, every handle closed */
	req.body_max = 100;
	req.timeout_ms = 5000;
	assert_int_equal(ls_fetch_start(&f, &loop, &req, on_fetched, &g), 0);
	ls_fetch_cancel(f);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(g.calls, 1);
	assert_int_equal(uv_loop_close(&loop), 0);
	close(fd);
}

/* --- the sources ----------------------------------------------------------- */

static void count_cb(void *arg, const struct ls_fact *facts, size_t n)
{
	int *calls = arg;

	(void)facts;
	(*calls)++;
	assert_int_equal(n, 0);
}

/* On loopback nothing answers: the budget ends each lookup once; DNS-SD
 * does not apply off-link; cancel and close leave nothing behind. */
static void test_sources_loopback(void **state)
{
	struct ls_ident_opts o = { .budget_ms = 80, .fallback_ms = 1000 };	/* no multicast fallback here */
	const struct ls_ident_source *src[] = { &ls_ident_dnssd, &ls_ident_ssdp };
	struct ls_path onlink = { .kind = LS_ROUTE_ONLINK, .ifindex = 1 }, routed = { .kind = LS_ROUTE_GATEWAY };
	struct ls_addr lo = { .family = AF_INET, .b = { 127, 0, 0, 1 } };
	struct ls_isrc *s;
	struct ls_iq *q;
	uv_loop_t loop;
	char err[64];
	int calls, i;
	double t0, ms;

	(void)state;
	for (i = 0; i < 2; i++) {
		uv_loop_init(&loop);
		assert_int_equal(src[i]->open(&s, &loop, &o, err, sizeof(err)), 0);
		calls = 0;
		t0 = ls_now_ms();
		q = src[i]->start(s, &lo, i == 0 ? &onlink : &routed, count_cb, &calls);
		assert_non_null(q);
		assert_int_equal(calls, 0);
		if (i == 0)
			assert_null(src[i]->start(s, &lo, &routed, count_cb, &calls));
		while (calls == 0 && uv_run(&loop, UV_RUN_ONCE) != 0)
			;
		ms = ls_now_ms() - t0;
		assert_int_equal(calls, 1);
		assert_true(ms >= 70 && ms < 1000);
		/* a cancelled lookup: no callback */
		q = src[i]->start(s, &lo, i == 0 ? &onlink : &routed, count_cb, &calls);
		assert_non_null(q);
		src[i]->cancel(q);
		/* one left running at close: no callback either */
		assert_non_null(src[i]->start(s, &lo, i == 0 ? &onlink : &routed, count_cb, &calls));
		assert_int_equal(src[i]->stats(s)->started, 3);
		src[i]->close(s);
		uv_run(&loop, UV_RUN_DEFAULT);
		assert_int_equal(calls, 1);
		assert_int_equal(uv_loop_close(&loop), 0);
	}
}

/* --- the lab driver ----------------------------------------------------- */

#define HOSTS_MAX 64

struct host {
	char spec[512];
	struct ls_addr addr;
	struct ls_facts facts;
	int pending;
};

static void lab_cb(void *arg, const struct ls_fact *facts, size_t n)
{
	struct host *h = arg;
	size_t i;

	for (i = 0; i < n; i++)
		(void)ls_facts_add(&h->facts, facts[i].src, facts[i].key, facts[i].value);
	h->pending--;
}

static int lab(int argc, char **argv)
{
	static struct host hosts[HOSTS_MAX];
	const struct ls_ident_source *src[] = { &ls_ident_dnssd, &ls_ident_ssdp };
	struct ls_isrc *s[2];
	struct ls_ident_opts o = { 0 };
	struct ls_path path = { .kind = LS_ROUTE_ONLINK };
	struct ls_kind_result r;
	uv_loop_t loop;
	char err[128], *tok, *save, model[300];
	int i, k, n = argc - 4, left = 0;
	size_t f;
	double t0;

	if (argc < 5 || n > HOSTS_MAX)
		return 2;
	path.ifindex = (int)if_nametoindex(argv[2]);
	o.budget_ms = atoi(argv[3]);
	uv_loop_init(&loop);
	for (k = 0; k < 2; k++)
		if (src[k]->open(&s[k], &loop, &o, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", src[k]->name, err);
			return 1;
		}
	t0 = ls_now_ms();
	for (i = 0; i < n; i++) {
		struct host *h = &hosts[i];
		snprintf(h->spec, sizeof(h->spec), "%s", argv[4 + i]);
		tok = strtok_r(h->spec, ",", &save);
		h->addr.family = AF_INET;
		if (inet_pton(AF_INET, tok, h->addr.b) != 1)
			return 2;
		while ((tok = strtok_r(NULL, ",", &save)) != NULL) {	/* src.key=value */
			char *dot = strchr(tok, '.'), *eq = strchr(tok, '=');
			if (dot == NULL || eq == NULL || eq < dot)
				return 2;
			*dot = *eq = '\0';
			(void)ls_facts_add(&h->facts, strcmp(tok, "ip") == 0 ? "ip" : strcmp(tok, "mac") == 0 ? "mac" :
				     strcmp(tok, "tcp") == 0 ? "tcp" : strcmp(tok, "netbios") == 0 ? "netbios" : "x",
				     dot + 1, eq + 1);
		}
		for (k = 0; k < 2; k++)
			if (src[k]->start(s[k], &h->addr, &path, lab_cb, h) != NULL) {
				h->pending++;
				left++;
			}
	}
	while (uv_run(&loop, UV_RUN_ONCE) != 0) {
		for (left = 0, i = 0; i < n; i++)
			left += hosts[i].pending;
		if (left == 0)
			break;
	}
	printf("# %d hosts in %.0f ms; ", n, ls_now_ms() - t0);
	for (k = 0; k < 2; k++) {
		const struct ls_ident_stats *st = src[k]->stats(s[k]);
		printf("%s: %llu/%llu answered, %llu sent, %llu dropped, %llu refused, %llu fetch failed%s", src[k]->name,
		       (unsigned long long)st->answered, (unsigned long long)st->started, (unsigned long long)st->sent,
		       (unsigned long long)st->dropped, (unsigned long long)st->refused,
		       (unsigned long long)st->fetch_failed, k == 0 ? "; " : "\n");
		src[k]->close(s[k]);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	for (i = 0; i < n; i++) {
		char a[64];
		ls_kind_decide(hosts[i].facts.v, hosts[i].facts.n, &r);
		snprintf(model, sizeof(model), "%s", r.model != NULL ? r.model : "-");
		for (tok = model; *tok != '\0'; tok++)
			if (*tok == ' ')
				*tok = '_';
		inet_ntop(AF_INET, hosts[i].addr.b, a, sizeof(a));
		printf("%s %s %s\n", a, r.kind != NULL ? r.kind : "-", model);
		for (f = 0; f < hosts[i].facts.n; f++)
			printf("  %s %s %s\n", hosts[i].facts.v[f].src, hosts[i].facts.v[f].key, hosts[i].facts.v[f].value);
		ls_facts_free(&hosts[i].facts);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fetch_capture),
		cmocka_unit_test(test_fetch_slowloris),
		cmocka_unit_test(test_fetch_silent),
		cmocka_unit_test(test_fetch_huge),
		cmocka_unit_test(test_fetch_chunked),
		cmocka_unit_test(test_fetch_refused),
		cmocka_unit_test(test_sources_loopback),
	};

	if (argc > 1 && strcmp(argv[1], "lab") == 0)
		return lab(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
