/* fuzz_http.c -- libFuzzer target: an HTTP response read at once and in pieces gives the same result, within its caps. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t body1[4096], body2[4096];

static int run(struct ls_http *h, uint8_t *body, const uint8_t *data, size_t size, size_t step)
{
	size_t i, k;
	int rc = 0;

	ls_http_init(h, body, 4096);
	for (i = 0; i < size && rc == 0; i += k) {
		k = size - i < step ? size - i : step;
		rc = ls_http_feed(h, data + i, k);
	}
	if (rc == 0)
		rc = ls_http_eof(h);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_http a, b;
	size_t step = size > 0 ? (size_t)data[0] % 13 + 1 : 1, i;
	int ra, rb;

	ra = run(&a, body1, data, size, size > 0 ? size : 1);
	rb = run(&b, body2, data, size, step);
	if (ra != rb || (ra != 1 && ra != -EBADMSG && ra != -EFBIG))
		abort();
	if (ra == 1) {
		if (a.body_len != b.body_len || a.body_len > 4096 || memcmp(body1, body2, a.body_len) != 0 ||
		    a.status < 100 || a.status > 599 || strcmp(a.server, b.server) != 0)
			abort();
		for (i = 0; a.server[i] != '\0'; i++)
			if ((unsigned char)a.server[i] < 0x20 || a.server[i] == 0x7f)
				abort();
	}
	return 0;
}
