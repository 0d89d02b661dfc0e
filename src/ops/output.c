/* output.c - softmax family, training heads (SoftmaxOutput, regression outputs,
 * losses) and gradient blockers. One record per op; see op.h. */
#include "op.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
static const mxio__layer_rule softmax_rule = {
    "SoftmaxLayer",
    MXIO__OPTS({"Axis", "axis", NULL}, {"Temperature", "temperature", NULL},
         {"UseLength", "use_length", NULL}),
    NULL};
static const mxio__layer_rule log_softmax_rule = {
    "SoftmaxLayer",
    MXIO__OPTS({"Axis", "axis", NULL}, {"Temperature", "temperature", NULL},
         {"UseLength", "use_length", NULL}, {"Log", NULL, "true"}),
    NULL};
static const mxio__layer_rule softmax_activation_rule = {
    "SoftmaxLayer", MXIO__OPTS({"Mode", "mode", "instance=instance|channel=channel"}), NULL};
/* SoftmaxOutput's inference form is a softmax over the flattened trailing axes,
 * over axis 1 with multi_output, over the last axis with preserve_shape. */
static const mxio__layer_rule softmax_output_rule = {"SoftmaxLayer",
                                                     MXIO__OPTS({"Mode", NULL, "\"flatten\""}), NULL};
/* Identity at inference: copies, gradient stops and regression/loss heads. */
MXIO__FN_RULE(identity_rule, "ElementwiseLayer", "Identity");
/* CTCLoss at inference: its input (the class probabilities), as with WarpCTC. */
MXIO__FN_RULE(ctc_inference_rule, "ElementwiseLayer", "Identity");
/* LogisticRegressionOutput's inference form is the logistic sigmoid. */
MXIO__FN_RULE(logistic_output_rule, "ElementwiseLayer", "LogisticSigmoid");
static mxio_status softmax_output_to_layer(const mxio__attrs *a, mxio__layer *l,
                                           mxio_error *err) {
    mxio_status st = mxio__layer_apply(&softmax_output_rule, a, l, err);
    if (st) return st;
    bool multi = false, preserve = false;
    mxio__attr_bool(a, "multi_output", &multi);
    mxio__attr_bool(a, "preserve_shape", &preserve);
    if (multi || preserve) {
        st = mxio__layer_set(l, "Mode", "\"axis\"", err);
        if (!st) st = mxio__layer_set(l, "Axis", multi ? "1" : "-1", err);
    }
    return st;
}
static mxio_status softmax_output_from_layer(const mxio__layer *l, const mxio__op *op,
                                             mxio__kv **kv, size_t *n, mxio_error *err) {
    mxio_status st = mxio__layer_unapply(&softmax_output_rule, l, op, kv, n, err);
    const char *mode = mxio__layer_get(l, "Mode"), *axis = mxio__layer_get(l, "Axis");
    if (st || !mode || strcmp(mode, "\"axis\"") != 0 || !axis) return st;
    return mxio__kvs_set(kv, n, strcmp(axis, "1") == 0 ? "multi_output" : "preserve_shape", "True",
                         err);
}

/* ---- shape rules ---------------------------------------------------------- */

/* SoftmaxOutput: output like data; the label is data without its last axis,
 * or (N, spatial size) with multi_output (SoftmaxOutputProp::InferShape). */
static mxio_status softmax_output_infer(mxio__shape_ctx *c) {
    bool multi = false;
    mxio__dtype_same(c);
    mxio__attr_bool(c->attrs, "multi_output", &multi);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim < 1) return mxio__shape_fail(c, "data must have at least one dim");
    int64_t l[MXIO__MAX_DIMS];
    int nl = 0;
    if (multi) {
        /* (N, spatial size); an (N, spatial...) label is accepted too. */
        if (x->ndim < 2) return mxio__shape_fail(c, "multi_output needs a channel axis");
        int64_t rest = 1;
        for (int i = 2; i < x->ndim; i++) rest = rest > 0 && x->d[i] > 0 ? rest * x->d[i] : 0;
        l[nl++] = x->d[0];
        l[nl++] = rest;
    } else {
        for (int i = 0; i + 1 < x->ndim; i++) l[nl++] = x->d[i];
    }
    if (c->nin > 1 && !mxio__shape_rank_known(&c->in[1])) mxio__shape_make(&c->in[1], nl, l);
    return mxio__shape_assign_out(c, 0, x);
}

/* SVMOutput: label (N,). */
static mxio_status svm_output_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    mxio_status st = mxio__shape_assign_in(c, 1, 1, x->d);
    return st ? st : mxio__shape_assign_out(c, 0, x);
}

/* softmax family: the output dtype may be set by `dtype`. */
static mxio_status softmax_infer(mxio__shape_ctx *c) {
    int t = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    if (t >= 0 && c->nout > 0) c->out_dtype[0] = t;
    return mxio__infer_first(c);
}

/* CTCLoss: data (T, N, C) and label (N, L) give the loss (N,) and the hidden
 * gradient shaped like the data. */
static mxio_status ctc_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0], *l = &c->in[1];
    if (!mxio__shape_rank_known(x) || !mxio__shape_rank_known(l)) return MXIO_OK;
    if (x->ndim != 3 || l->ndim != 2) return mxio__shape_fail(c, "data must be 3-D and label 2-D");
    if (x->d[1] > 0 && l->d[0] > 0 && x->d[1] != l->d[0])
        return mxio__shape_fail(c, "data and label batch sizes differ");
    mxio__shape loss;
    mxio__shape_make(&loss, 1, &x->d[1]);
    mxio_status st = mxio__shape_assign_out(c, 0, &loss);
    return st ? st : mxio__shape_assign_out(c, 1, x);
}


/* ---- softmax */
static const mxio__attr_spec softmax_params[] = {
    {"axis", MXIO__ATTR_INT, "-1", NULL},
    {"temperature", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"dtype", MXIO__ATTR_ENUM, "None", "None|float16|float32|float64"},
    {"use_length", MXIO__ATTR_OPT_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- log_softmax */
static const mxio__attr_spec log_softmax_params[] = {
    {"axis", MXIO__ATTR_INT, "-1", NULL},
    {"temperature", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"dtype", MXIO__ATTR_ENUM, "None", "None|float16|float32|float64"},
    {"use_length", MXIO__ATTR_OPT_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const log_softmax_inputs[] = {"data", NULL};

/* ---- softmin */
static const mxio__attr_spec softmin_params[] = {
    {"axis", MXIO__ATTR_INT, "-1", NULL},
    {"temperature", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"dtype", MXIO__ATTR_ENUM, "None", "None|float16|float32|float64"},
    {"use_length", MXIO__ATTR_OPT_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const softmin_inputs[] = {"data", NULL};

/* ---- SoftmaxActivation */
static const mxio__attr_spec SoftmaxActivation_params[] = {
    {"mode", MXIO__ATTR_ENUM, "instance", "channel|instance"},
    {NULL, 0, NULL, NULL},
};
static const char *const SoftmaxActivation_inputs[] = {"data", NULL};

/* ---- SoftmaxOutput */
static const mxio__attr_spec SoftmaxOutput_params[] = {
    {"grad_scale", MXIO__ATTR_FLOAT, "1", NULL},
    {"ignore_label", MXIO__ATTR_FLOAT, "-1", NULL},
    {"multi_output", MXIO__ATTR_BOOL, "False", NULL},
    {"use_ignore", MXIO__ATTR_BOOL, "False", NULL},
    {"preserve_shape", MXIO__ATTR_BOOL, "False", NULL},
    {"normalization", MXIO__ATTR_ENUM, "null", "batch|null|valid"},
    {"out_grad", MXIO__ATTR_BOOL, "False", NULL},
    {"smooth_alpha", MXIO__ATTR_FLOAT, "0", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const SoftmaxOutput_inputs[] = {"data", "label", NULL};

/* ---- LinearRegressionOutput */
static const mxio__attr_spec LinearRegressionOutput_params[] = {
    {"grad_scale", MXIO__ATTR_FLOAT, "1", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const LinearRegressionOutput_inputs[] = {"data", "label", NULL};

/* ---- LogisticRegressionOutput */
static const mxio__attr_spec LogisticRegressionOutput_params[] = {
    {"grad_scale", MXIO__ATTR_FLOAT, "1", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const LogisticRegressionOutput_inputs[] = {"data", "label", NULL};

/* ---- MAERegressionOutput */
static const mxio__attr_spec MAERegressionOutput_params[] = {
    {"grad_scale", MXIO__ATTR_FLOAT, "1", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const MAERegressionOutput_inputs[] = {"data", "label", NULL};

/* ---- SVMOutput */
static const mxio__attr_spec SVMOutput_params[] = {
    {"margin", MXIO__ATTR_FLOAT, "1", NULL},
    {"regularization_coefficient", MXIO__ATTR_FLOAT, "1", NULL},
    {"use_linear", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const SVMOutput_inputs[] = {"data", "label", NULL};

/* ---- MakeLoss */
static const mxio__attr_spec MakeLoss_params[] = {
    {"grad_scale", MXIO__ATTR_FLOAT, "1", NULL},
    {"valid_thresh", MXIO__ATTR_FLOAT, "0", NULL},
    {"normalization", MXIO__ATTR_ENUM, "null", "batch|null|valid"},
    {NULL, 0, NULL, NULL},
};
static const char *const MakeLoss_inputs[] = {"data", NULL};

/* ---- make_loss */
static const char *const make_loss_inputs[] = {"data", NULL};

/* ---- BlockGrad */
static const char *const BlockGrad_inputs[] = {"data", NULL};

/* ---- CTCLoss */
static int ctc_inputs(const mxio__attrs *a, const char **names, int cap) {
    bool dl = false, ll = false;
    mxio__attr_bool(a, "use_data_lengths", &dl);
    mxio__attr_bool(a, "use_label_lengths", &ll);
    int n = 0;
    if (cap < 4) return -1;
    names[n++] = "data";
    names[n++] = "label";
    if (dl) names[n++] = "data_lengths";
    if (ll) names[n++] = "label_lengths";
    return n;
}
static const mxio__attr_spec CTCLoss_params[] = {
    {"use_data_lengths", MXIO__ATTR_BOOL, "False", NULL},
    {"use_label_lengths", MXIO__ATTR_BOOL, "False", NULL},
    {"blank_label", MXIO__ATTR_ENUM, "first", "first|last"},
    {NULL, 0, NULL, NULL},
};

/* ---- WarpCTC */
/* A plugin op (plugin/warpctc at 1.9.1), absent from the pip build but present
 * in OCR models (CRNN heads). Label (label_length * (T*N / input_length),)
 * for (T*N, C) data, int32; output like data (WarpCTCProp::InferShape). */
static mxio_status warpctc_infer(mxio__shape_ctx *c) {
    int64_t ll = 0, il = 0;
    mxio__attr_int(c->attrs, "label_length", &ll);
    mxio__attr_int(c->attrs, "input_length", &il);
    if (c->nin > 0 && c->in_dtype[0] < 0) c->in_dtype[0] = MXIO_DTYPE_FLOAT32;
    if (c->nin > 1 && c->in_dtype[1] < 0) c->in_dtype[1] = MXIO_DTYPE_INT32;
    if (c->nout > 0) c->out_dtype[0] = MXIO_DTYPE_FLOAT32;
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim >= 2 && il > 0 && x->d[0] > 0) {
        int64_t l[MXIO__MAX_DIMS];
        for (int i = 0; i < x->ndim - 1; i++) l[i] = 1;
        l[0] = ll * (x->d[0] / il);
        mxio_status st = mxio__shape_assign_in(c, 1, x->ndim - 1, l);
        if (st) return st;
    }
    return mxio__shape_assign_out(c, 0, x);
}
static const mxio__attr_spec warpctc_params[] = {
    {"label_length", MXIO__ATTR_INT, "0", NULL},
    {"input_length", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

static mxio_status softmax_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t axis = -1;
    double t = 1;
    mxio__softmax_params p = {.log = strcmp(r->attrs->op->name, "log_softmax") == 0};
    mxio__attr_int(r->attrs, "axis", &axis);
    if (mxio__attr_float(r->attrs, "temperature", &t)) p.temperature = (float)t;
    else p.temperature = 1; /* None */
    mxio__attr_bool(r->attrs, "use_length", &p.use_length);
    p.axis = (int)axis;
    if (strcmp(r->attrs->op->name, "softmin") == 0) return mxio__k_softmin_create(r->ctx, &p, r->in, k, err);
    return mxio__k_softmax_create(r->ctx, &p, r->in, k, err);
}

static mxio_status softmax_activation_kernel(const mxio__kernel_req *r, mxio__kernel **k,
                                             mxio_error *err) {
    const char *m = mxio__attr_str(r->attrs, "mode");
    return mxio__k_softmax_activation_create(r->ctx, m && strcmp(m, "channel") == 0, &r->in[0], k,
                                             err);
}

static mxio_status softmax_output_kernel(const mxio__kernel_req *r, mxio__kernel **k,
                                         mxio_error *err) {
    mxio__softmax_output_params p = {false, false};
    mxio__attr_bool(r->attrs, "multi_output", &p.multi_output);
    mxio__attr_bool(r->attrs, "preserve_shape", &p.preserve_shape);
    return mxio__k_softmax_output_create(r->ctx, &p, &r->in[0], k, err);
}

/* WarpCTC (plugin/warpctc): its forward is mshadow's Softmax of the data's
 * (prod(leading), last) view, SoftmaxActivation's instance mode; the label is
 * only read by the backward pass. */
static mxio_status warpctc_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_softmax_activation_create(r->ctx, false, &r->in[0], k, err);
}

/* Regression heads, MakeLoss, BlockGrad at inference: the data itself. */
static mxio_status identity_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_unary_create(r->ctx, MXIO__UN_IDENTITY, &r->in[0], k, err);
}

static mxio_status logistic_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_unary_create(r->ctx, MXIO__UN_SIGMOID, &r->in[0], k, err);
}

const mxio__op mxio__ops_output[] = {
    {.name = "softmax",
     .kernel = softmax_kernel,
     .layer = &softmax_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = softmax_infer,
     .aliases = (const char *const[]){"_npx_softmax", NULL},
     .params = softmax_params,
     .list_inputs = mxio__inputs_softmax_length},
    {.name = "log_softmax",
     .kernel = softmax_kernel,
     .layer = &log_softmax_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = softmax_infer,
     .aliases = (const char *const[]){"_npx_log_softmax", NULL},
     .params = log_softmax_params,
     .inputs = log_softmax_inputs},
    {.name = "softmin",
     .kernel = softmax_kernel,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = softmax_infer,
     .params = softmin_params,
     .inputs = softmin_inputs},
    {.name = "SoftmaxActivation",
     .kernel = softmax_activation_kernel,
     .layer = &softmax_activation_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = mxio__infer_first,
     .params = SoftmaxActivation_params,
     .inputs = SoftmaxActivation_inputs},
    {.name = "SoftmaxOutput",
     .kernel = softmax_output_kernel,
     .to_layer = softmax_output_to_layer,
     .from_layer = softmax_output_from_layer,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = softmax_output_infer,
     .aliases = (const char *const[]){"Softmax", NULL},
     .params = SoftmaxOutput_params,
     .inputs = SoftmaxOutput_inputs,
     .label_mask = 1u << 1},
    {.name = "LinearRegressionOutput",
     .kernel = identity_kernel,
     .layer = &identity_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = mxio__infer_label_like,
     .aliases = (const char *const[]){"_sparse_LinearRegressionOutput", NULL},
     .params = LinearRegressionOutput_params,
     .inputs = LinearRegressionOutput_inputs,
     .label_mask = 1u << 1},
    {.name = "LogisticRegressionOutput",
     .kernel = logistic_kernel,
     .layer = &logistic_output_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = mxio__infer_label_like,
     .aliases = (const char *const[]){"_sparse_LogisticRegressionOutput", NULL},
     .params = LogisticRegressionOutput_params,
     .inputs = LogisticRegressionOutput_inputs,
     .label_mask = 1u << 1},
    {.name = "MAERegressionOutput",
     .kernel = identity_kernel,
     .layer = &identity_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = mxio__infer_label_like,
     .aliases = (const char *const[]){"_sparse_MAERegressionOutput", NULL},
     .params = MAERegressionOutput_params,
     .inputs = MAERegressionOutput_inputs,
     .label_mask = 1u << 1},
    {.name = "SVMOutput",
     .kernel = identity_kernel,
     .layer = &identity_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = svm_output_infer,
     .params = SVMOutput_params,
     .inputs = SVMOutput_inputs,
     .label_mask = 1u << 1},
    {.name = "MakeLoss",
     .kernel = identity_kernel,
     .layer = &identity_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = mxio__infer_first,
     .params = MakeLoss_params,
     .inputs = MakeLoss_inputs},
    {.name = "make_loss",
     .kernel = identity_kernel,
     .layer = &identity_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_make_loss", NULL},
     .inputs = make_loss_inputs,
     .output_names = (const char *const[]){"loss", NULL}},
    {.name = "BlockGrad",
     .kernel = identity_kernel,
     .layer = &identity_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_stop_gradient", "stop_gradient", NULL},
     .inputs = BlockGrad_inputs},
    {.name = "CTCLoss",
     .layer = &ctc_inference_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = ctc_infer,
     .aliases = (const char *const[]){"_contrib_CTCLoss", "_contrib_ctc_loss", "ctc_loss", NULL},
     .params = CTCLoss_params,
     .list_inputs = ctc_inputs,
     .label_mask = 1u << 1,
     .num_outputs = 2,
     .num_visible = 1},
    {.name = "WarpCTC",
     .kernel = warpctc_kernel,
     .layer = &ctc_inference_rule,
     .kind = MXIO__KIND_OUTPUT,
     .infer_shape = warpctc_infer,
     .params = warpctc_params,
     .inputs = (const char *const[]){"data", "label", NULL},
     .label_mask = 1u << 1},
    {0},
};
