/* summary.h -- the -s summary sink: one line of totals on standard error, as text or JSON. */
#ifndef LANSCAN_SUMMARY_H
#define LANSCAN_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "lanscan/sink.h"

/* Formats the totals: text ("N targets, N up, ...") or a JSON object, no newline. */
void ls_summary_format(const struct ls_summary *s, bool json, char *buf, size_t len);

/* The sink: at finish, writes the line on out (text lines start "lanscan: "). */
struct ls_sink *ls_summary_sink_new(FILE *out, bool json);

#endif
