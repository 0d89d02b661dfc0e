/* params.c - the MXNet NDArray list file (.params): reader for every record
 * layout (legacy, V1, V2 dense/row_sparse/csr, V3) and a writer that produces
 * the bytes MXNet 1.9.1's mx.nd.save / npx.save produce. Layout: docs/formats.md. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "format/npy.h"
#include "format/params.h"

#define LIST_MAGIC UINT64_C(0x112)
#define V1_MAGIC UINT32_C(0xF993FAC8)
#define V2_MAGIC UINT32_C(0xF993FAC9)
#define V3_MAGIC UINT32_C(0xF993FACA)

/* ---- dtypes ------------------------------------------------------------- */

static const struct {
    const char *name;
    size_t size;
} dtype_table[MXIO_DTYPE_COUNT] = {
    [MXIO_DTYPE_FLOAT32] = {"float32", 4}, [MXIO_DTYPE_FLOAT64] = {"float64", 8},
    [MXIO_DTYPE_FLOAT16] = {"float16", 2}, [MXIO_DTYPE_UINT8] = {"uint8", 1},
    [MXIO_DTYPE_INT32] = {"int32", 4},     [MXIO_DTYPE_INT8] = {"int8", 1},
    [MXIO_DTYPE_INT64] = {"int64", 8},     [MXIO_DTYPE_BOOL] = {"bool", 1},
    [MXIO_DTYPE_INT16] = {"int16", 2},     [MXIO_DTYPE_UINT16] = {"uint16", 2},
    [MXIO_DTYPE_UINT32] = {"uint32", 4},   [MXIO_DTYPE_UINT64] = {"uint64", 8},
    [MXIO_DTYPE_BFLOAT16] = {"bfloat16", 2},
};

size_t mxio_dtype_size(mxio_dtype t) {
    return ((unsigned)t < MXIO_DTYPE_COUNT) ? dtype_table[t].size : 0;
}

const char *mxio_dtype_name(mxio_dtype t) {
    return ((unsigned)t < MXIO_DTYPE_COUNT) ? dtype_table[t].name : NULL;
}

int mxio_dtype_from_name(const char *name, mxio_dtype *out) {
    if (!name) return -1;
    for (int i = 0; i < MXIO_DTYPE_COUNT; i++) {
        if (strcmp(name, dtype_table[i].name) == 0) {
            if (out) *out = (mxio_dtype)i;
            return 0;
        }
    }
    if (strcmp(name, "bool_") == 0) {
        if (out) *out = MXIO_DTYPE_BOOL;
        return 0;
    }
    return -1;
}

/* ---- small helpers ------------------------------------------------------ */

const char *mxio__quote_name(char *out, size_t cap, const char *name, size_t len) {
    if (!name || cap < 8) {
        if (cap) out[0] = '\0';
        return out;
    }
    char tmp[96];
    mxio__printable(tmp, sizeof tmp, name, len);
    snprintf(out, cap, " ('%s%s')", tmp, len >= sizeof tmp ? "..." : "");
    return out;
}

void mxio__format_shape(char *out, size_t cap, const int64_t *dims, int ndim) {
    size_t n = 0;
    if (cap == 0) return;
    out[0] = '\0';
    n += (size_t)snprintf(out + n, cap - n, "(");
    for (int i = 0; i < ndim && n < cap; i++) {
        n += (size_t)snprintf(out + n, cap - n, "%s%" PRId64, i ? "," : "", dims[i]);
    }
    if (n < cap) snprintf(out + n, cap - n, ")");
}

int mxio__utf8_valid(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= extra) return 0;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* reject overlong forms, surrogates and values past U+10FFFF, as Python does */
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += extra + 1;
    }
    return 1;
}

/* ---- the list handle ---------------------------------------------------- */

mxio_params *mxio__params_alloc(const char *label) {
    mxio_params *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->label = mxio__strdup(label ? label : "<buffer>");
    if (!p->label) {
        free(p);
        return NULL;
    }
    p->has_names = 1;
    return p;
}

mxio__param *mxio__params_push(mxio_params *p) {
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        mxio__param *n = mxio__realloc_array(p->items, cap, sizeof *n);
        if (!n) return NULL;
        p->items = n;
        p->cap = cap;
    }
    mxio__param *e = &p->items[p->count++];
    memset(e, 0, sizeof *e);
    e->a.file_offset = 0;
    return e;
}

void mxio__param_clear(mxio__param *e) {
    free(e->name);
    free(e->dims);
    free(e->owned);
    memset(e, 0, sizeof *e);
}

void mxio_params_free(mxio_params *p) {
    if (!p) return;
    for (size_t i = 0; i < p->count; i++) mxio__param_clear(&p->items[i]);
    free(p->items);
    free(p->by_name);
    free(p->by_short);
    mxio__file_close(&p->file);
    free(p->bytes);
    free(p->label);
    free(p);
}

size_t mxio_params_count(const mxio_params *p) { return p ? p->count : 0; }

int mxio_params_has_names(const mxio_params *p) { return p ? p->has_names : 0; }

mxio_status mxio_params_get(const mxio_params *p, size_t i, mxio_array *out) {
    if (!p || !out || i >= p->count) return MXIO_E_MISUSE;
    *out = p->items[i].a;
    return MXIO_OK;
}

size_t mxio__params_release_values(const mxio_params *p, size_t i) {
    if (!p || i >= p->count || p->items[i].owned) return 0;
    return mxio__file_release(&p->file, p->items[i].a.data, p->items[i].a.nbytes);
}

const char *mxio_array_short_name(const mxio_array *a) {
    if (!a || !a->name) return NULL;
    if (a->name_len >= 4 && (memcmp(a->name, "arg:", 4) == 0 || memcmp(a->name, "aux:", 4) == 0))
        return a->name + 4;
    return a->name;
}

int64_t mxio_array_numel(const mxio_array *a) {
    int64_t n;
    if (!a || a->is_none) return 0;
    if (a->ndim < 0 || !mxio__shape_numel(a->shape, a->ndim, &n)) return -1;
    return n;
}

/* ---- name index ------------------------------------------------------- */

static uint64_t name_hash(const char *s, size_t n) {
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * UINT64_C(1099511628211);
    return h;
}

static const char *short_of(const mxio_array *a, size_t *len) {
    const char *s = mxio_array_short_name(a);
    *len = a->name_len - (size_t)(s - a->name);
    return s;
}

static size_t slot_of(const size_t *slots, size_t cap, const mxio_params *p, const char *s, size_t n,
                      bool use_short, int64_t *found) {
    size_t h = (size_t)name_hash(s, n) & (cap - 1);
    *found = -1;
    while (slots[h]) {
        const mxio_array *b = &p->items[slots[h] - 1].a;
        size_t bl;
        const char *bs = use_short ? short_of(b, &bl) : (bl = b->name_len, b->name);
        if (bl == n && memcmp(bs, s, n) == 0) {
            *found = (int64_t)(slots[h] - 1);
            return h;
        }
        h = (h + 1) & (cap - 1);
    }
    return h;
}

/* Insert array i; returns the index of an array with the same raw name, or -1. */
static int64_t index_insert(mxio_params *p, size_t i) {
    const mxio_array *a = &p->items[i].a;
    int64_t dup, ignore;
    size_t h = slot_of(p->by_name, p->index_cap, p, a->name, a->name_len, false, &dup);
    if (dup >= 0) return dup;
    p->by_name[h] = i + 1;
    size_t sl;
    const char *s = short_of(a, &sl);
    h = slot_of(p->by_short, p->index_cap, p, s, sl, true, &ignore);
    /* equal short names (arg:x, aux:x): the first in file order answers */
    if (ignore < 0) p->by_short[h] = i + 1;
    return -1;
}

mxio_status mxio__params_index(mxio_params *p, mxio_error *err) {
    free(p->by_name);
    free(p->by_short);
    p->by_name = p->by_short = NULL;
    p->index_cap = 0;
    if (!p->has_names || p->count == 0) return MXIO_OK;
    size_t cap = 16;
    while (cap < p->count * 2) cap *= 2;
    p->by_name = mxio__calloc_array(cap, sizeof(size_t));
    p->by_short = mxio__calloc_array(cap, sizeof(size_t));
    if (!p->by_name || !p->by_short) {
        free(p->by_name);
        free(p->by_short);
        p->by_name = p->by_short = NULL;
        return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", p->label);
    }
    p->index_cap = cap;
    for (size_t i = 0; i < p->count; i++) {
        int64_t first = index_insert(p, i);
        if (first >= 0) {
            char q[128];
            const mxio_array *a = &p->items[i].a;
            return mxio__fail_at(err, MXIO_E_CORRUPT, -1, -1, (int64_t)i,
                                 "%s: array %zu%s: duplicate name (also array %" PRId64 ")", p->label, i,
                                 mxio__quote_name(q, sizeof q, a->name, a->name_len), first);
        }
    }
    return MXIO_OK;
}

static int64_t index_find(const mxio_params *p, const char *name, size_t n) {
    int64_t at;
    slot_of(p->by_name, p->index_cap, p, name, n, false, &at);
    if (at < 0) slot_of(p->by_short, p->index_cap, p, name, n, true, &at);
    return at;
}

int64_t mxio_params_find(const mxio_params *p, const char *name) {
    if (!p || !name) return -1;
    size_t n = strlen(name);
    if (p->index_cap) return index_find(p, name, n);
    for (size_t i = 0; i < p->count; i++) {
        const mxio_array *a = &p->items[i].a;
        if (a->name && a->name_len == n && memcmp(a->name, name, n) == 0) return (int64_t)i;
    }
    for (size_t i = 0; i < p->count; i++) {
        const mxio_array *a = &p->items[i].a;
        const char *s = mxio_array_short_name(a);
        if (s && s != a->name && a->name_len - 4 == n && memcmp(s, name, n) == 0) return (int64_t)i;
    }
    return -1;
}

/* ---- reader ------------------------------------------------------------- */

typedef struct parse_ctx {
    mxio_params *p;
    mxio__reader r;
    size_t index; /* array being read */
    uint64_t count; /* arrays the header announces */
    mxio_error *err;
} parse_ctx;

/* After a record fails to parse, the names (which follow all records) cannot be
 * reached by reading on. Look for them anyway so the message can name the
 * array: the name block is "u64 count, then count x (u64 length, bytes)" ending
 * at the end of the file, which almost no other position satisfies. Error path
 * only; one pass over the rest of the file. */
static bool find_name(const parse_ctx *c, size_t from, const uint8_t **name, size_t *len) {
    const uint8_t *b = c->r.base;
    size_t size = c->r.size;
    size_t budget = (size_t)1 << 22; /* bounds the work a crafted file can cause */
    if (c->count == 0 || size < 8) return false;
    for (size_t p = from; p + 8 <= size && budget > 0; p++) {
        if (mxio__load_u64le(b + p) != c->count) continue;
        size_t q = p + 8;
        const uint8_t *hit = NULL;
        size_t hit_len = 0;
        uint64_t k;
        for (k = 0; k < c->count && budget > 0; k++, budget--) {
            if (size - q < 8) break;
            uint64_t L = mxio__load_u64le(b + q);
            q += 8;
            if (L > size - q) break;
            if (k == c->index) {
                hit = b + q;
                hit_len = (size_t)L;
            }
            q += (size_t)L;
        }
        if (k == c->count && q == size && hit) {
            *name = hit;
            *len = hit_len;
            return true;
        }
    }
    return false;
}

static mxio_status rec_fail(parse_ctx *c, mxio_status code, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static mxio_status rec_fail(parse_ctx *c, mxio_status code, size_t offset, const char *fmt, ...) {
    char what[700], quoted[128] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const uint8_t *name;
    size_t len;
    if (code != MXIO_E_NOMEM && find_name(c, offset < c->r.size ? offset : c->r.size, &name, &len))
        mxio__quote_name(quoted, sizeof quoted, (const char *)name, len);
    return mxio__fail_at(c->err, code, (int64_t)offset, -1, (int64_t)c->index,
                         "%s: array %zu%s: %s at offset 0x%zx", c->p->label, c->index, quoted, what, offset);
}

static mxio_status truncated(parse_ctx *c, const char *what, size_t need) {
    return rec_fail(c, MXIO_E_TRUNCATED, c->r.pos, "file ends inside the %s (needs %zu bytes, %zu remain)",
                    what, need, mxio__reader_remaining(&c->r));
}

/* Read a shape: i32 ndim then ndim x i64 (V1/V2/V3), or u32 dims (legacy, ndim
 * already read). `unknown` is set when the V3 meaning says "unknown shape". */
static mxio_status read_shape(parse_ctx *c, mxio_record rec, const char *what, int64_t *dims,
                              int32_t *ndim_out, int *unknown, bool have_ndim, uint32_t legacy_ndim) {
    size_t at = c->r.pos;
    int32_t ndim;
    *unknown = 0;
    if (have_ndim) {
        ndim = (int32_t)legacy_ndim;
    } else if (!mxio__read_i32(&c->r, &ndim)) {
        return truncated(c, what, 4);
    }
    if (ndim == -1 && rec == MXIO_RECORD_V3) {
        *unknown = 1;
        *ndim_out = -1;
        return MXIO_OK;
    }
    if (ndim < 0)
        return rec_fail(c, MXIO_E_CORRUPT, at, "%s has ndim %" PRId32 " (must be >= 0%s)", what, ndim,
                        rec == MXIO_RECORD_V3 ? ", or -1 for unknown" : "");
    if (ndim > MXIO_MAX_DIMS)
        return rec_fail(c, MXIO_E_LIMIT, at, "%s has %" PRId32 " dims (at most %d supported)", what,
                        ndim, MXIO_MAX_DIMS);
    size_t width = rec == MXIO_RECORD_LEGACY ? 4 : 8;
    if ((size_t)ndim * width > mxio__reader_remaining(&c->r))
        return truncated(c, what, (size_t)ndim * width);
    for (int32_t i = 0; i < ndim; i++) {
        size_t dat = c->r.pos;
        int64_t d;
        if (width == 4) {
            uint32_t u;
            mxio__read_u32(&c->r, &u);
            d = u;
        } else {
            mxio__read_i64(&c->r, &d);
        }
        if (d == -1 && rec == MXIO_RECORD_V3) {
            *unknown = 1;
        } else if (d < 0) {
            return rec_fail(c, MXIO_E_CORRUPT, dat, "%s dim %d is %" PRId64 " (dims must be >= 0)", what,
                            (int)i, d);
        }
        dims[i] = d;
    }
    *ndim_out = ndim;
    return MXIO_OK;
}

static mxio_status read_type(parse_ctx *c, const char *what, mxio_dtype *out) {
    size_t at = c->r.pos;
    int32_t t;
    if (!mxio__read_i32(&c->r, &t)) return truncated(c, what, 4);
    if (t < 0 || t >= MXIO_DTYPE_COUNT)
        return rec_fail(c, MXIO_E_CORRUPT, at, "unknown %s %" PRId32 " (known: 0..%d)", what, t,
                        MXIO_DTYPE_COUNT - 1);
    *out = (mxio_dtype)t;
    return MXIO_OK;
}

/* Borrow the payload bytes of prod(dims) elements of dtype t. */
static mxio_status read_payload(parse_ctx *c, const char *what, mxio_dtype t, const int64_t *dims,
                                int ndim, const void **data, size_t *nbytes) {
    int64_t numel;
    size_t bytes;
    char shape[256];
    mxio__format_shape(shape, sizeof shape, dims, ndim);
    if (!mxio__shape_numel(dims, ndim, &numel) || (uint64_t)numel > SIZE_MAX ||
        !mxio__mul_size((size_t)numel, mxio_dtype_size(t), &bytes))
        return rec_fail(c, MXIO_E_LIMIT, c->r.pos, "%s shape %s %s: element count overflows", what, shape,
                        mxio_dtype_name(t));
    const uint8_t *ptr;
    if (!mxio__read_bytes(&c->r, bytes, &ptr))
        return rec_fail(c, MXIO_E_TRUNCATED, c->r.pos, "%s shape %s %s needs %zu bytes, only %zu remain", what,
                        shape, mxio_dtype_name(t), bytes, mxio__reader_remaining(&c->r));
    *data = ptr;
    *nbytes = bytes;
    return MXIO_OK;
}

static bool is_swapped_magic(uint32_t m) {
    uint32_t s = __builtin_bswap32(m);
    return s == V1_MAGIC || s == V2_MAGIC || s == V3_MAGIC;
}

static mxio_status parse_record_body(parse_ctx *c, mxio__param *e, int64_t *tmp) {
    mxio__reader *r = &c->r;
    mxio_array *a = &e->a;
    mxio_status st;
    size_t start = r->pos;
    uint32_t magic;
    a->file_offset = start;
    a->dev_type = 1;
    a->dev_id = 0;
    if (!mxio__read_u32(r, &magic)) return truncated(c, "record magic", 4);

    mxio_record rec;
    if (magic == V3_MAGIC) rec = MXIO_RECORD_V3;
    else if (magic == V2_MAGIC) rec = MXIO_RECORD_V2;
    else if (magic == V1_MAGIC) rec = MXIO_RECORD_V1;
    else rec = MXIO_RECORD_LEGACY;
    a->record = rec;

    if (rec == MXIO_RECORD_LEGACY && magic > MXIO_MAX_DIMS) {
        if (is_swapped_magic(magic))
            return rec_fail(c, MXIO_E_FORMAT, start,
                            "record magic 0x%08" PRIx32 " is a byte-swapped MXNet magic: the file was "
                            "written big-endian; only little-endian files are supported", magic);
        return rec_fail(c, MXIO_E_CORRUPT, start,
                        "record starts with 0x%08" PRIx32 ": not a V1/V2/V3 magic (0xf993fac8..a), and "
                        "too many dims (%" PRIu32 " > %d) for a legacy record", magic, magic, MXIO_MAX_DIMS);
    }

    /* shapes are read into scratch space; parse_record then keeps only what is used */
    int64_t *shape = tmp, *sshape = tmp + MXIO_MAX_DIMS;

    int32_t stype = 0;
    int nad = 0;
    if (rec == MXIO_RECORD_V2 || rec == MXIO_RECORD_V3) {
        size_t at = r->pos;
        if (!mxio__read_i32(r, &stype)) return truncated(c, "storage type", 4);
        if (stype < 0 || stype > 2)
            return rec_fail(c, MXIO_E_CORRUPT, at, "unknown storage type %" PRId32
                            " (0 dense, 1 row_sparse, 2 csr)", stype);
        if (rec == MXIO_RECORD_V3 && stype != 0)
            return rec_fail(c, MXIO_E_CORRUPT, at, "V3 (NumPy-shape) record with sparse storage type %" PRId32
                            " (MXNet allows only dense here)", stype);
        nad = stype == 0 ? 0 : stype == 1 ? 1 : 2;
    }
    a->storage = (mxio_storage)stype;
    a->num_aux = nad;

    int unknown = 0;
    int32_t sndim = 0, ndim = 0;
    if (nad > 0) {
        st = read_shape(c, MXIO_RECORD_V2, "storage shape", sshape, &sndim, &unknown, false, 0);
        if (st) return st;
        a->storage_ndim = sndim;
        a->storage_shape = sshape;
    }
    st = read_shape(c, rec, "shape", shape, &ndim, &unknown, rec == MXIO_RECORD_LEGACY, magic);
    if (st) return st;
    a->shape = shape;

    /* none records: V3 unknown shape; ndim 0 in every other layout (spec §1.7, §5.4) */
    if (unknown || (rec != MXIO_RECORD_V3 && ndim == 0)) {
        a->is_none = 1;
        a->ndim = 0;
        e->none_ndim = ndim;
        return MXIO_OK;
    }
    a->ndim = ndim;

    if (!mxio__read_i32(r, &a->dev_type) || !mxio__read_i32(r, &a->dev_id))
        return truncated(c, "context", 8);
    st = read_type(c, "type flag", &a->dtype);
    if (st) return st;

    for (int i = 0; i < nad; i++) {
        int32_t an = 0;
        int unk = 0;
        st = read_type(c, "aux type flag", &a->aux_dtype[i]);
        if (st) return st;
        size_t at = r->pos;
        int64_t *ad = tmp + (size_t)MXIO_MAX_DIMS * (2 + i);
        st = read_shape(c, MXIO_RECORD_V2, "aux shape", ad, &an, &unk, false, 0);
        if (st) return st;
        if (an != 1)
            return rec_fail(c, MXIO_E_CORRUPT, at, "aux array %d has %d dims (sparse aux arrays are 1-D)", i,
                            (int)an);
        a->aux_ndim[i] = an;
        a->aux_shape[i] = ad;
    }
    if (nad > 0) {
        /* MXNet sizes the values from the aux shapes when the stored storage
         * shape holds no elements (NDArray's sparse constructor, ndarray.h) */
        int64_t numel_s;
        if (!mxio__shape_numel(sshape, sndim, &numel_s) || numel_s == 0) {
            int64_t *raw = tmp + (size_t)MXIO_MAX_DIMS * 4;
            memcpy(raw, sshape, (size_t)sndim * sizeof(int64_t));
            e->stored_sndim = sndim;
            e->stored_sshape = raw;
            if (stype == MXIO_STORAGE_ROW_SPARSE) {
                if (ndim < 1) return rec_fail(c, MXIO_E_CORRUPT, start, "row_sparse array with no dims");
                memcpy(sshape, shape, (size_t)ndim * sizeof(int64_t));
                sshape[0] = a->aux_shape[0][0];
                sndim = ndim;
            } else {
                sshape[0] = a->aux_shape[1][0];
                sndim = 1;
            }
            a->storage_ndim = sndim;
        }
        /* the invariants MXNet's own sparse constructors guarantee */
        bool ok;
        if (stype == MXIO_STORAGE_ROW_SPARSE) {
            ok = sndim == ndim && ndim >= 1 && sshape[0] == a->aux_shape[0][0] && sshape[0] <= shape[0];
            for (int k = 1; ok && k < ndim; k++) ok = sshape[k] == shape[k];
        } else {
            ok = ndim == 2 && sndim == 1 && a->aux_shape[1][0] == sshape[0] &&
                 (a->aux_shape[0][0] == 0 || a->aux_shape[0][0] == shape[0] + 1);
        }
        if (!ok) {
            char s1[128], s2[128];
            mxio__format_shape(s1, sizeof s1, shape, ndim);
            mxio__format_shape(s2, sizeof s2, sshape, sndim);
            return rec_fail(c, MXIO_E_CORRUPT, start, "%s array of shape %s has inconsistent storage shape %s"
                            " or aux shapes", stype == 1 ? "row_sparse" : "csr", s1, s2);
        }
    }

    st = read_payload(c, "values:", a->dtype, nad ? sshape : shape, nad ? sndim : ndim, &a->data,
                      &a->nbytes);
    if (st) return st;
    for (int i = 0; i < nad; i++) {
        st = read_payload(c, "aux array:", a->aux_dtype[i], a->aux_shape[i], 1, &a->aux_data[i],
                          &a->aux_nbytes[i]);
        if (st) return st;
    }
    return MXIO_OK;
}

static const int64_t no_dims[1] = {0};

/* Move the shapes of a parsed record from scratch space into one allocation of
 * exactly the size used, so memory stays proportional to the file. */
static int64_t *keep_dims(int64_t **at, const int64_t *src, int n) {
    int64_t *d = *at;
    if (n > 0) memcpy(d, src, (size_t)n * sizeof(int64_t));
    *at += n > 0 ? n : 0;
    return d;
}

static mxio_status parse_record(parse_ctx *c, mxio__param *e) {
    int64_t tmp[MXIO__DIMS_SLOTS];
    mxio_status st = parse_record_body(c, e, tmp);
    if (st) return st;
    mxio_array *a = &e->a;
    int nshape = a->is_none ? (e->none_ndim > 0 ? e->none_ndim : 0) : a->ndim;
    int nstor = a->storage_shape ? a->storage_ndim : 0;
    int nraw = e->stored_sshape ? e->stored_sndim : 0;
    size_t used = (size_t)nshape + (size_t)nstor + (size_t)nraw;
    for (int i = 0; i < MXIO_MAX_AUX; i++) used += a->aux_shape[i] ? (size_t)a->aux_ndim[i] : 0;
    if (used == 0) {
        a->shape = no_dims;
        return MXIO_OK;
    }
    e->dims = mxio__calloc_array(used, sizeof(int64_t));
    if (!e->dims) return rec_fail(c, MXIO_E_NOMEM, (size_t)a->file_offset, "out of memory");
    int64_t *at = e->dims;
    a->shape = keep_dims(&at, a->shape, nshape);
    if (a->storage_shape) a->storage_shape = keep_dims(&at, a->storage_shape, nstor);
    for (int i = 0; i < MXIO_MAX_AUX; i++)
        if (a->aux_shape[i]) a->aux_shape[i] = keep_dims(&at, a->aux_shape[i], a->aux_ndim[i]);
    if (e->stored_sshape) e->stored_sshape = keep_dims(&at, e->stored_sshape, nraw);
    return MXIO_OK;
}

mxio_status mxio__params_parse(mxio_params *p, const uint8_t *buf, size_t len, mxio_error *err) {
    parse_ctx c = {.p = p, .index = 0, .err = err};
    mxio__reader_init(&c.r, buf, len);
    uint64_t magic, reserved, n;
    if (len < 24) {
        if (len >= 8 && mxio__load_u64le(buf) != LIST_MAGIC) goto bad_magic;
        return mxio__fail_at(err, MXIO_E_TRUNCATED, (int64_t)len, -1, -1,
                             "%s: %zu bytes is too short for an MXNet NDArray list header (24 bytes)",
                             p->label, len);
    }
    mxio__read_u64(&c.r, &magic);
    if (magic != LIST_MAGIC) goto bad_magic;
    mxio__read_u64(&c.r, &reserved); /* not checked by MXNet either */
    mxio__read_u64(&c.r, &n);
    /* the smallest record (a legacy none record) is 4 bytes */
    if (n > mxio__reader_remaining(&c.r) / 4)
        return mxio__fail_at(err, MXIO_E_TRUNCATED, 16, -1, -1,
                             "%s: array count %" PRIu64 " cannot fit in the %zu bytes that follow "
                             "(at offset 0x10)", p->label, n, mxio__reader_remaining(&c.r));
    if (n > MXIO_MAX_ARRAYS)
        return mxio__fail_at(err, MXIO_E_LIMIT, 16, -1, -1,
                             "%s: array count %" PRIu64 " is over the limit of %" PRIu64 " arrays (at offset 0x10)",
                             p->label, n, MXIO_MAX_ARRAYS);
    c.count = n;
    for (uint64_t i = 0; i < n; i++) {
        c.index = (size_t)i;
        mxio__param *e = mxio__params_push(p);
        if (!e) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", p->label);
        mxio_status st = parse_record(&c, e);
        if (st) return st;
    }
    c.index = (size_t)n;
    size_t at = c.r.pos;
    uint64_t k;
    if (!mxio__read_u64(&c.r, &k))
        return mxio__fail_at(err, MXIO_E_TRUNCATED, (int64_t)at, -1, -1,
                             "%s: file ends before the name count (after %" PRIu64 " arrays) at offset 0x%zx",
                             p->label, n, at);
    if (k != 0 && k != n)
        return mxio__fail_at(err, MXIO_E_CORRUPT, (int64_t)at, -1, -1,
                             "%s: name count %" PRIu64 " is neither 0 nor the array count %" PRIu64
                             " at offset 0x%zx", p->label, k, n, at);
    p->has_names = k != 0;
    for (uint64_t i = 0; i < k; i++) {
        mxio__param *e = &p->items[i];
        uint64_t L;
        const uint8_t *s;
        at = c.r.pos;
        if (!mxio__read_u64(&c.r, &L))
            return mxio__fail_at(err, MXIO_E_TRUNCATED, (int64_t)at, -1, (int64_t)i,
                                 "%s: array %" PRIu64 ": file ends inside the length of its name at offset 0x%zx",
                                 p->label, i, at);
        if (L > mxio__reader_remaining(&c.r))
            return mxio__fail_at(err, MXIO_E_TRUNCATED, (int64_t)at, -1, (int64_t)i,
                                 "%s: array %" PRIu64 ": name of %" PRIu64 " bytes, only %zu remain at offset 0x%zx",
                                 p->label, i, L, mxio__reader_remaining(&c.r), at);
        mxio__read_bytes(&c.r, (size_t)L, &s);
        if (!mxio__utf8_valid((const char *)s, (size_t)L)) {
            char q[128];
            return mxio__fail_at(err, MXIO_E_CORRUPT, (int64_t)at + 8, -1, (int64_t)i,
                                 "%s: array %" PRIu64 "%s: name is not valid UTF-8 at offset 0x%zx", p->label, i,
                                 mxio__quote_name(q, sizeof q, (const char *)s, (size_t)L), at + 8);
        }
        e->name = mxio__strndup((const char *)s, (size_t)L);
        if (!e->name) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", p->label);
        e->a.name = e->name;
        e->a.name_len = (size_t)L;
    }
    if (k) return mxio__params_index(p, err);
    return MXIO_OK;

bad_magic:
    magic = mxio__load_u64le(buf);
    if (__builtin_bswap64(magic) == LIST_MAGIC)
        return mxio__fail_at(err, MXIO_E_FORMAT, 0, -1, -1,
                             "%s: list magic is 0x112 byte-swapped: the file was written on a big-endian "
                             "host; only little-endian files are supported", p->label);
    return mxio__fail_at(err, MXIO_E_FORMAT, 0, -1, -1,
                         "%s: not an MXNet NDArray list: magic 0x%" PRIx64 " at offset 0 (expected 0x112)",
                         p->label, magic);
}

static mxio_status parse_any(mxio_params *p, const uint8_t *buf, size_t len, mxio_error *err) {
    if (mxio__looks_like_zip(buf, len)) return mxio__npz_parse(p, buf, len, err);
    if (mxio__looks_like_npy(buf, len)) {
        mxio__param *e = mxio__params_push(p);
        if (!e) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", p->label);
        p->has_names = 0;
        return mxio__npy_parse(e, buf, len, p->label, NULL, 0, err);
    }
    return mxio__params_parse(p, buf, len, err);
}

mxio_status mxio_params_read_file(const char *path, uint32_t flags, mxio_params **out, mxio_error *err) {
    mxio__error_clear(err);
    if (!path || !out) return mxio__fail(err, MXIO_E_MISUSE, "mxio_params_read_file: NULL argument");
    *out = NULL;
    mxio_params *p = mxio__params_alloc(path);
    if (!p) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", path);
    mxio_status st = mxio__file_open(&p->file, path, (flags & MXIO_READ_COPY) != 0, err);
    if (st == MXIO_OK) {
        /* indexing touches only the record headers between the payloads: keep the
         * kernel from reading ahead through the payloads, then restore readahead
         * for whoever reads the values */
        if (p->file.mapped) madvise(p->file.mapped, p->file.size, MADV_RANDOM);
        st = parse_any(p, p->file.data, p->file.size, err);
        if (p->file.mapped) madvise(p->file.mapped, p->file.size, MADV_NORMAL);
    }
    if (st) {
        mxio_params_free(p);
        return st;
    }
    *out = p;
    return MXIO_OK;
}

mxio_status mxio_params_read_buffer(const void *buf, size_t len, const char *label, uint32_t flags,
                                    mxio_params **out, mxio_error *err) {
    mxio__error_clear(err);
    if ((!buf && len) || !out) return mxio__fail(err, MXIO_E_MISUSE, "mxio_params_read_buffer: NULL argument");
    *out = NULL;
    mxio_params *p = mxio__params_alloc(label);
    if (!p) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    p->bytes = malloc(len ? len : 1);
    if (!p->bytes) {
        mxio_params_free(p);
        return mxio__fail(err, MXIO_E_NOMEM, "%s: cannot copy %zu bytes", label ? label : "<buffer>", len);
    }
    if (len) memcpy(p->bytes, buf, len);
    mxio_status st = parse_any(p, p->bytes, len, err);
    if (st) {
        mxio_params_free(p);
        return st;
    }
    *out = p;
    return MXIO_OK;
}

mxio_status mxio_params_read_npz(const char *path, uint32_t flags, mxio_params **out, mxio_error *err) {
    mxio__error_clear(err);
    if (!path || !out) return mxio__fail(err, MXIO_E_MISUSE, "mxio_params_read_npz: NULL argument");
    *out = NULL;
    mxio_params *p = mxio__params_alloc(path);
    if (!p) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", path);
    mxio_status st = mxio__file_open(&p->file, path, (flags & MXIO_READ_COPY) != 0, err);
    if (st == MXIO_OK) {
        const uint8_t *b = p->file.data;
        size_t n = p->file.size;
        if (mxio__looks_like_npy(b, n)) {
            mxio__param *e = mxio__params_push(p);
            p->has_names = 0;
            st = e ? mxio__npy_parse(e, b, n, p->label, NULL, 0, err)
                   : mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", path);
        } else {
            st = mxio__npz_parse(p, b, n, err);
        }
    }
    if (st) {
        mxio_params_free(p);
        return st;
    }
    *out = p;
    return MXIO_OK;
}

/* ---- building in memory ------------------------------------------------- */

mxio_params *mxio_params_new(void) { return mxio__params_alloc("<memory>"); }

static mxio_status check_bytes(mxio_error *err, size_t index, const char *what, mxio_dtype t,
                               const int64_t *dims, int ndim, size_t nbytes, const void *data) {
    int64_t numel;
    size_t need;
    if (ndim < 0 || ndim > MXIO_MAX_DIMS || (ndim && !dims))
        return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index, "array %zu: %s has %d dims", index,
                             what, ndim);
    if (!mxio__shape_numel(dims, ndim, &numel) || (uint64_t)numel > SIZE_MAX ||
        !mxio__mul_size((size_t)numel, mxio_dtype_size(t), &need))
        return mxio__fail_at(err, MXIO_E_LIMIT, -1, -1, (int64_t)index,
                             "array %zu: %s shape has a negative dim or overflows", index, what);
    if (need != nbytes || (need && !data))
        return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index,
                             "array %zu: %s needs %zu bytes, %zu given", index, what, need, nbytes);
    return MXIO_OK;
}

mxio_status mxio_params_append(mxio_params *p, const mxio_array *a, mxio_error *err) {
    mxio__error_clear(err);
    if (!p || !a) return mxio__fail(err, MXIO_E_MISUSE, "mxio_params_append: NULL argument");
    size_t index = p->count;
    if ((unsigned)a->dtype >= MXIO_DTYPE_COUNT)
        return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index, "array %zu: unknown dtype %d", index,
                             (int)a->dtype);
    if ((unsigned)a->storage > MXIO_STORAGE_CSR)
        return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index, "array %zu: unknown storage %d",
                             index, (int)a->storage);
    int nad = a->storage == MXIO_STORAGE_DENSE ? 0 : a->storage == MXIO_STORAGE_ROW_SPARSE ? 1 : 2;
    if (p->count > 0 && (a->name != NULL) != (p->has_names != 0))
        return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index,
                             "array %zu: a list is either all named or all unnamed", index);
    if (a->name && !mxio__utf8_valid(a->name, a->name_len))
        return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index, "array %zu: name is not UTF-8", index);
    if (a->name && p->index_cap) {
        int64_t first = index_find(p, a->name, a->name_len);
        const mxio_array *b = first >= 0 ? &p->items[first].a : NULL;
        if (b && b->name_len == a->name_len && memcmp(b->name, a->name, a->name_len) == 0) {
            char q[128];
            return mxio__fail_at(err, MXIO_E_EXISTS, -1, -1, (int64_t)index,
                                 "array %zu%s: duplicate name (also array %" PRId64 ")", index,
                                 mxio__quote_name(q, sizeof q, a->name, a->name_len), first);
        }
    }
    mxio_status st;
    if (!a->is_none) {
        if (a->record == MXIO_RECORD_V3 && nad)
            return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index,
                                 "array %zu: a V3 record cannot be sparse", index);
        if (a->ndim == 0 && nad)
            return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index,
                                 "array %zu: a sparse array cannot be 0-d", index);
        st = check_bytes(err, index, "values", a->dtype, nad ? a->storage_shape : a->shape,
                         nad ? a->storage_ndim : a->ndim, a->nbytes, a->data);
        if (st) return st;
        if (nad) {
            int64_t logical;
            if (a->ndim < 1 || a->ndim > MXIO_MAX_DIMS || !a->shape || a->storage_ndim < 1 ||
                !mxio__shape_numel(a->shape, a->ndim, &logical))
                return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index,
                                     "array %zu: bad logical shape for a sparse array", index);
            if (a->num_aux != nad)
                return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index,
                                     "array %zu: %d aux arrays, storage needs %d", index, a->num_aux, nad);
            for (int i = 0; i < nad; i++) {
                if ((unsigned)a->aux_dtype[i] >= MXIO_DTYPE_COUNT || a->aux_ndim[i] != 1)
                    return mxio__fail_at(err, MXIO_E_MISUSE, -1, -1, (int64_t)index,
                                         "array %zu: aux array %d must be 1-D of a known dtype", index, i);
                st = check_bytes(err, index, "aux array", a->aux_dtype[i], a->aux_shape[i], 1,
                                 a->aux_nbytes[i], a->aux_data[i]);
                if (st) return st;
            }
        }
    }
    mxio__param *e = mxio__params_push(p);
    if (!e) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    mxio_array *d = &e->a;
    *d = *a;
    d->file_offset = 0;
    if (d->record == MXIO_RECORD_LEGACY || d->record == MXIO_RECORD_V1) d->record = MXIO_RECORD_V2;
    if ((unsigned)d->record > MXIO_RECORD_V3) d->record = MXIO_RECORD_V2;
    e->dims = mxio__calloc_array(MXIO__DIMS_SLOTS, sizeof(int64_t));
    size_t total = a->is_none ? 0 : a->nbytes;
    for (int i = 0; i < nad && !a->is_none; i++) total += a->aux_nbytes[i]; /* each already bounded */
    e->owned = malloc(total ? total : 1);
    if (a->name) e->name = mxio__strndup(a->name, a->name_len);
    if (!e->dims || !e->owned || (a->name && !e->name)) {
        mxio__param_clear(e);
        p->count--;
        return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    }
    d->name = e->name;
    if (a->is_none) {
        memset(d, 0, sizeof *d);
        d->is_none = 1;
        d->name = e->name;
        d->name_len = a->name_len;
        d->storage = a->storage;
        d->record = a->record == MXIO_RECORD_V3 ? MXIO_RECORD_V3 : MXIO_RECORD_V2;
        d->shape = e->dims;
        /* a V3 none is written as "unknown shape" (ndim -1), otherwise ndim 0 */
        e->none_ndim = d->record == MXIO_RECORD_V3 ? -1 : 0;
        d->storage = MXIO_STORAGE_DENSE;
        d->dev_type = 1;
    } else {
        uint8_t *o = e->owned;
        if (a->ndim) memcpy(e->dims, a->shape, (size_t)a->ndim * sizeof(int64_t));
        d->shape = e->dims;
        if (a->nbytes) memcpy(o, a->data, a->nbytes);
        d->data = o;
        o += a->nbytes;
        if (nad) {
            int64_t *ss = e->dims + MXIO_MAX_DIMS;
            memcpy(ss, a->storage_shape, (size_t)a->storage_ndim * sizeof(int64_t));
            d->storage_shape = ss;
            for (int i = 0; i < nad; i++) {
                int64_t *as = e->dims + (size_t)MXIO_MAX_DIMS * (2 + i);
                as[0] = a->aux_shape[i][0];
                d->aux_shape[i] = as;
                if (a->aux_nbytes[i]) memcpy(o, a->aux_data[i], a->aux_nbytes[i]);
                d->aux_data[i] = o;
                o += a->aux_nbytes[i];
            }
        } else {
            d->storage_ndim = 0;
            d->storage_shape = NULL;
            d->num_aux = 0;
        }
    }
    if (index == 0) p->has_names = a->name != NULL;
    if (p->has_names) {
        if (p->count * 2 > p->index_cap) return mxio__params_index(p, err);
        index_insert(p, index);
    }
    return MXIO_OK;
}

/* ---- writer ------------------------------------------------------------- */

/* The output as a list of pieces: metadata bytes live in one growable buffer
 * (referenced by offset, since it moves), payloads are referenced in place. */
typedef struct out_piece {
    const void *ptr; /* NULL: meta bytes at [off, off+len) */
    size_t off, len;
} out_piece;

typedef struct writer {
    mxio__buf meta;
    out_piece *pieces;
    size_t n, cap;
    size_t meta_mark; /* start of the meta bytes not yet covered by a piece */
    bool oom;
} writer;

static void w_add(writer *w, const void *ptr, size_t off, size_t len) {
    if (w->oom || len == 0) return;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        out_piece *np = mxio__realloc_array(w->pieces, cap, sizeof *np);
        if (!np) {
            w->oom = true;
            return;
        }
        w->pieces = np;
        w->cap = cap;
    }
    w->pieces[w->n++] = (out_piece){ptr, off, len};
}

static void w_flush_meta(writer *w) {
    if (w->meta.len > w->meta_mark) w_add(w, NULL, w->meta_mark, w->meta.len - w->meta_mark);
    w->meta_mark = w->meta.len;
}

static void w_payload(writer *w, const void *data, size_t len) {
    w_flush_meta(w);
    w_add(w, data, 0, len);
}

static void w_u32(writer *w, uint32_t v) {
    if (!mxio__buf_u32le(&w->meta, v)) w->oom = true;
}
static void w_u64(writer *w, uint64_t v) {
    if (!mxio__buf_u64le(&w->meta, v)) w->oom = true;
}
static void w_shape(writer *w, int32_t ndim, const int64_t *dims) {
    w_u32(w, (uint32_t)ndim);
    for (int32_t i = 0; i < ndim; i++) w_u64(w, (uint64_t)dims[i]);
}

static mxio_status build_output(const mxio_params *p, uint32_t flags, writer *w, mxio_error *err) {
    memset(w, 0, sizeof *w);
    mxio__buf_init(&w->meta);
    w_u64(w, LIST_MAGIC);
    w_u64(w, 0);
    w_u64(w, p->count);
    for (size_t i = 0; i < p->count; i++) {
        const mxio__param *e = &p->items[i];
        const mxio_array *a = &e->a;
        int nad = a->is_none ? 0 : a->num_aux;
        bool v3 = a->record == MXIO_RECORD_V3 && !(flags & MXIO_WRITE_V2);
        if (!a->is_none && a->ndim == 0) v3 = true; /* only V3 can say "0-d scalar" */
        w_u32(w, v3 ? V3_MAGIC : V2_MAGIC);
        w_u32(w, (uint32_t)a->storage);
        if (a->is_none) {
            if (a->storage != MXIO_STORAGE_DENSE) w_shape(w, a->storage_ndim, a->storage_shape);
            if (v3) w_shape(w, e->none_ndim, a->shape);
            else w_shape(w, 0, NULL);
            continue;
        }
        if (nad && e->stored_sshape) w_shape(w, e->stored_sndim, e->stored_sshape);
        else if (nad) w_shape(w, a->storage_ndim, a->storage_shape);
        w_shape(w, a->ndim, a->shape);
        w_u32(w, (uint32_t)a->dev_type);
        w_u32(w, (uint32_t)a->dev_id);
        w_u32(w, (uint32_t)a->dtype);
        for (int k = 0; k < nad; k++) {
            w_u32(w, (uint32_t)a->aux_dtype[k]);
            w_shape(w, a->aux_ndim[k], a->aux_shape[k]);
        }
        w_payload(w, a->data, a->nbytes);
        for (int k = 0; k < nad; k++) w_payload(w, a->aux_data[k], a->aux_nbytes[k]);
    }
    if (p->has_names && p->count) {
        w_u64(w, p->count);
        for (size_t i = 0; i < p->count; i++) {
            const mxio_array *a = &p->items[i].a;
            w_u64(w, a->name ? a->name_len : 0);
            if (a->name && !mxio__buf_append(&w->meta, a->name, a->name_len)) w->oom = true;
        }
    } else {
        w_u64(w, 0);
    }
    w_flush_meta(w);
    if (w->oom || w->meta.oom) return mxio__fail(err, MXIO_E_NOMEM, "out of memory while writing");
    return MXIO_OK;
}

static void writer_free(writer *w) {
    mxio__buf_free(&w->meta);
    free(w->pieces);
}

static mxio__piece *resolve(writer *w) {
    mxio__piece *ps = mxio__calloc_array(w->n ? w->n : 1, sizeof *ps);
    if (!ps) return NULL;
    for (size_t i = 0; i < w->n; i++) {
        ps[i].data = w->pieces[i].ptr ? w->pieces[i].ptr : w->meta.data + w->pieces[i].off;
        ps[i].len = w->pieces[i].len;
    }
    return ps;
}

mxio_status mxio_params_write_file(const mxio_params *p, const char *path, uint32_t flags, mxio_error *err) {
    mxio__error_clear(err);
    if (!p || !path) return mxio__fail(err, MXIO_E_MISUSE, "mxio_params_write_file: NULL argument");
    writer w;
    mxio_status st = build_output(p, flags, &w, err);
    if (st == MXIO_OK) {
        mxio__piece *ps = resolve(&w);
        st = ps ? mxio__write_atomic_pieces(path, ps, w.n, (flags & MXIO_WRITE_FORCE) != 0, err)
                : mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", path);
        free(ps);
    }
    writer_free(&w);
    return st;
}

mxio_status mxio_params_write_buffer(const mxio_params *p, uint32_t flags, void **buf, size_t *len,
                                     mxio_error *err) {
    mxio__error_clear(err);
    if (!p || !buf || !len) return mxio__fail(err, MXIO_E_MISUSE, "mxio_params_write_buffer: NULL argument");
    *buf = NULL;
    *len = 0;
    writer w;
    mxio_status st = build_output(p, flags, &w, err);
    if (st == MXIO_OK) {
        size_t total = 0;
        bool ok = true;
        for (size_t i = 0; i < w.n; i++) ok = ok && mxio__add_size(total, w.pieces[i].len, &total);
        uint8_t *out = ok ? malloc(total ? total : 1) : NULL;
        if (!out) {
            st = mxio__fail(err, MXIO_E_NOMEM, "cannot allocate %zu bytes for the output", total);
        } else {
            size_t at = 0;
            for (size_t i = 0; i < w.n; i++) {
                const void *src = w.pieces[i].ptr ? w.pieces[i].ptr : w.meta.data + w.pieces[i].off;
                memcpy(out + at, src, w.pieces[i].len);
                at += w.pieces[i].len;
            }
            *buf = out;
            *len = total;
        }
    }
    writer_free(&w);
    return st;
}
