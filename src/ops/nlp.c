/* nlp.c - attention and matrix-product ops of transformer models (GluonNLP BERT,
 * Sockeye). One record per op; see op.h. */
#include "op.h"

/* ---- shape rules ---------------------------------------------------------- */

static mxio_status out3(mxio__shape_ctx *c, int64_t a, int64_t b, int64_t d) {
    int64_t v[3] = {a, b, d};
    mxio__shape o;
    mxio__shape_make(&o, 3, v);
    return mxio__shape_assign_out(c, 0, &o);
}

static mxio_status heads_of(mxio__shape_ctx *c, int64_t *h) {
    if (!mxio__attr_int(c->attrs, "heads", h) || *h < 1)
        return mxio__shape_fail(c, "heads must be a positive integer");
    return MXIO_OK;
}

/* selfatt_qk: interleaved (T, N, 3*E) -> scores (N*heads, T, T). */
static mxio_status selfatt_qk_infer(mxio__shape_ctx *c) {
    int64_t h;
    mxio_status st = heads_of(c, &h);
    mxio__dtype_same(c);
    if (st || !mxio__shape_rank_known(&c->in[0])) return st;
    const mxio__shape *x = &c->in[0];
    if (x->ndim != 3) return mxio__shape_fail(c, "queries_keys_values must be (T, N, 3*E)");
    return out3(c, x->d[1] > 0 ? x->d[1] * h : 0, x->d[0], x->d[0]);
}

/* selfatt_valatt: (T, N, 3*E) with attention -> (T, N, E). */
static mxio_status selfatt_valatt_infer(mxio__shape_ctx *c) {
    int64_t h;
    mxio_status st = heads_of(c, &h);
    mxio__dtype_same(c);
    if (st || !mxio__shape_rank_known(&c->in[0])) return st;
    const mxio__shape *x = &c->in[0];
    if (x->ndim != 3) return mxio__shape_fail(c, "queries_keys_values must be (T, N, 3*E)");
    return out3(c, x->d[0], x->d[1], x->d[2] > 0 ? x->d[2] / 3 : 0);
}

/* encdec_qk: queries (Tq, N, E), keys_values (Tk, N, 2*E) -> (N*heads, Tq, Tk). */
static mxio_status encdec_qk_infer(mxio__shape_ctx *c) {
    int64_t h;
    mxio_status st = heads_of(c, &h);
    mxio__dtype_same(c);
    const mxio__shape *q = &c->in[0], *kv = &c->in[1];
    if (st || !mxio__shape_rank_known(q) || !mxio__shape_rank_known(kv)) return st;
    if (q->ndim != 3 || kv->ndim != 3) return mxio__shape_fail(c, "inputs must be 3-D");
    return out3(c, q->d[1] > 0 ? q->d[1] * h : 0, q->d[0], kv->d[0]);
}

/* encdec_valatt: keys_values (Tk, N, 2*E), attention (N*heads, Tq, Tk) -> (Tq, N, E). */
static mxio_status encdec_valatt_infer(mxio__shape_ctx *c) {
    int64_t h;
    mxio_status st = heads_of(c, &h);
    mxio__dtype_same(c);
    const mxio__shape *kv = &c->in[0], *att = &c->in[1];
    if (st || !mxio__shape_rank_known(kv) || !mxio__shape_rank_known(att)) return st;
    if (kv->ndim != 3 || att->ndim != 3) return mxio__shape_fail(c, "inputs must be 3-D");
    return out3(c, att->d[1], kv->d[1], kv->d[2] > 0 ? kv->d[2] / 2 : 0);
}

/* gemm2 (and gemm's product): matrices on the last two axes, batch axes in
 * front; other `axis` values are not inferred yet. */
static mxio_status gemm_product(mxio__shape_ctx *c, mxio__shape *o) {
    bool ta = false, tb = false;
    int64_t axis = -2;
    mxio__attr_bool(c->attrs, "transpose_a", &ta);
    mxio__attr_bool(c->attrs, "transpose_b", &tb);
    mxio__attr_int(c->attrs, "axis", &axis);
    const mxio__shape *a = &c->in[0], *b = &c->in[1];
    o->ndim = -1;
    if (!mxio__shape_rank_known(a) || !mxio__shape_rank_known(b)) return MXIO_OK;
    int n = a->ndim;
    if (n < 2 || b->ndim != n) return mxio__shape_fail(c, "A and B must have the same rank >= 2");
    if (axis != -2 && axis != n - 2) return MXIO_OK;
    int64_t k1 = ta ? a->d[n - 2] : a->d[n - 1], k2 = tb ? b->d[n - 1] : b->d[n - 2];
    if (k1 > 0 && k2 > 0 && k1 != k2) return mxio__shape_fail(c, "inner dims differ: %lld vs %lld", (long long)k1, (long long)k2);
    *o = *a;
    o->d[n - 2] = ta ? a->d[n - 1] : a->d[n - 2];
    o->d[n - 1] = tb ? b->d[n - 2] : b->d[n - 1];
    return MXIO_OK;
}

static mxio_status gemm2_infer(mxio__shape_ctx *c) {
    mxio__shape o;
    mxio__dtype_same(c);
    mxio_status st = gemm_product(c, &o);
    if (st || o.ndim < 0) return st;
    return mxio__shape_assign_out(c, 0, &o);
}

/* gemm: alpha*A*B + beta*C, so C and the output share the product's shape. */
static mxio_status gemm_infer(mxio__shape_ctx *c) {
    mxio__shape o;
    mxio__dtype_same(c);
    mxio_status st = gemm_product(c, &o);
    if (st) return st;
    if (o.ndim >= 0 && (st = mxio__shape_assign(c, &c->in[2], &o, "C"))) return st;
    return mxio__shape_assign_out(c, 0, &c->in[2]);
}

/* ---- _contrib_interleaved_matmul_selfatt_qk */
static const mxio__attr_spec contrib_interleaved_matmul_selfatt_qk_params[] = {
    {"heads", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_interleaved_matmul_selfatt_qk_inputs[] = {"queries_keys_values", NULL};

/* ---- _contrib_interleaved_matmul_selfatt_valatt */
static const mxio__attr_spec contrib_interleaved_matmul_selfatt_valatt_params[] = {
    {"heads", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_interleaved_matmul_selfatt_valatt_inputs[] = {"queries_keys_values", "attention", NULL};

/* ---- _contrib_interleaved_matmul_encdec_qk */
static const mxio__attr_spec contrib_interleaved_matmul_encdec_qk_params[] = {
    {"heads", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_interleaved_matmul_encdec_qk_inputs[] = {"queries", "keys_values", NULL};

/* ---- _contrib_interleaved_matmul_encdec_valatt */
static const mxio__attr_spec contrib_interleaved_matmul_encdec_valatt_params[] = {
    {"heads", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_interleaved_matmul_encdec_valatt_inputs[] = {"keys_values", "attention", NULL};

/* ---- _linalg_gemm */
static const mxio__attr_spec linalg_gemm_params[] = {
    {"transpose_a", MXIO__ATTR_BOOL, "False", NULL},
    {"transpose_b", MXIO__ATTR_BOOL, "False", NULL},
    {"alpha", MXIO__ATTR_FLOAT, "1", NULL},
    {"beta", MXIO__ATTR_FLOAT, "1", NULL},
    {"axis", MXIO__ATTR_INT, "-2", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const linalg_gemm_inputs[] = {"A", "B", "C", NULL};

/* ---- _linalg_gemm2 */
static const mxio__attr_spec linalg_gemm2_params[] = {
    {"transpose_a", MXIO__ATTR_BOOL, "False", NULL},
    {"transpose_b", MXIO__ATTR_BOOL, "False", NULL},
    {"alpha", MXIO__ATTR_FLOAT, "1", NULL},
    {"axis", MXIO__ATTR_INT, "-2", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const linalg_gemm2_inputs[] = {"A", "B", NULL};

/* ---- kernels (src/runtime) */
#include "../runtime/exec.h"

/* _linalg_gemm2: the kernel takes the matrices in the last two axes (axis -2). */
static mxio_status gemm2_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    bool ta = false, tb = false;
    double alpha = 1;
    int64_t axis = -2;
    mxio__attr_bool(r->attrs, "transpose_a", &ta);
    mxio__attr_bool(r->attrs, "transpose_b", &tb);
    mxio__attr_float(r->attrs, "alpha", &alpha);
    mxio__attr_int(r->attrs, "axis", &axis);
    if (axis != -2 && axis != r->in[0].ndim - 2)
        return mxio__bind_unsupported(r, err, "an axis other than -2 is");
    return mxio__k_linalg_gemm2_create(r->ctx, ta, tb, (float)alpha, r->in, k, err);
}

/* interleaved_matmul_selfatt_qk / _valatt (heads is required, as in MXNet). */
static mxio_status selfatt_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t heads = 0;
    if (!mxio__attr_int(r->attrs, "heads", &heads) || heads < 1)
        return mxio__bind_unsupported(r, err, "a missing or non-positive heads is");
    bool valatt = strcmp(r->attrs->op->name, "_contrib_interleaved_matmul_selfatt_valatt") == 0;
    return mxio__k_selfatt_create(r->ctx, valatt, heads, r->in, k, err);
}

/* _linalg_gemm: as _linalg_gemm2 plus beta * C. */
static mxio_status gemm_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    bool ta = false, tb = false;
    double alpha = 1, beta = 1;
    int64_t axis = -2;
    mxio__attr_bool(r->attrs, "transpose_a", &ta);
    mxio__attr_bool(r->attrs, "transpose_b", &tb);
    mxio__attr_float(r->attrs, "alpha", &alpha);
    mxio__attr_float(r->attrs, "beta", &beta);
    mxio__attr_int(r->attrs, "axis", &axis);
    if (axis != -2 && axis != r->in[0].ndim - 2)
        return mxio__bind_unsupported(r, err, "an axis other than -2 is");
    return mxio__k_linalg_gemm_create(r->ctx, ta, tb, (float)alpha, (float)beta, r->in, k, err);
}

/* interleaved_matmul_encdec_qk / _valatt (Sockeye 2). */
static mxio_status encdec_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t heads = 0;
    if (!mxio__attr_int(r->attrs, "heads", &heads) || heads < 1)
        return mxio__bind_unsupported(r, err, "a missing or non-positive heads is");
    bool valatt = strcmp(r->attrs->op->name, "_contrib_interleaved_matmul_encdec_valatt") == 0;
    return mxio__k_encdec_create(r->ctx, valatt, heads, r->in, k, err);
}

const mxio__op mxio__ops_nlp[] = {
    {.name = "_contrib_interleaved_matmul_selfatt_qk",
     .kernel = selfatt_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = selfatt_qk_infer,
     .params = contrib_interleaved_matmul_selfatt_qk_params,
     .inputs = contrib_interleaved_matmul_selfatt_qk_inputs},
    {.name = "_contrib_interleaved_matmul_selfatt_valatt",
     .kernel = selfatt_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = selfatt_valatt_infer,
     .params = contrib_interleaved_matmul_selfatt_valatt_params,
     .inputs = contrib_interleaved_matmul_selfatt_valatt_inputs},
    {.name = "_contrib_interleaved_matmul_encdec_qk",
     .kernel = encdec_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = encdec_qk_infer,
     .params = contrib_interleaved_matmul_encdec_qk_params,
     .inputs = contrib_interleaved_matmul_encdec_qk_inputs},
    {.name = "_contrib_interleaved_matmul_encdec_valatt",
     .kernel = encdec_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = encdec_valatt_infer,
     .params = contrib_interleaved_matmul_encdec_valatt_params,
     .inputs = contrib_interleaved_matmul_encdec_valatt_inputs},
    {.name = "_linalg_gemm",
     .kernel = gemm_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = gemm_infer,
     .aliases = (const char *const[]){"linalg_gemm", NULL},
     .params = linalg_gemm_params,
     .inputs = linalg_gemm_inputs},
    {.name = "_linalg_gemm2",
     .kernel = gemm2_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = gemm2_infer,
     .aliases = (const char *const[]){"linalg_gemm2", NULL},
     .params = linalg_gemm2_params,
     .inputs = linalg_gemm2_inputs},
    {0},
};
