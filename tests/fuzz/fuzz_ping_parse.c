/* fuzz_ping_parse.c -- libFuzzer target: parsing ping's stdout and stderr. */
#include <stddef.h>
#include <stdint.h>

#include "lanscan/ping_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_ping_output res;
	size_t half = size / 2;

	/* The first half as stdout, the rest as stderr; neither NUL-terminated. */
	ls_ping_parse((const char *)data, half, (const char *)data + half, size - half, "198.18.0.1", 1000, &res);
	return 0;
}
