/* conv.c - layers with learned kernels: convolution, deconvolution, dense, embedding,
 * and MKLDNN-fused convolution subgraphs. One record per op; see op.h. */
#include "op.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
static const mxio__layer_rule conv_rule = {
    "ConvolutionLayer",
    MXIO__OPTS({"OutputChannels", "num_filter", NULL}, {"KernelSize", "kernel", NULL},
         {"Stride", "stride", NULL}, {"Dilation", "dilate", NULL}, {"PaddingSize", "pad", NULL},
         {"ChannelGroups", "num_group", NULL}, {"NoBias", "no_bias", NULL},
         {"Layout", "layout", NULL}),
    MXIO__ARGS({"Weights", "weight"}, {"Biases", "bias"})};
static const mxio__layer_rule deconv_rule = {
    "DeconvolutionLayer",
    MXIO__OPTS({"OutputChannels", "num_filter", NULL}, {"KernelSize", "kernel", NULL},
         {"Stride", "stride", NULL}, {"Dilation", "dilate", NULL}, {"PaddingSize", "pad", NULL},
         {"Adjustment", "adj", NULL}, {"TargetShape", "target_shape", NULL},
         {"ChannelGroups", "num_group", NULL}, {"NoBias", "no_bias", NULL},
         {"Layout", "layout", NULL}),
    MXIO__ARGS({"Weights", "weight"}, {"Biases", "bias"})};
static const mxio__layer_rule fc_rule = {
    "LinearLayer",
    MXIO__OPTS({"OutputSize", "num_hidden", NULL}, {"NoBias", "no_bias", NULL},
         {"Flatten", "flatten", NULL}),
    MXIO__ARGS({"Weights", "weight"}, {"Biases", "bias"})};
static const mxio__layer_rule embedding_rule = {
    "EmbeddingLayer",
    MXIO__OPTS({"InputDimension", "input_dim", NULL}, {"OutputDimension", "output_dim", NULL}),
    MXIO__ARGS({"Weights", "weight"})};

/* ---- Convolution */
static const mxio__attr_spec Convolution_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, NULL, NULL},
    {"stride", MXIO__ATTR_SHAPE, "[]", NULL},
    {"dilate", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pad", MXIO__ATTR_SHAPE, "[]", NULL},
    {"num_filter", MXIO__ATTR_INT, NULL, NULL},
    {"num_group", MXIO__ATTR_INT, "1", NULL},
    {"workspace", MXIO__ATTR_INT, "1024", NULL},
    {"no_bias", MXIO__ATTR_BOOL, "False", NULL},
    {"cudnn_tune", MXIO__ATTR_ENUM, "None", "None|fastest|limited_workspace|off"},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"layout", MXIO__ATTR_ENUM, "None", "None|NCDHW|NCHW|NCW|NDHWC|NHWC"},
    {NULL, 0, NULL, NULL},
};

/* ---- Convolution_v1 */
static const mxio__attr_spec Convolution_v1_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, NULL, NULL},
    {"stride", MXIO__ATTR_SHAPE, "[]", NULL},
    {"dilate", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pad", MXIO__ATTR_SHAPE, "[]", NULL},
    {"num_filter", MXIO__ATTR_INT, NULL, NULL},
    {"num_group", MXIO__ATTR_INT, "1", NULL},
    {"workspace", MXIO__ATTR_INT, "1024", NULL},
    {"no_bias", MXIO__ATTR_BOOL, "False", NULL},
    {"cudnn_tune", MXIO__ATTR_ENUM, "None", "None|fastest|limited_workspace|off"},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"layout", MXIO__ATTR_ENUM, "None", "None|NCDHW|NCHW|NDHWC|NHWC"},
    {NULL, 0, NULL, NULL},
};

/* ---- Deconvolution */
static const mxio__attr_spec Deconvolution_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, NULL, NULL},
    {"stride", MXIO__ATTR_SHAPE, "[]", NULL},
    {"dilate", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pad", MXIO__ATTR_SHAPE, "[]", NULL},
    {"adj", MXIO__ATTR_SHAPE, "[]", NULL},
    {"target_shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"num_filter", MXIO__ATTR_INT, NULL, NULL},
    {"num_group", MXIO__ATTR_INT, "1", NULL},
    {"workspace", MXIO__ATTR_INT, "512", NULL},
    {"no_bias", MXIO__ATTR_BOOL, "True", NULL},
    {"cudnn_tune", MXIO__ATTR_ENUM, "None", "None|fastest|limited_workspace|off"},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"layout", MXIO__ATTR_ENUM, "None", "None|NCDHW|NCHW|NCW|NDHWC|NHWC"},
    {NULL, 0, NULL, NULL},
};

/* ---- FullyConnected */
static const mxio__attr_spec FullyConnected_params[] = {
    {"num_hidden", MXIO__ATTR_INT, NULL, NULL},
    {"no_bias", MXIO__ATTR_BOOL, "False", NULL},
    {"flatten", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- Embedding */
static const mxio__attr_spec Embedding_params[] = {
    {"input_dim", MXIO__ATTR_INT, NULL, NULL},
    {"output_dim", MXIO__ATTR_INT, NULL, NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|float16|float32|float64|int32|int64|int8|uint8"},
    {"sparse_grad", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const Embedding_inputs[] = {"data", "weight", NULL};

/* ---- _contrib_DeformableConvolution */
static int DeformableConvolution_inputs(const mxio__attrs *a, const char **names, int cap) {
    bool no_bias = false;
    mxio__attr_bool(a, "no_bias", &no_bias);
    int n = no_bias ? 3 : 4;
    if (cap < n) return -1;
    names[0] = "data";
    names[1] = "offset";
    names[2] = "weight";
    if (!no_bias) names[3] = "bias";
    return n;
}
static const mxio__attr_spec contrib_DeformableConvolution_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, NULL, NULL},
    {"stride", MXIO__ATTR_SHAPE, "[]", NULL},
    {"dilate", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pad", MXIO__ATTR_SHAPE, "[]", NULL},
    {"num_filter", MXIO__ATTR_INT, NULL, NULL},
    {"num_group", MXIO__ATTR_INT, "1", NULL},
    {"num_deformable_group", MXIO__ATTR_INT, "1", NULL},
    {"workspace", MXIO__ATTR_INT, "1024", NULL},
    {"no_bias", MXIO__ATTR_BOOL, "False", NULL},
    {"layout", MXIO__ATTR_ENUM, "None", "None|NCDHW|NCHW|NCW"},
    {NULL, 0, NULL, NULL},
};

/* ---- _sg_mkldnn_conv */
/* The fused op's inputs follow its flags and the inner Convolution's no_bias
 * (SgMKLDNNConvListInputNames in src/operator/subgraph/mkldnn/mkldnn_conv.cc). */
static bool sg_conv_no_bias(const mxio__attrs *a) {
    bool no_bias = false;
    const mxio__node *n = a->node;
    if (n && n->nsubgraphs > 0 && n->subgraphs[0]) {
        const struct mxio_symbol *g = n->subgraphs[0];
        for (size_t i = 0; i < g->nnodes; i++)
            if (strcmp(g->nodes[i].op, "Convolution") == 0) {
                mxio__attrs inner = {g->nodes[i].attrs, g->nodes[i].nattrs,
                                     mxio__op_find("Convolution"), &g->nodes[i]};
                mxio__attr_bool(&inner, "no_bias", &no_bias);
                break;
            }
    }
    return no_bias;
}

static int sg_conv_layout(const mxio__attrs *a, const char **names, int cap, uint32_t *w,
                          uint32_t *aux) {
    bool bn = false, sum = false, q = false;
    mxio__attr_bool(a, "with_bn", &bn);
    mxio__attr_bool(a, "with_sum", &sum);
    mxio__attr_bool(a, "quantized", &q);
    const char *all[12];
    int n = 0;
    *w = *aux = 0;
    all[n++] = "data";
    *w |= 1u << n;
    all[n++] = "weight";
    if (!sg_conv_no_bias(a)) {
        *w |= 1u << n;
        all[n++] = "bias";
    }
    if (bn) {
        *w |= 3u << n;
        all[n++] = "gamma";
        all[n++] = "beta";
        *aux |= 3u << n;
        all[n++] = "mean";
        all[n++] = "var";
    }
    if (sum) all[n++] = "sum";
    if (q) {
        all[n++] = "data_min";
        all[n++] = "data_max";
        if (sum) {
            all[n++] = "sum_min";
            all[n++] = "sum_max";
        }
    }
    if (names) {
        if (n > cap) return -1;
        memcpy(names, all, (size_t)n * sizeof *names);
    }
    return n;
}

static int sg_conv_inputs(const mxio__attrs *a, const char **names, int cap) {
    uint32_t w, aux;
    return sg_conv_layout(a, names, cap, &w, &aux);
}

static void sg_conv_masks(const mxio__attrs *a, uint32_t *weight, uint32_t *aux, uint32_t *label) {
    sg_conv_layout(a, NULL, 0, weight, aux);
    *label = 0;
}

static int sg_conv_outputs(const mxio__attrs *a, int *visible) {
    bool q = false;
    mxio__attr_bool(a, "quantized", &q);
    if (visible) *visible = q ? 3 : 1;
    return q ? 3 : 1;
}
static const char *const sg_conv_output_names[] = {"output", "output_min", "output_max", NULL};
static const mxio__attr_spec sg_mkldnn_conv_params[] = {
    {"with_bn", MXIO__ATTR_BOOL, "False", NULL},
    {"with_act", MXIO__ATTR_BOOL, "False", NULL},
    {"with_sum", MXIO__ATTR_BOOL, "False", NULL},
    {"with_postsum_act", MXIO__ATTR_BOOL, "False", NULL},
    {"quantized", MXIO__ATTR_BOOL, "False", NULL},
    {"min_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"max_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _contrib_quantized_conv */
static const mxio__attr_spec contrib_quantized_conv_params[] = {
    {"kernel", MXIO__ATTR_SHAPE, NULL, NULL},
    {"stride", MXIO__ATTR_SHAPE, "[]", NULL},
    {"dilate", MXIO__ATTR_SHAPE, "[]", NULL},
    {"pad", MXIO__ATTR_SHAPE, "[]", NULL},
    {"num_filter", MXIO__ATTR_INT, NULL, NULL},
    {"num_group", MXIO__ATTR_INT, "1", NULL},
    {"workspace", MXIO__ATTR_INT, "1024", NULL},
    {"no_bias", MXIO__ATTR_BOOL, "False", NULL},
    {"cudnn_tune", MXIO__ATTR_ENUM, "None", "None|fastest|limited_workspace|off"},
    {"cudnn_off", MXIO__ATTR_BOOL, "False", NULL},
    {"layout", MXIO__ATTR_ENUM, "None", "None|NCDHW|NCHW|NCW|NDHWC|NHWC"},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_quantized_conv_inputs[] = {"data", "weight", "bias", "min_data", "max_data", "min_weight", "max_weight", "min_bias", "max_bias", NULL};

/* ---- _contrib_quantized_fully_connected */
static const mxio__attr_spec contrib_quantized_fully_connected_params[] = {
    {"num_hidden", MXIO__ATTR_INT, NULL, NULL},
    {"no_bias", MXIO__ATTR_BOOL, "False", NULL},
    {"flatten", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_quantized_fully_connected_inputs[] = {"data", "weight", "bias", "min_data", "max_data", "min_weight", "max_weight", "min_bias", "max_bias", NULL};

const mxio__op mxio__ops_conv[] = {
    {.name = "Convolution",
     .layer = &conv_rule,
     .kind = MXIO__KIND_CONV,
     .aliases = (const char *const[]){"_npx_convolution", NULL},
     .params = Convolution_params,
     .list_inputs = mxio__inputs_no_bias,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "Convolution_v1",
     .layer = &conv_rule,
     .kind = MXIO__KIND_CONV,
     .params = Convolution_v1_params,
     .list_inputs = mxio__inputs_no_bias,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "Deconvolution",
     .layer = &deconv_rule,
     .kind = MXIO__KIND_CONV,
     .aliases = (const char *const[]){"_npx_deconvolution", NULL},
     .params = Deconvolution_params,
     .list_inputs = mxio__inputs_no_bias,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "FullyConnected",
     .layer = &fc_rule,
     .kind = MXIO__KIND_CONV,
     .aliases = (const char *const[]){"_npx_fully_connected", "_sparse_FullyConnected", NULL},
     .params = FullyConnected_params,
     .list_inputs = mxio__inputs_no_bias,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "Embedding",
     .layer = &embedding_rule,
     .kind = MXIO__KIND_CONV,
     .aliases = (const char *const[]){"_npx_embedding", "_sparse_Embedding", NULL},
     .params = Embedding_params,
     .inputs = Embedding_inputs,
     .weight_mask = 1u << 1},
    {.name = "_contrib_DeformableConvolution",
     .kind = MXIO__KIND_CONV,
     .params = contrib_DeformableConvolution_params,
     .list_inputs = DeformableConvolution_inputs,
     .weight_mask = (1u << 2) | (1u << 3)},
    {.name = "_sg_mkldnn_conv",
     .kind = MXIO__KIND_CONV,
     .params = sg_mkldnn_conv_params,
     .list_inputs = sg_conv_inputs,
     .input_masks = sg_conv_masks,
     .count_outputs = sg_conv_outputs,
     .output_names = sg_conv_output_names},
    {.name = "_contrib_quantized_conv",
     .kind = MXIO__KIND_CONV,
     .params = contrib_quantized_conv_params,
     .inputs = contrib_quantized_conv_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {.name = "_contrib_quantized_fully_connected",
     .kind = MXIO__KIND_CONV,
     .params = contrib_quantized_fully_connected_params,
     .inputs = contrib_quantized_fully_connected_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {0},
};
