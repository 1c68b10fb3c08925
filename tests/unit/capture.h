/* capture.h -- unit tests: read a capture of a real daemon's reply (tests/unit/captures/...), run from the top directory. */
#ifndef LANSCAN_TEST_CAPTURE_H
#define LANSCAN_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>

/* The file's bytes (malloc'd, NUL-terminated past *len); fails the test if absent. */
static inline unsigned char *capture(const char *name, size_t *len)
{
	char path[256];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "tests/unit/captures/%s", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("no capture %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

#endif
