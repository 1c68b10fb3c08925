/* fields.h -- the one table of output fields: name, header, width rule, text and JSON writers.
 *
 * Every format that has columns (TSV, the terminal table, NDJSON, the
 * HTML report) prints a list of these, chosen with -o or the format's
 * default, as zmap's --output-fields and arp-scan's fields[] do.  A field
 * added here is at once printable everywhere.
 */
#ifndef LANSCAN_FIELDS_H
#define LANSCAN_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "lanscan/result.h"
#include "lanscan/sbuf.h"

enum {
	LS_FIELD_NUMBER = 1,	/* right-aligned in the table */
	LS_FIELD_WIDE = 2,	/* variable width: shares the room left on a line */
	LS_FIELD_JSON_ONLY = 4,	/* an object: only NDJSON prints it */
};

struct ls_field {
	const char *name;	/* for -o, and the JSON key unless json_key */
	const char *json_key;
	const char *header;	/* the table's header */
	unsigned flags;
	int width;		/* table: the widest value of a fixed field; a wide one's least */
	int max;		/* table: a wide field's most (0: no bound) */
	int weight;		/* table: a wide field's share of the room left */
	int rank;		/* table too narrow: the highest is left out first (0: never) */
	/* The field's text for TSV, or NULL when it has none (printed '-').
	 * buf: room for a value made on the spot. */
	const char *(*text)(const struct ls_result *r, char *buf, size_t len);
	/* For a person (the table, HTML): NULL to use text. */
	const char *(*human)(const struct ls_result *r, char *buf, size_t len);
	/* The JSON value; NULL to print text as a string (or null). */
	void (*json)(const struct ls_result *r, struct ls_sbuf *b);
	const char *help;	/* one line for the man page and --help */
};

#define LS_FIELDS_MAX 32
#define LS_FIELD_BUF 256	/* room for a value a field makes on the spot */

/* A chosen list of fields. */
struct ls_fieldset {
	const struct ls_field *f[LS_FIELDS_MAX];
	size_t n;
};

extern const struct ls_field ls_fields[];	/* ends with a NULL name */

const struct ls_field *ls_field_find(const char *name);

/* The defaults: TSV (address state rtt name via mac vendor), NDJSON (with
 * names: the per-source names object), the table (names: the name column). */
void ls_fields_default_tsv(struct ls_fieldset *fs);
void ls_fields_default_json(struct ls_fieldset *fs, bool names);
void ls_fields_default_table(struct ls_fieldset *fs, bool names);

/* -o LIST: comma-separated field names, or "+LIST" to add to the default
 * already in fs.  json: the list is for NDJSON (objects allowed).  Returns
 * 0, or -EINVAL with a message naming the field in err. */
int ls_fields_parse(struct ls_fieldset *fs, const char *list, bool json, char *err, size_t errlen);

/* One TSV line of r's fields (no newline): tab-separated, '-' when empty. */
void ls_fields_tsv(const struct ls_fieldset *fs, const struct ls_result *r, struct ls_sbuf *b);

/* The JSON members of r's fields ("key":value,...), no braces. */
void ls_fields_json(const struct ls_fieldset *fs, const struct ls_result *r, struct ls_sbuf *b);

/* The TSV header line (no newline): the field names, tab-separated. */
void ls_fields_tsv_header(const struct ls_fieldset *fs, struct ls_sbuf *b);

/* The text of field f for a person (human, else text), or NULL. */
const char *ls_field_human(const struct ls_field *f, const struct ls_result *r, char *buf, size_t len);

/* Every field name, comma-separated, for messages and completions. */
void ls_fields_names(char *buf, size_t len, bool json);

#endif
