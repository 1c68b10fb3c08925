/* filelock.c -- a lock that does not wait forever, and says who holds it; leftovers of killed writers removed. */
#include "lanscan/filelock.h"

#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 50

pid_t ls_flock_holder(int fd)
{
	struct stat sb;
	char line[256], type[16];
	unsigned long maj, min;
	unsigned long long ino;
	long pid, found = 0;
	FILE *f;

	if (fstat(fd, &sb) != 0 || (f = fopen("/proc/locks", "re")) == NULL)
		return 0;
	/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; a waiter's line
	 * starts "1: -> FLOCK": skipped by the format. */
	while (found == 0 && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%*d: %15s %*s %*s %ld %lx:%lx:%llu", type, &pid, &maj, &min, &ino) != 5)
			continue;
		if (strcmp(type, "FLOCK") == 0 && ino == (unsigned long long)sb.st_ino &&
		    maj == (unsigned long)major(sb.st_dev) && min == (unsigned long)minor(sb.st_dev) && pid > 0)
			found = pid;
	}
	fclose(f);
	return (pid_t)found;
}

int ls_flock_wait(int fd, int timeout_ms, pid_t *holder)
{
	struct timespec ts = { 0, POLL_MS * 1000000L };
	long waited = 0;

	*holder = 0;
	if (timeout_ms < 0) {
		while (flock(fd, LOCK_EX) != 0)
			if (errno != EINTR)
				return -errno;
		return 0;
	}
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (waited >= timeout_ms)
			break;
		nanosleep(&ts, NULL);
		waited += POLL_MS;
	}
	*holder = ls_flock_holder(fd);
	return -ETIMEDOUT;
}

static bool temp_name(const char *name, const char *base)
{
	size_t n = strlen(base), i;

	if (strncmp(name, base, n) != 0 || name[n] != '.' || strlen(name + n + 1) != 6)
		return false;
	for (i = n + 1; name[i] != '\0'; i++)
		if (!isalnum((unsigned char)name[i]))
			return false;
	return true;
}

int ls_remove_stale_temps(const char *path, int min_age_s)
{
	char dcopy[4096], bcopy[4096];
	const char *dir, *base;
	struct dirent *de;
	struct stat sb;
	time_t now = time(NULL);
	int removed = 0, dfd;
	DIR *d;

	if (snprintf(dcopy, sizeof(dcopy), "%s", path) >= (int)sizeof(dcopy))
		return 0;
	snprintf(bcopy, sizeof(bcopy), "%s", path);
	dir = dirname(dcopy);
	base = basename(bcopy);
	if ((d = opendir(dir)) == NULL)
		return 0;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (!temp_name(de->d_name, base))
			continue;
		/* Not followed: only a regular file of ours, old enough. */
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode) ||
		    sb.st_uid != geteuid() || now - sb.st_mtime < min_age_s)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
