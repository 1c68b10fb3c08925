/* sbuf.c -- the bounded line builder every output format writes with, and its escapes. */
#include "lanscan/sbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lanscan/util.h"

void ls_sbuf_put(struct ls_sbuf *b, const char *s, size_t n)
{
	if (b->need == b->len && b->len + n + 1 <= b->cap) {	/* one byte kept for '\n' */
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
	b->need += n;
}

void ls_sbuf_puts(struct ls_sbuf *b, const char *s)
{
	ls_sbuf_put(b, s, strlen(s));
}

void ls_sbuf_printf(struct ls_sbuf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		ls_sbuf_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void ls_sbuf_field(struct ls_sbuf *b, const char *s)
{
	char c;

	if (s == NULL || *s == '\0') {
		ls_sbuf_put(b, "-", 1);
		return;
	}
	for (; *s != '\0'; s++) {
		c = ls_field_char((unsigned char)*s);
		ls_sbuf_put(b, &c, 1);
	}
}

size_t ls_utf8_len(const unsigned char *s)
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

void ls_sbuf_json_str(struct ls_sbuf *b, const char *s)
{
	unsigned char c;
	size_t n;

	if (s == NULL) {
		ls_sbuf_puts(b, "null");
		return;
	}
	ls_sbuf_put(b, "\"", 1);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			ls_sbuf_put(b, "\\", 1);
			ls_sbuf_put(b, s, 1);
		} else if (c < 0x20) {
			ls_sbuf_printf(b, "\\u%04x", c);
		} else if (c >= 0x80 && (n = ls_utf8_len((const unsigned char *)s)) > 0) {
			ls_sbuf_put(b, s, n);
			s += n - 1;
		} else if (c >= 0x7f) {
			ls_sbuf_put(b, "?", 1);
		} else {
			ls_sbuf_put(b, s, 1);
		}
	}
	ls_sbuf_put(b, "\"", 1);
}
