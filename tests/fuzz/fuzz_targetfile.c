/* fuzz_targetfile.c -- libFuzzer target: reading a targets file (-f, --exclude-file). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lanscan/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_targets t;
	char err[LS_ERRLEN + 64];
	FILE *f;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (f == NULL)
		return 0;
	ls_targets_init(&t);
	ls_targets_read(&t, f, "fuzz", err, sizeof(err));
	fclose(f);
	ls_targets_free(&t);
	return 0;
}
