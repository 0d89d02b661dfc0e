/* bench_symbol - time mxio_symbol_read_file (read, parse, validate, upgrade) on one file.
 *
 *   bench_symbol FILE [RUNS]   prints "nodes N median_ms M min_ms m"
 *
 * bench/symbol_parse.py drives it against mx.sym.load on the same file. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mxio.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_symbol FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 50;
    if (runs < 1) runs = 1;
    double *t = calloc((size_t)runs, sizeof *t);
    size_t nodes = 0;
    for (int i = -3; i < runs; i++) { /* 3 warm-up runs */
        mxio_symbol *s = NULL;
        mxio_error err;
        double t0 = now_ms();
        if (mxio_symbol_read_file(argv[1], 0, &s, &err) != MXIO_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double t1 = now_ms();
        nodes = mxio_symbol_node_count(s);
        mxio_symbol_free(s);
        if (i >= 0) t[i] = t1 - t0;
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    printf("nodes %zu median_ms %.3f min_ms %.3f\n", nodes, t[runs / 2], t[0]);
    free(t);
    return 0;
}
