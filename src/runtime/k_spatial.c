/* k_spatial.c - sampling-grid ops: GridGenerator (affine, warp), BilinearSampler,
 * SpatialTransformer (affine + bilinear) and Correlation (FlowNet), following
 * MXNet 1.9.1's CPU kernels (float math with the double literals where MXNet
 * has them). Their hidden outputs (grid_dst, grid_src, tmp) are not produced. */
#include <math.h>

#include "runtime.h"

/* ---- bilinear sampling of a (N, C, H, W) input at a (N, 2, oh, ow) grid in [-1, 1] ---- */

static bool inside(int64_t v, int64_t hi) { return v >= 0 && v <= hi; }

/* MXNet's BilinearSamplerForward / BilinearSamplingForward: out of range corners
 * contribute 0. */
static void bilinear_sample(const float *data, const float *grid, float *out, int64_t N, int64_t C,
                            int64_t H, int64_t W, int64_t oh, int64_t ow) {
    for (int64_t n = 0; n < N; n++)
        for (int64_t c = 0; c < C; c++)
            for (int64_t h = 0; h < oh; h++)
                for (int64_t w = 0; w < ow; w++) {
                    const float *g = grid + n * oh * ow * 2 + h * ow + w;
                    float yr = (g[oh * ow] + 1) * (float)(H - 1) / 2;
                    float xr = (g[0] + 1) * (float)(W - 1) / 2;
                    int64_t y0 = (int64_t)floorf(yr), x0 = (int64_t)floorf(xr);
                    float wy = (float)(1.0 - (double)(yr - (float)y0));
                    float wx = (float)(1.0 - (double)(xr - (float)x0));
                    const float *p = data + (n * C + c) * H * W;
                    float tl = 0, tr = 0, bl = 0, br = 0;
                    if (inside(x0, W - 1) && inside(y0, H - 1)) tl = p[y0 * W + x0];
                    if (inside(x0 + 1, W - 1) && inside(y0, H - 1)) tr = p[y0 * W + x0 + 1];
                    if (inside(x0, W - 1) && inside(y0 + 1, H - 1)) bl = p[(y0 + 1) * W + x0];
                    if (inside(x0 + 1, W - 1) && inside(y0 + 1, H - 1)) br = p[(y0 + 1) * W + x0 + 1];
                    double v = (double)(tl * wy * wx) + (double)(tr * wy) * (1.0 - wx) +
                               (double)bl * (1.0 - wy) * wx + (double)br * (1.0 - wy) * (1.0 - wx);
                    out[((n * C + c) * oh + h) * ow + w] = (float)v;
                }
}

typedef struct grid_impl {
    int kind; /* 0 GridGenerator affine, 1 warp, 2 BilinearSampler, 3 SpatialTransformer */
    int64_t N, C, H, W, oh, ow;
} grid_impl;

/* The affine grid: (x, y, 1) per target pixel times the (2, 3) matrix of each batch.
 * GridGenerator builds x, y in float, SpatialTransformer in double (as MXNet). */
static void affine_grid(const float *theta, float *grid, int64_t N, int64_t oh, int64_t ow, bool st) {
    for (int64_t n = 0; n < N; n++) {
        const float *t = theta + n * 6;
        for (int64_t i = 0; i < oh * ow; i++) {
            float x, y;
            if (st) {
                x = (float)(-1.0 + (double)(i % ow) * 2.0 / (double)(ow - 1));
                y = (float)(-1.0 + (double)(i / ow) * 2.0 / (double)(oh - 1));
            } else {
                x = -1.0f + (float)(i % ow) * (float)(2.0 / (double)(ow - 1));
                y = -1.0f + (float)(i / ow) * (float)(2.0 / (double)(oh - 1));
            }
            grid[(n * 2) * oh * ow + i] = t[0] * x + t[1] * y + t[2];
            grid[(n * 2 + 1) * oh * ow + i] = t[3] * x + t[4] * y + t[5];
        }
    }
}

static mxio_status grid_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const grid_impl *q = k->impl;
    switch (q->kind) {
    case 0: affine_grid(in[0], out[0], q->N, q->oh, q->ow, false); break;
    case 1: { /* warp: (flow + pixel) / ((size - 1) / 2) - 1 */
        const float *f = in[0];
        float *g = out[0];
        float sx = (float)(((double)(float)q->W - 1.0) / 2.0), sy = (float)(((double)(float)q->H - 1.0) / 2.0);
        for (int64_t n = 0; n < q->N; n++)
            for (int64_t h = 0; h < q->H; h++)
                for (int64_t w = 0; w < q->W; w++) {
                    int64_t i = h * q->W + w, b = n * 2 * q->H * q->W;
                    g[b + i] = (f[b + i] + (float)w) / sx - 1.0f;
                    g[b + q->H * q->W + i] = (f[b + q->H * q->W + i] + (float)h) / sy - 1.0f;
                }
        break;
    }
    case 2: bilinear_sample(in[0], in[1], out[0], q->N, q->C, q->H, q->W, q->oh, q->ow); break;
    case 3:
        affine_grid(in[1], scratch, q->N, q->oh, q->ow, true);
        bilinear_sample(in[0], scratch, out[0], q->N, q->C, q->H, q->W, q->oh, q->ow);
        break;
    }
    return MXIO_OK;
}

static mxio_status grid_make(const char *op, int kind, int nin, const mxio__tdesc *in, int64_t N,
                             int64_t C, int64_t H, int64_t W, int64_t oh, int64_t ow, mxio__kernel **out,
                             mxio_error *err) {
    mxio__kernel *k = mxio__kernel_new_unary(op, nin, in, sizeof(grid_impl), grid_run, err);
    if (!k) return MXIO_E_NOMEM;
    grid_impl *q = k->impl;
    q->kind = kind, q->N = N, q->C = C, q->H = H, q->W = W, q->oh = oh, q->ow = ow;
    int64_t od[4] = {N, kind < 2 ? 2 : C, oh, ow};
    mxio__tdesc_plain(&k->out[0], 4, od);
    if (kind == 3) {
        int64_t n;
        if (!mxio__rt_mul_i64(N * 2, oh, &n) || !mxio__rt_mul_i64(n, ow * (int64_t)sizeof(float), &n)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: target too large", op);
        }
        k->scratch_bytes = (size_t)n;
    }
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_grid_generator_create(const mxio__rt_ctx *ctx, bool warp, int64_t th, int64_t tw,
                                          const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "GridGenerator";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (warp) {
        if (data->ndim != 4 || data->dims[1] != 2)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: warp needs a (N, 2, H, W) flow", op);
        return grid_make(op, 1, 1, data, data->dims[0], 2, data->dims[2], data->dims[3], data->dims[2],
                         data->dims[3], out, err);
    }
    if (data->ndim != 2 || data->dims[1] != 6 || th < 1 || tw < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: affine needs (N, 6) and a positive target_shape", op);
    return grid_make(op, 0, 1, data, data->dims[0], 2, th, tw, th, tw, out, err);
}

mxio_status mxio__k_bilinear_sampler_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                            mxio__kernel **out, mxio_error *err) {
    const char *op = "BilinearSampler";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *d = &in[0], *g = &in[1];
    if (d->ndim != 4 || g->ndim != 4 || g->dims[0] != d->dims[0] || g->dims[1] != 2)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs data (N, C, H, W) and grid (N, 2, h, w)", op);
    return grid_make(op, 2, 2, in, d->dims[0], d->dims[1], d->dims[2], d->dims[3], g->dims[2], g->dims[3], out,
                     err);
}

mxio_status mxio__k_spatial_transformer_create(const mxio__rt_ctx *ctx, int64_t th, int64_t tw,
                                               const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "SpatialTransformer";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *d = &in[0];
    if (d->ndim != 4 || mxio__tdesc_numel(&in[1]) != d->dims[0] * 6 || th < 1 || tw < 1)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: needs data (N, C, H, W), loc (N, 6) and a positive target_shape", op);
    return grid_make(op, 3, 2, in, d->dims[0], d->dims[1], d->dims[2], d->dims[3], th, tw, out, err);
}

/* ---- Correlation ------------------------------------------------------------------------ */

typedef struct corr_impl {
    mxio__correlation_params p;
    int64_t N, C, H, W, th, tw, tc, radius, gw;
} corr_impl;

/* MXNet's CorrelationForward (CPU): windows start at (i*stride1 + max_displacement)
 * of the zero-padded inputs (top-left, no kernel-radius offset); the sum over
 * kernel rows, columns and channels accumulates in float in that order, then
 * divides by kernel_size^2 * channels. */
static mxio_status corr_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const corr_impl *q = k->impl;
    const mxio__correlation_params *p = &q->p;
    const float *d1 = in[0], *d2 = in[1];
    float *o = out[0];
    const int64_t C = q->C, H = q->H, W = q->W, pad = p->pad_size, ks = p->kernel_size;
    const float sumelems = (float)(ks * ks * C);
    for (int64_t n = 0; n < q->N; n++)
        for (int64_t i = 0; i < q->th; i++)
            for (int64_t j = 0; j < q->tw; j++) {
                int64_t x1 = j * p->stride1 + p->max_displacement, y1 = i * p->stride1 + p->max_displacement;
                for (int64_t tcn = 0; tcn < q->tc; tcn++) {
                    int64_t x2 = x1 + (tcn % q->gw - q->radius) * p->stride2;
                    int64_t y2 = y1 + (tcn / q->gw - q->radius) * p->stride2;
                    float acc = 0.0f;
                    for (int64_t h = 0; h < ks; h++)
                        for (int64_t w = 0; w < ks; w++) {
                            /* padded coordinates back to the data's; outside is the zero pad */
                            int64_t ya = y1 + h - pad, xa = x1 + w - pad, yb = y2 + h - pad, xb = x2 + w - pad;
                            bool ina = ya >= 0 && ya < H && xa >= 0 && xa < W;
                            bool inb = yb >= 0 && yb < H && xb >= 0 && xb < W;
                            for (int64_t c = 0; c < C; c++) {
                                float a = ina ? d1[((n * C + c) * H + ya) * W + xa] : 0.0f;
                                float b = inb ? d2[((n * C + c) * H + yb) * W + xb] : 0.0f;
                                acc += p->is_multiply ? a * b : fabsf(a - b);
                            }
                        }
                    o[((n * q->tc + tcn) * q->th + i) * q->tw + j] = acc / sumelems;
                }
            }
    return MXIO_OK;
}

mxio_status mxio__k_correlation_create(const mxio__rt_ctx *ctx, const mxio__correlation_params *p,
                                       const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "Correlation";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *a = &in[0], *b = &in[1];
    bool same = a->ndim == 4 && b->ndim == 4;
    for (int i = 0; same && i < 4; i++) same = a->dims[i] == b->dims[i];
    if (!same || p->kernel_size < 1 || p->kernel_size % 2 == 0 || p->stride1 < 1 || p->stride2 < 1 ||
        p->max_displacement < 0 || p->pad_size < 0 || p->kernel_size > 4096 || p->max_displacement > 4096 ||
        p->pad_size > (1 << 20))
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: needs two (N, C, H, W) inputs of one shape, an odd kernel_size and "
                          "positive strides", op);
    corr_impl v = {.p = *p, .N = a->dims[0], .C = a->dims[1], .H = a->dims[2], .W = a->dims[3]};
    int64_t ph = v.H + 2 * p->pad_size, pw = v.W + 2 * p->pad_size;
    int64_t border = p->max_displacement + (p->kernel_size - 1) / 2;
    /* MXNet: ceil((padded - 2 * border) / stride1) in float */
    v.th = (int64_t)ceilf((float)(ph - 2 * border) / (float)p->stride1);
    v.tw = (int64_t)ceilf((float)(pw - 2 * border) / (float)p->stride1);
    v.radius = p->max_displacement / p->stride2;
    v.gw = 2 * v.radius + 1;
    v.tc = v.gw * v.gw;
    if (v.th < 1 || v.tw < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: the input is smaller than the displacement border", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(corr_impl), corr_run, err);
    if (!k) return MXIO_E_NOMEM;
    *(corr_impl *)k->impl = v;
    int64_t od[4] = {v.N, v.tc, v.th, v.tw};
    mxio__tdesc_plain(&k->out[0], 4, od);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- DeformableConvolution (2-D) ---------------------------------------------------------- */

typedef struct dcn_impl {
    mxio__deform_conv_params p;
    int64_t N, C, H, W, oh, ow;
    bool bias;
} dcn_impl;

/* MXNet's im2col_bilinear_cpu: (h, w) >= 0 inside the map; at the last row or
 * column the sample snaps to it. */
static float dcn_bilinear(const float *im, int64_t H, int64_t W, float h, float w) {
    int64_t hl = (int64_t)floorf(h), wl = (int64_t)floorf(w), hh, wh;
    if (hl >= H - 1) hh = H - 1, h = (float)hl;
    else hh = hl + 1;
    if (wl >= W - 1) wh = W - 1, w = (float)wl;
    else wh = wl + 1;
    float lh = h - (float)hl, lw = w - (float)wl, ih = 1 - lh, iw = 1 - lw;
    float v1 = im[hl * W + wl], v2 = im[hl * W + wh], v3 = im[hh * W + wl], v4 = im[hh * W + wh];
    return ih * iw * v1 + ih * lw * v2 + lh * iw * v3 + lh * lw * v4;
}

/* deformable im2col into `col` (C*kh*kw rows of oh*ow), then one sgemm per group
 * and the bias, as MXNet's DeformableConvolutionOp::Forward. */
static mxio_status dcn_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const dcn_impl *q = k->impl;
    const mxio__deform_conv_params *p = &q->p;
    const int64_t C = q->C, H = q->H, W = q->W, oh = q->oh, ow = q->ow, kh = p->kernel[0], kw = p->kernel[1];
    const int64_t cpg = C / p->num_deformable_group, osz = 2 * kh * kw * oh * ow;
    const int64_t G = p->num_group, M = p->num_filter / G, K = C / G * kh * kw, S = oh * ow;
    float *col = scratch;
    for (int64_t n = 0; n < q->N; n++) {
        const float *im = (const float *)in[0] + n * C * H * W;
        const float *off0 = (const float *)in[1] + n * p->num_deformable_group * osz;
        float *c = col;
        for (int64_t ch = 0; ch < C; ch++) {
            const float *plane = im + ch * H * W, *off = off0 + (ch / cpg) * osz;
            for (int64_t i = 0; i < kh; i++)
                for (int64_t j = 0; j < kw; j++)
                    for (int64_t y = 0; y < oh; y++)
                        for (int64_t x = 0; x < ow; x++) {
                            int64_t oi = ((2 * (i * kw + j)) * oh + y) * ow + x;
                            float r = (float)(-p->pad[0] + i * p->dilate[0] + y * p->stride[0]) + off[oi];
                            float s = (float)(-p->pad[1] + j * p->dilate[1] + x * p->stride[1]) + off[oi + S];
                            *c++ = r >= 0 && s >= 0 && r < (float)H && s < (float)W ? dcn_bilinear(plane, H, W, r, s)
                                                                                     : 0.0f;
                        }
        }
        float *y = (float *)out[0] + n * p->num_filter * S;
        for (int64_t g = 0; g < G; g++) {
            dnnl_status_t st = dnnl_sgemm('N', 'N', M, S, K, 1.0f, (const float *)in[2] + g * M * K, K,
                                          col + g * K * S, S, 0.0f, y + g * M * S, S);
            if (st != dnnl_success)
                return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: oneDNN sgemm failed", k->op);
        }
        if (q->bias)
            for (int64_t o = 0; o < p->num_filter; o++)
                for (int64_t i = 0; i < S; i++) y[o * S + i] += ((const float *)in[3])[o];
    }
    return MXIO_OK;
}

mxio_status mxio__k_deform_conv_create(const mxio__rt_ctx *ctx, const mxio__deform_conv_params *p,
                                       const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "DeformableConvolution";
    int nin = p->no_bias ? 3 : 4;
    mxio_status st = mxio__rt_check_plain_f32(op, nin, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *d = &in[0], *o = &in[1], *w = &in[2];
    bool ok = d->ndim == 4 && o->ndim == 4 && w->ndim == 4 && p->num_group >= 1 && p->num_deformable_group >= 1 &&
              p->num_filter >= 1 && p->num_filter % p->num_group == 0 && d->dims[1] % p->num_group == 0 &&
              d->dims[1] % p->num_deformable_group == 0;
    for (int i = 0; ok && i < 2; i++)
        ok = p->kernel[i] >= 1 && p->kernel[i] <= 1024 && p->stride[i] >= 1 && p->stride[i] <= 1024 &&
             p->dilate[i] >= 1 && p->dilate[i] <= 1024 && p->pad[i] >= 0 && p->pad[i] <= (1 << 20);
    if (!ok)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: needs 2-D data (N, C, H, W), offset, weight and a valid geometry", op);
    int64_t N = d->dims[0], C = d->dims[1], H = d->dims[2], W = d->dims[3];
    int64_t oh = (H + 2 * p->pad[0] - (p->dilate[0] * (p->kernel[0] - 1) + 1)) / p->stride[0] + 1;
    int64_t ow = (W + 2 * p->pad[1] - (p->dilate[1] * (p->kernel[1] - 1) + 1)) / p->stride[1] + 1;
    int64_t kk = p->kernel[0] * p->kernel[1];
    if (oh < 1 || ow < 1 || o->dims[0] != N || o->dims[1] != 2 * kk * p->num_deformable_group ||
        o->dims[2] != oh || o->dims[3] != ow || w->dims[0] != p->num_filter || w->dims[1] != C / p->num_group ||
        w->dims[2] != p->kernel[0] || w->dims[3] != p->kernel[1] ||
        (!p->no_bias && mxio__tdesc_numel(&in[3]) != p->num_filter))
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: offset must be (N, 2*kh*kw*deformable_groups, oh, ow), weight "
                          "(num_filter, C/groups, kh, kw)", op);
    int64_t rows, bytes;
    if (!mxio__rt_mul_i64(C, kk, &rows) || !mxio__rt_mul_i64(rows, oh * ow, &bytes) ||
        !mxio__rt_mul_i64(bytes, (int64_t)sizeof(float), &bytes))
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: column buffer too large", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, nin, in, sizeof(dcn_impl), dcn_run, err);
    if (!k) return MXIO_E_NOMEM;
    dcn_impl *q = k->impl;
    q->p = *p, q->N = N, q->C = C, q->H = H, q->W = W, q->oh = oh, q->ow = ow, q->bias = !p->no_bias;
    int64_t od[4] = {N, p->num_filter, oh, ow};
    mxio__tdesc_plain(&k->out[0], 4, od);
    k->scratch_bytes = (size_t)bytes;
    return mxio__rt_kernel_done(k, out, err);
}
