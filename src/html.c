/* html.c -- the HTML report: results kept as they come, one self-contained page written at the end. */
#include "lanscan/html.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "html_internal.h"
#include "lanscan/sha256.h"
#include "lanscan/util.h"

#define MAX_CONFLICTS 32
#define PAGE_BUF 65536

/* A kept host: for each captured field its text for a person and, for a
 * number, its sort key; the strings follow the struct in one allocation. */
struct host {
	struct ls_addr addr;
	bool has_addr;
	bool listed;			/* in the table (passes -a/-u, --show-down) */
	enum ls_state state;
	const char *v[];		/* 2 * ncap: values, then keys */
};

/* One /24 of the map: each address's state (MAP_*), and its kept host. */
enum { MAP_NONE, MAP_UP, MAP_DOWN, MAP_UNKNOWN };
struct block {
	uint32_t net;			/* the first three bytes */
	uint8_t st[256];
	struct host *host[256];		/* the kept host, or NULL */
};

struct html {
	struct ls_sink sink;
	struct ls_html_cfg cfg;
	int fd;
	const struct ls_field *cap[LS_FIELDS_MAX];	/* the fields kept of each host */
	size_t ncap;
	int tip[8];			/* the captured fields a map cell's tooltip shows, -1 ended */
	struct host **hosts;
	size_t nhosts, hcap;
	struct block *blocks;		/* sorted by net */
	size_t nblocks, bcap;
	uint64_t maps_left_out;		/* addresses in /24s beyond LS_HTML_MAX_MAPS */
	uint64_t v6[3];			/* IPv6 addresses by state */
	char *title;			/* the heading's copy */
	char generator[64];
	char *conflicts[MAX_CONFLICTS];
	size_t nconflicts;
	bool oom;
};

int ls_html_cell(const struct ls_addr *addr, uint32_t *net, int *row, int *col)
{
	if (addr->family != AF_INET)
		return -EAFNOSUPPORT;
	*net = (uint32_t)addr->b[0] << 16 | (uint32_t)addr->b[1] << 8 | addr->b[2];
	*row = addr->b[3] / 16;
	*col = addr->b[3] % 16;
	return 0;
}

/* ---- keeping results ---- */

static int cap_index(const struct html *h, const struct ls_field *f)
{
	for (size_t i = 0; f != NULL && i < h->ncap; i++)
		if (h->cap[i] == f)
			return (int)i;
	return -1;
}

/* Copies at most LS_HTML_TEXT_MAX bytes of s, not cutting a UTF-8 sequence. */
static size_t cut_len(const char *s)
{
	size_t n = strlen(s);

	if (n <= LS_HTML_TEXT_MAX)
		return n;
	n = LS_HTML_TEXT_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

static struct host *keep(struct html *h, const struct ls_result *r)
{
	char stage[2 * LS_FIELDS_MAX][LS_HTML_TEXT_MAX + 1];
	const char *s[2 * LS_FIELDS_MAX];
	size_t i, n[2 * LS_FIELDS_MAX], total = 0;
	struct host *x;
	char *p;

	for (i = 0; i < 2 * h->ncap; i++) {
		const struct ls_field *f = h->cap[i % h->ncap];
		if (i < h->ncap)
			s[i] = ls_field_human(f, r, stage[i], sizeof(stage[i]));
		else
			s[i] = (f->flags & LS_FIELD_NUMBER) ? f->text(r, stage[i], sizeof(stage[i])) : NULL;
		if (s[i] != NULL && s[i][0] == '\0')
			s[i] = NULL;
		n[i] = s[i] != NULL ? cut_len(s[i]) : 0;
		total += s[i] != NULL ? n[i] + 1 : 0;
	}
	if ((x = malloc(sizeof(*x) + 2 * h->ncap * sizeof(x->v[0]) + total)) == NULL)
		return NULL;
	x->addr = r->addr;
	x->has_addr = r->has_addr;
	x->state = r->state;
	x->listed = ls_show_passes(h->cfg.show, r->state);
	p = (char *)&x->v[2 * h->ncap];
	for (i = 0; i < 2 * h->ncap; i++) {
		if (s[i] == NULL) {
			x->v[i] = NULL;
			continue;
		}
		memcpy(p, s[i], n[i]);
		p[n[i]] = '\0';
		x->v[i] = p;
		p += n[i] + 1;
	}
	return x;
}

/* The /24 of net, made when new (NULL: beyond LS_HTML_MAX_MAPS, or out of memory). */
static struct block *block_for(struct html *h, uint32_t net)
{
	size_t lo = 0, hi = h->nblocks, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (h->blocks[mid].net == net)
			return &h->blocks[mid];
		if (h->blocks[mid].net < net)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (h->nblocks == LS_HTML_MAX_MAPS)
		return NULL;
	if (ls_grow(&h->blocks, h->nblocks, &h->bcap, sizeof(*h->blocks), 4) != 0) {
		h->oom = true;
		return NULL;
	}
	memmove(&h->blocks[lo + 1], &h->blocks[lo], (h->nblocks - lo) * sizeof(*h->blocks));
	memset(&h->blocks[lo], 0, sizeof(*h->blocks));
	h->blocks[lo].net = net;
	h->nblocks++;
	return &h->blocks[lo];
}

static int h_result(struct ls_sink *s, const struct ls_result *r)
{
	struct html *h = ls_container_of(s, struct html, sink);
	static const uint8_t code[] = { [LS_UP] = MAP_UP, [LS_DOWN] = MAP_DOWN, [LS_UNKNOWN] = MAP_UNKNOWN };
	struct block *b = NULL;
	struct host *x = NULL;
	uint32_t net;
	int row, col;

	if (r->has_addr && ls_html_cell(&r->addr, &net, &row, &col) == 0) {
		if ((b = block_for(h, net)) == NULL && !h->oom)
			h->maps_left_out++;
	} else if (r->has_addr) {
		h->v6[r->state]++;
	}
	if (h->oom)
		return -ENOMEM;
	/* a down host that the table does not list is one byte of the map */
	if (ls_show_passes(h->cfg.show, r->state) || r->state != LS_DOWN) {
		if (ls_grow(&h->hosts, h->nhosts, &h->hcap, sizeof(*h->hosts), 256) != 0 ||
		    (x = keep(h, r)) == NULL) {
			h->oom = true;
			return -ENOMEM;
		}
		h->hosts[h->nhosts++] = x;
	}
	if (b != NULL) {
		b->st[row * 16 + col] = code[r->state];
		b->host[row * 16 + col] = x;
	}
	return 0;
}

/* Only a conflict reaches this sink (--state is not for the page): it is noted under the summary. */
static int h_change(struct ls_sink *s, const char *event, const struct ls_result *r, const char *previous)
{
	struct html *h = ls_container_of(s, struct html, sink);
	char a[LS_ADDRSTRLEN], line[256];

	if (strcmp(event, "conflict") != 0 || h->nconflicts == MAX_CONFLICTS || !r->has_addr)
		return 0;
	snprintf(line, sizeof(line), "%s answered from two MACs: %s and %02x:%02x:%02x:%02x:%02x:%02x%s%s%s",
		 ls_addr_format(&r->addr, a, sizeof(a)), previous != NULL ? previous : "?", r->mac[0],
		 r->mac[1], r->mac[2], r->mac[3], r->mac[4], r->mac[5], r->vendor != NULL ? " (" : "",
		 r->vendor != NULL ? r->vendor : "", r->vendor != NULL ? ")" : "");
	if ((h->conflicts[h->nconflicts] = strdup(line)) == NULL)
		return -ENOMEM;
	h->nconflicts++;
	return 0;
}

/* ---- the page ---- */

struct page {
	int fd;
	int err;
	size_t len;
	char buf[PAGE_BUF];
};

static void flush(struct page *pg)
{
	int rc;

	if (pg->err == 0 && pg->len > 0 && (rc = ls_write_all(pg->fd, pg->buf, pg->len)) != 0)
		pg->err = rc;
	pg->len = 0;
}

static void emit_page(void *arg, const char *s, size_t n)
{
	struct page *pg = arg;
	size_t k;

	while (n > 0) {
		if (pg->len == sizeof(pg->buf))
			flush(pg);
		k = sizeof(pg->buf) - pg->len < n ? sizeof(pg->buf) - pg->len : n;
		memcpy(pg->buf + pg->len, s, k);
		pg->len += k;
		s += k;
		n -= k;
	}
}

static void put(struct page *pg, const char *s)
{
	emit_page(pg, s, strlen(s));
}

static void putf(struct page *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct page *pg, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		emit_page(pg, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void esc(struct page *pg, const char *s)
{
	ls__html_escape(s, emit_page, pg);
}

static const char *state_word(int st)
{
	return st == MAP_UP ? "up" : st == MAP_DOWN ? "down" : st == MAP_UNKNOWN ? "unknown" : "no";
}

static void head(struct page *pg, const struct html *h)
{
	/* the style and script are constants: their hashes are made once */
	static char css[LS_SHA256_B64_LEN], js[LS_SHA256_B64_LEN];

	if (css[0] == '\0') {
		ls_sha256_b64(ls_html_style, strlen(ls_html_style), css);
		ls_sha256_b64(ls_html_script, strlen(ls_html_script), js);
	}
	put(pg, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
	/* nothing may load: no image, font, frame, connection, form target or base */
	putf(pg, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		 "style-src 'sha256-%s'; script-src 'sha256-%s'; base-uri 'none'; form-action 'none'\">\n",
	     css, js);
	put(pg, "<meta name=\"referrer\" content=\"no-referrer\">\n");
	put(pg, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	if (h->generator[0] != '\0') {
		put(pg, "<meta name=\"generator\" content=\"");
		esc(pg, h->generator);
		put(pg, "\">\n");
	}
	put(pg, "<title>lanscan");
	if (h->cfg.title != NULL) {
		put(pg, ": ");
		esc(pg, h->cfg.title);
	}
	put(pg, "</title>\n<style>");
	put(pg, ls_html_style);
	put(pg, "</style>\n</head>\n<body>\n<h1>lanscan");
	if (h->cfg.title != NULL) {
		put(pg, ": ");
		esc(pg, h->cfg.title);
	}
	put(pg, "</h1>\n");
}

static void summary(struct page *pg, const struct html *h, const struct ls_summary *sum)
{
	time_t t = (time_t)sum->timestamp_s;
	struct tm tm;
	char when[64] = "";

	if (localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	putf(pg, "<p class=\"sum\"><b>%llu</b> address%s swept in <b>%.2f s</b>, ended %s%s%s.</p>\n",
	     (unsigned long long)sum->targets, sum->targets == 1 ? "" : "es", sum->elapsed_s, when,
	     sum->interrupted ? " (interrupted)" : "", sum->complete || sum->interrupted ? "" : " (did not finish)");
	putf(pg, "<p class=\"sum\"><span class=\"pill up%s\"><b>%llu</b> up</span> ", sum->up ? "" : " zero",
	     (unsigned long long)sum->up);
	putf(pg, "<span class=\"pill down%s\"><b>%llu</b> down</span> ", sum->down ? "" : " zero",
	     (unsigned long long)sum->down);
	putf(pg, "<span class=\"pill unknown%s\"><b>%llu</b> unknown</span></p>\n", sum->unknown ? "" : " zero",
	     (unsigned long long)sum->unknown);
	for (size_t i = 0; i < h->nconflicts; i++) {
		put(pg, "<p class=\"note\">Address conflict: ");
		esc(pg, h->conflicts[i]);
		put(pg, "</p>\n");
	}
}

/* The columns: -o's, or every captured field some listed host has. */
static size_t columns(const struct html *h, int *col)
{
	size_t n = 0, i, k;

	if (h->cfg.fields.n > 0 && !h->cfg.add) {
		for (i = 0; i < h->cfg.fields.n; i++)
			if ((col[n] = cap_index(h, h->cfg.fields.f[i])) >= 0)
				n++;
		return n;
	}
	for (i = 0; i < h->ncap; i++) {
		bool want = false;
		for (k = 0; k < h->cfg.fields.n; k++)
			want |= h->cfg.fields.f[k] == h->cap[i];
		if (strcmp(h->cap[i]->name, "target") == 0 && !want)
			continue;	/* the heading names the targets */
		for (k = 0; k < h->nhosts && !want; k++)
			want = h->hosts[k]->listed && h->hosts[k]->v[i] != NULL;
		if (want)
			col[n++] = (int)i;
	}
	return n;
}

static void table(struct page *pg, const struct html *h, const struct ls_summary *sum)
{
	int col[LS_FIELDS_MAX];
	size_t ncol = columns(h, col), listed = 0, i, c;
	char key[2 * 16 + 3];

	for (i = 0; i < h->nhosts; i++)
		listed += h->hosts[i]->listed;
	put(pg, "<h2>Hosts</h2>\n<p class=\"note\">");
	putf(pg, "%zu listed", listed);
	if (h->cfg.show == LS_SHOW_NOT_DOWN && sum->down > 0)
		put(pg, "; down hosts are counted, not listed (--show-down lists them)");
	else if (h->cfg.show == LS_SHOW_ALIVE)
		put(pg, "; only hosts that are up (-a)");
	else if (h->cfg.show == LS_SHOW_UNREACHABLE)
		put(pg, "; only hosts that are down or unknown (-u)");
	put(pg, ". In address order; with JavaScript, a click on a heading sorts by it.</p>\n");
	put(pg, "<table class=\"hosts\" id=\"hosts\">\n<thead><tr>");
	for (c = 0; c < ncol; c++) {
		const struct ls_field *f = h->cap[col[c]];
		putf(pg, "<th scope=\"col\" data-f=\"%s\"%s%s>", f->name,
		     (f->flags & LS_FIELD_NUMBER) ? " class=\"n\"" : "",
		     strcmp(f->name, "address") == 0 ? " aria-sort=\"ascending\"" : "");
		esc(pg, f->header);
		put(pg, "</th>");
	}
	put(pg, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < h->nhosts; i++) {
		const struct host *x = h->hosts[i];
		if (!x->listed)
			continue;
		putf(pg, "<tr data-i=\"%zu\">", i);
		for (c = 0; c < ncol; c++) {
			const struct ls_field *f = h->cap[col[c]];
			const char *v = x->v[col[c]], *k = x->v[h->ncap + col[c]];
			if (strcmp(f->name, "address") == 0) {
				/* sorts as bytes: the family, then the address in hex; names last */
				size_t len = x->addr.family == AF_INET ? 4 : 16, j;
				if (x->has_addr) {
					key[0] = x->addr.family == AF_INET ? '4' : '6';
					for (j = 0; j < len; j++)
						snprintf(key + 1 + 2 * j, 3, "%02x", x->addr.b[j]);
				} else {
					snprintf(key, sizeof(key), "z");
				}
				putf(pg, "<td class=\"a\" data-k=\"%s\">", key);
			} else if (strcmp(f->name, "state") == 0) {
				putf(pg, "<td class=\"s-%s\">", ls_state_name(x->state));
			} else if (k != NULL) {
				put(pg, "<td class=\"n\" data-n=\"");
				esc(pg, k);
				put(pg, "\">");
			} else {
				put(pg, (f->flags & LS_FIELD_NUMBER) ? "<td class=\"n\">" : "<td>");
			}
			esc(pg, v);
			put(pg, "</td>");
		}
		put(pg, "</tr>\n");
	}
	put(pg, "</tbody>\n</table>\n");
}

/* One cell's tooltip: the address and state, then each known fact on its own line. */
static void tooltip(struct page *pg, const struct html *h, const struct host *x, uint32_t net, int i, int st)
{
	putf(pg, "%u.%u.%u.%d ", net >> 16, (net >> 8) & 255, net & 255, i);
	put(pg, st == MAP_NONE ? "not swept" : state_word(st));
	for (size_t j = 0; x != NULL && h->tip[j] >= 0; j++) {
		if (x->v[h->tip[j]] == NULL)
			continue;
		put(pg, "&#10;");
		esc(pg, h->cap[h->tip[j]]->name);
		put(pg, ": ");
		esc(pg, x->v[h->tip[j]]);
	}
}

/* Whether any address of b is up or unknown. */
static bool lively(const struct block *b)
{
	for (int i = 0; i < 256; i++)
		if (b->st[i] == MAP_UP || b->st[i] == MAP_UNKNOWN)
			return true;
	return false;
}

static void grid(struct page *pg, const struct html *h, const struct block *b)
{
	int kind = cap_index(h, h->cfg.kind);
	unsigned n[4] = { 0, 0, 0, 0 };

	for (int i = 0; i < 256; i++)
		n[b->st[i]]++;
	putf(pg, "<figure><figcaption><b>%u.%u.%u.0/24</b>: %u up, %u down", b->net >> 16, (b->net >> 8) & 255,
	     b->net & 255, n[MAP_UP], n[MAP_DOWN]);
	if (n[MAP_UNKNOWN] > 0)
		putf(pg, ", %u unknown", n[MAP_UNKNOWN]);
	put(pg, "</figcaption>\n<table class=\"map\">\n");
	for (int row = 0; row < 16; row++) {
		put(pg, "<tr>");
		for (int c = 0; c < 16; c++) {
			int i = row * 16 + c;
			const struct host *x = b->host[i];
			const char *k = x != NULL && kind >= 0 ? x->v[kind] : NULL;
			putf(pg, "<td class=\"m-%s\" title=\"", state_word(b->st[i]));
			tooltip(pg, h, x, b->net, i, b->st[i]);
			putf(pg, "\">%d", i);
			if (k != NULL) {
				put(pg, "<i>");
				esc(pg, k);
				put(pg, "</i>");
			}
			put(pg, "</td>");
		}
		put(pg, "</tr>\n");
	}
	put(pg, "</table></figure>\n");
}

/* Every /24's grid; in a sweep of more than a few, those where nothing is
 * up come last, folded (a closed <details> needs no script). */
static void map(struct page *pg, const struct html *h)
{
	uint64_t v6 = h->v6[LS_UP] + h->v6[LS_DOWN] + h->v6[LS_UNKNOWN];
	bool fold = h->nblocks > 4;
	size_t quiet = 0, bi;

	put(pg, "<h2>Map</h2>\n<p class=\"note legend\">Each /24 swept, 16 addresses a row; hover over an "
		"address for what is known of it."
		"<span class=\"m-up\"></span>up<span class=\"m-down\"></span>down"
		"<span class=\"m-unknown\"></span>unknown<span class=\"m-no\"></span>not swept</p>\n");
	if (v6 > 0)
		putf(pg, "<p class=\"note\">%llu IPv6 address%s swept (%llu up, %llu down, %llu unknown): "
			 "the map draws IPv4 only; the table lists the IPv6 hosts.</p>\n",
		     (unsigned long long)v6, v6 == 1 ? "" : "es", (unsigned long long)h->v6[LS_UP],
		     (unsigned long long)h->v6[LS_DOWN], (unsigned long long)h->v6[LS_UNKNOWN]);
	if (h->maps_left_out > 0)
		putf(pg, "<p class=\"note\">%llu more address%s in further /24s: the map shows the first %d; "
			 "the table lists their hosts.</p>\n",
		     (unsigned long long)h->maps_left_out, h->maps_left_out == 1 ? "" : "es", LS_HTML_MAX_MAPS);
	put(pg, "<div class=\"maps\">\n");
	for (bi = 0; bi < h->nblocks; bi++) {
		if (fold && !lively(&h->blocks[bi]))
			quiet++;
		else
			grid(pg, h, &h->blocks[bi]);
	}
	put(pg, "</div>\n");
	if (quiet == 0)
		return;
	putf(pg, "<details><summary>%zu more /24%s where nothing is up</summary>\n<div class=\"maps\">\n", quiet,
	     quiet == 1 ? "" : "s");
	for (bi = 0; bi < h->nblocks; bi++)
		if (!lively(&h->blocks[bi]))
			grid(pg, h, &h->blocks[bi]);
	put(pg, "</div></details>\n");
}

/* Address order, as --sort; names that did not resolve last. */
static int cmp_host(const void *pa, const void *pb)
{
	const struct host *a = *(const struct host *const *)pa, *b = *(const struct host *const *)pb;

	if (a->has_addr != b->has_addr)
		return a->has_addr ? -1 : 1;
	if (a->has_addr)
		return ls_addr_cmp(&a->addr, &b->addr);
	return strcmp(a->v[0] != NULL ? a->v[0] : "", b->v[0] != NULL ? b->v[0] : "");	/* the address field: the target */
}

static int h_finish(struct ls_sink *s, const struct ls_summary *sum, char *err, size_t errlen)
{
	struct html *h = ls_container_of(s, struct html, sink);
	struct page *pg;
	int rc;

	if (h->oom || (pg = malloc(sizeof(*pg))) == NULL) {
		snprintf(err, errlen, "--format html: out of memory");
		return -ENOMEM;
	}
	/* the map points at the hosts themselves: sorting the list moves none */
	qsort(h->hosts, h->nhosts, sizeof(*h->hosts), cmp_host);
	pg->fd = h->fd;
	pg->err = 0;
	pg->len = 0;
	head(pg, h);
	summary(pg, h, sum);
	map(pg, h);
	table(pg, h, sum);
	put(pg, "<script>");
	put(pg, ls_html_script);
	put(pg, "</script>\n</body>\n</html>\n");
	flush(pg);
	rc = pg->err;
	free(pg);
	if (rc != 0 && rc != -EPIPE)
		snprintf(err, errlen, "--format html: %s", strerror(-rc));
	return rc;
}

static void h_free(struct ls_sink *s)
{
	struct html *h = ls_container_of(s, struct html, sink);

	for (size_t i = 0; i < h->nhosts; i++)
		free(h->hosts[i]);
	for (size_t i = 0; i < h->nconflicts; i++)
		free(h->conflicts[i]);
	free(h->hosts);
	free(h->blocks);
	free(h->title);
	free(h);
}

static const struct ls_sink_ops html_ops = { h_result, h_change, h_finish, h_free };

struct ls_sink *ls_html_new(int fd, const struct ls_html_cfg *cfg)
{
	static const char *const tipnames[] = { "", "name", "mac", "vendor", "", "rtt", "error" };
	const struct ls_field *tip[LS_ARRAY_SIZE(tipnames)] = { NULL };
	struct html *h = calloc(1, sizeof(*h));
	const struct ls_field *f;

	if (h == NULL)
		return NULL;
	h->sink.ops = &html_ops;
	h->fd = fd;
	h->cfg = *cfg;
	if (cfg->title != NULL && (h->cfg.title = h->title = strdup(cfg->title)) == NULL) {
		free(h);
		return NULL;
	}
	h->cfg.generator = NULL;	/* the caller's may not outlive the sink */
	if (cfg->generator != NULL)
		snprintf(h->generator, sizeof(h->generator), "%s", cfg->generator);
	if (h->cfg.kind == NULL)
		h->cfg.kind = ls_field_find("kind");
	if (h->cfg.model == NULL)
		h->cfg.model = ls_field_find("model");
	/* every printable field is kept: the columns are chosen at the end */
	for (f = ls_fields; f->name != NULL && h->ncap < LS_FIELDS_MAX; f++)
		if (!(f->flags & LS_FIELD_JSON_ONLY) && f->text != NULL)
			h->cap[h->ncap++] = f;
	if (h->cfg.kind != NULL && cap_index(h, h->cfg.kind) < 0 && h->ncap < LS_FIELDS_MAX)
		h->cap[h->ncap++] = h->cfg.kind;
	if (h->cfg.model != NULL && cap_index(h, h->cfg.model) < 0 && h->ncap < LS_FIELDS_MAX)
		h->cap[h->ncap++] = h->cfg.model;
	tip[0] = h->cfg.kind;
	tip[4] = h->cfg.model;
	for (size_t i = 0; i < LS_ARRAY_SIZE(h->tip); i++)
		h->tip[i] = -1;
	for (size_t i = 0, n = 0; i < LS_ARRAY_SIZE(tip); i++)
		if ((h->tip[n] = cap_index(h, tip[i] != NULL ? tip[i] : ls_field_find(tipnames[i]))) >= 0)
			n++;
	return &h->sink;
}
