/* error.c - status names and the error record. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "base.h"

const char *mxio_version(void) { return "0.1.0"; }

const char *mxio_status_name(mxio_status s) {
    switch (s) {
#define MXIO_X_NAME(name, value, desc) \
    case MXIO_##name:                  \
        return "MXIO_" #name;
        MXIO_STATUS_LIST(MXIO_X_NAME)
#undef MXIO_X_NAME
    }
    return "MXIO_E_?";
}

const char *mxio_status_str(mxio_status s) {
    switch (s) {
#define MXIO_X_DESC(name, value, desc) \
    case MXIO_##name:                  \
        return desc;
        MXIO_STATUS_LIST(MXIO_X_DESC)
#undef MXIO_X_DESC
    }
    return "unknown status";
}

void mxio_free(void *p) { free(p); }

void mxio__error_clear(mxio_error *err) {
    if (!err) return;
    err->code = MXIO_OK;
    err->offset = -1;
    err->node = -1;
    err->array = -1;
    err->message[0] = '\0';
}

static mxio_status fail_v(mxio_error *err, mxio_status code, int64_t offset, int64_t node,
                          int64_t array, const char *fmt, va_list ap) {
    if (!err) return code;
    err->code = code;
    err->offset = offset;
    err->node = node;
    err->array = array;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

mxio_status mxio__fail(mxio_error *err, mxio_status code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_v(err, code, -1, -1, -1, fmt, ap);
    va_end(ap);
    return code;
}

mxio_status mxio__fail_at(mxio_error *err, mxio_status code, int64_t offset, int64_t node,
                          int64_t array, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_v(err, code, offset, node, array, fmt, ap);
    va_end(ap);
    return code;
}

void mxio__error_prefix(mxio_error *err, const char *prefix) {
    if (!err || !prefix) return;
    char tmp[MXIO_ERROR_MESSAGE_SIZE];
    size_t plen = strlen(prefix);
    if (plen > sizeof tmp - 3) plen = sizeof tmp - 3;
    memcpy(tmp, prefix, plen);
    memcpy(tmp + plen, ": ", 2);
    size_t room = sizeof tmp - plen - 3, mlen = strnlen(err->message, room);
    memcpy(tmp + plen + 2, err->message, mlen);
    tmp[plen + 2 + mlen] = '\0';
    memcpy(err->message, tmp, sizeof tmp);
}

char *mxio__printable(char *out, size_t cap, const char *s, size_t n) {
    size_t j = 0;
    if (cap == 0) return out;
    for (size_t i = 0; i < n && j + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        /* keep UTF-8 bytes (>= 0x80) so non-ASCII names stay readable */
        out[j++] = (c >= 0x20 && c != 0x7f) ? (char)c : '?';
    }
    out[j] = '\0';
    return out;
}
