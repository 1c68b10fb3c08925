/* oui.h -- a MAC address's vendor from the IEEE registries (Debian's ieee-data), loaded on first use. */
#ifndef LANSCAN_OUI_H
#define LANSCAN_OUI_H

#include <stddef.h>
#include <stdint.h>

#define LS_OUI_DIR "/usr/share/ieee-data"	/* LANSCAN_OUI_DIR overrides it */
#define LS_OUI_LOCAL "(locally administered)"

struct ls_oui;

/* A database that reads dir (MA-L oui.csv, MA-M mam.csv, MA-S oui36.csv,
 * IAB iab.csv) only when the first vendor is asked for: a sweep that sees no
 * MAC never reads them.  Missing or unreadable files mean no vendor, never an
 * error.  Returns NULL only when out of memory. */
struct ls_oui *ls_oui_new(const char *dir);
void ls_oui_free(struct ls_oui *db);

/* The vendor of mac: the longest registered prefix wins (36, then 28, then
 * 24 bits), in O(log n); LS_OUI_LOCAL for a locally administered address
 * (randomised phones, VMs); NULL when unknown.  The string lives as long as
 * db. */
const char *ls_oui_vendor(struct ls_oui *db, const uint8_t mac[6]);

/* How many prefixes were loaded (after the first lookup); for -v and tests. */
size_t ls_oui_count(const struct ls_oui *db);

/* Parses one registry CSV line ("MA-L,002272,Name,Address", the name maybe
 * quoted with "" escapes).  On success returns 0 with the prefix's value,
 * its length in bits (24, 28 or 36) and the name, unquoted, in name (at most
 * namelen - 1 bytes, cut there); -EINVAL for the header and anything else. */
int ls_oui_parse_line(const char *line, size_t len, uint64_t *prefix, int *bits,
		      char *name, size_t namelen);

#endif
