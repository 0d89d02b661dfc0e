/* bench_worker - a persistent mxio process for bench_run.py.
 *
 *   bench_worker MODEL-symbol.json MODEL.params BATCH THREADS
 *   bench_worker --peak THREADS
 *
 * Model mode loads the files, compiles a runner for (BATCH, 3, 224, 224), runs
 * once and prints "load_ms X" (files to first result, as the Python workers of
 * bench_run.py measure it). It then answers commands on stdin, one per line:
 *   run N   run N times, print "times t1 t2 ... tN" (ms)
 *   quit    print "maxrss_kb K" (this process's peak RSS, VmHWM) and exit
 * so the driver can interleave rounds of mxio, MXNet and onnxruntime with every
 * model loaded once.
 *
 * --peak prints the fp32 FMA peak of THREADS threads in GFLOP/s: 12 independent
 * FMA chains per thread, 256-bit (AVX2) and, where the CPU has it, 512-bit
 * (AVX-512); the larger is the peak. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fma_peak.h"
#include "mxio.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return 1e3 * (double)t.tv_sec + 1e-6 * (double)t.tv_nsec;
}


static int fail(const char *what, const mxio_error *err) {
    fprintf(stderr, "bench_worker: %s: %s\n", what, err->message);
    return 1;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--peak") == 0) {
        int threads = atoi(argv[2]);
        double p256 = fma_peak(threads, 8, 5);
        double p512 = __builtin_cpu_supports("avx512f") ? fma_peak(threads, 16, 5) : 0;
        printf("peak_gflops %.1f\navx2_gflops %.1f\navx512_gflops %.1f\n",
               p256 > p512 ? p256 : p512, p256, p512);
        return 0;
    }
    if (argc != 5) {
        fprintf(stderr, "usage: bench_worker MODEL-symbol.json MODEL.params BATCH THREADS\n"
                        "       bench_worker --peak THREADS\n");
        return 2;
    }
    int64_t batch = atoll(argv[3]);
    int threads = atoi(argv[4]);
    mxio_error err;
    mxio_symbol *sym = NULL;
    mxio_params *params = NULL;
    mxio_net *net = NULL;
    mxio_runner *runner = NULL;
    mxio_run_context *ctx = NULL;
    double t0 = now_ms();
    if (mxio_symbol_read_file(argv[1], 0, &sym, &err)) return fail(argv[1], &err);
    if (mxio_params_read_file(argv[2], 0, &params, &err)) return fail(argv[2], &err);
    if (mxio_net_from_symbol(sym, params, NULL, &net, &err)) return fail("net", &err);
    int64_t shape[4] = {batch, 3, 224, 224};
    mxio_plot_input in = {"data", 4, shape};
    mxio_runner_options opts = {.threads = threads};
    if (mxio_runner_create(net, params, &in, 1, &opts, &runner, &err) ||
        mxio_run_context_create(runner, &ctx, &err))
        return fail("runner", &err);
    /* the runner holds what it needs (as `mxio run` does) */
    mxio_net_free(net);
    mxio_params_free(params);
    mxio_symbol_free(sym);
    size_t n = (size_t)batch * 3 * 224 * 224;
    float *x = malloc(n * sizeof *x);
    if (!x) return 1;
    unsigned seed = 1;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
    if (mxio_run_set_input(ctx, "data", MXIO_DTYPE_FLOAT32, x, n, &err) || mxio_run(ctx, &err))
        return fail("run", &err);
    printf("load_ms %.1f\n", now_ms() - t0);
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        int runs;
        if (sscanf(line, "run %d", &runs) == 1) {
            printf("times");
            for (int r = 0; r < runs; r++) {
                double s = now_ms();
                if (mxio_run(ctx, &err)) return fail("run", &err);
                printf(" %.3f", now_ms() - s);
            }
            printf("\n");
        } else if (strncmp(line, "quit", 4) == 0) {
            break;
        }
        fflush(stdout);
    }
    /* VmHWM, not getrusage's ru_maxrss: Linux carries that across fork + exec
     * from the parent (the Python driver, MXNet imported) */
    long hwm = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &hwm) == 1) break;
    if (f) fclose(f);
    printf("maxrss_kb %ld\n", hwm);
    mxio_run_context_free(ctx);
    mxio_runner_free(runner);
    free(x);
    return 0;
}
