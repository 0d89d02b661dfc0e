/* fma_peak.h - the fp32 FMA peak of this CPU, shared by the benchmarks: 12 independent
 * FMA chains per thread (enough to hide the FMA latency on current cores), AVX2 and
 * AVX-512, best of `reps` runs. Header-only: included by one .c of each bench program. */
#ifndef MXIO_BENCH_FMA_PEAK_H
#define MXIO_BENCH_FMA_PEAK_H

#include <immintrin.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define FMA_ITERS 20000000L
#define FMA_CHAINS(V, FMA, SET, ADD, LANES)                                        \
    V a0 = SET(1.0f), a1 = SET(1.1f), a2 = SET(1.2f), a3 = SET(1.3f), a4 = SET(1.4f), \
      a5 = SET(1.5f), a6 = SET(1.6f), a7 = SET(1.7f), a8 = SET(1.8f), a9 = SET(1.9f),  \
      a10 = SET(2.0f), a11 = SET(2.1f);                                             \
    const V m = SET(0.999999f), c = SET(1e-7f);                                     \
    for (long i = 0; i < FMA_ITERS; i++) {                                          \
        a0 = FMA(a0, m, c); a1 = FMA(a1, m, c); a2 = FMA(a2, m, c);                 \
        a3 = FMA(a3, m, c); a4 = FMA(a4, m, c); a5 = FMA(a5, m, c);                 \
        a6 = FMA(a6, m, c); a7 = FMA(a7, m, c); a8 = FMA(a8, m, c);                 \
        a9 = FMA(a9, m, c); a10 = FMA(a10, m, c); a11 = FMA(a11, m, c);             \
        __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3));              \
    }                                                                               \
    V t = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));        \
    t = ADD(t, ADD(ADD(a8, a9), ADD(a10, a11)));                                    \
    float out[LANES];                                                               \
    memcpy(out, &t, sizeof out);                                                    \
    return (double)out[0];

__attribute__((target("avx2,fma"))) static double fma256(void) {
    FMA_CHAINS(__m256, _mm256_fmadd_ps, _mm256_set1_ps, _mm256_add_ps, 8)
}
__attribute__((target("avx512f"))) static double fma512(void) {
    FMA_CHAINS(__m512, _mm512_fmadd_ps, _mm512_set1_ps, _mm512_add_ps, 16)
}

static double fma_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* GFLOP/s of `threads` threads each running the 12 chains, `lanes` 8 (AVX2) or 16
 * (AVX-512), best of `reps`. */
static double fma_peak(int threads, int lanes, int reps) {
    double best = 0;
    for (int rep = 0; rep < reps; rep++) {
        double sink = 0, t0 = fma_now();
#pragma omp parallel num_threads(threads) reduction(+ : sink)
        sink += lanes == 16 ? fma512() : fma256();
        double sec = fma_now() - t0;
        double flops = (double)threads * 12 * 2 * lanes * FMA_ITERS;
        if (sink == 42.0) printf(" "); /* keep the result alive */
        if (flops / sec / 1e9 > best) best = flops / sec / 1e9;
    }
    return best;
}

#endif /* MXIO_BENCH_FMA_PEAK_H */
