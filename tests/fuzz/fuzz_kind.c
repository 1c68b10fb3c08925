/* fuzz_kind.c -- libFuzzer target: the rule table on any facts (values come from devices); the result is a vocabulary word and a fact's value. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/kind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input: lines "src\tkey\tvalue", at most 32. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_fact f[32];
	struct ls_kind_result r;
	char *buf = malloc(size + 1), *line, *save, *a, *b;
	size_t n = 0, w;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL && n < 32; line = strtok_r(NULL, "\n", &save)) {
		if ((a = strchr(line, '\t')) == NULL || (b = strchr(a + 1, '\t')) == NULL)
			continue;
		*a = *b = '\0';
		f[n++] = (struct ls_fact){ line, a + 1, b + 1 };
	}
	ls_kind_decide(f, n, &r);
	if (r.kind != NULL) {
		for (w = 0; ls_kind_words[w] != NULL && strcmp(ls_kind_words[w], r.kind) != 0; w++)
			;
		if (ls_kind_words[w] == NULL || r.kind_fact < 0 || (size_t)r.kind_fact >= n || r.rule == NULL)
			abort();
	} else if (r.kind_fact != -1) {
		abort();
	}
	if (r.model != NULL && (r.model_fact < 0 || (size_t)r.model_fact >= n || r.model != f[r.model_fact].value ||
				r.model[0] == '\0'))
		abort();
	free(buf);
	return 0;
}
