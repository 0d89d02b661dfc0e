/* text.c - quoting shared by the text views: JSON strings that always parse,
 * RFC 4180 CSV fields. */
#include "text.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) len = 2, min = 0x80;
    else if ((c & 0xF0) == 0xE0) len = 3, min = 0x800;
    else if ((c & 0xF8) == 0xF0) len = 4, min = 0x10000;
    else return 0;
    if (len > n) return 0;
    uint32_t cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

void mxio__json_quote(mxio__buf *b, const char *s) {
    if (!s) {
        mxio__buf_puts(b, "null");
        return;
    }
    mxio__json_quote_n(b, s, strlen(s));
}

void mxio__json_quote_n(mxio__buf *b, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    mxio__buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            mxio__buf_putc(b, '\\');
            mxio__buf_putc(b, (char)c);
            i++;
        } else if (c < 0x20) {
            const char *esc = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
            if (esc)
                mxio__buf_puts(b, esc);
            else
                mxio__buf_printf(b, "\\u%04x", c);
            i++;
        } else {
            size_t len = utf8_len(p + i, n - i);
            if (len == 0) {
                mxio__buf_puts(b, "\\ufffd");
                i++;
            } else {
                mxio__buf_append(b, p + i, len);
                i += len;
            }
        }
    }
    mxio__buf_putc(b, '"');
}

void mxio__csv_field(mxio__buf *b, const char *s, size_t n) {
    bool quote = false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') quote = true;
    if (!quote) {
        mxio__buf_append(b, s, n);
        return;
    }
    mxio__buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') mxio__buf_putc(b, '"');
        mxio__buf_putc(b, s[i]);
    }
    mxio__buf_putc(b, '"');
}

