/* k_quant.c - MXNet 1.9.1's oneDNN int8 inference ops: quantize_v2, requantize,
 * dequantize, quantized pooling / concat / flatten, the quantized _sg_mkldnn_conv
 * and _sg_mkldnn_fully_connected.
 *
 * MXNet's CPU build runs these through oneDNN reorders and primitives; the
 * arithmetic reproduced here is theirs: scales are range / max(|min|, |max|)
 * with the ranges 127.5 (int8) and 255.5 (uint8); float to integer is
 * round-to-nearest-even after saturation (oneDNN's cvtps2dq). The quantized
 * convolution accumulates in int32 on oneDNN (exact with VNNI) and the
 * requantisation - (acc + bias) * scale, activation, residual sum as a fused
 * multiply-add, activation, saturate, round - is done here in C in the same
 * order as oneDNN's int8 convolution kernels, because the data ranges (and so
 * the bias and output scales) are run-time inputs. */
#include "k_quant.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

static float max_abs(float a, float b) {
    float x = fabsf(a), y = fabsf(b);
    return x > y ? x : y;
}

/* GetQuantizeScale: a zero range gives INT32_MAX (as float) instead of inf. */
static float quantize_scale(mxio_dtype t, float lo, float hi) {
    float real = max_abs(lo, hi);
    float range = t == MXIO_DTYPE_INT8 ? MXIO__Q_INT8_RANGE : MXIO__Q_UINT8_RANGE;
    return real != 0.0f ? range / real : (float)INT32_MAX;
}

static bool is_q8(mxio_dtype t) { return t == MXIO_DTYPE_INT8 || t == MXIO_DTYPE_UINT8; }

/* Saturate then round half to even (oneDNN's f32 -> s8/u8/s32 conversion). NaN
 * goes to lo (no undefined float-to-int conversion). Below 2^22 adding and
 * removing 1.5 * 2^23 rounds to even in the default rounding mode, without a
 * libm call (this runs once per output element). */
static inline float sat_round(float v, float lo, float hi) {
    if (!(v >= lo)) v = lo;
    if (v > hi) v = hi;
    if (hi <= 4194304.0f) return (v + 12582912.0f) - 12582912.0f;
    return nearbyintf(v);
}

static float q8_load(const void *p, mxio_dtype t, int64_t i) {
    return t == MXIO_DTYPE_INT8 ? (float)((const int8_t *)p)[i] : (float)((const uint8_t *)p)[i];
}

static void q8_store(void *p, mxio_dtype t, int64_t i, float v) {
    if (t == MXIO_DTYPE_INT8) ((int8_t *)p)[i] = (int8_t)v;
    else ((uint8_t *)p)[i] = (uint8_t)v;
}

static void q8_bounds(mxio_dtype t, float *lo, float *hi) {
    *lo = t == MXIO_DTYPE_INT8 ? -128.0f : 0.0f;
    *hi = t == MXIO_DTYPE_INT8 ? 127.0f : 255.0f;
}

static void range_out(mxio__kernel *k, int at) {
    int64_t one = 1;
    mxio__tdesc_plain(&k->out[at], 1, &one);
}

static mxio_status check_plain(const char *op, const mxio__tdesc *t, int i, mxio_error *err) {
    if (t->layout != MXIO__LAYOUT_PLAIN)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s input %d: blocked layout not accepted here", op, i);
    if (t->ndim < 1 || t->ndim > MXIO__RT_MAX_DIMS || mxio__tdesc_numel(t) < 0)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s input %d: bad shape", op, i);
    return MXIO_OK;
}

static mxio_status check_range(const char *op, int nin, const mxio__tdesc *in, int from, int count,
                               mxio_error *err) {
    for (int i = from; i < from + count; i++) {
        if (i >= nin || in[i].dtype != MXIO_DTYPE_FLOAT32 || mxio__tdesc_numel(&in[i]) != 1 ||
            in[i].layout != MXIO__LAYOUT_PLAIN)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s input %d must be a float32 range of one value",
                              op, i);
    }
    return MXIO_OK;
}

static mxio__kernel *new_kernel(const char *op, int nin, const mxio__tdesc *in, size_t impl,
                                mxio__kernel_run_fn run, int nout, mxio_error *err) {
    mxio__kernel *k = mxio__kernel_new(op, nin, in, impl);
    if (!k || !mxio__kernel_set_nout(k, nout)) {
        mxio__kernel_free(k);
        mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
        return NULL;
    }
    k->run = run;
    k->destroy = mxio__kernel_default_destroy;
    return k;
}

/* ---- _contrib_quantize_v2 ----------------------------------------------------- */

typedef struct quantize_impl {
    mxio__quantize_params p;
    mxio_dtype in_dtype;
    int64_t n;
} quantize_impl;

static mxio_status quantize_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                                void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)scratch, (void)err;
    const quantize_impl *q = k->impl;
    float *omin = out[1], *omax = out[2];
    if (is_q8(q->in_dtype)) { /* already quantized: pass through */
        memcpy(out[0], in[0], (size_t)q->n);
        if (q->p.calib) {
            *omin = q->p.calib_min;
            *omax = q->p.calib_max;
        } else if (q->in_dtype == MXIO_DTYPE_UINT8) {
            *omin = 0.0f;
            *omax = MXIO__Q_UINT8_RANGE;
        } else {
            *omin = -MXIO__Q_INT8_RANGE;
            *omax = MXIO__Q_INT8_RANGE;
        }
        return MXIO_OK;
    }
    const float *x = in[0];
    float lo = FLT_MAX, hi = -FLT_MAX;
    if (q->p.calib) {
        lo = q->p.calib_min;
        hi = q->p.calib_max;
    } else {
        for (int64_t i = 0; i < q->n; i++) {
            if (x[i] > hi) hi = x[i];
            if (x[i] < lo) lo = x[i];
        }
    }
    mxio_dtype t = q->p.out_dtype;
    if (t == MXIO_DTYPE_UINT8) {
        *omin = lo;
        *omax = hi;
    } else {
        *omin = -max_abs(lo, hi);
        *omax = max_abs(lo, hi);
    }
    /* MXNet's oneDNN quantize has no zero-range guard: scale = range / real */
    float scale = (t == MXIO_DTYPE_INT8 ? MXIO__Q_INT8_RANGE : MXIO__Q_UINT8_RANGE) / max_abs(lo, hi);
    float qlo, qhi;
    q8_bounds(t, &qlo, &qhi);
    for (int64_t i = 0; i < q->n; i++) q8_store(out[0], t, i, sat_round(x[i] * scale, qlo, qhi));
    return MXIO_OK;
}

mxio_status mxio__k_quantize_create(const mxio__rt_ctx *ctx, const mxio__quantize_params *p,
                                    const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    (void)ctx;
    const char *op = "_contrib_quantize_v2";
    mxio_status st = check_plain(op, data, 0, err);
    if (st) return st;
    if (data->dtype != MXIO_DTYPE_FLOAT32 && !is_q8(data->dtype))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: input dtype %d (float32, int8 or uint8 only)",
                          op, (int)data->dtype);
    if (!is_q8(p->out_dtype))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: output dtype %d", op, (int)p->out_dtype);
    mxio__kernel *k = new_kernel(op, 1, data, sizeof(quantize_impl), quantize_run, 3, err);
    if (!k) return MXIO_E_NOMEM;
    quantize_impl *q = k->impl;
    q->p = *p;
    q->in_dtype = data->dtype;
    q->n = mxio__tdesc_numel(data);
    k->out[0] = *data;
    k->out[0].dtype = is_q8(data->dtype) ? data->dtype : p->out_dtype;
    range_out(k, 1);
    range_out(k, 2);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- _contrib_dequantize --------------------------------------------------------- */

typedef struct dequantize_impl {
    mxio_dtype in_dtype;
    int64_t n;
} dequantize_impl;

static mxio_status dequantize_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                                  void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)scratch, (void)err;
    const dequantize_impl *d = k->impl;
    float lo = *(const float *)in[1], hi = *(const float *)in[2];
    float range = d->in_dtype == MXIO_DTYPE_INT8 ? MXIO__Q_INT8_RANGE : MXIO__Q_UINT8_RANGE;
    float scale = max_abs(lo, hi) / range;
    float *y = out[0];
    for (int64_t i = 0; i < d->n; i++) y[i] = scale * q8_load(in[0], d->in_dtype, i);
    return MXIO_OK;
}

mxio_status mxio__k_dequantize_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                      mxio__kernel **out, mxio_error *err) {
    (void)ctx;
    const char *op = "_contrib_dequantize";
    mxio_status st = check_plain(op, &in[0], 0, err);
    if (st || (st = check_range(op, 3, in, 1, 2, err))) return st;
    if (!is_q8(in[0].dtype))
        return mxio__fail(err, MXIO_E_UNSUPPORTED,
                          "runtime: %s: input dtype %d (int8 or uint8 only; int32 is not supported)", op,
                          (int)in[0].dtype);
    mxio__kernel *k = new_kernel(op, 3, in, sizeof(dequantize_impl), dequantize_run, 1, err);
    if (!k) return MXIO_E_NOMEM;
    dequantize_impl *d = k->impl;
    d->in_dtype = in[0].dtype;
    d->n = mxio__tdesc_numel(&in[0]);
    k->out[0] = in[0];
    k->out[0].dtype = MXIO_DTYPE_FLOAT32;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- _contrib_quantized_pooling --------------------------------------------------- */

typedef struct qpool_impl {
    mxio__qpool_params p;
    mxio_dtype t;
    int64_t n, c, in[3], out[3];
} qpool_impl;

static mxio_status qpool_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)scratch, (void)err;
    const qpool_impl *q = k->impl;
    const mxio__qpool_params *p = &q->p;
    int64_t isz = q->in[0] * q->in[1] * q->in[2], osz = q->out[0] * q->out[1] * q->out[2];
    int64_t ksize = p->kernel[0] * p->kernel[1] * p->kernel[2];
    float lo, hi;
    q8_bounds(q->t, &lo, &hi);
    for (int64_t nc = 0; nc < q->n * q->c; nc++) {
        int64_t ibase = nc * isz, obase = nc * osz, o = 0;
        for (int64_t a = 0; a < q->out[0]; a++)
            for (int64_t b = 0; b < q->out[1]; b++)
                for (int64_t e = 0; e < q->out[2]; e++, o++) {
                    int64_t s[3], t[3], pos[3] = {a, b, e};
                    for (int d = 0; d < 3; d++) {
                        s[d] = pos[d] * p->stride[d] - p->pad[d];
                        t[d] = s[d] + p->kernel[d];
                        if (s[d] < 0) s[d] = 0;
                        if (t[d] > q->in[d]) t[d] = q->in[d];
                    }
                    float best = lo;
                    int64_t sum = 0, cnt = 0;
                    for (int64_t i = s[0]; i < t[0]; i++)
                        for (int64_t j = s[1]; j < t[1]; j++)
                            for (int64_t l = s[2]; l < t[2]; l++) {
                                float v = q8_load(in[0], q->t, ibase + (i * q->in[1] + j) * q->in[2] + l);
                                if (v > best) best = v;
                                sum += (int64_t)v;
                                cnt++;
                            }
                    float v = best;
                    if (p->avg) {
                        /* oneDNN's int8 average: the int32 sum times 1/count, rounded */
                        int64_t div = p->count_include_pad ? ksize : cnt;
                        v = div ? sat_round((float)sum * (1.0f / (float)div), lo, hi) : 0.0f;
                    }
                    q8_store(out[0], q->t, obase + o, v);
                }
    }
    ((float *)out[1])[0] = ((const float *)in[1])[0];
    ((float *)out[2])[0] = ((const float *)in[2])[0];
    return MXIO_OK;
}

mxio_status mxio__k_qpool_create(const mxio__rt_ctx *ctx, const mxio__qpool_params *p,
                                 const mxio__tdesc *in, const int64_t *out_dims,
                                 mxio__kernel **out, mxio_error *err) {
    (void)ctx;
    const char *op = "_contrib_quantized_pooling";
    mxio_status st = check_plain(op, &in[0], 0, err);
    if (st || (st = check_range(op, 3, in, 1, 2, err))) return st;
    if (!is_q8(in[0].dtype))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: input dtype %d (int8 or uint8 only)", op,
                          (int)in[0].dtype);
    if (p->nspatial < 1 || p->nspatial > 3 || in[0].ndim != p->nspatial + 2)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d-D data for a %d-D kernel", op, in[0].ndim,
                          p->nspatial);
    mxio__kernel *k = new_kernel(op, 3, in, sizeof(qpool_impl), qpool_run, 3, err);
    if (!k) return MXIO_E_NOMEM;
    qpool_impl *q = k->impl;
    q->p = *p;
    q->t = in[0].dtype;
    q->n = in[0].dims[0];
    q->c = in[0].dims[1];
    int off = 3 - p->nspatial; /* spatial dims right-aligned into 3 */
    for (int d = 0; d < 3; d++) {
        q->in[d] = q->out[d] = 1;
        q->p.kernel[d] = q->p.stride[d] = 1;
        q->p.pad[d] = 0;
    }
    for (int d = 0; d < p->nspatial; d++) {
        q->in[off + d] = in[0].dims[2 + d];
        q->out[off + d] = out_dims[2 + d];
        q->p.kernel[off + d] = p->kernel[d];
        q->p.stride[off + d] = p->stride[d];
        q->p.pad[off + d] = p->pad[d];
        if (p->kernel[d] < 1 || p->stride[d] < 1 || p->pad[d] < 0 || out_dims[2 + d] < 1) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad pooling geometry", op);
        }
    }
    k->out[0] = in[0];
    k->out[0].dims[0] = out_dims[0];
    k->out[0].dims[1] = out_dims[1];
    for (int d = 0; d < p->nspatial; d++) k->out[0].dims[2 + d] = out_dims[2 + d];
    range_out(k, 1);
    range_out(k, 2);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- quantized _sg_mkldnn_conv ------------------------------------------------------ */

#define DNNL_TRY(call, what) MXIO__DNNL_TRY(st, call, what)

typedef struct qconv_impl {
    mxio__qconv_params p;
    mxio_dtype src_t, sum_t;
    int64_t n, c, o, ospatial, wrow; /* wrow: weights per filter */
    dnnl_primitive_t conv, src_reorder, wei_reorder;
    dnnl_primitive_t res_reorder, out_reorder; /* residual plain -> channels-last; output back */
    dnnl_memory_desc_t res_md, res_cl_md, out_md, out_cl_md;
    mxio_dtype store_t; /* what the output bytes hold (see qconv_run) */
    dnnl_memory_desc_t user_src_md, src_md, wei_md, user_wei_md, dst_md, pad_md;
    float *weight, *bias;  /* folded fp32 (kernel-owned) */
    float *base_scale;     /* per filter: 127.5 / max|w| (before the bias clamp) */
    float wmin, wmax;      /* over all weights (the uncalibrated, per-tensor case) */
    void *packed;          /* weights quantized with base_scale, in wei_md */
    size_t off_src, off_dst, off_pad, off_q, off_wplain, off_wpacked, off_res, off_out, off_row;
} qconv_impl;

static void qconv_destroy(mxio__kernel *k) {
    qconv_impl *q = k->impl;
    if (!q) return;
    if (q->conv) dnnl_primitive_destroy(q->conv);
    if (q->src_reorder) dnnl_primitive_destroy(q->src_reorder);
    if (q->wei_reorder) dnnl_primitive_destroy(q->wei_reorder);
    if (q->res_reorder) dnnl_primitive_destroy(q->res_reorder);
    if (q->out_reorder) dnnl_primitive_destroy(q->out_reorder);
    free(q->weight);
    free(q->bias);
    free(q->base_scale);
    mxio__rt_free(q->packed);
    free(q);
    k->impl = NULL;
}

static dnnl_status_t reorder_exec(dnnl_primitive_t r, const dnnl_memory_desc_t *from_md, const void *from,
                                  const dnnl_memory_desc_t *to_md, void *to, dnnl_engine_t eng,
                                  dnnl_stream_t s) {
    dnnl_memory_t a = NULL, b = NULL;
    dnnl_status_t st = dnnl_memory_create(&a, from_md, eng, (void *)from);
    if (st == dnnl_success) st = dnnl_memory_create(&b, to_md, eng, to);
    if (st == dnnl_success) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, a}, {DNNL_ARG_TO, b}};
        st = dnnl_primitive_execute(r, s, 2, args);
    }
    if (st == dnnl_success) st = dnnl_stream_wait(s);
    if (a) dnnl_memory_destroy(a);
    if (b) dnnl_memory_destroy(b);
    return st;
}

static void quantize_weights(const qconv_impl *q, const float *scale, int8_t *dst) {
    for (int64_t f = 0; f < q->o; f++)
        for (int64_t i = 0; i < q->wrow; i++)
            dst[f * q->wrow + i] = (int8_t)sat_round(q->weight[f * q->wrow + i] * scale[f], -128.0f, 127.0f);
}

static size_t align_up(size_t n) { return (n + MXIO__RT_ALIGN - 1) & ~(size_t)(MXIO__RT_ALIGN - 1); }

/* Rows of the requantisation, in fixed chunks so that GCC's -O2 vectoriser
 * (which needs no tail loop) turns them into SIMD code. */
enum { LANES = 16 };

static void requant_row(int64_t o, const int32_t *restrict a, const float *restrict bf,
                        const float *restrict rq, bool relu, float *restrict row) {
    int64_t f = 0;
    for (; f + LANES <= o; f += LANES)
        for (int j = 0; j < LANES; j++) {
            float v = ((float)a[f + j] + bf[f + j]) * rq[f + j];
            row[f + j] = relu ? (v > 0.0f ? v : 0.0f) : v;
        }
    for (; f < o; f++) {
        float v = ((float)a[f] + bf[f]) * rq[f];
        row[f] = relu ? (v > 0.0f ? v : 0.0f) : v;
    }
}

static void relu_row(int64_t o, float *restrict row) {
    int64_t f = 0;
    for (; f + LANES <= o; f += LANES)
        for (int j = 0; j < LANES; j++) row[f + j] = row[f + j] > 0.0f ? row[f + j] : 0.0f;
    for (; f < o; f++) row[f] = row[f] > 0.0f ? row[f] : 0.0f;
}

/* row += scale * residual as one fused multiply-add per element (oneDNN's sum
 * post-op); the FMA build of the loop is the same arithmetic, vectorised. */
#define SUM_ROW_BODY(T)                                                                  \
    int64_t f = 0;                                                                       \
    for (; f + LANES <= o; f += LANES)                                                   \
        for (int j = 0; j < LANES; j++) row[f + j] = fmaf(scale, (float)((const T *)r)[f + j], row[f + j]); \
    for (; f < o; f++) row[f] = fmaf(scale, (float)((const T *)r)[f], row[f]);

__attribute__((target("avx2,fma"))) static void sum_row_fma(int64_t o, float scale, const void *restrict r,
                                                           bool s8, float *restrict row) {
    if (s8) {
        SUM_ROW_BODY(int8_t)
    } else {
        SUM_ROW_BODY(uint8_t)
    }
}

static void sum_row(int64_t o, float scale, const void *restrict r, bool s8, float *restrict row) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        sum_row_fma(o, scale, r, s8, row);
    } else if (s8) {
        SUM_ROW_BODY(int8_t)
    } else {
        SUM_ROW_BODY(uint8_t)
    }
}
#undef SUM_ROW_BODY

/* saturate (NaN to the low bound), then round half to even (see sat_round) */
static void store_s8_row(int64_t o, const float *restrict row, int8_t *restrict out) {
    int64_t f = 0;
    for (; f + LANES <= o; f += LANES)
        for (int j = 0; j < LANES; j++) {
            float v = row[f + j] >= -128.0f ? row[f + j] : -128.0f;
            v = v > 127.0f ? 127.0f : v;
            out[f + j] = (int8_t)(int32_t)((v + 12582912.0f) - 12582912.0f);
        }
    for (; f < o; f++) out[f] = (int8_t)sat_round(row[f], -128.0f, 127.0f);
}

static void store_u8_row(int64_t o, const float *restrict row, uint8_t *restrict out) {
    int64_t f = 0;
    for (; f + LANES <= o; f += LANES)
        for (int j = 0; j < LANES; j++) {
            float v = row[f + j] >= 0.0f ? row[f + j] : 0.0f;
            v = v > 255.0f ? 255.0f : v;
            out[f + j] = (uint8_t)(int32_t)((v + 12582912.0f) - 12582912.0f);
        }
    for (; f < o; f++) out[f] = (uint8_t)sat_round(row[f], 0.0f, 255.0f);
}

static mxio_status qconv_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    const qconv_impl *q = k->impl;
    const mxio__qconv_params *p = &q->p;
    const char *op = k->op;
    mxio_status st = MXIO_OK;
    dnnl_engine_t eng = ex->ctx->engine;
    unsigned char *sc = scratch;
    float dmin = *(const float *)in[p->min_index], dmax = *(const float *)in[p->min_index + 1];
    float data_scale = quantize_scale(q->src_t, dmin, dmax);
    bool calib = p->out_dtype != MXIO_DTYPE_INT32;
    /* uncalibrated: int32 output, per-tensor weight scale, no output scale */
    float out_scale = calib ? quantize_scale(p->out_dtype, p->out_min, p->out_max)
                            : data_scale * q->base_scale[0];
    float sum_scale = 0.0f;
    if (p->with_sum) {
        float smin = *(const float *)in[p->min_index + 2], smax = *(const float *)in[p->min_index + 3];
        sum_scale = out_scale / quantize_scale(q->sum_t, smin, smax);
    }
    /* Per filter: the weight scale (MXNet caps it so the int32 bias stays
     * below 2^30), the int32 bias and the requantisation scale. */
    float *ws = (float *)(sc + q->off_q), *rq = ws + q->o;
    int32_t *b32 = (int32_t *)(rq + q->o);
    bool clamped = false;
    for (int64_t f = 0; f < q->o; f++) {
        float s = q->base_scale[f];
        float b = q->bias ? q->bias[f] : 0.0f;
        if (b != 0.0f && calib) {
            float cap = (b > 0 ? (float)INT32_MAX : (float)INT32_MIN) / 2 / b / data_scale;
            if (cap < s) {
                s = cap;
                clamped = true;
            }
        }
        ws[f] = s;
        float bs = s * data_scale;
        b32[f] = (int32_t)sat_round(b * bs, -2147483648.0f, 2147483520.0f);
        rq[f] = calib ? out_scale / data_scale / s : 1.0f;
    }
    const void *wei = q->packed;
    if (clamped) {
        int8_t *plain = (int8_t *)(sc + q->off_wplain);
        quantize_weights(q, ws, plain);
        DNNL_TRY(reorder_exec(q->wei_reorder, &q->user_wei_md, plain, &q->wei_md, sc + q->off_wpacked, eng,
                              ex->stream),
                 "weight reorder");
        wei = sc + q->off_wpacked;
    }
    DNNL_TRY(reorder_exec(q->src_reorder, &q->user_src_md, in[0], &q->src_md, sc + q->off_src, eng, ex->stream),
             "input reorder");
    {
        dnnl_memory_t m[4] = {0};
        dnnl_status_t ds = dnnl_memory_create(&m[0], &q->src_md, eng, sc + q->off_src);
        if (ds == dnnl_success) ds = dnnl_memory_create(&m[1], &q->wei_md, eng, (void *)wei);
        if (ds == dnnl_success) ds = dnnl_memory_create(&m[2], &q->dst_md, eng, sc + q->off_dst);
        if (ds == dnnl_success) ds = dnnl_memory_create(&m[3], &q->pad_md, eng, sc + q->off_pad);
        if (ds == dnnl_success) {
            dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, m[0]}, {DNNL_ARG_WEIGHTS, m[1]},
                                       {DNNL_ARG_DST, m[2]}, {DNNL_ARG_SCRATCHPAD, m[3]}};
            ds = dnnl_primitive_execute(q->conv, ex->stream, 4, args);
        }
        if (ds == dnnl_success) ds = dnnl_stream_wait(ex->stream);
        for (int i = 0; i < 4; i++)
            if (m[i]) dnnl_memory_destroy(m[i]);
        DNNL_TRY(ds, "convolution");
    }
    /* Requantise in the channels-last order of the int32 output (rows of
     * filters, so the loops vectorise), then one reorder to the plain output. */
    const int32_t *acc = (const int32_t *)(sc + q->off_dst);
    const unsigned char *res = NULL;
    if (p->with_sum) {
        DNNL_TRY(reorder_exec(q->res_reorder, &q->res_md, in[p->sum_index], &q->res_cl_md, sc + q->off_res, eng,
                              ex->stream),
                 "residual reorder");
        res = sc + q->off_res;
    }
    float lo, hi;
    if (calib) {
        q8_bounds(q->store_t, &lo, &hi);
    } else {
        lo = -2147483648.0f; /* oneDNN saturates to the floats inside int32 */
        hi = 2147483520.0f;
    }
    float *bf = (float *)(sc + q->off_row), *row = bf + q->o;
    for (int64_t f = 0; f < q->o; f++) bf[f] = (float)b32[f];
    unsigned char *dst = sc + q->off_out;
    int64_t o = q->o;
    for (int64_t pos = 0; pos < q->n * q->ospatial; pos++) {
        requant_row(o, acc + pos * o, bf, rq, p->relu, row);
        if (res) {
            /* the residual keeps its own type's values (an int8 residual under a
             * uint8 output is not clamped: checked against MXNet) */
            sum_row(o, sum_scale, res + pos * o, q->sum_t == MXIO_DTYPE_INT8, row);
            if (p->postsum_relu) relu_row(o, row);
        }
        if (!calib) {
            for (int64_t f = 0; f < o; f++) ((int32_t *)dst)[pos * o + f] = (int32_t)sat_round(row[f], lo, hi);
        } else if (q->store_t == MXIO_DTYPE_INT8) {
            store_s8_row(o, row, (int8_t *)dst + pos * o);
        } else {
            store_u8_row(o, row, dst + pos * o);
        }
    }
    DNNL_TRY(reorder_exec(q->out_reorder, &q->out_cl_md, dst, &q->out_md, out[0], eng, ex->stream),
             "output reorder");
    float omin = p->out_min, omax = p->out_max;
    if (!calib) { /* QuantizationRangeForMultiplication: weights x data in int32 steps */
        float wl = max_abs(q->wmin, q->wmax) / 127.0f;
        float dl = max_abs(dmin, dmax) / (q->src_t == MXIO_DTYPE_INT8 ? 127.0f : 255.0f);
        omax = wl * dl * 2147483648.0f;
        omin = -omax;
    }
    ((float *)out[1])[0] = omin;
    ((float *)out[2])[0] = omax;
fail:
    return st;
}

static dnnl_format_tag_t plain_tag(int ndim) {
    static const dnnl_format_tag_t tags[] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_abc,
                                             dnnl_abcd, dnnl_abcde, dnnl_abcdef};
    return ndim >= 1 && ndim <= 6 ? tags[ndim] : dnnl_format_tag_undef;
}

static dnnl_format_tag_t channels_last_tag(int ndim) {
    return ndim == 3 ? dnnl_acb : ndim == 4 ? dnnl_acdb : ndim == 5 ? dnnl_acdeb : dnnl_format_tag_undef;
}

static dnnl_data_type_t dnnl_q8(mxio_dtype t) { return t == MXIO_DTYPE_INT8 ? dnnl_s8 : dnnl_u8; }

mxio_status mxio__k_qconv_create(const mxio__rt_ctx *ctx, const mxio__qconv_params *p, int nin,
                                 const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "_sg_mkldnn_conv";
    mxio_status st = check_plain(op, &in[0], 0, err);
    if (st) return st;
    if (!is_q8(in[0].dtype))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: quantized data of dtype %d (int8 or uint8 only)",
                          op, (int)in[0].dtype);
    if (!is_q8(p->out_dtype) && p->out_dtype != MXIO_DTYPE_INT32)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: output dtype", op);
    int ns = p->nspatial;
    if (ns < 1 || ns > 3 || in[0].ndim != ns + 2)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d-D data for a %d-D kernel", op, in[0].ndim, ns);
    if ((st = check_range(op, nin, in, p->min_index, p->with_sum ? 4 : 2, err))) return st;
    const int64_t *x = in[0].dims;
    int64_t g = p->num_group, o = p->num_filter, c = x[1];
    if (g < 1 || o < 1 || c % g || o % g)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: channels %lld and num_filter %lld must divide by num_group %lld",
                          op, (long long)c, (long long)o, (long long)g);
    if (g > 1 && o != g)
        /* MXNet scales the weights per dim 0 of the grouped (g, o/g, ...) weights:
         * per filter only when each group has one filter (depthwise) */
        return mxio__fail(err, MXIO_E_UNSUPPORTED,
                          "runtime: %s: a grouped int8 convolution with several filters per group is not supported", op);
    mxio__tdesc outd = in[0];
    outd.dtype = p->out_dtype;
    outd.dims[1] = o;
    int64_t osp = 1, wrow = c / g;
    dnnl_dims_t sd, wd, dd, strides, dil, pl, pr;
    for (int d = 0; d < ns; d++) {
        int64_t k = p->kernel[d], s = p->stride[d], dl = p->dilate[d], pd = p->pad[d];
        if (k < 1 || s < 1 || dl < 1 || pd < 0 || k > (INT64_C(1) << 31) || dl > (INT64_C(1) << 31) ||
            pd > (INT64_C(1) << 31))
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad kernel/stride/dilate/pad", op);
        int64_t span = dl * (k - 1) + 1, od = (x[2 + d] + 2 * pd - span);
        if (od < 0) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: kernel larger than the padded input", op);
        od = od / s + 1;
        outd.dims[2 + d] = od;
        strides[d] = s;
        dil[d] = dl - 1;
        pl[d] = pd;
        pr[d] = (od - 1) * s + span - x[2 + d] - pd;
        if (!mxio__rt_mul_i64(osp, od, &osp) || !mxio__rt_mul_i64(wrow, k, &wrow))
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: output too large", op);
    }
    if (in[1].ndim != ns + 2 || in[1].dims[0] != o || mxio__tdesc_numel(&in[1]) != o * wrow)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: weight shape does not match the convolution", op);
    if (p->with_sum) {
        const mxio__tdesc *r = &in[p->sum_index];
        bool same = r->ndim == outd.ndim && r->layout == MXIO__LAYOUT_PLAIN && is_q8(r->dtype);
        for (int d = 0; same && d < r->ndim; d++) same = r->dims[d] == outd.dims[d];
        if (!same)
            return mxio__fail(err, MXIO_E_SHAPE,
                              "runtime: %s: the sum input must be plain int8/uint8 shaped like the output", op);
    }

    mxio__kernel *k = mxio__kernel_new(op, nin, in, 0);
    qconv_impl *q = calloc(1, sizeof *q);
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    int8_t *tmpw = NULL;
    if (!k || !q || !mxio__kernel_set_nout(k, 3)) {
        mxio__kernel_free(k);
        free(q);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    k->impl = q;
    k->destroy = qconv_destroy;
    k->run = qconv_run;
    k->out[0] = outd;
    range_out(k, 1);
    range_out(k, 2);
    q->p = *p;
    q->p.weight = q->p.bias = NULL;
    q->src_t = in[0].dtype;
    q->sum_t = p->with_sum ? in[p->sum_index].dtype : MXIO_DTYPE_INT8;
    q->n = x[0];
    q->c = c;
    q->o = o;
    q->ospatial = osp;
    q->wrow = wrow;
    size_t wn = (size_t)(o * wrow);
    q->weight = mxio__calloc_array(wn, sizeof(float));
    q->base_scale = mxio__calloc_array((size_t)o, sizeof(float));
    tmpw = malloc(wn ? wn : 1);
    if (!q->weight || !q->base_scale || !tmpw || (p->bias && !(q->bias = mxio__calloc_array((size_t)o, sizeof(float))))) {
        st = mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: weights", op);
        goto fail;
    }
    memcpy(q->weight, p->weight, wn * sizeof(float));
    if (p->bias) memcpy(q->bias, p->bias, (size_t)o * sizeof(float));
    for (int64_t f = 0; f < o; f++) { /* GetWeightScales, channel-wise */
        float lo = FLT_MAX, hi = -FLT_MAX;
        for (int64_t i = 0; i < wrow; i++) {
            float w = q->weight[f * wrow + i];
            if (w < lo) lo = w;
            if (w > hi) hi = w;
        }
        q->base_scale[f] = quantize_scale(MXIO_DTYPE_INT8, lo, hi);
        if (f == 0 || lo < q->wmin) q->wmin = lo;
        if (f == 0 || hi > q->wmax) q->wmax = hi;
    }
    if (p->out_dtype == MXIO_DTYPE_INT32)
        for (int64_t f = 0; f < o; f++) q->base_scale[f] = quantize_scale(MXIO_DTYPE_INT8, q->wmin, q->wmax);

    for (int d = 0; d < in[0].ndim; d++) {
        sd[d] = x[d];
        dd[d] = outd.dims[d];
    }
    int wnd = 0;
    if (g > 1) wd[wnd++] = g;
    wd[wnd++] = o / g;
    wd[wnd++] = c / g;
    for (int d = 0; d < ns; d++) wd[wnd++] = p->kernel[d];
    dnnl_memory_desc_t wany;
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&q->user_src_md, in[0].ndim, sd, dnnl_q8(q->src_t), plain_tag(in[0].ndim)),
             "input descriptor");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&q->src_md, in[0].ndim, sd, dnnl_q8(q->src_t), channels_last_tag(in[0].ndim)),
             "input descriptor");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&q->dst_md, in[0].ndim, dd, dnnl_s32, channels_last_tag(in[0].ndim)),
             "output descriptor");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&wany, wnd, wd, dnnl_s8, dnnl_format_tag_any), "weight descriptor");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&q->user_wei_md, wnd, wd, dnnl_s8, plain_tag(wnd)), "weight descriptor");
    DNNL_TRY(dnnl_primitive_attr_create(&attr), "attributes");
    DNNL_TRY(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "attributes");
    dnnl_convolution_desc_t cd;
    DNNL_TRY(dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct,
                                                        &q->src_md, &wany, NULL, &q->dst_md, strides, dil, pl, pr),
             "convolution descriptor");
    DNNL_TRY(dnnl_primitive_desc_create(&pd, &cd, attr, ctx->engine, NULL), "int8 convolution");
    q->wei_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    q->pad_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    DNNL_TRY(dnnl_primitive_create(&q->conv, pd), "primitive creation");
    {
        dnnl_primitive_desc_t rpd = NULL;
        DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, &q->user_src_md, ctx->engine, &q->src_md, ctx->engine, NULL),
                 "input reorder");
        dnnl_status_t s2 = dnnl_primitive_create(&q->src_reorder, rpd);
        dnnl_primitive_desc_destroy(rpd);
        DNNL_TRY(s2, "input reorder");
        DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, &q->user_wei_md, ctx->engine, &q->wei_md, ctx->engine, NULL),
                 "weight reorder");
        s2 = dnnl_primitive_create(&q->wei_reorder, rpd);
        dnnl_primitive_desc_destroy(rpd);
        DNNL_TRY(s2, "weight reorder");
        /* With a sum, MXNet's convolution writes into the residual's buffer in
         * the residual's type (in place): it saturates to that type, and the
         * output tensor holds those bytes (an int8 residual under a uint8 output
         * caps the output at 127; checked against MXNet on ResNet-50 v1 int8). */
        q->store_t = p->with_sum && p->out_dtype != MXIO_DTYPE_INT32 ? q->sum_t : p->out_dtype;
        dnnl_data_type_t odt = p->out_dtype == MXIO_DTYPE_INT32 ? dnnl_s32 : dnnl_q8(q->store_t);
        int nd = in[0].ndim;
        DNNL_TRY(dnnl_memory_desc_init_by_tag(&q->out_md, nd, dd, odt, plain_tag(nd)), "output descriptor");
        DNNL_TRY(dnnl_memory_desc_init_by_tag(&q->out_cl_md, nd, dd, odt, channels_last_tag(nd)), "output descriptor");
        DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, &q->out_cl_md, ctx->engine, &q->out_md, ctx->engine, NULL),
                 "output reorder");
        s2 = dnnl_primitive_create(&q->out_reorder, rpd);
        dnnl_primitive_desc_destroy(rpd);
        DNNL_TRY(s2, "output reorder");
        if (p->with_sum) {
            DNNL_TRY(dnnl_memory_desc_init_by_tag(&q->res_md, nd, dd, dnnl_q8(q->sum_t), plain_tag(nd)),
                     "residual descriptor");
            DNNL_TRY(dnnl_memory_desc_init_by_tag(&q->res_cl_md, nd, dd, dnnl_q8(q->sum_t), channels_last_tag(nd)),
                     "residual descriptor");
            DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, &q->res_md, ctx->engine, &q->res_cl_md, ctx->engine, NULL),
                     "residual reorder");
            s2 = dnnl_primitive_create(&q->res_reorder, rpd);
            dnnl_primitive_desc_destroy(rpd);
            DNNL_TRY(s2, "residual reorder");
        }
    }
    size_t wbytes = dnnl_memory_desc_get_size(&q->wei_md), at = 0;
    q->packed = mxio__rt_alloc(wbytes ? wbytes : 1);
    if (!q->packed) {
        st = mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: weights", op);
        goto fail;
    }
    quantize_weights(q, q->base_scale, tmpw);
    {
        dnnl_stream_t s;
        DNNL_TRY(dnnl_stream_create(&s, ctx->engine, dnnl_stream_default_flags), "stream");
        dnnl_status_t s2 = reorder_exec(q->wei_reorder, &q->user_wei_md, tmpw, &q->wei_md, q->packed, ctx->engine, s);
        dnnl_stream_destroy(s);
        DNNL_TRY(s2, "weight packing");
    }
    q->off_src = at;
    at += align_up(dnnl_memory_desc_get_size(&q->src_md));
    q->off_dst = at;
    at += align_up(dnnl_memory_desc_get_size(&q->dst_md));
    q->off_pad = at;
    at += align_up(dnnl_memory_desc_get_size(&q->pad_md));
    q->off_q = at;
    at += align_up((size_t)o * 12);
    q->off_row = at;
    at += align_up((size_t)o * 8);
    q->off_out = at;
    at += align_up(dnnl_memory_desc_get_size(&q->out_cl_md));
    if (p->with_sum) {
        q->off_res = at;
        at += align_up(dnnl_memory_desc_get_size(&q->res_cl_md));
    }
    if (q->bias) { /* the rare re-quantisation of the weights (bias cap) */
        q->off_wplain = at;
        at += align_up(wn);
        q->off_wpacked = at;
        at += align_up(wbytes);
    }
    k->scratch_bytes = at;
fail:
    free(tmpw);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (st) {
        mxio__kernel_free(k);
        return st;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- _contrib_requantize ------------------------------------------------------------ */

typedef struct requantize_impl {
    mxio__quantize_params p; /* out_dtype resolved; calib: the output range */
    int64_t n;
} requantize_impl;

static mxio_status requantize_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                                  void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)scratch, (void)err;
    const requantize_impl *q = k->impl;
    const int32_t *x = in[0];
    float in_real = max_abs(*(const float *)in[1], *(const float *)in[2]);
    float real;
    if (q->p.calib) {
        real = max_abs(q->p.calib_min, q->p.calib_max);
    } else { /* the data's own int32 range, in real units */
        int32_t lo = INT32_MAX, hi = INT32_MIN;
        for (int64_t i = 0; i < q->n; i++) {
            if (x[i] > hi) hi = x[i];
            if (x[i] < lo) lo = x[i];
        }
        int32_t range = (int32_t)max_abs((float)lo, (float)hi);
        real = (float)range * in_real / 2147483648.0f;
    }
    bool u8 = q->p.out_dtype == MXIO_DTYPE_UINT8;
    /* MXNet's requantize uses 127 / 255 here, not 127.5 / 255.5 */
    float scale = in_real / 2147483648.0f * ((u8 ? 255.0f : 127.0f) / real);
    ((float *)out[1])[0] = u8 ? 0.0f : -real;
    ((float *)out[2])[0] = real;
    float lo, hi;
    q8_bounds(q->p.out_dtype, &lo, &hi);
    for (int64_t i = 0; i < q->n; i++) q8_store(out[0], q->p.out_dtype, i, sat_round((float)x[i] * scale, lo, hi));
    return MXIO_OK;
}

mxio_status mxio__k_requantize_create(const mxio__rt_ctx *ctx, const mxio__quantize_params *p,
                                      const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    (void)ctx;
    const char *op = "_contrib_requantize";
    mxio_status st = check_plain(op, &in[0], 0, err);
    if (st || (st = check_range(op, 3, in, 1, 2, err))) return st;
    if (in[0].dtype != MXIO_DTYPE_INT32)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: input dtype %d (int32 only)", op, (int)in[0].dtype);
    if (!is_q8(p->out_dtype)) return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: output dtype", op);
    mxio__kernel *k = new_kernel(op, 3, in, sizeof(requantize_impl), requantize_run, 3, err);
    if (!k) return MXIO_E_NOMEM;
    requantize_impl *q = k->impl;
    q->p = *p;
    q->n = mxio__tdesc_numel(&in[0]);
    k->out[0] = in[0];
    k->out[0].dtype = p->out_dtype;
    range_out(k, 1);
    range_out(k, 2);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- quantized _sg_mkldnn_fully_connected ---------------------------------------------
 * Weights and bias arrive already quantized (int8 values; MXNet's quantize pass
 * stores them with their ranges), one scale per tensor. The products are exact
 * int32 sums, done here in C; the output follows MXNet's SgMKLDNNFCOp. */

typedef struct qfc_impl {
    mxio__qfc_params p;
    mxio_dtype src_t;
    int64_t rows, k, o;
    int base; /* index of min_data */
} qfc_impl;

static mxio_status qfc_run(const mxio__kernel *kk, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)err;
    const qfc_impl *q = kk->impl;
    const mxio__qfc_params *p = &q->p;
#define RANGE(i) (*(const float *)in[q->base + (i)])
    float dmin = RANGE(0), dmax = RANGE(1);
    float wmin = p->channel_wise ? 0.0f : RANGE(2), wmax = p->channel_wise ? 0.0f : RANGE(3);
    float data_scale = quantize_scale(q->src_t, dmin, dmax);
    float ws = quantize_scale(MXIO_DTYPE_INT8, wmin, wmax);
    const float *w = in[1], *bias = p->no_bias ? NULL : in[2];
    int32_t *b32 = scratch;
    float *wsc = (float *)(b32 + q->o), *osc = wsc + q->o;
    int8_t *wq = (int8_t *)(osc + q->o);
    bool rescaled = false;
    for (int64_t c = 0; c < q->o; c++) wsc[c] = ws;
    if (p->channel_wise) {
        /* fp32 weights: GetWeightScales per filter (with the bias cap), then
         * oneDNN's reorders to int8 weights and int32 bias (round half to even) */
        for (int64_t c = 0; c < q->o; c++) {
            float lo = FLT_MAX, hi = -FLT_MAX;
            for (int64_t j = 0; j < q->k; j++) {
                float v = w[c * q->k + j];
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
            float sc = quantize_scale(MXIO_DTYPE_INT8, lo, hi);
            float b = bias ? bias[c] : 0.0f;
            if (b != 0.0f) {
                float cap = (b > 0 ? (float)INT32_MAX : (float)INT32_MIN) / 2 / b / data_scale;
                if (cap < sc) sc = cap;
            }
            wsc[c] = sc;
            for (int64_t j = 0; j < q->k; j++) wq[c * q->k + j] = (int8_t)sat_round(w[c * q->k + j] * sc, -128.0f, 127.0f);
            b32[c] = (int32_t)sat_round(b * (sc * data_scale), -2147483648.0f, 2147483520.0f);
        }
        rescaled = true;
    } else if (bias) {
        float bmin = RANGE(4), bmax = RANGE(5);
        float bs = quantize_scale(MXIO_DTYPE_INT8, bmin, bmax);
        float rs = data_scale * ws / bs;
        float cap = (float)(INT32_MAX / 2) / max_abs(bmin, bmax) / bs; /* MXNet: INT_MAX / 2 */
        if (rs > cap) { /* MXNet scales the int8 weights down so the bias fits */
            rs = cap;
            float wr = rs * bs / data_scale / ws;
            for (int64_t i = 0; i < q->o * q->k; i++) wq[i] = (int8_t)roundf(w[i] * wr);
            ws *= wr;
            for (int64_t c = 0; c < q->o; c++) wsc[c] = ws;
            rescaled = true;
        }
        for (int64_t c = 0; c < q->o; c++) b32[c] = (int32_t)roundf(bias[c] * rs);
    }
#undef RANGE
    float tmp = 1.0f, elt = 1.0f;
    bool int32_out = p->out_dtype == MXIO_DTYPE_INT32;
    if (p->out_dtype == MXIO_DTYPE_FLOAT32) {
        tmp = (float)(1.0 / (double)data_scale);
    } else if (!int32_out) {
        float out_scale = quantize_scale(p->out_dtype, p->out_min, p->out_max);
        if (p->relu) {
            tmp = (float)(1.0 / (double)data_scale);
            elt = out_scale; /* oneDNN's eltwise scale: out_scale * relu(x) */
        } else {
            tmp = out_scale / data_scale;
        }
    }
    for (int64_t c = 0; c < q->o; c++) osc[c] = tmp / wsc[c];
    float lo = -2147483648.0f, hi = 2147483520.0f;
    if (is_q8(p->out_dtype)) q8_bounds(p->out_dtype, &lo, &hi);
    for (int64_t i = 0; i < q->rows; i++)
        for (int64_t c = 0; c < q->o; c++) {
            int64_t acc = 0;
            for (int64_t j = 0; j < q->k; j++) {
                float wv = rescaled ? (float)wq[c * q->k + j] : w[c * q->k + j];
                acc += (int64_t)q8_load(in[0], q->src_t, i * q->k + j) * (int64_t)wv;
            }
            float v = (float)(int32_t)acc + (bias ? (float)b32[c] : 0.0f);
            if (!int32_out) v *= osc[c];
            if (p->relu) v = (v > 0.0f ? v : 0.0f) * elt;
            int64_t at = i * q->o + c;
            if (p->out_dtype == MXIO_DTYPE_FLOAT32) ((float *)out[0])[at] = v;
            else if (int32_out) ((int32_t *)out[0])[at] = (int32_t)sat_round(v, lo, hi);
            else q8_store(out[0], p->out_dtype, at, sat_round(v, lo, hi));
        }
    if (p->out_dtype != MXIO_DTYPE_FLOAT32) {
        float omin = p->out_min, omax = p->out_max;
        if (int32_out) { /* MXNet passes the data range first here: int8/uint8 x "uint8" */
            bool s8 = q->src_t == MXIO_DTYPE_INT8;
            float a = max_abs(dmin, dmax) / 127.0f;
            float b = max_abs(wmin, wmax) / (s8 ? 127.0f : 255.0f);
            omax = a * b * 2147483648.0f;
            omin = -omax;
        }
        ((float *)out[1])[0] = omin;
        ((float *)out[2])[0] = omax;
    }
    return MXIO_OK;
}

mxio_status mxio__k_qfc_create(const mxio__rt_ctx *ctx, const mxio__qfc_params *p, int nin,
                               const mxio__tdesc *in, int out_ndim, const int64_t *out_dims, mxio__kernel **out,
                               mxio_error *err) {
    (void)ctx;
    const char *op = "_sg_mkldnn_fully_connected";
    mxio_status st = check_plain(op, &in[0], 0, err);
    if (st) return st;
    if (!is_q8(in[0].dtype))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: quantized data of dtype %d (int8 or uint8 only)",
                          op, (int)in[0].dtype);
    int base = p->no_bias ? 2 : 3;
    if (nin != base + (p->channel_wise ? 2 : p->no_bias ? 4 : 6))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d inputs", op, nin);
    if ((st = check_range(op, nin, in, base, nin - base, err))) return st;
    const mxio__tdesc *d = &in[0];
    int64_t k = p->flatten ? mxio__rt_prod(d->dims, 1, d->ndim) : d->dims[d->ndim - 1];
    int64_t n = mxio__tdesc_numel(d);
    int64_t o = p->num_hidden;
    if (k < 1 || o < 1 || n % k || mxio__tdesc_numel(&in[1]) != o * k || in[1].dtype != MXIO_DTYPE_FLOAT32 ||
        (!p->no_bias && (mxio__tdesc_numel(&in[2]) != o || in[2].dtype != MXIO_DTYPE_FLOAT32)))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: weight/bias shapes do not match the data", op);
    int64_t wk;
    if (!mxio__rt_mul_i64(o, k, &wk)) return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: weights too large", op);
    int nout = p->out_dtype == MXIO_DTYPE_FLOAT32 ? 1 : 3;
    mxio__kernel *kk = new_kernel(op, nin, in, sizeof(qfc_impl), qfc_run, nout, err);
    if (!kk) return MXIO_E_NOMEM;
    qfc_impl *q = kk->impl;
    q->p = *p;
    q->src_t = d->dtype;
    q->rows = n / k;
    q->k = k;
    q->o = o;
    q->base = base;
    mxio__tdesc_plain(&kk->out[0], out_ndim, out_dims);
    kk->out[0].dtype = p->out_dtype;
    if (mxio__tdesc_numel(&kk->out[0]) != q->rows * o) {
        mxio__kernel_free(kk);
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: output shape", op);
    }
    if (nout == 3) {
        range_out(kk, 1);
        range_out(kk, 2);
    }
    kk->scratch_bytes = align_up((size_t)o * 12) + align_up((size_t)wk);
    return mxio__rt_kernel_done(kk, out, err);
}

/* ---- _contrib_quantized_concat, _contrib_quantized_flatten -------------------------------- */

typedef struct qconcat_impl {
    int n, axis;
    mxio_dtype t;         /* output: int8 if any input is int8, else uint8 */
    int64_t outer, total; /* product of dims before the axis; output extent from the axis on */
} qconcat_impl;

/* Each input is rescaled into the widest range (MXNet: a oneDNN reorder with scale
 * out_scale / in_scale; inputs already at that scale are copied). */
static mxio_status qconcat_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                               void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)scratch, (void)err;
    const qconcat_impl *q = k->impl;
    float neg = 0.0f, pos = 0.0f;
    for (int i = 0; i < q->n; i++) {
        float lo = *(const float *)in[q->n + 2 * i], hi = *(const float *)in[q->n + 2 * i + 1];
        if (lo < neg) neg = lo;
        if (hi > pos) pos = hi;
    }
    float out_scale = (q->t == MXIO_DTYPE_INT8 ? MXIO__Q_INT8_RANGE : MXIO__Q_UINT8_RANGE) / max_abs(neg, pos);
    float lo, hi;
    q8_bounds(q->t, &lo, &hi);
    int64_t at = 0;
    for (int i = 0; i < q->n; i++) {
        const mxio__tdesc *d = &k->in[i];
        int64_t inner = mxio__rt_prod(d->dims, q->axis, d->ndim);
        float imin = *(const float *)in[q->n + 2 * i], imax = *(const float *)in[q->n + 2 * i + 1];
        float in_scale = (d->dtype == MXIO_DTYPE_INT8 ? MXIO__Q_INT8_RANGE : MXIO__Q_UINT8_RANGE) / max_abs(imin, imax);
        bool copy = in_scale == out_scale && d->dtype == q->t;
        float s = out_scale / in_scale;
        for (int64_t o = 0; o < q->outer; o++) {
            unsigned char *dst = (unsigned char *)out[0] + o * q->total + at;
            const unsigned char *src = (const unsigned char *)in[i] + o * inner;
            if (copy) {
                memcpy(dst, src, (size_t)inner);
                continue;
            }
            for (int64_t j = 0; j < inner; j++) q8_store(dst, q->t, j, sat_round(q8_load(src, d->dtype, j) * s, lo, hi));
        }
        at += inner;
    }
    ((float *)out[1])[0] = neg;
    ((float *)out[2])[0] = pos;
    return MXIO_OK;
}

mxio_status mxio__k_qconcat_create(const mxio__rt_ctx *ctx, int axis, int n, const mxio__tdesc *in,
                                   mxio__kernel **out, mxio_error *err) {
    (void)ctx;
    const char *op = "_contrib_quantized_concat";
    if (n < 1 || 3 * n > MXIO__RT_MAX_IO) return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: %d inputs", op, n);
    mxio_status st;
    mxio_dtype t = MXIO_DTYPE_UINT8;
    for (int i = 0; i < n; i++) {
        if ((st = check_plain(op, &in[i], i, err))) return st;
        if (!is_q8(in[i].dtype))
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s input %d: dtype %d (int8 or uint8 only)", op, i,
                              (int)in[i].dtype);
        if (in[i].dtype == MXIO_DTYPE_INT8) t = MXIO_DTYPE_INT8;
        if (in[i].ndim != in[0].ndim || axis < 0 || axis >= in[0].ndim)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: input %d: rank or axis", op, i);
        for (int d = 0; d < in[0].ndim; d++)
            if (d != axis && in[i].dims[d] != in[0].dims[d])
                return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: input %d: dims differ off the axis", op, i);
    }
    if ((st = check_range(op, 3 * n, in, n, 2 * n, err))) return st;
    mxio__kernel *k = new_kernel(op, 3 * n, in, sizeof(qconcat_impl), qconcat_run, 3, err);
    if (!k) return MXIO_E_NOMEM;
    qconcat_impl *q = k->impl;
    q->n = n;
    q->axis = axis;
    q->t = t;
    k->out[0] = in[0];
    k->out[0].dtype = t;
    int64_t sum = 0;
    for (int i = 0; i < n; i++) sum += in[i].dims[axis];
    k->out[0].dims[axis] = sum;
    q->outer = mxio__rt_prod(in[0].dims, 0, axis);
    q->total = mxio__rt_prod(k->out[0].dims, axis, in[0].ndim);
    range_out(k, 1);
    range_out(k, 2);
    return mxio__rt_kernel_done(k, out, err);
}

static mxio_status qflatten_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                                void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)scratch, (void)err;
    memcpy(out[0], in[0], mxio__tdesc_bytes(&k->out[0]));
    ((float *)out[1])[0] = ((const float *)in[1])[0];
    ((float *)out[2])[0] = ((const float *)in[2])[0];
    return MXIO_OK;
}

mxio_status mxio__k_qflatten_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in, mxio__kernel **out,
                                    mxio_error *err) {
    (void)ctx;
    const char *op = "_contrib_quantized_flatten";
    mxio_status st = check_plain(op, &in[0], 0, err);
    if (st || (st = check_range(op, 3, in, 1, 2, err))) return st;
    if (!is_q8(in[0].dtype))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: input dtype %d (int8 or uint8 only)", op,
                          (int)in[0].dtype);
    mxio__kernel *k = new_kernel(op, 3, in, 0, qflatten_run, 3, err);
    if (!k) return MXIO_E_NOMEM;
    int64_t dims[2] = {in[0].dims[0], mxio__rt_prod(in[0].dims, 1, in[0].ndim)};
    mxio__tdesc_plain(&k->out[0], in[0].ndim > 1 ? 2 : 1, dims);
    k->out[0].dtype = in[0].dtype;
    range_out(k, 1);
    range_out(k, 2);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- _contrib_quantized_elemwise_add, _contrib_quantized_act ---------------------------- */

typedef struct qadd_impl {
    mxio__quantize_params p; /* calib: the output range; out_dtype resolved */
    int64_t n;
    mxio_dtype ta, tb;
} qadd_impl;

static float q_range(mxio_dtype t) {
    return t == MXIO_DTYPE_INT8 ? MXIO__Q_INT8_RANGE : t == MXIO_DTYPE_UINT8 ? MXIO__Q_UINT8_RANGE : 2147483648.0f;
}

/* MXNet's oneDNN sum: with mixed types the uint8 operand is first reordered to int8
 * with its own scale (rounded, saturated), then dst = s0 * a + s1 * b. */
static mxio_status qadd_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)scratch, (void)err;
    const qadd_impl *q = k->impl;
    float amin = *(const float *)in[2], amax = *(const float *)in[3];
    float bmin = *(const float *)in[4], bmax = *(const float *)in[5];
    float aabs = max_abs(amin, amax), babs = max_abs(bmin, bmax);
    float ar = q_range(q->ta), br = q_range(q->tb), orange = q_range(q->p.out_dtype);
    float as = ar / aabs, bs = br / babs;
    float omin, omax, oscale = 0.0f;
    if (q->p.calib) {
        omin = q->p.calib_min;
        omax = q->p.calib_max;
        oscale = orange / max_abs(omin, omax);
    } else {
        omax = aabs + babs;
        omin = -omax;
    }
    float s[2] = {1.0f, 1.0f}, u8s = 0.0f;
    int u8_at = -1;
    if (q->ta != q->tb) {
        bool a8 = q->ta == MXIO_DTYPE_INT8;
        u8_at = a8 ? 1 : 0;
        if (q->p.calib) {
            u8s = oscale / (a8 ? bs : as);
            s[a8 ? 0 : 1] = oscale / (a8 ? as : bs);
        } else if (a8) {
            u8s = babs * orange / ((aabs + babs) * MXIO__Q_UINT8_RANGE);
            s[0] = aabs * orange / ((aabs + babs) * ar);
        } else {
            u8s = aabs * orange / ((aabs + babs) * ar);
            s[1] = babs * orange / ((aabs + babs) * MXIO__Q_INT8_RANGE);
        }
    } else if (q->p.calib) {
        s[0] = oscale / as;
        s[1] = oscale / bs;
    } else {
        s[0] = aabs * orange / ((aabs + babs) * ar);
        s[1] = babs * orange / ((aabs + babs) * ar);
    }
    float lo = -2147483648.0f, hi = 2147483520.0f;
    if (is_q8(q->p.out_dtype)) q8_bounds(q->p.out_dtype, &lo, &hi);
    for (int64_t i = 0; i < q->n; i++) {
        float a = q8_load(in[0], q->ta, i), b = q8_load(in[1], q->tb, i);
        if (u8_at == 0) a = sat_round(a * u8s, -128.0f, 127.0f);
        if (u8_at == 1) b = sat_round(b * u8s, -128.0f, 127.0f);
        float v = s[0] * a;
        v = v + s[1] * b;
        v = sat_round(v, lo, hi);
        if (q->p.out_dtype == MXIO_DTYPE_INT32) ((int32_t *)out[0])[i] = (int32_t)v;
        else q8_store(out[0], q->p.out_dtype, i, v);
    }
    ((float *)out[1])[0] = omin;
    ((float *)out[2])[0] = omax;
    return MXIO_OK;
}

mxio_status mxio__k_qadd_create(const mxio__rt_ctx *ctx, const mxio__quantize_params *p, const mxio__tdesc *in,
                                mxio__kernel **out, mxio_error *err) {
    (void)ctx;
    const char *op = "_contrib_quantized_elemwise_add";
    mxio_status st;
    for (int i = 0; i < 2; i++) {
        if ((st = check_plain(op, &in[i], i, err))) return st;
        if (!is_q8(in[i].dtype))
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s input %d: dtype %d (int8 or uint8 only)", op, i,
                              (int)in[i].dtype);
    }
    bool same = in[0].ndim == in[1].ndim;
    for (int d = 0; same && d < in[0].ndim; d++) same = in[0].dims[d] == in[1].dims[d];
    if (!same) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: the operands' shapes differ", op);
    if ((st = check_range(op, 6, in, 2, 4, err))) return st;
    mxio__kernel *k = new_kernel(op, 6, in, sizeof(qadd_impl), qadd_run, 3, err);
    if (!k) return MXIO_E_NOMEM;
    qadd_impl *q = k->impl;
    q->p = *p;
    /* ElemwiseAddType: calibrated -> the operands' type if they agree, else int8; int32 otherwise */
    q->p.out_dtype = !p->calib ? MXIO_DTYPE_INT32 : in[0].dtype == in[1].dtype ? in[0].dtype : MXIO_DTYPE_INT8;
    q->n = mxio__tdesc_numel(&in[0]);
    q->ta = in[0].dtype;
    q->tb = in[1].dtype;
    k->out[0] = in[0];
    k->out[0].dtype = q->p.out_dtype;
    range_out(k, 1);
    range_out(k, 2);
    return mxio__rt_kernel_done(k, out, err);
}

typedef struct qact_impl {
    int64_t n;
    mxio_dtype t;
} qact_impl;

/* relu in the input's type; MXNet declares the output int8 and its oneDNN eltwise
 * writes the input type's bytes there (a uint8 input passes through unchanged). */
static mxio_status qact_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    (void)ex, (void)scratch, (void)err;
    const qact_impl *q = k->impl;
    if (q->t == MXIO_DTYPE_UINT8) {
        memcpy(out[0], in[0], (size_t)q->n);
    } else {
        const int8_t *x = in[0];
        int8_t *y = out[0];
        for (int64_t i = 0; i < q->n; i++) y[i] = x[i] > 0 ? x[i] : 0;
    }
    ((float *)out[1])[0] = ((const float *)in[1])[0];
    ((float *)out[2])[0] = ((const float *)in[2])[0];
    return MXIO_OK;
}

mxio_status mxio__k_qrelu_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in, mxio__kernel **out,
                                 mxio_error *err) {
    (void)ctx;
    const char *op = "_contrib_quantized_act";
    mxio_status st = check_plain(op, &in[0], 0, err);
    if (st || (st = check_range(op, 3, in, 1, 2, err))) return st;
    if (!is_q8(in[0].dtype))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: input dtype %d (int8 or uint8 only)", op,
                          (int)in[0].dtype);
    mxio__kernel *k = new_kernel(op, 3, in, sizeof(qact_impl), qact_run, 3, err);
    if (!k) return MXIO_E_NOMEM;
    qact_impl *q = k->impl;
    q->n = mxio__tdesc_numel(&in[0]);
    q->t = in[0].dtype;
    k->out[0] = in[0];
    k->out[0].dtype = MXIO_DTYPE_INT8;
    range_out(k, 1);
    range_out(k, 2);
    return mxio__rt_kernel_done(k, out, err);
}
