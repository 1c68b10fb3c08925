/* fuzz_tcp.c -- libFuzzer target: parsing what the raw TCP sockets read (IPv4 packets, bare segments). */
#include <stddef.h>
#include <stdint.h>

#include "lanscan/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_tcp_seg seg;

	ls_tcp_parse4(data, size, &seg);
	if (!seg.malformed)
		(void)ls_tcp_answers(&seg, seg.ack - 1);
	ls_tcp_parse(data, size, &seg);
	return 0;
}
