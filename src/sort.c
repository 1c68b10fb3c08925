/* sort.c -- --sort: a sink that keeps every result and hands them on in address order at the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/output.h"
#include "lanscan/util.h"

/* A kept result: its strings and facts are copies (the caller's live only
 * during the call), on the heap so the record can move. */
#define SORTED_STRS 5
struct sorted {
	struct ls_result r;
	char *s[SORTED_STRS];	/* target, name, error, via, model */
	struct ls_facts *facts;
};

struct sort_sink {
	struct ls_sink sink;
	struct ls_sink *inner;
	struct sorted *v;
	size_t n, cap;
};

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = true;
	return d;
}

static void free_sorted(struct sorted *s)
{
	for (int i = 0; i < SORTED_STRS; i++)
		free(s->s[i]);
	if (s->facts != NULL) {
		ls_facts_free(s->facts);
		free(s->facts);
	}
}

static int keep(struct ls_sink *sink, const struct ls_result *r)
{
	struct sort_sink *ss = ls_container_of(sink, struct sort_sink, sink);
	struct sorted *s;
	const char **f[SORTED_STRS];
	bool oom = false;
	int i;

	if (ls_grow(&ss->v, ss->n, &ss->cap, sizeof(*ss->v), 256) != 0)
		return -ENOMEM;
	s = &ss->v[ss->n];
	memset(s, 0, sizeof(*s));
	s->r = *r;
	f[0] = &s->r.target;
	f[1] = &s->r.name;
	f[2] = &s->r.error;
	f[3] = &s->r.via;	/* vendor points into the registry, which outlives output */
	f[4] = &s->r.model;	/* kind is a static word */
	for (i = 0; i < SORTED_STRS; i++) {
		s->s[i] = dup_or_null(*f[i], &oom);
		*f[i] = s->s[i];
	}
	if (r->facts != NULL && ((s->facts = calloc(1, sizeof(*s->facts))) == NULL ||
				 ls_facts_copy(s->facts, r->facts) != 0))
		oom = true;
	s->r.facts = s->facts;
	s->r.kind_fact = NULL;
	if (r->kind_fact != NULL && r->facts != NULL && s->facts != NULL && !oom)
		s->r.kind_fact = &s->facts->v[r->kind_fact - r->facts->v];
	if (oom) {
		free_sorted(s);
		return -ENOMEM;
	}
	ss->n++;
	return 0;
}

static int pass_change(struct ls_sink *sink, const char *event, const struct ls_result *r, const char *previous)
{
	struct sort_sink *ss = ls_container_of(sink, struct sort_sink, sink);

	return ss->inner->ops->change(ss->inner, event, r, previous);
}

/* Address order; names that did not resolve last, by their text. */
static int cmp_sorted(const void *pa, const void *pb)
{
	const struct ls_result *a = &((const struct sorted *)pa)->r;
	const struct ls_result *b = &((const struct sorted *)pb)->r;

	if (a->has_addr != b->has_addr)
		return a->has_addr ? -1 : 1;
	if (!a->has_addr)
		return strcmp(a->target, b->target);
	return ls_addr_cmp(&a->addr, &b->addr);
}

static void drop(struct sort_sink *ss)
{
	for (size_t i = 0; i < ss->n; i++)
		free_sorted(&ss->v[i]);
	free(ss->v);
	ss->v = NULL;
	ss->n = ss->cap = 0;
}

static int finish(struct ls_sink *sink, const struct ls_summary *sum, char *err, size_t errlen)
{
	struct sort_sink *ss = ls_container_of(sink, struct sort_sink, sink);
	int rc = 0;

	if (ss->n > 0)
		qsort(ss->v, ss->n, sizeof(*ss->v), cmp_sorted);
	for (size_t i = 0; i < ss->n && rc == 0; i++)
		rc = ss->inner->ops->result(ss->inner, &ss->v[i].r);
	drop(ss);
	if (rc != 0)
		return rc;
	return ss->inner->ops->finish(ss->inner, sum, err, errlen);
}

static void sort_free(struct ls_sink *sink)
{
	struct sort_sink *ss = ls_container_of(sink, struct sort_sink, sink);

	drop(ss);
	ss->inner->ops->free(ss->inner);
	free(ss);
}

static const struct ls_sink_ops sort_ops = { keep, pass_change, finish, sort_free };

struct ls_sink *ls_sort_sink_new(struct ls_sink *inner)
{
	struct sort_sink *ss = calloc(1, sizeof(*ss));

	if (ss == NULL)
		return NULL;
	ss->sink.ops = &sort_ops;
	ss->inner = inner;
	return &ss->sink;
}
