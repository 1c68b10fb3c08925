/* summary.c -- the totals of a sweep as one line (-s): text for people, JSON for programs. */
#include "lanscan/summary.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/sbuf.h"
#include "lanscan/util.h"

void ls_summary_format(const struct ls_summary *s, bool json, char *buf, size_t len)
{
	struct ls_sbuf b = { buf, 0, len, 0 };

	if (json) {
		ls_sbuf_printf(&b, "{\"targets\":%llu,\"up\":%llu,", (unsigned long long)s->targets,
			       (unsigned long long)s->up);
		ls_sbuf_printf(&b, "\"down\":%llu,\"unknown\":%llu,", (unsigned long long)s->down,
			       (unsigned long long)s->unknown);
		ls_sbuf_printf(&b, "\"unresolved\":%llu,\"sent\":%llu,", (unsigned long long)s->unresolved,
			       (unsigned long long)s->sent);
		ls_sbuf_printf(&b, "\"dropped\":%llu,\"conflicts\":%llu,", (unsigned long long)s->dropped,
			       (unsigned long long)s->conflicts);
		ls_sbuf_printf(&b, "\"seconds\":%.3f,\"interrupted\":%s}", s->elapsed_s,
			       s->interrupted ? "true" : "false");
	} else {
		/* unknown: every line that says unknown, names that did not resolve too */
		ls_sbuf_printf(&b, "%llu targets, %llu up, %llu down, ", (unsigned long long)s->targets,
			       (unsigned long long)s->up, (unsigned long long)s->down);
		ls_sbuf_printf(&b, "%llu unknown (%llu unresolved), ", (unsigned long long)s->unknown,
			       (unsigned long long)s->unresolved);
		if (s->dropped > 0)
			ls_sbuf_printf(&b, "%llu replies dropped, ", (unsigned long long)s->dropped);
		if (s->conflicts > 0)
			ls_sbuf_printf(&b, "%llu address conflicts, ", (unsigned long long)s->conflicts);
		ls_sbuf_printf(&b, "%.2f s%s", s->elapsed_s, s->interrupted ? " (interrupted)" : "");
	}
	b.p[b.len] = '\0';
}

struct summary_sink {
	struct ls_sink sink;
	FILE *out;
	bool json;
};

static int ss_result(struct ls_sink *s, const struct ls_result *r)
{
	(void)s, (void)r;
	return 0;
}

static int ss_change(struct ls_sink *s, const char *event, const struct ls_result *r, const char *previous)
{
	(void)s, (void)event, (void)r, (void)previous;
	return 0;
}

static int ss_finish(struct ls_sink *s, const struct ls_summary *sum, char *err, size_t errlen)
{
	struct summary_sink *ss = ls_container_of(s, struct summary_sink, sink);
	char line[512];

	(void)err, (void)errlen;
	ls_summary_format(sum, ss->json, line, sizeof(line));
	fprintf(ss->out, "%s%s\n", ss->json ? "" : "lanscan: ", line);
	fflush(ss->out);
	return 0;	/* stderr: nothing to stop for */
}

static void ss_free(struct ls_sink *s)
{
	free(ls_container_of(s, struct summary_sink, sink));
}

static const struct ls_sink_ops summary_ops = { ss_result, ss_change, ss_finish, ss_free };

struct ls_sink *ls_summary_sink_new(FILE *out, bool json)
{
	struct summary_sink *ss = calloc(1, sizeof(*ss));

	if (ss == NULL)
		return NULL;
	ss->sink.ops = &summary_ops;
	ss->out = out;
	ss->json = json;
	return &ss->sink;
}
