/* runtime.c - tensor descriptors, context, per-thread exec state, kernel object. */
#include "runtime.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

/* The runtime's own table: the public mxio_dtype_size belongs to the params layer. */
size_t mxio__rt_dtype_size(mxio_dtype t) {
    static const unsigned char sizes[MXIO_DTYPE_COUNT] = {4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2};
    return (unsigned)t < MXIO_DTYPE_COUNT ? sizes[t] : 0;
}

void mxio__tdesc_plain(mxio__tdesc *t, int ndim, const int64_t *dims) {
    memset(t, 0, sizeof *t);
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) t->dims[i] = dims[i];
    t->dtype = MXIO_DTYPE_FLOAT32;
    t->layout = MXIO__LAYOUT_PLAIN;
}

int64_t mxio__tdesc_numel(const mxio__tdesc *t) {
    int64_t n;
    if (!mxio__shape_numel(t->dims, t->ndim, &n)) return -1;
    return n;
}

size_t mxio__tdesc_bytes(const mxio__tdesc *t) {
    if (t->layout == MXIO__LAYOUT_DNNL) return dnnl_memory_desc_get_size(&t->md);
    int64_t n = mxio__tdesc_numel(t);
    size_t es = mxio__rt_dtype_size(t->dtype), bytes;
    if (n < 0 || es == 0 || !mxio__mul_size((size_t)n, es, &bytes)) return 0;
    return bytes;
}

const char *mxio__tdesc_str(const mxio__tdesc *t, char *buf, size_t cap) {
    size_t at = 0;
    int w = snprintf(buf, cap, "(");
    for (int i = 0; i < t->ndim && w >= 0; i++) {
        at += (size_t)w;
        if (at >= cap) break;
        w = snprintf(buf + at, cap - at, i ? ", %lld" : "%lld", (long long)t->dims[i]);
    }
    if (w >= 0 && at + (size_t)w < cap) snprintf(buf + at + (size_t)w, cap - at - (size_t)w, ")");
    return buf;
}

mxio_status mxio__rt_ctx_init(mxio__rt_ctx *ctx, int nthreads, mxio_error *err) {
    memset(ctx, 0, sizeof *ctx);
    if (nthreads < 1) nthreads = 1;
    ctx->nthreads = nthreads;
    if (dnnl_engine_create(&ctx->engine, dnnl_cpu, 0) != dnnl_success)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: cannot create the oneDNN CPU engine");
    return MXIO_OK;
}

void mxio__rt_ctx_free(mxio__rt_ctx *ctx) {
    if (ctx->engine) dnnl_engine_destroy(ctx->engine);
    ctx->engine = NULL;
}

mxio_status mxio__rt_exec_init(mxio__rt_exec *ex, const mxio__rt_ctx *ctx, int nthreads,
                               mxio_error *err) {
    memset(ex, 0, sizeof *ex);
    ex->ctx = ctx;
    ex->nthreads = nthreads > 0 ? nthreads : ctx->nthreads;
    if (dnnl_stream_create(&ex->stream, ctx->engine, dnnl_stream_default_flags) != dnnl_success)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: cannot create a oneDNN stream");
    return MXIO_OK;
}

void mxio__rt_exec_free(mxio__rt_exec *ex) {
    if (ex->stream) dnnl_stream_destroy(ex->stream);
    ex->stream = NULL;
}

mxio_status mxio__kernel_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    if (k->scratch_bytes && !scratch)
        return mxio__fail(err, MXIO_E_MISUSE, "runtime: %s needs %zu scratch bytes", k->op,
                          k->scratch_bytes);
    /* The OpenMP team size is a per-thread setting, so each executing thread
     * sizes its own oneDNN (and OpenMP loop) team. */
    if (omp_get_max_threads() != ex->nthreads) omp_set_num_threads(ex->nthreads);
    return k->run(k, ex, in, out, scratch, err);
}

void mxio__kernel_free(mxio__kernel *k) {
    if (!k) return;
    if (k->destroy) k->destroy(k);
    free(k->in);
    free(k->out);
    free(k);
}

static bool grow(mxio__tdesc **arr, int *cap, int n) {
    if (n < 0 || n > MXIO__RT_MAX_IO) return false;
    if (n <= *cap) return true;
    mxio__tdesc *p = mxio__realloc_array(*arr, (size_t)n, sizeof **arr);
    if (!p) return false;
    memset(p + *cap, 0, (size_t)(n - *cap) * sizeof *p);
    *arr = p;
    *cap = n;
    return true;
}

bool mxio__kernel_set_nin(mxio__kernel *k, int n) {
    if (!grow(&k->in, &k->in_cap, n)) return false;
    k->nin = n;
    return true;
}

bool mxio__kernel_set_nout(mxio__kernel *k, int n) {
    if (!grow(&k->out, &k->out_cap, n)) return false;
    k->nout = n;
    return true;
}

void *mxio__rt_alloc(size_t bytes) {
    size_t rounded;
    if (!mxio__add_size(bytes, MXIO__RT_ALIGN - 1, &rounded)) return NULL;
    rounded &= ~(size_t)(MXIO__RT_ALIGN - 1);
    if (rounded == 0) rounded = MXIO__RT_ALIGN;
    return aligned_alloc(MXIO__RT_ALIGN, rounded);
}

void mxio__rt_free(void *p) { free(p); }

/* ---- helpers shared by the kernel files ---------------------------------- */

mxio__kernel *mxio__kernel_new(const char *op, int nin, const mxio__tdesc *in, size_t impl_size) {
    mxio__kernel *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    k->op = op;
    /* Room for weight and bias descriptors that conv-like kernels add. */
    if (!grow(&k->in, &k->in_cap, nin > 3 ? nin : 3) || !grow(&k->out, &k->out_cap, 1) ||
        (impl_size && !(k->impl = calloc(1, impl_size)))) {
        mxio__kernel_free(k);
        return NULL;
    }
    k->nin = nin;
    for (int i = 0; i < nin; i++) k->in[i] = in[i];
    k->nout = 1;
    return k;
}

void mxio__kernel_default_destroy(mxio__kernel *k) {
    free(k->impl);
    k->impl = NULL;
}

mxio_status mxio__rt_check_plain_f32(const char *op, int nin, const mxio__tdesc *in,
                                     mxio_error *err) {
    for (int i = 0; i < nin; i++) {
        if (in[i].layout != MXIO__LAYOUT_PLAIN)
            return mxio__fail(err, MXIO_E_UNSUPPORTED,
                              "runtime: %s input %d: blocked layout not accepted here", op, i);
        if (in[i].dtype != MXIO_DTYPE_FLOAT32)
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s input %d: dtype %d, need float32",
                              op, i, (int)in[i].dtype);
        if (in[i].ndim < 0 || in[i].ndim > MXIO__RT_MAX_DIMS || mxio__tdesc_numel(&in[i]) < 0)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s input %d: bad shape", op, i);
    }
    return MXIO_OK;
}

int mxio__rt_axis(int axis, int ndim) { return axis < 0 ? axis + ndim : axis; }

/* Element-wise kernels run over the raw buffer, so a oneDNN layout is fine when
 * every input has the same one. oneDNN relies on the channel padding of
 * blocked layouts being zero, so padded layouts need an op with f(0) = 0. */
mxio_status mxio__rt_elementwise_count(const char *op, int nin, const mxio__tdesc *in,
                                       bool keeps_zero, int64_t *count, mxio_error *err) {
    if (in[0].layout == MXIO__LAYOUT_PLAIN) {
        mxio_status st = mxio__rt_check_plain_f32(op, nin, in, err);
        if (st == MXIO_OK) *count = mxio__tdesc_numel(&in[0]);
        return st;
    }
    const dnnl_memory_desc_t *md = &in[0].md;
    for (int i = 1; i < nin; i++)
        if (in[i].layout != MXIO__LAYOUT_DNNL || !dnnl_memory_desc_equal(md, &in[i].md))
            return mxio__fail(err, MXIO_E_UNSUPPORTED,
                              "runtime: %s input %d: layouts of the inputs differ", op, i);
    bool padded = false;
    for (int d = 0; d < md->ndims; d++) padded |= md->padded_dims[d] != md->dims[d];
    if (padded && !keeps_zero)
        return mxio__fail(err, MXIO_E_UNSUPPORTED,
                          "runtime: %s: f(0) != 0 would break the zero padding of a blocked layout", op);
    *count = (int64_t)(dnnl_memory_desc_get_size(md) / sizeof(float));
    return MXIO_OK;
}

mxio_status mxio__rt_kernel_done(mxio__kernel *k, mxio__kernel **out, mxio_error *err) {
    for (int i = 0; i < k->nin + k->nout; i++) { /* inputs too: weight shapes come from attrs */
        const mxio__tdesc *t = i < k->nin ? &k->in[i] : &k->out[i - k->nin];
        bool ok = t->ndim >= 0 && t->ndim <= MXIO__RT_MAX_DIMS;
        for (int d = 0; ok && d < t->ndim; d++) ok = t->dims[d] >= 0;
        /* Element count and byte size must fit: untrusted attrs (reps, pads,
         * scales) can ask for outputs no buffer could hold. */
        if (ok && t->layout == MXIO__LAYOUT_PLAIN) ok = mxio__tdesc_numel(t) >= 0 &&
                                                         (mxio__tdesc_numel(t) == 0 || mxio__tdesc_bytes(t) > 0);
        if (!ok) {
            char buf[160];
            mxio__tdesc_str(t, buf, sizeof buf);
            const char *op = k->op;
            bool is_in = i < k->nin;
            int at = is_in ? i : i - k->nin;
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: %s %d of shape %s is too large", op,
                              is_in ? "input" : "output", at, buf);
        }
    }
    *out = k;
    return MXIO_OK;
}

bool mxio__rt_mul_i64(int64_t a, int64_t b, int64_t *out) { return !__builtin_mul_overflow(a, b, out); }
bool mxio__rt_add_i64(int64_t a, int64_t b, int64_t *out) { return !__builtin_add_overflow(a, b, out); }

mxio__kernel *mxio__kernel_new_unary(const char *op, int nin, const mxio__tdesc *in, size_t impl,
                                     mxio__kernel_run_fn run, mxio_error *err) {
    mxio__kernel *k = mxio__kernel_new(op, nin, in, impl);
    if (!k) {
        mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
        return NULL;
    }
    k->run = run;
    k->destroy = mxio__kernel_default_destroy;
    k->out[0] = in[0];
    return k;
}

int64_t mxio__rt_prod(const int64_t *d, int from, int to) {
    int64_t p = 1;
    for (int i = from; i < to; i++) p *= d[i];
    return p;
}
