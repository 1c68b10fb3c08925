/* fuzz_linkwatch.c -- libFuzzer target: a buffer of rtnetlink notifications fed to the link watcher as drain() walks them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/linkwatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ls_linkwatch lw;
	uint8_t *buf;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	memset(&lw, 0, sizeof(lw));
	lw.fd = -1;
	ls_linkwatch_feed_buf(&lw, buf, size, 1);
	for (unsigned i = 0; i < lw.n; i++)
		ls_linkwatch_broke(&lw, lw.link[i].ifindex, 0);
	free(buf);
	return 0;
}
