/* bench_params - time loading one .params file three ways, cold and warm cache:
 *   read    a plain read() of the whole file into memory (the floor)
 *   mxio    mxio_params_read_file + mxio_params_get of every array (open + index)
 *   touch   the same, then read every payload byte (what a consumer pays to use it)
 * Cold runs drop the file's pages with posix_fadvise(DONTNEED) first.
 * Prints one "name cold|warm seconds" line per measurement (best of N). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "mxio.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void drop_cache(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
}

static volatile uint64_t sink;

static double run_read(const char *path) {
    double t = now();
    int fd = open(path, O_RDONLY);
    if (fd < 0) exit(1);
    off_t size = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    size_t got = 0;
    while (got < (size_t)size) {
        ssize_t n = read(fd, buf + got, (size_t)size - got);
        if (n <= 0) exit(1);
        got += (size_t)n;
    }
    close(fd);
    sink += (uint8_t)buf[size / 2];
    t = now() - t;
    free(buf);
    return t;
}

static double run_mxio(const char *path, int touch) {
    mxio_error err;
    mxio_params *p;
    double t = now();
    if (mxio_params_read_file(path, 0, &p, &err) != MXIO_OK) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    uint64_t acc = 0;
    for (size_t i = 0; i < mxio_params_count(p); i++) {
        mxio_array a;
        mxio_params_get(p, i, &a);
        acc += (uint64_t)a.nbytes;
        if (touch) {
            const uint8_t *d = a.data;
            for (size_t k = 0; k < a.nbytes; k += 64) acc += d[k];
        }
    }
    sink += acc;
    t = now() - t;
    mxio_params_free(p);
    return t;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_params FILE [repeats]\n");
        return 2;
    }
    const char *path = argv[1];
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    const char *names[3] = {"read", "mxio", "touch"};
    for (int cold = 1; cold >= 0; cold--) {
        for (int m = 0; m < 3; m++) {
            double best = 1e9;
            for (int r = 0; r < reps; r++) {
                if (cold) drop_cache(path);
                else if (r == 0) run_read(path); /* warm it */
                double t = m == 0 ? run_read(path) : run_mxio(path, m == 2);
                if (t < best) best = t;
            }
            printf("%s %s %.6f\n", names[m], cold ? "cold" : "warm", best);
        }
    }
    return 0;
}
