/* fuzz_upnp.c -- libFuzzer target: UPnP descriptions (expat, no entities) from any bytes; fields are text. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/upnp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
	size_t n = strnlen(s, LS_UPNP_FIELD_MAX), i;

	if (n >= LS_UPNP_FIELD_MAX)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_upnp_desc d;
	int rc = ls_upnp_parse(data, size, &d);

	if (rc != 0 && rc != -EBADMSG && rc != -EPERM && rc != -EFBIG && rc != -ENOMEM)
		abort();
	check_text(d.device_type);
	check_text(d.friendly_name);
	check_text(d.manufacturer);
	check_text(d.model_name);
	check_text(d.model_number);
	if (rc != 0 && (d.device_type[0] || d.model_name[0]))
		abort();
	return 0;
}
