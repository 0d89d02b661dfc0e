/* kernel_driver - run ONE runtime kernel for the oracle tests.
 *
 *   kernel_driver SPEC.json OUT.npy IN0.npy [IN1.npy ...]
 *
 * SPEC is {"op": "<MXNet op name>", "params": {...}, "const_weights": bool,
 * "threads": n}. Params are typed JSON (numbers, booleans, arrays, null,
 * strings for enums) named as MXNet names its attributes; an absent param
 * takes MXNet 1.9.1's default (the op records will own that table later).
 * Inputs are in MXNet argument order, without labels. A tiny .npy codec is
 * built in (little-endian, C order). Exit 0 on success, 1 with a message. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

/* ---- .npy ----------------------------------------------------------------- */

typedef struct npy {
    mxio__tdesc t;
    void *data;
} npy;

static const struct { const char *descr; mxio_dtype t; } npy_types[] = {
    {"<f4", MXIO_DTYPE_FLOAT32}, {"<f8", MXIO_DTYPE_FLOAT64}, {"<f2", MXIO_DTYPE_FLOAT16},
    {"|u1", MXIO_DTYPE_UINT8},   {"|i1", MXIO_DTYPE_INT8},    {"<i4", MXIO_DTYPE_INT32},
    {"<i8", MXIO_DTYPE_INT64},   {"|b1", MXIO_DTYPE_BOOL},    {"<i2", MXIO_DTYPE_INT16},
    {"<u2", MXIO_DTYPE_UINT16},  {"<u4", MXIO_DTYPE_UINT32},  {"<u8", MXIO_DTYPE_UINT64},
};

static int npy_read(const char *path, npy *out) {
    FILE *f = fopen(path, "rb");
    if (!f) return fprintf(stderr, "%s: cannot open\n", path), 1;
    unsigned char pre[10];
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        fclose(f);
        return fprintf(stderr, "%s: not a .npy file\n", path), 1;
    }
    size_t hlen = pre[8] | (pre[9] << 8);
    if (pre[6] >= 2) { /* version 2/3: 4-byte header length */
        unsigned char more[2];
        if (fread(more, 1, 2, f) != 2) { fclose(f); return 1; }
        hlen |= ((size_t)more[0] << 16) | ((size_t)more[1] << 24);
    }
    char *h = calloc(1, hlen + 1);
    if (!h || fread(h, 1, hlen, f) != hlen) { fclose(f); free(h); return fprintf(stderr, "%s: short header\n", path), 1; }
    const char *d = strstr(h, "'descr': '");
    const char *fo = strstr(h, "'fortran_order': ");
    const char *sh = strstr(h, "'shape': (");
    if (!d || !fo || !sh || strncmp(fo + 17, "False", 5) != 0) {
        fprintf(stderr, "%s: unsupported header %s\n", path, h);
        fclose(f);
        free(h);
        return 1;
    }
    memset(out, 0, sizeof *out);
    int found = 0;
    for (size_t i = 0; i < sizeof npy_types / sizeof *npy_types; i++)
        if (strncmp(d + 10, npy_types[i].descr, 3) == 0) { out->t.dtype = npy_types[i].t; found = 1; }
    if (!found) { fclose(f); free(h); return fprintf(stderr, "%s: dtype not supported\n", path), 1; }
    const char *p = sh + 10;
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ')') break;
        if (out->t.ndim >= MXIO__RT_MAX_DIMS) { fclose(f); free(h); return 1; }
        out->t.dims[out->t.ndim++] = strtoll(p, (char **)&p, 10);
    }
    free(h);
    size_t bytes = mxio__tdesc_bytes(&out->t);
    out->data = mxio__rt_alloc(bytes ? bytes : 1);
    if (!out->data || fread(out->data, 1, bytes, f) != bytes) {
        fclose(f);
        return fprintf(stderr, "%s: short data\n", path), 1;
    }
    fclose(f);
    return 0;
}

static int npy_write(const char *path, const mxio__tdesc *t, const void *data) {
    const char *descr = NULL;
    for (size_t i = 0; i < sizeof npy_types / sizeof *npy_types; i++)
        if (npy_types[i].t == t->dtype) descr = npy_types[i].descr;
    if (!descr) return fprintf(stderr, "%s: dtype not writable\n", path), 1;
    char shape[256] = "", hdr[512];
    size_t at = 0;
    for (int i = 0; i < t->ndim; i++)
        at += (size_t)snprintf(shape + at, sizeof shape - at, "%lld,%s", (long long)t->dims[i],
                               i + 1 < t->ndim ? " " : "");
    if (t->ndim > 1) shape[at - 1] = '\0'; /* "(2, 3)" but "(4,)" */
    int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     descr, shape);
    int total = 10 + n + 1, padn = (64 - total % 64) % 64;
    FILE *f = fopen(path, "wb");
    if (!f) return fprintf(stderr, "%s: cannot create\n", path), 1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    size_t hl = (size_t)(n + padn + 1);
    pre[8] = (unsigned char)(hl & 0xff);
    pre[9] = (unsigned char)(hl >> 8);
    fwrite(pre, 1, 10, f);
    fwrite(hdr, 1, (size_t)n, f);
    for (int i = 0; i < padn; i++) fputc(' ', f);
    fputc('\n', f);
    size_t bytes = mxio__tdesc_bytes(t);
    int bad = fwrite(data, 1, bytes, f) != bytes;
    bad |= fclose(f) != 0;
    return bad;
}

/* ---- typed params with MXNet defaults ---------------------------------------- */

static json_t *P;

static int64_t pint(const char *k, int64_t d) {
    json_t *v = json_object_get(P, k);
    return json_is_number(v) ? (int64_t)json_number_value(v) : d;
}
static double pfloat(const char *k, double d) {
    json_t *v = json_object_get(P, k);
    return json_is_number(v) ? json_number_value(v) : d;
}
static bool pbool(const char *k, bool d) {
    json_t *v = json_object_get(P, k);
    return json_is_boolean(v) ? json_is_true(v) : json_is_number(v) ? json_number_value(v) != 0 : d;
}
static const char *pstr(const char *k, const char *d) {
    json_t *v = json_object_get(P, k);
    return json_is_string(v) ? json_string_value(v) : d;
}
static bool pnull(const char *k) { return json_is_null(json_object_get(P, k)); }
/* Tuple; None entries become MXIO__SLICE_NONE. Returns the count, -1 if absent. */
static int ptuple(const char *k, int64_t *vals, int cap) {
    json_t *v = json_object_get(P, k);
    if (json_is_number(v)) {
        vals[0] = (int64_t)json_number_value(v);
        return 1;
    }
    if (!json_is_array(v)) return -1;
    int n = 0;
    for (size_t i = 0; i < json_array_size(v) && n < cap; i++) {
        json_t *e = json_array_get(v, i);
        vals[n++] = json_is_number(e) ? (int64_t)json_number_value(e) : MXIO__SLICE_NONE;
    }
    return n;
}
/* Float tuple; absent: one value `dflt` (MXNet's (1,) style defaults). */
static int pfloats(const char *k, float *vals, int cap, float dflt) {
    json_t *v = json_object_get(P, k);
    if (json_is_number(v)) {
        vals[0] = (float)json_number_value(v);
        return 1;
    }
    if (!json_is_array(v)) {
        vals[0] = dflt;
        return 1;
    }
    int n = 0;
    for (size_t i = 0; i < json_array_size(v) && n < cap; i++)
        vals[n++] = (float)json_number_value(json_array_get(v, i));
    return n;
}
static int pick(const char *s, const char *const *names) {
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

/* ---- op dispatch ----------------------------------------------------------------- */

static const struct { const char *name; mxio__binop op; } binops[] = {
    {"_maximum", MXIO__BIN_MAX}, {"_minimum", MXIO__BIN_MIN}, {"_power", MXIO__BIN_POW},
    {"_hypot", MXIO__BIN_HYPOT}, {"_equal", MXIO__BIN_EQ}, {"_not_equal", MXIO__BIN_NE},
    {"_greater", MXIO__BIN_GT}, {"_greater_equal", MXIO__BIN_GE}, {"_lesser", MXIO__BIN_LT},
    {"_lesser_equal", MXIO__BIN_LE},
    {"broadcast_add", MXIO__BIN_ADD}, {"broadcast_plus", MXIO__BIN_ADD}, {"elemwise_add", MXIO__BIN_ADD},
    {"broadcast_sub", MXIO__BIN_SUB}, {"broadcast_minus", MXIO__BIN_SUB}, {"elemwise_sub", MXIO__BIN_SUB},
    {"broadcast_mul", MXIO__BIN_MUL}, {"elemwise_mul", MXIO__BIN_MUL},
    {"broadcast_div", MXIO__BIN_DIV}, {"elemwise_div", MXIO__BIN_DIV},
    {"broadcast_maximum", MXIO__BIN_MAX}, {"broadcast_minimum", MXIO__BIN_MIN},
    {"broadcast_power", MXIO__BIN_POW}, {"broadcast_hypot", MXIO__BIN_HYPOT},
    {"broadcast_equal", MXIO__BIN_EQ}, {"broadcast_not_equal", MXIO__BIN_NE},
    {"broadcast_greater", MXIO__BIN_GT}, {"broadcast_greater_equal", MXIO__BIN_GE},
    {"broadcast_lesser", MXIO__BIN_LT}, {"broadcast_lesser_equal", MXIO__BIN_LE},
};
static const struct { const char *name; mxio__binop op; } scalarops[] = {
    {"_plus_scalar", MXIO__BIN_ADD}, {"_minus_scalar", MXIO__BIN_SUB}, {"_rminus_scalar", MXIO__BIN_RSUB},
    {"_mul_scalar", MXIO__BIN_MUL}, {"_div_scalar", MXIO__BIN_DIV}, {"_rdiv_scalar", MXIO__BIN_RDIV},
    {"_power_scalar", MXIO__BIN_POW}, {"_rpower_scalar", MXIO__BIN_RPOW},
    {"_maximum_scalar", MXIO__BIN_MAX}, {"_minimum_scalar", MXIO__BIN_MIN},
    {"_hypot_scalar", MXIO__BIN_HYPOT}, {"_equal_scalar", MXIO__BIN_EQ},
    {"_not_equal_scalar", MXIO__BIN_NE}, {"_greater_scalar", MXIO__BIN_GT},
    {"_greater_equal_scalar", MXIO__BIN_GE}, {"_lesser_scalar", MXIO__BIN_LT},
    {"_lesser_equal_scalar", MXIO__BIN_LE},
};
static const char *const unops[MXIO__UN_COUNT + 1] = {
    "exp", "log", "sqrt", "rsqrt", "square", "abs", "negative", "reciprocal", "floor", "ceil",
    "round", "rint", "fix", "trunc", "sign", "erf", "log1p", "expm1", "log2", "log10", "cbrt",
    "sin", "cos", "tan", "arctan", "sinh", "cosh", "relu", "sigmoid", "tanh", "softsign",
    "_copy", NULL};

static void conv_params(mxio__conv_params *c, bool deconv) {
    memset(c, 0, sizeof *c);
    int64_t v[3];
    int n = ptuple("kernel", c->kernel, 3);
    c->nspatial = n;
    for (int i = 0; i < 3; i++) c->stride[i] = c->dilate[i] = 1;
    if (ptuple("stride", v, 3) == n) memcpy(c->stride, v, sizeof v);
    if (ptuple("dilate", v, 3) == n) memcpy(c->dilate, v, sizeof v);
    if (ptuple("pad", v, 3) == n) memcpy(c->pad, v, sizeof v);
    if (ptuple("adj", v, 3) == n) memcpy(c->adj, v, sizeof v);
    c->num_filter = pint("num_filter", 0);
    c->num_group = pint("num_group", 1);
    c->no_bias = pbool("no_bias", deconv); /* Deconvolution defaults to no bias */
}

static mxio_status create(const mxio__rt_ctx *ctx, const char *op, int nin, const npy *in,
                          bool const_w, mxio__kernel **k, mxio_error *err) {
    mxio__tdesc t[MXIO__RT_MAX_IO];
    for (int i = 0; i < nin; i++) t[i] = in[i].t;
    const float *w = nin > 1 ? in[1].data : NULL, *b = nin > 2 ? in[2].data : NULL;
    if (!const_w) w = b = NULL;
    if (!strcmp(op, "Convolution") || !strcmp(op, "Deconvolution")) {
        bool de = op[0] == 'D';
        mxio__conv_params c;
        conv_params(&c, de);
        int64_t target[3] = {0, 0, 0};
        if (de && ptuple("target_shape", target, 3) > 0) {
            mxio_status st = mxio__deconv_apply_target_shape(&c, &t[0], target, err);
            if (st != MXIO_OK) return st;
        }
        return de ? mxio__k_deconv_create(ctx, &c, &t[0], w, c.no_bias ? NULL : b, k, err)
                  : mxio__k_conv_create(ctx, &c, &t[0], w, c.no_bias ? NULL : b, k, err);
    }
    if (!strcmp(op, "FullyConnected")) {
        mxio__fc_params f = {pint("num_hidden", 0), pbool("no_bias", false), pbool("flatten", true)};
        return mxio__k_fc_create(ctx, &f, &t[0], w, f.no_bias ? NULL : b, k, err);
    }
    if (!strcmp(op, "Pooling")) {
        mxio__pool_params p;
        memset(&p, 0, sizeof p);
        int64_t v[3];
        int n = ptuple("kernel", p.kernel, 3);
        p.nspatial = n < 0 ? 0 : n;
        for (int i = 0; i < 3; i++) p.stride[i] = 1;
        if (ptuple("stride", v, 3) == n) memcpy(p.stride, v, sizeof v);
        if (ptuple("pad", v, 3) == n) memcpy(p.pad, v, sizeof v);
        static const char *const types[] = {"max", "avg", "sum", "lp", NULL};
        static const char *const convs[] = {"valid", "full", "same", NULL};
        p.type = (mxio__pool_type)pick(pstr("pool_type", "max"), types);
        p.convention = (mxio__pool_conv)pick(pstr("pooling_convention", "valid"), convs);
        p.global_pool = pbool("global_pool", false);
        p.count_include_pad = pnull("count_include_pad") ? true : pbool("count_include_pad", true);
        p.p_value = (int)pint("p_value", 0);
        p.force_reference = pbool("__force_reference", false);
        return mxio__k_pool_create(ctx, &p, &t[0], k, err);
    }
    if (!strcmp(op, "BatchNorm")) {
        mxio__bn_params p = {(float)pfloat("eps", 1e-3), pbool("fix_gamma", true),
                             pbool("use_global_stats", false), (int)pint("axis", 1)};
        return mxio__k_batchnorm_create(ctx, &p, t, k, err);
    }
    if (!strcmp(op, "Activation") || !strcmp(op, "LeakyReLU") || !strcmp(op, "clip")) {
        mxio__act_params a = {0};
        static const char *const acts[] = {"relu", "sigmoid", "tanh", "softrelu", "softsign",
                                           "leaky", "prelu", "rrelu", "elu", "selu", "gelu", NULL};
        a.type = !strcmp(op, "clip") ? MXIO__ACT_CLIP
                                     : (mxio__act_type)pick(pstr("act_type", "leaky"), acts);
        a.slope = (float)pfloat("slope", 0.25);
        a.lower_bound = (float)pfloat("lower_bound", 0.125);
        a.upper_bound = (float)pfloat("upper_bound", 0.334);
        a.a_min = (float)pfloat("a_min", 0);
        a.a_max = (float)pfloat("a_max", 0);
        if ((int)a.type < 0) return mxio__fail(err, MXIO_E_UNSUPPORTED, "bad act_type");
        return mxio__k_act_create(ctx, &a, t, k, err);
    }
    if (!strcmp(op, "softmax") || !strcmp(op, "log_softmax")) {
        mxio__softmax_params s = {(int)pint("axis", -1), (float)pfloat("temperature", 1.0),
                                  op[0] == 'l', pbool("use_length", false)};
        return mxio__k_softmax_create(ctx, &s, &t[0], k, err);
    }
    if (!strcmp(op, "SoftmaxActivation"))
        return mxio__k_softmax_activation_create(ctx, !strcmp(pstr("mode", "instance"), "channel"),
                                                 &t[0], k, err);
    if (!strcmp(op, "SoftmaxOutput")) {
        mxio__softmax_output_params s = {pbool("multi_output", false), pbool("preserve_shape", false)};
        return mxio__k_softmax_output_create(ctx, &s, &t[0], k, err);
    }
    for (size_t i = 0; i < sizeof binops / sizeof *binops; i++)
        if (!strcmp(op, binops[i].name)) return mxio__k_binary_create(ctx, binops[i].op, t, k, err);
    for (size_t i = 0; i < sizeof scalarops / sizeof *scalarops; i++)
        if (!strcmp(op, scalarops[i].name))
            return mxio__k_scalar_create(ctx, scalarops[i].op, pfloat("scalar", 0), &t[0], k, err);
    int u = pick(op, unops);
    if (u >= 0) return mxio__k_unary_create(ctx, (mxio__unop)u, &t[0], k, err);
    if (!strcmp(op, "add_n")) return mxio__k_add_n_create(ctx, nin, t, k, err);
    if (!strcmp(op, "where")) return mxio__k_where_create(ctx, t, k, err);
    if (!strcmp(op, "Cast")) {
        static const char *const dts[] = {"float32", "float64", "float16", "uint8", "int32",
                                          "int8", "int64", "bool", "int16", "uint16", "uint32",
                                          "uint64", "bfloat16", NULL};
        int to = pick(pstr("dtype", "float32"), dts);
        if (to < 0) return mxio__fail(err, MXIO_E_UNSUPPORTED, "bad dtype");
        return mxio__k_cast_create(ctx, (mxio_dtype)to, &t[0], false, k, err);
    }
    if (!strcmp(op, "Dropout"))
        return mxio__k_dropout_create(ctx, !strcmp(pstr("mode", "training"), "always"), &t[0], k, err);
    if (!strcmp(op, "Concat")) return mxio__k_concat_create(ctx, (int)pint("dim", 1), nin, t, k, err);
    if (!strcmp(op, "slice")) {
        mxio__slice_params s;
        memset(&s, 0, sizeof s);
        int nb = ptuple("begin", s.begin, MXIO__RT_MAX_DIMS);
        int ne = ptuple("end", s.end, MXIO__RT_MAX_DIMS);
        int ns = ptuple("step", s.step, MXIO__RT_MAX_DIMS);
        s.n = nb;
        if (ne != nb) return mxio__fail(err, MXIO_E_SHAPE, "begin/end lengths differ");
        for (int i = ns < 0 ? 0 : ns; i < s.n; i++) s.step[i] = MXIO__SLICE_NONE;
        return mxio__k_slice_create(ctx, &s, &t[0], k, err);
    }
    if (!strcmp(op, "slice_axis"))
        return mxio__k_slice_axis_create(ctx, (int)pint("axis", 0), pint("begin", 0),
                                         pnull("end") ? MXIO__SLICE_NONE : pint("end", 0), &t[0], k, err);
    if (!strcmp(op, "slice_like")) {
        int64_t v[MXIO__RT_MAX_DIMS];
        int axes[MXIO__RT_MAX_DIMS], n = ptuple("axes", v, MXIO__RT_MAX_DIMS);
        for (int i = 0; i < n; i++) axes[i] = (int)v[i];
        return mxio__k_slice_like_create(ctx, n < 0 ? 0 : n, axes, t, k, err);
    }
    if (!strcmp(op, "transpose")) {
        int64_t v[MXIO__RT_MAX_DIMS];
        int axes[MXIO__RT_MAX_DIMS], n = ptuple("axes", v, MXIO__RT_MAX_DIMS);
        for (int i = 0; i < n; i++) axes[i] = (int)v[i];
        return mxio__k_transpose_create(ctx, n < 0 ? 0 : n, axes, &t[0], k, err);
    }
    if (!strcmp(op, "Pad")) {
        mxio__pad_params p;
        memset(&p, 0, sizeof p);
        static const char *const modes[] = {"constant", "edge", "reflect", NULL};
        p.mode = (mxio__pad_mode)pick(pstr("mode", "constant"), modes);
        p.n = ptuple("pad_width", p.pad_width, 2 * MXIO__RT_MAX_DIMS);
        p.constant_value = pfloat("constant_value", 0);
        return mxio__k_pad_create(ctx, &p, &t[0], k, err);
    }
    if (!strcmp(op, "UpSampling") && !strcmp(pstr("sample_type", "nearest"), "bilinear")) {
        mxio__conv_params c;
        mxio__upsampling_bilinear_params((int)pint("scale", 1), pint("num_filter", 0), &c);
        return mxio__k_deconv_create(ctx, &c, &t[0], w, NULL, k, err);
    }
    if (!strcmp(op, "UpSampling"))
        return mxio__k_upsampling_create(ctx, (int)pint("scale", 1),
                                         !strcmp(pstr("multi_input_mode", "concat"), "sum"), nin, t,
                                         k, err);
    if (!strcmp(op, "Crop")) {
        mxio__crop_params c;
        memset(&c, 0, sizeof c);
        c.num_args = (int)pint("num_args", 1);
        ptuple("offset", c.offset, 2);
        ptuple("h_w", c.h_w, 2);
        c.center_crop = pbool("center_crop", false);
        return mxio__k_crop_create(ctx, &c, t, k, err);
    }
    if (!strcmp(op, "tile")) {
        int64_t v[MXIO__RT_MAX_DIMS];
        int n = ptuple("reps", v, MXIO__RT_MAX_DIMS);
        return mxio__k_tile_create(ctx, n < 0 ? 0 : n, v, &t[0], k, err);
    }
    if (!strcmp(op, "repeat"))
        return mxio__k_repeat_create(ctx, pint("repeats", 1), pnull("axis") || !json_object_get(P, "axis"),
                                     (int)pint("axis", 0), &t[0], k, err);
    if (!strcmp(op, "L2Normalization")) {
        static const char *const modes[] = {"instance", "channel", "spatial", NULL};
        mxio__l2norm_params p = {(mxio__l2n_mode)pick(pstr("mode", "instance"), modes),
                                 (float)pfloat("eps", 1e-10)};
        return mxio__k_l2norm_create(ctx, &p, &t[0], k, err);
    }
    if (!strcmp(op, "LRN")) {
        mxio__lrn_params p = {(int)pint("nsize", 0), (float)pfloat("alpha", 1e-4),
                              (float)pfloat("beta", 0.75), (float)pfloat("knorm", 2)};
        return mxio__k_lrn_create(ctx, &p, &t[0], k, err);
    }
    if (!strcmp(op, "InstanceNorm")) {
        mxio__instnorm_params p = {(float)pfloat("eps", 1e-3)};
        return mxio__k_instnorm_create(ctx, &p, t, k, err);
    }
    if (!strcmp(op, "LayerNorm")) {
        mxio__layernorm_params p = {(int)pint("axis", -1), (float)pfloat("eps", 1e-5)};
        return mxio__k_layernorm_create(ctx, &p, t, k, err);
    }
    if (!strcmp(op, "dot") || !strcmp(op, "batch_dot"))
        return (op[0] == 'd' ? mxio__k_dot_create : mxio__k_batch_dot_create)(
            ctx, pbool("transpose_a", false), pbool("transpose_b", false), t, k, err);
    if (!strcmp(op, "_contrib_interleaved_matmul_selfatt_qk") ||
        !strcmp(op, "_contrib_interleaved_matmul_selfatt_valatt"))
        return mxio__k_selfatt_create(ctx, strstr(op, "valatt") != NULL, pint("heads", 1), t, k, err);
    if (!strcmp(op, "_linalg_gemm2")) {
        if (pint("axis", -3) != -3) return mxio__fail(err, MXIO_E_UNSUPPORTED, "gemm2: axis != -3");
        return mxio__k_linalg_gemm2_create(ctx, pbool("transpose_a", false), pbool("transpose_b", false),
                                           (float)pfloat("alpha", 1), t, k, err);
    }
    static const char *const reds[] = {"sum", "mean", "prod", "max", "min", "norm", NULL};
    int red = pick(op, reds);
    if (red < 0 && !strcmp(op, "sum_axis")) red = 0;
    if (red >= 0) {
        mxio__reduce_params r;
        memset(&r, 0, sizeof r);
        r.op = (mxio__reduce_op)red;
        int64_t v[MXIO__RT_MAX_DIMS];
        int n = ptuple("axis", v, MXIO__RT_MAX_DIMS);
        r.naxes = n < 0 ? 0 : n;
        for (int i = 0; i < r.naxes; i++) r.axes[i] = (int)v[i];
        r.keepdims = pbool("keepdims", false);
        r.exclude = pbool("exclude", false);
        if (red == MXIO__RED_NORM && pint("ord", 2) != 2)
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "norm: only ord=2");
        return mxio__k_reduce_create(ctx, &r, &t[0], k, err);
    }
    if (!strcmp(op, "_split_v2")) {
        int64_t pts[MXIO__RT_MAX_IO];
        int n = ptuple("indices", pts, MXIO__RT_MAX_IO);
        return mxio__k_split_v2_create(ctx, n < 0 ? 0 : n, pts, (int)pint("sections", 0), (int)pint("axis", 1),
                                       pbool("squeeze_axis", false), &t[0], k, err);
    }
    if (!strcmp(op, "SliceChannel") || !strcmp(op, "split"))
        return mxio__k_split_create(ctx, (int)pint("num_outputs", 1), (int)pint("axis", 1),
                                    pbool("squeeze_axis", false), &t[0], k, err);
    if (!strcmp(op, "broadcast_to") || !strcmp(op, "broadcast_axis") || !strcmp(op, "broadcast_axes") ||
        !strcmp(op, "broadcast_like")) {
        int64_t shape[MXIO__RT_MAX_DIMS];
        int n = t[0].ndim;
        memcpy(shape, t[0].dims, sizeof shape);
        if (op[10] == 't') {
            n = ptuple("shape", shape, MXIO__RT_MAX_DIMS);
        } else if (op[10] == 'a') {
            int64_t ax[MXIO__RT_MAX_DIMS], sz[MXIO__RT_MAX_DIMS];
            int na = ptuple("axis", ax, MXIO__RT_MAX_DIMS), ns = ptuple("size", sz, MXIO__RT_MAX_DIMS);
            if (na != ns) return mxio__fail(err, MXIO_E_SHAPE, "axis/size lengths differ");
            for (int i = 0; i < na; i++) shape[mxio__rt_axis((int)ax[i], n)] = sz[i];
        } else {
            int64_t la[MXIO__RT_MAX_DIMS], ra[MXIO__RT_MAX_DIMS];
            int nl = ptuple("lhs_axes", la, MXIO__RT_MAX_DIMS), nr = ptuple("rhs_axes", ra, MXIO__RT_MAX_DIMS);
            if (nl <= 0) memcpy(shape, t[1].dims, sizeof shape), n = t[1].ndim;
            else
                for (int i = 0; i < nl && i < nr; i++)
                    shape[mxio__rt_axis((int)la[i], n)] = t[1].dims[mxio__rt_axis((int)ra[i], t[1].ndim)];
        }
        return mxio__k_broadcast_to_create(ctx, n, shape, op[10] == 'l' ? 2 : 1, t, k, err);
    }
    if (!strcmp(op, "hard_sigmoid"))
        return mxio__k_hard_sigmoid_create(ctx, (float)pfloat("alpha", 0.2), (float)pfloat("beta", 0.5),
                                           &t[0], k, err);
    if (!strcmp(op, "Flatten") || !strcmp(op, "expand_dims") || !strcmp(op, "squeeze") ||
        !strcmp(op, "Reshape")) {
        int64_t d[MXIO__RT_MAX_DIMS];
        int n = 0;
        if (op[0] == 'F') {
            d[n++] = t[0].dims[0];
            d[n++] = t[0].ndim > 1 ? mxio__tdesc_numel(&t[0]) / (t[0].dims[0] ? t[0].dims[0] : 1) : 1;
        } else if (op[0] == 'e') {
            int a = (int)pint("axis", 0);
            if (a < 0) a += t[0].ndim + 1;
            for (int i = 0; i <= t[0].ndim; i++) d[n++] = i == a ? 1 : t[0].dims[i - (i > a)];
        } else if (op[0] == 's') {
            int64_t ax[MXIO__RT_MAX_DIMS];
            int na = ptuple("axis", ax, MXIO__RT_MAX_DIMS);
            for (int i = 0; i < t[0].ndim; i++) {
                bool drop = false;
                for (int j = 0; j < na; j++) drop |= mxio__rt_axis((int)ax[j], t[0].ndim) == i;
                if (na <= 0) drop = t[0].dims[i] == 1;
                if (!drop) d[n++] = t[0].dims[i];
            }
            if (n == 0) d[n++] = 1;
        } else { /* positive dims and at most one -1; MXNet's special codes are the op record's job */
            n = ptuple("shape", d, MXIO__RT_MAX_DIMS);
            int64_t known = 1;
            int infer = -1;
            for (int i = 0; i < n; i++) {
                if (d[i] == -1) infer = i;
                else known *= d[i];
            }
            if (infer >= 0) d[infer] = known ? mxio__tdesc_numel(&t[0]) / known : 0;
        }
        return mxio__k_reshape_create(ctx, n, d, &t[0], k, err);
    }
    if (!strcmp(op, "GroupNorm")) {
        mxio__groupnorm_params p = {(int)pint("num_groups", 1), (float)pfloat("eps", 1e-5)};
        return mxio__k_groupnorm_create(ctx, &p, t, k, err);
    }
    if (!strcmp(op, "SwapAxis") || !strcmp(op, "swapaxes")) {
        int axes[MXIO__RT_MAX_DIMS], nd = t[0].ndim;
        for (int i = 0; i < nd; i++) axes[i] = i;
        int a = mxio__rt_axis((int)pint("dim1", 0), nd), b = mxio__rt_axis((int)pint("dim2", 0), nd);
        if (a < 0 || b < 0 || a >= nd || b >= nd) return mxio__fail(err, MXIO_E_SHAPE, "bad dims");
        axes[a] = b;
        axes[b] = a;
        return mxio__k_transpose_create(ctx, nd, axes, &t[0], k, err);
    }
    if (!strcmp(op, "argmax") || !strcmp(op, "argmin"))
        return mxio__k_argmax_create(ctx, op[3] == 'm' && op[4] == 'i', pnull("axis") || !json_object_get(P, "axis"),
                                     (int)pint("axis", 0), pbool("keepdims", false), &t[0], k, err);
    if (!strcmp(op, "zeros_like") || !strcmp(op, "ones_like"))
        return mxio__k_fill_like_create(ctx, op[0] == 'o' ? 1.0f : 0.0f, &t[0], k, err);
    if (!strcmp(op, "one_hot"))
        return mxio__k_one_hot_create(ctx, pint("depth", 0), (float)pfloat("on_value", 1),
                                      (float)pfloat("off_value", 0), &t[0], k, err);
    if (!strcmp(op, "shape_array") || !strcmp(op, "size_array"))
        return mxio__k_shape_array_create(ctx, op[1] == 'i', &t[0], k, err);
    if (!strcmp(op, "gather_nd")) return mxio__k_gather_nd_create(ctx, t, k, err);
    if (!strcmp(op, "take"))
        return mxio__k_take_create(ctx, (int)pint("axis", 0), !strcmp(pstr("mode", "clip"), "wrap"), t,
                                   k, err);
    if (!strcmp(op, "pick"))
        return mxio__k_pick_create(ctx, (int)pint("axis", -1), pbool("keepdims", false),
                                   !strcmp(pstr("mode", "clip"), "wrap"), t, k, err);
    if (!strcmp(op, "SequenceReverse"))
        return mxio__k_sequence_reverse_create(ctx, pbool("use_sequence_length", false), t, k, err);
    if (!strcmp(op, "SequenceMask") || !strcmp(op, "SequenceLast"))
        return mxio__k_sequence_create(ctx, op[8] == 'L', pbool("use_sequence_length", false),
                                       (int)pint("axis", 0), (float)pfloat("value", 0), t, k, err);
    if (!strcmp(op, "RNN")) {
        static const char *const modes[] = {"rnn_relu", "rnn_tanh", "lstm", "gru", NULL};
        mxio__rnn_params r = {(mxio__rnn_mode)pick(pstr("mode", ""), modes), pint("state_size", 0),
                              (int)pint("num_layers", 1), pbool("bidirectional", false),
                              pbool("state_outputs", false)};
        if ((int)r.mode < 0) return mxio__fail(err, MXIO_E_UNSUPPORTED, "RNN: bad mode");
        return mxio__k_rnn_create(ctx, &r, t, k, err);
    }
    if (!strcmp(op, "depth_to_space") || !strcmp(op, "space_to_depth"))
        return mxio__k_depth_space_create(ctx, op[0] == 'd', pint("block_size", 0), &t[0], k, err);
    if (!strcmp(op, "_contrib_AdaptiveAvgPooling2D")) {
        int64_t o[2] = {1, 1};
        int n = ptuple("output_size", o, 2);
        if (n == 1) o[1] = o[0];
        return mxio__k_adaptive_avg_pool_create(ctx, o[0], o[1], &t[0], k, err);
    }
    if (!strcmp(op, "_contrib_BilinearResize2D")) {
        const char *mode = pstr("mode", "size");
        int64_t H = t[0].dims[2], W = t[0].dims[3], oh, ow;
        bool sh = json_is_number(json_object_get(P, "scale_height"));
        if (!strcmp(mode, "like")) {
            oh = t[1].dims[2], ow = t[1].dims[3];
        } else if (!strcmp(mode, "size")) { /* MXNet checks scale_height for both */
            oh = sh ? (int64_t)(pfloat("scale_height", 1) * (double)H) : pint("height", 1);
            ow = sh ? (int64_t)(pfloat("scale_width", 1) * (double)W) : pint("width", 1);
        } else if (!strcmp(mode, "odd_scale")) {
            oh = H % 2 == 0 ? (int64_t)((double)H * pfloat("scale_height", 1))
                            : (int64_t)((double)(H - 1) * pfloat("scale_height", 1)) + 1;
            ow = W % 2 == 0 ? (int64_t)((double)W * pfloat("scale_width", 1))
                            : (int64_t)((double)(W - 1) * pfloat("scale_width", 1)) + 1;
        } else {
            bool even = !strncmp(mode, "to_even", 7), up = strstr(mode, "_up") != NULL;
            oh = (H % 2 == (even ? 0 : 1)) ? H : H + (up ? 1 : -1);
            ow = (W % 2 == (even ? 0 : 1)) ? W : W + (up ? 1 : -1);
        }
        return mxio__k_bilinear_resize_create(ctx, oh, ow, pbool("align_corners", true),
                                              !strcmp(mode, "like") ? 2 : 1, t, k, err);
    }
    if (!strcmp(op, "_contrib_MultiBoxPrior")) {
        mxio__multibox_prior_params m;
        memset(&m, 0, sizeof m);
        m.nsizes = pfloats("sizes", m.sizes, MXIO__MAX_ANCHOR_PARAMS, 1.0f);
        m.nratios = pfloats("ratios", m.ratios, MXIO__MAX_ANCHOR_PARAMS, 1.0f);
        m.clip = pbool("clip", false);
        float st[2] = {-1, -1}, of[2] = {0.5f, 0.5f};
        pfloats("steps", st, 2, -1.0f);
        pfloats("offsets", of, 2, 0.5f);
        memcpy(m.steps, st, sizeof st);
        memcpy(m.offsets, of, sizeof of);
        return mxio__k_multibox_prior_create(ctx, &m, &t[0], k, err);
    }
    if (!strcmp(op, "_contrib_MultiBoxDetection")) {
        mxio__multibox_detection_params m = {pbool("clip", true), (float)pfloat("threshold", 0.01),
                                             (float)pfloat("nms_threshold", 0.5),
                                             pbool("force_suppress", false), {0.1f, 0.1f, 0.2f, 0.2f},
                                             (int)pint("nms_topk", -1)};
        if (json_object_get(P, "variances")) pfloats("variances", m.variances, 4, 0.1f);
        return mxio__k_multibox_detection_create(ctx, &m, t, k, err);
    }
    if (!strcmp(op, "_contrib_box_nms") || !strcmp(op, "_contrib_box_non_maximum_suppression")) {
        mxio__box_nms_params b = {(float)pfloat("overlap_thresh", 0.5), (float)pfloat("valid_thresh", 0),
                                  (int)pint("topk", -1), (int)pint("coord_start", 2),
                                  (int)pint("score_index", 1), (int)pint("id_index", -1),
                                  (float)pfloat("background_id", -1), pbool("force_suppress", false),
                                  !strcmp(pstr("in_format", "corner"), "center"),
                                  !strcmp(pstr("out_format", "corner"), "center")};
        return mxio__k_box_nms_create(ctx, &b, &t[0], k, err);
    }
    if (!strcmp(op, "_contrib_box_decode")) {
        mxio__box_decode_params b = {{(float)pfloat("std0", 1), (float)pfloat("std1", 1),
                                      (float)pfloat("std2", 1), (float)pfloat("std3", 1)},
                                     (float)pfloat("clip", -1),
                                     !strcmp(pstr("format", "center"), "corner")};
        return mxio__k_box_decode_create(ctx, &b, t, k, err);
    }
    if (!strcmp(op, "_contrib_ROIAlign")) {
        mxio__roi_align_params r;
        memset(&r, 0, sizeof r);
        int n = ptuple("pooled_size", r.pooled, 2);
        if (n == 1) r.pooled[1] = r.pooled[0];
        r.spatial_scale = (float)pfloat("spatial_scale", 1);
        r.sample_ratio = (int)pint("sample_ratio", -1);
        r.position_sensitive = pbool("position_sensitive", false);
        r.aligned = pbool("aligned", false);
        return mxio__k_roi_align_create(ctx, &r, t, k, err);
    }
    if (!strcmp(op, "_contrib_Proposal") || !strcmp(op, "_contrib_MultiProposal")) {
        mxio__proposal_params r;
        memset(&r, 0, sizeof r);
        r.pre_nms_top_n = (int)pint("rpn_pre_nms_top_n", 6000);
        r.post_nms_top_n = (int)pint("rpn_post_nms_top_n", 300);
        r.threshold = (float)pfloat("threshold", 0.7);
        r.min_size = (float)pfloat("rpn_min_size", 16);
        float sc[4] = {4, 8, 16, 32}, ra[3] = {0.5f, 1, 2};
        if (json_object_get(P, "scales")) r.nscales = pfloats("scales", r.scales, MXIO__MAX_ANCHOR_PARAMS, 1);
        else r.nscales = 4, memcpy(r.scales, sc, sizeof sc);
        if (json_object_get(P, "ratios")) r.nratios = pfloats("ratios", r.ratios, MXIO__MAX_ANCHOR_PARAMS, 1);
        else r.nratios = 3, memcpy(r.ratios, ra, sizeof ra);
        r.feature_stride = (float)pint("feature_stride", 16);
        r.output_score = pbool("output_score", false);
        r.iou_loss = pbool("iou_loss", false);
        return mxio__k_proposal_create(ctx, &r, op[9] == 'M', t, k, err);
    }
    if (!strcmp(op, "ROIPooling")) {
        int64_t pooled[2] = {1, 1};
        int n = ptuple("pooled_size", pooled, 2);
        if (n == 1) pooled[1] = pooled[0];
        return mxio__k_roi_pool_create(ctx, pooled, (float)pfloat("spatial_scale", 1), t, k, err);
    }
    if (!strcmp(op, "_zeros") || !strcmp(op, "_ones") || !strcmp(op, "_full")) {
        int64_t d[MXIO__RT_MAX_DIMS];
        int n = ptuple("shape", d, MXIO__RT_MAX_DIMS);
        float v = op[1] == 'z' ? 0.0f : op[1] == 'o' ? 1.0f : (float)pfloat("value", 0);
        return mxio__k_full_create(ctx, n < 0 ? 0 : n, d, v, k, err);
    }
    if (!strcmp(op, "topk") || !strcmp(op, "sort") || !strcmp(op, "argsort")) {
        static const char *const rets[] = {"value", "indices", "both", "mask", NULL};
        bool none = pnull("axis");
        int axis = (int)pint("axis", -1);
        if (op[0] == 't')
            return mxio__k_topk_create(ctx, axis, none, pint("k", 1),
                                       (mxio__topk_ret)pick(pstr("ret_typ", "indices"), rets),
                                       pbool("is_ascend", false), &t[0], k, err);
        return mxio__k_topk_create(ctx, axis, none, 0, op[0] == 's' ? MXIO__TOPK_VALUE : MXIO__TOPK_INDICES,
                                   pbool("is_ascend", true), &t[0], k, err);
    }
    if (!strcmp(op, "_contrib_arange_like"))
        return mxio__k_arange_like_create(ctx, pfloat("start", 0), pfloat("step", 1), pint("repeat", 1),
                                          pnull("axis") || !json_object_get(P, "axis"),
                                          (int)pint("axis", 0), &t[0], k, err);
    if (!strcmp(op, "stack")) return mxio__k_stack_create(ctx, (int)pint("axis", 0), nin, t, k, err);
    /* identity at inference; LogisticRegressionOutput is a sigmoid (labels not taken) */
    if (!strcmp(op, "BlockGrad") || !strcmp(op, "stop_gradient") || !strcmp(op, "MakeLoss") ||
        !strcmp(op, "identity") || !strcmp(op, "LinearRegressionOutput") ||
        !strcmp(op, "MAERegressionOutput"))
        return mxio__k_unary_create(ctx, MXIO__UN_IDENTITY, &t[0], k, err);
    if (!strcmp(op, "LogisticRegressionOutput"))
        return mxio__k_unary_create(ctx, MXIO__UN_SIGMOID, &t[0], k, err);
    if (!strcmp(op, "_contrib_div_sqrt_dim"))
        return mxio__k_scalar_create(ctx, MXIO__BIN_DIV, sqrt((double)t[0].dims[t[0].ndim - 1]), &t[0], k, err);
    if (!strcmp(op, "_arange"))
        return mxio__k_arange_create(ctx, pfloat("start", 0), json_is_number(json_object_get(P, "stop")),
                                     pfloat("stop", 0), pfloat("step", 1), pint("repeat", 1), k, err);
    if (!strcmp(op, "Embedding"))
        return mxio__k_embedding_create(ctx, pint("input_dim", 0), pint("output_dim", 0), t, k, err);
    return mxio__fail(err, MXIO_E_UNKNOWN_OP, "kernel_driver: no kernel for op %s", op);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s SPEC.json OUT.npy [IN0.npy ...]\n", argv[0]);
        return 2;
    }
    json_error_t jerr;
    json_t *spec = json_load_file(argv[1], 0, &jerr);
    if (!spec) return fprintf(stderr, "%s: %s\n", argv[1], jerr.text), 1;
    const char *op = json_string_value(json_object_get(spec, "op"));
    P = json_object_get(spec, "params");
    if (!op) return fprintf(stderr, "%s: no op\n", argv[1]), 1;
    int nin = argc - 3;
    if (nin > MXIO__RT_MAX_IO) return fprintf(stderr, "too many inputs\n"), 1;
    npy in[MXIO__RT_MAX_IO];
    for (int i = 0; i < nin; i++)
        if (npy_read(argv[3 + i], &in[i])) return 1;
    json_t *th = json_object_get(spec, "threads");
    int threads = json_is_integer(th) ? (int)json_integer_value(th) : 1;

    mxio_error err;
    mxio__rt_ctx ctx;
    mxio__rt_exec ex;
    mxio__kernel *k = NULL;
    if (mxio__rt_ctx_init(&ctx, threads, &err) || mxio__rt_exec_init(&ex, &ctx, threads, &err) ||
        create(&ctx, op, nin, in, json_is_true(json_object_get(spec, "const_weights")), &k, &err))
        return fprintf(stderr, "%s\n", err.message), 1;
    if (k->nin != nin)
        return fprintf(stderr, "%s: kernel takes %d inputs, got %d\n", op, k->nin, nin), 1;
    for (int i = 0; i < nin; i++) {
        bool ok = k->in[i].ndim == 0 || mxio__tdesc_numel(&k->in[i]) == mxio__tdesc_numel(&in[i].t);
        if (!ok) return fprintf(stderr, "%s: input %d has the wrong size\n", op, i), 1;
    }
    void *outs[MXIO__RT_MAX_IO];
    for (int j = 0; j < k->nout; j++) {
        size_t obytes = mxio__tdesc_bytes(&k->out[j]);
        outs[j] = mxio__rt_alloc(obytes ? obytes : 1);
    }
    void *scratch = k->scratch_bytes ? mxio__rt_alloc(k->scratch_bytes) : NULL;
    const void *ins[MXIO__RT_MAX_IO];
    for (int i = 0; i < nin; i++) ins[i] = in[i].data;
    if (mxio__kernel_run(k, &ex, ins, outs, scratch, &err))
        return fprintf(stderr, "%s\n", err.message), 1;
    /* Output j > 0 goes to OUT.<j>.npy beside OUT.npy. */
    int rc = 0;
    for (int j = 0; j < k->nout; j++) {
        char path[4096];
        size_t len = strlen(argv[2]);
        if (j == 0) snprintf(path, sizeof path, "%s", argv[2]);
        else if (len > 4 && !strcmp(argv[2] + len - 4, ".npy"))
            snprintf(path, sizeof path, "%.*s.%d.npy", (int)(len - 4), argv[2], j);
        else snprintf(path, sizeof path, "%s.%d", argv[2], j);
        rc |= npy_write(path, &k->out[j], outs[j]);
        mxio__rt_free(outs[j]);
    }
    mxio__rt_free(scratch);
    for (int i = 0; i < nin; i++) mxio__rt_free(in[i].data);
    mxio__kernel_free(k);
    mxio__rt_exec_free(&ex);
    mxio__rt_ctx_free(&ctx);
    json_decref(spec);
    return rc;
}
