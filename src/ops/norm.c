/* norm.c - normalisation layers. One record per op; see op.h. */
#include "op.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
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

const mxio__op mxio__ops_norm[] = {
    {.name = "BatchNorm",
     .layer = &bn_rule,
     .kind = MXIO__KIND_NORM,
     .aliases = (const char *const[]){"_npx_batch_norm", NULL},
     .params = BatchNorm_params,
     .inputs = BatchNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .aux_mask = (1u << 3) | (1u << 4),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = bn_outputs,
     .compose_attrs = bn_compose},
    {.name = "BatchNorm_v1",
     .layer = &bn_v1_rule,
     .kind = MXIO__KIND_NORM,
     .params = BatchNorm_v1_params,
     .inputs = BatchNorm_v1_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .aux_mask = (1u << 3) | (1u << 4),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = bn_outputs,
     .compose_attrs = bn_compose},
    {.name = "_contrib_SyncBatchNorm",
     .layer = &bn_v1_rule,
     .kind = MXIO__KIND_NORM,
     .params = contrib_SyncBatchNorm_params,
     .inputs = contrib_SyncBatchNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .aux_mask = (1u << 3) | (1u << 4),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = bn_outputs,
     .compose_attrs = bn_compose},
    {.name = "LayerNorm",
     .layer = &layer_norm_rule,
     .kind = MXIO__KIND_NORM,
     .aliases = (const char *const[]){"_npx_layer_norm", NULL},
     .params = LayerNorm_params,
     .inputs = LayerNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = ln_outputs},
    {.name = "InstanceNorm",
     .layer = &instance_norm_rule,
     .kind = MXIO__KIND_NORM,
     .params = InstanceNorm_params,
     .inputs = InstanceNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .num_outputs = 3,
     .num_visible = 1,
     .output_names = bn_outputs},
    {.name = "GroupNorm",
     .layer = &group_norm_rule,
     .kind = MXIO__KIND_NORM,
     .params = GroupNorm_params,
     .inputs = GroupNorm_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .count_outputs = mxio__outputs_mean_var,
     .output_names = ln_outputs},
    {.name = "L2Normalization",
     .layer = &l2_rule,
     .kind = MXIO__KIND_NORM,
     .params = L2Normalization_params,
     .inputs = L2Normalization_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = l2_outputs},
    {.name = "LRN",
     .layer = &lrn_rule,
     .kind = MXIO__KIND_NORM,
     .params = LRN_params,
     .inputs = LRN_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = lrn_outputs},
    {0},
};
