/* html_escape.c -- text from the network made inert in HTML: markup characters as references, controls and invalid UTF-8 as U+FFFD. */
#include "lanscan/html.h"

#include <string.h>

#include "html_internal.h"
#include "lanscan/sbuf.h"

void ls__html_escape(const char *s, ls__html_emit emit, void *arg)
{
	static const char bad[] = "\xef\xbf\xbd";	/* U+FFFD */
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n;

	for (; *p != '\0'; p += n) {
		n = 1;
		switch (*p) {
		case '&': emit(arg, "&amp;", 5); continue;
		case '<': emit(arg, "&lt;", 4); continue;
		case '>': emit(arg, "&gt;", 4); continue;
		case '"': emit(arg, "&quot;", 6); continue;
		case '\'': emit(arg, "&#39;", 5); continue;
		case '/': emit(arg, "&#47;", 5); continue;	/* no "http://" even as text */
		case ':': emit(arg, "&#58;", 5); continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			emit(arg, bad, 3);
		} else if (*p < 0x80) {
			emit(arg, (const char *)p, 1);
		} else if ((n = ls_utf8_len(p)) == 0) {
			n = 1;
			emit(arg, bad, 3);
		} else if ((p[0] == 0xc2 && p[1] < 0xa0) ||	/* C1 controls */
			   (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||	/* bidi embeddings */
			   (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)) {	/* bidi isolates */
			emit(arg, bad, 3);
		} else {
			emit(arg, (const char *)p, n);
		}
	}
}

struct strbuf {
	char *p;
	size_t len, used;
};

static void emit_buf(void *arg, const char *s, size_t n)
{
	struct strbuf *b = arg;

	if (b->used < b->len) {
		size_t k = b->len - b->used < n ? b->len - b->used : n;
		memcpy(b->p + b->used, s, k);
	}
	b->used += n;
}

size_t ls_html_escape(const char *s, char *buf, size_t len)
{
	struct strbuf b = { buf, len > 0 ? len - 1 : 0, 0 };

	ls__html_escape(s, emit_buf, &b);
	if (len > 0)
		buf[b.used < b.len ? b.used : b.len] = '\0';
	return b.used;
}
