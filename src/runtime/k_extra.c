/* k_extra.c - dot / batch_dot (oneDNN sgemm), reductions, SliceChannel,
 * broadcast_to / broadcast_axis / broadcast_like, hard_sigmoid, and the
 * shape-only ops (Reshape, Flatten, expand_dims, squeeze) as a copy. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "runtime.h"

static mxio__kernel *new_kernel(const char *op, int nin, const mxio__tdesc *in, size_t impl,
                                mxio__kernel_run_fn run, mxio_error *err) {
    mxio__kernel *k = mxio__kernel_new(op, nin, in, impl);
    if (!k) {
        mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
        return NULL;
    }
    k->run = run;
    k->destroy = mxio__kernel_default_destroy;
    k->out[0] = in[0];
    return k;
}

static int64_t prod(const int64_t *d, int from, int to) {
    int64_t p = 1;
    for (int i = from; i < to; i++) p *= d[i];
    return p;
}

/* ---- dot / batch_dot ---------------------------------------------------------- */

typedef struct gemm_impl {
    int64_t batch, M, N, K;
    bool ta, tb;
} gemm_impl;

static mxio_status gemm_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const gemm_impl *g = k->impl;
    const float *a = in[0], *b = in[1];
    float *c = out[0];
    for (int64_t i = 0; i < g->batch; i++) {
        dnnl_status_t st = dnnl_sgemm(g->ta ? 'T' : 'N', g->tb ? 'T' : 'N', g->M, g->N, g->K, 1.0f,
                                      a + i * g->M * g->K, g->ta ? g->M : g->K,
                                      b + i * g->K * g->N, g->tb ? g->K : g->N, 0.0f,
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
    mxio__kernel *k = new_kernel(op, 2, in, sizeof(gemm_impl), gemm_run, err);
    if (!k) return MXIO_E_NOMEM;
    gemm_impl *g = k->impl;
    g->batch = 1;
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
        /* MXNet's DotShape: lhs is (prod(leading), last), or (first, prod(rest))
         * when transposed; rhs is (first, prod(rest)), or (prod(leading), last). */
        if (transpose_a) {
            kl = l->dims[0];
            g->M = prod(l->dims, 1, l->ndim);
            if (l->ndim > 1)
                for (int i = 1; i < l->ndim; i++) o->dims[o->ndim++] = l->dims[i];
        } else {
            kl = l->dims[l->ndim - 1];
            g->M = prod(l->dims, 0, l->ndim - 1);
            if (l->ndim > 1)
                for (int i = 0; i < l->ndim - 1; i++) o->dims[o->ndim++] = l->dims[i];
        }
        if (transpose_b) {
            kr = r->dims[r->ndim - 1];
            g->N = prod(r->dims, 0, r->ndim - 1);
            if (r->ndim > 1)
                for (int i = 0; i < r->ndim - 1; i++) o->dims[o->ndim++] = r->dims[i];
        } else {
            kr = r->dims[0];
            g->N = prod(r->dims, 1, r->ndim);
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

mxio_status mxio__k_batch_dot_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "batch_dot";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *l = &in[0], *r = &in[1];
    int nd = l->ndim;
    bool ok = nd >= 3 && r->ndim == nd;
    for (int i = 0; ok && i < nd - 2; i++) ok = l->dims[i] == r->dims[i];
    if (!ok) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs (B..., M, K) x (B..., K, N)", op);
    mxio__kernel *k = new_kernel(op, 2, in, sizeof(gemm_impl), gemm_run, err);
    if (!k) return MXIO_E_NOMEM;
    gemm_impl *g = k->impl;
    g->ta = transpose_a;
    g->tb = transpose_b;
    g->batch = prod(l->dims, 0, nd - 2);
    g->M = l->dims[nd - (transpose_a ? 1 : 2)];
    g->K = l->dims[nd - (transpose_a ? 2 : 1)];
    g->N = r->dims[nd - (transpose_b ? 2 : 1)];
    if (r->dims[nd - (transpose_b ? 1 : 2)] != g->K) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: shapes do not contract", op);
    }
    k->out[0].dims[nd - 2] = g->M;
    k->out[0].dims[nd - 1] = g->N;
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
                  : q->op == MXIO__RED_PROD ? 1.0 : 0.0;
    double *acc = scratch;
    for (int64_t i = 0; i < nout; i++) acc[i] = init;
    /* Walk the input once in order; the output index skips reduced axes. */
    int64_t ost[MXIO__RT_MAX_DIMS], s = 1;
    for (int d = q->ndim - 1; d >= 0; d--) {
        ost[d] = q->reduced[d] ? 0 : s;
        if (!q->reduced[d]) s *= q->dims[d];
    }
    int64_t total = prod(q->dims, 0, q->ndim), idx[MXIO__RT_MAX_DIMS] = {0}, o = 0;
    for (int64_t i = 0; i < total; i++) {
        double v = x[i];
        switch (q->op) {
        case MXIO__RED_SUM:
        case MXIO__RED_MEAN: acc[o] += v; break;
        case MXIO__RED_PROD: acc[o] *= v; break;
        case MXIO__RED_MAX: if (v > acc[o] || v != v) acc[o] = v; break;
        case MXIO__RED_MIN: if (v < acc[o] || v != v) acc[o] = v; break;
        case MXIO__RED_NORM: acc[o] += v * v; break;
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
    mxio__kernel *k = new_kernel(op, 1, data, sizeof(red_impl), red_run, err);
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
    mxio__kernel *k = new_kernel(op, 1, data, sizeof(split_impl), split_run, err);
    if (!k) return MXIO_E_NOMEM;
    split_impl *q = k->impl;
    q->outer = prod(data->dims, 0, a);
    q->piece = data->dims[a] / num_outputs * prod(data->dims, a + 1, data->ndim);
    k->nout = num_outputs;
    mxio__tdesc o = *data;
    o.dims[a] /= num_outputs;
    if (squeeze_axis) {
        for (int d = a; d < o.ndim - 1; d++) o.dims[d] = o.dims[d + 1];
        o.ndim--;
    }
    for (int j = 0; j < num_outputs; j++) k->out[j] = o;
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
    int64_t total = prod(q->dims, 0, q->ndim), idx[MXIO__RT_MAX_DIMS] = {0}, off = 0;
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
    mxio__kernel *k = new_kernel(op, nin, in, sizeof(bcast_impl), bcast_run, err);
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
    mxio__kernel *k = new_kernel("hard_sigmoid", 1, data, sizeof(hs_impl), hs_run, err);
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
    mxio__kernel *k = new_kernel(op, 1, data, 0, copy_run, err);
    if (!k) return MXIO_E_NOMEM;
    k->out[0] = o;
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}
