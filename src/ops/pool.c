/* pool.c - pooling and region pooling. One record per op; see op.h. */
#include "op.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
static const mxio__layer_rule pool_rule = {
    "PoolingLayer",
    MXIO__OPTS({"Function", "pool_type", "max=Max|avg=Mean|sum=Total|lp=Lp"},
         {"KernelSize", "kernel", NULL}, {"Stride", "stride", NULL}, {"PaddingSize", "pad", NULL},
         {"GlobalPooling", "global_pool", NULL}, {"Convention", "pooling_convention", NULL},
         {"CountIncludePad", "count_include_pad", NULL}, {"PValue", "p_value", NULL},
         {"Layout", "layout", NULL}),
    NULL};
/* Pooling_v1 predates count_include_pad, p_value and layout. */
static const mxio__layer_rule pool_v1_rule = {
    "PoolingLayer",
    MXIO__OPTS({"Function", "pool_type", "max=Max|avg=Mean|sum=Total"},
         {"KernelSize", "kernel", NULL}, {"Stride", "stride", NULL}, {"PaddingSize", "pad", NULL},
         {"GlobalPooling", "global_pool", NULL}, {"Convention", "pooling_convention", NULL}),
    NULL};

/* ---- Pooling */
/* The MKLDNN build (the pip wheel) gives max pooling a hidden workspace output
 * when MKLDNN takes the params (1-3-D kernel, NC* or no layout): GetNumOutputs
 * in src/operator/nn/pooling.cc, MKLDNNRequireWorkspace and
 * SupportMKLDNNPooling(param) in src/operator/nn/mkldnn/mkldnn_pooling-inl.h.
 * global_pool with no kernel has none. */
static int pooling_outputs(const mxio__attrs *a, int *visible) {
    int64_t k[MXIO__MAX_DIMS];
    int nk = 0;
    if (visible) *visible = 1;
    if (!mxio__attr_shape(a, "kernel", k, MXIO__MAX_DIMS, &nk, NULL)) return 1;
    const char *type = mxio__attr_str(a, "pool_type");
    const char *layout = mxio__attr_str(a, "layout");
    bool supported = nk >= 1 && nk <= 3 && type &&
                     (strcmp(type, "max") == 0 || strcmp(type, "avg") == 0) &&
                     (!layout || strcmp(layout, "None") == 0 || strcmp(layout, "NCW") == 0 ||
                      strcmp(layout, "NCHW") == 0 || strcmp(layout, "NCDHW") == 0);
    bool workspace = type && strcmp(type, "avg") != 0;
    return supported && workspace ? 2 : 1;
}
static const mxio__attr_spec Pooling_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pool_type", MXIO__ATTR_ENUM, "max", "avg|lp|max|sum"},
    {"global_pool", MXIO__ATTR_BOOL, "False", NULL},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"pooling_convention", MXIO__ATTR_ENUM, "valid", "full|same|valid"},
    {"stride", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pad", MXIO__ATTR_SHAPE, "[]", NULL},
    {"p_value", MXIO__ATTR_OPT_INT, "None", NULL},
    {"count_include_pad", MXIO__ATTR_OPT_BOOL, "None", NULL},
    {"layout", MXIO__ATTR_ENUM, "None", "None|NCDHW|NCHW|NCW|NDHWC|NHWC|NWC"},
    {NULL, 0, NULL, NULL},
};
static const char *const Pooling_inputs[] = {"data", NULL};

/* ---- Pooling_v1 */
static const mxio__attr_spec Pooling_v1_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pool_type", MXIO__ATTR_ENUM, "max", "avg|max|sum"},
    {"global_pool", MXIO__ATTR_BOOL, "False", NULL},
    {"pooling_convention", MXIO__ATTR_ENUM, "valid", "full|valid"},
    {"stride", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pad", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const Pooling_v1_inputs[] = {"data", NULL};

/* ---- _contrib_AdaptiveAvgPooling2D */
static const mxio__attr_spec contrib_AdaptiveAvgPooling2D_params[] = {
    {"output_size", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_AdaptiveAvgPooling2D_inputs[] = {"data", NULL};

/* ---- ROIPooling */
static const char *const roipool_outputs[] = {"output", "maxidx", NULL};
static const mxio__attr_spec ROIPooling_params[] = {
    {"pooled_size", MXIO__ATTR_SHAPE, NULL, NULL},
    {"spatial_scale", MXIO__ATTR_FLOAT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const ROIPooling_inputs[] = {"data", "rois", NULL};

/* ---- _contrib_ROIAlign */
static const mxio__attr_spec contrib_ROIAlign_params[] = {
    {"pooled_size", MXIO__ATTR_SHAPE, NULL, NULL},
    {"spatial_scale", MXIO__ATTR_FLOAT, NULL, NULL},
    {"sample_ratio", MXIO__ATTR_INT, "-1", NULL},
    {"position_sensitive", MXIO__ATTR_BOOL, "False", NULL},
    {"aligned", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_ROIAlign_inputs[] = {"data", "rois", NULL};

/* ---- _contrib_PSROIPooling */
static const mxio__attr_spec contrib_PSROIPooling_params[] = {
    {"spatial_scale", MXIO__ATTR_FLOAT, NULL, NULL},
    {"output_dim", MXIO__ATTR_INT, NULL, NULL},
    {"pooled_size", MXIO__ATTR_INT, NULL, NULL},
    {"group_size", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_PSROIPooling_inputs[] = {"data", "rois", NULL};

/* ---- _contrib_quantized_pooling */
static const mxio__attr_spec contrib_quantized_pooling_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pool_type", MXIO__ATTR_ENUM, "max", "avg|lp|max|sum"},
    {"global_pool", MXIO__ATTR_BOOL, "False", NULL},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"pooling_convention", MXIO__ATTR_ENUM, "valid", "full|same|valid"},
    {"stride", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pad", MXIO__ATTR_SHAPE, "[]", NULL},
    {"p_value", MXIO__ATTR_OPT_INT, "None", NULL},
    {"count_include_pad", MXIO__ATTR_OPT_BOOL, "None", NULL},
    {"layout", MXIO__ATTR_ENUM, "None", "None|NCDHW|NCHW|NCW|NDHWC|NHWC|NWC"},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_quantized_pooling_inputs[] = {"data", "min_data", "max_data", NULL};

const mxio__op mxio__ops_pool[] = {
    {.name = "Pooling",
     .layer = &pool_rule,
     .kind = MXIO__KIND_POOL,
     .aliases = (const char *const[]){"_npx_pooling", NULL},
     .params = Pooling_params,
     .inputs = Pooling_inputs,
     .count_outputs = pooling_outputs,
     .output_names = (const char *const[]){"output", "workspace", NULL}},
    {.name = "Pooling_v1",
     .layer = &pool_v1_rule,
     .kind = MXIO__KIND_POOL,
     .params = Pooling_v1_params,
     .inputs = Pooling_v1_inputs},
    {.name = "_contrib_AdaptiveAvgPooling2D",
     .kind = MXIO__KIND_POOL,
     .params = contrib_AdaptiveAvgPooling2D_params,
     .inputs = contrib_AdaptiveAvgPooling2D_inputs},
    {.name = "ROIPooling",
     .kind = MXIO__KIND_POOL,
     .aliases = (const char *const[]){"_npx_roi_pooling", NULL},
     .params = ROIPooling_params,
     .inputs = ROIPooling_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = roipool_outputs},
    {.name = "_contrib_ROIAlign",
     .kind = MXIO__KIND_POOL,
     .params = contrib_ROIAlign_params,
     .inputs = contrib_ROIAlign_inputs},
    {.name = "_contrib_PSROIPooling",
     .kind = MXIO__KIND_POOL,
     .params = contrib_PSROIPooling_params,
     .inputs = contrib_PSROIPooling_inputs},
    {.name = "_contrib_quantized_pooling",
     .kind = MXIO__KIND_POOL,
     .params = contrib_quantized_pooling_params,
     .inputs = contrib_quantized_pooling_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {0},
};
