/* test_linkwatch.c -- link, address and route changes fed as rtnetlink messages (no socket). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "lanscan/linkwatch.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

static char said[4][256];
static int nsaid;

static void say(void *arg, const char *msg)
{
	(void)arg;
	if (nsaid < 4)
		snprintf(said[nsaid], sizeof(said[0]), "%s", msg);
	nsaid++;
}

static struct ls_linkwatch lw;

static int setup(void **state)
{
	(void)state;
	memset(&lw, 0, sizeof(lw));
	lw.say = say;
	lw.fd = -1;
	nsaid = 0;
	return 0;
}

static size_t put_attr(uint8_t *buf, size_t off, unsigned type, const void *data, size_t n)
{
	struct rtattr *ra = (struct rtattr *)(buf + off);

	ra->rta_type = (unsigned short)type;
	ra->rta_len = (unsigned short)RTA_LENGTH(n);
	memcpy(RTA_DATA(ra), data, n);
	return off + RTA_ALIGN(ra->rta_len);
}

static void link_msg(unsigned type, int index, const char *name, unsigned flags, double now)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	size_t off;

	memset(buf, 0, sizeof(buf));
	ifi->ifi_index = index;
	ifi->ifi_flags = flags;
	off = put_attr(buf, NLMSG_LENGTH(sizeof(*ifi)), IFLA_IFNAME, name, strlen(name) + 1);
	h->nlmsg_len = (uint32_t)off;
	h->nlmsg_type = (uint16_t)type;
	ls_linkwatch_feed(&lw, buf, off, now);
}

static void addr_msg(unsigned type, int index, uint8_t flags, double now)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const uint8_t a4[4] = { 10, 0, 0, 1 };
	size_t off;

	memset(buf, 0, sizeof(buf));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = (unsigned)index;
	ifa->ifa_flags = flags;
	off = put_attr(buf, NLMSG_LENGTH(sizeof(*ifa)), IFA_LOCAL, a4, 4);
	h->nlmsg_len = (uint32_t)off;
	h->nlmsg_type = (uint16_t)type;
	ls_linkwatch_feed(&lw, buf, off, now);
}

static void route_msg(unsigned type, int oif, uint8_t rtype, double now)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct rtmsg *rtm = NLMSG_DATA(h);
	const uint8_t dst[4] = { 10, 0, 0, 0 };
	uint32_t o = (uint32_t)oif;
	size_t off;

	memset(buf, 0, sizeof(buf));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 24;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = rtype;
	off = put_attr(buf, NLMSG_LENGTH(sizeof(*rtm)), RTA_DST, dst, 4);
	off = put_attr(buf, off, RTA_OIF, &o, 4);
	h->nlmsg_len = (uint32_t)off;
	h->nlmsg_type = (uint16_t)type;
	ls_linkwatch_feed(&lw, buf, off, now);
}

/* Carrier lost then back: a probe across the break proves nothing; one
 * that started after the link came back does; said once per link. */
static void test_carrier_lost_and_back(void **state)
{
	(void)state;
	link_msg(RTM_NEWLINK, 5, "eth9", IFF_UP | IFF_LOWER_UP, 100);
	assert_null(ls_linkwatch_broke(&lw, 5, 50));
	link_msg(RTM_NEWLINK, 5, "eth9", IFF_UP, 200);
	assert_non_null(ls_linkwatch_broke(&lw, 5, 150));
	assert_non_null(ls_linkwatch_broke(&lw, 5, 250));	/* still broken */
	assert_int_equal(nsaid, 1);
	assert_string_equal(said[0], "eth9 lost its carrier during the sweep: hosts probed through it are "
			    "reported unknown, not down");
	link_msg(RTM_NEWLINK, 5, "eth9", IFF_UP | IFF_LOWER_UP, 300);
	assert_null(ls_linkwatch_broke(&lw, 5, 400));
	assert_non_null(ls_linkwatch_broke(&lw, 5, 150));
	assert_null(ls_linkwatch_broke(&lw, 6, 0));		/* another link: nothing */
	assert_int_equal(nsaid, 1);
	assert_true(lw.any_said);
}

/* Down, deleted, an address or a route removed; the first reason kept. */
static void test_each_kind_of_break(void **state)
{
	(void)state;
	link_msg(RTM_NEWLINK, 2, "eth1", 0, 10);
	addr_msg(RTM_DELADDR, 2, 0, 11);			/* a link down loses its addresses too */
	assert_non_null(ls_linkwatch_broke(&lw, 2, 0));
	assert_string_equal(said[0], "eth1 was taken down during the sweep: hosts probed through it are "
			    "reported unknown, not down");
	link_msg(RTM_DELLINK, 3, "eth2", IFF_UP | IFF_LOWER_UP, 10);
	assert_non_null(ls_linkwatch_broke(&lw, 3, 0));
	assert_non_null(strstr(said[1], "eth2 was deleted"));
	addr_msg(RTM_DELADDR, 4, 0, 10);
	assert_non_null(ls_linkwatch_broke(&lw, 4, 0));
	assert_non_null(strstr(said[2], "lost an address"));
	route_msg(RTM_DELROUTE, 7, RTN_UNICAST, 10);
	assert_non_null(ls_linkwatch_broke(&lw, 7, 0));
	assert_non_null(strstr(said[3], "lost a route"));
	assert_int_equal(nsaid, 4);
}

/* Routine changes break nothing: a temporary address expiring, a local
 * route going, a new address. */
static void test_routine_changes(void **state)
{
	(void)state;
	addr_msg(RTM_DELADDR, 4, IFA_F_TEMPORARY, 10);
	route_msg(RTM_DELROUTE, 4, RTN_LOCAL, 10);
	addr_msg(RTM_NEWADDR, 4, 0, 10);
	route_msg(RTM_NEWROUTE, 4, RTN_UNICAST, 10);
	assert_null(ls_linkwatch_broke(&lw, 4, 0));
	assert_int_equal(nsaid, 0);
}

/* Many links come and go (containers): the table keeps the latest breaks. */
static void test_many_links(void **state)
{
	char name[16];
	int i;

	(void)state;
	for (i = 100; i < 100 + 3 * LS_LINKWATCH_MAX; i++) {
		snprintf(name, sizeof(name), "veth%d", i);
		link_msg(RTM_DELLINK, i, name, 0, (double)i);
	}
	assert_int_equal(lw.n, LS_LINKWATCH_MAX);
	assert_non_null(ls_linkwatch_broke(&lw, 100 + 3 * LS_LINKWATCH_MAX - 1, 0));
	assert_null(ls_linkwatch_broke(&lw, 100, 0));	/* forgotten: the oldest */
}

/* Truncated or malformed messages are ignored. */
static void test_malformed(void **state)
{
	uint8_t buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;

	(void)state;
	memset(buf, 0, sizeof(buf));
	h->nlmsg_type = RTM_DELLINK;
	h->nlmsg_len = 200;			/* longer than what is there */
	ls_linkwatch_feed(&lw, buf, sizeof(buf), 1);
	ls_linkwatch_feed(&lw, buf, 3, 1);	/* not even a header */
	h->nlmsg_len = NLMSG_LENGTH(2);
	ls_linkwatch_feed(&lw, buf, h->nlmsg_len, 1);
	assert_int_equal(lw.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_carrier_lost_and_back, setup),
		cmocka_unit_test_setup(test_each_kind_of_break, setup),
		cmocka_unit_test_setup(test_routine_changes, setup),
		cmocka_unit_test_setup(test_many_links, setup),
		cmocka_unit_test_setup(test_malformed, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
