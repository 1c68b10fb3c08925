/* fuzz_linklayer.c -- libFuzzer target: parsing received ARP messages and neighbor advertisements. */
#include <stddef.h>
#include <stdint.h>

#include "lanscan/arp.h"
#include "lanscan/nd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 }, ip[4] = { 198, 19, 1, 2 };
	struct ls_arp a;
	struct ls_nd_adv n;

	if (ls_arp_parse(data, size, &a) == 0)
		(void)ls_arp_answers(&a, mac, ip);
	(void)ls_nd_parse_adv(data, size, &n);
	return 0;
}
