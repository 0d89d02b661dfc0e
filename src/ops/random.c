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

const mxio__op mxio__ops_random[] = {
    {.name = "_random_uniform",
     .kind = MXIO__KIND_OTHER,
     .infer_shape = sampler_infer,
     .aliases = (const char *const[]){"random_uniform", "uniform", NULL},
     .params = random_uniform_params},
    {.name = "_random_normal",
     .kind = MXIO__KIND_OTHER,
     .infer_shape = sampler_infer,
     .aliases = (const char *const[]){"normal", "random_normal", NULL},
     .params = random_normal_params},
    {.name = "_random_randint",
     .kind = MXIO__KIND_OTHER,
     .infer_shape = randint_infer,
     .aliases = (const char *const[]){"_npi_random_randint", "random_randint", NULL},
     .params = random_randint_params},
    {.name = "_sample_multinomial",
     .kind = MXIO__KIND_OTHER,
     .infer_shape = multinomial_infer,
     .aliases = (const char *const[]){"sample_multinomial", NULL},
     .params = sample_multinomial_params,
     .inputs = sample_multinomial_inputs,
     .count_outputs = multinomial_outputs},
    {0},
};
