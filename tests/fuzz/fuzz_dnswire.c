/* fuzz_dnswire.c -- libFuzzer target: reading mDNS PTR answers, and queries built from any name read back. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/dnswire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0;
 * written apart from dnswire.c's on purpose. */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
	static const struct {
		unsigned char lead_min, lead_max, second_min, second_max;
		size_t len;
	} forms[] = {	/* RFC 3629 4 */
		{ 0xc2, 0xdf, 0x80, 0xbf, 2 }, { 0xe0, 0xe0, 0xa0, 0xbf, 3 }, { 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 }, { 0xee, 0xef, 0x80, 0xbf, 3 }, { 0xf0, 0xf0, 0x90, 0xbf, 4 },
		{ 0xf1, 0xf3, 0x80, 0xbf, 4 }, { 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};
	size_t f, i;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (s[0] < forms[f].lead_min || s[0] > forms[f].lead_max)
			continue;
		if (n < forms[f].len || s[1] < forms[f].second_min || s[1] > forms[f].second_max)
			return 0;
		for (i = 2; i < forms[f].len; i++)
			if ((s[i] & 0xc0) != 0x80)
				return 0;
		return forms[f].len;
	}
	return 0;
}

/* A name returned must be valid UTF-8 without control characters or
 * upper-case ASCII, every backslash starting a \DDD escape. */
static void check_text(const char *text, size_t cap)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strnlen(text, cap), i = 0, k;

	if (n >= cap)
		abort();
	while (i < n) {
		if (s[i] < 0x20 || s[i] == 0x7f || (s[i] >= 'A' && s[i] <= 'Z'))
			abort();
		if (s[i] == '\\') {
			if (n - i < 4 || s[i + 1] < '0' || s[i + 1] > '2' || s[i + 2] < '0' || s[i + 2] > '9' ||
			    s[i + 3] < '0' || s[i + 3] > '9')
				abort();
			i += 4;
		} else if (s[i] >= 0x80) {
			k = utf8_valid(s + i, n - i);
			if (k == 0)
				abort();
			i += k;
		} else {
			i++;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const qnames[] = {
		"2.200.19.198.in-addr.arpa",
		"2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.9.1.0.0.0.0.d.f.ip6.arpa",
		"desk-10.local",
	};
	char name[LS_DNS_TEXT_MAX], small[16], qname[300];
	uint8_t buf[300];
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	size_t i, n;
	ssize_t q;
	int r, r2;

	/* The input as a reply (its own id, so the header passes). */
	for (i = 0; i < sizeof(qnames) / sizeof(qnames[0]); i++) {
		r = ls_dns_ptr_answer(data, size, id, qnames[i], name, sizeof(name));
		if (r != 1 && r != 0 && r != -ENOENT && r != -ESRCH && r != -EBADMSG)
			abort();
		if (r == 1)
			check_text(name, sizeof(name));
		r2 = ls_dns_ptr_answer(data, size, id, qnames[i], small, sizeof(small));
		if (r2 != r && !(r == 1 && r2 == -ENOSPC && strlen(name) >= sizeof(small)))
			abort();
		if (r2 == 1 && strcmp(small, name) != 0)
			abort();
	}
	/* The input as a name: a query for it, marked as a response, is a
	 * well-formed answer without a record. */
	n = size < sizeof(qname) - 1 ? size : sizeof(qname) - 1;
	memcpy(qname, data, n);
	qname[n] = '\0';
	q = ls_dns_ptr_query(buf, sizeof(buf), id, qname, (size & 1) != 0);
	if (q >= 0) {
		buf[2] |= 0x80;
		if (ls_dns_ptr_answer(buf, (size_t)q, id, qname, name, sizeof(name)) != 0)
			abort();
	} else if (q != -EINVAL) {
		abort();
	}
	return 0;
}
