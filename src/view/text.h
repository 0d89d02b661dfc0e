/* text.h - quoting shared by the text views (internal). */
#ifndef MXIO_VIEW_TEXT_H
#define MXIO_VIEW_TEXT_H

#include "../base/base.h"

/* Append `s` as a JSON string (NULL -> null); bytes that are not UTF-8 become
 * U+FFFD so the output always parses. Defined in node_views.c. */
void mxio__json_quote(mxio__buf *b, const char *s);

#endif /* MXIO_VIEW_TEXT_H */
