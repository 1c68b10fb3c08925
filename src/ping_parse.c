/* ping_parse.c -- parse ping's output line by line into replies, RTT and failure reason. */
#include "lanscan/ping_parse.h"

#include <stdlib.h>
#include <string.h>

/* ICMP errors as iputils and busybox print them, and what we report. */
static const struct {
	const char *text;
	const char *reason;
} reasons[] = {
	{ "Destination Host Unreachable", "host unreachable" },
	{ "Destination Net Unreachable", "net unreachable" },
	{ "Destination Port Unreachable", "port unreachable" },
	{ "Destination Protocol Unreachable", "protocol unreachable" },
	{ "Packet filtered", "administratively prohibited" },
	{ "Destination Host Prohibited", "administratively prohibited" },
	{ "Destination Net Prohibited", "administratively prohibited" },
	{ "Administratively prohibited", "administratively prohibited" },
	{ "Destination unreachable: Administratively prohibited", "administratively prohibited" },
	{ "Destination unreachable: No route", "no route" },
	{ "Destination unreachable: Address unreachable", "host unreachable" },
	{ "Destination unreachable: Port unreachable", "port unreachable" },
	{ "Destination unreachable", "unreachable" },
	{ "Time to live exceeded", "ttl exceeded" },
};

/* Finds needle in the len bytes at hay (memmem, kept local for clarity). */
static const char *find(const char *hay, size_t len, const char *needle)
{
	return memmem(hay, len, needle, strlen(needle));
}

/* Parses a decimal number at p (at most end); returns -1 when there is none. */
static double number(const char *p, const char *end)
{
	char buf[32];
	size_t n = 0;
	char *stop;
	double v;

	while (p < end && n < sizeof(buf) - 1 && ((*p >= '0' && *p <= '9') || *p == '.'))
		buf[n++] = *p++;
	buf[n] = '\0';
	if (n == 0)
		return -1;
	v = strtod(buf, &stop);
	return *stop == '\0' && v >= 0 ? v : -1;
}

static void parse_line(const char *s, size_t len, struct ls_ping_output *res, double *first_rtt)
{
	const char *p, *end = s + len;
	size_t i;
	double v;

	if (find(s, len, " bytes from ") != NULL && (p = find(s, len, "time=")) != NULL) {
		res->replies++;
		v = number(p + 5, end);
		if (v >= 0 && *first_rtt < 0)
			*first_rtt = v;
		return;
	}
	/* "rtt min/avg/max/mdev = 0.033/0.048/0.057/0.011 ms" (busybox: round-trip). */
	if ((p = find(s, len, "min/avg/max")) != NULL && (p = memchr(p, '=', (size_t)(end - p))) != NULL) {
		p++;
		while (p < end && *p == ' ')
			p++;
		p = memchr(p, '/', (size_t)(end - p));
		if (p != NULL && (v = number(p + 1, end)) >= 0)
			res->rtt_ms = v;
		return;
	}
	/* "1 packets transmitted, 1 received" */
	if ((p = find(s, len, " received")) != NULL && find(s, len, "transmitted") != NULL) {
		const char *q = p;
		while (q > s && q[-1] >= '0' && q[-1] <= '9')
			q--;
		v = number(q, p);
		if (v > 1e6)
			v = 1e6;	/* a count, not an overflow */
		if (v > res->replies)
			res->replies = (int)v;
		return;
	}
	if (res->reason == NULL && strncmp(s, "From ", len < 5 ? len : 5) == 0 && len > 5)
		for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
			if (find(s, len, reasons[i].text) != NULL) {
				res->reason = reasons[i].reason;
				break;
			}
}

static void each_line(const char *buf, size_t len, struct ls_ping_output *res, double *first_rtt)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		parse_line(p, (size_t)(nl - p), res, first_rtt);
		p = nl + 1;
	}
}

void ls_ping_parse(const char *out, size_t outlen, const char *err, size_t errlen,
		   struct ls_ping_output *res)
{
	double first_rtt = -1;
	const char *nl, *start, *sep;
	size_t n;

	memset(res, 0, sizeof(*res));
	res->rtt_ms = -1;
	each_line(out, outlen, res, &first_rtt);
	if (res->rtt_ms < 0 && res->replies > 0)
		res->rtt_ms = first_rtt;
	if (errlen > 0) {
		/* Report the socket error if there is one, else the first line,
		 * without ping's "progname: " prefix. */
		start = find(err, errlen, "socket: ");
		if (start != NULL) {
			while (start > err && start[-1] != '\n')
				start--;
		} else {
			start = err;
		}
		n = errlen - (size_t)(start - err);
		nl = memchr(start, '\n', n);
		if (nl != NULL)
			n = (size_t)(nl - start);
		sep = memmem(start, n, ": ", 2);
		if (sep != NULL && memchr(start, ' ', (size_t)(sep - start)) == NULL) {
			n -= (size_t)(sep + 2 - start);
			start = sep + 2;
		}
		if (n >= sizeof(res->message))
			n = sizeof(res->message) - 1;
		memcpy(res->message, start, n);
		res->message[n] = '\0';
		/* "ping: socket: Operation not permitted" means ping cannot run at
		 * all; sendmsg errors (a local firewall) only concern one target. */
		if (find(err, errlen, "socket: Operation not permitted") != NULL ||
		    find(err, errlen, "socket: Permission denied") != NULL)
			res->not_permitted = true;
	}
}
