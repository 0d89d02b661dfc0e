/* base.h - the floor every other layer stands on: errors, checked size math,
 * the bounded little-endian reader and writer, growable buffers, files.
 * Internal: names are mxio__*. */
#ifndef MXIO_BASE_H
#define MXIO_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mxio.h"

/* ---- errors ------------------------------------------------------------- */

/* Reset *err (may be NULL) to "no error". */
void mxio__error_clear(mxio_error *err);
/* Record an error and return `code`. The message is printf-formatted; non-printable
 * bytes in %s arguments should be passed through mxio__printable first. */
mxio_status mxio__fail(mxio_error *err, mxio_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, and set the byte offset / node / array fields. Use -1 for "does not apply". */
mxio_status mxio__fail_at(mxio_error *err, mxio_status code, int64_t offset, int64_t node,
                          int64_t array, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Prefix an existing message with "prefix: " (e.g. the file name). */
void mxio__error_prefix(mxio_error *err, const char *prefix);

/* Copy up to `cap-1` bytes of `s` (length n) into out, replacing non-printable
 * bytes with '?', for quoting untrusted names in messages. Returns out. */
char *mxio__printable(char *out, size_t cap, const char *s, size_t n);

/* ---- checked size math -------------------------------------------------- */

static inline bool mxio__mul_size(size_t a, size_t b, size_t *out) {
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool mxio__add_size(size_t a, size_t b, size_t *out) {
    return !__builtin_add_overflow(a, b, out);
}
/* Product of n non-negative dims; false on overflow or a negative dim. */
bool mxio__shape_numel(const int64_t *dims, int n, int64_t *out);
/* malloc(n * elem) refusing overflow; zero-filled. NULL on failure. */
void *mxio__calloc_array(size_t n, size_t elem);
/* realloc to n * elem, refusing overflow. */
void *mxio__realloc_array(void *p, size_t n, size_t elem);
char *mxio__strdup(const char *s);
char *mxio__strndup(const char *s, size_t n);

/* ---- little-endian loads and stores ------------------------------------- */

static inline uint16_t mxio__load_u16le(const uint8_t *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t mxio__load_u32le(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t mxio__load_u64le(const uint8_t *p) {
    return (uint64_t)mxio__load_u32le(p) | ((uint64_t)mxio__load_u32le(p + 4) << 32);
}
static inline void mxio__store_u16le(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void mxio__store_u32le(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline void mxio__store_u64le(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- bounded reader ----------------------------------------------------- */

/* A cursor over untrusted bytes. Every get checks `remaining` first; on failure
 * the reader records the offset and what was being read, and stays failed. */
typedef struct mxio__reader {
    const uint8_t *base;
    size_t size;
    size_t pos;
} mxio__reader;

static inline void mxio__reader_init(mxio__reader *r, const void *buf, size_t size) {
    r->base = (const uint8_t *)buf;
    r->size = size;
    r->pos = 0;
}
static inline size_t mxio__reader_remaining(const mxio__reader *r) { return r->size - r->pos; }
bool mxio__read_u32(mxio__reader *r, uint32_t *v);
bool mxio__read_i32(mxio__reader *r, int32_t *v);
bool mxio__read_u64(mxio__reader *r, uint64_t *v);
bool mxio__read_i64(mxio__reader *r, int64_t *v);
/* Borrow n bytes at the cursor and advance. */
bool mxio__read_bytes(mxio__reader *r, size_t n, const uint8_t **out);

/* ---- growable byte buffer (writers, text output) ------------------------ */

typedef struct mxio__buf {
    char *data;
    size_t len;
    size_t cap;
    bool oom; /* sticky: set once an append failed */
} mxio__buf;

void mxio__buf_init(mxio__buf *b);
void mxio__buf_free(mxio__buf *b);
bool mxio__buf_reserve(mxio__buf *b, size_t extra);
bool mxio__buf_append(mxio__buf *b, const void *p, size_t n);
bool mxio__buf_puts(mxio__buf *b, const char *s);
bool mxio__buf_putc(mxio__buf *b, char c);
bool mxio__buf_printf(mxio__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool mxio__buf_u32le(mxio__buf *b, uint32_t v);
bool mxio__buf_u64le(mxio__buf *b, uint64_t v);
/* Hand the NUL-terminated contents to the caller (buffer reset). */
char *mxio__buf_take(mxio__buf *b, size_t *len);

/* ---- files -------------------------------------------------------------- */

/* A whole file, mapped read-only (or read into memory when it cannot be mapped,
 * or when `copy` is set). */
typedef struct mxio__file {
    const uint8_t *data;
    size_t size;
    void *owned;  /* malloc'd copy, or NULL */
    void *mapped; /* mmap base, or NULL */
} mxio__file;

mxio_status mxio__file_open(mxio__file *f, const char *path, bool copy, mxio_error *err);
void mxio__file_close(mxio__file *f);
/* Drop the process's pages of the mapped range [p, p + len) (the whole pages
 * inside it) once a reader has copied what it needs: they stop counting in the
 * resident set, and a later read faults them in again from the file, unchanged.
 * Does nothing for a file read into memory or a range outside the mapping.
 * Returns the bytes released. */
size_t mxio__file_release(const mxio__file *f, const void *p, size_t len);

/* Write `len` bytes atomically: a temp file beside `path`, fsync, rename.
 * Refuses to replace an existing `path` unless `force`. Never leaves a partial file. */
mxio_status mxio__write_atomic(const char *path, const void *data, size_t len, bool force,
                               mxio_error *err);
/* Same, gathering several pieces. */
typedef struct mxio__piece {
    const void *data;
    size_t len;
} mxio__piece;
mxio_status mxio__write_atomic_pieces(const char *path, const mxio__piece *pieces, size_t n,
                                      bool force, mxio_error *err);

/* Last path component (points into path). */
const char *mxio__basename(const char *path);

#endif /* MXIO_BASE_H */
