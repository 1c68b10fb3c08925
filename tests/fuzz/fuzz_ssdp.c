/* fuzz_ssdp.c -- libFuzzer target: SSDP answers, and LOCATION URLs, from any bytes. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/ssdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t cap, int raw)
{
	size_t n = strnlen(s, cap), i;

	if (n >= cap)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || (raw && ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] > 0x7e)))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_ssdp_reply r;
	char url[600], path[LS_URL_PATH_MAX];
	uint8_t addr[16];
	uint16_t port;
	int fam, rc;
	size_t n;

	rc = ls_ssdp_parse(data, size, &r);
	if (rc != 0 && rc != -ESRCH && rc != -EBADMSG)
		abort();
	if (rc == 0) {
		check_text(r.location, sizeof(r.location), 1);
		check_text(r.server, sizeof(r.server), 0);
		check_text(r.st, sizeof(r.st), 0);
		check_text(r.usn, sizeof(r.usn), 0);
		if (r.location[0] != '\0' && ls_url_parse(r.location, &fam, addr, &port, path) == 0)
			check_text(path, sizeof(path), 1);
	}
	/* The input as a URL. */
	n = size < sizeof(url) - 1 ? size : sizeof(url) - 1;
	memcpy(url, data, n);
	url[n] = '\0';
	rc = ls_url_parse(url, &fam, addr, &port, path);
	if (rc == 0) {
		if ((fam != AF_INET && fam != AF_INET6) || port == 0 || path[0] != '/')
			abort();
		check_text(path, sizeof(path), 1);
	} else if (rc != -EINVAL) {
		abort();
	}
	return 0;
}
