/* random.c - random samplers (non-deterministic; shapes from attrs). One record per
 * op; see op.h. */
#include "op.h"

/* ---- shape rules ---------------------------------------------------------- */

/* Samplers: the shape attr; dtype None means `dflt`. */
static mxio_status sampler_shape(mxio__shape_ctx *c, int dflt) {
    int64_t s[MXIO__MAX_DIMS];
    int n = 0;
    int t = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    if (c->nout > 0) c->out_dtype[0] = t >= 0 ? t : dflt;
    if (!mxio__attr_shape(c->attrs, "shape", s, MXIO__MAX_DIMS, &n, NULL))
        return mxio__shape_fail(c, "bad shape");
    if (n == 0) return MXIO_OK;
    mxio__shape o;
    mxio__shape_make(&o, n, s);
    return mxio__shape_assign_out(c, 0, &o);
}

static mxio_status sampler_infer(mxio__shape_ctx *c) { return sampler_shape(c, MXIO_DTYPE_FLOAT32); }
static mxio_status randint_infer(mxio__shape_ctx *c) { return sampler_shape(c, MXIO_DTYPE_INT32); }

/* sample_multinomial: data (..., k) -> data.shape[:-1] + shape, in `dtype`;
 * the probabilities (get_prob) keep the data's dtype. */
static mxio_status multinomial_infer(mxio__shape_ctx *c) {
    int64_t s[MXIO__MAX_DIMS];
    int n = 0;
    int t = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    mxio__dtype_same(c);
    if (c->nout > 0) c->out_dtype[0] = t < 0 ? MXIO_DTYPE_INT32 : t;
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "shape", s, MXIO__MAX_DIMS, &n, NULL) || x->ndim - 1 + n > MXIO__MAX_DIMS)
        return mxio__shape_fail(c, "bad shape");
    mxio__shape o = *x;
    o.ndim = x->ndim - 1;
    for (int i = 0; i < n; i++) o.d[o.ndim++] = s[i];
    if (o.ndim == 0) {
        o.ndim = 1;
        o.d[0] = 1;
    }
    for (int i = 0; i < c->nout; i++) {
        mxio_status st = mxio__shape_assign_out(c, i, &o);
        if (st) return st;
    }
    return MXIO_OK;
}

/* ---- _random_uniform */
static const mxio__attr_spec random_uniform_params[] = {
    {"low", MXIO__ATTR_FLOAT, "0", NULL},
    {"high", MXIO__ATTR_FLOAT, "1", NULL},
    {"shape", MXIO__ATTR_SHAPE, "None", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "None", "None|float16|float32|float64"},
    {NULL, 0, NULL, NULL},
};

/* ---- _random_normal */
static const mxio__attr_spec random_normal_params[] = {
    {"loc", MXIO__ATTR_FLOAT, "0", NULL},
    {"scale", MXIO__ATTR_FLOAT, "1", NULL},
    {"shape", MXIO__ATTR_SHAPE, "None", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "None", "None|float16|float32|float64"},
    {NULL, 0, NULL, NULL},
};

/* ---- _random_randint */
static const mxio__attr_spec random_randint_params[] = {
    {"low", MXIO__ATTR_INT, NULL, NULL},
    {"high", MXIO__ATTR_INT, NULL, NULL},
    {"shape", MXIO__ATTR_SHAPE, "None", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "None", "None|int32|int64"},
    {NULL, 0, NULL, NULL},
};

/* ---- _sample_multinomial */
/* get_prob adds the log-likelihood of each sample as a second output. */
static int multinomial_outputs(const mxio__attrs *a, int *visible) {
    bool prob = false;
    mxio__attr_bool(a, "get_prob", &prob);
    if (visible) *visible = prob ? 2 : 1;
    return prob ? 2 : 1;
}
static const mxio__attr_spec sample_multinomial_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"get_prob", MXIO__ATTR_BOOL, "False", NULL},
    {"dtype", MXIO__ATTR_ENUM, "int32", "float16|float32|float64|int32|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const sample_multinomial_inputs[] = {"data", NULL};

/* ---- kernels (src/runtime) */
#include "../runtime/exec.h"

/* The samplers: the shape comes from the shape rule (a 0 dim is refused, as for
 * the other source ops); dtype None is float32 (randint: int32). */
static mxio_status sampler_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    const char *name = r->attrs->op->name;
    mxio__sampler kind = strcmp(name, "_random_normal") == 0    ? MXIO__SAMPLE_NORMAL
                         : strcmp(name, "_random_randint") == 0 ? MXIO__SAMPLE_RANDINT
                                                                : MXIO__SAMPLE_UNIFORM;
    if (r->nout < 1 || !mxio__shape_known(&r->out[0]))
        return mxio__bind_unsupported(r, err, "a shape with unknown (0) dims is");
    int t = mxio__dtype_of_name(mxio__attr_str(r->attrs, "dtype"));
    if (t < 0) t = kind == MXIO__SAMPLE_RANDINT ? MXIO_DTYPE_INT32 : MXIO_DTYPE_FLOAT32;
    if (kind != MXIO__SAMPLE_RANDINT && t != MXIO_DTYPE_FLOAT32)
        return mxio__bind_unsupported(r, err, "a dtype other than float32 is");
    double a = 0, b = 1;
    int64_t lo = 0, hi = 0;
    if (kind == MXIO__SAMPLE_RANDINT) {
        if (!mxio__attr_int(r->attrs, "low", &lo) || !mxio__attr_int(r->attrs, "high", &hi))
            return mxio__bind_unsupported(r, err, "a missing low or high is");
        a = (double)lo, b = (double)hi;
    } else {
        mxio__attr_float(r->attrs, kind == MXIO__SAMPLE_NORMAL ? "loc" : "low", &a);
        mxio__attr_float(r->attrs, kind == MXIO__SAMPLE_NORMAL ? "scale" : "high", &b);
        if (kind == MXIO__SAMPLE_NORMAL ? b <= 0 : b < a) /* MXNet: CHECK_GT(scale, 0), CHECK_GE(high, low) */
            return mxio__bind_unsupported(r, err, kind == MXIO__SAMPLE_NORMAL ? "a non-positive scale is"
                                                                              : "high < low is");
    }
    return mxio__k_sampler_create(r->ctx, kind, a, b, r->out[0].ndim, r->out[0].d, (mxio_dtype)t, k, err);
}

static mxio_status multinomial_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t s[MXIO__MAX_DIMS];
    int n = 0;
    bool prob = false;
    if (!mxio__attr_shape(r->attrs, "shape", s, MXIO__MAX_DIMS, &n, NULL))
        return mxio__bind_unsupported(r, err, "this shape is");
    mxio__attr_bool(r->attrs, "get_prob", &prob);
    int t = mxio__dtype_of_name(mxio__attr_str(r->attrs, "dtype"));
    return mxio__k_multinomial_create(r->ctx, n, s, prob, t < 0 ? MXIO_DTYPE_INT32 : (mxio_dtype)t, &r->in[0],
                                      k, err);
}

const mxio__op mxio__ops_random[] = {
    {.name = "_random_uniform",
     .kernel = sampler_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = sampler_infer,
     .aliases = (const char *const[]){"random_uniform", "uniform", NULL},
     .params = random_uniform_params},
    {.name = "_random_normal",
     .kernel = sampler_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = sampler_infer,
     .aliases = (const char *const[]){"normal", "random_normal", NULL},
     .params = random_normal_params},
    {.name = "_random_randint",
     .kernel = sampler_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = randint_infer,
     .aliases = (const char *const[]){"_npi_random_randint", "random_randint", NULL},
     .params = random_randint_params},
    {.name = "_sample_multinomial",
     .kernel = multinomial_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = multinomial_infer,
     .aliases = (const char *const[]){"sample_multinomial", NULL},
     .params = sample_multinomial_params,
     .inputs = sample_multinomial_inputs,
     .count_outputs = multinomial_outputs},
    {0},
};
