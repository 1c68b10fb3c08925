/* html_internal.h -- what the HTML report's files share and nothing else uses. */
#ifndef LANSCAN_HTML_INTERNAL_H
#define LANSCAN_HTML_INTERNAL_H

#include <stddef.h>

/* Receives n bytes of escaped text. */
typedef void (*ls__html_emit)(void *arg, const char *s, size_t n);

/* Escapes s (NULL: nothing) as ls_html_escape does, in pieces to emit. */
void ls__html_escape(const char *s, ls__html_emit emit, void *arg);

#endif
