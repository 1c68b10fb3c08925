/* test_kind.c -- unit tests of the device recognition rule table: every rule, the tiers, the lab's devices, no guesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/kind.h"
#include "lanscan/util.h"

#define DECIDE(res, ...)                                                           \
	do {                                                                       \
		static const struct ls_fact f_[] = { __VA_ARGS__ };                \
		ls_kind_decide(f_, LS_ARRAY_SIZE(f_), (res));                      \
	} while (0)

static void assert_kind(const struct ls_kind_result *r, const char *kind)
{
	if (kind == NULL)
		assert_null(r->kind);
	else {
		assert_non_null(r->kind);
		assert_string_equal(r->kind, kind);
	}
}

static void assert_model(const struct ls_kind_result *r, const char *model)
{
	if (model == NULL)
		assert_null(r->model);
	else {
		assert_non_null(r->model);
		assert_string_equal(r->model, model);
	}
}

/* A value the pattern matches: the pattern itself, the first word of a
 * set, the low end of a range. */
static void sample(const struct ls_kind_pat *p, char *buf, size_t len)
{
	if (p->match == LS_MATCH_ANY) {
		snprintf(buf, len, "x");
	} else if (p->match == LS_MATCH_ONEOF) {
		snprintf(buf, len, "%s", p->pattern + 1);
		buf[strcspn(buf, "|")] = '\0';
	} else if (p->match == LS_MATCH_RANGE) {
		snprintf(buf, len, "%s", p->pattern);
		buf[strcspn(buf, "-")] = '\0';
	} else {
		snprintf(buf, len, "%s", p->pattern);
	}
}

/* Each rule, alone with what it needs, decides; its kind is a word of
 * the vocabulary. */
static void test_every_rule_fires(void **state)
{
	const struct ls_kind_rule *rules;
	struct ls_kind_result r;
	char v1[128], v2[128];
	size_t n, i, w;

	(void)state;
	rules = ls_kind_rules(&n);
	assert_true(n > 50);
	for (i = 0; i < n; i++) {
		struct ls_fact f[2];
		size_t nf = 1;
		for (w = 0; ls_kind_words[w] != NULL; w++)
			if (strcmp(ls_kind_words[w], rules[i].kind) == 0)
				break;
		assert_non_null(ls_kind_words[w]);
		sample(&rules[i].fact, v1, sizeof(v1));
		f[0] = (struct ls_fact){ rules[i].fact.src, rules[i].fact.key, v1 };
		if (rules[i].with.src != NULL) {
			sample(&rules[i].with, v2, sizeof(v2));
			f[nf++] = (struct ls_fact){ rules[i].with.src, rules[i].with.key, v2 };
		}
		ls_kind_decide(f, nf, &r);
		if (r.rule != &rules[i])
			fail_msg("rule %zu (%s %s %s) did not decide", i, rules[i].fact.src, rules[i].fact.key, v1);
		assert_string_equal(r.kind, rules[i].kind);
		assert_int_equal(r.kind_fact, 0);
		/* A rule that needs a second fact does nothing without it. */
		if (rules[i].with.src != NULL) {
			ls_kind_decide(f, 1, &r);
			assert_ptr_not_equal(r.rule, &rules[i]);
		}
	}
}

/* Rules are in tier order within the table only where it matters: every
 * tier has rules, and the tiers are the documented five. */
static void test_tiers_present(void **state)
{
	const struct ls_kind_rule *rules;
	unsigned seen = 0;
	size_t n, i;

	(void)state;
	rules = ls_kind_rules(&n);
	for (i = 0; i < n; i++) {
		assert_true(rules[i].tier >= LS_TIER_TTL && rules[i].tier <= LS_TIER_OWN);
		seen |= 1u << rules[i].tier;
	}
	assert_int_equal(seen, 0x1f);
}

static void test_nothing_is_null(void **state)
{
	struct ls_kind_result r;

	(void)state;
	ls_kind_decide(NULL, 0, &r);
	assert_null(r.kind);
	assert_null(r.model);
	assert_int_equal(r.kind_fact, -1);
	assert_int_equal(r.model_fact, -1);
	assert_null(r.rule);
	/* Facts no rule reads: still nothing. */
	DECIDE(&r, { "mdns", "service", "_http._tcp" }, { "mdns", "service", "_ssh._tcp" }, { "ip", "ttl", "64" },
	       { "mac", "vendor", "Apple, Inc." }, { "tcp", "port", "22" }, { "upnp", "friendlyName", "Box" });
	assert_null(r.kind);
	assert_null(r.model);
}

/* A locally administered address alone says nothing; with an Apple phone
 * service it is a phone. */
static void test_local_mac_needs_support(void **state)
{
	struct ls_kind_result r;

	(void)state;
	DECIDE(&r, { "mac", "local", "1" }, { "mac", "vendor", "(locally administered)" }, { "ip", "ttl", "64" });
	assert_null(r.kind);
	DECIDE(&r, { "mdns", "service", "_companion-link._tcp" });
	assert_null(r.kind);
	DECIDE(&r, { "mdns", "service", "_companion-link._tcp" }, { "mac", "local", "0" });
	assert_null(r.kind);
	DECIDE(&r, { "mac", "local", "1" }, { "mdns", "service", "_companion-link._tcp" });
	assert_kind(&r, "phone");
	assert_int_equal(r.kind_fact, 1);
	/* but the device's own model wins over the guess */
	DECIDE(&r, { "mac", "local", "1" }, { "mdns", "service", "_companion-link._tcp" },
	       { "mdns", "_device-info._tcp.model", "iPad13,4" });
	assert_kind(&r, "tablet");
	assert_model(&r, "iPad13,4");
}

/* Strongest wins: own statement > service > vendor > port > TTL, in any
 * order of the facts. */
static void test_tier_order(void **state)
{
	struct ls_kind_result r;

	(void)state;
	DECIDE(&r, { "ip", "ttl", "255" }, { "mac", "vendor", "Synology Incorporated" });
	assert_kind(&r, "nas");
	DECIDE(&r, { "ip", "ttl", "128" }, { "tcp", "port", "631" });
	assert_kind(&r, "printer");
	DECIDE(&r, { "tcp", "port", "445" }, { "mac", "vendor", "Espressif Inc." });
	assert_kind(&r, "iot");
	DECIDE(&r, { "mac", "vendor", "Synology Incorporated" }, { "mdns", "service", "_workstation._tcp" });
	assert_kind(&r, "computer");
	DECIDE(&r, { "mdns", "service", "_workstation._tcp" },
	       { "upnp", "deviceType", "urn:schemas-upnp-org:device:MediaServer:1" });
	assert_kind(&r, "nas");
	DECIDE(&r, { "upnp", "deviceType", "urn:schemas-upnp-org:device:InternetGatewayDevice:1" },
	       { "mac", "vendor", "Cisco Systems, Inc" }, { "ip", "ttl", "64" });
	assert_kind(&r, "router");
	assert_int_equal(r.kind_fact, 0);
	/* the same tier: the table's order */
	DECIDE(&r, { "mdns", "service", "_googlecast._tcp" }, { "mdns", "service", "_ipp._tcp" });
	assert_kind(&r, "printer");
	assert_int_equal(r.kind_fact, 1);
}

static void test_ttl(void **state)
{
	struct ls_kind_result r;

	(void)state;
	DECIDE(&r, { "ip", "ttl", "64" });
	assert_null(r.kind);
	DECIDE(&r, { "ip", "ttl", "65" });
	assert_kind(&r, "computer");
	DECIDE(&r, { "ip", "ttl", "128" });
	assert_kind(&r, "computer");
	DECIDE(&r, { "ip", "ttl", "129" });
	assert_kind(&r, "network");
	DECIDE(&r, { "ip", "ttl", "255" });
	assert_kind(&r, "network");
	DECIDE(&r, { "ip", "ttl", "256" });
	assert_null(r.kind);
	DECIDE(&r, { "ip", "ttl", "128x" });
	assert_null(r.kind);
	DECIDE(&r, { "ip", "ttl", "" });
	assert_null(r.kind);
	DECIDE(&r, { "ip", "ttl", "-1" });
	assert_null(r.kind);
}

static void test_homekit_categories(void **state)
{
	static const struct {
		const char *ci, *kind;
	} cases[] = {
		{ "1", NULL }, { "2", "iot" }, { "5", "iot" }, { "7", "iot" }, { "16", "network" }, { "17", "camera" },
		{ "18", "camera" }, { "24", "tv" }, { "25", NULL }, { "26", "speaker" }, { "31", "tv" },
		{ "33", "router" }, { "36", "media" }, { "37", NULL }, { "", NULL }, { "1|", NULL },
		{ "|", NULL }, { "17|", NULL }, { "0", NULL }, { "170", NULL },
	};
	struct ls_kind_result r;
	struct ls_fact f = { "mdns", "_hap._tcp.ci", NULL };
	size_t i;

	(void)state;
	for (i = 0; i < LS_ARRAY_SIZE(cases); i++) {
		f.value = cases[i].ci;
		ls_kind_decide(&f, 1, &r);
		assert_kind(&r, cases[i].kind);
	}
}

static void test_apple_models(void **state)
{
	static const struct {
		const char *model, *kind;
	} cases[] = {
		{ "MacBookAir10,1", "computer" }, { "MacBookPro18,3", "computer" }, { "iMac21,1", "computer" },
		{ "Macmini9,1", "computer" }, { "Mac14,2", "computer" }, { "iPhone14,2", "phone" },
		{ "iPad13,4", "tablet" }, { "AppleTV11,1", "media" }, { "AudioAccessory5,1", "speaker" },
		{ "TimeCapsule8,119", "nas" }, { "RackMac3,1", "server" }, { "MacSamba", NULL },
		{ "Watch6,1", NULL }, { "macbookair10,1", "computer" },
	};
	struct ls_kind_result r;
	struct ls_fact f = { "mdns", "_device-info._tcp.model", NULL };
	size_t i;

	(void)state;
	for (i = 0; i < LS_ARRAY_SIZE(cases); i++) {
		f.value = cases[i].model;
		ls_kind_decide(&f, 1, &r);
		assert_kind(&r, cases[i].kind);
		assert_model(&r, cases[i].model);	/* the model is the device's string either way */
	}
}

/* The models: the device's own strings only, the most precise first. */
static void test_model_sources(void **state)
{
	struct ls_kind_result r;

	(void)state;
	DECIDE(&r, { "mdns", "_ipp._tcp.product", "(HP LaserJet Pro M404dn)" },
	       { "mdns", "_ipp._tcp.ty", "HP LaserJet Pro M404dn" }, { "mdns", "service", "_ipp._tcp" });
	assert_kind(&r, "printer");
	assert_model(&r, "HP LaserJet Pro M404dn");
	assert_int_equal(r.model_fact, 1);
	assert_int_equal(r.kind_fact, 2);
	DECIDE(&r, { "mdns", "_ipp._tcp.ty", "" }, { "mdns", "_ipp._tcp.usb_mdl", "LaserJet Pro M404dn" });
	assert_model(&r, "LaserJet Pro M404dn");
	DECIDE(&r, { "upnp", "modelName", "MiniDLNA" }, { "upnp", "manufacturer", "Justin Maggard" });
	assert_model(&r, "MiniDLNA");
	assert_null(r.kind);
	DECIDE(&r, { "mac", "vendor", "Brother industries, LTD." }, { "upnp", "friendlyName", "Printer" });
	assert_model(&r, NULL);	/* no vendor or name is a model */
	assert_kind(&r, "printer");
	DECIDE(&r, { "mdns", "_googlecast._tcp.md", "Chromecast" }, { "mdns", "service", "_googlecast._tcp" },
	       { "mdns", "_googlecast._tcp.fn", "Living Room TV" });
	assert_kind(&r, "media");
	assert_model(&r, "Chromecast");
	DECIDE(&r, { "mdns", "_googlecast._tcp.md", "Google Home Mini" }, { "mdns", "service", "_googlecast._tcp" });
	assert_kind(&r, "speaker");
	DECIDE(&r, { "mdns", "_raop._tcp.am", "AudioAccessory5,1" }, { "mdns", "service", "_raop._tcp" });
	assert_kind(&r, "speaker");
	assert_model(&r, "AudioAccessory5,1");
	DECIDE(&r, { "mdns", "_hap._tcp.md", "Eve Energy" }, { "mdns", "_hap._tcp.ci", "7" });
	assert_kind(&r, "iot");
	assert_model(&r, "Eve Energy");
}

/* Key and source names are case-insensitive, values are compared as the
 * table says; a fact with a NULL member is skipped. */
static void test_matching(void **state)
{
	struct ls_kind_result r;
	struct ls_kind_pat p = { "mdns", "service", LS_MATCH_ONEOF, "|a|bc|" };
	struct ls_fact f = { "MDNS", "Service", "BC" };

	(void)state;
	assert_true(ls_kind_pat_match(&p, &f));
	f.value = "b";
	assert_false(ls_kind_pat_match(&p, &f));
	f.value = "a|bc";
	assert_false(ls_kind_pat_match(&p, &f));
	f.value = NULL;
	assert_false(ls_kind_pat_match(&p, &f));
	DECIDE(&r, { NULL, "service", "_ipp._tcp" }, { "mdns", NULL, "_ipp._tcp" }, { "mdns", "service", NULL });
	assert_null(r.kind);
	DECIDE(&r, { "UPNP", "devicetype", "urn:schemas-upnp-org:device:printer:1" });
	assert_kind(&r, "printer");
	/* a vendor's name inside a longer one still counts (CONTAINS) */
	DECIDE(&r, { "mac", "vendor", "Cisco Systems, Inc" });
	assert_kind(&r, "network");
	/* a device type that is not one: no kind */
	DECIDE(&r, { "upnp", "deviceType", "urn:schemas-upnp-org:device:Basic:1" });
	assert_null(r.kind);
}

/* The lab's devices (tests/lab/devices.sh), each with the facts the
 * sources gather from it. */
static void test_lab_devices(void **state)
{
	struct ls_kind_result r;

	(void)state;
	/* printer: avahi _ipp._tcp, TCP 631 and 9100, Brother's OUI is not used: HP */
	DECIDE(&r, { "mac", "vendor", "Hewlett Packard" }, { "ip", "ttl", "64" }, { "tcp", "port", "631" },
	       { "mdns", "service", "_ipp._tcp" }, { "mdns", "_ipp._tcp.ty", "HP LaserJet Pro M404dn" },
	       { "mdns", "_ipp._tcp.product", "(HP LaserJet Pro M404dn)" });
	assert_kind(&r, "printer");
	assert_model(&r, "HP LaserJet Pro M404dn");
	/* MacBook Air */
	DECIDE(&r, { "mac", "vendor", "Apple, Inc." }, { "ip", "ttl", "64" },
	       { "mdns", "service", "_device-info._tcp" }, { "mdns", "_device-info._tcp.model", "MacBookAir10,1" });
	assert_kind(&r, "computer");
	assert_model(&r, "MacBookAir10,1");
	/* Chromecast */
	DECIDE(&r, { "mac", "vendor", "Google, Inc." }, { "mdns", "service", "_googlecast._tcp" },
	       { "mdns", "_googlecast._tcp.md", "Chromecast" }, { "mdns", "_googlecast._tcp.fn", "Living Room" });
	assert_kind(&r, "media");
	assert_model(&r, "Chromecast");
	/* Raspberry Pi */
	DECIDE(&r, { "mac", "vendor", "Raspberry Pi Trading Ltd" }, { "mdns", "service", "_workstation._tcp" },
	       { "mdns", "service", "_ssh._tcp" }, { "tcp", "port", "22" });
	assert_kind(&r, "computer");
	assert_model(&r, NULL);
	/* minidlna */
	DECIDE(&r, { "ssdp", "server", "Debian DLNADOC/1.50 UPnP/1.0 MiniDLNA/1.3.0" },
	       { "upnp", "deviceType", "urn:schemas-upnp-org:device:MediaServer:1" },
	       { "upnp", "modelName", "LabNAS DLNA 1.0" }, { "mac", "vendor", "Synology Incorporated" });
	assert_kind(&r, "nas");
	assert_model(&r, "LabNAS DLNA 1.0");
	/* miniupnpd */
	DECIDE(&r, { "upnp", "deviceType", "urn:schemas-upnp-org:device:InternetGatewayDevice:1" },
	       { "upnp", "modelName", "LabRouter AX1800" }, { "ip", "ttl", "64" });
	assert_kind(&r, "router");
	assert_model(&r, "LabRouter AX1800");
	/* Windows PC */
	DECIDE(&r, { "netbios", "name", "DESK-30" }, { "netbios", "server", "1" }, { "netbios", "workgroup", "LAB" },
	       { "ip", "ttl", "128" }, { "tcp", "port", "445" }, { "mac", "vendor", "Dell Inc." });
	assert_kind(&r, "computer");
	assert_model(&r, NULL);
	/* switch */
	DECIDE(&r, { "ip", "ttl", "255" }, { "mac", "vendor", "Cisco Systems, Inc" });
	assert_kind(&r, "network");
	assert_int_equal(r.rule->tier, LS_TIER_VENDOR);
	/* phone */
	DECIDE(&r, { "mac", "local", "1" }, { "mac", "vendor", "(locally administered)" },
	       { "mdns", "service", "_companion-link._tcp" }, { "ip", "ttl", "64" });
	assert_kind(&r, "phone");
	assert_model(&r, NULL);
	/* the device that offers nothing */
	DECIDE(&r, { "ip", "ttl", "64" }, { "mac", "vendor", "Intel Corporate" });
	assert_null(r.kind);
	assert_null(r.model);
}

/* The documentation lists every rule, and the man page draft has the
 * tables as they are. */
static void test_describe(void **state)
{
	char *buf = NULL, *draft;
	size_t len = 0, n, items = 0, dlen;
	FILE *f = open_memstream(&buf, &len);
	const char *p;

	(void)state;
	assert_non_null(f);
	ls_kind_describe_man(f);
	fclose(f);
	(void)ls_kind_rules(&n);
	for (p = buf; (p = strstr(p, ".TP 10\n")) != NULL; p++)
		items++;
	assert_int_equal(items, n);
	f = fopen("man/lanscan.1", "r");
	assert_non_null(f);
	draft = malloc(1 << 20);
	dlen = fread(draft, 1, (1 << 20) - 1, f);
	draft[dlen] = '\0';
	fclose(f);
	if (strstr(draft, buf) == NULL)
		fail_msg("man/lanscan.1 (DEVICE RECOGNITION) is not up to date with ls_kind_describe_man()");
	free(draft);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule_fires),
		cmocka_unit_test(test_tiers_present),
		cmocka_unit_test(test_nothing_is_null),
		cmocka_unit_test(test_local_mac_needs_support),
		cmocka_unit_test(test_tier_order),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_homekit_categories),
		cmocka_unit_test(test_apple_models),
		cmocka_unit_test(test_model_sources),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_lab_devices),
		cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
