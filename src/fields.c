/* fields.c -- the output fields: each one's text, its form for a person, its JSON value. */
#include "lanscan/fields.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lanscan/util.h"

static const char *f_address(const struct ls_result *r, char *buf, size_t len)
{
	return r->has_addr ? ls_addr_format(&r->addr, buf, len) : r->target;	/* TSV: the target when none */
}

static void j_address(const struct ls_result *r, struct ls_sbuf *b)
{
	char buf[LS_FIELD_BUF];

	ls_sbuf_json_str(b, r->has_addr ? ls_addr_format(&r->addr, buf, sizeof(buf)) : NULL);
}

static const char *f_target(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return r->target;
}

static const char *f_state(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return ls_state_name(r->state);
}

static const char *f_rtt(const struct ls_result *r, char *buf, size_t len)
{
	if (r->rtt_ms < 0)
		return NULL;
	snprintf(buf, len, "%.3f", r->rtt_ms);
	return buf;
}

/* As ping prints it: three significant decimals at most, with the unit. */
static const char *h_rtt(const struct ls_result *r, char *buf, size_t len)
{
	double v = r->rtt_ms;

	if (v < 0)
		return NULL;
	snprintf(buf, len, v < 10 ? "%.3f ms" : v < 100 ? "%.2f ms" : v < 1000 ? "%.1f ms" : "%.0f ms", v);
	return buf;
}

static void j_rtt(const struct ls_result *r, struct ls_sbuf *b)
{
	if (r->rtt_ms >= 0)
		ls_sbuf_printf(b, "%.3f", r->rtt_ms);
	else
		ls_sbuf_puts(b, "null");
}

static const char *f_name(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return r->name;
}

static const char *f_via(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return r->state == LS_UP ? r->via : NULL;	/* only an answer has a method */
}

static const char *f_mac(const struct ls_result *r, char *buf, size_t len)
{
	if (!r->has_mac)
		return NULL;
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", r->mac[0], r->mac[1], r->mac[2], r->mac[3],
		 r->mac[4], r->mac[5]);
	return buf;
}

static const char *f_vendor(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return r->has_mac ? r->vendor : NULL;
}

static const char *f_sent(const struct ls_result *r, char *buf, size_t len)
{
	if (r->sent == 0)
		return NULL;
	snprintf(buf, len, "%u", r->sent);
	return buf;
}

static const char *f_received(const struct ls_result *r, char *buf, size_t len)
{
	if (r->sent == 0)
		return NULL;
	snprintf(buf, len, "%u", r->received);
	return buf;
}

static const char *f_loss(const struct ls_result *r, char *buf, size_t len)
{
	if (r->sent == 0)
		return NULL;
	snprintf(buf, len, "%.0f%%", 100.0 * (r->sent - r->received) / r->sent);
	return buf;
}

/* A JSON number with decimals (0: an integer), or null. */
static void j_count(struct ls_sbuf *b, bool has, double v, int decimals)
{
	if (has)
		ls_sbuf_printf(b, "%.*f", decimals, v);
	else
		ls_sbuf_puts(b, "null");
}

static void j_sent(const struct ls_result *r, struct ls_sbuf *b)
{
	j_count(b, r->sent > 0, r->sent, 0);
}

static void j_received(const struct ls_result *r, struct ls_sbuf *b)
{
	j_count(b, r->sent > 0, r->received, 0);
}

static void j_loss(const struct ls_result *r, struct ls_sbuf *b)
{
	j_count(b, r->sent > 0, r->sent ? 100.0 * (r->sent - r->received) / r->sent : 0, 1);
}

static const char *ms(double v, char *buf, size_t len, bool unit)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, unit ? "%.3f ms" : "%.3f", v);
	return buf;
}

static const char *f_rtt_min(const struct ls_result *r, char *buf, size_t len)
{
	return r->sent > 0 && r->received > 0 ? ms(r->rtt_min_ms, buf, len, false) : NULL;
}

static const char *h_rtt_min(const struct ls_result *r, char *buf, size_t len)
{
	return r->sent > 0 && r->received > 0 ? ms(r->rtt_min_ms, buf, len, true) : NULL;
}

static const char *f_rtt_max(const struct ls_result *r, char *buf, size_t len)
{
	return r->sent > 0 && r->received > 0 ? ms(r->rtt_max_ms, buf, len, false) : NULL;
}

static const char *h_rtt_max(const struct ls_result *r, char *buf, size_t len)
{
	return r->sent > 0 && r->received > 0 ? ms(r->rtt_max_ms, buf, len, true) : NULL;
}

static void j_rtt_min(const struct ls_result *r, struct ls_sbuf *b)
{
	j_count(b, r->sent > 0 && r->received > 0 && r->rtt_min_ms >= 0, r->rtt_min_ms, 3);
}

static void j_rtt_max(const struct ls_result *r, struct ls_sbuf *b)
{
	j_count(b, r->sent > 0 && r->received > 0 && r->rtt_max_ms >= 0, r->rtt_max_ms, 3);
}

static const char *f_kind(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return r->kind;
}

static const char *f_model(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return r->model;
}

/* The fact that decided the kind, as "source key=value" (the value cut at 64 bytes). */
static const char *f_kind_from(const struct ls_result *r, char *buf, size_t len)
{
	const struct ls_fact *f = r->kind_fact;

	if (f == NULL)
		return NULL;
	snprintf(buf, len, "%s %s=%.120s", f->src, f->key, f->value);
	return buf;
}

static bool is_name_fact(const struct ls_fact *f)
{
	return strcmp(f->key, LS_KEY_NAME) == 0 || strcmp(f->key, LS_KEY_WORKGROUP) == 0;
}

/* --identify: every fact but the names (in "names"), grouped by source
 * then key, in the order they came: {"mdns":{"service":["_ipp._tcp",...],
 * "_ipp._tcp.ty":"..."},"ip":{"ttl":"64"},...}; a key with one value has
 * a string, with more an array. */
static void j_evidence(const struct ls_result *r, struct ls_sbuf *b)
{
	const struct ls_facts *fs = r->facts;
	bool taken[LS_FACTS_MAX] = { false };	/* printed already (a list holds at most this many) */
	size_t i, j, k, count, n = fs != NULL ? fs->n : 0;
	bool first_src = true, first_key;

	if (!r->identify || fs == NULL) {
		ls_sbuf_puts(b, r->identify ? "{}" : "null");
		return;
	}
	if (n > LS_FACTS_MAX)
		n = LS_FACTS_MAX;
	for (i = 0; i < n; i++)
		taken[i] = is_name_fact(&fs->v[i]);
	ls_sbuf_puts(b, "{");
	for (i = 0; i < n; i++) {	/* a source at its first fact */
		const char *src = fs->v[i].src;
		if (taken[i])
			continue;
		ls_sbuf_puts(b, first_src ? "" : ",");
		first_src = false;
		ls_sbuf_json_str(b, src);
		ls_sbuf_puts(b, ":{");
		first_key = true;
		for (j = i; j < n; j++) {	/* a key at its first value, then its others */
			const struct ls_fact *g = &fs->v[j];
			if (taken[j] || strcmp(g->src, src) != 0)
				continue;
			for (count = 0, k = j; k < n; k++)
				count += !taken[k] && strcmp(fs->v[k].src, src) == 0 && strcmp(fs->v[k].key, g->key) == 0;
			ls_sbuf_puts(b, first_key ? "" : ",");
			first_key = false;
			ls_sbuf_json_str(b, g->key);
			ls_sbuf_puts(b, count > 1 ? ":[" : ":");
			for (k = j; k < n; k++) {
				if (taken[k] || strcmp(fs->v[k].src, src) != 0 || strcmp(fs->v[k].key, g->key) != 0)
					continue;
				ls_sbuf_puts(b, k > j ? "," : "");
				ls_sbuf_json_str(b, fs->v[k].value);
				taken[k] = true;
			}
			ls_sbuf_puts(b, count > 1 ? "]" : "");
		}
		ls_sbuf_puts(b, "}");
	}
	ls_sbuf_puts(b, "}");
}

/* The vendor for a person: the registered name without its legal form
 * ("Apple, Inc." is Apple, "TP-LINK TECHNOLOGIES CO.,LTD." TP-LINK
 * TECHNOLOGIES), as arp-scan's and Wireshark's short names read; the
 * lines and NDJSON keep the registry's name as it is. */
static const char *h_vendor(const struct ls_result *r, char *buf, size_t len)
{
	static const char *const forms[] = { "inc", "inc.", "incorporated", "corp", "corp.", "corporation", "co",
					     "co.", "ltd", "ltd.", "limited", "llc", "l.l.c.", "gmbh", "ag", "sa", "s.a.",
					     "b.v.", "bv", "oy", "ab", "plc", "pte", "pty", "s.p.a.", "srl", "kg", "nv" };
	const char *v = f_vendor(r, buf, len);
	size_t n, i, w;
	bool cut;

	if (v == NULL || v[0] == '(')
		return v;	/* "(locally administered)" as it is */
	n = strcspn(v, ",(");
	if (n >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	do {	/* trailing legal forms, one word at a time */
		while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '.' || buf[n - 1] == ','))
			buf[--n] = '\0';
		for (w = n; w > 0 && buf[w - 1] != ' '; w--)
			;
		cut = false;
		for (i = 0; i < LS_ARRAY_SIZE(forms) && w > 0; i++)
			if (strcasecmp(buf + w, forms[i]) == 0) {
				buf[n = w] = '\0';
				cut = true;
				break;
			}
	} while (cut);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return n > 0 ? buf : v;
}

static const char *f_error(const struct ls_result *r, char *buf, size_t len)
{
	(void)buf, (void)len;
	return r->error;
}

#define FACT_FIELD(fn, src, key)                                                   \
	static const char *fn(const struct ls_result *r, char *buf, size_t len)    \
	{                                                                          \
		(void)buf, (void)len;                                              \
		return ls_facts_get(r->facts, src, key);                           \
	}
FACT_FIELD(f_dns, LS_SRC_DNS, LS_KEY_NAME)
FACT_FIELD(f_mdns, LS_SRC_MDNS, LS_KEY_NAME)
FACT_FIELD(f_netbios, LS_SRC_NETBIOS, LS_KEY_NAME)
FACT_FIELD(f_workgroup, LS_SRC_NETBIOS, LS_KEY_WORKGROUP)

/* -n: each source's name, as an object (the same keys on every line). */
static void j_names(const struct ls_result *r, struct ls_sbuf *b)
{
	ls_sbuf_puts(b, "{\"dns\":");
	ls_sbuf_json_str(b, f_dns(r, NULL, 0));
	ls_sbuf_puts(b, ",\"mdns\":");
	ls_sbuf_json_str(b, f_mdns(r, NULL, 0));
	ls_sbuf_puts(b, ",\"netbios\":");
	ls_sbuf_json_str(b, f_netbios(r, NULL, 0));
	ls_sbuf_puts(b, ",\"workgroup\":");
	ls_sbuf_json_str(b, f_workgroup(r, NULL, 0));
	ls_sbuf_puts(b, "}");
}

#define WIDE LS_FIELD_WIDE

const struct ls_field ls_fields[] = {
	{ .name = "address", .header = "ADDRESS", .width = 15, .text = f_address, .json = j_address,
	  .help = "the host's address (TSV: the target when a name did not resolve)" },
	{ .name = "target", .rank = 3, .header = "TARGET", .flags = WIDE, .width = 8, .max = 40, .weight = 2,
	  .text = f_target, .help = "the target as given" },
	{ .name = "state", .header = "STATE", .width = 7, .text = f_state, .help = "up, down or unknown" },
	{ .name = "rtt", .rank = 4, .json_key = "rtt_ms", .header = "RTT", .flags = LS_FIELD_NUMBER, .width = 9,
	  .text = f_rtt, .human = h_rtt, .json = j_rtt,
	  .help = "round-trip time in ms of the answer (TSV: 3 decimals; the table: with its unit)" },
	{ .name = "via", .rank = 7, .header = "VIA", .width = 9, .text = f_via,
	  .help = "the method that answered: icmp, arp, nd, tcp/PORT, neigh, ping" },
	{ .name = "mac", .rank = 6, .header = "MAC", .width = 17, .text = f_mac, .help = "the link-layer address that answered" },
	{ .name = "vendor", .rank = 5, .header = "VENDOR", .flags = WIDE, .width = 6, .max = 28, .weight = 2,
	  .text = f_vendor, .human = h_vendor, .help = "the MAC's registered vendor" },
	{ .name = "name", .rank = 1, .header = "NAME", .flags = WIDE, .width = 4, .weight = 3, .text = f_name,
	  .help = "the name given, else the best name: DNS, else mDNS, else NetBIOS" },
	{ .name = "dns", .rank = 2, .header = "DNS", .flags = WIDE, .width = 3, .weight = 1, .text = f_dns,
	  .help = "the name from DNS (-n)" },
	{ .name = "mdns", .rank = 2, .header = "MDNS", .flags = WIDE, .width = 4, .weight = 1, .text = f_mdns,
	  .help = "the name from mDNS (-n)" },
	{ .name = "netbios", .rank = 2, .header = "NETBIOS", .flags = WIDE, .width = 7, .weight = 1, .text = f_netbios,
	  .help = "the NetBIOS name (-n)" },
	{ .name = "workgroup", .rank = 3, .header = "WORKGROUP", .flags = WIDE, .width = 9, .weight = 1, .text = f_workgroup,
	  .help = "the NetBIOS workgroup or domain (-n)" },
	{ .name = "names", .header = "NAMES", .flags = LS_FIELD_JSON_ONLY, .json = j_names,
	  .help = "NDJSON: each source's name as an object" },
	{ .name = "kind", .rank = 2, .header = "KIND", .width = 8, .text = f_kind,
	  .help = "--identify: what the device is (router, printer, computer, phone, tablet, tv, media, speaker, nas, camera, iot, network, server)" },
	{ .name = "model", .rank = 3, .header = "MODEL", .flags = WIDE, .width = 5, .max = 32, .weight = 2,
	  .text = f_model, .help = "--identify: the device's own model string" },
	{ .name = "kind_from", .rank = 4, .header = "KIND FROM", .flags = WIDE, .width = 9, .weight = 1,
	  .text = f_kind_from, .help = "--identify: the fact that decided the kind (source key=value)" },
	{ .name = "evidence", .header = "EVIDENCE", .flags = LS_FIELD_JSON_ONLY, .json = j_evidence,
	  .help = "--identify, NDJSON: every fact each source gave, by source and key" },
	{ .name = "sent", .rank = 4, .header = "SENT", .flags = LS_FIELD_NUMBER, .width = 4, .text = f_sent, .json = j_sent,
	  .help = "-c N: echo requests sent" },
	{ .name = "received", .rank = 4, .header = "RCVD", .flags = LS_FIELD_NUMBER, .width = 4, .text = f_received,
	  .json = j_received, .help = "-c N: replies counted" },
	{ .name = "loss", .rank = 3, .json_key = "loss_pct", .header = "LOSS", .flags = LS_FIELD_NUMBER, .width = 4,
	  .text = f_loss, .json = j_loss, .help = "-c N: the share of requests unanswered" },
	{ .name = "rtt_min", .rank = 5, .json_key = "rtt_min_ms", .header = "MIN", .flags = LS_FIELD_NUMBER, .width = 9,
	  .text = f_rtt_min, .human = h_rtt_min, .json = j_rtt_min, .help = "-c N: the least RTT (ms)" },
	{ .name = "rtt_max", .rank = 5, .json_key = "rtt_max_ms", .header = "MAX", .flags = LS_FIELD_NUMBER, .width = 9,
	  .text = f_rtt_max, .human = h_rtt_max, .json = j_rtt_max, .help = "-c N: the most RTT (ms)" },
	{ .name = "error", .rank = 3, .header = "ERROR", .flags = WIDE, .width = 5, .weight = 2, .text = f_error,
	  .help = "why the host is down or unknown" },
	{ .name = NULL },
};

const struct ls_field *ls_field_find(const char *name)
{
	const struct ls_field *f;

	for (f = ls_fields; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static void set(struct ls_fieldset *fs, const char *const *names)
{
	fs->n = 0;
	for (; *names != NULL; names++)
		fs->f[fs->n++] = ls_field_find(*names);
}

void ls_fields_default_tsv(struct ls_fieldset *fs)
{
	static const char *const d[] = { "address", "state", "rtt", "name", "via", "mac", "vendor", NULL };

	set(fs, d);
}

void ls_fields_default_json(struct ls_fieldset *fs, bool names)
{
	static const char *const d[] = { "address", "target", "state", "rtt", "via", "mac", "vendor",
					 "name", "names", "error", NULL };
	static const char *const dn[] = { "address", "target", "state", "rtt", "via", "mac", "vendor",
					  "name", "error", NULL };

	set(fs, names ? d : dn);
}

void ls_fields_default_table(struct ls_fieldset *fs, bool names)
{
	static const char *const d[] = { "address", "state", "rtt", "mac", "vendor", "name", NULL };
	static const char *const dn[] = { "address", "state", "rtt", "via", "mac", "vendor", NULL };

	set(fs, names ? d : dn);
}

int ls_fields_parse(struct ls_fieldset *fs, const char *list, bool json, char *err, size_t errlen)
{
	const struct ls_field *f;
	char name[32], all[512];
	const char *p = list, *end;
	bool plus = *p == '+';
	size_t n;

	if (plus)
		p++;
	else
		fs->n = 0;
	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0 || n >= sizeof(name)) {
			snprintf(err, errlen, "-o: an empty or overlong field name in '%s'", list);
			return -EINVAL;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if ((f = ls_field_find(name)) == NULL || ((f->flags & LS_FIELD_JSON_ONLY) && !json)) {
			ls_fields_names(all, sizeof(all), json);
			snprintf(err, errlen, "-o: %s '%s' (fields: %s)",
				 f == NULL ? "no field" : "an NDJSON-only field:", name, all);
			return -EINVAL;
		}
		for (size_t i = 0; i < fs->n && f != NULL; i++)
			if (fs->f[i] == f) {
				if (plus) {	/* already in the default */
					f = NULL;
					break;
				}
				snprintf(err, errlen, "-o: field '%s' given twice", name);
				return -EINVAL;
			}
		if (f == NULL) {
			if (end == NULL)
				return 0;
			p = end + 1;
			continue;
		}
		if (fs->n == LS_FIELDS_MAX) {
			snprintf(err, errlen, "-o: too many fields");
			return -EINVAL;
		}
		fs->f[fs->n++] = f;
		if (end == NULL)
			return 0;
		p = end + 1;
	}
}

void ls_fields_names(char *buf, size_t len, bool json)
{
	const struct ls_field *f;
	size_t used = 0;
	int w;

	buf[0] = '\0';
	for (f = ls_fields; f->name != NULL; f++) {
		if ((f->flags & LS_FIELD_JSON_ONLY) && !json)
			continue;
		w = snprintf(buf + used, len - used, "%s%s", used ? "," : "", f->name);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

void ls_fields_tsv(const struct ls_fieldset *fs, const struct ls_result *r, struct ls_sbuf *b)
{
	char buf[LS_FIELD_BUF];
	size_t i;

	for (i = 0; i < fs->n; i++) {
		if (i > 0)
			ls_sbuf_put(b, "\t", 1);
		ls_sbuf_field(b, fs->f[i]->text(r, buf, sizeof(buf)));
	}
}

void ls_fields_tsv_header(const struct ls_fieldset *fs, struct ls_sbuf *b)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		if (i > 0)
			ls_sbuf_put(b, "\t", 1);
		ls_sbuf_puts(b, fs->f[i]->name);
	}
}

void ls_fields_json(const struct ls_fieldset *fs, const struct ls_result *r, struct ls_sbuf *b)
{
	const struct ls_field *f;
	char buf[LS_FIELD_BUF];
	size_t i, k = 0;

	for (i = 0; i < fs->n; i++) {
		f = fs->f[i];
		if (f->json == j_names && !r->names)
			continue;	/* no -n: no names object */
		ls_sbuf_printf(b, "%s\"%s\":", k++ > 0 ? "," : "", f->json_key ? f->json_key : f->name);
		if (f->json != NULL)
			f->json(r, b);
		else
			ls_sbuf_json_str(b, f->text(r, buf, sizeof(buf)));
	}
}

const char *ls_field_human(const struct ls_field *f, const struct ls_result *r, char *buf, size_t len)
{
	if (f->human != NULL)
		return f->human(r, buf, len);
	return f->text != NULL ? f->text(r, buf, len) : NULL;
}
