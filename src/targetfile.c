/* targetfile.c -- read target specs from a file or standard input (-f, --exclude-file). */
#include "lanscan/target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ls_targets_read(struct ls_targets *t, FILE *f, const char *name, char *err, size_t errlen)
{
	char *line = NULL, *p, *tok, *save = NULL, msg[LS_ERRLEN];
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	errno = 0;
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if ((size_t)n != strlen(line)) {
			snprintf(err, errlen, "%s:%zu: NUL byte in line", name, lineno);
			rc = -EINVAL;
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
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno ? errno : EIO));
		rc = -EIO;
	}
	free(line);
	return rc;
}
