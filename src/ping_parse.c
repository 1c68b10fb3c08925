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

/* The running tally of replies that passed every check. */
struct tally {
	const char *target;	/* the address ping was given, NULL: not checked */
	double max_rtt;		/* the longest possible RTT (how long ping ran), <= 0: none */
	double sum;		/* of their RTTs */
	double v[256];		/* their RTTs (the first 256), for the range */
	size_t nv;
	int timed;		/* how many had one */
	double last;		/* the last counted reply's RTT, -1 when none */
	bool last_counted;
};

/* A reply line counts only when it comes from the target, is neither a
 * duplicate nor cut short, and has a sane time. */
static bool reply_ok(const char *s, size_t len, const struct tally *t)
{
	const char *from = find(s, len, " bytes from "), *end = s + len, *colon;
	size_t n;

	if (find(s, len, "DIFFERENT ADDRESS") != NULL || find(s, len, "(DUP!)") != NULL ||
	    find(s, len, "(truncated)") != NULL || find(s, len, "BAD CHECKSUM") != NULL)
		return false;
	if (t->target == NULL)
		return true;
	from += strlen(" bytes from ");
	colon = memmem(from, (size_t)(end - from), ": ", 2);
	if (colon == NULL)
		return false;
	n = strlen(t->target);
	return (size_t)(colon - from) == n && memcmp(from, t->target, n) == 0;
}

static void parse_line(const char *s, size_t len, struct ls_ping_output *res, struct tally *t)
{
	const char *p, *end = s + len;
	size_t i;
	double v;

	if (find(s, len, " bytes from ") != NULL && (p = find(s, len, "time=")) != NULL) {
		t->last_counted = false;
		if (!reply_ok(s, len, t)) {
			res->rejected++;
			return;
		}
		v = number(p + 5, end);
		if (t->max_rtt > 0 && v > t->max_rtt) {	/* forged: longer than ping ran */
			res->rejected++;
			return;
		}
		res->replies++;
		t->last_counted = true;
		t->last = v;
		if (v >= 0) {
			t->sum += v;
			t->timed++;
			if (t->nv < sizeof(t->v) / sizeof(t->v[0]))
				t->v[t->nv++] = v;
		}
		return;
	}
	/* iputils prints the damage after the reply: take the reply back. */
	if (find(s, len, "wrong data byte") != NULL) {
		if (t->last_counted) {
			res->replies--;
			res->rejected++;
			if (t->last >= 0) {
				t->sum -= t->last;
				t->timed--;
				if (t->nv > 0 && (size_t)t->timed < t->nv)
					t->nv--;	/* the last one kept was this reply */
			}
			t->last_counted = false;
		}
		return;
	}
	if (res->reason == NULL && strncmp(s, "From ", len < 5 ? len : 5) == 0 && len > 5)
		for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
			if (find(s, len, reasons[i].text) != NULL) {
				res->reason = reasons[i].reason;
				break;
			}
}

static void each_line(const char *buf, size_t len, struct ls_ping_output *res, struct tally *t)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		parse_line(p, (size_t)(nl - p), res, t);
		p = nl + 1;
	}
}

void ls_ping_parse(const char *out, size_t outlen, const char *err, size_t errlen, const char *target,
		   double max_rtt_ms, struct ls_ping_output *res)
{
	struct tally t;
	const char *nl, *start, *sep;
	size_t n;

	memset(&t, 0, sizeof(t));
	t.target = target;
	t.max_rtt = max_rtt_ms;
	t.last = -1;
	memset(res, 0, sizeof(*res));
	res->rtt_ms = -1;
	each_line(out, outlen, res, &t);
	/* The average of the replies we counted, not ping's summary, which
	 * counts replies from anywhere. */
	res->rtt_min_ms = res->rtt_max_ms = -1;
	if (t.timed > 0) {
		res->rtt_ms = t.sum / t.timed;
		res->rtt_min_ms = res->rtt_max_ms = t.v[0];
		for (size_t i = 1; i < t.nv; i++) {
			if (t.v[i] < res->rtt_min_ms)
				res->rtt_min_ms = t.v[i];
			if (t.v[i] > res->rtt_max_ms)
				res->rtt_max_ms = t.v[i];
		}
	}
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
