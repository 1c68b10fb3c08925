/* fuzz_nbr6.c -- libFuzzer target: echo replies to the all-nodes discovery (nbr6.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lanscan/nbr6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t cookie[8] = { 0 };
	uint16_t ident = 0;

	if (size >= 16) {	/* the reply's own cookie and id: the full check runs */
		memcpy(cookie, data + 8, 8);
		ident = (uint16_t)(data[4] << 8 | data[5]);
	}
	(void)ls_nbr6_is_reply(data, size, true, ident, cookie);
	(void)ls_nbr6_is_reply(data, size, false, ident, cookie);
	return 0;
}
