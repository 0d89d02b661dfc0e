/* k_tensor.c - element-wise arithmetic (broadcast binary, scalar, unary, add_n,
 * where, Cast, Dropout) and data movement (Concat, slice family, transpose, Pad,
 * UpSampling nearest, Crop, tile, repeat) in plain C over plain tensors. */
#include <math.h>
#include <stdlib.h>

#include "runtime.h"

static void strides_of(const mxio__tdesc *t, int64_t *st) {
    int64_t s = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        st[i] = s;
        s *= t->dims[i];
    }
}

/* ---- strided gather: out[idx] = in[base + sum idx[d] * st[d]] ------------------- */

typedef struct gather_impl {
    int ndim;
    int64_t dims[MXIO__RT_MAX_DIMS]; /* output dims */
    int64_t st[MXIO__RT_MAX_DIMS];   /* input element stride per output axis (may be < 0) */
    int64_t base;
} gather_impl;

static void gather(const gather_impl *g, const float *x, float *y) {
    int nd = g->ndim;
    int64_t total = 1;
    for (int i = 0; i < nd; i++) total *= g->dims[i];
    if (total == 0) return;
    if (nd == 0) {
        y[0] = x[g->base];
        return;
    }
    int64_t idx[MXIO__RT_MAX_DIMS] = {0};
    int64_t inner = g->dims[nd - 1], ist = g->st[nd - 1];
    int64_t off = g->base;
    for (int64_t done = 0; done < total; done += inner) {
        const float *xp = x + off;
        if (ist == 1) memcpy(y, xp, (size_t)inner * sizeof(float));
        else
            for (int64_t i = 0; i < inner; i++) y[i] = xp[i * ist];
        y += inner;
        for (int d = nd - 2; d >= 0; d--) { /* odometer over the outer axes */
            idx[d]++;
            off += g->st[d];
            if (idx[d] < g->dims[d]) break;
            off -= g->st[d] * g->dims[d];
            idx[d] = 0;
        }
    }
}

static mxio_status gather_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                              void *const *out, void *scratch, mxio_error *err) {
    gather((const gather_impl *)k->impl, in[0], out[0]);
    return MXIO_OK;
}

/* A kernel copying a box [begin, begin + size*step) of in[0]; nin counts extra
 * (shape-only) inputs such as slice_like's second one. */
static mxio_status box_kernel(const char *op, int nin, const mxio__tdesc *in,
                              const int64_t *begin, const int64_t *size, const int64_t *step,
                              mxio__kernel **out, mxio_error *err) {
    mxio__kernel *k = mxio__kernel_new_unary(op, nin, in, sizeof(gather_impl), gather_run, err);
    if (!k) return MXIO_E_NOMEM;
    gather_impl *g = k->impl;
    int64_t st[MXIO__RT_MAX_DIMS];
    strides_of(&in[0], st);
    g->ndim = in[0].ndim;
    for (int i = 0; i < g->ndim; i++) {
        g->dims[i] = size[i];
        g->st[i] = st[i] * step[i];
        g->base += begin[i] * st[i];
        k->out[0].dims[i] = size[i];
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- broadcast binary and scalar ops --------------------------------------------- */

typedef struct bin_impl {
    mxio__binop op;
    float scalar;
    int ndim;
    int64_t dims[MXIO__RT_MAX_DIMS];
    int64_t sa[MXIO__RT_MAX_DIMS], sb[MXIO__RT_MAX_DIMS];
    int64_t total;
} bin_impl;

/* MXNet's mshadow_op::mod for signed types, in double as there. */
static float mod_one(float a, float b) {
    double x = a, y = b;
    if (b == 0.0f) return 0.0f;
    if (b < 0.0f) {
        if (a < 0.0f) return (float)-fmod(-x, -y);
        double r = fmod(x, -y);
        return (float)(r + (r != 0.0 ? y : 0.0));
    }
    if (a < 0.0f) {
        double r = fmod(-x, y);
        return (float)(-r + (r != 0.0 ? y : 0.0));
    }
    return (float)fmod(x, y);
}

static inline float bin_one(mxio__binop op, float a, float b) {
    switch (op) {
    case MXIO__BIN_ADD: return a + b;
    case MXIO__BIN_SUB: return a - b;
    case MXIO__BIN_MUL: return a * b;
    case MXIO__BIN_DIV: return a / b;
    case MXIO__BIN_MAX: return a > b ? a : b;
    case MXIO__BIN_MIN: return a < b ? a : b;
    case MXIO__BIN_POW: return powf(a, b);
    case MXIO__BIN_HYPOT: return hypotf(a, b);
    case MXIO__BIN_EQ: return a == b ? 1.0f : 0.0f;
    case MXIO__BIN_NE: return a != b ? 1.0f : 0.0f;
    case MXIO__BIN_GT: return a > b ? 1.0f : 0.0f;
    case MXIO__BIN_GE: return a >= b ? 1.0f : 0.0f;
    case MXIO__BIN_LT: return a < b ? 1.0f : 0.0f;
    case MXIO__BIN_LE: return a <= b ? 1.0f : 0.0f;
    case MXIO__BIN_RSUB: return b - a;
    case MXIO__BIN_RDIV: return b / a;
    case MXIO__BIN_RPOW: return powf(b, a);
    case MXIO__BIN_MOD: return mod_one(a, b);
    case MXIO__BIN_RMOD: return mod_one(b, a);
    case MXIO__BIN_LOGICAL_AND: return a != 0.0f && b != 0.0f ? 1.0f : 0.0f;
    case MXIO__BIN_LOGICAL_OR: return a != 0.0f || b != 0.0f ? 1.0f : 0.0f;
    }
    return 0.0f;
}

/* One innermost row with strides 0 or 1 per operand; the switch sits outside
 * the loop so each case vectorises. */
#define BIN_ROW(EXPR)                                                                   \
    do {                                                                                \
        if (sa == 1 && sb == 1)                                                         \
            for (int64_t i = 0; i < n; i++) { float a = x[i], b = z[i]; y[i] = (EXPR); } \
        else if (sb == 0)                                                               \
            for (int64_t i = 0; i < n; i++) { float a = x[i * sa], b = z[0]; y[i] = (EXPR); } \
        else                                                                            \
            for (int64_t i = 0; i < n; i++) { float a = x[i * sa], b = z[i * sb]; y[i] = (EXPR); } \
    } while (0)

static void bin_row(mxio__binop op, const float *x, int64_t sa, const float *z, int64_t sb,
                    float *y, int64_t n) {
    switch (op) {
    case MXIO__BIN_ADD: BIN_ROW(a + b); break;
    case MXIO__BIN_SUB: BIN_ROW(a - b); break;
    case MXIO__BIN_MUL: BIN_ROW(a * b); break;
    case MXIO__BIN_DIV: BIN_ROW(a / b); break;
    case MXIO__BIN_MAX: BIN_ROW(a > b ? a : b); break;
    case MXIO__BIN_MIN: BIN_ROW(a < b ? a : b); break;
    default: BIN_ROW(bin_one(op, a, b)); break;
    }
}

static mxio_status bin_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const bin_impl *q = k->impl;
    const float *a = in[0];
    const float *b = k->nin > 1 ? in[1] : &q->scalar;
    float *y = out[0];
    if (q->total == 0) return MXIO_OK;
    int nd = q->ndim;
    if (nd == 0) {
        y[0] = bin_one(q->op, a[0], b[0]);
        return MXIO_OK;
    }
    int64_t inner = q->dims[nd - 1];
    int64_t idx[MXIO__RT_MAX_DIMS] = {0}, oa = 0, ob = 0;
    for (int64_t done = 0; done < q->total; done += inner) {
        bin_row(q->op, a + oa, q->sa[nd - 1], b + ob, q->sb[nd - 1], y, inner);
        y += inner;
        for (int d = nd - 2; d >= 0; d--) {
            idx[d]++;
            oa += q->sa[d];
            ob += q->sb[d];
            if (idx[d] < q->dims[d]) break;
            oa -= q->sa[d] * q->dims[d];
            ob -= q->sb[d] * q->dims[d];
            idx[d] = 0;
        }
    }
    return MXIO_OK;
}

static const char *bin_name(mxio__binop op) {
    static const char *const names[] = {"broadcast_add", "broadcast_sub", "broadcast_mul",
                                        "broadcast_div", "broadcast_maximum", "broadcast_minimum",
                                        "broadcast_power", "broadcast_hypot", "broadcast_equal",
                                        "broadcast_not_equal", "broadcast_greater",
                                        "broadcast_greater_equal", "broadcast_lesser",
                                        "broadcast_lesser_equal", "broadcast_mod",
                                        "broadcast_logical_and", "broadcast_logical_or",
                                        "_rminus_scalar", "_rdiv_scalar", "_rpower_scalar",
                                        "_rmod_scalar"};
    return (unsigned)op < sizeof names / sizeof *names ? names[op] : "binary";
}

mxio_status mxio__k_binary_create(const mxio__rt_ctx *ctx, mxio__binop op, const mxio__tdesc *in,
                                  mxio__kernel **out, mxio_error *err) {
    const char *name = bin_name(op);
    if (op >= MXIO__BIN_RSUB)
        return mxio__fail(err, MXIO_E_MISUSE, "runtime: %s is a scalar-only op", name);
    if (in[0].layout == MXIO__LAYOUT_DNNL) { /* same shape and layout: one flat row */
        int64_t count;
        mxio_status st = mxio__rt_elementwise_count(name, 2, in, bin_one(op, 0.0f, 0.0f) == 0.0f,
                                                    &count, err);
        if (st != MXIO_OK) return st;
        mxio__kernel *k = mxio__kernel_new_unary(name, 2, in, sizeof(bin_impl), bin_run, err);
        if (!k) return MXIO_E_NOMEM;
        bin_impl *q = k->impl;
        q->op = op;
        q->ndim = 1;
        q->dims[0] = q->total = count;
        q->sa[0] = q->sb[0] = 1;
        k->in_place_ok = true;
        *out = k;
        return MXIO_OK;
    }
    mxio_status st = mxio__rt_check_plain_f32(name, 2, in, err);
    if (st != MXIO_OK) return st;
    int nd = in[0].ndim > in[1].ndim ? in[0].ndim : in[1].ndim;
    mxio__kernel *k = mxio__kernel_new_unary(name, 2, in, sizeof(bin_impl), bin_run, err);
    if (!k) return MXIO_E_NOMEM;
    bin_impl *q = k->impl;
    q->op = op;
    q->ndim = nd;
    int64_t sa[MXIO__RT_MAX_DIMS], sb[MXIO__RT_MAX_DIMS];
    strides_of(&in[0], sa);
    strides_of(&in[1], sb);
    q->total = 1;
    for (int d = 0; d < nd; d++) { /* right-aligned */
        int ia = d - (nd - in[0].ndim), ib = d - (nd - in[1].ndim);
        int64_t da = ia >= 0 ? in[0].dims[ia] : 1, db = ib >= 0 ? in[1].dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char b1[128], b2[128];
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: shapes %s and %s do not broadcast",
                              name, mxio__tdesc_str(&in[0], b1, sizeof b1),
                              mxio__tdesc_str(&in[1], b2, sizeof b2));
        }
        q->dims[d] = da > db ? da : db;
        if (da == 0 || db == 0) q->dims[d] = 0;
        q->sa[d] = (ia >= 0 && da != 1) ? sa[ia] : 0;
        q->sb[d] = (ib >= 0 && db != 1) ? sb[ib] : 0;
        q->total *= q->dims[d];
    }
    mxio__tdesc_plain(&k->out[0], nd, q->dims);
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_scalar_create(const mxio__rt_ctx *ctx, mxio__binop op, double scalar,
                                  const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *name = "scalar op";
    int64_t count;
    mxio_status st = mxio__rt_elementwise_count(name, 1, data,
                                                bin_one(op, 0.0f, (float)scalar) == 0.0f, &count, err);
    if (st != MXIO_OK) return st;
    mxio__kernel *k = mxio__kernel_new_unary(name, 1, data, sizeof(bin_impl), bin_run, err);
    if (!k) return MXIO_E_NOMEM;
    bin_impl *q = k->impl;
    q->op = op;
    q->scalar = (float)scalar;
    q->total = count;
    /* One flat row; the scalar has stride 0. */
    q->ndim = 1;
    q->dims[0] = q->total;
    q->sa[0] = 1;
    q->sb[0] = 0;
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- unary math -------------------------------------------------------------------- */

typedef struct un_impl {
    mxio__unop op;
    int64_t n;
} un_impl;

static inline float un_one(mxio__unop op, float a) {
    switch (op) {
    case MXIO__UN_EXP: return expf(a);
    case MXIO__UN_LOG: return logf(a);
    case MXIO__UN_SQRT: return sqrtf(a);
    case MXIO__UN_RSQRT: return 1.0f / sqrtf(a);
    case MXIO__UN_SQUARE: return a * a;
    case MXIO__UN_ABS: return fabsf(a);
    case MXIO__UN_NEGATIVE: return -a;
    case MXIO__UN_RECIPROCAL: return 1.0f / a;
    case MXIO__UN_FLOOR: return floorf(a);
    case MXIO__UN_CEIL: return ceilf(a);
    case MXIO__UN_ROUND: return roundf(a); /* halves away from zero */
    case MXIO__UN_RINT: { /* MXNet: nearest, ties to the lower neighbour (not even) */
        float f = floorf(a), c = ceilf(a);
        return (a - f <= c - a) ? f : c;
    }
    case MXIO__UN_FIX: return truncf(a);
    case MXIO__UN_TRUNC: return truncf(a);
    case MXIO__UN_SIGN: return a < 0.0f ? -1.0f : a > 0.0f ? 1.0f : 0.0f;
    case MXIO__UN_ERF: return erff(a);
    case MXIO__UN_LOG1P: return log1pf(a);
    case MXIO__UN_EXPM1: return expm1f(a);
    case MXIO__UN_LOG2: return log2f(a);
    case MXIO__UN_LOG10: return log10f(a);
    case MXIO__UN_CBRT: return cbrtf(a);
    case MXIO__UN_SIN: return sinf(a);
    case MXIO__UN_COS: return cosf(a);
    case MXIO__UN_TAN: return tanf(a);
    case MXIO__UN_ARCTAN: return atanf(a);
    case MXIO__UN_SINH: return sinhf(a);
    case MXIO__UN_COSH: return coshf(a);
    case MXIO__UN_RELU: return a > 0.0f ? a : 0.0f;
    case MXIO__UN_SIGMOID: return 1.0f / (1.0f + expf(-a));
    case MXIO__UN_TANH: return tanhf(a);
    case MXIO__UN_SOFTSIGN: return a / (1.0f + fabsf(a));
    case MXIO__UN_LOGICAL_NOT: return a == 0.0f ? 1.0f : 0.0f;
    case MXIO__UN_IDENTITY:
    case MXIO__UN_COUNT: return a;
    }
    return a;
}

static mxio_status un_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                          void *const *out, void *scratch, mxio_error *err) {
    const un_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    switch (q->op) {
    case MXIO__UN_IDENTITY:
        if (x != y) memcpy(y, x, (size_t)q->n * sizeof(float));
        break;
    case MXIO__UN_SQUARE:
        for (int64_t i = 0; i < q->n; i++) y[i] = x[i] * x[i];
        break;
    case MXIO__UN_NEGATIVE:
        for (int64_t i = 0; i < q->n; i++) y[i] = -x[i];
        break;
    case MXIO__UN_RELU:
        for (int64_t i = 0; i < q->n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    default:
        for (int64_t i = 0; i < q->n; i++) y[i] = un_one(q->op, x[i]);
    }
    return MXIO_OK;
}

mxio_status mxio__k_unary_create(const mxio__rt_ctx *ctx, mxio__unop op, const mxio__tdesc *data,
                                 mxio__kernel **out, mxio_error *err) {
    const char *name = "unary op";
    if ((unsigned)op >= MXIO__UN_COUNT)
        return mxio__fail(err, MXIO_E_MISUSE, "runtime: unary op %d unknown", (int)op);
    int64_t count;
    mxio_status st = mxio__rt_elementwise_count(name, 1, data, un_one(op, 0.0f) == 0.0f, &count, err);
    if (st != MXIO_OK) return st;
    mxio__kernel *k = mxio__kernel_new_unary(name, 1, data, sizeof(un_impl), un_run, err);
    if (!k) return MXIO_E_NOMEM;
    un_impl *q = k->impl;
    q->op = op;
    q->n = count;
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- add_n, where, Dropout, Cast ------------------------------------------------------ */

static mxio_status add_n_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    int64_t n = *(const int64_t *)k->impl;
    float *y = out[0];
    const float *a = in[0];
    if (k->nin == 1) {
        if (a != y) memcpy(y, a, (size_t)n * sizeof(float));
        return MXIO_OK;
    }
    const float *b = in[1];
    for (int64_t i = 0; i < n; i++) y[i] = a[i] + b[i];
    for (int j = 2; j < k->nin; j++) {
        const float *c = in[j];
        for (int64_t i = 0; i < n; i++) y[i] += c[i];
    }
    return MXIO_OK;
}

mxio_status mxio__k_add_n_create(const mxio__rt_ctx *ctx, int n, const mxio__tdesc *in,
                                 mxio__kernel **out, mxio_error *err) {
    const char *op = "add_n";
    if (n < 1 || n > MXIO__RT_MAX_IO)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: %d inputs", op, n);
    int64_t count;
    mxio_status st = mxio__rt_elementwise_count(op, n, in, true, &count, err);
    if (st != MXIO_OK) return st;
    for (int i = 1; i < n; i++) {
        bool same = in[i].ndim == in[0].ndim;
        for (int d = 0; same && d < in[0].ndim; d++) same = in[i].dims[d] == in[0].dims[d];
        if (!same) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: input %d shape differs", op, i);
    }
    mxio__kernel *k = mxio__kernel_new_unary(op, n, in, sizeof(int64_t), add_n_run, err);
    if (!k) return MXIO_E_NOMEM;
    *(int64_t *)k->impl = count;
    k->in_place_ok = true;
    return mxio__rt_kernel_done(k, out, err);
}

typedef struct where_impl {
    int64_t rows, row; /* cond per row (1-D cond) or per element (row = 1) */
} where_impl;

static mxio_status where_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    const where_impl *q = k->impl;
    const float *c = in[0], *x = in[1], *z = in[2];
    float *y = out[0];
    for (int64_t r = 0; r < q->rows; r++)
        for (int64_t i = 0; i < q->row; i++) {
            int64_t at = r * q->row + i;
            y[at] = c[r] != 0.0f ? x[at] : z[at];
        }
    return MXIO_OK;
}

mxio_status mxio__k_where_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                 mxio__kernel **out, mxio_error *err) {
    const char *op = "where";
    mxio_status st = mxio__rt_check_plain_f32(op, 3, in, err);
    if (st != MXIO_OK) return st;
    int64_t nc = mxio__tdesc_numel(&in[0]), nx = mxio__tdesc_numel(&in[1]);
    if (nx != mxio__tdesc_numel(&in[2]) || in[1].ndim != in[2].ndim)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: x and y shapes differ", op);
    bool same = nc == nx && in[0].ndim == in[1].ndim;
    bool rows = in[0].ndim == 1 && in[1].ndim >= 1 && in[0].dims[0] == in[1].dims[0];
    if (!same && !rows)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: condition must match x or be 1-D over its first axis", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 3, in, sizeof(where_impl), where_run, err);
    if (!k) return MXIO_E_NOMEM;
    where_impl *q = k->impl;
    q->rows = same ? nx : in[0].dims[0];
    q->row = same ? 1 : (in[0].dims[0] ? nx / in[0].dims[0] : 0);
    k->out[0] = in[1];
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_dropout_create(const mxio__rt_ctx *ctx, bool mode_always,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    if (mode_always)
        return mxio__fail(err, MXIO_E_UNSUPPORTED,
                          "runtime: Dropout mode=always drops at inference too (random); not supported");
    return mxio__k_unary_create(ctx, MXIO__UN_IDENTITY, data, out, err);
}

static float half_to_float(uint16_t h) {
    uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1f, m = h & 0x3ff, bits;
    if (e == 0x1f) bits = s | 0x7f800000u | (m << 13);
    else if (e) bits = s | ((e + 112) << 23) | (m << 13);
    else if (!m) bits = s;
    else { /* subnormal */
        e = 113;
        while (!(m & 0x400)) { m <<= 1; e--; }
        bits = s | (e << 23) | ((m & 0x3ff) << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static uint16_t float_to_half(float f) { /* round to nearest even */
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t s = (x >> 16) & 0x8000, e = (x >> 23) & 0xff, m = x & 0x7fffff;
    if (e == 0xff) return (uint16_t)(s | 0x7c00 | (m ? 0x200 : 0));
    int32_t ee = (int32_t)e - 127 + 15;
    if (ee >= 0x1f) return (uint16_t)(s | 0x7c00);
    if (ee <= 0) {
        if (ee < -10) return (uint16_t)s;
        m |= 0x800000;
        uint32_t shift = (uint32_t)(14 - ee), hm = m >> shift, rem = m & ((1u << shift) - 1),
                 halfway = 1u << (shift - 1);
        if (rem > halfway || (rem == halfway && (hm & 1))) hm++;
        return (uint16_t)(s | hm);
    }
    uint32_t hm = m >> 13, rem = m & 0x1fff;
    uint32_t h = s | ((uint32_t)ee << 10) | hm;
    if (rem > 0x1000 || (rem == 0x1000 && (hm & 1))) h++;
    return (uint16_t)h;
}

static double load_any(const void *p, mxio_dtype t, int64_t i) {
    switch (t) {
    case MXIO_DTYPE_FLOAT32: return ((const float *)p)[i];
    case MXIO_DTYPE_FLOAT64: return ((const double *)p)[i];
    case MXIO_DTYPE_FLOAT16: return half_to_float(((const uint16_t *)p)[i]);
    case MXIO_DTYPE_BFLOAT16: {
        uint32_t b = (uint32_t)((const uint16_t *)p)[i] << 16;
        float f;
        memcpy(&f, &b, 4);
        return f;
    }
    case MXIO_DTYPE_UINT8: return ((const uint8_t *)p)[i];
    case MXIO_DTYPE_INT8: return ((const int8_t *)p)[i];
    case MXIO_DTYPE_INT16: return ((const int16_t *)p)[i];
    case MXIO_DTYPE_UINT16: return ((const uint16_t *)p)[i];
    case MXIO_DTYPE_INT32: return ((const int32_t *)p)[i];
    case MXIO_DTYPE_UINT32: return ((const uint32_t *)p)[i];
    case MXIO_DTYPE_INT64: return (double)((const int64_t *)p)[i];
    case MXIO_DTYPE_UINT64: return (double)((const uint64_t *)p)[i];
    case MXIO_DTYPE_BOOL: return ((const uint8_t *)p)[i] != 0;
    default: return 0;
    }
}

/* Saturate before the integer conversion: out-of-range float-to-int is
 * undefined in C (MXNet's static_cast has the same hole). */
#define SAT(T, lo, hi) ((T)(v != v ? 0 : v <= (double)(lo) ? (lo) : v >= (double)(hi) ? (hi) : v))

void mxio__rt_store_value(void *p, mxio_dtype t, int64_t i, double v) {
    switch (t) {
    case MXIO_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
    case MXIO_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
    case MXIO_DTYPE_FLOAT16: ((uint16_t *)p)[i] = float_to_half((float)v); break;
    case MXIO_DTYPE_BFLOAT16: { /* mshadow's bf16_t keeps the float's high half */
        float f = (float)v;
        uint32_t b;
        memcpy(&b, &f, 4);
        ((uint16_t *)p)[i] = (uint16_t)(b >> 16);
        break;
    }
    case MXIO_DTYPE_UINT8: ((uint8_t *)p)[i] = SAT(uint8_t, 0, 255); break;
    case MXIO_DTYPE_INT8: ((int8_t *)p)[i] = SAT(int8_t, -128, 127); break;
    case MXIO_DTYPE_INT16: ((int16_t *)p)[i] = SAT(int16_t, -32768, 32767); break;
    case MXIO_DTYPE_UINT16: ((uint16_t *)p)[i] = SAT(uint16_t, 0, 65535); break;
    case MXIO_DTYPE_INT32: ((int32_t *)p)[i] = SAT(int32_t, INT32_MIN, INT32_MAX); break;
    case MXIO_DTYPE_UINT32: ((uint32_t *)p)[i] = SAT(uint32_t, 0, UINT32_MAX); break;
    case MXIO_DTYPE_INT64: ((int64_t *)p)[i] = SAT(int64_t, -9.2233720368547748e18, 9.2233720368547748e18); break;
    case MXIO_DTYPE_UINT64: ((uint64_t *)p)[i] = SAT(uint64_t, 0, 1.8446744073709550e19); break;
    case MXIO_DTYPE_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    default: break;
    }
}

static mxio_status cast_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    int64_t n = mxio__tdesc_numel(&k->in[0]);
    mxio_dtype from = k->in[0].dtype, to = k->out[0].dtype;
    if (from == to) {
        memcpy(out[0], in[0], mxio__tdesc_bytes(&k->in[0]));
        return MXIO_OK;
    }
    if (to == MXIO_DTYPE_BFLOAT16 && *(const bool *)k->impl) { /* oneDNN's reorder: nearest even */
        uint16_t *y = out[0];
        for (int64_t i = 0; i < n; i++) {
            float f = (float)load_any(in[0], from, i);
            uint32_t b;
            memcpy(&b, &f, 4);
            if ((b & 0x7f800000) != 0x7f800000) b += 0x7fff + ((b >> 16) & 1);
            y[i] = (uint16_t)(b >> 16);
        }
        return MXIO_OK;
    }
    for (int64_t i = 0; i < n; i++) mxio__rt_store_value(out[0], to, i, load_any(in[0], from, i));
    return MXIO_OK;
}

/* Cast converts to bfloat16 as mshadow does (truncation); amp_cast runs on oneDNN in
 * MXNet's CPU build, which rounds to nearest even (`bf16_nearest`). Both measured on
 * MXNet 1.9.1 (tests/run/test_run_shapes.py). */
mxio_status mxio__k_cast_create(const mxio__rt_ctx *ctx, mxio_dtype to, const mxio__tdesc *data,
                                bool bf16_nearest, mxio__kernel **out, mxio_error *err) {
    const char *op = "Cast";
    if (data->layout != MXIO__LAYOUT_PLAIN || !mxio__rt_dtype_size(data->dtype) || !mxio__rt_dtype_size(to) ||
        mxio__tdesc_numel(data) < 0)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: bad input or dtype", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(bool), cast_run, err);
    if (!k) return MXIO_E_NOMEM;
    k->out[0].dtype = to;
    *(bool *)k->impl = bf16_nearest;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- Concat -------------------------------------------------------------------------- */

typedef struct concat_impl {
    int64_t outer, out_row;
    int64_t row[MXIO__RT_MAX_IO]; /* contiguous elements per outer step of input i */
} concat_impl;

static mxio_status concat_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                              void *const *out, void *scratch, mxio_error *err) {
    const concat_impl *q = k->impl;
    float *y = out[0];
    for (int64_t o = 0; o < q->outer; o++) {
        float *yp = y + o * q->out_row;
        for (int i = 0; i < k->nin; i++) {
            memcpy(yp, (const float *)in[i] + o * q->row[i], (size_t)q->row[i] * sizeof(float));
            yp += q->row[i];
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_concat_create(const mxio__rt_ctx *ctx, int dim, int n, const mxio__tdesc *in,
                                  mxio__kernel **out, mxio_error *err) {
    const char *op = "Concat";
    if (n < 1 || n > MXIO__RT_MAX_IO)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: %d inputs", op, n);
    for (int i = 0; i < n; i++)
        if (in[i].layout == MXIO__LAYOUT_DNNL)
            return mxio__k_concat_dnnl_create(ctx, mxio__rt_axis(dim, in[0].ndim), n, in, true, out, err);
    mxio_status st = mxio__rt_check_plain_f32(op, n, in, err);
    if (st != MXIO_OK) return st;
    int nd = in[0].ndim, axis = mxio__rt_axis(dim, nd);
    if (axis < 0 || axis >= nd)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: dim %d out of range", op, dim);
    mxio__kernel *k = mxio__kernel_new_unary(op, n, in, sizeof(concat_impl), concat_run, err);
    if (!k) return MXIO_E_NOMEM;
    concat_impl *q = k->impl;
    int64_t total = 0, inner = 1;
    q->outer = 1;
    for (int d = 0; d < axis; d++) q->outer *= in[0].dims[d];
    for (int d = axis + 1; d < nd; d++) inner *= in[0].dims[d];
    for (int i = 0; i < n; i++) {
        bool ok = in[i].ndim == nd;
        for (int d = 0; ok && d < nd; d++) ok = d == axis || in[i].dims[d] == in[0].dims[d];
        if (!ok) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: input %d shape does not match input 0 off axis %d",
                              op, i, axis);
        }
        q->row[i] = in[i].dims[axis] * inner; /* <= numel of input i */
        if (!mxio__rt_add_i64(total, in[i].dims[axis], &total)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: output size overflows", op);
        }
    }
    k->out[0].dims[axis] = total;
    q->out_row = total * inner; /* checked by mxio__rt_kernel_done through the output numel */
    if (!mxio__rt_mul_i64(total, inner, &q->out_row)) q->out_row = 0;
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- slice, slice_axis, slice_like, Crop, transpose ------------------------------------ */

mxio_status mxio__k_slice_create(const mxio__rt_ctx *ctx, const mxio__slice_params *p,
                                 const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "slice";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (p->n > data->ndim)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d axes for %d-D data", op, p->n, data->ndim);
    int64_t b[MXIO__RT_MAX_DIMS], sz[MXIO__RT_MAX_DIMS], stp[MXIO__RT_MAX_DIMS];
    for (int i = 0; i < data->ndim; i++) {
        int64_t len = data->dims[i];
        int64_t s = (i < p->n && p->step[i] != MXIO__SLICE_NONE) ? p->step[i] : 1;
        if (s == 0) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: step 0 on axis %d", op, i);
        int64_t lo, hi; /* Python slice semantics, as MXNet's SetSliceOpOutputDimSize */
        int64_t bv = i < p->n ? p->begin[i] : MXIO__SLICE_NONE, ev = i < p->n ? p->end[i] : MXIO__SLICE_NONE;
        if (s > 0) {
            lo = bv == MXIO__SLICE_NONE ? 0 : bv < 0 ? (bv + len < 0 ? 0 : bv + len) : (bv > len ? len : bv);
            hi = ev == MXIO__SLICE_NONE ? len : ev < 0 ? (ev + len < 0 ? 0 : ev + len) : (ev > len ? len : ev);
            sz[i] = hi > lo ? (hi - lo + s - 1) / s : 0;
        } else {
            lo = bv == MXIO__SLICE_NONE ? len - 1 : bv < 0 ? (bv + len < -1 ? -1 : bv + len) : (bv >= len ? len - 1 : bv);
            hi = ev == MXIO__SLICE_NONE ? -1 : ev < 0 ? (ev + len < -1 ? -1 : ev + len) : (ev >= len ? len - 1 : ev);
            sz[i] = lo > hi ? (lo - hi + (-s) - 1) / (-s) : 0;
        }
        b[i] = sz[i] ? lo : 0;
        stp[i] = s;
    }
    return box_kernel(op, 1, data, b, sz, stp, out, err);
}

mxio_status mxio__k_slice_axis_create(const mxio__rt_ctx *ctx, int axis, int64_t begin,
                                      int64_t end, const mxio__tdesc *data, mxio__kernel **out,
                                      mxio_error *err) {
    const char *op = "slice_axis";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    int a = mxio__rt_axis(axis, data->ndim);
    if (a < 0 || a >= data->ndim)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, axis);
    int64_t len = data->dims[a];
    int64_t b = begin < 0 ? begin + len : begin;
    int64_t e = end == MXIO__SLICE_NONE ? len : end < 0 ? end + len : end;
    if (b < 0 || e > len || b >= e)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: [%lld, %lld) outside axis of %lld", op,
                          (long long)begin, (long long)end, (long long)len);
    int64_t bb[MXIO__RT_MAX_DIMS] = {0}, sz[MXIO__RT_MAX_DIMS], stp[MXIO__RT_MAX_DIMS];
    for (int i = 0; i < data->ndim; i++) sz[i] = data->dims[i], stp[i] = 1;
    bb[a] = b;
    sz[a] = e - b;
    return box_kernel(op, 1, data, bb, sz, stp, out, err);
}

mxio_status mxio__k_slice_like_create(const mxio__rt_ctx *ctx, int naxes, const int *axes,
                                      const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "slice_like";
    mxio_status st = mxio__rt_check_plain_f32(op, 2, in, err);
    if (st != MXIO_OK) return st;
    int64_t bb[MXIO__RT_MAX_DIMS] = {0}, sz[MXIO__RT_MAX_DIMS], stp[MXIO__RT_MAX_DIMS];
    for (int i = 0; i < in[0].ndim; i++) sz[i] = in[0].dims[i], stp[i] = 1;
    if (naxes == 0) {
        if (in[1].ndim != in[0].ndim)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: ranks differ", op);
        for (int i = 0; i < in[0].ndim; i++) sz[i] = in[1].dims[i];
    }
    for (int j = 0; j < naxes; j++) {
        int a = mxio__rt_axis(axes[j], in[0].ndim);
        if (a < 0 || a >= in[0].ndim || a >= in[1].ndim)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, axes[j]);
        sz[a] = in[1].dims[a];
    }
    for (int i = 0; i < in[0].ndim; i++)
        if (sz[i] > in[0].dims[i])
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: like is larger on axis %d", op, i);
    return box_kernel(op, 2, in, bb, sz, stp, out, err);
}

mxio_status mxio__k_crop_create(const mxio__rt_ctx *ctx, const mxio__crop_params *p,
                                const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "Crop";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, in, err);
    if (st != MXIO_OK) return st;
    if (in[0].ndim != 4) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs 4-D data", op);
    int64_t h, w;
    if (p->num_args == 2) {
        if (in[1].ndim < 2) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad crop_like", op);
        h = in[1].dims[in[1].ndim - 2];
        w = in[1].dims[in[1].ndim - 1];
    } else {
        h = p->h_w[0];
        w = p->h_w[1];
    }
    int64_t H = in[0].dims[2], W = in[0].dims[3];
    int64_t oy = p->center_crop ? (H - h) / 2 : p->offset[0];
    int64_t ox = p->center_crop ? (W - w) / 2 : p->offset[1];
    if (h < 1 || w < 1 || oy < 0 || ox < 0 || oy + h > H || ox + w > W)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %lldx%lld at (%lld, %lld) outside %lldx%lld",
                          op, (long long)h, (long long)w, (long long)oy, (long long)ox,
                          (long long)H, (long long)W);
    int64_t bb[4] = {0, 0, oy, ox}, sz[4] = {in[0].dims[0], in[0].dims[1], h, w}, stp[4] = {1, 1, 1, 1};
    return box_kernel(op, p->num_args == 2 ? 2 : 1, in, bb, sz, stp, out, err);
}

mxio_status mxio__k_transpose_create(const mxio__rt_ctx *ctx, int naxes, const int *axes,
                                     const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "transpose";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    int nd = data->ndim, perm[MXIO__RT_MAX_DIMS];
    bool seen[MXIO__RT_MAX_DIMS] = {0};
    if (naxes != 0 && naxes != nd)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d axes for %d-D data", op, naxes, nd);
    for (int i = 0; i < nd; i++) {
        perm[i] = naxes ? mxio__rt_axis(axes[i], nd) : nd - 1 - i;
        if (perm[i] < 0 || perm[i] >= nd || seen[perm[i]])
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axes are not a permutation", op);
        seen[perm[i]] = true;
    }
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(gather_impl), gather_run, err);
    if (!k) return MXIO_E_NOMEM;
    gather_impl *g = k->impl;
    int64_t s[MXIO__RT_MAX_DIMS];
    strides_of(data, s);
    g->ndim = nd;
    for (int i = 0; i < nd; i++) {
        g->dims[i] = data->dims[perm[i]];
        g->st[i] = s[perm[i]];
        k->out[0].dims[i] = g->dims[i];
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- Pad ------------------------------------------------------------------------------ */

typedef struct pad_impl {
    mxio__pad_params p;
    int ndim;
    int64_t in[MXIO__RT_MAX_DIMS], out[MXIO__RT_MAX_DIMS];
} pad_impl;

/* Source index for output index o on an axis, or -1 for the constant. */
static int64_t pad_src(const pad_impl *q, int d, int64_t o) {
    int64_t i = o - q->p.pad_width[2 * d], n = q->in[d];
    if (i >= 0 && i < n) return i;
    if (q->p.mode == MXIO__PAD_CONSTANT) return -1;
    if (q->p.mode == MXIO__PAD_EDGE) return i < 0 ? 0 : n - 1;
    if (n == 1) return 0;
    int64_t period = 2 * (n - 1); /* reflect without repeating the edge */
    int64_t m = i % period;
    if (m < 0) m += period;
    return m < n ? m : period - m;
}

static mxio_status pad_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const pad_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    int nd = q->ndim;
    int64_t total = 1, ist[MXIO__RT_MAX_DIMS];
    for (int d = 0; d < nd; d++) total *= q->out[d];
    strides_of(&k->in[0], ist);
    int64_t idx[MXIO__RT_MAX_DIMS] = {0};
    float cval = (float)q->p.constant_value;
    for (int64_t at = 0; at < total; at++) {
        int64_t off = 0;
        bool constant = false;
        for (int d = 0; d < nd && !constant; d++) {
            int64_t s = pad_src(q, d, idx[d]);
            if (s < 0) constant = true;
            else off += s * ist[d];
        }
        y[at] = constant ? cval : x[off];
        for (int d = nd - 1; d >= 0; d--) {
            if (++idx[d] < q->out[d]) break;
            idx[d] = 0;
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_pad_create(const mxio__rt_ctx *ctx, const mxio__pad_params *p,
                               const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "Pad";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (p->n != 2 * data->ndim)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: pad_width has %d values for %d-D data", op,
                          p->n, data->ndim);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(pad_impl), pad_run, err);
    if (!k) return MXIO_E_NOMEM;
    pad_impl *q = k->impl;
    q->p = *p;
    q->ndim = data->ndim;
    for (int d = 0; d < data->ndim; d++) {
        int64_t a = p->pad_width[2 * d], b = p->pad_width[2 * d + 1];
        if (a < 0 || b < 0 || (p->mode == MXIO__PAD_REFLECT && (a >= data->dims[d] || b >= data->dims[d]))) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad padding on axis %d", op, d);
        }
        q->in[d] = data->dims[d];
        if (!mxio__rt_add_i64(data->dims[d], a, &q->out[d]) ||
            !mxio__rt_add_i64(q->out[d], b, &q->out[d])) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: output size overflows", op);
        }
        k->out[0].dims[d] = q->out[d];
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- UpSampling nearest ------------------------------------------------------------- */

typedef struct up_impl {
    bool sum;
    int64_t n, oc, oh, ow;
    int64_t c[MXIO__RT_MAX_IO], h[MXIO__RT_MAX_IO], w[MXIO__RT_MAX_IO], s[MXIO__RT_MAX_IO];
} up_impl;

static mxio_status up_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                          void *const *out, void *scratch, mxio_error *err) {
    const up_impl *q = k->impl;
    float *y = out[0];
    int64_t plane = q->oh * q->ow;
    if (q->sum) memset(y, 0, (size_t)(q->n * q->oc * plane) * sizeof(float));
    int64_t cbase = 0;
    for (int i = 0; i < k->nin; i++) {
        const float *x = in[i];
        int64_t s = q->s[i];
        for (int64_t b = 0; b < q->n; b++)
            for (int64_t c = 0; c < q->c[i]; c++) {
                const float *xp = x + (b * q->c[i] + c) * q->h[i] * q->w[i];
                float *yp = y + (b * q->oc + cbase + c) * plane;
                for (int64_t oh = 0; oh < q->oh; oh++) {
                    const float *xr = xp + (oh / s) * q->w[i];
                    float *yr = yp + oh * q->ow;
                    if (q->sum)
                        for (int64_t ow = 0; ow < q->ow; ow++) yr[ow] += xr[ow / s];
                    else
                        for (int64_t ow = 0; ow < q->ow; ow++) yr[ow] = xr[ow / s];
                }
            }
        if (!q->sum) cbase += q->c[i];
    }
    return MXIO_OK;
}

mxio_status mxio__k_upsampling_create(const mxio__rt_ctx *ctx, int scale, bool sum, int n,
                                      const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "UpSampling";
    if (n < 1 || n > MXIO__RT_MAX_IO || scale < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad num_args or scale", op);
    mxio_status st = mxio__rt_check_plain_f32(op, n, in, err);
    if (st != MXIO_OK) return st;
    mxio__kernel *k = mxio__kernel_new_unary(op, n, in, sizeof(up_impl), up_run, err);
    if (!k) return MXIO_E_NOMEM;
    up_impl *q = k->impl;
    q->sum = sum;
    if (in[0].ndim != 4) goto bad;
    q->n = in[0].dims[0];
    if (!mxio__rt_mul_i64(in[0].dims[2], scale, &q->oh) || !mxio__rt_mul_i64(in[0].dims[3], scale, &q->ow))
        goto bad;
    for (int i = 0; i < n; i++) {
        /* Every input is scaled to the first one's output size (MXNet's
         * UpSamplingNearest: scale_i = oh / h_i, which must be integral). */
        if (in[i].ndim != 4 || in[i].dims[0] != q->n || !in[i].dims[2] || !in[i].dims[3] ||
            q->oh % in[i].dims[2] ||
            q->ow % in[i].dims[3] || q->oh / in[i].dims[2] != q->ow / in[i].dims[3])
            goto bad;
        q->c[i] = in[i].dims[1];
        q->h[i] = in[i].dims[2];
        q->w[i] = in[i].dims[3];
        q->s[i] = q->oh / in[i].dims[2];
        if (sum && q->c[i] != in[0].dims[1]) goto bad;
        q->oc = sum ? in[0].dims[1] : q->oc + q->c[i];
    }
    k->out[0].dims[1] = q->oc;
    k->out[0].dims[2] = q->oh;
    k->out[0].dims[3] = q->ow;
    return mxio__rt_kernel_done(k, out, err);
bad:
    mxio__kernel_free(k);
    return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: inputs must be (N, C, H, W) with sizes dividing the output", op);
}

/* ---- tile, repeat ---------------------------------------------------------------------- */

typedef struct rep_impl {
    int ndim;
    int64_t in[MXIO__RT_MAX_DIMS], out[MXIO__RT_MAX_DIMS];
    int64_t div[MXIO__RT_MAX_DIMS]; /* repeat: source = o / div; tile: source = o % in */
    bool tile;
} rep_impl;

static mxio_status rep_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const rep_impl *q = k->impl;
    const float *x = in[0];
    float *y = out[0];
    int nd = q->ndim;
    int64_t total = 1, ist[MXIO__RT_MAX_DIMS], s = 1;
    for (int d = nd - 1; d >= 0; d--) {
        ist[d] = s;
        s *= q->in[d];
        total *= q->out[d];
    }
    int64_t idx[MXIO__RT_MAX_DIMS] = {0};
    for (int64_t at = 0; at < total; at++) {
        int64_t off = 0;
        for (int d = 0; d < nd; d++)
            off += (q->tile ? idx[d] % q->in[d] : idx[d] / q->div[d]) * ist[d];
        y[at] = x[off];
        for (int d = nd - 1; d >= 0; d--) {
            if (++idx[d] < q->out[d]) break;
            idx[d] = 0;
        }
    }
    return MXIO_OK;
}

mxio_status mxio__k_tile_create(const mxio__rt_ctx *ctx, int nreps, const int64_t *reps,
                                const mxio__tdesc *data, mxio__kernel **out, mxio_error *err) {
    const char *op = "tile";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    int nd = nreps > data->ndim ? nreps : data->ndim;
    if (nd > MXIO__RT_MAX_DIMS) return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: rank", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(rep_impl), rep_run, err);
    if (!k) return MXIO_E_NOMEM;
    rep_impl *q = k->impl;
    q->tile = true;
    q->ndim = nd;
    k->out[0].ndim = nd;
    for (int d = 0; d < nd; d++) { /* both right-aligned, missing entries are 1 */
        int di = d - (nd - data->ndim), dr = d - (nd - nreps);
        q->in[d] = di >= 0 ? data->dims[di] : 1;
        int64_t r = dr >= 0 ? reps[dr] : 1;
        if (r < 0) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: negative reps", op);
        }
        if (!mxio__rt_mul_i64(q->in[d], r, &q->out[d])) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: output size overflows", op);
        }
        k->out[0].dims[d] = q->out[d];
    }
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_repeat_create(const mxio__rt_ctx *ctx, int64_t repeats, bool axis_none,
                                  int axis, const mxio__tdesc *data, mxio__kernel **out,
                                  mxio_error *err) {
    const char *op = "repeat";
    mxio_status st = mxio__rt_check_plain_f32(op, 1, data, err);
    if (st != MXIO_OK) return st;
    if (repeats < 0) return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: negative repeats", op);
    mxio__kernel *k = mxio__kernel_new_unary(op, 1, data, sizeof(rep_impl), rep_run, err);
    if (!k) return MXIO_E_NOMEM;
    rep_impl *q = k->impl;
    if (axis_none) {
        q->ndim = 1;
        q->in[0] = mxio__tdesc_numel(data);
        if (!mxio__rt_mul_i64(q->in[0], repeats, &q->out[0])) goto overflow;
        q->div[0] = repeats ? repeats : 1;
        k->out[0].ndim = 1;
        k->out[0].dims[0] = q->out[0];
    } else {
        int a = mxio__rt_axis(axis, data->ndim);
        if (a < 0 || a >= data->ndim) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: axis %d out of range", op, axis);
        }
        q->ndim = data->ndim;
        for (int d = 0; d < data->ndim; d++) {
            q->in[d] = q->out[d] = data->dims[d];
            q->div[d] = 1;
        }
        if (!mxio__rt_mul_i64(q->out[a], repeats, &q->out[a])) goto overflow;
        q->div[a] = repeats ? repeats : 1;
        k->out[0].dims[a] = q->out[a];
    }
    return mxio__rt_kernel_done(k, out, err);
overflow:
    mxio__kernel_free(k);
    return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: output size overflows", op);
}
