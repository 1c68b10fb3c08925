/* facts.c -- (source, key, value) facts about a host: a small owned list, looked up by source and key. */
#include "lanscan/facts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/util.h"

const char *const ls_name_sources[] = { LS_SRC_DNS, LS_SRC_MDNS, LS_SRC_NETBIOS, NULL };

int ls_facts_add(struct ls_facts *f, const char *src, const char *key, const char *value)
{
	size_t ls, lk, lv;
	char *p;

	if (value == NULL || value[0] == '\0')
		return 0;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].src, src) == 0 && strcmp(f->v[i].key, key) == 0 && strcmp(f->v[i].value, value) == 0)
			return 0;
	if (f->n >= LS_FACTS_MAX) {
		f->dropped++;
		return -ENOSPC;
	}
	if (ls_grow(&f->v, f->n, &f->cap, sizeof(*f->v), 4) != 0)
		return -ENOMEM;
	ls = strlen(src) + 1;
	lk = strlen(key) + 1;
	lv = strlen(value) + 1;
	if ((p = malloc(ls + lk + lv)) == NULL)
		return -ENOMEM;
	memcpy(p, src, ls);
	memcpy(p + ls, key, lk);
	memcpy(p + ls + lk, value, lv);
	f->v[f->n].src = p;
	f->v[f->n].key = p + ls;
	f->v[f->n].value = p + ls + lk;
	f->n++;
	return 0;
}

const char *ls_facts_get(const struct ls_facts *f, const char *src, const char *key)
{
	size_t i;

	if (f == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].src, src) == 0 && strcmp(f->v[i].key, key) == 0)
			return f->v[i].value;
	return NULL;
}

void ls_facts_del(struct ls_facts *f, const char *src, const char *key)
{
	size_t i = 0, k = 0;

	for (; i < f->n; i++) {
		if (strcmp(f->v[i].src, src) == 0 && strcmp(f->v[i].key, key) == 0)
			free((char *)f->v[i].src);
		else
			f->v[k++] = f->v[i];
	}
	f->n = k;
}

int ls_facts_copy(struct ls_facts *to, const struct ls_facts *from)
{
	size_t i;
	int rc;

	if (from == NULL)
		return 0;
	for (i = 0; i < from->n; i++)
		if ((rc = ls_facts_add(to, from->v[i].src, from->v[i].key, from->v[i].value)) != 0)
			return rc;
	return 0;
}

void ls_facts_free(struct ls_facts *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free((char *)f->v[i].src);	/* the one allocation of the fact */
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
	f->dropped = 0;
}

const char *ls_facts_best_name(const struct ls_facts *f, char *buf, size_t len)
{
	const char *s;
	size_t i;

	for (i = 0; ls_name_sources[i] != NULL; i++) {
		if ((s = ls_facts_get(f, ls_name_sources[i], LS_KEY_NAME)) == NULL)
			continue;
		if (strcmp(ls_name_sources[i], LS_SRC_NETBIOS) != 0)
			return s;
		snprintf(buf, len, "%s", s);	/* NetBIOS names are sent in upper case */
		for (char *c = buf; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		return buf;
	}
	return NULL;
}
