/* statefile.c -- the --state file: lock, load, compare a sweep with the last one, save atomically. */
#include "lanscan/statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lanscan/filelock.h"
#include "lanscan/util.h"

/* Version 2 added a fifth field, the MAC history; version 3 a sixth, the
 * other MACs that answered for the address in that sweep (a conflict);
 * version 4 each source's name: DNS, mDNS, NetBIOS, and the workgroup
 * (-n); version 5 the device's kind and model (-K).  Older files are read
 * as they are (their name column taken as the DNS name) and saved as
 * version 5.  Every header has the same length. */
#define HEADER_V1 "# lanscan state 1\n"
#define HEADER_V2 "# lanscan state 2\n"
#define HEADER_V3 "# lanscan state 3\n"
#define HEADER_V4 "# lanscan state 4\n"
#define HEADER "# lanscan state 5\n"
#define FORMAT 5

const char *ls_change_name(enum ls_change c)
{
	static const char *names[] = { "none", "new", "up", "down", "renamed", "gone", "mac", "flip" };

	return names[c];
}

static uint64_t hash_key(const char *s)
{
	return ls_fnv1a(LS_FNV_INIT, s, strlen(s));
}

static int rehash(struct ls_statefile *st, size_t ncap)
{
	size_t *nh = calloc(ncap, sizeof(*nh)), i, j;

	if (nh == NULL)
		return -ENOMEM;
	for (i = 0; i < st->n; i++) {
		for (j = hash_key(st->e[i].key) & (ncap - 1); nh[j] != 0; j = (j + 1) & (ncap - 1))
			;
		nh[j] = i + 1;
	}
	free(st->hash);
	st->hash = nh;
	st->hcap = ncap;
	return 0;
}

/* The entry for key, created when missing; NULL when out of memory. */
static struct ls_statefile_entry *entry(struct ls_statefile *st, const char *key)
{
	size_t j;
	struct ls_statefile_entry *e;

	if (st->hcap > 0)
		for (j = hash_key(key) & (st->hcap - 1); st->hash[j] != 0; j = (j + 1) & (st->hcap - 1))
			if (strcmp(st->e[st->hash[j] - 1].key, key) == 0)
				return &st->e[st->hash[j] - 1];
	if ((st->n + 1) * 2 > st->hcap && rehash(st, st->hcap ? st->hcap * 2 : 64) != 0)
		return NULL;
	if (ls_grow(&st->e, st->n, &st->cap, sizeof(*st->e), 64) != 0)
		return NULL;
	e = &st->e[st->n];
	memset(e, 0, sizeof(*e));
	if ((e->key = strdup(key)) == NULL)
		return NULL;
	for (j = hash_key(key) & (st->hcap - 1); st->hash[j] != 0; j = (j + 1) & (st->hcap - 1))
		;
	st->hash[j] = ++st->n;
	return e;
}

static int parse_state(const char *s, enum ls_state *out)
{
	if (strcmp(s, "up") == 0)
		*out = LS_UP;
	else if (strcmp(s, "down") == 0)
		*out = LS_DOWN;
	else if (strcmp(s, "unknown") == 0)
		*out = LS_UNKNOWN;
	else
		return -1;
	return 0;
}

/* "-", or up to LS_MAC_HISTORY MACs, comma-separated, most recent first. */
static int parse_macs(const char *s, struct ls_statefile_entry *e)
{
	unsigned v[6];
	int n;

	e->nmacs = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	for (;;) {
		if (e->nmacs == LS_MAC_HISTORY ||
		    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6 ||
		    n != 17)
			return -1;
		for (int i = 0; i < 6; i++)
			e->macs[e->nmacs][i] = (uint8_t)v[i];
		e->nmacs++;
		s += n;
		if (*s == '\0')
			return 0;
		if (*s++ != ',')
			return -1;
	}
}

/* "-", or up to LS_MAC_HISTORY MACs: checked, not kept (a conflict is
 * news of the sweep that saw it). */
static int parse_conflict(const char *s)
{
	struct ls_statefile_entry tmp;

	return parse_macs(s, &tmp);
}

int ls_statefile_parse(struct ls_statefile *st, const char *buf, size_t len, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *nl;
	char *line = NULL, *f[12], *save;
	size_t lineno = 1, n, cap = 0;
	struct ls_statefile_entry *e;
	int k, rc = 0, nf;

	if (len == 0)
		return 0;
	if (len >= sizeof(HEADER) - 1 && memcmp(buf, HEADER, sizeof(HEADER) - 1) == 0)
		nf = 12;
	else if (len >= sizeof(HEADER_V4) - 1 && memcmp(buf, HEADER_V4, sizeof(HEADER_V4) - 1) == 0)
		nf = 10;
	else if (len >= sizeof(HEADER_V3) - 1 && memcmp(buf, HEADER_V3, sizeof(HEADER_V3) - 1) == 0)
		nf = 6;
	else if (len >= sizeof(HEADER_V2) - 1 && memcmp(buf, HEADER_V2, sizeof(HEADER_V2) - 1) == 0)
		nf = 5;
	else if (len >= sizeof(HEADER_V1) - 1 && memcmp(buf, HEADER_V1, sizeof(HEADER_V1) - 1) == 0)
		nf = 4;
	else {
		unsigned long v;
		char tail;
		/* "# lanscan state 5": written by a newer lanscan; say so. */
		if (len > 16 && memcmp(buf, "# lanscan state ", 16) == 0 &&
		    sscanf(buf + 16, "%lu%c", &v, &tail) == 2 && tail == '\n' && v > FORMAT)
			snprintf(err, errlen, "%s: a state file of format %lu, from a newer lanscan (this one reads "
				 "formats 1 to %d): upgrade lanscan, or use another --state file",
				 st->path ? st->path : "state", v, FORMAT);
		else
			snprintf(err, errlen, "%s: not a lanscan state file", st->path ? st->path : "state");
		return -EINVAL;
	}
	for (p += sizeof(HEADER) - 1; p < end; p = nl + 1) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			goto corrupt;	/* cut short: never written by us */
		n = (size_t)(nl - p);
		if (n == 0 || n > LS_STATE_LINE_MAX || memchr(p, '\0', n) != NULL)
			goto corrupt;
		if (n >= cap) {
			char *nb = realloc(line, n + 1);
			if (nb == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			line = nb;
			cap = n + 1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		save = line;
		for (k = 0; k < nf; k++)
			f[k] = strsep(&save, "\t");
		if (f[nf - 1] == NULL || save != NULL || *f[0] == '\0')
			goto corrupt;
		if ((e = entry(st, f[0])) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		if (e->has_prev || parse_state(f[1], &e->prev_state) != 0)
			goto corrupt;
		e->has_prev = true;
		if (nf >= 5 && parse_macs(f[4], e) != 0)
			goto corrupt;
		if (nf >= 6 && parse_conflict(f[5]) != 0)
			goto corrupt;
		e->legacy = nf < 10;
		for (k = 0; k < LS_STATE_FACTS; k++) {
			const char *v = 6 + k < nf ? f[6 + k] : "-";
			if ((e->prev_src[k] = strdup(strcmp(v, "-") == 0 ? "" : v)) == NULL) {
				rc = -ENOMEM;
				goto out;
			}
		}
		e->prev_name = strdup(strcmp(f[2], "-") == 0 ? "" : f[2]);
		e->prev_target = strdup(f[3]);
		if (e->prev_name == NULL || e->prev_target == NULL) {
			rc = -ENOMEM;
			goto out;
		}
	}
	goto out;
corrupt:
	snprintf(err, errlen, "%s:%zu: corrupt lanscan state file", st->path ? st->path : "state", lineno);
	rc = -EINVAL;
out:
	free(line);
	return rc;
}

/* Reads the whole file (at most LS_STATE_FILE_MAX) into *buf (malloc'd, also
 * on error).  Returns 0 or a negative errno. */
static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 0;
	ssize_t r;

	*buf = NULL;
	*len = 0;
	for (;;) {
		if (*len == cap && ls_grow(buf, *len, &cap, 1, 65536) != 0)
			return -ENOMEM;
		r = read(fd, *buf + *len, cap - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		*len += (size_t)r;
		if (*len > LS_STATE_FILE_MAX)	/* grew while we read */
			return -EFBIG;
	}
}

int ls_statefile_open(struct ls_statefile *st, const char *path, char *err, size_t errlen)
{
	return ls_statefile_open_wait(st, path, -1, err, errlen);
}

int ls_statefile_open_wait(struct ls_statefile *st, const char *path, int timeout_ms, char *err, size_t errlen)
{
	char lock[4096], *buf = NULL;
	struct stat sb;
	size_t len = 0;
	pid_t holder;
	int fd, rc;

	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	/* A symbolic link is followed on purpose (the file it names is
	 * rewritten, the link stays), so the lock sits beside that file. */
	if ((rc = ls_resolve_link(path, &st->path)) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (snprintf(lock, sizeof(lock), "%s.lock", st->path) >= (int)sizeof(lock)) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	/* O_NOFOLLOW: a link planted as the lock cannot make us create a file
	 * elsewhere; O_NONBLOCK: a FIFO there cannot hang us. */
	st->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (st->lock_fd >= 0 && (fstat(st->lock_fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		snprintf(err, errlen, "%s: not a regular file", lock);
		return -EINVAL;
	}
	if (st->lock_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", lock, errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return rc;
	}
	if ((rc = ls_flock_wait(st->lock_fd, timeout_ms, &holder)) == -ETIMEDOUT) {
		char who[48] = "another process";
		if (holder > 0)
			snprintf(who, sizeof(who), "process %ld", (long)holder);
		snprintf(err, errlen, "%s: locked by %s for more than %g s (a sweep still running, or stopped); "
			 "giving up (--lock-timeout)", lock, who, timeout_ms / 1000.0);
		return rc;
	} else if (rc != 0) {
		snprintf(err, errlen, "%s: %s", lock, strerror(-rc));
		return rc;
	}
	/* Under the lock, a temporary state file is a killed sweep's leftover. */
	ls_remove_stale_temps(st->path, 0);
	fd = open(st->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;	/* the first sweep */
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > LS_STATE_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, S_ISREG(sb.st_mode) ? "too large for a lanscan state file" :
			 "not a regular file");
		close(fd);
		return -EINVAL;
	}
	rc = read_all(fd, &buf, &len);
	close(fd);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	else
		rc = ls_statefile_parse(st, buf, len, err, errlen);
	free(buf);
	return rc;
}

static bool has_text(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* The state file's name fields from r's facts: DNS, mDNS, NetBIOS names,
 * workgroup; and the kind and model -K found. */
static void source_names(const struct ls_result *r, const char *now[LS_STATE_FACTS])
{
	now[4] = r->kind;
	now[5] = r->model;
	now[0] = ls_facts_get(r->facts, LS_SRC_DNS, LS_KEY_NAME);
	now[1] = ls_facts_get(r->facts, LS_SRC_MDNS, LS_KEY_NAME);
	now[2] = ls_facts_get(r->facts, LS_SRC_NETBIOS, LS_KEY_NAME);
	now[3] = ls_facts_get(r->facts, LS_SRC_NETBIOS, LS_KEY_WORKGROUP);
}

const char *ls_statefile_renamed_from(const struct ls_statefile_entry *e, const struct ls_result *r)
{
	const char *now[LS_STATE_FACTS];
	bool any_prev = false, column;
	int k;

	source_names(r, now);
	for (k = 0; k < 3; k++)
		any_prev |= has_text(e->prev_src[k]);
	column = has_text(r->name) && has_text(e->prev_name) && strcmp(r->name, e->prev_name) != 0;
	if (!r->names)
		return !any_prev && column ? e->prev_name : NULL;
	for (k = 0; k < 3; k++)
		if (has_text(now[k]) && has_text(e->prev_src[k]) && strcmp(now[k], e->prev_src[k]) != 0)
			return e->prev_src[k];
	return e->legacy && column ? e->prev_name : NULL;
}

enum ls_change ls_statefile_observe(struct ls_statefile *st, const struct ls_result *r,
				const struct ls_statefile_entry **out)
{
	char key[64];
	struct ls_statefile_entry *e;

	if (r->has_addr)
		ls_addr_format(&r->addr, key, sizeof(key));
	e = entry(st, r->has_addr ? key : r->target);
	*out = e;
	if (e == NULL || e->has_cur)
		return LS_CHANGE_NONE;
	e->has_cur = true;
	e->cur_state = r->state;
	/* A name not found this time (no -n, a lookup out of budget, the host
	 * down) is no news: the last one known is kept. */
	e->cur_name = strdup(has_text(r->name) ? r->name : e->prev_name != NULL ? e->prev_name : "");
	{
		const char *now[LS_STATE_FACTS];
		source_names(r, now);
		for (int k = 0; k < LS_STATE_FACTS; k++)
			e->cur_src[k] = strdup(has_text(now[k]) ? now[k] : e->prev_src[k] != NULL ? e->prev_src[k] : "");
	}
	e->cur_target = strdup(r->target);
	if (r->state == LS_UP && r->has_mac) {
		e->has_cur_mac = true;
		memcpy(e->cur_mac, r->mac, 6);
	}
	if (!e->has_prev)
		return LS_CHANGE_NEW;
	if (e->prev_state != LS_UP && r->state == LS_UP)
		return LS_CHANGE_UP;
	if (e->prev_state == LS_UP && r->state != LS_UP)
		return LS_CHANGE_DOWN;
	if (r->state == LS_UP && e->has_cur_mac && e->nmacs > 0 && memcmp(e->macs[0], r->mac, 6) != 0) {
		for (int i = 1; i < e->nmacs; i++)
			if (memcmp(e->macs[i], r->mac, 6) == 0)
				return LS_CHANGE_FLIP;
		return LS_CHANGE_MAC;
	}
	if (r->state == LS_UP && ls_statefile_renamed_from(e, r) != NULL)
		return LS_CHANGE_RENAMED;
	return LS_CHANGE_NONE;
}

int ls_statefile_conflict(struct ls_statefile *st, const struct ls_addr *addr, const uint8_t mac[6])
{
	char key[64];
	struct ls_statefile_entry *e;

	ls_addr_format(addr, key, sizeof(key));
	if ((e = entry(st, key)) == NULL)
		return -ENOMEM;
	for (int i = 0; i < e->nconflict; i++)
		if (memcmp(e->conflict[i], mac, 6) == 0)
			return 0;
	if (e->nconflict < LS_MAC_HISTORY)
		memcpy(e->conflict[e->nconflict++], mac, 6);
	return 0;
}

void ls_statefile_mac_text(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* The MAC history to save: this sweep's first, then the previous ones, no repeats. */
static void put_macs(FILE *f, const struct ls_statefile_entry *e)
{
	char t[18];
	int i, n = 0;

	if (e->has_cur_mac) {
		ls_statefile_mac_text(e->cur_mac, t);
		fputs(t, f);
		n++;
	}
	for (i = 0; i < e->nmacs && n < LS_MAC_HISTORY; i++) {
		if (e->has_cur_mac && memcmp(e->macs[i], e->cur_mac, 6) == 0)
			continue;
		ls_statefile_mac_text(e->macs[i], t);
		fprintf(f, "%s%s", n > 0 ? "," : "", t);
		n++;
	}
	if (n == 0)
		fputc('-', f);
}

void ls_statefile_each_gone(const struct ls_statefile *st,
			void (*cb)(const struct ls_statefile_entry *e, void *arg), void *arg)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->e[i].has_prev && !st->e[i].has_cur)
			cb(&st->e[i], arg);
}

/* Tabs and newlines would break the format: they cannot come from our own
 * fields (output sanitises names the same way), but never write them. */
static void put_field(FILE *f, const char *s)
{
	if (s == NULL || *s == '\0') {
		fputc('-', f);
		return;
	}
	for (; *s != '\0'; s++)
		fputc(ls_field_char((unsigned char)*s), f);
}

static int fill(FILE *f, void *arg)
{
	const struct ls_statefile *st = arg;
	size_t i;

	fputs(HEADER, f);
	for (i = 0; i < st->n; i++) {
		const struct ls_statefile_entry *e = &st->e[i];
		if (!e->has_cur)
			continue;
		put_field(f, e->key);
		fprintf(f, "\t%s\t", ls_state_name(e->cur_state));
		put_field(f, e->cur_name);
		fputc('\t', f);
		put_field(f, e->cur_target);
		fputc('\t', f);
		put_macs(f, e);
		fputc('\t', f);
		for (int k = 0; k < e->nconflict; k++) {
			char t[18];
			ls_statefile_mac_text(e->conflict[k], t);
			fprintf(f, "%s%s", k > 0 ? "," : "", t);
		}
		if (e->nconflict == 0)
			fputc('-', f);
		for (int k = 0; k < LS_STATE_FACTS; k++) {
			fputc('\t', f);
			put_field(f, e->cur_src[k]);
		}
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

int ls_statefile_save(struct ls_statefile *st)
{
	return ls_write_atomic(st->path, fill, st);
}

void ls_statefile_close(struct ls_statefile *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->e[i].key);
		free(st->e[i].prev_name);
		free(st->e[i].cur_name);
		for (int k = 0; k < LS_STATE_FACTS; k++) {
			free(st->e[i].prev_src[k]);
			free(st->e[i].cur_src[k]);
		}
		free(st->e[i].prev_target);
		free(st->e[i].cur_target);
	}
	free(st->e);
	free(st->hash);
	free(st->path);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
}
