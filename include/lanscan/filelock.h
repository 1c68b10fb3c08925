/* filelock.h -- the --state lock taken with a bounded wait, its holder named; our stale temporary files removed under it. */
#ifndef LANSCAN_FILELOCK_H
#define LANSCAN_FILELOCK_H

#include <stddef.h>
#include <sys/types.h>

/* Takes an exclusive flock(2) on fd, waiting at most timeout_ms (-1:
 * forever, 0: not at all).  Returns 0, -ETIMEDOUT with *holder set to the
 * pid holding it (from /proc/locks; 0 when unknown), or a negative errno. */
int ls_flock_wait(int fd, int timeout_ms, pid_t *holder);

/* The pid holding a flock on the file open as fd (from /proc/locks), or 0. */
pid_t ls_flock_holder(int fd);

/* Removes the temporary files our atomic writes (util.h) leave beside path
 * when killed: regular files named path.XXXXXX (six letters or digits)
 * owned by us, last modified at least min_age_s seconds ago.  Call it only
 * under a lock that every writer of path takes.  Returns how many went. */
int ls_remove_stale_temps(const char *path, int min_age_s);

#endif
