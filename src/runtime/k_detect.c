/* k_detect.c - detection ops, each following MXNet 1.9.1's CPU kernel
 * (apache/mxnet src/operator/contrib/{multibox_prior,multibox_detection,
 * bounding_box,roi_align}*): MultiBoxPrior, MultiBoxDetection, box_nms,
 * box_decode, ROIAlign. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "runtime.h"

/* ---- MultiBoxPrior ------------------------------------------------------------------- */

typedef struct prior_impl {
    mxio__multibox_prior_params p;
    int in_h, in_w;
} prior_impl;

static void put_box(float *o, float cx, float cy, float w, float h, bool clip) {
    float b[4] = {cx - w, cy - h, cx + w, cy + h};
    for (int i = 0; i < 4; i++) o[i] = clip ? fminf(fmaxf(b[i], 0.0f), 1.0f) : b[i];
}

static mxio_status prior_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    const prior_impl *q = k->impl;
    const mxio__multibox_prior_params *p = &q->p;
    const int H = q->in_h, W = q->in_w;
    float step_y = p->steps[0], step_x = p->steps[1];
    if (step_y <= 0.0f || step_x <= 0.0f) {
        step_y = 1.0f / (float)H;
        step_x = 1.0f / (float)W;
    }
    float *o = out[0];
    /* Same float expression order as MXNet's MultiBoxPriorForward. */
    for (int r = 0; r < H; ++r) {
        float cy = ((float)r + p->offsets[0]) * step_y;
        for (int c = 0; c < W; ++c) {
            float cx = ((float)c + p->offsets[1]) * step_x;
            float ratio = p->nratios > 0 ? sqrtf(p->ratios[0]) : 1.0f;
            for (int i = 0; i < p->nsizes; ++i, o += 4) {
                float size = p->sizes[i];
                put_box(o, cx, cy, size * (float)H / (float)W * ratio / 2, size / ratio / 2, p->clip);
            }
            float size = p->sizes[0];
            for (int j = 1; j < p->nratios; ++j, o += 4) {
                float rr = sqrtf(p->ratios[j]);
                put_box(o, cx, cy, size * (float)H / (float)W * rr / 2, size / rr / 2, p->clip);
            }
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_multibox_prior_create(const mxio__rt_ctx *ctx,
                                          const mxio__multibox_prior_params *p,
                                          const mxio__tdesc *data, mxio__kernel **out,
                                          mxio_error *err) {
    const char *op = "MultiBoxPrior";
    if (data->ndim != 4 || p->nsizes < 1 || p->nsizes > MXIO__MAX_ANCHOR_PARAMS || p->nratios < 0 ||
        p->nratios > MXIO__MAX_ANCHOR_PARAMS || data->dims[2] > INT32_MAX || data->dims[3] > INT32_MAX)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs (N, C, H, W) data and 1..%d sizes",
                          op, MXIO__MAX_ANCHOR_PARAMS);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(prior_impl), prior_run, err);
    if (!k) return MXIO_E_NOMEM;
    prior_impl *q = k->impl;
    q->p = *p;
    q->in_h = (int)data->dims[2];
    q->in_w = (int)data->dims[3];
    int64_t anchors = p->nsizes + (p->nratios > 0 ? p->nratios - 1 : 0);
    int64_t od[3] = {1, data->dims[2] * data->dims[3] * anchors, 4};
    mxio__tdesc_plain(&k->out[0], 3, od);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- MultiBoxDetection ------------------------------------------------------------------ */

typedef struct det_impl {
    mxio__multibox_detection_params p;
    int64_t batches, classes, anchors;
} det_impl;

static float box_overlap(const float *a, const float *b) {
    float w = fmaxf(0.0f, fminf(a[2], b[2]) - fmaxf(a[0], b[0]));
    float h = fmaxf(0.0f, fminf(a[3], b[3]) - fmaxf(a[1], b[1]));
    float i = w * h;
    float u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - i;
    return u <= 0.0f ? 0.0f : i / u;
}

/* Stable sort of row indices by score, descending (std::stable_sort in MXNet). */
static void sort_desc(int64_t *idx, int64_t n, const float *rows, int64_t *tmp) {
    for (int64_t width = 1; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                tmp[o++] = rows[idx[b] * 6 + 1] > rows[idx[a] * 6 + 1] ? idx[b++] : idx[a++];
            while (a < mid) tmp[o++] = idx[a++];
            while (b < hi) tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

static mxio_status det_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const det_impl *q = k->impl;
    const mxio__multibox_detection_params *p = &q->p;
    const int64_t A = q->anchors, C = q->classes;
    const float *anchors = in[2];
    float *rows = scratch; /* A * 6 decoded rows, then A * 6 for the sorted copy */
    float *valid = rows + A * 6;
    int64_t *idx = (int64_t *)(valid + A * 6), *tmp = idx + A;
    for (int64_t b = 0; b < q->batches; b++) {
        const float *cls = (const float *)in[0] + b * C * A, *loc = (const float *)in[1] + b * A * 4;
        float *o = (float *)out[0] + b * A * 6;
        for (int64_t i = 0; i < A * 6; i++) o[i] = -1.0f;
        for (int64_t i = 0; i < A; i++) {
            float score = -1.0f;
            int64_t id = 0;
            for (int64_t j = 1; j < C; j++) {
                float v = cls[j * A + i];
                if (v > score) {
                    score = v;
                    id = j;
                }
            }
            if (id > 0 && score < p->threshold) id = 0;
            float *r = rows + i * 6;
            r[0] = (float)(id - 1);
            r[1] = score;
            const float *an = anchors + i * 4, *lp = loc + i * 4;
            float aw = an[2] - an[0], ah = an[3] - an[1];
            float ax = (an[0] + an[2]) / 2.f, ay = (an[1] + an[3]) / 2.f;
            float ox = lp[0] * p->variances[0] * aw + ax, oy = lp[1] * p->variances[1] * ah + ay;
            float ow = expf(lp[2] * p->variances[2]) * aw / 2, oh = expf(lp[3] * p->variances[3]) * ah / 2;
            float box[4] = {ox - ow, oy - oh, ox + ow, oy + oh};
            for (int c = 0; c < 4; c++) r[2 + c] = p->clip ? fmaxf(0.0f, fminf(1.0f, box[c])) : box[c];
        }
        int64_t nvalid = 0;
        for (int64_t i = 0; i < A; i++)
            if (rows[i * 6] >= 0) memcpy(o + 6 * nvalid++, rows + i * 6, 6 * sizeof(float));
        if (nvalid < 1 || p->nms_threshold <= 0 || p->nms_threshold > 1) continue;
        memcpy(valid, o, (size_t)(nvalid * 6) * sizeof(float));
        for (int64_t i = 0; i < nvalid; i++) idx[i] = i;
        sort_desc(idx, nvalid, valid, tmp);
        int64_t keep = nvalid;
        if (p->nms_topk > 0 && p->nms_topk < keep) {
            keep = p->nms_topk;
            for (int64_t i = keep; i < nvalid; i++) o[i * 6] = -1.0f;
        }
        for (int64_t i = 0; i < keep; i++) memcpy(o + i * 6, valid + idx[i] * 6, 6 * sizeof(float));
        for (int64_t i = 0; i < keep; i++) {
            if (o[i * 6] < 0) continue;
            for (int64_t j = i + 1; j < keep; j++) {
                if (o[j * 6] < 0) continue;
                if ((p->force_suppress || o[i * 6] == o[j * 6]) &&
                    box_overlap(o + i * 6 + 2, o + j * 6 + 2) >= p->nms_threshold)
                    o[j * 6] = -1.0f;
            }
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_multibox_detection_create(const mxio__rt_ctx *ctx,
                                              const mxio__multibox_detection_params *p,
                                              const mxio__tdesc *in, mxio__kernel **out,
                                              mxio_error *err) {
    const char *op = "MultiBoxDetection";
    mxio_status st = mxio__rt_check_plain_f32(op, 3, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim != 3 || in[0].dims[1] < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: cls_prob must be (N, classes, anchors)", op);
    int64_t N = in[0].dims[0], C = in[0].dims[1], A = in[0].dims[2];
    if (mxio__tdesc_numel(&in[1]) != N * A * 4 || mxio__tdesc_numel(&in[2]) != A * 4)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: loc_pred (N, A*4) and anchors (1, A, 4) expected",
                          op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 3, in, sizeof(det_impl), det_run, err);
    if (!k) return MXIO_E_NOMEM;
    det_impl *q = k->impl;
    q->p = *p;
    q->batches = N, q->classes = C, q->anchors = A;
    int64_t od[3] = {N, A, 6};
    mxio__tdesc_plain(&k->out[0], 3, od);
    size_t per, bytes;
    if (!mxio__mul_size((size_t)A, 12 * sizeof(float) + 2 * sizeof(int64_t), &per) ||
        !mxio__add_size(per, 64, &bytes)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: scratch overflows", op);
    }
    k->scratch_bytes = bytes;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- box_nms ------------------------------------------------------------------------ */

typedef struct nms_impl {
    mxio__box_nms_params p;
    int64_t batches, num, width;
} nms_impl;

static float nms_area(const float *b, bool center) {
    float w = center ? b[2] : b[2] - b[0], h = center ? b[3] : b[3] - b[1];
    return w < 0 || h < 0 ? 0.0f : w * h;
}

static float nms_intersect_1d(float a1, float a2, float b1, float b2, bool center) {
    float left, right;
    if (!center) {
        left = a1 > b1 ? a1 : b1;
        right = a2 < b2 ? a2 : b2;
    } else {
        float aw = a2 / 2, bw = b2 / 2, al = a1 - aw, ar = a1 + aw, bl = b1 - bw, br = b1 + bw;
        left = bl > al ? bl : al;
        right = br < ar ? br : ar;
    }
    float w = right - left;
    return w > 0 ? w : 0.0f;
}

static mxio_status nms_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const nms_impl *q = k->impl;
    const mxio__box_nms_params *p = &q->p;
    const int64_t M = q->num, W = q->width, cs = p->coord_start;
    int64_t *idx = scratch, *tmp = idx + M;
    float *area = (float *)(tmp + M), *keys = area + M;
    int64_t topk = p->topk < 0 ? M : (p->topk < M ? p->topk : M);
    for (int64_t b = 0; b < q->batches; b++) {
        const float *x = (const float *)in[0] + b * M * W;
        float *y = (float *)out[0] + b * M * W;
        if (topk < 1) {
            memcpy(y, x, (size_t)(M * W) * sizeof(float));
            continue;
        }
        int64_t n = 0;
        for (int64_t i = 0; i < M; i++) {
            float score = x[i * W + p->score_index];
            bool ok = score > p->valid_thresh;
            if (p->id_index >= 0) ok = ok && x[i * W + p->id_index] != p->background_id;
            if (ok) idx[n++] = i;
        }
        for (int64_t i = 0; i < M * W; i++) y[i] = -1.0f;
        /* Stable sort by score, descending; sort_desc reads keys as rows of 6
         * with the score in column 1 (MultiBoxDetection's layout). */
        for (int64_t i = 0; i < n; i++) keys[idx[i] * 6 + 1] = x[idx[i] * W + p->score_index];
        sort_desc(idx, n, keys, tmp);
        int64_t kk = n < topk ? n : topk;
        for (int64_t i = 0; i < kk; i++) area[idx[i]] = nms_area(x + idx[i] * W + cs, p->in_center);
        for (int64_t r = 0; r < kk; r++) {
            if (idx[r] < 0) continue;
            const float *a = x + idx[r] * W;
            for (int64_t j = r + 1; j < kk; j++) {
                if (idx[j] < 0) continue;
                const float *c = x + idx[j] * W;
                if (!p->force_suppress && p->id_index >= 0 &&
                    (int64_t)a[p->id_index] != (int64_t)c[p->id_index])
                    continue;
                float inter = nms_intersect_1d(a[cs], a[cs + 2], c[cs], c[cs + 2], p->in_center) *
                              nms_intersect_1d(a[cs + 1], a[cs + 3], c[cs + 1], c[cs + 3], p->in_center);
                float iou = inter / (area[idx[r]] + area[idx[j]] - inter);
                if (iou > p->overlap_thresh) idx[j] = -1;
            }
        }
        int64_t count = 0;
        for (int64_t i = 0; i < kk; i++)
            if (idx[i] >= 0) memcpy(y + W * count++, x + idx[i] * W, (size_t)W * sizeof(float));
        if (p->in_center != p->out_center)
            for (int64_t i = 0; i < M; i++) {
                float *c = y + i * W + cs;
                if (c[0] < 0) continue; /* MXNet skips rows whose first coordinate is negative */
                if (p->out_center) {
                    float l = c[0], t = c[1], r = c[2], bt = c[3];
                    c[0] = (l + r) / 2, c[1] = (t + bt) / 2, c[2] = r - l, c[3] = bt - t;
                } else {
                    float cx = c[0], cy = c[1], w = c[2] / 2, h = c[3] / 2;
                    c[0] = cx - w, c[1] = cy - h, c[2] = cx + w, c[3] = cy + h;
                }
            }
    }
    return MXIO_OK;
}

mxio_status mxio__k_box_nms_create(const mxio__rt_ctx *ctx, const mxio__box_nms_params *p,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "box_nms";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (data->ndim < 2)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data must be (..., num_elem, width)", op);
    int64_t W = data->dims[data->ndim - 1];
    if (p->coord_start < 0 || p->coord_start + 4 > W || p->score_index < 0 || p->score_index >= W ||
        p->id_index >= W)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: coord_start/score_index/id_index outside width %lld",
                          op, (long long)W);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(nms_impl), nms_run, err);
    if (!k) return MXIO_E_NOMEM;
    nms_impl *q = k->impl;
    q->p = *p;
    q->num = data->dims[data->ndim - 2];
    q->width = W;
    q->batches = data->ndim <= 2 ? 1 : mxio__rt_prod(data->dims, 0, data->ndim - 2);
    size_t bytes;
    if (!mxio__mul_size((size_t)q->num, 2 * sizeof(int64_t) + 7 * sizeof(float), &bytes)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: scratch overflows", op);
    }
    k->scratch_bytes = bytes + 64;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- box_decode ------------------------------------------------------------------------ */

typedef struct dec_impl {
    mxio__box_decode_params p;
    int64_t b, n;
} dec_impl;

static mxio_status dec_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const dec_impl *q = k->impl;
    const mxio__box_decode_params *p = &q->p;
    const float *x = in[0], *anc = in[1];
    float *y = out[0];
    for (int64_t i = 0; i < q->b * q->n; i++) {
        const float *a = anc + (i % q->n) * 4, *d = x + i * 4;
        float ax = a[0], ay = a[1], aw = a[2], ah = a[3];
        if (p->anchors_corner) { /* MXNet mixes in double here (the 0.5 literals) */
            aw = aw - ax;
            ah = ah - ay;
            ax = (float)(ax + aw * 0.5);
            ay = (float)(ay + ah * 0.5);
        }
        float ox = d[0] * p->std[0] * aw + ax, oy = d[1] * p->std[1] * ah + ay;
        float dw = d[2] * p->std[2], dh = d[3] * p->std[3];
        if (p->clip > 0.0f) {
            dw = dw < p->clip ? dw : p->clip;
            dh = dh < p->clip ? dh : p->clip;
        }
        dw = expf(dw);
        dh = expf(dh);
        float ow = (float)(dw * aw * 0.5), oh = (float)(dh * ah * 0.5);
        y[i * 4 + 0] = ox - ow;
        y[i * 4 + 1] = oy - oh;
        y[i * 4 + 2] = ox + ow;
        y[i * 4 + 3] = oy + oh;
    }
    return MXIO_OK;
}

mxio_status mxio__k_box_decode_create(const mxio__rt_ctx *ctx, const mxio__box_decode_params *p,
                                      const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "box_decode";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim != 3 || in[0].dims[2] != 4 || mxio__tdesc_numel(&in[1]) != in[0].dims[1] * 4)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data (B, N, 4) and anchors (1, N, 4) expected", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(dec_impl), dec_run, err);
    if (!k) return MXIO_E_NOMEM;
    dec_impl *q = k->impl;
    q->p = *p;
    q->b = in[0].dims[0];
    q->n = in[0].dims[1];
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- ROIAlign ---------------------------------------------------------------------------- */

typedef struct roi_impl {
    mxio__roi_align_params p;
    int64_t N, C, H, W, R, cols, cout;
} roi_impl;

/* One bilinear sample, as MXNet's pre_calc_for_bilinear_interpolate. */
static float roi_sample(const float *plane, int64_t H, int64_t W, float y, float x) {
    if (y < -1.0f || y > (float)H || x < -1.0f || x > (float)W) return 0.0f;
    if (y <= 0) y = 0;
    if (x <= 0) x = 0;
    int64_t yl = (int64_t)y, xl = (int64_t)x, yh, xh;
    if (yl >= H - 1) {
        yh = yl = H - 1;
        y = (float)yl;
    } else {
        yh = yl + 1;
    }
    if (xl >= W - 1) {
        xh = xl = W - 1;
        x = (float)xl;
    } else {
        xh = xl + 1;
    }
    float ly = y - (float)yl, lx = x - (float)xl, hy = 1.0f - ly, hx = 1.0f - lx;
    return hy * hx * plane[yl * W + xl] + hy * lx * plane[yl * W + xh] + ly * hx * plane[yh * W + xl] +
           ly * lx * plane[yh * W + xh];
}

static mxio_status roi_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const roi_impl *q = k->impl;
    const mxio__roi_align_params *p = &q->p;
    const float *x = in[0], *rois = in[1];
    float *y = out[0];
    const int64_t PH = p->pooled[0], PW = p->pooled[1], plane = q->H * q->W;
    for (int64_t n = 0; n < q->R; n++) {
        const float *r = rois + n * q->cols;
        float *yo = y + n * q->cout * PH * PW;
        int64_t b = 0;
        if (q->cols == 5) {
            b = (int64_t)r[0];
            r++;
        }
        if (b < 0 || b >= q->N) { /* MXNet leaves such rows unset; zeros here */
            memset(yo, 0, (size_t)(q->cout * PH * PW) * sizeof(float));
            continue;
        }
        float off = p->aligned ? 0.5f : 0.0f;
        float sw = r[0] * p->spatial_scale - off, sh = r[1] * p->spatial_scale - off;
        float ew = r[2] * p->spatial_scale - off, eh = r[3] * p->spatial_scale - off;
        float rw = ew - sw, rh = eh - sh;
        if (!p->aligned) {
            rw = fmaxf(rw, 1.0f);
            rh = fmaxf(rh, 1.0f);
        }
        float bh = rh / (float)PH, bw = rw / (float)PW;
        int64_t gh = p->sample_ratio > 0 ? p->sample_ratio : (int64_t)ceilf(rh / (float)PH);
        int64_t gw = p->sample_ratio > 0 ? p->sample_ratio : (int64_t)ceilf(rw / (float)PW);
        float count = (float)(gh * gw);
        for (int64_t c = 0; c < q->cout; c++)
            for (int64_t ph = 0; ph < PH; ph++)
                for (int64_t pw = 0; pw < PW; pw++) {
                    int64_t cu = p->position_sensitive ? (c * PH + ph) * PW + pw : c;
                    const float *pl = x + (b * q->C + cu) * plane;
                    float acc = 0.0f;
                    for (int64_t iy = 0; iy < gh; iy++) {
                        float yy = sh + (float)ph * bh + (float)((float)iy + .5f) * bh / (float)gh;
                        for (int64_t ix = 0; ix < gw; ix++) {
                            float xx = sw + (float)pw * bw + (float)((float)ix + .5f) * bw / (float)gw;
                            acc += roi_sample(pl, q->H, q->W, yy, xx);
                        }
                    }
                    yo[(c * PH + ph) * PW + pw] = acc / count;
                }
    }
    return MXIO_OK;
}

mxio_status mxio__k_roi_align_create(const mxio__rt_ctx *ctx, const mxio__roi_align_params *p,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "ROIAlign";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    int64_t PH = p->pooled[0], PW = p->pooled[1];
    if (in[0].ndim != 4 || in[1].ndim != 2 || (in[1].dims[1] != 4 && in[1].dims[1] != 5) || PH < 1 ||
        PW < 1 || PH > (1 << 20) || PW > (1 << 20) || (p->position_sensitive && in[0].dims[1] % (PH * PW)))
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: data (N, C, H, W), rois (R, 5) or (R, 4), pooled_size >= 1 expected", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(roi_impl), roi_run, err);
    if (!k) return MXIO_E_NOMEM;
    roi_impl *q = k->impl;
    q->p = *p;
    q->N = in[0].dims[0], q->C = in[0].dims[1], q->H = in[0].dims[2], q->W = in[0].dims[3];
    q->R = in[1].dims[0], q->cols = in[1].dims[1];
    q->cout = p->position_sensitive ? q->C / (PH * PW) : q->C;
    int64_t od[4] = {q->R, q->cout, PH, PW};
    mxio__tdesc_plain(&k->out[0], 4, od);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- ROIPooling -------------------------------------------------------------------------- */

typedef struct roipool_impl {
    int64_t N, C, H, W, R, PH, PW;
    float scale;
} roipool_impl;

static mxio_status roipool_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                               void *const *out, void *scratch, mxio_error *err) {
    const roipool_impl *q = k->impl;
    const float *x = in[0], *rois = in[1];
    float *y = out[0];
    for (int64_t n = 0; n < q->R; n++) {
        const float *r = rois + n * 5;
        /* std::round on float: halves away from zero */
        int64_t sw = (int64_t)roundf(r[1] * q->scale), sh = (int64_t)roundf(r[2] * q->scale);
        int64_t ew = (int64_t)roundf(r[3] * q->scale), eh = (int64_t)roundf(r[4] * q->scale);
        int64_t b = (int64_t)r[0];
        bool invalid = b < 0 || b >= q->N;
        int64_t rh = eh - sh + 1 > 1 ? eh - sh + 1 : 1, rw = ew - sw + 1 > 1 ? ew - sw + 1 : 1;
        float bh = (float)rh / (float)q->PH, bw = (float)rw / (float)q->PW;
        for (int64_t c = 0; c < q->C; c++) {
            const float *pl = invalid ? NULL : x + (b * q->C + c) * q->H * q->W;
            float *yo = y + ((n * q->C + c) * q->PH) * q->PW;
            for (int64_t ph = 0; ph < q->PH; ph++)
                for (int64_t pw = 0; pw < q->PW; pw++) {
                    int64_t h0 = (int64_t)floorf((float)ph * bh) + sh, w0 = (int64_t)floorf((float)pw * bw) + sw;
                    int64_t h1 = (int64_t)ceilf((float)(ph + 1) * bh) + sh, w1 = (int64_t)ceilf((float)(pw + 1) * bw) + sw;
                    h0 = h0 < 0 ? 0 : h0 > q->H ? q->H : h0;
                    h1 = h1 < 0 ? 0 : h1 > q->H ? q->H : h1;
                    w0 = w0 < 0 ? 0 : w0 > q->W ? q->W : w0;
                    w1 = w1 < 0 ? 0 : w1 > q->W ? q->W : w1;
                    float m = -FLT_MAX;
                    if (invalid || h1 <= h0 || w1 <= w0) {
                        m = 0.0f;
                    } else {
                        for (int64_t h = h0; h < h1; h++)
                            for (int64_t w = w0; w < w1; w++)
                                if (pl[h * q->W + w] > m) m = pl[h * q->W + w];
                    }
                    yo[ph * q->PW + pw] = m;
                }
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_roi_pool_create(const mxio__rt_ctx *ctx, const int64_t pooled[2],
                                    float spatial_scale, const mxio__tdesc *in, mxio__kernel **out,
                                    mxio_error *err) {
    const char *op = "ROIPooling";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim != 4 || in[1].ndim != 2 || in[1].dims[1] != 5 || pooled[0] < 1 || pooled[1] < 1 ||
        pooled[0] > (1 << 20) || pooled[1] > (1 << 20))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data (N, C, H, W), rois (R, 5), pooled_size >= 1", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(roipool_impl), roipool_run, err);
    if (!k) return MXIO_E_NOMEM;
    roipool_impl *q = k->impl;
    q->N = in[0].dims[0], q->C = in[0].dims[1], q->H = in[0].dims[2], q->W = in[0].dims[3];
    q->R = in[1].dims[0], q->PH = pooled[0], q->PW = pooled[1], q->scale = spatial_scale;
    int64_t od[4] = {q->R, q->C, q->PH, q->PW};
    mxio__tdesc_plain(&k->out[0], 4, od);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- Proposal ------------------------------------------------------------------------------ */

typedef struct prop_impl {
    mxio__proposal_params p;
    int64_t N, A, H, W, count, pre;
} prop_impl;

static void stable_sort_by(int64_t *idx, int64_t n, const float *key, int64_t *tmp) {
    for (int64_t width = 1; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) tmp[o++] = key[idx[b]] > key[idx[a]] ? idx[b++] : idx[a++];
            while (a < mid) tmp[o++] = idx[a++];
            while (b < hi) tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

/* One image of Proposal / MultiProposal: output rows start at `o` (and `os`). */
static void prop_image(const prop_impl *q, int64_t img, const float *scores, const float *deltas,
                       const float *info, float *o, float *os, void *scratch) {
    const mxio__proposal_params *p = &q->p;
    const int64_t A = q->A, H = q->H, W = q->W, count = q->count, pre = q->pre;
    float *boxes = scratch;               /* count x 5 */
    float *key = boxes + count * 5;       /* count */
    float *ordered = key + count;         /* pre x 5 */
    float *area = ordered + pre * 5;      /* pre */
    uint8_t *supp = (uint8_t *)(area + pre);
    int64_t *idx = (int64_t *)(((uintptr_t)(supp + pre) + 7) & ~(uintptr_t)7), *tmp = idx + count,
            *keep = tmp + count;
    /* Anchors (MXNet's GenerateAnchors on the base box [0, 0, s-1, s-1]). */
    int64_t a = 0;
    for (int j = 0; j < p->nratios; j++)
        for (int kk = 0; kk < p->nscales; kk++, a++) {
            float w = p->feature_stride - 1.0f - 0.0f + 1.0f, h = w;
            float xc = (float)(0.0 + 0.5 * (w - 1.0f)), yc = (float)(0.0 + 0.5 * (h - 1.0f));
            float size_ratios = floorf(w * h / p->ratios[j]);
            float nw = floorf(sqrtf(size_ratios) + 0.5f) * p->scales[kk];
            float nh = floorf((nw / p->scales[kk] * p->ratios[j]) + 0.5f) * p->scales[kk];
            float *b = boxes + a * 5;
            b[0] = xc - 0.5f * (nw - 1.0f);
            b[1] = yc - 0.5f * (nh - 1.0f);
            b[2] = xc + 0.5f * (nw - 1.0f);
            b[3] = yc + 0.5f * (nh - 1.0f);
        }
    for (int64_t i = 0; i < A; i++)
        for (int64_t y = 0; y < H; y++)
            for (int64_t x = 0; x < W; x++) {
                int64_t at = y * (W * A) + x * A + i;
                float *b = boxes + at * 5;
                const float *base = boxes + i * 5;
                b[0] = base[0] + (float)x * p->feature_stride;
                b[1] = base[1] + (float)y * p->feature_stride;
                b[2] = base[2] + (float)x * p->feature_stride;
                b[3] = base[3] + (float)y * p->feature_stride;
                b[4] = scores[(i * H + y) * W + x];
            }
    float im_h = info[0], im_w = info[1];
    int64_t real_h = (int64_t)(im_h / p->feature_stride), real_w = (int64_t)(im_w / p->feature_stride);
    for (int64_t i = 0; i < A; i++)
        for (int64_t y = 0; y < H; y++)
            for (int64_t x = 0; x < W; x++) {
                float *b = boxes + (y * (W * A) + x * A + i) * 5;
                float d[4];
                for (int c = 0; c < 4; c++) d[c] = deltas[((i * 4 + c) * H + y) * W + x];
                float x1, y1, x2, y2;
                if (p->iou_loss) {
                    x1 = b[0] + d[0], y1 = b[1] + d[1], x2 = b[2] + d[2], y2 = b[3] + d[3];
                } else {
                    float w = b[2] - b[0] + 1.0f, h = b[3] - b[1] + 1.0f;
                    float cx = (float)(b[0] + 0.5 * (w - 1.0)), cy = (float)(b[1] + 0.5 * (h - 1.0));
                    float pcx = d[0] * w + cx, pcy = d[1] * h + cy;
                    float pw = expf(d[2]) * w, ph = expf(d[3]) * h;
                    x1 = (float)(pcx - 0.5 * (pw - 1.0));
                    y1 = (float)(pcy - 0.5 * (ph - 1.0));
                    x2 = (float)(pcx + 0.5 * (pw - 1.0));
                    y2 = (float)(pcy + 0.5 * (ph - 1.0));
                }
                b[0] = fmaxf(fminf(x1, im_w - 1.0f), 0.0f);
                b[1] = fmaxf(fminf(y1, im_h - 1.0f), 0.0f);
                b[2] = fmaxf(fminf(x2, im_w - 1.0f), 0.0f);
                b[3] = fmaxf(fminf(y2, im_h - 1.0f), 0.0f);
                if (y >= real_h || x >= real_w) b[4] = -1.0f;
            }
    float min_size = p->min_size * info[2];
    for (int64_t i = 0; i < count; i++) {
        float *b = boxes + i * 5;
        float iw = b[2] - b[0] + 1.0f, ih = b[3] - b[1] + 1.0f;
        if (iw < min_size || ih < min_size) {
            b[0] -= min_size / 2;
            b[1] -= min_size / 2;
            b[2] += min_size / 2;
            b[3] += min_size / 2;
            b[4] = -1.0f;
        }
        key[i] = b[4];
        idx[i] = i;
    }
    stable_sort_by(idx, count, key, tmp);
    for (int64_t i = 0; i < pre; i++) memcpy(ordered + i * 5, boxes + idx[i] * 5, 5 * sizeof(float));
    int64_t post = p->post_nms_top_n < pre ? p->post_nms_top_n : pre, n_out = 0;
    for (int64_t i = 0; i < pre; i++) {
        const float *d = ordered + i * 5;
        area[i] = (d[2] - d[0] + 1) * (d[3] - d[1] + 1);
        supp[i] = 0;
    }
    for (int64_t i = 0; i < pre && n_out < post; i++) {
        if (supp[i]) continue;
        keep[n_out++] = i;
        const float *bi = ordered + i * 5;
        for (int64_t j = i + 1; j < pre; j++) {
            if (supp[j]) continue;
            const float *bj = ordered + j * 5;
            float xx1 = fmaxf(bi[0], bj[0]), yy1 = fmaxf(bi[1], bj[1]);
            float xx2 = fminf(bi[2], bj[2]), yy2 = fminf(bi[3], bj[3]);
            float w = fmaxf(0.0f, xx2 - xx1 + 1.0f), h = fmaxf(0.0f, yy2 - yy1 + 1.0f);
            float inter = w * h;
            if (inter / (area[i] + area[j] - inter) > p->threshold) supp[j] = 1;
        }
    }
    for (int64_t i = 0; i < p->post_nms_top_n; i++) {
        const float *d = ordered + keep[n_out ? i % n_out : 0] * 5;
        o[i * 5] = (float)img;
        for (int c = 0; c < 4; c++) o[i * 5 + 1 + c] = n_out ? d[c] : 0.0f;
        if (os) os[i] = n_out ? d[4] : 0.0f;
    }
}

static mxio_status prop_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const prop_impl *q = k->impl;
    const int64_t plane = q->A * q->H * q->W, post = q->p.post_nms_top_n;
    for (int64_t b = 0; b < q->N; b++)
        prop_image(q, b, (const float *)in[0] + (2 * b + 1) * plane, /* foreground half */
                   (const float *)in[1] + 4 * b * plane, (const float *)in[2] + 3 * b,
                   (float *)out[0] + b * post * 5, k->nout > 1 ? (float *)out[1] + b * post : NULL,
                   scratch);
    return MXIO_OK;
}

mxio_status mxio__k_proposal_create(const mxio__rt_ctx *ctx, const mxio__proposal_params *p,
                                    bool multi, const mxio__tdesc *in, mxio__kernel **out,
                                    mxio_error *err) {
    const char *op = multi ? "MultiProposal" : "Proposal";
    mxio_status st = mxio__rt_check_plain_f32(op, 3, in, err);
    if (st != MXIO_OK) return st;
    int64_t A = (int64_t)p->nscales * p->nratios;
    int64_t N = in[0].ndim == 4 ? in[0].dims[0] : 0;
    if (in[0].ndim != 4 || N < 1 || (!multi && N != 1) || in[0].dims[1] != 2 * A || in[1].ndim != 4 ||
        in[1].dims[0] != N ||
        in[1].dims[1] != 4 * A || in[1].dims[2] != in[0].dims[2] || in[1].dims[3] != in[0].dims[3] ||
        mxio__tdesc_numel(&in[2]) < 3 * N || p->post_nms_top_n < 1 || p->feature_stride <= 0 || A < 1)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: needs cls_prob (N, 2A, H, W), bbox_pred (N, 4A, H, W), im_info (N, 3) "
                          "with A = scales x ratios (N = 1 for Proposal)", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 3, in, sizeof(prop_impl), prop_run, err);
    if (!k) return MXIO_E_NOMEM;
    prop_impl *q = k->impl;
    q->p = *p;
    q->N = N, q->A = A, q->H = in[0].dims[2], q->W = in[0].dims[3];
    q->count = A * q->H * q->W;
    q->pre = p->pre_nms_top_n > 0 && p->pre_nms_top_n < q->count ? p->pre_nms_top_n : q->count;
    int64_t od[2] = {N * p->post_nms_top_n, 5}, sd[2] = {N * p->post_nms_top_n, 1};
    mxio__tdesc_plain(&k->out[0], 2, od);
    if (p->output_score) {
        if (!mxio__kernel_set_nout(k, 2)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
        }
        mxio__tdesc_plain(&k->out[1], 2, sd);
    }
    /* boxes 5c + key c floats, ordered 5p + area p floats, p flags, 3 index arrays */
    size_t c = (size_t)q->count, pr = (size_t)q->pre;
    k->scratch_bytes = (6 * c + 6 * pr) * sizeof(float) + pr + 8 + (2 * c + pr) * sizeof(int64_t) + 64;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- box_iou ------------------------------------------------------------------------------ */

typedef struct iou_impl {
    int64_t nl, nr;
    bool center;
} iou_impl;

/* MXNet's Intersect (bounding_box-common.h): overlap of one axis, >= 0. */
static float iou_intersect(const float *a, const float *b, bool center) {
    float left, right;
    if (!center) {
        left = a[0] > b[0] ? a[0] : b[0];
        right = a[2] < b[2] ? a[2] : b[2];
    } else {
        float aw = a[2] / 2, bw = b[2] / 2;
        float al = a[0] - aw, ar = a[0] + aw, bl = b[0] - bw, br = b[0] + bw;
        left = bl > al ? bl : al;
        right = br < ar ? br : ar;
    }
    float w = right - left;
    return w > 0 ? w : 0.0f;
}

/* MXNet's BoxArea: 0 for a negative width or height. */
static float iou_area(const float *b, bool center) {
    float w = center ? b[2] : b[2] - b[0], h = center ? b[3] : b[3] - b[1];
    return w < 0 || h < 0 ? 0.0f : w * h;
}

static mxio_status iou_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const iou_impl *q = k->impl;
    const float *l = in[0], *r = in[1];
    float *o = out[0];
    for (int64_t i = 0; i < q->nl; i++)
        for (int64_t j = 0; j < q->nr; j++) {
            const float *a = l + i * 4, *b = r + j * 4;
            float inter = iou_intersect(a, b, q->center) * iou_intersect(a + 1, b + 1, q->center);
            o[i * q->nr + j] = inter <= 0 ? 0.0f : inter / (iou_area(a, q->center) + iou_area(b, q->center) - inter);
        }
    return MXIO_OK;
}

mxio_status mxio__k_box_iou_create(const mxio__rt_ctx *ctx, bool center, const mxio__tdesc *in,
                                   mxio__kernel **out, mxio_error *err) {
    const char *op = "box_iou";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim < 2 || in[1].ndim < 2 || in[0].dims[in[0].ndim - 1] != 4 ||
        in[1].dims[in[1].ndim - 1] != 4 || in[0].ndim + in[1].ndim - 2 > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: lhs and rhs must be (..., 4)", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(iou_impl), iou_run, err);
    if (!k) return MXIO_E_NOMEM;
    iou_impl *q = k->impl;
    q->nl = mxio__rt_prod(in[0].dims, 0, in[0].ndim - 1);
    q->nr = mxio__rt_prod(in[1].dims, 0, in[1].ndim - 1);
    q->center = center;
    mxio__tdesc *o = &k->out[0];
    o->ndim = 0;
    for (int i = 0; i + 1 < in[0].ndim; i++) o->dims[o->ndim++] = in[0].dims[i];
    for (int i = 0; i + 1 < in[1].ndim; i++) o->dims[o->ndim++] = in[1].dims[i];
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- box_encode ---------------------------------------------------------------------------- */

typedef struct enc_impl {
    int64_t b, n, m;
} enc_impl;

static mxio_status enc_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const enc_impl *q = k->impl;
    const float *samples = in[0], *matches = in[1], *anchors = in[2], *refs = in[3];
    const float *means = in[4], *stds = in[5];
    float *targets = out[0], *masks = out[1];
    for (int64_t i = 0; i < q->b * q->n; i++) {
        float valid = samples[i] > 0.5f ? 1.0f : 0.0f;
        float *t = targets + i * 4, *m = masks + i * 4;
        for (int c = 0; c < 4; c++) m[c] = valid, t[c] = 0.0f;
        if (valid <= 0.5f) continue; /* MXNet reads refs[match] anyway; the value is unused */
        int64_t match = (int64_t)matches[i], j = i / q->n;
        if (!(matches[i] > -1.0f) || match >= q->m)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: match %g of anchor %lld is outside [0, %lld)",
                              k->op, (double)matches[i], (long long)i, (long long)q->m);
        const float *r = refs + (j * q->m + match) * 4, *a = anchors + i * 4;
        /* MXNet's box_encode: the 0.5 literals are double */
        float rw = r[2] - r[0], rh = r[3] - r[1];
        float rx = (float)(r[0] + rw * 0.5), ry = (float)(r[1] + rh * 0.5);
        float aw = a[2] - a[0], ah = a[3] - a[1];
        float ax = (float)(a[0] + aw * 0.5), ay = (float)(a[1] + ah * 0.5);
        t[0] = ((rx - ax) / aw - means[0]) / stds[0];
        t[1] = ((ry - ay) / ah - means[1]) / stds[1];
        t[2] = (logf(rw / aw) - means[2]) / stds[2];
        t[3] = (logf(rh / ah) - means[3]) / stds[3];
    }
    return MXIO_OK;
}

mxio_status mxio__k_box_encode_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                      mxio__kernel **out, mxio_error *err) {
    const char *op = "box_encode";
    mxio_status st = mxio__rt_check_plain_f32(op, 6, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *s = &in[0], *mt = &in[1], *a = &in[2], *r = &in[3];
    if (s->ndim != 2 || a->ndim != 3 || a->dims[2] != 4 || a->dims[0] != s->dims[0] ||
        a->dims[1] != s->dims[1] || mxio__tdesc_numel(mt) != mxio__tdesc_numel(s) || r->ndim != 3 ||
        r->dims[0] != s->dims[0] || r->dims[2] != 4 || mxio__tdesc_numel(&in[4]) != 4 ||
        mxio__tdesc_numel(&in[5]) != 4)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: needs samples (B, N), matches (B, N), anchors (B, N, 4), "
                          "refs (B, M, 4), means (4,), stds (4,)", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 6, in, sizeof(enc_impl), enc_run, err);
    if (!k) return MXIO_E_NOMEM;
    enc_impl *q = k->impl;
    q->b = s->dims[0], q->n = s->dims[1], q->m = r->dims[1];
    if (!mxio__kernel_set_nout(k, 2)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
    }
    mxio__tdesc_plain(&k->out[0], 3, a->dims);
    mxio__tdesc_plain(&k->out[1], 3, a->dims);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- bipartite_matching --------------------------------------------------------------------- */

typedef struct bip_impl {
    int64_t batch, rows, cols;
    float threshold;
    bool ascend;
    int64_t topk;
} bip_impl;

/* Stable merge sort of indices by key, ascending or descending (std::stable_sort). */
static void stable_sort_dir(int64_t *idx, int64_t n, const float *key, bool ascend, int64_t *tmp) {
    for (int64_t width = 1; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                bool take_b = ascend ? key[idx[b]] < key[idx[a]] : key[idx[b]] > key[idx[a]];
                tmp[o++] = take_b ? idx[b++] : idx[a++];
            }
            while (a < mid) tmp[o++] = idx[a++];
            while (b < hi) tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

/* MXNet's BipartiteMatchingForward: per batch, the (row, col) pairs in stable
 * score order; a pair of a free row and a free column is matched while its
 * score passes the threshold; the first one that does not ends the batch.
 * topk: MXNet stops once the count exceeds topk, so topk + 1 matches are kept. */
static mxio_status bip_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const bip_impl *q = k->impl;
    const int64_t R = q->rows, C = q->cols, S = R * C;
    int64_t *idx = scratch, *tmp = idx + S;
    float *rm = out[0], *cm = out[1];
    for (int64_t b = 0; b < q->batch; b++) {
        const float *score = (const float *)in[0] + b * S;
        float *rmark = rm + b * R, *cmark = cm + b * C;
        for (int64_t i = 0; i < R; i++) rmark[i] = -1.0f;
        for (int64_t i = 0; i < C; i++) cmark[i] = -1.0f;
        for (int64_t i = 0; i < S; i++) idx[i] = i;
        stable_sort_dir(idx, S, score, q->ascend, tmp);
        int64_t count = 0;
        for (int64_t j = 0; j < S; j++) {
            int64_t r = idx[j] / C, c = idx[j] % C;
            if (rmark[r] != -1.0f || cmark[c] != -1.0f) continue;
            float s = score[idx[j]];
            if (!((!q->ascend && s > q->threshold) || (q->ascend && s < q->threshold))) break;
            rmark[r] = (float)c;
            cmark[c] = (float)r;
            if (++count, q->topk > 0 && count > q->topk) break;
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_bipartite_matching_create(const mxio__rt_ctx *ctx, bool is_ascend, float threshold,
                                              int64_t topk, const mxio__tdesc *data, mxio__kernel **out,
                                              mxio_error *err) {
    const char *op = "bipartite_matching";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (data->ndim < 2) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data must be (..., N, M)", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(bip_impl), bip_run, err);
    if (!k) return MXIO_E_NOMEM;
    bip_impl *q = k->impl;
    int nd = data->ndim;
    q->rows = data->dims[nd - 2], q->cols = data->dims[nd - 1];
    q->batch = mxio__rt_prod(data->dims, 0, nd - 2);
    q->threshold = threshold, q->ascend = is_ascend, q->topk = topk;
    int64_t s, bytes;
    if (!mxio__rt_mul_i64(q->rows, q->cols, &s) || !mxio__rt_mul_i64(s, 2 * (int64_t)sizeof(int64_t), &bytes)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: score matrix too large", op);
    }
    k->scratch_bytes = (size_t)bytes;
    if (!mxio__kernel_set_nout(k, 2)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
    }
    mxio__tdesc_plain(&k->out[0], nd - 1, data->dims);
    int64_t cd[MXIO__RT_MAX_DIMS];
    memcpy(cd, data->dims, sizeof cd);
    cd[nd - 2] = data->dims[nd - 1];
    mxio__tdesc_plain(&k->out[1], nd - 1, cd);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- MultiBoxTarget ------------------------------------------------------------------------- */

typedef struct mbt_impl {
    mxio__multibox_target_params p;
    int64_t A, B, L, W, C; /* anchors, batches, labels per image, label width, classes */
} mbt_impl;

/* MXNet's AssignLocTargets: float, with double 0.5 literals. */
static void mbt_loc(const float *an, const float *g, float *dst, const float *v) {
    float aw = an[2] - an[0], ah = an[3] - an[1];
    float ax = (float)((an[0] + an[2]) * 0.5), ay = (float)((an[1] + an[3]) * 0.5);
    float gw = g[2] - g[0], gh = g[3] - g[1];
    float gx = (float)((g[0] + g[2]) * 0.5), gy = (float)((g[1] + g[3]) * 0.5);
    dst[0] = (gx - ax) / aw / v[0];
    dst[1] = (gy - ay) / ah / v[1];
    dst[2] = logf(gw / aw) / v[2];
    dst[3] = logf(gh / ah) / v[3];
}

/* The best IoU of anchor j over the valid ground truths (first on ties). */
static int64_t mbt_best(const float *ov, int64_t L, int64_t nvalid, float *best) {
    int64_t bg = -1;
    float mx = -1.0f;
    for (int64_t g = 0; g < nvalid; g++)
        if (ov[g] > mx) bg = g, mx = ov[g];
    *best = mx;
    return bg;
}

/* MXNet's MultiBoxTargetForward (CPU): greedy bipartite matching of ground truths
 * to anchors by IoU, then every other anchor whose best IoU passes
 * overlap_threshold, then negatives (all the rest, or hard negative mining by
 * the lowest background probability); anchors neither positive nor negative keep
 * ignore_label. minimum_negative_samples is not read by MXNet either. */
static mxio_status mbt_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const mbt_impl *q = k->impl;
    const mxio__multibox_target_params *p = &q->p;
    const int64_t A = q->A, L = q->L, W = q->W, C = q->C;
    const float *anchors = in[0], *labels = in[1], *preds = in[2];
    float *loc = out[0], *mask = out[1], *cls = out[2];
    int64_t *best_gt = scratch, *order = best_gt + A, *tmp = order + A; /* A each */
    float *ov = (float *)(void *)(tmp + A); /* A x L overlaps */
    float *best_iou = ov + A * L, *negkey = best_iou + A;
    signed char *flag = (signed char *)(negkey + A), *gt_done = flag + A; /* A, L */
    for (int64_t b = 0; b < q->B; b++) {
        const float *lab = labels + b * L * W;
        float *bl = loc + b * A * 4, *bm = mask + b * A * 4, *bc = cls + b * A;
        for (int64_t i = 0; i < A * 4; i++) bl[i] = 0.0f, bm[i] = 0.0f;
        for (int64_t i = 0; i < A; i++) bc[i] = p->ignore_label;
        int64_t nvalid = 0;
        while (nvalid < L && lab[nvalid * W] != -1.0f) nvalid++;
        if (nvalid == 0) continue;
        /* overlaps of every anchor with every label row, as MXNet's temp_space */
        for (int64_t j = 0; j < A; j++) {
            const float *a = anchors + j * 4;
            for (int64_t g = 0; g < L; g++) {
                const float *t = lab + g * W + 1;
                float iw = fmaxf(0.0f, fminf(a[2], t[2]) - fmaxf(a[0], t[0]));
                float ih = fmaxf(0.0f, fminf(a[3], t[3]) - fmaxf(a[1], t[1]));
                float inter = iw * ih;
                float uni = (a[2] - a[0]) * (a[3] - a[1]) + (t[2] - t[0]) * (t[3] - t[1]) - inter;
                ov[j * L + g] = uni == 0.0f ? 0.0f : inter / uni;
            }
        }
        for (int64_t j = 0; j < A; j++) flag[j] = -1, best_iou[j] = -1.0f, best_gt[j] = -1;
        for (int64_t g = 0; g < nvalid; g++) gt_done[g] = 0;
        int64_t npos = 0, left = nvalid;
        while (left > 0) {
            int64_t ba = -1, bg = -1;
            float mx = 1e-6f;
            for (int64_t j = 0; j < A; j++) {
                if (flag[j] == 1) continue;
                for (int64_t g = 0; g < nvalid; g++)
                    if (!gt_done[g] && ov[j * L + g] > mx) ba = j, bg = g, mx = ov[j * L + g];
            }
            if (ba < 0) break;
            best_iou[ba] = mx, best_gt[ba] = bg;
            npos++, gt_done[bg] = 1, flag[ba] = 1, left--;
        }
        if (p->overlap_threshold > 0) {
            for (int64_t j = 0; j < A; j++) {
                if (flag[j] == 1) continue;
                float m;
                int64_t g = mbt_best(ov + j * L, L, nvalid, &m);
                if (g < 0) continue;
                best_iou[j] = m, best_gt[j] = g;
                if (m > p->overlap_threshold) npos++, gt_done[g] = 1, flag[j] = 1;
            }
        }
        if (p->negative_mining_ratio > 0) {
            int64_t nneg = (int64_t)(int)((float)npos * p->negative_mining_ratio);
            if (nneg > A - npos) nneg = A - npos;
            if (nneg > 0) {
                const float *pr = preds + b * C * A;
                int64_t cand = 0;
                for (int64_t j = 0; j < A; j++) {
                    if (flag[j] == 1) continue;
                    if (best_iou[j] < 0) {
                        float m;
                        int64_t g = mbt_best(ov + j * L, L, nvalid, &m);
                        if (g >= 0) best_iou[j] = m, best_gt[j] = g;
                    }
                    if (best_iou[j] < p->negative_mining_thresh && flag[j] == -1) {
                        float mxv = pr[j];
                        for (int64_t c = 1; c < C; c++) mxv = pr[j + A * c] > mxv ? pr[j + A * c] : mxv;
                        float sum = 0.0f;
                        for (int64_t c = 0; c < C; c++) sum += expf(pr[j + A * c] - mxv);
                        negkey[j] = -(expf(pr[j] - mxv) / sum);
                        order[cand++] = j;
                    }
                }
                if (cand < nneg)
                    return mxio__fail(err, MXIO_E_SHAPE,
                                      "runtime: %s: %lld negative candidates for %lld negatives", k->op,
                                      (long long)cand, (long long)nneg);
                stable_sort_dir(order, cand, negkey, false, tmp);
                for (int64_t i = 0; i < nneg; i++) flag[order[i]] = 0;
            }
        } else {
            for (int64_t j = 0; j < A; j++)
                if (flag[j] != 1) flag[j] = 0;
        }
        for (int64_t j = 0; j < A; j++) {
            if (flag[j] == 1) {
                const float *g = lab + W * best_gt[j];
                bc[j] = g[0] + 1;
                for (int c = 0; c < 4; c++) bm[j * 4 + c] = 1.0f;
                mbt_loc(anchors + j * 4, g + 1, bl + j * 4, p->variances);
            } else if (flag[j] == 0) {
                bc[j] = 0.0f;
            }
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_multibox_target_create(const mxio__rt_ctx *ctx, const mxio__multibox_target_params *p,
                                           const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "MultiBoxTarget";
    mxio_status st = mxio__rt_check_plain_f32(op, 3, in, err);
    if (st != MXIO_OK) return st;
    const mxio__tdesc *an = &in[0], *lb = &in[1], *cp = &in[2];
    if (an->ndim != 3 || an->dims[2] != 4 || lb->ndim != 3 || lb->dims[2] < 5 || cp->ndim != 3 ||
        cp->dims[0] != lb->dims[0] || cp->dims[2] != an->dims[1] || cp->dims[1] < 1)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: needs anchor (1, A, 4), label (B, L, >= 5), cls_pred (B, classes, A)", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 3, in, sizeof(mbt_impl), mbt_run, err);
    if (!k) return MXIO_E_NOMEM;
    mbt_impl *q = k->impl;
    q->p = *p;
    q->A = an->dims[1], q->B = lb->dims[0], q->L = lb->dims[1], q->W = lb->dims[2], q->C = cp->dims[1];
    /* 3A int64, A*L + 2A floats, A + L flags (A and L come from tensor dims) */
    int64_t al, bytes;
    if (!mxio__rt_mul_i64(q->A, q->L, &al) || !mxio__rt_mul_i64(al + 2 * q->A, (int64_t)sizeof(float), &bytes) ||
        !mxio__rt_add_i64(bytes, 3 * q->A * (int64_t)sizeof(int64_t) + q->A + q->L, &bytes)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: too many anchors or labels", op);
    }
    k->scratch_bytes = (size_t)bytes;
    if (!mxio__kernel_set_nout(k, 3)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
    }
    int64_t ld[2] = {q->B, 4 * q->A}, cd[2] = {q->B, q->A};
    mxio__tdesc_plain(&k->out[0], 2, ld);
    mxio__tdesc_plain(&k->out[1], 2, ld);
    mxio__tdesc_plain(&k->out[2], 2, cd);
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- PSROIPooling ------------------------------------------------------------------------- */

typedef struct psroi_impl {
    float scale;
    int64_t out_dim, pooled, group, N, C, H, W, R;
} psroi_impl;

/* MXNet's PSROIPoolForwardCPU: rounded ROI corners (+1 at the end) times
 * spatial_scale, at least 0.1 wide; bin [floor, ceil) clipped to the map;
 * output channel ctop of bin (gh, gw) averages input channel
 * (ctop * group + gh) * group + gw; empty bins are 0. */
static mxio_status psroi_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    const psroi_impl *q = k->impl;
    const float *data = in[0], *rois = in[1];
    float *o = out[0];
    const int64_t P = q->pooled, G = q->group, H = q->H, W = q->W;
    for (int64_t n = 0; n < q->R; n++) {
        const float *r = rois + n * 5;
        int64_t b = (int64_t)r[0];
        float sw = (float)round(r[1]) * q->scale, sh = (float)round(r[2]) * q->scale;
        float ew = (float)(round(r[3]) + 1.) * q->scale, eh = (float)(round(r[4]) + 1.) * q->scale;
        float rw = fmaxf(ew - sw, 0.1f), rh = fmaxf(eh - sh, 0.1f);
        float bh = rh / (float)P, bw = rw / (float)P;
        for (int64_t ct = 0; ct < q->out_dim; ct++)
            for (int64_t ph = 0; ph < P; ph++)
                for (int64_t pw = 0; pw < P; pw++) {
                    int64_t hs = (int64_t)floorf((float)ph * bh + sh), ws = (int64_t)floorf((float)pw * bw + sw);
                    int64_t he = (int64_t)ceilf((float)(ph + 1) * bh + sh), we = (int64_t)ceilf((float)(pw + 1) * bw + sw);
                    hs = hs < 0 ? 0 : hs > H ? H : hs, he = he < 0 ? 0 : he > H ? H : he;
                    ws = ws < 0 ? 0 : ws > W ? W : ws, we = we < 0 ? 0 : we > W ? W : we;
                    int64_t gw = (int64_t)floorf((float)pw * (float)G / (float)P);
                    int64_t gh = (int64_t)floorf((float)ph * (float)G / (float)P);
                    gw = gw < 0 ? 0 : gw > G - 1 ? G - 1 : gw;
                    gh = gh < 0 ? 0 : gh > G - 1 ? G - 1 : gh;
                    int64_t c = (ct * G + gh) * G + gw;
                    float *y = &o[((n * q->out_dim + ct) * P + ph) * P + pw];
                    if (he <= hs || we <= ws || b < 0 || b >= q->N) {
                        *y = 0.0f;
                        continue;
                    }
                    const float *plane = data + (b * q->C + c) * H * W;
                    float sum = 0.0f;
                    for (int64_t h = hs; h < he; h++)
                        for (int64_t w = ws; w < we; w++) sum += plane[h * W + w];
                    *y = sum / (float)((he - hs) * (we - ws));
                }
    }
    return MXIO_OK;
}

mxio_status mxio__k_psroi_pool_create(const mxio__rt_ctx *ctx, float spatial_scale, int64_t output_dim,
                                      int64_t pooled_size, int64_t group_size, const mxio__tdesc *in,
                                      mxio__kernel **out, mxio_error *err) {
    const char *op = "PSROIPooling";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    int64_t G = group_size > 0 ? group_size : pooled_size; /* MXNet: 0 means pooled_size */
    const mxio__tdesc *d = &in[0], *r = &in[1];
    int64_t need;
    if (d->ndim != 4 || r->ndim != 2 || r->dims[1] != 5 || output_dim < 1 || pooled_size < 1 ||
        pooled_size > 4096 || G > 4096 || !mxio__rt_mul_i64(output_dim, G * G, &need) || d->dims[1] < need)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: needs data (N, >= output_dim*group^2, H, W) and rois (R, 5)", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 2, in, sizeof(psroi_impl), psroi_run, err);
    if (!k) return MXIO_E_NOMEM;
    psroi_impl *q = k->impl;
    q->scale = spatial_scale, q->out_dim = output_dim, q->pooled = pooled_size, q->group = G;
    q->N = d->dims[0], q->C = d->dims[1], q->H = d->dims[2], q->W = d->dims[3], q->R = r->dims[0];
    int64_t od[4] = {q->R, output_dim, pooled_size, pooled_size};
    mxio__tdesc_plain(&k->out[0], 4, od);
    return mxio__rt_kernel_done(k, out, err);
}
