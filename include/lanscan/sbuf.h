/* sbuf.h -- a bounded line builder, as snprintf: never overflows, counts what the whole line needs. */
#ifndef LANSCAN_SBUF_H
#define LANSCAN_SBUF_H

#include <stddef.h>

/* Writes go to p while they fit in cap - 1 bytes (one byte is kept for a
 * final '\n'); need counts every byte asked for, so a caller whose line did
 * not fit (need > len) can build it again with room for need + 1. */
struct ls_sbuf {
	char *p;
	size_t len, cap;
	size_t need;
};

void ls_sbuf_put(struct ls_sbuf *b, const char *s, size_t n);
void ls_sbuf_puts(struct ls_sbuf *b, const char *s);
void ls_sbuf_printf(struct ls_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A text field: '-' when empty or NULL; tabs, newlines and control bytes become '?'. */
void ls_sbuf_field(struct ls_sbuf *b, const char *s);

/* A JSON string (or null): control characters escaped, valid UTF-8 kept,
 * any other byte above 0x7e printed as '?': always valid JSON and UTF-8. */
void ls_sbuf_json_str(struct ls_sbuf *b, const char *s);

/* The length of the valid UTF-8 sequence at s (2-4), or 0 when it is not
 * one (a stray byte, an overlong form, a surrogate, beyond U+10FFFF). */
size_t ls_utf8_len(const unsigned char *s);

#endif
