/* conv.c - layers with learned kernels: convolution, deconvolution, dense, embedding,
 * and MKLDNN-fused convolution subgraphs. One record per op; see op.h. */
#include "op.h"
#include "quantized.h"

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

/* ---- shape rules ---------------------------------------------------------- */

/* Channels-last layouts (NWC, NHWC, NDHWC) put C at the end; everything else
 * (None, NCW, NCHW, NCDHW) at axis 1. */
static bool channels_last(const mxio__attrs *a) {
    const char *l = mxio__attr_str(a, "layout");
    size_t n = l ? strlen(l) : 0;
    return n >= 3 && l[0] == 'N' && l[n - 1] == 'C';
}

typedef struct conv_geom {
    int nk;
    int64_t kernel[3], stride[3], dilate[3], pad[3], adj[3], target[3];
    int64_t num_filter, num_group;
    bool no_bias, last;
} conv_geom;

static mxio_status conv_read(mxio__shape_ctx *c, const mxio__attrs *a, bool deconv, conv_geom *g) {
    int64_t k[MXIO__MAX_DIMS];
    if (!mxio__attr_shape(a, "kernel", k, MXIO__MAX_DIMS, &g->nk, NULL) || g->nk < 1 || g->nk > 3)
        return mxio__shape_fail(c, "kernel must have 1 to 3 dims");
    memcpy(g->kernel, k, (size_t)g->nk * sizeof *k);
    if (!mxio__attr_dims(a, "stride", g->nk, 1, g->stride) ||
        !mxio__attr_dims(a, "dilate", g->nk, 1, g->dilate) ||
        !mxio__attr_dims(a, "pad", g->nk, 0, g->pad))
        return mxio__shape_fail(c, "stride, dilate and pad must have %d dims like the kernel", g->nk);
    if (deconv && (!mxio__attr_dims(a, "adj", g->nk, 0, g->adj) ||
                   !mxio__attr_dims(a, "target_shape", g->nk, 0, g->target)))
        return mxio__shape_fail(c, "adj and target_shape must have %d dims like the kernel", g->nk);
    g->num_group = 1;
    g->no_bias = deconv;
    if (!mxio__attr_int(a, "num_filter", &g->num_filter) || g->num_filter < 1)
        return mxio__shape_fail(c, "num_filter must be a positive integer");
    if (!mxio__attr_int(a, "num_group", &g->num_group) || g->num_group < 1)
        return mxio__shape_fail(c, "num_group must be a positive integer");
    mxio__attr_bool(a, "no_bias", &g->no_bias);
    for (int i = 0; i < g->nk; i++)
        if (g->kernel[i] < 1 || g->stride[i] < 1 || g->dilate[i] < 1 || g->pad[i] < 0)
            return mxio__shape_fail(c, "kernel, stride and dilate must be positive, pad >= 0");
    g->last = channels_last(a);
    return MXIO_OK;
}

/* A kernel-shaped weight (O, I, k...) or, channels-last, (O, k..., I). */
static mxio_status assign_kernel_weight(mxio__shape_ctx *c, int input, const conv_geom *g,
                                        int64_t o, int64_t i) {
    int64_t w[5];
    w[0] = o;
    for (int k = 0; k < g->nk; k++) w[(g->last ? 1 : 2) + k] = g->kernel[k];
    w[g->last ? g->nk + 1 : 1] = i;
    return mxio__shape_assign_in(c, input, g->nk + 2, w);
}

/* Convolution family: ConvolutionShape (src/operator/nn/convolution.cc). Inputs
 * data, weight[, bias] starting at `first`. */
static mxio_status conv_shapes(mxio__shape_ctx *c, const mxio__attrs *a, int first) {
    conv_geom g;
    mxio_status st = conv_read(c, a, false, &g);
    if (st) return st;
    const mxio__shape *x = &c->in[first];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != g.nk + 2)
        return mxio__shape_fail(c, "data must have %d dims for a %d-D kernel", g.nk + 2, g.nk);
    int cax = g.last ? x->ndim - 1 : 1, sp = g.last ? 1 : 2;
    int64_t ch = x->d[cax];
    if (ch > 0 && ch % g.num_group != 0)
        return mxio__shape_fail(c, "%lld input channels do not split into %lld groups",
                                (long long)ch, (long long)g.num_group);
    if (g.num_filter % g.num_group != 0)
        return mxio__shape_fail(c, "num_filter %lld does not split into %lld groups",
                                (long long)g.num_filter, (long long)g.num_group);
    if ((st = assign_kernel_weight(c, first + 1, &g, g.num_filter, ch > 0 ? ch / g.num_group : 0)))
        return st;
    if (!g.no_bias && (st = mxio__shape_assign_in(c, first + 2, 1, &g.num_filter))) return st;
    mxio__shape o = *x;
    o.d[cax] = g.num_filter;
    for (int i = 0; i < g.nk; i++) {
        int64_t in = x->d[sp + i];
        if (in <= 0) continue;
        int64_t span = in + 2 * g.pad[i] - (g.dilate[i] * (g.kernel[i] - 1) + 1);
        if (span < 0)
            return mxio__shape_fail(c, "kernel %lld (dilated) exceeds input %lld padded by %lld",
                                    (long long)g.kernel[i], (long long)in, (long long)g.pad[i]);
        o.d[sp + i] = span / g.stride[i] + 1;
    }
    return mxio__shape_assign_out(c, 0, &o);
}

static mxio_status conv_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    return conv_shapes(c, c->attrs, 0);
}

/* Deconvolution: DeconvolutionShape and DeconvolutionParam::InferPad. */
static mxio_status deconv_infer(mxio__shape_ctx *c) {
    conv_geom g;
    mxio__dtype_same(c);
    mxio_status st = conv_read(c, c->attrs, true, &g);
    if (st) return st;
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != g.nk + 2)
        return mxio__shape_fail(c, "data must have %d dims for a %d-D kernel", g.nk + 2, g.nk);
    int cax = g.last ? x->ndim - 1 : 1, sp = g.last ? 1 : 2;
    int64_t ch = x->d[cax];
    if ((ch > 0 && ch % g.num_group != 0) || g.num_filter % g.num_group != 0)
        return mxio__shape_fail(c, "channels %lld and num_filter %lld must split into %lld groups",
                                (long long)ch, (long long)g.num_filter, (long long)g.num_group);
    if ((st = assign_kernel_weight(c, 1, &g, ch, g.num_filter / g.num_group))) return st;
    if (!g.no_bias && (st = mxio__shape_assign_in(c, 2, 1, &g.num_filter))) return st;
    bool by_target = false;
    for (int i = 0; i < g.nk; i++) by_target |= g.target[i] != 0;
    mxio__shape o = *x;
    o.d[cax] = g.num_filter;
    for (int i = 0; i < g.nk; i++) {
        int64_t in = x->d[sp + i];
        if (in <= 0) continue;
        int64_t full = g.stride[i] * (in - 1) + g.dilate[i] * (g.kernel[i] - 1) + 1;
        int64_t pad = g.pad[i], adj = g.adj[i];
        if (by_target) {
            if (full < g.target[i])
                return mxio__shape_fail(c, "target_shape %lld is larger than the full output %lld",
                                        (long long)g.target[i], (long long)full);
            adj = (full - g.target[i]) % 2;
            pad = (full - g.target[i] + 1) / 2;
        }
        if (adj >= g.stride[i]) return mxio__shape_fail(c, "adj must be smaller than stride");
        o.d[sp + i] = full - 2 * pad + adj;
        if (o.d[sp + i] < 1) return mxio__shape_fail(c, "output size is not positive");
    }
    return mxio__shape_assign_out(c, 0, &o);
}

/* FullyConnected: flatten collapses all axes after the first; otherwise only
 * the last axis is transformed (FullyConnectedShape). */
static mxio_status fc_infer(mxio__shape_ctx *c) {
    int64_t hidden;
    bool flatten = true, no_bias = false;
    mxio__dtype_same(c);
    if (!mxio__attr_int(c->attrs, "num_hidden", &hidden) || hidden < 1)
        return mxio__shape_fail(c, "num_hidden must be a positive integer");
    mxio__attr_bool(c->attrs, "flatten", &flatten);
    mxio__attr_bool(c->attrs, "no_bias", &no_bias);
    mxio_status st;
    if (!no_bias && (st = mxio__shape_assign_in(c, 2, 1, &hidden))) return st;
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim < 1) return mxio__shape_fail(c, "data must have at least one dim");
    int64_t in = 1;
    mxio__shape o;
    if (flatten) {
        for (int i = 1; i < x->ndim; i++) in = x->d[i] > 0 && in > 0 ? in * x->d[i] : 0;
        int64_t od[2] = {x->d[0], hidden};
        mxio__shape_make(&o, 2, od);
    } else {
        in = x->d[x->ndim - 1];
        o = *x;
        o.d[x->ndim - 1] = hidden;
    }
    int64_t w[2] = {hidden, in > 0 ? in : 0};
    if ((st = mxio__shape_assign_in(c, 1, 2, w))) return st;
    if ((st = mxio__shape_assign_out(c, 0, &o))) return st;
    /* MXNet hands the output's dim 0 back to the data while the data's is
     * unknown (an RNN begin state `_zeros(shape=(0, H))` learns its batch this
     * way); once known, MXNet does not run the rule again. */
    if (x->d[0] > 0 || c->out[0].ndim < 1 || c->out[0].d[0] <= 0) return MXIO_OK;
    mxio__shape back = *x;
    back.d[0] = c->out[0].d[0];
    return mxio__shape_assign(c, &c->in[0], &back, "input 0 (data)");
}

/* Embedding: weight (input_dim, output_dim); out = data.shape + (output_dim,).
 * The output takes the dtype attr; the indices keep theirs. */
static mxio_status embedding_infer(mxio__shape_ctx *c) {
    int64_t in_dim, out_dim;
    if (!mxio__attr_int(c->attrs, "input_dim", &in_dim) ||
        !mxio__attr_int(c->attrs, "output_dim", &out_dim))
        return mxio__shape_fail(c, "input_dim and output_dim are required");
    int dt = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    if (dt < 0) dt = MXIO_DTYPE_FLOAT32;
    if (c->nin > 1 && c->in_dtype[1] < 0) c->in_dtype[1] = dt;
    if (c->nout > 0 && c->out_dtype[0] < 0) c->out_dtype[0] = dt;
    if (c->nin > 0 && c->in_dtype[0] < 0) c->in_dtype[0] = dt;
    int64_t w[2] = {in_dim, out_dim};
    mxio_status st = mxio__shape_assign_in(c, 1, 2, w);
    if (st) return st;
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim >= MXIO__MAX_DIMS) return mxio__shape_fail(c, "data has too many dims");
    mxio__shape o = *x;
    o.d[o.ndim++] = out_dim;
    return mxio__shape_assign_out(c, 0, &o);
}

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

/* quantized_conv: data, weight[, bias] then their min/max ranges; int32 out. */
static mxio_status qconv_infer(mxio__shape_ctx *c) {
    bool no_bias = false;
    mxio__attr_bool(c->attrs, "no_bias", &no_bias);
    return mxio__infer_quantized(c, conv_infer, no_bias ? 2 : 3, MXIO_DTYPE_INT32);
}

static mxio_status qfc_infer(mxio__shape_ctx *c) {
    bool no_bias = false;
    mxio__attr_bool(c->attrs, "no_bias", &no_bias);
    return mxio__infer_quantized(c, fc_infer, no_bias ? 2 : 3, MXIO_DTYPE_INT32);
}

/* _sg_mkldnn_conv: the inner Convolution's rule on data, weight[, bias]; BN
 * parameters are (num_filter,), `sum` is shaped like the output, and quantized
 * ranges are (1,) (SgMKLDNNConvInferShape). */
static mxio_status sg_conv_infer(mxio__shape_ctx *c) {
    const mxio__node *n = c->attrs->node;
    const mxio__node *conv = NULL;
    if (n && n->nsubgraphs > 0 && n->subgraphs[0])
        for (size_t i = 0; i < n->subgraphs[0]->nnodes; i++)
            if (strcmp(n->subgraphs[0]->nodes[i].op, "Convolution") == 0)
                conv = &n->subgraphs[0]->nodes[i];
    if (!conv) return mxio__shape_fail(c, "no Convolution in the fused subgraph");
    mxio__attrs inner = {conv->attrs, conv->nattrs, mxio__op_find("Convolution"), conv};
    bool bn = false, sum = false, q = false;
    mxio__attr_bool(c->attrs, "with_bn", &bn);
    mxio__attr_bool(c->attrs, "with_sum", &sum);
    mxio__attr_bool(c->attrs, "quantized", &q);
    bool no_bias = sg_conv_no_bias(c->attrs);
    int nconv = no_bias ? 2 : 3;
    /* Quantized: int8/uint8 data, but float32 weights (quantized inside). */
    for (int i = 1; q && i < c->nin; i++)
        if (c->in_dtype[i] < 0) c->in_dtype[i] = MXIO_DTYPE_FLOAT32;
    mxio__shape_ctx sub = *c;
    sub.attrs = &inner;
    sub.nin = nconv < c->nin ? nconv : c->nin;
    sub.nout = c->nout > 0 ? 1 : 0;
    mxio_status st = conv_infer(&sub);
    if (st) return st;
    int64_t nf = 0, one = 1;
    mxio__attr_int(&inner, "num_filter", &nf);
    int k = nconv;
    if (bn)
        for (int i = 0; i < 4; i++, k++) {
            if ((st = mxio__shape_assign_in(c, k, 1, &nf))) return st;
            if (c->in_dtype[k] < 0) c->in_dtype[k] = MXIO_DTYPE_FLOAT32;
        }
    if (sum && k < c->nin && c->nout > 0) {
        if ((st = mxio__shape_assign_in(c, k, c->out[0].ndim, c->out[0].d))) return st;
        k++;
    }
    for (; q && k < c->nin; k++) {
        if ((st = mxio__shape_assign_in(c, k, 1, &one))) return st;
        if (c->in_dtype[k] < 0) c->in_dtype[k] = MXIO_DTYPE_FLOAT32;
    }
    if (q) {
        mxio__shape range;
        mxio__shape_make(&range, 1, &one);
        for (int i = 1; i < c->nout; i++) {
            if ((st = mxio__shape_assign_out(c, i, &range))) return st;
            c->out_dtype[i] = MXIO_DTYPE_FLOAT32;
        }
        /* int8/uint8 with calibration ranges, int32 without. */
        double lo;
        bool calib = mxio__attr_float(c->attrs, "min_calib_range", &lo);
        /* MXNet's IsOutputUInt8: uint8 when a relu comes last (the activation with no
         * sum after it, or the post-sum activation). MXNet 1.5 files spell the flags
         * with_relu / with_postsum_relu. */
        bool act, post, sum, flag;
        act = (mxio__attr_bool(c->attrs, "with_act", &flag) && flag) ||
              (mxio__attr_bool(c->attrs, "with_relu", &flag) && flag);
        post = (mxio__attr_bool(c->attrs, "with_postsum_act", &flag) && flag) ||
               (mxio__attr_bool(c->attrs, "with_postsum_relu", &flag) && flag);
        sum = mxio__attr_bool(c->attrs, "with_sum", &flag) && flag;
        if (c->nout > 0)
            c->out_dtype[0] = !calib                   ? MXIO_DTYPE_INT32
                              : (act && !sum) || post ? MXIO_DTYPE_UINT8
                                                      : MXIO_DTYPE_INT8;
    }
    return MXIO_OK;
}

/* DeformableConvolution: a convolution over (data, weight, bias) at inputs
 * 0, 2, 3; MXNet needs the offset map's shape before it infers anything. */
static mxio_status deformable_conv_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    if (c->nin < 3 || !mxio__shape_rank_known(&c->in[1])) return MXIO_OK;
    mxio__shape in[3] = {c->in[0], c->in[2], c->nin > 3 ? c->in[3] : c->in[2]};
    int dt[3] = {c->in_dtype[0], c->in_dtype[2], c->nin > 3 ? c->in_dtype[3] : c->in_dtype[2]};
    mxio__shape_ctx sub = *c;
    sub.in = in;
    sub.in_dtype = dt;
    sub.nin = c->nin > 3 ? 3 : 2;
    mxio_status st = conv_shapes(&sub, c->attrs, 0);
    if (st) return st;
    c->in[2] = in[1];
    if (c->nin > 3) c->in[3] = in[2];
    return MXIO_OK;
}


/* ---- _sg_mkldnn_fully_connected */
/* The fused dense op names its inputs after its subgraph's variables
 * (DefaultSubgraphOpListInputs), then the quantized ranges
 * (SgMKLDNNFCListInputNames in src/operator/subgraph/mkldnn/mkldnn_fc.cc). */
static const mxio__node *sg_inner(const mxio__attrs *a, const char *op) {
    const mxio__node *n = a->node;
    if (!n || n->nsubgraphs == 0 || !n->subgraphs[0]) return NULL;
    for (size_t i = 0; i < n->subgraphs[0]->nnodes; i++)
        if (strcmp(n->subgraphs[0]->nodes[i].op, op) == 0) return &n->subgraphs[0]->nodes[i];
    return NULL;
}

static bool sg_fc_no_bias(const mxio__attrs *a) {
    bool no_bias = false;
    const mxio__node *fc = sg_inner(a, "FullyConnected");
    if (fc) {
        mxio__attrs inner = {fc->attrs, fc->nattrs, mxio__op_find("FullyConnected"), fc};
        mxio__attr_bool(&inner, "no_bias", &no_bias);
    }
    return no_bias;
}

static int sg_fc_inputs(const mxio__attrs *a, const char **names, int cap) {
    static const char *const plain[] = {"data", "weight", "bias"};
    static const char *const ranges[] = {"min_data", "max_data",   "min_weight",
                                         "max_weight", "min_bias", "max_bias"};
    bool q = false, cw = false;
    mxio__attr_bool(a, "quantized", &q);
    mxio__attr_bool(a, "channel_wise_quantize", &cw);
    int base = sg_fc_no_bias(a) ? 2 : 3, n = 0;
    const mxio__node *node = a->node;
    if (node && node->nsubgraphs > 0 && node->subgraphs[0]) {
        const struct mxio_symbol *g = node->subgraphs[0];
        for (size_t i = 0; i < g->nnodes && n < base; i++)
            if (strcmp(g->nodes[i].op, "null") == 0) {
                if (n >= cap) return -1;
                names[n++] = g->nodes[i].name;
            }
    }
    for (; n < base; n++) {
        if (n >= cap) return -1;
        names[n] = plain[n];
    }
    int extra = !q ? 0 : cw ? 2 : 2 * base;
    if (n + extra > cap) return -1;
    for (int i = 0; i < extra; i++) names[n++] = ranges[i];
    return n;
}

static void sg_fc_masks(const mxio__attrs *a, uint32_t *weight, uint32_t *aux, uint32_t *label) {
    *weight = sg_fc_no_bias(a) ? 1u << 1 : (1u << 1) | (1u << 2);
    *aux = *label = 0;
}

static int sg_fc_outputs(const mxio__attrs *a, int *visible) {
    bool q = false, f = false;
    mxio__attr_bool(a, "quantized", &q);
    mxio__attr_bool(a, "enable_float_output", &f);
    int n = q && !f ? 3 : 1;
    if (visible) *visible = n;
    return n;
}

/* The inner FullyConnected's rule on data, weight[, bias]; ranges are (1,). */
static mxio_status sg_fc_infer(mxio__shape_ctx *c) {
    const mxio__node *fc = sg_inner(c->attrs, "FullyConnected");
    if (!fc) return mxio__shape_fail(c, "no FullyConnected in the fused subgraph");
    mxio__attrs inner = {fc->attrs, fc->nattrs, mxio__op_find("FullyConnected"), fc};
    bool q = false, f = false;
    mxio__attr_bool(c->attrs, "quantized", &q);
    mxio__attr_bool(c->attrs, "enable_float_output", &f);
    int base = sg_fc_no_bias(c->attrs) ? 2 : 3;
    bool cw = false;
    mxio__attr_bool(c->attrs, "channel_wise_quantize", &cw);
    /* SgMKLDNNFCInferType: int8 weight and bias (float32 when channel-wise),
     * float32 ranges. */
    for (int i = 1; q && i < c->nin; i++)
        if (c->in_dtype[i] < 0) c->in_dtype[i] = !cw && i < base ? MXIO_DTYPE_INT8 : MXIO_DTYPE_FLOAT32;
    mxio__shape_ctx sub = *c;
    sub.attrs = &inner;
    mxio_status st = mxio__infer_quantized(&sub, fc_infer, base, -1);
    if (st) return st;
    if (q && c->nout > 0) {
        double lo;
        bool calib = mxio__attr_float(c->attrs, "min_calib_range", &lo);
        c->out_dtype[0] = f ? MXIO_DTYPE_FLOAT32 : !calib ? MXIO_DTYPE_INT32
                          : lo >= 0 ? MXIO_DTYPE_UINT8 : MXIO_DTYPE_INT8;
    }
    return MXIO_OK;
}

static const mxio__attr_spec sg_fc_params[] = {
    /* MKLDNNFCParam (src/operator/nn/mkldnn/mkldnn_fully_connected-inl.h). */
    {"quantized", MXIO__ATTR_BOOL, "False", NULL},
    {"enable_float_output", MXIO__ATTR_BOOL, "False", NULL},
    {"with_eltwise", MXIO__ATTR_BOOL, "False", NULL},
    {"min_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"max_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"channel_wise_quantize", MXIO__ATTR_OPT_BOOL, "None", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

static mxio_status conv_params_of(const mxio__kernel_req *r, mxio__conv_params *p, mxio_error *err) {
    memset(p, 0, sizeof *p);
    int n = 0;
    int64_t nf = 0, ng = 1;
    bool no_bias = false;
    if (!mxio__attr_shape(r->attrs, "kernel", p->kernel, 3, &n, NULL) || n < 1 || n > 3)
        return mxio__bind_unsupported(r, err, "this kernel rank is");
    p->nspatial = n;
    if (!mxio__attr_dims(r->attrs, "stride", n, 1, p->stride) ||
        !mxio__attr_dims(r->attrs, "dilate", n, 1, p->dilate) ||
        !mxio__attr_dims(r->attrs, "pad", n, 0, p->pad) ||
        (mxio__attr_str(r->attrs, "adj") && !mxio__attr_dims(r->attrs, "adj", n, 0, p->adj)))
        return mxio__bind_unsupported(r, err, "stride/dilate/pad/adj of another rank than kernel is");
    mxio__attr_int(r->attrs, "num_filter", &nf);
    mxio__attr_int(r->attrs, "num_group", &ng);
    mxio__attr_bool(r->attrs, "no_bias", &no_bias);
    p->num_filter = nf;
    p->num_group = ng;
    p->no_bias = no_bias;
    p->blocked_out = r->blocked_out;
    return MXIO_OK;
}

/* Channels-last (NWC/NHWC/NDHWC): the channels-first kernel between two
 * transposes (src/runtime/k_layout.c), its weight permuted and packed now.
 * MXNet 1.9.1 defines these layouts but its CPU build does not run them. */
static mxio_status conv_channels_last(const mxio__kernel_req *r, mxio__conv_params *p, bool deconv,
                                      const float *w, const float *b, mxio__kernel **k,
                                      mxio_error *err) {
    if (r->in[0].layout != MXIO__LAYOUT_PLAIN)
        return mxio__bind_unsupported(r, err, "a channels-last layer on a oneDNN layout is");
    if (!w || r->nin < 2) return mxio__bind_unsupported(r, err, "a channels-last layer with computed weights is");
    mxio__tdesc first;
    mxio__channels_first_desc(&r->in[0], &first);
    mxio_status st;
    int64_t target[3] = {0, 0, 0};
    mxio__attr_dims(r->attrs, "target_shape", p->nspatial, 0, target);
    if (deconv && (target[0] || target[1] || target[2]) &&
        (st = mxio__deconv_apply_target_shape(p, &first, target, err)))
        return st;
    float *wt = NULL;
    if ((st = mxio__channels_first_weight(&r->in[1], w, &wt, err))) return st;
    bool post_sum = p->post_sum;
    p->blocked_out = false;
    mxio__kernel *inner = NULL;
    st = deconv ? mxio__k_deconv_create(r->ctx, p, &first, wt, b, &inner, err)
                : mxio__k_conv_create(r->ctx, p, &first, wt, b, &inner, err);
    mxio__rt_free(wt); /* packed by the kernel */
    if (st) return st;
    return mxio__k_channels_last_wrap(r->ctx, &r->in[0], inner, post_sum, k, err);
}

static mxio_status conv_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__conv_params p;
    mxio_status st = conv_params_of(r, &p, err);
    if (st) return st;
    const float *w = r->constant[1], *b = p.no_bias || r->nin < 3 ? NULL : r->constant[2];
    if (r->fusion) { /* a folded BatchNorm and post-ops (src/runtime/exec.c) */
        w = r->fusion->weight;
        b = r->fusion->bias;
        p.no_bias = false;
        p.post_sum = r->fusion->post_sum;
        p.post_act = r->fusion->post_act;
        p.act = r->fusion->act;
    }
    mxio_status st2 = channels_last(r->attrs) ? conv_channels_last(r, &p, false, w, b, k, err)
                                              : mxio__k_conv_create(r->ctx, &p, &r->in[0], w, b, k, err);
    if (st2 == MXIO_OK && w) *r->packed |= b || r->nin < 3 ? 6u : 2u;
    return st2;
}

static mxio_status deconv_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__conv_params p;
    mxio_status st = conv_params_of(r, &p, err);
    if (st) return st;
    const float *w = r->constant[1], *b = p.no_bias || r->nin < 3 ? NULL : r->constant[2];
    if (channels_last(r->attrs)) {
        if ((st = conv_channels_last(r, &p, true, w, b, k, err))) return st;
        *r->packed |= b || r->nin < 3 ? 6u : 2u;
        return MXIO_OK;
    }
    int64_t target[3] = {0, 0, 0};
    mxio__attr_dims(r->attrs, "target_shape", p.nspatial, 0, target);
    if ((target[0] || target[1] || target[2]) &&
        (st = mxio__deconv_apply_target_shape(&p, &r->in[0], target, err)))
        return st;
    if ((st = mxio__k_deconv_create(r->ctx, &p, &r->in[0], w, b, k, err))) return st;
    if (w) *r->packed |= b || r->nin < 3 ? 6u : 2u;
    return MXIO_OK;
}

static mxio_status fc_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__fc_params p = {.flatten = true};
    mxio__attr_int(r->attrs, "num_hidden", &p.num_hidden);
    mxio__attr_bool(r->attrs, "no_bias", &p.no_bias);
    mxio__attr_bool(r->attrs, "flatten", &p.flatten);
    const float *w = r->constant[1], *b = p.no_bias || r->nin < 3 ? NULL : r->constant[2];
    mxio_status st = mxio__k_fc_create(r->ctx, &p, &r->in[0], w, b, k, err);
    if (st == MXIO_OK && w) *r->packed |= b || r->nin < 3 ? 6u : 2u;
    return st;
}

static mxio_status embedding_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t in_dim = 0, out_dim = 0;
    mxio__attr_int(r->attrs, "input_dim", &in_dim);
    mxio__attr_int(r->attrs, "output_dim", &out_dim);
    return mxio__k_embedding_create(r->ctx, in_dim, out_dim, r->in, k, err);
}

/* DeformableConvolution: 2-D only (MXNet's CPU kernel says "not implemented" for
 * other ranks); stride/dilate/pad empty mean 1/1/0. */
static mxio_status deform_conv_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__deform_conv_params p;
    memset(&p, 0, sizeof p);
    int64_t v[4];
    int n = 0;
    const char *layout = mxio__attr_str(r->attrs, "layout");
    if (layout && strcmp(layout, "None") != 0 && strcmp(layout, "NCHW") != 0)
        return mxio__bind_unsupported(r, err, "a layout other than NCHW is");
    if (!mxio__attr_shape(r->attrs, "kernel", v, 4, &n, NULL) || n != 2)
        return mxio__bind_unsupported(r, err, "a kernel that is not 2-D is");
    p.kernel[0] = v[0], p.kernel[1] = v[1];
    if (!mxio__attr_dims(r->attrs, "stride", 2, 1, p.stride) || !mxio__attr_dims(r->attrs, "dilate", 2, 1, p.dilate) ||
        !mxio__attr_dims(r->attrs, "pad", 2, 0, p.pad) || !mxio__attr_int(r->attrs, "num_filter", &p.num_filter))
        return mxio__bind_unsupported(r, err, "these stride/dilate/pad/num_filter values are");
    p.num_group = 1, p.num_deformable_group = 1;
    mxio__attr_int(r->attrs, "num_group", &p.num_group);
    mxio__attr_int(r->attrs, "num_deformable_group", &p.num_deformable_group);
    mxio__attr_bool(r->attrs, "no_bias", &p.no_bias);
    return mxio__k_deform_conv_create(r->ctx, &p, r->in, k, err);
}

const mxio__op mxio__ops_conv[] = {
    {.name = "Convolution",
     .kernel = conv_kernel,
     .layer = &conv_rule,
     .kind = MXIO__KIND_CONV,
     .infer_shape = conv_infer,
     .macs = mxio__macs_weight_rows,
     .aliases = (const char *const[]){"_npx_convolution", NULL},
     .params = Convolution_params,
     .list_inputs = mxio__inputs_no_bias,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "Convolution_v1",
     .kernel = conv_kernel,
     .layer = &conv_rule,
     .kind = MXIO__KIND_CONV,
     .infer_shape = conv_infer,
     .macs = mxio__macs_weight_rows,
     .params = Convolution_v1_params,
     .list_inputs = mxio__inputs_no_bias,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "Deconvolution",
     .kernel = deconv_kernel,
     .layer = &deconv_rule,
     .kind = MXIO__KIND_CONV,
     .infer_shape = deconv_infer,
     .macs = mxio__macs_deconv,
     .aliases = (const char *const[]){"_npx_deconvolution", NULL},
     .params = Deconvolution_params,
     .list_inputs = mxio__inputs_no_bias,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "FullyConnected",
     .kernel = fc_kernel,
     .layer = &fc_rule,
     .kind = MXIO__KIND_CONV,
     .infer_shape = fc_infer,
     .macs = mxio__macs_weight_rows,
     .aliases = (const char *const[]){"_npx_fully_connected", "_sparse_FullyConnected", NULL},
     .params = FullyConnected_params,
     .list_inputs = mxio__inputs_no_bias,
     .weight_mask = (1u << 1) | (1u << 2)},
    {.name = "Embedding",
     .kernel = embedding_kernel,
     .layer = &embedding_rule,
     .kind = MXIO__KIND_CONV,
     .infer_shape = embedding_infer,
     .aliases = (const char *const[]){"_npx_embedding", "_sparse_Embedding", NULL},
     .params = Embedding_params,
     .inputs = Embedding_inputs,
     .weight_mask = 1u << 1},
    {.name = "_contrib_DeformableConvolution",
     .kernel = deform_conv_kernel,
     .kind = MXIO__KIND_CONV,
     .infer_shape = deformable_conv_infer,
     .params = contrib_DeformableConvolution_params,
     .list_inputs = DeformableConvolution_inputs,
     .weight_mask = (1u << 2) | (1u << 3)},
    {.name = "_sg_mkldnn_conv",
     .kernel = mxio__bind_sg_mkldnn_conv,
     .kind = MXIO__KIND_CONV,
     .infer_shape = sg_conv_infer,
     .macs = mxio__macs_weight_rows,
     .params = sg_mkldnn_conv_params,
     .list_inputs = sg_conv_inputs,
     .input_masks = sg_conv_masks,
     .count_outputs = sg_conv_outputs,
     .output_names = sg_conv_output_names},
    {.name = "_contrib_quantized_conv",
     .kind = MXIO__KIND_CONV,
     .infer_shape = qconv_infer,
     .macs = mxio__macs_weight_rows,
     .params = contrib_quantized_conv_params,
     .inputs = contrib_quantized_conv_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {.name = "_contrib_quantized_fully_connected",
     .kind = MXIO__KIND_CONV,
     .infer_shape = qfc_infer,
     .macs = mxio__macs_weight_rows,
     .params = contrib_quantized_fully_connected_params,
     .inputs = contrib_quantized_fully_connected_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {.name = "_sg_mkldnn_fully_connected",
     .kernel = mxio__bind_sg_mkldnn_fc,
     .kind = MXIO__KIND_CONV,
     .infer_shape = sg_fc_infer,
     .macs = mxio__macs_weight_rows,
     .params = sg_fc_params,
     .list_inputs = sg_fc_inputs,
     .input_masks = sg_fc_masks,
     .count_outputs = sg_fc_outputs,
     .output_names = mxio__quantized_output_names},
    {0},
};
