/* privs.c -- borrow the user's identity for files, root only for sockets, then drop for good. */
#include "lanscan/privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lanscan/util.h"

/* Changing ids makes the process non-dumpable, and LeakSanitizer, which
 * inspects the process as a tracer at exit, then fails the run.  In
 * sanitizer builds only (tests), keep it dumpable; never in a release, where
 * a tracer could take the sockets opened as root. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LS_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LS_SANITIZED 1
#endif

static void keep_dumpable_for_sanitizers(void)
{
#ifdef LS_SANITIZED
	(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
}

static int sudo_ids(uid_t *uid, gid_t *gid)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID"), *errstr;
	long long u, g;

	if (su == NULL || sg == NULL)
		return -1;
	u = ls_parse_num(su, 1, 0x7fffffff, &errstr);
	if (errstr != NULL)
		return -1;
	g = ls_parse_num(sg, 0, 0x7fffffff, &errstr);
	if (errstr != NULL)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

int ls_privs_borrow(struct ls_privs *p)
{
	memset(p, 0, sizeof(*p));
	p->uid = getuid();
	p->gid = getgid();
	if (geteuid() != getuid() || getegid() != getgid())
		p->kind = LS_PRIV_SETUID;
	else if (geteuid() == 0 && sudo_ids(&p->uid, &p->gid) == 0)
		p->kind = LS_PRIV_SUDO;
	else
		return 0;
	/* sudo leaves root's groups; a setuid program keeps the user's own. */
	if (p->kind == LS_PRIV_SUDO && setgroups(0, NULL) != 0)
		return -errno;
	if (setegid(p->gid) != 0 || seteuid(p->uid) != 0)
		return -errno;
	p->borrowed = true;
	return 0;
}

int ls_privs_open(struct ls_privs *p)
{
	if (!p->borrowed)
		return 0;
	if (seteuid(0) != 0)
		return -errno;
	p->borrowed = false;
	return 0;
}

/* Clears every capability set; with none to clear this is a no-op. */
int ls_privs_lend(struct ls_privs *p)
{
	if (p->kind == LS_PRIV_NONE || p->borrowed || p->dropped)
		return 0;
	if (setegid(p->gid) != 0 || seteuid(p->uid) != 0)
		return -errno;
	p->borrowed = true;
	return 0;
}

static int clear_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	/* Nothing held, nothing to drop: no call that a sandbox might refuse. */
	if (syscall(SYS_capget, &h, d) == 0 && (d[0].permitted | d[1].permitted | d[0].inheritable |
						  d[1].inheritable) == 0)
		return 0;
	memset(d, 0, sizeof(d));
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &h, d) != 0)
		return -errno;
	return 0;
}

int ls_privs_drop(struct ls_privs *p)
{
	if (p->kind != LS_PRIV_NONE) {
		if (p->borrowed && seteuid(0) != 0)	/* setresgid needs root */
			return -errno;
		p->borrowed = false;
		if (setresgid(p->gid, p->gid, p->gid) != 0 || setresuid(p->uid, p->uid, p->uid) != 0)
			return -errno;
		/* Make sure root cannot come back. */
		if (p->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
			return -EPERM;
	}
	if (geteuid() != 0 || p->kind != LS_PRIV_NONE) {
		int rc = clear_caps();
		if (rc != 0)
			return rc;
	}
	p->dropped = true;
	keep_dumpable_for_sanitizers();
	return 0;
}
