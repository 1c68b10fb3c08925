/* upnp.c -- the root device of a UPnP description with expat: no DTD, no entities, bounded depth and size. */
#include "lanscan/upnp.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <expat.h>

#include "lanscan/safetext.h"

struct walk {
	XML_Parser p;
	struct ls_upnp_desc *out;
	int depth;
	int err;
	bool root_ok, in_device, done_device;
	char *field;			/* the field being read, or NULL */
	uint8_t text[LS_UPNP_FIELD_MAX * 2];
	size_t textlen;
};

/* The element's name without a namespace prefix. */
static const char *local(const XML_Char *name)
{
	const char *c = strrchr(name, ':');

	return c != NULL ? c + 1 : name;
}

static void stop(struct walk *w, int err)
{
	if (w->err == 0)
		w->err = err;
	XML_StopParser(w->p, XML_FALSE);
}

static void on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "deviceType", offsetof(struct ls_upnp_desc, device_type) },
		{ "friendlyName", offsetof(struct ls_upnp_desc, friendly_name) },
		{ "manufacturer", offsetof(struct ls_upnp_desc, manufacturer) },
		{ "modelName", offsetof(struct ls_upnp_desc, model_name) },
		{ "modelNumber", offsetof(struct ls_upnp_desc, model_number) },
	};
	struct walk *w = arg;
	const char *n = local(name);
	size_t i;

	(void)attrs;
	if (++w->depth > LS_UPNP_DEPTH_MAX) {
		stop(w, -EFBIG);
		return;
	}
	if (w->depth == 1) {
		if (strcmp(n, "root") != 0)
			stop(w, -EBADMSG);
		w->root_ok = true;
	} else if (w->depth == 2 && strcmp(n, "device") == 0 && !w->done_device) {
		w->in_device = true;
	} else if (w->depth == 3 && w->in_device) {
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(n, fields[i].name) == 0) {
				char *f = (char *)w->out + fields[i].off;
				if (f[0] == '\0') {
					w->field = f;
					w->textlen = 0;
				}
			}
	}
}

static void on_end(void *arg, const XML_Char *name)
{
	struct walk *w = arg;

	(void)name;
	if (w->depth == 3 && w->field != NULL) {
		ls_text_escape(w->text, w->textlen, w->field, LS_UPNP_FIELD_MAX, 1);
		w->field = NULL;
	} else if (w->depth == 2 && w->in_device) {
		w->in_device = false;
		w->done_device = true;
	}
	w->depth--;
}

static void on_text(void *arg, const XML_Char *s, int len)
{
	struct walk *w = arg;
	size_t k;

	if (w->field == NULL || len <= 0)
		return;
	k = sizeof(w->text) - w->textlen;	/* the rest is cut */
	if ((size_t)len < k)
		k = (size_t)len;
	memcpy(w->text + w->textlen, s, k);
	w->textlen += k;
}

/* Any DOCTYPE: UPnP descriptions have none; entities could only come from one. */
static void on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid, int subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)subset;
	stop(arg, -EPERM);
}

static void on_entity(void *arg, const XML_Char *name, int param, const XML_Char *value, int vlen,
		      const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)param;
	(void)value;
	(void)vlen;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	stop(arg, -EPERM);
}

static int on_external(XML_Parser p, const XML_Char *context, const XML_Char *base, const XML_Char *sysid,
		       const XML_Char *pubid)
{
	(void)p;
	(void)context;
	(void)base;
	(void)sysid;
	(void)pubid;
	return XML_STATUS_ERROR;	/* never fetched */
}

int ls_upnp_parse(const uint8_t *xml, size_t len, struct ls_upnp_desc *out)
{
	struct walk w;
	enum XML_Status st;

	memset(out, 0, sizeof(*out));
	if (len > LS_UPNP_DOC_MAX)
		return -EFBIG;
	memset(&w, 0, sizeof(w));
	w.out = out;
	if ((w.p = XML_ParserCreate("UTF-8")) == NULL)
		return -ENOMEM;
	XML_SetUserData(w.p, &w);
	XML_SetElementHandler(w.p, on_start, on_end);
	XML_SetCharacterDataHandler(w.p, on_text);
	XML_SetStartDoctypeDeclHandler(w.p, on_doctype);
	XML_SetEntityDeclHandler(w.p, on_entity);
	XML_SetExternalEntityRefHandler(w.p, on_external);
	XML_SetParamEntityParsing(w.p, XML_PARAM_ENTITY_PARSING_NEVER);
	st = XML_Parse(w.p, (const char *)xml, (int)len, XML_TRUE);
	XML_ParserFree(w.p);
	if (w.err != 0) {
		memset(out, 0, sizeof(*out));
		return w.err;
	}
	if (st != XML_STATUS_OK || !w.root_ok) {
		memset(out, 0, sizeof(*out));
		return -EBADMSG;
	}
	return 0;
}
