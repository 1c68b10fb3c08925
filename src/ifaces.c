/* ifaces.c -- the targets this machine's links give: IPv4 subnets of the up interfaces, IPv6 neighbours found on a link. */
#include "lanscan/ifaces.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/nbr6.h"
#include "lanscan/netinfo.h"
#include "lanscan/util.h"

/* Appends to buf what narrowing the subnet net/prefix (on ifname) to kept
 * left out, and how to sweep it all. */
static void say_cut(char *buf, size_t len, const char *ifname, uint32_t net, int prefix, const char *kept,
		    uint32_t klo, uint32_t khi)
{
	uint32_t hi = net | (0xffffffffu >> prefix), lo[2] = { net, khi + 1 }, end[2] = { klo - 1, hi };
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], out[2][40] = { "", "" };
	struct in_addr in;
	size_t used = strlen(buf);
	int k;

	for (k = 0; k < 2; k++) {
		if ((k == 0 && klo == net) || (k == 1 && khi == hi))
			continue;
		in.s_addr = htonl(lo[k]);
		inet_ntop(AF_INET, &in, a, sizeof(a));
		in.s_addr = htonl(end[k]);
		inet_ntop(AF_INET, &in, b, sizeof(b));
		snprintf(out[k], sizeof(out[k]), "%s-%s", a, b);
	}
	in.s_addr = htonl(net);
	inet_ntop(AF_INET, &in, a, sizeof(a));
	if (used < len)
		snprintf(buf + used, len - used, "%s%s is on %s/%d (%llu addresses): only %s, around its "
			 "address, is swept; left out: %s%s%s (--force sweeps the whole /%d)",
			 used > 0 ? "\n" : "", ifname, a, prefix, 1ULL << (32 - prefix), kept, out[0],
			 out[0][0] != '\0' && out[1][0] != '\0' ? " and " : "", out[1], prefix);
}

int ls_local_subnets(struct ls_targets *t, int min_prefix, bool force, const char *ifname, char *desc,
		     size_t desclen, char *cut, size_t cutlen)
{
	struct ifaddrs *ifa, *i;
	uint32_t addr, mask;
	int prefix, wide, n = 0, rc = 0;
	size_t used = 0;
	char spec[32], net[INET_ADDRSTRLEN], err[LS_ERRLEN];
	struct in_addr in;

	if (getifaddrs(&ifa) != 0)
		return -errno;
	if (desclen > 0)
		desc[0] = '\0';
	if (cutlen > 0)
		cut[0] = '\0';
	for (i = ifa; i != NULL && rc == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_netmask == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		/* loopback only when -I names it */
		if (!(i->ifa_flags & IFF_UP) || ((i->ifa_flags & IFF_LOOPBACK) && ifname == NULL))
			continue;
		if (ifname != NULL && strcmp(ifname, i->ifa_name) != 0)
			continue;
		addr = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		mask = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		prefix = wide = __builtin_popcount(mask);
		if (prefix >= 32 || prefix == 0)
			continue;
		if (prefix < min_prefix && !force)
			prefix = min_prefix;
		mask = ~(0xffffffffu >> prefix);
		in.s_addr = htonl(addr & mask);
		inet_ntop(AF_INET, &in, net, sizeof(net));
		snprintf(spec, sizeof(spec), "%s/%d", net, prefix);
		rc = ls_targets_add(t, spec, err, sizeof(err));
		if (rc == 0) {
			n++;
			if (wide != prefix)
				say_cut(cut, cutlen, i->ifa_name, addr & ~(0xffffffffu >> wide), wide, spec,
					addr & mask, (addr & mask) | ~mask);
			if (used < desclen) {
				int w = snprintf(desc + used, desclen - used, "%s%s (%s)",
						 used > 0 ? ", " : "", spec, i->ifa_name);
				used += w > 0 ? (size_t)w : 0;
			}
		}
	}
	freeifaddrs(ifa);
	return rc != 0 ? rc : n;
}

/* Adds the addresses of set that spec (NULL: any) covers as targets.
 * Returns how many, or a negative errno. */
static int add_found(struct ls_targets *t, const struct ls_nbr6_set *set, const struct ls_spec *spec,
		     char *err, size_t errlen)
{
	char text[LS_ADDRSTRLEN];
	size_t i;
	int rc, n = 0;

	for (i = 0; i < set->n; i++) {
		const struct ls_addr *a = &set->a[i];
		if (spec != NULL && (a->scope != spec->u.r6->scope || memcmp(a->b, spec->u.r6->lo, 16) < 0 ||
				     memcmp(a->b, spec->u.r6->hi, 16) > 0))
			continue;
		if ((rc = ls_targets_add(t, ls_addr_format(a, text, sizeof(text)), err, errlen)) != 0)
			return rc;
		n++;
	}
	return n;
}

int ls_local_neighbours(struct ls_targets *t, int ifindex, int wait_ms, char *desc, size_t desclen,
			char *note, size_t notelen, char *err, size_t errlen)
{
	struct ls_nbr6_result r;
	int rc;

	if ((rc = ls_nbr6_discover(ifindex, wait_ms, &r)) != 0) {
		snprintf(err, errlen, "discovering IPv6 neighbours: %s", strerror(-rc));
		return rc;
	}
	snprintf(desc, desclen, "%s", r.desc);
	snprintf(note, notelen, "%s", r.note);
	rc = add_found(t, &r.found, NULL, err, errlen);
	ls_nbr6_result_free(&r);
	return rc < 0 ? rc : (int)r.nifaces;
}

/* The number of addresses of an IPv6 range spec (saturated). */
static uint64_t span6(const struct ls_spec *s)
{
	unsigned __int128 lo = 0, hi = 0;
	int k;

	for (k = 0; k < 16; k++) {
		lo = lo << 8 | s->u.r6->lo[k];
		hi = hi << 8 | s->u.r6->hi[k];
	}
	return hi - lo >= UINT64_MAX ? UINT64_MAX : (uint64_t)(hi - lo) + 1;
}

/* Is s an IPv6 range that cannot be swept as asked: shorter than /96, or
 * (without force) over the sweep limit? */
static bool too_big6(const struct ls_spec *s, bool force, uint64_t limit, bool *huge)
{
	*huge = s->kind == LS_SPEC_RANGE6 && s->u.r6->prefix != 0 && s->u.r6->prefix < LS_V6_SWEEP_PREFIX;
	return s->kind == LS_SPEC_RANGE6 && (*huge || (!force && span6(s) > limit));
}

/* The interface through which both ends of the range are on-link, or 0. */
static int onlink_via(const struct ls_netinfo *ni, const struct ls_spec *s, int ifindex)
{
	struct ls_path p1, p2;
	struct ls_addr a;
	int via = s->u.r6->scope != 0 ? (int)s->u.r6->scope : ifindex;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET6;
	a.scope = s->u.r6->scope;
	memcpy(a.b, s->u.r6->lo, 16);
	if (ls_netinfo_route_via(ni, &a, via, &p1) != 0 || p1.kind != LS_ROUTE_ONLINK)
		return 0;
	memcpy(a.b, s->u.r6->hi, 16);
	if (ls_netinfo_route_via(ni, &a, via, &p2) != 0 || p2.kind != LS_ROUTE_ONLINK || p2.ifindex != p1.ifindex)
		return 0;
	return p1.ifindex;
}

#define ONLINK_MAX 8

int ls_onlink_ranges(struct ls_targets *t, const struct ls_onlink_opts *o, char *err, size_t errlen)
{
	struct ls_targets nt;
	struct ls_netinfo ni;
	struct { int ifindex; struct ls_nbr6_result r; } done[ONLINK_MAX];
	char buf[LS_ADDRSTRLEN], msg[LS_ERRLEN + 64];
	size_t i, k, ndone = 0;
	int *via, rc = 0;
	bool any = false, loaded, huge;

	for (i = 0; i < t->n && !any; i++)
		any = too_big6(&t->specs[i], o->force || o->list, o->limit, &huge);
	if (!any)
		return 0;
	if ((via = calloc(t->n, sizeof(*via))) == NULL)
		return -ENOMEM;
	loaded = !o->list && ls_netinfo_load(&ni, err, errlen) == 0;
	for (i = 0; i < t->n; i++) {
		const struct ls_spec *s = &t->specs[i];
		if (!too_big6(s, o->force || o->list, o->limit, &huge))
			continue;
		if (loaded && (via[i] = onlink_via(&ni, s, o->ifindex)) != 0)
			continue;
		if (huge) {
			snprintf(err, errlen, "'%s': IPv6 prefix too short to sweep (at least /96)",
				 ls_spec_text(s, buf, sizeof(buf)));
			rc = -EINVAL;
			goto out;
		}
	}
	ls_targets_init(&nt);
	nt.whole_cidr = t->whole_cidr;
	for (i = 0; i < t->n && rc == 0; i++) {
		const struct ls_spec *s = &t->specs[i];
		if (via[i] == 0) {
			rc = ls_targets_add(&nt, ls_spec_text(s, buf, sizeof(buf)), err, errlen);
			continue;
		}
		for (k = 0; k < ndone && done[k].ifindex != via[i]; k++)
			;
		if (k == ndone) {
			if (ndone == ONLINK_MAX) {
				snprintf(err, errlen, "'%s': on-link IPv6 ranges on too many interfaces",
					 ls_spec_text(s, buf, sizeof(buf)));
				rc = -EINVAL;
				break;
			}
			done[k].ifindex = via[i];
			if ((rc = ls_nbr6_discover(via[i], o->wait_ms, &done[k].r)) != 0) {
				snprintf(err, errlen, "discovering IPv6 neighbours: %s", strerror(-rc));
				break;
			}
			ndone++;
		}
		if ((rc = add_found(&nt, &done[k].r.found, s, err, errlen)) < 0)
			break;
		if (o->say != NULL) {
			snprintf(msg, sizeof(msg), "'%s' is on-link: its IPv6 neighbours there, %d of the %s%s",
				 ls_spec_text(s, buf, sizeof(buf)), rc, done[k].r.desc,
				 (size_t)rc < done[k].r.found.n ? " (the others are outside it)" : "");
			o->say(o->arg, msg, done[k].r.note);
		}
		rc = 0;
	}
	for (k = 0; k < ndone; k++)
		ls_nbr6_result_free(&done[k].r);
	if (rc == 0 && nt.n == 0) {
		snprintf(err, errlen, "no IPv6 neighbour found in the on-link ranges: nothing to sweep");
		rc = -ENOENT;
	}
	if (rc == 0) {
		ls_targets_free(t);
		*t = nt;
	} else {
		ls_targets_free(&nt);
	}
out:
	if (loaded)
		ls_netinfo_free(&ni);
	free(via);
	return rc;
}
