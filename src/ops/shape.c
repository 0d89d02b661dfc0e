/* shape.c - ops that move, cut, join or re-type data: reshape, concat, slicing,
 * transpose, tiling, padding, resizing, casts and constant makers. One record per op; see op.h. */
#include <math.h>

#include "op.h"
#include "quantized.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
static const mxio__layer_rule flatten_rule = {"FlattenLayer", NULL, NULL};
static const mxio__layer_rule reshape_rule = {
    "ReshapeLayer", MXIO__OPTS({"Shape", "shape", NULL}, {"Reverse", "reverse", NULL}), NULL};
static const mxio__layer_rule concat_rule = {"CatenateLayer", MXIO__OPTS({"Axis", "dim", NULL}), NULL};
static const mxio__layer_rule upsampling_rule = {
    "ResizeLayer",
    MXIO__OPTS({"Method", "sample_type", "nearest=Nearest|bilinear=Bilinear"},
         {"Scale", "scale", NULL}),
    MXIO__ARGS({"Weights", "weight"})};
static const mxio__layer_rule bilinear_resize_rule = {
    "ResizeLayer",
    MXIO__OPTS({"Method", NULL, "\"Bilinear\""}, {"Height", "height", NULL}, {"Width", "width", NULL},
         {"ScaleHeight", "scale_height", NULL}, {"ScaleWidth", "scale_width", NULL},
         {"Mode", "mode", NULL}, {"AlignCorners", "align_corners", NULL}),
    NULL};
static const mxio__layer_rule pad_rule = {
    "PaddingLayer",
    MXIO__OPTS({"Mode", "mode", NULL}, {"PaddingSize", "pad_width", NULL},
         {"Value", "constant_value", NULL}),
    NULL};
static const mxio__layer_rule transpose_rule = {"TransposeLayer", MXIO__OPTS({"Axes", "axes", NULL}),
                                                NULL};
/* SwapAxis: TransposeLayer with Swap = [dim1, dim2] (two attributes, one option). */
static const mxio__layer_rule swapaxis_rule = {"TransposeLayer", MXIO__OPTS({"Axes", NULL, "null"}),
                                               NULL};
static mxio_status swapaxis_to_layer(const mxio__attrs *a, mxio__layer *l, mxio_error *err) {
    int64_t d1 = 0, d2 = 0;
    if (!mxio__attr_int(a, "dim1", &d1) || !mxio__attr_int(a, "dim2", &d2))
        return mxio__fail(err, MXIO_E_CORRUPT, "attribute dim1/dim2 does not parse");
    mxio_status st = mxio__layer_apply(&swapaxis_rule, a, l, err);
    mxio__buf b;
    mxio__buf_init(&b);
    mxio__buf_printf(&b, "[%lld,%lld]", (long long)d1, (long long)d2);
    char *swap = mxio__buf_take(&b, NULL);
    if (!st && !swap) st = mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    if (!st) st = mxio__layer_set(l, "Swap", swap, err);
    mxio_free(swap);
    return st;
}
static mxio_status swapaxis_from_layer(const mxio__layer *l, const mxio__op *op, mxio__kv **kv,
                                       size_t *n, mxio_error *err) {
    *kv = NULL;
    *n = 0;
    const char *swap = mxio__layer_get(l, "Swap");
    int64_t d[2];
    int nd = 0;
    if (!swap || !mxio__parse_tuple(swap, d, 2, &nd, false, NULL) || nd != 2)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "layer %s: no Swap pair for SwapAxis",
                          l->name ? l->name : "?");
    mxio_status st = MXIO_OK;
    /* MXNet's default for both is 0: leave those out, as for every other op. */
    static const char *const keys[] = {"dim1", "dim2"};
    for (int i = 0; i < 2 && !st; i++) {
        if (!d[i]) continue;
        mxio__buf b;
        mxio__buf_init(&b);
        mxio__buf_printf(&b, "%lld", (long long)d[i]);
        char *v = mxio__buf_take(&b, NULL);
        st = v ? mxio__kvs_set(kv, n, keys[i], v, err) : mxio__fail(err, MXIO_E_NOMEM, "out of memory");
        mxio_free(v);
    }
    return st;
}
static const mxio__layer_rule slice_axis_rule = {
    "PartLayer", MXIO__OPTS({"Axis", "axis", NULL}, {"Begin", "begin", NULL}, {"End", "end", NULL}),
    NULL};
static const mxio__layer_rule slice_rule = {
    "PartLayer", MXIO__OPTS({"Begin", "begin", NULL}, {"End", "end", NULL}, {"Step", "step", NULL}),
    NULL};
static const mxio__layer_rule expand_dims_rule = {"ReplicateLayer", MXIO__OPTS({"Axis", "axis", NULL}),
                                                  NULL};

/* ---- shape rules ---------------------------------------------------------- */

#define KNOWN(v) ((v) > 0)

static int64_t mul_known(int64_t a, int64_t b) { return KNOWN(a) && KNOWN(b) ? a * b : 0; }

static mxio_status out_shape(mxio__shape_ctx *c, int ndim, const int64_t *d) {
    mxio__shape o;
    if (ndim > MXIO__MAX_DIMS) return mxio__shape_fail(c, "result has more than %d dims", MXIO__MAX_DIMS);
    mxio__shape_make(&o, ndim, d);
    return mxio__shape_assign_out(c, 0, &o);
}

/* Reshape: InferReshapeShape (src/operator/tensor/matrix_op-inl.h). Codes
 * 0 copy, -1 infer, -2 copy the rest, -3 merge two, -4 split one into the next
 * two values; reverse applies them right to left. */
static mxio_status reshape_infer(mxio__shape_ctx *c) {
    int64_t p[MXIO__MAX_DIMS * 2];
    int np = 0;
    bool reverse = false;
    mxio__dtype_same(c);
    mxio__attr_bool(c->attrs, "reverse", &reverse);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "shape", p, MXIO__MAX_DIMS * 2, &np, NULL) || np == 0) {
        /* The deprecated target_shape: one 0 is inferred from the size;
         * keep_highest keeps the first dim. */
        bool keep = false;
        mxio__attr_bool(c->attrs, "keep_highest", &keep);
        if (!mxio__attr_shape(c->attrs, "target_shape", p, MXIO__MAX_DIMS, &np, NULL) || np == 0)
            return mxio__shape_fail(c, "shape is required");
        if (keep) p[0] = x->d[0];
        int zeros = 0, at = 0;
        int64_t rest = 1, total;
        for (int i = keep ? 1 : 0; i < np; i++)
            if (p[i] == 0) {
                zeros++;
                at = i;
            }
        for (int i = 0; i < np; i++) rest = i == at && zeros == 1 ? rest : mul_known(rest, p[i]);
        if (zeros == 1)
            p[at] = mxio__shape_known(x) && mxio__shape_numel(x->d, x->ndim, &total) && KNOWN(rest)
                        ? total / rest
                        : 0;
        return out_shape(c, np, p);
    }
    int64_t src[MXIO__MAX_DIMS], par[MXIO__MAX_DIMS * 2], out[MXIO__MAX_DIMS * 2];
    int ns = x->ndim, no = 0, si = 0, inf = -1;
    for (int i = 0; i < ns; i++) src[i] = x->d[reverse ? ns - 1 - i : i];
    for (int i = 0; i < np; i++) par[i] = p[reverse ? np - 1 - i : i];
    for (int i = 0; i < np; i++) {
        if (no >= MXIO__MAX_DIMS) return mxio__shape_fail(c, "too many result dims");
        int64_t v = par[i];
        if (v == 0) {
            if (si >= ns) return mxio__shape_fail(c, "code 0 at position %d has no input dim", i);
            out[no++] = src[si++];
        } else if (v == -1) {
            if (inf >= 0) return mxio__shape_fail(c, "only one dim can be inferred (-1)");
            inf = no;
            out[no++] = 1;
            si++;
        } else if (v == -2) {
            while (si < ns && no < MXIO__MAX_DIMS) out[no++] = src[si++];
        } else if (v == -3) {
            if (si + 1 >= ns) return mxio__shape_fail(c, "code -3 needs two input dims");
            out[no++] = mul_known(src[si], src[si + 1]);
            si += 2;
        } else if (v == -4) {
            if (i + 2 >= np || si >= ns) return mxio__shape_fail(c, "code -4 needs an input dim and two values");
            int64_t d0 = src[si++], d1 = par[++i], d2 = par[++i];
            if (d1 == -1 && d2 == -1) return mxio__shape_fail(c, "split dims cannot both be -1");
            if (d1 == -1 && KNOWN(d0)) d1 = d2 ? d0 / d2 : 0;
            if (d2 == -1 && KNOWN(d0)) d2 = d1 ? d0 / d1 : 0;
            if (KNOWN(d0) && d1 * d2 != d0)
                return mxio__shape_fail(c, "split dims %lld x %lld do not make %lld", (long long)d1,
                                        (long long)d2, (long long)d0);
            out[no++] = d1 < 0 ? 0 : d1;
            if (no >= MXIO__MAX_DIMS) return mxio__shape_fail(c, "too many result dims");
            out[no++] = d2 < 0 ? 0 : d2;
        } else if (v > 0) {
            out[no++] = v;
            si++;
        } else {
            return mxio__shape_fail(c, "invalid shape code %lld", (long long)v);
        }
    }
    int64_t total;
    bool known = mxio__shape_known(x) && mxio__shape_numel(x->d, x->ndim, &total);
    if (inf >= 0) {
        int64_t rest = 1;
        for (int i = 0; i < no; i++) rest = i == inf ? rest : mul_known(rest, out[i]);
        out[inf] = known && KNOWN(rest) ? total / rest : 0;
    }
    /* MXNet 1.9.1 does not compare the element counts here (the check in
     * ReshapeShape is compiled out), so neither do we. */
    int64_t res[MXIO__MAX_DIMS];
    for (int i = 0; i < no; i++) res[i] = out[reverse ? no - 1 - i : i];
    return out_shape(c, no, res);
}

/* Flatten: (d0, prod(rest)). */
static mxio_status flatten_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim < 1) return mxio__shape_fail(c, "data must have at least one dim");
    int64_t d[2] = {x->d[0], 1};
    for (int i = 1; i < x->ndim; i++) d[1] = mul_known(d[1], x->d[i]);
    return out_shape(c, 2, d);
}

/* Concat (and stack's cousins): inputs agree except along `dim`, which adds up. */
static mxio_status concat_infer(mxio__shape_ctx *c) {
    int64_t dim = 1;
    mxio__dtype_same(c);
    mxio__attr_int(c->attrs, "dim", &dim);
    int n = c->nin;
    int64_t nargs;
    if (mxio__attr_int(c->attrs, "num_args", &nargs) && nargs < n) n = (int)nargs; /* quantized */
    mxio__shape o = {.ndim = -1};
    int ax = -1;
    int64_t sum = 0;
    for (int i = 0; i < n; i++) {
        const mxio__shape *x = &c->in[i];
        if (!mxio__shape_rank_known(x)) {
            sum = -1;
            continue;
        }
        if (ax < 0 && !mxio__axis(dim, x->ndim, &ax))
            return mxio__shape_fail(c, "dim %lld is out of range for %d-D inputs", (long long)dim, x->ndim);
        mxio__shape y = *x;
        y.d[ax] = 0;
        mxio_status st = mxio__shape_assign(c, &o, &y, "inputs (all dims but the concat dim)");
        if (st) return st;
        if (sum >= 0) sum = KNOWN(x->d[ax]) ? sum + x->d[ax] : -1;
    }
    if (o.ndim < 0) return MXIO_OK;
    /* Like ConcatShape, unknown dims of one input are taken from the others. */
    for (int i = 0; i < n; i++) {
        if (!mxio__shape_rank_known(&c->in[i])) continue;
        mxio__shape y = o;
        y.d[ax] = c->in[i].d[ax];
        mxio_status st = mxio__shape_assign(c, &c->in[i], &y, "input");
        if (st) return st;
    }
    o.d[ax] = sum > 0 ? sum : 0;
    return mxio__shape_assign_out(c, 0, &o);
}

/* transpose: axes permute; empty axes reverse them all. */
static mxio_status transpose_infer(mxio__shape_ctx *c) {
    int64_t axes[MXIO__MAX_DIMS];
    int na = 0;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "axes", axes, MXIO__MAX_DIMS, &na, NULL))
        return mxio__shape_fail(c, "bad axes");
    int64_t d[MXIO__MAX_DIMS];
    if (na == 0) {
        for (int i = 0; i < x->ndim; i++) d[i] = x->d[x->ndim - 1 - i];
        return out_shape(c, x->ndim, d);
    }
    if (na != x->ndim) return mxio__shape_fail(c, "axes has %d entries for %d-D data", na, x->ndim);
    bool seen[MXIO__MAX_DIMS] = {false};
    for (int i = 0; i < na; i++) {
        int ax;
        /* MXNet 1.9.1's transpose takes no negative axes. */
        if (axes[i] < 0 || !mxio__axis(axes[i], x->ndim, &ax) || seen[ax])
            return mxio__shape_fail(c, "axes is not a permutation");
        seen[ax] = true;
        d[i] = x->d[ax];
    }
    return out_shape(c, x->ndim, d);
}

static mxio_status swapaxis_infer(mxio__shape_ctx *c) {
    int64_t a1 = 0, a2 = 0;
    int x1, x2;
    mxio__dtype_same(c);
    mxio__attr_int(c->attrs, "dim1", &a1);
    mxio__attr_int(c->attrs, "dim2", &a2);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__axis(a1, x->ndim, &x1) || !mxio__axis(a2, x->ndim, &x2))
        return mxio__shape_fail(c, "dim1 or dim2 is out of range");
    mxio__shape o = *x;
    o.d[x1] = x->d[x2];
    o.d[x2] = x->d[x1];
    return mxio__shape_assign_out(c, 0, &o);
}

static mxio_status expand_dims_infer(mxio__shape_ctx *c) {
    int64_t axis;
    int ax;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_int(c->attrs, "axis", &axis) || !mxio__axis(axis, x->ndim + 1, &ax))
        return mxio__shape_fail(c, "axis is out of range");
    if (x->ndim + 1 > MXIO__MAX_DIMS) return mxio__shape_fail(c, "too many dims");
    int64_t d[MXIO__MAX_DIMS];
    for (int i = 0, k = 0; i <= x->ndim; i++) d[i] = i == ax ? 1 : x->d[k++];
    return out_shape(c, x->ndim + 1, d);
}

/* squeeze: drop the given unit axes, or all of them; all-unit data keeps (1,). */
static mxio_status squeeze_infer(mxio__shape_ctx *c) {
    int64_t axes[MXIO__MAX_DIMS];
    int na = 0;
    bool none = false;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "axis", axes, MXIO__MAX_DIMS, &na, &none))
        return mxio__shape_fail(c, "bad axis");
    bool drop[MXIO__MAX_DIMS] = {false};
    if (none || na == 0) {
        for (int i = 0; i < x->ndim; i++) drop[i] = x->d[i] == 1;
    } else {
        for (int i = 0; i < na; i++) {
            int ax;
            if (!mxio__axis(axes[i], x->ndim, &ax)) return mxio__shape_fail(c, "axis is out of range");
            if (KNOWN(x->d[ax]) && x->d[ax] != 1)
                return mxio__shape_fail(c, "cannot squeeze axis %d of size %lld", ax, (long long)x->d[ax]);
            if (drop[ax]) return mxio__shape_fail(c, "duplicate value in axis");
            drop[ax] = true;
        }
    }
    int64_t d[MXIO__MAX_DIMS];
    int n = 0;
    for (int i = 0; i < x->ndim; i++)
        if (!drop[i]) d[n++] = x->d[i];
    if (n == 0) d[n++] = 1;
    return out_shape(c, n, d);
}

/* SliceChannel: num_outputs equal parts along axis; squeeze_axis drops it
 * when each part is 1 wide. */
static mxio_status split_infer(mxio__shape_ctx *c) {
    int64_t n = 1, axis = 1;
    bool squeeze = false;
    int ax;
    mxio__dtype_same(c);
    mxio__attr_int(c->attrs, "num_outputs", &n);
    mxio__attr_int(c->attrs, "axis", &axis);
    mxio__attr_bool(c->attrs, "squeeze_axis", &squeeze);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__axis(axis, x->ndim, &ax)) return mxio__shape_fail(c, "axis is out of range");
    if (KNOWN(x->d[ax]) && x->d[ax] % n != 0)
        return mxio__shape_fail(c, "axis %d of size %lld does not split into %lld parts", ax,
                                (long long)x->d[ax], (long long)n);
    mxio__shape o = *x;
    o.d[ax] = KNOWN(x->d[ax]) ? x->d[ax] / n : 0;
    if (squeeze) {
        if (KNOWN(o.d[ax]) && o.d[ax] != 1)
            return mxio__shape_fail(c, "squeeze_axis needs parts of size 1");
        for (int i = ax; i + 1 < o.ndim; i++) o.d[i] = o.d[i + 1];
        o.ndim--;
    }
    for (int i = 0; i < c->nout; i++) {
        mxio_status st = mxio__shape_assign_out(c, i, &o);
        if (st) return st;
    }
    return MXIO_OK;
}

/* _split_v2: parts at `indices` (leading 0) or `sections` equal parts. */
static mxio_status split_v2_infer(mxio__shape_ctx *c) {
    int64_t axis = 1, sections = 0, idx[MXIO__MAX_OP_INPUTS + 1];
    int ni = 0, ax;
    bool squeeze = false;
    mxio__dtype_same(c);
    mxio__attr_int(c->attrs, "axis", &axis);
    mxio__attr_int(c->attrs, "sections", &sections);
    mxio__attr_bool(c->attrs, "squeeze_axis", &squeeze);
    mxio__attr_shape(c->attrs, "indices", idx, MXIO__MAX_OP_INPUTS, &ni, NULL);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__axis(axis, x->ndim, &ax)) return mxio__shape_fail(c, "axis is out of range");
    int64_t len = x->d[ax];
    for (int i = 0; i < c->nout; i++) {
        mxio__shape o = *x;
        if (sections > 0) {
            o.d[ax] = KNOWN(len) ? len / sections : 0;
        } else if (KNOWN(len)) {
            int64_t b = idx[i], e = i + 1 < ni ? idx[i + 1] : len;
            o.d[ax] = e - b;
        } else {
            o.d[ax] = 0;
        }
        if (squeeze && o.d[ax] == 1) {
            for (int k = ax; k + 1 < o.ndim; k++) o.d[k] = o.d[k + 1];
            o.ndim--;
        }
        mxio_status st = mxio__shape_assign_out(c, i, &o);
        if (st) return st;
    }
    return MXIO_OK;
}

/* slice: GetIndexRange and SetSliceOpOutputDimSize (matrix_op-inl.h). */
static mxio_status slice_infer(mxio__shape_ctx *c) {
    int64_t b[MXIO__MAX_DIMS], e[MXIO__MAX_DIMS], s[MXIO__MAX_DIMS];
    int nb = 0, ne = 0, ns = 0;
    mxio__dtype_same(c);
    if (!mxio__attr_shape(c->attrs, "begin", b, MXIO__MAX_DIMS, &nb, NULL) ||
        !mxio__attr_shape(c->attrs, "end", e, MXIO__MAX_DIMS, &ne, NULL) ||
        !mxio__attr_shape(c->attrs, "step", s, MXIO__MAX_DIMS, &ns, NULL))
        return mxio__shape_fail(c, "bad begin, end or step");
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (nb != ne || nb > x->ndim || (ns > 0 && ns != nb))
        return mxio__shape_fail(c, "begin, end and step must have the same length, at most the rank");
    mxio__shape o = *x;
    for (int i = 0; i < nb; i++) {
        int64_t st = ns > 0 && s[i] != INT64_MIN ? s[i] : 1, len = x->d[i];
        if (st == 0) return mxio__shape_fail(c, "step cannot be 0");
        if (!KNOWN(len)) {
            o.d[i] = 0;
            continue;
        }
        int64_t bb = b[i] != INT64_MIN ? b[i] : (st < 0 ? len - 1 : 0);
        int64_t ee = e[i] != INT64_MIN ? e[i] : (st < 0 ? -1 : len);
        if (bb < 0) bb += len;
        if (ee < 0 && e[i] != INT64_MIN) ee += len;
        bb = bb < 0 && st > 0 ? 0 : bb;
        bb = bb > len - 1 && st < 0 ? len - 1 : bb;
        bb = bb < 0 || bb > len - 1 ? -1 : bb;
        ee = ee > -1 ? ee : -1;
        ee = ee > len ? len : ee;
        int64_t n = 0;
        if (ee != bb && bb >= 0)
            n = st > 0 ? (ee > bb ? (ee - bb - 1) / st + 1 : 0) : (ee < bb ? (bb - ee - 1) / -st + 1 : 0);
        /* MXNet gives a zero-size dim here; mxio's shapes use 0 for unknown. */
        if (n == 0) return mxio__shape_fail(c, "slice along axis %d is empty", i);
        o.d[i] = n;
    }
    return mxio__shape_assign_out(c, 0, &o);
}

static mxio_status slice_axis_infer(mxio__shape_ctx *c) {
    int64_t axis, b, e;
    int ax;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    const char *end = mxio__attr_str(c->attrs, "end");
    if (!mxio__attr_int(c->attrs, "axis", &axis) || !mxio__attr_int(c->attrs, "begin", &b) ||
        !mxio__axis(axis, x->ndim, &ax))
        return mxio__shape_fail(c, "bad axis or begin");
    int64_t len = x->d[ax];
    mxio__shape o = *x;
    if (!KNOWN(len)) {
        o.d[ax] = 0;
        return mxio__shape_assign_out(c, 0, &o);
    }
    if (!end || strcmp(end, "None") == 0) e = len;
    else if (!mxio__parse_int(end, &e)) return mxio__shape_fail(c, "bad end");
    if (b < 0) b += len;
    if (e < 0) e += len;
    if (b < 0 || e > len || e <= b)
        return mxio__shape_fail(c, "slice [%lld, %lld) is invalid for axis %d of size %lld",
                                (long long)b, (long long)e, ax, (long long)len);
    o.d[ax] = e - b;
    return mxio__shape_assign_out(c, 0, &o);
}

/* slice_like: the listed axes (all, if none) take the second input's size. */
static mxio_status slice_like_infer(mxio__shape_ctx *c) {
    int64_t axes[MXIO__MAX_DIMS];
    int na = 0;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0], *l = &c->in[1];
    if (!mxio__shape_rank_known(x) || !mxio__shape_rank_known(l)) return MXIO_OK;
    mxio__attr_shape(c->attrs, "axes", axes, MXIO__MAX_DIMS, &na, NULL);
    mxio__shape o = *x;
    if (na == 0) {
        if (l->ndim != x->ndim) return mxio__shape_fail(c, "inputs must have the same rank");
        for (int i = 0; i < x->ndim; i++) o.d[i] = l->d[i];
    } else {
        for (int i = 0; i < na; i++) {
            int ax;
            if (!mxio__axis(axes[i], x->ndim, &ax) || ax >= l->ndim)
                return mxio__shape_fail(c, "axis %lld is out of range", (long long)axes[i]);
            o.d[ax] = l->d[ax];
        }
    }
    return mxio__shape_assign_out(c, 0, &o);
}

/* tile: reps and shape are right-aligned, the shorter padded with 1s. */
static mxio_status tile_infer(mxio__shape_ctx *c) {
    int64_t r[MXIO__MAX_DIMS];
    int nr = 0;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "reps", r, MXIO__MAX_DIMS, &nr, NULL))
        return mxio__shape_fail(c, "bad reps");
    if (nr == 0) return mxio__shape_assign_out(c, 0, x);
    int n = nr > x->ndim ? nr : x->ndim;
    int64_t d[MXIO__MAX_DIMS];
    for (int i = 0; i < n; i++) {
        int xi = i - (n - x->ndim), ri = i - (n - nr);
        d[i] = mul_known(xi >= 0 ? x->d[xi] : 1, ri >= 0 ? r[ri] : 1);
    }
    return out_shape(c, n, d);
}

/* repeat: without an axis the data is flattened first. */
static mxio_status repeat_infer(mxio__shape_ctx *c) {
    int64_t reps, axis;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_int(c->attrs, "repeats", &reps) || reps < 0)
        return mxio__shape_fail(c, "repeats must be a non-negative integer");
    const char *axs = mxio__attr_str(c->attrs, "axis");
    if (!axs || strcmp(axs, "None") == 0) {
        int64_t n = reps;
        for (int i = 0; i < x->ndim; i++) n = mul_known(n, x->d[i]);
        return out_shape(c, 1, &n);
    }
    int ax;
    if (!mxio__parse_int(axs, &axis) || !mxio__axis(axis, x->ndim, &ax))
        return mxio__shape_fail(c, "axis is out of range");
    mxio__shape o = *x;
    o.d[ax] = mul_known(x->d[ax], reps);
    return mxio__shape_assign_out(c, 0, &o);
}

/* Pad: pad_width holds (before, after) per axis. */
static mxio_status pad_infer(mxio__shape_ctx *c) {
    int64_t pw[MXIO__MAX_DIMS * 2];
    int n = 0;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "pad_width", pw, MXIO__MAX_DIMS * 2, &n, NULL) || n != 2 * x->ndim)
        return mxio__shape_fail(c, "pad_width must have 2 entries per axis (%d)", 2 * x->ndim);
    /* PadProp::InferShape: 4-D or 5-D, no padding on N and C, and reflection
     * (checked on the first two spatial axes only) narrower than the input. */
    if (x->ndim != 4 && x->ndim != 5) return mxio__shape_fail(c, "only 4-D or 5-D input can be padded");
    if (pw[0] || pw[1] || pw[2] || pw[3]) return mxio__shape_fail(c, "the first two axes cannot be padded");
    const char *mode = mxio__attr_str(c->attrs, "mode");
    if (mode && strcmp(mode, "reflect") == 0)
        for (int i = 4; i < 8; i++)
            if (KNOWN(x->d[2 + (i - 4) / 2]) && pw[i] >= x->d[2 + (i - 4) / 2])
                return mxio__shape_fail(c, "reflection padding must be smaller than the input");
    mxio__shape o = *x;
    for (int i = 0; i < x->ndim; i++)
        if (KNOWN(x->d[i])) o.d[i] = x->d[i] + pw[2 * i] + pw[2 * i + 1];
    return mxio__shape_assign_out(c, 0, &o);
}

/* Crop: to the second input's H, W (num_args 2) or to h_w. */
static mxio_status crop_infer(mxio__shape_ctx *c) {
    int64_t hw[2] = {0, 0};
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != 4) return mxio__shape_fail(c, "data must be 4-D");
    if (c->nin >= 2) {
        if (!mxio__shape_rank_known(&c->in[1])) return MXIO_OK;
        if (c->in[1].ndim != 4) return mxio__shape_fail(c, "crop_like must be 4-D");
        hw[0] = c->in[1].d[2];
        hw[1] = c->in[1].d[3];
    } else if (!mxio__attr_dims(c->attrs, "h_w", 2, 0, hw)) {
        return mxio__shape_fail(c, "bad h_w");
    }
    int64_t d[4] = {x->d[0], x->d[1], hw[0], hw[1]};
    return out_shape(c, 4, d);
}

/* UpSampling: nearest scales every input to the first one's H*scale (channels
 * concatenated or summed); bilinear is a depthwise deconvolution whose weight
 * is (C, 1, 2s - s%2, 2s - s%2) (upsampling.cc). */
static mxio_status upsampling_infer(mxio__shape_ctx *c) {
    int64_t scale;
    mxio__dtype_same(c);
    if (!mxio__attr_int(c->attrs, "scale", &scale) || scale < 1)
        return mxio__shape_fail(c, "scale must be a positive integer");
    const char *type = mxio__attr_str(c->attrs, "sample_type");
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != 4) return mxio__shape_fail(c, "data must be 4-D");
    int64_t d[4] = {x->d[0], x->d[1], mul_known(x->d[2], scale), mul_known(x->d[3], scale)};
    if (type && strcmp(type, "bilinear") == 0) {
        int64_t k = 2 * scale - scale % 2, w[4] = {x->d[1], 1, k, k};
        mxio_status st = mxio__shape_assign_in(c, 1, 4, w);
        if (st) return st;
        return out_shape(c, 4, d);
    }
    const char *mode = mxio__attr_str(c->attrs, "multi_input_mode");
    bool sum = mode && strcmp(mode, "sum") == 0;
    for (int i = 1; i < c->nin; i++) {
        const mxio__shape *y = &c->in[i];
        if (!mxio__shape_rank_known(y)) return MXIO_OK;
        if (y->ndim != 4) return mxio__shape_fail(c, "input %d must be 4-D", i);
        if (KNOWN(d[2]) && KNOWN(y->d[2]) && d[2] % y->d[2] != 0)
            return mxio__shape_fail(c, "input %d height does not divide the output's", i);
        if (!sum) d[1] = KNOWN(d[1]) && KNOWN(y->d[1]) ? d[1] + y->d[1] : 0;
        else if (KNOWN(d[1]) && KNOWN(y->d[1]) && d[1] != y->d[1])
            return mxio__shape_fail(c, "sum mode needs equal channels (input %d has %lld, not %lld)", i,
                                    (long long)y->d[1], (long long)d[1]);
    }
    return out_shape(c, 4, d);
}

/* Cast / amp_cast: shape kept, dtype from the attr. */
static mxio_status cast_infer(mxio__shape_ctx *c) {
    int t = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    if (t < 0) return mxio__shape_fail(c, "unknown dtype \"%s\"", mxio__attr_str(c->attrs, "dtype"));
    if (c->nin > 0 && c->in_dtype[0] < 0) c->in_dtype[0] = MXIO_DTYPE_FLOAT32;
    if (c->nout > 0) c->out_dtype[0] = t;
    if (c->nin < 1 || c->nout < 1) return MXIO_OK;
    /* ElemwiseShape<1, 1>: the input learns from the output too */
    mxio_status st = mxio__shape_assign_out(c, 0, &c->in[0]);
    return st ? st : mxio__shape_assign(c, &c->in[0], &c->out[0], "input 0 (data)");
}

/* stack: num_args same-shaped inputs gain a new axis of size num_args. */
static mxio_status stack_infer(mxio__shape_ctx *c) {
    int64_t axis = 0;
    int ax;
    mxio_status st;
    mxio__dtype_same(c);
    /* the inputs agree (StackOpShape); the output has one more axis */
    mxio__shape x = {.ndim = -1};
    for (int i = 0; i < c->nin; i++)
        if ((st = mxio__shape_assign(c, &x, &c->in[i], "input"))) return st;
    for (int i = 0; i < c->nin; i++)
        if ((st = mxio__shape_assign(c, &c->in[i], &x, "input"))) return st;
    mxio__attr_int(c->attrs, "axis", &axis);
    if (!mxio__shape_rank_known(&x)) return MXIO_OK;
    if (x.ndim >= MXIO__MAX_DIMS) return mxio__shape_fail(c, "result has more than %d dims", MXIO__MAX_DIMS);
    if (!mxio__axis(axis, x.ndim + 1, &ax)) return mxio__shape_fail(c, "axis is out of range");
    int64_t d[MXIO__MAX_DIMS];
    for (int i = 0, k = 0; i <= x.ndim; i++) d[i] = i == ax ? c->nin : x.d[k++];
    return out_shape(c, x.ndim + 1, d);
}

/* broadcast_to: shape entries of 0 keep the input's dim. */
static mxio_status broadcast_to_infer(mxio__shape_ctx *c) {
    int64_t s[MXIO__MAX_DIMS];
    int n = 0;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "shape", s, MXIO__MAX_DIMS, &n, NULL) || n != x->ndim)
        return mxio__shape_fail(c, "shape must have %d dims like the data", x->ndim);
    for (int i = 0; i < n; i++) {
        if (s[i] == 0) s[i] = x->d[i];
        else if (KNOWN(x->d[i]) && x->d[i] != 1 && x->d[i] != s[i])
            return mxio__shape_fail(c, "axis %d of size %lld cannot broadcast to %lld", i,
                                    (long long)x->d[i], (long long)s[i]);
    }
    return out_shape(c, n, s);
}

static mxio_status broadcast_axis_infer(mxio__shape_ctx *c) {
    int64_t ax[MXIO__MAX_DIMS], sz[MXIO__MAX_DIMS];
    int na = 0, ns = 0;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "axis", ax, MXIO__MAX_DIMS, &na, NULL) ||
        !mxio__attr_shape(c->attrs, "size", sz, MXIO__MAX_DIMS, &ns, NULL) || na != ns)
        return mxio__shape_fail(c, "axis and size must have the same length");
    mxio__shape o = *x;
    for (int i = 0; i < na; i++) {
        int a;
        if (!mxio__axis(ax[i], x->ndim, &a)) return mxio__shape_fail(c, "axis is out of range");
        if (KNOWN(x->d[a]) && x->d[a] != 1)
            return mxio__shape_fail(c, "broadcasting axis %d must have size 1, not %lld", a, (long long)x->d[a]);
        o.d[a] = sz[i];
    }
    return mxio__shape_assign_out(c, 0, &o);
}

/* broadcast_like: to the second input's shape, or only on lhs_axes from rhs_axes. */
static mxio_status broadcast_like_infer(mxio__shape_ctx *c) {
    int64_t la[MXIO__MAX_DIMS], ra[MXIO__MAX_DIMS];
    int nl = 0, nr = 0;
    bool ln = true, rn = true;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0], *l = &c->in[1];
    if (!mxio__shape_rank_known(x) || !mxio__shape_rank_known(l)) return MXIO_OK;
    mxio__attr_shape(c->attrs, "lhs_axes", la, MXIO__MAX_DIMS, &nl, &ln);
    mxio__attr_shape(c->attrs, "rhs_axes", ra, MXIO__MAX_DIMS, &nr, &rn);
    if (ln || nl == 0) return mxio__shape_assign_out(c, 0, l);
    if (nl != nr) return mxio__shape_fail(c, "lhs_axes and rhs_axes differ in length");
    mxio__shape o = *x;
    for (int i = 0; i < nl; i++) {
        int a, b;
        if (!mxio__axis(la[i], x->ndim, &a) || !mxio__axis(ra[i], l->ndim, &b))
            return mxio__shape_fail(c, "axis is out of range");
        o.d[a] = l->d[b];
    }
    return mxio__shape_assign_out(c, 0, &o);
}

/* reshape_like (whole-shape form): the output takes the second input's shape. */
static mxio_status reshape_like_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const char *keys[] = {"lhs_begin", "lhs_end", "rhs_begin", "rhs_end"};
    for (int i = 0; i < 4; i++) {
        const char *v = mxio__attr_str(c->attrs, keys[i]);
        if (v && strcmp(v, "None") != 0) return MXIO_OK; /* partial form: not inferred yet */
    }
    return c->nin > 1 ? mxio__shape_assign_out(c, 0, &c->in[1]) : MXIO_OK;
}

/* _zeros, _ones, _full: shape and dtype from the attrs. */
static mxio_status constant_infer(mxio__shape_ctx *c) {
    int64_t s[MXIO__MAX_DIMS];
    int n = 0;
    int t = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    if (c->nout > 0) c->out_dtype[0] = t < 0 ? MXIO_DTYPE_FLOAT32 : t;
    if (!mxio__attr_shape(c->attrs, "shape", s, MXIO__MAX_DIMS, &n, NULL))
        return mxio__shape_fail(c, "bad shape");
    return out_shape(c, n, s);
}

/* _arange: ceil((stop - start) / step) * repeat values. */
static mxio_status arange_infer(mxio__shape_ctx *c) {
    double start, stop, step = 1;
    int64_t repeat = 1;
    int t = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    if (c->nout > 0) c->out_dtype[0] = t < 0 ? MXIO_DTYPE_FLOAT32 : t;
    bool infer = false;
    if (!mxio__attr_float(c->attrs, "start", &start)) return mxio__shape_fail(c, "start is required");
    mxio__attr_bool(c->attrs, "infer_range", &infer);
    mxio__attr_float(c->attrs, "step", &step);
    mxio__attr_int(c->attrs, "repeat", &repeat);
    if (step == 0) return mxio__shape_fail(c, "step cannot be 0");
    if (repeat < 1) return mxio__shape_fail(c, "repeat must be positive");
    if (!mxio__attr_float(c->attrs, "stop", &stop)) {
        /* RangeShape: with infer_range the length (and MXNet leaves even the
         * rank) comes from the consumers */
        if (infer) return MXIO_OK;
        stop = start;
        start = 0;
    }
    double n = ceil((stop - start) / step);
    if (!(n > 0) || n * (double)repeat > 9e15) return mxio__shape_fail(c, "empty or huge range");
    int64_t len = (int64_t)n * repeat;
    return out_shape(c, 1, &len);
}

/* Sequence*: SequenceLast drops the time axis; the others keep the shape. */
static mxio_status sequence_last_infer(mxio__shape_ctx *c) {
    int64_t axis = 0;
    int ax;
    mxio__dtype_same(c);
    mxio__attr_int(c->attrs, "axis", &axis);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__axis(axis, x->ndim, &ax)) return mxio__shape_fail(c, "axis is out of range");
    mxio__shape o = *x;
    for (int i = ax; i + 1 < o.ndim; i++) o.d[i] = o.d[i + 1];
    o.ndim--;
    return mxio__shape_assign_out(c, 0, &o);
}

/* depth_to_space / space_to_depth (NCHW). */
static mxio_status depth_space_infer(mxio__shape_ctx *c, bool to_space) {
    int64_t b;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (!mxio__attr_int(c->attrs, "block_size", &b) || b < 1 || x->ndim != 4)
        return mxio__shape_fail(c, "needs 4-D data and a positive block_size");
    int64_t d[4] = {x->d[0], 0, 0, 0};
    if (to_space) {
        d[1] = KNOWN(x->d[1]) ? x->d[1] / (b * b) : 0;
        d[2] = mul_known(x->d[2], b);
        d[3] = mul_known(x->d[3], b);
    } else {
        d[1] = mul_known(x->d[1], b * b);
        d[2] = KNOWN(x->d[2]) ? x->d[2] / b : 0;
        d[3] = KNOWN(x->d[3]) ? x->d[3] / b : 0;
    }
    return out_shape(c, 4, d);
}
static mxio_status depth_to_space_infer(mxio__shape_ctx *c) { return depth_space_infer(c, true); }
static mxio_status space_to_depth_infer(mxio__shape_ctx *c) { return depth_space_infer(c, false); }

/* shape_array / size_array: int64 vectors. */
static mxio_status shape_array_infer(mxio__shape_ctx *c) {
    if (c->nout > 0) c->out_dtype[0] = MXIO_DTYPE_INT64;
    if (!mxio__shape_rank_known(&c->in[0])) return MXIO_OK;
    int64_t n = c->in[0].ndim;
    return out_shape(c, 1, &n);
}
static mxio_status size_array_infer(mxio__shape_ctx *c) {
    int64_t one = 1;
    if (c->nout > 0) c->out_dtype[0] = MXIO_DTYPE_INT64;
    return out_shape(c, 1, &one);
}

/* BilinearResize2D: mode size gives (height, width); like copies the second
 * input's spatial size; scale_* multiply. */
static mxio_status resize_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim != 4) return mxio__shape_fail(c, "data must be 4-D");
    const char *mode = mxio__attr_str(c->attrs, "mode");
    int64_t d[4] = {x->d[0], x->d[1], 0, 0};
    double sh, sw;
    if (mode && strcmp(mode, "like") == 0) {
        if (c->nin < 2 || !mxio__shape_rank_known(&c->in[1])) return MXIO_OK;
        d[2] = c->in[1].d[2];
        d[3] = c->in[1].d[3];
    } else if (mode && strcmp(mode, "size") != 0) {
        return MXIO_OK; /* odd_scale, to_even_* ...: not inferred yet */
    } else if (mxio__attr_float(c->attrs, "scale_height", &sh) &&
               mxio__attr_float(c->attrs, "scale_width", &sw)) {
        d[2] = KNOWN(x->d[2]) ? (int64_t)(sh * (double)x->d[2]) : 0;
        d[3] = KNOWN(x->d[3]) ? (int64_t)(sw * (double)x->d[3]) : 0;
    } else {
        mxio__attr_int(c->attrs, "height", &d[2]);
        mxio__attr_int(c->attrs, "width", &d[3]);
    }
    return out_shape(c, 4, d);
}

static mxio_status qflatten_infer(mxio__shape_ctx *c) {
    return mxio__infer_quantized(c, flatten_infer, 1, -1);
}

static mxio_status qconcat_infer(mxio__shape_ctx *c) {
    int64_t n = 0;
    mxio__attr_int(c->attrs, "num_args", &n);
    return mxio__infer_quantized(c, concat_infer, (int)n, -1);
}

/* take: a.shape[:axis] + indices.shape + a.shape[axis+1:]. */
static mxio_status take_infer(mxio__shape_ctx *c) {
    int64_t axis = 0;
    int ax;
    mxio__dtype_same(c);
    mxio__attr_int(c->attrs, "axis", &axis);
    const mxio__shape *a = &c->in[0], *i = &c->in[1];
    if (!mxio__shape_rank_known(a) || !mxio__shape_rank_known(i)) return MXIO_OK;
    if (!mxio__axis(axis, a->ndim, &ax)) return mxio__shape_fail(c, "axis is out of range");
    if (a->ndim - 1 + i->ndim > MXIO__MAX_DIMS) return mxio__shape_fail(c, "too many dims");
    int64_t d[MXIO__MAX_DIMS];
    int n = 0;
    for (int k = 0; k < ax; k++) d[n++] = a->d[k];
    for (int k = 0; k < i->ndim; k++) d[n++] = i->d[k];
    for (int k = ax + 1; k < a->ndim; k++) d[n++] = a->d[k];
    if (c->nout > 0) c->out_dtype[0] = c->in_dtype[0];
    return out_shape(c, n, d);
}

/* pick: the axis goes (or stays as 1 with keepdims); the index matches. */
static mxio_status pick_infer(mxio__shape_ctx *c) {
    int64_t axis = -1;
    bool keep = false;
    int ax;
    mxio__dtype_same(c);
    mxio__attr_bool(c->attrs, "keepdims", &keep);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    const char *a = mxio__attr_str(c->attrs, "axis");
    if (a && strcmp(a, "None") != 0 && !mxio__parse_int(a, &axis)) return mxio__shape_fail(c, "bad axis");
    if (!mxio__axis(axis, x->ndim, &ax)) return mxio__shape_fail(c, "axis is out of range");
    mxio__shape o = *x;
    if (keep) {
        o.d[ax] = 1;
    } else {
        for (int k = ax; k + 1 < o.ndim; k++) o.d[k] = o.d[k + 1];
        o.ndim--;
        if (o.ndim == 0) { /* MXNet 1.x has no 0-D arrays */
            o.ndim = 1;
            o.d[0] = 1;
        }
    }
    mxio_status st = mxio__shape_assign(c, &c->in[1], &o, "index");
    return st ? st : mxio__shape_assign_out(c, 0, &o);
}

/* gather_nd: indices (M, Y...) -> Y... + data.shape[M:]. */
static mxio_status gather_nd_infer(mxio__shape_ctx *c) {
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0], *i = &c->in[1];
    if (c->nout > 0) c->out_dtype[0] = c->in_dtype[0];
    if (!mxio__shape_rank_known(x) || !mxio__shape_rank_known(i)) return MXIO_OK;
    if (i->ndim < 1 || !KNOWN(i->d[0])) return MXIO_OK;
    int64_t m = i->d[0];
    if (m > x->ndim) return mxio__shape_fail(c, "indices address %lld dims of %d", (long long)m, x->ndim);
    int64_t d[MXIO__MAX_DIMS];
    int n = 0;
    for (int k = 1; k < i->ndim; k++) d[n++] = i->d[k];
    for (int k = (int)m; k < x->ndim && n < MXIO__MAX_DIMS; k++) d[n++] = x->d[k];
    if (n == 0) d[n++] = 1;
    return out_shape(c, n, d);
}

/* one_hot: indices.shape + (depth,), in `dtype`. */
static mxio_status one_hot_infer(mxio__shape_ctx *c) {
    int64_t depth;
    int t = mxio__dtype_of_name(mxio__attr_str(c->attrs, "dtype"));
    if (c->nin > 0 && c->in_dtype[0] < 0) c->in_dtype[0] = MXIO_DTYPE_FLOAT32;
    if (c->nout > 0) c->out_dtype[0] = t < 0 ? MXIO_DTYPE_FLOAT32 : t;
    if (!mxio__attr_int(c->attrs, "depth", &depth)) return mxio__shape_fail(c, "depth is required");
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    if (x->ndim >= MXIO__MAX_DIMS) return mxio__shape_fail(c, "too many dims");
    mxio__shape o = *x;
    o.d[o.ndim++] = depth;
    return mxio__shape_assign_out(c, 0, &o);
}

/* amp_multicast: each output keeps its input's shape. */
static mxio_status amp_multicast_infer(mxio__shape_ctx *c) {
    for (int i = 0; i < c->nout && i < c->nin; i++) {
        mxio_status st = mxio__shape_assign_out(c, i, &c->in[i]);
        if (st) return st;
    }
    bool narrow = false;
    int widest = -1;
    mxio__attr_bool(c->attrs, "cast_narrow", &narrow);
    for (int i = 0; i < c->nin; i++) {
        int t = c->in_dtype[i];
        if (t < 0) continue;
        bool wider = t == MXIO_DTYPE_FLOAT32 || t == MXIO_DTYPE_FLOAT64;
        if (widest < 0 || (narrow ? !wider : wider)) widest = t;
    }
    for (int i = 0; i < c->nout; i++) c->out_dtype[i] = widest < 0 ? MXIO_DTYPE_FLOAT32 : widest;
    return MXIO_OK;
}

/* arange_like: the data's shape, or (data.shape[axis],). */
static mxio_status arange_like_infer(mxio__shape_ctx *c) {
    int64_t axis;
    int ax;
    mxio__dtype_same(c);
    const mxio__shape *x = &c->in[0];
    if (!mxio__shape_rank_known(x)) return MXIO_OK;
    const char *a = mxio__attr_str(c->attrs, "axis");
    if (!a || strcmp(a, "None") == 0) return mxio__shape_assign_out(c, 0, x);
    if (!mxio__parse_int(a, &axis) || !mxio__axis(axis, x->ndim, &ax))
        return mxio__shape_fail(c, "axis is out of range");
    return out_shape(c, 1, &x->d[ax]);
}

/* ---- Reshape */
static const mxio__attr_spec Reshape_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"reverse", MXIO__ATTR_BOOL, "False", NULL},
    {"target_shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"keep_highest", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const Reshape_inputs[] = {"data", NULL};

/* ---- Flatten */
static const char *const Flatten_inputs[] = {"data", NULL};

/* ---- Concat */
static const mxio__attr_spec Concat_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"dim", MXIO__ATTR_INT, "1", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- transpose */
static const mxio__attr_spec transpose_params[] = {
    {"axes", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const transpose_inputs[] = {"data", NULL};

/* ---- SwapAxis */
static const mxio__attr_spec SwapAxis_params[] = {
    {"dim1", MXIO__ATTR_INT, "0", NULL},
    {"dim2", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const SwapAxis_inputs[] = {"data", NULL};

/* ---- expand_dims */
static const mxio__attr_spec expand_dims_params[] = {
    {"axis", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const expand_dims_inputs[] = {"data", NULL};

/* ---- squeeze */
static const mxio__attr_spec squeeze_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const squeeze_inputs[] = {"data", NULL};

/* ---- SliceChannel */
static int split_outputs(const mxio__attrs *a, int *visible) {
    int64_t n = 1;
    if (!mxio__attr_int(a, "num_outputs", &n) || n < 1 || n > INT32_MAX) n = 1;
    if (visible) *visible = (int)n;
    return (int)n;
}
static const mxio__attr_spec SliceChannel_params[] = {
    {"num_outputs", MXIO__ATTR_INT, NULL, NULL},
    {"axis", MXIO__ATTR_INT, "1", NULL},
    {"squeeze_axis", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const SliceChannel_inputs[] = {"data", NULL};

/* ---- _split_v2 */
/* The Python wrapper stores indices with a leading 0 ((0, 3, 5) for three
 * parts); sections, when non-zero, wins. */
static int split_v2_outputs(const mxio__attrs *a, int *visible) {
    int64_t sections = 0, idx[MXIO__MAX_OP_INPUTS];
    int n = 1;
    mxio__attr_int(a, "sections", &sections);
    if (sections > 0 && sections <= INT32_MAX)
        n = (int)sections;
    else if (!mxio__attr_shape(a, "indices", idx, MXIO__MAX_OP_INPUTS, &n, NULL) || n < 1)
        n = 1;
    if (visible) *visible = n;
    return n;
}
static const mxio__attr_spec split_v2_params[] = {
    {"indices", MXIO__ATTR_SHAPE, NULL, NULL},
    {"axis", MXIO__ATTR_INT, "1", NULL},
    {"squeeze_axis", MXIO__ATTR_BOOL, "False", NULL},
    {"sections", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const split_v2_inputs[] = {"data", NULL};

/* ---- slice */
static const mxio__attr_spec slice_params[] = {
    {"begin", MXIO__ATTR_OPT_SHAPE, NULL, NULL},
    {"end", MXIO__ATTR_OPT_SHAPE, NULL, NULL},
    {"step", MXIO__ATTR_OPT_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const slice_inputs[] = {"data", NULL};

/* ---- slice_axis */
static const mxio__attr_spec slice_axis_params[] = {
    {"axis", MXIO__ATTR_INT, NULL, NULL},
    {"begin", MXIO__ATTR_INT, NULL, NULL},
    {"end", MXIO__ATTR_OPT_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const slice_axis_inputs[] = {"data", NULL};

/* ---- slice_like */
static const mxio__attr_spec slice_like_params[] = {
    {"axes", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const slice_like_inputs[] = {"data", "shape_like", NULL};

/* ---- tile */
static const mxio__attr_spec tile_params[] = {
    {"reps", MXIO__ATTR_SHAPE, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const tile_inputs[] = {"data", NULL};

/* ---- repeat */
static const mxio__attr_spec repeat_params[] = {
    {"repeats", MXIO__ATTR_INT, NULL, NULL},
    {"axis", MXIO__ATTR_OPT_INT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const repeat_inputs[] = {"data", NULL};

/* ---- Pad */
static const mxio__attr_spec Pad_params[] = {
    {"mode", MXIO__ATTR_ENUM, NULL, "constant|edge|reflect"},
    {"pad_width", MXIO__ATTR_SHAPE, NULL, NULL},
    {"constant_value", MXIO__ATTR_FLOAT, "0", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const Pad_inputs[] = {"data", NULL};

/* ---- Crop */

static const mxio__attr_spec Crop_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"offset", MXIO__ATTR_SHAPE, "[0,0]", NULL},
    {"h_w", MXIO__ATTR_SHAPE, "[0,0]", NULL},
    {"center_crop", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- UpSampling */
/* nearest: num_args data inputs; bilinear: data and a deconvolution weight. */
static int upsampling_inputs(const mxio__attrs *a, const char **names, int cap) {
    const char *t = mxio__attr_str(a, "sample_type");
    if (t && strcmp(t, "bilinear") == 0) {
        if (cap < 2) return -1;
        names[0] = "data";
        names[1] = "weight";
        return 2;
    }
    return mxio__inputs_num_args(a, names, cap);
}

static void upsampling_masks(const mxio__attrs *a, uint32_t *weight, uint32_t *aux, uint32_t *label) {
    const char *t = mxio__attr_str(a, "sample_type");
    *weight = t && strcmp(t, "bilinear") == 0 ? 1u << 1 : 0;
    *aux = *label = 0;
}
static const mxio__var_attr upsampling_compose[] = {
    {1, "__init__", "[\"bilinear\", {}]"},
    {-1, NULL, NULL},
};
static const mxio__attr_spec UpSampling_params[] = {
    {"scale", MXIO__ATTR_INT, NULL, NULL},
    {"num_filter", MXIO__ATTR_INT, "0", NULL},
    {"sample_type", MXIO__ATTR_ENUM, NULL, "bilinear|nearest"},
    {"multi_input_mode", MXIO__ATTR_ENUM, "concat", "concat|sum"},
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"workspace", MXIO__ATTR_INT, "512", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _contrib_BilinearResize2D */
static int resize_inputs(const mxio__attrs *a, const char **names, int cap) {
    const char *m = mxio__attr_str(a, "mode");
    int n = m && strcmp(m, "like") == 0 ? 2 : 1;
    if (cap < n) return -1;
    names[0] = "data";
    if (n == 2) names[1] = "like";
    return n;
}
static const mxio__attr_spec contrib_BilinearResize2D_params[] = {
    {"height", MXIO__ATTR_INT, "1", NULL},
    {"width", MXIO__ATTR_INT, "1", NULL},
    {"scale_height", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"scale_width", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"mode", MXIO__ATTR_ENUM, "size", "like|odd_scale|size|to_even_down|to_even_up|to_odd_down|to_odd_up"},
    {"align_corners", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- Cast */
static const mxio__attr_spec Cast_params[] = {
    {"dtype", MXIO__ATTR_ENUM, NULL, "bfloat16|bool|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const Cast_inputs[] = {"data", NULL};

/* ---- amp_cast */
static const mxio__attr_spec amp_cast_params[] = {
    {"dtype", MXIO__ATTR_ENUM, NULL, "bfloat16|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const amp_cast_inputs[] = {"data", NULL};

/* ---- amp_multicast */
static const char *const amp_data_names[MXIO__MAX_OP_INPUTS] = {
#define D(i) "data_" #i
    MXIO__NUMBERED_256(D)
#undef D
};

static int amp_multicast_count(const mxio__attrs *a) {
    int64_t n = 0;
    if (!mxio__attr_int(a, "num_outputs", &n) || n < 1 || n > MXIO__MAX_OP_INPUTS) return -1;
    return (int)n;
}

static int amp_multicast_inputs(const mxio__attrs *a, const char **names, int cap) {
    int n = amp_multicast_count(a);
    if (n < 0 || n > cap) return -1;
    for (int i = 0; i < n; i++) names[i] = amp_data_names[i];
    return n;
}

static int amp_multicast_outputs(const mxio__attrs *a, int *visible) {
    int n = amp_multicast_count(a);
    if (n < 1) n = 1;
    if (visible) *visible = n;
    return n;
}
static const mxio__attr_spec amp_multicast_params[] = {
    {"num_outputs", MXIO__ATTR_INT, NULL, NULL},
    {"cast_narrow", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- stack */
static const mxio__attr_spec stack_params[] = {
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- broadcast_to */
static const mxio__attr_spec broadcast_to_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const broadcast_to_inputs[] = {"data", NULL};

/* ---- broadcast_like */
static const mxio__attr_spec broadcast_like_params[] = {
    {"lhs_axes", MXIO__ATTR_SHAPE, "None", NULL},
    {"rhs_axes", MXIO__ATTR_SHAPE, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const broadcast_like_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_axis */
static const mxio__attr_spec broadcast_axis_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "[]", NULL},
    {"size", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const broadcast_axis_inputs[] = {"data", NULL};

/* ---- reshape_like */
static const mxio__attr_spec reshape_like_params[] = {
    {"lhs_begin", MXIO__ATTR_OPT_INT, "None", NULL},
    {"lhs_end", MXIO__ATTR_OPT_INT, "None", NULL},
    {"rhs_begin", MXIO__ATTR_OPT_INT, "None", NULL},
    {"rhs_end", MXIO__ATTR_OPT_INT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const reshape_like_inputs[] = {"lhs", "rhs", NULL};

/* ---- depth_to_space */
static const mxio__attr_spec depth_to_space_params[] = {
    {"block_size", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const depth_to_space_inputs[] = {"data", NULL};

/* ---- space_to_depth */
static const mxio__attr_spec space_to_depth_params[] = {
    {"block_size", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const space_to_depth_inputs[] = {"data", NULL};

/* ---- shape_array */
static const char *const shape_array_inputs[] = {"data", NULL};

/* ---- size_array */
static const char *const size_array_inputs[] = {"data", NULL};

/* ---- take */
static const mxio__attr_spec take_params[] = {
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {"mode", MXIO__ATTR_ENUM, "clip", "clip|raise|wrap"},
    {NULL, 0, NULL, NULL},
};
static const char *const take_inputs[] = {"a", "indices", NULL};

/* ---- gather_nd */
static const char *const gather_nd_inputs[] = {"data", "indices", NULL};

/* ---- pick */
static const mxio__attr_spec pick_params[] = {
    {"axis", MXIO__ATTR_OPT_INT, "-1", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"mode", MXIO__ATTR_ENUM, "clip", "clip|wrap"},
    {NULL, 0, NULL, NULL},
};
static const char *const pick_inputs[] = {"data", "index", NULL};

/* ---- one_hot */
static const mxio__attr_spec one_hot_params[] = {
    {"depth", MXIO__ATTR_INT, NULL, NULL},
    {"on_value", MXIO__ATTR_FLOAT, "1", NULL},
    {"off_value", MXIO__ATTR_FLOAT, "0", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const one_hot_inputs[] = {"indices", NULL};

/* ---- _rnn_param_concat */
static const mxio__attr_spec rnn_param_concat_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"dim", MXIO__ATTR_INT, "1", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _arange */
static const mxio__attr_spec arange_params[] = {
    {"start", MXIO__ATTR_FLOAT, NULL, NULL},
    {"stop", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"step", MXIO__ATTR_FLOAT, "1", NULL},
    {"repeat", MXIO__ATTR_INT, "1", NULL},
    {"infer_range", MXIO__ATTR_BOOL, "False", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};

/* ---- _contrib_arange_like */
static const mxio__attr_spec contrib_arange_like_params[] = {
    {"start", MXIO__ATTR_FLOAT, "0", NULL},
    {"step", MXIO__ATTR_FLOAT, "1", NULL},
    {"repeat", MXIO__ATTR_INT, "1", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"axis", MXIO__ATTR_OPT_INT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_arange_like_inputs[] = {"data", NULL};

/* ---- _zeros */
static const mxio__attr_spec zeros_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|bool|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};

/* ---- _ones */
static const mxio__attr_spec ones_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|bool|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};

/* ---- _full */
static const mxio__attr_spec full_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "None", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|bool|float16|float32|float64|int32|int64|int8|uint8"},
    {"value", MXIO__ATTR_FLOAT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- SequenceMask */
static const mxio__attr_spec SequenceMask_params[] = {
    {"use_sequence_length", MXIO__ATTR_BOOL, "False", NULL},
    {"value", MXIO__ATTR_FLOAT, "0", NULL},
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- SequenceLast */
static const mxio__attr_spec SequenceLast_params[] = {
    {"use_sequence_length", MXIO__ATTR_BOOL, "False", NULL},
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- SequenceReverse */
static const mxio__attr_spec SequenceReverse_params[] = {
    {"use_sequence_length", MXIO__ATTR_BOOL, "False", NULL},
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _contrib_quantized_flatten */
static const char *const contrib_quantized_flatten_inputs[] = {"data", "min_data", "max_data", NULL};

/* ---- _contrib_quantized_concat */
/* arg0..argN-1, then arg<i>_min, arg<i>_max per input (quantized_concat.cc). */
static const char *const qconcat_range_names[][2] = {
#define R(i) {"arg" #i "_min", "arg" #i "_max"}
    R(0),  R(1),  R(2),  R(3),  R(4),  R(5),  R(6),  R(7),  R(8),  R(9),  R(10),
    R(11), R(12), R(13), R(14), R(15), R(16), R(17), R(18), R(19), R(20),
#undef R
};

static int qconcat_inputs(const mxio__attrs *a, const char **names, int cap) {
    int64_t n = 0;
    if (!mxio__attr_int(a, "num_args", &n) || n < 0 ||
        n > (int64_t)(sizeof qconcat_range_names / sizeof *qconcat_range_names) || 3 * n > cap)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        names[i] = mxio__arg_names[i];
        names[n + 2 * i] = qconcat_range_names[i][0];
        names[n + 2 * i + 1] = qconcat_range_names[i][1];
    }
    return (int)(3 * n);
}
static const mxio__attr_spec contrib_quantized_concat_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"dim", MXIO__ATTR_INT, "1", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

static mxio_status concat_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t dim = 1;
    mxio__attr_int(r->attrs, "dim", &dim);
    return mxio__k_concat_create(r->ctx, (int)dim, r->nin, r->in, k, err);
}

static mxio_status transpose_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t v[MXIO__RT_MAX_DIMS];
    int axes[MXIO__RT_MAX_DIMS], n = 0;
    if (!mxio__attr_shape(r->attrs, "axes", v, MXIO__RT_MAX_DIMS, &n, NULL))
        return mxio__bind_unsupported(r, err, "these axes are");
    for (int i = 0; i < n; i++) axes[i] = (int)v[i];
    return mxio__k_transpose_create(r->ctx, n, axes, &r->in[0], k, err);
}

static mxio_status swapaxis_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t d1 = 0, d2 = 0;
    int nd = r->in[0].ndim, axes[MXIO__RT_MAX_DIMS], a1, a2;
    mxio__attr_int(r->attrs, "dim1", &d1);
    mxio__attr_int(r->attrs, "dim2", &d2);
    if (!mxio__axis(d1, nd, &a1) || !mxio__axis(d2, nd, &a2))
        return mxio__bind_unsupported(r, err, "dim1/dim2 out of range are");
    for (int i = 0; i < nd; i++) axes[i] = i;
    axes[a1] = a2;
    axes[a2] = a1;
    return mxio__k_transpose_create(r->ctx, nd, axes, &r->in[0], k, err);
}

static mxio_status split_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t n = 1, axis = 1;
    bool squeeze = false;
    mxio__attr_int(r->attrs, "num_outputs", &n);
    mxio__attr_int(r->attrs, "axis", &axis);
    mxio__attr_bool(r->attrs, "squeeze_axis", &squeeze);
    return mxio__k_split_create(r->ctx, (int)n, (int)axis, squeeze, &r->in[0], k, err);
}

static mxio_status slice_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__slice_params p;
    memset(&p, 0, sizeof p);
    int nb = 0, ne = 0, ns = 0;
    const char *b = mxio__attr_str(r->attrs, "begin"), *e = mxio__attr_str(r->attrs, "end"),
               *s = mxio__attr_str(r->attrs, "step");
    if (!b || !e || !mxio__parse_tuple(b, p.begin, MXIO__RT_MAX_DIMS, &nb, true, NULL) ||
        !mxio__parse_tuple(e, p.end, MXIO__RT_MAX_DIMS, &ne, true, NULL) || nb != ne ||
        (s && !mxio__parse_tuple(s, p.step, MXIO__RT_MAX_DIMS, &ns, true, NULL)))
        return mxio__bind_unsupported(r, err, "this begin/end/step is");
    p.n = nb;
    for (int i = ns; i < nb; i++) p.step[i] = MXIO__SLICE_NONE;
    return mxio__k_slice_create(r->ctx, &p, &r->in[0], k, err);
}

static mxio_status slice_axis_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t axis = 0, begin = 0, end = MXIO__SLICE_NONE;
    mxio__attr_int(r->attrs, "axis", &axis);
    mxio__attr_int(r->attrs, "begin", &begin);
    mxio__attr_int(r->attrs, "end", &end); /* None leaves it NONE */
    return mxio__k_slice_axis_create(r->ctx, (int)axis, begin, end, &r->in[0], k, err);
}

static mxio_status slice_like_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t v[MXIO__RT_MAX_DIMS];
    int axes[MXIO__RT_MAX_DIMS], n = 0;
    if (!mxio__attr_shape(r->attrs, "axes", v, MXIO__RT_MAX_DIMS, &n, NULL)) n = 0;
    for (int i = 0; i < n; i++) axes[i] = (int)v[i];
    return mxio__k_slice_like_create(r->ctx, n, axes, r->in, k, err);
}

static mxio_status tile_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t v[MXIO__RT_MAX_DIMS];
    int n = 0;
    if (!mxio__attr_shape(r->attrs, "reps", v, MXIO__RT_MAX_DIMS, &n, NULL))
        return mxio__bind_unsupported(r, err, "these reps are");
    return mxio__k_tile_create(r->ctx, n, v, &r->in[0], k, err);
}

static mxio_status repeat_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t reps = 1, axis = 0;
    mxio__attr_int(r->attrs, "repeats", &reps);
    bool none = !mxio__attr_int(r->attrs, "axis", &axis);
    return mxio__k_repeat_create(r->ctx, reps, none, (int)axis, &r->in[0], k, err);
}

static mxio_status pad_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const modes[] = {"constant", "edge", "reflect", NULL};
    mxio__pad_params p;
    memset(&p, 0, sizeof p);
    int m = mxio__bind_pick(mxio__attr_str(r->attrs, "mode"), modes);
    if (m < 0 || !mxio__attr_shape(r->attrs, "pad_width", p.pad_width, 2 * MXIO__RT_MAX_DIMS,
                                   &p.n, NULL))
        return mxio__bind_unsupported(r, err, "this mode/pad_width is");
    p.mode = (mxio__pad_mode)m;
    mxio__attr_float(r->attrs, "constant_value", &p.constant_value);
    return mxio__k_pad_create(r->ctx, &p, &r->in[0], k, err);
}

static mxio_status crop_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    mxio__crop_params p;
    memset(&p, 0, sizeof p);
    int64_t na = 1;
    int n = 0;
    mxio__attr_int(r->attrs, "num_args", &na);
    p.num_args = (int)na;
    mxio__attr_shape(r->attrs, "offset", p.offset, 2, &n, NULL);
    mxio__attr_shape(r->attrs, "h_w", p.h_w, 2, &n, NULL);
    mxio__attr_bool(r->attrs, "center_crop", &p.center_crop);
    return mxio__k_crop_create(r->ctx, &p, r->in, k, err);
}

static mxio_status upsampling_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t scale = 1, nf = 0;
    mxio__attr_int(r->attrs, "scale", &scale);
    mxio__attr_int(r->attrs, "num_filter", &nf);
    const char *t = mxio__attr_str(r->attrs, "sample_type");
    if (t && strcmp(t, "bilinear") == 0) {
        mxio__conv_params p;
        mxio__upsampling_bilinear_params((int)scale, nf, &p);
        return mxio__k_deconv_create(r->ctx, &p, &r->in[0], r->nin > 1 ? r->constant[1] : NULL,
                                     NULL, k, err);
    }
    const char *m = mxio__attr_str(r->attrs, "multi_input_mode");
    return mxio__k_upsampling_create(r->ctx, (int)scale, m && strcmp(m, "sum") == 0, r->nin, r->in,
                                     k, err);
}

static mxio_status cast_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int t = mxio__dtype_of_name(mxio__attr_str(r->attrs, "dtype"));
    if (t < 0) return mxio__bind_unsupported(r, err, "this dtype is");
    bool nearest = strcmp(r->attrs->op->name, "amp_cast") == 0;
    return mxio__k_cast_create(r->ctx, (mxio_dtype)t, &r->in[0], nearest, k, err);
}

/* amp_multicast: every input to the widest (or narrowest) input dtype. The runtime
 * holds fp32 values, so inputs of one dtype pass through; mixed dtypes are refused. */
static mxio_status amp_multicast_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    for (int i = 1; i < r->nin; i++)
        if (r->in[i].dtype != r->in[0].dtype)
            return mxio__bind_unsupported(r, err, "inputs of different dtypes are");
    return mxio__k_copies_create(r->ctx, "amp_multicast", r->nin, r->in, k, err);
}

/* broadcast_to / broadcast_like / broadcast_axis: the shape rule resolved the target. */
static mxio_status broadcast_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    if (r->nout < 1 || !mxio__shape_known(&r->out[0]))
        return mxio__bind_unsupported(r, err, "a target shape the shape rule cannot give is");
    return mxio__k_broadcast_to_create(r->ctx, r->out[0].ndim, r->out[0].d, r->nin, r->in, k, err);
}

static mxio_status one_hot_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t depth = 0;
    double on = 1, off = 0;
    const char *dt = mxio__attr_str(r->attrs, "dtype");
    if (dt && strcmp(dt, "float32"))
        return mxio__bind_unsupported(r, err, "a one_hot dtype other than float32 is");
    mxio__attr_int(r->attrs, "depth", &depth);
    mxio__attr_float(r->attrs, "on_value", &on);
    mxio__attr_float(r->attrs, "off_value", &off);
    return mxio__k_one_hot_create(r->ctx, depth, (float)on, (float)off, &r->in[0], k, err);
}

static mxio_status take_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t axis = 0;
    const char *m = mxio__attr_str(r->attrs, "mode");
    if (m && strcmp(m, "raise") == 0) return mxio__bind_unsupported(r, err, "take mode=raise is");
    mxio__attr_int(r->attrs, "axis", &axis);
    return mxio__k_take_create(r->ctx, (int)axis, m && strcmp(m, "wrap") == 0, r->in, k, err);
}

static mxio_status pick_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t axis = -1;
    bool keepdims = false;
    const char *m = mxio__attr_str(r->attrs, "mode");
    if (!mxio__attr_int(r->attrs, "axis", &axis))
        return mxio__bind_unsupported(r, err, "pick with axis None is");
    mxio__attr_bool(r->attrs, "keepdims", &keepdims);
    return mxio__k_pick_create(r->ctx, (int)axis, keepdims, m && strcmp(m, "wrap") == 0, r->in, k,
                               err);
}

static mxio_status depth_space_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t b = 0;
    mxio__attr_int(r->attrs, "block_size", &b);
    return mxio__k_depth_space_create(r->ctx, strcmp(r->attrs->op->name, "depth_to_space") == 0, b,
                                      &r->in[0], k, err);
}

static mxio_status sequence_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    bool use_len = false;
    int64_t axis = 0;
    double value = 0;
    mxio__attr_bool(r->attrs, "use_sequence_length", &use_len);
    mxio__attr_int(r->attrs, "axis", &axis);
    mxio__attr_float(r->attrs, "value", &value);
    if (strcmp(r->attrs->op->name, "SequenceReverse") == 0) {
        if (axis != 0) return mxio__bind_unsupported(r, err, "SequenceReverse with axis != 0 is");
        return mxio__k_sequence_reverse_create(r->ctx, use_len, r->in, k, err);
    }
    return mxio__k_sequence_create(r->ctx, strcmp(r->attrs->op->name, "SequenceLast") == 0, use_len,
                                   (int)axis, (float)value, r->in, k, err);
}

static mxio_status stack_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t axis = 0;
    mxio__attr_int(r->attrs, "axis", &axis);
    return mxio__k_stack_create(r->ctx, (int)axis, r->nin, r->in, k, err);
}

static mxio_status gather_nd_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_gather_nd_create(r->ctx, r->in, k, err);
}

/* _split_v2: the stored indices start with 0 (the Python wrapper prepends it);
 * sections > 0 wins, as in MXNet's SplitOpShape. */
static mxio_status split_v2_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t axis = 1, sections = 0, idx[MXIO__RT_MAX_IO];
    int n = 0;
    bool squeeze = false;
    mxio__attr_int(r->attrs, "axis", &axis);
    mxio__attr_int(r->attrs, "sections", &sections);
    mxio__attr_bool(r->attrs, "squeeze_axis", &squeeze);
    if (sections > MXIO__RT_MAX_IO) return mxio__bind_unsupported(r, err, "this many sections are");
    if (sections <= 0 && (!mxio__attr_shape(r->attrs, "indices", idx, MXIO__RT_MAX_IO, &n, NULL) || n < 1))
        return mxio__bind_unsupported(r, err, "these indices are");
    return mxio__k_split_v2_create(r->ctx, n, idx, (int)(sections > 0 ? sections : 0), (int)axis, squeeze,
                                   &r->in[0], k, err);
}

/* BilinearResize2D: the output size by mode, as MXNet's BilinearSampleOpInferShape
 * (mode "size" picks both scales when scale_height is given). */
static mxio_status bilinear_resize_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const modes[] = {"size",       "odd_scale",   "like",      "to_even_down",
                                        "to_even_up", "to_odd_down", "to_odd_up", NULL};
    const char *m = mxio__attr_str(r->attrs, "mode");
    int mode = m ? mxio__bind_pick(m, modes) : 0;
    bool align = true;
    mxio__attr_bool(r->attrs, "align_corners", &align);
    if (mode < 0 || r->in[0].ndim != 4) return mxio__bind_unsupported(r, err, "this mode or data rank is");
    int64_t h = r->in[0].dims[2], w = r->in[0].dims[3], oh = 1, ow = 1;
    double sh = 0, sw = 0;
    bool has_sh = mxio__attr_float(r->attrs, "scale_height", &sh);
    bool has_sw = mxio__attr_float(r->attrs, "scale_width", &sw);
    switch (mode) {
    case 0:
        if (has_sh && !has_sw) return mxio__bind_unsupported(r, err, "scale_height without scale_width is");
        if (has_sh) {
            oh = (int64_t)(int)(sh * (double)h);
            ow = (int64_t)(int)(sw * (double)w);
        } else {
            mxio__attr_int(r->attrs, "height", &oh);
            mxio__attr_int(r->attrs, "width", &ow);
        }
        break;
    case 1:
        if (!has_sh || !has_sw) return mxio__bind_unsupported(r, err, "odd_scale without both scales is");
        /* MXNet casts to int16_t here */
        oh = h % 2 == 0 ? (int16_t)((double)h * sh) : (int16_t)((double)(h - 1) * sh) + 1;
        ow = w % 2 == 0 ? (int16_t)((double)w * sw) : (int16_t)((double)(w - 1) * sw) + 1;
        break;
    case 2:
        if (r->nin < 2 || r->in[1].ndim != 4) return mxio__bind_unsupported(r, err, "a like input not 4-D is");
        oh = r->in[1].dims[2];
        ow = r->in[1].dims[3];
        break;
    case 3: oh = h % 2 == 0 ? h : h - 1, ow = w % 2 == 0 ? w : w - 1; break;
    case 4: oh = h % 2 == 0 ? h : h + 1, ow = w % 2 == 0 ? w : w + 1; break;
    case 5: oh = h % 2 == 1 ? h : h - 1, ow = w % 2 == 1 ? w : w - 1; break;
    default: oh = h % 2 == 1 ? h : h + 1, ow = w % 2 == 1 ? w : w + 1; break;
    }
    if (oh < 1 || ow < 1) return mxio__bind_unsupported(r, err, "an empty output size is");
    return mxio__k_bilinear_resize_create(r->ctx, oh, ow, align, mode == 2 ? 2 : 1, r->in, k, err);
}

/* Source ops: the dtype attr's output (MXNet's casts, see mxio__k_source_create)
 * of the shape the shape rule resolved (0 dims in the attrs, and infer_range's
 * length, filled from the consumers by the runner's whole-net inference). */
static mxio_status src_dtype(const mxio__kernel_req *r, mxio_dtype *t, mxio_error *err) {
    const char *name = mxio__attr_str(r->attrs, "dtype");
    int d = name ? mxio__dtype_of_name(name) : MXIO_DTYPE_FLOAT32;
    if (d < 0) return mxio__bind_unsupported(r, err, "this dtype is");
    *t = (mxio_dtype)d;
    if (r->nout < 1 || !mxio__shape_known(&r->out[0]))
        return mxio__bind_unsupported(r, err, "a shape the shape rule cannot resolve is");
    return MXIO_OK;
}

static mxio_status full_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    const char *op = r->attrs->op->name;
    double value = strcmp(op, "_ones") == 0 ? 1.0 : 0.0;
    if (strcmp(op, "_zeros") != 0 && strcmp(op, "_ones") != 0 && !mxio__attr_float(r->attrs, "value", &value))
        return mxio__bind_unsupported(r, err, "a _full without value is");
    mxio_dtype t = MXIO_DTYPE_FLOAT32;
    mxio_status st = src_dtype(r, &t, err);
    if (st) return st;
    if (t == MXIO_DTYPE_FLOAT32) return mxio__k_full_create(r->ctx, r->out[0].ndim, r->out[0].d, (float)value, k, err);
    return mxio__k_source_create(r->ctx, t, r->out[0].ndim, r->out[0].d, false, value, 0, 1, k, err);
}

static mxio_status arange_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    double start = 0, stop = 0, step = 1;
    int64_t repeat = 1;
    bool infer = false;
    mxio__attr_bool(r->attrs, "infer_range", &infer);
    if (!mxio__attr_float(r->attrs, "start", &start)) return mxio__bind_unsupported(r, err, "no start is");
    bool has_stop = mxio__attr_float(r->attrs, "stop", &stop);
    mxio__attr_float(r->attrs, "step", &step);
    mxio__attr_int(r->attrs, "repeat", &repeat);
    mxio_dtype t = MXIO_DTYPE_FLOAT32;
    mxio_status st = src_dtype(r, &t, err);
    if (st) return st;
    if (t == MXIO_DTYPE_FLOAT32 && !infer)
        return mxio__k_arange_create(r->ctx, start, has_stop, stop, step, repeat, k, err);
    /* RangeParamParser: without infer_range, range(start) is range(0, start) */
    if (!infer && !has_stop) start = 0;
    return mxio__k_source_create(r->ctx, t, r->out[0].ndim, r->out[0].d, true, start, step, repeat, k, err);
}

static mxio_status arange_like_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    double start = 0, step = 1;
    int64_t repeat = 1, axis = 0;
    mxio__attr_float(r->attrs, "start", &start);
    mxio__attr_float(r->attrs, "step", &step);
    mxio__attr_int(r->attrs, "repeat", &repeat);
    bool has_axis = mxio__attr_int(r->attrs, "axis", &axis);
    return mxio__k_arange_like_create(r->ctx, start, step, repeat, !has_axis, (int)axis, &r->in[0], k, err);
}

static mxio_status shape_array_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_shape_array_create(r->ctx, strcmp(r->attrs->op->name, "size_array") == 0, &r->in[0], k,
                                      err);
}

const mxio__op mxio__ops_shape[] = {
    {.name = "Reshape",
     .kernel = mxio__bind_reshape,
     .layer = &reshape_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = reshape_infer,
     .aliases = (const char *const[]){"reshape", NULL},
     .params = Reshape_params,
     .inputs = Reshape_inputs},
    {.name = "Flatten",
     .kernel = mxio__bind_reshape,
     .layer = &flatten_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = flatten_infer,
     .aliases = (const char *const[]){"_npx_batch_flatten", "flatten", NULL},
     .inputs = Flatten_inputs},
    {.name = "Concat",
     .kernel = concat_kernel,
     .layer = &concat_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = concat_infer,
     .aliases = (const char *const[]){"_sparse_concat", "concat", NULL},
     .params = Concat_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "transpose",
     .kernel = transpose_kernel,
     .layer = &transpose_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = transpose_infer,
     .params = transpose_params,
     .inputs = transpose_inputs},
    {.name = "SwapAxis",
     .kernel = swapaxis_kernel,
     .to_layer = swapaxis_to_layer,
     .from_layer = swapaxis_from_layer,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = swapaxis_infer,
     .aliases = (const char *const[]){"_npi_swapaxes", "swapaxes", NULL},
     .params = SwapAxis_params,
     .inputs = SwapAxis_inputs},
    {.name = "expand_dims",
     .kernel = mxio__bind_reshape,
     .layer = &expand_dims_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = expand_dims_infer,
     .aliases = (const char *const[]){"_npi_expand_dims", NULL},
     .params = expand_dims_params,
     .inputs = expand_dims_inputs},
    {.name = "squeeze",
     .kernel = mxio__bind_reshape,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = squeeze_infer,
     .params = squeeze_params,
     .inputs = squeeze_inputs},
    {.name = "SliceChannel",
     .kernel = split_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = split_infer,
     .aliases = (const char *const[]){"split", NULL},
     .params = SliceChannel_params,
     .inputs = SliceChannel_inputs,
     .count_outputs = split_outputs,
     .output_names = mxio__indexed_output_names},
    {.name = "_split_v2",
     .kernel = split_v2_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = split_v2_infer,
     .aliases = (const char *const[]){"_npi_split", NULL},
     .params = split_v2_params,
     .inputs = split_v2_inputs,
     .count_outputs = split_v2_outputs},
    {.name = "slice",
     .kernel = slice_kernel,
     .layer = &slice_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = slice_infer,
     .aliases = (const char *const[]){"_npi_slice", "_npx_slice", "_sparse_slice", "crop", NULL},
     .params = slice_params,
     .inputs = slice_inputs},
    {.name = "slice_axis",
     .kernel = slice_axis_kernel,
     .layer = &slice_axis_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = slice_axis_infer,
     .params = slice_axis_params,
     .inputs = slice_axis_inputs},
    {.name = "slice_like",
     .kernel = slice_like_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = slice_like_infer,
     .params = slice_like_params,
     .inputs = slice_like_inputs},
    {.name = "tile",
     .kernel = tile_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = tile_infer,
     .aliases = (const char *const[]){"_npi_tile", NULL},
     .params = tile_params,
     .inputs = tile_inputs},
    {.name = "repeat",
     .kernel = repeat_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = repeat_infer,
     .aliases = (const char *const[]){"_np_repeat", NULL},
     .params = repeat_params,
     .inputs = repeat_inputs},
    {.name = "Pad",
     .kernel = pad_kernel,
     .layer = &pad_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = pad_infer,
     .aliases = (const char *const[]){"pad", NULL},
     .params = Pad_params,
     .inputs = Pad_inputs},
    {.name = "Crop",
     .kernel = crop_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = crop_infer,
     .params = Crop_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "UpSampling",
     .kernel = upsampling_kernel,
     .layer = &upsampling_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = upsampling_infer,
     .params = UpSampling_params,
     .list_inputs = upsampling_inputs,
     .input_masks = upsampling_masks,
     .compose_attrs = upsampling_compose},
    {.name = "_contrib_BilinearResize2D",
     .kernel = bilinear_resize_kernel,
     .layer = &bilinear_resize_rule,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = resize_infer,
     .params = contrib_BilinearResize2D_params,
     .list_inputs = resize_inputs},
    {.name = "Cast",
     .kernel = cast_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = cast_infer,
     .aliases = (const char *const[]){"_npi_cast", "_npx_cast", "cast", NULL},
     .params = Cast_params,
     .inputs = Cast_inputs},
    {.name = "amp_cast",
     .kernel = cast_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = cast_infer,
     .params = amp_cast_params,
     .inputs = amp_cast_inputs},
    {.name = "amp_multicast",
     .kernel = amp_multicast_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = amp_multicast_infer,
     .params = amp_multicast_params,
     .list_inputs = amp_multicast_inputs,
     .count_outputs = amp_multicast_outputs},
    {.name = "stack",
     .kernel = stack_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = stack_infer,
     .params = stack_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "broadcast_to",
     .kernel = broadcast_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = broadcast_to_infer,
     .params = broadcast_to_params,
     .inputs = broadcast_to_inputs},
    {.name = "broadcast_like",
     .kernel = broadcast_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = broadcast_like_infer,
     .params = broadcast_like_params,
     .inputs = broadcast_like_inputs},
    {.name = "broadcast_axis",
     .kernel = broadcast_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = broadcast_axis_infer,
     .aliases = (const char *const[]){"broadcast_axes", NULL},
     .params = broadcast_axis_params,
     .inputs = broadcast_axis_inputs},
    {.name = "reshape_like",
     .kernel = mxio__bind_reshape,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = reshape_like_infer,
     .aliases = (const char *const[]){"_npx_reshape_like", NULL},
     .params = reshape_like_params,
     .inputs = reshape_like_inputs},
    {.name = "depth_to_space",
     .kernel = depth_space_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = depth_to_space_infer,
     .params = depth_to_space_params,
     .inputs = depth_to_space_inputs},
    {.name = "space_to_depth",
     .kernel = depth_space_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = space_to_depth_infer,
     .params = space_to_depth_params,
     .inputs = space_to_depth_inputs},
    {.name = "shape_array",
     .kernel = shape_array_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = shape_array_infer,
     .aliases = (const char *const[]){"_npx_shape_array", NULL},
     .inputs = shape_array_inputs},
    {.name = "size_array",
     .kernel = shape_array_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = size_array_infer,
     .inputs = size_array_inputs},
    {.name = "take",
     .kernel = take_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = take_infer,
     .aliases = (const char *const[]){"_npi_take", NULL},
     .params = take_params,
     .inputs = take_inputs},
    {.name = "gather_nd",
     .kernel = gather_nd_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = gather_nd_infer,
     .aliases = (const char *const[]){"_npi_gather_nd", "_npx_gather_nd", NULL},
     .inputs = gather_nd_inputs},
    {.name = "pick",
     .kernel = pick_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = pick_infer,
     .aliases = (const char *const[]){"_npx_pick", "choose_element_0index", NULL},
     .params = pick_params,
     .inputs = pick_inputs},
    {.name = "one_hot",
     .kernel = one_hot_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = one_hot_infer,
     .aliases = (const char *const[]){"_npx_one_hot", NULL},
     .params = one_hot_params,
     .inputs = one_hot_inputs},
    {.name = "_rnn_param_concat", /* Gluon RNN layers' flat parameters: a Concat */
     .kernel = concat_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = concat_infer,
     .aliases = (const char *const[]){"_npi_rnn_param_concat", NULL},
     .params = rnn_param_concat_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "_arange",
     .kernel = arange_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = arange_infer,
     .params = arange_params},
    {.name = "_contrib_arange_like",
     .kernel = arange_like_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = arange_like_infer,
     .aliases = (const char *const[]){"_npx_arange_like", NULL},
     .params = contrib_arange_like_params,
     .inputs = contrib_arange_like_inputs},
    {.name = "_zeros",
     .kernel = full_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = constant_infer,
     .params = zeros_params},
    {.name = "_ones",
     .kernel = full_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = constant_infer,
     .params = ones_params},
    {.name = "_full",
     .kernel = full_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = constant_infer,
     .aliases = (const char *const[]){"_npi_full", NULL},
     .params = full_params},
    {.name = "SequenceMask",
     .kernel = sequence_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = mxio__infer_first,
     .aliases = (const char *const[]){"_npx_sequence_mask", NULL},
     .params = SequenceMask_params,
     .list_inputs = mxio__inputs_sequence_length},
    {.name = "SequenceLast",
     .kernel = sequence_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = sequence_last_infer,
     .params = SequenceLast_params,
     .list_inputs = mxio__inputs_sequence_length},
    {.name = "SequenceReverse",
     .kernel = sequence_kernel,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = mxio__infer_first,
     .params = SequenceReverse_params,
     .list_inputs = mxio__inputs_sequence_length},
    {.name = "_contrib_quantized_flatten",
     .kernel = mxio__bind_quantized_flatten,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = qflatten_infer,
     .inputs = contrib_quantized_flatten_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {.name = "_contrib_quantized_concat",
     .kernel = mxio__bind_quantized_concat,
     .kind = MXIO__KIND_SHAPE,
     .infer_shape = qconcat_infer,
     .params = contrib_quantized_concat_params,
     .list_inputs = qconcat_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {0},
};
