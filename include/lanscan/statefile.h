/* statefile.h -- --state: keep each sweep's results in a file and tell what changed since the last one. */
#ifndef LANSCAN_STATEFILE_H
#define LANSCAN_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/output.h"

/* Bounds on what is read back: a line holds an address, a state, a name
 * (at most 1025 bytes from getnameinfo) and a target (at most 128 KiB, the
 * kernel's limit on one argument, and LS_LINE_MAX from a file), so every
 * line lanscan writes fits. */
#define LS_STATE_LINE_MAX (1024 * 1024)
#define LS_STATE_FILE_MAX (1024LL * 1024 * 1024)

enum ls_change {
	LS_CHANGE_NONE,
	LS_CHANGE_NEW,		/* not in the previous sweep */
	LS_CHANGE_UP,		/* was down or unknown, is up */
	LS_CHANGE_DOWN,		/* was up, is down or unknown */
	LS_CHANGE_RENAMED,	/* up both times, under another name */
	LS_CHANGE_GONE,		/* in the previous sweep, not in this one's targets */
	LS_CHANGE_MAC,		/* up both times, answering from a MAC never seen for it */
	LS_CHANGE_FLIP		/* up both times, back to a MAC it had before (arpwatch's flip flop) */
};

#define LS_MAC_HISTORY 4	/* MACs kept per address, most recent first */

/* One host, keyed by its address (or the target text when it has none). */
#define LS_STATE_FACTS 6

struct ls_statefile_entry {
	char *key;
	bool has_prev, has_cur;
	enum ls_state prev_state, cur_state;
	char *prev_name, *cur_name;	/* "" when none */
	/* DNS, mDNS, NetBIOS names, workgroup, and -K's kind and model ("" or NULL: none) */
	char *prev_src[LS_STATE_FACTS], *cur_src[LS_STATE_FACTS];
	bool legacy;			/* read from a file before version 4: no per-source names */
	char *prev_target, *cur_target;
	uint8_t macs[LS_MAC_HISTORY][6];	/* the previous sweeps' MACs, most recent first */
	uint8_t nmacs;
	bool has_cur_mac;
	uint8_t cur_mac[6];
	uint8_t conflict[LS_MAC_HISTORY][6];	/* this sweep: other MACs that answered for it */
	uint8_t nconflict;
};

struct ls_statefile {
	char *path;
	int lock_fd;
	struct ls_statefile_entry *e;
	size_t n, cap;
	size_t *hash;		/* entry index + 1; 0: empty */
	size_t hcap;
};

const char *ls_change_name(enum ls_change c);

/* A MAC as text, "aa:bb:cc:dd:ee:ff". */
void ls_statefile_mac_text(const uint8_t mac[6], char buf[18]);

/* Locks path (path.lock, waiting for another sweep to finish) and loads the
 * previous sweep from it; a missing or empty file is an empty state.
 * Returns 0, -EINVAL for a file that is not a lanscan state file (message
 * in err), or another negative errno. */
int ls_statefile_open(struct ls_statefile *st, const char *path, char *err, size_t errlen);
/* The same, waiting at most timeout_ms for the lock (-1: forever):
 * -ETIMEDOUT then, err naming the pid that holds it.  Once locked, the
 * temporary files a killed sweep left beside path are removed. */
int ls_statefile_open_wait(struct ls_statefile *st, const char *path, int timeout_ms, char *err, size_t errlen);

/* Records one result of this sweep; returns what changed and points *e at
 * the host's entry.  A host seen twice in one sweep changes once. */
enum ls_change ls_statefile_observe(struct ls_statefile *st, const struct ls_result *r,
				const struct ls_statefile_entry **e);

/* The old name when r renames the host.  With -n (r->names): a source (DNS,
 * mDNS, NetBIOS) that named it both times, with another name now (or, for a
 * host read from a file before version 4, the name column).  Without: the
 * name column (a name target), when no source had named it before.  A
 * name found for the first time, or not found this time, is no change.
 * NULL when not renamed. */
const char *ls_statefile_renamed_from(const struct ls_statefile_entry *e, const struct ls_result *r);

/* Records that mac also answered for addr in this sweep (an address
 * conflict), saved with the host.  0 or -ENOMEM. */
int ls_statefile_conflict(struct ls_statefile *st, const struct ls_addr *addr, const uint8_t mac[6]);

/* Calls cb for each host of the previous sweep that this one did not see. */
void ls_statefile_each_gone(const struct ls_statefile *st,
			void (*cb)(const struct ls_statefile_entry *e, void *arg), void *arg);

/* Replaces the file with this sweep's results, atomically.  0 or -errno. */
int ls_statefile_save(struct ls_statefile *st);

/* Releases the lock and the memory. */
void ls_statefile_close(struct ls_statefile *st);

/* Reads a state file's contents (for ls_statefile_open and the fuzz target). */
int ls_statefile_parse(struct ls_statefile *st, const char *buf, size_t len, char *err, size_t errlen);

#endif
