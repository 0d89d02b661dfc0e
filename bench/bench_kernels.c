/* bench_kernels - ResNet-50 v1.5 convolution shapes at batch 1 through the
 * runtime's Convolution kernel (oneDNN), plus the final FullyConnected.
 *
 *   bench_kernels [THREADS...]     default: 1 2
 *   MXIO_BENCH_SECONDS=0.3         time per layer and mode
 *
 * Two modes per layer: "blocked" (input already in oneDNN's layout, output
 * left blocked: how a chain of oneDNN layers runs) and "plain" (NCHW in and
 * out: reorders included). Weights are constant (packed at creation).
 * GFLOP/s = 2*MACs / median time; % of peak against the FMA peak measured
 * here first (12 independent FMA chains per thread, 256- and 512-bit; the
 * larger is used). perf-anchors.md measured ~100 GFLOP/s per thread on the
 * AVX2 Zen 3 VM; the machine this runs on may differ. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fma_peak.h"
#include "runtime/runtime.h"

typedef struct layer {
    int c, o, hw, k, s, count; /* in channels, out channels, input size, kernel, stride, repeats */
} layer;

/* The 53 convolutions of ResNet-50 v1.5 (stride on the 3x3), as unique shapes. */
static const layer resnet50[] = {
    {3, 64, 224, 7, 2, 1},
    {64, 64, 56, 1, 1, 1},    {64, 64, 56, 3, 1, 3},    {64, 256, 56, 1, 1, 4},
    {256, 64, 56, 1, 1, 2},
    {256, 128, 56, 1, 1, 1},  {128, 128, 56, 3, 2, 1},  {128, 512, 28, 1, 1, 4},
    {256, 512, 56, 1, 2, 1},  {512, 128, 28, 1, 1, 3},  {128, 128, 28, 3, 1, 3},
    {512, 256, 28, 1, 1, 1},  {256, 256, 28, 3, 2, 1},  {256, 1024, 14, 1, 1, 6},
    {512, 1024, 28, 1, 2, 1}, {1024, 256, 14, 1, 1, 5}, {256, 256, 14, 3, 1, 5},
    {1024, 512, 14, 1, 1, 1}, {512, 512, 14, 3, 2, 1},  {512, 2048, 7, 1, 1, 3},
    {1024, 2048, 14, 1, 2, 1}, {2048, 512, 7, 1, 1, 2}, {512, 512, 7, 3, 1, 2},
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}


static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void fill(float *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (float)((seed >> 9) & 0xffff) / 65536.0f - 0.5f;
    }
}

/* Median seconds of k over >= 5 runs and `budget` seconds (3 warm-ups). */
static double time_kernel(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                          void *const *out, void *scratch, double budget, double *best) {
    static double t[4096];
    mxio_error err;
    for (int i = 0; i < 3; i++)
        if (mxio__kernel_run(k, ex, in, out, scratch, &err)) {
            fprintf(stderr, "%s\n", err.message);
            exit(1);
        }
    int n = 0;
    double start = now();
    while (n < 4096 && (n < 5 || now() - start < budget)) {
        double a = now();
        if (mxio__kernel_run(k, ex, in, out, scratch, &err)) {
            fprintf(stderr, "%s\n", err.message);
            exit(1);
        }
        t[n++] = now() - a;
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    *best = t[0];
    return t[n / 2];
}

static int bench(int threads, double budget) {
    mxio_error err;
    mxio__rt_ctx ctx;
    mxio__rt_exec ex;
    if (mxio__rt_ctx_init(&ctx, threads, &err) || mxio__rt_exec_init(&ex, &ctx, threads, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double p256 = fma_peak(threads, 8, 3);
    double p512 = __builtin_cpu_supports("avx512f") ? fma_peak(threads, 16, 3) : 0;
    double peak = p256 > p512 ? p256 : p512;
    double total[2] = {0, 0}, flops_total = 0;
    printf("\n%d thread%s: measured FMA peak %.1f GFLOP/s (256-bit %.1f, 512-bit %.1f)\n", threads,
           threads > 1 ? "s" : "", peak, p256, p512);
    printf("%-24s %5s %7s | %-31s | %-31s\n", "", "", "", "blocked (oneDNN layout in/out)",
           "plain NCHW in/out (reorders)");
    printf("%-24s %5s %7s | %8s %7s %6s %7s | %8s %7s %6s %7s\n", "layer C->O @HW kxk/s", "count",
           "MFLOP", "med ms", "GFLOP/s", "%peak", "best %", "med ms", "GFLOP/s", "%peak", "best %");
    for (size_t li = 0; li < sizeof resnet50 / sizeof *resnet50; li++) {
        const layer *L = &resnet50[li];
        mxio__conv_params p = {0};
        p.nspatial = 2;
        p.kernel[0] = p.kernel[1] = L->k;
        p.stride[0] = p.stride[1] = L->s;
        p.dilate[0] = p.dilate[1] = 1;
        p.pad[0] = p.pad[1] = L->k / 2;
        p.num_filter = L->o;
        p.num_group = 1;
        int64_t dims[4] = {1, L->c, L->hw, L->hw};
        size_t wn = (size_t)L->o * L->c * L->k * L->k;
        float *w = malloc(wn * sizeof(float)), *b = malloc((size_t)L->o * sizeof(float));
        fill(w, wn, 1);
        fill(b, (size_t)L->o, 2);
        double ms[2], bestms[2], mflop = 0;
        for (int mode = 0; mode < 2; mode++) { /* 0 blocked, 1 plain */
            mxio__tdesc in;
            mxio__tdesc_plain(&in, 4, dims);
            mxio__kernel *k = NULL, *probe = NULL;
            p.blocked_out = mode == 0;
            if (mode == 0 && L->c > 4) { /* conv1 reads the plain graph input */
                /* Ask a same-shape kernel which layout it wants its input in
                 * (as the previous oneDNN layer would deliver it). */
                if (mxio__k_conv_create(&ctx, &p, &in, w, b, &probe, &err)) goto fail;
                mxio__kernel_free(probe);
                probe = NULL;
                mxio__conv_params q = p;
                q.num_filter = L->c;
                q.kernel[0] = q.kernel[1] = 1;
                q.stride[0] = q.stride[1] = 1;
                q.pad[0] = q.pad[1] = 0;
                float *qw = calloc((size_t)L->c * L->c, sizeof(float));
                if (mxio__k_conv_create(&ctx, &q, &in, qw, NULL, &probe, &err)) goto fail;
                free(qw);
                in = probe->out[0]; /* a blocked tensor of the input's shape */
                mxio__kernel_free(probe);
            }
            if (mxio__k_conv_create(&ctx, &p, &in, w, b, &k, &err)) goto fail;
            size_t ib = mxio__tdesc_bytes(&k->in[0]), ob = mxio__tdesc_bytes(&k->out[0]);
            float *x = mxio__rt_alloc(ib), *y = mxio__rt_alloc(ob);
            void *scratch = k->scratch_bytes ? mxio__rt_alloc(k->scratch_bytes) : NULL;
            fill(x, ib / sizeof(float), 3);
            const void *ins[3] = {x, NULL, NULL};
            void *outs[1] = {y};
            double bsec;
            double sec = time_kernel(k, &ex, ins, outs, scratch, budget, &bsec);
            bestms[mode] = bsec * 1e3;
            int64_t oh = k->out[0].dims[2], ow = k->out[0].dims[3];
            mflop = 2.0 * (double)L->o * (double)oh * (double)ow * L->c * L->k * L->k / 1e6;
            ms[mode] = sec * 1e3;
            total[mode] += sec * L->count;
            mxio__rt_free(x);
            mxio__rt_free(y);
            mxio__rt_free(scratch);
            mxio__kernel_free(k);
        }
        flops_total += mflop * L->count;
        char name[64];
        snprintf(name, sizeof name, "%d->%d @%d %dx%d/%d", L->c, L->o, L->hw, L->k, L->k, L->s);
        double g0 = mflop / ms[0], g1 = mflop / ms[1];
        printf("%-24s %5d %7.1f | %8.3f %7.1f %5.0f%% %6.0f%% | %8.3f %7.1f %5.0f%% %6.0f%%\n",
               name, L->count, mflop, ms[0], g0, 100 * g0 / peak,
               100 * mflop / bestms[0] / peak, ms[1], g1, 100 * g1 / peak,
               100 * mflop / bestms[1] / peak);
        free(w);
        free(b);
        continue;
    fail:
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    /* FullyConnected 2048 -> 1000 */
    {
        mxio__fc_params f = {1000, false, true};
        int64_t d[2] = {1, 2048};
        mxio__tdesc in;
        mxio__tdesc_plain(&in, 2, d);
        float *w = malloc(2048 * 1000 * sizeof(float)), *b = calloc(1000, sizeof(float));
        fill(w, 2048 * 1000, 4);
        mxio__kernel *k;
        if (mxio__k_fc_create(&ctx, &f, &in, w, b, &k, &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        float *x = mxio__rt_alloc(2048 * 4), *y = mxio__rt_alloc(1000 * 4);
        void *scratch = k->scratch_bytes ? mxio__rt_alloc(k->scratch_bytes) : NULL;
        fill(x, 2048, 5);
        const void *ins[3] = {x};
        void *outs[1] = {y};
        double bsec;
        double sec = time_kernel(k, &ex, ins, outs, scratch, budget, &bsec);
        double mflop = 2.0 * 2048 * 1000 / 1e6, g = mflop / (sec * 1e3);
        printf("%-24s %5d %7.1f | %8.3f %7.1f %5.0f%% %6.0f%% |\n", "FC 2048->1000", 1, mflop,
               sec * 1e3, g, 100 * g / peak, 100 * mflop / (bsec * 1e3) / peak);
        total[0] += sec;
        total[1] += sec;
        flops_total += mflop;
        mxio__rt_free(x);
        mxio__rt_free(y);
        mxio__rt_free(scratch);
        mxio__kernel_free(k);
        free(w);
        free(b);
    }
    printf("load average at the end: see `uptime`; medians are sensitive to other processes\n");
    printf("sum over 53 convs + FC (%.2f GFLOP): blocked %.1f ms = %.1f GFLOP/s (%.0f%% of peak), "
           "plain %.1f ms = %.1f GFLOP/s (%.0f%%)\n",
           flops_total / 1e3, total[0] * 1e3, flops_total / (total[0] * 1e3),
           100 * flops_total / (total[0] * 1e3) / peak, total[1] * 1e3,
           flops_total / (total[1] * 1e3), 100 * flops_total / (total[1] * 1e3) / peak);
    mxio__rt_exec_free(&ex);
    mxio__rt_ctx_free(&ctx);
    return 0;
}

int main(int argc, char **argv) {
    const char *s = getenv("MXIO_BENCH_SECONDS");
    double budget = s ? atof(s) : 0.3;
    int rc = 0;
    if (argc < 2) {
        rc |= bench(1, budget);
        rc |= bench(2, budget);
    }
    for (int i = 1; i < argc; i++) rc |= bench(atoi(argv[i]), budget);
    return rc;
}
