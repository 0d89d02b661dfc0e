/* memory.c - checked allocation, size products, growable buffers, the bounded reader. */
#include <stdio.h>
#include <stdlib.h>

#include "base.h"

bool mxio__shape_numel(const int64_t *dims, int n, int64_t *out) {
    int64_t p = 1;
    for (int i = 0; i < n; i++) {
        if (dims[i] < 0) return false;
        if (__builtin_mul_overflow(p, dims[i], &p)) return false;
    }
    *out = p;
    return true;
}

void *mxio__calloc_array(size_t n, size_t elem) {
    size_t total;
    if (!mxio__mul_size(n, elem, &total)) return NULL;
    return calloc(total ? total : 1, 1);
}

void *mxio__realloc_array(void *p, size_t n, size_t elem) {
    size_t total;
    if (!mxio__mul_size(n, elem, &total)) return NULL;
    return realloc(p, total ? total : 1);
}

char *mxio__strndup(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *mxio__strdup(const char *s) { return s ? mxio__strndup(s, strlen(s)) : NULL; }

/* ---- reader ---- */

bool mxio__read_bytes(mxio__reader *r, size_t n, const uint8_t **out) {
    if (n > r->size - r->pos) return false;
    *out = r->base + r->pos;
    r->pos += n;
    return true;
}

bool mxio__read_u32(mxio__reader *r, uint32_t *v) {
    const uint8_t *p;
    if (!mxio__read_bytes(r, 4, &p)) return false;
    *v = mxio__load_u32le(p);
    return true;
}

bool mxio__read_i32(mxio__reader *r, int32_t *v) {
    uint32_t u;
    if (!mxio__read_u32(r, &u)) return false;
    memcpy(v, &u, 4);
    return true;
}

bool mxio__read_u64(mxio__reader *r, uint64_t *v) {
    const uint8_t *p;
    if (!mxio__read_bytes(r, 8, &p)) return false;
    *v = mxio__load_u64le(p);
    return true;
}

bool mxio__read_i64(mxio__reader *r, int64_t *v) {
    uint64_t u;
    if (!mxio__read_u64(r, &u)) return false;
    memcpy(v, &u, 8);
    return true;
}

/* ---- growable buffer ---- */

void mxio__buf_init(mxio__buf *b) { memset(b, 0, sizeof *b); }

void mxio__buf_free(mxio__buf *b) {
    free(b->data);
    mxio__buf_init(b);
}

bool mxio__buf_reserve(mxio__buf *b, size_t extra) {
    size_t need;
    if (b->oom) return false;
    /* +1 keeps room for the terminating NUL of text buffers */
    if (!mxio__add_size(b->len, extra, &need) || !mxio__add_size(need, 1, &need)) {
        b->oom = true;
        return false;
    }
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (!d) {
        b->oom = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

bool mxio__buf_append(mxio__buf *b, const void *p, size_t n) {
    if (!mxio__buf_reserve(b, n)) return false;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool mxio__buf_puts(mxio__buf *b, const char *s) { return mxio__buf_append(b, s, strlen(s)); }

bool mxio__buf_putc(mxio__buf *b, char c) { return mxio__buf_append(b, &c, 1); }

bool mxio__buf_printf(mxio__buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !mxio__buf_reserve(b, (size_t)n)) return false;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

bool mxio__buf_u32le(mxio__buf *b, uint32_t v) {
    uint8_t t[4];
    mxio__store_u32le(t, v);
    return mxio__buf_append(b, t, 4);
}

bool mxio__buf_u64le(mxio__buf *b, uint64_t v) {
    uint8_t t[8];
    mxio__store_u64le(t, v);
    return mxio__buf_append(b, t, 8);
}

char *mxio__buf_take(mxio__buf *b, size_t *len) {
    if (b->oom) {
        mxio__buf_free(b);
        return NULL;
    }
    if (!b->data && !mxio__buf_reserve(b, 0)) return NULL;
    b->data[b->len] = '\0';
    char *d = b->data;
    if (len) *len = b->len;
    mxio__buf_init(b);
    return d;
}
