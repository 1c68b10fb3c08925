/* nagios.c -- Nagios plugin threshold ranges, strictly parsed. */
#include "lanscan/nagios.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A whole finite number, nothing around it. */
static int number(const char *s, size_t n, double *out)
{
	char buf[32], *end;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strspn(buf, "0123456789.-+") != n)
		return -EINVAL;	/* no hex, no exponent, no spaces, no "inf" */
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -EINVAL;
}

int ls_range_parse(const char *text, struct ls_range *r)
{
	const char *p = text, *colon;
	size_t len = strlen(text);

	memset(r, 0, sizeof(*r));
	if (len == 0 || len >= sizeof(r->text))
		return -EINVAL;
	memcpy(r->text, text, len + 1);
	if (*p == '@') {
		r->inside = true;
		p++;
	}
	colon = strchr(p, ':');
	if (colon == NULL) {	/* "10": 0..10 */
		r->has_lo = r->has_hi = true;
		r->lo = 0;
		if (number(p, strlen(p), &r->hi) != 0)
			return -EINVAL;
	} else {
		if (colon - p == 1 && *p == '~')
			r->has_lo = false;
		else if (number(p, (size_t)(colon - p), &r->lo) == 0)
			r->has_lo = true;
		else
			return -EINVAL;
		if (colon[1] == '\0')
			r->has_hi = false;
		else if (number(colon + 1, strlen(colon + 1), &r->hi) == 0)
			r->has_hi = true;
		else
			return -EINVAL;
	}
	if ((r->has_lo && r->has_hi && r->lo > r->hi) || (!r->has_lo && !r->has_hi))
		return -EINVAL;
	r->set = true;
	return 0;
}

bool ls_range_alert(const struct ls_range *r, double v)
{
	bool in;

	if (!r->set)
		return false;
	in = (!r->has_lo || v >= r->lo) && (!r->has_hi || v <= r->hi);
	return r->inside ? in : !in;
}
