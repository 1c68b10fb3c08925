/* output.h -- result lines: the tab-separated and NDJSON formats, filtering, sorting, writing. */
#ifndef LANSCAN_OUTPUT_H
#define LANSCAN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "lanscan/result.h"
#include "lanscan/target.h"

enum ls_format { LS_FMT_TEXT, LS_FMT_JSON, LS_FMT_PROM };
enum ls_show { LS_SHOW_ALL, LS_SHOW_ALIVE, LS_SHOW_UNREACHABLE };

/* Formats one result as a line ending in '\n' into buf.  Text: address (or
 * the target when it has none), state, RTT in ms or '-', name or '-', the
 * method that answered or '-', the MAC or '-', its vendor or '-', separated by tabs; tabs and control characters in fields become '?'.
 * JSON: one object per line.  Returns the line's whole length, as snprintf:
 * when that is more than len, buf holds an unfinished line and the caller
 * formats again with room for the returned length plus one. */
size_t ls_format_result(const struct ls_result *r, enum ls_format fmt, char *buf, size_t len);

struct ls_sorted;

struct ls_output {
	int fd;
	enum ls_format format;
	enum ls_show show;
	bool quiet;		/* print nothing */
	bool sort;		/* keep results, print them in address order at the end */
	struct ls_sorted *sorted;
	size_t nsorted, capsorted;
	char *listbuf;		/* --list: batched addresses */
	size_t listlen;
};

void ls_output_init(struct ls_output *o, int fd);

/* Prints (or keeps, with sort) one result that passes the -a/-u filter.
 * Returns 0, -EPIPE when the reader went away, or another negative errno. */
int ls_output_result(struct ls_output *o, const struct ls_result *r);

/* --state: prints one change: the event word and a tab before the result's
 * line (text), or "event" and "previous" keys first in its object (JSON).
 * The -a/-u filter applies to the result's state, except for "gone". */
int ls_output_change(struct ls_output *o, const char *event, const struct ls_result *r,
		     const char *previous);

/* --list: prints one target line, batched (64 KiB) since nothing waits on it. */
int ls_output_list(struct ls_output *o, const char *text);

/* Prints what sort kept and what --list batched; frees the output's memory. */
int ls_output_finish(struct ls_output *o);

#endif
