/* oui.c -- IEEE registry lookups: three sorted prefix tables (36, 28, 24 bits), loaded lazily, searched in O(log n). */
#include "lanscan/oui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanscan/util.h"

#define NAME_MAX_LEN 128	/* longer organisation names are cut */

struct oui_entry {
	uint64_t prefix;
	uint32_t name;		/* offset in the arena */
};

struct oui_table {
	struct oui_entry *e;
	size_t n, cap;
};

struct ls_oui {
	char *dir;
	bool loaded;
	struct oui_table t[3];	/* 36, 28, 24 bits: longest first */
	char *arena;
	size_t alen, acap;
};

static const int table_bits[3] = { 36, 28, 24 };

struct ls_oui *ls_oui_new(const char *dir)
{
	struct ls_oui *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	if ((db->dir = strdup(dir != NULL ? dir : LS_OUI_DIR)) == NULL) {
		free(db);
		return NULL;
	}
	return db;
}

void ls_oui_free(struct ls_oui *db)
{
	int i;

	if (db == NULL)
		return;
	for (i = 0; i < 3; i++)
		free(db->t[i].e);
	free(db->arena);
	free(db->dir);
	free(db);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One CSV field from *p (up to end): quoted ("..." with "" for a quote) or
 * bare.  Copies at most cap - 1 bytes into out when out is not NULL.
 * Returns false when the field is malformed. */
static bool field(const char **p, const char *end, char *out, size_t cap)
{
	const char *s = *p;
	size_t n = 0;

	if (s < end && *s == '"') {
		for (s++;; s++) {
			if (s >= end)
				return false;	/* unterminated */
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"')
					s++;
				else {
					s++;
					break;
				}
			}
			if (out != NULL && n + 1 < cap)
				out[n++] = *s;
		}
	} else {
		for (; s < end && *s != ','; s++) {
			if (*s == '"')
				return false;
			if (out != NULL && n + 1 < cap)
				out[n++] = *s;
		}
	}
	if (s < end && *s != ',')
		return false;
	if (s < end)
		s++;	/* the comma */
	if (out != NULL)
		out[n] = '\0';
	*p = s;
	return true;
}

int ls_oui_parse_line(const char *line, size_t len, uint64_t *prefix, int *bits,
		      char *name, size_t namelen)
{
	const char *p = line, *end = line + len;
	char reg[8], hex[16];
	size_t i, n;
	int v;

	while (end > p && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if (namelen == 0 || !field(&p, end, reg, sizeof(reg)) || !field(&p, end, hex, sizeof(hex)) ||
	    !field(&p, end, name, namelen))
		return -EINVAL;
	n = strlen(hex);
	if (strcmp(reg, "MA-L") == 0 && n == 6)
		*bits = 24;
	else if (strcmp(reg, "MA-M") == 0 && n == 7)
		*bits = 28;
	else if ((strcmp(reg, "MA-S") == 0 || strcmp(reg, "IAB") == 0) && n == 9)
		*bits = 36;
	else
		return -EINVAL;	/* the header, or another registry */
	*prefix = 0;
	for (i = 0; i < n; i++) {
		if ((v = hexval(hex[i])) < 0)
			return -EINVAL;
		*prefix = *prefix << 4 | (uint64_t)v;
	}
	/* trim, and no control characters in a name we will print */
	for (i = 0; name[i] != '\0'; i++)
		name[i] = ls_field_char((unsigned char)name[i]);
	while (i > 0 && name[i - 1] == ' ')
		name[--i] = '\0';
	return name[0] == '\0' ? -EINVAL : 0;
}

static int add(struct ls_oui *db, uint64_t prefix, int bits, const char *name)
{
	struct oui_table *t = &db->t[bits == 36 ? 0 : bits == 28 ? 1 : 2];
	size_t len = strlen(name) + 1;

	if (db->alen + len > UINT32_MAX)
		return -ENOMEM;
	while (db->alen + len > db->acap) {
		size_t ncap = db->acap ? db->acap * 2 : 1 << 16;
		char *na = realloc(db->arena, ncap);
		if (na == NULL)
			return -ENOMEM;
		db->arena = na;
		db->acap = ncap;
	}
	if (ls_grow(&t->e, t->n, &t->cap, sizeof(*t->e), 1024) != 0)
		return -ENOMEM;
	memcpy(db->arena + db->alen, name, len);
	t->e[t->n].prefix = prefix;
	t->e[t->n].name = (uint32_t)db->alen;
	t->n++;
	db->alen += len;
	return 0;
}

/* Reads one registry file whole (at most 64 MiB) and adds its lines. */
static void load_file(struct ls_oui *db, const char *file)
{
	char path[4096], name[NAME_MAX_LEN], *buf = NULL, *p, *end, *nl;
	size_t len = 0, cap = 0;
	uint64_t prefix;
	ssize_t r;
	int bits, fd;

	if (snprintf(path, sizeof(path), "%s/%s", db->dir, file) >= (int)sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	for (;;) {
		if (len == cap && (cap >= (64u << 20) || ls_grow(&buf, len, &cap, 1, 1 << 20) != 0))
			break;
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl - p < 1024 && memchr(p, '\0', (size_t)(nl - p)) == NULL &&
		    ls_oui_parse_line(p, (size_t)(nl - p), &prefix, &bits, name, sizeof(name)) == 0 &&
		    add(db, prefix, bits, name) != 0)
			break;
	}
	free(buf);
}

static int cmp_entry(const void *a, const void *b)
{
	uint64_t x = ((const struct oui_entry *)a)->prefix, y = ((const struct oui_entry *)b)->prefix;

	return x < y ? -1 : x > y;
}

static void load(struct ls_oui *db)
{
	static const char *const files[] = { "oui.csv", "mam.csv", "oui36.csv", "iab.csv" };
	size_t i;

	db->loaded = true;
	for (i = 0; i < LS_ARRAY_SIZE(files); i++)
		load_file(db, files[i]);
	for (i = 0; i < 3; i++)
		if (db->t[i].n > 1)
			qsort(db->t[i].e, db->t[i].n, sizeof(*db->t[i].e), cmp_entry);
}

static const struct oui_entry *search(const struct oui_table *t, uint64_t key)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->e[mid].prefix < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->e[lo].prefix == key ? &t->e[lo] : NULL;
}

const char *ls_oui_vendor(struct ls_oui *db, const uint8_t mac[6])
{
	const struct oui_entry *e;
	uint64_t v = 0;
	int i;

	if (mac[0] & 0x02)
		return LS_OUI_LOCAL;	/* the U/L bit: no registry assigned it */
	if (db == NULL)
		return NULL;
	if (!db->loaded)
		load(db);
	for (i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	for (i = 0; i < 3; i++)
		if ((e = search(&db->t[i], v >> (48 - table_bits[i]))) != NULL)
			return db->arena + e->name;
	return NULL;
}

size_t ls_oui_count(const struct ls_oui *db)
{
	return db == NULL ? 0 : db->t[0].n + db->t[1].n + db->t[2].n;
}
