/* upnp.h -- a UPnP device description (XML, read with expat): the root device's type, names and model; bounded, no entities. */
#ifndef LANSCAN_UPNP_H
#define LANSCAN_UPNP_H

#include <stddef.h>
#include <stdint.h>

#define LS_UPNP_FIELD_MAX 256	/* a field's text, NUL included */
#define LS_UPNP_DOC_MAX 65536	/* the largest description read */
#define LS_UPNP_DEPTH_MAX 32	/* element nesting */

/* The root device's fields (root/device/...; embedded devices are not
 * read), as text (ls_text_escape, trimmed; cut to fit), "" when absent. */
struct ls_upnp_desc {
	char device_type[LS_UPNP_FIELD_MAX];
	char friendly_name[LS_UPNP_FIELD_MAX];
	char manufacturer[LS_UPNP_FIELD_MAX];
	char model_name[LS_UPNP_FIELD_MAX];
	char model_number[LS_UPNP_FIELD_MAX];
};

/* Parses the len bytes at xml.  A document type declaration (where any
 * entity would be declared: billion laughs, external entities) is refused
 * at once, as is a document over LS_UPNP_DOC_MAX bytes, nesting deeper
 * than LS_UPNP_DEPTH_MAX, or a root element other than "root" (any
 * namespace prefix is ignored).  Returns 0 (out filled), -EFBIG (too big
 * or deep), -EPERM (a DOCTYPE) or -EBADMSG (not well-formed XML, or not a
 * description). */
int ls_upnp_parse(const uint8_t *xml, size_t len, struct ls_upnp_desc *out);

#endif
