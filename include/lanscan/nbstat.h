/* nbstat.h -- NetBIOS node status (RFC 1002 4.2.17-18, UDP 137): request and response, every length bounded. */
#ifndef LANSCAN_NBSTAT_H
#define LANSCAN_NBSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LS_NBSTAT_QUERY_LEN 50

struct ls_nbstat {
	char name[64];		/* the first unique <00> name, "" when none */
	char group[64];		/* the first group <00> name but __MSBROWSE__, "" when none */
	uint8_t mac[6];		/* the unit id (the adapter's MAC) */
	bool has_mac;		/* false when absent or all zero */
	bool server;		/* a unique <20> name: the file server service runs */
};

/* Builds a node status request for the wildcard name "*" with the given
 * id: flags all clear (no broadcast, no recursion), one question, the name
 * first-level encoded (32 bytes, "CKAAAA..."), type NBSTAT (0x21), class
 * IN.  Returns LS_NBSTAT_QUERY_LEN. */
size_t ls_nbstat_query(uint8_t buf[LS_NBSTAT_QUERY_LEN], uint16_t id);

/* Reads a node status response from the len bytes at pkt.  It must carry
 * our id and the response bit, opcode 0 and rcode 0 (else -ESRCH), and
 * then be well formed (else -EBADMSG): questions, if any, skipped; at
 * least one answer; the first answer record of type NBSTAT (0x21) class
 * IN (its owner name, encoded or a compression pointer, is not checked);
 * records before it, its data inside the packet; NUM_NAMES 18-byte
 * entries inside the data.  The unit id follows the names when the data
 * holds 6 more bytes.  Names are taken with trailing spaces (and NULs)
 * trimmed, letters as sent (NetBIOS names are upper case), and the bytes
 * below 0x20, 0x7f, '\\' and from 0x80 written as "\xHH", so the text is
 * printable ASCII.  Fills *out as far as it can, and returns 0 (a unique
 * <00> name found), -ENOENT (a valid response without one), -ESRCH or
 * -EBADMSG.  Never reads past len. */
int ls_nbstat_parse(const uint8_t *pkt, size_t len, uint16_t id, struct ls_nbstat *out);

#endif
