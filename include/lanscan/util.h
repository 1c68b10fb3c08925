/* util.h -- small helpers shared by every module: container_of, bounded number parsing. */
#ifndef LANSCAN_UTIL_H
#define LANSCAN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ls_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define LS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parses a whole decimal integer in [min, max], strtonum(3)-style.  Returns
 * the value and sets *errstr to NULL, or returns 0 and points *errstr at
 * "invalid", "too small" or "too large". */
long long ls_parse_num(const char *s, long long min, long long max, const char **errstr);

/* A time in milliseconds for the time options: a whole number of ms, or one
 * with the unit "ms" or "s" ("500", "500ms", "5s"), in [min, max] ms.  As
 * ls_parse_num: the value, or 0 with *errstr set. */
long long ls_parse_ms(const char *s, long long min, long long max, const char **errstr);

/* Makes room for one more element in a growing array: when *n == *cap,
 * doubles *cap (from `first`) and reallocates *(void **)arrayp.
 * Returns 0 or -ENOMEM (the array is left as it was). */
int ls_grow(void *arrayp, size_t n, size_t *cap, size_t elem_size, size_t first);

/* Checks, before any work, that a file could be written at path as
 * ls_write_atomic (or a lock beside it) would: the directory of the file a
 * symbolic link names exists and the effective user may create files there,
 * and path is not a directory.  Returns 0, or a negative errno with what is
 * wrong in err ("directory /x does not exist"), without the path itself. */
int ls_check_out_path(const char *path, char *err, size_t errlen);

/* Replaces the file at path atomically: fill() writes the new contents into
 * a temporary file beside it (path.XXXXXX, created O_EXCL with an
 * unpredictable name), which is flushed, fsync'd and renamed over path, and
 * the directory is fsync'd.  The new file keeps the old one's mode and, when
 * permitted, its owner.  A symbolic link is followed: the file it names is
 * replaced.  That file must be a regular file or absent (-EINVAL
 * otherwise).  On any failure path is untouched.  Returns 0 or a negative errno (or fill's negative return). */
int ls_write_atomic(const char *path, int (*fill)(FILE *f, void *arg), void *arg);

/* The file a path names, following a symbolic link on purpose: path itself
 * when it is not a link, else what the link resolves to, or, for a link to
 * a file that does not exist yet, its target (relative to the link's
 * directory).  *out is malloc'd.  Returns 0 or a negative errno. */
int ls_resolve_link(const char *path, char **out);

/* The longest line of a target file (-f, --exclude-file), newline excluded. */
#define LS_LINE_MAX 65535

/* Reads one line of at most cap - 1 bytes into buf (NUL-terminated, without
 * its newline).  Returns 1 (a line, *len its length), 0 at end of file, or
 * -E2BIG (longer than that) or -EINVAL (a NUL byte), the rest unread, or
 * -EIO (a read error, errno kept). */
int ls_read_line(FILE *f, char *buf, size_t cap, size_t *len);

/* Prints "lanscan: MESSAGE" and a newline on stderr, control characters
 * escaped (\n, \t, \xNN): targets and file lines are echoed in messages,
 * and must not move the cursor or forge a line. */
void ls_vmsg(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void ls_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The text of the last ls_msg (errors; warnings go through ls_vmsg), as
 * formatted, not escaped, cut to 511 bytes; "" before any.  For --nagios,
 * whose status line must say why nothing was swept. */
const char *ls_msg_last(void);

/* Writes all n bytes, retrying short writes and EINTR; 0 or a negative errno. */
int ls_write_all(int fd, const void *buf, size_t n);

/* FNV-1a over n bytes, continuing from h (start with LS_FNV_INIT). */
#define LS_FNV_INIT 14695981039346656037ULL
uint64_t ls_fnv1a(uint64_t h, const void *buf, size_t n);

/* A DNS name as users expect it: lower case (ASCII), no trailing dot. */
void ls_name_normalize(char *name);

/* A byte as a text field (TSV, the state file) may hold it: control
 * characters and DEL become '?', so no field breaks a column or a line. */
char ls_field_char(unsigned char c);

/* Four bytes in network order (an IPv4 address) as a number. */
static inline uint32_t ls_be32(const uint8_t b[4])
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Monotonic clock in milliseconds. */
double ls_now_ms(void);

#endif
