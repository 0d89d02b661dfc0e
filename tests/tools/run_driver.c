/* run_driver.c - drives the runtime API (mxio.h "Runtime") for tests/run:
 *
 *   run_driver threads SYMBOL PARAMS INPUT_NAME A.npy B.npy OUT_A.npy OUT_B.npy [ROUNDS]
 *
 * compiles ONE runner for A's shape, then two threads, each with its own run
 * context, run it ROUNDS times at once (thread 0 on A, thread 1 on B) and
 * check that every round gives the same bytes; the last outputs (output 0)
 * are written for the oracle comparison. Exit 0 on success. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxio.h"

typedef struct job {
    const mxio_runner *r;
    const char *input;
    mxio_array in;
    int rounds;
    void *first; /* output 0 of the first round */
    size_t nbytes;
    int ndim;
    const int64_t *shape;
    mxio_dtype dtype;
    int failed;
    mxio_error err;
} job;

static void *work(void *arg) {
    job *j = arg;
    mxio_run_context *c = NULL;
    if (mxio_run_context_create(j->r, &c, &j->err)) {
        j->failed = 1;
        return NULL;
    }
    for (int k = 0; k < j->rounds && !j->failed; k++) {
        mxio_run_output o;
        if (mxio_run_set_input(c, j->input, j->in.dtype, j->in.data,
                               (size_t)mxio_array_numel(&j->in), &j->err) ||
            mxio_run(c, &j->err) || mxio_run_get_output(c, 0, &o)) {
            j->failed = 1;
            break;
        }
        if (!j->first) {
            j->first = malloc(o.nbytes);
            if (!j->first) {
                j->failed = 1;
                break;
            }
            memcpy(j->first, o.data, o.nbytes);
            j->nbytes = o.nbytes;
            j->ndim = o.ndim;
            j->shape = o.shape;
            j->dtype = o.dtype;
        } else if (memcmp(j->first, o.data, o.nbytes) != 0) {
            snprintf(j->err.message, sizeof j->err.message, "round %d differs from round 0", k);
            j->failed = 1;
        }
    }
    mxio_run_context_free(c);
    return NULL;
}

static int fail(const mxio_error *e) {
    fprintf(stderr, "run_driver: %s\n", e->message);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 9 || strcmp(argv[1], "threads") != 0) {
        fprintf(stderr, "usage: %s threads SYMBOL PARAMS INPUT_NAME A.npy B.npy OUT_A.npy OUT_B.npy [ROUNDS]\n",
                argv[0]);
        return 2;
    }
    int rounds = argc > 9 ? atoi(argv[9]) : 3;
    mxio_error err;
    mxio_symbol *s = NULL;
    mxio_params *p = NULL, *pa = NULL, *pb = NULL;
    mxio_net *net = NULL;
    mxio_runner *r = NULL;
    if (mxio_symbol_read_file(argv[2], 0, &s, &err) || mxio_params_read_file(argv[3], 0, &p, &err) ||
        mxio_net_from_symbol(s, p, NULL, &net, &err) ||
        mxio_params_read_npz(argv[5], 0, &pa, &err) || mxio_params_read_npz(argv[6], 0, &pb, &err))
        return fail(&err);
    job jobs[2];
    memset(jobs, 0, sizeof jobs);
    mxio_params_get(pa, 0, &jobs[0].in);
    mxio_params_get(pb, 0, &jobs[1].in);
    mxio_plot_input shape = {argv[4], jobs[0].in.ndim, jobs[0].in.shape};
    if (mxio_runner_create(net, p, &shape, 1, NULL, &r, &err)) return fail(&err);
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        jobs[i].r = r;
        jobs[i].input = argv[4];
        jobs[i].rounds = rounds;
        if (pthread_create(&th[i], NULL, work, &jobs[i])) return 1;
    }
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        if (jobs[i].failed) {
            fprintf(stderr, "run_driver: thread %d: %s\n", i, jobs[i].err.message);
            rc = 1;
            continue;
        }
        mxio_array a = {.name = "out", .name_len = 3, .dtype = jobs[i].dtype, .ndim = jobs[i].ndim,
                        .shape = jobs[i].shape, .data = jobs[i].first, .nbytes = jobs[i].nbytes,
                        .record = MXIO_RECORD_V2};
        if (mxio_array_write_npy(&a, argv[7 + i], MXIO_WRITE_FORCE, &err)) rc = fail(&err);
    }
    for (int i = 0; i < 2; i++) free(jobs[i].first);
    mxio_runner_free(r);
    mxio_net_free(net);
    mxio_params_free(p);
    mxio_params_free(pa);
    mxio_params_free(pb);
    mxio_symbol_free(s);
    return rc;
}
