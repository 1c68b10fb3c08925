/* oui_bench.c -- the cost of vendor lookups: loading the registries on the first MAC seen, then ns per lookup. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lanscan/oui.h"
#include "lanscan/util.h"

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : LS_OUI_DIR;
	struct ls_oui *db = ls_oui_new(dir);
	uint8_t mac[6] = { 0x00, 0x14, 0x22, 0, 0, 1 };
	unsigned long long x = 88172645463325252ULL, found = 0;
	double t0, t1, t2;
	int i, n = 1000000;

	if (db == NULL)
		return 1;
	t0 = ls_now_ms();
	ls_oui_vendor(db, mac);	/* the first lookup reads the files */
	t1 = ls_now_ms();
	for (i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		mac[0] = (uint8_t)(x & 0xfc);	/* universal, unicast */
		mac[1] = (uint8_t)(x >> 8);
		mac[2] = (uint8_t)(x >> 16);
		mac[3] = (uint8_t)(x >> 24);
		found += ls_oui_vendor(db, mac) != NULL;
	}
	t2 = ls_now_ms();
	printf("| %zu prefixes | %.1f ms | %.0f ns | %.1f%% |\n", ls_oui_count(db), t1 - t0,
	       (t2 - t1) * 1e6 / n, 100.0 * (double)found / n);
	ls_oui_free(db);
	return 0;
}
