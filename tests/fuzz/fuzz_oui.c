/* fuzz_oui.c -- libFuzzer target: the IEEE registry reader (lines, and whole files through a lookup). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanscan/oui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[64], dir[] = "/tmp/lanscan-fuzz-oui-XXXXXX", path[64];
	uint64_t prefix;
	int bits;
	struct ls_oui *db;
	uint8_t mac[6] = { 0 };
	FILE *f;

	/* One line, not NUL-terminated, into a small name buffer. */
	ls_oui_parse_line((const char *)data, size, &prefix, &bits, name, size % 2 ? sizeof(name) : 5);
	/* The same bytes as a whole oui.csv, then a lookup of the first six. */
	if (mkdtemp(dir) == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/oui.csv", dir);
	if ((f = fopen(path, "w")) != NULL) {
		fwrite(data, 1, size, f);
		fclose(f);
		memcpy(mac, data, size < 6 ? size : 6);
		mac[0] &= (uint8_t)~0x02;
		if ((db = ls_oui_new(dir)) != NULL) {
			(void)ls_oui_vendor(db, mac);
			ls_oui_free(db);
		}
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
