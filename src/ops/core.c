/* core.c - the ops every CNN uses. One record per op; see op.h. */
#include "op.h"

static const mxio__attr_spec conv_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, NULL, NULL},
    {"num_filter", MXIO__ATTR_INT, NULL, NULL},
    {"stride", MXIO__ATTR_SHAPE, "()", NULL},
    {"dilate", MXIO__ATTR_SHAPE, "()", NULL},
    {"pad", MXIO__ATTR_SHAPE, "()", NULL},
    {"num_group", MXIO__ATTR_INT, "1", NULL},
    {"workspace", MXIO__ATTR_INT, "1024", NULL},
    {"no_bias", MXIO__ATTR_BOOL, "False", NULL},
    {"cudnn_tune", MXIO__ATTR_ENUM, "None", "None|fastest|limited_workspace|off"},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"layout", MXIO__ATTR_ENUM, "None", "None|NCDHW|NCHW|NCW|NDHWC|NHWC"},
    {NULL, 0, NULL, NULL},
};

static int conv_inputs(const mxio__attrs *a, const char **names, int cap) {
    bool no_bias = false;
    mxio__attr_bool(a, "no_bias", &no_bias);
    int n = no_bias ? 2 : 3;
    if (cap < n) return -1;
    names[0] = "data";
    names[1] = "weight";
    if (!no_bias) names[2] = "bias";
    return n;
}

static const char *const bn_inputs[] = {"data", "gamma", "beta", "moving_mean", "moving_var", NULL};
static const char *const bn_outputs[] = {"output", "mean", "var", NULL};
static const mxio__var_attr bn_compose[] = {
    {3, "__init__", "[\"zero\", {}]"},
    {4, "__init__", "[\"one\", {}]"},
    {-1, NULL, NULL},
};
static const mxio__attr_spec bn_params[] = {
    {"eps", MXIO__ATTR_FLOAT, "0.001", NULL},
    {"momentum", MXIO__ATTR_FLOAT, "0.9", NULL},
    {"fix_gamma", MXIO__ATTR_BOOL, "True", NULL},
    {"use_global_stats", MXIO__ATTR_BOOL, "False", NULL},
    {"output_mean_var", MXIO__ATTR_BOOL, "False", NULL},
    {"axis", MXIO__ATTR_INT, "1", NULL},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"min_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"max_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {NULL, 0, NULL, NULL},
};

static int bn_outputs_count(const mxio__attrs *a, int *visible) {
    bool mv = false;
    mxio__attr_bool(a, "output_mean_var", &mv);
    if (visible) *visible = mv ? 3 : 1;
    return 3;
}

const mxio__op mxio__ops_core[] = {
    {.name = "Convolution",
     .kind = MXIO__KIND_CONV,
     .aliases = (const char *const[]){"Convolution_v1", NULL},
     .params = conv_params,
     .list_inputs = conv_inputs,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "BatchNorm",
     .kind = MXIO__KIND_NORM,
     .params = bn_params,
     .inputs = bn_inputs,
     .weight_mask = (1u << 1) | (1u << 2),
     .aux_mask = (1u << 3) | (1u << 4),
     .count_outputs = bn_outputs_count,
     .output_names = bn_outputs,
     .compose_attrs = bn_compose},
    {0},
};
