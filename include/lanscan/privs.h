/* privs.h -- who lanscan acts as: the invoking user for files, root (or file capabilities) only to open sockets. */
#ifndef LANSCAN_PRIVS_H
#define LANSCAN_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

/* How lanscan got its privileges, and whom it acts for:
 *   LS_PRIV_NONE    an ordinary user, or root with no SUDO_UID (root's own run)
 *   LS_PRIV_SETUID  installed setuid: the real uid is the user
 *   LS_PRIV_SUDO    root through sudo: SUDO_UID/SUDO_GID are the user
 * In the last two, files named on the command line are opened as the user
 * (ls_privs_borrow), root comes back only to open sockets (ls_privs_open),
 * then ls_privs_drop makes the user permanent before any child runs.
 * Capabilities, whether from setuid root or from file capabilities
 * (setcap cap_net_raw+ep), are cleared by ls_privs_drop too. */
enum ls_priv_kind { LS_PRIV_NONE, LS_PRIV_SETUID, LS_PRIV_SUDO };

struct ls_privs {
	enum ls_priv_kind kind;
	uid_t uid;		/* the user acted for */
	gid_t gid;
	bool borrowed;		/* the effective ids are the user's, root is saved */
	bool dropped;
};

/* Works out who the user is and, for setuid or sudo, becomes that user
 * for everything but sockets.  Returns 0 or a negative errno. */
int ls_privs_borrow(struct ls_privs *p);

/* Takes root back (effective ids) to open sockets; no-op unless borrowed. */
int ls_privs_open(struct ls_privs *p);

/* Gives root back after ls_privs_open (the user again, for files); no-op
 * unless root was borrowed before. */
int ls_privs_lend(struct ls_privs *p);

/* Becomes the user for good (real, effective and saved ids), clears every
 * capability, ambient ones included.  Returns 0 or a negative errno. */
int ls_privs_drop(struct ls_privs *p);

#endif
