/* util.c -- bounded number parsing and the monotonic clock. */
#include "lanscan/util.h"

#include <ctype.h>
#include <errno.h>
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

double ls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
