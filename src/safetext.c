/* safetext.c -- untrusted bytes as printable, bounded UTF-8 text with \DDD escapes. */
#include "lanscan/safetext.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

size_t ls_utf8_printable(const uint8_t *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (n == 0 || s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7fu >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp < 0xa0 || cp == 0x061c || cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

int ls_text_escape(const uint8_t *s, size_t n, char *out, size_t outlen, int trim)
{
	size_t i = 0, o = 0, u;
	char esc[5];

	if (outlen == 0)
		return -ENOSPC;
	if (trim) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
	}
	for (; i < n; i += u) {
		u = 1;
		if (s[i] >= ' ' && s[i] < 0x7f && s[i] != '\\') {
			if (outlen - o <= 1)
				break;
			out[o++] = (char)s[i];
		} else if (s[i] >= 0x80 && (u = ls_utf8_printable(s + i, n - i)) > 0) {
			if (outlen - o <= u)
				break;
			memcpy(out + o, s + i, u);
			o += u;
		} else {
			u = 1;
			if (outlen - o <= 4)
				break;
			snprintf(esc, sizeof(esc), "\\%03u", s[i]);
			memcpy(out + o, esc, 4);
			o += 4;
		}
	}
	out[o] = '\0';
	return (int)o;
}
