/* fuzz_target.c -- libFuzzer target: the target grammar, list splitting and the iterator. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_targets t, ex;
	struct ls_target_iter it;
	struct ls_target tg;
	char err[LS_ERRLEN], buf[LS_ADDRSTRLEN], *s;
	int i;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ls_targets_init(&t);
	ls_targets_init(&ex);
	ex.whole_cidr = true;
	ls_targets_add(&t, s, err, sizeof(err));
	ls_targets_add_list(&ex, s, err, sizeof(err));
	ls_targets_add_list(&t, s, err, sizeof(err));
	ls_target_iter_init(&it, &t, &ex);
	for (i = 0; i < 4096 && ls_target_iter_next(&it, &tg); i++)
		if (!tg.is_name)
			ls_addr_format(&tg.addr, buf, sizeof(buf));
	ls_targets_free(&t);
	ls_targets_free(&ex);
	free(s);
	return 0;
}
