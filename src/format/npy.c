/* npy.c - NumPy .npy files: header parse (every dtype mxio knows, C and
 * Fortran order) and the exact header numpy 1.23 writes.
 *
 * bfloat16 has no NumPy descriptor. We write it the way MXNet 1.x's Python
 * front end spells it, the structured dtype [('bfloat16', '<u2')], which numpy
 * loads as a record array of raw 16-bit patterns; we read that spelling and
 * MXNet 2.x's '<b2' back as bfloat16. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "format/npy.h"

#define BF16_DESCR "[('bfloat16', '<u2')]"

int mxio__looks_like_npy(const uint8_t *buf, size_t len) {
    return len >= 6 && memcmp(buf, "\x93NUMPY", 6) == 0;
}

static const char *descr_of(mxio_dtype t) {
    switch (t) {
    case MXIO_DTYPE_FLOAT32: return "<f4";
    case MXIO_DTYPE_FLOAT64: return "<f8";
    case MXIO_DTYPE_FLOAT16: return "<f2";
    case MXIO_DTYPE_UINT8: return "|u1";
    case MXIO_DTYPE_INT32: return "<i4";
    case MXIO_DTYPE_INT8: return "|i1";
    case MXIO_DTYPE_INT64: return "<i8";
    case MXIO_DTYPE_BOOL: return "|b1";
    case MXIO_DTYPE_INT16: return "<i2";
    case MXIO_DTYPE_UINT16: return "<u2";
    case MXIO_DTYPE_UINT32: return "<u4";
    case MXIO_DTYPE_UINT64: return "<u8";
    case MXIO_DTYPE_BFLOAT16: return BF16_DESCR;
    default: return NULL;
    }
}

mxio_status mxio__npy_header(mxio__buf *b, mxio_dtype dtype, const int64_t *shape, int ndim,
                             mxio_error *err) {
    const char *descr = descr_of(dtype);
    if (!descr) return mxio__fail(err, MXIO_E_MISUSE, "npy: unknown dtype %d", (int)dtype);
    mxio__buf h;
    mxio__buf_init(&h);
    /* repr() of the dict numpy builds, keys sorted */
    if (dtype == MXIO_DTYPE_BFLOAT16) mxio__buf_printf(&h, "{'descr': %s, 'fortran_order': False, 'shape': (", descr);
    else mxio__buf_printf(&h, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < ndim; i++) mxio__buf_printf(&h, "%s%" PRId64, i ? ", " : "", shape[i]);
    mxio__buf_puts(&h, ndim == 1 ? ",), }" : "), }");
    if (h.oom) {
        mxio__buf_free(&h);
        return mxio__fail(err, MXIO_E_NOMEM, "npy: out of memory");
    }
    /* pad with spaces and a newline so the data starts on a 64-byte boundary */
    size_t hlen = h.len + 1;
    int version = 1;
    size_t prefix = 10;
    size_t padlen = 64 - ((prefix + hlen) % 64);
    if (hlen + padlen > 0xFFFF) {
        version = 2;
        prefix = 12;
        padlen = 64 - ((prefix + hlen) % 64);
    }
    bool ok = mxio__buf_append(b, "\x93NUMPY", 6) && mxio__buf_putc(b, (char)version) && mxio__buf_putc(b, 0);
    if (version == 1) {
        uint8_t t[2];
        mxio__store_u16le(t, (uint16_t)(hlen + padlen));
        ok = ok && mxio__buf_append(b, t, 2);
    } else {
        ok = ok && mxio__buf_u32le(b, (uint32_t)(hlen + padlen));
    }
    ok = ok && mxio__buf_append(b, h.data, h.len);
    for (size_t i = 0; ok && i < padlen; i++) ok = mxio__buf_putc(b, ' ');
    ok = ok && mxio__buf_putc(b, '\n');
    mxio__buf_free(&h);
    return ok ? MXIO_OK : mxio__fail(err, MXIO_E_NOMEM, "npy: out of memory");
}

/* ---- header dict parsing ------------------------------------------------ */

typedef struct lit {
    const char *s, *end;
} lit;

static void skip_ws(lit *l) {
    while (l->s < l->end && (*l->s == ' ' || *l->s == '\t' || *l->s == '\n' || *l->s == '\r')) l->s++;
}

static bool eat(lit *l, char c) {
    skip_ws(l);
    if (l->s < l->end && *l->s == c) {
        l->s++;
        return true;
    }
    return false;
}

/* A quoted string; returns its body in [*b, *e). */
static bool read_str(lit *l, const char **b, const char **e) {
    skip_ws(l);
    if (l->s >= l->end || (*l->s != '\'' && *l->s != '"')) return false;
    char q = *l->s++;
    *b = l->s;
    while (l->s < l->end && *l->s != q) l->s++;
    if (l->s >= l->end) return false;
    *e = l->s++;
    return true;
}

/* Everything up to the bracket matching the '[' at the cursor, spaces removed. */
static bool read_bracketed(lit *l, char *out, size_t cap) {
    skip_ws(l);
    size_t n = 0;
    int depth = 0;
    do {
        if (l->s >= l->end) return false;
        char c = *l->s++;
        if (c == '[' || c == '(') depth++;
        if (c == ']' || c == ')') depth--;
        if (c != ' ') {
            if (n + 1 >= cap) return false;
            out[n++] = c;
        }
    } while (depth > 0);
    out[n] = '\0';
    return true;
}

static mxio_status descr_to_dtype(const char *d, size_t n, mxio_dtype *out, const char *where,
                                  mxio_error *err) {
    if (n == 3 && (d[0] == '<' || d[0] == '|' || d[0] == '=' || d[0] == '>')) {
        static const struct {
            const char *code;
            mxio_dtype t;
        } map[] = {{"f4", MXIO_DTYPE_FLOAT32}, {"f8", MXIO_DTYPE_FLOAT64}, {"f2", MXIO_DTYPE_FLOAT16},
                   {"u1", MXIO_DTYPE_UINT8},   {"i4", MXIO_DTYPE_INT32},   {"i1", MXIO_DTYPE_INT8},
                   {"i8", MXIO_DTYPE_INT64},   {"b1", MXIO_DTYPE_BOOL},    {"i2", MXIO_DTYPE_INT16},
                   {"u2", MXIO_DTYPE_UINT16},  {"u4", MXIO_DTYPE_UINT32},  {"u8", MXIO_DTYPE_UINT64},
                   {"b2", MXIO_DTYPE_BFLOAT16}, {"V2", MXIO_DTYPE_BFLOAT16}};
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
            if (memcmp(d + 1, map[i].code, 2) == 0) {
                if (d[0] == '>' && mxio_dtype_size(map[i].t) > 1)
                    return mxio__fail(err, MXIO_E_UNSUPPORTED,
                                      "%s: dtype '%.3s' is big-endian; only little-endian arrays are supported",
                                      where, d);
                *out = map[i].t;
                return MXIO_OK;
            }
        }
    }
    char q[64];
    return mxio__fail(err, MXIO_E_UNSUPPORTED, "%s: NumPy dtype '%s' has no MXNet type", where,
                      mxio__printable(q, sizeof q, d, n));
}

/* Copy a Fortran-order (column-major) payload into C order. */
static void *transpose_fortran(const uint8_t *src, const int64_t *shape, int ndim, size_t elem,
                               size_t nbytes) {
    uint8_t *dst = malloc(nbytes ? nbytes : 1);
    if (!dst || nbytes == 0) return dst;
    int64_t idx[MXIO_MAX_DIMS] = {0};
    size_t fstride[MXIO_MAX_DIMS];
    size_t s = elem;
    for (int k = 0; k < ndim; k++) {
        fstride[k] = s;
        s *= (size_t)shape[k];
    }
    size_t count = nbytes / elem;
    for (size_t n = 0; n < count; n++) {
        size_t off = 0;
        for (int k = 0; k < ndim; k++) off += (size_t)idx[k] * fstride[k];
        memcpy(dst + n * elem, src + off, elem);
        for (int k = ndim - 1; k >= 0; k--) { /* C-order increment: last dim fastest */
            if (++idx[k] < shape[k]) break;
            idx[k] = 0;
        }
    }
    return dst;
}

mxio_status mxio__npy_parse(mxio__param *e, const uint8_t *buf, size_t len, const char *label,
                            const char *member, uint64_t base, mxio_error *err) {
    char where[512];
    if (member) {
        char q[200];
        snprintf(where, sizeof where, "%s: member '%s'", label, mxio__printable(q, sizeof q, member, strlen(member)));
    } else {
        snprintf(where, sizeof where, "%s", label);
    }
    mxio__reader r;
    mxio__reader_init(&r, buf, len);
    const uint8_t *magic;
    if (!mxio__read_bytes(&r, 8, &magic) || memcmp(magic, "\x93NUMPY", 6) != 0)
        return mxio__fail_at(err, len < 8 ? MXIO_E_TRUNCATED : MXIO_E_FORMAT, (int64_t)base, -1, -1,
                             "%s: not a .npy image (no \\x93NUMPY magic) at offset 0x%" PRIx64, where, base);
    uint32_t hlen;
    if (magic[6] == 1) {
        const uint8_t *h;
        if (!mxio__read_bytes(&r, 2, &h))
            return mxio__fail_at(err, MXIO_E_TRUNCATED, (int64_t)base + 8, -1, -1, "%s: .npy header truncated", where);
        hlen = mxio__load_u16le(h);
    } else if (magic[6] == 2 || magic[6] == 3) {
        if (!mxio__read_u32(&r, &hlen))
            return mxio__fail_at(err, MXIO_E_TRUNCATED, (int64_t)base + 8, -1, -1, "%s: .npy header truncated", where);
    } else {
        return mxio__fail_at(err, MXIO_E_UNSUPPORTED, (int64_t)base + 6, -1, -1,
                             "%s: .npy format version %d.%d is not supported (1.0, 2.0, 3.0 are)", where,
                             magic[6], magic[7]);
    }
    const uint8_t *htext;
    if (!mxio__read_bytes(&r, hlen, &htext))
        return mxio__fail_at(err, MXIO_E_TRUNCATED, (int64_t)(base + r.pos), -1, -1,
                             "%s: .npy header of %" PRIu32 " bytes, only %zu remain", where, hlen,
                             mxio__reader_remaining(&r));
    lit l = {(const char *)htext, (const char *)htext + hlen};
    bool have_descr = false, have_order = false, have_shape = false, fortran = false;
    mxio_dtype dtype = MXIO_DTYPE_FLOAT32;
    int64_t shape[MXIO_MAX_DIMS];
    int ndim = 0;
    mxio_status st;
    if (!eat(&l, '{')) goto bad_header;
    while (!eat(&l, '}')) {
        const char *kb, *ke;
        if (!read_str(&l, &kb, &ke) || !eat(&l, ':')) goto bad_header;
        size_t kn = (size_t)(ke - kb);
        if (kn == 5 && memcmp(kb, "descr", 5) == 0) {
            skip_ws(&l);
            if (l.s < l.end && *l.s == '[') {
                char d[128];
                if (!read_bracketed(&l, d, sizeof d)) goto bad_header;
                if (strcmp(d, "[('bfloat16','<u2')]") != 0) {
                    return mxio__fail(err, MXIO_E_UNSUPPORTED, "%s: structured NumPy dtype %s has no MXNet type",
                                      where, d);
                }
                dtype = MXIO_DTYPE_BFLOAT16;
            } else {
                const char *db, *de;
                if (!read_str(&l, &db, &de)) goto bad_header;
                st = descr_to_dtype(db, (size_t)(de - db), &dtype, where, err);
                if (st) return st;
            }
            have_descr = true;
        } else if (kn == 13 && memcmp(kb, "fortran_order", 13) == 0) {
            skip_ws(&l);
            if ((size_t)(l.end - l.s) >= 4 && memcmp(l.s, "True", 4) == 0) {
                fortran = true;
                l.s += 4;
            } else if ((size_t)(l.end - l.s) >= 5 && memcmp(l.s, "False", 5) == 0) {
                l.s += 5;
            } else {
                goto bad_header;
            }
            have_order = true;
        } else if (kn == 5 && memcmp(kb, "shape", 5) == 0) {
            if (!eat(&l, '(')) goto bad_header;
            while (!eat(&l, ')')) {
                skip_ws(&l);
                int64_t v = 0;
                int digits = 0;
                while (l.s < l.end && *l.s >= '0' && *l.s <= '9') {
                    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *l.s - '0', &v))
                        return mxio__fail(err, MXIO_E_LIMIT, "%s: .npy shape dim overflows", where);
                    l.s++;
                    digits++;
                }
                if (l.s < l.end && *l.s == 'L') l.s++; /* Python 2 longs */
                if (!digits) goto bad_header;
                if (ndim >= MXIO_MAX_DIMS)
                    return mxio__fail(err, MXIO_E_LIMIT, "%s: .npy shape has more than %d dims", where,
                                      MXIO_MAX_DIMS);
                shape[ndim++] = v;
                if (!eat(&l, ',')) {
                    if (!eat(&l, ')')) goto bad_header;
                    break;
                }
            }
            have_shape = true;
        } else {
            goto bad_header;
        }
        if (!eat(&l, ',')) {
            if (!eat(&l, '}')) goto bad_header;
            break;
        }
    }
    if (!have_descr || !have_order || !have_shape) goto bad_header;

    int64_t numel;
    size_t nbytes;
    if (!mxio__shape_numel(shape, ndim, &numel) || (uint64_t)numel > SIZE_MAX ||
        !mxio__mul_size((size_t)numel, mxio_dtype_size(dtype), &nbytes))
        return mxio__fail(err, MXIO_E_LIMIT, "%s: .npy shape overflows", where);
    const uint8_t *data;
    size_t at = r.pos;
    if (!mxio__read_bytes(&r, nbytes, &data)) {
        char s[256];
        mxio__format_shape(s, sizeof s, shape, ndim);
        return mxio__fail_at(err, MXIO_E_TRUNCATED, (int64_t)(base + at), -1, -1,
                             "%s: shape %s %s needs %zu bytes, only %zu remain at offset 0x%" PRIx64, where, s,
                             mxio_dtype_name(dtype), nbytes, len - at, (uint64_t)(base + at));
    }
    e->dims = mxio__calloc_array(ndim > 0 ? (size_t)ndim : 1, sizeof(int64_t));
    if (!e->dims) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", where);
    memcpy(e->dims, shape, (size_t)ndim * sizeof(int64_t));
    mxio_array *a = &e->a;
    a->dtype = dtype;
    a->storage = MXIO_STORAGE_DENSE;
    a->ndim = ndim;
    a->shape = e->dims;
    a->nbytes = nbytes;
    a->dev_type = 1;
    a->dev_id = 0;
    /* an npy array has NumPy shape semantics: V3 if it is 0-d, else the 1.x default */
    a->record = ndim == 0 ? MXIO_RECORD_V3 : MXIO_RECORD_V2;
    a->file_offset = base;
    if (fortran && ndim > 1) {
        e->owned = transpose_fortran(data, shape, ndim, mxio_dtype_size(dtype), nbytes);
        if (!e->owned) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", where);
        a->data = e->owned;
    } else {
        a->data = data;
    }
    return MXIO_OK;

bad_header: {
    char q[160];
    return mxio__fail_at(err, MXIO_E_CORRUPT, (int64_t)base + 10, -1, -1,
                         "%s: .npy header is not a dict with 'descr', 'fortran_order' and 'shape': \"%s\"", where,
                         mxio__printable(q, sizeof q, (const char *)htext, hlen));
}
}

mxio_status mxio_array_write_npy(const mxio_array *a, const char *path, uint32_t flags, mxio_error *err) {
    mxio__error_clear(err);
    if (!a || !path) return mxio__fail(err, MXIO_E_MISUSE, "mxio_array_write_npy: NULL argument");
    if (a->is_none || a->storage != MXIO_STORAGE_DENSE)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "%s: only dense, initialised arrays can be written as .npy",
                          path);
    if (a->ndim < 0 || a->ndim > MXIO_MAX_DIMS)
        return mxio__fail(err, MXIO_E_MISUSE, "%s: array has %d dims", path, a->ndim);
    mxio__buf h;
    mxio__buf_init(&h);
    mxio_status st = mxio__npy_header(&h, a->dtype, a->shape, a->ndim, err);
    if (st == MXIO_OK) {
        mxio__piece ps[2] = {{h.data, h.len}, {a->data, a->nbytes}};
        st = mxio__write_atomic_pieces(path, ps, 2, (flags & MXIO_WRITE_FORCE) != 0, err);
    }
    mxio__buf_free(&h);
    return st;
}
