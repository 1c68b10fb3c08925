/* plan.c -- choose and open the sweep's methods: --method, or every one that works with our privileges. */
#include "lanscan/plan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lanscan/util.h"

/* Cheap methods first: the race starts them in this order. */
static const struct ls_method *const all[] = {
	&ls_method_arp, &ls_method_nd, &ls_method_icmp, &ls_method_neigh, &ls_method_ping, &ls_method_tcp,
};

static bool has(const struct ls_plan *pl, const struct ls_method *m)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		if (pl->m[i] == m)
			return true;
	return false;
}

/* Appends a and b to the -v explanation. */
static void say(struct ls_plan *pl, const char *a, const char *b)
{
	size_t n = strlen(pl->why);

	snprintf(pl->why + n, sizeof(pl->why) - n, "%s%s%s", n > 0 ? "; " : "", a, b);
}

static int open_one(struct ls_plan *pl, const struct ls_method *m, char *err, size_t errlen)
{
	struct ls_minst *mi;
	int rc;

	/* TCP: raw SYNs when privilege allows (no socket per probe), else
	 * connect(). */
	pl->env.mi = pl->n;
	if (m == &ls_method_tcp && ls_method_syn.open(&mi, &pl->env, err, errlen) == 0)
		m = &ls_method_syn;
	else if ((rc = m->open(&mi, &pl->env, err, errlen)) != 0)
		return rc;
	pl->m[pl->n] = m;
	pl->inst[pl->n++] = mi;
	say(pl, m->describe != NULL ? m->describe(mi) : m->name, "");
	return 0;
}

int ls_plan_open(struct ls_plan *pl, uv_loop_t *loop, char *err, size_t errlen)
{
	char e[256];
	size_t i;
	int rc;

	pl->loop = loop;
	pl->n = 0;
	pl->why[0] = '\0';
	memset(&pl->counters, 0, sizeof(pl->counters));
	ls_pacer_init(&pl->pacer, pl->cfg.rate, ls_now_ms());
	pl->have_net = ls_netinfo_load(&pl->net, e, sizeof(e)) == 0;
	if (!pl->have_net)
		say(pl, "on-link methods off: ", e);
	pl->env.loop = loop;
	pl->env.cfg = &pl->cfg;
	pl->env.pacer = &pl->pacer;
	pl->env.net = pl->have_net ? &pl->net : NULL;
	pl->env.counters = &pl->counters;
	pl->env.conflict = pl->conflict;
	pl->env.conflict_arg = pl->data;
	memset(&pl->lite, 0, sizeof(pl->lite));
	pl->env.lite = &pl->lite;
	for (i = 0; i < LS_ARRAY_SIZE(all); i++) {
		const struct ls_method *m = all[i];
		if (pl->want != 0) {
			if (!(pl->want & m->bit))
				continue;
			if ((rc = open_one(pl, m, e, sizeof(e))) != 0) {
				snprintf(err, errlen, "%s", e);
				ls_plan_close(pl);
				return rc;
			}
			continue;
		}
		/* auto: the ping program only when ICMP sockets cannot be had, the
		 * neighbour table only when ARP cannot be sent */
		if ((m == &ls_method_ping && has(pl, &ls_method_icmp)) ||
		    (m == &ls_method_neigh && has(pl, &ls_method_arp)))
			continue;
		if (m == &ls_method_tcp && pl->cfg.nports == 0)
			continue;
		if ((rc = open_one(pl, m, e, sizeof(e))) != 0) {
			if (m == &ls_method_icmp) {
				say(pl, e, "; using the ping program");
				continue;
			}
			if (m == &ls_method_arp || m == &ls_method_nd || m == &ls_method_neigh) {
				say(pl, e, "");	/* unprivileged: the others will do */
				continue;
			}
			snprintf(err, errlen, "%s", e);
			ls_plan_close(pl);
			return rc;
		}
	}
	if (pl->n == 0) {
		snprintf(err, errlen, "no probe method");
		return -EINVAL;
	}
	return 0;
}

void ls_plan_path(const struct ls_plan *pl, const struct ls_addr *addr, struct ls_path *path)
{
	memset(path, 0, sizeof(*path));
	path->kind = LS_ROUTE_NONE;
	/* A scoped (link-local) address goes out through its zone's interface. */
	if (pl->have_net)
		ls_netinfo_route_via(&pl->net, addr, addr->scope != 0 ? (int)addr->scope : pl->cfg.ifindex, path);
	if (pl->cfg.source.family == addr->family && path->kind != LS_ROUTE_NONE)
		path->src = pl->cfg.source;
}

int ls_probe_bind(int fd, int family, const struct ls_probe_cfg *cfg)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	if (cfg->ifname != NULL &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->ifname, (socklen_t)strlen(cfg->ifname) + 1) != 0)
		return -errno;
	if (cfg->source.family == family) {
		sl = ls_addr_to_sockaddr(&cfg->source, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) != 0)
			return -errno;
	}
	return 0;
}

bool ls_plan_applies(const struct ls_plan *pl, unsigned i, const struct ls_addr *addr, const struct ls_path *path)
{
	unsigned j;

	if (!pl->m[i]->applies(pl->inst[i], addr, path))
		return false;
	if (pl->want != 0 || pl->m[i] == &ls_method_arp || pl->m[i] == &ls_method_nd)
		return true;
	/* auto: an on-link target that ARP or ND can ask needs nothing else;
	 * one the neighbour table watch covers needs no TCP (a connect needs
	 * the same resolution, so it cannot succeed where that fails) */
	for (j = 0; j < pl->n; j++) {
		if (!pl->m[j]->applies(pl->inst[j], addr, path))
			continue;
		if (pl->m[j] == &ls_method_arp || pl->m[j] == &ls_method_nd)
			return false;
		if (pl->m[j] == &ls_method_neigh && pl->m[i]->bit == LS_M_TCP)
			return false;
	}
	return true;
}

bool ls_plan_uses_table(const struct ls_plan *pl, const struct ls_addr *addr, const struct ls_path *path)
{
	unsigned i;

	if (path->kind != LS_ROUTE_ONLINK)
		return false;
	for (i = 0; i < pl->n; i++)
		if (pl->m[i] != &ls_method_arp && pl->m[i] != &ls_method_nd && ls_plan_applies(pl, i, addr, path))
			return true;
	return false;
}

size_t ls_plan_window(const struct ls_plan *pl, size_t want)
{
	size_t i, c;

	for (i = 0; i < pl->n; i++)
		if (pl->m[i]->capacity != NULL && (c = pl->m[i]->capacity(pl->inst[i])) > 0 && c < want)
			want = c;
	return want;
}

bool ls_plan_lite(const struct ls_plan *pl, unsigned i)
{
	return pl->m[i]->start_lite != NULL && pl->lite.adopt != NULL;
}

void ls_plan_cancel_lite(struct ls_plan *pl)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		if (pl->m[i]->cancel_lite != NULL)
			pl->m[i]->cancel_lite(pl->inst[i]);
}

void ls_plan_close(struct ls_plan *pl)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		pl->m[i]->close(pl->inst[i]);
	pl->n = 0;
	if (pl->have_net)
		ls_netinfo_free(&pl->net);
	pl->have_net = false;
}

const struct ls_method *ls_plan_method(const struct ls_plan *pl, unsigned mi) { return pl->m[mi]; }
struct ls_minst *ls_plan_inst(const struct ls_plan *pl, unsigned mi) { return pl->inst[mi]; }

const char *ls_reject_name(enum ls_reject r)
{
	static const char *const names[LS_REJ_MAX] = {
		"malformed", "bad checksum", "foreign", "forged or corrupt", "duplicate or late",
		"wrong source", "unsolicited", "bad hop limit",
	};

	return r < LS_REJ_MAX ? names[r] : "?";
}

int ls_plan_counters(const struct ls_plan *pl, char *buf, size_t len)
{
	const struct ls_counters *c = &pl->counters;
	size_t n;
	int i;

	snprintf(buf, len, "%llu packets sent, %llu dropped by the kernel",
		 (unsigned long long)c->sent, (unsigned long long)c->dropped);
	for (i = 0; i < LS_REJ_MAX; i++) {
		if (c->rejected[i] == 0)
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, ", %llu ignored (%s)", (unsigned long long)c->rejected[i],
			 ls_reject_name((enum ls_reject)i));
	}
	return 0;
}
