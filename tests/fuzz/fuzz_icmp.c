/* fuzz_icmp.c -- libFuzzer target: parsing received ICMP and ICMPv6 packets. */
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lanscan/icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_icmp_msg m;

	ls_icmp_parse(AF_INET, data, size, true, &m);
	ls_icmp_parse(AF_INET, data, size, false, &m);
	ls_icmp_parse(AF_INET6, data, size, false, &m);
	return 0;
}
