/* fuzz_dnssd.c -- libFuzzer target: DNS-SD reply records, service type names and TXT pairs from any packet. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/dnssd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A text value must be NUL-terminated within its buffer, with no byte
 * below 0x20 nor DEL (escapes only). */
static void check_text(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap), i;

	if (n >= cap)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static int on_rr(void *arg, const struct ls_dnssd_rr *rr)
{
	char text[LS_DNS_TEXT_MAX], key[LS_DNSSD_KEY_MAX], val[LS_DNSSD_VALUE_MAX];
	size_t off = 0, *count = arg;
	int rc;

	(*count)++;
	if (rr->ownerlen < 1 || rr->ownerlen > LS_DNS_WIRE_MAX)
		abort();
	if (ls_dnssd_service_text(rr->owner, rr->ownerlen, text, sizeof(text)) == 1)
		check_text(text, sizeof(text));
	if (rr->type == LS_DNSSD_PTR || rr->type == LS_DNSSD_SRV) {
		if (ls_dns_name_text(rr->target, text, sizeof(text)) == 1)
			check_text(text, sizeof(text));
		(void)ls_dnssd_name_under(rr->target, rr->targetlen, rr->owner, rr->ownerlen);
	}
	if (rr->type == LS_DNSSD_TXT) {
		while ((rc = ls_dnssd_txt_next(rr->rdata, rr->rdlen, &off, key, val, sizeof(val))) == 1) {
			check_text(key, sizeof(key));
			check_text(val, sizeof(val));
			if (off > rr->rdlen)
				abort();
		}
		if (rc != 0 && rc != -EBADMSG)
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	size_t count = 0, off = 0;
	char key[LS_DNSSD_KEY_MAX], val[8];
	int rc;

	rc = ls_dnssd_reply(data, size, id, on_rr, &count);
	if (rc >= 0 ? (size_t)rc != count : (rc != -EBADMSG && rc != -ESRCH && rc != -ENOENT))
		abort();
	/* The input as TXT data, into a small value buffer. */
	while ((rc = ls_dnssd_txt_next(data, size, &off, key, val, sizeof(val))) == 1)
		check_text(val, sizeof(val));
	if (rc != 0 && rc != -EBADMSG)
		abort();
	return 0;
}
