/* fuzz_nbstat.c -- libFuzzer target: reading NetBIOS node status responses. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/nbstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names returned must be printable ASCII, NUL-terminated in their field. */
static void check_text(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap), i;

	if (n >= cap)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_nbstat r;
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	int rc = ls_nbstat_parse(data, size, id, &r);
	static const uint8_t zero[6];

	if (rc != 0 && rc != -ENOENT && rc != -EBADMSG && rc != -ESRCH)
		abort();
	check_text(r.name, sizeof(r.name));
	check_text(r.group, sizeof(r.group));
	if ((rc == 0) != (r.name[0] != '\0'))
		abort();
	if (r.has_mac && memcmp(r.mac, zero, 6) == 0)
		abort();
	return 0;
}
