/* target_internal.h -- what target.c and target_parse.c share; not part of the interface. */
#ifndef LANSCAN_TARGET_INTERNAL_H
#define LANSCAN_TARGET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "lanscan/target.h"

/* Parses one spec's text into s (text not copied).  whole_cidr keeps the
 * network and broadcast addresses of a CIDR.  Returns 0, or -EINVAL with a
 * message naming the text in err. */
int ls__spec_parse(const char *text, bool whole_cidr, struct ls_spec *s, char *err, size_t errlen);

#endif
