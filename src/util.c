/* util.c -- bounded number parsing and the monotonic clock. */
#include "lanscan/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

long long ls_parse_num(const char *s, long long min, long long max, const char **errstr)
{
	char *end;
	long long v;

	*errstr = "invalid";
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return 0;
	if (errno == ERANGE)
		*errstr = v < 0 ? "too small" : "too large";
	else if (v < min)
		*errstr = "too small";
	else if (v > max)
		*errstr = "too large";
	else {
		*errstr = NULL;
		return v;
	}
	return 0;
}

long long ls_parse_ms(const char *s, long long min, long long max, const char **errstr)
{
	char buf[32];
	size_t n = s != NULL ? strlen(s) : 0;
	long long v, mult = 1;

	*errstr = "invalid";
	if (n >= 2 && strcmp(s + n - 2, "ms") == 0)
		n -= 2;
	else if (n >= 1 && s[n - 1] == 's') {
		n -= 1;
		mult = 1000;
	}
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = ls_parse_num(buf, LLONG_MIN / 1000, LLONG_MAX / 1000, errstr);
	if (*errstr != NULL)
		return 0;
	v *= mult;
	if (v < min || v > max) {
		*errstr = v < min ? "too small" : "too large";
		return 0;
	}
	return v;
}

int ls_grow(void *arrayp, size_t n, size_t *cap, size_t elem_size, size_t first)
{
	void **array = arrayp, *na;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : first;
	if (ncap < *cap || ncap > SIZE_MAX / elem_size)
		return -ENOMEM;
	na = realloc(*array, ncap * elem_size);
	if (na == NULL)
		return -ENOMEM;
	*array = na;
	*cap = ncap;
	return 0;
}

int ls_resolve_link(const char *path, char **out)
{
	char target[4096], *slash;
	struct stat sb;
	ssize_t n;

	*out = NULL;
	if (lstat(path, &sb) != 0 || !S_ISLNK(sb.st_mode)) {
		*out = strdup(path);
		return *out == NULL ? -ENOMEM : 0;
	}
	if ((*out = realpath(path, NULL)) != NULL)
		return 0;
	if (errno != ENOENT)
		return -errno;
	/* A link to a file not made yet: its target, relative to the link's
	 * directory. */
	if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
		return -errno;
	target[n] = '\0';
	slash = strrchr(path, '/');
	if (target[0] == '/' || slash == NULL)
		*out = strdup(target);
	else if ((*out = malloc((size_t)(slash - path) + 1 + (size_t)n + 1)) != NULL)
		sprintf(*out, "%.*s/%s", (int)(slash - path), path, target);
	return *out == NULL ? -ENOMEM : 0;
}

static int write_atomic(const char *path, int (*fill)(FILE *f, void *arg), void *arg);

int ls_check_out_path(const char *path, char *err, size_t errlen)
{
	char *real, *dir;
	struct stat sb;
	int rc = 0;

	if ((rc = ls_resolve_link(path, &real)) != 0) {
		snprintf(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	if (stat(real, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "is a directory");
		rc = -EISDIR;
		goto out;
	}
	dir = dirname(real);	/* in place: real is ours */
	if (stat(dir, &sb) != 0) {
		rc = -errno;
		if (rc == -ENOENT)
			snprintf(err, errlen, "directory %s does not exist", dir);
		else
			snprintf(err, errlen, "directory %s: %s", dir, strerror(-rc));
	} else if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", dir);
		rc = -ENOTDIR;
	} else if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create files in %s: %s", dir, strerror(-rc));
	}
out:
	free(real);
	return rc;
}

int ls_write_atomic(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
	char *real;
	int rc;

	/* A symbolic link is followed on purpose: the file it names is
	 * replaced and the link stays. */
	if ((rc = ls_resolve_link(path, &real)) != 0)
		return rc;
	rc = write_atomic(real, fill, arg);
	free(real);
	return rc;
}

/* The new file keeps the old one's mode and owner (when permitted); a new
 * one gets 0666 less the umask, as any file we create. */
static int keep_mode(int fd, const struct stat *old)
{
	mode_t mask;

	if (old != NULL) {
		if (fchown(fd, old->st_uid, old->st_gid) != 0 && errno != EPERM)
			return -errno;
		return fchmod(fd, old->st_mode & 07777) != 0 ? -errno : 0;
	}
	mask = umask(0);
	umask(mask);
	return fchmod(fd, 0666 & ~mask) != 0 ? -errno : 0;
}

static int write_atomic(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
	char tmp[4096], dir[4096];
	struct stat old;
	bool had_old;
	FILE *f;
	int fd, rc;

	/* An unpredictable name, created O_EXCL (mkostemp): nothing planted
	 * beside the file can be followed or clobbered. */
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	had_old = stat(path, &old) == 0;
	if (had_old && !S_ISREG(old.st_mode))
		return -EINVAL;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((rc = keep_mode(fd, had_old ? &old : NULL)) != 0)
		goto fail_fd;
	f = fdopen(fd, "w");
	if (f == NULL) {
		rc = -errno;
		goto fail_fd;
	}
	errno = 0;
	rc = fill(f, arg);
	if (rc == -EIO && ferror(f)) {
		/* A writer reports a stream error as EIO; the write that failed
		 * said why (ENOSPC, EFBIG, EDQUOT): keep that, or ask again. */
		int en = errno;
		clearerr(f);
		if (fflush(f) != 0 && errno != 0)
			en = errno;
		if (en != 0 && en != EIO)
			rc = -en;
	}
	if (rc == 0 && fflush(f) != 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
fail_fd:
	close(fd);
	unlink(tmp);
	return rc;
}

int ls_read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\n')
			break;
		if (c == '\0')
			return -EINVAL;
		if (n + 1 >= cap)
			return -E2BIG;
		buf[n++] = (char)c;
	}
	if (c == EOF && ferror(f))
		return -EIO;
	buf[n] = '\0';
	*len = n;
	return c == EOF && n == 0 ? 0 : 1;
}

void ls_vmsg(const char *fmt, va_list ap)
{
	char buf[1024], *p = buf, *q;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf) && (p = malloc((size_t)n + 1)) != NULL)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	else if (p == NULL)
		p = buf;	/* no memory: the message cut short */
	flockfile(stderr);
	fputs("lanscan: ", stderr);
	for (q = p; *q != '\0'; q++) {
		unsigned char c = (unsigned char)*q;
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\t')
			fputs("\\t", stderr);
		else if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			putc_unlocked(c, stderr);
	}
	putc_unlocked('\n', stderr);
	funlockfile(stderr);
	if (p != buf)
		free(p);
}

/* The last ls_msg, for a status line that must carry the reason. */
static char last_msg[512];

const char *ls_msg_last(void)
{
	return last_msg;
}

void ls_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	ls_vmsg(fmt, ap);
	va_end(ap);
}

int ls_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

uint64_t ls_fnv1a(uint64_t h, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n--) {
		h ^= *p++;
		h *= 1099511628211ULL;
	}
	return h;
}

void ls_name_normalize(char *name)
{
	size_t n = strlen(name);
	char *p;

	while (n > 1 && name[n - 1] == '.')
		name[--n] = '\0';	/* the root's dot: "host.lan." is "host.lan" */
	for (p = name; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

char ls_field_char(unsigned char c)
{
	return c < 0x20 || c == 0x7f ? '?' : (char)c;
}

double ls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
