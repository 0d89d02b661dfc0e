/* k_nn.c - pooling (reference C and dispatch to oneDNN), normalisations,
 * activations, the softmax family and Embedding, in plain C over plain fp32
 * tensors. Reductions accumulate in double, like MXNet's AccType for float. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "runtime.h"

/* outer x n x inner view around `axis`. */
static void split_axis(const mxio__tdesc *t, int axis, int64_t *outer, int64_t *n, int64_t *inner) {
    *outer = 1;
    *inner = 1;
    for (int i = 0; i < axis; i++) *outer *= t->dims[i];
    for (int i = axis + 1; i < t->ndim; i++) *inner *= t->dims[i];
    *n = t->dims[axis];
}

/* ---- Pooling ---------------------------------------------------------------- */

typedef struct pool_impl {
    mxio__pool_params p;
    int64_t kernel[3], stride[3], pad[3];
    int64_t in[3], out[3]; /* spatial sizes, padded to 3-D with 1s in front */
    int64_t planes;        /* N * C */
} pool_impl;

static mxio_status pool_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const pool_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    const int64_t ID = q->in[0], IH = q->in[1], IW = q->in[2];
    const int64_t OD = q->out[0], OH = q->out[1], OW = q->out[2];
    const mxio__pool_type type = q->p.type;
    const int pv = q->p.p_value;
    for (int64_t pl = 0; pl < q->planes; pl++) {
        const float *xp = x + pl * ID * IH * IW;
        float *yp = y + pl * OD * OH * OW;
        for (int64_t od = 0; od < OD; od++)
            for (int64_t oh = 0; oh < OH; oh++)
                for (int64_t ow = 0; ow < OW; ow++) {
                    int64_t s[3] = {od * q->stride[0] - q->pad[0], oh * q->stride[1] - q->pad[1],
                                    ow * q->stride[2] - q->pad[2]};
                    int64_t e[3], pool_size = 1;
                    for (int i = 0; i < 3; i++) {
                        /* MXNet clips the window to the padded extent first (that
                         * count divides when padding counts), then to the data. */
                        e[i] = s[i] + q->kernel[i];
                        if (e[i] > q->in[i] + q->pad[i]) e[i] = q->in[i] + q->pad[i];
                        pool_size *= e[i] - s[i];
                        if (s[i] < 0) s[i] = 0;
                        if (e[i] > q->in[i]) e[i] = q->in[i];
                    }
                    if (type == MXIO__POOL_AVG && !q->p.count_include_pad)
                        pool_size = (e[0] - s[0]) * (e[1] - s[1]) * (e[2] - s[2]);
                    if (type != MXIO__POOL_AVG) pool_size = 1;
                    float acc = type == MXIO__POOL_MAX ? -FLT_MAX : 0.0f;
                    for (int64_t d = s[0]; d < e[0]; d++)
                        for (int64_t h = s[1]; h < e[1]; h++)
                            for (int64_t w = s[2]; w < e[2]; w++) {
                                float v = xp[(d * IH + h) * IW + w];
                                if (type == MXIO__POOL_MAX) {
                                    if (v > acc) acc = v;
                                } else if (type == MXIO__POOL_LP) {
                                    acc += pv == 1 ? v : pv == 2 ? v * v : pv == 3 ? v * v * v
                                                                                  : powf(v, (float)pv);
                                } else {
                                    acc += v / (float)pool_size;
                                }
                            }
                    if (type == MXIO__POOL_LP)
                        acc = pv == 1 ? acc : pv == 2 ? sqrtf(acc) : powf(acc, (float)(1.0 / pv));
                    yp[(od * OH + oh) * OW + ow] = acc;
                }
    }
    return MXIO_OK;
}

mxio_status mxio__k_pool_create(const mxio__rt_ctx *ctx, const mxio__pool_params *p,
                                const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "Pooling";
    if (data->layout != MXIO__LAYOUT_DNNL) {
        mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
        if (st != MXIO_OK) return st;
    }
    int ns = data->ndim - 2;
    if (ns < 1 || ns > 3 || (!p->global_pool && p->nspatial != ns))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d-D data with a %d-D kernel", op,
                          data->ndim, p->nspatial);
    if (p->type == MXIO__POOL_LP && (p->p_value < 1))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: lp pooling needs p_value", op);
    int64_t kernel[3], stride[3], pad[3];
    mxio__tdesc od = *data;
    od.layout = MXIO__LAYOUT_PLAIN;
    for (int i = 0; i < ns; i++) {
        int64_t x = data->dims[2 + i];
        if (p->global_pool) {
            kernel[i] = x;
            stride[i] = 1;
            pad[i] = 0;
        } else {
            kernel[i] = p->kernel[i];
            stride[i] = p->stride[i];
            pad[i] = p->pad[i];
        }
        const int64_t big = INT64_C(1) << 31;
        if (kernel[i] < 1 || stride[i] < 1 || pad[i] < 0 || kernel[i] > big || stride[i] > big ||
            pad[i] > big || x > big || kernel[i] > x + 2 * pad[i])
            return mxio__fail(err, MXIO_E_SHAPE,
                              "runtime: %s: kernel %lld exceeds input %lld padded by %lld", op,
                              (long long)kernel[i], (long long)x, (long long)pad[i]);
        int64_t o;
        if (p->global_pool) o = 1;
        else if (p->convention == MXIO__POOL_VALID) o = 1 + (x + 2 * pad[i] - kernel[i]) / stride[i];
        else if (p->convention == MXIO__POOL_FULL || ns > 1)
            o = 1 + (x + 2 * pad[i] - kernel[i] + stride[i] - 1) / stride[i];
        else o = (x + 2 * pad[i] + stride[i] - 1) / stride[i]; /* same: 1-D only */
        od.dims[2 + i] = o;
    }
    bool exact_in_dnnl = p->type == MXIO__POOL_MAX ||
                         (p->type == MXIO__POOL_AVG &&
                          (!p->count_include_pad || p->global_pool ||
                           p->convention == MXIO__POOL_VALID));
    /* `same` windows may start past the data when s > k; keep those in C. */
    if (p->convention == MXIO__POOL_SAME && !p->global_pool) exact_in_dnnl = false;
    if (data->layout == MXIO__LAYOUT_DNNL && !exact_in_dnnl)
        return mxio__fail(err, MXIO_E_UNSUPPORTED,
                          "runtime: %s: this pooling variant needs a plain input (reorder first)", op);
    if ((exact_in_dnnl && !p->force_reference) || data->layout == MXIO__LAYOUT_DNNL)
        return mxio__k_pool_dnnl(ctx, p, kernel, stride, pad, data, &od, out, err);

    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(pool_impl), pool_run, err);
    if (!k) return MXIO_E_NOMEM;
    pool_impl *q = k->impl;
    q->p = *p;
    for (int i = 0; i < 3; i++) {
        q->kernel[i] = q->stride[i] = q->in[i] = q->out[i] = 1;
        q->pad[i] = 0;
    }
    for (int i = 0; i < ns; i++) {
        int j = 3 - ns + i;
        q->kernel[j] = kernel[i];
        q->stride[j] = stride[i];
        q->pad[j] = pad[i];
        q->in[j] = data->dims[2 + i];
        q->out[j] = od.dims[2 + i];
    }
    q->planes = data->dims[0] * data->dims[1];
    k->out[0] = od;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- BatchNorm ---------------------------------------------------------------- */

typedef struct bn_impl {
    mxio__bn_params p;
    int64_t outer, c, inner;
} bn_impl;

static inline float bn_scale(const mxio__bn_params *p, const float *gamma, const float *var,
                             int64_t c) {
    return (p->fix_gamma ? 1.0f : gamma[c]) * (1.0f / sqrtf(var[c] + p->eps));
}

void mxio__bn_scale_shift(const mxio__bn_params *p, int64_t channels, const float *gamma,
                          const float *beta, const float *mean, const float *var, float *scale,
                          float *shift) {
    for (int64_t c = 0; c < channels; c++) {
        scale[c] = bn_scale(p, gamma, var, c);
        shift[c] = beta[c] - mean[c] * scale[c];
    }
}

void mxio__bn_fold_into_conv(const mxio__bn_params *p, int64_t out_channels,
                             int64_t weights_per_out, const float *gamma, const float *beta,
                             const float *mean, const float *var, float *weight, float *bias) {
    for (int64_t o = 0; o < out_channels; o++) {
        float s = bn_scale(p, gamma, var, o);
        for (int64_t i = 0; i < weights_per_out; i++) weight[o * weights_per_out + i] *= s;
        bias[o] = (bias[o] - mean[o]) * s + beta[o];
    }
}

static mxio_status bn_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                          void *const *out, void *scratch, mxio_error *err) {
    const bn_impl *q = k->impl;
    const float *x = in[0], *gamma = in[1], *beta = in[2], *mean = in[3], *var = in[4];
    float *y = out[0];
    for (int64_t c = 0; c < q->c; c++) {
        float scale = bn_scale(&q->p, gamma, var, c), m = mean[c], b = beta[c];
        for (int64_t o = 0; o < q->outer; o++) {
            const float *xp = x + (o * q->c + c) * q->inner;
            float *yp = y + (o * q->c + c) * q->inner;
            for (int64_t i = 0; i < q->inner; i++) yp[i] = (xp[i] - m) * scale + b;
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_batchnorm_create(const mxio__rt_ctx *ctx, const mxio__bn_params *p,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "BatchNorm";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, in, err);
    if (st != MXIO_OK) return st;
    int axis = mxio__rt_axis(p->axis, in[0].ndim);
    if (axis < 0 || axis >= in[0].ndim)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, p->axis);
    mxio__tdesc all[5];
    all[0] = in[0];
    for (int i = 1; i < 5; i++) mxio__tdesc_plain(&all[i], 1, &in[0].dims[axis]);
    mxio__kernel *k = mxio__kernel_new_unary(op, 5, all, sizeof(bn_impl), bn_run, err);
    if (!k) return MXIO_E_NOMEM;
    bn_impl *q = k->impl;
    q->p = *p;
    split_axis(&in[0], axis, &q->outer, &q->c, &q->inner);
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- L2Normalization, LRN, InstanceNorm, LayerNorm ------------------------------ */

typedef struct norm_impl {
    int mode;
    float eps, alpha, beta, knorm;
    int nsize;
    int64_t outer, n, inner;
} norm_impl;

/* Normalise groups of `n` elements strided by `inner`: x / sqrt(sum x^2 + eps). */
static mxio_status l2n_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const norm_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    for (int64_t o = 0; o < q->outer; o++)
        for (int64_t i = 0; i < q->inner; i++) {
            const float *xp = x + o * q->n * q->inner + i;
            float *yp = y + o * q->n * q->inner + i;
            double s = 0;
            for (int64_t j = 0; j < q->n; j++) s += (double)xp[j * q->inner] * xp[j * q->inner];
            float norm = sqrtf((float)s + q->eps);
            for (int64_t j = 0; j < q->n; j++) yp[j * q->inner] = xp[j * q->inner] / norm;
        }
    return MXIO_OK;
}

mxio_status mxio__k_l2norm_create(const mxio__rt_ctx *ctx, const mxio__l2norm_params *p,
                                  const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "L2Normalization";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (data->ndim < 2 || (p->mode != MXIO__L2N_INSTANCE && data->ndim < 3))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data rank %d too small for the mode", op,
                          data->ndim);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(norm_impl), l2n_run, err);
    if (!k) return MXIO_E_NOMEM;
    norm_impl *q = k->impl;
    q->eps = p->eps;
    int64_t rest = 1, spatial = 1;
    for (int i = 1; i < data->ndim; i++) rest *= data->dims[i];
    for (int i = 2; i < data->ndim; i++) spatial *= data->dims[i];
    if (p->mode == MXIO__L2N_INSTANCE) {
        q->outer = data->dims[0], q->n = rest, q->inner = 1;
    } else if (p->mode == MXIO__L2N_CHANNEL) {
        q->outer = data->dims[0], q->n = data->dims[1], q->inner = spatial;
    } else {
        q->outer = data->dims[0] * data->dims[1], q->n = spatial, q->inner = 1;
    }
    return mxio__rt_kernel_done(k, out, err);
}

static mxio_status lrn_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const norm_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    int64_t half = q->nsize / 2;
    float salpha = q->alpha / (float)q->nsize; /* MXNet divides alpha by nsize */
    for (int64_t o = 0; o < q->outer; o++)
        for (int64_t c = 0; c < q->n; c++) {
            int64_t c0 = c - half < 0 ? 0 : c - half, c1 = c + half >= q->n ? q->n - 1 : c + half;
            for (int64_t i = 0; i < q->inner; i++) {
                float s = 0;
                for (int64_t j = c0; j <= c1; j++) {
                    float v = x[(o * q->n + j) * q->inner + i];
                    s += v * v;
                }
                int64_t at = (o * q->n + c) * q->inner + i;
                y[at] = x[at] * powf(q->knorm + salpha * s, -q->beta);
            }
        }
    return MXIO_OK;
}

mxio_status mxio__k_lrn_create(const mxio__rt_ctx *ctx, const mxio__lrn_params *p,
                               const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "LRN";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (data->ndim < 2 || p->nsize < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad rank or nsize", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(norm_impl), lrn_run, err);
    if (!k) return MXIO_E_NOMEM;
    norm_impl *q = k->impl;
    q->alpha = p->alpha, q->beta = p->beta, q->knorm = p->knorm, q->nsize = p->nsize;
    split_axis(data, 1, &q->outer, &q->n, &q->inner);
    return mxio__rt_kernel_done(k, out, err);
}

/* Mean/variance over `n` contiguous-or-strided elements, then scale by
 * gamma/beta indexed by `gidx`: InstanceNorm (per channel) and LayerNorm (per
 * position on the axis). */
typedef struct mv_impl {
    float eps;
    bool layer; /* gamma indexed by position along the normalised axis */
    int64_t outer, n, inner, channels;
} mv_impl;

static mxio_status mv_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                          void *const *out, void *scratch, mxio_error *err) {
    const mv_impl *q = k->impl;
    const float *x = in[0], *gamma = in[1], *beta = in[2];
    float *y = out[0];
    for (int64_t o = 0; o < q->outer; o++)
        for (int64_t i = 0; i < q->inner; i++) {
            const float *xp = x + o * q->n * q->inner + i;
            float *yp = y + o * q->n * q->inner + i;
            double s = 0, ss = 0;
            for (int64_t j = 0; j < q->n; j++) s += xp[j * q->inner];
            double mean = s / (double)q->n;
            for (int64_t j = 0; j < q->n; j++) {
                double d = xp[j * q->inner] - mean;
                ss += d * d;
            }
            float invstd = (float)(1.0 / sqrt(ss / (double)q->n + q->eps));
            float m = (float)mean;
            int64_t ch = o % q->channels;
            for (int64_t j = 0; j < q->n; j++) {
                int64_t gi = q->layer ? j : ch;
                yp[j * q->inner] = (xp[j * q->inner] - m) * invstd * gamma[gi] + beta[gi];
            }
        }
    return MXIO_OK;
}

mxio_status mxio__k_instnorm_create(const mxio__rt_ctx *ctx, const mxio__instnorm_params *p,
                                    const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "InstanceNorm";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim < 3) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs (N, C, ...)", op);
    mxio__tdesc all[3] = {in[0]};
    mxio__tdesc_plain(&all[1], 1, &in[0].dims[1]);
    all[2] = all[1];
    mxio__kernel *k = mxio__kernel_new_unary(op, 3, all, sizeof(mv_impl), mv_run, err);
    if (!k) return MXIO_E_NOMEM;
    mv_impl *q = k->impl;
    q->eps = p->eps;
    q->outer = in[0].dims[0] * in[0].dims[1];
    q->channels = in[0].dims[1];
    q->n = 1;
    for (int i = 2; i < in[0].ndim; i++) q->n *= in[0].dims[i];
    q->inner = 1;
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_groupnorm_create(const mxio__rt_ctx *ctx, const mxio__groupnorm_params *p,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "GroupNorm";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, in, err);
    if (st != MXIO_OK) return st;
    int64_t G = p->num_groups;
    if (in[0].ndim < 2 || G < 1 || in[0].dims[1] % G)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: channels must divide by num_groups %lld",
                          op, (long long)G);
    mxio__tdesc all[3] = {in[0]};
    mxio__tdesc_plain(&all[1], 1, &G);
    all[2] = all[1];
    mxio__kernel *k = mxio__kernel_new_unary(op, 3, all, sizeof(mv_impl), mv_run, err);
    if (!k) return MXIO_E_NOMEM;
    mv_impl *q = k->impl;
    q->eps = p->eps;
    q->outer = in[0].dims[0] * G;
    q->channels = G; /* gamma/beta index: the group */
    q->n = in[0].dims[1] / G;
    for (int i = 2; i < in[0].ndim; i++) q->n *= in[0].dims[i];
    q->inner = 1;
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_layernorm_create(const mxio__rt_ctx *ctx, const mxio__layernorm_params *p,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "LayerNorm";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, in, err);
    if (st != MXIO_OK) return st;
    int axis = mxio__rt_axis(p->axis, in[0].ndim);
    if (axis < 0 || axis >= in[0].ndim)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, p->axis);
    mxio__tdesc all[3] = {in[0]};
    mxio__tdesc_plain(&all[1], 1, &in[0].dims[axis]);
    all[2] = all[1];
    mxio__kernel *k = mxio__kernel_new_unary(op, 3, all, sizeof(mv_impl), mv_run, err);
    if (!k) return MXIO_E_NOMEM;
    mv_impl *q = k->impl;
    q->eps = p->eps;
    q->layer = true;
    q->channels = 1;
    split_axis(&in[0], axis, &q->outer, &q->n, &q->inner);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- Activation / LeakyReLU / clip ---------------------------------------------- */

typedef struct act_impl {
    mxio__act_params p;
    int64_t outer, c, inner; /* prelu: gamma along axis 1 */
    bool gamma_scalar;
} act_impl;

static inline float act_one(const mxio__act_params *p, float x, float slope) {
    switch (p->type) {
    case MXIO__ACT_RELU: return x > 0.0f ? x : 0.0f;
    case MXIO__ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case MXIO__ACT_TANH: return tanhf(x);
    case MXIO__ACT_SOFTRELU: return x > 20.0f ? x : log1pf(expf(x));
    case MXIO__ACT_SOFTSIGN: return x / (1.0f + fabsf(x));
    case MXIO__ACT_LEAKY:
    case MXIO__ACT_RRELU:
    case MXIO__ACT_PRELU: return x > 0.0f ? x : x * slope;
    case MXIO__ACT_ELU: return x > 0.0f ? x : slope * expm1f(x);
    case MXIO__ACT_SELU:
        return 1.0507009873554804934193349852946f *
               (x > 0.0f ? x : 1.6732632423543772848170429916717f * expm1f(x));
    case MXIO__ACT_GELU: return 0.5f * x * (1.0f + erff(x / 1.4142135623730950488016887242096f));
    case MXIO__ACT_CLIP: return x < p->a_min ? p->a_min : x > p->a_max ? p->a_max : x;
    }
    return x;
}

static mxio_status act_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const act_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    if (q->p.type == MXIO__ACT_PRELU) {
        const float *gamma = in[1];
        for (int64_t o = 0; o < q->outer; o++)
            for (int64_t c = 0; c < q->c; c++) {
                float g = gamma[q->gamma_scalar ? 0 : c];
                const float *xp = x + (o * q->c + c) * q->inner;
                float *yp = y + (o * q->c + c) * q->inner;
                for (int64_t i = 0; i < q->inner; i++) yp[i] = xp[i] > 0.0f ? xp[i] : xp[i] * g;
            }
        return MXIO_OK;
    }
    int64_t n = q->outer * q->c * q->inner;
    float slope = q->p.type == MXIO__ACT_RRELU ? (q->p.lower_bound + q->p.upper_bound) / 2.0f
                                               : q->p.slope;
    mxio__act_params p = q->p;
    switch (p.type) { /* separate loops so the compiler vectorises the common ones */
    case MXIO__ACT_RELU:
        for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case MXIO__ACT_CLIP:
        for (int64_t i = 0; i < n; i++) y[i] = fminf(fmaxf(x[i], p.a_min), p.a_max);
        break;
    default:
        for (int64_t i = 0; i < n; i++) y[i] = act_one(&p, x[i], slope);
    }
    return MXIO_OK;
}

mxio_status mxio__k_act_create(const mxio__rt_ctx *ctx, const mxio__act_params *p,
                               const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = p->type == MXIO__ACT_CLIP ? "clip"
                     : p->type <= MXIO__ACT_SOFTSIGN ? "Activation" : "LeakyReLU";
    bool prelu = p->type == MXIO__ACT_PRELU;
    int64_t count = 0;
    float slope0 = p->type == MXIO__ACT_RRELU ? (p->lower_bound + p->upper_bound) / 2.0f : p->slope;
    mxio_status st = prelu ? mxio__rt_check_plain_f32(op, 2, in, err)
                           : mxio__rt_elementwise_count(op, 1, in, act_one(p, 0.0f, slope0) == 0.0f,
                                                        &count, err);
    if (st != MXIO_OK) return st;
    mxio__kernel *k = mxio__kernel_new_unary(op, prelu ? 2 : 1, in, sizeof(act_impl), act_run, err);
    if (!k) return MXIO_E_NOMEM;
    act_impl *q = k->impl;
    q->p = *p;
    k->in_place_ok = true;
    if (prelu) {
        int64_t gn = mxio__tdesc_numel(&in[1]);
        if (in[0].ndim < 2) {
            q->outer = 1, q->c = 1, q->inner = mxio__tdesc_numel(&in[0]);
        } else {
            split_axis(&in[0], 1, &q->outer, &q->c, &q->inner);
        }
        q->gamma_scalar = gn == 1;
        if (gn != 1 && gn != q->c) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: prelu gamma has %lld values for %lld channels",
                              op, (long long)gn, (long long)q->c);
        }
    } else {
        q->outer = 1, q->c = 1, q->inner = count;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- softmax family -------------------------------------------------------------- */

typedef struct sm_impl {
    float temperature;
    bool log, negate;
    mxio_dtype length_dtype; /* when k->nin == 2 */
    int64_t outer, n, inner;
} sm_impl;

static mxio_status sm_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                          void *const *out, void *scratch, mxio_error *err) {
    const sm_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    const float t = q->temperature, sg = q->negate ? -1.0f : 1.0f; /* softmin: softmax of -x */
    for (int64_t o = 0; o < q->outer; o++)
        for (int64_t i = 0; i < q->inner; i++) {
            const float *xp = x + o * q->n * q->inner + i;
            float *yp = y + o * q->n * q->inner + i;
            const int64_t st = q->inner;
            int64_t n = q->n;
            if (k->nin == 2) { /* MXNet: the first `length` entries, the rest 0 */
                int64_t row = o * q->inner + i;
                double l = q->length_dtype == MXIO_DTYPE_INT32 ? (double)((const int32_t *)in[1])[row]
                                                                 : (double)((const float *)in[1])[row];
                n = l != l || l <= 0 ? 0 : l >= (double)q->n ? q->n : (int64_t)l;
                for (int64_t j = n; j < q->n; j++) yp[j * st] = 0.0f;
                if (n == 0) continue;
            }
            float mx = -FLT_MAX;
            for (int64_t j = 0; j < n; j++)
                if (sg * xp[j * st] > mx) mx = sg * xp[j * st];
            double sum = 0;
            if (q->log) {
                for (int64_t j = 0; j < n; j++) sum += expf((sg * xp[j * st] - mx) / t);
                float ls = (float)log(sum);
                for (int64_t j = 0; j < n; j++) yp[j * st] = (sg * xp[j * st] - mx) / t - ls;
            } else {
                for (int64_t j = 0; j < n; j++) {
                    float e = expf((sg * xp[j * st] - mx) / t);
                    yp[j * st] = e;
                    sum += e;
                }
                float inv = (float)sum;
                for (int64_t j = 0; j < n; j++) yp[j * st] /= inv;
            }
        }
    return MXIO_OK;
}

static mxio_status sm_make(const char *op, const mxio__tdesc *data, int64_t outer, int64_t n,
                           int64_t inner, float temperature, bool log, bool negate, mxio__kernel **out,
                           mxio_error *err) {
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(sm_impl), sm_run, err);
    if (!k) return MXIO_E_NOMEM;
    sm_impl *q = k->impl;
    q->outer = outer, q->n = n, q->inner = inner, q->temperature = temperature, q->log = log, q->negate = negate;
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

static mxio_status softmax_make(const mxio__rt_ctx *ctx, const mxio__softmax_params *p, bool negate,
                                const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = p->log ? "log_softmax" : negate ? "softmin" : "softmax";
    int axis = mxio__rt_axis(p->axis, data->ndim);
    if (axis < 0 || axis >= data->ndim)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, p->axis);
    int64_t o, n, i;
    split_axis(data, axis, &o, &n, &i);
    if (!p->use_length) return sm_make(op, data, o, n, i, p->temperature, p->log, negate, out, err);
    const mxio__tdesc *len = &data[1];
    if (len->layout != MXIO__LAYOUT_PLAIN ||
        (len->dtype != MXIO_DTYPE_FLOAT32 && len->dtype != MXIO_DTYPE_INT32) ||
        mxio__tdesc_numel(len) != o * i)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: length must be float32/int32 with one entry per softmax row", op);
    mxio__kernel *k = NULL;
    mxio_status st = sm_make(op, data, o, n, i, p->temperature, p->log, negate, &k, err);
    if (st != MXIO_OK) return st;
    k->nin = 2;
    k->in[1] = *len;
    k->in_place_ok = false;
    ((sm_impl *)k->impl)->length_dtype = len->dtype;
    *out = k;
    return MXIO_OK;
}

mxio_status mxio__k_softmax_create(const mxio__rt_ctx *ctx, const mxio__softmax_params *p,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    return softmax_make(ctx, p, false, data, out, err);
}

mxio_status mxio__k_softmin_create(const mxio__rt_ctx *ctx, const mxio__softmax_params *p,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    return softmax_make(ctx, p, true, data, out, err);
}

mxio_status mxio__k_softmax_activation_create(const mxio__rt_ctx *ctx, bool channel_mode,
                                              const mxio__tdesc *data, mxio__kernel **out,
                                              mxio_error *err) {
    const char *op = "SoftmaxActivation";
    if (data->ndim < 2) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: rank < 2", op);
    int64_t o, n, i;
    split_axis(data, channel_mode ? 1 : data->ndim - 1, &o, &n, &i);
    return sm_make(op, data, o, n, i, 1.0f, false, false, out, err);
}

mxio_status mxio__k_softmax_output_create(const mxio__rt_ctx *ctx,
                                          const mxio__softmax_output_params *p,
                                          const mxio__tdesc *data, mxio__kernel **out,
                                          mxio_error *err) {
    const char *op = "SoftmaxOutput";
    int64_t o, n, i;
    if (data->ndim < 1) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: scalar data", op);
    if (p->preserve_shape) {
        split_axis(data, data->ndim - 1, &o, &n, &i);
    } else if (p->multi_output && data->ndim >= 2) {
        split_axis(data, 1, &o, &n, &i);
    } else { /* (N, mxio__rt_prod(rest)) */
        o = data->dims[0];
        n = 1;
        for (int d = 1; d < data->ndim; d++) n *= data->dims[d];
        i = 1;
    }
    return sm_make(op, data, o, n, i, 1.0f, false, false, out, err);
}

/* ---- Embedding ---------------------------------------------------------------------- */

typedef struct emb_impl {
    int64_t input_dim, output_dim, count;
} emb_impl;

static mxio_status emb_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const emb_impl *q = k->impl;
    const float *idx = in[0], *w = in[1];
    float *y = out[0];
    for (int64_t i = 0; i < q->count; i++) {
        float f = idx[i];
        /* MXNet casts to an integer and clips to the table (mode clip). */
        int64_t j = f != f ? 0 : f <= 0.0f ? 0 : f >= (float)q->input_dim ? q->input_dim - 1 : (int64_t)f;
        if (j >= q->input_dim) j = q->input_dim - 1;
        memcpy(y + i * q->output_dim, w + j * q->output_dim, (size_t)q->output_dim * sizeof(float));
    }
    return MXIO_OK;
}

mxio_status mxio__k_embedding_create(const mxio__rt_ctx *ctx, int64_t input_dim,
                                     int64_t output_dim, const mxio__tdesc *in,
                                     mxio__kernel **out, mxio_error *err) {
    const char *op = "Embedding";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim + 1 > MXIO__RT_MAX_DIMS || input_dim < 1 || output_dim < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad rank or dims", op);
    mxio__tdesc all[2] = {in[0]};
    int64_t wd[2] = {input_dim, output_dim};
    mxio__tdesc_plain(&all[1], 2, wd);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, all, sizeof(emb_impl), emb_run, err);
    if (!k) return MXIO_E_NOMEM;
    emb_impl *q = k->impl;
    q->input_dim = input_dim, q->output_dim = output_dim, q->count = mxio__tdesc_numel(&in[0]);
    k->out[0].ndim = in[0].ndim + 1;
    k->out[0].dims[in[0].ndim] = output_dim;
    return mxio__rt_kernel_done(k, out, err);
}
