/* app_targets.c -- what to sweep: operands, -f files, exclusions, -I/-S checks, the no-target default, --list. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lanscan/cli.h"
#include "lanscan/ifaces.h"
#include "lanscan/names.h"
#include "lanscan/oui.h"
#include "lanscan/output.h"
#include "lanscan/pipeline.h"
#include "lanscan/plan.h"
#include "lanscan/privs.h"
#include "lanscan/report.h"
#include "lanscan/target.h"
#include "lanscan/util.h"

#include "app.h"

/* Reads one -f or --exclude-file file ('-' is standard input) into t.
 * Returns 0, EXIT_USAGE (a bad line) or EXIT_SYSERR (unreadable, no memory). */
static int read_file(const char *path, struct ls_targets *t)
{
	char err[LS_ERRLEN + 64];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	int rc;

	if (f == NULL) {
		ls_msg("%s: %s", path, strerror(errno));
		return errno == ENOENT || errno == EACCES || errno == ENOTDIR ? EXIT_USAGE : EXIT_SYSERR;
	}
	rc = ls_targets_read(t, f, strcmp(path, "-") == 0 ? "(stdin)" : path, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (rc != 0) {
		ls_msg("%s", rc == -ENOMEM ? "out of memory" : err);
		return rc == -EINVAL ? EXIT_USAGE : EXIT_SYSERR;
	}
	return 0;
}

/* Gathers targets and exclusions; returns 0 or an exit status. */
/* -I names an interface of this machine, -S one of its addresses (as on
 * -I's interface when both are given).  Returns 0 or an exit status. */
int ls_app_check_link(struct ls_app *app)
{
	const struct ls_options *o = &app->opt;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, rc = 0;

	if (o->iface != NULL && (app->ifindex = (int)if_nametoindex(o->iface)) == 0) {
		ls_msg("-I/--interface '%s': no such interface", o->iface);
		return EXIT_USAGE;
	}
	if (o->source.family == 0)
		return 0;
	if ((fd = socket(o->source.family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		ls_msg("-S/--source: %s", strerror(errno));
		return EXIT_SYSERR;
	}
	sl = ls_addr_to_sockaddr(&o->source, &ss);
	if (o->iface != NULL)
		(void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->iface, (socklen_t)strlen(o->iface) + 1);
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
		rc = errno;
		ls_msg("-S/--source '%s': %s", o->source_text,
		       rc == EADDRNOTAVAIL ? "not an address of this machine" : strerror(rc));
	}
	close(fd);
	return rc == 0 ? 0 : EXIT_USAGE;
}

/* Root for the echo socket of IPv6 discovery (when it was borrowed), or the
 * user again after it.  Returns 0 or an exit status. */
static int with_root(struct ls_app *app, bool on)
{
	int rc = on ? ls_privs_open(&app->privs) : ls_privs_lend(&app->privs);

	if (rc != 0)
		ls_msg("cannot switch %s: %s", on ? "to root" : "to the invoking user", strerror(-rc));
	return rc != 0 ? EXIT_SYSERR : 0;
}

/* The no-target default: the IPv4 subnets of the up interfaces (or -I's),
 * and their IPv6 neighbours.  Returns 0 or an exit status. */
static int default_targets(struct ls_app *app)
{
	const struct ls_options *o = &app->opt;
	char desc[512] = "", found[256], note[192], err[LS_ERRLEN], cut[768] = "", *save = NULL;
	int n = 0, rc;
	bool v6 = o->family != AF_INET && !o->list;	/* --list sends nothing */

	if (o->family != AF_INET6) {
		n = ls_local_subnets(&app->targets, LS_LOCAL_PREFIX_MIN, o->force, o->iface, desc, sizeof(desc),
				     cut, sizeof(cut));
		if (n < 0) {
			ls_msg("cannot list interfaces: %s", strerror(-n));
			return EXIT_SYSERR;
		}
	}
	if (v6) {
		if ((rc = with_root(app, true)) != 0)
			return rc;
		n = ls_local_neighbours(&app->targets, app->ifindex, o->timeout_ms, found, sizeof(found),
					note, sizeof(note), err, sizeof(err));
		if ((rc = with_root(app, false)) != 0)
			return rc;
		if (n < 0) {
			ls_msg("%s", err);
			return EXIT_SYSERR;
		}
		if (o->verbose)
			ls_app_warn(app, "%s", note);
		if (n > 0)
			snprintf(desc + strlen(desc), sizeof(desc) - strlen(desc), "%sIPv6 neighbours: %s",
				 desc[0] != '\0' ? "; " : "", found);
	}
	if (app->targets.n == 0) {
		const char *what = o->family == AF_INET6 ? "IPv6 neighbour" : v6 ? "IPv4 subnet or IPv6 neighbour" :
				   "IPv4 subnet";
		if (o->iface != NULL)
			ls_msg("no target given and no %s on %s", what, o->iface);
		else
			ls_msg("no target given and no local %s found", what);
		return EXIT_USAGE;
	}
	ls_app_warn(app, "no target given; sweeping %s", desc);
	for (char *line = strtok_r(cut, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		ls_app_warn(app, "%s", line);	/* what a subnet too wide lost, and --force */
	return 0;
}

static void say_onlink(void *arg, const char *what, const char *how)
{
	struct ls_app *app = arg;

	ls_app_warn(app, "%s", what);
	if (app->opt.verbose)
		ls_app_warn(app, "%s", how);
}

/* IPv6 ranges too large to sweep: discovered when on-link, else refused. */
static int onlink_ranges(struct ls_app *app)
{
	struct ls_onlink_opts oo = {
		.ifindex = app->ifindex, .force = app->opt.force, .list = app->opt.list,
		.limit = LS_SWEEP_LIMIT, .wait_ms = app->opt.timeout_ms, .say = say_onlink, .arg = app,
	};
	char err[LS_ERRLEN + 64];
	int rc, rc2;

	if ((rc = with_root(app, true)) != 0)
		return rc;
	rc = ls_onlink_ranges(&app->targets, &oo, err, sizeof(err));
	if ((rc2 = with_root(app, false)) != 0)
		return rc2;
	if (rc == -ENOENT)
		ls_app_warn(app, "%s", err);
	else if (rc != 0)
		ls_msg("%s", rc == -ENOMEM ? "out of memory" : err);
	return rc == 0 ? 0 : rc == -ENOENT ? EXIT_DOWN : rc == -EINVAL ? EXIT_USAGE : EXIT_SYSERR;
}

int ls_app_load_targets(struct ls_app *app)
{
	const struct ls_options *o = &app->opt;
	char err[LS_ERRLEN], desc[512];
	size_t i;
	int n;

	/* An operand with commas is a list, as --exclude takes:
	 * "10.0.0.8,10.0.0.12" (and "10.0.0.1,5" is still one octet list). */
	for (i = 0; i < o->ntargets; i++)
		if ((strchr(o->targets[i], ',') != NULL ? ls_targets_add_list : ls_targets_add)
		    (&app->targets, o->targets[i], err, sizeof(err)) != 0) {
			ls_msg("%s", err);
			return EXIT_USAGE;
		}
	for (i = 0; i < o->nfiles; i++)
		if ((n = read_file(o->files[i], &app->targets)) != 0)
			return n;
	for (i = 0; i < o->nexcludes; i++)
		if (ls_targets_add_list(&app->exclude, o->excludes[i], err, sizeof(err)) != 0) {
			ls_msg("--exclude: %s", err);
			return EXIT_USAGE;
		}
	for (i = 0; i < o->nexclude_files; i++)
		if ((n = read_file(o->exclude_files[i], &app->exclude)) != 0)
			return n;
	for (i = 0; i < app->exclude.n; i++)
		if (app->exclude.specs[i].kind == LS_SPEC_NAME) {
			ls_msg("--exclude: '%s': exclusions take addresses and ranges, not names",
				app->exclude.specs[i].text);
			return EXIT_USAGE;
		}
	for (i = 0; i < app->targets.n && app->ifindex != 0; i++) {
		const struct ls_spec *s = &app->targets.specs[i];
		if (s->kind == LS_SPEC_RANGE6 && s->u.r6->scope != 0 && s->u.r6->scope != (uint32_t)app->ifindex) {
			ls_msg("'%s': its zone is not -I's interface (%s)", ls_spec_text(s, desc, sizeof(desc)), o->iface);
			return EXIT_USAGE;
		}
	}

	if (o->ntargets == 0 && o->nfiles == 0 && (n = default_targets(app)) != 0)
		return n;
	if (app->targets.n == 0) {
		ls_msg("no targets");
		return EXIT_USAGE;
	}
	for (i = 0; i < app->targets.n && o->family != 0; i++) {
		const struct ls_spec *s = &app->targets.specs[i];
		if (s->kind != LS_SPEC_NAME && (s->kind == LS_SPEC_RANGE6) != (o->family == AF_INET6)) {
			ls_msg("'%s': not an %s target (%s given)", ls_spec_text(s, desc, sizeof(desc)),
				o->family == AF_INET6 ? "IPv6" : "IPv4", o->family == AF_INET6 ? "-6" : "-4");
			return EXIT_USAGE;
		}
	}
	return onlink_ranges(app);
}

/* --list: print the expanded targets, send nothing. */
int ls_app_list_targets(struct ls_app *app)
{
	struct ls_target_iter it;
	struct ls_target t;
	struct ls_output out;
	char buf[64];
	int rc = 0, finish;

	ls_output_init(&out, STDOUT_FILENO);
	ls_target_iter_init(&it, &app->targets, &app->exclude);
	while (rc == 0 && ls_target_iter_next(&it, &t))
		rc = ls_output_list(&out, t.is_name ? t.spec->text : ls_addr_format(&t.addr, buf, sizeof(buf)));
	finish = ls_output_finish(&out);	/* always: it flushes and frees */
	if (rc == 0)
		rc = finish;
	if (rc == -EPIPE)
		return EXIT_PIPE;
	if (rc != 0) {
		ls_msg("writing output: %s", strerror(-rc));
		return EXIT_SYSERR;
	}
	return EXIT_UP;
}


/* More than LS_SWEEP_LIMIT targets once duplicates and exclusions are gone?
 * Counted by walking the targets, up to one over the limit; ranges too big
 * to walk quickly (over 2^24 addresses written) count as written. */
bool ls_app_too_many(const struct ls_app *app)
{
	struct ls_target_iter it;
	struct ls_target t;
	uint64_t n = 0;

	if (app->targets.total <= LS_SWEEP_LIMIT)
		return false;
	if (app->targets.total > (1ULL << 24))
		return true;
	ls_target_iter_init(&it, &app->targets, &app->exclude);
	while (n <= LS_SWEEP_LIMIT && ls_target_iter_next(&it, &t) == 1)
		n++;
	return n > LS_SWEEP_LIMIT;
}

