/* test_layout.c - channels-last helpers (src/runtime/k_layout.c): the weight
 * permutation, the channels-first descriptor, and the transpose wrapper run
 * around a max pooling against a direct loop over the NHWC tensor; the source
 * kernel's descriptors and refusals (its values are checked against MXNet in
 * tests/run/test_run_shapes.py). */
#include <stdlib.h>

#include "check.h"
#include "runtime/runtime.h"

static void test_weight_and_desc(void) {
    mxio_error err;
    /* (O=2, kh=2, kw=3, I=2): element (o, h, w, i) = 1000o + 100h + 10w + i */
    mxio__tdesc w;
    int64_t wd[4] = {2, 2, 3, 2};
    mxio__tdesc_plain(&w, 4, wd);
    float src[24];
    for (int o = 0, n = 0; o < 2; o++)
        for (int h = 0; h < 2; h++)
            for (int x = 0; x < 3; x++)
                for (int i = 0; i < 2; i++) src[n++] = (float)(1000 * o + 100 * h + 10 * x + i);
    float *t = NULL;
    CHECK_EQ_INT(mxio__channels_first_weight(&w, src, &t, &err), MXIO_OK);
    if (t) {
        bool ok = true;
        /* (O, I, kh, kw) */
        for (int o = 0, n = 0; o < 2; o++)
            for (int i = 0; i < 2; i++)
                for (int h = 0; h < 2; h++)
                    for (int x = 0; x < 3; x++) ok &= t[n++] == (float)(1000 * o + 100 * h + 10 * x + i);
        CHECK(ok);
        mxio__rt_free(t);
    }
    mxio__tdesc bad;
    int64_t bd[2] = {2, 3};
    mxio__tdesc_plain(&bad, 2, bd);
    CHECK_EQ_INT(mxio__channels_first_weight(&bad, src, &t, &err), MXIO_E_SHAPE);
    CHECK(t == NULL);

    mxio__tdesc x, f;
    int64_t xd[5] = {2, 3, 4, 5, 6};
    mxio__tdesc_plain(&x, 5, xd);
    mxio__channels_first_desc(&x, &f);
    CHECK_EQ_INT(f.ndim, 5);
    CHECK_EQ_INT(f.dims[1], 6);
    CHECK_EQ_INT(f.dims[2], 3);
    CHECK_EQ_INT(f.dims[4], 5);
}

static void test_wrapped_pool(mxio__rt_ctx *ctx, mxio__rt_exec *ex) {
    mxio_error err;
    enum { N = 2, H = 4, W = 6, C = 3 };
    mxio__tdesc x, f;
    int64_t xd[4] = {N, H, W, C};
    mxio__tdesc_plain(&x, 4, xd);
    mxio__channels_first_desc(&x, &f);
    mxio__pool_params p = {.nspatial = 2, .kernel = {2, 2}, .stride = {2, 2}, .type = MXIO__POOL_MAX};
    mxio__kernel *inner = NULL, *k = NULL;
    CHECK_EQ_INT(mxio__k_pool_create(ctx, &p, &f, &inner, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__k_channels_last_wrap(ctx, &x, inner, false, &k, &err), MXIO_OK);
    if (!k) return;
    CHECK_EQ_INT(k->out[0].ndim, 4);
    CHECK_EQ_INT(k->out[0].dims[1], H / 2);
    CHECK_EQ_INT(k->out[0].dims[3], C);
    float in[N * H * W * C], out[N * (H / 2) * (W / 2) * C];
    for (int i = 0; i < N * H * W * C; i++) in[i] = (float)((i * 37) % 101) - 50.0f;
    void *scratch = mxio__rt_alloc(k->scratch_bytes ? k->scratch_bytes : 1);
    const void *ins[1] = {in};
    void *outs[1] = {out};
    CHECK_EQ_INT(mxio__kernel_run(k, ex, ins, outs, scratch, &err), MXIO_OK);
    bool ok = true;
    for (int n = 0; n < N; n++)
        for (int h = 0; h < H / 2; h++)
            for (int w = 0; w < W / 2; w++)
                for (int c = 0; c < C; c++) {
                    float m = -1e30f;
                    for (int dh = 0; dh < 2; dh++)
                        for (int dw = 0; dw < 2; dw++) {
                            float v = in[((n * H + 2 * h + dh) * W + 2 * w + dw) * C + c];
                            if (v > m) m = v;
                        }
                    ok &= out[((n * (H / 2) + h) * (W / 2) + w) * C + c] == m;
                }
    CHECK(ok);
    mxio__rt_free(scratch);
    mxio__kernel_free(k);

    /* a oneDNN-laid-out input is refused (the executor reorders it first) */
    mxio__tdesc blocked = x;
    blocked.layout = MXIO__LAYOUT_DNNL;
    CHECK_EQ_INT(mxio__k_pool_create(ctx, &p, &f, &inner, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__k_channels_last_wrap(ctx, &blocked, inner, false, &k, &err), MXIO_E_UNSUPPORTED);
}

static void test_source_kernel(mxio__rt_ctx *ctx) {
    mxio_error err;
    mxio__kernel *k = NULL;
    int64_t d[2] = {3, 4};
    CHECK_EQ_INT(mxio__k_source_create(ctx, MXIO_DTYPE_INT64, 2, d, true, 1, 2, 1, &k, &err), MXIO_OK);
    if (k) {
        CHECK_EQ_INT(k->nin, 0);
        CHECK_EQ_INT(k->out[0].dtype, MXIO_DTYPE_INT64);
        CHECK_EQ_INT(k->out[0].dims[1], 4);
        CHECK_EQ_INT((int)mxio__tdesc_bytes(&k->out[0]), 3 * 4 * 8);
        mxio__kernel_free(k);
        k = NULL;
    }
    /* MXNet's _arange has no bool dtype; repeat must be positive */
    CHECK_EQ_INT(mxio__k_source_create(ctx, MXIO_DTYPE_BOOL, 1, d, true, 0, 1, 1, &k, &err), MXIO_E_UNSUPPORTED);
    CHECK_EQ_INT(mxio__k_source_create(ctx, MXIO_DTYPE_INT32, 1, d, true, 0, 1, 0, &k, &err), MXIO_E_SHAPE);
    CHECK_EQ_INT(mxio__k_source_create(ctx, MXIO_DTYPE_UINT16, 1, d, false, 0, 0, 1, &k, &err), MXIO_E_UNSUPPORTED);
    int64_t bad[1] = {-1};
    CHECK_EQ_INT(mxio__k_source_create(ctx, MXIO_DTYPE_FLOAT32, 1, bad, false, 0, 0, 1, &k, &err), MXIO_E_SHAPE);
    CHECK(k == NULL);
}

int main(void) {
    mxio_error err;
    mxio__rt_ctx ctx;
    mxio__rt_exec ex;
    CHECK_EQ_INT(mxio__rt_ctx_init(&ctx, 1, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__rt_exec_init(&ex, &ctx, 1, &err), MXIO_OK);
    test_weight_and_desc();
    test_wrapped_pool(&ctx, &ex);
    test_source_kernel(&ctx);
    mxio__rt_exec_free(&ex);
    mxio__rt_ctx_free(&ctx);
    CHECK_DONE();
}
