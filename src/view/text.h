/* text.h - quoting shared by the text views (internal). */
#ifndef MXIO_VIEW_TEXT_H
#define MXIO_VIEW_TEXT_H

#include "../base/base.h"

/* Append `s` as a JSON string (NULL -> null); bytes that are not UTF-8 become
 * U+FFFD so the output always parses. */
void mxio__json_quote(mxio__buf *b, const char *s);
/* The same for n bytes (names may hold NUL). */
void mxio__json_quote_n(mxio__buf *b, const char *s, size_t n);
/* One CSV field, quoted when RFC 4180 requires it. */
void mxio__csv_field(mxio__buf *b, const char *s, size_t n);

#endif /* MXIO_VIEW_TEXT_H */
