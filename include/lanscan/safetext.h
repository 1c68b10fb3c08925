/* safetext.h -- untrusted bytes (TXT values, HTTP headers, XML text) as printable UTF-8, bounded. */
#ifndef LANSCAN_SAFETEXT_H
#define LANSCAN_SAFETEXT_H

#include <stddef.h>
#include <stdint.h>

/* The length (2-4) of the valid UTF-8 sequence of a printable character
 * at s (n bytes readable), or 0: overlong forms, surrogates, values past
 * U+10FFFF, C1 controls and the bidirectional and line-separator controls
 * (U+061C, U+200E/F, U+2028/9, U+202A-E, U+2066-9) are not printable. */
size_t ls_utf8_printable(const uint8_t *s, size_t n);

/* Writes the n bytes at s into out as text: printable ASCII and printable
 * UTF-8 as they are, a backslash and every other byte (controls, DEL,
 * invalid UTF-8) as "\DDD" (decimal); leading and trailing spaces are
 * dropped when trim.  The result is cut at a character boundary to fit
 * outlen (NUL included).  Returns the length written, or -ENOSPC when
 * outlen is 0. */
int ls_text_escape(const uint8_t *s, size_t n, char *out, size_t outlen, int trim);

#endif
