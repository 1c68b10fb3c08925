/* test_netinfo.c -- rtnetlink parsing of built messages, and the routes of the machine the test runs on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "lanscan/netinfo.h"
#include "lanscan/nlparse.h"

/* A message of `type` with a fixed header and attributes appended by add(). */
struct msg {
	union {
		struct nlmsghdr h;
		uint8_t b[512];
	} u;
};

static void msg_init(struct msg *m, uint16_t type, const void *hdr, size_t hlen)
{
	memset(m, 0, sizeof(*m));
	m->u.h.nlmsg_type = type;
	m->u.h.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + NLMSG_ALIGN(hlen));
	memcpy(m->u.b + NLMSG_HDRLEN, hdr, hlen);
}

static void add(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr ra = { (uint16_t)RTA_LENGTH(len), type };

	memcpy(m->u.b + m->u.h.nlmsg_len, &ra, sizeof(ra));
	memcpy(m->u.b + m->u.h.nlmsg_len + sizeof(ra), data, len);
	m->u.h.nlmsg_len += (uint32_t)RTA_ALIGN(ra.rta_len);
}

static void test_neigh(void **state)
{
	struct ndmsg nd = { .ndm_family = AF_INET, .ndm_ifindex = 3, .ndm_state = NUD_REACHABLE };
	const uint8_t ip[4] = { 198, 19, 1, 10 }, mac[6] = { 2, 0x1a, 0xb0, 0, 0, 0x10 };
	struct ls_neigh n;
	struct msg m;

	(void)state;
	msg_init(&m, RTM_NEWNEIGH, &nd, sizeof(nd));
	add(&m, NDA_DST, ip, 4);
	add(&m, NDA_LLADDR, mac, 6);
	assert_int_equal(ls_nl_parse_neigh(&m.u.h, m.u.h.nlmsg_len, &n), 0);
	assert_int_equal(n.ifindex, 3);
	assert_int_equal(n.state, NUD_REACHABLE);
	assert_true(n.has_mac);
	assert_memory_equal(n.mac, mac, 6);
	assert_memory_equal(n.addr.b, ip, 4);
	/* cut inside the last attribute; an address of the wrong length; another type */
	assert_int_equal(ls_nl_parse_neigh(&m.u.h, m.u.h.nlmsg_len - 1, &n), -EINVAL);
	m.u.h.nlmsg_len -= 3;	/* into the MAC itself, past the padding */
	assert_int_equal(ls_nl_parse_neigh(&m.u.h, m.u.h.nlmsg_len, &n), -EINVAL);
	msg_init(&m, RTM_NEWNEIGH, &nd, sizeof(nd));
	add(&m, NDA_DST, ip, 3);
	assert_int_equal(ls_nl_parse_neigh(&m.u.h, m.u.h.nlmsg_len, &n), -EINVAL);
	m.u.h.nlmsg_type = RTM_NEWLINK;
	assert_int_equal(ls_nl_parse_neigh(&m.u.h, m.u.h.nlmsg_len, &n), -ENOENT);
	assert_int_equal(ls_nl_parse_neigh(&m.u.h, 10, &n), -EINVAL);
}

/* An IPv6 neighbour: a link-local one is named with its link, a global one is not. */
static void test_neigh6_scope(void **state)
{
	struct ndmsg nd = { .ndm_family = AF_INET6, .ndm_ifindex = 3, .ndm_state = NUD_STALE };
	uint8_t ip[16] = { 0xfe, 0x80, [15] = 0x10 };
	struct ls_neigh n;
	struct msg m;

	(void)state;
	msg_init(&m, RTM_NEWNEIGH, &nd, sizeof(nd));
	add(&m, NDA_DST, ip, 16);
	assert_int_equal(ls_nl_parse_neigh(&m.u.h, m.u.h.nlmsg_len, &n), 0);
	assert_int_equal(n.addr.family, AF_INET6);
	assert_int_equal(n.addr.scope, 3);
	ip[0] = 0xfd;
	ip[1] = 0;
	msg_init(&m, RTM_NEWNEIGH, &nd, sizeof(nd));
	add(&m, NDA_DST, ip, 16);
	assert_int_equal(ls_nl_parse_neigh(&m.u.h, m.u.h.nlmsg_len, &n), 0);
	assert_int_equal(n.addr.scope, 0);
}

static void test_route(void **state)
{
	struct rtmsg rt = { .rtm_family = AF_INET, .rtm_dst_len = 24, .rtm_table = RT_TABLE_MAIN,
			    .rtm_type = RTN_UNICAST };
	const uint8_t dst[4] = { 198, 19, 1, 0 }, gw[4] = { 198, 19, 255, 1 };
	int oif = 7;
	struct ls_nl_route r;
	struct msg m;

	(void)state;
	msg_init(&m, RTM_NEWROUTE, &rt, sizeof(rt));
	add(&m, RTA_DST, dst, 4);
	add(&m, RTA_OIF, &oif, 4);
	add(&m, RTA_GATEWAY, gw, 4);
	assert_int_equal(ls_nl_parse_route(&m.u.h, m.u.h.nlmsg_len, &r), 0);
	assert_int_equal(r.dst_len, 24);
	assert_int_equal(r.oif, 7);
	assert_int_equal(r.gateway.family, AF_INET);
	assert_memory_equal(r.dst.b, dst, 4);
	rt.rtm_dst_len = 33;	/* a prefix longer than the family allows */
	msg_init(&m, RTM_NEWROUTE, &rt, sizeof(rt));
	assert_int_equal(ls_nl_parse_route(&m.u.h, m.u.h.nlmsg_len, &r), -EINVAL);
}

/* The machine's own tables: loopback is local, and lookups never fail oddly. */
static void test_load_here(void **state)
{
	struct ls_netinfo ni;
	struct ls_path p;
	struct ls_addr lo = { .family = AF_INET, .b = { 127, 0, 0, 1 } };
	char err[128];

	(void)state;
	if (ls_netinfo_load(&ni, err, sizeof(err)) != 0) {
		skip();	/* no netlink here (a sandbox) */
		return;
	}
	assert_true(ni.nifaces >= 1);
	if (ls_netinfo_route(&ni, &lo, &p) == 0)
		assert_int_equal(p.kind, LS_ROUTE_LOCAL);
	ls_netinfo_free(&ni);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_neigh),
		cmocka_unit_test(test_neigh6_scope),
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_load_here),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
