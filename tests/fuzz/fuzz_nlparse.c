/* fuzz_nlparse.c -- libFuzzer target: rtnetlink messages (links, addresses, routes, neighbours). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "lanscan/nlparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH };
	struct ls_nl_link l;
	struct ls_nl_addr a;
	struct ls_nl_route r;
	struct ls_neigh n;
	struct nlmsghdr *h;
	size_t i;
	uint8_t *buf;

	/* The input is one message, its nlmsg_len as the input says (checked
	 * against the real length), read as each message type in turn. */
	if (size < 2 || (buf = malloc(size)) == NULL)
		return 0;
	memcpy(buf, data, size);
	h = (struct nlmsghdr *)buf;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (size >= sizeof(*h))
			h->nlmsg_type = types[i];
		ls_nl_parse_link(h, size, &l);
		ls_nl_parse_addr(h, size, &a);
		ls_nl_parse_route(h, size, &r);
		ls_nl_parse_neigh(h, size, &n);
	}
	free(buf);
	return 0;
}
