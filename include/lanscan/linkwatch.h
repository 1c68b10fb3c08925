/* linkwatch.h -- the links a sweep goes through, watched over rtnetlink: a link down, its carrier lost, an address or a route removed. */
#ifndef LANSCAN_LINKWATCH_H
#define LANSCAN_LINKWATCH_H

#include <stdbool.h>
#include <uv.h>

#define LS_LINKWATCH_MAX 64	/* links remembered; past that the oldest break is forgotten */

/* Says (once per link) why the hosts probed through it are unknown. */
typedef void (*ls_linkwatch_say_cb)(void *arg, const char *msg);

struct ls_lw_link {
	int ifindex;
	char name[16];
	bool broken;		/* down, no carrier, deleted, or lost an address or route */
	bool said;
	double broke_ms;	/* monotonic ms of the last break */
	const char *why;	/* "lost its carrier", ... (a literal) */
};

struct ls_linkwatch {
	uv_loop_t *loop;
	ls_linkwatch_say_cb say;
	void *arg;
	/* state */
	int fd;
	uv_poll_t poll;
	bool open;
	struct ls_lw_link link[LS_LINKWATCH_MAX];
	unsigned n;
	bool any_said;
	double drained_ms;	/* when ls_linkwatch_broke last read the socket */
};

/* Subscribes to link, address and route changes (no privilege needed).
 * Returns 0 or a negative errno; the sweep runs without it then. */
int ls_linkwatch_open(struct ls_linkwatch *lw, uv_loop_t *loop, ls_linkwatch_say_cb say, void *arg);

/* Stops watching; the socket closes in the handle's close callback. */
void ls_linkwatch_close(struct ls_linkwatch *lw);

/* Reads the pending notifications, then tells whether the path through
 * ifindex broke at or after since_ms (monotonic ms) or is broken now: a
 * silent target behind it proves nothing.  Returns the reason for the
 * result ("the link lost its carrier during the probe") or NULL.  The first
 * time a link is blamed, say() explains it once. */
const char *ls_linkwatch_broke(struct ls_linkwatch *lw, int ifindex, double since_ms);

/* Feeds one rtnetlink message of len bytes, as if received at now (ms). */
void ls_linkwatch_feed(struct ls_linkwatch *lw, const void *msg, size_t len, double now);
/* Feeds what one recv() returned: n bytes of messages, each checked to lie
 * whole inside it (buf aligned to 4). */
void ls_linkwatch_feed_buf(struct ls_linkwatch *lw, const void *buf, size_t n, double now);

#endif
