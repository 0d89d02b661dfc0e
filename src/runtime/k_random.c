/* k_random.c - the samplers (_random_uniform, _random_normal, _random_randint,
 * _sample_multinomial). MXNet draws from its own per-device generator, so the
 * values cannot match it; these kernels match its shapes, dtypes, supports and
 * distributions. A kernel is read-only and may run on several threads at once,
 * so there is no generator state to advance: each run takes a fresh 64-bit seed
 * from the OS (getentropy) and element i of the output is a counter-based hash
 * (SplitMix64) of (seed, i). */
#include <math.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

typedef struct rnd_impl {
    mxio__sampler kind;
    double a, b;     /* uniform low/high, normal loc/scale, randint low/high */
    int64_t n;       /* output elements (samplers) */
    int64_t rows, k, m; /* multinomial: rows of k probabilities, m samples each */
    bool get_prob;
} rnd_impl;

static uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static uint64_t run_seed(const void *salt) {
    uint64_t s = 0;
    if (getentropy(&s, sizeof s) != 0) { /* no OS entropy: the clock and an address */
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        s = ((uint64_t)t.tv_sec << 32) ^ (uint64_t)t.tv_nsec ^ (uint64_t)(uintptr_t)salt;
    }
    return splitmix64(s);
}

/* Uniform in [0, 1) from the top 24 bits (exactly representable in float). */
static float unit(uint64_t seed, uint64_t i) {
    return (float)(splitmix64(seed ^ splitmix64(i)) >> 40) * (1.0f / 16777216.0f);
}

static mxio_status rnd_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const rnd_impl *q = k->impl;
    uint64_t seed = run_seed(out[0]);
    switch (q->kind) {
    case MXIO__SAMPLE_UNIFORM: {
        float *y = out[0], lo = (float)q->a, span = (float)(q->b - q->a);
        for (int64_t i = 0; i < q->n; i++) {
            float v = lo + span * unit(seed, (uint64_t)i);
            y[i] = v < (float)q->b || span == 0.0f ? v : lo; /* rounding could reach high */
        }
        break;
    }
    case MXIO__SAMPLE_NORMAL: { /* Box-Muller, one value per pair of draws */
        float *y = out[0];
        for (int64_t i = 0; i < q->n; i++) {
            double u1 = 1.0 - unit(seed, 2 * (uint64_t)i), u2 = unit(seed, 2 * (uint64_t)i + 1);
            y[i] = (float)(q->a + q->b * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
        }
        break;
    }
    case MXIO__SAMPLE_RANDINT: { /* [low, high) */
        uint64_t span = (uint64_t)((int64_t)q->b - (int64_t)q->a);
        for (int64_t i = 0; i < q->n; i++) {
            int64_t v = (int64_t)q->a + (int64_t)(splitmix64(seed ^ splitmix64((uint64_t)i)) % span);
            if (k->out[0].dtype == MXIO_DTYPE_INT64) ((int64_t *)out[0])[i] = v;
            else ((int32_t *)out[0])[i] = (int32_t)v;
        }
        break;
    }
    case MXIO__SAMPLE_MULTINOMIAL: {
        /* MXNet's SampleMultinomialKernel: a float CDF accumulated in double, then
         * the first class whose CDF is not below the draw (the last class when
         * rounding leaves the draw above the total) */
        const float *p = in[0];
        float *cdf = scratch;
        for (int64_t r = 0; r < q->rows; r++) {
            const float *pr = p + r * q->k;
            double acc = 0.0;
            for (int64_t c = 0; c < q->k; c++) acc += pr[c], cdf[c] = (float)acc;
            for (int64_t j = 0; j < q->m; j++) {
                int64_t at = r * q->m + j, lo = 0, hi = q->k;
                float u = unit(seed, (uint64_t)at);
                while (hi > lo) {
                    int64_t mid = lo + (hi - lo) / 2;
                    if (cdf[mid] < u) lo = mid + 1;
                    else hi = mid;
                }
                if (lo >= q->k) lo = q->k - 1;
                mxio_dtype t = k->out[0].dtype;
                if (t == MXIO_DTYPE_INT32) ((int32_t *)out[0])[at] = (int32_t)lo;
                else if (t == MXIO_DTYPE_UINT8) ((uint8_t *)out[0])[at] = (uint8_t)lo;
                else ((float *)out[0])[at] = (float)lo;
                if (q->get_prob) ((float *)out[1])[at] = logf(pr[lo]);
            }
        }
        break;
    }
    }
    return MXIO_OK;
}

mxio_status mxio__k_sampler_create(const mxio__rt_ctx *ctx, mxio__sampler kind, double a, double b,
                                   int ndim, const int64_t *dims, mxio_dtype dtype, mxio__kernel **out,
                                   mxio_error *err) {
    static const char *const names[] = {"_random_uniform", "_random_normal", "_random_randint"};
    if (kind > MXIO__SAMPLE_RANDINT) return mxio__fail(err, MXIO_E_MISUSE, "runtime: sampler %d", (int)kind);
    const char *op = names[kind];
    bool is_int = kind == MXIO__SAMPLE_RANDINT;
    if (ndim < 0 || ndim > MXIO__RT_MAX_DIMS ||
        (is_int ? dtype != MXIO_DTYPE_INT32 && dtype != MXIO_DTYPE_INT64 : dtype != MXIO_DTYPE_FLOAT32))
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: dtype %d or rank %d not supported", op,
                          (int)dtype, ndim);
    bool range_ok = kind == MXIO__SAMPLE_NORMAL ? b > 0 : b >= a;
    if (is_int) /* a non-empty [a, b) of the dtype, its width an int64 */
        range_ok = b > a && (dtype == MXIO_DTYPE_INT64 ? b - a <= 9.2e18
                                                      : a >= (double)INT32_MIN && b <= (double)INT32_MAX + 1);
    if (!range_ok)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad range [%g, %g)", op, a, b);
    mxio__kernel *k = mxio__kernel_new(op, 0, NULL, sizeof(rnd_impl));
    if (!k) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
    k->run = rnd_run;
    k->destroy = mxio__kernel_default_destroy;
    mxio__tdesc_plain(&k->out[0], ndim, dims);
    k->out[0].dtype = dtype;
    rnd_impl *q = k->impl;
    q->kind = kind, q->a = a, q->b = b;
    q->n = mxio__tdesc_numel(&k->out[0]);
    if (q->n < 0) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: shape too large", op);
    }
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_multinomial_create(const mxio__rt_ctx *ctx, int nshape, const int64_t *shape,
                                       bool get_prob, mxio_dtype dtype, const mxio__tdesc *data,
                                       mxio__kernel **out, mxio_error *err) {
    const char *op = "_sample_multinomial";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (dtype != MXIO_DTYPE_INT32 && dtype != MXIO_DTYPE_UINT8 && dtype != MXIO_DTYPE_FLOAT32)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: dtype %d not supported", op, (int)dtype);
    if (data->ndim < 1 || data->dims[data->ndim - 1] < 1 || nshape < 0 ||
        data->ndim - 1 + nshape > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data must be (..., k) and shape fit", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(rnd_impl), rnd_run, err);
    if (!k) return MXIO_E_NOMEM;
    rnd_impl *q = k->impl;
    q->kind = MXIO__SAMPLE_MULTINOMIAL, q->get_prob = get_prob;
    q->k = data->dims[data->ndim - 1];
    q->rows = mxio__rt_prod(data->dims, 0, data->ndim - 1);
    int64_t od[MXIO__RT_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i + 1 < data->ndim; i++) od[nd++] = data->dims[i];
    q->m = 1;
    for (int i = 0; i < nshape; i++) {
        od[nd++] = shape[i];
        if (shape[i] < 0 || !mxio__rt_mul_i64(q->m, shape[i], &q->m)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: shape too large", op);
        }
    }
    if (nd == 0) od[nd++] = 1; /* MXNet: a 1-D distribution and shape () give (1,) */
    mxio__tdesc_plain(&k->out[0], nd, od);
    k->out[0].dtype = dtype;
    if (get_prob) {
        if (!mxio__kernel_set_nout(k, 2)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", op);
        }
        mxio__tdesc_plain(&k->out[1], nd, od);
    }
    int64_t bytes;
    if (!mxio__rt_mul_i64(q->k, (int64_t)sizeof(float), &bytes)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: too many classes", op);
    }
    k->scratch_bytes = (size_t)bytes;
    return mxio__rt_kernel_done(k, out, err);
}
