/* ident.c -- the fact lists the evidence sources fill. */
#include "lanscan/ident.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ls_facts_add(struct ls_facts *f, const char *src, const char *key, const char *value)
{
	size_t i;
	char *k, *v;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].src, src) == 0 && strcmp(f->v[i].key, key) == 0 && strcmp(f->v[i].value, value) == 0)
			return 0;
	if (f->n >= LS_FACTS_MAX) {
		f->dropped++;
		return -ENOSPC;
	}
	k = strdup(key);
	v = strdup(value);
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	f->v[f->n++] = (struct ls_fact){ src, k, v };
	return 0;
}

void ls_facts_clear(struct ls_facts *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free((char *)f->v[i].key);
		free((char *)f->v[i].value);
	}
	f->n = 0;
	f->dropped = 0;
}
