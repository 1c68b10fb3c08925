/* cli_lists.c -- the option values that are lists: --method (method names) and -p (ports and ranges), bounded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/cli.h"
#include "lanscan/method.h"
#include "lanscan/util.h"

int ls_cli_methods(const char *s, unsigned *out)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "icmp", LS_M_ICMP }, { "arp", LS_M_ARP }, { "nd", LS_M_ND },
		{ "tcp", LS_M_TCP }, { "neigh", LS_M_NEIGH }, { "ping", LS_M_PING },
	};
	const char *p = s, *end;
	size_t i, n;
	unsigned bits = 0;

	if (strcmp(s, "auto") == 0) {
		*out = 0;
		return 0;
	}
	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < LS_ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == n && strncmp(p, names[i].name, n) == 0)
				break;
		if (i == LS_ARRAY_SIZE(names))
			return -EINVAL;
		bits |= names[i].bit;
		if (end == NULL)
			break;
		p = end + 1;
	}
	*out = bits;
	return 0;
}

/* Parses a port number of exactly the digits at p..p+n. */
static long port_at(const char *p, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v >= 1 && v <= 65535 ? v : -1;
}

int ls_cli_ports(const char *s, uint16_t *ports, size_t max)
{
	const char *p = s, *end, *dash;
	size_t n = 0, k, len;
	long lo, hi, v;

	for (;;) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		dash = memchr(p, '-', len);
		lo = port_at(p, dash != NULL ? (size_t)(dash - p) : len);
		hi = dash != NULL ? port_at(dash + 1, len - (size_t)(dash + 1 - p)) : lo;
		if (lo < 0 || hi < 0 || hi < lo)
			return -EINVAL;
		for (v = lo; v <= hi; v++) {
			for (k = 0; k < n && ports[k] != v; k++)
				;
			if (k < n)
				continue;	/* a duplicate */
			if (n == max)
				return -E2BIG;
			ports[n++] = (uint16_t)v;
		}
		if (end == NULL)
			return (int)n;
		p = end + 1;
	}
}
