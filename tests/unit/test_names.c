/* test_names.c -- the name lookups' budget, ordering and query ids, on a real libuv loop with fake sources (no sockets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/names.h"
#include "lanscan/pacer.h"
#include "lanscan/util.h"

/* A fake source answers each query after the delay its settings give for
 * the address's last byte: < 0 never, else that many ms ("fast" answers at
 * once from inside start when the delay is 0).  "server" sources give up
 * for good when a query expires, as DNS does. */
struct fake {
	enum ls_name_src src;
	const char *label;
	int delay_ms[256];
	bool server;
	unsigned started, pending_close;
	uv_loop_t *loop;
};

struct fake_q {
	uv_timer_t t;
	struct ls_nq *q;
	struct fake *f;
	struct fake_q *next;
};

static struct fake fakes[LS_NAME_NSRC];
static struct fake_q *live;
static uv_loop_t loop;

static void fq_closed(uv_handle_t *h)
{
	free(h->data);
}

static void fq_fire(uv_timer_t *t)
{
	struct fake_q *fq = t->data;
	char name[64];

	if (fq->q != NULL) {
		snprintf(name, sizeof(name), "h%u.%s", fq->q->addr.b[3], fq->f->label);
		ls_nq_answer(fq->q, fq->f->src, name, fq->f->src == LS_NAME_NBNS ? "LAB" : NULL);
	}
}

static int f_open(struct ls_nsrc **out, struct ls_names *ns, char *err, size_t errlen);

#define FAKE_OPEN(N)                                                                     \
	static int f_open##N(struct ls_nsrc **out, struct ls_names *ns, char *err, size_t errlen) \
	{                                                                                \
		(void)ns; (void)err; (void)errlen;                                       \
		*out = (struct ls_nsrc *)&fakes[N];                                      \
		return 0;                                                                \
	}
FAKE_OPEN(0)
FAKE_OPEN(1)
FAKE_OPEN(2)

static int f_open(struct ls_nsrc **out, struct ls_names *ns, char *err, size_t errlen)
{
	(void)out; (void)ns; (void)err; (void)errlen;
	return -ENOSYS;
}

static bool f_applies(struct ls_nsrc *s, const struct ls_nq *q)
{
	(void)s;
	return q->addr.family == AF_INET;
}

static int f_start(struct ls_nsrc *s, struct ls_nq *q)
{
	struct fake *f = (struct fake *)s;
	int d = f->delay_ms[q->addr.b[3]];
	struct fake_q *fq;

	f->started++;
	if (d == 0) {		/* answers at once, from inside start */
		ls_nq_answer(q, f->src, "now.local", NULL);
		return 0;
	}
	if (d < 0)
		return 0;	/* silent */
	fq = calloc(1, sizeof(*fq));
	fq->q = q;
	fq->f = f;
	fq->next = live;
	live = fq;
	uv_timer_init(f->loop, &fq->t);
	fq->t.data = fq;
	uv_timer_start(&fq->t, fq_fire, (uint64_t)d, 0);
	return 0;
}

static void f_forget(struct ls_nsrc *s, struct ls_nq *q)
{
	struct fake_q *fq;

	(void)s;
	for (fq = live; fq != NULL; fq = fq->next)
		if (fq->q == q && fq->f == (struct fake *)s)
			fq->q = NULL;
}

static void f_expired(struct ls_nsrc *s, struct ls_nq *q)
{
	struct fake *f = (struct fake *)s;

	if (f->server)
		ls_names_kill(q->ns, f->src);
}

static void f_close(struct ls_nsrc *s)
{
	(void)s;
}

static const struct ls_name_source fake_src[LS_NAME_NSRC] = {
	{ "dns", 1, f_open0, f_applies, f_start, f_forget, f_expired, f_close },
	{ "mdns", 2, f_open1, f_applies, f_start, f_forget, f_expired, f_close },
	{ "netbios", 1, f_open2, f_applies, f_start, f_forget, f_expired, f_close },
};

/* What the callbacks saw, per address byte. */
struct seen {
	int calls;
	double at_ms;
	char dns[64], mdns[64], netbios[64], group[16];
};
static struct seen seen[256];
static bool in_start;
static double t0;

static const char *val(const struct ls_facts *f, const char *src, const char *key)
{
	const char *v = ls_facts_get(f, src, key);

	return v != NULL ? v : "-";
}

static void on_found(void *arg, const struct ls_facts *f)
{
	struct seen *s = &seen[(uintptr_t)arg];

	assert_false(in_start);		/* never from inside ls_names_start */
	s->calls++;
	s->at_ms = ls_now_ms() - t0;
	snprintf(s->dns, sizeof(s->dns), "%s", val(f, LS_SRC_DNS, LS_KEY_NAME));
	snprintf(s->mdns, sizeof(s->mdns), "%s", val(f, LS_SRC_MDNS, LS_KEY_NAME));
	snprintf(s->netbios, sizeof(s->netbios), "%s", val(f, LS_SRC_NETBIOS, LS_KEY_NAME));
	snprintf(s->group, sizeof(s->group), "%s", val(f, LS_SRC_NETBIOS, LS_KEY_WORKGROUP));
}

static struct ls_names ns;

static void setup_names(int budget_ms)
{
	int i;

	memset(&fakes, 0, sizeof(fakes));
	memset(&seen, 0, sizeof(seen));
	memset(&ns, 0, sizeof(ns));
	live = NULL;
	assert_int_equal(uv_loop_init(&loop), 0);
	for (i = 0; i < LS_NAME_NSRC; i++) {
		fakes[i].src = (enum ls_name_src)i;
		fakes[i].label = fake_src[i].name;
		fakes[i].loop = &loop;
		for (int b = 0; b < 256; b++)
			fakes[i].delay_ms[b] = -1;
		ns.src[i] = &fake_src[i];
	}
	assert_int_equal(ls_names_open(&ns, &loop, NULL, budget_ms), 0);
	t0 = ls_now_ms();
}

static struct ls_nq *start(uint8_t b)
{
	struct ls_addr a;
	struct ls_path p;
	struct ls_nq *q;

	memset(&a, 0, sizeof(a));
	memset(&p, 0, sizeof(p));
	a.family = AF_INET;
	a.b[0] = 10;
	a.b[3] = b;
	in_start = true;
	q = ls_names_start(&ns, &a, &p, on_found, (void *)(uintptr_t)b);
	in_start = false;
	assert_non_null(q);
	return q;
}

static void finish_loop(void)
{
	struct fake_q *fq, *next;

	uv_run(&loop, UV_RUN_DEFAULT);
	ls_names_close(&ns);
	for (fq = live; fq != NULL; fq = next) {
		next = fq->next;
		uv_close((uv_handle_t *)&fq->t, fq_closed);
	}
	live = NULL;
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Every source answers: the line goes out with all of them, long before the budget. */
static void test_all_answer_early(void **state)
{
	(void)state;
	setup_names(2000);
	fakes[0].delay_ms[1] = 20;
	fakes[1].delay_ms[1] = 40;
	fakes[2].delay_ms[1] = 60;
	start(1);
	finish_loop();
	assert_int_equal(seen[1].calls, 1);
	assert_string_equal(seen[1].dns, "h1.dns");
	assert_string_equal(seen[1].mdns, "h1.mdns");
	assert_string_equal(seen[1].netbios, "h1.netbios");
	assert_string_equal(seen[1].group, "LAB");
	assert_true(seen[1].at_ms >= 55 && seen[1].at_ms < 1000);
}

/* A silent source holds the line for the budget, never longer; the other
 * answers are kept.  Lookups are independent: a quick one is not held. */
static void test_budget_bounds_each_lookup(void **state)
{
	(void)state;
	setup_names(300);
	fakes[1].delay_ms[1] = 10;	/* mdns answers, dns and netbios never */
	fakes[0].delay_ms[2] = 5;	/* host 2: everything answers */
	fakes[1].delay_ms[2] = 5;
	fakes[2].delay_ms[2] = 5;
	start(1);
	start(2);
	finish_loop();
	assert_string_equal(seen[1].mdns, "h1.mdns");
	assert_string_equal(seen[1].dns, "-");
	assert_true(seen[1].at_ms >= 295 && seen[1].at_ms < 450);
	assert_true(seen[2].at_ms < 200);
}

/* A server that never answers costs the budget once: once a query of it
 * expires, later lookups do not ask it, and lookups waiting only for it end. */
static void test_dead_server_costs_once(void **state)
{
	(void)state;
	setup_names(200);
	fakes[0].server = true;		/* dns: silent for everyone */
	fakes[1].delay_ms[3] = 10;
	fakes[2].delay_ms[3] = 10;
	start(1);
	start(2);
	finish_loop();
	assert_int_equal(fakes[0].started, 2);
	assert_true(ns.dead[LS_NAME_DNS]);
	assert_true(seen[1].at_ms >= 195 && seen[2].at_ms < 400);	/* one budget for both */
	/* the sweep goes on: a new loop, the same names state, dns not asked */
	assert_int_equal(uv_loop_init(&loop), 0);
	memset(&ns, 0, sizeof(ns));
	for (int i = 0; i < LS_NAME_NSRC; i++)
		ns.src[i] = &fake_src[i];
	assert_int_equal(ls_names_open(&ns, &loop, NULL, 200), 0);
	ns.dead[LS_NAME_DNS] = true;
	t0 = ls_now_ms();
	fakes[0].started = 0;
	start(3);
	start(4);
	finish_loop();
	assert_int_equal(fakes[0].started, 0);
	assert_string_equal(seen[3].mdns, "h3.mdns");
	assert_true(seen[3].at_ms < 150);
}

/* An answer from inside start, and a lookup nothing applies to: both end on
 * the next turn of the loop, never inside ls_names_start. */
static void test_synchronous_answers(void **state)
{
	struct ls_addr a;
	struct ls_path p;

	(void)state;
	setup_names(1000);
	fakes[0].delay_ms[5] = 0;
	fakes[1].delay_ms[5] = 0;
	fakes[2].delay_ms[5] = 0;
	start(5);
	memset(&a, 0, sizeof(a));
	memset(&p, 0, sizeof(p));
	a.family = AF_INET6;	/* no fake source applies */
	in_start = true;
	assert_non_null(ls_names_start(&ns, &a, &p, on_found, (void *)(uintptr_t)0));
	in_start = false;
	assert_int_equal(seen[5].calls, 0);
	finish_loop();
	assert_int_equal(seen[5].calls, 1);
	assert_string_equal(seen[5].dns, "now.local");
	assert_int_equal(seen[0].calls, 1);
	assert_true(seen[0].at_ms < 100 && seen[5].at_ms < 100);
}

/* Cancelling runs the callback at once with what was found so far. */
static void test_cancel(void **state)
{
	struct ls_nq *q;

	(void)state;
	setup_names(1000);
	q = start(6);
	ls_names_cancel(q);
	assert_int_equal(seen[6].calls, 1);
	assert_string_equal(seen[6].dns, "-");
	finish_loop();
	assert_int_equal(seen[6].calls, 1);
}

/* Names share --rate with the probes: lookups wait for their packets in
 * order, and one whose budget runs out while waiting ends with nothing. */
static void test_rate_is_shared(void **state)
{
	struct ls_pacer pacer;
	int b, started;

	(void)state;
	setup_names(400);
	ls_pacer_init(&pacer, 100, ls_now_ms());	/* 100 packets a second */
	ns.pacer = &pacer;
	for (b = 10; b < 30; b++) {
		fakes[0].delay_ms[b] = 1;
		fakes[1].delay_ms[b] = 1;
		fakes[2].delay_ms[b] = 1;
		start((uint8_t)b);
	}
	finish_loop();
	started = (int)fakes[1].started;
	/* 4 packets a lookup: about 100 / 4 a second get out within 400 ms */
	assert_true(started >= 4 && started <= 16);
	assert_int_equal(fakes[0].started, fakes[1].started);
	for (b = 10; b < 30; b++) {
		assert_int_equal(seen[b].calls, 1);
		assert_true(seen[b].at_ms < 550);
	}
	assert_string_equal(seen[10].mdns, "h10.mdns");	/* the first went at once */
	assert_string_equal(seen[29].mdns, "-");	/* the last ran out of budget waiting */
	assert_true(pacer.taken <= 4u * 20u);
}

/* Query ids: unique among outstanding queries, found again, deleted. */
static void test_id_table(void **state)
{
	struct ls_nq_table t;
	static struct ls_nq qs[3000];
	int i, j;

	(void)state;
	ls_nq_table_init(&t, LS_NAME_MDNS);
	memset(qs, 0, sizeof(qs));
	for (i = 0; i < 3000; i++)
		ls_nq_table_add(&t, &qs[i]);
	for (i = 0; i < 3000; i += 7) {
		struct ls_nq *q = ls_nq_table_find(&t, qs[i].id[LS_NAME_MDNS], NULL);
		assert_ptr_equal(q, &qs[i]);
		assert_null(ls_nq_table_find(&t, qs[i].id[LS_NAME_MDNS], q));
	}
	for (i = 0; i < 3000; i++)
		for (j = i + 1; j < i + 40 && j < 3000; j++)
			assert_int_not_equal(qs[i].id[LS_NAME_MDNS], qs[j].id[LS_NAME_MDNS]);
	for (i = 0; i < 3000; i += 2)
		ls_nq_table_del(&t, &qs[i]);
	for (i = 0; i < 3000; i += 2)
		assert_ptr_not_equal(ls_nq_table_find(&t, qs[i].id[LS_NAME_MDNS], NULL), &qs[i]);
	assert_ptr_equal(ls_nq_table_find(&t, qs[1].id[LS_NAME_MDNS], NULL), &qs[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_answer_early),
		cmocka_unit_test(test_budget_bounds_each_lookup),
		cmocka_unit_test(test_dead_server_costs_once),
		cmocka_unit_test(test_synchronous_answers),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_rate_is_shared),
		cmocka_unit_test(test_id_table),
	};

	(void)f_open;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
