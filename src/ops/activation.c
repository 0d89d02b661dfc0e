/* activation.c - activation functions. One record per op; see op.h. */
#include "op.h"
#include "quantized.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
static const mxio__layer_rule activation_rule = {
    "ElementwiseLayer",
    MXIO__OPTS({"Function", "act_type",
          "relu=Ramp|sigmoid=LogisticSigmoid|tanh=Tanh|softrelu=SoftRamp|softsign=SoftSign|"
          "log_sigmoid=LogLogisticSigmoid|mish=Mish"}),
    NULL};
static const mxio__layer_rule leaky_rule = {
    "ElementwiseLayer",
    MXIO__OPTS({"Function", "act_type",
          "leaky=LeakyRamp|elu=ExponentialLinearUnit|selu=ScaledExponentialLinearUnit|"
          "gelu=GELU|rrelu=RandomizedLeakyRamp"},
         {"Slope", "slope", NULL}, {"Min", "lower_bound", NULL}, {"Max", "upper_bound", NULL}),
    NULL};
static const mxio__layer_rule prelu_rule = {"ParametricRampLayer", NULL,
                                            MXIO__ARGS({"Slope", "gamma"})};
static const mxio__layer_rule clip_rule = {
    "ElementwiseLayer",
    MXIO__OPTS({"Function", NULL, "\"Clip\""}, {"Min", "a_min", NULL}, {"Max", "a_max", NULL}), NULL};
MXIO__FN_RULE(relu_rule, "ElementwiseLayer", "Ramp");
MXIO__FN_RULE(sigmoid_rule, "ElementwiseLayer", "LogisticSigmoid");
MXIO__FN_RULE(tanh_rule, "ElementwiseLayer", "Tanh");
MXIO__FN_RULE(softsign_rule, "ElementwiseLayer", "SoftSign");
static const mxio__layer_rule hard_sigmoid_rule = {
    "ElementwiseLayer",
    MXIO__OPTS({"Function", NULL, "\"HardSigmoid\""}, {"Slope", "alpha", NULL}, {"Scalar", "beta", NULL}),
    NULL};
static mxio_status leaky_to_layer(const mxio__attrs *a, mxio__layer *l, mxio_error *err) {
    const char *t = mxio__attr_str(a, "act_type");
    if (t && strcmp(t, "prelu") == 0) return mxio__layer_apply(&prelu_rule, a, l, err);
    return mxio__layer_apply(&leaky_rule, a, l, err);
}
static mxio_status leaky_from_layer(const mxio__layer *l, const mxio__op *op, mxio__kv **kv,
                                    size_t *n, mxio_error *err) {
    if (l->type && strcmp(l->type->name, "ParametricRampLayer") == 0) {
        mxio_status st = mxio__layer_unapply(&prelu_rule, l, op, kv, n, err);
        return st ? st : mxio__kvs_set(kv, n, "act_type", "prelu", err);
    }
    return mxio__layer_unapply(&leaky_rule, l, op, kv, n, err);
}

/* ---- shape rules ---------------------------------------------------------- */

/* LeakyReLU: prelu's gamma defaults to (C,) with C = data dim 1
 * (LeakyReLUShape); rrelu's mask is shaped like the data. */
static mxio_status leaky_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    mxio_status st;
    if (c->nin > 1 && !mxio__shape_rank_known(&c->in[1])) {
        if (x->ndim < 2) return mxio__shape_fail(c, "prelu data needs a channel axis");
        mxio__shape_make(&c->in[1], 1, &x->d[1]);
    }
    for (int i = 0; i < c->nout; i++)
        if ((st = mxio__shape_assign_out(c, i, x))) return st;
    return MXIO_OK;
}

static mxio_status qact_infer(mxio__shape_ctx *c) {
    return mxio__infer_quantized(c, mxio__infer_first, 1, -1);
}

/* ---- Activation */
static const mxio__attr_spec Activation_params[] = {
    {"act_type", MXIO__ATTR_ENUM, NULL, "relu|sigmoid|softrelu|softsign|tanh"},
    {NULL, 0, NULL, NULL},
};
static const char *const Activation_inputs[] = {"data", NULL};

/* ---- LeakyReLU */
static int leaky_inputs(const mxio__attrs *a, const char **names, int cap) {
    const char *t = mxio__attr_str(a, "act_type");
    int n = t && strcmp(t, "prelu") == 0 ? 2 : 1;
    if (cap < n) return -1;
    names[0] = "data";
    if (n == 2) names[1] = "gamma";
    return n;
}

/* rrelu also returns its random mask (visible: LeakyReLU sets no FNumVisibleOutputs). */
static int leaky_outputs(const mxio__attrs *a, int *visible) {
    const char *t = mxio__attr_str(a, "act_type");
    int n = t && strcmp(t, "rrelu") == 0 ? 2 : 1;
    if (visible) *visible = n;
    return n;
}
static const char *const leaky_output_names[] = {"output", "mask", NULL};
static const mxio__var_attr leaky_compose[] = {
    {1, "__init__", "[\"Constant\", {\"value\": 0.25}]"},
    {-1, NULL, NULL},
};
static const mxio__attr_spec LeakyReLU_params[] = {
    {"act_type", MXIO__ATTR_ENUM, "leaky", "elu|gelu|leaky|prelu|rrelu|selu"},
    {"slope", MXIO__ATTR_FLOAT, "0.25", NULL},
    {"lower_bound", MXIO__ATTR_FLOAT, "0.125", NULL},
    {"upper_bound", MXIO__ATTR_FLOAT, "0.333999991", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- clip */
static const mxio__attr_spec clip_params[] = {
    {"a_min", MXIO__ATTR_FLOAT, NULL, NULL},
    {"a_max", MXIO__ATTR_FLOAT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const clip_inputs[] = {"data", NULL};

/* ---- relu */
static const char *const relu_inputs[] = {"data", NULL};

/* ---- sigmoid */
static const char *const sigmoid_inputs[] = {"data", NULL};

/* ---- tanh */
static const char *const tanh_inputs[] = {"data", NULL};

/* ---- softsign */
static const char *const softsign_inputs[] = {"data", NULL};

/* ---- hard_sigmoid */
static const mxio__attr_spec hard_sigmoid_params[] = {
    {"alpha", MXIO__ATTR_FLOAT, "0.200000003", NULL},
    {"beta", MXIO__ATTR_FLOAT, "0.5", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const hard_sigmoid_inputs[] = {"data", NULL};

/* ---- _contrib_quantized_act */
static const mxio__attr_spec contrib_quantized_act_params[] = {
    {"act_type", MXIO__ATTR_ENUM, NULL, "relu|sigmoid|softrelu|softsign|tanh"},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_quantized_act_inputs[] = {"data", "min_data", "max_data", NULL};

/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

bool mxio__act_params_of(const mxio__attrs *a, mxio__act_params *p) {
    static const char *const acts[] = {"relu", "sigmoid", "tanh", "softrelu", "softsign", NULL};
    static const char *const leaky[] = {"leaky", "prelu", "rrelu", "elu", "selu", "gelu", NULL};
    static const mxio__act_type leaky_map[] = {MXIO__ACT_LEAKY, MXIO__ACT_PRELU, MXIO__ACT_RRELU,
                                               MXIO__ACT_ELU, MXIO__ACT_SELU, MXIO__ACT_GELU};
    static const char *const unary[] = {"relu", "sigmoid", "tanh", "softsign", NULL};
    static const mxio__act_type unary_map[] = {MXIO__ACT_RELU, MXIO__ACT_SIGMOID, MXIO__ACT_TANH,
                                               MXIO__ACT_SOFTSIGN};
    const char *op = a->op->name;
    double v;
    int t;
    memset(p, 0, sizeof *p);
    if (strcmp(op, "Activation") == 0) {
        if ((t = mxio__bind_pick(mxio__attr_str(a, "act_type"), acts)) < 0) return false;
        p->type = (mxio__act_type)t;
    } else if (strcmp(op, "LeakyReLU") == 0) {
        if ((t = mxio__bind_pick(mxio__attr_str(a, "act_type"), leaky)) < 0) return false;
        p->type = leaky_map[t];
    } else if (strcmp(op, "clip") == 0) {
        double lo, hi;
        if (!mxio__attr_float(a, "a_min", &lo) || !mxio__attr_float(a, "a_max", &hi)) return false;
        p->type = MXIO__ACT_CLIP;
        p->a_min = (float)lo;
        p->a_max = (float)hi;
        return true;
    } else if ((t = mxio__bind_pick(op, unary)) >= 0) {
        p->type = unary_map[t];
        return true;
    } else {
        return false;
    }
    if (mxio__attr_float(a, "slope", &v)) p->slope = (float)v;
    if (mxio__attr_float(a, "lower_bound", &v)) p->lower_bound = (float)v;
    if (mxio__attr_float(a, "upper_bound", &v)) p->upper_bound = (float)v;
    return true;
}

/* Activation, LeakyReLU, clip: the activation kernel. */
static mxio_status act_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__act_params p;
    if (!mxio__act_params_of(r->attrs, &p))
        return mxio__bind_unsupported(r, err, "this act_type (or a clip without bounds) is");
    return mxio__k_act_create(r->ctx, &p, r->in, k, err);
}

static mxio_status unary_act_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const names[] = {"relu", "sigmoid", "tanh", "softsign", NULL};
    static const mxio__unop map[] = {MXIO__UN_RELU, MXIO__UN_SIGMOID, MXIO__UN_TANH, MXIO__UN_SOFTSIGN};
    int u = mxio__bind_pick(r->attrs->op->name, names);
    if (u < 0) return mxio__bind_unsupported(r, err, "this op is");
    return mxio__k_unary_create(r->ctx, map[u], &r->in[0], k, err);
}

static mxio_status hard_sigmoid_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    double a = 0, b = 0;
    if (!mxio__attr_float(r->attrs, "alpha", &a) || !mxio__attr_float(r->attrs, "beta", &b))
        return mxio__bind_unsupported(r, err, "hard_sigmoid without alpha/beta is");
    return mxio__k_hard_sigmoid_create(r->ctx, (float)a, (float)b, &r->in[0], k, err);
}

const mxio__op mxio__ops_activation[] = {
    {.name = "Activation",
     .kernel = act_kernel,
     .layer = &activation_rule,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_npx_activation", NULL},
     .params = Activation_params,
     .inputs = Activation_inputs},
    {.name = "LeakyReLU",
     .kernel = act_kernel,
     .to_layer = leaky_to_layer,
     .from_layer = leaky_from_layer,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = leaky_infer,
     .aliases = (const char *const[]){"_npx_leaky_relu", NULL},
     .params = LeakyReLU_params,
     .list_inputs = leaky_inputs,
     .weight_mask = 1u << 1,
     .count_outputs = leaky_outputs,
     .output_names = leaky_output_names,
     .compose_attrs = leaky_compose},
    {.name = "clip",
     .kernel = act_kernel,
     .layer = &clip_rule,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_npi_clip", "_sparse_clip", NULL},
     .params = clip_params,
     .inputs = clip_inputs},
    {.name = "relu",
     .kernel = unary_act_kernel,
     .layer = &relu_rule,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_relu", NULL},
     .inputs = relu_inputs},
    {.name = "sigmoid",
     .kernel = unary_act_kernel,
     .layer = &sigmoid_rule,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_sigmoid", NULL},
     .inputs = sigmoid_inputs},
    {.name = "tanh",
     .kernel = unary_act_kernel,
     .layer = &tanh_rule,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_tanh", NULL},
     .inputs = tanh_inputs},
    {.name = "softsign",
     .kernel = unary_act_kernel,
     .layer = &softsign_rule,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = mxio__infer_same,
     .inputs = softsign_inputs},
    {.name = "hard_sigmoid",
     .kernel = hard_sigmoid_kernel,
     .layer = &hard_sigmoid_rule,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = mxio__infer_same,
     .params = hard_sigmoid_params,
     .inputs = hard_sigmoid_inputs},
    {.name = "_contrib_quantized_act",
     .kernel = mxio__bind_quantized_act,
     .kind = MXIO__KIND_ACTIVATION,
     .infer_shape = qact_infer,
     .params = contrib_quantized_act_params,
     .inputs = contrib_quantized_act_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {0},
};
