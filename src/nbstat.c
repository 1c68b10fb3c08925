/* nbstat.c -- build NetBIOS node status requests and read the name table, group and MAC from responses. */
#include "lanscan/nbstat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define HEADER_LEN	12
#define NAME_WIRE_MAX	255
#define LABEL_MAX	63
#define TYPE_NBSTAT	0x21
#define CLASS_IN	1
#define FLAG_R		0x8000
#define ENTRY_LEN	18	/* 15 name bytes, the suffix, 2 bytes of flags */
#define ENTRY_GROUP	0x8000

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

size_t ls_nbstat_query(uint8_t buf[LS_NBSTAT_QUERY_LEN], uint16_t id)
{
	uint8_t *p = buf;
	int i;

	memset(buf, 0, LS_NBSTAT_QUERY_LEN);
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[5] = 1;			/* QDCOUNT; flags and the other counts 0 */
	p += HEADER_LEN;
	*p++ = 32;
	/* "*" and 15 NULs, each byte as two letters 'A' + nibble. */
	*p++ = 'A' + ('*' >> 4);
	*p++ = 'A' + ('*' & 15);
	for (i = 1; i < 16; i++) {
		*p++ = 'A';
		*p++ = 'A';
	}
	*p++ = 0;
	*p++ = 0;
	*p++ = TYPE_NBSTAT;
	*p++ = 0;
	*p++ = CLASS_IN;
	return (size_t)(p - buf);
}

/* Moves *off past the name there, without following a compression pointer
 * (which must point backwards, after the header); labels at most 63 bytes,
 * 255 in all.  Returns 0 or -EBADMSG. */
static int skip_name(const uint8_t *pkt, size_t len, size_t *off)
{
	size_t p = *off, total = 0, to;
	uint8_t c;

	for (;;) {
		if (p >= len)
			return -EBADMSG;
		c = pkt[p];
		if ((c & 0xc0) == 0xc0) {
			if (len - p < 2)
				return -EBADMSG;
			to = (size_t)(c & 0x3f) << 8 | pkt[p + 1];
			if (to < HEADER_LEN || to >= *off)
				return -EBADMSG;
			*off = p + 2;
			return 0;
		}
		if (c > LABEL_MAX || c > len - p - 1)
			return -EBADMSG;
		total += 1 + (size_t)c;
		if (total > NAME_WIRE_MAX)
			return -EBADMSG;
		p += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	*off = p;
	return 0;
}

/* Writes the 15-byte name of an entry into out[64], trailing spaces and
 * NULs trimmed, the bytes that are not printable ASCII and '\\' as \xHH. */
static void name_text(const uint8_t *name, char *out)
{
	size_t l = 15, i, n = 0;

	while (l > 0 && (name[l - 1] == ' ' || name[l - 1] == '\0'))
		l--;
	for (i = 0; i < l; i++) {
		if (name[i] < 0x20 || name[i] >= 0x7f || name[i] == '\\') {
			snprintf(out + n, 5, "\\x%02x", name[i]);
			n += 4;
		} else {
			out[n++] = (char)name[i];
		}
	}
	out[n] = '\0';
}

int ls_nbstat_parse(const uint8_t *pkt, size_t len, uint16_t id, struct ls_nbstat *out)
{
	size_t off = HEADER_LEN, i, num, end;
	uint16_t flags, type, class, rdlen, eflags;
	unsigned qd, an;
	const uint8_t *e;
	char text[64];

	memset(out, 0, sizeof(*out));
	if (len < HEADER_LEN)
		return -EBADMSG;
	flags = get16(pkt + 2);
	if (get16(pkt) != id || !(flags & FLAG_R) || (flags >> 11 & 15) != 0 || (flags & 15) != 0)
		return -ESRCH;
	qd = get16(pkt + 4);
	an = get16(pkt + 6);
	if (an == 0)
		return -EBADMSG;
	/* Each question takes at least 5 bytes, each record 11: both loops end with the packet. */
	for (i = 0; i < qd; i++) {
		if (skip_name(pkt, len, &off) < 0 || len - off < 4)
			return -EBADMSG;
		off += 4;
	}
	for (i = 0;; i++) {
		if (i == an || skip_name(pkt, len, &off) < 0 || len - off < 10)
			return -EBADMSG;
		type = get16(pkt + off);
		class = get16(pkt + off + 2);
		rdlen = get16(pkt + off + 8);
		off += 10;
		if (rdlen > len - off)
			return -EBADMSG;
		if (type == TYPE_NBSTAT && class == CLASS_IN)
			break;
		off += rdlen;
	}
	end = off + rdlen;
	if (rdlen < 1)
		return -EBADMSG;
	num = pkt[off++];
	if (num * ENTRY_LEN > end - off)
		return -EBADMSG;
	for (i = 0; i < num; i++, off += ENTRY_LEN) {
		e = pkt + off;
		eflags = get16(e + 16);
		if (e[15] == 0x20 && !(eflags & ENTRY_GROUP))
			out->server = true;
		if (e[15] != 0x00)
			continue;
		name_text(e, text);
		if (text[0] == '\0')
			continue;
		if (!(eflags & ENTRY_GROUP)) {
			if (out->name[0] == '\0')
				memcpy(out->name, text, sizeof(text));
		} else if (out->group[0] == '\0' && memmem(e, 15, "__MSBROWSE__", 12) == NULL) {
			memcpy(out->group, text, sizeof(text));
		}
	}
	if (end - off >= 6) {
		memcpy(out->mac, pkt + off, 6);
		out->has_mac = (out->mac[0] | out->mac[1] | out->mac[2] | out->mac[3] | out->mac[4] | out->mac[5]) != 0;
	}
	return out->name[0] != '\0' ? 0 : -ENOENT;
}
