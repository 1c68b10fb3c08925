/* output.c -- format result lines (TSV, NDJSON) and write them, one write per line. */
#include "lanscan/output.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanscan/util.h"

#define LIST_BUF (64 * 1024)

/* A bounded appender, as snprintf: it never overflows, and counts what the
 * whole line needs, so that a caller can retry with room enough. */
struct sbuf {
	char *p;
	size_t len, cap;
	size_t need;
};

static void put(struct sbuf *b, const char *s, size_t n)
{
	if (b->need == b->len && b->len + n + 1 <= b->cap) {	/* one byte kept for '\n' */
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
	b->need += n;
}

static void puts_(struct sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void putf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A text field: '-' when empty; tabs, newlines and control bytes become '?'. */
static void put_field(struct sbuf *b, const char *s)
{
	char c;

	if (s == NULL || *s == '\0') {
		put(b, "-", 1);
		return;
	}
	for (; *s != '\0'; s++) {
		c = ls_field_char((unsigned char)*s);
		put(b, &c, 1);
	}
}

/* The length of the valid UTF-8 sequence at s (2-4), or 0 when it is not
 * one (a stray byte, an overlong form, a surrogate, beyond U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string (or null): control characters escaped, valid UTF-8 (an
 * internationalised name) kept, any other byte above 0x7e printed as '?',
 * so the line is always valid JSON and valid UTF-8. */
static void put_json_str(struct sbuf *b, const char *s)
{
	unsigned char c;
	size_t n;

	if (s == NULL) {
		puts_(b, "null");
		return;
	}
	put(b, "\"", 1);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			put(b, "\\", 1);
			put(b, s, 1);
		} else if (c < 0x20) {
			putf(b, "\\u%04x", c);
		} else if (c >= 0x80 && (n = utf8_len((const unsigned char *)s)) > 0) {
			put(b, s, n);
			s += n - 1;
		} else if (c >= 0x7f) {
			put(b, "?", 1);
		} else {
			put(b, s, 1);
		}
	}
	put(b, "\"", 1);
}

size_t ls_format_result(const struct ls_result *r, enum ls_format fmt, char *buf, size_t len)
{
	struct sbuf b = { buf, 0, len, 0 };
	char addr[64];

	if (len < 2) {
		if (len == 1)
			buf[0] = '\0';
		return 0;
	}
	if (r->has_addr)
		ls_addr_format(&r->addr, addr, sizeof(addr));
	if (fmt == LS_FMT_JSON) {
		puts_(&b, "{\"address\":");
		put_json_str(&b, r->has_addr ? addr : NULL);
		puts_(&b, ",\"target\":");
		put_json_str(&b, r->target);
		puts_(&b, ",\"state\":\"");
		puts_(&b, ls_state_name(r->state));
		puts_(&b, "\",\"rtt_ms\":");
		if (r->rtt_ms >= 0)
			putf(&b, "%.3f", r->rtt_ms);
		else
			puts_(&b, "null");
		puts_(&b, ",\"via\":");
		put_json_str(&b, r->state == LS_UP ? r->via : NULL);	/* only an answer has a method */
		if (r->has_mac)
			putf(&b, ",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\"", r->mac[0], r->mac[1],
			     r->mac[2], r->mac[3], r->mac[4], r->mac[5]);
		else
			puts_(&b, ",\"mac\":null");
		puts_(&b, ",\"vendor\":");
		put_json_str(&b, r->has_mac ? r->vendor : NULL);
		puts_(&b, ",\"name\":");
		put_json_str(&b, r->name);
		if (r->names) {		/* -n: each source's name */
			puts_(&b, ",\"names\":{\"dns\":");
			put_json_str(&b, r->dns);
			puts_(&b, ",\"mdns\":");
			put_json_str(&b, r->mdns);
			puts_(&b, ",\"netbios\":");
			put_json_str(&b, r->netbios);
			puts_(&b, ",\"workgroup\":");
			put_json_str(&b, r->workgroup);
			puts_(&b, "}");
		}
		puts_(&b, ",\"error\":");
		put_json_str(&b, r->error);
		puts_(&b, "}");
	} else {
		put_field(&b, r->has_addr ? addr : r->target);
		put(&b, "\t", 1);
		puts_(&b, ls_state_name(r->state));
		put(&b, "\t", 1);
		if (r->rtt_ms >= 0)
			putf(&b, "%.3f", r->rtt_ms);
		else
			put(&b, "-", 1);
		put(&b, "\t", 1);
		put_field(&b, r->name);
		put(&b, "\t", 1);
		put_field(&b, r->state == LS_UP ? r->via : NULL);
		put(&b, "\t", 1);
		if (r->has_mac)
			putf(&b, "%02x:%02x:%02x:%02x:%02x:%02x", r->mac[0], r->mac[1], r->mac[2], r->mac[3],
			     r->mac[4], r->mac[5]);
		else
			put(&b, "-", 1);
		put(&b, "\t", 1);
		put_field(&b, r->has_mac ? r->vendor : NULL);
	}
	if (b.need == b.len)
		buf[b.len++] = '\n';
	return b.need + 1;
}

/* Formats r into stack (len bytes), or into a malloc'd buffer when it does
 * not fit: *out is the line, to free when it is not stack.  Returns its
 * length, or 0 when out of memory. */
static size_t format_line(const struct ls_result *r, enum ls_format fmt, char *stack, size_t len, char **out)
{
	size_t n = ls_format_result(r, fmt, stack, len);

	*out = stack;
	if (n <= len)
		return n;
	if ((*out = malloc(n + 1)) == NULL)
		return 0;
	return ls_format_result(r, fmt, *out, n + 1);
}

/* A kept result for --sort: the result with its strings copied. */
/* A kept result: its strings are copies (the caller's live only during the
 * call), each pointed at from r, on the heap so the record can move. */
#define SORTED_STRS 8
struct ls_sorted {
	struct ls_result r;
	char *s[SORTED_STRS];	/* target, name, error, via, dns, mdns, netbios, workgroup */
};

void ls_output_init(struct ls_output *o, int fd)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
}

#define write_all ls_write_all

static bool shown(const struct ls_output *o, const struct ls_result *r)
{
	if (o->show == LS_SHOW_ALIVE)
		return r->state == LS_UP;
	if (o->show == LS_SHOW_UNREACHABLE)
		return r->state != LS_UP;
	return true;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = true;
	return d;
}

static int keep(struct ls_output *o, const struct ls_result *r)
{
	struct ls_sorted *s;
	const char **f[SORTED_STRS];
	bool oom = false;
	int i;

	if (ls_grow(&o->sorted, o->nsorted, &o->capsorted, sizeof(*o->sorted), 256) != 0)
		return -ENOMEM;
	s = &o->sorted[o->nsorted];
	s->r = *r;
	f[0] = &s->r.target;
	f[1] = &s->r.name;
	f[2] = &s->r.error;
	f[3] = &s->r.via;
	f[4] = &s->r.dns;
	f[5] = &s->r.mdns;
	f[6] = &s->r.netbios;
	f[7] = &s->r.workgroup;	/* vendor points into the registry, which outlives output */
	for (i = 0; i < SORTED_STRS; i++) {
		s->s[i] = dup_or_null(*f[i], &oom);
		*f[i] = s->s[i];
	}
	if (oom) {
		for (i = 0; i < SORTED_STRS; i++)
			free(s->s[i]);
		return -ENOMEM;
	}
	o->nsorted++;
	return 0;
}

int ls_output_result(struct ls_output *o, const struct ls_result *r)
{
	char line[1024], *p;
	size_t n;
	int rc;

	if (o->quiet || !shown(o, r))
		return 0;
	if (o->sort)
		return keep(o, r);
	if ((n = format_line(r, o->format, line, sizeof(line), &p)) == 0)
		return -ENOMEM;
	rc = write_all(o->fd, p, n);
	if (p != line)
		free(p);
	return rc;
}

int ls_output_change(struct ls_output *o, const char *event, const struct ls_result *r,
		     const char *previous)
{
	char line[1024], *p, *out;
	size_t n, cap;
	int k, rc;

	if (o->quiet || (strcmp(event, "gone") != 0 && !shown(o, r)))
		return 0;
	n = format_line(r, o->format == LS_FMT_JSON ? LS_FMT_JSON : LS_FMT_TEXT, line, sizeof(line), &p);
	if (n == 0)
		return -ENOMEM;
	cap = n + strlen(event) + (previous ? strlen(previous) : 0) + 32;
	if ((out = malloc(cap)) == NULL) {
		rc = -ENOMEM;
		goto done;
	}
	if (o->format == LS_FMT_JSON)
		k = snprintf(out, cap, "{\"event\":\"%s\",\"previous\":%s%s%s,%.*s", event,
			     previous ? "\"" : "", previous ? previous : "null", previous ? "\"" : "",
			     (int)n - 1, p + 1);
	else
		k = snprintf(out, cap, "%s\t%.*s", event, (int)n, p);
	rc = k < 0 || (size_t)k >= cap ? -EINVAL : write_all(o->fd, out, (size_t)k);
	free(out);
done:
	if (p != line)
		free(p);
	return rc;
}

int ls_output_list(struct ls_output *o, const char *text)
{
	size_t n = strlen(text);
	int rc;

	if (o->listbuf == NULL && (o->listbuf = malloc(LIST_BUF)) == NULL)
		return -ENOMEM;
	if (o->listlen + n + 1 > LIST_BUF) {
		rc = write_all(o->fd, o->listbuf, o->listlen);
		o->listlen = 0;
		if (rc != 0)
			return rc;
		if (n + 1 > LIST_BUF) {	/* a very long name: written as it is */
			if ((rc = write_all(o->fd, text, n)) != 0)
				return rc;
			return write_all(o->fd, "\n", 1);
		}
	}
	memcpy(o->listbuf + o->listlen, text, n);
	o->listbuf[o->listlen + n] = '\n';
	o->listlen += n + 1;
	return 0;
}

/* Address order; names that did not resolve last, by their text. */
static int cmp_sorted(const void *pa, const void *pb)
{
	const struct ls_result *a = &((const struct ls_sorted *)pa)->r;
	const struct ls_result *b = &((const struct ls_sorted *)pb)->r;

	if (a->has_addr != b->has_addr)
		return a->has_addr ? -1 : 1;
	if (!a->has_addr)
		return strcmp(a->target, b->target);
	return ls_addr_cmp(&a->addr, &b->addr);
}

int ls_output_finish(struct ls_output *o)
{
	char line[1024], *p;
	size_t i, n;
	int rc = 0;

	if (o->listlen > 0)
		rc = write_all(o->fd, o->listbuf, o->listlen);
	if (o->nsorted > 0)
		qsort(o->sorted, o->nsorted, sizeof(*o->sorted), cmp_sorted);
	for (i = 0; i < o->nsorted; i++) {
		if (rc == 0) {
			n = format_line(&o->sorted[i].r, o->format, line, sizeof(line), &p);
			rc = n == 0 ? -ENOMEM : write_all(o->fd, p, n);
			if (p != line)
				free(p);
		}
		for (int k = 0; k < SORTED_STRS; k++)
			free(o->sorted[i].s[k]);
	}
	free(o->sorted);
	free(o->listbuf);
	o->sorted = NULL;
	o->listbuf = NULL;
	o->nsorted = o->capsorted = o->listlen = 0;
	return rc;
}
