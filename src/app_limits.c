/* app_limits.c -- what the process limits allow, checked before libuv needs it: open files, address space, threads, file size. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lanscan/util.h"

#include "app.h"

/* libuv aborts the process when it cannot make its own descriptors (the
 * epoll set, the signal pipe, the async eventfd) or grow its watcher array;
 * a sweep needs a few more for its sockets and output.  Below these, say so
 * and stop instead. */
#define MIN_FDS 16
#define MIN_AS_BYTES (48ull << 20)
/* Each pool thread reserves a stack as large as RLIMIT_STACK (8 MiB by
 * default) from the address space, and counts as a process for
 * RLIMIT_NPROC: libuv aborts when it cannot make one. */
#define POOL_MAX 32
#define POOL_MIN 1

static unsigned long long lim(int resource, bool raise)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) != 0)
		return RLIM_INFINITY;
	if (raise && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(resource, &rl) != 0)
			getrlimit(resource, &rl);
	}
	return rl.rlim_cur;
}

int ls_app_check_limits(struct ls_app *app)
{
	unsigned long long nofile = lim(RLIMIT_NOFILE, true), as = lim(RLIMIT_AS, false);

	(void)app;
	/* A --state or Prometheus file over `ulimit -f`: EFBIG, handled like
	 * ENOSPC (the temporary file removed), not death by SIGXFSZ. */
	signal(SIGXFSZ, SIG_IGN);
	if (nofile != RLIM_INFINITY && nofile < MIN_FDS) {
		ls_msg("the open file limit (ulimit -n %llu) is too low: a sweep needs at least %d", nofile, MIN_FDS);
		return EXIT_SYSERR;
	}
	if (as != RLIM_INFINITY && as < MIN_AS_BYTES) {
		ls_msg("the address space limit (ulimit -v %llu) is too low: a sweep needs at least %llu",
		       as / 1024, MIN_AS_BYTES / 1024);
		return EXIT_SYSERR;
	}
	return 0;
}

unsigned ls_app_pool_size(const struct ls_app *app)
{
	unsigned long long as = lim(RLIMIT_AS, false), stack = lim(RLIMIT_STACK, false);
	unsigned long long nproc = lim(RLIMIT_NPROC, false), room;
	unsigned n = app->opt.jobs > 0 ? (unsigned)app->opt.jobs * 2 : 4;

	if (n > POOL_MAX)
		n = POOL_MAX;
	if (stack == RLIM_INFINITY || stack < (1ull << 20))
		stack = 8ull << 20;	/* what glibc then uses */
	if (as != RLIM_INFINITY) {
		/* A quarter of the address space for the pool's stacks. */
		room = as / 4 / (stack + (1ull << 20));
		if (room < n)
			n = (unsigned)room;
	}
	if (nproc != RLIM_INFINITY && geteuid() != 0) {
		/* The limit counts every process and thread of the user: keep
		 * most of it for them. */
		room = nproc / 4;
		if (room < n)
			n = (unsigned)room;
	}
	return n < POOL_MIN ? POOL_MIN : n;
}
