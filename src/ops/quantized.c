/* quantized.c - kernel bindings of MXNet 1.9.1's oneDNN int8 ops and of the
 * fused _sg_mkldnn_conv / _sg_mkldnn_fully_connected (quantized or fp32): attrs
 * (with MXNet's defaults, through the records' parameter tables), the fused
 * subgraphs, the BatchNorm folding MXNet does before it quantizes the weights,
 * and the output type rules. Kernels: src/runtime/k_quant.c (int8) and the
 * runtime's Convolution / FullyConnected / activation kernels (fp32). */
#include "quantized.h"

#include <math.h>
#include <stdlib.h>

#include "../runtime/exec.h"
#include "../runtime/k_quant.h"

/* Both calibration bounds, as MXNet's dmlc::optional<float>. */
static bool calib_range(const mxio__attrs *a, float *lo, float *hi) {
    double l, h;
    if (!mxio__attr_float(a, "min_calib_range", &l) || !mxio__attr_float(a, "max_calib_range", &h))
        return false;
    *lo = (float)l;
    *hi = (float)h;
    return true;
}

mxio_status mxio__bind_quantize_v2(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const types[] = {"auto", "int8", "uint8", NULL};
    mxio__quantize_params p = {0};
    int t = mxio__bind_pick(mxio__attr_str(r->attrs, "out_type"), types);
    if (t < 0) return mxio__bind_unsupported(r, err, "this out_type is");
    p.calib = calib_range(r->attrs, &p.calib_min, &p.calib_max);
    /* GetQuantizeOutputType: auto is uint8 only for a calibrated range >= 0 */
    p.out_dtype = t == 2 || (t == 0 && p.calib && p.calib_min >= 0.0f) ? MXIO_DTYPE_UINT8 : MXIO_DTYPE_INT8;
    return mxio__k_quantize_create(r->ctx, &p, &r->in[0], k, err);
}

mxio_status mxio__bind_requantize(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const types[] = {"auto", "int8", "uint8", NULL};
    mxio__quantize_params p = {0};
    int t = mxio__bind_pick(mxio__attr_str(r->attrs, "out_type"), types);
    if (t < 0) return mxio__bind_unsupported(r, err, "this out_type is");
    if (r->nin != 3) return mxio__bind_unsupported(r, err, "a requantize without 3 inputs is");
    p.calib = calib_range(r->attrs, &p.calib_min, &p.calib_max);
    p.out_dtype = t == 2 || (t == 0 && p.calib && p.calib_min >= 0.0f) ? MXIO_DTYPE_UINT8 : MXIO_DTYPE_INT8;
    return mxio__k_requantize_create(r->ctx, &p, r->in, k, err);
}

mxio_status mxio__bind_dequantize(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    if (r->nin != 3) return mxio__bind_unsupported(r, err, "a dequantize without 3 inputs is");
    return mxio__k_dequantize_create(r->ctx, r->in, k, err);
}

mxio_status mxio__bind_quantized_pooling(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const types[] = {"max", "avg", NULL};
    mxio__qpool_params p = {0};
    const char *layout = mxio__attr_str(r->attrs, "layout");
    if (layout && strcmp(layout, "None") && strcmp(layout, "NCW") && strcmp(layout, "NCHW") &&
        strcmp(layout, "NCDHW"))
        return mxio__bind_unsupported(r, err, "a channels-last layout is");
    int t = mxio__bind_pick(mxio__attr_str(r->attrs, "pool_type"), types), n = 0;
    if (t < 0) return mxio__bind_unsupported(r, err, "int8 pooling other than max/avg is");
    if (r->nin != 3 || r->nout < 1 || !mxio__shape_known(&r->out[0]) || r->out[0].ndim != r->in[0].ndim)
        return mxio__bind_unsupported(r, err, "an output shape the shape rule cannot give is");
    p.avg = t == 1;
    bool global = false;
    mxio__attr_bool(r->attrs, "global_pool", &global);
    if (global) {
        n = r->in[0].ndim - 2;
        for (int d = 0; d < n && d < 3; d++) {
            p.kernel[d] = r->in[0].dims[2 + d];
            p.stride[d] = 1;
            p.pad[d] = 0;
        }
    } else {
        if (!mxio__attr_shape(r->attrs, "kernel", p.kernel, 3, &n, NULL)) n = 0;
        if (n >= 1 && n <= 3 &&
            (!mxio__attr_dims(r->attrs, "stride", n, 1, p.stride) || !mxio__attr_dims(r->attrs, "pad", n, 0, p.pad)))
            return mxio__bind_unsupported(r, err, "stride/pad of another rank than kernel is");
    }
    if (n < 1 || n > 3) return mxio__bind_unsupported(r, err, "this kernel rank is");
    p.nspatial = n;
    p.count_include_pad = true; /* MXNet: None counts the padding */
    mxio__attr_bool(r->attrs, "count_include_pad", &p.count_include_pad);
    return mxio__k_qpool_create(r->ctx, &p, r->in, r->out[0].d, k, err);
}

mxio_status mxio__bind_quantized_concat(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t dim = 1, n = 0;
    mxio__attr_int(r->attrs, "dim", &dim);
    if (!mxio__attr_int(r->attrs, "num_args", &n) || n < 1 || r->nin != 3 * n)
        return mxio__bind_unsupported(r, err, "this num_args is");
    int axis;
    if (!mxio__axis(dim, r->in[0].ndim, &axis)) return mxio__bind_unsupported(r, err, "this dim is");
    return mxio__k_qconcat_create(r->ctx, axis, (int)n, r->in, k, err);
}

mxio_status mxio__bind_quantized_flatten(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    if (r->nin != 3) return mxio__bind_unsupported(r, err, "a quantized flatten without 3 inputs is");
    return mxio__k_qflatten_create(r->ctx, r->in, k, err);
}

mxio_status mxio__bind_quantized_elemwise_add(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__quantize_params p = {0};
    if (r->nin != 6) return mxio__bind_unsupported(r, err, "a quantized add without 6 inputs is");
    p.calib = calib_range(r->attrs, &p.calib_min, &p.calib_max);
    return mxio__k_qadd_create(r->ctx, &p, r->in, k, err);
}

mxio_status mxio__bind_quantized_act(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    const char *t = mxio__attr_str(r->attrs, "act_type");
    if (!t || strcmp(t, "relu")) return mxio__bind_unsupported(r, err, "a quantized activation other than relu is");
    if (r->nin != 3) return mxio__bind_unsupported(r, err, "a quantized activation without 3 inputs is");
    return mxio__k_qrelu_create(r->ctx, r->in, k, err);
}

/* ---- _sg_mkldnn_conv ---------------------------------------------------------- */

static const mxio__node *inner_node(const mxio__attrs *a, const char *op, int skip) {
    const mxio__node *n = a->node;
    if (!n || n->nsubgraphs == 0 || !n->subgraphs[0]) return NULL;
    const struct mxio_symbol *g = n->subgraphs[0];
    for (size_t i = 0; i < g->nnodes; i++)
        if (strcmp(g->nodes[i].op, op) == 0 && skip-- == 0) return &g->nodes[i];
    return NULL;
}

static bool flag(const mxio__attrs *a, const char *now, const char *old) {
    bool v = false; /* MXNet 1.5 files say with_relu / with_postsum_relu */
    if (!mxio__attr_bool(a, now, &v)) mxio__attr_bool(a, old, &v);
    if (!v) {
        const char *s = mxio__attr_str(a, old);
        if (s) mxio__parse_bool(s, &v);
    }
    return v;
}

/* UpdateConvWeightBias: alpha = gamma / sqrt(var + eps) with eps a double, the
 * weights scaled by alpha and the bias beta + alpha (bias - mean) in float. */
static void fold_bn(const float *g, const float *b, const float *mean, const float *var, double eps,
                    bool fix_gamma, int64_t o, int64_t row, float *w, float *bias, bool had_bias) {
    for (int64_t c = 0; c < o; c++) {
        float alpha = (float)((fix_gamma ? 1.0 : (double)g[c]) / sqrt((double)var[c] + eps));
        bias[c] = had_bias ? b[c] + alpha * (bias[c] - mean[c]) : b[c] - alpha * mean[c];
        for (int64_t i = 0; i < row; i++) w[c * row + i] = w[c * row + i] * alpha;
    }
}

/* quantized=False: MXNet's fp32 fusion (BatchNorm folded the same way, the
 * activation and the sum as oneDNN post-ops) on the runtime's Convolution
 * kernel; a sum input is copied into the output first (the kernel's post_sum
 * adds what the output holds). */
typedef struct fused_impl {
    mxio__kernel *conv;
    int sum_index;
    size_t bytes;
} fused_impl;

static mxio_status fused_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    const fused_impl *f = k->impl;
    memcpy(out[0], in[f->sum_index], f->bytes);
    return mxio__kernel_run(f->conv, ex, in, out, scratch, err);
}

static void fused_destroy(mxio__kernel *k) {
    fused_impl *f = k->impl;
    if (f) mxio__kernel_free(f->conv);
    free(f);
    k->impl = NULL;
}

static mxio_status fp32_conv(const mxio__kernel_req *r, const mxio__qconv_params *q, const mxio__node *act,
                             mxio__kernel **out, mxio_error *err) {
    mxio__conv_params p = {.nspatial = q->nspatial, .num_filter = q->num_filter, .num_group = q->num_group};
    for (int d = 0; d < 3; d++) {
        p.kernel[d] = q->kernel[d];
        p.stride[d] = q->stride[d];
        p.dilate[d] = q->dilate[d];
        p.pad[d] = q->pad[d];
    }
    p.no_bias = !q->bias;
    p.post_sum = q->with_sum;
    if (act) {
        mxio__attrs aa = {act->attrs, act->nattrs, mxio__op_find(act->op), act};
        if (!aa.op || !mxio__act_params_of(&aa, &p.act))
            return mxio__bind_unsupported(r, err, "this fused activation is");
        p.post_act = true;
    }
    p.blocked_out = r->blocked_out && !q->with_sum;
    for (int i = 0; i < r->nin; i++)
        if (r->in[i].dtype != MXIO_DTYPE_FLOAT32)
            return mxio__bind_unsupported(r, err, "a non-float32 input of an fp32 fused convolution is");
    mxio__kernel *conv = NULL;
    mxio_status st = mxio__k_conv_create(r->ctx, &p, &r->in[0], q->weight, q->bias, &conv, err);
    if (st || !q->with_sum) {
        *out = conv;
        return st;
    }
    const mxio__tdesc *res = &r->in[q->sum_index];
    bool same = res->layout == MXIO__LAYOUT_PLAIN && conv->out[0].layout == MXIO__LAYOUT_PLAIN &&
                res->ndim == conv->out[0].ndim;
    for (int d = 0; same && d < res->ndim; d++) same = res->dims[d] == conv->out[0].dims[d];
    if (!same) {
        mxio__kernel_free(conv);
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "node '%s': the sum input must be plain and shaped like the output",
                          r->node_name ? r->node_name : "?");
    }
    mxio__kernel *k = mxio__kernel_new("_sg_mkldnn_conv", r->nin, r->in, sizeof(fused_impl));
    if (!k) {
        mxio__kernel_free(conv);
        return mxio__fail(err, MXIO_E_NOMEM, "node '%s': out of memory", r->node_name ? r->node_name : "?");
    }
    fused_impl *f = k->impl;
    f->conv = conv;
    f->sum_index = q->sum_index;
    f->bytes = mxio__tdesc_bytes(&conv->out[0]);
    k->out[0] = conv->out[0];
    k->scratch_bytes = conv->scratch_bytes;
    k->run = fused_run;
    k->destroy = fused_destroy;
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__bind_sg_mkldnn_conv(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    const mxio__attrs *a = r->attrs;
    bool quantized = false, bn = false, sum = false;
    mxio__attr_bool(a, "quantized", &quantized);
    mxio__attr_bool(a, "with_bn", &bn);
    mxio__attr_bool(a, "with_sum", &sum);
    bool act = flag(a, "with_act", "with_relu"), post = flag(a, "with_postsum_act", "with_postsum_relu");
    mxio__qconv_params p = {0};
    bool calib = calib_range(a, &p.out_min, &p.out_max);
    const mxio__node *conv = inner_node(a, "Convolution", 0);
    if (!conv) return mxio__bind_unsupported(r, err, "a fused convolution without its subgraph is");
    mxio__attrs ca = {conv->attrs, conv->nattrs, mxio__op_find("Convolution"), conv};
    const char *layout = mxio__attr_str(&ca, "layout");
    if (layout && strcmp(layout, "None") && strcmp(layout, "NCW") && strcmp(layout, "NCHW") &&
        strcmp(layout, "NCDHW"))
        return mxio__bind_unsupported(r, err, "a channels-last layout is");
    int n = 0;
    bool no_bias = false;
    if (!mxio__attr_shape(&ca, "kernel", p.kernel, 3, &n, NULL) || n < 1 || n > 3 ||
        !mxio__attr_dims(&ca, "stride", n, 1, p.stride) || !mxio__attr_dims(&ca, "dilate", n, 1, p.dilate) ||
        !mxio__attr_dims(&ca, "pad", n, 0, p.pad) || !mxio__attr_int(&ca, "num_filter", &p.num_filter) ||
        !mxio__attr_int(&ca, "num_group", &p.num_group) || !mxio__attr_bool(&ca, "no_bias", &no_bias))
        return mxio__bind_unsupported(r, err, "this inner Convolution's attributes are");
    p.nspatial = n;
    /* the activations of the subgraph: relu only (MXNet's oneDNN eltwise) */
    int nact = 0;
    const mxio__node *act_node = NULL;
    static const char *const act_ops[] = {"Activation", "LeakyReLU", "clip", NULL};
    for (int o = 0; act_ops[o]; o++)
        for (int s = 0; inner_node(a, act_ops[o], s); s++) {
            const mxio__node *x = inner_node(a, act_ops[o], s);
            const char *t = mxio__node_attr(x, "act_type");
            if (quantized && (o != 0 || !t || strcmp(t, "relu")))
                return mxio__bind_unsupported(r, err, "an int8 fused activation other than relu is");
            act_node = x;
            nact++;
        }
    if (nact != (int)act + (int)post)
        return mxio__bind_unsupported(r, err, "activation flags that do not match the subgraph are");
    p.relu = act;
    p.postsum_relu = post;
    p.with_sum = sum;
    /* IsOutputUInt8: a relu last (before no sum, or after the sum) */
    p.out_dtype = (act && !sum) || post ? MXIO_DTYPE_UINT8 : MXIO_DTYPE_INT8;
    if (!calib) p.out_dtype = MXIO_DTYPE_INT32; /* a _contrib_requantize follows */
    int at = 2 + (no_bias ? 0 : 1), bn_at = at;
    if (bn) at += 4;
    p.sum_index = sum ? at++ : -1;
    p.min_index = at;
    if (r->nin != at + (quantized ? (sum ? 4 : 2) : 0))
        return mxio__bind_unsupported(r, err, "this input count is");
    if (!quantized && act && sum)
        return mxio__bind_unsupported(r, err, "an fp32 fused convolution with an activation before the sum is");
    for (int i = 1; i < bn_at + (bn ? 4 : 0); i++)
        if (!r->constant[i])
            return mxio__bind_unsupported(r, err, "a weight, bias or BatchNorm array computed at run time is");
    int64_t o = p.num_filter, wn = mxio__tdesc_numel(&r->in[1]);
    if (o < 1 || wn < 0 || wn % o) return mxio__bind_unsupported(r, err, "this weight shape is");
    for (int i = 2; i < bn_at + (bn ? 4 : 0); i++)
        if (mxio__tdesc_numel(&r->in[i]) != o)
            return mxio__bind_unsupported(r, err, "bias/BatchNorm arrays not of num_filter entries are");
    float *w = mxio__calloc_array((size_t)wn + 1, sizeof(float));
    float *b = mxio__calloc_array((size_t)o, sizeof(float));
    if (!w || !b) {
        free(w);
        free(b);
        return mxio__fail(err, MXIO_E_NOMEM, "node '%s': out of memory", r->node_name ? r->node_name : "?");
    }
    memcpy(w, r->constant[1], (size_t)wn * sizeof(float));
    if (!no_bias) memcpy(b, r->constant[2], (size_t)o * sizeof(float));
    if (bn) {
        const mxio__node *bnode = inner_node(a, "BatchNorm", 0);
        double eps = 1e-3;
        bool fix_gamma = true;
        if (bnode) {
            mxio__attrs ba = {bnode->attrs, bnode->nattrs, mxio__op_find("BatchNorm"), bnode};
            mxio__attr_float(&ba, "eps", &eps);
            mxio__attr_bool(&ba, "fix_gamma", &fix_gamma);
        }
        fold_bn(r->constant[bn_at], r->constant[bn_at + 1], r->constant[bn_at + 2], r->constant[bn_at + 3], eps,
                fix_gamma, o, wn / o, w, b, !no_bias);
    }
    p.weight = w;
    p.bias = bn || !no_bias ? b : NULL;
    mxio_status st = quantized ? mxio__k_qconv_create(r->ctx, &p, r->nin, r->in, k, err)
                               : fp32_conv(r, &p, act_node, k, err);
    free(w);
    free(b);
    if (st == MXIO_OK)
        for (int i = 1; i < bn_at + (bn ? 4 : 0); i++) *r->packed |= 1u << i;
    return st;
}

/* ---- _sg_mkldnn_fully_connected ------------------------------------------------------ */

/* quantized=False: the runtime's FullyConnected, then the fused activation in
 * place on its output. */
typedef struct fc_act_impl {
    mxio__kernel *fc, *act;
} fc_act_impl;

static mxio_status fc_act_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                              void *const *out, void *scratch, mxio_error *err) {
    const fc_act_impl *f = k->impl;
    mxio_status st = mxio__kernel_run(f->fc, ex, in, out, scratch, err);
    if (st) return st;
    const void *y = out[0];
    return mxio__kernel_run(f->act, ex, &y, out, scratch, err);
}

static void fc_act_destroy(mxio__kernel *k) {
    fc_act_impl *f = k->impl;
    if (f) {
        mxio__kernel_free(f->fc);
        mxio__kernel_free(f->act);
    }
    free(f);
    k->impl = NULL;
}

static mxio_status fp32_fc(const mxio__kernel_req *r, const mxio__qfc_params *q, const mxio__node *act,
                           mxio__kernel **out, mxio_error *err) {
    for (int i = 0; i < r->nin; i++)
        if (r->in[i].dtype != MXIO_DTYPE_FLOAT32)
            return mxio__bind_unsupported(r, err, "a non-float32 input of an fp32 fused FullyConnected is");
    if (r->nin != (q->no_bias ? 2 : 3) || !r->constant[1] || (!q->no_bias && !r->constant[2]))
        return mxio__bind_unsupported(r, err, "weights computed at run time are");
    mxio__act_params ap;
    if (act) {
        mxio__attrs aa = {act->attrs, act->nattrs, mxio__op_find(act->op), act};
        if (!aa.op || !mxio__act_params_of(&aa, &ap)) return mxio__bind_unsupported(r, err, "this fused activation is");
    }
    mxio__fc_params p = {q->num_hidden, q->no_bias, q->flatten};
    mxio__kernel *fc = NULL, *ak = NULL;
    mxio_status st = mxio__k_fc_create(r->ctx, &p, &r->in[0], r->constant[1], q->no_bias ? NULL : r->constant[2],
                                       &fc, err);
    if (st) return st;
    *r->packed |= q->no_bias ? 2u : 6u;
    if (!act) {
        *out = fc;
        return MXIO_OK;
    }
    if ((st = mxio__k_act_create(r->ctx, &ap, &fc->out[0], &ak, err))) {
        mxio__kernel_free(fc);
        return st;
    }
    mxio__kernel *k = mxio__kernel_new("_sg_mkldnn_fully_connected", r->nin, r->in, sizeof(fc_act_impl));
    if (!k) {
        mxio__kernel_free(fc);
        mxio__kernel_free(ak);
        return mxio__fail(err, MXIO_E_NOMEM, "node '%s': out of memory", r->node_name ? r->node_name : "?");
    }
    fc_act_impl *f = k->impl;
    f->fc = fc;
    f->act = ak;
    k->out[0] = ak->out[0];
    k->scratch_bytes = fc->scratch_bytes > ak->scratch_bytes ? fc->scratch_bytes : ak->scratch_bytes;
    k->run = fc_act_run;
    k->destroy = fc_act_destroy;
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__bind_sg_mkldnn_fc(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    const mxio__attrs *a = r->attrs;
    bool quantized = false, float_out = false, channel_wise = false;
    mxio__attr_bool(a, "quantized", &quantized);
    mxio__attr_bool(a, "enable_float_output", &float_out);
    mxio__attr_bool(a, "channel_wise_quantize", &channel_wise);
    const mxio__node *fc = inner_node(a, "FullyConnected", 0);
    if (!fc) return mxio__bind_unsupported(r, err, "a fused FullyConnected without its subgraph is");
    mxio__attrs fa = {fc->attrs, fc->nattrs, mxio__op_find("FullyConnected"), fc};
    mxio__qfc_params p = {0};
    if (!mxio__attr_int(&fa, "num_hidden", &p.num_hidden) || !mxio__attr_bool(&fa, "no_bias", &p.no_bias) ||
        !mxio__attr_bool(&fa, "flatten", &p.flatten))
        return mxio__bind_unsupported(r, err, "this inner FullyConnected's attributes are");
    bool eltwise = flag(a, "with_eltwise", "with_relu");
    int nact = 0;
    const mxio__node *act_node = NULL;
    static const char *const act_ops[] = {"Activation", "LeakyReLU", "clip", "square", "sqrt", "exp", "abs", NULL};
    for (int o = 0; act_ops[o]; o++)
        for (int s = 0; inner_node(a, act_ops[o], s); s++) {
            const char *t = mxio__node_attr(inner_node(a, act_ops[o], s), "act_type");
            if (quantized && (o != 0 || !t || strcmp(t, "relu")))
                return mxio__bind_unsupported(r, err, "an int8 fused activation other than relu is");
            act_node = inner_node(a, act_ops[o], s);
            nact++;
        }
    if (nact != (int)eltwise) return mxio__bind_unsupported(r, err, "with_eltwise that does not match the subgraph is");
    p.relu = eltwise;
    if (!quantized) return fp32_fc(r, &p, act_node, k, err);
    bool calib = calib_range(a, &p.out_min, &p.out_max);
    /* SgMKLDNNFCInferType: float, else uint8/int8 when calibrated (IsOutputUint8), else int32 */
    p.channel_wise = channel_wise;
    if (channel_wise && !calib && !float_out) /* MXNet stops there too */
        return mxio__bind_unsupported(r, err, "channel-wise quantization without calibration or float output is");
    p.out_dtype = float_out ? MXIO_DTYPE_FLOAT32
                  : calib   ? (eltwise ? MXIO_DTYPE_UINT8 : MXIO_DTYPE_INT8)
                            : MXIO_DTYPE_INT32;
    if (r->nout < 1 || !mxio__shape_known(&r->out[0]))
        return mxio__bind_unsupported(r, err, "an output shape the shape rule cannot give is");
    return mxio__k_qfc_create(r->ctx, &p, r->nin, r->in, r->out[0].ndim, r->out[0].d, k, err);
}
