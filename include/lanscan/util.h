/* util.h -- small helpers shared by every module: container_of, bounded number parsing. */
#ifndef LANSCAN_UTIL_H
#define LANSCAN_UTIL_H

#include <stddef.h>
#include <stdio.h>

#define ls_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define LS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parses a whole decimal integer in [min, max], strtonum(3)-style.  Returns
 * the value and sets *errstr to NULL, or returns 0 and points *errstr at
 * "invalid", "too small" or "too large". */
long long ls_parse_num(const char *s, long long min, long long max, const char **errstr);

/* Makes room for one more element in a growing array: when *n == *cap,
 * doubles *cap (from `first`) and reallocates *(void **)arrayp.
 * Returns 0 or -ENOMEM (the array is left as it was). */
int ls_grow(void *arrayp, size_t n, size_t *cap, size_t elem_size, size_t first);

/* Replaces the file at path atomically: fill() writes the new contents into
 * a temporary file beside it, which is flushed, fsync'd and renamed over
 * path, and the directory is fsync'd.  On any failure path is untouched.
 * Returns 0 or a negative errno (or fill's negative return). */
int ls_write_atomic(const char *path, int (*fill)(FILE *f, void *arg), void *arg);

/* Monotonic clock in milliseconds. */
double ls_now_ms(void);

#endif
