/* output.c -- the line sink: TSV and NDJSON lines of the chosen fields, one write per line. */
#include "lanscan/output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanscan/util.h"

#define LIST_BUF (64 * 1024)

static void fields_for(const struct ls_output *o, const struct ls_result *r, struct ls_fieldset *fs)
{
	if (o->fields.n > 0)
		*fs = o->fields;
	else if (o->format == LS_FMT_JSON)
		ls_fields_default_json(fs, r->names);
	else
		ls_fields_default_tsv(fs);
}

/* One line of r with the fields fs, as snprintf (see ls_format_result);
 * JSON: event and previous keys first when event is set. */
static size_t format_fields(const struct ls_fieldset *fs, enum ls_format fmt, const char *event,
			    const char *previous, const struct ls_result *r, char *buf, size_t len)
{
	struct ls_sbuf b = { buf, 0, len, 0 };

	if (len < 2) {
		if (len == 1)
			buf[0] = '\0';
		return 0;
	}
	if (fmt == LS_FMT_JSON) {
		ls_sbuf_puts(&b, "{");
		if (event != NULL) {
			ls_sbuf_puts(&b, "\"event\":");
			ls_sbuf_json_str(&b, event);
			ls_sbuf_puts(&b, ",\"previous\":");
			ls_sbuf_json_str(&b, previous);
			if (fs->n > 0)
				ls_sbuf_puts(&b, ",");
		}
		ls_fields_json(fs, r, &b);
		ls_sbuf_puts(&b, "}");
	} else {
		if (event != NULL) {
			ls_sbuf_puts(&b, event);
			ls_sbuf_put(&b, "\t", 1);
		}
		ls_fields_tsv(fs, r, &b);
	}
	if (b.need == b.len)
		buf[b.len++] = '\n';
	return b.need + 1;
}

size_t ls_format_result(const struct ls_result *r, enum ls_format fmt, char *buf, size_t len)
{
	struct ls_fieldset fs;

	if (fmt == LS_FMT_JSON)
		ls_fields_default_json(&fs, r->names);
	else
		ls_fields_default_tsv(&fs);
	return format_fields(&fs, fmt, NULL, NULL, r, buf, len);
}

/* Formats into stack (len bytes), or into a malloc'd buffer when the line
 * does not fit: *out is the line, to free when it is not stack.  Returns
 * its length, or 0 when out of memory. */
static size_t format_line(const struct ls_fieldset *fs, enum ls_format fmt, const char *event,
			  const char *previous, const struct ls_result *r, char *stack, size_t len, char **out)
{
	size_t n = format_fields(fs, fmt, event, previous, r, stack, len);

	*out = stack;
	if (n <= len)
		return n;
	if ((*out = malloc(n + 1)) == NULL)
		return 0;
	return format_fields(fs, fmt, event, previous, r, *out, n + 1);
}

static int sink_result(struct ls_sink *s, const struct ls_result *r)
{
	return ls_output_result(ls_container_of(s, struct ls_output, sink), r);
}

static int sink_change(struct ls_sink *s, const char *event, const struct ls_result *r, const char *previous)
{
	return ls_output_change(ls_container_of(s, struct ls_output, sink), event, r, previous);
}

static int sink_finish(struct ls_sink *s, const struct ls_summary *sum, char *err, size_t errlen)
{
	(void)sum, (void)err, (void)errlen;
	return ls_output_finish(ls_container_of(s, struct ls_output, sink));
}

static void sink_free(struct ls_sink *s)
{
	struct ls_output *o = ls_container_of(s, struct ls_output, sink);

	ls_output_finish(o);
	if (o->owned)
		free(o);
}

static const struct ls_sink_ops output_ops = { sink_result, sink_change, sink_finish, sink_free };

void ls_output_init(struct ls_output *o, int fd)
{
	memset(o, 0, sizeof(*o));
	o->sink.ops = &output_ops;
	o->fd = fd;
	o->format = LS_FMT_TEXT;
}

#define write_all ls_write_all

/* The header line, once, before the first line (text with --header). */
static int header(struct ls_output *o, const struct ls_fieldset *fs, bool event)
{
	char line[1024];
	struct ls_sbuf b = { line, 0, sizeof(line), 0 };

	if (!o->header || o->header_done || o->format == LS_FMT_JSON)
		return 0;
	o->header_done = true;
	if (event)
		ls_sbuf_puts(&b, "event\t");
	ls_fields_tsv_header(fs, &b);
	line[b.len++] = '\n';
	return write_all(o->fd, line, b.len);
}

static int print(struct ls_output *o, const char *event, const char *previous, const struct ls_result *r,
		 const struct ls_fieldset *fs)
{
	char line[1024], *p;
	size_t n;
	int rc;

	if ((rc = header(o, fs, event != NULL)) != 0)
		return rc;
	if ((n = format_line(fs, o->format, event, previous, r, line, sizeof(line), &p)) == 0)
		return -ENOMEM;
	rc = write_all(o->fd, p, n);
	if (p != line)
		free(p);
	return rc;
}

int ls_output_result(struct ls_output *o, const struct ls_result *r)
{
	struct ls_fieldset fs;

	if (o->quiet || !ls_show_passes(o->show, r->state))
		return 0;
	fields_for(o, r, &fs);
	return print(o, NULL, NULL, r, &fs);
}

int ls_output_change(struct ls_output *o, const char *event, const struct ls_result *r,
		     const char *previous)
{
	static const char *const conflict_json[] = { "address", "via", "mac", "vendor", NULL };
	struct ls_fieldset fs;
	bool conflict = strcmp(event, "conflict") == 0;

	if (o->quiet || (!conflict && strcmp(event, "gone") != 0 && !ls_show_passes(o->show, r->state)))
		return 0;
	if (conflict && o->format != LS_FMT_JSON && !o->changes)
		return 0;	/* plain text keeps one line per host */
	if (conflict && o->format == LS_FMT_JSON) {
		/* An event, not a host record: no state, no target to count twice. */
		fs.n = 0;
		for (const char *const *n = conflict_json; *n != NULL; n++)
			fs.f[fs.n++] = ls_field_find(*n);
	} else {
		fields_for(o, r, &fs);
	}
	return print(o, event, previous, r, &fs);
}

int ls_output_list(struct ls_output *o, const char *text)
{
	size_t n = strlen(text);
	int rc;

	if (o->listbuf == NULL && (o->listbuf = malloc(LIST_BUF)) == NULL)
		return -ENOMEM;
	if (o->listlen + n + 1 > LIST_BUF) {
		rc = write_all(o->fd, o->listbuf, o->listlen);
		o->listlen = 0;
		if (rc != 0)
			return rc;
		if (n + 1 > LIST_BUF) {	/* a very long name: written as it is */
			if ((rc = write_all(o->fd, text, n)) != 0)
				return rc;
			return write_all(o->fd, "\n", 1);
		}
	}
	memcpy(o->listbuf + o->listlen, text, n);
	o->listbuf[o->listlen + n] = '\n';
	o->listlen += n + 1;
	return 0;
}

int ls_output_finish(struct ls_output *o)
{
	int rc = 0;

	if (o->listlen > 0)
		rc = write_all(o->fd, o->listbuf, o->listlen);
	free(o->listbuf);
	o->listbuf = NULL;
	o->listlen = 0;
	return rc;
}

bool ls_show_passes(enum ls_show show, enum ls_state st)
{
	switch (show) {
	case LS_SHOW_ALIVE:
		return st == LS_UP;
	case LS_SHOW_UNREACHABLE:
		return st != LS_UP;
	case LS_SHOW_NOT_DOWN:
		return st != LS_DOWN;
	default:
		return true;
	}
}
