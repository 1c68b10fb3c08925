/* ssdp.c -- the M-SEARCH request, its answers' LOCATION, SERVER, ST and USN, and LOCATION URLs; all bounded. */
#include "lanscan/ssdp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lanscan/safetext.h"

#define LINE_MAX_LEN 1024

int ls_ssdp_msearch(char *buf, size_t len, const char *host, unsigned mx)
{
	int n;

	if (mx < 1 || mx > 5 || strnlen(host, 65) > 64 || strpbrk(host, "\r\n") != NULL || host[0] == '\0')
		return -EINVAL;
	n = snprintf(buf, len,
		     "M-SEARCH * HTTP/1.1\r\nHOST: %s\r\nMAN: \"ssdp:discover\"\r\nMX: %u\r\nST: ssdp:all\r\n"
		     "USER-AGENT: Linux UPnP/1.1 lanscan/1\r\n\r\n", host, mx);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

/* The value of a header line "Name: value" for name, trimmed. */
static void keep(char *dst, const uint8_t *v, size_t n, bool raw)
{
	size_t i;

	if (!raw) {
		ls_text_escape(v, n, dst, LS_SSDP_FIELD_MAX, 1);
		return;
	}
	while (n > 0 && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= LS_SSDP_FIELD_MAX)
		return;
	for (i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] >= 0x7f)
			return;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

int ls_ssdp_parse(const uint8_t *pkt, size_t len, struct ls_ssdp_reply *out)
{
	static const struct {
		const char *name;
		size_t off;
		bool raw;
	} fields[] = {
		{ "location", offsetof(struct ls_ssdp_reply, location), true },
		{ "server", offsetof(struct ls_ssdp_reply, server), false },
		{ "st", offsetof(struct ls_ssdp_reply, st), false },
		{ "usn", offsetof(struct ls_ssdp_reply, usn), false },
	};
	size_t off = 0, end, n, colon, i;
	bool first = true, seen[4] = { false, false, false, false };

	memset(out, 0, sizeof(*out));
	while (off < len) {
		const uint8_t *nl = memchr(pkt + off, '\n', len - off);
		end = nl != NULL ? (size_t)(nl - pkt) : len;
		n = end - off;
		if (n > 0 && pkt[off + n - 1] == '\r')
			n--;
		if (n > LINE_MAX_LEN)
			return first ? -ESRCH : -EBADMSG;
		if (first) {
			if (n < 12 || (memcmp(pkt + off, "HTTP/1.1 200", 12) != 0 &&
				       memcmp(pkt + off, "HTTP/1.0 200", 12) != 0) ||
			    (n > 12 && pkt[off + 12] != ' '))
				return -ESRCH;
			first = false;
		} else if (n == 0) {
			break;
		} else {
			const uint8_t *c = memchr(pkt + off, ':', n);
			if (c == NULL)
				return -EBADMSG;
			colon = (size_t)(c - (pkt + off));
			for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
				if (strlen(fields[i].name) == colon &&
				    strncasecmp((const char *)pkt + off, fields[i].name, colon) == 0) {
					/* The first of each; two LOCATIONs: none (which would a client take?). */
					if (!seen[i])
						keep((char *)out + fields[i].off, pkt + off + colon + 1, n - colon - 1,
						     fields[i].raw);
					else if (fields[i].raw)
						((char *)out + fields[i].off)[0] = '\0';
					seen[i] = true;
				}
		}
		off = end + 1;
	}
	return first ? -ESRCH : 0;
}

int ls_url_parse(const char *url, int *family, uint8_t addr[16], uint16_t *port, char path[LS_URL_PATH_MAX])
{
	char host[64];
	const char *p, *h, *hend, *slash;
	unsigned long v = 80;
	size_t n, i;

	if (strncasecmp(url, "http://", 7) != 0)
		return -EINVAL;
	p = url + 7;
	slash = p + strcspn(p, "/?#");
	if (*slash != '\0' && *slash != '/')
		return -EINVAL;
	if (memchr(p, '@', (size_t)(slash - p)) != NULL)
		return -EINVAL;
	if (*p == '[') {
		h = p + 1;
		hend = memchr(h, ']', (size_t)(slash - h));
		if (hend == NULL)
			return -EINVAL;
		p = hend + 1;
		*family = AF_INET6;
	} else {
		h = p;
		hend = memchr(p, ':', (size_t)(slash - p));
		if (hend == NULL)
			hend = slash;
		p = hend;
		*family = AF_INET;
	}
	n = (size_t)(hend - h);
	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	if (inet_pton(*family, host, addr) != 1)
		return -EINVAL;
	if (p < slash) {
		if (*p != ':' || p + 1 == slash || slash - p > 6)
			return -EINVAL;
		v = 0;
		for (p++; p < slash; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			v = v * 10 + (unsigned long)(*p - '0');
		}
		if (v < 1 || v > 65535)
			return -EINVAL;
	}
	*port = (uint16_t)v;
	if (*slash == '\0') {
		strcpy(path, "/");
		return 0;
	}
	n = strlen(slash);
	if (n >= LS_URL_PATH_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((unsigned char)slash[i] <= ' ' || (unsigned char)slash[i] >= 0x7f)
			return -EINVAL;
	memcpy(path, slash, n + 1);
	return 0;
}
