/* output.h -- the line sink: tab-separated or NDJSON lines of chosen fields, filtered, sorted, written. */
#ifndef LANSCAN_OUTPUT_H
#define LANSCAN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "lanscan/fields.h"
#include "lanscan/result.h"
#include "lanscan/sink.h"
#include "lanscan/target.h"

/* LS_FMT_AUTO: the table when standard output is a terminal, else text. */
enum ls_format { LS_FMT_AUTO, LS_FMT_TEXT, LS_FMT_JSON, LS_FMT_PROM, LS_FMT_TABLE, LS_FMT_HTML };

/* Formats one result as a line ending in '\n' into buf, with the default
 * fields of its format: text is address (or the target when it has
 * none), state, RTT in ms or '-', name or '-', the method that answered
 * or '-', the MAC or '-', its vendor or '-', separated by tabs; tabs and
 * control characters in fields become '?'.  JSON: one object per line.
 * Returns the line's whole length, as snprintf: when that is more than
 * len, buf holds an unfinished line and the caller formats again with
 * room for the returned length plus one. */
size_t ls_format_result(const struct ls_result *r, enum ls_format fmt, char *buf, size_t len);

struct ls_output {
	struct ls_sink sink;	/* the sink interface (sink.h) */
	int fd;
	enum ls_format format;	/* LS_FMT_TEXT or LS_FMT_JSON */
	enum ls_show show;
	bool quiet;		/* print nothing */
	bool owned;		/* the sink's free() frees the struct too */
	bool header;		/* text: a header line of field names first */
	bool header_done;
	bool changes;		/* --state: text event lines (conflicts too) */
	struct ls_fieldset fields;	/* n 0: the format's default */
	char *listbuf;		/* --list: batched addresses */
	size_t listlen;
};

void ls_output_init(struct ls_output *o, int fd);

/* Prints one result that passes the -a/-u filter.
 * Returns 0, -EPIPE when the reader went away, or another negative errno. */
int ls_output_result(struct ls_output *o, const struct ls_result *r);

/* Prints one change or event (sink.h): the event word and a tab before the
 * result's line (text), or "event" and "previous" keys first in its object
 * (JSON).  The -a/-u filter applies to the result's state, except for
 * "gone" and "conflict".  A conflict is printed in text only with changes,
 * and in JSON as an event record with no host state. */
int ls_output_change(struct ls_output *o, const char *event, const struct ls_result *r,
		     const char *previous);

/* --list: prints one target line, batched (64 KiB) since nothing waits on it. */
int ls_output_list(struct ls_output *o, const char *text);

/* Prints what --list batched; frees the output's memory. */
int ls_output_finish(struct ls_output *o);

/* --sort: a sink that keeps every result (copied) and gives them to inner
 * in address order at finish (names that did not resolve last); events
 * pass at once.  It owns inner.  Returns NULL when out of memory. */
struct ls_sink *ls_sort_sink_new(struct ls_sink *inner);

#endif
