/* misc.c - dropout, RNN, sorting, matrix products, spatial samplers, quantization,
 * Custom. One record per op; see op.h. */
#include "op.h"
#include "quantized.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
static const mxio__layer_rule dropout_rule = {
    "DropoutLayer",
    MXIO__OPTS({"DropoutProbability", "p", NULL}, {"Mode", "mode", NULL}, {"Axes", "axes", NULL}),
    NULL};
static const mxio__layer_rule dot_rule = {
    "DotLayer",
    MXIO__OPTS({"TransposeA", "transpose_a", NULL}, {"TransposeB", "transpose_b", NULL}), NULL};

/* ---- Dropout */
static const char *const dropout_outputs[] = {"output", "mask", NULL};
static const mxio__attr_spec Dropout_params[] = {
    {"p", MXIO__ATTR_FLOAT, "0.5", NULL},
    {"mode", MXIO__ATTR_ENUM, "training", "always|training"},
    {"axes", MXIO__ATTR_SHAPE, "[]", NULL},
    {"cudnn_off", MXIO__ATTR_OPT_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const Dropout_inputs[] = {"data", NULL};

/* ---- RNN */
static int rnn_inputs(const mxio__attrs *a, const char **names, int cap) {
    const char *mode = mxio__attr_str(a, "mode");
    bool seq = false;
    mxio__attr_bool(a, "use_sequence_length", &seq);
    int n = 0;
    if (cap < 5) return -1;
    names[n++] = "data";
    names[n++] = "parameters";
    names[n++] = "state";
    if (mode && strcmp(mode, "lstm") == 0) names[n++] = "state_cell";
    if (seq) names[n++] = "sequence_length";
    return n;
}

static int rnn_outputs(const mxio__attrs *a, int *visible) {
    const char *mode = mxio__attr_str(a, "mode");
    bool states = false;
    mxio__attr_bool(a, "state_outputs", &states);
    int n = !states ? 1 : mode && strcmp(mode, "lstm") == 0 ? 3 : 2;
    if (visible) *visible = n;
    return n;
}
static const char *const rnn_output_names[] = {"output", "state_output", "statecell_output", NULL};
static const mxio__attr_spec RNN_params[] = {
    {"state_size", MXIO__ATTR_INT, NULL, NULL},
    {"num_layers", MXIO__ATTR_INT, NULL, NULL},
    {"bidirectional", MXIO__ATTR_BOOL, "False", NULL},
    {"mode", MXIO__ATTR_ENUM, NULL, "gru|lstm|rnn_relu|rnn_tanh"},
    {"p", MXIO__ATTR_FLOAT, "0", NULL},
    {"state_outputs", MXIO__ATTR_BOOL, "False", NULL},
    {"projection_size", MXIO__ATTR_OPT_INT, "None", NULL},
    {"lstm_state_clip_min", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"lstm_state_clip_max", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"lstm_state_clip_nan", MXIO__ATTR_BOOL, "False", NULL},
    {"use_sequence_length", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- topk */
/* TopKNumOutputs / TopKNumVisibleOutputs (src/operator/tensor/ordering_op-inl.h):
 * value and both keep the indices as a second output, visible only for both. */
static int topk_outputs(const mxio__attrs *a, int *visible) {
    const char *t = mxio__attr_str(a, "ret_typ");
    bool both = t && strcmp(t, "both") == 0;
    bool value = t && strcmp(t, "value") == 0;
    if (visible) *visible = both ? 2 : 1;
    return both || value ? 2 : 1;
}
static const mxio__attr_spec topk_params[] = {
    {"axis", MXIO__ATTR_OPT_INT, "-1", NULL},
    {"k", MXIO__ATTR_INT, "1", NULL},
    {"ret_typ", MXIO__ATTR_ENUM, "indices", "both|indices|mask|value"},
    {"is_ascend", MXIO__ATTR_BOOL, "False", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "float16|float32|float64|int32|int64|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const topk_inputs[] = {"data", NULL};

/* ---- sort */
static const mxio__attr_spec sort_params[] = {
    {"axis", MXIO__ATTR_OPT_INT, "-1", NULL},
    {"is_ascend", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const sort_inputs[] = {"data", NULL};

/* ---- argsort */
static const mxio__attr_spec argsort_params[] = {
    {"axis", MXIO__ATTR_OPT_INT, "-1", NULL},
    {"is_ascend", MXIO__ATTR_BOOL, "True", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "float16|float32|float64|int32|int64|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const argsort_inputs[] = {"data", NULL};

/* ---- dot */
static const mxio__attr_spec dot_params[] = {
    {"transpose_a", MXIO__ATTR_BOOL, "False", NULL},
    {"transpose_b", MXIO__ATTR_BOOL, "False", NULL},
    {"forward_stype", MXIO__ATTR_ENUM, "None", "None|csr|default|row_sparse"},
    {NULL, 0, NULL, NULL},
};
static const char *const dot_inputs[] = {"lhs", "rhs", NULL};

/* ---- batch_dot */
static const mxio__attr_spec batch_dot_params[] = {
    {"transpose_a", MXIO__ATTR_BOOL, "False", NULL},
    {"transpose_b", MXIO__ATTR_BOOL, "False", NULL},
    {"forward_stype", MXIO__ATTR_ENUM, "None", "None|csr|default|row_sparse"},
    {NULL, 0, NULL, NULL},
};
static const char *const batch_dot_inputs[] = {"lhs", "rhs", NULL};

/* ---- GridGenerator */
static const mxio__attr_spec GridGenerator_params[] = {
    {"transform_type", MXIO__ATTR_ENUM, NULL, "affine|warp"},
    {"target_shape", MXIO__ATTR_SHAPE, "[0,0]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const GridGenerator_inputs[] = {"data", NULL};

/* ---- BilinearSampler */
static const mxio__attr_spec BilinearSampler_params[] = {
    {"cudnn_off", MXIO__ATTR_OPT_BOOL, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const BilinearSampler_inputs[] = {"data", "grid", NULL};

/* ---- SpatialTransformer */
static const mxio__attr_spec SpatialTransformer_params[] = {
    {"target_shape", MXIO__ATTR_SHAPE, "[0,0]", NULL},
    {"transform_type", MXIO__ATTR_ENUM, NULL, "affine"},
    {"sampler_type", MXIO__ATTR_ENUM, NULL, "bilinear"},
    {"cudnn_off", MXIO__ATTR_OPT_BOOL, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const SpatialTransformer_inputs[] = {"data", "loc", NULL};

/* ---- Correlation */
static const mxio__attr_spec Correlation_params[] = {
    {"kernel_size", MXIO__ATTR_INT, "1", NULL},
    {"max_displacement", MXIO__ATTR_INT, "1", NULL},
    {"stride1", MXIO__ATTR_INT, "1", NULL},
    {"stride2", MXIO__ATTR_INT, "1", NULL},
    {"pad_size", MXIO__ATTR_INT, "0", NULL},
    {"is_multiply", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const Correlation_inputs[] = {"data1", "data2", NULL};

/* ---- _contrib_quantize_v2 */
static const mxio__attr_spec contrib_quantize_v2_params[] = {
    {"out_type", MXIO__ATTR_ENUM, "int8", "auto|int8|uint8"},
    {"min_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"max_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_quantize_v2_inputs[] = {"data", NULL};

/* ---- _contrib_quantize */
static const mxio__attr_spec contrib_quantize_params[] = {
    {"out_type", MXIO__ATTR_ENUM, "uint8", "int8|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_quantize_inputs[] = {"data", "min_range", "max_range", NULL};

/* ---- _contrib_dequantize */
static const mxio__attr_spec contrib_dequantize_params[] = {
    {"out_type", MXIO__ATTR_ENUM, "float32", "float32"},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_dequantize_inputs[] = {"data", "min_range", "max_range", NULL};

/* ---- _contrib_requantize */
static const mxio__attr_spec contrib_requantize_params[] = {
    {"out_type", MXIO__ATTR_ENUM, "int8", "auto|int8|uint8"},
    {"min_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"max_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_requantize_inputs[] = {"data", "min_range", "max_range", NULL};

/* ---- Custom */
static const mxio__attr_spec Custom_params[] = {
    {"op_type", MXIO__ATTR_STRING, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- shape rules ---------------------------------------------------------- */

static mxio_status data_shape(mxio__shape_ctx *c) {
    if (c->nout > 0 && c->nin > 0) return mxio__shape_assign_out(c, 0, &c->in[0]);
    return MXIO_OK;
}

/* quantize_v2: int8 (or uint8; auto picks uint8 for a non-negative calibrated
 * range) data plus float32 (1,) min and max. */
static mxio_status quantize_v2_infer(mxio__shape_ctx *c) {
    const char *t = mxio__attr_str(c->attrs, "out_type");
    double lo = -1;
    bool calib = mxio__attr_float(c->attrs, "min_calib_range", &lo);
    int dt = t && strcmp(t, "uint8") == 0 ? MXIO_DTYPE_UINT8 : MXIO_DTYPE_INT8;
    if (t && strcmp(t, "auto") == 0) dt = calib && lo >= 0 ? MXIO_DTYPE_UINT8 : MXIO_DTYPE_INT8;
    if (c->nin > 0 && c->in_dtype[0] < 0) c->in_dtype[0] = MXIO_DTYPE_FLOAT32;
    return mxio__infer_quantized(c, data_shape, 1, dt);
}

static mxio_status quantize_infer(mxio__shape_ctx *c) {
    const char *t = mxio__attr_str(c->attrs, "out_type");
    return mxio__infer_quantized(c, data_shape, 1,
                                 t && strcmp(t, "int8") == 0 ? MXIO_DTYPE_INT8 : MXIO_DTYPE_UINT8);
}

static mxio_status dequantize_infer(mxio__shape_ctx *c) {
    return mxio__infer_quantized(c, data_shape, 1, MXIO_DTYPE_FLOAT32);
}

static mxio_status requantize_infer(mxio__shape_ctx *c) {
    return mxio__infer_quantized(c, data_shape, 1, MXIO_DTYPE_INT8);
}

#define KNOWN_DIM(v) ((v) > 0)

/* topk: the selected axis (None: the flattened data) shrinks to k; indices
 * take `dtype`. */
static mxio_status topk_infer(mxio__shape_ctx *c) {
    int64_t k = 1, axis = -1;
    const char *t = mxio__attr_str(c->attrs, "ret_typ");
    int it = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    mxio__dtype_same(c);
    bool indices = !t || strcmp(t, "indices") == 0, both = t && strcmp(t, "both") == 0;
    bool mask = t && strcmp(t, "mask") == 0;
    if (indices && c->nout > 0) c->out_dtype[0] = it < 0 ? MXIO_DTYPE_FLOAT32 : it;
    if (both && c->nout > 1) c->out_dtype[1] = it < 0 ? MXIO_DTYPE_FLOAT32 : it;
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    mxio__attr_int(c->attrs, "k", &k);
    const char *a = mxio__attr_str(c->attrs, "axis");
    mxio__shape o = *x;
    if (!a || strcmp(a, "None") == 0) {
        int64_t total = 1;
        for (int i = 0; i < x->ndim; i++) total = KNOWN_DIM(total) && KNOWN_DIM(x->d[i]) ? total * x->d[i] : 0;
        if (KNOWN_DIM(total) && k > total)
            return mxio__shape_fail(c, "k = %lld is larger than the data (%lld)", (long long)k, (long long)total);
        o.ndim = 1;
        o.d[0] = k < 1 ? total : k;
    } else {
        int ax;
        if (!mxio__parse_int(a, &axis) || !mxio__axis(axis, x->ndim, &ax))
            return mxio__shape_fail(c, "axis is out of range");
        if (KNOWN_DIM(x->d[ax]) && k > x->d[ax])
            return mxio__shape_fail(c, "k = %lld is larger than the axis (%lld)", (long long)k, (long long)x->d[ax]);
        if (k < 1) k = x->d[ax];
        o.d[ax] = k;
    }
    if (mask) return mxio__shape_assign_out(c, 0, x);
    for (int i = 0; i < c->nout; i++) {
        mxio_status st = mxio__shape_assign_out(c, i, &o);
        if (st) return st;
    }
    return MXIO_OK;
}

/* argsort: shape kept, dtype from the attr. */
static mxio_status argsort_infer(mxio__shape_ctx *c) {
    int it = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    mxio_status st = mxio__infer_first(c);
    if (c->nout > 0) c->out_dtype[0] = it < 0 ? MXIO_DTYPE_FLOAT32 : it;
    return st;
}

/* RNN (RNNShape, GetRnnParamSize in src/operator/rnn-inl.h): data (T, N, I);
 * flat parameters; states (L*D, N, H or projection); output (T, N, D*H). */
static mxio_status rnn_infer(mxio__shape_ctx *c) {
    int64_t h, layers, proj = 0;
    bool bidir = false, states = false, seq = false;
    mxio__dtype_same(c);
    if (!mxio__attr_int(c->attrs, "state_size", &h) || !mxio__attr_int(c->attrs, "num_layers", &layers))
        return mxio__shape_fail(c, "state_size and num_layers are required");
    const char *mode = mxio__attr_str(c->attrs, "mode");
    mxio__attr_bool(c->attrs, "bidirectional", &bidir);
    mxio__attr_bool(c->attrs, "state_outputs", &states);
    mxio__attr_bool(c->attrs, "use_sequence_length", &seq);
    bool has_proj = mxio__attr_int(c->attrs, "projection_size", &proj);
    bool lstm = mode && strcmp(mode, "lstm") == 0;
    int64_t gates = lstm ? 4 : mode && strcmp(mode, "gru") == 0 ? 3 : 1;
    int64_t dirs = bidir ? 2 : 1, out_h = has_proj ? proj : h;
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != 3) return mxio__shape_fail(c, "data must be (seq_len, batch, input_size)");
    int64_t n = x->d[1], in = x->d[2], size = h * dirs * gates;
    int64_t st_d[3] = {layers * dirs, n, out_h}, cell_d[3] = {layers * dirs, n, h};
    mxio_status st;
    if ((st = mxio__shape_assign_in(c, 2, 3, st_d))) return st;
    if (lstm && (st = mxio__shape_assign_in(c, 3, 3, cell_d))) return st;
    if (in > 0) {
        int64_t size1 = (in + out_h + 2) * size, size2 = (out_h * dirs + out_h + 2) * size;
        int64_t params = size1 + (layers - 1) * size2;
        if (has_proj) params += proj * h * layers * dirs;
        if ((st = mxio__shape_assign_in(c, 1, 1, &params))) return st;
    }
    if (seq && (st = mxio__shape_assign_in(c, lstm ? 4 : 3, 1, &n))) return st;
    int64_t o[3] = {x->d[0], n, dirs * out_h};
    mxio__shape os, ss, cs;
    mxio__shape_make(&os, 3, o);
    mxio__shape_make(&ss, 3, st_d);
    mxio__shape_make(&cs, 3, cell_d);
    if ((st = mxio__shape_assign_out(c, 0, &os))) return st;
    if (states && (st = mxio__shape_assign_out(c, 1, &ss))) return st;
    if (states && lstm && (st = mxio__shape_assign_out(c, 2, &cs))) return st;
    return MXIO_OK;
}

/* dot (DotShape, src/operator/tensor/dot-inl.h): lhs's last axis (first when
 * transpose_a) meets rhs's first (last when transpose_b); the rest concatenate. */
static mxio_status dot_infer(mxio__shape_ctx *c) {
    bool ta = false, tb = false;
    mxio__dtype_same(c);
    mxio__attr_bool(c->attrs, "transpose_a", &ta);
    mxio__attr_bool(c->attrs, "transpose_b", &tb);
    const mxio__shape *l = &c->in[0], *r = &c->in[1];
    if (!mxio__shape_rank_known(l) || !mxio__shape_rank_known(r)) return MXIO_OK;
    if (l->ndim < 1 || r->ndim < 1) return mxio__shape_fail(c, "scalars are not supported");
    mxio__shape o = {.ndim = 0};
    if (l->ndim == 1 && r->ndim == 1) {
        if (ta || tb) return mxio__shape_fail(c, "cannot transpose vectors");
        if (l->d[0] > 0 && r->d[0] > 0 && l->d[0] != r->d[0])
            return mxio__shape_fail(c, "dot shape error");
        o.ndim = 1;
        o.d[0] = 1;
        return mxio__shape_assign_out(c, 0, &o);
    }
    int64_t lk = ta ? l->d[0] : l->d[l->ndim - 1], rk = tb ? r->d[r->ndim - 1] : r->d[0];
    if (lk > 0 && rk > 0 && lk != rk) return mxio__shape_fail(c, "dot shape error: %lld vs %lld", (long long)lk, (long long)rk);
    if (l->ndim > 1)
        for (int i = ta ? 1 : 0; i < (ta ? l->ndim : l->ndim - 1); i++) o.d[o.ndim++] = l->d[i];
    if (r->ndim > 1)
        for (int i = tb ? 0 : 1; i < (tb ? r->ndim - 1 : r->ndim); i++) {
            if (o.ndim >= MXIO__MAX_DIMS) return mxio__shape_fail(c, "too many dims");
            o.d[o.ndim++] = r->d[i];
        }
    return mxio__shape_assign_out(c, 0, &o);
}

/* batch_dot: (B..., M, K) x (B..., K, N) -> (B..., M, N), with transposes. */
static mxio_status batch_dot_infer(mxio__shape_ctx *c) {
    bool ta = false, tb = false;
    mxio__dtype_same(c);
    mxio__attr_bool(c->attrs, "transpose_a", &ta);
    mxio__attr_bool(c->attrs, "transpose_b", &tb);
    const mxio__shape *l = &c->in[0], *r = &c->in[1];
    if (!mxio__shape_rank_known(l) || !mxio__shape_rank_known(r)) return MXIO_OK;
    if (l->ndim < 3 || l->ndim != r->ndim) return mxio__shape_fail(c, "inputs must have the same rank >= 3");
    int n = l->ndim;
    int64_t m = ta ? l->d[n - 1] : l->d[n - 2], k1 = ta ? l->d[n - 2] : l->d[n - 1];
    int64_t k2 = tb ? r->d[n - 1] : r->d[n - 2], nn = tb ? r->d[n - 2] : r->d[n - 1];
    if (k1 > 0 && k2 > 0 && k1 != k2) return mxio__shape_fail(c, "batch_dot shape error");
    mxio__shape o = *l;
    o.d[n - 2] = m;
    o.d[n - 1] = nn;
    return mxio__shape_assign_out(c, 0, &o);
}

/* dot and batch_dot: one multiply-accumulate per output element per step of the
 * contracted axis (lhs's last, or its first / next-to-last when transposed). */
static int64_t dot_contracted_macs(const mxio__attrs *a, const mxio__shape *in, int nin,
                                   const mxio__shape *out, int nout, bool batch) {
    bool ta = false;
    mxio__attr_bool(a, "transpose_a", &ta);
    int64_t n, r;
    if (nin < 2 || nout < 1 || !mxio__shape_known(&in[0]) || !mxio__shape_known(&out[0]))
        return -1;
    const mxio__shape *l = &in[0];
    int64_t k = l->d[l->ndim - 1];
    if (ta) k = batch ? (l->ndim >= 2 ? l->d[l->ndim - 2] : -1) : l->d[0];
    if (k < 0 || !mxio__shape_numel(out[0].d, out[0].ndim, &n)) return -1;
    return __builtin_mul_overflow(n, k, &r) ? -1 : r;
}
static int64_t dot_macs(const mxio__attrs *a, const mxio__shape *in, int nin,
                        const mxio__shape *out, int nout) {
    return dot_contracted_macs(a, in, nin, out, nout, false);
}
static int64_t batch_dot_macs(const mxio__attrs *a, const mxio__shape *in, int nin,
                              const mxio__shape *out, int nout) {
    return dot_contracted_macs(a, in, nin, out, nout, true);
}

/* GridGenerator: affine (N, 6) -> (N, 2, H, W) from target_shape; warp keeps
 * the flow's shape. */
static mxio_status grid_generator_infer(mxio__shape_ctx *c) {
    int64_t t[2];
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    const char *type = mxio__attr_str(c->attrs, "transform_type");
    if (type && strcmp(type, "warp") == 0) return mxio__shape_assign_out(c, 0, x);
    if (!mxio__attr_dims(c->attrs, "target_shape", 2, 0, t)) return mxio__shape_fail(c, "bad target_shape");
    int64_t d[4] = {x->d[0], 2, t[0], t[1]};
    mxio__shape o;
    mxio__shape_make(&o, 4, d);
    return mxio__shape_assign_out(c, 0, &o);
}

/* BilinearSampler: (N, C, H, W) sampled on a (N, 2, Ho, Wo) grid. */
static mxio_status bilinear_sampler_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0], *g = &c->in[1];
    if (!mxio__shape_rank_known(x) || !mxio__shape_rank_known(g)) return MXIO_OK;
    if (x->ndim != 4 || g->ndim != 4) return mxio__shape_fail(c, "data and grid must be 4-D");
    int64_t d[4] = {x->d[0], x->d[1], g->d[2], g->d[3]};
    mxio__shape o;
    mxio__shape_make(&o, 4, d);
    return mxio__shape_assign_out(c, 0, &o);
}

/* SpatialTransformer: (N, C, H, W) with (N, 6) affine params -> target_shape
 * (MXNet does not infer the params' shape). */
static mxio_status spatial_transformer_infer(mxio__shape_ctx *c) {
    int64_t t[2];
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != 4) return mxio__shape_fail(c, "data must be 4-D");
    if (!mxio__attr_dims(c->attrs, "target_shape", 2, 0, t)) return mxio__shape_fail(c, "bad target_shape");
    int64_t d[4] = {x->d[0], x->d[1], t[0] ? t[0] : x->d[2], t[1] ? t[1] : x->d[3]};
    mxio__shape o;
    mxio__shape_make(&o, 4, d);
    return mxio__shape_assign_out(c, 0, &o);
}

/* Correlation (CorrelationProp::InferShape): (N, (2r+1)^2, top_h, top_w) with
 * r = max_displacement / stride2; the two hidden buffers are the padded
 * inputs in NHWC. */
static mxio_status correlation_infer(mxio__shape_ctx *c) {
    int64_t k = 1, md = 1, s1 = 1, s2 = 1, pad = 0;
    mxio__dtype_same(c);
    mxio__attr_int(c->attrs, "kernel_size", &k);
    mxio__attr_int(c->attrs, "max_displacement", &md);
    mxio__attr_int(c->attrs, "stride1", &s1);
    mxio__attr_int(c->attrs, "stride2", &s2);
    mxio__attr_int(c->attrs, "pad_size", &pad);
    mxio_status st = mxio__infer_same(c); /* both inputs agree; outputs set below */
    if (st) return st;
    const mxio__shape *x = &c->in[0];
    for (int i = 0; i < c->nout; i++) c->out[i].ndim = -1;
    if (!mxio__shape_known(x)) return MXIO_OK;
    if (x->ndim != 4 || s1 < 1 || s2 < 1) return mxio__shape_fail(c, "data must be 4-D, strides positive");
    int64_t ph = x->d[2] + 2 * pad, pw = x->d[3] + 2 * pad, border = md + (k - 1) / 2;
    int64_t sh = ph - 2 * border, sw = pw - 2 * border;
    int64_t th = sh > 0 ? (sh + s1 - 1) / s1 : 0, tw = sw > 0 ? (sw + s1 - 1) / s1 : 0;
    int64_t grid = 2 * (md / s2) + 1;
    if (th < 1 || tw < 1) return mxio__shape_fail(c, "the displacement border leaves no output");
    int64_t o[4] = {x->d[0], grid * grid, th, tw}, t[4] = {x->d[0], ph, pw, x->d[1]};
    mxio__shape os, ts;
    mxio__shape_make(&os, 4, o);
    mxio__shape_make(&ts, 4, t);
    if ((st = mxio__shape_assign_out(c, 0, &os))) return st;
    if ((st = mxio__shape_assign_out(c, 1, &ts))) return st;
    return mxio__shape_assign_out(c, 2, &ts);
}


/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

static mxio_status dropout_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    const char *m = mxio__attr_str(r->attrs, "mode");
    return mxio__k_dropout_create(r->ctx, m && strcmp(m, "always") == 0, &r->in[0], k, err);
}

static mxio_status dot_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    bool ta = false, tb = false;
    mxio__attr_bool(r->attrs, "transpose_a", &ta);
    mxio__attr_bool(r->attrs, "transpose_b", &tb);
    const char *st = mxio__attr_str(r->attrs, "forward_stype");
    if (st && strcmp(st, "None") && strcmp(st, "default"))
        return mxio__bind_unsupported(r, err, "a sparse forward_stype is");
    return (strcmp(r->attrs->op->name, "dot") == 0 ? mxio__k_dot_create : mxio__k_batch_dot_create)(
        r->ctx, ta, tb, r->in, k, err);
}

static mxio_status topk_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const rets[] = {"value", "indices", "both", "mask", NULL};
    const char *op = r->attrs->op->name, *dt = mxio__attr_str(r->attrs, "dtype");
    int64_t axis = -1, kk = 0;
    bool ascend = false, none = !mxio__attr_int(r->attrs, "axis", &axis);
    mxio__topk_ret ret = MXIO__TOPK_VALUE;
    if (dt && strcmp(dt, "float32"))
        return mxio__bind_unsupported(r, err, "index dtypes other than float32 are");
    mxio__attr_bool(r->attrs, "is_ascend", &ascend);
    if (strcmp(op, "topk") == 0) {
        int t = mxio__bind_pick(mxio__attr_str(r->attrs, "ret_typ"), rets);
        if (t < 0) return mxio__bind_unsupported(r, err, "this ret_typ is");
        ret = (mxio__topk_ret)t;
        mxio__attr_int(r->attrs, "k", &kk);
    } else if (strcmp(op, "argsort") == 0) {
        ret = MXIO__TOPK_INDICES;
    }
    return mxio__k_topk_create(r->ctx, (int)axis, none, kk, ret, ascend, &r->in[0], k, err);
}

static mxio_status rnn_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const modes[] = {"rnn_relu", "rnn_tanh", "lstm", "gru", NULL};
    int m = mxio__bind_pick(mxio__attr_str(r->attrs, "mode"), modes);
    int64_t ss = 0, nl = 1, proj;
    double clip;
    bool use_len = false;
    mxio__attr_bool(r->attrs, "use_sequence_length", &use_len);
    if (m < 0 || mxio__attr_int(r->attrs, "projection_size", &proj) ||
        mxio__attr_float(r->attrs, "lstm_state_clip_min", &clip) || use_len)
        return mxio__bind_unsupported(
            r, err, "an RNN with projection_size, lstm_state_clip or use_sequence_length is");
    mxio__rnn_params p = {.mode = (mxio__rnn_mode)m};
    mxio__attr_int(r->attrs, "state_size", &ss);
    mxio__attr_int(r->attrs, "num_layers", &nl);
    mxio__attr_bool(r->attrs, "bidirectional", &p.bidirectional);
    mxio__attr_bool(r->attrs, "state_outputs", &p.state_outputs);
    p.state_size = ss;
    p.num_layers = (int)nl;
    return mxio__k_rnn_create(r->ctx, &p, r->in, k, err);
}

/* ---- kernels (src/runtime): sampling grids */

static bool target_hw(const mxio__attrs *a, int64_t *h, int64_t *w) {
    int64_t v[2];
    int n = 0;
    if (!mxio__attr_shape(a, "target_shape", v, 2, &n, NULL) || n != 2) return false;
    *h = v[0], *w = v[1];
    return true;
}

static mxio_status grid_generator_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    const char *t = mxio__attr_str(r->attrs, "transform_type");
    int64_t h = 0, w = 0;
    bool warp = t && strcmp(t, "warp") == 0;
    if (!t || (!warp && strcmp(t, "affine") != 0)) return mxio__bind_unsupported(r, err, "this transform_type is");
    if (!warp && (!target_hw(r->attrs, &h, &w) || h < 1 || w < 1))
        return mxio__bind_unsupported(r, err, "affine without a positive target_shape is");
    return mxio__k_grid_generator_create(r->ctx, warp, h, w, &r->in[0], k, err);
}

static mxio_status bilinear_sampler_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_bilinear_sampler_create(r->ctx, r->in, k, err);
}

static mxio_status spatial_transformer_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t h = 0, w = 0;
    const char *t = mxio__attr_str(r->attrs, "transform_type"), *s = mxio__attr_str(r->attrs, "sampler_type");
    if (!t || strcmp(t, "affine") != 0 || !s || strcmp(s, "bilinear") != 0)
        return mxio__bind_unsupported(r, err, "this transform_type or sampler_type is");
    if (!target_hw(r->attrs, &h, &w) || h < 1 || w < 1)
        return mxio__bind_unsupported(r, err, "a target_shape that is not positive is");
    return mxio__k_spatial_transformer_create(r->ctx, h, w, r->in, k, err);
}

static mxio_status correlation_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__correlation_params p = {1, 1, 1, 1, 0, true};
    mxio__attr_int(r->attrs, "kernel_size", &p.kernel_size);
    mxio__attr_int(r->attrs, "max_displacement", &p.max_displacement);
    mxio__attr_int(r->attrs, "stride1", &p.stride1);
    mxio__attr_int(r->attrs, "stride2", &p.stride2);
    mxio__attr_int(r->attrs, "pad_size", &p.pad_size);
    mxio__attr_bool(r->attrs, "is_multiply", &p.is_multiply);
    return mxio__k_correlation_create(r->ctx, &p, r->in, k, err);
}

const mxio__op mxio__ops_misc[] = {
    {.name = "Dropout",
     .kernel = dropout_kernel,
     .layer = &dropout_rule,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = mxio__infer_first,
     .aliases = (const char *const[]){"_npx_dropout", NULL},
     .params = Dropout_params,
     .inputs = Dropout_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = dropout_outputs},
    {.name = "RNN",
     .kernel = rnn_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = rnn_infer,
     .aliases = (const char *const[]){"_npx_rnn", NULL},
     .params = RNN_params,
     .list_inputs = rnn_inputs,
     .weight_mask = 1u << 1,
     .count_outputs = rnn_outputs,
     .output_names = rnn_output_names},
    {.name = "topk",
     .kernel = topk_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = topk_infer,
     .aliases = (const char *const[]){"_npx_topk", NULL},
     .params = topk_params,
     .inputs = topk_inputs,
     .count_outputs = topk_outputs},
    {.name = "sort",
     .kernel = topk_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = mxio__infer_first,
     .aliases = (const char *const[]){"_npi_sort", NULL},
     .params = sort_params,
     .inputs = sort_inputs,
     .num_outputs = 2,
     .num_visible = 1},
    {.name = "argsort",
     .kernel = topk_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = argsort_infer,
     .aliases = (const char *const[]){"_npi_argsort", NULL},
     .params = argsort_params,
     .inputs = argsort_inputs},
    {.name = "dot",
     .kernel = dot_kernel,
     .layer = &dot_rule,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = dot_infer,
     .macs = dot_macs,
     .aliases = (const char *const[]){"_sparse_dot", NULL},
     .params = dot_params,
     .inputs = dot_inputs},
    {.name = "batch_dot",
     .kernel = dot_kernel,
     .layer = &dot_rule,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = batch_dot_infer,
     .macs = batch_dot_macs,
     .aliases = (const char *const[]){"_npx_batch_dot", NULL},
     .params = batch_dot_params,
     .inputs = batch_dot_inputs},
    {.name = "GridGenerator",
     .kernel = grid_generator_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = grid_generator_infer,
     .params = GridGenerator_params,
     .inputs = GridGenerator_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = (const char *const[]){"output", "grid_dst", NULL}},
    {.name = "BilinearSampler",
     .kernel = bilinear_sampler_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = bilinear_sampler_infer,
     .params = BilinearSampler_params,
     .inputs = BilinearSampler_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = (const char *const[]){"output", "tmp", NULL}},
    {.name = "SpatialTransformer",
     .kernel = spatial_transformer_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = spatial_transformer_infer,
     .params = SpatialTransformer_params,
     .inputs = SpatialTransformer_inputs,
     .num_outputs = 3,
     .num_visible = 1,
     .output_names = (const char *const[]){"output", "grid_dst", "grid_src", NULL}},
    {.name = "Correlation",
     .kernel = correlation_kernel,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = correlation_infer,
     .params = Correlation_params,
     .inputs = Correlation_inputs,
     .num_outputs = 3,
     .num_visible = 1,
     .output_names = (const char *const[]){"output", "tmp1", "tmp2", NULL}},
    {.name = "_contrib_quantize_v2",
     .kernel = mxio__bind_quantize_v2,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = quantize_v2_infer,
     .params = contrib_quantize_v2_params,
     .inputs = contrib_quantize_v2_inputs,
     .num_outputs = 3},
    {.name = "_contrib_quantize",
     .kind = MXIO__KIND_OTHER,
     .infer_shape = quantize_infer,
     .params = contrib_quantize_params,
     .inputs = contrib_quantize_inputs,
     .num_outputs = 3},
    {.name = "_contrib_dequantize",
     .kernel = mxio__bind_dequantize,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = dequantize_infer,
     .params = contrib_dequantize_params,
     .inputs = contrib_dequantize_inputs},
    {.name = "_contrib_requantize",
     .kernel = mxio__bind_requantize,
     .kind = MXIO__KIND_OTHER,
     .infer_shape = requantize_infer,
     .params = contrib_requantize_params,
     .inputs = contrib_requantize_inputs,
     .num_outputs = 3},
    {.name = "Custom",
     .kind = MXIO__KIND_OTHER,
     .aliases = (const char *const[]){"_npi_Custom", NULL},
     .params = Custom_params,
     .list_inputs = mxio__inputs_custom},
    {0},
};
