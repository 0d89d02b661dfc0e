/* test_runtime.c - runtime plumbing the oracle tests do not reach: oneDNN
 * blocked layouts chained between kernels, one kernel run from two threads
 * at once, descriptors, and shape errors. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "check.h"
#include "runtime/runtime.h"

static void fill(float *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (float)((seed >> 9) & 0xffff) / 65536.0f - 0.5f;
    }
}

static float max_diff(const float *a, const float *b, size_t n) {
    float m = 0;
    for (size_t i = 0; i < n; i++) m = fmaxf(m, fabsf(a[i] - b[i]));
    return m;
}

static void *scratch_for(const mxio__kernel *k) {
    return k->scratch_bytes ? mxio__rt_alloc(k->scratch_bytes) : NULL;
}

static void run1(const mxio__kernel *k, mxio__rt_exec *ex, const void *a, const void *w,
                 const void *b, void *y) {
    mxio_error err;
    const void *in[3] = {a, w, b};
    void *out[1] = {y};
    void *sc = scratch_for(k);
    mxio_status st = mxio__kernel_run(k, ex, in, out, sc, &err);
    if (st) fprintf(stderr, "%s\n", err.message);
    CHECK_EQ_INT(st, MXIO_OK);
    mxio__rt_free(sc);
}

/* conv -> conv -> max pool, once all plain and once with the activations kept
 * in oneDNN's blocked layout in between: same numbers. */
static void test_blocked_chain(mxio__rt_ctx *ctx, mxio__rt_exec *ex) {
    mxio_error err;
    int64_t dims[4] = {1, 16, 12, 12};
    mxio__tdesc x;
    mxio__tdesc_plain(&x, 4, dims);
    mxio__conv_params p = {0};
    p.nspatial = 2;
    p.kernel[0] = p.kernel[1] = 3;
    p.stride[0] = p.stride[1] = p.dilate[0] = p.dilate[1] = 1;
    p.pad[0] = p.pad[1] = 1;
    p.num_filter = 16;
    p.num_group = 1;
    float *w = malloc(16 * 16 * 9 * sizeof(float)), *b = malloc(16 * sizeof(float));
    fill(w, 16 * 16 * 9, 1);
    fill(b, 16, 2);
    mxio__pool_params pp = {0};
    pp.nspatial = 2;
    pp.kernel[0] = pp.kernel[1] = 2;
    pp.stride[0] = pp.stride[1] = 2;
    pp.type = MXIO__POOL_MAX;
    pp.count_include_pad = true;

    mxio__kernel *a1, *a2, *a3, *b1, *b2, *b3;
    CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w, b, &a1, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &a1->out[0], w, b, &a2, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__k_pool_create(ctx, &pp, &a2->out[0], &a3, &err), MXIO_OK);
    p.blocked_out = true;
    pp.blocked_out = false;
    CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w, b, &b1, &err), MXIO_OK);
    CHECK_EQ_INT(b1->out[0].layout, MXIO__LAYOUT_DNNL);
    CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &b1->out[0], w, b, &b2, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__k_pool_create(ctx, &pp, &b2->out[0], &b3, &err), MXIO_OK);
    CHECK_EQ_INT(b3->out[0].layout, MXIO__LAYOUT_PLAIN);
    CHECK_EQ_INT(b3->out[0].dims[2], 6);
    /* A pooling variant oneDNN cannot compute exactly refuses a blocked input. */
    mxio__kernel *bad = NULL;
    pp.type = MXIO__POOL_LP;
    pp.p_value = 2;
    CHECK_EQ_INT(mxio__k_pool_create(ctx, &pp, &b2->out[0], &bad, &err), MXIO_E_UNSUPPORTED);

    size_t n = 16 * 12 * 12;
    float *in = mxio__rt_alloc(n * 4), *t1 = mxio__rt_alloc(mxio__tdesc_bytes(&b1->out[0]));
    float *t2 = mxio__rt_alloc(mxio__tdesc_bytes(&b2->out[0])), *p1 = mxio__rt_alloc(n * 4),
          *p2 = mxio__rt_alloc(n * 4), *ya = mxio__rt_alloc(n), *yb = mxio__rt_alloc(n);
    fill(in, n, 3);
    run1(a1, ex, in, NULL, NULL, p1);
    run1(a2, ex, p1, NULL, NULL, p2);
    run1(a3, ex, p2, NULL, NULL, ya);
    run1(b1, ex, in, NULL, NULL, t1);
    run1(b2, ex, t1, NULL, NULL, t2);
    run1(b3, ex, t2, NULL, NULL, yb);
    CHECK(max_diff(ya, yb, 16 * 6 * 6) < 1e-4f);
    /* An explicit reorder of the blocked conv output equals the plain one, and back. */
    mxio__kernel *to_plain, *to_blocked;
    CHECK_EQ_INT(mxio__k_reorder_create(ctx, &b2->out[0], NULL, &to_plain, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__k_reorder_create(ctx, &to_plain->out[0], &b2->out[0], &to_blocked, &err), MXIO_OK);
    float *rp = mxio__rt_alloc(n * 4), *rb = mxio__rt_alloc(mxio__tdesc_bytes(&b2->out[0]));
    run1(to_plain, ex, t2, NULL, NULL, rp);
    CHECK(max_diff(rp, p2, n) < 1e-4f);
    run1(to_blocked, ex, rp, NULL, NULL, rb);
    CHECK(memcmp(rb, t2, mxio__tdesc_bytes(&b2->out[0])) == 0);
    mxio__kernel_free(to_plain);
    mxio__kernel_free(to_blocked);
    mxio__rt_free(rp);
    mxio__rt_free(rb);
    mxio__kernel *ks[] = {a1, a2, a3, b1, b2, b3};
    for (int i = 0; i < 6; i++) mxio__kernel_free(ks[i]);
    void *bufs[] = {in, t1, t2, p1, p2, ya, yb};
    for (int i = 0; i < 7; i++) mxio__rt_free(bufs[i]);
    free(w);
    free(b);
}

/* Element-wise kernels between oneDNN kernels stay in the blocked layout:
 * conv -> relu -> add(conv output) -> scalar -> conv, against the plain path. */
static void test_blocked_elementwise(mxio__rt_ctx *ctx, mxio__rt_exec *ex) {
    mxio_error err;
    for (int C = 3; C <= 16; C += 13) { /* 3 channels: padded in nChw8c-style layouts */
        int64_t dims[4] = {1, C, 7, 7};
        mxio__tdesc x;
        mxio__tdesc_plain(&x, 4, dims);
        mxio__conv_params p = {0};
        p.nspatial = 2;
        p.kernel[0] = p.kernel[1] = 3;
        p.stride[0] = p.stride[1] = p.dilate[0] = p.dilate[1] = 1;
        p.pad[0] = p.pad[1] = 1;
        p.num_filter = C;
        p.num_group = 1;
        size_t wn = (size_t)C * C * 9, n = (size_t)C * 49;
        float *w = malloc(wn * 4), *b = malloc((size_t)C * 4);
        fill(w, wn, 21);
        fill(b, (size_t)C, 22);
        mxio__act_params relu = {.type = MXIO__ACT_RELU};
        mxio__kernel *k[2][5];
        for (int blocked = 0; blocked < 2; blocked++) {
            p.blocked_out = blocked;
            CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w, b, &k[blocked][0], &err), MXIO_OK);
            mxio__tdesc t = k[blocked][0]->out[0];
            CHECK_EQ_INT(mxio__k_act_create(ctx, &relu, &t, &k[blocked][1], &err), MXIO_OK);
            mxio__tdesc two[2] = {t, t};
            CHECK_EQ_INT(mxio__k_add_n_create(ctx, 2, two, &k[blocked][2], &err), MXIO_OK);
            CHECK_EQ_INT(mxio__k_scalar_create(ctx, MXIO__BIN_MUL, 0.5, &t, &k[blocked][3], &err), MXIO_OK);
            p.blocked_out = false;
            CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &t, w, b, &k[blocked][4], &err), MXIO_OK);
            if (blocked) {
                bool padded = false;
                for (int d = 0; d < t.md.ndims; d++) padded |= t.md.padded_dims[d] != t.md.dims[d];
                mxio__kernel *e = NULL;
                mxio_status st = mxio__k_unary_create(ctx, MXIO__UN_EXP, &t, &e, &err);
                CHECK_EQ_INT(st, padded ? MXIO_E_UNSUPPORTED : MXIO_OK);
                mxio__kernel_free(e);
            }
        }
        float *y[2];
        for (int blocked = 0; blocked < 2; blocked++) {
            size_t tb = mxio__tdesc_bytes(&k[blocked][0]->out[0]);
            float *in = mxio__rt_alloc(n * 4), *c1 = mxio__rt_alloc(tb), *r = mxio__rt_alloc(tb),
                  *sum = mxio__rt_alloc(tb), *h = mxio__rt_alloc(tb);
            y[blocked] = mxio__rt_alloc(n * 4);
            fill(in, n, 23);
            run1(k[blocked][0], ex, in, NULL, NULL, c1);
            run1(k[blocked][1], ex, c1, NULL, NULL, r);
            run1(k[blocked][2], ex, r, c1, NULL, sum);
            run1(k[blocked][3], ex, sum, NULL, NULL, h);
            run1(k[blocked][4], ex, h, NULL, NULL, y[blocked]);
            void *bufs[] = {in, c1, r, sum, h};
            for (int i = 0; i < 5; i++) mxio__rt_free(bufs[i]);
            for (int i = 0; i < 5; i++) mxio__kernel_free(k[blocked][i]);
        }
        CHECK(max_diff(y[0], y[1], n) < 1e-4f);
        mxio__rt_free(y[0]);
        mxio__rt_free(y[1]);
        free(w);
        free(b);
    }
}

/* Fused residual sum + activation equals conv, add_n, activation. */
static void test_post_ops(mxio__rt_ctx *ctx, mxio__rt_exec *ex) {
    mxio_error err;
    int64_t dims[4] = {1, 8, 6, 6};
    mxio__tdesc x;
    mxio__tdesc_plain(&x, 4, dims);
    size_t n = 8 * 36;
    float *w = malloc(8 * 8 * 9 * 4), *b = malloc(8 * 4);
    fill(w, 8 * 8 * 9, 31);
    fill(b, 8, 32);
    mxio__act_params acts[3] = {{.type = MXIO__ACT_RELU},
                                {.type = MXIO__ACT_CLIP, .a_min = -0.2f, .a_max = 0.3f},
                                {.type = MXIO__ACT_LEAKY, .slope = 0.1f}};
    for (int a = 0; a < 3; a++)
        for (int blocked = 0; blocked < 2; blocked++) {
            mxio__conv_params p = {0};
            p.nspatial = 2;
            p.kernel[0] = p.kernel[1] = 3;
            p.stride[0] = p.stride[1] = p.dilate[0] = p.dilate[1] = 1;
            p.pad[0] = p.pad[1] = 1;
            p.num_filter = 8;
            p.num_group = 1;
            p.blocked_out = blocked;
            mxio__kernel *res, *fused, *add, *act;
            CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w, b, &res, &err), MXIO_OK);
            mxio__tdesc t = res->out[0];
            mxio__tdesc two[2] = {t, t};
            CHECK_EQ_INT(mxio__k_add_n_create(ctx, 2, two, &add, &err), MXIO_OK);
            CHECK_EQ_INT(mxio__k_act_create(ctx, &acts[a], &t, &act, &err), MXIO_OK);
            p.post_sum = p.post_act = true;
            p.act = acts[a];
            CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w, b, &fused, &err), MXIO_OK);
            CHECK(dnnl_memory_desc_equal(&fused->out[0].md, &t.md) || !blocked);
            size_t tb = mxio__tdesc_bytes(&t);
            float *in = mxio__rt_alloc(n * 4), *in2 = mxio__rt_alloc(n * 4), *r = mxio__rt_alloc(tb),
                  *c = mxio__rt_alloc(tb), *s1 = mxio__rt_alloc(tb), *ref = mxio__rt_alloc(tb),
                  *got = mxio__rt_alloc(tb);
            fill(in, n, 33);
            fill(in2, n, 34);
            run1(res, ex, in2, NULL, NULL, r); /* residual branch */
            run1(res, ex, in, NULL, NULL, c);  /* same conv on the main input */
            run1(add, ex, c, r, NULL, s1);
            run1(act, ex, s1, NULL, NULL, ref);
            memcpy(got, r, tb); /* the fused conv accumulates into its output */
            run1(fused, ex, in, NULL, NULL, got);
            CHECK(max_diff(ref, got, tb / 4) < 1e-5f);
            mxio__kernel *ks[] = {res, fused, add, act};
            for (int i = 0; i < 4; i++) mxio__kernel_free(ks[i]);
            void *bufs[] = {in, in2, r, c, s1, ref, got};
            for (int i = 0; i < 7; i++) mxio__rt_free(bufs[i]);
        }
    mxio__conv_params p = {0};
    p.nspatial = 2;
    p.kernel[0] = p.kernel[1] = 1;
    p.stride[0] = p.stride[1] = p.dilate[0] = p.dilate[1] = 1;
    p.num_filter = 8;
    p.num_group = 1;
    p.post_act = true;
    p.act.type = MXIO__ACT_SOFTSIGN; /* no oneDNN eltwise computes it */
    mxio__kernel *k = NULL;
    CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w, b, &k, &err), MXIO_E_UNSUPPORTED);
    free(w);
    free(b);
}

/* conv (no bias) -> BatchNorm equals the conv with the BN folded in. */
static void test_bn_fold(mxio__rt_ctx *ctx, mxio__rt_exec *ex) {
    mxio_error err;
    int64_t dims[4] = {2, 4, 5, 5};
    mxio__tdesc x;
    mxio__tdesc_plain(&x, 4, dims);
    mxio__conv_params p = {0};
    p.nspatial = 2;
    p.kernel[0] = p.kernel[1] = 3;
    p.stride[0] = p.stride[1] = p.dilate[0] = p.dilate[1] = 1;
    p.pad[0] = p.pad[1] = 1;
    p.num_filter = 6;
    p.num_group = 2;
    p.no_bias = true;
    size_t wn = 6 * 2 * 9, n = 2 * 4 * 25, on = 2 * 6 * 25;
    float w[6 * 2 * 9], g[6], be[6], m[6], v[6], bias[6] = {0};
    fill(w, wn, 41);
    fill(g, 6, 42);
    fill(be, 6, 43);
    fill(m, 6, 44);
    fill(v, 6, 45);
    for (int i = 0; i < 6; i++) v[i] += 1.0f;
    for (int fix = 0; fix < 2; fix++) {
        mxio__bn_params bp = {1e-3f, fix, false, 1};
        mxio__kernel *conv, *bn, *folded;
        CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w, NULL, &conv, &err), MXIO_OK);
        CHECK_EQ_INT(mxio__k_batchnorm_create(ctx, &bp, &conv->out[0], &bn, &err), MXIO_OK);
        float fw[6 * 2 * 9], fb[6] = {0};
        memcpy(fw, w, sizeof fw);
        memcpy(fb, bias, sizeof fb);
        mxio__bn_fold_into_conv(&bp, 6, 2 * 9, g, be, m, v, fw, fb);
        mxio__conv_params fp = p;
        fp.no_bias = false;
        CHECK_EQ_INT(mxio__k_conv_create(ctx, &fp, &x, fw, fb, &folded, &err), MXIO_OK);
        float *in = mxio__rt_alloc(n * 4), *c = mxio__rt_alloc(on * 4), *ref = mxio__rt_alloc(on * 4),
              *got = mxio__rt_alloc(on * 4);
        fill(in, n, 46);
        run1(conv, ex, in, NULL, NULL, c);
        mxio_error e2;
        const void *bin[5] = {c, g, be, m, v};
        void *bout[1] = {ref};
        CHECK_EQ_INT(mxio__kernel_run(bn, ex, bin, bout, NULL, &e2), MXIO_OK);
        run1(folded, ex, in, NULL, NULL, got);
        CHECK(max_diff(ref, got, on) < 1e-5f);
        float sc[6], sh[6];
        mxio__bn_scale_shift(&bp, 6, g, be, m, v, sc, sh);
        CHECK(fabsf(sc[0] - (fix ? 1.0f : g[0]) / sqrtf(v[0] + 1e-3f)) < 1e-6f);
        mxio__kernel_free(conv);
        mxio__kernel_free(bn);
        mxio__kernel_free(folded);
        mxio__rt_free(in);
        mxio__rt_free(c);
        mxio__rt_free(ref);
        mxio__rt_free(got);
    }
}

/* Two convs with blocked outputs joined by the oneDNN concat (and by the C
 * concat on plain outputs) give the same tensor. */
static void test_blocked_concat(mxio__rt_ctx *ctx, mxio__rt_exec *ex) {
    mxio_error err;
    int64_t dims[4] = {1, 8, 5, 5};
    mxio__tdesc x;
    mxio__tdesc_plain(&x, 4, dims);
    float w1[16 * 8], w2[8 * 8], b1[16] = {0}, b2[8] = {0};
    fill(w1, 16 * 8, 51);
    fill(w2, 8 * 8, 52);
    size_t n = 8 * 25, on = 24 * 25;
    float *in = mxio__rt_alloc(n * 4), *ref = mxio__rt_alloc(on * 4), *got = mxio__rt_alloc(on * 4);
    fill(in, n, 53);
    for (int blocked = 0; blocked < 2; blocked++) {
        mxio__conv_params p = {0};
        p.nspatial = 2;
        p.kernel[0] = p.kernel[1] = 1;
        p.stride[0] = p.stride[1] = p.dilate[0] = p.dilate[1] = 1;
        p.num_group = 1;
        p.blocked_out = blocked;
        mxio__kernel *c1, *c2, *cat, *back = NULL;
        p.num_filter = 16;
        CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w1, b1, &c1, &err), MXIO_OK);
        p.num_filter = 8;
        CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, w2, b2, &c2, &err), MXIO_OK);
        mxio__tdesc two[2] = {c1->out[0], c2->out[0]};
        CHECK_EQ_INT(mxio__k_concat_create(ctx, 1, 2, two, &cat, &err), MXIO_OK);
        CHECK_EQ_INT(cat->out[0].dims[1], 24);
        CHECK_EQ_INT(cat->out[0].layout, blocked ? MXIO__LAYOUT_DNNL : MXIO__LAYOUT_PLAIN);
        float *y1 = mxio__rt_alloc(mxio__tdesc_bytes(&c1->out[0])), *y2 = mxio__rt_alloc(mxio__tdesc_bytes(&c2->out[0]));
        float *yc = mxio__rt_alloc(mxio__tdesc_bytes(&cat->out[0]));
        run1(c1, ex, in, NULL, NULL, y1);
        run1(c2, ex, in, NULL, NULL, y2);
        run1(cat, ex, y1, y2, NULL, yc);
        if (blocked) {
            CHECK_EQ_INT(mxio__k_reorder_create(ctx, &cat->out[0], NULL, &back, &err), MXIO_OK);
            run1(back, ex, yc, NULL, NULL, got);
            CHECK(max_diff(ref, got, on) < 1e-5f);
        } else {
            memcpy(ref, yc, on * 4);
        }
        mxio__kernel *ks[] = {c1, c2, cat, back};
        for (int i = 0; i < 4; i++) mxio__kernel_free(ks[i]);
        mxio__rt_free(y1);
        mxio__rt_free(y2);
        mxio__rt_free(yc);
    }
    mxio__rt_free(in);
    mxio__rt_free(ref);
    mxio__rt_free(got);
}

/* One kernel, two threads, each with its own stream, scratch and tensors. */
typedef struct job {
    const mxio__kernel *k;
    const mxio__rt_ctx *ctx;
    const float *x, *w;
    float *y;
    int rc;
} job;

static void *job_main(void *arg) {
    job *j = arg;
    mxio_error err;
    mxio__rt_exec ex;
    j->rc = 1;
    if (mxio__rt_exec_init(&ex, j->ctx, 1, &err)) return NULL;
    void *sc = scratch_for(j->k);
    const void *in[3] = {j->x, j->w, NULL};
    void *out[1] = {j->y};
    j->rc = 0;
    for (int r = 0; r < 20 && !j->rc; r++) j->rc = mxio__kernel_run(j->k, &ex, in, out, sc, &err);
    mxio__rt_free(sc);
    mxio__rt_exec_free(&ex);
    return NULL;
}

static void test_concurrent_runs(mxio__rt_ctx *ctx, mxio__rt_exec *ex) {
    mxio_error err;
    int64_t dims[4] = {2, 8, 9, 9};
    mxio__tdesc x;
    mxio__tdesc_plain(&x, 4, dims);
    mxio__conv_params p = {0};
    p.nspatial = 2;
    p.kernel[0] = p.kernel[1] = 3;
    p.stride[0] = p.stride[1] = p.dilate[0] = p.dilate[1] = 1;
    p.num_filter = 8;
    p.num_group = 1;
    p.no_bias = true;
    mxio__kernel *k; /* weights given at run time: the kernel reorders them into scratch */
    CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &x, NULL, NULL, &k, &err), MXIO_OK);
    size_t n_in = 2 * 8 * 81, n_out = 2 * 8 * 49;
    float *in[2], *out[2], *w = malloc(8 * 8 * 9 * sizeof(float)), *ref = malloc(n_out * 4);
    fill(w, 8 * 8 * 9, 9);
    pthread_t th[2];
    job jobs[2];
    for (int i = 0; i < 2; i++) {
        in[i] = malloc(n_in * 4);
        out[i] = malloc(n_out * 4);
        fill(in[i], n_in, 10 + (unsigned)i);
        jobs[i] = (job){k, ctx, in[i], w, out[i], 1};
    }
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, job_main, &jobs[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_INT(jobs[i].rc, 0);
        run1(k, ex, in[i], w, NULL, ref);
        CHECK(max_diff(ref, out[i], n_out) == 0.0f);
        free(in[i]);
        free(out[i]);
    }
    free(w);
    free(ref);
    mxio__kernel_free(k);
}

static void test_descriptors_and_errors(mxio__rt_ctx *ctx) {
    mxio_error err;
    int64_t dims[3] = {2, 3, 4};
    mxio__tdesc t;
    mxio__tdesc_plain(&t, 3, dims);
    char buf[64];
    CHECK(strcmp(mxio__tdesc_str(&t, buf, sizeof buf), "(2, 3, 4)") == 0);
    CHECK_EQ_INT(mxio__tdesc_numel(&t), 24);
    CHECK_EQ_INT(mxio__tdesc_bytes(&t), 96);
    t.dtype = MXIO_DTYPE_FLOAT16;
    CHECK_EQ_INT(mxio__tdesc_bytes(&t), 48);
    t.dtype = MXIO_DTYPE_FLOAT32;

    mxio__kernel *k = NULL;
    mxio__conv_params p = {0};
    p.nspatial = 2; /* 2-D kernel on 3-D data */
    p.kernel[0] = p.kernel[1] = 3;
    p.num_filter = 4;
    p.num_group = 1;
    CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &t, NULL, NULL, &k, &err), MXIO_E_SHAPE);
    CHECK(strstr(err.message, "Convolution") != NULL);
    int axes[2] = {0, 0};
    CHECK_EQ_INT(mxio__k_transpose_create(ctx, 2, axes, &t, &k, &err), MXIO_E_SHAPE);
    mxio__softmax_params sp = {5, 1.0f, false, false};
    CHECK_EQ_INT(mxio__k_softmax_create(ctx, &sp, &t, &k, &err), MXIO_E_SHAPE);
    CHECK_EQ_INT(mxio__k_dropout_create(ctx, true, &t, &k, &err), MXIO_E_UNSUPPORTED);
    int64_t big[2] = {INT64_MAX / 2, 4};
    mxio__tdesc h;
    mxio__tdesc_plain(&h, 2, big);
    CHECK_EQ_INT(mxio__tdesc_numel(&h), -1);
    CHECK_EQ_INT(mxio__k_unary_create(ctx, MXIO__UN_EXP, &h, &k, &err), MXIO_E_SHAPE);

    /* Untrusted attrs asking for absurd outputs fail cleanly (no overflow). */
    int64_t reps[2] = {INT64_MAX / 2, 3};
    CHECK_EQ_INT(mxio__k_tile_create(ctx, 2, reps, &t, &k, &err), MXIO_E_LIMIT);
    int64_t reps2[2] = {INT64_C(1) << 40, INT64_C(1) << 20};
    CHECK_EQ_INT(mxio__k_tile_create(ctx, 2, reps2, &t, &k, &err), MXIO_E_LIMIT);
    CHECK_EQ_INT(mxio__k_repeat_create(ctx, INT64_MAX, true, 0, &t, &k, &err), MXIO_E_LIMIT);
    mxio__pad_params pp = {.mode = MXIO__PAD_CONSTANT, .n = 6};
    pp.pad_width[5] = INT64_MAX;
    CHECK_EQ_INT(mxio__k_pad_create(ctx, &pp, &t, &k, &err), MXIO_E_LIMIT);
    int64_t d4[4] = {1, 2, 3, 3};
    mxio__tdesc t4;
    mxio__tdesc_plain(&t4, 4, d4);
    CHECK_EQ_INT(mxio__k_upsampling_create(ctx, INT32_MAX, false, 1, &t4, &k, &err), MXIO_E_LIMIT);
    p.kernel[0] = p.kernel[1] = INT64_MAX;
    p.stride[0] = p.stride[1] = p.dilate[0] = p.dilate[1] = 1;
    CHECK_EQ_INT(mxio__k_conv_create(ctx, &p, &t4, NULL, NULL, &k, &err), MXIO_E_SHAPE);
    p.kernel[0] = p.kernel[1] = 1;
    p.dilate[0] = INT64_MAX;
    CHECK_EQ_INT(mxio__k_deconv_create(ctx, &p, &t4, NULL, NULL, &k, &err), MXIO_E_SHAPE);
    mxio__pool_params pool = {.nspatial = 2, .kernel = {INT64_MAX, 1}, .stride = {1, 1}};
    CHECK_EQ_INT(mxio__k_pool_create(ctx, &pool, &t4, &k, &err), MXIO_E_SHAPE);

    /* Inconsistent inputs of the newer kernels are refused with a message. */
    mxio__tdesc rin[4];
    int64_t xd[3] = {5, 2, 3}, pd[1] = {10}, sd[3] = {1, 2, 4};
    mxio__tdesc_plain(&rin[0], 3, xd);
    mxio__tdesc_plain(&rin[1], 1, pd); /* wrong parameter count */
    mxio__tdesc_plain(&rin[2], 3, sd);
    rin[3] = rin[2];
    mxio__rnn_params rp = {MXIO__RNN_LSTM, 4, 1, false, true};
    CHECK_EQ_INT(mxio__k_rnn_create(ctx, &rp, rin, &k, &err), MXIO_E_SHAPE);
    CHECK(strstr(err.message, "RNN") != NULL);
    CHECK_EQ_INT(mxio__k_split_create(ctx, 4, 1, false, &t, &k, &err), MXIO_E_SHAPE);
    mxio__tdesc two[2] = {t, t};
    CHECK_EQ_INT(mxio__k_dot_create(ctx, false, false, two, &k, &err), MXIO_E_SHAPE);
    mxio__box_nms_params np = {.overlap_thresh = 0.5f, .coord_start = 3, .score_index = 1, .id_index = -1};
    CHECK_EQ_INT(mxio__k_box_nms_create(ctx, &np, &t, &k, &err), MXIO_E_SHAPE); /* width 4 < 3 + 4 */

    /* gather_nd checks its indices when it runs, as MXNet does. */
    int64_t gd[2] = {3, 2}, gi[2] = {1, 2};
    mxio__tdesc g[2];
    mxio__tdesc_plain(&g[0], 2, gd);
    mxio__tdesc_plain(&g[1], 2, gi);
    CHECK_EQ_INT(mxio__k_gather_nd_create(ctx, g, &k, &err), MXIO_OK);
    float gx[6] = {0, 1, 2, 3, 4, 5}, gidx[2] = {2, 3}, gy[4];
    const void *gin[2] = {gx, gidx};
    void *gout[1] = {gy};
    mxio__rt_exec ex;
    CHECK_EQ_INT(mxio__rt_exec_init(&ex, ctx, 1, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__kernel_run(k, &ex, gin, gout, NULL, &err), MXIO_E_SHAPE);
    gidx[1] = -1;
    CHECK_EQ_INT(mxio__kernel_run(k, &ex, gin, gout, NULL, &err), MXIO_OK);
    CHECK(gy[0] == 4.0f && gy[1] == 5.0f && gy[2] == 4.0f && gy[3] == 5.0f);
    mxio__rt_exec_free(&ex);
    mxio__kernel_free(k);
}

int main(void) {
    mxio_error err;
    mxio__rt_ctx ctx;
    mxio__rt_exec ex;
    CHECK_EQ_INT(mxio__rt_ctx_init(&ctx, 1, &err), MXIO_OK);
    CHECK_EQ_INT(mxio__rt_exec_init(&ex, &ctx, 1, &err), MXIO_OK);
    test_blocked_chain(&ctx, &ex);
    test_blocked_elementwise(&ctx, &ex);
    test_post_ops(&ctx, &ex);
    test_bn_fold(&ctx, &ex);
    test_blocked_concat(&ctx, &ex);
    test_concurrent_runs(&ctx, &ex);
    test_descriptors_and_errors(&ctx);
    mxio__rt_exec_free(&ex);
    mxio__rt_ctx_free(&ctx);
    printf("%d checks, %d failed\n", check_count, check_failures);
    return check_failures != 0;
}
