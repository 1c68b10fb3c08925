/* kind.c -- the device recognition rule table: facts in, a kind and a model out. */
#include "lanscan/kind.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lanscan/util.h"

const char *const ls_kind_words[] = {
	"router", "printer", "computer", "phone", "tablet", "tv", "media", "speaker", "nas", "camera", "iot",
	"network", "server", NULL,
};

#define P(s, k, m, v) { s, k, LS_MATCH_##m, v }
#define NONE { NULL, NULL, LS_MATCH_ANY, NULL }
#define R(s, k, m, v, kind, tier) { P(s, k, m, v), NONE, kind, LS_TIER_##tier }
#define R2(s, k, m, v, s2, k2, m2, v2, kind, tier) { P(s, k, m, v), P(s2, k2, m2, v2), kind, LS_TIER_##tier }
#define SVC(svc, kind, tier) R("mdns", "service", EXACT, svc, kind, tier)
#define UPNP(m, v, kind) R("upnp", "deviceType", m, v, kind, OWN)
#define VENDOR(v, kind) R("mac", "vendor", CONTAINS, v, kind, VENDOR)
#define HAP(cats, kind) R("mdns", "_hap._tcp.ci", ONEOF, cats, kind, OWN)
#define DEVINFO(m, v, kind) R("mdns", "_device-info._tcp.model", m, v, kind, OWN)

/* In order: within a tier the first rule that matches decides. */
static const struct ls_kind_rule rules[] = {
	/* The device's own statement: a UPnP device type. */
	UPNP(CONTAINS, ":device:InternetGatewayDevice:", "router"),
	UPNP(CONTAINS, ":device:WANDevice:", "router"),
	UPNP(CONTAINS, ":device:WLANAccessPointDevice:", "network"),
	UPNP(CONTAINS, ":device:Printer:", "printer"),
	UPNP(CONTAINS, ":device:ZonePlayer:", "speaker"),
	UPNP(CONTAINS, ":device:DigitalSecurityCamera:", "camera"),
	UPNP(CONTAINS, ":device:MediaRenderer:", "media"),
	UPNP(CONTAINS, ":device:MediaServer:", "nas"),
	UPNP(CONTAINS, "urn:roku-com:device:", "media"),
	UPNP(CONTAINS, "urn:Belkin:device:", "iot"),
	/* A HomeKit accessory category (HAP specification, table 12-3). */
	HAP("|2|3|4|5|6|7|8|9|10|11|12|13|14|15|19|20|21|22|23|28|29|30|32|", "iot"),
	HAP("|16|", "network"),
	HAP("|17|18|", "camera"),
	HAP("|24|31|", "tv"),
	HAP("|26|", "speaker"),
	HAP("|33|", "router"),
	HAP("|34|35|36|", "media"),
	/* An Apple model identifier (_device-info._tcp model=). */
	DEVINFO(PREFIX, "MacBook", "computer"),
	DEVINFO(PREFIX, "iMac", "computer"),
	DEVINFO(PREFIX, "Macmini", "computer"),
	DEVINFO(PREFIX, "MacPro", "computer"),
	DEVINFO(PREFIX, "Mac1", "computer"),	/* Mac13,1 (Studio), Mac14,2 (MacBook Air M2) */
	DEVINFO(PREFIX, "iPhone", "phone"),
	DEVINFO(PREFIX, "iPad", "tablet"),
	DEVINFO(PREFIX, "AppleTV", "media"),
	DEVINFO(PREFIX, "AudioAccessory", "speaker"),
	DEVINFO(PREFIX, "TimeCapsule", "nas"),
	DEVINFO(PREFIX, "RackMac", "server"),
	DEVINFO(PREFIX, "Xserve", "server"),
	R("mdns", "_companion-link._tcp.rpmd", PREFIX, "iPhone", "phone", OWN),
	R("mdns", "_companion-link._tcp.rpmd", PREFIX, "iPad", "tablet", OWN),
	R("mdns", "_airplay._tcp.model", PREFIX, "AppleTV", "media", OWN),
	R("mdns", "_airplay._tcp.model", PREFIX, "AudioAccessory", "speaker", OWN),
	/* Services only one kind of device offers. */
	SVC("_ipp._tcp", "printer", OWN),
	SVC("_ipps._tcp", "printer", OWN),
	SVC("_printer._tcp", "printer", OWN),
	SVC("_pdl-datastream._tcp", "printer", OWN),
	SVC("_scanner._tcp", "printer", OWN),
	R("mdns", "_googlecast._tcp.md", CONTAINS, "Google Home", "speaker", OWN),
	R("mdns", "_googlecast._tcp.md", CONTAINS, "Nest Audio", "speaker", OWN),
	R("mdns", "_googlecast._tcp.md", CONTAINS, "Nest Mini", "speaker", OWN),
	SVC("_googlecast._tcp", "media", OWN),
	SVC("_sonos._tcp", "speaker", OWN),
	SVC("_airplay._tcp", "media", SERVICE),
	SVC("_raop._tcp", "speaker", SERVICE),
	SVC("_adisk._tcp", "nas", SERVICE),
	SVC("_spotify-connect._tcp", "speaker", SERVICE),
	SVC("_workstation._tcp", "computer", SERVICE),
	SVC("_rfb._tcp", "computer", SERVICE),
	R("ssdp", "server", CONTAINS, "Sonos", "speaker", SERVICE),
	R("ssdp", "server", CONTAINS, "Roku", "media", SERVICE),
	/* A private Wi-Fi address, with an Apple service a phone offers. */
	R2("mdns", "service", EXACT, "_companion-link._tcp", "mac", "local", EXACT, "1", "phone", SERVICE),
	R2("mdns", "service", EXACT, "_apple-mobdev2._tcp", "mac", "local", EXACT, "1", "phone", SERVICE),
	/* Printing ports only printers listen on. */
	R("tcp", "port", ONEOF, "|9100|515|", "printer", SERVICE),
	/* Vendors that make one kind of device. */
	VENDOR("Cisco", "network"),
	VENDOR("Juniper", "network"),
	VENDOR("Arista", "network"),
	VENDOR("Aruba", "network"),
	VENDOR("Ubiquiti", "network"),
	VENDOR("Routerboard", "network"),
	VENDOR("Extreme Networks", "network"),
	VENDOR("Ruckus", "network"),
	VENDOR("Fortinet", "network"),
	VENDOR("AVM ", "router"),
	VENDOR("Synology", "nas"),
	VENDOR("QNAP", "nas"),
	VENDOR("Hikvision", "camera"),
	VENDOR("Axis Communications", "camera"),
	VENDOR("Dahua", "camera"),
	VENDOR("Espressif", "iot"),
	VENDOR("Tuya", "iot"),
	VENDOR("Allterco", "iot"),
	VENDOR("Brother", "printer"),
	VENDOR("Seiko Epson", "printer"),
	VENDOR("Lexmark", "printer"),
	VENDOR("Xerox", "printer"),
	VENDOR("Sonos", "speaker"),
	VENDOR("Roku", "media"),
	VENDOR("Raspberry Pi", "computer"),
	VENDOR("Super Micro", "server"),
	/* Ports and names most computers answer on. */
	R("netbios", "server", EXACT, "1", "computer", PORT),
	R("tcp", "port", EXACT, "445", "computer", PORT),
	R("tcp", "port", EXACT, "3389", "computer", PORT),
	R("tcp", "port", EXACT, "631", "printer", PORT),
	R("tcp", "port", EXACT, "554", "camera", PORT),
	SVC("_smb._tcp", "computer", PORT),
	SVC("_afpovertcp._tcp", "computer", PORT),
	/* The initial TTL: 128 (Windows), 255 (network gear). */
	R("ip", "ttl", RANGE, "65-128", "computer", TTL),
	R("ip", "ttl", RANGE, "129-255", "network", TTL),
};

/* The device's own model strings, the most precise first. */
static const struct ls_model_rule models[] = {
	{ P("mdns", "_device-info._tcp.model", ANY, NULL) },
	{ P("upnp", "modelName", ANY, NULL) },
	{ P("mdns", "_hap._tcp.md", ANY, NULL) },
	{ P("mdns", "_googlecast._tcp.md", ANY, NULL) },
	{ P("mdns", "_airplay._tcp.model", ANY, NULL) },
	{ P("mdns", "_raop._tcp.am", ANY, NULL) },
	{ P("mdns", "_ipp._tcp.ty", ANY, NULL) },
	{ P("mdns", "_ipps._tcp.ty", ANY, NULL) },
	{ P("mdns", "_printer._tcp.ty", ANY, NULL) },
	{ P("mdns", "_pdl-datastream._tcp.ty", ANY, NULL) },
	{ P("mdns", "_ipp._tcp.usb_mdl", ANY, NULL) },
	{ P("mdns", "_ipp._tcp.product", ANY, NULL) },
	{ P("mdns", "_companion-link._tcp.rpmd", ANY, NULL) },
};

const struct ls_kind_rule *ls_kind_rules(size_t *n)
{
	*n = LS_ARRAY_SIZE(rules);
	return rules;
}

const struct ls_model_rule *ls_model_rules(size_t *n)
{
	*n = LS_ARRAY_SIZE(models);
	return models;
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

/* "|a|b|": whether v is one of the words. */
static bool oneof(const char *v, const char *set)
{
	size_t n = strlen(v);
	const char *p;

	if (n == 0 || strchr(v, '|') != NULL)
		return false;
	for (p = set; (p = strchr(p, '|')) != NULL && p[1] != '\0'; p++)
		if (strncasecmp(p + 1, v, n) == 0 && p[1 + n] == '|')
			return true;
	return false;
}

static bool in_range(const char *v, const char *range)
{
	const char *err;
	long long x, lo, hi;
	char buf[32];
	const char *dash = strchr(range, '-');

	if (dash == NULL || (size_t)(dash - range) >= sizeof(buf))
		return false;
	memcpy(buf, range, (size_t)(dash - range));
	buf[dash - range] = '\0';
	lo = ls_parse_num(buf, 0, 1LL << 31, &err);
	if (err != NULL)
		return false;
	hi = ls_parse_num(dash + 1, 0, 1LL << 31, &err);
	if (err != NULL)
		return false;
	x = ls_parse_num(v, 0, 1LL << 31, &err);
	return err == NULL && x >= lo && x <= hi;
}

int ls_kind_pat_match(const struct ls_kind_pat *p, const struct ls_fact *f)
{
	if (f->src == NULL || f->key == NULL || f->value == NULL)
		return 0;
	if (strcasecmp(p->src, f->src) != 0 || strcasecmp(p->key, f->key) != 0)
		return 0;
	if (p->match == LS_MATCH_ANY)
		return 1;
	if (f->value[0] == '\0')
		return 0;
	switch (p->match) {
	case LS_MATCH_EXACT:
		return strcasecmp(f->value, p->pattern) == 0;
	case LS_MATCH_PREFIX:
		return strncasecmp(f->value, p->pattern, strlen(p->pattern)) == 0;
	case LS_MATCH_CONTAINS:
		return contains_nocase(f->value, p->pattern);
	case LS_MATCH_ONEOF:
		return oneof(f->value, p->pattern);
	case LS_MATCH_RANGE:
		return in_range(f->value, p->pattern);
	default:
		return 0;
	}
}

/* The index of the first fact matching p, or -1. */
static int find(const struct ls_kind_pat *p, const struct ls_fact *facts, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < (size_t)1 << 30; i++)
		if (ls_kind_pat_match(p, &facts[i]))
			return (int)i;
	return -1;
}

void ls_kind_decide(const struct ls_fact *facts, size_t n, struct ls_kind_result *out)
{
	size_t i;
	int at;

	memset(out, 0, sizeof(*out));
	out->kind_fact = out->model_fact = -1;
	for (i = 0; i < LS_ARRAY_SIZE(rules); i++) {
		const struct ls_kind_rule *r = &rules[i];
		if (out->rule != NULL && r->tier <= out->rule->tier)
			continue;
		if ((at = find(&r->fact, facts, n)) < 0)
			continue;
		if (r->with.src != NULL && find(&r->with, facts, n) < 0)
			continue;
		out->rule = r;
		out->kind = r->kind;
		out->kind_fact = at;
	}
	for (i = 0; i < LS_ARRAY_SIZE(models); i++) {
		size_t k;
		for (k = 0; k < n; k++)	/* a model must say something */
			if (ls_kind_pat_match(&models[i].fact, &facts[k]) && facts[k].value[0] != '\0')
				break;
		if (k < n) {
			out->model = facts[k].value;
			out->model_fact = (int)k;
			break;
		}
	}
}

static const char *const tier_names[] = {
	"the initial TTL", "an open port or NetBIOS server name", "the MAC vendor",
	"a service most devices of one kind offer", "the device's own statement",
};

static const char *const match_words[] = {
	"any value", "is", "starts with", "contains", "is one of", "in",
};

/* Writes s with man(7)'s special characters escaped (backslash, a leading dot or quote). */
static void man_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
}

static void pat_man(FILE *out, const struct ls_kind_pat *p)
{
	fputs("\\fB", out);
	man_text(out, p->src);
	fputs("\\fR ", out);
	man_text(out, p->key);
	fprintf(out, " %s", match_words[p->match]);
	if (p->match == LS_MATCH_ONEOF) {
		const char *s;
		fputc(' ', out);
		for (s = p->pattern + 1; *s != '\0'; s++)
			if (*s != '|')
				fputc(*s, out);
			else if (s[1] != '\0')
				fputs(", ", out);
	} else if (p->pattern != NULL) {
		fputs(" \"", out);
		man_text(out, p->pattern);
		fputc('"', out);
	}
}

void ls_kind_describe_man(FILE *out)
{
	int tier;
	size_t i;

	for (tier = LS_TIER_OWN; tier >= LS_TIER_TTL; tier--) {
		fprintf(out, ".SS \"Tier %d: %s\"\n.PD 0\n", tier, tier_names[tier]);
		for (i = 0; i < LS_ARRAY_SIZE(rules); i++) {
			if ((int)rules[i].tier != tier)
				continue;
			fprintf(out, ".TP 10\n.B %s\n", rules[i].kind);
			pat_man(out, &rules[i].fact);
			if (rules[i].with.src != NULL) {
				fputs(", with ", out);
				pat_man(out, &rules[i].with);
			}
			fputc('\n', out);
		}
		fputs(".PD\n", out);
	}
	fputs(".SS \"Model: the first of\"\n.PD 0\n", out);
	for (i = 0; i < LS_ARRAY_SIZE(models); i++) {
		fputs(".IP \\(bu 2\n", out);
		pat_man(out, &models[i].fact);
		fputc('\n', out);
	}
	fputs(".PD\n", out);
}
