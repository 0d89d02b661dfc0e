/* pool.c - pooling and region pooling. One record per op; see op.h. */
#include "op.h"
#include "quantized.h"

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

/* ROI pooling family: (num_rois, C, ph, pw); ROIAlign's position_sensitive
 * divides C by ph * pw. */
static mxio_status roi_infer(mxio__shape_ctx *c) {
    int64_t ps[2];
    bool psens = false;
    mxio__dtype_same(c);
    if (!mxio__attr_dims(c->attrs, "pooled_size", 2, 0, ps) || ps[0] < 1)
        return mxio__shape_fail(c, "pooled_size must be (h, w)");
    mxio__attr_bool(c->attrs, "position_sensitive", &psens);
    const mxio__shape *x = &c->in[0], *r = &c->in[1];
    if (!mxio__shape_rank_known(x) || !mxio__shape_rank_known(r)) return MXIO_OK;
    if (x->ndim != 4 || r->ndim != 2) return mxio__shape_fail(c, "data must be 4-D and rois 2-D");
    int64_t ch = x->d[1];
    if (psens) ch = ch > 0 ? ch / (ps[0] * ps[1]) : 0;
    int64_t d[4] = {r->d[0], ch, ps[0], ps[1]};
    mxio__shape o;
    mxio__shape_make(&o, 4, d);
    for (int i = 0; i < c->nout; i++) {
        mxio_status st = mxio__shape_assign_out(c, i, &o);
        if (st) return st;
    }
    return MXIO_OK;
}

/* AdaptiveAvgPooling2D: output_size () is (1, 1), one value is square. */
static mxio_status adaptive_pool_infer(mxio__shape_ctx *c) {
    int64_t s[MXIO__MAX_DIMS];
    int n = 0;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != 4) return mxio__shape_fail(c, "data must be 4-D");
    if (!mxio__attr_shape(c->attrs, "output_size", s, MXIO__MAX_DIMS, &n, NULL) || n > 2)
        return mxio__shape_fail(c, "bad output_size");
    int64_t d[4] = {x->d[0], x->d[1], n == 0 ? 1 : s[0], n == 0 ? 1 : n == 1 ? s[0] : s[1]};
    mxio__shape o;
    mxio__shape_make(&o, 4, d);
    return mxio__shape_assign_out(c, 0, &o);
}

/* ---- shape rules ---------------------------------------------------------- */

/* Pooling (PoolingParamParser and PoolingShape in src/operator/nn/pooling.cc):
 * valid floor((x + 2p - k) / s) + 1; full ceil of the same; same (1-D only)
 * ceil((x + 2p) / s); global_pool sets every spatial dim to 1. The MKLDNN
 * workspace output, when present, has the output's shape. */
static mxio_status pooling_infer(mxio__shape_ctx *c) {
    const mxio__attrs *a = c->attrs;
    mxio__dtype_same(c);
    if (c->nout > 1) c->out_dtype[1] = MXIO_DTYPE_INT32; /* MKLDNN workspace */
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim < 3 || x->ndim > 5)
        return mxio__shape_fail(c, "data must have 3 to 5 dims (batch, channel, spatial...)");
    const char *layout = mxio__attr_str(a, "layout");
    size_t ll = layout ? strlen(layout) : 0;
    bool last = ll >= 3 && layout[ll - 1] == 'C';
    int cax = last ? x->ndim - 1 : 1, sp = last ? 1 : 2, nsp = x->ndim - 2;
    bool global = false;
    mxio__attr_bool(a, "global_pool", &global);
    mxio__shape o = *x;
    mxio_status st;
    if (global) {
        for (int i = 1; i < x->ndim; i++)
            if (i != cax) o.d[i] = 1;
    } else {
        int64_t k[MXIO__MAX_DIMS], s[3], p[3];
        int nk = 0;
        if (!mxio__attr_shape(a, "kernel", k, MXIO__MAX_DIMS, &nk, NULL) || nk == 0)
            return mxio__shape_fail(c, "kernel is required unless global_pool");
        if (nk != nsp)
            return mxio__shape_fail(c, "a %d-D kernel needs %d-D data", nk, nk + 2);
        const char *conv = mxio__attr_str(a, "pooling_convention");
        bool full = conv && strcmp(conv, "full") == 0, same = conv && strcmp(conv, "same") == 0;
        if (same) {
            /* MXNet 1.9.1 checks pad[0], pad[1] and pad[2] are 0 whatever the kernel
             * rank, so 'same' only passes with a pad of at least 3 zeros. */
            int64_t pz[MXIO__MAX_DIMS];
            int npz = 0;
            if (nk != 1) return mxio__shape_fail(c, "pooling_convention same is 1-D only");
            if (!mxio__attr_shape(a, "pad", pz, MXIO__MAX_DIMS, &npz, NULL) || npz < 3 ||
                pz[0] || pz[1] || pz[2])
                return mxio__shape_fail(c, "pooling_convention same needs pad (0, 0, 0) in MXNet 1.9.1");
            if (!mxio__attr_dims(a, "stride", nk, 1, s))
                return mxio__shape_fail(c, "stride must have %d dims like the kernel", nk);
            p[0] = 0;
        } else if (!mxio__attr_dims(a, "stride", nk, 1, s) || !mxio__attr_dims(a, "pad", nk, 0, p)) {
            return mxio__shape_fail(c, "stride and pad must have %d dims like the kernel", nk);
        }
        for (int i = 0; i < nk; i++) {
            int64_t in = x->d[sp + i];
            if (s[i] < 1) return mxio__shape_fail(c, "stride must be positive");
            if (in <= 0) continue;
            int64_t span = in + 2 * p[i] - k[i];
            if (span < 0)
                return mxio__shape_fail(c, "kernel size (%lld) exceeds input (%lld padded to %lld)",
                                        (long long)k[i], (long long)in, (long long)(in + 2 * p[i]));
            if (same) o.d[sp + i] = (in + 2 * p[i] + s[i] - 1) / s[i];
            else if (full) o.d[sp + i] = 1 + (span + s[i] - 1) / s[i];
            else o.d[sp + i] = 1 + span / s[i];
        }
    }
    for (int i = 0; i < c->nout; i++)
        if ((st = mxio__shape_assign_out(c, i, &o))) return st;
    return MXIO_OK;
}

static mxio_status qpooling_infer(mxio__shape_ctx *c) {
    return mxio__infer_quantized(c, pooling_infer, 1, -1);
}

/* PSROIPooling: (num_rois, output_dim, pooled_size, pooled_size). */
static mxio_status psroi_infer(mxio__shape_ctx *c) {
    int64_t dim, ps;
    mxio__dtype_same(c);
    if (!mxio__attr_int(c->attrs, "output_dim", &dim) || !mxio__attr_int(c->attrs, "pooled_size", &ps))
        return mxio__shape_fail(c, "output_dim and pooled_size are required");
    const mxio__shape *r = &c->in[1];
    if (!mxio__shape_rank_known(r)) return MXIO_OK;
    int64_t d[4] = {r->d[0], dim, ps, ps};
    mxio__shape o;
    mxio__shape_make(&o, 4, d);
    return mxio__shape_assign_out(c, 0, &o);
}

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

/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

static mxio_status pool_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const types[] = {"max", "avg", "sum", "lp", NULL};
    static const char *const convs[] = {"valid", "full", "same", NULL};
    mxio__pool_params p;
    memset(&p, 0, sizeof p);
    const char *layout = mxio__attr_str(r->attrs, "layout");
    size_t ll = layout ? strlen(layout) : 0;
    bool last = ll >= 3 && layout[ll - 1] == 'C'; /* NWC, NHWC, NDHWC */
    if (last && r->in[0].layout != MXIO__LAYOUT_PLAIN)
        return mxio__bind_unsupported(r, err, "a channels-last layer on a oneDNN layout is");
    int n = 0, t = mxio__bind_pick(mxio__attr_str(r->attrs, "pool_type"), types),
        cv = mxio__bind_pick(mxio__attr_str(r->attrs, "pooling_convention"), convs);
    if (t < 0 || cv < 0) return mxio__bind_unsupported(r, err, "this pool_type/convention is");
    mxio__attr_bool(r->attrs, "global_pool", &p.global_pool);
    if (!mxio__attr_shape(r->attrs, "kernel", p.kernel, 3, &n, NULL)) n = 0;
    if (p.global_pool) n = r->in[0].ndim - 2;
    if (n < 1 || n > 3) return mxio__bind_unsupported(r, err, "this kernel rank is");
    p.nspatial = n;
    if (!mxio__attr_dims(r->attrs, "stride", n, 1, p.stride) ||
        !mxio__attr_dims(r->attrs, "pad", n, 0, p.pad))
        return mxio__bind_unsupported(r, err, "stride/pad of another rank than kernel is");
    p.type = (mxio__pool_type)t;
    p.convention = (mxio__pool_conv)cv;
    p.count_include_pad = true; /* MXNet: None counts the padding */
    mxio__attr_bool(r->attrs, "count_include_pad", &p.count_include_pad);
    int64_t pv = 0;
    if (p.type == MXIO__POOL_LP && !mxio__attr_int(r->attrs, "p_value", &pv))
        return mxio__bind_unsupported(r, err, "lp pooling without p_value is");
    p.p_value = (int)pv;
    p.blocked_out = r->blocked_out;
    if (!last) return mxio__k_pool_create(r->ctx, &p, &r->in[0], k, err);
    /* channels-last: the NC* kernel between two transposes (k_layout.c) */
    mxio__tdesc first;
    mxio__channels_first_desc(&r->in[0], &first);
    mxio__kernel *inner = NULL;
    p.blocked_out = false;
    mxio_status st = mxio__k_pool_create(r->ctx, &p, &first, &inner, err);
    return st ? st : mxio__k_channels_last_wrap(r->ctx, &r->in[0], inner, false, k, err);
}

static mxio_status adaptive_pool_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t o[2] = {1, 1};
    int n = 0;
    if (!mxio__attr_shape(r->attrs, "output_size", o, 2, &n, NULL) || n > 2)
        return mxio__bind_unsupported(r, err, "this output_size is");
    if (n == 0) o[0] = o[1] = 1; /* MXNet: empty output_size is 1x1 */
    if (n == 1) o[1] = o[0];
    return mxio__k_adaptive_avg_pool_create(r->ctx, o[0], o[1], &r->in[0], k, err);
}

static mxio_status roi_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t pooled[2] = {1, 1};
    int n = 0;
    double scale = 1;
    if (!mxio__attr_shape(r->attrs, "pooled_size", pooled, 2, &n, NULL) || n < 1 ||
        !mxio__attr_float(r->attrs, "spatial_scale", &scale))
        return mxio__bind_unsupported(r, err, "this pooled_size/spatial_scale is");
    if (n == 1) pooled[1] = pooled[0];
    if (strcmp(r->attrs->op->name, "ROIPooling") == 0)
        return mxio__k_roi_pool_create(r->ctx, pooled, (float)scale, r->in, k, err);
    mxio__roi_align_params p = {{pooled[0], pooled[1]}, (float)scale, -1, false, false};
    int64_t sr = -1;
    mxio__attr_int(r->attrs, "sample_ratio", &sr);
    p.sample_ratio = (int)sr;
    mxio__attr_bool(r->attrs, "position_sensitive", &p.position_sensitive);
    mxio__attr_bool(r->attrs, "aligned", &p.aligned);
    return mxio__k_roi_align_create(r->ctx, &p, r->in, k, err);
}

/* spatial_scale, output_dim and pooled_size are required, as in MXNet. */
static mxio_status psroi_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    double scale;
    int64_t dim, ps, gs = 0;
    if (!mxio__attr_float(r->attrs, "spatial_scale", &scale) || !mxio__attr_int(r->attrs, "output_dim", &dim) ||
        !mxio__attr_int(r->attrs, "pooled_size", &ps))
        return mxio__bind_unsupported(r, err, "a missing spatial_scale, output_dim or pooled_size is");
    mxio__attr_int(r->attrs, "group_size", &gs);
    return mxio__k_psroi_pool_create(r->ctx, (float)scale, dim, ps, gs, r->in, k, err);
}

const mxio__op mxio__ops_pool[] = {
    {.name = "Pooling",
     .kernel = pool_kernel,
     .layer = &pool_rule,
     .kind = MXIO__KIND_POOL,
     .infer_shape = pooling_infer,
     .macs = mxio__macs_zero, /* compares and adds, no multiplies to count */
     .aliases = (const char *const[]){"_npx_pooling", NULL},
     .params = Pooling_params,
     .inputs = Pooling_inputs,
     .count_outputs = pooling_outputs,
     .output_names = (const char *const[]){"output", "workspace", NULL}},
    {.name = "Pooling_v1",
     .kernel = pool_kernel,
     .layer = &pool_v1_rule,
     .kind = MXIO__KIND_POOL,
     .infer_shape = pooling_infer,
     .macs = mxio__macs_zero, /* compares and adds, no multiplies to count */
     .params = Pooling_v1_params,
     .inputs = Pooling_v1_inputs},
    {.name = "_contrib_AdaptiveAvgPooling2D",
     .kernel = adaptive_pool_kernel,
     .kind = MXIO__KIND_POOL,
     .infer_shape = adaptive_pool_infer,
     .params = contrib_AdaptiveAvgPooling2D_params,
     .inputs = contrib_AdaptiveAvgPooling2D_inputs},
    {.name = "ROIPooling",
     .kernel = roi_kernel,
     .kind = MXIO__KIND_POOL,
     .infer_shape = roi_infer,
     .aliases = (const char *const[]){"_npx_roi_pooling", NULL},
     .params = ROIPooling_params,
     .inputs = ROIPooling_inputs,
     .num_outputs = 2,
     .num_visible = 1,
     .output_names = roipool_outputs},
    {.name = "_contrib_ROIAlign",
     .kernel = roi_kernel,
     .kind = MXIO__KIND_POOL,
     .infer_shape = roi_infer,
     .params = contrib_ROIAlign_params,
     .inputs = contrib_ROIAlign_inputs},
    {.name = "_contrib_PSROIPooling",
     .kernel = psroi_kernel,
     .kind = MXIO__KIND_POOL,
     .infer_shape = psroi_infer,
     .params = contrib_PSROIPooling_params,
     .inputs = contrib_PSROIPooling_inputs},
    {.name = "_contrib_quantized_pooling",
     .kernel = mxio__bind_quantized_pooling,
     .kind = MXIO__KIND_POOL,
     .infer_shape = qpooling_infer,
     .params = contrib_quantized_pooling_params,
     .inputs = contrib_quantized_pooling_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {0},
};
