/* fuzz_html.c -- libFuzzer target: the HTML report's escaping, and the page built from hostile values. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lanscan/html.h"
#include "lanscan/sbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Escaped text has no markup character left, only our references, and is valid UTF-8. */
static void check(const char *out)
{
	static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#47;", "&#58;" };
	const unsigned char *p = (const unsigned char *)out;
	size_t n, i;

	for (; *p != '\0'; p += n) {
		n = 1;
		if (*p == '<' || *p == '>' || *p == '"' || *p == '\'' || *p == '/' || *p == ':' || *p < 0x20 ||
		    *p == 0x7f)
			abort();
		if (*p == '&') {
			for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
				if (strncmp((const char *)p, refs[i], strlen(refs[i])) == 0)
					break;
			if (i == sizeof(refs) / sizeof(refs[0]))
				abort();
			n = strlen(refs[i]);
		} else if (*p >= 0x80 && (n = ls_utf8_len(p)) == 0) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *out, *f[4] = { NULL, NULL, NULL, NULL };
	size_t need, k = 0;
	struct ls_html_cfg cfg = { .show = LS_SHOW_ALL };
	struct ls_summary sum = { .targets = 2, .up = 1, .down = 1, .complete = true };
	struct ls_result r = { .target = "t", .has_addr = true, .addr = { .family = AF_INET, .b = { 10, 0, 0, 1 } },
			       .state = LS_UP, .rtt_ms = 1, .via = "icmp" };
	struct ls_sink *sink;
	char err[128];
	int fd;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	need = ls_html_escape(s, NULL, 0);
	if ((out = malloc(need + 1)) != NULL) {
		if (ls_html_escape(s, out, need + 1) != need || strlen(out) != need)
			abort();
		check(out);
		free(out);
	}
	/* the same bytes, split at NULs, as a host's name, vendor, error and the title */
	for (char *p = s; k < 4 && p <= s + size; p += strlen(p) + 1)
		f[k++] = p;
	r.name = f[0];
	r.vendor = f[1];
	r.has_mac = f[1] != NULL;
	r.error = f[2];
	cfg.title = f[3];
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0 && (sink = ls_html_new(fd, &cfg)) != NULL) {
		(void)sink->ops->result(sink, &r);
		r.addr.b[3] = 200;
		r.state = LS_DOWN;
		(void)sink->ops->result(sink, &r);
		(void)sink->ops->finish(sink, &sum, err, sizeof(err));
		sink->ops->free(sink);
	}
	if (fd >= 0)
		close(fd);
	free(s);
	return 0;
}
