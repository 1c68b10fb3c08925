/* table.c -- the terminal table: widths fixed before the first line, so lines stream in completion order and still align. */
#include "lanscan/table.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lanscan/util.h"

#define EVENT_WIDTH 8	/* "conflict" */
#define MIN_WIDE 4

struct table {
	struct ls_sink sink;
	struct ls_table_cfg cfg;
	int width[LS_FIELDS_MAX];
	bool header_done;
	uint64_t shown, hidden_down;
};

int ls_table_columns(int fd)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	long v;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (c != NULL && (v = strtol(c, NULL, 10)) > 0 && v < 10000)
		return (int)v;
	return 80;
}

bool ls_table_want_color(enum ls_color c, int fd)
{
	const char *no = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (c != LS_COLOR_AUTO)
		return c == LS_COLOR_ALWAYS;
	if (no != NULL && no[0] != '\0')
		return false;	/* https://no-color.org */
	return isatty(fd) && !(term != NULL && strcmp(term, "dumb") == 0);
}

bool ls_locale_utf8(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v;

	for (size_t i = 0; i < LS_ARRAY_SIZE(vars); i++) {
		if ((v = getenv(vars[i])) == NULL || v[0] == '\0')
			continue;
		return strstr(v, "UTF-8") != NULL || strstr(v, "utf8") != NULL || strstr(v, "UTF8") != NULL ||
		       strstr(v, "utf-8") != NULL;
	}
	return false;
}

/* The columns a code point takes on a terminal: 0 for combining marks and
 * zero-width characters, 2 for East Asian wide and fullwidth forms and
 * emoji, else 1 (the ranges of wcwidth's tables that matter for names,
 * without depending on the process's locale). */
static int cp_width(uint32_t cp)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x0610, 0x061a }, { 0x064b, 0x065f },
		{ 0x200b, 0x200f }, { 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f },
		{ 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a }, { 0x23e9, 0x23ec }, { 0x25fd, 0x25fe },
		{ 0x2614, 0x2615 }, { 0x2648, 0x2653 }, { 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
		{ 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xa960, 0xa97f }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f }, { 0x1f900, 0x1f9ff },
		{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};
	size_t i;

	for (i = 0; i < LS_ARRAY_SIZE(zero); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (i = 0; i < LS_ARRAY_SIZE(wide); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* The next character at p: its length in bytes (*n) and columns; an
 * invalid byte is one column (printed '?'). */
static int next_char(const unsigned char *p, size_t *n)
{
	uint32_t cp;

	if (*p < 0x80 || (*n = ls_utf8_len(p)) == 0) {
		*n = 1;
		return 1;
	}
	cp = *n == 2 ? p[0] & 0x1f : *n == 3 ? p[0] & 0x0f : p[0] & 0x07;
	for (size_t i = 1; i < *n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp_width(cp);
}

/* Appends s in at most w columns, padded to w unless last: control bytes
 * and invalid UTF-8 become '?', a cut is marked with the ellipsis; wide
 * characters take two columns.  whole: never cut (an address); returns
 * the columns written beyond w, which the rest of the line gives back. */
static int cell(struct ls_sbuf *b, const char *s, int w, bool right, bool last, bool utf8, bool whole)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	int cells = 0, total = 0, over = 0, cw;
	size_t n;
	const unsigned char *q;

	for (q = p; *q != '\0'; q += n)
		total += next_char(q, &n);
	if (w <= 0 && !whole)
		return 0;	/* no room left on this line */
	if (whole && total > w) {
		over = total - w;
		w = total;
	}
	if (right && total < w)
		for (int i = total; i < w; i++)
			ls_sbuf_put(b, " ", 1);
	for (; *p != '\0'; p += n, cells += cw) {
		cw = next_char(p, &n);
		if (total > w && cells + cw > w - 1) {	/* room for the ellipsis only */
			ls_sbuf_puts(b, utf8 ? "\xe2\x80\xa6" : "~");
			cells++;
			break;
		}
		if (n > 1) {
			ls_sbuf_put(b, (const char *)p, n);
		} else {
			char c = *p >= 0x7f ? '?' : ls_field_char(*p);
			ls_sbuf_put(b, &c, 1);
		}
	}
	if (!right && !last)
		for (; cells < w; cells++)
			ls_sbuf_put(b, " ", 1);
	return over;
}

static const char *color_of(enum ls_state st)
{
	return st == LS_UP ? "\033[32m" : st == LS_DOWN ? "\033[31m" : "\033[33m";
}

/* Every cell is bounded (by its width, or an address's length), so a line
 * fits its buffer unless the terminal is thousands of columns wide: then
 * it is cut there rather than lost. */
static int write_line(struct table *t, struct ls_sbuf *b)
{
	b->p[b->len++] = '\n';
	return ls_write_all(t->cfg.fd, b->p, b->len);
}

static int header(struct table *t)
{
	char line[4096];
	struct ls_sbuf b = { line, 0, sizeof(line), 0 };
	size_t i;

	if (t->header_done || !t->cfg.header)
		return 0;
	t->header_done = true;
	if (t->cfg.changes) {
		cell(&b, "EVENT", EVENT_WIDTH, false, false, t->cfg.utf8, false);
		ls_sbuf_put(&b, " ", 1);
	}
	for (i = 0; i < t->cfg.fields.n; i++) {
		const struct ls_field *f = t->cfg.fields.f[i];
		if (i > 0)
			ls_sbuf_put(&b, " ", 1);
		cell(&b, f->header, t->width[i], f->flags & LS_FIELD_NUMBER, i + 1 == t->cfg.fields.n, t->cfg.utf8,
		     false);
	}
	return write_line(t, &b);
}

static int row(struct table *t, const char *event, const struct ls_result *r)
{
	char line[4096], buf[LS_FIELD_BUF];
	struct ls_sbuf b = { line, 0, sizeof(line), 0 };
	size_t i;
	int rc, debt = 0, w;

	if ((rc = header(t)) != 0)
		return rc;
	if (t->cfg.changes) {
		cell(&b, event, EVENT_WIDTH, false, false, t->cfg.utf8, false);
		ls_sbuf_put(&b, " ", 1);
	}
	for (i = 0; i < t->cfg.fields.n; i++) {
		const struct ls_field *f = t->cfg.fields.f[i];
		bool colored = t->cfg.color && strcmp(f->name, "state") == 0;
		/* addresses, numbers, MACs: never cut; a target that did not
		 * resolve in the address column is text like any other */
		bool whole = !(f->flags & LS_FIELD_WIDE) && (r->has_addr || strcmp(f->name, "address") != 0);
		w = t->width[i];
		if (debt > 0 && (f->flags & LS_FIELD_WIDE)) {	/* a long address took room: give it back */
			int give = w < debt ? w : debt;
			w -= give;
			debt -= give;
		}
		if (i > 0)
			ls_sbuf_put(&b, " ", 1);
		if (colored)
			ls_sbuf_puts(&b, color_of(r->state));
		debt += cell(&b, ls_field_human(f, r, buf, sizeof(buf)), w, f->flags & LS_FIELD_NUMBER,
			     i + 1 == t->cfg.fields.n, t->cfg.utf8, whole);
		if (colored)
			ls_sbuf_puts(&b, "\033[0m");
	}
	while (b.len > 0 && b.need == b.len && line[b.len - 1] == ' ')
		b.len--, b.need--;	/* no trailing blanks */
	t->shown++;
	return write_line(t, &b);
}

static int t_result(struct ls_sink *s, const struct ls_result *r)
{
	struct table *t = ls_container_of(s, struct table, sink);

	if (!ls_show_passes(t->cfg.show, r->state)) {
		if (r->state == LS_DOWN)
			t->hidden_down++;
		return 0;
	}
	return row(t, NULL, r);
}

static int t_change(struct ls_sink *s, const char *event, const struct ls_result *r, const char *previous)
{
	struct table *t = ls_container_of(s, struct table, sink);

	(void)previous;
	if (strcmp(event, "gone") != 0 && strcmp(event, "conflict") != 0 &&
	    !ls_show_passes(t->cfg.show, r->state))
		return 0;
	return row(t, event, r);
}

/* Writes text in lines of at most width bytes, broken at spaces (ASCII). */
static int write_wrapped(int fd, char *text, int width)
{
	char *p = text, *cut;
	size_t len;
	int rc;

	if (width < 20)
		width = 20;
	for (;;) {
		len = strlen(p);
		if ((int)len <= width) {
			p[len] = '\n';
			return ls_write_all(fd, p, len + 1);
		}
		for (cut = p + width; cut > p && *cut != ' '; cut--)
			;
		if (cut == p)
			cut = p + width;	/* one long word: cut it */
		*cut = '\n';
		if ((rc = ls_write_all(fd, p, (size_t)(cut - p) + 1)) != 0)
			return rc;
		p = *cut == '\n' && cut[1] != '\0' ? cut + 1 : cut + 1;
		while (*p == ' ')
			p++;
	}
}

static int t_finish(struct ls_sink *s, const struct ls_summary *sum, char *err, size_t errlen)
{
	struct table *t = ls_container_of(s, struct table, sink);
	char line[512], extra[160] = "";
	int n;

	(void)err, (void)errlen;
	if (t->cfg.changes && t->shown == 0) {
		n = snprintf(line, sizeof(line), "No change since the last sweep.\n");
		if (ls_write_all(t->cfg.fd, line, (size_t)n) != 0)
			return -errno;
	}
	if (t->hidden_down > 0 && t->cfg.show == LS_SHOW_NOT_DOWN)
		snprintf(extra, sizeof(extra), " (--show-down lists them)");
	else if (t->hidden_down > 0)
		snprintf(extra, sizeof(extra), " (not listed)");
	n = snprintf(line, sizeof(line), "%llu address%s, %.2f s: %llu up, %llu unknown, %llu down%s%s%s",
		     (unsigned long long)sum->targets, sum->targets == 1 ? "" : "es", sum->elapsed_s,
		     (unsigned long long)sum->up, (unsigned long long)sum->unknown,
		     (unsigned long long)sum->down, extra, sum->interrupted ? " (interrupted)" : "",
		     sum->complete || sum->interrupted ? "" : " (did not finish)");
	return write_wrapped(t->cfg.fd, line, t->cfg.columns - 1);
}

static void t_free(struct ls_sink *s)
{
	free(ls_container_of(s, struct table, sink));
}

static const struct ls_sink_ops table_ops = { t_result, t_change, t_finish, t_free };

/* Too narrow even for the least of each field: fields are left out, the
 * least telling first (their rank; address and state stay). */
static void fit(struct table *t, int *room, int *nwide, int *last)
{
	struct ls_fieldset *fs = &t->cfg.fields;
	size_t i, k;

	while (*room < 0) {
		for (k = fs->n, i = 0; i < fs->n; i++)
			if (fs->f[i]->rank > 0 && (k == fs->n || fs->f[i]->rank >= fs->f[k]->rank))
				k = i;
		if (k == fs->n)
			break;
		*room += t->width[k] + 1;
		if (fs->f[k]->flags & LS_FIELD_WIDE)
			(*nwide)--;
		for (i = k; i + 1 < fs->n; i++) {
			fs->f[i] = fs->f[i + 1];
			t->width[i] = t->width[i + 1];
		}
		fs->n--;
	}
	*last = -1;
	for (i = 0; i < fs->n; i++)
		if (fs->f[i]->flags & LS_FIELD_WIDE)
			*last = (int)i;
}

/* Fixed fields take their widest value; the wide ones share the rest,
 * each at least its header, at most its bound; the last one takes what
 * is left. */
static void widths(struct table *t)
{
	const struct ls_fieldset *fs = &t->cfg.fields;
	int room = t->cfg.columns - 1, nwide = 0, w, extra, last = -1;	/* the last column never reaches the margin */

	size_t i;

	if (t->cfg.changes)
		room -= EVENT_WIDTH + 1;
	for (i = 0; i < fs->n; i++) {
		const struct ls_field *f = fs->f[i];
		int h = (int)strlen(f->header);
		if (i > 0)
			room--;
		if (f->flags & LS_FIELD_WIDE) {
			w = f->width > h ? f->width : h;
			w = w < MIN_WIDE ? MIN_WIDE : w;
			nwide++;
			last = (int)i;
		} else {
			w = strcmp(f->name, "address") == 0 ? t->cfg.addr_width : f->width;
			w = w > h ? w : h;
		}
		t->width[i] = w;
		room -= w;
	}
	fit(t, &room, &nwide, &last);
	/* still too narrow (address and state alone): the address column gives
	 * way; an address longer than it is printed whole all the same */
	for (i = 0; i < fs->n && room < 0; i++) {
		int least = (int)strlen(fs->f[i]->header);
		if (strcmp(fs->f[i]->name, "address") == 0 && t->width[i] > least) {
			int give = t->width[i] - least < -room ? t->width[i] - least : -room;
			t->width[i] -= give;
			room += give;
		}
	}
	/* share what is left among the wide fields, by weight (a name needs
	 * more than a vendor), each up to its bound; the last one takes the rest */
	if (room > 0 && nwide > 0) {
		int weights = 0, left = room;
		for (i = 0; i < fs->n; i++)
			if (fs->f[i]->flags & LS_FIELD_WIDE)
				weights += fs->f[i]->weight > 0 ? fs->f[i]->weight : 1;
		for (i = 0; i < fs->n; i++) {
			const struct ls_field *f = fs->f[i];
			if (!(f->flags & LS_FIELD_WIDE) || (int)i == last)
				continue;
			extra = room * (f->weight > 0 ? f->weight : 1) / weights;
			if (f->max > 0 && t->width[i] + extra > f->max)
				extra = f->max > t->width[i] ? f->max - t->width[i] : 0;
			t->width[i] += extra;
			left -= extra;
		}
		t->width[last] += left;
		room = 0;
	}
}

struct ls_sink *ls_table_new(const struct ls_table_cfg *cfg)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->sink.ops = &table_ops;
	t->cfg = *cfg;
	if (t->cfg.fields.n == 0)
		ls_fields_default_table(&t->cfg.fields, cfg->names);
	if (t->cfg.addr_width <= 0)
		t->cfg.addr_width = 15;
	widths(t);
	return &t->sink;
}
