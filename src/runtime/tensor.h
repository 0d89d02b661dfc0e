/* tensor.h - the runtime's tensor descriptor, kernel context and kernel object.
 *
 * Compute is fp32. A tensor is described by its logical dims in MXNet's order
 * (NCW / NCHW / NCDHW for the spatial ops) and a layout: plain row-major, or an
 * opaque oneDNN memory descriptor (blocked, e.g. nChw8c) that only travels
 * between consecutive oneDNN kernels.
 *
 * Life cycle (designed for the executor): a kernel is created ONCE per graph
 * node with its input descriptors and typed parameters known, so oneDNN
 * primitives are built (JIT) and constant weights reordered at load; then it is
 * run many times. A kernel is immutable after creation: several threads may run
 * the same kernel at once, each with its own mxio__rt_exec (oneDNN stream), its
 * own tensors and its own scratch buffer of mxio__kernel.scratch_bytes. */
#ifndef MXIO_RUNTIME_TENSOR_H
#define MXIO_RUNTIME_TENSOR_H

#include <oneapi/dnnl/dnnl.h>

#include "../base/base.h"

#define MXIO__RT_MAX_DIMS 8
#define MXIO__RT_MAX_IO 64 /* inputs or outputs of one kernel (Concat, add_n) */
#define MXIO__RT_ALIGN 64  /* every buffer the runtime hands out is this aligned */

typedef enum mxio__layout {
    MXIO__LAYOUT_PLAIN = 0, /* row-major over dims */
    MXIO__LAYOUT_DNNL = 1   /* `md` says how; only oneDNN kernels accept it */
} mxio__layout;

typedef struct mxio__tdesc {
    int ndim;
    int64_t dims[MXIO__RT_MAX_DIMS];
    mxio_dtype dtype; /* FLOAT32 everywhere except Cast/Embedding/where inputs */
    mxio__layout layout;
    dnnl_memory_desc_t md; /* valid when layout == MXIO__LAYOUT_DNNL */
} mxio__tdesc;

/* Bytes per element of a dtype, 0 if unknown. */
size_t mxio__rt_dtype_size(mxio_dtype t);
/* Plain fp32 descriptor of the given dims. */
void mxio__tdesc_plain(mxio__tdesc *t, int ndim, const int64_t *dims);
/* Elements (product of dims); -1 on overflow. */
int64_t mxio__tdesc_numel(const mxio__tdesc *t);
/* Bytes the tensor occupies in its layout (blocked layouts pad channels); 0 on overflow. */
size_t mxio__tdesc_bytes(const mxio__tdesc *t);
/* "(1, 64, 56, 56)" into buf. */
const char *mxio__tdesc_str(const mxio__tdesc *t, char *buf, size_t cap);

/* ---- context -------------------------------------------------------------- */

/* One per loaded model: the oneDNN CPU engine and the default thread count. */
typedef struct mxio__rt_ctx {
    dnnl_engine_t engine;
    int nthreads; /* threads a kernel may use (OpenMP team for oneDNN) */
} mxio__rt_ctx;

mxio_status mxio__rt_ctx_init(mxio__rt_ctx *ctx, int nthreads, mxio_error *err);
void mxio__rt_ctx_free(mxio__rt_ctx *ctx);

/* One per executing thread: its oneDNN stream (streams are not thread-safe). */
typedef struct mxio__rt_exec {
    const mxio__rt_ctx *ctx;
    dnnl_stream_t stream;
    int nthreads;
} mxio__rt_exec;

mxio_status mxio__rt_exec_init(mxio__rt_exec *ex, const mxio__rt_ctx *ctx, int nthreads,
                               mxio_error *err);
void mxio__rt_exec_free(mxio__rt_exec *ex);

/* ---- kernels -------------------------------------------------------------- */

typedef struct mxio__kernel mxio__kernel;

typedef mxio_status (*mxio__kernel_run_fn)(const mxio__kernel *k, mxio__rt_exec *ex,
                                           const void *const *in, void *const *out,
                                           void *scratch, mxio_error *err);

struct mxio__kernel {
    const char *op; /* canonical MXNet op name, for messages */
    int nin, nout;
    /* Descriptors of the inputs and outputs; arrays sized to the kernel (a
     * descriptor embeds a ~700-byte oneDNN memory descriptor, and graphs have
     * thousands of nodes). */
    mxio__tdesc *in;
    mxio__tdesc *out;
    int in_cap, out_cap;
    size_t scratch_bytes; /* per concurrent run */
    bool in_place_ok;     /* out[0] may alias in[0] */
    mxio__kernel_run_fn run;
    void (*destroy)(mxio__kernel *k); /* frees `impl` */
    void *impl;                       /* op-specific state */
};

/* Run once: in[i] / out[i] point at buffers laid out as k->in[i] / k->out[i];
 * scratch is k->scratch_bytes (may be NULL when 0), MXIO__RT_ALIGN aligned. */
mxio_status mxio__kernel_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err);
void mxio__kernel_free(mxio__kernel *k);
/* Grow the descriptor arrays to hold n inputs / outputs (n <= MXIO__RT_MAX_IO)
 * and set nin / nout. False when out of memory or n is too large. */
bool mxio__kernel_set_nin(mxio__kernel *k, int n);
bool mxio__kernel_set_nout(mxio__kernel *k, int n);

/* Aligned allocation for tensors and scratch (free with mxio__rt_free). */
void *mxio__rt_alloc(size_t bytes);
void mxio__rt_free(void *p);

#endif /* MXIO_RUNTIME_TENSOR_H */
