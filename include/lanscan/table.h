/* table.h -- the terminal table sink: a header, aligned columns fixed before the first line, colour, a closing summary. */
#ifndef LANSCAN_TABLE_H
#define LANSCAN_TABLE_H

#include <stdbool.h>

#include "lanscan/fields.h"
#include "lanscan/sink.h"

enum ls_color { LS_COLOR_AUTO, LS_COLOR_ALWAYS, LS_COLOR_NEVER };

struct ls_table_cfg {
	int fd;
	struct ls_fieldset fields;	/* n 0: the default (ls_fields_default_table) */
	bool names;			/* names are asked for: the default has a name column */
	enum ls_show show;
	bool header;
	bool color;
	bool changes;			/* --state: an event column first */
	int columns;			/* the terminal's width */
	int addr_width;			/* the widest address of the sweep (15 for IPv4) */
	bool utf8;			/* cut text with '…' (else '~') */
};

/* Creates the sink; the column widths are decided here, once: fixed fields
 * take their widest value, the wide ones (names, vendors) share the rest
 * of the line, so that no line is wider than columns.  Lines are printed
 * as results come.  Returns NULL when out of memory. */
struct ls_sink *ls_table_new(const struct ls_table_cfg *cfg);

/* The terminal's width for fd: TIOCGWINSZ, else $COLUMNS, else 80. */
int ls_table_columns(int fd);

/* Whether to colour: always, never, or auto (fd a terminal and NO_COLOR unset or empty). */
bool ls_table_want_color(enum ls_color c, int fd);

/* Whether the locale's character set is UTF-8 (LC_ALL, LC_CTYPE, LANG). */
bool ls_locale_utf8(void);

#endif
