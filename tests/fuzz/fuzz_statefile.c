/* fuzz_statefile.c -- libFuzzer target: reading a --state file. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lanscan/statefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_statefile st;
	char err[256];

	memset(&st, 0, sizeof(st));
	st.lock_fd = -1;
	ls_statefile_parse(&st, (const char *)data, size, err, sizeof(err));
	ls_statefile_close(&st);
	return 0;
}
