/* util.c -- bounded number parsing and the monotonic clock. */
#include "lanscan/util.h"

#include <ctype.h>
#include <errno.h>
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

double ls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
