/* norm.c - normalisation layers. One record per op; see op.h. */
#include "op.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
/* IdentityAttachKLSparseReg is the identity forward (its regulariser acts on gradients). */
MXIO__FN_RULE(kl_identity_rule, "ElementwiseLayer", "Identity");
static const mxio__layer_rule bn_rule = {
    "BatchNormalizationLayer",
    MXIO__OPTS({"Epsilon", "eps", NULL}, {"Momentum", "momentum", NULL},
         {"FixGamma", "fix_gamma", NULL}, {"UseGlobalStats", "use_global_stats", NULL},
         {"Axis", "axis", NULL}, {"OutputMeanVar", "output_mean_var", NULL}),
    MXIO__ARGS({"Scaling", "gamma"}, {"Biases", "beta"}, {"MovingMean", "moving_mean"},
         {"MovingVariance", "moving_var"})};
/* BatchNorm_v1 and SyncBatchNorm have no axis (always 1). */
static const mxio__layer_rule bn_v1_rule = {
    "BatchNormalizationLayer",
    MXIO__OPTS({"Epsilon", "eps", NULL}, {"Momentum", "momentum", NULL},
         {"FixGamma", "fix_gamma", NULL}, {"UseGlobalStats", "use_global_stats", NULL},
         {"OutputMeanVar", "output_mean_var", NULL}),
    MXIO__ARGS({"Scaling", "gamma"}, {"Biases", "beta"}, {"MovingMean", "moving_mean"},
         {"MovingVariance", "moving_var"})};
static const mxio__layer_rule instance_norm_rule = {
    "NormalizationLayer", MXIO__OPTS({"Kind", NULL, "\"Instance\""}, {"Epsilon", "eps", NULL}),
    MXIO__ARGS({"Scaling", "gamma"}, {"Biases", "beta"})};
static const mxio__layer_rule layer_norm_rule = {
    "NormalizationLayer",
    MXIO__OPTS({"Kind", NULL, "\"Layer\""}, {"Axis", "axis", NULL}, {"Epsilon", "eps", NULL}),
    MXIO__ARGS({"Scaling", "gamma"}, {"Biases", "beta"})};
static const mxio__layer_rule group_norm_rule = {
    "NormalizationLayer",
    MXIO__OPTS({"Kind", NULL, "\"Group\""}, {"Groups", "num_groups", NULL}, {"Epsilon", "eps", NULL}),
    MXIO__ARGS({"Scaling", "gamma"}, {"Biases", "beta"})};
static const mxio__layer_rule lrn_rule = {
    "LocalResponseNormalizationLayer",
    MXIO__OPTS({"Alpha", "alpha", NULL}, {"Beta", "beta", NULL}, {"Bias", "knorm", NULL},
         {"Size", "nsize", NULL}),
    NULL};
static const mxio__layer_rule l2_rule = {
    "L2NormalizationLayer", MXIO__OPTS({"Mode", "mode", NULL}, {"Epsilon", "eps", NULL}), NULL};

/* ---- shape rules ---------------------------------------------------------- */

/* Normalisation statistics stay float32 for half-precision data. */
static int stats_dtype(int data) {
    return data == MXIO_DTYPE_FLOAT16 || data == MXIO_DTYPE_BFLOAT16 ? MXIO_DTYPE_FLOAT32 : data;
}

static void norm_dtypes(mxio__shape_ctx *c) {
    int t = c->nin > 0 && c->in_dtype[0] >= 0 ? c->in_dtype[0] : MXIO_DTYPE_FLOAT32;
    if (c->nin > 0 && c->in_dtype[0] < 0) c->in_dtype[0] = t;
    for (int i = 1; i < c->nin; i++)
        if (c->in_dtype[i] < 0) c->in_dtype[i] = stats_dtype(t);
    for (int i = 0; i < c->nout; i++)
        if (c->out_dtype[i] < 0) c->out_dtype[i] = i == 0 ? t : stats_dtype(t);
}

/* BatchNorm family: every parameter and both statistics are (C,) with C the
 * size of `axis` (BatchNormShape). */
static mxio_status bn_infer(mxio__shape_ctx *c) {
    norm_dtypes(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    int64_t axis = 1;
    int ax;
    if (c->attrs->op->params) mxio__attr_int(c->attrs, "axis", &axis);
    if (!mxio__axis(axis, x->ndim, &ax)) return mxio__shape_fail(c, "axis %lld is out of range", (long long)axis);
    int64_t ch = x->d[ax];
    mxio_status st;
    for (int i = 1; i < 5 && i < c->nin; i++)
        if ((st = mxio__shape_assign_in(c, i, 1, &ch))) return st;
    mxio__shape stat;
    mxio__shape_make(&stat, 1, &ch);
    if ((st = mxio__shape_assign_out(c, 0, x))) return st;
    if ((st = mxio__shape_assign_out(c, 1, &stat))) return st;
    return mxio__shape_assign_out(c, 2, &stat);
}

/* LayerNorm: gamma/beta (d[axis],); mean and std keep the data shape with the
 * axis reduced to 1. */
static mxio_status layernorm_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c); /* parameters and statistics follow the data (LayerNormType) */
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    int64_t axis = -1;
    int ax;
    mxio__attr_int(c->attrs, "axis", &axis);
    if (!mxio__axis(axis, x->ndim, &ax)) return mxio__shape_fail(c, "axis %lld is out of range", (long long)axis);
    mxio_status st;
    for (int i = 1; i < 3; i++)
        if ((st = mxio__shape_assign_in(c, i, 1, &x->d[ax]))) return st;
    mxio__shape m = *x;
    m.d[ax] = 1;
    if ((st = mxio__shape_assign_out(c, 0, x))) return st;
    if ((st = mxio__shape_assign_out(c, 1, &m))) return st;
    return mxio__shape_assign_out(c, 2, &m);
}

/* InstanceNorm: gamma/beta (C,); hidden mean/var (N, C). */
static mxio_status instancenorm_infer(mxio__shape_ctx *c) {
    norm_dtypes(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim < 3) return mxio__shape_fail(c, "data must have at least 3 dims");
    mxio_status st;
    for (int i = 1; i < 3; i++)
        if ((st = mxio__shape_assign_in(c, i, 1, &x->d[1]))) return st;
    mxio__shape m;
    mxio__shape_make(&m, 2, x->d);
    if ((st = mxio__shape_assign_out(c, 0, x))) return st;
    if ((st = mxio__shape_assign_out(c, 1, &m))) return st;
    return mxio__shape_assign_out(c, 2, &m);
}

/* GroupNorm (1.9.1): gamma/beta (num_groups,); mean/std (N, num_groups). */
static mxio_status groupnorm_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c); /* parameters and statistics follow the data (LayerNormType) */
    int64_t groups = 1;
    mxio__attr_int(c->attrs, "num_groups", &groups);
    mxio_status st;
    for (int i = 1; i < 3; i++)
        if ((st = mxio__shape_assign_in(c, i, 1, &groups))) return st;
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim < 3) return mxio__shape_fail(c, "data must have at least 3 dims");
    if (x->d[1] > 0 && x->d[1] % groups != 0)
        return mxio__shape_fail(c, "%lld channels do not split into %lld groups",
                                (long long)x->d[1], (long long)groups);
    int64_t md[2] = {x->d[0], groups};
    mxio__shape m;
    mxio__shape_make(&m, 2, md);
    if ((st = mxio__shape_assign_out(c, 0, x))) return st;
    if ((st = mxio__shape_assign_out(c, 1, &m))) return st;
    return mxio__shape_assign_out(c, 2, &m);
}

/* L2Normalization: output like data; the hidden norm drops the normalised
 * axes (instance: all but batch; channel: axis 1; spatial: axes 2+). */
static mxio_status l2norm_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    const char *mode = mxio__attr_str(c->attrs, "mode");
    mxio__shape n = *x;
    if (!mode || strcmp(mode, "instance") == 0) {
        n.ndim = 1;
    } else if (strcmp(mode, "channel") == 0) {
        if (x->ndim < 2) return mxio__shape_fail(c, "channel mode needs at least 2 dims");
        for (int i = 1; i + 1 < x->ndim; i++) n.d[i] = x->d[i + 1];
        n.ndim = x->ndim - 1;
    } else {
        if (x->ndim < 3) return mxio__shape_fail(c, "spatial mode needs at least 3 dims");
        n.ndim = 2;
    }
    mxio_status st = mxio__shape_assign_out(c, 0, x);
    return st ? st : mxio__shape_assign_out(c, 1, &n);
}

/* ---- BatchNorm */
static const mxio__var_attr bn_compose[] = {
    {3, "__init__", "[\"zero\", {}]"},
    {4, "__init__", "[\"one\", {}]"},
    {-1, NULL, NULL},
};
static const char *const bn_outputs[] = {"output", "mean", "var", NULL};
static const mxio__attr_spec BatchNorm_params[] = {
    {"eps", MXIO__ATTR_FLOAT, "0.0010000000474974513", NULL},
    {"momentum", MXIO__ATTR_FLOAT, "0.899999976", NULL},
    {"fix_gamma", MXIO__ATTR_BOOL, "True", NULL},
    {"use_global_stats", MXIO__ATTR_BOOL, "False", NULL},
    {"output_mean_var", MXIO__ATTR_BOOL, "False", NULL},
    {"axis", MXIO__ATTR_INT, "1", NULL},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"min_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"max_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const BatchNorm_inputs[] = {"data", "gamma", "beta", "moving_mean", "moving_var", NULL};

/* ---- BatchNorm_v1 */
static const mxio__attr_spec BatchNorm_v1_params[] = {
    {"eps", MXIO__ATTR_FLOAT, "0.00100000005", NULL},
    {"momentum", MXIO__ATTR_FLOAT, "0.899999976", NULL},
    {"fix_gamma", MXIO__ATTR_BOOL, "True", NULL},
    {"use_global_stats", MXIO__ATTR_BOOL, "False", NULL},
    {"output_mean_var", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const BatchNorm_v1_inputs[] = {"data", "gamma", "beta", "moving_mean", "moving_var", NULL};

/* ---- _contrib_SyncBatchNorm */
static const mxio__attr_spec contrib_SyncBatchNorm_params[] = {
    {"eps", MXIO__ATTR_FLOAT, "0.00100000005", NULL},
    {"momentum", MXIO__ATTR_FLOAT, "0.899999976", NULL},
    {"fix_gamma", MXIO__ATTR_BOOL, "True", NULL},
    {"use_global_stats", MXIO__ATTR_BOOL, "False", NULL},
    {"output_mean_var", MXIO__ATTR_BOOL, "False", NULL},
    {"ndev", MXIO__ATTR_INT, "1", NULL},
    {"key", MXIO__ATTR_STRING, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_SyncBatchNorm_inputs[] = {"data", "gamma", "beta", "moving_mean", "moving_var", NULL};

/* ---- LayerNorm */
static const char *const ln_outputs[] = {"output", "mean", "std", NULL};
static const mxio__attr_spec LayerNorm_params[] = {
    {"axis", MXIO__ATTR_INT, "-1", NULL},
    {"eps", MXIO__ATTR_FLOAT, "9.99999975e-06", NULL},
    {"output_mean_var", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const LayerNorm_inputs[] = {"data", "gamma", "beta", NULL};

/* ---- InstanceNorm */
static const mxio__attr_spec InstanceNorm_params[] = {
    {"eps", MXIO__ATTR_FLOAT, "0.00100000005", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const InstanceNorm_inputs[] = {"data", "gamma", "beta", NULL};

/* ---- GroupNorm */
static const mxio__attr_spec GroupNorm_params[] = {
    {"num_groups", MXIO__ATTR_INT, "1", NULL},
    {"eps", MXIO__ATTR_FLOAT, "9.99999975e-06", NULL},
    {"output_mean_var", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const GroupNorm_inputs[] = {"data", "gamma", "beta", NULL};

/* ---- L2Normalization */
static const char *const l2_outputs[] = {"output", "norm", NULL};
static const mxio__attr_spec L2Normalization_params[] = {
    {"eps", MXIO__ATTR_FLOAT, "1.00000001e-10", NULL},
    {"mode", MXIO__ATTR_ENUM, "instance", "channel|instance|spatial"},
    {NULL, 0, NULL, NULL},
};
static const char *const L2Normalization_inputs[] = {"data", NULL};

/* ---- LRN */
static const char *const lrn_outputs[] = {"output", "tmp_norm", NULL};
static const mxio__attr_spec LRN_params[] = {
    {"alpha", MXIO__ATTR_FLOAT, "9.99999975e-05", NULL},
    {"beta", MXIO__ATTR_FLOAT, "0.75", NULL},
    {"knorm", MXIO__ATTR_FLOAT, "2", NULL},
    {"nsize", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const LRN_inputs[] = {"data", NULL};

/* ---- _contrib_BatchNormWithReLU */
/* BatchNorm fused with ReLU: BatchNorm's parameters, plus a hidden workspace
 * output shaped like the data (batch_norm_relu.cc). */
static mxio_status bn_relu_infer(mxio__shape_ctx *c) {
    mxio_status st = bn_infer(c);
    if (st || c->nout < 4) return st;
    c->out_dtype[3] = c->out_dtype[0];
    return mxio__shape_assign_out(c, 3, &c->in[0]);
}

static int bn_relu_outputs(const mxio__attrs *a, int *visible) {
    mxio__outputs_mean_var(a, visible);
    return 4;
}

/* ---- IdentityAttachKLSparseReg */
/* Identity with a KL sparseness penalty; its aux moving_avg is (C,). */
static mxio_status kl_sparse_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim < 2) return mxio__shape_fail(c, "data needs a channel axis");
    mxio_status st = mxio__shape_assign_in(c, 1, 1, &x->d[1]);
    return st ? st : mxio__shape_assign_out(c, 0, x);
}
static const mxio__attr_spec kl_sparse_params[] = {
    {"sparseness_target", MXIO__ATTR_FLOAT, "0.100000001", NULL},
    {"penalty", MXIO__ATTR_FLOAT, "0.00100000005", NULL},
    {"momentum", MXIO__ATTR_FLOAT, "0.899999976", NULL},
    {NULL, 0, NULL, NULL},
};
static const mxio__var_attr kl_sparse_compose[] = {
    {1, "__init__", "[\"zero\", {}]"},
    {-1, NULL, NULL},
};

/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

/* The forward is the identity of the data; moving_avg only feeds the regulariser's
 * gradient, so the kernel takes it as an input it never reads. */
static mxio_status kl_identity_kernel(const mxio__kernel_req *r, mxio__kernel **k,
                                      mxio_error *err) {
    mxio_status st = mxio__k_dropout_create(r->ctx, false, &r->in[0], k, err);
    if (st || r->nin < 2) return st;
    if (!mxio__kernel_set_nin(*k, r->nin)) {
        mxio__kernel_free(*k);
        *k = NULL;
        return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    }
    for (int i = 1; i < r->nin; i++) (*k)->in[i] = r->in[i];
    return MXIO_OK;
}

bool mxio__bn_params_of(const mxio__attrs *a, mxio__bn_params *p) {
    double eps;
    int64_t axis = 1; /* BatchNorm_v1 has no axis: channels are axis 1 */
    memset(p, 0, sizeof *p);
    if (!mxio__attr_float(a, "eps", &eps) || !mxio__attr_bool(a, "fix_gamma", &p->fix_gamma))
        return false;
    mxio__attr_bool(a, "use_global_stats", &p->use_global_stats);
    mxio__attr_int(a, "axis", &axis);
    p->eps = (float)eps;
    p->axis = (int)axis;
    return true;
}

/* The oneDNN kernel; gamma, beta, mean and var are copied when all are constant. */
static mxio_status batchnorm_dnnl(const mxio__kernel_req *r, const mxio__bn_params *p, bool relu,
                                  mxio__kernel **k, mxio_error *err) {
    mxio_status st = mxio__k_batchnorm_dnnl_create(r->ctx, p, r->in, r->constant, relu, k, err);
    if (st == MXIO_OK && r->constant && r->constant[1] && r->constant[2] && r->constant[3] &&
        r->constant[4])
        *r->packed |= 0x1eu;
    return st;
}

static mxio_status batchnorm_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__bn_params p;
    if (!mxio__bn_params_of(r->attrs, &p))
        return mxio__bind_unsupported(r, err, "an eps/fix_gamma that does not parse is");
    if (r->nin != 5) return mxio__bind_unsupported(r, err, "a BatchNorm without 5 inputs is");
    /* The executor fuses a following relu only where oneDNN runs the BatchNorm
     * (axis 1, rank 2-5); the C kernel below covers the other axes. */
    bool relu = r->fusion && r->fusion->post_act;
    if (relu && r->fusion->act.type != MXIO__ACT_RELU)
        return mxio__bind_unsupported(r, err, "a BatchNorm fused with an activation other than relu is");
    int nd = r->in[0].ndim;
    if (relu || (nd >= 2 && nd <= 5 && mxio__rt_axis(p.axis, nd) == 1)) {
        mxio_status st = batchnorm_dnnl(r, &p, relu, k, err);
        if (st == MXIO_OK || relu) return st;
    }
    return mxio__k_batchnorm_create(r->ctx, &p, r->in, k, err);
}

/* _contrib_BatchNormWithReLU: relu(BatchNorm(x)), MXNet's fused op; oneDNN only. */
static mxio_status batchnorm_relu_kernel(const mxio__kernel_req *r, mxio__kernel **k,
                                         mxio_error *err) {
    mxio__bn_params p;
    if (!mxio__bn_params_of(r->attrs, &p))
        return mxio__bind_unsupported(r, err, "an eps/fix_gamma that does not parse is");
    int nd = r->nin == 5 ? r->in[0].ndim : 0;
    if (nd < 2 || nd > 5 || mxio__rt_axis(p.axis, nd) != 1)
        return mxio__bind_unsupported(r, err, "a BatchNormWithReLU other than over axis 1 of rank 2-5 data is");
    return batchnorm_dnnl(r, &p, true, k, err);
}

static mxio_status layernorm_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t axis = -1;
    double eps = 1e-5;
    mxio__attr_int(r->attrs, "axis", &axis);
    mxio__attr_float(r->attrs, "eps", &eps);
    mxio__layernorm_params p = {(int)axis, (float)eps};
    return mxio__k_layernorm_create(r->ctx, &p, r->in, k, err);
}

static mxio_status instnorm_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    double eps = 1e-3;
    mxio__attr_float(r->attrs, "eps", &eps);
    mxio__instnorm_params p = {(float)eps};
    return mxio__k_instnorm_create(r->ctx, &p, r->in, k, err);
}

static mxio_status l2norm_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const modes[] = {"instance", "channel", "spatial", NULL};
    double eps = 1e-10;
    int m = mxio__bind_pick(mxio__attr_str(r->attrs, "mode"), modes);
    mxio__attr_float(r->attrs, "eps", &eps);
    if (m < 0) return mxio__bind_unsupported(r, err, "this mode is");
    mxio__l2norm_params p = {(mxio__l2n_mode)m, (float)eps};
    return mxio__k_l2norm_create(r->ctx, &p, &r->in[0], k, err);
}

static mxio_status lrn_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t nsize = 0;
    double alpha = 1e-4, beta = 0.75, knorm = 2;
    if (!mxio__attr_int(r->attrs, "nsize", &nsize))
        return mxio__bind_unsupported(r, err, "LRN without nsize is");
    mxio__attr_float(r->attrs, "alpha", &alpha);
    mxio__attr_float(r->attrs, "beta", &beta);
    mxio__attr_float(r->attrs, "knorm", &knorm);
    mxio__lrn_params p = {(int)nsize, (float)alpha, (float)beta, (float)knorm};
    return mxio__k_lrn_create(r->ctx, &p, &r->in[0], k, err);
}

static mxio_status groupnorm_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t g = 1;
    double eps = 1e-5;
    mxio__attr_int(r->attrs, "num_groups", &g);
    mxio__attr_float(r->attrs, "eps", &eps);
    mxio__groupnorm_params p = {(int)g, (float)eps};
    return mxio__k_groupnorm_create(r->ctx, &p, r->in, k, err);
}

const mxio__op mxio__ops_norm[] = {
    {.name = "BatchNorm",
     .kernel = batchnorm_kernel,
     .layer = &bn_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = bn_infer,
     .macs = mxio__macs_zero, /* folds into the conv before it at inference */
     .aliases = (const char *const[]){"_npx_batch_norm", NULL},
     .params = BatchNorm_params,
     .inputs = BatchNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .aux_mask = (1u << 3) | (1u << 4),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = bn_outputs,
     .compose_attrs = bn_compose},
    {.name = "BatchNorm_v1",
     .kernel = batchnorm_kernel,
     .layer = &bn_v1_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = bn_infer,
     .macs = mxio__macs_zero, /* folds into the conv before it at inference */
     .params = BatchNorm_v1_params,
     .inputs = BatchNorm_v1_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .aux_mask = (1u << 3) | (1u << 4),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = bn_outputs,
     .compose_attrs = bn_compose},
    {.name = "_contrib_SyncBatchNorm",
     .kernel = batchnorm_kernel,
     .layer = &bn_v1_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = bn_infer,
     .params = contrib_SyncBatchNorm_params,
     .inputs = contrib_SyncBatchNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .aux_mask = (1u << 3) | (1u << 4),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = bn_outputs,
     .compose_attrs = bn_compose},
    {.name = "LayerNorm",
     .kernel = layernorm_kernel,
     .layer = &layer_norm_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = layernorm_infer,
     .aliases = (const char *const[]){"_npx_layer_norm", NULL},
     .params = LayerNorm_params,
     .inputs = LayerNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = ln_outputs},
    {.name = "InstanceNorm",
     .kernel = instnorm_kernel,
     .layer = &instance_norm_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = instancenorm_infer,
     .params = InstanceNorm_params,
     .inputs = InstanceNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .num_outputs = 3,
     .num_visible = 1,
     .output_names = bn_outputs},
    {.name = "GroupNorm",
     .kernel = groupnorm_kernel,
     .layer = &group_norm_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = groupnorm_infer,
     .params = GroupNorm_params,
     .inputs = GroupNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = ln_outputs},
    {.name = "L2Normalization",
     .kernel = l2norm_kernel,
     .layer = &l2_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = l2norm_infer,
     .params = L2Normalization_params,
     .inputs = L2Normalization_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = l2_outputs},
    {.name = "LRN",
     .kernel = lrn_kernel,
     .layer = &lrn_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = mxio__infer_first,
     .params = LRN_params,
     .inputs = LRN_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = lrn_outputs},
    {.name = "_contrib_BatchNormWithReLU",
     .kernel = batchnorm_relu_kernel,
     .kind = MXIO__KIND_NORM,
     .infer_shape = bn_relu_infer,
     .params = BatchNorm_params,
     .inputs = (const char *const[]){"data", "gamma", "beta", "moving_mean", "moving_var", NULL},
     .weight_mask = (1u << 1) | (1u << 2),
     .aux_mask = (1u << 3) | (1u << 4),
     .count_outputs = bn_relu_outputs,
     .output_names = (const char *const[]){"output", "mean", "var", "workspace", NULL},
     .compose_attrs = bn_compose},
    {.name = "IdentityAttachKLSparseReg",
     .kernel = kl_identity_kernel,
     .layer = &kl_identity_rule,
     .kind = MXIO__KIND_NORM,
     .infer_shape = kl_sparse_infer,
     .params = kl_sparse_params,
     .inputs = (const char *const[]){"data", "moving_avg", NULL},
     .aux_mask = 1u << 1,
     .compose_attrs = kl_sparse_compose},
    {0},
};
