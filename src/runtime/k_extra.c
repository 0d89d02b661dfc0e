/* k_extra.c - dot / batch_dot (oneDNN sgemm), reductions, SliceChannel,
 * broadcast_to / broadcast_axis / broadcast_like, hard_sigmoid, argmax, fills,
 * one_hot / take / pick, SequenceMask / SequenceLast, depth_to_space,
 * adaptive pooling, bilinear resize, and the shape-only ops (Reshape,
 * Flatten, expand_dims, squeeze) as a copy. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "runtime.h"

/* ---- dot / batch_dot ---------------------------------------------------------- */

typedef struct gemm_impl {
    int64_t batch, M, N, K;
    bool ta, tb;
    float alpha; /* 1 for dot / batch_dot */
    float beta;  /* _linalg_gemm's weight of C (third input); 0 otherwise */
} gemm_impl;

static mxio_status gemm_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const gemm_impl *g = k->impl;
    const float *a = in[0], *b = in[1];
    float *c = out[0];
    /* _linalg_gemm: C is copied into the output, which sgemm then scales by beta */
    if (k->nin == 3 && out[0] != in[2])
        memmove(c, in[2], (size_t)(g->batch * g->M * g->N) * sizeof(float));
    for (int64_t i = 0; i < g->batch; i++) {
        dnnl_status_t st = dnnl_sgemm(g->ta ? 'T' : 'N', g->tb ? 'T' : 'N', g->M, g->N, g->K, g->alpha,
                                      a + i * g->M * g->K, g->ta ? g->M : g->K,
                                      b + i * g->K * g->N, g->tb ? g->K : g->N, g->beta,
                                      c + i * g->M * g->N, g->N);
        if (st != dnnl_success)
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: oneDNN sgemm failed (status %d)",
                              k->op, (int)st);
    }
    return MXIO_OK;
}

mxio_status mxio__k_dot_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                               const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "dot";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *l = &in[0], *r = &in[1];
    if (l->ndim < 1 || r->ndim < 1 || l->ndim + r->ndim - 2 > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad ranks", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(gemm_impl), gemm_run, err);
    if (!k) return MXIO_E_NOMEM;
    gemm_impl *g = k->impl;
    g->batch = 1;
    g->alpha = 1.0f;
    g->ta = transpose_a;
    g->tb = transpose_b;
    int64_t kl, kr;
    mxio__tdesc *o = &k->out[0];
    o->ndim = 0;
    if (l->ndim == 1 && r->ndim == 1) { /* vector . vector -> (1,) */
        if (transpose_a || transpose_b) goto bad;
        g->M = g->N = 1;
        kl = kr = l->dims[0];
        o->ndim = 1;
        o->dims[0] = 1;
    } else {
        /* MXNet's DotShape: lhs is (mxio__rt_prod(leading), last), or (first, mxio__rt_prod(rest))
         * when transposed; rhs is (first, mxio__rt_prod(rest)), or (mxio__rt_prod(leading), last). */
        if (transpose_a) {
            kl = l->dims[0];
            g->M = mxio__rt_prod(l->dims, 1, l->ndim);
            if (l->ndim > 1)
                for (int i = 1; i < l->ndim; i++) o->dims[o->ndim++] = l->dims[i];
        } else {
            kl = l->dims[l->ndim - 1];
            g->M = mxio__rt_prod(l->dims, 0, l->ndim - 1);
            if (l->ndim > 1)
                for (int i = 0; i < l->ndim - 1; i++) o->dims[o->ndim++] = l->dims[i];
        }
        if (transpose_b) {
            kr = r->dims[r->ndim - 1];
            g->N = mxio__rt_prod(r->dims, 0, r->ndim - 1);
            if (r->ndim > 1)
                for (int i = 0; i < r->ndim - 1; i++) o->dims[o->ndim++] = r->dims[i];
        } else {
            kr = r->dims[0];
            g->N = mxio__rt_prod(r->dims, 1, r->ndim);
            if (r->ndim > 1)
                for (int i = 1; i < r->ndim; i++) o->dims[o->ndim++] = r->dims[i];
        }
    }
    if (kl != kr) goto bad;
    g->K = kl;
    return mxio__rt_kernel_done(k, out, err);
bad:
    mxio__kernel_free(k);
    return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: shapes do not contract", op);
}

static mxio_status batched_gemm(const char *op, int min_rank, bool transpose_a, bool transpose_b,
                                float alpha, int nin, float beta, const mxio__tdesc *in,
                                mxio__kernel **out, mxio_error *err) {
    mxio_status st = mxio__rt_check_plain_f32(op, nin, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *l = &in[0], *r = &in[1];
    int nd = l->ndim;
    bool ok = nd >= min_rank && r->ndim == nd;
    for (int i = 0; ok && i < nd - 2; i++) ok = l->dims[i] == r->dims[i];
    if (!ok) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs (B..., M, K) x (B..., K, N)", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, nin, in, sizeof(gemm_impl), gemm_run, err);
    if (!k) return MXIO_E_NOMEM;
    gemm_impl *g = k->impl;
    g->ta = transpose_a;
    g->tb = transpose_b;
    g->alpha = alpha;
    g->beta = beta;
    g->batch = mxio__rt_prod(l->dims, 0, nd - 2);
    g->M = l->dims[nd - (transpose_a ? 1 : 2)];
    g->K = l->dims[nd - (transpose_a ? 2 : 1)];
    g->N = r->dims[nd - (transpose_b ? 2 : 1)];
    if (r->dims[nd - (transpose_b ? 1 : 2)] != g->K) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: shapes do not contract", op);
    }
    k->out[0].dims[nd - 2] = g->M;
    k->out[0].dims[nd - 1] = g->N;
    if (nin == 3) {
        bool same = in[2].ndim == nd;
        for (int i = 0; same && i < nd; i++) same = in[2].dims[i] == k->out[0].dims[i];
        if (!same) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: C must have the product's shape", op);
        }
        k->in_place_ok = false;
    }
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_batch_dot_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    return batched_gemm("batch_dot", 3, transpose_a, transpose_b, 1.0f, 2, 0.0f, in, out, err);
}

mxio_status mxio__k_linalg_gemm2_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                                        float alpha, const mxio__tdesc *in, mxio__kernel **out,
                                        mxio_error *err) {
    return batched_gemm("_linalg_gemm2", 2, transpose_a, transpose_b, alpha, 2, 0.0f, in, out, err);
}

mxio_status mxio__k_linalg_gemm_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                                       float alpha, float beta, const mxio__tdesc *in,
                                       mxio__kernel **out, mxio_error *err) {
    return batched_gemm("_linalg_gemm", 2, transpose_a, transpose_b, alpha, 3, beta, in, out, err);
}

/* ---- interleaved self-attention matmuls ---------------------------------------------- */

typedef struct att_impl {
    int64_t T, batches, hd;
    bool valatt;
} att_impl;

static mxio_status att_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const att_impl *q = k->impl;
    const float *qkv = in[0];
    float *y = out[0];
    const int64_t T = q->T, B = q->batches, hd = q->hd, lead = B * 3 * hd;
    for (int64_t b = 0; b < B; b++) {
        const float *qb = qkv + b * 3 * hd;
        dnnl_status_t st;
        if (!q->valatt) {
            float scale = (float)(1.0 / sqrt((float)hd));
            st = dnnl_sgemm('N', 'T', T, T, hd, scale, qb, lead, qb + hd, lead, 0.0f, y + b * T * T, T);
        } else {
            const float *att = (const float *)in[1] + b * T * T;
            st = dnnl_sgemm('N', 'N', T, hd, T, 1.0f, att, T, qb + 2 * hd, lead, 0.0f, y + b * hd, B * hd);
        }
        if (st != dnnl_success)
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: oneDNN sgemm failed", k->op);
    }
    return MXIO_OK;
}

mxio_status mxio__k_selfatt_create(const mxio__rt_ctx *ctx, bool valatt, int64_t heads,
                                   const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = valatt ? "interleaved_matmul_selfatt_valatt" : "interleaved_matmul_selfatt_qk";
    mxio_status st = mxio__rt_check_plain_f32(op, valatt ? 2 : 1, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim != 3 || heads < 1 || in[0].dims[2] % (3 * heads))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: qkv must be (T, N, 3*heads*d)", op);
    int64_t T = in[0].dims[0], N = in[0].dims[1], hd = in[0].dims[2] / 3 / heads;
    if (valatt && (in[1].ndim != 3 || in[1].dims[0] != N * heads || in[1].dims[1] != T || in[1].dims[2] != T))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: attention must be (N*heads, T, T)", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, valatt ? 2 : 1, in, sizeof(att_impl), att_run, err);
    if (!k) return MXIO_E_NOMEM;
    att_impl *q = k->impl;
    q->T = T, q->batches = N * heads, q->hd = hd, q->valatt = valatt;
    if (valatt) {
        int64_t od[3] = {T, N, heads * hd};
        mxio__tdesc_plain(&k->out[0], 3, od);
    } else {
        int64_t od[3] = {N * heads, T, T};
        mxio__tdesc_plain(&k->out[0], 3, od);
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- interleaved encoder-decoder attention matmuls (Sockeye 2) ------------------------ */

typedef struct encdec_impl {
    int64_t Tq, Tk, batches, hd;
    bool valatt;
} encdec_impl;

/* Attention batch b = sequence * heads + head sits at column b*hd of the queries
 * (Tq, N, H*hd) and at b*2*hd of keys_values (Tk, N, 2*H*hd), keys before values
 * (MXNet's InterleavedMatMulEncDec*CPU strides). */
static mxio_status encdec_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                              void *const *out, void *scratch, mxio_error *err) {
    const encdec_impl *q = k->impl;
    const int64_t Tq = q->Tq, Tk = q->Tk, B = q->batches, hd = q->hd;
    float *y = out[0];
    for (int64_t b = 0; b < B; b++) {
        dnnl_status_t st;
        if (!q->valatt) {
            const float *qs = (const float *)in[0] + b * hd, *ks = (const float *)in[1] + b * 2 * hd;
            float scale = 1.0f / sqrtf((float)hd);
            st = dnnl_sgemm('N', 'T', Tq, Tk, hd, scale, qs, B * hd, ks, 2 * B * hd, 0.0f,
                            y + b * Tq * Tk, Tk);
        } else {
            const float *vs = (const float *)in[0] + b * 2 * hd + hd;
            const float *att = (const float *)in[1] + b * Tq * Tk;
            st = dnnl_sgemm('N', 'N', Tq, hd, Tk, 1.0f, att, Tk, vs, 2 * B * hd, 0.0f, y + b * hd, B * hd);
        }
        if (st != dnnl_success)
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: oneDNN sgemm failed", k->op);
    }
    return MXIO_OK;
}

mxio_status mxio__k_encdec_create(const mxio__rt_ctx *ctx, bool valatt, int64_t heads,
                                  const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = valatt ? "interleaved_matmul_encdec_valatt" : "interleaved_matmul_encdec_qk";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim != 3 || in[1].ndim != 3 || heads < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: inputs must be 3-D", op);
    encdec_impl v = {.valatt = valatt};
    int64_t od[3];
    if (!valatt) { /* queries (Tq, N, E), keys_values (Tk, N, 2E) */
        int64_t E = in[0].dims[2];
        if (E % heads || in[1].dims[2] != 2 * E || in[1].dims[1] != in[0].dims[1])
            return mxio__fail(err, MXIO_E_SHAPE,
                              "runtime: %s: need queries (Tq, N, heads*d) and keys_values (Tk, N, 2*heads*d)", op);
        v.Tq = in[0].dims[0], v.Tk = in[1].dims[0], v.hd = E / heads, v.batches = in[0].dims[1] * heads;
        od[0] = v.batches, od[1] = v.Tq, od[2] = v.Tk;
    } else { /* keys_values (Tk, N, 2E), attention (N*heads, Tq, Tk) */
        int64_t E2 = in[0].dims[2];
        if (E2 % (2 * heads) || in[1].dims[0] != in[0].dims[1] * heads || in[1].dims[2] != in[0].dims[0])
            return mxio__fail(err, MXIO_E_SHAPE,
                              "runtime: %s: need keys_values (Tk, N, 2*heads*d) and attention (N*heads, Tq, Tk)", op);
        v.Tk = in[0].dims[0], v.Tq = in[1].dims[1], v.hd = E2 / 2 / heads, v.batches = in[1].dims[0];
        od[0] = v.Tq, od[1] = in[0].dims[1], od[2] = E2 / 2;
    }
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(encdec_impl), encdec_run, err);
    if (!k) return MXIO_E_NOMEM;
    *(encdec_impl *)k->impl = v;
    mxio__tdesc_plain(&k->out[0], 3, od);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- reductions --------------------------------------------------------------- */

typedef struct red_impl {
    mxio__reduce_op op;
    int ndim;                               /* after merging: alternating kept/reduced runs */
    int64_t dims[MXIO__RT_MAX_DIMS];
    bool reduced[MXIO__RT_MAX_DIMS];
    int64_t count;                          /* elements reduced into one output */
} red_impl;

static mxio_status red_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const red_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    int64_t nout = mxio__tdesc_numel(&k->out[0]);
    double init = q->op == MXIO__RED_MAX ? -INFINITY : q->op == MXIO__RED_MIN ? INFINITY
                  : q->op == MXIO__RED_PROD || q->op == MXIO__RED_NANPROD ? 1.0 : 0.0;
    double *acc = scratch;
    for (int64_t i = 0; i < nout; i++) acc[i] = init;
    /* Walk the input once in order; the output index skips reduced axes. */
    int64_t ost[MXIO__RT_MAX_DIMS], s = 1;
    for (int d = q->ndim - 1; d >= 0; d--) {
        ost[d] = q->reduced[d] ? 0 : s;
        if (!q->reduced[d]) s *= q->dims[d];
    }
    int64_t total = mxio__rt_prod(q->dims, 0, q->ndim), idx[MXIO__RT_MAX_DIMS] = {0}, o = 0;
    for (int64_t i = 0; i < total; i++) {
        double v = x[i];
        switch (q->op) {
        case MXIO__RED_SUM:
        case MXIO__RED_MEAN: acc[o] += v; break;
        case MXIO__RED_PROD: acc[o] *= v; break;
        case MXIO__RED_MAX: if (v > acc[o] || v != v) acc[o] = v; break;
        case MXIO__RED_MIN: if (v < acc[o] || v != v) acc[o] = v; break;
        case MXIO__RED_NORM: acc[o] += v * v; break;
        case MXIO__RED_NANSUM: if (v == v) acc[o] += v; break;
        case MXIO__RED_NANPROD: if (v == v) acc[o] *= v; break;
        }
        for (int d = q->ndim - 1; d >= 0; d--) {
            o += ost[d];
            if (++idx[d] < q->dims[d]) break;
            o -= ost[d] * q->dims[d];
            idx[d] = 0;
        }
    }
    for (int64_t i = 0; i < nout; i++)
        y[i] = (float)(q->op == MXIO__RED_MEAN ? acc[i] / (double)q->count
                       : q->op == MXIO__RED_NORM ? sqrt(acc[i]) : acc[i]);
    return MXIO_OK;
}

mxio_status mxio__k_reduce_create(const mxio__rt_ctx *ctx, const mxio__reduce_params *p,
                                  const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "reduce";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    int nd = data->ndim;
    bool red[MXIO__RT_MAX_DIMS] = {0};
    for (int i = 0; i < p->naxes; i++) {
        int a = mxio__rt_axis(p->axes[i], nd);
        if (a < 0 || a >= nd || red[a])
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range or repeated", op,
                              p->axes[i]);
        red[a] = true;
    }
    for (int d = 0; d < nd; d++) {
        if (p->naxes == 0) red[d] = true;
        else if (p->exclude) red[d] = !red[d];
    }
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(red_impl), red_run, err);
    if (!k) return MXIO_E_NOMEM;
    red_impl *q = k->impl;
    q->op = p->op;
    q->count = 1;
    mxio__tdesc *o = &k->out[0];
    o->ndim = 0;
    for (int d = 0; d < nd; d++) {
        q->dims[q->ndim] = data->dims[d];
        q->reduced[q->ndim++] = red[d];
        if (red[d]) q->count *= data->dims[d];
        if (!red[d]) o->dims[o->ndim++] = data->dims[d];
        else if (p->keepdims) o->dims[o->ndim++] = 1;
    }
    if (o->ndim == 0) { /* MXNet returns shape (1,) for a full reduction */
        o->ndim = 1;
        o->dims[0] = 1;
    }
    int64_t nout = mxio__tdesc_numel(o);
    k->scratch_bytes = nout > 0 ? (size_t)nout * sizeof(double) : sizeof(double);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- n inputs copied to n outputs (amp_multicast of one dtype) ------------------------ */

static mxio_status copies_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                              void *const *out, void *scratch, mxio_error *err) {
    for (int i = 0; i < k->nin; i++)
        if (out[i] != in[i]) memcpy(out[i], in[i], mxio__tdesc_bytes(&k->in[i]));
    return MXIO_OK;
}

mxio_status mxio__k_copies_create(const mxio__rt_ctx *ctx, const char *op, int n, const mxio__tdesc *in,
                                  mxio__kernel **out, mxio_error *err) {
    if (n < 1 || n > MXIO__RT_MAX_IO)
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: %d inputs", op, n);
    for (int i = 0; i < n; i++)
        if (in[i].layout != MXIO__LAYOUT_PLAIN || mxio__rt_dtype_size(in[i].dtype) == 0)
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s input %d: need a plain tensor", op, i);
    mxio__kernel *k = mxio__kernel_new_unary(op, n, in, 0, copies_run, err);
    if (!k) return MXIO_E_NOMEM;
    if (!mxio__kernel_set_nout(k, n)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
    }
    for (int i = 0; i < n; i++) k->out[i] = in[i];
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- SliceChannel / split ------------------------------------------------------- */

typedef struct split_impl {
    int64_t outer, piece; /* contiguous floats of one output per outer step */
} split_impl;

static mxio_status split_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    const split_impl *q = k->impl;
    const float *x = in[0];
    for (int64_t o = 0; o < q->outer; o++)
        for (int j = 0; j < k->nout; j++)
            memcpy((float *)out[j] + o * q->piece, x + (o * k->nout + j) * q->piece,
                   (size_t)q->piece * sizeof(float));
    return MXIO_OK;
}

mxio_status mxio__k_split_create(const mxio__rt_ctx *ctx, int num_outputs, int axis,
                                 bool squeeze_axis, const mxio__tdesc *data, mxio__kernel **out,
                                 mxio_error *err) {
    const char *op = "SliceChannel";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    int a = mxio__rt_axis(axis, data->ndim);
    if (a < 0 || a >= data->ndim || num_outputs < 1 || num_outputs > MXIO__RT_MAX_IO ||
        data->dims[a] % num_outputs || (squeeze_axis && data->dims[a] != num_outputs))
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: axis %d of size %lld does not split into %d%s", op, axis,
                          a >= 0 && a < data->ndim ? (long long)data->dims[a] : -1LL, num_outputs,
                          squeeze_axis ? " unit pieces" : "");
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(split_impl), split_run, err);
    if (!k) return MXIO_E_NOMEM;
    split_impl *q = k->impl;
    q->outer = mxio__rt_prod(data->dims, 0, a);
    q->piece = data->dims[a] / num_outputs * mxio__rt_prod(data->dims, a + 1, data->ndim);
    if (!mxio__kernel_set_nout(k, num_outputs)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
    }
    mxio__tdesc o = *data;
    o.dims[a] /= num_outputs;
    if (squeeze_axis) {
        for (int d = a; d < o.ndim - 1; d++) o.dims[d] = o.dims[d + 1];
        o.ndim--;
    }
    for (int j = 0; j < num_outputs; j++) k->out[j] = o;
    return mxio__rt_kernel_done(k, out, err);
}

typedef struct split2_impl {
    int64_t outer, inner, axis_len;
    int64_t start[MXIO__RT_MAX_IO], len[MXIO__RT_MAX_IO];
} split2_impl;

static mxio_status split2_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                              void *const *out, void *scratch, mxio_error *err) {
    const split2_impl *q = k->impl;
    const float *x = in[0];
    for (int64_t o = 0; o < q->outer; o++)
        for (int j = 0; j < k->nout; j++)
            memcpy((float *)out[j] + o * q->len[j] * q->inner,
                   x + (o * q->axis_len + q->start[j]) * q->inner,
                   (size_t)(q->len[j] * q->inner) * sizeof(float));
    return MXIO_OK;
}

mxio_status mxio__k_split_v2_create(const mxio__rt_ctx *ctx, int npoints, const int64_t *points,
                                    int sections, int axis, bool squeeze_axis,
                                    const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "_split_v2";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    int a = mxio__rt_axis(axis, data->ndim);
    if (a < 0 || a >= data->ndim) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d", op, axis);
    int64_t L = data->dims[a];
    int n = sections > 0 ? sections : npoints;
    if (n < 1 || n > MXIO__RT_MAX_IO || (sections > 0 && L % sections))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d pieces of an axis of %lld", op, n, (long long)L);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(split2_impl), split2_run, err);
    if (!k) return MXIO_E_NOMEM;
    split2_impl *q = k->impl;
    q->outer = mxio__rt_prod(data->dims, 0, a);
    q->inner = mxio__rt_prod(data->dims, a + 1, data->ndim);
    q->axis_len = L;
    for (int j = 0; j < n; j++) {
        q->start[j] = sections > 0 ? j * (L / sections) : points[j];
        int64_t end = sections > 0 ? (j + 1) * (L / sections) : j + 1 < n ? points[j + 1] : L;
        q->len[j] = end - q->start[j];
        if (q->start[j] < 0 || end > L || q->len[j] < 0 || (squeeze_axis && q->len[j] != 1)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: piece %d [%lld, %lld) does not fit", op, j,
                              (long long)q->start[j], (long long)end);
        }
    }
    if (!mxio__kernel_set_nout(k, n)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    for (int j = 0; j < n; j++) {
        mxio__tdesc o = *data;
        o.dims[a] = q->len[j];
        if (squeeze_axis) {
            for (int d = a; d < o.ndim - 1; d++) o.dims[d] = o.dims[d + 1];
            o.ndim--;
        }
        k->out[j] = o;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- broadcast_to / broadcast_axis / broadcast_like ------------------------------- */

typedef struct bcast_impl {
    int ndim;
    int64_t dims[MXIO__RT_MAX_DIMS], st[MXIO__RT_MAX_DIMS];
} bcast_impl;

static mxio_status bcast_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    const bcast_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    int64_t total = mxio__rt_prod(q->dims, 0, q->ndim), idx[MXIO__RT_MAX_DIMS] = {0}, off = 0;
    for (int64_t i = 0; i < total; i++) {
        y[i] = x[off];
        for (int d = q->ndim - 1; d >= 0; d--) {
            off += q->st[d];
            if (++idx[d] < q->dims[d]) break;
            off -= q->st[d] * q->dims[d];
            idx[d] = 0;
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_broadcast_to_create(const mxio__rt_ctx *ctx, int ndim, const int64_t *shape,
                                        int nin, const mxio__tdesc *in, mxio__kernel **out,
                                        mxio_error *err) {
    const char *op = "broadcast_to";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *x = &in[0];
    if (ndim != x->ndim)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: target rank %d for %d-D data", op, ndim, x->ndim);
    mxio__kernel *k = mxio__kernel_new_unary(op, nin, in, sizeof(bcast_impl), bcast_run, err);
    if (!k) return MXIO_E_NOMEM;
    bcast_impl *q = k->impl;
    q->ndim = ndim;
    int64_t s = 1;
    for (int d = ndim - 1; d >= 0; d--) {
        int64_t want = shape[d] == 0 ? x->dims[d] : shape[d]; /* 0 keeps the input's size */
        if (x->dims[d] != want && x->dims[d] != 1) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d of size %lld cannot become %lld",
                              op, d, (long long)x->dims[d], (long long)want);
        }
        q->dims[d] = want;
        q->st[d] = x->dims[d] == 1 ? 0 : s;
        s *= x->dims[d];
        k->out[0].dims[d] = want;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- hard_sigmoid ------------------------------------------------------------------ */

typedef struct hs_impl {
    float alpha, beta;
    int64_t n;
} hs_impl;

static mxio_status hs_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                          void *const *out, void *scratch, mxio_error *err) {
    const hs_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    for (int64_t i = 0; i < q->n; i++) y[i] = fmaxf(0.0f, fminf(1.0f, q->alpha * x[i] + q->beta));
    return MXIO_OK;
}

mxio_status mxio__k_hard_sigmoid_create(const mxio__rt_ctx *ctx, float alpha, float beta,
                                        const mxio__tdesc *data, mxio__kernel **out,
                                        mxio_error *err) {
    int64_t count;
    bool keeps_zero = fmaxf(0.0f, fminf(1.0f, beta)) == 0.0f;
    mxio_status st = mxio__rt_elementwise_count("hard_sigmoid", 1, data, keeps_zero, &count, err);
    if (st != MXIO_OK) return st;
    mxio__kernel *k = mxio__kernel_new_unary("hard_sigmoid", 1, data, sizeof(hs_impl), hs_run, err);
    if (!k) return MXIO_E_NOMEM;
    hs_impl *q = k->impl;
    q->alpha = alpha, q->beta = beta, q->n = count;
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- Reshape / Flatten / expand_dims / squeeze -------------------------------------- */

static mxio_status copy_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    if (in[0] != out[0]) memcpy(out[0], in[0], mxio__tdesc_bytes(&k->in[0]));
    return MXIO_OK;
}

mxio_status mxio__k_reshape_create(const mxio__rt_ctx *ctx, int ndim, const int64_t *dims,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "Reshape";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (ndim < 0 || ndim > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: rank %d", op, ndim);
    mxio__tdesc o;
    mxio__tdesc_plain(&o, ndim, dims);
    if (mxio__tdesc_numel(&o) != mxio__tdesc_numel(data))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: element counts differ", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, 0, copy_run, err);
    if (!k) return MXIO_E_NOMEM;
    k->out[0] = o;
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- argmax / argmin ------------------------------------------------------------- */

typedef struct arg_impl {
    bool is_min;
    int64_t outer, n, inner;
} arg_impl;

static mxio_status arg_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const arg_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    for (int64_t o = 0; o < q->outer; o++)
        for (int64_t i = 0; i < q->inner; i++) {
            const float *xp = x + o * q->n * q->inner + i;
            int64_t best = 0;
            for (int64_t j = 1; j < q->n; j++) {
                float v = xp[j * q->inner], b = xp[best * q->inner];
                if (q->is_min ? v < b : v > b) best = j;
            }
            y[o * q->inner + i] = (float)best;
        }
    return MXIO_OK;
}

mxio_status mxio__k_argmax_create(const mxio__rt_ctx *ctx, bool is_min, bool axis_none, int axis,
                                  bool keepdims, const mxio__tdesc *data, mxio__kernel **out,
                                  mxio_error *err) {
    const char *op = is_min ? "argmin" : "argmax";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    int a = mxio__rt_axis(axis, data->ndim);
    if (!axis_none && (a < 0 || a >= data->ndim))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, axis);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(arg_impl), arg_run, err);
    if (!k) return MXIO_E_NOMEM;
    arg_impl *q = k->impl;
    q->is_min = is_min;
    mxio__tdesc *o = &k->out[0];
    if (axis_none) {
        q->outer = q->inner = 1;
        q->n = mxio__tdesc_numel(data);
        o->ndim = keepdims ? data->ndim : 1;
        for (int d = 0; d < o->ndim; d++) o->dims[d] = 1;
    } else {
        q->outer = mxio__rt_prod(data->dims, 0, a);
        q->n = data->dims[a];
        q->inner = mxio__rt_prod(data->dims, a + 1, data->ndim);
        if (keepdims) {
            o->dims[a] = 1;
        } else {
            for (int d = a; d < o->ndim - 1; d++) o->dims[d] = o->dims[d + 1];
            o->ndim--;
            if (o->ndim == 0) o->ndim = 1, o->dims[0] = 1;
        }
    }
    if (q->n == 0) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: empty axis", op);
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- zeros_like / ones_like ------------------------------------------------------- */

static mxio_status fill_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    float v = *(const float *)k->impl, *y = out[0];
    int64_t n = mxio__tdesc_numel(&k->out[0]);
    for (int64_t i = 0; i < n; i++) y[i] = v;
    return MXIO_OK;
}

mxio_status mxio__k_fill_like_create(const mxio__rt_ctx *ctx, float value, const mxio__tdesc *data,
                                     mxio__kernel **out, mxio_error *err) {
    mxio_status st = mxio__rt_check_plain_f32("fill", 1, data, err);
    if (st != MXIO_OK) return st;
    mxio__kernel *k = mxio__kernel_new_unary(value == 0.0f ? "zeros_like" : "ones_like", 1, data, sizeof(float),
                                 fill_run, err);
    if (!k) return MXIO_E_NOMEM;
    *(float *)k->impl = value;
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- _zeros / _ones / _full / _arange (no inputs) ------------------------------------ */

typedef struct src_impl {
    float value, start, step;
    int64_t repeat;
    bool range;
    mxio_dtype dtype; /* FLOAT32: value/start/step above; else the d* fields */
    double dstart, dstep;
} src_impl;

/* Value i of a source in a dtype other than float32 (see mxio__k_source_create). */
static void src_store(const src_impl *q, void *y, int64_t i) {
    int64_t j = q->range ? i / q->repeat : 0;
    switch (q->dtype) {
    case MXIO_DTYPE_FLOAT64: ((double *)y)[i] = q->dstart + (double)j * q->dstep; break;
    case MXIO_DTYPE_FLOAT16: mxio__rt_store_value(y, q->dtype, i, q->dstart + (double)j * q->dstep); break;
    case MXIO_DTYPE_BFLOAT16: {
        /* mshadow's bf16_t keeps the float's high half (truncates) */
        float f = (float)(q->dstart + (double)j * q->dstep);
        uint32_t b;
        memcpy(&b, &f, sizeof b);
        ((uint16_t *)y)[i] = (uint16_t)(b >> 16);
        break;
    }
    case MXIO_DTYPE_BOOL: ((uint8_t *)y)[i] = q->dstart != 0; break;
    default: {
        /* integer arithmetic in int64 (C++ promotes the int8/int32/uint8 operands),
         * wrapped into the dtype on the store like MXNet's assignment */
        uint64_t v = (uint64_t)(int64_t)q->dstart + (uint64_t)j * (uint64_t)(int64_t)q->dstep;
        switch (q->dtype) {
        case MXIO_DTYPE_UINT8: ((uint8_t *)y)[i] = (uint8_t)v; break;
        case MXIO_DTYPE_INT8: ((int8_t *)y)[i] = (int8_t)(uint8_t)v; break;
        case MXIO_DTYPE_INT32: ((int32_t *)y)[i] = (int32_t)(uint32_t)v; break;
        default: ((int64_t *)y)[i] = (int64_t)v; break;
        }
    }
    }
}

static mxio_status src_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const src_impl *q = k->impl;
    int64_t n = mxio__tdesc_numel(&k->out[0]);
    if (q->dtype != MXIO_DTYPE_FLOAT32) {
        for (int64_t i = 0; i < n; i++) src_store(q, out[0], i);
        return MXIO_OK;
    }
    float *y = out[0];
    if (q->range)
        for (int64_t i = 0; i < n; i++) y[i] = q->start + (float)(i / q->repeat) * q->step;
    else
        for (int64_t i = 0; i < n; i++) y[i] = q->value;
    return MXIO_OK;
}

static mxio_status src_make(const char *op, int ndim, const int64_t *dims, const src_impl *v,
                            mxio__kernel **out, mxio_error *err) {
    if (ndim < 0 || ndim > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: rank %d", op, ndim);
    for (int d = 0; d < ndim; d++)
        if (dims[d] < 0) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: unknown dim %d", op, d);
    mxio__kernel *k = mxio__kernel_new(op, 0, NULL, sizeof(src_impl));
    if (!k) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
    k->run = src_run;
    k->destroy = mxio__kernel_default_destroy;
    *(src_impl *)k->impl = *v;
    mxio__tdesc_plain(&k->out[0], ndim, dims);
    k->out[0].dtype = v->dtype;
    return mxio__rt_kernel_done(k, out, err);
}

/* MXNet's static_cast<DType>(x) of a double parameter; integer dtypes keep
 * the truncated value (wrapped when stored). */
static double src_cast(mxio_dtype t, double x) {
    switch (t) {
    case MXIO_DTYPE_FLOAT32: return (float)x;
    case MXIO_DTYPE_FLOAT64:
    case MXIO_DTYPE_FLOAT16:  /* rounded when stored */
    case MXIO_DTYPE_BFLOAT16: return x;
    case MXIO_DTYPE_BOOL: return x != 0;
    default: return x != x ? 0 : x <= -9.2e18 ? -9.2e18 : x >= 9.2e18 ? 9.2e18 : trunc(x);
    }
}

mxio_status mxio__k_source_create(const mxio__rt_ctx *ctx, mxio_dtype dtype, int ndim,
                                  const int64_t *dims, bool range, double start, double step,
                                  int64_t repeat, mxio__kernel **out, mxio_error *err) {
    const char *op = range ? "_arange" : "_full";
    switch (dtype) {
    case MXIO_DTYPE_FLOAT32: case MXIO_DTYPE_FLOAT64: case MXIO_DTYPE_FLOAT16: case MXIO_DTYPE_BFLOAT16:
    case MXIO_DTYPE_UINT8: case MXIO_DTYPE_INT8: case MXIO_DTYPE_INT32: case MXIO_DTYPE_INT64: break;
    case MXIO_DTYPE_BOOL:
        if (!range) break;
        /* fallthrough */
    default: return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: dtype %d", op, (int)dtype);
    }
    if (range && repeat < 1) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: repeat %lld", op, (long long)repeat);
    if (range && (dtype == MXIO_DTYPE_UINT8 || dtype == MXIO_DTYPE_FLOAT16 || dtype == MXIO_DTYPE_BFLOAT16)) {
        /* std::is_signed is false for these: MXNet casts through index_t */
        start = src_cast(MXIO_DTYPE_INT64, start);
        step = src_cast(MXIO_DTYPE_INT64, step);
    }
    src_impl v = {.range = range, .repeat = range ? repeat : 1, .dtype = dtype,
                  .dstart = src_cast(dtype, start), .dstep = range ? src_cast(dtype, step) : 0};
    if (dtype == MXIO_DTYPE_FLOAT32) {
        v.value = v.start = (float)start;
        v.step = (float)step;
    }
    return src_make(op, ndim, dims, &v, out, err);
}

mxio_status mxio__k_full_create(const mxio__rt_ctx *ctx, int ndim, const int64_t *dims, float value,
                                mxio__kernel **out, mxio_error *err) {
    src_impl v = {.value = value, .dtype = MXIO_DTYPE_FLOAT32};
    return src_make(value == 0.0f ? "_zeros" : value == 1.0f ? "_ones" : "_full", ndim, dims, &v, out, err);
}

mxio_status mxio__k_arange_create(const mxio__rt_ctx *ctx, double start, bool has_stop, double stop,
                                  double step, int64_t repeat, mxio__kernel **out, mxio_error *err) {
    const char *op = "_arange";
    if (!has_stop) {
        stop = start;
        start = 0;
    }
    if (step == 0 || repeat < 1 || (step > 0 ? start >= stop : start <= stop) || step != step)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: invalid range (%g, %g, %g) or repeat %lld", op,
                          start, stop, step, (long long)repeat);
    double size = ceil((stop - start) / step);
    if (!(size < 9.0e18 / (double)repeat))
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: too many values", op);
    int64_t n = (int64_t)size * repeat;
    src_impl v = {.start = (float)start, .step = (float)step, .repeat = repeat, .range = true,
                  .dtype = MXIO_DTYPE_FLOAT32};
    return src_make(op, 1, &n, &v, out, err);
}

mxio_status mxio__k_arange_like_create(const mxio__rt_ctx *ctx, double start, double step,
                                       int64_t repeat, bool axis_none, int axis,
                                       const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "arange_like";
    int a = mxio__rt_axis(axis, data->ndim);
    if (repeat < 1 || (!axis_none && (a < 0 || a >= data->ndim)))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad axis or repeat", op);
    src_impl v = {.start = (float)start, .step = (float)step, .repeat = repeat, .range = true,
                  .dtype = MXIO_DTYPE_FLOAT32};
    mxio__kernel *k = NULL;
    mxio_status st = axis_none ? src_make(op, data->ndim, data->dims, &v, &k, err)
                               : src_make(op, 1, &data->dims[a], &v, &k, err);
    if (st != MXIO_OK) return st;
    /* The data input is taken (for its shape only). */
    if (!mxio__kernel_set_nin(k, 1)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    k->in[0] = *data;
    *out = k;
    return MXIO_OK;
}

mxio_status mxio__k_stack_create(const mxio__rt_ctx *ctx, int axis, int n, const mxio__tdesc *in,
                                 mxio__kernel **out, mxio_error *err) {
    const char *op = "stack";
    if (n < 1 || n > MXIO__RT_MAX_IO || in[0].ndim + 1 > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d inputs", op, n);
    int nd = in[0].ndim + 1, a = mxio__rt_axis(axis, nd);
    if (a < 0 || a >= nd) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, axis);
    mxio__tdesc *views = mxio__calloc_array((size_t)n, sizeof *views);
    if (!views) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    for (int i = 0; i < n; i++) {
        bool same = in[i].ndim == in[0].ndim;
        for (int d = 0; same && d < in[0].ndim; d++) same = in[i].dims[d] == in[0].dims[d];
        if (!same) {
            free(views);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: input %d shape differs", op, i);
        }
        views[i] = in[i];
        views[i].ndim = nd;
        for (int d = nd - 1; d > a; d--) views[i].dims[d] = in[i].dims[d - 1];
        views[i].dims[a] = 1;
    }
    mxio_status st = mxio__k_concat_create(ctx, a, n, views, out, err);
    free(views);
    if (st == MXIO_OK) {
        (*out)->op = op;
        for (int i = 0; i < n; i++) (*out)->in[i] = in[i]; /* callers see the real inputs */
    }
    return st;
}

/* ---- topk / sort / argsort ---------------------------------------------------------------- */

typedef struct topk_impl {
    int64_t outer, n, inner, k;
    mxio__topk_ret ret;
    bool ascend;
} topk_impl;

static bool topk_before(float a, int64_t ia, float b, int64_t ib, bool ascend) {
    if (a != b) return ascend ? a < b : a > b;
    return ia < ib;
}

static mxio_status topk_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const topk_impl *q = k->impl;
    const float *x = in[0];
    float *vals = scratch;
    int64_t *idx = (int64_t *)(vals + ((q->n + 1) & ~(int64_t)1)), *tmp = idx + q->n;
    if (q->ret == MXIO__TOPK_MASK) memset(out[0], 0, (size_t)(q->outer * q->n * q->inner) * sizeof(float));
    for (int64_t o = 0; o < q->outer; o++)
        for (int64_t i = 0; i < q->inner; i++) {
            const float *xp = x + o * q->n * q->inner + i;
            for (int64_t j = 0; j < q->n; j++) {
                vals[j] = xp[j * q->inner];
                idx[j] = j;
            }
            for (int64_t w = 1; w < q->n; w *= 2) { /* stable merge sort of idx by vals */
                for (int64_t lo = 0; lo < q->n; lo += 2 * w) {
                    int64_t mid = lo + w < q->n ? lo + w : q->n, hi = lo + 2 * w < q->n ? lo + 2 * w : q->n;
                    int64_t a = lo, b = mid, t = lo;
                    while (a < mid && b < hi)
                        tmp[t++] = topk_before(vals[idx[b]], idx[b], vals[idx[a]], idx[a], q->ascend) ? idx[b++]
                                                                                                     : idx[a++];
                    while (a < mid) tmp[t++] = idx[a++];
                    while (b < hi) tmp[t++] = idx[b++];
                }
                memcpy(idx, tmp, (size_t)q->n * sizeof *idx);
            }
            for (int64_t j = 0; j < q->k; j++) {
                int64_t at = (o * q->k + j) * q->inner + i;
                switch (q->ret) {
                case MXIO__TOPK_VALUE: ((float *)out[0])[at] = vals[idx[j]]; break;
                case MXIO__TOPK_INDICES: ((float *)out[0])[at] = (float)idx[j]; break;
                case MXIO__TOPK_BOTH:
                    ((float *)out[0])[at] = vals[idx[j]];
                    ((float *)out[1])[at] = (float)idx[j];
                    break;
                case MXIO__TOPK_MASK: ((float *)out[0])[(o * q->n + idx[j]) * q->inner + i] = 1.0f; break;
                }
            }
        }
    return MXIO_OK;
}

mxio_status mxio__k_topk_create(const mxio__rt_ctx *ctx, int axis, bool axis_none, int64_t kk,
                                mxio__topk_ret ret, bool ascend, const mxio__tdesc *data,
                                mxio__kernel **out, mxio_error *err) {
    const char *op = "topk";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    int a = mxio__rt_axis(axis, data->ndim);
    if (!axis_none && (a < 0 || a >= data->ndim))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, axis);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(topk_impl), topk_run, err);
    if (!k) return MXIO_E_NOMEM;
    topk_impl *q = k->impl;
    if (axis_none) { /* over the flattened data */
        q->outer = q->inner = 1;
        q->n = mxio__tdesc_numel(data);
    } else {
        q->outer = mxio__rt_prod(data->dims, 0, a);
        q->n = data->dims[a];
        q->inner = mxio__rt_prod(data->dims, a + 1, data->ndim);
    }
    q->k = kk < 1 || kk > q->n ? q->n : kk;
    q->ret = ret;
    q->ascend = ascend;
    mxio__tdesc *o = &k->out[0];
    if (ret != MXIO__TOPK_MASK) {
        if (axis_none) {
            o->ndim = 1;
            o->dims[0] = q->k;
        } else {
            o->dims[a] = q->k;
        }
    }
    if (ret == MXIO__TOPK_BOTH) {
        mxio__tdesc o0 = *o;
        if (!mxio__kernel_set_nout(k, 2)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
        }
        k->out[1] = o0;
    }
    size_t bytes;
    if (!mxio__mul_size((size_t)q->n + 2, sizeof(float) + 2 * sizeof(int64_t), &bytes)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: scratch overflows", op);
    }
    k->scratch_bytes = bytes + 64;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- shape_array / size_array -------------------------------------------------------------- */

static mxio_status shape_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    int64_t *y = out[0];
    if (k->out[0].dims[0] == 1 && *(const bool *)k->impl) y[0] = mxio__tdesc_numel(&k->in[0]);
    else
        for (int d = 0; d < k->in[0].ndim; d++) y[d] = k->in[0].dims[d];
    return MXIO_OK;
}

mxio_status mxio__k_shape_array_create(const mxio__rt_ctx *ctx, bool size_only,
                                       const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = size_only ? "size_array" : "shape_array";
    if (data->ndim < 1 || mxio__tdesc_numel(data) < 0)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad input", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(bool), shape_run, err);
    if (!k) return MXIO_E_NOMEM;
    *(bool *)k->impl = size_only;
    int64_t n = size_only ? 1 : data->ndim;
    mxio__tdesc_plain(&k->out[0], 1, &n);
    k->out[0].dtype = MXIO_DTYPE_INT64;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- gather_nd ---------------------------------------------------------------------------- */

typedef struct gnd_impl {
    int64_t M, N, K;
    int64_t dims[MXIO__RT_MAX_DIMS], strides[MXIO__RT_MAX_DIMS];
} gnd_impl;

static mxio_status gnd_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const gnd_impl *q = k->impl;
    const float *x = in[0], *idx = in[1];
    float *y = out[0];
    for (int64_t i = 0; i < q->N; i++) {
        int64_t off = 0;
        for (int64_t j = 0; j < q->M; j++) {
            float f = idx[j * q->N + i];
            if (!(f >= -(float)q->dims[j] && f < (float)q->dims[j]))
                return mxio__fail(err, MXIO_E_SHAPE, "runtime: gather_nd: index %g outside axis %lld of size %lld",
                                  (double)f, (long long)j, (long long)q->dims[j]);
            off += q->strides[j] * (((int64_t)(f + (float)q->dims[j])) % q->dims[j]);
        }
        memcpy(y + i * q->K, x + off, (size_t)q->K * sizeof(float));
    }
    return MXIO_OK;
}

mxio_status mxio__k_gather_nd_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                     mxio__kernel **out, mxio_error *err) {
    const char *op = "gather_nd";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *d = &in[0], *ix = &in[1];
    int64_t M = ix->ndim >= 1 ? ix->dims[0] : 0;
    if (ix->ndim < 1 || M < 1 || M > d->ndim || ix->ndim - 1 + d->ndim - M > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: indices (M, ...) with M <= data rank expected", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(gnd_impl), gnd_run, err);
    if (!k) return MXIO_E_NOMEM;
    gnd_impl *q = k->impl;
    q->M = M;
    q->N = mxio__rt_prod(ix->dims, 1, ix->ndim);
    q->K = mxio__rt_prod(d->dims, (int)M, d->ndim);
    int64_t s = 1;
    for (int j = d->ndim - 1; j >= 0; j--) {
        if (j < M) q->strides[j] = s, q->dims[j] = d->dims[j];
        s *= d->dims[j];
    }
    for (int j = 0; j < M; j++)
        if (q->dims[j] < 1) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: empty axis %d", op, j);
        }
    mxio__tdesc *o = &k->out[0];
    o->ndim = 0;
    for (int j = 1; j < ix->ndim; j++) o->dims[o->ndim++] = ix->dims[j];
    for (int j = (int)M; j < d->ndim; j++) o->dims[o->ndim++] = d->dims[j];
    if (o->ndim == 0) o->ndim = 1, o->dims[0] = 1;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- one_hot, take, pick -------------------------------------------------------------- */

typedef struct index_impl {
    int64_t outer, n, inner, count; /* count: indices per outer step */
    int64_t depth;
    float on, off;
    bool wrap;
} index_impl;

/* MXNet's index rule: truncate, then clip to [0, n-1] or wrap modulo n. */
static int64_t fix_index(float f, int64_t n, bool wrap) {
    if (f != f) f = 0.0f;
    double d = (double)f;
    if (d >= 9.2e18) d = 9.2e18;
    if (d <= -9.2e18) d = -9.2e18;
    int64_t j = (int64_t)d;
    if (wrap) {
        j %= n;
        return j < 0 ? j + n : j;
    }
    return j < 0 ? 0 : j >= n ? n - 1 : j;
}

static mxio_status one_hot_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                               void *const *out, void *scratch, mxio_error *err) {
    const index_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    for (int64_t i = 0; i < q->count; i++) {
        float *row = y + i * q->depth;
        for (int64_t j = 0; j < q->depth; j++) row[j] = q->off;
        float f = x[i];
        if (f == f && f >= 0.0f && f < (float)q->depth) row[(int64_t)f] = q->on;
    }
    return MXIO_OK;
}

mxio_status mxio__k_one_hot_create(const mxio__rt_ctx *ctx, int64_t depth, float on_value,
                                   float off_value, const mxio__tdesc *indices, mxio__kernel **out,
                                   mxio_error *err) {
    const char *op = "one_hot";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, indices, err);
    if (st != MXIO_OK) return st;
    if (depth < 1 || indices->ndim + 1 > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad depth or rank", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, indices, sizeof(index_impl), one_hot_run, err);
    if (!k) return MXIO_E_NOMEM;
    index_impl *q = k->impl;
    q->depth = depth, q->on = on_value, q->off = off_value, q->count = mxio__tdesc_numel(indices);
    k->out[0].dims[k->out[0].ndim++] = depth;
    return mxio__rt_kernel_done(k, out, err);
}

static mxio_status take_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const index_impl *q = k->impl;
    const float *a = in[0], *idx = in[1];
    float *y = out[0];
    for (int64_t o = 0; o < q->outer; o++)
        for (int64_t i = 0; i < q->count; i++) {
            int64_t j = fix_index(idx[i], q->n, q->wrap);
            memcpy(y + (o * q->count + i) * q->inner, a + (o * q->n + j) * q->inner,
                   (size_t)q->inner * sizeof(float));
        }
    return MXIO_OK;
}

mxio_status mxio__k_take_create(const mxio__rt_ctx *ctx, int axis, bool wrap, const mxio__tdesc *in,
                                mxio__kernel **out, mxio_error *err) {
    const char *op = "take";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    int a = mxio__rt_axis(axis, in[0].ndim);
    if (a < 0 || a >= in[0].ndim || in[0].dims[a] < 1 || in[0].ndim + in[1].ndim - 1 > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad axis or ranks", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(index_impl), take_run, err);
    if (!k) return MXIO_E_NOMEM;
    index_impl *q = k->impl;
    q->outer = mxio__rt_prod(in[0].dims, 0, a);
    q->n = in[0].dims[a];
    q->inner = mxio__rt_prod(in[0].dims, a + 1, in[0].ndim);
    q->count = mxio__tdesc_numel(&in[1]);
    q->wrap = wrap;
    mxio__tdesc *o = &k->out[0];
    o->ndim = 0;
    for (int d = 0; d < a; d++) o->dims[o->ndim++] = in[0].dims[d];
    for (int d = 0; d < in[1].ndim; d++) o->dims[o->ndim++] = in[1].dims[d];
    for (int d = a + 1; d < in[0].ndim; d++) o->dims[o->ndim++] = in[0].dims[d];
    return mxio__rt_kernel_done(k, out, err);
}

static mxio_status pick_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const index_impl *q = k->impl;
    const float *a = in[0], *idx = in[1];
    float *y = out[0];
    for (int64_t o = 0; o < q->outer; o++)
        for (int64_t i = 0; i < q->inner; i++) {
            int64_t j = fix_index(idx[o * q->inner + i], q->n, q->wrap);
            y[o * q->inner + i] = a[(o * q->n + j) * q->inner + i];
        }
    return MXIO_OK;
}

mxio_status mxio__k_pick_create(const mxio__rt_ctx *ctx, int axis, bool keepdims, bool wrap,
                                const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "pick";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    int a = mxio__rt_axis(axis, in[0].ndim);
    if (a < 0 || a >= in[0].ndim || in[0].dims[a] < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, axis);
    int64_t outer = mxio__rt_prod(in[0].dims, 0, a), inner = mxio__rt_prod(in[0].dims, a + 1, in[0].ndim);
    if (mxio__tdesc_numel(&in[1]) != outer * inner)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: index must have the data's shape without axis", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(index_impl), pick_run, err);
    if (!k) return MXIO_E_NOMEM;
    index_impl *q = k->impl;
    q->outer = outer, q->n = in[0].dims[a], q->inner = inner, q->wrap = wrap;
    mxio__tdesc *o = &k->out[0];
    if (keepdims) {
        o->dims[a] = 1;
    } else {
        for (int d = a; d < o->ndim - 1; d++) o->dims[d] = o->dims[d + 1];
        o->ndim--;
        if (o->ndim == 0) o->ndim = 1, o->dims[0] = 1;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- SequenceMask / SequenceLast -------------------------------------------------- */

typedef struct seq_impl {
    bool last, batch_first;
    float value;
    int64_t T, N, rest;
} seq_impl;

static int64_t seq_len(const seq_impl *q, const void *const *in, int nin, int64_t b) {
    if (nin < 2) return q->T;
    float f = ((const float *)in[1])[b];
    return f != f || f <= 0.0f ? 0 : f >= (float)q->T ? q->T : (int64_t)f;
}

static mxio_status seq_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const seq_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    size_t row = (size_t)q->rest * sizeof(float);
    for (int64_t b = 0; b < q->N; b++) {
        int64_t len = seq_len(q, in, k->nin, b);
        if (q->last) {
            int64_t t = len > 0 ? len - 1 : 0;
            int64_t at = q->batch_first ? b * q->T + t : t * q->N + b;
            memcpy(y + b * q->rest, x + at * q->rest, row);
            continue;
        }
        for (int64_t t = 0; t < q->T; t++) {
            int64_t at = (q->batch_first ? b * q->T + t : t * q->N + b) * q->rest;
            if (t < len) {
                if (x != y) memcpy(y + at, x + at, row);
            } else {
                for (int64_t i = 0; i < q->rest; i++) y[at + i] = q->value;
            }
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_sequence_create(const mxio__rt_ctx *ctx, bool last, bool use_length, int axis,
                                    float value, const mxio__tdesc *in, mxio__kernel **out,
                                    mxio_error *err) {
    const char *op = last ? "SequenceLast" : "SequenceMask";
    int nin = use_length ? 2 : 1;
    mxio_status st = mxio__rt_check_plain_f32(op, nin, in, err);
    if (st != MXIO_OK) return st;
    if ((axis != 0 && axis != 1) || in[0].ndim < 2)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis must be 0 or 1 on data of rank >= 2", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, nin, in, sizeof(seq_impl), seq_run, err);
    if (!k) return MXIO_E_NOMEM;
    seq_impl *q = k->impl;
    q->last = last;
    q->batch_first = axis == 1;
    q->value = value;
    q->T = in[0].dims[axis];
    q->N = in[0].dims[1 - axis];
    q->rest = mxio__rt_prod(in[0].dims, 2, in[0].ndim);
    if (use_length && mxio__tdesc_numel(&in[1]) != q->N) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: sequence_length must have %lld entries", op,
                          (long long)q->N);
    }
    if (last) {
        mxio__tdesc *o = &k->out[0];
        for (int d = axis; d < o->ndim - 1; d++) o->dims[d] = o->dims[d + 1];
        o->ndim--;
    } else {
        k->in_place_ok = true;
    }
    return mxio__rt_kernel_done(k, out, err);
}

static mxio_status seqrev_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                              void *const *out, void *scratch, mxio_error *err) {
    const seq_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    size_t row = (size_t)q->rest * sizeof(float);
    for (int64_t b = 0; b < q->N; b++) {
        int64_t len = seq_len(q, in, k->nin, b);
        for (int64_t t = 0; t < q->T; t++) {
            int64_t src = t < len ? len - 1 - t : t;
            memcpy(y + (t * q->N + b) * q->rest, x + (src * q->N + b) * q->rest, row);
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_sequence_reverse_create(const mxio__rt_ctx *ctx, bool use_length,
                                            const mxio__tdesc *in, mxio__kernel **out,
                                            mxio_error *err) {
    const char *op = "SequenceReverse";
    int nin = use_length ? 2 : 1;
    mxio_status st = mxio__rt_check_plain_f32(op, nin, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim < 2) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data rank < 2", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, nin, in, sizeof(seq_impl), seqrev_run, err);
    if (!k) return MXIO_E_NOMEM;
    seq_impl *q = k->impl;
    q->T = in[0].dims[0];
    q->N = in[0].dims[1];
    q->rest = mxio__rt_prod(in[0].dims, 2, in[0].ndim);
    if (use_length && mxio__tdesc_numel(&in[1]) != q->N) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: sequence_length must have %lld entries", op,
                          (long long)q->N);
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- depth_to_space / space_to_depth ------------------------------------------------ */

mxio_status mxio__k_depth_space_create(const mxio__rt_ctx *ctx, bool to_space, int64_t block,
                                       const mxio__tdesc *data, mxio__kernel **out,
                                       mxio_error *err) {
    const char *op = to_space ? "depth_to_space" : "space_to_depth";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (data->ndim != 4 || block < 1 || block > (INT64_C(1) << 20))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs (N, C, H, W) and block_size >= 1", op);
    int64_t N = data->dims[0], C = data->dims[1], H = data->dims[2], W = data->dims[3], b = block;
    if (to_space ? C % (b * b) : (H % b || W % b))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: shape does not divide by block_size %lld", op,
                          (long long)b);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(bcast_impl), bcast_run, err);
    if (!k) return MXIO_E_NOMEM;
    bcast_impl *q = k->impl;
    /* A 6-D view of the input, permuted (a gather with the permuted strides). */
    int64_t v[6], vs[6];
    int perm[6];
    if (to_space) { /* (N, b, b, C', H, W) -> (N, C', H, b, W, b) */
        int64_t c2 = C / (b * b);
        int64_t dv[6] = {N, b, b, c2, H, W};
        int pv[6] = {0, 3, 4, 1, 5, 2};
        memcpy(v, dv, sizeof v);
        memcpy(perm, pv, sizeof perm);
        k->out[0].dims[1] = c2, k->out[0].dims[2] = H * b, k->out[0].dims[3] = W * b;
    } else { /* (N, C, H', b, W', b) -> (N, b, b, C, H', W') */
        int64_t dv[6] = {N, C, H / b, b, W / b, b};
        int pv[6] = {0, 3, 5, 1, 2, 4};
        memcpy(v, dv, sizeof v);
        memcpy(perm, pv, sizeof perm);
        k->out[0].dims[1] = C * b * b, k->out[0].dims[2] = H / b, k->out[0].dims[3] = W / b;
    }
    int64_t s = 1;
    for (int d = 5; d >= 0; d--) {
        vs[d] = s;
        s *= v[d];
    }
    q->ndim = 6;
    for (int d = 0; d < 6; d++) {
        q->dims[d] = v[perm[d]];
        q->st[d] = vs[perm[d]];
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- AdaptiveAvgPooling2D, BilinearResize2D -------------------------------------------- */

typedef struct resize_impl {
    int64_t planes, H, W, oh, ow;
    bool align_corners;
} resize_impl;

static mxio_status adaptive_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                                void *const *out, void *scratch, mxio_error *err) {
    const resize_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    for (int64_t p = 0; p < q->planes; p++) {
        const float *xp = x + p * q->H * q->W;
        for (int64_t i = 0; i < q->oh; i++) {
            /* MXNet's START_IND/END_IND compute in float */
            int64_t h0 = (int64_t)floorf((float)(i * q->H) / (float)q->oh);
            int64_t h1 = (int64_t)ceilf((float)((i + 1) * q->H) / (float)q->oh);
            for (int64_t j = 0; j < q->ow; j++) {
                int64_t w0 = (int64_t)floorf((float)(j * q->W) / (float)q->ow);
                int64_t w1 = (int64_t)ceilf((float)((j + 1) * q->W) / (float)q->ow);
                float sum = 0.0f;
                for (int64_t h = h0; h < h1; h++)
                    for (int64_t w = w0; w < w1; w++) sum += xp[h * q->W + w];
                y[(p * q->oh + i) * q->ow + j] = sum / (float)((h1 - h0) * (w1 - w0));
            }
        }
    }
    return MXIO_OK;
}

static float src_index(float scale, int64_t dst, bool align_corners) {
    if (align_corners) return scale * (float)dst;
    float s = scale * ((float)dst + 0.5f) - 0.5f;
    return s < 0.0f ? 0.0f : s;
}

static mxio_status bilinear_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                                void *const *out, void *scratch, mxio_error *err) {
    const resize_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    int64_t H = q->H, W = q->W;
    if (H == q->oh && W == q->ow) {
        memcpy(y, x, (size_t)(q->planes * H * W) * sizeof(float));
        return MXIO_OK;
    }
    bool ac = q->align_corners;
    float rh = q->oh > 1 ? (ac ? (float)(H - 1) / (float)(q->oh - 1) : (float)H / (float)q->oh) : 0.0f;
    float rw = q->ow > 1 ? (ac ? (float)(W - 1) / (float)(q->ow - 1) : (float)W / (float)q->ow) : 0.0f;
    for (int64_t i = 0; i < q->oh; i++) {
        float hr = src_index(rh, i, ac);
        int64_t h1 = (int64_t)hr, h1p = h1 < H - 1 ? 1 : 0;
        float hl1 = hr - (float)h1, hl0 = 1.0f - hl1;
        for (int64_t j = 0; j < q->ow; j++) {
            float wr = src_index(rw, j, ac);
            int64_t w1 = (int64_t)wr, w1p = w1 < W - 1 ? 1 : 0;
            float wl1 = wr - (float)w1, wl0 = 1.0f - wl1;
            for (int64_t p = 0; p < q->planes; p++) {
                const float *a = x + p * H * W + h1 * W + w1;
                y[(p * q->oh + i) * q->ow + j] =
                    hl0 * (wl0 * a[0] + wl1 * a[w1p]) + hl1 * (wl0 * a[h1p * W] + wl1 * a[h1p * W + w1p]);
            }
        }
    }
    return MXIO_OK;
}

static mxio_status resize_make(const char *op, int64_t oh, int64_t ow, bool align_corners, int nin,
                               const mxio__tdesc *in, mxio__kernel_run_fn run, mxio__kernel **out,
                               mxio_error *err) {
    mxio_status st = mxio__rt_check_plain_f32(op, 1, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim != 4 || oh < 1 || ow < 1 || in[0].dims[2] < 1 || in[0].dims[3] < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs (N, C, H, W) and an output size >= 1", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, nin, in, sizeof(resize_impl), run, err);
    if (!k) return MXIO_E_NOMEM;
    resize_impl *q = k->impl;
    q->planes = in[0].dims[0] * in[0].dims[1];
    q->H = in[0].dims[2], q->W = in[0].dims[3], q->oh = oh, q->ow = ow;
    q->align_corners = align_corners;
    k->out[0].dims[2] = oh;
    k->out[0].dims[3] = ow;
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_adaptive_avg_pool_create(const mxio__rt_ctx *ctx, int64_t oh, int64_t ow,
                                             const mxio__tdesc *data, mxio__kernel **out,
                                             mxio_error *err) {
    return resize_make("AdaptiveAvgPooling2D", oh, ow, false, 1, data, adaptive_run, out, err);
}

mxio_status mxio__k_bilinear_resize_create(const mxio__rt_ctx *ctx, int64_t oh, int64_t ow,
                                           bool align_corners, int nin, const mxio__tdesc *in,
                                           mxio__kernel **out, mxio_error *err) {
    return resize_make("BilinearResize2D", oh, ow, align_corners, nin, in, bilinear_run, out, err);
}
