/* targetfile.c -- read target specs from a file or standard input (-f, --exclude-file). */
#include "lanscan/target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/util.h"

int ls_targets_read(struct ls_targets *t, FILE *f, const char *name, char *err, size_t errlen)
{
	char *line, *p, *tok, *save = NULL, msg[LS_ERRLEN];
	size_t len, lineno = 0;
	int rc = 0, got;

	/* Every line is bounded: /dev/zero or a runaway file is an error, never
	 * a memory exhaustion taken for end of file. */
	if ((line = malloc(LS_LINE_MAX + 1)) == NULL)
		return -ENOMEM;
	while (rc == 0 && (got = ls_read_line(f, line, LS_LINE_MAX + 1, &len)) != 0) {
		lineno++;
		if (got == -EINVAL) {
			snprintf(err, errlen, "%s:%zu: NUL byte in line", name, lineno);
			rc = -EINVAL;
			break;
		}
		if (got == -E2BIG) {
			snprintf(err, errlen, "%s:%zu: line longer than %d bytes", name, lineno, LS_LINE_MAX);
			rc = -EINVAL;
			break;
		}
		if (got < 0) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno ? errno : EIO));
			rc = -EIO;
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (tok = strtok_r(line, " \t\r\n\v\f", &save); tok != NULL && rc == 0;
		     tok = strtok_r(NULL, " \t\r\n\v\f", &save)) {
			rc = ls_targets_add(t, tok, msg, sizeof(msg));
			if (rc == -EINVAL)
				snprintf(err, errlen, "%s:%zu: %s", name, lineno, msg);
		}
	}
	free(line);
	return rc;
}
