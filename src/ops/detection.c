/* detection.c - anchor, box and proposal ops (mostly _contrib_*). One record per op;
 * see op.h. */
#include "op.h"

/* ---- shape rules ---------------------------------------------------------- */

/* MultiBoxPrior: (1, H*W*A, 4) with A = len(sizes) + len(ratios) - 1. */
static mxio_status multibox_prior_infer(mxio__shape_ctx *c) {
    double v[MXIO__MAX_DIMS];
    int ns = 0, nr = 0;
    mxio__dtype_same(c);
    if (!mxio__parse_float_tuple(mxio__attr_str(c->attrs, "sizes"), v, MXIO__MAX_DIMS, &ns) ||
        !mxio__parse_float_tuple(mxio__attr_str(c->attrs, "ratios"), v, MXIO__MAX_DIMS, &nr) ||
        ns < 1 || nr < 1)
        return mxio__shape_fail(c, "sizes and ratios must be non-empty");
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != 4) return mxio__shape_fail(c, "data must be 4-D");
    int64_t hw = x->d[2] > 0 && x->d[3] > 0 ? x->d[2] * x->d[3] : 0;
    int64_t d[3] = {1, hw * (ns + nr - 1), 4};
    mxio__shape o;
    mxio__shape_make(&o, 3, d);
    return mxio__shape_assign_out(c, 0, &o);
}

/* MultiBoxDetection: cls_prob (N, classes, A) -> (N, A, 6). */
static mxio_status multibox_detection_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *p = &c->in[0];
    if (!mxio__shape_rank_known(p)) return MXIO_OK;
    if (p->ndim != 3) return mxio__shape_fail(c, "cls_prob must be 3-D");
    int64_t d[3] = {p->d[0], p->d[2], 6};
    mxio__shape o;
    mxio__shape_make(&o, 3, d);
    return mxio__shape_assign_out(c, 0, &o);
}

/* box_nms: the output keeps the data's shape (the hidden index output too). */
static mxio_status box_nms_infer(mxio__shape_ctx *c) {
    mxio_status st = mxio__infer_first(c);
    if (c->nout > 1) c->out_dtype[1] = MXIO_DTYPE_FLOAT32;
    return st;
}

/* Proposal: (N * post_nms_top_n, 5) boxes and (N * post_nms_top_n, 1) scores. */
static mxio_status proposal_infer(mxio__shape_ctx *c) {
    int64_t post = 300;
    mxio__dtype_same(c);
    mxio__attr_int(c->attrs, "rpn_post_nms_top_n", &post);
    const mxio__shape *p = &c->in[0];
    if (!mxio__shape_rank_known(p)) return MXIO_OK;
    int64_t n = p->d[0] > 0 ? p->d[0] * post : 0;
    int64_t d[2] = {n, 5}, s[2] = {n, 1};
    mxio__shape o, sc;
    mxio__shape_make(&o, 2, d);
    mxio__shape_make(&sc, 2, s);
    mxio_status st = mxio__shape_assign_out(c, 0, &o);
    return st ? st : mxio__shape_assign_out(c, 1, &sc);
}

/* box_iou: lhs (..., 4) x rhs (..., 4) -> lhs.shape[:-1] + rhs.shape[:-1]. */
static mxio_status box_iou_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *l = &c->in[0], *r = &c->in[1];
    if (!mxio__shape_rank_known(l) || !mxio__shape_rank_known(r)) return MXIO_OK;
    if (l->ndim < 1 || r->ndim < 1 || l->ndim + r->ndim - 2 > MXIO__MAX_DIMS)
        return mxio__shape_fail(c, "boxes must have a last axis of 4");
    mxio__shape o = {.ndim = 0};
    for (int i = 0; i + 1 < l->ndim; i++) o.d[o.ndim++] = l->d[i];
    for (int i = 0; i + 1 < r->ndim; i++) o.d[o.ndim++] = r->d[i];
    if (o.ndim == 0) o.d[o.ndim++] = 1;
    return mxio__shape_assign_out(c, 0, &o);
}

/* bipartite_matching: (..., N, M) -> (..., N) and (..., M). */
static mxio_status bipartite_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim < 2) return mxio__shape_fail(c, "data must have at least 2 dims");
    mxio__shape a = *x, b = *x;
    a.ndim--;
    b.ndim--;
    b.d[b.ndim - 1] = x->d[x->ndim - 1];
    mxio_status st = mxio__shape_assign_out(c, 0, &a);
    return st ? st : mxio__shape_assign_out(c, 1, &b);
}

/* MultiBoxTarget: anchors (1, A, 4), labels (B, L, W), cls_pred (B, C, A) ->
 * loc_target and loc_mask (B, 4A), cls_target (B, A). */
static mxio_status multibox_target_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *an = &c->in[0], *lb = &c->in[1];
    if (!mxio__shape_rank_known(an) || !mxio__shape_rank_known(lb)) return MXIO_OK;
    if (an->ndim != 3 || lb->ndim != 3) return mxio__shape_fail(c, "anchor and label must be 3-D");
    int64_t a = an->d[1], b = lb->d[0];
    int64_t l[2] = {b, a > 0 ? 4 * a : 0}, t[2] = {b, a};
    mxio__shape ls, ts;
    mxio__shape_make(&ls, 2, l);
    mxio__shape_make(&ts, 2, t);
    mxio_status st = mxio__shape_assign_out(c, 0, &ls);
    if (!st) st = mxio__shape_assign_out(c, 1, &ls);
    return st ? st : mxio__shape_assign_out(c, 2, &ts);
}

/* box_encode: targets and masks shaped like the (B, N, 4) anchors. */
static mxio_status box_encode_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *s = &c->in[0];
    if (!mxio__shape_rank_known(s)) return MXIO_OK;
    if (s->ndim != 2) return mxio__shape_fail(c, "samples must be (B, N)");
    int64_t d[3] = {s->d[0], s->d[1], 4};
    mxio__shape o;
    mxio__shape_make(&o, 3, d);
    mxio_status st = mxio__shape_assign_out(c, 0, &o);
    return st ? st : mxio__shape_assign_out(c, 1, &o);
}


/* ---- _contrib_MultiBoxPrior */
static const mxio__attr_spec contrib_MultiBoxPrior_params[] = {
    {"sizes", MXIO__ATTR_FLOATS, "[1]", NULL},
    {"ratios", MXIO__ATTR_FLOATS, "[1]", NULL},
    {"clip", MXIO__ATTR_BOOL, "False", NULL},
    {"steps", MXIO__ATTR_FLOATS, "[-1,-1]", NULL},
    {"offsets", MXIO__ATTR_FLOATS, "[0.5,0.5]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_MultiBoxPrior_inputs[] = {"data", NULL};

/* ---- _contrib_MultiBoxDetection */
static const mxio__attr_spec contrib_MultiBoxDetection_params[] = {
    {"clip", MXIO__ATTR_BOOL, "True", NULL},
    {"threshold", MXIO__ATTR_FLOAT, "0.00999999978", NULL},
    {"background_id", MXIO__ATTR_INT, "0", NULL},
    {"nms_threshold", MXIO__ATTR_FLOAT, "0.5", NULL},
    {"force_suppress", MXIO__ATTR_BOOL, "False", NULL},
    {"variances", MXIO__ATTR_FLOATS, "[0.1,0.1,0.2,0.2]", NULL},
    {"nms_topk", MXIO__ATTR_INT, "-1", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_MultiBoxDetection_inputs[] = {"cls_prob", "loc_pred", "anchor", NULL};

/* ---- _contrib_MultiBoxTarget */
static const mxio__attr_spec contrib_MultiBoxTarget_params[] = {
    {"overlap_threshold", MXIO__ATTR_FLOAT, "0.5", NULL},
    {"ignore_label", MXIO__ATTR_FLOAT, "-1", NULL},
    {"negative_mining_ratio", MXIO__ATTR_FLOAT, "-1", NULL},
    {"negative_mining_thresh", MXIO__ATTR_FLOAT, "0.5", NULL},
    {"minimum_negative_samples", MXIO__ATTR_INT, "0", NULL},
    {"variances", MXIO__ATTR_FLOATS, "[0.1,0.1,0.2,0.2]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_MultiBoxTarget_inputs[] = {"anchor", "label", "cls_pred", NULL};

/* ---- _contrib_box_nms */
static const mxio__attr_spec contrib_box_nms_params[] = {
    {"overlap_thresh", MXIO__ATTR_FLOAT, "0.5", NULL},
    {"valid_thresh", MXIO__ATTR_FLOAT, "0", NULL},
    {"topk", MXIO__ATTR_INT, "-1", NULL},
    {"coord_start", MXIO__ATTR_INT, "2", NULL},
    {"score_index", MXIO__ATTR_INT, "1", NULL},
    {"id_index", MXIO__ATTR_INT, "-1", NULL},
    {"background_id", MXIO__ATTR_INT, "-1", NULL},
    {"force_suppress", MXIO__ATTR_BOOL, "False", NULL},
    {"in_format", MXIO__ATTR_ENUM, "corner", "center|corner"},
    {"out_format", MXIO__ATTR_ENUM, "corner", "center|corner"},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_box_nms_inputs[] = {"data", NULL};

/* ---- _contrib_box_decode */
static const mxio__attr_spec contrib_box_decode_params[] = {
    {"std0", MXIO__ATTR_FLOAT, "1", NULL},
    {"std1", MXIO__ATTR_FLOAT, "1", NULL},
    {"std2", MXIO__ATTR_FLOAT, "1", NULL},
    {"std3", MXIO__ATTR_FLOAT, "1", NULL},
    {"clip", MXIO__ATTR_FLOAT, "-1", NULL},
    {"format", MXIO__ATTR_ENUM, "center", "center|corner"},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_box_decode_inputs[] = {"data", "anchors", NULL};

/* ---- _contrib_box_encode */
static const char *const contrib_box_encode_inputs[] = {"samples", "matches", "anchors", "refs", "means", "stds", NULL};

/* ---- _contrib_box_iou */
static const mxio__attr_spec contrib_box_iou_params[] = {
    {"format", MXIO__ATTR_ENUM, "corner", "center|corner"},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_box_iou_inputs[] = {"lhs", "rhs", NULL};

/* ---- _contrib_bipartite_matching */
static const mxio__attr_spec contrib_bipartite_matching_params[] = {
    {"is_ascend", MXIO__ATTR_BOOL, "False", NULL},
    {"threshold", MXIO__ATTR_FLOAT, NULL, NULL},
    {"topk", MXIO__ATTR_INT, "-1", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_bipartite_matching_inputs[] = {"data", NULL};

/* ---- _contrib_Proposal */
/* (rois, score): the score output is hidden unless output_score. */
static int proposal_outputs(const mxio__attrs *a, int *visible) {
    bool score = false;
    mxio__attr_bool(a, "output_score", &score);
    if (visible) *visible = score ? 2 : 1;
    return 2;
}
static const char *const proposal_output_names[] = {"output", "score", NULL};
static const mxio__attr_spec contrib_Proposal_params[] = {
    {"rpn_pre_nms_top_n", MXIO__ATTR_INT, "6000", NULL},
    {"rpn_post_nms_top_n", MXIO__ATTR_INT, "300", NULL},
    {"threshold", MXIO__ATTR_FLOAT, "0.699999988", NULL},
    {"rpn_min_size", MXIO__ATTR_INT, "16", NULL},
    {"scales", MXIO__ATTR_FLOATS, "[4,8,16,32]", NULL},
    {"ratios", MXIO__ATTR_FLOATS, "[0.5,1,2]", NULL},
    {"feature_stride", MXIO__ATTR_INT, "16", NULL},
    {"output_score", MXIO__ATTR_BOOL, "False", NULL},
    {"iou_loss", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_Proposal_inputs[] = {"cls_prob", "bbox_pred", "im_info", NULL};

/* ---- _contrib_MultiProposal */
static const mxio__attr_spec contrib_MultiProposal_params[] = {
    {"rpn_pre_nms_top_n", MXIO__ATTR_INT, "6000", NULL},
    {"rpn_post_nms_top_n", MXIO__ATTR_INT, "300", NULL},
    {"threshold", MXIO__ATTR_FLOAT, "0.699999988", NULL},
    {"rpn_min_size", MXIO__ATTR_INT, "16", NULL},
    {"scales", MXIO__ATTR_FLOATS, "[4,8,16,32]", NULL},
    {"ratios", MXIO__ATTR_FLOATS, "[0.5,1,2]", NULL},
    {"feature_stride", MXIO__ATTR_INT, "16", NULL},
    {"output_score", MXIO__ATTR_BOOL, "False", NULL},
    {"iou_loss", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_MultiProposal_inputs[] = {"cls_prob", "bbox_pred", "im_info", NULL};

/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

static int attr_floats(const mxio__attrs *a, const char *key, float *out, int cap) {
    double v[MXIO__MAX_ANCHOR_PARAMS];
    int n = 0;
    const char *s = mxio__attr_str(a, key);
    if (!s || !mxio__parse_float_tuple(s, v, cap < MXIO__MAX_ANCHOR_PARAMS ? cap : MXIO__MAX_ANCHOR_PARAMS, &n))
        return -1;
    for (int i = 0; i < n; i++) out[i] = (float)v[i];
    return n;
}

static mxio_status multibox_prior_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__multibox_prior_params p;
    memset(&p, 0, sizeof p);
    p.nsizes = attr_floats(r->attrs, "sizes", p.sizes, MXIO__MAX_ANCHOR_PARAMS);
    p.nratios = attr_floats(r->attrs, "ratios", p.ratios, MXIO__MAX_ANCHOR_PARAMS);
    if (p.nsizes < 1 || p.nratios < 1 || attr_floats(r->attrs, "steps", p.steps, 2) != 2 ||
        attr_floats(r->attrs, "offsets", p.offsets, 2) != 2)
        return mxio__bind_unsupported(r, err, "these sizes/ratios/steps/offsets are");
    mxio__attr_bool(r->attrs, "clip", &p.clip);
    return mxio__k_multibox_prior_create(r->ctx, &p, &r->in[0], k, err);
}

static mxio_status multibox_detection_kernel(const mxio__kernel_req *r, mxio__kernel **k,
                                             mxio_error *err) {
    mxio__multibox_detection_params p;
    memset(&p, 0, sizeof p);
    double th = 0.01, nth = 0.5;
    int64_t topk = -1;
    mxio__attr_bool(r->attrs, "clip", &p.clip);
    mxio__attr_float(r->attrs, "threshold", &th);
    mxio__attr_float(r->attrs, "nms_threshold", &nth);
    mxio__attr_bool(r->attrs, "force_suppress", &p.force_suppress);
    mxio__attr_int(r->attrs, "nms_topk", &topk);
    if (attr_floats(r->attrs, "variances", p.variances, 4) != 4)
        return mxio__bind_unsupported(r, err, "variances other than 4 values are");
    p.threshold = (float)th;
    p.nms_threshold = (float)nth;
    p.nms_topk = (int)topk;
    return mxio__k_multibox_detection_create(r->ctx, &p, r->in, k, err);
}

static mxio_status box_nms_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__box_nms_params p;
    memset(&p, 0, sizeof p);
    double ov = 0.5, vt = 0;
    int64_t topk = -1, cs = 2, si = 1, ii = -1, bg = -1;
    mxio__attr_float(r->attrs, "overlap_thresh", &ov);
    mxio__attr_float(r->attrs, "valid_thresh", &vt);
    mxio__attr_int(r->attrs, "topk", &topk);
    mxio__attr_int(r->attrs, "coord_start", &cs);
    mxio__attr_int(r->attrs, "score_index", &si);
    mxio__attr_int(r->attrs, "id_index", &ii);
    mxio__attr_int(r->attrs, "background_id", &bg);
    mxio__attr_bool(r->attrs, "force_suppress", &p.force_suppress);
    const char *in = mxio__attr_str(r->attrs, "in_format"), *out = mxio__attr_str(r->attrs, "out_format");
    p.overlap_thresh = (float)ov;
    p.valid_thresh = (float)vt;
    p.topk = (int)topk;
    p.coord_start = (int)cs;
    p.score_index = (int)si;
    p.id_index = (int)ii;
    p.background_id = (float)bg;
    p.in_center = in && strcmp(in, "center") == 0;
    p.out_center = out && strcmp(out, "center") == 0;
    return mxio__k_box_nms_create(r->ctx, &p, &r->in[0], k, err);
}

static mxio_status box_decode_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__box_decode_params p;
    memset(&p, 0, sizeof p);
    static const char *const stds[] = {"std0", "std1", "std2", "std3"};
    double v, clip = -1;
    for (int i = 0; i < 4; i++) p.std[i] = mxio__attr_float(r->attrs, stds[i], &v) ? (float)v : 1.0f;
    mxio__attr_float(r->attrs, "clip", &clip);
    const char *f = mxio__attr_str(r->attrs, "format");
    p.clip = (float)clip;
    p.anchors_corner = f && strcmp(f, "corner") == 0;
    return mxio__k_box_decode_create(r->ctx, &p, r->in, k, err);
}

/* Proposal / MultiProposal: MXNet's ProposalParam (rpn_min_size and
 * feature_stride are ints there). */
static mxio_status proposal_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__proposal_params p;
    memset(&p, 0, sizeof p);
    int64_t pre = 6000, post = 300, min_size = 16, stride = 16;
    double th = 0.699999988;
    mxio__attr_int(r->attrs, "rpn_pre_nms_top_n", &pre);
    mxio__attr_int(r->attrs, "rpn_post_nms_top_n", &post);
    mxio__attr_int(r->attrs, "rpn_min_size", &min_size);
    mxio__attr_int(r->attrs, "feature_stride", &stride);
    mxio__attr_float(r->attrs, "threshold", &th);
    mxio__attr_bool(r->attrs, "output_score", &p.output_score);
    mxio__attr_bool(r->attrs, "iou_loss", &p.iou_loss);
    p.nscales = attr_floats(r->attrs, "scales", p.scales, MXIO__MAX_ANCHOR_PARAMS);
    p.nratios = attr_floats(r->attrs, "ratios", p.ratios, MXIO__MAX_ANCHOR_PARAMS);
    if (p.nscales < 1 || p.nratios < 1 || pre > INT32_MAX || post < 1 || post > INT32_MAX)
        return mxio__bind_unsupported(r, err, "these scales/ratios/top_n values are");
    p.pre_nms_top_n = (int)pre;
    p.post_nms_top_n = (int)post;
    p.threshold = (float)th;
    p.min_size = (float)min_size;
    p.feature_stride = (float)stride;
    return mxio__k_proposal_create(r->ctx, &p, strcmp(r->attrs->op->name, "_contrib_MultiProposal") == 0,
                                   r->in, k, err);
}

static mxio_status box_iou_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    const char *f = mxio__attr_str(r->attrs, "format");
    return mxio__k_box_iou_create(r->ctx, f && strcmp(f, "center") == 0, r->in, k, err);
}

static mxio_status box_encode_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_box_encode_create(r->ctx, r->in, k, err);
}

/* threshold is required (no default in MXNet's BipartiteMatchingParam). */
static mxio_status bipartite_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    bool ascend = false;
    double th;
    int64_t topk = -1;
    if (!mxio__attr_float(r->attrs, "threshold", &th))
        return mxio__bind_unsupported(r, err, "a missing threshold is");
    mxio__attr_bool(r->attrs, "is_ascend", &ascend);
    mxio__attr_int(r->attrs, "topk", &topk);
    return mxio__k_bipartite_matching_create(r->ctx, ascend, (float)th, topk, &r->in[0], k, err);
}

static mxio_status multibox_target_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__multibox_target_params p;
    double ov = 0.5, il = -1, nr = -1, nt = 0.5;
    mxio__attr_float(r->attrs, "overlap_threshold", &ov);
    mxio__attr_float(r->attrs, "ignore_label", &il);
    mxio__attr_float(r->attrs, "negative_mining_ratio", &nr);
    mxio__attr_float(r->attrs, "negative_mining_thresh", &nt);
    if (attr_floats(r->attrs, "variances", p.variances, 4) != 4)
        return mxio__bind_unsupported(r, err, "variances other than 4 values are");
    if (nr > 0 && nt <= 0) /* MXNet's CHECK_GT(negative_mining_thresh, 0) */
        return mxio__bind_unsupported(r, err, "negative mining with negative_mining_thresh <= 0 is");
    p.overlap_threshold = (float)ov;
    p.ignore_label = (float)il;
    p.negative_mining_ratio = (float)nr;
    p.negative_mining_thresh = (float)nt;
    return mxio__k_multibox_target_create(r->ctx, &p, r->in, k, err);
}

const mxio__op mxio__ops_detection[] = {
    {.name = "_contrib_MultiBoxPrior",
     .kernel = multibox_prior_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = multibox_prior_infer,
     .aliases = (const char *const[]){"_npx_multibox_prior", NULL},
     .params = contrib_MultiBoxPrior_params,
     .inputs = contrib_MultiBoxPrior_inputs},
    {.name = "_contrib_MultiBoxDetection",
     .kernel = multibox_detection_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = multibox_detection_infer,
     .aliases = (const char *const[]){"_npx_multibox_detection", NULL},
     .params = contrib_MultiBoxDetection_params,
     .inputs = contrib_MultiBoxDetection_inputs},
    {.name = "_contrib_MultiBoxTarget",
     .kernel = multibox_target_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = multibox_target_infer,
     .aliases = (const char *const[]){"_npx_multibox_target", NULL},
     .params = contrib_MultiBoxTarget_params,
     .inputs = contrib_MultiBoxTarget_inputs,
     .num_outputs = 3,
     .output_names = (const char *const[]){"loc_target", "loc_mask", "cls_target", NULL}},
    {.name = "_contrib_box_nms",
     .kernel = box_nms_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = box_nms_infer,
     .aliases = (const char *const[]){"_contrib_box_non_maximum_suppression", NULL},
     .params = contrib_box_nms_params,
     .inputs = contrib_box_nms_inputs,
     .num_outputs = 2,
     .num_visible = 1},
    {.name = "_contrib_box_decode",
     .kernel = box_decode_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = mxio__infer_first,
     .params = contrib_box_decode_params,
     .inputs = contrib_box_decode_inputs},
    {.name = "_contrib_box_encode",
     .kernel = box_encode_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = box_encode_infer,
     .inputs = contrib_box_encode_inputs,
     .num_outputs = 2},
    {.name = "_contrib_box_iou",
     .kernel = box_iou_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = box_iou_infer,
     .params = contrib_box_iou_params,
     .inputs = contrib_box_iou_inputs},
    {.name = "_contrib_bipartite_matching",
     .kernel = bipartite_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = bipartite_infer,
     .params = contrib_bipartite_matching_params,
     .inputs = contrib_bipartite_matching_inputs,
     .num_outputs = 2},
    {.name = "_contrib_Proposal",
     .kernel = proposal_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = proposal_infer,
     .params = contrib_Proposal_params,
     .inputs = contrib_Proposal_inputs,
     .count_outputs = proposal_outputs,
     .output_names = proposal_output_names},
    {.name = "_contrib_MultiProposal",
     .kernel = proposal_kernel,
     .kind = MXIO__KIND_DETECTION,
     .infer_shape = proposal_infer,
     .params = contrib_MultiProposal_params,
     .inputs = contrib_MultiProposal_inputs,
     .count_outputs = proposal_outputs,
     .output_names = proposal_output_names},
    {0},
};
