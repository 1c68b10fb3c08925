/* html.h -- the HTML report sink: one self-contained page at the end (a summary, a sortable table of hosts, a map of every /24).
 *
 * Results are kept as they come (each value copied and cut at
 * LS_HTML_TEXT_MAX bytes, so a host costs a bounded amount; a down host
 * the table does not list costs one byte of its /24's map) and the page
 * is written to fd at finish.  The page loads nothing: its
 * Content-Security-Policy forbids every request, and allows only its own
 * inline style and script, by their SHA-256 hashes.  Every string that
 * came from the network or the user is escaped (ls_html_escape).
 */
#ifndef LANSCAN_HTML_H
#define LANSCAN_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanscan/fields.h"
#include "lanscan/sink.h"
#include "lanscan/target.h"

#define LS_HTML_TEXT_MAX 256	/* bytes kept of one value */
#define LS_HTML_MAX_MAPS 256	/* /24 grids drawn (a /16); the table lists every host */

struct ls_html_cfg {
	/* -o: the table's columns, in order.  n 0: every field of ls_fields
	 * (but target: the heading names the targets) that has a value for
	 * some host, in the field table's order. */
	struct ls_fieldset fields;
	bool add;			/* -o +LIST: the automatic columns, and these even when empty */
	enum ls_show show;		/* the hosts the table lists; the map shows every address */
	const char *title;		/* what was swept, for the heading, or NULL */
	const char *generator;		/* "lanscan VERSION", or NULL */
	/* The device's kind (marked in its map cell) and model (in the
	 * cell's tooltip); NULL: the fields named "kind" and "model" in
	 * ls_fields, when there are such fields. */
	const struct ls_field *kind, *model;
};

/* Creates the sink; the page goes to fd at finish.  Returns NULL when out
 * of memory. */
struct ls_sink *ls_html_new(int fd, const struct ls_html_cfg *cfg);

/* Escapes s for HTML text and quoted attribute values into buf (always
 * NUL-terminated when len > 0): & < > " ' / : become character references
 * (so that not even the text of a name looks like a URL),
 * control bytes, invalid UTF-8, C1 controls and bidirectional overrides
 * become U+FFFD; other UTF-8 is kept.  Returns the length the whole
 * escaped text needs, as snprintf. */
size_t ls_html_escape(const char *s, char *buf, size_t len);

/* Where addr sits on the map: its /24 (the first three bytes, as a
 * number), the row and the column of its 16 x 16 grid.  Returns 0, or
 * -EAFNOSUPPORT for an IPv6 address (listed in the table only). */
int ls_html_cell(const struct ls_addr *addr, uint32_t *net, int *row, int *col);

/* The page's inline style and script, as hashed into its policy. */
extern const char ls_html_style[];
extern const char ls_html_script[];

#endif
