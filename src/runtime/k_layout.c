/* k_layout.c - channels-last (NWC, NHWC, NDHWC) Convolution, Deconvolution and
 * Pooling: the channels-first kernel run between two transposes.
 *
 * MXNet 1.9.1 defines these layouts (its shape rules take them; its CPU build
 * runs Pooling in them but refuses Convolution/Deconvolution), and they are
 * rare in saved models, so the wrapper keeps them apart from the oneDNN kernels
 * instead of teaching every descriptor a second layout; it costs two copies of
 * the activation per layer. */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

typedef struct wrap_impl {
    mxio__kernel *inner, *to_first, *res_first, *to_last;
    size_t off_a, off_b, off_scratch; /* the channels-first input and output, inner scratch */
} wrap_impl;

static void wrap_destroy(mxio__kernel *k) {
    wrap_impl *w = k->impl;
    if (!w) return;
    mxio__kernel_free(w->inner);
    mxio__kernel_free(w->to_first);
    mxio__kernel_free(w->res_first);
    mxio__kernel_free(w->to_last);
    free(w);
    k->impl = NULL;
}

static mxio_status wrap_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const wrap_impl *w = k->impl;
    unsigned char *sc = scratch;
    void *a = sc + w->off_a, *b = sc + w->off_b, *s = sc + w->off_scratch;
    mxio_status st = mxio__kernel_run(w->to_first, ex, in, &a, s, err);
    /* a fused residual sum: out[0] holds the residual, in this layout */
    if (!st && w->res_first) st = mxio__kernel_run(w->res_first, ex, (const void *const *)out, &b, s, err);
    if (st) return st;
    const void *inner_in[MXIO__RT_MAX_IO];
    inner_in[0] = a;
    for (int i = 1; i < w->inner->nin; i++) inner_in[i] = in[i];
    if ((st = mxio__kernel_run(w->inner, ex, inner_in, &b, s, err))) return st;
    return mxio__kernel_run(w->to_last, ex, (const void *const *)&b, out, s, err);
}

void mxio__channels_first_desc(const mxio__tdesc *data, mxio__tdesc *out) {
    int64_t d[MXIO__RT_MAX_DIMS];
    int n = data->ndim;
    d[0] = data->dims[0];
    d[1] = data->dims[n - 1];
    for (int i = 1; i + 1 < n; i++) d[i + 1] = data->dims[i];
    mxio__tdesc_plain(out, n, d);
    out->dtype = data->dtype;
}

static size_t align_up(size_t n) {
    return (n + MXIO__RT_ALIGN - 1) / MXIO__RT_ALIGN * MXIO__RT_ALIGN;
}

mxio_status mxio__k_channels_last_wrap(const mxio__rt_ctx *ctx, const mxio__tdesc *data,
                                       mxio__kernel *inner, bool post_sum, mxio__kernel **out,
                                       mxio_error *err) {
    const char *op = inner ? inner->op : "channels-last";
    int n = data->ndim;
    mxio_status st = MXIO_OK;
    mxio__kernel *k = NULL;
    wrap_impl *w = calloc(1, sizeof *w);
    if (!w) {
        mxio__kernel_free(inner);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    w->inner = inner;
    if (!inner || n < 3 || n > 5 || data->layout != MXIO__LAYOUT_PLAIN || inner->nout != 1 ||
        inner->out[0].layout != MXIO__LAYOUT_PLAIN || inner->out[0].ndim != n) {
        st = mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: channels-last needs plain %s", op,
                        inner ? "tensors of 3 to 5 dims" : "an inner kernel");
        goto fail;
    }
    int first[MXIO__RT_MAX_DIMS], last[MXIO__RT_MAX_DIMS];
    first[0] = last[0] = 0;
    first[1] = n - 1;
    for (int i = 1; i + 1 < n; i++) first[i + 1] = i;
    for (int i = 1; i + 1 < n; i++) last[i] = i + 1;
    last[n - 1] = 1;
    if ((st = mxio__k_transpose_create(ctx, n, first, data, &w->to_first, err))) goto fail;
    if ((st = mxio__k_transpose_create(ctx, n, last, &inner->out[0], &w->to_last, err))) goto fail;
    if (post_sum &&
        (st = mxio__k_transpose_create(ctx, n, first, &w->to_last->out[0], &w->res_first, err)))
        goto fail;
    size_t sa = align_up(mxio__tdesc_bytes(&w->to_first->out[0]));
    size_t sb = align_up(mxio__tdesc_bytes(&inner->out[0]));
    size_t si = inner->scratch_bytes;
    const mxio__kernel *parts[] = {w->to_first, w->to_last, w->res_first};
    for (int i = 0; i < 3; i++)
        if (parts[i] && parts[i]->scratch_bytes > si) si = parts[i]->scratch_bytes;
    if (sa == 0 || sb == 0 || sa > SIZE_MAX / 4 || sb > SIZE_MAX / 4 || si > SIZE_MAX / 4) {
        st = mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: tensors too large", op);
        goto fail;
    }
    k = mxio__kernel_new(op, inner->nin, inner->in, 0);
    if (!k) {
        st = mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
        goto fail;
    }
    k->in[0] = *data;
    k->out[0] = w->to_last->out[0];
    w->off_a = 0;
    w->off_b = sa;
    w->off_scratch = sa + sb;
    k->scratch_bytes = sa + sb + si;
    k->run = wrap_run;
    k->destroy = wrap_destroy;
    k->impl = w;
    return mxio__rt_kernel_done(k, out, err);
fail:
    mxio__kernel_free(w->inner);
    mxio__kernel_free(w->to_first);
    mxio__kernel_free(w->res_first);
    mxio__kernel_free(w->to_last);
    free(w);
    return st;
}

mxio_status mxio__channels_first_weight(const mxio__tdesc *w, const float *src, float **out,
                                        mxio_error *err) {
    *out = NULL;
    int n = w->ndim;
    int64_t total = mxio__tdesc_numel(w);
    if (n < 3 || n > 5 || total <= 0)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: channels-last weight of %d dims", n);
    float *dst = mxio__rt_alloc((size_t)total * sizeof *dst);
    if (!dst) return mxio__fail(err, MXIO_E_NOMEM, "runtime: channels-last weight");
    /* (A, k..., B) -> (A, B, k...): per A, a (K, B) matrix transposed to (B, K) */
    int64_t a = w->dims[0], b = w->dims[n - 1], kk = total / a / b;
    for (int64_t i = 0; i < a; i++) {
        const float *s = src + i * kk * b;
        float *d = dst + i * kk * b;
        for (int64_t q = 0; q < kk; q++)
            for (int64_t c = 0; c < b; c++) d[c * kk + q] = s[q * b + c];
    }
    *out = dst;
    return MXIO_OK;
}
