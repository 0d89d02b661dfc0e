/* op_layers.c - op -> layer rules for ops whose record has no to_layer hook yet.
 *
 * The home of each rule is its op's record (src/ops/<family>.c, field to_layer);
 * this table is consulted only when the record has none, so a rule moves into its
 * record without changing behaviour. Ops in neither place become MXNetOpLayer. */
#include "layer.h"

#define OPTS(...) (const mxio__opt_map[]){__VA_ARGS__, {NULL, NULL, NULL}}
#define ARGS(...) (const mxio__arg_map[]){__VA_ARGS__, {NULL, NULL}}

static const mxio__layer_rule conv_rule = {
    "ConvolutionLayer",
    OPTS({"OutputChannels", "num_filter", NULL}, {"KernelSize", "kernel", NULL},
         {"Stride", "stride", NULL}, {"Dilation", "dilate", NULL}, {"PaddingSize", "pad", NULL},
         {"ChannelGroups", "num_group", NULL}, {"NoBias", "no_bias", NULL},
         {"Layout", "layout", NULL}),
    ARGS({"Weights", "weight"}, {"Biases", "bias"})};

static const mxio__layer_rule deconv_rule = {
    "DeconvolutionLayer",
    OPTS({"OutputChannels", "num_filter", NULL}, {"KernelSize", "kernel", NULL},
         {"Stride", "stride", NULL}, {"Dilation", "dilate", NULL}, {"PaddingSize", "pad", NULL},
         {"Adjustment", "adj", NULL}, {"TargetShape", "target_shape", NULL},
         {"ChannelGroups", "num_group", NULL}, {"NoBias", "no_bias", NULL},
         {"Layout", "layout", NULL}),
    ARGS({"Weights", "weight"}, {"Biases", "bias"})};

static const mxio__layer_rule fc_rule = {
    "LinearLayer",
    OPTS({"OutputSize", "num_hidden", NULL}, {"NoBias", "no_bias", NULL},
         {"Flatten", "flatten", NULL}),
    ARGS({"Weights", "weight"}, {"Biases", "bias"})};

static const mxio__layer_rule bn_rule = {
    "BatchNormalizationLayer",
    OPTS({"Epsilon", "eps", NULL}, {"Momentum", "momentum", NULL},
         {"FixGamma", "fix_gamma", NULL}, {"UseGlobalStats", "use_global_stats", NULL},
         {"Axis", "axis", NULL}, {"OutputMeanVar", "output_mean_var", NULL}),
    ARGS({"Scaling", "gamma"}, {"Biases", "beta"}, {"MovingMean", "moving_mean"},
         {"MovingVariance", "moving_var"})};

static const mxio__layer_rule activation_rule = {
    "ElementwiseLayer",
    OPTS({"Function", "act_type",
          "relu=Ramp|sigmoid=LogisticSigmoid|tanh=Tanh|softrelu=SoftRamp|softsign=SoftSign|"
          "log_sigmoid=LogLogisticSigmoid|mish=Mish"}),
    NULL};

static const mxio__layer_rule leaky_rule = {
    "ElementwiseLayer",
    OPTS({"Function", "act_type",
          "leaky=LeakyRamp|elu=ExponentialLinearUnit|selu=ScaledExponentialLinearUnit|"
          "gelu=GELU|rrelu=RandomizedLeakyRamp"},
         {"Slope", "slope", NULL}, {"Min", "lower_bound", NULL}, {"Max", "upper_bound", NULL}),
    NULL};

static const mxio__layer_rule prelu_rule = {"ParametricRampLayer", NULL,
                                            ARGS({"Slope", "gamma"})};

static mxio_status leaky_to_layer(const mxio__attrs *a, mxio__layer *l, mxio_error *err) {
    const char *t = mxio__attr_str(a, "act_type");
    if (t && strcmp(t, "prelu") == 0) return mxio__layer_apply(&prelu_rule, a, l, err);
    return mxio__layer_apply(&leaky_rule, a, l, err);
}

static const mxio__layer_rule pool_rule = {
    "PoolingLayer",
    OPTS({"Function", "pool_type", "max=Max|avg=Mean|sum=Total|lp=Lp"},
         {"KernelSize", "kernel", NULL}, {"Stride", "stride", NULL}, {"PaddingSize", "pad", NULL},
         {"GlobalPooling", "global_pool", NULL}, {"Convention", "pooling_convention", NULL},
         {"CountIncludePad", "count_include_pad", NULL}, {"PValue", "p_value", NULL},
         {"Layout", "layout", NULL}),
    NULL};

static const mxio__layer_rule softmax_rule = {
    "SoftmaxLayer",
    OPTS({"Axis", "axis", NULL}, {"Temperature", "temperature", NULL},
         {"UseLength", "use_length", NULL}),
    NULL};
static const mxio__layer_rule log_softmax_rule = {
    "SoftmaxLayer",
    OPTS({"Axis", "axis", NULL}, {"Temperature", "temperature", NULL},
         {"UseLength", "use_length", NULL}, {"Log", NULL, "true"}),
    NULL};
static const mxio__layer_rule softmax_activation_rule = {
    "SoftmaxLayer", OPTS({"Mode", "mode", "instance=instance|channel=channel"}), NULL};

/* SoftmaxOutput's inference form is a softmax over the flattened trailing axes,
 * over axis 1 with multi_output, over the last axis with preserve_shape. */
static const mxio__layer_rule softmax_output_rule = {"SoftmaxLayer",
                                                     OPTS({"Mode", NULL, "\"flatten\""}), NULL};
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

static const mxio__layer_rule flatten_rule = {"FlattenLayer", NULL, NULL};
static const mxio__layer_rule reshape_rule = {
    "ReshapeLayer", OPTS({"Shape", "shape", NULL}, {"Reverse", "reverse", NULL}), NULL};
static const mxio__layer_rule concat_rule = {"CatenateLayer", OPTS({"Axis", "dim", NULL}), NULL};
static const mxio__layer_rule total_rule = {"TotalLayer", NULL, NULL};
static const mxio__layer_rule dropout_rule = {
    "DropoutLayer",
    OPTS({"DropoutProbability", "p", NULL}, {"Mode", "mode", NULL}, {"Axes", "axes", NULL}),
    NULL};
static const mxio__layer_rule embedding_rule = {
    "EmbeddingLayer",
    OPTS({"InputDimension", "input_dim", NULL}, {"OutputDimension", "output_dim", NULL}),
    ARGS({"Weights", "weight"})};
static const mxio__layer_rule upsampling_rule = {
    "ResizeLayer",
    OPTS({"Method", "sample_type", "nearest=Nearest|bilinear=Bilinear"},
         {"Scale", "scale", NULL}),
    ARGS({"Weights", "weight"})};
static const mxio__layer_rule bilinear_resize_rule = {
    "ResizeLayer",
    OPTS({"Method", NULL, "\"Bilinear\""}, {"Height", "height", NULL}, {"Width", "width", NULL},
         {"ScaleHeight", "scale_height", NULL}, {"ScaleWidth", "scale_width", NULL},
         {"Mode", "mode", NULL}, {"AlignCorners", "align_corners", NULL}),
    NULL};
static const mxio__layer_rule pad_rule = {
    "PaddingLayer",
    OPTS({"Mode", "mode", NULL}, {"PaddingSize", "pad_width", NULL},
         {"Value", "constant_value", NULL}),
    NULL};
static const mxio__layer_rule instance_norm_rule = {
    "NormalizationLayer", OPTS({"Kind", NULL, "\"Instance\""}, {"Epsilon", "eps", NULL}),
    ARGS({"Scaling", "gamma"}, {"Biases", "beta"})};
static const mxio__layer_rule layer_norm_rule = {
    "NormalizationLayer",
    OPTS({"Kind", NULL, "\"Layer\""}, {"Axis", "axis", NULL}, {"Epsilon", "eps", NULL}),
    ARGS({"Scaling", "gamma"}, {"Biases", "beta"})};
static const mxio__layer_rule group_norm_rule = {
    "NormalizationLayer",
    OPTS({"Kind", NULL, "\"Group\""}, {"Groups", "num_groups", NULL}, {"Epsilon", "eps", NULL}),
    ARGS({"Scaling", "gamma"}, {"Biases", "beta"})};
static const mxio__layer_rule lrn_rule = {
    "LocalResponseNormalizationLayer",
    OPTS({"Alpha", "alpha", NULL}, {"Beta", "beta", NULL}, {"Bias", "knorm", NULL},
         {"Size", "nsize", NULL}),
    NULL};
static const mxio__layer_rule l2_rule = {
    "L2NormalizationLayer", OPTS({"Mode", "mode", NULL}, {"Epsilon", "eps", NULL}), NULL};
static const mxio__layer_rule transpose_rule = {"TransposeLayer", OPTS({"Axes", "axes", NULL}),
                                                NULL};
static const mxio__layer_rule slice_axis_rule = {
    "PartLayer", OPTS({"Axis", "axis", NULL}, {"Begin", "begin", NULL}, {"End", "end", NULL}),
    NULL};
static const mxio__layer_rule slice_rule = {
    "PartLayer", OPTS({"Begin", "begin", NULL}, {"End", "end", NULL}, {"Step", "step", NULL}),
    NULL};
static const mxio__layer_rule expand_dims_rule = {"ReplicateLayer", OPTS({"Axis", "axis", NULL}),
                                                  NULL};
static const mxio__layer_rule dot_rule = {
    "DotLayer",
    OPTS({"TransposeA", "transpose_a", NULL}, {"TransposeB", "transpose_b", NULL}), NULL};

#define AGG_RULE(var, fn)                                                              \
    static const mxio__layer_rule var = {                                              \
        "AggregationLayer",                                                            \
        OPTS({"Function", NULL, "\"" fn "\""}, {"Axes", "axis", NULL},                 \
             {"KeepDims", "keepdims", NULL}, {"Exclude", "exclude", NULL}),            \
        NULL}
AGG_RULE(mean_rule, "Mean");
AGG_RULE(sum_rule, "Total");
AGG_RULE(max_rule, "Max");
AGG_RULE(min_rule, "Min");
AGG_RULE(prod_rule, "Product");

#define FN_RULE(var, layer, fn) \
    static const mxio__layer_rule var = {layer, OPTS({"Function", NULL, "\"" fn "\""}), NULL}
#define BCAST_RULE(var, fn)                                                               \
    static const mxio__layer_rule var = {                                                 \
        "ThreadingLayer", OPTS({"Function", NULL, "\"" fn "\""}, {"Broadcasting", NULL, "true"}), \
        NULL}
#define SCALAR_RULE(var, fn)                                                              \
    static const mxio__layer_rule var = {                                                 \
        "ElementwiseLayer", OPTS({"Function", NULL, "\"" fn "\""}, {"Scalar", "scalar", NULL}), \
        NULL}

FN_RULE(add_rule, "ThreadingLayer", "Plus");
FN_RULE(sub_rule, "ThreadingLayer", "Subtract");
FN_RULE(mul_rule, "ThreadingLayer", "Times");
FN_RULE(div_rule, "ThreadingLayer", "Divide");
FN_RULE(maximum_rule, "ThreadingLayer", "Max");
FN_RULE(minimum_rule, "ThreadingLayer", "Min");
FN_RULE(power_rule, "ThreadingLayer", "Power");
BCAST_RULE(badd_rule, "Plus");
BCAST_RULE(bsub_rule, "Subtract");
BCAST_RULE(bmul_rule, "Times");
BCAST_RULE(bdiv_rule, "Divide");
BCAST_RULE(bmax_rule, "Max");
BCAST_RULE(bmin_rule, "Min");
BCAST_RULE(bpow_rule, "Power");
SCALAR_RULE(plus_scalar_rule, "Plus");
SCALAR_RULE(minus_scalar_rule, "Subtract");
SCALAR_RULE(rminus_scalar_rule, "ReverseSubtract");
SCALAR_RULE(mul_scalar_rule, "Times");
SCALAR_RULE(div_scalar_rule, "Divide");
SCALAR_RULE(rdiv_scalar_rule, "ReverseDivide");
SCALAR_RULE(power_scalar_rule, "Power");
SCALAR_RULE(rpower_scalar_rule, "ReversePower");
SCALAR_RULE(max_scalar_rule, "Max");
SCALAR_RULE(min_scalar_rule, "Min");

static const mxio__layer_rule clip_rule = {
    "ElementwiseLayer",
    OPTS({"Function", NULL, "\"Clip\""}, {"Min", "a_min", NULL}, {"Max", "a_max", NULL}), NULL};

FN_RULE(relu_rule, "ElementwiseLayer", "Ramp");
FN_RULE(sigmoid_rule, "ElementwiseLayer", "LogisticSigmoid");
FN_RULE(tanh_rule, "ElementwiseLayer", "Tanh");
FN_RULE(softsign_rule, "ElementwiseLayer", "SoftSign");
FN_RULE(exp_rule, "ElementwiseLayer", "Exp");
FN_RULE(log_rule, "ElementwiseLayer", "Log");
FN_RULE(sqrt_rule, "ElementwiseLayer", "Sqrt");
FN_RULE(rsqrt_rule, "ElementwiseLayer", "ReciprocalSqrt");
FN_RULE(square_rule, "ElementwiseLayer", "Square");
FN_RULE(abs_rule, "ElementwiseLayer", "Abs");
FN_RULE(sign_rule, "ElementwiseLayer", "Sign");
FN_RULE(round_rule, "ElementwiseLayer", "Round");
FN_RULE(floor_rule, "ElementwiseLayer", "Floor");
FN_RULE(ceil_rule, "ElementwiseLayer", "Ceiling");
FN_RULE(negative_rule, "ElementwiseLayer", "Minus");
FN_RULE(reciprocal_rule, "ElementwiseLayer", "Reciprocal");
FN_RULE(sin_rule, "ElementwiseLayer", "Sin");
FN_RULE(cos_rule, "ElementwiseLayer", "Cos");
FN_RULE(tan_rule, "ElementwiseLayer", "Tan");
FN_RULE(erf_rule, "ElementwiseLayer", "Erf");
FN_RULE(rint_rule, "ElementwiseLayer", "Rint");
FN_RULE(fix_rule, "ElementwiseLayer", "Fix");
FN_RULE(trunc_rule, "ElementwiseLayer", "Truncate");
FN_RULE(log1p_rule, "ElementwiseLayer", "Log1p");
FN_RULE(expm1_rule, "ElementwiseLayer", "Expm1");
FN_RULE(log2_rule, "ElementwiseLayer", "Log2");
FN_RULE(log10_rule, "ElementwiseLayer", "Log10");
FN_RULE(cbrt_rule, "ElementwiseLayer", "CubeRoot");
FN_RULE(not_rule, "ElementwiseLayer", "Not");
FN_RULE(mod_rule, "ThreadingLayer", "Mod");
FN_RULE(equal_rule, "ThreadingLayer", "Equal");
FN_RULE(not_equal_rule, "ThreadingLayer", "Unequal");
FN_RULE(greater_rule, "ThreadingLayer", "Greater");
FN_RULE(greater_equal_rule, "ThreadingLayer", "GreaterEqual");
FN_RULE(lesser_rule, "ThreadingLayer", "Less");
FN_RULE(lesser_equal_rule, "ThreadingLayer", "LessEqual");
BCAST_RULE(bmod_rule, "Mod");
BCAST_RULE(bequal_rule, "Equal");
BCAST_RULE(bnot_equal_rule, "Unequal");
BCAST_RULE(bgreater_rule, "Greater");
BCAST_RULE(bgreater_equal_rule, "GreaterEqual");
BCAST_RULE(blesser_rule, "Less");
BCAST_RULE(blesser_equal_rule, "LessEqual");
BCAST_RULE(band_rule, "And");
BCAST_RULE(bor_rule, "Or");
BCAST_RULE(bhypot_rule, "Hypot");
SCALAR_RULE(mod_scalar_rule, "Mod");
SCALAR_RULE(rmod_scalar_rule, "ReverseMod");
SCALAR_RULE(greater_scalar_rule, "Greater");
SCALAR_RULE(greater_equal_scalar_rule, "GreaterEqual");
SCALAR_RULE(lesser_scalar_rule, "Less");
SCALAR_RULE(lesser_equal_scalar_rule, "LessEqual");
SCALAR_RULE(equal_scalar_rule, "Equal");
SCALAR_RULE(not_equal_scalar_rule, "Unequal");
static const mxio__layer_rule hard_sigmoid_rule = {
    "ElementwiseLayer",
    OPTS({"Function", NULL, "\"HardSigmoid\""}, {"Slope", "alpha", NULL}, {"Scalar", "beta", NULL}),
    NULL};

/* Identity at inference: copies, gradient stops and regression/loss heads. */
FN_RULE(identity_rule, "ElementwiseLayer", "Identity");
/* LogisticRegressionOutput's inference form is the logistic sigmoid. */
FN_RULE(logistic_output_rule, "ElementwiseLayer", "LogisticSigmoid");

static const struct {
    const char *op;
    const mxio__layer_rule *rule;
    mxio__to_layer_fn fn;
} table[] = {
    {"Convolution", &conv_rule, NULL},
    {"Deconvolution", &deconv_rule, NULL},
    {"FullyConnected", &fc_rule, NULL},
    {"BatchNorm", &bn_rule, NULL},
    {"_contrib_SyncBatchNorm", &bn_rule, NULL},
    {"Activation", &activation_rule, NULL},
    {"LeakyReLU", NULL, leaky_to_layer},
    {"Pooling", &pool_rule, NULL},
    {"softmax", &softmax_rule, NULL},
    {"log_softmax", &log_softmax_rule, NULL},
    {"SoftmaxActivation", &softmax_activation_rule, NULL},
    {"SoftmaxOutput", NULL, softmax_output_to_layer},
    {"Flatten", &flatten_rule, NULL},
    {"Reshape", &reshape_rule, NULL},
    {"Concat", &concat_rule, NULL},
    {"add_n", &total_rule, NULL},
    {"Dropout", &dropout_rule, NULL},
    {"Embedding", &embedding_rule, NULL},
    {"UpSampling", &upsampling_rule, NULL},
    {"_contrib_BilinearResize2D", &bilinear_resize_rule, NULL},
    {"Pad", &pad_rule, NULL},
    {"InstanceNorm", &instance_norm_rule, NULL},
    {"LayerNorm", &layer_norm_rule, NULL},
    {"GroupNorm", &group_norm_rule, NULL},
    {"LRN", &lrn_rule, NULL},
    {"L2Normalization", &l2_rule, NULL},
    {"transpose", &transpose_rule, NULL},
    {"slice_axis", &slice_axis_rule, NULL},
    {"slice", &slice_rule, NULL},
    {"expand_dims", &expand_dims_rule, NULL},
    {"dot", &dot_rule, NULL},
    {"batch_dot", &dot_rule, NULL},
    {"mean", &mean_rule, NULL},
    {"sum", &sum_rule, NULL},
    {"max", &max_rule, NULL},
    {"min", &min_rule, NULL},
    {"prod", &prod_rule, NULL},
    {"elemwise_add", &add_rule, NULL},
    {"elemwise_sub", &sub_rule, NULL},
    {"elemwise_mul", &mul_rule, NULL},
    {"elemwise_div", &div_rule, NULL},
    {"_maximum", &maximum_rule, NULL},
    {"_minimum", &minimum_rule, NULL},
    {"_power", &power_rule, NULL},
    {"broadcast_add", &badd_rule, NULL},
    {"broadcast_sub", &bsub_rule, NULL},
    {"broadcast_mul", &bmul_rule, NULL},
    {"broadcast_div", &bdiv_rule, NULL},
    {"broadcast_maximum", &bmax_rule, NULL},
    {"broadcast_minimum", &bmin_rule, NULL},
    {"broadcast_power", &bpow_rule, NULL},
    {"_plus_scalar", &plus_scalar_rule, NULL},
    {"_minus_scalar", &minus_scalar_rule, NULL},
    {"_rminus_scalar", &rminus_scalar_rule, NULL},
    {"_mul_scalar", &mul_scalar_rule, NULL},
    {"_div_scalar", &div_scalar_rule, NULL},
    {"_rdiv_scalar", &rdiv_scalar_rule, NULL},
    {"_power_scalar", &power_scalar_rule, NULL},
    {"_rpower_scalar", &rpower_scalar_rule, NULL},
    {"_maximum_scalar", &max_scalar_rule, NULL},
    {"_minimum_scalar", &min_scalar_rule, NULL},
    {"clip", &clip_rule, NULL},
    {"relu", &relu_rule, NULL},
    {"sigmoid", &sigmoid_rule, NULL},
    {"tanh", &tanh_rule, NULL},
    {"softsign", &softsign_rule, NULL},
    {"exp", &exp_rule, NULL},
    {"log", &log_rule, NULL},
    {"sqrt", &sqrt_rule, NULL},
    {"rsqrt", &rsqrt_rule, NULL},
    {"square", &square_rule, NULL},
    {"abs", &abs_rule, NULL},
    {"sign", &sign_rule, NULL},
    {"round", &round_rule, NULL},
    {"floor", &floor_rule, NULL},
    {"ceil", &ceil_rule, NULL},
    {"negative", &negative_rule, NULL},
    {"reciprocal", &reciprocal_rule, NULL},
    {"sin", &sin_rule, NULL},
    {"cos", &cos_rule, NULL},
    {"tan", &tan_rule, NULL},
    {"erf", &erf_rule, NULL},
    {"_copy", &identity_rule, NULL},
    {"BlockGrad", &identity_rule, NULL},
    {"MakeLoss", &identity_rule, NULL},
    {"LinearRegressionOutput", &identity_rule, NULL},
    {"MAERegressionOutput", &identity_rule, NULL},
    {"LogisticRegressionOutput", &logistic_output_rule, NULL},
    {"Convolution_v1", &conv_rule, NULL},
    {"BatchNorm_v1", &bn_rule, NULL},
    {"Pooling_v1", &pool_rule, NULL},
    {"hard_sigmoid", &hard_sigmoid_rule, NULL},
    {"rint", &rint_rule, NULL},
    {"fix", &fix_rule, NULL},
    {"trunc", &trunc_rule, NULL},
    {"log1p", &log1p_rule, NULL},
    {"expm1", &expm1_rule, NULL},
    {"log2", &log2_rule, NULL},
    {"log10", &log10_rule, NULL},
    {"cbrt", &cbrt_rule, NULL},
    {"logical_not", &not_rule, NULL},
    {"_mod", &mod_rule, NULL},
    {"_equal", &equal_rule, NULL},
    {"_not_equal", &not_equal_rule, NULL},
    {"_greater", &greater_rule, NULL},
    {"_greater_equal", &greater_equal_rule, NULL},
    {"_lesser", &lesser_rule, NULL},
    {"_lesser_equal", &lesser_equal_rule, NULL},
    {"broadcast_mod", &bmod_rule, NULL},
    {"broadcast_equal", &bequal_rule, NULL},
    {"broadcast_not_equal", &bnot_equal_rule, NULL},
    {"broadcast_greater", &bgreater_rule, NULL},
    {"broadcast_greater_equal", &bgreater_equal_rule, NULL},
    {"broadcast_lesser", &blesser_rule, NULL},
    {"broadcast_lesser_equal", &blesser_equal_rule, NULL},
    {"broadcast_logical_and", &band_rule, NULL},
    {"broadcast_logical_or", &bor_rule, NULL},
    {"broadcast_hypot", &bhypot_rule, NULL},
    {"_mod_scalar", &mod_scalar_rule, NULL},
    {"_rmod_scalar", &rmod_scalar_rule, NULL},
    {"_greater_scalar", &greater_scalar_rule, NULL},
    {"_greater_equal_scalar", &greater_equal_scalar_rule, NULL},
    {"_lesser_scalar", &lesser_scalar_rule, NULL},
    {"_lesser_equal_scalar", &lesser_equal_scalar_rule, NULL},
    {"_equal_scalar", &equal_scalar_rule, NULL},
    {"_not_equal_scalar", &not_equal_scalar_rule, NULL},
    {"make_loss", &identity_rule, NULL},
    {"SVMOutput", &identity_rule, NULL},
};

const mxio__layer_rule *mxio__op_layer_rule(const char *op) {
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].op, op) == 0) return table[i].rule;
    return NULL;
}

mxio__to_layer_fn mxio__op_layer_fallback(const char *op) {
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].op, op) == 0) return table[i].fn;
    return NULL;
}
