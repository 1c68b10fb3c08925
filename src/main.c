/* main.c -- lanscan's entry point: options, then the phases of app.h, then exit.
 *
 * The only file that calls exit(); the phases return the status it exits with:
 *   0 every target up (or --min-up reached)   1 some target down or unknown
 *   2 some target could not be resolved        3 usage error, nothing probed
 *   4 system error (ping missing or not permitted, out of memory, ...)
 *   128+N stopped by signal N (INT 130, TERM 143, HUP 129, QUIT 131)
 *   141 the output pipe was closed
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/oui.h"
#include "lanscan/util.h"

#include "app.h"

/* Makes sure fds 0-2 are open: a closed one would be reused by the first
 * socket or file opened (libuv asserts on it, and results could land in the
 * state file's lock).  A closed stdout or stderr becomes /dev/null opened
 * read-only, so writing to it still fails (EBADF) and is reported. */
static int std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDONLY) != fd)	/* the lowest free fd: this one */
			return -1;
	}
	return 0;
}

/* Prints a Nagios UNKNOWN status line that says why: one line, '|' (which
 * starts perfdata) and control characters made '?'. */
static void nagios_unknown(const char *what, const char *why)
{
	char line[LS_ERRLEN + 64];

	snprintf(line, sizeof(line), "%s", why);
	for (char *c = line; *c != '\0'; c++)
		if (*c == '|' || (unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	printf("LANSCAN UNKNOWN - %s: %s\n", what, line);
	fflush(stdout);
}

/* Whether --nagios is among the options, however the command line failed:
 * a Nagios plugin prints a status line even for a usage error. */
static bool wants_nagios(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--nagios") == 0)
			return true;
	return false;
}

/* --state and --prom-file: each can be written, checked before the first
 * probe (the IPv6 discovery of the no-target default is one), so a typo does
 * not cost a sweep.  Returns 0 or EXIT_SYSERR (a file that cannot be written). */
static int check_outputs(const struct ls_options *o)
{
	const char *paths[] = { o->state_path, o->prom_file }, *names[] = { "--state", "--prom-file" };
	char err[LS_ERRLEN];

	for (size_t i = 0; i < LS_ARRAY_SIZE(paths); i++)
		if (paths[i] != NULL && ls_check_out_path(paths[i], err, sizeof(err)) != 0) {
			ls_msg("%s '%s': %s", names[i], paths[i], err);
			return EXIT_SYSERR;
		}
	return 0;
}

int main(int argc, char **argv)
{
	struct ls_app app;
	char err[LS_ERRLEN];
	int status;

	memset(&app, 0, sizeof(app));
	if (std_fds() != 0)
		exit(EXIT_SYSERR);
	if ((status = ls_privs_borrow(&app.privs)) != 0) {
		ls_msg("cannot switch to the invoking user: %s", strerror(-status));
		exit(EXIT_SYSERR);
	}
	ls_targets_init(&app.targets);
	ls_targets_init(&app.exclude);
	app.exclude.whole_cidr = true;
	if (ls_cli_parse(argc, argv, &app.opt, err, sizeof(err)) != 0) {
		ls_msg("%s", err);
		fputs("Try 'lanscan --help' for more information.\n", stderr);
		if (wants_nagios(argc, argv))
			nagios_unknown("usage error", err);
		(void)ls_privs_drop(&app.privs);
		exit(EXIT_USAGE);
	}
	if (app.opt.help) {
		ls_cli_usage(stdout);
		status = EXIT_UP;
	} else if (app.opt.version) {
		printf("lanscan %s\n", LS_VERSION);
		status = EXIT_UP;
	} else {
		status = check_outputs(&app.opt);
		if (status == 0)
			status = ls_app_check_link(&app);
		if (status == 0)
			status = ls_app_load_targets(&app);
		if (status == 0 && app.opt.list) {
			status = ls_app_list_targets(&app);
		} else if (status == 0 && !app.opt.force && ls_app_too_many(&app)) {
			ls_msg("refusing to sweep %llu addresses (more than %d); use --force",
				(unsigned long long)app.targets.total, LS_SWEEP_LIMIT);
			status = EXIT_USAGE;
		} else if (status == 0) {
			status = ls_app_sweep(&app);
		}
		/* Nothing probed: a Nagios plugin still owes its status line,
		 * with the reason (Nagios and NRPE show only standard output). */
		if (app.opt.nagios && !app.nagios_printed && status != 0) {
			nagios_unknown("nothing swept", ls_msg_last()[0] != '\0' ? ls_msg_last() :
				       status == EXIT_USAGE ? "a usage error or a failed start" : "a system error");
			status = LS_NAGIOS_UNKNOWN;
		}
	}
	if (app.rep_open)
		ls_report_close(&app.rep);
	ls_oui_free(app.oui);	/* after the report: sorted lines point into it */
	free(app.env);
	ls_targets_free(&app.targets);
	ls_targets_free(&app.exclude);
	ls_cli_free(&app.opt);
	/* Nothing ends holding borrowed root (an early error, --help). */
	if (!app.privs.dropped)
		(void)ls_privs_drop(&app.privs);
	/* Whatever is still buffered (--help, --version): a failed write is an error. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == EXIT_UP)
			ls_msg("writing output: %s", strerror(errno ? errno : EIO));
		if (status == EXIT_UP || status == EXIT_DOWN)
			status = EXIT_SYSERR;
	}
	exit(status);
}

