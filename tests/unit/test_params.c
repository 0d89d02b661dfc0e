/* test_params.c - crafted .params records of every layout and rule: legacy,
 * V1, V2 (dense, sparse), V3 (scalars, unknown shapes), none records, all 13
 * type flags, write-back (legacy/V1 upgrade to V2), building with append, and
 * truncation at every offset through mxio_params_read_buffer. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "format/params.h"
#include "mxio.h"

typedef struct bytes {
    uint8_t d[4096];
    size_t n;
} bytes;

static void u32(bytes *b, uint32_t v) {
    mxio__store_u32le(b->d + b->n, v);
    b->n += 4;
}
static void u64(bytes *b, uint64_t v) {
    mxio__store_u64le(b->d + b->n, v);
    b->n += 8;
}
static void raw(bytes *b, const void *p, size_t n) {
    memcpy(b->d + b->n, p, n);
    b->n += n;
}
static void header(bytes *b, uint64_t count) {
    b->n = 0;
    u64(b, 0x112);
    u64(b, 0);
    u64(b, count);
}
static void shape64(bytes *b, int32_t ndim, const int64_t *d) {
    u32(b, (uint32_t)ndim);
    for (int i = 0; i < ndim; i++) u64(b, (uint64_t)d[i]);
}
static void ctx_type(bytes *b, int32_t type) {
    u32(b, 1);
    u32(b, 0);
    u32(b, (uint32_t)type);
}

static mxio_params *parse(const bytes *b, mxio_error *err) {
    mxio_params *p = NULL;
    mxio_params_read_buffer(b->d, b->n, "crafted.params", 0, &p, err);
    return p;
}

static void check_roundtrip_equals(const mxio_params *p, const bytes *expect) {
    void *buf = NULL;
    size_t len = 0;
    mxio_error err;
    CHECK_EQ_INT(mxio_params_write_buffer(p, 0, &buf, &len, &err), MXIO_OK);
    CHECK_EQ_INT(len, expect->n);
    CHECK(buf && len == expect->n && memcmp(buf, expect->d, len) == 0);
    mxio_free(buf);
}

static void test_dtypes(void) {
    static const char *names[] = {"float32", "float64", "float16", "uint8",  "int32",  "int8",    "int64",
                                  "bool",    "int16",   "uint16",  "uint32", "uint64", "bfloat16"};
    static const size_t sizes[] = {4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2};
    for (int t = 0; t < MXIO_DTYPE_COUNT; t++) {
        mxio_dtype back;
        CHECK_EQ_STR(mxio_dtype_name((mxio_dtype)t), names[t]);
        CHECK_EQ_INT(mxio_dtype_size((mxio_dtype)t), sizes[t]);
        CHECK_EQ_INT(mxio_dtype_from_name(names[t], &back), 0);
        CHECK_EQ_INT(back, t);
    }
    CHECK(mxio_dtype_name(MXIO_DTYPE_COUNT) == NULL);
    CHECK_EQ_INT(mxio_dtype_size((mxio_dtype)99), 0);
    CHECK_EQ_INT(mxio_dtype_from_name("complex64", NULL), -1);
}

/* every type flag in a V2 record: the payload size follows the flag */
static void test_all_type_flags(void) {
    for (int t = 0; t < MXIO_DTYPE_COUNT; t++) {
        bytes b;
        header(&b, 1);
        u32(&b, 0xF993FAC9);
        u32(&b, 0);
        int64_t d[2] = {2, 3};
        shape64(&b, 2, d);
        ctx_type(&b, t);
        size_t n = 6 * mxio_dtype_size((mxio_dtype)t);
        for (size_t i = 0; i < n; i++) b.d[b.n++] = (uint8_t)(i * 7 + (size_t)t);
        u64(&b, 0);
        mxio_error err;
        mxio_params *p = parse(&b, &err);
        CHECK(p != NULL);
        if (!p) continue;
        mxio_array a;
        CHECK_EQ_INT(mxio_params_get(p, 0, &a), MXIO_OK);
        CHECK_EQ_INT(a.dtype, t);
        CHECK_EQ_INT(a.nbytes, n);
        CHECK_EQ_INT(mxio_array_numel(&a), 6);
        CHECK(a.name == NULL);
        CHECK_EQ_INT(mxio_params_has_names(p), 0);
        check_roundtrip_equals(p, &b);
        mxio_params_free(p);
    }
}

/* legacy (u32 dims, no magic) and V1 records, with none records, upgrade to V2 */
static void test_legacy_and_v1(void) {
    float vals[3] = {1, 2, 3};
    bytes b, want;
    header(&b, 3);
    u32(&b, 1); /* legacy: ndim 1 */
    u32(&b, 3);
    ctx_type(&b, 0);
    raw(&b, vals, 12);
    u32(&b, 0); /* legacy none: ndim 0, record ends */
    u32(&b, 0xF993FAC8); /* V1 */
    int64_t d[2] = {1, 3};
    shape64(&b, 2, d);
    ctx_type(&b, 0);
    raw(&b, vals, 12);
    u64(&b, 3);
    u64(&b, 5);
    raw(&b, "arg:a", 5);
    u64(&b, 5);
    raw(&b, "arg:n", 5);
    u64(&b, 5);
    raw(&b, "aux:c", 5);
    mxio_error err;
    mxio_params *p = parse(&b, &err);
    CHECK(p != NULL);
    if (!p) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    mxio_array a;
    mxio_params_get(p, 0, &a);
    CHECK_EQ_INT(a.record, MXIO_RECORD_LEGACY);
    CHECK_EQ_INT(a.ndim, 1);
    CHECK_EQ_INT(a.shape[0], 3);
    CHECK(memcmp(a.data, vals, 12) == 0);
    mxio_params_get(p, 1, &a);
    CHECK_EQ_INT(a.is_none, 1);
    CHECK_EQ_INT(a.nbytes, 0);
    CHECK_EQ_INT(mxio_array_numel(&a), 0);
    mxio_params_get(p, 2, &a);
    CHECK_EQ_INT(a.record, MXIO_RECORD_V1);
    CHECK_EQ_INT(a.ndim, 2);
    CHECK_EQ_STR(mxio_array_short_name(&a), "c");
    CHECK_EQ_INT(mxio_params_find(p, "aux:c"), 2);
    CHECK_EQ_INT(mxio_params_find(p, "c"), 2);
    CHECK_EQ_INT(mxio_params_find(p, "a"), 0);
    CHECK_EQ_INT(mxio_params_find(p, "zz"), -1);
    /* written back as V2; the none record as a V2 record of ndim 0 */
    header(&want, 3);
    u32(&want, 0xF993FAC9);
    u32(&want, 0);
    int64_t d1[1] = {3};
    shape64(&want, 1, d1);
    ctx_type(&want, 0);
    raw(&want, vals, 12);
    u32(&want, 0xF993FAC9);
    u32(&want, 0);
    u32(&want, 0);
    u32(&want, 0xF993FAC9);
    u32(&want, 0);
    shape64(&want, 2, d);
    ctx_type(&want, 0);
    raw(&want, vals, 12);
    raw(&want, b.d + b.n - (8 + 3 * 13), 8 + 3 * 13);
    check_roundtrip_equals(p, &want);
    /* and the V2 form reads back to the same arrays and writes itself identically */
    mxio_params *q = parse(&want, &err);
    CHECK(q != NULL);
    if (q) {
        mxio_params_get(q, 1, &a);
        CHECK_EQ_INT(a.is_none, 1);
        check_roundtrip_equals(q, &want);
        mxio_params_free(q);
    }
    mxio_params_free(p);
}

/* V3: 0-d scalar carries one element, ndim -1 or a dim -1 is a none record kept as stored */
static void test_v3(void) {
    bytes b;
    double s = 2.5;
    header(&b, 4);
    u32(&b, 0xF993FACA);
    u32(&b, 0);
    shape64(&b, 0, NULL);
    ctx_type(&b, 1);
    raw(&b, &s, 8);
    u32(&b, 0xF993FACA); /* unknown shape */
    u32(&b, 0);
    u32(&b, 0xFFFFFFFF);
    u32(&b, 0xF993FACA); /* unknown dim */
    u32(&b, 0);
    int64_t d[2] = {2, -1};
    shape64(&b, 2, d);
    u32(&b, 0xF993FACA); /* zero-size */
    u32(&b, 0);
    int64_t z[2] = {0, 5};
    shape64(&b, 2, z);
    ctx_type(&b, 0);
    u64(&b, 0);
    mxio_error err;
    mxio_params *p = parse(&b, &err);
    CHECK(p != NULL);
    if (!p) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    mxio_array a;
    mxio_params_get(p, 0, &a);
    CHECK_EQ_INT(a.ndim, 0);
    CHECK_EQ_INT(a.is_none, 0);
    CHECK_EQ_INT(mxio_array_numel(&a), 1);
    CHECK_EQ_INT(a.nbytes, 8);
    mxio_params_get(p, 1, &a);
    CHECK_EQ_INT(a.is_none, 1);
    mxio_params_get(p, 2, &a);
    CHECK_EQ_INT(a.is_none, 1);
    mxio_params_get(p, 3, &a);
    CHECK_EQ_INT(a.is_none, 0);
    CHECK_EQ_INT(a.nbytes, 0);
    CHECK_EQ_INT(mxio_array_numel(&a), 0);
    check_roundtrip_equals(p, &b);
    /* MXIO_WRITE_V2 keeps the scalar V3 (V2 cannot say 0-d) and turns the rest into V2 */
    void *buf;
    size_t len;
    CHECK_EQ_INT(mxio_params_write_buffer(p, MXIO_WRITE_V2, &buf, &len, &err), MXIO_OK);
    mxio_params *q = NULL;
    CHECK_EQ_INT(mxio_params_read_buffer(buf, len, "v2", 0, &q, &err), MXIO_OK);
    if (q) {
        static const int want_rec[4] = {MXIO_RECORD_V3, MXIO_RECORD_V2, MXIO_RECORD_V2, MXIO_RECORD_V2};
        for (int i = 0; i < 4; i++) {
            mxio_params_get(q, (size_t)i, &a);
            CHECK_EQ_INT(a.record, want_rec[i]);
        }
        mxio_params_free(q);
    }
    mxio_free(buf);
    mxio_params_free(p);
}

static void sparse_file(bytes *b) {
    /* csr (2,3) with values {5,6} at (0,1),(1,2); row_sparse (4,2) with row 3 */
    float v[2] = {5, 6};
    int64_t indptr[3] = {0, 1, 2}, idx[2] = {1, 2}, rows[1] = {3};
    float rv[2] = {7, 8};
    header(b, 2);
    u32(b, 0xF993FAC9);
    u32(b, 2);
    int64_t ss[1] = {2}, sh[2] = {2, 3};
    shape64(b, 1, ss);
    shape64(b, 2, sh);
    ctx_type(b, 0);
    u32(b, 6);
    int64_t a0[1] = {3}, a1[1] = {2};
    shape64(b, 1, a0);
    u32(b, 6);
    shape64(b, 1, a1);
    raw(b, v, 8);
    raw(b, indptr, 24);
    raw(b, idx, 16);
    u32(b, 0xF993FAC9);
    u32(b, 1);
    int64_t rs[2] = {1, 2}, rsh[2] = {4, 2};
    shape64(b, 2, rs);
    shape64(b, 2, rsh);
    ctx_type(b, 0);
    u32(b, 6);
    int64_t r0[1] = {1};
    shape64(b, 1, r0);
    raw(b, rv, 8);
    raw(b, rows, 8);
    u64(b, 0);
}

static void test_sparse(void) {
    bytes b;
    sparse_file(&b);
    mxio_error err;
    mxio_params *p = parse(&b, &err);
    CHECK(p != NULL);
    if (!p) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    mxio_array a;
    mxio_params_get(p, 0, &a);
    CHECK_EQ_INT(a.storage, MXIO_STORAGE_CSR);
    CHECK_EQ_INT(a.num_aux, 2);
    CHECK_EQ_INT(a.nbytes, 8);
    CHECK_EQ_INT(a.aux_nbytes[0], 24);
    CHECK_EQ_INT(a.aux_nbytes[1], 16);
    mxio_params_get(p, 1, &a);
    CHECK_EQ_INT(a.storage, MXIO_STORAGE_ROW_SPARSE);
    CHECK_EQ_INT(a.storage_ndim, 2);
    CHECK_EQ_INT(a.aux_nbytes[0], 8);
    check_roundtrip_equals(p, &b);
    /* a copy built with append writes the same bytes */
    mxio_params *q = mxio_params_new();
    for (size_t i = 0; i < 2; i++) {
        mxio_params_get(p, i, &a);
        CHECK_EQ_INT(mxio_params_append(q, &a, &err), MXIO_OK);
    }
    check_roundtrip_equals(q, &b);
    mxio_params_free(q);
    mxio_params_free(p);
    /* inconsistent aux shape: indices length differs from the values */
    bytes bad = b;
    mxio__store_u64le(bad.d + 24 + 4 + 4 + 12 + 20 + 12 + 4 + 12 + 4 + 4, 3);
    p = parse(&bad, &err);
    CHECK(p == NULL);
    CHECK(err.code == MXIO_E_CORRUPT || err.code == MXIO_E_TRUNCATED);
    mxio_params_free(p);
}

static void test_truncation_everywhere(void) {
    bytes b;
    sparse_file(&b);
    for (size_t n = 0; n < b.n; n++) {
        mxio_error err;
        mxio_params *p = NULL;
        mxio_status st = mxio_params_read_buffer(b.d, n, "t.params", 0, &p, &err);
        CHECK_EQ_INT(st, MXIO_E_TRUNCATED);
        CHECK(p == NULL);
        CHECK_CONTAINS(err.message, "t.params");
    }
}

static void test_append_rules(void) {
    mxio_error err;
    mxio_params *p = mxio_params_new();
    CHECK_EQ_INT(mxio_params_has_names(p), 1);
    float v[4] = {1, 2, 3, 4};
    int64_t shape[2] = {2, 2};
    mxio_array a = {0};
    a.name = "arg:w";
    a.name_len = 5;
    a.dtype = MXIO_DTYPE_FLOAT32;
    a.ndim = 2;
    a.shape = shape;
    a.data = v;
    a.nbytes = 16;
    a.dev_type = 1;
    a.record = MXIO_RECORD_LEGACY;
    CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_E_EXISTS); /* duplicate name */
    a.name = "arg:x";
    a.nbytes = 12;
    CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_E_MISUSE); /* wrong byte count */
    CHECK_CONTAINS(err.message, "needs 16 bytes, 12 given");
    a.nbytes = 16;
    a.name = NULL;
    CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_E_MISUSE); /* mixing named and unnamed */
    a.name = "\xff";
    a.name_len = 1;
    CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_E_MISUSE); /* not UTF-8 */
    a.name = "s";
    a.ndim = 0;
    a.nbytes = 4;
    CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_OK); /* a scalar: written as V3 */
    CHECK_EQ_INT(mxio_params_count(p), 2);
    mxio_array got;
    mxio_params_get(p, 0, &got);
    CHECK_EQ_INT(got.record, MXIO_RECORD_V2); /* legacy upgraded */
    CHECK(got.data != (const void *)v);       /* copied */
    void *buf;
    size_t len;
    CHECK_EQ_INT(mxio_params_write_buffer(p, 0, &buf, &len, &err), MXIO_OK);
    mxio_params *q = NULL;
    CHECK_EQ_INT(mxio_params_read_buffer(buf, len, "built", 0, &q, &err), MXIO_OK);
    if (q) {
        mxio_params_get(q, 1, &got);
        CHECK_EQ_INT(got.record, MXIO_RECORD_V3);
        CHECK_EQ_INT(got.ndim, 0);
        CHECK_EQ_INT(mxio_params_find(q, "w"), 0);
        mxio_params_free(q);
    }
    mxio_free(buf);
    CHECK_EQ_INT(mxio_params_get(p, 5, &got), MXIO_E_MISUSE);
    mxio_params_free(p);
    mxio_params_free(NULL);
}

static void test_messages(void) {
    bytes b;
    header(&b, 1);
    u32(&b, 0xF993FAC9);
    u32(&b, 0);
    int64_t d[4] = {64, 3, 7, 7};
    shape64(&b, 4, d);
    ctx_type(&b, 0);
    memset(b.d + b.n, 0, 1024);
    b.n += 1024;
    mxio_error err;
    mxio_params *p = parse(&b, &err);
    CHECK(p == NULL);
    CHECK_EQ_INT(err.code, MXIO_E_TRUNCATED);
    CHECK_EQ_INT(err.array, 0);
    CHECK_EQ_INT(err.offset, 0x50);
    CHECK_EQ_STR(err.message, "crafted.params: array 0: values: shape (64,3,7,7) float32 needs 37632 bytes, "
                              "only 1024 remain at offset 0x50");
    /* a legacy record with too many dims is called out as a bad magic */
    header(&b, 1);
    u32(&b, 0xDEADBEEF);
    p = parse(&b, &err);
    CHECK(p == NULL);
    CHECK_EQ_INT(err.code, MXIO_E_CORRUPT);
    CHECK_CONTAINS(err.message, "0xdeadbeef");
}

static void test_render(void) {
    bytes b;
    float v[3] = {1, 2, 3};
    header(&b, 1);
    u32(&b, 0xF993FAC9);
    u32(&b, 0);
    int64_t d[1] = {3};
    shape64(&b, 1, d);
    ctx_type(&b, 0);
    raw(&b, v, 12);
    u64(&b, 1);
    u64(&b, 9);
    raw(&b, "aux:a\"b,c", 9);
    mxio_error err;
    mxio_params *p = parse(&b, &err);
    CHECK(p != NULL);
    if (!p) return;
    char *t;
    size_t n;
    CHECK_EQ_INT(mxio_params_render(p, MXIO_ELEMENT_ARRAY_ASSOCIATION, MXIO_TEXT_JSON, &t, &n, &err), MXIO_OK);
    CHECK_CONTAINS(t, "\"name\": \"a\\\"b,c\", \"role\": \"aux\", \"dtype\": \"float32\", \"shape\": [3]");
    CHECK_CONTAINS(t, "\"storage\": \"default\", \"record\": \"v2\", \"offset\": 24, \"nbytes\": 12");
    mxio_free(t);
    CHECK_EQ_INT(mxio_params_render(p, MXIO_ELEMENT_ARRAY_NAMES, MXIO_TEXT_CSV, &t, &n, &err), MXIO_OK);
    CHECK_EQ_STR(t, "name\n\"a\"\"b,c\"\n");
    mxio_free(t);
    CHECK_EQ_INT(mxio_params_render(p, MXIO_ELEMENT_ARRAY_LIST, MXIO_TEXT_TABLE, &t, &n, &err), MXIO_OK);
    CHECK_CONTAINS(t, "index  dtype    shape  bytes\n    0  float32  (3)       12\n");
    mxio_free(t);
    CHECK_EQ_INT(mxio_params_render(p, MXIO_ELEMENT_NODE_GRAPH, MXIO_TEXT_JSON, &t, &n, &err), MXIO_E_MISUSE);
    mxio_params_free(p);
}

static void test_files(void) {
    bytes b;
    sparse_file(&b);
    mxio_error err;
    mxio_params *p = parse(&b, &err), *q = NULL, *r = NULL;
    char path[] = "/tmp/mxio-test-params-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && p != NULL);
    if (fd < 0 || !p) return;
    close(fd);
    CHECK_EQ_INT(mxio_params_write_file(p, path, 0, &err), MXIO_E_EXISTS); /* never replaced silently */
    CHECK_EQ_INT(mxio_params_write_file(p, path, MXIO_WRITE_FORCE, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_params_read_file(path, MXIO_READ_COPY, &q, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_params_read_file(path, 0, &r, &err), MXIO_OK);
    if (q && r) {
        check_roundtrip_equals(q, &b);
        check_roundtrip_equals(r, &b);
        mxio_array a;
        mxio_params_get(r, 0, &a);
        CHECK_EQ_INT(a.file_offset, 24);
    }
    mxio_params_free(q);
    mxio_params_free(r);
    mxio_params_free(p);
    unlink(path);
    CHECK_EQ_INT(mxio_params_read_file("/nonexistent/x.params", 0, &q, &err), MXIO_E_NOT_FOUND);
    CHECK(q == NULL);
}

/* a file of tiny none records cannot make the reader keep more than MXIO_MAX_ARRAYS */
static void test_array_limit(void) {
    size_t n = (size_t)MXIO_MAX_ARRAYS + 1, len = 24 + 4 * n + 8;
    uint8_t *buf = calloc(len, 1);
    if (!buf) return;
    mxio__store_u64le(buf, 0x112);
    mxio__store_u64le(buf + 16, n);
    mxio_error err;
    mxio_params *p = NULL;
    CHECK_EQ_INT(mxio_params_read_buffer(buf, len, "many.params", 0, &p, &err), MXIO_E_LIMIT);
    CHECK_CONTAINS(err.message, "over the limit");
    /* a few thousand none records are fine, and write back as V2 none records */
    n = 3000;
    mxio__store_u64le(buf + 16, n);
    CHECK_EQ_INT(mxio_params_read_buffer(buf, 24 + 4 * n + 8, "none.params", 0, &p, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_params_count(p), 3000);
    mxio_params_free(p);
    free(buf);
}

/* the name index: growth through append, raw before short, first of equal short names */
static void test_find_index(void) {
    mxio_error err;
    mxio_params *p = mxio_params_new();
    float v = 1;
    int64_t shape[1] = {1};
    mxio_array a = {0};
    a.dtype = MXIO_DTYPE_FLOAT32;
    a.ndim = 1;
    a.shape = shape;
    a.data = &v;
    a.nbytes = 4;
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "%s:w%d", i % 2 ? "aux" : "arg", i / 2);
        a.name = name;
        a.name_len = strlen(name);
        CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_OK);
    }
    a.name = "w7";
    a.name_len = 2;
    CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_OK); /* raw "w7" differs from "arg:w7" */
    CHECK_EQ_INT(mxio_params_find(p, "aux:w3"), 7);
    CHECK_EQ_INT(mxio_params_find(p, "w3"), 6);   /* arg:w3 comes first in file order */
    CHECK_EQ_INT(mxio_params_find(p, "w7"), 1000); /* a raw match wins over short ones */
    CHECK_EQ_INT(mxio_params_find(p, "w500"), -1);
    a.name = "aux:w499";
    a.name_len = 8;
    CHECK_EQ_INT(mxio_params_append(p, &a, &err), MXIO_E_EXISTS);
    CHECK_CONTAINS(err.message, "also array 999");
    void *buf;
    size_t len;
    CHECK_EQ_INT(mxio_params_write_buffer(p, 0, &buf, &len, &err), MXIO_OK);
    mxio_params *q = NULL;
    CHECK_EQ_INT(mxio_params_read_buffer(buf, len, "idx", 0, &q, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_params_find(q, "w3"), 6);
    CHECK_EQ_INT(mxio_params_find(q, "w7"), 1000);
    CHECK_EQ_INT(mxio_params_find(q, "aux:w499"), 999);
    mxio_params_free(q);
    mxio_free(buf);
    mxio_params_free(p);
}

int main(void) {
    test_find_index();
    test_array_limit();
    test_files();
    test_dtypes();
    test_all_type_flags();
    test_legacy_and_v1();
    test_v3();
    test_sparse();
    test_truncation_everywhere();
    test_append_rules();
    test_messages();
    test_render();
    CHECK_DONE();
}
